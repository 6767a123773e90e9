/* A bulletin as one self-contained HTML page that an official can open in
 * a browser or print: no scripts, no external fonts or images; a table per
 * task area with an inline SVG bar chart of progress against target; with
 * several provinces, their columns and bars side by side. The markup is
 * XHTML-clean (every element closed, attributes quoted, only the five XML
 * entities), so that it also parses as XML; the test does exactly that. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "bulletin.h"
#include "i18n.h"
#include "money.h"
#include "render.h"
#include "render_html.h"
#include "util.h"
#include "xmalloc.h"

/* The chart: label column, bar area for 0..150 %, one bar per province. */
#define SVG_W 760
#define SVG_LABEL 250
#define SVG_BARS 420
#define SVG_MAX_PM 1500
#define SVG_BAR_H 12
#define SVG_GAP 8
/* Indicators the summary names as behind; the tables have every one. */
#define SUMMARY_BEHIND 5

static const char STYLE[] =
    "@page{size:A4 landscape;margin:12mm}"
    "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\","
    "\"Microsoft YaHei\",\"PingFang SC\",\"Hiragino Sans GB\",sans-serif;"
    "font-size:11pt;color:#111;margin:1em}"
    ".wrap{overflow-x:auto;max-width:100%}th{white-space:nowrap}"
    "td:first-child{min-width:8em}"
    ".summary{border:2px solid #8b1a1a;padding:.3em 1em;margin:.5em 0}"
    ".summary li{margin:.2em 0}footer{margin-top:2em;color:#444}"
    ".rest{color:#444}"
    "h1{font-size:16pt}h2{font-size:13pt;margin:1em 0 .3em}"
    "table{border-collapse:collapse;margin:.3em 0}"
    "th,td{border:1px solid #888;padding:2px 6px;vertical-align:top}"
    "th{background:#eee}td.n{text-align:right;white-space:nowrap}"
    "td.spark{white-space:nowrap;padding:0 4px}"
    ".st-met{background:#d8f0d8}.st-on_track{background:#fff1c2}"
    ".st-behind{background:#f6d0d0}"
    ".draft{border:3px solid #b00;color:#b00;padding:.4em;font-weight:bold}"
    ".cols{display:flex;gap:2em;flex-wrap:wrap}"
    ".cols>div{min-width:0;max-width:100%}"
    "dl{display:grid;grid-template-columns:auto minmax(0,1fr);gap:0 1em;"
    "margin:0}dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere}"
    "section{break-inside:avoid;page-break-inside:avoid}"
    "code{font-size:9pt;word-break:break-all}"
    "@media print{body{margin:0}.wrap{overflow:visible}}"
    "@media(max-width:600px){body{margin:.3em;font-size:12pt}}";

/* Text content and attribute values: the five XML escapes, and control
 * characters (illegal in XML 1.0) as spaces. */
static void esc(struct lu_buf *o, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '&')
            lu_buf_adds(o, "&amp;");
        else if (c == '<')
            lu_buf_adds(o, "&lt;");
        else if (c == '>')
            lu_buf_adds(o, "&gt;");
        else if (c == '"')
            lu_buf_adds(o, "&quot;");
        else if (c == '\'')
            lu_buf_adds(o, "&#39;");
        else if (c < 0x20 || c == 0x7f)
            lu_buf_adds(o, " ");
        else
            lu_buf_add(o, s, 1);
    }
}

void ctl_render_html_esc(struct lu_buf *o, const char *s)
{
    esc(o, s);
}

/* <tag class="cls">text</tag>; cls may be NULL. */
static void el(struct lu_buf *o, const char *tag, const char *cls,
               const char *text)
{
    lu_buf_printf(o, "<%s", tag);
    if (cls != NULL)
        lu_buf_printf(o, " class=\"%s\"", cls);
    lu_buf_adds(o, ">");
    esc(o, text);
    lu_buf_printf(o, "</%s>", tag);
}

void ctl_render_html_el(struct lu_buf *o, const char *tag, const char *cls,
                        const char *text)
{
    el(o, tag, cls, text);
}

static void status_cell(struct lu_buf *o, Luyu__Status s)
{
    char cls[32];

    snprintf(cls, sizeof(cls), "st-%s", ledger_bulletin_status_name(s));
    el(o, "td", cls, ctl_render_status(s));
}

