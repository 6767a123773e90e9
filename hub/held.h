/* What a group commit makes known, held until its WAL sync returned
 * (common/walsync.h): the replies queued while the group was open (its
 * acks, and the Welcomes and Pongs whose hwm may count its entries) and
 * its feed events. Generations leave in the order they came, each once
 * lu_walsync_synced() reaches its ticket, so that no node ever hears of
 * an entry that a power loss could still take back, and acks of one node
 * keep their order. The intake owns the queue and does the sending. */
#ifndef HUB_HELD_H
#define HUB_HELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct hub_replies;

struct hub_held_gen {
    uint64_t ticket;       /* durable once the WAL sync reaches it */
    bool committed;        /* false: its group rolled back */
    struct hub_replies *q; /* owned by the generation */
    struct lu_buf feed;    /* noted feed events, hub/feed.h */
    struct hub_held_gen *next;
};

struct hub_held;

struct hub_held *hub_held_new(void);
/* Frees every generation still held, unsent. NULL is a no-op. */
void hub_held_free(struct hub_held *h);

/* Appends a generation: takes *q (replaced by an empty queue, recycled
 * from released generations) and the contents of *feed (left empty). */
void hub_held_push(struct hub_held *h, uint64_t ticket, bool committed,
                   struct hub_replies **q, struct lu_buf *feed);
/* The oldest generation, or NULL. */
struct hub_held_gen *hub_held_front(struct hub_held *h);
/* Drops the oldest generation (its queue, sent and empty, and its feed
 * buffer are kept for reuse). */
void hub_held_pop(struct hub_held *h);
size_t hub_held_count(const struct hub_held *h);

#endif
