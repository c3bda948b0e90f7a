/*
 * sentence.c - sentence boundaries, found on the original (unnormalized)
 * text.
 *
 * The rule. A boundary is a byte offset of the input; the first token that
 * starts at or after it opens a new sentence (a boundary with no token after
 * it opens nothing, so there are no empty sentences). Boundaries come from:
 *
 *   1. Terminal punctuation. A run of one or more of . ! ? U+2026 (…) and
 *      the CJK full stop and marks U+3002 (。), U+FF01 (！), U+FF1F (？),
 *      then any closing quotes and brackets: " ' ) ] } ’ ” » › 」 』 】 〕
 *      〉 》 ） ］. After a run holding a CJK mark the boundary is right
 *      there: Chinese and Japanese put no space between sentences and have
 *      no case. Otherwise the run must be followed by at least one white
 *      space character (ASCII space, tab, CR, LF, VT, FF, U+0085, NBSP
 *      U+00A0, U+1680, U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000)
 *      and then by the end of the text or by a character that may open a
 *      sentence: an uppercase or titlecase letter (Lu, Lt), a letter of a
 *      script without case (Lo: Chinese, Arabic, Hebrew ... after a
 *      Latin-style full stop), a number (N*), or an opening quote or
 *      bracket: " ' ( [ { ‘ “ „ ‚ « ‹ 「 『 【 〔 〈 《 （ ［ ¿ ¡. The boundary
 *      is the offset of that character.
 *   2. Exceptions, only when the run is a single '.': the word just before
 *      it (the letters, digits, marks and inner dots back to the previous
 *      space or punctuation) is, ignoring ASCII case, one of the known
 *      abbreviations below, checked as a whole for dotted forms ("U.S."
 *      gives "u.s"), or is a single letter (an initial: "J. R. R.
 *      Tolkien"). Then there is no boundary. So an abbreviation that really
 *      ends a sentence ("... moved to the U.S. Then ...") does not end it:
 *      we accept that error rather than split "Mr. Smith". The same holds
 *      for a lowercase "no." ("I said no. Then ..."), because the list is
 *      matched without case.
 *   3. A blank line: a line feed, optional spaces, tabs and CRs, and another
 *      line feed. The boundary is just after the second line feed. A
 *      paragraph separator U+2029 likewise ends a sentence.
 *
 * Invalid UTF-8 is neither space nor a sentence opener.
 *
 * The scanner is lazy: the tokenizer asks for the next boundary only when
 * it has passed the previous one, so the text is scanned once, in step
 * with tokenization. The inner loop skips bytes that cannot start a
 * trigger (. ! ? LF and the lead bytes E2, E3, EF of the multi-byte
 * triggers) sixteen at a time with SSE2, or with one table lookup per byte
 * elsewhere. Boundaries are returned in
 * non-decreasing order: a blank line found inside the white space after a
 * terminator may lie before the boundary already returned for it, and is
 * then raised to it (no token lies between the two, so nothing changes).
 */
#include "text_internal.h"

#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Bytes that may start a trigger: . ! ? \n and lead bytes of …, U+2029
 * (E2), 。 (E3), ！ ？ (EF). */
static const uint8_t trigger[256] = {
	['.'] = 1, ['!'] = 1, ['?'] = 1, ['\n'] = 1,
	[0xE2] = 1, [0xE3] = 1, [0xEF] = 1,
};

/*
 * The abbreviations that do not end a sentence, lowercase, each packed into
 * a uint32 (first letter in the low byte) and sorted, for a binary search:
 *   mr mrs ms dr prof gen lt col maj capt sgt adm gov sen rep pres st jr sr
 *   inc ltd co corp vs etc no jan feb mar apr jun jul aug sep sept oct nov
 *   dec mt ft u.s u.k u.n e.g i.e
 * The order is that of the packed values (generated; text_test.c checks
 * that each word is found).
 */
