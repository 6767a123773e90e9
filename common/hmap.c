#include "hmap.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* Open addressing with linear probing, at most half full, and deletion by
 * shifting the following entries back (no tombstones, so a table that
 * sees many connects and disconnects does not fill with them). An empty
 * table allocates no slots: a hub keeps a few tables that may stay empty. */

#define MIN_SLOTS 16

struct slot {
    uint64_t hash;
    const void *key;
    size_t len;
    void *value; /* NULL: the slot is free */
};

struct lu_hmap {
    struct slot *slots;
    size_t mask; /* slots - 1; the number of slots is a power of two */
    size_t count;
    unsigned char seed[crypto_shorthash_KEYBYTES];
};

struct lu_hmap *lu_hmap_new(void)
{
    struct lu_hmap *m = lu_xcalloc(1, sizeof(*m));

    /* Idempotent; the hub has called it already (CURVE), a test may not. */
    if (sodium_init() < 0)
        abort();
    randombytes_buf(m->seed, sizeof(m->seed));
    return m;
}

void lu_hmap_free(struct lu_hmap *m)
{
    if (m == NULL)
        return;
    free(m->slots);
    free(m);
}

static uint64_t hash_of(const struct lu_hmap *m, const void *key, size_t len)
{
    unsigned char out[crypto_shorthash_BYTES];
    uint64_t h;

    crypto_shorthash(out, key, len, m->seed);
    memcpy(&h, out, sizeof(h));
    return h;
}

/* The slot holding key, or the free slot where it would go. */
static struct slot *probe(const struct lu_hmap *m, uint64_t h, const void *key,
                          size_t len)
{
    size_t i = h & m->mask;

    for (;;) {
        struct slot *s = &m->slots[i];

        if (s->value == NULL ||
            (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0))
            return s;
        i = (i + 1) & m->mask;
    }
}

static void grow(struct lu_hmap *m)
{
    struct slot *old = m->slots;
    size_t n_old = old ? m->mask + 1 : 0;
    size_t n_new = n_old ? n_old * 2 : MIN_SLOTS;

    m->slots = lu_xcalloc(n_new, sizeof(*m->slots));
    m->mask = n_new - 1;
    for (size_t i = 0; i < n_old; i++) {
        if (old[i].value != NULL)
            *probe(m, old[i].hash, old[i].key, old[i].len) = old[i];
    }
    free(old);
}

void *lu_hmap_put(struct lu_hmap *m, const void *key, size_t len, void *value)
{
    uint64_t h = hash_of(m, key, len);
    struct slot *s;
    void *was;

    if (m->slots == NULL || (m->count + 1) * 2 > m->mask + 1)
        grow(m);
    s = probe(m, h, key, len);
    was = s->value;
    if (was == NULL)
        m->count++;
    s->hash = h;
    s->key = key;
    s->len = len;
    s->value = value;
    return was;
}

void *lu_hmap_get(const struct lu_hmap *m, const void *key, size_t len)
{
    if (m->count == 0)
        return NULL;
    return probe(m, hash_of(m, key, len), key, len)->value;
}

/* Empties slot s and moves back the entries after it that would no longer
 * be found past the hole (Knuth's algorithm R for linear probing). */
static void remove_slot(struct lu_hmap *m, struct slot *s)
{
    size_t hole = (size_t)(s - m->slots), i = hole;

    for (;;) {
        size_t home;

        i = (i + 1) & m->mask;
        if (m->slots[i].value == NULL)
            break;
        home = m->slots[i].hash & m->mask;
        /* The entry at i may move to the hole unless its home lies
         * cyclically in (hole, i]. */
        if ((i > hole && (home <= hole || home > i)) ||
            (i < hole && home <= hole && home > i)) {
            m->slots[hole] = m->slots[i];
            hole = i;
        }
    }
    memset(&m->slots[hole], 0, sizeof(m->slots[hole]));
    m->count--;
}

void *lu_hmap_del(struct lu_hmap *m, const void *key, size_t len)
{
    struct slot *s;
    void *was;

    if (m->count == 0)
        return NULL;
    s = probe(m, hash_of(m, key, len), key, len);
    was = s->value;
    if (was != NULL)
        remove_slot(m, s);
    return was;
}

int lu_hmap_del_if(struct lu_hmap *m, const void *key, size_t len,
                   const void *value)
{
    struct slot *s;

    if (m->count == 0)
        return 0;
    s = probe(m, hash_of(m, key, len), key, len);
    if (s->value == NULL || s->value != value)
        return 0;
    remove_slot(m, s);
    return 1;
}

size_t lu_hmap_count(const struct lu_hmap *m)
{
    return m->count;
}

void *lu_hmap_puts(struct lu_hmap *m, const char *key, void *value)
{
    return lu_hmap_put(m, key, strlen(key), value);
}

void *lu_hmap_gets(const struct lu_hmap *m, const char *key)
{
    return lu_hmap_get(m, key, strlen(key));
}
