/* The dashboard's other pages: 报送 (districts x months: on time, late,
 * missing, from the stored bulletins and this month's draft), 通报 (every
 * bulletin held, with how to verify it) and 节点 (the nodes' links). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulletin.h"
#include "bulletin_words.h"
#include "amount.h"
#include "bulletins.h"
#include "dash_int.h"
#include "html.h"
#include "i18n.h"
#include "intake.h"
#include "ledger.h"
#include "pg.h"
#include "plan.h"
#include "web.h"
#include "xmalloc.h"

#define GRID_MONTHS 12

/* The unit states of period: the latest stored bulletin of the province,
 * verified, or the draft for the month shown. NULL when neither. The
 * caller frees *owned (the stored one) with ledger_bulletin_free. */
static const Luyu__Bulletin *month_states(struct hub_dash *d, uint32_t period,
                                          uint32_t shown,
                                          Luyu__Bulletin **owned)
{
    struct ledger_bulletins_item it;
    char err[256];

    *owned = NULL;
    if (ledger_bulletins_get(d->store, d->province, period, 0, &it) == 0) {
        if (ledger_bulletins_verify(d->store, &it, owned, err, sizeof(err)) < 0)
            *owned = NULL;
        free(it.payload);
        if (*owned != NULL)
            return *owned;
    }
    return period == shown ? hub_dash_draft(d, period) : NULL;
}

static const char *state_class(Luyu__ReportState s)
{
    return s == LUYU__REPORT_STATE__REPORT_ON_TIME   ? "ok"
           : s == LUYU__REPORT_STATE__REPORT_LATE    ? "late"
           : s == LUYU__REPORT_STATE__REPORT_MISSING ? "missing"
                                                     : "";
}

void hub_dash_grid(struct hub_dash *d, struct lu_web_req *req,
                   struct lu_web_resp *resp, const struct lu_session *ss)
{
    uint32_t month = hub_dash_month(d, req), first = month;
    const Luyu__Bulletin *cols[GRID_MONTHS] = {0};
    Luyu__Bulletin *owned[GRID_MONTHS] = {0};
    const Luyu__Bulletin *any = NULL;
    struct lu_buf *b = &resp->body;
    int n = 0;
    char p[16];

    while (n < GRID_MONTHS - 1 &&
           hub_dash_add_months(month, -n - 1) >= d->ctx.plan->start)
        n++;
    first = hub_dash_add_months(month, -n);
    n++;
    for (int i = 0; i < n; i++) {
        cols[i] =
            month_states(d, hub_dash_add_months(first, i), month, &owned[i]);
        any = cols[i] ? cols[i] : any;
    }
    resp->status = 200;
    hub_dash_start(d, ss, resp, _("Who reported, on time or not"));
    if (any == NULL) {
        lu_buf_printf(b, "<p>%s</p>", _("No figures in the ledger yet."));
        goto out;
    }
    lu_buf_printf(b, "<div class=\"wrap\"><table id=\"grid\"><tr><th>%s</th>",
                  _("Unit"));
    for (int i = 0; i < n; i++)
        lu_buf_printf(
            b, "<th>%s</th>",
            hub_dash_period(hub_dash_add_months(first, i), p, sizeof(p)));
    lu_buf_adds(b, "</tr>");
    for (size_t u = 0; u < any->n_units; u++) {
        if (!any->units[u]->expected)
            continue;
        lu_buf_adds(b, "<tr data-unit=\"");
        lu_html_esc(b, any->units[u]->code);
        lu_buf_adds(b, "\"><td>");
        lu_html_esc(b, any->units[u]->name);
        lu_buf_adds(b, "</td>");
        for (int i = 0; i < n; i++) {
            Luyu__ReportState s = LUYU__REPORT_STATE__REPORT_UNSPECIFIED;

            if (cols[i] != NULL && u < cols[i]->n_units)
                s = cols[i]->units[u]->state;
            lu_buf_printf(b, "<td class=\"%s\">%s</td>", state_class(s),
                          ledger_bulletin_state_text(s));
        }
        lu_buf_adds(b, "</tr>");
    }
    lu_buf_printf(b, "</table></div><p>%s</p>",
                  _("Months with a bulletin show what it said; the month "
                    "shown last is as of now."));
out:
    hub_dash_end(resp);
    for (int i = 0; i < n; i++)
        ledger_bulletin_free(owned[i]);
}

