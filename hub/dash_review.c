/* The dashboard's 审核 page (issues 16 and 18): the province's review
 * queue (ledger_review_queue: every unit's month with entries, flagged
 * months first), filtered by month and state; one month's history and
 * figures; and for reviewers and admins the forms that accept, return or
 * unlock it, through hub/reviewstep.c as luyuctl review does. Everything
 * is read on the dashboard's read-only connection through the ledger
 * library; the step is written on the hub's own. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "codec.h"
#include "dash_int.h"
#include "html.h"
#include "i18n.h"
#include "money.h"
#include "plan.h"
#include "reader.h"
#include "review.h"
#include "reviewstep.h"
#include "sql.h"
#include "users.h"
#include "web.h"
#include "webauth.h"
#include "xmalloc.h"

/* Rows of the queue a page shows at most: units x months of the plan stay
 * far below it; past it the page says it is cut and the filters help. */
#define MAX_ROWS 3000

struct row {
    char unit[LU_MAX_NAME + 1];
    uint32_t period;
    int state;
    uint64_t entries, flagged;
};

struct queue {
    struct row *v;
    size_t n;
    const char *state; /* state code to keep, or NULL for all */
    char flags[1024];  /* of the one month asked for (month page) */
    const char *unit;  /* the month page's unit, else NULL */
};

static int keep(void *arg, const struct ledger_review_month *m)
{
    struct queue *q = arg;
    struct row *r;

    if (q->unit != NULL) {
        if (strcmp(m->unit, q->unit) == 0)
            snprintf(q->flags, sizeof(q->flags), "%s", m->flags);
        return 0;
    }
    if (q->state && strcmp(q->state, ledger_review_state_code(m->state)) != 0)
        return 0;
    if (q->n == MAX_ROWS)
        return 1;
    q->v = lu_xrealloc(q->v, (q->n + 1) * sizeof(*q->v));
    r = &q->v[q->n++];
    snprintf(r->unit, sizeof(r->unit), "%s", m->unit);
    r->period = m->period;
    r->state = m->state;
    r->entries = m->entries;
    r->flagged = m->flagged;
    return 0;
}

/* The latest approval of a month: who and when. */
struct approval {
    char by[LU_MAX_NAME + 1];
    int64_t at;
};

static int last_approval(void *arg, const struct ledger_review_step *s)
{
    struct approval *a = arg;

    if (s->kind == LUYU__REVIEW_KIND__REVIEW_APPROVE) {
        snprintf(a->by, sizeof(a->by), "%s", s->by);
        a->at = s->at;
    }
    return 0;
}

static const char *step_text(int kind)
{
    switch (kind) {
    case LUYU__REVIEW_KIND__REVIEW_APPROVE:
        return _("approved by the district");
    case LUYU__REVIEW_KIND__REVIEW_ACCEPT:
        return _("accepted by the province");
    case LUYU__REVIEW_KIND__REVIEW_RETURN:
        return _("returned by the province");
    case LUYU__REVIEW_KIND__REVIEW_UNLOCK:
        return _("unlocked by the province");
    default:
        return _("reminder");
    }
}

static const char *unit_name(struct hub_dash *d, const char *code)
{
    const struct lu_plan_unit *u = lu_plan_unit(d->ctx.plan, code);

    return u ? u->name : code;
}

/* Whether the signed-in user takes review steps (reviewer, admin). */
static bool reviews(struct hub_dash *d, const struct lu_session *ss)
{
    struct lu_webuser u;

    return lu_webusers_get(d->users_db, ss->user, &u) == 0 &&
           hub_user_reviews(u.role);
}

static const char *const STATES[] = {"open", "approved", "accepted", "returned",
                                     "unlocked"};
static const int STATE_KINDS[] = {
    0, LUYU__REVIEW_KIND__REVIEW_APPROVE, LUYU__REVIEW_KIND__REVIEW_ACCEPT,
    LUYU__REVIEW_KIND__REVIEW_RETURN, LUYU__REVIEW_KIND__REVIEW_UNLOCK};

static void filter_form(struct lu_buf *b, const char *month, const char *state)
{
    lu_buf_printf(b,
                  "<form method=\"get\" action=\"/review\" id=\"filter\">"
                  "<label>%s <input name=\"month\" type=\"month\" "
                  "value=\"",
                  _("Month"));
    lu_html_esc(b, month ? month : "");
    lu_buf_printf(b,
                  "\"></label> <label>%s <select name=\"state\">"
                  "<option value=\"\">%s</option>",
                  _("State"), _("all"));
    for (size_t i = 0; i < sizeof(STATES) / sizeof(STATES[0]); i++)
        lu_buf_printf(b, "<option value=\"%s\"%s>%s</option>", STATES[i],
                      state && strcmp(state, STATES[i]) == 0 ? " selected" : "",
                      ledger_review_state_text(STATE_KINDS[i]));
    lu_buf_printf(b, "</select></label> <button>%s</button></form>",
                  _("Filter"));
}

