#include "control.h"

#include <stdlib.h>

#include "ctlserver.h"
#include "entries.h"
#include "i18n.h"
#include "intake.h"
#include "outbox.h"
#include "projects.h"
#include "uplink.h"
#include "util.h"
#include "xmalloc.h"

#define MAX_STATUS_REJECTS 20

struct node_control {
    struct lu_ctlserver *server;
    struct node_control_ctx ctx;
};

static void fill_status(struct node_control *c, Luyu__CtlResponse *resp,
                        Luyu__CtlStatus *s, char **ids, char **reasons,
                        Luyu__CtlRejected *rj, Luyu__CtlRejected **rjp)
{
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
    n = node_outbox_rejects(c->ctx.outbox, MAX_STATUS_REJECTS, ids, reasons);
    for (size_t i = 0; i < n; i++) {
        luyu__ctl_rejected__init(&rj[i]);
        rj[i].id = ids[i];
        rj[i].reason = reasons[i];
        rjp[i] = &rj[i];
    }
    s->rejects = rjp;
    s->n_rejects = n;
    resp->status = s;
}

static void handle(void *data, const char *who, const Luyu__CtlRequest *req,
                   struct lu_buf *out)
{
    struct node_control *c = data;
    Luyu__CtlResponse resp = LUYU__CTL_RESPONSE__INIT;
    Luyu__CtlStatus s = LUYU__CTL_STATUS__INIT;
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
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_PROJECTS) {
        node_projects_submit(c->ctx.intake, req->projects, who, &resp);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_PROJECT_LIST) {
        node_projects_list(c->ctx.intake, req->project_list, &resp);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_STATUS) {
        fill_status(c, &resp, &s, ids, reasons, rj, rjp);
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_ENTRIES) {
        node_entries_answer(c->ctx.outbox, c->ctx.node_id, req->entries, &resp);
    } else {
        resp.code = LUYU__CTL_RESPONSE__CODE__BAD_INPUT;
        resp.message = lu_xstrdup(_("not a request a node answers"));
    }
    lu_i18n_leave(&lang);
    lu_ctlserver_pack(&resp, out);
    resp.status = NULL;
    node_entries_clear(&resp);
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
