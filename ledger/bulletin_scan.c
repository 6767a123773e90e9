#include "bulletin_scan.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "luyu.pb-c.h"
#include "plan.h"
#include "sql.h"
#include "util.h"
#include "xmalloc.h"

/* Figures as of upto_entry without reading every entry: the balance table
 * holds the sum of every entry's delta (amount - prev_amount) per unit,
 * indicator and month, kept in the same transaction as the entries, so
 * subtracting the deltas of the entries after upto_entry (a rowid range,
 * short when the bulletin is recent) leaves the sums up to it. n counts
 * the entries the same way. "+period" keeps the month out of the index
 * choice: entry_period would serve "period <= ?2", which is most of the
 * ledger, where the rowid range is short (so in the other reads by id
 * range below, and in ledger/bulletins_db.c). */
static const char FIGURES[] =
    "SELECT unit, indicator, period, sum(a), sum(n) FROM ("
    " SELECT unit, indicator, period, amount AS a, entries AS n FROM balance"
    " WHERE period <= ?2 UNION ALL"
    " SELECT unit, indicator, period, coalesce(prev_amount, 0) - amount, -1"
    " FROM entry WHERE id > ?1 AND +period <= ?2) AS f"
    " GROUP BY unit, indicator, period";

/* The month's entries per unit, for completeness: one range of the
 * entry_period index (period, id, ...), which covers the query. */
static const char MONTH[] =
    "SELECT unit, count(*), min(received_at),"
    " sum(CASE WHEN received_at >= ?3 THEN 1 ELSE 0 END)"
    " FROM entry WHERE period = ?2 AND id <= ?1 GROUP BY unit";

/* The entries since the digest's chain point or the revised bulletin, in
 * id order (a rowid range), with their columns in the order the digest
 * encodes them (ledger/digest.h) and then the chain's figure before each. */
static const char NEWER[] =
    "SELECT " LEDGER_DIGEST_COLUMNS ", coalesce(prev_amount, 0) FROM entry"
    " WHERE id > ?1 AND id <= ?2 ORDER BY id";

enum {
    C_ID,
    C_NODE,
    C_SEQ,
    C_UNIT,
    C_IND,
    C_PERIOD,
    C_AMOUNT,
    C_CORRECTS,
    C_NOTE,
    C_BY,
    C_AT,
    C_RECV,
    C_PREV,
};

/* The figures before each revision, worked back from the balance table
 * (every entry's move, as FIGURES says) by the moves of the month's
 * entries since its first revision, newest first: one short range of the
 * entry_period index (revisions are recent), which covers it
 * (figures_before). */
static const char MONTH_BALANCE[] =
    "SELECT unit, indicator, amount FROM balance WHERE period = ?1";
static const char MONTH_SINCE[] =
    "SELECT id, unit, indicator, amount - coalesce(prev_amount, 0)"
    " FROM entry WHERE period = ?1 AND id >= ?2 ORDER BY id DESC";
static const char ENTRY_ID[] = "SELECT node, seq FROM entry WHERE id = ?1";

static int cmp_key(const void *a, const void *b)
{
    return strcmp(((const struct ledger_bulletin_scan_key *)a)->code,
                  ((const struct ledger_bulletin_scan_key *)b)->code);
}

static size_t lookup(const struct ledger_bulletin_scan_key *keys, size_t n,
                     const char *code)
{
    struct ledger_bulletin_scan_key k = {code, 0};
    const struct ledger_bulletin_scan_key *f;

    if (code == NULL)
        return SIZE_MAX;
    f = bsearch(&k, keys, n, sizeof(*keys), cmp_key);
    return f ? f->idx : SIZE_MAX;
}

