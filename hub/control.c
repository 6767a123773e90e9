#include "control.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "bulletins.h"
#include "codec.h"
#include "ctlserver.h"
#include "groups.h"
#include "dbwatch.h"
#include "i18n.h"
#include "intake.h"
#include "ledger.h"
#include "log.h"
#include "plan.h"
#include "review.h"
#include "reviewstep.h"
#include "users.h"
#include "util.h"
#include "webusers_ctl.h"
#include "xmalloc.h"

#define MAX_NODES 10000

struct hub_control {
    struct lu_ctlserver *server;
    struct hub_control_ctx ctx;
    struct lu_webusers_ctl users; /* luyuctl user --hub */
};

/* Fills s from the ledger's node table and the live sessions. The node
 * states are heap allocated; free_status() frees them. */
static void fill_status(struct hub_control *c, Luyu__CtlHubStatus *s)
{
    struct hub_intake_stats st;
    struct ledger_node row;
    void *cursor = NULL;
    size_t cap = 0;

    s->hub_id = (char *)c->ctx.hub_id;
    s->listen = (char *)c->ctx.listen;
    s->province = (char *)(c->ctx.province ? c->ctx.province : "");
    s->started_at = c->ctx.started_at;
    hub_intake_stats(c->ctx.intake, &st);
    s->entries_committed = st.entries_committed;
    s->entries_duplicate = st.entries_duplicate;
    s->entries_rejected = st.entries_rejected;
    s->frames_malformed = st.frames_malformed;
    s->ledger = (char *)(c->ctx.dbwatch ? "postgresql" : "sqlite");
    if (c->ctx.dbwatch != NULL) {
        const struct ledger_pg_repl *rp = hub_dbwatch_repl(c->ctx.dbwatch);

        s->ledger_term = rp->term;
        s->sync_standbys = (uint32_t)rp->sync_standbys;
        s->standbys = (uint32_t)rp->standbys;
        s->synchronous_commit = (char *)rp->sync_commit;
    }
    while (s->n_nodes < MAX_NODES &&
           ledger_nodes(c->ctx.ledger, &cursor, &row) == 1) {
        Luyu__CtlNodeState *n = lu_xmalloc(sizeof(*n));
        uint64_t last_seq = 0;

        luyu__ctl_node_state__init(n);
        n->node_id = lu_xstrdup(row.node);
        n->connected = hub_intake_session(c->ctx.intake, row.node, &last_seq);
        n->last_seen = row.last_seen;
        n->entries = row.entries;
        n->rejects = row.rejects;
        n->hwm = row.hwm;
        n->backlog = last_seq > row.hwm ? last_seq - row.hwm : 0;
        /* Doubling: a province lists thousands of nodes. */
        if (s->n_nodes == cap) {
            cap = cap ? cap * 2 : 64;
            s->nodes = lu_xrealloc(s->nodes, cap * sizeof(n));
        }
        s->nodes[s->n_nodes++] = n;
    }
    if (cursor != NULL) {
        struct ledger_node rest;

        while (ledger_nodes(c->ctx.ledger, &cursor, &rest) == 1)
            ;
    }
}

/* Adds every bulletin held, own and the peer's, with its ack state. */
static void fill_bulletins(struct hub_control *c, Luyu__CtlHubStatus *s)
{
    struct ledger_bulletins_item *items = NULL;
    size_t n = 0;

    if (c->ctx.bulletins == NULL ||
        ledger_bulletins_list(c->ctx.bulletins, &items, &n) < 0)
        return;
    s->bulletins = lu_xcalloc(n ? n : 1, sizeof(*s->bulletins));
    for (size_t i = 0; i < n; i++) {
        Luyu__CtlBulletinState *b = lu_xmalloc(sizeof(*b));

        luyu__ctl_bulletin_state__init(b);
        b->province = lu_xstrdup(items[i].province);
        b->period = items[i].period;
        b->revision = items[i].revision;
        b->issued_at = items[i].issued_at;
        b->acked_at = items[i].acked_at;
        b->origin = lu_xstrdup(items[i].own ? "own" : "peer");
        s->bulletins[s->n_bulletins++] = b;
    }
    ledger_bulletins_items_free(items, n);
}

/* The most recent reminders for status --hub. */
#define MAX_STATUS_REMINDERS 20

static int keep_reminder(void *arg, const char *unit, uint32_t period,
                         const char *reason, int64_t at)
{
    Luyu__CtlHubStatus *s = arg;
    Luyu__ReviewNotice *v = lu_xmalloc(sizeof(*v));

    luyu__review_notice__init(v);
    v->unit = lu_xstrdup(unit);
    v->period = period;
    v->kind = LUYU__REVIEW_KIND__REVIEW_REMIND;
    v->by = lu_xstrdup("hub");
    v->at = at;
    v->reason = lu_xstrdup(reason);
    s->reminders =
        lu_xrealloc(s->reminders, (s->n_reminders + 1) * sizeof(*s->reminders));
    s->reminders[s->n_reminders++] = v;
    return 0;
}

static void free_status(Luyu__CtlHubStatus *s)
{
    ledger_review_notices_free(s->reminders, s->n_reminders);
    for (size_t i = 0; i < s->n_bulletins; i++) {
        free(s->bulletins[i]->province);
        free(s->bulletins[i]->origin);
        free(s->bulletins[i]);
    }
    free(s->bulletins);
    for (size_t i = 0; i < s->n_nodes; i++) {
        free(s->nodes[i]->node_id);
        free(s->nodes[i]);
    }
    free(s->nodes);
}

