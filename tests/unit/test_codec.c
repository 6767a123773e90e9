/* Tests for common/codec.c: lu_codec_decode() takes every well-formed frame
 * and refuses, with a reason, anything a well-behaved peer would not send;
 * lu_entry_check() judges entries against the shipped plan; entry ids parse
 * only when they are "code/seq". */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "codec.h"
#include "plan.h"
#include "test.h"
#include "util.h"

#define UNIT "cq-wanzhou"
#define IND "agri_sales_to_sd"

/* Fills e with a good entry of seq. The strings are literals. */
static void make_entry(Luyu__Entry *e, uint64_t seq)
{
    luyu__entry__init(e);
    e->seq = seq;
    e->unit = UNIT;
    e->indicator = IND;
    e->period = 201903;
    e->amount = 123456;
    e->note = "万州 sales";
    e->recorded_by = "li";
    e->recorded_at = 1551398400;
}

/* Packs f and decodes the bytes. The caller frees a non-NULL result with
 * luyu__frame__free_unpacked(). */
static Luyu__Frame *roundtrip(const Luyu__Frame *f, char *err, size_t errlen)
{
    size_t len = luyu__frame__get_packed_size(f);
    uint8_t *buf = malloc(len ? len : 1);
    Luyu__Frame *out;

    luyu__frame__pack(f, buf);
    err[0] = '\0';
    out = lu_codec_decode(buf, len, err, errlen);
    free(buf);
    return out;
}

/* The frame must be refused with a reason that contains want: every
 * refusal says why, since callers log the reason and send it to the peer. */
#define EXPECT_REFUSED(f, want)                                                \
    do {                                                                       \
        char err_[512];                                                        \
        Luyu__Frame *d_ = roundtrip((f), err_, sizeof(err_));                  \
                                                                               \
        ASSERT_TRUE(d_ == NULL);                                               \
        if (d_ != NULL)                                                        \
            luyu__frame__free_unpacked(d_, NULL);                              \
        else if (err_[0] == '\0')                                              \
            TEST_FAIL_AT("refused without a reason (want \"%s\")", (want));    \
        else                                                                   \
            ASSERT_CONTAINS(err_, (want));                                     \
    } while (0)

/* A batch frame over entries[0..n). */
static void batch_frame(Luyu__Frame *f, Luyu__Batch *b, Luyu__Entry **entries,
                        size_t n)
{
    luyu__frame__init(f);
    luyu__batch__init(b);
    b->entries = entries;
    b->n_entries = n;
    f->body_case = LUYU__FRAME__BODY_BATCH;
    f->batch = b;
}

static void test_hello(void)
{
    Luyu__Frame f = LUYU__FRAME__INIT, *d;
    Luyu__Hello h = LUYU__HELLO__INIT;
    char err[512];

    h.version = LUYU__VERSION__VERSION_1;
    h.node_id = UNIT;
    h.from_seq = 17;
    f.body_case = LUYU__FRAME__BODY_HELLO;
    f.hello = &h;
    d = roundtrip(&f, err, sizeof(err));
    ASSERT_TRUE(d != NULL);
    if (d != NULL) {
        ASSERT_EQ(d->body_case, LUYU__FRAME__BODY_HELLO);
        ASSERT_EQ(d->hello->version, LUYU__VERSION__VERSION_1);
        ASSERT_STREQ(d->hello->node_id, UNIT);
        ASSERT_EQ(d->hello->from_seq, 17);
        luyu__frame__free_unpacked(d, NULL);
    }

    /* Node ids are codes: lower case, no slash, not empty, <= 64 bytes. */
    h.node_id = "CQ-Wanzhou";
    EXPECT_REFUSED(&f, "hello: node id \"CQ-Wanzhou\" is not a code");
    h.node_id = "cq/wanzhou";
    EXPECT_REFUSED(&f, "is not a code");
    h.node_id = "";
    EXPECT_REFUSED(&f, "hello: node id \"\" is not a code");
    h.node_id = "-cq";
    EXPECT_REFUSED(&f, "is not a code");
    h.node_id = "a123456789b123456789c123456789d123456789e123456789f123456789"
                "g1234";
    EXPECT_REFUSED(&f, "is not a code");
}

