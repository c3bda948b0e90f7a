/*
 * codec_test.c - tests of the integer codecs (src/codec/codec.h): LEB128
 * varints and the PFor block codec.
 *
 * The block tests compare the library with a slow reference encoder written
 * here straight from the format description in pfor.c (bit-by-bit packing,
 * brute-force choice of the width), so a layout or width-choice bug shows up
 * as differing bytes, not only as a failed round trip. Buffers handed to a
 * decoder are heap blocks of exactly the input's size, with the data ending
 * at the block's end, so an over-read is caught by AddressSanitizer
 * (`make BUILD=build-asan SAN=address,undefined OPT='-O1 -g'
 * build-asan/tests/codec_test`).
 *
 * Random tests print their seed on stderr; NGIDX_SEED=<seed> replays it.
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

#define TEST_NAME "codec"
#include "test_util.h"

/* Copy @len bytes to a fresh heap block of exactly @len bytes (1 if 0). */
static uint8_t *exact_copy(const uint8_t *p, size_t len)
{
	uint8_t *q = malloc(len ? len : 1);
	cr_assert_not_null(q);
	if (len)
		memcpy(q, p, len);
	/* With len 0 the decoder gets end == q and must not read q[0]. */
	return q;
}

/* ---- varint --------------------------------------------------------------- */

typedef struct {
	uint64_t v;
	size_t len;
	uint8_t bytes[10];
} varint_case;

static const varint_case varint_cases[] = {
	{ 0, 1, { 0x00 } },
	{ 1, 1, { 0x01 } },
	{ 127, 1, { 0x7f } },
	{ 128, 2, { 0x80, 0x01 } },
	{ 300, 2, { 0xac, 0x02 } },
	{ 16383, 2, { 0xff, 0x7f } },
	{ 16384, 3, { 0x80, 0x80, 0x01 } },
	{ UINT32_MAX, 5, { 0xff, 0xff, 0xff, 0xff, 0x0f } },
	{ UINT64_C(1) << 32, 5, { 0x80, 0x80, 0x80, 0x80, 0x10 } },
	{ UINT64_C(1) << 63, 10, { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 } },
	{ UINT64_MAX, 10, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 } },
};

Test(varint, known_answers)
{
	for (size_t c = 0; c < sizeof varint_cases / sizeof varint_cases[0]; c++) {
		const varint_case *k = &varint_cases[c];
		uint8_t buf[16];
		memset(buf, 0xaa, sizeof buf);
		const size_t len = ngidx_varint_put(buf, k->v);
		cr_assert_eq(len, k->len, "put(%" PRIu64 ") wrote %zu bytes, want %zu", k->v, len, k->len);
		cr_assert_arr_eq(buf, k->bytes, len, "put(%" PRIu64 ") bytes", k->v);
		cr_assert_eq(buf[len], 0xaa, "put(%" PRIu64 ") wrote past its length", k->v);

		uint8_t *e = exact_copy(k->bytes, k->len);
		const uint8_t *p = e;
		uint64_t v = 0;
		cr_assert_eq(ngidx_varint_get(&p, e + k->len, &v), 0, "get(%" PRIu64 ")", k->v);
		cr_assert_eq(v, k->v);
		cr_assert_eq(p, e + k->len, "get(%" PRIu64 ") consumed", k->v);

		p = e;
		uint32_t v32 = 0;
		const int rc = ngidx_varint_get32(&p, e + k->len, &v32);
		if (k->v <= UINT32_MAX) {
			cr_assert_eq(rc, 0, "get32(%" PRIu64 ")", k->v);
			cr_assert_eq(v32, (uint32_t)k->v);
			cr_assert_eq(p, e + k->len);
		} else {
			cr_assert_eq(rc, -1, "get32(%" PRIu64 ") must fail", k->v);
			cr_assert_eq(p, e, "get32 failure moved the pointer");
		}

		/* Every proper prefix is truncated. */
		for (size_t cut = 0; cut < k->len; cut++) {
			uint8_t *t = exact_copy(k->bytes, cut);
			p = t;
			cr_assert_eq(ngidx_varint_get(&p, t + cut, &v), -1,
				     "get(%" PRIu64 ") cut to %zu bytes", k->v, cut);
			cr_assert_eq(p, t);
			cr_assert_eq(ngidx_varint_get32(&p, t + cut, &v32), -1);
			cr_assert_eq(p, t);
			free(t);
		}
		free(e);
	}
}

/* Feed @len bytes to get and get32 from an exact-size buffer. */
static void expect_get(const uint8_t *bytes, size_t len, int want64, int want32,
		       uint64_t want_v, const char *what)
{
	uint8_t *e = exact_copy(bytes, len);
	const uint8_t *p = e;
	uint64_t v = 0;
	const int rc = ngidx_varint_get(&p, e + len, &v);
	cr_assert_eq(rc, want64, "get: %s", what);
	cr_assert_eq(p, rc ? e : e + len, "get pointer: %s", what);
	if (rc == 0)
		cr_assert_eq(v, want_v, "get value: %s", what);
	p = e;
	uint32_t v32 = 0;
	const int rc32 = ngidx_varint_get32(&p, e + len, &v32);
	cr_assert_eq(rc32, want32, "get32: %s", what);
	cr_assert_eq(p, rc32 ? e : e + len, "get32 pointer: %s", what);
	if (rc32 == 0)
		cr_assert_eq(v32, want_v, "get32 value: %s", what);
	free(e);
}

