/* Tests for the ledger's statement layer (ledger/sql.h): the same checks on
 * SQLite (in memory) and, when LUYU_TEST_PG names a PostgreSQL connection
 * string, on PostgreSQL (integration/67-pg-schema-upgrade runs it so with
 * a server of its own): placeholders, the INSERT OR IGNORE rewrite, text
 * with quotes and Chinese, blobs with every byte value, NULL, changes,
 * booleans, sums, transactions and a failing statement; the ledger's
 * block digests (ledger/digest.c), equal on both for the same entries; and
 * the review of months (ledger/review.h) with its locked-month cache. */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "review.h"
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

struct queue_row {
    int n;
    uint64_t flagged;
    int state;
    char flags[128];
};

static int queue_row(void *arg, const struct ledger_review_month *m)
{
    struct queue_row *q = arg;

    if (strcmp(m->unit, "u1") == 0) {
        q->flagged = m->flagged;
        q->state = m->state;
        snprintf(q->flags, sizeof(q->flags), "%s", m->flags);
    }
    q->n++;
    return 0;
}

static int count_reminder(void *arg, const char *unit, uint32_t period,
                          const char *reason, int64_t at)
{
    (void)unit, (void)period, (void)reason, (void)at;
    (*(int *)arg)++;
    return 0;
}

/* The review's tables as each ledger makes them (ledger/ledger.c schema 3,
 * ledger/pg.c schema 4), the steps, the lock, reminders and the queue. */
