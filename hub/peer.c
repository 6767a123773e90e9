#include "peer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "amount.h"
#include "bulletins.h"
#include "codec.h"
#include "feed.h"
#include "log.h"
#include "observe.h"
#include "util.h"
#include "xmalloc.h"
#include "zloop.h"

/* Bulletins pushed per tick: a peer back after a long outage gets its
 * backlog over a few ticks instead of one burst. */
#define PUSH_PER_TICK 32

struct hub_peer {
    void *sock;
    struct lu_zwatch *watch;
    struct hub_peer_config cfg;
    struct ledger_bulletins *store;
    struct hub_feed *feed;
    struct hub_observe *obs;
    uv_timer_t timer;
    uint64_t last_rx_ms;
    char last_refusal[256];
    struct lu_ratelimit bad_log; /* the peer is another province's hub */
};

static void publish(struct hub_peer *p, const char *topic, const char *province,
                    uint32_t period, uint32_t rev)
{
    hub_feed_bulletin(p->feed, topic, province, period, rev);
}

static void on_ack(struct hub_peer *p, const Luyu__BulletinAck *a)
{
    char ps[8];

    if (!a->accepted) {
        /* Refused for good by the peer (keys or configuration differ).
         * Keep resending slowly: an admin fixing the keys fixes it; say it
         * once per reason rather than on every resend. */
        if (strcmp(p->last_refusal, a->reason) != 0) {
            lu_err("peer refused bulletin %s %s rev %u: %s", a->province,
                   lu_period_format(a->period, ps, sizeof(ps)), a->revision,
                   a->reason);
            snprintf(p->last_refusal, sizeof(p->last_refusal), "%s", a->reason);
        }
        return;
    }
    if (ledger_bulletins_mark_acked(p->store, a->province, a->period,
                                    a->revision, lu_now_s()) == 0) {
        p->obs->bulletins_acked++;
        snprintf(p->obs->last_bulletin, sizeof(p->obs->last_bulletin),
                 "%s rev %u, acknowledged by the peer",
                 lu_period_format(a->period, ps, sizeof(ps)), a->revision);
        lu_info("peer acknowledged bulletin %s %s rev %u", a->province, ps,
                a->revision);
        publish(p, "bulletin.acked", a->province, a->period, a->revision);
    }
}

static int on_readable(void *data, int budget)
{
    struct hub_peer *p = data;
    int n = 0;

    while (n < budget) {
        zmq_msg_t msg;
        Luyu__Frame *f;
        char err[256];

        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, p->sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&msg);
            break;
        }
        n++;
        p->last_rx_ms = lu_mono_ms();
        f = lu_codec_decode(zmq_msg_data(&msg), zmq_msg_size(&msg), err,
                            sizeof(err));
        zmq_msg_close(&msg);
        if (f == NULL) {
            uint64_t suppressed = 0;

            if (lu_ratelimit_ok(&p->bad_log, 10, 10000, &suppressed))
                lu_warn("bad frame from the peer hub: %s (%llu more not "
                        "logged)",
                        err, (unsigned long long)suppressed);
            continue;
        }
        if (f->body_case == LUYU__FRAME__BODY_BULLETIN_ACK)
            on_ack(p, f->bulletin_ack);
        luyu__frame__free_unpacked(f, NULL);
    }
    return n;
}

static void push(struct hub_peer *p, const struct ledger_bulletins_item *it)
{
    Luyu__Frame f = LUYU__FRAME__INIT;
    Luyu__BulletinPush b = LUYU__BULLETIN_PUSH__INIT;

    b.province = (char *)it->province;
    b.period = it->period;
    b.revision = it->revision;
    b.signed_.data = it->payload;
    b.signed_.len = it->len;
    f.body_case = LUYU__FRAME__BODY_BULLETIN_PUSH;
    f.bulletin_push = &b;
    if (lu_codec_send(p->sock, NULL, 0, &f) == 0 && it->sent_at == 0) {
        ledger_bulletins_mark_sent(p->store, it->province, it->period,
                                   it->revision, lu_now_s());
        p->obs->bulletins_delivered++;
    }
}

/* Pushes what the peer has not acknowledged; pings when there is nothing,
 * so that we know whether the peer is there. */
static void tick(struct hub_peer *p)
{
    struct ledger_bulletins_item *items = NULL;
    size_t n = 0;

    if (ledger_bulletins_unsent(p->store, &items, &n) < 0)
        n = 0;
    for (size_t i = 0; i < n && i < PUSH_PER_TICK; i++)
        push(p, &items[i]);
    if (n == 0) {
        Luyu__Frame f = LUYU__FRAME__INIT;
        Luyu__Ping ping = LUYU__PING__INIT;

        f.body_case = LUYU__FRAME__BODY_PING;
        f.ping = &ping;
        lu_codec_send(p->sock, NULL, 0, &f);
    }
    ledger_bulletins_items_free(items, n);
    lu_zwatch_kick(p->watch);
}

static void on_timer(uv_timer_t *t)
{
    tick(t->data);
}

struct hub_peer *hub_peer_new(uv_loop_t *loop, void *zctx,
                              const struct hub_peer_config *cfg,
                              struct ledger_bulletins *store,
                              struct hub_feed *feed, struct hub_observe *obs)
{
    struct hub_peer *p = lu_xcalloc(1, sizeof(*p));
    int linger = 0, hwm = 1000;
    int64_t maxmsg = LU_MAX_FRAME;

    p->cfg = *cfg;
    p->store = store;
    p->feed = feed;
    p->obs = obs;
    p->sock = zmq_socket(zctx, ZMQ_DEALER);
    zmq_setsockopt(p->sock, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(p->sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof(maxmsg));
    /* Unsent bulletins live in the store, not in a socket queue: a short
     * queue is enough, and a dead peer does not pile up copies. */
    zmq_setsockopt(p->sock, ZMQ_SNDHWM, &hwm, sizeof(hwm));
    if (cfg->server_key != NULL) {
        zmq_setsockopt(p->sock, ZMQ_CURVE_SERVERKEY, cfg->server_key, 40);
        zmq_setsockopt(p->sock, ZMQ_CURVE_PUBLICKEY, cfg->public_key, 40);
        zmq_setsockopt(p->sock, ZMQ_CURVE_SECRETKEY, cfg->secret_key, 40);
    }
    /* The endpoint was checked by main; libzmq reconnects by itself. */
    zmq_connect(p->sock, cfg->endpoint);
    p->watch = lu_zwatch_new(loop, p->sock, on_readable, p);
    uv_timer_init(loop, &p->timer);
    p->timer.data = p;
    uv_timer_start(&p->timer, on_timer, 100, (uint64_t)cfg->resend_ms);
    return p;
}

static void on_closed(uv_handle_t *h)
{
    free(h->data);
}

void hub_peer_free(struct hub_peer *p)
{
    if (p == NULL)
        return;
    lu_zwatch_free(p->watch);
    zmq_close(p->sock);
    uv_close((uv_handle_t *)&p->timer, on_closed);
}

void hub_peer_kick(struct hub_peer *p)
{
    if (p != NULL)
        tick(p);
}

bool hub_peer_up(const struct hub_peer *p)
{
    return p != NULL && p->last_rx_ms != 0 &&
           lu_mono_ms() - p->last_rx_ms < 3 * (uint64_t)p->cfg.resend_ms + 1000;
}
