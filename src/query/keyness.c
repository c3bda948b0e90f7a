/*
 * keyness.c - document subsets of an index, and keyness between two of
 * them (or between two indexes).
 *
 * A subset is a bitmap over document ids, made in one pass over the
 * document table (dates are in the table; metadata in DOCSTR), with its
 * document and token counts. Keyness walks the postings of every n-gram of
 * the wanted length once, summing its occurrences inside the target and
 * inside the reference, and scores the 2x2 table (occurrences of the
 * n-gram / other tokens, target / reference) with the measures of
 * measures.h: O11 = target occurrences, R1 = target tokens, C1 = both
 * sides' occurrences, N = both sides' tokens. Signed G2 is then positive
 * when the n-gram is relatively more frequent in the target, and the
 * measures' Log Ratio is log2((a / T1) / (b / T2)) with Hardie's 0.5 for a
 * zero count.
 */
#include "ngidx/keyness.h"
#include "ngidx/actors.h"
#include "ngidx/measures.h"
#include "common/err.h"
#include "common/mem.h"
#include "format/idx_format.h"
#include "format/idx_reader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ngidx_subset {
	const ngidx_index *idx;
	uint64_t *bits;
	uint32_t ndocs;          /* of the index */
	uint64_t docs, tokens;   /* in the subset */
};

/* ---- subsets ------------------------------------------------------------- */

typedef struct cond {
	int is_date;
	ngidx_filter f;          /* is_date */
	const char *key, *val;   /* metadata */
	size_t klen, vlen;
} cond;

/* Parse "D", "D1..D2", "D1..", "..D2" into @f. */
static int parse_dates(const char *v, size_t n, ngidx_filter *f, ngidx_error *err)
{
	char lo[32] = "", hi[32] = "";
	const char *dots = NULL;
	for (size_t i = 0; i + 1 < n; i++)
		if (v[i] == '.' && v[i + 1] == '.') {
			dots = v + i;
			break;
		}
	size_t ln = dots ? (size_t)(dots - v) : n, hn = dots ? n - ln - 2 : n;
	const char *hs = dots ? dots + 2 : v;
	if (ln >= sizeof lo || hn >= sizeof hi || (dots && !ln && !hn) || (!dots && !n))
		return ngidx_err_set(err, NGIDX_ERR_ARG, "bad date range '%.*s'", (int)n, v);
	memcpy(lo, v, ln);
	memcpy(hi, hs, hn);
	return ngidx_filter_dates(f, ln ? lo : NULL, hn ? hi : NULL, err);
}

static int parse_spec(const char *spec, cond **out, size_t *n, ngidx_error *err)
{
	size_t cap = 1;
	for (const char *p = spec; *p; p++)
		cap += *p == ',';
	cond *c = ngidx_calloc(cap, sizeof *c);
	if (!c)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	size_t k = 0;
	const char *p = spec;
	int rc = NGIDX_OK;
	while (*p && !rc) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		if (len == 1 && *p == '*') {
			/* every document */
		} else if (!eq || eq == p) {
			rc = ngidx_err_set(err, NGIDX_ERR_ARG,
			                   "'%.*s' is not a condition (date=D, date=D1..D2 or FIELD=VALUE)",
			                   (int)len, p);
		} else if ((size_t)(eq - p) == 4 && !memcmp(p, "date", 4)) {
			c[k].is_date = 1;
			rc = parse_dates(eq + 1, len - 5, &c[k++].f, err);
		} else {
			c[k].key = p;
			c[k].klen = (size_t)(eq - p);
			c[k].val = eq + 1;
			c[k].vlen = len - c[k].klen - 1;
			k++;
		}
		p += len + (e ? 1 : 0);
	}
	if (rc) {
		ngidx_free(c);
		return rc;
	}
	*out = c;
	*n = k;
	return NGIDX_OK;
}

