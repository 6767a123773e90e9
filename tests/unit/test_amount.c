/* Amounts and periods: what a user may type, the exact reason they see when
 * it is refused, and that formatting and parsing round-trip. */
#include <errno.h>
#include <stdint.h>

#include "amount.h"
#include "test.h"

/* Parses s and expects want; prints the input on failure because the
 * assertion's own line is this helper's. */
static void amount_ok(const char *s, int scale, int64_t want)
{
    char err[256] = "";
    int64_t v = -1;
    int r = lu_amount_parse(s, scale, &v, err, sizeof(err));

    if (r != 0 || v != want)
        TEST_FAIL_AT("amount \"%s\" scale %d: r=%d v=%" PRId64 ", want %" PRId64
                     " (%s)",
                     s, scale, r, v, want, err);
}

/* Expects s to be refused with want_r and exactly the message want_err,
 * leaving the output untouched. */
static void amount_bad(const char *s, int scale, int want_r,
                       const char *want_err)
{
    char err[256] = "";
    int64_t v = 42;
    int r = lu_amount_parse(s, scale, &v, err, sizeof(err));

    if (r != want_r || v != 42 || strcmp(err, want_err) != 0)
        TEST_FAIL_AT("amount \"%s\" scale %d: r=%d v=%" PRId64
                     " err \"%s\", want r=%d err \"%s\"",
                     s, scale, r, v, err, want_r, want_err);
}

static void period_ok(const char *s, uint32_t want)
{
    char err[256] = "";
    uint32_t p = 0;
    int r = lu_period_parse(s, &p, err, sizeof(err));

    if (r != 0 || p != want)
        TEST_FAIL_AT("period \"%s\": r=%d p=%u, want %u (%s)", s, r, p, want,
                     err);
}

static void period_bad(const char *s, const char *want_err)
{
    char err[256] = "";
    uint32_t p = 7;
    int r = lu_period_parse(s, &p, err, sizeof(err));

    if (r != -EINVAL || p != 7 || strcmp(err, want_err) != 0)
        TEST_FAIL_AT("period \"%s\": r=%d p=%u err \"%s\", want \"%s\"", s, r,
                     p, err, want_err);
}

static void test_parse_ok(void)
{
    amount_ok("1234.5", 100, 123450);
    amount_ok("1234.56", 100, 123456);
    amount_ok("1234", 100, 123400);
    amount_ok("0.01", 100, 1);
    amount_ok("0.1", 100, 10);
    amount_ok("0", 100, 0);
    amount_ok("0.00", 100, 0);
    amount_ok("007.50", 100, 750);
    amount_ok("1250000.50", 100, 125000050);
    amount_ok("12", 1, 12);
    amount_ok("0", 1, 0);
    amount_ok("255000", 1, 255000);
    /* The limit itself is allowed; one unit more is not (below). */
    amount_ok("100000000000", 100, LU_AMOUNT_MAX);
    amount_ok("100000000000.00", 100, LU_AMOUNT_MAX);
    amount_ok("99999999999.99", 100, LU_AMOUNT_MAX - 1);
    amount_ok("10000000000000", 1, LU_AMOUNT_MAX);
    /* Leading zeros do not count towards the limit. */
    amount_ok("0000000000000000000000000001", 1, 1);
}

