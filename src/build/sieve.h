/*
 * sieve.h - which n-grams occur more than once: the first pass of a build.
 *
 * Ownership: the sieve owns its two bit arrays.
 *
 * Most distinct n-grams of 2+ tokens occur once in a corpus (87% of them on
 * the generated news corpus), and with --min-count (or --min-df) 2 or more
 * the merge drops them all. A build that can read its input twice first
 * inserts every n-gram of 2+ tokens here; the second pass then accumulates
 * only those that may occur twice, and the others never reach memory, runs
 * or the merge. The index is the same either way.
 *
 * Two Bloom filters, "seen" and "twice", blocked in 64-bit words: an
 * n-gram's hash picks one word of each and K bits in it. Inserting sets the
 * bits in "seen" with a single atomic OR; if they were all set already, the
 * n-gram (or one it collides with) was seen before, and it goes into
 * "twice". Since each insertion is one atomic operation on one word, of two
 * threads inserting the same n-gram the later one always finds all its bits
 * set, so an n-gram that occurs twice is always in "twice": no false
 * negatives, whatever the threads do. False positives (an n-gram seen once
 * that passes) only cost the work the sieve would have saved: the merge
 * drops them as before.
 *
 * "seen" is needed only during the first pass (sieve_seal frees it);
 * "twice" stays for the second.
 */
#ifndef NGIDX_BUILD_SIEVE_H
#define NGIDX_BUILD_SIEVE_H

#include <stddef.h>
#include <stdint.h>

typedef struct sieve {
	uint64_t *seen, *twice;
	uint64_t nseen, ntwice;     /* words */
} sieve;

/* A sieve of about @seen_bytes + @twice_bytes (each at least 8). @return
 * NGIDX_OK or NGIDX_ERR_NOMEM. */
int sieve_create(sieve **out, uint64_t seen_bytes, uint64_t twice_bytes);
void sieve_free(sieve *s);

/* Insert the n-grams of hashes @h[0, @n). Thread-safe. */
void sieve_add(sieve *s, const uint64_t *h, size_t n);

/* End the first pass: free "seen". */
void sieve_seal(sieve *s);

/* The word of @nwords that hash @h falls in (its high bits). */
static inline uint64_t sieve_word(uint64_t h, uint64_t nwords)
{
	return (uint64_t)(((unsigned __int128)h * nwords) >> 64);
}

/* The K = 3 bits of hash @h in its word, from its low bits (@shift picks
 * which, so that the two filters use different ones). */
static inline uint64_t sieve_mask(uint64_t h, unsigned shift)
{
	h >>= shift;
	return (1ull << (h & 63)) | (1ull << (h >> 6 & 63)) | (1ull << (h >> 12 & 63));
}

#define SIEVE_TWICE_SHIFT 18

/* Whether the n-gram of hash @h may occur more than once: 0 only if it
 * occurred at most once in the first pass. */
static inline int sieve_maybe_twice(const sieve *s, uint64_t h)
{
	uint64_t m = sieve_mask(h, SIEVE_TWICE_SHIFT);
	return (s->twice[sieve_word(h, s->ntwice)] & m) == m;
}

static inline void sieve_prefetch(const sieve *s, uint64_t h)
{
	__builtin_prefetch(&s->twice[sieve_word(h, s->ntwice)]);
}

#endif
