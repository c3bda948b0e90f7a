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
 * reference too. With actors (keyness --actors), the same over the actor
 * mentions: the corpora are built with a dictionary (one alias inside
 * another, a two-word alias, an actor never mentioned), the reference
 * finds mentions by the documented longest-match scan, and a second index
 * with another dictionary (other order, one actor less, one more) checks
 * that actors are matched by id.
 */
#define TEST_NAME "keyness"
#include "test_util.h"

#include <math.h>
#include "ngidx/actors.h"
#include "ngidx/build.h"
#include "ngidx/index.h"
#include "ngidx/keyness.h"
#include "ngidx/measures.h"
#include "format/idx_reader.h"

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

/* An actor dictionary: aliases as word ids. */
typedef struct alias {
	unsigned actor, len, w[2];
} alias;

typedef struct adict {
	const char *tsv;
	size_t nactors;
	const char *const *ids;
	const alias *al;
	size_t nal;
} adict;

/* PRK owns "north korea", NORTH "north" and KOR "korea": the longest
 * alias at a token wins, and the scan goes on after it; NEVER's alias is
 * no word of the corpus. */
static const char *const ids1[] = { "PRK", "KOR", "KJU", "TRUMP", "HANOI", "TALKS", "NEVER", "NORTH" };
static const alias al1[] = { { 0, 2, { 4, 5 } }, { 1, 1, { 5 } }, { 2, 1, { 11 } }, { 3, 1, { 12 } },
	                     { 4, 1, { 10 } }, { 5, 2, { 9, 3 } }, { 7, 1, { 4 } } };
static const adict dict1 = {
	"PRK\tNorth Korea\tcountry\nKOR\tKorea\tcountry\nKJU\tKim\tperson\nTRUMP\tTrump\tperson\n"
	"HANOI\tHanoi\tcity\nTALKS\tpeace talks\nNEVER\tZebra\nNORTH\tNorth\n",
	8, ids1, al1, 7
};
/* Another order, no TALKS, one more (SAID). */
static const char *const ids2[] = { "TRUMP", "SAID", "HANOI", "KJU", "PRK", "KOR" };
static const alias al2[] = { { 0, 1, { 12 } }, { 1, 1, { 13 } }, { 2, 1, { 10 } }, { 3, 1, { 11 } },
	                     { 4, 2, { 4, 5 } }, { 5, 1, { 5 } } };
static const adict dict2 = {
	"TRUMP\tTrump\tperson\nSAID\tsaid\nHANOI\tHanoi\tcity\nKJU\tKim\tperson\n"
	"PRK\tNorth Korea\tcountry\nKOR\tKorea\tcountry\n",
	6, ids2, al2, 6
};

/* Mentions of each actor of @dt in @d: at each token the longest alias
 * starting there, then on after it. */
static void mentions(const gdoc *d, const adict *dt, uint64_t *m)
{
	memset(m, 0, dt->nactors * sizeof *m);
	for (unsigned i = 0; i < d->nw;) {
		const alias *best = NULL;
		for (size_t a = 0; a < dt->nal; a++) {
			const alias *x = &dt->al[a];
			unsigned k = 0;
			while (k < x->len && i + k < d->nw && d->w[i + k] == x->w[k])
				k++;
			if (k == x->len && (!best || x->len > best->len))
				best = x;
		}
		m[best ? best->actor : 0] += best != NULL;
		i += best ? best->len : 1;
	}
}

/* Build @in into @out with the actors of @dt (NULL: none) and the
 * n-grams of 2+ tokens seen at least @min_count times (0: the default). */