static void test_parse_bad(void)
{
    amount_bad("", 100, -EINVAL, "amount is empty");
    amount_bad("", 1, -EINVAL, "amount is empty");
    amount_bad("12.0", 1, -EINVAL,
               "amount \"12.0\": too many decimals (whole numbers only)");
    amount_bad("12.5", 1, -EINVAL,
               "amount \"12.5\": too many decimals (whole numbers only)");
    amount_bad("1.234", 100, -EINVAL,
               "amount \"1.234\": too many decimals (at most 2)");
    amount_bad("1.230", 100, -EINVAL,
               "amount \"1.230\": too many decimals (at most 2)");
    amount_bad("1.00000000000000000000000000000001", 100, -EINVAL,
               "amount \"1.00000000000000000000000000000001\": too many "
               "decimals (at most 2)");
    amount_bad("-5", 100, -EINVAL, "amount \"-5\": must not be negative");
    amount_bad("-0", 1, -EINVAL, "amount \"-0\": must not be negative");
    amount_bad("+5", 100, -EINVAL, "amount \"+5\": signs are not allowed");
    amount_bad(" 5", 100, -EINVAL, "amount \" 5\": spaces are not allowed");
    amount_bad("5 ", 100, -EINVAL, "amount \"5 \": spaces are not allowed");
    amount_bad("1 000", 1, -EINVAL, "amount \"1 000\": spaces are not allowed");
    amount_bad("5\t", 1, -EINVAL, "amount \"5\\x09\": spaces are not allowed");
    amount_bad("1e3", 100, -EINVAL,
               "amount \"1e3\": exponents are not allowed");
    amount_bad("1.5E3", 100, -EINVAL,
               "amount \"1.5E3\": exponents are not allowed");
    amount_bad("1,000", 100, -EINVAL,
               "amount \"1,000\": commas are not allowed (no thousands "
               "separators)");
    amount_bad("1,5", 100, -EINVAL,
               "amount \"1,5\": commas are not allowed (no thousands "
               "separators)");
    amount_bad("abc", 100, -EINVAL,
               "amount \"abc\": not a number (digits and one '.' only)");
    amount_bad("e5", 100, -EINVAL,
               "amount \"e5\": not a number (digits and one '.' only)");
    amount_bad("12元", 100, -EINVAL,
               "amount \"12元\": not a number (digits and one '.' only)");
    amount_bad("0x10", 1, -EINVAL,
               "amount \"0x10\": not a number (digits and one '.' only)");
    amount_bad("1.", 100, -EINVAL,
               "amount \"1.\": needs a digit after the decimal point");
    amount_bad(".5", 100, -EINVAL,
               "amount \".5\": needs a digit before the decimal point");
    amount_bad(".", 100, -EINVAL,
               "amount \".\": needs a digit before the decimal point");
    amount_bad("1.2.3", 100, -EINVAL,
               "amount \"1.2.3\": more than one decimal point");
    amount_bad("1..2", 100, -EINVAL,
               "amount \"1..2\": more than one decimal point");
    amount_bad("99999999999999999999", 100, -ERANGE,
               "amount \"99999999999999999999\": too large (max "
               "100000000000.00)");
    amount_bad("99999999999999999999", 1, -ERANGE,
               "amount \"99999999999999999999\": too large (max "
               "10000000000000)");
    amount_bad("100000000000.01", 100, -ERANGE,
               "amount \"100000000000.01\": too large (max "
               "100000000000.00)");
    amount_bad("100000000001", 100, -ERANGE,
               "amount \"100000000001\": too large (max 100000000000.00)");
    amount_bad("10000000000001", 1, -ERANGE,
               "amount \"10000000000001\": too large (max 10000000000000)");
    /* Past int64 entirely: the digit-by-digit check must still say range. */
    amount_bad("9223372036854775808", 1, -ERANGE,
               "amount \"9223372036854775808\": too large (max "
               "10000000000000)");
    amount_bad("5", 7, -EINVAL, "amount \"5\": unsupported scale 7");
    amount_bad("5", 0, -EINVAL, "amount \"5\": unsupported scale 0");
    amount_bad("5", -100, -EINVAL, "amount \"5\": unsupported scale -100");
}

/* Values in messages are escaped and cut short: they may be anything. */
static void test_error_quoting(void)
{
    char long_value[201];
    char err[256];
    int64_t v;

    amount_bad("1\x01", 1, -EINVAL,
               "amount \"1\\x01\": not a number (digits and one '.' only)");
    amount_bad("1\"", 1, -EINVAL,
               "amount \"1\\x22\": not a number (digits and one '.' only)");
    memset(long_value, '9', 200);
    long_value[200] = '\0';
    amount_bad(long_value, 100, -ERANGE,
               "amount \"9999999999999999999999999999999999999999...\": too "
               "large (max 100000000000.00)");
    /* A cut never splits a UTF-8 character: 13 three-byte characters are
     * 39 bytes, so the 14th starts at byte 39 and is kept whole. */
    amount_bad("一二三四五六七八九十一二三四五", 1, -EINVAL,
               "amount \"一二三四五六七八九十一二三四...\": not a number "
               "(digits and one '.' only)");
    /* A short buffer truncates the message rather than overrunning it. */
    ASSERT_EQ(lu_amount_parse("abc", 1, &v, err, 10), -EINVAL);
    ASSERT_STREQ(err, "amount \"a");
    /* No buffer at all is fine too. */
    ASSERT_EQ(lu_amount_parse("abc", 1, &v, NULL, 0), -EINVAL);
}

