/* luyu-loadgen latency: real luyu-node daemons driven over their control
 * sockets, the hub's feed as the witness of each ledger commit. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "benchgen.h"
#include "codec.h"
#include "ctlmsg.h"
#include "loadgen.h"
#include "xmalloc.h"

#define NOTE_LEN LOADGEN_NOTE_LEN

struct lat_node {
    pthread_t th;
    struct lat *lat;
    unsigned idx;
    char id[LU_MAX_NAME + 1];
    char sock[4096];
    uint64_t n;        /* submitted */
    uint64_t *seq;     /* per submit: the seq the node gave it */
    uint64_t *sent_ns; /* per submit: request sent */
    uint64_t *acc_ns;  /* per submit: node answered "accepted" */
    uint64_t *feed_ns; /* per seq (index seq - 1): seen on the feed */
    uint64_t cap;      /* entries in each array */
    int failed;
};

struct ack_sample {
    uint64_t ns, acknowledged;
};

struct lat {
    const struct args *a;
    struct bench_gen gen;
    struct lat_node *nodes;
    uint64_t per_node, start_ns;
    volatile int stop_feed, stop_poll;
    uint64_t feed_seen, feed_unmatched;
    struct ack_sample *acks; /* node 0's status, sampled */
    size_t n_acks, cap_acks;
};

static void sleep_until(uint64_t ns)
{
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u),
                          .tv_nsec = (long)(ns % 1000000000u)};

    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

static int submit_one(struct lat_node *ln, uint64_t i)
{
    const struct bench_gen *g = &ln->lat->gen;
    Luyu__CtlRequest req = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlSubmit sub = LUYU__CTL_SUBMIT__INIT;
    Luyu__CtlEntry ce = LUYU__CTL_ENTRY__INIT, *pe = &ce;
    Luyu__CtlResponse *resp = NULL;
    Luyu__Entry e;
    char note[NOTE_LEN], period[16], amount[24], err[512],
        node[LU_MAX_NAME + 1];
    uint64_t seq = 0;
    int r;

    bench_gen_entry(g, ln->idx, i + 1, &e, note, sizeof(note));
    snprintf(period, sizeof(period), "%04u-%02u", e.period / 100,
             e.period % 100);
    snprintf(amount, sizeof(amount), "%lld", (long long)(e.amount % 1000));
    ce.unit = e.unit;
    ce.indicator = e.indicator;
    ce.period = period;
    ce.amount = amount;
    ce.note = note;
    sub.entries = &pe;
    sub.n_entries = 1;
    /* Generated figures trip the node's data-quality warnings (outliers,
     * duplicates); confirmed, they are judged and stored, so the latency
     * includes the checks a clerk's figure goes through. */
    sub.confirm = true;
    req.body_case = LUYU__CTL_REQUEST__BODY_SUBMIT;
    req.submit = &sub;
    ln->sent_ns[i] = bench_now_ns();
    r = lu_ctl_call(ln->sock, &req, 10000, &resp, err, sizeof(err));
    ln->acc_ns[i] = bench_now_ns();
    if (r == 0 &&
        (resp->code != LUYU__CTL_RESPONSE__CODE__OK || resp->n_ids != 1 ||
         lu_entry_id_parse(resp->ids[0], node, &seq) < 0)) {
        snprintf(err, sizeof(err), "node refused: %s",
                 resp->n_problems ? resp->problems[0]->message : resp->message);
        r = -EINVAL;
    }
    if (resp != NULL)
        luyu__ctl_response__free_unpacked(resp, NULL);
    if (r < 0) {
        fprintf(stderr, "loadgen: %s: submit: %s\n", ln->id, err);
        return -1;
    }
    ln->seq[i] = seq;
    return 0;
}

/* One thread per node, each at rate/nodes, staggered so that the total is
 * an even stream. */
static void *submitter(void *arg)
{
    struct lat_node *ln = arg;
    struct lat *l = ln->lat;
    double interval = (double)l->a->nodes / l->a->rate * 1e9;
    uint64_t offset = (uint64_t)(interval * ln->idx / l->a->nodes);

    for (uint64_t i = 0; i < l->per_node; i++) {
        sleep_until(l->start_ns + offset + (uint64_t)(interval * (double)i));
        if (submit_one(ln, i) < 0) {
            ln->failed = 1;
            break;
        }
        ln->n = i + 1;
    }
    return NULL;
}

