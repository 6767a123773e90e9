#include "reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ledger.h"
#include "pg.h"
#include "sql.h"
#include "store.h"
#include "xmalloc.h"

static int open_file(const char *state_dir, struct ledger_sql **db, char *err,
                     size_t errlen)
{
    char path[4096];
    sqlite3 *lite = NULL;
    int r;

    if (snprintf(path, sizeof(path), "%s/ledger.db", state_dir) >=
        (int)sizeof(path)) {
        snprintf(err, errlen, "%s", _("--state-dir too long"));
        return -ENAMETOOLONG;
    }
    r = lu_store_open(path, "ledger", LU_STORE_READONLY, &lite, err, errlen);
    /* A reader never migrates: an older ledger is read as it is (every
     * version so far has the tables it reads), a newer one refused. */
    if (r == 0)
        r = lu_store_check_version(lite, "ledger", LEDGER_SCHEMA, err, errlen);
    if (r < 0) {
        lu_store_close(lite);
        return r;
    }
    *db = ledger_sql_sqlite(lite);
    return 0;
}

/* The version a hub recorded in meta (ledger/pg.c), 0 before any hub set
 * the database up; -EIO when it cannot be read. */
static int pg_version(struct ledger_sql *db)
{
    struct ledger_stmt *st = NULL;
    int v = -EIO;

    if (ledger_sql_prepare(db,
                           "SELECT CASE WHEN to_regclass('meta') IS NULL"
                           " THEN '0' ELSE (SELECT coalesce(max(value), '0')"
                           " FROM meta WHERE key = 'schema') END",
                           &st) == 0 &&
        ledger_stmt_step(st) == 1)
        v = (int)ledger_stmt_int64(st, 0);
    ledger_stmt_finalize(st);
    return v;
}

/* A read-only session on the PostgreSQL ledger; an older schema is read
 * as it is, as on SQLite, a newer or missing one refused. */
static int open_pg(const char *conninfo, struct ledger_sql **db, char *err,
                   size_t errlen)
{
    int r = ledger_sql_pg_connect(conninfo, db, err, errlen), v;

    if (r < 0)
        return r;
    v = pg_version(*db);
    if (v == -EIO) {
        snprintf(err, errlen, _("cannot read the ledger's schema version: %s"),
                 ledger_sql_errmsg(*db));
        r = -EIO;
    } else if (v == 0) {
        snprintf(err, errlen, "%s",
                 _("the PostgreSQL database holds no ledger yet (start "
                   "luyu-hub on it once)"));
        r = -ENOENT;
    } else if (v > LEDGER_PG_SCHEMA) {
        snprintf(err, errlen,
                 _("the PostgreSQL ledger is schema %d; this program knows "
                   "up to %d: upgrade it"),
                 v, LEDGER_PG_SCHEMA);
        r = -EPROTO;
    }
    if (r < 0) {
        ledger_sql_free(*db);
        *db = NULL;
    }
    return r;
}

int ledger_reader_open(const char *where, struct ledger_sql **db, char *err,
                       size_t errlen)
{
    *db = NULL;
    if (ledger_sql_is_pg_url(where))
        return open_pg(where, db, err, errlen);
    return open_file(where, db, err, errlen);
}

void ledger_reader_close(struct ledger_sql *db)
{
    sqlite3 *lite;

    if (db == NULL)
        return;
    /* The layer borrows a SQLite handle but owns its PostgreSQL session. */
    lite = ledger_sql_sqlite_handle(db);
    ledger_sql_free(db);
    lu_store_close(lite);
}

/* Runs a one-row lookup of code: 0 when it has a row (left in st for the
 * caller, who finalizes st), -ENOENT when none, -EIO on error. */
static int lookup(struct ledger_sql *db, const char *sql, const char *code,
                  struct ledger_stmt **st)
{
    int r;

    if (ledger_sql_prepare(db, sql, st) < 0)
        return -EIO;
    ledger_stmt_bind_text(*st, 1, code);
    r = ledger_stmt_step(*st);
    return r == 1 ? 0 : r == 0 ? -ENOENT : -EIO;
}

int ledger_reader_indicator(struct ledger_sql *db, const char *code,
                            struct ledger_indicator *ind)
{
    struct ledger_stmt *st = NULL;
    int r;

