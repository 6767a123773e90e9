#include "uplink.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "amount.h"
#include "codec.h"
#include "i18n.h"
#include "log.h"
#include "outbox.h"
#include "util.h"
#include "endpoint.h"
#include "xmalloc.h"
#include "zloop.h"

#define MAX_WINDOW 64

enum link_state {
    LINK_DOWN,     /* no socket; reconnect at retry_at */
    LINK_HELLO,    /* Hello sent, waiting for Welcome */
    LINK_UP,       /* streaming batches */
    LINK_DIVERGED, /* hub knows seqs we never issued: stop, needs a human */
};

struct node_uplink {
    uv_loop_t *loop;
    void *zctx;
    void *sock;
    struct lu_zwatch *watch;
    void *mon; /* socket monitor: tells handshake failures apart */
    struct lu_zwatch *mon_watch;
    struct node_uplink_config cfg;
    struct node_outbox *ob;
    enum link_state state;
    uint64_t next_send; /* next seq to put on the wire */
    uint64_t hub_hwm;
    uint64_t inflight[MAX_WINDOW]; /* last seq of each batch in flight */
    int n_inflight;
    uint64_t last_rx_ms, last_tx_ms, retry_at_ms, busy_until_ms;
    int backoff_ms;
    /* Refused handshakes and REFUSED answers since the last Welcome: each
     * backs off like any link failure, and only the 1st, 2nd, 4th, 8th ...
     * (then every 64th) is logged, so a wrong --hub-key does not fill the
     * journal. */
    uint64_t refusals;
    bool handshake_failed; /* seen by the monitor, handled by the timer */
    bool several;          /* more than one hub endpoint (active/standby) */
    bool disconnected;     /* seen by the monitor, handled by the timer */
    uv_timer_t timer;
    char error[256];
    int64_t down_since_s; /* wall clock the link went down; 0 while up */
};

static void link_down(struct node_uplink *up, const char *why);
static void refused(struct node_uplink *up, const char *prefix,
                    const char *why);
static void schedule(struct node_uplink *up);
static void on_timer(uv_timer_t *t);

static void set_error(struct node_uplink *up, const char *why)
{
    snprintf(up->error, sizeof(up->error), "%s", why);
}

static int send_frame(struct node_uplink *up, const Luyu__Frame *f)
{
    int r = lu_codec_send(up->sock, NULL, 0, f);

    if (r == 0)
        up->last_tx_ms = lu_mono_ms();
    /* Sending may have consumed the edge on ZMQ_FD: look again. */
    lu_zwatch_kick(up->watch);
    return r;
}

static uint64_t outbox_last_seq(const struct node_outbox *ob)
{
    struct node_outbox_stats st;

    node_outbox_stats(ob, &st);
    return st.last_seq;
}

static void send_hello(struct node_uplink *up)
{
    Luyu__Frame f = LUYU__FRAME__INIT;
    Luyu__Hello h = LUYU__HELLO__INIT;

    h.version = LUYU__VERSION__VERSION_1;
    h.node_id = (char *)up->cfg.node_id;
    h.from_seq = node_outbox_first_pending(up->ob);
    h.last_seq = outbox_last_seq(up->ob);
    h.notice_after = node_outbox_notice_after(up->ob);
    f.body_case = LUYU__FRAME__BODY_HELLO;
    f.hello = &h;
    up->state = LINK_HELLO;
    up->n_inflight = 0;
    if (send_frame(up, &f) < 0)
        lu_debug("hello to %s not sent yet", up->cfg.endpoint);
}

