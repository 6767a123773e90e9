/* Read-only access to a hub's ledger for programs other than the hub's
 * intake (luyuctl, the dashboard's pages): opening ledger.db, or a
 * read-only session on a PostgreSQL ledger, without ever writing or
 * migrating it; looking up the plan copies the hub keeps in it, and
 * reading balances. Everything goes through the statement layer
 * (ledger/sql.h), so the same code reads both. The schema is
 * ledger/ledger.c's and ledger/pg.c's; nothing outside this library runs
 * SQL on it. Functions return 0 or a negative errno and write a reason
 * into err where they take one. */
#ifndef LEDGER_READER_H
#define LEDGER_READER_H

#include <stddef.h>
#include <stdint.h>

struct ledger_sql;

/* Opens the ledger read-only: where is a state directory (its ledger.db)
 * or a postgresql:// connection string (a read-only session of the
 * caller's own, ledger_sql_pg_connect()). -ENOENT: no such file, or a
 * PostgreSQL database no hub has set up; -EPROTO: the schema is newer
 * than this program knows (err says so and that the program needs an
 * upgrade); -ECONNREFUSED: PostgreSQL unreachable; other negative errnos
 * as lu_store_open. Close with ledger_reader_close(), which also closes
 * the file or session. */
int ledger_reader_open(const char *where, struct ledger_sql **db, char *err,
                       size_t errlen);
void ledger_reader_close(struct ledger_sql *db);

/* What the ledger knows about an indicator (from the plan the hub runs). */
struct ledger_indicator {
    char name[512];
    char base_unit[32];
    int scale;
};

/* Looks an indicator up: 0 with *ind filled; -ENOENT when the ledger does
 * not know it (then *ind says scale 1 and no base unit, so that stored
 * amounts still show); -EIO when the query fails. */
int ledger_reader_indicator(struct ledger_sql *db, const char *code,
                            struct ledger_indicator *ind);

/* 0 when unit is in the ledger's copy of the plan, -ENOENT when not, -EIO
 * when the query fails. */
int ledger_reader_unit(struct ledger_sql *db, const char *code);

/* The one province the ledger has balances for, for a ledger whose hub
 * never opened the bulletin store. -ENOENT when none or several. */
int ledger_reader_province(struct ledger_sql *db, char *buf, size_t len);

/* The latest month any balance is for into *period; 0 when the ledger has
 * none. -EIO when the query fails. */
int ledger_reader_last_period(struct ledger_sql *db, uint32_t *period);

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
int ledger_balances_open(struct ledger_sql *db, const char *unit,
                         const char *indicator, uint32_t period,
                         struct ledger_balances **out);
int ledger_balances_next(struct ledger_balances *c, struct ledger_balance *row);
void ledger_balances_free(struct ledger_balances *c);

#endif
