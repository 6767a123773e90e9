/* What a daemon under systemd does on its event loop: READY=1 once it
 * serves, a one-line STATUS= refreshed every few seconds, WATCHDOG=1 from
 * the loop itself at half of $WATCHDOG_USEC (so a stuck loop is restarted),
 * RELOADING=1 ... READY=1 around a reload, and STOPPING=1 on the way out.
 * Also serves /metrics on the daemon's web server when it has one. Outside
 * systemd the notifications are no-ops. */
#ifndef LU_SERVICE_H
#define LU_SERVICE_H

#include <stddef.h>
#include <uv.h>

#include "util.h"

struct lu_service;

/* Writes the daemon's one-line summary (no newline) into buf. */
typedef void (*lu_service_status_cb)(void *data, char *buf, size_t len);
/* Appends the daemon's metrics in the Prometheus text format. */
typedef void (*lu_service_metrics_cb)(void *data, struct lu_buf *out);

struct lu_web;

/* web NULL: no /metrics. The route's data is the service, so the service
 * must be freed after the web server stops taking requests. */
struct lu_service *lu_service_new(uv_loop_t *loop, lu_service_status_cb status,
                                  lu_service_metrics_cb metrics, void *data,
                                  struct lu_web *web);
/* Sends READY=1 and the first STATUS=. */
void lu_service_ready(struct lu_service *s);
void lu_service_reloading(struct lu_service *s);
void lu_service_stopping(struct lu_service *s);
void lu_service_free(struct lu_service *s);

#endif
