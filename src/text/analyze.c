/*
 * analyze.c - the default analyzer: UTF-8 text in, normalized tokens,
 * their source ranges and sentence starts out.
 *
 * What it computes. Conceptually: decode the input (each maximal invalid
 * subsequence becomes U+FFFD), apply NFKC, apply full Unicode case folding
 * code point by code point (Python's str.casefold: no renormalization
 * afterwards), and cut the result into maximal runs of code points whose
 * general category is L*, M* or N*. Python's
 * unicodedata.normalize("NFKC", s).casefold() gives the same string; the
 * one difference from tools/refcount.py is that its regex [^\W_]+ treats
 * combining marks as separators where we keep them inside tokens.
 *
 * How. Normalization is not local (a combining mark composes with the
 * letter before it, Hangul jamo compose, a compatibility character may
 * decompose into a mark that composes backwards), but it is local before
 * an "inert" code point: one of combining class 0 that has no
 * decomposition mapping (canonical or compatibility) and is never the
 * second half of a canonical composition. Such a code point c is its own
 * NFKC, nothing before it can reorder past it or compose with it, and it
 * blocks everything after it from composing with anything before it, so
 * NFKC(x + c + y) == NFKC(x) + NFKC(c + y) for any x and y. Every ASCII
 * character is inert, and so are most letters of most scripts (Cyrillic,
 * CJK, Hangul syllables, Arabic, Hebrew ...); precomposed Latin letters
 * with diacritics are not (they decompose), nor are combining marks, Hangul
 * jamo vowels and trailing consonants, or the two dozen Indic vowel signs
 * that compose with a preceding starter (comp_second_starter()).
 * The text is therefore cut before every inert code point, and each
 * piece is handled by the cheapest path that is exact for it:
 *   - ASCII runs (bytes < 0x80 not followed by a non-inert code point) go
 *     through a loop that never touches the Unicode tables (ascii_run:
 *     alphanumeric test and lowercasing eight bytes at a time);
 *   - an inert non-ASCII code point not followed by a non-inert one is
 *     case folded and classified on its own (emit_cp);
 *   - a "group": a maximal run of non-inert code points, together with the
 *     inert code point just before it, if any (so that "e" + U+0301
 *     composes into "é" and "е" + U+0308 into "ё"), goes through utf8proc
 *     (normalize.c), then is case folded and classified one code point at
 *     a time (group());
 *   - an invalid sequence acts as U+FFFD: a separator, and a place where
 *     normalization is local. Each one is counted in ninvalid; the first
 *     one's offset is first_invalid (len when there is none).
 * A token may span several pieces ("naïve" is the ASCII run "n", the group
 * "aï", the ASCII run "ve"); the tokenizer's state (is a token open, where
 * did it end so far) carries across them. The list of composing starters is
 * that of Unicode 14 and 15 (the same; tests/gen_analyzer_vectors.py
 * --exhaustive checks every code point against Python).
 *
 * Source ranges (NGIDX_AN_SOURCE): token i came from input bytes
 * [src[2i], src[2i+1]): from the start of the input character that gave
 * its first code point to the end of the one that gave its last. For ASCII
 * runs and inert code points this is exact. Within a group, each output
 * code point is attributed to an input character cluster (a starter and the
 * non-starters that follow it) when normalizing cluster by cluster gives
 * the same code points as normalizing the whole group (ngidx_norm_map: true
 * for nearly all text); a cluster that expands to several tokens ("½" ->
 * "1" "2") gives each the cluster's range. When the cluster-wise result
 * differs (halfwidth katakana with a halfwidth voiced mark, conjoining
 * Hangul jamo, some Indic two-part vowels), every code point of the group
 * is attributed to the whole group. Token starts are non-decreasing;
 * ranges of different tokens overlap only in these two cases.
 *
 * Sentences (NGIDX_AN_SENTENCES): sentence.c finds boundaries on the
 * original text (the rule is in its essay); a token whose source start is
 * at or after a boundary that the previous token's start was not opens a
 * new sentence. A group with a boundary inside it is mapped to clusters as
 * for NGIDX_AN_SOURCE, so token starts are exact there too (unless the
 * cluster mapping fails: then the boundary takes effect at the first token
 * after the group).
 *
 * Memory: the output arrays of ngidx_tokens grow geometrically and are kept
 * between calls, so a warm ngidx_tokens allocates nothing. Each ASCII run or
 * group reserves its worst case once (a run of m bytes: m bytes and m/2 + 1
 * tokens; a group of n normalized code points: 12n bytes and 3n tokens,
 * since case folding makes at most 3 code points of one), so the per-byte
 * loops never check capacity; emit_cp checks per code point. The
 * normalizer's scratch lives on the stack for groups up to 512 code points
 * and on the heap (for this call only) beyond.
 *
 * Limits: the input must be shorter than 4 GiB and the normalized bytes
 * must fit the uint32 offsets (NFKC can expand text up to 18 times); both
 * otherwise give NGIDX_ERR_INPUT.
 */
