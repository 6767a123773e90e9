#include "intake.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "amount.h"
#include "arena.h"
#include "codec.h"
#include "fairq.h"
#include "feed.h"
#include "held.h"
#include "keys.h"
#include "json.h"
#include "ledger.h"
#include "log.h"
#include "metrics.h"
#include "plan.h"
#include "project.h"
#include "registry.h"
#include "reject.h"
#include "replies.h"
#include "sessions.h"
#include "review.h"
#include "util.h"
#include "walsync.h"
#include "xmalloc.h"
#include "zap.h"
#include "zloop.h"

/* A node that has said nothing for this long (nodes ping every few
 * seconds) is reported down and its session dropped; it says Hello again
 * when it comes back. */
#define SESSION_IDLE_MS (30 * 1000)
#define SWEEP_MS 5000

/* A connection that sends this many malformed frames is cut off: its
 * messages are dropped unread, so a garbage flood costs the hub almost
 * nothing and cannot starve honest nodes. */
#define MALFORMED_CUTOFF 50
#define MAX_OFFENDERS 256

/* Commit latency buckets, seconds: group commits with synchronous=FULL
 * take about an fsync, so the interesting range is 0.5 ms .. 1 s. */
static const double LATENCY_BOUNDS[] = {0.0005, 0.001, 0.002, 0.005, 0.01,
                                        0.025,  0.05,  0.1,   0.25,  1.0};

/* Group commits are bounded so that acks flow continuously and the loop's
 * other handlers (web, control socket, digester, timers) get their turns:
 * a transaction closes once its merging took COMMIT_MAX_US or it holds
 * COMMIT_MAX_ENTRIES entries, whichever comes first, and then the loop
 * runs one iteration before the next one opens. When an urgent batch
 * (hub/fairq.h: a small one from a node with nothing else waiting, i.e. a
 * clerk's entry) arrives, it is merged after the message being merged,
 * into the open transaction, which commits right after it: the clerk
 * waits for one message and one commit, never for a whole group, and
 * the storm's group is not split in two commits for it. So the budgets can be
 * sized for throughput: small groups cost it (more fsyncs, index pages written
 * again), large ones cost every catching-up node's round trip
 * (docs/DECISIONS.md, issue 19, has the measurements). MAX_TURN_MESSAGES bounds
 * a turn of cheap messages (a reconnect storm's Hellos) the same way. While a
 * group is open the socket is read ahead (up to READ_IN_TURN messages)
 * after every message, so that an urgent batch arriving meanwhile is
 * seen. */
#define COMMIT_MAX_US 50000
/* On PostgreSQL the loop itself waits for each COMMIT, which a synchronous
 * standby must confirm (there is no sync thread to overlap it with the
 * next group), so a group holds twice the merging: half as many commits,
 * 6 % more entries a second (docs/DECISIONS.md, issue 19, thirteenth
 * round); a clerk's entry still commits right after it is merged. */
#define COMMIT_MAX_US_PG 100000
#define COMMIT_MAX_ENTRIES 20000
#define MAX_TURN_MESSAGES 512
#define READ_IN_TURN 64

/* What the hub reads ahead from its socket into the fair queue: enough to
 * see every connection's window at once (100 nodes x 8 batches of 500
 * entries is about 32 MB), bounded so that memory is too. Past it the hub
 * stops reading and libzmq's queues (and TCP) hold the rest. */
#define READ_MAX_MESSAGES 8192
#define READ_MAX_BYTES (64u << 20)

/* Refusals a peer can provoke are logged at most this often. */
#define REFUSAL_LOG_BURST 10
#define REFUSAL_LOG_MS 10000

/* Keyed by routing id and CURVE key together: a peer chooses its routing
 * id, so with the key alone one peer could get another's id cut off. */
struct offender {
    unsigned char rid[256];
    size_t rid_len;
    char key[LU_KEY_Z85_LEN + 1];
    unsigned count;
};

/* Review notices a Welcome or Pong carries at most; more follow. */
#define MAX_NOTICES 100

struct hub_intake {
    void *sock;
    bool curve; /* CURVE server: every message carries its ZAP user id */
    struct lu_ratelimit refusal_log, reject_log, hello_log;
    const struct hub_registry *reg; /* NULL: any node id, any unit */
    hub_intake_bulletin_cb on_bulletin;
    void *bulletin_data;
    hub_intake_commit_cb on_commit;
    void *commit_data;
    hub_intake_replied_cb on_replied;
    void *replied_data;
    struct hub_feed *feed;          /* borrowed, may be NULL */
    const struct lu_plan *plan;     /* borrowed, for formatting the feed */
    struct lu_histo commit_latency; /* seconds from BEGIN to COMMIT */
    uint64_t txn_started_us;
    uint64_t txn_entries; /* entries in the open transaction */
    bool handling_urgent; /* the message being handled is urgent */
    bool txn_urgent;      /* the open transaction merged an urgent batch */
    struct offender offenders[MAX_OFFENDERS];
    size_t n_offenders, next_offender;
    struct lu_zwatch *watch;
    struct ledger *ledger;
    struct hub_sessions *sessions;
    struct hub_fairq *fairq;     /* read, not handled yet */
    struct lu_arena *arena;      /* the message being handled, decoded */
    struct hub_replies *replies; /* answers of the open transaction */
    /* On SQLite, groups commit without an fsync and this thread syncs
     * the WAL; what a group makes known waits in held until then
     * (common/walsync.h, hub/held.h). NULL on PostgreSQL, whose commit
     * is durable (and replicated) when it returns. */
    struct lu_walsync *walsync;
    struct hub_held *held;
    bool in_txn;
    struct hub_intake_stats st;
    uv_timer_t sweep;
    uv_idle_t work; /* active while the fair queue holds messages */
    int open_handles;
};

