/* Tests for ledger/ledger.c with the shipped plan: good entries and
 * corrections move the balance, refused entries land in the reject table
 * with their reason, and all of it, with the high-water marks, is still
 * there after the ledger is closed and opened again. */
#include <dirent.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger.h"
#include "plan.h"
#include "pool.h"
#include "test.h"

#define UNIT "cq-wanzhou"
#define IND "agri_sales_to_sd"
#define PERIOD 201903

static const struct lu_plan *plan;
static char dir[] = "/tmp/luyu-test-ledger-XXXXXX";

static void make_entry(Luyu__Entry *e, uint64_t seq, int64_t amount,
                       const char *corrects)
{
    luyu__entry__init(e);
    e->seq = seq;
    e->unit = UNIT;
    e->indicator = IND;
    e->period = PERIOD;
    e->amount = amount;
    e->note = "test";
    e->recorded_by = "li";
    e->recorded_at = 1552000000;
    e->corrects = (char *)corrects;
}

/* Merges e from node and checks the result and, for refusals, the reason. */
static void expect_merge(struct ledger *l, const char *node,
                         const Luyu__Entry *e, int want, const char *reason,
                         int line)
{
    char got[512] = "";
    int r = ledger_merge(l, node, e, got, sizeof(got));

    if (r != want) {
        fprintf(stderr, "%s:%d: merge %s/%" PRIu64 ": %d != %d (%s)\n",
                __FILE__, line, node, e->seq, r, want, got);
        test_failures++;
    } else if (reason != NULL && strstr(got, reason) == NULL) {
        fprintf(stderr, "%s:%d: reason \"%s\" does not contain \"%s\"\n",
                __FILE__, line, got, reason);
        test_failures++;
    }
}

#define MERGE(l, node, e, want, reason)                                        \
    expect_merge((l), (node), (e), (want), (reason), __LINE__)

/* Runs a query giving one integer; -999 when there is no row, -998 when
 * the value is NULL. */
static int64_t sql_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -999;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        TEST_FAIL_AT("prepare \"%s\": %s", sql, sqlite3_errmsg(db));
        return -997;
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_type(st, 0) == SQLITE_NULL
                ? -998
                : sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Same for a text value; the result is a static buffer. */
