/* The reads behind a bulletin (ledger/bulletin.h): the indicator figures
 * from the balance table corrected back to upto_entry, the month's
 * completeness through the entry_period index, and one pass over the
 * entries since the digest's chain point (ledger/digest.h) or the previous
 * bulletin, for the digest and the revisions.
 * Internal to the bulletin module; ledger/bulletin.c turns the result into a
 * Luyu__Bulletin. */
#ifndef LEDGER_BULLETIN_SCAN_H
#define LEDGER_BULLETIN_SCAN_H

#include <sodium.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bulletin.h"
#include "util.h"

/* Sums of one indicator over the province's units. */
struct ledger_bulletin_scan_fig {
    int64_t month, ytd, since, prev_ytd;
    int64_t month_accepted; /* of month, units whose month is accepted */
};

/* One unit's entries for the bulletin's month. */
struct ledger_bulletin_scan_rep {
    uint64_t entries, late;
    int64_t first; /* received_at of the first, 0 when none */
};

/* A code and where it is, for binary search. */
struct ledger_bulletin_scan_key {
    const char *code;
    size_t idx;
};

/* A late entry listed in the bulletin. */
struct ledger_bulletin_scan_rev {
    int64_t id, amount, delta, corrects, received_at;
    int64_t previous; /* the unit's figure for the month before it */
    char *node, *corrects_id;
    uint64_t seq;
    size_t unit, ind; /* province unit slot, plan indicator index */
    uint32_t period;
};

struct ledger_bulletin_scan {
    /* in, set before ledger_bulletin_scan_run() */
    const struct lu_plan *plan;
    const struct ledger_bulletin_params *p;
    const size_t *units; /* plan indices of the province's units */
    size_t n_units;
    int64_t closed_at;
    /* per unit slot: the month's latest review step (ledger/review.h) as
     * of upto_review, 0 when none; NULL: none at all */
    const int *review;
    /* a kept draft's (ledger_bulletin_build_kept()): no digest (zeros, no
     * entry hashed), so that only the entries since the previous
     * bulletin, for its revisions, are read besides the figures */
    bool no_digest;
    /* out: owned, released by ledger_bulletin_scan_close() */
    struct ledger_bulletin_scan_fig *figs; /* per plan indicator */
    /* ytd per coverage indicator and unit: [cov_slot[i] * n_units + u] */
    int64_t *unit_ytd;
    /* each unit's own month and ytd: [ind * n_units + unit slot] */
    struct ledger_bulletin_scan_fig *unit_figs;
    /* each indicator's month figures of the year so far, from y0:
     * [ind * 12 + months since y0] */
    int64_t *by_month;
    uint32_t y0; /* January or the plan's first month, whichever is later */
    struct ledger_bulletin_scan_rep *reps; /* per unit slot */
    int64_t *rev_delta; /* per indicator and month since plan start */
    uint64_t *rev_count;
    size_t n_months; /* plan start .. the bulletin's month */
    struct ledger_bulletin_scan_rev *revs;
    size_t n_revs;
    uint64_t revs_total, covered, hashed;
    uint8_t digest[32];
    /* private */
    struct ledger_bulletin_scan_key *unit_keys, *ind_keys; /* sorted by code */
    size_t *cov_slot; /* per indicator: row in unit_ytd, SIZE_MAX if none */
    size_t n_cov;
    uint32_t y01, prev_lo, prev_hi; /* January; last year's same months */
    int overflow;
    uint8_t chain[32]; /* the chained bulletin's digest, or zeros */
    crypto_hash_sha256_state hash;
    struct lu_buf row; /* one entry's encoding */
};

/* Runs the pass on the ledger's database (SQLite or PostgreSQL). Returns
 * 0, or a negative errno with the database's error in err. Call
 * ledger_bulletin_scan_close() in every case. */
struct ledger_sql;
int ledger_bulletin_scan_run(struct ledger_bulletin_scan *s,
                             struct ledger_sql *db, char *err, size_t errlen);
/* Brings a no_digest scan that ran with upto_entry `from` up to s->p's
 * upto_entry (>= from; the caller changed only that in *s->p, and what
 * does not depend on the entries): the figures are read again from the
 * balance table, and of the entries with from < id <= upto_entry only the
 * month's counts per unit and the late ones the revisions list, so that
 * the cost does not grow with how many arrived. The result equals a new
 * scan's. */
int ledger_bulletin_scan_more(struct ledger_bulletin_scan *s,
                              struct ledger_sql *db, int64_t from, char *err,
                              size_t errlen);
void ledger_bulletin_scan_close(struct ledger_bulletin_scan *s);

#endif