static void test_welcome_ack(void)
{
    Luyu__Frame f = LUYU__FRAME__INIT, *d;
    Luyu__Welcome w = LUYU__WELCOME__INIT;
    Luyu__Ack a = LUYU__ACK__INIT;
    Luyu__Reject r1 = LUYU__REJECT__INIT, r2 = LUYU__REJECT__INIT;
    Luyu__Reject *rj[2] = {&r1, &r2};
    char err[512], longreason[LU_MAX_REASON + 2];

    r1.seq = 3;
    r1.reason = "unknown indicator \"agri_sale\"";
    r2.seq = 5;
    r2.reason = "unit sd-jinan belongs to province SD";
    w.hwm = 9;
    w.rejects = rj;
    w.n_rejects = 2;
    f.body_case = LUYU__FRAME__BODY_WELCOME;
    f.welcome = &w;
    d = roundtrip(&f, err, sizeof(err));
    ASSERT_TRUE(d != NULL);
    if (d != NULL) {
        ASSERT_EQ(d->body_case, LUYU__FRAME__BODY_WELCOME);
        ASSERT_EQ(d->welcome->hwm, 9);
        ASSERT_EQ(d->welcome->n_rejects, 2);
        ASSERT_EQ(d->welcome->rejects[1]->seq, 5);
        ASSERT_STREQ(d->welcome->rejects[0]->reason,
                     "unknown indicator \"agri_sale\"");
        luyu__frame__free_unpacked(d, NULL);
    }

    a.upto = 12;
    a.rejects = rj;
    a.n_rejects = 1;
    f.body_case = LUYU__FRAME__BODY_ACK;
    f.ack = &a;
    d = roundtrip(&f, err, sizeof(err));
    ASSERT_TRUE(d != NULL);
    if (d != NULL) {
        ASSERT_EQ(d->body_case, LUYU__FRAME__BODY_ACK);
        ASSERT_EQ(d->ack->upto, 12);
        ASSERT_EQ(d->ack->n_rejects, 1);
        ASSERT_EQ(d->ack->rejects[0]->seq, 3);
        luyu__frame__free_unpacked(d, NULL);
    }

    /* A reject of seq 0, or with an overlong or non-UTF-8 reason. */
    r1.seq = 0;
    EXPECT_REFUSED(&f, "seq");
    r1.seq = 3;
    memset(longreason, 'x', LU_MAX_REASON + 1);
    longreason[LU_MAX_REASON + 1] = '\0';
    r1.reason = longreason;
    EXPECT_REFUSED(&f, "reason longer than 256 bytes");
    longreason[LU_MAX_REASON] = '\0';
    d = roundtrip(&f, err, sizeof(err));
    ASSERT_TRUE(d != NULL);
    if (d != NULL)
        luyu__frame__free_unpacked(d, NULL);
    r1.reason = "bad \xC3\x28";
    EXPECT_REFUSED(&f, "reason is not valid UTF-8");
    f.body_case = LUYU__FRAME__BODY_WELCOME;
    w.n_rejects = 1;
    EXPECT_REFUSED(&f, "reason is not valid UTF-8");
}