static void head(struct lu_buf *o, const struct ctl_render_view *v, size_t n,
                 const char *css)
{
    struct lu_buf t;

    lu_buf_init(&t);
    ctl_render_title(v, n, &t);
    lu_buf_printf(o,
                  "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/"
                  "xhtml\" lang=\"%s\">\n<head>\n<meta charset=\"utf-8\""
                  "/>\n<meta name=\"viewport\" content=\"width=device-width, "
                  "initial-scale=1\"/>\n",
                  lu_i18n_translated() ? "zh-CN" : "en");
    el(o, "title", NULL, t.data);
    if (css == NULL) {
        lu_buf_printf(o, "\n<style>%s</style>\n</head>\n<body>\n", STYLE);
    } else {
        lu_buf_adds(o, "\n<link rel=\"stylesheet\" href=\"");
        esc(o, css);
        lu_buf_adds(o, "\"/>\n</head>\n<body>\n");
    }
    el(o, "h1", NULL, t.data);
    lu_buf_adds(o, "\n");
    for (size_t i = 0; i < n; i++) {
        if (v[i].b != NULL && v[i].b->draft) {
            el(o, "p", "draft",
               _("DRAFT: computed from the ledger now; not issued, not "
                 "signed."));
            lu_buf_adds(o, "\n");
            break;
        }
    }
    lu_buf_free(&t);
}

static void dl_item(struct lu_buf *o, const char *dt, const char *dd)
{
    el(o, "dt", NULL, dt);
    el(o, "dd", NULL, dd);
    lu_buf_adds(o, "\n");
}

static void about(struct lu_buf *o, const struct ctl_render_view *v)
{
    const Luyu__Bulletin *b = v->b;
    struct lu_buf t;
    char a[40], hex[65] = "";

    lu_buf_init(&t);
    ctl_render_edition(v, &t);
    lu_buf_adds(o, "<div>");
    el(o, "h2", NULL, t.data);
    lu_buf_adds(o, "<dl>\n");
    if (b != NULL) {
        t.len = 0;
        lu_buf_printf(&t, "%s %s", ledger_calendar_format(b->issued_at, a, 40),
                      v->signer);
        dl_item(o, b->draft ? _("computed") : _("issued"), t.data);
        dl_item(o, _("closed"), ledger_calendar_format(b->closed_at, a, 40));
        t.len = 0;
        lu_buf_printf(&t, _("%llu ledger entries (≤ #%lld)"),
                      (unsigned long long)b->entries_covered,
                      (long long)b->upto_entry);
        dl_item(o, _("covers"), t.data);
        for (size_t i = 0; i < b->digest.len && i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", b->digest.data[i]);
        dl_item(o, _("SHA-256 digest"), hex);
    }
    dl_item(o, _("check"), v->trust);
    lu_buf_adds(o, "</dl></div>\n");
    lu_buf_free(&t);
}

static void table_head(struct lu_buf *o, const struct ctl_render_view *v,
                       size_t n)
{
    static const char *const one[] = {
        N_("month"),  N_("year to date"),      N_("since the plan began"),
        N_("target"), N_("due by now"),        N_("progress"),
        N_("status"), N_("this year by month")};
    static const char *const many[] = {N_("month"), N_("year to date"),
                                       N_("progress"), N_("status"),
                                       N_("this year by month")};
    size_t k = n == 1 ? 8 : 5;

    lu_buf_adds(o, "<thead><tr><th rowspan=\"2\">");
    esc(o, _("indicator"));
    lu_buf_adds(o, "</th><th rowspan=\"2\">");
    esc(o, _("unit of measure"));
    lu_buf_adds(o, "</th>");
    for (size_t i = 0; i < n; i++) {
        lu_buf_printf(o, "<th colspan=\"%zu\">", k);
        esc(o, v[i].b                  ? v[i].b->province_name
               : v[i].province_name[0] ? v[i].province_name
                                       : v[i].province);
        lu_buf_adds(o, "</th>");
    }
    lu_buf_adds(o, "</tr>\n<tr>");
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < k; j++)
            el(o, "th", NULL, _(n == 1 ? one[j] : many[j]));
    }
    lu_buf_adds(o, "</tr></thead>\n");
}

