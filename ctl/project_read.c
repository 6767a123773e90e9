/* luyuctl project list | show | history | pool: the node's own projects
 * (--node), or the province's pool in a hub's ledger (--state-dir), read
 * through the ledger library (ledger/pool.h). Tables for people, CSV and
 * JSON with exact money in fen for scripts. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amount.h"
#include "args.h"
#include "ctl.h"
#include "i18n.h"
#include "json.h"
#include "ledgerdb.h"
#include "money.h"
#include "node.h"
#include "output.h"
#include "plan.h"
#include "pool.h"
#include "project.h"
#include "project_cmd.h"
#include "sql.h"
#include "table.h"
#include "util.h"

enum format { FMT_TABLE, FMT_CSV, FMT_JSON };

struct opts {
    const char *state_dir, *unit, *month, *format, *stuck, *stage;
    enum format fmt;
};

/* Exact yuan for machines (CSV, JSON, what project import reads). */
static const char *yuan(int64_t fen, char *buf, size_t len)
{
    return lu_amount_format(fen, 100, buf, len);
}

/* Money for people: 万元/亿元 with Chinese messages (common/money.h). */
static const char *money(int64_t fen, char *buf, size_t len)
{
    return lu_money_yuan(fen, buf, len);
}

/* The plan, for the names of units and areas shown to a Chinese reader
 * (codes for English readers and machines); loaded once a command. */
static struct lu_plan *names_plan;

static const char *unit_name(const char *code)
{
    const struct lu_plan_unit *u =
        names_plan ? lu_plan_unit(names_plan, code) : NULL;

    return lu_i18n_translated() && u != NULL ? u->name : code;
}

static const char *area_name(const char *code)
{
    const struct lu_plan_area *a =
        names_plan ? lu_plan_area(names_plan, code) : NULL;

    return lu_i18n_translated() && a != NULL ? a->name : code;
}

static uint32_t today(void)
{
    time_t t = time(NULL);
    struct tm tm;

    localtime_r(&t, &tm);
    return (uint32_t)(tm.tm_year + 1900) * 10000 +
           (uint32_t)(tm.tm_mon + 1) * 100 + (uint32_t)tm.tm_mday;
}

static void json_project(struct lu_json *j, const Luyu__Project *p)
{
    const char *stage = lu_project_stage_code(p->stage);
    char d[16];

    lu_json_object(j);
    lu_json_kstr(j, "id", p->id);
    lu_json_kstr(j, "unit", p->unit);
    lu_json_kstr(j, "name", p->name);
    lu_json_kstr(j, "area", p->area);
    lu_json_kstr(j, "partner", p->partner);
    lu_json_kstr(j, "enterprise", p->enterprise);
    lu_json_kint(j, "planned", p->planned);
    lu_json_kint(j, "aid_planned", p->aid_planned);
    lu_json_kint(j, "invested", p->invested);
    lu_json_kint(j, "aid_disbursed", p->aid_disbursed);
    lu_json_kstr(j, "stage", stage ? stage : "");
    lu_json_kuint(j, "poor_lifted", p->poor_lifted);
    lu_json_kuint(j, "poor_jobs", p->poor_jobs);
    lu_json_key(j, "over_plan");
    lu_json_bool(j, p->over_plan);
    lu_json_key(j, "stage_dates");
    lu_json_object(j);
    for (int s = 1; s <= LU_PROJECT_STAGES; s++) {
        uint32_t v = lu_project_stage_date(p, s);

        if (v != 0)
            lu_json_kstr(j, lu_project_stage_code(s),
                         lu_project_date_format(v, d, sizeof(d)));
    }
    lu_json_end(j);
    lu_json_kstr(j, "drop_reason", p->drop_reason);
    lu_json_end(j);
}

static const char CSV_HEADER[] =
    "id,unit,name,area,partner,enterprise,planned,aid_planned,invested,"
    "aid_disbursed,stage,stage_dates,drop_reason,poor_lifted,poor_jobs\n";

