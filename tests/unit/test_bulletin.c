/* Tests for the bulletin (ledger/bulletin*.c, ledger/bulletins.c) with the
 * shipped plan and the fixed data set tests/data/bulletin-fixture.csv,
 * merged into a real ledger with ledger_merge() in three phases:
 *
 *   A  2018-03 .. 2019-06 entries; then the 2019-06 bulletin is issued
 *   B  July's entries and two late ones for April and June; then 2019-07
 *      revision 1, compared with the golden file
 *      tests/data/bulletin-2019-07.golden
 *   C  three late entries; then 2019-07 revision 2 with its revisions
 *
 * Set LUYU_UPDATE_GOLDEN=1 to rewrite the golden file after a deliberate
 * change, and check the diff by hand before committing it; LUYU_KEEP_TMP=1
 * keeps the ledger (for trying luyuctl bulletin on it).
 *
 * Two of the golden figures checked by hand against the plan's targets:
 *
 *  - agri_sales_to_sd (yearly_min, 30,000,000 yuan a year): 2019 entries up
 *    to July are cq-wanzhou 5,000,000.00 (Jan), cq-wulong 6,000,000.50 (May;
 *    a correction of 5,000,000.00, which therefore does not count), cq-kaizhou
 *    4,000,000.00 and cq-wanzhou 3,000,000.00 (July; a correction of
 *    2,500,000.00). ytd = 18,000,000.50; month = 7,000,000.00; since start
 *    adds 2018's 20,000,000 + 15,000,000 = 53,000,000.50. Pace after 7 of 12
 *    months: 30,000,000 * 7 / 12 = 17,500,000.00 <= 18,000,000.50, so
 *    on_track, not met; progress 18,000,000.50 / 30,000,000 = 600 per mille.
 *  - poor_trained (period_min, 1,000 persons over 2018-01..2020-12): 300
 *    (2018-06) + 150 (2019-02) + 50 (2019-07, cq-fengdu) = 500. 19 of the
 *    plan's 36 months have passed: 1,000 * 19 / 36 = 527.8, rounded up 528
 *    > 500, so behind; progress 500 per mille.
 *
 * Completeness of July (closes 2019-08-05 00:00 China time): cq-kaizhou,
 * cq-wanzhou (its correction at 23:59:59 is in time) and cq-rsj on time;
 * cq-sww (00:00:00 exactly) and cq-fengdu (00:30) late; the other 19 of the
 * 24 districts and departments missing. */
#include <dirent.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "amount.h"
#include "bulletin.h"
#include "bulletin_json.h"
#include "bulletin_sign.h"
#include "bulletins.h"
#include "ledger.h"
#include "plan.h"
#include "sql.h"
#include "sign.h"
#include "store.h"
#include "test.h"
#include "util.h"

#define T_JUNE_ISSUE 1562259600 /* 2019-07-05 01:00 China time */
#define T_JULY_CLOSE 1564934400 /* 2019-08-05 00:00 */
#define T_JULY_ISSUE 1564938000 /* 2019-08-05 01:00 */
#define T_REV2_ISSUE 1566266400 /* 2019-08-20 10:00 */

struct row {
    char phase, node[65], unit[65], ind[65], corrects[80], note[200];
    uint64_t seq;
    uint32_t period;
    int64_t amount, received;
};

/* ledger_bulletin_build() on a SQLite handle, through the statement layer
 * the hub uses. */
static int build(sqlite3 *db, const struct lu_plan *plan,
                 const struct ledger_bulletin_params *p, Luyu__Bulletin **out,
                 char *err, size_t errlen)
{
    struct ledger_sql *sq = ledger_sql_sqlite(db);
    int r = ledger_bulletin_build(sq, plan, p, out, err, errlen);

    ledger_sql_free(sq);
    return r;
}

static struct lu_plan *plan;
static char dir[] = "/tmp/luyu-test-bulletin-XXXXXX";
static const char *src;
static struct lu_sign_key cq_key, sd_key;
static struct row rows[64];
static size_t n_rows;

/* "YYYY-MM-DD HH:MM:SS" China time to unix s. */
static int64_t china_time(const char *s)
{
    struct tm tm = {0};

    if (sscanf(s, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
        TEST_FAIL_AT("bad time \"%s\"", s);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm) - 8 * 3600;
}

/* Splits one fixture line; empty fields stay empty. */
static void parse_row(char *line, struct row *r)
{
    char *f[10] = {0}, err[256];
    const struct lu_plan_indicator *ind;
    int n = 0;

    for (char *p = line; n < 10; n++) {
        f[n] = p;
        p = strchr(p, ',');
        if (p == NULL) {
            n++;
            break;
        }
        *p++ = '\0';
    }
    if (n != 10)
        TEST_FAIL_AT("fixture line has %d fields", n);
    r->phase = f[0][0];
    snprintf(r->node, sizeof(r->node), "%s", f[1]);
    r->seq = strtoull(f[2], NULL, 10);
    snprintf(r->unit, sizeof(r->unit), "%s", f[3]);
    snprintf(r->ind, sizeof(r->ind), "%s", f[4]);
    ASSERT_EQ(lu_period_parse(f[5], &r->period, err, sizeof(err)), 0);
    ind = lu_plan_indicator(plan, r->ind);
    ASSERT_TRUE(ind != NULL);
    ASSERT_EQ(lu_amount_parse(f[6], ind ? ind->scale : 1, &r->amount, err,
                              sizeof(err)),
              0);
    snprintf(r->corrects, sizeof(r->corrects), "%s", f[7]);
    r->received = china_time(f[8]);
    snprintf(r->note, sizeof(r->note), "%s", f[9]);
}

static void load_fixture(void)
{
    char path[4096], *data = NULL, *line, *save = NULL;
    size_t len;

    snprintf(path, sizeof(path), "%s/tests/data/bulletin-fixture.csv", src);
    ASSERT_EQ(lu_read_file(path, 1 << 20, &data, &len), 0);
    for (line = strtok_r(data, "\n", &save); line && n_rows < 64;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || strncmp(line, "phase,", 6) == 0)
            continue;
        parse_row(line, &rows[n_rows++]);
    }
    free(data);
}

