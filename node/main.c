/* luyu-node: its settings, and how plan, outbox, intake, uplink and the
 * control socket are wired together; common/daemon.c runs them (lock,
 * loop, signals, sd_notify, teardown). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "control.h"
#include "pages.h"
#include "daemon.h"
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
#include "i18n.h"

struct settings {
    char *id, *hub, *units, *state_dir, *control, *plan, *log_level;
    char *hub_key, *secret_key, *metrics, *spool;
    char *web, *web_cert, *web_key, *review_group;
    bool insecure, spool_confirm;
    int web_session_s;
    int window, batch_size, heartbeat_ms, timeout_ms, backoff_min_ms,
        backoff_max_ms;
};

static struct settings S = {
    .web_session_s = 1800,
    .window = 8,
    .batch_size = 500,
    .heartbeat_ms = 5000,
    .timeout_ms = 15000,
    .backoff_min_ms = 200,
    .backoff_max_ms = 10000,
};

static const struct lu_opt OPTS[] = {
    {"id", LU_OPT_STR, &S.id, 0, 0, N_("node id, e.g. cq-wanzhou (required)")},
    {"hub", LU_OPT_STR, &S.hub, 0, 0,
     N_("hub endpoint, e.g. tcp://127.0.0.1:7701; several, separated by "
        "commas, for hubs in active/standby")},
    {"units", LU_OPT_STR, &S.units, 0, 0,
     N_("units this node reports for, U1,U2")},
    {"state_dir", LU_OPT_STR, &S.state_dir, 0, 0,
     N_("directory for outbox.db")},
    {"control", LU_OPT_STR, &S.control, 0, 0,
     N_("control socket (default STATE_DIR/control.sock)")},
    {"plan", LU_OPT_STR, &S.plan, 0, 0,
     N_("plan file (default: shipped plan)")},
    {"hub_key", LU_OPT_STR, &S.hub_key, 0, 0,
     N_("the hub's CurveZMQ public key file (.pub)")},
    {"secret_key", LU_OPT_STR, &S.secret_key, 0, 0,
     N_("this node's CurveZMQ secret key file (.key, mode 0600)")},
    {"insecure", LU_OPT_BOOL, &S.insecure, 0, 0,
     N_("plain transport, loopback or ipc only (tests)")},
    {"web", LU_OPT_STR, &S.web, 0, 0,
     N_("serve the clerks' pages and /metrics here, e.g. 127.0.0.1:9102 (off "
        "when "
        "unset)")},
    {"web_cert", LU_OPT_STR, &S.web_cert, 0, 0,
     N_("TLS certificate (PEM) for --web; needed off loopback")},
    {"web_key", LU_OPT_STR, &S.web_key, 0, 0,
     N_("TLS private key (PEM, mode 0600) for --web")},
    {"web_session_s", LU_OPT_INT, &S.web_session_s, 2, 86400,
     N_("a web session ends after this many seconds unused (1800)")},
    {"metrics", LU_OPT_STR, &S.metrics, 0, 0,
     N_("older name of --web, kept for existing configs")},
    {"spool", LU_OPT_STR, &S.spool, 0, 0,
     N_("import every file dropped into this directory (see README)")},
    {"spool_confirm", LU_OPT_BOOL, &S.spool_confirm, 0, 0,
     N_("store spool files despite data-quality warnings, as confirmed by "
        "the file's owner (off: such a file goes to failed/)")},
    {"review_group", LU_OPT_STR, &S.review_group, 0, 0,
     N_("Unix group of the district's reviewers, who approve months "
        "(luyu-review)")},
    {"log_level", LU_OPT_STR, &S.log_level, 0, 0,
     N_("err, warning, notice, info (default) or debug")},
    {"window", LU_OPT_INT, &S.window, 1, 64, N_("batches in flight (8)")},
    {"batch_size", LU_OPT_INT, &S.batch_size, 1, 1000,
     N_("entries a batch (500)")},
    {"heartbeat_ms", LU_OPT_INT, &S.heartbeat_ms, 50, 3600000,
     N_("ping the hub after this much silence (5000)")},
    {"timeout_ms", LU_OPT_INT, &S.timeout_ms, 100, 3600000,
     N_("link is down after this much silence (15000)")},
    {"backoff_min_ms", LU_OPT_INT, &S.backoff_min_ms, 10, 600000,
     N_("first reconnect delay (200)")},
    {"backoff_max_ms", LU_OPT_INT, &S.backoff_max_ms, 10, 3600000,
     N_("longest reconnect delay (10000)")},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct node {
    char hub_key[LU_KEY_Z85_LEN + 1];
    char public_key[LU_KEY_Z85_LEN + 1];
    char secret_key[LU_KEY_Z85_LEN + 1];
    struct lu_plan *plan;
    struct node_outbox *outbox;
    struct node_intake *intake;
    struct node_uplink *uplink;
    struct node_control *control;
    struct node_spool *spool;
    struct node_pages *pages;
};

/* --hub: one endpoint, or every hub of the province separated by commas
 * (only the active one answers; node/uplink.c connects to all). */
