#include "heap.h"

#include <malloc.h>

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
 * At a clerk's pace a small message costs a mapping too: libzmq decodes it
 * into its receive buffer and, while it waits in the intake's queue, reads
 * on into a new one. Copying messages out (ZMQ_ZERO_COPY_RECV off) ended
 * that but slowed the catch-up storm by about 9 %, so it was not kept
 * (docs/DECISIONS.md, "Issue 19, eighth round").
 * At most MMAP_MAX blocks are mapped at once, half the kernel's default
 * vm.max_map_count, so that threads, SQLite and libzmq always find
 * mappings; past it glibc serves them from the arena as before. */
#define MMAP_THRESHOLD (16 * 1024)
#define MMAP_MAX 32768

void hub_heap_setup(void)
{
    /* mallopt fails only for an unknown parameter: nothing to handle. */
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    mallopt(M_MMAP_MAX, MMAP_MAX);
}
