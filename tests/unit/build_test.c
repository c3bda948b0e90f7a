/*
 * build_test.c - tests of ngidx_build (src/build) through the public API,
 * answered by ngidx_count (src/query/count.c).
 *
 * 1. Exact counts. Random ASCII corpora (a small Zipf vocabulary, so that
 *    phrases repeat, with overlapping repeats such as "a b a b a b" and
 *    runs "a a a a") are indexed with 1, 2 and 3 threads and 1M (many
 *    spilled runs) and 1G of memory, for max n 1, 2, 3, 5 and min df 1 and
 *    2. For random phrases of 1..10 tokens - taken from the documents, made
 *    up, and with unknown words, written with random case and punctuation -
 *    ngidx_count must give the brute-force answer: occurrences = start
 *    positions where the phrase occurs (overlaps included), documents =
 *    documents with at least one. Every build of one (max n, min df) must
 *    be byte-identical, whatever the threads and memory, and whether the
 *    input is read once or twice (sieve.h: then the runs must be smaller).
 *
 * 2. Hash collisions. The file is also compiled with -DNGIDX_WEAK_HASH
 *    (`make weakhash`: build-weak/tests/build_test), where ngidx_hash64
 *    keeps 3 bits, so nearly all n-grams collide in the accumulator, the
 *    runs, the merge and the lexicon. The assertions are the same in both
 *    builds: each distinct n-gram stays distinct (as many terms per n as
 *    the model has, each found by its text with its own df and cf) and
 *    every count is exact. Under the weak hash every lookup is linear, so
 *    the corpora are sized down (#ifdef NGIDX_WEAK_HASH) to a few hundred
 *    distinct n-grams.
 *
 * 3. Bad input through the build API: a missing input (warned and skipped;
 *    with strict the build fails leaving no output, no temporary file and
 *    any previous index untouched), malformed jsonl lines (skipped and
 *    counted), empty documents and an empty input folder (an index of no
 *    document that opens, verifies and answers 0), bad options.
 *
 * 4. ngidx_parse_size.
 *
 * 5. The owners of the n-grams (accum_owner): with T threads, T
 *    accumulators each own one range of hashes.
 *
 * 6. An accumulator's memory: what a document adds stays within what the
 *    pipeline reserves for it.
 *
 * Random tests print their seed on stderr; NGIDX_SEED=<seed> replays it.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ngidx/ngidx.h"
#include "build/accum.h"
#include "build/compact.h"
#include "text/analyze.h"

#define TEST_NAME "build"
#include "test_util.h"

#ifdef NGIDX_WEAK_HASH
#define WEAK 1
#else
#define WEAK 0
#endif

/* ---- files -------------------------------------------------------------------- */

/* Names in folder @dir, sorted, joined by '|' (for messages and checks). */
static char *list_dir(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	cr_assert_geq(n, 0, "scandir %s: %s", dir, strerror(errno));
	sbuf b = { 0 };
	sb_puts(&b, "");
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, "..")) {
			if (b.len)
				sb_puts(&b, "|");
			sb_puts(&b, ents[i]->d_name);
		}
		free(ents[i]);
	}
	free(ents);
	return b.p;
}

/* ---- building ------------------------------------------------------------- */

typedef struct warnings {
	char **msg;
	size_t n, cap;
} warnings;

static void on_warn(void *ctx, const char *msg)
{
	warnings *w = ctx;
	GROW(w->msg, w->cap, w->n + 1);
	w->msg[w->n++] = xstrdup(msg);
}

static void warnings_free(warnings *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->msg[i]);
	free(w->msg);
	memset(w, 0, sizeof *w);
}

static int run_build(ngidx_build_opts *o, const char *out, const char *const *inputs, size_t nin,
                     ngidx_build_stats *st, ngidx_error *err, warnings *w)
{
	o->output = out;
	o->inputs = inputs;
	o->ninputs = nin;
	if (w) {
		o->warn = on_warn;
		o->warn_ctx = w;
	}
	memset(err, 0, sizeof *err);
	return ngidx_build(o, st, err);
}

static ngidx_index *open_verified(const char *path)
{
	ngidx_index *idx = NULL;
	ngidx_error err = { 0 };
	int rc = ngidx_index_open(&idx, path, NULL, &err);
	cr_assert_eq(rc, NGIDX_OK, "open %s: %d %s", path, rc, err.msg);
	rc = ngidx_index_verify(idx, &err);
	cr_assert_eq(rc, NGIDX_OK, "verify %s: %d %s", path, rc, err.msg);
	return idx;
}

/* ---- corpora of word ids -------------------------------------------------- */

typedef struct corpus {
	char **words;   /* vocabulary */
	size_t nwords;
	uint32_t **doc; /* word ids */
	size_t *len;
	size_t ndocs;
	char **text;    /* rendered text of each document */
} corpus;

/* Distinct words of [a-z]; the first few are one letter, and some words
 * are prefixes of others ("ab", "abc"), which the hash and the text
 * comparisons must keep apart. */
static void make_vocab(corpus *c, rng *r, size_t n, unsigned maxlen)
{
	c->words = xrealloc(NULL, n * sizeof *c->words);
	c->nwords = 0;
	while (c->nwords < n) {
		char b[24];
		size_t l;
		if (c->nwords >= 4 && rng_below(r, 6) == 0) {
			/* a prefix or an extension of an earlier word */
			const char *w = c->words[rng_below(r, (uint32_t)c->nwords)];
			l = strlen(w);
			if (l > 1 && rng_below(r, 2)) {
				l--;
				memcpy(b, w, l);
			} else if (l + 1 < sizeof b) {
				memcpy(b, w, l);
				b[l++] = (char)('a' + rng_below(r, 26));
			} else {
				continue;
			}
		} else {
			l = 1 + rng_below(r, c->nwords < 6 ? 1 : maxlen);
			for (size_t i = 0; i < l; i++)
				b[i] = (char)('a' + rng_below(r, 26));
		}
		b[l] = 0;
		size_t i;
		for (i = 0; i < c->nwords; i++)
			if (!strcmp(c->words[i], b))
				break;
		if (i == c->nwords)
			c->words[c->nwords++] = xstrdup(b);
	}
}

/* Documents of 0..@maxlen words: Zipf picks, repeats "a b a b a b", runs
 * "a a a a", about 1 in 20 without any token. */
static void make_docs(corpus *c, rng *r, size_t ndocs, unsigned maxlen, int zipf)
{
	c->ndocs = ndocs;
	c->doc = xrealloc(NULL, ndocs * sizeof *c->doc);
	c->len = xrealloc(NULL, ndocs * sizeof *c->len);
	for (size_t d = 0; d < ndocs; d++) {
		size_t n = rng_below(r, 20) == 0 ? 0 : 1 + rng_below(r, maxlen);
		uint32_t *w = xrealloc(NULL, (n + 1) * sizeof *w);
		size_t k = 0;
		while (k < n) {
			uint32_t op = rng_below(r, 12);
			if (op == 0 && k >= 2) {
				size_t reps = 1 + rng_below(r, 3);
				for (size_t i = 0; i < reps && k + 2 <= n; i++, k += 2) {
					w[k] = w[k - 2];
					w[k + 1] = w[k - 1];
				}
				if (k + 1 == n) {
					w[k] = w[k - 2];
					k++;
				}
			} else if (op == 1 && k >= 1) {
				size_t reps = 1 + rng_below(r, 5);
				for (size_t i = 0; i < reps && k < n; i++, k++)
					w[k] = w[k - 1];
			} else {
				w[k++] = zipf ? rng_zipf(r, (uint32_t)c->nwords) : rng_below(r, (uint32_t)c->nwords);
			}
		}
		c->doc[d] = w;
		c->len[d] = n;
	}
}

