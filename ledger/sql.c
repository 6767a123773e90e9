/* The statement layer (ledger/sql.h): SQLite as a pass-through, and the
 * dispatch to the PostgreSQL half in ledger/sql_pg.c. */
#include "sql.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pg.h"
#include "pq_lib.h"
#include "sql_int.h"
#include "store.h"
#include "xmalloc.h"

struct ledger_sql *ledger_sql_sqlite(sqlite3 *db)
{
    struct ledger_sql *s = lu_xcalloc(1, sizeof(*s));

    s->lite = db;
    return s;
}

struct ledger_sql *ledger_sql_pg(struct ledger_pg *pg)
{
    struct ledger_sql *s = lu_xcalloc(1, sizeof(*s));

    s->pg = pg;
    s->conn = (PGconn *)ledger_pg_conn(pg);
    return s;
}

/* "relation ... already exists, skipping" is for a developer. */
static void on_notice(void *arg, const char *message)
{
    (void)arg;
    lu_debug("ledger: %s", message);
}

int ledger_sql_pg_connect(const char *conninfo, struct ledger_sql **out,
                          char *err, size_t errlen)
{
    const char *keys[] = {"connect_timeout", "application_name", "dbname",
                          NULL};
    char app[64];
    const char *vals[] = {"10", app, conninfo, NULL};
    struct ledger_sql *s;
    int r = ledger_pg_check(conninfo, err, errlen);

    /* pg_stat_activity tells luyuctl's and the dashboard's sessions from
     * the active hub's own ("luyu-hub"). */
    snprintf(app, sizeof(app), "%s reader", lu_log_ident());
    *out = NULL;
    if (r < 0)
        return r;
    s = lu_xcalloc(1, sizeof(*s));
    s->owned = true;
    s->conn = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(s->conn) != CONNECTION_OK) {
        char msg[512];

        snprintf(msg, sizeof(msg), "%s", PQerrorMessage(s->conn));
        msg[strcspn(msg, "\n")] = '\0';
        snprintf(err, errlen, "cannot reach the PostgreSQL ledger: %s", msg);
        ledger_sql_free(s);
        return -ECONNREFUSED;
    }
    PQsetNoticeProcessor(s->conn, on_notice, NULL);
    /* A reader's session writes nothing, whatever it is asked. Set after
     * connecting: target_session_attrs=read-write in the string must
     * still find the primary. */
    if (ledger_sql_exec(s, "SET default_transaction_read_only = on") < 0) {
        snprintf(err, errlen, "cannot set up the PostgreSQL session: %s",
                 ledger_sql_errmsg(s));
        ledger_sql_free(s);
        return -ECONNREFUSED;
    }
    *out = s;
    return 0;
}

bool ledger_sql_is_pg_url(const char *s)
{
    return s != NULL && (strncmp(s, "postgresql://", 13) == 0 ||
                         strncmp(s, "postgres://", 11) == 0);
}

void ledger_sql_free(struct ledger_sql *db)
{
    if (db == NULL)
        return;
    if (db->owned && db->conn != NULL)
        PQfinish(db->conn);
    free(db);
}

bool ledger_sql_is_pg(const struct ledger_sql *db)
{
    return db->conn != NULL;
}

sqlite3 *ledger_sql_sqlite_handle(struct ledger_sql *db)
{
    return db->lite;
}

const char *ledger_sql_errmsg(struct ledger_sql *db)
{
    return db->lite ? sqlite3_errmsg(db->lite) : db->errmsg;
}

int ledger_sql_exec(struct ledger_sql *db, const char *sql)
{
    return db->lite ? lu_store_exec(db->lite, sql)
                    : ledger__sql_pg_exec(db, sql);
}

bool ledger_sql_in_txn(struct ledger_sql *db)
{
    return db->lite ? !sqlite3_get_autocommit(db->lite)
                    : ledger__sql_pg_in_txn(db);
}

int ledger_sql_begin(struct ledger_sql *db)
{
    if (ledger_sql_in_txn(db))
        return -EBUSY;
    return ledger_sql_exec(db, db->lite ? "BEGIN IMMEDIATE" : "BEGIN");
}

int ledger_sql_commit(struct ledger_sql *db)
{
    return ledger_sql_exec(db, "COMMIT");
}

uint64_t ledger_sql_gen(const struct ledger_sql *db)
{
    return db->gen;
}

void ledger_sql_touch(struct ledger_sql *db)
{
    db->gen++;
}