/* Sets up the lookup tables and the zeroed accumulators. */
static void setup(struct ledger_bulletin_scan *s)
{
    const struct lu_plan *pl = s->plan;
    size_t n_ind = pl->n_indicators;

    s->unit_keys = lu_xcalloc(s->n_units + 1, sizeof(*s->unit_keys));
    for (size_t u = 0; u < s->n_units; u++)
        s->unit_keys[u] =
            (struct ledger_bulletin_scan_key){pl->units[s->units[u]].code, u};
    qsort(s->unit_keys, s->n_units, sizeof(*s->unit_keys), cmp_key);
    s->ind_keys = lu_xcalloc(n_ind + 1, sizeof(*s->ind_keys));
    s->cov_slot = lu_xcalloc(n_ind + 1, sizeof(*s->cov_slot));
    for (size_t i = 0; i < n_ind; i++) {
        s->ind_keys[i] =
            (struct ledger_bulletin_scan_key){pl->indicators[i].code, i};
        s->cov_slot[i] = pl->indicators[i].target_kind == LU_TARGET_COVERAGE
                             ? s->n_cov++
                             : SIZE_MAX;
    }
    qsort(s->ind_keys, n_ind, sizeof(*s->ind_keys), cmp_key);
    s->figs = lu_xcalloc(n_ind + 1, sizeof(*s->figs));
    s->unit_ytd = lu_xcalloc(s->n_cov * s->n_units + 1, sizeof(int64_t));
    s->unit_figs = lu_xcalloc(n_ind * s->n_units + 1, sizeof(*s->unit_figs));
    s->reps = lu_xcalloc(s->n_units + 1, sizeof(*s->reps));
    s->n_months = (size_t)ledger_calendar_months(pl->start, s->p->period);
    s->rev_delta = lu_xcalloc(n_ind * s->n_months + 1, sizeof(int64_t));
    s->rev_count = lu_xcalloc(n_ind * s->n_months + 1, sizeof(uint64_t));
    s->revs = lu_xcalloc(LEDGER_BULLETIN_MAX_REVISIONS, sizeof(*s->revs));
    if (s->p->chain_digest != NULL)
        memcpy(s->chain, s->p->chain_digest, sizeof(s->chain));
    lu_buf_init(&s->row);
    s->y01 = s->p->period / 100 * 100 + 1;
    s->y0 = s->y01 > pl->start ? s->y01 : pl->start;
    s->by_month = lu_xcalloc(n_ind * 12 + 1, sizeof(int64_t));
    s->prev_hi = ledger_calendar_add(s->p->period, -12);
    s->prev_lo = s->prev_hi / 100 * 100 + 1;
}

static void add(struct ledger_bulletin_scan *s, int64_t *acc, int64_t v)
{
    if (__builtin_add_overflow(*acc, v, acc))
        s->overflow = 1;
}

static int64_t col(struct ledger_stmt *st, int c)
{
    return ledger_stmt_int64(st, c);
}

static void add_figure(struct ledger_bulletin_scan *s, size_t ind, size_t unit,
                       uint32_t period, int64_t delta)
{
    struct ledger_bulletin_scan_fig *f = &s->figs[ind];
    struct ledger_bulletin_scan_fig *uf =
        &s->unit_figs[ind * s->n_units + unit];

    if (period == s->p->period) {
        add(s, &f->month, delta);
        add(s, &uf->month, delta);
    }
    if (period == s->p->period && s->review != NULL &&
        s->review[unit] == LUYU__REVIEW_KIND__REVIEW_ACCEPT)
        add(s, &f->month_accepted, delta);
    if (period >= s->y01) {
        add(s, &f->ytd, delta);
        add(s, &uf->ytd, delta);
        if (period >= s->y0 && period <= s->p->period)
            add(s, &s->by_month[ind * 12 + period % 100 - s->y0 % 100], delta);
        if (s->cov_slot[ind] != SIZE_MAX)
            add(s, &s->unit_ytd[s->cov_slot[ind] * s->n_units + unit], delta);
    }
    if (period >= s->plan->start)
        add(s, &f->since, delta);
    if (period >= s->prev_lo && period <= s->prev_hi)
        add(s, &f->prev_ytd, delta);
}

/* Whether the entry is a late one this bulletin lists (see revised_after
 * in bulletin.h). */
