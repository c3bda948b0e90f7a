/*
 * query_eval.c - boolean queries evaluated as document streams, and the
 * public ngidx_query_run / ngidx_docs_* on top (filters, BM25, paging).
 *
 * Streams. Every node of the compiled query is a stream of document ids in
 * increasing order with one operation, advance(s, t): move to the first
 * document >= t, never backwards (a no-op if already there). Four kinds:
 *   PHRASE  one ngidx_phrase iterator (which itself skips blocks);
 *   AND     positive children P (sorted by an upper bound on their
 *           documents, rarest first) and negative children N: the lead
 *           P[0] proposes a candidate d, every other P[i] seeks to d; the
 *           first to land beyond d gives the next target (leapfrog), so
 *           the work is bounded by the rarest list, not the sum. A
 *           candidate all of P agree on is then refused if some N[j],
 *           sought to d, stands on d: AND NOT costs a seek on the negated
 *           list, never a walk of it;
 *   OR      every child advanced to t; the stream stands on the smallest
 *           of their documents (k-way merge; queries have few operands, so
 *           a linear scan beats a heap);
 *   ALL     every document id 0..N-1.
 *
 * Compilation removes NOT: each query node compiles to a stream S and a
 * sign, meaning the node matches S (sign +) or its complement (sign -).
 *   phrase        -> (PHRASE, +)
 *   NOT x         -> x with its sign flipped
 *   AND of kids   -> with positive kids P and negative kids N:
 *                    P non-empty: (AND(P minus N), +)
 *                    else:        (OR(N), -)           [De Morgan]
 *   OR of kids    -> N empty:     (OR(P), +)
 *                    else:        (AND(N minus P), -)  [De Morgan]
 * (one-child ANDs and ORs collapse to the child). A root with sign - is
 * AND(ALL minus S): the only case that enumerates every document id, as
 * it must, since `NOT trade` matches most of the index.
 *
 * Occurrences and scores count the query's positive phrases: operands
 * under an even number of NOTs, deduplicated by normalized text. In a
 * matching document d a phrase's count comes from any of its operand
 * iterators that went over d: each remembers the target of its last jump,
 * lo, and has no match in [lo, doc), so if lo <= d <= doc it knows the
 * count (0 unless doc == d); an OR branch that moved past d is answered
 * that way. When none knows (the operand lies inside a subtracted stream
 * that was never sought to d) a second iterator of that phrase, opened on
 * demand, seeks to d. Results come in increasing order, so that iterator
 * only moves forward.
 *
 * ngidx_docs filters each matching document (date range, metadata
 * equalities; O(1) per document through ngidx_doc_get), skips @offset
 * results and stops after @limit. Ranked by BM25 it first scores every
 * match, keeping the best offset + limit in a binary heap (or all of them
 * without a limit), then sorts them by score descending, then id.
 */
#include "query/query_eval.h"
#include "common/err.h"
#include "common/mem.h"
#include "corpus/corpus.h"
#include "ngidx/query.h"
#include "query/query_parse.h"
#include "ngidx/actors.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { S_PHRASE, S_AND, S_OR, S_ALL };
enum { ST_START, ST_ON, ST_DONE };

typedef struct qstream qstream;
struct qstream {
	int kind, state;
	uint32_t doc;
	uint64_t bound;          /* at most this many documents */
	uint32_t lo;             /* S_PHRASE: no match in [lo, doc) (or in
	                            [lo, inf) once done) */
	ngidx_phrase *ph;        /* S_PHRASE */
	qstream **kid;           /* AND: positive children; OR: children */
	size_t nkid;
	qstream **neg;           /* AND: subtracted children */
	size_t nneg;
	uint64_t ndocs;          /* S_ALL */
};

/* A distinct phrase of the query (positive or not). */
typedef struct qterm {
	const char *norm, *raw;
	size_t norm_len, raw_len;
	int actor;               /* raw is "@ID" */
	int positive;
	qstream **leaf;          /* its operand streams */
	size_t nleaf, leaf_cap;
	ngidx_phrase *it;        /* opened on demand for tf */
	int64_t df;              /* -1 until computed */
} qterm;

