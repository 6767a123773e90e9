#include "ledgerdb.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "i18n.h"
#include "output.h"
#include "sql.h"

int ctl_ledgerdb_open(const char *where, struct ledger_sql **db)
{
    char err[512];
    int r = ledger_reader_open(where, db, err, sizeof(err));

    if (r == -ENAMETOOLONG)
        return ctl_output_error(CTL_EXIT_BAD, "%s", err);
    /* A connection string may hold a password: err names "PostgreSQL",
     * never the string. */
    if (r < 0 && ledger_sql_is_pg_url(where))
        return ctl_output_error(CTL_EXIT_FAIL, "%s", err);
    if (r < 0)
        return ctl_output_error(CTL_EXIT_FAIL, "%s%s", err,
                                r == -ENOENT ? " (is --state-dir the hub's "
                                               "state directory?)"
                                             : "");
    return CTL_EXIT_OK;
}

int ctl_ledgerdb_fail(struct ledger_sql *db)
{
    return ctl_output_error(CTL_EXIT_FAIL, _("reading the ledger: %s"),
                            ledger_sql_errmsg(db));
}

int ctl_ledgerdb_check(struct ledger_sql *db, const char *unit,
                       const char *indicator, struct ledger_indicator *ind)
{
    struct ledger_indicator tmp;
    int r = 0;

    if (unit != NULL) {
        r = ledger_reader_unit(db, unit);
        if (r == -ENOENT)
            return ctl_output_error(CTL_EXIT_BAD,
                                    _("unknown unit \"%s\" (not in this "
                                      "ledger's plan)"),
                                    unit);
    }
    if (r == 0 && indicator != NULL)
        r = ledger_reader_indicator(db, indicator, ind ? ind : &tmp);
    if (r == -ENOENT)
        return ctl_output_error(CTL_EXIT_BAD,
                                _("unknown indicator \"%s\" (not in this "
                                  "ledger's plan)"),
                                indicator);
    return r < 0 ? ctl_ledgerdb_fail(db) : CTL_EXIT_OK;
}