static void csv_project(struct lu_buf *b, const Luyu__Project *p)
{
    char m[4][32], d[16];
    const char *const txt[] = {p->id,   p->unit,    p->name,
                               p->area, p->partner, p->enterprise};

    for (size_t i = 0; i < 6; i++) {
        lu_buf_csv_str(b, txt[i]);
        lu_buf_adds(b, ",");
    }
    lu_buf_printf(b, "%s,%s,%s,%s,%s,", yuan(p->planned, m[0], 32),
                  yuan(p->aid_planned, m[1], 32), yuan(p->invested, m[2], 32),
                  yuan(p->aid_disbursed, m[3], 32),
                  lu_project_stage_code(p->stage));
    for (int s = 1, first = 1; s <= LU_PROJECT_STAGES; s++) {
        uint32_t v = lu_project_stage_date(p, s);

        if (v != 0 || s <= (int)p->stage) {
            lu_buf_printf(b, "%s%s", first ? "" : ";",
                          lu_project_date_format(v, d, sizeof(d)));
            first = 0;
        }
    }
    lu_buf_adds(b, ",");
    lu_buf_csv_str(b, p->drop_reason);
    lu_buf_printf(b, ",%u,%u\n", p->poor_lifted, p->poor_jobs);
}

static void table_row(struct ctl_table *t, const Luyu__Project *p)
{
    char m[3][LU_MONEY_LEN], d[16];
    const char *cells[8];

    cells[0] = p->id;
    cells[1] = p->name;
    cells[2] = lu_project_stage_name(p->stage);
    cells[3] = lu_project_date_format(lu_project_stage_date(p, p->stage), d,
                                      sizeof(d));
    cells[4] = money(p->planned, m[0], sizeof(m[0]));
    cells[5] = money(p->aid_planned, m[1], sizeof(m[1]));
    cells[6] = money(p->invested, m[2], sizeof(m[2]));
    cells[7] = area_name(p->area);
    ctl_table_add(t, cells);
}

static int print_projects(Luyu__Project **v, size_t n, enum format fmt)
{
    struct lu_buf b;
    int r;

    lu_buf_init(&b);
    if (fmt == FMT_JSON) {
        struct lu_json j;

        lu_json_init(&j, &b);
        lu_json_array(&j);
        for (size_t i = 0; i < n; i++)
            json_project(&j, v[i]);
        lu_json_end(&j);
        lu_buf_adds(&b, "\n");
    } else if (fmt == FMT_CSV) {
        lu_buf_adds(&b, CSV_HEADER);
        for (size_t i = 0; i < n; i++)
            csv_project(&b, v[i]);
    } else {
        struct ctl_table *t = ctl_table_new(8);
        const char *head[] = {_("Project"),  _("Name"),    _("Stage"),
                              _("Since"),    _("Planned"), _("Shandong aid"),
                              _("Invested"), _("Area")};

        ctl_table_add(t, head);
        for (int c = 4; c <= 6; c++)
            ctl_table_right(t, (size_t)c);
        for (size_t i = 0; i < n; i++)
            table_row(t, v[i]);
        ctl_table_render(t, &b, "");
        lu_buf_printf(&b, _("%zu projects\n"), n);
        ctl_table_free(t);
    }
    r = ctl_output_write(&b);
    lu_buf_free(&b);
    return r;
}

/* One project for a person: a label and a value a line. */
static int print_show(const Luyu__Project *p, enum format fmt)
{
    struct lu_buf b;
    char m[4][LU_MONEY_LEN], d[16], dates[128] = "", n[2][16];
    int r;

    if (fmt != FMT_TABLE)
        return print_projects((Luyu__Project **)&p, 1, fmt);
    for (int s = 1; s <= LU_PROJECT_STAGES; s++) {
        uint32_t v = lu_project_stage_date(p, s);
        size_t len = strlen(dates);

        if (v != 0)
            snprintf(dates + len, sizeof(dates) - len, "%s%s %s",
                     len ? ", " : "", lu_project_stage_name(s),
                     lu_project_date_format(v, d, sizeof(d)));
    }
    snprintf(n[0], sizeof(n[0]), "%u", p->poor_lifted);
    snprintf(n[1], sizeof(n[1]), "%u", p->poor_jobs);
    const char *const rows[][2] = {
        {_("Project"), p->id},
        {_("Name"), p->name},
        {_("Unit"), unit_name(p->unit)},
        {_("Area"), area_name(p->area)},
        {_("Partner"), unit_name(p->partner)},
        {_("Enterprise"), p->enterprise},
        {_("Stage"), lu_project_stage_name(p->stage)},
        {_("Dates"), dates},
        {_("Drop reason"), p->drop_reason},
        {_("Planned"), money(p->planned, m[0], sizeof(m[0]))},
        {_("Shandong aid"), money(p->aid_planned, m[1], sizeof(m[1]))},
        {_("Invested"), money(p->invested, m[2], sizeof(m[2]))},
        {_("Aid disbursed"), money(p->aid_disbursed, m[3], sizeof(m[3]))},
        {_("Poor people lifted"), n[0]},
        {_("Jobs for poor people"), n[1]},
    };
    lu_buf_init(&b);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        if (rows[i][1][0] == '\0')
            continue;
        lu_buf_printf(&b, "%s: ", rows[i][0]);
        ctl_output_text(&b, rows[i][1]);
        lu_buf_adds(&b, "\n");
    }
    if (p->over_plan)
        lu_buf_printf(&b, "%s\n", _("Investment above the plan allowed"));
    r = ctl_output_write(&b);
    lu_buf_free(&b);
    return r;
}

