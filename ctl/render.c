#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "assess.h"
#include "bulletin.h"
#include "bulletin_expand.h"
#include "bulletin_json.h"
#include "bulletin_words.h"
#include "json.h"
#include "i18n.h"
#include "scores.h"
#include "money.h"
#include "plan.h"
#include "util.h"
#include "xmalloc.h"

void ctl_render_tr(const char *const *in, const char **out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = _(in[i]);
}

void ctl_render_view_clear(struct ctl_render_view *v)
{
    ledger_bulletin_free(v->b);
    ledger_scores_free(v->scores);
    memset(v, 0, sizeof(*v));
}

void ctl_render_assess_cells(const struct lu_plan_indicator *ind,
                             const struct lu_assess_line *l,
                             struct ctl_render_assess_cells *c)
{
    _Static_assert(sizeof(c->figure) >= LU_MONEY_LEN, "an amount fits");
    lu_money_amount(l->actual, ind->base_unit, ind->scale, c->figure,
                    sizeof(c->figure));
    if (ind->assess.kind == LU_ASSESS_GROWTH && l->prev < 0)
        snprintf(c->against, sizeof(c->against), "-");
    else
        lu_money_amount(
            ind->assess.kind == LU_ASSESS_GROWTH ? l->prev : l->goal,
            ind->base_unit, ind->scale, c->against, sizeof(c->against));
    snprintf(c->weight, sizeof(c->weight), "%d", ind->assess.weight);
    lu_assess_points(l->points, c->points, sizeof(c->points));
}

const char *ctl_render_status(Luyu__Status s)
{
    return ledger_bulletin_status_text(s);
}

const char *ctl_render_state(Luyu__ReportState s)
{
    return ledger_bulletin_state_text(s);
}

const char *ctl_render_kind(const char *kind)
{
    if (strcmp(kind, "district") == 0)
        return _("district");
    if (strcmp(kind, "city") == 0)
        return _("city");
    if (strcmp(kind, "department") == 0)
        return _("department");
    return kind;
}

void ctl_render_area_summary(const Luyu__AreaTotals *a, struct lu_buf *out)
{
    lu_buf_printf(out, _("%s: met %u, on track %u, behind %u"), a->name, a->met,
                  a->on_track, a->behind);
    if (a->no_target)
        lu_buf_printf(out, _(", no target %u"), a->no_target);
    if (a->no_baseline)
        lu_buf_printf(out, _(", no baseline %u"), a->no_baseline);
}

const char *ctl_render_unit(const char *base_unit)
{
    if (strcmp(base_unit, "yuan") == 0)
        return _("yuan");
    if (strcmp(base_unit, "persons") == 0)
        return _("persons");
    if (strcmp(base_unit, "count") == 0)
        return _("count");
    return base_unit;
}

char *ctl_render_amount(const Luyu__IndicatorFigures *f, int64_t v, char *buf,
                        size_t len)
{
    /* For people: 万元/亿元 with Chinese messages (common/money.h). CSV and
     * JSON bulletins carry exact amounts and never come here. */
    return lu_money_amount(v, f->base_unit, (int)f->scale, buf, len);
}

char *ctl_render_target(const Luyu__IndicatorFigures *f, char *buf, size_t len)
{
    char a[LU_MONEY_LEN];

    ctl_render_amount(f, f->target, a, sizeof(a));
    switch (f->target_kind) {
    case LUYU__TARGET_KIND__TARGET_YEARLY_MIN:
        snprintf(buf, len, _("≥ %s every year"), a);
        break;
    case LUYU__TARGET_KIND__TARGET_PERIOD_MIN:
        snprintf(buf, len, _("≥ %s over the plan period"), a);
        break;
    case LUYU__TARGET_KIND__TARGET_LEVEL:
        snprintf(buf, len, _("%s by the end of the plan"), a);
        break;
    case LUYU__TARGET_KIND__TARGET_GROWTH:
        snprintf(buf, len, "%s", _("more than the year before"));
        break;
    case LUYU__TARGET_KIND__TARGET_COVERAGE:
        snprintf(buf, len, _("≥ %2$s a year for every %1$s"),
                 ctl_render_kind(f->judged_per[0] ? f->judged_per : f->scope),
                 a);
        break;
    case LUYU__TARGET_KIND__TARGET_RATIO:
        snprintf(buf, len, "≥%s×%lld/%lld", f->ratio_of, (long long)f->target,
                 (long long)f->per);
        break;
    default:
        snprintf(buf, len, "-");
        break;
    }
    return buf;
}

