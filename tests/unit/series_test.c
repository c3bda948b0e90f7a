/*
 * series_test.c - frequency over time (ngidx/series.h) against a
 * brute-force reference on generated dated corpora.
 *
 * The reference shares only the analyzer with the index (ngidx_analyze
 * with sentences, to know each document's tokens and sentences). It does
 * the rest as plainly as it can:
 *   - periods: it walks the calendar one day at a time with timegm/gmtime
 *     from the first to the last day of the range and labels each day with
 *     strftime ("%Y", "%Y-%m", "%G-W%V" for ISO weeks, "%Y-%m-%d"); a
 *     period is a run of equal labels, so the C library, not series.c,
 *     decides what an ISO week is;
 *   - placing: a document is left out when undated, outside the bounds
 *     (dates compared as YYYYMMDD numbers, a partial upper bound covering
 *     its period) or dated without the month (month, week, day series) or
 *     the day (week, day); otherwise its period is the label of its date;
 *   - counts: a phrase's occurrences are the start positions where its
 *     tokens equal the document's, found by comparing every position; an
 *     actor's mentions are the tokens equal to its one-word alias; a pair
 *     counts 1 per document (doc), per sentence holding both (sentence),
 *     per pair of mentions at most K tokens apart (window);
 *   - DP: the sum over every document of |v_i - s_i| / 2.
 * Corpora: a few hundred documents over 2016..2019 with two empty months,
 * undated documents and dates of the forms YYYY and YYYY-MM, phrases of 1
 * to 6 words (max-n 3, so 4..6 come from positions), absent phrases, four
 * one-word actors. NGIDX_SEED replays a run.
 */
#define TEST_NAME "series"
#include "test_util.h"

#include "ngidx/actors.h"
#include "ngidx/build.h"
#include "ngidx/index.h"
#include "ngidx/series.h"
#include "text/analyze.h"

#include <math.h>

/* ---- the generated corpus --------------------------------------------------- */

typedef struct rdoc {
	uint32_t date;      /* YYYYMMDD with 00 parts, 0 = none */
	size_t ntok;
	char **tok;
	uint32_t *sentof;   /* sentence number of each token */
} rdoc;

typedef struct rcorpus {
	rdoc *doc;
	size_t ndoc;
} rcorpus;

static const char *const vocab[] = { "the", "summit", "of", "talks", "north", "korea", "and",
	                             "trade", "in", "a", "deal", "war", "nuclear", "peace" };
enum { NVOCAB = sizeof vocab / sizeof *vocab };
static const char *const actor_word[] = { "alpha", "beta", "gamma", "delta" };
enum { NACT = 4 };
static const unsigned WINDOW = 3;

static uint32_t gen_date(rng *r)
{
	uint32_t k = rng_below(r, 100);
	if (k < 8)
		return 0;
	unsigned y = 2016 + rng_below(r, 4);
	if (k < 14)
		return y * 10000;
	unsigned m;
	do
		m = 1 + rng_below(r, 12);
	while (y == 2017 && (m == 5 || m == 6)); /* two empty months */
	if (k < 22)
		return y * 10000 + m * 100;
	static const unsigned md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned last = md[m - 1] + (m == 2 && y % 4 == 0);
	return y * 10000 + m * 100 + 1 + rng_below(r, last);
}

static void date_str(uint32_t d, char *b, size_t cap)
{
	unsigned y = d / 10000, m = d / 100 % 100, dd = d % 100;
	if (!m)
		snprintf(b, cap, "%04u", y);
	else if (!dd)
		snprintf(b, cap, "%04u-%02u", y, m);
	else
		snprintf(b, cap, "%04u-%02u-%02u", y, m, dd);
}

