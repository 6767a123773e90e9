/* Tests for common/plan.c: the shipped plan loads and says what the plan
 * text says, and broken plans are refused with "file:line: reason". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "test.h"
#include "util.h"

/* A valid plan in 18 lines; cases append sections from line 19 on. */
#define BASE                                                                   \
    "[plan]\n"                                                                 \
    "name = t\n"                                                               \
    "start = 2018-01\n"                                                        \
    "end = 2020-12\n"                                                          \
    "[province CQ]\n"                                                          \
    "name = 重庆市\n"                                                       \
    "[province SD]\n"                                                          \
    "name = 山东省\n"                                                       \
    "[unit cq-a]\n"                                                            \
    "name = A\n"                                                               \
    "province = CQ\n"                                                          \
    "kind = district\n"                                                        \
    "[unit sd-b]\n"                                                            \
    "name = B\n"                                                               \
    "province = SD\n"                                                          \
    "kind = city\n"                                                            \
    "[area ind]\n"                                                             \
    "name = 产业合作\n"

/* One indicator, lines 19-23, so that BASE IND is a complete plan. */
#define IND                                                                    \
    "[indicator x]\n"                                                          \
    "name = X\n"                                                               \
    "unit = yuan\n"                                                            \
    "area = ind\n"                                                             \
    "target_kind = none\n"

static int load(const char *text, struct lu_plan **plan, char *err,
                size_t errlen)
{
    err[0] = '\0';
    return lu_plan_load_buf("t", text, strlen(text), plan, err, errlen);
}

static void expect_ok(const char *text)
{
    struct lu_plan *plan = NULL;
    char err[1024];
    int r = load(text, &plan, err, sizeof(err));

    ASSERT_EQ(r, 0);
    if (r < 0)
        fprintf(stderr, "unexpected error: %s\n", err);
    ASSERT_TRUE(plan != NULL);
    lu_plan_free(plan);
}

/* The plan must be refused, with a message that starts with where and
 * contains why. */
#define EXPECT_BAD(text, where, why)                                           \
    do {                                                                       \
        struct lu_plan *plan_ = (struct lu_plan *)1;                           \
        char err_[1024];                                                       \
        int r_ = load((text), &plan_, err_, sizeof(err_));                     \
                                                                               \
        ASSERT_EQ(r_ < 0, 1);                                                  \
        ASSERT_TRUE(plan_ == NULL);                                            \
        ASSERT_EQ(strncmp(err_, (where), strlen(where)), 0);                   \
        if (strncmp(err_, (where), strlen(where)) != 0)                        \
            fprintf(stderr, "  got \"%s\", wanted prefix \"%s\"\n", err_,      \
                    (where));                                                  \
        ASSERT_CONTAINS(err_, (why));                                          \
    } while (0)

static void test_good_minimal(void)
{
    struct lu_plan *plan = NULL;
    const struct lu_plan_indicator *ind;
    char err[1024];

    expect_ok(BASE IND);
    /* Sections in any order, references forward, quoted and empty values. */
    expect_ok("[indicator x]\nname = \"  X  \"\nunit = count\narea = ind\n"
              "target_kind = period_min\ntarget = 7\nnote =\n"
              "[area ind]\nname = A\n"
              "[unit cq-a]\nname = A\nprovince = CQ\nkind = district\n"
              "pair =\n"
              "[province CQ]\nname = 重庆市\n"
              "[plan]\nname = t\nstart = 201801\nend = 2018-01\n");

    ASSERT_EQ(load(BASE IND "[indicator y]\nname = Y\nunit = yuan\n"
                            "area = ind\ntarget_kind = ratio\n"
                            "ratio_of = x\ntarget = 1\nper = 3\n",
                   &plan, err, sizeof(err)),
              0);
    ind = lu_plan_indicator(plan, "y");
    ASSERT_TRUE(ind != NULL);
    if (ind != NULL) {
        /* A ratio's terms are plain numbers, not yuan. */
        ASSERT_EQ(ind->target, 1);
        ASSERT_EQ(ind->per, 3);
        ASSERT_STREQ(ind->ratio_of, "x");
        ASSERT_EQ(ind->target_kind, LU_TARGET_RATIO);
    }
    ind = lu_plan_indicator(plan, "x");
    ASSERT_TRUE(ind != NULL && ind->note == NULL && ind->target == 0);
    ASSERT_TRUE(lu_plan_unit(plan, "cq-a") != NULL);
    ASSERT_TRUE(lu_plan_unit(plan, "cq-a")->pair == NULL);
    ASSERT_TRUE(lu_plan_unit(plan, "cq-z") == NULL);
    ASSERT_TRUE(lu_plan_unit(plan, NULL) == NULL);
    ASSERT_TRUE(lu_plan_area(plan, "ind") != NULL);
    ASSERT_TRUE(lu_plan_area(plan, "x") == NULL);
    ASSERT_TRUE(lu_plan_province(plan, "SD") != NULL);
    ASSERT_TRUE(lu_plan_province(plan, "sd") == NULL);
    lu_plan_free(plan);
    lu_plan_free(NULL);
}