static void figure_cells(struct lu_buf *o, const Luyu__IndicatorFigures *f,
                         size_t n)
{
    char a[96];

    if (f == NULL) {
        for (size_t j = 0; j < (n == 1 ? 8 : 5); j++)
            lu_buf_adds(o, "<td></td>");
        return;
    }
    el(o, "td", "n", ctl_render_month(f, a, sizeof(a)));
    el(o, "td", "n", ctl_render_amount(f, f->ytd, a, sizeof(a)));
    if (n == 1) {
        el(o, "td", "n", ctl_render_amount(f, f->since_start, a, sizeof(a)));
        el(o, "td", NULL, ctl_render_target(f, a, sizeof(a)));
        el(o, "td", "n", ctl_render_pace(f, a, sizeof(a)));
    }
    el(o, "td", "n", ctl_render_progress(f, a, sizeof(a)));
    status_cell(o, f->status);
    ctl_render_spark(o, f);
}

static const Luyu__IndicatorFigures *find(const struct ctl_render_view *v,
                                          const char *code)
{
    return v->b ? ledger_bulletin_indicator(v->b, code) : NULL;
}

static const Luyu__IndicatorFigures *any(const struct ctl_render_view *v,
                                         size_t n, const char *code)
{
    const Luyu__IndicatorFigures *f = NULL;

    for (size_t i = 0; i < n && f == NULL; i++)
        f = find(&v[i], code);
    return f;
}

static void area_table(struct lu_buf *o, const struct ctl_render_view *v,
                       size_t n, const char **codes, size_t m)
{
    lu_buf_adds(o, "<div class=\"wrap\"><table>\n");
    table_head(o, v, n);
    lu_buf_adds(o, "<tbody>\n");
    for (size_t c = 0; c < m; c++) {
        const Luyu__IndicatorFigures *f = any(v, n, codes[c]);

        lu_buf_adds(o, "<tr>");
        el(o, "td", NULL, f->name);
        el(o, "td", NULL, ctl_render_unit(f->base_unit));
        for (size_t i = 0; i < n; i++)
            figure_cells(o, find(&v[i], codes[c]), n);
        lu_buf_adds(o, "</tr>\n");
    }
    lu_buf_adds(o, "</tbody></table></div>\n");
}

static int x_of(int64_t pm)
{
    pm = pm < 0 ? 0 : pm > SVG_MAX_PM ? SVG_MAX_PM : pm;
    return SVG_LABEL + (int)(pm * SVG_BARS / SVG_MAX_PM);
}

static const char *bar_colour(Luyu__Status s)
{
    return s == LUYU__STATUS__STATUS_MET        ? "#3a9d3a"
           : s == LUYU__STATUS__STATUS_ON_TRACK ? "#e0a800"
           : s == LUYU__STATUS__STATUS_BEHIND   ? "#c0392b"
                                                : "#999999";
}

/* The pace needed, in per mille of the goal, where pace judged the status;
 * -1 where it did not. */
static int64_t pace_pm(const Luyu__IndicatorFigures *f)
{
    if (f->goal <= 0 || f->expected <= 0 ||
        f->target_kind == LUYU__TARGET_KIND__TARGET_GROWTH ||
        f->target_kind == LUYU__TARGET_KIND__TARGET_RATIO)
        return -1;
    return (int64_t)((__int128)f->expected * 1000 / f->goal);
}

static void svg_text(struct lu_buf *o, int x, int y, const char *anchor,
                     const char *text)
{
    lu_buf_printf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\">", x, y,
                  anchor);
    esc(o, text);
    lu_buf_adds(o, "</text>\n");
}