/* Write @n documents to @path and analyze them into @c. */
static void gen_corpus(rng *r, size_t n, const char *path, rcorpus *c)
{
	sbuf out = { 0 };
	c->doc = xrealloc(NULL, n * sizeof *c->doc);
	c->ndoc = n;
	for (size_t i = 0; i < n; i++) {
		sbuf text = { 0 };
		size_t words = rng_below(r, 40);
		int cap_next = 1;
		for (size_t w = 0; w < words; w++) {
			const char *word = rng_below(r, 8) == 0 ? actor_word[rng_below(r, NACT)]
			                                          : vocab[rng_zipf(r, NVOCAB)];
			if (w)
				sb_puts(&text, " ");
			if (cap_next) {
				char up = (char)(word[0] - 'a' + 'A');
				sb_put(&text, &up, 1);
				sb_puts(&text, word + 1);
			} else {
				sb_puts(&text, word);
			}
			cap_next = rng_below(r, 7) == 0;
			if (cap_next)
				sb_puts(&text, ".");
		}
		rdoc *d = &c->doc[i];
		d->date = gen_date(r);
		char line[64];
		snprintf(line, sizeof line, "{\"id\":\"d%zu\"", i);
		sb_puts(&out, line);
		if (d->date) {
			char ds[16];
			date_str(d->date, ds, sizeof ds);
			snprintf(line, sizeof line, ",\"date\":\"%s\"", ds);
			sb_puts(&out, line);
		}
		sb_puts(&out, ",\"text\":\"");
		if (text.p)
			sb_puts(&out, text.p);
		sb_puts(&out, "\"}\n");
		/* the reference's tokens and sentences */
		ngidx_tokens t;
		ngidx_tokens_init(&t);
		cr_assert_eq(ngidx_analyze(&t, text.p ? text.p : "", text.len, NGIDX_AN_SENTENCES),
		             NGIDX_OK);
		d->ntok = t.ntok;
		d->tok = xrealloc(NULL, (t.ntok + 1) * sizeof *d->tok);
		d->sentof = xrealloc(NULL, (t.ntok + 1) * sizeof *d->sentof);
		size_t s = 0;
		for (size_t k = 0; k < t.ntok; k++) {
			size_t l;
			const char *w = ngidx_tok(&t, k, &l);
			d->tok[k] = xstrndup(w, l);
			while (s + 1 < t.nsent && t.sent[s + 1] <= k)
				s++;
			d->sentof[k] = (uint32_t)s;
		}
		ngidx_tokens_release(&t);
		free(text.p);
	}
	write_file(path, out.p, out.len);
	free(out.p);
}

static void free_corpus(rcorpus *c)
{
	for (size_t i = 0; i < c->ndoc; i++) {
		for (size_t k = 0; k < c->doc[i].ntok; k++)
			free(c->doc[i].tok[k]);
		free(c->doc[i].tok);
		free(c->doc[i].sentof);
	}
	free(c->doc);
}

static ngidx_index *build_open(const char *jsonl, const char *dict, const char *out)
{
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	const char *in[1] = { jsonl };
	const char *dicts[1] = { dict };
	o.output = out;
	o.inputs = in;
	o.ninputs = 1;
	o.format = NGIDX_FORMAT_JSONL;
	o.max_n = 3;
	o.threads = 1;
	o.actor_files = dicts;
	o.nactor_files = 1;
	o.window = WINDOW;
	ngidx_build_stats st;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_build(&o, &st, &e), NGIDX_OK, "build: %s", e.msg);
	ngidx_index *idx;
	cr_assert_eq(ngidx_index_open(&idx, out, NULL, &e), NGIDX_OK, "open: %s", e.msg);
	return idx;
}

static void write_dict(const char *path)
{
	sbuf b = { 0 };
	for (int a = 0; a < NACT; a++) {
		char line[64];
		snprintf(line, sizeof line, "A%d\t%s\tperson\n", a, actor_word[a]);
		sb_puts(&b, line);
	}
	write_file(path, b.p, b.len);
	free(b.p);
}

/* ---- the reference ---------------------------------------------------------- */

static time_t day_time(unsigned y, unsigned m, unsigned d)
{
	struct tm tm = { 0 };
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)m - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = 12;
	return timegm(&tm);
}

static void label_of(time_t t, int unit, char *b, size_t cap)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	switch (unit) {
	case 0: strftime(b, cap, "%Y", &tm); break;
	case 1: strftime(b, cap, "%Y-%m", &tm); break;
	case 2: strftime(b, cap, "%G-W%V", &tm); break; /* ISO 8601 week-based year and week */
	default: strftime(b, cap, "%Y-%m-%d", &tm); break;
	}
}

