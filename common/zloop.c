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
    uv_check_t check;
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

    if (w->closing || w->in_cb)
        return;
    w->in_cb = true;
    while (budget > 0 && !w->closing && has_input(w)) {
        int n = w->cb(w->data, budget);

        if (n <= 0)
            break;
        budget -= n;
    }
    w->in_cb = false;
    if (w->closing)
        return;
    /* Still more queued: keep the loop spinning instead of blocking in
     * poll, which would wait for an edge that already happened. */
    if (has_input(w))
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

static void on_check(uv_check_t *h)
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
    uv_check_init(loop, &w->check);
    uv_idle_init(loop, &w->idle);
    w->poll.data = w->prepare.data = w->check.data = w->idle.data = w;
    w->open_handles = 4;
    uv_poll_start(&w->poll, UV_READABLE, on_poll);
    uv_prepare_start(&w->prepare, on_prepare);
    uv_check_start(&w->check, on_check);
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
    uv_close((uv_handle_t *)&w->check, on_closed);
    uv_close((uv_handle_t *)&w->idle, on_closed);
}

void lu_zwatch_kick(struct lu_zwatch *w)
{
    drain(w);
}