void node_uplink_pump(struct node_uplink *up)
{
    struct node_outbox_stats st;

    if (up->state != LINK_UP || lu_mono_ms() < up->busy_until_ms)
        return;
    node_outbox_stats(up->ob, &st);
    while (up->n_inflight < up->cfg.window && up->next_send <= st.last_seq) {
        Luyu__Frame f = LUYU__FRAME__INIT;
        Luyu__Batch b = LUYU__BATCH__INIT;
        struct node_batch nb;
        int r;

        r = node_outbox_read(up->ob, up->next_send, (size_t)up->cfg.batch_size,
                             &nb);
        if (r < 0 || nb.n == 0) {
            node_batch_clear(&nb);
            break;
        }
        b.entries = nb.entries;
        b.n_entries = nb.n;
        f.body_case = LUYU__FRAME__BODY_BATCH;
        f.batch = &b;
        r = send_frame(up, &f);
        if (r == 0) {
            up->inflight[up->n_inflight++] = nb.entries[nb.n - 1]->seq;
            up->next_send = nb.entries[nb.n - 1]->seq + 1;
        }
        node_batch_clear(&nb);
        if (r < 0)
            break; /* pipe full: the timer or the next ack resumes */
    }
    schedule(up);
}

static void on_acked(struct node_uplink *up, uint64_t upto,
                     Luyu__Reject **rejects, size_t n_rejects)
{
    int r = node_outbox_ack(up->ob, upto, rejects, n_rejects);
    int keep = 0;

    if (r < 0) {
        /* The hub has it; we failed to note that. It will be resent and
         * ignored as a duplicate, so nothing is lost. */
        lu_warn("cannot record ack up to %llu: %s", (unsigned long long)upto,
                strerror(-r));
    }
    for (size_t i = 0; i < n_rejects; i++)
        lu_warn("hub rejected %s/%llu: %s", up->cfg.node_id,
                (unsigned long long)rejects[i]->seq, rejects[i]->reason);
    if (upto > up->hub_hwm)
        up->hub_hwm = upto;
    for (int i = 0; i < up->n_inflight; i++) {
        if (up->inflight[i] > upto)
            up->inflight[keep++] = up->inflight[i];
    }
    up->n_inflight = keep;
}

/* The province's review steps for our units (ReviewNotice), kept once
 * per id; status and the clerk's pages show them. A notice that does not
 * check is logged and left out: an honest hub sends none. */
static void on_notices(struct node_uplink *up, Luyu__ReviewNotice *const *v,
                       size_t n)
{
    Luyu__ReviewNotice **ok = lu_xcalloc(n ? n : 1, sizeof(*ok));
    char err[160], per[8];
    size_t k = 0;
    int r;

    for (size_t i = 0; i < n; i++) {
        if (v[i]->kind < LUYU__REVIEW_KIND__REVIEW_ACCEPT ||
            v[i]->kind > LUYU__REVIEW_KIND__REVIEW_REMIND ||
            !lu_period_valid(v[i]->period) ||
            lu_check_text("unit", v[i]->unit, LU_MAX_NAME, err, sizeof(err)) <
                0 ||
            lu_check_text("by", v[i]->by, LU_MAX_NAME, err, sizeof(err)) < 0 ||
            lu_check_text("reason", v[i]->reason, LU_MAX_NOTE, err,
                          sizeof(err)) < 0) {
            lu_warn("hub sent review notice %llu that does not check; left "
                    "out",
                    (unsigned long long)v[i]->id);
            continue;
        }
        ok[k++] = v[i];
    }
    r = node_outbox_notices_add(up->ob, ok, k);
    if (r < 0)
        lu_err("could not keep the hub's review notices: %s", strerror(-r));
    for (size_t i = 0; r > 0 && i < k; i++)
        lu_notice(
            "province: %s of %s %s by %s%s%s",
            lu_period_format(ok[i]->period, per, sizeof(per)), ok[i]->unit,
            ok[i]->kind == LUYU__REVIEW_KIND__REVIEW_ACCEPT   ? "accepted"
            : ok[i]->kind == LUYU__REVIEW_KIND__REVIEW_RETURN ? "returned"
            : ok[i]->kind == LUYU__REVIEW_KIND__REVIEW_UNLOCK ? "unlocked"
                                                              : "reminded",
            ok[i]->by, ok[i]->reason[0] ? ": " : "", ok[i]->reason);
    free(ok);
}

