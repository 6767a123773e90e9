/* luyu-loadgen ingest and raw-zmq: simulated nodes, one DEALER each, in
 * one thread waiting on them all with epoll.
 *
 * Why not zmq_poll: it asks every socket for its events on every call, so
 * with 5,000 nodes (issue 19's ingest_5000_ratio) each wake-up cost about
 * as much as the hub's work on the batch it reported, and the generator
 * took a third of a core from the hub it measured. epoll on each socket's
 * ZMQ_FD wakes for the sockets that have something only. ZeroMQ signals
 * that fd only when its command mailbox changes, and a send may consume
 * that signal, so a socket we sent on is read once more in the next step
 * (struct run's touched list). Every RESCAN_NS all are read as well, a
 * net that costs little: with it held off for a minute, a 5,000-node run
 * took as long, so no wake-up was missed. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "benchgen.h"
#include "codec.h"
#include "keys.h"
#include "loadgen.h"
#include "xmalloc.h"

#define MAX_WINDOW 64
#define NOTE_LEN LOADGEN_NOTE_LEN
#define MAX_EVENTS 256
#define RESCAN_NS 1000000000u

enum sim_state { SIM_HELLO, SIM_UP, SIM_DONE };

struct sim {
    void *sock;
    unsigned idx;
    char id[LU_MAX_NAME + 1];
    enum sim_state state;
    uint64_t quota, last; /* this run sends seqs up to last */
    uint64_t next_send, acked;
    int n_inflight;
    uint64_t inflight_last[MAX_WINDOW];
    uint64_t inflight_ns[MAX_WINDOW];
    uint64_t busy_until_ns;
    bool blocked;     /* the pipe was full at the last send */
    bool touched;     /* sent on since it was last read: on the list */
    uint64_t done_ns; /* when its last entry was acked */
};

struct run {
    const struct args *a;
    struct bench_gen gen;
    void *zctx;
    struct sim *sims;
    int epfd;
    unsigned *touched; /* sims sent on since their last read */
    unsigned n_touched;
    uint64_t next_rescan_ns;
    unsigned n_welcomed, n_done;
    uint64_t batches, resends, entries_acked;
    struct bench_samples rtt; /* batch sent -> acked, ns */
    /* --timeline: every node's acked seq at each tick since streaming
     * began, for the storm's fairness (tests/bench/run). */
    uint64_t t0_ns, next_tick_ns;
    uint64_t open_ns;  /* before the first connect */
    double welcomed_s; /* from open_ns until every node was welcomed */
    uint64_t *ticks;   /* n_ticks rows of a->nodes */
    size_t n_ticks, cap_ticks;
    Luyu__Entry *scratch;
    Luyu__Entry **scratch_ptrs;
    char *notes;
};

static void set_socket_options(void *s)
{
    int linger = 0, hwm = 10000;
    int64_t maxmsg = LU_MAX_FRAME;

    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &maxmsg, sizeof(maxmsg));
    zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof(hwm));
    zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof(hwm));
}

/* s was sent on: its fd's signal may have been consumed by the send, so
 * it is read in the next step whatever epoll says. */
static void touch(struct run *rn, struct sim *s)
{
    if (!s->touched) {
        s->touched = true;
        rn->touched[rn->n_touched++] = s->idx;
    }
}

/* Sends the next batch of s. Returns 1 when sent, 0 when the pipe is
 * full, -1 on error. */
static int send_batch(struct run *rn, struct sim *s)
{
    Luyu__Frame f = LUYU__FRAME__INIT;
    Luyu__Batch b = LUYU__BATCH__INIT;
    uint64_t n = rn->a->batch;
    int r;

    if (s->last - s->next_send + 1 < n)
        n = s->last - s->next_send + 1;
    for (uint64_t i = 0; i < n; i++) {
        bench_gen_entry(&rn->gen, s->idx, s->next_send + i, &rn->scratch[i],
                        rn->notes + i * NOTE_LEN, NOTE_LEN);
        rn->scratch_ptrs[i] = &rn->scratch[i];
    }
    b.entries = rn->scratch_ptrs;
    b.n_entries = n;
    f.body_case = LUYU__FRAME__BODY_BATCH;
    f.batch = &b;
    touch(rn, s); /* even a send that fails may read the mailbox */
    r = lu_codec_send(s->sock, NULL, 0, &f);
    if (r == -EAGAIN)
        return 0;
    if (r < 0) {
        fprintf(stderr, "loadgen: %s: send: %s\n", s->id, zmq_strerror(-r));
        return -1;
    }
    s->inflight_last[s->n_inflight] = s->next_send + n - 1;
    s->inflight_ns[s->n_inflight++] = bench_now_ns();
    s->next_send += n;
    rn->batches++;
    return 1;
}

