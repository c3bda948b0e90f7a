/*
 * text_test.c - tests of the default analyzer (src/text/analyze.h):
 * normalization, tokens, invalid UTF-8, source ranges, sentences, the
 * UTF-8 validator, limits and allocation failures.
 *
 * Expected answers come from three places:
 *   - tables in this file, written by hand from the specification;
 *   - tests/data/analyzer/vectors.tsv, known-answer vectors written by an
 *     independent Python reference (tests/gen_analyzer_vectors.py, using
 *     unicodedata) from real messy text (nlp-corpus, seeds, Brown) and
 *     synthetic Unicode cases; regenerate with
 *     `python3 tests/gen_analyzer_vectors.py` from the repository root;
 *   - invariants checked on random byte strings and random code point
 *     strings (seed printed on stderr; NGIDX_SEED=<seed> replays it,
 *     NGIDX_TEST_SECONDS sets the duration, default 1 s).
 * The exhaustive comparison with Python over every code point (alone, after
 * a letter, and followed by combining marks and jamo) runs only on demand:
 *   python3 tests/gen_analyzer_vectors.py --exhaustive /tmp/ex.tsv
 *   NGIDX_ANALYZER_EXHAUSTIVE=/tmp/ex.tsv build/tests/text_test --filter 'text/exhaustive'
 *
 * Tests run from the repository root (vectors.tsv is found relative to it).
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "ngidx/ngidx.h"
#include "text/analyze.h"

#define TEST_NAME "text"
#include "test_util.h"

#define VECTORS "tests/data/analyzer/vectors.tsv"
#define REGEN "regenerate with: python3 tests/gen_analyzer_vectors.py (from the repository root)"

/* ---- helpers ---------------------------------------------------------------- */

/* Tokens of @t joined by single spaces, in a static buffer. */
static const char *joined(const ngidx_tokens *t)
{
	static char buf[1 << 16];
	size_t o = 0;
	for (size_t i = 0; i < t->ntok; i++) {
		size_t len;
		const char *s = ngidx_tok(t, i, &len);
		if (o + len + 2 >= sizeof buf)
			break;
		if (i)
			buf[o++] = ' ';
		memcpy(buf + o, s, len);
		o += len;
	}
	buf[o] = 0;
	return buf;
}

/* Analyze the NUL-terminated @text and return the joined tokens. */
static const char *toks(ngidx_tokens *t, const char *text, unsigned flags)
{
	int rc = ngidx_analyze(t, text, strlen(text), flags);
	cr_assert_eq(rc, NGIDX_OK, "analyze failed: %d", rc);
	return joined(t);
}

/*
 * ngidx_analyze and ngidx_utf8_check on an exact-size heap copy of @p, so
 * that AddressSanitizer catches any read past the end.
 */
static int analyze_exact(ngidx_tokens *t, const char *p, size_t n, unsigned flags)
{
	char *q = malloc(n ? n : 1);
	memcpy(q, p, n);
	const int rc = ngidx_analyze(t, q, n, flags);
	free(q);
	return rc;
}

static size_t check_exact(const char *p, size_t n)
{
	char *q = malloc(n ? n : 1);
	memcpy(q, p, n);
	const size_t r = ngidx_utf8_check(q, n);
	free(q);
	return r;
}

/*
 * The analyzer's output depends on utf8proc's Unicode tables, and analyze.c
 * hard-codes the composing starters of Unicode 14 and 15. A new utf8proc
 * must be checked against Python again (see the top of this file) and the
 * analyzer id bumped if anything changed.
 */
Test(text, unicode_version)
{
	cr_assert_str_eq(utf8proc_unicode_version(), "15.0.0",
	                 "utf8proc now has Unicode %s: rerun the exhaustive comparison, check comp_second_starter() "
	                 "in src/text/analyze.c, bump NGIDX_ANALYZER_ID if the output changed, then update this test",
	                 utf8proc_unicode_version());
}

/* ---- tokens: table of cases --------------------------------------------------- */

typedef struct {
	const char *in;
	const char *want;
} tcase;

