#include "schedule.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amount.h"
#include "bulletins.h"
#include "feed.h"
#include "i18n.h"
#include "log.h"
#include "observe.h"
#include "peer.h"
#include "plan.h"
#include "util.h"
#include "xmalloc.h"

#define CHECK_EVERY_MS (60 * 1000)
#define CHINA_UTC_OFFSET_S (8 * 3600)

struct hub_schedule {
    struct hub_schedule_config cfg;
    const struct lu_plan *plan;
    struct ledger_bulletins *store;
    struct hub_peer *peer;
    struct hub_feed *feed;
    struct hub_observe *obs;
    uv_timer_t timer;
    uint32_t cycle; /* latest month whose closing this run has handled */
};

int64_t hub_schedule_now(void)
{
    const char *fake = getenv("LUYU_FAKE_NOW");

    return fake && *fake ? strtoll(fake, NULL, 10) : lu_now_s();
}

static uint32_t next_month(uint32_t p)
{
    return p % 100 == 12 ? (p / 100 + 1) * 100 + 1 : p + 1;
}

/* When month p closes: issue_day of the next month, 00:00 China time. */
static int64_t closing(uint32_t p, int issue_day)
{
    uint32_t n = next_month(p);
    struct tm tm = {.tm_year = (int)(n / 100) - 1900,
                    .tm_mon = (int)(n % 100) - 1,
                    .tm_mday = issue_day};

    return (int64_t)timegm(&tm) - CHINA_UTC_OFFSET_S;
}

/* The latest month of the plan that has closed by now; 0 when none. */
static uint32_t latest_closed(const struct hub_schedule *s, int64_t now)
{
    uint32_t p = s->plan->start, last = 0;

    while (p <= s->plan->end && closing(p, s->cfg.issue_day) <= now) {
        last = p;
        p = next_month(p);
    }
    return last;
}

int hub_schedule_issue(void *data, uint32_t period, char *msg, size_t len)
{
    struct hub_schedule *s = data;
    uint32_t rev = 0;
    char err[256], ps[8];
    int r;

    r = ledger_bulletins_issue(s->store, s->plan, period, s->cfg.issue_day,
                               hub_schedule_now(), &rev, err, sizeof(err));
    lu_period_format(period, ps, sizeof(ps));
    if (r < 0) {
        snprintf(msg, len, "%s", err);
        return r == -EALREADY || r == -EINVAL ? -EINVAL : r;
    }
    /* The log is for the admin, in English; the answer for who asked. */
    lu_notice("issued bulletin %s revision %u", ps, rev);
    snprintf(msg, len, _("issued bulletin %s revision %u"), ps, rev);
    s->obs->bulletins_issued++;
    snprintf(s->obs->last_bulletin, sizeof(s->obs->last_bulletin),
             "%s rev %u, not yet acknowledged", ps, rev);
    hub_feed_bulletin(s->feed, "bulletin.issued", NULL, period, rev);
    hub_peer_kick(s->peer);
    return 0;
}

/* Runs the monthly pass for every closing since the last one handled:
 * revision 1 of months without a bulletin, new revisions of months whose
 * figures changed (issue refuses quietly when nothing did). */
static void pass(struct hub_schedule *s)
{
    uint32_t last = latest_closed(s, hub_schedule_now());
    char msg[256];

    if (!s->cfg.auto_issue || last == 0 || last <= s->cycle)
        return;
    for (uint32_t p = s->plan->start; p <= last; p = next_month(p)) {
        if (p < s->cfg.issue_from)
            continue;
        int r = hub_schedule_issue(s, p, msg, sizeof(msg));

        if (r < 0 && r != -EINVAL)
            lu_warn("automatic issue failed: %s", msg);
    }
    s->cycle = last;
}

static void on_timer(uv_timer_t *t)
{
    pass(t->data);
}

struct hub_schedule *
hub_schedule_new(uv_loop_t *loop, const struct hub_schedule_config *cfg,
                 const struct lu_plan *plan, struct ledger_bulletins *store,
                 struct hub_peer *peer, struct hub_feed *feed,
                 struct hub_observe *obs)
{
    struct hub_schedule *s = lu_xcalloc(1, sizeof(*s));

    s->cfg = *cfg;
    s->plan = plan;
    s->store = store;
    s->peer = peer;
    s->feed = feed;
    s->obs = obs;
    uv_timer_init(loop, &s->timer);
    s->timer.data = s;
    /* First pass right after start: months missed while down. */
    uv_timer_start(&s->timer, on_timer, 1000, CHECK_EVERY_MS);
    return s;
}

static void on_closed(uv_handle_t *h)
{
    free(h->data);
}

void hub_schedule_free(struct hub_schedule *s)
{
    if (s == NULL)
        return;
    uv_close((uv_handle_t *)&s->timer, on_closed);
}
