/* Tests for the assessment (考核): the scoring rules of common/assess.c on
 * fixed numbers with scores worked out by hand, the plan's assess keys
 * and their errors, and ledger/assess.c on a small ledger of two districts
 * whose totals and ranks are known. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assess.h"
#include "scores.h"
#include "ledger.h"
#include "plan.h"
#include "test.h"

static char dir[] = "/tmp/luyu-test-assess-XXXXXX";

static int64_t score(enum lu_assess_kind kind, int weight, int cap,
                     int64_t actual, int64_t goal, int64_t prev)
{
    struct lu_assess_rule r = {kind, weight, 0, cap};
    struct lu_assess_line l = {actual, goal, prev, -1};

    lu_assess_score(&r, &l);
    return l.points;
}

static void rules(void)
{
    /* share: weight x min(actual, goal x cap%) / goal, in hundredths */
    ASSERT_EQ(score(LU_ASSESS_SHARE, 15, 100, 500, 1000, -1), 750);
    ASSERT_EQ(score(LU_ASSESS_SHARE, 15, 100, 1500, 1000, -1), 1500);
    ASSERT_EQ(score(LU_ASSESS_SHARE, 15, 120, 1500, 1000, -1), 1800);
    ASSERT_EQ(score(LU_ASSESS_SHARE, 15, 120, 1100, 1000, -1), 1650);
    ASSERT_EQ(score(LU_ASSESS_SHARE, 10, 100, 1, 3, -1), 333);
    ASSERT_EQ(score(LU_ASSESS_SHARE, 10, 100, 0, 1000, -1), 0);
    ASSERT_EQ(score(LU_ASSESS_SHARE, 10, 100, -50, 1000, -1), 0);
    ASSERT_EQ(score(LU_ASSESS_SHARE, 10, 100, 50, 0, -1), 0);
    /* 3,000万元 in fen against 1.5亿元: no overflow */
    ASSERT_EQ(score(LU_ASSESS_SHARE, 100, 200, 3000000000LL, 15000000000LL, -1),
              2000);
    /* growth: all or nothing against the same months a year before */
    ASSERT_EQ(score(LU_ASSESS_GROWTH, 10, 100, 11, 0, 10), 1000);
    ASSERT_EQ(score(LU_ASSESS_GROWTH, 10, 100, 10, 0, 10), 0);
    ASSERT_EQ(score(LU_ASSESS_GROWTH, 10, 100, 1, 0, -1), 1000);
    ASSERT_EQ(score(LU_ASSESS_GROWTH, 10, 100, 0, 0, -1), 0);
    /* each: reach the goal or nothing */
    ASSERT_EQ(score(LU_ASSESS_EACH, 5, 100, 0, 1, -1), 0);
    ASSERT_EQ(score(LU_ASSESS_EACH, 5, 100, 2, 1, -1), 500);
    /* pace: ceil(goal x months / months of the year) */
    ASSERT_EQ(lu_assess_pace(1000, 7, 12), 584);
    ASSERT_EQ(lu_assess_pace(1000, 12, 12), 1000);
    ASSERT_EQ(lu_assess_pace(1000, 0, 12), 0);
    ASSERT_EQ(lu_assess_kind_parse("share"), LU_ASSESS_SHARE);
    ASSERT_EQ(lu_assess_kind_parse("most"), -1);
}

#define PLAN_HEAD                                                              \
    "[plan]\nname = t\nstart = 2018-01\nend = 2019-12\n"                       \
    "[province CQ]\nname = 重庆市\n"                                        \
    "[unit cq-a]\nname = 甲区\nprovince = CQ\nkind = district\n"             \
    "[unit cq-b]\nname = 乙县\nprovince = CQ\nkind = district\n"             \
    "[unit cq-dept]\nname = 市某委\nprovince = CQ\nkind = department\n"     \
    "[area labour]\nname = 劳务协作\n"

static const char PLAN[] = PLAN_HEAD
    "[indicator trained]\nname = 培训\nunit = persons\narea = labour\n"
    "target_kind = yearly_min\ntarget = 200\nassess = share\n"
    "assess_weight = 60\n"
    "[indicator firms]\nname = 企业\nunit = count\narea = labour\n"
    "target_kind = growth\nassess = growth\nassess_weight = 40\n"
    "[indicator other]\nname = 其他\nunit = count\narea = labour\n"
    "target_kind = none\n";

static void plan_keys(void)
{
    static const struct {
        const char *tail, *want;
    } bad[] = {
        {"assess = most\nassess_weight = 1\n", "unknown rule"},
        {"assess = share\n", "needs \"assess_weight\""},
        {"assess_weight = 5\n", "needs \"assess\""},
        {"assess = share\nassess_weight = 101\n", "1..100"},
        {"assess = share\nassess_weight = 5\nassess_cap = 90\n", "100..200"},
        {"assess = share\nassess_weight = 5\n", "needs \"assess_goal\""},
        {"assess = each\nassess_weight = 5\nassess_goal = -1\n", "assess_goal"},
    };
    struct lu_plan *p = NULL;
    char err[512], buf[2048];

    ASSERT_EQ(
        lu_plan_load_buf("t.ini", PLAN, strlen(PLAN), &p, err, sizeof(err)), 0);
    if (p != NULL) {
        ASSERT_EQ(p->indicators[0].assess.kind, LU_ASSESS_SHARE);
        ASSERT_EQ(p->indicators[0].assess.cap, 100);
        ASSERT_EQ(p->indicators[2].assess.kind, LU_ASSESS_NONE);
        lu_plan_free(p);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(buf, sizeof(buf),
                 PLAN_HEAD "[indicator x]\nname = x\nunit = count\n"
                           "area = labour\ntarget_kind = none\n%s",
                 bad[i].tail);
        err[0] = '\0';
        ASSERT_EQ(
            lu_plan_load_buf("t.ini", buf, strlen(buf), &p, err, sizeof(err)),
            -EINVAL);
        ASSERT_CONTAINS(err, bad[i].want);
    }
}