static const tcase token_cases[] = {
	{ "", "" },
	{ "   \t\n", "" },
	{ "Hello, World!", "hello world" },
	/* hyphens, apostrophes, quotes */
	{ "Kim Jong-un's", "kim jong un s" },
	{ "U.S.", "u s" },
	{ "well\u2010known a\u2013b a\u2014b", "well known a b a b" },
	{ "don't don\u2019t \u2018q\u2019", "don t don t q" },
	{ "\u201cHi,\u201d \u00abs\u00bb \u201eG\u201c", "hi s g" },
	{ "snake_case", "snake case" },
	/* accents precomposed and combining */
	{ "Caf\u00e9 R\u00c9SUM\u00c9", "caf\u00e9 r\u00e9sum\u00e9" },
	{ "Cafe\u0301", "caf\u00e9" },
	{ "e\u0301", "\u00e9" },
	{ "a\u0327\u0301", "\u00e1\u0327" },           /* reordered, then a+acute composes */
	{ "a\u0301\u0327", "\u00e1\u0327" },
	{ "\u0301x", "\u0301x" },                      /* a mark alone still joins */
	{ "x \u0301", "x \u0301" },
	{ "n\u0303o", "\u00f1o" },
	/* case folding */
	{ "Stra\u00dfe \u1e9e", "strasse ss" },
	{ "\u0130stanbul", "i\u0307stanbul" },
	{ "\u0131", "\u0131" },
	{ "\u03a3\u039f\u03a6\u039f\u03a3 \u03c3\u03bf\u03c6\u03bf\u03c2", "\u03c3\u03bf\u03c6\u03bf\u03c3 \u03c3\u03bf\u03c6\u03bf\u03c3" },
	{ "\u1f80", "\u1f00\u03b9" },
	{ "\u0390", "\u03b9\u0308\u0301" },            /* folded, not recomposed */
	{ "\u212a\u212b", "k\u00e5" },                 /* Kelvin, Angstrom */
	{ "\u01c5 \u01c4", "d\u017e d\u017e" },             /* compatibility digraphs */
	{ "\u13a0", "\u13a0" },                        /* Cherokee folds to upper */
	{ "\uab70", "\u13a0" },
	/* compatibility forms */
	{ "\ufb01nance", "finance" },
	{ "\uff26\uff55\uff4c\uff4c", "full" },
	{ "E=mc\u00b2", "e mc2" },
	{ "H\u2082O", "h2o" },
	{ "\u2460 \u2461\u2462", "1 23" },
	{ "\u216b", "xii" },
	{ "\u00bd", "1 2" },                           /* 1 FRACTION SLASH 2 */
	{ "\u2122", "tm" },
	{ "\u337b", "\u5e73\u6210" },
	{ "\uff76\uff9e", "\u30ac" },                  /* halfwidth ka + voiced mark */
	{ "\ufdfa", "\u0635\u0644\u0649 \u0627\u0644\u0644\u0647 \u0639\u0644\u064a\u0647 \u0648\u0633\u0644\u0645" },
	/* CJK, Hangul, other scripts */
	{ "\u5317\u4eac\u3002\u4f60\u597d", "\u5317\u4eac \u4f60\u597d" },
	{ "\u1112\u1161\u11ab", "\ud55c" },
	{ "\uac00\u11a7", "\uac00\u11a7" },            /* utf8proc 2.8 drops U+11A7 */
	{ "\u0663\u0664 \u0969 \uff15", "\u0663\u0664 \u0969 5" },
	{ "\u0b47\u0b3e", "\u0b4b" },
	/* emoji and symbols separate */
	{ "I\u2764NY", "i ny" },
	{ "I \u2764\ufe0f NY", "i \ufe0f ny" },            /* VS16 is Mn: a token (spec) */
	{ "a\U0001f600b", "a b" },
	{ "\U0001f468\u200d\U0001f469", "" },
	{ "100% $5 #tag @me a+b", "100 5 tag me a b" },
	/* spaces and invisible characters */
	{ "a\u00a0b\u2003c\u3000d\u202fe", "a b c d e" },
	{ "ab\u200bcd", "ab cd" },                     /* ZWSP is Cf */
	{ "e\u200dh", "e h" },                         /* ZWJ is Cf */
	{ "soft\u00adhyphen", "soft hyphen" },
	{ "\ufeffbom", "bom" },
	/* control characters and NUL */
	{ "a\x01" "b\x7f" "c", "a b c" },
};

Test(text, token_table)
{
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	for (size_t i = 0; i < sizeof token_cases / sizeof *token_cases; i++) {
		const tcase *c = &token_cases[i];
		const char *got = toks(&t, c->in, 0);
		cr_expect_str_eq(got, c->want, "case %zu: \"%s\": got \"%s\", want \"%s\"", i, c->in, got, c->want);
		got = toks(&t, c->in, NGIDX_AN_SOURCE | NGIDX_AN_SENTENCES);
		cr_expect_str_eq(got, c->want, "case %zu with flags: \"%s\": got \"%s\"", i, c->in, got);
	}
	ngidx_tokens_release(&t);
}

Test(text, nul_bytes_separate)
{
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	cr_assert_eq(ngidx_analyze(&t, "ab\0cd", 5, 0), NGIDX_OK);
	cr_assert_str_eq(joined(&t), "ab cd");
	cr_assert_eq(t.ninvalid, 0);
	ngidx_tokens_release(&t);
}

Test(text, offsets_are_consistent)
{
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	toks(&t, "one two  three", 0);
	cr_assert_eq(t.ntok, 3);
	cr_assert_eq(t.off[0], 0);
	cr_assert_eq(t.off[1], 3);
	cr_assert_eq(t.off[2], 6);
	cr_assert_eq(t.off[3], 11);
	cr_assert_eq(memcmp(t.bytes, "onetwothree", 11), 0);
	toks(&t, "", 0);
	cr_assert_eq(t.ntok, 0);
	cr_assert_eq(t.nsent, 0);
	ngidx_tokens_release(&t);
	ngidx_tokens_release(&t); /* twice is fine */
	ngidx_tokens_release(NULL);
}

/* ---- invalid UTF-8 ------------------------------------------------------------ */

typedef struct {
	const char *bytes;
	size_t len;
	size_t nsub; /* maximal invalid subparts */
} badseq;

#define B(s, n) { s, sizeof s - 1, n }
static const badseq bad_seqs[] = {
	B("\x80", 1), B("\xbf", 1), B("\xc0\x80", 2), B("\xc1\xbf", 2),
	B("\xc2", 1), B("\xdf", 1), B("\xe0\x80\x80", 3), B("\xe0\x9f\xbf", 3),
	B("\xe0\xa0", 1), B("\xe1\x80", 1), B("\xed\xa0\x80", 3), B("\xed\xbf\xbf", 3),
	B("\xef\xbf", 1), B("\xf0\x80\x80\x80", 4), B("\xf0\x8f\xbf\xbf", 4), B("\xf0\x90", 1),
	B("\xf0\x90\x80", 1), B("\xf4\x8f\xbf", 1), B("\xf4\x90\x80\x80", 4), B("\xf5\x80\x80\x80", 4),
	B("\xf8\x88\x80\x80\x80", 5), B("\xfe", 1), B("\xff", 1), B("\xc3\xc3", 2),
	B("\xe2\x82\xe2\x82", 2), B("\xf0\x9f\x98\xf0\x9f\x98", 2),
};
#undef B

/* Valid multi-byte sequences of every length. */
static const char *const good_seqs[] = { "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
	                                 "\xe4\xb8\xad", "\xc2\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80" };

/*
 * Every invalid sequence at every offset 0..24 in ASCII text: the 8-byte
 * steps of the fast paths see it at each position of a word and straddling
 * two words, with each of 1 to 4 bytes before and after a word edge.
 */
