/* lu_money: amounts for people. English first (no catalogue in use), then
 * Chinese with the build tree's catalogue, when the zh_CN.UTF-8 locale
 * exists; without it the test is skipped, not passed. */
#include <locale.h>
#include <stdlib.h>

#include "i18n.h"
#include "money.h"
#include "test.h"

static const char *yuan(int64_t fen)
{
    static char buf[LU_MONEY_LEN];

    return lu_money_yuan(fen, buf, sizeof(buf));
}

static const char *amount(int64_t n, const char *base, int scale)
{
    static char buf[LU_MONEY_LEN];

    return lu_money_amount(n, base, scale, buf, sizeof(buf));
}

static void test_group(void)
{
    char b[LU_MONEY_LEN];

    ASSERT_STREQ(lu_money_group(0, 2, b, sizeof(b)), "0.00");
    ASSERT_STREQ(lu_money_group(5, 2, b, sizeof(b)), "0.05");
    ASSERT_STREQ(lu_money_group(123456, 2, b, sizeof(b)), "1,234.56");
    ASSERT_STREQ(lu_money_group(100000, 2, b, sizeof(b)), "1,000.00");
    ASSERT_STREQ(lu_money_group(99999, 2, b, sizeof(b)), "999.99");
    ASSERT_STREQ(lu_money_group(1234567, 0, b, sizeof(b)), "1,234,567");
    ASSERT_STREQ(lu_money_group(123, 0, b, sizeof(b)), "123");
    ASSERT_STREQ(lu_money_group(-1234567, 0, b, sizeof(b)), "-1,234,567");
    ASSERT_STREQ(lu_money_group(INT64_MIN, 0, b, sizeof(b)),
                 "-9,223,372,036,854,775,808");
}

static void test_english(void)
{
    ASSERT_TRUE(!lu_money_chinese());
    ASSERT_STREQ(yuan(125050), "1,250.50 yuan");
    ASSERT_STREQ(yuan(150000000000), "1,500,000,000.00 yuan");
    ASSERT_STREQ(amount(1234, "persons", 1), "1,234 persons");
    ASSERT_STREQ(amount(12, "count", 1), "12 items");
}

static void test_chinese(void)
{
    ASSERT_TRUE(lu_money_chinese());
    ASSERT_STREQ(yuan(0), "0.00元");
    ASSERT_STREQ(yuan(125050), "1,250.50元");
    ASSERT_STREQ(yuan(999999), "9,999.99元");
    ASSERT_STREQ(yuan(1000000), "1.00万元");
    ASSERT_STREQ(yuan(125000000), "125.00万元");
    ASSERT_STREQ(yuan(125004999), "125.00万元");
    ASSERT_STREQ(yuan(125005000), "125.01万元");
    ASSERT_STREQ(yuan(9999990000), "9,999.99万元");
    /* 9,999.995万元 rounds to 10,000.00万元: shown as 亿元 instead. */
    ASSERT_STREQ(yuan(9999995000), "1.00亿元");
    ASSERT_STREQ(yuan(10000000000), "1.00亿元");
    ASSERT_STREQ(yuan(150000000000), "15.00亿元");
    ASSERT_STREQ(yuan(1000000000000000), "100,000.00亿元");
    ASSERT_STREQ(yuan(-125000000), "-125.00万元");
    ASSERT_STREQ(yuan(-125050), "-1,250.50元");
    ASSERT_STREQ(amount(1234, "persons", 1), "1,234人");
    ASSERT_STREQ(amount(12, "count", 1), "12个");
    ASSERT_STREQ(amount(1234, "", 1), "1,234");
}

int main(void)
{
    test_group();
    test_english();
    if (test_failures == 0) {
        setenv("LANG", "zh_CN.UTF-8", 1);
        unsetenv("LC_ALL");
        unsetenv("LC_MESSAGES");
        unsetenv("LANGUAGE");
        lu_i18n_init();
        if (setlocale(LC_MESSAGES, NULL) == NULL ||
            strncmp(setlocale(LC_MESSAGES, NULL), "zh_CN", 5) != 0) {
            fprintf(stderr, "skipped: no zh_CN.UTF-8 locale (scripts/deps "
                            "makes it)\n");
            return 77;
        }
        test_chinese();
    }
    return test_failures ? 1 : 0;
}
