/*
 * pfor.c - patched frame-of-reference block codec ("PFor" with exceptions).
 *
 * A block holds n (1..128) unsigned 32-bit integers, in practice doc-id gaps
 * or term frequencies: mostly small, now and then huge. Plain bit-packing at
 * the width of the largest value wastes most of its bits on the small ones;
 * PFor (Zukowski et al. 2006; the NewPFD variant of Yan et al. 2009; Lucene's
 * PForUtil) packs every value at a narrower width b and "patches" the few
 * values that do not fit afterwards.
 *
 * Encoded block, byte by byte (all little-endian, byte-aligned, no padding
 * to any larger unit; the caller passes n to the decoder, it is not stored):
 *
 *   offset  size              meaning
 *   0       1                 bits 0-5: b (0..32); bit 6: 0 (reserved);
 *                             bit 7: 1 if the block has exceptions
 *   1       1 (if bit 7)      e, the number of exceptions (1..n)
 *   h       ceil(n * b / 8)   the low b bits of every value, packed
 *   ...     e times           exception: 1 byte index (< n, strictly
 *                             increasing), then LEB128 of value >> b (>= 1)
 *
 * with h = 1 or 2. A value v is an exception iff v >= 2^b; its low b bits
 * are in the packed part like any other value and the decoder ORs the high
 * part back in. An all-zero block is the single byte 0x00; a block with no
 * exceptions costs 1 + ceil(n * b / 8) bytes.
 *
 * Packed layouts. A full block (n == 128) uses the vertical layout of
 * Lemire's SIMD-BP128: value i goes to lane i % 4, each lane is a bit stream
 * of 32 values * b bits stored in b little-endian 32-bit words, and word k
 * of lane j sits at byte 16 * k + 4 * j. So the packed part is b 16-byte
 * groups, and one 128-bit shift/mask/or step (SSE2, NEON) handles four
 * values. The kernels are written once with GCC vector extensions, inlined
 * into one function per width with b a constant and fully unrolled, so the
 * compiler folds every shift count, mask and load offset: decoding is
 * straight-line code with no branch per integer. A partial block
 * (n < 128, the tail of a postings list) uses the horizontal layout: value i
 * occupies bits [i*b, i*b + b) of one little-endian bit stream. It is exact
 * in size (a vertical partial block would waste the unused lane bits) and
 * cheap enough for the one such block per list; the unused high bits of its
 * last byte must be zero.
 *
 * Choosing b. For each candidate b the size is
 *     1 + [e > 0] + ceil(n * b / 8) + sum over exceptions (1 + len(v >> b))
 * where len is the LEB128 length, ceil((width(v) - b) / 7) for an exception
 * of bit width width(v). The encoder builds the histogram cnt[w] of value
 * widths and walks b down from the largest width W (no exceptions) to 0.
 * Going from b to b - 1 the values of width b become exceptions costing 2
 * bytes each, and an existing exception grows by one varint byte exactly
 * when width - b is a multiple of 7; keeping a count of exceptions per
 * (width mod 7) makes each step O(1), so choosing b costs O(n + 33). The
 * walk stops early once the exception bytes alone reach the best size so
 * far, since they only grow as b falls. Among the widths 0..W of minimum
 * size the largest wins (fewer exceptions, faster decode), so the output
 * is a function of the input alone. The chosen size never exceeds the size at
 * b = 32, which is 1 + 4n: that is ngidx_pfor_bound.
 *
 * Decoder invariants: every length is checked against end before the bytes
 * are read, so it never reads at or past end (full blocks unpack straight
 * from the input once the 16 * b packed bytes are known to be in range; a
 * partial block is first copied to a padded stack buffer so the branchless
 * 64-bit loads cannot run off the input). It rejects b > 32, the reserved
 * bit, an exception count of 0 or above n, indexes >= n or not strictly
 * increasing, a high part of 0 (not an exception), a high part that does
 * not fit in 32 - b bits, a malformed varint and nonzero padding bits; like
 * ngidx_varint_get32 it accepts an overlong varint of at most 5 bytes, the
 * one non-canonical form left (a block is still at least as long as the
 * encoder's choice for its values). The encoder writes exactly the bytes it
 * returns.
 */
