/*
 * top_test.c - `ngidx top`: top lists, prefix continuations and one-slot
 * wildcards against a brute-force reference, the external sort, the
 * bundled stop words, and corrupted TOPLIST / CONT sections.
 *
 * The reference reads every term of the index with ngidx_term_get (ids 0
 * to terms - 1), keeps those that match the query (n range, or a head and
 * tail of text for prefixes and patterns), applies the filters (minimum of
 * documents, n-grams made only of stop words) and sorts with the
 * documented order: by occurrences = cf desc, df desc, bytes asc; by
 * documents = df desc, cf desc, bytes asc. Corpora are random Zipf text
 * over a small vocabulary (so ties of counts are everywhere), built with
 * several --max-n, --min-df 1 or 2, and --memory 1M so that the build's
 * runs and the external sorts of CONT spill. Each query's answer must be
 * identical row by row, and small unfiltered top lists must come from the
 * precomputed lists (no scan). NGIDX_SEED replays a run.
 *
 * Subcorpora (--from, --to, --where): dated JSON Lines corpora with a
 * metadata field (some documents undated, some dated by year only, some
 * empty) and a reference that counts every n-gram of every document by
 * hand, in the whole corpus (for --min-df) and in each subset; the same
 * random queries must return exactly its rows, with an empty subset, one
 * that holds every document (and then equals the unfiltered answer), date
 * ranges that cut years and months, and k past the precomputed lists.
 */
#define TEST_NAME "top"
#include "test_util.h"

#include "build/xsort.h"
#include "common/hash.h"
#include "ngidx/build.h"
#include "ngidx/index.h"
#include "ngidx/keyness.h"
#include "ngidx/ngidx.h"
#include "ngidx/top.h"

/* ---- external sort -------------------------------------------------------- */

typedef struct rec3 { uint64_t key, b, c; } rec3;

static int cmp_rec3(const void *x, const void *y)
{
	const rec3 *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->b != b->b)
		return a->b > b->b ? -1 : 1; /* ties: b descending */
	return a->c < b->c ? -1 : a->c > b->c;
}

static void xsort_case(rng *r, size_t n, size_t budget, int small_keys)
{
	xsort s;
	ngidx_error e = { 0 };
	cr_assert_eq(xsort_init(&s, sizeof(rec3), cmp_rec3, g_dir, "t", budget, &e), 0);
	rec3 *ref = xrealloc(NULL, (n ? n : 1) * sizeof *ref);
	for (size_t i = 0; i < n; i++) {
		ref[i].key = small_keys ? rng_below(r, 50) : rng_next(r);
		ref[i].b = rng_below(r, 4);
		ref[i].c = i;
		cr_assert_eq(xsort_add(&s, &ref[i], &e), 0, "%s", e.msg);
	}
	cr_assert_eq(xsort_finish(&s, &e), 0, "%s", e.msg);
	qsort(ref, n, sizeof *ref, cmp_rec3);
	const void *p;
	size_t got = 0;
	int more;
	while ((more = xsort_next(&s, &p, &e)) == 1) {
		CHECK(got < n, "too many records");
		CHECK(!memcmp(p, &ref[got], sizeof(rec3)), "record %zu differs (n %zu, budget %zu)", got, n, budget);
		got++;
	}
	cr_assert_eq(more, 0, "%s", e.msg);
	cr_assert_eq(got, n);
	if (n * sizeof(rec3) > budget)
		cr_assert_gt(s.nruns, 1, "a sort over its budget must spill");
	xsort_release(&s);
	free(ref);
}

Test(top, xsort, .init = fixture_setup, .fini = fixture_teardown)
{
	rng r = { test_seed("xsort") };
	xsort_case(&r, 0, 4096, 0);
	xsort_case(&r, 1, 4096, 0);
	xsort_case(&r, 1000, 1 << 20, 0);      /* in memory */
	xsort_case(&r, 1000, 1 << 20, 1);
	xsort_case(&r, 20000, 8192, 0);        /* many runs */
	xsort_case(&r, 20000, 8192, 1);
	xsort_case(&r, 5000, 100, 1);          /* the 64-record minimum */
}

/* The merge gives back what it has read of each run: by the end, each run
 * takes less than XSORT_PUNCH (1 MiB) and a block on disk, not up to its
 * 4 MiB. */
Test(top, xsort_frees_what_it_read, .init = fixture_setup, .fini = fixture_teardown)
{
	rng r = { test_seed("xsort_frees_what_it_read") };
	xsort s;
	ngidx_error e = { 0 };
	size_t n = 400000, budget = 8u << 20;
	cr_assert_eq(xsort_init(&s, sizeof(rec3), cmp_rec3, g_dir, "f", budget, &e), 0);
	rec3 *ref = xrealloc(NULL, n * sizeof *ref);
	for (size_t i = 0; i < n; i++) {
		ref[i] = (rec3){ rng_next(&r), rng_below(&r, 4), i };
		cr_assert_eq(xsort_add(&s, &ref[i], &e), 0, "%s", e.msg);
	}
	cr_assert_eq(xsort_finish(&s, &e), 0, "%s", e.msg);
	cr_assert_geq(s.nruns, 2);
	qsort(ref, n, sizeof *ref, cmp_rec3);
	const void *p;
	size_t got = 0;
	int more;
	while ((more = xsort_next(&s, &p, &e)) == 1) {
		CHECK(got < n && !memcmp(p, &ref[got], sizeof(rec3)), "record %zu differs", got);
		got++;
	}
	cr_assert_eq(more, 0, "%s", e.msg);
	cr_assert_eq(got, n);
	long long size = 0;
	for (size_t i = 0; i < s.nruns && fixture_punches_holes(); i++) {
		char name[32];
		struct stat st;
		snprintf(name, sizeof name, "f-%zu", i);
		cr_assert_eq(stat(tp(name), &st), 0);
		size += (long long)st.st_size;
		cr_assert_lt((long long)st.st_blocks * 512, (1 << 20) + 65536,
		             "run %zu still takes %lld of its %lld bytes on disk", i,
		             (long long)st.st_blocks * 512, (long long)st.st_size);
		if (i + 1 == s.nruns)
			cr_assert_geq(size, (long long)(n * sizeof(rec3)));
	}
	xsort_release(&s);
	free(ref);
}

/* Ordered by the top bits of the key only, no comparison: check the order
 * of the top bits and that every record comes out once. */
