/* The indicator page's month-by-month chart: this province's figures from
 * the balance table, the other province's from the signed bulletins the
 * exchange brought (hub/exchange.c, ledger/bulletins.h), and the pace the
 * target needs each month, as labelled bars and a table of the same
 * values. A month the other province sent no bulletin for is a gap, not
 * a zero: the hub does not know that province's figure for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulletin.h"
#include "bulletins.h"
#include "dash_int.h"
#include "html.h"
#include "i18n.h"
#include "log.h"
#include "money.h"
#include "plan.h"
#include "reader.h"
#include "web.h"
#include "xmalloc.h"

#define TREND_MAX 120 /* months: ten years, far more than a plan */
#define SLOT 64       /* px per month: two bars and their labels */
#define BASE 250      /* the bars' baseline */
#define TALL 140      /* the tallest bar */

struct series {
    int64_t v[TREND_MAX];
    bool has[TREND_MAX];
    char name[257];
    bool any;
};

static bool own_unit(struct hub_dash *d, const char *code)
{
    const struct lu_plan_unit *u = lu_plan_unit(d->ctx.plan, code);

    return u != NULL && strcmp(u->province, d->province) == 0;
}

/* What the target asks of each month, for the target line: a yearly
 * minimum over twelve months, a plan-period minimum or level over the
 * plan's months; 0 for the other kinds. */
static int64_t monthly_pace(struct hub_dash *d, const Luyu__IndicatorFigures *f)
{
    const struct lu_plan *plan = d->ctx.plan;
    int64_t months = (int64_t)(plan->end / 100 - plan->start / 100) * 12 +
                     (int64_t)(plan->end % 100) - (int64_t)(plan->start % 100) +
                     1;

    switch (f->target_kind) {
    case LUYU__TARGET_KIND__TARGET_YEARLY_MIN:
        return (f->target + 11) / 12;
    case LUYU__TARGET_KIND__TARGET_PERIOD_MIN:
    case LUYU__TARGET_KIND__TARGET_LEVEL:
        return months > 0 ? (f->target + months - 1) / months : 0;
    default:
        return 0;
    }
}

static size_t slot_of(uint32_t p0, uint32_t period)
{
    return (size_t)((period / 100 - p0 / 100) * 12 + period % 100 - p0 % 100);
}

/* This province's total of each month, from the balance table as it is
 * now. */
static void own_series(struct hub_dash *d, const Luyu__IndicatorFigures *f,
                       uint32_t p0, size_t n, struct series *s)
{
    struct ledger_balances *c = NULL;
    struct ledger_balance row;

    for (size_t i = 0; i < n; i++)
        s->has[i] = true;
    s->any = true;
    if (ledger_balances_open(d->db, NULL, f->code, 0, &c) < 0)
        return;
    while (ledger_balances_next(c, &row) == 1) {
        size_t i = slot_of(p0, row.period);

        if (row.period >= p0 && i < n && own_unit(d, row.unit))
            s->v[i] += row.amount;
    }
    ledger_balances_free(c);
}

/* The month figure of code in the latest verified bulletin of prov for
 * period; false when there is none or it does not verify. */
static bool peer_month(struct hub_dash *d, const char *prov, uint32_t period,
                       uint32_t revision, const char *code, int64_t *v,
                       char *name, size_t namelen)
{
    struct ledger_bulletins_item it;
    Luyu__Bulletin *bl = NULL;
    const Luyu__IndicatorFigures *f = NULL;
    bool ok = false;
    char err[256];

    if (ledger_bulletins_get(d->store, prov, period, revision, &it) < 0)
        return false;
    if (ledger_bulletins_verify(d->store, &it, &bl, err, sizeof(err)) < 0) {
        lu_warn("dashboard: %s %u revision %u: %s", prov, period, revision,
                err);
        goto out;
    }
    f = ledger_bulletin_indicator(bl, code);
    if (f == NULL)
        goto out;
    *v = f->month;
    snprintf(name, namelen, "%s", bl->province_name);
    ok = true;
out:
    free(it.payload);
    ledger_bulletin_free(bl);
    return ok;
}

/* The other province's month figures, each from its latest bulletin of
 * that month the exchange delivered. */
