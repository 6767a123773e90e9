#include "zap.h"

#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "keys.h"
#include "log.h"
#include "registry.h"
#include "util.h"
#include "xmalloc.h"
#include "zloop.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_FRAMES 7 /* version .. mechanism, then credentials */

/* libzmq 4.3.4 keeps, for every CURVE connection, the pipe pair to the ZAP
 * handler as long as the connection (session_base.cpp ends it only with
 * the session, or when the handler's socket closes): two 16 KB chunks of
 * message slots and two pipe objects, about 8 KB resident a connected node
 * (docs/DECISIONS.md, "Issue 19, third round"). So once a storm of
 * handshakes has settled (no request for a whole tick) and at least
 * RECYCLE_MIN connections went through the socket, the handler binds a
 * fresh socket and closes the old one a tick later, which ends all those
 * pipes; one more tick later, when libzmq's threads have freed them,
 * malloc_trim() hands the freed pages back to the kernel. */
#define RECYCLE_TICK_MS 1000
#define RECYCLE_MIN 64

struct hub_zap {
    uv_loop_t *loop;
    void *zctx;
    void *sock;
    struct lu_zwatch *watch;
    void *old; /* unbound, still answering, closed at the next tick */
    struct lu_zwatch *old_watch;
    uv_timer_t tick;
    unsigned answered; /* by sock since it was bound */
    bool recent;       /* a request since the last tick */
    bool trim_due;     /* the old socket was closed at the last tick */
    bool can_recycle;  /* libzmq refuses handshakes while none is bound */
    const struct hub_registry *reg;
    struct lu_ratelimit log; /* a refused node retries every second */
};

struct zap_req {
    zmq_msg_t f[ZAP_FRAMES];
    int n;
};

static void send_str(void *sock, const char *s, int more)
{
    zmq_send(sock, s, strlen(s), more ? ZMQ_SNDMORE : 0);
}

static void reply(void *sock, zmq_msg_t *request_id, const char *code,
                  const char *text, const char *user)
{
    send_str(sock, "1.0", 1);
    zmq_send(sock, zmq_msg_data(request_id), zmq_msg_size(request_id),
             ZMQ_SNDMORE);
    send_str(sock, code, 1);
    send_str(sock, text, 1);
    send_str(sock, user, 1);
    send_str(sock, "", 0);
}

/* Decides one request: frames are version, request id, domain, address,
 * routing id, mechanism, credentials (the client's 32-byte public key). */
static void decide(struct hub_zap *z, void *sock, struct zap_req *q)
{
    char z85[LU_KEY_Z85_LEN + 1], addr[64];
    const char *id;
    bool is_hub = false;
    uint64_t suppressed = 0;
    size_t alen = q->n > 3 ? zmq_msg_size(&q->f[3]) : 0;

    /* libzmq's own text (an IP address), but cut and checked all the same:
     * it goes into the journal. */
    snprintf(addr, sizeof(addr), "%.*s", (int)(alen < 63 ? alen : 63),
             alen ? (const char *)zmq_msg_data(&q->f[3]) : "");
    lu_utf8_fix(addr);
    if (q->n != ZAP_FRAMES || zmq_msg_size(&q->f[5]) != 5 ||
        memcmp(zmq_msg_data(&q->f[5]), "CURVE", 5) != 0 ||
        zmq_msg_size(&q->f[6]) != 32) {
        if (lu_ratelimit_ok(&z->log, 10, 10000, &suppressed))
            lu_warn("refused connection from %s: not a CURVE handshake "
                    "(%llu more refusals not logged)",
                    addr, (unsigned long long)suppressed);
        reply(sock, &q->f[1], "400", "CURVE only", "");
        return;
    }
    zmq_z85_encode(z85, zmq_msg_data(&q->f[6]), 32);
    id = z->reg ? hub_registry_lookup(z->reg, z85, &is_hub) : NULL;
    if (id == NULL) {
        if (lu_ratelimit_ok(&z->log, 10, 10000, &suppressed))
            lu_warn("refused connection from %s: unknown key %s (%llu more "
                    "refusals not logged)",
                    addr, z85, (unsigned long long)suppressed);
        reply(sock, &q->f[1], "400", "unknown key", "");
        return;
    }
    /* The user id is the key itself, not its owner: the intake looks the
     * owner up in the registry of the moment at every message, so that a
     * key removed or replaced later is refused on connections already
     * open. */
    lu_debug("admitted %s%s (key %s) from %s", is_hub ? HUB_ZAP_HUB_PREFIX : "",
             id, z85, addr);
    reply(sock, &q->f[1], "200", "OK", z85);
}

static void on_tick(uv_timer_t *t);

/* Answers up to budget requests waiting on sock. */
static int serve(struct hub_zap *z, void *sock, int budget)
{
    int handled = 0;

    while (handled < budget) {
        struct zap_req q = {.n = 0};
        int more = 1;
        size_t ml = sizeof(more);

        while (more) {
            zmq_msg_t m;

            zmq_msg_init(&m);
            if (zmq_msg_recv(&m, sock, q.n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
                zmq_msg_close(&m);
                break;
            }
            zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &ml);
            if (q.n < ZAP_FRAMES)
                q.f[q.n++] = m;
            else
                zmq_msg_close(&m);
        }
        if (q.n == 0)
            break;
        handled++;
        if (q.n >= 2)
            decide(z, sock, &q);
        for (int i = 0; i < q.n; i++)
            zmq_msg_close(&q.f[i]);
    }
    return handled;
}

