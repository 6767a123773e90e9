/* The district's projects on the node's pages: the list with a filter by
 * unit and stage, one project with its events, and the forms to add, edit
 * and move a project. Changes go through node_projects_submit(), the
 * function luyuctl project's requests reach, so the checks and their words
 * are the same; they record "web:NAME". A user sees and changes only the
 * projects of their own units. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "html.h"
#include "i18n.h"
#include "intake.h"
#include "money.h"
#include "outbox.h"
#include "pages_int.h"
#include "plan.h"
#include "project.h"
#include "projects.h"
#include "reject.h"
#include "session.h"
#include "uplink.h"
#include "users.h"
#include "web.h"
#include "webauth.h"
#include "xmalloc.h"

#define MAX_LISTED 2000

enum field_kind { F_TEXT, F_AREA, F_MONEY, F_COUNT };

/* The fields of add and edit, named as the node names them in its
 * messages ("planned: ..."), so a message finds its field. */
static const struct field {
    const char *name;
    const char *label;
    enum field_kind kind;
} FIELDS[] = {
    {"name", N_("Project name"), F_TEXT},
    {"area", N_("Task area"), F_AREA},
    {"partner", N_("Shandong partner unit (code; empty: the unit's pairing)"),
     F_TEXT},
    {"enterprise", N_("Shandong enterprise"), F_TEXT},
    {"planned", N_("Planned investment (yuan)"), F_MONEY},
    {"aid_planned", N_("Of which Shandong aid planned (yuan)"), F_MONEY},
    {"invested", N_("Invested to date (yuan)"), F_MONEY},
    {"aid_disbursed", N_("Shandong aid disbursed to date (yuan)"), F_MONEY},
    {"poor_lifted", N_("Poor people expected to be lifted"), F_COUNT},
    {"poor_jobs", N_("Jobs expected for registered poor people"), F_COUNT},
};
#define N_FIELDS (sizeof(FIELDS) / sizeof(FIELDS[0]))

/* A form being shown again: what went wrong, whole and per field. */
struct problem {
    const char *msg;      /* for the whole form, or NULL */
    const char *field;    /* FIELDS[].name the message is about, or NULL */
    const char *on_field; /* the message without its field's code */
};

static const char *units_of(struct node_pages *np, const struct lu_webuser *u)
{
    return node_user_units(u, np->ctx.units);
}

static const char *unit_name(struct node_pages *np, const char *code)
{
    const struct lu_plan_unit *pu = lu_plan_unit(np->ctx.plan, code);

    return pu ? pu->name : code;
}

static const char *area_name(struct node_pages *np, const char *code)
{
    const struct lu_plan_area *a = lu_plan_area(np->ctx.plan, code);

    return a ? a->name : code;
}

/* Fen as 万元 with two decimals, the unit the pool is planned in. */
static void wan(struct lu_buf *b, int64_t fen)
{
    char g[LU_MONEY_LEN];
    int64_t h = fen >= 0 ? (fen + 5000) / 10000 : (fen - 5000) / 10000;

    lu_buf_adds(b, lu_money_group(h, 2, g, sizeof(g)));
}

static void delivery(const struct node_outbox_prow *r, struct lu_buf *b)
{
    node_pages_delivery(r->state, r->reject_code, r->reason, b);
}

static void change_text(const struct node_outbox_prow *r, struct lu_buf *b)
{
    char when[32];

    lu_html_esc(b, lu_project_kind_name((int)r->ev->kind));
    lu_buf_printf(b, " %s ",
                  node_pages_time(r->recorded_at, when, sizeof(when)));
    lu_html_esc(b, r->recorded_by);
}

/* ---- the list ---- */

struct listing {
    struct node_pages *np;
    const char *units; /* the user's */
    const char *unit;  /* the filter, or NULL */
    int stage;         /* the filter, or 0 */
    struct lu_buf *b;
    size_t shown;
};

