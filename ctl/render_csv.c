/* One or more bulletins as CSV for spreadsheets and scripts, in blocks
 * separated by an empty line, each with its header row:
 *   the indicator table: one row per province and indicator, amounts as
 *     typed (yuan with two decimals), progress in per mille, names of
 *     kinds and statuses as in the JSON, and whether the people's formats
 *     expand it (every indicator has its row here);
 *   the per-district figures of the month (Bulletin.unit_figures): codes,
 *     and amounts as stored integers (fen for money) with their scale;
 *   in the year's last bulletin, the districts' assessment: rank and points
 *     in hundredths (luyuctl assess --format csv has the arithmetic).
 * Completeness and revisions are in the JSON only. */
#include <stdio.h>
#include <string.h>

#include "amount.h"
#include "bulletin.h"
#include "bulletin_expand.h"
#include "plan.h"
#include "render.h"
#include "scores.h"
#include "util.h"

static const char HEADER[] =
    "province,period,revision,draft,area,indicator,name,base_unit,month,ytd,"
    "since_start,target_kind,target,actual,goal,expected,progress_permille,"
    "status,expanded\n";
static const char UNITS_HEADER[] = "province,period,revision,unit,unit_name,"
                                   "indicator,base_unit,scale,month_stored,"
                                   "ytd_stored\n";
static const char SCORES_HEADER[] =
    "province,year,upto,rank,unit,unit_name,points_hundredths\n";

static void amount(struct lu_buf *o, int64_t v, int scale)
{
    char a[40];

    lu_buf_printf(o, ",%s", lu_amount_format(v, scale, a, sizeof(a)));
}

static void row(struct lu_buf *o, const Luyu__Bulletin *b,
                const Luyu__IndicatorFigures *f)
{
    int scale = (int)f->scale;
    int judged =
        f->target_kind == LUYU__TARGET_KIND__TARGET_COVERAGE ? 1 : scale;
    char p[16];

    lu_buf_csv_str(o, b->province);
    lu_buf_printf(o, ",%s,%u,%s,", lu_period_format(b->period, p, sizeof(p)),
                  b->revision, b->draft ? "true" : "false");
    lu_buf_csv_str(o, f->area);
    lu_buf_adds(o, ",");
    lu_buf_csv_str(o, f->code);
    lu_buf_adds(o, ",");
    lu_buf_csv_str(o, f->name);
    lu_buf_adds(o, ",");
    lu_buf_csv_str(o, f->base_unit);
    amount(o, f->month, scale);
    amount(o, f->ytd, scale);
    amount(o, f->since_start, scale);
    lu_buf_printf(o, ",%s",
                  lu_target_kind_name((enum lu_target_kind)f->target_kind));
    amount(o, f->target,
           f->target_kind == LUYU__TARGET_KIND__TARGET_RATIO ? 1 : scale);
    amount(o, f->actual, judged);
    amount(o, f->goal, judged);
    amount(o, f->expected, judged);
    if (f->has_progress)
        lu_buf_printf(o, ",%lld", (long long)f->progress_permille);
    else
        lu_buf_adds(o, ",");
    lu_buf_printf(o, ",%s,%s\n", ledger_bulletin_status_name(f->status),
                  ledger_bulletin_expanded(b, f) ? "true" : "false");
}

/* A unit's name as the bulletin has it; "" for one it does not list. */
static const char *unit_name(const Luyu__Bulletin *b, const char *code)
{
    for (size_t i = 0; i < b->n_units; i++) {
        if (strcmp(b->units[i]->code, code) == 0)
            return b->units[i]->name;
    }
    return "";
}

static void unit_rows(struct lu_buf *o, const Luyu__Bulletin *b)
{
    char p[16];

    for (size_t k = 0; k < b->n_unit_figures; k++) {
        const Luyu__UnitFigure *u = b->unit_figures[k];
        const Luyu__IndicatorFigures *f =
            ledger_bulletin_indicator(b, u->indicator);

        lu_buf_csv_str(o, b->province);
        lu_buf_printf(o, ",%s,%u,", lu_period_format(b->period, p, sizeof(p)),
                      b->revision);
        lu_buf_csv_str(o, u->unit);
        lu_buf_adds(o, ",");
        lu_buf_csv_str(o, unit_name(b, u->unit));
        lu_buf_adds(o, ",");
        lu_buf_csv_str(o, u->indicator);
        lu_buf_adds(o, ",");
        lu_buf_csv_str(o, f != NULL ? f->base_unit : "");
        lu_buf_printf(o, ",%u,%lld,%lld\n", f != NULL ? f->scale : 1,
                      (long long)u->month, (long long)u->ytd);
    }
}

static void score_rows(struct lu_buf *o, const struct ctl_render_view *v)
{
    const struct ledger_scores *a = v->scores;
    char p[16];

    for (size_t i = 0; i < a->n_units; i++) {
        lu_buf_csv_str(o, v->province);
        lu_buf_printf(o, ",%u,%s,%d,", a->year,
                      lu_period_format(a->upto, p, sizeof(p)),
                      a->units[i].rank);
        lu_buf_csv_str(o, a->units[i].unit->code);
        lu_buf_adds(o, ",");
        lu_buf_csv_str(o, a->units[i].unit->name);
        lu_buf_printf(o, ",%lld\n", (long long)a->units[i].points);
    }
}

void ctl_render_csv(const struct ctl_render_view *v, size_t n, struct lu_buf *o)
{
    bool units = false, scores = false;

    lu_buf_adds(o, HEADER);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; v[i].b != NULL && k < v[i].b->n_indicators; k++)
            row(o, v[i].b, v[i].b->indicators[k]);
        units = units || (v[i].b != NULL && v[i].b->n_unit_figures > 0);
        scores = scores || v[i].scores != NULL;
    }
    if (units) {
        lu_buf_adds(o, "\n");
        lu_buf_adds(o, UNITS_HEADER);
        for (size_t i = 0; i < n; i++) {
            if (v[i].b != NULL)
                unit_rows(o, v[i].b);
        }
    }
    if (scores) {
        lu_buf_adds(o, "\n");
        lu_buf_adds(o, SCORES_HEADER);
        for (size_t i = 0; i < n; i++) {
            if (v[i].scores != NULL)
                score_rows(o, &v[i]);
        }
    }
}