static void svg_bar(struct lu_buf *o, const Luyu__IndicatorFigures *f,
                    const char *province, int y)
{
    char a[160], p[48], v[LU_MONEY_LEN];
    int64_t pace;
    int x;

    if (province != NULL)
        svg_text(o, SVG_LABEL - 4, y + SVG_BAR_H - 2, "end", province);
    if (f == NULL || !f->has_progress) {
        svg_text(o, SVG_LABEL + 4, y + SVG_BAR_H - 2, "start",
                 f ? ctl_render_status(f->status) : "-");
        return;
    }
    x = x_of(f->progress_permille);
    lu_buf_printf(o,
                  "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                  "fill=\"%s\"/>\n",
                  SVG_LABEL, y, x - SVG_LABEL, SVG_BAR_H,
                  bar_colour(f->status));
    pace = pace_pm(f);
    if (pace >= 0)
        lu_buf_printf(o,
                      "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                      "stroke=\"#000\" stroke-width=\"2\"/>\n",
                      x_of(pace), y - 2, x_of(pace), y + SVG_BAR_H + 2);
    if (f->target_kind == LUYU__TARGET_KIND__TARGET_COVERAGE)
        snprintf(a, sizeof(a), "%s %s", ctl_render_progress(f, p, sizeof(p)),
                 ctl_render_status(f->status));
    else
        snprintf(a, sizeof(a), "%s %s · %s",
                 ctl_render_progress(f, p, sizeof(p)),
                 ctl_render_status(f->status),
                 ctl_render_amount(f, f->actual, v, sizeof(v)));
    svg_text(o, x + 4, y + SVG_BAR_H - 2, "start", a);
}

/* Bars of progress against the goal (100 %), with the pace needed as a
 * black tick, one row per indicator, one bar per province. */
static void chart(struct lu_buf *o, const struct ctl_render_view *v, size_t n,
                  const char **codes, size_t m)
{
    int row = (int)n * (SVG_BAR_H + 4) + SVG_GAP, top = 18;
    int h = top + (int)m * row + 4, y;

    lu_buf_printf(o,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                  "height=\"%d\" viewBox=\"0 0 %d %d\" font-size=\"13\" "
                  "role=\"img\"><title>",
                  SVG_W, h, SVG_W, h);
    esc(o, _("progress against target"));
    lu_buf_adds(o, "</title>\n");
    lu_buf_printf(o,
                  "<line x1=\"%d\" y1=\"14\" x2=\"%d\" y2=\"%d\" "
                  "stroke=\"#555\" stroke-dasharray=\"4 3\"/>\n",
                  x_of(1000), x_of(1000), h);
    svg_text(o, SVG_LABEL, 11, "start", "0");
    /* xgettext:no-c-format */
    svg_text(o, x_of(1000), 11, "middle", _("100% target"));
    svg_text(o, x_of(SVG_MAX_PM), 11, "end", "150%");
    for (size_t c = 0; c < m; c++) {
        y = top + (int)c * row;
        svg_text(o, 0, y + SVG_BAR_H - 2, "start", any(v, n, codes[c])->name);
        for (size_t i = 0; i < n; i++)
            svg_bar(o, find(&v[i], codes[c]), n > 1 ? v[i].province : NULL,
                    y + (int)i * (SVG_BAR_H + 4));
    }
    lu_buf_adds(o, "</svg>\n");
}

static void area(struct lu_buf *o, const struct ctl_render_view *v, size_t n,
                 const Luyu__AreaTotals *a, const char **codes, size_t m)
{
    struct lu_buf t;

    lu_buf_init(&t);
    if (n == 1)
        ctl_render_area_summary(a, &t);
    else
        lu_buf_adds(&t, a->name);
    lu_buf_adds(o, "<section>\n");
    el(o, "h2", NULL, t.data);
    lu_buf_free(&t);
    lu_buf_adds(o, "\n");
    area_table(o, v, n, codes, m);
    lu_buf_adds(o, "<div class=\"wrap\">");
    chart(o, v, n, codes, m);
    lu_buf_adds(o, "</div>");
    lu_buf_adds(o, "</section>\n");
}

/* A section per task area with expanded indicators, then one line naming
 * the indicators without figures and without a target due. The expanded
 * codes of all areas go to *all (free with free()). */
struct area_ctx {
    struct lu_buf *o;
    const struct ctl_render_view *v;
    size_t n;
};

static void area_each(void *ctx, const Luyu__AreaTotals *a, const char **codes,
                      size_t m)
{
    struct area_ctx *c = ctx;

    area(c->o, c->v, c->n, a, codes, m);
}