static int is_revision(const struct ledger_bulletin_scan *s, int64_t id,
                       uint32_t period)
{
    const struct ledger_bulletin_params *p = s->p;

    if (p->revised_after < 0 || id <= p->revised_after)
        return 0;
    return period < p->period || (p->revision > 1 && period == p->period);
}

static void add_revision(struct ledger_bulletin_scan *s, struct ledger_stmt *st,
                         size_t ind, size_t unit, int64_t delta)
{
    uint32_t period = (uint32_t)col(st, C_PERIOD);
    size_t m = (size_t)(ledger_calendar_months(s->plan->start, period) - 1);
    struct ledger_bulletin_scan_rev *r;

    s->revs_total++;
    add(s, &s->rev_delta[ind * s->n_months + m], delta);
    s->rev_count[ind * s->n_months + m]++;
    if (s->n_revs == LEDGER_BULLETIN_MAX_REVISIONS)
        return;
    r = &s->revs[s->n_revs++];
    r->id = col(st, C_ID);
    r->node = lu_xstrdup(ledger_stmt_text(st, C_NODE));
    r->seq = (uint64_t)col(st, C_SEQ);
    r->unit = unit;
    r->ind = ind;
    r->period = period;
    r->amount = col(st, C_AMOUNT);
    r->delta = delta;
    r->corrects = col(st, C_CORRECTS);
    r->received_at = col(st, C_RECV);
}

static size_t unit_of(const struct ledger_bulletin_scan *s,
                      struct ledger_stmt *st, int col)
{
    return lookup(s->unit_keys, s->n_units, ledger_stmt_text(st, col));
}

static size_t ind_of(const struct ledger_bulletin_scan *s,
                     struct ledger_stmt *st, int col)
{
    return lookup(s->ind_keys, s->plan->n_indicators,
                  ledger_stmt_text(st, col));
}

static int fail(struct ledger_sql *db, int r, char *err, size_t errlen)
{
    snprintf(err, errlen, "reading the ledger: %s", ledger_sql_errmsg(db));
    return r < 0 ? r : -EIO;
}

/* Runs sql with n_args integer parameters, calling row() for each
 * result row. */
static int query(struct ledger_bulletin_scan *s, struct ledger_sql *db,
                 const char *sql, const int64_t *args, int n_args,
                 void (*row)(struct ledger_bulletin_scan *,
                             struct ledger_stmt *),
                 char *err, size_t errlen)
{
    struct ledger_stmt *st = NULL;
    int r = ledger_sql_prepare(db, sql, &st);

    if (r == 0) {
        for (int k = 0; k < n_args; k++)
            ledger_stmt_bind_int64(st, k + 1, args[k]);
        while ((r = ledger_stmt_step(st)) == 1)
            row(s, st);
    }
    ledger_stmt_finalize(st);
    return r == 0 ? 0 : fail(db, r, err, errlen);
}

/* A FIGURES row: one unit, indicator and month as of upto_entry. An
 * indicator that has left the plan stays counted (its entries are in the
 * ledger) but has no line in the bulletin. */
static void figure_row(struct ledger_bulletin_scan *s, struct ledger_stmt *st)
{
    size_t unit = unit_of(s, st, 0), ind;
    uint32_t period = (uint32_t)col(st, 2);

    if (unit == SIZE_MAX || period < s->plan->start)
        return;
    s->covered += (uint64_t)col(st, 4);
    ind = ind_of(s, st, 1);
    if (ind != SIZE_MAX)
        add_figure(s, ind, unit, period, col(st, 3));
}

static void month_row(struct ledger_bulletin_scan *s, struct ledger_stmt *st)
{
    size_t unit = unit_of(s, st, 0);

    if (unit == SIZE_MAX)
        return;
    s->reps[unit].entries = (uint64_t)col(st, 1);
    s->reps[unit].first = col(st, 2);
    s->reps[unit].late = (uint64_t)col(st, 3);
}