/* "entry.UNIT.IND" + {"id":"PREFIX-NNN/SEQ",...}: notes when it arrived. */
static void on_feed(struct lat *l, const char *json, size_t len, uint64_t now)
{
    char buf[256], node[LU_MAX_NAME + 1];
    const char *p, *q;
    size_t plen = strlen(l->a->prefix);
    uint64_t seq;
    unsigned idx;

    snprintf(buf, sizeof(buf), "%.*s", (int)(len < 255 ? len : 255), json);
    p = strstr(buf, "\"id\":\"");
    if (p == NULL)
        return;
    p += 6;
    q = strchr(p, '"');
    if (q == NULL)
        return;
    snprintf(node, sizeof(node), "%.*s", (int)(q - p), p);
    l->feed_seen++;
    if (lu_entry_id_parse(node, node, &seq) < 0 ||
        strncmp(node, l->a->prefix, plen) != 0 || node[plen] != '-' ||
        sscanf(node + plen + 1, "%u", &idx) != 1 || idx >= l->a->nodes ||
        seq == 0 || seq > l->nodes[idx].cap) {
        l->feed_unmatched++;
        return;
    }
    l->nodes[idx].feed_ns[seq - 1] = now;
}

struct feed_ctx {
    struct lat *l;
    void *sock;
};

static void *feed_main(void *arg)
{
    struct feed_ctx *fc = arg;
    zmq_pollitem_t it = {.socket = fc->sock, .events = ZMQ_POLLIN};

    while (!fc->l->stop_feed) {
        if (zmq_poll(&it, 1, 20) <= 0)
            continue;
        for (;;) {
            zmq_msg_t topic, body;
            uint64_t now;

            zmq_msg_init(&topic);
            if (zmq_msg_recv(&topic, fc->sock, ZMQ_DONTWAIT) < 0) {
                zmq_msg_close(&topic);
                break;
            }
            now = bench_now_ns();
            zmq_msg_init(&body);
            if (zmq_msg_more(&topic))
                zmq_msg_recv(&body, fc->sock, 0);
            on_feed(fc->l, zmq_msg_data(&body), zmq_msg_size(&body), now);
            zmq_msg_close(&body);
            zmq_msg_close(&topic);
        }
    }
    return NULL;
}

/* Samples node 0's "acknowledged" count every --ack-every ms (2 by
 * default). Each sample is a control connection and a status query: 500
 * a second cost node 0 about 6 % of a core (7-9 % against its peers' 1-2 %)
 * and this process about as much, on a machine whose two cores a storm
 * keeps busy, so the storm turns sampling off (tests/bench/run,
 * storm_once). */
static void *poller(void *arg)
{
    struct lat *l = arg;
    Luyu__CtlRequest req = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlStatusRequest sr = LUYU__CTL_STATUS_REQUEST__INIT;
    uint64_t ns = (uint64_t)(l->a->ack_ms * 1e6);
    const struct timespec pause = {(time_t)(ns / 1000000000u),
                                   (long)(ns % 1000000000u)};
    char err[512];

    req.body_case = LUYU__CTL_REQUEST__BODY_STATUS;
    req.status = &sr;
    while (!l->stop_poll) {
        Luyu__CtlResponse *resp = NULL;

        if (lu_ctl_call(l->nodes[0].sock, &req, 5000, &resp, err,
                        sizeof(err)) == 0 &&
            resp->status != NULL) {
            if (l->n_acks == l->cap_acks) {
                l->cap_acks = l->cap_acks ? l->cap_acks * 2 : 4096;
                l->acks = lu_xrealloc(l->acks, l->cap_acks * sizeof(*l->acks));
            }
            l->acks[l->n_acks].ns = bench_now_ns();
            l->acks[l->n_acks++].acknowledged = resp->status->acknowledged;
        }
        if (resp != NULL)
            luyu__ctl_response__free_unpacked(resp, NULL);
        nanosleep(&pause, NULL);
    }
    return NULL;
}

