/* The dashboard's 考核 page: the districts ranked by the plan's assessment
 * rules (ledger/scores.h), for a year or the plan to date, each with the
 * arithmetic per indicator so that a district can check its points. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "assess.h"
#include "dash_int.h"
#include "html.h"
#include "i18n.h"
#include "log.h"
#include "money.h"
#include "plan.h"
#include "reader.h"
#include "scores.h"
#include "web.h"

static void year_links(struct hub_dash *d, struct lu_buf *b, uint32_t year)
{
    const struct lu_plan *plan = d->ctx.plan;

    lu_buf_printf(b, "<p class=\"nav\"><a href=\"/assess\"%s>%s</a>",
                  year == 0 ? " id=\"shown\"" : "", _("To date"));
    for (uint32_t y = plan->start / 100; y <= plan->end / 100; y++)
        lu_buf_printf(b, " <a href=\"/assess?year=%u\"%s>%u</a>", y,
                      y == year ? " id=\"shown\"" : "", y);
    lu_buf_adds(b, "</p>");
}

static void detail(struct lu_buf *b, const struct ledger_scores *a, size_t u)
{
    char x[3][LU_MONEY_LEN], pts[32];

    lu_buf_printf(b,
                  "<details><summary>%s</summary><div class=\"wrap\"><table>"
                  "<tr><th>%s</th><th>%s</th><th class=\"n\">%s</th>"
                  "<th class=\"n\">%s</th><th class=\"n\">%s</th>"
                  "<th class=\"n\">%s</th></tr>",
                  _("How the points add up"), _("Indicator"), _("Rule"),
                  _("Weight"), _("Figure"), _("Goal or year before"),
                  _("Points"));
    for (size_t k = 0; k < a->n_rules; k++) {
        const struct lu_plan_indicator *ind = a->rules[k];
        const struct lu_assess_line *l = &a->units[u].lines[k];
        bool growth = ind->assess.kind == LU_ASSESS_GROWTH;

        lu_buf_adds(b, "<tr><td>");
        lu_html_esc(b, ind->name);
        lu_buf_printf(b,
                      "</td><td>%s</td><td class=\"n\">%d</td><td "
                      "class=\"n\">",
                      lu_assess_kind_text(ind->assess.kind),
                      ind->assess.weight);
        lu_html_esc(b, lu_money_amount(l->actual, ind->base_unit, ind->scale,
                                       x[0], sizeof(x[0])));
        lu_buf_adds(b, "</td><td class=\"n\">");
        if (!growth || l->prev >= 0)
            lu_html_esc(b, lu_money_amount(growth ? l->prev : l->goal,
                                           ind->base_unit, ind->scale, x[1],
                                           sizeof(x[1])));
        lu_buf_printf(b, "</td><td class=\"n\">%s</td></tr>",
                      lu_assess_points(l->points, pts, sizeof(pts)));
    }
    lu_buf_adds(b, "</table></div></details>");
}

static void ranking(struct lu_buf *b, const struct ledger_scores *a)
{
    char pts[32];

    lu_buf_printf(b,
                  "<div class=\"wrap\"><table id=\"scores\"><tr><th "
                  "class=\"n\">%s</th><th>%s</th><th class=\"n\">%s</th>"
                  "<th></th></tr>",
                  _("Rank"), _("Unit"), _("Points"));
    for (size_t i = 0; i < a->n_units; i++) {
        long long w = a->units[i].points > 0 ? a->units[i].points / 100 : 0;

        lu_buf_adds(b, "<tr data-unit=\"");
        lu_html_esc(b, a->units[i].unit->code);
        lu_buf_printf(b, "\"><td class=\"n\">%d</td><td>", a->units[i].rank);
        lu_html_esc(b, a->units[i].unit->name);
        lu_buf_printf(b,
                      "</td><td class=\"n\">%s</td><td><svg width=\"104\" "
                      "height=\"14\" role=\"img\"><rect x=\"0\" y=\"2\" "
                      "width=\"%lld\" height=\"10\" fill=\"#8b1a1a\"/>"
                      "</svg></td></tr><tr><td></td><td colspan=\"3\">",
                      lu_assess_points(a->units[i].points, pts, sizeof(pts)),
                      w > 100 ? 100 : w);
        detail(b, a, i);
        lu_buf_adds(b, "</td></tr>");
    }
    lu_buf_adds(b, "</table></div>");
}

void hub_dash_assess(struct hub_dash *d, struct lu_web_req *req,
                     struct lu_web_resp *resp, const struct lu_session *ss)
{
    const char *q = lu_web_query(req, "year");
    uint32_t year = 0, upto = 0;
    uint64_t y = 0;
    struct ledger_scores *a = NULL;
    struct lu_buf *b = &resp->body;
    char err[256], p[16];

    if (q != NULL && lu_parse_u64(q, &y) == 0 &&
        y >= d->ctx.plan->start / 100 && y <= d->ctx.plan->end / 100)
        year = (uint32_t)y;
    if (ledger_reader_last_period(d->db, &upto) < 0 || upto == 0)
        upto = d->ctx.plan->end;
    resp->status = 200;
    hub_dash_start(d, ss, resp, _("Assessment of the districts"));
    year_links(d, b, year);
    if (d->province[0] == '\0' ||
        ledger_scores(d->db, d->ctx.plan, d->province, year, upto, &a, err,
                      sizeof(err)) < 0) {
        lu_buf_printf(b, "<p>%s</p>", _("No figures in the ledger yet."));
        return hub_dash_end(resp);
    }
    lu_buf_adds(b, "<p>");
    lu_buf_printf(b,
                  _("Figures up to %s, scored by the plan's rules: share "
                    "(weight x figure / goal, up to the cap), growth (the "
                    "weight when above the year before), each (the weight "
                    "when the goal is reached)."),
                  lu_period_format(a->upto, p, sizeof(p)));
    lu_buf_adds(b, "</p>");
    ranking(b, a);
    ledger_scores_free(a);
    hub_dash_end(resp);
}
