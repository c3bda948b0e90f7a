/*
 * kwic_test.c - keyword in context (src/query/kwic.c, ngidx/kwic.h).
 *
 * 1. Cutting context: on texts made of known characters (ASCII, é, CJK,
 *    emoji, newline) every boundary and every width from 0 past the text's
 *    length gives the boundary that many characters away; on random byte
 *    soup (valid sequences, truncated ones, stray continuation and lead
 *    bytes) the backward and forward cuts agree with an independent forward
 *    decoder written here from Unicode's table 3-7.
 * 2. Placing matches (kwic_spans) on texts: the match is the original
 *    characters ("Kim Jong-un" for "kim jong un", "Full" for "ｆｕｌｌ"),
 *    overlapping matches, matches at the start and end of the text, and a
 *    position past the last token reported as corruption.
 * 3. Through an index (ngidx_build in the fixture folder): overlaps,
 *    controls shown as spaces, --no-text, limits, date filters, samples
 *    (reproducible, sorted, uniform).
 * 4. Random documents of known tokens (surface forms with case, width and
 *    diacritic variants, separators with punctuation, newlines and emoji):
 *    for random phrases, every occurrence found by brute force on the
 *    original text is exactly one line, in order, with the right document,
 *    match bytes and context. Prints its seed; NGIDX_SEED replays.
 */
#define TEST_NAME "kwic"
#include "test_util.h"

#include "ngidx/ngidx.h"
#include "ngidx/kwic.h"
#include "query/kwic.h"
#include "text/analyze.h"

/* ---- a reference decoder ---------------------------------------------------- */

/* Bytes of the character at @p: a well-formed sequence (Unicode 15, table
 * 3-7) or one byte. Written as the table reads, independently of kwic.c. */
static size_t ref_char(const unsigned char *p, size_t n)
{
	static const struct { unsigned char b0, b1, lo, hi, k; } tab[] = {
		{ 0xC2, 0xDF, 0x80, 0xBF, 2 }, { 0xE0, 0xE0, 0xA0, 0xBF, 3 },
		{ 0xE1, 0xEC, 0x80, 0xBF, 3 }, { 0xED, 0xED, 0x80, 0x9F, 3 },
		{ 0xEE, 0xEF, 0x80, 0xBF, 3 }, { 0xF0, 0xF0, 0x90, 0xBF, 4 },
		{ 0xF1, 0xF3, 0x80, 0xBF, 4 }, { 0xF4, 0xF4, 0x80, 0x8F, 4 },
	};
	for (size_t t = 0; t < sizeof tab / sizeof tab[0]; t++) {
		if (p[0] < tab[t].b0 || p[0] > tab[t].b1)
			continue;
		size_t k = tab[t].k;
		if (n < k || p[1] < tab[t].lo || p[1] > tab[t].hi)
			return 1;
		for (size_t i = 2; i < k; i++)
			if (p[i] < 0x80 || p[i] > 0xBF)
				return 1;
		return k;
	}
	return 1;
}

/* Character boundaries of @s (0 and @n included) into *b; @return count. */
static size_t ref_bounds(const char *s, size_t n, size_t **b)
{
	size_t nb = 0, cap = 0;
	*b = NULL;
	GROW(*b, cap, 1);
	(*b)[nb++] = 0;
	for (size_t at = 0; at < n;) {
		at += ref_char((const unsigned char *)s + at, n - at);
		GROW(*b, cap, nb + 1);
		(*b)[nb++] = at;
	}
	return nb;
}

/* Every boundary, every width 0..chars+1: back and forward cuts. */
static void check_cuts(const char *s, size_t n, const size_t *b, size_t nb)
{
	const size_t nch = nb - 1;
	CHECK(kwic_nchars(s, n) == nch, "nchars %zu, expected %zu", kwic_nchars(s, n), nch);
	for (size_t i = 0; i < nb; i++) {
		for (size_t w = 0; w <= nch + 1; w++) {
			size_t want_back = b[w <= i ? i - w : 0];
			size_t want_fwd = b[i + w < nb ? i + w : nb - 1];
			size_t got_back = kwic_char_back(s, b[i], w);
			size_t got_fwd = kwic_char_fwd(s, n, b[i], w);
			CHECK(got_back == want_back, "back from %zu by %zu: %zu, expected %zu", b[i], w,
			      got_back, want_back);
			CHECK(got_fwd == want_fwd, "forward from %zu by %zu: %zu, expected %zu", b[i], w,
			      got_fwd, want_fwd);
		}
	}
}

