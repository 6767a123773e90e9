/* Reading office files: amounts, months and names as clerks type them,
 * headers in Chinese and English, encodings, and the place and fix every
 * refusal names. */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "normalize.h"
#include "plan.h"
#include "test.h"
#include "textenc.h"
#include "util.h"
#include "xlsx.h"

static struct lu_plan *plan;

static void amount_ok(const char *in, enum lu_cell_kind kind, const char *want)
{
    char out[128] = "", err[512] = "";

    if (lu_norm_amount(in, kind, out, sizeof(out), err, sizeof(err)) != 0)
        TEST_FAIL_AT("amount \"%s\" refused: %s", in, err);
    else
        ASSERT_STREQ(out, want);
}

static void amount_bad(const char *in, const char *reason)
{
    char out[128], err[512] = "";

    ASSERT_EQ(
        lu_norm_amount(in, LU_CELL_TEXT, out, sizeof(out), err, sizeof(err)),
        -EINVAL);
    ASSERT_CONTAINS(err, reason);
}

static void test_amounts(void)
{
    amount_ok("1250000.50", LU_CELL_TEXT, "1250000.50");
    amount_ok("1,250,000.50", LU_CELL_TEXT, "1250000.50");
    amount_ok(" 1250000.50 ", LU_CELL_TEXT, "1250000.50");
    amount_ok("\xC2\xA0"
              "12\xE3\x80\x80",
              LU_CELL_TEXT, "12");
    amount_ok("999", LU_CELL_TEXT, "999");
    amount_ok("¥1,250,000.50", LU_CELL_TEXT, "1250000.50");
    amount_ok(" ￥ 12 ", LU_CELL_TEXT, "12");
    amount_ok("1,000", LU_CELL_TEXT, "1000");
    amount_ok("1234.5600000000001", LU_CELL_NUMBER, "1234.56");
    amount_ok("1250000", LU_CELL_NUMBER, "1250000");
    amount_ok("1.25E+6", LU_CELL_NUMBER, "1250000");
    amount_bad("1.25E+06", "scientific notation");
    amount_bad("-5", "negative");
    amount_bad("125万", "unit word");
    amount_bad("1,25,0000", "thousands");
    amount_bad("1250000,50", "thousands");
    amount_bad("12,50.5", "thousands");
    amount_bad("1.250,50", "thousands");
    amount_bad("", "empty");
    amount_bad("   ", "empty");
}

static void month_ok(const char *in, uint32_t want)
{
    char err[512] = "";
    uint32_t m = 0;

    if (lu_norm_month(in, &m, err, sizeof(err)) != 0)
        TEST_FAIL_AT("month \"%s\" refused: %s", in, err);
    else
        ASSERT_EQ(m, want);
}

static void month_bad(const char *in, const char *reason)
{
    char err[512] = "";
    uint32_t m;

    ASSERT_EQ(lu_norm_month(in, &m, err, sizeof(err)), -EINVAL);
    ASSERT_CONTAINS(err, reason);
}

static void test_months(void)
{
    month_ok("2019-07", 201907);
    month_ok("2019-7", 201907);
    month_ok("2019/7", 201907);
    month_ok("2019/07", 201907);
    month_ok("2019/7/1", 201907);
    month_ok("2019-07-01", 201907);
    month_ok("2019-07-01 00:00:00", 201907);
    month_ok("2019年7月", 201907);
    month_ok("2019年07月", 201907);
    month_ok("2019年7月1日", 201907);
    month_ok("201907", 201907);
    month_ok(" 2019-12 ", 201912);
    month_bad("2019.1", "ambiguous");
    month_bad("7/1/2019", "ambiguous");
    month_bad("43647", "serial number");
    month_bad("2019/7/15", "a day, not a month");
    month_bad("2019-13", "no such month");
    month_bad("Jul-19", "2019-07");
    month_bad("", "empty");
    month_bad("2019-07-01 08:30", "2019-07");
}