static void list_row(void *arg, const struct node_outbox_prow *r)
{
    struct listing *l = arg;
    const Luyu__Project *p = r->ev->project;
    struct lu_buf *b = l->b;

    if (!lu_units_has(l->units, p->unit) ||
        (l->unit != NULL && strcmp(l->unit, p->unit) != 0) ||
        (l->stage != 0 && l->stage != (int)p->stage) || l->shown >= MAX_LISTED)
        return;
    l->shown++;
    lu_buf_adds(b, "<tr><td><a href=\"/projects/show?id=");
    lu_html_esc(b, p->id);
    lu_buf_adds(b, "\">");
    lu_html_esc(b, p->id);
    lu_buf_adds(b, "</a></td><td class=\"name\">");
    lu_html_esc(b, p->name);
    lu_buf_adds(b, "</td><td>");
    lu_html_esc(b, unit_name(l->np, p->unit));
    lu_buf_adds(b, "</td><td>");
    lu_html_esc(b, area_name(l->np, p->area));
    lu_buf_printf(b, "</td><td class=\"stage\">%s</td><td>",
                  lu_project_stage_name((int)p->stage));
    wan(b, p->planned);
    lu_buf_adds(b, "</td><td>");
    wan(b, p->aid_planned);
    lu_buf_adds(b, "</td><td>");
    change_text(r, b);
    lu_buf_adds(b, "</td><td>");
    delivery(r, b);
    lu_buf_adds(b, "</td></tr>");
}

static void unit_options(struct node_pages *np, const char *units,
                         const char *selected, struct lu_buf *b)
{
    for (size_t i = 0; i < np->ctx.plan->n_units; i++) {
        const struct lu_plan_unit *pu = &np->ctx.plan->units[i];

        if (!lu_units_has(units, pu->code))
            continue;
        lu_buf_adds(b, "<option value=\"");
        lu_html_esc(b, pu->code);
        lu_buf_printf(b, "\"%s>",
                      selected && strcmp(selected, pu->code) == 0 ? " selected"
                                                                  : "");
        lu_html_esc(b, pu->name);
        lu_buf_adds(b, "</option>");
    }
}

static void list_filter(struct listing *l, struct lu_buf *b)
{
    lu_buf_printf(b,
                  "<form method=\"get\" action=\"/projects\"><label>%s "
                  "<select name=\"unit\"><option value=\"\">%s</option>",
                  _("Unit"), _("All"));
    unit_options(l->np, l->units, l->unit, b);
    lu_buf_printf(b,
                  "</select></label> <label>%s <select name=\"stage\">"
                  "<option value=\"\">%s</option>",
                  _("Stage"), _("All"));
    for (int s = 1; s <= LU_PROJECT_STAGES; s++)
        lu_buf_printf(
            b, "<option value=\"%s\"%s>%s</option>", lu_project_stage_name(s),
            s == l->stage ? " selected" : "", lu_project_stage_name(s));
    lu_buf_printf(b,
                  "</select></label> <button>%s</button></form>"
                  "<p><a href=\"/projects/add\" id=\"add\">%s</a></p>",
                  _("Show"), _("Add a project"));
}

static void list_page(struct node_pages *np, struct lu_web_req *req,
                      struct lu_web_resp *resp, const struct lu_session *ss,
                      const struct lu_webuser *u)
{
    struct lu_buf *b = &resp->body;
    const char *unit = lu_web_query(req, "unit");
    const char *stage = lu_web_query(req, "stage");
    struct listing l = {np, units_of(np, u), NULL, 0, b, 0};

    if (unit != NULL && unit[0] != '\0')
        l.unit = unit;
    if (stage != NULL && stage[0] != '\0')
        l.stage = lu_project_stage_parse(stage);
    resp->status = 200;
    node_pages_page_start(np, ss, resp, _("Our projects"));
    list_filter(&l, b);
    lu_buf_printf(b,
                  "<table id=\"projects\"><tr><th>%s</th><th>%s</th><th>%s"
                  "</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s"
                  "</th><th>%s</th></tr>",
                  _("Project"), _("Name"), _("Unit"), _("Task area"),
                  _("Stage"), _("Planned investment (10,000 yuan)"),
                  _("Shandong aid planned (10,000 yuan)"), _("Last change"),
                  _("Delivery"));
    if (node_outbox_each_project(np->ctx.outbox, NULL, NULL, list_row, &l) < 0)
        lu_buf_printf(b, "<p class=\"problem\">%s</p>",
                      _("The projects could not be read."));
    lu_buf_adds(b, "</table>");
    if (l.shown == 0)
        lu_buf_printf(b, "<p id=\"none\">%s</p>", _("No projects here yet."));
    node_pages_page_end(resp);
}

