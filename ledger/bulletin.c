#include "bulletin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "bulletin_judge.h"
#include "bulletin_pool.h"
#include "bulletin_scan.h"
#include "plan.h"
#include "review.h"
#include "sql.h"
#include "pool.h"
#include "xmalloc.h"

/* Unit kinds expected to report every month (see bulletin.h). */
static const char *const EXPECTED_KINDS[] = {"district", "city", "department"};

/* The message tree is built in an arena, packed, and unpacked again, so
 * that every bulletin this module hands out is a protobuf-c unpacked
 * message with one way to free it. */
struct arena {
    void **ptrs;
    size_t n, cap;
};

static void *anew(struct arena *a, size_t size)
{
    void *p = lu_xcalloc(1, size);

    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 64;
        a->ptrs = lu_xrealloc(a->ptrs, a->cap * sizeof(*a->ptrs));
    }
    a->ptrs[a->n++] = p;
    return p;
}

static char *astr(struct arena *a, const char *s)
{
    size_t n = strlen(s ? s : "") + 1;

    return memcpy(anew(a, n), s ? s : "", n);
}

static void arena_free(struct arena *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->ptrs[i]);
    free(a->ptrs);
}

static int64_t clamp(__int128 x)
{
    return x > INT64_MAX ? INT64_MAX : x < INT64_MIN ? INT64_MIN : (int64_t)x;
}

static Luyu__IndicatorFigures *indicator(const struct ledger_bulletin_scan *s,
                                         size_t ind, struct arena *a)
{
    const struct lu_plan_indicator *pi = &s->plan->indicators[ind];
    Luyu__IndicatorFigures *f = anew(a, sizeof(*f));

    luyu__indicator_figures__init(f);
    f->code = astr(a, pi->code);
    f->name = astr(a, pi->name);
    f->base_unit = astr(a, pi->base_unit);
    f->scale = (uint32_t)pi->scale;
    f->area = astr(a, pi->area);
    f->month = s->figs[ind].month;
    /* Derived from the project pool, not reported by units: never
     * accepted by a review, so provisional. */
    f->month_accepted = pi->source ? 0 : s->figs[ind].month_accepted;
    f->ytd = s->figs[ind].ytd;
    f->since_start = s->figs[ind].since;
    if (pi->source == NULL) {
        f->n_by_month = s->p->period % 100 - s->y0 % 100 + 1;
        f->by_month =
            memcpy(anew(a, f->n_by_month * sizeof(int64_t)),
                   &s->by_month[ind * 12], f->n_by_month * sizeof(int64_t));
    }
    f->target_kind = (Luyu__TargetKind)pi->target_kind;
    f->target = pi->target;
    f->ratio_of = astr(a, pi->ratio_of);
    f->per = pi->per;
    f->scope = astr(a, pi->scope);
    if (pi->target_kind == LU_TARGET_GROWTH)
        f->previous_ytd = s->figs[ind].prev_ytd;
    ledger_bulletin_judge(s, ind, f);
    return f;
}

/* Adds f's figures to the area's sum for f's base unit. */
static void add_sum(Luyu__AreaTotals *t, const Luyu__IndicatorFigures *f,
                    struct arena *a)
{
    Luyu__UnitSum *u = NULL;

    for (size_t k = 0; k < t->n_sums && u == NULL; k++) {
        if (strcmp(t->sums[k]->base_unit, f->base_unit) == 0)
            u = t->sums[k];
    }
    if (u == NULL) {
        u = anew(a, sizeof(*u));
        luyu__unit_sum__init(u);
        u->base_unit = f->base_unit;
        u->scale = f->scale;
        t->sums[t->n_sums++] = u;
    }
    u->month = clamp((__int128)u->month + f->month);
    u->ytd = clamp((__int128)u->ytd + f->ytd);
    u->since_start = clamp((__int128)u->since_start + f->since_start);
}