/* A NEWER row: into the digest when after its chain point (every entry:
 * the digest is the ledger's, ledger/digest.h), into the revisions when it is
 * a late one of a unit of the province. */
static void newer_row(struct ledger_bulletin_scan *s, struct ledger_stmt *st)
{
    size_t unit = unit_of(s, st, C_UNIT), ind;
    int64_t id = col(st, C_ID);

    if (!s->no_digest && id > s->p->chain_from) {
        ledger_digest_row(&s->hash, &s->row, st);
        s->hashed++;
    }
    if (unit == SIZE_MAX)
        return;
    ind = ind_of(s, st, C_IND);
    if (ind != SIZE_MAX && is_revision(s, id, (uint32_t)col(st, C_PERIOD)))
        add_revision(s, st, ind, unit, col(st, C_AMOUNT) - col(st, C_PREV));
}

/* The three reads: figures, the month's completeness, the entries since
 * the earlier of the digest's chain point and the revised bulletin. */
static int read_ledger(struct ledger_bulletin_scan *s, struct ledger_sql *db,
                       char *err, size_t errlen)
{
    const struct ledger_bulletin_params *p = s->p;
    int64_t from = p->chain_from;
    int64_t fig[] = {p->upto_entry, p->period};
    int64_t month[] = {p->upto_entry, p->period, s->closed_at};
    int64_t newer[2];
    int r;

    if (p->revised_after >= 0 && p->revised_after < from)
        from = p->revised_after;
    if (s->no_digest)
        from = p->revised_after;
    newer[0] = from;
    newer[1] = p->upto_entry;
    r = query(s, db, FIGURES, fig, 2, figure_row, err, errlen);
    if (r == 0)
        r = query(s, db, MONTH, month, 3, month_row, err, errlen);
    if (r == 0 && s->no_digest && from >= 0)
        r = query(s, db, NEWER, newer, 2, newer_row, err, errlen);
    else if (r == 0 && !s->no_digest) {
        crypto_hash_sha256_init(&s->hash);
        crypto_hash_sha256_update(&s->hash, s->chain, sizeof(s->chain));
        r = query(s, db, NEWER, newer, 2, newer_row, err, errlen);
        crypto_hash_sha256_final(&s->hash, s->digest);
    }
    return r;
}

/* Sets previous, the figure before it, for every revision of `period`
 * in revs[from..*next) whose id is above `above` (the moves of the entries
 * down to it are taken off already), from *next down. Revisions are in id
 * order (the NEWER and REVS_MORE reads list them so). */
static void fill_before(struct ledger_bulletin_scan *s, const int64_t *sum,
                        uint32_t period, int64_t above, size_t from,
                        size_t *next)
{
    for (; *next > from; (*next)--) {
        struct ledger_bulletin_scan_rev *r = &s->revs[*next - 1];

        if (r->period != period)
            continue;
        if (r->id <= above)
            return;
        r->previous = sum[r->ind * s->n_units + r->unit];
    }
}

static void sub(struct ledger_bulletin_scan *s, int64_t *acc, int64_t v)
{
    if (__builtin_sub_overflow(*acc, v, acc))
        s->overflow = 1;
}

/* Loads the month's figures now, per unit and indicator, into sum. */
static int month_balance(struct ledger_bulletin_scan *s, struct ledger_stmt *b,
                         uint32_t period, int64_t *sum)
{
    int rc;

    ledger_stmt_bind_int64(b, 1, period);
    while ((rc = ledger_stmt_step(b)) == 1) {
        size_t unit = unit_of(s, b, 0), ind = ind_of(s, b, 1);

        if (unit != SIZE_MAX && ind != SIZE_MAX)
            sum[ind * s->n_units + unit] = col(b, 2);
    }
    ledger_stmt_reset(b);
    return rc;
}

/* The unit's figure for the month before each revision in revs[from..]:
 * for each such month, its figures now less the moves of its entries
 * since its first revision, taken off newest first. A figure's entries
 * are no index range of their own (entry_period, ledger/ledger.c), and a
 * month's entries before its revisions are never read: revisions are
 * entries since a recent bulletin, wherever their months are. */