static void test_format(void)
{
    char buf[32];

    ASSERT_STREQ(lu_amount_format(123450, 100, buf, sizeof(buf)), "1234.50");
    ASSERT_STREQ(lu_amount_format(1, 100, buf, sizeof(buf)), "0.01");
    ASSERT_STREQ(lu_amount_format(10, 100, buf, sizeof(buf)), "0.10");
    ASSERT_STREQ(lu_amount_format(0, 100, buf, sizeof(buf)), "0.00");
    ASSERT_STREQ(lu_amount_format(12, 1, buf, sizeof(buf)), "12");
    ASSERT_STREQ(lu_amount_format(0, 1, buf, sizeof(buf)), "0");
    ASSERT_STREQ(lu_amount_format(LU_AMOUNT_MAX, 100, buf, sizeof(buf)),
                 "100000000000.00");
    ASSERT_STREQ(lu_amount_format(-5, 100, buf, sizeof(buf)), "-0.05");
    ASSERT_STREQ(lu_amount_format(-123450, 100, buf, sizeof(buf)), "-1234.50");
    ASSERT_STREQ(lu_amount_format(-12, 1, buf, sizeof(buf)), "-12");
    ASSERT_STREQ(lu_amount_format(INT64_MIN, 100, buf, sizeof(buf)),
                 "-92233720368547758.08");
    ASSERT_STREQ(lu_amount_format(INT64_MAX, 1, buf, sizeof(buf)),
                 "9223372036854775807");
    /* A scale the parser refuses shows the stored units unchanged. */
    ASSERT_STREQ(lu_amount_format(1234, 7, buf, sizeof(buf)), "1234");
    /* Short buffers truncate like snprintf and stay terminated. */
    ASSERT_STREQ(lu_amount_format(123450, 100, buf, 5), "1234");
}

/* format(parse(s)) gives s back for canonical input, and parse(format(v))
 * gives v back for every amount in range. */
static void test_round_trip(void)
{
    static const char *canonical100[] = {"0.00", "0.01",    "0.99",
                                         "1.00", "1234.50", "100000000000.00"};
    static const char *canonical1[] = {"0", "1", "255000", "10000000000000"};
    uint64_t x = 88172645463325252u;
    char buf[32], err[256];
    int64_t v;

    for (size_t i = 0; i < sizeof(canonical100) / sizeof(*canonical100); i++) {
        ASSERT_EQ(lu_amount_parse(canonical100[i], 100, &v, err, sizeof(err)),
                  0);
        ASSERT_STREQ(lu_amount_format(v, 100, buf, sizeof(buf)),
                     canonical100[i]);
    }
    for (size_t i = 0; i < sizeof(canonical1) / sizeof(*canonical1); i++) {
        ASSERT_EQ(lu_amount_parse(canonical1[i], 1, &v, err, sizeof(err)), 0);
        ASSERT_STREQ(lu_amount_format(v, 1, buf, sizeof(buf)), canonical1[i]);
    }
    /* xorshift64 over the whole range, plus the edges. */
    for (int i = 0; i < 20000; i++) {
        int64_t want, got = -1;
        int scale = i % 2 ? 100 : 1;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        want = (int64_t)(x % (uint64_t)(LU_AMOUNT_MAX + 1));
        if (i < 4)
            want = i < 2 ? 0 : LU_AMOUNT_MAX;
        lu_amount_format(want, scale, buf, sizeof(buf));
        if (lu_amount_parse(buf, scale, &got, err, sizeof(err)) != 0 ||
            got != want)
            TEST_FAIL_AT("round trip %" PRId64 " scale %d via \"%s\": %" PRId64
                         " (%s)",
                         want, scale, buf, got, err);
    }
}

