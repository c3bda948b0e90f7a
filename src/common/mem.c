/*
 * mem.c - allocation through a replaceable hook table.
 *
 * The table is a process-wide setting: ngidx_set_allocator must be called
 * before any other thread uses the library.
 */
#include "mem.h"
#include "err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *d_malloc(void *ctx, size_t n) { (void)ctx; return malloc(n); }
static void *d_realloc(void *ctx, void *p, size_t n) { (void)ctx; return realloc(p, n); }
static void d_free(void *ctx, void *p) { (void)ctx; free(p); }

static ngidx_allocator g_alloc = { d_malloc, d_realloc, d_free, NULL };

void ngidx_set_allocator(const ngidx_allocator *a)
{
	if (a)
		g_alloc = *a;
	else
		g_alloc = (ngidx_allocator){ d_malloc, d_realloc, d_free, NULL };
}

void *ngidx_malloc(size_t n) { return g_alloc.malloc_fn(g_alloc.ctx, n ? n : 1); }

void *ngidx_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	void *p = ngidx_malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *ngidx_realloc(void *p, size_t n) { return g_alloc.realloc_fn(g_alloc.ctx, p, n ? n : 1); }

void ngidx_free(void *p)
{
	if (p)
		g_alloc.free_fn(g_alloc.ctx, p);
}

int ngidx_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return NGIDX_OK;
	size_t ncap = *cap + *cap / 2;
	if (ncap < need)
		ncap = need;
	if (ncap < 16)
		ncap = 16;
	if (elem && ncap > SIZE_MAX / elem)
		return NGIDX_ERR_NOMEM;
	void *q = ngidx_realloc(*p, ncap * elem);
	if (!q)
		return NGIDX_ERR_NOMEM;
	*p = q;
	*cap = ncap;
	return NGIDX_OK;
}