#include "codec.h"
#include "varint.h"
#include "common/endian.h"
#include "common/err.h"

#include <assert.h>
#include <string.h>

enum {
	HDR_WIDTH_MASK = 0x3f,
	HDR_RESERVED = 0x40,
	HDR_EXCEPTIONS = 0x80,
	MAX_WIDTH = 32,
};

/* Mask of the low @b bits, b in 0..32. */
static inline uint32_t low_mask(unsigned b) { return (uint32_t)((UINT64_C(1) << b) - 1); }

/* Bit width of @v: 0 for 0, else 1 + index of the highest set bit. */
static inline unsigned width_of(uint32_t v)
{
#if defined(__GNUC__)
	/* (v << 1 | 1) is never 0, so clz is defined, and v = 0 gives 0. */
	return 63u - (unsigned)__builtin_clzll(((uint64_t)v << 1) | 1);
#else
	unsigned w = 0;
	for (; v; v >>= 1)
		w++;
	return w;
#endif
}

/* ---- full blocks: vertical 4-lane layout --------------------------------- */

#if defined(__GNUC__) && !defined(NGIDX_CODEC_PORTABLE)

typedef uint32_t v4u __attribute__((vector_size(16)));

static inline v4u load_v4u(const void *p)
{
	v4u v;
	memcpy(&v, p, sizeof v); /* unaligned load (movdqu / ldr q) */
	return v;
}

static inline void store_v4u(void *p, v4u v) { memcpy(p, &v, sizeof v); }

/*
 * Unpack 128 values of width @b (1..31) from 16 * b bytes. Only ever called
 * with a constant b, so after inlining and full unrolling every branch below
 * is decided at compile time.
 */
static inline __attribute__((always_inline)) void unpack128(const uint8_t *in, uint32_t *out,
							      const unsigned b)
{
	const v4u mask = (v4u){ 0, 0, 0, 0 } + low_mask(b);
	unsigned word = 0;
	v4u w = load_v4u(in);
#pragma GCC unroll 32
	for (unsigned i = 0; i < 32; i++) {
		const unsigned pos = i * b, shift = pos & 31;
		if (pos >> 5 != word) { /* value starts in a fresh word */
			word = pos >> 5;
			w = load_v4u(in + 16 * word);
		}
		v4u v = w >> shift;
		if (shift + b > 32) { /* value straddles two words */
			word++;
			w = load_v4u(in + 16 * word);
			v |= w << (32 - shift);
		}
		store_v4u(out + 4 * i, v & mask);
	}
}

/* Pack the low @b bits (1..31) of 128 values into 16 * b bytes. */
static inline __attribute__((always_inline)) void pack128(const uint32_t *in, uint8_t *out,
							    const unsigned b)
{
	const v4u mask = (v4u){ 0, 0, 0, 0 } + low_mask(b);
	v4u acc = { 0, 0, 0, 0 };
#pragma GCC unroll 32
	for (unsigned i = 0; i < 32; i++) {
		const unsigned pos = i * b, shift = pos & 31;
		const v4u v = load_v4u(in + 4 * i) & mask;
		acc = shift ? acc | (v << shift) : v;
		if (shift + b >= 32) { /* lane word complete */
			store_v4u(out + 16 * (pos >> 5), acc);
			acc = shift + b > 32 ? v >> (32 - shift) : (v4u){ 0, 0, 0, 0 };
		}
	}
}

#else /* portable scalar version of the same layout */

static void unpack128(const uint8_t *in, uint32_t *out, const unsigned b)
{
	const uint32_t mask = low_mask(b);
	for (unsigned j = 0; j < 4; j++) {
		for (unsigned i = 0; i < 32; i++) {
			const unsigned pos = i * b, shift = pos & 31;
			const uint8_t *wp = in + 16 * (pos >> 5) + 4 * j;
			uint32_t v = ngidx_le32(wp) >> shift;
			if (shift + b > 32)
				v |= ngidx_le32(wp + 16) << (32 - shift);
			out[4 * i + j] = v & mask;
		}
	}
}

