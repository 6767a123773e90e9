#include "arena.h"

#include <stdint.h>
#include <stdlib.h>

#include "xmalloc.h"

/* The first block; a message that needs more gets blocks of at least
 * twice the last size, and the next first block is as large as what the
 * last message used, up to KEEP_MAX (a 2 MB frame decodes into a few MB,
 * which need not stay with the hub for good). */
#define FIRST_SIZE (64u << 10)
#define KEEP_MAX (4u << 20)
#define ALIGN 16u

struct block {
    struct block *prev;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

struct lu_arena {
    ProtobufCAllocator pb; /* first: the allocator's data is the arena */
    struct block *cur;
    size_t total; /* bytes handed out since the last reset */
};

static struct block *block_new(size_t size, struct block *prev)
{
    struct block *b = lu_xmalloc(sizeof(*b) + size);

    b->prev = prev;
    b->size = size;
    b->used = 0;
    return b;
}

static void *arena_alloc(void *data, size_t size)
{
    struct lu_arena *a = data;
    struct block *b = a->cur;
    size_t need = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    void *p;

    if (need < size)
        return NULL; /* wrapped: no such size */
    if (b->size - b->used < need) {
        size_t grow = b->size * 2;

        b = a->cur = block_new(grow > need ? grow : need, b);
    }
    p = b->data + b->used;
    b->used += need;
    a->total += need;
    return p;
}

static void arena_free(void *data, void *p)
{
    (void)data;
    (void)p; /* all at once, in lu_arena_reset */
}

struct lu_arena *lu_arena_new(void)
{
    struct lu_arena *a = lu_xcalloc(1, sizeof(*a));

    a->pb.alloc = arena_alloc;
    a->pb.free = arena_free;
    a->pb.allocator_data = a;
    a->cur = block_new(FIRST_SIZE, NULL);
    return a;
}

ProtobufCAllocator *lu_arena_allocator(struct lu_arena *a)
{
    return &a->pb;
}

void lu_arena_reset(struct lu_arena *a)
{
    struct block *b = a->cur;
    size_t want = a->total;

    if (b->prev == NULL) {
        b->used = 0; /* the usual case: the message fitted */
    } else {
        /* One block as large as this message needed, next time. */
        while (b != NULL) {
            struct block *prev = b->prev;

            free(b);
            b = prev;
        }
        want = want < FIRST_SIZE ? FIRST_SIZE : want;
        a->cur = block_new(want > KEEP_MAX ? FIRST_SIZE : want, NULL);
    }
    a->total = 0;
}

void lu_arena_free(struct lu_arena *a)
{
    struct block *b;

    if (a == NULL)
        return;
    for (b = a->cur; b != NULL;) {
        struct block *prev = b->prev;

        free(b);
        b = prev;
    }
    free(a);
}