/* Write words with random ASCII separators and case. */
static void render_words(sbuf *o, const corpus *c, const uint32_t *w, size_t n, rng *r, int nl)
{
	static const char *const sep[] = { " ", " ", " ", " ", ", ", ". ", "; ", " - ", "! ", "? ",
		                           " (", ") ", "'", "\"", ":", "  ", "\t", "/", "_", "...", "*" };
	if (rng_below(r, 4) == 0)
		sb_puts(o, "\"");
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_puts(o, nl && rng_below(r, 15) == 0 ? "\n" : sep[rng_below(r, sizeof sep / sizeof *sep)]);
		const char *s = c->words[w[i]];
		int upper = rng_below(r, 10) == 0 ? 2 : rng_below(r, 8) == 0;
		for (size_t k = 0; s[k]; k++) {
			char ch = s[k];
			if (upper == 2 || (upper && k == 0))
				ch = (char)(ch - 'a' + 'A');
			sb_put(o, &ch, 1);
		}
	}
	if (rng_below(r, 3) == 0)
		sb_puts(o, rng_below(r, 2) ? "." : " ?!");
}

/* Render every document and write them as one lines-format file. */
static void write_corpus_lines(corpus *c, const char *path, rng *r)
{
	sbuf all = { 0 }, one = { 0 };
	sb_puts(&all, "");
	c->text = xrealloc(NULL, c->ndocs * sizeof *c->text);
	for (size_t d = 0; d < c->ndocs; d++) {
		one.len = 0;
		sb_puts(&one, "");
		if (c->len[d])
			render_words(&one, c, c->doc[d], c->len[d], r, 0);
		else if (rng_below(r, 2))
			sb_puts(&one, rng_below(r, 2) ? " -- !" : "...");
		c->text[d] = xstrdup(one.p);
		sb_put(&all, one.p, one.len);
		sb_puts(&all, "\n");
	}
	write_file(path, all.p, all.len);
	free(all.p);
	free(one.p);
}

static void corpus_free(corpus *c)
{
	for (size_t i = 0; i < c->nwords; i++)
		free(c->words[i]);
	for (size_t d = 0; d < c->ndocs; d++) {
		free(c->doc[d]);
		if (c->text)
			free(c->text[d]);
	}
	free(c->words);
	free(c->doc);
	free(c->len);
	free(c->text);
	memset(c, 0, sizeof *c);
}

/* Brute force: start positions where @q occurs, and documents with one. */
static void brute_count(const corpus *c, const uint32_t *q, size_t n, uint64_t *occ, uint64_t *docs)
{
	*occ = *docs = 0;
	for (size_t d = 0; d < c->ndocs; d++) {
		uint64_t k = 0;
		const uint32_t *w = c->doc[d];
		for (size_t s = 0; s + n <= c->len[d]; s++) {
			size_t i = 0;
			while (i < n && w[s + i] == q[i])
				i++;
			k += i == n;
		}
		*occ += k;
		*docs += k > 0;
	}
}

/* ---- distinct n-grams (for term counts and min df) ------------------------ */

typedef struct gram {
	char *text;
	size_t len;
	unsigned n;
	uint32_t df, last; /* last: last document + 1 */
	uint64_t cf;
	int seen;
} gram;

typedef struct grams {
	gram *g;
	size_t n, cap;
	uint32_t *tab;
	size_t tabcap;
} grams;

static gram *grams_find(const grams *G, const char *s, size_t n)
{
	if (!G->tabcap)
		return NULL;
	for (size_t j = (size_t)fnv(s, n) & (G->tabcap - 1);; j = (j + 1) & (G->tabcap - 1)) {
		if (!G->tab[j])
			return NULL;
		gram *g = &G->g[G->tab[j] - 1];
		if (g->len == n && !memcmp(g->text, s, n))
			return g;
	}
}

static gram *grams_add(grams *G, const char *s, size_t n, unsigned ng)
{
	gram *g = grams_find(G, s, n);
	if (g)
		return g;
	if (2 * (G->n + 1) > G->tabcap) {
		size_t cap = G->tabcap ? 2 * G->tabcap : 1024;
		free(G->tab);
		G->tab = calloc(cap, sizeof *G->tab);
		cr_assert_not_null(G->tab);
		G->tabcap = cap;
		for (size_t i = 0; i < G->n; i++) {
			size_t j = (size_t)fnv(G->g[i].text, G->g[i].len) & (cap - 1);
			while (G->tab[j])
				j = (j + 1) & (cap - 1);
			G->tab[j] = (uint32_t)i + 1;
		}
	}
	GROW(G->g, G->cap, G->n + 1);
	g = &G->g[G->n];
	memset(g, 0, sizeof *g);
	g->text = xrealloc(NULL, n + 1);
	memcpy(g->text, s, n);
	g->text[n] = 0;
	g->len = n;
	g->n = ng;
	size_t j = (size_t)fnv(s, n) & (G->tabcap - 1);
	while (G->tab[j])
		j = (j + 1) & (G->tabcap - 1);
	G->tab[j] = (uint32_t)++G->n;
	return g;
}

static void grams_free(grams *G)
{
	for (size_t i = 0; i < G->n; i++)
		free(G->g[i].text);
	free(G->g);
	free(G->tab);
	memset(G, 0, sizeof *G);
}

/* Words @w[0, n) joined by single spaces. */
static void join_words(sbuf *o, const corpus *c, const uint32_t *w, size_t n)
{
	o->len = 0;
	sb_puts(o, "");
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_puts(o, " ");
		sb_puts(o, c->words[w[i]]);
	}
}

/* Every n-gram of 1..@max_n words of the corpus, with df and cf. */
static void collect_grams(grams *G, const corpus *c, unsigned max_n)
{
	sbuf j = { 0 };
	for (size_t d = 0; d < c->ndocs; d++)
		for (size_t s = 0; s < c->len[d]; s++)
			for (size_t n = 1; n <= max_n && s + n <= c->len[d]; n++) {
				join_words(&j, c, c->doc[d] + s, n);
				gram *g = grams_add(G, j.p, j.len, (unsigned)n);
				if (g->last != d + 1) {
					g->df++;
					g->last = (uint32_t)d + 1;
				}
				g->cf++;
			}
	free(j.p);
}

static int gram_kept(const gram *g, uint32_t min_df, uint32_t min_count)
{
	return g->n == 1 || (g->df >= min_df && g->cf >= min_count);
}

/* ---- checks --------------------------------------------------------------- */

/* Count @q (written with random separators and case) and compare. */
static void check_count(const ngidx_index *idx, const corpus *c, const uint32_t *q, size_t n, rng *r,
                        ngidx_count_result *res, const char *ctx)
{
	sbuf text = { 0 }, want = { 0 };
	sb_puts(&text, "");
	render_words(&text, c, q, n, r, 1);
	join_words(&want, c, q, n);
	uint64_t occ, docs;
	brute_count(c, q, n, &occ, &docs);
	ngidx_error err = { 0 };
	int rc = ngidx_count(idx, text.p, text.len, res, &err);
	CHECK(rc == NGIDX_OK, "%s: count('%s'): %d %s", ctx, text.p, rc, err.msg);
	CHECK(res->n == n, "%s: count('%s'): n %u, expected %zu", ctx, text.p, res->n, n);
	CHECK(res->ngram_len == want.len && !memcmp(res->ngram, want.p, want.len),
	      "%s: count('%s'): ngram '%.*s', expected '%s'", ctx, text.p, (int)res->ngram_len,
	      res->ngram, want.p);
	CHECK(res->occurrences == occ && res->documents == docs,
	      "%s: count('%s'): %" PRIu64 " occurrences in %" PRIu64 " documents, expected %" PRIu64
	      " in %" PRIu64,
	      ctx, want.p, res->occurrences, res->documents, occ, docs);
	free(text.p);
	free(want.p);
}