static void xsort_topbits_case(rng *r, size_t n, size_t budget, unsigned bits)
{
	xsort s;
	ngidx_error e = { 0 };
	cr_assert_eq(xsort_init(&s, sizeof(rec3), NULL, g_dir, "b", budget, &e), 0);
	xsort_key_bits(&s, bits);
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		rec3 x = { rng_next(r), 0, i };
		sum += x.key ^ i;
		cr_assert_eq(xsort_add(&s, &x, &e), 0, "%s", e.msg);
	}
	cr_assert_eq(xsort_finish(&s, &e), 0, "%s", e.msg);
	const void *p;
	size_t got = 0;
	uint64_t prev = 0;
	while (xsort_next(&s, &p, &e) == 1) {
		rec3 x;
		memcpy(&x, p, sizeof x);
		CHECK(x.key >> (64 - bits) >= prev, "top %u bits out of order at %zu", bits, got);
		prev = x.key >> (64 - bits);
		sum -= x.key ^ x.c;
		got++;
	}
	cr_assert_eq(got, n);
	cr_assert_eq(sum, 0, "records lost or changed");
	xsort_release(&s);
}

Test(top, xsort_top_bits, .init = fixture_setup, .fini = fixture_teardown)
{
	rng r = { test_seed("xsort_top_bits") };
	xsort_topbits_case(&r, 30000, 1 << 20, 33);
	xsort_topbits_case(&r, 30000, 8192, 33);
	xsort_topbits_case(&r, 30000, 8192, 3);
}

Test(top, xsort_damaged_run, .init = fixture_setup, .fini = fixture_teardown)
{
	xsort s;
	ngidx_error e = { 0 };
	cr_assert_eq(xsort_init(&s, sizeof(rec3), cmp_rec3, g_dir, "d", 64 * sizeof(rec3) * 2, &e), 0);
	for (uint64_t i = 0; i < 500; i++) {
		rec3 x = { i * 7919 % 500, 0, i };
		cr_assert_eq(xsort_add(&s, &x, &e), 0);
	}
	/* flip one byte of the second spilled run's records */
	FILE *f = fopen(tp("d-1"), "r+b");
	cr_assert_not_null(f);
	fseek(f, 24 + 100, SEEK_SET);
	int ch = fgetc(f);
	fseek(f, 24 + 100, SEEK_SET);
	fputc(ch ^ 0x55, f);
	fclose(f);
	int rc = xsort_finish(&s, &e), more = 0;
	if (rc == 0) {
		const void *p;
		while ((more = xsort_next(&s, &p, &e)) == 1)
			;
		rc = -more;
	}
	cr_assert_eq(rc, NGIDX_ERR_CORRUPT, "a damaged run must fail its checksum (got %d)", rc);
	xsort_release(&s);
}

/* ---- stop words ----------------------------------------------------------- */

Test(top, stopwords)
{
	/* the compiled-in list is data/stopwords/english.txt without comments */
	size_t len;
	unsigned char *file = read_whole("data/stopwords/english.txt", &len);
	file[len] = 0;
	sbuf want = { 0 };
	for (char *line = strtok((char *)file, "\n"); line; line = strtok(NULL, "\n"))
		if (line[0] != '#') {
			sb_puts(&want, line);
			sb_puts(&want, "\n");
		}
	cr_assert_str_eq(ngidx_stopwords_english_text(), want.p,
	                 "src/query/stopwords_en.c and data/stopwords/english.txt differ");
	free(want.p);
	free(file);
	ngidx_stopwords *sw;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_stopwords_english(&sw, &e), 0);
	cr_assert(ngidx_stopwords_has(sw, "the", 3));
	cr_assert(ngidx_stopwords_has(sw, "of", 2));
	cr_assert(!ngidx_stopwords_has(sw, "th", 2));
	cr_assert(!ngidx_stopwords_has(sw, "summit", 6));
	ngidx_stopwords_free(sw);
	const char txt[] = "# comment\nDon't\n\nÉTÉ\n";
	cr_assert_eq(ngidx_stopwords_create(&sw, txt, sizeof txt - 1, &e), 0);
	cr_assert(ngidx_stopwords_has(sw, "don", 3));
	cr_assert(ngidx_stopwords_has(sw, "t", 1));
	cr_assert(ngidx_stopwords_has(sw, "été", strlen("été")));
	cr_assert(!ngidx_stopwords_has(sw, "comment", 7));
	ngidx_stopwords_free(sw);
	cr_assert_eq(ngidx_stopwords_load(&sw, "/nonexistent/stop.txt", &e), NGIDX_ERR_IO);
}

/* ---- generated corpora ---------------------------------------------------- */

typedef struct rterm {
	const char *s;
	size_t len;
	unsigned n;
	uint64_t cf, df;
} rterm;

typedef struct corpus {
	ngidx_index *idx;
	unsigned max_n, nvocab;
	char **vocab;
	rterm *t;       /* every term of the index (the reference's view) */
	size_t nt;
} corpus;

static void make_vocab(corpus *c, unsigned nvocab)
{
	c->nvocab = nvocab;
	c->vocab = xrealloc(NULL, c->nvocab * sizeof *c->vocab);
	for (unsigned i = 0; i < c->nvocab; i++) {
		char w[16];
		snprintf(w, sizeof w, "%c%c%u", 'a' + (int)(i % 26), 'a' + (int)(i / 26 % 26), i % 3);
		c->vocab[i] = xstrdup(w);
	}
}

/* Build @in (of @format) into @path and read every term (the reference's
 * view of the whole index). */
static void build_corpus(corpus *c, const char *in, int format, const char *path, unsigned max_n,
                         uint32_t min_df, uint32_t min_count, int threads)
{
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	const char *inputs[1] = { in };
	o.inputs = inputs;
	o.ninputs = 1;
	o.format = format;
	o.output = path;
	o.max_n = c->max_n = max_n;
	o.min_df = min_df;
	o.min_count = min_count;
	o.threads = threads;
	o.memory = 1u << 20;
	o.tmpdir = g_dir;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_build(&o, NULL, &e), NGIDX_OK, "build: %s", e.msg);
	ngidx_open_opts oo = { 1 };
	cr_assert_eq(ngidx_index_open(&c->idx, path, &oo, &e), NGIDX_OK, "open + verify: %s", e.msg);
	ngidx_index_info info;
	ngidx_index_get_info(c->idx, &info);
	c->t = xrealloc(NULL, (info.terms ? info.terms : 1) * sizeof *c->t);
	c->nt = 0;
	for (uint64_t id = 0; id < info.terms; id++) {
		ngidx_term t;
		cr_assert_eq(ngidx_term_get(c->idx, id, &t, &e), 0);
		if (t.text_len && (unsigned char)t.text[0] < 0x20)
			continue;
		c->t[c->nt++] = (rterm){ t.text, t.text_len, t.n, t.cf, t.df };
	}
}

