/* luyuctl assess: the districts' assessment (考核) from a hub's ledger, by
 * the plan's rules (common/assess.h): each district's points and rank for a
 * year or for the plan to date, and with --detail (always in CSV and JSON)
 * the arithmetic per indicator, so that a district can check it. */
#include <stdio.h>
#include <string.h>

#include "amount.h"
#include "args.h"
#include "assess.h"
#include "scores.h"
#include "bulletin_src.h"
#include "ctl.h"
#include "money.h"
#include "i18n.h"
#include "json.h"
#include "output.h"
#include "plan.h"
#include "reader.h"
#include "table.h"
#include "util.h"

static const char USAGE[] = N_(
    "usage: luyuctl assess --state-dir HUBDIR [--year YYYY] [--month YYYY-MM]\n"
    "                      [--province P] [--detail] [--format text|csv|json]\n"
    "\n"
    "Scores the province's districts (Shandong: its cities) by the plan's\n"
    "assessment rules (assess = in the plan's [indicator] sections) and ranks\n"
    "them: for --year, that year; without it, the plan to date (the mean of\n"
    "its years). --month counts figures up to that month (default: the\n"
    "latest month with figures); a year not yet over has its goals paced by\n"
    "the months gone. --detail shows per indicator the figure, the goal and\n"
    "the points; CSV and JSON always carry them, points with two decimals.\n"
    "For a hub whose ledger is in PostgreSQL, give --ledger postgresql://...\n"
    "(the hub's ledger setting) instead of --state-dir HUBDIR.\n");

/* One indicator's arithmetic for a person: "培训 (share, 60): 100人 of
 * 100人 -> 60.00". */
static void line(const struct ledger_scores *a, size_t u, size_t k,
                 struct lu_buf *b)
{
    const struct lu_plan_indicator *ind = a->rules[k];
    const struct lu_assess_line *l = &a->units[u].lines[k];
    char x[3][LU_MONEY_LEN], pts[32];

    lu_buf_printf(b, "   %s (%s, %d): ", ind->name,
                  lu_assess_kind_text(ind->assess.kind), ind->assess.weight);
    lu_money_amount(l->actual, ind->base_unit, ind->scale, x[0], sizeof(x[0]));
    if (ind->assess.kind == LU_ASSESS_GROWTH)
        lu_buf_printf(b, _("%s against %s a year before"), x[0],
                      l->prev < 0
                          ? "-"
                          : lu_money_amount(l->prev, ind->base_unit, ind->scale,
                                            x[1], sizeof(x[1])));
    else
        lu_buf_printf(b, _("%s of the goal %s"), x[0],
                      lu_money_amount(l->goal, ind->base_unit, ind->scale, x[2],
                                      sizeof(x[2])));
    lu_buf_printf(b, " -> %s\n", lu_assess_points(l->points, pts, sizeof(pts)));
}

static void text(const struct ledger_scores *a, bool detail, struct lu_buf *b)
{
    struct ctl_table *t = ctl_table_new(3);
    char p[16], pts[32];

    if (a->year)
        lu_buf_printf(b, _("Assessment %u, figures to %s\n"), a->year,
                      lu_period_format(a->upto, p, sizeof(p)));
    else
        lu_buf_printf(b,
                      _("Assessment of the plan to date (mean of %d years), "
                        "figures to %s\n"),
                      a->years, lu_period_format(a->upto, p, sizeof(p)));
    ctl_table_right(t, 0);
    ctl_table_right(t, 2);
    ctl_table_add(t, (const char *[]){_("rank"), _("unit"), _("points")});
    for (size_t i = 0; i < a->n_units; i++) {
        char rank[16];

        snprintf(rank, sizeof(rank), "%d", a->units[i].rank);
        ctl_table_add(t, (const char *[]){rank, a->units[i].unit->name,
                                          lu_assess_points(a->units[i].points,
                                                           pts, sizeof(pts))});
    }
    ctl_table_render(t, b, "  ");
    ctl_table_free(t);
    for (size_t i = 0; detail && i < a->n_units; i++) {
        lu_buf_printf(b, "\n%d. %s\n", a->units[i].rank,
                      a->units[i].unit->name);
        for (size_t k = 0; k < a->n_rules; k++)
            line(a, i, k, b);
    }
}

