#include "control.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctlserver.h"
#include "entries.h"
#include "i18n.h"
#include "intake.h"
#include "outbox.h"
#include "spool.h"
#include "review.h"
#include "projects.h"
#include "uplink.h"
#include "tokens.h"
#include "users.h"
#include "webusers_ctl.h"
#include "log.h"
#include "util.h"
#include "xmalloc.h"

#define MAX_STATUS_REJECTS 20

struct node_control {
    struct lu_ctlserver *server;
    struct node_control_ctx ctx;
    struct lu_webusers_ctl users; /* luyuctl user (common/webusers_ctl.h) */
};

/* The spool's strings are borrowed: the answer is packed on this turn. */
static void fill_spool(const struct node_spool *spool, Luyu__CtlSpoolState *sp,
                       Luyu__CtlStatus *s)
{
    struct node_spool_info info;

    node_spool_info(spool, &info);
    sp->dir = (char *)info.dir;
    sp->waiting = info.waiting;
    sp->done = info.done;
    sp->failed = info.failed;
    sp->importing = (char *)(info.importing ? info.importing : "");
    sp->last_error = (char *)(info.last_error ? info.last_error : "");
    sp->last_error_at = info.last_error_at;
    s->spool = sp;
}

static void fill_status(struct node_control *c, Luyu__CtlResponse *resp,
                        Luyu__CtlStatus *s, Luyu__CtlSpoolState *sp, char **ids,
                        char **reasons, Luyu__CtlRejected *rj,
                        Luyu__CtlRejected **rjp)
{
    int codes[MAX_STATUS_REJECTS];
    struct node_outbox_stats st;
    struct node_uplink_info info;
    size_t n;

    node_outbox_stats(c->ctx.outbox, &st);
    node_uplink_info(c->ctx.uplink, &info);
    s->node_id = (char *)c->ctx.node_id;
    s->hub = (char *)c->ctx.hub;
    s->link_up = info.up;
    s->pending = st.pending;
    s->acknowledged = st.acknowledged;
    s->rejected = st.rejected;
    s->last_ack_age_s = st.last_ack_s ? lu_now_s() - st.last_ack_s : -1;
    s->last_seq = st.last_seq;
    s->hub_hwm = info.hub_hwm;
    /* In English, as the log has it: status --json is for scripts; the
     * text status translates the fixed reasons (N_() in uplink.c). */
    s->link_error = (char *)info.error;
    n = node_outbox_rejects(c->ctx.outbox, MAX_STATUS_REJECTS, ids, reasons,
                            codes);
    for (size_t i = 0; i < n; i++) {
        luyu__ctl_rejected__init(&rj[i]);
        rj[i].id = ids[i];
        rj[i].reason = reasons[i];
        rj[i].code = (Luyu__RejectCode)codes[i];
        rjp[i] = &rj[i];
    }
    s->rejects = rjp;
    s->n_rejects = n;
    if (c->ctx.spool != NULL)
        fill_spool(c->ctx.spool, sp, s);
    node_review_status(c->ctx.outbox, s);
    resp->status = s;
}

static void refuse(Luyu__CtlResponse *resp, int code, const char *fmt,
                   const char *arg)
{
    resp->code = code;
    resp->message = lu_xasprintf(fmt, arg);
}

static void tokens_clear(Luyu__CtlResponse *resp)
{
    for (size_t i = 0; i < resp->n_tokens; i++) {
        free(resp->tokens[i]->name);
        free(resp->tokens[i]->units);
        free(resp->tokens[i]->created_by);
        free(resp->tokens[i]);
    }
    free(resp->tokens);
    resp->tokens = NULL;
    resp->n_tokens = 0;
    if (resp->token != (char *)protobuf_c_empty_string)
        free(resp->token);
    resp->token = (char *)protobuf_c_empty_string;
}

static void token_list(struct node_control *c, Luyu__CtlResponse *resp)
{
    struct node_token *t;
    size_t n;

    if (node_tokens_list(c->ctx.outbox, &t, &n) < 0)
        return refuse(resp, LUYU__CTL_RESPONSE__CODE__FAILED,
                      "cannot read tokens%s", "");
    resp->tokens = lu_xcalloc(n ? n : 1, sizeof(*resp->tokens));
    for (size_t i = 0; i < n; i++) {
        Luyu__CtlTokenInfo *ti = lu_xmalloc(sizeof(*ti));

        luyu__ctl_token_info__init(ti);
        ti->name = lu_xstrdup(t[i].name);
        ti->units = lu_xstrdup(t[i].units);
        ti->revoked = t[i].revoked;
        ti->created_at = t[i].created_at;
        ti->created_by = lu_xstrdup(t[i].created_by);
        resp->tokens[i] = ti;
    }
    resp->n_tokens = n;
    free(t);
}

static void token_add(struct node_control *c, const Luyu__CtlToken *tk,
                      const char *who, Luyu__CtlResponse *resp)
{
    struct node_token t = {0};
    char token[NODE_API_TOKEN_LEN + 1];
    int r;

    if (strlen(tk->units) > LU_WEBUSER_UNITS_MAX ||
        !lu_units_subset(tk->units, c->ctx.units))
        return refuse(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT,
                      "units \"%s\": give units of this node only",
                      lu_utf8_fix(tk->units));
    snprintf(t.name, sizeof(t.name), "%s", tk->name);
    snprintf(t.units, sizeof(t.units), "%s", tk->units);
    snprintf(t.created_by, sizeof(t.created_by), "%s", who);
    r = node_tokens_add(c->ctx.outbox, &t, token);
    if (r == -EEXIST)
        return refuse(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT,
                      "a token named %s exists already", tk->name);
    if (r < 0)
        return refuse(resp, LUYU__CTL_RESPONSE__CODE__FAILED,
                      "cannot store token: %s", strerror(-r));
    resp->token = lu_xstrdup(token);
    lu_notice("API token %s made by %s", tk->name, who);
}

