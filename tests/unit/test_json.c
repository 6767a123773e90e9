/* Tests for the JSON writer (common/json.c): nesting and commas, every
 * escape, and that output is valid UTF-8 whatever bytes it is given:
 * truncated, overlong and surrogate sequences and stray continuation bytes
 * each become U+FFFD, valid Chinese text passes unchanged. */
#include <errno.h>
#include <string.h>

#include "json.h"
#include "json_read.h"
#include "test.h"

static char *quote(const char *s, size_t len)
{
    static struct lu_buf b;

    lu_buf_free(&b);
    lu_buf_init(&b);
    lu_json_quote(&b, s, len);
    return b.data;
}

#define Q(lit) quote((lit), sizeof(lit) - 1)

static void test_escapes(void)
{
    ASSERT_STREQ(Q("plain"), "\"plain\"");
    ASSERT_STREQ(Q("a\"b\\c"), "\"a\\\"b\\\\c\"");
    ASSERT_STREQ(Q("line\nnext\ttab\r\x01\x7f"),
                 "\"line\\nnext\\u0009tab\\u000d\\u0001\\u007f\"");
    ASSERT_STREQ(Q("a\0b"), "\"a\\u0000b\"");
    ASSERT_STREQ(Q("万州区 农副产品"), "\"万州区 农副产品\"");
    ASSERT_STREQ(Q("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\""); /* U+1F600 */
    /* Runs of plain bytes copied at once, broken by every kind of escape
     * and by a bad byte, at the start, the middle and the end. */
    ASSERT_STREQ(Q("\"ab\\万州\ncd\x01"
                   "e\x80"
                   "f\x7f"),
                 "\"\\\"ab\\\\万州\\ncd\\u0001e\xef\xbf\xbd"
                 "f\\u007f\"");
}

static void test_bad_utf8(void)
{
    /* A stray continuation byte, a truncated sequence at the end. */
    ASSERT_STREQ(Q("a\x80z"), "\"a\xef\xbf\xbdz\"");
    ASSERT_STREQ(Q("\xe4\xb8"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
    /* Overlong "/" and NUL, a surrogate, past U+10FFFF, 0xff. */
    ASSERT_STREQ(Q("\xc0\xaf"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
    ASSERT_STREQ(Q("\xe0\x80\xaf"), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
    ASSERT_STREQ(Q("\xed\xa0\x80"), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
    ASSERT_STREQ(Q("\xf4\x90\x80\x80"), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf"
                                        "\xbd\xef\xbf\xbd\"");
    ASSERT_STREQ(Q("\xff"), "\"\xef\xbf\xbd\"");
    /* A cut in the middle of a character, then a good one. */
    ASSERT_STREQ(Q("\xe4\xb8\xe4\xb8\x87"), "\"\xef\xbf\xbd\xef\xbf\xbd万\"");
}

static void test_structure(void)
{
    struct lu_buf b;
    struct lu_json j;

    lu_buf_init(&b);
    lu_json_init(&j, &b);
    lu_json_object(&j);
    lu_json_kstr(&j, "province", "CQ");
    lu_json_kint(&j, "amount", -250000000);
    lu_json_kuint(&j, "seq", UINT64_MAX);
    lu_json_key(&j, "tags");
    lu_json_array(&j);
    lu_json_str(&j, "a");
    lu_json_object(&j);
    lu_json_end(&j);
    lu_json_array(&j);
    lu_json_end(&j);
    lu_json_null(&j);
    lu_json_bool(&j, true);
    lu_json_end(&j);
    lu_json_kstr(&j, "note", NULL);
    lu_json_key(&j, "k\"ey");
    lu_json_bool(&j, false);
    lu_json_end(&j);
    ASSERT_STREQ(b.data, "{\"province\":\"CQ\",\"amount\":-250000000,"
                         "\"seq\":18446744073709551615,"
                         "\"tags\":[\"a\",{},[],null,true],\"note\":null,"
                         "\"k\\\"ey\":false}");
    ASSERT_EQ(j.depth, 0);
    lu_buf_free(&b);
}

static void test_buf_json_str(void)
{
    struct lu_buf b;

    lu_buf_init(&b);
    lu_buf_json_str(&b, "bad \xc3 byte");
    ASSERT_STREQ(b.data, "\"bad \xef\xbf\xbd byte\"");
    lu_buf_free(&b);
}

/* The reader: values, escapes, places in errors, bounds. */
static void test_read(void)
{
    struct lu_jv *v = NULL;
    char err[256] = "";
    const char *doc = "[{\"a\": \"\\u4e07\\ud83d\\ude00\", \"n\": -1.50e2},"
                      " true, null, []]";

    ASSERT_EQ(lu_json_read(doc, strlen(doc), &v, err, sizeof(err)), 0);
    if (v != NULL) {
        ASSERT_EQ(v->type, LU_JV_ARRAY);
        ASSERT_EQ(v->n, 4);
        ASSERT_STREQ(lu_json_read_get(&v->items[0], "a")->text,
                     "\xE4\xB8\x87\xF0\x9F\x98\x80");
        ASSERT_STREQ(lu_json_read_get(&v->items[0], "n")->text, "-1.50e2");
        ASSERT_EQ(v->items[1].b, true);
        ASSERT_EQ(v->items[2].type, LU_JV_NULL);
    }
    lu_json_read_free(v);
    ASSERT_EQ(lu_json_read("[1,\n 2,]", 9, &v, err, sizeof(err)), -EINVAL);
    ASSERT_STREQ(err, "line 2, column 4: not a JSON value");
    ASSERT_EQ(lu_json_read("[\"\\ud800\"]", 10, &v, err, sizeof(err)), -EINVAL);
    ASSERT_EQ(lu_json_read("[\"\xff\"]", 5, &v, err, sizeof(err)), -EINVAL);
    ASSERT_EQ(lu_json_read("[\"\\u0000\"]", 10, &v, err, sizeof(err)), -EINVAL);
    ASSERT_EQ(lu_json_read("01", 2, &v, err, sizeof(err)), -EINVAL);
    ASSERT_EQ(lu_json_read("[] x", 4, &v, err, sizeof(err)), -EINVAL);
    ASSERT_TRUE(v == NULL);
}

int main(void)
{
    test_escapes();
    test_bad_utf8();
    test_structure();
    test_buf_json_str();
    test_read();
    quote("", 0);
    return test_failures ? 1 : 0;
}
