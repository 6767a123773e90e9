/* The clerk's pages for figures: the month's entry form, what was entered
 * with its delivery state, and corrections with a reason. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amount.h"
#include "html.h"
#include "i18n.h"
#include "intake.h"
#include "outbox.h"
#include "pages_int.h"
#include "plan.h"
#include "reject.h"
#include "review.h"
#include "session.h"
#include "uplink.h"
#include "users.h"
#include "web.h"
#include "webauth.h"
#include "xmalloc.h"

#define MAX_LISTED 500
#define MAX_MONTH 100000

static const char *unit_word(const char *base_unit)
{
    if (strcmp(base_unit, "yuan") == 0)
        return _("yuan");
    if (strcmp(base_unit, "persons") == 0)
        return _("persons");
    return _("items");
}

static void amount_text(struct lu_buf *b, const struct lu_plan_indicator *ind,
                        int64_t amount)
{
    char a[32];

    lu_amount_format(amount, ind->scale, a, sizeof(a));
    lu_buf_printf(b, "%s %s", a, unit_word(ind->base_unit));
}

/* The unit the page is about: ?unit= or the form's, when the user may
 * report for it; else the user's first unit. Into out; false when the
 * asked unit is not the user's. */
static bool pick_unit(struct node_pages *np, struct lu_web_req *req,
                      const struct lu_webuser *u, char *out, size_t len)
{
    const char *units = node_user_units(u, np->ctx.units);
    const char *want = lu_web_query(req, "unit");

    if (want == NULL)
        want = lu_web_field(req, "unit", NULL, NULL);
    if (want != NULL) {
        snprintf(out, len, "%s", want);
        return lu_units_has(units, want);
    }
    snprintf(out, len, "%.*s", (int)strcspn(units, ", "), units);
    return true;
}

/* ?period= or the form's; else last month, within the plan. */
static uint32_t pick_period(struct node_pages *np, struct lu_web_req *req)
{
    const char *s = lu_web_query(req, "period");
    char err[128];
    uint32_t p;
    time_t now = time(NULL);
    struct tm tm;

    if (s == NULL)
        s = lu_web_field(req, "period", NULL, NULL);
    if (s != NULL && lu_period_parse(s, &p, err, sizeof(err)) == 0)
        return p;
    localtime_r(&now, &tm);
    p = (uint32_t)(tm.tm_year + 1900) * 100 + (uint32_t)tm.tm_mon + 1;
    p = p % 100 == 1 ? p - 100 + 11 : p - 1;
    if (p > np->ctx.plan->end)
        p = np->ctx.plan->end;
    if (p < np->ctx.plan->start)
        p = np->ctx.plan->start;
    return p;
}

/* What the month holds so far, per indicator: the current figure of each
 * chain (an entry no later entry corrects). Rows come newest first, so a
 * correction is seen before what it corrects. */
struct month {
    struct node_pages *np;
    const char *unit;
    int64_t *sums; /* per plan indicator */
    uint64_t *superseded;
    size_t n_superseded, cap;
};

static void month_row(void *arg, const struct node_outbox_rec *r)
{
    struct month *m = arg;
    const char *slash = strrchr(r->corrects, '/');
    bool current = true;

    for (size_t i = 0; i < m->n_superseded; i++)
        current = current && m->superseded[i] != r->seq;
    if (current && strcmp(r->unit, m->unit) == 0 && r->state != NODE_REJECTED) {
        for (size_t i = 0; i < m->np->ctx.plan->n_indicators; i++) {
            if (strcmp(m->np->ctx.plan->indicators[i].code, r->indicator) == 0)
                m->sums[i] += r->amount;
        }
    }
    if (slash != NULL) {
        if (m->n_superseded == m->cap) {
            m->cap = m->cap ? m->cap * 2 : 16;
            m->superseded =
                lu_xrealloc(m->superseded, m->cap * sizeof(*m->superseded));
        }
        m->superseded[m->n_superseded++] = strtoull(slash + 1, NULL, 10);
    }
}