void ledger_sql_rollback(struct ledger_sql *db)
{
    db->gen++;
    if (db->lite && !sqlite3_get_autocommit(db->lite))
        sqlite3_exec(db->lite, "ROLLBACK", NULL, NULL, NULL);
    else if (db->conn && PQstatus(db->conn) == CONNECTION_OK &&
             PQtransactionStatus(db->conn) != PQTRANS_IDLE)
        PQclear(PQexec(db->conn, "ROLLBACK"));
}

int64_t ledger_sql_changes(struct ledger_sql *db)
{
    return db->lite ? sqlite3_changes(db->lite) : db->changes;
}

int ledger_sql_prepare(struct ledger_sql *db, const char *sql,
                       struct ledger_stmt **out)
{
    struct ledger_stmt *st = lu_xcalloc(1, sizeof(*st));
    int r;

    st->db = db;
    r = db->lite ? lu_store_prepare(db->lite, sql, &st->lite)
                 : ledger__sql_pg_prepare(db, sql, st);
    if (r < 0) {
        ledger_stmt_finalize(st);
        st = NULL;
    }
    *out = st;
    return r;
}

void ledger_stmt_bind_int64(struct ledger_stmt *st, int i, int64_t v)
{
    char buf[24];

    if (st->lite) {
        sqlite3_bind_int64(st->lite, i, v);
        return;
    }
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    ledger__sql_pg_bind(st, i, buf, strlen(buf), 0);
}

void ledger_stmt_bind_text(struct ledger_stmt *st, int i, const char *v)
{
    if (st->lite)
        sqlite3_bind_text(st->lite, i, v, -1, SQLITE_TRANSIENT);
    else
        ledger__sql_pg_bind(st, i, v, v ? strlen(v) : 0, 0);
}

void ledger_stmt_bind_blob(struct ledger_stmt *st, int i, const void *v,
                           size_t n)
{
    if (st->lite)
        sqlite3_bind_blob(st->lite, i, n ? v : "", (int)n, SQLITE_TRANSIENT);
    else
        ledger__sql_pg_bind(st, i, n ? v : "", n, 1);
}

void ledger_stmt_bind_null(struct ledger_stmt *st, int i)
{
    if (st->lite)
        sqlite3_bind_null(st->lite, i);
    else
        ledger__sql_pg_bind(st, i, NULL, 0, 0);
}

int ledger_stmt_step(struct ledger_stmt *st)
{
    int rc;

    if (!st->lite)
        return ledger__sql_pg_step(st);
    rc = sqlite3_step(st->lite);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    lu_err("sqlite: %s (in \"%.60s\")", sqlite3_errmsg(st->db->lite),
           sqlite3_sql(st->lite));
    return lu_store_errno(rc);
}

void ledger_stmt_reset(struct ledger_stmt *st)
{
    if (st->lite)
        sqlite3_reset(st->lite);
    else
        ledger__sql_pg_reset(st);
}

void ledger_stmt_finalize(struct ledger_stmt *st)
{
    if (st == NULL)
        return;
    if (st->lite)
        sqlite3_finalize(st->lite);
    else
        ledger__sql_pg_finalize(st);
    free(st);
}

bool ledger_stmt_null(struct ledger_stmt *st, int c)
{
    if (st->lite)
        return sqlite3_column_type(st->lite, c) == SQLITE_NULL;
    return PQgetisnull(st->res, st->row, c) != 0;
}

int64_t ledger_stmt_int64(struct ledger_stmt *st, int c)
{
    const char *v;

    if (st->lite)
        return sqlite3_column_int64(st->lite, c);
    v = PQgetvalue(st->res, st->row, c);
    /* Booleans come as t/f; sums of bigint as numeric text. */
    if (v[0] == 't')
        return 1;
    return strtoll(v, NULL, 10);
}

const char *ledger_stmt_text(struct ledger_stmt *st, int c)
{
    const char *v;

    if (st->lite) {
        v = (const char *)sqlite3_column_text(st->lite, c);
        return v ? v : "";
    }
    return PQgetvalue(st->res, st->row, c);
}

const void *ledger_stmt_blob(struct ledger_stmt *st, int c)
{
    size_t n;

    if (st->lite)
        return sqlite3_column_blob(st->lite, c);
    return ledger__sql_pg_blob(st, c, &n);
}

size_t ledger_stmt_bytes(struct ledger_stmt *st, int c)
{
    size_t n = 0;

    if (st->lite)
        return (size_t)sqlite3_column_bytes(st->lite, c);
    ledger__sql_pg_blob(st, c, &n);
    return n;
}
