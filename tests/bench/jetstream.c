/* luyu-jetstream: what a user would pick instead of luyu, measured the same
 * way. P producers (one NATS connection each, as each luyu-node has its own
 * link) publish the same entries as luyu-loadgen (the packed Luyu__Entry
 * bytes from tests/bench/benchgen.h) to a JetStream stream on file storage,
 * each with a Nats-Msg-Id header "NODE/SEQ" so that the server deduplicates
 * resends, as luyu's hub does by entry id. Publishes are asynchronous with
 * at most --window messages unacknowledged per producer (luyu's window of
 * W batches of B entries is W*B entries), and an entry counts once its
 * PubAck is back. Timed from the first publish to the last PubAck.
 *
 * nats-server is started and stopped by tests/bench/run. Prints one JSON
 * object on stdout. */
#include <inttypes.h>
#include <nats/nats.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchgen.h"
#include "codec.h"
#include "log.h"
#include "plan.h"
#include "xmalloc.h"

struct opts {
    const char *url, *plan, *province, *stream;
    unsigned producers;
    uint64_t entries, window;
};

struct producer {
    pthread_t th;
    const struct opts *o;
    const struct bench_gen *g;
    unsigned idx;
    uint64_t quota;
    volatile uint64_t errors;
    int failed;
    pthread_barrier_t *start;
};

static void on_pub_error(jsCtx *js, jsPubAckErr *pae, void *closure)
{
    struct producer *p = closure;

    if (p->errors++ < 5)
        fprintf(stderr, "jetstream: producer %u: publish failed: %s\n", p->idx,
                pae->ErrText ? pae->ErrText : natsStatus_GetText(pae->Err));
}

static natsStatus publish_all(struct producer *p, jsCtx *js)
{
    unsigned char buf[1024];
    char subj[96], id[LU_MAX_NAME + 32], node[LU_MAX_NAME + 1], note[96];
    jsPubOptions po;
    natsStatus s = NATS_OK;

    bench_gen_node_id("bench", p->idx, node, sizeof(node));
    snprintf(subj, sizeof(subj), "luyu.entry.%s", node);
    for (uint64_t seq = 1; s == NATS_OK && seq <= p->quota; seq++) {
        Luyu__Entry e;
        size_t len;

        bench_gen_entry(p->g, p->idx, seq, &e, note, sizeof(note));
        len = luyu__entry__pack(&e, buf);
        snprintf(id, sizeof(id), "%s/%" PRIu64, node, seq);
        jsPubOptions_Init(&po);
        po.MsgId = id;
        s = js_PublishAsync(js, subj, buf, (int)len, &po);
    }
    if (s == NATS_OK) {
        jsPubOptions_Init(&po);
        po.MaxWait = 600000;
        s = js_PublishAsyncComplete(js, &po);
    }
    return s;
}

static void *producer_main(void *arg)
{
    struct producer *p = arg;
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsOptions jo;
    natsStatus s;

    s = natsConnection_ConnectTo(&nc, p->o->url);
    if (s == NATS_OK) {
        jsOptions_Init(&jo);
        jo.PublishAsync.MaxPending = (int64_t)p->o->window;
        jo.PublishAsync.ErrHandler = on_pub_error;
        jo.PublishAsync.ErrHandlerClosure = p;
        jo.PublishAsync.StallWait = 600000;
        s = natsConnection_JetStream(&js, nc, &jo);
    }
    /* Everybody connected before the clock starts. */
    pthread_barrier_wait(p->start);
    if (s == NATS_OK)
        s = publish_all(p, js);
    if (s != NATS_OK) {
        fprintf(stderr, "jetstream: producer %u: %s\n", p->idx,
                natsStatus_GetText(s));
        p->failed = 1;
    }
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    return NULL;
}

