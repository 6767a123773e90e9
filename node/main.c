/* luyu-node: parses settings, wires plan, outbox, intake, uplink and the
 * control socket together, and runs the libuv loop until SIGTERM/SIGINT. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>
#include <zmq.h>

#include "i18n.h"
#include "control.h"
#include "endpoint.h"
#include "intake.h"
#include "keys.h"
#include "log.h"
#include "opts.h"
#include "outbox.h"
#include "metrics.h"
#include "plan.h"
#include "service.h"
#include "spool.h"
#include "store.h"
#include "util.h"
#include "uplink.h"
#include "xmalloc.h"

struct settings {
    char *id, *hub, *units, *state_dir, *control, *plan, *log_level;
    char *hub_key, *secret_key, *metrics, *spool;
    bool insecure;
    int window, batch_size, heartbeat_ms, timeout_ms, backoff_min_ms,
        backoff_max_ms;
};

static struct settings S = {
    .window = 8,
    .batch_size = 500,
    .heartbeat_ms = 5000,
    .timeout_ms = 15000,
    .backoff_min_ms = 200,
    .backoff_max_ms = 10000,
};

static const struct lu_opt OPTS[] = {
    {"id", LU_OPT_STR, &S.id, 0, 0, "node id, e.g. cq-wanzhou (required)"},
    {"hub", LU_OPT_STR, &S.hub, 0, 0,
     "hub endpoint, e.g. tcp://127.0.0.1:7701"},
    {"units", LU_OPT_STR, &S.units, 0, 0, "units this node reports for, U1,U2"},
    {"state_dir", LU_OPT_STR, &S.state_dir, 0, 0, "directory for outbox.db"},
    {"control", LU_OPT_STR, &S.control, 0, 0,
     "control socket (default STATE_DIR/control.sock)"},
    {"plan", LU_OPT_STR, &S.plan, 0, 0, "plan file (default: shipped plan)"},
    {"hub_key", LU_OPT_STR, &S.hub_key, 0, 0,
     "the hub's CurveZMQ public key file (.pub)"},
    {"secret_key", LU_OPT_STR, &S.secret_key, 0, 0,
     "this node's CurveZMQ secret key file (.key, mode 0600)"},
    {"insecure", LU_OPT_BOOL, &S.insecure, 0, 0,
     "plain transport, loopback or ipc only (tests)"},
    {"metrics", LU_OPT_STR, &S.metrics, 0, 0,
     "serve Prometheus /metrics here, e.g. 127.0.0.1:9102 (off when unset)"},
    {"spool", LU_OPT_STR, &S.spool, 0, 0,
     "import every file dropped into this directory (see README)"},
    {"log_level", LU_OPT_STR, &S.log_level, 0, 0,
     "err, warning, notice, info (default) or debug"},
    {"window", LU_OPT_INT, &S.window, 1, 64, "batches in flight (8)"},
    {"batch_size", LU_OPT_INT, &S.batch_size, 1, 1000, "entries a batch (500)"},
    {"heartbeat_ms", LU_OPT_INT, &S.heartbeat_ms, 50, 3600000,
     "ping the hub after this much silence (5000)"},
    {"timeout_ms", LU_OPT_INT, &S.timeout_ms, 100, 3600000,
     "link is down after this much silence (15000)"},
    {"backoff_min_ms", LU_OPT_INT, &S.backoff_min_ms, 10, 600000,
     "first reconnect delay (200)"},
    {"backoff_max_ms", LU_OPT_INT, &S.backoff_max_ms, 10, 3600000,
     "longest reconnect delay (10000)"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct node {
    char hub_key[LU_KEY_Z85_LEN + 1];
    char public_key[LU_KEY_Z85_LEN + 1];
    char secret_key[LU_KEY_Z85_LEN + 1];
    uv_loop_t loop;
    uv_signal_t sigterm, sigint, sighup;
    struct lu_service *svc;
    int argc;
    char **argv;
    void *zctx;
    struct lu_plan *plan;
    struct node_outbox *outbox;
    struct node_intake *intake;
    struct node_uplink *uplink;
    struct node_control *control;
    struct node_spool *spool;
};

static int check_settings(char *err, size_t errlen)
{
    if (S.id == NULL || S.hub == NULL || S.units == NULL ||
        S.state_dir == NULL) {
        snprintf(err, errlen,
                 "--id, --hub, --units and --state-dir are "
                 "required (see --help)");
        return -EINVAL;
    }
    if (!lu_code_valid(S.id)) {
        snprintf(err, errlen, "--id \"%s\": use 1-64 of a-z 0-9 - _ .", S.id);
        return -EINVAL;
    }
    if (!lu_endpoint_valid(S.hub)) {
        snprintf(err, errlen,
                 "--hub \"%s\" is not a tcp:// or ipc:// "
                 "endpoint",
                 S.hub);
        return -EINVAL;
    }
    if (!S.insecure && (S.hub_key == NULL || S.secret_key == NULL)) {
        snprintf(err, errlen,
                 "CurveZMQ needs --hub-key and --secret-key "
                 "(or --insecure on loopback, for tests)");
        return -EINVAL;
    }
    if (S.insecure && !lu_endpoint_is_local(S.hub)) {
        snprintf(err, errlen,
                 "--insecure refuses non-loopback hub %s: plain "
                 "transport is for loopback tests only",
                 S.hub);
        return -EINVAL;
    }
    if (S.log_level && lu_log_level_parse(S.log_level) < 0) {
        snprintf(err, errlen,
                 "--log-level \"%s\" is not one of err, "
                 "warning, notice, info, debug",
                 S.log_level);
        return -EINVAL;
    }
    return 0;
}

static void on_stop(uv_signal_t *h, int signum)
{
    struct node *n = h->data;

    lu_notice("signal %d: stopping", signum);
    /* Everything accepted is already committed: stopping loses nothing. */
    lu_service_stopping(n->svc);
    uv_stop(&n->loop);
}