/* ---- 1. cutting context ------------------------------------------------------- */

Test(kwic, cuts_known_characters)
{
	/* Pieces of one character each: 1, 2, 3 and 4 bytes, and controls. */
	static const char *const piece[] = { "a", "é", "東", "京", "😀", "\n", "Z", "\t", "ß" };
	const size_t npiece = sizeof piece / sizeof piece[0];
	const char *s = "aé東😀";
	cr_assert_eq(kwic_char_back(s, 10, 1), 6);
	cr_assert_eq(kwic_char_back(s, 10, 2), 3);
	cr_assert_eq(kwic_char_back(s, 10, 3), 1);
	cr_assert_eq(kwic_char_back(s, 10, 4), 0);
	cr_assert_eq(kwic_char_back(s, 10, 99), 0);
	cr_assert_eq(kwic_char_fwd(s, 10, 0, 2), 3);
	cr_assert_eq(kwic_char_fwd(s, 10, 3, 2), 10);
	cr_assert_eq(kwic_char_fwd(s, 10, 1, 0), 1);
	/* Every sequence of up to 4 pieces, then random longer ones. */
	size_t *b = xrealloc(NULL, 64 * sizeof *b);
	char buf[256];
	for (size_t len = 0; len <= 4; len++) {
		size_t total = 1;
		for (size_t i = 0; i < len; i++)
			total *= npiece;
		for (size_t code = 0; code < total; code++) {
			size_t n = 0, nb = 0, c = code;
			b[nb++] = 0;
			for (size_t i = 0; i < len; i++, c /= npiece) {
				const char *p = piece[c % npiece];
				memcpy(buf + n, p, strlen(p));
				n += strlen(p);
				b[nb++] = n;
			}
			check_cuts(buf, n, b, nb);
		}
	}
	free(b);
}

Test(kwic, cuts_random_bytes_agree_with_reference)
{
	rng r = { test_seed("cuts_random_bytes_agree_with_reference") };
	/* Material: valid sequences of every length, their prefixes, stray
	 * continuation bytes, bytes that never occur, surrogates, overlongs. */
	static const char *const piece[] = {
		"a", " ", "\n", "é", "\xc3", "\xa9", "東", "\xe6\x9d", "😀", "\xf0\x9f\x98",
		"\x80", "\xbf", "\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe0\x80\x80", "\xf4\x90\x80\x80",
		"\xf0\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "\xee\x80\x80", "\xdf\xbf", "\xc2",
	};
	const size_t npiece = sizeof piece / sizeof piece[0];
	char buf[512];
	for (int round = 0; round < 3000; round++) {
		size_t n = 0, k = rng_below(&r, 24);
		for (size_t i = 0; i < k; i++) {
			const char *p = piece[rng_below(&r, (uint32_t)npiece)];
			memcpy(buf + n, p, strlen(p));
			n += strlen(p);
		}
		size_t *b;
		size_t nb = ref_bounds(buf, n, &b);
		check_cuts(buf, n, b, nb);
		free(b);
	}
}

Test(kwic, controls_become_spaces)
{
	const char src[] = "a\nb\tc\rd\x01\x7f" "é\x1f";
	char dst[sizeof src];
	kwic_blank_controls(dst, src, sizeof src - 1);
	cr_assert_arr_eq(dst, "a b c d  é ", sizeof src - 1);
}

/* ---- 2. placing matches in a text ------------------------------------------- */

/* The spans of phrase @ph (analyzed here) in @text, found by comparing
 * token sequences; @return their number (at most 16). */