/* Random phrases: from the documents, made up, with an unknown word. */
static void check_random_counts(const ngidx_index *idx, const corpus *c, rng *r, int nq, const char *ctx)
{
	ngidx_count_result res = { 0 };
	uint32_t q[16];
	for (int k = 0; k < nq; k++) {
		size_t n = 1 + rng_below(r, 10);
		uint32_t kind = rng_below(r, 10);
		if (kind < 6) {
			size_t d;
			do
				d = rng_below(r, (uint32_t)c->ndocs);
			while (!c->len[d]);
			size_t s = rng_below(r, (uint32_t)c->len[d]);
			if (s + n > c->len[d])
				n = c->len[d] - s;
			memcpy(q, c->doc[d] + s, n * sizeof *q);
			if (kind == 5 && n > 1) /* change one word: often absent */
				q[rng_below(r, (uint32_t)n)] = rng_zipf(r, (uint32_t)c->nwords);
		} else {
			for (size_t i = 0; i < n; i++)
				q[i] = rng_zipf(r, (uint32_t)c->nwords);
		}
		check_count(idx, c, q, n, r, &res, ctx);
	}
	/* an unknown word alone and inside a known phrase, and no token at all */
	ngidx_error err = { 0 };
	const char *none[] = { "zzzzzzzzzzzzzzzzzzzzzzzzzz", "", " ,.; ", "zzzzzzzzzzzzzzzzzzzzzzzzzz zzzzzzzzzzzzzzzzzzzzzzzzzz" };
	for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
		int rc = ngidx_count(idx, none[i], strlen(none[i]), &res, &err);
		CHECK(rc == NGIDX_OK && res.occurrences == 0 && res.documents == 0,
		      "%s: count('%s'): %d %" PRIu64 " %" PRIu64, ctx, none[i], rc, res.occurrences,
		      res.documents);
	}
	ngidx_count_result_release(&res);
}

/* ---- 1. exact counts, byte-identical builds ------------------------------- */

static void exact_counts(unsigned max_n, const char *name)
{
	rng r = { test_seed(name) };
	corpus c = { 0 };
	make_vocab(&c, &r, WEAK ? 10 : 40, 6);
	make_docs(&c, &r, WEAK ? 50 : 1500, WEAK ? 14 : 80, 1);
	write_corpus_lines(&c, tp("corpus.txt"), &r);
	const char *inputs[] = { kp("corpus.txt") };
	uint64_t tokens = 0;
	for (size_t d = 0; d < c.ndocs; d++)
		tokens += c.len[d];
	grams G = { 0 };
	collect_grams(&G, &c, max_n);

	/* single: read the input once rather than twice (sieve.h); each such
	 * configuration follows the same one read twice */
	static const struct {
		int threads;
		uint64_t memory;
		int single;
	} cfg[] = { { 1, 1u << 30, 0 }, { 2, 1u << 20, 0 }, { 2, 1u << 20, 1 }, { 3, 1u << 20, 0 },
		    { 1, 1u << 20, 0 }, { 1, 1u << 20, 1 }, { 2, 1u << 30, 0 }, { 3, 1u << 30, 0 },
		    { 3, 1u << 30, 1 } };
	/* {min_df, min_count}: none, documents, occurrences (the default), both */
	static const uint32_t prune[][2] = { { 1, 1 }, { 2, 1 }, { 1, 2 }, { 2, 3 } };
	for (size_t pk = 0; pk < sizeof prune / sizeof *prune; pk++) {
		uint32_t min_df = prune[pk][0], min_count = prune[pk][1];
		uint64_t want_n[16] = { 0 };
		for (size_t i = 0; i < G.n; i++)
			want_n[G.g[i].n - 1] += gram_kept(&G.g[i], min_df, min_count);
		unsigned char *first = NULL;
		size_t first_len = 0;
		uint64_t run_bytes = 0; /* of the configuration before */
		for (size_t k = 0; k < sizeof cfg / sizeof *cfg; k++) {
			ngidx_build_opts o;
			ngidx_build_opts_init(&o);
			o.format = NGIDX_FORMAT_LINES;
			o.max_n = max_n;
			o.min_df = min_df;
			o.min_count = min_count;
			o.threads = cfg[k].threads;
			o.memory = cfg[k].memory;
			o.single_pass = cfg[k].single;
			ngidx_build_stats st;
			ngidx_error err;
			char out[64];
			snprintf(out, sizeof out, "i-%u-%u-%d-%" PRIu64 "-%d.ngx", min_df, min_count,
			         cfg[k].threads, cfg[k].memory, cfg[k].single);
			int rc = run_build(&o, tp(out), inputs, 1, &st, &err, NULL);
			cr_assert_eq(rc, NGIDX_OK, "%s: %d %s", out, rc, err.msg);
			int two = !cfg[k].single && (min_count >= 2 || min_df >= 2) && max_n >= 2;
			cr_assert_eq(st.two_pass, two, "%s: two_pass %d", out, st.two_pass);
			/* What the sieve keeps out of the runs: the n-grams seen
			 * once (here a small part of them: the vocabulary is
			 * small, and unigram positions take most of a run; with
			 * bigrams only, few are seen once). */
			if (cfg[k].single && min_count >= 2 && max_n >= 3 && !WEAK)
				cr_assert_lt(run_bytes, st.run_bytes, "%s: %" PRIu64 " bytes of runs, "
				             "read twice %" PRIu64, out, st.run_bytes, run_bytes);
			run_bytes = st.run_bytes;
			cr_assert_eq(st.docs, c.ndocs, "%s: %" PRIu64 " documents, expected %zu", out, st.docs, c.ndocs);
			cr_assert_eq(st.tokens, tokens, "%s: %" PRIu64 " tokens, expected %" PRIu64, out, st.tokens, tokens);
			cr_assert_eq(st.skipped_docs + st.skipped_files, 0);
			for (unsigned n = 0; n < 16; n++)
				cr_assert_eq(st.terms_n[n], want_n[n], "%s: stats n-grams of n = %u: %" PRIu64
				             ", model %" PRIu64, out, n + 1, st.terms_n[n], want_n[n]);
			if (cfg[k].memory == (1u << 20) && max_n >= 3 && !WEAK)
				cr_assert_gt(st.runs, (uint64_t)cfg[k].threads,
				             "%s: 1M should spill many runs, got %" PRIu64, out, st.runs);
			/* Each worker merges every RUN_FANIN runs of a level into one
			 * (a merge leaves one run for RUN_FANIN): at least
			 * floor(spills / RUN_FANIN) merges a worker, and never more
			 * than its spills allow. */
			uint64_t T = (uint64_t)cfg[k].threads;
			cr_assert_gt(RUN_FANIN * st.run_merges + RUN_FANIN * T, st.runs,
			             "%s: %" PRIu64 " runs, %" PRIu64 " merges", out, st.runs, st.run_merges);
			cr_assert_leq((RUN_FANIN - 1) * st.run_merges, st.runs, "%s: %" PRIu64 " runs, %" PRIu64
			              " merges", out, st.runs, st.run_merges);
			if (cfg[k].memory == (1u << 20) && max_n >= 3 && !WEAK && st.runs >= RUN_FANIN * T)
				cr_assert_gt(st.run_merges, 0, "%s: %" PRIu64 " runs", out, st.runs);
			size_t len;
			unsigned char *bytes = read_whole(tp(out), &len);
			cr_expect_eq(len, st.index_bytes, "%s: stats.index_bytes %" PRIu64 ", the file has %zu bytes",
			             out, st.index_bytes, len);
			if (!first) {
				first = bytes;
				first_len = len;
				/* query the first build */
				ngidx_index *idx = open_verified(tp(out));
				ngidx_index_info info;
				ngidx_index_get_info(idx, &info);
				cr_assert_eq(info.docs, c.ndocs);
				for (unsigned n = 0; n < 16; n++)
					cr_assert_eq(info.terms_n[n], want_n[n]);
				char ctx[96];
				snprintf(ctx, sizeof ctx, "max_n %u min_df %u min_count %u", max_n, min_df, min_count);
				check_random_counts(idx, &c, &r, WEAK ? 150 : 400, ctx);
				ngidx_index_free(idx);
			} else {
				cr_assert_eq(len, first_len, "%s: %zu bytes, the 1-thread 1G build has %zu", out,
				             len, first_len);
				size_t at = 0;
				while (at < len && bytes[at] == first[at])
					at++;
				cr_assert_eq(at, len, "%s differs from the 1-thread 1G build at byte %zu", out, at);
				free(bytes);
			}
		}
		free(first);
	}
	grams_free(&G);
	corpus_free(&c);
}