static ngidx_index *build_pruned(const char *in, const char *out, const adict *dt,
                                 uint32_t min_count)
{
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	if (min_count)
		o.min_count = min_count;
	const char *inputs[1] = { in }, *dicts[1] = { NULL };
	if (dt) {
		dicts[0] = tp("dict.tsv");
		write_file(dicts[0], dt->tsv, strlen(dt->tsv));
		o.actor_files = dicts;
		o.nactor_files = 1;
	}
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

static ngidx_index *build_with(const char *in, const char *out, const adict *dt)
{
	return build_pruned(in, out, dt, 0);
}

static ngidx_index *build(const char *in, const char *out) { return build_pruned(in, out, NULL, 0); }

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

/* One keyness call: target subset @tspec of @idx (documents @d), against
 * @rspec (NULL: the rest, or all of @ridx) of @ridx (NULL: @idx; its
 * documents @dr). With @ta (and @ra for @ridx), the actors of those
 * dictionaries instead of the n-grams of length @ng. */
typedef struct kcase {
	ngidx_index *idx, *ridx;
	const gdoc *d, *dr;
	size_t n, nr;
	const char *tspec, *rspec;
	const pred *tp, *rp;
	const adict *ta, *ra;
	unsigned ng;
	int by_lr;
	size_t k;
	uint64_t min_count;
} kcase;

static int in_ref(const kcase *c, const gdoc *d)
{
	return c->rp ? in_pred(d, c->rp) : c->ridx ? 1 : !in_pred(d, c->tp);
}

static void add_row(exp_row *r, const char *text, uint64_t a, uint64_t b, uint64_t T1, uint64_t T2)
{
	snprintf(r->text, sizeof r->text, "%s", text);
	r->a = a;
	r->b = b;
	ngidx_cell cell = { a, T1, a + b, T1 + T2, 1 };
	r->ll = ngidx_measure_value(&cell, NGIDX_M_LL);
	r->lr = ngidx_measure_value(&cell, NGIDX_M_LOGRATIO);
}

/* The reference rows of the n-grams of length c->ng; @return how many. */
static size_t expect_ngrams(const kcase *c, uint64_t T1, uint64_t T2, exp_row **out)
{
	size_t ncand = 1;
	for (unsigned i = 0; i < c->ng; i++)
		ncand *= NV;
	exp_row *ex = calloc(ncand, sizeof *ex);
	size_t nex = 0;
	for (size_t k = 0; k < ncand; k++) {
		unsigned g[4];
		size_t x = k;
		for (unsigned i = 0; i < c->ng; i++, x /= NV)
			g[i] = (unsigned)(x % NV);
		uint64_t a = 0, b = 0;
		for (size_t i = 0; i < c->n; i++)
			a += in_pred(&c->d[i], c->tp) ? occ(&c->d[i], g, c->ng) : 0;
		for (size_t i = 0; i < c->nr; i++)
			b += in_ref(c, &c->dr[i]) ? occ(&c->dr[i], g, c->ng) : 0;
		if (a + b < c->min_count || a + b == 0)
			continue;
		char text[64];
		size_t o = 0;
		for (unsigned i = 0; i < c->ng; i++)
			o += (size_t)snprintf(text + o, sizeof text - o, "%s%s", i ? " " : "", vocab[g[i]]);
		add_row(&ex[nex++], text, a, b, T1, T2);
	}
	*out = ex;
	return nex;
}

static int dict_has(const adict *dt, const char *id)
{
	for (size_t a = 0; a < dt->nactors; a++)
		if (!strcmp(dt->ids[a], id))
			return 1;
	return 0;
}

/* Mentions of actor @id (of dictionary @dt) in the documents @d that
 * @side selects (0 target, 1 reference). */
static uint64_t actor_mentions(const kcase *c, const adict *dt, const char *id, const gdoc *d,
                               size_t n, int side)
{
	size_t a = 0;
	if (!dict_has(dt, id))
		return 0;
	while (strcmp(dt->ids[a], id))
		a++;
	uint64_t m[16], sum = 0;
	for (size_t i = 0; i < n; i++) {
		if (side ? !in_ref(c, &d[i]) : !in_pred(&d[i], c->tp))
			continue;
		mentions(&d[i], dt, m);
		sum += m[a];
	}
	return sum;
}

/* The reference rows of the actors of either dictionary, matched by id. */
static size_t expect_actors(const kcase *c, uint64_t T1, uint64_t T2, exp_row **out)
{
	const adict *ra = c->ra ? c->ra : c->ta;
	exp_row *ex = calloc(c->ta->nactors + ra->nactors, sizeof *ex);
	size_t nex = 0;
	for (int pass = 0; pass < (ra == c->ta ? 1 : 2); pass++) {
		const adict *dt = pass ? ra : c->ta;
		for (size_t i = 0; i < dt->nactors; i++) {
			const char *id = dt->ids[i];
			if (pass && dict_has(c->ta, id))
				continue; /* counted in the first pass */
			uint64_t a = actor_mentions(c, c->ta, id, c->d, c->n, 0);
			uint64_t b = actor_mentions(c, ra, id, c->dr, c->nr, 1);
			if (a + b < c->min_count || a + b == 0)
				continue;
			add_row(&ex[nex++], id, a, b, T1, T2);
		}
	}
	*out = ex;
	return nex;
}

/* The rows of @res against the reference's @ex: per side, strongest
 * first, ties by text, k each. */
static void compare_rows(const kcase *c, const ngidx_keyness_result *res, exp_row *ex, size_t nex)
{
	size_t want = 0, side_n[2] = { 0, 0 };
	const char *what = c->tspec;
	for (int side = 0; side < 2; side++) {
		for (;;) {
			exp_row *best = NULL;
			for (size_t i = 0; i < nex; i++) {
				exp_row *x = &ex[i];
				if (x->text[0] == 0 || !((side == 0 && x->ll > 0) || (side == 1 && x->ll < 0)))
					continue;
				if (!best || strength(x, c->by_lr) > strength(best, c->by_lr) ||
				    (strength(x, c->by_lr) == strength(best, c->by_lr) && strcmp(x->text, best->text) < 0))
					best = x;
			}
			if (!best || side_n[side] == c->k)
				break;
			cr_assert_lt(want, res->nrows, "%s: only %zu rows", what, res->nrows);
			const ngidx_key_row *g = &res->rows[want];
			cr_assert(g->len == strlen(best->text) && !memcmp(g->ngram, best->text, g->len),
			          "%s row %zu: '%.*s', expected '%s'", what, want, (int)g->len, g->ngram, best->text);
			cr_assert(g->target == best->a && g->reference == best->b, "%s '%s': %llu %llu, expected %llu %llu",
			          what, best->text, (unsigned long long)g->target, (unsigned long long)g->reference,
			          (unsigned long long)best->a, (unsigned long long)best->b);
			cr_assert(fabs(g->ll - best->ll) < 1e-9 && (fabs(g->logratio - best->lr) < 1e-9),
			          "%s '%s': measures", what, best->text);
			cr_assert_eq(g->significant, fabs(best->ll) > res->threshold);
			best->text[0] = 0;
			side_n[side]++;
			want++;
		}
	}
	cr_assert_eq(res->nrows, want, "%s: %zu rows, expected %zu", what, res->nrows, want);
	cr_assert_eq(res->ntarget, side_n[0]);
}

/* Actor rows name the actor: number, name and type from the index. */
static void check_actor_names(const kcase *c, const ngidx_keyness_result *res)
{
	for (size_t i = 0; i < res->nrows; i++) {
		const ngidx_key_row *g = &res->rows[i];
		cr_assert_eq(g->n, 0);
		if (g->actor == UINT32_MAX) {
			cr_assert(c->ridx && g->target == 0, "only an actor of the reference index has no number");
			continue;
		}
		ngidx_actor act;
		cr_assert_eq(ngidx_actor_get(c->idx, g->actor, &act, NULL), 0);
		cr_assert(act.id_len == g->len && !memcmp(act.id, g->ngram, g->len), "actor number of '%.*s'",
		          (int)g->len, g->ngram);
		cr_assert(act.name_len == g->name_len && !memcmp(act.name, g->name, g->name_len) &&
		          act.type_len == g->type_len && !memcmp(act.type, g->type, g->type_len));
	}
}

/* Check one keyness call against the reference. */
static void check(kcase c)
{
	ngidx_error e = { 0 };
	ngidx_subset *st, *sr = NULL;
	cr_assert_eq(ngidx_subset_parse(c.idx, c.tspec, &st, &e), NGIDX_OK, "%s: %s", c.tspec, e.msg);
	if (c.rspec)
		cr_assert_eq(ngidx_subset_parse(c.ridx ? c.ridx : c.idx, c.rspec, &sr, &e), NGIDX_OK, "%s", e.msg);
	if (!c.dr) {
		c.dr = c.d;
		c.nr = c.n;
	}
	/* the subsets' documents and tokens */
	uint64_t T1 = 0, T2 = 0, D1 = 0;
	for (size_t i = 0; i < c.n; i++)
		if (in_pred(&c.d[i], c.tp))
			T1 += c.d[i].nw, D1++;
	for (size_t i = 0; i < c.nr; i++)
		T2 += in_ref(&c, &c.dr[i]) ? c.dr[i].nw : 0;
	cr_assert_eq(ngidx_subset_docs(st), D1, "%s: %llu docs, expected %llu", c.tspec,
	             (unsigned long long)ngidx_subset_docs(st), (unsigned long long)D1);
	cr_assert_eq(ngidx_subset_tokens(st), T1, "%s: tokens", c.tspec);
	exp_row *ex;
	size_t nex = c.ta ? expect_actors(&c, T1, T2, &ex) : expect_ngrams(&c, T1, T2, &ex);
	ngidx_keyness_opts o;
	ngidx_keyness_opts_init(&o);
	o.n = c.ng;
	o.k = c.k;
	o.by_logratio = c.by_lr;
	o.min_count = c.min_count;
	o.actors = c.ta != NULL;
	ngidx_keyness_result res;
	cr_assert_eq(ngidx_keyness(c.idx, st, c.ridx, sr, &o, &res, &e), NGIDX_OK, "%s", e.msg);
	cr_assert_eq(res.tested, nex, "%s: %llu items tested, expected %zu", c.tspec,
	             (unsigned long long)res.tested, nex);
	cr_assert_eq(res.target_tokens, T1);
	cr_assert_eq(res.reference_tokens, T2);
	compare_rows(&c, &res, ex, nex);
	if (c.ta)
		check_actor_names(&c, &res);
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
			kcase c = { .idx = idx, .d = d, .n = n, .ng = ng, .by_lr = by };
			c.tspec = "date=2019", c.tp = &y2019, c.k = 5, c.min_count = 3;
			check(c);
			c.rspec = "date=2018", c.rp = &y2018, c.k = 4, c.min_count = 1;
			check(c);
			c.tspec = "src=wire", c.tp = &wire, c.rspec = "src=ledger", c.rp = &ledger, c.k = 6, c.min_count = 2;
			check(c);
			c.tspec = "src=wire,date=2018..", c.tp = &wire_from_2018, c.rspec = NULL, c.rp = NULL;
			c.k = 3, c.min_count = 5;
			check(c);
			c.tspec = "date=2019-03..2019-05", c.tp = &spring, c.k = 5, c.min_count = 1;
			check(c);
			c.ridx = idx2, c.dr = d2, c.nr = n2;
			c.tspec = "*", c.tp = &all, c.k = 5, c.min_count = 2;
			check(c);
			c.tspec = "date=2019", c.tp = &y2019, c.rspec = "src=ledger", c.rp = &ledger;
			check(c);
		}
	}
	ngidx_index_free(idx);
	ngidx_index_free(idx2);
	free(d);
	free(d2);
}