static size_t spans_of(const char *text, const char *ph, size_t width, kwic_span *out)
{
	ngidx_tokens t, q;
	ngidx_tokens_init(&t);
	ngidx_tokens_init(&q);
	cr_assert_eq(ngidx_analyze(&q, ph, strlen(ph), 0), NGIDX_OK);
	cr_assert_eq(ngidx_analyze(&t, text, strlen(text), 0), NGIDX_OK);
	uint32_t pos[16];
	size_t npos = 0;
	for (size_t i = 0; i + q.ntok <= t.ntok; i++) {
		size_t k = 0;
		for (; k < q.ntok; k++) {
			size_t la, lb;
			const char *a = ngidx_tok(&t, i + k, &la), *b = ngidx_tok(&q, k, &lb);
			if (la != lb || memcmp(a, b, la))
				break;
		}
		if (k == q.ntok && npos < 16)
			pos[npos++] = (uint32_t)i;
	}
	ngidx_error e;
	cr_assert_eq(kwic_spans(&t, text, strlen(text), pos, npos, (unsigned)q.ntok, width, out, &e),
	             NGIDX_OK, "%s", e.msg);
	ngidx_tokens_release(&t);
	ngidx_tokens_release(&q);
	return npos;
}

#define SPAN_IS(text, s, l, m, r)                                             \
	do {                                                                  \
		char *l_ = xstrndup((text) + (s).left, (s).start - (s).left); \
		char *m_ = xstrndup((text) + (s).start, (s).end - (s).start); \
		char *r_ = xstrndup((text) + (s).end, (s).right - (s).end);   \
		cr_expect_str_eq(l_, l);                                      \
		cr_expect_str_eq(m_, m);                                      \
		cr_expect_str_eq(r_, r);                                      \
		free(l_);                                                     \
		free(m_);                                                     \
		free(r_);                                                     \
	} while (0)

Test(kwic, match_is_the_original_text)
{
	kwic_span s[16];
	const char *t1 = "Kim Jong-un met Moon.";
	cr_assert_eq(spans_of(t1, "kim jong un", 40, s), 1);
	SPAN_IS(t1, s[0], "", "Kim Jong-un", " met Moon.");
	const char *t2 = "The Full moon, full stop";
	cr_assert_eq(spans_of(t2, "ｆｕｌｌ", 4, s), 2);
	SPAN_IS(t2, s[0], "The ", "Full", " moo");
	SPAN_IS(t2, s[1], "on, ", "full", " sto");
	const char *t3 = "ＫＩＭ\tJONG—un's";
	cr_assert_eq(spans_of(t3, "Kim Jong-Un", 3, s), 1);
	SPAN_IS(t3, s[0], "", "ＫＩＭ\tJONG—un", "'s");
	const char *t4 = "x ÉTÉ y";
	cr_assert_eq(spans_of(t4, "été", 1, s), 1);
	SPAN_IS(t4, s[0], " ", "ÉTÉ", " ");
}

Test(kwic, match_at_start_end_and_overlapping)
{
	kwic_span s[16];
	const char *t = "a a a";
	cr_assert_eq(spans_of(t, "a a", 40, s), 2);
	SPAN_IS(t, s[0], "", "a a", " a");
	SPAN_IS(t, s[1], "a ", "a a", "");
	const char *u = "東京は東京";
	cr_assert_eq(spans_of(u, "東京は東京", 3, s), 1);
	SPAN_IS(u, s[0], "", "東京は東京", "");
	const char *v = "😀word😀 end";
	cr_assert_eq(spans_of(v, "word", 1, s), 1);
	SPAN_IS(v, s[0], "😀", "word", "😀");
	cr_assert_eq(spans_of(v, "end", 2, s), 1);
	SPAN_IS(v, s[0], "😀 ", "end", "");
	cr_assert_eq(spans_of(v, "word", 0, s), 1);
	SPAN_IS(v, s[0], "", "word", "");
}

