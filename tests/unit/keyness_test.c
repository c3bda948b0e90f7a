/*
 * keyness_test.c - subsets and keyness against a brute-force reference.
 *
 * Generated JSON Lines corpora (lowercase words from a small vocabulary,
 * so a token is a word: the reference splits on spaces), with dates over
 * four years (some undated, some given only as YYYY) and a "src" metadata
 * field. The reference counts every n-gram per document by hand, then for
 * each target / reference pair of subsets computes what ngidx_keyness must
 * return: the rows with a + b >= min_count, their counts, G2 and Log Ratio
 * (from measures.h, whose own tests check the formulas), the order, the k
 * cut per side, the Bonferroni threshold; with a second index as the
 * reference too.
 */
#define TEST_NAME "keyness"
#include "test_util.h"

#include <math.h>
#include "ngidx/build.h"
#include "ngidx/index.h"
#include "ngidx/keyness.h"
#include "ngidx/measures.h"

static const char *const vocab[] = { "the", "summit", "of", "talks", "north", "korea", "and",
	                             "trade", "war", "peace", "hanoi", "kim", "trump", "said" };
#define NV (sizeof vocab / sizeof *vocab)
static const char *const srcs[] = { "wire", "ledger", "post" };

typedef struct gdoc {
	unsigned w[80];
	unsigned nw;
	uint32_t date;          /* YYYYMMDD, YYYY0000 or 0 */
	unsigned src;
} gdoc;

/* A corpus of @n documents into @path; year 2019 favours "peace". */
static gdoc *gen(rng *r, size_t n, const char *path)
{
	gdoc *d = calloc(n, sizeof *d);
	FILE *f = fopen(path, "w");
	cr_assert(d && f);
	for (size_t i = 0; i < n; i++) {
		unsigned y = 2017 + rng_below(r, 4), kind = rng_below(r, 10);
		d[i].date = kind == 0 ? 0 : kind == 1 ? y * 10000 : y * 10000 + (1 + rng_below(r, 12)) * 100 + 1 + rng_below(r, 28);
		d[i].src = rng_below(r, 3);
		d[i].nw = rng_below(r, 80);
		fprintf(f, "{\"id\":\"d%zu\",", i);
		if (d[i].date % 10000)
			fprintf(f, "\"date\":\"%04u-%02u-%02u\",", d[i].date / 10000, d[i].date / 100 % 100, d[i].date % 100);
		else if (d[i].date)
			fprintf(f, "\"date\":\"%04u\",", d[i].date / 10000);
		fprintf(f, "\"src\":\"%s\",\"text\":\"", srcs[d[i].src]);
		for (unsigned k = 0; k < d[i].nw; k++) {
			unsigned w = rng_below(r, 100) < 30 ? rng_below(r, 3) : rng_below(r, NV);
			if (d[i].date / 10000 == 2019 && rng_below(r, 8) == 0)
				w = 9; /* peace */
			d[i].w[k] = w;
			fprintf(f, "%s%s", k ? " " : "", vocab[w]);
		}
		fputs("\"}\n", f);
	}
	fclose(f);
	return d;
}

static ngidx_index *build(const char *in, const char *out)
{
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	const char *inputs[1] = { in };
	o.output = out;
	o.inputs = inputs;
	o.ninputs = 1;
	o.format = NGIDX_FORMAT_JSONL;
	o.threads = 2;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_build(&o, NULL, &e), NGIDX_OK, "build: %s", e.msg);
	ngidx_index *idx;
	cr_assert_eq(ngidx_index_open(&idx, out, NULL, &e), NGIDX_OK, "%s", e.msg);
	return idx;
}

/* The reference's subset predicate: date range [lo, hi] (0 = none) and
 * source (-1 = any). */
typedef struct pred {
	uint32_t lo, hi;
	int src;
	int all;
} pred;

static int in_pred(const gdoc *d, const pred *p)
{
	if (p->all)
		return 1;
	if ((p->lo || p->hi) && (!d->date || d->date < p->lo || (p->hi && d->date > p->hi)))
		return 0;
	return p->src < 0 || (int)d->src == p->src;
}

