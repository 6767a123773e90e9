/* The review of a unit's month on the node's pages (issues 16 and 17):
 * the page of the user's months with their state as the node knows it,
 * the district reviewer's approval from the browser, and the province's
 * messages (returned months, locks, reminders) at the top of every page.
 * An approval goes through node_review_approve (node/review.h), the path
 * of luyuctl review approve; the web role reviewer is its authorisation,
 * as the Unix group is the CLI's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "codec.h"
#include "html.h"
#include "i18n.h"
#include "intake.h"
#include "outbox.h"
#include "pages_int.h"
#include "plan.h"
#include "remindtext.h"
#include "review.h"
#include "session.h"
#include "uplink.h"
#include "users.h"
#include "web.h"
#include "webauth.h"

/* Lines of the province's messages on every page; the review page has
 * the state of every month. */
#define MAX_NOTES 5
/* Notices read to find them: the newest step per month and reminders. */
#define MAX_NOTICES 200
/* Months the review page lists (20 units for the plan's 5 years fit). */
#define MAX_MONTHS 1200

static void unit_name(struct node_pages *np, const char *unit, struct lu_buf *b)
{
    const struct lu_plan_unit *pu = lu_plan_unit(np->ctx.plan, unit);

    lu_html_esc(b, pu ? pu->name : unit);
}

/* One line of the province's messages: a returned month and why, an
 * accepted (locked) one, or a reminder in words. */
static void note_line(struct node_pages *np, const Luyu__ReviewNotice *v,
                      struct lu_buf *b)
{
    char per[8], when[32];

    lu_buf_printf(b, "<li>%s ", lu_period_format(v->period, per, 8));
    unit_name(np, v->unit, b);
    lu_buf_adds(b, "：");
    if (v->kind == LUYU__REVIEW_KIND__REVIEW_RETURN) {
        lu_buf_printf(b, "<span class=\"down\">%s</span> ",
                      _("returned by the province:"));
        lu_html_esc(b, v->reason);
    } else if (v->kind == LUYU__REVIEW_KIND__REVIEW_ACCEPT) {
        lu_buf_printf(b, "<span class=\"ok\">%s</span>",
                      _("accepted by the province; locked"));
    } else {
        lu_buf_printf(b, "<span class=\"warn\">%s</span> ",
                      _("reminder from the province:"));
        lu_html_esc(b, lu_remindtext_say(v->reason));
    }
    lu_buf_printf(b, " <small>%s</small></li>",
                  node_pages_time(v->at, when, sizeof(when)));
}

void node_pages_notices(struct node_pages *np, const char *units,
                        struct lu_buf *b)
{
    Luyu__ReviewNotice **v = NULL;
    size_t n = 0, shown = 0;

    /* Newest first; an unlock needs no action and is on the review page.
     * On a failure v holds what was read: shown, then freed. */
    (void)node_outbox_notices(np->ctx.outbox, NULL, 0, MAX_NOTICES, &v, &n);
    for (size_t i = 0; i < n && shown < MAX_NOTES; i++) {
        if (!lu_units_has(units, v[i]->unit) ||
            v[i]->kind == LUYU__REVIEW_KIND__REVIEW_UNLOCK)
            continue;
        if (shown++ == 0)
            lu_buf_printf(b,
                          "<section id=\"province\"><h2>%s</h2>"
                          "<ul id=\"reviews\">",
                          _("Messages from the province"));
        note_line(np, v[i], b);
    }
    if (shown > 0)
        lu_buf_printf(b, "</ul><p><a href=\"/review\">%s</a></p></section>",
                      _("Every month's review"));
    node_outbox_notices_free(v, n);
}

/* ---- the review page ---- */

struct months {
    struct node_pages *np;
    const struct lu_session *ss;
    const char *units;
    bool reviewer;
    struct lu_buf *b;
    size_t shown;
};

/* The month's state in words; returns whether it is locked. The
 * province's latest step counts unless the node approved after it
 * arrived (a returned or unlocked month approved again). */
static bool state_text(struct months *ms, const struct node_outbox_month *m,
                       struct lu_buf *b)
{
    Luyu__ReviewNotice **v = NULL;
    size_t n = 0;
    bool locked = false, approved_since;
    char when[32];

