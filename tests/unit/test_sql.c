/* Tests for the ledger's statement layer (ledger/sql.h): the same checks on
 * SQLite (in memory) and, when LUYU_TEST_PG names a PostgreSQL connection
 * string, on PostgreSQL (integration/67-pg-schema-upgrade runs it so with
 * a server of its own): placeholders, the INSERT OR IGNORE rewrite, text
 * with quotes and Chinese, blobs with every byte value, NULL, changes,
 * booleans, sums, transactions and a failing statement; and the ledger's
 * block digests (ledger/digest.c), equal on both for the same entries. */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "sql.h"
#include "test.h"

static int64_t scalar(struct ledger_sql *db, const char *sql)
{
    struct ledger_stmt *st = NULL;
    int64_t v = -999;

    ASSERT_EQ(ledger_sql_prepare(db, sql, &st), 0);
    if (st != NULL && ledger_stmt_step(st) == 1)
        v = ledger_stmt_int64(st, 0);
    ledger_stmt_finalize(st);
    return v;
}

static void insert(struct ledger_sql *db, const char *sql, int64_t k,
                   const char *name, const void *blob, size_t n)
{
    struct ledger_stmt *st = NULL;

    ASSERT_EQ(ledger_sql_prepare(db, sql, &st), 0);
    ledger_stmt_bind_int64(st, 1, k);
    ledger_stmt_bind_text(st, 2, name);
    if (blob != NULL)
        ledger_stmt_bind_blob(st, 3, blob, n);
    else
        ledger_stmt_bind_null(st, 3);
    ASSERT_EQ(ledger_stmt_step(st), 0);
    ledger_stmt_finalize(st);
}

static void rows(struct ledger_sql *db, const uint8_t *bytes)
{
    struct ledger_stmt *st = NULL;
    int n = 0;

    ASSERT_EQ(ledger_sql_prepare(db,
                                 "SELECT k, name, data, data IS NULL FROM t"
                                 " WHERE k >= ? AND name <> '?' ORDER BY k",
                                 &st),
              0);
    ledger_stmt_bind_int64(st, 1, 2);
    while (ledger_stmt_step(st) == 1) {
        int64_t k = ledger_stmt_int64(st, 0);

        n++;
        if (k == 2) {
            ASSERT_STREQ(ledger_stmt_text(st, 1), "它's 说明");
            ASSERT_EQ(ledger_stmt_bytes(st, 2), 256);
            ASSERT_TRUE(memcmp(ledger_stmt_blob(st, 2), bytes, 256) == 0);
            ASSERT_EQ(ledger_stmt_int64(st, 3), 0);
        } else {
            ASSERT_EQ(k, 3);
            ASSERT_TRUE(ledger_stmt_null(st, 2));
            ASSERT_EQ(ledger_stmt_bytes(st, 2), 0);
            ASSERT_EQ(ledger_stmt_int64(st, 3), 1);
        }
    }
    ASSERT_EQ(n, 2);
    /* Reset runs it again with the same bindings. */
    ledger_stmt_reset(st);
    ASSERT_EQ(ledger_stmt_step(st), 1);
    ASSERT_EQ(ledger_stmt_int64(st, 0), 2);
    ledger_stmt_finalize(st);
}

