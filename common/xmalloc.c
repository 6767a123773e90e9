#include "xmalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static void oom(size_t size)
{
    lu_err("out of memory allocating %zu bytes", size);
    exit(1);
}

void *lu_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (p == NULL)
        oom(size);
    return p;
}

void *lu_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL)
        oom(n * size);
    return p;
}

void *lu_xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);

    if (p == NULL)
        oom(size);
    return p;
}

char *lu_xstrdup(const char *s)
{
    return lu_xstrndup(s, strlen(s));
}

char *lu_xstrndup(const char *s, size_t n)
{
    char *p = lu_xmalloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *lu_xasprintf(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom(0);
    p = lu_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
