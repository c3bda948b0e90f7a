/*
 * count.c - exact phrase counts.
 *
 * A phrase of up to max-n tokens is one lexicon lookup: its occurrences and
 * documents are stored. A longer phrase (or an n-gram dropped by --min-df)
 * is answered from positions:
 *   1. every token must be in the lexicon, else the answer is 0;
 *   2. candidate documents are the intersection of the postings of the
 *      max-n-grams that cover the phrase (at offsets 0, m, 2m, ... and
 *      n - m), rarest list first, each list skipping through blocks to the
 *      current candidate; with --min-df > 1 a covering n-gram may have been
 *      dropped, so only the ones present filter;
 *   3. in each candidate the positions of the token that occurs least in
 *      that document anchor the check: at each anchor position the other
 *      tokens' positions are probed with forward-only pointers, so a
 *      document costs O(sum of its tokens' frequencies).
 * Overlapping occurrences count, as they do in the n-gram statistics.
 */
#include "ngidx/index.h"
#include "common/err.h"
#include "common/mem.h"
#include "format/idx_reader.h"
#include "text/analyze.h"

#include <string.h>

void ngidx_count_result_release(ngidx_count_result *r)
{
	ngidx_free(r->ngram);
	memset(r, 0, sizeof *r);
}

typedef struct phrase_state {
	ngidx_postings *cur;   /* one per distinct token, then the filters */
	size_t ncur;
	size_t *tok_cur;       /* phrase index -> cursor */
	size_t *filt;          /* filter cursors, rarest first */
	size_t nfilt;
	const uint32_t **pos;  /* positions per phrase index in the current doc */
	uint32_t *npos;
	size_t *ptr;
} phrase_state;

static void state_free(phrase_state *s)
{
	for (size_t i = 0; i < s->ncur; i++)
		idx_postings_release(&s->cur[i]);
	ngidx_free(s->cur);
	ngidx_free(s->tok_cur);
	ngidx_free(s->filt);
	ngidx_free(s->pos);
	ngidx_free(s->npos);
	ngidx_free(s->ptr);
}

/* Occurrences of the phrase in the current document (all token cursors on
 * it). */
static int count_in_doc(phrase_state *s, size_t n, uint64_t *occ, ngidx_error *err)
{
	size_t anchor = 0;
	for (size_t i = 0; i < n; i++) {
		ngidx_postings *c = &s->cur[s->tok_cur[i]];
		FORWARD_IF_ERROR(ngidx_postings_positions(c, &s->pos[i], err));
		s->npos[i] = ngidx_postings_tf(c);
		s->ptr[i] = 0;
		if (s->npos[i] < s->npos[anchor])
			anchor = i;
	}
	uint64_t k = 0;
	for (uint32_t a = 0; a < s->npos[anchor]; a++) {
		uint32_t p = s->pos[anchor][a];
		if (p < anchor)
			continue;
		uint32_t start = p - (uint32_t)anchor;
		size_t i;
		for (i = 0; i < n; i++) {
			if (i == anchor)
				continue;
			uint32_t want = start + (uint32_t)i;
			while (s->ptr[i] < s->npos[i] && s->pos[i][s->ptr[i]] < want)
				s->ptr[i]++;
			if (s->ptr[i] == s->npos[i] || s->pos[i][s->ptr[i]] != want)
				break;
		}
		if (i == n)
			k++;
	}
	*occ = k;
	return NGIDX_OK;
}

static int cmp_df(const void *a, const void *b, void *ctx)
{
	const ngidx_postings *c = ctx;
	uint32_t x = c[*(const size_t *)a].df, y = c[*(const size_t *)b].df;
	return (x > y) - (x < y);
}

