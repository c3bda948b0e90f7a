/*
 * format_test.c - tests of the index format (src/format): the postings
 * encoder against the layout of idx_format.h, the reader and its postings
 * cursor against a brute-force model of real builds, and the reader and
 * verifier against corrupt files.
 *
 * 1. Encoder. post_enc writes postings lists through an ngidx_wfile into a
 *    temporary file; a reference encoder written here from the POSTINGS
 *    paragraph of idx_format.h (with the codecs of codec.h, tested in
 *    codec_test.c) must produce the same bytes, and the reader's cursor,
 *    pointed at the file through a minimal hand-made ngidx_index (only the
 *    fields a cursor uses), must give the lists back: documents, tf,
 *    positions, seeks, and every block ending where the next starts. Lists
 *    cover df 1..several thousand, exact multiples of 128 and 128 +- 1, tf
 *    up to UINT32_MAX, unigrams with positions, longer n-grams without, df
 *    1 with cf > 1, document ids up to UINT32_MAX - 1.
 *
 * 2. Reader. Generated ASCII-lowercase corpora are written to a temporary
 *    folder and indexed with ngidx_build (several option sets); everything
 *    the public API returns is compared with a model computed here by a
 *    trivial tokenizer (runs of [a-z0-9], which is what the analyzer gives
 *    on such text): every term's text, n, df, cf, postings and positions,
 *    random seeks (first document >= target, never backwards), lookups of
 *    present and absent n-grams, document names, token counts and text,
 *    the info counters, and ngidx_index_verify. The corpora contain words
 *    with df 1, 127, 128, 129, 255, 256, 257, 384, a word in over 1000
 *    documents with many positions (multi-block lists with skip tables), a
 *    word with tf 3000 in one document, and documents without any token.
 *
 * 3. Corruption. A small index is mutated (seeded single-byte changes
 *    anywhere, every byte of the header and section table, truncations and
 *    extensions at many offsets, and byte changes whose section checksums
 *    and trailer are then recomputed so that the structural checks are
 *    reached): ngidx_index_open must fail with NGIDX_ERR_CORRUPT or
 *    NGIDX_ERR_VERSION or succeed, and then ngidx_index_verify and reading
 *    every term, postings list, positions, document, text and a few counts
 *    must return status codes (never crash, never read outside the file:
 *    run under AddressSanitizer). A change in a checksummed byte must be
 *    detected by open or verify; a change inside a section must make verify
 *    name "section <name>"; and when verify passes, every read must pass.
 *
 * Random tests print their seed on stderr; NGIDX_SEED=<seed> replays it.
 * Sanitizer run:
 *   make BUILD=build-asan SAN=address,undefined OPT='-O1 -g' \
 *        build-asan/tests/format_test && build-asan/tests/format_test
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "ngidx/ngidx.h"
#include "codec/codec.h"
#include "common/endian.h"
#include "common/fileio.h"
#include "format/idx_format.h"
#include "format/idx_reader.h"
#include "format/post_enc.h"

#define TEST_NAME "format"
#include "test_util.h"

/* ---- the model ------------------------------------------------------------ */

/*
 * The expected index of a corpus, computed the slow and obvious way: for
 * each document, its tokens (maximal runs of ASCII letters and digits,
 * lowercased: the analyzer's output on ASCII text), and for each start and
 * each n <= max_n the n-gram's text, with its documents, tf in each and,
 * for unigrams, its positions, in document order.
 */
typedef struct mterm {
	char *text;
	size_t len;
	unsigned n;
	uint32_t df;
	uint64_t cf;
	uint32_t *docs, *tfs;
	size_t dcap;
	uint32_t *pos; /* n == 1: each document's positions, in order */
	size_t npos, pcap;
	int seen;
} mterm;

typedef struct mdoc {
	char *name;
	char *text;
	size_t len;
	uint32_t ntok;
} mdoc;

typedef struct model {
	unsigned max_n;
	mterm *t;
	size_t nt, tcap;
	uint32_t *tab; /* term index + 1, open addressing; 0 empty */
	size_t tabcap;
	mdoc *d;
	size_t nd, dcap;
	uint64_t ntokens;
} model;

static mterm *model_find(const model *m, const char *s, size_t n)
{
	if (!m->tabcap)
		return NULL;
	size_t j = (size_t)fnv(s, n) & (m->tabcap - 1);
	for (;;) {
		uint32_t e = m->tab[j];
		if (!e)
			return NULL;
		mterm *t = &m->t[e - 1];
		if (t->len == n && !memcmp(t->text, s, n))
			return t;
		j = (j + 1) & (m->tabcap - 1);
	}
}

static void model_rehash(model *m)
{
	size_t cap = m->tabcap ? m->tabcap * 2 : 1024;
	free(m->tab);
	m->tab = calloc(cap, sizeof *m->tab);
	cr_assert_not_null(m->tab);
	m->tabcap = cap;
	for (size_t i = 0; i < m->nt; i++) {
		size_t j = (size_t)fnv(m->t[i].text, m->t[i].len) & (cap - 1);
		while (m->tab[j])
			j = (j + 1) & (cap - 1);
		m->tab[j] = (uint32_t)i + 1;
	}
}

static mterm *model_get(model *m, const char *s, size_t n, unsigned ng)
{
	mterm *t = model_find(m, s, n);
	if (t)
		return t;
	if (2 * (m->nt + 1) > m->tabcap)
		model_rehash(m);
	GROW(m->t, m->tcap, m->nt + 1);
	t = &m->t[m->nt];
	memset(t, 0, sizeof *t);
	t->text = xstrndup(s, n);
	t->len = n;
	t->n = ng;
	size_t j = (size_t)fnv(s, n) & (m->tabcap - 1);
	while (m->tab[j])
		j = (j + 1) & (m->tabcap - 1);
	m->tab[j] = (uint32_t)++m->nt;
	return t;
}

static int is_tok_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/*
 * Tokens of ASCII @s joined by single spaces into @j; start[i] is where
 * token i begins and start[T] = |j| + 1. @return T.
 */
static size_t model_tokens(const char *s, size_t n, sbuf *j, uint32_t **start, size_t *scap)
{
	size_t T = 0;
	j->len = 0;
	for (size_t i = 0; i < n;) {
		if (!is_tok_char((unsigned char)s[i])) {
			i++;
			continue;
		}
		GROW(*start, *scap, T + 2);
		(*start)[T++] = (uint32_t)j->len;
		while (i < n && is_tok_char((unsigned char)s[i])) {
			char c = s[i++];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			sb_put(j, &c, 1);
		}
		sb_put(j, " ", 1);
	}
	GROW(*start, *scap, T + 1);
	(*start)[T] = (uint32_t)j->len;
	return T;
}

static void model_add(model *m, const char *name, const char *text, size_t len)
{
	uint32_t doc = (uint32_t)m->nd;
	GROW(m->d, m->dcap, m->nd + 1);
	mdoc *d = &m->d[m->nd++];
	d->name = xstrndup(name, strlen(name));
	d->text = xstrndup(text, len);
	d->len = len;
	sbuf j = { 0 };
	uint32_t *start = NULL;
	size_t scap = 0;
	size_t T = model_tokens(text, len, &j, &start, &scap);
	d->ntok = (uint32_t)T;
	m->ntokens += T;
	for (size_t i = 0; i < T; i++) {
		for (size_t n = 1; n <= m->max_n && i + n <= T; n++) {
			mterm *t = model_get(m, j.p + start[i], start[i + n] - 1 - start[i], (unsigned)n);
			if (!t->df || t->docs[t->df - 1] != doc) {
				size_t cap = t->dcap;
				GROW(t->docs, t->dcap, t->df + 1);
				if (t->dcap != cap)
					t->tfs = xrealloc(t->tfs, t->dcap * sizeof *t->tfs);
				t->docs[t->df] = doc;
				t->tfs[t->df] = 0;
				t->df++;
			}
			t->tfs[t->df - 1]++;
			t->cf++;
			if (n == 1) {
				GROW(t->pos, t->pcap, t->npos + 1);
				t->pos[t->npos++] = (uint32_t)i;
			}
		}
	}
	free(j.p);
	free(start);
}

static void model_free(model *m)
{
	for (size_t i = 0; i < m->nt; i++) {
		free(m->t[i].text);
		free(m->t[i].docs);
		free(m->t[i].tfs);
		free(m->t[i].pos);
	}
	for (size_t i = 0; i < m->nd; i++) {
		free(m->d[i].name);
		free(m->d[i].text);
	}
	free(m->t);
	free(m->tab);
	free(m->d);
	memset(m, 0, sizeof *m);
}


/* ---- checking a postings cursor against expected lists -------------------- */

/* One expected postings list. */
typedef struct plist {
	unsigned n;
	uint32_t df;
	uint64_t cf;
	const uint32_t *docs, *tfs;
	const uint32_t *pos;   /* n == 1 */
	uint64_t *posoff;      /* df + 1 prefix sums of tf (n == 1) */
} plist;

static void plist_posoff(plist *l)
{
	l->posoff = xrealloc(NULL, ((size_t)l->df + 1) * sizeof *l->posoff);
	l->posoff[0] = 0;
	for (uint32_t i = 0; i < l->df; i++)
		l->posoff[i + 1] = l->posoff[i] + l->tfs[i];
}

static void check_positions_at(ngidx_postings *p, const plist *l, size_t k, const char *what)
{
	ngidx_error err = { 0 };
	const uint32_t *pos = NULL;
	int rc = ngidx_postings_positions(p, &pos, &err);
	if (l->n != 1) {
		CHECK(rc == NGIDX_ERR_ARG, "%s: positions of an n = %u term gave %d", what, l->n, rc);
		return;
	}
	CHECK(rc == NGIDX_OK, "%s: positions: %d %s", what, rc, err.msg);
	const uint32_t *want = l->pos + l->posoff[k];
	for (uint32_t i = 0; i < l->tfs[k]; i++)
		CHECK(pos[i] == want[i], "%s: document %u position %u is %u, expected %u", what,
		      l->docs[k], i, pos[i], want[i]);
}

/* Read the whole list with next() and compare. */
static void check_cursor_full(const ngidx_index *idx, uint64_t id, const plist *l, const char *what)
{
	ngidx_postings *p = NULL;
	ngidx_error err = { 0 };
	int rc = ngidx_postings_open(idx, id, &p, &err);
	CHECK(rc == NGIDX_OK, "%s: postings_open: %d %s", what, rc, err.msg);
	for (uint32_t k = 0; k < l->df; k++) {
		int g = ngidx_postings_next(p, &err);
		CHECK(g == 1, "%s: next gave %d at document %u of %u: %s", what, g, k, l->df, err.msg);
		CHECK(ngidx_postings_doc(p) == l->docs[k], "%s: document %u is %u, expected %u", what, k,
		      ngidx_postings_doc(p), l->docs[k]);
		CHECK(ngidx_postings_tf(p) == l->tfs[k], "%s: document %u: tf %u, expected %u", what,
		      l->docs[k], ngidx_postings_tf(p), l->tfs[k]);
		check_positions_at(p, l, k, what);
	}
	CHECK(ngidx_postings_next(p, &err) == 0, "%s: more than df documents", what);
	CHECK(ngidx_postings_next(p, &err) == 0, "%s: next after the end", what);
	CHECK(ngidx_postings_seek(p, 0, &err) == 0, "%s: seek after the end", what);
	ngidx_postings_free(p);
}

