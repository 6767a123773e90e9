/* The monthly bulletin's project pool section (proto/bulletin.proto
 * ProjectPool): the pool as the project events up to a commit point left
 * it, against the plan's pool indicator (the one with source =
 * pool.planned) and the 1:3 rule, with the month's movements and a table
 * per unit. Reproducible like the rest of the bulletin: a function of the
 * events with id <= upto_event, the plan and the month. */
#ifndef LEDGER_BULLETIN_POOL_H
#define LEDGER_BULLETIN_POOL_H

#include <sqlite3.h>
#include <stdint.h>

#include "bulletin.pb-c.h"

struct lu_plan;

/* Figures of the pool for the plan's derived indicator: planned total of
 * projects entered in the month, in its year up to it, and of all. */
struct ledger_bulletin_pool_fig {
    int64_t month, ytd, since;
};

/* Builds the section for province's units. *out is heap allocated; free
 * with ledger_bulletin_pool_free(). fig (may be NULL) receives the derived
 * indicator's figures. 0 or a negative errno. */
struct ledger_sql;
int ledger_bulletin_pool(struct ledger_sql *db, const struct lu_plan *plan,
                         const char *province, uint32_t month,
                         int64_t upto_event, int64_t revised_after_event,
                         Luyu__ProjectPool **out,
                         struct ledger_bulletin_pool_fig *fig);
void ledger_bulletin_pool_free(Luyu__ProjectPool *pool);

#endif
