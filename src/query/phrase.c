/*
 * phrase.c - documents, occurrences and positions of a phrase of any length.
 *
 * Two ways to walk a phrase:
 *   lexicon  a phrase of up to max-n tokens that the lexicon holds is one
 *            postings list: its documents and frequencies are read as they
 *            are; start positions, when asked for, come from the unigram
 *            positions of its tokens in that document;
 *   cover    any other phrase (longer than max-n, or an n-gram dropped by
 *            --min-df): every token must be in the lexicon, else nothing
 *            matches. Candidate documents are the intersection of the
 *            postings of the m-grams that cover the phrase (m = min(n,
 *            max-n), at offsets 0, m, 2m, ... and n - m) and of its tokens,
 *            rarest list first, each other list seeking to the candidate
 *            through its skip table. With --min-df > 1 a covering m-gram may
 *            have been dropped, so only those present filter. In each
 *            candidate the positions of the token that occurs least there
 *            anchor the check: at each anchor position the other tokens'
 *            positions are probed with forward-only pointers, so a document
 *            costs O(sum of its tokens' frequencies). Documents with no
 *            occurrence are skipped.
 * Overlapping occurrences count ("a a" occurs twice in "a a a"), as they do
 * in the n-gram statistics of the lexicon.
 */
#include "ngidx/query.h"
#include "common/err.h"
#include "common/mem.h"
#include "format/idx_reader.h"
#include "text/analyze.h"

#include <stdlib.h>
#include <string.h>

struct ngidx_phrase {
	const ngidx_index *x;
	unsigned n;
	char *ngram;            /* tokens joined by spaces, with a final space */
	size_t ngram_len;       /* without the final space */
	uint32_t *start;        /* n + 1 token starts in ngram */
	int empty;              /* matches nothing */
	int lex;                /* lexicon mode */
	uint64_t cf, df;        /* lexicon mode: the term's statistics */
	uint64_t cf_cap;        /* cover: at most this many occurrences (set
	                           at open: the pruning's bound, then no more
	                           than any cursor's term) */
	uint64_t found;         /* cover: occurrences in the documents given */
	ngidx_postings *cur;    /* lexicon: [0] the term; then token cursors;
	                           cover: token cursors, then filters */
	size_t ncur, ntok_first, ntok; /* token cursors are cur[ntok_first ..+ntok) */
	size_t *tok_cur;        /* phrase index -> cursor index */
	size_t *filt;           /* cover: filter cursors, rarest first */
	size_t nfilt;
	const uint32_t **pos;   /* per phrase index: positions in the doc */
	uint32_t *npos;
	size_t *ptr;
	uint32_t *match;        /* start positions in the current doc */
	size_t nmatch, match_cap;
	int match_ready;
	uint32_t doc, occ;
	int started, done;
};

void ngidx_phrase_free(ngidx_phrase *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->ncur; i++)
		idx_postings_release(&p->cur[i]);
	ngidx_free(p->cur);
	ngidx_free(p->ngram);
	ngidx_free(p->start);
	ngidx_free(p->tok_cur);
	ngidx_free(p->filt);
	ngidx_free(p->pos);
	ngidx_free(p->npos);
	ngidx_free(p->ptr);
	ngidx_free(p->match);
	ngidx_free(p);
}

unsigned ngidx_phrase_ntokens(const ngidx_phrase *p) { return p->n; }

const char *ngidx_phrase_ngram(const ngidx_phrase *p, size_t *len)
{
	*len = p->ngram_len;
	return p->ngram ? p->ngram : "";
}

int ngidx_phrase_stats(const ngidx_phrase *p, uint64_t *occurrences, uint64_t *documents)
{
	if (p->empty || p->lex) {
		*occurrences = p->empty ? 0 : p->cf;
		*documents = p->empty ? 0 : p->df;
		return 1;
	}
	return 0;
}

uint64_t ngidx_phrase_df_bound(const ngidx_phrase *p)
{
	if (p->empty)
		return 0;
	return p->lex ? p->df : p->cur[p->filt[0]].df;
}

uint64_t ngidx_phrase_cf_bound(const ngidx_phrase *p)
{
	if (p->empty)
		return 0;
	return p->lex ? p->cf : p->cf_cap;
}