static void test_ping_pong_error(void)
{
    Luyu__Frame f = LUYU__FRAME__INIT, *d;
    Luyu__Ping ping = LUYU__PING__INIT;
    Luyu__Pong pong = LUYU__PONG__INIT;
    Luyu__Error e = LUYU__ERROR__INIT;
    char err[512];

    f.body_case = LUYU__FRAME__BODY_PING;
    f.ping = &ping;
    d = roundtrip(&f, err, sizeof(err));
    ASSERT_TRUE(d != NULL);
    if (d != NULL) {
        ASSERT_EQ(d->body_case, LUYU__FRAME__BODY_PING);
        luyu__frame__free_unpacked(d, NULL);
    }

    pong.hwm = 4242;
    f.body_case = LUYU__FRAME__BODY_PONG;
    f.pong = &pong;
    d = roundtrip(&f, err, sizeof(err));
    ASSERT_TRUE(d != NULL);
    if (d != NULL) {
        ASSERT_EQ(d->body_case, LUYU__FRAME__BODY_PONG);
        ASSERT_EQ(d->pong->hwm, 4242);
        luyu__frame__free_unpacked(d, NULL);
    }

    e.code = LUYU__ERROR__CODE__GAP;
    e.message = "batch starts at 9, expected 5";
    e.hwm = 4;
    f.body_case = LUYU__FRAME__BODY_ERROR;
    f.error = &e;
    d = roundtrip(&f, err, sizeof(err));
    ASSERT_TRUE(d != NULL);
    if (d != NULL) {
        ASSERT_EQ(d->body_case, LUYU__FRAME__BODY_ERROR);
        ASSERT_EQ(d->error->code, LUYU__ERROR__CODE__GAP);
        ASSERT_EQ(d->error->hwm, 4);
        ASSERT_STREQ(d->error->message, "batch starts at 9, expected 5");
        luyu__frame__free_unpacked(d, NULL);
    }
    e.message = "\xFF";
    EXPECT_REFUSED(&f, "error message is not valid UTF-8");
}

static void test_batch_ok(void)
{
    Luyu__Frame f, *d;
    Luyu__Batch b;
    Luyu__Entry e[3], *ep[3] = {&e[0], &e[1], &e[2]};
    char err[512];

    for (int i = 0; i < 3; i++)
        make_entry(&e[i], 41 + (uint64_t)i);
    e[2].corrects = "cq-wanzhou/7";
    batch_frame(&f, &b, ep, 3);
    d = roundtrip(&f, err, sizeof(err));
    ASSERT_TRUE(d != NULL);
    if (d != NULL) {
        const Luyu__Entry *x = d->batch->entries[2];

        ASSERT_EQ(d->body_case, LUYU__FRAME__BODY_BATCH);
        ASSERT_EQ(d->batch->n_entries, 3);
        ASSERT_EQ(d->batch->entries[0]->seq, 41);
        ASSERT_EQ(x->seq, 43);
        ASSERT_STREQ(x->unit, UNIT);
        ASSERT_STREQ(x->indicator, IND);
        ASSERT_EQ(x->period, 201903);
        ASSERT_EQ(x->amount, 123456);
        ASSERT_STREQ(x->note, "万州 sales");
        ASSERT_STREQ(x->recorded_by, "li");
        ASSERT_EQ(x->recorded_at, 1551398400);
        ASSERT_STREQ(x->corrects, "cq-wanzhou/7");
        luyu__frame__free_unpacked(d, NULL);
    }
}

/* Batches of exactly LU_MAX_BATCH entries pass; one more is refused. */
static void test_batch_sizes(void)
{
    size_t n = LU_MAX_BATCH + 1;
    Luyu__Entry *e = calloc(n, sizeof(*e));
    Luyu__Entry **ep = calloc(n, sizeof(*ep));
    Luyu__Frame f, *d;
    Luyu__Batch b;
    char err[512];

    for (size_t i = 0; i < n; i++) {
        make_entry(&e[i], 1 + (uint64_t)i);
        ep[i] = &e[i];
    }
    batch_frame(&f, &b, ep, LU_MAX_BATCH);
    d = roundtrip(&f, err, sizeof(err));
    ASSERT_TRUE(d != NULL);
    if (d != NULL) {
        ASSERT_EQ(d->batch->n_entries, 1000);
        ASSERT_EQ(d->batch->entries[999]->seq, 1000);
        luyu__frame__free_unpacked(d, NULL);
    }
    batch_frame(&f, &b, ep, n);
    EXPECT_REFUSED(&f, "batch of 1001 entries (1..1000 allowed)");
    batch_frame(&f, &b, ep, 0);
    EXPECT_REFUSED(&f, "batch of 0 entries (1..1000 allowed)");
    free(ep);
    free(e);
}