static void queue_page(struct hub_dash *d, struct lu_web_req *req,
                       struct lu_web_resp *resp, const struct lu_session *ss)
{
    const char *month = lu_web_query(req, "month");
    const char *state = lu_web_query(req, "state");
    struct queue q = {0};
    struct lu_buf *b = &resp->body;
    uint32_t period = 0;
    char err[128], p[16], t[32];
    int r;

    if (month != NULL && month[0] != '\0' &&
        lu_period_parse(month, &period, err, sizeof(err)) < 0)
        month = NULL; /* a hostile or odd month: all months */
    q.state = NULL;
    for (size_t i = 0; state && i < sizeof(STATES) / sizeof(STATES[0]); i++)
        if (strcmp(state, STATES[i]) == 0)
            q.state = STATES[i];
    r = ledger_review_queue(d->db, period, keep, &q);
    resp->status = 200;
    hub_dash_start(d, ss, resp, _("Review queue"));
    filter_form(b, period ? hub_dash_period(period, p, sizeof(p)) : NULL,
                q.state);
    if (r < 0 && r != 1) {
        lu_buf_printf(b, "<p class=\"problem\" id=\"problem\">%s</p>",
                      r == -ENOTSUP ? _("This ledger does not keep the review "
                                        "of months yet: restart luyu-hub "
                                        "once to upgrade it.")
                                    : _("The ledger could not be read."));
        goto out;
    }
    if (q.n == 0) {
        lu_buf_printf(b, "<p id=\"queue-empty\">%s</p>",
                      _("No unit's month with entries matches."));
        goto out;
    }
    lu_buf_printf(b,
                  "<div class=\"wrap\"><table id=\"queue\"><tr><th>%s</th>"
                  "<th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                  "<th class=\"n\">%s</th><th class=\"n\">%s</th><th></th>"
                  "</tr>",
                  _("Unit"), _("Month"), _("State"), _("Approved by"),
                  _("Approved at"), _("Entries"), _("With confirmed warnings"));
    for (size_t i = 0; i < q.n; i++) {
        struct approval a = {.by = "-"};

        ledger_review_history(d->db, q.v[i].unit, q.v[i].period, last_approval,
                              &a);
        hub_dash_period(q.v[i].period, p, sizeof(p));
        lu_buf_adds(b, "<tr data-unit=\"");
        lu_html_esc(b, q.v[i].unit);
        lu_buf_printf(b, "\" data-month=\"%s\" data-state=\"%s\"%s><td>", p,
                      ledger_review_state_code(q.v[i].state),
                      q.v[i].flagged ? " class=\"flag\"" : "");
        lu_html_esc(b, unit_name(d, q.v[i].unit));
        lu_buf_printf(b, "</td><td>%s</td><td>%s</td><td>", p,
                      ledger_review_state_text(q.v[i].state));
        lu_html_esc(b, a.by);
        lu_buf_printf(b,
                      "</td><td>%s</td><td class=\"n\">%llu</td>"
                      "<td class=\"n%s\">%llu</td><td><a href=\"/review?unit=",
                      hub_dash_time(a.at, t, sizeof(t)),
                      (unsigned long long)q.v[i].entries,
                      q.v[i].flagged ? " behind" : "",
                      (unsigned long long)q.v[i].flagged);
        lu_html_esc(b, q.v[i].unit);
        lu_buf_printf(b, "&amp;month=%s\">%s</a></td></tr>", p,
                      _("History and figures"));
    }
    lu_buf_adds(b, "</table></div>");
    if (r == 1)
        lu_buf_printf(b, "<p>%s</p>",
                      _("Only the first months are shown: choose a month or "
                        "a state."));
    lu_buf_printf(b, "<p>%s</p>",
                  reviews(d, ss)
                      ? _("Open a month to accept, return or unlock it.")
                      : _("You read the queue; reviewers and admins take the "
                          "province's review steps."));
out:
    hub_dash_end(resp);
    free(q.v);
}

static int history_row(void *arg, const struct ledger_review_step *s)
{
    struct lu_buf *b = arg;
    char t[32];

    lu_buf_printf(b, "<tr data-step=\"%s\"><td>",
                  ledger_review_kind_code(s->kind)
                      ? ledger_review_kind_code(s->kind)
                      : "");
    lu_html_esc(b, step_text(s->kind));
    lu_buf_adds(b, "</td><td>");
    lu_html_esc(b, s->by);
    lu_buf_printf(b, "</td><td>%s</td><td>",
                  hub_dash_time(s->at, t, sizeof(t)));
    lu_html_esc(b, s->reason);
    lu_buf_adds(b, "</td></tr>");
    return 0;
}