static void pack128(const uint32_t *in, uint8_t *out, const unsigned b)
{
	const uint32_t mask = low_mask(b);
	memset(out, 0, 16 * b);
	for (unsigned j = 0; j < 4; j++) {
		for (unsigned i = 0; i < 32; i++) {
			const unsigned pos = i * b, shift = pos & 31;
			uint8_t *wp = out + 16 * (pos >> 5) + 4 * j;
			const uint32_t v = in[4 * i + j] & mask;
			ngidx_put32(wp, ngidx_le32(wp) | (v << shift));
			if (shift + b > 32)
				ngidx_put32(wp + 16, ngidx_le32(wp + 16) | (v >> (32 - shift)));
		}
	}
}

#endif

/* One function per width, so that b is a compile-time constant in each. */
typedef void unpack_fn(const uint8_t *in, uint32_t *out);
typedef void pack_fn(const uint32_t *in, uint8_t *out);

static void unpack128_0(const uint8_t *in, uint32_t *out)
{
	(void)in;
	memset(out, 0, NGIDX_BLOCK * sizeof *out);
}

static void unpack128_32(const uint8_t *in, uint32_t *out) { memcpy(out, in, NGIDX_BLOCK * 4); }
static void pack128_0(const uint32_t *in, uint8_t *out) { (void)in, (void)out; }
static void pack128_32(const uint32_t *in, uint8_t *out) { memcpy(out, in, NGIDX_BLOCK * 4); }

#define WIDTH_FNS(b)                                                                     \
	static void unpack128_##b(const uint8_t *in, uint32_t *out) { unpack128(in, out, b); } \
	static void pack128_##b(const uint32_t *in, uint8_t *out) { pack128(in, out, b); }
WIDTH_FNS(1) WIDTH_FNS(2) WIDTH_FNS(3) WIDTH_FNS(4) WIDTH_FNS(5) WIDTH_FNS(6)
WIDTH_FNS(7) WIDTH_FNS(8) WIDTH_FNS(9) WIDTH_FNS(10) WIDTH_FNS(11) WIDTH_FNS(12)
WIDTH_FNS(13) WIDTH_FNS(14) WIDTH_FNS(15) WIDTH_FNS(16) WIDTH_FNS(17) WIDTH_FNS(18)
WIDTH_FNS(19) WIDTH_FNS(20) WIDTH_FNS(21) WIDTH_FNS(22) WIDTH_FNS(23) WIDTH_FNS(24)
WIDTH_FNS(25) WIDTH_FNS(26) WIDTH_FNS(27) WIDTH_FNS(28) WIDTH_FNS(29) WIDTH_FNS(30)
WIDTH_FNS(31)
#undef WIDTH_FNS

#define FN_ROW(x)                                                                  \
	x##_0, x##_1, x##_2, x##_3, x##_4, x##_5, x##_6, x##_7, x##_8, x##_9, x##_10,    \
	    x##_11, x##_12, x##_13, x##_14, x##_15, x##_16, x##_17, x##_18, x##_19,      \
	    x##_20, x##_21, x##_22, x##_23, x##_24, x##_25, x##_26, x##_27, x##_28,      \
	    x##_29, x##_30, x##_31, x##_32
static unpack_fn *const unpack128_by_width[MAX_WIDTH + 1] = { FN_ROW(unpack128) };
static pack_fn *const pack128_by_width[MAX_WIDTH + 1] = { FN_ROW(pack128) };
#undef FN_ROW

/* ---- partial blocks: horizontal bit stream -------------------------------- */

/* Pack the low @b bits of @n values into ceil(n * b / 8) bytes at @out. */
static void pack_tail(const uint32_t *in, size_t n, uint8_t *out, unsigned b)
{
	const uint32_t mask = low_mask(b);
	uint64_t acc = 0;
	unsigned have = 0; /* bits pending in acc: < 32 between iterations */
	for (size_t i = 0; i < n; i++) {
		acc |= (uint64_t)(in[i] & mask) << have;
		have += b;
		if (have >= 32) {
			ngidx_put32(out, (uint32_t)acc);
			out += 4;
			acc >>= 32;
			have -= 32;
		}
	}
	for (; have > 0; have = have > 8 ? have - 8 : 0) {
		*out++ = (uint8_t)acc;
		acc >>= 8;
	}
}