static void handle_token(struct node_control *c, const Luyu__CtlToken *tk,
                         const char *who, Luyu__CtlResponse *resp)
{
    int r;

    if (strcmp(who, "root") != 0 && strcmp(who, c->users.self) != 0)
        return refuse(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT,
                      "only root or the node's own user may manage API "
                      "tokens, not %s",
                      who);
    if (tk->op == LUYU__CTL_TOKEN__OP__LIST)
        return token_list(c, resp);
    if (!lu_webuser_name_valid(tk->name))
        return refuse(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT,
                      "token name \"%s\": use 1-32 of a-z 0-9 - _ .",
                      lu_utf8_fix(tk->name));
    if (tk->op == LUYU__CTL_TOKEN__OP__ADD)
        return token_add(c, tk, who, resp);
    r = node_tokens_revoke(c->ctx.outbox, tk->name);
    if (r == -ENOENT)
        refuse(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT, "no token %s",
               tk->name);
    else if (r < 0)
        refuse(resp, LUYU__CTL_RESPONSE__CODE__FAILED,
               "cannot revoke token: %s", strerror(-r));
    else
        lu_notice("API token %s revoked by %s", tk->name, who);
}

static void handle(void *data, const char *who, const Luyu__CtlRequest *req,
                   struct lu_buf *out)
{
    struct node_control *c = data;
    Luyu__CtlResponse resp = LUYU__CTL_RESPONSE__INIT;
    Luyu__CtlStatus s = LUYU__CTL_STATUS__INIT;
    Luyu__CtlSpoolState sp = LUYU__CTL_SPOOL_STATE__INIT;
    char *ids[MAX_STATUS_REJECTS] = {0}, *reasons[MAX_STATUS_REJECTS] = {0};
    Luyu__CtlRejected rj[MAX_STATUS_REJECTS];
    Luyu__CtlRejected *rjp[MAX_STATUS_REJECTS];
    struct lu_i18n_scope lang;

    /* Messages for the person asking, in their language. */
    lu_i18n_enter(req ? req->lang : NULL, &lang);
    if (req == NULL) {
        resp.code = LUYU__CTL_RESPONSE__CODE__BAD_INPUT;
        resp.message = lu_xstrdup(_("undecodable request"));
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_SUBMIT) {
        node_intake_submit(c->ctx.intake, req->submit, who, &resp);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_CORRECT) {
        node_intake_correct(c->ctx.intake, req->correct, who, &resp);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_TOKEN) {
        handle_token(c, req->token, who, &resp);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_USER) {
        lu_webusers_ctl(&c->users, req->user, who, &resp);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_PROJECTS) {
        node_projects_submit(c->ctx.intake, req->projects, who, &resp);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_PROJECT_LIST) {
        node_projects_list(c->ctx.intake, req->project_list, &resp);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_STATUS) {
        fill_status(c, &resp, &s, &sp, ids, reasons, rj, rjp);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_REVIEW) {
        node_review_submit(c->ctx.intake, c->ctx.review_group, req->review, who,
                           &resp);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_ENTRIES) {
        node_entries_answer(c->ctx.outbox, c->ctx.node_id, req->entries, &resp);
    } else {
        resp.code = LUYU__CTL_RESPONSE__CODE__BAD_INPUT;
        resp.message = lu_xstrdup(_("not a request a node answers"));
    }
    lu_i18n_leave(&lang);
    lu_ctlserver_pack(&resp, out);
    node_outbox_notices_free(s.reviews, s.n_reviews);
    resp.status = NULL;
    node_entries_clear(&resp);
    lu_webusers_ctl_clear(&resp);
    tokens_clear(&resp);
    node_projects_response_clear(&resp);
    node_intake_response_clear(&resp);
    for (size_t i = 0; i < MAX_STATUS_REJECTS; i++) {
        free(ids[i]);
        free(reasons[i]);
    }
    /* Entries may have been committed: start sending them now. */
    node_uplink_pump(c->ctx.uplink);
}

struct node_control *node_control_new(uv_loop_t *loop, const char *path,
                                      const struct node_control_ctx *ctx,
                                      char *err, size_t errlen)
{
    struct node_control *c = lu_xcalloc(1, sizeof(*c));

    c->ctx = *ctx;
    c->users = (struct lu_webusers_ctl){
        .db = node_outbox_db(ctx->outbox),
        .daemon = "node",
        .roles = "clerk or reviewer",
        .role_valid = node_user_role_valid,
        .units = ctx->units,
    };
    lu_webusers_ctl_init(&c->users);
    c->server = lu_ctlserver_new(loop, path, handle, c, err, errlen);
    if (c->server == NULL) {
        free(c);
        return NULL;
    }
    return c;
}

void node_control_free(struct node_control *c)
{
    if (c == NULL)
        return;
    lu_ctlserver_free(c->server);
    free(c);
}
