/* The JSON API for the district's other systems: POST /api/entries takes a
 * file as luyuctl import takes it (CSV in UTF-8, GBK or UTF-16, or .xlsx;
 * the same parser, common/import.c, the same checks, the same
 * idempotency key, so a retry after a lost answer stores nothing twice)
 * and GET /api/entries lists this node's entries with their delivery
 * state, both with "Authorization: Bearer TOKEN" (node/tokens.h) and
 * limited to the token's units. Answers are JSON, in English: machines
 * read them. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "import.h"
#include "intake.h"
#include "outbox.h"
#include "pages_int.h"
#include "plan.h"
#include "tokens.h"
#include "uplink.h"
#include "users.h"
#include "web.h"
#include "xmalloc.h"

#define MAX_API_LISTED 100000

static void json_error(struct lu_web_resp *resp, int status, const char *msg)
{
    resp->status = status;
    resp->type = "application/json; charset=utf-8";
    lu_buf_adds(&resp->body, "{\"error\": ");
    lu_buf_json_str(&resp->body, msg);
    lu_buf_adds(&resp->body, "}\n");
}

/* The parser's problems (r NULL) or the node's, each with its line. */
static void problems_json(struct lu_web_resp *resp, const char *msg,
                          const struct lu_import *li,
                          const Luyu__CtlResponse *r)
{
    struct lu_buf *b = &resp->body;
    int *plines = NULL;
    char **pmsgs = NULL;
    size_t n =
        r ? r->n_problems : node_pages_import_problems(li, &plines, &pmsgs);

    resp->status = 422;
    resp->type = "application/json; charset=utf-8";
    lu_buf_adds(b, "{\"error\": ");
    lu_buf_json_str(b, msg);
    lu_buf_adds(b, ", \"problems\": [");
    for (size_t i = 0; i < n; i++) {
        int line = r == NULL ? plines[i]
                   : r->problems[i]->index < li->n
                       ? li->lines[r->problems[i]->index]
                       : 0;

        lu_buf_printf(b, "%s{\"line\": %d, \"message\": ", i ? ", " : "", line);
        lu_buf_json_str(b, r ? r->problems[i]->message : pmsgs[i]);
        lu_buf_adds(b, "}");
    }
    lu_buf_adds(b, "]}\n");
    for (size_t i = 0; r == NULL && i < n; i++)
        free(pmsgs[i]);
    free(pmsgs);
    free(plines);
}

static void post_entries(struct node_pages *np, struct lu_web_req *req,
                         struct lu_web_resp *resp, const struct node_token *t)
{
    struct lu_import li;
    Luyu__CtlSubmit sub;
    Luyu__CtlResponse r = LUYU__CTL_RESPONSE__INIT;
    Luyu__CtlEntry **ptrs = NULL;
    const char *units = t->units[0] ? t->units : np->ctx.units, *data;
    uint8_t key[32];
    char who[64];
    size_t len;
    bool foreign = false;

    data = lu_web_body(req, &len);
    lu_import_init(&li, "body");
    if (lu_import_read(&li, np->ctx.plan, data, len, NULL, NULL) < 0) {
        problems_json(resp, "the file does not read; nothing was stored", &li,
                      NULL);
        lu_import_close(&li);
        return;
    }
    for (size_t i = 0; i < li.n; i++)
        foreign = foreign || !lu_units_has(units, li.entries[i].unit);
    if (foreign) {
        json_error(resp, 403,
                   "a row is for a unit this token may not "
                   "report for; nothing was stored");
        goto out;
    }
    lu_import_submit(&li, lu_web_query(req, "again") != NULL, false, key, &sub,
                     &ptrs);
    snprintf(who, sizeof(who), "api:%s", t->name);
    node_intake_submit(np->ctx.intake, &sub, who, &r);
    node_uplink_pump(np->ctx.uplink);
    if (r.code != LUYU__CTL_RESPONSE__CODE__OK) {
        problems_json(resp, r.message, &li, &r);
    } else {
        resp->status = r.repeat ? 200 : 201;
        resp->type = "application/json; charset=utf-8";
        lu_buf_printf(&resp->body, "{\"repeat\": %s, \"ids\": [",
                      r.repeat ? "true" : "false");
        for (size_t i = 0; i < r.n_ids; i++) {
            lu_buf_adds(&resp->body, i ? ", " : "");
            lu_buf_json_str(&resp->body, r.ids[i]);
        }
        lu_buf_adds(&resp->body, "]}\n");
    }
    node_intake_response_clear(&r);
out:
    free(ptrs);
    lu_import_close(&li);
}

struct api_list {
    struct node_pages *np;
    const char *units;
    struct lu_buf *b;
    size_t n;
};

static void api_row(void *arg, const struct node_outbox_rec *r)
{
    static const char *const STATES[] = {"pending", "acknowledged", "rejected"};
    struct api_list *l = arg;
    const struct lu_plan_indicator *ind =
        lu_plan_indicator(l->np->ctx.plan, r->indicator);
    char id[100], per[16], a[32];

    if (!lu_units_has(l->units, r->unit))
        return;
    snprintf(id, sizeof(id), "%s/%llu", l->np->ctx.node_id,
             (unsigned long long)r->seq);
    lu_buf_adds(l->b, l->n++ ? ",\n {\"id\": " : "\n {\"id\": ");
    lu_buf_json_str(l->b, id);
    lu_buf_adds(l->b, ", \"unit\": ");
    lu_buf_json_str(l->b, r->unit);
    lu_buf_adds(l->b, ", \"indicator\": ");
    lu_buf_json_str(l->b, r->indicator);
    lu_buf_printf(
        l->b, ", \"period\": \"%s\", \"amount\": \"%s\"",
        lu_period_format(r->period, per, sizeof(per)),
        lu_amount_format(r->amount, ind ? ind->scale : 1, a, sizeof(a)));
    lu_buf_adds(l->b, ", \"note\": ");
    lu_buf_json_str(l->b, r->note);
    lu_buf_adds(l->b, ", \"recorded_by\": ");
    lu_buf_json_str(l->b, r->recorded_by);
    lu_buf_printf(l->b, ", \"recorded_at\": %lld, \"corrects\": ",
                  (long long)r->recorded_at);
    lu_buf_json_str(l->b, r->corrects);
    lu_buf_printf(l->b, ", \"state\": \"%s\", \"reason\": ",
                  r->state >= 0 && r->state <= 2 ? STATES[r->state] : "?");
    lu_buf_json_str(l->b, r->reason);
    lu_buf_adds(l->b, "}");
}

static void get_entries(struct node_pages *np, struct lu_web_req *req,
                        struct lu_web_resp *resp, const struct node_token *t)
{
    struct api_list l = {np, t->units[0] ? t->units : np->ctx.units,
                         &resp->body, 0};
    const char *ps = lu_web_query(req, "period");
    uint32_t period = 0;
    char err[128];

    if (ps != NULL && lu_period_parse(ps, &period, err, sizeof(err)) < 0)
        return json_error(resp, 400, err);
    resp->status = 200;
    resp->type = "application/json; charset=utf-8";
    lu_buf_adds(&resp->body, "{\"entries\": [");
    node_outbox_each(np->ctx.outbox, period, MAX_API_LISTED, api_row, &l);
    lu_buf_adds(&resp->body, "]}\n");
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