Test(build, exact_counts_max_n_1, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	exact_counts(1, "exact_counts_max_n_1");
}

Test(build, exact_counts_max_n_2, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	exact_counts(2, "exact_counts_max_n_2");
}

Test(build, exact_counts_max_n_3, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	exact_counts(3, "exact_counts_max_n_3");
}

Test(build, exact_counts_max_n_5, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	exact_counts(5, "exact_counts_max_n_5");
}

Test(build, overlapping_repeats, .init = fixture_setup, .fini = fixture_teardown)
{
	/* Hand-made: overlaps count, across max n and through positions. */
	const char *text = "a b a b a b\n"
	                   "a a a a a\n"
	                   "b a b. A, B; a!\n"
	                   "\n"
	                   "x a b a b y\n";
	write_file(tp("o.txt"), text, strlen(text));
	const char *inputs[] = { kp("o.txt") };
	static const struct {
		const char *q;
		uint64_t occ, docs;
	} want[] = {
		/* documents: [a b a b a b] [a a a a a] [b a b a b a] [] [x a b a b y] */
		{ "a b", 7, 3 },           { "a b a", 5, 3 },     { "a b a b", 4, 3 },
		{ "a b a b a", 2, 2 },     { "a b a b a b", 1, 1 }, { "b a b a b a", 1, 1 },
		{ "a a", 4, 1 },           { "a a a", 3, 1 },     { "a a a a a", 1, 1 },
		{ "a a a a a a", 0, 0 },   { "b a b a", 3, 2 },   { "a", 13, 4 },
		{ "b a", 6, 3 },           { "A   B", 7, 3 },     { "y a", 0, 0 },
		{ "b y", 1, 1 },           { "x", 1, 1 },         { "x a b a b y", 1, 1 },
		{ "a b a b y", 1, 1 },     { "b a b a b", 2, 2 },
	};
	for (unsigned max_n = 1; max_n <= 4; max_n++) {
		for (uint32_t min_df = 1; min_df <= 3; min_df += 2) {
			ngidx_build_opts o;
			ngidx_build_opts_init(&o);
			o.format = NGIDX_FORMAT_LINES;
			o.max_n = max_n;
			o.min_df = min_df;
			o.min_count = min_df == 1 ? 1 : 4;
			o.threads = 2;
			ngidx_build_stats st;
			ngidx_error err;
			int rc = run_build(&o, tp("o.ngx"), inputs, 1, &st, &err, NULL);
			cr_assert_eq(rc, NGIDX_OK, "%s", err.msg);
			cr_assert_eq(st.docs, 5);
			ngidx_index *idx = open_verified(tp("o.ngx"));
			ngidx_count_result res = { 0 };
			for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
				rc = ngidx_count(idx, want[i].q, strlen(want[i].q), &res, &err);
				cr_assert_eq(rc, NGIDX_OK);
				cr_assert(res.occurrences == want[i].occ && res.documents == want[i].docs,
				          "max_n %u min_df %u: '%s': %" PRIu64 " in %" PRIu64 ", expected %" PRIu64
				          " in %" PRIu64, max_n, min_df, want[i].q, res.occurrences, res.documents,
				          want[i].occ, want[i].docs);
			}
			ngidx_count_result_release(&res);
			ngidx_index_free(idx);
		}
	}
}

/* ---- 2. hash collisions --------------------------------------------------- */

Test(build, distinct_ngrams_stay_distinct, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	rng r = { test_seed("distinct_ngrams_stay_distinct") };
	corpus c = { 0 };
	/* Many distinct n-grams: a large flat vocabulary (and prefix words). */
	make_vocab(&c, &r, WEAK ? 60 : 4000, 8);
	make_docs(&c, &r, WEAK ? 30 : 700, WEAK ? 14 : 40, 0);
	write_corpus_lines(&c, tp("c.txt"), &r);
	const char *inputs[] = { kp("c.txt") };
	const unsigned max_n = 3;
	grams G = { 0 };
	collect_grams(&G, &c, max_n);
	uint64_t want_n[16] = { 0 };
	for (size_t i = 0; i < G.n; i++)
		want_n[G.g[i].n - 1]++;
	fprintf(stderr, "build_test: distinct_ngrams_stay_distinct: %zu distinct n-grams\n", G.n);
	cr_assert_geq(G.n, WEAK ? 200 : 15000);

	static const struct {
		int threads;
		uint64_t memory;
	} cfg[] = { { 1, 1u << 30 }, { 3, 1u << 20 }, { 2, 1u << 20 } };
	unsigned char *first = NULL;
	size_t first_len = 0;
	for (size_t k = 0; k < sizeof cfg / sizeof *cfg; k++) {
		ngidx_build_opts o;
		ngidx_build_opts_init(&o);
		o.format = NGIDX_FORMAT_LINES;
		o.max_n = max_n;
		o.min_count = 1; /* every n-gram */
		o.threads = cfg[k].threads;
		o.memory = cfg[k].memory;
		ngidx_build_stats st;
		ngidx_error err;
		char out[32];
		snprintf(out, sizeof out, "d%zu.ngx", k);
		int rc = run_build(&o, tp(out), inputs, 1, &st, &err, NULL);
		cr_assert_eq(rc, NGIDX_OK, "%s", err.msg);
		for (unsigned n = 0; n < max_n; n++)
			cr_assert_eq(st.terms_n[n], want_n[n], "%s: n = %u: %" PRIu64 " terms, %" PRIu64
			             " distinct n-grams", out, n + 1, st.terms_n[n], want_n[n]);
		size_t len;
		unsigned char *bytes = read_whole(tp(out), &len);
		if (first) {
			cr_assert(len == first_len && !memcmp(bytes, first, len),
			          "%s (threads %d, memory %" PRIu64 ") differs from the first build", out,
			          cfg[k].threads, cfg[k].memory);
			free(bytes);
			continue;
		}
		first = bytes;
		first_len = len;

		ngidx_index *idx = open_verified(tp(out));
		ngidx_index_info info;
		ngidx_index_get_info(idx, &info);
		cr_assert_eq(info.terms, G.n);
		/* every term is a distinct n-gram of the corpus, with its own counts */
		for (size_t i = 0; i < G.n; i++)
			G.g[i].seen = 0;
		for (uint64_t id = 0; id < info.terms; id++) {
			ngidx_term t;
			rc = ngidx_term_get(idx, id, &t, &err);
			CHECK(rc == NGIDX_OK, "term %" PRIu64 ": %s", id, err.msg);
			gram *g = grams_find(&G, t.text, t.text_len);
			CHECK(g, "term %" PRIu64 " '%.*s' is not an n-gram of the corpus", id, (int)t.text_len, t.text);
			CHECK(!g->seen, "'%s' is in the lexicon twice", g->text);
			g->seen = 1;
			CHECK(t.n == g->n && t.df == g->df && t.cf == g->cf,
			      "'%s': n %u df %u cf %" PRIu64 ", expected %u %u %" PRIu64, g->text, t.n, t.df,
			      t.cf, g->n, g->df, g->cf);
		}
		/* every n-gram is found by its text, as itself */
		ngidx_count_result res = { 0 };
		for (size_t i = 0; i < G.n; i++) {
			const gram *g = &G.g[i];
			ngidx_term t;
			int f = ngidx_term_find(idx, g->text, g->len, &t);
			CHECK(f == 1, "term_find('%s') gave %d", g->text, f);
			CHECK(t.text_len == g->len && !memcmp(t.text, g->text, g->len),
			      "term_find('%s') found '%.*s'", g->text, (int)t.text_len, t.text);
			CHECK(t.n == g->n && t.df == g->df && t.cf == g->cf, "term_find('%s'): wrong counts",
			      g->text);
			if (WEAK || i % 16 == 0) {
				rc = ngidx_count(idx, g->text, g->len, &res, &err);
				CHECK(rc == NGIDX_OK && res.occurrences == g->cf && res.documents == g->df,
				      "count('%s'): %" PRIu64 " in %" PRIu64 ", expected %" PRIu64 " in %u", g->text,
				      res.occurrences, res.documents, g->cf, g->df);
			}
		}
		/* near misses are absent: a word's prefix or extension that is not a word */
		sbuf q = { 0 };
		for (size_t i = 0; i < c.nwords; i++) {
			q.len = 0;
			sb_puts(&q, c.words[i]);
			sb_puts(&q, "q");
			ngidx_term t;
			int want = grams_find(&G, q.p, q.len) != NULL;
			CHECK(ngidx_term_find(idx, q.p, q.len, &t) == want, "term_find('%s')", q.p);
		}
		free(q.p);
		/* longer phrases through positions */
		check_random_counts(idx, &c, &r, WEAK ? 100 : 300, "distinct");
		ngidx_count_result_release(&res);
		ngidx_index_free(idx);
	}
	free(first);
	grams_free(&G);
	corpus_free(&c);
}

