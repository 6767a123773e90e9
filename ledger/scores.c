#include "scores.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "sql.h"
#include "xmalloc.h"

/* The balance table's sums per unit, indicator and year over the months
 * 1..m of the years from and to (both YYYY). Owned by this library: the
 * schema is ledger/ledger.c's and ledger/pg.c's (integer division and
 * remainder read the same on both). */
static const char SUMS[] =
    "SELECT unit, indicator, period / 100, sum(amount) FROM balance"
    " WHERE period BETWEEN ?1 * 100 + 1 AND ?2 * 100 + 12"
    " AND period % 100 <= ?3 GROUP BY 1, 2, 3";

static bool assessed_kind(const char *kind)
{
    return strcmp(kind, "district") == 0 || strcmp(kind, "city") == 0;
}

static int find_unit(const struct ledger_scores *a, const char *code)
{
    for (size_t i = 0; i < a->n_units; i++) {
        if (strcmp(a->units[i].unit->code, code) == 0)
            return (int)i;
    }
    return -1;
}

static int find_rule(const struct ledger_scores *a, const char *code)
{
    for (size_t i = 0; i < a->n_rules; i++) {
        if (strcmp(a->rules[i]->code, code) == 0)
            return (int)i;
    }
    return -1;
}

/* actual[u][r] and prev[u][r] for year y over months 1..m. */
static int read_year(struct ledger_sql *db, const struct ledger_scores *a,
                     uint32_t y, int m, int64_t *actual, int64_t *prev)
{
    struct ledger_stmt *st = NULL;
    int rc;

    if (ledger_sql_prepare(db, SUMS, &st) < 0)
        return -EIO;
    ledger_stmt_bind_int64(st, 1, y - 1);
    ledger_stmt_bind_int64(st, 2, y);
    ledger_stmt_bind_int64(st, 3, m);
    while ((rc = ledger_stmt_step(st)) == 1) {
        int u = find_unit(a, ledger_stmt_text(st, 0));
        int r = find_rule(a, ledger_stmt_text(st, 1));
        size_t at = (size_t)u * a->n_rules + (size_t)r;

        if (u < 0 || r < 0)
            continue;
        if ((uint32_t)ledger_stmt_int64(st, 2) == y)
            actual[at] += ledger_stmt_int64(st, 3);
        else
            prev[at] += ledger_stmt_int64(st, 3);
    }
    ledger_stmt_finalize(st);
    return rc == 0 ? 0 : -EIO;
}

/* A unit's goal for a whole year, before pacing (common/assess.h). */
static int64_t year_goal(const struct lu_plan *plan,
                         const struct lu_plan_indicator *ind, size_t units)
{
    int64_t years = (int64_t)(plan->end / 100 - plan->start / 100 + 1);

    if (ind->assess.goal > 0)
        return ind->assess.goal;
    switch (ind->target_kind) {
    case LU_TARGET_YEARLY_MIN:
        return (ind->target + (int64_t)units - 1) / (int64_t)units;
    case LU_TARGET_PERIOD_MIN:
    case LU_TARGET_LEVEL:
        return (ind->target + years * (int64_t)units - 1) /
               (years * (int64_t)units);
    case LU_TARGET_COVERAGE:
        return ind->target;
    default:
        return 0;
    }
}

/* Scores year y (months up to upto) and adds each line to a's, weighted
 * 1: the caller divides by the years for the plan to date. */
static int score_year(struct ledger_sql *db, const struct lu_plan *plan,
                      struct ledger_scores *a, uint32_t y, uint32_t upto)
{
    uint32_t first = y * 100 + 1 < plan->start ? plan->start : y * 100 + 1;
    uint32_t last = y * 100 + 12 > plan->end ? plan->end : y * 100 + 12;
    int of = (int)(last % 100 - first % 100 + 1);
    int gone = upto >= last ? of : (int)(upto % 100) - (int)(first % 100) + 1;
    size_t n = a->n_units * a->n_rules;
    int64_t *actual = lu_xcalloc(n ? n : 1, sizeof(*actual));
    int64_t *prev = lu_xcalloc(n ? n : 1, sizeof(*prev));
    int r = read_year(db, a, y, upto >= last ? 12 : (int)(upto % 100), actual,
                      prev);