static void review(struct ledger_sql *db)
{
    struct ledger_review_locks *locks = NULL;
    struct queue_row q = {0};
    Luyu__ReviewNotice **v = NULL;
    const char *units[] = {"u1", "u2"};
    int kinds[2], n_rem = 0;
    size_t n = 0;
    char why[256];

    ASSERT_EQ(ledger_review_history(db, "u1", 201907, NULL, NULL), -ENOTSUP);
    ASSERT_EQ(ledger_review_max(db), 0);
    ASSERT_EQ(
        ledger_sql_exec(
            db,
            ledger_sql_is_pg(db)
                ? "CREATE TABLE entry(id bigserial PRIMARY KEY, node text,"
                  " seq bigint, unit text, period bigint, received_at bigint,"
                  " confirmed text NOT NULL DEFAULT '');"
                  " CREATE TABLE review_event(id bigserial PRIMARY KEY,"
                  " unit text NOT NULL, period bigint NOT NULL, kind integer"
                  " NOT NULL, by text NOT NULL, at bigint NOT NULL, reason"
                  " text NOT NULL, node text NOT NULL, seq bigint);"
                  " CREATE TABLE reminder(unit text NOT NULL, period bigint"
                  " NOT NULL, reason text NOT NULL, at bigint NOT NULL,"
                  " hooked integer NOT NULL DEFAULT 0,"
                  " PRIMARY KEY(unit, period, reason))"
                : "CREATE TABLE entry(id INTEGER PRIMARY KEY, node TEXT,"
                  " seq INTEGER, unit TEXT, period INTEGER, received_at"
                  " INTEGER, confirmed TEXT NOT NULL DEFAULT '');"
                  " CREATE TABLE review_event(id INTEGER PRIMARY KEY,"
                  " unit TEXT NOT NULL, period INTEGER NOT NULL, kind INTEGER"
                  " NOT NULL, by TEXT NOT NULL, at INTEGER NOT NULL, reason"
                  " TEXT NOT NULL, node TEXT NOT NULL, seq INTEGER);"
                  " CREATE TABLE reminder(unit TEXT NOT NULL, period INTEGER"
                  " NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL,"
                  " hooked INTEGER NOT NULL DEFAULT 0,"
                  " PRIMARY KEY(unit, period, reason)) WITHOUT ROWID"),
        0);
    ASSERT_EQ(ledger_sql_exec(db, "INSERT INTO entry(node, seq, unit, period,"
                                  " received_at, confirmed) VALUES"
                                  " ('n', 1, 'u1', 201907, 10, 'outlier'),"
                                  " ('n', 2, 'u1', 201907, 11, ''),"
                                  " ('n', 3, 'u1', 201907, 12, 'duplicate'),"
                                  " ('m', 1, 'u2', 201907, 13, '')"),
              0);
    /* Open: not locked, and only an approval may come. */
    ASSERT_EQ(ledger_review_locked(db, &locks, "u1", 201907, why, sizeof(why)),
              0);
    ASSERT_EQ(ledger_review_check(db, "u1", 201907,
                                  LUYU__REVIEW_KIND__REVIEW_ACCEPT, why,
                                  sizeof(why)),
              1);
    ASSERT_EQ(ledger_review_add(db, "u1", 201907,
                                LUYU__REVIEW_KIND__REVIEW_APPROVE, "李明", "",
                                "n", 4, 100),
              0);
    ASSERT_EQ(ledger_review_check(db, "u1", 201907,
                                  LUYU__REVIEW_KIND__REVIEW_ACCEPT, why,
                                  sizeof(why)),
              0);
    /* An acceptance in a transaction locks the month there; rolled back,
     * the month is open again: the cache follows both. */
    ASSERT_EQ(ledger_sql_begin(db), 0);
    ASSERT_EQ(ledger_review_add(db, "u1", 201907,
                                LUYU__REVIEW_KIND__REVIEW_ACCEPT, "王芳", "",
                                "", 0, 101),
              0);
    ASSERT_EQ(ledger_review_locked(db, &locks, "u1", 201907, why, sizeof(why)),
              1);
    ledger_sql_rollback(db);
    ASSERT_EQ(ledger_review_locked(db, &locks, "u1", 201907, why, sizeof(why)),
              0);
    ASSERT_EQ(ledger_review_add(db, "u1", 201907,
                                LUYU__REVIEW_KIND__REVIEW_ACCEPT, "王芳", "",
                                "", 0, 102),
              0);
    ASSERT_EQ(ledger_review_locked(db, &locks, "u1", 201907, why, sizeof(why)),
              1);
    ASSERT_TRUE(strstr(why, "王芳") != NULL);
    ASSERT_EQ(ledger_review_locked(db, &locks, "u1", 201908, why, sizeof(why)),
              0);
    ASSERT_EQ(ledger_review_locked(db, &locks, "u2", 201907, why, sizeof(why)),
              0);
    ASSERT_EQ(ledger_review_states(db, 201907, ledger_review_max(db), units, 2,
                                   kinds),
              0);
    ASSERT_EQ(kinds[0], LUYU__REVIEW_KIND__REVIEW_ACCEPT);
    ASSERT_EQ(kinds[1], 0);
    ASSERT_EQ(ledger_review_changed_since(db, 201907, 1), 1);
    ASSERT_EQ(ledger_review_changed_since(db, 201907, ledger_review_max(db)),
              0);
    /* The queue: flagged entries in id order, the month's state. */
    ASSERT_EQ(ledger_review_queue(db, 201907, queue_row, &q), 0);
    ASSERT_EQ(q.n, 2);
    ASSERT_EQ(q.flagged, 2);
    ASSERT_EQ(q.state, LUYU__REVIEW_KIND__REVIEW_ACCEPT);
    ASSERT_STREQ(q.flags, "n/1:outlier n/3:duplicate");
    /* Reminders: once each, and a notice for a unit the registry gives. */
    ASSERT_EQ(
        ledger_remind_add(db, "u2", 201907, "not_approved_after_close", 103),
        1);
    ASSERT_EQ(
        ledger_remind_add(db, "u2", 201907, "not_approved_after_close", 104),
        0);
    ASSERT_EQ(ledger_remind_each(db, 1, 10, count_reminder, &n_rem), 0);
    ASSERT_EQ(n_rem, 1);
    ASSERT_EQ(
        ledger_remind_hooked(db, "u2", 201907, "not_approved_after_close"), 0);
    n_rem = 0;
    ASSERT_EQ(ledger_remind_each(db, 1, 10, count_reminder, &n_rem), 0);
    ASSERT_EQ(n_rem, 0);
    ASSERT_EQ(ledger_review_notices(db, "x", units + 1, 1, 0, 10, &v, &n), 0);
    ASSERT_EQ(n, 1);
    ASSERT_EQ(v[0]->kind, LUYU__REVIEW_KIND__REVIEW_REMIND);
    ledger_review_notices_free(v, n);
    ASSERT_EQ(ledger_review_notices(db, "n", NULL, 0, 0, 10, &v, &n), 0);
    ASSERT_EQ(n, 1);
    ASSERT_EQ(v[0]->kind, LUYU__REVIEW_KIND__REVIEW_ACCEPT);
    ASSERT_STREQ(v[0]->by, "王芳");
    ledger_review_notices_free(v, n);
    ledger_review_locks_free(locks);
    ASSERT_EQ(ledger_sql_exec(db, "DROP TABLE entry; DROP TABLE review_event;"
                                  " DROP TABLE reminder"),
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
    review(db);
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
            review(db);
            ASSERT_EQ(ledger_sql_exec(db, "DROP SCHEMA sql_test CASCADE"), 0);
            ledger_sql_free(db);
        }
        printf("postgresql: checked\n");
    }
    TEST_DONE();
}
