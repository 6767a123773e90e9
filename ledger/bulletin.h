/* The monthly bulletin (月信息相互通报) of one province, computed from the
 * hub's ledger: per indicator the month, the year to date and the total
 * since the plan began, judged against the plan's target; totals per task
 * area; who reported the month and when; the late entries that revise
 * months already shown; and a digest of every entry it covers. The format
 * is proto/bulletin.proto. Signing and storing are ledger/bulletin_sign.h and
 * ledger/bulletins.h.
 *
 * What the bulletin depends on. Only the ledger's entries with entry.id <=
 * upto_entry, the plan, and the parameters below: the same inputs give the
 * same packed bytes, whatever arrived later. A chain's figure is that of its
 * newest entry with id <= upto_entry. Each entry stores its chain's figure
 * before it (prev_amount), so a figure is the sum of amount - prev_amount
 * over its entries, and the ledger's balance table holds exactly that sum
 * over all entries; subtracting the entries after upto_entry gives the sums
 * up to it without reading the rest.
 *
 * Cost. A bulletin reads the balance table (units x indicators x months),
 * the month's entries through the entry_period index, the entries since
 * the previous bulletin of the province (for revisions; a rowid range) and
 * fewer than LEDGER_DIGEST_BLOCK entries for the digest: nothing reads the
 * whole ledger. Issuing a row of missed months costs no more than each
 * month. (tests/bench: about 1 s for a month of 280,000 entries in a
 * ledger of ten million, see docs/BENCHMARKS.md.)
 *
 * Digest. The ledger's digest at upto_entry (ledger/digest.h): SHA-256 over
 * the ledger's digest at chain_from, the last block end at or below
 * upto_entry (chain_digest), followed by the ledger's entries with
 * chain_from < id <= upto_entry in id order, encoded as
 * proto/bulletin.proto says. So each digest commits to every entry of the
 * ledger up to upto_entry, and anyone holding the ledger can recompute it.
 *
 * Decisions the issue left open:
 *  - Units are the plan's units of the province, in plan order. Covered
 *    entries: id <= upto_entry, period <= the month, unit of the province.
 *  - The month closes at 00:00 China time (UTC+8) on issue_day (1..28) of
 *    the next month. A unit reported on time when its first entry for the
 *    month was received before the close, late when only after it.
 *  - Units of kind district, city or department are expected every month.
 *    "city" is in the list because Shandong's reporting units are the cities
 *    paired with Chongqing's districts; without it Shandong's bulletin would
 *    never show a city as missing.
 *  - Pace. "Months of the year" are the months of the calendar year inside
 *    the plan; "so far" counts them up to the bulletin's month. yearly_min is
 *    on track when ytd >= target * so far / months of the year, period_min
 *    and level when since_start >= target * plan months so far / plan
 *    months. At the end of the year (or plan) the pace equals the target, so
 *    what is not met is behind.
 *  - growth compares ytd with the same months of the previous year; it has
 *    no baseline (NO_BASELINE) while that year is before the plan. Before
 *    December it is at best ON_TRACK (ytd above last year's), in December
 *    MET; not above is BEHIND.
 *  - coverage counts the province's units of the kind the plan's scope
 *    names whose ytd >= target; met when all are, on track when the share
 *    that are keeps pace with the year. A scope the ledger cannot see (not a
 *    unit kind of the plan, e.g. poor_township_village) is judged per
 *    district. When the province has no unit of that kind there is nothing
 *    to judge: NO_TARGET.
 *  - ratio compares since-start totals: MET when this * per >= ratio_of *
 *    target, else BEHIND (a proportion has no pace); NO_BASELINE while
 *    ratio_of's total is 0.
 *  - Revisions: see revised_after below and in proto/bulletin.proto. At
 *    most LEDGER_BULLETIN_MAX_REVISIONS late entries are listed one by one
 *    (the first by id); the count and the per-indicator-month sums cover
 *    all of them, so that a bulk back-fill cannot make a bulletin too big to
 *    send. */
#ifndef LEDGER_BULLETIN_H
#define LEDGER_BULLETIN_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bulletin.pb-c.h"
#include "calendar.h"

struct lu_plan;

