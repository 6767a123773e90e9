#include "remind.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "calendar.h"
#include "codec.h"
#include "feed.h"
#include "json.h"
#include "ledger.h"
#include "log.h"
#include "plan.h"
#include "review.h"
#include "sql.h"
#include "schedule.h"
#include "util.h"
#include "xmalloc.h"

#define CHECK_EVERY_MS (60 * 1000)
#define DAY_S 86400

struct hub_remind {
    struct hub_remind_config cfg;
    const struct lu_plan *plan;
    struct ledger *ledger;
    struct hub_feed *feed;
    uv_timer_t timer;
};

/* The units expected to report every month, as the bulletin counts them. */
static int expected(const struct hub_remind *r, const struct lu_plan_unit *u)
{
    if (r->cfg.province != NULL && strcmp(u->province, r->cfg.province) != 0)
        return 0;
    return strcmp(u->kind, "district") == 0 || strcmp(u->kind, "city") == 0 ||
           strcmp(u->kind, "department") == 0;
}

static void on_exit_cb(uv_process_t *p, int64_t status, int sig)
{
    if (status != 0 || sig != 0)
        lu_warn("reminder hook exited with status %lld, signal %d",
                (long long)status, sig);
    uv_close((uv_handle_t *)p, (uv_close_cb)free);
}

/* Runs HOOK UNIT YYYY-MM REASON without a shell; does not wait. */
static void run_hook(struct hub_remind *r, const char *unit, const char *per,
                     const char *reason)
{
    uv_process_t *p = lu_xcalloc(1, sizeof(*p));
    char *args[] = {(char *)r->cfg.hook, (char *)unit, (char *)per,
                    (char *)reason, NULL};
    uv_process_options_t o = {
        .file = r->cfg.hook, .args = args, .exit_cb = on_exit_cb};
    int e = uv_spawn(r->timer.loop, p, &o);

    if (e < 0) {
        lu_warn("reminder hook %s: %s", r->cfg.hook, uv_strerror(e));
        free(p);
    }
}

static void publish(struct hub_remind *r, const char *unit, const char *per,
                    const char *reason)
{
    char topic[128];
    struct lu_buf b;
    struct lu_json j;

    if (r->feed == NULL)
        return;
    snprintf(topic, sizeof(topic), "remind.%s.%s", unit, per);
    lu_buf_init(&b);
    lu_json_init(&j, &b);
    lu_json_object(&j);
    lu_json_kstr(&j, "unit", unit);
    lu_json_kstr(&j, "period", per);
    lu_json_kstr(&j, "reason", reason);
    lu_json_end(&j);
    hub_feed_publish(r->feed, topic, b.data);
    lu_buf_free(&b);
}

/* Reminders whose hook is still to run, read before any is marked. */
struct pending {
    struct pending_one {
        char unit[LU_MAX_NAME + 1];
        uint32_t period;
        char reason[64];
    } * v;
    size_t n;
};

static int keep_pending(void *arg, const char *unit, uint32_t period,
                        const char *reason, int64_t at)
{
    struct pending *p = arg;
    struct pending_one *o;

    (void)at;
    p->v = lu_xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
    o = &p->v[p->n++];
    snprintf(o->unit, sizeof(o->unit), "%s", unit);
    o->period = period;
    snprintf(o->reason, sizeof(o->reason), "%s", reason);
    return 0;
}

/* The hooks of recorded reminders: all marked started first, in one
 * committed transaction, so that a restart never runs one twice; a crash
 * in between loses those runs. */
static void run_hooks(struct hub_remind *r)
{
    struct ledger_sql *db = ledger_sql_handle(r->ledger);
    struct pending p = {0};
    char per[8];
    int ok;

    if (ledger_remind_each(db, 1, 1000, keep_pending, &p) < 0 || p.n == 0)
        goto out;
    ok = ledger_begin(r->ledger) == 0;
    for (size_t i = 0; ok && i < p.n; i++)
        ok = ledger_remind_hooked(db, p.v[i].unit, p.v[i].period,
                                  p.v[i].reason) == 0;
    if (!ok || ledger_commit(r->ledger) < 0) {
        ledger_rollback(r->ledger);
        lu_err("reminders: cannot mark their hooks: %s", ledger_sql_errmsg(db));
        goto out;
    }
    for (size_t i = 0; r->cfg.hook != NULL && i < p.n; i++)
        run_hook(r, p.v[i].unit,
                 lu_period_format(p.v[i].period, per, sizeof(per)),
                 p.v[i].reason);
out:
    free(p.v);
}

