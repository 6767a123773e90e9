/* A hash table from byte strings to pointers, for lookups the hub makes
 * per message (sessions by routing id or key, the registry by key or node
 * id), which were linear scans and took 9-11 % of the hub's time with
 * 5,000 nodes connected (issue 19). Peers choose their routing ids, so the
 * hash is keyed (SipHash, libsodium's crypto_shorthash, a random key per
 * table): nobody can make entries collide on purpose.
 *
 * The table stores pointers only: a key is borrowed from the caller and
 * must stay valid and unchanged while it is in the table (usually it
 * lives in the value it maps to). */
#ifndef LU_HMAP_H
#define LU_HMAP_H

#include <stddef.h>

struct lu_hmap;

struct lu_hmap *lu_hmap_new(void);
/* Frees the table, not the keys or values. lu_hmap_free(NULL) is a no-op. */
void lu_hmap_free(struct lu_hmap *m);

/* Maps key (len bytes, borrowed, see above) to value (not NULL), replacing
 * what the key mapped to before. Returns the value replaced, or NULL. */
void *lu_hmap_put(struct lu_hmap *m, const void *key, size_t len, void *value);
/* What key maps to, or NULL. */
void *lu_hmap_get(const struct lu_hmap *m, const void *key, size_t len);
/* Removes key; returns what it mapped to, or NULL when it was not there. */
void *lu_hmap_del(struct lu_hmap *m, const void *key, size_t len);
/* Removes key only while it maps to value (a newer entry with the same key
 * stays). Returns whether it did. */
int lu_hmap_del_if(struct lu_hmap *m, const void *key, size_t len,
                   const void *value);
size_t lu_hmap_count(const struct lu_hmap *m);

/* The same for NUL-terminated strings (the NUL is not part of the key). */
void *lu_hmap_puts(struct lu_hmap *m, const char *key, void *value);
void *lu_hmap_gets(const struct lu_hmap *m, const char *key);

#endif
