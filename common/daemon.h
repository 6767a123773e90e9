/* The life of a luyu daemon, the same for luyu-hub and luyu-node:
 * options (command line over config file) -> settings check -> the
 * configuration it reads from /etc (plan, keys, registry) -> the state
 * directory's lock -> the daemon's stores -> an event loop with its
 * modules -> SIGTERM/SIGINT stop, SIGHUP reload -> sd_notify READY,
 * RELOADING, STOPPING and the watchdog (common/service.h) -> teardown in
 * reverse. Each main.c keeps only its settings and its wiring, given here
 * as callbacks; the skeleton owns the loop, the ZeroMQ context, the
 * service and the signal handles. */
#ifndef LU_DAEMON_H
#define LU_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "opts.h"
#include "service.h"
#include "web.h"

/* What the skeleton gives the wiring callbacks. */
struct lu_daemon {
    uv_loop_t loop;
    void *zctx;         /* the daemon's one ZeroMQ context */
    struct lu_web *web; /* its web server, NULL unless web = ADDRESS */
    int argc;
    char **argv;
};

struct lu_daemon_conf {
    const char *name;          /* "luyu-hub": log ident, lock, usage */
    const char *section;       /* "hub": its config file section */
    const struct lu_opt *opts; /* the settings table */
    bool small;                /* small databases: lu_store_global_init_small */
    /* After parsing: settings that must be there and agree with one
     * another. 0 or -errno with the reason in err. */
    int (*check)(char *err, size_t errlen);
    /* Where the settings put the state directory and the log level, and
     * the web server's address, certificate and key (NULL: none). Read
     * after check. */
    char *const *state_dir, *const *log_level;
    char *const *web, *const *web_cert, *const *web_key;
    /* "metrics = ADDRESS", the older name of "web" that configs written
     * before the web server still use. */
    char *const *metrics;
    size_t web_max_body; /* request bodies; 0: the web server's default */
    /* The web server on a thread of its own (common/web.h): the hub, whose
     * dashboard must not take turns from the intake. */
    bool web_thread;
    /* What the daemon reads from /etc: plan, keys, registry. A failure
     * here or in check is the admin's to fix: the daemon exits EX_CONFIG
     * (78), which its unit does not restart. 0 or -errno + err. */
    int (*config)(struct lu_daemon *d, void *data, char *err, size_t errlen);
    /* After the lock, before the loop exists: the stores. 0 or -errno +
     * err. */
    int (*open)(struct lu_daemon *d, void *data, char *err, size_t errlen);
    /* On the loop: sockets, timers, and routes on d->web when there is
     * one (/metrics is the skeleton's). 0 or -errno + err. */
    int (*start)(struct lu_daemon *d, void *data, char *err, size_t errlen);
    /* The service's STATUS= line and /metrics (common/service.h). */
    lu_service_status_cb status;
    lu_service_metrics_cb metrics_cb;
    /* Logs the daemon's "up" line, right before READY=1. */
    void (*up)(void *data);
    /* SIGHUP, after the log level was read again; may be NULL. */
    void (*reload)(struct lu_daemon *d, void *data);
    /* Frees what start made, before the loop's handles are closed. */
    void (*stop)(void *data);
    /* Frees what open made, after the loop is gone; called in every case,
     * so it must cope with a partial open. */
    void (*close)(void *data);
};

/* Runs the daemon to the end. Returns its exit status: 0 after a clean
 * stop (or --help, --version), EX_CONFIG (78) for bad settings or
 * configuration, 2 when it could not start otherwise (the reason is
 * logged in every case). */
int lu_daemon_main(const struct lu_daemon_conf *conf, void *data, int argc,
                   char **argv);

#endif
