/* The ledger's PostgreSQL backend: the same entries, corrections, chains,
 * balances, per-node high-water marks and rejects as the SQLite ledger
 * (ledger/ledger.c), in a PostgreSQL cluster that a province's hubs share.
 * Only ledger/ledger.c calls it; everyone else goes through ledger.h.
 *
 * One hub at a time is active. It holds an advisory lock on a session
 * that does nothing else (ledger/pg_lock.h), which the server ends after
 * idle_timeout_ms of silence, so a paused or cut-off hub's lock is freed
 * without anyone's help, whatever its other sessions were doing. Every
 * write goes through a second session, the writer's, marked with a shared
 * advisory lock; a hub that takes the lock ends every other marked
 * session before it reads or writes anything, so a hub that lost its lock
 * can never commit again: fencing by the database, not by the hubs' good
 * behaviour (DECISIONS.md, issue 20, "A frozen hub cannot keep the
 * standby out"). */
#ifndef LEDGER_PG_H
#define LEDGER_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "luyu.pb-c.h"

/* The schema version of the PostgreSQL ledger (ledger/pg.c lists its
 * migrations, kept in its meta table with the same semantics as SQLite's
 * user_version). */
#define LEDGER_PG_SCHEMA 5

struct ledger_pg;
struct ledger_node;

struct ledger_pg_conf {
    const char *conninfo; /* libpq connection string (postgresql://...) */
    const char *hub_id;   /* written into the lock history */
    bool require_sync_standby;
    int idle_timeout_ms; /* the server ends our session after this */
    /* Called about every 500 ms while another hub is active; returns
     * false to stop waiting (the daemon is shutting down). */
    bool (*waiting_cb)(void *data);
    void *data;
};

/* What the cluster says about replication, for status and /metrics. */
struct ledger_pg_repl {
    char sync_commit[32];    /* synchronous_commit of our session */
    char standby_names[128]; /* synchronous_standby_names */
    int sync_standbys;       /* connected with sync_state sync or quorum */
    int standbys;            /* connected at all */
    int64_t term;            /* our row in the lock history */
};

/* Connects, waits for the active lock (calling waiting_cb), checks
 * replication, migrates the schema and loads the high-water marks.
 * -EINVAL: bad connection string; -ECONNREFUSED: unreachable; -EPROTO:
 * schema newer than this hub, or no synchronous standby where one is
 * required; -ECANCELED: waiting_cb said stop. err says which. */
int ledger_pg_open(const struct ledger_pg_conf *conf, struct ledger_pg **out,
                   char *err, size_t errlen);
void ledger_pg_free(struct ledger_pg *pg);

/* -EINVAL, with libpq's reason in err, when libpq cannot parse conninfo. */
int ledger_pg_check(const char *conninfo, char *err, size_t errlen);

/* Stores the plan's units and indicators, for readers. */
struct lu_plan;
int ledger_pg_store_plan(struct ledger_pg *pg, const struct lu_plan *plan);
int ledger_pg_total(struct ledger_pg *pg, int64_t *total);

int ledger_pg_begin(struct ledger_pg *pg);
int ledger_pg_commit(struct ledger_pg *pg);
void ledger_pg_rollback(struct ledger_pg *pg);

int ledger_pg_hwm(struct ledger_pg *pg, const char *node, uint64_t *hwm);
int ledger_pg_set_hwm(struct ledger_pg *pg, const char *node, uint64_t hwm,
                      uint64_t merged, uint64_t rejected);
int ledger_pg_reject(struct ledger_pg *pg, const char *node,
                     const Luyu__Entry *e, const char *reason);

/* The entry node/seq: its id, its chain's root and its figure. Returns 0
 * when found, 1 when not, negative on error. unit and indicator hold
 * LU_MAX_NAME + 1 bytes. */
int ledger_pg_target(struct ledger_pg *pg, const char *node, uint64_t seq,
                     int64_t *id, int64_t *root, char *unit, char *indicator,
                     uint32_t *period);
int ledger_pg_chain(struct ledger_pg *pg, int64_t root, int64_t *amount);

/* Inserts e with its chain and balance; target 0 for an original. */
int ledger_pg_insert(struct ledger_pg *pg, const char *node,
                     const Luyu__Entry *e, int64_t target, int64_t root,
                     int64_t prev);

int ledger_pg_nodes(struct ledger_pg *pg, void **cursor,
                    struct ledger_node *row);
int ledger_pg_rejects(struct ledger_pg *pg, const char *node, uint64_t from,
                      uint64_t to, size_t max, Luyu__Reject ***out, size_t *n);
uint32_t ledger_pg_began(struct ledger_pg *pg);

/* The state of the sessions, without a round trip: 0 while the lock's
 * session answered its last round trip (its thread makes one every
 * idle_timeout_ms / 3) and the writer's is up; -ENOTCONN once either is
 * gone (the hub must stop: another may be active now). Fills *repl, as
 * of that round trip, when not NULL. Call it from the hub's loop at
 * least every LEDGER_PG_LOCK_STALL_MS (ledger/pg_lock.h). */
int ledger_pg_keepalive(struct ledger_pg *pg, struct ledger_pg_repl *repl);

/* The writer's session, for ledger/sql.c's statements on the same
 * connection (and so under the same fence); and whether the intake's
 * transaction is under way on it, in pipeline mode, when another statement can
 * only join it (ledger_pg_txn_exec). */
struct pg_conn;
struct pg_conn *ledger_pg_conn(struct ledger_pg *pg);
bool ledger_pg_busy(const struct ledger_pg *pg);

/* Inside the intake's transaction (ledger_pg_busy): runs one statement of
 * ledger/sql.c after everything queued and waits for it, so that a module
 * writing in the same transaction (the project pool) reads what came
 * before. 0 with *out the rows (NULL for a statement without rows; the
 * caller PQclear()s it), or negative: the transaction can only roll back.
 * lens and fmts as PQexecParams takes them. */
struct pg_result;
int ledger_pg_txn_exec(struct ledger_pg *pg, const char *sql, int n,
                       const char *const *v, const int *lens, const int *fmts,
                       struct pg_result **out);

#endif
