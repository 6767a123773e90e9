/* The review of a unit's month (issue 16), in the hub's ledger: the
 * district approves (an entry of its node), the province accepts, returns
 * with a reason, or unlocks an accepted month with a reason. Every step is
 * an append-only review_event (who, when, why); the newest is the month's
 * state. An accepted month is locked: ledger_merge refuses its entries.
 *
 *   none, returned, unlocked --approve--> approved (also approved again)
 *   approved --accept--> accepted (locked)    approved --return--> returned
 *   accepted --unlock--> unlocked
 *
 * And the province's review queue: every unit's month that has entries,
 * with its state and how many entries carry data-quality warnings the
 * district confirmed when entering them (entry.confirmed, node/quality.h),
 * flagged months first so that a reviewer looks at them before the rest.
 * luyuctl review reads it; the hub's dashboard can call the same
 * functions.
 *
 * Every function runs on the statement layer (ledger/sql.h), so the same
 * code keeps the review in a SQLite ledger and in a PostgreSQL one. */
#ifndef LEDGER_REVIEW_H
#define LEDGER_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "luyu.pb-c.h"

struct ledger_sql;

/* One step of a month's review. Strings are valid during a callback, or
 * until the next call for ledger_review_last. */
struct ledger_review_step {
    int64_t id;
    const char *unit;
    uint32_t period;
    int kind; /* Luyu__ReviewKind; 0 when the month has no step */
    const char *by, *reason, *node;
    int64_t at;
};

/* The month's newest step into *last (kind 0 when none); by and reason
 * are copied into the caller's buffers of LU_MAX_NAME + 1 and
 * LU_MAX_NOTE + 1 bytes. 0 or -EIO. */
int ledger_review_last(struct ledger_sql *db, const char *unit, uint32_t period,
                       struct ledger_review_step *last, char *by, char *reason);

/* A month's state (the kind of its newest step, 0 for none) in the
 * reader's language: open, approved, accepted (locked), returned,
 * unlocked. For luyuctl and the dashboard alike. */
const char *ledger_review_state_text(int kind);

/* Whether kind may follow the month's state: 0 yes, 1 no with the reason
 * in why (English: it goes into rejects and to the reviewer), -EIO. */
int ledger_review_check(struct ledger_sql *db, const char *unit,
                        uint32_t period, int kind, char *why, size_t len);

/* Appends a step (in the caller's transaction). node "" and seq 0 for the
 * province's steps. 0 or -EIO. */
int ledger_review_add(struct ledger_sql *db, const char *unit, uint32_t period,
                      int kind, const char *by, const char *reason,
                      const char *node, uint64_t seq, int64_t at);

/* 1 with the reason in why when the month is accepted (locked), else 0;
 * -EIO. The intake asks for every entry it merges, so *c is the caller's
 * cache, NULL at first and kept for the next call: the accepted months,
 * read once and again only after a review step was written or a
 * transaction rolled back through db (ledger_sql_gen): the (active) hub is
 * the only writer, a round trip per entry would stall its pipelined merge
 * on PostgreSQL, and a statement per entry cost 5 % of its loop on
 * SQLite. Free it with ledger_review_locks_free. */
struct ledger_review_locks;
int ledger_review_locked(struct ledger_sql *db, struct ledger_review_locks **c,
                         const char *unit, uint32_t period, char *why,
                         size_t len);
void ledger_review_locks_free(struct ledger_review_locks *c);

/* The province's steps (accept, return, unlock, remind) with id > after
 * for the units of node, oldest first, at most max: what goes down the
 * link to the node. A node's units are those it sent figures or approvals
 * of, and those the key registry gives it (units[0..n_units), may be
 * empty), so that a unit that never reported still hears its reminders.
 * *out is an array of heap ReviewNotices; free it with
 * ledger_review_notices_free. 0 or -EIO. */