/* Merges a phase's rows and sets their hub times as the fixture says
 * (ledger_merge() stamps the real clock). */
static void merge_phase(struct ledger *l, char phase)
{
    sqlite3 *db = ledger_db(l);
    sqlite3_stmt *st = NULL;
    char reason[512];

    ASSERT_EQ(ledger_begin(l), 0);
    sqlite3_prepare_v2(db,
                       "UPDATE entry SET received_at = ?, recorded_at = ?"
                       " WHERE node = ? AND seq = ?",
                       -1, &st, NULL);
    for (size_t k = 0; k < n_rows; k++) {
        struct row *r = &rows[k];
        Luyu__Entry e = LUYU__ENTRY__INIT;

        if (r->phase != phase)
            continue;
        e.seq = r->seq;
        e.unit = r->unit;
        e.indicator = r->ind;
        e.period = r->period;
        e.amount = r->amount;
        e.note = r->note;
        e.recorded_by = "clerk";
        e.recorded_at = r->received - 600;
        e.corrects = r->corrects;
        reason[0] = '\0';
        if (ledger_merge(l, r->node, &e, reason, sizeof(reason)) != 0)
            TEST_FAIL_AT("merge %s/%llu: %s", r->node,
                         (unsigned long long)r->seq, reason);
        sqlite3_bind_int64(st, 1, r->received);
        sqlite3_bind_int64(st, 2, r->received - 600);
        sqlite3_bind_text(st, 3, r->node, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (int64_t)r->seq);
        ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    ASSERT_EQ(ledger_commit(l), 0);
}

static void make_keys(void)
{
    char base[1024], path[4096], err[512] = "";

    snprintf(base, sizeof(base), "%s/cq-hub", dir);
    ASSERT_EQ(lu_sign_keygen(base, err, sizeof(err)), 0);
    snprintf(path, sizeof(path), "%s.sign.key", base);
    ASSERT_EQ(lu_sign_load_secret(path, &cq_key, err, sizeof(err)), 0);
    snprintf(base, sizeof(base), "%s/sd-hub", dir);
    ASSERT_EQ(lu_sign_keygen(base, err, sizeof(err)), 0);
    snprintf(path, sizeof(path), "%s.sign.key", base);
    ASSERT_EQ(lu_sign_load_secret(path, &sd_key, err, sizeof(err)), 0);
}

static void test_calendar(void)
{
    char buf[40];

    ASSERT_EQ(ledger_calendar_close(201907, 5), T_JULY_CLOSE);
    ASSERT_EQ(ledger_calendar_close(201912, 1), 1577808000);
    ASSERT_EQ(ledger_calendar_month_at(T_JULY_CLOSE - 1), 201908);
    /* 2019-07-31 16:00 UTC is already August in China. */
    ASSERT_EQ(ledger_calendar_month_at(1564588800), 201908);
    ASSERT_EQ(ledger_calendar_month_at(1564588799), 201907);
    ASSERT_EQ(ledger_calendar_add(201901, -1), 201812);
    ASSERT_EQ(ledger_calendar_add(201912, 1), 202001);
    ASSERT_EQ(ledger_calendar_add(201907, -12), 201807);
    ASSERT_EQ(ledger_calendar_months(201801, 201907), 19);
    ASSERT_EQ(ledger_calendar_months(201801, 202012), 36);
    ASSERT_STREQ(ledger_calendar_format(T_JULY_ISSUE, buf, sizeof(buf)),
                 "2019-08-05T01:00:00+08:00");
}

/* The stored bulletin, verified against the keys the store recorded. */
static Luyu__Bulletin *stored(struct ledger_bulletins *s, const char *province,
                              uint32_t period, uint32_t revision,
                              struct ledger_bulletins_item *it)
{
    Luyu__Bulletin *b = NULL;
    char err[512] = "";

    ASSERT_EQ(ledger_bulletins_get(s, province, period, revision, it), 0);
    if (ledger_bulletins_verify(s, it, &b, err, sizeof(err)) != 0)
        TEST_FAIL_AT("verify %s %u r%u: %s", province, period, revision, err);
    return b;
}

/* Rebuilding from the stored header gives the signed bytes exactly (or,
 * with same 0, does not: the ledger was changed behind the hub's back). */
static void check_rebuild(sqlite3 *db, struct ledger_bulletins *s,
                          uint32_t period, uint32_t revision, int same)
{
    struct ledger_bulletins_item it;
    Luyu__Bulletin *b = stored(s, "CQ", period, revision, &it), *again = NULL;
    Luyu__SignedBulletin *sb =
        luyu__signed_bulletin__unpack(NULL, it.len, it.payload);
    char err[512] = "";

    if (b != NULL && sb != NULL) {
        struct ledger_bulletin_params p = {
            .province = "CQ",
            .period = b->period,
            .revision = b->revision,
            .issued_at = b->issued_at,
            .issue_day = (int)b->issue_day,
            .upto_entry = b->upto_entry,
            .revised_after = b->revised_after,
            .chain_from = b->chain_from,
            .chain_digest = b->chain_digest.data,
            .upto_event = b->pool ? b->pool->upto_event : 0,
            .revised_after_event = b->pool ? b->pool->revised_after_event : -1};
        size_t n;
        uint8_t *buf;

        ASSERT_EQ(build(db, plan, &p, &again, err, sizeof(err)), 0);
        n = again ? luyu__bulletin__get_packed_size(again) : 0;
        buf = malloc(n + 1);
        if (again)
            luyu__bulletin__pack(again, buf);
        ASSERT_EQ(n == sb->payload.len && memcmp(buf, sb->payload.data, n) == 0,
                  same);
        free(buf);
    }
    ledger_bulletin_free(again);
    ledger_bulletin_free(b);
    if (sb)
        luyu__signed_bulletin__free_unpacked(sb, NULL);
    free(it.payload);
}

static void compare_golden(const Luyu__Bulletin *b)
{
    char path[4096], *want = NULL;
    struct lu_buf got;
    size_t len = 0;

    lu_buf_init(&got);
    ledger_bulletin_json(b, &got);
    snprintf(path, sizeof(path), "%s/tests/data/bulletin-2019-07.golden", src);
    if (getenv("LUYU_UPDATE_GOLDEN") != NULL) {
        FILE *f = fopen(path, "w");

        ASSERT_TRUE(f != NULL && fwrite(got.data, 1, got.len, f) == got.len);
        if (f)
            fclose(f);
    }
    ASSERT_EQ(lu_read_file(path, 1 << 20, &want, &len), 0);
    if (want == NULL || strcmp(want, got.data) != 0) {
        TEST_FAIL_AT("bulletin JSON differs from %s; got:\n%s", path, got.data);
    }
    free(want);
    lu_buf_free(&got);
}

static const Luyu__UnitReport *unit_of(const Luyu__Bulletin *b,
                                       const char *code)
{
    for (size_t k = 0; k < b->n_units; k++) {
        if (strcmp(b->units[k]->code, code) == 0)
            return b->units[k];
    }
    TEST_FAIL_AT("no unit %s", code);
    return b->units[0];
}

#define STATUS(b, code) ledger_bulletin_indicator((b), (code))->status

/* Revision 1 of July: the golden file, plus the figures worked out by hand
 * above asserted one by one so that a regenerated golden file cannot hide
 * a wrong figure. */
static void check_july_r1(const Luyu__Bulletin *b)
{
    const Luyu__IndicatorFigures *agri =
        ledger_bulletin_indicator(b, "agri_sales_to_sd");
    const Luyu__IndicatorFigures *trained =
        ledger_bulletin_indicator(b, "poor_trained");

    compare_golden(b);
    ASSERT_EQ(agri->month, 700000000);
    ASSERT_EQ(agri->ytd, 1800000050);
    ASSERT_EQ(agri->since_start, 5300000050);
    ASSERT_EQ(agri->expected, 1750000000);
    ASSERT_EQ(agri->status, LUYU__STATUS__STATUS_ON_TRACK);
    ASSERT_EQ(agri->progress_permille, 600);
    ASSERT_EQ(trained->since_start, 500);
    ASSERT_EQ(trained->expected, 528);
    ASSERT_EQ(trained->status, LUYU__STATUS__STATUS_BEHIND);
    ASSERT_EQ(STATUS(b, "poor_moved_to_sd"), LUYU__STATUS__STATUS_MET);
    ASSERT_EQ(STATUS(b, "sd_investment"), LUYU__STATUS__STATUS_ON_TRACK);
    ASSERT_EQ(STATUS(b, "sd_firms"), LUYU__STATUS__STATUS_BEHIND);
    /* project_pool_total is derived from the project pool (source =
     * pool.planned), which holds no projects in this fixture, so the 1:3
     * of sd_fiscal_aid has no base yet; the figures typed for the pool
     * total count for nothing. */
    ASSERT_EQ(STATUS(b, "sd_fiscal_aid"), LUYU__STATUS__STATUS_NO_BASELINE);
    ASSERT_EQ(ledger_bulletin_indicator(b, "project_pool_total")->since_start,
              0);
    ASSERT_TRUE(b->pool != NULL && b->pool->projects == 0 &&
                b->pool->target == 150000000000);
    ASSERT_EQ(STATUS(b, "poor_lifted"), LUYU__STATUS__STATUS_ON_TRACK);
    ASSERT_EQ(ledger_bulletin_indicator(b, "leader_visits")->actual, 3);
    ASSERT_EQ(b->completeness->expected, 24);
    ASSERT_EQ(b->completeness->on_time, 3);
    ASSERT_EQ(b->completeness->late, 2);
    ASSERT_EQ(b->completeness->missing, 19);
    ASSERT_EQ(unit_of(b, "cq-sww")->state, LUYU__REPORT_STATE__REPORT_LATE);
    ASSERT_EQ(unit_of(b, "cq-wanzhou")->state,
              LUYU__REPORT_STATE__REPORT_ON_TIME);
    /* The two late entries for April and June since June's bulletin. */
    ASSERT_EQ(b->revisions_total, 2);
    ASSERT_EQ(b->n_revisions, 2);
    ASSERT_EQ(b->entries_covered, 31);
}

/* Revision 2: the three late entries are listed with their effect. */
static void check_july_r2(const Luyu__Bulletin *b)
{
    const Luyu__RevisionEntry *r;

    ASSERT_EQ(b->revision, 2);
    ASSERT_EQ(b->revisions_total, 3);
    ASSERT_EQ(b->n_revisions, 3);
    ASSERT_EQ(b->n_revision_sums, 3);
    if (b->n_revisions == 3) {
        r = b->revisions[0];
        ASSERT_STREQ(r->entry_id, "cq-wanzhou/7");
        ASSERT_EQ(r->period, 201906);
        ASSERT_EQ(r->previous, 0);
        ASSERT_EQ(r->figure, 100000000);
        r = b->revisions[1];
        ASSERT_STREQ(r->entry_id, "cq-kaizhou/4");
        ASSERT_STREQ(r->corrects, "cq-kaizhou/2");
        ASSERT_EQ(r->previous, 400000000);
        ASSERT_EQ(r->figure, 450000000);
        ASSERT_STREQ(b->revisions[2]->unit, "cq-qianjiang");
    }
    ASSERT_EQ(ledger_bulletin_indicator(b, "agri_sales_to_sd")->month,
              750000000);
    ASSERT_EQ(ledger_bulletin_indicator(b, "agri_sales_to_sd")->ytd,
              1950000050);
    ASSERT_EQ(unit_of(b, "cq-qianjiang")->state,
              LUYU__REPORT_STATE__REPORT_LATE);
    ASSERT_EQ(b->completeness->late, 3);
}

static void expect_issue(struct ledger_bulletins *s, uint32_t period,
                         int64_t now, int want, uint32_t want_rev,
                         const char *reason, int line)
{
    char err[512] = "";
    uint32_t rev = 99;
    int r =
        ledger_bulletins_issue(s, plan, period, 5, now, &rev, err, sizeof(err));

    if (r != want || rev != want_rev) {
        fprintf(stderr, "%s:%d: issue %u: %d r%u, wanted %d r%u (%s)\n",
                __FILE__, line, period, r, rev, want, want_rev, err);
        test_failures++;
    } else if (reason != NULL && strstr(err, reason) == NULL) {
        fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__,
                line, err, reason);
        test_failures++;
    }
}

