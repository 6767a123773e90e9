#include "fairq.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "xmalloc.h"

/* Start-time fair queueing (Goyal, Vin, Cheng 1996): every message gets a
 * start tag max(V, finish of its connection's previous message) and a
 * finish tag start + its size in bytes; the message with the smallest
 * start tag goes first, and V is the start tag of the message served last.
 * A connection that empties is forgotten, so one that comes back starts
 * at V: it does not bank credit for the time it was quiet.
 *
 * The connections with something queued form a binary min-heap by their
 * first message, so that a pop costs log n, not n: with 5,000 nodes each
 * sending a batch, scanning them all for every message was quadratic
 * (issue 19, third round). Equal start tags go in the order they came
 * (seq). */

struct item {
    zmq_msg_t msg;
    uint64_t start;
    uint64_t seq; /* order of arrival, for equal start tags */
    bool urgent;
    struct item *next;
};

struct flow {
    unsigned char rid[256];
    size_t rid_len;
    uint64_t finish; /* of the last message queued */
    struct item *head, *tail;
    size_t at; /* its place in the heap */
};

struct hub_fairq {
    struct flow **flows; /* connections with something queued: a heap */
    size_t n_flows, cap_flows;
    struct lu_hmap *by_rid; /* the same flows, by routing id */
    uint64_t vtime;
    uint64_t seq;
    size_t messages, bytes, urgent;
};

struct hub_fairq *hub_fairq_new(void)
{
    struct hub_fairq *q = lu_xcalloc(1, sizeof(*q));

    q->by_rid = lu_hmap_new();
    return q;
}

static void free_flow(struct flow *f)
{
    while (f->head) {
        struct item *it = f->head;

        f->head = it->next;
        zmq_msg_close(&it->msg);
        free(it);
    }
    free(f);
}

void hub_fairq_free(struct hub_fairq *q)
{
    if (q == NULL)
        return;
    for (size_t i = 0; i < q->n_flows; i++)
        free_flow(q->flows[i]);
    free(q->flows);
    lu_hmap_free(q->by_rid);
    free(q);
}

/* By hash: in a reconnect storm thousands of connections have something
 * queued. */
static struct flow *find_flow(struct hub_fairq *q, const unsigned char *rid,
                              size_t len)
{
    return lu_hmap_get(q->by_rid, rid, len);
}

/* Whether item a goes before b: an urgent one first (someone is waiting
 * for it, and it is small: it takes nothing from anyone's share that
 * matters), then by start tag, then by arrival. */
static bool before(const struct item *a, const struct item *b)
{
    if (a->urgent != b->urgent)
        return a->urgent;
    if (a->start != b->start)
        return a->start < b->start;
    return a->seq < b->seq;
}

static void place(struct hub_fairq *q, size_t i, struct flow *f)
{
    q->flows[i] = f;
    f->at = i;
}

static void sift_up(struct hub_fairq *q, size_t i)
{
    struct flow *f = q->flows[i];

    while (i > 0) {
        size_t parent = (i - 1) / 2;

        if (!before(f->head, q->flows[parent]->head))
            break;
        place(q, i, q->flows[parent]);
        i = parent;
    }
    place(q, i, f);
}

static void sift_down(struct hub_fairq *q, size_t i)
{
    struct flow *f = q->flows[i];

    for (;;) {
        size_t c = 2 * i + 1;

        if (c >= q->n_flows)
            break;
        if (c + 1 < q->n_flows &&
            before(q->flows[c + 1]->head, q->flows[c]->head))
            c++;
        if (!before(q->flows[c]->head, f->head))
            break;
        place(q, i, q->flows[c]);
        i = c;
    }
    place(q, i, f);
}

static struct flow *add_flow(struct hub_fairq *q, const unsigned char *rid,
                             size_t len)
{
    struct flow *f = lu_xcalloc(1, sizeof(*f));

    if (q->n_flows == q->cap_flows) {
        q->cap_flows = q->cap_flows ? q->cap_flows * 2 : 64;
        q->flows = lu_xrealloc(q->flows, q->cap_flows * sizeof(*q->flows));
    }
    memcpy(f->rid, rid, len);
    f->rid_len = len;
    f->finish = q->vtime;
    f->at = q->n_flows++; /* placed by hub_fairq_push, once it has a head */
    lu_hmap_put(q->by_rid, f->rid, f->rid_len, f);
    return f;
}

void hub_fairq_push(struct hub_fairq *q, const unsigned char *rid,
                    size_t rid_len, zmq_msg_t *msg, bool batch)
{
    struct flow *f;
    struct item *it = lu_xmalloc(sizeof(*it));
    size_t size;
    bool fresh;

    if (rid_len > sizeof(f->rid))
        rid_len = 0;
    f = find_flow(q, rid, rid_len);
    zmq_msg_init(&it->msg);
    zmq_msg_move(&it->msg, msg);
    size = zmq_msg_size(&it->msg);
    /* A small message on a connection with nothing waiting: someone is
     * waiting for it, not working through a backlog. */
    it->urgent = batch && f == NULL && size <= HUB_FAIRQ_URGENT_BYTES;
    q->urgent += it->urgent;
    fresh = f == NULL;
    if (fresh)
        f = add_flow(q, rid, rid_len);
    it->start = f->finish > q->vtime ? f->finish : q->vtime;
    it->seq = q->seq++;
    /* At least 1: a flood of empty messages still pays its way. */
    f->finish = it->start + (size ? size : 1);
    it->next = NULL;
    if (f->tail)
        f->tail->next = it;
    else
        f->head = it;
    f->tail = it;
    /* Only a new flow's head is new: behind a head, nothing moves. */
    if (fresh) {
        q->flows[f->at] = f;
        sift_up(q, f->at);
    }
    q->messages++;
    q->bytes += size;
}

bool hub_fairq_pop(struct hub_fairq *q, unsigned char *rid, size_t *rid_len,
                   zmq_msg_t *msg, bool *urgent)
{
    struct flow *f;
    struct item *it;

    if (q->n_flows == 0)
        return false;
    f = q->flows[0];
    it = f->head;
    memcpy(rid, f->rid, f->rid_len);
    *rid_len = f->rid_len;
    zmq_msg_move(msg, &it->msg);
    zmq_msg_close(&it->msg);
    /* An urgent message may have been passed forward past the clock. */
    if (it->start > q->vtime)
        q->vtime = it->start;
    q->messages--;
    q->bytes -= zmq_msg_size(msg);
    q->urgent -= it->urgent;
    *urgent = it->urgent;
    f->head = it->next;
    if (f->head == NULL) {
        /* Forgotten; the last flow takes its place. */
        lu_hmap_del(q->by_rid, f->rid, f->rid_len);
        free(f);
        if (--q->n_flows > 0) {
            q->flows[0] = q->flows[q->n_flows];
            sift_down(q, 0);
        }
    } else {
        sift_down(q, 0); /* its next message starts later */
    }
    free(it);
    return true;
}

size_t hub_fairq_messages(const struct hub_fairq *q)
{
    return q->messages;
}

size_t hub_fairq_urgent(const struct hub_fairq *q)
{
    return q->urgent;
}

size_t hub_fairq_bytes(const struct hub_fairq *q)
{
    return q->bytes;
}
