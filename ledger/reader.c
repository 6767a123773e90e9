#include "reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ledger.h"
#include "store.h"
#include "xmalloc.h"

int ledger_reader_open(const char *state_dir, sqlite3 **db, char *err,
                       size_t errlen)
{
    char path[4096];
    int r;

    *db = NULL;
    if (snprintf(path, sizeof(path), "%s/ledger.db", state_dir) >=
        (int)sizeof(path)) {
        snprintf(err, errlen, "%s", _("--state-dir too long"));
        return -ENAMETOOLONG;
    }
    r = lu_store_open(path, "ledger", LU_STORE_READONLY, db, err, errlen);
    /* A reader never migrates: an older ledger is read as it is (every
     * version so far has the tables it reads), a newer one refused. */
    if (r == 0)
        r = lu_store_check_version(*db, "ledger", LEDGER_SCHEMA, err, errlen);
    if (r < 0) {
        lu_store_close(*db);
        *db = NULL;
    }
    return r;
}

void ledger_reader_close(sqlite3 *db)
{
    lu_store_close(db);
}

static const char *text(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);

    return s ? s : "";
}

/* Runs a one-row lookup of code: 0 when it has a row (left in st for the
 * caller, who finalizes st), -ENOENT when none, -EIO on error. */
static int lookup(sqlite3 *db, const char *sql, const char *code,
                  sqlite3_stmt **st)
{
    int rc;

    if (lu_store_prepare(db, sql, st) < 0)
        return -EIO;
    sqlite3_bind_text(*st, 1, code, -1, SQLITE_STATIC);
    rc = sqlite3_step(*st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : -EIO;
}

int ledger_reader_indicator(sqlite3 *db, const char *code,
                            struct ledger_indicator *ind)
{
    sqlite3_stmt *st = NULL;
    int r;

    snprintf(ind->name, sizeof(ind->name), "%s", "");
    snprintf(ind->base_unit, sizeof(ind->base_unit), "%s", "");
    ind->scale = 1;
    r = lookup(db,
               "SELECT name, base_unit, scale FROM indicator WHERE code = ?",
               code, &st);
    if (r == 0) {
        snprintf(ind->name, sizeof(ind->name), "%s", text(st, 0));
        snprintf(ind->base_unit, sizeof(ind->base_unit), "%s", text(st, 1));
        ind->scale = sqlite3_column_int(st, 2);
    }
    sqlite3_finalize(st);
    return r;
}

int ledger_reader_unit(sqlite3 *db, const char *code)
{
    sqlite3_stmt *st = NULL;
    int r = lookup(db, "SELECT 1 FROM unit WHERE code = ?", code, &st);

    sqlite3_finalize(st);
    return r;
}

int ledger_reader_province(sqlite3 *db, char *buf, size_t len)
{
    sqlite3_stmt *st = NULL;
    int n = 0;

    buf[0] = '\0';
    if (lu_store_prepare(db,
                         "SELECT DISTINCT u.province FROM balance b"
                         " JOIN unit u ON u.code = b.unit LIMIT 2",
                         &st) < 0)
        return -EIO;
    while (sqlite3_step(st) == SQLITE_ROW && ++n == 1)
        snprintf(buf, len, "%s", text(st, 0));
    sqlite3_finalize(st);
    if (n != 1)
        buf[0] = '\0';
    return n == 1 ? 0 : -ENOENT;
}

int ledger_reader_last_period(sqlite3 *db, uint32_t *period)
{
    sqlite3_stmt *st = NULL;
    int rc;

    *period = 0;
    if (lu_store_prepare(db, "SELECT coalesce(max(period), 0) FROM balance",
                         &st) < 0)
        return -EIO;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *period = (uint32_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -EIO;
}

/* The indicator columns come through a LEFT JOIN so that a balance whose
 * indicator has left the plan still shows, in stored units. */
static const char BALANCES[] =
    "SELECT b.unit, b.indicator, b.period, b.amount, b.entries,"
    " coalesce(i.scale, 1), coalesce(i.base_unit, ''),"
    " coalesce(i.name, '')"
    " FROM balance b LEFT JOIN indicator i ON i.code = b.indicator"
    " WHERE (?1 IS NULL OR b.unit = ?1) AND (?2 IS NULL OR b.indicator = ?2)"
    " AND (?3 IS NULL OR b.period = ?3)"
    " ORDER BY b.period, b.unit, b.indicator";

struct ledger_balances {
    sqlite3 *db;
    sqlite3_stmt *st;
    char *unit, *indicator;
};

int ledger_balances_open(sqlite3 *db, const char *unit, const char *indicator,
                         uint32_t period, struct ledger_balances **out)
{
    struct ledger_balances *c = lu_xcalloc(1, sizeof(*c));

    *out = NULL;
    c->db = db;
    if (lu_store_prepare(db, BALANCES, &c->st) < 0) {
        ledger_balances_free(c);
        return -EIO;
    }
    /* Copies: the caller's strings need not outlive this call. */
    c->unit = unit ? lu_xstrdup(unit) : NULL;
    c->indicator = indicator ? lu_xstrdup(indicator) : NULL;
    if (c->unit != NULL)
        sqlite3_bind_text(c->st, 1, c->unit, -1, SQLITE_STATIC);
    if (c->indicator != NULL)
        sqlite3_bind_text(c->st, 2, c->indicator, -1, SQLITE_STATIC);
    if (period != 0)
        sqlite3_bind_int64(c->st, 3, period);
    *out = c;
    return 0;
}

int ledger_balances_next(struct ledger_balances *c, struct ledger_balance *row)
{
    sqlite3_stmt *st = c->st;
    int rc = sqlite3_step(st);

    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return -EIO;
    row->unit = text(st, 0);
    row->indicator = text(st, 1);
    row->period = (uint32_t)sqlite3_column_int64(st, 2);
    row->amount = sqlite3_column_int64(st, 3);
    row->entries = sqlite3_column_int64(st, 4);
    row->scale = sqlite3_column_int(st, 5);
    row->base_unit = text(st, 6);
    row->name = text(st, 7);
    return 1;
}

void ledger_balances_free(struct ledger_balances *c)
{
    if (c == NULL)
        return;
    sqlite3_finalize(c->st);
    free(c->unit);
    free(c->indicator);
    free(c);
}
