/* A small statement layer over the ledger's database, so that a module
 * keeping its own tables beside the entries (the bulletin store, the
 * digests) runs the same code on SQLite and on PostgreSQL: prepare with
 * ?N placeholders, bind, step through rows, read columns, run a
 * transaction.
 *
 * SQLite is a pass-through. On PostgreSQL a statement runs on the session
 * of the ledger (ledger/pg.c), the one that holds the active hub's lock,
 * so that a hub that lost its session can no more store a bulletin than an
 * entry. The dialect differences are few and explicit, rewritten by
 * ledger_sql_prepare() on PostgreSQL only:
 *
 *   ?N and ?          become $N (a bare ? takes the next number)
 *   INSERT OR IGNORE  becomes INSERT ... ON CONFLICT DO NOTHING
 *
 * Everything else is written in SQL both engines read the same way
 * (coalesce, max, ORDER BY ... LIMIT, CASE). Blobs go as bytea, booleans
 * read as 1 and 0 and sums (numeric on PostgreSQL) as int64. A statement
 * that fails inside a PostgreSQL transaction fails the transaction: the
 * caller rolls back, as after any error. Internal to ledger/. */
#ifndef LEDGER_SQL_H
#define LEDGER_SQL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ledger_pg;
struct ledger_sql;
struct ledger_stmt;

/* A layer over db (borrowed: the caller keeps and closes it). Never NULL. */
struct ledger_sql *ledger_sql_sqlite(sqlite3 *db);
/* A layer over the PostgreSQL ledger's session (borrowed). */
struct ledger_sql *ledger_sql_pg(struct ledger_pg *pg);
/* A read-only session of its own on conninfo (a reader: luyuctl, the
 * dashboard's pages; application_name "PROGRAM reader"): 0, or
 * -ENOENT (no libpq), -EINVAL, -ECONNREFUSED with the reason in err. */
int ledger_sql_pg_connect(const char *conninfo, struct ledger_sql **out,
                          char *err, size_t errlen);
void ledger_sql_free(struct ledger_sql *db);
/* Whether s names a PostgreSQL ledger (postgresql:// or postgres://), as
 * the hub's `ledger` setting does, rather than a state directory. */
bool ledger_sql_is_pg_url(const char *s);

bool ledger_sql_is_pg(const struct ledger_sql *db);
/* The SQLite handle under db; NULL on PostgreSQL. */
sqlite3 *ledger_sql_sqlite_handle(struct ledger_sql *db);
/* The last error's text, for a log line or a reason. */
const char *ledger_sql_errmsg(struct ledger_sql *db);

/* Runs statements without parameters or results: 0 or -EIO (-ENOTCONN
 * when the PostgreSQL session is gone), logged once here. */
int ledger_sql_exec(struct ledger_sql *db, const char *sql);

/* A write transaction (SQLite: BEGIN IMMEDIATE). -EBUSY when one is
 * already open on db (the intake's, say). */
int ledger_sql_begin(struct ledger_sql *db);
int ledger_sql_commit(struct ledger_sql *db);
void ledger_sql_rollback(struct ledger_sql *db);
/* Whether a transaction is open on db, ours or the intake's. */
bool ledger_sql_in_txn(struct ledger_sql *db);

/* A counter that every review step written through db and every
 * rollback on it moves (ledger_sql_touch): a cache of the review tables
 * (ledger_review_locked's on PostgreSQL) holds while it has not moved. */
uint64_t ledger_sql_gen(const struct ledger_sql *db);
void ledger_sql_touch(struct ledger_sql *db);

/* Rows changed by the last write statement stepped on db; -1 when
 * unknown: on PostgreSQL, a write that joined the intake's transaction
 * (its pipeline keeps no count). */
int64_t ledger_sql_changes(struct ledger_sql *db);

/* Prepares sql (translated on PostgreSQL, see above): 0 or -EIO, logged.
 * Free *out with ledger_stmt_finalize(). */
int ledger_sql_prepare(struct ledger_sql *db, const char *sql,
                       struct ledger_stmt **out);
/* Parameters are numbered from 1; values are copied. */
void ledger_stmt_bind_int64(struct ledger_stmt *st, int i, int64_t v);
void ledger_stmt_bind_text(struct ledger_stmt *st, int i, const char *v);
void ledger_stmt_bind_blob(struct ledger_stmt *st, int i, const void *v,
                           size_t n);
void ledger_stmt_bind_null(struct ledger_stmt *st, int i);
/* 1 with a row to read, 0 when done, or a negative errno (logged; the
 * message is in ledger_sql_errmsg()). */
int ledger_stmt_step(struct ledger_stmt *st);
/* Ready to step again from the start; bindings are kept. */
void ledger_stmt_reset(struct ledger_stmt *st);
void ledger_stmt_finalize(struct ledger_stmt *st);

/* Columns of the current row, numbered from 0. NULL reads as 0, "" and
 * an empty blob. Text and blobs live until the next step or reset. */
bool ledger_stmt_null(struct ledger_stmt *st, int c);
int64_t ledger_stmt_int64(struct ledger_stmt *st, int c);
const char *ledger_stmt_text(struct ledger_stmt *st, int c);
const void *ledger_stmt_blob(struct ledger_stmt *st, int c);
size_t ledger_stmt_bytes(struct ledger_stmt *st, int c);

#endif