static void make_corpus(rng *r, corpus *c, const char *path, unsigned max_n, uint32_t min_df,
                        uint32_t min_count, int threads)
{
	make_vocab(c, 4 + rng_below(r, 120));
	size_t ndoc = 1 + rng_below(r, 60);
	sbuf text = { 0 };
	for (size_t d = 0; d < ndoc; d++) {
		size_t n = rng_below(r, 4) == 0 ? rng_below(r, 4) : rng_below(r, 300);
		for (size_t k = 0; k < n; k++) {
			if (k)
				sb_puts(&text, rng_below(r, 8) ? " " : ", ");
			sb_puts(&text, c->vocab[rng_zipf(r, c->nvocab)]);
		}
		sb_puts(&text, "\n");
	}
	write_file(tp("c.txt"), text.p, text.len);
	free(text.p);
	build_corpus(c, kp("c.txt"), NGIDX_FORMAT_LINES, path, max_n, min_df, min_count, threads);
}

static void free_corpus(corpus *c)
{
	for (unsigned i = 0; i < c->nvocab; i++)
		free(c->vocab[i]);
	free(c->vocab);
	free(c->t);
	ngidx_index_free(c->idx);
}

static int g_by_df;
static int ref_cmp(const void *x, const void *y)
{
	const rterm *a = *(const rterm *const *)x, *b = *(const rterm *const *)y;
	uint64_t a1 = g_by_df ? a->df : a->cf, b1 = g_by_df ? b->df : b->cf;
	uint64_t a2 = g_by_df ? a->cf : a->df, b2 = g_by_df ? b->cf : b->df;
	if (a1 != b1)
		return a1 > b1 ? -1 : 1;
	if (a2 != b2)
		return a2 > b2 ? -1 : 1;
	size_t m = a->len < b->len ? a->len : b->len;
	int cm = memcmp(a->s, b->s, m);
	return cm ? cm : a->len < b->len ? -1 : a->len > b->len;
}

/* Does the reference hide @t? (all tokens in the word list @stop) */
static int all_stop(const rterm *t, char **stop, size_t nstop)
{
	if (!nstop)
		return 0;
	for (size_t i = 0; i < t->len;) {
		size_t j = i;
		while (j < t->len && t->s[j] != ' ')
			j++;
		int found = 0;
		for (size_t k = 0; k < nstop && !found; k++)
			found = strlen(stop[k]) == j - i && !memcmp(stop[k], t->s + i, j - i);
		if (!found)
			return 0;
		i = j + 1;
	}
	return 1;
}

typedef struct query {
	unsigned n_lo, n_hi;
	const char *head, *tail; /* required start / end of the text ("" none) */
	size_t k;
	int by_df;
	uint32_t min_docs;
	char **stop;
	size_t nstop;
} query;

static void check_against_ref(const corpus *c, const query *q, const ngidx_top_result *res, const char *what)
{
	const rterm **m = xrealloc(NULL, (c->nt ? c->nt : 1) * sizeof *m);
	size_t nm = 0, hl = strlen(q->head), tl = strlen(q->tail);
	for (size_t i = 0; i < c->nt; i++) {
		const rterm *t = &c->t[i];
		if (t->n < q->n_lo || t->n > q->n_hi || t->df < q->min_docs || all_stop(t, q->stop, q->nstop))
			continue;
		if (t->len < hl + tl || memcmp(t->s, q->head, hl) || memcmp(t->s + t->len - tl, q->tail, tl))
			continue;
		m[nm++] = t;
	}
	g_by_df = q->by_df;
	qsort(m, nm, sizeof *m, ref_cmp);
	size_t want = nm < q->k ? nm : q->k;
	cr_assert_eq(res->nrows, want, "%s: %zu rows, reference %zu (k %zu, by %s, min docs %u, stop %zu)",
	             what, res->nrows, want, q->k, q->by_df ? "documents" : "occurrences", q->min_docs, q->nstop);
	for (size_t i = 0; i < want; i++) {
		const ngidx_term *g = &res->rows[i];
		CHECK(g->text_len == m[i]->len && !memcmp(g->text, m[i]->s, g->text_len) && g->cf == m[i]->cf &&
		          g->df == m[i]->df && g->n == m[i]->n,
		      "%s: row %zu is '%.*s' %llu %u, reference '%.*s' %llu %llu (by %s)", what, i,
		      (int)g->text_len, g->text, (unsigned long long)g->cf, g->df, (int)m[i]->len, m[i]->s,
		      (unsigned long long)m[i]->cf, (unsigned long long)m[i]->df, q->by_df ? "documents" : "occurrences");
	}
	free(m);
}

/* A random phrase of @n vocabulary words, or an existing term's text. */
static char *rand_phrase(rng *r, const corpus *c, unsigned n)
{
	if (n && rng_below(r, 3)) {
		for (int tries = 0; tries < 50; tries++) {
			const rterm *t = &c->t[rng_below(r, (uint32_t)c->nt)];
			if (t->n == n)
				return xstrndup(t->s, t->len);
		}
	}
	sbuf b = { 0 };
	sb_puts(&b, "");
	for (unsigned i = 0; i < n; i++) {
		if (i)
			sb_puts(&b, " ");
		sb_puts(&b, c->vocab[rng_zipf(r, c->nvocab)]);
	}
	return b.p;
}

/* Rows of @a and @b identical (text and counts). */
static void same_rows(const ngidx_top_result *a, const ngidx_top_result *b, const char *what)
{
	cr_assert_eq(a->nrows, b->nrows, "%s: %zu rows, unfiltered %zu", what, a->nrows, b->nrows);
	for (size_t i = 0; i < a->nrows; i++) {
		const ngidx_term *x = &a->rows[i], *y = &b->rows[i];
		CHECK(x->text_len == y->text_len && !memcmp(x->text, y->text, x->text_len) && x->cf == y->cf &&
		          x->df == y->df,
		      "%s: row %zu differs from the unfiltered answer", what, i);
	}
}

/* The query just run into @res, again without the subset: the same rows. */
static void check_unfiltered(const corpus *c, ngidx_top_opts o, int kind, const char *arg,
                             const ngidx_top_result *res, const char *what)
{
	ngidx_top_result u = { 0 };
	ngidx_error e = { 0 };
	o.subset = NULL;
	int rc = kind == 0   ? ngidx_top(c->idx, &o, &u, &e)
	         : kind == 1 ? ngidx_top_prefix(c->idx, arg, strlen(arg), &o, &u, &e)
	                     : ngidx_top_pattern(c->idx, arg, strlen(arg), &o, &u, &e);
	cr_assert_eq(rc, 0, "%s: %s", what, e.msg);
	same_rows(res, &u, what);
	cr_assert_eq(res->walked, 0, "%s: a subset of every document walks nothing", what);
	ngidx_top_result_release(&u);
}

/*
 * @nq random queries on @c, within @sub (NULL: none), checked against the
 * reference terms of @view (@c itself without a subset). @all: @sub holds
 * every document, so the answer must also be the unfiltered one.
 */