static unsigned last_day(unsigned y, unsigned m)
{
	/* the day before the 1st of the next month, by the C library */
	time_t t = day_time(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	return (unsigned)tm.tm_mday;
}

typedef struct rseries {
	size_t n;
	char (*label)[16];
	uint64_t *tokens, *docs;
	long *where;          /* per document: period or -1 */
	uint64_t undated, imprecise, out_of_range;
} rseries;

/* Bounds as the test gives them: "" = none. */
static void ref_series(const rcorpus *c, int unit, const char *from, const char *to, rseries *s)
{
	memset(s, 0, sizeof *s);
	uint32_t lo = 0, hi = 0; /* bounds as numbers; hi expanded */
	unsigned fy = 0, fm = 0, fd = 0, ty = 0, tm_ = 0, td = 0;
	if (*from) {
		sscanf(from, "%u-%u-%u", &fy, &fm, &fd);
		lo = fy * 10000 + fm * 100 + fd;
	}
	if (*to) {
		sscanf(to, "%u-%u-%u", &ty, &tm_, &td);
		hi = ty * 10000 + (tm_ ? tm_ : 99) * 100 + (td ? td : 99);
	}
	s->where = xrealloc(NULL, c->ndoc * sizeof *s->where);
	/* first and last day of the range */
	time_t t0 = 0, t1 = 0;
	int have0 = 0, have1 = 0;
	for (size_t i = 0; i < c->ndoc; i++) {
		uint32_t d = c->doc[i].date;
		s->where[i] = -1;
		if (!d) {
			s->undated++;
			continue;
		}
		if ((lo || hi) && (d < lo || (hi && d > hi))) {
			s->out_of_range++;
			continue;
		}
		unsigned m = d / 100 % 100, dd = d % 100;
		if ((unit >= 1 && !m) || (unit >= 2 && !dd)) {
			s->imprecise++;
			continue;
		}
		s->where[i] = 0; /* placed; period found below */
		time_t t = day_time(d / 10000, m ? m : 1, dd ? dd : 1);
		if (!have0 || t < t0)
			t0 = t, have0 = 1;
		if (!have1 || t > t1)
			t1 = t, have1 = 1;
	}
	if (*from)
		t0 = day_time(fy, fm ? fm : 1, fd ? fd : 1), have0 = 1;
	if (*to) {
		unsigned m = tm_ ? tm_ : 12;
		t1 = day_time(ty, m, td ? td : last_day(ty, m)), have1 = 1;
	}
	size_t cap = 0;
	char prev[16] = "";
	for (time_t t = t0; have0 && have1 && t <= t1; t += 86400) {
		char b[16];
		label_of(t, unit, b, sizeof b);
		if (strcmp(b, prev)) {
			GROW(s->label, cap, s->n + 1);
			memcpy(s->label[s->n++], b, 16);
			memcpy(prev, b, 16);
		}
	}
	s->tokens = xrealloc(NULL, (s->n + 1) * sizeof *s->tokens);
	s->docs = xrealloc(NULL, (s->n + 1) * sizeof *s->docs);
	memset(s->tokens, 0, (s->n + 1) * sizeof *s->tokens);
	memset(s->docs, 0, (s->n + 1) * sizeof *s->docs);
	for (size_t i = 0; i < c->ndoc; i++) {
		if (s->where[i] < 0)
			continue;
		uint32_t d = c->doc[i].date;
		unsigned m = d / 100 % 100, dd = d % 100;
		char b[16];
		label_of(day_time(d / 10000, m ? m : 1, dd ? dd : 1), unit, b, sizeof b);
		long k = -1;
		for (size_t p = 0; p < s->n && k < 0; p++)
			if (!strcmp(s->label[p], b))
				k = (long)p;
		cr_assert(k >= 0, "reference: no period %s", b);
		s->where[i] = k;
		s->tokens[k] += c->doc[i].ntok;
		s->docs[k]++;
	}
}

static void free_rseries(rseries *s)
{
	free(s->label);
	free(s->tokens);
	free(s->docs);
	free(s->where);
}

/* A target: phrase tokens, or an actor (b < 0), or a pair at a level. */
typedef struct target {
	char text[128];
	char *tok[8];
	size_t ntok;
	int a, b, level;   /* a < 0: a phrase */
} target;

/* Occurrences of @t in document @d. */
static uint64_t ref_count(const rdoc *d, const target *t)
{
	uint64_t n = 0;
	if (t->a < 0) {
		for (size_t p = 0; p + t->ntok <= d->ntok; p++) {
			size_t k = 0;
			while (k < t->ntok && !strcmp(d->tok[p + k], t->tok[k]))
				k++;
			n += k == t->ntok;
		}
		return n;
	}
	const char *wa = actor_word[t->a];
	if (t->b < 0) {
		for (size_t p = 0; p < d->ntok; p++)
			n += !strcmp(d->tok[p], wa);
		return n;
	}
	const char *wb = actor_word[t->b];
	if (t->level == NGIDX_LEVEL_WINDOW) {
		for (size_t i = 0; i < d->ntok; i++)
			for (size_t j = i + 1; j < d->ntok && j - i <= WINDOW; j++)
				n += (!strcmp(d->tok[i], wa) && !strcmp(d->tok[j], wb)) ||
				     (!strcmp(d->tok[i], wb) && !strcmp(d->tok[j], wa));
		return n;
	}
	/* doc or sentence: the units holding both */
	uint32_t nsent = d->ntok ? d->sentof[d->ntok - 1] + 1 : 0;
	for (uint32_t s = 0; s < nsent; s++) {
		int ha = 0, hb = 0;
		for (size_t p = 0; p < d->ntok; p++)
			if (t->level == NGIDX_LEVEL_DOC || d->sentof[p] == s) {
				ha |= !strcmp(d->tok[p], wa);
				hb |= !strcmp(d->tok[p], wb);
			}
		n += ha && hb;
		if (t->level == NGIDX_LEVEL_DOC)
			break;
	}
	return n;
}

/* Random targets: phrases cut from documents, absent ones, actors, pairs. */
static size_t make_targets(rng *r, const rcorpus *c, target *t, size_t cap)
{
	size_t n = 0;
	while (n < cap - 12) {
		const rdoc *d = &c->doc[rng_below(r, (uint32_t)c->ndoc)];
		size_t len = 1 + rng_below(r, 6);
		if (d->ntok < len)
			continue;
		size_t p = rng_below(r, (uint32_t)(d->ntok - len + 1));
		target *x = &t[n++];
		memset(x, 0, sizeof *x);
		x->a = x->b = -1;
		x->ntok = len;
		for (size_t k = 0; k < len; k++) {
			x->tok[k] = d->tok[p + k];
			if (k)
				strcat(x->text, " ");
			strcat(x->text, d->tok[p + k]);
		}
	}
	/* absent: a known word then an unknown one, and an unknown word */
	static char w0[] = "summit", w1[] = "zzyzx";
	target *x = &t[n++];
	memset(x, 0, sizeof *x);
	x->a = x->b = -1;
	x->ntok = 2;
	x->tok[0] = w0;
	x->tok[1] = w1;
	strcpy(x->text, "Summit ZZYZX");
	x = &t[n++];
	memset(x, 0, sizeof *x);
	x->a = x->b = -1;
	x->ntok = 1;
	x->tok[0] = w1;
	strcpy(x->text, "zzyzx");
	for (int a = 0; a < 2; a++) {
		x = &t[n++];
		memset(x, 0, sizeof *x);
		x->a = a;
		x->b = -1;
		if (a)
			snprintf(x->text, sizeof x->text, "@%s", actor_word[a]); /* by alias */
		else
			snprintf(x->text, sizeof x->text, "@A%d", a); /* by id */
	}
	for (int l = 0; l < 3; l++)
		for (int k = 0; k < 2; k++) {
			x = &t[n++];
			memset(x, 0, sizeof *x);
			x->a = k;
			x->b = k + 2 - l % 2;
			x->level = l;
			snprintf(x->text, sizeof x->text, "@A%d+@A%d", x->a, x->b);
		}
	return n;
}

/* ---- tests ------------------------------------------------------------------ */

static void check_one(const ngidx_index *idx, const rcorpus *c, int unit, const char *from,
                      const char *to, const target *t, size_t nt, const char *ctx)
{
	ngidx_filter f;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_filter_dates(&f, *from ? from : NULL, *to ? to : NULL, &e), NGIDX_OK);
	ngidx_series *s;
	cr_assert_eq(ngidx_series_create(idx, (ngidx_period_unit)unit, &f, &s, &e), NGIDX_OK,
	             "%s: %s", ctx, e.msg);
	rseries r;
	ref_series(c, unit, from, to, &r);
	ngidx_series_summary sum;
	ngidx_series_get_summary(s, &sum);
	cr_assert_eq(ngidx_series_periods(s), r.n, "%s: %zu periods, reference %zu (%s..%s)", ctx,
	             ngidx_series_periods(s), r.n, r.n ? r.label[0] : "", r.n ? r.label[r.n - 1] : "");
	cr_assert_eq(sum.undated, r.undated, "%s: undated", ctx);
	cr_assert_eq(sum.imprecise, r.imprecise, "%s: imprecise", ctx);
	cr_assert_eq(sum.out_of_range, r.out_of_range, "%s: out of range", ctx);
	uint64_t placed = 0;
	for (size_t i = 0; i < r.n; i++) {
		ngidx_period p;
		cr_assert_eq(ngidx_series_period(s, i, &p, &e), NGIDX_OK);
		cr_assert_str_eq(p.label, r.label[i], "%s: period %zu", ctx, i);
		cr_assert_eq(p.tokens, r.tokens[i], "%s: %s tokens %llu, reference %llu", ctx, p.label,
		             (unsigned long long)p.tokens, (unsigned long long)r.tokens[i]);
		cr_assert_eq(p.documents, r.docs[i], "%s: %s documents", ctx, p.label);
		placed += r.docs[i];
	}
	cr_assert_eq(sum.documents, placed, "%s: placed documents", ctx);
	ngidx_period past;
	cr_assert_eq(ngidx_series_period(s, r.n, &past, NULL), NGIDX_ERR_RANGE);
	uint64_t *occ = xrealloc(NULL, (r.n + 1) * sizeof *occ);
	uint64_t *docs = xrealloc(NULL, (r.n + 1) * sizeof *docs);
	uint64_t *ro = xrealloc(NULL, (r.n + 1) * sizeof *ro);
	uint64_t *rd = xrealloc(NULL, (r.n + 1) * sizeof *rd);
	for (size_t j = 0; j < nt; j++) {
		cr_assert_eq(ngidx_series_target(s, t[j].text, strlen(t[j].text),
		                                 (ngidx_level)t[j].level, occ, docs, &e),
		             NGIDX_OK, "%s: %s: %s", ctx, t[j].text, e.msg);
		memset(ro, 0, (r.n + 1) * sizeof *ro);
		memset(rd, 0, (r.n + 1) * sizeof *rd);
		for (size_t i = 0; i < c->ndoc; i++) {
			if (r.where[i] < 0)
				continue;
			uint64_t k = ref_count(&c->doc[i], &t[j]);
			ro[r.where[i]] += k;
			rd[r.where[i]] += k > 0;
		}
		for (size_t i = 0; i < r.n; i++) {
			CHECK(occ[i] == ro[i], "%s: '%s' level %d in %s: %llu occurrences, reference %llu",
			      ctx, t[j].text, t[j].level, r.label[i], (unsigned long long)occ[i],
			      (unsigned long long)ro[i]);
			CHECK(docs[i] == rd[i], "%s: '%s' level %d in %s: %llu documents, reference %llu",
			      ctx, t[j].text, t[j].level, r.label[i], (unsigned long long)docs[i],
			      (unsigned long long)rd[i]);
		}
	}
	free(occ);
	free(docs);
	free(ro);
	free(rd);
	free_rseries(&r);
	ngidx_series_free(s);
}