#define ISSUE(s, p, now, want, rev, reason)                                    \
    expect_issue((s), (p), (now), (want), (rev), (reason), __LINE__)

/* A kept draft (the dashboard's, brought up to date from the last one)
 * equals a draft computed anew, but for the digest it leaves out. */
static void expect_kept(struct ledger_bulletins *s,
                        struct ledger_bulletin_draft **keep, uint32_t period,
                        int64_t now, int line)
{
    Luyu__Bulletin *k = NULL, *f = NULL;
    char err[512] = "";
    uint8_t *kb = NULL, *fb = NULL;
    size_t kn = 0, fn = 0;

    if (ledger_bulletins_draft_kept(s, keep, plan, "CQ", period, 5, now, &k,
                                    err, sizeof(err)) < 0 ||
        ledger_bulletins_draft(s, plan, "CQ", period, 5, now, &f, err,
                               sizeof(err)) < 0) {
        fprintf(stderr, "%s:%d: draft %u: %s\n", __FILE__, line, period, err);
        test_failures++;
        goto out;
    }
    ASSERT_TRUE(*keep != NULL);
    ASSERT_EQ(k->entries_hashed, 0);
    memset(f->digest.data, 0, f->digest.len);
    memset(f->chain_digest.data, 0, f->chain_digest.len);
    f->chain_from = 0;
    f->entries_hashed = 0;
    kn = luyu__bulletin__get_packed_size(k);
    fn = luyu__bulletin__get_packed_size(f);
    kb = malloc(kn + 1);
    fb = malloc(fn + 1);
    luyu__bulletin__pack(k, kb);
    luyu__bulletin__pack(f, fb);
    if (kn != fn || memcmp(kb, fb, kn) != 0) {
        fprintf(stderr,
                "%s:%d: kept draft %u r%u (%zu bytes, %llu entries, %zu "
                "revisions) differs from a new one (%zu bytes, %llu, %zu)\n",
                __FILE__, line, period, k->revision, kn,
                (unsigned long long)k->entries_covered, k->n_revisions, fn,
                (unsigned long long)f->entries_covered, f->n_revisions);
        test_failures++;
    }
out:
    free(kb);
    free(fb);
    ledger_bulletin_free(k);
    ledger_bulletin_free(f);
}

