#include "outlier.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* The consistency constant of the modified z-score: for normal data, MAD
 * times 1/0.6745 estimates the standard deviation. */
#define Z_K 0.6745

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* The median of v (sorted here), rounded toward zero for an even count;
 * stored amounts are whole base units, so is their median. */
static int64_t median(int64_t *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_i64);
    if (n % 2 == 1)
        return v[n / 2];
    /* Half of each, so that two amounts near INT64_MAX do not overflow. */
    return v[n / 2 - 1] / 2 + v[n / 2] / 2 +
           (v[n / 2 - 1] % 2 + v[n / 2] % 2) / 2;
}

static int64_t abs_diff(int64_t a, int64_t b)
{
    return a > b ? a - b : b - a;
}

enum lu_outlier lu_outlier_judge(const int64_t *hist, size_t n, int64_t x,
                                 struct lu_outlier_why *why)
{
    struct lu_outlier_why w = {0};
    enum lu_outlier verdict = LU_OUTLIER_NONE;
    int64_t *v, mad;

    if (n == 0)
        goto out;
    v = lu_xmalloc(n * sizeof(*v));
    memcpy(v, hist, n * sizeof(*v));
    w.median = median(v, n);
    /* Amounts are below 2^63 / 10 (at most 10^13 an entry times the
     * months of a plan), so the products cannot overflow. */
    if (w.median > 0 && x / LU_OUTLIER_JUMP >= w.median)
        verdict = LU_OUTLIER_JUMP_UP;
    else if (w.median > 0 && x > 0 && x <= w.median / LU_OUTLIER_JUMP)
        verdict = LU_OUTLIER_JUMP_DOWN;
    if (n >= LU_OUTLIER_Z_MONTHS) {
        for (size_t i = 0; i < n; i++)
            v[i] = abs_diff(hist[i], w.median);
        mad = median(v, n);
        if (mad > 0) {
            w.z = Z_K * ((double)x - (double)w.median) / (double)mad;
            w.z_known = 1;
            if (verdict == LU_OUTLIER_NONE &&
                (w.z > LU_OUTLIER_Z_MAX || w.z < -LU_OUTLIER_Z_MAX))
                verdict = LU_OUTLIER_Z;
        }
    }
    free(v);
out:
    if (why != NULL)
        *why = w;
    return verdict;
}