/* Indexes whose builds pruned rare n-grams (--min-count 4 and 3): an
 * n-gram missing from one lexicon is counted from its positions, so the
 * rows are exact whenever min_count reaches what the lexicons can miss
 * (4 within one index, 4 + 3 - 1 across the two). */
Test(keyness, pruned_lexicons, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	rng r = { test_seed("pruned_lexicons") };
	size_t n = 300 + rng_below(&r, 200), n2 = 200;
	gdoc *d = gen(&r, n, tp("a.jsonl"));
	gdoc *d2 = gen(&r, n2, tp("b.jsonl"));
	ngidx_index *idx = build_pruned(tp("a.jsonl"), tp("a.ngx"), NULL, 4);
	ngidx_index *idx2 = build_pruned(tp("b.jsonl"), tp("b.ngx"), NULL, 3);
	const pred y2019 = { 20190000, 20199999, -1, 0 }, wire = { 0, 0, 0, 0 };
	const pred ledger = { 0, 0, 1, 0 }, all = { 0, 0, -1, 1 };
	for (unsigned ng = 2; ng <= 3; ng++) {
		kcase c = { .idx = idx, .d = d, .n = n, .ng = ng, .k = 8 };
		c.tspec = "date=2019", c.tp = &y2019, c.min_count = 4;
		check(c);
		c.tspec = "src=wire", c.tp = &wire, c.rspec = "src=ledger", c.rp = &ledger, c.min_count = 5;
		check(c);
		c.ridx = idx2, c.dr = d2, c.nr = n2, c.rspec = NULL, c.rp = NULL;
		c.tspec = "*", c.tp = &all, c.min_count = 6;
		check(c);
		c.tspec = "date=2019", c.tp = &y2019, c.rspec = "src=ledger", c.rp = &ledger;
		check(c);
		/* the other way round: the target's lexicon is the sparser one */
		kcase b = { .idx = idx2, .d = d2, .n = n2, .ng = ng, .k = 8, .min_count = 6 };
		b.ridx = idx, b.dr = d, b.nr = n, b.tspec = "*", b.tp = &all;
		check(b);
	}
	/* the corpora have what the test needs: n-grams each lexicon lacks */
	ngidx_count_result cr = { 0 };
	ngidx_error e = { 0 };
	size_t missing = 0;
	for (size_t k = 0; k < NV * NV * NV; k++) {
		char text[64];
		snprintf(text, sizeof text, "%s %s %s", vocab[k % NV], vocab[k / NV % NV], vocab[k / NV / NV]);
		ngidx_term t;
		cr_assert_eq(ngidx_count(idx2, text, strlen(text), &cr, &e), NGIDX_OK, "%s", e.msg);
		missing += cr.occurrences > 0 && ngidx_term_find(idx2, text, strlen(text), &t) == 0;
	}
	ngidx_count_result_release(&cr);
	cr_assert_gt(missing, 50, "only %zu trigrams occur without a lexicon entry", missing);
	ngidx_index_free(idx);
	ngidx_index_free(idx2);
	free(d);
	free(d2);
}

