/* The dashboard's figure pages: 总览 (the month's headline figures against
 * target and pace, who reported, what is new since the last bulletin),
 * 指标 (one indicator month by month and per district) and 报送 (districts
 * x months). Every number comes from the ledger library: the draft
 * bulletin (hub/dash_live.c), the balance table and the stored
 * bulletins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulletin.h"
#include "bulletin_words.h"
#include "bulletins.h"
#include "dash_int.h"
#include "html.h"
#include "i18n.h"
#include "money.h"
#include "plan.h"
#include "reader.h"
#include "web.h"
#include "xmalloc.h"

static const char *status_class(Luyu__Status s)
{
    return s == LUYU__STATUS__STATUS_BEHIND ? "behind"
           : s == LUYU__STATUS__STATUS_MET || s == LUYU__STATUS__STATUS_ON_TRACK
               ? "ok"
               : "";
}

static void month_form(struct lu_buf *b, const char *action, uint32_t month,
                       const char *code)
{
    char p[16];

    lu_buf_printf(b,
                  "<form method=\"get\" action=\"%s\"><label>%s "
                  "<input type=\"month\" name=\"month\" value=\"%s\">"
                  "</label>",
                  action, _("Month"), hub_dash_period(month, p, sizeof(p)));
    if (code != NULL) {
        lu_buf_adds(b, "<input type=\"hidden\" name=\"code\" value=\"");
        lu_html_esc(b, code);
        lu_buf_adds(b, "\">");
    }
    lu_buf_printf(b, " <button>%s</button></form>", _("Show"));
}

/* A bar of actual against goal, with the pace mark, 160 px wide. */
static void progress_bar(struct lu_buf *b, const Luyu__IndicatorFigures *f)
{
    long long w = 0, e = 0;

    if (f->goal <= 0)
        return;
    w = f->actual >= f->goal ? 160 : (long long)(160.0 * f->actual / f->goal);
    e = f->expected >= f->goal ? 160
                               : (long long)(160.0 * f->expected / f->goal);
    lu_buf_printf(b,
                  "<svg width=\"200\" height=\"18\" role=\"img\">"
                  "<rect x=\"0\" y=\"3\" width=\"160\" height=\"12\" "
                  "fill=\"#eee\"/><rect x=\"0\" y=\"3\" width=\"%lld\" "
                  "height=\"12\" fill=\"%s\"/>",
                  w < 0 ? 0 : w,
                  f->status == LUYU__STATUS__STATUS_BEHIND ? "#c33" : "#393");
    if (f->expected > 0)
        lu_buf_printf(b,
                      "<line x1=\"%lld\" x2=\"%lld\" y1=\"0\" y2=\"18\" "
                      "stroke=\"#000\"/>",
                      e, e);
    lu_buf_printf(b, "<text x=\"164\" y=\"14\">%lld%%</text></svg>",
                  (long long)(f->progress_permille / 10));
}

static void figure_row(struct lu_buf *b, const Luyu__IndicatorFigures *f)
{
    char t[LU_MONEY_LEN];

    lu_buf_adds(b, "<tr data-code=\"");
    lu_html_esc(b, f->code);
    lu_buf_adds(b, "\"><td><a href=\"/indicator?code=");
    lu_html_esc(b, f->code);
    lu_buf_adds(b, "\">");
    lu_html_esc(b, f->name);
    lu_buf_printf(b, "</a></td><td class=\"n\" id=\"m-%s\">", f->code);
    lu_html_esc(b, hub_dash_amount(f, f->month, t, sizeof(t)));
    lu_buf_printf(b, "</td><td class=\"n\" id=\"y-%s\">", f->code);
    lu_html_esc(b, hub_dash_amount(f, f->ytd, t, sizeof(t)));
    lu_buf_printf(b, "</td><td class=\"n\" id=\"s-%s\">", f->code);
    lu_html_esc(b, hub_dash_amount(f, f->since_start, t, sizeof(t)));
    lu_buf_adds(b, "</td><td class=\"n\">");
    if (f->goal > 0)
        lu_html_esc(b, f->target_kind == LUYU__TARGET_KIND__TARGET_COVERAGE
                           ? lu_money_group(f->goal, 0, t, sizeof(t))
                           : hub_dash_amount(f, f->goal, t, sizeof(t)));
    lu_buf_adds(b, "</td><td class=\"n\">");
    if (f->expected > 0)
        lu_html_esc(b, f->target_kind == LUYU__TARGET_KIND__TARGET_COVERAGE
                           ? lu_money_group(f->expected, 0, t, sizeof(t))
                           : hub_dash_amount(f, f->expected, t, sizeof(t)));
    lu_buf_adds(b, "</td><td>");
    progress_bar(b, f);
    lu_buf_printf(b, "</td><td class=\"%s\">%s</td></tr>",
                  status_class(f->status),
                  ledger_bulletin_status_text(f->status));
}