static void test_match(void)
{
    const struct lu_norm_name names[] = {{"cq-wanzhou", "万州区"},
                                         {"cq-wuxi", "巫溪县"},
                                         {"cq-wushan", "巫山县"}};
    char s[256];

    ASSERT_EQ(lu_norm_match("万州区", names, 3, s, sizeof(s)), 0);
    ASSERT_EQ(lu_norm_match("CQ-WUXI", names, 3, s, sizeof(s)), 1);
    ASSERT_EQ(lu_norm_match("万州", names, 3, s, sizeof(s)), -1);
    ASSERT_STREQ(s, "万州区 (cq-wanzhou)");
    ASSERT_EQ(lu_norm_match("重庆市万州区", names, 3, s, sizeof(s)), -1);
    ASSERT_STREQ(s, "万州区 (cq-wanzhou)");
    ASSERT_EQ(lu_norm_match("cq-wanzou", names, 3, s, sizeof(s)), -1);
    ASSERT_STREQ(s, "万州区 (cq-wanzhou)");
    ASSERT_EQ(lu_norm_match("北京市", names, 3, s, sizeof(s)), -1);
    ASSERT_STREQ(s, "");
}

/* Converts UTF-8 text to another encoding with iconv, for the inputs. */
static char *encode(const char *text, const char *to, size_t *len)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    size_t in_left = strlen(text), out_left = in_left * 4 + 8;
    char *out = calloc(1, out_left), *o = out, *in = (char *)text;

    iconv(cd, &in, &in_left, &o, &out_left);
    iconv_close(cd);
    *len = (size_t)(o - out);
    return out;
}

static void test_textenc(void)
{
    const char *text = "单位,指标\n万州区,培训\n";
    const char *encs[] = {"GB18030", "UTF-16LE", "UTF-16BE"};
    char *out, *raw, used[16], err[512];
    size_t len, olen;

    for (size_t i = 0; i < 3; i++) {
        struct lu_buf in;

        raw = encode(text, encs[i], &len);
        lu_buf_init(&in);
        if (i == 1)
            lu_buf_add(&in, "\xFF\xFE", 2);
        if (i == 2)
            lu_buf_add(&in, "\xFE\xFF", 2);
        lu_buf_add(&in, raw, len);
        ASSERT_EQ(lu_textenc_to_utf8(in.data, in.len, NULL, &out, &olen, used,
                                     err, sizeof(err)),
                  0);
        ASSERT_STREQ(out, text);
        ASSERT_STREQ(used, encs[i]);
        free(out);
        free(raw);
        lu_buf_free(&in);
    }
    /* UTF-16 without BOM reads as text with NULs: named, with the fix. */
    raw = encode(text, "UTF-16LE", &len);
    ASSERT_EQ(
        lu_textenc_to_utf8(raw, len, NULL, &out, &olen, used, err, sizeof(err)),
        -EINVAL);
    ASSERT_CONTAINS(err, "1:6: ");
    ASSERT_CONTAINS(err, "utf-16le");
    free(raw);
    /* Forced: GBK bytes read as UTF-8 say where they break. */
    raw = encode("a,b\n万州区\n", "GBK", &len);
    ASSERT_EQ(lu_textenc_to_utf8(raw, len, "utf-8", &out, &olen, used, err,
                                 sizeof(err)),
              -EINVAL);
    ASSERT_CONTAINS(err, "2:1: not valid UTF-8");
    free(raw);
    ASSERT_EQ(lu_textenc_to_utf8("x", 1, "latin9", &out, &olen, used, err,
                                 sizeof(err)),
              -EINVAL);
    ASSERT_CONTAINS(err, "unknown encoding");
}

/* Imports text and returns its problems ("" when none). */
static char *import(const char *text, struct lu_import *im)
{
    lu_import_init(im, "f.csv");
    lu_import_read(im, plan, text, strlen(text), NULL, NULL);
    return im->problems.data ? im->problems.data : "";
}

