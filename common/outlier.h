/* The outlier method of the data-quality checks (issue 16): is a unit's
 * figure for a month out of line with the months it reported before? Pure
 * arithmetic on stored amounts, so the node (node/quality.c) and the unit
 * test (tests/unit/test_outlier.c) judge the same series the same way.
 *
 * Two tests, documented in docs/DECISIONS.md (issue 16):
 *  - a jump: the month is 10 times the median of the earlier months or
 *    more, or above zero and a tenth of it or less (a figure typed in 元
 *    instead of 万元, or the other way). Needs one earlier month.
 *  - the modified z-score of Iglewicz and Hoaglin, 0.6745 * (x - median) /
 *    MAD, where MAD is the median of the absolute deviations from the
 *    median: beyond 3.5 either way. Needs four earlier months and MAD > 0
 *    (a unit that reported the same figure every month has no spread to
 *    judge against; the jump test still applies). */
#ifndef LU_OUTLIER_H
#define LU_OUTLIER_H

#include <stddef.h>
#include <stdint.h>

#define LU_OUTLIER_JUMP 10    /* a jump is this factor against the median */
#define LU_OUTLIER_Z_MAX 3.5  /* modified z-score beyond this: outlier */
#define LU_OUTLIER_Z_MONTHS 4 /* earlier months the z-score needs */

enum lu_outlier {
    LU_OUTLIER_NONE = 0,
    LU_OUTLIER_JUMP_UP,   /* >= LU_OUTLIER_JUMP times the median */
    LU_OUTLIER_JUMP_DOWN, /* > 0 and <= median / LU_OUTLIER_JUMP */
    LU_OUTLIER_Z,         /* |modified z| > LU_OUTLIER_Z_MAX */
};

struct lu_outlier_why {
    int64_t median; /* of the earlier months */
    double z;       /* modified z-score; 0 when not computed */
    int z_known;    /* 1 when z was computed (enough months, MAD > 0) */
};

/* Judges x against the n earlier months in hist (any order; not changed).
 * Fills why (may be NULL). A jump is reported before a z-score. */
enum lu_outlier lu_outlier_judge(const int64_t *hist, size_t n, int64_t x,
                                 struct lu_outlier_why *why);

#endif
