/* Data quality at the node's door (issue 16): before entries are stored,
 * each figure they change (unit, indicator, month, as it would stand with
 * the whole request applied) is judged against the plan's rules and the
 * unit's own history in the outbox.
 *
 *  - A breach of a plan rule (min, max, at_most; common/plan.h) refuses
 *    the entry, naming the rule.
 *  - An outlier (common/outlier.h: a jump of x10 against the median of the
 *    unit's other months, or a modified z-score beyond 3.5) and a likely
 *    duplicate (the same figure with the same amount recorded at this node
 *    in the last NODE_QUALITY_DUP_DAYS days, or earlier in the same
 *    request) are warnings: the entry is stored only when the person
 *    confirms them, and the codes are stored with it (Entry.confirmed).
 *
 * The history is this node's outbox: the figures this node recorded for
 * its units, current entries of each chain (not rejected), so the node
 * judges without asking the hub. */
#ifndef NODE_QUALITY_H
#define NODE_QUALITY_H

#include <stddef.h>
#include <stdint.h>

#include "luyu.pb-c.h"

struct lu_plan;
struct node_outbox;

/* A likely duplicate is the same amount recorded within this many days. */
#define NODE_QUALITY_DUP_DAYS 31

struct node_quality_verdict {
    char *refusal;  /* the rule breached, for people (heap), or NULL */
    char *warning;  /* outlier and/or duplicate, for people (heap), or NULL */
    char codes[24]; /* "outlier", "duplicate", "outlier,duplicate" or "" */
};

/* Judges n figure entries about to be stored together, in order (a
 * correction names the entry it corrects in corrects). v has n slots,
 * which this fills; free their strings with node_quality_clear(). now is
 * unix s. Messages are in the calling thread's language. Returns 0 or a
 * negative errno when the outbox cannot be read. */
int node_quality_judge(const struct lu_plan *plan, struct node_outbox *ob,
                       Luyu__Entry *const *entries, size_t n, int64_t now,
                       struct node_quality_verdict *v);
void node_quality_clear(struct node_quality_verdict *v, size_t n);

#endif