#define KEPT(s, keep, p, now) expect_kept((s), (keep), (p), (now), __LINE__)

static void test_issue(struct ledger *l, struct ledger_bulletins *s)
{
    /* Kept drafts of July and of June, brought up to date at each phase:
     * June's revision 2 gets the late entries of phase B as revisions
     * while kept; July's is dropped and computed anew when its revision 1
     * is issued. */
    struct ledger_bulletin_draft *july = NULL, *june = NULL;
    struct ledger_bulletins_item it;
    Luyu__Bulletin *b;

    KEPT(s, &july, 201907, T_JUNE_ISSUE);
    merge_phase(l, 'A');
    KEPT(s, &july, 201907, T_JUNE_ISSUE);
    ISSUE(s, 201906, T_JUNE_ISSUE, 0, 1, NULL);
    KEPT(s, &june, 201906, T_JUNE_ISSUE);
    KEPT(s, &july, 201907, T_JUNE_ISSUE);
    merge_phase(l, 'B');
    KEPT(s, &june, 201906, T_JULY_ISSUE);
    KEPT(s, &july, 201907, T_JULY_ISSUE);
    ISSUE(s, 201908, T_JULY_ISSUE, -EINVAL, 0, "has not ended");
    ISSUE(s, 201707, T_JULY_ISSUE, -EINVAL, 0, "outside the plan");
    ISSUE(s, 201907, T_JULY_ISSUE, 0, 1, NULL);
    b = stored(s, "CQ", 201907, 1, &it);
    if (b != NULL)
        check_july_r1(b);
    ledger_bulletin_free(b);
    free(it.payload);
    check_rebuild(ledger_db(l), s, 201907, 1, 1);
    ISSUE(s, 201907, T_JULY_ISSUE + 60, -EALREADY, 0, "nothing changed");

    KEPT(s, &july, 201907, T_JULY_ISSUE);
    merge_phase(l, 'C');
    KEPT(s, &july, 201907, T_REV2_ISSUE);
    KEPT(s, &june, 201906, T_REV2_ISSUE);
    ledger_bulletin_draft_free(july);
    ledger_bulletin_draft_free(june);
    ISSUE(s, 201907, T_REV2_ISSUE, 0, 2, NULL);
    b = stored(s, "CQ", 201907, 0, &it);
    if (b != NULL)
        check_july_r2(b);
    ledger_bulletin_free(b);
    free(it.payload);
    /* Revision 1 is what it was, whatever arrived since. */
    check_rebuild(ledger_db(l), s, 201907, 1, 1);
    check_rebuild(ledger_db(l), s, 201907, 2, 1);
    ISSUE(s, 201907, T_REV2_ISSUE + 60, -EALREADY, 0, "since revision 2");
    /* Inside an open ledger transaction its entries are not committed. */
    ASSERT_EQ(ledger_begin(l), 0);
    ISSUE(s, 201907, T_REV2_ISSUE, -EBUSY, 0, "transaction");
    ledger_rollback(l);
}