struct qeval {
	const ngidx_index *x;
	const struct ngidx_query *q;
	uint64_t ndocs;
	qstream **all;           /* every stream, for freeing */
	size_t nall, all_cap;
	qstream *root;
	qterm *term;
	size_t nterm, term_cap;
	size_t *pos;             /* positive terms, in query order */
	size_t npos;
};

/* ---- streams -------------------------------------------------------------- */

static qstream *new_stream(qeval *e, int kind)
{
	if (NGIDX_RESERVE(e->all, e->all_cap, e->nall + 1))
		return NULL;
	qstream *s = ngidx_calloc(1, sizeof *s);
	if (s)
		e->all[e->nall++] = s;
	if (s)
		s->kind = kind;
	return s;
}

static void free_stream(qstream *s)
{
	ngidx_phrase_free(s->ph);
	ngidx_free(s->kid);
	ngidx_free(s->neg);
	ngidx_free(s);
}

static int advance(qstream *s, uint32_t t, ngidx_error *err);

static int and_advance(qstream *s, uint32_t t, ngidx_error *err)
{
	for (;;) {
		int r = advance(s->kid[0], t, err);
		if (r <= 0)
			return r;
		uint32_t d = s->kid[0]->doc;
		size_t i;
		for (i = 1; i < s->nkid; i++) {
			r = advance(s->kid[i], d, err);
			if (r <= 0)
				return r;
			if (s->kid[i]->doc != d)
				break;
		}
		if (i < s->nkid) {
			t = s->kid[i]->doc;
			continue;
		}
		for (i = 0; i < s->nneg; i++) {
			r = advance(s->neg[i], d, err);
			if (r < 0)
				return r;
			if (r == 1 && s->neg[i]->doc == d)
				break;
		}
		if (i == s->nneg) {
			s->doc = d;
			return 1;
		}
		if (d == UINT32_MAX)
			return 0;
		t = d + 1;
	}
}

static int or_advance(qstream *s, uint32_t t, ngidx_error *err)
{
	int any = 0;
	uint32_t best = UINT32_MAX;
	for (size_t i = 0; i < s->nkid; i++) {
		int r = advance(s->kid[i], t, err);
		if (r < 0)
			return r;
		if (r == 1) {
			any = 1;
			if (s->kid[i]->doc < best)
				best = s->kid[i]->doc;
		}
	}
	if (any)
		s->doc = best;
	return any;
}

/* Move @s to its first document >= @t. @return 1, 0 (exhausted), -code. */
static int advance(qstream *s, uint32_t t, ngidx_error *err)
{
	if (s->state == ST_DONE)
		return 0;
	if (s->state == ST_ON && s->doc >= t)
		return 1;
	int r;
	switch (s->kind) {
	case S_PHRASE:
		s->lo = t; /* what the iterator skips has no match */
		/* next is cheaper than seek when it is the same move */
		if ((s->state == ST_ON && t == s->doc + 1) || (s->state == ST_START && t == 0))
			r = ngidx_phrase_next(s->ph, err);
		else
			r = ngidx_phrase_seek(s->ph, t, err);
		if (r == 1)
			s->doc = ngidx_phrase_doc(s->ph);
		break;
	case S_AND: r = and_advance(s, t, err); break;
	case S_OR: r = or_advance(s, t, err); break;
	default: /* S_ALL */
		r = t < s->ndocs;
		if (r)
			s->doc = t;
		break;
	}
	if (r >= 0)
		s->state = r ? ST_ON : ST_DONE;
	return r;
}

/* ---- compilation ---------------------------------------------------------- */

static int cmp_bound(const void *a, const void *b)
{
	uint64_t x = (*(qstream *const *)a)->bound, y = (*(qstream *const *)b)->bound;
	return (x > y) - (x < y);
}

