/* Joins a ZeroMQ socket to a libuv loop. ZMQ_FD is edge-triggered and only
 * re-armed when ZMQ_EVENTS is read, so the watcher re-reads ZMQ_EVENTS when
 * the fd fires, before every poll (uv_prepare: nothing runs between it and
 * the poll, so no edge can be missed while the loop blocks), and whenever
 * its owner calls lu_zwatch_kick() after a send. When a read
 * budget runs out with messages still queued, an idle handle keeps the loop
 * from blocking so nothing stalls and other work still gets its turn. */
#ifndef LU_ZLOOP_H
#define LU_ZLOOP_H

#include <uv.h>

struct lu_zwatch;

/* Called while the socket has input. It should receive at most `budget`
 * messages (with ZMQ_DONTWAIT) and return how many it took. */
typedef int (*lu_zwatch_cb)(void *data, int budget);

/* The socket stays owned by the caller, who closes it after
 * lu_zwatch_free(). */
struct lu_zwatch *lu_zwatch_new(uv_loop_t *loop, void *zsock, lu_zwatch_cb cb,
                                void *data);
/* Stops watching at once; the memory goes in the handles' close callbacks. */
void lu_zwatch_free(struct lu_zwatch *w);
/* Re-reads ZMQ_EVENTS and handles input now; call after sending. */
void lu_zwatch_kick(struct lu_zwatch *w);

#endif