/*
 * Few distinct n-grams (5 words that are prefixes of one another, so at
 * most 155 n-grams of up to 3 words) in a lot of text: many batches, every
 * worker spilling many runs at 1M, so the same colliding keys meet in the
 * merge from many runs. Cheap under the weak hash too.
 */
Test(build, few_ngrams_many_runs, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	rng r = { test_seed("few_ngrams_many_runs") };
	corpus c = { 0 };
	static const char *const words[] = { "a", "ab", "abc", "b", "ba" };
	c.nwords = 5;
	c.words = xrealloc(NULL, c.nwords * sizeof *c.words);
	for (size_t i = 0; i < c.nwords; i++)
		c.words[i] = xstrdup(words[i]);
	make_docs(&c, &r, 12000, 60, 0);
	write_corpus_lines(&c, kp("few.txt"), &r);
	const char *inputs[] = { kp("few.txt") };
	const unsigned max_n = 3;
	grams G = { 0 };
	collect_grams(&G, &c, max_n);
	uint64_t want_n[16] = { 0 };
	for (size_t i = 0; i < G.n; i++)
		want_n[G.g[i].n - 1]++;
	static const struct {
		int threads;
		uint64_t memory;
	} cfg[] = { { 3, 1u << 20 }, { 1, 1u << 30 }, { 2, 1u << 20 } };
	unsigned char *first = NULL;
	size_t first_len = 0;
	for (size_t k = 0; k < sizeof cfg / sizeof *cfg; k++) {
		ngidx_build_opts o;
		ngidx_build_opts_init(&o);
		o.format = NGIDX_FORMAT_LINES;
		o.max_n = max_n;
		o.threads = cfg[k].threads;
		o.memory = cfg[k].memory;
		ngidx_build_stats st;
		ngidx_error err;
		char out[32];
		snprintf(out, sizeof out, "f%zu.ngx", k);
		int rc = run_build(&o, tp(out), inputs, 1, &st, &err, NULL);
		cr_assert_eq(rc, NGIDX_OK, "%s", err.msg);
		if (cfg[k].memory == 1u << 20)
			cr_assert_geq(st.runs, 2 * (uint64_t)cfg[k].threads, "%s: only %" PRIu64 " runs", out, st.runs);
		for (unsigned n = 0; n < max_n; n++)
			cr_assert_eq(st.terms_n[n], want_n[n], "%s: n = %u: %" PRIu64 " terms, %" PRIu64
			             " distinct n-grams", out, n + 1, st.terms_n[n], want_n[n]);
		size_t len;
		unsigned char *bytes = read_whole(tp(out), &len);
		if (first) {
			cr_assert(len == first_len && !memcmp(bytes, first, len), "%s differs from f0.ngx", out);
			free(bytes);
			continue;
		}
		first = bytes;
		first_len = len;
		ngidx_index *idx = open_verified(tp(out));
		ngidx_count_result res = { 0 };
		for (size_t i = 0; i < G.n; i++) {
			const gram *g = &G.g[i];
			ngidx_term t;
			CHECK(ngidx_term_find(idx, g->text, g->len, &t) == 1, "term_find('%s')", g->text);
			CHECK(t.text_len == g->len && !memcmp(t.text, g->text, g->len) && t.df == g->df &&
			              t.cf == g->cf,
			      "'%s': found '%.*s' df %u cf %" PRIu64 ", expected df %u cf %" PRIu64, g->text,
			      (int)t.text_len, t.text, t.df, t.cf, g->df, g->cf);
			rc = ngidx_count(idx, g->text, g->len, &res, &err);
			CHECK(rc == NGIDX_OK && res.occurrences == g->cf && res.documents == g->df,
			      "count('%s')", g->text);
		}
		ngidx_count_result_release(&res);
		check_random_counts(idx, &c, &r, 200, "few");
		ngidx_index_free(idx);
	}
	free(first);
	grams_free(&G);
	corpus_free(&c);
}

/* ---- 3. bad input --------------------------------------------------------- */

static int has_tmp_leftovers(const char *listing)
{
	return strstr(listing, ".tmp-") != NULL || strstr(listing, ".ngidx-tmp-") != NULL;
}

/* Rewrite the last bytes of the file at ctx (same size, other words) when
 * the second pass of a two-pass build begins. */
static void change_on_index(void *ctx, const ngidx_build_progress *p)
{
	static int done;
	if (p->phase != NGIDX_PHASE_INDEX || done)
		return;
	done = 1;
	FILE *f = fopen(ctx, "r+");
	cr_assert_not_null(f);
	cr_assert_eq(fseek(f, -7, SEEK_END), 0);
	fputs("zzz zz\n", f); /* for "repeat\n": as many bytes */
	fclose(f);
}

/* A file that changes between the two passes stops the build: an n-gram the
 * first pass did not see would be missing from the index. Read once, the
 * same build succeeds. */
Test(build, input_changed_between_passes, .init = fixture_setup, .fini = fixture_teardown)
{
	sbuf b = { 0 };
	char line[64];
	for (int i = 0; i < 40000; i++) {
		snprintf(line, sizeof line, "line %d of words that repeat\n", i % 100);
		sb_puts(&b, line);
	}
	const char *path = kp("c.txt");
	write_file(path, b.p, b.len);
	const char *inputs[] = { path };
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	o.format = NGIDX_FORMAT_LINES;
	o.memory = 1u << 20; /* batches of 64 KB: the reader is not at the end */
	o.threads = 2;
	o.progress = change_on_index;
	o.progress_ctx = (void *)(uintptr_t)path;
	ngidx_build_stats st;
	ngidx_error err;
	int rc = run_build(&o, tp("c.ngx"), inputs, 1, &st, &err, NULL);
	cr_assert_eq(rc, NGIDX_ERR_INPUT, "rc %d: %s", rc, err.msg);
	cr_assert(strstr(err.msg, "the input changed during the build") && strstr(err.msg, "other text"),
	          "%s", err.msg);
	cr_assert(access(tp("c.ngx"), F_OK) != 0, "an index was written");
	char *ls = list_dir(g_dir);
	cr_assert(!has_tmp_leftovers(ls), "leftovers: %s", ls);
	free(ls);
	o.single_pass = 1;
	o.progress = NULL;
	cr_assert_eq(run_build(&o, tp("c.ngx"), inputs, 1, &st, &err, NULL), NGIDX_OK, "%s", err.msg);
	free(b.p);
}