Test(series, random_corpora, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	rng r = { test_seed("random_corpora") };
	write_dict(tp("d.tsv"));
	static const char *const bounds[][2] = {
		{ "", "" }, { "2017", "" }, { "", "2018-02" }, { "2016-11-15", "2018-03-04" },
		{ "2017-05", "2017-06" }, { "2015-12-29", "2016-01-05" }, { "2019-06", "2019-01" },
	};
	for (int round = 0; round < 3; round++) {
		rcorpus c;
		gen_corpus(&r, 150 + rng_below(&r, 250), tp("c.jsonl"), &c);
		ngidx_index *idx = build_open(tp("c.jsonl"), tp("d.tsv"), tp("c.ngx"));
		/* the analyzer's tokens are the index's */
		for (size_t i = 0; i < c.ndoc; i++) {
			ngidx_doc d;
			cr_assert_eq(ngidx_doc_get(idx, (uint32_t)i, &d, NULL), NGIDX_OK);
			cr_assert_eq(d.tokens, c.doc[i].ntok);
			cr_assert_eq(d.date, c.doc[i].date);
		}
		target t[48];
		size_t nt = make_targets(&r, &c, t, 48);
		for (int unit = 0; unit < 4; unit++)
			for (size_t b = 0; b < sizeof bounds / sizeof *bounds; b++) {
				char ctx[128];
				snprintf(ctx, sizeof ctx, "round %d, --by %s, from '%s' to '%s'", round,
				         ngidx_period_unit_name((ngidx_period_unit)unit), bounds[b][0],
				         bounds[b][1]);
				check_one(idx, &c, unit, bounds[b][0], bounds[b][1], t, nt, ctx);
			}
		ngidx_index_free(idx);
		free_corpus(&c);
	}
}

