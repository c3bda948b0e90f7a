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
 *
 * With actors the items are the actors of the table instead of the
 * lexicon's n-grams, each counted from its mention term ("\x01A"), whose
 * tf in a document is the actor's mentions there; everything after the
 * counts (table, measures, order, threshold) is shared. Across two indexes
 * actors are matched by id, since their numbers depend on each
 * dictionary.
 *
 * Counting a term inside a subset walks its postings and, at a document
 * outside the subset, asks the bitmap for the next member and seeks to it
 * when it is more than SEEK_GAP documents ahead (closer, a step is cheaper
 * than the seek's binary search of the skip table): a block whose
 * documents all fall in such a gap is never decoded.
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
	uint64_t docs;           /* in the subset (its tokens are summed when
	                            asked: a count needs none, and the sum reads
	                            the document table at every member) */
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

/* Add document @id to @s. */
static void subset_add(ngidx_subset *s, uint32_t id)
{
	s->bits[id / 64] |= 1ull << (id % 64);
	s->docs++;
}

/*
 * Conditions on dates only: the documents dated in [from, to] (to 0: no
 * end) are a slice of the DATES section, found by binary search, so the
 * cost is that of the documents selected, not of the corpus. Without the
 * section (older indexes), a pass over the dates of the document table.
 */
static void subset_dates(ngidx_subset *s, const ngidx_index *idx, uint32_t from, uint32_t to)
{
	if (!idx->dates) {
		for (uint32_t id = 0; id < s->ndocs; id++) {
			uint32_t d = idx->docs[id].date;
			if (d && d >= from && (!to || d <= to))
				subset_add(s, id);
		}
		return;
	}
	size_t lo = 0, hi = (size_t)idx->ndates;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (idx->dates[mid].date < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < idx->ndates && (!to || idx->dates[i].date <= to); i++)
		if (idx->dates[i].doc < s->ndocs && !ngidx_subset_has(s, idx->dates[i].doc))
			subset_add(s, idx->dates[i].doc); /* (has: a corrupt list may repeat) */
}

/*
 * The documents with metadata @c (FIELD=VALUE) into @bits, from the FIELDS
 * section. @return 1 (done), 0 (the section cannot tell: scan), or -code.
 */
static int field_bits(const ngidx_index *idx, const cond *c, uint64_t *bits, size_t nwords,
                      ngidx_error *err)
{
	const struct ngx_field_group *g;
	if (idx_field_docs(idx, c->key, c->klen, c->val, c->vlen, &g))
		return 0;
	memset(bits, 0, nwords * sizeof *bits);
	if (!g)
		return 1;
	const unsigned char *p = idx->flists + g->off, *end = idx->flists + idx->flists_len;
	uint64_t doc = 0;
	for (uint32_t i = 0; i < g->count; i++) {
		uint64_t gap;
		if (ngidx_varint_get(&p, end, &gap) || (i && !gap) || (doc += gap) >= idx->ndocs)
			return -ERR_CORRUPT(err, "section fields: a list is corrupt");
		bits[doc / 64] |= 1ull << (doc % 64);
	}
	/* A hash shared with a value no document has would name another
	 * value's documents: the first one tells. */
	ngidx_doc d;
	uint32_t first = UINT32_MAX;
	for (size_t w = 0; w < nwords && first == UINT32_MAX; w++)
		if (bits[w])
			first = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits[w]));
	int in = ngidx_doc_get(idx, first, &d, err) ? -NGIDX_ERR_CORRUPT : satisfies(&d, c);
	if (in < 0)
		return -ERR_CORRUPT(err, "document %u: bad metadata", first);
	if (!in)
		memset(bits, 0, nwords * sizeof *bits);
	return 1;
}

/*
 * Metadata conditions (and dates) from the FIELDS and DATES sections: the
 * intersection of the conditions' document sets, at the cost of the
 * documents listed. @return 1 (done), 0 (a condition needs the scan), or
 * -code.
 */
