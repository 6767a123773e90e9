/* How the hub's heap is laid out: libzmq's per-connection buffers each in
 * its own mapping, so that their untouched pages never count (issue 19,
 * memory per connected node). Call once, before any thread starts. */
#ifndef HUB_HEAP_H
#define HUB_HEAP_H

void hub_heap_setup(void);

#endif