static void flush(struct hub_intake *in);
static void release(struct hub_intake *in);
static void malformed(struct hub_intake *in, const unsigned char *rid,
                      size_t rid_len, const char *key, const char *why);

static void queue_error(struct hub_intake *in, const unsigned char *rid,
                        size_t rid_len, int code, const char *msg, uint64_t hwm)
{
    hub_replies_error(in->replies, rid, rid_len, code, msg, hwm);
}

static int ensure_txn(struct hub_intake *in)
{
    int r;

    if (in->in_txn)
        return 0;
    r = in->walsync ? ledger_begin_lazy(in->ledger) : ledger_begin(in->ledger);
    if (r == 0) {
        in->in_txn = true;
        in->txn_started_us = uv_hrtime() / 1000;
        in->txn_entries = 0;
        in->txn_urgent = false;
        /* Whom its feed events are for (hub/feed.h). */
        hub_feed_refresh(in->feed);
    }
    return r;
}

/* Refuses a message for who sent it (not for what it holds): counted by
 * reason, logged at most REFUSAL_LOG_BURST times a REFUSAL_LOG_MS, and
 * answered REFUSED. Nothing of it is merged. */
static void refuse(struct hub_intake *in, const unsigned char *rid,
                   size_t rid_len, const char *addr, bool key_gone,
                   const char *why)
{
    uint64_t suppressed = 0;

    if (key_gone)
        in->st.refused_key++;
    else
        in->st.refused_owner++;
    if (lu_ratelimit_ok(&in->refusal_log, REFUSAL_LOG_BURST, REFUSAL_LOG_MS,
                        &suppressed))
        lu_warn("refused a message from %s: %s (%llu more refusals not "
                "logged)",
                addr ? addr : "?", why, (unsigned long long)suppressed);
    queue_error(in, rid, rid_len, LUYU__ERROR__CODE__REFUSED, why, 0);
}

/* Decides whether a Hello may open a session. With CURVE the node is who
 * its key says (the registry's owner of the ZAP-authenticated key),
 * whatever the Hello claims. */
static const char *refuse_hello(struct hub_intake *in, const char *owner,
                                const Luyu__Hello *h, char *why, size_t len)
{
    if (owner != NULL && strcmp(owner, h->node_id) != 0) {
        snprintf(why, len, "hello claims node %s but the key belongs to %s",
                 h->node_id, owner);
        return why;
    }
    if (in->reg != NULL && !hub_registry_has_node(in->reg, h->node_id)) {
        snprintf(why, len, "node %s is not in the key registry", h->node_id);
        return why;
    }
    return NULL;
}

/* The province's review steps node has not got yet (ids > after), for
 * the units it reported and those the registry gives it. */
static void notices(struct hub_intake *in, const char *node, uint64_t after,
                    Luyu__ReviewNotice ***out, size_t *n)
{
    const struct hub_registry_node *who =
        in->reg ? hub_registry_node(in->reg, node) : NULL;
    const char *const *units;
    size_t n_units;

    *out = NULL;
    *n = 0;
    units = hub_registry_node_units(who, &n_units);
    if (ledger_review_notices(ledger_sql_handle(in->ledger), node, units,
                              n_units, after, MAX_NOTICES, out, n) < 0)
        lu_warn("cannot read the review notices for node %s", node);
}