static void on_welcome(struct node_uplink *up, const Luyu__Welcome *w)
{
    struct node_outbox_stats st;

    node_outbox_stats(up->ob, &st);
    if (w->hwm > st.last_seq) {
        char why[256];

        snprintf(why, sizeof(why),
                 "hub has seq %llu of node %s but this "
                 "node only issued %llu: state dir reset or node id reused; "
                 "not sending until an admin resolves it",
                 (unsigned long long)w->hwm, up->cfg.node_id,
                 (unsigned long long)st.last_seq);
        lu_err("%s", why);
        set_error(up, why);
        if (up->state == LINK_UP)
            up->down_since_s = lu_now_s();
        up->state = LINK_DIVERGED;
        return;
    }
    if (up->state != LINK_UP)
        lu_notice("link to hub %s up; hub has up to seq %llu, resuming",
                  up->cfg.endpoint, (unsigned long long)w->hwm);
    up->state = LINK_UP;
    up->down_since_s = 0;
    up->backoff_ms = up->cfg.backoff_min_ms;
    up->refusals = 0;
    up->n_inflight = 0;
    up->hub_hwm = w->hwm;
    set_error(up, "");
    on_acked(up, w->hwm, w->rejects, w->n_rejects);
    up->next_send = w->hwm + 1;
    on_notices(up, w->notices, w->n_notices);
}

static void on_error(struct node_uplink *up, const Luyu__Error *e)
{
    switch (e->code) {
    case LUYU__ERROR__CODE__NEED_HELLO:
        if (up->state != LINK_HELLO) {
            lu_info("hub asks for hello (it restarted?)");
            send_hello(up);
        }
        break;
    case LUYU__ERROR__CODE__GAP:
        up->next_send = e->hwm + 1;
        up->n_inflight = 0;
        break;
    case LUYU__ERROR__CODE__BUSY:
        /* The hub could not commit (disk full?). Back off and resend from
         * its high-water mark. */
        lu_warn("hub busy: %s", e->message);
        set_error(up, e->message);
        up->next_send = e->hwm + 1;
        up->n_inflight = 0;
        up->busy_until_ms = lu_mono_ms() + (uint64_t)up->cfg.backoff_max_ms;
        break;
    default:
        refused(up, "hub refused us: ", e->message);
        break;
    }
}

static void handle(struct node_uplink *up, const Luyu__Frame *f)
{
    up->last_rx_ms = lu_mono_ms();
    switch (f->body_case) {
    case LUYU__FRAME__BODY_WELCOME:
        if (up->state == LINK_HELLO || up->state == LINK_UP)
            on_welcome(up, f->welcome);
        break;
    case LUYU__FRAME__BODY_ACK:
        if (up->state == LINK_UP)
            on_acked(up, f->ack->upto, f->ack->rejects, f->ack->n_rejects);
        break;
    case LUYU__FRAME__BODY_PONG:
        if (f->pong->hwm > up->hub_hwm && up->state == LINK_UP)
            up->hub_hwm = f->pong->hwm;
        if (up->state == LINK_UP)
            on_notices(up, f->pong->notices, f->pong->n_notices);
        break;
    case LUYU__FRAME__BODY_ERROR:
        on_error(up, f->error);
        break;
    default:
        lu_warn("unexpected frame %d from hub", f->body_case);
        break;
    }
}

static int on_readable(void *data, int budget)
{
    struct node_uplink *up = data;
    int n = 0;

    while (n < budget && up->sock != NULL) {
        char err[256];
        zmq_msg_t msg;
        Luyu__Frame *f;

        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, up->sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&msg);
            break;
        }
        n++;
        f = lu_codec_decode(zmq_msg_data(&msg), zmq_msg_size(&msg), err,
                            sizeof(err));
        zmq_msg_close(&msg);
        if (f == NULL) {
            lu_warn("bad frame from hub: %s", err);
            continue;
        }
        handle(up, f);
        luyu__frame__free_unpacked(f, NULL);
    }
    node_uplink_pump(up);
    return n;
}