void hub_dash_bulletins(struct hub_dash *d, struct lu_web_req *req,
                        struct lu_web_resp *resp, const struct lu_session *ss)
{
    struct ledger_bulletins_item *items = NULL;
    struct lu_buf *b = &resp->body;
    size_t n = 0;
    char p[16], t1[32], t2[32];

    resp->status = 200;
    hub_dash_start(d, ss, resp, _("Bulletins"));
    if (ledger_bulletins_list(d->store, &items, &n) < 0 || n == 0) {
        lu_buf_printf(b, "<p>%s</p>", _("No bulletin issued yet."));
        return hub_dash_end(resp);
    }
    lu_buf_printf(b,
                  "<div class=\"wrap\"><table id=\"bulletins\"><tr><th>%s"
                  "</th><th>%s</th><th class=\"n\">%s</th><th>%s</th>"
                  "<th>%s</th><th>%s</th><th></th></tr>",
                  _("Month"), _("Province"), _("Revision"), _("Issued"),
                  _("Signed by"), _("Acknowledged by the other province"));
    for (size_t i = n; i-- > 0;) {
        lu_buf_printf(b, "<tr><td>%s</td><td>",
                      hub_dash_period(items[i].period, p, sizeof(p)));
        lu_html_esc(b, items[i].province);
        lu_buf_printf(b, "</td><td class=\"n\">%u</td><td>%s</td><td>",
                      items[i].revision,
                      hub_dash_time(items[i].issued_at, t1, sizeof(t1)));
        lu_html_esc(b, items[i].signer);
        lu_buf_printf(
            b, "</td><td>%s</td><td><a href=\"/bulletin.bin?province=",
            items[i].own ? hub_dash_time(items[i].acked_at, t2, sizeof(t2))
                         : "-");
        lu_html_esc(b, items[i].province);
        lu_buf_printf(b, "&amp;month=%s&amp;revision=%u\">%s</a>", p,
                      items[i].revision, _("Signed file"));
        /* The page a leader reads, the same as luyuctl renders. */
        lu_buf_adds(b, " <a class=\"read\" href=\"/bulletin.html?province=");
        lu_html_esc(b, items[i].province);
        lu_buf_printf(b, "&amp;month=%s&amp;revision=%u\">%s</a></td></tr>", p,
                      items[i].revision, _("Read the bulletin"));
    }
    lu_buf_printf(b, "</table></div><h2>%s</h2><p>%s</p>",
                  _("How to check a bulletin"),
                  _("luyuctl bulletin export MONTH --state-dir DIR --out "
                    "FILE writes the signed file; luyuctl bulletin verify "
                    "FILE --key HUB.sign.pub checks its signature, and with "
                    "--state-dir its digest against the ledger."));
    ledger_bulletins_items_free(items, n);
    hub_dash_end(resp);
}

/* /bulletin.bin?province=P&month=YYYY-MM&revision=N: the signed file as
 * the store holds it, the same bytes as luyuctl bulletin export, for
 * luyuctl bulletin verify. */
void hub_dash_bulletin_file(struct hub_dash *d, struct lu_web_req *req,
                            struct lu_web_resp *resp,
                            const struct lu_session *ss)
{
    struct ledger_bulletins_item it;
    char name[128], p[16];

    (void)ss;
    if (hub_dash_bulletin_item(d, req, &it) < 0)
        return hub_dash_refuse(d, resp, 404, _("No such bulletin."));
    resp->status = 200;
    resp->type = "application/octet-stream";
    lu_buf_add(&resp->body, it.payload, it.len);
    snprintf(name, sizeof(name), "attachment; filename=\"%s-%s-r%u.bin\"",
             it.province, hub_dash_period(it.period, p, sizeof(p)),
             it.revision);
    lu_web_resp_header(resp, "Content-Disposition", name);
    free(it.payload);
}