/* Occurrences of n-gram @g (word ids) in document @d. */
static uint64_t occ(const gdoc *d, const unsigned *g, unsigned n)
{
	uint64_t c = 0;
	for (unsigned i = 0; i + n <= d->nw; i++) {
		unsigned k = 0;
		while (k < n && d->w[i + k] == g[k])
			k++;
		c += k == n;
	}
	return c;
}

typedef struct exp_row {
	char text[64];
	uint64_t a, b;
	double ll, lr;
} exp_row;

static double strength(const exp_row *x, int by_lr)
{
	double v = by_lr ? x->lr : x->ll;
	return isnan(v) ? -1 : fabs(v);
}

/* Check one keyness call against the reference. @dr (NULL: same corpus)
 * is the reference corpus of another index. */
static void check(ngidx_index *idx, const gdoc *d, size_t n, const char *tspec, const pred *tp_,
                  ngidx_index *ridx, const gdoc *dr, size_t nr, const char *rspec, const pred *rp,
                  unsigned ng, int by_lr, size_t k, uint64_t min_count)
{
	ngidx_error e = { 0 };
	ngidx_subset *st, *sr = NULL;
	cr_assert_eq(ngidx_subset_parse(idx, tspec, &st, &e), NGIDX_OK, "%s: %s", tspec, e.msg);
	if (rspec)
		cr_assert_eq(ngidx_subset_parse(ridx ? ridx : idx, rspec, &sr, &e), NGIDX_OK, "%s", e.msg);
	if (!dr) {
		dr = d;
		nr = n;
	}
	/* the subsets' documents and tokens */
	uint64_t T1 = 0, T2 = 0, D1 = 0;
	for (size_t i = 0; i < n; i++)
		if (in_pred(&d[i], tp_))
			T1 += d[i].nw, D1++;
	for (size_t i = 0; i < nr; i++) {
		int in_ref = rp ? in_pred(&dr[i], rp) : ridx ? 1 : !in_pred(&dr[i], tp_);
		T2 += in_ref ? dr[i].nw : 0;
	}
	cr_assert_eq(ngidx_subset_docs(st), D1, "%s: %llu docs, expected %llu", tspec,
	             (unsigned long long)ngidx_subset_docs(st), (unsigned long long)D1);
	cr_assert_eq(ngidx_subset_tokens(st), T1, "%s: tokens", tspec);
	/* every n-gram of the vocabulary */
	size_t ncand = 1;
	for (unsigned i = 0; i < ng; i++)
		ncand *= NV;
	exp_row *ex = calloc(ncand, sizeof *ex);
	size_t nex = 0;
	for (size_t c = 0; c < ncand; c++) {
		unsigned g[4];
		size_t x = c;
		for (unsigned i = 0; i < ng; i++, x /= NV)
			g[i] = (unsigned)(x % NV);
		uint64_t a = 0, b = 0;
		for (size_t i = 0; i < n; i++)
			a += in_pred(&d[i], tp_) ? occ(&d[i], g, ng) : 0;
		for (size_t i = 0; i < nr; i++) {
			int in_ref = rp ? in_pred(&dr[i], rp) : ridx ? 1 : !in_pred(&dr[i], tp_);
			b += in_ref ? occ(&dr[i], g, ng) : 0;
		}
		if (a + b < min_count || a + b == 0)
			continue;
		exp_row *r = &ex[nex++];
		size_t o = 0;
		for (unsigned i = 0; i < ng; i++)
			o += (size_t)snprintf(r->text + o, sizeof r->text - o, "%s%s", i ? " " : "", vocab[g[i]]);
		r->a = a;
		r->b = b;
		ngidx_cell cell = { a, T1, a + b, T1 + T2, 1 };
		r->ll = ngidx_measure_value(&cell, NGIDX_M_LL);
		r->lr = ngidx_measure_value(&cell, NGIDX_M_LOGRATIO);
	}
	ngidx_keyness_opts o;
	ngidx_keyness_opts_init(&o);
	o.n = ng;
	o.k = k;
	o.by_logratio = by_lr;
	o.min_count = min_count;
	ngidx_keyness_result res;
	cr_assert_eq(ngidx_keyness(idx, st, ridx, sr, &o, &res, &e), NGIDX_OK, "%s", e.msg);
	cr_assert_eq(res.tested, nex, "%s: %llu n-grams tested, expected %zu", tspec,
	             (unsigned long long)res.tested, nex);
	cr_assert_eq(res.target_tokens, T1);
	cr_assert_eq(res.reference_tokens, T2);
	/* expected rows: per side, strongest first, ties by text, k each */
	size_t want = 0, side_n[2] = { 0, 0 };
	for (int side = 0; side < 2; side++) {
		for (;;) {
			exp_row *best = NULL;
			for (size_t i = 0; i < nex; i++) {
				exp_row *x = &ex[i];
				if (x->text[0] == 0 || !((side == 0 && x->ll > 0) || (side == 1 && x->ll < 0)))
					continue;
				if (!best || strength(x, by_lr) > strength(best, by_lr) ||
				    (strength(x, by_lr) == strength(best, by_lr) && strcmp(x->text, best->text) < 0))
					best = x;
			}
			if (!best || side_n[side] == k)
				break;
			cr_assert_lt(want, res.nrows, "%s: only %zu rows", tspec, res.nrows);
			const ngidx_key_row *g = &res.rows[want];
			cr_assert(g->len == strlen(best->text) && !memcmp(g->ngram, best->text, g->len),
			          "%s row %zu: '%.*s', expected '%s'", tspec, want, (int)g->len, g->ngram, best->text);
			cr_assert(g->target == best->a && g->reference == best->b, "%s '%s': %llu %llu, expected %llu %llu",
			          tspec, best->text, (unsigned long long)g->target, (unsigned long long)g->reference,
			          (unsigned long long)best->a, (unsigned long long)best->b);
			cr_assert(fabs(g->ll - best->ll) < 1e-9 && (fabs(g->logratio - best->lr) < 1e-9),
			          "%s '%s': measures", tspec, best->text);
			cr_assert_eq(g->significant, fabs(best->ll) > res.threshold);
			best->text[0] = 0;
			side_n[side]++;
			want++;
		}
	}
	cr_assert_eq(res.nrows, want, "%s: %zu rows, expected %zu", tspec, res.nrows, want);
	cr_assert_eq(res.ntarget, side_n[0]);
	/* Bonferroni: the critical value's upper tail is alpha / m */
	if (res.tested)
		cr_assert(fabs(erfc(sqrt(res.threshold / 2)) - 0.05 / (double)res.tested) < 1e-9 * 0.05);
	ngidx_keyness_result_release(&res);
	ngidx_subset_free(st);
	ngidx_subset_free(sr);
	free(ex);
}