/*
 * Unpack @n (< 128) values of width @b (1..32) from the @bytes =
 * ceil(n * b / 8) bytes at @in. @return 0, or -1 if the padding bits of the
 * last byte are not zero.
 */
static int unpack_tail(const uint8_t *in, size_t bytes, uint32_t *out, size_t n, unsigned b)
{
	/* Copy so that every value can be fetched with one 8-byte load: a
	 * value spans at most 7 + 32 bits from its first byte. */
	uint8_t buf[NGIDX_BLOCK * 4 + 8];
	assert(bytes + 8 <= sizeof buf);
	memcpy(buf, in, bytes);
	memset(buf + bytes, 0, 8);
	const uint64_t mask = low_mask(b);
	for (size_t i = 0; i < n; i++) {
		const size_t pos = i * b;
		out[i] = (uint32_t)((ngidx_le64(buf + (pos >> 3)) >> (pos & 7)) & mask);
	}
	const unsigned used = (unsigned)((n * b) & 7); /* bits used in the last byte */
	if (used && (in[bytes - 1] >> used) != 0)
		return -1;
	return 0;
}

/* ---- choosing the width --------------------------------------------------- */

/*
 * Choose b for @n values with width histogram @cnt and largest width @maxw;
 * store the exception count at b in *@exc. See the essay above.
 */
static unsigned choose_width(const unsigned cnt[MAX_WIDTH + 1], unsigned maxw, size_t n,
			     unsigned *exc)
{
	size_t best_size = 1 + (n * maxw + 7) / 8;
	unsigned best_b = maxw, best_exc = 0;
	size_t exc_bytes = 0; /* sum over exceptions at b of 1 + varint length */
	unsigned exc_n = 0;
	unsigned by_mod7[7] = { 0 }; /* exceptions at b, by width mod 7 */
	for (unsigned b = maxw; b-- > 0;) {
		/* From b + 1 to b: the values of width w = b + 1 become
		 * exceptions of 2 bytes, and an older exception of width x
		 * gains a varint byte iff (x - w) % 7 == 0, i.e. x % 7 == w % 7. */
		const unsigned w = b + 1;
		exc_bytes += 2 * (size_t)cnt[w] + by_mod7[w % 7];
		by_mod7[w % 7] += cnt[w];
		exc_n += cnt[w];
		/* exc_n >= 1 here (the values of width W are exceptions), so
		 * the header has 2 bytes; every b' <= b costs at least
		 * 2 + exc_bytes, so once that cannot win, stop. */
		if (2 + exc_bytes >= best_size)
			break;
		const size_t size = 2 + (n * b + 7) / 8 + exc_bytes;
		if (size < best_size) {
			best_size = size;
			best_b = b;
			best_exc = exc_n;
		}
	}
	*exc = best_exc;
	return best_b;
}

/* ---- public entry points -------------------------------------------------- */

size_t ngidx_pfor_bound(size_t n) { return 1 + 4 * n; }

size_t ngidx_pfor_encode(const uint32_t *in, size_t n, uint8_t *out)
{
	assert(n >= 1 && n <= NGIDX_BLOCK);
	if (NGIDX_NEVER(n == 0 || n > NGIDX_BLOCK))
		return 0;

	/* Width histogram, in two halves so that runs of equal widths do not
	 * serialise on one counter's store-to-load latency. */
	unsigned cnt[MAX_WIDTH + 1] = { 0 }, cnt2[MAX_WIDTH + 1] = { 0 };
	uint32_t all = 0;
	size_t i = 0;
	for (; i + 2 <= n; i += 2) {
		cnt[width_of(in[i])]++;
		cnt2[width_of(in[i + 1])]++;
		all |= in[i] | in[i + 1];
	}
	for (; i < n; i++) {
		cnt[width_of(in[i])]++;
		all |= in[i];
	}
	for (unsigned w = 0; w <= MAX_WIDTH; w++)
		cnt[w] += cnt2[w];

	unsigned exc;
	const unsigned b = choose_width(cnt, width_of(all), n, &exc);
	assert(exc <= n);

	uint8_t *o = out;
	*o++ = (uint8_t)(b | (exc ? HDR_EXCEPTIONS : 0));
	if (exc)
		*o++ = (uint8_t)exc;
	if (n == NGIDX_BLOCK)
		pack128_by_width[b](in, o);
	else
		pack_tail(in, n, o, b);
	o += (n * b + 7) / 8;

	if (exc) {
		/* b < 32 here: at b = 32 nothing is an exception. */
		for (size_t k = 0; k < n; k++) {
			const uint32_t high = in[k] >> b;
			if (high) {
				*o++ = (uint8_t)k;
				o += varint_put_inline(o, high);
			}
		}
	}
	assert((size_t)(o - out) <= ngidx_pfor_bound(n));
	return (size_t)(o - out);
}