static void on_hello(struct hub_intake *in, const unsigned char *rid,
                     size_t rid_len, const char *key, const char *owner,
                     const char *addr, const Luyu__Hello *h)
{
    Luyu__Frame f = LUYU__FRAME__INIT;
    Luyu__Welcome w = LUYU__WELCOME__INIT;
    struct hub_session *s;
    char why[256];
    uint64_t hwm, suppressed = 0;
    int r;

    if (refuse_hello(in, owner, h, why, sizeof(why)) != NULL) {
        refuse(in, rid, rid_len, addr, false, why);
        return;
    }
    if (h->version != LU_PROTOCOL_VERSION) {
        /* Counted with the malformed frames: the hub cannot read it. */
        in->st.frames_malformed++;
        if (lu_ratelimit_ok(&in->refusal_log, REFUSAL_LOG_BURST, REFUSAL_LOG_MS,
                            &suppressed))
            lu_warn("hello from %s (node %s) in protocol version %d (%llu "
                    "more refusals not logged)",
                    addr ? addr : "?", h->node_id, (int)h->version,
                    (unsigned long long)suppressed);
        queue_error(in, rid, rid_len, LUYU__ERROR__CODE__BAD_VERSION,
                    "this hub speaks protocol version 1", 0);
        return;
    }
    r = ledger_hwm(in->ledger, h->node_id, &hwm);
    if (r < 0) {
        queue_error(in, rid, rid_len, LUYU__ERROR__CODE__BUSY,
                    "ledger unavailable", 0);
        return;
    }
    /* One session per node: a reconnect replaces the old one. */
    s = hub_sessions_open(in->sessions, rid, rid_len, key, h->node_id);
    s->last_seen_ms = lu_mono_ms();
    s->last_seq = h->last_seq;
    w.hwm = hwm;
    if (h->from_seq > 0 && h->from_seq <= hwm)
        ledger_rejects(in->ledger, h->node_id, h->from_seq, hwm, LU_MAX_REJECTS,
                       &w.rejects, &w.n_rejects);
    /* The province's review steps the node has not got yet; resent on
     * every Hello and Ping until it says it holds them. */
    notices(in, h->node_id, h->notice_after, &w.notices, &w.n_notices);
    f.body_case = LUYU__FRAME__BODY_WELCOME;
    f.welcome = &w;
    hub_replies_add(in->replies, rid, rid_len, &f, NULL);
    ledger_rejects_free(w.rejects, w.n_rejects);
    ledger_review_notices_free(w.notices, w.n_notices);
    /* A node may say Hello in a loop: that must not flood the journal. */
    if (lu_ratelimit_ok(&in->hello_log, REFUSAL_LOG_BURST, REFUSAL_LOG_MS,
                        &suppressed))
        lu_info("node %s connected, hwm %llu (%llu more hellos not logged)",
                s->node, (unsigned long long)hwm,
                (unsigned long long)suppressed);
    hub_feed_node(in->feed, s->node, true);
}

void hub_intake_set_feed(struct hub_intake *in, struct hub_feed *feed,
                         const struct lu_plan *plan)
{
    in->feed = feed;
    in->plan = plan;
}

static int merge_batch(struct hub_intake *in, struct hub_session *s,
                       const Luyu__Batch *b, uint64_t *hwm)
{
    uint64_t first = b->entries[0]->seq, merged = 0, rejected = 0;
    /* Looked up once a batch (the registry changes only on SIGHUP). */
    const struct hub_registry_node *who =
        in->reg ? hub_registry_node(in->reg, s->node) : NULL;
    char reason[LU_MAX_REASON];
    uint64_t suppressed = 0;
    int r;

    r = ledger_hwm(in->ledger, s->node, hwm);
    if (r < 0 || first > *hwm + 1)
        return r;
    for (size_t i = 0; i < b->n_entries; i++) {
        const Luyu__Entry *e = b->entries[i];

        /* A clerk's ack whose sync returned waits at most this many
         * merges (a batch of 500 takes about 4 ms), not a whole batch. */
        if ((i & 63) == 63 && in->walsync != NULL)
            release(in);
        if (e->seq <= *hwm) {
            in->st.entries_duplicate++;
            continue;
        }
        if (in->reg != NULL && !hub_registry_node_may_report(who, e->unit)) {
            lu_reject_fmt(reason, sizeof(reason),
                          LUYU__REJECT_CODE__REJECT_NOT_REGISTERED,
                          "node %s may not report for unit %.*s", s->node,
                          lu_utf8_cut(e->unit, 64), e->unit);
            r = ledger_reject(in->ledger, s->node, e, reason);
            r = r < 0 ? r : 1;
        } else {
            r = ledger_merge(in->ledger, s->node, e, reason, sizeof(reason));
        }
        if (r < 0)
            return r;
        if (r == 1) {
            rejected++;
            hub_feed_note_entry(in->feed, in->plan, s->node, e, reason);
            in->st.entries_rejected++;
            if (lu_ratelimit_ok(&in->reject_log, REFUSAL_LOG_BURST,
                                REFUSAL_LOG_MS, &suppressed))
                lu_warn("rejected entry %s/%llu: %s (%llu more rejects not "
                        "logged)",
                        s->node, (unsigned long long)e->seq, reason,
                        (unsigned long long)suppressed);
        } else {
            merged++;
            hub_feed_note_entry(in->feed, in->plan, s->node, e, NULL);
            in->st.entries_committed++;
        }
        *hwm = e->seq;
    }
    in->txn_entries += b->n_entries;
    in->txn_urgent = in->txn_urgent || in->handling_urgent;
    return ledger_set_hwm(in->ledger, s->node, *hwm, merged, rejected);
}

static void on_batch(struct hub_intake *in, const unsigned char *rid,
                     size_t rid_len, struct hub_session *s,
                     const Luyu__Batch *b)
{
    uint64_t first = b->entries[0]->seq,
             last = b->entries[b->n_entries - 1]->seq;
    uint64_t hwm = 0;
    Luyu__Frame f = LUYU__FRAME__INIT;
    Luyu__Ack a = LUYU__ACK__INIT;
    int r;

    r = ensure_txn(in);
    if (r == 0)
        r = merge_batch(in, s, b, &hwm);
    if (r < 0) {
        /* Give up the whole group; the commit step answers BUSY. */
        hub_replies_failed(in->replies, rid, rid_len, s->node);
        return;
    }
    if (first > hwm + 1) {
        queue_error(in, rid, rid_len, LUYU__ERROR__CODE__GAP,
                    "batch leaves a gap", hwm);
        return;
    }
    a.upto = hwm;
    ledger_rejects(in->ledger, s->node, first, last, LU_MAX_REJECTS, &a.rejects,
                   &a.n_rejects);
    f.body_case = LUYU__FRAME__BODY_ACK;
    f.ack = &a;
    hub_replies_add(in->replies, rid, rid_len, &f, s->node);
    ledger_rejects_free(a.rejects, a.n_rejects);
}

