#include "hub_status.h"

#include <stdio.h>
#include <string.h>

#include "amount.h"
#include "ctl.h"
#include "i18n.h"
#include "json.h"
#include "node.h"
#include "output.h"
#include "table.h"
#include "util.h"

#define HUB_STATUS_TIMEOUT_MS 10000

/* {"backend":"postgresql","term":3,...}: where the ledger is (issue 20). */
/* The ledger's backend (issue 20), and on PostgreSQL its replication. */
static void json_ledger(struct lu_json *j, const Luyu__CtlHubStatus *s)
{
    bool pg = strcmp(s->ledger, "postgresql") == 0;

    lu_json_key(j, "ledger");
    lu_json_object(j);
    lu_json_kstr(j, "backend", pg ? "postgresql" : "sqlite");
    if (pg) {
        lu_json_kint(j, "term", s->ledger_term);
        lu_json_kuint(j, "sync_standbys", s->sync_standbys);
        lu_json_kuint(j, "standbys", s->standbys);
        lu_json_kstr(j, "synchronous_commit", s->synchronous_commit);
    }
    lu_json_end(j);
}

static void render_json(const Luyu__CtlHubStatus *s, struct lu_buf *b)
{
    struct lu_json j;
    char per[8];

    lu_json_init(&j, b);
    lu_json_object(&j);
    lu_json_kstr(&j, "hub_id", s->hub_id);
    lu_json_kstr(&j, "listen", s->listen);
    lu_json_kstr(&j, "province", s->province);
    lu_json_kint(&j, "started_at", s->started_at);
    lu_json_kuint(&j, "entries_committed", s->entries_committed);
    lu_json_kuint(&j, "entries_duplicate", s->entries_duplicate);
    lu_json_kuint(&j, "entries_rejected", s->entries_rejected);
    lu_json_kuint(&j, "frames_malformed", s->frames_malformed);
    lu_json_key(&j, "nodes");
    lu_json_array(&j);
    for (size_t i = 0; i < s->n_nodes; i++) {
        const Luyu__CtlNodeState *n = s->nodes[i];

        lu_json_object(&j);
        lu_json_kstr(&j, "node_id", n->node_id);
        lu_json_key(&j, "connected");
        lu_json_bool(&j, n->connected);
        lu_json_kint(&j, "last_seen", n->last_seen);
        lu_json_kuint(&j, "entries", n->entries);
        lu_json_kuint(&j, "rejects", n->rejects);
        lu_json_kuint(&j, "hwm", n->hwm);
        lu_json_kuint(&j, "backlog", n->backlog);
        lu_json_end(&j);
    }
    lu_json_end(&j);
    lu_json_key(&j, "bulletins");
    lu_json_array(&j);
    for (size_t i = 0; i < s->n_bulletins; i++) {
        const Luyu__CtlBulletinState *t = s->bulletins[i];

        lu_json_object(&j);
        lu_json_kstr(&j, "province", t->province);
        lu_json_kuint(&j, "period", t->period);
        lu_json_kuint(&j, "revision", t->revision);
        lu_json_kint(&j, "issued_at", t->issued_at);
        lu_json_kint(&j, "acked_at", t->acked_at);
        lu_json_kstr(&j, "origin", t->origin);
        lu_json_end(&j);
    }
    lu_json_end(&j);
    /* The most recent reminders (hub/remind.h), newest first. */
    lu_json_key(&j, "reminders");
    lu_json_array(&j);
    for (size_t i = 0; i < s->n_reminders; i++) {
        const Luyu__ReviewNotice *v = s->reminders[i];

        lu_json_object(&j);
        lu_json_kstr(&j, "unit", v->unit);
        lu_json_kstr(&j, "period", lu_period_format(v->period, per, 8));
        lu_json_kstr(&j, "reason", v->reason);
        lu_json_kint(&j, "at", v->at);
        lu_json_end(&j);
    }
    lu_json_end(&j);
    json_ledger(&j, s);
    lu_json_end(&j);
    lu_buf_adds(b, "\n");
}