static void target_text(struct lu_buf *b, const struct lu_plan_indicator *ind)
{
    if (ind->target_kind == LU_TARGET_YEARLY_MIN) {
        lu_buf_printf(b, "%s ", _("at least, a year:"));
        amount_text(b, ind, ind->target);
    } else if (ind->target_kind == LU_TARGET_PERIOD_MIN) {
        lu_buf_printf(b, "%s ", _("at least, over the plan:"));
        amount_text(b, ind, ind->target);
    } else if (ind->target_kind == LU_TARGET_NONE) {
        lu_buf_adds(b, "—");
    } else {
        lu_html_esc(b, _("see the plan"));
    }
}

static void unit_options(struct node_pages *np, const struct lu_webuser *u,
                         const char *unit, struct lu_buf *b)
{
    const char *units = node_user_units(u, np->ctx.units);

    for (size_t i = 0; i < np->ctx.plan->n_units; i++) {
        const struct lu_plan_unit *pu = &np->ctx.plan->units[i];

        if (!lu_units_has(units, pu->code))
            continue;
        lu_buf_printf(b, "<option value=\"%s\"%s>", pu->code,
                      strcmp(pu->code, unit) == 0 ? " selected" : "");
        lu_html_esc(b, pu->name);
        lu_buf_adds(b, "</option>");
    }
}

static void form_row(struct lu_web_req *req,
                     const struct lu_plan_indicator *ind, int64_t so_far,
                     const char *error, struct lu_buf *b)
{
    char name[160];
    const char *v;

    lu_buf_adds(b, "<tr><td>");
    lu_html_esc(b, ind->name);
    lu_buf_adds(b, "</td><td>");
    lu_html_esc(b, unit_word(ind->base_unit));
    lu_buf_adds(b, "</td><td>");
    target_text(b, ind);
    lu_buf_adds(b, "</td><td>");
    amount_text(b, ind, so_far);
    snprintf(name, sizeof(name), "amt_%s", ind->code);
    v = lu_web_field(req, name, NULL, NULL);
    lu_buf_printf(b,
                  "</td><td><input type=\"text\" inputmode=\"decimal\" "
                  "name=\"%s\" id=\"%s\" aria-label=\"",
                  name, name);
    lu_html_esc(b, ind->name);
    lu_buf_adds(b, "\" value=\"");
    lu_html_esc(b, v ? v : "");
    lu_buf_adds(b, "\">");
    if (error != NULL) {
        lu_buf_printf(b, "<div class=\"err\" id=\"err_%s\">", ind->code);
        lu_html_esc(b, error);
        lu_buf_adds(b, "</div>");
    }
    snprintf(name, sizeof(name), "note_%s", ind->code);
    v = lu_web_field(req, name, NULL, NULL);
    lu_buf_printf(b, "</td><td><input type=\"text\" name=\"%s\" value=\"",
                  name);
    lu_html_esc(b, v ? v : "");
    lu_buf_adds(b, "\"></td></tr>");
}

/* Says so above the form when the province accepted (locked) the month:
 * the intake refuses its figures with the same reason. */
static void lock_note(struct node_pages *np, const char *unit, uint32_t period,
                      struct lu_buf *b)
{
    char why[256];

    if (!node_review_locked(np->ctx.outbox, unit, period, why, sizeof(why)))
        return;
    lu_buf_printf(b, "<p class=\"problem\" id=\"locked\">%s ",
                  _("This month is locked:"));
    lu_html_esc(b, why);
    lu_buf_adds(b, "</p>");
}