Test(kwic, position_past_the_text_is_corruption)
{
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	kwic_span s[2];
	uint32_t pos[2] = { 0, 2 };
	ngidx_error e = { 0 };
	cr_assert_eq(kwic_spans(&t, "a b c", 5, pos, 2, 1, 4, s, &e), NGIDX_OK);
	cr_assert_eq(kwic_spans(&t, "a b c", 5, pos, 2, 2, 4, s, &e), NGIDX_ERR_CORRUPT);
	cr_assert(strstr(e.msg, "past") != NULL, "%s", e.msg);
	ngidx_tokens_release(&t);
}

/* ---- 3. through an index -------------------------------------------------------- */

/* Index @n texts (files d/000.txt ...) into @out. */
static void build_texts(const char *out, const char *const *texts, size_t n, int store_text,
                        unsigned max_n)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/d-%s", g_dir, strrchr(out, '/') + 1);
	cr_assert_eq(mkdir(dir, 0755), 0);
	for (size_t i = 0; i < n; i++) {
		char name[PATH_MAX + 32];
		snprintf(name, sizeof name, "%s/%03zu.txt", dir, i);
		write_file(name, texts[i], strlen(texts[i]));
	}
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	const char *in[1] = { dir };
	o.output = out;
	o.inputs = in;
	o.ninputs = 1;
	o.threads = 1;
	o.memory = 16u << 20;
	o.max_n = max_n;
	o.store_text = store_text;
	ngidx_build_stats st;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_build(&o, &st, &e), NGIDX_OK, "build: %s", e.msg);
	cr_assert_eq(st.docs, n);
}

static ngidx_index *open_index(const char *path)
{
	ngidx_index *idx;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_index_open(&idx, path, NULL, &e), NGIDX_OK, "%s", e.msg);
	return idx;
}

/* A line, copied. */
typedef struct kline {
	uint32_t doc, pos;
	uint64_t start, end;
	char *left, *match, *right;
} kline;

typedef struct klines {
	kline *l;
	size_t n, cap;
} klines;

static void klines_free(klines *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->l[i].left);
		free(k->l[i].match);
		free(k->l[i].right);
	}
	free(k->l);
	memset(k, 0, sizeof *k);
}

/* Every line of @phrase with options @o. @return the status of open. */
static int run_kwic(const ngidx_index *idx, const char *phrase, const ngidx_kwic_opts *o, klines *out)
{
	memset(out, 0, sizeof *out);
	ngidx_kwic *k;
	ngidx_error e = { 0 };
	int rc = ngidx_kwic_open(idx, phrase, strlen(phrase), o, &k, &e);
	if (rc)
		return rc;
	ngidx_kwic_line l;
	int more;
	while ((more = ngidx_kwic_next(k, &l, &e)) == 1) {
		GROW(out->l, out->cap, out->n + 1);
		kline *c = &out->l[out->n++];
		c->doc = l.doc;
		c->pos = l.pos;
		c->start = l.start;
		c->end = l.end;
		c->left = xstrndup(l.left, l.left_len);
		c->match = xstrndup(l.match, l.match_len);
		c->right = xstrndup(l.right, l.right_len);
	}
	cr_assert_eq(more, 0, "kwic_next: %s", e.msg);
	cr_assert_eq(ngidx_kwic_next(k, &l, &e), 0, "stays at the end");
	ngidx_kwic_free(k);
	return NGIDX_OK;
}

#define LINE_IS(L, d, l, m, r)                                                \
	do {                                                                  \
		cr_expect_eq((L).doc, d);                                     \
		cr_expect_str_eq((L).left, l);                                \
		cr_expect_str_eq((L).match, m);                               \
		cr_expect_str_eq((L).right, r);                               \
	} while (0)

static const char *const small_docs[] = {
	"a a a",
	"Kim Jong-un\nmet\tthe press. Kim  Jong un left.",
	"Ｆｕｌｌ text and full text",
	"no match here\r\n",
};

