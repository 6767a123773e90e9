/* Rendering bulletins for people and scripts (luyuctl bulletin show): one
 * bulletin, or with --joint both provinces' side by side. A view is a
 * bulletin plus what luyuctl checked about it; the formats are text and
 * Markdown (render_text.c), a self-contained printable HTML page with
 * inline SVG charts (render_html.c), CSV of the indicator table
 * (render_csv.c) and JSON (here, around ledger/bulletin_json.h). This file
 * also holds what the formats share: labels in Chinese, amounts with their
 * unit, target and progress wording. */
#ifndef CTL_RENDER_H
#define CTL_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "bulletin.pb-c.h"

struct lu_buf;
struct ledger_scores;

struct ctl_render_view {
    Luyu__Bulletin *b;       /* owned; NULL when the province has none */
    char province[17];       /* code, also when b is NULL */
    char province_name[257]; /* from the plan, also when b is NULL */
    char signer[65];         /* "" for a draft */
    char trust[512];         /* what was checked, for the reader */
    /* owned; the districts' assessment of the bulletin's year, for the
     * HTML of the year's last bulletin of the ledger's own province;
     * NULL otherwise */
    struct ledger_scores *scores;
};

void ctl_render_view_clear(struct ctl_render_view *v);

/* One indicator's assessment line as the cells every format prints: the
 * figure, what it was judged against (the goal, or the year before for
 * growth; "-" when there is none), the weight and the points. */
struct lu_plan_indicator;
struct lu_assess_line;
struct ctl_render_assess_cells {
    char figure[64], against[64], weight[16], points[32];
};
void ctl_render_assess_cells(const struct lu_plan_indicator *ind,
                             const struct lu_assess_line *l,
                             struct ctl_render_assess_cells *c);

void ctl_render_text(const struct ctl_render_view *v, size_t n, bool md,
                     struct lu_buf *out);
void ctl_render_html(const struct ctl_render_view *v, size_t n,
                     struct lu_buf *out);
/* The same page with its stylesheet at css (a path on the same server)
 * instead of inline, for a server whose Content-Security-Policy refuses
 * inline styles (the hub's dashboard); ctl_render_html_style() is that
 * stylesheet. */
void ctl_render_html_linked(const struct ctl_render_view *v, size_t n,
                            const char *css, struct lu_buf *out);
const char *ctl_render_html_style(void);
void ctl_render_csv(const struct ctl_render_view *v, size_t n,
                    struct lu_buf *out);
/* One view: {"signer", "trust", "bulletin": {...}}; joint: an array of
 * those, null for a province without a bulletin. */
void ctl_render_json(const struct ctl_render_view *v, size_t n, bool joint,
                     struct lu_buf *out);

/* ---- shared by the formats ---- */

/* "达标", "进度正常", "滞后", "无目标", "无基数"; "?" for unknown. */
const char *ctl_render_status(Luyu__Status s);
/* "按时", "迟报", "未报", "-". */
const char *ctl_render_state(Luyu__ReportState s);
/* "区县", "市", "部门", else the kind itself. */
const char *ctl_render_kind(const char *kind);
/* "元", "人", "个", else the base unit itself. */
const char *ctl_render_unit(const char *base_unit);

/* An amount of f's indicator as typed: "18000000.50". */
char *ctl_render_amount(const Luyu__IndicatorFigures *f, int64_t v, char *buf,
                        size_t len);
/* The target in words: "每年≥30000000.00", "计划期累计≥1000", "同比增长",
 * "每个区县每年≥1", "≥project_pool_total×1/3", "-". */
char *ctl_render_target(const Luyu__IndicatorFigures *f, char *buf, size_t len);
/* Progress: "60.0%", coverage "3/14", "-" when there is none; with the
 * pace needed ("应达17500000.00") when pace judged the status. */
char *ctl_render_progress(const Luyu__IndicatorFigures *f, char *buf,
                          size_t len);
char *ctl_render_pace(const Luyu__IndicatorFigures *f, char *buf, size_t len);

/* The areas of the views, in first-seen order, and the indicators of one
 * area: codes point into the views' bulletins. Free the arrays with
 * free(). */
size_t ctl_render_areas(const struct ctl_render_view *v, size_t n,
                        const Luyu__AreaTotals ***out);
size_t ctl_render_area_indicators(const struct ctl_render_view *v, size_t n,
                                  const char *area, const char ***codes);

/* Whether an indicator gets its rows (ledger_bulletin_expanded): it has a
 * figure this month or this year, or it is behind with a target due now or
 * figures that fall short. The others are named in one line, so that a
 * month's bulletin is not mostly rows of zeros. With several views,
 * expanded when it is in any of them. */
bool ctl_render_expanded(const struct ctl_render_view *v, size_t n,
                         const char *code);
/* Keeps the expanded of codes[0..m) in place and returns how many; appends
 * the names of the others to rest ("、" between them) and counts them in
 * *n_rest. */
size_t ctl_render_split(const struct ctl_render_view *v, size_t n,
                        const char **codes, size_t m, struct lu_buf *rest,
                        size_t *n_rest);
/* Walks the task areas of the views: calls each(ctx, area, codes, m) for
 * an area with expanded indicators codes[0..m), appends the names of the
 * others to rest as ctl_render_split does and counts them in *n_rest.
 * Returns the expanded codes of all areas in area order in *all (free it
 * with free()) and how many. */
typedef void ctl_render_area_fn(void *ctx, const Luyu__AreaTotals *a,
                                const char **codes, size_t m);
size_t ctl_render_walk_areas(const struct ctl_render_view *v, size_t n,
                             ctl_render_area_fn *each, void *ctx,
                             struct lu_buf *rest, size_t *n_rest,
                             const char ***all);

/* The per-district table of a bulletin (render_units.c), the same in
 * every format: its columns are those of codes[0..m) that b has and some
 * unit has a month figure for, written to cols (room for m) and counted;
 * its rows the units expected to report and any other with a figure. */
size_t ctl_render_unit_cols(const Luyu__Bulletin *b, const char **codes,
                            size_t m, const char **cols);
/* Whether b was issued before bulletins carried per-unit figures. */
bool ctl_render_units_predate(const Luyu__Bulletin *b);
bool ctl_render_unit_shown(const Luyu__Bulletin *b, const Luyu__UnitReport *u);
/* unit's figures of code in b; NULL when it has none. */
const Luyu__UnitFigure *ctl_render_unit_figure(const Luyu__Bulletin *b,
                                               const char *unit,
                                               const char *code);

/* "主要目标: 达标0, 进度正常1, 滞后1" (with the other counts when not 0). */
void ctl_render_area_summary(const Luyu__AreaTotals *a, struct lu_buf *out);

/* Title: "鲁渝扶贫协作月度通报 2019-07"; a view's line "重庆市 第1版"
 * or "重庆市 草稿 (第2版)". */
void ctl_render_title(const struct ctl_render_view *v, size_t n,
                      struct lu_buf *out);
void ctl_render_edition(const struct ctl_render_view *v, struct lu_buf *out);

/* Translates n messages marked N_() in a static table into out, for table
 * headers. */
void ctl_render_tr(const char *const *in, const char **out, size_t n);

/* A unit's month's review (UnitReport.review, a ReviewKind) for people. */
const char *ctl_render_review(uint32_t kind);

/* The month's figure for people; the part not accepted by the province
 * (issue 16: units whose month it had not accepted) marked provisional. */
const char *ctl_render_month(const Luyu__IndicatorFigures *f, char *buf,
                             size_t len);

#endif