void node_pages_form_page(struct node_pages *np, struct lu_web_req *req,
                          struct lu_web_resp *resp, const struct lu_session *ss,
                          const struct lu_webuser *u, char **errors,
                          bool confirm)
{
    const struct lu_plan *plan = np->ctx.plan;
    struct lu_buf *b = &resp->body;
    struct month m = {.np = np};
    char unit[80], per[16], nonce[LU_TOKEN_LEN + 1];
    unsigned char raw[LU_TOKEN_LEN / 2];
    uint32_t period = pick_period(np, req);

    if (!pick_unit(np, req, u, unit, sizeof(unit)))
        return node_pages_refuse(np, resp, 403,
                                 _("You may not report for this unit."));
    m.unit = unit;
    m.sums = lu_xcalloc(plan->n_indicators + 1, sizeof(*m.sums));
    node_outbox_each(np->ctx.outbox, period, MAX_MONTH, month_row, &m);
    if (resp->status == 0 || resp->status == 500)
        resp->status = errors ? 422 : 200;
    node_pages_page_start(np, ss, resp, _("Enter the month's figures"));
    lock_note(np, unit, period, b);
    if (lu_web_query(req, "added") != NULL)
        lu_buf_printf(b, "<p class=\"banner\" id=\"banner\">%s</p>",
                      _("Stored. The figures are on their way to the "
                        "province."));
    if (errors != NULL && confirm)
        lu_buf_printf(b, "<p class=\"problem\" id=\"problem\">%s</p>",
                      _("Nothing was stored: the marked figures look "
                        "unusual. Check them; if they are right, tick the "
                        "box below the form and store again."));
    else if (errors != NULL)
        lu_buf_printf(b, "<p class=\"problem\" id=\"problem\">%s</p>",
                      _("Nothing was stored: correct the marked fields."));
    /* A nonce per rendered form: sending the same form twice (a reload, a
     * double click) stores it once. */
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(nonce, sizeof(nonce), raw, sizeof(raw));
    lu_buf_printf(b,
                  "<form method=\"get\" action=\"/form\"><label>%s <select "
                  "name=\"unit\">",
                  _("Unit"));
    unit_options(np, u, unit, b);
    lu_buf_printf(b,
                  "</select></label> <label>%s <input type=\"month\" "
                  "name=\"period\" value=\"%s\"></label> <button>%s</button>"
                  "</form><form method=\"post\" action=\"/form\">",
                  _("Month"), lu_period_format(period, per, sizeof(per)),
                  _("Show"));
    lu_webauth_csrf_field(ss, b);
    lu_buf_printf(b,
                  "<input type=\"hidden\" name=\"unit\" value=\"%s\">"
                  "<input type=\"hidden\" name=\"period\" value=\"%s\">"
                  "<input type=\"hidden\" name=\"nonce\" value=\"%s\">",
                  unit, per, nonce);
    for (size_t a = 0; a < plan->n_areas; a++) {
        lu_buf_adds(b, "<fieldset><legend>");
        lu_html_esc(b, plan->areas[a].name);
        lu_buf_printf(b,
                      "</legend><table><tr><th>%s</th><th>%s</th><th>%s"
                      "</th><th>%s</th><th>%s</th><th>%s</th></tr>",
                      _("Indicator"), _("Unit of measure"), _("Target"),
                      _("Entered so far this month"), _("Add"), _("Note"));
        for (size_t i = 0; i < plan->n_indicators; i++) {
            if (strcmp(plan->indicators[i].area, plan->areas[a].code) == 0)
                form_row(req, &plan->indicators[i], m.sums[i],
                         errors ? errors[i] : NULL, b);
        }
        lu_buf_adds(b, "</table></fieldset>");
    }
    /* Data-quality warnings (node/quality.h) are confirmed by ticking, as
     * luyuctl's --confirm; the box is there only after a warning. */
    if (confirm)
        lu_buf_printf(b,
                      "<p><label><input type=\"checkbox\" name=\"confirm\" "
                      "value=\"1\" id=\"confirm\"> %s</label></p>",
                      _("I have checked the marked figures and they are "
                        "right"));
    lu_buf_printf(b, "<p><button id=\"save\">%s</button></p></form>",
                  _("Store"));
    node_pages_page_end(resp);
    free(m.sums);
    free(m.superseded);
}

/* Checks one typed amount; NULL when good, else a message for the field. */
static const char *check_amount(const struct lu_plan_indicator *ind,
                                const char *s)
{
    char err[160];
    int64_t v;
    int r = lu_amount_parse(s, ind->scale, &v, err, sizeof(err));

    if (r == -ERANGE)
        return _("Too large for one entry (at most 10 billion yuan).");
    if (r < 0 && ind->scale == 1)
        return _("Whole numbers only: digits, no sign, no separators.");
    if (r < 0)
        return _("Not an amount: digits with at most two decimals, no sign "
                 "or separators, e.g. 1234.50.");
    return NULL;
}