/* ---- one project ---- */

/* The user's project id (from the query or the form), in *out; a refusal
 * already answered when the result is not 0. */
static int load(struct node_pages *np, struct lu_web_req *req,
                struct lu_web_resp *resp, const struct lu_webuser *u,
                Luyu__Project **out)
{
    const char *id = lu_web_query(req, "id");

    if (id == NULL)
        id = lu_web_field(req, "id", NULL, NULL);
    if (id == NULL || node_outbox_project_get(np->ctx.outbox, id, out) < 0) {
        node_pages_refuse(np, resp, 404, _("No such project at this node."));
        return -1;
    }
    if (!lu_units_has(units_of(np, u), (*out)->unit)) {
        luyu__project__free_unpacked(*out, NULL);
        *out = NULL;
        node_pages_refuse(np, resp, 403,
                          _("You may not change projects of this unit."));
        return -1;
    }
    return 0;
}

static void history_row(void *arg, const struct node_outbox_prow *r)
{
    struct lu_buf *b = arg;
    const Luyu__Project *p = r->ev->project;

    lu_buf_adds(b, "<tr><td>");
    change_text(r, b);
    lu_buf_printf(b, "</td><td>%s</td><td>",
                  lu_project_stage_name((int)p->stage));
    lu_html_esc(b, p->name);
    lu_buf_adds(b, "</td><td>");
    wan(b, p->planned);
    lu_buf_adds(b, "</td><td>");
    wan(b, p->aid_planned);
    lu_buf_adds(b, "</td><td>");
    wan(b, p->invested);
    lu_buf_adds(b, "</td><td>");
    delivery(r, b);
    lu_buf_adds(b, "</td></tr>");
}

static void fact(struct lu_buf *b, const char *label, const char *value)
{
    lu_buf_adds(b, "<tr><th>");
    lu_html_esc(b, label);
    lu_buf_adds(b, "</th><td>");
    lu_html_esc(b, value);
    lu_buf_adds(b, "</td></tr>");
}

static void fact_money(struct lu_buf *b, const char *label, int64_t fen)
{
    char m[LU_MONEY_LEN];

    fact(b, label, lu_money_yuan(fen, m, sizeof(m)));
}

static void facts(struct node_pages *np, const Luyu__Project *p,
                  struct lu_buf *b)
{
    char n[32], d[16];

    lu_buf_adds(b, "<table id=\"fields\">");
    fact(b, _("Project"), p->id);
    fact(b, _("Name"), p->name);
    fact(b, _("Unit"), unit_name(np, p->unit));
    fact(b, _("Task area"), area_name(np, p->area));
    fact(b, _("Shandong partner"), unit_name(np, p->partner));
    fact(b, _("Shandong enterprise"), p->enterprise);
    fact(b, _("Stage"), lu_project_stage_name((int)p->stage));
    for (int s = 1; s <= LU_PROJECT_STAGES; s++) {
        uint32_t at = lu_project_stage_date(p, s);

        if (at != 0)
            fact(b, lu_project_stage_name(s),
                 lu_project_date_format(at, d, sizeof(d)));
    }
    if (p->drop_reason[0] != '\0')
        fact(b, _("Why dropped"), p->drop_reason);
    fact_money(b, _("Planned investment"), p->planned);
    fact_money(b, _("Shandong aid planned"), p->aid_planned);
    fact_money(b, _("Invested to date"), p->invested);
    fact_money(b, _("Shandong aid disbursed to date"), p->aid_disbursed);
    snprintf(n, sizeof(n), "%u", p->poor_lifted);
    fact(b, _("Poor people expected to be lifted"), n);
    snprintf(n, sizeof(n), "%u", p->poor_jobs);
    fact(b, _("Jobs expected for registered poor people"), n);
    lu_buf_adds(b, "</table>");
}

/* The stages a project may move to from where it is: forward, or 终止;
 * none from 运营 or 终止 (common/project.h). */
static void stage_form(const struct lu_session *ss, const Luyu__Project *p,
                       struct lu_web_req *req, struct lu_buf *b)
{
    const char *v;