/* DP and the share of periods against the sum over every document. */
Test(series, dispersion, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120)
{
	rng r = { test_seed("dispersion") };
	write_dict(tp("d.tsv"));
	rcorpus c;
	gen_corpus(&r, 300, tp("c.jsonl"), &c);
	ngidx_index *idx = build_open(tp("c.jsonl"), tp("d.tsv"), tp("c.ngx"));
	target t[40];
	size_t nt = make_targets(&r, &c, t, 40);
	uint64_t T = 0;
	for (size_t i = 0; i < c.ndoc; i++)
		T += c.doc[i].ntok;
	for (int unit = 0; unit < 4; unit++) {
		ngidx_series *s;
		ngidx_error e = { 0 };
		cr_assert_eq(ngidx_series_create(idx, (ngidx_period_unit)unit, NULL, &s, &e), NGIDX_OK);
		rseries rs;
		ref_series(&c, unit, "", "", &rs);
		uint64_t nonempty = 0;
		for (size_t i = 0; i < rs.n; i++)
			nonempty += rs.docs[i] > 0;
		for (size_t j = 0; j < nt; j++) {
			if (t[j].a >= 0 && (t[j].b >= 0 || t[j].text[1] != 'A'))
				continue; /* phrases and "@A0" (an actor by id) only */
			ngidx_dispersion d;
			cr_assert_eq(ngidx_series_dispersion(s, t[j].text, strlen(t[j].text), &d, &e),
			             NGIDX_OK, "%s", e.msg);
			uint64_t F = 0, docs = 0;
			unsigned char *seen = xrealloc(NULL, rs.n + 1);
			memset(seen, 0, rs.n + 1);
			for (size_t i = 0; i < c.ndoc; i++) {
				uint64_t k = ref_count(&c.doc[i], &t[j]);
				F += k;
				docs += k > 0;
				if (k && rs.where[i] >= 0)
					seen[rs.where[i]] = 1;
			}
			uint64_t with = 0;
			for (size_t i = 0; i < rs.n; i++)
				with += seen[i];
			free(seen);
			cr_assert_eq(d.occurrences, F, "'%s'", t[j].text);
			cr_assert_eq(d.documents, docs, "'%s'", t[j].text);
			cr_assert_eq(d.periods_with, with, "'%s' %d", t[j].text, unit);
			cr_assert_eq(d.periods_nonempty, nonempty);
			cr_assert_float_eq(d.periods, (double)with / (double)nonempty, 1e-12);
			if (!F) {
				cr_assert(isnan(d.dp), "'%s': dp of an absent phrase", t[j].text);
				continue;
			}
			double dp = 0;
			for (size_t i = 0; i < c.ndoc; i++)
				dp += fabs((double)ref_count(&c.doc[i], &t[j]) / (double)F -
				           (double)c.doc[i].ntok / (double)T);
			dp /= 2;
			cr_assert(fabs(d.dp - dp) < 1e-9, "'%s': dp %.12g, reference %.12g", t[j].text,
			          d.dp, dp);
			cr_assert(d.dp >= 0 && d.dp <= 1);
		}
		free_rseries(&rs);
		ngidx_series_free(s);
	}
	ngidx_index_free(idx);
	free_corpus(&c);
}

