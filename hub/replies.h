/* The hub's replies to its nodes, held while the group transaction that
 * they answer is open and sent when it ends. Each reply is packed when it
 * is queued, so the caller builds its frame on the stack and frees what it
 * allocated for it at once; the queue owns only bytes. An ack is sent only
 * if the transaction committed; otherwise it becomes a BUSY error with the
 * node's committed high-water mark, so the node resends later. */
#ifndef HUB_REPLIES_H
#define HUB_REPLIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "luyu.pb-c.h"

struct hub_replies;

struct hub_replies *hub_replies_new(void);
void hub_replies_free(struct hub_replies *q);

/* Queues f (packed now; f stays the caller's) for the connection rid.
 * ack_of: the node whose batch f acknowledges (sent only after a commit),
 * NULL for a reply that stands whatever the transaction does. */
void hub_replies_add(struct hub_replies *q, const unsigned char *rid,
                     size_t rid_len, const Luyu__Frame *f, const char *ack_of);
/* Queues an error frame (message made valid UTF-8). */
void hub_replies_error(struct hub_replies *q, const unsigned char *rid,
                       size_t rid_len, int code, const char *message,
                       uint64_t hwm);
/* Notes that node's batch could not be merged: the whole group must roll
 * back, and the batch is answered BUSY like the acks. */
void hub_replies_failed(struct hub_replies *q, const unsigned char *rid,
                        size_t rid_len, const char *node);
/* How many replies are queued. */
size_t hub_replies_count(const struct hub_replies *q);
/* True when a batch of the open group failed (hub_replies_failed). */
bool hub_replies_group_failed(const struct hub_replies *q);

/* The committed high-water mark of node, for BUSY answers. */
typedef uint64_t (*hub_replies_hwm_cb)(void *data, const char *node);

/* Sends every queued reply on the ROUTER sock and empties the queue.
 * committed false: acks and failed batches are answered BUSY with hwm_cb's
 * mark instead. Returns how many replies could not be sent (the peer is
 * gone, or its send queue is full). */
size_t hub_replies_send(struct hub_replies *q, void *sock, bool committed,
                        hub_replies_hwm_cb hwm_cb, void *data);

#endif