static void test_bad_references(void)
{
    EXPECT_BAD(BASE "[indicator x]\nname = X\nunit = yuan\narea = nope\n"
                    "target_kind = none\n",
               "t:22: ", "unknown area \"nope\"");
    EXPECT_BAD(BASE IND "[unit cq-c]\nname = C\nprovince = XX\n"
                        "kind = district\n",
               "t:26: ", "unit \"cq-c\": unknown province \"XX\"");
    EXPECT_BAD(BASE IND "[unit cq-c]\nname = C\nprovince = CQ\n"
                        "kind = district\npair = sd-zz\n",
               "t:28: ", "unknown pair \"sd-zz\"");
    EXPECT_BAD(BASE IND "[unit cq-c]\nname = C\nprovince = CQ\n"
                        "kind = district\npair = cq-a\n",
               "t:28: ", "is in the same province CQ");
    EXPECT_BAD(BASE IND "[unit cq-c]\nname = C\nprovince = CQ\n"
                        "kind = district\npair = cq-c\n",
               "t:28: ", "cannot be paired with itself");
    EXPECT_BAD(BASE IND "[indicator y]\nname = Y\nunit = yuan\narea = ind\n"
                        "target_kind = ratio\ntarget = 1\nper = 3\n"
                        "ratio_of = nope\n",
               "t:31: ", "unknown ratio_of \"nope\"");
    EXPECT_BAD(BASE IND "[indicator y]\nname = Y\nunit = yuan\narea = ind\n"
                        "target_kind = ratio\ntarget = 1\nper = 3\n"
                        "ratio_of = y\n",
               "t:31: ", "cannot be a ratio of itself");
}

static void test_bad_structure(void)
{
    EXPECT_BAD(BASE IND "[unit cq-c]\nname = C\nprovince = CQ\n",
               "t:24: ", "unit \"cq-c\" has no \"kind\"");
    EXPECT_BAD(BASE IND "[unit cq-a]\nname = A2\nprovince = CQ\n"
                        "kind = district\n",
               "t:24: ", "duplicate unit \"cq-a\" (first on line 9)");
    EXPECT_BAD(BASE IND "[unit cq-c]\ncolour = red\n",
               "t:25: ", "unknown key \"colour\" in [unit]");
    EXPECT_BAD(BASE IND "[widget w]\nname = W\n",
               "t:24: ", "unknown section [widget w]");
    EXPECT_BAD(BASE IND "[unit CQ-Bad]\nname = C\n",
               "t:24: ", "invalid unit code \"CQ-Bad\"");
    EXPECT_BAD(BASE IND "[province cq]\nname = C\n",
               "t:24: ", "invalid province code \"cq\"");
    EXPECT_BAD(BASE IND "[unit]\nname = C\n", "t:24: ", "needs a code");
    EXPECT_BAD(BASE IND "[area a2]\nname =\n",
               "t:25: ", "name must not be empty");
    EXPECT_BAD(BASE IND "[area a2]\nname = A\nname = B\n",
               "t:26: ", "duplicate key \"name\" (first on line 25)");
    EXPECT_BAD("name = x\n" BASE IND, "t:1: ", "before any section");
    EXPECT_BAD(BASE IND "[plan]\n",
               "t:24: ", "second [plan] section (first on line 1)");
    /* Found only at the end: named at the last line. */
    EXPECT_BAD("[province CQ]\nname = C\n", "t:2: ", "no [plan] section");
    EXPECT_BAD(BASE, "t:18: ", "the plan defines no indicators");
    EXPECT_BAD("", "t:1: ", "no [plan] section");
    EXPECT_BAD("[plan]\nname = t\nstart = 2018-01\n" IND,
               "t:1: ", "[plan] has no \"end\"");
}

