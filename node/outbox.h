/* The node's durable outbox: every entry the node accepts is committed here
 * (synchronous=FULL) before luyuctl hears "accepted", gets its seq here, and
 * stays here, marked acknowledged or rejected, after the hub answers. */
#ifndef NODE_OUTBOX_H
#define NODE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "luyu.pb-c.h"

struct node_outbox;

struct node_outbox_stats {
    uint64_t pending;
    uint64_t acknowledged;
    uint64_t rejected;
    uint64_t last_seq;  /* highest seq assigned, 0 when empty */
    int64_t last_ack_s; /* wall clock of the last ack, 0 when never */
};

/* Entries read for sending. The entries and their strings are heap
 * allocated; node_batch_clear() frees them. */
struct node_batch {
    Luyu__Entry **entries;
    size_t n;
};

/* Opens (creating on first start) state_dir/outbox.db, checking that it
 * belongs to node_id. Writes a reason into err on failure. */
int node_outbox_open(const char *state_dir, const char *node_id,
                     struct node_outbox **out, char *err, size_t errlen);
void node_outbox_free(struct node_outbox *ob);

/* Commits n entries in one transaction, assigning consecutive seqs (written
 * back into each entry's seq). All or nothing. -ENOSPC on a full disk. */
int node_outbox_append(struct node_outbox *ob, Luyu__Entry **entries, size_t n);

/* Looks up one of our entries for a correction. -ENOENT when unknown. The
 * strings are copied into the caller's entry (free with free()). */
int node_outbox_get(struct node_outbox *ob, uint64_t seq, Luyu__Entry *e,
                    int *state);

/* Reads up to max entries with seq >= from, ascending. */
int node_outbox_read(struct node_outbox *ob, uint64_t from, size_t max,
                     struct node_batch *b);
void node_batch_clear(struct node_batch *b);

/* Records the hub's answer: everything <= upto is done; the listed seqs
 * were rejected for good with their reasons. One transaction. */
int node_outbox_ack(struct node_outbox *ob, uint64_t upto,
                    Luyu__Reject **rejects, size_t n_rejects);

/* Lowest seq not yet acknowledged or rejected (last_seq + 1 when none). */
uint64_t node_outbox_first_pending(const struct node_outbox *ob);

void node_outbox_stats(const struct node_outbox *ob,
                       struct node_outbox_stats *st);

/* Most recent rejected entries, newest first, for status. Fills up to max
 * ids ("node/seq") and reasons, heap strings the caller frees. */
size_t node_outbox_rejects(struct node_outbox *ob, size_t max, char **ids,
                           char **reasons);

/* Entry state values stored in the outbox. */
enum { NODE_PENDING = 0, NODE_ACKED = 1, NODE_REJECTED = 2 };

#endif