static const char *sql_text(sqlite3 *db, const char *sql)
{
    static char buf[1024];
    sqlite3_stmt *st = NULL;

    snprintf(buf, sizeof(buf), "(no row)");
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        TEST_FAIL_AT("prepare \"%s\": %s", sql, sqlite3_errmsg(db));
        return buf;
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, sizeof(buf), "%s",
                 (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

static sqlite3 *open_db(void)
{
    char path[4096];
    sqlite3 *db = NULL;

    snprintf(path, sizeof(path), "%s/ledger.db", dir);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        TEST_FAIL_AT("cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "?");
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

#define BALANCE                                                                \
    "SELECT amount FROM balance WHERE unit = '" UNIT "' AND indicator = '" IND \
    "' AND period = 201903"

static struct ledger *open_ledger(void)
{
    struct ledger *l = NULL;
    char err[512] = "";

    ASSERT_EQ(ledger_open(dir, plan, "CQ", &l, err, sizeof(err)), 0);
    if (l == NULL)
        fprintf(stderr, "ledger_open: %s\n", err);
    return l;
}

/* The first session: originals, refusals, corrections, hwm. */
static void first_session(struct ledger *l)
{
    Luyu__Entry e;
    uint64_t hwm = 99;

    ASSERT_EQ(ledger_hwm(l, "n1", &hwm), 0);
    ASSERT_EQ(hwm, 0);
    ASSERT_EQ(ledger_begin(l), 0);

    make_entry(&e, 1, 1000, "");
    MERGE(l, "n1", &e, 0, NULL);

    make_entry(&e, 2, 500, "");
    e.unit = "sd-jinan";
    MERGE(l, "n1", &e, 1,
          "unit sd-jinan belongs to province SD; this hub keeps the CQ "
          "ledger");

    make_entry(&e, 3, 500, "");
    e.indicator = "agri_sale";
    MERGE(l, "n1", &e, 1, "unknown indicator \"agri_sale\"");

    /* A correction replaces the figure of its chain. */
    make_entry(&e, 4, 1500, "n1/1");
    MERGE(l, "n1", &e, 0, NULL);

    make_entry(&e, 5, 700, "n1/99");
    MERGE(l, "n1", &e, 1, "corrects n1/99, which is not in the ledger");

    make_entry(&e, 6, 700, "n1/1");
    e.period = 201904;
    MERGE(l, "n1", &e, 1, "corrects n1/1, which is a different figure");

    /* A correction of a correction continues the same chain. */
    make_entry(&e, 7, 1700, "n1/4");
    MERGE(l, "n1", &e, 0, NULL);

    /* A rejected entry is not in the ledger, so it cannot be corrected. */
    make_entry(&e, 8, 10, "n1/3");
    MERGE(l, "n1", &e, 1, "corrects n1/3, which is not in the ledger");

    /* Another node's figure for the same month adds to the balance. */
    make_entry(&e, 1, 300, "");
    MERGE(l, "n2", &e, 0, NULL);

    ASSERT_EQ(ledger_set_hwm(l, "n1", 8, 0, 0), 0);
    ASSERT_EQ(ledger_set_hwm(l, "n2", 1, 0, 0), 0);
    ASSERT_EQ(ledger_hwm(l, "n1", &hwm), 0);
    ASSERT_EQ(hwm, 8);
    /* The hwm never goes back. */
    ASSERT_EQ(ledger_set_hwm(l, "n1", 5, 0, 0), 0);
    ASSERT_EQ(ledger_hwm(l, "n1", &hwm), 0);
    ASSERT_EQ(hwm, 8);
    ASSERT_EQ(ledger_commit(l), 0);

    /* A rolled-back merge leaves nothing behind. */
    ASSERT_EQ(ledger_begin(l), 0);
    make_entry(&e, 9, 100000, "");
    MERGE(l, "n1", &e, 0, NULL);
    make_entry(&e, 10, 1, "");
    e.indicator = "nope";
    MERGE(l, "n1", &e, 1, "unknown indicator \"nope\"");
    ASSERT_EQ(ledger_set_hwm(l, "n1", 10, 0, 0), 0);
    ledger_rollback(l);
    ASSERT_EQ(ledger_hwm(l, "n1", &hwm), 0);
    ASSERT_EQ(hwm, 8);
}

/* What a reader of the committed database sees after the first session. */
static void check_db(int64_t balance, int64_t entries, int64_t rejects)
{
    sqlite3 *db = open_db();
    int64_t id1, id4;

    if (db == NULL)
        return;
    ASSERT_EQ(sql_int(db, BALANCE), balance);
    ASSERT_EQ(sql_int(db, "SELECT entries FROM balance WHERE unit = '" UNIT
                          "' AND indicator = '" IND "' AND period = 201903"),
              entries);
    ASSERT_EQ(sql_int(db, "SELECT count(*) FROM entry"), entries);
    ASSERT_EQ(sql_int(db, "SELECT count(*) FROM reject"), rejects);

    id1 = sql_int(db, "SELECT id FROM entry WHERE node = 'n1' AND seq = 1");
    id4 = sql_int(db, "SELECT id FROM entry WHERE node = 'n1' AND seq = 4");
    ASSERT_TRUE(id1 > 0 && id4 > id1);
    ASSERT_EQ(sql_int(db, "SELECT amount FROM entry WHERE node = 'n1'"
                          " AND seq = 1"),
              1000);
    ASSERT_EQ(sql_int(db, "SELECT prev_amount FROM entry WHERE node = 'n1'"
                          " AND seq = 1"),
              -998);
    ASSERT_EQ(sql_int(db, "SELECT prev_amount FROM entry WHERE node = 'n1'"
                          " AND seq = 4"),
              1000);
    ASSERT_EQ(sql_int(db, "SELECT corrects FROM entry WHERE node = 'n1'"
                          " AND seq = 4"),
              id1);
    ASSERT_EQ(sql_int(db, "SELECT prev_amount FROM entry WHERE node = 'n1'"
                          " AND seq = 7"),
              1500);
    ASSERT_EQ(sql_int(db, "SELECT corrects FROM entry WHERE node = 'n1'"
                          " AND seq = 7"),
              id4);
    ASSERT_EQ(sql_int(db, "SELECT root FROM entry WHERE node = 'n1'"
                          " AND seq = 7"),
              id1);
    ASSERT_EQ(sql_int(db, "SELECT hwm FROM node WHERE id = 'n1'"), 8);
    ASSERT_EQ(sql_int(db, "SELECT count(*) FROM entry WHERE seq = 9"), 0);
    ASSERT_EQ(sql_int(db, "SELECT count(*) FROM reject WHERE seq = 10"), 0);
    ASSERT_STREQ(sql_text(db, "SELECT unit FROM reject WHERE node = 'n1'"
                              " AND seq = 2"),
                 "sd-jinan");
    ASSERT_CONTAINS(sql_text(db, "SELECT reason FROM reject WHERE node ="
                                 " 'n1' AND seq = 2"),
                    "province SD");
    ASSERT_EQ(sql_int(db, "SELECT amount FROM reject WHERE node = 'n1'"
                          " AND seq = 2"),
              500);
    /* The plan is copied in for readers. */
    ASSERT_STREQ(sql_text(db, "SELECT province FROM unit WHERE code ="
                              " 'sd-jinan'"),
                 "SD");
    ASSERT_EQ(sql_int(db, "SELECT scale FROM indicator WHERE code = '" IND "'"),
              100);
    sqlite3_close(db);
}

static void check_rejects(struct ledger *l)
{
    static const uint64_t want[] = {2, 3, 5, 6, 8};
    Luyu__Reject **rj = NULL;
    size_t n = 0;

    ASSERT_EQ(ledger_rejects(l, "n1", 1, 8, 100, &rj, &n), 0);
    ASSERT_EQ(n, 5);
    for (size_t i = 0; i < n && i < 5; i++)
        ASSERT_EQ(rj[i]->seq, want[i]);
    if (n >= 2)
        ASSERT_STREQ(rj[1]->reason, "unknown indicator \"agri_sale\"");
    ledger_rejects_free(rj, n);

    ASSERT_EQ(ledger_rejects(l, "n1", 3, 5, 100, &rj, &n), 0);
    ASSERT_EQ(n, 2);
    if (n == 2) {
        ASSERT_EQ(rj[0]->seq, 3);
        ASSERT_EQ(rj[1]->seq, 5);
    }
    ledger_rejects_free(rj, n);

    ASSERT_EQ(ledger_rejects(l, "n1", 1, 8, 1, &rj, &n), 0);
    ASSERT_EQ(n, 1);
    if (n == 1)
        ASSERT_EQ(rj[0]->seq, 2);
    ledger_rejects_free(rj, n);

    ASSERT_EQ(ledger_rejects(l, "n1", 9, 100, 100, &rj, &n), 0);
    ASSERT_EQ(n, 0);
    ledger_rejects_free(rj, n);
    ASSERT_EQ(ledger_rejects(l, "n2", 1, 100, 100, &rj, &n), 0);
    ASSERT_EQ(n, 0);
    ledger_rejects_free(rj, n);
}

/* After reopening: the hwm and rejects are there, and the chain goes on. */
static void second_session(struct ledger *l)
{
    Luyu__Entry e;
    uint64_t hwm = 0;

    ASSERT_EQ(ledger_hwm(l, "n1", &hwm), 0);
    ASSERT_EQ(hwm, 8);
    ASSERT_EQ(ledger_hwm(l, "n2", &hwm), 0);
    ASSERT_EQ(hwm, 1);
    check_rejects(l);

    ASSERT_EQ(ledger_begin(l), 0);
    make_entry(&e, 9, 1800, "n1/7");
    MERGE(l, "n1", &e, 0, NULL);
    ASSERT_EQ(ledger_set_hwm(l, "n1", 9, 0, 0), 0);
    ASSERT_EQ(ledger_commit(l), 0);
}

/* DECISIONS.md: "Only entries recorded at the same node can be corrected
 * there", and the hub never trusts a node to have checked its entries. So a
 * correction from n2 naming n1's entry must be refused, not overwrite n1's
 * figure. */
static void cross_node_correction(struct ledger *l)
{
    Luyu__Entry e;
    sqlite3 *db;

    ASSERT_EQ(ledger_begin(l), 0);
    make_entry(&e, 2, 1, "n1/1");
    MERGE(l, "n2", &e, 1, "n1/1");
    ASSERT_EQ(ledger_commit(l), 0);
    db = open_db();
    if (db != NULL) {
        ASSERT_EQ(sql_int(db, BALANCE), 2100);
        sqlite3_close(db);
    }
}

/* A project event from node at seq: project id of cq-wanzhou, planned and
 * invested in yuan, at stage (its dates from 2019-03-01, a month apart). */
static void project_entry(Luyu__Entry *e, Luyu__ProjectEvent *ev,
                          Luyu__Project *p, uint32_t *dates, uint64_t seq,
                          const char *id, int kind, int stage, int64_t planned,
                          int64_t invested)
{
    luyu__project__init(p);
    luyu__project_event__init(ev);
    for (int s = 0; s < 6; s++)
        dates[s] = s < stage ? 20190301 + (uint32_t)s * 100 : 0;
    p->id = (char *)id;
    p->unit = UNIT;
    p->name = "万州柑橘深加工项目";
    p->area = "industry";
    p->planned = planned * 100;
    p->aid_planned = planned * 100 / 4;
    p->invested = invested * 100;
    p->stage = stage;
    p->stage_dates = dates;
    p->n_stage_dates = 6;
    ev->kind = kind;
    ev->project = p;
    luyu__entry__init(e);
    e->seq = seq;
    e->unit = UNIT;
    e->period = 201905;
    e->recorded_by = "li";
    e->project = ev;
}

/* The pool through the ledger: created, moved, funded; refused when the
 * move is impossible or another node changes the project; sums, the
 * month's movements and the stuck list from ledger/pool.h. */
static void project_pool(struct ledger *l)
{
    Luyu__Entry e;
    Luyu__ProjectEvent ev;
    Luyu__Project p;
    uint32_t dates[6];
    struct ledger_pool_sum *sum = NULL;
    struct ledger_pool_moves mv;
    Luyu__Project **v = NULL;
    size_t n = 0;
    uint64_t hwm = 0;

    ASSERT_EQ(ledger_begin(l), 0);
    ASSERT_EQ(ledger_hwm(l, "p1", &hwm), 0);
    project_entry(&e, &ev, &p, dates, 1, "cq-wanzhou-2019-001", 1, 1, 1000, 0);
    MERGE(l, "p1", &e, 0, NULL);
    project_entry(&e, &ev, &p, dates, 2, "cq-wanzhou-2019-001", 3, 2, 1000, 0);
    MERGE(l, "p1", &e, 0, NULL);
    project_entry(&e, &ev, &p, dates, 3, "cq-wanzhou-2019-001", 3, 1, 1000, 0);
    MERGE(l, "p1", &e, 1, "cannot go back from 签约 to 储备");
    project_entry(&e, &ev, &p, dates, 4, "cq-wanzhou-2019-001", 4, 2, 1000,
                  2000);
    MERGE(l, "p1", &e, 1, "above the plan");
    project_entry(&e, &ev, &p, dates, 5, "cq-wanzhou-2019-002", 1, 1, 600, 0);
    MERGE(l, "p1", &e, 0, NULL);
    project_entry(&e, &ev, &p, dates, 1, "cq-wanzhou-2019-001", 2, 2, 9, 0);
    MERGE(l, "p2", &e, 1, "belongs to node p1, not p2");
    ASSERT_EQ(ledger_commit(l), 0);

    ASSERT_EQ(ledger_pool_sums(ledger_sql_handle(l), LEDGER_POOL_TOTAL, NULL,
                               &sum, &n),
              0);
    ASSERT_TRUE(n == 1 && sum[0].projects == 2 && sum[0].planned == 160000 &&
                sum[0].aid_planned == 40000);
    free(sum);
    ASSERT_EQ(ledger_pool_month(ledger_sql_handle(l), 201904, &mv), 0);
    ASSERT_EQ(mv.reached[1], 1); /* 签约 2019-04-01 */
    ASSERT_EQ(mv.reached[0], 0);
    ASSERT_EQ(
        ledger_pool_projects(ledger_sql_handle(l), NULL, 20191001, &v, &n), 0);
    ASSERT_EQ(n, 1); /* 签约 since 2019-04-01: 183 days on 2019-10-01 */
    ledger_pool_projects_free(v, n);
    ASSERT_EQ(
        ledger_pool_projects(ledger_sql_handle(l), NULL, 20190901, &v, &n), 0);
    ASSERT_EQ(n, 0);
    ledger_pool_projects_free(v, n);
    ASSERT_EQ(ledger_pool_days(20190401, 20191001), 183);
}

static void run(void)
{
    struct ledger *l;

    l = open_ledger();
    if (l == NULL)
        return;
    first_session(l);
    check_rejects(l);
    /* 1700 (n1's chain after two corrections) + 300 (n2). */
    check_db(2000, 4, 5);
    ledger_free(l);

    l = open_ledger();
    if (l == NULL)
        return;
    check_db(2000, 4, 5);
    second_session(l);
    ledger_free(l);

    l = open_ledger();
    if (l == NULL)
        return;
    {
        sqlite3 *db = open_db();

        if (db != NULL) {
            ASSERT_EQ(sql_int(db, BALANCE), 2100);
            ASSERT_EQ(sql_int(db, "SELECT prev_amount FROM entry WHERE"
                                  " node = 'n1' AND seq = 9"),
                      1700);
            ASSERT_EQ(sql_int(db, "SELECT hwm FROM node WHERE id = 'n1'"), 9);
            sqlite3_close(db);
        }
    }
    cross_node_correction(l);
    project_pool(l);
    ledger_free(l);
}

int main(void)
{
    const char *src = getenv("LUYU_SOURCE_DIR");
    struct lu_plan *p = NULL;
    char path[4096], err[512];

    snprintf(path, sizeof(path), "%s/etc/plan-2018-2020.ini", src ? src : ".");
    ASSERT_EQ(lu_plan_load(path, &p, err, sizeof(err)), 0);
    if (p == NULL) {
        fprintf(stderr, "cannot load %s: %s\n", path, err);
        TEST_DONE();
    }
    plan = p;
    if (mkdtemp(dir) == NULL) {
        TEST_FAIL_AT("mkdtemp: %s", strerror(errno));
    } else {
        run();
        test_rm_dir(dir);
    }
    lu_plan_free(p);
    TEST_DONE();
}
