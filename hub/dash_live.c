/* The month's figures behind every dashboard page: a draft bulletin of the
 * ledger library (ledger/bulletins.h), computed from the balance table and
 * the month's entries, kept for a second; and /events, the live feed: a
 * stream of server-sent events with the overview's figures, sent again
 * after the intake commits (hub_dash_ledger_changed), or one event and a
 * retry when the streams are all taken. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amount.h"
#include "bulletin.h"
#include "bulletins.h"
#include "dash_int.h"
#include "i18n.h"
#include "json.h"
#include "log.h"
#include "metrics.h"
#include "money.h"
#include "plan.h"
#include "reader.h"
#include "web.h"
#include "xmalloc.h"

/* How long a draft serves every viewer: at least a second, and ten times
 * the processor time it took, so that however many viewers there are the
 * dashboard takes at most a tenth of a core from ingest. Processor time,
 * not time on the clock: on a busy machine a draft waits for a core, and
 * waiting costs the ingest nothing; counted, it kept drafts for many
 * seconds. A draft brought up to date from the last one
 * (ledger_bulletins_draft_kept()) takes a few milliseconds, so the live
 * feed shows a new entry within a second plus the browser's retry. */
#define DRAFT_MIN_MS 1000
#define DRAFT_COST_FACTOR 10
#define DASH_RETRY_MS 1000

/* The live feed's bounds (README, "The province's dashboard"): streams in
 * all and per client address (the web server takes 64 connections, 16 per
 * address, and pages need some), and bytes waiting per stream. A viewer
 * past them polls: one event, then the browser asks again after
 * SSE_POLL_MS. An event is the whole set of figures, so a stream that has
 * not taken the last one is skipped, not queued again: a slow phone holds
 * at most one event (a few KiB) and the hub's memory does not grow. */
#define SSE_MAX 32
#define SSE_MAX_PER_PEER 4
#define SSE_MAX_QUEUED (64 * 1024)
#define SSE_POLL_MS 5000
/* How often the hub's loop hands the web thread a turn of the feed, and
 * how often a quiet stream gets a comment (which finds gone clients). */
#define SSE_TICK_MS 250
#define SSE_PING_MS 15000

/* One viewer's stream: the month it shows and the commit count its last
 * event covered. */
struct hub_dash_sse {
    struct hub_dash *d;
    struct lu_web_stream *s;
    uint32_t period;
    uint64_t gen;
    struct hub_dash_sse *next, *prev;
};