static void check(struct ledger_sql *db)
{
    static const char INS[] =
        "INSERT OR IGNORE INTO t(k, name, data) VALUES (?1, ?2, ?3)";
    uint8_t bytes[256];
    struct ledger_stmt *st = NULL;

    for (int i = 0; i < 256; i++)
        bytes[i] = (uint8_t)(255 - i);
    ASSERT_EQ(ledger_sql_exec(db, "DROP TABLE IF EXISTS t"), 0);
    ASSERT_EQ(ledger_sql_exec(db, ledger_sql_is_pg(db)
                                      ? "CREATE TABLE t(k bigint PRIMARY KEY,"
                                        " name text NOT NULL, data bytea)"
                                      : "CREATE TABLE t(k INTEGER PRIMARY KEY,"
                                        " name TEXT NOT NULL, data BLOB)"),
              0);
    insert(db, INS, 1, "one", "x", 1);
    insert(db, INS, 2, "它's 说明", bytes, sizeof(bytes));
    insert(db, INS, 3, "three", NULL, 0);
    ASSERT_EQ(ledger_sql_changes(db), 1);
    insert(db, INS, 3, "ignored", NULL, 0); /* a conflict: nothing */
    ASSERT_EQ(ledger_sql_changes(db), 0);
    ASSERT_EQ(scalar(db, "SELECT count(*) FROM t"), 3);
    ASSERT_EQ(scalar(db, "SELECT coalesce(sum(k), 0) FROM t"), 6);
    ASSERT_EQ(scalar(db, "SELECT k = 1 FROM t WHERE name = 'one'"), 1);
    rows(db, bytes);

    /* A transaction rolled back leaves nothing; one committed stays. */
    ASSERT_TRUE(!ledger_sql_in_txn(db));
    ASSERT_EQ(ledger_sql_begin(db), 0);
    ASSERT_TRUE(ledger_sql_in_txn(db));
    ASSERT_EQ(ledger_sql_begin(db), -EBUSY);
    insert(db, INS, 4, "four", NULL, 0);
    ledger_sql_rollback(db);
    ASSERT_TRUE(!ledger_sql_in_txn(db));
    ASSERT_EQ(scalar(db, "SELECT count(*) FROM t"), 3);
    ASSERT_EQ(ledger_sql_begin(db), 0);
    insert(db, INS, 4, "four", NULL, 0);
    ASSERT_EQ(ledger_sql_commit(db), 0);
    ASSERT_EQ(scalar(db, "SELECT count(*) FROM t"), 4);

    /* An UPDATE counts its rows; a failing statement is an error with a
     * message, and the session goes on. */
    ASSERT_EQ(
        ledger_sql_prepare(db, "UPDATE t SET name = ?2 WHERE k >= ?1", &st), 0);
    ledger_stmt_bind_int64(st, 1, 3);
    ledger_stmt_bind_text(st, 2, "later");
    ASSERT_EQ(ledger_stmt_step(st), 0);
    ASSERT_EQ(ledger_sql_changes(db), 2);
    ledger_stmt_finalize(st);
    ASSERT_EQ(
        ledger_sql_prepare(db, "INSERT INTO t(k, name) VALUES (?1, ?2)", &st),
        0);
    ledger_stmt_bind_int64(st, 1, 1);
    ledger_stmt_bind_text(st, 2, "dup");
    ASSERT_TRUE(ledger_stmt_step(st) < 0);
    ASSERT_TRUE(ledger_sql_errmsg(db)[0] != '\0');
    ledger_stmt_finalize(st);
    ASSERT_EQ(scalar(db, "SELECT count(*) FROM t WHERE name = 'later'"), 2);
    ASSERT_EQ(ledger_sql_exec(db, "DROP TABLE t"), 0);
}

/* The block digests (ledger/digest.c) over the same entries on each
 * backend: a block and a bit, notes in Chinese and empty, corrections.
 * Returns the digest at the last entry; the stored block's digest goes
 * into block. */