static void test_batch_refused(void)
{
    Luyu__Frame f;
    Luyu__Batch b;
    Luyu__Entry e[3], *ep[3] = {&e[0], &e[1], &e[2]};
    char note[LU_MAX_NOTE + 2], name[LU_MAX_NAME + 2];

    for (int i = 0; i < 3; i++)
        make_entry(&e[i], 1 + (uint64_t)i);
    batch_frame(&f, &b, ep, 3);

    e[2].seq = 4;
    EXPECT_REFUSED(&f, "batch seqs not consecutive at entry 2");
    e[2].seq = 2;
    EXPECT_REFUSED(&f, "batch seqs not consecutive at entry 2");
    e[2].seq = 3;
    e[1].seq = 1;
    EXPECT_REFUSED(&f, "batch seqs not consecutive at entry 1");
    e[1].seq = 2;
    e[0].seq = 0;
    EXPECT_REFUSED(&f, "batch seqs not consecutive at entry 0");
    e[0].seq = 1;
    /* Descending is not consecutive either. */
    e[0].seq = 3;
    e[2].seq = 1;
    EXPECT_REFUSED(&f, "batch seqs not consecutive at entry 1");
    e[0].seq = 1;
    e[2].seq = 3;

    e[1].unit = "cq-\xC3\x28";
    EXPECT_REFUSED(&f, "unit is not valid UTF-8");
    e[1].unit = UNIT;
    memset(name, 'a', LU_MAX_NAME + 1);
    name[LU_MAX_NAME + 1] = '\0';
    e[1].indicator = name;
    EXPECT_REFUSED(&f, "indicator longer than 64 bytes");
    e[1].indicator = IND;

    /* The note is free text, but still UTF-8 and at most 512 bytes; a peer
     * that sends anything else is not well-behaved (codec.h). */
    e[2].note = "caf\xE9";
    EXPECT_REFUSED(&f, "note is not valid UTF-8");
    memset(note, 'n', LU_MAX_NOTE + 1);
    note[LU_MAX_NOTE + 1] = '\0';
    e[2].note = note;
    EXPECT_REFUSED(&f, "note longer than 512 bytes");
    e[2].note = "";

    /* Issue 16's fields are text that reaches the ledger too. */
    e[0].confirmed = "outlier\xFF";
    EXPECT_REFUSED(&f, "confirmed is not valid UTF-8");
    e[0].confirmed = name;
    EXPECT_REFUSED(&f, "confirmed longer than 64 bytes");
    e[0].confirmed = "";
    {
        Luyu__ReviewEvent rv = LUYU__REVIEW_EVENT__INIT;

        rv.kind = LUYU__REVIEW_KIND__REVIEW_APPROVE;
        rv.reason = note;
        e[1].review = &rv;
        EXPECT_REFUSED(&f, "review reason longer than 512 bytes");
        e[1].review = NULL;
    }
}

