/* The sections the text and Markdown bulletins share with the HTML one
 * (render_units.c, render_score.c): the per-district table of the month,
 * from the signed Bulletin.unit_figures, and in the year's last bulletin
 * the districts' assessment, its ranking and the arithmetic per
 * indicator. Amounts for people, in 万元/亿元 (common/money.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "amount.h"
#include "assess.h"
#include "bulletin.h"
#include "i18n.h"
#include "money.h"
#include "plan.h"
#include "render.h"
#include "render_sink.h"
#include "scores.h"
#include "util.h"
#include "xmalloc.h"

static void unit_row(struct ctl_sink *k, const Luyu__Bulletin *b,
                     const Luyu__UnitReport *u, const char **cols, size_t nc,
                     const char **cells, char (*cell)[LU_MONEY_LEN])
{
    cells[0] = u->name;
    for (size_t c = 0; c < nc; c++) {
        const Luyu__UnitFigure *x = ctl_render_unit_figure(b, u->code, cols[c]);
        const Luyu__IndicatorFigures *f = ledger_bulletin_indicator(b, cols[c]);

        cells[c + 1] =
            x != NULL && x->month != 0
                ? ctl_render_amount(f, x->month, cell[c], LU_MONEY_LEN)
                : "-";
    }
    ctl_sink_row(k, cells);
}

void ctl_render_text_units(struct ctl_sink *k, const struct ctl_render_view *v,
                           const char **codes, size_t m)
{
    const Luyu__Bulletin *b = v->b;
    const char **cols = lu_xcalloc(m + 1, sizeof(*cols));
    const char **head = lu_xcalloc(m + 2, sizeof(*head));
    const char **cells = lu_xcalloc(m + 2, sizeof(*cells));
    size_t *right = lu_xcalloc(m + 2, sizeof(*right));
    char(*cell)[LU_MONEY_LEN] = lu_xcalloc(m + 1, sizeof(*cell));
    size_t nc = ctl_render_unit_cols(b, codes, m, cols);
    char t[512];

    snprintf(t, sizeof(t), _("By district %s: the month's figures"),
             b->province_name);
    ctl_sink_heading(k, 2, t);
    if (b->n_unit_figures == 0 || nc == 0) {
        ctl_sink_para(k, ctl_render_units_predate(b)
                             ? _("This bulletin carries no per-district "
                                 "figures (issued before they were added).")
                             : _("No district has a figure this month."));
        goto out;
    }
    head[0] = _("unit");
    for (size_t c = 0; c < nc; c++) {
        head[c + 1] = ledger_bulletin_indicator(b, cols[c])->name;
        right[c] = c + 1;
    }
    right[nc] = SIZE_MAX;
    ctl_sink_start(k, nc + 1, head, right);
    for (size_t i = 0; i < b->n_units; i++) {
        if (ctl_render_unit_shown(b, b->units[i]))
            unit_row(k, b, b->units[i], cols, nc, cells, cell);
    }
    ctl_sink_end(k);
out:
    free(cols);
    free(head);
    free(cells);
    free(right);
    free(cell);
}

void ctl_render_text_scorecard(struct ctl_sink *k,
                               const struct ctl_render_view *v)
{
    static const char *const head_n[] = {N_("rank"), N_("unit"), N_("points")};
    static const size_t right[] = {0, 2, SIZE_MAX};
    const struct ledger_scores *a = v->scores;
    const char *head[3];
    char t[256], p[16], r[16], pts[32];

    snprintf(t, sizeof(t), _("Assessment %u of %s: points and rank"), a->year,
             v->province_name);
    ctl_sink_heading(k, 2, t);
    snprintf(t, sizeof(t),
             _("By the plan's assessment rules, figures to %s as the ledger "
               "holds them now (luyuctl assess); not part of the signed "
               "bulletin."),
             lu_period_format(a->upto, p, sizeof(p)));
    ctl_sink_para(k, t);
    ctl_render_tr(head_n, head, 3);
    ctl_sink_start(k, 3, head, right);
    for (size_t i = 0; i < a->n_units; i++) {
        snprintf(r, sizeof(r), "%d", a->units[i].rank);
        ctl_sink_row(k, (const char *[]){r, a->units[i].unit->name,
                                         lu_assess_points(a->units[i].points,
                                                          pts, sizeof(pts))});
    }
    ctl_sink_end(k);
}

/* One indicator's line: what was judged against what, and the points. */
static void line(struct ctl_sink *k, const struct lu_plan_indicator *ind,
                 const struct lu_assess_line *l)
{
    struct ctl_render_assess_cells c;

    ctl_render_assess_cells(ind, l, &c);
    ctl_sink_row(k, (const char *[]){ind->name,
                                     lu_assess_kind_text(ind->assess.kind),
                                     c.weight, c.figure, c.against, c.points});
}

void ctl_render_text_arithmetic(struct ctl_sink *k,
                                const struct ctl_render_view *v)
{
    static const char *const head_n[] = {N_("indicator"),
                                         N_("rule"),
                                         N_("weight"),
                                         N_("figure"),
                                         N_("goal or the year before"),
                                         N_("points")};
    static const size_t right[] = {2, 3, 4, 5, SIZE_MAX};
    const struct ledger_scores *a = v->scores;
    const char *head[6];
    char t[256], pts[32];

    snprintf(t, sizeof(t), _("Assessment %u of %s: the arithmetic"), a->year,
             v->province_name);
    ctl_sink_heading(k, 2, t);
    ctl_render_tr(head_n, head, 6);
    for (size_t i = 0; i < a->n_units; i++) {
        const struct ledger_scores_unit *u = &a->units[i];

        snprintf(t, sizeof(t), _("%d. %s: %s points"), u->rank, u->unit->name,
                 lu_assess_points(u->points, pts, sizeof(pts)));
        if (!k->md)
            lu_buf_adds(k->out, "\n");
        ctl_sink_para(k, t);
        ctl_sink_start(k, 6, head, right);
        for (size_t r = 0; r < a->n_rules; r++)
            line(k, a->rules[r], &u->lines[r]);
        ctl_sink_end(k);
    }
}