/* keyness --actors: mention counts in each subset, the same measures. */
Test(keyness, actors_against_reference, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	rng r = { test_seed("actors_against_reference") };
	size_t n = 300 + rng_below(&r, 200), n2 = 200;
	gdoc *d = gen(&r, n, tp("a.jsonl"));
	gdoc *d2 = gen(&r, n2, tp("b.jsonl"));
	ngidx_index *idx = build_with(tp("a.jsonl"), tp("a.ngx"), &dict1);
	ngidx_index *idx2 = build_with(tp("b.jsonl"), tp("b.ngx"), &dict2);
	ngidx_index *plain = build(tp("a.jsonl"), tp("p.ngx"));
	const pred y2019 = { 20190000, 20199999, -1, 0 }, y2018 = { 20180000, 20189999, -1, 0 };
	const pred wire = { 0, 0, 0, 0 }, ledger = { 0, 0, 1, 0 }, all = { 0, 0, -1, 1 };
	const pred none = { 19900000, 19909999, -1, 0 }, dated = { 10000000, 99999999, -1, 0 };
	for (int by = 0; by < 2; by++) {
		kcase c = { .idx = idx, .d = d, .n = n, .ta = &dict1, .by_lr = by, .k = 3, .min_count = 1 };
		c.tspec = "date=2019", c.tp = &y2019;
		check(c);
		c.rspec = "date=2018", c.rp = &y2018, c.k = 2;
		check(c);
		c.tspec = "src=wire", c.tp = &wire, c.rspec = "src=ledger", c.rp = &ledger, c.min_count = 40;
		check(c);
		c.tspec = "date=1990", c.tp = &none, c.rspec = NULL, c.rp = NULL, c.k = 10, c.min_count = 1;
		check(c); /* an empty target: G2 = 0, no row */
		c.tspec = "date=1000..9999", c.tp = &dated;
		check(c); /* the reference is the undated documents */
		c.tspec = "*", c.tp = &all;
		check(c); /* every document, the same index: an empty reference */
		c.ridx = idx2, c.dr = d2, c.nr = n2, c.ra = &dict2, c.k = 10;
		check(c);
		c.tspec = "date=2019", c.tp = &y2019, c.rspec = "src=ledger", c.rp = &ledger, c.k = 2;
		check(c);
	}
	/* an index without actors cannot answer */
	ngidx_keyness_opts o;
	ngidx_keyness_opts_init(&o);
	o.actors = 1;
	ngidx_keyness_result res;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_keyness(plain, NULL, NULL, NULL, &o, &res, &e), NGIDX_ERR_ARG);
	cr_assert(strstr(e.msg, "no actors"), "%s", e.msg);
	cr_assert_eq(ngidx_keyness(idx, NULL, plain, NULL, &o, &res, &e), NGIDX_ERR_ARG);
	cr_assert(strstr(e.msg, "reference index has no actors"), "%s", e.msg);
	ngidx_index_free(plain);
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