static void test_bytes_refused(void)
{
    Luyu__Frame f = LUYU__FRAME__INIT, *d;
    Luyu__Entry e;
    Luyu__Entry *ep[1] = {&e};
    Luyu__Batch b;
    uint8_t *big, *buf;
    size_t len;
    char err[512];

    /* No body at all: zero bytes decode to a Frame with no oneof set. */
    EXPECT_REFUSED(&f, "frame has no body");
    d = lu_codec_decode("", 0, err, sizeof(err));
    ASSERT_TRUE(d == NULL);
    ASSERT_STREQ(err, "frame has no body");

    /* Oversized input is refused before it is parsed. */
    big = calloc(LU_MAX_FRAME + 1, 1);
    err[0] = '\0';
    d = lu_codec_decode(big, LU_MAX_FRAME + 1, err, sizeof(err));
    ASSERT_TRUE(d == NULL);
    ASSERT_STREQ(err, "frame of 1048577 bytes (max 1048576)");
    free(big);

    /* Junk: an unterminated varint, a wrong wire type, a length past the
     * end, an unknown-field-only group. */
    err[0] = '\0';
    d = lu_codec_decode("\xFF\xFF\xFF\xFF", 4, err, sizeof(err));
    ASSERT_TRUE(d == NULL);
    ASSERT_STREQ(err, "undecodable frame of 4 bytes");
    d = lu_codec_decode("\x0A\x7F\x01", 3, err, sizeof(err));
    ASSERT_TRUE(d == NULL);
    ASSERT_STREQ(err, "undecodable frame of 3 bytes");
    d = lu_codec_decode("\x08\x01", 2, err, sizeof(err));
    ASSERT_TRUE(d == NULL);
    ASSERT_TRUE(strstr(err, "frame") != NULL);

    /* A good batch cut short anywhere never decodes. */
    make_entry(&e, 1);
    batch_frame(&f, &b, ep, 1);
    len = luyu__frame__get_packed_size(&f);
    buf = malloc(len);
    luyu__frame__pack(&f, buf);
    for (size_t cut = 1; cut < len; cut++) {
        d = lu_codec_decode(buf, cut, err, sizeof(err));
        ASSERT_TRUE(d == NULL);
        if (d != NULL) {
            fprintf(stderr, "  (cut at %zu of %zu)\n", cut, len);
            luyu__frame__free_unpacked(d, NULL);
        }
    }
    d = lu_codec_decode(buf, len, err, sizeof(err));
    ASSERT_TRUE(d != NULL);
    if (d != NULL)
        luyu__frame__free_unpacked(d, NULL);
    free(buf);

    /* Pseudo-random junk: whatever it is, decode must not crash and any
     * frame it hands out must have a body. */
    srand(1);
    for (int i = 0; i < 2000; i++) {
        uint8_t junk[64];
        size_t n = (size_t)(rand() % (int)sizeof(junk));

        for (size_t k = 0; k < n; k++)
            junk[k] = (uint8_t)rand();
        d = lu_codec_decode(junk, n, err, sizeof(err));
        if (d != NULL) {
            ASSERT_TRUE(d->body_case != LUYU__FRAME__BODY__NOT_SET);
            luyu__frame__free_unpacked(d, NULL);
        }
    }
}

/* lu_entry_check must give r and a reason containing want. */
static void expect_check(const Luyu__Entry *e, const struct lu_plan *plan,
                         int want_r, const char *want, int line)
{
    char err[512] = "";
    int r = lu_entry_check(e, plan, err, sizeof(err));

    if (r != want_r) {
        fprintf(stderr, "%s:%d: lu_entry_check: %d != %d (%s)\n", __FILE__,
                line, r, want_r, err);
        test_failures++;
    } else if (want != NULL && strstr(err, want) == NULL) {
        fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__,
                line, err, want);
        test_failures++;
    }
}

#define CHECK(e, r, want) expect_check((e), plan, (r), (want), __LINE__)

