/*
 * text_internal.h - private helpers shared by the files of src/text/: the
 * UTF-8 decoder, the sentence-boundary scanner and the segment normalizer.
 * Nothing here is exported; the module's interface is analyze.h.
 *
 * Ownership: an ngidx_norm_buf owns the heap arrays it grew into (release
 * it with ngidx_norm_buf_release); the scanner borrows the caller's text.
 */
#ifndef NGIDX_TEXT_INTERNAL_H
#define NGIDX_TEXT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * ngidx_utf8_decode - decode the multi-byte sequence at @p (@p < @e and
 * *@p >= 0x80).
 * @return its length (2 to 4) with the code point in *@cp; or, when the
 *         bytes are not well-formed UTF-8, minus the length (1 to 3) of the
 *         maximal subpart to skip: the longest prefix of a well-formed
 *         sequence, and at least one byte (Unicode 15, section 3.9, "U+FFFD
 *         substitution of maximal subparts", which Python's decoder follows).
 *         Overlong forms, surrogates D800-DFFF and values over U+10FFFF are
 *         all ruled out by the ranges allowed for the second byte.
 * Cost: O(1); reads at most 4 bytes and never at or past @e.
 */
static inline int ngidx_utf8_decode(const uint8_t *p, const uint8_t *e, int32_t *cp)
{
	const unsigned b0 = p[0];
	unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
	int need;                      /* continuation bytes after the lead */
	int32_t c;

	if (b0 < 0xC2) /* continuation byte, or C0/C1 (always overlong) */
		return -1;
	if (b0 < 0xE0) {
		need = 1;
		c = (int32_t)(b0 & 0x1F);
	} else if (b0 < 0xF0) {
		need = 2;
		c = (int32_t)(b0 & 0x0F);
		if (b0 == 0xE0)
			lo = 0xA0; /* overlong below U+0800 */
		else if (b0 == 0xED)
			hi = 0x9F; /* surrogates D800-DFFF */
	} else if (b0 < 0xF5) {
		need = 3;
		c = (int32_t)(b0 & 0x07);
		if (b0 == 0xF0)
			lo = 0x90; /* overlong below U+10000 */
		else if (b0 == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		return -1; /* F5-FF never appear in UTF-8 */
	}
	if (e - p < 2 || p[1] < lo || p[1] > hi)
		return -1;
	c = (c << 6) | (int32_t)(p[1] & 0x3F);
	for (int i = 2; i <= need; i++) {
		if (e - p <= i || (p[i] & 0xC0) != 0x80)
			return -i;
		c = (c << 6) | (int32_t)(p[i] & 0x3F);
	}
	*cp = c;
	return need + 1;
}

/* Append the UTF-8 form of valid code point @c at @o; return the length. */
static inline int ngidx_utf8_encode(char *o, int32_t c)
{
	const uint32_t u = (uint32_t)c;
	if (u < 0x80) {
		o[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		o[0] = (char)(0xC0 | (u >> 6));
		o[1] = (char)(0x80 | (u & 0x3F));
		return 2;
	}
	if (u < 0x10000) {
		o[0] = (char)(0xE0 | (u >> 12));
		o[1] = (char)(0x80 | ((u >> 6) & 0x3F));
		o[2] = (char)(0x80 | (u & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (u >> 18));
	o[1] = (char)(0x80 | ((u >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((u >> 6) & 0x3F));
	o[3] = (char)(0x80 | (u & 0x3F));
	return 4;
}

/*
 * Sentence-boundary scanner (sentence.c). Boundaries are byte offsets in
 * the original text: the first token that starts at or after a boundary
 * opens a new sentence. The scanner is pulled lazily by the tokenizer, so
 * text is scanned once, and never allocates.
 */
typedef struct ngidx_sent_scan {
	const uint8_t *text;
	size_t len;
	size_t pos;    /* where the search for the next trigger resumes */
	uint64_t last; /* last boundary returned: results never decrease */
} ngidx_sent_scan;

void ngidx_sent_scan_init(ngidx_sent_scan *s, const char *text, size_t len);

/*
 * ngidx_sent_scan_next - the next sentence boundary.
 * @return a byte offset in [0, len], never smaller than the previous
 *         result, or UINT64_MAX once the text holds no more boundaries.
 * Cost: amortized linear in the text over all calls.
 */
uint64_t ngidx_sent_scan_next(ngidx_sent_scan *s);

/*
 * Scratch arrays of the segment normalizer (normalize.c). They start in
 * storage inside the struct (so short segments, nearly all of them, never
 * allocate) and move to the heap when a segment needs more. Their contents
 * are not kept when they grow.
 */
#define NGIDX_NORM_INLINE 512

typedef struct ngidx_norm_buf {
	int32_t *cp;    /* NFKC of the segment */
	int32_t *alt;   /* cluster-by-cluster NFKC of the segment */
	uint32_t *map;  /* per alt[] entry: index of its cluster */
	uint32_t *cl;   /* cluster k = segment bytes [cl[k], cl[k+1]) */
	size_t cp_cap, alt_cap, map_cap, cl_cap;
	int32_t cp_in[NGIDX_NORM_INLINE];
	int32_t alt_in[NGIDX_NORM_INLINE];
	uint32_t map_in[NGIDX_NORM_INLINE];
	uint32_t cl_in[NGIDX_NORM_INLINE];
} ngidx_norm_buf;

void ngidx_norm_buf_init(ngidx_norm_buf *nb);
void ngidx_norm_buf_release(ngidx_norm_buf *nb);

/*
 * ngidx_norm_segment - NFKC of the valid UTF-8 @s[0, @n) into nb->cp.
 * @return the number of code points, with *@ndecomp set to the length of
 *         the intermediate decomposition (an upper bound of any cluster-
 *         wise result), or NGIDX_ERR_NOMEM / NGIDX_ERR_INPUT negated.
 */
ptrdiff_t ngidx_norm_segment(ngidx_norm_buf *nb, const uint8_t *s, size_t n, size_t *ndecomp);

/*
 * ngidx_norm_map - try to attribute each of the @ncp code points of
 * nb->cp (just computed from @s[0, @n) with decomposition length
 * @ndecomp) to a character cluster of the input (a starter and the
 * non-starters that follow it). Succeeds when normalizing each cluster on
 * its own and concatenating gives exactly nb->cp; then code point i comes
 * from the input bytes [nb->cl[nb->map[i]], nb->cl[nb->map[i] + 1]).
 * @return 1 when mapped, 0 when not (a single cluster, or normalization
 *         crossed a cluster edge), or a negated NGIDX_ERR_* code.
 */
int ngidx_norm_map(ngidx_norm_buf *nb, const uint8_t *s, size_t n, size_t ncp, size_t ndecomp);

#endif