static int subset_indexed(ngidx_subset *s, const ngidx_index *idx, const cond *c, size_t nc,
                          uint32_t from, uint32_t to, ngidx_error *err)
{
	size_t nw = (size_t)s->ndocs / 64 + 1;
	uint64_t *tmp = NULL, *acc = NULL;
	int first = 1, r = 1;
	for (size_t i = 0; i < nc && r == 1; i++) {
		if (c[i].is_date)
			continue;
		if (!tmp && (!(tmp = ngidx_malloc(nw * 8)) || !(acc = ngidx_malloc(nw * 8)))) {
			r = -ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			break;
		}
		r = field_bits(idx, &c[i], first ? acc : tmp, nw, err);
		for (size_t w = 0; r == 1 && !first && w < nw; w++)
			acc[w] &= tmp[w];
		first = 0;
	}
	for (size_t w = 0; r == 1 && w < nw; w++) {
		for (uint64_t v = acc[w]; v; v &= v - 1) {
			uint32_t id = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(v));
			uint32_t d = from || to ? idx->docs[id].date : 0;
			if (!(from || to) || (d && d >= from && (!to || d <= to)))
				subset_add(s, id);
		}
	}
	ngidx_free(tmp);
	ngidx_free(acc);
	return r;
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
	int rc = NGIDX_OK, dates_only = 1;
	uint32_t from = 0, to = 0;
	for (size_t i = 0; i < nc; i++) {
		dates_only &= c[i].is_date;
		if (c[i].is_date && c[i].f.from > from)
			from = c[i].f.from;
		if (c[i].is_date && c[i].f.to && (!to || c[i].f.to < to))
			to = c[i].f.to;
	}
	if (dates_only && nc) {
		if (!to || from <= to)
			subset_dates(s, idx, from, to);
		ngidx_free(c);
		*out = s;
		return NGIDX_OK;
	}
	if (nc && idx->fgroups) {
		int r = subset_indexed(s, idx, c, nc, from, to, err);
		if (r) {
			ngidx_free(c);
			if (r < 0) {
				ngidx_subset_free(s);
				return -r;
			}
			*out = s;
			return NGIDX_OK;
		}
		memset(s->bits, 0, ((size_t)s->ndocs / 64 + 1) * sizeof *s->bits);
		s->docs = 0;
	}
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
			subset_add(s, id);
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
	*out = c;
	return NGIDX_OK;
}

int ngidx_subset_has(const ngidx_subset *s, uint32_t doc)
{
	return doc < s->ndocs && (s->bits[doc / 64] >> (doc % 64) & 1);
}

uint32_t ngidx_subset_next(const ngidx_subset *s, uint32_t doc)
{
	if (doc >= s->ndocs)
		return UINT32_MAX;
	size_t w = doc / 64, nw = (size_t)s->ndocs / 64 + 1;
	uint64_t v = s->bits[w] & (~0ull << (doc % 64));
	while (!v && ++w < nw)
		v = s->bits[w];
	return v ? (uint32_t)(w * 64 + (size_t)__builtin_ctzll(v)) : UINT32_MAX;
}

uint64_t ngidx_subset_docs(const ngidx_subset *s) { return s->docs; }
uint64_t ngidx_subset_tokens(const ngidx_subset *s)
{
	uint64_t t = 0;
	for (size_t w = 0; w <= s->ndocs / 64; w++)
		for (uint64_t v = s->bits[w]; v; v &= v - 1)
			t += s->idx->docs[w * 64 + (size_t)__builtin_ctzll(v)].ntokens;
	return t;
}

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

/* Below this distance to the next member a cursor steps instead of
 * seeking: a seek costs a binary search of the skip table. */
#define SEEK_GAP 256

int ngidx_term_count_subset(const ngidx_index *idx, uint64_t id, const ngidx_subset *s,
                            uint64_t *occurrences, uint64_t *documents, ngidx_error *err)
{
	*occurrences = *documents = 0;
	ngidx_postings p;
	FORWARD_IF_ERROR(idx_postings_init(&p, idx, id, err));
	if (!s) {
		*occurrences = p.cf;
		*documents = p.df;
		return NGIDX_OK;
	}
	uint32_t next = ngidx_subset_next(s, 0);
	int r = next == UINT32_MAX ? 0 : ngidx_postings_seek(&p, next, err);
	while (r == 1) {
		uint32_t d = ngidx_postings_doc(&p);
		if (ngidx_subset_has(s, d)) {
			*occurrences += ngidx_postings_tf(&p);
			(*documents)++;
			r = ngidx_postings_next(&p, err);
			continue;
		}
		next = ngidx_subset_next(s, d);
		if (next == UINT32_MAX)
			break;
		r = next - d > SEEK_GAP ? ngidx_postings_seek(&p, next, err) : ngidx_postings_next(&p, err);
	}
	idx_postings_release(&p);
	return r < 0 ? -r : NGIDX_OK;
}

