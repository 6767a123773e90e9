/* The rate limiter for log lines peers can provoke: a burst per window,
 * then nothing, then the number suppressed on the next line allowed. The
 * windows are moved by hand, so nothing here depends on the clock. */
#include "log.h"
#include "test.h"

static void test_burst_then_suppressed(void)
{
    struct lu_ratelimit rl = {0};
    uint64_t suppressed = 99;
    int allowed = 0;

    for (int i = 0; i < 25; i++)
        allowed += lu_ratelimit_ok(&rl, 10, 1000000000u, &suppressed);
    ASSERT_EQ(allowed, 10);
    ASSERT_EQ(suppressed, 0);
    ASSERT_EQ(rl.suppressed, 15);
    /* The window is over: the next line is allowed and says how many
     * were dropped since the last one. */
    rl.window_start_ms = 1;
    ASSERT_TRUE(lu_ratelimit_ok(&rl, 10, 1000, &suppressed));
    ASSERT_EQ(suppressed, 15);
    ASSERT_EQ(rl.suppressed, 0);
    ASSERT_TRUE(lu_ratelimit_ok(&rl, 10, 1000000000u, NULL));
}

int main(void)
{
    test_burst_then_suppressed();
    TEST_DONE();
}