/* Subset @spec of @idx must hold exactly the documents of @d[0..@n) that
 * satisfy @p, and their tokens; @how names the way it was taken. */
static void check_subset(ngidx_index *idx, const char *spec, const pred *p, const gdoc *d, size_t n,
                         const char *how)
{
	ngidx_subset *s;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_subset_parse(idx, spec, &s, &e), NGIDX_OK, "%s: %s", spec, e.msg);
	uint64_t docs = 0, tokens = 0;
	for (size_t i = 0; i < n; i++) {
		int want = in_pred(&d[i], p);
		cr_assert_eq(ngidx_subset_has(s, (uint32_t)i), want, "%s (%s): document %zu dated %u",
		             spec, how, i, d[i].date);
		docs += want;
		tokens += want ? d[i].nw : 0;
	}
	cr_assert_eq(ngidx_subset_docs(s), docs, "%s (%s)", spec, how);
	cr_assert_eq(ngidx_subset_tokens(s), tokens, "%s (%s)", spec, how);
	ngidx_subset_free(s);
}

/* A date as a spec bound: Y, Y-M or Y-M-D of YYYYMMDD @v (00: omitted). */
static int put_date(char *p, size_t n, uint32_t v)
{
	if (v % 100)
		return snprintf(p, n, "%04u-%02u-%02u", v / 10000, v / 100 % 100, v % 100);
	if (v / 100 % 100)
		return snprintf(p, n, "%04u-%02u", v / 10000, v / 100 % 100);
	return snprintf(p, n, "%04u", v / 10000);
}