Test(build, missing_input_warned_and_skipped, .init = fixture_setup, .fini = fixture_teardown)
{
	write_file(tp("a.txt"), "one two\nthree\n", 14);
	write_file(tp("b.txt"), "two three\n", 10);
	const char *inputs[] = { kp("a.txt"), kp("nope.txt"), kp("b.txt") };
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	o.format = NGIDX_FORMAT_LINES;
	o.threads = 1;
	ngidx_build_stats st;
	ngidx_error err;
	warnings w = { 0 };
	int rc = run_build(&o, tp("i.ngx"), inputs, 3, &st, &err, &w);
	cr_assert_eq(rc, NGIDX_OK, "%s", err.msg);
	cr_assert_eq(st.docs, 3);
	cr_assert_eq(st.skipped_files, 1);
	cr_assert_eq(w.n, 1, "%zu warnings", w.n);
	cr_assert_not_null(strstr(w.msg[0], "nope.txt"), "%s", w.msg[0]);
	ngidx_index *idx = open_verified(tp("i.ngx"));
	ngidx_count_result res = { 0 };
	cr_assert_eq(ngidx_count(idx, "two", 3, &res, &err), NGIDX_OK);
	cr_assert_eq(res.occurrences, 2);
	cr_assert_eq(res.documents, 2);
	ngidx_doc d;
	cr_assert_eq(ngidx_doc_get(idx, 2, &d, &err), NGIDX_OK);
	char want[PATH_MAX + 8];
	snprintf(want, sizeof want, "%s:1", tp("b.txt"));
	cr_assert(d.name_len == strlen(want) && !memcmp(d.name, want, d.name_len), "%.*s",
	          (int)d.name_len, d.name);
	ngidx_count_result_release(&res);
	ngidx_index_free(idx);
	warnings_free(&w);
	char *ls = list_dir(g_dir);
	cr_assert(!has_tmp_leftovers(ls), "leftovers: %s", ls);
	free(ls);
}

/* A strict build that fails must leave the folder as it was. */
static void strict_failure(const char *const *inputs, size_t nin, int format, int expect1, int expect2)
{
	const char *prev = "previous index, not to be touched\n";
	for (int with_prev = 0; with_prev < 2; with_prev++) {
		if (with_prev)
			write_file(tp("out.ngx"), prev, strlen(prev));
		else
			unlink(tp("out.ngx"));
		char *before = list_dir(g_dir);
		ngidx_build_opts o;
		ngidx_build_opts_init(&o);
		o.format = format;
		o.strict = 1;
		o.threads = 2;
		o.memory = 1u << 20;
		ngidx_build_stats st;
		ngidx_error err;
		warnings w = { 0 };
		int rc = run_build(&o, tp("out.ngx"), inputs, nin, &st, &err, &w);
		cr_assert(rc == expect1 || rc == expect2, "strict build gave %d (%s), expected %d or %d", rc,
		          err.msg, expect1, expect2);
		cr_assert_eq(err.code, rc);
		cr_assert(err.msg[0]);
		char *after = list_dir(g_dir);
		cr_assert_str_eq(after, before, "folder before: %s, after: %s", before, after);
		if (with_prev) {
			size_t len;
			unsigned char *p = read_whole(tp("out.ngx"), &len);
			cr_assert(len == strlen(prev) && !memcmp(p, prev, len), "the previous file was changed");
			free(p);
		} else {
			cr_assert_neq(access(tp("out.ngx"), F_OK), 0, "a failed build left an output file");
		}
		free(before);
		free(after);
		warnings_free(&w);
	}
}

Test(build, missing_input_strict_fails_cleanly, .init = fixture_setup, .fini = fixture_teardown)
{
	write_file(tp("a.txt"), "one two\n", 8);
	const char *inputs[] = { kp("a.txt"), kp("nope.txt") };
	/* corpus.h: an input that does not exist is NGIDX_ERR_IO in strict mode */
	strict_failure(inputs, 2, NGIDX_FORMAT_LINES, NGIDX_ERR_IO, NGIDX_ERR_INPUT);
}

Test(build, malformed_jsonl_strict_fails_cleanly, .init = fixture_setup, .fini = fixture_teardown)
{
	/* The bad line comes late, after batches were indexed and runs spilled. */
	sbuf b = { 0 };
	for (int i = 0; i < 20000; i++) {
		char line[128];
		snprintf(line, sizeof line, "{\"id\": \"d%d\", \"text\": \"w%c w%c x%d y%d z%d\"}\n", i,
		         'a' + i % 26, 'a' + i % 7, i % 1000, i % 777, i);
		sb_puts(&b, line);
	}
	sb_puts(&b, "{\"id\": \"bad\", \"text\": \"unterminated\n");
	write_file(tp("c.jsonl"), b.p, b.len);
	free(b.p);
	const char *inputs[] = { kp("c.jsonl") };
	strict_failure(inputs, 1, NGIDX_FORMAT_AUTO, NGIDX_ERR_INPUT, NGIDX_ERR_INPUT);
}

Test(build, jsonl_malformed_lines_skipped, .init = fixture_setup, .fini = fixture_teardown)
{
	const char *lines[] = {
		"{\"id\": \"d1\", \"text\": \"the quick fox\"}",
		"{\"id\": \"d2\", \"text\": \"unterminated",      /* malformed */
		"not json at all",                                 /* malformed */
		"",                                                /* blank: silently skipped */
		"   ",                                             /* blank */
		"{\"id\": \"d3\", \"text\": 5}",                   /* text not a string */
		"{\"id\": \"d4\"}",                                /* no text */
		"[\"text\", \"an array\"]",                        /* not an object */
		"{\"id\": \"d5\", \"text\": \"the lazy fox\", \"date\": \"2020-02-03\", \"src\": \"x\", \"n\": 3}",
		"{\"text\": \"a fox without id\"}",
		"{\"id\": 7, \"text\": \"\"}",                     /* an empty document */
		"{\"id\": \"d8\", \"text\": \"the fox\\nthe fox\"}",
		"{\"id\": \"d9\", \"text\": \"trailing garbage\"} x", /* malformed */
	};
	const size_t nbad = 6;
	sbuf b = { 0 };
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		sb_puts(&b, lines[i]);
		sb_puts(&b, "\n");
	}
	write_file(tp("c.jsonl"), b.p, b.len);
	free(b.p);
	const char *inputs[] = { kp("c.jsonl") };
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	o.threads = 2;
	ngidx_build_stats st;
	ngidx_error err;
	warnings w = { 0 };
	int rc = run_build(&o, tp("j.ngx"), inputs, 1, &st, &err, &w);
	cr_assert_eq(rc, NGIDX_OK, "%s", err.msg);
	cr_assert_eq(st.skipped_docs, nbad, "skipped %" PRIu64, st.skipped_docs);
	cr_assert_eq(st.docs, 5);
	cr_assert_geq(w.n, nbad, "%zu warnings", w.n);
	ngidx_index *idx = open_verified(tp("j.ngx"));
	static const char *const names[] = { "d1", "d5", NULL, "7", "d8" };
	static const char *const texts[] = { "the quick fox", "the lazy fox", "a fox without id", "",
		                             "the fox\nthe fox" };
	char *buf = NULL;
	size_t cap = 0;
	for (uint32_t i = 0; i < 5; i++) {
		ngidx_doc d;
		cr_assert_eq(ngidx_doc_get(idx, i, &d, &err), NGIDX_OK);
		char want[PATH_MAX + 8];
		if (names[i])
			snprintf(want, sizeof want, "%s", names[i]);
		else
			snprintf(want, sizeof want, "%s:10", tp("c.jsonl"));
		cr_assert(d.name_len == strlen(want) && !memcmp(d.name, want, d.name_len),
		          "doc %u named '%.*s', expected '%s'", i, (int)d.name_len, d.name, want);
		size_t len;
		cr_assert_eq(ngidx_doc_text(idx, i, &buf, &cap, &len, &err), NGIDX_OK);
		cr_assert(len == strlen(texts[i]) && !memcmp(buf, texts[i], len), "doc %u text", i);
		if (i == 1) {
			cr_assert_eq(d.date, 20200203);
			size_t pos = 0, kl, vl;
			const char *k, *v;
			int is, n = 0;
			while (ngidx_doc_meta_next(&d, &pos, &k, &kl, &v, &vl, &is) == 1)
				n++;
			cr_assert_eq(n, 2);
		}
	}
	ngidx_buffer_free(buf);
	ngidx_count_result res = { 0 };
	cr_assert_eq(ngidx_count(idx, "the fox", 7, &res, &err), NGIDX_OK);
	cr_assert_eq(res.occurrences, 2);
	cr_assert_eq(res.documents, 1);
	cr_assert_eq(ngidx_count(idx, "fox", 3, &res, &err), NGIDX_OK);
	cr_assert_eq(res.occurrences, 5);
	cr_assert_eq(res.documents, 4);
	ngidx_count_result_release(&res);
	ngidx_index_free(idx);
	warnings_free(&w);
}

