/* The CSV reader: every record shape RFC 4180 allows, every way an import
 * file can be broken, and the line numbers the user is told. */
#include <errno.h>

#include "csv.h"
#include "test.h"
#include "util.h"

/* Reads all of data and describes what a caller sees, one record a line as
 * "LINE:[field][field]" with newlines and CRs in fields shown as \n and \r,
 * then "end" or "error LINE: REASON". */
static void dump(const char *data, size_t len, struct lu_buf *out)
{
    struct lu_csv *csv = lu_csv_new(data, len);
    char **fields;
    size_t n;
    int line, r;
    char err[256];

    while ((r = lu_csv_next(csv, &fields, &n, &line, err, sizeof(err))) == 1) {
        lu_buf_printf(out, "%d:", line);
        for (size_t i = 0; i < n; i++) {
            lu_buf_adds(out, "[");
            for (const char *p = fields[i]; *p; p++) {
                if (*p == '\n')
                    lu_buf_adds(out, "\\n");
                else if (*p == '\r')
                    lu_buf_adds(out, "\\r");
                else
                    lu_buf_add(out, p, 1);
            }
            lu_buf_adds(out, "]");
        }
        lu_buf_adds(out, "\n");
    }
    if (r == 0)
        lu_buf_adds(out, "end");
    else
        lu_buf_printf(out, "error %d: %s", line, err);
    lu_csv_free(csv);
}

static void check(int at, const char *data, size_t len, const char *want)
{
    struct lu_buf got;

    lu_buf_init(&got);
    dump(data, len, &got);
    if (strcmp(got.data, want) != 0)
        TEST_FAIL_AT("case at line %d:\n--- got\n%s\n--- want\n%s", at,
                     got.data, want);
    lu_buf_free(&got);
}

/* sizeof keeps embedded NULs in the input. */
#define CHECK(data, want) check(__LINE__, data, sizeof(data) - 1, want)

static void test_records(void)
{
    CHECK("", "end");
    CHECK("a", "1:[a]\nend");
    CHECK("a,b,c\n", "1:[a][b][c]\nend");
    CHECK("a,b\nc,d", "1:[a][b]\n2:[c][d]\nend");
    CHECK("a,b\r\nc,d\r\n", "1:[a][b]\n2:[c][d]\nend");
    CHECK("a,b\r\nc,d\n", "1:[a][b]\n2:[c][d]\nend");
    CHECK(",,\n", "1:[][][]\nend");
    CHECK("a,\n", "1:[a][]\nend");
    CHECK(",a", "1:[][a]\nend");
    CHECK("a,b,", "1:[a][b][]\nend");
    /* Spaces belong to the field: RFC 4180 does not trim them. */
    CHECK(" a , b \n", "1:[ a ][ b ]\nend");
    CHECK("  \n", "1:[  ]\nend");
    CHECK("重庆,万州区,“消费扶贫”\n", "1:[重庆][万州区][“消费扶贫”]\nend");
}

static void test_quoted(void)
{
    CHECK("\"x, y\",\"say \"\"hi\"\"\"\n", "1:[x, y][say \"hi\"]\nend");
    CHECK("\"\",x\n", "1:[][x]\nend");
    CHECK("\"\"\n", "1:[]\nend");
    CHECK("\"\"\"\"\n", "1:[\"]\nend");
    CHECK("\"a\"", "1:[a]\nend");
    CHECK("a,\"\"", "1:[a][]\nend");
    CHECK("\"a\"\r\n\"b\"\r\n", "1:[a]\n2:[b]\nend");
    /* Newlines inside quotes are data, and the next record's line number
     * counts them. */
    CHECK("\"l1\nl2\",b\nc\n", "1:[l1\\nl2][b]\n3:[c]\nend");
    CHECK("\"l1\r\nl2\",b\r\nc\r\n", "1:[l1\\r\\nl2][b]\n3:[c]\nend");
    CHECK("a,\"\n\n\n\"\nb\n", "1:[a][\\n\\n\\n]\n5:[b]\nend");
    /* A lone CR inside quotes is data too. */
    CHECK("\"a\rb\"\n", "1:[a\\rb]\nend");
    CHECK("\"a,b\",\"c\nd\",\"e\"\"f\"\n", "1:[a,b][c\\nd][e\"f]\nend");
}