/* list / show at the node: its own projects. */
static int node_read(const struct ctl_global *g, const char *id,
                     enum format fmt)
{
    Luyu__CtlRequest req = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlProjectList l = LUYU__CTL_PROJECT_LIST__INIT;
    Luyu__CtlResponse *resp = NULL;
    int r = ctl_node_need(g, "project");

    if (r != CTL_EXIT_OK)
        return r;
    if (id != NULL)
        l.id = (char *)id;
    req.body_case = LUYU__CTL_REQUEST__BODY_PROJECT_LIST;
    req.project_list = &l;
    r = ctl_node_call(g, &req, 60000, &resp);
    if (r != CTL_EXIT_OK)
        return r;
    if (resp->code != LUYU__CTL_RESPONSE__CODE__OK)
        r = ctl_node_refused(resp);
    else if (id != NULL && resp->n_projects == 1)
        r = print_show(resp->projects[0], fmt);
    else
        r = print_projects(resp->projects, resp->n_projects, fmt);
    luyu__ctl_response__free_unpacked(resp, NULL);
    return r;
}

static int hub_list(struct ledger_sql *db, const struct opts *o, const char *id)
{
    Luyu__Project **v = NULL;
    size_t n = 0;
    int r;

    r = ledger_pool_projects(db, o->unit, o->stuck ? today() : 0, &v, &n);
    if (r < 0)
        return ctl_ledgerdb_fail(db);
    if (o->stage != NULL) {
        int want = lu_project_stage_parse(o->stage);
        size_t k = 0;

        if (want == 0) {
            ledger_pool_projects_free(v, n);
            return ctl_output_error(CTL_EXIT_BAD,
                                    _("--stage: no stage \"%s\" (reserve, "
                                      "signed, started, completed, operating, "
                                      "dropped or 储备 ... 终止)"),
                                    o->stage);
        }
        /* Keep the stage's projects in order; free the others. */
        for (size_t i = 0; i < n; i++) {
            if ((int)v[i]->stage == want)
                v[k++] = v[i];
            else
                luyu__project__free_unpacked(v[i], NULL);
        }
        n = k;
    }
    if (id != NULL) {
        size_t k = 0;

        for (size_t i = 0; i < n; i++) {
            if (strcmp(v[i]->id, id) == 0) {
                Luyu__Project *x = v[k];

                v[k++] = v[i];
                v[i] = x;
            }
        }
        if (k == 0) {
            ledger_pool_projects_free(v, n);
            return ctl_output_error(CTL_EXIT_BAD,
                                    _("no project %s in the ledger"), id);
        }
        r = print_show(v[0], o->fmt);
    } else {
        r = print_projects(v, n, o->fmt);
    }
    ledger_pool_projects_free(v, n);
    return r;
}

/* What an event changed, as "field old -> new"; the whole state for the
 * first event. */
static void changes(struct lu_buf *b, const Luyu__Project *o,
                    const Luyu__Project *p)
{
    char x[LU_MONEY_LEN], y[LU_MONEY_LEN];
    const struct {
        const char *name;
        int64_t a, c;
    } field[] = {
        {_("planned"), o ? o->planned : -1, p->planned},
        {_("aid"), o ? o->aid_planned : -1, p->aid_planned},
        {_("invested"), o ? o->invested : -1, p->invested},
        {_("disbursed"), o ? o->aid_disbursed : -1, p->aid_disbursed},
    };

    if (o == NULL || o->stage != p->stage)
        lu_buf_printf(b, " %s", lu_project_stage_name(p->stage));
    if (o != NULL && o->stage != p->stage)
        lu_buf_printf(b, " (%s %s)", _("from"),
                      lu_project_stage_name(o->stage));
    if (o == NULL || strcmp(o->name, p->name) != 0) {
        lu_buf_adds(b, " ");
        ctl_output_text(b, p->name);
    }
    for (size_t k = 0; k < sizeof(field) / sizeof(field[0]); k++) {
        if (field[k].a == field[k].c)
            continue;
        if (field[k].a < 0)
            lu_buf_printf(b, " %s %s", field[k].name,
                          money(field[k].c, y, sizeof(y)));
        else
            lu_buf_printf(b, " %s %s -> %s", field[k].name,
                          money(field[k].a, x, sizeof(x)),
                          money(field[k].c, y, sizeof(y)));
    }
    if (p->drop_reason[0] && (o == NULL || !o->drop_reason[0])) {
        lu_buf_printf(b, " %s: ", _("reason"));
        ctl_output_text(b, p->drop_reason);
    }
}