static void peer_series(struct hub_dash *d, const Luyu__IndicatorFigures *f,
                        uint32_t p0, size_t n, struct series *s)
{
    struct ledger_bulletins_item *items = NULL;
    const struct ledger_bulletins_item *latest[TREND_MAX] = {0};
    size_t m = 0;

    if (ledger_bulletins_list(d->store, &items, &m) < 0)
        return;
    for (size_t k = 0; k < m; k++) {
        size_t i = slot_of(p0, items[k].period);

        if (items[k].own || items[k].period < p0 || i >= n)
            continue;
        if (latest[i] == NULL || items[k].revision > latest[i]->revision)
            latest[i] = &items[k];
    }
    for (size_t i = 0; i < n; i++) {
        if (latest[i] == NULL)
            continue;
        s->has[i] = peer_month(d, latest[i]->province, latest[i]->period,
                               latest[i]->revision, f->code, &s->v[i], s->name,
                               sizeof(s->name));
        s->any = s->any || s->has[i];
    }
    ledger_bulletins_items_free(items, m);
}

/* One bar with its amount written above it, upwards; a gap is a dash on
 * the baseline. */
static void bar(struct lu_buf *b, const Luyu__IndicatorFigures *f,
                const struct series *s, size_t i, int64_t max, size_t x,
                const char *fill, const char *id)
{
    long long h = 0;
    char t[LU_MONEY_LEN];

    if (!s->has[i]) {
        lu_buf_printf(b,
                      "<text id=\"%s-%zu\" class=\"gap\" x=\"%zu\" y=\"%d\">"
                      "-</text>",
                      id, i, x + 8, BASE - 4);
        return;
    }
    if (max > 0 && s->v[i] > 0)
        h = (long long)((double)TALL * (double)s->v[i] / (double)max);
    if (s->v[i] == 0) {
        /* A month of nothing has no bar: a label would only crowd the
         * baseline (the table under the chart says 0). */
        lu_buf_printf(b,
                      "<rect class=\"%s\" x=\"%zu\" y=\"%d\" width=\"24\" "
                      "height=\"0\"/>",
                      id, x, BASE);
        return;
    }
    lu_buf_printf(b,
                  "<rect class=\"%s\" x=\"%zu\" y=\"%lld\" width=\"24\" "
                  "height=\"%lld\" fill=\"%s\"/><text id=\"%s-%zu\" "
                  "x=\"%zu\" y=\"%lld\" transform=\"rotate(-90 %zu %lld)\">",
                  id, x, BASE - h, h, fill, id, i, x + 16, BASE - h - 4, x + 16,
                  BASE - h - 4);
    lu_html_esc(b, hub_dash_amount(f, s->v[i], t, sizeof(t)));
    lu_buf_adds(b, "</text>");
}

static void legend(struct lu_buf *b, const struct series *own,
                   const struct series *peer)
{
    lu_buf_adds(b, "<rect x=\"4\" y=\"4\" width=\"12\" height=\"12\" "
                   "fill=\"#8b1a1a\"/><text x=\"20\" y=\"15\">");
    lu_html_esc(b, own->name);
    lu_buf_adds(b, "</text>");
    if (!peer->any)
        return;
    lu_buf_adds(b, "<rect x=\"140\" y=\"4\" width=\"12\" height=\"12\" "
                   "fill=\"#1a4f8b\"/><text x=\"156\" y=\"15\">");
    lu_html_esc(b, peer->name);
    lu_buf_adds(b, "</text>");
}

static void chart(struct lu_buf *b, const Luyu__IndicatorFigures *f,
                  uint32_t p0, size_t n, const struct series *own,
                  const struct series *peer, int64_t pace)
{
    int64_t max = pace;
    char t[LU_MONEY_LEN], p[16];

    for (size_t i = 0; i < n; i++) {
        max = own->v[i] > max ? own->v[i] : max;
        if (peer->has[i])
            max = peer->v[i] > max ? peer->v[i] : max;
    }
    lu_buf_printf(b,
                  "<div class=\"wrap\"><svg id=\"trend\" width=\"%zu\" "
                  "height=\"%d\" role=\"img\">",
                  n * SLOT + 10, BASE + 24);
    legend(b, own, peer);
    if (pace > 0 && max > 0) {
        long long y = BASE - (long long)((double)TALL * pace / max);

        lu_buf_printf(b,
                      "<line id=\"pace\" x1=\"0\" x2=\"%zu\" y1=\"%lld\" "
                      "y2=\"%lld\" stroke=\"#000\" stroke-dasharray=\"5 3\"/>"
                      "<text x=\"4\" y=\"%lld\">",
                      n * SLOT + 10, y, y, y - 4);
        lu_buf_printf(b, _("needed each month: %s"),
                      hub_dash_amount(f, pace, t, sizeof(t)));
        lu_buf_adds(b, "</text>");
    }
    for (size_t i = 0; i < n; i++) {
        bar(b, f, own, i, max, i * SLOT + 5, "#8b1a1a", "own");
        if (peer->any)
            bar(b, f, peer, i, max, i * SLOT + 31, "#1a4f8b", "peer");
        lu_buf_printf(
            b, "<text x=\"%zu\" y=\"%d\">%s</text>", i * SLOT + 5, BASE + 16,
            hub_dash_period(hub_dash_add_months(p0, (int)i), p, sizeof(p)) + 2);
    }
    lu_buf_adds(b, "</svg></div>");
}