    if (p->stage >= LUYU__STAGE__STAGE_OPERATING)
        return;
    lu_buf_printf(b,
                  "<h2>%s</h2><form method=\"post\" action=\"/projects/stage\""
                  " id=\"stage-form\">",
                  _("Move to another stage"));
    lu_webauth_csrf_field(ss, b);
    lu_buf_adds(b, "<input type=\"hidden\" name=\"id\" value=\"");
    lu_html_esc(b, p->id);
    lu_buf_printf(b, "\"><label>%s <select name=\"stage\">", _("New stage"));
    for (int s = (int)p->stage + 1; s <= LU_PROJECT_STAGES; s++)
        lu_buf_printf(b, "<option value=\"%s\">%s</option>",
                      lu_project_stage_name(s), lu_project_stage_name(s));
    v = lu_web_field(req, "date", NULL, NULL);
    lu_buf_printf(b,
                  "</select></label> <label>%s <input type=\"date\" "
                  "name=\"date\" value=\"",
                  _("Date (empty: today)"));
    lu_html_esc(b, v ? v : "");
    v = lu_web_field(req, "reason", NULL, NULL);
    lu_buf_printf(b,
                  "\"></label> <label>%s <input type=\"text\" name=\"reason\" "
                  "value=\"",
                  _("Reason (required for 终止)"));
    lu_html_esc(b, v ? v : "");
    lu_buf_printf(b, "\"></label> <button id=\"move\">%s</button></form>",
                  _("Move"));
}

static void show_page(struct node_pages *np, struct lu_web_req *req,
                      struct lu_web_resp *resp, const struct lu_session *ss,
                      const Luyu__Project *p, const char *problem)
{
    struct lu_buf *b = &resp->body;

    resp->status = problem ? 422 : 200;
    node_pages_page_start(np, ss, resp, p->name);
    if (lu_web_query(req, "done") != NULL)
        lu_buf_printf(b, "<p class=\"banner\" id=\"banner\">%s</p>",
                      _("Stored. The change is on its way to the province."));
    if (problem != NULL) {
        lu_buf_adds(b, "<p class=\"problem\" id=\"problem\">");
        lu_html_esc(b, problem);
        lu_buf_adds(b, "</p>");
    }
    facts(np, p, b);
    lu_buf_adds(b, "<p><a id=\"edit\" href=\"/projects/edit?id=");
    lu_html_esc(b, p->id);
    lu_buf_printf(b, "\">%s</a> · <a href=\"/projects\">%s</a></p>", _("Edit"),
                  _("All projects"));
    stage_form(ss, p, req, b);
    lu_buf_printf(b,
                  "<h2>%s</h2><table id=\"history\"><tr><th>%s</th><th>%s"
                  "</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s"
                  "</th></tr>",
                  _("History"), _("Change"), _("Stage"), _("Name"),
                  _("Planned investment (10,000 yuan)"),
                  _("Shandong aid planned (10,000 yuan)"),
                  _("Invested (10,000 yuan)"), _("Delivery"));
    if (node_outbox_each_project(np->ctx.outbox, p->id, p->unit, history_row,
                                 b) < 0)
        lu_buf_printf(b, "<p class=\"problem\">%s</p>",
                      _("The projects could not be read."));
    lu_buf_adds(b, "</table>");
    node_pages_page_end(resp);
}

/* ---- add and edit ---- */

/* A field's value to show: as typed when the form comes back, else the
 * project's (edit), else empty (add). */
static const char *value_of(struct lu_web_req *req, const Luyu__Project *p,
                            const struct field *f, char *buf, size_t len)
{
    const char *typed = lu_web_field(req, f->name, NULL, NULL);
    int64_t fen = 0;
    uint32_t n = 0;

    if (typed != NULL || p == NULL)
        return typed ? typed : "";
    if (strcmp(f->name, "name") == 0)
        return p->name;
    if (strcmp(f->name, "area") == 0)
        return p->area;
    if (strcmp(f->name, "partner") == 0)
        return p->partner;
    if (strcmp(f->name, "enterprise") == 0)
        return p->enterprise;
    fen = strcmp(f->name, "planned") == 0         ? p->planned
          : strcmp(f->name, "aid_planned") == 0   ? p->aid_planned
          : strcmp(f->name, "invested") == 0      ? p->invested
          : strcmp(f->name, "aid_disbursed") == 0 ? p->aid_disbursed
                                                  : 0;
    if (f->kind == F_MONEY)
        return lu_amount_format(fen, 100, buf, len);
    n = strcmp(f->name, "poor_lifted") == 0 ? p->poor_lifted : p->poor_jobs;
    snprintf(buf, len, "%u", n);
    return buf;
}

