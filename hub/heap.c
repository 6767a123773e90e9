#include "heap.h"

#include <malloc.h>
#include <zmq.h>

#include "log.h"

/* libzmq 4.3.4 allocates, for every connection, a 16,400-byte chunk of
 * message slots for each direction of its pipe and an 18,160-byte receive
 * buffer, and an idle node's connection writes only the first few hundred
 * bytes of each. In the I/O thread's arena they lie between small objects,
 * so the pages they share with them, and the malloc headers at their
 * ends, are resident: about 37 KB a connected node, of which 15-20 KB in
 * pages of these three blocks (measured with a malloc log against
 * /proc/PID/pagemap, docs/DECISIONS.md "Issue 19, third round"). Served
 * by mmap from 16 KB up, each is a mapping of its own whose untouched
 * pages are never faulted in, and the small objects pack densely in the
 * arena: about 30 KB a node. glibc's default threshold (128 KB, raised to
 * the largest block freed) never does this for them.
 *
 * The price is a mapping per block of 16 KB or more: an entry batch read
 * by libzmq (tens of KB) is mapped and unmapped once, a few hundred times
 * a second at full ingest, which the bench did not see (docs/BENCHMARKS.md).
 * At most MMAP_MAX blocks are mapped at once, half the kernel's default
 * vm.max_map_count, so that threads, SQLite and libzmq always find
 * mappings; past it glibc serves them from the arena as before. */
#define MMAP_THRESHOLD (16 * 1024)
#define MMAP_MAX 32768

/* A context option of libzmq's draft API, which Debian's libzmq5 is built
 * with; a libzmq without it refuses the call (below). */
#ifndef ZMQ_ZERO_COPY_RECV
#define ZMQ_ZERO_COPY_RECV 10
#endif

void hub_heap_setup(void)
{
    /* mallopt fails only for an unknown parameter: nothing to handle. */
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    mallopt(M_MMAP_MAX, MMAP_MAX);
}

/* libzmq receives into an 18,160-byte buffer per connection and, by
 * default, hands out the messages it decodes as pointers into it: while
 * one of them waits in the intake's fair queue, the next read needs a new
 * buffer. Under the mmap threshold above that is a mapping made by the
 * I/O thread and unmapped by the loop when it closes the message: about
 * one of each per entry at a clerk's pace (1,000 entries/s in the bench's
 * latency part: 963 mmap and 956 munmap in 4 s), each with page faults,
 * a TLB shootdown and the process's mmap lock, which a page fault of
 * another thread may hold through a disk read. Copied out instead, a
 * message of a few hundred bytes is a small block of the arena and the
 * buffer is kept; a batch too big for the buffer was always a block of
 * its own. Before any socket: libzmq reads it when one is made. */
void hub_heap_zmq(void *zctx)
{
    if (zmq_ctx_set(zctx, ZMQ_ZERO_COPY_RECV, 0) != 0)
        lu_debug("libzmq without ZMQ_ZERO_COPY_RECV: messages point into "
                 "its receive buffers");
}
