/* The project pool's rules: id form, which states are possible, and which
 * moves from one state to another are refused, with the reason a clerk
 * reads. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "plan.h"
#include "project.h"
#include "test.h"

static uint32_t dates[LU_PROJECT_STAGES];

/* A 储备 project of 1,000,000 yuan with 250,000 yuan of aid. */
static void base(Luyu__Project *p)
{
    luyu__project__init(p);
    memset(dates, 0, sizeof(dates));
    dates[0] = 20190301;
    p->id = "cq-wanzhou-2019-003";
    p->unit = "cq-wanzhou";
    p->name = "万州柑橘加工园";
    p->area = "industry";
    p->planned = 100000000;
    p->aid_planned = 25000000;
    p->stage = LUYU__STAGE__STAGE_RESERVE;
    p->stage_dates = dates;
    p->n_stage_dates = LU_PROJECT_STAGES;
}

static void test_ids(void)
{
    ASSERT_TRUE(lu_project_id_valid("cq-wanzhou-2019-003", "cq-wanzhou"));
    ASSERT_TRUE(lu_project_id_valid("cq-wanzhou-2020-123456", "cq-wanzhou"));
    ASSERT_TRUE(!lu_project_id_valid("cq-wanzhou-2019-03", "cq-wanzhou"));
    ASSERT_TRUE(!lu_project_id_valid("cq-wanzhou-1999-003", "cq-wanzhou"));
    ASSERT_TRUE(!lu_project_id_valid("cq-wuxi-2019-003", "cq-wanzhou"));
    ASSERT_TRUE(!lu_project_id_valid("cq-wanzhou-2019-003x", "cq-wanzhou"));
    ASSERT_TRUE(!lu_project_id_valid("cq-wanzhou2019-003", "cq-wanzhou"));
}

static void test_states(void)
{
    Luyu__Project p;
    char err[256] = "";

    base(&p);
    ASSERT_EQ(lu_project_check(&p, NULL, err, sizeof(err)), 0);
    p.invested = p.planned + 1;
    ASSERT_EQ(lu_project_check(&p, NULL, err, sizeof(err)), -EINVAL);
    ASSERT_CONTAINS(err, "above the plan");
    p.over_plan = 1;
    ASSERT_EQ(lu_project_check(&p, NULL, err, sizeof(err)), 0);
    base(&p);
    p.aid_planned = -1;
    ASSERT_EQ(lu_project_check(&p, NULL, err, sizeof(err)), -EINVAL);
    ASSERT_CONTAINS(err, "out of range");
    base(&p);
    p.stage = LUYU__STAGE__STAGE_SIGNED;
    ASSERT_EQ(lu_project_check(&p, NULL, err, sizeof(err)), -EINVAL);
    ASSERT_CONTAINS(err, "no date for 签约");
    dates[1] = 20190201;
    ASSERT_EQ(lu_project_check(&p, NULL, err, sizeof(err)), -EINVAL);
    ASSERT_CONTAINS(err, "签约 date goes backwards");
    dates[1] = 20190401;
    ASSERT_EQ(lu_project_check(&p, NULL, err, sizeof(err)), 0);
    p.stage = LUYU__STAGE__STAGE_DROPPED;
    dates[5] = 20190501;
    ASSERT_EQ(lu_project_check(&p, NULL, err, sizeof(err)), -EINVAL);
    ASSERT_CONTAINS(err, "needs a reason");
    p.drop_reason = "企业退出";
    ASSERT_EQ(lu_project_check(&p, NULL, err, sizeof(err)), 0);
    base(&p);
    p.name = "\xff";
    ASSERT_EQ(lu_project_check(&p, NULL, err, sizeof(err)), -EINVAL);
    ASSERT_CONTAINS(err, "UTF-8");
}