/* First index >= from whose document is >= target, or df. */
static uint32_t lower_bound(const plist *l, uint32_t from, uint32_t target)
{
	uint32_t lo = from, hi = l->df;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (l->docs[mid] < target)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Random walk of next() and seek() calls against the list: seek lands on
 * the first document >= target at or after the current one, and never
 * moves backwards.
 */
static void check_cursor_seeks(const ngidx_index *idx, uint64_t id, const plist *l, uint64_t ndocs,
                               rng *r, unsigned steps, const char *what)
{
	ngidx_postings *p = NULL;
	ngidx_error err = { 0 };
	int rc = ngidx_postings_open(idx, id, &p, &err);
	CHECK(rc == NGIDX_OK, "%s: postings_open: %d %s", what, rc, err.msg);
	int64_t cur = -1; /* index of the current document, -1 before the first */
	int done = 0;
	uint64_t span = ndocs + 3;
	for (unsigned s = 0; s < steps; s++) {
		uint32_t op = rng_below(r, 10);
		int want, got;
		if (op < 3) {
			got = ngidx_postings_next(p, &err);
			if (done) {
				want = 0;
			} else if (cur + 1 >= (int64_t)l->df) {
				want = 0;
				done = 1;
			} else {
				want = 1;
				cur++;
			}
			CHECK(got == want, "%s: step %u next gave %d, expected %d", what, s, got, want);
		} else {
			uint32_t target;
			uint32_t base = cur >= 0 ? l->docs[cur] : 0;
			switch (op) {
			case 3: /* backwards or onto the current document */
				target = base - (base ? rng_below(r, base + 1) : 0);
				break;
			case 4: /* anywhere */
				target = (uint32_t)(((rng_next(r) >> 32) * span) >> 32);
				break;
			case 5: /* exactly a later document */
			case 6: /* just past a later document */
			{
				uint32_t k = cur + 1 < (int64_t)l->df
				                     ? (uint32_t)(cur + 1) + rng_below(r, l->df - (uint32_t)(cur + 1))
				                     : l->df - 1;
				target = l->docs[k];
				if (op == 6 && target < UINT32_MAX)
					target++;
				break;
			}
			default: /* a short hop forward */
			{
				uint64_t t = (uint64_t)base + rng_below(r, 1 + (uint32_t)(span / (l->df + 1u)) * 3);
				target = t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
				break;
			}
			}
			got = ngidx_postings_seek(p, target, &err);
			if (done) {
				want = 0;
			} else if (cur >= 0 && l->docs[cur] >= target) {
				want = 1;
			} else {
				uint32_t k = lower_bound(l, (uint32_t)(cur < 0 ? 0 : cur), target);
				if (k == l->df) {
					want = 0;
					done = 1;
				} else {
					want = 1;
					cur = k;
				}
			}
			CHECK(got == want, "%s: step %u seek(%u) gave %d, expected %d (%s)", what, s, target,
			      got, want, err.msg);
		}
		if (want == 1) {
			CHECK(ngidx_postings_doc(p) == l->docs[cur],
			      "%s: step %u: at document %u, expected %u", what, s, ngidx_postings_doc(p),
			      l->docs[cur]);
			CHECK(ngidx_postings_tf(p) == l->tfs[cur], "%s: step %u: tf %u, expected %u", what, s,
			      ngidx_postings_tf(p), l->tfs[cur]);
			if (l->n == 1 && rng_below(r, 4) == 0)
				check_positions_at(p, l, (size_t)cur, what);
		}
	}
	ngidx_postings_free(p);
}

/* ---- building through the public API -------------------------------------- */

typedef struct bopts {
	int format;
	unsigned max_n;
	uint32_t min_df, min_count;
	int threads;
	uint64_t memory;
	int store_text;
} bopts;

/* Whether the build options @b keep @t in the lexicon. */
static int kept(const mterm *t, const bopts *b)
{
	return t->n == 1 || (t->df >= b->min_df && t->cf >= b->min_count);
}

static void build_or_die(const char *out, const char *const *inputs, size_t nin, const bopts *b,
                         ngidx_build_stats *st)
{
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	o.output = out;
	o.inputs = inputs;
	o.ninputs = nin;
	o.format = b->format;
	o.max_n = b->max_n;
	o.min_df = b->min_df;
	o.min_count = b->min_count;
	o.threads = b->threads;
	o.memory = b->memory;
	o.store_text = b->store_text;
	ngidx_error err = { 0 };
	int rc = ngidx_build(&o, st, &err);
	cr_assert_eq(rc, NGIDX_OK, "ngidx_build: %d %s", rc, err.msg);
}

static ngidx_index *open_or_die(const char *path)
{
	ngidx_index *idx = NULL;
	ngidx_error err = { 0 };
	int rc = ngidx_index_open(&idx, path, NULL, &err);
	cr_assert_eq(rc, NGIDX_OK, "open %s: %d %s", path, rc, err.msg);
	return idx;
}

/* ---- the comparison of an index with the model ---------------------------- */

static void check_index(const char *path, model *m, const bopts *b, rng *r)
{
	ngidx_index *idx = open_or_die(path);
	ngidx_error err = { 0 };
	int rc = ngidx_index_verify(idx, &err);
	cr_assert_eq(rc, NGIDX_OK, "verify: %d %s", rc, err.msg);

	/* Info. */
	ngidx_index_info info;
	ngidx_index_get_info(idx, &info);
	uint64_t want_n[16] = { 0 }, want_occ[16] = { 0 }, want_terms = 0;
	for (size_t i = 0; i < m->nt; i++) {
		m->t[i].seen = 0;
		if (!kept(&m->t[i], b))
			continue;
		want_terms++;
		want_n[m->t[i].n - 1]++;
		want_occ[m->t[i].n - 1] += m->t[i].cf;
	}
	cr_assert_eq(info.format_major, NGIDX_FORMAT_MAJOR);
	cr_assert_eq(info.format_minor, NGIDX_FORMAT_MINOR);
	cr_assert_eq(info.max_n, b->max_n);
	cr_assert_eq(info.min_df, b->min_df);
	cr_assert_eq(info.min_count, b->min_count);
	cr_assert_eq(info.has_text, b->store_text);
	cr_assert_eq(info.docs, m->nd);
	cr_assert_eq(info.tokens, m->ntokens);
	cr_assert_eq(info.terms, want_terms, "terms %" PRIu64 ", model %" PRIu64, info.terms, want_terms);
	for (int k = 0; k < 16; k++) {
		cr_assert_eq(info.terms_n[k], want_n[k], "terms of n = %d", k + 1);
		cr_assert_eq(info.occurrences_n[k], want_occ[k], "occurrences of n = %d", k + 1);
	}
	struct stat sb;
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(info.file_bytes, (uint64_t)sb.st_size);
	uint64_t in_bytes = 0;
	for (size_t i = 0; i < m->nd; i++)
		in_bytes += m->d[i].len;
	cr_assert_eq(info.input_bytes, in_bytes);

	/* Sections: in file order, aligned, the known names present. */
	const char *need[] = { "info", "lexicon", "lexdata", "lexdir", "termtext", "postings", "docs", "docstr", "sents" };
	enum { NEED = sizeof need / sizeof *need };
	int have[NEED] = { 0 }, have_text = 0;
	uint64_t prev_end = 0;
	ngidx_section_info s;
	size_t nsec = 0;
	for (; ngidx_index_section(idx, nsec, &s) == 0; nsec++) {
		cr_assert_eq(s.offset % 64, 0, "section %s at %" PRIu64, s.name, s.offset);
		cr_assert_geq(s.offset, prev_end);
		prev_end = s.offset + s.length;
		for (int k = 0; k < NEED; k++)
			have[k] += !strcmp(s.name, need[k]);
		have_text += !strcmp(s.name, "text");
	}
	cr_assert_leq(prev_end, (uint64_t)sb.st_size - 8);
	for (int k = 0; k < NEED; k++)
		cr_assert_eq(have[k], 1, "section %s", need[k]);
	cr_assert_eq(have_text, b->store_text);

	/* Every term: text, n, df, cf, lookup, postings, positions. */
	for (uint64_t id = 0; id < info.terms; id++) {
		ngidx_term t;
		rc = ngidx_term_get(idx, id, &t, &err);
		CHECK(rc == NGIDX_OK, "term_get %" PRIu64 ": %d %s", id, rc, err.msg);
		CHECK(t.id == id, "term %" PRIu64 " has id %" PRIu64, id, t.id);
		mterm *mt = model_find(m, t.text, t.text_len);
		CHECK(mt != NULL, "term %" PRIu64 " '%.*s' is not in the corpus", id, (int)t.text_len, t.text);
		CHECK(kept(mt, b), "term '%s' (df %u, cf %" PRIu64 ") should be dropped by min_df %u, "
		      "min_count %u", mt->text, mt->df, mt->cf, b->min_df, b->min_count);
		CHECK(!mt->seen, "term '%s' appears twice in the lexicon", mt->text);
		mt->seen = 1;
		CHECK(t.n == mt->n, "'%s': n %u, expected %u", mt->text, t.n, mt->n);
		CHECK(t.df == mt->df, "'%s': df %u, expected %u", mt->text, t.df, mt->df);
		CHECK(t.cf == mt->cf, "'%s': cf %" PRIu64 ", expected %" PRIu64, mt->text, t.cf, mt->cf);
		ngidx_term f;
		int g = ngidx_term_find(idx, mt->text, mt->len, &f);
		CHECK(g == 1 && f.id == id, "term_find('%s') gave %d id %" PRIu64 ", expected id %" PRIu64,
		      mt->text, g, f.id, id);
		plist l = { mt->n, mt->df, mt->cf, mt->docs, mt->tfs, mt->pos, NULL };
		if (mt->n == 1)
			plist_posoff(&l);
		char what[96];
		snprintf(what, sizeof what, "term '%.40s'", mt->text);
		check_cursor_full(idx, id, &l, what);
		if (mt->df >= 64 || rng_below(r, 50) == 0)
			check_cursor_seeks(idx, id, &l, m->nd, r,
			                   mt->df >= 64 ? 300 : 30, what);
		free(l.posoff);
	}
	for (size_t i = 0; i < m->nt; i++)
		CHECK(m->t[i].seen || !kept(&m->t[i], b), "'%s' is missing from the lexicon",
		      m->t[i].text);
	ngidx_term t;
	cr_assert_eq(ngidx_term_get(idx, info.terms, &t, &err), NGIDX_ERR_RANGE);
	ngidx_postings *p = (ngidx_postings *)1;
	cr_assert_eq(ngidx_postings_open(idx, info.terms, &p, &err), NGIDX_ERR_RANGE);
	cr_assert_null(p);

	/* Absent n-grams: dropped ones, too long ones, random ones, odd forms. */
	for (size_t i = 0; i < m->nt; i++)
		if (!kept(&m->t[i], b))
			CHECK(ngidx_term_find(idx, m->t[i].text, m->t[i].len, &t) == 0,
			      "dropped '%s' is found", m->t[i].text);
	sbuf q = { 0 };
	size_t *uni = xrealloc(NULL, m->nt * sizeof *uni), nuni = 0;
	for (size_t i = 0; i < m->nt; i++)
		if (m->t[i].n == 1)
			uni[nuni++] = i;
	for (int k = 0; k < 2000; k++) {
		q.len = 0;
		unsigned n = 1 + rng_below(r, b->max_n + 2);
		for (unsigned i = 0; i < n; i++) {
			if (i)
				sb_puts(&q, " ");
			if (rng_below(r, 8) == 0) {
				sb_puts(&q, "zz"); /* never generated */
			} else {
				const mterm *u = &m->t[uni[rng_below(r, (uint32_t)nuni)]];
				sb_put(&q, u->text, u->len);
			}
		}
		const mterm *mt = model_find(m, q.p, q.len);
		int want = mt && kept(mt, b);
		int g = ngidx_term_find(idx, q.p, q.len, &t);
		CHECK(g == want, "term_find('%s') gave %d, expected %d", q.p, g, want);
	}
	const char *odd[] = { "", " ", "zz", "ZZ" };
	for (size_t k = 0; k < sizeof odd / sizeof *odd; k++)
		cr_assert_eq(ngidx_term_find(idx, odd[k], strlen(odd[k]), &t), 0, "'%s'", odd[k]);
	for (size_t i = 0; i < m->nt && i < 200; i++) {
		/* the same text with a trailing space, or a doubled space */
		q.len = 0;
		sb_put(&q, m->t[i].text, m->t[i].len);
		sb_puts(&q, " ");
		CHECK(ngidx_term_find(idx, q.p, q.len, &t) == 0, "'%s' found", q.p);
	}
	free(q.p);
	free(uni);

	/* Documents: names, token counts, text. */
	char *buf = NULL;
	size_t cap = 0;
	for (uint32_t i = 0; i < m->nd; i++) {
		ngidx_doc d;
		rc = ngidx_doc_get(idx, i, &d, &err);
		CHECK(rc == NGIDX_OK, "doc_get %u: %d %s", i, rc, err.msg);
		CHECK(d.id == i, "doc %u has id %u", i, d.id);
		CHECK(d.name_len == strlen(m->d[i].name) && !memcmp(d.name, m->d[i].name, d.name_len),
		      "doc %u is named '%.*s', expected '%s'", i, (int)d.name_len, d.name, m->d[i].name);
		CHECK(d.tokens == m->d[i].ntok, "doc %u: %u tokens, expected %u", i, d.tokens, m->d[i].ntok);
		CHECK(d.text_bytes == m->d[i].len, "doc %u: %u bytes, expected %zu", i, d.text_bytes,
		      m->d[i].len);
		CHECK((d.tokens == 0) == (d.sentences == 0) && d.sentences <= d.tokens,
		      "doc %u: %u sentences for %u tokens", i, d.sentences, d.tokens);
		CHECK(d.date == 0 && !d.bad_utf8 && d.meta_len == 0, "doc %u: date/flags/meta", i);
		size_t len = 12345;
		rc = ngidx_doc_text(idx, i, &buf, &cap, &len, &err);
		if (!b->store_text) {
			CHECK(rc == NGIDX_ERR_NOTEXT, "doc_text without text gave %d", rc);
			continue;
		}
		CHECK(rc == NGIDX_OK, "doc_text %u: %d %s", i, rc, err.msg);
		CHECK(len == m->d[i].len && (!len || !memcmp(buf, m->d[i].text, len)),
		      "doc %u: text differs (%zu bytes, expected %zu)", i, len, m->d[i].len);
	}
	ngidx_buffer_free(buf);
	ngidx_doc d;
	cr_assert_eq(ngidx_doc_get(idx, (uint32_t)m->nd, &d, &err), NGIDX_ERR_RANGE);
	buf = NULL;
	cap = 0;
	size_t len;
	rc = ngidx_doc_text(idx, (uint32_t)m->nd, &buf, &cap, &len, &err);
	cr_assert(rc == (b->store_text ? NGIDX_ERR_RANGE : NGIDX_ERR_NOTEXT), "doc_text past the end: %d", rc);
	ngidx_buffer_free(buf);
	ngidx_index_free(idx);

	/* Opening with verify gives the same answer. */
	ngidx_open_opts oo = { 1 };
	rc = ngidx_index_open(&idx, path, &oo, &err);
	cr_assert_eq(rc, NGIDX_OK, "open with verify: %d %s", rc, err.msg);
	ngidx_index_free(idx);
}

/* ---- corpus generation ---------------------------------------------------- */

typedef struct vocab {
	char **w;
	size_t n;
} vocab;

/* @n distinct words of 1..7 letters from a..p (q..z are for special words). */
static void vocab_make(vocab *v, rng *r, size_t n)
{
	v->w = xrealloc(NULL, n * sizeof *v->w);
	v->n = 0;
	while (v->n < n) {
		char b[8];
		size_t l = 1 + rng_below(r, v->n < 16 ? 3 : 7);
		for (size_t i = 0; i < l; i++)
			b[i] = (char)('a' + rng_below(r, 16));
		b[l] = 0;
		size_t i;
		for (i = 0; i < v->n; i++)
			if (!strcmp(v->w[i], b))
				break;
		if (i == v->n)
			v->w[v->n++] = xstrndup(b, l);
	}
}

static void vocab_free(vocab *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->w[i]);
	free(v->w);
}

