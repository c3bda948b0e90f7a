/*
 * ngidx/ngidx.h - the umbrella header of the ngidx library, and its
 * process-wide allocator hook.
 *
 * Ownership: the allocator table is copied; the caller keeps its ctx alive
 * for as long as the library may allocate.
 */
#ifndef NGIDX_NGIDX_H
#define NGIDX_NGIDX_H

#include <stddef.h>
#include "errors.h"
#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Allocation hooks; every allocation of the library goes through them. */
typedef struct ngidx_allocator {
	void *(*malloc_fn)(void *ctx, size_t n);
	void *(*realloc_fn)(void *ctx, void *p, size_t n);
	void (*free_fn)(void *ctx, void *p);
	void *ctx;
} ngidx_allocator;

/*
 * ngidx_set_allocator - replace the allocator (NULL restores the default:
 * the C library's malloc, which is jemalloc in the shipped binaries).
 * Not thread-safe: call before any other use of the library.
 */
NGIDX_API void ngidx_set_allocator(const ngidx_allocator *a);

#ifdef __cplusplus
}
#endif

#include "index.h"
#include "build.h"
#include "query.h"
#include "docs.h"
#include "kwic.h"
#include "measures.h"
#include "actors.h"
#include "suggest.h"
#include "top.h"
#include "keyness.h"
#include "series.h"

#endif