static bool all_seen(const struct lat *l)
{
    for (unsigned k = 0; k < l->a->nodes; k++) {
        const struct lat_node *ln = &l->nodes[k];

        for (uint64_t i = 0; i < ln->n; i++) {
            if (ln->seq[i] <= ln->cap && ln->feed_ns[ln->seq[i] - 1] == 0)
                return false;
        }
    }
    return true;
}

static void lat_report(struct lat *l, double secs)
{
    struct bench_samples acc = {0}, hub = {0}, nack = {0}, total = {0};
    uint64_t n = 0, missing = 0;
    size_t j = 0;

    for (unsigned k = 0; k < l->a->nodes; k++) {
        struct lat_node *ln = &l->nodes[k];

        for (uint64_t i = 0; i < ln->n; i++) {
            uint64_t seq = ln->seq[i], f;

            n++;
            bench_samples_add(&acc, ln->acc_ns[i] - ln->sent_ns[i]);
            f = seq <= ln->cap ? ln->feed_ns[seq - 1] : 0;
            if (f == 0)
                missing++;
            else {
                bench_samples_add(&hub,
                                  f > ln->acc_ns[i] ? f - ln->acc_ns[i] : 0);
                /* The clerk's wait: submit to the hub's commit. */
                bench_samples_add(&total,
                                  f > ln->sent_ns[i] ? f - ln->sent_ns[i] : 0);
            }
        }
    }
    /* Node 0's entries: acknowledged once the count reaches their seq. */
    for (uint64_t i = 0; i < l->nodes[0].n; i++) {
        struct lat_node *ln = &l->nodes[0];

        while (j < l->n_acks && (l->acks[j].acknowledged < ln->seq[i] ||
                                 l->acks[j].ns < ln->acc_ns[i]))
            j++;
        if (j < l->n_acks)
            bench_samples_add(&nack, l->acks[j].ns - ln->acc_ns[i]);
    }
    bench_samples_sort(&acc);
    bench_samples_sort(&hub);
    bench_samples_sort(&nack);
    bench_samples_sort(&total);
    printf("{\"mode\":\"latency\",\"nodes\":%u,\"offered_eps\":%.0f,"
           "\"achieved_eps\":%.0f,\"entries\":%" PRIu64 ",\"missing\":%" PRIu64
           ",\"accept_p50_ms\":%.3f,\"accept_p99_ms\":%.3f,"
           "\"hub_p50_ms\":%.3f,\"hub_p99_ms\":%.3f,\"hub_max_ms\":%.3f,",
           l->a->nodes, l->a->rate, secs > 0 ? (double)n / secs : 0, n, missing,
           bench_pct_ms(acc.v, acc.n, 50), bench_pct_ms(acc.v, acc.n, 99),
           bench_pct_ms(hub.v, hub.n, 50), bench_pct_ms(hub.v, hub.n, 99),
           bench_pct_ms(hub.v, hub.n, 100));
    if (nack.n > 0)
        printf("\"node_ack_p50_ms\":%.3f,\"node_ack_p99_ms\":%.3f,",
               bench_pct_ms(nack.v, nack.n, 50),
               bench_pct_ms(nack.v, nack.n, 99));
    else /* not sampled (--ack-every 0), or no sample after a submit */
        printf("\"node_ack_p50_ms\":null,\"node_ack_p99_ms\":null,");
    printf("\"node_ack_samples\":%zu,\"submit_hub_p50_ms\":%.3f,"
           "\"submit_hub_p99_ms\":%.3f,\"submit_hub_max_ms\":%.3f}\n",
           nack.n, bench_pct_ms(total.v, total.n, 50),
           bench_pct_ms(total.v, total.n, 99),
           bench_pct_ms(total.v, total.n, 100));
    free(acc.v);
    free(total.v);
    free(hub.v);
    free(nack.v);
}

static void lat_nodes_init(struct lat *l)
{
    const struct args *a = l->a;

    l->per_node = (uint64_t)(a->rate * a->seconds / a->nodes + 0.5);
    l->nodes = lu_xcalloc(a->nodes, sizeof(*l->nodes));
    for (unsigned k = 0; k < a->nodes; k++) {
        struct lat_node *ln = &l->nodes[k];

        ln->lat = l;
        ln->idx = k;
        bench_gen_node_id(a->prefix, k, ln->id, sizeof(ln->id));
        snprintf(ln->sock, sizeof(ln->sock), "%s/%s/control.sock",
                 a->control_dir, ln->id);
        ln->cap = l->per_node + 16;
        ln->seq = lu_xcalloc(ln->cap, sizeof(uint64_t));
        ln->sent_ns = lu_xcalloc(ln->cap, sizeof(uint64_t));
        ln->acc_ns = lu_xcalloc(ln->cap, sizeof(uint64_t));
        ln->feed_ns = lu_xcalloc(ln->cap, sizeof(uint64_t));
    }
}