/* Each digest is the ledger's at its upto_entry (ledger/digest.h): in a
 * ledger smaller than a block every bulletin hashes every entry up to it.
 * And it commits to the entries: changing one note of an entry July's
 * revision 1 hashed changes its digest on a rebuild. (Blocks:
 * test_digest.c.) */
static void test_digest(sqlite3 *db, struct ledger_bulletins *s)
{
    struct ledger_bulletins_item a, b, c;
    Luyu__Bulletin *june = stored(s, "CQ", 201906, 1, &a);
    Luyu__Bulletin *r1 = stored(s, "CQ", 201907, 1, &b);
    Luyu__Bulletin *r2 = stored(s, "CQ", 201907, 2, &c);
    static const uint8_t zeros[32];

    if (june && r1 && r2) {
        Luyu__Bulletin *all[] = {june, r1, r2};

        for (size_t k = 0; k < 3; k++) {
            ASSERT_EQ(all[k]->chain_from, 0);
            ASSERT_TRUE(memcmp(all[k]->chain_digest.data, zeros, 32) == 0);
            ASSERT_EQ(all[k]->entries_hashed, (uint64_t)all[k]->upto_entry);
        }
        ASSERT_EQ(june->upto_entry, 22);
        ASSERT_EQ(r1->upto_entry, 32);
        ASSERT_EQ(r2->upto_entry, 35);
    }
    ASSERT_EQ(sqlite3_exec(db,
                           "UPDATE entry SET note = note || '!' WHERE id = 25",
                           NULL, NULL, NULL),
              SQLITE_OK);
    check_rebuild(db, s, 201907, 1, 0);
    ASSERT_EQ(sqlite3_exec(db,
                           "UPDATE entry SET note = substr(note, 1,"
                           " length(note) - 1) WHERE id = 25",
                           NULL, NULL, NULL),
              SQLITE_OK);
    check_rebuild(db, s, 201907, 1, 1);
    ledger_bulletin_free(june);
    ledger_bulletin_free(r1);
    ledger_bulletin_free(r2);
    free(a.payload);
    free(b.payload);
    free(c.payload);
}

/* A bulletin of province for period/revision, claiming to be of `claim`
 * (NULL: the same), signed by `signer` with key. */
static uint8_t *peer_bulletin(sqlite3 *db, const char *province,
                              const char *claim, uint32_t period,
                              uint32_t revision, int64_t issued_at,
                              const struct lu_sign_key *key, const char *signer,
                              size_t *len)
{
    struct ledger_bulletin_params p = {.province = province,
                                       .period = period,
                                       .revision = revision,
                                       .issued_at = issued_at,
                                       .issue_day = 5,
                                       .upto_entry = 0,
                                       .revised_after = -1};
    Luyu__Bulletin *b = NULL;
    uint8_t *out = NULL;
    char err[512] = "", *orig;

    *len = 0;
    ASSERT_EQ(build(db, plan, &p, &b, err, sizeof(err)), 0);
    if (b == NULL)
        return NULL;
    orig = b->province;
    b->province = (char *)(claim ? claim : province);
    ASSERT_EQ(ledger_bulletin_sign(b, key, signer, &out, len), 0);
    b->province = orig;
    ledger_bulletin_free(b);
    return out;
}