static void cell(struct lu_buf *b, const Luyu__IndicatorFigures *f,
                 const struct series *s, size_t i)
{
    char t[LU_MONEY_LEN];

    if (!s->has[i]) {
        lu_buf_printf(b, "<td class=\"n gap\" title=\"%s\">-</td>",
                      _("no bulletin received for this month"));
        return;
    }
    lu_buf_adds(b, "<td class=\"n\">");
    lu_html_esc(b, hub_dash_amount(f, s->v[i], t, sizeof(t)));
    lu_buf_adds(b, "</td>");
}

/* The same values as a table: exact, and readable without the chart. */
static void table(struct lu_buf *b, const Luyu__IndicatorFigures *f,
                  uint32_t p0, size_t n, const struct series *own,
                  const struct series *peer, int64_t pace)
{
    char t[LU_MONEY_LEN], p[16];

    lu_buf_printf(b,
                  "<div class=\"wrap\"><table id=\"trend-values\"><tr>"
                  "<th>%s</th><th class=\"n\">",
                  _("Month"));
    lu_html_esc(b, own->name);
    lu_buf_adds(b, "</th>");
    if (peer->any) {
        lu_buf_adds(b, "<th class=\"n\">");
        lu_html_esc(b, peer->name);
        lu_buf_adds(b, "</th>");
    }
    if (pace > 0)
        lu_buf_printf(b, "<th class=\"n\">%s</th>", _("Needed each month"));
    lu_buf_adds(b, "</tr>");
    for (size_t i = 0; i < n; i++) {
        lu_buf_printf(
            b, "<tr data-month=\"%s\"><td>%s</td>",
            hub_dash_period(hub_dash_add_months(p0, (int)i), p, sizeof(p)), p);
        cell(b, f, own, i);
        if (peer->any)
            cell(b, f, peer, i);
        if (pace > 0) {
            lu_buf_adds(b, "<td class=\"n\">");
            lu_html_esc(b, hub_dash_amount(f, pace, t, sizeof(t)));
            lu_buf_adds(b, "</td>");
        }
        lu_buf_adds(b, "</tr>");
    }
    lu_buf_adds(b, "</table></div>");
}

void hub_dash_trend(struct hub_dash *d, struct lu_buf *b,
                    const Luyu__Bulletin *bl, const Luyu__IndicatorFigures *f,
                    uint32_t month)
{
    struct series *own = lu_xcalloc(2, sizeof(*own)), *peer = own + 1;
    uint32_t p0 = d->ctx.plan->start;
    int64_t pace = monthly_pace(d, f);
    size_t n = 0;

    while (n < TREND_MAX && hub_dash_add_months(p0, (int)n) <= month)
        n++;
    snprintf(own->name, sizeof(own->name), "%s", bl->province_name);
    own_series(d, f, p0, n, own);
    peer_series(d, f, p0, n, peer);
    lu_buf_printf(b, "<h2>%s</h2>", _("Month by month"));
    chart(b, f, p0, n, own, peer, pace);
    table(b, f, p0, n, own, peer, pace);
    lu_buf_printf(b, "<p class=\"note\">%s</p>",
                  peer->any ? _("The other province's figures are what its "
                                "latest bulletin of each month says; \"-\" "
                                "is a month it has sent no bulletin for.")
                            : _("No bulletin from the other province has "
                                "arrived yet."));
    free(own);
}