size_t ngidx_pfor_decode(const uint8_t *in, const uint8_t *end, uint32_t *out, size_t n)
{
	if (NGIDX_UNLIKELY(n == 0 || n > NGIDX_BLOCK || in >= end))
		return 0;
	const uint8_t *p = in;
	const unsigned hdr = *p++;
	const unsigned b = hdr & HDR_WIDTH_MASK;
	if (NGIDX_UNLIKELY(b > MAX_WIDTH || (hdr & HDR_RESERVED)))
		return 0;
	unsigned exc = 0;
	if (hdr & HDR_EXCEPTIONS) {
		if (NGIDX_UNLIKELY(p >= end))
			return 0;
		exc = *p++;
		if (NGIDX_UNLIKELY(exc == 0 || exc > n))
			return 0;
	}
	const size_t packed = (n * b + 7) / 8;
	if (NGIDX_UNLIKELY((size_t)(end - p) < packed))
		return 0;
	if (NGIDX_LIKELY(n == NGIDX_BLOCK))
		unpack128_by_width[b](p, out);
	else if (b == 0)
		memset(out, 0, n * sizeof *out);
	else if (NGIDX_UNLIKELY(unpack_tail(p, packed, out, n, b) != 0))
		return 0;
	p += packed;

	/* Patch the exceptions. The first index may be 0, so the running
	 * "previous" index starts at -1. */
	long prev = -1;
	for (unsigned k = 0; k < exc; k++) {
		if (NGIDX_UNLIKELY(p >= end))
			return 0;
		const unsigned idx = *p++;
		if (NGIDX_UNLIKELY(idx >= n || (long)idx <= prev))
			return 0;
		prev = (long)idx;
		uint64_t high;
		if (NGIDX_UNLIKELY(varint_get_inline(&p, end, &high, NGIDX_VARINT32_MAX, 0x0f) != 0))
			return 0;
		/* high < 2^32 here; it must be nonzero and fit in 32 - b bits
		 * (b = 32 leaves no room, so any exception there fails). */
		if (NGIDX_UNLIKELY(high == 0 || (high << b) >> 32 != 0))
			return 0;
		out[idx] |= (uint32_t)(high << b);
	}
	return (size_t)(p - in);
}

size_t ngidx_pfor_size(const uint8_t *in, const uint8_t *end, size_t n)
{
	if (NGIDX_UNLIKELY(n == 0 || n > NGIDX_BLOCK || in >= end))
		return 0;
	const uint8_t *p = in;
	const unsigned hdr = *p++;
	const unsigned b = hdr & HDR_WIDTH_MASK;
	unsigned exc = 0;
	if (hdr & HDR_EXCEPTIONS) {
		if (NGIDX_UNLIKELY(p >= end))
			return 0;
		exc = *p++;
	}
	const size_t packed = (n * b + 7) / 8;
	if (NGIDX_UNLIKELY(b > MAX_WIDTH || (size_t)(end - p) < packed))
		return 0;
	p += packed;
	for (unsigned k = 0; k < exc; k++) {
		uint64_t high;
		if (NGIDX_UNLIKELY(p >= end))
			return 0;
		p++; /* index */
		if (NGIDX_UNLIKELY(varint_get_inline(&p, end, &high, NGIDX_VARINT32_MAX, 0x0f) != 0))
			return 0;
	}
	return (size_t)(p - in);
}