static void count_status(Luyu__AreaTotals *t, Luyu__Status st)
{
    t->met += st == LUYU__STATUS__STATUS_MET;
    t->on_track += st == LUYU__STATUS__STATUS_ON_TRACK;
    t->behind += st == LUYU__STATUS__STATUS_BEHIND;
    t->no_target += st == LUYU__STATUS__STATUS_NO_TARGET;
    t->no_baseline += st == LUYU__STATUS__STATUS_NO_BASELINE;
}

static void areas(Luyu__Bulletin *b, const struct lu_plan *pl, struct arena *a)
{
    b->areas = anew(a, (pl->n_areas + 1) * sizeof(*b->areas));
    for (size_t k = 0; k < pl->n_areas; k++) {
        Luyu__AreaTotals *t = anew(a, sizeof(*t));

        luyu__area_totals__init(t);
        t->code = astr(a, pl->areas[k].code);
        t->name = astr(a, pl->areas[k].name);
        t->sums = anew(a, (b->n_indicators + 1) * sizeof(*t->sums));
        for (size_t i = 0; i < b->n_indicators; i++) {
            const Luyu__IndicatorFigures *f = b->indicators[i];

            if (strcmp(f->area, t->code) != 0)
                continue;
            t->indicators++;
            count_status(t, f->status);
            add_sum(t, f, a);
        }
        b->areas[b->n_areas++] = t;
    }
}

static int expected_kind(const char *kind)
{
    for (size_t k = 0; k < sizeof(EXPECTED_KINDS) / sizeof(*EXPECTED_KINDS);
         k++) {
        if (strcmp(kind, EXPECTED_KINDS[k]) == 0)
            return 1;
    }
    return 0;
}

static Luyu__UnitReport *unit_report(const struct ledger_bulletin_scan *s,
                                     size_t u, Luyu__Completeness *c,
                                     struct arena *a)
{
    const struct lu_plan_unit *pu = &s->plan->units[s->units[u]];
    const struct ledger_bulletin_scan_rep *rep = &s->reps[u];
    Luyu__UnitReport *r = anew(a, sizeof(*r));

    luyu__unit_report__init(r);
    r->code = astr(a, pu->code);
    r->name = astr(a, pu->name);
    r->kind = astr(a, pu->kind);
    r->expected = expected_kind(pu->kind);
    r->entries = rep->entries;
    r->entries_late = rep->late;
    r->first_received_at = rep->first;
    r->review = s->review ? (uint32_t)s->review[u] : 0;
    if (rep->entries == 0)
        r->state = r->expected ? LUYU__REPORT_STATE__REPORT_MISSING
                               : LUYU__REPORT_STATE__REPORT_NONE;
    else
        r->state = rep->first < s->closed_at
                       ? LUYU__REPORT_STATE__REPORT_ON_TIME
                       : LUYU__REPORT_STATE__REPORT_LATE;
    if (r->expected) {
        c->expected++;
        c->reported += rep->entries > 0;
        c->on_time += r->state == LUYU__REPORT_STATE__REPORT_ON_TIME;
        c->late += r->state == LUYU__REPORT_STATE__REPORT_LATE;
        c->missing += r->state == LUYU__REPORT_STATE__REPORT_MISSING;
        c->accepted += r->review == LUYU__REVIEW_KIND__REVIEW_ACCEPT;
        c->approved += r->review == LUYU__REVIEW_KIND__REVIEW_APPROVE;
        c->returned += r->review == LUYU__REVIEW_KIND__REVIEW_RETURN;
        c->pending +=
            r->review == 0 || r->review == LUYU__REVIEW_KIND__REVIEW_UNLOCK;
    }
    return r;
}

static void units(Luyu__Bulletin *b, const struct ledger_bulletin_scan *s,
                  struct arena *a)
{
    b->completeness = anew(a, sizeof(*b->completeness));
    luyu__completeness__init(b->completeness);
    b->units = anew(a, (s->n_units + 1) * sizeof(*b->units));
    for (size_t u = 0; u < s->n_units; u++)
        b->units[b->n_units++] = unit_report(s, u, b->completeness, a);
    /* DHIS2's reporting rates: actual and on time over expected. */
    if (b->completeness->expected > 0) {
        b->completeness->reporting_rate_permille =
            b->completeness->reported * 1000u / b->completeness->expected;
        b->completeness->on_time_rate_permille =
            b->completeness->on_time * 1000u / b->completeness->expected;
    }
}

