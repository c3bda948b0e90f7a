/*
 * mem.h - the library's allocator.
 *
 * Ownership: memory from ngidx_malloc/ngidx_realloc is released with
 * ngidx_free, never with free().
 *
 * The library never calls malloc directly: every allocation goes through a
 * hook table (ngidx_set_allocator) that defaults to the C allocator, which is
 * jemalloc in the shipped binaries (linked with -ljemalloc) and glibc under
 * the sanitizer builds. Tests install a hook that fails the k-th allocation
 * to prove that every failure path returns NGIDX_ERR_NOMEM without a leak.
 */
#ifndef NGIDX_COMMON_MEM_H
#define NGIDX_COMMON_MEM_H

#include <stddef.h>
#include "ngidx/ngidx.h"

void *ngidx_malloc(size_t n);
void *ngidx_calloc(size_t n, size_t size);
void *ngidx_realloc(void *p, size_t n);
void ngidx_free(void *p);

/*
 * ngidx_grow - make room for @need elements of @elem bytes in *@p whose
 * capacity is *@cap, growing geometrically (x1.5, at least @need).
 * @return NGIDX_OK or NGIDX_ERR_NOMEM (then *@p and *@cap are unchanged).
 */
int ngidx_grow(void **p, size_t *cap, size_t need, size_t elem);

/* Type-safe wrapper: ensure array @a (capacity @c) holds at least @n items. */
#define NGIDX_RESERVE(a, c, n)                                                \
	(((n) <= (c)) ? 0 : __extension__({                                   \
		void *rsv_p_ = (a);                                           \
		int rsv_rc_ = ngidx_grow(&rsv_p_, &(c), (n), sizeof *(a));    \
		(a) = rsv_p_;                                                 \
		rsv_rc_;                                                      \
	}))

#endif
