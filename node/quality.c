#include "quality.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "codec.h"
#include "i18n.h"
#include "money.h"
#include "outbox.h"
#include "outlier.h"
#include "plan.h"
#include "util.h"
#include "xmalloc.h"

/* One entry of a figure as the judgement sees it: the outbox's, then the
 * request's own, appended as they are applied. */
struct row {
    uint64_t seq;  /* 0 for an entry of the request */
    uint64_t root; /* seq of its chain's original; 0: a new chain */
    uint32_t period;
    int64_t amount;
    int64_t recorded_at;
    bool current; /* the newest entry of its chain not rejected */
};

/* The figures of one unit and indicator: its rows, and each month's total
 * of current amounts, with the request applied so far. */
struct fig {
    const char *unit, *indicator; /* borrowed from the entries or plan */
    struct row *rows;
    size_t n_rows, cap_rows;
    struct month {
        uint32_t period;
        int64_t total;
    } * months;
    size_t n_months;
};

struct judge {
    const struct lu_plan *plan;
    struct node_outbox *ob;
    struct fig *figs;
    size_t n_figs;
};

static struct row *add_row(struct fig *f)
{
    if (f->n_rows == f->cap_rows) {
        f->cap_rows = f->cap_rows ? f->cap_rows * 2 : 16;
        f->rows = lu_xrealloc(f->rows, f->cap_rows * sizeof(*f->rows));
    }
    memset(&f->rows[f->n_rows], 0, sizeof(*f->rows));
    return &f->rows[f->n_rows++];
}

static struct row *find_seq(struct fig *f, uint64_t seq)
{
    for (size_t i = 0; i < f->n_rows; i++) {
        if (f->rows[i].seq == seq)
            return &f->rows[i];
    }
    return NULL;
}

static void keep_row(void *arg, const struct node_outbox_rec *r)
{
    struct fig *f = arg;
    struct row *w = add_row(f), *target;
    char node[LU_MAX_NAME + 1];
    uint64_t cseq = 0;

    w->seq = r->seq;
    w->root = r->seq;
    w->period = r->period;
    w->amount = r->amount;
    w->recorded_at = r->recorded_at;
    w->current = r->state != NODE_REJECTED;
    if (r->corrects != NULL && r->corrects[0] != '\0' &&
        lu_entry_id_parse(r->corrects, node, &cseq) == 0 &&
        (target = find_seq(f, cseq)) != NULL)
        w->root = target->root;
}

static int64_t *month_total(struct fig *f, uint32_t period)
{
    for (size_t i = 0; i < f->n_months; i++) {
        if (f->months[i].period == period)
            return &f->months[i].total;
    }
    f->months = lu_xrealloc(f->months, (f->n_months + 1) * sizeof(*f->months));
    f->months[f->n_months].period = period;
    f->months[f->n_months].total = 0;
    return &f->months[f->n_months++].total;
}

static int by_root_newest(const void *pa, const void *pb)
{
    const struct row *a = *(const struct row *const *)pa,
                     *b = *(const struct row *const *)pb;

    if (a->root != b->root)
        return a->root < b->root ? -1 : 1;
    return (a->seq < b->seq) - (a->seq > b->seq);
}

/* Keeps only the newest not rejected entry of each chain current, and
 * sums the current amounts by month: the rows sorted by chain, newest
 * first, so that the first not rejected row of each chain is its current
 * one (O(n log n) for a figure with a long history). */
static void settle(struct fig *f)
{
    struct row **v = lu_xcalloc(f->n_rows + 1, sizeof(*v));
    uint64_t root = 0;
    bool found = false;

    for (size_t i = 0; i < f->n_rows; i++)
        v[i] = &f->rows[i];
    qsort(v, f->n_rows, sizeof(*v), by_root_newest);
    for (size_t i = 0; i < f->n_rows; i++) {
        if (i == 0 || v[i]->root != root) {
            root = v[i]->root;
            found = false;
        }
        if (!v[i]->current)
            continue;
        v[i]->current = !found;
        found = true;
    }
    free(v);
    for (size_t i = 0; i < f->n_rows; i++) {
        if (f->rows[i].current)
            *month_total(f, f->rows[i].period) += f->rows[i].amount;
    }
}

static struct fig *get_fig(struct judge *j, const char *unit,
                           const char *indicator, int *err)
{
    struct fig *f;
    int r;

    for (size_t i = 0; i < j->n_figs; i++) {
        if (strcmp(j->figs[i].unit, unit) == 0 &&
            strcmp(j->figs[i].indicator, indicator) == 0)
            return &j->figs[i];
    }
    j->figs = lu_xrealloc(j->figs, (j->n_figs + 1) * sizeof(*j->figs));
    f = &j->figs[j->n_figs++];
    memset(f, 0, sizeof(*f));
    f->unit = unit;
    f->indicator = indicator;
    r = node_outbox_each_figure(j->ob, unit, indicator, keep_row, f);
    if (r < 0)
        *err = r;
    settle(f);
    return f;
}