/* SIGHUP: what a node can change without dropping its link is its log
 * level; everything else needs a restart (and says so). */
static void on_reload(uv_signal_t *h, int signum)
{
    struct node *n = h->data;
    lu_service_reloading(n->svc);
    lu_opts_reload_log_level("node", n->argc, n->argv);
    lu_notice("SIGHUP: reloaded (log level %d); other settings need a "
              "restart",
              lu_log_level);
    lu_service_ready(n->svc);
}

static void status_line(void *data, char *buf, size_t len)
{
    struct node *n = data;
    struct node_outbox_stats st;
    struct node_uplink_info info;
    char age[32] = "never";

    node_outbox_stats(n->outbox, &st);
    node_uplink_info(n->uplink, &info);
    if (st.last_ack_s)
        snprintf(age, sizeof(age), "%lld s ago",
                 (long long)(lu_now_s() - st.last_ack_s));
    snprintf(buf, len, "link %s, %llu pending, last ack %s%s%s",
             info.up ? "up" : "down", (unsigned long long)st.pending, age,
             info.error[0] ? "; " : "", info.error);
}

static void metrics(void *data, struct lu_buf *b)
{
    struct node *n = data;
    struct node_outbox_stats st;
    struct node_uplink_info info;

    node_outbox_stats(n->outbox, &st);
    node_uplink_info(n->uplink, &info);
    lu_metrics_gauge(b, "luyu_node_outbox_pending",
                     "Entries accepted but not yet acknowledged by the hub.",
                     (double)st.pending);
    lu_metrics_counter(b, "luyu_node_entries_accepted_total",
                       "Entries committed to the outbox.", st.last_seq);
    lu_metrics_counter(b, "luyu_node_entries_acknowledged_total",
                       "Entries the hub acknowledged.", st.acknowledged);
    lu_metrics_counter(b, "luyu_node_entries_rejected_total",
                       "Entries the hub refused for good.", st.rejected);
    lu_metrics_gauge(b, "luyu_node_link_up", "1 when the hub link is up.",
                     info.up ? 1 : 0);
    lu_metrics_gauge(b, "luyu_node_last_ack_timestamp_seconds",
                     "When the hub last acknowledged anything (0: never).",
                     (double)st.last_ack_s);
}

