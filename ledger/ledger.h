/* The hub's consolidated ledger (台账) in SQLite: append-only entries keyed
 * by (node, seq), corrections as new entries that name what they correct,
 * balances per unit / indicator / month derived in the same transaction,
 * per-node high-water marks, and rejects with their reasons. Merging an
 * entry a second time changes nothing, which turns at-least-once delivery
 * into an exactly-once ledger. */
#ifndef LEDGER_LEDGER_H
#define LEDGER_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "luyu.pb-c.h"
#include "pg.h"

/* The schema version this code writes and reads (ledger/ledger.c lists
 * the migrations to it). The hub migrates an older ledger.db when it opens
 * it; readers (ledger/reader.h) refuse a newer one. */
#define LEDGER_SCHEMA 5

struct lu_plan;
struct ledger;

/* Opens state_dir/ledger.db, creating it on first start, and records the
 * plan's units and indicators in it (so that readers can format figures
 * without the plan file). province, when not NULL, limits accepted units to
 * that province. */
int ledger_open(const char *state_dir, const struct lu_plan *plan,
                const char *province, struct ledger **out, char *err,
                size_t errlen);
void ledger_free(struct ledger *l);

/* The same ledger in a PostgreSQL cluster (ledger/pg.h): waits, as a
 * standby, until this hub is the active one, then opens it like
 * ledger_open. Everything below works the same on it, except
 * ledger_db(), which is NULL: review, reminders and the pool's readers
 * for luyuctl and the dashboard use SQLite only, so far (DECISIONS.md,
 * issue 20). The bulletin store, the digests and the pool's writer go
 * through ledger_sql_handle() on both. */
int ledger_open_pg(const struct ledger_pg_conf *conf,
                   const struct lu_plan *plan, const char *province,
                   struct ledger **out, char *err, size_t errlen);

/* On PostgreSQL: whether the session that holds the active lock answered
 * its last round trip (made by its own thread) and the writer's session
 * is up, with the replication state in *repl (ledger_pg_keepalive). 0
 * while they live (and always on SQLite, where *repl is left alone);
 * -ENOTCONN once one is gone: another hub may be active now, and this
 * one must stop at once. */
int ledger_keepalive(struct ledger *l, struct ledger_pg_repl *repl);
bool ledger_is_pg(const struct ledger *l);

/* The ledger's database handle, for modules that keep their own tables in
 * the same file (bulletins). Owned by the ledger; NULL on PostgreSQL. */
struct sqlite3;
struct sqlite3 *ledger_db(struct ledger *l);

/* The ledger's database as a statement layer (ledger/sql.h), on SQLite or
 * on the PostgreSQL session that holds the active lock: for modules that
 * keep their tables beside the entries on both (the bulletin store, the
 * digests, the project pool). Owned by the ledger. */
struct ledger_sql;
struct ledger_sql *ledger_sql_handle(struct ledger *l);

/* The month (YYYYMM, UTC) the ledger began, remembered in its meta table
 * at the first call: automatic issuing starts there, not at the plan's
 * first month. */
uint32_t ledger_began(struct ledger *l);

int ledger_begin(struct ledger *l);
/* ledger_begin for a transaction whose commit the caller makes durable
 * itself before it tells anyone of it: on SQLite it commits with
 * synchronous=NORMAL (its WAL frames written, not fsynced; the hub's
 * intake syncs them on a thread, common/walsync.h), every other
 * transaction stays synchronous=FULL. On PostgreSQL, ledger_begin. */
int ledger_begin_lazy(struct ledger *l);
int ledger_commit(struct ledger *l);
void ledger_rollback(struct ledger *l);

/* Highest seq of node such that everything up to it is merged or rejected;
 * 0 for a node never seen. Reads committed state plus the open txn. */
int ledger_hwm(struct ledger *l, const char *node, uint64_t *hwm);

/* Inside a transaction: merges e from node. Returns 0 when merged, 1 when
 * refused for good (the reason is recorded and written into reason), or a
 * negative errno when storage failed (the caller rolls back). The caller
 * only passes seq == hwm + 1. */
int ledger_merge(struct ledger *l, const char *node, const Luyu__Entry *e,
                 char *reason, size_t len);

/* Inside a transaction: records e as refused for good with reason (the
 * caller decided it, e.g. the node may not report for the unit). */
int ledger_reject(struct ledger *l, const char *node, const Luyu__Entry *e,
                  const char *reason);

/* Inside a transaction: records that node was seen, its new hwm, and how
 * many entries of it were merged and rejected since the last call. */
int ledger_set_hwm(struct ledger *l, const char *node, uint64_t hwm,
                   uint64_t merged, uint64_t rejected);

/* Per-node totals for status, one row at a time: call with *cursor NULL
 * first; returns 1 with the row filled, 0 at the end, negative on error.
 * node is copied into a buffer of LU_MAX_NAME + 1 bytes. */
struct ledger_node {
    char node[65];
    uint64_t hwm, entries, rejects;
    int64_t first_seen, last_seen;
};
int ledger_nodes(struct ledger *l, void **cursor, struct ledger_node *row);

/* Rejects of node with from <= seq <= to, ascending, at most max. The
 * rejects and their reasons are heap allocated; ledger_rejects_free()
 * frees them. */
int ledger_rejects(struct ledger *l, const char *node, uint64_t from,
                   uint64_t to, size_t max, Luyu__Reject ***out, size_t *n);
void ledger_rejects_free(Luyu__Reject **rejects, size_t n);

#endif