/* Whether unit slot u's figures of indicator i go into the bulletin: when
 * it has one, unless the indicator is derived from the project pool (its
 * figures are the pool's, whatever was typed for it, and the pool has its
 * own table per unit). */
static const struct ledger_bulletin_scan_fig *
unit_fig(const struct ledger_bulletin_scan *s, size_t i, size_t u)
{
    const struct ledger_bulletin_scan_fig *f =
        &s->unit_figs[i * s->n_units + u];

    if (s->plan->indicators[i].source != NULL || (f->month == 0 && f->ytd == 0))
        return NULL;
    return f;
}

/* The units' own figures, for the per-district table: only pairs with a
 * figure, so that a month with few reports stays small. */
static void unit_figures(Luyu__Bulletin *b,
                         const struct ledger_bulletin_scan *s, struct arena *a)
{
    size_t n_ind = s->plan->n_indicators, n = 0;

    for (size_t u = 0; u < s->n_units; u++) {
        for (size_t i = 0; i < n_ind; i++)
            n += unit_fig(s, i, u) != NULL;
    }
    b->unit_figures = anew(a, (n + 1) * sizeof(*b->unit_figures));
    for (size_t u = 0; u < s->n_units; u++) {
        for (size_t i = 0; i < n_ind; i++) {
            const struct ledger_bulletin_scan_fig *f = unit_fig(s, i, u);
            Luyu__UnitFigure *x;

            if (f == NULL)
                continue;
            x = anew(a, sizeof(*x));
            luyu__unit_figure__init(x);
            x->unit = astr(a, s->plan->units[s->units[u]].code);
            x->indicator = astr(a, s->plan->indicators[i].code);
            x->month = f->month;
            x->ytd = f->ytd;
            b->unit_figures[b->n_unit_figures++] = x;
        }
    }
}

static Luyu__RevisionEntry *revision(const struct ledger_bulletin_scan *s,
                                     const struct ledger_bulletin_scan_rev *v,
                                     struct arena *a)
{
    Luyu__RevisionEntry *r = anew(a, sizeof(*r));
    char id[128];

    luyu__revision_entry__init(r);
    r->entry = (uint64_t)v->id;
    snprintf(id, sizeof(id), "%s/%llu", v->node, (unsigned long long)v->seq);
    r->entry_id = astr(a, id);
    r->unit = astr(a, s->plan->units[s->units[v->unit]].code);
    r->indicator = astr(a, s->plan->indicators[v->ind].code);
    r->period = v->period;
    r->amount = v->amount;
    r->corrects = astr(a, v->corrects_id);
    r->previous = v->previous;
    r->figure = clamp((__int128)v->previous + v->delta);
    r->received_at = v->received_at;
    return r;
}

static void revisions(Luyu__Bulletin *b, const struct ledger_bulletin_scan *s,
                      struct arena *a)
{
    size_t n_ind = s->plan->n_indicators, n = 0;

    b->revised_after = s->p->revised_after;
    b->revisions_total = s->revs_total;
    b->revisions = anew(a, (s->n_revs + 1) * sizeof(*b->revisions));
    for (size_t k = 0; k < s->n_revs; k++)
        b->revisions[b->n_revisions++] = revision(s, &s->revs[k], a);
    for (size_t k = 0; k < n_ind * s->n_months; k++)
        n += s->rev_count[k] > 0;
    b->revision_sums = anew(a, (n + 1) * sizeof(*b->revision_sums));
    for (size_t k = 0; k < n_ind * s->n_months; k++) {
        Luyu__RevisionSum *r;

        if (s->rev_count[k] == 0)
            continue;
        r = anew(a, sizeof(*r));
        luyu__revision_sum__init(r);
        r->indicator = astr(a, s->plan->indicators[k / s->n_months].code);
        r->period = ledger_calendar_add(s->plan->start, (int)(k % s->n_months));
        r->entries = s->rev_count[k];
        r->delta = s->rev_delta[k];
        b->revision_sums[b->n_revision_sums++] = r;
    }
}