static int hub_history(struct ledger_sql *db, const struct opts *o,
                       const char *id)
{
    struct ledger_pool_event *v = NULL;
    struct lu_buf b;
    struct lu_json j;
    size_t n = 0;
    char when[40];
    int r;

    if (ledger_pool_history(db, id, &v, &n) < 0)
        return ctl_ledgerdb_fail(db);
    if (n == 0)
        return ctl_output_error(CTL_EXIT_BAD, _("no project %s in the ledger"),
                                id);
    lu_buf_init(&b);
    lu_json_init(&j, &b);
    if (o->fmt == FMT_JSON)
        lu_json_array(&j);
    for (size_t i = 0; i < n; i++) {
        const Luyu__Project *p = v[i].state;

        if (o->fmt == FMT_JSON) {
            lu_json_object(&j);
            lu_json_kstr(&j, "entry", v[i].id);
            lu_json_kstr(&j, "kind", lu_project_kind_code(v[i].kind));
            lu_json_kstr(&j, "recorded_by", v[i].recorded_by);
            lu_json_kint(&j, "recorded_at", v[i].recorded_at);
            lu_json_key(&j, "project");
            if (p)
                json_project(&j, p);
            else
                lu_json_null(&j);
            lu_json_end(&j);
            continue;
        }
        lu_buf_printf(&b, "%s  %s  %s  %s  ", v[i].id,
                      lu_project_kind_name(v[i].kind),
                      ctl_output_time(v[i].recorded_at, when, sizeof(when)),
                      v[i].recorded_by);
        if (p)
            changes(&b, i > 0 ? v[i - 1].state : NULL, p);
        lu_buf_adds(&b, "\n");
    }
    if (o->fmt == FMT_JSON) {
        lu_json_end(&j);
        lu_buf_adds(&b, "\n");
    }
    r = ctl_output_write(&b);
    lu_buf_free(&b);
    ledger_pool_history_free(v, n);
    return r;
}

/* The plan's pool target (滚动项目库投资总额) and its ratio to the aid. */
static int64_t pool_target(const struct ctl_global *g)
{
    struct lu_plan *plan = NULL;
    char err[256];
    int64_t t = 0;

    if (lu_plan_load(g->plan, &plan, err, sizeof(err)) == 0) {
        const struct lu_plan_indicator *ind =
            lu_plan_indicator(plan, "project_pool_total");

        t = ind ? ind->target : 0;
    }
    lu_plan_free(plan);
    return t;
}

static void json_sum(struct lu_json *j, const struct ledger_pool_sum *s)
{
    lu_json_object(j);
    lu_json_kstr(j, "key", s->key);
    lu_json_kint(j, "projects", s->projects);
    lu_json_kint(j, "planned", s->planned);
    lu_json_kint(j, "aid_planned", s->aid_planned);
    lu_json_kint(j, "invested", s->invested);
    lu_json_kint(j, "aid_disbursed", s->aid_disbursed);
    lu_json_kint(j, "poor_lifted", s->poor_lifted);
    lu_json_kint(j, "poor_jobs", s->poor_jobs);
    lu_json_end(j);
}

static void json_group(struct lu_json *j, const char *name,
                       const struct ledger_pool_sum *v, size_t n)
{
    lu_json_key(j, name);
    lu_json_array(j);
    for (size_t i = 0; i < n; i++)
        json_sum(j, &v[i]);
    lu_json_end(j);
}

/* planned / (3 x aid) as "1:x.xx" */
static void ratio(const struct ledger_pool_sum *s, char *buf, size_t len)
{
    if (s->aid_planned == 0)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "1:%.2f",
                 (double)s->planned / (double)s->aid_planned);
}