static void random_queries(rng *r, const corpus *c, const corpus *view, const ngidx_subset *sub, int all,
                           ngidx_stopwords *sw, char **stop, size_t nstop, int nq)
{
	ngidx_top_result res = { 0 };
	ngidx_error e = { 0 };
	static const size_t ks[] = { 1, 3, 10, 20, 100, 5000 };
	for (int qi = 0; qi < nq; qi++) {
		query q = { 1, c->max_n, "", "", ks[rng_below(r, 6)], (int)rng_below(r, 2),
		            rng_below(r, 3) ? 0 : rng_below(r, 4), NULL, 0 };
		ngidx_top_opts o;
		ngidx_top_opts_init(&o);
		o.subset = sub;
		o.k = q.k;
		o.by = q.by_df ? NGIDX_TOP_BY_DOCUMENTS : NGIDX_TOP_BY_OCCURRENCES;
		o.min_documents = q.min_docs;
		if (rng_below(r, 3) == 0) {
			o.stopwords = sw;
			q.stop = stop;
			q.nstop = nstop;
		}
		unsigned kind = rng_below(r, 3);
		char what[256];
		if (kind == 0) {
			q.n_lo = 1 + rng_below(r, c->max_n);
			q.n_hi = q.n_lo + rng_below(r, c->max_n - q.n_lo + 1);
			if (rng_below(r, 4) == 0) {
				q.n_lo = 1;
				q.n_hi = c->max_n;
			} else {
				o.n_min = q.n_lo;
				o.n_max = q.n_hi;
			}
			snprintf(what, sizeof what, "top --n %u-%u%s", q.n_lo, q.n_hi, sub ? " (subset)" : "");
			cr_assert_eq(ngidx_top(c->idx, &o, &res, &e), 0, "%s: %s", what, e.msg);
			check_against_ref(view, &q, &res, what);
			if (!sub && !o.stopwords && !o.min_documents && q.k <= 20)
				cr_assert_eq(res.scanned, 0, "%s: an unfiltered top %zu must not scan", what, q.k);
			if (all)
				check_unfiltered(c, o, 0, NULL, &res, what);
		} else if (kind == 1) {
			unsigned pn = 1 + rng_below(r, c->max_n);
			char *ph = rand_phrase(r, c, pn);
			sbuf head = { 0 };
			sb_puts(&head, ph);
			sb_puts(&head, " ");
			q.head = head.p;
			q.n_lo = q.n_hi = pn + 1;
			snprintf(what, sizeof what, "top --prefix '%s'%s", ph, sub ? " (subset)" : "");
			cr_assert_eq(ngidx_top_prefix(c->idx, ph, strlen(ph), &o, &res, &e), 0, "%s: %s", what, e.msg);
			check_against_ref(view, &q, &res, what);
			cr_assert_eq(res.scanned, 0, "%s: continuations must come from CONT", what);
			if (all)
				check_unfiltered(c, o, 1, ph, &res, what);
			free(ph);
			free(head.p);
		} else {
			unsigned total = 1 + rng_below(r, c->max_n);
			unsigned an = rng_below(r, total), bn = total - 1 - an;
			char *a = rand_phrase(r, c, an), *b = rand_phrase(r, c, bn);
			sbuf pat = { 0 }, head = { 0 }, tail = { 0 };
			sb_puts(&pat, a);
			sb_puts(&pat, rng_below(r, 2) ? " * " : "*");
			sb_puts(&pat, b);
			sb_puts(&head, a);
			if (an)
				sb_puts(&head, " ");
			if (bn)
				sb_puts(&tail, " ");
			sb_puts(&tail, b);
			q.head = head.p;
			q.tail = tail.p;
			q.n_lo = q.n_hi = total;
			snprintf(what, sizeof what, "top '%s'%s", pat.p, sub ? " (subset)" : "");
			cr_assert_eq(ngidx_top_pattern(c->idx, pat.p, pat.len, &o, &res, &e), 0, "%s: %s", what, e.msg);
			check_against_ref(view, &q, &res, what);
			if (all)
				check_unfiltered(c, o, 2, pat.p, &res, what);
			free(a);
			free(b);
			free(pat.p);
			free(head.p);
			free(tail.p);
		}
	}
	ngidx_top_result_release(&res);
}

static void run_corpora(const char *name, int threads, int rounds)
{
	rng r = { test_seed(name) };
	for (int round = 0; round < rounds; round++) {
		corpus c;
		unsigned max_n = 1 + rng_below(&r, 4);
		uint32_t min_df = rng_below(&r, 3) == 0 ? 2 : 1, min_count = 1 + rng_below(&r, 3);
		make_corpus(&r, &c, tp("t.ngx"), max_n, min_df, min_count, threads);
		/* stop words: a random part of the vocabulary, frequent words first */
		size_t nstop = 1 + rng_below(&r, c.nvocab / 2 + 1);
		sbuf sl = { 0 };
		for (size_t i = 0; i < nstop; i++) {
			sb_puts(&sl, c.vocab[i]);
			sb_puts(&sl, "\n");
		}
		ngidx_stopwords *sw;
		ngidx_error e = { 0 };
		cr_assert_eq(ngidx_stopwords_create(&sw, sl.p, sl.len, &e), 0);
		random_queries(&r, &c, &c, NULL, 0, sw, c.vocab, nstop, 150);
		ngidx_stopwords_free(sw);
		free(sl.p);
		free_corpus(&c);
	}
}

Test(top, against_reference, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	run_corpora("against_reference", 1, 12);
}

Test(top, against_reference_threads, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	run_corpora("against_reference_threads", 2, 4);
}

/* ---- subcorpora ------------------------------------------------------------ */

static const char *const srcs[] = { "wire", "ledger", "post" };

typedef struct ddoc {
	unsigned *w;     /* word ids */
	size_t nw;
	uint32_t date;   /* YYYYMMDD, YYYY0000 (year only) or 0 (undated) */
	unsigned src;
} ddoc;

typedef struct dated {
	corpus c;
	ddoc *d;
	size_t nd;
	uint32_t min_df, min_count;
} dated;

/* A JSON Lines corpus of @nd documents (up to @maxw words of @nvocab,
 * dated 2016 to 2019 or not at all, with a "src" field) built into @path. */