static void header(Luyu__Bulletin *b, const struct ledger_bulletin_scan *s,
                   struct arena *a)
{
    const struct ledger_bulletin_params *p = s->p;

    b->format = LEDGER_BULLETIN_FORMAT;
    b->province = astr(a, p->province);
    b->province_name = astr(a, lu_plan_province(s->plan, p->province)->name);
    b->period = p->period;
    b->revision = p->revision;
    b->draft = p->draft;
    b->issued_at = p->issued_at;
    b->upto_entry = p->upto_entry;
    b->upto_review = p->upto_review;
    b->issue_day = (uint32_t)p->issue_day;
    b->closed_at = s->closed_at;
    b->plan = astr(a, s->plan->name);
    b->plan_start = s->plan->start;
    b->plan_end = s->plan->end;
    b->entries_covered = s->covered;
    b->digest.len = sizeof(s->digest);
    b->digest.data =
        memcpy(anew(a, sizeof(s->digest)), s->digest, sizeof(s->digest));
    b->chain_from = p->chain_from;
    b->chain_digest.len = sizeof(s->chain);
    b->chain_digest.data =
        memcpy(anew(a, sizeof(s->chain)), s->chain, sizeof(s->chain));
    b->entries_hashed = s->hashed;
}

static void assemble(Luyu__Bulletin *b, const struct ledger_bulletin_scan *s,
                     struct arena *a)
{
    size_t n_ind = s->plan->n_indicators;

    luyu__bulletin__init(b);
    header(b, s, a);
    b->indicators = anew(a, (n_ind + 1) * sizeof(*b->indicators));
    for (size_t i = 0; i < n_ind; i++)
        b->indicators[b->n_indicators++] = indicator(s, i, a);
    areas(b, s->plan, a);
    units(b, s, a);
    unit_figures(b, s, a);
    revisions(b, s, a);
}

static int check_params(const struct lu_plan *pl,
                        const struct ledger_bulletin_params *p, char *err,
                        size_t errlen)
{
    char a[8], b[8], c[8];

    if (p->province == NULL || lu_plan_province(pl, p->province) == NULL) {
        snprintf(err, errlen, "unknown province \"%s\"",
                 p->province ? p->province : "");
        return -EINVAL;
    }
    if (!lu_period_valid(p->period) || p->period < pl->start ||
        p->period > pl->end) {
        snprintf(err, errlen, "month %s is outside the plan (%s..%s)",
                 lu_period_format(p->period, a, sizeof(a)),
                 lu_period_format(pl->start, b, sizeof(b)),
                 lu_period_format(pl->end, c, sizeof(c)));
        return -EINVAL;
    }
    if (p->issue_day < 1 || p->issue_day > 28 || p->revision < 1 ||
        p->upto_entry < 0 || p->chain_from < 0 ||
        p->chain_from > p->upto_entry) {
        snprintf(err, errlen,
                 "bad bulletin parameters (issue day %d must be 1..28, "
                 "revision %u at least 1, chain from entry %lld at most "
                 "upto entry %lld)",
                 p->issue_day, p->revision, (long long)p->chain_from,
                 (long long)p->upto_entry);
        return -EINVAL;
    }
    return 0;
}

/* The plan indices of the province's units, in plan order. */
static size_t *province_units(const struct lu_plan *pl, const char *province,
                              size_t *n)
{
    size_t *u = lu_xcalloc(pl->n_units + 1, sizeof(*u));

    *n = 0;
    for (size_t k = 0; k < pl->n_units; k++) {
        if (strcmp(pl->units[k].province, province) == 0)
            u[(*n)++] = k;
    }
    return u;
}

static int pack_unpack(const Luyu__Bulletin *b, Luyu__Bulletin **out, char *err,
                       size_t errlen)
{
    size_t len = luyu__bulletin__get_packed_size(b);
    uint8_t *buf = lu_xmalloc(len + 1);
    int r = 0;

    luyu__bulletin__pack(b, buf);
    *out = luyu__bulletin__unpack(NULL, len, buf);
    if (*out == NULL) {
        snprintf(err, errlen, "cannot unpack the bulletin just packed");
        r = -EIO;
    }
    free(buf);
    return r;
}