/* Applies one entry of the request to its figure: a new chain adds its
 * amount; a correction replaces its chain's current amount. */
static void apply(struct fig *f, const Luyu__Entry *e, int64_t now)
{
    char node[LU_MAX_NAME + 1];
    struct row *target = NULL, *w;
    uint64_t cseq = 0, root = 0;

    if (e->corrects[0] != '\0' &&
        lu_entry_id_parse(e->corrects, node, &cseq) == 0 &&
        (target = find_seq(f, cseq)) != NULL) {
        root = target->root;
        for (size_t i = 0; i < f->n_rows; i++) {
            if (f->rows[i].root == root && f->rows[i].current) {
                *month_total(f, f->rows[i].period) -= f->rows[i].amount;
                f->rows[i].current = false;
            }
        }
    }
    w = add_row(f);
    w->root = root;
    w->period = e->period;
    w->amount = e->amount;
    w->recorded_at = now;
    w->current = true;
    *month_total(f, e->period) += e->amount;
}

/* The same figure, month and amount among the current entries recorded in
 * the window, or earlier in this request (rows [0, upto) of f). */
static bool duplicate(const struct fig *f, size_t upto, const Luyu__Entry *e,
                      int64_t now)
{
    if (e->corrects[0] != '\0')
        return false;
    for (size_t i = 0; i < upto; i++) {
        const struct row *w = &f->rows[i];

        if (w->period == e->period && w->amount == e->amount &&
            (w->current || w->seq == 0) &&
            w->recorded_at >= now - NODE_QUALITY_DUP_DAYS * 86400LL)
            return true;
    }
    return false;
}

/* The unit as a reader of the message knows it: its name in the plan when
 * messages are translated (Chinese), else its code. */
static const char *unit_label(const struct lu_plan *plan, const char *code)
{
    const struct lu_plan_unit *u = lu_plan_unit(plan, code);

    return lu_i18n_translated() && u != NULL ? u->name : code;
}

static char *amount_str(const struct lu_plan_indicator *ind, int64_t amount,
                        char *buf, size_t len)
{
    return lu_money_amount(amount, ind->base_unit, ind->scale, buf, len);
}

/* The plan's rules on the figure's month as the request leaves it. */
static char *breach(struct judge *j, const struct lu_plan_indicator *ind,
                    const Luyu__Entry *e, int64_t total, int *err)
{
    char a[LU_MONEY_LEN], b[LU_MONEY_LEN], per[16];

    lu_period_format(e->period, per, sizeof(per));
    if ((ind->has_min && total < ind->month_min) ||
        (ind->has_max && total > ind->month_max))
        amount_str(ind, total, a, sizeof(a));
    if (ind->has_min && total < ind->month_min)
        return lu_xasprintf(_("rule %s.min: %s of %s for %s would be %s, "
                              "below the plan's minimum of %s a month"),
                            ind->code, ind->name, unit_label(j->plan, e->unit),
                            per, a,
                            amount_str(ind, ind->month_min, b, sizeof(b)));
    if (ind->has_max && total > ind->month_max)
        return lu_xasprintf(_("rule %s.max: %s of %s for %s would be %s, "
                              "above the plan's maximum of %s a month"),
                            ind->code, ind->name, unit_label(j->plan, e->unit),
                            per, a,
                            amount_str(ind, ind->month_max, b, sizeof(b)));
    /* This indicator may not exceed another, and others may not exceed
     * this one: both sides of every at_most rule that names it. */
    for (size_t i = 0; i < j->plan->n_indicators; i++) {
        const struct lu_plan_indicator *lo = &j->plan->indicators[i], *hi;
        int64_t tlo, thi;

        if (lo->at_most == NULL)
            continue;
        if (lo == ind)
            hi = lu_plan_indicator(j->plan, lo->at_most);
        else if (strcmp(lo->at_most, ind->code) == 0)
            hi = ind;
        else
            continue;
        if (hi == NULL)
            continue;
        tlo = *month_total(get_fig(j, e->unit, lo->code, err), e->period);
        thi = *month_total(get_fig(j, e->unit, hi->code, err), e->period);
        if (tlo > thi)
            return lu_xasprintf(
                _("rule %s.at_most: %s (%s) may not exceed %s (%s) for %s "
                  "in %s; enter %s first, or both in one import"),
                lo->code, lo->name, amount_str(lo, tlo, a, sizeof(a)), hi->name,
                amount_str(hi, thi, b, sizeof(b)), unit_label(j->plan, e->unit),
                per, hi->name);
    }
    return NULL;
}