static int pump(struct run *rn, struct sim *s, uint64_t now)
{
    int r = 1;

    s->blocked = false;
    if (s->busy_until_ns != 0 && now >= s->busy_until_ns)
        s->busy_until_ns = 0;
    if (s->state != SIM_UP || s->busy_until_ns != 0)
        return 0;
    while (r == 1 && s->n_inflight < (int)rn->a->window &&
           s->next_send <= s->last)
        r = send_batch(rn, s);
    if (r == 0)
        s->blocked = true;
    return r < 0 ? -1 : 0;
}

static void send_hello(struct run *rn, struct sim *s)
{
    Luyu__Frame f = LUYU__FRAME__INIT;
    Luyu__Hello h = LUYU__HELLO__INIT;

    h.version = LUYU__VERSION__VERSION_1;
    h.node_id = s->id;
    h.from_seq = s->acked + 1;
    h.last_seq = s->last;
    f.body_case = LUYU__FRAME__BODY_HELLO;
    f.hello = &h;
    s->state = SIM_HELLO;
    s->n_inflight = 0;
    touch(rn, s);
    if (lu_codec_send(s->sock, NULL, 0, &f) < 0)
        fprintf(stderr, "loadgen: %s: hello not sent\n", s->id);
}

/* Everything up to upto is done: drop the batches it covers. */
static void acked(struct run *rn, struct sim *s, uint64_t upto, uint64_t now)
{
    int keep = 0;

    for (int i = 0; i < s->n_inflight; i++) {
        if (s->inflight_last[i] <= upto)
            bench_samples_add(&rn->rtt, now - s->inflight_ns[i]);
        else {
            s->inflight_last[keep] = s->inflight_last[i];
            s->inflight_ns[keep++] = s->inflight_ns[i];
        }
    }
    s->n_inflight = keep;
    if (upto > s->acked) {
        rn->entries_acked += upto - s->acked;
        s->acked = upto;
    }
    if (s->acked >= s->last && s->state == SIM_UP) {
        s->state = SIM_DONE;
        s->done_ns = now;
        rn->n_done++;
    }
}

static int on_error(struct run *rn, struct sim *s, const Luyu__Error *e,
                    uint64_t now)
{
    switch (e->code) {
    case LUYU__ERROR__CODE__GAP:
    case LUYU__ERROR__CODE__BUSY:
        /* Resend from the hub's mark, as luyu-node does. */
        rn->resends++;
        s->next_send = e->hwm + 1;
        s->n_inflight = 0;
        if (e->code == LUYU__ERROR__CODE__BUSY)
            s->busy_until_ns = now + 100000000u;
        return 0;
    case LUYU__ERROR__CODE__NEED_HELLO:
        send_hello(rn, s);
        return 0;
    default:
        fprintf(stderr, "loadgen: %s: hub says error %d: %s\n", s->id, e->code,
                e->message);
        return -1;
    }
}

static int on_reply(struct run *rn, struct sim *s, const Luyu__Frame *f,
                    uint64_t now)
{
    switch (f->body_case) {
    case LUYU__FRAME__BODY_WELCOME:
        if (s->state != SIM_HELLO)
            return 0;
        s->acked = f->welcome->hwm;
        s->next_send = s->acked + 1;
        if (s->last == 0)
            s->last = s->acked + s->quota;
        s->state = SIM_UP;
        rn->n_welcomed++;
        acked(rn, s, s->acked, now);
        return 0;
    case LUYU__FRAME__BODY_ACK:
        acked(rn, s, f->ack->upto, now);
        return 0;
    case LUYU__FRAME__BODY_ERROR:
        return on_error(rn, s, f->error, now);
    default:
        return 0;
    }
}