static void test_bad_values(void)
{
    EXPECT_BAD("[plan]\nname = t\nstart = 2021-01\nend = 2020-12\n"
               "[province CQ]\nname = C\n[unit a]\nname = A\nprovince = CQ\n"
               "kind = district\n" IND "[area ind]\nname = A\n",
               "t:4: ", "end 2020-12 is before start 2021-01");
    EXPECT_BAD("[plan]\nname = t\nstart = 2018-13\n",
               "t:3: ", "month must be 01..12");
    EXPECT_BAD(BASE IND "[indicator y]\nname = Y\nunit = count\n"
                        "area = ind\ntarget_kind = most\n",
               "t:28: ", "unknown kind \"most\"");
    EXPECT_BAD(BASE IND "[indicator y]\nname = Y\nunit = dollars\n",
               "t:26: ", "unknown base unit \"dollars\"");
    EXPECT_BAD(BASE IND "[indicator y]\nname = Y\nunit = count\n"
                        "area = ind\ntarget_kind = growth\ntarget = 5\n",
               "t:29: ", "\"target\" does not apply to target_kind growth");
    EXPECT_BAD(BASE IND "[indicator y]\nname = Y\nunit = count\n"
                        "area = ind\ntarget_kind = coverage\ntarget = 1\n",
               "t:24: ", "target_kind coverage needs \"scope\"");
    EXPECT_BAD(BASE IND "[indicator y]\nname = Y\nunit = count\n"
                        "area = ind\ntarget_kind = level\n",
               "t:24: ", "target_kind level needs \"target\"");
    EXPECT_BAD(BASE IND "[indicator y]\nname = Y\nunit = yuan\n"
                        "area = ind\ntarget_kind = yearly_min\n"
                        "target = 1,000\n",
               "t:29: ", "commas are not allowed");
    EXPECT_BAD(BASE IND "[indicator y]\nname = Y\nunit = persons\n"
                        "area = ind\ntarget_kind = yearly_min\n"
                        "target = 1.5\n",
               "t:29: ", "whole numbers only");
    EXPECT_BAD(BASE IND "[indicator y]\nname = Y\nunit = persons\n"
                        "area = ind\ntarget_kind = yearly_min\n"
                        "target = 0\n",
               "t:29: ", "target must be above 0");
    EXPECT_BAD(BASE IND "[indicator y]\nname = Y\nunit = yuan\n"
                        "area = ind\ntarget_kind = ratio\nratio_of = x\n"
                        "target = 1\nper = 0\n",
               "t:31: ", "per: \"0\" is not a whole number");
    EXPECT_BAD(BASE IND "[unit cq-c]\nkind = District\n",
               "t:25: ", "kind: \"District\" is not a code");
    EXPECT_BAD(BASE IND "[unit cq-c]\npair = SD-B\n",
               "t:25: ", "pair: invalid unit code \"SD-B\"");
    /* A derived indicator names where its figures come from; one source
     * exists so far. */
    EXPECT_BAD(BASE IND "source = pool.invested\n",
               "t:24: ", "unknown source \"pool.invested\"");
    expect_ok(BASE IND "source = pool.planned\n");
}

/* The limits hold before the whole file is read, naming the first section
 * past the limit. */
static void test_limits(void)
{
    struct lu_buf b;
    char where[32];

    lu_buf_init(&b);
    lu_buf_adds(&b, BASE IND);
    for (int i = 0; i < 10000; i++)
        lu_buf_printf(&b, "[unit u%d]\n", i);
    /* BASE IND is 23 lines; units 0..9998 fill lines 24..10022 and take the
     * count to 10,000 with cq-a and sd-b. */
    snprintf(where, sizeof(where), "t:%d: ", 24 + 9998);
    EXPECT_BAD(b.data, where, "more than 10000 units");
    lu_buf_free(&b);

    lu_buf_init(&b);
    lu_buf_adds(&b, BASE IND);
    for (int i = 0; i < 1000; i++)
        lu_buf_printf(&b, "[indicator i%d]\n", i);
    snprintf(where, sizeof(where), "t:%d: ", 24 + 999);
    EXPECT_BAD(b.data, where, "more than 1000 indicators");
    lu_buf_free(&b);
}

static void test_load_file(void)
{
    struct lu_plan *plan = (struct lu_plan *)1;
    char err[1024] = "";
    int r;

    r = lu_plan_load("/nonexistent/plan.ini", &plan, err, sizeof(err));
    ASSERT_EQ(r, -ENOENT);
    ASSERT_TRUE(plan == NULL);
    ASSERT_CONTAINS(err, "/nonexistent/plan.ini: cannot read");

    setenv("LUYU_PLAN", "/some/where.ini", 1);
    ASSERT_STREQ(lu_plan_default_path(), "/some/where.ini");
    unsetenv("LUYU_PLAN");
    ASSERT_TRUE(strstr(lu_plan_default_path(), "plan-2018-2020.ini") != NULL);

    ASSERT_STREQ(lu_target_kind_name(LU_TARGET_COVERAGE), "coverage");
    ASSERT_STREQ(lu_target_kind_name(LU_TARGET_NONE), "none");
}

