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
 * at V: it does not bank credit for the time it was quiet. */

struct item {
    zmq_msg_t msg;
    uint64_t start;
    bool urgent;
    struct item *next;
};

struct flow {
    unsigned char rid[256];
    size_t rid_len;
    uint64_t finish; /* of the last message queued */
    struct item *head, *tail;
};

struct hub_fairq {
    struct flow **flows; /* connections with something queued */
    size_t n_flows, cap_flows;
    struct lu_hmap *by_rid; /* the same flows, by routing id */
    uint64_t vtime;
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
    q->flows[q->n_flows++] = f;
    lu_hmap_put(q->by_rid, f->rid, f->rid_len, f);
    return f;
}

void hub_fairq_push(struct hub_fairq *q, const unsigned char *rid,
                    size_t rid_len, zmq_msg_t *msg, bool batch)
{
    struct flow *f;
    struct item *it = lu_xmalloc(sizeof(*it));
    size_t size;

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
    if (f == NULL)
        f = add_flow(q, rid, rid_len);
    it->start = f->finish > q->vtime ? f->finish : q->vtime;
    /* At least 1: a flood of empty messages still pays its way. */
    f->finish = it->start + (size ? size : 1);
    it->next = NULL;
    if (f->tail)
        f->tail->next = it;
    else
        f->head = it;
    f->tail = it;
    q->messages++;
    q->bytes += size;
}

/* Whether item a goes before b: an urgent one first (someone is waiting
 * for it, and it is small: it takes nothing from anyone's share that
 * matters), then by start tag. */
static bool before(const struct item *a, const struct item *b)
{
    if (a->urgent != b->urgent)
        return a->urgent;
    return a->start < b->start;
}

bool hub_fairq_pop(struct hub_fairq *q, unsigned char *rid, size_t *rid_len,
                   zmq_msg_t *msg, bool *urgent)
{
    size_t best = 0;
    struct flow *f;
    struct item *it;

    if (q->n_flows == 0)
        return false;
    for (size_t i = 1; i < q->n_flows; i++) {
        if (before(q->flows[i]->head, q->flows[best]->head))
            best = i;
    }
    f = q->flows[best];
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
        f->tail = NULL;
        /* Forgotten; the last flow takes its slot. */
        lu_hmap_del(q->by_rid, f->rid, f->rid_len);
        q->flows[best] = q->flows[--q->n_flows];
        free(f);
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