static int on_readable(void *data, int budget)
{
    struct hub_zap *z = data;
    int handled = serve(z, z->sock, budget);

    if (handled > 0) {
        z->recent = true;
        z->answered += (unsigned)handled;
        if (z->can_recycle && z->answered >= RECYCLE_MIN &&
            !uv_is_active((uv_handle_t *)&z->tick))
            uv_timer_start(&z->tick, on_tick, RECYCLE_TICK_MS, RECYCLE_TICK_MS);
    }
    return handled;
}

static int on_old_readable(void *data, int budget)
{
    struct hub_zap *z = data;

    return serve(z, z->old, budget);
}

static void *new_socket(void *zctx)
{
    void *sock = zmq_socket(zctx, ZMQ_REP);
    int linger = 0;

    if (sock != NULL)
        zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof(linger));
    return sock;
}

/* Binds a fresh socket in place of the current one, which stays open
 * (unbound) to answer what was already on its way until the next tick.
 * Between the unbind and the bind a handshake finds no handler, and
 * libzmq refuses it (ZMQ_ZAP_ENFORCE_DOMAIN, hub_zap_enforce()): the node
 * connects again a moment later, as after any refusal. */
static void recycle(struct hub_zap *z)
{
    void *fresh = new_socket(z->zctx);

    if (fresh == NULL)
        return;
    if (zmq_unbind(z->sock, ZAP_ENDPOINT) < 0) {
        lu_warn("cannot unbind the ZAP handler to renew it: %s",
                zmq_strerror(zmq_errno()));
        zmq_close(fresh);
        z->answered = 0;
        return;
    }
    if (zmq_bind(fresh, ZAP_ENDPOINT) < 0) {
        int e = zmq_errno();

        zmq_close(fresh);
        if (zmq_bind(z->sock, ZAP_ENDPOINT) < 0)
            lu_err("cannot bind the ZAP handler again (%s): CURVE "
                   "handshakes are refused until it is",
                   zmq_strerror(zmq_errno()));
        else
            lu_warn("cannot bind a new ZAP handler: %s", zmq_strerror(e));
        z->answered = 0;
        return;
    }
    z->old = z->sock;
    z->old_watch = z->watch;
    z->sock = fresh;
    z->watch = lu_zwatch_new(z->loop, fresh, on_readable, z);
    lu_zwatch_free(z->old_watch);
    z->old_watch = lu_zwatch_new(z->loop, z->old, on_old_readable, z);
    lu_info("renewed the ZAP handler after %u handshakes", z->answered);
    z->answered = 0;
}

static void close_old(struct hub_zap *z)
{
    serve(z, z->old, 1 << 30);
    lu_zwatch_free(z->old_watch);
    zmq_close(z->old);
    z->old = NULL;
    z->old_watch = NULL;
}

static void on_tick(uv_timer_t *t)
{
    struct hub_zap *z = t->data;

    if (z->old != NULL) {
        close_old(z);
        z->trim_due = true;
    } else if (z->trim_due) {
        /* Pages freed in the middle of libzmq's I/O thread's arena stay
         * resident until trimmed: glibc only returns an arena's top. */
        malloc_trim(0);
        z->trim_due = false;
    } else if (z->answered < RECYCLE_MIN) {
        uv_timer_stop(&z->tick);
    } else if (!z->recent) {
        recycle(z);
    }
    z->recent = false;
}

int hub_zap_enforce(void *sock)
{
    int one = 1;

    if (zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, "luyu", 4) < 0 ||
        zmq_setsockopt(sock, ZMQ_ZAP_ENFORCE_DOMAIN, &one, sizeof(one)) < 0)
        return -zmq_errno();
    return 0;
}

/* Whether this libzmq takes ZMQ_ZAP_ENFORCE_DOMAIN (a draft option in
 * 4.3's header, which Debian's build accepts): without it a handshake
 * that found no handler would be let in, so the handler is never
 * renewed. */
static bool enforce_supported(void *zctx)
{
    void *probe = zmq_socket(zctx, ZMQ_ROUTER);
    bool ok = probe != NULL && hub_zap_enforce(probe) == 0;

    if (probe != NULL)
        zmq_close(probe);
    return ok;
}

struct hub_zap *hub_zap_new(uv_loop_t *loop, void *zctx,
                            const struct hub_registry *reg, char *err,
                            size_t errlen)
{
    struct hub_zap *z = lu_xcalloc(1, sizeof(*z));

    z->loop = loop;
    z->zctx = zctx;
    z->reg = reg;
    z->sock = new_socket(zctx);
    if (z->sock == NULL || zmq_bind(z->sock, ZAP_ENDPOINT) < 0) {
        snprintf(err, errlen, "cannot bind the ZAP handler: %s",
                 zmq_strerror(zmq_errno()));
        if (z->sock != NULL)
            zmq_close(z->sock);
        free(z);
        return NULL;
    }
    z->can_recycle = enforce_supported(zctx);
    if (!z->can_recycle)
        lu_notice("this libzmq lacks ZMQ_ZAP_ENFORCE_DOMAIN: the ZAP "
                  "handler keeps its pipes for as long as nodes stay "
                  "connected");
    z->watch = lu_zwatch_new(loop, z->sock, on_readable, z);
    uv_timer_init(loop, &z->tick);
    z->tick.data = z;
    return z;
}

static void on_closed(uv_handle_t *h)
{
    free(h->data);
}

void hub_zap_free(struct hub_zap *z)
{
    if (z == NULL)
        return;
    lu_zwatch_free(z->watch);
    zmq_close(z->sock);
    if (z->old != NULL) {
        lu_zwatch_free(z->old_watch);
        zmq_close(z->old);
    }
    uv_close((uv_handle_t *)&z->tick, on_closed);
}

void hub_zap_set_registry(struct hub_zap *z, const struct hub_registry *reg)
{
    z->reg = reg;
}