static void expect_peer(struct ledger_bulletins *s, const uint8_t *data,
                        size_t len, int want, const char *reason, int line)
{
    char err[512] = "";
    int r = (int)ledger_bulletins_store_peer(s, plan, data, len, T_REV2_ISSUE,
                                             err, sizeof(err));

    if (r != want || (reason != NULL && strstr(err, reason) == NULL)) {
        fprintf(stderr, "%s:%d: store_peer: %d (%s), wanted %d (%s)\n",
                __FILE__, line, r, err, want, reason ? reason : "");
        test_failures++;
    }
}

#define PEER(s, data, len, want, reason)                                       \
    expect_peer((s), (data), (len), (int)LEDGER_BULLETINS_##want, (reason),    \
                __LINE__)

static void test_peer(sqlite3 *db, struct ledger_bulletins *s)
{
    uint8_t *b[10], tampered[1 << 16];
    size_t n[10];
    int64_t t = T_REV2_ISSUE - 100;

    b[0] =
        peer_bulletin(db, "SD", NULL, 201907, 2, t, &sd_key, "sd-hub", &n[0]);
    b[1] =
        peer_bulletin(db, "SD", NULL, 201907, 1, t, &sd_key, "sd-hub", &n[1]);
    b[2] = peer_bulletin(db, "SD", NULL, 201907, 2, t + 1, &sd_key, "sd-hub",
                         &n[2]);
    b[3] =
        peer_bulletin(db, "SD", NULL, 201907, 3, t, &cq_key, "sd-hub", &n[3]);
    b[4] =
        peer_bulletin(db, "SD", NULL, 201907, 3, t, &sd_key, "xx-hub", &n[4]);
    b[5] =
        peer_bulletin(db, "CQ", NULL, 201907, 3, t, &sd_key, "sd-hub", &n[5]);
    b[6] =
        peer_bulletin(db, "SD", "XX", 201907, 3, t, &sd_key, "sd-hub", &n[6]);
    b[7] =
        peer_bulletin(db, "SD", NULL, 201909, 1, t, &sd_key, "sd-hub", &n[7]);
    b[8] =
        peer_bulletin(db, "SD", NULL, 201907, 3, t, &sd_key, "sd-hub", &n[8]);
    b[9] = NULL;
    PEER(s, b[0], n[0], STORED, NULL);
    PEER(s, b[0], n[0], HELD, NULL); /* the same again: a resend */
    PEER(s, b[1], n[1], REFUSED, "older than revision 2 held");
    PEER(s, b[2], n[2], REFUSED, "a different SD 2019-07 revision 2");
    PEER(s, b[3], n[3], REFUSED, "does not verify");
    PEER(s, b[4], n[4], REFUSED, "the peer hub is sd-hub");
    PEER(s, b[5], n[5], REFUSED, "keeps SD");
    PEER(s, b[6], n[6], REFUSED, "unknown province \"XX\"");
    PEER(s, b[7], n[7], REFUSED, "in the future");
    PEER(s, (const uint8_t *)"hello", 5, REFUSED, "not a signed bulletin");
    /* One flipped bit inside the payload keeps the protobuf well-formed
     * and breaks the signature. */
    ASSERT_TRUE(n[8] < sizeof(tampered));
    memcpy(tampered, b[8], n[8]);
    tampered[n[8] / 2] ^= 1;
    PEER(s, tampered, n[8], REFUSED, "does not verify");
    /* A store that cannot write says "retry later", not "refused". */
    sqlite3_exec(db, "PRAGMA query_only = 1", NULL, NULL, NULL);
    PEER(s, b[8], n[8], RETRY, "cannot store it now");
    sqlite3_exec(db, "PRAGMA query_only = 0", NULL, NULL, NULL);
    PEER(s, b[8], n[8], STORED, NULL);
    PEER(s, b[1], n[1], REFUSED, "older than revision 3 held");
    for (int k = 0; k < 10; k++)
        free(b[k]);
}

static void test_lists(struct ledger_bulletins *s)
{
    struct ledger_bulletins_item *items = NULL;
    uint32_t period = 0;
    size_t n = 0;

    ASSERT_EQ(ledger_bulletins_list(s, &items, &n), 0);
    ASSERT_EQ(n, 5); /* CQ 06 r1, CQ 07 r1 r2, SD 07 r2 r3 */
    ledger_bulletins_items_free(items, n);
    ASSERT_EQ(ledger_bulletins_unsent(s, &items, &n), 0);
    ASSERT_EQ(n, 3);
    if (n == 3) {
        ASSERT_EQ(items[0].period, 201906);
        ASSERT_TRUE(items[0].payload != NULL && items[0].own);
    }
    ledger_bulletins_items_free(items, n);
    ASSERT_EQ(ledger_bulletins_mark_sent(s, "CQ", 201906, 1, T_JUNE_ISSUE), 0);
    ASSERT_EQ(ledger_bulletins_mark_acked(s, "CQ", 201906, 1, T_JUNE_ISSUE), 0);
    ASSERT_EQ(ledger_bulletins_mark_acked(s, "CQ", 201906, 1, T_JULY_ISSUE), 0);
    ASSERT_EQ(ledger_bulletins_mark_acked(s, "SD", 201907, 2, T_JULY_ISSUE),
              -ENOENT);
    ASSERT_EQ(ledger_bulletins_unsent(s, &items, &n), 0);
    ASSERT_EQ(n, 2);
    ledger_bulletins_items_free(items, n);
    ASSERT_EQ(ledger_bulletins_list(s, &items, &n), 0);
    /* The first acknowledgement's time is kept. */
    ASSERT_EQ(n > 0 ? items[0].acked_at : 0, T_JUNE_ISSUE);
    ledger_bulletins_items_free(items, n);
    ASSERT_EQ(ledger_bulletins_latest_issued_period(s, &period), 0);
    ASSERT_EQ(period, 201907);
}

