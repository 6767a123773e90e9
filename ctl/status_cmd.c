/* luyuctl status: "is it working, and how far behind is it" for one node:
 * the link to the hub, what is still pending, and the entries the hub
 * refused for good with its reasons. */
#include <stdio.h>
#include <string.h>

#include "amount.h"
#include "args.h"
#include "ctl.h"
#include "hub_status.h"
#include "i18n.h"
#include "json.h"
#include "node.h"
#include "output.h"
#include "reject.h"
#include "remindtext.h"
#include "table.h"
#include "util.h"

/* The node answers status from memory and one small query. */
#define STATUS_TIMEOUT_MS 10000

static const char USAGE[] =
    N_("usage: luyuctl --node SOCK status [--json]\n"
       "       luyuctl status --hub SOCK [--json]\n"
       "\n"
       "With --hub (the hub's control socket, STATE_DIR/control.sock by\n"
       "default): every node the hub knows, connected or not, last seen,\n"
       "entries received, rejects, backlog (entries the node holds that the\n"
       "hub lacks), and the bulletins. Otherwise, for the node:\n"
       "Shows the node's id and hub, whether the link is up, how many entries\n"
       "are pending, acknowledged and rejected, the last seq, the hub's\n"
       "high-water mark, when the hub last acknowledged anything, and the\n"
       "most recent entries the hub rejected, with the reasons.\n"
       "\n"
       "  --json   one JSON object: pending, acknowledged, rejected,\n"
       "           last_ack_age_s (-1: never), last_seq, hub_hwm, link_up,\n"
       "           node_id, hub, link_error, rejects [{id, reason, "
       "reason_code}],\n"
       "           spool {dir, waiting, importing, done, failed,\n"
       "           last_error, last_error_at} (with a spool directory),\n"
       "           reviews [{id, unit, period, state, by, at, reason}]: the\n"
       "           province's latest step on each month (accepted,\n"
       "           returned, unlocked)\n");

static void json_spool(struct lu_json *j, const Luyu__CtlSpoolState *sp)
{
    lu_json_key(j, "spool");
    lu_json_object(j);
    lu_json_kstr(j, "dir", sp->dir);
    lu_json_kuint(j, "waiting", sp->waiting);
    lu_json_kstr(j, "importing", sp->importing);
    lu_json_kuint(j, "done", sp->done);
    lu_json_kuint(j, "failed", sp->failed);
    lu_json_kstr(j, "last_error", sp->last_error);
    lu_json_kint(j, "last_error_at", sp->last_error_at);
    lu_json_end(j);
}

static const char *review_code(Luyu__ReviewKind k)
{
    return k == LUYU__REVIEW_KIND__REVIEW_ACCEPT   ? "accepted"
           : k == LUYU__REVIEW_KIND__REVIEW_RETURN ? "returned"
           : k == LUYU__REVIEW_KIND__REVIEW_UNLOCK ? "unlocked"
           : k == LUYU__REVIEW_KIND__REVIEW_REMIND ? "reminder"
                                                   : "?";
}