static void close_walk(uv_handle_t *h, void *arg)
{
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

/* Everything the node reads from /etc before it touches its state: the
 * keys, the plan and its units in the plan. A failure here is the admin's
 * to fix, so main() exits with EX_CONFIG, which the unit does not restart.
 * The units are checked by an intake without an outbox, freed at once: run()
 * makes the real one once the outbox is open. */
static int load_config(struct node *n, char *err, size_t errlen)
{
    struct node_intake *units;
    int r;

    if (!S.insecure) {
        r = lu_keys_load_public(S.hub_key, n->hub_key, err, errlen);
        if (r == 0)
            r = lu_keys_load_secret(S.secret_key, n->secret_key, n->public_key,
                                    err, errlen);
        if (r < 0)
            return r;
    }
    r = lu_plan_load(S.plan ? S.plan : lu_plan_default_path(), &n->plan, err,
                     errlen);
    if (r < 0)
        return r;
    units = node_intake_new(S.id, S.units, n->plan, NULL, err, errlen);
    if (units == NULL)
        return -EINVAL;
    node_intake_free(units);
    return 0;
}

static int run(struct node *n, char *err, size_t errlen)
{
    struct node_uplink_config ucfg = {
        .node_id = S.id,
        .endpoint = S.hub,
        .window = S.window,
        .batch_size = S.batch_size,
        .heartbeat_ms = S.heartbeat_ms,
        .timeout_ms = S.timeout_ms,
        .backoff_min_ms = S.backoff_min_ms,
        .backoff_max_ms = S.backoff_max_ms,
    };
    struct node_control_ctx cctx;
    char *control = S.control;
    int r;

    if (!S.insecure) {
        ucfg.hub_key = n->hub_key;
        ucfg.public_key = n->public_key;
        ucfg.secret_key = n->secret_key;
    }
    r = node_outbox_open(S.state_dir, S.id, &n->outbox, err, errlen);
    if (r < 0)
        return r;
    n->intake = node_intake_new(S.id, S.units, n->plan, n->outbox, err, errlen);
    if (n->intake == NULL)
        return -EINVAL;
    uv_loop_init(&n->loop);
    n->zctx = zmq_ctx_new();
    n->uplink = node_uplink_new(&n->loop, n->zctx, &ucfg, n->outbox);
    cctx =
        (struct node_control_ctx){S.id, S.hub, n->intake, n->outbox, n->uplink};
    if (control == NULL)
        control = lu_xasprintf("%s/control.sock", S.state_dir);
    n->control = node_control_new(&n->loop, control, &cctx, err, errlen);
    if (control != S.control)
        free(control);
    if (n->control == NULL) {
        r = -EINVAL;
        goto out;
    }
    if (S.spool != NULL) {
        n->spool = node_spool_new(&n->loop, S.spool, n->plan, n->intake,
                                  n->uplink, err, errlen);
        if (n->spool == NULL) {
            r = -EINVAL;
            goto out;
        }
    }
    n->svc = lu_service_new(&n->loop, status_line, metrics, n, S.metrics, err,
                            errlen);
    if (n->svc == NULL) {
        r = -EINVAL;
        goto out;
    }
    uv_signal_init(&n->loop, &n->sigterm);
    uv_signal_init(&n->loop, &n->sigint);
    uv_signal_init(&n->loop, &n->sighup);
    n->sigterm.data = n->sigint.data = n->sighup.data = n;
    uv_signal_start(&n->sigterm, on_stop, SIGTERM);
    uv_signal_start(&n->sigint, on_stop, SIGINT);
    uv_signal_start(&n->sighup, on_reload, SIGHUP);
    if (S.insecure)
        lu_warn("plain transport (--insecure): the link to %s is neither "
                "encrypted nor authenticated; for loopback tests only",
                S.hub);
    lu_notice("node %s up: units %s, hub %s, outbox %s/outbox.db", S.id,
              S.units, S.hub, S.state_dir);
    lu_service_ready(n->svc);
    uv_run(&n->loop, UV_RUN_DEFAULT);
    r = 0;
out:
    lu_service_free(n->svc);
    node_spool_free(n->spool);
    node_control_free(n->control);
    node_uplink_free(n->uplink);
    uv_walk(&n->loop, close_walk, NULL);
    uv_run(&n->loop, UV_RUN_DEFAULT);
    uv_loop_close(&n->loop);
    zmq_ctx_term(n->zctx);
    return r;
}

int main(int argc, char **argv)
{
    struct node n = {.argc = argc, .argv = argv};
    char err[1024] = "";
    bool help;
    int r, lock;

    lu_i18n_init();
    if (lu_opts_version(argc, argv, "luyu-node"))
        return 0;
    lu_log_set_ident("luyu-node");
    signal(SIGPIPE, SIG_IGN);
    lu_store_global_init_small();
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    r = lu_opts_parse(OPTS, "node", argc, argv, &help, err, sizeof(err));
    if (help) {
        lu_opts_usage(stdout, "luyu-node", OPTS);
        r = 0;
        goto out;
    }
    if (r == 0)
        r = check_settings(err, sizeof(err));
    if (r == 0) {
        if (S.log_level)
            lu_log_level = lu_log_level_parse(S.log_level);
        r = load_config(&n, err, sizeof(err));
    }
    if (r < 0) {
        lu_err("%s", err);
        r = EX_CONFIG;
        goto out;
    }
    lock = lu_state_dir_lock(S.state_dir, "luyu-node", err, sizeof(err));
    if (lock < 0) {
        r = lock;
        goto fail;
    }
    r = run(&n, err, sizeof(err));
    if (r < 0)
        goto fail;
    lu_notice("stopped");
    goto out;
fail:
    lu_err("%s", err);
    r = 2;
out:
    node_intake_free(n.intake);
    node_outbox_free(n.outbox);
    lu_plan_free(n.plan);
    lu_opts_free(OPTS);
    memset(n.secret_key, 0, sizeof(n.secret_key));
    return r < 0 ? 1 : r;
}