/* luyuctl's view: a read-only handle on the same file. */
static void test_reader(void)
{
    struct ledger_bulletins *s = NULL;
    struct ledger_bulletins_item it;
    Luyu__Bulletin *b = NULL;
    char path[4096], err[512] = "", prov[17] = "";
    sqlite3 *db = NULL;

    snprintf(path, sizeof(path), "%s/ledger.db", dir);
    ASSERT_EQ(
        lu_store_open(path, "ledger", LU_STORE_READONLY, &db, err, sizeof(err)),
        0);
    ASSERT_EQ(ledger_bulletins_open_readonly(db, &s, err, sizeof(err)), 0);
    if (s == NULL)
        goto out;
    ASSERT_EQ(ledger_bulletins_own_province(s, prov, sizeof(prov)), 0);
    ASSERT_STREQ(prov, "CQ");
    b = stored(s, "SD", 201907, 0, &it);
    ASSERT_EQ(b ? b->revision : 0, 3);
    ledger_bulletin_free(b);
    free(it.payload);
    ASSERT_EQ(ledger_bulletins_draft(s, plan, "CQ", 201907, 5, T_REV2_ISSUE, &b,
                                     err, sizeof(err)),
              0);
    ASSERT_TRUE(b != NULL && b->draft && b->revision == 3);
    ASSERT_EQ(b ? b->revisions_total : 99, 0);
    ledger_bulletin_free(b);
    ASSERT_EQ(ledger_bulletins_draft(s, plan, "CQ", 201908, 5, T_REV2_ISSUE, &b,
                                     err, sizeof(err)),
              0);
    ASSERT_EQ(b ? ledger_bulletin_indicator(b, "agri_sales_to_sd")->month : 0,
              100000000);
    ledger_bulletin_free(b);
out:
    ledger_bulletins_free(s);
    lu_store_close(db);
}

static void test_sign_roundtrip(struct ledger_bulletins *s)
{
    struct ledger_bulletins_item it;
    Luyu__SignedBulletin *sb;
    Luyu__Bulletin *b = NULL;
    char err[512] = "";

    ASSERT_EQ(ledger_bulletins_get(s, "CQ", 201907, 1, &it), 0);
    sb = ledger_bulletin_sign_parse(it.payload, it.len, err, sizeof(err));
    ASSERT_TRUE(sb != NULL);
    if (sb != NULL) {
        ASSERT_STREQ(sb->signer, "cq-hub");
        ASSERT_EQ(
            ledger_bulletin_sign_verify(sb, cq_key.pub, &b, err, sizeof(err)),
            0);
        ledger_bulletin_free(b);
        ASSERT_EQ(
            ledger_bulletin_sign_verify(sb, sd_key.pub, &b, err, sizeof(err)),
            -EPERM);
        sb->payload.data[sb->payload.len - 1] ^= 0x40;
        ASSERT_EQ(
            ledger_bulletin_sign_verify(sb, cq_key.pub, &b, err, sizeof(err)),
            -EPERM);
        luyu__signed_bulletin__free_unpacked(sb, NULL);
    }
    free(it.payload);
}

/* Many late entries on a few figures and months, corrections among them,
 * in their own ledger: each listed revision's figure before it is what
 * the figure's entries with a lower id sum to (the query the bulletin
 * ran per revision before ledger schema 5, here as the oracle). */
static void merge_one(struct ledger *l, const char *node, uint64_t seq,
                      const char *unit, const char *ind, uint32_t period,
                      int64_t amount, const char *corrects)
{
    Luyu__Entry e = LUYU__ENTRY__INIT;
    char reason[512] = "";

    e.seq = seq;
    e.unit = (char *)unit;
    e.indicator = (char *)ind;
    e.period = period;
    e.amount = amount;
    e.note = "";
    e.recorded_by = "clerk";
    e.recorded_at = T_JUNE_ISSUE - 86400;
    e.corrects = (char *)corrects;
    if (ledger_merge(l, node, &e, reason, sizeof(reason)) != 0)
        TEST_FAIL_AT("merge %s/%llu: %s", node, (unsigned long long)seq,
                     reason);
}