/* Reads every reply waiting on s. In raw mode each reply acknowledges the
 * oldest batch in flight (one TCP connection keeps them in order). */
static int drain(struct run *rn, struct sim *s)
{
    for (;;) {
        uint64_t now;
        zmq_msg_t msg;
        Luyu__Frame *f;
        char err[256];
        int r = 0;

        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, s->sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&msg);
            return 0;
        }
        now = bench_now_ns();
        if (rn->a->mode == MODE_RAW) {
            if (s->n_inflight > 0)
                acked(rn, s, s->inflight_last[0], now);
            zmq_msg_close(&msg);
            continue;
        }
        f = lu_codec_decode(zmq_msg_data(&msg), zmq_msg_size(&msg), err,
                            sizeof(err));
        zmq_msg_close(&msg);
        if (f == NULL) {
            fprintf(stderr, "loadgen: %s: bad frame from hub: %s\n", s->id,
                    err);
            return -1;
        }
        r = on_reply(rn, s, f, now);
        luyu__frame__free_unpacked(f, NULL);
        if (r < 0)
            return r;
    }
}

static void tick(struct run *rn, uint64_t now)
{
    unsigned n = rn->a->nodes;

    if (rn->n_ticks == rn->cap_ticks) {
        rn->cap_ticks = rn->cap_ticks ? rn->cap_ticks * 2 : 64;
        rn->ticks =
            lu_xrealloc(rn->ticks, rn->cap_ticks * n * sizeof(uint64_t));
    }
    for (unsigned i = 0; i < n; i++)
        rn->ticks[rn->n_ticks * n + i] = rn->sims[i].acked;
    rn->n_ticks++;
    rn->next_tick_ns += (uint64_t)(rn->a->timeline * 1e9);
    (void)now;
}

/* Reads the sims epoll reported, those sent on since, and every RESCAN_NS
 * all of them. */
static int read_ready(struct run *rn, const struct epoll_event *ev, int n_ev)
{
    uint64_t now = bench_now_ns();
    unsigned n_touched = rn->n_touched;

    for (int i = 0; i < n_ev; i++) {
        if (drain(rn, &rn->sims[ev[i].data.u32]) < 0)
            return -1;
    }
    /* A send in drain (none today) would append: only the ones before. */
    rn->n_touched = 0;
    for (unsigned i = 0; i < n_touched; i++) {
        struct sim *s = &rn->sims[rn->touched[i]];

        s->touched = false;
        if (drain(rn, s) < 0)
            return -1;
    }
    if (now >= rn->next_rescan_ns) {
        for (unsigned i = 0; i < rn->a->nodes; i++) {
            if (drain(rn, &rn->sims[i]) < 0)
                return -1;
        }
        rn->next_rescan_ns = now + RESCAN_NS;
    }
    return 0;
}

/* One pass: wait for replies (briefly when a pipe was full), read them,
 * refill every window. */
static int step(struct run *rn, bool sending)
{
    unsigned n = rn->a->nodes;
    bool blocked = rn->n_touched > 0;
    struct epoll_event ev[MAX_EVENTS];
    uint64_t now;
    int rc;

    for (unsigned i = 0; i < n && !blocked; i++)
        blocked = rn->sims[i].blocked || rn->sims[i].busy_until_ns > 0;
    rc = epoll_wait(rn->epfd, ev, MAX_EVENTS, blocked ? 5 : 200);
    if (rc < 0 && errno != EINTR) {
        fprintf(stderr, "loadgen: epoll_wait: %s\n", strerror(errno));
        return -1;
    }
    if (read_ready(rn, ev, rc > 0 ? rc : 0) < 0)
        return -1;
    now = bench_now_ns();
    if (sending && rn->a->timeline > 0 && now >= rn->next_tick_ns)
        tick(rn, now);
    for (unsigned i = 0; sending && i < n; i++) {
        if (pump(rn, &rn->sims[i], now) < 0)
            return -1;
    }
    return 0;
}

/* Adds s's ZMQ_FD to the epoll set, level-triggered: a signal left
 * unread wakes the next wait again rather than being lost. */
