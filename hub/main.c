/* luyu-hub: its settings, and how plan, registry, keys, ledger, intake,
 * feed, bulletin exchange, control socket and digester are wired together;
 * common/daemon.c runs them (lock, loop, signals, sd_notify, teardown). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "amount.h"
#include "checkpoint.h"
#include "codec.h"
#include "control.h"
#include "daemon.h"
#include "dbwatch.h"
#include "endpoint.h"
#include "digest.h"
#include "exchange.h"
#include "feed.h"
#include "heap.h"
#include "intake.h"
#include "keys.h"
#include "ledger.h"
#include "monitor.h"
#include "registry.h"
#include "remind.h"
#include "zap.h"
#include "log.h"
#include "dash.h"
#include "users.h"
#include "opts.h"
#include "observe.h"
#include "plan.h"
#include "service.h"
#include "sign.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"
#include "i18n.h"

struct settings {
    char *id, *listen, *state_dir, *plan, *province, *log_level;
    char *secret_key, *registry, *control, *feed, *metrics;
    char *web, *web_cert, *web_key, *review_group, *remind_hook;
    int web_session_s;
    char *ledger; /* a PostgreSQL connection string; NULL: SQLite */
    bool require_sync_standby;
    int ledger_idle_ms;
    char *sign_key, *issue_from, *peer, *peer_id, *peer_province, *peer_key,
        *peer_sign_key;
    int issue_day, peer_resend_ms, remind_days;
    bool no_auto_issue;
    bool insecure;
};

static struct settings S = {.issue_day = 5,
                            .peer_resend_ms = 5000,
                            .remind_days = 3,
                            .web_session_s = 1800,
                            .ledger_idle_ms = 3000};

