#include "zloop.h"

#include <stdbool.h>
#include <stdlib.h>
#include <zmq.h>

#include "log.h"
#include "xmalloc.h"

#define ZWATCH_BUDGET 256

struct lu_zwatch {
    void *zsock;
    lu_zwatch_cb cb;
    void *data;
    uv_poll_t poll;
    uv_prepare_t prepare;
    uv_idle_t idle;
    int open_handles;
    bool closing;
    bool in_cb; /* the callback may kick; do not recurse */
};

static bool has_input(struct lu_zwatch *w)
{
    int events = 0;
    size_t len = sizeof(events);

    if (zmq_getsockopt(w->zsock, ZMQ_EVENTS, &events, &len) < 0)
        return false;
    return (events & ZMQ_POLLIN) != 0;
}

static void on_idle(uv_idle_t *h);

static void drain(struct lu_zwatch *w)
{
    int budget = ZWATCH_BUDGET;
    bool more = false;

    if (w->closing || w->in_cb)
        return;
    w->in_cb = true;
    /* One read of ZMQ_EVENTS per turn: each costs libzmq a getpid() and a
     * poll() of its mailbox, and the loop drains every watch before each
     * poll, so on an idle loop these reads were most of its system calls
     * (docs/DECISIONS.md, "Issue 19, ninth round"). */
    while (!w->closing && (more = has_input(w)) && budget > 0) {
        int n = w->cb(w->data, budget);

        if (n <= 0) {
            more = has_input(w);
            break;
        }
        budget -= n;
    }
    w->in_cb = false;
    if (w->closing)
        return;
    /* Still more queued: keep the loop spinning instead of blocking in
     * poll, which would wait for an edge that already happened. */
    if (more)
        uv_idle_start(&w->idle, on_idle);
    else
        uv_idle_stop(&w->idle);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    drain(h->data);
}

static void on_prepare(uv_prepare_t *h)
{
    drain(h->data);
}

static void on_idle(uv_idle_t *h)
{
    drain(h->data);
}

struct lu_zwatch *lu_zwatch_new(uv_loop_t *loop, void *zsock, lu_zwatch_cb cb,
                                void *data)
{
    struct lu_zwatch *w = lu_xcalloc(1, sizeof(*w));
    int fd;
    size_t len = sizeof(fd);

    if (zmq_getsockopt(zsock, ZMQ_FD, &fd, &len) < 0) {
        lu_err("cannot get ZMQ_FD: %s", zmq_strerror(zmq_errno()));
        free(w);
        return NULL;
    }
    w->zsock = zsock;
    w->cb = cb;
    w->data = data;
    uv_poll_init(loop, &w->poll, fd);
    uv_prepare_init(loop, &w->prepare);
    uv_idle_init(loop, &w->idle);
    w->poll.data = w->prepare.data = w->idle.data = w;
    w->open_handles = 3;
    uv_poll_start(&w->poll, UV_READABLE, on_poll);
    uv_prepare_start(&w->prepare, on_prepare);
    return w;
}

static void on_closed(uv_handle_t *h)
{
    struct lu_zwatch *w = h->data;

    if (--w->open_handles == 0)
        free(w);
}

void lu_zwatch_free(struct lu_zwatch *w)
{
    if (w == NULL)
        return;
    w->closing = true;
    uv_close((uv_handle_t *)&w->poll, on_closed);
    uv_close((uv_handle_t *)&w->prepare, on_closed);
    uv_close((uv_handle_t *)&w->idle, on_closed);
}

void lu_zwatch_kick(struct lu_zwatch *w)
{
    drain(w);
}
