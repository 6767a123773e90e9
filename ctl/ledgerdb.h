/* Read-only access to a hub's ledger (hub/ledger.c documents its schema)
 * for luyuctl ledger and history: opening it, checking that codes a person
 * typed are known to it, and reporting query failures. */
#ifndef CTL_LEDGERDB_H
#define CTL_LEDGERDB_H

#include <sqlite3.h>
#include <stdint.h>

/* What the ledger knows about an indicator (from the plan the hub runs). */
struct ctl_ledgerdb_indicator {
    char name[512];
    char base_unit[32];
    int scale;
};

/* Opens STATE_DIR/ledger.db read-only. Returns CTL_EXIT_OK with *db set
 * (close with lu_store_close), or prints why and returns an exit code. */
int ctl_ledgerdb_open(const char *state_dir, sqlite3 **db);

/* Looks an indicator up. Returns CTL_EXIT_OK with *ind filled;
 * CTL_EXIT_BAD, printing nothing, when the ledger does not know it (then
 * *ind says scale 1 and no base unit, so that stored amounts still show);
 * CTL_EXIT_FAIL, printed, when the query fails. */
int ctl_ledgerdb_indicator(sqlite3 *db, const char *code,
                           struct ctl_ledgerdb_indicator *ind);

/* Checks that unit (when not NULL) is in the ledger's unit table and
 * indicator (when not NULL) in its indicator table; fills *ind when both
 * ind and indicator are given. Returns CTL_EXIT_OK, or prints `unknown
 * unit "x"` and returns CTL_EXIT_BAD, or CTL_EXIT_FAIL when the query
 * fails. */
int ctl_ledgerdb_check(sqlite3 *db, const char *unit, const char *indicator,
                       struct ctl_ledgerdb_indicator *ind);

/* Prepares sql. Returns CTL_EXIT_OK, or prints the error and returns
 * CTL_EXIT_FAIL. */
int ctl_ledgerdb_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st);

/* Reports a failed step (rc other than SQLITE_ROW/DONE) and returns
 * CTL_EXIT_FAIL. */
int ctl_ledgerdb_fail(sqlite3 *db, int rc);

/* Column i as text, "" for NULL. */
const char *ctl_ledgerdb_text(sqlite3_stmt *st, int i);

#endif
