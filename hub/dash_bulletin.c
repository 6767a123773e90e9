/* One bulletin the hub holds, as a leader reads it: /bulletin.html is the
 * page luyuctl bulletin show --format html writes for the same revision
 * (ctl/render.h, the same renderer), verified against its signer's key
 * before it is shown; /bulletin.css is its stylesheet, a file of its own
 * because the dashboard's Content-Security-Policy refuses inline styles
 * and the page cannot be framed. The bulletins page (hub/dash_more.c)
 * links each revision here, next to its signed file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "bulletin.h"
#include "bulletins.h"
#include "dash_int.h"
#include "i18n.h"
#include "log.h"
#include "plan.h"
#include "render.h"
#include "scores.h"
#include "util.h"
#include "web.h"

int hub_dash_bulletin_item(struct hub_dash *d, struct lu_web_req *req,
                           struct ledger_bulletins_item *it)
{
    const char *prov = lu_web_query(req, "province");
    const char *month = lu_web_query(req, "month");
    const char *rev = lu_web_query(req, "revision");
    uint32_t period = 0;
    uint64_t r = 0;
    char err[128];

    if (prov == NULL || month == NULL || rev == NULL ||
        lu_period_parse(month, &period, err, sizeof(err)) < 0 ||
        lu_parse_u64(rev, &r) < 0 || r == 0 || r > UINT32_MAX ||
        prov[0] == '\0' || strlen(prov) > 16 ||
        strspn(prov, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != strlen(prov))
        return -EINVAL;
    return ledger_bulletins_get(d->store, prov, period, (uint32_t)r, it);
}

/* The year's assessment for the HTML of the year's last bulletin of the
 * hub's own province, as luyuctl adds it; none otherwise or when it cannot
 * be computed (the page says nothing of it then). */
static void scores(struct hub_dash *d, struct ctl_render_view *v)
{
    const struct lu_plan *plan = d->ctx.plan;
    uint32_t period = v->b->period;
    char err[256];

    if (strcmp(v->province, d->province) != 0 ||
        (period % 100 != 12 && period != plan->end))
        return;
    if (ledger_scores(d->db, plan, v->province, period / 100, period,
                      &v->scores, err, sizeof(err)) < 0) {
        lu_warn("dashboard: no assessment for %u: %s", period, err);
        v->scores = NULL;
    }
}

void hub_dash_bulletin_html(struct hub_dash *d, struct lu_web_req *req,
                            struct lu_web_resp *resp,
                            const struct lu_session *ss)
{
    struct ledger_bulletins_item it;
    struct ctl_render_view v;
    char err[256];

    (void)ss;
    memset(&v, 0, sizeof(v));
    if (hub_dash_bulletin_item(d, req, &it) < 0)
        return hub_dash_refuse(d, resp, 404, _("No such bulletin."));
    if (ledger_bulletins_verify(d->store, &it, &v.b, err, sizeof(err)) < 0) {
        lu_warn("dashboard: %s %u revision %u: %s", it.province, it.period,
                it.revision, err);
        free(it.payload);
        return hub_dash_refuse(
            d, resp, 409,
            _("The bulletin's signature does not verify; it is not shown."));
    }
    snprintf(v.province, sizeof(v.province), "%s", it.province);
    snprintf(v.province_name, sizeof(v.province_name), "%s",
             v.b->province_name);
    snprintf(v.signer, sizeof(v.signer), "%s", it.signer);
    snprintf(v.trust, sizeof(v.trust), _("signature valid: signed by %s%s%s%s"),
             it.signer, _(", checked with the key its hub recorded"), "", "");
    free(it.payload);
    if (d->province[0] != '\0' ||
        ledger_bulletins_own_province(d->store, d->province,
                                      sizeof(d->province)) == 0)
        scores(d, &v);
    resp->status = 200;
    resp->type = "text/html; charset=utf-8";
    ctl_render_html_linked(&v, 1, "/bulletin.css", &resp->body);
    ctl_render_view_clear(&v);
}

void hub_dash_bulletin_css(struct hub_dash *d, struct lu_web_req *req,
                           struct lu_web_resp *resp,
                           const struct lu_session *ss)
{
    (void)d;
    (void)req;
    (void)ss;
    resp->status = 200;
    resp->type = "text/css; charset=utf-8";
    lu_buf_adds(&resp->body, ctl_render_html_style());
}