static void test_import_ok(void)
{
    struct lu_import im;
    const char *text =
        "\xEF\xBB\xBF 金额（元） ,Unit,月份,指标名称,备注,,\r\n"
        "\"1,250,000.50\",万州区,2019/7/1,农副产品销售至山东交易额,"
        "\"a, b\",,\r\n"
        ",,,,,,\r\n"
        " 12 ,cq-wanzhou,2019年8月,poor_trained,,,\r\n"
        "\r\n";

    ASSERT_STREQ(import(text, &im), "");
    ASSERT_EQ(im.n, 2);
    ASSERT_EQ(im.empty_rows, 1);
    ASSERT_STREQ(im.entries[0].unit, "cq-wanzhou");
    ASSERT_STREQ(im.entries[0].indicator, "agri_sales_to_sd");
    ASSERT_STREQ(im.entries[0].period, "2019-07");
    ASSERT_STREQ(im.entries[0].amount, "1250000.50");
    ASSERT_STREQ(im.entries[0].note, "a, b");
    ASSERT_EQ(im.lines[0], 2);
    ASSERT_STREQ(im.entries[1].period, "2019-08");
    ASSERT_STREQ(im.entries[1].amount, "12");
    ASSERT_EQ(im.lines[1], 4);
    lu_import_close(&im);
}

static void test_import_key(void)
{
    struct lu_import a, b;
    uint8_t ka[32], kb[32];

    /* The same rows written differently are the same import. */
    import("unit,indicator,period,amount,note\n"
           "cq-wanzhou,poor_trained,2019-07,12,x\n",
           &a);
    import("备注\t金额\t月份\t指标\t单位\n"
           "x\t12\t2019年7月\t建档立卡贫困人口培训\t万州区\n",
           &b);
    ASSERT_EQ(a.n, 1);
    ASSERT_EQ(b.n, 1);
    lu_import_key(&a, ka);
    lu_import_key(&b, kb);
    ASSERT_TRUE(memcmp(ka, kb, 32) == 0);
    lu_import_close(&a);
    lu_import_close(&b);
}

static void test_import_problems(void)
{
    struct lu_import im;
    char *p;

    p = import("单位,指标,月份,金额,颜色\n"
               "万州区,培训,2019-07,1,红\n",
               &im);
    ASSERT_CONTAINS(p, "f.csv:1:5: unknown column \"颜色\"");
    lu_import_close(&im);

    p = import("单位,指标,金额\n万州区,poor_trained,1\n", &im);
    ASSERT_CONTAINS(p, "f.csv:1: the header has no month (月份) column");
    lu_import_close(&im);

    p = import("单位,指标,月份,金额\n"
               "万州,poor_trained,2019-07,1\n"
               "万州区,建档立卡贫困人口培训,2019.7,1\n"
               "万州区,poor_trained,2019-07,1.25E+06\n"
               "万州区,poor_trained,2019-07,1.5\n"
               "万州区,poor_traned,2017-07,1\n"
               "万州区,poor_trained,2019-07,\n",
               &im);
    ASSERT_CONTAINS(p, "f.csv:2:1: unknown unit (单位) \"万州\"; did you mean "
                       "万州区 (cq-wanzhou)?");
    ASSERT_CONTAINS(p, "f.csv:3:3: month \"2019.7\"");
    ASSERT_CONTAINS(p, "f.csv:4:4: amount \"1.25E+06\" is in scientific");
    ASSERT_CONTAINS(p, "f.csv:5:4: amount \"1.5\"");
    ASSERT_CONTAINS(p, "f.csv:6:2: unknown indicator (指标) \"poor_traned\"; "
                       "did you mean 建档立卡贫困人口培训 (poor_trained)?");
    ASSERT_CONTAINS(p, "f.csv:6:3: month 2017-07 is outside the plan");
    ASSERT_CONTAINS(p, "f.csv:7:4: amount is empty");
    ASSERT_EQ(im.n, 0);
    lu_import_close(&im);

    p = import("单位,指标,月份,金额,计量单位\n"
               "万州区,农副产品销售至山东交易额,2019-07,125,万元\n",
               &im);
    ASSERT_CONTAINS(p, "f.csv:2:5: 农副产品销售至山东交易额 is counted in 元");
    lu_import_close(&im);

    p = import("万州区2019年7月台账,,,,\n单位,指标,月份,金额\n", &im);
    ASSERT_CONTAINS(p, "f.csv:1: this row names no column");
    lu_import_close(&im);

    p = import("", &im);
    ASSERT_CONTAINS(p, "f.csv: no entries: the file is empty");
    lu_import_close(&im);
    p = import("unit,indicator,period,amount\n,,,\n", &im);
    ASSERT_CONTAINS(p, "f.csv: no entries: the file holds only the header");
    lu_import_close(&im);
    p = import("unit,indicator,period,amount\n\"x\n", &im);
    ASSERT_CONTAINS(p, "f.csv:2: field 1: quote opened here is never closed");
    lu_import_close(&im);
    p = import("unit,indicator,period,amount\nx,y,z,1,extra\n", &im);
    ASSERT_CONTAINS(p, "f.csv:2:5: this column has no header");
    lu_import_close(&im);
}

