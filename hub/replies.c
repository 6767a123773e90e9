#include "replies.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "codec.h"
#include "log.h"
#include "util.h"
#include "xmalloc.h"

struct reply {
    unsigned char rid[256];
    size_t rid_len;
    uint8_t *packed; /* owned; NULL for a batch that failed */
    size_t len;
    bool ack; /* stands only if the transaction commits */
    char node[LU_MAX_NAME + 1];
};

struct hub_replies {
    struct reply *v;
    size_t n, cap;
    bool failed;
};

struct hub_replies *hub_replies_new(void)
{
    return lu_xcalloc(1, sizeof(struct hub_replies));
}

void hub_replies_free(struct hub_replies *q)
{
    if (q == NULL)
        return;
    for (size_t i = 0; i < q->n; i++)
        free(q->v[i].packed);
    free(q->v);
    free(q);
}

static struct reply *push(struct hub_replies *q, const unsigned char *rid,
                          size_t rid_len, const char *node)
{
    struct reply *r;

    /* From a few: a reply is 352 bytes and a group at a clerk's pace has
     * one or two, while 64 of them (22 KB) would be a mapping of its own
     * (hub/heap.c), made and unmapped for every group. */
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 4;
        q->v = lu_xrealloc(q->v, q->cap * sizeof(*q->v));
    }
    r = &q->v[q->n++];
    if (rid_len > sizeof(r->rid))
        rid_len = 0; /* cannot happen: the intake reads at most that */
    memcpy(r->rid, rid, rid_len);
    r->rid_len = rid_len;
    r->packed = NULL;
    r->len = 0;
    r->ack = node != NULL;
    snprintf(r->node, sizeof(r->node), "%s", node ? node : "");
    return r;
}

static void pack(struct reply *r, const Luyu__Frame *f)
{
    r->len = luyu__frame__get_packed_size(f);
    r->packed = lu_xmalloc(r->len ? r->len : 1);
    luyu__frame__pack(f, r->packed);
}

void hub_replies_add(struct hub_replies *q, const unsigned char *rid,
                     size_t rid_len, const Luyu__Frame *f, const char *ack_of)
{
    pack(push(q, rid, rid_len, ack_of), f);
}

static void pack_error(struct reply *r, int code, const char *message,
                       uint64_t hwm)
{
    Luyu__Frame f = LUYU__FRAME__INIT;
    Luyu__Error e = LUYU__ERROR__INIT;
    char *text = lu_utf8_fix(lu_xstrdup(message));

    e.code = code;
    e.message = text;
    e.hwm = hwm;
    f.body_case = LUYU__FRAME__BODY_ERROR;
    f.error = &e;
    pack(r, &f);
    free(text);
}

void hub_replies_error(struct hub_replies *q, const unsigned char *rid,
                       size_t rid_len, int code, const char *message,
                       uint64_t hwm)
{
    pack_error(push(q, rid, rid_len, NULL), code, message, hwm);
}

void hub_replies_failed(struct hub_replies *q, const unsigned char *rid,
                        size_t rid_len, const char *node)
{
    push(q, rid, rid_len, node);
    q->failed = true;
}

bool hub_replies_group_failed(const struct hub_replies *q)
{
    return q->failed;
}

static int send_one(void *sock, const struct reply *r)
{
    if (zmq_send(sock, r->rid, r->rid_len, ZMQ_DONTWAIT | ZMQ_SNDMORE) < 0 ||
        zmq_send(sock, r->packed, r->len, ZMQ_DONTWAIT) < 0)
        return -zmq_errno();
    return 0;
}

size_t hub_replies_count(const struct hub_replies *q)
{
    return q->n;
}

size_t hub_replies_send(struct hub_replies *q, void *sock, bool committed,
                        hub_replies_hwm_cb hwm_cb, void *data)
{
    size_t dropped = 0;

    for (size_t i = 0; i < q->n; i++) {
        struct reply *r = &q->v[i];

        if (r->ack && (!committed || r->packed == NULL)) {
            free(r->packed);
            pack_error(r, LUYU__ERROR__CODE__BUSY,
                       "hub cannot commit right now (disk full?)",
                       hwm_cb(data, r->node));
        }
        if (send_one(sock, r) < 0) {
            /* Gone, or not reading its replies (the send queue is full):
             * counted; an honest node times out and says Hello again. */
            dropped++;
            lu_debug("reply to a vanished or stalled peer dropped");
        }
        free(r->packed);
    }
    q->n = 0;
    q->failed = false;
    return dropped;
}
