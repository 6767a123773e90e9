/* The hub's consolidated ledger (台账) in SQLite: append-only entries keyed
 * by (node, seq), corrections as new entries that name what they correct,
 * balances per unit / indicator / month derived in the same transaction,
 * per-node high-water marks, and rejects with their reasons. Merging an
 * entry a second time changes nothing, which turns at-least-once delivery
 * into an exactly-once ledger. */
#ifndef HUB_LEDGER_H
#define HUB_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "luyu.pb-c.h"

struct lu_plan;
struct hub_ledger;

/* Opens state_dir/ledger.db, creating it on first start, and records the
 * plan's units and indicators in it (so that readers can format figures
 * without the plan file). province, when not NULL, limits accepted units to
 * that province. */
int hub_ledger_open(const char *state_dir, const struct lu_plan *plan,
                    const char *province, struct hub_ledger **out, char *err,
                    size_t errlen);
void hub_ledger_free(struct hub_ledger *l);

/* The ledger's database handle, for modules that keep their own tables in
 * the same file (bulletins). Owned by the ledger. */
struct sqlite3;
struct sqlite3 *hub_ledger_db(struct hub_ledger *l);

int hub_ledger_begin(struct hub_ledger *l);
int hub_ledger_commit(struct hub_ledger *l);
void hub_ledger_rollback(struct hub_ledger *l);

/* Highest seq of node such that everything up to it is merged or rejected;
 * 0 for a node never seen. Reads committed state plus the open txn. */
int hub_ledger_hwm(struct hub_ledger *l, const char *node, uint64_t *hwm);

/* Inside a transaction: merges e from node. Returns 0 when merged, 1 when
 * refused for good (the reason is recorded and written into reason), or a
 * negative errno when storage failed (the caller rolls back). The caller
 * only passes seq == hwm + 1. */
int hub_ledger_merge(struct hub_ledger *l, const char *node,
                     const Luyu__Entry *e, char *reason, size_t len);

/* Inside a transaction: records e as refused for good with reason (the
 * caller decided it, e.g. the node may not report for the unit). */
int hub_ledger_reject(struct hub_ledger *l, const char *node,
                      const Luyu__Entry *e, const char *reason);

/* Inside a transaction: records that node was seen, its new hwm, and how
 * many entries of it were merged and rejected since the last call. */
int hub_ledger_set_hwm(struct hub_ledger *l, const char *node, uint64_t hwm,
                       uint64_t merged, uint64_t rejected);

/* Per-node totals for status, one row at a time: call with *cursor NULL
 * first; returns 1 with the row filled, 0 at the end, negative on error.
 * node is copied into a buffer of LU_MAX_NAME + 1 bytes. */
struct hub_ledger_node {
    char node[65];
    uint64_t hwm, entries, rejects;
    int64_t first_seen, last_seen;
};
int hub_ledger_nodes(struct hub_ledger *l, void **cursor,
                     struct hub_ledger_node *row);

/* Rejects of node with from <= seq <= to, ascending, at most max. The
 * rejects and their reasons are heap allocated; hub_ledger_rejects_free()
 * frees them. */
int hub_ledger_rejects(struct hub_ledger *l, const char *node, uint64_t from,
                       uint64_t to, size_t max, Luyu__Reject ***out, size_t *n);
void hub_ledger_rejects_free(Luyu__Reject **rejects, size_t n);

#endif