Test(text, invalid_at_every_offset)
{
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	char buf[64];
	for (size_t k = 0; k < sizeof bad_seqs / sizeof *bad_seqs; k++) {
		const badseq *b = &bad_seqs[k];
		for (size_t off = 0; off <= 24; off++) {
			memset(buf, 'x', off);
			memcpy(buf + off, b->bytes, b->len);
			memset(buf + off + b->len, 'y', 9);
			const size_t n = off + b->len + 9;
			cr_assert_eq(check_exact(buf, n), off, "seq %zu at %zu", k, off);
			cr_assert_eq(check_exact(buf, off + b->len), off);
			cr_assert_eq(analyze_exact(&t, buf, n, NGIDX_AN_SOURCE | NGIDX_AN_SENTENCES), NGIDX_OK);
			cr_assert_eq(t.ninvalid, b->nsub, "seq %zu at %zu: %zu subparts", k, off, t.ninvalid);
			cr_assert_eq(t.first_invalid, off, "seq %zu at %zu", k, off);
			cr_assert_eq(t.ntok, off ? 2u : 1u, "seq %zu at %zu: %s", k, off, joined(&t));
			if (off) {
				cr_assert_eq(t.src[0], 0);
				cr_assert_eq(t.src[1], off);
			}
			cr_assert_eq(t.src[2 * (t.ntok - 1)], off + b->len);
			cr_assert_eq(t.src[2 * (t.ntok - 1) + 1], n);
			/* At the very end of the text. */
			cr_assert_eq(analyze_exact(&t, buf, off + b->len, 0), NGIDX_OK);
			cr_assert_eq(t.ninvalid, b->nsub);
			cr_assert_eq(t.ntok, off ? 1u : 0u);
		}
	}
	ngidx_tokens_release(&t);
}

Test(text, valid_multibyte_at_every_offset)
{
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	char buf[64];
	for (size_t k = 0; k < sizeof good_seqs / sizeof *good_seqs; k++) {
		const size_t len = strlen(good_seqs[k]);
		for (size_t off = 0; off <= 24; off++) {
			memset(buf, ' ', off);
			memcpy(buf + off, good_seqs[k], len);
			memset(buf + off + len, ' ', 9);
			const size_t n = off + len + 9;
			cr_assert_eq(check_exact(buf, n), n);
			cr_assert_eq(check_exact(buf, off + len), off + len);
			/* A truncated copy is invalid exactly at off. */
			for (size_t cut = 1; cut < len; cut++)
				cr_assert_eq(check_exact(buf, off + cut), off);
			cr_assert_eq(analyze_exact(&t, buf, n, NGIDX_AN_SOURCE), NGIDX_OK);
			cr_assert_eq(t.ninvalid, 0);
			cr_assert_eq(t.first_invalid, n);
		}
	}
	ngidx_tokens_release(&t);
}

Test(text, utf8_check_basic)
{
	cr_assert_eq(ngidx_utf8_check("", 0), 0);
	cr_assert_eq(ngidx_utf8_check("abc", 3), 3);
	const char *s = "0123456789abcdef\xc3\xa9xyz0123456789\xe2\x82";
	cr_assert_eq(ngidx_utf8_check(s, strlen(s)), strlen(s) - 2);
	const char *u = "na\xc3\xafve caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80";
	cr_assert_eq(ngidx_utf8_check(u, strlen(u)), strlen(u));
}

Test(text, invalid_splits_tokens_like_fffd)
{
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	const char s[] = "caf\xc3\xa9\xff\xc3\xa9 e\xff\xcc\x81";
	cr_assert_eq(ngidx_analyze(&t, s, sizeof s - 1, 0), NGIDX_OK);
	cr_assert_str_eq(joined(&t), "caf\xc3\xa9 \xc3\xa9 e \xcc\x81");
	cr_assert_eq(t.ninvalid, 2);
	cr_assert_eq(t.first_invalid, 5);
	ngidx_tokens_release(&t);
}

/* ---- source ranges ------------------------------------------------------------ */

typedef struct {
	const char *in;
	size_t ntok;
	uint64_t src[8];
} scase;

static const scase source_cases[] = {
	{ "Hello, world", 2, { 0, 5, 7, 12 } },
	{ "  caf\xc3\xa9 x", 2, { 2, 7, 8, 9 } },
	{ "cafe\xcc\x81 x", 2, { 0, 6, 7, 8 } },               /* combining accent */
	{ "don\xe2\x80\x99t", 2, { 0, 3, 6, 7 } },              /* curly apostrophe */
	{ "\xef\xac\x81nance", 1, { 0, 8 } },                   /* fi ligature */
	{ "x \xc2\xbd y", 4, { 0, 1, 2, 4, 2, 4, 5, 6 } },      /* 1/2 -> "1" "2" */
	{ "\xe2\x91\xa0\xe2\x91\xa1 z", 2, { 0, 6, 7, 8 } },    /* circled digits */
	{ "\xe4\xb8\xad\xe3\x80\x82\xe6\x96\x87", 2, { 0, 3, 6, 9 } },
	/* halfwidth ka + voiced mark: cluster-wise normalization differs, so
	 * the token gets the whole segment (here " " + the two characters). */
	{ "a \xef\xbd\xb6\xef\xbe\x9e b", 3, { 0, 1, 1, 8, 9, 10 } },
	/* Hangul jamo L V T compose across clusters: same. */
	{ "\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab!", 1, { 0, 9 } },
};

Test(text, source_ranges)
{
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	for (size_t i = 0; i < sizeof source_cases / sizeof *source_cases; i++) {
		const scase *c = &source_cases[i];
		cr_assert_eq(ngidx_analyze(&t, c->in, strlen(c->in), NGIDX_AN_SOURCE), NGIDX_OK);
		cr_assert_eq(t.ntok, c->ntok, "case %zu: %zu tokens (%s)", i, t.ntok, joined(&t));
		for (size_t k = 0; k < 2 * c->ntok; k++)
			cr_expect_eq(t.src[k], c->src[k], "case %zu: src[%zu] = %" PRIu64 ", want %" PRIu64, i, k,
			             t.src[k], c->src[k]);
	}
	ngidx_tokens_release(&t);
}

/* ---- sentences ------------------------------------------------------------------ */

typedef struct {
	const char *in;
	const char *want; /* tokens, sentences separated by " | " */
} sentcase;

