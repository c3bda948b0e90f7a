/*
 * top.c - top lists, continuations and one-slot wildcards (ngidx/top.h).
 *
 * Three sources, cheapest first:
 *   TOPLIST  per n and order, the exact head (NGX_TOP_K entries) of the
 *            ranking of all terms of that n. A query over n_min..n_max
 *            merges those lists (each in the query's order, so the merge is
 *            a pick of the best head among at most 16) and filters as it
 *            goes. The merge stays exact while every list it draws from has
 *            entries left or holds all the terms of its n; the moment a
 *            list that was cut at K runs out, its unseen terms could rank
 *            before the next head, so the query restarts as a scan. A
 *            minimum of documents ends the walk early: the lists are
 *            ordered by df (or by cf >= df), so once the best head is below
 *            the minimum no later entry can pass.
 *   CONT     per term, the ids of its one-token-longer extensions on the
 *            right and on the left, ordered by cf desc, df desc, id asc.
 *            The order of the output breaks ties by text, not id, so a
 *            reader that wants the first k rows by occurrences takes
 *            entries until it has k passing rows and then every following
 *            entry with the same (cf, df) as the last one taken, and sorts
 *            those; by documents, the list is ranked through a heap of k
 *            until an entry's cf falls below the k-th df (df <= cf, and cf
 *            only decreases down the list). A wildcard "A * B" walks the
 *            shorter of A's right list and B's left list, looks up each
 *            "A x B" in the lexicon, and stops as soon as the entry's cf
 *            (a bound on the counts of "A x B") falls below the k-th row.
 *   scan     every term of the lexicon through a bounded heap of k. Used
 *            when the sections are absent or a list ran out; `scanned` is
 *            set in the result.
 * Subsets: the rows are counted in a document subset instead, and the
 * lexicon's totals become upper bounds (cf_s <= cf, df_s <= df <= cf).
 * Every path above already meets candidates in decreasing order of the
 * bound (TOPLIST heads merged in the query's order, CONT lists by cf) or
 * in no order (the scan), so one collector serves all of them: it hides
 * what the filters hide, drops a candidate whose bound is below the k-th
 * row held (`hopeless`), walks the others' postings against the subset
 * and keeps the best k in a heap. An ordered walk stops at the first
 * hopeless entry. When a TOPLIST cut at K runs out, the terms of that n
 * beyond it rank after its last entry, so their bound is at most that
 * entry's: if that is hopeless the n is closed, otherwise the lexicon is
 * scanned for the terms of the open n that rank after the last entry
 * offered (`top_seen`), still walking only those whose bound can enter.
 * The heap's answer does not depend on the order candidates come in, so
 * the rows are exact whatever path found them.
 * Every offset read from TOPLIST or CONT is checked against the section's
 * length, and every id against the lexicon, before use: a corrupt section
 * gives NGIDX_ERR_CORRUPT. Pseudo-terms (a text starting with a byte below
 * 0x20) are skipped by the scan and refused (corrupt) in the lists.
 */
#include "ngidx/top.h"
#include "ngidx/keyness.h"
#include "codec/codec.h"
#include "common/endian.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/mem.h"
#include "format/idx_reader.h"
#include "format/top_rank.h"
#include "text/analyze.h"

#include <stdlib.h>
#include <string.h>

/* ---- stop words ---- */

