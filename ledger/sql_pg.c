/* The PostgreSQL half of the statement layer (ledger/sql.h): the dialect's
 * few rewrites, parameters as text (bytea in binary), results as text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pg.h"
#include "pq_lib.h"
#include "sql_int.h"
#include "util.h"
#include "xmalloc.h"

#define BYTEAOID 17

/* The error of the last call, once in the journal and kept for a reason. */
static int fail(struct ledger_sql *db, const char *what, const char *sql)
{
    snprintf(db->errmsg, sizeof(db->errmsg), "%s", what);
    db->errmsg[strcspn(db->errmsg, "\n")] = '\0';
    lu_err("ledger: %s (in \"%.60s\")", db->errmsg, sql);
    return PQstatus(db->conn) == CONNECTION_OK ? -EIO : -ENOTCONN;
}

/* While the intake's group commit is under way its statements stream in
 * pipeline mode on the session, and nothing else may run on it. */
static int busy(struct ledger_sql *db)
{
    if (db->pg == NULL || !ledger_pg_busy(db->pg))
        return 0;
    snprintf(db->errmsg, sizeof(db->errmsg),
             "the ledger's session is in a transaction");
    return -EBUSY;
}

int ledger__sql_pg_exec(struct ledger_sql *db, const char *sql)
{
    PGresult *res;
    int r = busy(db);

    if (r < 0)
        return r;
    res = PQexec(db->conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK &&
        PQresultStatus(res) != PGRES_TUPLES_OK)
        r = fail(db, PQresultErrorMessage(res), sql);
    PQclear(res);
    return r;
}

bool ledger__sql_pg_in_txn(struct ledger_sql *db)
{
    return busy(db) < 0 || PQtransactionStatus(db->conn) != PQTRANS_IDLE;
}

static const char OR_IGNORE[] = "INSERT OR IGNORE ";

/* ?N -> $N, ? -> the next $N, INSERT OR IGNORE -> INSERT ... ON CONFLICT
 * DO NOTHING; quoted text is left alone. Sets st->n_params. */
static void translate(const char *sql, struct ledger_stmt *st)
{
    struct lu_buf b;
    bool ignore = strncmp(sql, OR_IGNORE, sizeof(OR_IGNORE) - 1) == 0;
    bool quoted = false;
    int next = 0, max = 0;
    size_t end;

    lu_buf_init(&b);
    if (ignore) {
        lu_buf_add(&b, "INSERT ", 7);
        sql += sizeof(OR_IGNORE) - 1;
    }
    for (const char *p = sql; *p != '\0'; p++) {
        char num[16];
        int n;

        if (*p == '\'')
            quoted = !quoted;
        if (*p != '?' || quoted) {
            lu_buf_add(&b, p, 1);
            continue;
        }
        if (p[1] >= '0' && p[1] <= '9') {
            n = (int)strtol(p + 1, NULL, 10);
            while (p[1] >= '0' && p[1] <= '9')
                p++;
        } else {
            n = ++next;
        }
        max = n > max ? n : max;
        snprintf(num, sizeof(num), "$%d", n);
        lu_buf_add(&b, num, strlen(num));
    }
    end = b.len;
    while (end > 0 && (b.data[end - 1] == ';' || b.data[end - 1] == ' '))
        end--;
    b.len = end;
    b.data[end] = '\0';
    if (ignore)
        lu_buf_add(&b, " ON CONFLICT DO NOTHING", 23);
    st->sql = lu_xstrdup(b.data);
    st->n_params = max;
    lu_buf_free(&b);
}

int ledger__sql_pg_prepare(struct ledger_sql *db, const char *sql,
                           struct ledger_stmt *st)
{
    (void)db;
    translate(sql, st);
    st->vals = lu_xcalloc((size_t)st->n_params + 1, sizeof(*st->vals));
    st->lens = lu_xcalloc((size_t)st->n_params + 1, sizeof(*st->lens));
    st->fmts = lu_xcalloc((size_t)st->n_params + 1, sizeof(*st->fmts));
    st->row = -1;
    return 0;
}

void ledger__sql_pg_bind(struct ledger_stmt *st, int i, const void *v, size_t n,
                         int fmt)
{
    if (i < 1 || i > st->n_params)
        return; /* as SQLite: SQLITE_RANGE, which nobody checks */
    free(st->vals[i - 1]);
    st->vals[i - 1] = NULL;
    if (v != NULL) {
        st->vals[i - 1] = lu_xmalloc(n + 1);
        memcpy(st->vals[i - 1], v, n);
        st->vals[i - 1][n] = '\0';
    }
    st->lens[i - 1] = (int)n;
    st->fmts[i - 1] = fmt;
}