    for (size_t u = 0; r == 0 && u < a->n_units; u++) {
        for (size_t k = 0; k < a->n_rules; k++) {
            const struct lu_plan_indicator *ind = a->rules[k];
            struct lu_assess_line l = {
                .actual = actual[u * a->n_rules + k],
                .goal =
                    lu_assess_pace(year_goal(plan, ind, a->n_units), gone, of),
                .prev =
                    y * 100 + 1 > plan->start ? prev[u * a->n_rules + k] : -1,
            };
            struct lu_assess_line *sum = &a->units[u].lines[k];

            lu_assess_score(&ind->assess, &l);
            sum->actual += l.actual;
            sum->goal += l.goal;
            sum->prev = a->year ? l.prev : -1;
            sum->points += l.points;
        }
    }
    free(actual);
    free(prev);
    return r;
}

static int by_points(const void *x, const void *y)
{
    const struct ledger_scores_unit *a = x, *b = y;

    return a->points < b->points ? 1 : a->points > b->points ? -1 : 0;
}

/* Totals, the mean over the years to date, ranks. */
static void finish(struct ledger_scores *a)
{
    for (size_t u = 0; u < a->n_units; u++) {
        for (size_t k = 0; k < a->n_rules; k++) {
            a->units[u].lines[k].points /= a->years;
            a->units[u].points += a->units[u].lines[k].points;
        }
    }
    /* An insertion sort, stable: the units start in plan order, and
     * districts with equal points stay in it (a few dozen units). */
    for (size_t i = 1; i < a->n_units; i++) {
        for (size_t j = i;
             j > 0 && by_points(&a->units[j - 1], &a->units[j]) > 0; j--) {
            struct ledger_scores_unit t = a->units[j];

            a->units[j] = a->units[j - 1];
            a->units[j - 1] = t;
        }
    }
    for (size_t i = 0; i < a->n_units; i++)
        a->units[i].rank = i > 0 && a->units[i].points == a->units[i - 1].points
                               ? a->units[i - 1].rank
                               : (int)i + 1;
}

static struct ledger_scores *setup(const struct lu_plan *plan,
                                   const char *province)
{
    struct ledger_scores *a = lu_xcalloc(1, sizeof(*a));

    a->rules = lu_xcalloc(plan->n_indicators + 1, sizeof(*a->rules));
    for (size_t i = 0; i < plan->n_indicators; i++) {
        if (plan->indicators[i].assess.kind != LU_ASSESS_NONE)
            a->rules[a->n_rules++] = &plan->indicators[i];
    }
    a->units = lu_xcalloc(plan->n_units + 1, sizeof(*a->units));
    for (size_t i = 0; i < plan->n_units; i++) {
        const struct lu_plan_unit *u = &plan->units[i];

        if (strcmp(u->province, province) != 0 || !assessed_kind(u->kind))
            continue;
        a->units[a->n_units].unit = u;
        a->units[a->n_units++].lines =
            lu_xcalloc(a->n_rules + 1, sizeof(struct lu_assess_line));
    }
    return a;
}

int ledger_scores(struct ledger_sql *db, const struct lu_plan *plan,
                  const char *province, uint32_t year, uint32_t upto,
                  struct ledger_scores **out, char *err, size_t errlen)
{
    struct ledger_scores *a;
    uint32_t y0 = plan->start / 100, y1;
    int r = 0;

    *out = NULL;
    upto = upto < plan->start ? plan->start
           : upto > plan->end ? plan->end
                              : upto;
    if (year != 0 && (year < y0 || year > plan->end / 100)) {
        snprintf(err, errlen, "year %u is outside the plan (%u-%u)", year, y0,
                 plan->end / 100);
        return -EINVAL;
    }
    a = setup(plan, province);
    a->year = year;
    if (a->n_units == 0 || a->n_rules == 0) {
        snprintf(err, errlen, "%s",
                 a->n_rules == 0 ? "the plan assesses no indicator "
                                   "(assess = in [indicator])"
                                 : "the province has no districts or "
                                   "cities to assess");
        ledger_scores_free(a);
        return -EINVAL;
    }
    if (year != 0 && upto / 100 > year)
        upto = year * 100 + 12 > plan->end ? plan->end : year * 100 + 12;
    a->upto = upto;
    y0 = year ? year : y0;
    y1 = year ? year : upto / 100;
    for (uint32_t y = y0; r == 0 && y <= y1 && y * 100 + 1 <= upto;
         y++, a->years++)
        r = score_year(db, plan, a, y, upto);
    if (r < 0) {
        snprintf(err, errlen, "cannot read the ledger: %s",
                 ledger_sql_errmsg(db));
        ledger_scores_free(a);
        return r;
    }
    if (a->years == 0)
        a->years = 1;
    finish(a);
    *out = a;
    return 0;
}

void ledger_scores_free(struct ledger_scores *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->n_units; i++)
        free(a->units[i].lines);
    free(a->units);
    free(a->rules);
    free(a);
}
