/* The scorecard (考核) in the HTML of the year's last bulletin: each
 * district's points and rank for the year, a link from each to its
 * arithmetic per indicator, the same numbers as luyuctl assess and the
 * dashboard's assessment page (ledger/scores.h, common/assess.h). */
#include <stdio.h>

#include "amount.h"
#include "assess.h"
#include "i18n.h"
#include "money.h"
#include "plan.h"
#include "render_html.h"
#include "scores.h"
#include "util.h"

static void ranking(struct lu_buf *o, const struct ledger_scores *a)
{
    char t[64], pts[32];

    lu_buf_adds(o, "<div class=\"wrap\"><table class=\"scores\">\n<tr>");
    ctl_render_html_el(o, "th", NULL, _("rank"));
    ctl_render_html_el(o, "th", NULL, _("unit"));
    ctl_render_html_el(o, "th", NULL, _("points"));
    lu_buf_adds(o, "</tr>\n");
    for (size_t i = 0; i < a->n_units; i++) {
        const struct ledger_scores_unit *u = &a->units[i];

        snprintf(t, sizeof(t), "%d", u->rank);
        lu_buf_adds(o, "<tr data-unit=\"");
        ctl_render_html_esc(o, u->unit->code);
        lu_buf_adds(o, "\">");
        ctl_render_html_el(o, "td", "n", t);
        lu_buf_adds(o, "<td><a href=\"#score-");
        ctl_render_html_esc(o, u->unit->code);
        lu_buf_adds(o, "\">");
        ctl_render_html_esc(o, u->unit->name);
        lu_buf_adds(o, "</a></td>");
        ctl_render_html_el(o, "td", "n",
                           lu_assess_points(u->points, pts, sizeof(pts)));
        lu_buf_adds(o, "</tr>\n");
    }
    lu_buf_adds(o, "</table></div>\n");
}

/* One indicator's line: what was judged against what, and the points. */
static void line(struct lu_buf *o, const struct lu_plan_indicator *ind,
                 const struct lu_assess_line *l)
{
    struct ctl_render_assess_cells c;

    ctl_render_assess_cells(ind, l, &c);
    lu_buf_adds(o, "<tr>");
    ctl_render_html_el(o, "td", NULL, ind->name);
    ctl_render_html_el(o, "td", NULL, lu_assess_kind_text(ind->assess.kind));
    ctl_render_html_el(o, "td", "n", c.weight);
    ctl_render_html_el(o, "td", "n", c.figure);
    ctl_render_html_el(o, "td", "n", c.against);
    ctl_render_html_el(o, "td", "n", c.points);
    lu_buf_adds(o, "</tr>\n");
}

static void arithmetic(struct lu_buf *o, const struct ledger_scores *a,
                       const struct ledger_scores_unit *u)
{
    static const char *const head[] = {N_("indicator"),
                                       N_("rule"),
                                       N_("weight"),
                                       N_("figure"),
                                       N_("goal or the year before"),
                                       N_("points")};
    char t[256], pts[32];

    lu_buf_adds(o, "<div class=\"arith\" id=\"score-");
    ctl_render_html_esc(o, u->unit->code);
    lu_buf_adds(o, "\">");
    snprintf(t, sizeof(t), _("%d. %s: %s points"), u->rank, u->unit->name,
             lu_assess_points(u->points, pts, sizeof(pts)));
    ctl_render_html_el(o, "h3", NULL, t);
    lu_buf_adds(o, "<div class=\"wrap\"><table>\n<tr>");
    for (size_t k = 0; k < 6; k++)
        ctl_render_html_el(o, "th", NULL, _(head[k]));
    lu_buf_adds(o, "</tr>\n");
    for (size_t k = 0; k < a->n_rules; k++)
        line(o, a->rules[k], &u->lines[k]);
    lu_buf_adds(o, "</table></div></div>\n");
}

void ctl_render_scorecard(struct lu_buf *o, const struct ctl_render_view *v)
{
    const struct ledger_scores *a = v->scores;
    char t[256], p[16];

    snprintf(t, sizeof(t), _("Assessment %u of %s: points and rank"), a->year,
             v->province_name);
    lu_buf_adds(o, "<section id=\"scorecard\">\n");
    ctl_render_html_el(o, "h2", NULL, t);
    snprintf(t, sizeof(t),
             _("By the plan's assessment rules, figures to %s as the ledger "
               "holds them now (luyuctl assess); not part of the signed "
               "bulletin."),
             lu_period_format(a->upto, p, sizeof(p)));
    ctl_render_html_el(o, "p", NULL, t);
    ranking(o, a);
    lu_buf_adds(o, "</section>\n");
}

void ctl_render_scorecard_detail(struct lu_buf *o,
                                 const struct ctl_render_view *v)
{
    const struct ledger_scores *a = v->scores;
    char t[256];

    snprintf(t, sizeof(t), _("Assessment %u of %s: the arithmetic"), a->year,
             v->province_name);
    lu_buf_adds(o, "<section id=\"scorecard-detail\">\n");
    ctl_render_html_el(o, "h2", NULL, t);
    for (size_t i = 0; i < a->n_units; i++)
        arithmetic(o, a, &a->units[i]);
    lu_buf_adds(o, "</section>\n");
}
