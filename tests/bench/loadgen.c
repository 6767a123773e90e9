/* luyu-loadgen: load for the benchmarks (tests/bench/run), speaking luyu's
 * real protocols.
 *
 *   ingest    N simulated nodes, one CURVE DEALER each with its own key from
 *             --keys DIR, talk to a real luyu-hub exactly as luyu-node does
 *             (proto/luyu.proto): Hello -> Welcome{hwm} -> Batches of B
 *             entries with W batches in flight -> cumulative Acks. The hub
 *             acks only after its ledger commit (synchronous=FULL), so an
 *             acked entry is durable. Timed from the moment every node has
 *             its Welcome to the last Ack.
 *   raw-zmq   the same nodes, batches and window, the same DEALER/ROUTER
 *             sockets with CURVE, but to an echo ROUTER in a thread of this
 *             process (its own ZeroMQ context and I/O thread, as the hub
 *             has) that answers each batch with an Ack-sized frame at once:
 *             no decoding, no database. The transport's limit.
 *   latency   real luyu-node daemons at an offered load: submits one entry
 *             at a time over each node's control socket (as luyuctl submit
 *             does) at --rate entries/s in total, and times each entry from
 *             "accepted" (the node's answer: committed to its outbox) to its
 *             appearance on the hub's feed (published after the ledger
 *             commit). Also samples one node's status every 2 ms to time
 *             "accepted -> acknowledged at the node".
 *   http      N viewers of a web page (the hub's dashboard), each on its
 *             own keep-alive connection from its own loopback address
 *             127.0.X.Y, asking as fast as answered (--every 0) or once
 *             every --every seconds from a random phase; times each
 *             request from its write to the response's last byte, and
 *             paced ones also from when they were due. Runs until stdin
 *             ends, SIGTERM or SIGINT, or --seconds.
 *
 * Prints one JSON object on stdout. Exit 0 on success, 1 on failure. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchgen.h"
#include "codec.h"
#include "loadgen.h"
#include "log.h"
#include "plan.h"

#define MAX_WINDOW 64

static const char USAGE[] =
    "usage: luyu-loadgen ingest --endpoint EP --hub-key HUB.pub --keys DIR\n"
    "                    [--nodes N] [--entries M] [--batch B] [--window W]\n"
    "                    [--timeline SECONDS] [--hold SECONDS]\n"
    "                    [--first-unit K]\n"
    "       luyu-loadgen raw-zmq [--nodes N] [--entries M] [--batch B]\n"
    "                    [--window W]\n"
    "       luyu-loadgen latency --feed EP --control-dir DIR [--nodes N]\n"
    "                    [--rate R] [--seconds S] [--ack-every MS]\n"
    "       luyu-loadgen units [--nodes N] [--first-unit K]\n"
    "       luyu-loadgen http --port P [--path /] [--cookie 'k=v']\n"
    "                    [--viewers N] [--every S] [--seconds S]\n"
    "                    [--timeout S]\n"
    "common: --plan FILE --province CQ --prefix bench --timeout S\n"
    "Node i is PREFIX-NNN; its key is DIR/PREFIX-NNN.key, its control\n"
    "socket DIR/PREFIX-NNN/control.sock; it reports for the province's\n"
    "unit number i modulo their count (`units` prints that mapping, for\n"
    "the hub's registry). --first-unit K leaves the first K units out:\n"
    "node i reports for unit K + i modulo (count - K).\n";

enum opt_type { OPT_STR, OPT_UINT, OPT_U64, OPT_DOUBLE };

struct opt {
    const char *name;
    enum opt_type type;
    void *ptr;
};

static int set_opt(const struct opt *o, const char *v)
{
    char *end = NULL;

    switch (o->type) {
    case OPT_STR:
        *(const char **)o->ptr = v;
        return 0;
    case OPT_UINT:
        *(unsigned *)o->ptr = (unsigned)strtoul(v, &end, 10);
        break;
    case OPT_U64:
        *(uint64_t *)o->ptr = strtoull(v, &end, 10);
        break;
    case OPT_DOUBLE:
        *(double *)o->ptr = strtod(v, &end);
        break;
    }
    return end != v && *end == '\0' ? 0 : -1;
}

static int parse_opts(int argc, char **argv, struct args *a)
{
    const struct opt opts[] = {
        {"--endpoint", OPT_STR, &a->endpoint},
        {"--hub-key", OPT_STR, &a->hub_key},
        {"--keys", OPT_STR, &a->keys},
        {"--plan", OPT_STR, &a->plan},
        {"--province", OPT_STR, &a->province},
        {"--prefix", OPT_STR, &a->prefix},
        {"--feed", OPT_STR, &a->feed},
        {"--control-dir", OPT_STR, &a->control_dir},
        {"--nodes", OPT_UINT, &a->nodes},
        {"--batch", OPT_UINT, &a->batch},
        {"--window", OPT_UINT, &a->window},
        {"--entries", OPT_U64, &a->entries},
        {"--rate", OPT_DOUBLE, &a->rate},
        {"--seconds", OPT_DOUBLE, &a->seconds},
        {"--timeout", OPT_DOUBLE, &a->timeout},
        {"--timeline", OPT_DOUBLE, &a->timeline},
        {"--hold", OPT_DOUBLE, &a->hold},
        {"--path", OPT_STR, &a->path},
        {"--cookie", OPT_STR, &a->cookie},
        {"--port", OPT_UINT, &a->port},
        {"--viewers", OPT_UINT, &a->viewers},
        {"--every", OPT_DOUBLE, &a->every},
        {"--ack-every", OPT_DOUBLE, &a->ack_ms},
        {"--first-unit", OPT_UINT, &a->first_unit},
    };
    size_t n = sizeof(opts) / sizeof(opts[0]), k;

    for (int i = 2; i < argc; i += 2) {
        for (k = 0; k < n && strcmp(argv[i], opts[k].name) != 0; k++)
            ;
        if (k == n || i + 1 >= argc || set_opt(&opts[k], argv[i + 1]) < 0) {
            fprintf(stderr, "luyu-loadgen: bad option %s\n", argv[i]);
            return -1;
        }
    }
    return 0;
}

/* A request line and a header of our own making: printable ASCII only,
 * so that an argument cannot split the request. */