int ledger_review_notices(struct ledger_sql *db, const char *node,
                          const char *const *units, size_t n_units,
                          uint64_t after, size_t max, Luyu__ReviewNotice ***out,
                          size_t *n);
void ledger_review_notices_free(Luyu__ReviewNotice **v, size_t n);

/* Every step of a unit's month, oldest first. Returns 0, cb's non-zero
 * value, or -EIO; -ENOTSUP before schema 3 (PostgreSQL: 4). */
typedef int (*ledger_review_step_cb)(void *arg,
                                     const struct ledger_review_step *s);
int ledger_review_history(struct ledger_sql *db, const char *unit,
                          uint32_t period, ledger_review_step_cb cb, void *arg);

/* The highest review step id (0 when none, or before schema 3;
 * PostgreSQL: 4): a bulletin's upto_review. -1 on failure. */
int64_t ledger_review_max(struct ledger_sql *db);

/* 1 when the month has a review step with id > after, 0 when not (or
 * before schema 3), -EIO. */
int ledger_review_changed_since(struct ledger_sql *db, uint32_t period,
                                int64_t after);

/* Each of n units' latest step for period among the steps with id <=
 * upto, into kinds[] (0 when none). 0 or -EIO; all 0 before schema 3. */
int ledger_review_states(struct ledger_sql *db, uint32_t period, int64_t upto,
                         const char *const *units, size_t n, int *kinds);

/* Reminders (hub/remind.h). ledger_remind_add records one for a unit's
 * month and reason, with its review_event of kind REMIND (the node's
 * notice), in the caller's transaction: 1 when new, 0 when it was sent
 * before (never twice), -EIO. */
int ledger_remind_add(struct ledger_sql *db, const char *unit, uint32_t period,
                      const char *reason, int64_t at);
/* Marks the reminder's hook as started. 0 or -EIO. */
int ledger_remind_hooked(struct ledger_sql *db, const char *unit,
                         uint32_t period, const char *reason);
/* Calls cb for reminders, newest first, at most max; only those whose hook
 * has not been started when unhooked_only. 0, cb's value, or -EIO. */
typedef int (*ledger_remind_cb)(void *arg, const char *unit, uint32_t period,
                                const char *reason, int64_t at);
int ledger_remind_each(struct ledger_sql *db, int unhooked_only, size_t max,
                       ledger_remind_cb cb, void *arg);
/* Entries of a unit's month in the ledger, -1 on failure. */
int64_t ledger_remind_entries(struct ledger_sql *db, const char *unit,
                              uint32_t period);

/* The code of a kind for machines ("approve" ...), NULL when unknown. */
const char *ledger_review_kind_code(int kind);
/* The state a step leaves a month in ("approved" ...; "open" for 0). */
const char *ledger_review_state_code(int kind);

struct ledger_review_month {
    const char *unit;      /* valid during the callback */
    int state;             /* kind of the newest review step; 0: none */
    uint32_t period;       /* YYYYMM */
    uint64_t entries;      /* figure entries merged for the unit's month */
    uint64_t flagged;      /* of them, with confirmed warnings */
    int64_t last_received; /* unix s of the newest */
    /* "node/seq:codes" of the flagged entries, space-separated, oldest
     * first ("cq-wanzhou/6:outlier cq-wanzhou/9:duplicate"); "" when none.
     * Valid during the callback. */
    const char *flags;
};

/* Returns non-zero to stop the walk; that value is returned. */
typedef int (*ledger_review_cb)(void *arg, const struct ledger_review_month *m);

/* Calls cb for every unit's month with entries (of period only, when not
 * 0): months with flagged entries first, most flagged first, then by
 * period and unit. Returns 0, cb's non-zero value, -ENOTSUP when the
 * ledger predates schema 3 (start this release's luyu-hub once to upgrade
 * it), or -EIO. */
int ledger_review_queue(struct ledger_sql *db, uint32_t period,
                        ledger_review_cb cb, void *arg);

#endif
