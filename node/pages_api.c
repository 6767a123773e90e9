/* The JSON API for the district's other systems: POST /api/entries takes
 * entries as JSON (Content-Type: application/json: an array of {unit,
 * indicator, period, amount, note}) or a file as luyuctl import takes it
 * (CSV in UTF-8, GBK or UTF-16, or .xlsx). Either way the same reader
 * (common/import.c), the same checks and the same idempotency key, so a
 * retry after a lost answer stores nothing twice, and the same figures as
 * JSON or as CSV are one import. GET /api/entries lists this node's
 * entries with their delivery state. Both need "Authorization: Bearer
 * TOKEN" (node/tokens.h) and keep to the token's units. Answers are JSON
 * (common/json.h), in English: machines read them. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "amount.h"
#include "import.h"
#include "intake.h"
#include "json.h"
#include "outbox.h"
#include "pages_int.h"
#include "plan.h"
#include "reject.h"
#include "tokens.h"
#include "uplink.h"
#include "users.h"
#include "web.h"
#include "xmalloc.h"

#define MAX_API_LISTED 100000

static void json_start(struct lu_web_resp *resp, int status, struct lu_json *j)
{
    resp->status = status;
    resp->type = "application/json; charset=utf-8";
    lu_json_init(j, &resp->body);
    lu_json_object(j);
}

static void json_finish(struct lu_web_resp *resp, struct lu_json *j)
{
    lu_json_end(j);
    lu_buf_adds(&resp->body, "\n");
}

static void json_error(struct lu_web_resp *resp, int status, const char *msg)
{
    struct lu_json j;

    json_start(resp, status, &j);
    lu_json_kstr(&j, "error", msg);
    json_finish(resp, &j);
}

/* The reader's problems (r NULL) or the node's, each with its line (for a
 * JSON body: the entry's 1-based place in the array). */
static void problems_json(struct lu_web_resp *resp, const char *msg,
                          const struct lu_import *li,
                          const Luyu__CtlResponse *r)
{
    int *plines = NULL;
    char **pmsgs = NULL;
    size_t n =
        r ? r->n_problems : node_pages_import_problems(li, &plines, &pmsgs);
    struct lu_json j;

    json_start(resp, 422, &j);
    lu_json_kstr(&j, "error", msg);
    /* Data-quality warnings: the same request with ?confirm=1 stores it. */
    lu_json_key(&j, "needs_confirm");
    lu_json_bool(&j, r != NULL && r->needs_confirm);
    lu_json_key(&j, "problems");
    lu_json_array(&j);
    for (size_t i = 0; i < n; i++) {
        int line = r == NULL ? plines[i]
                   : r->problems[i]->index < li->n
                       ? li->lines[r->problems[i]->index]
                       : 0;

        lu_json_object(&j);
        lu_json_kint(&j, "line", line);
        lu_json_kstr(&j, "message", r ? r->problems[i]->message : pmsgs[i]);
        lu_json_end(&j);
    }
    lu_json_end(&j);
    json_finish(resp, &j);
    for (size_t i = 0; r == NULL && i < n; i++)
        free(pmsgs[i]);
    free(pmsgs);
    free(plines);
}

