/*
 * pd_alloc.c: aborting allocation wrappers (see pd_alloc.h for when they are the right choice).
 */
#include "pd_alloc.h"

#include "pd_log.h"

#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    pd_error(0, "out of memory allocating %zu bytes; aborting", n);
    abort();
}

void *pd_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        oom(n);
    return p;
}

void *pd_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL)
        oom(count * size);
    return p;
}

void *pd_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        oom(n);
    return q;
}

char *pd_xstrdup(const char *s)
{
    char *p = strdup(s);
    if (p == NULL)
        oom(strlen(s) + 1);
    return p;
}