uint32_t ngidx_phrase_doc(const ngidx_phrase *p) { return p->doc; }
uint32_t ngidx_phrase_occurrences(const ngidx_phrase *p) { return p->occ; }

static int cmp_df(const void *a, const void *b, void *ctx)
{
	const ngidx_postings *c = ctx;
	uint32_t x = c[*(const size_t *)a].df, y = c[*(const size_t *)b].df;
	return (x > y) - (x < y);
}

/* Open a cursor on term @id as cur[ncur]. */
static int add_cursor(ngidx_phrase *p, uint64_t id, ngidx_error *err)
{
	int rc = idx_postings_init(&p->cur[p->ncur], p->x, id, err);
	if (!rc)
		p->ncur++;
	return rc;
}

/* One cursor per distinct token, from cur[ntok_first] on. @return NGIDX_OK
 * (p->empty set if a token is unknown) or an error. */
static int open_tokens(ngidx_phrase *p, ngidx_error *err)
{
	uint64_t *ids = ngidx_malloc(p->n * sizeof *ids);
	if (!ids)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	int rc = NGIDX_OK;
	p->ntok_first = p->ncur;
	for (unsigned i = 0; i < p->n && !rc; i++) {
		ngidx_term t;
		const char *s = p->ngram + p->start[i];
		int f = ngidx_term_find(p->x, s, p->start[i + 1] - 1 - p->start[i], &t);
		if (f < 0) {
			rc = ERR_CORRUPT(err, "section lexdata: lookup failed");
		} else if (f == 0) {
			p->empty = 1;
			break;
		} else {
			size_t j;
			for (j = 0; j < p->ntok; j++)
				if (ids[j] == t.id)
					break;
			if (j == p->ntok) {
				ids[p->ntok++] = t.id;
				rc = add_cursor(p, t.id, err);
			}
			p->tok_cur[i] = p->ntok_first + j;
		}
	}
	ngidx_free(ids);
	return rc;
}

/* The buffers of a phrase of @n tokens, @nf covering n-grams and @bytes of
 * normalized text. */
static int alloc_bufs(ngidx_phrase *p, size_t n, size_t nf, size_t bytes, ngidx_error *err)
{
	p->n = (unsigned)n;
	p->ngram = ngidx_malloc(bytes);
	p->start = ngidx_malloc((n + 1) * sizeof *p->start);
	p->cur = ngidx_calloc(2 * n + nf + 1, sizeof *p->cur);
	p->tok_cur = ngidx_calloc(n + 1, sizeof *p->tok_cur);
	p->filt = ngidx_calloc(2 * n + nf + 1, sizeof *p->filt);
	p->pos = ngidx_calloc(n + 1, sizeof *p->pos);
	p->npos = ngidx_calloc(n + 1, sizeof *p->npos);
	p->ptr = ngidx_calloc(n + 1, sizeof *p->ptr);
	if (!p->ngram || !p->start || !p->cur || !p->tok_cur || !p->filt || !p->pos || !p->npos || !p->ptr)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	return NGIDX_OK;
}

int ngidx_phrase_open_term(const ngidx_index *x, const ngidx_term *t, ngidx_phrase **out,
                           ngidx_error *err)
{
	*out = NULL;
	ngidx_phrase *p = ngidx_calloc(1, sizeof *p);
	if (!p)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	p->x = x;
	size_t len = t ? t->text_len : 0;
	int rc = alloc_bufs(p, 1, 0, len + 1, err);
	if (!rc) {
		if (len)
			memcpy(p->ngram, t->text, len);
		p->ngram[len] = ' ';
		p->ngram_len = len;
		p->start[0] = 0;
		p->start[1] = (uint32_t)len + 1;
		p->empty = !t;
	}
	if (!rc && t) {
		p->lex = 1;
		p->cf = t->cf;
		p->df = t->df;
		rc = add_cursor(p, t->id, err);
	}
	if (rc) {
		ngidx_phrase_free(p);
		return rc;
	}
	*out = p;
	return NGIDX_OK;
}

