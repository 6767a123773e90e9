/* The province's review queue (issue 16), read from the hub's ledger: every
 * unit's month that has entries, with how many of them carry data-quality
 * warnings the district confirmed when entering them (entry.confirmed,
 * node/quality.h), flagged months first so that a reviewer looks at them
 * before the rest. luyuctl review queue reads it; the hub's dashboard can
 * call the same function. It only reads. */
#ifndef LEDGER_REVIEW_H
#define LEDGER_REVIEW_H

#include <stdint.h>

#include <sqlite3.h>

struct ledger_review_month {
    const char *unit;      /* valid during the callback */
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
int ledger_review_queue(sqlite3 *db, uint32_t period, ledger_review_cb cb,
                        void *arg);

#endif