static const sentcase sentence_cases[] = {
	{ "Mr. Smith went to Washington. He arrived.", "mr smith went to washington | he arrived" },
	{ "U.S. officials said so. The talks ended.", "u s officials said so | the talks ended" },
	{ "J. R. R. Tolkien wrote it. He was English.", "j r r tolkien wrote it | he was english" },
	{ "\"Stop!\" he said. \"Why?\" She asked.", "stop he said | why | she asked" },
	{ "\xe2\x80\x9cStop!\xe2\x80\x9d he said. \xe2\x80\x9cNow.\xe2\x80\x9d Then.", "stop he said | now | then" },
	{ "He paused\xe2\x80\xa6 Then he spoke. And then... nothing.", "he paused | then he spoke | and then nothing" },
	{ "Wait\xe2\x80\xa6 and then.", "wait and then" },
	{ "Title\n\nBody text\n \t\r\nMore", "title | body text | more" },
	{ "line one\nline two\r\n\r\nthree", "line one line two | three" },
	{ "Is it? Yes! Sure?? 42 is. (Really.) Ok.", "is it | yes | sure | 42 is | really | ok" },
	{ "Dr. No met Gen. Lee on Jan. 5. Call me.", "dr no met gen lee on jan 5 | call me" },
	{ "e.g. Apples. i.e. Pears. vs. Them. etc. And.", "e g apples i e pears vs them etc and" },
	{ "ST. LOUIS and MR. X came. Then.", "st louis and mr x came | then" },
	/* an abbreviation that ends a sentence does not end it (documented) */
	{ "He moved to the U.S. Then he left.", "he moved to the u s then he left" },
	{ "no space.Next one. lower case. Upper", "no space next one lower case | upper" },
	{ "\xe4\xbd\xa0\xe5\xa5\xbd\xe3\x80\x82\xe6\x88\x91\xef\xbc\x81\xe4\xbd\xa0\xef\xbc\x9f\xe3\x80\x8c\xe5\xa5\xbd\xe3\x80\x82\xe3\x80\x8d\xe5\x86\x8d",
	  "\xe4\xbd\xa0\xe5\xa5\xbd | \xe6\x88\x91 | \xe4\xbd\xa0 | \xe5\xa5\xbd | \xe5\x86\x8d" },
	{ "One.\xc2\xa0Two.\xe3\x80\x80Three.", "one | two | three" },
	{ "\n\n... Hello. World", "hello | world" },
	{ "... !!!", "" },
	{ "End.", "end" },
	{ "A. B. C.", "a b c" },
};

/* Tokens of @t with " | " before each sentence start but the first. */
static const char *with_sentences(const ngidx_tokens *t)
{
	static char buf[4096];
	size_t o = 0, s = 1;
	for (size_t i = 0; i < t->ntok; i++) {
		size_t len;
		const char *p = ngidx_tok(t, i, &len);
		if (s < t->nsent && t->sent[s] == i) {
			memcpy(buf + o, " |", 2);
			o += 2;
			s++;
		}
		if (i)
			buf[o++] = ' ';
		memcpy(buf + o, p, len);
		o += len;
	}
	buf[o] = 0;
	return buf;
}

Test(text, sentences)
{
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	for (size_t i = 0; i < sizeof sentence_cases / sizeof *sentence_cases; i++) {
		const sentcase *c = &sentence_cases[i];
		for (unsigned f = 0; f < 2; f++) {
			const unsigned flags = NGIDX_AN_SENTENCES | (f ? NGIDX_AN_SOURCE : 0);
			cr_assert_eq(ngidx_analyze(&t, c->in, strlen(c->in), flags), NGIDX_OK);
			cr_expect_str_eq(with_sentences(&t), c->want, "case %zu: \"%s\": got \"%s\"", i, c->in,
			                 with_sentences(&t));
			if (t.ntok) {
				cr_assert_eq(t.sent[0], 0);
				for (size_t k = 1; k < t.nsent; k++)
					cr_assert(t.sent[k] > t.sent[k - 1] && t.sent[k] < t.ntok);
			} else {
				cr_assert_eq(t.nsent, 0);
			}
		}
	}
	ngidx_tokens_release(&t);
}

/* Each known abbreviation, in any case, keeps its sentence going; a word
 * that merely starts like one does not. */
Test(text, every_abbreviation)
{
	static const char *const words[] = {
		"Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Lt", "Col", "Maj", "Capt", "Sgt", "Adm",
		"Gov", "Sen", "Rep", "Pres", "St", "Jr", "Sr", "Inc", "Ltd", "Co", "Corp", "vs",
		"etc", "No", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct",
		"Nov", "Dec", "Mt", "Ft", "U.S", "U.K", "U.N", "e.g", "i.e",
	};
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	char buf[64];
	for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
		snprintf(buf, sizeof buf, "See %s. Next", words[i]);
		toks(&t, buf, NGIDX_AN_SENTENCES);
		cr_expect_eq(t.nsent, 1, "\"%s\" ended a sentence", buf);
		for (char *p = buf; *p; p++) /* all capitals */
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		toks(&t, buf, NGIDX_AN_SENTENCES);
		cr_expect_eq(t.nsent, 1, "\"%s\" ended a sentence", buf);
		snprintf(buf, sizeof buf, "See X%s. Next", words[i]);
		toks(&t, buf, NGIDX_AN_SENTENCES);
		cr_expect_eq(t.nsent, 2, "\"%s\" did not end a sentence", buf);
	}
	ngidx_tokens_release(&t);
}

/*
 * Each kind of sentence end at every offset 0..40, so that the scanner's
 * 16-byte steps meet each byte of a multi-byte trigger on both sides of a
 * step edge; a truncated trigger is invalid and ends nothing.
 */