/* A peer hub's bulletin: only peers (ZAP user "hub:ID") may push them;
 * on plain transport the signature check in the callback is what stands. */
static void on_bulletin(struct hub_intake *in, const unsigned char *rid,
                        size_t rid_len, const char *user,
                        const Luyu__BulletinPush *push)
{
    Luyu__Frame f = LUYU__FRAME__INIT;
    Luyu__BulletinAck a = LUYU__BULLETIN_ACK__INIT;
    char reason[LU_MAX_REASON] = "";
    int ok;

    uint64_t suppressed = 0;

    if (user != NULL && strncmp(user, "hub:", 4) != 0) {
        snprintf(reason, sizeof(reason), "only peer hubs push bulletins");
        ok = 0;
    } else if (in->on_bulletin == NULL) {
        snprintf(reason, sizeof(reason), "this hub takes no bulletins");
        ok = 0;
    } else {
        /* The bulletin store writes in its own transaction: commit the
         * group of batches read so far first. Only for a peer hub, so
         * that a node's pushes cannot break every group commit. */
        if (in->in_txn)
            flush(in);
        ok = in->on_bulletin(in->bulletin_data, user, push, reason,
                             sizeof(reason));
    }
    if (ok < 0)
        return; /* not stored: no answer, the peer resends */
    if (ok == 0 && lu_ratelimit_ok(&in->refusal_log, REFUSAL_LOG_BURST,
                                   REFUSAL_LOG_MS, &suppressed))
        lu_warn("refused bulletin %s %u rev %u from %s: %s (%llu more "
                "refusals not logged)",
                push->province, push->period, push->revision,
                user ? user : "(plain)", reason,
                (unsigned long long)suppressed);
    a.province = push->province;
    a.period = push->period;
    a.revision = push->revision;
    a.accepted = ok == 1;
    a.reason = reason;
    f.body_case = LUYU__FRAME__BODY_BULLETIN_ACK;
    f.bulletin_ack = &a;
    hub_replies_add(in->replies, rid, rid_len, &f, NULL);
}

void hub_intake_on_bulletin(struct hub_intake *in, hub_intake_bulletin_cb cb,
                            void *data)
{
    in->on_bulletin = cb;
    in->bulletin_data = data;
}

void hub_intake_on_commit(struct hub_intake *in, hub_intake_commit_cb cb,
                          void *data)
{
    in->on_commit = cb;
    in->commit_data = data;
}

void hub_intake_on_replied(struct hub_intake *in, hub_intake_replied_cb cb,
                           void *data)
{
    in->on_replied = cb;
    in->replied_data = data;
}

/* Drops the session a key owns, if any: the key is no longer registered. */
static void drop_session_of_key(struct hub_intake *in, const char *key)
{
    struct hub_session *s = hub_sessions_by_key(in->sessions, key);

    if (s != NULL) {
        lu_notice("node %s: its key is no longer registered: cut off", s->node);
        hub_feed_node(in->feed, s->node, false);
        hub_sessions_close(in->sessions, s);
    }
}

/* The session this message belongs to. With CURVE, only the session its
 * key owns; a routing id held by another key's session is refused. */
static struct hub_session *session_for(struct hub_intake *in,
                                       const unsigned char *rid, size_t rid_len,
                                       const char *key, const char *addr)
{
    struct hub_session *s;
    char why[160];

    if (!in->curve)
        return hub_sessions_by_rid(in->sessions, rid, rid_len);
    s = hub_sessions_by_key(in->sessions, key);
    if (s != NULL)
        return s;
    s = hub_sessions_by_rid(in->sessions, rid, rid_len);
    if (s != NULL) {
        snprintf(why, sizeof(why),
                 "this routing id belongs to node %s's session; a key "
                 "writes only in its own session (say hello)",
                 s->node);
        refuse(in, rid, rid_len, addr, false, why);
        return NULL;
    }
    queue_error(in, rid, rid_len, LUYU__ERROR__CODE__NEED_HELLO,
                "say hello first", 0);
    return NULL;
}

static void on_ping(struct hub_intake *in, const unsigned char *rid,
                    size_t rid_len, struct hub_session *s,
                    const Luyu__Ping *ping)
{
    Luyu__Frame f = LUYU__FRAME__INIT;
    Luyu__Pong pong = LUYU__PONG__INIT;

    s->last_seq = ping->last_seq;
    ledger_hwm(in->ledger, s->node, &pong.hwm);
    notices(in, s->node, ping->notice_after, &pong.notices, &pong.n_notices);
    f.body_case = LUYU__FRAME__BODY_PONG;
    f.pong = &pong;
    hub_replies_add(in->replies, rid, rid_len, &f, NULL);
    ledger_review_notices_free(pong.notices, pong.n_notices);
}

/* key: the Z85 public key ZAP authenticated for this very message (NULL
 * on plain transport); addr: the peer's address, for logs. */
