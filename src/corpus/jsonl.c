/*
 * jsonl.c - a strict, non-recursive parser for one JSON object per line.
 *
 * The corpus reader needs little from a line: its top-level members, with
 * string values unescaped, and a yes/no on whether the whole line is one
 * valid RFC 8259 object. So this is not a general JSON library: there is
 * no tree. The parser walks the line once, left to right:
 *
 *   - top-level members are recorded in order (key, value, type, offset);
 *     a string value or key without escapes points straight into the line,
 *     one with escapes is unescaped into `scratch`. Unescaping never makes
 *     a string longer (\n is 2 bytes for 1, \uXXXX 6 for at most 3, a
 *     surrogate pair 12 for 4), so `scratch` is sized to the line before the
 *     parse starts and its pointers stay valid: no reallocation mid-parse;
 *   - nested objects and arrays are validated and skipped by a loop over an
 *     explicit stack of open containers (one byte per level, grown on the
 *     heap), so a line of 100000 '[' costs 100 KB of heap, not the C stack;
 *   - numbers follow the grammar exactly: -? (0 | [1-9][0-9]*)
 *     (. [0-9]+)? ([eE] [+-]? [0-9]+)?; true, false, null are literals.
 *
 * Every byte is looked at a bounded number of times (string bodies through
 * a 256-entry class table), so the cost is linear in the line whatever its
 * shape: no rescans, no quadratic behaviour on long strings or deep nests.
 *
 * Leniency, on purpose and only here: inside strings, bytes >= 0x80 are
 * copied without validation and a raw NUL byte is copied too. The reader
 * validates UTF-8 over the whole line afterwards and reports invalid
 * sequences and NUL bytes as encoding damage while keeping the document,
 * as corpus.h promises; the same bytes outside a string break the syntax
 * and make the line malformed. Other raw control characters (U+0001 to
 * U+001F) are errors, as the RFC says. A \u0000 escape is valid JSON but
 * puts a NUL byte in the value: its offset is left in nul_off for the
 * reader to report.
 *
 * Duplicate keys: jsonl_dedupe marks every member whose key comes again
 * later, so the last occurrence wins (RFC 8259 leaves this open; the last
 * one is what most parsers, JavaScript's included, keep).
 */
#include "jsonl.h"

#include <string.h>

#include "common/err.h"
#include "common/hash.h"
#include "common/mem.h"

/* Classes of string bytes: 0 copy, 1 '"', 2 '\\', 3 control (not NUL). */
#define C3 3, 3, 3, 3, 3, 3, 3, 3
#define Z8 0, 0, 0, 0, 0, 0, 0, 0
#define Z64 Z8, Z8, Z8, Z8, Z8, Z8, Z8, Z8
static const unsigned char str_class[256] = {
	0, 3, 3, 3, 3, 3, 3, 3, C3, C3, C3,          /* 0x00 - 0x1f */
	0, 0, 1, 0, 0, 0, 0, 0, Z8, Z8, Z8,          /* 0x20 - 0x3f: '"' */
	Z8, Z8, Z8, 0, 0, 0, 0, 2, 0, 0, 0,          /* 0x40 - 0x5f: '\\' */
	Z8, Z8, Z8, Z8,                              /* 0x60 - 0x7f */
	Z64, Z64                                     /* 0x80 - 0xff */
};
#undef C3
#undef Z8
#undef Z64

/*
 * The first byte at or after @j that is not plain string content ('"',
 * '\\' or a control character other than NUL), or @n. Eight bytes a step
 * on little-endian GCC/Clang targets: the three "has byte" tests below are
 * exact in their lowest set bit (a borrow only ever corrupts higher
 * bytes), so ctz finds the first candidate; a NUL candidate is plain and
 * skipped.
 */
static inline size_t scan_plain(const char *p, size_t n, size_t j)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	while (n - j >= 8) {
		uint64_t x, q, b;
		memcpy(&x, p + j, 8);
		q = x ^ (ones * '"');
		b = x ^ (ones * '\\');
		const uint64_t m = (((q - ones) & ~q) | ((b - ones) & ~b) |
		                    ((x - ones * 0x20) & ~x)) & high;
		if (!m) {
			j += 8;
			continue;
		}
		j += (size_t)__builtin_ctzll(m) >> 3;
		if (str_class[(unsigned char)p[j]] != 0)
			return j;
		j++; /* a NUL byte: plain content */
	}