struct want_indicator {
    const char *code;
    const char *name;
    const char *base_unit;
    int scale;
    const char *area;
    enum lu_target_kind kind;
    int64_t target; /* stored units: fen for money */
};

/* docs/DESIGN.md section 1, indicator by indicator. */
static const struct want_indicator want[] = {
    {"agri_sales_to_sd", "农副产品销售至山东交易额", "yuan", 100, "consumption",
     LU_TARGET_YEARLY_MIN, INT64_C(3000000000)},
    {"poor_trained", "建档立卡贫困人口培训", "persons", 1, "labour",
     LU_TARGET_PERIOD_MIN, 1000},
    {"poor_moved_to_sd", "转移到山东就业的建档立卡贫困人口", "persons", 1,
     "labour", LU_TARGET_PERIOD_MIN, 1000},
    {"poor_income_lifted", "带动达到脱贫标准收入水平", "persons", 1, "labour",
     LU_TARGET_PERIOD_MIN, 3000},
    {"cadres_to_sd", "赴山东挂职党政干部", "persons", 1, "talent",
     LU_TARGET_YEARLY_MIN, 38},
    {"sd_firms", "山东投资企业数", "count", 1, "industry", LU_TARGET_GROWTH, 0},
    {"sd_investment", "山东企业实际投资额", "yuan", 100, "industry",
     LU_TARGET_GROWTH, 0},
    {"sd_firm_poor_jobs", "山东企业吸纳贫困人口就业数", "persons", 1,
     "industry", LU_TARGET_GROWTH, 0},
    {"social_aid_funds", "社会帮扶资金", "yuan", 100, "social",
     LU_TARGET_GROWTH, 0},
    {"project_pool_total", "滚动项目库投资总额", "yuan", 100, "funds",
     LU_TARGET_LEVEL, INT64_C(150000000000)},
    {"sd_fiscal_aid", "山东财政帮扶资金", "yuan", 100, "funds", LU_TARGET_RATIO,
     1},
    {"poverty_workshops", "就业扶贫车间", "count", 1, "labour",
     LU_TARGET_COVERAGE, 1},
    {"aided_district_hospitals", "援建区县级医院", "count", 1, "edu_health",
     LU_TARGET_COVERAGE, 1},
    {"aided_township_clinics", "援建乡镇卫生院", "count", 1, "edu_health",
     LU_TARGET_COVERAGE, 2},
    {"leader_visits", "主要负责同志赴结对市县", "count", 1, "xiaokang",
     LU_TARGET_COVERAGE, 1},
    {"joint_meetings", "联席会议", "count", 1, "xiaokang", LU_TARGET_COVERAGE,
     1},
    {"poor_lifted", "脱贫人口", "persons", 1, "goals", LU_TARGET_LEVEL, 255000},
    {"districts_delisted", "脱贫摘帽区县", "count", 1, "goals", LU_TARGET_LEVEL,
     14},
};

static const char *const districts[][2] = {
    {"cq-wanzhou", "万州区"},  {"cq-qianjiang", "黔江区"},
    {"cq-kaizhou", "开州区"},  {"cq-wulong", "武隆区"},
    {"cq-chengkou", "城口县"}, {"cq-fengdu", "丰都县"},
    {"cq-yunyang", "云阳县"},  {"cq-fengjie", "奉节县"},
    {"cq-wushan", "巫山县"},   {"cq-wuxi", "巫溪县"},
    {"cq-shizhu", "石柱县"},   {"cq-xiushan", "秀山县"},
    {"cq-youyang", "酉阳县"},  {"cq-pengshui", "彭水县"},
};

static const char *const areas[][2] = {
    {"industry", "产业合作"},       {"labour", "劳务协作"},
    {"talent", "人才交流"},         {"consumption", "消费扶贫"},
    {"edu_health", "教育卫生"},     {"funds", "项目资金管理"},
    {"social", "社会帮扶"},         {"xiaokang", "携手奔小康"},
    {"new_fields", "拓展合作领域"}, {"coordination", "协调机制"},
    {"supervision", "督查考核"},
};