static void test_entry_check(const struct lu_plan *plan)
{
    Luyu__Entry e;
    char note[LU_MAX_NOTE + 2];

    make_entry(&e, 1);
    CHECK(&e, 0, NULL);

    e.unit = "cq-nowhere";
    CHECK(&e, -ENOENT, "unknown unit \"cq-nowhere\"");
    e.unit = "sd-jinan"; /* known to the plan: provinces are the hub's job */
    CHECK(&e, 0, NULL);
    e.unit = UNIT;
    e.indicator = "agri_sale";
    CHECK(&e, -ENOENT, "unknown indicator \"agri_sale\"");
    e.indicator = "";
    CHECK(&e, -ENOENT, "unknown indicator \"\"");
    e.indicator = IND;

    e.period = 201712;
    CHECK(&e, -ERANGE,
          "period 2017-12 is outside the plan (2018-01 to "
          "2020-12)");
    e.period = 202101;
    CHECK(&e, -ERANGE, "period 2021-01 is outside the plan");
    e.period = 201801;
    CHECK(&e, 0, NULL);
    e.period = 202012;
    CHECK(&e, 0, NULL);
    e.period = 201913;
    CHECK(&e, -EINVAL, "period 201913 is not a month YYYYMM");
    e.period = 0;
    CHECK(&e, -EINVAL, "period 0 is not a month YYYYMM");
    e.period = 201903;

    e.amount = -1;
    CHECK(&e, -ERANGE, "amount -1 out of range 0..10000000000000");
    e.amount = INT64_MIN;
    CHECK(&e, -ERANGE, "out of range");
    e.amount = LU_AMOUNT_MAX + 1;
    CHECK(&e, -ERANGE, "amount 10000000000001 out of range");
    e.amount = LU_AMOUNT_MAX;
    CHECK(&e, 0, NULL);
    e.amount = 0;
    CHECK(&e, 0, NULL);
    e.amount = 100;

    e.corrects = "cq-wanzhou/1";
    CHECK(&e, 0, NULL);
    e.corrects = "cq-wanzhou";
    CHECK(&e, -EINVAL, "corrects \"cq-wanzhou\" is not an entry id node/seq");
    e.corrects = "cq-wanzhou/0";
    CHECK(&e, -EINVAL, "corrects \"cq-wanzhou/0\" is not an entry id");
    e.corrects = "/5";
    CHECK(&e, -EINVAL, "is not an entry id");
    e.corrects = "CQ/5";
    CHECK(&e, -EINVAL, "is not an entry id");
    e.corrects = "";

    memset(note, 'n', LU_MAX_NOTE + 1);
    note[LU_MAX_NOTE + 1] = '\0';
    e.note = note;
    CHECK(&e, -EINVAL, "note longer than 512 bytes");
    note[LU_MAX_NOTE] = '\0';
    CHECK(&e, 0, NULL);
    e.note = "\xE4\xB8";
    CHECK(&e, -EINVAL, "note is not valid UTF-8");
    e.note = "";
    e.recorded_by = "\xC0\xAF";
    CHECK(&e, -EINVAL, "recorded_by is not valid UTF-8");
    e.recorded_by = "li";
    CHECK(&e, 0, NULL);
}

static void expect_id(const char *id, int want_r, const char *want_node,
                      uint64_t want_seq, int line)
{
    char node[LU_MAX_NAME + 1] = "unset";
    uint64_t seq = 777;
    int r = lu_entry_id_parse(id, node, &seq);

    if (r != want_r) {
        fprintf(stderr, "%s:%d: lu_entry_id_parse(\"%s\"): %d != %d\n",
                __FILE__, line, id, r, want_r);
        test_failures++;
    } else if (r == 0 && (strcmp(node, want_node) != 0 || seq != want_seq)) {
        fprintf(stderr, "%s:%d: lu_entry_id_parse(\"%s\"): %s/%" PRIu64 "\n",
                __FILE__, line, id, node, seq);
        test_failures++;
    }
}

#define ID_OK(id, node, seq) expect_id((id), 0, (node), (seq), __LINE__)
#define ID_BAD(id) expect_id((id), -EINVAL, NULL, 0, __LINE__)

static void test_id_parse(void)
{
    ID_OK("cq-wanzhou/42", "cq-wanzhou", 42);
    ID_OK("n1/1", "n1", 1);
    ID_OK("node.2_x/18446744073709551615", "node.2_x", UINT64_MAX);
    ID_OK("a123456789b123456789c123456789d123456789e123456789f123456789g123/"
          "9",
          "a123456789b123456789c123456789d123456789e123456789f123456789g123",
          9);

    ID_BAD("");
    ID_BAD("n1");
    ID_BAD("/1");
    ID_BAD("n1/");
    ID_BAD("n1/0");
    ID_BAD("n1/-1");
    ID_BAD("n1/+1");
    ID_BAD("n1/ 1");
    ID_BAD("n1/1x");
    ID_BAD("n1/18446744073709551616");
    ID_BAD("N1/1");
    ID_BAD("-n1/1");
    ID_BAD("a/b/3");
    ID_BAD("a123456789b123456789c123456789d123456789e123456789f123456789g1234/"
           "9");
}