Test(kwic, index_lines, .init = fixture_setup, .fini = fixture_teardown)
{
	const char *path = tp("s.ngx");
	build_texts(path, small_docs, 4, 1, 2);
	ngidx_index *idx = open_index(path);
	klines k;
	cr_assert_eq(run_kwic(idx, "a a", NULL, &k), NGIDX_OK);
	cr_assert_eq(k.n, 2);
	LINE_IS(k.l[0], 0, "", "a a", " a");
	LINE_IS(k.l[1], 0, "a ", "a a", "");
	cr_expect_eq(k.l[1].pos, 1);
	cr_expect_eq(k.l[1].start, 2);
	cr_expect_eq(k.l[1].end, 5);
	klines_free(&k);

	ngidx_kwic_opts o;
	ngidx_kwic_opts_init(&o);
	o.width = 12;
	cr_assert_eq(run_kwic(idx, "KIM JONG UN", &o, &k), NGIDX_OK);
	cr_assert_eq(k.n, 2);
	LINE_IS(k.l[0], 1, "", "Kim Jong-un", " met the pre");
	LINE_IS(k.l[1], 1, " the press. ", "Kim  Jong un", " left.");
	klines_free(&k);

	cr_assert_eq(run_kwic(idx, "full text", &o, &k), NGIDX_OK);
	cr_assert_eq(k.n, 2);
	LINE_IS(k.l[0], 2, "", "Ｆｕｌｌ text", " and full te");
	LINE_IS(k.l[1], 2, "ｌｌ text and ", "full text", "");
	klines_free(&k);

	o.limit = 1;
	cr_assert_eq(run_kwic(idx, "text", &o, &k), NGIDX_OK);
	cr_assert_eq(k.n, 1);
	klines_free(&k);

	cr_assert_eq(run_kwic(idx, "match here", &o, &k), NGIDX_OK);
	cr_assert_eq(k.n, 1);
	LINE_IS(k.l[0], 3, "no ", "match here", "  ");
	klines_free(&k);

	cr_assert_eq(run_kwic(idx, "absent", NULL, &k), NGIDX_OK);
	cr_assert_eq(k.n, 0);
	cr_assert_eq(run_kwic(idx, "--", NULL, &k), NGIDX_OK);
	cr_assert_eq(k.n, 0);
	ngidx_index_free(idx);
}

Test(kwic, no_text_index, .init = fixture_setup, .fini = fixture_teardown)
{
	const char *path = tp("n.ngx");
	build_texts(path, small_docs, 4, 0, 3);
	ngidx_index *idx = open_index(path);
	ngidx_kwic *k = (ngidx_kwic *)1;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_kwic_open(idx, "a", 1, NULL, &k, &e), NGIDX_ERR_NOTEXT);
	cr_assert_null(k);
	cr_assert_str_eq(e.msg, "the index was built with --no-text: it stores no text to show");
	ngidx_index_free(idx);
	ngidx_kwic_free(NULL);
}