static void submit(struct node_pages *np, struct lu_web_req *req,
                   struct lu_web_resp *resp, const struct lu_session *ss,
                   const struct lu_webuser *u, Luyu__CtlEntry **ep, size_t n,
                   size_t *index)
{
    const struct lu_plan *plan = np->ctx.plan;
    Luyu__CtlSubmit sub = LUYU__CTL_SUBMIT__INIT;
    Luyu__CtlResponse r = LUYU__CTL_RESPONSE__INIT;
    const char *nonce = lu_web_field(req, "nonce", NULL, NULL);
    uint8_t key[crypto_hash_sha256_BYTES];
    char who[64], **errors;

    sub.entries = ep;
    sub.n_entries = n;
    if (nonce != NULL && strlen(nonce) == LU_TOKEN_LEN) {
        crypto_hash_sha256(key, (const uint8_t *)nonce, strlen(nonce));
        sub.import_key.data = key;
        sub.import_key.len = sizeof(key);
    }
    snprintf(who, sizeof(who), "web:%s", ss->user);
    sub.confirm = lu_web_field(req, "confirm", NULL, NULL) != NULL;
    node_intake_submit(np->ctx.intake, &sub, who, &r);
    node_uplink_pump(np->ctx.uplink);
    if (r.code == LUYU__CTL_RESPONSE__CODE__OK) {
        char loc[160];

        snprintf(loc, sizeof(loc), "/form?added=%zu&unit=%s&period=%s", n,
                 ep[0]->unit, ep[0]->period);
        lu_webauth_redirect(resp, loc);
        node_intake_response_clear(&r);
        return;
    }
    /* The node's own checks (the plan's period, the unit): on the field,
     * or for the whole form. */
    errors = lu_xcalloc(plan->n_indicators, sizeof(*errors));
    for (size_t i = 0; i < r.n_problems; i++) {
        if (r.problems[i]->index < n)
            errors[index[r.problems[i]->index]] = r.problems[i]->message;
    }
    if (r.n_problems == 0)
        node_pages_refuse(np, resp, 422, r.message);
    else
        node_pages_form_page(np, req, resp, ss, u, errors, r.needs_confirm);
    free(errors);
    node_intake_response_clear(&r);
}

void node_pages_form_post(struct node_pages *np, struct lu_web_req *req,
                          struct lu_web_resp *resp, const struct lu_session *ss,
                          const struct lu_webuser *u)
{
    const struct lu_plan *plan = np->ctx.plan;
    size_t ni = plan->n_indicators, n = 0, *index;
    Luyu__CtlEntry *e = lu_xcalloc(ni, sizeof(*e)), **ep;
    const char *period = lu_web_field(req, "period", NULL, NULL);
    char **errors = lu_xcalloc(ni, sizeof(*errors)), unit[80], name[160];
    bool bad = false;

    ep = lu_xcalloc(ni, sizeof(*ep));
    index = lu_xcalloc(ni, sizeof(*index));
    if (!pick_unit(np, req, u, unit, sizeof(unit)) || period == NULL) {
        node_pages_refuse(np, resp, 403,
                          _("You may not report for this unit."));
        goto out;
    }
    for (size_t i = 0; i < ni; i++) {
        const struct lu_plan_indicator *ind = &plan->indicators[i];
        const char *v, *note;

        snprintf(name, sizeof(name), "amt_%s", ind->code);
        v = lu_web_field(req, name, NULL, NULL);
        if (v == NULL || v[0] == '\0')
            continue;
        errors[i] = (char *)check_amount(ind, v);
        bad = bad || errors[i] != NULL;
        snprintf(name, sizeof(name), "note_%s", ind->code);
        note = lu_web_field(req, name, NULL, NULL);
        luyu__ctl_entry__init(&e[n]);
        e[n].unit = unit;
        e[n].indicator = ind->code;
        e[n].period = (char *)period;
        e[n].amount = (char *)v;
        e[n].note = (char *)(note ? note : "");
        index[n] = i;
        ep[n] = &e[n];
        n++;
    }
    if (bad || n == 0) {
        if (n == 0)
            errors[0] = (char *)_("Nothing to store: type at least one "
                                  "figure.");
        node_pages_form_page(np, req, resp, ss, u, errors, false);
    } else {
        submit(np, req, resp, ss, u, ep, n, index);
    }
out:
    free(e);
    free(ep);
    free(index);
    free(errors);
}