static void make_dated(rng *r, dated *g, const char *path, unsigned nvocab, size_t nd, uint32_t maxw,
                       unsigned max_n, uint32_t min_df, uint32_t min_count, int threads)
{
	make_vocab(&g->c, nvocab);
	g->nd = nd;
	g->min_df = min_df;
	g->min_count = min_count;
	g->d = xrealloc(NULL, nd * sizeof *g->d);
	sbuf js = { 0 };
	char buf[128];
	for (size_t i = 0; i < nd; i++) {
		ddoc *d = &g->d[i];
		unsigned y = 2016 + rng_below(r, 4), kind = rng_below(r, 10);
		d->date = kind == 0 ? 0 : kind == 1 ? y * 10000
		          : y * 10000 + (1 + rng_below(r, 12)) * 100 + 1 + rng_below(r, 28);
		d->src = rng_below(r, 3);
		d->nw = rng_below(r, 5) == 0 ? rng_below(r, 3) : rng_below(r, maxw + 1);
		d->w = xrealloc(NULL, (d->nw ? d->nw : 1) * sizeof *d->w);
		snprintf(buf, sizeof buf, "{\"id\":\"d%zu\",\"src\":\"%s\",", i, srcs[d->src]);
		sb_puts(&js, buf);
		if (d->date % 10000)
			snprintf(buf, sizeof buf, "\"date\":\"%04u-%02u-%02u\",", d->date / 10000,
			         d->date / 100 % 100, d->date % 100);
		else if (d->date)
			snprintf(buf, sizeof buf, "\"date\":\"%04u\",", d->date / 10000);
		else
			buf[0] = 0;
		sb_puts(&js, buf);
		sb_puts(&js, "\"text\":\"");
		for (size_t k = 0; k < d->nw; k++) {
			d->w[k] = rng_zipf(r, nvocab);
			sb_puts(&js, !k ? "" : rng_below(r, 8) ? " " : ", ");
			sb_puts(&js, g->c.vocab[d->w[k]]);
		}
		sb_puts(&js, "\"}\n");
	}
	write_file(tp("d.jsonl"), js.p, js.len);
	free(js.p);
	build_corpus(&g->c, kp("d.jsonl"), NGIDX_FORMAT_JSONL, path, max_n, min_df, min_count,
	             threads);
}

static void free_dated(dated *g)
{
	for (size_t i = 0; i < g->nd; i++)
		free(g->d[i].w);
	free(g->d);
	free_corpus(&g->c);
}

/* A subset as the reference sees it: dates in [lo, hi] (0: no bound;
 * undated documents fail a bound), src (-1: any), or every document. */
typedef struct pred {
	uint32_t lo, hi;
	int src;
	int all;
} pred;

static int in_pred(const ddoc *d, const pred *p)
{
	if (p->all)
		return 1;
	if ((p->lo || p->hi) && (!d->date || d->date < p->lo || (p->hi && d->date > p->hi)))
		return 0;
	return p->src < 0 || (int)d->src == p->src;
}

/* The reference's n-grams: counts in the whole corpus and in a subset. */
typedef struct rgram {
	char *s;
	size_t len;
	unsigned n;
	uint64_t df, cf;      /* whole corpus (--min-df, --min-count drop n >= 2 below) */
	uint64_t cf_s, df_s;  /* in the subset */
	size_t last, last_s;  /* last document counted, + 1 */
} rgram;

typedef struct rmap {
	rgram *v;
	size_t cap, n;        /* cap: a power of two, at most half full */
} rmap;

static rgram *rmap_slot(rgram *v, size_t cap, const char *s, size_t len)
{
	size_t i = fnv(s, len) & (cap - 1);
	while (v[i].s && !(v[i].len == len && !memcmp(v[i].s, s, len)))
		i = (i + 1) & (cap - 1);
	return &v[i];
}

static rgram *rmap_get(rmap *m, const char *s, size_t len, unsigned n)
{
	if (2 * (m->n + 1) > m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 1024;
		rgram *v = xrealloc(NULL, cap * sizeof *v);
		memset(v, 0, cap * sizeof *v);
		for (size_t i = 0; i < m->cap; i++)
			if (m->v[i].s)
				*rmap_slot(v, cap, m->v[i].s, m->v[i].len) = m->v[i];
		free(m->v);
		m->v = v;
		m->cap = cap;
	}
	rgram *e = rmap_slot(m->v, m->cap, s, len);
	if (!e->s) {
		*e = (rgram){ xstrndup(s, len), len, n, 0, 0, 0, 0, 0, 0 };
		m->n++;
	}
	return e;
}

static void rmap_free(rmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->v[i].s);
	free(m->v);
}

/* Count every n-gram (n <= max n) of every document, by hand, and the
 * view of the index that a query within @p must see: the n-grams the
 * index holds, with their counts in the subset, if they occur there. */
static void ref_subset(const dated *g, rmap *m, const pred *p, corpus *view)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->v[i].s)
			m->v[i].df = m->v[i].cf = m->v[i].cf_s = m->v[i].df_s = m->v[i].last = m->v[i].last_s = 0;
	sbuf key = { 0 };
	for (size_t i = 0; i < g->nd; i++) {
		const ddoc *d = &g->d[i];
		int in = in_pred(d, p);
		for (unsigned n = 1; n <= g->c.max_n; n++) {
			for (size_t st = 0; st + n <= d->nw; st++) {
				key.len = 0;
				for (unsigned k = 0; k < n; k++) {
					sb_puts(&key, k ? " " : "");
					sb_puts(&key, g->c.vocab[d->w[st + k]]);
				}
				rgram *e = rmap_get(m, key.p, key.len, n);
				if (e->last != i + 1) {
					e->df++;
					e->last = i + 1;
				}
				e->cf++;
				if (in) {
					e->cf_s++;
					e->df_s += e->last_s != i + 1;
					e->last_s = i + 1;
				}
			}
		}
	}
	free(key.p);
	*view = g->c;
	view->t = xrealloc(NULL, (m->n ? m->n : 1) * sizeof *view->t);
	view->nt = 0;
	for (size_t i = 0; i < m->cap; i++) {
		const rgram *e = &m->v[i];
		if (e->s && e->df_s && (e->n == 1 || (e->df >= g->min_df && e->cf >= g->min_count)))
			view->t[view->nt++] = (rterm){ e->s, e->len, e->n, e->cf_s, e->df_s };
	}
}

typedef struct subspec {
	const char *spec;
	pred p;
} subspec;

static const subspec top_subs[] = {
	{ "date=2018", { 20180000, 20189999, -1, 0 } },
	{ "date=2017-03..2018-06", { 20170300, 20180699, -1, 0 } },
	{ "src=wire", { 0, 0, 0, 0 } },
	{ "src=post,date=..2017", { 0, 20179999, 2, 0 } },
	{ "src=ledger,date=2019-02-10..", { 20190210, 0, 1, 0 } },
	{ "date=2016..2019", { 20160000, 20199999, -1, 0 } }, /* every dated document */
	{ "date=1990", { 19900000, 19909999, -1, 0 } },       /* none */
	{ "*", { 0, 0, -1, 1 } },                             /* every document */
};

/* The subset of @ss in @g, checked against the reference's documents;
 * *@all: it holds every document. */