Test(kwic, date_filters, .init = fixture_setup, .fini = fixture_teardown)
{
	const char jl[] = "{\"id\":\"y\",\"date\":\"2019\",\"text\":\"x\"}\n"
	                  "{\"id\":\"m\",\"date\":\"2019-02\",\"text\":\"x\"}\n"
	                  "{\"id\":\"d\",\"date\":\"2019-02-28\",\"text\":\"x\"}\n"
	                  "{\"id\":\"none\",\"text\":\"x\"}\n"
	                  "{\"id\":\"late\",\"date\":\"2020-01-01\",\"text\":\"x x\"}\n";
	write_file(tp("d.jsonl"), jl, sizeof jl - 1);
	ngidx_build_opts bo;
	ngidx_build_opts_init(&bo);
	const char *in[1] = { kp("d.jsonl") };
	bo.output = kp("d.ngx");
	bo.inputs = in;
	bo.ninputs = 1;
	bo.threads = 1;
	bo.memory = 16u << 20;
	ngidx_build_stats st;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_build(&bo, &st, &e), NGIDX_OK, "%s", e.msg);
	ngidx_index *idx = open_index(bo.output);
	static const struct {
		const char *from, *to;
		const char *docs; /* ids of the lines' documents */
	} cases[] = {
		{ NULL, NULL, "012344" },   { "2019", NULL, "01244" },  { NULL, "2019", "012" },
		{ "2019-02", "2019-02", "12" }, { "2019-02-28", NULL, "244" }, { "2019-03", NULL, "44" },
		{ NULL, "2019-02-27", "01" }, { "2020", "2019", "" },     { "2019-01", "2019-01", "" },
		{ NULL, "2020-01-01", "01244" },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		ngidx_kwic_opts o;
		ngidx_kwic_opts_init(&o);
		o.from = cases[c].from;
		o.to = cases[c].to;
		klines k;
		cr_assert_eq(run_kwic(idx, "x", &o, &k), NGIDX_OK);
		char got[16] = "";
		for (size_t i = 0; i < k.n && i < 15; i++)
			got[i] = (char)('0' + k.l[i].doc);
		cr_expect_str_eq(got, cases[c].docs, "from %s to %s", cases[c].from, cases[c].to);
		klines_free(&k);
	}
	ngidx_kwic_opts o;
	ngidx_kwic_opts_init(&o);
	o.from = "2019-2";
	ngidx_kwic *k = NULL;
	cr_assert_eq(ngidx_kwic_open(idx, "x", 1, &o, &k, &e), NGIDX_ERR_ARG);
	cr_assert(strstr(e.msg, "2019-2") != NULL, "%s", e.msg);
	ngidx_index_free(idx);
}

Test(kwic, samples, .init = fixture_setup, .fini = fixture_teardown)
{
	/* 10 occurrences of "w" in 4 documents. */
	static const char *const docs[] = { "w w w", "v", "w v w", "w w w w w" };
	const char *path = tp("w.ngx");
	build_texts(path, docs, 4, 1, 2);
	ngidx_index *idx = open_index(path);
	klines all;
	cr_assert_eq(run_kwic(idx, "w", NULL, &all), NGIDX_OK);
	cr_assert_eq(all.n, 10);
	unsigned hits[10] = { 0 };
	const unsigned rounds = 3000, K = 3;
	for (unsigned s = 0; s < rounds; s++) {
		ngidx_kwic_opts o;
		ngidx_kwic_opts_init(&o);
		o.sample = K;
		o.seed = s;
		o.width = 2;
		klines k, again;
		cr_assert_eq(run_kwic(idx, "w", &o, &k), NGIDX_OK);
		cr_assert_eq(k.n, K);
		size_t j = 0; /* the sample is a subsequence of all lines */
		for (size_t i = 0; i < k.n; i++) {
			while (j < all.n && (all.l[j].doc != k.l[i].doc || all.l[j].pos != k.l[i].pos))
				j++;
			cr_assert_lt(j, all.n, "seed %u: line %zu out of order or not a match", s, i);
			cr_assert_eq(k.l[i].start, all.l[j].start);
			hits[j]++;
			j++;
		}
		if (s % 100 == 0) {
			cr_assert_eq(run_kwic(idx, "w", &o, &again), NGIDX_OK);
			cr_assert_eq(again.n, k.n);
			for (size_t i = 0; i < k.n; i++)
				cr_assert(again.l[i].doc == k.l[i].doc && again.l[i].pos == k.l[i].pos);
			klines_free(&again);
		}
		klines_free(&k);
	}
	/* Each match is drawn with probability 3/10: 900 of 3000 expected,
	 * standard deviation 25; allow six of them. */
	for (size_t i = 0; i < 10; i++)
		cr_expect(hits[i] > 750 && hits[i] < 1050, "match %zu drawn %u times of %u", i, hits[i],
		          rounds);
	/* More than there are: all of them, in order. */
	ngidx_kwic_opts o;
	ngidx_kwic_opts_init(&o);
	o.sample = 50;
	o.limit = 4;
	klines k;
	cr_assert_eq(run_kwic(idx, "w", &o, &k), NGIDX_OK);
	cr_assert_eq(k.n, 4);
	for (size_t i = 0; i < k.n; i++)
		cr_assert(k.l[i].doc == all.l[i].doc && k.l[i].pos == all.l[i].pos);
	klines_free(&k);
	klines_free(&all);
	ngidx_index_free(idx);
}