static void area_select(struct node_pages *np, const char *v, struct lu_buf *b)
{
    lu_buf_adds(b, "<select name=\"area\" id=\"f_area\">");
    for (size_t i = 0; i < np->ctx.plan->n_areas; i++) {
        const struct lu_plan_area *a = &np->ctx.plan->areas[i];

        /* Values in Chinese, which the node takes for codes: the page
         * shows no code to a person reading it. */
        lu_buf_adds(b, "<option value=\"");
        lu_html_esc(b, a->name);
        lu_buf_printf(b, "\"%s>",
                      strcmp(v, a->code) == 0 || strcmp(v, a->name) == 0
                          ? " selected"
                          : "");
        lu_html_esc(b, a->name);
        lu_buf_adds(b, "</option>");
    }
    lu_buf_adds(b, "</select>");
}

static void field_row(struct node_pages *np, struct lu_web_req *req,
                      const Luyu__Project *p, const struct field *f,
                      const struct problem *pr, struct lu_buf *b)
{
    char buf[64];
    const char *v = value_of(req, p, f, buf, sizeof(buf));

    lu_buf_printf(b, "<tr><th><label for=\"f_%s\">%s</label></th><td>", f->name,
                  _(f->label));
    if (f->kind == F_AREA) {
        area_select(np, v, b);
    } else {
        lu_buf_printf(b,
                      "<input type=\"text\" name=\"%s\" id=\"f_%s\"%s "
                      "value=\"",
                      f->name, f->name,
                      f->kind == F_TEXT ? "" : " inputmode=\"decimal\"");
        lu_html_esc(b, v);
        lu_buf_adds(b, "\">");
    }
    if (pr->field != NULL && strcmp(pr->field, f->name) == 0) {
        lu_buf_printf(b, "<div class=\"err\" id=\"err_%s\">", f->name);
        lu_html_esc(b, pr->on_field);
        lu_buf_adds(b, "</div>");
    }
    lu_buf_adds(b, "</td></tr>");
}

/* The add form (p NULL) or the edit form of p. */
static void change_form(struct node_pages *np, struct lu_web_req *req,
                        struct lu_web_resp *resp, const struct lu_session *ss,
                        const struct lu_webuser *u, const Luyu__Project *p,
                        const struct problem *pr)
{
    struct lu_buf *b = &resp->body;
    const char *id = lu_web_field(req, "id", NULL, NULL);
    const char *unit = lu_web_field(req, "unit", NULL, NULL);
    bool sent = strcmp(lu_web_method(req), "POST") == 0;
    bool over = sent ? lu_web_field(req, "over_plan", NULL, NULL) != NULL
                     : p != NULL && p->over_plan;

    resp->status = pr->msg ? 422 : 200;
    node_pages_page_start(np, ss, resp,
                          p ? _("Edit a project") : _("Add a project"));
    if (pr->msg != NULL) {
        lu_buf_printf(b, "<p class=\"problem\" id=\"problem\">%s ",
                      _("Nothing was stored:"));
        lu_html_esc(b, pr->msg);
        lu_buf_adds(b, "</p>");
    }
    lu_buf_printf(b, "<form method=\"post\" action=\"/projects/%s\">",
                  p ? "edit" : "add");
    lu_webauth_csrf_field(ss, b);
    lu_buf_adds(b, "<table>");
    if (p != NULL) {
        lu_buf_adds(b, "<input type=\"hidden\" name=\"id\" value=\"");
        lu_html_esc(b, p->id);
        lu_buf_adds(b, "\">");
        fact(b, _("Project"), p->id);
        fact(b, _("Unit"), unit_name(np, p->unit));
    } else {
        lu_buf_printf(b,
                      "<tr><th><label for=\"f_unit\">%s</label></th><td>"
                      "<select name=\"unit\" id=\"f_unit\">",
                      _("Unit"));
        unit_options(np, units_of(np, u), unit, b);
        lu_buf_printf(b,
                      "</select></td></tr><tr><th><label for=\"f_id\">%s"
                      "</label></th><td><input type=\"text\" name=\"id\" "
                      "id=\"f_id\" placeholder=\"cq-wanzhou-2021-001\" "
                      "value=\"",
                      _("Project number (UNIT-YYYY-NNN)"));
        lu_html_esc(b, id ? id : "");
        lu_buf_adds(b, "\"></td></tr>");
    }
    for (size_t i = 0; i < N_FIELDS; i++)
        field_row(np, req, p, &FIELDS[i], pr, b);
    lu_buf_printf(b,
                  "</table><p><label><input type=\"checkbox\" "
                  "name=\"over_plan\" value=\"1\"%s> %s</label></p>"
                  "<p><button id=\"save\">%s</button></p></form>",
                  over ? " checked" : "", _("Allow more invested than planned"),
                  _("Store"));
    node_pages_page_end(resp);
}