/* The pool section, and the plan's pool indicator derived from it: its
 * figures are the pool's, whatever was typed for it (the plan says
 * source = pool.planned; nodes refuse typed figures for it). */
static int pool_section(struct ledger_sql *db, const struct lu_plan *plan,
                        const struct ledger_bulletin_params *p,
                        struct ledger_bulletin_scan *s,
                        Luyu__ProjectPool **pool, char *err, size_t errlen)
{
    struct ledger_bulletin_pool_fig fig;
    int r;

    /* An older ledger, read as it is (luyuctl bulletin show --draft
     * beside a hub not yet upgraded), has no pool: no section. */
    if (ledger_pool_exists(db) == 0)
        return 0;
    r = ledger_bulletin_pool(db, plan, p->province, p->period, p->upto_event,
                             p->revised_after_event, pool, &fig);
    if (r < 0) {
        snprintf(err, errlen, "project pool: %s", ledger_sql_errmsg(db));
        return r;
    }
    for (size_t i = 0; i < plan->n_indicators; i++) {
        if (plan->indicators[i].source == NULL)
            continue;
        s->figs[i].month = fig.month;
        s->figs[i].ytd = fig.ytd;
        s->figs[i].since = fig.since;
    }
    return 0;
}

/* What a bulletin is built from: the scan and what it points at. Kept
 * between calls by ledger_bulletin_build_kept(). */
struct ledger_bulletin_draft {
    struct ledger_bulletin_params p; /* the scan's s.p */
    char *province;                  /* p.province */
    const struct lu_plan *plan;
    size_t *units;
    int *reviews;
    struct ledger_bulletin_scan s;
};

static void draft_clear(struct ledger_bulletin_draft *k)
{
    ledger_bulletin_scan_close(&k->s);
    free(k->units);
    free(k->reviews);
    free(k->province);
}

/* Reads the review states and runs the scan for k->p. */
static int draft_scan(struct ledger_bulletin_draft *k, struct ledger_sql *db,
                      bool no_digest, char *err, size_t errlen)
{
    struct ledger_bulletin_scan *s = &k->s;
    const struct lu_plan *plan = k->plan;
    const struct ledger_bulletin_params *p = &k->p;
    const char **codes = NULL;
    int r;

    r = check_params(plan, p, err, errlen);
    if (r < 0)
        return r;
    k->units = province_units(plan, p->province, &s->n_units);
    s->plan = plan;
    s->p = p;
    s->units = k->units;
    s->no_digest = no_digest;
    s->closed_at = ledger_calendar_close(p->period, p->issue_day);
    k->reviews = lu_xcalloc(s->n_units + 1, sizeof(*k->reviews));
    codes = lu_xcalloc(s->n_units + 1, sizeof(*codes));
    for (size_t u = 0; u < s->n_units; u++)
        codes[u] = plan->units[k->units[u]].code;
    r = ledger_review_states(db, p->period, p->upto_review, codes, s->n_units,
                             k->reviews);
    if (r < 0)
        snprintf(err, errlen, "review: %s", ledger_sql_errmsg(db));
    free(codes);
    s->review = k->reviews;
    if (r == 0)
        r = ledger_bulletin_scan_run(s, db, err, errlen);
    return r;
}

/* The pool section and the message, from the scan. */
static int draft_finish(struct ledger_bulletin_draft *k, struct ledger_sql *db,
                        Luyu__Bulletin **out, char *err, size_t errlen)
{
    struct arena a = {0};
    Luyu__ProjectPool *pool = NULL;
    Luyu__Bulletin b;
    int r;

    r = pool_section(db, k->plan, &k->p, &k->s, &pool, err, errlen);
    if (r == 0) {
        assemble(&b, &k->s, &a);
        b.pool = pool;
        r = pack_unpack(&b, out, err, errlen);
    }
    ledger_bulletin_pool_free(pool);
    arena_free(&a);
    return r;
}

