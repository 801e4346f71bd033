/*
 * pd_alloc.h: allocation for patend's own bookkeeping.
 *
 * Sizes a peer controls (frames, messages) are bounded first and their allocation failures are
 * answered with RESOURCE_EXHAUSTED. For the small fixed-size structures of the server itself
 * (a connection, a request, a batch) there is no useful way to carry on without memory, so these
 * wrappers log and abort, like Redis's zmalloc and GLib's g_malloc.
 */
#ifndef PD_ALLOC_H
#define PD_ALLOC_H

#include <stddef.h>

void *pd_xmalloc(size_t n);
void *pd_xcalloc(size_t count, size_t size);
void *pd_xrealloc(void *p, size_t n);
char *pd_xstrdup(const char *s);

#endif