static int make_stream(const struct opts *o, uint64_t *msgs)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsStreamInfo *si = NULL;
    jsStreamConfig sc;
    jsErrCode jerr = 0;
    const char *subjects[] = {"luyu.entry.>"};
    natsStatus s;

    s = natsConnection_ConnectTo(&nc, o->url);
    if (s == NATS_OK)
        s = natsConnection_JetStream(&js, nc, NULL);
    if (s == NATS_OK && msgs == NULL) {
        jsStreamConfig_Init(&sc);
        sc.Name = o->stream;
        sc.Subjects = subjects;
        sc.SubjectsLen = 1;
        sc.Storage = js_FileStorage;
        sc.Replicas = 1;
        sc.Duplicates = (int64_t)120 * 1000000000; /* 2 min, the default */
        s = js_AddStream(&si, js, &sc, NULL, &jerr);
    } else if (s == NATS_OK) {
        s = js_GetStreamInfo(&si, js, o->stream, NULL, &jerr);
        if (s == NATS_OK)
            *msgs = si->State.Msgs;
    }
    if (s != NATS_OK)
        fprintf(stderr, "jetstream: stream %s at %s: %s (%d)\n", o->stream,
                o->url, natsStatus_GetText(s), (int)jerr);
    jsStreamInfo_Destroy(si);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    return s == NATS_OK ? 0 : -1;
}

static int run(const struct opts *o)
{
    struct bench_gen g;
    struct producer *ps = lu_xcalloc(o->producers, sizeof(*ps));
    pthread_barrier_t start;
    uint64_t t0, stored = 0, errors = 0, total = 0;
    char err[1024];
    int failed = 0;
    double secs;

    if (bench_gen_init(&g, o->plan, o->province, err, sizeof(err)) < 0) {
        fprintf(stderr, "jetstream: %s\n", err);
        free(ps);
        return -1;
    }
    if (make_stream(o, NULL) < 0) {
        failed = 1;
        goto out;
    }
    pthread_barrier_init(&start, NULL, o->producers + 1);
    for (unsigned i = 0; i < o->producers; i++) {
        ps[i] = (struct producer){.o = o, .g = &g, .idx = i, .start = &start};
        ps[i].quota =
            o->entries / o->producers + (i < o->entries % o->producers);
        total += ps[i].quota;
        pthread_create(&ps[i].th, NULL, producer_main, &ps[i]);
    }
    pthread_barrier_wait(&start);
    t0 = bench_now_ns();
    for (unsigned i = 0; i < o->producers; i++) {
        pthread_join(ps[i].th, NULL);
        failed |= ps[i].failed;
        errors += ps[i].errors;
    }
    secs = (double)(bench_now_ns() - t0) / 1e9;
    pthread_barrier_destroy(&start);
    if (make_stream(o, &stored) < 0)
        failed = 1;
    if (!failed)
        printf("{\"mode\":\"jetstream\",\"producers\":%u,\"window\":%" PRIu64
               ",\"entries\":%" PRIu64 ",\"stored\":%" PRIu64
               ",\"errors\":%" PRIu64 ",\"seconds\":%.3f,\"eps\":%.0f}\n",
               o->producers, o->window, total, stored, errors, secs,
               (double)(total - errors) / secs);
    if (!failed && (errors > 0 || stored != total)) {
        fprintf(stderr,
                "jetstream: %" PRIu64 " published, %" PRIu64 " stored, %" PRIu64
                " errors\n",
                total, stored, errors);
        failed = 1;
    }
out:
    bench_gen_close(&g);
    free(ps);
    return failed ? -1 : 0;
}

int main(int argc, char **argv)
{
    struct opts o = {.url = "nats://127.0.0.1:4222",
                     .plan = lu_plan_default_path(),
                     .province = "CQ",
                     .stream = "LUYU",
                     .producers = 100,
                     .entries = 100000,
                     .window = 4000};
    int r;

    lu_log_level = LU_LOG_WARNING;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];

        if (strcmp(k, "--url") == 0)
            o.url = v;
        else if (strcmp(k, "--plan") == 0)
            o.plan = v;
        else if (strcmp(k, "--province") == 0)
            o.province = v;
        else if (strcmp(k, "--stream") == 0)
            o.stream = v;
        else if (strcmp(k, "--producers") == 0)
            o.producers = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(k, "--entries") == 0)
            o.entries = strtoull(v, NULL, 10);
        else if (strcmp(k, "--window") == 0)
            o.window = strtoull(v, NULL, 10);
        else
            o.producers = 0;
    }
    if (o.producers == 0 || o.window == 0 || o.entries < o.producers) {
        fputs("usage: luyu-jetstream [--url nats://HOST:PORT] [--producers P]"
              " [--entries M]\n       [--window MSGS] [--stream NAME]"
              " [--plan FILE] [--province CQ]\n",
              stderr);
        return 2;
    }
    r = run(&o);
    /* Lets the library's threads go, so that leak checkers see none. */
    nats_CloseAndWait(5000);
    return r < 0 ? 1 : 0;
}