/* DP of known layouts: spread exactly as the text, and all in one document. */
Test(series, dispersion_known, .init = fixture_setup, .fini = fixture_teardown)
{
	/* four documents of 4 tokens; "x" once in each: DP = 0; "y" only in
	 * the first (twice): DP = 1/2 (|1 - 1/4| + 3 * 1/4) = 3/4 */
	const char *j = "{\"date\":\"2019\",\"text\":\"x y y a\"}\n"
	                "{\"date\":\"2020\",\"text\":\"x a a a\"}\n"
	                "{\"text\":\"x a a a\"}\n"
	                "{\"date\":\"2022-05\",\"text\":\"x a a a\"}\n";
	write_file(tp("k.jsonl"), j, strlen(j));
	write_dict(tp("d.tsv"));
	ngidx_index *idx = build_open(tp("k.jsonl"), tp("d.tsv"), tp("k.ngx"));
	ngidx_series *s;
	cr_assert_eq(ngidx_series_create(idx, NGIDX_BY_YEAR, NULL, &s, NULL), NGIDX_OK);
	cr_assert_eq(ngidx_series_periods(s), 4); /* 2019..2022, 2021 empty */
	ngidx_dispersion d;
	cr_assert_eq(ngidx_series_dispersion(s, "x", 1, &d, NULL), NGIDX_OK);
	cr_assert(fabs(d.dp) < 1e-12, "dp %g", d.dp);
	cr_assert_eq(d.periods_with, 3);
	cr_assert_eq(d.periods_nonempty, 3);
	cr_assert_eq(ngidx_series_dispersion(s, "y y", 3, &d, NULL), NGIDX_OK);
	cr_assert(fabs(d.dp - 0.75) < 1e-12, "dp %g", d.dp);
	cr_assert_float_eq(d.periods, 1.0 / 3, 1e-12);
	ngidx_series_free(s);
	ngidx_index_free(idx);
}

