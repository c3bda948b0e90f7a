/*
 * sieve.c - the first pass's filter of n-grams seen more than once (sieve.h).
 *
 * The arrays are mapped rather than allocated, so that they go back to the
 * system as soon as they are freed (an allocator may keep them: at 4 GB,
 * the 128 MB of "seen" then stayed in the second pass's peak RSS). They are
 * mapped populated: an insertion reads its word before it writes it, so a
 * page left to demand would be faulted twice, the second time (zero page
 * to a page of its own) with a TLB flush on every core (2 threads, 200 MB:
 * 3 % of the samples). Their size follows the input's (sieve_size), so a
 * small corpus maps little. The sanitizer builds (NGIDX_NO_MMAP)
 * allocate them, so that every byte is tracked. K = 3
 * bits in a 64-bit word: measured false-positive rates of such a filter are
 * 3.8% at 8 bits per n-gram, 10% at 5, 26% at 3 (bench/RESULTS.md), close
 * to the best K at each load; a wider block would need more than one
 * atomic operation per insertion, which would lose the no-false-negative
 * guarantee between threads.
 */
#include "sieve.h"
#include "common/mem.h"
#include "ngidx/errors.h"

#ifndef NGIDX_NO_MMAP
#include <sys/mman.h>
#endif

#define PF_AHEAD 16 /* hashes ahead: prefetch the words */

/* @n zeroed words, or NULL. */
static uint64_t *words_new(uint64_t n)
{
	if (n > SIZE_MAX / 8)
		return NULL;
#ifdef NGIDX_NO_MMAP
	return ngidx_calloc((size_t)n, 8);
#else
	void *p = mmap(NULL, (size_t)n * 8, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
#endif
}

static void words_free(uint64_t *p, uint64_t n)
{
	if (!p)
		return;
#ifdef NGIDX_NO_MMAP
	(void)n;
	ngidx_free(p);
#else
	munmap(p, (size_t)n * 8);
#endif
}

int sieve_create(sieve **out, uint64_t seen_bytes, uint64_t twice_bytes)
{
	sieve *s = ngidx_calloc(1, sizeof *s);
	if (!s)
		return NGIDX_ERR_NOMEM;
	s->nseen = seen_bytes / 8 ? seen_bytes / 8 : 1;
	s->ntwice = twice_bytes / 8 ? twice_bytes / 8 : 1;
	s->seen = words_new(s->nseen);
	s->twice = words_new(s->ntwice);
	if (!s->seen || !s->twice) {
		sieve_free(s);
		return NGIDX_ERR_NOMEM;
	}
	*out = s;
	return NGIDX_OK;
}

void sieve_free(sieve *s)
{
	if (!s)
		return;
	words_free(s->seen, s->nseen);
	words_free(s->twice, s->ntwice);
	ngidx_free(s);
}

void sieve_seal(sieve *s)
{
	words_free(s->seen, s->nseen);
	s->seen = NULL;
	s->nseen = 0;
}

void sieve_add(sieve *s, const uint64_t *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i + PF_AHEAD < n) {
			/* most n-grams are seen again, and then go to "twice" */
			__builtin_prefetch(&s->seen[sieve_word(h[i + PF_AHEAD], s->nseen)], 1);
			__builtin_prefetch(&s->twice[sieve_word(h[i + PF_AHEAD], s->ntwice)]);
		}
		uint64_t m = sieve_mask(h[i], 0), *w = &s->seen[sieve_word(h[i], s->nseen)];
		/* a frequent n-gram finds its bits set and needs no atomic OR */
		uint64_t old = __atomic_load_n(w, __ATOMIC_RELAXED);
		if ((old & m) != m && (__atomic_fetch_or(w, m, __ATOMIC_RELAXED) & m) != m)
			continue;
		uint64_t *t = &s->twice[sieve_word(h[i], s->ntwice)];
		m = sieve_mask(h[i], SIEVE_TWICE_SHIFT);
		if ((__atomic_load_n(t, __ATOMIC_RELAXED) & m) != m)
			__atomic_fetch_or(t, m, __ATOMIC_RELAXED);
	}
}