/* A document under construction: a list of word pointers. */
typedef struct wlist {
	const char **w;
	size_t n, cap;
} wlist;

static void wl_push(wlist *l, const char *w)
{
	GROW(l->w, l->cap, l->n + 1);
	l->w[l->n++] = w;
}

static void wl_insert(wlist *l, size_t at, const char *w)
{
	GROW(l->w, l->cap, l->n + 1);
	memmove(l->w + at + 1, l->w + at, (l->n - at) * sizeof *l->w);
	l->w[at] = w;
	l->n++;
}

/* Render words with random ASCII separators (no newline unless @nl). */
static void render(sbuf *out, const wlist *l, rng *r, int nl)
{
	static const char *const sep[] = { " ", " ", " ", " ", ", ", ". ", "; ", " - ", "! ", "? ",
		                           " (", ") ", "'", "\"", ":", "  ", "\t", "/", "...", "_" };
	static const char *const sep_nl[] = { "\n", ".\n\n", "\n\t" };
	out->len = 0;
	if (rng_below(r, 4) == 0)
		sb_puts(out, rng_below(r, 2) ? "\"" : "-- ");
	for (size_t i = 0; i < l->n; i++) {
		if (i) {
			if (nl && rng_below(r, 12) == 0)
				sb_puts(out, sep_nl[rng_below(r, 3)]);
			else
				sb_puts(out, sep[rng_below(r, sizeof sep / sizeof *sep)]);
		}
		sb_puts(out, l->w[i]);
	}
	if (rng_below(r, 3) == 0)
		sb_puts(out, rng_below(r, 2) ? "." : " !?");
	if (!out->p)
		sb_puts(out, "");
}

/* Text of a document without any token. */
static void render_empty(sbuf *out, rng *r)
{
	static const char *const e[] = { "", "", " ", "...", " -- , ! ", "()", "_ _", "'\"'" };
	out->len = 0;
	sb_puts(out, e[rng_below(r, sizeof e / sizeof *e)]);
}

/*
 * Corpus A: @ndocs documents for the lines format. Words of a Zipf
 * vocabulary, phrases repeated with overlaps, ~4% documents without any
 * token, special words inserted into exactly k random documents for the
 * block-boundary dfs, "qhot" in most documents with many positions,
 * "qbig" 3000 times in one document, "qsolo" 5 times in one document.
 */
static wlist *corpus_words(rng *r, const vocab *v, size_t ndocs, unsigned maxlen, int specials)
{
	wlist *docs = calloc(ndocs, sizeof *docs);
	cr_assert_not_null(docs);
	for (size_t d = 0; d < ndocs; d++) {
		wlist *l = &docs[d];
		if (rng_below(r, 25) == 0)
			continue; /* no token */
		unsigned len = 1 + rng_below(r, maxlen);
		while (l->n < len) {
			if (rng_below(r, 10) == 0 && l->n >= 2) {
				/* repeat the last two words a few times: "a b a b a b" */
				const char *a = l->w[l->n - 2], *b2 = l->w[l->n - 1];
				unsigned k = 1 + rng_below(r, 3);
				for (unsigned i = 0; i < k; i++) {
					wl_push(l, a);
					wl_push(l, b2);
				}
			} else {
				wl_push(l, v->w[rng_zipf(r, (uint32_t)v->n)]);
			}
		}
	}
	if (!specials)
		return docs;
	static const char *const name[] = { "qa", "qb", "qc", "qd", "qe", "qf", "qg", "qh" };
	static const uint32_t dfs[] = { 127, 128, 129, 255, 256, 257, 384, 1 };
	size_t *pick = xrealloc(NULL, ndocs * sizeof *pick);
	for (size_t s = 0; s < sizeof dfs / sizeof *dfs; s++) {
		/* the first dfs[s] of a random permutation of the non-empty documents */
		size_t np = 0;
		for (size_t d = 0; d < ndocs; d++)
			if (docs[d].n)
				pick[np++] = d;
		cr_assert_geq(np, dfs[s]);
		for (size_t i = 0; i < dfs[s]; i++) {
			size_t j = i + rng_below(r, (uint32_t)(np - i));
			size_t tmp = pick[i];
			pick[i] = pick[j];
			pick[j] = tmp;
			wlist *l = &docs[pick[i]];
			unsigned k = 1 + (rng_below(r, 3) == 0 ? rng_below(r, 3) : 0);
			for (unsigned c = 0; c < k; c++)
				wl_insert(l, rng_below(r, (uint32_t)l->n + 1), name[s]);
		}
	}
	free(pick);
	for (size_t d = 0; d < ndocs; d++) {
		wlist *l = &docs[d];
		if (!l->n || rng_below(r, 10) == 0)
			continue;
		unsigned k = 1 + rng_below(r, 20);
		for (unsigned c = 0; c < k; c++)
			wl_insert(l, rng_below(r, (uint32_t)l->n + 1), "qhot");
	}
	size_t big = rng_below(r, (uint32_t)ndocs);
	for (unsigned c = 0; c < 3000; c++)
		wl_push(&docs[big], "qbig");
	size_t solo = rng_below(r, (uint32_t)ndocs);
	for (unsigned c = 0; c < 5; c++)
		wl_insert(&docs[solo], docs[solo].n ? rng_below(r, 2) * docs[solo].n : 0, "qsolo");
	return docs;
}

static void corpus_free(wlist *docs, size_t n)
{
	for (size_t d = 0; d < n; d++)
		free(docs[d].w);
	free(docs);
}

/* Write @docs as one lines-format file at @path; fill @texts. */
static void write_lines_corpus(const char *path, wlist *docs, size_t ndocs, rng *r, sbuf *all,
                               char ***texts)
{
	sbuf one = { 0 };
	all->len = 0;
	*texts = xrealloc(NULL, ndocs * sizeof **texts);
	for (size_t d = 0; d < ndocs; d++) {
		if (docs[d].n)
			render(&one, &docs[d], r, 0);
		else
			render_empty(&one, r);
		(*texts)[d] = xstrndup(one.p ? one.p : "", one.len);
		sb_put(all, one.p ? one.p : "", one.len);
		sb_puts(all, "\n");
	}
	write_file(path, all->p, all->len);
	free(one.p);
}

/* ---- 1. the encoder ------------------------------------------------------- */

/* A generated postings list with owned arrays. */
typedef struct glist {
	unsigned n;
	uint32_t df;
	uint64_t cf;
	uint32_t *docs, *tfs, *pos;
	size_t npos;
} glist;

/*
 * A list of @df documents of n-gram length @n. @dmode: 0 random gaps, 1
 * consecutive ids, 2 gaps with rare huge jumps, 3 ending at UINT32_MAX - 1.
 * @tmode: 0 small tf, 1 geometric, 2 up to UINT32_MAX (n >= 2 only).
 */
static void glist_make(glist *g, rng *r, unsigned n, uint32_t df, int dmode, int tmode, uint32_t tf_cap)
{
	memset(g, 0, sizeof *g);
	g->n = n;
	g->df = df;
	g->docs = xrealloc(NULL, df * sizeof *g->docs);
	g->tfs = xrealloc(NULL, df * sizeof *g->tfs);
	uint64_t d = dmode == 1 ? rng_below(r, 10) : rng_below(r, 1000);
	for (uint32_t i = 0; i < df; i++) {
		if (i) {
			uint64_t gap;
			switch (dmode) {
			case 1: gap = 1; break;
			case 2: gap = rng_below(r, 50) == 0 ? 1 + (rng_next(r) >> 44) : 1 + rng_below(r, 4); break;
			default: gap = 1 + rng_below(r, 300); break;
			}
			d += gap;
		}
		g->docs[i] = (uint32_t)d;
	}
	if (dmode == 3 || d >= UINT32_MAX - 1) {
		/* shift so that the last document is UINT32_MAX - 1 */
		uint32_t last = g->docs[df - 1];
		if (d >= UINT32_MAX - 1) { /* compress the ids first */
			for (uint32_t i = 0; i < df; i++)
				g->docs[i] = i * 2;
			last = g->docs[df - 1];
		}
		uint32_t shift = (UINT32_MAX - 1) - last;
		for (uint32_t i = 0; i < df; i++)
			g->docs[i] += shift;
	}
	for (uint32_t i = 0; i < df; i++) {
		uint32_t tf;
		switch (tmode) {
		case 1: {
			tf = 1;
			while (tf < tf_cap / 2 && rng_below(r, 3) == 0)
				tf *= 2;
			tf += rng_below(r, tf);
			break;
		}
		case 2: tf = rng_below(r, 4) == 0 ? UINT32_MAX - rng_below(r, 3) : 1 + (uint32_t)(rng_next(r) >> 33); break;
		default: tf = 1 + rng_below(r, 3); break;
		}
		if (tf > tf_cap)
			tf = tf_cap;
		g->tfs[i] = tf;
		g->cf += tf;
	}
	if (n == 1) {
		g->pos = xrealloc(NULL, (size_t)g->cf * sizeof *g->pos);
		size_t k = 0;
		for (uint32_t i = 0; i < df; i++) {
			/* increasing positions, mostly dense, sometimes far apart */
			uint64_t p = rng_below(r, 20);
			uint64_t room = (UINT32_MAX - 2) - (uint64_t)g->tfs[i];
			for (uint32_t j = 0; j < g->tfs[i]; j++) {
				if (j)
					p += 1 + (rng_below(r, 100) == 0 ? rng_below(r, 1u << 20) : rng_below(r, 6));
				if (p > room + j)
					p = room + j; /* stay below UINT32_MAX - 1 */
				g->pos[k++] = (uint32_t)p;
			}
			/* fix any non-increasing tail caused by the clamp */
			for (uint32_t j = 1; j < g->tfs[i]; j++)
				if (g->pos[k - g->tfs[i] + j] <= g->pos[k - g->tfs[i] + j - 1])
					g->pos[k - g->tfs[i] + j] = g->pos[k - g->tfs[i] + j - 1] + 1;
		}
		g->npos = k;
	}
}