Test(text, sentence_triggers_at_every_offset)
{
	static const char *const ends[] = { ".", "!", "?", "\xe2\x80\xa6", "\xe3\x80\x82", "\xef\xbc\x81",
		                            "\xef\xbc\x9f", "\n\n", "\n \r\n", "\xe2\x80\xa9", ".\xe2\x80\x9d" };
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	char buf[128];
	for (size_t e = 0; e < sizeof ends / sizeof *ends; e++) {
		for (size_t pad = 0; pad <= 40; pad++) {
			memset(buf, 'x', pad);
			const int n = snprintf(buf + pad, sizeof buf - pad, " end%s Next", ends[e]);
			cr_assert_eq(analyze_exact(&t, buf, pad + (size_t)n, NGIDX_AN_SENTENCES), NGIDX_OK);
			cr_assert_eq(t.nsent, 2, "end %zu at %zu: %s", e, pad, with_sentences(&t));
			cr_assert_eq(t.sent[1], pad ? 2u : 1u);
		}
	}
	/* Truncated ellipsis and ideographic full stop: invalid, no sentence end. */
	static const char *const cut[] = { "\xe2\x80", "\xe3\x80", "\xef\xbc" };
	for (size_t e = 0; e < sizeof cut / sizeof *cut; e++) {
		for (size_t pad = 0; pad <= 40; pad++) {
			memset(buf, 'x', pad);
			const int n = snprintf(buf + pad, sizeof buf - pad, " end%s Next", cut[e]);
			cr_assert_eq(analyze_exact(&t, buf, pad + (size_t)n, NGIDX_AN_SENTENCES), NGIDX_OK);
			cr_assert_eq(t.nsent, 1, "cut %zu at %zu", e, pad);
			cr_assert_eq(t.ninvalid, 1);
		}
	}
	ngidx_tokens_release(&t);
}

Test(text, no_sentences_without_flag)
{
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	toks(&t, "One. Two. Three.", 0);
	cr_assert_eq(t.nsent, 0);
	toks(&t, "One. Two. Three.", NGIDX_AN_SENTENCES);
	cr_assert_eq(t.nsent, 3);
	ngidx_tokens_release(&t);
}

/* ---- known-answer vectors ---------------------------------------------------------- */

/* Undo the escapes of gen_analyzer_vectors.py; returns the length. */
static size_t unescape(const char *s, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 == n) {
			out[o++] = s[i];
			continue;
		}
		const char c = s[++i];
		if (c == 't') {
			out[o++] = '\t';
		} else if (c == 'n') {
			out[o++] = '\n';
		} else if (c == 'r') {
			out[o++] = '\r';
		} else if (c == 'x') {
			char h[3] = { s[i + 1], s[i + 2], 0 };
			out[o++] = (char)strtoul(h, NULL, 16);
			i += 2;
		} else if (c == 'u') { /* \u{HEX} */
			char *end;
			const long cp = strtol(s + i + 2, &end, 16);
			o += (size_t)utf8proc_encode_char((utf8proc_int32_t)cp, (utf8proc_uint8_t *)out + o);
			i = (size_t)(end - s);
		} else {
			out[o++] = c;
		}
	}
	return o;
}

/* Split @line at tabs into at most @max fields. */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;
	f[n++] = line;
	for (char *p = line; *p && n < max; p++) {
		if (*p == '\t') {
			*p = 0;
			f[n++] = p + 1;
		}
	}
	return n;
}

/*
 * Compare the analyzer with the vectors file @path. Returns the number of
 * failing cases; prints the first few.
 */
static size_t check_vectors(const char *path, size_t *ncases)
{
	FILE *fp = fopen(path, "r");
	cr_assert(fp, "cannot open %s (run the tests from the repository root; %s)", path, REGEN);
	ngidx_tokens t, t0;
	ngidx_tokens_init(&t);
	ngidx_tokens_init(&t0);
	size_t cap = 1 << 16;
	char *line = malloc(cap), *in = malloc(cap), *want = malloc(cap), *got = malloc(cap);
	size_t lineno = 0, bad = 0;
	*ncases = 0;
	while (fgets(line, (int)cap, fp)) {
		lineno++;
		size_t ll = strlen(line);
		if (ll && line[ll - 1] == '\n')
			line[--ll] = 0;
		if (line[0] == '#' || ll == 0)
			continue;
		char *f[6];
		const size_t nf = split_tabs(line, f, 6);
		cr_assert_eq(nf, 6, "%s:%zu: malformed line (%s)", path, lineno, REGEN);
		++*ncases;
		const size_t n = unescape(f[0], strlen(f[0]), in);
		const size_t wn = unescape(f[1], strlen(f[1]), want);
		want[wn] = 0;
		/* An exact-size heap copy, so that AddressSanitizer sees any read
		 * past the end. */
		char *exact = malloc(n ? n : 1);
		memcpy(exact, in, n);
		cr_assert_eq(ngidx_analyze(&t, exact, n, NGIDX_AN_SOURCE | NGIDX_AN_SENTENCES), NGIDX_OK);
		cr_assert_eq(ngidx_analyze(&t0, exact, n, 0), NGIDX_OK);
		free(exact);
		snprintf(got, cap, "%s", joined(&t));
		int ok = strcmp(got, want) == 0 && strcmp(joined(&t0), want) == 0;
		ok = ok && t.ninvalid == strtoull(f[2], NULL, 10) && t.first_invalid == strtoull(f[3], NULL, 10);
		if (ok && strcmp(f[4], "-") != 0) {
			/* sentence starts */
			char *p = f[4];
			size_t k = 0;
			while (ok && *p) {
				const unsigned long v = strtoul(p, &p, 10);
				ok = k < t.nsent && t.sent[k] == v;
				k++;
				if (*p == ',')
					p++;
			}
			ok = ok && k == t.nsent;
		}
		if (ok && strcmp(f[5], "-") != 0) {
			char *p = f[5];
			size_t k = 0;
			while (ok && *p) {
				const unsigned long long a = strtoull(p, &p, 10);
				const unsigned long long b = strtoull(p + 1, &p, 10);
				ok = k < t.ntok && t.src[2 * k] == a && t.src[2 * k + 1] == b;
				k++;
				if (*p == ',')
					p++;
			}
			ok = ok && k == t.ntok;
		}
		if (!ok && ++bad <= 10) {
			fprintf(stderr, "%s:%zu: mismatch\n  input: %s\n  want:  %s | invalid %s at %s | sent %s | src %s\n"
			                "  got:   %s | invalid %zu at %" PRIu64 " | sent",
			        path, lineno, f[0], f[1], f[2], f[3], f[4], f[5], got, t.ninvalid, t.first_invalid);
			for (size_t k = 0; k < t.nsent; k++)
				fprintf(stderr, "%s%" PRIu32, k ? "," : " ", t.sent[k]);
			fprintf(stderr, " | src");
			for (size_t k = 0; k < t.ntok && k < 40; k++)
				fprintf(stderr, "%s%" PRIu64 "-%" PRIu64, k ? "," : " ", t.src[2 * k], t.src[2 * k + 1]);
			fprintf(stderr, "\n");
		}
	}
	fclose(fp);
	free(line);
	free(in);
	free(want);
	free(got);
	ngidx_tokens_release(&t);
	ngidx_tokens_release(&t0);
	return bad;
}