static void render_json(const Luyu__CtlStatus *s, struct lu_buf *b)
{
    struct lu_json j;
    char per[8];

    lu_json_init(&j, b);
    lu_json_object(&j);
    lu_json_kstr(&j, "node_id", s->node_id);
    lu_json_kstr(&j, "hub", s->hub);
    lu_json_key(&j, "link_up");
    lu_json_bool(&j, s->link_up);
    lu_json_kstr(&j, "link_error", s->link_error);
    lu_json_kuint(&j, "pending", s->pending);
    lu_json_kuint(&j, "acknowledged", s->acknowledged);
    lu_json_kuint(&j, "rejected", s->rejected);
    lu_json_kint(&j, "last_ack_age_s", s->last_ack_age_s);
    lu_json_kuint(&j, "last_seq", s->last_seq);
    lu_json_kuint(&j, "hub_hwm", s->hub_hwm);
    lu_json_key(&j, "rejects");
    lu_json_array(&j);
    for (size_t i = 0; i < s->n_rejects; i++) {
        lu_json_object(&j);
        lu_json_kstr(&j, "id", s->rejects[i]->id);
        lu_json_kstr(&j, "reason", s->rejects[i]->reason);
        lu_json_kstr(&j, "reason_code", lu_reject_name(s->rejects[i]->code));
        lu_json_end(&j);
    }
    lu_json_end(&j);
    lu_json_key(&j, "reviews");
    lu_json_array(&j);
    for (size_t i = 0; i < s->n_reviews; i++) {
        const Luyu__ReviewNotice *v = s->reviews[i];

        lu_json_object(&j);
        lu_json_kuint(&j, "id", v->id);
        lu_json_kstr(&j, "unit", v->unit);
        lu_json_kstr(&j, "period", lu_period_format(v->period, per, 8));
        lu_json_kstr(&j, "state", review_code(v->kind));
        lu_json_kstr(&j, "by", v->by);
        lu_json_kint(&j, "at", v->at);
        lu_json_kstr(&j, "reason", v->reason);
        lu_json_end(&j);
    }
    lu_json_end(&j);
    if (s->spool != NULL)
        json_spool(&j, s->spool);
    lu_json_end(&j);
    lu_buf_adds(b, "\n");
}

/* The province's latest step on each month it told this node of, and
 * its reminders. */
static void render_reviews(const Luyu__CtlStatus *s, struct lu_buf *b)
{
    struct ctl_table *t;
    char per[8], at[40];

    if (s->n_reviews == 0)
        return;
    t = ctl_table_new(5);
    for (size_t i = 0; i < s->n_reviews; i++) {
        const Luyu__ReviewNotice *v = s->reviews[i];
        const char *what =
            v->kind == LUYU__REVIEW_KIND__REVIEW_ACCEPT ? _("accepted (locked)")
            : v->kind == LUYU__REVIEW_KIND__REVIEW_RETURN ? _("returned")
            : v->kind == LUYU__REVIEW_KIND__REVIEW_UNLOCK ? _("unlocked")
                                                          : _("reminder");
        const char *why = v->kind == LUYU__REVIEW_KIND__REVIEW_REMIND
                              ? lu_remindtext_say(v->reason)
                          : v->reason[0]
                              ? v->reason
                              : ctl_output_time(v->at, at, sizeof(at));

        ctl_table_add(
            t, (const char *[]){lu_period_format(v->period, per, sizeof(per)),
                                v->unit, what,
                                v->kind == LUYU__REVIEW_KIND__REVIEW_REMIND
                                    ? _("the province")
                                    : v->by,
                                why});
    }
    lu_buf_printf(b, "\n%s\n", _("the province's review of your months:"));
    ctl_table_render(t, b, "  ");
    ctl_table_free(t);
}

static void add_count(struct ctl_table *t, const char *what, uint64_t n)
{
    char v[32];

    snprintf(v, sizeof(v), "%llu", (unsigned long long)n);
    ctl_table_add(t, (const char *[]){what, v});
}

/* The spool's rows. Its last problem is the node's log line, in English:
 * for people it says when, and points to failed/ and the log. */
static void spool_rows(struct ctl_table *t, const Luyu__CtlSpoolState *sp)
{
    char at[40], last[128];

    ctl_table_add(t, (const char *[]){_("spool"), sp->dir});
    add_count(t, _("spool: waiting"), sp->waiting);
    ctl_table_add(
        t, (const char *[]){_("spool: importing"),
                            sp->importing[0] ? sp->importing : _("nothing")});
    add_count(t, _("spool: in done/"), sp->done);
    add_count(t, _("spool: in failed/"), sp->failed);
    if (sp->last_error_at == 0)
        snprintf(last, sizeof(last), "%s", _("none"));
    else
        snprintf(last, sizeof(last),
                 _("at %s (reasons in failed/ and the node's log)"),
                 ctl_output_time(sp->last_error_at, at, sizeof(at)));
    ctl_table_add(t, (const char *[]){_("spool: last problem"), last});
}