static void csv(const struct ledger_scores *a, const char *province,
                struct lu_buf *b)
{
    char p[16], x[3][40], pts[32];

    lu_buf_adds(b, "province,year,upto,rank,unit,indicator,rule,weight,cap,"
                   "actual,goal,previous,points\n");
    for (size_t i = 0; i < a->n_units; i++) {
        const struct ledger_scores_unit *u = &a->units[i];

        for (size_t k = 0; k <= a->n_rules; k++) {
            const struct lu_plan_indicator *ind =
                k < a->n_rules ? a->rules[k] : NULL;
            const struct lu_assess_line *l = &u->lines[k];

            lu_buf_csv_str(b, province);
            if (a->year)
                lu_buf_printf(b, ",%u", a->year);
            else
                lu_buf_adds(b, ",");
            lu_buf_printf(b, ",%s,%d,", lu_period_format(a->upto, p, sizeof(p)),
                          u->rank);
            lu_buf_csv_str(b, u->unit->code);
            if (ind == NULL) {
                lu_buf_printf(b, ",total,,,,,,,%s\n",
                              lu_assess_points(u->points, pts, sizeof(pts)));
                continue;
            }
            lu_buf_printf(
                b, ",%s,%s,%d,%d,%s,%s,%s,%s\n", ind->code,
                lu_assess_kind_name(ind->assess.kind), ind->assess.weight,
                ind->assess.cap,
                lu_amount_format(l->actual, ind->scale, x[0], sizeof(x[0])),
                lu_amount_format(l->goal, ind->scale, x[1], sizeof(x[1])),
                l->prev < 0
                    ? ""
                    : lu_amount_format(l->prev, ind->scale, x[2], sizeof(x[2])),
                lu_assess_points(l->points, pts, sizeof(pts)));
        }
    }
}

static void json_line(struct lu_json *j, const struct lu_plan_indicator *ind,
                      const struct lu_assess_line *l)
{
    char x[40], pts[32];

    lu_json_object(j);
    lu_json_kstr(j, "indicator", ind->code);
    lu_json_kstr(j, "rule", lu_assess_kind_name(ind->assess.kind));
    lu_json_kint(j, "weight", ind->assess.weight);
    lu_json_kint(j, "cap", ind->assess.cap);
    lu_json_kstr(j, "actual", lu_amount_format(l->actual, ind->scale, x, 40));
    lu_json_kstr(j, "goal", lu_amount_format(l->goal, ind->scale, x, 40));
    lu_json_key(j, "previous");
    if (l->prev < 0)
        lu_json_null(j);
    else
        lu_json_str(j, lu_amount_format(l->prev, ind->scale, x, 40));
    lu_json_kstr(j, "points", lu_assess_points(l->points, pts, sizeof(pts)));
    lu_json_end(j);
}

static void json(const struct ledger_scores *a, const char *province,
                 struct lu_buf *b)
{
    struct lu_json j;
    char p[16], pts[32];

    lu_json_init(&j, b);
    lu_json_object(&j);
    lu_json_kstr(&j, "province", province);
    lu_json_key(&j, "year");
    if (a->year)
        lu_json_uint(&j, a->year);
    else
        lu_json_null(&j);
    lu_json_kstr(&j, "upto", lu_period_format(a->upto, p, sizeof(p)));
    lu_json_kint(&j, "years", a->years);
    lu_json_key(&j, "units");
    lu_json_array(&j);
    for (size_t i = 0; i < a->n_units; i++) {
        lu_json_object(&j);
        lu_json_kint(&j, "rank", a->units[i].rank);
        lu_json_kstr(&j, "unit", a->units[i].unit->code);
        lu_json_kstr(&j, "name", a->units[i].unit->name);
        lu_json_kstr(&j, "points",
                     lu_assess_points(a->units[i].points, pts, sizeof(pts)));
        lu_json_key(&j, "lines");
        lu_json_array(&j);
        for (size_t k = 0; k < a->n_rules; k++)
            json_line(&j, a->rules[k], &a->units[i].lines[k]);
        lu_json_end(&j);
        lu_json_end(&j);
    }
    lu_json_end(&j);
    lu_json_end(&j);
    lu_buf_adds(b, "\n");
}