static int watch(struct run *rn, struct sim *s)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = s->idx};
    size_t len = sizeof(int);
    int fd;

    if (zmq_getsockopt(s->sock, ZMQ_FD, &fd, &len) < 0 ||
        epoll_ctl(rn->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        fprintf(stderr, "loadgen: %s: watch: %s\n", s->id, strerror(errno));
        return -1;
    }
    return 0;
}

static int open_sims(struct run *rn, const char *endpoint,
                     const char *server_key)
{
    const struct args *a = rn->a;
    char secret[LU_KEY_Z85_LEN + 1], public[LU_KEY_Z85_LEN + 1], err[512];
    char path[4096];

    rn->sims = lu_xcalloc(a->nodes, sizeof(*rn->sims));
    rn->touched = lu_xcalloc(a->nodes, sizeof(*rn->touched));
    rn->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (rn->epfd < 0) {
        fprintf(stderr, "loadgen: epoll_create1: %s\n", strerror(errno));
        return -1;
    }
    for (unsigned i = 0; i < a->nodes; i++) {
        struct sim *s = &rn->sims[i];

        s->idx = i;
        bench_gen_node_id(a->prefix, i, s->id, sizeof(s->id));
        s->quota = a->entries / a->nodes + (i < a->entries % a->nodes);
        s->sock = zmq_socket(rn->zctx, ZMQ_DEALER);
        set_socket_options(s->sock);
        if (a->mode == MODE_INGEST) {
            snprintf(path, sizeof(path), "%s/%s.key", a->keys, s->id);
            if (lu_keys_load_secret(path, secret, public, err, sizeof(err)) <
                0) {
                fprintf(stderr, "loadgen: %s\n", err);
                return -1;
            }
        } else if (zmq_curve_keypair(public, secret) < 0) {
            return -1;
        }
        zmq_setsockopt(s->sock, ZMQ_CURVE_SERVERKEY, server_key, 40);
        zmq_setsockopt(s->sock, ZMQ_CURVE_PUBLICKEY, public, 40);
        zmq_setsockopt(s->sock, ZMQ_CURVE_SECRETKEY, secret, 40);
        if (zmq_connect(s->sock, endpoint) < 0) {
            fprintf(stderr, "loadgen: connect %s: %s\n", endpoint,
                    zmq_strerror(zmq_errno()));
            return -1;
        }
        if (watch(rn, s) < 0)
            return -1;
    }
    return 0;
}

static void close_sims(struct run *rn)
{
    for (unsigned i = 0; rn->sims && i < rn->a->nodes; i++) {
        if (rn->sims[i].sock)
            zmq_close(rn->sims[i].sock);
    }
    free(rn->sims);
    free(rn->touched);
    if (rn->epfd >= 0)
        close(rn->epfd);
}

/* The echo ROUTER for raw-zmq: answers every message with an Ack-sized
 * frame, at once. */
struct echo {
    void *ctx, *sock;
    volatile int stop;
    char endpoint[256];
    char public[LU_KEY_Z85_LEN + 1];
    unsigned char ack[32];
    size_t ack_len;
};

static void *echo_main(void *arg)
{
    struct echo *e = arg;
    zmq_pollitem_t it = {.socket = e->sock, .events = ZMQ_POLLIN};

    while (!e->stop) {
        if (zmq_poll(&it, 1, 50) <= 0)
            continue;
        for (;;) {
            zmq_msg_t rid, body;
            int more = 0;
            size_t ml = sizeof(more);

            zmq_msg_init(&rid);
            if (zmq_msg_recv(&rid, e->sock, ZMQ_DONTWAIT) < 0) {
                zmq_msg_close(&rid);
                break;
            }
            zmq_msg_init(&body);
            zmq_getsockopt(e->sock, ZMQ_RCVMORE, &more, &ml);
            if (more)
                zmq_msg_recv(&body, e->sock, 0);
            zmq_msg_close(&body);
            zmq_msg_send(&rid, e->sock, ZMQ_SNDMORE);
            zmq_send(e->sock, e->ack, e->ack_len, 0);
            zmq_msg_close(&rid);
        }
    }
    return NULL;
}