static const struct lu_opt OPTS[] = {
    {"id", LU_OPT_STR, &S.id, 0, 0, N_("hub id, e.g. cq-hub (required)")},
    {"listen", LU_OPT_STR, &S.listen, 0, 0,
     N_("endpoint for nodes, e.g. tcp://127.0.0.1:7701 (required)")},
    {"state_dir", LU_OPT_STR, &S.state_dir, 0, 0,
     N_("directory for ledger.db (required)")},
    {"plan", LU_OPT_STR, &S.plan, 0, 0,
     N_("plan file (default: shipped plan)")},
    {"ledger", LU_OPT_STR, &S.ledger, 0, 0,
     N_("the ledger in PostgreSQL: a libpq connection string, "
        "postgresql://... (default: STATE_DIR/ledger.db, SQLite)")},
    {"require_sync_standby", LU_OPT_BOOL, &S.require_sync_standby, 0, 0,
     N_("refuse to start unless the PostgreSQL ledger has a synchronous "
        "standby")},
    {"ledger_idle_ms", LU_OPT_INT, &S.ledger_idle_ms, 500, 600000,
     N_("the database ends a silent hub's session, and frees its active "
        "lock, after this (3000)")},
    {"feed", LU_OPT_STR, &S.feed, 0, 0,
     N_("publish merged entries here for luyuctl feed (off when unset)")},
    {"control", LU_OPT_STR, &S.control, 0, 0,
     N_("control socket for luyuctl (default STATE_DIR/control.sock)")},
    {"province", LU_OPT_STR, &S.province, 0, 0,
     N_("accept only units of this province (e.g. CQ)")},
    {"secret_key", LU_OPT_STR, &S.secret_key, 0, 0,
     N_("this hub's CurveZMQ secret key file (from luyuctl keygen)")},
    {"registry", LU_OPT_STR, &S.registry, 0, 0,
     N_("key registry: node keys and units, peer hub keys")},
    {"insecure", LU_OPT_BOOL, &S.insecure, 0, 0,
     N_("plain transport, loopback or ipc only (tests)")},
    {"sign_key", LU_OPT_STR, &S.sign_key, 0, 0,
     N_("Ed25519 key that signs this hub's bulletins (luyuctl keygen --sign)")},
    {"issue_day", LU_OPT_INT, &S.issue_day, 1, 28,
     N_("day of the next month a month's bulletin is issued, China time (5)")},
    {"issue_from", LU_OPT_STR, &S.issue_from, 0, 0,
     N_("first month issued automatically, YYYY-MM (default: ledger start)")},
    {"no_auto_issue", LU_OPT_BOOL, &S.no_auto_issue, 0, 0,
     N_("issue bulletins only on command")},
    {"remind_days", LU_OPT_INT, &S.remind_days, 0, 28,
     N_("remind units this many days before a month closes; 0: only after "
        "(3)")},
    {"remind_hook", LU_OPT_STR, &S.remind_hook, 0, 0,
     N_("command run once per reminder with the unit, month and reason")},
    {"review_group", LU_OPT_STR, &S.review_group, 0, 0,
     N_("Unix group of the province's reviewers, who accept, return and "
        "unlock months (luyu-province)")},
    {"peer", LU_OPT_STR, &S.peer, 0, 0,
     N_("the other province's hub endpoint, for exchanging bulletins")},
    {"peer_id", LU_OPT_STR, &S.peer_id, 0, 0, N_("the peer hub's id")},
    {"peer_province", LU_OPT_STR, &S.peer_province, 0, 0,
     N_("the peer hub's province (e.g. SD)")},
    {"peer_key", LU_OPT_STR, &S.peer_key, 0, 0,
     N_("the peer hub's CurveZMQ public key file")},
    {"peer_sign_key", LU_OPT_STR, &S.peer_sign_key, 0, 0,
     N_("the peer hub's Ed25519 public key file (.sign.pub)")},
    {"peer_resend_ms", LU_OPT_INT, &S.peer_resend_ms, 50, 3600000,
     N_("resend unacknowledged bulletins this often (5000)")},
    {"web", LU_OPT_STR, &S.web, 0, 0,
     N_("serve the dashboard and /metrics here, e.g. 127.0.0.1:9101 (off "
        "when unset)")},
    {"web_session_s", LU_OPT_INT, &S.web_session_s, 2, 86400,
     N_("a dashboard session ends after this many seconds unused (1800)")},
    {"web_cert", LU_OPT_STR, &S.web_cert, 0, 0,
     N_("TLS certificate (PEM) for --web; needed off loopback")},
    {"web_key", LU_OPT_STR, &S.web_key, 0, 0,
     N_("TLS private key (PEM, mode 0600) for --web")},
    {"metrics", LU_OPT_STR, &S.metrics, 0, 0,
     N_("older name of --web, kept for existing configs")},
    {"log_level", LU_OPT_STR, &S.log_level, 0, 0,
     N_("err, warning, notice, info (default) or debug")},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct hub {
    uv_loop_t *loop; /* the daemon skeleton's (common/daemon.h) */
    void *zctx;
    struct hub_observe obs;
    struct lu_plan *plan;
    struct hub_registry *registry;
    struct ledger *ledger;
    struct hub_zap *zap;
    struct hub_intake *intake;
    struct hub_monitor *monitor;
    struct hub_control *control;
    struct hub_feed *feed;
    struct hub_exchange *exchange;
    struct ledger_digester *digester;
    struct lu_checkpointer *checkpointer; /* NULL on PostgreSQL */
    struct hub_remind *remind;
    struct hub_users *users; /* the dashboard's users, STATE_DIR/users.db */
    struct hub_dash *dash;   /* the dashboard's pages, with web = */
    struct hub_dbwatch *dbwatch;
    char public_z85[LU_KEY_Z85_LEN + 1];
    char peer_z85[LU_KEY_Z85_LEN + 1];
    char secret[LU_KEY_Z85_LEN + 1];
};

static int check_settings(char *err, size_t errlen)
{
    if (S.id == NULL || S.listen == NULL || S.state_dir == NULL) {
        snprintf(err, errlen,
                 _("--id, --listen and --state-dir are required "
                   "(see --help)"));
        return -EINVAL;
    }
    if (!lu_code_valid(S.id)) {
        snprintf(err, errlen, _("--id \"%s\": use 1-64 of a-z 0-9 - _ ."),
                 S.id);
        return -EINVAL;
    }
    if (!lu_endpoint_valid(S.listen)) {
        snprintf(err, errlen,
                 _("--listen \"%s\" is not a tcp:// or ipc:// "
                   "endpoint"),
                 S.listen);
        return -EINVAL;
    }
    if (!S.insecure && (S.secret_key == NULL || S.registry == NULL)) {
        snprintf(err, errlen,
                 _("CurveZMQ needs --secret-key and --registry "
                   "(or --insecure on loopback, for tests)"));
        return -EINVAL;
    }
    /* Any local user can connect to a loopback port: a TCP feed is always
     * CurveZMQ with registered keys. A plain feed is an ipc:// socket,
     * whose file mode and group decide who reads it. */
    if (S.feed && (!lu_endpoint_valid(S.feed) ||
                   (S.insecure && strncmp(S.feed, "tcp://", 6) == 0))) {
        snprintf(err, errlen,
                 _("--feed \"%s\": a tcp:// endpoint (CurveZMQ, registered "
                   "keys only) or an ipc:// one (plain: its file mode "
                   "decides who reads); with --insecure only ipc://"),
                 S.feed);
        return -EINVAL;
    }
    if (S.peer && (!lu_endpoint_valid(S.peer) ||
                   (S.insecure && !lu_endpoint_is_local(S.peer)) ||
                   (!S.insecure && S.peer_key == NULL))) {
        snprintf(err, errlen,
                 _("--peer \"%s\": a tcp:// or ipc:// endpoint, "
                   "with --peer-key (or loopback with --insecure)"),
                 S.peer);
        return -EINVAL;
    }
    if (S.insecure && !lu_endpoint_is_local(S.listen)) {
        snprintf(err, errlen,
                 _("--insecure refuses to listen on %s: plain "
                   "transport is for loopback tests only"),
                 S.listen);
        return -EINVAL;
    }
    if (S.ledger && strncmp(S.ledger, "postgresql://", 13) != 0 &&
        strncmp(S.ledger, "postgres://", 11) != 0) {
        snprintf(err, errlen,
                 "--ledger: a PostgreSQL connection string, "
                 "postgresql://host[,host...]/db?target_session_attrs="
                 "read-write; leave it unset for SQLite in --state-dir");
        return -EINVAL;
    }
    if (S.ledger && ledger_pg_check(S.ledger, err, errlen) < 0)
        return -EINVAL;
    if (S.require_sync_standby && S.ledger == NULL) {
        snprintf(err, errlen,
                 "--require-sync-standby needs --ledger postgresql://...: "
                 "a SQLite ledger has no standby");
        return -EINVAL;
    }
    if (S.log_level && lu_log_level_parse(S.log_level) < 0) {
        snprintf(err, errlen,
                 _("--log-level \"%s\" is not one of err, "
                   "warning, notice, info, debug"),
                 S.log_level);
        return -EINVAL;
    }
    return 0;
}

/* The bulletin settings and key files, read with the rest of the
 * configuration so that a mistake in them is EX_CONFIG like any other
 * (hub/exchange.c reads the keys again when it starts). */
static int check_bulletins(char *err, size_t errlen)
{
    struct lu_sign_key key;
    uint8_t pub[LU_SIGN_PUBLIC_BYTES];
    uint32_t from;
    int r = 0;

    if ((S.sign_key || S.peer) && S.province == NULL) {
        snprintf(err, errlen, "%s",
                 _("bulletins need --province (whose bulletins this hub "
                   "issues)"));
        return -EINVAL;
    }
    if (S.peer && (S.peer_id == NULL || S.peer_province == NULL ||
                   S.peer_sign_key == NULL)) {
        snprintf(err, errlen, "%s",
                 _("--peer needs --peer-id, --peer-province and "
                   "--peer-sign-key"));
        return -EINVAL;
    }
    if (S.issue_from != NULL &&
        lu_period_parse(S.issue_from, &from, err, errlen) < 0)
        return -EINVAL;
    if (S.sign_key != NULL) {
        r = lu_sign_load_secret(S.sign_key, &key, err, errlen);
        lu_sign_key_wipe(&key);
    }
    if (r == 0 && S.peer != NULL)
        r = lu_sign_load_public(S.peer_sign_key, pub, err, errlen);
    return r;
}

/* SIGHUP: load the registry again; on any error keep the old one. */
static void reload_registry(struct hub *hub)
{
    struct hub_registry *reg = NULL;
    char err[1024];

    if (S.registry == NULL) {
        lu_notice("SIGHUP: no registry configured, nothing to reload (the "
                  "plan is read at start only: restart to apply a new plan)");
        return;
    }
    if (hub_registry_load(S.registry, hub->plan, &reg, err, sizeof(err)) < 0) {
        lu_err("SIGHUP: keeping the old registry: %s", err);
        return;
    }
    if (hub->zap)
        hub_zap_set_registry(hub->zap, reg);
    hub_intake_set_registry(hub->intake, reg);
    hub_registry_free(hub->registry);
    hub->registry = reg;
    /* The plan is read once, at start: the ledger, intake, registry and
     * bulletins all hold it, and a plan that changed under them could
     * judge one batch by two plans. Say so, so that no one thinks a new
     * plan file took effect. */
    lu_notice("SIGHUP: registry %s reloaded, %zu keys (the plan is read at "
              "start only: restart to apply a new plan)",
              S.registry, hub_registry_count(reg));
}

/* SIGHUP (after the log level): the key registry, without dropping any
 * connection. */
static void reload(struct lu_daemon *d, void *data)
{
    reload_registry(data);
}

static int start_exchange(struct hub *hub, char *err, size_t errlen)
{
    struct hub_exchange_config x = {
        .hub_id = S.id,
        .province = S.province,
        .sign_key = S.sign_key,
        .issue_day = S.issue_day,
        .auto_issue = !S.no_auto_issue,
        .peer = S.peer,
        .peer_id = S.peer_id,
        .peer_province = S.peer_province,
        .peer_sign_key = S.peer_sign_key,
        .peer_resend_ms = S.peer_resend_ms,
    };

    if (S.issue_from != NULL &&
        lu_period_parse(S.issue_from, &x.issue_from, err, errlen) < 0)
        return -EINVAL;
    if (!S.insecure) {
        x.peer_key_z85 = hub->peer_z85;
        x.public_z85 = hub->public_z85;
        x.secret_z85 = hub->secret;
    }
    if (S.sign_key == NULL && S.peer == NULL)
        return 0;
    hub->exchange =
        hub_exchange_new(hub->loop, hub->zctx, &x, hub->ledger, hub->plan,
                         hub->intake, hub->feed, &hub->obs, err, errlen);
    return hub->exchange ? 0 : -EINVAL;
}

static int start_control(struct hub *hub, char *err, size_t errlen)
{
    struct hub_control_ctx ctx = {
        .hub_id = S.id,
        .listen = S.listen,
        .province = S.province,
        .started_at = lu_now_s(),
        .ledger = hub->ledger,
        .plan = hub->plan,
        .intake = hub->intake,
        .bulletins = hub_exchange_store(hub->exchange),
        .issue = hub->exchange ? hub_exchange_issue : NULL,
        .issue_data = hub->exchange,
        .review_group = S.review_group ? S.review_group : "luyu-province",
        .users = hub->users,
        .dbwatch = hub->dbwatch,
    };
    char *path = S.control;

    if (path == NULL)
        path = lu_xasprintf("%s/control.sock", S.state_dir);
    hub->control = hub_control_new(hub->loop, path, &ctx, err, errlen);
    if (path != S.control)
        free(path);
    return hub->control ? 0 : -EINVAL;
}

/* Everything the hub reads from /etc before it touches its state: the
 * plan, the registry and the keys. A failure here is the admin's to fix,
 * so main() exits with EX_CONFIG, which the unit does not restart. */
static int load_config(struct lu_daemon *d, void *data, char *err,
                       size_t errlen)
{
    struct hub *hub = data;
    int r;

    r = lu_plan_load(S.plan ? S.plan : lu_plan_default_path(), &hub->plan, err,
                     errlen);
    if (r < 0)
        return r;
    if (S.province && lu_plan_province(hub->plan, S.province) == NULL) {
        snprintf(err, errlen, _("--province \"%s\" is not in the plan"),
                 S.province);
        return -EINVAL;
    }
    r = check_bulletins(err, errlen);
    if (r < 0)
        return r;
    if (S.registry != NULL) {
        r = hub_registry_load(S.registry, hub->plan, &hub->registry, err,
                              errlen);
        if (r < 0)
            return r;
    }
    if (!S.insecure) {
        char pub[LU_KEY_Z85_LEN + 1];

        r = lu_keys_load_secret(S.secret_key, hub->secret, pub, err, errlen);
        if (r == 0 && S.peer != NULL)
            r = lu_keys_load_public(S.peer_key ? S.peer_key : "", hub->peer_z85,
                                    err, errlen);
        if (r < 0)
            return r;
        lu_info("hub public key %s", pub);
        memcpy(hub->public_z85, pub, sizeof(pub));
    }
    return 0;
}

/* The ledger, migrated to the current schema here (ledger/ledger.h), and
 * the dashboard's users (hub/users.h). */
static int open_stores(struct lu_daemon *d, void *data, char *err,
                       size_t errlen)
{
    struct hub *hub = data;
    struct ledger_pg_conf pc = {
        .conninfo = S.ledger,
        .hub_id = S.id,
        .require_sync_standby = S.require_sync_standby,
        .idle_timeout_ms = S.ledger_idle_ms,
    };
    int r;

    if (S.ledger != NULL)
        r = ledger_open_pg(&pc, hub->plan, S.province, &hub->ledger, err,
                           errlen);
    else
        r = ledger_open(S.state_dir, hub->plan, S.province, &hub->ledger, err,
                        errlen);
    /* Checkpoints off the loop (common/checkpoint.h); without, SQLite
     * does them in the commits, slower but correct. */
    if (r == 0 && !ledger_is_pg(hub->ledger))
        hub->checkpointer = lu_checkpointer_new(ledger_db(hub->ledger), 0);
    if (r == 0)
        r = hub_users_open(S.state_dir, &hub->users, err, errlen);
    return r;
}

/* Reminders, on either ledger (hub/remind.h). */
static struct hub_remind *start_remind(struct hub *hub)
{
    struct hub_remind_config rc = {.days = S.remind_days,
                                   .hook = S.remind_hook,
                                   .issue_day = S.issue_day,
                                   .province = S.province};

    return hub_remind_new(hub->loop, &rc, hub->plan, hub->ledger, hub->feed);
}

static void settle_checkpoint(void *data)
{
    lu_checkpointer_settle(data);
}

/* On the loop: ZAP, intake, its socket monitor, feed, bulletin exchange,
 * control socket and the digester, and what status and /metrics observe. */
static int start(struct lu_daemon *d, void *data, char *err, size_t errlen)
{
    struct hub *hub = data;
    int r;

    hub->loop = &d->loop;
    hub->zctx = d->zctx;
    if (!S.insecure) {
        /* Before any CURVE socket: without a ZAP handler libzmq admits
         * every client that knows the server key. */
        hub->zap =
            hub_zap_new(hub->loop, hub->zctx, hub->registry, err, errlen);
        if (hub->zap == NULL)
            return -EIO;
    }
    hub->intake = hub_intake_new(hub->loop, hub->zctx, S.listen,
                                 S.insecure ? NULL : hub->secret, hub->ledger,
                                 err, errlen);
    if (hub->intake == NULL)
        return -EADDRINUSE;
    hub_intake_set_registry(hub->intake, hub->registry);
    /* The commit that finds the WAL too long copies it after the group's
     * acks went out, not before (common/checkpoint.h). */
    if (hub->checkpointer != NULL) {
        lu_checkpointer_defer(hub->checkpointer);
        hub_intake_on_replied(hub->intake, settle_checkpoint,
                              hub->checkpointer);
    }
    /* Before any node connects: what libzmq refuses or drops is counted. */
    hub->monitor =
        hub_monitor_new(hub->loop, hub->zctx, hub_intake_zsock(hub->intake),
                        LU_MAX_WIRE_FRAME, err, errlen);
    if (hub->monitor == NULL)
        return -EIO;
    if (S.feed != NULL) {
        /* TCP, loopback included, is CURVE behind the same ZAP handler. */
        bool curve = strncmp(S.feed, "tcp://", 6) == 0;

        hub->feed = hub_feed_new(hub->loop, hub->zctx, S.feed,
                                 curve ? hub->secret : NULL, err, errlen);
        if (hub->feed == NULL)
            return -EADDRINUSE;
        hub_intake_set_feed(hub->intake, hub->feed, hub->plan);
    }
    if (ledger_is_pg(hub->ledger)) {
        hub->dbwatch =
            hub_dbwatch_new(hub->loop, hub->ledger, S.ledger_idle_ms / 3);
        hub->obs.dbwatch = hub->dbwatch;
    }
    /* The bulletin store and the digests are in the ledger's database,
     * SQLite or PostgreSQL (ledger_sql_handle()). */
    r = start_exchange(hub, err, errlen);
    if (r == 0)
        r = start_control(hub, err, errlen);
    if (r < 0)
        return r;
    hub->digester =
        ledger_digester_new(hub->loop, ledger_sql_handle(hub->ledger),
                            S.ledger ? S.ledger : S.state_dir);
    if (hub->digester == NULL) {
        snprintf(err, errlen, _("cannot read the ledger's digests"));
        return -EIO;
    }
    hub->remind = start_remind(hub);
    hub->obs.intake = hub->intake;
    hub->obs.digester = hub->digester;
    hub->obs.checkpointer = hub->checkpointer;
    hub->obs.monitor = hub->monitor;
    hub->obs.nodes_known =
        hub->registry ? hub_registry_count(hub->registry) : 0;
    if (d->web != NULL) {
        struct hub_dash_ctx dc = {
            .hub_id = S.id,
            .state_dir = S.state_dir,
            .ledger_url = S.ledger,
            .dbwatch = hub->dbwatch,
            .province = S.province,
            .plan = hub->plan,
            .users = hub->users,
            .ledger = hub->ledger,
            .intake = hub->intake,
            .issue_day = S.issue_day,
            .session_idle_s = S.web_session_s,
            .loop = hub->loop,
        };

        hub->dash = hub_dash_new(d->web, &dc, err, errlen);
        if (hub->dash == NULL)
            return -EIO;
        hub_intake_on_commit(hub->intake, hub_dash_ledger_changed, hub->dash);
    }
    return 0;
}

static void up(void *data)
{
    if (S.insecure)
        lu_warn("plain transport (--insecure): %s is neither encrypted nor "
                "authenticated; for loopback tests only",
                S.listen);
    if (S.ledger)
        lu_notice("hub %s up: listening on %s, ledger in PostgreSQL", S.id,
                  S.listen);
    else
        lu_notice("hub %s up: listening on %s, ledger %s/ledger.db", S.id,
                  S.listen, S.state_dir);
}

static void stop(void *data)
{
    struct hub *hub = data;

    hub_dash_free(hub->dash);
    hub_dbwatch_free(hub->dbwatch);
    hub_control_free(hub->control);
    hub_remind_free(hub->remind);
    hub_exchange_free(hub->exchange);
    ledger_digester_free(hub->digester);
    hub_monitor_free(hub->monitor);
    hub_intake_free(hub->intake);
    hub_feed_free(hub->feed);
    hub_zap_free(hub->zap);
}

static void close_stores(void *data)
{
    struct hub *hub = data;

    lu_checkpointer_free(hub->checkpointer);
    ledger_free(hub->ledger);
    hub_users_free(hub->users);
    hub_registry_free(hub->registry);
    lu_plan_free(hub->plan);
    memset(hub->secret, 0, sizeof(hub->secret));
}

static void status(void *data, char *buf, size_t len)
{
    struct hub *hub = data;

    hub_observe_status(&hub->obs, buf, len);
}

static void metrics(void *data, struct lu_buf *b)
{
    struct hub *hub = data;

    hub_observe_metrics(&hub->obs, b);
    hub_dash_metrics(hub->dash, b);
}

int main(int argc, char **argv)
{
    static const struct lu_daemon_conf conf = {
        .name = "luyu-hub",
        .section = "hub",
        .opts = OPTS,
        .check = check_settings,
        .state_dir = &S.state_dir,
        .log_level = &S.log_level,
        .web = &S.web,
        .web_cert = &S.web_cert,
        .web_key = &S.web_key,
        .metrics = &S.metrics,
        .web_thread = true,
        .config = load_config,
        .open = open_stores,
        .start = start,
        .status = status,
        .metrics_cb = metrics,
        .up = up,
        .reload = reload,
        .stop = stop,
        .close = close_stores,
    };
    struct hub hub = {0};

    hub_heap_setup();
    return lu_daemon_main(&conf, &hub, argc, argv);
}
