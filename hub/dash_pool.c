/* The dashboard's 项目库 page: the project pool as the month's draft
 * bulletin sums it (ledger/bulletin_pool.h): the pool against the plan's
 * 15亿元 and 1∶3 of Shandong aid, stages, the month's movements, each
 * district's projects, and the projects stuck in a stage (ledger/pool.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulletin.h"
#include "dash_int.h"
#include "html.h"
#include "i18n.h"
#include "money.h"
#include "plan.h"
#include "pool.h"
#include "project.h"
#include "web.h"

static void cards(struct lu_buf *b, const Luyu__ProjectPool *pp)
{
    char t1[LU_MONEY_LEN], t2[LU_MONEY_LEN], t3[LU_MONEY_LEN], t4[LU_MONEY_LEN];

    lu_buf_printf(
        b,
        "<div class=\"cards\"><div class=\"card\">%s<div class=\"big\" "
        "id=\"p-planned\">%s</div>%s %s · %lld.%lld%%</div>"
        "<div class=\"card\">%s<div class=\"big\" id=\"p-ratio\">1∶%lld.%02lld"
        "</div>%s %s</div><div class=\"card\">%s<div class=\"big\" "
        "id=\"p-invested\">%s</div></div><div class=\"card\">%s<div "
        "class=\"big missing\" id=\"p-stuck\">%llu</div></div></div>",
        _("Pool's planned investment"),
        lu_money_yuan(pp->planned, t1, sizeof(t1)), _("Target"),
        lu_money_yuan(pp->target, t2, sizeof(t2)),
        (long long)(pp->progress_permille / 10),
        (long long)(pp->progress_permille % 10),
        _("Shandong aid to pool (the plan asks 1:3)"),
        (long long)(pp->ratio_permille / 1000),
        (long long)(pp->ratio_permille % 1000 / 10), _("Shandong aid planned"),
        lu_money_yuan(pp->aid_planned, t3, sizeof(t3)), _("Invested so far"),
        lu_money_yuan(pp->invested, t4, sizeof(t4)), _("Stuck projects"),
        (unsigned long long)pp->stuck);
}

static void stages(struct lu_buf *b, const Luyu__ProjectPool *pp)
{
    char t[LU_MONEY_LEN];

    lu_buf_printf(b,
                  "<h2>%s</h2><div class=\"wrap\"><table id=\"stages\"><tr>"
                  "<th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
                  "<th class=\"n\">%s</th></tr>",
                  _("By stage"), _("Stage"), _("Projects"),
                  _("Planned investment"), _("Reached this month"));
    for (size_t i = 0; i < pp->n_stages; i++) {
        const Luyu__PoolStage *s = pp->stages[i];
        int k = lu_project_stage_parse(s->stage);

        lu_buf_adds(b, "<tr><td>");
        lu_html_esc(b, k > 0 ? lu_project_stage_name(k) : s->stage);
        lu_buf_printf(b, "</td><td class=\"n\">%llu</td><td class=\"n\">",
                      (unsigned long long)s->projects);
        lu_html_esc(b, lu_money_yuan(s->planned, t, sizeof(t)));
        lu_buf_printf(b, "</td><td class=\"n\">%llu</td></tr>",
                      (unsigned long long)s->reached_in_month);
    }
    lu_buf_adds(b, "</table></div>");
}

static void units(struct lu_buf *b, const Luyu__ProjectPool *pp)
{
    char t1[LU_MONEY_LEN], t2[LU_MONEY_LEN], t3[LU_MONEY_LEN];

    lu_buf_printf(b,
                  "<h2>%s</h2><div class=\"wrap\"><table id=\"pool-units\">"
                  "<tr><th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s"
                  "</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
                  "<th class=\"n\">%s</th></tr>",
                  _("By district"), _("Unit"), _("Projects"),
                  _("Planned investment"), _("Shandong aid planned"),
                  _("Invested so far"), _("Stuck projects"));
    for (size_t i = 0; i < pp->n_units; i++) {
        const Luyu__PoolUnit *u = pp->units[i];

        lu_buf_adds(b, "<tr data-unit=\"");
        lu_html_esc(b, u->unit);
        lu_buf_adds(b, "\"><td>");
        lu_html_esc(b, u->name);
        lu_buf_printf(b, "</td><td class=\"n\">%llu</td><td class=\"n\">",
                      (unsigned long long)u->projects);
        lu_html_esc(b, lu_money_yuan(u->planned, t1, sizeof(t1)));
        lu_buf_adds(b, "</td><td class=\"n\">");
        lu_html_esc(b, lu_money_yuan(u->aid_planned, t2, sizeof(t2)));
        lu_buf_adds(b, "</td><td class=\"n\">");
        lu_html_esc(b, lu_money_yuan(u->invested, t3, sizeof(t3)));
        lu_buf_printf(b, "</td><td class=\"n\">%llu</td></tr>",
                      (unsigned long long)u->stuck);
    }
    lu_buf_adds(b, "</table></div>");
}

/* The last day of month (YYYYMM) as YYYYMMDD: the day the pool's stuck
 * projects are counted on, as in the month's bulletin. */
static uint32_t month_end(uint32_t month)
{
    static const int DAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    uint32_t y = month / 100, m = month % 100;
    int days = DAYS[(m - 1) % 12];

    if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
        days = 29;
    return month * 100 + (uint32_t)days;
}

static void stuck(struct hub_dash *d, struct lu_buf *b, uint32_t month)
{
    Luyu__Project **v = NULL;
    const struct lu_plan_unit *u;
    size_t n = 0;

    if (ledger_pool_projects(d->db, NULL, month_end(month), &v, &n) < 0 ||
        n == 0)
        return;
    lu_buf_printf(b,
                  "<h2>%s</h2><div class=\"wrap\"><table id=\"stuck\"><tr>"
                  "<th>%s</th><th>%s</th><th>%s</th></tr>",
                  _("Stuck projects"), _("Project"), _("Unit"), _("Stage"));
    for (size_t i = 0; i < n; i++) {
        lu_buf_adds(b, "<tr><td>");
        lu_html_esc(b, v[i]->name);
        lu_buf_adds(b, "<br>");
        lu_html_esc(b, v[i]->id);
        lu_buf_adds(b, "</td><td>");
        u = lu_plan_unit(d->ctx.plan, v[i]->unit);
        lu_html_esc(b, u ? u->name : v[i]->unit);
        lu_buf_adds(b, "</td><td>");
        lu_html_esc(b, lu_project_stage_name(v[i]->stage));
        lu_buf_adds(b, "</td></tr>");
    }
    lu_buf_adds(b, "</table></div>");
    ledger_pool_projects_free(v, n);
}

void hub_dash_pool(struct hub_dash *d, struct lu_web_req *req,
                   struct lu_web_resp *resp, const struct lu_session *ss)
{
    uint32_t month = hub_dash_month(d, req);
    const Luyu__Bulletin *bl = hub_dash_draft(d, month);
    struct lu_buf *b = &resp->body;
    char p[16];

    resp->status = 200;
    hub_dash_start(d, ss, resp, _("The project pool"));
    if (bl == NULL || bl->pool == NULL) {
        lu_buf_printf(b, "<p>%s</p>", _("No projects in the ledger yet."));
        return hub_dash_end(resp);
    }
    lu_buf_printf(b, "<h2>%s</h2>", hub_dash_period(month, p, sizeof(p)));
    cards(b, bl->pool);
    stages(b, bl->pool);
    units(b, bl->pool);
    stuck(d, b, month);
    hub_dash_end(resp);
}