static int figures_before(struct ledger_bulletin_scan *s, struct ledger_sql *db,
                          size_t from)
{
    size_t n_sums = s->plan->n_indicators * s->n_units + 1;
    int64_t *sum = lu_xcalloc(n_sums, sizeof(*sum));
    struct ledger_stmt *bal = NULL, *st = NULL;
    int rc = ledger_sql_prepare(db, MONTH_BALANCE, &bal);

    if (rc == 0)
        rc = ledger_sql_prepare(db, MONTH_SINCE, &st);
    for (size_t k = from; rc == 0 && k < s->n_revs; k++) {
        uint32_t period = s->revs[k].period;
        size_t next = s->n_revs, seen = 0;

        for (size_t j = from; j < k; j++)
            seen += s->revs[j].period == period;
        if (seen > 0)
            continue; /* its month was done with its first revision */
        memset(sum, 0, n_sums * sizeof(*sum));
        rc = month_balance(s, bal, period, sum);
        if (rc != 0)
            break;
        /* revs[k] is the month's first revision: the lowest id. */
        ledger_stmt_bind_int64(st, 1, period);
        ledger_stmt_bind_int64(st, 2, s->revs[k].id);
        while ((rc = ledger_stmt_step(st)) == 1) {
            size_t unit = unit_of(s, st, 1), ind = ind_of(s, st, 2);

            fill_before(s, sum, period, col(st, 0), from, &next);
            if (unit != SIZE_MAX && ind != SIZE_MAX)
                sub(s, &sum[ind * s->n_units + unit], col(st, 3));
        }
        if (rc == 0)
            fill_before(s, sum, period, -1, from, &next);
        ledger_stmt_reset(st);
    }
    ledger_stmt_finalize(bal);
    ledger_stmt_finalize(st);
    free(sum);
    return rc;
}

/* Looks up what the listed late entries need beyond their own row: the
 * unit's figure before each, and the "node/seq" of what it corrects. */
static int revision_details(struct ledger_bulletin_scan *s,
                            struct ledger_sql *db, size_t from, char *err,
                            size_t errlen)
{
    struct ledger_stmt *id = NULL;
    int rc;

    if (from == s->n_revs)
        return 0; /* none new: nothing to prepare */
    rc = figures_before(s, db, from);
    if (rc == 0)
        rc = ledger_sql_prepare(db, ENTRY_ID, &id);
    for (size_t k = from; rc == 0 && k < s->n_revs; k++) {
        struct ledger_bulletin_scan_rev *r = &s->revs[k];

        if (r->corrects == 0)
            continue;
        ledger_stmt_bind_int64(id, 1, r->corrects);
        rc = ledger_stmt_step(id);
        if (rc == 1)
            r->corrects_id = lu_xasprintf("%s/%lld", ledger_stmt_text(id, 0),
                                          (long long)ledger_stmt_int64(id, 1));
        rc = rc >= 0 ? 0 : rc;
        ledger_stmt_reset(id);
    }
    ledger_stmt_finalize(id);
    return rc == 0 ? 0 : fail(db, rc, err, errlen);
}

int ledger_bulletin_scan_run(struct ledger_bulletin_scan *s,
                             struct ledger_sql *db, char *err, size_t errlen)
{
    int r;

    setup(s);
    r = read_ledger(s, db, err, errlen);
    if (r == 0)
        r = revision_details(s, db, 0, err, errlen);
    if (r == 0 && s->overflow) {
        snprintf(err, errlen, "a figure does not fit in 64 bits");
        r = -ERANGE;
    }
    return r;
}

/* What a scan brought up to date reads of the entries since `from`: the
 * month's, per unit, aggregated by the database (a rowid range, most of
 * it other months' and skipped there), and the late ones its revisions
 * list (revision 1: earlier months; later: this month too). */