/* An AND stream of @np positives and @nn subtracted streams (copied). */
static qstream *make_and(qeval *e, qstream **p, size_t np, qstream **n, size_t nn)
{
	if (np == 1 && nn == 0)
		return p[0];
	qstream *s = new_stream(e, S_AND);
	if (!s)
		return NULL;
	s->kid = ngidx_malloc(np * sizeof *s->kid);
	s->neg = ngidx_malloc((nn ? nn : 1) * sizeof *s->neg);
	if (!s->kid || !s->neg)
		return NULL;
	memcpy(s->kid, p, np * sizeof *p);
	if (nn)
		memcpy(s->neg, n, nn * sizeof *n);
	s->nkid = np;
	s->nneg = nn;
	qsort(s->kid, np, sizeof *s->kid, cmp_bound);
	s->bound = s->kid[0]->bound;
	return s;
}

static qstream *make_or(qeval *e, qstream **k, size_t nk)
{
	if (nk == 1)
		return k[0];
	qstream *s = new_stream(e, S_OR);
	if (!s || !(s->kid = ngidx_malloc(nk * sizeof *s->kid)))
		return NULL;
	memcpy(s->kid, k, nk * sizeof *k);
	s->nkid = nk;
	for (size_t i = 0; i < nk; i++)
		s->bound = s->bound + k[i]->bound < s->bound ? UINT64_MAX : s->bound + k[i]->bound;
	return s;
}

/* The term of phrase node @n, found or added; NULL out of memory. */
static qterm *term_of(qeval *e, const qnode *n)
{
	const char *norm = qnode_norm(e->q, n);
	for (size_t i = 0; i < e->nterm; i++)
		if (e->term[i].norm_len == n->norm_len && !memcmp(e->term[i].norm, norm, n->norm_len))
			return &e->term[i];
	if (NGIDX_RESERVE(e->term, e->term_cap, e->nterm + 1))
		return NULL;
	qterm *t = &e->term[e->nterm++];
	memset(t, 0, sizeof *t);
	t->norm = norm;
	t->norm_len = n->norm_len;
	t->raw = qnode_raw(e->q, n);
	t->raw_len = n->raw_len;
	t->actor = n->actor;
	t->df = -1;
	return t;
}

static int nomem(ngidx_error *err) { return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory"); }

/* An iterator over operand @raw: a phrase, or with @actor the mentions of
 * the actor "@ID" (an unknown actor is an error: a typo should not quietly
 * match nothing). */
static int open_operand(qeval *e, const char *raw, size_t len, int actor, ngidx_phrase **out,
                        ngidx_error *err)
{
	if (!actor)
		return ngidx_phrase_open(e->x, raw, len, out, err);
	uint32_t a;
	ngidx_term t;
	int f = ngidx_actor_find(e->x, raw, len, &a);
	if (f < 0)
		return ngidx_err_set(err, -f, "cannot look up actor '%.*s'", (int)len, raw);
	if (!f)
		return ngidx_err_set(err, NGIDX_ERR_QUERY, "no actor '%.*s' in the index%s", (int)len,
		                     raw, ngidx_actor_window(e->x) ? "" : " (built without --actors)");
	f = ngidx_actor_term(e->x, a, &t);
	if (f < 0)
		return ngidx_err_set(err, NGIDX_ERR_CORRUPT, "section lexdata: lookup failed");
	return ngidx_phrase_open_term(e->x, f ? &t : NULL, out, err);
}

/* Compile node @k under @nots NOTs into *@out with sign *@neg. */
static int compile(qeval *e, uint32_t k, unsigned nots, qstream **out, int *neg, ngidx_error *err)
{
	const qnode *n = &e->q->node[k];
	if (n->kind == QN_PHRASE) {
		qstream *s = new_stream(e, S_PHRASE);
		if (!s)
			return nomem(err);
		FORWARD_IF_ERROR(open_operand(e, qnode_raw(e->q, n), n->raw_len, n->actor, &s->ph, err));
		s->bound = ngidx_phrase_df_bound(s->ph);
		qterm *t = term_of(e, n);
		if (!t || NGIDX_RESERVE(t->leaf, t->leaf_cap, t->nleaf + 1))
			return nomem(err);
		t->leaf[t->nleaf++] = s;
		if (nots % 2 == 0)
			t->positive = 1;
		*out = s;
		*neg = 0;
		return NGIDX_OK;
	}
	if (n->kind == QN_NOT) {
		FORWARD_IF_ERROR(compile(e, n->kid, nots + 1, out, neg, err));
		*neg = !*neg;
		return NGIDX_OK;
	}
	qstream **p = ngidx_malloc(n->nkids * sizeof *p), **m = ngidx_malloc(n->nkids * sizeof *m);
	size_t np = 0, nm = 0;
	int rc = NGIDX_OK;
	if (!p || !m)
		rc = nomem(err);
	for (uint32_t c = n->kid; c != QN_NONE && !rc; c = e->q->node[c].next) {
		qstream *s;
		int sn;
		rc = compile(e, c, nots, &s, &sn, err);
		if (!rc) {
			if (sn)
				m[nm++] = s;
			else
				p[np++] = s;
		}
	}
	if (!rc) {
		qstream *s;
		if (n->kind == QN_AND) {
			*neg = np == 0;
			s = np ? make_and(e, p, np, m, nm) : make_or(e, m, nm);
		} else {
			*neg = nm != 0;
			s = nm ? make_and(e, m, nm, p, np) : make_or(e, p, np);
		}
		if (!s)
			rc = nomem(err);
		*out = s;
	}
	ngidx_free(p);
	ngidx_free(m);
	return rc;
}

void qeval_free(qeval *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nall; i++)
		free_stream(e->all[i]);
	for (size_t i = 0; i < e->nterm; i++) {
		ngidx_free(e->term[i].leaf);
		ngidx_phrase_free(e->term[i].it);
	}
	ngidx_free(e->all);
	ngidx_free(e->term);
	ngidx_free(e->pos);
	ngidx_free(e);
}