static void merge(struct ledger *l, const char *node, uint64_t seq,
                  const char *unit, const char *ind, uint32_t period,
                  int64_t amount)
{
    Luyu__Entry e = LUYU__ENTRY__INIT;
    char why[256] = "";

    e.seq = seq;
    e.unit = (char *)unit;
    e.indicator = (char *)ind;
    e.period = period;
    e.amount = amount;
    e.recorded_by = "t";
    e.recorded_at = 1;
    ASSERT_EQ(ledger_merge(l, node, &e, why, sizeof(why)), 0);
}

/* 甲区 trains 100 (its goal: 200 / 2 districts) and has 5 firms after 3:
 * 60.00 + 40.00; 乙县 trains 50 (30.00) and stays at 2 firms (0). In July
 * the goal is paced: ceil(100 x 7 / 12) = 59, so 甲区's 70 by then is
 * capped at 60.00 and 乙县's 50 scores 60 x 50 / 59 = 50.84. */
static void scores_from_ledger(void)
{
    struct lu_plan *p = NULL;
    struct ledger *l = NULL;
    struct ledger_scores *a = NULL;
    char err[512] = "";

    ASSERT_EQ(
        lu_plan_load_buf("t.ini", PLAN, strlen(PLAN), &p, err, sizeof(err)), 0);
    ASSERT_TRUE(mkdtemp(dir) != NULL);
    ASSERT_EQ(ledger_open(dir, p, "CQ", &l, err, sizeof(err)), 0);
    if (p == NULL || l == NULL)
        return;
    ASSERT_EQ(ledger_begin(l), 0);
    merge(l, "na", 1, "cq-a", "trained", 201903, 70);
    merge(l, "na", 2, "cq-a", "trained", 201911, 30);
    merge(l, "na", 3, "cq-a", "firms", 201803, 3);
    merge(l, "na", 4, "cq-a", "firms", 201905, 5);
    merge(l, "nb", 1, "cq-b", "trained", 201906, 50);
    merge(l, "nb", 2, "cq-b", "firms", 201802, 2);
    merge(l, "nb", 3, "cq-b", "firms", 201902, 2);
    merge(l, "nb", 4, "cq-dept", "trained", 201902, 900);
    ASSERT_EQ(ledger_commit(l), 0);

    ASSERT_EQ(ledger_scores(ledger_sql_handle(l), p, "CQ", 2019, 201912, &a,
                            err, sizeof(err)),
              0);
    if (a != NULL) {
        ASSERT_EQ(a->n_units, 2); /* departments are not assessed */
        ASSERT_STREQ(a->units[0].unit->code, "cq-a");
        ASSERT_EQ(a->units[0].points, 10000);
        ASSERT_EQ(a->units[0].lines[0].goal, 100);
        ASSERT_EQ(a->units[0].lines[1].prev, 3);
        ASSERT_EQ(a->units[1].points, 3000);
        ASSERT_EQ(a->units[1].rank, 2);
    }
    ledger_scores_free(a);
    ASSERT_EQ(ledger_scores(ledger_sql_handle(l), p, "CQ", 2019, 201907, &a,
                            err, sizeof(err)),
              0);
    if (a != NULL) {
        ASSERT_EQ(a->units[0].lines[0].goal, 59);
        ASSERT_EQ(a->units[0].lines[0].points, 6000);
        ASSERT_STREQ(a->units[1].unit->code, "cq-b");
        ASSERT_EQ(a->units[1].lines[0].points, 5084);
    }
    ledger_scores_free(a);
    /* To date: the mean of 2018 (甲区 and 乙县 both 0 trained, firms with
     * no year before: 40.00 each) and 2019. */
    ASSERT_EQ(ledger_scores(ledger_sql_handle(l), p, "CQ", 0, 201912, &a, err,
                            sizeof(err)),
              0);
    if (a != NULL) {
        ASSERT_EQ(a->years, 2);
        ASSERT_EQ(a->units[0].points, (10000 + 4000) / 2);
        ASSERT_EQ(a->units[1].points, (3000 + 4000) / 2);
    }
    ledger_scores_free(a);
    ASSERT_EQ(ledger_scores(ledger_sql_handle(l), p, "CQ", 2021, 201912, &a,
                            err, sizeof(err)),
              -EINVAL);
    ASSERT_CONTAINS(err, "outside the plan");
    ledger_free(l);
    lu_plan_free(p);
}

int main(void)
{
    char cmd[128];

    rules();
    plan_keys();
    scores_from_ledger();
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return test_failures ? 1 : 0;
}