static void test_blank_lines_and_bom(void)
{
    CHECK("\n", "end");
    CHECK("\n\n\r\n", "end");
    CHECK("\n\na\n\n\r\nb\n\n", "3:[a]\n6:[b]\nend");
    CHECK("a\n\n", "1:[a]\nend");
    CHECK("\xEF\xBB\xBFunit,x\n", "1:[unit][x]\nend");
    CHECK("\xEF\xBB\xBF", "end");
    CHECK("\xEF\xBB\xBF\n\na\n", "3:[a]\nend");
    /* Only a BOM at the very start is skipped; elsewhere it is data. */
    CHECK("a\n\xEF\xBB\xBF"
          "b\n",
          "1:[a]\n2:[\xEF\xBB\xBF"
          "b]\nend");
}

static void test_errors(void)
{
    CHECK("a\n\"x,\ny\n",
          "1:[a]\nerror 2: line 2: field 1: quote opened here is never "
          "closed");
    CHECK("a,\"b\n\nc\n",
          "error 1: line 1: field 2: quote opened here is never closed");
    CHECK("\"", "error 1: line 1: field 1: quote opened here is never closed");
    CHECK("\"a\"\"", "error 1: line 1: field 1: quote opened here is never "
                     "closed");
    CHECK("ok\nab\"c\n",
          "1:[ok]\nerror 2: line 2: field 1: quote inside an unquoted field "
          "(quote the whole field and double the quote)");
    CHECK("a,b\"\n", "error 1: line 1: field 2: quote inside an unquoted "
                     "field (quote the whole field and double the quote)");
    CHECK("\"a\"b,c\n",
          "error 1: line 1: field 1: text after the closing quote");
    CHECK("x,\"a\" ,b\n",
          "error 1: line 1: field 2: text after the closing quote");
    CHECK("\"a\n\"x\n",
          "error 1: line 2: field 1: text after the closing quote");
    CHECK("a\rb\n", "error 1: line 1: carriage return without line feed");
    CHECK("a\r", "error 1: line 1: carriage return without line feed");
    CHECK("\"a\"\r", "error 1: line 1: carriage return without line feed");
    CHECK("\r", "error 1: line 1: carriage return without line feed");
    CHECK("a\0b\n", "error 1: line 1: field 1: NUL byte");
    CHECK("a\n\"x\0\"\n", "1:[a]\nerror 2: line 2: field 1: NUL byte");
    CHECK("\"x\ny\0\"\n", "error 1: line 2: field 1: NUL byte");
}

/* Invalid UTF-8 names the line it is on, even inside a multi-line field or
 * in a last line without a newline. */
static void test_utf8(void)
{
    CHECK("ok\nbad\xff\n", "1:[ok]\nerror 2: line 2: not valid UTF-8");
    CHECK("ok\nbad\xff", "1:[ok]\nerror 2: line 2: not valid UTF-8");
    CHECK("a\n\xe4\xb8", "1:[a]\nerror 2: line 2: not valid UTF-8");
    CHECK("\xc0\xaf\n", "error 1: line 1: not valid UTF-8");
    CHECK("\xed\xa0\x80\n", "error 1: line 1: not valid UTF-8");
    CHECK("\"a\n\xc3\",b\n", "error 1: line 2: not valid UTF-8");
    CHECK("\"a\xff\nb\",c\n", "error 1: line 1: not valid UTF-8");
    CHECK("a,\xe4\xb8\n\xad\n", "error 1: line 1: not valid UTF-8");
    /* A broken BOM is not skipped and is not UTF-8. */
    CHECK("\xEF\xBB"
          "a\n",
          "error 1: line 1: not valid UTF-8");
}

/* Builds a record of n fields, each len bytes of 'x'. */
static void make_record(struct lu_buf *b, int n, size_t len, int quoted)
{
    for (int i = 0; i < n; i++) {
        if (i > 0)
            lu_buf_adds(b, ",");
        if (quoted)
            lu_buf_adds(b, "\"");
        for (size_t k = 0; k < len; k++)
            lu_buf_adds(b, "x");
        if (quoted)
            lu_buf_adds(b, "\"");
    }
    lu_buf_adds(b, "\n");
}

static void check_buf(int at, struct lu_buf *in, const char *want_prefix)
{
    struct lu_buf got;

    lu_buf_init(&got);
    dump(in->data, in->len, &got);
    if (strncmp(got.data, want_prefix, strlen(want_prefix)) != 0)
        TEST_FAIL_AT("case at line %d: got \"%.200s\", want \"%s...\"", at,
                     got.data, want_prefix);
    lu_buf_free(&got);
    in->len = 0;
}