int qeval_open(qeval **out, const ngidx_index *x, const struct ngidx_query *q, ngidx_error *err)
{
	*out = NULL;
	qeval *e = ngidx_calloc(1, sizeof *e);
	if (!e)
		return nomem(err);
	e->x = x;
	e->q = q;
	ngidx_index_info info;
	ngidx_index_get_info(x, &info);
	e->ndocs = info.docs;
	int neg = 0;
	int rc = compile(e, q->root, 0, &e->root, &neg, err);
	if (!rc && neg) {
		qstream *all = new_stream(e, S_ALL);
		if (!all || !(e->root = make_and(e, &all, 1, &e->root, 1)))
			rc = nomem(err);
		else
			all->bound = all->ndocs = e->ndocs;
	}
	if (!rc && !(e->pos = ngidx_malloc((e->nterm ? e->nterm : 1) * sizeof *e->pos)))
		rc = nomem(err);
	if (rc) {
		qeval_free(e);
		return rc;
	}
	for (size_t i = 0; i < e->nterm; i++)
		if (e->term[i].positive)
			e->pos[e->npos++] = i;
	*out = e;
	return NGIDX_OK;
}

int qeval_next(qeval *e, ngidx_error *err)
{
	qstream *s = e->root;
	if (s->state == ST_ON)
		return s->doc == UINT32_MAX ? (s->state = ST_DONE, 0) : advance(s, s->doc + 1, err);
	return advance(s, 0, err);
}

int qeval_seek(qeval *e, uint32_t doc, ngidx_error *err) { return advance(e->root, doc, err); }

uint32_t qeval_doc(const qeval *e) { return e->root->doc; }

size_t qeval_nterms(const qeval *e) { return e->npos; }

const char *qeval_term(const qeval *e, size_t k, size_t *len)
{
	const qterm *t = &e->term[e->pos[k]];
	*len = t->norm_len;
	return t->norm;
}