/*
 * Date-only subsets come from the DATES section by binary search; without
 * it (an index written before it) from a pass over the document table.
 * Both must select exactly the documents, and the tokens, that a
 * brute-force test of every document's date selects.
 */
Test(keyness, date_subsets_from_the_dates_section, .init = fixture_setup, .fini = fixture_teardown,
     .timeout = 120)
{
	rng r = { test_seed("date_subsets_from_the_dates_section") };
	size_t n = 300 + rng_below(&r, 200);
	gdoc *d = gen(&r, n, tp("a.jsonl"));
	ngidx_index *idx = build(tp("a.jsonl"), tp("a.ngx"));
	cr_assert_not_null(idx->dates, "no DATES section");
	const struct ngx_date_entry *dates = idx->dates;
	for (int t = 0; t < 300; t++) {
		/* a bound is a year, a month or a day, sometimes absent */
		uint32_t b[2];
		for (int k = 0; k < 2; k++) {
			uint32_t y = 2016 + rng_below(&r, 6), m = rng_below(&r, 13), day = m ? rng_below(&r, 29) : 0;
			b[k] = rng_below(&r, 6) ? y * 10000 + m * 100 + day : 0;
		}
		if (b[0] && b[1] && b[0] > b[1]) {
			uint32_t x = b[0];
			b[0] = b[1];
			b[1] = x;
		}
		char spec[96], lo[16] = "", hi[16] = "";
		if (b[0])
			put_date(lo, sizeof lo, b[0]);
		if (b[1])
			put_date(hi, sizeof hi, b[1]);
		snprintf(spec, sizeof spec, "date=%s..%s", lo, hi);
		/* an upper bound covers its whole year or month */
		uint32_t up = !b[1] ? 0 : b[1] % 100 ? b[1] : b[1] / 100 % 100 ? b[1] + 99 : b[1] + 9999;
		pred p = { b[0], up, -1, 0 };
		if (!b[0] && !b[1])
			continue; /* "date=.." is malformed */
		for (int with = 1; with >= 0; with--) {
			idx->dates = with ? dates : NULL;
			check_subset(idx, spec, &p, d, n, with ? "with DATES" : "without");
		}
	}
	idx->dates = dates;
	ngidx_index_free(idx);
	free(d);
}