/* ---- what we entered ---- */

struct listing {
    struct node_pages *np;
    const struct lu_session *ss;
    const char *units;
    struct lu_buf *b;
    size_t shown;
};

static void state_text(const struct node_outbox_rec *r, struct lu_buf *b)
{
    node_pages_delivery(r->state, r->reject_code, r->reason, b);
}

static void correct_form(struct listing *l, const char *id, struct lu_buf *b)
{
    lu_buf_printf(b,
                  "<details><summary>%s</summary><form method=\"post\" "
                  "action=\"/correct\">",
                  _("Correct"));
    lu_webauth_csrf_field(l->ss, b);
    lu_buf_printf(b,
                  "<input type=\"hidden\" name=\"id\" value=\"%s\">"
                  "<label>%s <input type=\"text\" name=\"amount\"></label>"
                  "<label>%s <input type=\"text\" name=\"reason\"></label>"
                  "<label><input type=\"checkbox\" name=\"confirm\" "
                  "value=\"1\"> %s</label>"
                  "<button>%s</button></form></details>",
                  id, _("Right figure"), _("Reason (required)"),
                  _("After a warning: checked, store it anyway"),
                  _("Store the correction"));
}

static void entry_row(void *arg, const struct node_outbox_rec *r)
{
    struct listing *l = arg;
    const struct lu_plan *plan = l->np->ctx.plan;
    const struct lu_plan_indicator *ind = lu_plan_indicator(plan, r->indicator);
    const struct lu_plan_unit *pu = lu_plan_unit(plan, r->unit);
    struct lu_buf *b = l->b;
    char id[100], per[16], when[32];

    if (!lu_units_has(l->units, r->unit) || l->shown >= MAX_LISTED)
        return;
    l->shown++;
    snprintf(id, sizeof(id), "%s/%llu", l->np->ctx.node_id,
             (unsigned long long)r->seq);
    lu_buf_printf(b, "<tr id=\"e%llu\"><td>%s</td><td>",
                  (unsigned long long)r->seq, id);
    lu_html_esc(b, pu ? pu->name : r->unit);
    lu_buf_adds(b, "</td><td>");
    lu_html_esc(b, ind ? ind->name : r->indicator);
    lu_buf_printf(b, "</td><td>%s</td><td class=\"amount\">",
                  lu_period_format(r->period, per, sizeof(per)));
    if (ind != NULL)
        amount_text(b, ind, r->amount);
    lu_buf_adds(b, "</td><td class=\"note\">");
    if (r->corrects[0] != '\0') {
        char *c = lu_xasprintf(_("corrects %s:"), r->corrects);

        lu_html_esc(b, c);
        lu_buf_adds(b, " ");
        free(c);
    }
    lu_html_esc(b, r->note);
    lu_buf_adds(b, "</td><td>");
    lu_html_esc(b, r->recorded_by);
    lu_buf_printf(b, " %s</td><td>",
                  node_pages_time(r->recorded_at, when, sizeof(when)));
    state_text(r, b);
    lu_buf_printf(b, "</td><td><a href=\"/history?id=%s\">%s</a> ", id,
                  _("History"));
    correct_form(l, id, b);
    lu_buf_adds(b, "</td></tr>");
}

