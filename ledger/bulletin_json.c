#include "bulletin_json.h"

#include <stdio.h>
#include <string.h>

#include "amount.h"
#include "bulletin.h"
#include "json.h"
#include "plan.h"
#include "util.h"

/* Key and value through the one JSON writer (common/json.h); o is the
 * writer, not the buffer, in every helper below. */
static void kstr(struct lu_json *o, const char *k, const char *v)
{
    lu_json_kstr(o, k, v ? v : "");
}

static void kint(struct lu_json *o, const char *k, int64_t v)
{
    lu_json_kint(o, k, v);
}

static void kbool(struct lu_json *o, const char *k, int v)
{
    lu_json_key(o, k);
    lu_json_bool(o, v != 0);
}

static void knull(struct lu_json *o, const char *k)
{
    lu_json_key(o, k);
    lu_json_null(o);
}

static void kamount(struct lu_json *o, const char *k, int64_t v, int scale)
{
    char a[40];

    kstr(o, k, lu_amount_format(v, scale, a, sizeof(a)));
}

static void ktime(struct lu_json *o, const char *k, int64_t t)
{
    char buf[40];

    if (t == 0)
        knull(o, k);
    else
        kstr(o, k, ledger_calendar_format(t, buf, sizeof(buf)));
}

static void kperiod(struct lu_json *o, const char *k, uint32_t p)
{
    char buf[16];

    kstr(o, k, lu_period_format(p, buf, sizeof(buf)));
}

/* actual/goal/expected are unit counts for coverage, amounts otherwise. */
static void judged(struct lu_json *o, const Luyu__IndicatorFigures *f)
{
    int scale = f->target_kind == LUYU__TARGET_KIND__TARGET_COVERAGE
                    ? 1
                    : (int)f->scale;

    kstr(o, "status", ledger_bulletin_status_name(f->status));
    kamount(o, "actual", f->actual, scale);
    kamount(o, "goal", f->goal, scale);
    kamount(o, "expected", f->expected, scale);
    if (f->has_progress)
        kint(o, "progress_permille", f->progress_permille);
    else
        knull(o, "progress_permille");
    kamount(o, "previous_ytd", f->previous_ytd, (int)f->scale);
    kint(o, "units_judged", f->units_judged);
    kstr(o, "judged_per", f->judged_per);
    kamount(o, "ratio_base", f->ratio_base, (int)f->scale);
}

static void indicator(struct lu_json *o, const Luyu__IndicatorFigures *f)
{
    int scale = (int)f->scale;

    lu_json_object(o);
    kstr(o, "code", f->code);
    kstr(o, "name", f->name);
    kstr(o, "area", f->area);
    kstr(o, "base_unit", f->base_unit);
    kint(o, "scale", scale);
    kamount(o, "month", f->month, scale);
    /* The official part of the month (units whose month the province
     * accepted) and the rest, provisional (issue 16). */
    kamount(o, "month_accepted", f->month_accepted, scale);
    kamount(o, "month_provisional", f->month - f->month_accepted, scale);
    kamount(o, "ytd", f->ytd, scale);
    kamount(o, "since_start", f->since_start, scale);
    lu_json_key(o, "by_month");
    lu_json_array(o);
    for (size_t k = 0; k < f->n_by_month; k++) {
        char a[40];

        lu_json_str(o, lu_amount_format(f->by_month[k], scale, a, sizeof(a)));
    }
    lu_json_end(o);
    kstr(o, "target_kind",
         lu_target_kind_name((enum lu_target_kind)f->target_kind));
    kamount(o, "target", f->target,
            f->target_kind == LUYU__TARGET_KIND__TARGET_RATIO ? 1 : scale);
    kstr(o, "ratio_of", f->ratio_of);
    kint(o, "per", f->per);
    kstr(o, "scope", f->scope);
    judged(o, f);
    lu_json_end(o);
}

static void area(struct lu_json *o, const Luyu__AreaTotals *t)
{
    lu_json_object(o);
    kstr(o, "code", t->code);
    kstr(o, "name", t->name);
    kint(o, "indicators", t->indicators);
    kint(o, "met", t->met);
    kint(o, "on_track", t->on_track);
    kint(o, "behind", t->behind);
    kint(o, "no_target", t->no_target);
    kint(o, "no_baseline", t->no_baseline);
    lu_json_key(o, "sums");
    lu_json_array(o);
    for (size_t k = 0; k < t->n_sums; k++) {
        const Luyu__UnitSum *u = t->sums[k];

        lu_json_object(o);
        kstr(o, "base_unit", u->base_unit);
        kamount(o, "month", u->month, (int)u->scale);
        kamount(o, "ytd", u->ytd, (int)u->scale);
        kamount(o, "since_start", u->since_start, (int)u->scale);
        lu_json_end(o);
    }
    lu_json_end(o);
    lu_json_end(o);
}