/* One form of a step: hidden unit, month and step, a reason when asked. */
static void step_form(struct lu_buf *b, const struct lu_session *ss,
                      const char *unit, const char *month, const char *step,
                      bool reason, const char *button)
{
    lu_buf_printf(b, "<form method=\"post\" action=\"/review\" id=\"%s\">",
                  step);
    lu_webauth_csrf_field(ss, b);
    lu_buf_adds(b, "<input type=\"hidden\" name=\"unit\" value=\"");
    lu_html_esc(b, unit);
    lu_buf_printf(b,
                  "\"><input type=\"hidden\" name=\"month\" value=\"%s\">"
                  "<input type=\"hidden\" name=\"step\" value=\"%s\">",
                  month, step);
    if (reason)
        lu_buf_printf(b,
                      "<label>%s <input name=\"reason\" size=\"40\" "
                      "maxlength=\"170\" required></label> ",
                      _("Reason (the district reads it)"));
    lu_buf_printf(b, "<button>%s</button></form>", button);
}

static void month_page(struct hub_dash *d, struct lu_web_resp *resp,
                       const struct lu_session *ss, const char *unit,
                       uint32_t period, const char *problem)
{
    struct ledger_review_step last;
    struct ledger_balances *cur = NULL;
    struct ledger_balance row;
    struct queue q = {.unit = unit};
    struct lu_buf *b = &resp->body;
    char by[LU_MAX_NAME + 1], why[LU_MAX_NOTE + 1], p[16], title[256];
    char amt[LU_MONEY_LEN];
    int r;

    hub_dash_period(period, p, sizeof(p));
    if (ledger_review_last(d->db, unit, period, &last, by, why) < 0)
        last.kind = 0;
    ledger_review_queue(d->db, period, keep, &q);
    snprintf(title, sizeof(title), "%s %s", unit_name(d, unit), p);
    hub_dash_start(d, ss, resp, title);
    if (problem != NULL) {
        lu_buf_adds(b, "<p class=\"problem\" id=\"problem\">");
        lu_html_esc(b, problem);
        lu_buf_adds(b, "</p>");
    }
    lu_buf_printf(b,
                  "<p>%s: <strong id=\"state\" data-state=\"%s\">%s"
                  "</strong></p>",
                  _("State"), ledger_review_state_code(last.kind),
                  ledger_review_state_text(last.kind));
    if (reviews(d, ss)) {
        lu_buf_printf(b, "<div id=\"steps\">");
        if (last.kind == LUYU__REVIEW_KIND__REVIEW_APPROVE) {
            step_form(b, ss, unit, p, "accept", false,
                      _("Accept (locks the month)"));
            step_form(b, ss, unit, p, "return", true, _("Return"));
        } else if (last.kind == LUYU__REVIEW_KIND__REVIEW_ACCEPT) {
            step_form(b, ss, unit, p, "unlock", true, _("Unlock"));
        } else {
            lu_buf_printf(b, "<p>%s</p>",
                          _("The district approves the month at its node "
                            "first; then it is accepted or returned here."));
        }
        lu_buf_adds(b, "</div>");
    }
    lu_buf_printf(b,
                  "<h2>%s</h2><div class=\"wrap\"><table id=\"history\">"
                  "<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>",
                  _("History"), _("Step"), _("By"), _("When"), _("Reason"));
    r = ledger_review_history(d->db, unit, period, history_row, b);
    lu_buf_adds(b, "</table></div>");
    if (r < 0)
        lu_buf_printf(b, "<p class=\"problem\">%s</p>",
                      _("The ledger could not be read."));
    lu_buf_printf(b,
                  "<h2>%s</h2><div class=\"wrap\"><table id=\"figures\">"
                  "<tr><th>%s</th><th class=\"n\">%s</th>"
                  "<th class=\"n\">%s</th></tr>",
                  _("Figures"), _("Indicator"), _("Amount"), _("Entries"));
    if (ledger_balances_open(d->db, unit, NULL, period, &cur) == 0) {
        while (ledger_balances_next(cur, &row) == 1) {
            lu_buf_adds(b, "<tr data-indicator=\"");
            lu_html_esc(b, row.indicator);
            lu_buf_adds(b, "\"><td>");
            lu_html_esc(b, row.name[0] ? row.name : row.indicator);
            lu_buf_printf(b,
                          "</td><td class=\"n\">%s</td><td class=\"n\">%lld"
                          "</td></tr>",
                          lu_money_amount(row.amount, row.base_unit, row.scale,
                                          amt, sizeof(amt)),
                          (long long)row.entries);
        }
    }
    ledger_balances_free(cur);
    lu_buf_adds(b, "</table></div>");
    if (q.flags[0] != '\0') {
        lu_buf_printf(
            b, "<p id=\"flags\">%s: ", _("Entries with confirmed warnings"));
        lu_html_esc(b, q.flags);
        lu_buf_adds(b, "</p>");
    }
    lu_buf_printf(b, "<p><a href=\"/review\">%s</a></p>",
                  _("Back to the review queue"));
    hub_dash_end(resp);
}