static void close_socket(struct node_uplink *up)
{
    lu_zwatch_free(up->mon_watch);
    up->mon_watch = NULL;
    if (up->mon != NULL)
        zmq_close(up->mon);
    up->mon = NULL;
    lu_zwatch_free(up->watch);
    up->watch = NULL;
    if (up->sock != NULL)
        zmq_close(up->sock);
    up->sock = NULL;
}

static void link_down(struct node_uplink *up, const char *why)
{
    int jitter;

    if (up->state == LINK_UP) {
        lu_warn("link to hub %s down: %s", up->cfg.endpoint, why);
        up->down_since_s = lu_now_s();
    }
    /* Keep a more precise reason (a refused handshake) if we have one. */
    if (up->error[0] == '\0' || up->state != LINK_HELLO)
        set_error(up, why);
    close_socket(up);
    up->state = LINK_DOWN;
    up->n_inflight = 0;
    /* Full jitter in [backoff/2, backoff] so that many nodes cut off by
     * the same outage do not all come back in the same millisecond. */
    jitter = up->backoff_ms / 2 + rand() % (up->backoff_ms / 2 + 1);
    up->retry_at_ms = lu_mono_ms() + (uint64_t)jitter;
    up->backoff_ms *= 2;
    if (up->backoff_ms > up->cfg.backoff_max_ms)
        up->backoff_ms = up->cfg.backoff_max_ms;
    schedule(up);
}

/* The hub would not have us: backs off like any link failure (libzmq's own
 * reconnect would retry every 100 ms) and logs a thinning sample. */
static void refused(struct node_uplink *up, const char *prefix, const char *why)
{
    char copy[sizeof(up->error)];
    uint64_t n = ++up->refusals;

    snprintf(copy, sizeof(copy), "%s", why); /* why may be up->error */
    link_down(up, copy);
    if ((n & (n - 1)) == 0 || n % 64 == 0)
        lu_err("%s%s (attempt %llu; next in %llu ms; further "
               "attempts are logged at the 2nd, 4th, 8th ... and every "
               "64th)",
               prefix, copy, (unsigned long long)n,
               (unsigned long long)(up->retry_at_ms - lu_mono_ms()));
}

/* Reads socket monitor events: a failed CURVE handshake otherwise looks
 * like a silent hub, and an admin needs to know it is the key. The timer
 * then closes the socket (not here: this runs inside its watcher). */
static int on_monitor(void *data, int budget)
{
    struct node_uplink *up = data;
    int n = 0;

    while (n < budget && up->mon != NULL) {
        zmq_msg_t ev, addr;
        uint16_t event;

        zmq_msg_init(&ev);
        if (zmq_msg_recv(&ev, up->mon, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&ev);
            break;
        }
        n++;
        zmq_msg_init(&addr);
        if (zmq_msg_more(&ev))
            zmq_msg_recv(&addr, up->mon, 0);
        if (zmq_msg_size(&ev) >= 6) {
            memcpy(&event, zmq_msg_data(&ev), sizeof(event));
            /* Only FAILED_AUTH is the hub's ZAP saying no to this key.
             * A hub that stops mid-handshake, or a server key that does
             * not match (the hub cannot read our HELLO and drops it),
             * shows as PROTOCOL or NO_DETAIL: say both possibilities
             * rather than blame the registry. With several hubs, those
             * are a paused or stopping standby's, not this link's. */
            if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
                set_error(up, N_("hub refused the handshake: this node's "
                                 "key is not registered there"));
                up->handshake_failed = true;
            } else if ((event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ||
                        event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) &&
                       !up->several) {
                set_error(up, N_("handshake with the hub failed: --hub-key "
                                 "may be wrong, or the hub stopped during "
                                 "the handshake"));
                up->handshake_failed = true;
            } else if (event == ZMQ_EVENT_DISCONNECTED && up->several) {
                up->disconnected = true;
            }
        }
        zmq_msg_close(&addr);
        zmq_msg_close(&ev);
    }
    if (up->handshake_failed || up->disconnected)
        uv_timer_start(&up->timer, on_timer, 0, 0);
    return n;
}