static void test_moves(void)
{
    Luyu__Project old, p;
    Luyu__ProjectEvent ev = LUYU__PROJECT_EVENT__INIT;
    uint32_t old_dates[LU_PROJECT_STAGES];
    char err[256] = "";

    base(&old);
    memcpy(old_dates, dates, sizeof(dates));
    old.stage_dates = old_dates;
    base(&p);
    ev.project = &p;
    ev.kind = LUYU__PROJECT_EVENT__KIND__CREATED;
    ASSERT_EQ(lu_project_check_move(NULL, &ev, NULL, err, sizeof(err)), 0);
    ASSERT_EQ(lu_project_check_move(&old, &ev, NULL, err, sizeof(err)),
              -EINVAL);
    ASSERT_CONTAINS(err, "exists already");
    ev.kind = LUYU__PROJECT_EVENT__KIND__STAGED;
    ASSERT_EQ(lu_project_check_move(NULL, &ev, NULL, err, sizeof(err)),
              -EINVAL);
    ASSERT_CONTAINS(err, "no project");
    p.stage = LUYU__STAGE__STAGE_SIGNED;
    dates[1] = 20190601;
    ASSERT_EQ(lu_project_check_move(&old, &ev, NULL, err, sizeof(err)), 0);
    /* An edit may not move the stage. */
    ev.kind = LUYU__PROJECT_EVENT__KIND__EDITED;
    ASSERT_EQ(lu_project_check_move(&old, &ev, NULL, err, sizeof(err)),
              -EINVAL);
    /* Backwards, and out of 运营. */
    ev.kind = LUYU__PROJECT_EVENT__KIND__STAGED;
    old.stage = LUYU__STAGE__STAGE_STARTED;
    old_dates[1] = 20190601;
    old_dates[2] = 20190701;
    ASSERT_EQ(lu_project_check_move(&old, &ev, NULL, err, sizeof(err)),
              -EINVAL);
    ASSERT_CONTAINS(err, "cannot go back from 开工 to 签约");
    old.stage = LUYU__STAGE__STAGE_OPERATING;
    p.stage = LUYU__STAGE__STAGE_DROPPED;
    p.drop_reason = "资金未到位";
    dates[5] = 20200101;
    ASSERT_EQ(lu_project_check_move(&old, &ev, NULL, err, sizeof(err)),
              -EINVAL);
    ASSERT_CONTAINS(err, "moves no further");
}

static void test_stage_names(void)
{
    ASSERT_EQ(lu_project_stage_parse("签约"), LUYU__STAGE__STAGE_SIGNED);
    ASSERT_EQ(lu_project_stage_parse("operating"),
              LUYU__STAGE__STAGE_OPERATING);
    ASSERT_EQ(lu_project_stage_parse("落地"), LUYU__STAGE__STAGE_STARTED);
    ASSERT_EQ(lu_project_stage_parse("x"), 0);
    ASSERT_STREQ(lu_project_stage_name(6), "终止");
}

/* A batch carrying a project event decodes; one whose project holds
 * broken UTF-8 is refused by the decoder with the place named. */
static void test_wire(void)
{
    Luyu__Project p;
    Luyu__ProjectEvent ev = LUYU__PROJECT_EVENT__INIT;
    Luyu__Entry e = LUYU__ENTRY__INIT, *ep = &e;
    Luyu__Batch b = LUYU__BATCH__INIT;
    Luyu__Frame f = LUYU__FRAME__INIT, *got;
    uint8_t buf[2048];
    size_t n;
    char err[256] = "";

    base(&p);
    ev.kind = LUYU__PROJECT_EVENT__KIND__CREATED;
    ev.project = &p;
    e.seq = 1;
    e.unit = "cq-wanzhou";
    e.period = 201903;
    e.project = &ev;
    b.entries = &ep;
    b.n_entries = 1;
    f.body_case = LUYU__FRAME__BODY_BATCH;
    f.batch = &b;
    n = luyu__frame__pack(&f, buf);
    got = lu_codec_decode(buf, n, err, sizeof(err));
    ASSERT_TRUE(got != NULL && got->batch->entries[0]->project != NULL);
    if (got != NULL)
        luyu__frame__free_unpacked(got, NULL);
    p.name = "\xc3";
    n = luyu__frame__pack(&f, buf);
    got = lu_codec_decode(buf, n, err, sizeof(err));
    ASSERT_TRUE(got == NULL);
    ASSERT_CONTAINS(err, "name is not valid UTF-8");
}

/* Against the shipped plan: known unit and task area, a partner from the
 * other province. */
static void test_plan_checks(void)
{
    const char *src = getenv("LUYU_SOURCE_DIR");
    struct lu_plan *plan = NULL;
    char path[4096], err[256] = "";
    Luyu__Project p;

    ASSERT_TRUE(src != NULL);
    if (src == NULL)
        return;
    snprintf(path, sizeof(path), "%s/etc/plan-2018-2020.ini", src);
    ASSERT_EQ(lu_plan_load(path, &plan, err, sizeof(err)), 0);
    if (plan == NULL)
        return;
    base(&p);
    p.partner = "sd-weifang";
    ASSERT_EQ(lu_project_check(&p, plan, err, sizeof(err)), 0);
    p.partner = "cq-wuxi";
    ASSERT_EQ(lu_project_check(&p, plan, err, sizeof(err)), -EINVAL);
    ASSERT_CONTAINS(err, "partner cq-wuxi is of province CQ");
    p.partner = "";
    p.area = "industries";
    ASSERT_EQ(lu_project_check(&p, plan, err, sizeof(err)), -EINVAL);
    ASSERT_CONTAINS(err, "unknown task area \"industries\"");
    lu_plan_free(plan);
}

int main(void)
{
    test_wire();
    test_plan_checks();
    test_ids();
    test_states();
    test_moves();
    test_stage_names();
    TEST_DONE();
}