/* The unit and month of the request (query or form), checked against the
 * plan; false when either is not one this hub knows. */
static bool the_month(struct hub_dash *d, const char *unit, const char *month,
                      uint32_t *period)
{
    const struct lu_plan_unit *u;
    char err[128];

    if (unit == NULL || month == NULL)
        return false;
    u = lu_plan_unit(d->ctx.plan, unit);
    return u != NULL &&
           (d->ctx.province == NULL ||
            strcmp(u->province, d->ctx.province) == 0) &&
           lu_period_parse(month, period, err, sizeof(err)) == 0;
}

void hub_dash_review(struct hub_dash *d, struct lu_web_req *req,
                     struct lu_web_resp *resp, const struct lu_session *ss)
{
    const char *unit = lu_web_query(req, "unit");
    uint32_t period = 0;

    if (unit == NULL)
        return queue_page(d, req, resp, ss);
    if (!the_month(d, unit, lu_web_query(req, "month"), &period))
        return hub_dash_refuse(d, resp, 404, _("No such unit's month."));
    resp->status = 200;
    month_page(d, resp, ss, unit, period, NULL);
}

/* POST /review: unit, month, step (accept, return, unlock), reason. The
 * router has checked the session, the CSRF token and the role. */
void hub_dash_review_post(struct hub_dash *d, struct lu_web_req *req,
                          struct lu_web_resp *resp, const struct lu_session *ss)
{
    static const struct {
        const char *code;
        int kind;
    } STEPS[] = {{"accept", LUYU__REVIEW_KIND__REVIEW_ACCEPT},
                 {"return", LUYU__REVIEW_KIND__REVIEW_RETURN},
                 {"unlock", LUYU__REVIEW_KIND__REVIEW_UNLOCK}};
    const char *unit = lu_web_field(req, "unit", NULL, NULL);
    const char *month = lu_web_field(req, "month", NULL, NULL);
    const char *step = lu_web_field(req, "step", NULL, NULL);
    const char *reason = lu_web_field(req, "reason", NULL, NULL);
    struct hub_dash_step s = {.d = d, .ss = *ss};
    uint32_t period = 0;

    for (size_t i = 0; step && i < sizeof(STEPS) / sizeof(STEPS[0]); i++)
        if (strcmp(step, STEPS[i].code) == 0)
            s.kind = STEPS[i].kind;
    if (s.kind == 0 || !the_month(d, unit, month, &period))
        return hub_dash_refuse(d, resp, 400,
                               _("This form is incomplete: open the month's "
                                 "page again."));
    if (s.kind != LUYU__REVIEW_KIND__REVIEW_ACCEPT &&
        (reason == NULL || reason[0] == '\0')) {
        resp->status = 409;
        return month_page(d, resp, ss, unit, period,
                          _("Give the reason: the district reads it."));
    }
    /* The step is written through the intake's ledger connection, on the
     * hub's loop (hub/dash_loop.c); the answer comes back here. */
    s.period = period;
    hub_dash_period(period, s.p, sizeof(s.p));
    snprintf(s.who, sizeof(s.who), "web:%s", ss->user);
    snprintf(s.unit, sizeof(s.unit), "%s", unit);
    snprintf(s.reason, sizeof(s.reason), "%s", reason ? reason : "");
    hub_dash_step_defer(req, &s);
}

void hub_dash_review_stepped(struct lu_web_req *req, struct lu_web_resp *resp,
                             const struct hub_dash_step *s)
{
    char loc[160];

    if (s->r < 0) {
        resp->status = s->r == -EINVAL ? 409 : 500;
        return month_page(s->d, resp, &s->ss, s->unit, s->period, s->msg);
    }
    /* unit is a plan code: no character needs escaping in the URL. */
    snprintf(loc, sizeof(loc), "/review?unit=%s&month=%s", s->unit, s->p);
    lu_webauth_redirect(resp, loc);
}