static void watch_monitor(struct node_uplink *up)
{
    char ep[64];

    snprintf(ep, sizeof(ep), "inproc://luyu-uplink-mon-%p", (void *)up);
    if (zmq_socket_monitor(up->sock, ep,
                           ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                               ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                               (up->several ? ZMQ_EVENT_DISCONNECTED : 0)) < 0)
        return;
    up->mon = zmq_socket(up->zctx, ZMQ_PAIR);
    if (zmq_connect(up->mon, ep) < 0) {
        zmq_close(up->mon);
        up->mon = NULL;
        return;
    }
    up->mon_watch = lu_zwatch_new(up->loop, up->mon, on_monitor, up);
}

/* Connects to every hub endpoint. With several (hubs in active/standby,
 * only the active one listens), messages go only to a connection whose
 * handshake is done (ZMQ_IMMEDIATE), and losing it ends the link at once
 * (the monitor's DISCONNECTED), so that the Hello that follows finds the
 * hub that took over. */
static int connect_all(struct node_uplink *up)
{
    const char *p = up->cfg.endpoint;
    char ep[256], why[512];
    int immediate = up->several;

    zmq_setsockopt(up->sock, ZMQ_IMMEDIATE, &immediate, sizeof(immediate));
    while (lu_endpoint_next(&p, ep, sizeof(ep))) {
        if (zmq_connect(up->sock, ep) < 0) {
            snprintf(why, sizeof(why), "cannot connect to %s: %s", ep,
                     zmq_strerror(zmq_errno()));
            lu_err("%s", why);
            link_down(up, why);
            return -EINVAL;
        }
    }
    return 0;
}