static void test_many_revisions(const struct ledger_bulletins_conf *conf)
{
    static const uint32_t months[] = {201904, 201905, 201906};
    char dir2[] = "/tmp/luyu-test-revisions-XXXXXX", err[512] = "";
    const char *units[3], *inds[3], *node = "cq-many";
    struct ledger *l = NULL;
    struct ledger_bulletins *s = NULL;
    Luyu__Bulletin *b = NULL;
    sqlite3_stmt *st = NULL;
    size_t nu = 0, ni = 0, late = 0;
    uint64_t seq = 0;
    uint32_t rev = 0;

    for (size_t k = 0; k < plan->n_units && nu < 3; k++) {
        if (strcmp(plan->units[k].province, "CQ") == 0)
            units[nu++] = plan->units[k].code;
    }
    for (size_t k = 0; k < plan->n_indicators && ni < 3; k++) {
        if (plan->indicators[k].source == NULL)
            inds[ni++] = plan->indicators[k].code;
    }
    ASSERT_TRUE(mkdtemp(dir2) != NULL);
    ASSERT_EQ(ledger_open(dir2, plan, "CQ", &l, err, sizeof(err)), 0);
    if (l == NULL || nu < 3 || ni < 3)
        goto out;
    ASSERT_EQ(
        ledger_bulletins_open(ledger_sql_handle(l), conf, &s, err, sizeof(err)),
        0);
    if (s == NULL)
        goto out;
    /* On time: one entry per figure and month, before June's bulletin. */
    ASSERT_EQ(ledger_begin(l), 0);
    for (size_t m = 0; m < 3; m++)
        for (size_t u = 0; u < 3; u++)
            for (size_t i = 0; i < 3; i++) {
                seq++;
                merge_one(l, node, seq, units[u], inds[i], months[m],
                          (int64_t)(1000 + seq), "");
            }
    ASSERT_EQ(ledger_commit(l), 0);
    ASSERT_EQ(ledger_bulletins_issue(s, plan, 201906, 5, T_JUNE_ISSUE, &rev,
                                     err, sizeof(err)),
              0);
    /* Late: 240 more, figures and months interleaved, every fifth one a
     * correction of an on-time entry of the same figure (seq 1..27). */
    ASSERT_EQ(ledger_begin(l), 0);
    for (size_t k = 0; k < 240; k++) {
        size_t m = (k * 7) % 3, u = (k / 3) % 3, i = (k * 5 / 7) % 3;
        char corrects[80] = "";

        if (k % 5 == 4)
            snprintf(corrects, sizeof(corrects), "%s/%zu", node,
                     m * 9 + u * 3 + i + 1);
        merge_one(l, node, ++seq, units[u], inds[i], months[m],
                  (int64_t)(k * 37 % 1000) + 1, corrects);
        late++;
    }
    ASSERT_EQ(ledger_commit(l), 0);
    ASSERT_EQ(ledger_bulletins_draft(s, plan, "CQ", 201907, 5, T_JULY_ISSUE, &b,
                                     err, sizeof(err)),
              0);
    ASSERT_EQ(b ? b->n_revisions : 0, late);
    sqlite3_prepare_v2(
        ledger_db(l),
        "SELECT coalesce(sum(amount - coalesce(prev_amount, 0)), 0)"
        " FROM entry WHERE unit = ?1 AND indicator = ?2 AND period = ?3"
        " AND id < ?4",
        -1, &st, NULL);
    for (size_t k = 0; b != NULL && k < b->n_revisions; k++) {
        const Luyu__RevisionEntry *r = b->revisions[k];

        sqlite3_bind_text(st, 1, r->unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, r->indicator, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, r->period);
        sqlite3_bind_int64(st, 4, (int64_t)r->entry);
        ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
        if (r->previous != sqlite3_column_int64(st, 0))
            TEST_FAIL_AT("revision %s: previous %lld, the ledger says %lld",
                         r->entry_id, (long long)r->previous,
                         (long long)sqlite3_column_int64(st, 0));
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    /* Issued, then more late entries of the same months: the revision
     * rebuilds to the same bytes (its figures before are worked back from
     * balances that now hold the newer entries too). */
    ASSERT_EQ(ledger_bulletins_issue(s, plan, 201907, 5, T_JULY_ISSUE, &rev,
                                     err, sizeof(err)),
              0);
    ASSERT_EQ(ledger_begin(l), 0);
    for (size_t k = 0; k < 30; k++)
        merge_one(l, node, ++seq, units[k % 3], inds[(k / 3) % 3],
                  months[k % 3], (int64_t)k + 7, "");
    ASSERT_EQ(ledger_commit(l), 0);
    check_rebuild(ledger_db(l), s, 201907, 1, 1);
out:
    ledger_bulletin_free(b);
    ledger_bulletins_free(s);
    ledger_free(l);
    test_rm_dir(dir2);
}

int main(void)
{
    struct ledger_bulletins_conf conf = {.hub_id = "cq-hub",
                                         .province = "CQ",
                                         .key = &cq_key,
                                         .peer_id = "sd-hub",
                                         .peer_province = "SD",
                                         .peer_key = sd_key.pub};
    struct ledger *l = NULL;
    struct ledger_bulletins *s = NULL;
    char path[4096], err[512] = "";

    src = getenv("LUYU_SOURCE_DIR") ? getenv("LUYU_SOURCE_DIR") : ".";
    snprintf(path, sizeof(path), "%s/etc/plan-2018-2020.ini", src);
    ASSERT_EQ(lu_plan_load(path, &plan, err, sizeof(err)), 0);
    ASSERT_TRUE(mkdtemp(dir) != NULL);
    if (plan == NULL)
        TEST_DONE();
    make_keys();
    load_fixture();
    ASSERT_EQ(n_rows, 35);
    ASSERT_EQ(ledger_open(dir, plan, "CQ", &l, err, sizeof(err)), 0);
    if (l != NULL)
        ASSERT_EQ(ledger_bulletins_open(ledger_sql_handle(l), &conf, &s, err,
                                        sizeof(err)),
                  0);
    if (s != NULL) {
        test_calendar();
        test_issue(l, s);
        test_digest(ledger_db(l), s);
        test_sign_roundtrip(s);
        test_peer(ledger_db(l), s);
        test_lists(s);
        test_reader();
        test_many_revisions(&conf);
    }
    ledger_bulletins_free(s);
    ledger_free(l);
    lu_sign_key_wipe(&cq_key);
    lu_sign_key_wipe(&sd_key);
    lu_plan_free(plan);
    if (getenv("LUYU_KEEP_TMP") != NULL)
        fprintf(stderr, "kept %s\n", dir);
    else
        test_rm_dir(dir);
    TEST_DONE();
}