/* Which hub is active on the PostgreSQL ledger and whether the database
 * replicates synchronously: this hub, since a standby hub serves no
 * pages. Nothing on SQLite. */
static void ledger_state(struct hub_dash *d, struct lu_buf *b)
{
    const struct ledger_pg_repl *r = d->repl;
    bool sync_on;

    if (r == NULL)
        return;
    sync_on = strcmp(r->sync_commit, "on") == 0 ||
              strcmp(r->sync_commit, "remote_apply") == 0;
    lu_buf_printf(b, "<div class=\"wrap\"><table id=\"ledger\"><tr><th>%s</th>",
                  _("Active hub"));
    lu_buf_adds(b, "<td data-hub=\"");
    lu_html_esc(b, d->ctx.hub_id);
    lu_buf_adds(b, "\">");
    lu_html_esc(b, d->ctx.hub_id);
    lu_buf_printf(b,
                  " (%s)</td></tr><tr><th>%s</th><td id=\"term\">%lld</td>"
                  "</tr><tr><th>%s</th><td id=\"standbys\" class=\"%s\">",
                  _("this hub, holding the ledger's lock"), _("Term"),
                  (long long)r->term, _("Synchronous standbys"),
                  r->sync_standbys > 0 ? "ok" : "missing");
    lu_buf_printf(b, _("%d of %d connected standbys synchronous"),
                  r->sync_standbys, r->standbys);
    lu_buf_printf(b,
                  "</td></tr><tr><th>%s</th><td id=\"sync-commit\" "
                  "class=\"%s\">",
                  _("Commits wait for the standby"),
                  sync_on ? "ok" : "missing");
    lu_html_esc(b, r->sync_commit);
    lu_buf_adds(b, " / ");
    lu_html_esc(b, r->standby_names[0] ? r->standby_names : "-");
    lu_buf_adds(b, "</td></tr></table></div>");
}

void hub_dash_nodes(struct hub_dash *d, struct lu_web_req *req,
                    struct lu_web_resp *resp, const struct lu_session *ss)
{
    struct lu_buf *b = &resp->body;
    struct ledger_node row;
    size_t i = 0;
    char t[32];
    uint64_t last;
    bool up;

    resp->status = 200;
    hub_dash_start(d, ss, resp, _("Nodes"));
    lu_buf_printf(b,
                  "<div class=\"wrap\"><table id=\"nodes\"><tr><th>%s</th>"
                  "<th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
                  "<th class=\"n\">%s</th><th>%s</th></tr>",
                  _("Node"), _("Link"), _("Entries"), _("Rejected"),
                  _("Waiting"), _("Last seen"));
    while (hub_dash_node_next(d, &i, &row, &up, &last)) {
        lu_buf_adds(b, "<tr data-node=\"");
        lu_html_esc(b, row.node);
        lu_buf_adds(b, "\"><td>");
        lu_html_esc(b, row.node);
        lu_buf_printf(b,
                      "</td><td class=\"%s\">%s</td><td class=\"n\">%llu</td>"
                      "<td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
                      "<td>%s</td></tr>",
                      up ? "ok" : "missing", up ? _("Link up") : _("down"),
                      (unsigned long long)row.entries,
                      (unsigned long long)row.rejects,
                      (unsigned long long)(last > row.hwm ? last - row.hwm : 0),
                      hub_dash_time(row.last_seen, t, sizeof(t)));
    }
    lu_buf_adds(b, "</table></div>");
    ledger_state(d, b);
    hub_dash_end(resp);
}
