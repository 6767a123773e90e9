#include "review.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "amount.h"
#include "codec.h"
#include "groups.h"
#include "i18n.h"
#include "intake.h"
#include "log.h"
#include "outbox.h"
#include "plan.h"
#include "util.h"
#include "xmalloc.h"

/* Notices status lists at most. */
#define MAX_STATUS_REVIEWS 50

int node_review_locked(struct node_outbox *ob, const char *unit,
                       uint32_t period, char *why, size_t len)
{
    Luyu__ReviewNotice **v = NULL;
    size_t n = 0;
    char per[8];
    int locked = 0;

    if (node_outbox_notices(ob, unit, period, 1, &v, &n) == 0 && n == 1 &&
        v[0]->kind == LUYU__REVIEW_KIND__REVIEW_ACCEPT) {
        snprintf(why, len,
                 _("%s of %s was accepted by the province (%s) and is "
                   "locked: ask the province to unlock it"),
                 lu_period_format(period, per, sizeof(per)), unit, v[0]->by);
        locked = 1;
    }
    node_outbox_notices_free(v, n);
    return locked;
}

static void refuse(Luyu__CtlResponse *resp, const char *msg)
{
    node_intake_problem(resp, 0, msg);
    node_intake_message(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT, msg);
}

int node_review_approve(struct node_intake *in, const char *unit,
                        const char *month, const char *note, const char *who,
                        Luyu__CtlResponse *resp)
{
    const struct lu_plan *plan = node_intake_plan(in);
    Luyu__ReviewEvent ev = LUYU__REVIEW_EVENT__INIT;
    Luyu__Entry e, *ptr = &e;
    char err[512];
    uint32_t period;

    if (lu_plan_unit(plan, unit) == NULL || !node_intake_allowed(in, unit)) {
        snprintf(err, sizeof(err),
                 _("unit \"%.*s\" is not reported by this "
                   "node"),
                 lu_utf8_cut(unit, 64), unit);
        goto refused;
    }
    if (lu_period_parse(month, &period, err, sizeof(err)) < 0 ||
        lu_check_text("reason", note, LU_MAX_NOTE, err, sizeof(err)) < 0)
        goto refused;
    if (period < plan->start || period > plan->end) {
        snprintf(err, sizeof(err), _("%s is outside the plan"), month);
        goto refused;
    }
    if (node_review_locked(node_intake_outbox(in), unit, period, err,
                           sizeof(err)))
        goto refused;
    ev.kind = LUYU__REVIEW_KIND__REVIEW_APPROVE;
    ev.reason = (char *)note;
    luyu__entry__init(&e);
    e.unit = (char *)unit;
    e.period = period;
    e.note = (char *)note;
    e.recorded_by = (char *)who;
    e.recorded_at = lu_now_s();
    e.review = &ev;
    node_intake_commit(in, &ptr, 1, NULL, resp);
    if (resp->code != LUYU__CTL_RESPONSE__CODE__OK)
        return -EIO;
    lu_notice("review: %s approved %s %s", who, unit, month);
    return 0;
refused:
    refuse(resp, err);
    return -EINVAL;
}

void node_review_submit(struct node_intake *in, const char *group,
                        const Luyu__CtlReview *req, const char *who,
                        Luyu__CtlResponse *resp)
{
    char err[512];

    if (lu_groups_member(who, group) <= 0) {
        snprintf(err, sizeof(err),
                 _("%s is not a district reviewer: only members of the Unix "
                   "group %s approve months"),
                 who, group);
        return refuse(resp, err);
    }
    if (req->kind != LUYU__REVIEW_KIND__REVIEW_APPROVE) {
        snprintf(err, sizeof(err), "%s",
                 _("a node approves; the province accepts, returns and "
                   "unlocks at its hub"));
        return refuse(resp, err);
    }
    node_review_approve(in, req->unit, req->period, req->reason, who, resp);
}

void node_review_status(struct node_outbox *ob, Luyu__CtlStatus *s)
{
    if (node_outbox_notices(ob, NULL, 0, MAX_STATUS_REVIEWS, &s->reviews,
                            &s->n_reviews) < 0) {
        node_outbox_notices_free(s->reviews, s->n_reviews);
        s->reviews = NULL;
        s->n_reviews = 0;
    }
}