    (void)node_outbox_notices(ms->np->ctx.outbox, m->unit, m->period, 1, &v,
                              &n);
    approved_since = m->approved_by[0] != '\0' &&
                     (n == 0 || m->approved_at > m->step_received_at);
    if (n == 1 && v[0]->kind == LUYU__REVIEW_KIND__REVIEW_ACCEPT) {
        locked = true;
        lu_buf_printf(b, "<span class=\"ok state\">%s</span> ",
                      _("accepted by the province; locked"));
        lu_html_esc(b, v[0]->by);
        lu_buf_printf(b, " %s", node_pages_time(v[0]->at, when, sizeof(when)));
    } else if (approved_since && m->approval_state == NODE_REJECTED) {
        lu_buf_printf(b, "<span class=\"down state\">%s</span> ",
                      _("the approval was refused by the province:"));
        lu_html_esc(b, m->approval_reason);
    } else if (approved_since) {
        lu_buf_printf(b, "<span class=\"ok state\">%s</span> ",
                      _("approved by"));
        lu_html_esc(b, m->approved_by);
        lu_buf_printf(b, " %s",
                      node_pages_time(m->approved_at, when, sizeof(when)));
        if (m->approval_state == NODE_PENDING)
            lu_buf_printf(b, " (%s)", _("Waiting to be sent"));
        else
            lu_buf_printf(b, " (%s)", _("at the province, waiting for it"));
    } else if (n == 1 && v[0]->kind == LUYU__REVIEW_KIND__REVIEW_RETURN) {
        lu_buf_printf(b, "<span class=\"down state\">%s</span> ",
                      _("returned by the province:"));
        lu_html_esc(b, v[0]->reason);
    } else if (n == 1 && v[0]->kind == LUYU__REVIEW_KIND__REVIEW_UNLOCK) {
        lu_buf_printf(b, "<span class=\"warn state\">%s</span> ",
                      _("unlocked by the province:"));
        lu_html_esc(b, v[0]->reason);
    } else {
        lu_buf_printf(b, "<span class=\"state\">%s</span>",
                      _("not approved yet"));
    }
    node_outbox_notices_free(v, n);
    return locked;
}

static void approve_form(struct months *ms, const struct node_outbox_month *m,
                         const char *per, struct lu_buf *b)
{
    lu_buf_adds(b, "<form method=\"post\" action=\"/review\">");
    lu_webauth_csrf_field(ms->ss, b);
    lu_buf_adds(b, "<input type=\"hidden\" name=\"unit\" value=\"");
    lu_html_esc(b, m->unit);
    lu_buf_printf(b,
                  "\"><input type=\"hidden\" name=\"period\" value=\"%s\">"
                  "<label>%s <input type=\"text\" name=\"note\"></label> "
                  "<button id=\"approve-",
                  per, _("Note (optional)"));
    lu_html_esc(b, m->unit);
    lu_buf_printf(b, "-%s\">%s</button></form>", per, _("Approve this month"));
}

static void month_row(void *arg, const struct node_outbox_month *m)
{
    struct months *ms = arg;
    const struct lu_plan *plan = ms->np->ctx.plan;
    struct lu_buf *b = ms->b;
    char per[8];
    bool locked;

    /* Months of the plan with figures, of the user's units. */
    if (!lu_units_has(ms->units, m->unit) || m->entries == 0 ||
        m->period < plan->start || m->period > plan->end)
        return;
    ms->shown++;
    lu_period_format(m->period, per, sizeof(per));
    lu_buf_adds(b, "<tr id=\"m-");
    lu_html_esc(b, m->unit);
    lu_buf_printf(b, "-%s\"><td>%s</td><td>", per, per);
    unit_name(ms->np, m->unit, b);
    lu_buf_printf(b, "</td><td>%llu</td><td>", (unsigned long long)m->entries);
    locked = state_text(ms, m, b);
    lu_buf_adds(b, "</td><td>");
    if (ms->reviewer && !locked)
        approve_form(ms, m, per, b);
    lu_buf_adds(b, "</td></tr>");
}