static void connect_hub(struct node_uplink *up)
{
    int linger = 0, ivl = 100, ivl_max = up->cfg.backoff_max_ms;
    int64_t maxmsg = LU_MAX_FRAME;
    int hwm = 10000;

    up->sock = zmq_socket(up->zctx, ZMQ_DEALER);
    zmq_setsockopt(up->sock, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(up->sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof(maxmsg));
    zmq_setsockopt(up->sock, ZMQ_RECONNECT_IVL, &ivl, sizeof(ivl));
    zmq_setsockopt(up->sock, ZMQ_RECONNECT_IVL_MAX, &ivl_max, sizeof(ivl_max));
    zmq_setsockopt(up->sock, ZMQ_SNDHWM, &hwm, sizeof(hwm));
    zmq_setsockopt(up->sock, ZMQ_RCVHWM, &hwm, sizeof(hwm));
    if (up->cfg.hub_key != NULL) {
        zmq_setsockopt(up->sock, ZMQ_CURVE_SERVERKEY, up->cfg.hub_key, 40);
        zmq_setsockopt(up->sock, ZMQ_CURVE_PUBLICKEY, up->cfg.public_key, 40);
        zmq_setsockopt(up->sock, ZMQ_CURVE_SECRETKEY, up->cfg.secret_key, 40);
        watch_monitor(up);
    }
    if (connect_all(up) < 0)
        return;
    up->watch = lu_zwatch_new(up->loop, up->sock, on_readable, up);
    up->last_rx_ms = lu_mono_ms();
    send_hello(up);
}

static void on_timer(uv_timer_t *t)
{
    struct node_uplink *up = t->data;
    uint64_t now = lu_mono_ms();

    if (up->handshake_failed) {
        up->handshake_failed = false;
        if (up->state == LINK_HELLO || up->state == LINK_UP) {
            refused(up, "", up->error);
            return;
        }
    }
    if (up->disconnected) {
        up->disconnected = false;
        if (up->state == LINK_HELLO || up->state == LINK_UP) {
            /* The hub went away: one of the others takes over soon. */
            up->backoff_ms = up->cfg.backoff_min_ms;
            link_down(up, N_("hub disconnected"));
            return;
        }
    }
    switch (up->state) {
    case LINK_DOWN:
        if (now >= up->retry_at_ms)
            connect_hub(up);
        break;
    case LINK_HELLO:
    case LINK_UP:
        if (now - up->last_rx_ms > (uint64_t)up->cfg.timeout_ms) {
            link_down(up, N_("hub silent past the timeout"));
            break;
        }
        if (now - up->last_tx_ms >= (uint64_t)up->cfg.heartbeat_ms) {
            Luyu__Frame f = LUYU__FRAME__INIT;
            Luyu__Ping p = LUYU__PING__INIT;

            p.last_seq = outbox_last_seq(up->ob);
            p.notice_after = node_outbox_notice_after(up->ob);
            f.body_case = LUYU__FRAME__BODY_PING;
            f.ping = &p;
            if (up->state == LINK_HELLO)
                send_hello(up);
            else
                send_frame(up, &f);
        }
        node_uplink_pump(up);
        break;
    case LINK_DIVERGED:
        break;
    }
    schedule(up);
}

/* Arms the timer for the next thing that is due, so that an idle node
 * wakes only for heartbeats rather than polling. */
static void schedule(struct node_uplink *up)
{
    uint64_t now = lu_mono_ms(), due;
    struct node_outbox_stats st;

    switch (up->state) {
    case LINK_DOWN:
        due = up->retry_at_ms;
        break;
    case LINK_HELLO:
    case LINK_UP:
        due = up->last_tx_ms + (uint64_t)up->cfg.heartbeat_ms;
        if (up->last_rx_ms + (uint64_t)up->cfg.timeout_ms + 1 < due)
            due = up->last_rx_ms + (uint64_t)up->cfg.timeout_ms + 1;
        node_outbox_stats(up->ob, &st);
        /* Entries waiting while the window has room: the pipe was full or
         * the hub asked us to wait. Look again soon. */
        if (up->state == LINK_UP && up->next_send <= st.last_seq &&
            up->n_inflight < up->cfg.window) {
            uint64_t soon =
                up->busy_until_ms > now ? up->busy_until_ms : now + 20;
            if (soon < due)
                due = soon;
        }
        break;
    default:
        return;
    }
    /* Never spin: even an overdue deadline waits a few milliseconds. */
    if (due < now + 5)
        due = now + 5;
    uv_timer_start(&up->timer, on_timer, due - now, 0);
}

struct node_uplink *node_uplink_new(uv_loop_t *loop, void *zctx,
                                    const struct node_uplink_config *cfg,
                                    struct node_outbox *ob)
{
    struct node_uplink *up = lu_xcalloc(1, sizeof(*up));

    up->loop = loop;
    up->zctx = zctx;
    up->cfg = *cfg;
    if (up->cfg.window > MAX_WINDOW)
        up->cfg.window = MAX_WINDOW;
    up->ob = ob;
    up->several = strpbrk(cfg->endpoint, ", \t") != NULL;
    up->state = LINK_DOWN;
    up->down_since_s = lu_now_s();
    up->backoff_ms = cfg->backoff_min_ms;
    up->retry_at_ms = 0;
    /* One timer drives reconnects, heartbeats and timeouts; schedule()
     * re-arms it for whichever is due next. */
    uv_timer_init(loop, &up->timer);
    up->timer.data = up;
    uv_timer_start(&up->timer, on_timer, 0, 0);
    return up;
}

static void on_timer_closed(uv_handle_t *h)
{
    free(h->data);
}

void node_uplink_free(struct node_uplink *up)
{
    if (up == NULL)
        return;
    close_socket(up);
    uv_close((uv_handle_t *)&up->timer, on_timer_closed);
}

void node_uplink_info(const struct node_uplink *up,
                      struct node_uplink_info *info)
{
    info->up = up->state == LINK_UP;
    info->down_since_s = up->down_since_s;
    info->hub_hwm = up->hub_hwm;
    info->error = up->error;
}