/* The month's review for machines (ledger/review.h codes; "open" before
 * the district approves). */
static const char *review_state(uint32_t kind)
{
    static const char *const names[] = {"open", "approved", "accepted",
                                        "returned", "unlocked"};

    return kind < sizeof(names) / sizeof(*names) ? names[kind] : "open";
}

static void unit(struct lu_json *o, const Luyu__UnitReport *u)
{
    lu_json_object(o);
    kstr(o, "code", u->code);
    kstr(o, "name", u->name);
    kstr(o, "kind", u->kind);
    kbool(o, "expected", u->expected);
    kstr(o, "state", ledger_bulletin_state_name(u->state));
    kint(o, "entries", (int64_t)u->entries);
    kint(o, "entries_late", (int64_t)u->entries_late);
    ktime(o, "first_received_at", u->first_received_at);
    kstr(o, "review", review_state(u->review));
    lu_json_end(o);
}

static int scale_of(const Luyu__Bulletin *b, const char *code)
{
    const Luyu__IndicatorFigures *f = ledger_bulletin_indicator(b, code);

    return f ? (int)f->scale : 1;
}

static void revision(struct lu_json *o, const Luyu__Bulletin *b,
                     const Luyu__RevisionEntry *r)
{
    int scale = scale_of(b, r->indicator);

    lu_json_object(o);
    lu_json_kuint(o, "entry", r->entry);
    kstr(o, "entry_id", r->entry_id);
    kstr(o, "unit", r->unit);
    kstr(o, "indicator", r->indicator);
    kperiod(o, "period", r->period);
    kamount(o, "amount", r->amount, scale);
    kstr(o, "corrects", r->corrects);
    kamount(o, "previous", r->previous, scale);
    kamount(o, "figure", r->figure, scale);
    ktime(o, "received_at", r->received_at);
    lu_json_end(o);
}

static void revisions(struct lu_json *o, const Luyu__Bulletin *b)
{
    lu_json_key(o, "revisions");
    lu_json_object(o);
    if (b->revised_after < 0)
        knull(o, "after_entry");
    else
        kint(o, "after_entry", b->revised_after);
    kint(o, "total", (int64_t)b->revisions_total);
    lu_json_key(o, "listed");
    lu_json_array(o);
    for (size_t k = 0; k < b->n_revisions; k++)
        revision(o, b, b->revisions[k]);
    lu_json_end(o);
    lu_json_key(o, "sums");
    lu_json_array(o);
    for (size_t k = 0; k < b->n_revision_sums; k++) {
        const Luyu__RevisionSum *r = b->revision_sums[k];

        lu_json_object(o);
        kstr(o, "indicator", r->indicator);
        kperiod(o, "period", r->period);
        kint(o, "entries", (int64_t)r->entries);
        kamount(o, "delta", r->delta, scale_of(b, r->indicator));
        lu_json_end(o);
    }
    lu_json_end(o);
    lu_json_end(o);
}

static void khex(struct lu_json *o, const char *k, ProtobufCBinaryData d)
{
    char hex[65] = "";

    for (size_t i = 0; i < d.len && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d.data[i]);
    kstr(o, k, hex);
}

static void header(struct lu_json *o, const Luyu__Bulletin *b)
{
    kint(o, "format", b->format);
    kstr(o, "province", b->province);
    kstr(o, "province_name", b->province_name);
    kperiod(o, "period", b->period);
    kint(o, "revision", b->revision);
    kbool(o, "draft", b->draft);
    ktime(o, "issued_at", b->issued_at);
    kint(o, "upto_entry", b->upto_entry);
    kint(o, "issue_day", b->issue_day);
    ktime(o, "closed_at", b->closed_at);
    kstr(o, "plan", b->plan);
    kperiod(o, "plan_start", b->plan_start);
    kperiod(o, "plan_end", b->plan_end);
    kint(o, "entries_covered", (int64_t)b->entries_covered);
    khex(o, "digest", b->digest);
    kint(o, "chain_from", b->chain_from);
    khex(o, "chain_digest", b->chain_digest);
    kint(o, "entries_hashed", (int64_t)b->entries_hashed);
    kint(o, "upto_review", b->upto_review);
}