static ngidx_subset *open_subset(const dated *g, const subspec *ss, int *all)
{
	ngidx_subset *sub;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_subset_parse(g->c.idx, ss->spec, &sub, &e), 0, "%s: %s", ss->spec, e.msg);
	uint64_t docs = 0;
	for (size_t i = 0; i < g->nd; i++)
		docs += in_pred(&g->d[i], &ss->p);
	cr_assert_eq(ngidx_subset_docs(sub), docs, "%s: %llu documents, reference %llu", ss->spec,
	             (unsigned long long)ngidx_subset_docs(sub), (unsigned long long)docs);
	*all = docs == g->nd;
	return sub;
}

static void run_subsets(const char *name, int threads, int rounds)
{
	rng r = { test_seed(name) };
	for (int round = 0; round < rounds; round++) {
		dated g;
		unsigned max_n = 1 + rng_below(&r, 4);
		uint32_t min_df = rng_below(&r, 3) == 0 ? 2 : 1, min_count = 1 + rng_below(&r, 3);
		make_dated(&r, &g, tp("d.ngx"), 4 + rng_below(&r, 120), 1 + rng_below(&r, 80), 300, max_n,
		           min_df, min_count, threads);
		size_t nstop = 1 + rng_below(&r, g.c.nvocab / 2 + 1);
		sbuf sl = { 0 };
		for (size_t i = 0; i < nstop; i++) {
			sb_puts(&sl, g.c.vocab[i]);
			sb_puts(&sl, "\n");
		}
		ngidx_stopwords *sw;
		ngidx_error e = { 0 };
		cr_assert_eq(ngidx_stopwords_create(&sw, sl.p, sl.len, &e), 0);
		rmap m = { 0 };
		for (size_t k = 0; k < sizeof top_subs / sizeof *top_subs; k++) {
			int all;
			ngidx_subset *sub = open_subset(&g, &top_subs[k], &all);
			corpus view;
			ref_subset(&g, &m, &top_subs[k].p, &view);
			random_queries(&r, &g.c, &view, sub, all, sw, g.c.vocab, nstop, 40);
			free(view.t);
			ngidx_subset_free(sub);
		}
		rmap_free(&m);
		ngidx_stopwords_free(sw);
		free(sl.p);
		free_dated(&g);
	}
}

Test(top, subsets_against_reference, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	run_subsets("subsets_against_reference", 1, 10);
}

Test(top, subsets_against_reference_threads, .init = fixture_setup, .fini = fixture_teardown,
     .timeout = 300)
{
	run_subsets("subsets_against_reference_threads", 2, 3);
}

/* One query within @ss checked against the reference; @return its result. */
static void subset_query(const dated *g, rmap *m, const subspec *ss, const ngidx_top_opts *o,
                         ngidx_top_result *res)
{
	int all;
	ngidx_subset *sub = open_subset(g, ss, &all);
	corpus view;
	ref_subset(g, m, &ss->p, &view);
	ngidx_top_opts u = *o;
	u.subset = sub;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_top(g->c.idx, &u, res, &e), 0, "%s: %s", ss->spec, e.msg);
	query q = { o->n_min, o->n_max, "", "", o->k, o->by == NGIDX_TOP_BY_DOCUMENTS, o->min_documents,
	            NULL, 0 };
	char what[128];
	snprintf(what, sizeof what, "top --n %u-%u -k %zu within %s", o->n_min, o->n_max, o->k, ss->spec);
	check_against_ref(&view, &q, res, what);
	free(view.t);
	ngidx_subset_free(sub);
}

/*
 * The bound at work, on a corpus with more bigrams than a list holds: a
 * small k within a quarter of the corpus walks few postings lists and
 * needs no scan; k past the lists scans, and the entries the lists gave
 * first are not counted twice.
 */
Test(top, subset_bounds, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	rng r = { test_seed("subset_bounds") };
	dated g;
	make_dated(&r, &g, tp("d.ngx"), 400, 150, 600, 2, 1, 1, 2);
	ngidx_index_info info;
	ngidx_index_get_info(g.c.idx, &info);
	cr_assert_gt(info.terms_n[1], 4096, "the corpus must have more bigrams than a list holds");
	rmap m = { 0 };
	ngidx_top_result res = { 0 };
	ngidx_top_opts o;
	for (int by = 0; by < 2; by++) {
		ngidx_top_opts_init(&o);
		o.by = by;
		o.n_min = o.n_max = 1;
		o.k = 5;
		subset_query(&g, &m, &top_subs[0], &o, &res);
		cr_assert_eq(res.nrows, 5);
		cr_assert_eq(res.scanned, 0, "top 5 within a year comes from the lists");
		fprintf(stderr, "top_test: subset_bounds: top 5 by %s within a year walked %llu of %llu unigrams\n",
		        by ? "documents" : "occurrences", (unsigned long long)res.walked,
		        (unsigned long long)info.terms_n[0]);
		cr_assert_geq(res.walked, 5);
		/* by documents the bound is weak: frequent words are in nearly every
		 * document, so their df bounds any df in a subset */
		if (!by)
			cr_assert_lt(res.walked, info.terms_n[0] / 2, "walked %llu of %llu unigrams",
			             (unsigned long long)res.walked, (unsigned long long)info.terms_n[0]);
		o.n_min = 1;
		o.n_max = 2;
		o.k = 20;
		subset_query(&g, &m, &top_subs[1], &o, &res);
		cr_assert_eq(res.scanned, 0);
		o.n_min = o.n_max = 2;
		o.k = 4097;
		subset_query(&g, &m, &top_subs[5], &o, &res);
		cr_assert_eq(res.scanned, 1, "k past the lists scans");
		o.k = 10;
		o.min_documents = 3;
		subset_query(&g, &m, &top_subs[3], &o, &res);
		o.min_documents = 0;
		subset_query(&g, &m, &top_subs[6], &o, &res);
		cr_assert_eq(res.nrows, 0, "an empty subset has no row");
		cr_assert_eq(res.walked, 0, "an empty subset walks nothing");
	}
	ngidx_top_result_release(&res);
	rmap_free(&m);
	free_dated(&g);
}