Test(text, known_answer_vectors)
{
	size_t n;
	const size_t bad = check_vectors(VECTORS, &n);
	cr_assert(n >= 500, "%s holds only %zu cases (%s)", VECTORS, n, REGEN);
	cr_assert_eq(bad, 0, "%zu of %zu vectors differ; if the analyzer changed on purpose, bump "
	                     "NGIDX_ANALYZER_ID and %s",
	             bad, n, REGEN);
}

Test(text, exhaustive, .timeout = 3600)
{
	const char *path = getenv("NGIDX_ANALYZER_EXHAUSTIVE");
	if (!path)
		cr_skip_test("set NGIDX_ANALYZER_EXHAUSTIVE to a file made by "
		             "tests/gen_analyzer_vectors.py --exhaustive FILE");
	size_t n;
	const size_t bad = check_vectors(path, &n);
	cr_assert_eq(bad, 0, "%zu of %zu exhaustive cases differ", bad, n);
}

/* ---- randomized invariants ----------------------------------------------------------- */

static double test_seconds(void)
{
	const char *env = getenv("NGIDX_TEST_SECONDS");
	return env ? strtod(env, NULL) : 1.0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Code points that stress normalization: marks, jamo, compatibility forms. */
static const int32_t interesting[] = {
	'a', 'Z', '0', ' ', '.', '-', '\'', '\n', 'e', 'I', 0xE9, 0xDF, 0x130, 0x131, 0x17F, 0x212A, 0x212B,
	0x1C5, 0x301, 0x308, 0x327, 0x323, 0x338, 0x345, 0x307, 0x31B, 0x5B7, 0xF72, 0xF73, 0x344, 0x340,
	0x3099, 0x309A, 0x20DD, 0x3A3, 0x3C2, 0x390, 0x3D3, 0x1F80, 0x1100, 0x1161, 0x11A8, 0x11A7, 0xAC00,
	0xAC01, 0x3131, 0xFB01, 0xBD, 0xB2, 0x2460, 0x216B, 0x337B, 0xFF76, 0xFF9E, 0xFF26, 0x2026, 0x2122,
	0xFDFA, 0xB47, 0xB3E, 0x915, 0x93C, 0xA0, 0x2009, 0x3000, 0x200D, 0x200B, 0xAD, 0x4E2D, 0x3002,
	0x30AB, 0x1F600, 0x1F44D, 0x1F3FB, 0xFE0F, 0x663, 0x969, 0x2019, 0x201C, 0xFFFD, 0x10FFFF, 0xE000,
};

/* A random string: raw bytes, random code points, or interesting ones. */
static size_t random_text(rng *r, char *buf, size_t cap)
{
	const uint32_t kind = rng_below(r, 3);
	const size_t n = rng_below(r, 64);
	size_t o = 0;
	for (size_t i = 0; i < n && o + 4 < cap; i++) {
		if (kind == 0) {
			buf[o++] = (char)rng_below(r, 256);
		} else {
			int32_t c;
			const uint32_t k = rng_below(r, 10);
			if (kind == 2 || k < 5)
				c = interesting[rng_below(r, sizeof interesting / sizeof *interesting)];
			else if (k < 8)
				c = (int32_t)rng_below(r, 0x3400);
			else
				c = (int32_t)rng_below(r, 0x110000);
			if (c >= 0xD800 && c <= 0xDFFF)
				c = 'x';
			if (rng_below(r, 50) == 0) { /* an occasional invalid byte */
				buf[o++] = (char)(0x80 + rng_below(r, 0x80));
				continue;
			}
			o += (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)buf + o);
		}
	}
	return o;
}