static void drop_blobs(struct ledger_stmt *st)
{
    int n = st->res ? PQnfields(st->res) : 0;

    for (int c = 0; st->blobs != NULL && c < n; c++) {
        free(st->blobs[c]);
        st->blobs[c] = NULL;
    }
}

/* A statement inside the intake's transaction joins its pipeline, as on
 * SQLite it joins the open transaction of the one connection (the project
 * pool merges there): rows or done, or the transaction failed. */
static int run_in_txn(struct ledger_stmt *st)
{
    struct ledger_sql *db = st->db;
    struct pg_result *res = NULL;
    int r = ledger_pg_txn_exec(db->pg, st->sql, st->n_params,
                               (const char *const *)st->vals, st->lens,
                               st->fmts, &res);

    st->ran = true;
    st->row = -1;
    db->changes = -1;
    if (r < 0) {
        snprintf(db->errmsg, sizeof(db->errmsg), "%s",
                 "a statement of the ledger's transaction failed");
        return r;
    }
    st->res = (PGresult *)res;
    if (st->res != NULL) {
        int n = PQnfields(st->res);

        st->blobs = lu_xcalloc((size_t)n + 1, sizeof(*st->blobs));
        st->blob_lens = lu_xcalloc((size_t)n + 1, sizeof(*st->blob_lens));
    }
    return 0;
}

static int run(struct ledger_stmt *st)
{
    struct ledger_sql *db = st->db;
    ExecStatusType status;
    int r;

    if (busy(db) < 0)
        return run_in_txn(st);
    st->res =
        PQexecParams(db->conn, st->sql, st->n_params, NULL,
                     (const char *const *)st->vals, st->lens, st->fmts, 0);
    st->ran = true;
    st->row = -1;
    status = PQresultStatus(st->res);
    if (status == PGRES_COMMAND_OK) {
        db->changes = strtoll(PQcmdTuples(st->res), NULL, 10);
        return 0;
    }
    if (status != PGRES_TUPLES_OK) {
        r = fail(db, PQresultErrorMessage(st->res), st->sql);
        PQclear(st->res);
        st->res = NULL;
        return r;
    }
    st->blobs = lu_xcalloc((size_t)PQnfields(st->res) + 1, sizeof(*st->blobs));
    st->blob_lens =
        lu_xcalloc((size_t)PQnfields(st->res) + 1, sizeof(*st->blob_lens));
    return 0;
}

int ledger__sql_pg_step(struct ledger_stmt *st)
{
    int r;

    if (!st->ran && (r = run(st)) < 0)
        return r;
    if (st->res == NULL || PQresultStatus(st->res) != PGRES_TUPLES_OK)
        return 0;
    drop_blobs(st);
    if (st->row + 1 >= PQntuples(st->res))
        return 0;
    st->row++;
    return 1;
}

void ledger__sql_pg_reset(struct ledger_stmt *st)
{
    drop_blobs(st);
    free(st->blobs);
    free(st->blob_lens);
    st->blobs = NULL;
    st->blob_lens = NULL;
    PQclear(st->res);
    st->res = NULL;
    st->ran = false;
    st->row = -1;
}

void ledger__sql_pg_finalize(struct ledger_stmt *st)
{
    ledger__sql_pg_reset(st);
    for (int i = 0; st->vals != NULL && i < st->n_params; i++)
        free(st->vals[i]);
    free(st->vals);
    free(st->lens);
    free(st->fmts);
    free(st->sql);
}

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A bytea column arrives as text in hex ("\x0a1b..."): decoded once per
 * row and column. Another column's text is its bytes. */
const void *ledger__sql_pg_blob(struct ledger_stmt *st, int c, size_t *n)
{
    const char *v = PQgetvalue(st->res, st->row, c);
    size_t len = (size_t)PQgetlength(st->res, st->row, c);
    unsigned char *out;

    if (PQftype(st->res, c) != BYTEAOID || len < 2 || v[0] != '\\' ||
        v[1] != 'x') {
        *n = len;
        return v;
    }
    if (st->blobs[c] == NULL) {
        size_t k = 0;

        out = lu_xmalloc(len / 2 + 1);
        for (size_t i = 2; i + 1 < len; i += 2) {
            int hi = hex(v[i]), lo = hex(v[i + 1]);

            if (hi < 0 || lo < 0)
                break;
            out[k++] = (unsigned char)(hi << 4 | lo);
        }
        st->blobs[c] = out;
        st->blob_lens[c] = k;
    }
    *n = st->blob_lens[c];
    return st->blobs[c];
}