#define K2(a, b) ((uint32_t)(a) | (uint32_t)(b) << 8)
#define K3(a, b, c) (K2(a, b) | (uint32_t)(c) << 16)
#define K4(a, b, c, d) (K3(a, b, c) | (uint32_t)(d) << 24)
static const uint32_t abbrev_keys[] = {
	K2('c', 'o'), K2('n', 'o'), K2('d', 'r'), K2('j', 'r'), K2('m', 'r'), K2('s', 'r'),
	K2('m', 's'), K2('v', 's'), K2('f', 't'), K2('l', 't'), K2('m', 't'), K2('s', 't'),
	K3('f', 'e', 'b'), K3('d', 'e', 'c'), K3('i', 'n', 'c'), K3('e', 't', 'c'),
	K3('l', 't', 'd'), K3('i', '.', 'e'), K3('e', '.', 'g'), K3('a', 'u', 'g'),
	K3('m', 'a', 'j'), K3('u', '.', 'k'), K3('c', 'o', 'l'), K3('j', 'u', 'l'),
	K3('a', 'd', 'm'), K3('u', '.', 'n'), K3('j', 'a', 'n'), K3('g', 'e', 'n'),
	K3('s', 'e', 'n'), K3('j', 'u', 'n'), K3('r', 'e', 'p'), K3('s', 'e', 'p'),
	K3('m', 'a', 'r'), K3('a', 'p', 'r'), K3('u', '.', 's'), K3('m', 'r', 's'),
	K3('o', 'c', 't'), K3('s', 'g', 't'), K3('g', 'o', 'v'), K3('n', 'o', 'v'),
	K4('p', 'r', 'o', 'f'), K4('c', 'o', 'r', 'p'), K4('p', 'r', 'e', 's'),
	K4('c', 'a', 'p', 't'), K4('s', 'e', 'p', 't'),
};
#define ABBREV_MAX 4

/* The longest word (in bytes) worth comparing: longer ones are neither
 * abbreviations nor single letters. */
#define WORD_MAX 8

/*
 * The code point at @i (< @n); invalid bytes give -1. *@k is the length
 * consumed (at least 1).
 */
static int32_t cp_at(const uint8_t *t, size_t i, size_t n, int *k)
{
	int32_t c = t[i];
	if (c < 0x80) {
		*k = 1;
		return c;
	}
	const int r = ngidx_utf8_decode(t + i, t + n, &c);
	if (r < 0) {
		*k = -r;
		return -1;
	}
	*k = r;
	return c;
}

static int is_cjk_term(int32_t c)
{
	return c == 0x3002 || c == 0xFF01 || c == 0xFF1F;
}

static int is_term(int32_t c)
{
	return c == '.' || c == '!' || c == '?' || c == 0x2026 || is_cjk_term(c);
}

static int is_closer(int32_t c)
{
	switch (c) {
	case '"': case '\'': case ')': case ']': case '}':
	case 0x2019: case 0x201D: case 0x00BB: case 0x203A:
	case 0x300D: case 0x300F: case 0x3011: case 0x3015: case 0x3009:
	case 0x300B: case 0xFF09: case 0xFF3D:
		return 1;
	default:
		return 0;
	}
}

static int is_opener(int32_t c)
{
	switch (c) {
	case '"': case '\'': case '(': case '[': case '{':
	case 0x2018: case 0x201C: case 0x201E: case 0x201A: case 0x00AB:
	case 0x2039: case 0x300C: case 0x300E: case 0x3010: case 0x3014:
	case 0x3008: case 0x300A: case 0xFF08: case 0xFF3B: case 0x00BF:
	case 0x00A1:
		return 1;
	default:
		return 0;
	}
}

static int is_space(int32_t c)
{
	if (c < 0x80)
		return c == ' ' || (c >= '\t' && c <= '\r');
	return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* May @c, after terminal punctuation and space, begin a sentence? */
static int opens_sentence(int32_t c)
{
	if (c < 0)
		return 0;
	if (c < 0x80)
		return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || is_opener(c);
	if (is_opener(c))
		return 1;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return 1;
	case UTF8PROC_CATEGORY_CN: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS:
	case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
	case UTF8PROC_CATEGORY_PO: case UTF8PROC_CATEGORY_SM: case UTF8PROC_CATEGORY_SC:
	case UTF8PROC_CATEGORY_SK: case UTF8PROC_CATEGORY_SO: case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP: case UTF8PROC_CATEGORY_CC:
	case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CS: case UTF8PROC_CATEGORY_CO:
	default:
		return 0;
	}
}

static int is_letter_or_mark(int32_t c)
{
	const utf8proc_category_t k = utf8proc_category(c);
	return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_ME;
}

/*
 * Is the word that ends just before the '.' at @i an abbreviation or an
 * initial (rule 2 of the essay)?
 */