/* Reads a workbook of the office corpus into a sheet. */
static int read_book(const char *name, const char *sheet, struct lu_sheet *s,
                     char *err, size_t errlen)
{
    const char *src = getenv("LUYU_SOURCE_DIR");
    char path[4096], *data = NULL;
    size_t len = 0;
    int r;

    snprintf(path, sizeof(path), "%s/tests/data/office/%s", src ? src : "..",
             name);
    lu_sheet_init(s);
    r = lu_read_file(path, 1 << 24, &data, &len);
    if (r < 0) {
        snprintf(err, errlen, "cannot read %.400s", path);
        return r;
    }
    r = lu_xlsx_read(data, len, sheet, s, err, errlen);
    free(data);
    return r;
}

static void test_xlsx(void)
{
    struct lu_sheet s;
    char err[512] = "";

    /* openpyxl: shared strings, a date cell styled yyyy-mm, a number. */
    ASSERT_EQ(read_book("openpyxl-dates.xlsx", NULL, &s, err, sizeof(err)), 0);
    ASSERT_EQ(s.n, 4); /* the empty row 4 is not in the file */
    ASSERT_EQ(s.rows[0].line, 1);
    ASSERT_STREQ(lu_sheet_text(&s.rows[0], 3), "月份");
    ASSERT_EQ(lu_sheet_kind(&s.rows[1], 3), LU_CELL_DATE);
    ASSERT_STREQ(lu_sheet_text(&s.rows[1], 3), "2019-12-01");
    ASSERT_EQ(lu_sheet_kind(&s.rows[1], 4), LU_CELL_NUMBER);
    ASSERT_STREQ(lu_sheet_text(&s.rows[1], 4), "1250000.5");
    ASSERT_EQ(s.rows[3].line, 5);
    ASSERT_EQ(lu_sheet_kind(&s.rows[3], 3), LU_CELL_TEXT);
    ASSERT_STREQ(lu_sheet_text(&s.rows[3], 3), "2019-12");
    lu_sheet_close(&s);
    /* A custom Chinese date format, on the second sheet. */
    ASSERT_EQ(
        read_book("openpyxl-second-sheet.xlsx", "台账", &s, err, sizeof(err)),
        0);
    ASSERT_EQ(s.n, 2);
    ASSERT_STREQ(lu_sheet_text(&s.rows[1], 2), "2020-01-01");
    lu_sheet_close(&s);
    /* Inline strings, rows with gaps, a number with binary noise. */
    ASSERT_EQ(read_book("wps-inline-strings.xlsx", NULL, &s, err, sizeof(err)),
              0);
    ASSERT_EQ(s.n, 3);
    ASSERT_EQ(s.rows[1].line, 3);
    ASSERT_STREQ(lu_sheet_text(&s.rows[1], 0), "黔江区");
    ASSERT_STREQ(lu_sheet_text(&s.rows[1], 3), "1234.5600000000001");
    lu_sheet_close(&s);
    ASSERT_EQ(read_book("damaged.xlsx", NULL, &s, err, sizeof(err)), -EINVAL);
    ASSERT_CONTAINS(err, "not a readable .xlsx workbook");
    lu_sheet_close(&s);
    ASSERT_EQ(read_book("zip-bomb.xlsx", NULL, &s, err, sizeof(err)), -EINVAL);
    ASSERT_CONTAINS(err, "more than 64 MiB");
    lu_sheet_close(&s);
}

int main(void)
{
    const char *src = getenv("LUYU_SOURCE_DIR");
    char path[4096], err[512];

    snprintf(path, sizeof(path), "%s/etc/plan-2018-2020.ini", src ? src : "..");
    if (lu_plan_load(path, &plan, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    test_amounts();
    test_months();
    test_match();
    test_textenc();
    test_import_ok();
    test_import_key();
    test_import_problems();
    test_xlsx();
    lu_plan_free(plan);
    return test_failures ? 1 : 0;
}