int qeval_term_tf(qeval *e, size_t k, uint32_t *tf, ngidx_error *err)
{
	qterm *t = &e->term[e->pos[k]];
	uint32_t d = e->root->doc;
	*tf = 0;
	for (size_t i = 0; i < t->nleaf; i++) {
		const qstream *l = t->leaf[i];
		/* the operand's iterator knows d if it went over it */
		if (l->state == ST_ON && l->lo <= d && d <= l->doc) {
			if (l->doc == d)
				*tf = ngidx_phrase_occurrences(l->ph);
			return NGIDX_OK;
		}
		if (l->state == ST_DONE && l->lo <= d)
			return NGIDX_OK;
	}
	if (!t->it)
		FORWARD_IF_ERROR(open_operand(e, t->raw, t->raw_len, t->actor, &t->it, err));
	int r = ngidx_phrase_seek(t->it, d, err);
	if (r < 0)
		return -r;
	if (r == 1 && ngidx_phrase_doc(t->it) == d)
		*tf = ngidx_phrase_occurrences(t->it);
	return NGIDX_OK;
}

int qeval_term_df(qeval *e, size_t k, uint64_t *df, ngidx_error *err)
{
	qterm *t = &e->term[e->pos[k]];
	if (t->df < 0) {
		ngidx_phrase *p;
		FORWARD_IF_ERROR(open_operand(e, t->raw, t->raw_len, t->actor, &p, err));
		uint64_t occ, n = 0;
		int r = 0;
		if (!ngidx_phrase_stats(p, &occ, &n))
			while ((r = ngidx_phrase_next(p, err)) == 1)
				n++;
		ngidx_phrase_free(p);
		if (r < 0)
			return -r;
		t->df = (int64_t)n;
	}
	*df = (uint64_t)t->df;
	return NGIDX_OK;
}

/* ---- ngidx_docs ----------------------------------------------------------- */

typedef struct where_cond {
	const char *key, *val;
	size_t klen, vlen;
} where_cond;

struct ngidx_docs {
	const ngidx_index *x;
	qeval *e;
	uint32_t from, to;       /* to 0: no upper bound */
	int dated;               /* a date bound was given */
	where_cond *where;
	size_t nwhere;
	int rank;
	double k1, b, avgdl;
	uint64_t ndocs;
	double *idf;             /* per positive term */
	uint64_t offset, limit, skipped, emitted;
	ngidx_docs_hit *hits;    /* ranked: the kept results */
	size_t nhits, hits_cap, next_hit;
	int scored;
};

void ngidx_docs_opts_init(ngidx_docs_opts *o)
{
	memset(o, 0, sizeof *o);
	o->k1 = 1.2;
	o->b = 0.75;
}

void ngidx_docs_free(ngidx_docs *d)
{
	if (!d)
		return;
	qeval_free(d->e);
	ngidx_free(d->where);
	ngidx_free(d->idf);
	ngidx_free(d->hits);
	ngidx_free(d);
}

/* Parse a date bound; an upper bound covers its whole year or month. */
static int date_bound(const char *s, int upper, uint32_t *out, ngidx_error *err)
{
	if (ngidx_date_bound(s, upper, out))
		return ngidx_err_set(err, NGIDX_ERR_ARG, "bad date '%s' (expected YYYY, YYYY-MM or YYYY-MM-DD)", s);
	return NGIDX_OK;
}

