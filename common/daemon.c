#include "daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <zmq.h>

#include "i18n.h"
#include "log.h"
#include "store.h"

/* The skeleton's own state, beside what the callbacks see. */
struct daemon {
    struct lu_daemon pub;
    const struct lu_daemon_conf *conf;
    void *data;
    struct lu_service *svc;
    uv_signal_t sigterm, sigint, sighup;
    bool loop_ready;
    struct lu_web_conf web_conf;
};

/* The web settings every daemon shares, checked before the state
 * directory is locked. */
static int check_web(struct daemon *d, char *err, size_t errlen)
{
    const struct lu_daemon_conf *c = d->conf;
    const char *addr = *c->web ? *c->web : *c->metrics;

    if (*c->web != NULL && *c->metrics != NULL &&
        strcmp(*c->web, *c->metrics) != 0) {
        snprintf(err, errlen,
                 _("--metrics %s and --web %s: /metrics is served on the web "
                   "address now; set --web only"),
                 *c->metrics, *c->web);
        return -EINVAL;
    }
    if (addr == NULL) {
        if (*c->web_cert != NULL || *c->web_key != NULL) {
            snprintf(err, errlen, _("--web-cert and --web-key need --web"));
            return -EINVAL;
        }
        return 0;
    }
    d->web_conf = (struct lu_web_conf){.addr = addr,
                                       .cert = *c->web_cert,
                                       .key = *c->web_key,
                                       .max_body = c->web_max_body,
                                       .thread = c->web_thread};
    return lu_web_check(&d->web_conf, err, errlen);
}

static void on_stop(uv_signal_t *h, int signum)
{
    struct daemon *d = h->data;

    lu_notice("signal %d: stopping", signum);
    /* Every answer and ack went out after its commit: stopping loses
     * nothing. */
    lu_service_stopping(d->svc);
    uv_stop(&d->pub.loop);
}

/* SIGHUP reloads the log level and whatever the daemon's reload callback
 * reloads, without dropping any connection; systemd hears RELOADING=1 ...
 * READY=1 around it. */
static void on_reload(uv_signal_t *h, int signum)
{
    struct daemon *d = h->data;

    lu_service_reloading(d->svc);
    lu_opts_reload_log_level(d->conf->section, d->pub.argc, d->pub.argv);
    if (d->conf->reload != NULL)
        d->conf->reload(&d->pub, d->data);
    lu_service_ready(d->svc);
}

static void close_walk(uv_handle_t *h, void *arg)
{
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

static void signals(struct daemon *d)
{
    uv_signal_init(&d->pub.loop, &d->sigterm);
    uv_signal_init(&d->pub.loop, &d->sigint);
    uv_signal_init(&d->pub.loop, &d->sighup);
    d->sigterm.data = d->sigint.data = d->sighup.data = d;
    uv_signal_start(&d->sigterm, on_stop, SIGTERM);
    uv_signal_start(&d->sigint, on_stop, SIGINT);
    uv_signal_start(&d->sighup, on_reload, SIGHUP);
}

/* Opens, starts and runs the loop until a stop signal. */
static int run(struct daemon *d, char *err, size_t errlen)
{
    const struct lu_daemon_conf *c = d->conf;
    int r;

    r = c->open(&d->pub, d->data, err, errlen);
    if (r < 0)
        return r;
    uv_loop_init(&d->pub.loop);
    d->pub.zctx = zmq_ctx_new();
    d->loop_ready = true;
    if (d->web_conf.addr != NULL) {
        d->pub.web = lu_web_new(&d->pub.loop, &d->web_conf, err, errlen);
        if (d->pub.web == NULL)
            return -EINVAL;
    }
    r = c->start(&d->pub, d->data, err, errlen);
    if (r < 0)
        return r;
    d->svc = lu_service_new(&d->pub.loop, c->status, c->metrics_cb, d->data,
                            d->pub.web);
    /* Every route is in place: the web server's thread may start. */
    if (d->pub.web != NULL) {
        r = lu_web_start(d->pub.web);
        if (r < 0) {
            snprintf(err, errlen, "web: cannot start its thread: %s",
                     uv_strerror(r));
            return r;
        }
    }
    signals(d);
    c->up(d->data);
    lu_service_ready(d->svc);
    uv_run(&d->pub.loop, UV_RUN_DEFAULT);
    return 0;
}

/* Teardown in reverse: the service, the modules, the loop's handles, the
 * loop and the ZeroMQ context, then the stores. */
static void teardown(struct daemon *d)
{
    /* The web first: its routes point into the service and the modules. */
    lu_web_free(d->pub.web);
    lu_service_free(d->svc);
    if (d->loop_ready) {
        d->conf->stop(d->data);
        uv_walk(&d->pub.loop, close_walk, NULL);
        uv_run(&d->pub.loop, UV_RUN_DEFAULT);
        uv_loop_close(&d->pub.loop);
        zmq_ctx_term(d->pub.zctx);
    }
    d->conf->close(d->data);
}

int lu_daemon_main(const struct lu_daemon_conf *conf, void *data, int argc,
                   char **argv)
{
    struct daemon d = {
        .pub = {.argc = argc, .argv = argv}, .conf = conf, .data = data};
    char err[1024] = "";
    bool help = false;
    int r, lock, status = 0;

    lu_i18n_init();
    if (lu_opts_version(argc, argv, conf->name))
        return 0;
    lu_log_set_ident(conf->name);
    signal(SIGPIPE, SIG_IGN);
    if (conf->small)
        lu_store_global_init_small();
    else
        lu_store_global_init();
    r = lu_opts_parse(conf->opts, conf->section, argc, argv, &help, err,
                      sizeof(err));
    if (help) {
        lu_opts_usage(stdout, conf->name, conf->opts);
        lu_opts_free(conf->opts);
        return 0;
    }
    if (r == 0)
        r = conf->check(err, sizeof(err));
    if (r == 0)
        r = check_web(&d, err, sizeof(err));
    if (r == 0 && *conf->log_level)
        lu_log_level = lu_log_level_parse(*conf->log_level);
    if (r == 0)
        r = conf->config(&d.pub, data, err, sizeof(err));
    if (r < 0) {
        status = EX_CONFIG;
        goto out;
    }
    /* The lock dies with the process: it is never closed by hand. */
    lock = lu_state_dir_lock(*conf->state_dir, conf->name, err, sizeof(err));
    r = lock < 0 ? lock : run(&d, err, sizeof(err));
    status = r < 0 ? 2 : 0;
out:
    teardown(&d);
    lu_opts_free(conf->opts);
    if (r < 0) {
        lu_err("%s", err);
        return status;
    }
    lu_notice("stopped");
    return 0;
}
