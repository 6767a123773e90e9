#include "monitor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zmq.h>

#include "log.h"
#include "metrics.h"
#include "util.h"
#include "xmalloc.h"
#include "zloop.h"

#define MAX_CONNS 1024 /* connections with a descriptor copy; more: none */
#define SWEEP_MS 5000
#define LOG_BURST 10
#define LOG_MS 10000

enum reason {
    R_UNKNOWN_KEY, /* ZAP said 400: a key not in the registry */
    R_AUTH,        /* ZAP said something else */
    R_CRYPTO,      /* cannot open the client's HELLO: wrong hub key? */
    R_MECHANISM,   /* plain client to a CURVE hub, or the reverse */
    R_PROTOCOL,    /* any other ZMTP error in the handshake */
    R_INCOMPLETE,  /* closed or timed out before the handshake ended */
    R_COUNT,
};

static const char *const REASON_LABEL[R_COUNT] = {
    "unknown_key", "auth", "bad_crypto", "mechanism", "protocol", "incomplete",
};

static const char *const REASON_TEXT[R_COUNT] = {
    "its key is not in the registry",
    "the ZAP handler refused it",
    "its CURVE handshake does not decrypt (a wrong hub key?)",
    "it does not speak CURVE",
    "a ZMTP protocol error in the handshake",
    "it closed or timed out before the handshake ended",
};

struct conn {
    int fd;  /* libzmq's descriptor, -1 when the slot is free */
    int dup; /* ours, keeps the socket readable until DISCONNECTED */
    char addr[64];
    bool stale; /* the last sweep saw EOF or unread bytes on our copy */
};

struct hub_monitor {
    void *sock; /* PAIR, connected to the monitor endpoint */
    struct lu_zwatch *watch;
    uv_timer_t sweep;
    int64_t max_frame;
    int pending; /* handshake failure for the next DISCONNECTED, or -1 */
    uint64_t refused[R_COUNT];
    uint64_t dropped;
    struct lu_ratelimit log;
    struct conn conns[MAX_CONNS];
};

static struct conn *find(struct hub_monitor *m, int fd)
{
    for (size_t i = 0; i < MAX_CONNS; i++) {
        if (m->conns[i].fd == fd)
            return &m->conns[i];
    }
    return NULL;
}

static void forget(struct conn *c)
{
    if (c->dup >= 0)
        close(c->dup);
    c->fd = c->dup = -1;
    c->stale = false;
}

static void peer_name(int fd, char *out, size_t len)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;

    snprintf(out, len, "?");
    if (getpeername(fd, (struct sockaddr *)&ss, &sl) < 0)
        return;
    if (ss.ss_family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;

        inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
        port = ntohs(a->sin_port);
    } else if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
        port = ntohs(a->sin6_port);
    } else {
        snprintf(out, len, "a local peer");
        return;
    }
    snprintf(out, len, "%s:%d", host, port);
}

static void on_accepted(struct hub_monitor *m, int fd)
{
    struct conn *c = find(m, fd);

    if (c != NULL)
        forget(c); /* a stale copy: its DISCONNECTED was lost */
    c = find(m, -1);
    if (c == NULL)
        return;
    c->fd = fd;
    c->dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    peer_name(fd, c->addr, sizeof(c->addr));
}

/* EOF or an error on our copy: the peer ended the connection. */
static bool peer_ended(int fd)
{
    char b;
    ssize_t n = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);

    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

static void on_disconnected(struct hub_monitor *m, int fd)
{
    struct conn *c = find(m, fd);
    const char *addr = c ? c->addr : "?";
    uint64_t suppressed = 0;

    if (m->pending >= 0) {
        m->refused[m->pending]++;
        if (lu_ratelimit_ok(&m->log, LOG_BURST, LOG_MS, &suppressed))
            lu_warn("refused a connection from %s: %s (%llu more not "
                    "logged)",
                    addr, REASON_TEXT[m->pending],
                    (unsigned long long)suppressed);
        m->pending = -1;
    } else if (c != NULL && c->dup >= 0 && !peer_ended(c->dup)) {
        /* The peer was still there: libzmq closed it, after the
         * handshake, without a message reaching the intake. */
        m->dropped++;
        if (lu_ratelimit_ok(&m->log, LOG_BURST, LOG_MS, &suppressed))
            lu_warn("dropped the connection from %s: it sent a frame over "
                    "%lld bytes or broke the ZMTP protocol (%llu more not "
                    "logged)",
                    addr, (long long)m->max_frame,
                    (unsigned long long)suppressed);
    } else {
        lu_debug("connection from %s closed by the peer", addr);
    }
    if (c != NULL)
        forget(c);
}

static void on_event(struct hub_monitor *m, uint16_t event, uint32_t value)
{
    switch (event) {
    case ZMQ_EVENT_ACCEPTED:
        on_accepted(m, (int)value);
        break;
    case ZMQ_EVENT_DISCONNECTED:
        on_disconnected(m, (int)value);
        break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        m->pending = value == 400 ? R_UNKNOWN_KEY : R_AUTH;
        break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
        m->pending = value == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC ? R_CRYPTO
                     : value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH
                         ? R_MECHANISM
                         : R_PROTOCOL;
        break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
        m->pending = R_INCOMPLETE;
        break;
    default:
        break;
    }
}

