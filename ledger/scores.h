/* The districts' assessment (考核) computed from a hub's ledger: for each
 * of the province's assessed units (its districts, or for Shandong its
 * cities) and each indicator the plan assesses, the figure, the goal and
 * the points by the plan's rules (common/assess.h), the total and the
 * rank, for one year or for the plan to date. Figures are the balance
 * table's (corrections included), for months up to `upto`. */
#ifndef LEDGER_SCORES_H
#define LEDGER_SCORES_H

#include <stddef.h>
#include <stdint.h>

#include "assess.h"

struct ledger_sql;
struct lu_plan;
struct lu_plan_indicator;
struct lu_plan_unit;

struct ledger_scores_unit {
    const struct lu_plan_unit *unit; /* the plan's */
    int64_t points;                  /* hundredths, the lines' sum */
    int rank;                        /* 1 = best; equal points share it */
    struct lu_assess_line *lines;    /* one per rule, as in rules[] */
};

struct ledger_scores {
    uint32_t year; /* the year judged; 0: the plan to date (the mean of its
                      years' points, line by line) */
    uint32_t upto; /* months up to this one (YYYYMM) count */
    int years;     /* how many years the figures span */
    const struct lu_plan_indicator **rules; /* assessed, in plan order */
    size_t n_rules;
    struct ledger_scores_unit *units; /* best first */
    size_t n_units;
};

/* Scores province's units for year (0: the plan to date) with the months
 * up to upto (YYYYMM; clamped to the plan). 0 with *out set (free with
 * ledger_scores_free), -EINVAL with a reason in err for a year outside the
 * plan or a province without assessed units or a plan without rules, -EIO
 * when the ledger cannot be read. */
int ledger_scores(struct ledger_sql *db, const struct lu_plan *plan,
                  const char *province, uint32_t year, uint32_t upto,
                  struct ledger_scores **out, char *err, size_t errlen);
void ledger_scores_free(struct ledger_scores *a);

#endif