void node_pages_entries_page(struct node_pages *np, struct lu_web_req *req,
                             struct lu_web_resp *resp,
                             const struct lu_session *ss,
                             const struct lu_webuser *u, const char *problem)
{
    struct lu_buf *b = &resp->body;
    struct listing l = {np, ss, node_user_units(u, np->ctx.units), b, 0};
    const char *ps = lu_web_query(req, "period");
    uint32_t period = 0;
    char err[128];

    if (ps != NULL && ps[0] != '\0' &&
        lu_period_parse(ps, &period, err, sizeof(err)) < 0)
        period = 0;
    if (resp->status == 0 || resp->status == 500)
        resp->status = problem ? 422 : 200;
    node_pages_page_start(np, ss, resp, _("What we entered"));
    if (problem != NULL) {
        lu_buf_adds(b, "<p class=\"problem\" id=\"problem\">");
        lu_html_esc(b, problem);
        lu_buf_adds(b, "</p>");
    }
    if (lu_web_query(req, "imported") != NULL)
        lu_buf_printf(b, "<p class=\"banner\" id=\"banner\">%s</p>",
                      lu_web_query(req, "repeat")
                          ? _("This file was stored before; nothing was "
                              "stored again.")
                          : _("The file is stored, all of it."));
    if (lu_web_query(req, "corrected") != NULL)
        lu_buf_printf(b, "<p class=\"banner\" id=\"banner\">%s</p>",
                      _("The correction is stored."));
    lu_buf_printf(b,
                  "<form method=\"get\" action=\"/entries\"><label>%s "
                  "<input type=\"month\" name=\"period\"></label> <button>%s"
                  "</button></form><table id=\"entries\"><tr><th>%s</th>"
                  "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                  "<th>%s</th><th>%s</th><th></th></tr>",
                  _("Month"), _("Show"), _("Entry"), _("Unit"), _("Indicator"),
                  _("Month"), _("Amount"), _("Note"), _("Entered by"),
                  _("Delivery"));
    node_outbox_each(np->ctx.outbox, period, MAX_MONTH, entry_row, &l);
    lu_buf_adds(b, "</table>");
    if (l.shown == 0)
        lu_buf_printf(b, "<p>%s</p>", _("Nothing entered yet."));
    node_pages_page_end(resp);
}

void node_pages_correct_post(struct node_pages *np, struct lu_web_req *req,
                             struct lu_web_resp *resp,
                             const struct lu_session *ss,
                             const struct lu_webuser *u)
{
    Luyu__CtlCorrect c = LUYU__CTL_CORRECT__INIT;
    Luyu__CtlResponse r = LUYU__CTL_RESPONSE__INIT;
    const char *id = lu_web_field(req, "id", NULL, NULL);
    const char *amount = lu_web_field(req, "amount", NULL, NULL);
    const char *reason = lu_web_field(req, "reason", NULL, NULL);
    const char *slash = id ? strrchr(id, '/') : NULL;
    Luyu__Entry e;
    int state;
    char who[64], loc[128];

    if (reason == NULL || reason[strspn(reason, " \t")] == '\0')
        return node_pages_entries_page(np, req, resp, ss, u,
                                       _("A correction needs a reason."));
    if (amount == NULL || amount[0] == '\0')
        return node_pages_entries_page(np, req, resp, ss, u,
                                       _("Give the right figure."));
    /* Only entries of the user's own units. */
    if (slash == NULL ||
        node_outbox_get(np->ctx.outbox, strtoull(slash + 1, NULL, 10), &e,
                        &state) < 0)
        return node_pages_entries_page(np, req, resp, ss, u,
                                       _("No such entry at this node."));
    state = lu_units_has(node_user_units(u, np->ctx.units), e.unit);
    node_outbox_entry_clear(&e);
    if (!state)
        return node_pages_refuse(np, resp, 403,
                                 _("You may not report for this unit."));
    c.id = (char *)id;
    c.amount = (char *)amount;
    c.note = (char *)reason;
    /* A data-quality warning (node/quality.h) is confirmed by the form's
     * tick box, as luyuctl correct --confirm. */
    c.confirm = lu_web_field(req, "confirm", NULL, NULL) != NULL;
    snprintf(who, sizeof(who), "web:%s", ss->user);
    node_intake_correct(np->ctx.intake, &c, who, &r);
    node_uplink_pump(np->ctx.uplink);
    if (r.code == LUYU__CTL_RESPONSE__CODE__OK) {
        snprintf(loc, sizeof(loc), "/entries?corrected=1");
        lu_webauth_redirect(resp, loc);
    } else {
        node_pages_entries_page(np, req, resp, ss, u,
                                r.n_problems ? r.problems[0]->message
                                             : r.message);
    }
    node_intake_response_clear(&r);
}