/* Keyness within one index visits only the NTERMS list of its n when
 * min_count allows: the rows must be those of the walk over the whole
 * lexicon, for every n and several min_count, k and subsets. */
Test(keyness, nterms_list_gives_the_same_rows, .init = fixture_setup, .fini = fixture_teardown,
     .timeout = 120)
{
	rng r = { test_seed("nterms_list_gives_the_same_rows") };
	size_t n = 300 + rng_below(&r, 200);
	gdoc *d = gen(&r, n, tp("a.jsonl"));
	ngidx_index *idx = build(tp("a.jsonl"), tp("a.ngx"));
	cr_assert_not_null(idx->nt_lists, "no NTERMS section");
	const unsigned char *lists = idx->nt_lists;
	static const char *const specs[] = { "date=2019", "src=post", "date=2017..2018-06" };
	for (size_t k = 0; k < 3; k++) {
		ngidx_subset *s;
		cr_assert_eq(ngidx_subset_parse(idx, specs[k], &s, NULL), NGIDX_OK);
		for (unsigned ng = 1; ng <= 3; ng++) {
			for (uint64_t mc = 2; mc <= 6; mc += 4) {
				ngidx_keyness_opts o;
				ngidx_keyness_opts_init(&o);
				o.n = ng;
				o.min_count = mc;
				o.k = 1000;
				ngidx_keyness_result a = { 0 }, b = { 0 };
				ngidx_error e = { 0 };
				idx->nt_lists = lists;
				cr_assert_eq(ngidx_keyness(idx, s, idx, NULL, &o, &a, &e), NGIDX_OK, "%s", e.msg);
				idx->nt_lists = NULL;
				cr_assert_eq(ngidx_keyness(idx, s, idx, NULL, &o, &b, &e), NGIDX_OK, "%s", e.msg);
				cr_assert_eq(a.nrows, b.nrows, "%s n=%u min %llu: %zu and %zu rows", specs[k], ng,
				             (unsigned long long)mc, a.nrows, b.nrows);
				cr_assert_eq(a.tested, b.tested);
				cr_assert_gt(a.nrows, 0, "%s n=%u: no row", specs[k], ng);
				for (size_t i = 0; i < a.nrows; i++)
					cr_assert(a.rows[i].len == b.rows[i].len &&
					          !memcmp(a.rows[i].ngram, b.rows[i].ngram, a.rows[i].len) &&
					          a.rows[i].target == b.rows[i].target && a.rows[i].reference == b.rows[i].reference,
					          "%s n=%u: row %zu differs", specs[k], ng, i);
				ngidx_keyness_result_release(&a);
				ngidx_keyness_result_release(&b);
			}
		}
		ngidx_subset_free(s);
	}
	idx->nt_lists = lists;
	ngidx_index_free(idx);
	free(d);
}

/* The NTERMS bitmaps: idx_nterms_next walks exactly the terms of each n
 * seen twice or more, and verify finds any one bit flipped among the
 * nterms bits of a bitmap (the section checksum aside: the copy is not
 * covered by it). */
