/* Read-only access to a hub's ledger for programs other than the hub
 * (luyuctl, and the web pages to come): opening ledger.db without ever
 * writing or migrating it, looking up the plan copies the hub keeps in it,
 * and reading balances. The schema is ledger/ledger.c's; nothing outside
 * this library runs SQL on it. Functions return 0 or a negative errno and
 * write a reason into err where they take one. */
#ifndef LEDGER_READER_H
#define LEDGER_READER_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* Opens STATE_DIR/ledger.db read-only. -ENOENT: no such file; -EPROTO:
 * the file's schema is newer than this program knows (err says so and
 * that the program needs an upgrade); other negative errnos as
 * lu_store_open. Close with ledger_reader_close(). */
int ledger_reader_open(const char *state_dir, sqlite3 **db, char *err,
                       size_t errlen);
void ledger_reader_close(sqlite3 *db);

/* What the ledger knows about an indicator (from the plan the hub runs). */
struct ledger_indicator {
    char name[512];
    char base_unit[32];
    int scale;
};

/* Looks an indicator up: 0 with *ind filled; -ENOENT when the ledger does
 * not know it (then *ind says scale 1 and no base unit, so that stored
 * amounts still show); -EIO when the query fails. */
int ledger_reader_indicator(sqlite3 *db, const char *code,
                            struct ledger_indicator *ind);

/* 0 when unit is in the ledger's copy of the plan, -ENOENT when not, -EIO
 * when the query fails. */
int ledger_reader_unit(sqlite3 *db, const char *code);

/* The one province the ledger has balances for, for a ledger whose hub
 * never opened the bulletin store. -ENOENT when none or several. */
int ledger_reader_province(sqlite3 *db, char *buf, size_t len);

/* The latest month any balance is for into *period; 0 when the ledger has
 * none. -EIO when the query fails. */
int ledger_reader_last_period(sqlite3 *db, uint32_t *period);

/* One balance row: the current figure of a unit, indicator and month and
 * how many entries made it, with the indicator's plan copy (scale 1 and ""
 * when the indicator has left the plan). The strings point into the
 * cursor and last until the next call. */
struct ledger_balance {
    const char *unit, *indicator, *base_unit, *name;
    uint32_t period;
    int64_t amount, entries;
    int scale;
};

/* A cursor over the balances, ordered by period, unit, indicator; unit,
 * indicator (NULL) and period (0) filter when given. next returns 1 with
 * row filled, 0 at the end, -EIO on error. */
struct ledger_balances;
int ledger_balances_open(sqlite3 *db, const char *unit, const char *indicator,
                         uint32_t period, struct ledger_balances **out);
int ledger_balances_next(struct ledger_balances *c, struct ledger_balance *row);
void ledger_balances_free(struct ledger_balances *c);

#endif
