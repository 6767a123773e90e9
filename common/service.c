#include "service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "xmalloc.h"

#define STATUS_EVERY_MS 2000

struct lu_service {
    uv_timer_t status_timer;
    uv_timer_t watchdog_timer;
    struct lu_http *http;
    lu_service_status_cb status;
    lu_service_metrics_cb metrics;
    void *data;
    int64_t started_at;
    int open_handles;
    char last[256];
};

static void send_status(struct lu_service *s)
{
    char line[256];

    s->status(s->data, line, sizeof(line));
    /* Only changes go out: systemd keeps the last one anyway. */
    if (strcmp(line, s->last) != 0) {
        lu_notifyf("STATUS=%s", line);
        snprintf(s->last, sizeof(s->last), "%s", line);
    }
}

static void on_status(uv_timer_t *t)
{
    send_status(t->data);
}

static void on_watchdog(uv_timer_t *t)
{
    lu_notify("WATCHDOG=1");
}

static int on_http(void *data, const char *path, struct lu_buf *body)
{
    struct lu_service *s = data;

    if (strcmp(path, "/metrics") != 0) {
        lu_buf_adds(body, "not found; try /metrics\n");
        return 404;
    }
    s->metrics(s->data, body);
    lu_metrics_header(body, "luyu_process_start_time_seconds", "gauge",
                      "Start time of the process since unix epoch.");
    lu_metrics_i64(body, "luyu_process_start_time_seconds", NULL,
                   s->started_at);
    return 200;
}

struct lu_service *lu_service_new(uv_loop_t *loop, lu_service_status_cb status,
                                  lu_service_metrics_cb metrics, void *data,
                                  const char *metrics_addr, char *err,
                                  size_t errlen)
{
    struct lu_service *s = lu_xcalloc(1, sizeof(*s));
    uint64_t wd = lu_notify_watchdog_ms();

    s->status = status;
    s->metrics = metrics;
    s->data = data;
    s->started_at = lu_now_s();
    if (metrics_addr != NULL && metrics_addr[0] != '\0') {
        s->http = lu_http_new(loop, metrics_addr, on_http, s, err, errlen);
        if (s->http == NULL) {
            free(s);
            return NULL;
        }
    }
    uv_timer_init(loop, &s->status_timer);
    uv_timer_init(loop, &s->watchdog_timer);
    s->status_timer.data = s->watchdog_timer.data = s;
    s->open_handles = 2;
    uv_timer_start(&s->status_timer, on_status, STATUS_EVERY_MS,
                   STATUS_EVERY_MS);
    if (wd > 0) {
        /* From the loop itself: if the loop hangs, the pings stop and
         * systemd restarts us. Half the interval, as sd_notify(3) asks. */
        uv_timer_start(&s->watchdog_timer, on_watchdog, 0, wd / 2 ? wd / 2 : 1);
        lu_info("watchdog: pinging systemd every %llu ms",
                (unsigned long long)(wd / 2));
    }
    return s;
}

void lu_service_ready(struct lu_service *s)
{
    s->last[0] = '\0';
    lu_notify("READY=1");
    send_status(s);
}

void lu_service_reloading(struct lu_service *s)
{
    lu_notify_reloading();
}

void lu_service_stopping(struct lu_service *s)
{
    lu_notify("STOPPING=1");
}

static void on_closed(uv_handle_t *h)
{
    struct lu_service *s = h->data;

    if (--s->open_handles == 0)
        free(s);
}

void lu_service_free(struct lu_service *s)
{
    if (s == NULL)
        return;
    lu_http_free(s->http);
    uv_close((uv_handle_t *)&s->status_timer, on_closed);
    uv_close((uv_handle_t *)&s->watchdog_timer, on_closed);
}
