/* The messages the hub has read from its ROUTER socket and not handled
 * yet, one FIFO per connection (routing id), served in start-time fair
 * queueing order by size: each connection gets its share of the hub's
 * merge work, and a connection that has been quiet (a clerk's single
 * entry) is served before the backlogs of connections that have been busy
 * (a catch-up storm). libzmq's own fair queueing is per message, whatever
 * its size, so a one-entry batch could wait behind one 500-entry batch of
 * every other node; here it waits behind at most what is being merged.
 * Messages keep their ZeroMQ metadata (User-Id, Peer-Address). */
#ifndef HUB_FAIRQ_H
#define HUB_FAIRQ_H

#include <stdbool.h>
#include <stddef.h>
#include <zmq.h>

struct hub_fairq;

struct hub_fairq *hub_fairq_new(void);
/* Closes every message still queued. */
void hub_fairq_free(struct hub_fairq *q);

/* Takes msg (moved: msg is left empty, still to be closed by the caller)
 * that came from routing id rid (rid_len <= 255; 0 for a routing id too
 * long to answer, which still gets its own queue). batch: the caller
 * thinks it is a batch of entries (only a batch can be urgent, below). */
void hub_fairq_push(struct hub_fairq *q, const unsigned char *rid,
                    size_t rid_len, zmq_msg_t *msg, bool batch);
/* The next message to handle, moved into msg (initialised by the caller,
 * closed by the caller), its routing id into rid (256 bytes), and whether
 * it is urgent (below). False when nothing is queued. */
bool hub_fairq_pop(struct hub_fairq *q, unsigned char *rid, size_t *rid_len,
                   zmq_msg_t *msg, bool *urgent);

/* A batch of at most this many bytes arriving on a connection with
 * nothing queued is urgent: a clerk's entry, not a backlog. Heartbeats
 * are small too, but nobody waits for them. A batch of one entry is 150-300
 * bytes; a node catching up sends hundreds of entries a batch, tens of
 * kilobytes. Kept small: when thousands of nodes each send a few dozen entries,
 * none of them is urgent, or every one would commit alone. */
#define HUB_FAIRQ_URGENT_BYTES 1024

size_t hub_fairq_messages(const struct hub_fairq *q);
/* How many urgent messages are queued. An urgent message is popped before
 * any other (its connection had nothing queued, so this takes nothing
 * from anyone's share), and the hub commits its group right after it
 * (hub/intake.c). */
size_t hub_fairq_urgent(const struct hub_fairq *q);
size_t hub_fairq_bytes(const struct hub_fairq *q);

#endif