/* application/json (any parameters), else a file. */
static bool json_body(struct lu_web_req *req)
{
    const char *ct = lu_web_header(req, "Content-Type");

    return ct != NULL && strncasecmp(ct, "application/json", 16) == 0 &&
           (ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ');
}

static void stored(struct lu_web_resp *resp, const Luyu__CtlResponse *r)
{
    struct lu_json j;

    json_start(resp, r->repeat ? 200 : 201, &j);
    lu_json_key(&j, "repeat");
    lu_json_bool(&j, r->repeat);
    lu_json_key(&j, "ids");
    lu_json_array(&j);
    for (size_t i = 0; i < r->n_ids; i++)
        lu_json_str(&j, r->ids[i]);
    lu_json_end(&j);
    json_finish(resp, &j);
}

static void post_entries(struct node_pages *np, struct lu_web_req *req,
                         struct lu_web_resp *resp, const struct node_token *t)
{
    struct lu_import li;
    Luyu__CtlSubmit sub;
    Luyu__CtlResponse r = LUYU__CTL_RESPONSE__INIT;
    Luyu__CtlEntry **ptrs = NULL;
    const char *units = t->units[0] ? t->units : np->ctx.units, *data;
    bool json = json_body(req), foreign = false;
    uint8_t key[32];
    char who[64];
    size_t len;
    int rc;

    data = lu_web_body(req, &len);
    lu_import_init(&li, json ? "entries" : "body");
    rc = json ? lu_import_read_json(&li, np->ctx.plan, data, len)
              : lu_import_read(&li, np->ctx.plan, data, len, NULL, NULL);
    if (rc < 0) {
        problems_json(resp,
                      json ? "the entries do not read; nothing was stored"
                           : "the file does not read; nothing was stored",
                      &li, NULL);
        lu_import_close(&li);
        return;
    }
    for (size_t i = 0; i < li.n; i++)
        foreign = foreign || !lu_units_has(units, li.entries[i].unit);
    if (foreign) {
        json_error(resp, 403,
                   "an entry is for a unit this token may not report for; "
                   "nothing was stored");
        goto out;
    }
    lu_import_submit(&li, lu_web_query(req, "again") != NULL, false, key, &sub,
                     &ptrs);
    snprintf(who, sizeof(who), "api:%s", t->name);
    /* ?confirm=1: the calling system has checked the figures the node
     * warned about (node/quality.h), as luyuctl import --confirm. */
    sub.confirm = lu_web_query(req, "confirm") != NULL;
    node_intake_submit(np->ctx.intake, &sub, who, &r);
    node_uplink_pump(np->ctx.uplink);
    if (r.code != LUYU__CTL_RESPONSE__CODE__OK)
        problems_json(resp, r.message, &li, &r);
    else
        stored(resp, &r);
    node_intake_response_clear(&r);
out:
    free(ptrs);
    lu_import_close(&li);
}

struct api_list {
    struct node_pages *np;
    const char *units;
    struct lu_json *j;
};

static void api_row(void *arg, const struct node_outbox_rec *r)
{
    static const char *const STATES[] = {"pending", "acknowledged", "rejected"};
    struct api_list *l = arg;
    struct lu_json *j = l->j;
    const struct lu_plan_indicator *ind =
        lu_plan_indicator(l->np->ctx.plan, r->indicator);
    char id[100], per[16], a[32];

    if (!lu_units_has(l->units, r->unit))
        return;
    snprintf(id, sizeof(id), "%s/%llu", l->np->ctx.node_id,
             (unsigned long long)r->seq);
    lu_json_object(j);
    lu_json_kstr(j, "id", id);
    lu_json_kstr(j, "unit", r->unit);
    lu_json_kstr(j, "indicator", r->indicator);
    lu_json_kstr(j, "period", lu_period_format(r->period, per, sizeof(per)));
    lu_json_kstr(
        j, "amount",
        lu_amount_format(r->amount, ind ? ind->scale : 1, a, sizeof(a)));
    lu_json_kstr(j, "note", r->note);
    lu_json_kstr(j, "recorded_by", r->recorded_by);
    lu_json_kint(j, "recorded_at", r->recorded_at);
    lu_json_kstr(j, "corrects", r->corrects);
    lu_json_kstr(j, "state",
                 r->state >= 0 && r->state <= 2 ? STATES[r->state] : "?");
    lu_json_kstr(j, "reason", r->reason);
    lu_json_kstr(j, "reason_code", lu_reject_name(r->reject_code));
    lu_json_end(j);
}

static void get_entries(struct node_pages *np, struct lu_web_req *req,
                        struct lu_web_resp *resp, const struct node_token *t)
{
    struct lu_json j;
    struct api_list l = {np, t->units[0] ? t->units : np->ctx.units, &j};
    const char *ps = lu_web_query(req, "period");
    uint32_t period = 0;
    char err[128];

    if (ps != NULL && lu_period_parse(ps, &period, err, sizeof(err)) < 0)
        return json_error(resp, 400, err);
    json_start(resp, 200, &j);
    lu_json_key(&j, "entries");
    lu_json_array(&j);
    node_outbox_each(np->ctx.outbox, period, MAX_API_LISTED, api_row, &l);
    lu_json_end(&j);
    json_finish(resp, &j);
}

void node_pages_api(struct node_pages *np, struct lu_web_req *req,
                    struct lu_web_resp *resp)
{
    const char *auth = lu_web_header(req, "Authorization");
    const char *method = lu_web_method(req);
    struct node_token t;

    if (strcmp(lu_web_path(req), "/api/entries") != 0)
        return json_error(resp, 404, "no such API; try /api/entries");
    if (auth == NULL || strncmp(auth, "Bearer ", 7) != 0 ||
        node_tokens_find(np->ctx.outbox, auth + 7, &t) < 0) {
        lu_web_resp_header(resp, "WWW-Authenticate", "Bearer");
        return json_error(resp, 401,
                          "a valid API token is needed "
                          "(Authorization: Bearer TOKEN)");
    }
    if (strcmp(method, "GET") == 0)
        return get_entries(np, req, resp, &t);
    if (strcmp(method, "POST") == 0)
        return post_entries(np, req, resp, &t);
    lu_web_resp_header(resp, "Allow", "GET, POST");
    json_error(resp, 405, "GET or POST");
}
