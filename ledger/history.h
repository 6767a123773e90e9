/* The history of one figure in a hub's ledger, loaded for luyuctl history:
 * either the chain of one entry (the original and all its corrections) or
 * every entry of a unit/indicator/month in commit order, each with the
 * figure before and after it, and the entries the hub rejected for that
 * figure. */
#ifndef LEDGER_HISTORY_H
#define LEDGER_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "reader.h"

/* "node/seq" with the longest node id and a 20-digit seq. */
#define LEDGER_HISTORY_ID (LU_MAX_NAME + 22)

struct ledger_history_entry {
    char id[LEDGER_HISTORY_ID];
    char corrects[LEDGER_HISTORY_ID]; /* "" for an original */
    int64_t amount;
    bool has_prev;
    int64_t prev;          /* the chain's figure before this correction */
    int64_t before, after; /* the figure (chain or month) around it */
    char *recorded_by, *note;
    int64_t recorded_at, received_at;
};

struct ledger_history_reject {
    char id[LEDGER_HISTORY_ID];
    int64_t amount, at;
    char *reason; /* the hub's words, without the stored code */
    int code;     /* RejectCode, 0 for a reason stored without one */
};

struct ledger_history {
    bool by_id; /* the chain of one entry, else a whole figure */
    char unit[LU_MAX_NAME + 1], indicator[LU_MAX_NAME + 1];
    uint32_t period;
    struct ledger_indicator ind;
    struct ledger_history_entry *entries;
    size_t n_entries;
    struct ledger_history_reject *rejects;
    size_t n_rejects;
};

/* Loads the history of query, an entry id "node/seq" or a figure
 * "unit/indicator/YYYY-MM". Returns 0, or writes the problem into err and
 * returns -EINVAL (malformed), -ENOENT (unknown id, unit or indicator) or
 * -EIO (the ledger could not be read). Release with ledger_history_close()
 * in every case. */
struct ledger_sql;
int ledger_history_load(struct ledger_sql *db, const char *query,
                        struct ledger_history *h, char *err, size_t errlen);
void ledger_history_close(struct ledger_history *h);

#endif