static size_t areas(struct lu_buf *o, const struct ctl_render_view *v, size_t n,
                    const char ***all)
{
    struct area_ctx c = {o, v, n};
    size_t n_rest = 0, n_all;
    struct lu_buf rest;
    char t[128];

    lu_buf_init(&rest);
    n_all = ctl_render_walk_areas(v, n, area_each, &c, &rest, &n_rest, all);
    if (n_rest > 0) {
        snprintf(t, sizeof(t),
                 _("The following %zu have no figures this "
                   "period and no target due: "),
                 n_rest);
        lu_buf_adds(o, "<p class=\"rest\">");
        esc(o, t);
        esc(o, rest.data);
        lu_buf_adds(o, "</p>\n");
    }
    lu_buf_free(&rest);
    return n_all;
}

static void row_cells(struct lu_buf *o, const char *const *cells, size_t n,
                      const char *tag)
{
    lu_buf_adds(o, "<tr>");
    for (size_t i = 0; i < n; i++)
        el(o, tag, NULL, cells[i]);
    lu_buf_adds(o, "</tr>\n");
}

static void completeness(struct lu_buf *o, const struct ctl_render_view *v)
{
    static const char *const head_n[] = {
        N_("unit"),    N_("name"),         N_("kind"),          N_("state"),
        N_("entries"), N_("late entries"), N_("first received")};
    const Luyu__Completeness *c = v->b->completeness;
    const char *head[7];
    char t[256], e[24], l[24], f[40];

    ctl_render_tr(head_n, head, 7);
    snprintf(t, sizeof(t),
             _("Reporting %s: expected %u, reported %u (on time %u, late "
               "%u), missing %u"),
             v->b->province_name, c->expected, c->reported, c->on_time, c->late,
             c->missing);
    lu_buf_adds(o, "<section>\n");
    el(o, "h2", NULL, t);
    lu_buf_adds(o, "\n<div class=\"wrap\"><table>\n");
    row_cells(o, head, 7, "th");
    for (size_t i = 0; i < v->b->n_units; i++) {
        const Luyu__UnitReport *u = v->b->units[i];

        snprintf(e, sizeof(e), "%llu", (unsigned long long)u->entries);
        snprintf(l, sizeof(l), "%llu", (unsigned long long)u->entries_late);
        row_cells(
            o,
            (const char *[]){
                u->code, u->name, ctl_render_kind(u->kind),
                u->expected ? ctl_render_state(u->state) : _("not expected"), e,
                l,
                u->first_received_at
                    ? ledger_calendar_format(u->first_received_at, f, 40)
                    : "-"},
            7, "td");
    }
    lu_buf_adds(o, "</table></div>\n</section>\n");
}

/* A revision's amount for people, in its indicator's unit when the
 * bulletin still has the indicator. buf holds LU_MONEY_LEN bytes. */
static const char *amount(const Luyu__IndicatorFigures *f, int64_t v, int scale,
                          char *buf)
{
    if (f != NULL)
        return ctl_render_amount(f, v, buf, LU_MONEY_LEN);
    return lu_amount_format(v, scale, buf, LU_MONEY_LEN);
}

static void revision_row(struct lu_buf *o, const Luyu__Bulletin *b,
                         const Luyu__RevisionEntry *r)
{
    const Luyu__IndicatorFigures *f =
        ledger_bulletin_indicator(b, r->indicator);
    int scale = f ? (int)f->scale : 1;
    char p[16], a[LU_MONEY_LEN], from[LU_MONEY_LEN], to[LU_MONEY_LEN];
    char ch[2 * LU_MONEY_LEN + 8], t[40];

    snprintf(ch, sizeof(ch), "%s → %s", amount(f, r->previous, scale, from),
             amount(f, r->figure, scale, to));
    row_cells(o,
              (const char *[]){r->entry_id, r->unit, f ? f->name : r->indicator,
                               lu_period_format(r->period, p, sizeof(p)),
                               amount(f, r->amount, scale, a), ch,
                               r->corrects[0] ? r->corrects : "-",
                               ledger_calendar_format(r->received_at, t, 40)},
              8, "td");
}