int ngidx_query_run(const ngidx_index *x, const ngidx_query *q, const ngidx_docs_opts *opts,
                    ngidx_docs **out, ngidx_error *err)
{
	*out = NULL;
	ngidx_docs_opts def;
	if (!opts) {
		ngidx_docs_opts_init(&def);
		opts = &def;
	}
	if (opts->rank != NGIDX_RANK_NONE && opts->rank != NGIDX_RANK_BM25)
		return ngidx_err_set(err, NGIDX_ERR_ARG, "unknown ranking %d", opts->rank);
	if (opts->rank && !(opts->k1 >= 0 && opts->b >= 0 && opts->b <= 1))
		return ngidx_err_set(err, NGIDX_ERR_ARG, "BM25 needs k1 >= 0 and 0 <= b <= 1");
	ngidx_docs *d = ngidx_calloc(1, sizeof *d);
	if (!d)
		return nomem(err);
	d->x = x;
	d->rank = opts->rank;
	d->k1 = opts->k1;
	d->b = opts->b;
	d->offset = opts->offset;
	d->limit = opts->limit;
	int rc = NGIDX_OK;
	if (opts->from && (rc = date_bound(opts->from, 0, &d->from, err)))
		goto fail;
	if (opts->to && (rc = date_bound(opts->to, 1, &d->to, err)))
		goto fail;
	d->dated = opts->from || opts->to;
	if (opts->nwhere) {
		if (!(d->where = ngidx_malloc(opts->nwhere * sizeof *d->where))) {
			rc = nomem(err);
			goto fail;
		}
		for (size_t i = 0; i < opts->nwhere; i++) {
			const char *w = opts->where[i], *eq = strchr(w, '=');
			if (!eq || eq == w) {
				rc = ngidx_err_set(err, NGIDX_ERR_ARG, "bad condition '%s' (expected FIELD=VALUE)", w);
				goto fail;
			}
			d->where[i] = (where_cond){ w, eq + 1, (size_t)(eq - w), strlen(eq + 1) };
		}
		d->nwhere = opts->nwhere;
	}
	if ((rc = qeval_open(&d->e, x, q, err)))
		goto fail;
	if (d->rank) {
		ngidx_index_info info;
		ngidx_index_get_info(x, &info);
		d->ndocs = info.docs;
		d->avgdl = info.docs ? (double)info.tokens / (double)info.docs : 0;
		size_t nt = qeval_nterms(d->e);
		if (!(d->idf = ngidx_malloc((nt ? nt : 1) * sizeof *d->idf))) {
			rc = nomem(err);
			goto fail;
		}
		for (size_t k = 0; k < nt; k++) {
			uint64_t df;
			if ((rc = qeval_term_df(d->e, k, &df, err)))
				goto fail;
			double N = (double)d->ndocs, f = (double)df;
			d->idf[k] = log(1.0 + (N - f + 0.5) / (f + 0.5));
		}
	}
	*out = d;
	return NGIDX_OK;
fail:
	ngidx_docs_free(d);
	return rc;
}

/* Whether document @id passes the date and metadata filters; its record
 * in *@doc when read (*@have set). @return 1, 0, or -code. */
static int passes(ngidx_docs *d, uint32_t id, ngidx_doc *doc, int *have, ngidx_error *err)
{
	*have = 0;
	if (!d->dated && !d->nwhere)
		return 1;
	int rc = ngidx_doc_get(d->x, id, doc, err);
	if (rc)
		return -rc;
	*have = 1;
	if (d->dated && (doc->date == 0 || doc->date < d->from || (d->to && doc->date > d->to)))
		return 0;
	for (size_t i = 0; i < d->nwhere; i++) {
		const where_cond *w = &d->where[i];
		size_t pos = 0, kl, vl;
		const char *k, *v;
		int is_str, r = 0, found = 0;
		while (!found && (r = ngidx_doc_meta_next(doc, &pos, &k, &kl, &v, &vl, &is_str)) == 1)
			found = kl == w->klen && vl == w->vlen && !memcmp(k, w->key, kl) && !memcmp(v, w->val, vl);
		if (!found && r < 0) {
			ERR_CORRUPT(err, "document %u: bad metadata", id);
			return -NGIDX_ERR_CORRUPT;
		}
		if (!found)
			return 0;
	}
	return 1;
}

/* Occurrences and (when ranked) the score of the current document. */
static int score(ngidx_docs *d, ngidx_docs_hit *h, const ngidx_doc *doc, int have, ngidx_error *err)
{
	h->doc = qeval_doc(d->e);
	h->occurrences = 0;
	h->score = 0;
	double norm = 1;
	if (d->rank) {
		ngidx_doc rec;
		if (!have) {
			FORWARD_IF_ERROR(ngidx_doc_get(d->x, h->doc, &rec, err));
			doc = &rec;
		}
		if (d->avgdl > 0)
			norm = 1 - d->b + d->b * (double)doc->tokens / d->avgdl;
	}
	for (size_t k = 0, nt = qeval_nterms(d->e); k < nt; k++) {
		uint32_t tf;
		FORWARD_IF_ERROR(qeval_term_tf(d->e, k, &tf, err));
		h->occurrences += tf;
		if (d->rank && tf)
			h->score += d->idf[k] * tf * (d->k1 + 1) / (tf + d->k1 * norm);
	}
	return NGIDX_OK;
}

