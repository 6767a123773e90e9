#include "service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "web.h"
#include "xmalloc.h"

#define STATUS_EVERY_MS 2000

struct lu_service {
    uv_timer_t status_timer;
    uv_timer_t watchdog_timer;
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

/* What /metrics gathers on the daemon's loop, which owns the counters,
 * for the web server's thread to send (common/web.h, lu_web_defer). */
struct metrics_job {
    struct lu_service *s;
    struct lu_buf out;
};

static void metrics_work(void *arg)
{
    struct metrics_job *job = arg;
    struct lu_service *s = job->s;

    s->metrics(s->data, &job->out);
    lu_metrics_header(&job->out, "luyu_process_start_time_seconds", "gauge",
                      "Start time of the process since unix epoch.");
    lu_metrics_i64(&job->out, "luyu_process_start_time_seconds", NULL,
                   s->started_at);
}

static void metrics_drop(void *arg)
{
    struct metrics_job *job = arg;

    lu_buf_free(&job->out);
}

static void metrics_done(void *arg, struct lu_web_req *req,
                         struct lu_web_resp *resp)
{
    struct metrics_job *job = arg;

    resp->status = 200;
    resp->type = "text/plain; version=0.0.4; charset=utf-8";
    lu_buf_add(&resp->body, job->out.data, job->out.len);
    lu_buf_free(&job->out);
}

/* /metrics: GET or HEAD (the library leaves out HEAD's body). */
static void on_metrics(void *data, struct lu_web_req *req,
                       struct lu_web_resp *resp)
{
    struct metrics_job job = {.s = data};
    const char *m = lu_web_method(req);

    if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0) {
        resp->status = 405;
        lu_web_resp_header(resp, "Allow", "GET, HEAD");
        lu_buf_adds(&resp->body, "method not allowed\n");
        return;
    }
    lu_buf_init(&job.out);
    lu_web_defer(req, metrics_work, metrics_done, &job, sizeof(job));
    lu_web_defer_drop(req, metrics_drop);
}

struct lu_service *lu_service_new(uv_loop_t *loop, lu_service_status_cb status,
                                  lu_service_metrics_cb metrics, void *data,
                                  struct lu_web *web)
{
    struct lu_service *s = lu_xcalloc(1, sizeof(*s));
    uint64_t wd = lu_notify_watchdog_ms();

    s->status = status;
    s->metrics = metrics;
    s->data = data;
    s->started_at = lu_now_s();
    if (web != NULL)
        lu_web_route(web, "/metrics", on_metrics, s);
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
    uv_close((uv_handle_t *)&s->status_timer, on_closed);
    uv_close((uv_handle_t *)&s->watchdog_timer, on_closed);
}