static void completeness(struct lu_buf *b, const Luyu__Bulletin *bl)
{
    const Luyu__Completeness *c = bl->completeness;
    char t[LU_MONEY_LEN];

    if (c == NULL)
        return;
    lu_buf_printf(
        b,
        "<div class=\"cards\"><div class=\"card\">%s<div "
        "class=\"big\" id=\"c-reported\">%u / %u</div></div>"
        "<div class=\"card\">%s<div class=\"big\" "
        "id=\"c-on-time\">%u</div></div><div class=\"card\">%s"
        "<div class=\"big late\" id=\"c-late\">%u</div></div>"
        "<div class=\"card\">%s<div class=\"big missing\" "
        "id=\"c-missing\">%u</div></div><div class=\"card\">%s"
        "<div class=\"big\" id=\"entries\">%s</div></div></div>",
        _("Reported"), c->reported, c->expected, _("on time"), c->on_time,
        _("late"), c->late, _("missing"), c->missing,
        _("Entries in the ledger"),
        lu_money_group((int64_t)bl->entries_covered, 0, t, sizeof(t)));
    if (c->missing == 0)
        return;
    lu_buf_printf(b, "<p>%s ", _("Not reported yet:"));
    for (size_t i = 0, n = 0; i < bl->n_units; i++) {
        if (bl->units[i]->state != LUYU__REPORT_STATE__REPORT_MISSING)
            continue;
        lu_buf_adds(b, n++ ? "、" : "");
        lu_buf_adds(b, "<span class=\"missing\">");
        lu_html_esc(b, bl->units[i]->name);
        lu_buf_adds(b, "</span>");
    }
    lu_buf_adds(b, "</p>");
}

/* Whether the overview gives f a row: it has figures, or a target. */
static bool shown(const Luyu__IndicatorFigures *f)
{
    return f->since_start != 0 || f->goal > 0;
}

/* The overview's figures of bl, the draft of month: its heading, the
 * month's completeness, the indicators, and the quiet ones in a line. */
static void figures(struct lu_buf *b, const Luyu__Bulletin *bl, uint32_t month)
{
    size_t quiet = 0;
    char p[16];

    lu_buf_printf(b, "<div id=\"live\" data-month=\"%s\"><h2>",
                  hub_dash_period(month, p, sizeof(p)));
    lu_html_esc(b, bl->province_name);
    lu_buf_printf(b, " %s</h2>", p);
    completeness(b, bl);
    lu_buf_printf(b,
                  "<div class=\"wrap\"><table id=\"figures\"><tr><th>%s</th>"
                  "<th class=\"n\">%s</th><th class=\"n\">%s</th>"
                  "<th class=\"n\">%s</th><th class=\"n\">%s</th>"
                  "<th class=\"n\">%s</th><th>%s</th><th>%s</th></tr>",
                  _("Indicator"), _("This month"), _("Year to date"),
                  _("Since the plan began"), _("Target"), _("Due by now"),
                  _("Progress"), _("Status"));
    for (size_t i = 0; i < bl->n_indicators; i++) {
        if (shown(bl->indicators[i]))
            figure_row(b, bl->indicators[i]);
        else
            quiet++;
    }
    lu_buf_adds(b, "</table></div>");
    /* A page of zeros hides what matters: indicators without figures and
     * without a target are one line. */
    if (quiet > 0) {
        lu_buf_printf(b, "<p id=\"quiet\">");
        lu_buf_printf(b,
                      _("%zu more indicators have no figures and no "
                        "target yet:"),
                      quiet);
        for (size_t i = 0; i < bl->n_indicators; i++) {
            if (shown(bl->indicators[i]))
                continue;
            lu_buf_adds(b, " <a href=\"/indicator?code=");
            lu_html_esc(b, bl->indicators[i]->code);
            lu_buf_adds(b, "\">");
            lu_html_esc(b, bl->indicators[i]->name);
            lu_buf_adds(b, "</a>");
        }
        lu_buf_adds(b, "</p>");
    }
}

void hub_dash_overview(struct hub_dash *d, struct lu_web_req *req,
                       struct lu_web_resp *resp, const struct lu_session *ss)
{
    uint32_t month = hub_dash_month(d, req);
    const Luyu__Bulletin *bl = hub_dash_draft(d, month);
    struct lu_buf *b = &resp->body;
    const char *changes = NULL;