char *ctl_render_progress(const Luyu__IndicatorFigures *f, char *buf,
                          size_t len)
{
    long long p = (long long)f->progress_permille;

    if (f->target_kind == LUYU__TARGET_KIND__TARGET_COVERAGE &&
        f->units_judged > 0)
        snprintf(buf, len, "%lld/%u", (long long)f->actual, f->units_judged);
    else if (!f->has_progress)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%lld.%lld%%", p / 10, p % 10);
    return buf;
}

char *ctl_render_pace(const Luyu__IndicatorFigures *f, char *buf, size_t len)
{
    char a[LU_MONEY_LEN];

    switch (f->target_kind) {
    case LUYU__TARGET_KIND__TARGET_YEARLY_MIN:
    case LUYU__TARGET_KIND__TARGET_PERIOD_MIN:
    case LUYU__TARGET_KIND__TARGET_LEVEL:
        snprintf(buf, len, _("due %s"),
                 ctl_render_amount(f, f->expected, a, 40));
        break;
    case LUYU__TARGET_KIND__TARGET_COVERAGE:
        snprintf(buf, len, _("due %lld"), (long long)f->expected);
        break;
    case LUYU__TARGET_KIND__TARGET_GROWTH:
        snprintf(buf, len, _("last year to date %s"),
                 ctl_render_amount(f, f->previous_ytd, a, sizeof(a)));
        break;
    case LUYU__TARGET_KIND__TARGET_RATIO:
        snprintf(buf, len, _("due %s"), ctl_render_amount(f, f->goal, a, 40));
        break;
    default:
        snprintf(buf, len, "-");
        break;
    }
    if (f->status == LUYU__STATUS__STATUS_NO_BASELINE ||
        f->status == LUYU__STATUS__STATUS_NO_TARGET)
        snprintf(buf, len, "-");
    return buf;
}

size_t ctl_render_areas(const struct ctl_render_view *v, size_t n,
                        const Luyu__AreaTotals ***out)
{
    const Luyu__AreaTotals **a = NULL;
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; v[i].b != NULL && j < v[i].b->n_areas; j++) {
            const Luyu__AreaTotals *t = v[i].b->areas[j];
            size_t m = 0;

            while (m < k && strcmp(a[m]->code, t->code) != 0)
                m++;
            if (m < k || t->indicators == 0)
                continue;
            a = lu_xrealloc(a, (k + 1) * sizeof(*a));
            a[k++] = t;
        }
    }
    *out = a;
    return k;
}

size_t ctl_render_area_indicators(const struct ctl_render_view *v, size_t n,
                                  const char *area, const char ***codes)
{
    const char **c = NULL;
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; v[i].b != NULL && j < v[i].b->n_indicators; j++) {
            const Luyu__IndicatorFigures *f = v[i].b->indicators[j];
            size_t m = 0;

            if (strcmp(f->area, area) != 0)
                continue;
            while (m < k && strcmp(c[m], f->code) != 0)
                m++;
            if (m < k)
                continue;
            c = lu_xrealloc(c, (k + 1) * sizeof(*c));
            c[k++] = f->code;
        }
    }
    *codes = c;
    return k;
}

void ctl_render_title(const struct ctl_render_view *v, size_t n,
                      struct lu_buf *out)
{
    char p[16] = "";

    for (size_t i = 0; i < n && p[0] == '\0'; i++) {
        if (v[i].b != NULL)
            lu_period_format(v[i].b->period, p, sizeof(p));
    }
    lu_buf_printf(out, _("Shandong-Chongqing cooperation: monthly bulletin %s"),
                  p);
}

void ctl_render_edition(const struct ctl_render_view *v, struct lu_buf *out)
{
    const Luyu__Bulletin *b = v->b;

    if (b == NULL)
        lu_buf_printf(out, _("%s: no bulletin held"),
                      v->province_name[0] ? v->province_name : v->province);
    else if (b->draft)
        lu_buf_printf(out, _("%s DRAFT (would be revision %u)"),
                      b->province_name, b->revision);
    else
        lu_buf_printf(out, _("%s revision %u"), b->province_name, b->revision);
}

