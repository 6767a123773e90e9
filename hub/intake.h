/* The hub's ROUTER socket: sessions per connected node (Hello -> Welcome
 * with the node's high-water mark), batches merged into the ledger with
 * group commit, and acks sent only after that transaction commits. What
 * the socket brings is read ahead into a fair queue (hub/fairq.h) and
 * merged in its order; a group closes after a bounded amount of work, or
 * right after a clerk's small batch, and the loop goes round once before
 * the next (issue 19, docs/DECISIONS.md). Replies wait in hub/replies.h,
 * feed events in hub/feed.h. Bad frames are counted, logged, answered
 * where possible, and never stop the hub. The socket is owned here; the
 * ledger is borrowed. */
#ifndef HUB_INTAKE_H
#define HUB_INTAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "luyu.pb-c.h"

struct ledger;
struct hub_intake;

struct hub_intake_stats {
    uint64_t entries_committed;
    uint64_t entries_duplicate;
    uint64_t entries_rejected;
    uint64_t frames_malformed;
    /* Messages refused for who sent them: a key writing in another key's
     * session or claiming another node; a key not (or no longer) in the
     * registry. */
    uint64_t refused_owner;
    uint64_t refused_key;
    uint64_t replies_dropped; /* peer gone or its send queue full */
    uint64_t commits;
    size_t sessions;
    /* Groups whose replies wait for their WAL sync (common/walsync.h;
     * 0 on PostgreSQL). */
    size_t groups_held;
};

/* Binds endpoint; with secret_z85 (not NULL) as a CURVE server, which
 * needs the ZAP handler bound first. Returns NULL with a reason in err. */
struct hub_intake *hub_intake_new(uv_loop_t *loop, void *zctx,
                                  const char *endpoint, const char *secret_z85,
                                  struct ledger *ledger, char *err,
                                  size_t errlen);
void hub_intake_free(struct hub_intake *in);
/* The ROUTER socket, for the socket monitor (hub/monitor.h). */
void *hub_intake_zsock(struct hub_intake *in);
/* Uses reg (borrowed; NULL for none) from now on and cuts off sessions of
 * nodes it no longer lists. */
struct hub_registry;
void hub_intake_set_registry(struct hub_intake *in,
                             const struct hub_registry *reg);
/* Receives a bulletin pushed by a peer hub. from is the peer's ZAP user id
 * ("hub:ID") or NULL on plain transport. Returns 1 when the bulletin is
 * stored (or already was): acknowledged; 0 when refused for good, with a
 * reason: answered so; -1 when it could not be stored now (disk full):
 * not answered, so that the peer sends it again later. */
typedef int (*hub_intake_bulletin_cb)(void *data, const char *from,
                                      const Luyu__BulletinPush *push,
                                      char *reason, size_t len);
void hub_intake_on_bulletin(struct hub_intake *in, hub_intake_bulletin_cb cb,
                            void *data);

/* Calls cb(data) on the loop after every group transaction that
 * committed, as the feed publishes its events: the dashboard's live feed
 * (hub/dash.h) learns that the ledger moved. cb NULL: none. */
typedef void (*hub_intake_commit_cb)(void *data);
void hub_intake_on_commit(struct hub_intake *in, hub_intake_commit_cb cb,
                          void *data);

/* Calls cb(data) on the loop, outside any group, after answers to groups
 * were sent, committed or not (on SQLite, also after every WAL sync; the
 * answers of some group may still wait for theirs): for work that must
 * not delay them (the ledger's deferred checkpoint copy,
 * common/checkpoint.h). cb NULL: none. */
typedef void (*hub_intake_replied_cb)(void *data);
void hub_intake_on_replied(struct hub_intake *in, hub_intake_replied_cb cb,
                           void *data);

/* Publishes merged entries, rejects and node up/down on feed (borrowed,
 * may be NULL); plan formats amounts. */
struct hub_feed;
struct lu_plan;
void hub_intake_set_feed(struct hub_intake *in, struct hub_feed *feed,
                         const struct lu_plan *plan);

/* True when node has a session now; *last_seq is what it last said its
 * newest seq was. */
bool hub_intake_session(const struct hub_intake *in, const char *node,
                        uint64_t *last_seq);
/* Seconds from BEGIN to COMMIT of each group commit. */
struct lu_histo;
const struct lu_histo *hub_intake_commit_latency(const struct hub_intake *in);
/* How long the WAL's syncs off the loop took; false (out untouched) on
 * PostgreSQL, or when the hub commits with its own fsyncs. */
bool hub_intake_wal_sync_latency(const struct hub_intake *in,
                                 struct lu_histo *out);
void hub_intake_stats(const struct hub_intake *in, struct hub_intake_stats *st);

#endif