void node_pages_review_page(struct node_pages *np, struct lu_web_req *req,
                            struct lu_web_resp *resp,
                            const struct lu_session *ss,
                            const struct lu_webuser *u, const char *problem)
{
    struct lu_buf *b = &resp->body;
    struct months ms = {np,
                        ss,
                        node_user_units(u, np->ctx.units),
                        strcmp(u->role, "reviewer") == 0,
                        b,
                        0};

    if (resp->status == 0 || resp->status == 500)
        resp->status = problem ? 422 : 200;
    node_pages_page_start(np, ss, resp, _("Review of the months"));
    if (problem != NULL) {
        lu_buf_adds(b, "<p class=\"problem\" id=\"problem\">");
        lu_html_esc(b, problem);
        lu_buf_adds(b, "</p>");
    }
    if (lu_web_query(req, "approved") != NULL)
        lu_buf_printf(b, "<p class=\"banner\" id=\"banner\">%s</p>",
                      _("Approved. The approval is on its way to the "
                        "province."));
    lu_buf_printf(b, "<p>%s</p>",
                  ms.reviewer ? _("As the district's reviewer you approve a "
                                  "unit's month when its figures are right; "
                                  "the province then accepts it (and locks "
                                  "it) or returns it with a message.")
                              : _("The district's reviewer approves a month; "
                                  "the province accepts it (and locks it) or "
                                  "returns it with a message."));
    lu_buf_printf(b,
                  "<table id=\"months\"><tr><th>%s</th><th>%s</th><th>%s"
                  "</th><th>%s</th><th></th></tr>",
                  _("Month"), _("Unit"), _("Entries"), _("State"));
    node_outbox_months(np->ctx.outbox, MAX_MONTHS, month_row, &ms);
    lu_buf_adds(b, "</table>");
    if (ms.shown == 0)
        lu_buf_printf(b, "<p>%s</p>", _("Nothing entered yet."));
    node_pages_page_end(resp);
}

void node_pages_review_post(struct node_pages *np, struct lu_web_req *req,
                            struct lu_web_resp *resp,
                            const struct lu_session *ss,
                            const struct lu_webuser *u)
{
    Luyu__CtlResponse r = LUYU__CTL_RESPONSE__INIT;
    const char *unit = lu_web_field(req, "unit", NULL, NULL);
    const char *period = lu_web_field(req, "period", NULL, NULL);
    size_t len = 0;
    const char *note = lu_web_field(req, "note", &len, NULL);
    char who[64], err[128];
    uint32_t month;

    /* The role is the authorisation: checked here, on the server, for
     * every POST, whatever the page showed. */
    if (strcmp(u->role, "reviewer") != 0)
        return node_pages_refuse(np, resp, 403,
                                 _("Only the district's reviewers approve "
                                   "months."));
    if (unit == NULL || period == NULL ||
        !lu_units_has(node_user_units(u, np->ctx.units), unit))
        return node_pages_refuse(np, resp, 403,
                                 _("You may not review this unit."));
    /* Told in the page's words here; node_review_approve checks again. */
    if (lu_period_parse(period, &month, err, sizeof(err)) < 0)
        return node_pages_review_page(np, req, resp, ss, u,
                                      _("Not a month: write it as YYYY-MM, "
                                        "e.g. 2019-07."));
    if (note != NULL &&
        (len > LU_MAX_NOTE || strlen(note) != len || !lu_utf8_valid(note, len)))
        return node_pages_review_page(np, req, resp, ss, u,
                                      _("The note is too long (at most 512 "
                                        "bytes) or not valid text."));
    snprintf(who, sizeof(who), "web:%s", ss->user);
    if (node_review_approve(np->ctx.intake, unit, period, note ? note : "", who,
                            &r) == 0) {
        node_uplink_pump(np->ctx.uplink);
        lu_webauth_redirect(resp, "/review?approved=1");
    } else {
        node_pages_review_page(np, req, resp, ss, u,
                               r.n_problems ? r.problems[0]->message
                                            : r.message);
    }
    node_intake_response_clear(&r);
}