#include "analyze.h"
#include "text_internal.h"

#include "common/err.h"
#include "common/mem.h"

#include <assert.h>
#include <string.h>
#include <utf8proc.h>

/* ASCII classes: 1 for [0-9A-Za-z]. */
static const uint8_t is_alnum[128] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
	['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
	['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
	['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
	['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

#define HIGH_BITS 0x8080808080808080ull
#define FOLD_MAX 3           /* code points of the longest case folding */

/* Analysis state of one call. */
typedef struct an {
	ngidx_tokens *t;
	const uint8_t *text;
	size_t len;
	unsigned flags;
	size_t nb;            /* bytes of t->bytes in use */
	size_t ntok;          /* tokens closed so far */
	int open;             /* a token is open (its index is ntok) */
	uint64_t tok_end;     /* source end of the open token's last code point */
	uint64_t next_bound;  /* next sentence boundary not yet passed */
	ngidx_sent_scan sc;
	ngidx_norm_buf norm;
} an;

void ngidx_tokens_init(ngidx_tokens *t)
{
	memset(t, 0, sizeof *t);
}

void ngidx_tokens_release(ngidx_tokens *t)
{
	if (!t)
		return;
	ngidx_free(t->bytes);
	ngidx_free(t->off);
	ngidx_free(t->src);
	ngidx_free(t->sent);
	ngidx_tokens_init(t);
}

/*
 * Room for @bytes more bytes and @toks more tokens (plus the closing
 * offset). Returns 0 or NGIDX_ERR_NOMEM.
 */
static int reserve(an *s, size_t bytes, size_t toks)
{
	ngidx_tokens *t = s->t;
	const size_t nt = s->ntok + toks + 2;
	if (NGIDX_RESERVE(t->bytes, t->bytes_cap, s->nb + bytes + 8) ||
	    NGIDX_RESERVE(t->off, t->off_cap, nt))
		return NGIDX_ERR_NOMEM;
	if ((s->flags & NGIDX_AN_SOURCE) && NGIDX_RESERVE(t->src, t->src_cap, 2 * nt))
		return NGIDX_ERR_NOMEM;
	return 0;
}

/*
 * Sentence bookkeeping for a token starting at @pos, called only when pos
 * has reached next_bound: the token opens a sentence, and the boundaries
 * it passed are consumed.
 */
static int sentence_at(an *s, uint64_t pos)
{
	ngidx_tokens *t = s->t;
	if (NGIDX_RESERVE(t->sent, t->sent_cap, t->nsent + 1))
		return NGIDX_ERR_NOMEM;
	t->sent[t->nsent++] = (uint32_t)s->ntok;
	do
		s->next_bound = ngidx_sent_scan_next(&s->sc);
	while (s->next_bound <= pos);
	return 0;
}

static inline int open_token(an *s, uint64_t pos)
{
	if (NGIDX_UNLIKELY(pos >= s->next_bound))
		FORWARD_IF_ERROR(sentence_at(s, pos));
	s->t->off[s->ntok] = (uint32_t)s->nb;
	if (s->flags & NGIDX_AN_SOURCE)
		s->t->src[2 * s->ntok] = pos;
	s->open = 1;
	return 0;
}

static inline void close_token(an *s, uint64_t end)
{
	if (s->flags & NGIDX_AN_SOURCE)
		s->t->src[2 * s->ntok + 1] = end;
	s->ntok++;
	s->open = 0;
}

/*
 * Alphanumeric bytes of the 8 ASCII bytes in @w: 0x80 in each such byte.
 * x is in [lo, hi] when x + (0x80 - lo) has its high bit set and
 * x + (0x7F - hi) has not; with x < 0x80 no sum carries into the next byte.
 * Letters are tested after setting bit 0x20, which maps 'A'-'Z' onto 'a'-'z'
 * and no other byte into that range.
 */
static inline uint64_t alnum_bits(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull;
	const uint64_t l = w | 0x20 * ones;
	const uint64_t digit = (w + 0x50 * ones) & ~(w + 0x46 * ones);
	const uint64_t alpha = (l + 0x1F * ones) & ~(l + 0x05 * ones);
	return (digit | alpha) & HIGH_BITS;
}

/*
 * Tokenize the ASCII bytes [p, q).
 *
 * Every alphanumeric ASCII byte lowercases by setting bit 0x20 (digits
 * already have it). The loop takes the input eight bytes at a time at a
 * fixed stride, so that loads never wait on the previous word's results:
 * alnum_bits marks the alphanumeric bytes, each run of them inside the word
 * is found with two count-trailing-zeros, and is appended to the output by
 * storing the whole lowercased word shifted to the run's start (the output
 * keeps 8 bytes of slack) and advancing by the run's length. Words wholly
 * inside a token or wholly between tokens take one branch. The last bytes
 * (fewer than 8) go one at a time. Bytes past q are never loaded.
 *
 * The state of the call lives in locals here (stores into the output bytes
 * could otherwise alias it) and goes back into @s around calls that need it.
 */
static int ascii_run(an *s, size_t p, size_t q)
{
	if (p >= q)
		return 0;
	FORWARD_IF_ERROR(reserve(s, q - p, (q - p) / 2 + 1));
	const uint8_t *const text = s->text;
	char *const out = s->t->bytes;
	uint32_t *const off = s->t->off;
	uint64_t *const src = (s->flags & NGIDX_AN_SOURCE) ? s->t->src : NULL;
	size_t o = s->nb, ntok = s->ntok;
	int open = s->open;
	uint64_t end = s->tok_end; /* source end of the open token so far */

#define OPEN_AT(pos)                                                          \
	do {                                                                  \
		if (NGIDX_UNLIKELY((pos) >= s->next_bound)) {                 \
			s->ntok = ntok;                                       \
			FORWARD_IF_ERROR(sentence_at(s, (pos)));              \
		}                                                             \
		off[ntok] = (uint32_t)o;                                      \
		if (src)                                                      \
			src[2 * ntok] = (pos);                                \
		open = 1;                                                     \
	} while (0)
#define CLOSE_AT(e)                                                           \
	do {                                                                  \
		if (src)                                                      \
			src[2 * ntok + 1] = (e);                              \
		ntok++;                                                       \
		open = 0;                                                     \
	} while (0)

	for (; q - p >= 8; p += 8) {
		uint64_t w;
		memcpy(&w, text + p, 8);
		const uint64_t m = alnum_bits(w);
		const uint64_t lw = w | (m >> 2);
		if (open) {
			if (m == HIGH_BITS) { /* the token goes on */
				memcpy(out + o, &lw, 8);
				o += 8;
				end = p + 8;
				continue;
			}
			if (!(m & 0x80)) /* it ended with the previous word */
				CLOSE_AT(end);
		} else if (m == 0) {
			continue;
		}
		uint64_t mm = m;
		while (mm) {
			const unsigned sb = (unsigned)__builtin_ctzll(mm);
			const size_t a = sb >> 3;
			const uint64_t after = ~m & HIGH_BITS & (~0ull << sb);
			const size_t e = after ? (size_t)__builtin_ctzll(after) >> 3 : 8;
			if (!open)
				OPEN_AT(p + a);
			const uint64_t piece = lw >> (8 * a);
			memcpy(out + o, &piece, 8);
			o += e - a;
			if (e == 8) {
				end = p + 8;
				break;
			}
			CLOSE_AT(p + e);
			mm &= ~0ull << (8 * e);
		}
	}
	for (; p < q; p++) {
		const uint8_t c = text[p];
		if (is_alnum[c]) {
			if (!open)
				OPEN_AT(p);
			out[o++] = (char)(c | 0x20);
			end = p + 1;
		} else if (open) {
			CLOSE_AT(end);
		}
	}
#undef OPEN_AT
#undef CLOSE_AT
	s->nb = o;
	s->ntok = ntok;
	s->open = open;
	s->tok_end = end;
	return 0;
}

/* Is @cat (a utf8proc category) that of a token character: L, M or N? */
static inline int is_token_cat(int cat)
{
	return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO;
}

/*
 * Is @c, of combining class 0, the second half of some canonical
 * composition (so that it may compose with the starter before it)? Hangul
 * vowels and trailing consonants, and the vowel signs and length marks
 * listed: the second code point of every two-code-point canonical
 * decomposition whose combining class is 0, in Unicode 14 and 15 alike.
 */
static inline int comp_second_starter(int32_t c)
{
	if (c < 0x09BE)
		return 0;
	if ((c >= 0x1161 && c <= 0x1175) || (c >= 0x11A8 && c <= 0x11C2))
		return 1;
	switch (c) {
	case 0x09BE: case 0x09D7: case 0x0B3E: case 0x0B56: case 0x0B57: case 0x0BBE:
	case 0x0BD7: case 0x0CC2: case 0x0CD5: case 0x0CD6: case 0x0D3E: case 0x0D57:
	case 0x0DCF: case 0x0DDF: case 0x0FB5: case 0x0FB7: case 0x102E: case 0x1B35:
	case 0x11127: case 0x1133E: case 0x11357: case 0x114B0: case 0x114BA: case 0x114BD:
	case 0x115AF: case 0x11930:
		return 1;
	default:
		return 0;
	}
}

/* Is @c (with properties @pr) inert: is normalization local before it? */
static inline int is_inert(int32_t c, const utf8proc_property_t *pr)
{
	return pr->combining_class == 0 && pr->decomp_seqindex == UINT16_MAX && !comp_second_starter(c);
}

/*
 * Append normalized code point @c (properties @pr, or NULL for ASCII),
 * which came from input bytes [rs, re): case fold it, then extend, open or
 * close the token. The caller has reserved room (12 bytes, 3 tokens).
 */
static inline int emit_cp(an *s, int32_t c, const utf8proc_property_t *pr, uint64_t rs, uint64_t re)
{
	int32_t f[8];
	int nf = 1;
	int cat;
	if (c < 0x80) {
		if (!is_alnum[c]) {
			if (s->open)
				close_token(s, s->tok_end);
			return 0;
		}
		f[0] = c | 0x20;
		cat = UTF8PROC_CATEGORY_LL;
	} else if (pr->casefold_seqindex == UINT16_MAX) {
		f[0] = c;
		cat = pr->category;
	} else {
		int bc = 0;
		nf = (int)utf8proc_decompose_char(c, f, 8, UTF8PROC_CASEFOLD, &bc);
		assert(nf >= 1 && nf <= FOLD_MAX);
		cat = utf8proc_get_property(f[0])->category;
	}
	for (int j = 0;;) {
		if (is_token_cat(cat)) {
			if (!s->open)
				FORWARD_IF_ERROR(open_token(s, rs));
			s->nb += (size_t)ngidx_utf8_encode(s->t->bytes + s->nb, f[j]);
			s->tok_end = re;
		} else if (s->open) {
			close_token(s, s->tok_end);
		}
		if (++j == nf)
			return 0;
		cat = f[j] < 0x80 ? (is_alnum[f[j]] ? UTF8PROC_CATEGORY_LL : UTF8PROC_CATEGORY_PO)
		                  : utf8proc_get_property(f[j])->category;
	}
}

/*
 * Normalize, case fold and tokenize the group [a, b): valid UTF-8 whose
 * normalization does not depend on what surrounds it.
 */
static int group(an *s, size_t a, size_t b)
{
	const uint8_t *const seg = s->text + a;
	size_t ndec;
	const ptrdiff_t r = ngidx_norm_segment(&s->norm, seg, b - a, &ndec);
	if (r < 0)
		return (int)-r;
	const size_t n = (size_t)r;

	/* Attribute code points to clusters when the caller wants ranges, or
	 * when a sentence boundary may fall inside the group. */
	int mapped = 0;
	if ((s->flags & NGIDX_AN_SOURCE) || s->next_bound < b) {
		mapped = ngidx_norm_map(&s->norm, seg, b - a, n, ndec);
		if (mapped < 0)
			return -mapped;
	}

	FORWARD_IF_ERROR(reserve(s, 4 * FOLD_MAX * n, FOLD_MAX * n));
	const int32_t *const cp = s->norm.cp;
	for (size_t i = 0; i < n; i++) {
		uint64_t rs = a, re = b;
		if (mapped) {
			const uint32_t k = s->norm.map[i];
			rs = a + s->norm.cl[k];
			re = a + s->norm.cl[k + 1];
		}
		const int32_t c = cp[i];
		FORWARD_IF_ERROR(emit_cp(s, c, c < 0x80 ? NULL : utf8proc_get_property(c), rs, re));
	}
	RETURN_ERROR_IF(s->nb > UINT32_MAX, NULL, NGIDX_ERR_INPUT, "normalized text exceeds 4 GiB");
	return 0;
}

/*
 * Flush the pending piece [g, i): nothing, a single inert code point @pc
 * (properties @ppr) when !@grouped, or a group.
 */
static int flush(an *s, size_t g, size_t i, int32_t pc, const utf8proc_property_t *ppr, int grouped)
{
	if (g == i)
		return 0;
	if (grouped)
		return group(s, g, i);
	if (NGIDX_UNLIKELY(s->nb + 4 * FOLD_MAX + 8 > s->t->bytes_cap || s->ntok + FOLD_MAX + 2 > s->t->off_cap ||
	                   ((s->flags & NGIDX_AN_SOURCE) && 2 * (s->ntok + FOLD_MAX + 2) > s->t->src_cap)))
		FORWARD_IF_ERROR(reserve(s, 4 * FOLD_MAX + 64, FOLD_MAX + 16));
	return emit_cp(s, pc, ppr, g, i);
}

/*
 * Tokenize from @j (a non-ASCII byte) up to the next ASCII byte, invalid
 * sequence or the end; @g <= @j is where the pending piece starts (the
 * ASCII character before j, or j). Returns the position reached in *@end.
 *
 * [g, i) is always "pending": at most one inert code point, then the
 * non-inert code points after it (grouped != 0 if any). An inert code point
 * flushes what is pending and becomes pending itself, since it may compose
 * with non-inert code points after it.
 */
static int nonascii_run(an *s, size_t g, size_t j, size_t *end)
{
	const uint8_t *const text = s->text;
	const size_t len = s->len;
	int32_t pc = g < j ? text[g] : -1;
	const utf8proc_property_t *ppr = NULL;
	int grouped = 0;
	size_t i = j;
	while (i < len && text[i] >= 0x80) {
		int32_t c;
		const int k = ngidx_utf8_decode(text + i, text + len, &c);
		if (k < 0)
			break;
		const utf8proc_property_t *pr = utf8proc_get_property(c);
		if (is_inert(c, pr)) {
			FORWARD_IF_ERROR(flush(s, g, i, pc, ppr, grouped));
			g = i;
			pc = c;
			ppr = pr;
			grouped = 0;
		} else {
			grouped = 1;
		}
		i += (size_t)k;
	}
	FORWARD_IF_ERROR(flush(s, g, i, pc, ppr, grouped));
	*end = i;
	return 0;
}

/* Offset of the first byte >= 0x80 in [p, n), or n. */
static size_t next_high(const uint8_t *t, size_t p, size_t n)
{
	while (n - p >= 8) {
		uint64_t w;
		memcpy(&w, t + p, 8);
		if (w & HIGH_BITS)
			return p + ((size_t)__builtin_ctzll(w & HIGH_BITS) >> 3);
		p += 8;
	}
	while (p < n && t[p] < 0x80)
		p++;
	return p;
}

static int run(an *s)
{
	const uint8_t *const text = s->text;
	const size_t len = s->len;
	size_t p = 0;

	FORWARD_IF_ERROR(reserve(s, 0, 0));
	while (p < len) {
		const size_t j = next_high(text, p, len);
		if (j == len) {
			FORWARD_IF_ERROR(ascii_run(s, p, len));
			break;
		}
		/* The ASCII character before j may compose with what follows. */
		const size_t g = j > p ? j - 1 : j;
		FORWARD_IF_ERROR(ascii_run(s, p, g));
		size_t i;
		FORWARD_IF_ERROR(nonascii_run(s, g, j, &i));
		if (i < len && text[i] >= 0x80) { /* invalid: acts as U+FFFD */
			int32_t c;
			const int k = ngidx_utf8_decode(text + i, text + len, &c);
			assert(k < 0);
			if (s->t->ninvalid++ == 0)
				s->t->first_invalid = i;
			if (s->open)
				close_token(s, s->tok_end);
			i += (size_t)-k;
		}
		p = i;
	}
	if (s->open)
		close_token(s, s->tok_end);
	return 0;
}

int ngidx_analyze(ngidx_tokens *t, const char *text, size_t len, unsigned flags)
{
	t->ntok = t->nsent = t->ninvalid = 0;
	t->first_invalid = len;
	if (len > UINT32_MAX)
		return NGIDX_ERR_INPUT;

	an s;
	s.t = t;
	s.text = (const uint8_t *)text;
	s.len = len;
	s.flags = flags;
	s.nb = s.ntok = 0;
	s.open = 0;
	s.tok_end = 0;
	s.next_bound = (flags & NGIDX_AN_SENTENCES) ? 0 : UINT64_MAX;
	ngidx_sent_scan_init(&s.sc, text, len);
	ngidx_norm_buf_init(&s.norm);

	int rc = run(&s);
	ngidx_norm_buf_release(&s.norm);
	if (rc == 0 && s.nb > UINT32_MAX) /* case folding can expand too */
		rc = NGIDX_ERR_INPUT;
	if (rc) {
		t->ntok = t->nsent = 0;
		return rc;
	}
	t->ntok = s.ntok;
	t->off[s.ntok] = (uint32_t)s.nb;
	return NGIDX_OK;
}
