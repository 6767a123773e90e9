/* ledger/sql.c's structures, shared with its PostgreSQL half
 * (ledger/sql_pg.c). Internal to those two files. */
#ifndef LEDGER_SQL_INT_H
#define LEDGER_SQL_INT_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sql.h"

struct ledger_sql {
    sqlite3 *lite;        /* SQLite (borrowed), or NULL */
    struct ledger_pg *pg; /* the ledger's session (borrowed), or NULL */
    PGconn *conn;         /* pg's connection, or our own when owned */
    bool owned;           /* conn is ours to finish */
    int64_t changes;      /* rows of the last write (PostgreSQL) */
    char errmsg[512];     /* the last error (PostgreSQL) */
    uint64_t gen;         /* ledger_sql_gen() */
};

/* A PostgreSQL statement keeps its translated text and parameters until
 * the first step runs it; the result is then read row by row. */
struct ledger_stmt {
    struct ledger_sql *db;
    sqlite3_stmt *lite;
    char *sql;
    int n_params;
    char **vals; /* text, or raw bytes where fmts[i] is 1 */
    int *lens, *fmts;
    PGresult *res;
    int row; /* the current row; -1 before the first */
    bool ran;
    unsigned char **blobs; /* decoded bytea per column of the row */
    size_t *blob_lens;
};

/* The PostgreSQL half of each call of sql.h. */
int ledger__sql_pg_exec(struct ledger_sql *db, const char *sql);
int ledger__sql_pg_prepare(struct ledger_sql *db, const char *sql,
                           struct ledger_stmt *st);
void ledger__sql_pg_bind(struct ledger_stmt *st, int i, const void *v, size_t n,
                         int fmt);
int ledger__sql_pg_step(struct ledger_stmt *st);
void ledger__sql_pg_reset(struct ledger_stmt *st);
void ledger__sql_pg_finalize(struct ledger_stmt *st);
bool ledger__sql_pg_in_txn(struct ledger_sql *db);
const void *ledger__sql_pg_blob(struct ledger_stmt *st, int c, size_t *n);

#endif
