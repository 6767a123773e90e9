/* Bulletins as text for the terminal (aligned tables) or Markdown for
 * documents (pipe tables). Both come from the same rows through a sink, so
 * that the two cannot drift apart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "bulletin.h"
#include "i18n.h"
#include "money.h"
#include "output.h"
#include "render.h"
#include "render_sink.h"
#include "table.h"
#include "util.h"
#include "xmalloc.h"

/* Two columns per indicator, then four per province side by side. */
#define MAX_VIEWS 4
#define MAX_COLS (2 + 4 * MAX_VIEWS + 1)

/* Markdown cells: no control characters, no column breaks. */
static void md_cell(struct lu_buf *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            lu_buf_adds(out, "\\|");
        else if ((unsigned char)*s < 0x20 || *s == 0x7f)
            lu_buf_adds(out, " ");
        else
            lu_buf_add(out, s, 1);
    }
}

void ctl_sink_row(struct ctl_sink *k, const char *const *cells)
{
    if (!k->md) {
        ctl_table_add(k->t, cells);
        return;
    }
    lu_buf_adds(k->out, "|");
    for (size_t c = 0; c < k->ncols; c++) {
        lu_buf_adds(k->out, " ");
        md_cell(k->out, cells[c] ? cells[c] : "");
        lu_buf_adds(k->out, " |");
    }
    lu_buf_adds(k->out, "\n");
}

/* Starts a table with its header row; columns listed in `right` (ending
 * with SIZE_MAX) are numbers, right-aligned. */
void ctl_sink_start(struct ctl_sink *k, size_t ncols, const char *const *head,
                    const size_t *right)
{
    k->ncols = ncols;
    if (!k->md) {
        k->t = ctl_table_new(ncols);
        for (; *right != SIZE_MAX; right++)
            ctl_table_right(k->t, *right);
        ctl_sink_row(k, head);
        return;
    }
    lu_buf_adds(k->out, "\n");
    ctl_sink_row(k, head);
    lu_buf_adds(k->out, "|");
    for (size_t c = 0; c < ncols; c++) {
        bool r = false;

        for (const size_t *p = right; *p != SIZE_MAX; p++)
            r = r || *p == c;
        lu_buf_adds(k->out, r ? " ---: |" : " --- |");
    }
    lu_buf_adds(k->out, "\n");
}

void ctl_sink_end(struct ctl_sink *k)
{
    if (!k->md) {
        ctl_table_render(k->t, k->out, "  ");
        ctl_table_free(k->t);
        k->t = NULL;
    }
}

void ctl_sink_heading(struct ctl_sink *k, int level, const char *text)
{
    if (k->md) {
        lu_buf_printf(k->out, "\n%s ", level == 1 ? "#" : "##");
        md_cell(k->out, text);
        lu_buf_adds(k->out, "\n");
    } else {
        lu_buf_adds(k->out, level == 1 ? "" : "\n== ");
        ctl_output_text(k->out, text);
        lu_buf_adds(k->out, level == 1 ? "\n" : " ==\n");
    }
}

void ctl_sink_item(struct ctl_sink *k, const char *label, const char *text)
{
    lu_buf_adds(k->out, k->md ? "- " : "  ");
    lu_buf_printf(k->out, "%s: ", label);
    if (k->md)
        md_cell(k->out, text);
    else
        ctl_output_text(k->out, text);
    lu_buf_adds(k->out, "\n");
}

void ctl_sink_para(struct ctl_sink *k, const char *text)
{
    lu_buf_adds(k->out, k->md ? "\n" : "  ");
    if (k->md)
        md_cell(k->out, text);
    else
        ctl_output_text(k->out, text);
    lu_buf_adds(k->out, "\n");
}