static void text_group(struct lu_buf *b, const char *title,
                       const struct ledger_pool_sum *v, size_t n, bool stage,
                       char names)
{
    struct ctl_table *t = ctl_table_new(6);
    const char *head[] = {title,         _("Projects"),
                          _("Planned"),  _("Shandong aid"),
                          _("Invested"), _("Aid : pool")};
    char c[5][LU_MONEY_LEN];

    ctl_table_add(t, head);
    for (size_t k = 1; k < 6; k++)
        ctl_table_right(t, k);
    for (size_t i = 0; i < n; i++) {
        const char *cells[6];

        cells[0] = stage
                       ? lu_project_stage_name(lu_project_stage_parse(v[i].key))
                   : names == 'u' ? unit_name(v[i].key)
                                  : area_name(v[i].key);
        snprintf(c[0], sizeof(c[0]), "%lld", (long long)v[i].projects);
        cells[1] = c[0];
        cells[2] = money(v[i].planned, c[1], sizeof(c[1]));
        cells[3] = money(v[i].aid_planned, c[2], sizeof(c[2]));
        cells[4] = money(v[i].invested, c[3], sizeof(c[3]));
        ratio(&v[i], c[4], sizeof(c[4]));
        cells[5] = c[4];
        ctl_table_add(t, cells);
    }
    ctl_table_render(t, b, "  ");
    lu_buf_adds(b, "\n");
    ctl_table_free(t);
}

static int hub_pool(const struct ctl_global *g, struct ledger_sql *db,
                    const struct opts *o)
{
    struct ledger_pool_sum *g0 = NULL, *gu = NULL, *gs = NULL, *ga = NULL;
    size_t n0 = 0, nu = 0, ns = 0, na = 0;
    struct ledger_pool_moves mv;
    uint32_t month = 0;
    int64_t target = pool_target(g);
    char err[128], m[4][LU_MONEY_LEN];
    struct lu_buf b;
    int r = 0;

    if (o->month && lu_period_parse(o->month, &month, err, sizeof(err)) < 0)
        return ctl_output_error(CTL_EXIT_BAD, _("--month: %s"), err);
    if (month == 0)
        month = today() / 100;
    if (ledger_pool_sums(db, LEDGER_POOL_TOTAL, o->unit, &g0, &n0) < 0 ||
        ledger_pool_sums(db, LEDGER_POOL_BY_UNIT, o->unit, &gu, &nu) < 0 ||
        ledger_pool_sums(db, LEDGER_POOL_BY_STAGE, o->unit, &gs, &ns) < 0 ||
        ledger_pool_sums(db, LEDGER_POOL_BY_AREA, o->unit, &ga, &na) < 0 ||
        ledger_pool_month(db, month, &mv) < 0) {
        r = ctl_ledgerdb_fail(db);
        goto out;
    }
    lu_buf_init(&b);
    if (o->fmt == FMT_JSON) {
        struct lu_json j;

        lu_json_init(&j, &b);
        lu_json_object(&j);
        lu_json_kint(&j, "target", target);
        lu_json_kuint(&j, "month", month);
        lu_json_key(&j, "total");
        json_sum(&j, &g0[0]);
        json_group(&j, "by_unit", gu, nu);
        json_group(&j, "by_stage", gs, ns);
        json_group(&j, "by_area", ga, na);
        lu_json_key(&j, "moves");
        lu_json_object(&j);
        lu_json_key(&j, "reached");
        lu_json_object(&j);
        for (int s = 1; s <= LU_PROJECT_STAGES; s++)
            lu_json_kint(&j, lu_project_stage_code(s), mv.reached[s - 1]);
        lu_json_end(&j);
        lu_json_kint(&j, "invested", mv.invested);
        lu_json_kint(&j, "aid_disbursed", mv.aid_disbursed);
        lu_json_end(&j);
        lu_json_end(&j);
        lu_buf_adds(&b, "\n");
    } else {
        lu_buf_printf(
            &b,
            _("Project pool: %lld projects, planned %s of the "
              "target %s (%.1f%%)\n"),
            (long long)g0[0].projects, money(g0[0].planned, m[0], sizeof(m[0])),
            money(target, m[1], sizeof(m[1])),
            target ? 100.0 * (double)g0[0].planned / (double)target : 0.0);
        lu_buf_printf(&b,
                      _("Shandong aid planned %s, pool 3 x aid = %s; "
                        "invested %s\n\n"),
                      money(g0[0].aid_planned, m[0], sizeof(m[0])),
                      money(3 * g0[0].aid_planned, m[1], sizeof(m[1])),
                      money(g0[0].invested, m[2], sizeof(m[2])));
        text_group(&b, _("Unit"), gu, nu, false, 'u');
        text_group(&b, _("Stage"), gs, ns, true, 's');
        text_group(&b, _("Area"), ga, na, false, 'a');
        lu_buf_printf(&b, _("Moves in %04u-%02u:"), month / 100, month % 100);
        for (int s = 1; s <= LU_PROJECT_STAGES; s++)
            lu_buf_printf(&b, " %s %lld", lu_project_stage_name(s),
                          (long long)mv.reached[s - 1]);
        lu_buf_printf(&b, _("; invested %s, aid disbursed %s\n"),
                      money(mv.invested, m[0], sizeof(m[0])),
                      money(mv.aid_disbursed, m[1], sizeof(m[1])));
    }
    r = ctl_output_write(&b);
    lu_buf_free(&b);
out:
    free(g0);
    free(gu);
    free(gs);
    free(ga);
    return r;
}