/* ---- 4. random documents against brute force ---------------------------------- */

/* Each surface form is one token whose normalized form is norm[form]. */
static const struct {
	const char *surface;
	int norm;
} forms[] = {
	{ "kim", 0 },   { "Kim", 0 },   { "KIM", 0 },   { "Ｋｉｍ", 0 },
	{ "jong", 1 },  { "Jong", 1 },  { "ＪＯＮＧ", 1 },
	{ "un", 2 },    { "Un", 2 },
	{ "été", 3 },   { "ÉTÉ", 3 },   { "Été", 3 },
	{ "東京", 4 },
	{ "a", 5 },     { "A", 5 },
	{ "straße", 6 }, { "STRASSE", 6 }, { "strasse", 6 },
	{ "x1", 7 },    { "X1", 7 },    { "ｘ１", 7 },
};
static const char *const norms[] = { "kim", "jong", "un", "été", "東京", "a", "strasse", "x1" };
/* Separators: no letter, mark or digit; each ends every token. */
static const char *const seps[] = { " ", " ", " ", "  ", "\n", "-", ", ", " — ", "😀", "\t", ". ", "'", "\r\n" };
#define NFORMS (sizeof forms / sizeof forms[0])
#define NSEPS (sizeof seps / sizeof seps[0])
#define NNORMS (sizeof norms / sizeof norms[0])

typedef struct gdoc {
	sbuf text;
	int *norm;            /* per token */
	size_t *start, *end;  /* per token, bytes */
	size_t ntok, cap;
} gdoc;

static void gen_doc(rng *r, gdoc *d)
{
	memset(d, 0, sizeof *d);
	sb_puts(&d->text, "");
	if (rng_below(r, 2))
		sb_puts(&d->text, seps[rng_below(r, NSEPS)]);
	size_t n = rng_below(r, 60);
	for (size_t i = 0; i < n; i++) {
		/* few distinct tokens, so phrases repeat and overlap */
		size_t f = rng_below(r, 4) ? rng_zipf(r, NFORMS) : rng_below(r, NFORMS);
		GROW(d->norm, d->cap, d->ntok + 1);
		d->start = xrealloc(d->start, d->cap * sizeof *d->start);
		d->end = xrealloc(d->end, d->cap * sizeof *d->end);
		d->start[d->ntok] = d->text.len;
		sb_puts(&d->text, forms[f].surface);
		d->end[d->ntok] = d->text.len;
		d->norm[d->ntok++] = forms[f].norm;
		if (i + 1 < n || rng_below(r, 2))
			sb_puts(&d->text, seps[rng_below(r, NSEPS)]);
	}
}