static void render_nodes(const Luyu__CtlHubStatus *s, struct lu_buf *b)
{
    struct ctl_table *t = ctl_table_new(6);
    int64_t now = lu_now_s();

    ctl_table_add(t,
                  (const char *[]){_("node"), _("link"), _("last seen"),
                                   _("entries"), _("rejects"), _("backlog")});
    for (size_t i = 0; i < s->n_nodes; i++) {
        const Luyu__CtlNodeState *n = s->nodes[i];
        char seen[64], e[32], r[32], bl[32];

        ctl_output_age(n->last_seen ? now - n->last_seen : -1, seen,
                       sizeof(seen));
        snprintf(e, sizeof(e), "%llu", (unsigned long long)n->entries);
        snprintf(r, sizeof(r), "%llu", (unsigned long long)n->rejects);
        snprintf(bl, sizeof(bl), "%llu", (unsigned long long)n->backlog);
        ctl_table_add(t, (const char *[]){n->node_id,
                                          n->connected ? _("up") : _("down"),
                                          seen, e, r, bl});
    }
    ctl_table_render(t, b, "  ");
    ctl_table_free(t);
}

static void render_text(const Luyu__CtlHubStatus *s, struct lu_buf *b)
{
    lu_buf_printf(b, _("hub %s (%s) listening on %s\n"), s->hub_id,
                  s->province[0] ? s->province : _("any province"), s->listen);
    lu_buf_printf(b,
                  _("entries committed %llu, duplicates ignored %llu, "
                    "rejected %llu, malformed frames %llu (since start)\n\n"),
                  (unsigned long long)s->entries_committed,
                  (unsigned long long)s->entries_duplicate,
                  (unsigned long long)s->entries_rejected,
                  (unsigned long long)s->frames_malformed);
    if (strcmp(s->ledger, "postgresql") == 0)
        lu_buf_printf(b,
                      _("ledger in PostgreSQL, this hub active (term %lld), "
                        "%u of %u standbys synchronous, synchronous_commit "
                        "%s\n\n"),
                      (long long)s->ledger_term, s->sync_standbys, s->standbys,
                      s->synchronous_commit);
    if (s->n_nodes == 0)
        lu_buf_adds(b, _("no node has reported yet\n"));
    else
        render_nodes(s, b);
    for (size_t i = 0; i < s->n_bulletins; i++) {
        const Luyu__CtlBulletinState *t = s->bulletins[i];
        char p[8];

        if (i == 0)
            lu_buf_adds(b, _("\nbulletins:\n"));
        lu_buf_printf(b, _("  %s %s rev %u (%s)%s\n"), t->province,
                      lu_period_format(t->period, p, sizeof(p)), t->revision,
                      strcmp(t->origin, "own") == 0 ? _("own") : _("peer"),
                      t->acked_at ? _(", acknowledged by the peer")
                      : strcmp(t->origin, "own") == 0
                          ? _(", not yet acknowledged")
                          : "");
    }
    for (size_t i = 0; i < s->n_reminders; i++) {
        const Luyu__ReviewNotice *v = s->reminders[i];
        char p[8], at[40];

        if (i == 0)
            lu_buf_adds(b, _("\nreminders sent (newest first):\n"));
        lu_buf_printf(b, "  %s %s %s (%s)\n", v->unit,
                      lu_period_format(v->period, p, sizeof(p)), v->reason,
                      ctl_output_time(v->at, at, sizeof(at)));
    }
}

int ctl_hub_status(const char *sock, bool json)
{
    Luyu__CtlRequest req = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlHubStatusRequest sreq = LUYU__CTL_HUB_STATUS_REQUEST__INIT;
    struct ctl_global g = {.node = sock, .daemon = "luyu-hub"};
    Luyu__CtlResponse *resp = NULL;
    struct lu_buf b;
    int r;

    req.body_case = LUYU__CTL_REQUEST__BODY_HUB_STATUS;
    req.hub_status = &sreq;
    r = ctl_node_call(&g, &req, HUB_STATUS_TIMEOUT_MS, &resp);
    if (r != CTL_EXIT_OK)
        return r;
    lu_buf_init(&b);
    if (resp->code != LUYU__CTL_RESPONSE__CODE__OK ||
        resp->hub_status == NULL) {
        r = resp->code != LUYU__CTL_RESPONSE__CODE__OK
                ? ctl_node_refused(resp)
                : ctl_output_error(CTL_EXIT_FAIL,
                                   _("%s is not a hub's control socket"), sock);
        goto out;
    }
    if (json)
        render_json(resp->hub_status, &b);
    else
        render_text(resp->hub_status, &b);
    r = ctl_output_write(&b);
out:
    lu_buf_free(&b);
    luyu__ctl_response__free_unpacked(resp, NULL);
    return r;
}