/* The outlier method on the figure's other months with entries. */
static char *outlier(const struct lu_plan *plan, struct fig *f,
                     const struct lu_plan_indicator *ind, const Luyu__Entry *e,
                     int64_t total)
{
    int64_t *hist = lu_xcalloc(f->n_months + 1, sizeof(*hist));
    char a[LU_MONEY_LEN], b[LU_MONEY_LEN], per[16];
    struct lu_outlier_why why;
    enum lu_outlier v;
    char *msg = NULL;
    size_t n = 0;

    for (size_t i = 0; i < f->n_months; i++) {
        if (f->months[i].period != e->period)
            hist[n++] = f->months[i].total;
    }
    v = lu_outlier_judge(hist, n, total, &why);
    free(hist);
    if (v == LU_OUTLIER_NONE)
        return NULL; /* the common case: nothing to format */
    lu_period_format(e->period, per, sizeof(per));
    amount_str(ind, total, a, sizeof(a));
    amount_str(ind, why.median, b, sizeof(b));
    if (v == LU_OUTLIER_JUMP_UP)
        msg = lu_xasprintf(_("outlier: %s of %s for %s would be %s, ten "
                             "times or more the median of its other "
                             "months (%s)"),
                           ind->name, unit_label(plan, e->unit), per, a, b);
    else if (v == LU_OUTLIER_JUMP_DOWN)
        msg = lu_xasprintf(_("outlier: %s of %s for %s would be %s, a "
                             "tenth or less of the median of its other "
                             "months (%s)"),
                           ind->name, unit_label(plan, e->unit), per, a, b);
    else if (v == LU_OUTLIER_Z)
        msg = lu_xasprintf(_("outlier: %s of %s for %s would be %s, far "
                             "from its other months (median %s, modified "
                             "z-score %.1f)"),
                           ind->name, unit_label(plan, e->unit), per, a, b,
                           why.z);
    return msg;
}

static void add_warning(struct node_quality_verdict *v, const char *code,
                        char *msg)
{
    char *joined;

    if (v->codes[0] != '\0')
        strncat(v->codes, ",", sizeof(v->codes) - strlen(v->codes) - 1);
    strncat(v->codes, code, sizeof(v->codes) - strlen(v->codes) - 1);
    if (v->warning == NULL) {
        v->warning = msg;
        return;
    }
    joined = lu_xasprintf("%s; %s", v->warning, msg);
    free(v->warning);
    free(msg);
    v->warning = joined;
}

static void free_judge(struct judge *j)
{
    for (size_t i = 0; i < j->n_figs; i++) {
        free(j->figs[i].rows);
        free(j->figs[i].months);
    }
    free(j->figs);
}

int node_quality_judge(const struct lu_plan *plan, struct node_outbox *ob,
                       Luyu__Entry *const *entries, size_t n, int64_t now,
                       struct node_quality_verdict *v)
{
    struct judge j = {.plan = plan, .ob = ob};
    size_t *before = lu_xcalloc(n ? n : 1, sizeof(*before));
    int err = 0;

    memset(v, 0, n * sizeof(*v));
    /* Apply the whole request first: an import may carry both sides of a
     * rule, and the rules judge the months it leaves. Duplicates look
     * only at what came before each entry. */
    for (size_t i = 0; i < n && err == 0; i++) {
        struct fig *f =
            get_fig(&j, entries[i]->unit, entries[i]->indicator, &err);

        before[i] = f->n_rows;
        apply(f, entries[i], now);
    }
    for (size_t i = 0; i < n && err == 0; i++) {
        const Luyu__Entry *e = entries[i];
        const struct lu_plan_indicator *ind =
            lu_plan_indicator(plan, e->indicator);
        struct fig *f = get_fig(&j, e->unit, e->indicator, &err);
        int64_t total = *month_total(f, e->period);
        char *msg, per[16];

        if (ind == NULL)
            continue;
        v[i].refusal = breach(&j, ind, e, total, &err);
        if (v[i].refusal != NULL)
            continue;
        /* The fig may have moved in memory when breach() loaded others. */
        f = get_fig(&j, e->unit, e->indicator, &err);
        if ((msg = outlier(plan, f, ind, e, total)) != NULL)
            add_warning(&v[i], "outlier", msg);
        if (duplicate(f, before[i], e, now))
            add_warning(
                &v[i], "duplicate",
                lu_xasprintf(_("likely duplicate: %s of %s for %s "
                               "has an entry of the same amount "
                               "recorded in the last %d days"),
                             ind->name, unit_label(plan, e->unit),
                             lu_period_format(e->period, per, sizeof(per)),
                             NODE_QUALITY_DUP_DAYS));
    }
    free(before);
    free_judge(&j);
    if (err < 0)
        node_quality_clear(v, n);
    return err;
}

void node_quality_clear(struct node_quality_verdict *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].refusal);
        free(v[i].warning);
        v[i].refusal = v[i].warning = NULL;
        v[i].codes[0] = '\0';
    }
}