/* Reads the monitor's events: [6 bytes: u16 event, u32 value][endpoint]. */
static int on_readable(void *data, int budget)
{
    struct hub_monitor *m = data;
    int n = 0;

    while (n < budget) {
        zmq_msg_t head, rest;
        int more = 0;
        size_t ml = sizeof(more);
        uint16_t event;
        uint32_t value;

        zmq_msg_init(&head);
        if (zmq_msg_recv(&head, m->sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&head);
            break;
        }
        n++;
        zmq_getsockopt(m->sock, ZMQ_RCVMORE, &more, &ml);
        while (more) {
            zmq_msg_init(&rest);
            zmq_msg_recv(&rest, m->sock, 0);
            zmq_msg_close(&rest);
            zmq_getsockopt(m->sock, ZMQ_RCVMORE, &more, &ml);
        }
        if (zmq_msg_size(&head) == 6) {
            memcpy(&event, zmq_msg_data(&head), 2);
            memcpy(&value, (char *)zmq_msg_data(&head) + 2, 4);
            on_event(m, event, value);
        }
        zmq_msg_close(&head);
    }
    return n;
}

/* Closes copies whose DISCONNECTED was lost: one that showed EOF or held
 * unread bytes at two sweeps in a row (libzmq drains a live connection).
 * Closing a copy never touches libzmq's descriptor. */
static void on_sweep(uv_timer_t *t)
{
    struct hub_monitor *m = t->data;

    for (size_t i = 0; i < MAX_CONNS; i++) {
        struct conn *c = &m->conns[i];
        int unread = 0;
        bool odd;

        if (c->fd < 0 || c->dup < 0)
            continue;
        odd = peer_ended(c->dup) ||
              (ioctl(c->dup, FIONREAD, &unread) == 0 && unread > 0);
        if (odd && c->stale)
            forget(c);
        else
            c->stale = odd;
    }
}

struct hub_monitor *hub_monitor_new(uv_loop_t *loop, void *zctx, void *zsock,
                                    int64_t max_frame, char *err, size_t errlen)
{
    struct hub_monitor *m = lu_xcalloc(1, sizeof(*m));
    char ep[64];
    int events = ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED |
                 ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                 ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                 ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL;
    int linger = 0, hwm = 100000;

    m->max_frame = max_frame;
    m->pending = -1;
    for (size_t i = 0; i < MAX_CONNS; i++)
        m->conns[i].fd = m->conns[i].dup = -1;
    snprintf(ep, sizeof(ep), "inproc://luyu-hub-monitor-%p", (void *)m);
    if (zmq_socket_monitor(zsock, ep, events) < 0) {
        snprintf(err, errlen, "cannot monitor the node socket: %s",
                 zmq_strerror(zmq_errno()));
        free(m);
        return NULL;
    }
    m->sock = zmq_socket(zctx, ZMQ_PAIR);
    zmq_setsockopt(m->sock, ZMQ_LINGER, &linger, sizeof(linger));
    /* libzmq drops events the reader has no room for. */
    zmq_setsockopt(m->sock, ZMQ_RCVHWM, &hwm, sizeof(hwm));
    if (zmq_connect(m->sock, ep) < 0) {
        snprintf(err, errlen, "cannot read the socket monitor: %s",
                 zmq_strerror(zmq_errno()));
        zmq_close(m->sock);
        zmq_socket_monitor(zsock, NULL, 0);
        free(m);
        return NULL;
    }
    m->watch = lu_zwatch_new(loop, m->sock, on_readable, m);
    uv_timer_init(loop, &m->sweep);
    m->sweep.data = m;
    uv_timer_start(&m->sweep, on_sweep, SWEEP_MS, SWEEP_MS);
    return m;
}

static void on_sweep_closed(uv_handle_t *h)
{
    free(h->data);
}

void hub_monitor_free(struct hub_monitor *m)
{
    if (m == NULL)
        return;
    lu_zwatch_free(m->watch);
    zmq_close(m->sock);
    for (size_t i = 0; i < MAX_CONNS; i++) {
        if (m->conns[i].fd >= 0)
            forget(&m->conns[i]);
    }
    uv_close((uv_handle_t *)&m->sweep, on_sweep_closed);
}

void hub_monitor_metrics(const struct hub_monitor *m, struct lu_buf *b)
{
    lu_metrics_header(b, "luyu_hub_handshakes_refused_total", "counter",
                      "Connections to the node socket whose CURVE handshake "
                      "failed, by reason (socket monitor).");
    for (int r = 0; r < R_COUNT; r++) {
        char label[48];

        snprintf(label, sizeof(label), "reason=\"%s\"", REASON_LABEL[r]);
        lu_metrics_u64(b, "luyu_hub_handshakes_refused_total", label,
                       m ? m->refused[r] : 0);
    }
    lu_metrics_counter(b, "luyu_hub_connections_dropped_total",
                       "Connections libzmq closed after the handshake while "
                       "the peer was still there: a frame over the size "
                       "limit or a ZMTP protocol error.",
                       m ? m->dropped : 0);
}
