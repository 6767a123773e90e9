/* lu_outlier_judge: the outlier method of the node's data-quality checks
 * (common/outlier.h) on fixed series with answers worked out by hand. */
#include <math.h>

#include "outlier.h"
#include "test.h"

static enum lu_outlier judge(const int64_t *h, size_t n, int64_t x,
                             struct lu_outlier_why *why)
{
    return lu_outlier_judge(h, n, x, why);
}

/* The issue's case: 2.8 million yuan one month, 283 million the next
 * (amounts in fen). */
static void test_issue_jump(void)
{
    const int64_t h[] = {280000000};
    struct lu_outlier_why why;

    ASSERT_EQ(judge(h, 1, 28300000000, &why), LU_OUTLIER_JUMP_UP);
    ASSERT_EQ(why.median, 280000000);
    ASSERT_EQ(why.z_known, 0);
    ASSERT_EQ(judge(h, 1, 300000000, NULL), LU_OUTLIER_NONE);
}

/* Ten times the median is a jump; a unit less is not. A tenth or less
 * is a jump down, but zero (nothing happened) is not. */
static void test_jump_bounds(void)
{
    const int64_t h[] = {100}, d[] = {1000};

    ASSERT_EQ(judge(h, 1, 1000, NULL), LU_OUTLIER_JUMP_UP);
    ASSERT_EQ(judge(h, 1, 999, NULL), LU_OUTLIER_NONE);
    ASSERT_EQ(judge(d, 1, 100, NULL), LU_OUTLIER_JUMP_DOWN);
    ASSERT_EQ(judge(d, 1, 101, NULL), LU_OUTLIER_NONE);
    ASSERT_EQ(judge(d, 1, 0, NULL), LU_OUTLIER_NONE);
    ASSERT_EQ(judge(NULL, 0, 123456789, NULL), LU_OUTLIER_NONE);
}

/* 9..13: median 11, absolute deviations 0,1,1,2,2 so MAD 1. 17 has
 * z = 0.6745 * 6 = 4.05 > 3.5; 16 has 3.37; 5 has -4.05. */
static void test_zscore(void)
{
    const int64_t h[] = {10, 12, 11, 13, 9};
    struct lu_outlier_why why;

    ASSERT_EQ(judge(h, 5, 17, &why), LU_OUTLIER_Z);
    ASSERT_EQ(why.median, 11);
    ASSERT_EQ(why.z_known, 1);
    ASSERT_TRUE(fabs(why.z - 4.047) < 0.001);
    ASSERT_EQ(judge(h, 5, 16, &why), LU_OUTLIER_NONE);
    ASSERT_TRUE(fabs(why.z - 3.3725) < 0.001);
    ASSERT_EQ(judge(h, 5, 5, &why), LU_OUTLIER_Z);
    ASSERT_TRUE(fabs(why.z + 4.047) < 0.001);
    /* The series is left as it was (the judge sorts a copy). */
    ASSERT_EQ(h[0], 10);
    ASSERT_EQ(h[4], 9);
}

/* Fewer than four months: no z-score, only the jump test. */
static void test_too_few(void)
{
    const int64_t h[] = {10, 11, 12};
    struct lu_outlier_why why;

    ASSERT_EQ(judge(h, 3, 17, &why), LU_OUTLIER_NONE);
    ASSERT_EQ(why.z_known, 0);
    ASSERT_EQ(why.median, 11);
    ASSERT_EQ(judge(h, 3, 110, NULL), LU_OUTLIER_JUMP_UP);
}

/* The same figure every month: no spread (MAD 0), so no z-score. */
static void test_flat(void)
{
    const int64_t h[] = {50, 50, 50, 50, 50};
    struct lu_outlier_why why;

    ASSERT_EQ(judge(h, 5, 60, &why), LU_OUTLIER_NONE);
    ASSERT_EQ(why.z_known, 0);
    ASSERT_EQ(judge(h, 5, 500, NULL), LU_OUTLIER_JUMP_UP);
}

/* An even count: median 25 of 10,20,30,40, deviations 15,5,5,15 so MAD
 * 10. 60: z 2.36; 250: ten times 25, a jump; 249: z 15.1. */
static void test_even(void)
{
    const int64_t h[] = {40, 10, 30, 20};
    struct lu_outlier_why why;

    ASSERT_EQ(judge(h, 4, 60, &why), LU_OUTLIER_NONE);
    ASSERT_EQ(why.median, 25);
    ASSERT_TRUE(fabs(why.z - 2.36075) < 0.001);
    ASSERT_EQ(judge(h, 4, 250, NULL), LU_OUTLIER_JUMP_UP);
    ASSERT_EQ(judge(h, 4, 249, &why), LU_OUTLIER_Z);
    ASSERT_TRUE(fabs(why.z - 15.1088) < 0.001);
}

int main(void)
{
    test_issue_jump();
    test_jump_bounds();
    test_zscore();
    test_too_few();
    test_flat();
    test_even();
    TEST_DONE();
}