    resp->status = 200;
    hub_dash_start(d, ss, resp, _("Where the plan stands"));
    month_form(b, "/", month, NULL);
    if (bl == NULL) {
        lu_buf_printf(b, "<p>%s</p>", _("No figures in the ledger yet."));
        return hub_dash_end(resp);
    }
    /* The same for every viewer until the next draft (draft_ms moves
     * with it), as the changes below. */
    if (d->overview_of != bl || d->overview_ms != d->draft_ms ||
        bl != d->draft || d->overview.data == NULL) {
        lu_buf_free(&d->overview);
        lu_buf_init(&d->overview);
        figures(&d->overview, bl, month);
        d->overview_of = bl;
        d->overview_ms = d->draft_ms;
    }
    lu_buf_add(b, d->overview.data, d->overview.len);
    lu_buf_adds(b, "</div>");
    changes = lu_web_query(req, "changes");
    hub_dash_changes(d, b, bl, changes != NULL && strcmp(changes, "all") == 0);
    hub_dash_end(resp);
}

static bool own_unit(struct hub_dash *d, const char *code)
{
    const struct lu_plan_unit *u = lu_plan_unit(d->ctx.plan, code);

    return u != NULL && strcmp(u->province, d->province) == 0;
}

/* The districts' figures for the month, largest first. */
static void by_unit(struct hub_dash *d, struct lu_buf *b,
                    const Luyu__IndicatorFigures *f, uint32_t month)
{
    struct ledger_balances *c = NULL;
    struct ledger_balance row;
    char t[LU_MONEY_LEN];

    lu_buf_printf(b,
                  "<h2>%s</h2><div class=\"wrap\"><table id=\"units\"><tr>"
                  "<th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
                  "</tr>",
                  _("By district"), _("Unit"), _("This month"), _("Entries"));
    if (ledger_balances_open(d->db, NULL, f->code, month, &c) == 0) {
        while (ledger_balances_next(c, &row) == 1) {
            const struct lu_plan_unit *u = lu_plan_unit(d->ctx.plan, row.unit);

            if (!own_unit(d, row.unit))
                continue;
            lu_buf_adds(b, "<tr data-unit=\"");
            lu_html_esc(b, row.unit);
            lu_buf_adds(b, "\"><td>");
            lu_html_esc(b, u->name);
            lu_buf_adds(b, "</td><td class=\"n\">");
            lu_html_esc(b, hub_dash_amount(f, row.amount, t, sizeof(t)));
            lu_buf_printf(b, "</td><td class=\"n\">%lld</td></tr>",
                          (long long)row.entries);
        }
        ledger_balances_free(c);
    }
    lu_buf_adds(b, "</table></div>");
}

void hub_dash_indicator(struct hub_dash *d, struct lu_web_req *req,
                        struct lu_web_resp *resp, const struct lu_session *ss)
{
    uint32_t month = hub_dash_month(d, req);
    const Luyu__Bulletin *bl = hub_dash_draft(d, month);
    const char *code = lu_web_query(req, "code");
    const Luyu__IndicatorFigures *f = NULL;
    struct lu_buf *b = &resp->body;

    if (bl != NULL)
        f = code               ? ledger_bulletin_indicator(bl, code)
            : bl->n_indicators ? bl->indicators[0]
                               : NULL;
    if (bl != NULL && f == NULL)
        return hub_dash_refuse(d, resp, 404, _("No such indicator."));
    resp->status = 200;
    hub_dash_start(d, ss, resp, f ? f->name : _("Indicators"));
    month_form(b, "/indicator", month, f ? f->code : NULL);
    if (f == NULL) {
        lu_buf_printf(b, "<p>%s</p>", _("No figures in the ledger yet."));
        return hub_dash_end(resp);
    }
    lu_buf_printf(b,
                  "<div class=\"wrap\"><table id=\"figures\"><tr><th>%s</th>"
                  "<th class=\"n\">%s</th><th class=\"n\">%s</th>"
                  "<th class=\"n\">%s</th><th class=\"n\">%s</th>"
                  "<th class=\"n\">%s</th><th>%s</th><th>%s</th></tr>",
                  _("Indicator"), _("This month"), _("Year to date"),
                  _("Since the plan began"), _("Target"), _("Due by now"),
                  _("Progress"), _("Status"));
    figure_row(b, f);
    lu_buf_adds(b, "</table></div>");
    hub_dash_trend(d, b, bl, f, month);
    by_unit(d, b, f, month);
    lu_buf_printf(b, "<h2>%s</h2><p>", _("Other indicators"));
    for (size_t i = 0; i < bl->n_indicators; i++) {
        lu_buf_adds(b, "<a href=\"/indicator?code=");
        lu_html_esc(b, bl->indicators[i]->code);
        lu_buf_adds(b, "\">");
        lu_html_esc(b, bl->indicators[i]->name);
        lu_buf_adds(b, "</a> ");
    }
    lu_buf_adds(b, "</p>");
    hub_dash_end(resp);
}