static void glist_free(glist *g)
{
	free(g->docs);
	free(g->tfs);
	free(g->pos);
}

/* Values @v[0, n): one pfor block when n == NGIDX_BLOCK, else varints. */
static void ref_values(sbuf *o, const uint32_t *v, size_t n)
{
	uint8_t tmp[NGIDX_BLOCK * 8 + 64];
	size_t k = 0;
	if (n == NGIDX_BLOCK) {
		cr_assert_leq(ngidx_pfor_bound(n), sizeof tmp);
		k = ngidx_pfor_encode(v, n, tmp);
	} else if (n >= NGIDX_RICE_MIN) {
		cr_assert_leq(ngidx_rice_bound(n), sizeof tmp);
		k = ngidx_rice_encode(v, n, tmp);
	} else {
		for (size_t i = 0; i < n; i++)
			k += ngidx_varint_put(tmp + k, v[i]);
	}
	sb_put(o, tmp, k);
}

/* The bytes idx_format.h prescribes for list @g. */
static void ref_encode(sbuf *o, const glist *g)
{
	o->len = 0;
	uint64_t nblocks = ((uint64_t)g->df + NGIDX_BLOCK - 1) / NGIDX_BLOCK;
	uint64_t *boff = xrealloc(NULL, nblocks * sizeof *boff);
	uint32_t v[NGIDX_BLOCK];
	int64_t prev = -1;
	size_t pk = 0;
	uint32_t *pv = NULL;
	size_t pvcap = 0;
	for (uint64_t b = 0; b < nblocks; b++) {
		boff[b] = o->len;
		uint32_t lo = (uint32_t)(b * NGIDX_BLOCK);
		uint32_t m = g->df - lo < NGIDX_BLOCK ? g->df - lo : NGIDX_BLOCK;
		for (uint32_t i = 0; i < m; i++) {
			v[i] = (uint32_t)((int64_t)g->docs[lo + i] - prev - 1);
			prev = g->docs[lo + i];
		}
		ref_values(o, v, m);
		if (g->df > 1 && g->cf > g->df) {
			for (uint32_t i = 0; i < m; i++)
				v[i] = g->tfs[lo + i] - 1;
			ref_values(o, v, m);
		}
		if (g->n == 1) {
			size_t np = 0;
			for (uint32_t i = 0; i < m; i++) {
				GROW(pv, pvcap, np + g->tfs[lo + i]);
				for (uint32_t j = 0; j < g->tfs[lo + i]; j++, pk++)
					pv[np++] = j ? g->pos[pk] - g->pos[pk - 1] - 1 : g->pos[pk];
			}
			for (size_t i = 0; i < np; i += NGIDX_BLOCK)
				ref_values(o, pv + i, np - i < NGIDX_BLOCK ? np - i : NGIDX_BLOCK);
		}
	}
	if (nblocks > 1) {
		for (uint64_t b = 0; b < nblocks; b++) {
			unsigned char e[16] = { 0 };
			uint32_t last = g->docs[b + 1 < nblocks ? (b + 1) * NGIDX_BLOCK - 1 : g->df - 1];
			ngidx_put64(e, boff[b]);
			ngidx_put32(e + 8, last);
			sb_put(o, e, 16);
		}
	}
	free(boff);
	free(pv);
}

Test(format, postings_encoder_known_bytes, .init = fixture_setup, .fini = fixture_teardown)
{
	/* Small lists spelled out from the spec: varint gaps, tf - 1, positions. */
	ngidx_wfile w;
	ngidx_error err = { 0 };
	cr_assert_eq(ngidx_wfile_open(&w, tp("p.bin"), 4096, &err), NGIDX_OK, "%s", err.msg);
	post_enc e;
	post_enc_init(&e, &w);
	/* df 1, n 2: the document only (tf = cf is not stored) */
	post_enc_begin(&e, 2, 1, 7);
	cr_assert_eq(post_enc_add(&e, 5, 7, NULL), NGIDX_OK);
	cr_assert_eq(post_enc_end(&e), NGIDX_OK);
	/* df 2, n 3: gaps 3, 6; tf - 1: 0, 3 */
	post_enc_begin(&e, 3, 2, 5);
	cr_assert_eq(post_enc_add(&e, 3, 1, NULL), NGIDX_OK);
	cr_assert_eq(post_enc_add(&e, 10, 4, NULL), NGIDX_OK);
	cr_assert_eq(post_enc_end(&e), NGIDX_OK);
	/* df 1, n 1, tf 2 at positions 4 and 9: gap 4; positions 4, 4 */
	const uint32_t pos1[] = { 4, 9 };
	post_enc_begin(&e, 1, 1, 2);
	cr_assert_eq(post_enc_add(&e, 4, 2, pos1), NGIDX_OK);
	cr_assert_eq(post_enc_end(&e), NGIDX_OK);
	/* df 2, n 1: doc 0 tf 1 at 0; doc 200 tf 2 at 127, 128 */
	const uint32_t pa[] = { 0 }, pb[] = { 127, 128 };
	post_enc_begin(&e, 1, 2, 3);
	cr_assert_eq(post_enc_add(&e, 0, 1, pa), NGIDX_OK);
	cr_assert_eq(post_enc_add(&e, 200, 2, pb), NGIDX_OK);
	cr_assert_eq(post_enc_end(&e), NGIDX_OK);
	/* df 3 = cf 3, n 2: gaps 2, 1, 4 and no tf (all 1) */
	post_enc_begin(&e, 2, 3, 3);
	cr_assert_eq(post_enc_add(&e, 2, 1, NULL), NGIDX_OK);
	cr_assert_eq(post_enc_add(&e, 4, 1, NULL), NGIDX_OK);
	cr_assert_eq(post_enc_add(&e, 9, 1, NULL), NGIDX_OK);
	cr_assert_eq(post_enc_end(&e), NGIDX_OK);
	/* df 2 = cf 2, n 1: doc 1 at 5, doc 3 at 0: gaps 1, 1; positions 5, 0 */
	const uint32_t p5[] = { 5 }, p0[] = { 0 };
	post_enc_begin(&e, 1, 2, 2);
	cr_assert_eq(post_enc_add(&e, 1, 1, p5), NGIDX_OK);
	cr_assert_eq(post_enc_add(&e, 3, 1, p0), NGIDX_OK);
	cr_assert_eq(post_enc_end(&e), NGIDX_OK);
	/* wrong occurrence counts: the tf would be lost, or be wrong */
	post_enc_begin(&e, 2, 2, 2);
	cr_assert_eq(post_enc_add(&e, 1, 1, NULL), NGIDX_OK);
	cr_assert_eq(post_enc_add(&e, 2, 2, NULL), NGIDX_OK);
	cr_assert_eq(post_enc_end(&e), NGIDX_ERR_INPUT, "more occurrences than cf");
	post_enc_begin(&e, 2, 2, 4);
	cr_assert_eq(post_enc_add(&e, 1, 1, NULL), NGIDX_OK);
	cr_assert_eq(post_enc_add(&e, 2, 2, NULL), NGIDX_OK);
	cr_assert_eq(post_enc_end(&e), NGIDX_ERR_INPUT, "fewer occurrences than cf");
	/* wrong document counts */
	post_enc_begin(&e, 2, 3, 3);
	cr_assert_eq(post_enc_add(&e, 1, 1, NULL), NGIDX_OK);
	cr_assert_eq(post_enc_add(&e, 2, 1, NULL), NGIDX_OK);
	cr_assert_eq(post_enc_end(&e), NGIDX_ERR_INPUT, "fewer documents than df");
	post_enc_begin(&e, 2, 1, 2);
	cr_assert_eq(post_enc_add(&e, 1, 1, NULL), NGIDX_OK);
	cr_assert_eq(post_enc_add(&e, 2, 1, NULL), NGIDX_OK);
	cr_assert_eq(post_enc_end(&e), NGIDX_ERR_INPUT, "more documents than df");
	post_enc_release(&e);
	cr_assert_eq(ngidx_wfile_close(&w, 0, &err), NGIDX_OK, "%s", err.msg);
	size_t len;
	unsigned char *p = read_whole(tp("p.bin"), &len);
	static const unsigned char want[] = {
		5,                                /* df 1, n 2 */
		3, 6, 0, 3,                       /* df 2, n 3 */
		4, 4, 4,                          /* df 1, n 1 */
		0, 0xc7, 0x01, 0, 1, 0, 127, 0,   /* df 2, n 1: gaps 0, 199; tf-1; positions */
		2, 1, 4,                          /* df 3 = cf, n 2 */
		1, 1, 5, 0,                       /* df 2 = cf, n 1 */
	};
	cr_assert_geq(len, sizeof want);
	for (size_t i = 0; i < sizeof want; i++)
		cr_assert_eq(p[i], want[i], "byte %zu is %u, expected %u", i, p[i], want[i]);
	free(p);
}

/*
 * A minimal open index over a file of postings only, so that the cursor can
 * be run on lists no real corpus could produce (document ids up to
 * UINT32_MAX - 1, tf up to UINT32_MAX). It fills the fields of struct
 * ngidx_index that the lexicon decoder (idx_term_at) and the cursor read,
 * with a LEXICON, LEXDATA and TERMTEXT built by the layout of idx_format.h:
 * term i's text is n words "t" (the reader takes n from the spaces), every
 * hash40 is 0. Tied to that layout: update it with the format.
 */
/* Where a list went in the postings file. */
typedef struct tent {
	uint64_t post_off, cf;
	uint32_t df;
	unsigned n;
} tent;

typedef struct fake_index {
	ngidx_index *x;
	idx_sec post, text;
	struct ngx_lex_block *blocks;
	sbuf lexdata, termtext;
} fake_index;

static void put_varint_sb(sbuf *b, uint64_t v)
{
	uint8_t tmp[NGIDX_VARINT64_MAX];
	sb_put(b, tmp, ngidx_varint_put(tmp, v));
}