int ngidx_phrase_open(const ngidx_index *x, const char *phrase, size_t len, ngidx_phrase **out,
                      ngidx_error *err)
{
	*out = NULL;
	ngidx_phrase *p = ngidx_calloc(1, sizeof *p);
	if (!p)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	p->x = x;
	p->cf_cap = UINT64_MAX;
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	int rc = ngidx_analyze(&t, phrase, len, 0);
	if (rc) {
		rc = ngidx_err_set(err, rc, "cannot analyze the phrase: %s", ngidx_strerror(rc));
		goto fail;
	}
	size_t n = t.ntok;
	size_t m = n < x->max_n ? n : x->max_n;
	size_t nf = m ? (n + m - 1) / m + 1 : 0;
	if ((rc = alloc_bufs(p, n, nf, n ? (size_t)t.off[n] + n : 1, err)))
		goto fail;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		size_t l;
		const char *s = ngidx_tok(&t, i, &l);
		p->start[i] = (uint32_t)o;
		memcpy(p->ngram + o, s, l);
		o += l;
		p->ngram[o++] = ' ';
	}
	p->start[n] = (uint32_t)o;
	p->ngram_len = n ? o - 1 : 0;
	ngidx_tokens_release(&t);
	if (n == 0) {
		p->empty = 1;
		*out = p;
		return NGIDX_OK;
	}
	if (n <= x->max_n) {
		ngidx_term term;
		int f = ngidx_term_find(x, p->ngram, p->ngram_len, &term);
		if (f < 0) {
			rc = ERR_CORRUPT(err, "section lexdata: lookup failed");
			goto fail;
		}
		if (f == 1) {
			p->lex = 1;
			p->cf = term.cf;
			p->df = term.df;
			if ((rc = add_cursor(p, term.id, err)))
				goto fail;
			*out = p;
			return NGIDX_OK;
		}
		if (n == 1 || idx_lex_complete(x)) {
			p->empty = 1;
			*out = p;
			return NGIDX_OK;
		}
		if (x->min_df <= 1) /* pruned for being seen fewer times */
			p->cf_cap = x->min_count - 1;
	}
	/* cover mode */
	if ((rc = open_tokens(p, err)))
		goto fail;
	if (!p->empty && m >= 2) {
		for (size_t k = 0; k < nf && !p->empty; k++) {
			size_t off = k + 1 == nf ? n - m : k * m;
			if (off + m > n)
				continue;
			ngidx_term term;
			int f = ngidx_term_find(x, p->ngram + p->start[off], p->start[off + m] - 1 - p->start[off], &term);
			if (f < 0) {
				rc = ERR_CORRUPT(err, "section lexdata: lookup failed");
				goto fail;
			}
			if (f == 0) {
				if (idx_lex_complete(x))
					p->empty = 1; /* a covering n-gram never occurs */
				continue;
			}
			p->filt[p->nfilt++] = p->ncur;
			if ((rc = add_cursor(p, term.id, err)))
				goto fail;
		}
	}
	for (size_t j = 0; j < p->ntok; j++)
		p->filt[p->nfilt++] = p->ntok_first + j;
	qsort_r(p->filt, p->nfilt, sizeof *p->filt, cmp_df, p->cur);
	for (size_t i = 0; i < p->ncur; i++)
		if (p->cur[i].cf < p->cf_cap)
			p->cf_cap = p->cur[i].cf;
	*out = p;
	return NGIDX_OK;
fail:
	ngidx_tokens_release(&t);
	ngidx_phrase_free(p);
	return rc;
}

/* Start positions of the phrase in the current document; all token cursors
 * are on it. */
static int find_matches(ngidx_phrase *p, ngidx_error *err)
{
	size_t n = p->n, anchor = 0;
	for (size_t i = 0; i < n; i++) {
		ngidx_postings *c = &p->cur[p->tok_cur[i]];
		FORWARD_IF_ERROR(ngidx_postings_positions(c, &p->pos[i], err));
		p->npos[i] = ngidx_postings_tf(c);
		p->ptr[i] = 0;
		if (p->npos[i] < p->npos[anchor])
			anchor = i;
	}
	p->nmatch = 0;
	for (uint32_t a = 0; a < p->npos[anchor]; a++) {
		uint32_t at = p->pos[anchor][a];
		if (at < anchor)
			continue;
		uint32_t s = at - (uint32_t)anchor;
		size_t i;
		for (i = 0; i < n; i++) {
			if (i == anchor)
				continue;
			uint32_t want = s + (uint32_t)i;
			while (p->ptr[i] < p->npos[i] && p->pos[i][p->ptr[i]] < want)
				p->ptr[i]++;
			if (p->ptr[i] == p->npos[i] || p->pos[i][p->ptr[i]] != want)
				break;
		}
		if (i == n) {
			if (NGIDX_RESERVE(p->match, p->match_cap, p->nmatch + 1))
				return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			p->match[p->nmatch++] = s;
		}
	}
	p->match_ready = 1;
	return NGIDX_OK;
}