static void check_shipped_units(const struct lu_plan *plan)
{
    size_t n_district = 0, n_city = 0;

    for (size_t i = 0; i < sizeof(districts) / sizeof(districts[0]); i++) {
        const struct lu_plan_unit *u = lu_plan_unit(plan, districts[i][0]);

        ASSERT_TRUE(u != NULL);
        if (u == NULL)
            continue;
        ASSERT_STREQ(u->name, districts[i][1]);
        ASSERT_STREQ(u->province, "CQ");
        ASSERT_STREQ(u->kind, "district");
    }
    for (size_t i = 0; i < plan->n_units; i++) {
        const struct lu_plan_unit *u = &plan->units[i];

        n_district += strcmp(u->kind, "district") == 0;
        n_city += strcmp(u->kind, "city") == 0;
        if (strcmp(u->kind, "city") == 0)
            ASSERT_STREQ(u->province, "SD");
        /* Every pair found must lead back across the provinces. */
        if (u->pair != NULL)
            ASSERT_TRUE(strcmp(lu_plan_unit(plan, u->pair)->province,
                               u->province) != 0);
    }
    ASSERT_EQ(n_district, 14);
    ASSERT_EQ(n_city, 14);
    ASSERT_STREQ(lu_plan_unit(plan, "cq-fgw")->name, "市发展改革委");
    ASSERT_STREQ(lu_plan_unit(plan, "cq-fpb")->name, "市扶贫办");
    ASSERT_STREQ(lu_plan_unit(plan, "sd-jinan")->name, "济南市");
    ASSERT_STREQ(lu_plan_unit(plan, "cq-wulong")->pair, "sd-jinan");
    ASSERT_TRUE(lu_plan_unit(plan, "cq-wanzhou")->pair == NULL);
}

static void check_shipped_indicators(const struct lu_plan *plan)
{
    const struct lu_plan_indicator *ind;

    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        ind = lu_plan_indicator(plan, want[i].code);
        ASSERT_TRUE(ind != NULL);
        if (ind == NULL) {
            fprintf(stderr, "  missing indicator %s\n", want[i].code);
            continue;
        }
        ASSERT_STREQ(ind->name, want[i].name);
        ASSERT_STREQ(ind->base_unit, want[i].base_unit);
        ASSERT_EQ(ind->scale, want[i].scale);
        ASSERT_STREQ(ind->area, want[i].area);
        ASSERT_EQ(ind->target_kind, want[i].kind);
        ASSERT_EQ(ind->target, want[i].target);
        ASSERT_TRUE(ind->note != NULL);
    }
    ind = lu_plan_indicator(plan, "sd_fiscal_aid");
    if (ind != NULL) {
        ASSERT_STREQ(ind->ratio_of, "project_pool_total");
        ASSERT_EQ(ind->per, 3);
    }
    ind = lu_plan_indicator(plan, "joint_meetings");
    if (ind != NULL)
        ASSERT_STREQ(ind->scope, "district");
    ASSERT_EQ(plan->n_indicators, sizeof(want) / sizeof(want[0]));
}

static void test_shipped_plan(void)
{
    const char *src = getenv("LUYU_SOURCE_DIR");
    struct lu_plan *plan = NULL;
    char path[4096], err[1024] = "";
    int r;

    ASSERT_TRUE(src != NULL);
    if (src == NULL)
        return;
    snprintf(path, sizeof(path), "%s/etc/plan-2018-2020.ini", src);
    r = lu_plan_load(path, &plan, err, sizeof(err));
    ASSERT_EQ(r, 0);
    if (r < 0) {
        fprintf(stderr, "  %s\n", err);
        return;
    }
    ASSERT_EQ(plan->start, 201801);
    ASSERT_EQ(plan->end, 202012);
    ASSERT_EQ(plan->n_provinces, 2);
    ASSERT_STREQ(lu_plan_province(plan, "CQ")->name, "重庆市");
    ASSERT_STREQ(lu_plan_province(plan, "SD")->name, "山东省");
    for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++) {
        const struct lu_plan_area *a = lu_plan_area(plan, areas[i][0]);

        ASSERT_TRUE(a != NULL);
        if (a != NULL)
            ASSERT_STREQ(a->name, areas[i][1]);
    }
    check_shipped_units(plan);
    check_shipped_indicators(plan);
    /* The pool's total is derived from the project pool, nothing else. */
    for (size_t i = 0; i < plan->n_indicators; i++)
        ASSERT_EQ(plan->indicators[i].source != NULL,
                  strcmp(plan->indicators[i].code, "project_pool_total") == 0);
    lu_plan_free(plan);
}

int main(void)
{
    test_good_minimal();
    test_bad_references();
    test_bad_structure();
    test_bad_values();
    test_limits();
    test_load_file();
    test_shipped_plan();
    TEST_DONE();
}