static void test_period(void)
{
    char buf[16], err[256];
    uint32_t p;

    period_ok("2019-07", 201907);
    period_ok("201907", 201907);
    period_ok("2000-01", 200001);
    period_ok("2099-12", 209912);
    period_ok("209912", 209912);

    period_bad("", "period is empty");
    period_bad("2019-13", "period \"2019-13\": month must be 01..12");
    period_bad("2019-00", "period \"2019-00\": month must be 01..12");
    period_bad("201900", "period \"201900\": month must be 01..12");
    period_bad("1999-01", "period \"1999-01\": year must be 2000..2099");
    period_bad("2100-01", "period \"2100-01\": year must be 2000..2099");
    period_bad("0000-01", "period \"0000-01\": year must be 2000..2099");
    period_bad("19-07", "period \"19-07\": expected YYYY-MM, e.g. 2019-07");
    period_bad("2019-7", "period \"2019-7\": expected YYYY-MM, e.g. 2019-07");
    period_bad("2019/07", "period \"2019/07\": expected YYYY-MM, e.g. 2019-07");
    period_bad("2019-07x",
               "period \"2019-07x\": expected YYYY-MM, e.g. 2019-07");
    period_bad("2019-07-01",
               "period \"2019-07-01\": expected YYYY-MM, e.g. 2019-07");
    period_bad("2019-07 ",
               "period \"2019-07 \": expected YYYY-MM, e.g. 2019-07");
    period_bad(" 2019-07",
               "period \" 2019-07\": expected YYYY-MM, e.g. 2019-07");
    period_bad("2019-+7", "period \"2019-+7\": expected YYYY-MM, e.g. 2019-07");
    period_bad("20190-7", "period \"20190-7\": expected YYYY-MM, e.g. 2019-07");
    period_bad("2019_07", "period \"2019_07\": expected YYYY-MM, e.g. 2019-07");
    period_bad("July", "period \"July\": expected YYYY-MM, e.g. 2019-07");

    ASSERT_STREQ(lu_period_format(201907, buf, sizeof(buf)), "2019-07");
    ASSERT_STREQ(lu_period_format(200001, buf, 8), "2000-01");

    ASSERT_TRUE(lu_period_valid(201907));
    ASSERT_TRUE(lu_period_valid(200001));
    ASSERT_TRUE(lu_period_valid(209912));
    ASSERT_TRUE(!lu_period_valid(0));
    ASSERT_TRUE(!lu_period_valid(201900));
    ASSERT_TRUE(!lu_period_valid(201913));
    ASSERT_TRUE(!lu_period_valid(199912));
    ASSERT_TRUE(!lu_period_valid(210001));
    ASSERT_TRUE(!lu_period_valid(2019071));

    /* Every valid period formats and parses back, in both spellings; every
     * month number outside 1..12 is refused by both. */
    for (uint32_t year = 1990; year <= 2110; year++) {
        for (uint32_t month = 0; month <= 99; month++) {
            uint32_t want = year * 100 + month;
            int valid =
                year >= 2000 && year <= 2099 && month >= 1 && month <= 12;
            int r;

            ASSERT_EQ(lu_period_valid(want), valid);
            lu_period_format(want, buf, sizeof(buf));
            p = 0;
            r = lu_period_parse(buf, &p, err, sizeof(err));
            if (valid ? r != 0 || p != want : r != -EINVAL)
                TEST_FAIL_AT("period %u via \"%s\": r=%d p=%u", want, buf, r,
                             p);
            snprintf(buf, sizeof(buf), "%u", want);
            r = lu_period_parse(buf, &p, err, sizeof(err));
            if (valid ? r != 0 || p != want : r != -EINVAL)
                TEST_FAIL_AT("period \"%s\": r=%d p=%u", buf, r, p);
        }
    }
}

int main(void)
{
    test_parse_ok();
    test_parse_bad();
    test_error_quoting();
    test_format();
    test_round_trip();
    test_period();
    TEST_DONE();
}