/* Whether message is about one of FIELDS ("planned: ..."): its field and
 * the rest go into pr. */
static void attribute(struct problem *pr, const char *message)
{
    pr->msg = message;
    for (size_t i = 0; i < N_FIELDS; i++) {
        size_t n = strlen(FIELDS[i].name);

        if (strncmp(message, FIELDS[i].name, n) == 0 && message[n] == ':') {
            pr->field = FIELDS[i].name;
            pr->on_field = message + n + (message[n + 1] == ' ' ? 2 : 1);
        }
    }
}

/* The typed fields into t. NULL, or a problem when a field holds a NUL,
 * which would cut the text short unseen. */
static const char *fill(struct lu_web_req *req, Luyu__CtlProject *t)
{
    char **slots[] = {&t->name,       &t->area,          &t->partner,
                      &t->enterprise, &t->planned,       &t->aid_planned,
                      &t->invested,   &t->aid_disbursed, &t->poor_lifted,
                      &t->poor_jobs};
    const char *bad = NULL;

    for (size_t i = 0; i < N_FIELDS; i++) {
        size_t len = 0;
        const char *v = lu_web_field(req, FIELDS[i].name, &len, NULL);

        if (v != NULL && strlen(v) != len)
            bad = _("A field holds a NUL character.");
        if (v != NULL)
            *slots[i] = (char *)v;
    }
    t->over_plan = lu_web_field(req, "over_plan", NULL, NULL) != NULL;
    return bad;
}

/* Sends one change as luyuctl would. On success answers with a redirect
 * to the project and returns NULL; else returns the node's message (a
 * heap string the caller frees). */
static char *submit(struct node_pages *np, const struct lu_session *ss,
                    Luyu__CtlProject *t, struct lu_web_resp *resp)
{
    Luyu__CtlProjects req = LUYU__CTL_PROJECTS__INIT;
    Luyu__CtlResponse r = LUYU__CTL_RESPONSE__INIT;
    char who[64], *msg = NULL;

    req.projects = &t;
    req.n_projects = 1;
    snprintf(who, sizeof(who), "web:%s", ss->user);
    node_projects_submit(np->ctx.intake, &req, who, &r);
    node_uplink_pump(np->ctx.uplink);
    if (r.code == LUYU__CTL_RESPONSE__CODE__OK) {
        struct lu_buf loc;

        lu_buf_init(&loc);
        lu_buf_printf(&loc, "/projects/show?done=1&id=%s", t->id);
        lu_webauth_redirect(resp, loc.data);
        lu_buf_free(&loc);
    } else {
        msg = lu_xstrdup(r.n_problems ? r.problems[0]->message : r.message);
    }
    node_intake_response_clear(&r);
    return msg;
}