static void fake_index_make(fake_index *f, const unsigned char *post, size_t post_len,
                            const tent *lex, size_t nterms)
{
	memset(f, 0, sizeof *f);
	size_t nblocks = (nterms + NGX_LEX_BLOCK - 1) / NGX_LEX_BLOCK;
	f->blocks = calloc(nblocks + 1, sizeof *f->blocks);
	cr_assert_not_null(f->blocks);
	sb_puts(&f->lexdata, "");
	sb_puts(&f->termtext, "");
	for (size_t i = 0; i < nterms; i++) {
		if (i % NGX_LEX_BLOCK == 0)
			f->blocks[i / NGX_LEX_BLOCK] = (struct ngx_lex_block){ f->lexdata.len, lex[i].post_off,
				                                               f->termtext.len };
		size_t tl = f->termtext.len;
		for (unsigned k = 0; k < lex[i].n; k++)
			sb_puts(&f->termtext, k ? " t" : "t");
		put_varint_sb(&f->lexdata, 0); /* hash40, or its difference */
		put_varint_sb(&f->lexdata, lex[i].df);
		put_varint_sb(&f->lexdata, (f->termtext.len - tl) << 1 | (lex[i].cf > lex[i].df));
		if (lex[i].cf > lex[i].df)
			put_varint_sb(&f->lexdata, lex[i].cf - lex[i].df - 1);
		put_varint_sb(&f->lexdata, lex[i + 1].post_off - lex[i].post_off);
	}
	f->blocks[nblocks] = (struct ngx_lex_block){ f->lexdata.len, post_len, f->termtext.len };
	f->post = (idx_sec){ post, 0, post_len, 0, NGX_SEC_POSTINGS };
	f->text = (idx_sec){ (const unsigned char *)f->termtext.p, 0, f->termtext.len, 0, NGX_SEC_TERMTEXT };
	ngidx_index *x = calloc(1, sizeof *x);
	cr_assert_not_null(x);
	x->by_kind[NGX_SEC_POSTINGS] = &f->post;
	x->by_kind[NGX_SEC_TERMTEXT] = &f->text;
	x->blocks = f->blocks;
	x->nterms = nterms;
	x->nblocks = nblocks;
	x->lexdata = (const unsigned char *)f->lexdata.p;
	x->lexdata_end = x->lexdata + f->lexdata.len;
	x->max_n = NGIDX_MAX_N;
	x->ndocs = UINT32_MAX;
	f->x = x;
	/* the lexicon decodes to what was encoded */
	for (size_t i = 0; i < nterms; i++) {
		ngidx_term t;
		ngidx_error err = { 0 };
		cr_assert_eq(ngidx_term_get(x, i, &t, &err), NGIDX_OK, "fake lexicon: %s", err.msg);
		cr_assert(t.n == lex[i].n && t.df == lex[i].df && t.cf == lex[i].cf, "fake lexicon term %zu", i);
	}
}

static void fake_index_free(fake_index *f)
{
	free(f->x);
	free(f->blocks);
	free(f->lexdata.p);
	free(f->termtext.p);
}

Test(format, postings_encoder_round_trip, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120)
{
	rng r = { test_seed("postings_encoder_round_trip") };
	/* The shapes: (n, df, doc mode, tf mode). */
	static const uint32_t dfs[] = { 1, 1, 2, 3, 127, 128, 129, 255, 256, 257, 383, 384, 385,
		                        640, 1000, 2048, 4097 };
	glist lists[256];
	size_t nl = 0;
	for (size_t i = 0; i < sizeof dfs / sizeof *dfs; i++) {
		glist_make(&lists[nl++], &r, 1, dfs[i], (int)rng_below(&r, 4), (int)rng_below(&r, 2), 40);
		glist_make(&lists[nl++], &r, 2 + rng_below(&r, 4), dfs[i], (int)rng_below(&r, 4),
		           (int)rng_below(&r, 3), UINT32_MAX);
	}
	for (int i = 0; i < 24; i++) {
		uint32_t df = 1 + rng_below(&r, rng_below(&r, 2) ? 300 : 5000);
		unsigned n = rng_below(&r, 2) ? 1 : 2 + rng_below(&r, 15);
		glist_make(&lists[nl++], &r, n, df, (int)rng_below(&r, 4), (int)rng_below(&r, n == 1 ? 2 : 3),
		           n == 1 ? 64 : UINT32_MAX);
	}
	/* df 1 with cf > 1: a unigram with 300 positions, an n-gram with tf UINT32_MAX */
	glist_make(&lists[nl], &r, 1, 1, 0, 0, 1);
	{
		glist *g = &lists[nl++];
		free(g->pos);
		g->tfs[0] = 300;
		g->cf = 300;
		g->pos = xrealloc(NULL, 300 * sizeof *g->pos);
		for (uint32_t j = 0; j < 300; j++)
			g->pos[j] = 3 * j + (j > 200 ? 1000000 : 0);
		g->npos = 300;
	}
	glist_make(&lists[nl], &r, 3, 1, 3, 0, 1);
	lists[nl].tfs[0] = UINT32_MAX;
	lists[nl].cf = UINT32_MAX;
	nl++;
	/* a unigram in 3 documents with 200000, 129 and 128 positions (pfor runs) */
	glist_make(&lists[nl], &r, 1, 3, 0, 0, 1);
	{
		glist *g = &lists[nl++];
		free(g->pos);
		g->tfs[0] = 200000;
		g->tfs[1] = 129;
		g->tfs[2] = 128;
		g->cf = 200000 + 129 + 128;
		g->pos = xrealloc(NULL, (size_t)g->cf * sizeof *g->pos);
		size_t k = 0;
		for (uint32_t d = 0; d < 3; d++)
			for (uint32_t j = 0; j < g->tfs[d]; j++)
				g->pos[k++] = 2 * j + (j % 1000 == 999 ? 1 : 0);
		g->npos = k;
	}
	/* a full block with every tf - 1 and gap huge (pfor exceptions) */
	glist_make(&lists[nl], &r, 2, 128, 2, 2, UINT32_MAX);
	nl++;
	cr_assert_leq(nl, sizeof lists / sizeof *lists);

	/* Encode all, back to back, through a small buffer so writes straddle flushes. */
	ngidx_wfile w;
	ngidx_error err = { 0 };
	cr_assert_eq(ngidx_wfile_open(&w, tp("post.bin"), 1000, &err), NGIDX_OK, "%s", err.msg);
	tent *lex = calloc(nl + 1, sizeof *lex);
	cr_assert_not_null(lex);
	post_enc e;
	post_enc_init(&e, &w);
	for (size_t i = 0; i < nl; i++) {
		glist *g = &lists[i];
		lex[i].post_off = w.written;
		lex[i].df = g->df;
		lex[i].cf = g->cf;
		lex[i].n = g->n;
		post_enc_begin(&e, g->n, g->df, g->cf);
		size_t pk = 0;
		for (uint32_t k = 0; k < g->df; k++) {
			int rc = post_enc_add(&e, g->docs[k], g->tfs[k], g->n == 1 ? g->pos + pk : NULL);
			cr_assert_eq(rc, NGIDX_OK);
			if (g->n == 1)
				pk += g->tfs[k];
		}
		cr_assert_eq(post_enc_end(&e), NGIDX_OK, "list %zu", i);
	}
	lex[nl].post_off = w.written;
	post_enc_release(&e);
	cr_assert_eq(ngidx_wfile_close(&w, 0, &err), NGIDX_OK, "%s", err.msg);

	/* Byte-exact against the reference encoder. */
	size_t flen;
	unsigned char *file = read_whole(tp("post.bin"), &flen);
	cr_assert_eq(flen, lex[nl].post_off);
	sbuf ref = { 0 };
	for (size_t i = 0; i < nl; i++) {
		ref_encode(&ref, &lists[i]);
		size_t got = (size_t)(lex[i + 1].post_off - lex[i].post_off);
		cr_assert_eq(got, ref.len, "list %zu (n %u, df %u): %zu bytes, spec says %zu", i,
		             lists[i].n, lists[i].df, got, ref.len);
		for (size_t k = 0; k < got; k++)
			CHECK(file[lex[i].post_off + k] == (unsigned char)ref.p[k],
			      "list %zu (n %u, df %u): byte %zu differs from the spec", i, lists[i].n,
			      lists[i].df, k);
	}
	free(ref.p);
	free(file);

	/* Read back through the cursor on a minimal index holding only postings. */
	ngidx_map map;
	cr_assert_eq(ngidx_map_file(&map, tp("post.bin"), &err), NGIDX_OK, "%s", err.msg);
	fake_index fk;
	fake_index_make(&fk, map.p, map.len, lex, nl);
	ngidx_index *x = fk.x;
	for (size_t i = 0; i < nl; i++) {
		glist *g = &lists[i];
		plist l = { g->n, g->df, g->cf, g->docs, g->tfs, g->pos, NULL };
		if (g->n == 1)
			plist_posoff(&l);
		char what[64];
		snprintf(what, sizeof what, "list %zu (n %u, df %u)", i, g->n, g->df);
		check_cursor_full(x, i, &l, what);
		/* Each block ends exactly where the next one (or the skip table) starts. */
		ngidx_postings *p;
		cr_assert_eq(ngidx_postings_open(x, i, &p, &err), NGIDX_OK, "%s", err.msg);
		int k;
		while ((k = ngidx_postings_next(p, &err)) == 1) {
			if (p->i + 1 == p->nb) {
				const unsigned char *end = p->pos_p;
				if (g->n == 1) {
					cr_assert_eq(idx_postings_block_positions(p, &err), NGIDX_OK);
					end = p->pos_end;
				}
				CHECK(end == p->blk_end, "%s: block %" PRIu64 " has %td stray bytes", what,
				      p->blk, p->blk_end - end);
			}
		}
		cr_assert_eq(k, 0);
		ngidx_postings_free(p);
		check_cursor_seeks(x, i, &l, (uint64_t)g->docs[g->df - 1] + 1, &r, g->df > 200 ? 400 : 60, what);
		free(l.posoff);
	}
	fake_index_free(&fk);
	ngidx_map_release(&map);
	free(lex);
	for (size_t i = 0; i < nl; i++)
		glist_free(&lists[i]);
}

/* Append to @post an n-gram list (no positions) of @m <= NGIDX_BLOCK
 * documents 9, 10, ... with every stored tf - 1 zero but the one at @at,
 * @v: a pfor block for 128 values, a Rice group for fewer. */
static void put_gram_list(sbuf *post, tent *t, uint32_t m, uint32_t at, uint32_t v)
{
	uint32_t vals[NGIDX_BLOCK] = { 9 }; /* gaps: the first id, then 0 */
	uint8_t enc[2 * 4 * NGIDX_BLOCK + 64];
	t->post_off = post->len;
	t->df = m;
	t->cf = m + 1;
	t->n = 2;
	for (int k = 0; k < 2; k++) {
		size_t len = m == NGIDX_BLOCK ? ngidx_pfor_encode(vals, m, enc) : ngidx_rice_encode(vals, m, enc);
		sb_put(post, enc, len);
		memset(vals, 0, sizeof vals);
		vals[at] = v;
	}
}

/* Walk list @id to its end: it must end well, or with an error whose
 * message holds @want. */
static void walk_list(const ngidx_index *x, uint64_t id, const char *want)
{
	ngidx_postings *p;
	ngidx_error err = { 0 };
	cr_assert_eq(ngidx_postings_open(x, id, &p, &err), NGIDX_OK, "%s", err.msg);
	int k;
	while ((k = ngidx_postings_next(p, &err)) == 1)
		;
	ngidx_postings_free(p);
	if (want)
		cr_assert(k < 0 && strstr(err.msg, want), "list %" PRIu64 ": %d '%s', want '%s'", id, k,
		          err.msg, want);
	else
		cr_assert_eq(k, 0, "list %" PRIu64 ": %s", id, err.msg);
}

/*
 * Document ids and frequencies at the edge of their range, in a block of
 * 128 (pfor) and one of 5 (Rice): the cursor reads the last id below the
 * document count and a tf of UINT32_MAX, and refuses one more, naming it.
 */
Test(format, postings_values_at_their_limits, .init = fixture_setup, .fini = fixture_teardown)
{
	sbuf post = { 0 };
	tent lex[5] = { 0 };
	put_gram_list(&post, &lex[0], NGIDX_BLOCK, 7, UINT32_MAX - 1); /* ids 9..136 */
	put_gram_list(&post, &lex[1], 5, 2, UINT32_MAX - 1);           /* ids 9..13 */
	put_gram_list(&post, &lex[2], NGIDX_BLOCK, 100, UINT32_MAX);
	put_gram_list(&post, &lex[3], 5, 4, UINT32_MAX);
	lex[4].post_off = post.len;
	fake_index fk;
	fake_index_make(&fk, (const unsigned char *)post.p, post.len, lex, 4);
	ngidx_index *x = fk.x;
	x->ndocs = 137;
	walk_list(x, 0, NULL);
	walk_list(x, 1, NULL);
	walk_list(x, 2, "frequency out of range");
	walk_list(x, 3, "frequency out of range");
	x->ndocs = 136;
	walk_list(x, 0, "document id out of range");
	walk_list(x, 1, NULL);
	x->ndocs = 14;
	walk_list(x, 1, NULL);
	x->ndocs = 13;
	walk_list(x, 1, "document id out of range");
	fake_index_free(&fk);
	free(post.p);
}