static void lat_nodes_free(struct lat *l)
{
    for (unsigned k = 0; l->nodes && k < l->a->nodes; k++) {
        free(l->nodes[k].seq);
        free(l->nodes[k].sent_ns);
        free(l->nodes[k].acc_ns);
        free(l->nodes[k].feed_ns);
    }
    free(l->nodes);
    free(l->acks);
}

/* Submits for the whole run, then waits up to 10 s for the feed. */
static int lat_drive(struct lat *l)
{
    const struct args *a = l->a;
    pthread_t poll_th;
    uint64_t t0, t1, deadline;
    int failed = 0;

    bool sampling = a->ack_ms > 0;

    if (sampling)
        pthread_create(&poll_th, NULL, poller, l);
    l->start_ns = bench_now_ns() + 20000000u;
    for (unsigned k = 0; k < a->nodes; k++)
        pthread_create(&l->nodes[k].th, NULL, submitter, &l->nodes[k]);
    for (unsigned k = 0; k < a->nodes; k++) {
        pthread_join(l->nodes[k].th, NULL);
        failed |= l->nodes[k].failed;
    }
    t0 = l->start_ns;
    t1 = bench_now_ns();
    deadline = t1 + 10000000000u;
    while (!all_seen(l) && bench_now_ns() < deadline)
        sleep_until(bench_now_ns() + 10000000u);
    if (sampling) {
        /* Let the sampled node's last ack land too. */
        sleep_until(bench_now_ns() + 300000000u);
        l->stop_poll = 1;
        pthread_join(poll_th, NULL);
    }
    if (!failed)
        lat_report(l, (double)(t1 - t0) / 1e9);
    return failed ? -1 : 0;
}

int loadgen_latency(const struct args *a)
{
    struct lat l = {.a = a};
    struct feed_ctx fc = {.l = &l};
    void *zctx;
    pthread_t feed_th;
    char err[512];
    int r;

    if (bench_gen_init(&l.gen, a->plan, a->province, err, sizeof(err)) < 0) {
        fprintf(stderr, "loadgen: %s\n", err);
        return -1;
    }
    lat_nodes_init(&l);
    zctx = zmq_ctx_new();
    fc.sock = zmq_socket(zctx, ZMQ_SUB);
    /* Only the units its nodes report for (topic "entry.UNIT.INDICATOR"):
     * the hub formats an event only for a topic someone subscribed to
     * (hub/feedsubs.h), and an instrument should not add to what it
     * measures. Other nodes' entries of the same units still come. */
    for (unsigned k = 0; k < a->nodes; k++) {
        char topic[LU_MAX_NAME + 16];
        int n = snprintf(topic, sizeof(topic), "entry.%s.",
                         bench_gen_unit(&l.gen, l.nodes[k].idx));

        zmq_setsockopt(fc.sock, ZMQ_SUBSCRIBE, topic, (size_t)n);
    }
    /* Unbounded here: in a storm the feed carries every node's entries,
     * and the ones timed must not be dropped for the others. */
    zmq_setsockopt(fc.sock, ZMQ_RCVHWM, &(int){0}, sizeof(int));
    r = zmq_connect(fc.sock, a->feed);
    if (r == 0) {
        /* A SUB joins late: give the subscription time to reach the hub. */
        sleep_until(bench_now_ns() + 500000000u);
        pthread_create(&feed_th, NULL, feed_main, &fc);
        r = lat_drive(&l);
        l.stop_feed = 1;
        pthread_join(feed_th, NULL);
    } else {
        fprintf(stderr, "loadgen: feed %s: %s\n", a->feed,
                zmq_strerror(zmq_errno()));
    }
    zmq_close(fc.sock);
    zmq_ctx_term(zctx);
    lat_nodes_free(&l);
    bench_gen_close(&l.gen);
    return r;
}