static void add_post(struct node_pages *np, struct lu_web_req *req,
                     struct lu_web_resp *resp, const struct lu_session *ss,
                     const struct lu_webuser *u)
{
    Luyu__CtlProject t = LUYU__CTL_PROJECT__INIT;
    const char *id = lu_web_field(req, "id", NULL, NULL);
    const char *unit = lu_web_field(req, "unit", NULL, NULL);
    struct problem pr = {0};
    char *msg;

    if (unit == NULL || !lu_units_has(units_of(np, u), unit))
        return node_pages_refuse(np, resp, 403,
                                 _("You may not change projects of this "
                                   "unit."));
    t.kind = LUYU__PROJECT_EVENT__KIND__CREATED;
    t.id = (char *)(id ? id : "");
    t.unit = (char *)unit;
    pr.msg = fill(req, &t);
    msg = pr.msg ? NULL : submit(np, ss, &t, resp);
    if (pr.msg != NULL)
        change_form(np, req, resp, ss, u, NULL, &pr);
    if (msg != NULL) {
        attribute(&pr, msg);
        change_form(np, req, resp, ss, u, NULL, &pr);
    }
    free(msg);
}

static void edit_post(struct node_pages *np, struct lu_web_req *req,
                      struct lu_web_resp *resp, const struct lu_session *ss,
                      const struct lu_webuser *u)
{
    Luyu__CtlProject t = LUYU__CTL_PROJECT__INIT;
    Luyu__Project *p = NULL;
    struct problem pr = {0};
    char *msg;

    if (load(np, req, resp, u, &p) < 0)
        return;
    t.kind = LUYU__PROJECT_EVENT__KIND__EDITED;
    t.id = p->id;
    pr.msg = fill(req, &t);
    msg = pr.msg ? NULL : submit(np, ss, &t, resp);
    if (pr.msg != NULL)
        change_form(np, req, resp, ss, u, p, &pr);
    if (msg != NULL) {
        attribute(&pr, msg);
        change_form(np, req, resp, ss, u, p, &pr);
    }
    free(msg);
    luyu__project__free_unpacked(p, NULL);
}

static void stage_post(struct node_pages *np, struct lu_web_req *req,
                       struct lu_web_resp *resp, const struct lu_session *ss,
                       const struct lu_webuser *u)
{
    Luyu__CtlProject t = LUYU__CTL_PROJECT__INIT;
    Luyu__Project *p = NULL;
    const char *stage = lu_web_field(req, "stage", NULL, NULL);
    const char *date = lu_web_field(req, "date", NULL, NULL);
    size_t len = 0;
    const char *reason = lu_web_field(req, "reason", &len, NULL);
    char *msg;

    if (load(np, req, resp, u, &p) < 0)
        return;
    if (reason != NULL && strlen(reason) != len) {
        show_page(np, req, resp, ss, p, _("A field holds a NUL character."));
        luyu__project__free_unpacked(p, NULL);
        return;
    }
    t.kind = LUYU__PROJECT_EVENT__KIND__STAGED;
    t.id = p->id;
    t.stage = (char *)(stage ? stage : "");
    t.date = (char *)(date ? date : "");
    t.reason = (char *)(reason ? reason : "");
    msg = submit(np, ss, &t, resp);
    if (msg != NULL)
        show_page(np, req, resp, ss, p, msg);
    free(msg);
    luyu__project__free_unpacked(p, NULL);
}

void node_pages_projects(struct node_pages *np, struct lu_web_req *req,
                         struct lu_web_resp *resp, const struct lu_session *ss,
                         const struct lu_webuser *u, bool post)
{
    const char *path = lu_web_path(req);
    struct problem none = {0};
    Luyu__Project *p = NULL;

    if (strcmp(path, "/projects") == 0 && !post)
        return list_page(np, req, resp, ss, u);
    if (strcmp(path, "/projects/add") == 0)
        return post ? add_post(np, req, resp, ss, u)
                    : change_form(np, req, resp, ss, u, NULL, &none);
    if (strcmp(path, "/projects/edit") == 0 && post)
        return edit_post(np, req, resp, ss, u);
    if (strcmp(path, "/projects/stage") == 0 && post)
        return stage_post(np, req, resp, ss, u);
    if ((strcmp(path, "/projects/show") == 0 ||
         strcmp(path, "/projects/edit") == 0) &&
        !post) {
        if (load(np, req, resp, u, &p) < 0)
            return;
        if (strcmp(path, "/projects/show") == 0)
            show_page(np, req, resp, ss, p, NULL);
        else
            change_form(np, req, resp, ss, u, p, &none);
        luyu__project__free_unpacked(p, NULL);
        return;
    }
    node_pages_refuse(np, resp, 404, _("No such page."));
}