static void test_limits(void)
{
    struct lu_buf in, got;

    lu_buf_init(&in);
    make_record(&in, 64, 1, 0);
    check_buf(__LINE__, &in, "1:[x][x]");
    make_record(&in, 65, 1, 0);
    check_buf(__LINE__, &in, "error 1: line 1: more than 64 fields");
    /* 64 fields, the last of them empty, is still within the limit. */
    make_record(&in, 63, 1, 0);
    in.data[in.len - 1] = ',';
    lu_buf_adds(&in, "\n");
    check_buf(__LINE__, &in, "1:[x]");
    make_record(&in, 64, 1, 0);
    in.data[in.len - 1] = ',';
    lu_buf_adds(&in, "\n");
    check_buf(__LINE__, &in, "error 1: line 1: more than 64 fields");

    make_record(&in, 2, 65536, 0);
    check_buf(__LINE__, &in, "1:[xxxx");
    make_record(&in, 2, 65536, 1);
    check_buf(__LINE__, &in, "1:[xxxx");
    lu_buf_adds(&in, "a\n");
    make_record(&in, 1, 65537, 0);
    check_buf(__LINE__, &in,
              "1:[a]\nerror 2: line 2: field 1 is longer than 65536 bytes");
    lu_buf_adds(&in, "a,");
    make_record(&in, 1, 65537, 1);
    check_buf(__LINE__, &in,
              "error 1: line 1: field 2 is longer than 65536 bytes");
    /* The limit counts the field's text, after "" became ". */
    lu_buf_adds(&in, "\"");
    for (int i = 0; i < 65536; i++)
        lu_buf_adds(&in, "\"\"");
    lu_buf_adds(&in, "\"\n");
    check_buf(__LINE__, &in, "1:[\"\"\"\"");
    lu_buf_adds(&in, "\"");
    for (int i = 0; i < 65537; i++)
        lu_buf_adds(&in, "\"\"");
    lu_buf_adds(&in, "\"\n");
    check_buf(__LINE__, &in,
              "error 1: line 1: field 1 is longer than 65536 bytes");
    /* A long field that spans lines reports the line it started on. */
    lu_buf_adds(&in, "\n\"");
    for (int i = 0; i < 40000; i++)
        lu_buf_adds(&in, "x\n");
    lu_buf_adds(&in, "\"\n");
    check_buf(__LINE__, &in,
              "error 2: line 2: field 1 is longer than 65536 bytes");

    /* Exactly 65536 bytes come back whole. */
    lu_buf_init(&got);
    make_record(&in, 1, 65536, 1);
    dump(in.data, in.len, &got);
    ASSERT_EQ(got.len, strlen("1:[]\nend") + 65536);
    lu_buf_free(&got);
    lu_buf_free(&in);
}

/* What lu_csv_next promises besides the fields: the line in every case, an
 * error that stays, and fields that are plain C strings. */