Test(keyness, nterms_bitmaps, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120)
{
	rng r = { test_seed("nterms_bitmaps") };
	gdoc *d = gen(&r, 200 + rng_below(&r, 100), tp("a.jsonl"));
	ngidx_index *idx = build(tp("a.jsonl"), tp("a.ngx"));
	cr_assert_not_null(idx->nt_lists, "no NTERMS section");
	for (unsigned n = 1; n <= idx->max_n; n++) {
		uint64_t id = 0, count = 0;
		for (uint64_t t = 0; t < idx->nterms; t++) {
			ngidx_term term;
			cr_assert_eq(ngidx_term_get(idx, t, &term, NULL), NGIDX_OK);
			int want = term.n == n && term.cf >= idx->nt_min_cf && (unsigned char)term.text[0] >= 0x20;
			if (!want)
				continue;
			cr_assert_eq(idx_nterms_next(idx, n, id, &id), 1, "n %u: term %llu missing", n,
			             (unsigned long long)t);
			cr_assert_eq(id, t, "n %u: term %llu listed before %llu", n, (unsigned long long)id,
			             (unsigned long long)t);
			id++;
			count++;
		}
		cr_assert_eq(idx_nterms_next(idx, n, id, &id), 0, "n %u: a term past the last", n);
		cr_assert_eq(count, idx->nt_count[n - 1]);
		cr_assert_gt(count, 0);
	}
	cr_assert_eq(idx_nterms_next(idx, idx->max_n + 1, 0, &(uint64_t){ 0 }), -1);
	size_t bytes = (size_t)(idx->nterms + 7) / 8 * idx->max_n;
	const unsigned char *orig = idx->nt_lists;
	unsigned char *copy = xrealloc(NULL, bytes);
	ngidx_error e;
	for (int k = 0; k < 40; k++) {
		memcpy(copy, orig, bytes);
		unsigned n = 1 + (unsigned)rng_below(&r, idx->max_n);
		uint64_t bit = rng_below(&r, (uint32_t)idx->nterms);
		copy[(n - 1) * ((idx->nterms + 7) / 8) + bit / 8] ^= (unsigned char)(1u << bit % 8);
		idx->nt_lists = copy;
		cr_assert_eq(ngidx_index_verify(idx, &e), NGIDX_ERR_CORRUPT, "n %u bit %llu flipped", n,
		             (unsigned long long)bit);
		cr_assert_not_null(strstr(e.msg, "nterms"), "%s", e.msg);
	}
	idx->nt_lists = orig;
	cr_assert_eq(ngidx_index_verify(idx, &e), NGIDX_OK, "%s", e.msg);
	free(copy);
	ngidx_index_free(idx);
	free(d);
}

/* FIELD=VALUE conditions (alone, together, with dates) come from the
 * FIELDS section, or from a scan without it: both must select what a
 * brute-force test of every document selects, absent values included. */
Test(keyness, field_subsets_from_the_fields_section, .init = fixture_setup,
     .fini = fixture_teardown, .timeout = 120)
{
	rng r = { test_seed("field_subsets_from_the_fields_section") };
	size_t n = 300 + rng_below(&r, 200);
	gdoc *d = gen(&r, n, tp("a.jsonl"));
	ngidx_index *idx = build(tp("a.jsonl"), tp("a.ngx"));
	cr_assert_not_null(idx->fgroups, "no FIELDS section");
	const struct ngx_field_group *groups = idx->fgroups;
	const struct ngx_date_entry *dates = idx->dates;
	static const struct { const char *spec; pred p; } subs[] = {
		{ "src=post", { 0, 0, 2, 0 } },
		{ "src=wire", { 0, 0, 0, 0 } },
		{ "src=nowhere", { 0, 0, 7, 0 } },
		{ "src=post,date=2019", { 20190000, 20199999, 2, 0 } },
		{ "date=2018-02..2019-06-15,src=wire", { 20180200, 20190615, 0, 0 } },
		{ "src=wire,src=post", { 0, 0, 9, 0 } },
		{ "src=wire,src=wire", { 0, 0, 0, 0 } },
	};
	for (size_t k = 0; k < sizeof subs / sizeof *subs; k++) {
		for (int with = 1; with >= 0; with--) {
			idx->fgroups = with ? groups : NULL;
			idx->dates = with ? dates : NULL;
			check_subset(idx, subs[k].spec, &subs[k].p, d, n, with ? "with FIELDS" : "without");
		}
	}
	idx->fgroups = groups;
	idx->dates = dates;
	ngidx_index_free(idx);
	free(d);
}