/* ISO weeks at year ends, and dates too coarse for the unit. */
Test(series, calendar, .init = fixture_setup, .fini = fixture_teardown)
{
	const char *j = "{\"date\":\"2018-12-31\",\"text\":\"w\"}\n"   /* Monday of 2019-W01 */
	                "{\"date\":\"2019-12-30\",\"text\":\"w w\"}\n" /* 2020-W01 */
	                "{\"date\":\"2021-01-03\",\"text\":\"w\"}\n"   /* Sunday of 2020-W53 */
	                "{\"date\":\"2020\",\"text\":\"w\"}\n"
	                "{\"date\":\"2020-02\",\"text\":\"w\"}\n"
	                "{\"text\":\"w\"}\n";
	write_file(tp("k.jsonl"), j, strlen(j));
	write_dict(tp("d.tsv"));
	ngidx_index *idx = build_open(tp("k.jsonl"), tp("d.tsv"), tp("k.ngx"));
	ngidx_series *s;
	ngidx_series_summary sum;
	cr_assert_eq(ngidx_series_create(idx, NGIDX_BY_WEEK, NULL, &s, NULL), NGIDX_OK);
	ngidx_series_get_summary(s, &sum);
	cr_assert_eq(sum.undated, 1);
	cr_assert_eq(sum.imprecise, 2);
	cr_assert_eq(sum.documents, 3);
	/* 2019-W01 .. 2020-W53: 52 weeks of 2019 and 53 of 2020 */
	cr_assert_eq(ngidx_series_periods(s), 105);
	ngidx_period p;
	cr_assert_eq(ngidx_series_period(s, 0, &p, NULL), NGIDX_OK);
	cr_assert_str_eq(p.label, "2019-W01");
	cr_assert_eq(p.start, 20181231);
	cr_assert_eq(ngidx_series_period(s, 52, &p, NULL), NGIDX_OK);
	cr_assert_str_eq(p.label, "2020-W01");
	cr_assert_eq(p.tokens, 2);
	cr_assert_eq(ngidx_series_period(s, 104, &p, NULL), NGIDX_OK);
	cr_assert_str_eq(p.label, "2020-W53");
	cr_assert_eq(p.start, 20201228);
	ngidx_series_free(s);
	cr_assert_eq(ngidx_series_create(idx, NGIDX_BY_MONTH, NULL, &s, NULL), NGIDX_OK);
	ngidx_series_get_summary(s, &sum);
	cr_assert_eq(sum.imprecise, 1); /* "2020" has no month; "2020-02" is placed */
	cr_assert_eq(ngidx_series_periods(s), 26); /* 2018-12 .. 2021-01 */
	ngidx_series_free(s);
	cr_assert_eq(ngidx_series_create(idx, NGIDX_BY_YEAR, NULL, &s, NULL), NGIDX_OK);
	ngidx_series_get_summary(s, &sum);
	cr_assert_eq(sum.imprecise, 0);
	cr_assert_eq(ngidx_series_periods(s), 4);
	/* errors name the target */
	ngidx_error e = { 0 };
	uint64_t o[4];
	cr_assert_eq(ngidx_series_target(s, "@nobody", 7, NGIDX_LEVEL_DOC, o, NULL, &e), NGIDX_ERR_ARG);
	cr_assert(strstr(e.msg, "nobody"), "%s", e.msg);
	cr_assert_eq(ngidx_series_target(s, "@A1+@beta", 9, NGIDX_LEVEL_DOC, o, NULL, &e),
	             NGIDX_ERR_ARG);
	ngidx_series_free(s);
	ngidx_index_free(idx);
}