static void issue(struct hub_control *c, const Luyu__CtlBulletinIssue *req,
                  Luyu__CtlResponse *resp, char *msg, size_t len)
{
    uint32_t period;
    int r;

    if (c->ctx.issue == NULL) {
        resp->code = LUYU__CTL_RESPONSE__CODE__FAILED;
        snprintf(msg, len, "%s",
                 _("this hub issues no bulletins (no signing key "
                   "configured)"));
        return;
    }
    if (lu_period_parse(req->period, &period, msg, len) < 0) {
        resp->code = LUYU__CTL_RESPONSE__CODE__BAD_INPUT;
        return;
    }
    r = c->ctx.issue(c->ctx.issue_data, period, msg, len);
    if (r == -EINVAL)
        resp->code = LUYU__CTL_RESPONSE__CODE__BAD_INPUT;
    else if (r < 0)
        resp->code = LUYU__CTL_RESPONSE__CODE__FAILED;
}

/* luyuctl review accept | return | unlock: the province's step on a unit's
 * month, by a member of the review group; hub/reviewstep.c takes it, as
 * for the dashboard. */
static void review(struct hub_control *c, const char *who,
                   const Luyu__CtlReview *req, Luyu__CtlResponse *resp,
                   char *msg, size_t len)
{
    struct hub_reviewstep s = {
        .kind = req->kind,
        .unit = req->unit,
        .period = req->period,
        .reason = req->reason,
        .who = who,
        .province = c->ctx.province,
    };
    int r;

    resp->code = LUYU__CTL_RESPONSE__CODE__BAD_INPUT;
    r = lu_groups_member(who, c->ctx.review_group);
    if (r <= 0) {
        snprintf(msg, len,
                 _("%s is not a province reviewer: only members of the Unix "
                   "group %s accept, return and unlock months"),
                 who, c->ctx.review_group);
        return;
    }
    r = hub_reviewstep_take(c->ctx.ledger, c->ctx.plan, &s, msg, len);
    if (r == 0)
        resp->code = LUYU__CTL_RESPONSE__CODE__OK;
    else if (r != -EINVAL && r != -ENOTSUP)
        resp->code = LUYU__CTL_RESPONSE__CODE__FAILED;
}

static void handle(void *data, const char *who, const Luyu__CtlRequest *req,
                   struct lu_buf *out)
{
    struct hub_control *c = data;
    Luyu__CtlResponse resp = LUYU__CTL_RESPONSE__INIT;
    Luyu__CtlHubStatus s = LUYU__CTL_HUB_STATUS__INIT;
    char msg[512] = "";
    struct lu_i18n_scope lang;

    /* Messages for the person asking, in their language. */
    lu_i18n_enter(req ? req->lang : NULL, &lang);
    if (req == NULL) {
        resp.code = LUYU__CTL_RESPONSE__CODE__BAD_INPUT;
        snprintf(msg, sizeof(msg), "%s", _("undecodable request"));
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_HUB_STATUS ||
               req->body_case == LUYU__CTL_REQUEST__BODY_STATUS) {
        fill_status(c, &s);
        fill_bulletins(c, &s);
        if (ledger_review_max(ledger_sql_handle(c->ctx.ledger)) > 0)
            ledger_remind_each(ledger_sql_handle(c->ctx.ledger), 0,
                               MAX_STATUS_REMINDERS, keep_reminder, &s);
        resp.hub_status = &s;
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_BULLETIN_ISSUE) {
        issue(c, req->bulletin_issue, &resp, msg, sizeof(msg));
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_REVIEW) {
        review(c, who, req->review, &resp, msg, sizeof(msg));
    } else if (req->body_case == LUYU__CTL_REQUEST__BODY_USER) {
        char *none = resp.message; /* protobuf-c's static "" */

        lu_webusers_ctl(&c->users, req->user, who, &resp);
        if (resp.message != none) {
            snprintf(msg, sizeof(msg), "%s", resp.message);
            free(resp.message);
        }
    } else {
        resp.code = LUYU__CTL_RESPONSE__CODE__BAD_INPUT;
        snprintf(msg, sizeof(msg), "%s",
                 _("not a request a hub answers (submit entries at a "
                   "node)"));
    }
    lu_i18n_leave(&lang);
    resp.message = msg;
    lu_ctlserver_pack(&resp, out);
    free_status(&s);
    lu_webusers_ctl_clear(&resp);
}

struct hub_control *hub_control_new(uv_loop_t *loop, const char *path,
                                    const struct hub_control_ctx *ctx,
                                    char *err, size_t errlen)
{
    struct hub_control *c = lu_xcalloc(1, sizeof(*c));

    c->ctx = *ctx;
    c->users = (struct lu_webusers_ctl){
        .db = hub_users_db(ctx->users),
        .daemon = "hub",
        .roles = "viewer, reviewer or admin",
        .role_valid = hub_user_role_valid,
    };
    lu_webusers_ctl_init(&c->users);
    c->server = lu_ctlserver_new(loop, path, handle, c, err, errlen);
    if (c->server == NULL) {
        free(c);
        return NULL;
    }
    return c;
}

void hub_control_free(struct hub_control *c)
{
    if (c == NULL)
        return;
    lu_ctlserver_free(c->server);
    free(c);
}