static int count_positional(const ngidx_index *x, const ngidx_tokens *t, const char *joined,
                            const uint32_t *start, ngidx_count_result *r, ngidx_error *err)
{
	size_t n = t->ntok;
	size_t m = n < x->max_n ? n : x->max_n;
	size_t nf = (n + m - 1) / m + 1;
	phrase_state s = { 0 };
	int rc = NGIDX_OK;
	s.cur = ngidx_calloc(n + nf, sizeof *s.cur);
	s.tok_cur = ngidx_calloc(n, sizeof *s.tok_cur);
	s.filt = ngidx_calloc(n + nf, sizeof *s.filt);
	s.pos = ngidx_calloc(n, sizeof *s.pos);
	s.npos = ngidx_calloc(n, sizeof *s.npos);
	s.ptr = ngidx_calloc(n, sizeof *s.ptr);
	if (!s.cur || !s.tok_cur || !s.filt || !s.pos || !s.npos || !s.ptr) {
		rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* One cursor per distinct token (tokens are compared by term id). */
	uint64_t *ids = (uint64_t *)s.ptr; /* scratch: ids of the cursors so far */
	size_t ntok_cur = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *tok = ngidx_tok(t, i, &len);
		ngidx_term term;
		int f = ngidx_term_find(x, tok, len, &term);
		if (f < 0) {
			rc = ERR_CORRUPT(err, "corrupt lexicon");
			goto done;
		}
		if (f == 0)
			goto done; /* a token never seen: 0 */
		size_t j;
		for (j = 0; j < ntok_cur; j++)
			if (ids[j] == term.id)
				break;
		if (j == ntok_cur) {
			ids[ntok_cur] = term.id;
			if ((rc = idx_postings_init(&s.cur[ntok_cur], x, term.id, err)))
				goto done;
			s.ncur = ++ntok_cur;
		}
		s.tok_cur[i] = j;
	}
	/* The filters: covering m-grams if m >= 2, else the unigrams. */
	if (m >= 2) {
		for (size_t k = 0; k < nf; k++) {
			size_t off = k + 1 == nf ? n - m : k * m;
			if (off + m > n)
				continue;
			const char *g = joined + start[off];
			size_t len = start[off + m] - 1 - start[off];
			ngidx_term term;
			int f = ngidx_term_find(x, g, len, &term);
			if (f < 0) {
				rc = ERR_CORRUPT(err, "corrupt lexicon");
				goto done;
			}
			if (f == 0) {
				if (x->min_df <= 1)
					goto done; /* a covering n-gram never occurs: 0 */
				continue;
			}
			if ((rc = idx_postings_init(&s.cur[s.ncur], x, term.id, err)))
				goto done;
			s.filt[s.nfilt++] = s.ncur++;
		}
	}
	for (size_t j = 0; j < ntok_cur; j++)
		s.filt[s.nfilt++] = j;
	qsort_r(s.filt, s.nfilt, sizeof *s.filt, cmp_df, s.cur);

	/* Intersect: the rarest list proposes, the others confirm or leap. */
	ngidx_postings *lead = &s.cur[s.filt[0]];
	int more = ngidx_postings_next(lead, err);
	while (more == 1) {
		uint32_t d = ngidx_postings_doc(lead);
		uint32_t hi = d;
		size_t i;
		for (i = 1; i < s.nfilt; i++) {
			ngidx_postings *c = &s.cur[s.filt[i]];
			int g = ngidx_postings_seek(c, d, err);
			if (g < 0) {
				rc = -g;
				goto done;
			}
			if (g == 0)
				goto done; /* a list is exhausted: no more candidates */
			if (ngidx_postings_doc(c) != d) {
				hi = ngidx_postings_doc(c);
				break;
			}
		}
		if (i == s.nfilt) {
			uint64_t occ;
			/* All unigram cursors are on d (they are among the filters). */
			memset(s.ptr, 0, n * sizeof *s.ptr);
			if ((rc = count_in_doc(&s, n, &occ, err)))
				goto done;
			if (occ) {
				r->occurrences += occ;
				r->documents++;
			}
			more = ngidx_postings_next(lead, err);
		} else {
			more = ngidx_postings_seek(lead, hi, err);
		}
	}
	if (more < 0)
		rc = -more;
done:
	state_free(&s);
	return rc;
}

int ngidx_count(const ngidx_index *x, const char *phrase, size_t len, ngidx_count_result *r,
                ngidx_error *err)
{
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	r->n = 0;
	r->occurrences = r->documents = 0;
	r->ngram_len = 0;
	int rc = ngidx_analyze(&t, phrase, len, 0);
	if (rc) {
		ngidx_tokens_release(&t);
		return ngidx_err_set(err, rc, "cannot analyze the phrase: %s", ngidx_strerror(rc));
	}
	size_t n = t.ntok;
	size_t jl = n ? (size_t)t.off[n] + n : 1;
	uint32_t *start = ngidx_malloc((n + 1) * sizeof *start);
	if (!start || NGIDX_RESERVE(r->ngram, r->ngram_cap, jl)) {
		ngidx_free(start);
		ngidx_tokens_release(&t);
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	}
	/* The phrase joined by spaces, with a trailing space the lookup omits. */
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		size_t l;
		const char *s = ngidx_tok(&t, i, &l);
		start[i] = (uint32_t)o;
		memcpy(r->ngram + o, s, l);
		o += l;
		r->ngram[o++] = ' ';
	}
	start[n] = (uint32_t)o;
	r->ngram_len = n ? o - 1 : 0;
	r->n = (unsigned)n;
	if (n == 0)
		goto done;
	if (n <= x->max_n) {
		ngidx_term term;
		int f = ngidx_term_find(x, r->ngram, r->ngram_len, &term);
		if (f < 0) {
			rc = ERR_CORRUPT(err, "corrupt lexicon");
			goto done;
		}
		if (f == 1) {
			r->occurrences = term.cf;
			r->documents = term.df;
			goto done;
		}
		if (n == 1 || x->min_df <= 1)
			goto done;
	}
	rc = count_positional(x, &t, r->ngram, start, r, err);
done:
	ngidx_free(start);
	ngidx_tokens_release(&t);
	return rc;
}