Test(keyness, against_reference, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	rng r = { test_seed("against_reference") };
	size_t n = 300 + rng_below(&r, 200), n2 = 200;
	gdoc *d = gen(&r, n, tp("a.jsonl"));
	gdoc *d2 = gen(&r, n2, tp("b.jsonl"));
	ngidx_index *idx = build(tp("a.jsonl"), tp("a.ngx"));
	ngidx_index *idx2 = build(tp("b.jsonl"), tp("b.ngx"));
	const pred y2019 = { 20190000, 20199999, -1, 0 }, y2018 = { 20180000, 20189999, -1, 0 };
	const pred wire = { 0, 0, 0, 0 }, ledger = { 0, 0, 1, 0 }, all = { 0, 0, -1, 1 };
	const pred wire_from_2018 = { 20180000, 0, 0, 0 }, spring = { 20190300, 20190599, -1, 0 };
	for (unsigned ng = 1; ng <= 2; ng++) {
		for (int by = 0; by < 2; by++) {
			check(idx, d, n, "date=2019", &y2019, NULL, NULL, 0, NULL, NULL, ng, by, 5, 3);
			check(idx, d, n, "date=2019", &y2019, NULL, NULL, 0, "date=2018", &y2018, ng, by, 4, 1);
			check(idx, d, n, "src=wire", &wire, NULL, NULL, 0, "src=ledger", &ledger, ng, by, 6, 2);
			check(idx, d, n, "src=wire,date=2018..", &wire_from_2018, NULL, NULL, 0, NULL, NULL, ng, by, 3, 5);
			check(idx, d, n, "date=2019-03..2019-05", &spring, NULL, NULL, 0, NULL, NULL, ng, by, 5, 1);
			check(idx, d, n, "*", &all, idx2, d2, n2, NULL, NULL, ng, by, 5, 2);
			check(idx, d, n, "date=2019", &y2019, idx2, d2, n2, "src=ledger", &ledger, ng, by, 5, 2);
		}
	}
	ngidx_index_free(idx);
	ngidx_index_free(idx2);
	free(d);
	free(d2);
}