static const char MONTH_MORE[] =
    "SELECT unit, count(*), min(received_at),"
    " sum(CASE WHEN received_at >= ?4 THEN 1 ELSE 0 END) FROM entry"
    " WHERE id > ?1 AND id <= ?2 AND period = ?3 GROUP BY unit";
static const char REVS_MORE_1[] =
    "SELECT " LEDGER_DIGEST_COLUMNS ", coalesce(prev_amount, 0) FROM entry"
    " WHERE id > ?1 AND id <= ?2 AND +period < ?3 ORDER BY id";
static const char REVS_MORE_N[] =
    "SELECT " LEDGER_DIGEST_COLUMNS ", coalesce(prev_amount, 0) FROM entry"
    " WHERE id > ?1 AND id <= ?2 AND +period <= ?3 ORDER BY id";

static void month_more_row(struct ledger_bulletin_scan *s,
                           struct ledger_stmt *st)
{
    size_t unit = unit_of(s, st, 0);
    struct ledger_bulletin_scan_rep *rep;
    int64_t first = col(st, 2);

    if (unit == SIZE_MAX)
        return;
    rep = &s->reps[unit];
    rep->entries += (uint64_t)col(st, 1);
    if (rep->first == 0 || first < rep->first)
        rep->first = first;
    rep->late += (uint64_t)col(st, 3);
}

/* Zeroes what FIGURES fills, to read it again. */
static void figures_clear(struct ledger_bulletin_scan *s)
{
    size_t n_ind = s->plan->n_indicators;

    memset(s->figs, 0, (n_ind + 1) * sizeof(*s->figs));
    memset(s->unit_ytd, 0, (s->n_cov * s->n_units + 1) * sizeof(int64_t));
    memset(s->unit_figs, 0, (n_ind * s->n_units + 1) * sizeof(*s->unit_figs));
    memset(s->by_month, 0, (n_ind * 12 + 1) * sizeof(int64_t));
    s->covered = 0;
}

int ledger_bulletin_scan_more(struct ledger_bulletin_scan *s,
                              struct ledger_sql *db, int64_t from, char *err,
                              size_t errlen)
{
    const struct ledger_bulletin_params *p = s->p;
    int64_t fig[] = {p->upto_entry, p->period};
    int64_t month[] = {from, p->upto_entry, p->period, s->closed_at};
    int64_t revs[] = {from, p->upto_entry, p->period};
    size_t had = s->n_revs;
    int r;

    if (!s->no_digest || from > p->upto_entry) {
        snprintf(err, errlen, "cannot bring this scan up to date");
        return -EINVAL;
    }
    /* The figures from the balance table again (a small table: units x
     * indicators x months), rather than the new entries' deltas one by
     * one: under full ingest those are a hundred thousand a second. */
    figures_clear(s);
    r = query(s, db, FIGURES, fig, 2, figure_row, err, errlen);
    if (r == 0 && from < p->upto_entry)
        r = query(s, db, MONTH_MORE, month, 4, month_more_row, err, errlen);
    if (r == 0 && from < p->upto_entry && p->revised_after >= 0)
        r = query(s, db, p->revision > 1 ? REVS_MORE_N : REVS_MORE_1, revs, 3,
                  newer_row, err, errlen);
    if (r == 0)
        r = revision_details(s, db, had, err, errlen);
    if (r == 0 && s->overflow) {
        snprintf(err, errlen, "a figure does not fit in 64 bits");
        r = -ERANGE;
    }
    return r;
}

void ledger_bulletin_scan_close(struct ledger_bulletin_scan *s)
{
    for (size_t k = 0; k < s->n_revs; k++) {
        free(s->revs[k].node);
        free(s->revs[k].corrects_id);
    }
    free(s->revs);
    free(s->figs);
    free(s->unit_ytd);
    free(s->unit_figs);
    free(s->by_month);
    free(s->reps);
    free(s->rev_delta);
    free(s->rev_count);
    free(s->unit_keys);
    free(s->ind_keys);
    free(s->cov_slot);
    lu_buf_free(&s->row);
}
