/* Memory for decoded messages that all die together: a protobuf-c
 * allocator that hands out pieces of a few large blocks and frees nothing
 * until lu_arena_reset(). The hub's intake decodes each message into one
 * (a batch of 500 entries is about 1,500 allocations with malloc, which
 * with their frees were 3-5 % of the hub's loop during ingest, issue 19)
 * and empties it once the message is handled. Nothing may keep a pointer
 * into a message past the reset. */
#ifndef LU_ARENA_H
#define LU_ARENA_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

struct lu_arena;

struct lu_arena *lu_arena_new(void);
/* Frees every block. NULL is a no-op. */
void lu_arena_free(struct lu_arena *a);
/* The allocator to pass to protobuf-c (its free does nothing); valid
 * until lu_arena_free. */
ProtobufCAllocator *lu_arena_allocator(struct lu_arena *a);
/* Everything allocated so far is gone: the first block is kept for the
 * next message (unless it grew past a bound), the others freed. */
void lu_arena_reset(struct lu_arena *a);

#endif