/* ---- the history of a figure: the entry and every correction of it ---- */

struct chain {
    struct listing l;
    uint64_t *seqs; /* in the chain so far */
    size_t n;
    struct node_outbox_rec *rows; /* the month's rows, oldest first */
    char **texts;                 /* their strings, kept */
    size_t n_rows;
};

static void keep_row(void *arg, const struct node_outbox_rec *r)
{
    struct chain *c = arg;
    struct node_outbox_rec *k;

    c->rows = lu_xrealloc(c->rows, (c->n_rows + 1) * sizeof(*c->rows));
    c->texts = lu_xrealloc(c->texts, (c->n_rows + 1) * 6 * sizeof(char *));
    k = &c->rows[c->n_rows];
    *k = *r;
    k->unit = c->texts[c->n_rows * 6] = lu_xstrdup(r->unit);
    k->indicator = c->texts[c->n_rows * 6 + 1] = lu_xstrdup(r->indicator);
    k->note = c->texts[c->n_rows * 6 + 2] = lu_xstrdup(r->note);
    k->recorded_by = c->texts[c->n_rows * 6 + 3] = lu_xstrdup(r->recorded_by);
    k->corrects = c->texts[c->n_rows * 6 + 4] = lu_xstrdup(r->corrects);
    k->reason = c->texts[c->n_rows * 6 + 5] = lu_xstrdup(r->reason);
    c->n_rows++;
}

static bool in_chain(const struct chain *c, const char *corrects)
{
    const char *slash = strrchr(corrects, '/');
    uint64_t seq = slash ? strtoull(slash + 1, NULL, 10) : 0;

    for (size_t i = 0; i < c->n && seq; i++) {
        if (c->seqs[i] == seq)
            return true;
    }
    return false;
}

void node_pages_history_page(struct node_pages *np, struct lu_web_req *req,
                             struct lu_web_resp *resp,
                             const struct lu_session *ss,
                             const struct lu_webuser *u)
{
    const char *id = lu_web_query(req, "id");
    const char *slash = id ? strrchr(id, '/') : NULL;
    struct chain c = {
        .l = {np, ss, node_user_units(u, np->ctx.units), &resp->body, 0}};
    uint64_t root = slash ? strtoull(slash + 1, NULL, 10) : 0;
    Luyu__Entry e;
    int state;

    if (root == 0 || node_outbox_get(np->ctx.outbox, root, &e, &state) < 0)
        return node_pages_entries_page(np, req, resp, ss, u,
                                       _("No such entry at this node."));
    state = lu_units_has(c.l.units, e.unit);
    if (state)
        node_outbox_each(np->ctx.outbox, e.period, MAX_MONTH, keep_row, &c);
    node_outbox_entry_clear(&e);
    if (!state)
        return node_pages_refuse(np, resp, 403,
                                 _("You may not report for this unit."));
    resp->status = 200;
    node_pages_page_start(np, ss, resp, _("History of a figure"));
    lu_buf_printf(c.l.b,
                  "<table id=\"history\"><tr><th>%s</th><th>%s</th><th>%s"
                  "</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s"
                  "</th><th></th></tr>",
                  _("Entry"), _("Unit"), _("Indicator"), _("Month"),
                  _("Amount"), _("Note"), _("Entered by"), _("Delivery"));
    c.seqs = lu_xcalloc(c.n_rows + 1, sizeof(*c.seqs));
    /* Oldest first: a correction comes after what it corrects. */
    for (size_t i = c.n_rows; i-- > 0;) {
        const struct node_outbox_rec *r = &c.rows[i];

        if (r->seq == root || in_chain(&c, r->corrects)) {
            c.seqs[c.n++] = r->seq;
            entry_row(&c.l, r);
        }
    }
    lu_buf_adds(c.l.b, "</table>");
    node_pages_page_end(resp);
    for (size_t i = 0; i < c.n_rows * 6; i++)
        free(c.texts[i]);
    free(c.texts);
    free(c.rows);
    free(c.seqs);
}