/* Characters of valid UTF-8: the bytes that are not continuation bytes. */
static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* The expected context: @w characters before @at (or after, @fwd), blanked. */
static char *ctx_ref(const char *s, size_t n, size_t at, size_t w, int fwd)
{
	size_t a = at, b = at;
	if (fwd) {
		while (b < n && utf8_chars(s + at, b - at) < w)
			for (b++; b < n && ((unsigned char)s[b] & 0xC0) == 0x80; b++) {}
	} else {
		while (a > 0 && utf8_chars(s + a, at - a) < w)
			for (a--; a > 0 && ((unsigned char)s[a] & 0xC0) == 0x80; a--) {}
	}
	char *o = xstrndup(s + a, b - a);
	for (char *p = o; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	return o;
}

Test(kwic, random_documents_match_brute_force, .init = fixture_setup, .fini = fixture_teardown,
     .timeout = 120)
{
	rng r = { test_seed("random_documents_match_brute_force") };
	const size_t ndoc = 40;
	gdoc *d = xrealloc(NULL, ndoc * sizeof *d);
	const char **texts = xrealloc(NULL, ndoc * sizeof *texts);
	for (size_t i = 0; i < ndoc; i++) {
		gen_doc(&r, &d[i]);
		texts[i] = d[i].text.p;
	}
	const char *path = tp("r.ngx");
	unsigned max_n = 1 + rng_below(&r, 3);
	build_texts(path, texts, ndoc, 1, max_n);
	ngidx_index *idx = open_index(path);
	sbuf ph = { 0 };
	size_t lines = 0;
	for (int q = 0; q < 300; q++) {
		/* A phrase of 1..5 tokens: mostly taken from a document, written
		 * with random surface forms and separators. */
		int want[5];
		size_t n = 1 + rng_zipf(&r, 5);
		const gdoc *src = &d[rng_below(&r, (uint32_t)ndoc)];
		if (src->ntok >= n && rng_below(&r, 4)) {
			size_t at = rng_below(&r, (uint32_t)(src->ntok - n + 1));
			for (size_t k = 0; k < n; k++)
				want[k] = src->norm[at + k];
		} else {
			for (size_t k = 0; k < n; k++)
				want[k] = (int)rng_below(&r, NNORMS);
		}
		ph.len = 0;
		sb_puts(&ph, "");
		for (size_t k = 0; k < n; k++) {
			if (k)
				sb_puts(&ph, rng_below(&r, 2) ? " " : "-");
			size_t f;
			do
				f = rng_below(&r, NFORMS);
			while (forms[f].norm != want[k]);
			sb_puts(&ph, forms[f].surface);
		}
		ngidx_kwic_opts o;
		ngidx_kwic_opts_init(&o);
		o.width = rng_below(&r, 12);
		klines got;
		cr_assert_eq(run_kwic(idx, ph.p, &o, &got), NGIDX_OK);
		size_t g = 0;
		for (size_t i = 0; i < ndoc; i++) {
			const gdoc *x = &d[i];
			for (size_t p = 0; p + n <= x->ntok; p++) {
				size_t k = 0;
				while (k < n && x->norm[p + k] == want[k])
					k++;
				if (k < n)
					continue;
				CHECK(g < got.n, "'%s': occurrence in doc %zu at %zu missing", ph.p, i, p);
				const kline *l = &got.l[g++];
				CHECK(l->doc == i && l->pos == p, "'%s': line %zu is doc %u pos %u, expected %zu %zu",
				      ph.p, g - 1, l->doc, l->pos, i, p);
				const size_t s = x->start[p], e = x->end[p + n - 1];
				CHECK(l->start == s && l->end == e, "'%s' doc %zu pos %zu: bytes %llu..%llu, expected %zu..%zu",
				      ph.p, i, p, (unsigned long long)l->start, (unsigned long long)l->end, s, e);
				CHECK(strlen(l->match) == e - s && !memcmp(l->match, x->text.p + s, e - s),
				      "'%s' doc %zu pos %zu: match '%s'", ph.p, i, p, l->match);
				char *lw = ctx_ref(x->text.p, x->text.len, s, o.width, 0);
				char *rw = ctx_ref(x->text.p, x->text.len, e, o.width, 1);
				CHECK(!strcmp(lw, l->left) && !strcmp(rw, l->right),
				      "'%s' doc %zu pos %zu width %zu: context '%s'|'%s', expected '%s'|'%s'", ph.p, i,
				      p, o.width, l->left, l->right, lw, rw);
				free(lw);
				free(rw);
			}
		}
		CHECK(g == got.n, "'%s': %zu lines, expected %zu", ph.p, got.n, g);
		lines += g;
		klines_free(&got);
	}
	cr_log_info("%zu lines checked (max-n %u)", lines, max_n);
	cr_assert_gt(lines, 100);
	free(ph.p);
	for (size_t i = 0; i < ndoc; i++) {
		free(d[i].text.p);
		free(d[i].norm);
		free(d[i].start);
		free(d[i].end);
	}
	free(d);
	free(texts);
	ngidx_index_free(idx);
}