/* ---- 2. whole indexes against the model ----------------------------------- */

Test(format, lines_corpus_against_model, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	rng r = { test_seed("lines_corpus_against_model") };
	vocab v;
	vocab_make(&v, &r, 300);
	const size_t ndocs = 1100;
	wlist *docs = corpus_words(&r, &v, ndocs, 50, 1);
	sbuf all = { 0 };
	char **texts;
	const char *in = kp("corpus.txt");
	write_lines_corpus(in, docs, ndocs, &r, &all, &texts);
	const char *inputs[] = { in };

	static const bopts variants[] = {
		/* format, max_n, min_df, min_count, threads, memory, text */
		{ NGIDX_FORMAT_LINES, 3, 1, 1, 2, 1u << 20, 1 },
		{ NGIDX_FORMAT_LINES, 1, 1, 2, 1, 1u << 30, 0 },
		{ NGIDX_FORMAT_LINES, 5, 2, 1, 3, 1u << 20, 1 },
		{ NGIDX_FORMAT_LINES, 3, 1, 2, 2, 1u << 20, 1 },
		{ NGIDX_FORMAT_LINES, 4, 2, 3, 1, 1u << 30, 1 },
	};
	for (size_t k = 0; k < sizeof variants / sizeof *variants; k++) {
		const bopts *b = &variants[k];
		model m = { 0 };
		m.max_n = b->max_n;
		for (size_t d = 0; d < ndocs; d++) {
			char name[PATH_MAX + 32];
			snprintf(name, sizeof name, "%s:%zu", in, d + 1);
			model_add(&m, name, texts[d], strlen(texts[d]));
		}
		/* the corpus has what the test promises */
		const mterm *hot = model_find(&m, "qhot", 4);
		cr_assert(hot && hot->df > 300, "qhot df %u", hot ? hot->df : 0);
		static const char *const sp[] = { "qa", "qb", "qc", "qd", "qe", "qf", "qg", "qh" };
		static const uint32_t spdf[] = { 127, 128, 129, 255, 256, 257, 384, 1 };
		for (int i = 0; i < 8; i++) {
			const mterm *t = model_find(&m, sp[i], 2);
			cr_assert(t && t->df == spdf[i], "%s", sp[i]);
		}
		cr_assert_eq(model_find(&m, "qsolo", 5)->df, 1);
		cr_assert_geq(model_find(&m, "qsolo", 5)->cf, 5);
		cr_assert_eq(model_find(&m, "qbig", 4)->df, 1);
		size_t empty = 0;
		for (size_t d = 0; d < ndocs; d++)
			empty += m.d[d].ntok == 0;
		cr_assert_gt(empty, 0);

		char out[64];
		snprintf(out, sizeof out, "idx%zu.ngx", k);
		ngidx_build_stats st;
		build_or_die(tp(out), inputs, 1, b, &st);
		cr_assert_eq(st.docs, ndocs);
		cr_assert_eq(st.tokens, m.ntokens);
		if (b->memory == (1u << 20) && b->max_n >= 3)
			cr_assert_gt(st.runs, (uint64_t)b->threads, "1M should spill: %" PRIu64 " runs", st.runs);
		check_index(tp(out), &m, b, &r);
		model_free(&m);
	}
	for (size_t d = 0; d < ndocs; d++)
		free(texts[d]);
	free(texts);
	free(all.p);
	corpus_free(docs, ndocs);
	vocab_free(&v);
}

Test(format, text_dir_corpus_against_model, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120)
{
	rng r = { test_seed("text_dir_corpus_against_model") };
	vocab v;
	vocab_make(&v, &r, 80);
	const size_t ndocs = 60;
	wlist *docs = corpus_words(&r, &v, ndocs, 400, 0);
	cr_assert_eq(mkdir(tp("in"), 0755), 0);
	cr_assert_eq(mkdir(tp("in/b"), 0755), 0);
	bopts b = { NGIDX_FORMAT_TEXT, 2, 1, 2, 2, 1u << 30, 1 };
	model m = { 0 };
	m.max_n = b.max_n;
	sbuf one = { 0 };
	for (size_t d = 0; d < ndocs; d++) {
		/* a000.txt .. a039.txt, then b/c000.txt ..: the walk's byte order */
		char name[32];
		if (d < 40)
			snprintf(name, sizeof name, "a%03zu.txt", d);
		else
			snprintf(name, sizeof name, "b/c%03zu.txt", d - 40);
		if (d % 13 == 5) {
			one.len = 0; /* an empty file */
			sb_puts(&one, "");
		} else if (!docs[d].n || d % 17 == 3) {
			render_empty(&one, &r);
		} else {
			render(&one, &docs[d], &r, 1);
		}
		char rel[64];
		snprintf(rel, sizeof rel, "in/%s", name);
		write_file(tp(rel), one.p, one.len);
		model_add(&m, name, one.p, one.len);
	}
	free(one.p);
	const char *inputs[] = { kp("in") };
	ngidx_build_stats st;
	build_or_die(tp("dir.ngx"), inputs, 1, &b, &st);
	cr_assert_eq(st.docs, ndocs);
	check_index(tp("dir.ngx"), &m, &b, &r);
	model_free(&m);
	corpus_free(docs, ndocs);
	vocab_free(&v);
}

/* ---- 3. corruption -------------------------------------------------------- */

/* A small index with every section and a two-block list with a skip table. */
static unsigned char *small_index(rng *r, size_t *len)
{
	vocab v;
	vocab_make(&v, r, 12);
	const size_t ndocs = 170;
	wlist *docs = corpus_words(r, &v, ndocs, 10, 0);
	for (size_t d = 0; d < ndocs; d++)
		if (docs[d].n)
			wl_insert(&docs[d], rng_below(r, (uint32_t)docs[d].n + 1), "qhot");
	/* "qpair": in two documents, twice in the last, so its gaps and tf are
	 * varints (verify_stray_bytes) */
	size_t last = ndocs;
	while (last-- > 0 && !docs[last].n)
		;
	cr_assert_lt(last, ndocs);
	wl_insert(&docs[3], 0, "qpair");
	wl_push(&docs[last], "qpair");
	wl_push(&docs[last], "qpair");
	sbuf all = { 0 };
	char **texts;
	write_lines_corpus(tp("small.txt"), docs, ndocs, r, &all, &texts);
	const char *inputs[] = { kp("small.txt") };
	bopts b = { NGIDX_FORMAT_LINES, 3, 1, 1, 1, 1u << 30, 1 };
	build_or_die(tp("small.ngx"), inputs, 1, &b, NULL);
	unsigned char *p = read_whole(tp("small.ngx"), len);
	for (size_t d = 0; d < ndocs; d++)
		free(texts[d]);
	free(texts);
	free(all.p);
	corpus_free(docs, ndocs);
	vocab_free(&v);
	return p;
}

/* The byte ranges that a checksum covers: header + table, sections, trailer. */
typedef struct layout {
	uint64_t hlen;
	unsigned nsec;
	uint64_t off[NGX_MAX_SECTIONS], slen[NGX_MAX_SECTIONS];
	uint32_t kind[NGX_MAX_SECTIONS];
	const char *name[NGX_MAX_SECTIONS];
	size_t size;
} layout;

static void layout_of(const unsigned char *p, size_t len, layout *l)
{
	memset(l, 0, sizeof *l);
	l->size = len;
	l->nsec = ngidx_le32(p + 40);
	l->hlen = NGX_HEADER_SIZE + (uint64_t)l->nsec * NGX_SECTION_SIZE;
	for (unsigned i = 0; i < l->nsec; i++) {
		const unsigned char *e = p + NGX_HEADER_SIZE + (size_t)i * NGX_SECTION_SIZE;
		l->kind[i] = ngidx_le32(e);
		l->off[i] = ngidx_le64(e + 8);
		l->slen[i] = ngidx_le64(e + 16);
		l->name[i] = idx_section_name(l->kind[i]);
	}
}

/* Section holding byte @at, or -1 (header, table, padding, trailer). */
static int section_at(const layout *l, uint64_t at)
{
	for (unsigned i = 0; i < l->nsec; i++)
		if (at >= l->off[i] && at < l->off[i] + l->slen[i])
			return (int)i;
	return -1;
}

static int covered(const layout *l, uint64_t at)
{
	return at < l->hlen || at >= l->size - NGX_TRAILER_SIZE || section_at(l, at) >= 0;
}

/* Recompute the checksum of section @s and the trailer of image @p. */
static void fix_checksums(unsigned char *p, const layout *l, int s)
{
	if (s >= 0) {
		unsigned char *e = p + NGX_HEADER_SIZE + (size_t)s * NGX_SECTION_SIZE;
		ngidx_put64(e + 24, XXH64(p + l->off[s], (size_t)l->slen[s], 0));
	}
	ngidx_put64(p + l->size - NGX_TRAILER_SIZE, XXH64(p, (size_t)l->hlen, 0));
}

#define ALLOWED(rc, ...) allowed_((rc), (int[]){ __VA_ARGS__, -1000 })
static int allowed_(int rc, const int *set)
{
	for (; *set != -1000; set++)
		if (rc == *set)
			return 1;
	return 0;
}

/* An error return must come with its code and a message. */
static void check_err(int rc, const ngidx_error *err, const char *what)
{
	int code = rc < 0 ? -rc : rc;
	CHECK(err->code == code && err->msg[0], "%s: returned %d but the error says %d '%s'", what, rc,
	      err->code, err->msg);
}

/*
 * Under AddressSanitizer, fail if anything allocated so far is unreachable.
 * (A worker's own LeakSanitizer report at exit does not fail a Criterion
 * test, so the corruption tests ask explicitly.)
 */
static void check_no_leaks(const char *what)
{
#if defined(__SANITIZE_ADDRESS__)
	cr_assert_eq(__lsan_do_recoverable_leak_check(), 0, "%s: memory leaked (report above)", what);
#else
	(void)what;
#endif
}

/*
 * Read everything an index offers; every call must return one of its
 * documented codes. @return the number of error returns.
 */