/* 1 if document @d satisfies @c, 0 if not, -code. */
static int satisfies(const ngidx_doc *d, const cond *c)
{
	if (c->is_date)
		return d->date && d->date >= c->f.from && (!c->f.to || d->date <= c->f.to);
	size_t pos = 0, kl, vl;
	const char *k, *v;
	int is_str, r;
	while ((r = ngidx_doc_meta_next(d, &pos, &k, &kl, &v, &vl, &is_str)) == 1)
		if (kl == c->klen && vl == c->vlen && !memcmp(k, c->key, kl) && !memcmp(v, c->val, vl))
			return 1;
	return r < 0 ? r : 0;
}

static ngidx_subset *subset_new(const ngidx_index *idx)
{
	ngidx_index_info in;
	ngidx_index_get_info(idx, &in);
	ngidx_subset *s = ngidx_calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->idx = idx;
	s->ndocs = (uint32_t)in.docs;
	s->bits = ngidx_calloc((size_t)(in.docs / 64 + 1), sizeof *s->bits);
	if (!s->bits) {
		ngidx_free(s);
		return NULL;
	}
	return s;
}

int ngidx_subset_parse(const ngidx_index *idx, const char *spec, ngidx_subset **out,
                       ngidx_error *err)
{
	*out = NULL;
	cond *c = NULL;
	size_t nc = 0;
	FORWARD_IF_ERROR(parse_spec(spec ? spec : "", &c, &nc, err));
	ngidx_subset *s = subset_new(idx);
	if (!s) {
		ngidx_free(c);
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	}
	int rc = NGIDX_OK;
	for (uint32_t id = 0; id < s->ndocs && !rc; id++) {
		ngidx_doc d;
		if ((rc = ngidx_doc_get(idx, id, &d, err)))
			break;
		int in = 1;
		for (size_t i = 0; i < nc && in > 0; i++)
			in = satisfies(&d, &c[i]);
		if (in < 0) {
			rc = ERR_CORRUPT(err, "document %u: bad metadata", id);
		} else if (in) {
			s->bits[id / 64] |= 1ull << (id % 64);
			s->docs++;
			s->tokens += d.tokens;
		}
	}
	ngidx_free(c);
	if (rc) {
		ngidx_subset_free(s);
		return rc;
	}
	*out = s;
	return NGIDX_OK;
}

int ngidx_subset_complement(const ngidx_subset *s, ngidx_subset **out, ngidx_error *err)
{
	*out = NULL;
	ngidx_subset *c = subset_new(s->idx);
	if (!c)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	ngidx_index_info in;
	ngidx_index_get_info(s->idx, &in);
	for (size_t w = 0; w <= s->ndocs / 64; w++)
		c->bits[w] = ~s->bits[w];
	if (s->ndocs % 64)
		c->bits[s->ndocs / 64] &= (1ull << (s->ndocs % 64)) - 1;
	else
		c->bits[s->ndocs / 64] = 0;
	c->docs = s->ndocs - s->docs;
	c->tokens = in.tokens - s->tokens;
	*out = c;
	return NGIDX_OK;
}

int ngidx_subset_has(const ngidx_subset *s, uint32_t doc)
{
	return doc < s->ndocs && (s->bits[doc / 64] >> (doc % 64) & 1);
}

uint64_t ngidx_subset_docs(const ngidx_subset *s) { return s->docs; }
uint64_t ngidx_subset_tokens(const ngidx_subset *s) { return s->tokens; }

void ngidx_subset_free(ngidx_subset *s)
{
	if (!s)
		return;
	ngidx_free(s->bits);
	ngidx_free(s);
}

/* ---- keyness --------------------------------------------------------------- */

void ngidx_keyness_opts_init(ngidx_keyness_opts *o)
{
	memset(o, 0, sizeof *o);
	o->n = 1;
	o->k = 20;
	o->min_count = 5;
	o->alpha = 0.05;
}