void ctl_render_json(const struct ctl_render_view *v, size_t n, bool joint,
                     struct lu_buf *out)
{
    if (joint)
        lu_buf_adds(out, "[");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            lu_buf_adds(out, ",\n");
        if (v[i].b == NULL) {
            lu_buf_adds(out, "null");
            continue;
        }
        /* The bulletin object itself is ledger_bulletin_json's; only
         * the wrapper's two keys are written here, through the writer. */
        struct lu_json j;

        lu_json_init(&j, out);
        lu_json_object(&j);
        lu_json_kstr(&j, "signer", v[i].signer);
        lu_json_kstr(&j, "trust", v[i].trust);
        lu_json_key(&j, "bulletin");
        /* the writer put "{...,"bulletin":" so far; splice the object in */
        ledger_bulletin_json(v[i].b, out);
        /* ledger_bulletin_json ends with a newline; keep the object tidy. */
        out->data[--out->len] = '\0';
        lu_buf_adds(out, "}");
    }
    lu_buf_adds(out, joint ? "]\n" : "\n");
}

const char *ctl_render_review(uint32_t kind)
{
    switch (kind) {
    case 1:
        return _("approved by the district");
    case 2:
        return _("accepted by the province");
    case 3:
        return _("returned");
    case 4:
        return _("unlocked");
    default:
        return _("not approved");
    }
}

const char *ctl_render_month(const Luyu__IndicatorFigures *f, char *buf,
                             size_t len)
{
    char m[LU_MONEY_LEN], p[LU_MONEY_LEN];

    if (f->month <= f->month_accepted)
        return ctl_render_amount(f, f->month, buf, len);
    ctl_render_amount(f, f->month, m, sizeof(m));
    ctl_render_amount(f, f->month - f->month_accepted, p, sizeof(p));
    snprintf(buf, len, _("%s (provisional %s)"), m, p);
    return buf;
}

static const Luyu__IndicatorFigures *find(const struct ctl_render_view *v,
                                          const char *code)
{
    return v->b ? ledger_bulletin_indicator(v->b, code) : NULL;
}

bool ctl_render_expanded(const struct ctl_render_view *v, size_t n,
                         const char *code)
{
    for (size_t i = 0; i < n; i++) {
        const Luyu__IndicatorFigures *f = find(&v[i], code);

        if (f != NULL && ledger_bulletin_expanded(v[i].b, f))
            return true;
    }
    return false;
}

size_t ctl_render_split(const struct ctl_render_view *v, size_t n,
                        const char **codes, size_t m, struct lu_buf *rest,
                        size_t *n_rest)
{
    size_t k = 0;

    for (size_t c = 0; c < m; c++) {
        const Luyu__IndicatorFigures *f = NULL;

        if (ctl_render_expanded(v, n, codes[c])) {
            codes[k++] = codes[c];
            continue;
        }
        for (size_t i = 0; i < n && f == NULL; i++)
            f = find(&v[i], codes[c]);
        if ((*n_rest)++ > 0)
            lu_buf_adds(rest, "、");
        lu_buf_adds(rest, f != NULL ? f->name : codes[c]);
    }
    return k;
}

size_t ctl_render_walk_areas(const struct ctl_render_view *v, size_t n,
                             ctl_render_area_fn *each, void *ctx,
                             struct lu_buf *rest, size_t *n_rest,
                             const char ***all)
{
    const Luyu__AreaTotals **a = NULL;
    size_t na = ctl_render_areas(v, n, &a), n_all = 0;

    *all = NULL;
    for (size_t i = 0; i < na; i++) {
        const char **codes = NULL;
        size_t m = ctl_render_area_indicators(v, n, a[i]->code, &codes);

        m = ctl_render_split(v, n, codes, m, rest, n_rest);
        if (m > 0)
            each(ctx, a[i], codes, m);
        *all = lu_xrealloc(*all, (n_all + m + 1) * sizeof(**all));
        memcpy(*all + n_all, codes, m * sizeof(*codes));
        n_all += m;
        free(codes);
    }
    free(a);
    return n_all;
}