static int check_hubs(char *err, size_t errlen)
{
    const char *p = S.hub;
    char ep[256];
    int n = 0;

    while (*p != '\0' && (p[strspn(p, ", \t")] != '\0')) {
        if (!lu_endpoint_next(&p, ep, sizeof(ep)) || !lu_endpoint_valid(ep)) {
            snprintf(err, errlen,
                     _("--hub \"%s\" is not a tcp:// or ipc:// endpoint"),
                     ep[0] ? ep : S.hub);
            return -EINVAL;
        }
        if (S.insecure && !lu_endpoint_is_local(ep)) {
            snprintf(err, errlen,
                     _("--insecure refuses non-loopback hub %s: plain "
                       "transport is for loopback tests only"),
                     ep);
            return -EINVAL;
        }
        n++;
    }
    if (n == 0) {
        snprintf(err, errlen,
                 _("--hub \"%s\" is not a tcp:// or ipc:// endpoint"), S.hub);
        return -EINVAL;
    }
    return 0;
}

static int check_log_level(char *err, size_t errlen);

static int check_settings(char *err, size_t errlen)
{
    int r;

    if (S.id == NULL || S.hub == NULL || S.units == NULL ||
        S.state_dir == NULL) {
        snprintf(err, errlen,
                 _("--id, --hub, --units and --state-dir are "
                   "required (see --help)"));
        return -EINVAL;
    }
    if (!lu_code_valid(S.id)) {
        snprintf(err, errlen, _("--id \"%s\": use 1-64 of a-z 0-9 - _ ."),
                 S.id);
        return -EINVAL;
    }
    r = check_hubs(err, errlen);
    if (r == 0 && !S.insecure && (S.hub_key == NULL || S.secret_key == NULL)) {
        snprintf(err, errlen,
                 _("CurveZMQ needs --hub-key and --secret-key "
                   "(or --insecure on loopback, for tests)"));
        r = -EINVAL;
    }
    return r < 0 ? r : check_log_level(err, errlen);
}

static int check_log_level(char *err, size_t errlen)
{
    if (S.log_level && lu_log_level_parse(S.log_level) < 0) {
        snprintf(err, errlen,
                 _("--log-level \"%s\" is not one of err, "
                   "warning, notice, info, debug"),
                 S.log_level);
        return -EINVAL;
    }
    return 0;
}

/* SIGHUP: what a node can change without dropping its link is its log
 * level (the skeleton reloads it); everything else needs a restart, and
 * says so. */
