/* How an indicator's status is judged against its target: see the
 * decisions in ledger/bulletin.h and the fields actual, goal, expected in
 * proto/bulletin.proto. Integers only: products are taken in 128 bits, so
 * that no figure the ledger can hold overflows. */
#include "bulletin_judge.h"

#include <string.h>

#include "calendar.h"
#include "plan.h"

/* Months of the year and of the plan, elapsed and in all, for pacing. */
struct pace {
    int so_far_y, len_y, so_far_p, len_p;
    int year_end; /* the bulletin's month ends the year (or the plan) */
};

static void make_pace(const struct lu_plan *pl, uint32_t period,
                      struct pace *pc)
{
    uint32_t first = period / 100 * 100 + 1, last = period / 100 * 100 + 12;

    if (first < pl->start)
        first = pl->start;
    if (last > pl->end)
        last = pl->end;
    pc->so_far_y = ledger_calendar_months(first, period);
    pc->len_y = ledger_calendar_months(first, last);
    pc->so_far_p = ledger_calendar_months(pl->start, period);
    pc->len_p = ledger_calendar_months(pl->start, pl->end);
    pc->year_end = period == last;
}

static int64_t clamp(__int128 x)
{
    return x > INT64_MAX ? INT64_MAX : x < INT64_MIN ? INT64_MIN : (int64_t)x;
}

/* ceil(v * num / den) for v >= 0. */
static int64_t pro_rata(int64_t v, int64_t num, int64_t den)
{
    return den > 0 ? clamp(((__int128)v * num + den - 1) / den) : v;
}

static void set_progress(Luyu__IndicatorFigures *f, __int128 num, __int128 den)
{
    f->has_progress = den > 0;
    f->progress_permille = den > 0 ? clamp(num * 1000 / den) : 0;
}

/* yearly_min, period_min, level: a minimum, paced over so_far / len. */
static void judge_min(Luyu__IndicatorFigures *f, int64_t actual, int so_far,
                      int len)
{
    f->actual = actual;
    f->goal = f->target;
    f->expected = pro_rata(f->target, so_far, len);
    f->status = actual >= f->goal       ? LUYU__STATUS__STATUS_MET
                : actual >= f->expected ? LUYU__STATUS__STATUS_ON_TRACK
                                        : LUYU__STATUS__STATUS_BEHIND;
    set_progress(f, actual, f->goal);
}

static void judge_growth(Luyu__IndicatorFigures *f,
                         const struct ledger_bulletin_scan *s,
                         const struct pace *pc)
{
    f->actual = f->ytd;
    if (s->prev_hi < s->plan->start) {
        f->status = LUYU__STATUS__STATUS_NO_BASELINE;
        return;
    }
    f->goal = f->previous_ytd;
    f->status = f->ytd <= f->goal ? LUYU__STATUS__STATUS_BEHIND
                : pc->year_end    ? LUYU__STATUS__STATUS_MET
                                  : LUYU__STATUS__STATUS_ON_TRACK;
    set_progress(f, f->ytd, f->goal);
}

/* The unit kind a coverage target is counted per: its scope when that is
 * a unit kind of the plan, else district (see bulletin.h). */
static const char *coverage_kind(const struct lu_plan *pl, const char *scope)
{
    for (size_t u = 0; scope != NULL && u < pl->n_units; u++) {
        if (strcmp(pl->units[u].kind, scope) == 0)
            return scope;
    }
    return "district";
}

static void judge_coverage(Luyu__IndicatorFigures *f, size_t ind,
                           const struct ledger_bulletin_scan *s,
                           const struct pace *pc)
{
    const char *kind = coverage_kind(s->plan, s->plan->indicators[ind].scope);
    const int64_t *ytd = &s->unit_ytd[s->cov_slot[ind] * s->n_units];
    int64_t n = 0, met = 0;

    for (size_t u = 0; u < s->n_units; u++) {
        if (strcmp(s->plan->units[s->units[u]].kind, kind) != 0)
            continue;
        n++;
        met += ytd[u] >= f->target;
    }
    /* The plan's string (or a literal): the bulletin is packed before
     * either goes away. */
    f->judged_per = (char *)kind;
    f->units_judged = (uint32_t)n;
    f->actual = met;
    if (n == 0) {
        f->status = LUYU__STATUS__STATUS_NO_TARGET;
        return;
    }
    f->goal = n;
    f->expected = pro_rata(n, pc->so_far_y, pc->len_y);
    f->status = met >= n             ? LUYU__STATUS__STATUS_MET
                : met >= f->expected ? LUYU__STATUS__STATUS_ON_TRACK
                                     : LUYU__STATUS__STATUS_BEHIND;
    set_progress(f, met, n);
}

static void judge_ratio(Luyu__IndicatorFigures *f,
                        const struct lu_plan_indicator *pi,
                        const struct ledger_bulletin_scan *s)
{
    const struct lu_plan_indicator *base =
        lu_plan_indicator(s->plan, pi->ratio_of);
    int64_t b = base ? s->figs[base - s->plan->indicators].since : 0;

    f->actual = f->since_start;
    f->ratio_base = b;
    if (b <= 0 || pi->per <= 0) {
        f->status = LUYU__STATUS__STATUS_NO_BASELINE;
        return;
    }
    f->goal = pro_rata(b, pi->target, pi->per);
    f->expected = f->goal;
    f->status = (__int128)f->actual * pi->per >= (__int128)b * pi->target
                    ? LUYU__STATUS__STATUS_MET
                    : LUYU__STATUS__STATUS_BEHIND;
    set_progress(f, (__int128)f->actual * pi->per, (__int128)b * pi->target);
}

void ledger_bulletin_judge(const struct ledger_bulletin_scan *s, size_t ind,
                           Luyu__IndicatorFigures *f)
{
    const struct lu_plan_indicator *pi = &s->plan->indicators[ind];
    struct pace pace;
    const struct pace *pc = &pace;

    make_pace(s->plan, s->p->period, &pace);
    switch (pi->target_kind) {
    case LU_TARGET_YEARLY_MIN:
        judge_min(f, f->ytd, pc->so_far_y, pc->len_y);
        break;
    case LU_TARGET_PERIOD_MIN:
    case LU_TARGET_LEVEL:
        judge_min(f, f->since_start, pc->so_far_p, pc->len_p);
        break;
    case LU_TARGET_GROWTH:
        judge_growth(f, s, pc);
        break;
    case LU_TARGET_COVERAGE:
        judge_coverage(f, ind, s, pc);
        break;
    case LU_TARGET_RATIO:
        judge_ratio(f, pi, s);
        break;
    default:
        f->status = LUYU__STATUS__STATUS_NO_TARGET;
        break;
    }
}