static void on_frame(struct hub_intake *in, const unsigned char *rid,
                     size_t rid_len, const char *key, const char *addr,
                     const Luyu__Frame *f)
{
    const char *owner = NULL;
    char from[LU_MAX_NAME + 8];
    bool is_hub = false;
    struct hub_session *s;

    if (in->curve) {
        /* The registry as of now, not as of the handshake: a key removed
         * or replaced by SIGHUP is refused on connections already open. */
        owner = in->reg ? hub_registry_lookup(in->reg, key, &is_hub) : NULL;
        if (owner == NULL) {
            drop_session_of_key(in, key);
            refuse(in, rid, rid_len, addr, true,
                   "this key is not in the hub's key registry (any more)");
            return;
        }
        snprintf(from, sizeof(from), "%s%s", is_hub ? HUB_ZAP_HUB_PREFIX : "",
                 owner);
    }
    if (f->body_case == LUYU__FRAME__BODY_HELLO) {
        if (is_hub)
            refuse(in, rid, rid_len, addr, false,
                   "a peer hub's key cannot open a node session");
        else
            on_hello(in, rid, rid_len, key, owner, addr, f->hello);
        return;
    }
    if (f->body_case == LUYU__FRAME__BODY_BULLETIN_PUSH) {
        on_bulletin(in, rid, rid_len, in->curve ? from : NULL,
                    f->bulletin_push);
        return;
    }
    s = session_for(in, rid, rid_len, key, addr);
    if (s == NULL)
        return;
    s->last_seen_ms = lu_mono_ms();
    if (f->body_case == LUYU__FRAME__BODY_BATCH) {
        on_batch(in, rid, rid_len, s, f->batch);
    } else if (f->body_case == LUYU__FRAME__BODY_PING) {
        on_ping(in, rid, rid_len, s, f->ping);
    } else {
        malformed(in, rid, rid_len, key ? key : "",
                  "unexpected frame type from a node");
    }
}

static struct offender *find_offender(struct hub_intake *in,
                                      const unsigned char *rid, size_t len,
                                      const char *key)
{
    for (size_t i = 0; i < in->n_offenders; i++) {
        struct offender *o = &in->offenders[i];

        if (o->rid_len == len && memcmp(o->rid, rid, len) == 0 &&
            strcmp(o->key, key) == 0)
            return o;
    }
    return NULL;
}

/* Counts a malformed frame against its connection; true once the
 * connection is cut off. The table is bounded: the oldest entry makes way. */
static bool offend(struct hub_intake *in, const unsigned char *rid, size_t len,
                   const char *key)
{
    struct offender *o = find_offender(in, rid, len, key);

    if (o == NULL) {
        if (in->n_offenders < MAX_OFFENDERS) {
            o = &in->offenders[in->n_offenders++];
        } else {
            o = &in->offenders[in->next_offender];
            in->next_offender = (in->next_offender + 1) % MAX_OFFENDERS;
        }
        memcpy(o->rid, rid, len);
        o->rid_len = len;
        snprintf(o->key, sizeof(o->key), "%s", key);
        o->count = 0;
    }
    if (++o->count == MALFORMED_CUTOFF)
        lu_warn("a connection sent %d malformed frames: cut off, its "
                "messages are dropped unread from now on",
                MALFORMED_CUTOFF);
    return o->count >= MALFORMED_CUTOFF;
}

static bool cut_off(struct hub_intake *in, const unsigned char *rid, size_t len,
                    const char *key)
{
    struct offender *o =
        in->n_offenders ? find_offender(in, rid, len, key) : NULL;

    return o != NULL && o->count >= MALFORMED_CUTOFF;
}

static void malformed(struct hub_intake *in, const unsigned char *rid,
                      size_t rid_len, const char *key, const char *why)
{
    in->st.frames_malformed++;
    if (rid_len > 0 && offend(in, rid, rid_len, key))
        return;
    /* A flood of garbage must not flood the journal too. */
    if (in->st.frames_malformed <= 20 || in->st.frames_malformed % 1000 == 0)
        lu_warn("malformed frame #%llu: %s",
                (unsigned long long)in->st.frames_malformed, why);
    if (rid_len > 0)
        queue_error(in, rid, rid_len, LUYU__ERROR__CODE__MALFORMED, why, 0);
}

/* Reads and drops what is left of a multi-part message. */
static void drain_rest(void *sock, int more)
{
    size_t ml = sizeof(more);

    while (more) {
        zmq_msg_t extra;

        zmq_msg_init(&extra);
        zmq_msg_recv(&extra, sock, 0);
        zmq_msg_close(&extra);
        zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &ml);
    }
}

/* Whether a payload starts like a Frame whose body is a Batch (its first
 * key: field 3, length-delimited). Only a hint for the fair queue's
 * urgency: decoding decides what the message is. */
static bool looks_like_batch(zmq_msg_t *msg)
{
    const unsigned char *p = zmq_msg_data(msg);

    return zmq_msg_size(msg) > 0 &&
           p[0] == ((LUYU__FRAME__BODY_BATCH << 3) | 2);
}

/* Receives one [routing id][payload] message into the fair queue. A
 * message of a connection that is cut off, or that is not exactly one
 * payload frame, is dealt with here and never queued. Returns false when
 * nothing was there. */