static void digests(struct ledger_sql *db, uint8_t at[32], uint8_t block[32])
{
    enum { N = LEDGER_DIGEST_BLOCK + 700 };
    static const char ROWS[] =
        "INSERT INTO entry SELECT k, 'n-' || (k %% 7), k, 'u' || (k %% 11),"
        " 'ind', 201801 + k %% 12, k * 1000003 - 5, CASE WHEN k %% 13 = 0"
        " THEN k - 1 END, CASE k %% 3 WHEN 0 THEN '' WHEN 1 THEN '说明 ' || k"
        " ELSE 'note' END, 'who', k * 7, k * 11 FROM %s";
    char sql[1024];
    int64_t from = -1;

    ASSERT_EQ(ledger_sql_exec(db, "DROP TABLE IF EXISTS entry;"
                                  " DROP TABLE IF EXISTS digest_block"),
              0);
    ASSERT_EQ(ledger_sql_exec(db,
                              "CREATE TABLE entry(id bigint PRIMARY KEY,"
                              " node text, seq bigint, unit text,"
                              " indicator text, period bigint, amount bigint,"
                              " corrects bigint, note text, recorded_by text,"
                              " recorded_at bigint, received_at bigint);"
                              " CREATE TABLE digest_block(upto bigint PRIMARY"
                              " KEY, digest bytea NOT NULL, entries bigint"
                              " NOT NULL)"),
              0);
    if (ledger_sql_is_pg(db)) {
        char from_sql[64];

        snprintf(from_sql, sizeof(from_sql),
                 "generate_series(1::bigint, %d) AS c(k)", N);
        snprintf(sql, sizeof(sql), ROWS, from_sql);
    } else {
        char rows[900];

        snprintf(rows, sizeof(rows), ROWS, "c");
        snprintf(sql, sizeof(sql),
                 "WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1"
                 " FROM c WHERE k < %d) %s",
                 N, rows);
    }
    ASSERT_EQ(ledger_sql_exec(db, sql), 0);
    ASSERT_EQ(ledger_digest_point(db, N, true, &from, block), 0);
    ASSERT_EQ(from, LEDGER_DIGEST_BLOCK);
    ASSERT_EQ(scalar(db, "SELECT count(*) FROM digest_block"), 1);
    ASSERT_EQ(ledger_digest_at(db, N, at), 0);
    ASSERT_EQ(ledger_digest_at(db, N + 1, at), -ERANGE);
    ASSERT_EQ(ledger_digest_at(db, N, at), 0);
    ASSERT_EQ(ledger_sql_exec(db, "DROP TABLE entry; DROP TABLE digest_block"),
              0);
}

int main(void)
{
    const char *url = getenv("LUYU_TEST_PG");
    struct ledger_sql *db;
    sqlite3 *lite = NULL;
    uint8_t lite_at[32], lite_block[32], pg_at[32], pg_block[32];
    char err[512];

    ASSERT_EQ(sqlite3_open(":memory:", &lite), SQLITE_OK);
    db = ledger_sql_sqlite(lite);
    ASSERT_TRUE(!ledger_sql_is_pg(db));
    ASSERT_TRUE(ledger_sql_sqlite_handle(db) == lite);
    check(db);
    digests(db, lite_at, lite_block);
    ledger_sql_free(db);
    sqlite3_close(lite);
    if (url != NULL && url[0] != '\0') {
        ASSERT_EQ(ledger_sql_pg_connect(url, &db, err, sizeof(err)), 0);
        if (db != NULL) {
            /* A reader's session (luyuctl's) writes nothing; this test
             * then allows itself what a hub's session may. */
            ASSERT_TRUE(ledger_sql_exec(db, "CREATE TABLE t(k bigint)") < 0);
            ASSERT_EQ(ledger_sql_exec(db, "SET default_transaction_read_only"
                                          " = off"),
                      0);
            /* A schema of its own: the database may hold a ledger. */
            ASSERT_EQ(ledger_sql_exec(db, "CREATE SCHEMA IF NOT EXISTS"
                                          " sql_test; SET search_path ="
                                          " sql_test"),
                      0);
            ASSERT_TRUE(ledger_sql_is_pg(db));
            check(db);
            /* Digests are the ledger's, whichever engine keeps it. */
            digests(db, pg_at, pg_block);
            ASSERT_TRUE(memcmp(pg_at, lite_at, 32) == 0);
            ASSERT_TRUE(memcmp(pg_block, lite_block, 32) == 0);
            ASSERT_EQ(ledger_sql_exec(db, "DROP SCHEMA sql_test CASCADE"), 0);
            ledger_sql_free(db);
        }
        printf("postgresql: checked\n");
    }
    TEST_DONE();
}
