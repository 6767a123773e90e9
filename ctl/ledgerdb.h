/* luyuctl's side of reading a hub's ledger (the ledger library,
 * ledger/reader.h, does the reading): opening it with the error a person
 * needs, and checking that codes a person typed are known to it. */
#ifndef CTL_LEDGERDB_H
#define CTL_LEDGERDB_H

#include <stdint.h>

#include "reader.h"

/* Opens the ledger read-only: where is the hub's state directory (its
 * ledger.db) or, for a hub whose ledger is in PostgreSQL, the hub's
 * postgresql://... connection string (a read-only session of luyuctl's
 * own). Returns CTL_EXIT_OK with *db set (close with
 * ledger_reader_close), or prints why and returns an exit code. */
int ctl_ledgerdb_open(const char *where, struct ledger_sql **db);

/* Checks that unit (when not NULL) is in the ledger's unit table and
 * indicator (when not NULL) in its indicator table; fills *ind when both
 * ind and indicator are given. Returns CTL_EXIT_OK, or prints `unknown
 * unit "x"` and returns CTL_EXIT_BAD, or CTL_EXIT_FAIL when the query
 * fails. */
int ctl_ledgerdb_check(struct ledger_sql *db, const char *unit,
                       const char *indicator, struct ledger_indicator *ind);

/* Reports that reading the ledger failed and returns CTL_EXIT_FAIL. */
int ctl_ledgerdb_fail(struct ledger_sql *db);

#endif
