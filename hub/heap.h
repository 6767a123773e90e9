/* How the hub's heap is laid out: libzmq's per-connection buffers each in
 * its own mapping, so that their untouched pages never count (issue 19,
 * memory per connected node). Call once, before any thread starts. */
#ifndef HUB_HEAP_H
#define HUB_HEAP_H

void hub_heap_setup(void);
/* libzmq copies what it receives out of its buffers (heap.c): call on the
 * daemon's context before any socket is made. */
void hub_heap_zmq(void *zctx);

#endif