/* Lists cut at K: a corpus with more than 4096 bigrams; k past the cut scans. */
Test(top, beyond_the_cut, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	rng r = { test_seed("beyond_the_cut") };
	corpus c = { 0 };
	c.nvocab = 400;
	c.vocab = xrealloc(NULL, c.nvocab * sizeof *c.vocab);
	sbuf text = { 0 };
	for (unsigned i = 0; i < c.nvocab; i++) {
		char w[16];
		snprintf(w, sizeof w, "w%u", i);
		c.vocab[i] = xstrdup(w);
	}
	for (int d = 0; d < 40; d++) {
		for (int k = 0; k < 600; k++) {
			sb_puts(&text, c.vocab[rng_below(&r, 3) ? rng_zipf(&r, c.nvocab) : rng_below(&r, c.nvocab)]);
			sb_puts(&text, " ");
		}
		sb_puts(&text, "\n");
	}
	write_file(tp("c.txt"), text.p, text.len);
	free(text.p);
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	const char *in[1] = { kp("c.txt") };
	o.inputs = in;
	o.ninputs = 1;
	o.format = NGIDX_FORMAT_LINES;
	o.output = kp("big.ngx");
	o.max_n = c.max_n = 2;
	o.min_count = 1; /* every bigram */
	o.memory = 1u << 20;
	o.tmpdir = g_dir;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_build(&o, NULL, &e), NGIDX_OK, "build: %s", e.msg);
	ngidx_open_opts oo = { 1 };
	cr_assert_eq(ngidx_index_open(&c.idx, o.output, &oo, &e), NGIDX_OK, "open + verify: %s", e.msg);
	ngidx_index_info info;
	ngidx_index_get_info(c.idx, &info);
	cr_assert_gt(info.terms_n[1], 4096, "the corpus must have more bigrams than a list holds");
	c.t = xrealloc(NULL, info.terms * sizeof *c.t);
	for (uint64_t id = 0; id < info.terms; id++) {
		ngidx_term t;
		cr_assert_eq(ngidx_term_get(c.idx, id, &t, &e), 0);
		c.t[c.nt++] = (rterm){ t.text, t.text_len, t.n, t.cf, t.df };
	}
	ngidx_top_result res = { 0 };
	for (int by = 0; by < 2; by++) {
		ngidx_top_opts to;
		ngidx_top_opts_init(&to);
		to.n_min = to.n_max = 2;
		to.by = by;
		to.k = 4096;
		query q = { 2, 2, "", "", 4096, by, 0, NULL, 0 };
		cr_assert_eq(ngidx_top(c.idx, &to, &res, &e), 0);
		check_against_ref(&c, &q, &res, "top k = 4096");
		cr_assert_eq(res.scanned, 0, "k = K is answered from the list");
		to.k = q.k = 4097;
		cr_assert_eq(ngidx_top(c.idx, &to, &res, &e), 0);
		check_against_ref(&c, &q, &res, "top k = 4097");
		cr_assert_eq(res.scanned, 1, "k > K scans");
		to.k = q.k = 10;
		to.n_min = 1;
		q.n_lo = 1;
		cr_assert_eq(ngidx_top(c.idx, &to, &res, &e), 0);
		check_against_ref(&c, &q, &res, "top --n 1-2");
		cr_assert_eq(res.scanned, 0);
	}
	ngidx_top_result_release(&res);
	free_corpus(&c);
}

Test(top, errors, .init = fixture_setup, .fini = fixture_teardown)
{
	rng r = { test_seed("errors") };
	corpus c;
	make_corpus(&r, &c, tp("t.ngx"), 2, 1, 1, 1);
	ngidx_top_result res = { 0 };
	ngidx_top_opts o;
	ngidx_top_opts_init(&o);
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_top_pattern(c.idx, "a b", 3, &o, &res, &e), NGIDX_ERR_ARG);
	cr_assert_eq(ngidx_top_pattern(c.idx, "* a *", 5, &o, &res, &e), NGIDX_ERR_ARG);
	cr_assert_eq(ngidx_top_pattern(c.idx, "a * b", 5, &o, &res, &e), NGIDX_ERR_ARG, "3 tokens > max n 2");
	cr_assert_eq(ngidx_top_prefix(c.idx, " ... ", 5, &o, &res, &e), NGIDX_ERR_ARG);
	o.n_min = 3;
	o.n_max = 3;
	cr_assert_eq(ngidx_top(c.idx, &o, &res, &e), NGIDX_ERR_ARG);
	o.n_min = 2;
	o.n_max = 1;
	cr_assert_eq(ngidx_top(c.idx, &o, &res, &e), NGIDX_ERR_ARG);
	ngidx_top_opts_init(&o);
	o.k = 0;
	cr_assert_eq(ngidx_top(c.idx, &o, &res, &e), NGIDX_ERR_ARG);
	ngidx_top_opts_init(&o);
	/* absent phrase, and a phrase of max n tokens: no continuation */
	cr_assert_eq(ngidx_top_prefix(c.idx, "zzzz", 4, &o, &res, &e), 0);
	cr_assert_eq(res.nrows, 0);
	cr_assert_eq(ngidx_top_prefix(c.idx, c.vocab[0], strlen(c.vocab[0]), &o, &res, &e), 0);
	char two[64];
	snprintf(two, sizeof two, "%s %s", c.vocab[0], c.vocab[0]);
	cr_assert_eq(ngidx_top_prefix(c.idx, two, strlen(two), &o, &res, &e), 0);
	cr_assert_eq(res.nrows, 0);
	ngidx_top_result_release(&res);
	free_corpus(&c);
}

/* ---- corrupted sections --------------------------------------------------- */

/* Rewrite the checksum of section @sec and the trailer, so that only the
 * structure checks (not the checksums) can catch the damage. */
static void reseal(unsigned char *p, size_t len, unsigned sec)
{
	unsigned char *ent = p + 64 + 32 * sec;
	uint64_t off, slen;
	memcpy(&off, ent + 8, 8);
	memcpy(&slen, ent + 16, 8);
	uint64_t h = XXH64(p + off, (size_t)slen, 0);
	memcpy(ent + 24, &h, 8);
	uint32_t nsec;
	memcpy(&nsec, p + 40, 4);
	h = XXH64(p, 64 + 32 * (size_t)nsec, 0);
	memcpy(p + len - 8, &h, 8);
}