/* An index of documents without n-grams must open, verify and answer 0. */
static void check_no_terms(const char *path, uint64_t ndocs)
{
	ngidx_index *idx = open_verified(path);
	ngidx_index_info info;
	ngidx_index_get_info(idx, &info);
	cr_assert_eq(info.docs, ndocs);
	cr_assert_eq(info.terms, 0);
	cr_assert_eq(info.tokens, 0);
	ngidx_error err;
	ngidx_count_result res = { 0 };
	const char *qs[] = { "anything", "two words", "a b c d e f g", "" };
	for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
		int rc = ngidx_count(idx, qs[i], strlen(qs[i]), &res, &err);
		cr_assert_eq(rc, NGIDX_OK, "'%s': %d %s", qs[i], rc, err.msg);
		cr_assert_eq(res.occurrences, 0);
		cr_assert_eq(res.documents, 0);
	}
	ngidx_count_result_release(&res);
	ngidx_term t;
	cr_assert_eq(ngidx_term_find(idx, "anything", 8, &t), 0);
	cr_assert_eq(ngidx_term_get(idx, 0, &t, &err), NGIDX_ERR_RANGE);
	ngidx_doc d;
	cr_assert_eq(ngidx_doc_get(idx, (uint32_t)ndocs, &d, &err), NGIDX_ERR_RANGE);
	for (uint32_t i = 0; i < ndocs; i++) {
		cr_assert_eq(ngidx_doc_get(idx, i, &d, &err), NGIDX_OK);
		cr_assert_eq(d.tokens, 0);
		cr_assert_eq(d.sentences, 0);
	}
	ngidx_index_free(idx);
}

Test(build, empty_inputs, .init = fixture_setup, .fini = fixture_teardown)
{
	cr_assert_eq(mkdir(tp("empty"), 0755), 0);
	const char *in_dir[] = { kp("empty") };
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	o.threads = 3;
	ngidx_build_stats st;
	ngidx_error err;
	int rc = run_build(&o, tp("e.ngx"), in_dir, 1, &st, &err, NULL);
	cr_assert_eq(rc, NGIDX_OK, "empty folder: %d %s", rc, err.msg);
	cr_assert_eq(st.docs, 0);
	check_no_terms(tp("e.ngx"), 0);

	/* an empty file in the lines format: no document */
	write_file(tp("empty.txt"), "", 0);
	const char *in_empty[] = { kp("empty.txt") };
	o.format = NGIDX_FORMAT_LINES;
	rc = run_build(&o, tp("e2.ngx"), in_empty, 1, &st, &err, NULL);
	cr_assert_eq(rc, NGIDX_OK, "%s", err.msg);
	check_no_terms(tp("e2.ngx"), 0);

	/* documents without a token: empty lines and punctuation */
	const char *blank = "\n\n -- !\n...\n\n\t\n";
	write_file(tp("blank.txt"), blank, strlen(blank));
	const char *in_blank[] = { kp("blank.txt") };
	for (unsigned max_n = 1; max_n <= 3; max_n += 2) {
		o.max_n = max_n;
		o.min_df = max_n;
		rc = run_build(&o, tp("e3.ngx"), in_blank, 1, &st, &err, NULL);
		cr_assert_eq(rc, NGIDX_OK, "%s", err.msg);
		cr_assert_eq(st.docs, 6);
		check_no_terms(tp("e3.ngx"), 6);
	}

	/* a folder of empty files (text format): one empty document each */
	cr_assert_eq(mkdir(tp("files"), 0755), 0);
	write_file(tp("files/a"), "", 0);
	write_file(tp("files/b"), ".", 1);
	const char *in_files[] = { kp("files") };
	o.format = NGIDX_FORMAT_TEXT;
	o.store_text = 0;
	rc = run_build(&o, tp("e4.ngx"), in_files, 1, &st, &err, NULL);
	cr_assert_eq(rc, NGIDX_OK, "%s", err.msg);
	check_no_terms(tp("e4.ngx"), 2);
	char *ls = list_dir(g_dir);
	cr_assert(!has_tmp_leftovers(ls), "leftovers: %s", ls);
	free(ls);
}