/* Check the invariants of one analysis of @in[0, @n). */
static void check_invariants(ngidx_tokens *t, ngidx_tokens *t2, const char *text, size_t n, uint64_t seed,
                             size_t iter)
{
	/* An exact-size heap copy, so that AddressSanitizer sees any read past
	 * the end. */
	char *in = malloc(n ? n : 1);
	memcpy(in, text, n);
	cr_assert_eq(ngidx_analyze(t, in, n, NGIDX_AN_SOURCE | NGIDX_AN_SENTENCES), NGIDX_OK);
	CHECK((t->ninvalid == 0) == (ngidx_utf8_check(in, n) == n), "seed %" PRIu64 " iter %zu: ninvalid", seed, iter);
	if (t->ninvalid)
		CHECK(t->first_invalid == ngidx_utf8_check(in, n), "seed %" PRIu64 " iter %zu: first_invalid", seed, iter);
	const size_t total = t->off[t->ntok];
	CHECK(ngidx_utf8_check(t->bytes, total) == total, "seed %" PRIu64 " iter %zu: invalid output", seed, iter);
	uint64_t prev = 0;
	for (size_t i = 0; i < t->ntok; i++) {
		size_t len;
		const char *p = ngidx_tok(t, i, &len);
		CHECK(len > 0, "seed %" PRIu64 " iter %zu: empty token", seed, iter);
		for (size_t k = 0; k < len;) {
			utf8proc_int32_t c;
			const utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)p + k, (utf8proc_ssize_t)(len - k), &c);
			CHECK(r > 0, "seed %" PRIu64 " iter %zu: token not UTF-8", seed, iter);
			const utf8proc_category_t cat = utf8proc_category(c);
			CHECK(cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO,
			      "seed %" PRIu64 " iter %zu: U+%04X (category %s) in a token", seed, iter, (unsigned)c,
			      utf8proc_category_string(c));
			k += (size_t)r;
		}
		CHECK(t->src[2 * i] < t->src[2 * i + 1] && t->src[2 * i + 1] <= n && t->src[2 * i] >= prev,
		      "seed %" PRIu64 " iter %zu: source range of token %zu", seed, iter, i);
		prev = t->src[2 * i];
	}
	if (t->ntok) {
		CHECK(t->nsent >= 1 && t->sent[0] == 0, "seed %" PRIu64 " iter %zu: sent[0]", seed, iter);
		for (size_t k = 1; k < t->nsent; k++)
			CHECK(t->sent[k] > t->sent[k - 1] && t->sent[k] < t->ntok, "seed %" PRIu64 " iter %zu: sent", seed, iter);
	} else {
		CHECK(t->nsent == 0, "seed %" PRIu64 " iter %zu: nsent", seed, iter);
	}
	/* Flags change nothing in the tokens. */
	cr_assert_eq(ngidx_analyze(t2, in, n, 0), NGIDX_OK);
	CHECK(t2->ntok == t->ntok && memcmp(t2->bytes, t->bytes, total) == 0 &&
	      memcmp(t2->off, t->off, (t->ntok + 1) * sizeof *t->off) == 0,
	      "seed %" PRIu64 " iter %zu: flags change tokens", seed, iter);
	/*
	 * Analyzing the tokens joined by spaces gives them back, up to
	 * canonical equivalence: casefold output is not renormalized (as in
	 * Python), so "\u0130\u0338" gives i U+0307 U+0338, which analyzes
	 * to i U+0338 U+0307.
	 */
	static char joined_buf[1 << 16];
	size_t o = 0;
	for (size_t i = 0; i < t->ntok; i++) {
		size_t len;
		const char *p = ngidx_tok(t, i, &len);
		if (i)
			joined_buf[o++] = ' ';
		memcpy(joined_buf + o, p, len);
		o += len;
	}
	cr_assert_eq(ngidx_analyze(t2, joined_buf, o, 0), NGIDX_OK);
	CHECK(t2->ntok == t->ntok, "seed %" PRIu64 " iter %zu: not idempotent: \"%.*s\" -> \"%s\"", seed, iter,
	      (int)o, joined_buf, joined(t2));
	for (size_t i = 0; i < t->ntok; i++) {
		size_t l1, l2;
		const char *p1 = ngidx_tok(t, i, &l1), *p2 = ngidx_tok(t2, i, &l2);
		if (l1 == l2 && memcmp(p1, p2, l1) == 0)
			continue;
		utf8proc_uint8_t *d1, *d2;
		const utf8proc_option_t nfd = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE;
		const utf8proc_ssize_t n1 = utf8proc_map((const utf8proc_uint8_t *)p1, (utf8proc_ssize_t)l1, &d1, nfd);
		const utf8proc_ssize_t n2 = utf8proc_map((const utf8proc_uint8_t *)p2, (utf8proc_ssize_t)l2, &d2, nfd);
		const int same = n1 >= 0 && n1 == n2 && memcmp(d1, d2, (size_t)n1) == 0;
		free(d1);
		free(d2);
		CHECK(same, "seed %" PRIu64 " iter %zu: token %zu not idempotent: \"%.*s\" -> \"%.*s\"", seed, iter, i,
		      (int)l1, p1, (int)l2, p2);
	}
	free(in);
}

Test(text, random_invariants, .timeout = 120)
{
	const uint64_t seed = test_seed("text/random_invariants");
	rng r = { seed };
	ngidx_tokens t, t2;
	ngidx_tokens_init(&t);
	ngidx_tokens_init(&t2);
	char buf[512];
	const double end = now() + test_seconds();
	size_t iter = 0;
	do {
		for (int k = 0; k < 256; k++, iter++) {
			const size_t n = random_text(&r, buf, sizeof buf);
			check_invariants(&t, &t2, buf, n, seed, iter);
		}
	} while (now() < end);
	fprintf(stderr, "text/random_invariants: %zu strings\n", iter);
	ngidx_tokens_release(&t);
	ngidx_tokens_release(&t2);
}

/* Long random documents cross the segment-splitting and growth paths. */
Test(text, random_long_documents, .timeout = 120)
{
	const uint64_t seed = test_seed("text/random_long_documents");
	rng r = { seed };
	ngidx_tokens t, t2;
	ngidx_tokens_init(&t);
	ngidx_tokens_init(&t2);
	const size_t cap = 1 << 15;
	char *buf = malloc(cap);
	for (int iter = 0; iter < 40; iter++) {
		size_t n = 0;
		/* Long CJK or Hangul runs without ASCII, mixed with everything. */
		while (n + 1024 < cap) { /* the longest step writes 900 bytes */
			const uint32_t k = rng_below(&r, 4);
			if (k == 0) {
				for (int j = 0; j < 300; j++)
					n += (size_t)utf8proc_encode_char((int32_t)(0x4E00 + rng_below(&r, 0x5000)),
					                                  (utf8proc_uint8_t *)buf + n);
			} else if (k == 1) {
				for (int j = 0; j < 200; j++) {
					const int32_t c = rng_below(&r, 4) ? (int32_t)(0xAC00 + rng_below(&r, 11172))
					                                   : (int32_t)(0x1161 + rng_below(&r, 80));
					n += (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)buf + n);
				}
			} else {
				n += random_text(&r, buf + n, 512);
			}
		}
		check_invariants(&t, &t2, buf, n, seed, (size_t)iter);
	}
	free(buf);
	ngidx_tokens_release(&t);
	ngidx_tokens_release(&t2);
}

/* ---- limits, memory --------------------------------------------------------------- */

Test(text, too_long_input)
{
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	/* The length is checked before the text is read. */
	cr_assert_eq(ngidx_analyze(&t, "x", (size_t)UINT32_MAX + 1, 0), NGIDX_ERR_INPUT);
	cr_assert_eq(t.ntok, 0);
	ngidx_tokens_release(&t);
}