/* Occurrences of term @id of @idx inside @s (all of them when NULL). */
static int occurrences(const ngidx_index *idx, uint64_t id, uint64_t cf, const ngidx_subset *s,
                       uint64_t *out, ngidx_error *err)
{
	if (!s) {
		*out = cf;
		return NGIDX_OK;
	}
	ngidx_postings *p;
	FORWARD_IF_ERROR(ngidx_postings_open(idx, id, &p, err));
	uint64_t sum = 0;
	int r;
	while ((r = ngidx_postings_next(p, err)) == 1)
		if (ngidx_subset_has(s, ngidx_postings_doc(p)))
			sum += ngidx_postings_tf(p);
	ngidx_postings_free(p);
	*out = sum;
	return r < 0 ? -r : NGIDX_OK;
}

typedef struct rows {
	ngidx_key_row *v;
	size_t n, cap;
} rows;

static int push(rows *r, const ngidx_term *t, uint64_t a, uint64_t b, uint64_t T1, uint64_t T2)
{
	if (NGIDX_RESERVE(r->v, r->cap, r->n + 1))
		return NGIDX_ERR_NOMEM;
	ngidx_cell c = { a, T1, a + b, T1 + T2, 1.0 };
	ngidx_key_row *x = &r->v[r->n++];
	x->ngram = t->text;
	x->len = t->text_len;
	x->n = t->n;
	x->target = a;
	x->reference = b;
	x->ll = ngidx_measure_value(&c, NGIDX_M_LL);
	x->logratio = ngidx_measure_value(&c, NGIDX_M_LOGRATIO);
	return NGIDX_OK;
}

static double strength(const ngidx_key_row *x, int by_lr)
{
	double v = by_lr ? x->logratio : x->ll;
	return isnan(v) ? -1.0 : fabs(v);
}

static int cmp_rows(const void *p, const void *q, void *ctx)
{
	const ngidx_key_row *a = p, *b = q;
	int by_lr = *(const int *)ctx;
	int sa = a->ll > 0, sb = b->ll > 0; /* target side first */
	if (sa != sb)
		return sb - sa;
	double x = strength(a, by_lr), y = strength(b, by_lr);
	if (x != y)
		return x > y ? -1 : 1;
	size_t m = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->ngram, b->ngram, m);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* The chi-square (1 df) value whose upper tail is @p: erfc(sqrt(x/2)) = p. */
