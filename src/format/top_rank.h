/*
 * top_rank.h - what the build (toplists.c), the reader (top.c) and verify
 * must agree on for TOPLIST and CONT: the ranking of `ngidx top` and the
 * bit-packed term ids.
 */
#ifndef NGIDX_FORMAT_TOP_RANK_H
#define NGIDX_FORMAT_TOP_RANK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A term as ranked: its counts and text. */
typedef struct top_key {
	uint64_t cf, df;
	const char *text;
	size_t len;
} top_key;

/*
 * 1 if @a ranks strictly before @b: by occurrences (documents with @by_df)
 * descending, then by the other count descending, then by text bytes
 * ascending (a prefix first).
 */
static inline int top_better(const top_key *a, const top_key *b, int by_df)
{
	uint64_t a1 = by_df ? a->df : a->cf, b1 = by_df ? b->df : b->cf;
	uint64_t a2 = by_df ? a->cf : a->df, b2 = by_df ? b->cf : b->df;
	if (a1 != b1)
		return a1 > b1;
	if (a2 != b2)
		return a2 > b2;
	size_t m = a->len < b->len ? a->len : b->len;
	int c = m ? memcmp(a->text, b->text, m) : 0;
	return c ? c < 0 : a->len < b->len;
}

/* Value @i of width @w (1..64 bits) in the @nbytes at @p, LSB first.
 * @return 0, or -1 if it runs past the end. */
static inline int top_bits_get(const unsigned char *p, uint64_t nbytes, uint64_t i, unsigned w,
                               uint64_t *v)
{
	uint64_t bit = i * w, first = bit / 8, last = (bit + w - 1) / 8;
	if (last >= nbytes)
		return -1;
	/* up to 9 bytes: 8 into a word, the 9th (only when bit % 8 + w > 64) on top */
	unsigned sh = (unsigned)(bit % 8);
	uint64_t acc = 0;
	for (uint64_t k = first; k <= last && k < first + 8; k++)
		acc |= (uint64_t)p[k] << (8 * (k - first));
	acc >>= sh;
	if (last - first == 8)
		acc |= (uint64_t)p[last] << (64 - sh);
	*v = acc & (w == 64 ? ~0ull : (1ull << w) - 1);
	return 0;
}

#endif