struct ngidx_stopwords {
	char **w;      /* sorted, NUL-ended tokens */
	size_t n, cap;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void ngidx_stopwords_free(ngidx_stopwords *sw)
{
	if (!sw)
		return;
	for (size_t i = 0; i < sw->n; i++)
		ngidx_free(sw->w[i]);
	ngidx_free(sw->w);
	ngidx_free(sw);
}

int ngidx_stopwords_create(ngidx_stopwords **out, const char *text, size_t len, ngidx_error *err)
{
	*out = NULL;
	ngidx_stopwords *sw = ngidx_calloc(1, sizeof *sw);
	if (!sw)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	int rc = NGIDX_OK;
	for (size_t i = 0; i < len && !rc;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		if (text[i] != '#' && (rc = ngidx_analyze(&t, text + i, e - i, 0)) == 0) {
			for (size_t k = 0; k < t.ntok && !rc; k++) {
				size_t l;
				const char *s = ngidx_tok(&t, k, &l);
				char *c = ngidx_malloc(l + 1);
				if (!c || NGIDX_RESERVE(sw->w, sw->cap, sw->n + 1)) {
					ngidx_free(c);
					rc = NGIDX_ERR_NOMEM;
					break;
				}
				memcpy(c, s, l);
				c[l] = 0;
				sw->w[sw->n++] = c;
			}
		}
		i = e + 1;
	}
	ngidx_tokens_release(&t);
	if (rc) {
		ngidx_stopwords_free(sw);
		return ngidx_err_set(err, rc, "cannot read the stop words: %s", ngidx_strerror(rc));
	}
	if (sw->n)
		qsort(sw->w, sw->n, sizeof *sw->w, cmp_str);
	*out = sw;
	return NGIDX_OK;
}

int ngidx_stopwords_load(ngidx_stopwords **out, const char *path, ngidx_error *err)
{
	*out = NULL;
	ngidx_map m;
	int rc = ngidx_map_file(&m, path, err);
	if (rc)
		return rc;
	rc = ngidx_stopwords_create(out, (const char *)m.p, m.len, err);
	ngidx_map_release(&m);
	return rc;
}

int ngidx_stopwords_has(const ngidx_stopwords *sw, const char *s, size_t len)
{
	size_t lo = 0, hi = sw->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *w = sw->w[mid];
		int c = strncmp(w, s, len);
		if (!c)
			c = w[len] ? 1 : 0;
		if (!c)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* ---- options, results, order ---- */

void ngidx_top_opts_init(ngidx_top_opts *o)
{
	memset(o, 0, sizeof *o);
	o->k = 20;
	o->by = NGIDX_TOP_BY_OCCURRENCES;
}

void ngidx_top_result_release(ngidx_top_result *r)
{
	ngidx_free(r->rows);
	memset(r, 0, sizeof *r);
}

/* 1 if a ranks strictly before b. */
static int better(const ngidx_term *a, const ngidx_term *b, int by_df)
{
	top_key x = { a->cf, a->df, a->text, a->text_len }, y = { b->cf, b->df, b->text, b->text_len };
	return top_better(&x, &y, by_df);
}

/* Not an n-gram: empty, or an actor term (idx_format.h). */
static int is_pseudo(const char *s, size_t len) { return !len || ngx_is_actor_term(s, len); }

static int passes(const ngidx_term *t, const ngidx_top_opts *o)
{
	if (t->df < o->min_documents)
		return 0;
	if (!o->stopwords)
		return 1;
	const char *s = t->text, *end = t->text + t->text_len;
	while (s < end) {
		const char *sp = memchr(s, ' ', (size_t)(end - s));
		const char *e = sp ? sp : end;
		if (!ngidx_stopwords_has(o->stopwords, s, (size_t)(e - s)))
			return 1;
		s = e + 1;
	}
	return 0;
}

/* Bounded collection of the best k rows: a heap whose root is the worst. */
typedef struct topk {
	ngidx_term *e;
	size_t n, k;
	int by_df;
} topk;

static void tk_down(topk *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < h->n && better(&h->e[m], &h->e[l], h->by_df))
			m = l;
		if (l + 1 < h->n && better(&h->e[m], &h->e[l + 1], h->by_df))
			m = l + 1;
		if (m == i)
			return;
		ngidx_term t = h->e[i];
		h->e[i] = h->e[m];
		h->e[m] = t;
		i = m;
	}
}

/* Offer @t; @return NGIDX_OK or NGIDX_ERR_NOMEM. */
static int tk_push(topk *h, const ngidx_term *t, size_t *cap)
{
	if (h->n == h->k) {
		if (!better(t, &h->e[0], h->by_df))
			return NGIDX_OK;
		h->e[0] = *t;
		tk_down(h, 0);
		return NGIDX_OK;
	}
	if (NGIDX_RESERVE(h->e, *cap, h->n + 1))
		return NGIDX_ERR_NOMEM;
	size_t i = h->n++;
	h->e[i] = *t;
	while (i) {
		size_t p = (i - 1) / 2;
		if (!better(&h->e[p], &h->e[i], h->by_df))
			break;
		ngidx_term x = h->e[i];
		h->e[i] = h->e[p];
		h->e[p] = x;
		i = p;
	}
	return NGIDX_OK;
}

static int cmp_rows(const void *a, const void *b, void *by_df)
{
	int d = *(const int *)by_df;
	return better(a, b, d) ? -1 : better(b, a, d) ? 1 : 0;
}

static void sort_rows(ngidx_term *rows, size_t n, int by_df)
{
	if (n > 1)
		qsort_r(rows, n, sizeof *rows, cmp_rows, &by_df);
}

/* Hand the heap's rows to @r, best first. */
static void tk_finish(topk *h, ngidx_top_result *r, size_t cap)
{
	/* heap sort: repeatedly move the worst (root) to the end */
	size_t n = h->n;
	while (h->n > 1) {
		ngidx_term t = h->e[0];
		h->e[0] = h->e[--h->n];
		h->e[h->n] = t;
		tk_down(h, 0);
	}
	/* the worst are now at the end: e[] is best first */
	ngidx_free(r->rows);
	r->rows = h->e;
	r->cap = cap;
	r->nrows = n;
	h->e = NULL;
}