static unsigned read_all(const ngidx_index *idx, rng *r)
{
	unsigned errors = 0;
	ngidx_index_info info;
	ngidx_index_get_info(idx, &info);
	ngidx_section_info s;
	for (size_t i = 0; ngidx_index_section(idx, i, &s) == 0; i++)
		CHECK(s.name != NULL, "section name");
	volatile unsigned sink = 0;
	for (uint64_t id = 0; id < info.terms; id++) {
		ngidx_error err = { 0 };
		ngidx_term t;
		int rc = ngidx_term_get(idx, id, &t, &err);
		CHECK(ALLOWED(rc, NGIDX_OK, NGIDX_ERR_CORRUPT), "term_get gave %d", rc);
		if (rc) {
			check_err(rc, &err, "term_get");
			errors++;
		} else {
			for (size_t k = 0; k < t.text_len; k++)
				sink += (unsigned char)t.text[k];
			ngidx_term f;
			int g = ngidx_term_find(idx, t.text, t.text_len, &f);
			CHECK(g == 1 || g == 0 || g == -NGIDX_ERR_CORRUPT, "term_find gave %d", g);
			errors += g < 0;
		}
		ngidx_postings *p = NULL;
		memset(&err, 0, sizeof err);
		rc = ngidx_postings_open(idx, id, &p, &err);
		CHECK(ALLOWED(rc, NGIDX_OK, NGIDX_ERR_CORRUPT), "postings_open gave %d", rc);
		if (rc) {
			check_err(rc, &err, "postings_open");
			errors++;
			continue;
		}
		int g;
		uint64_t steps = 0;
		while ((g = ngidx_postings_next(p, &err)) == 1) {
			sink += ngidx_postings_doc(p) + ngidx_postings_tf(p);
			const uint32_t *pos;
			memset(&err, 0, sizeof err);
			rc = ngidx_postings_positions(p, &pos, &err);
			CHECK(ALLOWED(rc, NGIDX_OK, NGIDX_ERR_CORRUPT, NGIDX_ERR_ARG), "positions gave %d", rc);
			if (rc == NGIDX_OK)
				for (uint32_t k = 0; k < ngidx_postings_tf(p); k++)
					sink += pos[k];
			else if (rc == NGIDX_ERR_CORRUPT) {
				check_err(rc, &err, "positions");
				errors++;
			}
			CHECK(++steps <= (uint64_t)info.docs + 1, "cursor runs past the document count");
		}
		CHECK(g == 0 || g == -NGIDX_ERR_CORRUPT, "next gave %d", g);
		if (g) {
			check_err(g, &err, "next");
			errors++;
		}
		ngidx_postings_free(p);
		/* the same list by seeks */
		if (ngidx_postings_open(idx, id, &p, &err) == NGIDX_OK) {
			uint32_t target = 0;
			for (int k = 0; k < 64; k++) {
				memset(&err, 0, sizeof err);
				g = ngidx_postings_seek(p, target, &err);
				CHECK(g == 1 || g == 0 || g == -NGIDX_ERR_CORRUPT, "seek gave %d", g);
				if (g != 1) {
					if (g)
						check_err(g, &err, "seek");
					errors += g < 0;
					break;
				}
				sink += ngidx_postings_doc(p);
				target = ngidx_postings_doc(p) + 1 + rng_below(r, 8);
			}
			ngidx_postings_free(p);
		}
	}
	char *buf = NULL;
	size_t cap = 0;
	for (uint64_t i = 0; i < info.docs; i++) {
		ngidx_error err = { 0 };
		ngidx_doc d;
		int rc = ngidx_doc_get(idx, (uint32_t)i, &d, &err);
		CHECK(ALLOWED(rc, NGIDX_OK, NGIDX_ERR_CORRUPT), "doc_get gave %d", rc);
		if (rc) {
			check_err(rc, &err, "doc_get");
			errors++;
		} else {
			for (size_t k = 0; k < d.name_len; k++)
				sink += (unsigned char)d.name[k];
			size_t mp = 0;
			const char *key, *val;
			size_t kl, vl;
			int is, g, n = 0;
			while ((g = ngidx_doc_meta_next(&d, &mp, &key, &kl, &val, &vl, &is)) == 1) {
				sink += (unsigned)(kl + vl);
				CHECK(++n < 100000, "metadata never ends");
			}
			CHECK(g == 0 || g == -NGIDX_ERR_CORRUPT, "meta_next gave %d", g);
		}
		/* the text: a sample (verify reads them all) */
		if (i % 16 == 0 || i + 1 == info.docs || rng_below(r, 16) == 0) {
			size_t len = 0;
			memset(&err, 0, sizeof err);
			rc = ngidx_doc_text(idx, (uint32_t)i, &buf, &cap, &len, &err);
			CHECK(ALLOWED(rc, NGIDX_OK, NGIDX_ERR_CORRUPT, NGIDX_ERR_NOTEXT, NGIDX_ERR_NOMEM),
			      "doc_text gave %d", rc);
			if (rc == NGIDX_OK)
				for (size_t k = 0; k < len; k++)
					sink += (unsigned char)buf[k];
			else if (rc != NGIDX_ERR_NOTEXT) {
				check_err(rc, &err, "doc_text");
				errors++;
			}
		}
	}
	ngidx_buffer_free(buf);
	ngidx_error err = { 0 };
	ngidx_term t;
	ngidx_doc d;
	CHECK(ngidx_term_get(idx, info.terms, &t, &err) == NGIDX_ERR_RANGE, "term past the end");
	CHECK(ngidx_doc_get(idx, (uint32_t)info.docs, &d, &err) == NGIDX_ERR_RANGE || info.docs > UINT32_MAX,
	      "document past the end");
	/* counts: lexicon answers and positional answers */
	static const char *const phrases[] = { "qhot", "zz", "a", "qhot a b", "a b c d e f",
		                               "b qhot b qhot", "c c c c" };
	ngidx_count_result cr = { 0 };
	for (size_t k = 0; k < sizeof phrases / sizeof *phrases; k++) {
		memset(&err, 0, sizeof err);
		int rc = ngidx_count(idx, phrases[k], strlen(phrases[k]), &cr, &err);
		CHECK(ALLOWED(rc, NGIDX_OK, NGIDX_ERR_CORRUPT), "count gave %d", rc);
		if (rc) {
			check_err(rc, &err, "count");
			errors++;
		}
	}
	ngidx_count_result_release(&cr);
	(void)sink;
	return errors;
}

/* Open the image @p, then verify and read it all; @return verify's code (or open's). */
static int try_image(const char *path, const unsigned char *p, size_t len, rng *r, int *opened,
                     unsigned *read_errors, ngidx_error *verr)
{
	write_file(path, p, len);
	ngidx_index *idx = NULL;
	ngidx_error err = { 0 };
	int rc = ngidx_index_open(&idx, path, NULL, &err);
	*opened = rc == NGIDX_OK;
	*read_errors = 0;
	if (rc) {
		CHECK(rc == NGIDX_ERR_CORRUPT || rc == NGIDX_ERR_VERSION, "open gave %d: %s", rc, err.msg);
		CHECK(idx == NULL, "failed open left a handle");
		check_err(rc, &err, "open");
		*verr = err;
		return rc;
	}
	memset(verr, 0, sizeof *verr);
	int v = ngidx_index_verify(idx, verr);
	CHECK(v == NGIDX_OK || v == NGIDX_ERR_CORRUPT, "verify gave %d", v);
	if (v)
		check_err(v, verr, "verify");
	*read_errors = read_all(idx, r);
	ngidx_index_free(idx);
	return v;
}

Test(format, corrupt_single_bytes, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	rng r = { test_seed("corrupt_single_bytes") };
	size_t len;
	unsigned char *orig = small_index(&r, &len);
	layout l;
	layout_of(orig, len, &l);
	unsigned char *img = xrealloc(NULL, len);
	const char *path = tp("m.ngx");

	/* The original reads without a single error. */
	int opened;
	unsigned rerr;
	ngidx_error verr;
	cr_assert_eq(try_image(path, orig, len, &r, &opened, &rerr, &verr), NGIDX_OK, "%s", verr.msg);
	cr_assert_eq(rerr, 0);

	/* Every byte of the header and table (+ reserved entries), then random bytes. */
	size_t head = (size_t)l.off[0];
	size_t nmut = head + 1500;
	unsigned undetected = 0, open_fail = 0, verify_fail = 0;
	for (size_t k = 0; k < nmut; k++) {
		size_t at = k < head ? k : rng_below(&r, (uint32_t)len);
		unsigned char x = (unsigned char)(1 + rng_below(&r, 255));
		memcpy(img, orig, len);
		img[at] ^= x;
		int rc = try_image(path, img, len, &r, &opened, &rerr, &verr);
		if (!opened)
			open_fail++;
		else if (rc)
			verify_fail++;
		if (rc == NGIDX_OK) {
			CHECK(!covered(&l, at), "byte %zu ^= 0x%02x (in %s) went undetected", at, x,
			      at < l.hlen ? "header" : section_at(&l, at) >= 0 ? l.name[section_at(&l, at)] : "trailer");
			CHECK(rerr == 0, "byte %zu ^= 0x%02x: verify passes but %u reads fail", at, x, rerr);
			undetected++;
		}
	}
	fprintf(stderr,
	        "format_test: corrupt_single_bytes: %zu mutations of a %zu-byte index: %u refused by open, "
	        "%u by verify, %u in unchecked padding\n",
	        nmut, len, open_fail, verify_fail, undetected);
	free(img);
	free(orig);
	check_no_leaks("corrupt_single_bytes");
}

Test(format, corrupt_with_fixed_checksums, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	/* Checksums recomputed: the structural checks of open and verify must hold. */
	rng r = { test_seed("corrupt_with_fixed_checksums") };
	size_t len;
	unsigned char *orig = small_index(&r, &len);
	layout l;
	layout_of(orig, len, &l);
	unsigned char *img = xrealloc(NULL, len);
	const char *path = tp("m.ngx");
	unsigned per[NGX_MAX_SECTIONS] = { 0 }, passed[NGX_MAX_SECTIONS] = { 0 };
	for (int k = 0; k < 1500; k++) {
		/* a random section, weighted to the structured ones */
		unsigned s = rng_below(&r, l.nsec);
		if (!l.slen[s])
			continue;
		uint64_t at = l.off[s] + rng_below(&r, (uint32_t)l.slen[s]);
		memcpy(img, orig, len);
		unsigned char x = (unsigned char)(1 + rng_below(&r, 255));
		if (rng_below(&r, 3) == 0)
			x = (unsigned char)(1u << rng_below(&r, 8)); /* a single bit */
		if (rng_below(&r, 4) == 0)
			x = (unsigned char)(img[at] ^ (unsigned char)(img[at] - 1)); /* a value one lower */
		img[at] ^= x;
		if (rng_below(&r, 4) == 0) /* sometimes a second byte nearby */
			img[l.off[s] + (at - l.off[s] + 1 + rng_below(&r, 16)) % l.slen[s]] ^= (unsigned char)(1 + rng_below(&r, 255));
		fix_checksums(img, &l, (int)s);
		int opened;
		unsigned rerr;
		ngidx_error verr;
		int rc = try_image(path, img, len, &r, &opened, &rerr, &verr);
		per[s]++;
		if (rc == NGIDX_OK) {
			passed[s]++;
			CHECK(rerr == 0, "section %s byte %" PRIu64 " ^= 0x%02x: verify passes but %u reads fail",
			      l.name[s], at - l.off[s], x, rerr);
		}
	}
	for (unsigned s = 0; s < l.nsec; s++)
		fprintf(stderr, "format_test: fixed checksums: section %-8s %4u mutations, %4u still verify\n",
		        l.name[s], per[s], passed[s]);
	free(img);
	free(orig);
	check_no_leaks("corrupt_with_fixed_checksums");
}

/*
 * A unigram's last tf lowered by one, checksums fixed: its block decodes,
 * but one position is left over. verify must refuse it ("section
 * postings") and free what it decoded.
 */
Test(format, verify_stray_bytes, .init = fixture_setup, .fini = fixture_teardown)
{
	rng r = { test_seed("verify_stray_bytes") };
	size_t len;
	unsigned char *orig = small_index(&r, &len);
	layout l;
	layout_of(orig, len, &l);
	int ps = -1;
	for (unsigned s = 0; s < l.nsec; s++)
		if (l.kind[s] == NGX_SEC_POSTINGS)
			ps = (int)s;
	cr_assert_geq(ps, 0);
	ngidx_index *idx = NULL;
	ngidx_error err = { 0 };
	cr_assert_eq(ngidx_index_open(&idx, tp("small.ngx"), NULL, &err), NGIDX_OK, "%s", err.msg);
	ngidx_index_info info;
	ngidx_index_get_info(idx, &info);
	/* a unigram in 2 or 3 documents (one block of varints) with its tf
	 * stored (cf > df), the last tf - 1 being 1..127 */
	uint64_t at = 0;
	for (uint64_t id = 0; id < info.terms && !at; id++) {
		ngidx_term t;
		cr_assert_eq(ngidx_term_get(idx, id, &t, &err), NGIDX_OK);
		if (t.n != 1 || t.df < 2 || t.df >= NGIDX_RICE_MIN || t.cf == t.df)
			continue;
		idx_term_rec rec;
		cr_assert_eq(idx_term_at(idx, id, &rec), 0);
		const unsigned char *base = orig + l.off[ps] + rec.post_off, *q = base;
		const unsigned char *end = base + rec.post_len;
		uint64_t v = 0;
		for (uint32_t k = 0; k < t.df; k++) /* document gaps */
			cr_assert_eq(ngidx_varint_get(&q, end, &v), 0);
		const unsigned char *last = NULL;
		for (uint32_t k = 0; k < t.df; k++) { /* tf - 1 */
			last = q;
			cr_assert_eq(ngidx_varint_get(&q, end, &v), 0);
		}
		if (v >= 1 && v < 128)
			at = (uint64_t)(last - orig);
	}
	ngidx_index_free(idx);
	cr_assert_gt(at, 0, "no suitable unigram in the small index");
	orig[at]--;
	fix_checksums(orig, &l, ps);
	write_file(tp("stray.ngx"), orig, len);
	cr_assert_eq(ngidx_index_open(&idx, tp("stray.ngx"), NULL, &err), NGIDX_OK, "%s", err.msg);
	memset(&err, 0, sizeof err);
	int rc = ngidx_index_verify(idx, &err);
	cr_assert_eq(rc, NGIDX_ERR_CORRUPT, "verify gave %d", rc);
	cr_assert_not_null(strstr(err.msg, "section postings"), "%s", err.msg);
	ngidx_index_free(idx);
	free(orig);
	check_no_leaks("verify of a block with stray bytes");
}

