/* The month's figures behind every dashboard page: a draft bulletin of the
 * ledger library (ledger/bulletins.h), computed from the balance table and
 * the month's entries, kept for a second; and /events, which sends the
 * overview's figures as one server-sent event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "bulletin.h"
#include "bulletins.h"
#include "dash_int.h"
#include "json.h"
#include "log.h"
#include "money.h"
#include "plan.h"
#include "reader.h"
#include "web.h"

/* How long a draft serves every viewer: at least a second, and ten times
 * what it took to compute, so that however many viewers there are the
 * dashboard takes at most a tenth of the hub's loop from ingest. The live
 * feed shows a new entry within this plus the browser's retry. */
#define DRAFT_MIN_MS 1000
#define DRAFT_COST_FACTOR 10
#define DASH_RETRY_MS 1000

const Luyu__Bulletin *hub_dash_draft(struct hub_dash *d, uint32_t period)
{
    uint64_t now = lu_mono_ms();
    Luyu__Bulletin *b = NULL;
    char err[512];

    if (d->draft != NULL && d->draft->period == period &&
        now - d->draft_ms < d->draft_keep_ms)
        return d->draft;
    if (d->province[0] == '\0' &&
        ledger_reader_province(d->db, d->province, sizeof(d->province)) < 0)
        return NULL; /* nothing in the ledger yet */
    if (ledger_bulletins_draft(d->store, d->ctx.plan, d->province, period,
                               d->ctx.issue_day, lu_now_s(), &b, err,
                               sizeof(err)) < 0) {
        lu_warn("dashboard: cannot compute %u: %s", period, err);
        return NULL;
    }
    ledger_bulletin_free(d->draft);
    d->draft = b;
    d->draft_ms = lu_mono_ms();
    d->draft_keep_ms = (d->draft_ms - now) * DRAFT_COST_FACTOR;
    if (d->draft_keep_ms < DRAFT_MIN_MS)
        d->draft_keep_ms = DRAFT_MIN_MS;
    return b;
}

uint32_t hub_dash_month(struct hub_dash *d, struct lu_web_req *req)
{
    const struct lu_plan *plan = d->ctx.plan;
    const char *q = lu_web_query(req, "month");
    uint32_t p = 0;
    char err[128];

    if (q != NULL && lu_period_parse(q, &p, err, sizeof(err)) == 0 &&
        p >= plan->start && p <= plan->end)
        return p;
    if (ledger_reader_last_period(d->db, &p) == 0 && p >= plan->start &&
        p <= plan->end)
        return p;
    return plan->start;
}

char *hub_dash_amount(const Luyu__IndicatorFigures *f, int64_t v, char *buf,
                      size_t len)
{
    return lu_money_amount(v, f->base_unit, (int)f->scale, buf, len);
}

void hub_dash_events(struct hub_dash *d, struct lu_web_req *req,
                     struct lu_web_resp *resp)
{
    const Luyu__Bulletin *b = hub_dash_draft(d, hub_dash_month(d, req));
    struct lu_json j;
    char t[LU_MONEY_LEN], key[160];

    /* One event per request, then the browser asks again after the retry:
     * a stream held open per viewer would take one of the server's 64
     * connections each (DECISIONS.md, issue 18). */
    resp->status = 200;
    resp->type = "text/event-stream; charset=utf-8";
    lu_buf_printf(&resp->body, "retry: %d\n", DASH_RETRY_MS);
    if (b == NULL) {
        lu_buf_adds(&resp->body, "\n");
        return;
    }
    lu_buf_printf(&resp->body, "id: %lld\ndata: ", (long long)b->upto_entry);
    lu_json_init(&j, &resp->body);
    lu_json_object(&j);
    lu_json_kstr(&j, "entries",
                 lu_money_group((int64_t)b->entries_covered, 0, t, sizeof(t)));
    for (size_t i = 0; i < b->n_indicators; i++) {
        const Luyu__IndicatorFigures *f = b->indicators[i];

        snprintf(key, sizeof(key), "m-%s", f->code);
        lu_json_kstr(&j, key, hub_dash_amount(f, f->month, t, sizeof(t)));
        snprintf(key, sizeof(key), "y-%s", f->code);
        lu_json_kstr(&j, key, hub_dash_amount(f, f->ytd, t, sizeof(t)));
        snprintf(key, sizeof(key), "s-%s", f->code);
        lu_json_kstr(&j, key, hub_dash_amount(f, f->since_start, t, sizeof(t)));
    }
    lu_json_end(&j);
    lu_buf_adds(&resp->body, "\n\n");
}