/* The reason unit u is reminded about period for now, into reason (64
 * bytes); 0 when it has what it should have: entries and its district's
 * approval (or the province's acceptance). -EIO on failure. */
static int reason_of(struct ledger_sql *db, const char *unit, uint32_t period,
                     const char *when, char *reason)
{
    char by[LU_MAX_NAME + 1], note[LU_MAX_NOTE + 1];
    struct ledger_review_step last;
    int64_t n = ledger_remind_entries(db, unit, period);

    if (n < 0 || ledger_review_last(db, unit, period, &last, by, note) < 0)
        return -EIO;
    if (n > 0 && (last.kind == LUYU__REVIEW_KIND__REVIEW_APPROVE ||
                  last.kind == LUYU__REVIEW_KIND__REVIEW_ACCEPT))
        return 0;
    snprintf(reason, 64, "%s_%s", n == 0 ? "not_reported" : "not_approved",
             when);
    return 1;
}

/* Reminds every expected unit of month period that lacks what it should
 * have by now, all recorded in one transaction; the feed hears of the new
 * ones once they are committed. */
static void remind_month(struct hub_remind *r, uint32_t period,
                         const char *when, int64_t now)
{
    struct ledger_sql *db = ledger_sql_handle(r->ledger);
    char(*reasons)[64] = lu_xcalloc(r->plan->n_units + 1, sizeof(*reasons));
    char per[8];
    int ok = ledger_begin(r->ledger) == 0, added;

    for (size_t i = 0; ok && i < r->plan->n_units; i++) {
        const struct lu_plan_unit *u = &r->plan->units[i];

        if (!expected(r, u))
            continue;
        added = reason_of(db, u->code, period, when, reasons[i]);
        if (added == 1)
            added = ledger_remind_add(db, u->code, period, reasons[i], now);
        if (added != 1)
            reasons[i][0] = '\0';
        ok = added >= 0;
    }
    if (ok && ledger_commit(r->ledger) == 0) {
        lu_period_format(period, per, sizeof(per));
        for (size_t i = 0; i < r->plan->n_units; i++) {
            if (reasons[i][0] == '\0')
                continue;
            lu_notice("reminder: %s %s %s", r->plan->units[i].code, per,
                      reasons[i]);
            publish(r, r->plan->units[i].code, per, reasons[i]);
        }
    } else {
        ledger_rollback(r->ledger);
        lu_err("reminders: cannot record them: %s", ledger_sql_errmsg(db));
    }
    free(reasons);
}

static void check(struct hub_remind *r)
{
    int64_t now = hub_schedule_now();
    uint32_t p = r->plan->start, closed = 0, open = 0;

    while (p <= r->plan->end) {
        if (ledger_calendar_close(p, r->cfg.issue_day) <= now) {
            closed = p;
        } else {
            open = p;
            break;
        }
        p = ledger_calendar_add(p, 1);
    }
    if (open != 0 && r->cfg.days > 0 &&
        now >= ledger_calendar_close(open, r->cfg.issue_day) -
                   (int64_t)r->cfg.days * DAY_S)
        remind_month(r, open, "before_close", now);
    if (closed != 0)
        remind_month(r, closed, "after_close", now);
    /* Every recorded reminder whose hook has not been started, also those
     * recorded before a crash. */
    run_hooks(r);
}

static void on_timer(uv_timer_t *t)
{
    check(t->data);
}

struct hub_remind *hub_remind_new(uv_loop_t *loop,
                                  const struct hub_remind_config *cfg,
                                  const struct lu_plan *plan,
                                  struct ledger *ledger, struct hub_feed *feed)
{
    struct hub_remind *r = lu_xcalloc(1, sizeof(*r));

    r->cfg = *cfg;
    r->plan = plan;
    r->ledger = ledger;
    r->feed = feed;
    uv_timer_init(loop, &r->timer);
    r->timer.data = r;
    uv_timer_start(&r->timer, on_timer, 0, CHECK_EVERY_MS);
    return r;
}

static void on_close(uv_handle_t *h)
{
    free(h->data);
}

void hub_remind_free(struct hub_remind *r)
{
    if (r == NULL)
        return;
    uv_timer_stop(&r->timer);
    uv_close((uv_handle_t *)&r->timer, on_close);
}