/* Cover mode: from the lead's current document on, the next document where
 * all filters agree and the phrase occurs. */
/* Move to the first matching document from the lead cursor's (@more: its
 * last move). Once the documents given hold as many occurrences as the
 * phrase can have (ngidx_phrase_cf_bound), there is no other. */
static int cover_advance(ngidx_phrase *p, int more, ngidx_error *err)
{
	ngidx_postings *lead = &p->cur[p->filt[0]];
	if (p->found >= p->cf_cap)
		more = 0;
	while (more == 1) {
		uint32_t d = ngidx_postings_doc(lead), hi = d;
		size_t i;
		for (i = 1; i < p->nfilt; i++) {
			ngidx_postings *c = &p->cur[p->filt[i]];
			int g = ngidx_postings_seek(c, d, err);
			if (g <= 0) {
				p->done = 1;
				return g;
			}
			if (ngidx_postings_doc(c) != d) {
				hi = ngidx_postings_doc(c);
				break;
			}
		}
		if (i == p->nfilt) {
			int rc = find_matches(p, err);
			if (rc)
				return -rc;
			if (p->nmatch) {
				p->doc = d;
				p->occ = (uint32_t)p->nmatch;
				p->found += p->nmatch;
				return 1;
			}
			more = ngidx_postings_next(lead, err);
		} else {
			more = ngidx_postings_seek(lead, hi, err);
		}
	}
	p->done = 1;
	return more;
}

static int lex_moved(ngidx_phrase *p, int r)
{
	if (r != 1) {
		p->done = 1;
		return r;
	}
	p->doc = ngidx_postings_doc(&p->cur[0]);
	p->occ = ngidx_postings_tf(&p->cur[0]);
	return 1;
}

int ngidx_phrase_next(ngidx_phrase *p, ngidx_error *err)
{
	if (p->empty || p->done)
		return 0;
	p->started = 1;
	p->match_ready = 0;
	if (p->lex)
		return lex_moved(p, ngidx_postings_next(&p->cur[0], err));
	return cover_advance(p, ngidx_postings_next(&p->cur[p->filt[0]], err), err);
}

int ngidx_phrase_seek(ngidx_phrase *p, uint32_t doc, ngidx_error *err)
{
	if (p->empty || p->done)
		return 0;
	if (p->started && p->doc >= doc)
		return 1;
	p->started = 1;
	p->match_ready = 0;
	if (p->lex)
		return lex_moved(p, ngidx_postings_seek(&p->cur[0], doc, err));
	return cover_advance(p, ngidx_postings_seek(&p->cur[p->filt[0]], doc, err), err);
}

int ngidx_phrase_positions(ngidx_phrase *p, const uint32_t **pos, size_t *n, ngidx_error *err)
{
	if (!p->started || p->done || p->empty)
		return ngidx_err_set(err, NGIDX_ERR_ARG, "the phrase iterator is not on a document");
	if (!p->match_ready) {
		/* lexicon mode: bring the token cursors to this document */
		if (!p->ntok) {
			FORWARD_IF_ERROR(open_tokens(p, err));
			if (p->empty)
				return ERR_CORRUPT(err, "a token of a stored n-gram is missing");
		}
		for (size_t j = 0; j < p->ntok; j++) {
			ngidx_postings *c = &p->cur[p->ntok_first + j];
			int g = ngidx_postings_seek(c, p->doc, err);
			if (g < 0)
				return -g;
			if (g == 0 || ngidx_postings_doc(c) != p->doc)
				return ERR_CORRUPT(err, "n-gram in document %u without its tokens", p->doc);
		}
		FORWARD_IF_ERROR(find_matches(p, err));
		if (p->nmatch != p->occ)
			return ERR_CORRUPT(err, "n-gram frequency disagrees with positions in document %u", p->doc);
	}
	*pos = p->match;
	*n = p->nmatch;
	return NGIDX_OK;
}