Test(varint, malformed)
{
	expect_get(NULL, 0, -1, -1, 0, "empty input");
	expect_get((const uint8_t[]){ 0x80 }, 1, -1, -1, 0, "lone continuation byte");
	/* 11 bytes: too long even though the value (0) is small. */
	expect_get((const uint8_t[]){ 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 },
		   11, -1, -1, 0, "11-byte varint");
	/* 10th byte 2: bit 64, overflow. */
	expect_get((const uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 },
		   10, -1, -1, 0, "64-bit overflow (10th byte 2)");
	expect_get((const uint8_t[]){ 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f },
		   10, -1, -1, 0, "64-bit overflow (10th byte 0x7f)");
	expect_get((const uint8_t[]){ 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x81, 0x00 },
		   11, -1, -1, 0, "10th byte with continuation");
	/* 32-bit limits: 5th byte above 0x0f, or a 6th byte. */
	expect_get((const uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 0x1f }, 5, 0, -1,
		   UINT64_C(0x1ffffffff), "2^33 - 1");
	expect_get((const uint8_t[]){ 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, 6, 0, -1, 0,
		   "6-byte overlong zero");
	expect_get((const uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 0x8f, 0x00 }, 6, 0, -1,
		   UINT64_C(0xffffffff), "6-byte overlong 2^32 - 1");
	/* Overlong forms within the length limit are accepted (documented). */
	expect_get((const uint8_t[]){ 0x80, 0x00 }, 2, 0, 0, 0, "2-byte overlong zero");
	expect_get((const uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 0x0f }, 5, 0, 0, UINT32_MAX,
		   "2^32 - 1");
}

Test(varint, random_round_trip)
{
	rng r = { test_seed("varint.random_round_trip") };
	enum { N = 2000 };
	uint64_t vals[N];
	uint8_t buf[N * 10];
	size_t len = 0;
	for (size_t i = 0; i < N; i++) {
		const unsigned width = rng_below(&r, 65);
		vals[i] = width == 0 ? 0 : rng_next(&r) >> (64 - width);
		len += ngidx_varint_put(buf + len, vals[i]);
	}
	uint8_t *e = exact_copy(buf, len);
	const uint8_t *p = e;
	for (size_t i = 0; i < N; i++) {
		uint64_t v;
		CHECK(ngidx_varint_get(&p, e + len, &v) == 0 && v == vals[i],
		      "value %zu (%" PRIu64 ") did not round-trip", i, vals[i]);
	}
	cr_assert_eq(p, e + len);
	p = e;
	for (size_t i = 0; i < N; i++) {
		uint32_t v;
		const int rc = ngidx_varint_get32(&p, e + len, &v);
		if (vals[i] > UINT32_MAX) {
			CHECK(rc == -1, "get32 accepted %" PRIu64, vals[i]);
			uint64_t skip;
			cr_assert_eq(ngidx_varint_get(&p, e + len, &skip), 0);
		} else {
			CHECK(rc == 0 && v == vals[i], "get32 value %zu", i);
		}
	}
	free(e);
}

Test(varint, garbage_never_overreads)
{
	rng r = { test_seed("varint.garbage_never_overreads") };
	for (int it = 0; it < 20000; it++) {
		uint8_t raw[12];
		const size_t len = rng_below(&r, 13);
		for (size_t i = 0; i < len; i++) /* mostly continuation bytes */
			raw[i] = (uint8_t)(rng_below(&r, 4) ? rng32(&r) | 0x80 : rng32(&r));
		uint8_t *e = exact_copy(raw, len);
		const uint8_t *p = e;
		uint64_t v;
		if (ngidx_varint_get(&p, e + len, &v) == 0) {
			CHECK(p > e && p <= e + len && p - e <= 10, "bad advance");
			/* The bytes read really encode v (modulo overlong forms). */
			uint8_t again[10];
			const size_t n = ngidx_varint_put(again, v);
			CHECK(n <= (size_t)(p - e), "shorter canonical form expected");
		}
		free(e);
	}
}

/* ---- PFor reference implementation ---------------------------------------- */

static unsigned ref_width(uint32_t v)
{
	unsigned w = 0;
	while (v) {
		w++;
		v >>= 1;
	}
	return w;
}

static size_t ref_varint_len(uint64_t v)
{
	size_t len = 1;
	for (; v >= 128; v >>= 7)
		len++;
	return len;
}

/* Encoded size of @in at width @b, straight from the format description. */
static size_t ref_size(const uint32_t *in, size_t n, unsigned b)
{
	size_t exc = 0, exc_bytes = 0;
	for (size_t i = 0; i < n; i++) {
		const uint64_t high = (uint64_t)in[i] >> b;
		if (high) {
			exc++;
			exc_bytes += 1 + ref_varint_len(high);
		}
	}
	return 1 + (exc ? 1 : 0) + (n * b + 7) / 8 + exc_bytes;
}

/* Set bit @bit of the packed area @p. */
static void ref_set_bit(uint8_t *p, size_t bit) { p[bit / 8] |= (uint8_t)(1u << (bit % 8)); }

/*
 * Reference encoder: b is the largest of the widths 0..max width with the
 * smallest size; packing is bit by bit in the documented layouts.
 */
static size_t ref_encode(const uint32_t *in, size_t n, uint8_t *out)
{
	unsigned maxw = 0;
	for (size_t i = 0; i < n; i++)
		if (ref_width(in[i]) > maxw)
			maxw = ref_width(in[i]);
	unsigned b = 0;
	size_t best = SIZE_MAX;
	for (unsigned c = 0; c <= maxw; c++) {
		const size_t s = ref_size(in, n, c);
		if (s <= best) {
			best = s;
			b = c;
		}
	}
	size_t exc = 0;
	for (size_t i = 0; i < n; i++)
		exc += ((uint64_t)in[i] >> b) != 0;
	size_t o = 0;
	out[o++] = (uint8_t)(b | (exc ? 0x80 : 0));
	if (exc)
		out[o++] = (uint8_t)exc;
	const size_t packed = (n * b + 7) / 8;
	memset(out + o, 0, packed);
	for (size_t i = 0; i < n; i++) {
		for (unsigned k = 0; k < b; k++) {
			if (!((in[i] >> k) & 1))
				continue;
			if (n == NGIDX_BLOCK) {
				/* lane i % 4, bit (i / 4) * b + k of the lane,
				 * lane word q at byte 16 q + 4 lane */
				const size_t lane = i % 4, q = (i / 4) * b + k;
				ref_set_bit(out + o, (16 * (q / 32) + 4 * lane) * 8 + q % 32);
			} else {
				ref_set_bit(out + o, i * b + k);
			}
		}
	}
	o += packed;
	for (size_t i = 0; i < n; i++) {
		uint64_t high = (uint64_t)in[i] >> b;
		if (!high)
			continue;
		out[o++] = (uint8_t)i;
		for (; high >= 128; high >>= 7)
			out[o++] = (uint8_t)(high | 0x80);
		out[o++] = (uint8_t)high;
	}
	cr_assert_eq(o, best, "reference encoder size mismatch");
	return o;
}

/* ---- test inputs ------------------------------------------------------------ */

enum {
	DIST_UNIFORM_0 = 0, /* 0..32: uniform in [0, 2^b) */
	DIST_GEO_8 = 33,    /* geometric doc-id gaps, mean 8 */
	DIST_GEO_30,
	DIST_GEO_1000,
	DIST_OUTLIERS,   /* mostly < 16, a few huge */
	DIST_MIXED,      /* every value its own random width */
	DIST_HALF_HUGE,  /* half tiny, half full 32-bit */
	DIST_SPARSE,     /* mostly zero, a few values */
	DIST_EQUAL,      /* all one random value */
	DIST_ZERO,
	DIST_ONES,       /* all 0xFFFFFFFF */
	DIST_COUNT
};

static const char *dist_name(int d)
{
	static char buf[32];
	static const char *const names[] = { "geo8", "geo30", "geo1000", "outliers", "mixed",
					     "half-huge", "sparse", "equal", "zero", "ones" };
	if (d < DIST_GEO_8) {
		snprintf(buf, sizeof buf, "uniform-b%d", d);
		return buf;
	}
	return names[d - DIST_GEO_8];
}

static uint32_t geometric(rng *r, double mean)
{
	const double g = 1.0 + floor(log(1.0 - rng_unit(r)) / log(1.0 - 1.0 / mean));
	return g >= 4294967295.0 ? UINT32_MAX : (uint32_t)g;
}

static uint32_t random_width(rng *r, unsigned w)
{
	return w == 0 ? 0 : rng32(r) >> (32 - w);
}

static void gen(rng *r, int dist, uint32_t *v, size_t n)
{
	const uint32_t same = random_width(r, rng_below(r, 33));
	for (size_t i = 0; i < n; i++) {
		switch (dist) {
		case DIST_GEO_8: v[i] = geometric(r, 8); break;
		case DIST_GEO_30: v[i] = geometric(r, 30); break;
		case DIST_GEO_1000: v[i] = geometric(r, 1000); break;
		case DIST_OUTLIERS:
			v[i] = rng_below(r, 20) ? rng_below(r, 16) : random_width(r, 1 + rng_below(r, 32));
			break;
		case DIST_MIXED: v[i] = random_width(r, rng_below(r, 33)); break;
		case DIST_HALF_HUGE: v[i] = rng_below(r, 2) ? rng_below(r, 4) : rng32(r) | 0x80000000u; break;
		case DIST_SPARSE: v[i] = rng_below(r, 16) ? 0 : random_width(r, rng_below(r, 33)); break;
		case DIST_EQUAL: v[i] = same; break;
		case DIST_ZERO: v[i] = 0; break;
		case DIST_ONES: v[i] = UINT32_MAX; break;
		default: v[i] = (uint32_t)(rng_next(r) & ((UINT64_C(1) << dist) - 1)); break;
		}
	}
}

/* ---- PFor tests --------------------------------------------------------------- */

/* Known bytes, worked out by hand from the format description. */
Test(pfor, known_answers)
{
	uint8_t out[1 + 4 * NGIDX_BLOCK];
	uint32_t back[NGIDX_BLOCK];

	/* {1,2,3}: b = 2, no exceptions, 1 | 2 << 2 | 3 << 4 = 0x39. */
	const uint32_t a[] = { 1, 2, 3 };
	cr_assert_eq(ngidx_pfor_encode(a, 3, out), 2);
	cr_assert_arr_eq(out, ((uint8_t[]){ 0x02, 0x39 }), 2);

	/* All zero: one byte whatever n. */
	const uint32_t z[NGIDX_BLOCK] = { 0 };
	for (size_t n = 1; n <= NGIDX_BLOCK; n++) {
		cr_assert_eq(ngidx_pfor_encode(z, n, out), 1, "zeros n=%zu", n);
		cr_assert_eq(out[0], 0x00);
	}

	/* b = 1 with one exception: 1000 at index 7, high part 500 =
	 * LEB128 f4 03; low bits 1,0,1,1,0,1,0,0 = 0x2d. */
	const uint32_t x[] = { 1, 0, 1, 1, 0, 1, 0, 1000 };
	cr_assert_eq(ngidx_pfor_encode(x, 8, out), 6);
	cr_assert_arr_eq(out, ((uint8_t[]){ 0x81, 0x01, 0x2d, 0x07, 0xf4, 0x03 }), 6);
	const uint8_t *xe = out + 6;
	cr_assert_eq(ngidx_pfor_decode(out, xe, back, 8), 6);
	cr_assert_arr_eq(back, x, sizeof x);

	/* Full block, vertical layout: a 1 in every 4th value fills lane 0. */
	uint32_t f[NGIDX_BLOCK];
	for (size_t i = 0; i < NGIDX_BLOCK; i++)
		f[i] = i % 4 == 0;
	uint8_t want[17] = { 0x01, 0xff, 0xff, 0xff, 0xff };
	cr_assert_eq(ngidx_pfor_encode(f, NGIDX_BLOCK, out), 17);
	cr_assert_arr_eq(out, want, 17);

	/* Full block of width 3 with value i % 8 in lane order: lane 0 holds
	 * 0,4,0,4,... so its first word is 0b100'000'100'000... */
	for (size_t i = 0; i < NGIDX_BLOCK; i++)
		f[i] = (uint32_t)(i % 8);
	cr_assert_eq(ngidx_pfor_encode(f, NGIDX_BLOCK, out), 1 + 48);
	cr_assert_eq(out[0], 3);
	/* lane 0, word 0: values 0,4 alternating, 3 bits each, from bit 0 */
	uint32_t w0 = 0;
	for (unsigned k = 0; k < 11; k++) /* 10 full values + 2 bits of the 11th */
		w0 |= (uint32_t)((k % 2) ? 4 : 0) << (3 * k);
	cr_assert_eq(out[1] | out[2] << 8 | out[3] << 16 | (uint32_t)out[4] << 24, w0);

	/* Worst case reaches the bound exactly. */
	uint32_t ones[NGIDX_BLOCK];
	for (size_t i = 0; i < NGIDX_BLOCK; i++)
		ones[i] = UINT32_MAX;
	for (size_t n = 1; n <= NGIDX_BLOCK; n++)
		cr_assert_eq(ngidx_pfor_encode(ones, n, out), ngidx_pfor_bound(n));
}

/*
 * Check everything about one input: reference bytes, bound, no writes past
 * the returned size, determinism, exact-size decode, trailing bytes ignored.
 * @return the encoded size; the encoding is left in @enc.
 */
static size_t check_block(const uint32_t *in, size_t n, uint8_t *enc, uint64_t seed,
			  const char *dist)
{
	const size_t bound = ngidx_pfor_bound(n);
	/* Encode into a heap block of exactly the bound, prefilled. */
	uint8_t *o1 = malloc(bound), *o2 = malloc(bound);
	cr_assert(o1 && o2);
	memset(o1, 0xa5, bound);
	memset(o2, 0x5a, bound);
	const size_t size = ngidx_pfor_encode(in, n, o1);
	CHECK(size >= 1 && size <= bound, "seed=%" PRIu64 " %s n=%zu: size %zu, bound %zu", seed,
	      dist, n, size, bound);
	for (size_t i = size; i < bound; i++)
		CHECK(o1[i] == 0xa5, "seed=%" PRIu64 " %s n=%zu: wrote past the size", seed, dist, n);
	CHECK(ngidx_pfor_encode(in, n, o2) == size && memcmp(o1, o2, size) == 0,
	      "seed=%" PRIu64 " %s n=%zu: not deterministic", seed, dist, n);

	uint8_t ref[1 + 4 * NGIDX_BLOCK + 64];
	const size_t ref_len = ref_encode(in, n, ref);
	CHECK(ref_len == size && memcmp(ref, o1, size) == 0,
	      "seed=%" PRIu64 " %s n=%zu: bytes differ from the reference (size %zu, ref %zu)",
	      seed, dist, n, size, ref_len);

	/* Exact-size decode. */
	uint8_t *e = exact_copy(o1, size);
	uint32_t back[NGIDX_BLOCK + 1];
	back[n] = 0xdeadbeef;
	const size_t used = ngidx_pfor_decode(e, e + size, back, n);
	CHECK(used == size, "seed=%" PRIu64 " %s n=%zu: decode consumed %zu of %zu", seed, dist,
	      n, used, size);
	CHECK(memcmp(back, in, n * sizeof *in) == 0, "seed=%" PRIu64 " %s n=%zu: values differ",
	      seed, dist, n);
	CHECK(back[n] == 0xdeadbeef, "seed=%" PRIu64 " %s n=%zu: decoder wrote past n", seed, dist, n);
	CHECK(ngidx_pfor_size(e, e + size, n) == size, "seed=%" PRIu64 " %s n=%zu: size %zu, not %zu",
	      seed, dist, n, ngidx_pfor_size(e, e + size, n), size);

	/* Trailing bytes are not consumed. */
	memset(o2, 0xff, bound);
	memcpy(o2, o1, size);
	CHECK(ngidx_pfor_decode(o2, o2 + bound, back, n) == size,
	      "seed=%" PRIu64 " %s n=%zu: consumed trailing bytes", seed, dist, n);

	memcpy(enc, o1, size);
	free(e);
	free(o1);
	free(o2);
	return size;
}

/* Every proper prefix of a valid block is rejected, without over-read. */
static void check_truncations(const uint8_t *enc, size_t size, size_t n, uint64_t seed,
			      const char *dist)
{
	uint8_t *buf = malloc(size);
	cr_assert_not_null(buf);
	uint32_t back[NGIDX_BLOCK];
	for (size_t cut = 0; cut < size; cut++) {
		/* The prefix ends exactly at the end of the heap block. */
		uint8_t *start = buf + size - cut;
		memcpy(start, enc, cut);
		CHECK(ngidx_pfor_decode(start, buf + size, back, n) == 0,
		      "seed=%" PRIu64 " %s n=%zu: prefix of %zu/%zu bytes accepted", seed, dist, n,
		      cut, size);
		CHECK(ngidx_pfor_size(start, buf + size, n) == 0,
		      "seed=%" PRIu64 " %s n=%zu: size of a %zu/%zu-byte prefix", seed, dist, n, cut, size);
	}
	free(buf);
}

Test(pfor, round_trip_every_n_and_distribution, .timeout = 120)
{
	const uint64_t seed = test_seed("pfor.round_trip_every_n_and_distribution");
	rng r = { seed };
	uint32_t in[NGIDX_BLOCK];
	uint8_t enc[1 + 4 * NGIDX_BLOCK];
	for (size_t n = 1; n <= NGIDX_BLOCK; n++) {
		for (int d = 0; d < DIST_COUNT; d++) {
			for (int rep = 0; rep < 3; rep++) {
				gen(&r, d, in, n);
				const size_t size = check_block(in, n, enc, seed, dist_name(d));
				if (rep == 0)
					check_truncations(enc, size, n, seed, dist_name(d));
			}
		}
	}
}

/* Exceptions at the first and last index, at every width below 32. */
Test(pfor, exception_positions)
{
	uint32_t in[NGIDX_BLOCK];
	uint8_t enc[1 + 4 * NGIDX_BLOCK];
	for (size_t n = 1; n <= NGIDX_BLOCK; n++) {
		for (unsigned big = 1; big <= 32; big++) {
			for (size_t i = 0; i < n; i++)
				in[i] = i & 1;
			in[0] = (uint32_t)((UINT64_C(1) << big) - 1);
			in[n - 1] = (uint32_t)((UINT64_C(1) << big) - 1);
			check_block(in, n, enc, 0, "exception-positions");
		}
	}
}

/* Decode of @len bytes from an exact heap copy; @return consumed. */
static size_t decode_exact(const uint8_t *bytes, size_t len, uint32_t *out, size_t n)
{
	uint8_t *e = exact_copy(bytes, len);
	const size_t r = ngidx_pfor_decode(e, e + len, out, n);
	free(e);
	return r;
}

#define BYTES(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

Test(pfor, malformed_blocks)
{
	uint32_t out[NGIDX_BLOCK];
	/* Valid baseline: n = 2, b = 1, exception 3 << 1 at index 1 → {1, 7}. */
	cr_assert_eq(decode_exact(BYTES(0x81, 0x01, 0x03, 0x01, 0x03), out, 2), 5);
	cr_assert_eq(out[0], 1);
	cr_assert_eq(out[1], 7);

	cr_assert_eq(decode_exact(BYTES(0x21), out, 1), 0, "b = 33");
	cr_assert_eq(decode_exact(BYTES(0x3f), out, 1), 0, "b = 63");
	cr_assert_eq(decode_exact(BYTES(0x40), out, 1), 0, "reserved bit");
	cr_assert_eq(decode_exact(BYTES(0x80, 0x00), out, 1), 0, "exception count 0");
	cr_assert_eq(decode_exact(BYTES(0x80, 0x02, 0x00, 0x01, 0x01, 0x01), out, 1), 0,
		     "exception count > n");
	cr_assert_eq(decode_exact(BYTES(0x80, 0x01, 0x02, 0x01), out, 2), 0, "index >= n");
	cr_assert_eq(decode_exact(BYTES(0x80, 0x02, 0x01, 0x01, 0x01, 0x01), out, 2), 0,
		     "repeated index");
	cr_assert_eq(decode_exact(BYTES(0x80, 0x02, 0x01, 0x01, 0x00, 0x01), out, 2), 0,
		     "decreasing index");
	cr_assert_eq(decode_exact(BYTES(0x80, 0x01, 0x00, 0x00), out, 1), 0, "high part 0");
	cr_assert_eq(decode_exact(BYTES(0x80, 0x01, 0x00, 0x80), out, 1), 0, "truncated varint");
	cr_assert_eq(decode_exact(BYTES(0x80, 0x01, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), out, 1),
		     0, "6-byte varint");
	cr_assert_eq(decode_exact(BYTES(0x80, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0x1f), out, 1), 0,
		     "high part >= 2^32");
	/* b = 0 takes a full 32-bit exception; b = 31 only a high part of 1. */
	cr_assert_eq(decode_exact(BYTES(0x80, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f), out, 1), 8);
	cr_assert_eq(out[0], UINT32_MAX);
	cr_assert_eq(decode_exact(BYTES(0x9f, 0x01, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x01), out, 1), 8);
	cr_assert_eq(out[0], UINT32_MAX);
	cr_assert_eq(decode_exact(BYTES(0x9f, 0x01, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x02), out, 1), 0,
		     "value overflows 32 bits");
	cr_assert_eq(decode_exact(BYTES(0xa0, 0x01, 0xff, 0xff, 0xff, 0xff, 0x00, 0x01), out, 1), 0,
		     "exception at b = 32");
	/* Partial block: n = 3, b = 1 uses 3 bits; the other 5 must be 0. */
	cr_assert_eq(decode_exact(BYTES(0x01, 0x07), out, 3), 2);
	cr_assert_eq(decode_exact(BYTES(0x01, 0x0f), out, 3), 0, "nonzero padding bits");
	cr_assert_eq(decode_exact(BYTES(0x01, 0x87), out, 3), 0, "nonzero padding bit 7");
	/* Bad n. */
	cr_assert_eq(decode_exact(BYTES(0x00), out, 0), 0, "n = 0");
	uint32_t big[NGIDX_BLOCK + 1];
	cr_assert_eq(decode_exact(BYTES(0x00), big, NGIDX_BLOCK + 1), 0, "n = 129");
	cr_assert_eq(decode_exact(NULL, 0, out, 1), 0, "empty input");
}

/*
 * Whatever a decoder accepts must be a faithful encoding: the encoder's
 * choice for the decoded values is never longer than what was accepted
 * (exceptions are exactly the values >= 2^b and varints can only be
 * overlong), and decodes back to the same values.
 */
static void check_accepted(const uint8_t *buf, size_t len, size_t n, uint64_t seed)
{
	uint32_t out[NGIDX_BLOCK];
	uint8_t *e = exact_copy(buf, len);
	const size_t used = ngidx_pfor_decode(e, e + len, out, n);
	free(e);
	if (used == 0)
		return;
	CHECK(used <= len, "seed=%" PRIu64 ": consumed %zu of %zu", seed, used, len);
	uint8_t again[1 + 4 * NGIDX_BLOCK];
	const size_t size = ngidx_pfor_encode(out, n, again);
	CHECK(size <= used, "seed=%" PRIu64 " n=%zu: accepted %zu bytes, canonical is %zu", seed, n,
	      used, size);
	uint32_t back[NGIDX_BLOCK];
	CHECK(ngidx_pfor_decode(again, again + size, back, n) == size &&
		      memcmp(back, out, n * sizeof *out) == 0,
	      "seed=%" PRIu64 ": re-encoding did not round-trip", seed);
}

Test(pfor, garbage_and_mutations, .timeout = 120)
{
	const uint64_t seed = test_seed("pfor.garbage_and_mutations");
	rng r = { seed };
	uint8_t buf[1 + 4 * NGIDX_BLOCK + 64];
	uint32_t in[NGIDX_BLOCK];
	size_t accepted = 0;
	for (int it = 0; it < 20000; it++) {
		const size_t n = 1 + rng_below(&r, NGIDX_BLOCK);
		size_t len;
		if (it % 2) {
			/* Pure garbage, with a plausible header half the time. */
			len = rng_below(&r, (uint32_t)sizeof buf + 1);
			for (size_t i = 0; i < len; i++)
				buf[i] = (uint8_t)rng32(&r);
			if (len && rng_below(&r, 2))
				buf[0] = (uint8_t)(rng_below(&r, 33) | (rng_below(&r, 2) ? 0x80 : 0));
			if (len > 1 && (buf[0] & 0x80) && rng_below(&r, 2))
				buf[1] = (uint8_t)(1 + rng_below(&r, (uint32_t)n));
		} else {
			/* A valid block with a few bytes changed, maybe cut. */
			gen(&r, (int)rng_below(&r, DIST_COUNT), in, n);
			len = ngidx_pfor_encode(in, n, buf);
			const unsigned flips = 1 + rng_below(&r, 3);
			for (unsigned f = 0; f < flips; f++) {
				const size_t at = rng_below(&r, (uint32_t)len);
				buf[at] ^= (uint8_t)(rng_below(&r, 2) ? 1u << rng_below(&r, 8) : rng32(&r));
			}
			if (rng_below(&r, 4) == 0)
				len = rng_below(&r, (uint32_t)len + 1);
		}
		uint32_t out[NGIDX_BLOCK];
		uint8_t *e = exact_copy(buf, len);
		accepted += ngidx_pfor_decode(e, e + len, out, n) != 0;
		free(e);
		check_accepted(buf, len, n, seed);
	}
	fprintf(stderr, "codec_test: garbage_and_mutations: %zu of 20000 inputs accepted\n", accepted);
}

/* ---- rice ----------------------------------------------------------------- */

/* The layout of rice.c, one bit at a time, with the k given. */
static size_t ref_rice(const uint32_t *v, size_t n, unsigned k, uint8_t *out)
{
	size_t bit = 0;
	memset(out, 0, ngidx_rice_bound(n));
#define PUT(b) (out[bit / 8] |= (uint8_t)((b) << bit % 8), bit++)
	for (unsigned j = 0; j < 5; j++)
		PUT((k >> j) & 1);
	for (size_t i = 0; i < n; i++) {
		uint64_t q = v[i] >> k;
		if (q < NGIDX_RICE_ESC) {
			for (uint64_t j = 0; j < q; j++)
				PUT(1u);
			PUT(0u);
			for (unsigned j = 0; j < k; j++)
				PUT((v[i] >> j) & 1);
		} else {
			for (unsigned j = 0; j < NGIDX_RICE_ESC; j++)
				PUT(1u);
			for (unsigned j = 0; j < 32; j++)
				PUT((v[i] >> j) & 1);
		}
	}
#undef PUT
	return (bit + 7) / 8;
}

/* The smallest group over every k, by the reference encoder. */
static size_t ref_rice_best(const uint32_t *v, size_t n, uint8_t *out)
{
	uint8_t tmp[1 + NGIDX_BLOCK * 8];
	size_t best = SIZE_MAX;
	for (unsigned k = 0; k < 32; k++) {
		size_t len = ref_rice(v, n, k, tmp);
		if (len < best) {
			best = len;
			memcpy(out, tmp, len);
		}
	}
	return best;
}

Test(rice, known_answers)
{
	uint8_t out[64];
	const uint32_t a[] = { 0, 1, 2, 3 }; /* k 0: 0 | 10 | 110 | 1110 */
	cr_assert_eq(ngidx_rice_encode(a, 4, out), 2);
	cr_assert(out[0] == 0x40 && out[1] == 0x3b, "%02x %02x", out[0], out[1]);
	const uint32_t b[] = { 0, 0, 0, 1000000 }; /* k 0, the last one escaped */
	static const uint8_t want_b[] = { 0, 0xff, 0xff, 0xff, 0x40, 0x42, 0x0f, 0 };
	cr_assert_eq(ngidx_rice_encode(b, 4, out), 8);
	cr_assert_arr_eq(out, want_b, 8);
	const uint32_t c[] = { 100, 100, 100, 100 }; /* k 6: 1 one, a zero, 100 - 64 */
	cr_assert_eq(ngidx_rice_param(c, 4), 6);
	cr_assert_eq(ngidx_rice_encode(c, 4, out), (5 + 4 * 8 + 7) / 8);
	const uint8_t *p = out;
	uint32_t back[4];
	cr_assert_eq(ngidx_rice_decode(&p, out + 5, back, 4), 0);
	cr_assert_eq(p, out + 5);
	cr_assert_arr_eq(back, c, sizeof c);
}

Test(rice, round_trip_against_the_reference, .timeout = 120)
{
	const uint64_t seed = test_seed("rice.round_trip_against_the_reference");
	rng r = { seed };
	uint32_t v[NGIDX_BLOCK], back[NGIDX_BLOCK];
	uint8_t enc[1 + NGIDX_BLOCK * 8], ref[1 + NGIDX_BLOCK * 8];
	for (int it = 0; it < 20000; it++) {
		size_t n = 1 + rng_below(&r, NGIDX_BLOCK - 1);
		unsigned mode = rng_below(&r, 5), bits = rng_below(&r, 33);
		for (size_t i = 0; i < n; i++) {
			uint32_t x = bits ? rng32(&r) >> (32 - bits) : 0;
			if (mode == 1) /* geometric-like: a few small, a few large */
				x >>= rng_below(&r, 32);
			else if (mode == 2 && rng_below(&r, 16) == 0) /* rare outliers */
				x = rng32(&r);
			else if (mode == 3)
				x = UINT32_MAX - rng_below(&r, 4);
			v[i] = x;
		}
		size_t len = ngidx_rice_encode(v, n, enc);
		cr_assert_leq(len, ngidx_rice_bound(n));
		size_t rlen = ref_rice_best(v, n, ref);
		cr_assert_eq(len, rlen, "seed=%" PRIu64 " it %d: %zu bytes, the best k gives %zu", seed, it,
		             len, rlen);
		cr_assert_eq(len, ref_rice(v, n, ngidx_rice_param(v, n), ref));
		cr_assert(!memcmp(enc, ref, len), "seed=%" PRIu64 " it %d: bytes differ", seed, it);
		uint8_t *e = exact_copy(enc, len);
		const uint8_t *p = e;
		cr_assert_eq(ngidx_rice_decode(&p, e + len, back, n), 0, "seed=%" PRIu64 " it %d", seed, it);
		cr_assert_eq(p, e + len);
		cr_assert(!memcmp(back, v, n * sizeof *v), "seed=%" PRIu64 " it %d: values differ", seed, it);
		/* every cut is refused: the last byte holds at least one bit */
		for (size_t cut = 0; cut < len; cut++) {
			p = e;
			cr_assert_eq(ngidx_rice_decode(&p, e + cut, back, n), -1, "cut %zu of %zu", cut, len);
		}
		free(e);
	}
}

Test(rice, malformed)
{
	uint32_t v[8];
	const uint8_t *p;
	/* padding bits must be zero: k 0, values 0 0 0 0 (bits 0-8), then
	 * bits 9-15 of padding */
	const uint8_t pad[] = { 0x00, 0x00 }, bad_pad[] = { 0x00, 0x02 };
	p = pad;
	cr_assert_eq(ngidx_rice_decode(&p, pad + 2, v, 4), 0, "clean padding");
	cr_assert_eq(p, pad + 2);
	p = bad_pad;
	cr_assert_eq(ngidx_rice_decode(&p, bad_pad + 2, v, 4), -1, "a set padding bit");
	/* k 31 and a quotient of 2: past 32 bits */
	const uint8_t big[] = { 0x1f | 0x60, 0, 0, 0, 0, 0 };
	p = big;
	cr_assert_eq(ngidx_rice_decode(&p, big + sizeof big, v, 1), -1, "2 << 31");
	/* an escape cut in its 32 bits */
	const uint8_t esc[] = { 0xe0, 0xff, 0xff, 0x1f, 0x00 };
	p = esc;
	cr_assert_eq(ngidx_rice_decode(&p, esc + sizeof esc, v, 1), -1, "a cut escape");
	p = esc;
	cr_assert_eq(ngidx_rice_decode(&p, esc, v, 1), -1, "nothing");
}

Test(rice, garbage_never_overreads, .timeout = 120)
{
	const uint64_t seed = test_seed("rice.garbage_never_overreads");
	rng r = { seed };
	uint8_t buf[1 + NGIDX_BLOCK * 8];
	uint32_t v[NGIDX_BLOCK], w[NGIDX_BLOCK];
	uint8_t again[1 + NGIDX_BLOCK * 8];
	for (int it = 0; it < 20000; it++) {
		size_t n = 1 + rng_below(&r, NGIDX_BLOCK - 1), len = rng_below(&r, sizeof buf + 1);
		unsigned density = rng_below(&r, 9); /* one bits: quotients long and short */
		for (size_t i = 0; i < len; i++) {
			uint8_t x = 0;
			for (unsigned b = 0; b < 8; b++)
				x |= (uint8_t)((rng_below(&r, 8) < density) << b);
			buf[i] = x;
		}
		uint8_t *e = exact_copy(buf, len);
		const uint8_t *p = e;
		if (ngidx_rice_decode(&p, e + len, v, n) == 0) {
			cr_assert(p >= e && p <= e + len);
			/* what decodes re-encodes to no more bytes, and back */
			size_t k = ngidx_rice_encode(v, n, again);
			cr_assert_leq(k, (size_t)(p - e), "seed=%" PRIu64 " it %d", seed, it);
			const uint8_t *q = again;
			cr_assert_eq(ngidx_rice_decode(&q, again + k, w, n), 0);
			cr_assert(!memcmp(v, w, n * sizeof *v));
		}
		free(e);
	}
}