Test(keyness, subset_specs, .init = fixture_setup, .fini = fixture_teardown)
{
	rng r = { 7 };
	size_t n = 100;
	gdoc *d = gen(&r, n, tp("a.jsonl"));
	ngidx_index *idx = build(tp("a.jsonl"), tp("a.ngx"));
	static const char *const bad[] = { "date", "=x", "date=", "date=2019-13", "date=..", "year",
		                           "date=2019...2020x" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ngidx_subset *s;
		ngidx_error e = { 0 };
		cr_expect_eq(ngidx_subset_parse(idx, bad[i], &s, &e), NGIDX_ERR_ARG, "'%s' accepted", bad[i]);
	}
	ngidx_subset *s, *c;
	cr_assert_eq(ngidx_subset_parse(idx, "", &s, NULL), NGIDX_OK);
	cr_assert_eq(ngidx_subset_docs(s), n);
	cr_assert_eq(ngidx_subset_complement(s, &c, NULL), NGIDX_OK);
	cr_assert_eq(ngidx_subset_docs(c), 0);
	cr_assert_eq(ngidx_subset_tokens(c), 0);
	for (uint32_t i = 0; i < n; i++)
		cr_assert(ngidx_subset_has(s, i) && !ngidx_subset_has(c, i));
	cr_assert(!ngidx_subset_has(s, (uint32_t)n));
	ngidx_subset_free(s);
	ngidx_subset_free(c);
	cr_assert_eq(ngidx_subset_parse(idx, "src=nowhere", &s, NULL), NGIDX_OK);
	cr_assert_eq(ngidx_subset_docs(s), 0);
	ngidx_subset_free(s);
	ngidx_index_free(idx);
	free(d);
}

Test(keyness, count_in_subsets, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120)
{
	rng r = { test_seed("count_in_subsets") };
	size_t n = 200 + rng_below(&r, 200);
	gdoc *d = gen(&r, n, tp("a.jsonl"));
	ngidx_index *idx = build(tp("a.jsonl"), tp("a.ngx"));
	static const struct { const char *spec; pred p; } subs[] = {
		{ "date=2019", { 20190000, 20199999, -1, 0 } },
		{ "date=2018-02..2019-06-15", { 20180200, 20190615, -1, 0 } },
		{ "src=post,date=..2018", { 0, 20189999, 2, 0 } },
		{ "src=wire", { 0, 0, 0, 0 } },
		{ "*", { 0, 0, -1, 1 } },
	};
	ngidx_count_result res = { 0 };
	for (size_t k = 0; k < sizeof subs / sizeof *subs; k++) {
		ngidx_subset *s;
		ngidx_error e = { 0 };
		cr_assert_eq(ngidx_subset_parse(idx, subs[k].spec, &s, &e), NGIDX_OK, "%s", e.msg);
		for (int t = 0; t < 200; t++) {
			unsigned len = 1 + rng_below(&r, 5), g[5];
			char q[256];
			size_t o = 0;
			for (unsigned i = 0; i < len; i++) {
				g[i] = rng_below(&r, 100) < 50 ? rng_below(&r, 3) : rng_below(&r, NV);
				o += (size_t)snprintf(q + o, sizeof q - o, "%s%s", i ? " " : "", vocab[g[i]]);
			}
			uint64_t occ_want = 0, docs_want = 0;
			for (size_t i = 0; i < n; i++) {
				uint64_t c = in_pred(&d[i], &subs[k].p) ? occ(&d[i], g, len) : 0;
				occ_want += c;
				docs_want += c > 0;
			}
			cr_assert_eq(ngidx_count_subset(idx, q, o, s, &res, &e), NGIDX_OK, "%s", e.msg);
			cr_assert(res.occurrences == occ_want && res.documents == docs_want,
			          "%s '%s': %llu %llu, expected %llu %llu", subs[k].spec, q,
			          (unsigned long long)res.occurrences, (unsigned long long)res.documents,
			          (unsigned long long)occ_want, (unsigned long long)docs_want);
		}
		ngidx_subset_free(s);
	}
	ngidx_count_result_release(&res);
	ngidx_index_free(idx);
	free(d);
}