Test(format, corrupt_truncated_and_extended, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120)
{
	rng r = { test_seed("corrupt_truncated_and_extended") };
	size_t len;
	unsigned char *orig = small_index(&r, &len);
	unsigned char *img = xrealloc(NULL, len + 200);
	const char *path = tp("m.ngx");
	int opened;
	unsigned rerr;
	ngidx_error verr;
	for (int k = 0; k < 700; k++) {
		size_t cut;
		if (k < 400)
			cut = (size_t)k; /* every length up to 400 */
		else if (k < 420)
			cut = len - 1 - (size_t)(k - 400); /* the last bytes */
		else
			cut = rng_below(&r, (uint32_t)len);
		int rc = try_image(path, orig, cut, &r, &opened, &rerr, &verr);
		CHECK(!opened && rc == NGIDX_ERR_CORRUPT, "truncation to %zu bytes: open gave %d", cut, rc);
	}
	for (size_t extra = 1; extra <= 200; extra += 1 + rng_below(&r, 7)) {
		memcpy(img, orig, len);
		for (size_t i = 0; i < extra; i++)
			img[len + i] = (unsigned char)(rng_below(&r, 2) ? 0 : rng_below(&r, 256));
		int rc = try_image(path, img, len + extra, &r, &opened, &rerr, &verr);
		CHECK(!opened && rc == NGIDX_ERR_CORRUPT, "%zu bytes appended: open gave %d", extra, rc);
	}
	free(img);
	free(orig);
}

Test(format, section_flip_is_named, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120)
{
	rng r = { test_seed("section_flip_is_named") };
	size_t len;
	unsigned char *orig = small_index(&r, &len);
	layout l;
	layout_of(orig, len, &l);
	unsigned char *img = xrealloc(NULL, len);
	const char *path = tp("m.ngx");
	cr_assert_geq(l.nsec, 9);
	for (unsigned s = 0; s < l.nsec; s++) {
		if (!l.slen[s])
			continue;
		unsigned verified = 0;
		for (int k = 0; k < 12; k++) {
			uint64_t rel = k == 0 ? 0 : k == 1 ? l.slen[s] - 1 : k == 2 ? l.slen[s] / 2
			                                                     : rng_below(&r, (uint32_t)l.slen[s]);
			memcpy(img, orig, len);
			img[l.off[s] + rel] ^= (unsigned char)(1u << rng_below(&r, 8));
			write_file(path, img, len);
			ngidx_index *idx = NULL;
			ngidx_error err = { 0 };
			int rc = ngidx_index_open(&idx, path, NULL, &err);
			if (rc) {
				/* open checks some fields itself (counts, sentinels) */
				cr_assert_eq(rc, NGIDX_ERR_CORRUPT, "section %s byte %" PRIu64 ": open gave %d %s",
				             l.name[s], rel, rc, err.msg);
				continue;
			}
			rc = ngidx_index_verify(idx, &err);
			ngidx_index_free(idx);
			cr_assert_eq(rc, NGIDX_ERR_CORRUPT, "section %s byte %" PRIu64 ": verify gave %d",
			             l.name[s], rel, rc);
			char want[64];
			snprintf(want, sizeof want, "section %s", l.name[s]);
			cr_assert_not_null(strstr(err.msg, want), "section %s byte %" PRIu64 ": message '%s'",
			                   l.name[s], rel, err.msg);
			/* and open with verify refuses it with the same message */
			ngidx_open_opts oo = { 1 };
			ngidx_error e2 = { 0 };
			rc = ngidx_index_open(&idx, path, &oo, &e2);
			cr_assert_eq(rc, NGIDX_ERR_CORRUPT);
			cr_assert_null(idx);
			cr_assert_not_null(strstr(e2.msg, want), "open --verify message '%s'", e2.msg);
			verified++;
		}
		cr_assert_gt(verified, 0, "no flip in section %s got past open", l.name[s]);
	}
	free(img);
	free(orig);
}

Test(format, not_an_index, .init = fixture_setup, .fini = fixture_teardown)
{
	static const unsigned char zeros[4096];
	struct {
		const char *name;
		const void *p;
		size_t len;
	} cases[] = {
		{ "empty", "", 0 },
		{ "zeros", zeros, sizeof zeros },
		{ "short zeros", zeros, 71 },
		{ "text", "hello world\nthis is not an index\n", 34 },
		{ "magic only", "NGIDX\0\r\n", 8 },
		{ "magic and zeros", NULL, 4096 },
	};
	unsigned char mz[4096] = { 0 };
	memcpy(mz, NGX_MAGIC, NGX_MAGIC_LEN);
	cases[5].p = mz;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		write_file(tp("x"), cases[i].p, cases[i].len);
		ngidx_index *idx = (ngidx_index *)1;
		ngidx_error err = { 0 };
		int rc = ngidx_index_open(&idx, tp("x"), NULL, &err);
		cr_assert_eq(rc, NGIDX_ERR_CORRUPT, "%s: open gave %d %s", cases[i].name, rc, err.msg);
		cr_assert_null(idx, "%s", cases[i].name);
		cr_assert_eq(err.code, NGIDX_ERR_CORRUPT);
		cr_assert(err.msg[0]);
	}
	ngidx_index *idx = NULL;
	ngidx_error err = { 0 };
	cr_assert_eq(ngidx_index_open(&idx, tp("does-not-exist"), NULL, &err), NGIDX_ERR_IO);
	cr_assert_null(idx);
	cr_assert_not_null(strstr(err.msg, "does-not-exist"), "%s", err.msg);
	ngidx_index_free(NULL);
	ngidx_postings_free(NULL);
}

Test(format, header_versions, .init = fixture_setup, .fini = fixture_teardown)
{
	rng r = { test_seed("header_versions") };
	size_t len;
	unsigned char *orig = small_index(&r, &len);
	layout l;
	layout_of(orig, len, &l);
	unsigned char *img = xrealloc(NULL, len);
	ngidx_index *idx;
	ngidx_error err;
	for (int fix = 0; fix < 2; fix++) {
		/* major 9: refused as a newer version, whether or not the trailer matches */
		memcpy(img, orig, len);
		ngidx_put16(img + 8, 9);
		if (fix)
			fix_checksums(img, &l, -1);
		write_file(tp("v.ngx"), img, len);
		idx = (ngidx_index *)1;
		memset(&err, 0, sizeof err);
		int rc = ngidx_index_open(&idx, tp("v.ngx"), NULL, &err);
		cr_assert_eq(rc, NGIDX_ERR_VERSION, "major 9 (trailer fixed: %d): %d %s", fix, rc, err.msg);
		cr_assert_null(idx);
		cr_assert_not_null(strstr(err.msg, "9."), "%s", err.msg);
		/* an older major: refused, to be rebuilt */
		memcpy(img, orig, len);
		ngidx_put16(img + 8, NGIDX_FORMAT_MAJOR - 1);
		if (fix)
			fix_checksums(img, &l, -1);
		write_file(tp("v.ngx"), img, len);
		memset(&err, 0, sizeof err);
		cr_assert_eq(ngidx_index_open(&idx, tp("v.ngx"), NULL, &err), NGIDX_ERR_VERSION);
		cr_assert_not_null(strstr(err.msg, "rebuild"), "%s", err.msg);
		/* major 0: corrupt */
		memcpy(img, orig, len);
		ngidx_put16(img + 8, 0);
		if (fix)
			fix_checksums(img, &l, -1);
		write_file(tp("v.ngx"), img, len);
		cr_assert_eq(ngidx_index_open(&idx, tp("v.ngx"), NULL, &err), NGIDX_ERR_CORRUPT);
		/* another analyzer: refused as incompatible */
		memcpy(img, orig, len);
		ngidx_put32(img + 16, ngidx_le32(img + 16) + 1);
		if (fix)
			fix_checksums(img, &l, -1);
		write_file(tp("v.ngx"), img, len);
		cr_assert_eq(ngidx_index_open(&idx, tp("v.ngx"), NULL, &err), NGIDX_ERR_VERSION);
		/* wrong endianness canary */
		memcpy(img, orig, len);
		ngidx_put32(img + 12, 0x04030201u);
		if (fix)
			fix_checksums(img, &l, -1);
		write_file(tp("v.ngx"), img, len);
		cr_assert_eq(ngidx_index_open(&idx, tp("v.ngx"), NULL, &err), NGIDX_ERR_CORRUPT);
	}
	/* A newer minor of the same major opens and verifies: minors only add. */
	memcpy(img, orig, len);
	ngidx_put16(img + 10, 7);
	fix_checksums(img, &l, -1);
	write_file(tp("v.ngx"), img, len);
	memset(&err, 0, sizeof err);
	ngidx_open_opts oo = { 1 };
	cr_assert_eq(ngidx_index_open(&idx, tp("v.ngx"), &oo, &err), NGIDX_OK, "minor 7: %s", err.msg);
	ngidx_index_info info;
	ngidx_index_get_info(idx, &info);
	cr_assert_eq(info.format_minor, 7);
	ngidx_index_free(idx);
	/* An unknown section kind is ignored: turn TEXT into kind 99, clear the flag. */
	memcpy(img, orig, len);
	int ts = -1;
	for (unsigned s = 0; s < l.nsec; s++)
		if (l.kind[s] == NGX_SEC_TEXT)
			ts = (int)s;
	cr_assert_geq(ts, 0);
	ngidx_put32(img + NGX_HEADER_SIZE + (size_t)ts * NGX_SECTION_SIZE, 99);
	ngidx_put32(img + 20, ngidx_le32(img + 20) & ~NGX_FLAG_TEXT);
	int ds = -1; /* the DOCS sentinel's text offset is the TEXT length: now 0 */
	for (unsigned s = 0; s < l.nsec; s++)
		if (l.kind[s] == NGX_SEC_DOCS)
			ds = (int)s;
	cr_assert_geq(ds, 0);
	ngidx_put64(img + l.off[ds] + l.slen[ds] - sizeof(struct ngx_doc_entry) +
	                    offsetof(struct ngx_doc_entry, text_off), 0);
	fix_checksums(img, &l, ds);
	write_file(tp("v.ngx"), img, len);
	cr_assert_eq(ngidx_index_open(&idx, tp("v.ngx"), &oo, &err), NGIDX_OK, "unknown kind: %s", err.msg);
	char *buf = NULL;
	size_t cap = 0, tl;
	cr_assert_eq(ngidx_doc_text(idx, 0, &buf, &cap, &tl, &err), NGIDX_ERR_NOTEXT);
	ngidx_section_info si;
	cr_assert_eq(ngidx_index_section(idx, (size_t)ts, &si), 0);
	cr_assert_str_eq(si.name, "unknown");
	ngidx_index_free(idx);
	/* The text flag without a text section (and the reverse) is corrupt. */
	memcpy(img, orig, len);
	ngidx_put32(img + NGX_HEADER_SIZE + (size_t)ts * NGX_SECTION_SIZE, 99);
	fix_checksums(img, &l, -1);
	write_file(tp("v.ngx"), img, len);
	cr_assert_eq(ngidx_index_open(&idx, tp("v.ngx"), NULL, &err), NGIDX_ERR_CORRUPT);
	/* A section listed twice is corrupt. */
	memcpy(img, orig, len);
	ngidx_put32(img + NGX_HEADER_SIZE + (size_t)ts * NGX_SECTION_SIZE, NGX_SEC_POSTINGS);
	ngidx_put32(img + 20, ngidx_le32(img + 20) & ~NGX_FLAG_TEXT);
	fix_checksums(img, &l, -1);
	write_file(tp("v.ngx"), img, len);
	cr_assert_eq(ngidx_index_open(&idx, tp("v.ngx"), NULL, &err), NGIDX_ERR_CORRUPT);
	cr_assert_not_null(strstr(err.msg, "twice"), "%s", err.msg);
	free(img);
	free(orig);
}
