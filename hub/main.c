/* luyu-hub: parses settings, wires plan, ledger and intake together, and
 * runs the libuv loop until SIGTERM/SIGINT. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>
#include <zmq.h>

#include "endpoint.h"
#include "intake.h"
#include "ledger.h"
#include "log.h"
#include "opts.h"
#include "plan.h"
#include "store.h"
#include "util.h"

struct settings {
    char *id, *listen, *state_dir, *plan, *province, *log_level;
    bool insecure;
};

static struct settings S;

static const struct lu_opt OPTS[] = {
    {"id", LU_OPT_STR, &S.id, 0, 0, "hub id, e.g. cq-hub (required)"},
    {"listen", LU_OPT_STR, &S.listen, 0, 0,
     "endpoint for nodes, e.g. tcp://127.0.0.1:7701 (required)"},
    {"state_dir", LU_OPT_STR, &S.state_dir, 0, 0,
     "directory for ledger.db (required)"},
    {"plan", LU_OPT_STR, &S.plan, 0, 0, "plan file (default: shipped plan)"},
    {"province", LU_OPT_STR, &S.province, 0, 0,
     "accept only units of this province (e.g. CQ)"},
    {"insecure", LU_OPT_BOOL, &S.insecure, 0, 0,
     "plain transport, loopback or ipc only (tests)"},
    {"log_level", LU_OPT_STR, &S.log_level, 0, 0,
     "err, warning, notice, info (default) or debug"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct hub {
    uv_loop_t loop;
    uv_signal_t sigterm, sigint;
    void *zctx;
    struct lu_plan *plan;
    struct hub_ledger *ledger;
    struct hub_intake *intake;
};

static int check_settings(char *err, size_t errlen)
{
    if (S.id == NULL || S.listen == NULL || S.state_dir == NULL) {
        snprintf(err, errlen,
                 "--id, --listen and --state-dir are required "
                 "(see --help)");
        return -EINVAL;
    }
    if (!lu_code_valid(S.id)) {
        snprintf(err, errlen, "--id \"%s\": use 1-64 of a-z 0-9 - _ .", S.id);
        return -EINVAL;
    }
    if (!lu_endpoint_valid(S.listen)) {
        snprintf(err, errlen,
                 "--listen \"%s\" is not a tcp:// or ipc:// "
                 "endpoint",
                 S.listen);
        return -EINVAL;
    }
    if (!S.insecure) {
        snprintf(err, errlen,
                 "no secure transport configured yet: run with "
                 "--insecure on loopback (plain, unauthenticated)");
        return -EINVAL;
    }
    if (!lu_endpoint_is_local(S.listen)) {
        snprintf(err, errlen,
                 "--insecure refuses to listen on %s: plain "
                 "transport is for loopback tests only",
                 S.listen);
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
    struct hub *hub = h->data;

    lu_notice("signal %d: stopping", signum);
    uv_stop(&hub->loop);
}

static void close_walk(uv_handle_t *h, void *arg)
{
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

static int run(struct hub *hub, char *err, size_t errlen)
{
    int r;

    r = lu_plan_load(S.plan ? S.plan : lu_plan_default_path(), &hub->plan, err,
                     errlen);
    if (r < 0)
        return r;
    if (S.province && lu_plan_province(hub->plan, S.province) == NULL) {
        snprintf(err, errlen, "--province \"%s\" is not in the plan",
                 S.province);
        return -EINVAL;
    }
    r = hub_ledger_open(S.state_dir, hub->plan, S.province, &hub->ledger, err,
                        errlen);
    if (r < 0)
        return r;
    uv_loop_init(&hub->loop);
    hub->zctx = zmq_ctx_new();
    hub->intake = hub_intake_new(&hub->loop, hub->zctx, S.listen, hub->ledger,
                                 err, errlen);
    if (hub->intake == NULL) {
        r = -EADDRINUSE;
        goto out;
    }
    uv_signal_init(&hub->loop, &hub->sigterm);
    uv_signal_init(&hub->loop, &hub->sigint);
    hub->sigterm.data = hub->sigint.data = hub;
    uv_signal_start(&hub->sigterm, on_stop, SIGTERM);
    uv_signal_start(&hub->sigint, on_stop, SIGINT);
    lu_warn("plain transport (--insecure): %s is neither encrypted nor "
            "authenticated",
            S.listen);
    lu_notice("hub %s up: listening on %s, ledger %s/ledger.db", S.id, S.listen,
              S.state_dir);
    uv_run(&hub->loop, UV_RUN_DEFAULT);
    r = 0;
out:
    hub_intake_free(hub->intake);
    uv_walk(&hub->loop, close_walk, NULL);
    uv_run(&hub->loop, UV_RUN_DEFAULT);
    uv_loop_close(&hub->loop);
    zmq_ctx_term(hub->zctx);
    return r;
}

int main(int argc, char **argv)
{
    struct hub hub = {0};
    char err[1024] = "";
    bool help;
    int r, lock;

    lu_log_set_ident("luyu-hub");
    signal(SIGPIPE, SIG_IGN);
    r = lu_opts_parse(OPTS, "hub", argc, argv, &help, err, sizeof(err));
    if (help) {
        lu_opts_usage(stdout, "luyu-hub", OPTS);
        r = 0;
        goto out;
    }
    if (r == 0)
        r = check_settings(err, sizeof(err));
    if (r < 0)
        goto fail;
    if (S.log_level)
        lu_log_level = lu_log_level_parse(S.log_level);
    lock = lu_state_dir_lock(S.state_dir, "luyu-hub", err, sizeof(err));
    if (lock < 0) {
        r = lock;
        goto fail;
    }
    r = run(&hub, err, sizeof(err));
    if (r < 0)
        goto fail;
    lu_notice("stopped");
    goto out;
fail:
    lu_err("%s", err);
    r = 2;
out:
    hub_ledger_free(hub.ledger);
    lu_plan_free(hub.plan);
    lu_opts_free(OPTS);
    return r;
}