static void test_api(void)
{
    static const char data[] = "a,b\n\"x\ny\",z\n\nbad\"\nc\n";
    struct lu_csv *csv = lu_csv_new(data, sizeof(data) - 1);
    char **fields;
    size_t n;
    int line = 0;
    char err[256];

    ASSERT_EQ(lu_csv_next(csv, &fields, &n, &line, err, sizeof(err)), 1);
    ASSERT_EQ(n, 2);
    ASSERT_EQ(line, 1);
    ASSERT_STREQ(fields[0], "a");
    ASSERT_STREQ(fields[1], "b");
    ASSERT_EQ(lu_csv_next(csv, &fields, &n, &line, err, sizeof(err)), 1);
    ASSERT_EQ(n, 2);
    ASSERT_EQ(line, 2);
    ASSERT_STREQ(fields[0], "x\ny");
    ASSERT_STREQ(fields[1], "z");
    for (int i = 0; i < 3; i++) {
        line = 0;
        err[0] = '\0';
        ASSERT_EQ(lu_csv_next(csv, &fields, &n, &line, err, sizeof(err)),
                  -EINVAL);
        ASSERT_EQ(line, 5);
        ASSERT_EQ(n, 0);
        ASSERT_TRUE(fields == NULL);
        ASSERT_STREQ(err, "line 5: field 1: quote inside an unquoted field "
                          "(quote the whole field and double the quote)");
    }
    lu_csv_free(csv);

    /* At the end, line is the one after the last, and stays so. */
    csv = lu_csv_new("a\nb\n", 4);
    ASSERT_EQ(lu_csv_next(csv, &fields, &n, &line, err, sizeof(err)), 1);
    ASSERT_EQ(lu_csv_next(csv, &fields, &n, &line, err, sizeof(err)), 1);
    ASSERT_EQ(line, 2);
    for (int i = 0; i < 2; i++) {
        ASSERT_EQ(lu_csv_next(csv, &fields, &n, &line, err, sizeof(err)), 0);
        ASSERT_EQ(line, 3);
        ASSERT_EQ(n, 0);
    }
    lu_csv_free(csv);

    /* A short err buffer truncates the reason. */
    csv = lu_csv_new("\"", 1);
    ASSERT_EQ(lu_csv_next(csv, &fields, &n, &line, err, 8), -EINVAL);
    ASSERT_STREQ(err, "line 1:");
    lu_csv_free(csv);

    csv = lu_csv_new(NULL, 0);
    ASSERT_EQ(lu_csv_next(csv, &fields, &n, &line, err, sizeof(err)), 0);
    ASSERT_EQ(line, 1);
    lu_csv_free(csv);
    lu_csv_free(NULL);
}

/* A realistic import file, as a spreadsheet saves it. */
static void test_import_file(void)
{
    CHECK("\xEF\xBB\xBFunit,indicator,period,amount,note\r\n"
          "cq-wanzhou,agri_sales_to_sd,2019-07,1250000.50,\"note, with "
          "comma\"\r\n"
          "cq-wanzhou,labour_to_sd,2019-07,12,\r\n"
          "cq-kaizhou,aid_funds,201908,300000,\"第一批\r\n第二批\"\r\n"
          "cq-kaizhou,aid_funds,2019-09,0.01,\"他说\"\"好\"\"\"\r\n",
          "1:[unit][indicator][period][amount][note]\n"
          "2:[cq-wanzhou][agri_sales_to_sd][2019-07][1250000.50][note, with "
          "comma]\n"
          "3:[cq-wanzhou][labour_to_sd][2019-07][12][]\n"
          "4:[cq-kaizhou][aid_funds][201908][300000][第一批\\r\\n第二批]\n"
          "6:[cq-kaizhou][aid_funds][2019-09][0.01][他说\"好\"]\n"
          "end");
}

/* Fields written with lu_buf_csv_str read back unchanged. */
static void test_round_trip(void)
{
    static const char *values[] = {
        "plain", "",  "a,b",      "say \"hi\"", "two\nlines", "crlf\r\nend",
        "\"",    ",", " spaced ", "重庆万州",   "lone\rcr",   "\"\",\"\"",
    };
    const size_t nv = sizeof(values) / sizeof(*values);
    struct lu_buf in;
    struct lu_csv *csv;
    char **fields;
    size_t n;
    int line;
    char err[256];

    lu_buf_init(&in);
    /* Every value in every column position, next to every other. */
    for (size_t i = 0; i < nv; i++) {
        for (size_t j = 0; j < nv; j++) {
            lu_buf_csv_str(&in, values[i]);
            lu_buf_adds(&in, ",");
            lu_buf_csv_str(&in, values[j]);
            lu_buf_adds(&in, j % 2 ? "\r\n" : "\n");
        }
    }
    csv = lu_csv_new(in.data, in.len);
    for (size_t i = 0; i < nv; i++) {
        for (size_t j = 0; j < nv; j++) {
            int r = lu_csv_next(csv, &fields, &n, &line, err, sizeof(err));

            ASSERT_EQ(r, 1);
            if (r != 1)
                goto out;
            ASSERT_EQ(n, 2);
            ASSERT_STREQ(fields[0], values[i]);
            ASSERT_STREQ(fields[1], values[j]);
        }
    }
    ASSERT_EQ(lu_csv_next(csv, &fields, &n, &line, err, sizeof(err)), 0);
out:
    lu_csv_free(csv);
    lu_buf_free(&in);
}

int main(void)
{
    test_records();
    test_quoted();
    test_blank_lines_and_bom();
    test_errors();
    test_utf8();
    test_limits();
    test_api();
    test_import_file();
    test_round_trip();
    TEST_DONE();
}