    snprintf(ind->name, sizeof(ind->name), "%s", "");
    snprintf(ind->base_unit, sizeof(ind->base_unit), "%s", "");
    ind->scale = 1;
    r = lookup(db,
               "SELECT name, base_unit, scale FROM indicator WHERE code = ?",
               code, &st);
    if (r == 0) {
        snprintf(ind->name, sizeof(ind->name), "%s", ledger_stmt_text(st, 0));
        snprintf(ind->base_unit, sizeof(ind->base_unit), "%s",
                 ledger_stmt_text(st, 1));
        ind->scale = (int)ledger_stmt_int64(st, 2);
    }
    ledger_stmt_finalize(st);
    return r;
}

int ledger_reader_unit(struct ledger_sql *db, const char *code)
{
    struct ledger_stmt *st = NULL;
    int r = lookup(db, "SELECT 1 FROM unit WHERE code = ?", code, &st);

    ledger_stmt_finalize(st);
    return r;
}

int ledger_reader_province(struct ledger_sql *db, char *buf, size_t len)
{
    struct ledger_stmt *st = NULL;
    int n = 0;

    buf[0] = '\0';
    if (ledger_sql_prepare(db,
                           "SELECT DISTINCT u.province FROM balance b"
                           " JOIN unit u ON u.code = b.unit LIMIT 2",
                           &st) < 0)
        return -EIO;
    while (ledger_stmt_step(st) == 1 && ++n == 1)
        snprintf(buf, len, "%s", ledger_stmt_text(st, 0));
    ledger_stmt_finalize(st);
    if (n != 1)
        buf[0] = '\0';
    return n == 1 ? 0 : -ENOENT;
}

int ledger_reader_last_period(struct ledger_sql *db, uint32_t *period)
{
    struct ledger_stmt *st = NULL;
    int r;

    *period = 0;
    if (ledger_sql_prepare(db, "SELECT coalesce(max(period), 0) FROM balance",
                           &st) < 0)
        return -EIO;
    r = ledger_stmt_step(st);
    if (r == 1)
        *period = (uint32_t)ledger_stmt_int64(st, 0);
    ledger_stmt_finalize(st);
    return r == 1 ? 0 : -EIO;
}

/* The indicator columns come through a LEFT JOIN so that a balance whose
 * indicator has left the plan still shows, in stored units. The filters
 * are compared as given, unit and indicator as text and the period as a
 * number, so that PostgreSQL infers one type for each parameter. */
static const char BALANCES[] =
    "SELECT b.unit, b.indicator, b.period, b.amount, b.entries,"
    " coalesce(i.scale, 1), coalesce(i.base_unit, ''),"
    " coalesce(i.name, '')"
    " FROM balance b LEFT JOIN indicator i ON i.code = b.indicator"
    " WHERE (?1 = '' OR b.unit = ?1) AND (?2 = '' OR b.indicator = ?2)"
    " AND (?3 = 0 OR b.period = ?3)"
    " ORDER BY b.period, b.unit, b.indicator";

struct ledger_balances {
    struct ledger_stmt *st;
};

int ledger_balances_open(struct ledger_sql *db, const char *unit,
                         const char *indicator, uint32_t period,
                         struct ledger_balances **out)
{
    struct ledger_balances *c = lu_xcalloc(1, sizeof(*c));

    *out = NULL;
    if (ledger_sql_prepare(db, BALANCES, &c->st) < 0) {
        ledger_balances_free(c);
        return -EIO;
    }
    /* The layer copies what it binds. */
    ledger_stmt_bind_text(c->st, 1, unit ? unit : "");
    ledger_stmt_bind_text(c->st, 2, indicator ? indicator : "");
    ledger_stmt_bind_int64(c->st, 3, period);
    *out = c;
    return 0;
}

int ledger_balances_next(struct ledger_balances *c, struct ledger_balance *row)
{
    struct ledger_stmt *st = c->st;
    int r = ledger_stmt_step(st);

    if (r == 0)
        return 0;
    if (r < 0)
        return -EIO;
    row->unit = ledger_stmt_text(st, 0);
    row->indicator = ledger_stmt_text(st, 1);
    row->period = (uint32_t)ledger_stmt_int64(st, 2);
    row->amount = ledger_stmt_int64(st, 3);
    row->entries = ledger_stmt_int64(st, 4);
    row->scale = (int)ledger_stmt_int64(st, 5);
    row->base_unit = ledger_stmt_text(st, 6);
    row->name = ledger_stmt_text(st, 7);
    return 1;
}

void ledger_balances_free(struct ledger_balances *c)
{
    if (c == NULL)
        return;
    ledger_stmt_finalize(c->st);
    free(c);
}