static bool printable(const char *s, size_t max)
{
    size_t n = 0;

    for (; s[n] != '\0'; n++)
        if ((unsigned char)s[n] < 0x20 || s[n] == 0x7f)
            return false;
    return n <= max;
}

/* http runs until stopped unless --seconds is given; its --timeout is a
 * request's. */
static int parse_http_args(int argc, char **argv, struct args *a)
{
    a->mode = MODE_HTTP;
    a->seconds = 0;
    a->timeout = 60;
    a->viewers = 50;
    a->path = "/";
    if (parse_opts(argc, argv, a) < 0)
        return -1;
    if (a->port == 0 || a->port > 65535 || a->viewers == 0 ||
        a->viewers > 250 * 250 || a->every < 0 || a->seconds < 0 ||
        a->timeout <= 0 || a->path[0] != '/' || !printable(a->path, 2048) ||
        strchr(a->path, ' ') || (a->cookie && !printable(a->cookie, 4096)))
        return -1;
    return 0;
}

static int parse_args(int argc, char **argv, struct args *a)
{
    *a = (struct args){.nodes = 100,
                       .batch = 500,
                       .window = 8,
                       .entries = 100000,
                       .rate = 1000,
                       .seconds = 10,
                       .ack_ms = 2,
                       .timeout = 600,
                       .province = "CQ",
                       .prefix = "bench",
                       .plan = lu_plan_default_path()};
    if (argc < 2)
        return -1;
    if (strcmp(argv[1], "ingest") == 0)
        a->mode = MODE_INGEST;
    else if (strcmp(argv[1], "raw-zmq") == 0)
        a->mode = MODE_RAW;
    else if (strcmp(argv[1], "latency") == 0)
        a->mode = MODE_LATENCY;
    else if (strcmp(argv[1], "units") == 0)
        a->mode = MODE_UNITS;
    else if (strcmp(argv[1], "http") == 0)
        return parse_http_args(argc, argv, a);
    else
        return -1;
    if (parse_opts(argc, argv, a) < 0)
        return -1;
    if (a->nodes == 0 || a->batch == 0 || a->batch > LU_MAX_BATCH ||
        a->window == 0 || a->window > MAX_WINDOW || a->rate <= 0 ||
        a->seconds <= 0 || a->entries < a->nodes || !(a->ack_ms >= 0) ||
        a->ack_ms > 60000)
        return -1;
    if (a->mode == MODE_INGEST && (!a->endpoint || !a->hub_key || !a->keys))
        return -1;
    /* The real nodes of latency report for the units their registry
     * gives them. */
    if (a->mode == MODE_LATENCY &&
        (!a->feed || !a->control_dir || a->first_unit != 0))
        return -1;
    return 0;
}

/* Prints "NODE-ID UNIT" for every simulated node. */
static int print_units(const struct args *a)
{
    struct bench_gen g;
    char err[512], id[LU_MAX_NAME + 1];

    if (bench_gen_init(&g, a->plan, a->province, err, sizeof(err)) < 0) {
        fprintf(stderr, "luyu-loadgen: %s\n", err);
        return -1;
    }
    if (bench_gen_skip_units(&g, a->first_unit, err, sizeof(err)) < 0) {
        fprintf(stderr, "luyu-loadgen: %s\n", err);
        bench_gen_close(&g);
        return -1;
    }
    for (unsigned i = 0; i < a->nodes; i++) {
        bench_gen_node_id(a->prefix, i, id, sizeof(id));
        printf("%s %s\n", id, bench_gen_unit(&g, i));
    }
    bench_gen_close(&g);
    return 0;
}

int main(int argc, char **argv)
{
    struct args a;
    int r;

    lu_log_set_ident("luyu-loadgen");
    lu_log_level = LU_LOG_WARNING;
    if (parse_args(argc, argv, &a) < 0) {
        fputs(USAGE, stderr);
        return 2;
    }
    if (a.mode == MODE_UNITS)
        r = print_units(&a);
    else if (a.mode == MODE_LATENCY)
        r = loadgen_latency(&a);
    else if (a.mode == MODE_HTTP)
        r = loadgen_http(&a);
    else
        r = loadgen_stream(&a);
    fflush(stdout);
    return r < 0 ? 1 : 0;
}
