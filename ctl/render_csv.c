/* The indicator table of one or more bulletins as CSV for spreadsheets:
 * one row per province and indicator, amounts as typed (yuan with two
 * decimals), progress in per mille, names of kinds and statuses as in the
 * JSON. Completeness and revisions are in the JSON only. */
#include <stdio.h>

#include "amount.h"
#include "bulletin.h"
#include "plan.h"
#include "render.h"
#include "util.h"

static const char HEADER[] =
    "province,period,revision,draft,area,indicator,name,base_unit,month,ytd,"
    "since_start,target_kind,target,actual,goal,expected,progress_permille,"
    "status\n";

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
    lu_buf_printf(o, ",%s\n", ledger_bulletin_status_name(f->status));
}

void ctl_render_csv(const struct ctl_render_view *v, size_t n, struct lu_buf *o)
{
    lu_buf_adds(o, HEADER);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; v[i].b != NULL && k < v[i].b->n_indicators; k++)
            row(o, v[i].b, v[i].b->indicators[k]);
    }
}
