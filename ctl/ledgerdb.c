#include "ledgerdb.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "i18n.h"
#include "output.h"
#include "store.h"

int ctl_ledgerdb_open(const char *state_dir, sqlite3 **db)
{
    char path[4096], err[512];
    int r;

    if (snprintf(path, sizeof(path), "%s/ledger.db", state_dir) >=
        (int)sizeof(path))
        return ctl_output_error(CTL_EXIT_BAD, _("--state-dir too long"));
    r = lu_store_open(path, "ledger", LU_STORE_READONLY, db, err, sizeof(err));
    if (r < 0)
        return ctl_output_error(CTL_EXIT_FAIL, "%s%s", err,
                                r == -ENOENT ? " (is --state-dir the hub's "
                                               "state directory?)"
                                             : "");
    return CTL_EXIT_OK;
}

int ctl_ledgerdb_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
        return ctl_output_error(CTL_EXIT_FAIL, _("reading the ledger: %s"),
                                sqlite3_errmsg(db));
    return CTL_EXIT_OK;
}

int ctl_ledgerdb_fail(sqlite3 *db, int rc)
{
    return ctl_output_error(CTL_EXIT_FAIL, _("reading the ledger: %s"),
                            sqlite3_errmsg(db));
}

const char *ctl_ledgerdb_text(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);

    return s ? s : "";
}

int ctl_ledgerdb_indicator(sqlite3 *db, const char *code,
                           struct ctl_ledgerdb_indicator *ind)
{
    sqlite3_stmt *st = NULL;
    int rc, r;

    snprintf(ind->name, sizeof(ind->name), "%s", "");
    snprintf(ind->base_unit, sizeof(ind->base_unit), "%s", "");
    ind->scale = 1;
    r = ctl_ledgerdb_prepare(
        db, "SELECT name, base_unit, scale FROM indicator WHERE code = ?", &st);
    if (r != CTL_EXIT_OK)
        return r;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(ind->name, sizeof(ind->name), "%s", ctl_ledgerdb_text(st, 0));
        snprintf(ind->base_unit, sizeof(ind->base_unit), "%s",
                 ctl_ledgerdb_text(st, 1));
        ind->scale = sqlite3_column_int(st, 2);
    }
    r = rc == SQLITE_ROW    ? CTL_EXIT_OK
        : rc == SQLITE_DONE ? CTL_EXIT_BAD
                            : ctl_ledgerdb_fail(db, rc);
    sqlite3_finalize(st);
    return r;
}

static int unit_known(sqlite3 *db, const char *code)
{
    sqlite3_stmt *st = NULL;
    int rc, r;

    r = ctl_ledgerdb_prepare(db, "SELECT 1 FROM unit WHERE code = ?", &st);
    if (r != CTL_EXIT_OK)
        return r;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    r = rc == SQLITE_ROW    ? CTL_EXIT_OK
        : rc == SQLITE_DONE ? CTL_EXIT_BAD
                            : ctl_ledgerdb_fail(db, rc);
    sqlite3_finalize(st);
    return r;
}

int ctl_ledgerdb_check(sqlite3 *db, const char *unit, const char *indicator,
                       struct ctl_ledgerdb_indicator *ind)
{
    struct ctl_ledgerdb_indicator tmp;
    int r = CTL_EXIT_OK;

    if (unit != NULL) {
        r = unit_known(db, unit);
        if (r == CTL_EXIT_BAD)
            return ctl_output_error(r,
                                    _("unknown unit \"%s\" (not in this "
                                      "ledger's plan)"),
                                    unit);
    }
    if (r != CTL_EXIT_OK || indicator == NULL)
        return r;
    r = ctl_ledgerdb_indicator(db, indicator, ind ? ind : &tmp);
    if (r == CTL_EXIT_BAD)
        return ctl_output_error(r,
                                _("unknown indicator \"%s\" (not in this "
                                  "ledger's plan)"),
                                indicator);
    return r;
}