Test(top, corrupt_sections, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	rng r = { test_seed("corrupt_sections") };
	corpus c;
	make_corpus(&r, &c, tp("t.ngx"), 3, 1, 1, 1);
	ngidx_index_free(c.idx);
	c.idx = NULL;
	size_t len;
	unsigned char *orig = read_whole(tp("t.ngx"), &len);
	uint32_t nsec;
	memcpy(&nsec, orig + 40, 4);
	unsigned secs[2], ns = 0;
	for (unsigned i = 0; i < nsec; i++) {
		uint32_t kind;
		memcpy(&kind, orig + 64 + 32 * i, 4);
		if (kind == 11 || kind == 12)
			secs[ns++] = i;
	}
	cr_assert_eq(ns, 2, "the index must have TOPLIST and CONT");
	unsigned char *buf = xrealloc(NULL, len);
	int detected = 0, trials = 300;
	for (int t = 0; t < trials; t++) {
		memcpy(buf, orig, len);
		unsigned sec = secs[rng_below(&r, 2)];
		uint64_t off, slen;
		memcpy(&off, buf + 64 + 32 * sec + 8, 8);
		memcpy(&slen, buf + 64 + 32 * sec + 16, 8);
		int nflip = 1 + (int)rng_below(&r, 3);
		for (int k = 0; k < nflip; k++) {
			/* headers are hit more often: they hold the sizes and offsets */
			uint64_t at = rng_below(&r, 2) ? rng_below(&r, (uint32_t)(slen < 64 ? slen : 64))
			                               : rng_below(&r, (uint32_t)slen);
			buf[off + at] ^= (unsigned char)(1u << rng_below(&r, 8));
		}
		reseal(buf, len, sec);
		write_file(tp("bad.ngx"), buf, len);
		ngidx_index *x;
		ngidx_error e = { 0 };
		cr_assert_eq(ngidx_index_open(&x, tp("bad.ngx"), NULL, &e), 0, "open: %s", e.msg);
		int v = ngidx_index_verify(x, &e);
		cr_assert(v == 0 || v == NGIDX_ERR_CORRUPT, "verify gave %d", v);
		detected += v == NGIDX_ERR_CORRUPT;
		/* queries: a result or NGIDX_ERR_CORRUPT, never a crash */
		ngidx_top_result res = { 0 };
		ngidx_top_opts o;
		ngidx_top_opts_init(&o);
		for (int by = 0; by < 2; by++) {
			o.by = by;
			int q = ngidx_top(x, &o, &res, &e);
			cr_assert(q == 0 || q == NGIDX_ERR_CORRUPT);
			for (unsigned w = 0; w < 6; w++) {
				const char *word = c.vocab[w % c.nvocab];
				q = ngidx_top_prefix(x, word, strlen(word), &o, &res, &e);
				cr_assert(q == 0 || q == NGIDX_ERR_CORRUPT);
				char pat[64];
				snprintf(pat, sizeof pat, "* %s", word);
				q = ngidx_top_pattern(x, pat, strlen(pat), &o, &res, &e);
				cr_assert(q == 0 || q == NGIDX_ERR_CORRUPT);
				snprintf(pat, sizeof pat, "%s * %s", word, c.vocab[0]);
				q = ngidx_top_pattern(x, pat, strlen(pat), &o, &res, &e);
				cr_assert(q == 0 || q == NGIDX_ERR_CORRUPT);
			}
		}
		ngidx_top_result_release(&res);
		ngidx_index_free(x);
	}
	/* a flipped bit can be harmless (padding bits); nearly all are found */
	cr_assert_gt(detected, trials * 8 / 10, "verify found only %d of %d corruptions", detected, trials);
	free(buf);
	free(orig);
	free_corpus(&c);
}

/* ---- allocation failures -------------------------------------------------- */


/* Every query, as one operation, within @sub (NULL: none): @return its
 * first error (0 if none). */
static int all_queries(const ngidx_index *x, const corpus *c, const ngidx_subset *sub)
{
	ngidx_stopwords *sw = NULL;
	ngidx_top_result r = { 0 };
	ngidx_top_opts o;
	ngidx_top_opts_init(&o);
	o.subset = sub;
	ngidx_error e;
	int rc = ngidx_stopwords_english(&sw, &e);
	if (!rc)
		rc = ngidx_top(x, &o, &r, &e);
	o.stopwords = sw;
	o.k = 5000; /* past the lists: the scan */
	if (!rc)
		rc = ngidx_top(x, &o, &r, &e);
	o.k = 60; /* past the first growth of the row arrays */
	o.by = NGIDX_TOP_BY_DOCUMENTS;
	char pat[64];
	snprintf(pat, sizeof pat, "%s * %s", c->vocab[0], c->vocab[1]);
	if (!rc)
		rc = ngidx_top_prefix(x, c->vocab[0], strlen(c->vocab[0]), &o, &r, &e);
	if (!rc)
		rc = ngidx_top_pattern(x, pat, strlen(pat), &o, &r, &e);
	o.by = NGIDX_TOP_BY_OCCURRENCES;
	if (!rc)
		rc = ngidx_top_pattern(x, pat + strlen(c->vocab[0]) + 1, strlen(pat + strlen(c->vocab[0]) + 1), &o, &r, &e);
	if (!rc)
		rc = ngidx_top_prefix(x, c->vocab[1], strlen(c->vocab[1]), &o, &r, &e);
	if (rc && (rc != NGIDX_ERR_NOMEM || !e.msg[0]))
		rc = -1;
	ngidx_top_result_release(&r);
	ngidx_stopwords_free(sw);
	return rc;
}

/* Fail each allocation of all_queries in turn: a clean error, no leak. */
static void fail_each_allocation(const corpus *c, const ngidx_subset *sub, const char *name)
{
	static const ngidx_allocator hook = { fa_malloc, fa_realloc, fa_free, NULL };
	FA.calls = 0;
	FA.fail_at = 0;
	FA.live = 0;
	ngidx_set_allocator(&hook);
	int ok = all_queries(c->idx, c, sub);
	long n = FA.calls;
	ngidx_set_allocator(NULL);
	cr_assert_eq(ok, 0, "queries fail without injected failures");
	cr_assert_eq(FA.live, 0, "queries leak %ld blocks", FA.live);
	for (long k = 1; k <= n; k++) {
		FA.calls = 0;
		FA.fail_at = k;
		FA.live = 0;
		ngidx_set_allocator(&hook);
		int rc = all_queries(c->idx, c, sub);
		ngidx_set_allocator(NULL);
		CHECK(rc == 0 || rc == NGIDX_ERR_NOMEM, "call %ld of %ld failed: status %d", k, n, rc);
		CHECK(FA.live == 0, "call %ld of %ld failed: %ld blocks leaked", k, n, FA.live);
	}
	fprintf(stderr, "top_test: %s: %ld allocator calls, each failed once\n", name, n);
}

Test(top, allocation_failures, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120)
{
	rng r = { test_seed("allocation_failures") };
	corpus c;
	/* big enough that lists and heaps grow several times */
	for (make_corpus(&r, &c, tp("t.ngx"), 3, 1, 1, 1); c.nt < 2000;
	     make_corpus(&r, &c, tp("t.ngx"), 3, 1, 1, 1))
		free_corpus(&c);
	fail_each_allocation(&c, NULL, "allocation_failures");
	free_corpus(&c);
}

Test(top, subset_allocation_failures, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120)
{
	rng r = { test_seed("subset_allocation_failures") };
	dated g;
	make_dated(&r, &g, tp("d.ngx"), 120, 60, 300, 3, 1, 1, 1);
	ngidx_subset *sub;
	cr_assert_eq(ngidx_subset_parse(g.c.idx, "date=2017..2018", &sub, NULL), 0);
	cr_assert_gt(ngidx_subset_docs(sub), 0);
	fail_each_allocation(&g.c, sub, "subset_allocation_failures");
	ngidx_subset_free(sub);
	free_dated(&g);
}
