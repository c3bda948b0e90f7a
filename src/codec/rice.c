/*
 * rice.c - Rice codes for the short groups of a postings list: the last,
 * partial block of document gaps and frequencies, and the last, partial run
 * of positions (NGIDX_RICE_MIN to NGIDX_BLOCK - 1 values).
 *
 * Layout, one bit stream LSB first (bit j is bit j % 8 of byte j / 8),
 * padded with zero bits to a byte:
 *
 *   5 bits     k, the parameter (0..31)
 *   per value  q = v >> k, if q < NGIDX_RICE_ESC: q one bits, a zero bit,
 *              then the k low bits of v; else NGIDX_RICE_ESC one bits
 *              then the 32 bits of v (an escape: an outlier costs 56 bits,
 *              not millions)
 *
 * The encoder picks the k that makes the group smallest. A group of gaps
 * drawn from a geometric distribution takes about 1.5 bits more per value
 * than its entropy, where a varint rounds each value up to 7-bit groups:
 * on the generated 100 MB corpus, 3.3 MB less for the document gaps of
 * partial blocks, 1.1 MB for their frequencies and 1.4 MB for positions
 * (bench/RESULTS.md, "format 2.0: a smaller index").
 */
#include "codec.h"

#include <string.h>

typedef struct bit_out {
	uint8_t *p;
	uint64_t acc;
	unsigned n; /* bits in acc */
} bit_out;

static inline void put_bits(bit_out *b, uint64_t v, unsigned w)
{
	/* w <= 32 and n < 8 on entry, so acc never overflows */
	b->acc |= v << b->n;
	b->n += w;
	while (b->n >= 8) {
		*b->p++ = (uint8_t)b->acc;
		b->acc >>= 8;
		b->n -= 8;
	}
}

static inline void put_ones(bit_out *b, unsigned q) /* q <= NGIDX_RICE_ESC */
{
	put_bits(b, (1ull << q) - 1, q);
}

size_t ngidx_rice_bound(size_t n) { return (5 + n * (NGIDX_RICE_ESC + 32) + 7) / 8; }

static uint64_t cost(const uint32_t *v, size_t n, unsigned k)
{
	uint64_t bits = 5;
	for (size_t i = 0; i < n; i++) {
		uint32_t q = v[i] >> k;
		bits += q < NGIDX_RICE_ESC ? q + 1 + k : NGIDX_RICE_ESC + 32;
	}
	return bits;
}

unsigned ngidx_rice_param(const uint32_t *v, size_t n)
{
	/* Escapes make the cost of k not convex, so every k is tried up to
	 * the width of the largest value: past it every quotient is 0 and a
	 * larger k only costs more. */
	uint32_t max = 0;
	for (size_t i = 0; i < n; i++)
		max |= v[i];
	unsigned top = max ? 32 - (unsigned)__builtin_clz(max) : 0, best = 0;
	uint64_t c = UINT64_MAX;
	for (unsigned k = 0; k <= top && k < 32; k++) {
		uint64_t d = cost(v, n, k);
		if (d < c) {
			c = d;
			best = k;
		}
	}
	return best;
}

size_t ngidx_rice_encode(const uint32_t *v, size_t n, uint8_t *out)
{
	unsigned k = ngidx_rice_param(v, n);
	bit_out b = { out, 0, 0 };
	put_bits(&b, k, 5);
	uint32_t mask = k ? (uint32_t)((1ull << k) - 1) : 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t q = v[i] >> k;
		if (q < NGIDX_RICE_ESC) {
			put_ones(&b, q);
			put_bits(&b, 0, 1);
			put_bits(&b, v[i] & mask, k);
		} else {
			put_ones(&b, NGIDX_RICE_ESC);
			put_bits(&b, v[i], 32);
		}
	}
	if (b.n)
		*b.p++ = (uint8_t)b.acc;
	return (size_t)(b.p - out);
}

typedef struct bit_in {
	const uint8_t *p, *end;
	uint64_t acc;
	unsigned n; /* bits in acc */
} bit_in;

static inline void refill(bit_in *b)
{
	if (b->n <= 56 && b->end - b->p >= 8) {
		uint64_t w;
		memcpy(&w, b->p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		w = __builtin_bswap64(w);
#endif
		b->acc |= w << b->n;
		unsigned take = (64 - b->n) / 8; /* whole bytes that fit */
		b->p += take;
		b->n += 8 * take;
		b->acc &= b->n == 64 ? ~0ull : (1ull << b->n) - 1;
		return;
	}
	while (b->n <= 56 && b->p < b->end) {
		b->acc |= (uint64_t)*b->p++ << b->n;
		b->n += 8;
	}
}

/* Take @w (<= 32) bits; -1 if the input ends first. */
static inline int get_bits(bit_in *b, unsigned w, uint32_t *v)
{
	if (b->n < w) {
		refill(b);
		if (b->n < w)
			return -1;
	}
	*v = (uint32_t)(b->acc & ((1ull << w) - 1));
	b->acc >>= w;
	b->n -= w;
	return 0;
}

int ngidx_rice_decode(const uint8_t **p, const uint8_t *end, uint32_t *v, size_t n)
{
	bit_in b = { *p, end, 0, 0 };
	uint32_t k;
	if (get_bits(&b, 5, &k))
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned q = 0;
		for (;;) { /* count one bits up to a zero, or to the escape */
			if (b.n == 0) {
				refill(&b);
				if (b.n == 0)
					return -1;
			}
			uint64_t zeros = ~b.acc & (b.n == 64 ? ~0ull : (1ull << b.n) - 1);
			unsigned ones = zeros ? (unsigned)__builtin_ctzll(zeros) : b.n;
			if (q + ones >= NGIDX_RICE_ESC) {
				unsigned t = NGIDX_RICE_ESC - q; /* <= ones <= b.n */
				b.acc >>= t;
				b.n -= t;
				q = NGIDX_RICE_ESC;
				break;
			}
			q += ones;
			if (ones < b.n) { /* the zero is here: take it too */
				b.acc >>= ones + 1;
				b.n -= ones + 1;
				break;
			}
			b.acc = 0;
			b.n = 0;
		}
		if (q == NGIDX_RICE_ESC) {
			if (get_bits(&b, 32, &v[i]))
				return -1;
			continue;
		}
		uint32_t low = 0;
		if (k && get_bits(&b, k, &low))
			return -1;
		uint64_t x = (uint64_t)q << k | low;
		if (x > UINT32_MAX)
			return -1;
		v[i] = (uint32_t)x;
	}
	/* The stream ends at the byte holding its last bit; the bits left of
	 * that byte are padding, zero as the encoder wrote them. */
	if (b.acc & ((1ull << b.n % 8) - 1))
		return -1;
	*p = b.p - b.n / 8;
	return 0;
}