#define LEDGER_BULLETIN_FORMAT 1
#define LEDGER_BULLETIN_MAX_REVISIONS 1000
#define LEDGER_BULLETIN_DEFAULT_ISSUE_DAY 5

struct ledger_bulletin_params {
    const char *province; /* plan province code */
    uint32_t period;      /* YYYYMM, within the plan */
    uint32_t revision;    /* 1, 2, ...; for a draft the one it would be */
    bool draft;           /* computed on request: never signed or sent */
    int64_t issued_at;    /* unix s, recorded as given */
    int issue_day;        /* 1..28 */
    int64_t upto_entry;   /* covers entries with id <= this */
    /* Revisions list the entries with revised_after < id <= upto_entry:
     * for revision 1 (and a draft of it) those for earlier months, for
     * revision N > 1 those for this month or earlier. The store passes the
     * upto_entry of the previous month's latest bulletin (revision 1) or of
     * revision N-1. -1: no earlier bulletin, no revisions section. */
    int64_t revised_after;
    /* The ledger's digest chain point at or below upto_entry (a block end,
     * ledger/digest.h) and its digest (32 bytes). 0 and NULL: the start. */
    int64_t chain_from;
    const uint8_t *chain_digest;
    /* The project pool section covers project events with id <= upto_event
     * (ledger/pool.h); revised_after_event is the previous revision's, -1
     * for revision 1. */
    int64_t upto_event;
    int64_t revised_after_event;
    /* Review steps with id <= upto_review (ledger/review.h) give each
     * unit's review state and the accepted figures; revised_after_review
     * is the previous revision's, -1 for revision 1. */
    int64_t upto_review;
    int64_t revised_after_review;
};

/* Builds the bulletin. Returns 0 with *out set (free with
 * ledger_bulletin_free()), -EINVAL with a reason in err for bad parameters
 * (unknown province, period outside the plan, issue_day out of range), or
 * a negative errno with the database's error in err when reading fails (-ERANGE
 * when a sum overflows). Entries with id <= upto_entry never change, so
 * the build needs no transaction; but the caller must not pass an
 * upto_entry that includes entries of its own uncommitted transaction. */
struct ledger_sql;
int ledger_bulletin_build(struct ledger_sql *db, const struct lu_plan *plan,
                          const struct ledger_bulletin_params *p,
                          Luyu__Bulletin **out, char *err, size_t errlen);

/* A draft kept between calls, so that the next one reads only the entries
 * added since (ledger_bulletin_build_kept()). */
struct ledger_bulletin_draft;

/* As ledger_bulletin_build() for a draft that a caller recomputes again
 * and again while entries arrive (the dashboard's): without a digest
 * (zeros, chain_from 0, nothing hashed), and, when *keep holds the same
 * month, revision and review state at an upto_entry at or below p's,
 * brought up to date from it: the small balance table again, and of the
 * entries since it only the month's counts and the late ones; else
 * computed anew. The figures, reports and revisions equal
 * ledger_bulletin_build()'s for the same p. *keep (NULL at first) is
 * replaced as needed; free it with ledger_bulletin_draft_free(). On
 * error *keep is freed and NULL. */
int ledger_bulletin_build_kept(struct ledger_sql *db,
                               const struct lu_plan *plan,
                               const struct ledger_bulletin_params *p,
                               struct ledger_bulletin_draft **keep,
                               Luyu__Bulletin **out, char *err, size_t errlen);
void ledger_bulletin_draft_free(struct ledger_bulletin_draft *k);

/* Frees a bulletin from ledger_bulletin_build() or any unpacking function of
 * this module (they are all protobuf-c unpacked messages). NULL is a
 * no-op. */
void ledger_bulletin_free(Luyu__Bulletin *b);

/* Names for scripts: "met", "on_track", "behind", "no_target",
 * "no_baseline"; "on_time", "late", "missing", "none"; "unknown" for a
 * value this luyu does not know. */
const char *ledger_bulletin_status_name(Luyu__Status status);
const char *ledger_bulletin_state_name(Luyu__ReportState state);

/* The bulletin's line for an indicator code; NULL when it has none. */
const Luyu__IndicatorFigures *ledger_bulletin_indicator(const Luyu__Bulletin *b,
                                                        const char *code);

#endif