#endif
	while (j < n && str_class[(unsigned char)p[j]] == 0)
		j++;
	return j;
}

/* Open container kinds on the stack. */
#define IN_OBJECT 1
#define IN_ARRAY 2

/* Up to this many members, duplicates are found by comparing all pairs. */
#define DEDUPE_PAIRWISE_MAX 16

void jsonl_init(jsonl_parser *jp)
{
	memset(jp, 0, sizeof *jp);
	jp->nul_off = SIZE_MAX;
}

void jsonl_release(jsonl_parser *jp)
{
	ngidx_free(jp->fields);
	ngidx_free(jp->scratch);
	ngidx_free(jp->stack);
	ngidx_free(jp->slots);
	jsonl_init(jp);
}

static int perr(jsonl_parser *jp, size_t off, const char *why)
{
	jp->err = why;
	jp->err_off = off;
	return NGIDX_ERR_INPUT;
}

/* "unexpected end of line" at the end, else @why. */
static int expected(jsonl_parser *jp, size_t n, size_t i, const char *why)
{
	return perr(jp, i, i >= n ? "unexpected end of line" : why);
}

static size_t skip_ws(const char *p, size_t n, size_t i)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	for (int k = 0; k < 4; k++) {
		unsigned c = (unsigned char)p[k], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *d, unsigned cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xc0 | cp >> 6);
		d[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xe0 | cp >> 12);
		d[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		d[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | cp >> 18);
	d[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	d[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	d[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * The string whose opening quote is at p[*pi]. With @out (the next free
 * byte of scratch, advanced on return) its value is returned in *@s and *@len,
 * pointing into the line when it has no escape; without, it is only
 * validated. On success *@pi is past the closing quote.
 */
static int parse_string(jsonl_parser *jp, const char *p, size_t n, size_t *pi,
                        char **out, const char **s, size_t *len)
{
	const size_t start = *pi + 1;
	size_t j = scan_plain(p, n, start);
	if (j < n && p[j] == '"') { /* the common case: no escape */
		if (out) {
			*s = p + start;
			*len = j - start;
		}
		*pi = j + 1;
		return NGIDX_OK;
	}
	char *d = NULL, *d0 = NULL;
	if (out) {
		d = d0 = *out;
		memcpy(d, p + start, j - start);
		d += j - start;
	}
	for (;;) {
		if (j >= n)
			return perr(jp, start - 1, "unterminated string");
		const unsigned cls = str_class[(unsigned char)p[j]];
		if (cls == 0) {
			const size_t k = scan_plain(p, n, j);
			if (d) {
				memcpy(d, p + j, k - j);
				d += k - j;
			}
			j = k;
			continue;
		}
		if (cls == 1)
			break;
		if (cls == 3)
			return perr(jp, j, "control character in string");
		/* a backslash */
		if (j + 1 >= n)
			return perr(jp, start - 1, "unterminated string");
		char c = p[j + 1], e;
		switch (c) {
		case '"': e = '"'; break;
		case '\\': e = '\\'; break;
		case '/': e = '/'; break;
		case 'b': e = '\b'; break;
		case 'f': e = '\f'; break;
		case 'n': e = '\n'; break;
		case 'r': e = '\r'; break;
		case 't': e = '\t'; break;
		case 'u': {
			unsigned cp, lo;
			if (n - j < 6 || hex4(p + j + 2, &cp) != 0)
				return perr(jp, j, "invalid \\u escape");
			size_t used = 6;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return perr(jp, j, "unpaired surrogate");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (n - j < 12 || p[j + 6] != '\\' || p[j + 7] != 'u' ||
				    hex4(p + j + 8, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
					return perr(jp, j, "unpaired surrogate");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				used = 12;
			}
			if (cp == 0 && j < jp->nul_off)
				jp->nul_off = j;
			if (d)
				d += put_utf8(d, cp);
			j += used;
			continue;
		}
		default:
			return perr(jp, j, "invalid escape");
		}
		if (d)
			*d++ = e;
		j += 2;
	}
	if (out) {
		*s = d0;
		*len = (size_t)(d - d0);
		*out = d;
	}
	*pi = j + 1;
	return NGIDX_OK;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int parse_number(jsonl_parser *jp, const char *p, size_t n, size_t *pi)
{
	size_t j = *pi;
	if (p[j] == '-')
		j++;
	if (j < n && p[j] == '0') {
		j++;
		if (j < n && is_digit(p[j]))
			return perr(jp, *pi, "invalid number");
	} else if (j < n && is_digit(p[j])) {
		while (j < n && is_digit(p[j]))
			j++;
	} else {
		return perr(jp, *pi, "invalid number");
	}
	if (j < n && p[j] == '.') {
		j++;
		if (j >= n || !is_digit(p[j]))
			return perr(jp, *pi, "invalid number");
		while (j < n && is_digit(p[j]))
			j++;
	}
	if (j < n && (p[j] == 'e' || p[j] == 'E')) {
		j++;
		if (j < n && (p[j] == '+' || p[j] == '-'))
			j++;
		if (j >= n || !is_digit(p[j]))
			return perr(jp, *pi, "invalid number");
		while (j < n && is_digit(p[j]))
			j++;
	}
	*pi = j;
	return NGIDX_OK;
}

/* true, false or null at p[*pi]; @type gets which. */
static int parse_literal(jsonl_parser *jp, const char *p, size_t n, size_t *pi, int *type)
{
	static const struct { const char *s; size_t n; int type; } lit[3] = {
		{ "true", 4, JSONL_TRUE }, { "false", 5, JSONL_FALSE }, { "null", 4, JSONL_NULL }
	};
	for (int k = 0; k < 3; k++) {
		if (p[*pi] == lit[k].s[0]) {
			if (n - *pi < lit[k].n || memcmp(p + *pi, lit[k].s, lit[k].n) != 0)
				return perr(jp, *pi, "invalid literal");
			*pi += lit[k].n;
			*type = lit[k].type;
			return NGIDX_OK;
		}
	}
	return expected(jp, n, *pi, "expected a value");
}

/* A member's key and colon inside a nested object: p[*pi] should be '"'. */
static int skip_key(jsonl_parser *jp, const char *p, size_t n, size_t *pi)
{
	size_t i = skip_ws(p, n, *pi);
	if (i >= n || p[i] != '"')
		return expected(jp, n, i, "expected a string key");
	FORWARD_IF_ERROR(parse_string(jp, p, n, &i, NULL, NULL, NULL));
	i = skip_ws(p, n, i);
	if (i >= n || p[i] != ':')
		return expected(jp, n, i, "expected ':'");
	*pi = i + 1;
	return NGIDX_OK;
}

/*
 * Validate the object or array opening at p[*pi] and everything inside it,
 * iteratively; *@pi ends past its closing bracket.
 */
static int skip_nested(jsonl_parser *jp, const char *p, size_t n, size_t *pi)
{
	size_t i = *pi, depth = 0;
	for (;;) {
		/* Here a value starts (after whitespace). */
		i = skip_ws(p, n, i);
		if (i >= n)
			return perr(jp, i, "unexpected end of line");
		const char c = p[i];
		if (c == '{' || c == '[') {
			i = skip_ws(p, n, i + 1);
			if (i < n && p[i] == (c == '{' ? '}' : ']')) {
				i++; /* empty: a complete value */
			} else {
				if (NGIDX_RESERVE(jp->stack, jp->stack_cap, depth + 1))
					return NGIDX_ERR_NOMEM;
				jp->stack[depth++] = c == '{' ? IN_OBJECT : IN_ARRAY;
				if (c == '{')
					FORWARD_IF_ERROR(skip_key(jp, p, n, &i));
				continue;
			}
		} else if (c == '"') {
			FORWARD_IF_ERROR(parse_string(jp, p, n, &i, NULL, NULL, NULL));
		} else if (c == '-' || is_digit(c)) {
			FORWARD_IF_ERROR(parse_number(jp, p, n, &i));
		} else {
			int type;
			FORWARD_IF_ERROR(parse_literal(jp, p, n, &i, &type));
		}
		/* A value just ended: close containers or move to the next one. */
		for (;;) {
			if (depth == 0) {
				*pi = i;
				return NGIDX_OK;
			}
			const int obj = jp->stack[depth - 1] == IN_OBJECT;
			i = skip_ws(p, n, i);
			if (i < n && p[i] == ',') {
				i++;
				if (obj)
					FORWARD_IF_ERROR(skip_key(jp, p, n, &i));
				break;
			}
			if (i < n && p[i] == (obj ? '}' : ']')) {
				i++;
				depth--;
				continue;
			}
			return expected(jp, n, i, obj ? "expected ',' or '}'" : "expected ',' or ']'");
		}
	}
}

int jsonl_parse(jsonl_parser *jp, const char *p, size_t n)
{
	jp->nfields = 0;
	jp->nul_off = SIZE_MAX;
	jp->err = NULL;
	jp->err_off = 0;
	if (NGIDX_RESERVE(jp->scratch, jp->scratch_cap, n))
		return NGIDX_ERR_NOMEM;
	char *out = jp->scratch;
	size_t i = skip_ws(p, n, 0);
	if (i >= n || p[i] != '{')
		return expected(jp, n, i, "expected '{'");
	i = skip_ws(p, n, i + 1);
	if (i < n && p[i] == '}') {
		i++;
	} else {
		for (;;) {
			jsonl_field f;
			if (i >= n || p[i] != '"')
				return expected(jp, n, i, "expected a string key");
			FORWARD_IF_ERROR(parse_string(jp, p, n, &i, &out, &f.key, &f.key_len));
			i = skip_ws(p, n, i);
			if (i >= n || p[i] != ':')
				return expected(jp, n, i, "expected ':'");
			i = skip_ws(p, n, i + 1);
			if (i >= n)
				return perr(jp, i, "unexpected end of line");
			f.val_off = i;
			const char c = p[i];
			if (c == '"') {
				f.type = JSONL_STRING;
				FORWARD_IF_ERROR(parse_string(jp, p, n, &i, &out, &f.val, &f.val_len));
			} else {
				if (c == '{' || c == '[') {
					f.type = c == '{' ? JSONL_OBJECT : JSONL_ARRAY;
					FORWARD_IF_ERROR(skip_nested(jp, p, n, &i));
				} else if (c == '-' || is_digit(c)) {
					f.type = JSONL_NUMBER;
					FORWARD_IF_ERROR(parse_number(jp, p, n, &i));
				} else {
					FORWARD_IF_ERROR(parse_literal(jp, p, n, &i, &f.type));
				}
				f.val = p + f.val_off;
				f.val_len = i - f.val_off;
			}
			f.shadowed = 0;
			if (NGIDX_RESERVE(jp->fields, jp->fields_cap, jp->nfields + 1))
				return NGIDX_ERR_NOMEM;
			jp->fields[jp->nfields++] = f;
			i = skip_ws(p, n, i);
			if (i < n && p[i] == ',') {
				i = skip_ws(p, n, i + 1);
				continue;
			}
			if (i < n && p[i] == '}') {
				i++;
				break;
			}
			return expected(jp, n, i, "expected ',' or '}'");
		}
	}
	i = skip_ws(p, n, i);
	if (i < n)
		return perr(jp, i, "unexpected data after the object");
	return NGIDX_OK;
}

static int same_key(const jsonl_field *a, const jsonl_field *b)
{
	return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

int jsonl_dedupe(jsonl_parser *jp)
{
	const size_t nf = jp->nfields;
	jsonl_field *f = jp->fields;
	if (nf <= DEDUPE_PAIRWISE_MAX) {
		for (size_t a = 0; a + 1 < nf; a++)
			for (size_t b = a + 1; b < nf; b++)
				if (same_key(&f[a], &f[b])) {
					f[a].shadowed = 1;
					break;
				}
		return NGIDX_OK;
	}
	/* Open addressing, load <= 1/2; slots hold field index + 1. */
	size_t nslots = 64;
	while (nslots < 2 * nf)
		nslots *= 2;
	if (NGIDX_RESERVE(jp->slots, jp->slots_cap, nslots))
		return NGIDX_ERR_NOMEM;
	memset(jp->slots, 0, nslots * sizeof *jp->slots);
	for (size_t k = nf; k-- > 0;) {
		size_t h = (size_t)ngidx_hash64(f[k].key, f[k].key_len) & (nslots - 1);
		for (;;) {
			const size_t s = jp->slots[h];
			if (s == 0) {
				jp->slots[h] = k + 1;
				break;
			}
			if (same_key(&f[s - 1], &f[k])) {
				f[k].shadowed = 1;
				break;
			}
			h = (h + 1) & (nslots - 1);
		}
	}
	return NGIDX_OK;
}