int ledger_bulletin_build(struct ledger_sql *db, const struct lu_plan *plan,
                          const struct ledger_bulletin_params *p,
                          Luyu__Bulletin **out, char *err, size_t errlen)
{
    struct ledger_bulletin_draft k = {.p = *p, .plan = plan};
    int r;

    *out = NULL;
    r = draft_scan(&k, db, false, err, errlen);
    if (r == 0)
        r = draft_finish(&k, db, out, err, errlen);
    draft_clear(&k);
    return r;
}

/* Whether k, kept from an earlier call, can be brought up to p by reading
 * only the entries since: everything but what moves with the ledger (the
 * entries, the pool, the time) is the same. */
static bool draft_same(const struct ledger_bulletin_draft *k,
                       const struct lu_plan *plan,
                       const struct ledger_bulletin_params *p)
{
    const struct ledger_bulletin_params *q = &k->p;

    return k->plan == plan && strcmp(q->province, p->province) == 0 &&
           q->period == p->period && q->revision == p->revision &&
           q->draft == p->draft && q->issue_day == p->issue_day &&
           q->revised_after == p->revised_after &&
           q->upto_review == p->upto_review &&
           q->revised_after_review == p->revised_after_review &&
           q->upto_entry <= p->upto_entry;
}

int ledger_bulletin_build_kept(struct ledger_sql *db,
                               const struct lu_plan *plan,
                               const struct ledger_bulletin_params *p,
                               struct ledger_bulletin_draft **keep,
                               Luyu__Bulletin **out, char *err, size_t errlen)
{
    struct ledger_bulletin_draft *k = *keep;
    int64_t from = 0;
    int r;

    *out = NULL;
    if (k != NULL && !draft_same(k, plan, p)) {
        ledger_bulletin_draft_free(k);
        k = *keep = NULL;
    }
    if (k == NULL) {
        k = lu_xcalloc(1, sizeof(*k));
        k->p = *p;
        k->province = lu_xstrdup(p->province);
        k->plan = plan;
    } else {
        from = k->p.upto_entry;
        k->p.issued_at = p->issued_at;
        k->p.upto_entry = p->upto_entry;
        k->p.upto_event = p->upto_event;
        k->p.revised_after_event = p->revised_after_event;
    }
    /* No digest: the province's pages do not show a draft's. */
    k->p.province = k->province;
    k->p.chain_from = 0;
    k->p.chain_digest = NULL;
    r = *keep == NULL ? draft_scan(k, db, true, err, errlen)
                      : ledger_bulletin_scan_more(&k->s, db, from, err, errlen);
    if (r == 0)
        r = draft_finish(k, db, out, err, errlen);
    if (r < 0) {
        ledger_bulletin_draft_free(k);
        k = NULL;
    }
    *keep = k;
    return r;
}

void ledger_bulletin_draft_free(struct ledger_bulletin_draft *k)
{
    if (k == NULL)
        return;
    draft_clear(k);
    free(k);
}

void ledger_bulletin_free(Luyu__Bulletin *b)
{
    if (b != NULL)
        luyu__bulletin__free_unpacked(b, NULL);
}

const char *ledger_bulletin_status_name(Luyu__Status status)
{
    static const char *const names[] = {"unknown", "met",       "on_track",
                                        "behind",  "no_target", "no_baseline"};

    return (unsigned)status < sizeof(names) / sizeof(*names) ? names[status]
                                                             : "unknown";
}

const char *ledger_bulletin_state_name(Luyu__ReportState state)
{
    static const char *const names[] = {"unknown", "on_time", "late", "missing",
                                        "none"};

    return (unsigned)state < sizeof(names) / sizeof(*names) ? names[state]
                                                            : "unknown";
}

const Luyu__IndicatorFigures *ledger_bulletin_indicator(const Luyu__Bulletin *b,
                                                        const char *code)
{
    for (size_t i = 0; i < b->n_indicators; i++) {
        if (strcmp(b->indicators[i]->code, code) == 0)
            return b->indicators[i];
    }
    return NULL;
}