static void header(struct ctl_sink *k, const struct ctl_render_view *v)
{
    const Luyu__Bulletin *b = v->b;
    struct lu_buf t;
    char a[40], c[40], hex[65] = "";

    lu_buf_init(&t);
    ctl_render_edition(v, &t);
    ctl_sink_heading(k, 2, t.data);
    lu_buf_free(&t);
    if (b == NULL) {
        ctl_sink_item(k, _("remark"), v->trust);
        return;
    }
    for (size_t i = 0; i < b->digest.len && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", b->digest.data[i]);
    lu_buf_init(&t);
    lu_buf_printf(&t, "%s%s%s", ledger_calendar_format(b->issued_at, a, 40),
                  v->signer[0] ? _(" by ") : "", v->signer);
    ctl_sink_item(k, b->draft ? _("computed") : _("issued"), t.data);
    ctl_sink_item(k, _("check"), v->trust);
    t.len = 0;
    lu_buf_printf(&t, _("%s (day %u of the next month)"),
                  ledger_calendar_format(b->closed_at, c, 40), b->issue_day);
    ctl_sink_item(k, _("closed"), t.data);
    t.len = 0;
    lu_buf_printf(&t, _("%llu entries up to ledger entry %lld; sha256 %s"),
                  (unsigned long long)b->entries_covered,
                  (long long)b->upto_entry, hex);
    ctl_sink_item(k, _("covers"), t.data);
    lu_buf_free(&t);
}

static const Luyu__IndicatorFigures *find(const struct ctl_render_view *v,
                                          const char *code)
{
    return v->b ? ledger_bulletin_indicator(v->b, code) : NULL;
}

/* One view: every figure; several: month, ytd, progress, status each. */
static void indicator_row(struct ctl_sink *k, const struct ctl_render_view *v,
                          size_t n, const char *code)
{
    char cell[MAX_COLS][96];
    const char *cells[MAX_COLS];
    const Luyu__IndicatorFigures *any = NULL;
    size_t c = 2;

    for (size_t i = 0; i < n && any == NULL; i++)
        any = find(&v[i], code);
    if (any == NULL)
        return;
    cells[0] = any->name;
    cells[1] = ctl_render_unit(any->base_unit);
/* Each cell is formatted into its own buffer. */
#define PUT(expr) (cells[c] = (expr), c++)
    for (size_t i = 0; i < n; i++) {
        const Luyu__IndicatorFigures *f = find(&v[i], code);

        if (f == NULL) {
            for (size_t j = 0; j < (n == 1 ? 7 : 4); j++)
                PUT("");
            continue;
        }
        PUT(ctl_render_month(f, cell[c], 96));
        PUT(ctl_render_amount(f, f->ytd, cell[c], 96));
        if (n == 1) {
            PUT(ctl_render_amount(f, f->since_start, cell[c], 96));
            PUT(ctl_render_target(f, cell[c], 96));
            PUT(ctl_render_pace(f, cell[c], 96));
        }
        PUT(ctl_render_progress(f, cell[c], 96));
        PUT(ctl_render_status(f->status));
    }
#undef PUT
    ctl_sink_row(k, cells);
}

static void area_table(struct ctl_sink *k, const struct ctl_render_view *v,
                       size_t n, const Luyu__AreaTotals *a, const char **codes,
                       size_t m)
{
    static const char *const one_n[] = {N_("indicator"),
                                        N_("unit of measure"),
                                        N_("month"),
                                        N_("year to date"),
                                        N_("since the plan began"),
                                        N_("target"),
                                        N_("due by now"),
                                        N_("progress"),
                                        N_("status")};
    const char *one[9];
    static const size_t right1[] = {2, 3, 4, 7, SIZE_MAX};
    static const size_t right2[] = {2, 3, 4, 6, 7, 8, SIZE_MAX};
    const char *head[MAX_COLS];
    char h[MAX_COLS][48];
    size_t c = 2;

    ctl_render_tr(one_n, one, 9);
    head[0] = one[0];
    head[1] = one[1];
    for (size_t i = 0; n > 1 && i < n; i++) {
        static const char *const what[] = {N_("month"), N_("year to date"),
                                           N_("progress"), N_("status")};

        for (size_t j = 0; j < 4; j++) {
            snprintf(h[c], sizeof(h[c]), "%s %s", v[i].province, _(what[j]));
            head[c] = h[c];
            c++;
        }
    }
    if (n == 1) {
        struct lu_buf t;

        lu_buf_init(&t);
        ctl_render_area_summary(a, &t);
        ctl_sink_heading(k, 2, t.data);
        lu_buf_free(&t);
    } else {
        ctl_sink_heading(k, 2, a->name);
    }
    ctl_sink_start(k, n == 1 ? 9 : c, n == 1 ? one : head,
                   n == 1 ? right1 : right2);
    for (size_t i = 0; i < m; i++)
        indicator_row(k, v, n, codes[i]);
    ctl_sink_end(k);
}

/* The areas' tables with the indicators that get rows, then the others
 * named in one line. Returns the codes with rows, in area order, for the
 * per-district table; free *all with free(). */
struct area_ctx {
    struct ctl_sink *k;
    const struct ctl_render_view *v;
    size_t n;
};

static void area_each(void *ctx, const Luyu__AreaTotals *a, const char **codes,
                      size_t m)
{
    struct area_ctx *c = ctx;

    area_table(c->k, c->v, c->n, a, codes, m);
}

static size_t areas(struct ctl_sink *k, const struct ctl_render_view *v,
                    size_t n, const char ***all)
{
    struct area_ctx c = {k, v, n};
    size_t n_rest = 0, n_all;
    struct lu_buf rest, t;

    lu_buf_init(&rest);
    n_all = ctl_render_walk_areas(v, n, area_each, &c, &rest, &n_rest, all);
    if (n_rest > 0) {
        lu_buf_init(&t);
        lu_buf_printf(&t,
                      _("The following %zu have no figures this "
                        "period and no target due: "),
                      n_rest);
        lu_buf_adds(&t, rest.data);
        if (!k->md)
            lu_buf_adds(k->out, "\n");
        ctl_sink_para(k, t.data);
        lu_buf_free(&t);
    }
    lu_buf_free(&rest);
    return n_all;
}

static void unit_row(struct ctl_sink *k, const Luyu__UnitReport *u)
{
    char e[24], l[24], t[40];

    snprintf(e, sizeof(e), "%llu", (unsigned long long)u->entries);
    snprintf(l, sizeof(l), "%llu", (unsigned long long)u->entries_late);
    ctl_sink_row(
        k,
        (const char *[]){
            u->code, u->name, ctl_render_kind(u->kind),
            u->expected ? ctl_render_state(u->state) : _("not expected"), e, l,
            u->first_received_at
                ? ledger_calendar_format(u->first_received_at, t, 40)
                : "-",
            ctl_render_review(u->review)});
}

static void completeness(struct ctl_sink *k, const struct ctl_render_view *v)
{
    static const char *const head_n[] = {
        N_("unit"),    N_("name"),         N_("kind"),           N_("state"),
        N_("entries"), N_("late entries"), N_("first received"), N_("review")};
    static const size_t right[] = {4, 5, SIZE_MAX};
    const Luyu__Completeness *c = v->b->completeness;
    const char *head[8];
    char t[256];

    ctl_render_tr(head_n, head, 8);
    snprintf(t, sizeof(t),
             _("Reporting %s: expected %u, reported %u (on "
               "time %u, late %u), missing %u"),
             v->province, c->expected, c->reported, c->on_time, c->late,
             c->missing);
    ctl_sink_heading(k, 2, t);
    /* DHIS2's reporting rates, and how far the months are reviewed. */
    snprintf(t, sizeof(t),
             _("reporting rate %u.%u%%, on time %u.%u%%; months accepted "
               "by the province %u, approved by the district %u, returned "
               "%u, not approved %u; figures of months not accepted are "
               "provisional"),
             c->reporting_rate_permille / 10, c->reporting_rate_permille % 10,
             c->on_time_rate_permille / 10, c->on_time_rate_permille % 10,
             c->accepted, c->approved, c->returned, c->pending);
    ctl_sink_item(k, _("review"), t);
    ctl_sink_start(k, 8, head, right);
    for (size_t i = 0; i < v->b->n_units; i++)
        unit_row(k, v->b->units[i]);
    ctl_sink_end(k);
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

static void revision_row(struct ctl_sink *k, const Luyu__Bulletin *b,
                         const Luyu__RevisionEntry *r)
{
    const Luyu__IndicatorFigures *f =
        ledger_bulletin_indicator(b, r->indicator);
    int scale = f ? (int)f->scale : 1;
    char p[16], a[LU_MONEY_LEN], from[LU_MONEY_LEN], to[LU_MONEY_LEN];
    char ch[2 * LU_MONEY_LEN + 8], t[40];

    snprintf(ch, sizeof(ch), "%s → %s", amount(f, r->previous, scale, from),
             amount(f, r->figure, scale, to));
    ctl_sink_row(k, (const char *[]){
                        r->entry_id, r->unit, f ? f->name : r->indicator,
                        lu_period_format(r->period, p, sizeof(p)),
                        amount(f, r->amount, scale, a), ch,
                        r->corrects[0] ? r->corrects : "-",
                        ledger_calendar_format(r->received_at, t, sizeof(t))});
}

static void revision_sums(struct ctl_sink *k, const Luyu__Bulletin *b)
{
    static const char *const head_n[] = {N_("indicator"), N_("month"),
                                         N_("entries"), N_("net change")};
    static const size_t right[] = {2, 3, SIZE_MAX};
    const char *head[4];

    ctl_render_tr(head_n, head, 4);
    ctl_sink_start(k, 4, head, right);
    for (size_t i = 0; i < b->n_revision_sums; i++) {
        const Luyu__RevisionSum *r = b->revision_sums[i];
        const Luyu__IndicatorFigures *f =
            ledger_bulletin_indicator(b, r->indicator);
        char p[16], n[24], d[LU_MONEY_LEN];

        snprintf(n, sizeof(n), "%llu", (unsigned long long)r->entries);
        ctl_sink_row(
            k, (const char *[]){f ? f->name : r->indicator,
                                lu_period_format(r->period, p, sizeof(p)), n,
                                amount(f, r->delta, f ? (int)f->scale : 1, d)});
    }
    ctl_sink_end(k);
}

static void revisions(struct ctl_sink *k, const struct ctl_render_view *v)
{
    static const char *const head_n[] = {
        N_("entry"),    N_("unit"),    N_("indicator"),
        N_("month"),    N_("amount"),  N_("figure before → after"),
        N_("corrects"), N_("received")};
    static const size_t right[] = {4, SIZE_MAX};
    const Luyu__Bulletin *b = v->b;
    const char *head[8];
    char t[256];

    ctl_render_tr(head_n, head, 8);
    if (b->revised_after < 0)
        snprintf(t, sizeof(t),
                 _("Late entries and corrections %s: no earlier bulletin, "
                   "none listed"),
                 v->province);
    else
        snprintf(t, sizeof(t),
                 _("Late entries and corrections %s: %llu (received after "
                   "the previous bulletin)"),
                 v->province, (unsigned long long)b->revisions_total);
    ctl_sink_heading(k, 2, t);
    if (b->n_revisions == 0)
        return;
    ctl_sink_start(k, 8, head, right);
    for (size_t i = 0; i < b->n_revisions; i++)
        revision_row(k, b, b->revisions[i]);
    ctl_sink_end(k);
    if (b->revisions_total > b->n_revisions)
        lu_buf_printf(k->out,
                      _("  (only the first %zu listed; the totals "
                        "are below)\n"),
                      b->n_revisions);
    lu_buf_printf(k->out, "\n%s%s\n", k->md ? "" : "  ",
                  _("Net effect (per indicator and month):"));
    revision_sums(k, b);
}

/* "1:3.12" from planned : aid in per mille; "-" without aid. */
static const char *ratio_text(int64_t pm, char *buf, size_t len)
{
    if (pm <= 0)
        return "-";
    snprintf(buf, len, "1:%lld.%02lld", (long long)(pm / 1000),
             (long long)(pm % 1000 / 10));
    return buf;
}

static void pool_unit_row(struct ctl_sink *k, const Luyu__PoolUnit *u)
{
    char c[6][LU_MONEY_LEN];
    const char *cells[8] = {u->unit, u->name, c[0], c[1],
                            c[2],    c[3],    c[4], c[5]};

    snprintf(c[0], LU_MONEY_LEN, "%llu", (unsigned long long)u->projects);
    lu_money_yuan(u->planned, c[1], LU_MONEY_LEN);
    lu_money_yuan(u->aid_planned, c[2], LU_MONEY_LEN);
    lu_money_yuan(u->invested, c[3], LU_MONEY_LEN);
    ratio_text(u->aid_planned
                   ? (int64_t)((__int128)u->planned * 1000 / u->aid_planned)
                   : 0,
               c[4], LU_MONEY_LEN);
    snprintf(c[5], LU_MONEY_LEN, "%llu", (unsigned long long)u->stuck);
    ctl_sink_row(k, cells);
}

/* The project pool: totals against the plan's target and the 1:3 rule,
 * the month's movements, a row per unit. */
static void pool(struct ctl_sink *k, const struct ctl_render_view *v)
{
    static const char *const head[] = {"单位",       "名称",     "项目数",
                                       "计划总投资", "山东帮扶", "已完成投资",
                                       "帮扶∶投资",  "滞留项目"};
    static const size_t right[] = {2, 3, 4, 5, 7, SIZE_MAX};
    const Luyu__ProjectPool *p = v->b->pool;
    char t[256], a[4][LU_MONEY_LEN], r[40], line[512];

    snprintf(t, sizeof(t), "滚动项目库 %s: %llu 个项目", v->province,
             (unsigned long long)p->projects);
    ctl_sink_heading(k, 2, t);
    snprintf(line, sizeof(line), "%s, 目标 %s, 完成 %lld.%lld%%",
             lu_money_yuan(p->planned, a[0], LU_MONEY_LEN),
             lu_money_yuan(p->target, a[1], LU_MONEY_LEN),
             (long long)(p->progress_permille / 10),
             (long long)(p->progress_permille % 10));
    ctl_sink_item(k, "计划总投资", line);
    snprintf(line, sizeof(line), "%s, 帮扶∶投资 %s (计划要求 1:3)",
             lu_money_yuan(p->aid_planned, a[0], LU_MONEY_LEN),
             ratio_text(p->ratio_permille, r, sizeof(r)));
    ctl_sink_item(k, "山东财政帮扶资金", line);
    snprintf(line, sizeof(line), "%s, 已拨付帮扶资金 %s",
             lu_money_yuan(p->invested, a[0], LU_MONEY_LEN),
             lu_money_yuan(p->aid_disbursed, a[1], LU_MONEY_LEN));
    ctl_sink_item(k, "已完成投资", line);
    snprintf(line, sizeof(line),
             "新入库 %llu, 签约 %llu, 开工 %llu, 完工 %llu, 运营 %llu, 终止 "
             "%llu; 完成投资 %s, 拨付 %s",
             (unsigned long long)p->stages[0]->reached_in_month,
             (unsigned long long)p->stages[1]->reached_in_month,
             (unsigned long long)p->stages[2]->reached_in_month,
             (unsigned long long)p->stages[3]->reached_in_month,
             (unsigned long long)p->stages[4]->reached_in_month,
             (unsigned long long)p->stages[5]->reached_in_month,
             lu_money_yuan(p->month_invested, a[2], LU_MONEY_LEN),
             lu_money_yuan(p->month_disbursed, a[3], LU_MONEY_LEN));
    ctl_sink_item(k, "本月变动", line);
    snprintf(line, sizeof(line), "%llu 个 (签约或开工超过 %u 天)",
             (unsigned long long)p->stuck, p->stuck_days);
    ctl_sink_item(k, "滞留项目", line);
    if (p->revised_after_event >= 0) {
        snprintf(line, sizeof(line), "上一版以来 %llu 项变动",
                 (unsigned long long)p->events_revised);
        ctl_sink_item(k, "补报", line);
    }
    ctl_sink_start(k, 8, head, right);
    for (size_t i = 0; i < p->n_units; i++)
        pool_unit_row(k, p->units[i]);
    ctl_sink_end(k);
}

void ctl_render_text(const struct ctl_render_view *v, size_t n, bool md,
                     struct lu_buf *out)
{
    struct ctl_sink k = {.md = md, .out = out};
    const char **codes = NULL;
    struct lu_buf t;
    size_t m;

    /* Side by side has room for MAX_VIEWS provinces (a plan has two). */
    n = n > MAX_VIEWS ? MAX_VIEWS : n;
    lu_buf_init(&t);
    ctl_render_title(v, n, &t);
    ctl_sink_heading(&k, 1, t.data);
    lu_buf_free(&t);
    for (size_t i = 0; i < n; i++)
        header(&k, &v[i]);
    for (size_t i = 0; i < n; i++) {
        if (v[i].scores != NULL)
            ctl_render_text_scorecard(&k, &v[i]);
    }
    m = areas(&k, v, n, &codes);
    for (size_t i = 0; i < n; i++) {
        if (v[i].b != NULL)
            ctl_render_text_units(&k, &v[i], codes, m);
    }
    free(codes);
    for (size_t i = 0; i < n; i++) {
        if (v[i].b != NULL) {
            completeness(&k, &v[i]);
            revisions(&k, &v[i]);
            if (v[i].b->pool != NULL && v[i].b->pool->n_stages == 6)
                pool(&k, &v[i]);
            if (v[i].scores != NULL)
                ctl_render_text_arithmetic(&k, &v[i]);
        }
    }
}