static bool recv_one(struct hub_intake *in)
{
    unsigned char rid[256];
    int rid_len, more = 0;
    size_t ml = sizeof(more);
    zmq_msg_t msg;
    const char *key = "";

    rid_len = zmq_recv(in->sock, rid, sizeof(rid), ZMQ_DONTWAIT);
    if (rid_len < 0)
        return false;
    if (rid_len > (int)sizeof(rid))
        rid_len = 0; /* truncated: we cannot answer it */
    zmq_getsockopt(in->sock, ZMQ_RCVMORE, &more, &ml);
    if (!more) {
        malformed(in, rid, 0, "", "message without payload");
        return true;
    }
    zmq_msg_init(&msg);
    zmq_msg_recv(&msg, in->sock, 0);
    zmq_getsockopt(in->sock, ZMQ_RCVMORE, &more, &ml);
    /* The key the ZAP handler authenticated for the connection this very
     * message came on (its "User-Id", see zap.h). Read only with CURVE: on
     * plain transport a peer could send a "User-Id" property itself. */
    if (in->curve) {
        key = zmq_msg_gets(&msg, "User-Id");
        if (key == NULL || strlen(key) != LU_KEY_Z85_LEN)
            key = "?"; /* cannot happen behind ZAP; refused below */
    }
    if (cut_off(in, rid, (size_t)rid_len, key)) {
        in->st.frames_malformed++;
        drain_rest(in->sock, more);
    } else if (more) {
        /* Exactly one payload frame is allowed; drain and refuse the rest. */
        drain_rest(in->sock, more);
        malformed(in, rid, (size_t)rid_len, key, "more than one payload frame");
    } else {
        hub_fairq_push(in->fairq, rid, (size_t)rid_len, &msg,
                       looks_like_batch(&msg));
    }
    zmq_msg_close(&msg);
    return true;
}

/* Decodes and handles the next message of the fair queue. Returns false
 * when the queue is empty. */
static bool handle_one(struct hub_intake *in)
{
    unsigned char rid[256];
    size_t rid_len;
    zmq_msg_t msg;
    char err[256];
    const char *key = "", *addr;
    Luyu__Frame *f;

    zmq_msg_init(&msg);
    if (!hub_fairq_pop(in->fairq, rid, &rid_len, &msg, &in->handling_urgent)) {
        zmq_msg_close(&msg);
        return false;
    }
    if (in->curve) {
        key = zmq_msg_gets(&msg, "User-Id");
        if (key == NULL || strlen(key) != LU_KEY_Z85_LEN)
            key = "?";
    }
    addr = zmq_msg_gets(&msg, "Peer-Address");
    /* Cut off while it waited in the queue: dropped unread too. */
    if (cut_off(in, rid, rid_len, key)) {
        in->st.frames_malformed++;
        zmq_msg_close(&msg);
        return true;
    }
    f = lu_codec_decode_in(zmq_msg_data(&msg), zmq_msg_size(&msg),
                           lu_arena_allocator(in->arena), err, sizeof(err));
    if (f == NULL)
        malformed(in, rid, rid_len, key, err);
    else
        on_frame(in, rid, rid_len, in->curve ? key : NULL, addr, f);
    /* The frame, all at once: nothing handled keeps a pointer into it. */
    lu_arena_reset(in->arena);
    zmq_msg_close(&msg);
    return true;
}

static uint64_t committed_hwm(void *data, const char *node)
{
    struct hub_intake *in = data;
    uint64_t hwm = 0;

    ledger_hwm(in->ledger, node, &hwm);
    return hwm;
}

/* Sends the replies and publishes the feed events of every held group
 * whose WAL sync has returned, oldest first. Also called while a group is
 * open (between merges): what it sends belongs to groups committed
 * before. */
static void release(struct hub_intake *in)
{
    uint64_t synced = lu_walsync_synced(in->walsync);
    struct hub_held_gen *g = hub_held_front(in->held);

    for (; g != NULL && g->ticket <= synced; g = hub_held_front(in->held)) {
        hub_feed_publish_noted(in->feed, &g->feed, g->committed);
        in->st.replies_dropped +=
            hub_replies_send(g->q, in->sock, g->committed, committed_hwm, in);
        hub_held_pop(in->held);
    }
}

/* A sync returned. Between two turns, so no group is open: the WAL copy
 * the commits deferred (common/checkpoint.h) may run now, after the acks
 * (it did not while release() ran inside a group). */
static void on_synced(void *data)
{
    struct hub_intake *in = data;

    release(in);
    if (in->on_replied != NULL)
        in->on_replied(in->replied_data);
}

/* Holds what the group just ended makes known (its replies, its feed
 * events) until the WAL sync covering it has returned: the sync it asked
 * for if it committed lazily, else the last one asked for, since the
 * hwm its Welcomes and Pongs report may count any group committed
 * before. Returns false when nothing needs to wait: sent at once then. */
