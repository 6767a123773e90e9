#include "zap.h"

#include <errno.h>
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

#define ZAP_FRAMES 7 /* version .. mechanism, then credentials */

struct hub_zap {
    void *sock;
    struct lu_zwatch *watch;
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

static void reply(struct hub_zap *z, zmq_msg_t *request_id, const char *code,
                  const char *text, const char *user)
{
    send_str(z->sock, "1.0", 1);
    zmq_send(z->sock, zmq_msg_data(request_id), zmq_msg_size(request_id),
             ZMQ_SNDMORE);
    send_str(z->sock, code, 1);
    send_str(z->sock, text, 1);
    send_str(z->sock, user, 1);
    send_str(z->sock, "", 0);
}

/* Decides one request: frames are version, request id, domain, address,
 * routing id, mechanism, credentials (the client's 32-byte public key). */
static void decide(struct hub_zap *z, struct zap_req *q)
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
        reply(z, &q->f[1], "400", "CURVE only", "");
        return;
    }
    zmq_z85_encode(z85, zmq_msg_data(&q->f[6]), 32);
    id = z->reg ? hub_registry_lookup(z->reg, z85, &is_hub) : NULL;
    if (id == NULL) {
        if (lu_ratelimit_ok(&z->log, 10, 10000, &suppressed))
            lu_warn("refused connection from %s: unknown key %s (%llu more "
                    "refusals not logged)",
                    addr, z85, (unsigned long long)suppressed);
        reply(z, &q->f[1], "400", "unknown key", "");
        return;
    }
    /* The user id is the key itself, not its owner: the intake looks the
     * owner up in the registry of the moment at every message, so that a
     * key removed or replaced later is refused on connections already
     * open. */
    lu_debug("admitted %s%s (key %s) from %s", is_hub ? HUB_ZAP_HUB_PREFIX : "",
             id, z85, addr);
    reply(z, &q->f[1], "200", "OK", z85);
}

static int on_readable(void *data, int budget)
{
    struct hub_zap *z = data;
    int handled = 0;

    while (handled < budget) {
        struct zap_req q = {.n = 0};
        int more = 1;
        size_t ml = sizeof(more);

        while (more) {
            zmq_msg_t m;

            zmq_msg_init(&m);
            if (zmq_msg_recv(&m, z->sock, q.n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
                zmq_msg_close(&m);
                break;
            }
            zmq_getsockopt(z->sock, ZMQ_RCVMORE, &more, &ml);
            if (q.n < ZAP_FRAMES)
                q.f[q.n++] = m;
            else
                zmq_msg_close(&m);
        }
        if (q.n == 0)
            break;
        handled++;
        if (q.n >= 2)
            decide(z, &q);
        for (int i = 0; i < q.n; i++)
            zmq_msg_close(&q.f[i]);
    }
    return handled;
}

struct hub_zap *hub_zap_new(uv_loop_t *loop, void *zctx,
                            const struct hub_registry *reg, char *err,
                            size_t errlen)
{
    struct hub_zap *z = lu_xcalloc(1, sizeof(*z));
    int linger = 0;

    z->reg = reg;
    z->sock = zmq_socket(zctx, ZMQ_REP);
    zmq_setsockopt(z->sock, ZMQ_LINGER, &linger, sizeof(linger));
    if (zmq_bind(z->sock, "inproc://zeromq.zap.01") < 0) {
        snprintf(err, errlen, "cannot bind the ZAP handler: %s",
                 zmq_strerror(zmq_errno()));
        zmq_close(z->sock);
        free(z);
        return NULL;
    }
    z->watch = lu_zwatch_new(loop, z->sock, on_readable, z);
    return z;
}

void hub_zap_free(struct hub_zap *z)
{
    if (z == NULL)
        return;
    lu_zwatch_free(z->watch);
    zmq_close(z->sock);
    free(z);
}

void hub_zap_set_registry(struct hub_zap *z, const struct hub_registry *reg)
{
    z->reg = reg;
}