/* The calling thread's processor time in microseconds. */
static uint64_t thread_cpu_us(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Puts b in place as the draft: it has seen gen commits and took cost_ms
 * of processor time. */
static void install(struct hub_dash *d, Luyu__Bulletin *b, uint64_t gen,
                    uint64_t cost_ms)
{
    ledger_bulletin_free(d->draft);
    d->draft = b;
    d->draft_gen = gen;
    d->draft_ms = lu_mono_ms();
    d->draft_keep_ms = cost_ms * DRAFT_COST_FACTOR;
    if (d->draft_keep_ms < DRAFT_MIN_MS)
        d->draft_keep_ms = DRAFT_MIN_MS;
}

/* A draft computed in libuv's thread pool, on the dashboard's second
 * read-only connection (bg_store), so that no request waits for it. */
struct draft_job {
    uv_work_t req;
    struct hub_dash *d;
    uint32_t period;
    uint64_t gen, cpu_us;
    int64_t now_s;
    Luyu__Bulletin *b;
    int r;
    char err[512];
};

static void draft_work(uv_work_t *req)
{
    struct draft_job *job = req->data;
    struct hub_dash *d = job->d;
    uint64_t cpu = thread_cpu_us();

    /* Pool threads are the dashboard's alone in the hub: like the web
     * thread, they yield to the intake. */
    lu_web_lower_priority();
    job->r = ledger_bulletins_draft_kept(
        d->bg_store, &d->bg_keep, d->ctx.plan, d->province, job->period,
        d->ctx.issue_day, job->now_s, &job->b, job->err, sizeof(job->err));
    job->cpu_us = thread_cpu_us() - cpu;
}

/* Back on the web thread, between requests: no page holds the old draft
 * now. */
static void draft_after(uv_work_t *req, int status)
{
    struct draft_job *job = req->data;
    struct hub_dash *d = job->d;

    d->refreshing = false;
    atomic_fetch_add(&d->drafts, 1);
    atomic_fetch_add(&d->draft_cpu_us, job->cpu_us);
    lu_debug("dashboard: draft of %u took %llu us of processor time",
             job->period, (unsigned long long)job->cpu_us);
    if (status == 0 && job->r == 0)
        install(d, job->b, job->gen, job->cpu_us / 1000);
    else if (status == 0)
        lu_warn("dashboard: cannot compute %u: %s", job->period, job->err);
    else
        ledger_bulletin_free(job->b);
    free(job);
}

/* Starts computing period's draft in the background, unless one is under
 * way. */
static void refresh(struct hub_dash *d, uint32_t period)
{
    struct draft_job *job;

    if (d->refreshing || d->province[0] == '\0')
        return;
    job = lu_xcalloc(1, sizeof(*job));
    job->req.data = job;
    job->d = d;
    job->period = period;
    job->gen = atomic_load(&d->gen); /* before the draft's transaction */
    job->now_s = lu_now_s();
    if (uv_queue_work(lu_web_loop(d->web), &job->req, draft_work, draft_after) <
        0) {
        free(job);
        return;
    }
    d->refreshing = true;
}

/* The month's draft: an old one is served while its successor is computed
 * in the background; only a month not held is computed here, at once. */
const Luyu__Bulletin *hub_dash_draft(struct hub_dash *d, uint32_t period)
{
    uint64_t now = lu_mono_ms(), gen = atomic_load(&d->gen), cpu;
    Luyu__Bulletin *b = NULL;
    char err[512];

    if (d->draft != NULL && d->draft->period == period) {
        if (now - d->draft_ms >= d->draft_keep_ms)
            refresh(d, period);
        return d->draft;
    }
    if (d->province[0] == '\0' &&
        ledger_reader_province(d->db, d->province, sizeof(d->province)) < 0)
        return NULL; /* nothing in the ledger yet */
    cpu = thread_cpu_us();
    if (ledger_bulletins_draft(d->store, d->ctx.plan, d->province, period,
                               d->ctx.issue_day, lu_now_s(), &b, err,
                               sizeof(err)) < 0) {
        lu_warn("dashboard: cannot compute %u: %s", period, err);
        return NULL;
    }
    install(d, b, gen, (thread_cpu_us() - cpu) / 1000);
    return b;
}

/* At start, and at each turn until the ledger has figures: the draft of
 * the month the overview opens on, so that the first viewer does not wait
 * for it either. */
static void warm(struct hub_dash *d)
{
    uint32_t p = 0;

    d->warmed = true;
    if (d->province[0] == '\0' &&
        ledger_reader_province(d->db, d->province, sizeof(d->province)) < 0) {
        d->warmed = false; /* nothing in the ledger yet: try again */
        return;
    }
    if (ledger_reader_last_period(d->db, &p) < 0 || p < d->ctx.plan->start ||
        p > d->ctx.plan->end)
        p = d->ctx.plan->start;
    refresh(d, p);
}

uint32_t hub_dash_month(struct hub_dash *d, struct lu_web_req *req)
{
    const struct lu_plan *plan = d->ctx.plan;
    const char *q = lu_web_query(req, "month");
    uint32_t p = 0;
    char err[128];

    if (q != NULL && lu_period_parse(q, &p, err, sizeof(err)) == 0 &&
        p >= plan->start && p <= plan->end)
        return p;
    if (ledger_reader_last_period(d->db, &p) == 0 && p >= plan->start &&
        p <= plan->end)
        return p;
    return plan->start;
}

char *hub_dash_amount(const Luyu__IndicatorFigures *f, int64_t v, char *buf,
                      size_t len)
{
    return lu_money_amount(v, f->base_unit, (int)f->scale, buf, len);
}

/* "id: N\ndata: {...}\n\n": the overview's figures of b. */
static void event(struct lu_buf *out, const Luyu__Bulletin *b)
{
    struct lu_json j;
    char t[LU_MONEY_LEN], key[160];

    lu_buf_printf(out, "id: %lld\ndata: ", (long long)b->upto_entry);
    lu_json_init(&j, out);
    lu_json_object(&j);
    lu_json_kstr(&j, "entries",
                 lu_money_group((int64_t)b->entries_covered, 0, t, sizeof(t)));
    for (size_t i = 0; i < b->n_indicators; i++) {
        const Luyu__IndicatorFigures *f = b->indicators[i];

        snprintf(key, sizeof(key), "m-%s", f->code);
        lu_json_kstr(&j, key, hub_dash_amount(f, f->month, t, sizeof(t)));
        snprintf(key, sizeof(key), "y-%s", f->code);
        lu_json_kstr(&j, key, hub_dash_amount(f, f->ytd, t, sizeof(t)));
        snprintf(key, sizeof(key), "s-%s", f->code);
        lu_json_kstr(&j, key, hub_dash_amount(f, f->since_start, t, sizeof(t)));
    }
    lu_json_end(&j);
    lu_buf_adds(out, "\n\n");
}

static void sse_closed(void *data, struct lu_web_stream *s)
{
    struct hub_dash_sse *c = data;
    struct hub_dash *d = c->d;

    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        d->sse = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    d->n_sse--;
    free(c);
}

static bool sse_room(struct hub_dash *d, const char *peer)
{
    int mine = 0;

    if (d->n_sse >= SSE_MAX)
        return false;
    for (const struct hub_dash_sse *c = d->sse; c != NULL; c = c->next) {
        if (strcmp(lu_web_stream_peer(c->s), peer) == 0)
            mine++;
    }
    return mine < SSE_MAX_PER_PEER;
}

void hub_dash_events(struct hub_dash *d, struct lu_web_req *req,
                     struct lu_web_resp *resp)
{
    uint32_t period = hub_dash_month(d, req);
    const Luyu__Bulletin *b = hub_dash_draft(d, period);
    bool stream = sse_room(d, lu_web_peer(req));
    struct hub_dash_sse *c;

    resp->status = 200;
    resp->type = "text/event-stream; charset=utf-8";
    lu_buf_printf(&resp->body, "retry: %d\n",
                  stream ? DASH_RETRY_MS : SSE_POLL_MS);
    if (b != NULL)
        event(&resp->body, b);
    else
        lu_buf_adds(&resp->body, "\n");
    if (!stream)
        return;
    c = lu_xcalloc(1, sizeof(*c));
    c->d = d;
    c->period = period;
    c->gen = b != NULL ? d->draft_gen : 0;
    c->s = lu_web_stream(req, resp, SSE_MAX_QUEUED, sse_closed, c);
    c->next = d->sse;
    if (d->sse != NULL)
        d->sse->prev = c;
    d->sse = c;
    d->n_sse++;
}

/* One stream's turn: the month's figures when the ledger moved since its
 * last event and the draft has seen that (a draft kept from before waits
 * for its time to run out, so a flood of commits costs one draft per
 * DRAFT_MIN_MS at most), else a comment now and then. */
static void sse_turn(struct hub_dash *d, struct hub_dash_sse *c, uint64_t gen,
                     uint64_t now, bool ping, struct lu_buf *out)
{
    const Luyu__Bulletin *b = NULL;
    bool mine, fresh, expired;

    if (lu_web_stream_queued(c->s) > 0)
        return; /* not reading: it gets the figures when it has caught up */
    if (c->gen != gen) {
        mine = d->draft != NULL && d->draft->period == c->period;
        fresh = mine && d->draft_gen == gen;
        expired = !mine || now - d->draft_ms >= d->draft_keep_ms;
        if (fresh || expired)
            b = hub_dash_draft(d, c->period);
        if (b != NULL && d->draft_gen != c->gen) {
            out->len = 0;
            event(out, b);
            if (lu_web_stream_send(c->s, out->data, out->len) == 0) {
                c->gen = d->draft_gen;
                return;
            }
        }
    }
    if (ping)
        lu_web_stream_send(c->s, ": ping\n\n", 8);
}

/* On the web thread, every SSE_TICK_MS. */
static void on_tick_web(void *data)
{
    struct hub_dash *d = data;
    uint64_t gen = atomic_load(&d->gen), now = lu_mono_ms();
    bool ping = now - d->ping_ms >= SSE_PING_MS;
    struct hub_dash_sse *c, *next;
    struct lu_i18n_scope lang;
    struct lu_buf out;

    if (!d->warmed)
        warm(d);
    if (d->sse == NULL)
        return;
    /* The figures are in Chinese, as the pages (hub/dash.c, on_request). */
    lu_i18n_enter("zh_CN.UTF-8", &lang);
    lu_buf_init(&out);
    if (ping)
        d->ping_ms = now;
    for (c = d->sse; c != NULL; c = next) {
        next = c->next; /* a send may close c */
        sse_turn(d, c, gen, now, ping, &out);
    }
    lu_buf_free(&out);
    lu_i18n_leave(&lang);
}

/* On the hub's loop: hand the web thread its turn. */
static void on_tick(uv_timer_t *t)
{
    struct hub_dash *d = t->data;

    lu_web_post(d->web, on_tick_web, d);
}

void hub_dash_metrics(struct hub_dash *d, struct lu_buf *b)
{
    if (d == NULL)
        return;
    lu_metrics_counter(b, "luyu_hub_dash_drafts_total",
                       "Dashboard drafts computed in the background.",
                       atomic_load(&d->drafts));
    lu_metrics_header(b, "luyu_hub_dash_draft_cpu_seconds_total", "counter",
                      "Processor time the dashboard's drafts took.");
    lu_metrics_double(b, "luyu_hub_dash_draft_cpu_seconds_total", NULL,
                      (double)atomic_load(&d->draft_cpu_us) / 1e6);
}

void hub_dash_ledger_changed(void *data)
{
    struct hub_dash *d = data;

    atomic_fetch_add(&d->gen, 1);
}

void hub_dash_live_start(struct hub_dash *d)
{
    /* The web thread has not started: its loop takes the work's answer
     * once it runs. */
    warm(d);
    d->tick = lu_xcalloc(1, sizeof(*d->tick));
    uv_timer_init(d->ctx.loop, d->tick);
    d->tick->data = d;
    uv_timer_start(d->tick, on_tick, SSE_TICK_MS, SSE_TICK_MS);
}

static void on_tick_closed(uv_handle_t *h)
{
    free(h);
}

void hub_dash_sse_free(struct hub_dash *d)
{
    struct hub_dash_sse *c;

    /* The web server has stopped and closed every stream; any left are
     * only memory. */
    while ((c = d->sse) != NULL) {
        d->sse = c->next;
        free(c);
    }
    if (d->tick != NULL)
        uv_close((uv_handle_t *)d->tick, on_tick_closed);
    d->tick = NULL;
}