static void revisions(struct lu_buf *o, const struct ctl_render_view *v)
{
    static const char *const head_n[] = {
        N_("entry"),    N_("unit"),    N_("indicator"),
        N_("month"),    N_("amount"),  N_("figure before → after"),
        N_("corrects"), N_("received")};
    const Luyu__Bulletin *b = v->b;
    const char *head[8];
    char t[256];

    ctl_render_tr(head_n, head, 8);
    if (b->revised_after < 0)
        snprintf(t, sizeof(t),
                 _("Late entries and corrections %s: no earlier bulletin, "
                   "none listed"),
                 b->province_name);
    else
        snprintf(t, sizeof(t),
                 _("Late entries and corrections %s: %llu (received after "
                   "the previous bulletin)"),
                 b->province_name, (unsigned long long)b->revisions_total);
    lu_buf_adds(o, "<section>\n");
    el(o, "h2", NULL, t);
    lu_buf_adds(o, "\n");
    if (b->n_revisions > 0) {
        lu_buf_adds(o, "<div class=\"wrap\"><table>\n");
        row_cells(o, head, 8, "th");
        for (size_t i = 0; i < b->n_revisions; i++)
            revision_row(o, b, b->revisions[i]);
        lu_buf_adds(o, "</table></div>\n");
    }
    lu_buf_adds(o, "</section>\n");
}

/* The project pool: totals against the target and 1:3, the month's
 * movements, a row per unit. */
static void pool(struct lu_buf *o, const struct ctl_render_view *v)
{
    static const char *const head[] = {"单位",       "名称",     "项目数",
                                       "计划总投资", "山东帮扶", "已完成投资",
                                       "滞留项目"};
    const Luyu__ProjectPool *p = v->b->pool;
    char t[512], a[5][LU_MONEY_LEN];

    snprintf(t, sizeof(t), "滚动项目库 %s: %llu 个项目", v->b->province_name,
             (unsigned long long)p->projects);
    lu_buf_adds(o, "<section>\n");
    el(o, "h2", NULL, t);
    snprintf(
        t, sizeof(t),
        "计划总投资 %s, 目标 %s (完成 %lld‰); 山东财政帮扶资金 %s, "
        "投资∶帮扶 = %lld‰ (计划要求 3000‰ 即 1∶3); 已完成投资 %s",
        lu_money_yuan(p->planned, a[0], 40), lu_money_yuan(p->target, a[1], 40),
        (long long)p->progress_permille,
        lu_money_yuan(p->aid_planned, a[2], 40), (long long)p->ratio_permille,
        lu_money_yuan(p->invested, a[3], 40));
    el(o, "p", NULL, t);
    snprintf(t, sizeof(t),
             "本月: 新入库 %llu, 签约 %llu, 开工 %llu, 完工 %llu, 运营 %llu, "
             "终止 %llu; 完成投资 %s; 滞留项目 %llu (超过 %u 天)",
             (unsigned long long)p->stages[0]->reached_in_month,
             (unsigned long long)p->stages[1]->reached_in_month,
             (unsigned long long)p->stages[2]->reached_in_month,
             (unsigned long long)p->stages[3]->reached_in_month,
             (unsigned long long)p->stages[4]->reached_in_month,
             (unsigned long long)p->stages[5]->reached_in_month,
             lu_money_yuan(p->month_invested, a[4], 40),
             (unsigned long long)p->stuck, p->stuck_days);
    el(o, "p", NULL, t);
    lu_buf_adds(o, "<div class=\"wrap\"><table>\n");
    row_cells(o, head, 7, "th");
    for (size_t i = 0; i < p->n_units; i++) {
        const Luyu__PoolUnit *u = p->units[i];
        char c[5][LU_MONEY_LEN];

        snprintf(c[0], 40, "%llu", (unsigned long long)u->projects);
        snprintf(c[4], 40, "%llu", (unsigned long long)u->stuck);
        row_cells(o,
                  (const char *[]){u->unit, u->name, c[0],
                                   lu_money_yuan(u->planned, c[1], 40),
                                   lu_money_yuan(u->aid_planned, c[2], 40),
                                   lu_money_yuan(u->invested, c[3], 40), c[4]},
                  7, "td");
    }
    lu_buf_adds(o, "</table></div>\n</section>\n");
}

/* The minute a leader has: who reported, how many indicators are met, on
 * track and behind, and which are behind, per province, before any
 * table. */