static bool hold(struct hub_intake *in, bool committed, bool lazy)
{
    uint64_t ticket;
    struct lu_buf none, *noted = hub_feed_noted(in->feed);

    if (in->walsync == NULL)
        return false;
    ticket = lazy ? lu_walsync_request(in->walsync)
                  : lu_walsync_requested(in->walsync);
    if (hub_held_count(in->held) == 0 &&
        ticket <= lu_walsync_synced(in->walsync))
        return false;
    if (!lazy && hub_replies_count(in->replies) == 0 &&
        (noted == NULL || noted->len == 0))
        return true; /* nothing to hold */
    lu_buf_init(&none);
    hub_held_push(in->held, ticket, committed, &in->replies,
                  noted ? noted : &none);
    release(in); /* the sync may have returned meanwhile */
    return true;
}

/* Commits the group and sends every queued reply, once durable (above);
 * on failure, batches are answered BUSY with the committed hwm so that
 * nodes resend later. */
static void flush(struct hub_intake *in)
{
    bool ok = true, lazy = false;

    if (in->in_txn) {
        in->in_txn = false;
        ok = !hub_replies_group_failed(in->replies);
        if (ok && ledger_commit(in->ledger) == 0) {
            in->st.commits++;
            lazy = in->walsync != NULL;
            if (in->on_commit != NULL)
                in->on_commit(in->commit_data);
            lu_histo_observe(&in->commit_latency,
                             (double)(uv_hrtime() / 1000 - in->txn_started_us) /
                                 1e6);
        } else {
            ok = false;
            ledger_rollback(in->ledger);
        }
    }
    if (hold(in, ok, lazy)) {
        if (hub_held_count(in->held) == 0 && in->on_replied != NULL)
            in->on_replied(in->replied_data);
        return;
    }
    hub_feed_flush_noted(in->feed, ok);
    in->st.replies_dropped +=
        hub_replies_send(in->replies, in->sock, ok, committed_hwm, in);
    if (in->on_replied != NULL)
        in->on_replied(in->replied_data);
}

static void on_work(uv_idle_t *h);

/* Reads up to budget messages into the fair queue, within the read-ahead
 * bounds (cheap: no decoding). Returns how many it read. */
static int read_ahead(struct hub_intake *in, int budget)
{
    int n = 0;

    while (n < budget && hub_fairq_messages(in->fairq) < READ_MAX_MESSAGES &&
           hub_fairq_bytes(in->fairq) < READ_MAX_BYTES && recv_one(in))
        n++;
    return n;
}

/* One turn of work: handles queued messages in fair order until the
 * commit budget is spent (or the turn's message budget, or the queue),
 * then commits and answers. The loop runs once around before the next
 * turn: the work handle is an idle handle, called once per iteration. */
static void turn(struct hub_intake *in)
{
    uint64_t start = uv_hrtime() / 1000;
    uint64_t budget =
        ledger_is_pg(in->ledger) ? COMMIT_MAX_US_PG : COMMIT_MAX_US;
    int n = 0;

    while (n < MAX_TURN_MESSAGES && handle_one(in)) {
        n++;
        /* Acks of groups whose sync returned meanwhile go now, not after
         * this group: the sync thread's wake-up waits for the loop. */
        if (in->walsync != NULL)
            release(in);
        if (in->txn_urgent || in->txn_entries >= COMMIT_MAX_ENTRIES ||
            uv_hrtime() / 1000 - start >= budget)
            break;
        /* A clerk's batch that came in meanwhile is popped next, merged
         * into this group, and the group commits right after it. */
        if (in->in_txn)
            read_ahead(in, READ_IN_TURN);
    }
    flush(in);
    if (hub_fairq_messages(in->fairq) > 0)
        uv_idle_start(&in->work, on_work);
    else
        uv_idle_stop(&in->work);
}

static void on_work(uv_idle_t *h)
{
    turn(h->data);
}

/* The socket has input: read it ahead into the fair queue. The work
 * itself is done by turn(), once per loop iteration. */
static int on_readable(void *data, int budget)
{
    struct hub_intake *in = data;
    int n = read_ahead(in, budget);

    if (hub_fairq_messages(in->fairq) > 0)
        uv_idle_start(&in->work, on_work);
    else
        flush(in); /* answers to what was refused unread */
    return n;
}

static void on_sweep(uv_timer_t *t)
{
    struct hub_intake *in = t->data;
    struct hub_session *s = hub_sessions_first(in->sessions), *next;
    uint64_t now = lu_mono_ms();

    for (; s != NULL; s = next) {
        next = s->next;
        if (now - s->last_seen_ms > SESSION_IDLE_MS) {
            lu_notice("node %s silent for %d s: down", s->node,
                      SESSION_IDLE_MS / 1000);
            hub_feed_node(in->feed, s->node, false);
            hub_sessions_close(in->sessions, s);
        }
    }
}