/* The moving average against a direct mean over the cut window. */
Test(series, smoothing)
{
	rng r = { test_seed("smoothing") };
	for (int round = 0; round < 2000; round++) {
		size_t n = rng_below(&r, 40);
		unsigned k = rng_below(&r, 12);
		double in[40], out[40];
		for (size_t i = 0; i < n; i++)
			in[i] = rng_below(&r, 3) == 0 ? 0 : rng_unit(&r) * (rng_below(&r, 2) ? 1e6 : 3);
		ngidx_series_smooth(in, out, n, k);
		for (size_t i = 0; i < n; i++) {
			size_t a = i > k ? i - k : 0, b = i + k + 1 < n ? i + k + 1 : n;
			double sum = 0;
			int nz = 0;
			for (size_t j = a; j < b; j++)
				sum += in[j], nz |= in[j] != 0;
			double want = sum / (double)(b - a);
			CHECK(fabs(out[i] - want) <= 1e-9 * (1 + want), "n=%zu k=%u i=%zu: %.17g vs %.17g",
			      n, k, i, out[i], want);
			CHECK(nz || out[i] == 0, "n=%zu k=%u i=%zu: all-zero window gives %.17g", n, k, i,
			      out[i]);
		}
	}
	/* known answers: edges average what exists */
	const double in[5] = { 3, 0, 0, 6, 3 };
	double out[5];
	ngidx_series_smooth(in, out, 5, 1);
	const double want[5] = { 1.5, 1, 2, 3, 4.5 };
	for (int i = 0; i < 5; i++)
		cr_assert_float_eq(out[i], want[i], 1e-12, "i=%d: %g", i, out[i]);
	ngidx_series_smooth(in, out, 5, 0);
	cr_assert(!memcmp(in, out, sizeof in));
}
