/* The districts' assessment (考核, after
 * 《重庆市东西扶贫协作工作绩效考核办法》): which indicators count, with how
 * many points, and how a district's figure against its goal scores, as data in
 * the plan file ([indicator] keys assess, assess_weight, assess_goal,
 * assess_cap), and the scoring itself, in whole arithmetic anyone can redo by
 * hand:
 *
 *  share   points = weight x min(actual, goal x cap / 100) / goal: a
 *          district earns its weight in proportion to its figure against
 *          its goal, up to cap percent of it (default 100: no extra for
 *          more than the goal);
 *  growth  the full weight when the year's figure is above the same months
 *          of the year before (in a year without a year before: above 0),
 *          none otherwise;
 *  each    the full weight when the year's figure reaches the goal (e.g.
 *          one visit a year), none otherwise.
 *
 * Points are kept in hundredths and rounded down. A district's yearly goal
 * is assess_goal, or else the indicator's yearly target split evenly over
 * the province's assessed units (a target over the plan: split over its
 * years too); in a year not yet over it is paced by the months gone
 * (ceil(goal x months / months of the year)). */
#ifndef LU_ASSESS_H
#define LU_ASSESS_H

#include <stddef.h>
#include <stdint.h>

enum lu_assess_kind {
    LU_ASSESS_NONE = 0,
    LU_ASSESS_SHARE,
    LU_ASSESS_GROWTH,
    LU_ASSESS_EACH,
};

#define LU_ASSESS_MAX_WEIGHT 100
#define LU_ASSESS_MAX_CAP 200

struct lu_assess_rule {
    enum lu_assess_kind kind; /* NONE: the indicator is not assessed */
    int weight;               /* points at full marks, 1..100 */
    int64_t goal;             /* a district's yearly goal, stored units;
                                 0: derived from the target */
    int cap;                  /* share: best percent of goal scored, 100..200 */
};

/* One district's line for one indicator and year: what was judged and the
 * points it earned, in hundredths. */
struct lu_assess_line {
    int64_t actual; /* the district's figure for the year (so far) */
    int64_t goal;   /* its goal for that time (share, each) */
    int64_t prev;   /* growth: the same months a year before; -1: none */
    int64_t points; /* hundredths of a point */
};

/* Parses a rule name ("share", "growth", "each"); -1 when unknown. */
int lu_assess_kind_parse(const char *s);
const char *lu_assess_kind_name(enum lu_assess_kind k);
/* The rule in the reader's words (按比例, 同比增长, 达标即得). */
const char *lu_assess_kind_text(enum lu_assess_kind k);

/* Scores line (actual, goal, prev set) by rule into line->points. */
void lu_assess_score(const struct lu_assess_rule *rule,
                     struct lu_assess_line *line);

/* Hundredths of a point as "85.50" (machine and people alike). Returns
 * buf. */
char *lu_assess_points(int64_t hundredths, char *buf, size_t len);

/* goal paced by months gone out of months in the year, rounded up. */
int64_t lu_assess_pace(int64_t goal, int months, int of);

#endif