struct hub_intake *hub_intake_new(uv_loop_t *loop, void *zctx,
                                  const char *endpoint, const char *secret_z85,
                                  struct ledger *ledger, char *err,
                                  size_t errlen)
{
    struct hub_intake *in = lu_xcalloc(1, sizeof(*in));
    /* A hub restart in a province of thousands of nodes is thousands of
     * connects at once: with libzmq's listen backlog of 100 the rest are
     * dropped and retried by TCP after 1, 3, 7, 15 ... s (issue 19). The
     * kernel caps it at net.core.somaxconn (4096 on Debian 12). */
    int one = 1, linger = 0, hwm = 100000, backlog = 4096;
    int64_t maxmsg = LU_MAX_WIRE_FRAME;

    in->ledger = ledger;
    in->curve = secret_z85 != NULL;
    lu_histo_init(&in->commit_latency, LATENCY_BOUNDS,
                  sizeof(LATENCY_BOUNDS) / sizeof(LATENCY_BOUNDS[0]));
    in->sock = zmq_socket(zctx, ZMQ_ROUTER);
    zmq_setsockopt(in->sock, ZMQ_ROUTER_MANDATORY, &one, sizeof(one));
    zmq_setsockopt(in->sock, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(in->sock, ZMQ_BACKLOG, &backlog, sizeof(backlog));
    zmq_setsockopt(in->sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof(maxmsg));
    zmq_setsockopt(in->sock, ZMQ_SNDHWM, &hwm, sizeof(hwm));
    zmq_setsockopt(in->sock, ZMQ_RCVHWM, &hwm, sizeof(hwm));
    if (secret_z85 != NULL) {
        zmq_setsockopt(in->sock, ZMQ_CURVE_SERVER, &one, sizeof(one));
        zmq_setsockopt(in->sock, ZMQ_CURVE_SECRETKEY, secret_z85, 40);
        hub_zap_enforce(in->sock); /* refused while no handler is bound */
    }
    if (zmq_bind(in->sock, endpoint) < 0) {
        snprintf(err, errlen, "cannot listen on %s: %s", endpoint,
                 zmq_strerror(zmq_errno()));
        zmq_close(in->sock);
        free(in);
        return NULL;
    }
    in->fairq = hub_fairq_new();
    in->arena = lu_arena_new();
    in->sessions = hub_sessions_new();
    in->replies = hub_replies_new();
    in->held = hub_held_new();
    if (!ledger_is_pg(ledger)) {
        char why[256];

        in->walsync = lu_walsync_new(loop, ledger_db(ledger), on_synced, in,
                                     why, sizeof(why));
        /* Without it every group commits with its own fsync, as before. */
        if (in->walsync == NULL)
            lu_warn("%s: group commits fsync on the loop", why);
    }
    in->watch = lu_zwatch_new(loop, in->sock, on_readable, in);
    uv_timer_init(loop, &in->sweep);
    in->sweep.data = in;
    uv_idle_init(loop, &in->work);
    in->work.data = in;
    in->open_handles = 2;
    uv_timer_start(&in->sweep, on_sweep, SWEEP_MS, SWEEP_MS);
    return in;
}

void *hub_intake_zsock(struct hub_intake *in)
{
    return in->sock;
}

static void on_handle_closed(uv_handle_t *h)
{
    struct hub_intake *in = h->data;

    if (--in->open_handles == 0)
        free(in);
}

void hub_intake_free(struct hub_intake *in)
{
    if (in == NULL)
        return;
    lu_zwatch_free(in->watch);
    /* Groups still held were never told of: their nodes send them again
     * to the next hub, which finds them merged if they reached the disk. */
    lu_walsync_free(in->walsync);
    hub_held_free(in->held);
    hub_fairq_free(in->fairq);
    lu_arena_free(in->arena);
    zmq_close(in->sock);
    hub_sessions_free(in->sessions);
    hub_replies_free(in->replies);
    uv_close((uv_handle_t *)&in->sweep, on_handle_closed);
    uv_close((uv_handle_t *)&in->work, on_handle_closed);
}

void hub_intake_set_registry(struct hub_intake *in,
                             const struct hub_registry *reg)
{
    struct hub_session *s = hub_sessions_first(in->sessions), *next;

    in->reg = reg;
    /* Cut off sessions whose node is no longer registered, or no longer
     * with the key that opened the session (a key replaced): every message
     * is checked against the registry anyway (on_frame), this ends the
     * sessions now rather than at their next message. */
    for (; reg != NULL && s != NULL; s = next) {
        bool is_hub = false;
        const char *owner =
            in->curve ? hub_registry_lookup(reg, s->key, &is_hub) : NULL;

        next = s->next;
        if (in->curve ? owner == NULL || is_hub || strcmp(owner, s->node)
                      : !hub_registry_has_node(reg, s->node)) {
            lu_notice("node %s: removed from the registry or its key "
                      "replaced: cut off",
                      s->node);
            hub_feed_node(in->feed, s->node, false);
            hub_sessions_close(in->sessions, s);
        }
    }
}

bool hub_intake_session(const struct hub_intake *in, const char *node,
                        uint64_t *last_seq)
{
    const struct hub_session *s = hub_sessions_by_node(in->sessions, node);

    if (s != NULL)
        *last_seq = s->last_seq;
    return s != NULL;
}

void hub_intake_stats(const struct hub_intake *in, struct hub_intake_stats *st)
{
    *st = in->st;
    st->sessions = hub_sessions_count(in->sessions);
    st->groups_held = hub_held_count(in->held);
}

const struct lu_histo *hub_intake_commit_latency(const struct hub_intake *in)
{
    return &in->commit_latency;
}

bool hub_intake_wal_sync_latency(const struct hub_intake *in,
                                 struct lu_histo *out)
{
    if (in->walsync == NULL)
        return false;
    lu_walsync_latency(in->walsync, out);
    return true;
}
