#include "held.h"

#include <stdlib.h>

#include "replies.h"
#include "xmalloc.h"

/* A few spare queues: as many generations are out at once as WAL syncs
 * overlap merging, two or three. */
#define MAX_SPARE 8

struct hub_held {
    struct hub_held_gen *head, *tail;
    size_t n;
    struct hub_replies *spare[MAX_SPARE];
    size_t n_spare;
    struct lu_buf spare_feed[MAX_SPARE]; /* empty, with their memory */
    size_t n_spare_feed;
};

struct hub_held *hub_held_new(void)
{
    return lu_xcalloc(1, sizeof(struct hub_held));
}

static void gen_free(struct hub_held_gen *g)
{
    hub_replies_free(g->q);
    lu_buf_free(&g->feed);
    free(g);
}

void hub_held_free(struct hub_held *h)
{
    if (h == NULL)
        return;
    while (h->head != NULL) {
        struct hub_held_gen *g = h->head;

        h->head = g->next;
        gen_free(g);
    }
    for (size_t i = 0; i < h->n_spare; i++)
        hub_replies_free(h->spare[i]);
    for (size_t i = 0; i < h->n_spare_feed; i++)
        lu_buf_free(&h->spare_feed[i]);
    free(h);
}

void hub_held_push(struct hub_held *h, uint64_t ticket, bool committed,
                   struct hub_replies **q, struct lu_buf *feed)
{
    struct hub_held_gen *g = lu_xcalloc(1, sizeof(*g));

    g->ticket = ticket;
    g->committed = committed;
    g->q = *q;
    *q = h->n_spare > 0 ? h->spare[--h->n_spare] : hub_replies_new();
    /* The buffer moves whole; the feed goes on in a spare one (a group's
     * events are a few MB: no growing a new buffer each time). */
    g->feed = *feed;
    if (h->n_spare_feed > 0)
        *feed = h->spare_feed[--h->n_spare_feed];
    else
        lu_buf_init(feed);
    if (h->tail != NULL)
        h->tail->next = g;
    else
        h->head = g;
    h->tail = g;
    h->n++;
}

struct hub_held_gen *hub_held_front(struct hub_held *h)
{
    return h->head;
}

void hub_held_pop(struct hub_held *h)
{
    struct hub_held_gen *g = h->head;

    if (g == NULL)
        return;
    h->head = g->next;
    if (h->head == NULL)
        h->tail = NULL;
    h->n--;
    if (h->n_spare < MAX_SPARE) {
        h->spare[h->n_spare++] = g->q;
        g->q = NULL;
    }
    if (h->n_spare_feed < MAX_SPARE) {
        g->feed.len = 0;
        h->spare_feed[h->n_spare_feed++] = g->feed;
        lu_buf_init(&g->feed);
    }
    gen_free(g);
}

size_t hub_held_count(const struct hub_held *h)
{
    return h->n;
}