static double chi2_critical(double p)
{
	double lo = 0, hi = 2000;
	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;
		if (erfc(sqrt(mid / 2)) > p)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/* Walk every n-gram of @x of length o->n: a = occurrences in @sx; b from
 * the other side (@y, @sy), by lookup when @y is another index. With
 * @only_absent, only the n-grams of @x absent from @y count, and they go
 * in as reference-only rows (a and b swapped). */
static int walk(const ngidx_index *x, const ngidx_subset *sx, const ngidx_index *y,
                const ngidx_subset *sy, int only_absent, const ngidx_keyness_opts *o,
                uint64_t T1, uint64_t T2, rows *out, uint64_t *tested, ngidx_error *err)
{
	int same = x == y;
	idx_term_rec blk[NGX_LEX_BLOCK];
	int cnt = 0, i = 0;
	for (uint64_t id = 0; id < x->nterms; id++, i++) {
		/* the lexicon a block at a time: one decode per 16 terms */
		if (i == cnt) {
			if ((cnt = idx_lex_block(x, id / NGX_LEX_BLOCK, blk)) <= 0)
				return ERR_CORRUPT(err, "section lexicon: block %llu is corrupt",
				                   (unsigned long long)(id / NGX_LEX_BLOCK));
			i = 0;
		}
		ngidx_term t = { id, blk[i].cf, (uint32_t)blk[i].df, 0, idx_rec_text(x, &blk[i]),
		                 (size_t)blk[i].text_len };
		if (ngx_is_actor_term(t.text, t.text_len) || (t.n = idx_text_n(t.text, t.text_len)) != o->n)
			continue;
		uint64_t a, b = 0;
		ngidx_term u;
		int f = same ? 1 : ngidx_term_find(y, t.text, t.text_len, &u);
		if (f < 0)
			return ERR_CORRUPT(err, "section lexdata: lookup failed");
		if (only_absent && f)
			continue;
		if (same && t.cf < o->min_count)
			continue; /* a + b <= cf */
		if (same && !sy) {
			FORWARD_IF_ERROR(occurrences(x, id, t.cf, sx, &a, err));
			b = t.cf - a;
		} else if (same) {
			ngidx_postings *p;
			FORWARD_IF_ERROR(ngidx_postings_open(x, id, &p, err));
			int r;
			a = 0;
			while ((r = ngidx_postings_next(p, err)) == 1) {
				uint32_t d = ngidx_postings_doc(p);
				if (ngidx_subset_has(sx, d))
					a += ngidx_postings_tf(p);
				else if (ngidx_subset_has(sy, d))
					b += ngidx_postings_tf(p);
			}
			ngidx_postings_free(p);
			if (r < 0)
				return -r;
		} else {
			FORWARD_IF_ERROR(occurrences(x, id, t.cf, sx, &a, err));
			if (f)
				FORWARD_IF_ERROR(occurrences(y, u.id, u.cf, sy, &b, err));
		}
		if (a + b < o->min_count || a + b == 0)
			continue;
		(*tested)++;
		int rc = only_absent ? push(out, &t, 0, a, T1, T2) : push(out, &t, a, b, T1, T2);
		if (rc)
			return ngidx_err_set(err, rc, "out of memory");
	}
	return NGIDX_OK;
}

int ngidx_keyness(const ngidx_index *idx, const ngidx_subset *target, const ngidx_index *ref_idx,
                  const ngidx_subset *reference, const ngidx_keyness_opts *o,
                  ngidx_keyness_result *r, ngidx_error *err)
{
	ngidx_keyness_opts def;
	if (!o) {
		ngidx_keyness_opts_init(&def);
		o = &def;
	}
	memset(r, 0, sizeof *r);
	if (!ref_idx)
		ref_idx = idx;
	ngidx_index_info a, b;
	ngidx_index_get_info(idx, &a);
	ngidx_index_get_info(ref_idx, &b);
	RETURN_ERROR_IF(o->n < 1 || o->n > a.max_n || o->n > b.max_n, err, NGIDX_ERR_ARG,
	                "n must be between 1 and the indexes' max n (%u)",
	                a.max_n < b.max_n ? a.max_n : b.max_n);
	RETURN_ERROR_IF(!(o->alpha > 0 && o->alpha < 1), err, NGIDX_ERR_ARG,
	                "alpha must be between 0 and 1");
	uint64_t T1 = target ? ngidx_subset_tokens(target) : a.tokens;
	uint64_t T2 = reference ? ngidx_subset_tokens(reference)
	              : ref_idx == idx ? a.tokens - T1 : b.tokens;
	rows out = { 0 };
	int rc = walk(idx, target, ref_idx, reference, 0, o, T1, T2, &out, &r->tested, err);
	if (!rc && ref_idx != idx) /* n-grams of the reference only */
		rc = walk(ref_idx, reference, idx, target, 1, o, T1, T2, &out, &r->tested, err);
	if (rc) {
		ngidx_free(out.v);
		return rc;
	}
	r->target_tokens = T1;
	r->reference_tokens = T2;
	r->threshold = r->tested ? chi2_critical(o->alpha / (double)r->tested) : 0;
	int by_lr = o->by_logratio;
	qsort_r(out.v, out.n, sizeof *out.v, cmp_rows, &by_lr);
	/* keep k of each side, in place */
	size_t nt = 0, nr = 0, k = 0;
	for (size_t i = 0; i < out.n; i++) {
		ngidx_key_row *x = &out.v[i];
		if (!(x->ll > 0) && !(x->ll < 0))
			continue; /* no difference, or undefined */
		if (x->ll > 0 ? nt++ >= o->k : nr++ >= o->k)
			continue;
		x->significant = fabs(x->ll) > r->threshold;
		out.v[k++] = *x;
	}
	r->rows = out.v;
	r->nrows = k;
	r->ntarget = nt < o->k ? nt : o->k;
	return NGIDX_OK;
}

void ngidx_keyness_result_release(ngidx_keyness_result *r)
{
	ngidx_free(r->rows);
	memset(r, 0, sizeof *r);
}