static void summary(struct lu_buf *o, const struct ctl_render_view *v)
{
    const Luyu__Bulletin *b = v->b;
    const Luyu__Completeness *c = b->completeness;
    unsigned met = 0, on = 0, behind = 0;
    int64_t last = INT64_MIN;
    size_t last_i = 0, at = 0;
    char t[512], a[LU_MONEY_LEN], p[48];

    for (size_t i = 0; i < b->n_indicators; i++) {
        met += b->indicators[i]->status == LUYU__STATUS__STATUS_MET;
        on += b->indicators[i]->status == LUYU__STATUS__STATUS_ON_TRACK;
        behind += b->indicators[i]->status == LUYU__STATUS__STATUS_BEHIND;
    }
    lu_buf_adds(o, "<section class=\"summary\">\n");
    el(o, "h2", NULL, b->province_name);
    lu_buf_adds(o, "<ul>\n");
    snprintf(t, sizeof(t), _("Indicators: %u met, %u on track, %u behind"), met,
             on, behind);
    el(o, "li", NULL, t);
    if (c != NULL) {
        snprintf(t, sizeof(t),
                 _("Reporting: %u of %u units (on time %u, late %u), %u "
                   "missing"),
                 c->reported, c->expected, c->on_time, c->late, c->missing);
        el(o, "li", NULL, t);
    }
    /* The furthest behind first, a few of them: the tables have the rest. */
    for (size_t shown = 0, i; shown < SUMMARY_BEHIND; shown++) {
        const Luyu__IndicatorFigures *f = NULL;

        for (i = 0; i < b->n_indicators; i++) {
            const Luyu__IndicatorFigures *g = b->indicators[i];

            if (g->status == LUYU__STATUS__STATUS_BEHIND &&
                g->progress_permille >= last &&
                (g->progress_permille > last || i > last_i) &&
                (f == NULL || g->progress_permille < f->progress_permille))
                f = g, at = i;
        }
        if (f == NULL)
            break;
        last = f->progress_permille;
        last_i = at;
        snprintf(t, sizeof(t), _("Behind: %s, %s (%s)"), f->name,
                 ctl_render_amount(f, f->actual, a, sizeof(a)),
                 ctl_render_progress(f, p, sizeof(p)));
        el(o, "li", NULL, t);
    }
    if (behind > SUMMARY_BEHIND) {
        snprintf(t, sizeof(t), _("and %u more behind, in the tables below"),
                 behind - SUMMARY_BEHIND);
        el(o, "li", NULL, t);
    }
    lu_buf_adds(o, "</ul>\n</section>\n");
}

const char *ctl_render_html_style(void)
{
    return STYLE;
}

void ctl_render_html(const struct ctl_render_view *v, size_t n,
                     struct lu_buf *o)
{
    ctl_render_html_linked(v, n, NULL, o);
}

void ctl_render_html_linked(const struct ctl_render_view *v, size_t n,
                            const char *css, struct lu_buf *o)
{
    const char **codes = NULL;
    size_t m;

    head(o, v, n, css);
    for (size_t i = 0; i < n; i++) {
        if (v[i].b != NULL)
            summary(o, &v[i]);
        if (v[i].scores != NULL)
            ctl_render_scorecard(o, &v[i]);
    }
    m = areas(o, v, n, &codes);
    for (size_t i = 0; i < n; i++) {
        if (v[i].b != NULL)
            ctl_render_units(o, &v[i], codes, m);
    }
    free(codes);
    for (size_t i = 0; i < n; i++) {
        if (v[i].b != NULL) {
            completeness(o, &v[i]);
            revisions(o, &v[i]);
            if (v[i].b->pool != NULL && v[i].b->pool->n_stages == 6)
                pool(o, &v[i]);
            if (v[i].scores != NULL)
                ctl_render_scorecard_detail(o, &v[i]);
        }
    }
    /* Signatures, digests and how they were checked: for whoever verifies,
     * after what a reader needs. */
    lu_buf_adds(o, "<footer>\n");
    el(o, "h2", NULL, _("Signatures and verification"));
    lu_buf_adds(o, "<div class=\"cols\">\n");
    for (size_t i = 0; i < n; i++)
        about(o, &v[i]);
    lu_buf_adds(o, "</div>\n</footer>\n");
    lu_buf_adds(o, "<p><small>");
    esc(o, _("luyu · amounts from the ledger, exact to the fen · progress = "
             "actual / target"));
    lu_buf_adds(o, "</small></p>\n</body>\n</html>\n");
}