static int read_project(const struct ctl_global *g, const char *sub,
                        const char *id, struct opts *o, struct ctl_args *a)
{
    int exists;
    bool one = strcmp(sub, "show") == 0 || strcmp(sub, "history") == 0;
    char err[256];
    struct ledger_sql *db = NULL;
    int r;

    if (lu_plan_load(g->plan, &names_plan, err, sizeof(err)) < 0)
        names_plan = NULL; /* codes then; the commands need no plan */
    if (one && a->n_pos == 0)
        return ctl_args_bad(a, "%s", _("which project? give its id"));
    if (o->format == NULL || strcmp(o->format, "table") == 0)
        o->fmt = FMT_TABLE;
    else if (strcmp(o->format, "csv") == 0)
        o->fmt = FMT_CSV;
    else if (strcmp(o->format, "json") == 0)
        o->fmt = FMT_JSON;
    else
        return ctl_args_bad(a, "%s", _("--format is table, csv or json"));
    if (o->state_dir == NULL) {
        if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0)
            return ctl_args_bad(a,
                                _("%s reads a hub's ledger: give "
                                  "--state-dir HUBDIR"),
                                sub);
        return node_read(g, id, o->fmt);
    }
    r = ctl_ledgerdb_open(o->state_dir, &db);
    if (r != CTL_EXIT_OK)
        return r;
    exists = ledger_pool_exists(db);
    if (exists == 0) {
        ledger_reader_close(db);
        return ctl_output_error(CTL_EXIT_FAIL,
                                _("%s/ledger.db has no project pool yet: start "
                                  "this release's luyu-hub once to upgrade it"),
                                o->state_dir);
    }
    if (strcmp(sub, "history") == 0)
        r = hub_history(db, o, id);
    else if (strcmp(sub, "pool") == 0)
        r = hub_pool(g, db, o);
    else
        r = hub_list(db, o, id);
    ledger_reader_close(db);
    return r;
}

int ctl_project_read_cmd(const struct ctl_global *g, int argc, char **argv)
{
    const char *sub = argv[0], *pos[1] = {0};
    struct opts o = {0};
    const struct ctl_opt opts[] = {
        {"--state-dir", CTL_OPT_VALUE, &o.state_dir},
        {"--ledger", CTL_OPT_VALUE, &o.state_dir},
        {"--unit", CTL_OPT_VALUE, &o.unit},
        {"--month", CTL_OPT_VALUE, &o.month},
        {"--format", CTL_OPT_VALUE, &o.format},
        {"--stuck", CTL_OPT_FLAG, &o.stuck},
        {"--stage", CTL_OPT_VALUE, &o.stage},
    };
    bool one = strcmp(sub, "show") == 0 || strcmp(sub, "history") == 0;
    struct ctl_args a = {.cmd = "project",
                         .opts = opts,
                         .n_opts = 7,
                         .max_pos = one ? 1 : 0,
                         .pos = pos};
    int r;

    r = ctl_args_parse(&a, argc - 1, argv + 1);
    if (r != CTL_EXIT_OK)
        return r;
    if (a.help)
        return ctl_project_cmd(g, 1, (char *[]){"--help"});
    r = read_project(g, sub, pos[0], &o, &a);
    lu_plan_free(names_plan);
    names_plan = NULL;
    return r;
}