typedef struct rows {
	ngidx_key_row *v;
	size_t n, cap;
} rows;

/* Score the row whose identity (ngram, n, actor, name, type) is @id: a
 * target and b reference occurrences out of T1 and T2 tokens. */
static int push(rows *r, const ngidx_key_row *id, uint64_t a, uint64_t b, uint64_t T1, uint64_t T2)
{
	if (NGIDX_RESERVE(r->v, r->cap, r->n + 1))
		return NGIDX_ERR_NOMEM;
	ngidx_cell c = { a, T1, a + b, T1 + T2, 1.0 };
	ngidx_key_row *x = &r->v[r->n++];
	*x = *id;
	x->target = a;
	x->reference = b;
	x->ll = ngidx_measure_value(&c, NGIDX_M_LL);
	x->logratio = ngidx_measure_value(&c, NGIDX_M_LOGRATIO);
	x->significant = 0;
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

/*
 * One pass over the items (n-grams or actors) of @x. For each, a counts
 * it in @sx and b in the other side: @y (the same index or another one)
 * within @sy. With @only_absent, only the items of @x absent from @y
 * count, and they go in as reference-only rows (a and b swapped).
 */
typedef struct walk_ctx {
	const ngidx_index *x, *y;
	const ngidx_subset *sx, *sy;
	int only_absent;
	const ngidx_keyness_opts *o;
	uint64_t T1, T2;
	rows *out;
	uint64_t tested;
} walk_ctx;

/* Occurrences of term @id inside @s1 and, for the other documents, inside
 * @s2 (one index, one walk). */
static int count_both(const ngidx_index *x, uint64_t id, const ngidx_subset *s1,
                      const ngidx_subset *s2, uint64_t *a, uint64_t *b, ngidx_error *err)
{
	ngidx_postings p;
	FORWARD_IF_ERROR(idx_postings_init(&p, x, id, err));
	int r;
	while ((r = ngidx_postings_next(&p, err)) == 1) {
		uint32_t d = ngidx_postings_doc(&p);
		if (ngidx_subset_has(s1, d))
			*a += ngidx_postings_tf(&p);
		else if (ngidx_subset_has(s2, d))
			*b += ngidx_postings_tf(&p);
	}
	idx_postings_release(&p);
	return r < 0 ? -r : NGIDX_OK;
}

/* a and b of an item: @t its term in x, @u in y (either NULL: absent);
 * @yb, if not NULL, is b already counted. */
static int counts(const walk_ctx *c, const ngidx_term *t, const ngidx_term *u, const uint64_t *yb,
                  uint64_t *a, uint64_t *b, ngidx_error *err)
{
	uint64_t docs;
	*a = *b = 0;
	if (c->x == c->y && c->sy)
		return t ? count_both(c->x, t->id, c->sx, c->sy, a, b, err) : NGIDX_OK;
	if (t)
		FORWARD_IF_ERROR(ngidx_term_count_subset(c->x, t->id, c->sx, a, &docs, err));
	if (c->x == c->y) {
		*b = t ? t->cf - *a : 0; /* the reference is the rest */
		return NGIDX_OK;
	}
	if (yb)
		*b = *yb;
	return u ? ngidx_term_count_subset(c->y, u->id, c->sy, b, &docs, err) : NGIDX_OK;
}

/* Count and score one item whose row identity is @id; @in_y: the other
 * side's lexicon has the item (for only_absent); @yb as for counts. */
static int compare(walk_ctx *c, const ngidx_term *t, const ngidx_term *u, const uint64_t *yb,
                   int in_y, const ngidx_key_row *id, ngidx_error *err)
{
	if (c->only_absent && in_y)
		return NGIDX_OK;
	if (c->x == c->y && (!t || t->cf < c->o->min_count))
		return NGIDX_OK; /* a + b <= cf */
	uint64_t a, b;
	FORWARD_IF_ERROR(counts(c, t, u, yb, &a, &b, err));
	if (a + b < c->o->min_count || a + b == 0)
		return NGIDX_OK;
	c->tested++;
	int rc = c->only_absent ? push(c->out, id, b, a, c->T1, c->T2)
	                        : push(c->out, id, a, b, c->T1, c->T2);
	return rc ? ngidx_err_set(err, rc, "out of memory") : NGIDX_OK;
}

/*
 * Every n-gram of length o->n of x. Within one index a term seen fewer than
 * min_count times cannot be compared, so when the NTERMS bitmap of that n
 * marks every term seen that often, only its terms are visited; otherwise
 * the whole lexicon is, a block at a time.
 */
static int walk_ngrams(walk_ctx *c, ngidx_error *err)
{
	const ngidx_index *x = c->x;
	int same = x == c->y;
	unsigned n = c->o->n;
	int listed = same && x->nt_lists && n <= x->max_n && c->o->min_count >= x->nt_min_cf;
	uint64_t blk_at = UINT64_MAX;
	idx_term_rec blk[NGX_LEX_BLOCK];
	int cnt = 0;
	for (uint64_t id = 0;; id++) {
		if (!listed && id >= x->nterms)
			break;
		if (listed) {
			int f = idx_nterms_next(x, n, id, &id);
			if (f < 0)
				return ERR_CORRUPT(err, "section nterms: no bitmap of n = %u", n);
			if (f == 0)
				break;
		}
		if (id / NGX_LEX_BLOCK != blk_at) {
			blk_at = id / NGX_LEX_BLOCK;
			if ((cnt = idx_lex_block(x, blk_at, blk)) <= 0)
				return ERR_CORRUPT(err, "section lexicon: block %llu is corrupt",
				                   (unsigned long long)blk_at);
		}
		const idx_term_rec *r = &blk[id % NGX_LEX_BLOCK];
		if (id % NGX_LEX_BLOCK >= (uint64_t)cnt)
			return ERR_CORRUPT(err, "section nterms: term %llu is out of its block",
			                   (unsigned long long)id);
		if (same && r->cf < c->o->min_count)
			continue; /* a + b <= cf: the cheap test first */
		ngidx_term t = { id, r->cf, (uint32_t)r->df, 0, idx_rec_text(x, r), (size_t)r->text_len };
		if (ngx_is_actor_term(t.text, t.text_len) || (t.n = idx_text_n(t.text, t.text_len)) != n)
			continue;
		ngidx_term u;
		int f = same ? 1 : ngidx_term_find(c->y, t.text, t.text_len, &u);
		if (f < 0)
			return ERR_CORRUPT(err, "section lexdata: lookup failed");
		uint64_t yb = 0; /* pruned from y's lexicon, it may still occur */
		int pruned = !f && n >= 2 && !idx_lex_complete(c->y);
		if (pruned) {
			ngidx_count_result cr = { 0 };
			int rc = ngidx_count_subset(c->y, t.text, t.text_len, c->sy, &cr, err);
			yb = cr.occurrences;
			ngidx_count_result_release(&cr);
			if (rc)
				return rc;
		}
		ngidx_key_row row = { .ngram = t.text, .len = t.text_len, .n = t.n, .actor = UINT32_MAX };
		FORWARD_IF_ERROR(compare(c, &t, same ? &t : f ? &u : NULL, pruned ? &yb : NULL, f, &row,
		                         err));
	}
	return NGIDX_OK;
}

/* The actor of @y whose id is @id. @return 1 (found), 0, or -code. */
static int actor_by_id(const ngidx_index *y, const char *id, size_t len, uint32_t *out,
                       ngidx_error *err)
{
	for (uint32_t b = 0; b < y->nactors; b++) {
		ngidx_actor act;
		int rc = ngidx_actor_get(y, b, &act, err);
		if (rc)
			return -rc;
		if (act.id_len == len && !memcmp(act.id, id, len)) {
			*out = b;
			return 1;
		}
	}
	return 0;
}

/* Actor @a's mention term in @x: *@out = @t, or NULL when the actor is
 * never mentioned. @return NGIDX_OK or NGIDX_ERR_CORRUPT. */
static int mention_term(const ngidx_index *x, uint32_t a, ngidx_term *t, const ngidx_term **out,
                        ngidx_error *err)
{
	int f = ngidx_actor_term(x, a, t);
	*out = f == 1 ? t : NULL;
	return f < 0 ? ERR_CORRUPT(err, "section lexdata: lookup of actor %u failed", a) : NGIDX_OK;
}

/* Every actor of x (found in y by id). */
static int walk_actors(walk_ctx *c, ngidx_error *err)
{
	for (uint32_t a = 0; a < c->x->nactors; a++) {
		ngidx_actor act;
		ngidx_term t, u;
		const ngidx_term *pt, *pu;
		uint32_t b = a;
		FORWARD_IF_ERROR(ngidx_actor_get(c->x, a, &act, err));
		FORWARD_IF_ERROR(mention_term(c->x, a, &t, &pt, err));
		int in_y = c->x == c->y ? 1 : actor_by_id(c->y, act.id, act.id_len, &b, err);
		if (in_y < 0)
			return -in_y;
		pu = c->x == c->y ? pt : NULL;
		if (c->x != c->y && in_y)
			FORWARD_IF_ERROR(mention_term(c->y, b, &u, &pu, err));
		ngidx_key_row row = { .ngram = act.id, .len = act.id_len,
		                      .actor = c->only_absent ? UINT32_MAX : a,
		                      .name = act.name, .name_len = act.name_len,
		                      .type = act.type, .type_len = act.type_len };
		FORWARD_IF_ERROR(compare(c, pt, pu, NULL, in_y, &row, err));
	}
	return NGIDX_OK;
}

/* Check the options against both indexes. */
static int check_opts(const ngidx_index *x, const ngidx_index *y, const ngidx_keyness_opts *o,
                      ngidx_error *err)
{
	RETURN_ERROR_IF(!(o->alpha > 0 && o->alpha < 1), err, NGIDX_ERR_ARG,
	                "alpha must be between 0 and 1");
	if (o->actors) {
		RETURN_ERROR_IF(!x->act_head || !y->act_head, err, NGIDX_ERR_ARG,
		                "the %s has no actors (build it with --actors)",
		                !x->act_head ? "index" : "reference index");
		return NGIDX_OK;
	}
	unsigned m = x->max_n < y->max_n ? x->max_n : y->max_n;
	RETURN_ERROR_IF(o->n < 1 || o->n > m, err, NGIDX_ERR_ARG,
	                "n must be between 1 and the indexes' max n (%u)", m);
	return NGIDX_OK;
}

/* Sort @out, keep k rows of each side with a difference, mark them. */
static void finish(rows *out, const ngidx_keyness_opts *o, ngidx_keyness_result *r)
{
	int by_lr = o->by_logratio;
	if (out->n > 1)
		qsort_r(out->v, out->n, sizeof *out->v, cmp_rows, &by_lr);
	size_t nt = 0, nr = 0, k = 0;
	for (size_t i = 0; i < out->n; i++) {
		ngidx_key_row *x = &out->v[i];
		if (!(x->ll > 0) && !(x->ll < 0))
			continue; /* no difference, or undefined */
		if (x->ll > 0 ? nt++ >= o->k : nr++ >= o->k)
			continue;
		x->significant = fabs(x->ll) > r->threshold;
		out->v[k++] = *x;
	}
	r->rows = out->v;
	r->nrows = k;
	r->ntarget = nt < o->k ? nt : o->k;
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
	FORWARD_IF_ERROR(check_opts(idx, ref_idx, o, err));
	uint64_t T1 = target ? ngidx_subset_tokens(target) : idx->info.ntokens;
	uint64_t T2 = reference ? ngidx_subset_tokens(reference)
	              : ref_idx == idx ? idx->info.ntokens - T1 : ref_idx->info.ntokens;
	rows out = { 0 };
	int (*walk)(walk_ctx *, ngidx_error *) = o->actors ? walk_actors : walk_ngrams;
	walk_ctx c = { idx, ref_idx, target, reference, 0, o, T1, T2, &out, 0 };
	int rc = walk(&c, err);
	if (!rc && ref_idx != idx) { /* the items of the reference only */
		walk_ctx d = { ref_idx, idx, reference, target, 1, o, T1, T2, &out, c.tested };
		rc = walk(&d, err);
		c.tested = d.tested;
	}
	if (rc) {
		ngidx_free(out.v);
		return rc;
	}
	r->target_tokens = T1;
	r->reference_tokens = T2;
	r->tested = c.tested;
	r->threshold = r->tested ? chi2_critical(o->alpha / (double)r->tested) : 0;
	finish(&out, o, r);
	return NGIDX_OK;
}

void ngidx_keyness_result_release(ngidx_keyness_result *r)
{
	ngidx_free(r->rows);
	memset(r, 0, sizeof *r);
}