/* The next document of the query that passes the filters. */
static int next_match(ngidx_docs *d, ngidx_doc *doc, int *have, ngidx_error *err)
{
	for (;;) {
		int r = qeval_next(d->e, err);
		if (r <= 0)
			return r;
		r = passes(d, qeval_doc(d->e), doc, have, err);
		if (r != 0)
			return r;
	}
}

/* a ranks before b: higher score, then lower id. */
static int better(const ngidx_docs_hit *a, const ngidx_docs_hit *b)
{
	return a->score > b->score || (a->score == b->score && a->doc < b->doc);
}

static int cmp_hits(const void *a, const void *b)
{
	const ngidx_docs_hit *x = a, *y = b;
	return better(x, y) ? -1 : better(y, x) ? 1 : 0;
}

/* Min-heap on rank (the worst kept result on top). */
static void sift_down(ngidx_docs_hit *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, w = i;
		if (l < n && better(&h[w], &h[l]))
			w = l;
		if (l + 1 < n && better(&h[w], &h[l + 1]))
			w = l + 1;
		if (w == i)
			return;
		ngidx_docs_hit t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

static void sift_up(ngidx_docs_hit *h, size_t i)
{
	while (i) {
		size_t p = (i - 1) / 2;
		if (!better(&h[p], &h[i]))
			return;
		ngidx_docs_hit t = h[i];
		h[i] = h[p];
		h[p] = t;
		i = p;
	}
}

/* Score every match, keeping the best offset + limit (all without a
 * limit), sorted. */
static int score_all(ngidx_docs *d, ngidx_error *err)
{
	uint64_t keep = d->limit ? d->offset + d->limit : UINT64_MAX;
	if (keep < d->limit)
		keep = UINT64_MAX;
	ngidx_doc doc;
	int have, r;
	while ((r = next_match(d, &doc, &have, err)) == 1) {
		ngidx_docs_hit h;
		FORWARD_IF_ERROR(score(d, &h, &doc, have, err));
		if (d->nhits < keep) {
			if (NGIDX_RESERVE(d->hits, d->hits_cap, d->nhits + 1))
				return nomem(err);
			d->hits[d->nhits++] = h;
			if (d->limit)
				sift_up(d->hits, d->nhits - 1);
		} else if (better(&h, &d->hits[0])) {
			d->hits[0] = h;
			sift_down(d->hits, d->nhits, 0);
		}
	}
	if (r < 0)
		return -r;
	if (d->nhits)
		qsort(d->hits, d->nhits, sizeof *d->hits, cmp_hits);
	d->next_hit = d->offset < d->nhits ? (size_t)d->offset : d->nhits;
	d->scored = 1;
	return NGIDX_OK;
}

int ngidx_docs_next(ngidx_docs *d, ngidx_docs_hit *hit, ngidx_error *err)
{
	if (d->limit && d->emitted >= d->limit)
		return 0;
	if (d->rank) {
		if (!d->scored) {
			int rc = score_all(d, err);
			if (rc)
				return -rc;
		}
		if (d->next_hit >= d->nhits)
			return 0;
		*hit = d->hits[d->next_hit++];
		d->emitted++;
		return 1;
	}
	ngidx_doc doc;
	int have, r;
	while ((r = next_match(d, &doc, &have, err)) == 1) {
		if (d->skipped < d->offset) {
			d->skipped++;
			continue;
		}
		int rc = score(d, hit, &doc, have, err);
		if (rc)
			return -rc;
		d->emitted++;
		return 1;
	}
	return r;
}
