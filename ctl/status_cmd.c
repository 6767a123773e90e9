/* luyuctl status: "is it working, and how far behind is it" for one node:
 * the link to the hub, what is still pending, and the entries the hub
 * refused for good with its reasons. */
#include <stdio.h>

#include "args.h"
#include "ctl.h"
#include "hub_status.h"
#include "i18n.h"
#include "node.h"
#include "output.h"
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
       "           node_id, hub, link_error, rejects [{id, reason}]\n");

static void render_json(const Luyu__CtlStatus *s, struct lu_buf *b)
{
    lu_buf_adds(b, "{\"node_id\":");
    lu_buf_json_str(b, s->node_id);
    lu_buf_adds(b, ",\"hub\":");
    lu_buf_json_str(b, s->hub);
    lu_buf_printf(
        b, ",\"link_up\":%s,\"link_error\":", s->link_up ? "true" : "false");
    lu_buf_json_str(b, s->link_error);
    lu_buf_printf(
        b,
        ",\"pending\":%llu,\"acknowledged\":%llu,"
        "\"rejected\":%llu,\"last_ack_age_s\":%lld,"
        "\"last_seq\":%llu,\"hub_hwm\":%llu,\"rejects\":[",
        (unsigned long long)s->pending, (unsigned long long)s->acknowledged,
        (unsigned long long)s->rejected, (long long)s->last_ack_age_s,
        (unsigned long long)s->last_seq, (unsigned long long)s->hub_hwm);
    for (size_t i = 0; i < s->n_rejects; i++) {
        lu_buf_adds(b, i ? ",{\"id\":" : "{\"id\":");
        lu_buf_json_str(b, s->rejects[i]->id);
        lu_buf_adds(b, ",\"reason\":");
        lu_buf_json_str(b, s->rejects[i]->reason);
        lu_buf_adds(b, "}");
    }
    lu_buf_adds(b, "]}\n");
}

static void add_count(struct ctl_table *t, const char *what, uint64_t n)
{
    char v[32];

    snprintf(v, sizeof(v), "%llu", (unsigned long long)n);
    ctl_table_add(t, (const char *[]){what, v});
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
    ctl_table_render(t, b, "");
    ctl_table_free(t);
    if (s->n_rejects == 0)
        return;
    t = ctl_table_new(2);
    for (size_t i = 0; i < s->n_rejects; i++)
        ctl_table_add(
            t, (const char *[]){s->rejects[i]->id, s->rejects[i]->reason});
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