/* lu_utf8_fix leaves valid text alone, drops a character cut off at the
 * end (by "%.Ns" or snprintf) and turns every other stray byte into '?'. */
static void test_utf8_fix(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", ""},
        {"cq-wanzhou 鲁渝", "cq-wanzhou 鲁渝"},
        {"a\xff"
         "b",
         "a?b"},
        {"ab\xe9\xb2", "ab"}, /* 鲁 cut after two of its bytes */
        {"\xe9\xb2x", "??x"}, /* ... and in the middle */
        {"x\xc0\xaf"
         "y",
         "x??y"},                                   /* overlong '/' */
        {"\xed\xa0\x80", "???"},                    /* a surrogate */
        {"\xf0\x9f\x98\x80!", "\xf0\x9f\x98\x80!"}, /* U+1F600 */
        {"\x80\x80", "??"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[32];

        snprintf(buf, sizeof(buf), "%s", cases[i].in);
        ASSERT_STREQ(lu_utf8_fix(buf), cases[i].out);
        ASSERT_TRUE(lu_utf8_valid(buf, strlen(buf)));
    }
}

/* Well-formed UTF-8 by the Unicode standard's table of byte ranges
 * (Unicode 15, table 3-7), one byte at a time: the reference for
 * lu_utf8_valid, which skips ASCII eight bytes at a time. */
static bool utf8_reference(const unsigned char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        unsigned c = s[i], lo, hi;
        size_t n;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 1;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 2;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 3;
        else
            return false;
        lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
        if (i + n >= len)
            return false;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return false;
        for (size_t k = 2; k <= n; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return false;
        i += n + 1;
    }
    return true;
}

/* lu_utf8_valid agrees with the reference on every stray, cut or
 * multi-byte sequence at every offset of ASCII runs longer than its
 * eight-byte step, and on random mixes. */
static void test_utf8_valid(void)
{
    static const char *const odd[] = {"\xff",         "\x80",
                                      "\xc0\xaf",     "\xed\xa0\x80",
                                      "\xe9\xb2",     "\xf4\x90\x80\x80",
                                      "\xe9\xb2\x81", "\xf0\x9f\x98\x80",
                                      "\xc3\xa9",     "\xe0\x80\x80"};
    unsigned char buf[64];
    uint32_t x = 2463534242u;

    for (size_t k = 0; k < sizeof(odd) / sizeof(odd[0]); k++) {
        size_t n = strlen(odd[k]);

        for (size_t at = 0; at + n <= 40; at++) {
            for (size_t len = at + n; len <= 40; len++) {
                memset(buf, 'a', sizeof(buf));
                memcpy(buf + at, odd[k], n);
                ASSERT_EQ(lu_utf8_valid((const char *)buf, len),
                          utf8_reference(buf, len));
            }
        }
    }
    for (int t = 0; t < 200000; t++) {
        size_t len = 0;

        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        len = x % sizeof(buf);
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            /* Mostly ASCII, as entries are. */
            buf[i] = (unsigned char)(x % 8 ? x % 128 : (x >> 8) & 0xFF);
        }
        ASSERT_EQ(lu_utf8_valid((const char *)buf, len),
                  utf8_reference(buf, len));
    }
}