static int echo_start(struct echo *e, pthread_t *th)
{
    char secret[LU_KEY_Z85_LEN + 1];
    size_t len = sizeof(e->endpoint);
    int one = 1, hwm = 100000, linger = 0;
    Luyu__Frame f = LUYU__FRAME__INIT;
    Luyu__Ack a = LUYU__ACK__INIT;

    a.upto = 1000000;
    f.body_case = LUYU__FRAME__BODY_ACK;
    f.ack = &a;
    e->ack_len = luyu__frame__pack(&f, e->ack);
    e->ctx = zmq_ctx_new();
    e->sock = zmq_socket(e->ctx, ZMQ_ROUTER);
    zmq_curve_keypair(e->public, secret);
    zmq_setsockopt(e->sock, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(e->sock, ZMQ_SNDHWM, &hwm, sizeof(hwm));
    zmq_setsockopt(e->sock, ZMQ_RCVHWM, &hwm, sizeof(hwm));
    zmq_setsockopt(e->sock, ZMQ_CURVE_SERVER, &one, sizeof(one));
    zmq_setsockopt(e->sock, ZMQ_CURVE_SECRETKEY, secret, 40);
    if (zmq_bind(e->sock, "tcp://127.0.0.1:*") < 0 ||
        zmq_getsockopt(e->sock, ZMQ_LAST_ENDPOINT, e->endpoint, &len) < 0) {
        fprintf(stderr, "loadgen: echo bind: %s\n", zmq_strerror(zmq_errno()));
        return -1;
    }
    /* The socket moves to the echo thread; pthread_create is the full
     * memory barrier ZeroMQ asks for when a socket changes threads. */
    return pthread_create(th, NULL, echo_main, e) == 0 ? 0 : -1;
}

static void echo_stop(struct echo *e, pthread_t th)
{
    e->stop = 1;
    pthread_join(th, NULL);
    zmq_close(e->sock);
    zmq_ctx_term(e->ctx);
}

static void report_stream(const struct run *rn, double secs)
{
    const struct args *a = rn->a;

    printf("{\"mode\":\"%s\",\"nodes\":%u,\"batch\":%u,\"window\":%u,"
           "\"entries\":%" PRIu64 ",\"seconds\":%.3f,\"eps\":%.0f,"
           "\"batches\":%" PRIu64 ",\"resends\":%" PRIu64
           ",\"batch_rtt_p50_ms\":%.2f,\"batch_rtt_p99_ms\":%.2f,"
           "\"welcomed_s\":%.3f}\n",
           a->mode == MODE_RAW ? "raw-zmq" : "ingest", a->nodes, a->batch,
           a->window, rn->entries_acked, secs,
           secs > 0 ? (double)rn->entries_acked / secs : 0, rn->batches,
           rn->resends, bench_pct_ms(rn->rtt.v, rn->rtt.n, 50),
           bench_pct_ms(rn->rtt.v, rn->rtt.n, 99), rn->welcomed_s);
}

/* The timeline as its own JSON line: {"timeline_s", "acked": [[per node]
 * per tick], "done_s": [per node]}. */
static void report_timeline(const struct run *rn)
{
    unsigned n = rn->a->nodes;

    printf("{\"timeline_s\":%.3f,\"acked\":[", rn->a->timeline);
    for (size_t t = 0; t < rn->n_ticks; t++) {
        printf("%s[", t ? "," : "");
        for (unsigned i = 0; i < n; i++)
            printf("%s%" PRIu64, i ? "," : "", rn->ticks[t * n + i]);
        printf("]");
    }
    printf("],\"done_s\":[");
    for (unsigned i = 0; i < n; i++)
        printf("%s%.3f", i ? "," : "",
               rn->sims[i].done_ns > rn->t0_ns
                   ? (double)(rn->sims[i].done_ns - rn->t0_ns) / 1e9
                   : 0.0);
    printf("]}\n");
}

/* Waits for every Welcome (ingest), then streams until all is acked. */
static int stream(struct run *rn)
{
    const struct args *a = rn->a;
    uint64_t deadline = bench_now_ns() + (uint64_t)(a->timeout * 1e9), t0;

    if (a->mode == MODE_INGEST) {
        for (unsigned i = 0; i < a->nodes; i++)
            send_hello(rn, &rn->sims[i]);
        while (rn->n_welcomed < a->nodes && bench_now_ns() < deadline) {
            if (step(rn, false) < 0)
                return -1;
        }
        if (rn->n_welcomed < a->nodes) {
            fprintf(stderr, "loadgen: only %u of %u nodes welcomed\n",
                    rn->n_welcomed, a->nodes);
            return -1;
        }
        rn->welcomed_s = (double)(bench_now_ns() - rn->open_ns) / 1e9;
        /* Connected and idle for a while: the hub's memory per session
         * is measured now (tests/bench/run connect). */
        for (uint64_t until = bench_now_ns() + (uint64_t)(a->hold * 1e9);
             bench_now_ns() < until;) {
            if (step(rn, false) < 0)
                return -1;
        }
    } else {
        for (unsigned i = 0; i < a->nodes; i++) {
            rn->sims[i].state = SIM_UP;
            rn->sims[i].next_send = 1;
            rn->sims[i].last = rn->sims[i].quota;
        }
    }
    rn->entries_acked = 0;
    rn->rtt.n = 0;
    t0 = bench_now_ns();
    rn->t0_ns = rn->next_tick_ns = t0;
    while (rn->n_done < a->nodes && bench_now_ns() < deadline) {
        if (step(rn, true) < 0)
            return -1;
    }
    if (rn->n_done < a->nodes) {
        fprintf(stderr,
                "loadgen: timed out: %" PRIu64 " of %" PRIu64
                " entries acknowledged\n",
                rn->entries_acked, a->entries);
        return -1;
    }
    bench_samples_sort(&rn->rtt);
    if (a->timeline > 0) {
        tick(rn, bench_now_ns());
        report_timeline(rn);
    }
    report_stream(rn, (double)(bench_now_ns() - t0) / 1e9);
    return 0;
}

int loadgen_stream(const struct args *a)
{
    struct run rn = {.a = a, .epfd = -1};
    struct echo echo = {0};
    pthread_t echo_th;
    char hub_key[LU_KEY_Z85_LEN + 1], err[512];
    const char *endpoint = a->endpoint, *server_key = hub_key;
    int r = -1;

    if (bench_gen_init(&rn.gen, a->plan, a->province, err, sizeof(err)) < 0) {
        fprintf(stderr, "loadgen: %s\n", err);
        return -1;
    }
    if (bench_gen_skip_units(&rn.gen, a->first_unit, err, sizeof(err)) < 0) {
        fprintf(stderr, "loadgen: %s\n", err);
        bench_gen_close(&rn.gen);
        return -1;
    }
    rn.scratch = lu_xcalloc(a->batch, sizeof(*rn.scratch));
    rn.scratch_ptrs = lu_xcalloc(a->batch, sizeof(*rn.scratch_ptrs));
    rn.notes = lu_xcalloc(a->batch, NOTE_LEN);
    rn.zctx = zmq_ctx_new();
    /* libzmq's default is 1,023 sockets a context: a generator of more
     * nodes (issue 19's reconnect storm) needs one each. */
    if (a->nodes + 16 > 1023)
        zmq_ctx_set(rn.zctx, ZMQ_MAX_SOCKETS, (int)a->nodes + 16);
    if (a->mode == MODE_RAW) {
        if (echo_start(&echo, &echo_th) < 0)
            goto out_ctx;
        endpoint = echo.endpoint;
        server_key = echo.public;
    } else if (lu_keys_load_public(a->hub_key, hub_key, err, sizeof(err)) < 0) {
        fprintf(stderr, "loadgen: %s\n", err);
        goto out_ctx;
    }
    rn.open_ns = bench_now_ns();
    if (open_sims(&rn, endpoint, server_key) == 0)
        r = stream(&rn);
    close_sims(&rn);
    if (a->mode == MODE_RAW)
        echo_stop(&echo, echo_th);
out_ctx:
    zmq_ctx_term(rn.zctx);
    free(rn.rtt.v);
    free(rn.ticks);
    free(rn.scratch);
    free(rn.scratch_ptrs);
    free(rn.notes);
    bench_gen_close(&rn.gen);
    return r;
}
