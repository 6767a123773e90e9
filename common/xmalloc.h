/* Allocation that never returns NULL: out of memory logs and exits, because a
 * daemon that cannot allocate cannot keep its promises anyway (tmux does the
 * same). Everything returned is freed with free(). */
#ifndef LU_XMALLOC_H
#define LU_XMALLOC_H

#include <stddef.h>

void *lu_xmalloc(size_t size);
void *lu_xcalloc(size_t n, size_t size);
void *lu_xrealloc(void *ptr, size_t size);
char *lu_xstrdup(const char *s);
char *lu_xstrndup(const char *s, size_t n);
/* printf into a new string. */
char *lu_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