static int no_break_before(const uint8_t *t, size_t i)
{
	size_t a = i;
	while (a > 0 && i - a <= WORD_MAX) {
		const uint8_t b = t[a - 1];
		if (b < 0x80) {
			if ((b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') || b == '.') {
				a--;
				continue;
			}
			break;
		}
		/* Step back to the lead byte of a multi-byte character. */
		size_t l = a - 1;
		while (l > 0 && a - l < 4 && (t[l] & 0xC0) == 0x80)
			l--;
		int32_t c = 0;
		if (ngidx_utf8_decode(t + l, t + a, &c) != (int)(a - l) || !is_letter_or_mark(c))
			break;
		a = l;
	}
	const size_t len = i - a;
	if (len == 0 || len > WORD_MAX)
		return 0;

	/* A single letter, possibly with marks: an initial. */
	int k;
	int32_t c = cp_at(t, a, i, &k);
	if (c >= 0) {
		const utf8proc_category_t cat = utf8proc_category(c);
		if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) {
			size_t j = a + (size_t)k;
			while (j < i) {
				c = cp_at(t, j, i, &k);
				if (c < 0 || utf8proc_category(c) < UTF8PROC_CATEGORY_MN ||
				    utf8proc_category(c) > UTF8PROC_CATEGORY_ME)
					break;
				j += (size_t)k;
			}
			if (j == i)
				return 1;
		}
	}

	if (len > ABBREV_MAX)
		return 0;
	uint32_t key = 0; /* the word, ASCII-lowercased, packed little-endian */
	for (size_t j = 0; j < len; j++) {
		const uint8_t b = t[a + j];
		key |= (uint32_t)(b >= 'A' && b <= 'Z' ? b | 0x20 : b) << (8 * j);
	}
	size_t lo = 0, hi = sizeof abbrev_keys / sizeof *abbrev_keys;
	while (lo < hi) { /* binary search of the sorted keys */
		const size_t mid = (lo + hi) / 2;
		if (abbrev_keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sizeof abbrev_keys / sizeof *abbrev_keys && abbrev_keys[lo] == key;
}

/*
 * The first byte at or after @i that may start a trigger, or @n. With SSE2
 * (every x86-64), sixteen bytes a step, comparing with each trigger byte.
 */
static size_t next_trigger(const uint8_t *t, size_t i, size_t n)
{
#if defined(__SSE2__)
	const __m128i dot = _mm_set1_epi8('.'), bang = _mm_set1_epi8('!');
	const __m128i qm = _mm_set1_epi8('?'), lf = _mm_set1_epi8('\n');
	const __m128i e2 = _mm_set1_epi8((char)0xE2), e3 = _mm_set1_epi8((char)0xE3);
	const __m128i ef = _mm_set1_epi8((char)0xEF);
	while (n - i >= 16) {
		const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
		const __m128i eq = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, bang)),
		                                _mm_or_si128(_mm_cmpeq_epi8(v, qm), _mm_cmpeq_epi8(v, lf)));
		const __m128i hi = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, e2), _mm_cmpeq_epi8(v, e3)),
		                                _mm_cmpeq_epi8(v, ef));
		const unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(eq, hi));
		if (bits)
			return i + (size_t)__builtin_ctz(bits);
		i += 16;
	}
#endif
	while (i < n && !trigger[t[i]])
		i++;
	return i;
}

void ngidx_sent_scan_init(ngidx_sent_scan *s, const char *text, size_t len)
{
	s->text = (const uint8_t *)text;
	s->len = len;
	s->pos = 0;
	s->last = 0;
}

static uint64_t emit(ngidx_sent_scan *s, uint64_t b)
{
	if (b < s->last)
		b = s->last;
	s->last = b;
	return b;
}

uint64_t ngidx_sent_scan_next(ngidx_sent_scan *s)
{
	const uint8_t *const t = s->text;
	const size_t n = s->len;
	size_t i = s->pos;

	while (i < n) {
		i = next_trigger(t, i, n);
		if (i >= n)
			break;
		int k;
		int32_t c = cp_at(t, i, n, &k);

		if (c == '\n') { /* rule 3 */
			size_t j = i + 1;
			while (j < n && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r'))
				j++;
			if (j < n && t[j] == '\n') {
				s->pos = j;
				return emit(s, j + 1);
			}
			i = j;
			continue;
		}
		if (c == 0x2029) {
			s->pos = i + (size_t)k;
			return emit(s, s->pos);
		}
		if (!is_term(c)) {
			i += (size_t)k;
			continue;
		}

		/* Rule 1: the run of terminal punctuation [i, r). */
		size_t r = i;
		int count = 0, cjk = 0;
		while (r < n) {
			c = cp_at(t, r, n, &k);
			if (!is_term(c))
				break;
			count++;
			cjk |= is_cjk_term(c);
			r += (size_t)k;
		}
		s->pos = r;
		if (count == 1 && t[i] == '.' && no_break_before(t, i)) { /* rule 2 */
			i = r;
			continue;
		}
		size_t j = r;
		while (j < n && (c = cp_at(t, j, n, &k), is_closer(c)))
			j += (size_t)k;
		if (cjk)
			return emit(s, j);
		const size_t ws = j;
		while (j < n && (c = cp_at(t, j, n, &k), is_space(c)))
			j += (size_t)k;
		if (j > ws && (j == n || opens_sentence(cp_at(t, j, n, &k))))
			return emit(s, j);
		i = r;
	}
	s->pos = n;
	return UINT64_MAX;
}