Test(build, bad_options, .init = fixture_setup, .fini = fixture_teardown)
{
	write_file(tp("a.txt"), "one two\n", 8);
	const char *inputs[] = { kp("a.txt") };
	struct {
		const char *what;
		unsigned max_n;
		uint64_t memory;
		int threads;
		size_t ninputs;
		const char *out;
	} cases[] = {
		{ "max_n 0", 0, 1u << 30, 1, 1, "x.ngx" },
		{ "max_n 17", 17, 1u << 30, 1, 1, "x.ngx" },
		{ "memory below 1M", 3, (1u << 20) - 1, 1, 1, "x.ngx" },
		{ "threads -1", 3, 1u << 30, -1, 1, "x.ngx" },
		{ "no input", 3, 1u << 30, 1, 0, "x.ngx" },
		{ "no output", 3, 1u << 30, 1, 1, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		ngidx_build_opts o;
		ngidx_build_opts_init(&o);
		o.max_n = cases[i].max_n;
		o.memory = cases[i].memory;
		o.threads = cases[i].threads;
		o.output = cases[i].out ? tp(cases[i].out) : NULL;
		o.inputs = inputs;
		o.ninputs = cases[i].ninputs;
		ngidx_error err = { 0 };
		ngidx_build_stats st;
		int rc = ngidx_build(&o, &st, &err);
		cr_assert_eq(rc, NGIDX_ERR_ARG, "%s: %d", cases[i].what, rc);
		cr_assert(err.msg[0], "%s: no message", cases[i].what);
	}
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	cr_assert_eq(o.max_n, 3);
	cr_assert_eq(o.min_df, 1);
	cr_assert_eq(o.min_count, 2);
	cr_assert_eq(o.memory, UINT64_C(1) << 30);
	cr_assert_eq(o.store_text, 1);
	cr_assert_eq(o.threads, 0);
	cr_assert_eq(o.strict, 0);
	/* the extremes that are allowed */
	o.output = tp("ok.ngx");
	o.inputs = inputs;
	o.ninputs = 1;
	o.max_n = 16;
	o.memory = 1u << 20;
	ngidx_error err;
	cr_assert_eq(ngidx_build(&o, NULL, &err), NGIDX_OK, "%s", err.msg);
	char *ls = list_dir(g_dir);
	cr_assert_str_eq(ls, "a.txt|ok.ngx");
	free(ls);
}

/* ---- 4. sizes ------------------------------------------------------------- */

Test(build, parse_size)
{
	static const struct {
		const char *s;
		int rc;
		uint64_t v;
	} ok[] = {
		{ "0", 0, 0 },
		{ "1000", 0, 1000 },
		{ "64k", 0, 64u << 10 },
		{ "64K", 0, 64u << 10 },
		{ "512M", 0, 512u << 20 },
		{ "512m", 0, 512u << 20 },
		{ "1G", 0, UINT64_C(1) << 30 },
		{ "3g", 0, UINT64_C(3) << 30 },
		{ "2T", 0, UINT64_C(2) << 40 },
		{ "1GB", 0, UINT64_C(1) << 30 },
		{ "1GiB", 0, UINT64_C(1) << 30 },
		{ "1kB", 0, 1024 },
		{ "1KiB", 0, 1024 },
		{ "100B", 0, 100 },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "16777215T", 0, UINT64_C(16777215) << 40 },
		{ "17179869183G", 0, UINT64_C(17179869183) << 30 },
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		uint64_t v = 12345;
		cr_expect_eq(ngidx_parse_size(ok[i].s, &v), 0, "'%s' rejected", ok[i].s);
		cr_expect_eq(v, ok[i].v, "'%s' = %" PRIu64 ", expected %" PRIu64, ok[i].s, v, ok[i].v);
	}
	static const char *const bad[] = {
		"", "k", "G", "-1", "-0", "1X", "1.5G", "1 G", "1G ", "1GiBB", "1iB", "1Gi",
		"0x10", "18446744073709551616", "16777216T", "17179869184G", "99999999999999999999k",
		"1e9", "1KK", " -1", "\t-5",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		uint64_t v = 12345;
		cr_expect_eq(ngidx_parse_size(bad[i], &v), -1, "'%s' accepted as %" PRIu64, bad[i], v);
	}
	uint64_t v;
	cr_assert_eq(ngidx_parse_size(NULL, &v), -1);
}

/* ---- 5. owners ------------------------------------------------------------ */

/* The ranges follow each other in hash order, cover every hash, and hold
 * as many hashes each (evenly spaced hashes: within one). */
Test(build, owners_split_the_hashes)
{
	enum { N = 70000 };
	for (unsigned T = 1; T <= 9; T++) {
		cr_assert_eq(accum_owner(0, T), 0u);
		cr_assert_eq(accum_owner(UINT64_MAX, T), T - 1);
		unsigned n[9] = { 0 }, prev = 0;
		for (uint64_t i = 0; i < N; i++) {
			unsigned o = accum_owner(i * (UINT64_MAX / N), T);
			cr_assert(o < T && o >= prev, "T %u: hash %" PRIu64 " owned by %u after %u", T, i, o,
			          prev);
			prev = o;
			n[o]++;
		}
		for (unsigned o = 0; o < T; o++)
			cr_assert(n[o] + 1 >= N / T && n[o] <= N / T + 1, "T %u: owner %u has %u of %u",
			          T, o, n[o], N);
	}
}

/* ---- 6. the accumulator's memory ------------------------------------------ */

/*
 * What a document adds to an accumulator's live bytes stays within what the
 * pipeline reserves for it before adding it (accum.h): accum_doc_need, the
 * keys' accum_keys_need and the table's growth, accum_table_need, for as
 * many new terms as the document has n-grams and keys. Random documents of
 * mostly new words (so that the table grows many times), long ones among
 * them, are added as the pipeline adds them, spilling when the share would
 * be passed; the accumulator is then empty (live 0) and keeps working.
 */
Test(build, accumulator_grows_within_its_need, .init = fixture_setup, .fini = fixture_teardown)
{
	rng r = { test_seed("accumulator_grows_within_its_need") };
	enum { MAX_N = 3, DOCS = 600 };
	const uint64_t share = 4u << 20;
	accum *a;
	cr_assert_eq(accum_create(&a, MAX_N, share), NGIDX_OK);
	ngidx_tokens tok;
	ngidx_tokens_init(&tok);
	sbuf text = { 0 };
	char path[300], ktext[4][32];
	unsigned spills = 0, grew = 0;
	for (uint32_t doc = 0; doc < DOCS; doc++) {
		text.len = 0;
		sb_puts(&text, "");
		uint32_t words = rng_below(&r, 10) ? 1 + rng_below(&r, 300) : 2000 + rng_below(&r, 8000);
		for (uint32_t w = 0; w < words; w++) {
			/* a frequent word now and then, else one of 2^24 */
			uint32_t v = rng_below(&r, 4) ? rng32(&r) >> 8 : rng_below(&r, 20);
			char word[16];
			snprintf(word, sizeof word, "%sw%x", w ? " " : "", v);
			sb_puts(&text, word);
		}
		cr_assert_eq(ngidx_analyze(&tok, text.p, text.len, 0), NGIDX_OK);
		/* keys: one word at a position, and a text with a space */
		accum_key k[2];
		size_t nk = 0, klen = 0;
		if (tok.ntok && rng_below(&r, 2)) {
			snprintf(ktext[0], sizeof ktext[0], "@a%u", rng_below(&r, 1000));
			k[nk++] = (accum_key){ ktext[0], (uint32_t)strlen(ktext[0]), rng_below(&r, (uint32_t)tok.ntok), 1 };
			snprintf(ktext[1], sizeof ktext[1], "@a%u @b%u", rng_below(&r, 50), rng_below(&r, 50));
			k[nk++] = (accum_key){ ktext[1], (uint32_t)strlen(ktext[1]), 0, 1 + rng_below(&r, 3) };
			klen = k[0].len + k[1].len;
		}
		uint64_t live = accum_live(a);
		uint64_t tneed = accum_table_need(a, (uint64_t)MAX_N * tok.ntok + nk);
		uint64_t need = accum_doc_need(a, &tok) + accum_keys_need(nk, klen) + tneed;
		if (live && live + need > share) {
			snprintf(path, sizeof path, "%s/run%u", g_dir, spills++);
			uint64_t bytes;
			ngidx_error err = { 0 };
			cr_assert_eq(accum_spill(a, path, &bytes, &err), NGIDX_OK, "%s", err.msg);
			cr_assert_eq(accum_live(a), 0u);
			cr_assert_eq(accum_size(a), 0u);
			live = 0;
		}
		grew += tneed > 0;
		cr_assert_eq(accum_add_range(a, doc, &tok, 0, 0), NGIDX_OK);
		cr_assert_eq(accum_add_keys(a, doc, k, nk), NGIDX_OK);
		uint64_t now = accum_live(a);
		if (live)
			cr_assert_leq(now - live, need, "document %u (%zu tokens): live %" PRIu64 " -> %" PRIu64
			              ", need %" PRIu64, doc, tok.ntok, live, now, need);
	}
	cr_assert_geq(spills, 3u, "the share should fill: %u spills", spills);
	cr_assert_geq(grew, 3u, "the table should grow: %u times", grew);
	ngidx_tokens_release(&tok);
	free(text.p);
	accum_free(a);
}