static void completeness(struct lu_json *o, const Luyu__Completeness *c)
{
    lu_json_key(o, "completeness");
    lu_json_object(o);
    kint(o, "expected", c->expected);
    kint(o, "reported", c->reported);
    kint(o, "on_time", c->on_time);
    kint(o, "late", c->late);
    kint(o, "missing", c->missing);
    /* DHIS2's reporting rates and the review of the months (issue 16). */
    kint(o, "reporting_rate_permille", c->reporting_rate_permille);
    kint(o, "on_time_rate_permille", c->on_time_rate_permille);
    kint(o, "accepted", c->accepted);
    kint(o, "approved", c->approved);
    kint(o, "returned", c->returned);
    kint(o, "pending", c->pending);
    lu_json_end(o);
}

static void pool_unit(struct lu_json *o, const Luyu__PoolUnit *u)
{
    lu_json_object(o);
    kstr(o, "unit", u->unit);
    kstr(o, "name", u->name);
    kint(o, "projects", (int64_t)u->projects);
    kamount(o, "planned", u->planned, 100);
    kamount(o, "aid_planned", u->aid_planned, 100);
    kamount(o, "invested", u->invested, 100);
    kamount(o, "aid_disbursed", u->aid_disbursed, 100);
    kint(o, "stuck", (int64_t)u->stuck);
    lu_json_end(o);
}

/* The project pool section; money as typed yuan like the figures. */
static void pool(struct lu_json *o, const Luyu__ProjectPool *p)
{
    lu_json_key(o, "pool");
    lu_json_object(o);
    kint(o, "upto_event", p->upto_event);
    kstr(o, "indicator", p->indicator);
    kamount(o, "target", p->target, 100);
    kint(o, "projects", (int64_t)p->projects);
    kamount(o, "planned", p->planned, 100);
    kamount(o, "aid_planned", p->aid_planned, 100);
    kamount(o, "invested", p->invested, 100);
    kamount(o, "aid_disbursed", p->aid_disbursed, 100);
    kint(o, "progress_permille", p->progress_permille);
    kint(o, "ratio_permille", p->ratio_permille);
    kamount(o, "month_invested", p->month_invested, 100);
    kamount(o, "month_disbursed", p->month_disbursed, 100);
    kint(o, "stuck", (int64_t)p->stuck);
    kint(o, "stuck_days", p->stuck_days);
    kint(o, "revised_after_event", p->revised_after_event);
    kint(o, "events_revised", (int64_t)p->events_revised);
    lu_json_key(o, "stages");
    lu_json_array(o);
    for (size_t i = 0; i < p->n_stages; i++) {
        lu_json_object(o);
        kstr(o, "stage", p->stages[i]->stage);
        kint(o, "projects", (int64_t)p->stages[i]->projects);
        kamount(o, "planned", p->stages[i]->planned, 100);
        kint(o, "reached_in_month", (int64_t)p->stages[i]->reached_in_month);
        lu_json_end(o);
    }
    lu_json_end(o);
    lu_json_key(o, "units");
    lu_json_array(o);
    for (size_t i = 0; i < p->n_units; i++)
        pool_unit(o, p->units[i]);
    lu_json_end(o);
    lu_json_end(o);
}

/* Each unit's own figures, amounts as typed like the indicators'. */
static void unit_figures(struct lu_json *o, const Luyu__Bulletin *b)
{
    lu_json_key(o, "unit_figures");
    lu_json_array(o);
    for (size_t k = 0; k < b->n_unit_figures; k++) {
        const Luyu__UnitFigure *u = b->unit_figures[k];
        const Luyu__IndicatorFigures *f =
            ledger_bulletin_indicator(b, u->indicator);
        int scale = f && f->scale ? (int)f->scale : 1;

        lu_json_object(o);
        kstr(o, "unit", u->unit);
        kstr(o, "indicator", u->indicator);
        kamount(o, "month", u->month, scale);
        kamount(o, "ytd", u->ytd, scale);
        lu_json_end(o);
    }
    lu_json_end(o);
}

void ledger_bulletin_json(const Luyu__Bulletin *b, struct lu_buf *out)
{
    struct lu_json j, *o = &j;

    lu_json_init(o, out);
    lu_json_object(o);
    header(o, b);
    lu_json_key(o, "indicators");
    lu_json_array(o);
    for (size_t k = 0; k < b->n_indicators; k++)
        indicator(o, b->indicators[k]);
    lu_json_end(o);
    lu_json_key(o, "areas");
    lu_json_array(o);
    for (size_t k = 0; k < b->n_areas; k++)
        area(o, b->areas[k]);
    lu_json_end(o);
    if (b->completeness != NULL)
        completeness(o, b->completeness);
    lu_json_key(o, "units");
    lu_json_array(o);
    for (size_t k = 0; k < b->n_units; k++)
        unit(o, b->units[k]);
    lu_json_end(o);
    unit_figures(o, b);
    revisions(o, b);
    if (b->pool != NULL)
        pool(o, b->pool);
    lu_json_end(o);
    lu_buf_adds(out, "\n");
}