static int nomem(ngidx_error *err) { return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory"); }

/*
 * Check @o and copy it to @u as it will run: a subset holding every
 * document is no subset. @return NGIDX_OK or NGIDX_ERR_ARG; *@empty is 1
 * when the subset holds no document (no row can come out).
 */
static int check_opts(const ngidx_index *x, const ngidx_top_opts *o, ngidx_top_opts *u, int *empty,
                      ngidx_error *err)
{
	if (o->k == 0)
		return ngidx_err_set(err, NGIDX_ERR_ARG, "k must be at least 1");
	if (o->by != NGIDX_TOP_BY_OCCURRENCES && o->by != NGIDX_TOP_BY_DOCUMENTS)
		return ngidx_err_set(err, NGIDX_ERR_ARG, "unknown order %d", o->by);
	*u = *o;
	*empty = 0;
	if (o->subset) {
		uint64_t n = ngidx_subset_docs(o->subset);
		*empty = n == 0 && x->ndocs > 0;
		if (n == x->ndocs)
			u->subset = NULL;
	}
	return NGIDX_OK;
}

/* No row: the answer for an empty subset. */
static int no_rows(ngidx_top_result *r)
{
	r->nrows = 0;
	r->scanned = 0;
	r->walked = 0;
	return NGIDX_OK;
}

/* ---- the collector of rows ---- */

/* The best k rows offered so far, counted in the subset if there is one. */
typedef struct coll {
	topk h;
	size_t cap;
	const ngidx_index *x;
	const ngidx_top_opts *o;
	uint64_t walked;
} coll;

static void coll_init(coll *c, const ngidx_index *x, const ngidx_top_opts *o, size_t k)
{
	memset(c, 0, sizeof *c);
	c->h.k = k;
	c->h.by_df = o->by == NGIDX_TOP_BY_DOCUMENTS;
	c->x = x;
	c->o = o;
}

/*
 * 1 if no candidate whose first key (cf, or df by documents) is at most
 * @bound can be a row anymore: it is below the minimum of documents
 * (df_s <= df <= cf), or k rows are held and the k-th's first key is
 * above it (a tie on the first key can still enter, by the second key or
 * the text).
 */
static int hopeless(const coll *c, uint64_t bound)
{
	if (bound < c->o->min_documents)
		return 1;
	if (c->h.n < c->h.k)
		return 0;
	const ngidx_term *w = &c->h.e[0];
	return bound < (c->h.by_df ? w->df : w->cf);
}

/* Offer term @t, with its whole-index counts: unless its first key
 * cannot enter (checked first: it is the cheapest test, and the one that
 * rejects most of a scan), the filters, then, with a subset, its counts
 * there. */
static int offer(coll *c, const ngidx_term *t, ngidx_error *err)
{
	if (hopeless(c, c->h.by_df ? t->df : t->cf) || !passes(t, c->o))
		return NGIDX_OK;
	ngidx_term u = *t;
	if (c->o->subset) {
		uint64_t cf, df;
		c->walked++;
		FORWARD_IF_ERROR(ngidx_term_count_subset(c->x, t->id, c->o->subset, &cf, &df, err));
		if (!df || df < c->o->min_documents)
			return NGIDX_OK;
		u.cf = cf;
		u.df = (uint32_t)df;
	}
	return tk_push(&c->h, &u, &c->cap) ? nomem(err) : NGIDX_OK;
}

/* Hand the rows to @r, best first; @rc: free them instead. */
static int coll_finish(coll *c, ngidx_top_result *r, int rc)
{
	if (rc) {
		ngidx_free(c->h.e);
		return rc;
	}
	tk_finish(&c->h, r, c->cap);
	r->walked = c->walked;
	return NGIDX_OK;
}

/* ---- the lexicon scan ---- */

/* The terms an interrupted TOPLIST walk offered already, per n. */
typedef struct top_seen {
	int by_df;
	unsigned char closed[NGIDX_MAX_N]; /* every term of this n: offered or hopeless */
	unsigned char has_last[NGIDX_MAX_N];
	ngidx_term last[NGIDX_MAX_N];      /* those ranked at or before it: offered */
} top_seen;

/* Which terms a scan keeps, beyond the filters. */
typedef struct scan_pred {
	unsigned n_min, n_max;
	const char *head, *tail;   /* text must start with head, end with tail */
	size_t head_len, tail_len;
	const top_seen *seen;      /* or NULL */
} scan_pred;

static int matches(const scan_pred *sp, const ngidx_term *t)
{
	const char *s = t->text;
	size_t len = t->text_len;
	if (t->n < sp->n_min || t->n > sp->n_max)
		return 0;
	if (sp->head_len && (len < sp->head_len || memcmp(s, sp->head, sp->head_len)))
		return 0;
	if (sp->tail_len && (len < sp->tail_len || memcmp(s + len - sp->tail_len, sp->tail, sp->tail_len)))
		return 0;
	if (sp->head_len && sp->tail_len && len < sp->head_len + sp->tail_len)
		return 0;
	const top_seen *sn = sp->seen;
	unsigned i = t->n - 1;
	return !sn || (!sn->closed[i] && !(sn->has_last[i] && !better(&sn->last[i], t, sn->by_df)));
}

/* Offer every term of the lexicon that @sp keeps. */
static int scan_into(coll *c, const scan_pred *sp, ngidx_error *err)
{
	const ngidx_index *x = c->x;
	idx_term_rec blk[NGX_LEX_BLOCK];
	for (uint64_t b = 0; b < x->nblocks; b++) {
		int cnt = idx_lex_block(x, b, blk);
		if (cnt < 0)
			return ERR_CORRUPT(err, "section lexicon: block %llu is corrupt", (unsigned long long)b);
		for (int i = 0; i < cnt; i++) {
			const char *s = idx_rec_text(x, &blk[i]);
			size_t len = (size_t)blk[i].text_len;
			ngidx_term t = { b * NGX_LEX_BLOCK + (uint64_t)i, blk[i].cf, (uint32_t)blk[i].df, 0, s, len };
			/* the bound first: it rejects most terms without reading their text */
			if (hopeless(c, c->h.by_df ? t.df : t.cf) || is_pseudo(s, len))
				continue;
			t.n = idx_text_n(s, len);
			if (matches(sp, &t))
				FORWARD_IF_ERROR(offer(c, &t, err));
		}
	}
	return NGIDX_OK;
}

static int scan(const ngidx_index *x, const scan_pred *sp, const ngidx_top_opts *o,
                ngidx_top_result *r, ngidx_error *err)
{
	coll c;
	coll_init(&c, x, o, o->k);
	int rc = coll_finish(&c, r, scan_into(&c, sp, err));
	r->scanned = 1;
	return rc;
}

/* ---- bit-packed ids ---- */


/* Term @id, checked to be a real n-gram. @return 0 or an error code. */
static int get_term(const ngidx_index *x, uint64_t id, ngidx_term *t, ngidx_error *err)
{
	if (id >= x->nterms)
		return ERR_CORRUPT(err, "term id %llu out of range in a top or continuation list",
		                   (unsigned long long)id);
	FORWARD_IF_ERROR(ngidx_term_get(x, id, t, err));
	if (is_pseudo(t->text, t->text_len))
		return ERR_CORRUPT(err, "term %llu in a top or continuation list is not an n-gram",
		                   (unsigned long long)id);
	return NGIDX_OK;
}

/* ---- TOPLIST ---- */

typedef struct toplist {
	uint64_t K;
	unsigned max_n, w;
	uint64_t total[NGIDX_MAX_N], len[NGIDX_MAX_N], start[NGIDX_MAX_N]; /* start: index of the occ list */
	const unsigned char *bits;
	uint64_t nbytes;
} toplist;

/* Parse the TOPLIST header. @return 1 ok, 0 absent, or -code. */
static int toplist_open(const ngidx_index *x, toplist *tl, ngidx_error *err)
{
	const idx_sec *s = x->by_kind[NGX_SEC_TOPLIST];
	if (!s)
		return 0;
	if (s->len < 16)
		return -ERR_CORRUPT(err, "section toplist: too short");
	tl->K = ngidx_le32(s->p);
	tl->max_n = ngidx_le32(s->p + 4);
	tl->w = ngidx_le32(s->p + 8);
	if (tl->max_n != x->max_n || tl->w != ngx_id_bits(x->nterms) || s->len < 16 + 16ull * tl->max_n)
		return -ERR_CORRUPT(err, "section toplist: bad header");
	uint64_t at = 0;
	for (unsigned n = 0; n < tl->max_n; n++) {
		tl->total[n] = ngidx_le64(s->p + 16 + 16 * n);
		tl->len[n] = ngidx_le64(s->p + 24 + 16 * n);
		if (tl->total[n] > x->nterms || tl->len[n] != (tl->total[n] < tl->K ? tl->total[n] : tl->K))
			return -ERR_CORRUPT(err, "section toplist: bad list size for n = %u", n + 1);
		tl->start[n] = at;
		at += 2 * tl->len[n];
	}
	tl->bits = s->p + 16 + 16 * tl->max_n;
	tl->nbytes = s->len - 16 - 16 * tl->max_n;
	if ((at * tl->w + 7) / 8 > tl->nbytes)
		return -ERR_CORRUPT(err, "section toplist: lists past the end");
	return 1;
}

/* A walk of the TOPLIST lists of one n, in the query's order. */
typedef struct tl_cursor {
	uint64_t pos;     /* entries taken */
	int loaded;       /* head holds entry pos */
	ngidx_term head;
} tl_cursor;

/* Load the head of list @n (pos < len). @return 0 or an error code. */
static int tl_head(const ngidx_index *x, const toplist *tl, unsigned n, int by_df, tl_cursor *c,
                   ngidx_error *err)
{
	if (c->loaded)
		return NGIDX_OK;
	unsigned i = n - 1;
	uint64_t id, at = tl->start[i] + (uint64_t)by_df * tl->len[i] + c->pos;
	if (top_bits_get(tl->bits, tl->nbytes, at, tl->w, &id))
		return ERR_CORRUPT(err, "section toplist: list past the end");
	FORWARD_IF_ERROR(get_term(x, id, &c->head, err));
	if (c->head.n != n)
		return ERR_CORRUPT(err, "section toplist: term %llu listed under n = %u",
		                   (unsigned long long)id, n);
	c->loaded = 1;
	return NGIDX_OK;
}

/* The list (lo..hi) whose head ranks first, loading heads; -1 when every
 * list is exhausted. @cut: set when a list cut at K is exhausted. */
static int tl_best(const ngidx_index *x, const toplist *tl, unsigned lo, unsigned hi, int by_df,
                   tl_cursor *cur, int *best, int *cut, ngidx_error *err)
{
	*best = -1;
	for (unsigned n = lo; n <= hi; n++) {
		unsigned i = n - 1;
		if (cur[i].pos == tl->len[i]) {
			*cut |= tl->len[i] < tl->total[i];
			continue;
		}
		FORWARD_IF_ERROR(tl_head(x, tl, n, by_df, &cur[i], err));
		if (*best < 0 || better(&cur[i].head, &cur[*best].head, by_df))
			*best = (int)i;
	}
	return NGIDX_OK;
}

/*
 * ngidx_top within a subset: the merged lists offer their heads, best
 * first, until the best head is hopeless; then each cut list that ran
 * out is closed if its last entry is hopeless, else scanned for.
 */
static int top_subset(const ngidx_index *x, const toplist *tl, const scan_pred *sp,
                      const ngidx_top_opts *o, ngidx_top_result *r, ngidx_error *err)
{
	int by_df = o->by == NGIDX_TOP_BY_DOCUMENTS, best, cut = 0, rc;
	tl_cursor cur[NGIDX_MAX_N];
	top_seen seen;
	coll c;
	memset(cur, 0, sizeof cur);
	memset(&seen, 0, sizeof seen);
	coll_init(&c, x, o, o->k);
	while (!(rc = tl_best(x, tl, sp->n_min, sp->n_max, by_df, cur, &best, &cut, err)) && best >= 0) {
		const ngidx_term *t = &cur[best].head;
		if (hopeless(&c, by_df ? t->df : t->cf))
			break; /* every later entry of every list is bounded by it */
		if ((rc = offer(&c, t, err)))
			break;
		seen.last[best] = *t;
		seen.has_last[best] = 1;
		cur[best].pos++;
		cur[best].loaded = 0;
	}
	int open = 0;
	seen.by_df = by_df;
	for (unsigned n = sp->n_min; n <= sp->n_max && !rc; n++) {
		unsigned i = n - 1;
		const ngidx_term *l = &seen.last[i];
		/* a list with entries left, or complete, or whose tail is hopeless */
		seen.closed[i] = cur[i].pos < tl->len[i] || tl->len[i] == tl->total[i] ||
		                 (seen.has_last[i] && hopeless(&c, by_df ? l->df : l->cf));
		open |= !seen.closed[i];
	}
	if (!rc && open) {
		scan_pred rest = *sp;
		rest.seen = &seen;
		rc = scan_into(&c, &rest, err);
		r->scanned = 1;
	}
	return coll_finish(&c, r, rc);
}

int ngidx_top(const ngidx_index *x, const ngidx_top_opts *opts, ngidx_top_result *r, ngidx_error *err)
{
	ngidx_top_opts u;
	const ngidx_top_opts *o = &u;
	int empty;
	FORWARD_IF_ERROR(check_opts(x, opts, &u, &empty, err));
	unsigned lo = o->n_min ? o->n_min : 1, hi = o->n_max ? o->n_max : x->max_n;
	if (lo > hi || hi > x->max_n)
		return ngidx_err_set(err, NGIDX_ERR_ARG, "n must be within 1..%u (the index's max n)", x->max_n);
	if (empty)
		return no_rows(r);
	r->nrows = 0;
	r->scanned = 0;
	r->walked = 0;
	scan_pred sp = { lo, hi, NULL, NULL, 0, 0, NULL };
	toplist tl = { 0 };
	int have = toplist_open(x, &tl, err);
	if (have < 0)
		return -have;
	if (!have)
		return scan(x, &sp, o, r, err);
	if (o->subset)
		return top_subset(x, &tl, &sp, o, r, err);
	int by_df = o->by == NGIDX_TOP_BY_DOCUMENTS, best, cut = 0;
	tl_cursor cur[NGIDX_MAX_N];
	memset(cur, 0, sizeof cur);
	size_t cap = r->cap;
	ngidx_term *rows = r->rows;
	r->rows = NULL;
	size_t nrows = 0;
	int rc = NGIDX_OK;
	while (nrows < o->k) {
		if ((rc = tl_best(x, &tl, lo, hi, by_df, cur, &best, &cut, err)))
			break;
		if (cut)
			goto rescan; /* a cut list ran out: its unseen terms may rank next */
		if (best < 0)
			break;
		const ngidx_term *t = &cur[best].head;
		if ((by_df ? t->df : t->cf) < o->min_documents)
			break; /* nothing later can reach the minimum */
		if (passes(t, o)) {
			if (NGIDX_RESERVE(rows, cap, nrows + 1)) {
				rc = nomem(err);
				break;
			}
			rows[nrows++] = *t;
		}
		cur[best].pos++;
		cur[best].loaded = 0;
	}
	r->rows = rows;
	r->cap = cap;
	r->nrows = rc ? 0 : nrows;
	return rc;
rescan:
	ngidx_free(rows);
	r->cap = 0;
	return scan(x, &sp, o, r, err);
}

/* ---- CONT ---- */

typedef struct cont_rec {
	const unsigned char *bits;  /* the record's ids */
	uint64_t nbytes;
	uint64_t nright, nleft;
	unsigned w;
} cont_rec;

/* Term @id's continuation record. @return 1, 0 (no CONT section), -code. */
static int cont_get(const ngidx_index *x, uint64_t id, cont_rec *c, ngidx_error *err)
{
	const idx_sec *s = x->by_kind[NGX_SEC_CONT];
	if (!s)
		return 0;
	if (s->len < 24 || ngidx_le64(s->p) != x->nterms || ngidx_le64(s->p + 8) != ngx_id_bits(x->nterms))
		return -ERR_CORRUPT(err, "section cont: bad header");
	uint64_t D = ngidx_le64(s->p + 16), ng = (x->nterms + NGX_CONT_GROUP - 1) / NGX_CONT_GROUP + 1;
	if (ng > (s->len - 24) / 8 || D != s->len - 24 - 8 * ng)
		return -ERR_CORRUPT(err, "section cont: bad size");
	const unsigned char *tab = s->p + 24, *data = tab + 8 * ng;
	uint64_t g = id / NGX_CONT_GROUP, a = ngidx_le64(tab + 8 * g), b = ngidx_le64(tab + 8 * g + 8);
	if (a > b || b > D)
		return -ERR_CORRUPT(err, "section cont: bad group offset");
	const unsigned char *p = data + a, *end = data + b;
	unsigned w = (unsigned)ngx_id_bits(x->nterms);
	for (uint64_t j = 0; j <= id % NGX_CONT_GROUP; j++) {
		uint64_t h, nr, nl = 0;
		if (ngidx_varint_get(&p, end, &h) || ((h & 1) && (ngidx_varint_get(&p, end, &nl) || !nl)) ||
		    (nr = h >> 1) > x->nterms || nl > x->nterms)
			return -ERR_CORRUPT(err, "section cont: bad record of term %llu",
			                    (unsigned long long)(g * NGX_CONT_GROUP + j));
		uint64_t nb = ((nr + nl) * w + 7) / 8;
		if (nb > (uint64_t)(end - p))
			return -ERR_CORRUPT(err, "section cont: record of term %llu past its group",
			                    (unsigned long long)(g * NGX_CONT_GROUP + j));
		if (j == id % NGX_CONT_GROUP)
			*c = (cont_rec){ p, nb, nr, nl, w };
		p += nb;
	}
	return 1;
}

/*
 * Rank the continuation list (@left ? left : right) of @cr into @r. By
 * occurrences without a subset the list is in the answer's order but for
 * ties of (cf, df), which the answer breaks by text: take its head up to
 * the k-th passing entry and the entries tied with it, and sort those.
 * Otherwise offer entries to the collector until one is hopeless: later
 * entries have cf, hence df and any count in a subset, at most its cf.
 */
static int rank_list(const ngidx_index *x, const cont_rec *cr, int left, const ngidx_top_opts *o,
                     ngidx_top_result *r, ngidx_error *err)
{
	int ties = o->by == NGIDX_TOP_BY_OCCURRENCES && !o->subset;
	uint64_t start = left ? cr->nright : 0, cnt = left ? cr->nleft : cr->nright;
	coll c;
	coll_init(&c, x, o, ties ? SIZE_MAX : o->k);
	size_t taken = 0;
	ngidx_term last = { 0 };
	int rc = NGIDX_OK;
	for (uint64_t i = 0; i < cnt && !rc; i++) {
		uint64_t id;
		ngidx_term t;
		if (top_bits_get(cr->bits, cr->nbytes, start + i, cr->w, &id)) {
			rc = ERR_CORRUPT(err, "section cont: list past its record");
			break;
		}
		if ((rc = get_term(x, id, &t, err)) || hopeless(&c, t.cf))
			break; /* with ties (k = SIZE_MAX): below the minimum of documents */
		if (!ties) {
			rc = offer(&c, &t, err);
			continue;
		}
		if (taken >= o->k && (t.cf != last.cf || t.df != last.df))
			break;
		if (!passes(&t, o))
			continue;
		if (tk_push(&c.h, &t, &c.cap))
			rc = nomem(err);
		taken++;
		last = t;
	}
	if (rc || !ties)
		return coll_finish(&c, r, rc);
	/* the heap holds every row taken: sort, keep k */
	sort_rows(c.h.e, c.h.n, 0);
	ngidx_free(r->rows);
	r->rows = c.h.e;
	r->cap = c.cap;
	r->nrows = c.h.n < o->k ? c.h.n : o->k;
	r->walked = 0;
	return NGIDX_OK;
}

/* Analyze @s into "tok tok tok" (malloc'd, NUL-ended); *@n its tokens. */
static int analyze_join(const char *s, size_t len, char **out, size_t *olen, unsigned *n, ngidx_error *err)
{
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	int rc = ngidx_analyze(&t, s, len, 0);
	if (rc) {
		ngidx_tokens_release(&t);
		return ngidx_err_set(err, rc, "cannot analyze the phrase: %s", ngidx_strerror(rc));
	}
	size_t total = t.ntok ? t.off[t.ntok] + t.ntok : 1;
	char *b = ngidx_malloc(total + 1);
	if (!b) {
		ngidx_tokens_release(&t);
		return nomem(err);
	}
	size_t o = 0;
	for (size_t i = 0; i < t.ntok; i++) {
		size_t l;
		const char *p = ngidx_tok(&t, i, &l);
		if (i)
			b[o++] = ' ';
		memcpy(b + o, p, l);
		o += l;
	}
	b[o] = 0;
	*out = b;
	*olen = o;
	*n = (unsigned)(t.ntok > 65535 ? 65535 : t.ntok);
	ngidx_tokens_release(&t);
	return NGIDX_OK;
}

/* Continuations of the analyzed phrase @g (@gn tokens) on one side. */
static int continuations(const ngidx_index *x, const char *g, size_t glen, unsigned gn, int left,
                         const ngidx_top_opts *o, ngidx_top_result *r, ngidx_error *err)
{
	no_rows(r);
	if (gn >= x->max_n)
		return NGIDX_OK; /* the lexicon holds nothing longer */
	ngidx_term t;
	int f = ngidx_term_find(x, g, glen, &t);
	if (f < 0)
		return ERR_CORRUPT(err, "section lexdata: lookup failed");
	if (f == 0)
		return NGIDX_OK;
	cont_rec c;
	int have = cont_get(x, t.id, &c, err);
	if (have < 0)
		return -have;
	if (have)
		return rank_list(x, &c, left, o, r, err);
	/* no CONT section: scan for "g x" (or "x g") */
	char *aff = ngidx_malloc(glen + 2);
	if (!aff)
		return nomem(err);
	if (left) {
		aff[0] = ' ';
		memcpy(aff + 1, g, glen);
	} else {
		memcpy(aff, g, glen);
		aff[glen] = ' ';
	}
	scan_pred sp = { gn + 1, gn + 1, left ? NULL : aff, left ? aff : NULL, left ? 0 : glen + 1,
	                 left ? glen + 1 : 0, NULL };
	int rc = scan(x, &sp, o, r, err);
	ngidx_free(aff);
	return rc;
}

int ngidx_top_prefix(const ngidx_index *x, const char *phrase, size_t len, const ngidx_top_opts *opts,
                     ngidx_top_result *r, ngidx_error *err)
{
	ngidx_top_opts o;
	int empty;
	FORWARD_IF_ERROR(check_opts(x, opts, &o, &empty, err));
	char *g;
	size_t glen;
	unsigned gn;
	FORWARD_IF_ERROR(analyze_join(phrase, len, &g, &glen, &gn, err));
	int rc = !gn ? ngidx_err_set(err, NGIDX_ERR_ARG, "the prefix has no word")
	         : empty ? no_rows(r) : continuations(x, g, glen, gn, 0, &o, r, err);
	ngidx_free(g);
	return rc;
}

/* "A * B" with both sides non-empty. */
static int infix(const ngidx_index *x, const char *a, size_t alen, unsigned an, const char *b,
                 size_t blen, unsigned bn, const ngidx_top_opts *o, ngidx_top_result *r,
                 ngidx_error *err)
{
	no_rows(r);
	ngidx_term ta, tb;
	int fa = ngidx_term_find(x, a, alen, &ta), fb = ngidx_term_find(x, b, blen, &tb);
	if (fa < 0 || fb < 0)
		return ERR_CORRUPT(err, "section lexdata: lookup failed");
	if (!fa || !fb)
		return NGIDX_OK;
	cont_rec ca, cb;
	int ha = cont_get(x, ta.id, &ca, err);
	if (ha < 0)
		return -ha;
	int hb = ha ? cont_get(x, tb.id, &cb, err) : 0;
	if (hb < 0)
		return -hb;
	char *buf = ngidx_malloc(alen + blen + 2 + 1);
	if (!buf)
		return nomem(err);
	memcpy(buf, a, alen);
	buf[alen] = ' ';
	int rc = NGIDX_OK;
	if (!ha) {
		/* no CONT section: scan for "A x B" */
		memcpy(buf + alen + 1, b, blen);
		buf[alen + 1 + blen] = 0;
		char *tail = ngidx_malloc(blen + 2);
		if (!tail) {
			ngidx_free(buf);
			return nomem(err);
		}
		tail[0] = ' ';
		memcpy(tail + 1, b, blen);
		scan_pred sp = { an + bn + 1, an + bn + 1, buf, tail, alen + 1, blen + 1, NULL };
		rc = scan(x, &sp, o, r, err);
		ngidx_free(tail);
		ngidx_free(buf);
		return rc;
	}
	/* walk the shorter list: right of A ("A x") or left of B ("x B") */
	int use_left = cb.nleft < ca.nright;
	const cont_rec *c = use_left ? &cb : &ca;
	uint64_t start = use_left ? c->nright : 0, cnt = use_left ? c->nleft : c->nright;
	coll h;
	coll_init(&h, x, o, o->k);
	char *full = NULL;
	size_t fcap = 0;
	for (uint64_t i = 0; i < cnt && !rc; i++) {
		uint64_t id;
		ngidx_term t, hit;
		if (top_bits_get(c->bits, c->nbytes, start + i, c->w, &id)) {
			rc = ERR_CORRUPT(err, "section cont: list past its record");
			break;
		}
		if ((rc = get_term(x, id, &t, err)))
			break;
		/* "A x B" occurs at most as often, in at most as many documents,
		 * as "A x" (or "x B"), and the list is in decreasing cf order */
		if (hopeless(&h, t.cf))
			break;
		/* the filler: last token of "A x", first token of "x B" */
		const char *fx;
		size_t fl;
		if (use_left) {
			const char *sp = memchr(t.text, ' ', t.text_len);
			fx = t.text;
			fl = sp ? (size_t)(sp - t.text) : t.text_len;
		} else {
			const char *sp = memrchr(t.text, ' ', t.text_len);
			fx = sp ? sp + 1 : t.text;
			fl = (size_t)(t.text + t.text_len - fx);
		}
		size_t need = alen + 1 + fl + 1 + blen;
		if (NGIDX_RESERVE(full, fcap, need)) {
			rc = nomem(err);
			break;
		}
		memcpy(full, a, alen);
		full[alen] = ' ';
		memcpy(full + alen + 1, fx, fl);
		full[alen + 1 + fl] = ' ';
		memcpy(full + alen + 2 + fl, b, blen);
		int f = ngidx_term_find(x, full, need, &hit);
		if (f < 0)
			rc = ERR_CORRUPT(err, "section lexdata: lookup failed");
		else if (f == 1)
			rc = offer(&h, &hit, err);
	}
	ngidx_free(full);
	ngidx_free(buf);
	return coll_finish(&h, r, rc);
}

int ngidx_top_pattern(const ngidx_index *x, const char *pattern, size_t len, const ngidx_top_opts *opts,
                      ngidx_top_result *r, ngidx_error *err)
{
	ngidx_top_opts u;
	const ngidx_top_opts *o = &u;
	int empty;
	FORWARD_IF_ERROR(check_opts(x, opts, &u, &empty, err));
	const char *star = memchr(pattern, '*', len);
	if (!star || memchr(star + 1, '*', len - (size_t)(star - pattern) - 1))
		return ngidx_err_set(err, NGIDX_ERR_ARG, "a pattern has exactly one '*'");
	char *a = NULL, *b = NULL;
	size_t alen, blen;
	unsigned an = 0, bn = 0; /* set when rc is 0 (read only then); for -fanalyzer */
	int rc = analyze_join(pattern, (size_t)(star - pattern), &a, &alen, &an, err);
	if (!rc)
		rc = analyze_join(star + 1, len - (size_t)(star - pattern) - 1, &b, &blen, &bn, err);
	if (!rc && (uint64_t)an + bn + 1 > x->max_n)
		rc = ngidx_err_set(err, NGIDX_ERR_ARG,
		                   "the pattern has %u tokens; the index holds n-grams of up to %u",
		                   an + bn + 1, x->max_n);
	if (!rc) {
		if (empty) {
			rc = no_rows(r);
		} else if (!an && !bn) {
			u.n_min = u.n_max = 1;
			rc = ngidx_top(x, &u, r, err);
		} else if (!bn) {
			rc = continuations(x, a, alen, an, 0, o, r, err);
		} else if (!an) {
			rc = continuations(x, b, blen, bn, 1, o, r, err);
		} else {
			rc = infix(x, a, alen, an, b, blen, bn, o, r, err);
		}
	}
	ngidx_free(a);
	ngidx_free(b);
	return rc;
}