/* A counting allocator that can fail the k-th allocation. */
static struct {
	long live, calls, fail_at;
} al;

static void *a_malloc(void *ctx, size_t n)
{
	(void)ctx;
	if (++al.calls == al.fail_at)
		return NULL;
	void *p = malloc(n);
	if (p)
		al.live++;
	return p;
}

static void *a_realloc(void *ctx, void *p, size_t n)
{
	(void)ctx;
	if (++al.calls == al.fail_at)
		return NULL;
	void *q = realloc(p, n);
	if (q && !p)
		al.live++;
	return q;
}

static void a_free(void *ctx, void *p)
{
	(void)ctx;
	if (p)
		al.live--;
	free(p);
}

static const ngidx_allocator counting = { a_malloc, a_realloc, a_free, NULL };

/* A document that needs every kind of allocation: tokens, sources,
 * sentences and (for its long Chinese run) normalizer scratch. */
static size_t big_doc(char *buf, size_t cap)
{
	size_t n = 0;
	for (int i = 0; i < 200 && n + 64 < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "Word %d caf\xc3\xa9. Sentence %d! ", i, i);
	for (int i = 0; i < 3000 && n + 8 < cap; i++)
		n += (size_t)utf8proc_encode_char(0x4E00 + i % 500, (utf8proc_uint8_t *)buf + n);
	/* No place to cut this run: the normalizer's scratch moves to the heap. */
	for (int i = 0; i < 1000 && n + 8 < cap; i++)
		n += (size_t)utf8proc_encode_char(i % 7 ? 0xE9 : 0x301, (utf8proc_uint8_t *)buf + n);
	n += (size_t)snprintf(buf + n, cap - n, "\xe3\x80\x82 End.");
	return n;
}

Test(text, allocation_failures)
{
	static char buf[1 << 16];
	const size_t n = big_doc(buf, sizeof buf);
	const unsigned flags = NGIDX_AN_SOURCE | NGIDX_AN_SENTENCES;

	ngidx_set_allocator(&counting);
	/* Reference run, counting allocations. */
	al.fail_at = -1;
	al.calls = 0;
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	cr_assert_eq(ngidx_analyze(&t, buf, n, flags), NGIDX_OK);
	const size_t want = t.ntok;
	const long total = al.calls;
	ngidx_tokens_release(&t);
	cr_assert_eq(al.live, 0);
	cr_assert(total >= 4, "only %ld allocations", total);

	for (long k = 1; k <= total; k++) {
		al.calls = 0;
		al.fail_at = k;
		ngidx_tokens_init(&t);
		const int rc = ngidx_analyze(&t, buf, n, flags);
		cr_assert_eq(rc, NGIDX_ERR_NOMEM, "failing allocation %ld of %ld: rc %d", k, total, rc);
		cr_assert_eq(t.ntok, 0);
		cr_assert_eq(t.nsent, 0);
		/* The same handle still works afterwards. */
		al.fail_at = -1;
		cr_assert_eq(ngidx_analyze(&t, buf, n, flags), NGIDX_OK);
		cr_assert_eq(t.ntok, want);
		ngidx_tokens_release(&t);
		cr_assert_eq(al.live, 0, "leak after failing allocation %ld", k);
	}
	ngidx_set_allocator(NULL);
}

Test(text, no_allocation_once_warm)
{
	static char buf[1 << 16];
	size_t n = 0;
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n,
		                      "Mr. Kim Jong-un\xe2\x80\x99s caf\xc3\xa9 na\xc3\xafve \xef\xac\x81le. "
		                      "\xe4\xb8\xad\xe6\x96\x87\xe3\x80\x82 e\xcc\x81 \xf0\x9f\x98\x80!\n\n");
	ngidx_set_allocator(&counting);
	al.fail_at = -1;
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	const unsigned flags = NGIDX_AN_SOURCE | NGIDX_AN_SENTENCES;
	cr_assert_eq(ngidx_analyze(&t, buf, n, flags), NGIDX_OK);
	al.calls = 0;
	cr_assert_eq(ngidx_analyze(&t, buf, n, flags), NGIDX_OK);
	cr_assert_eq(al.calls, 0, "%ld allocations on a warm ngidx_tokens", al.calls);
	cr_assert_eq(ngidx_analyze(&t, buf, n / 2, flags), NGIDX_OK);
	cr_assert_eq(al.calls, 0);
	ngidx_tokens_release(&t);
	cr_assert_eq(al.live, 0);
	ngidx_set_allocator(NULL);
}

/* ---- consistency across splits ------------------------------------------------------ */

/*
 * Cutting a text at an ASCII space and analyzing the two halves gives the
 * tokens of the whole (normalization is local around ASCII).
 */
Test(text, split_at_space_is_local)
{
	const char *s = "Kim Jong-un\xe2\x80\x99s cafe\xcc\x81 \xef\xbd\xb6\xef\xbe\x9e \xe1\x84\x92\xe1\x85\xa1 "
	                "\xe1\x86\xab x \xc2\xbd \xe4\xb8\xad\xe6\x96\x87 end";
	ngidx_tokens whole, a, b;
	ngidx_tokens_init(&whole);
	ngidx_tokens_init(&a);
	ngidx_tokens_init(&b);
	char expect[512];
	snprintf(expect, sizeof expect, "%s", toks(&whole, s, 0));
	for (size_t i = 0; s[i]; i++) {
		if (s[i] != ' ')
			continue;
		char head[512], left[512], cat[1024];
		memcpy(head, s, i);
		head[i] = 0;
		snprintf(left, sizeof left, "%s", toks(&a, head, 0));
		const char *right = toks(&b, s + i, 0);
		snprintf(cat, sizeof cat, "%s%s%s", left, *left && *right ? " " : "", right);
		cr_assert_str_eq(cat, expect, "split at %zu", i);
	}
	ngidx_tokens_release(&whole);
	ngidx_tokens_release(&a);
	ngidx_tokens_release(&b);
}