static void render_text(const Luyu__CtlStatus *s, struct lu_buf *b)
{
    struct ctl_table *t = ctl_table_new(2);
    char link[512], age[64];

    /* _("") would be the catalogue's header. */
    snprintf(link, sizeof(link), "%s%s%s", s->link_up ? _("up") : _("down"),
             s->link_error[0] ? ": " : "",
             s->link_error[0] ? _(s->link_error) : "");
    ctl_table_add(t, (const char *[]){_("node"), s->node_id});
    ctl_table_add(t, (const char *[]){_("hub"), s->hub});
    ctl_table_add(t, (const char *[]){_("link"), link});
    add_count(t, _("pending"), s->pending);
    add_count(t, _("acknowledged"), s->acknowledged);
    add_count(t, _("rejected"), s->rejected);
    add_count(t, _("last seq"), s->last_seq);
    add_count(t, _("hub hwm"), s->hub_hwm);
    ctl_table_add(
        t, (const char *[]){_("last ack"), ctl_output_age(s->last_ack_age_s,
                                                          age, sizeof(age))});
    if (s->spool != NULL)
        spool_rows(t, s->spool);
    ctl_table_render(t, b, "");
    ctl_table_free(t);
    render_reviews(s, b);
    if (s->n_rejects == 0)
        return;
    t = ctl_table_new(2);
    for (size_t i = 0; i < s->n_rejects; i++)
        ctl_table_add(t,
                      (const char *[]){s->rejects[i]->id,
                                       lu_reject_say(s->rejects[i]->code,
                                                     s->rejects[i]->reason)});
    lu_buf_printf(b,
                  _("\nrejected by the hub (most recent %zu, newest first):\n"),
                  s->n_rejects);
    ctl_table_render(t, b, "  ");
    ctl_table_free(t);
}

int ctl_status_cmd(const struct ctl_global *g, int argc, char **argv)
{
    Luyu__CtlRequest req = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlStatusRequest sreq = LUYU__CTL_STATUS_REQUEST__INIT;
    Luyu__CtlResponse *resp = NULL;
    const char *json = NULL, *hub = NULL;
    const struct ctl_opt opts[] = {{"--json", CTL_OPT_FLAG, &json},
                                   {"--hub", CTL_OPT_VALUE, &hub}};
    struct ctl_args a = {.cmd = "status", .opts = opts, .n_opts = 2};
    struct lu_buf b;
    int r;

    r = ctl_args_parse(&a, argc, argv);
    if (r != CTL_EXIT_OK)
        return r;
    if (a.help)
        return ctl_output_usage(USAGE);
    if (hub != NULL)
        return ctl_hub_status(hub, json != NULL);
    r = ctl_node_need(g, "status");
    if (r != CTL_EXIT_OK)
        return r;
    req.body_case = LUYU__CTL_REQUEST__BODY_STATUS;
    req.status = &sreq;
    r = ctl_node_call(g, &req, STATUS_TIMEOUT_MS, &resp);
    if (r != CTL_EXIT_OK)
        return r;
    lu_buf_init(&b);
    if (resp->code != LUYU__CTL_RESPONSE__CODE__OK || resp->status == NULL) {
        r = resp->code != LUYU__CTL_RESPONSE__CODE__OK
                ? ctl_node_refused(resp)
                : ctl_output_error(CTL_EXIT_FAIL,
                                   _("the node's answer holds no status"));
        goto out;
    }
    if (json != NULL)
        render_json(resp->status, &b);
    else
        render_text(resp->status, &b);
    r = ctl_output_write(&b);
out:
    lu_buf_free(&b);
    luyu__ctl_response__free_unpacked(resp, NULL);
    return r;
}