struct want {
    const char *dir, *year, *month, *province, *format;
    bool detail;
};

static int parse_when(const struct want *w, const struct lu_plan *plan,
                      struct ledger_sql *db, uint32_t *year, uint32_t *upto)
{
    uint64_t y = 0;

    *year = 0;
    if (w->year != NULL && (lu_parse_u64(w->year, &y) < 0 ||
                            y < plan->start / 100 || y > plan->end / 100))
        return ctl_output_error(CTL_EXIT_BAD,
                                _("--year \"%s\": a year of the plan (%u-%u)"),
                                w->year, plan->start / 100, plan->end / 100);
    *year = (uint32_t)y;
    if (w->month != NULL)
        return ctl_bulletin_src_period(w->month, upto);
    if (ledger_reader_last_period(db, upto) < 0 || *upto == 0)
        *upto = plan->end;
    if (*year != 0 && *upto / 100 > *year)
        *upto = *year * 100 + 12;
    return CTL_EXIT_OK;
}

static int run(const struct ctl_global *g, const struct want *w)
{
    struct ctl_bulletin_src src;
    struct ledger_scores *a = NULL;
    const char *province = NULL;
    uint32_t year = 0, upto = 0;
    struct lu_buf b;
    char err[512];
    int r;

    lu_buf_init(&b);
    r = ctl_bulletin_src_open(w->dir, g->plan, &src);
    if (r == CTL_EXIT_OK)
        r = ctl_bulletin_src_province(&src, w->province, &province);
    if (r == CTL_EXIT_OK)
        r = parse_when(w, src.plan, src.db, &year, &upto);
    if (r == CTL_EXIT_OK && ledger_scores(src.db, src.plan, province, year,
                                          upto, &a, err, sizeof(err)) < 0)
        r = ctl_output_error(CTL_EXIT_BAD, "%s", err);
    if (r == CTL_EXIT_OK) {
        if (strcmp(w->format, "csv") == 0)
            csv(a, province, &b);
        else if (strcmp(w->format, "json") == 0)
            json(a, province, &b);
        else
            text(a, w->detail, &b);
        r = ctl_output_write(&b);
    }
    ledger_scores_free(a);
    ctl_bulletin_src_close(&src);
    lu_buf_free(&b);
    return r;
}

int ctl_assess_cmd(const struct ctl_global *g, int argc, char **argv)
{
    struct want w = {0};
    const char *detail = NULL;
    const struct ctl_opt opts[] = {
        {"--state-dir", CTL_OPT_VALUE, &w.dir},
        {"--ledger", CTL_OPT_VALUE, &w.dir},
        {"--year", CTL_OPT_VALUE, &w.year},
        {"--month", CTL_OPT_VALUE, &w.month},
        {"--province", CTL_OPT_VALUE, &w.province},
        {"--format", CTL_OPT_VALUE, &w.format},
        {"--detail", CTL_OPT_FLAG, &detail},
    };
    struct ctl_args a = {.cmd = "assess", .opts = opts, .n_opts = 7};
    int r = ctl_args_parse(&a, argc, argv);

    if (r == CTL_EXIT_OK && a.help)
        return ctl_output_usage(_(USAGE));
    if (r == CTL_EXIT_OK && w.dir == NULL)
        r = ctl_args_bad(&a, _("--state-dir is required (the hub's state "
                               "directory, which holds ledger.db)"));
    if (w.format == NULL)
        w.format = "text";
    if (r == CTL_EXIT_OK && strcmp(w.format, "text") != 0 &&
        strcmp(w.format, "csv") != 0 && strcmp(w.format, "json") != 0)
        r = ctl_args_bad(&a, _("--format \"%s\": text, csv or json"), w.format);
    if (r != CTL_EXIT_OK)
        return r;
    w.detail = detail != NULL;
    return run(g, &w);
}