static void reload(struct lu_daemon *d, void *data)
{
    lu_notice("SIGHUP: reloaded (log level %d); other settings need a "
              "restart",
              lu_log_level);
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

static void spool_metrics(const struct node_spool *sp, struct lu_buf *b)
{
    struct node_spool_info info;

    node_spool_info(sp, &info);
    lu_metrics_gauge(b, "luyu_node_spool_files_waiting",
                     "Files in the spool directory not yet taken.",
                     (double)info.waiting);
    lu_metrics_gauge(b, "luyu_node_spool_importing",
                     "1 while a spool file is being read and stored.",
                     info.importing ? 1 : 0);
    lu_metrics_gauge(b, "luyu_node_spool_files_done",
                     "Files in the spool's done/ directory.",
                     (double)info.done);
    lu_metrics_gauge(b, "luyu_node_spool_files_failed",
                     "Files in the spool's failed/ directory.",
                     (double)info.failed);
    lu_metrics_gauge(b, "luyu_node_spool_last_error_timestamp_seconds",
                     "When the spool last met a problem (0: never); "
                     "luyuctl status says which.",
                     (double)info.last_error_at);
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
    if (n->spool != NULL)
        spool_metrics(n->spool, b);
}

/* Everything the node reads from /etc before it touches its state: the
 * keys, the plan and its units in the plan. A failure here is the admin's
 * to fix, so main() exits with EX_CONFIG, which the unit does not restart.
 * The units are checked by an intake without an outbox, freed at once: run()
 * makes the real one once the outbox is open. */
static int load_config(struct lu_daemon *d, void *data, char *err,
                       size_t errlen)
{
    struct node *n = data;
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
    return S.spool != NULL ? node_spool_check(S.spool, err, errlen) : 0;
}

/* After the lock: the outbox (migrated to the current schema here,
 * node/outbox.c) and the intake that checks entries against the plan. */
static int open_stores(struct lu_daemon *d, void *data, char *err,
                       size_t errlen)
{
    struct node *n = data;
    int r;

    r = node_outbox_open(S.state_dir, S.id, &n->outbox, err, errlen);
    if (r < 0)
        return r;
    n->intake = node_intake_new(S.id, S.units, n->plan, n->outbox, err, errlen);
    return n->intake ? 0 : -EINVAL;
}

/* On the loop: the uplink to the hub, the control socket and the spool
 * directory's watcher. */
static int start(struct lu_daemon *d, void *data, char *err, size_t errlen)
{
    struct node *n = data;
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

    if (!S.insecure) {
        ucfg.hub_key = n->hub_key;
        ucfg.public_key = n->public_key;
        ucfg.secret_key = n->secret_key;
    }
    n->uplink = node_uplink_new(&d->loop, d->zctx, &ucfg, n->outbox);
    if (S.spool != NULL) {
        n->spool = node_spool_new(&d->loop, S.spool, n->plan, n->intake,
                                  n->uplink, S.spool_confirm, err, errlen);
        if (n->spool == NULL)
            return -EINVAL;
    }
    cctx = (struct node_control_ctx){
        S.id,      S.hub,
        S.units,   n->intake,
        n->outbox, n->uplink,
        n->spool,  S.review_group ? S.review_group : "luyu-review"};
    if (control == NULL)
        control = lu_xasprintf("%s/control.sock", S.state_dir);
    n->control = node_control_new(&d->loop, control, &cctx, err, errlen);
    if (control != S.control)
        free(control);
    if (n->control == NULL)
        return -EINVAL;
    if (d->web != NULL)
        n->pages = node_pages_new(
            d->web,
            &(struct node_pages_ctx){S.id, S.units, n->plan, n->intake,
                                     n->outbox, n->uplink, S.web_session_s});
    return 0;
}

static void up(void *data)
{
    if (S.insecure)
        lu_warn("plain transport (--insecure): the link to %s is neither "
                "encrypted nor authenticated; for loopback tests only",
                S.hub);
    lu_notice("node %s up: units %s, hub %s, outbox %s/outbox.db", S.id,
              S.units, S.hub, S.state_dir);
}

static void stop(void *data)
{
    struct node *n = data;

    node_pages_free(n->pages);
    node_spool_free(n->spool);
    node_control_free(n->control);
    node_uplink_free(n->uplink);
}

static void close_stores(void *data)
{
    struct node *n = data;

    node_intake_free(n->intake);
    node_outbox_free(n->outbox);
    lu_plan_free(n->plan);
    memset(n->secret_key, 0, sizeof(n->secret_key));
}

int main(int argc, char **argv)
{
    static const struct lu_daemon_conf conf = {
        .name = "luyu-node",
        .section = "node",
        .opts = OPTS,
        .small = true,
        .check = check_settings,
        .state_dir = &S.state_dir,
        .log_level = &S.log_level,
        .web = &S.web,
        .web_cert = &S.web_cert,
        .web_key = &S.web_key,
        .metrics = &S.metrics,
        .config = load_config,
        .web_max_body = 4 << 20,
        .open = open_stores,
        .start = start,
        .status = status_line,
        .metrics_cb = metrics,
        .up = up,
        .reload = reload,
        .stop = stop,
        .close = close_stores,
    };
    struct node n = {0};

    /* Jitter for the reconnect backoff, different on every node. */
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    return lu_daemon_main(&conf, &n, argc, argv);
}