/* lu_utf8_cut never ends a quote inside a character. */
static void test_utf8_cut(void)
{
    const char *s = "ab鲁渝"; /* 2 + 3 + 3 bytes */

    ASSERT_EQ(lu_utf8_cut(s, 0), 0);
    ASSERT_EQ(lu_utf8_cut(s, 2), 2);
    ASSERT_EQ(lu_utf8_cut(s, 3), 2);
    ASSERT_EQ(lu_utf8_cut(s, 4), 2);
    ASSERT_EQ(lu_utf8_cut(s, 5), 5);
    ASSERT_EQ(lu_utf8_cut(s, 7), 5);
    ASSERT_EQ(lu_utf8_cut(s, 8), 8);
    ASSERT_EQ(lu_utf8_cut(s, 100), 8);
    ASSERT_EQ(lu_utf8_cut("a\xff"
                          "b",
                          2),
              2); /* not UTF-8: plain bytes */
}

/* A NUL inside any string field, nested or not, is found on the wire;
 * the same bytes unpack "fine" as a shorter string. */
static void test_nul_in_string(void)
{
    Luyu__Entry e = LUYU__ENTRY__INIT;
    Luyu__Entry *ep = &e;
    Luyu__Batch b = LUYU__BATCH__INIT;
    Luyu__Frame f = LUYU__FRAME__INIT;
    uint8_t buf[512];
    char err[128] = "";
    size_t len;
    uint8_t *at;
    Luyu__Frame *back;

    e.seq = 1;
    e.unit = "cq-wanzhou";
    e.indicator = "cadres_to_sd";
    e.period = 201903;
    e.note = "abcXhidden";
    e.recorded_by = "clerk";
    b.entries = &ep;
    b.n_entries = 1;
    f.body_case = LUYU__FRAME__BODY_BATCH;
    f.batch = &b;
    len = luyu__frame__pack(&f, buf);
    ASSERT_EQ(
        lu_pb_check_nul(&luyu__frame__descriptor, buf, len, err, sizeof(err)),
        0);
    back = lu_codec_decode(buf, len, err, sizeof(err));
    ASSERT_TRUE(back != NULL);
    luyu__frame__free_unpacked(back, NULL);
    at = memchr(buf, 'X', len);
    ASSERT_TRUE(at != NULL);
    *at = '\0';
    ASSERT_EQ(
        lu_pb_check_nul(&luyu__frame__descriptor, buf, len, err, sizeof(err)),
        -EBADMSG);
    ASSERT_TRUE(strstr(err, "note") != NULL);
    ASSERT_TRUE(lu_codec_decode(buf, len, err, sizeof(err)) == NULL);
    ASSERT_TRUE(strstr(err, "NUL") != NULL);
    /* A NUL in a bytes field is data, not a cut string. */
    {
        Luyu__BulletinPush p = LUYU__BULLETIN_PUSH__INIT;
        uint8_t sig[3] = {1, 0, 2};

        p.province = "SD";
        p.period = 201907;
        p.revision = 1;
        p.signed_.data = sig;
        p.signed_.len = sizeof(sig);
        f.body_case = LUYU__FRAME__BODY_BULLETIN_PUSH;
        f.bulletin_push = &p;
        len = luyu__frame__pack(&f, buf);
        ASSERT_EQ(lu_pb_check_nul(&luyu__frame__descriptor, buf, len, err,
                                  sizeof(err)),
                  0);
    }
}

int main(void)
{
    const char *src = getenv("LUYU_SOURCE_DIR");
    struct lu_plan *plan = NULL;
    char path[4096], err[512];

    test_hello();
    test_welcome_ack();
    test_ping_pong_error();
    test_batch_ok();
    test_batch_sizes();
    test_batch_refused();
    test_bytes_refused();
    test_id_parse();
    test_utf8_fix();
    test_utf8_valid();
    test_utf8_cut();
    test_nul_in_string();

    snprintf(path, sizeof(path), "%s/etc/plan-2018-2020.ini", src ? src : ".");
    ASSERT_EQ(lu_plan_load(path, &plan, err, sizeof(err)), 0);
    if (plan == NULL)
        fprintf(stderr, "cannot load %s: %s\n", path, err);
    else
        test_entry_check(plan);
    lu_plan_free(plan);
    TEST_DONE();
}
