/*
 * phrase.c - documents, occurrences and positions of a phrase of any length.
 *
 * Two ways to walk a phrase:
 *   lexicon  a phrase of up to max-n tokens that the lexicon holds is one
 *            postings list: its documents and frequencies are read as they
 *            are; start positions, when asked for, are found as below with
 *            the phrase itself as the one window;
 *   cover    any other phrase (longer than max-n, or an n-gram dropped by
 *            --min-df): every token must be in the lexicon, else nothing
 *            matches. Its windows are the m-grams of the phrase (m =
 *            min(n, max-n)) at every offset, or for a phrase of more than
 *            32 tokens at offsets 0, m-1, 2(m-1), ... and n - m, so that
 *            neighbours share a token. Candidate documents are the
 *            intersection of the windows the lexicon holds (with --min-df
 *            one may have been dropped) and of the tokens no such window
 *            contains, rarest list first, each other list seeking to the
 *            candidate through its skip table.
 *
 * Checking a candidate. Positions are stored for single words only, and a
 * frequent word's ("the") cost most to decode, so a document is checked
 * with as few words as its frequencies allow. If window W holds token t
 * and W occurs in the document as often as t does, every occurrence of t
 * lies in an occurrence of W at t's offset: each occurrence of W holds one
 * of t there, and there are as many. So once t is known at its place, W is
 * too, and with it W's other tokens, which may in turn pin other windows.
 * The same holds of a shorter n-gram of the phrase (a sub-gram: "the
 * united" in "in the united states"), once all its tokens are placed.
 * The tokens are taken rarest in the collection first, each looked up in
 * the document only when needed: one that no earlier pick has placed is
 * picked, and its windows followed; one placed already is looked up only
 * if a window not followed yet holds it and is not much rarer. Sub-grams
 * are looked up when tokens place no more. The picked
 * tokens' positions are decoded and probed from the least frequent one's
 * in the document, with forward-only pointers, so a document costs O(sum
 * of the picked tokens' frequencies). When one token places the whole
 * phrase, each of its occurrences starts one occurrence, and counting
 * decodes no positions at all. Documents with no occurrence are skipped.
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

#define NO_WINDOW SIZE_MAX
#define SUB_MAX_N 32 /* longer phrases: windows overlap by one token, no sub-grams */

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
	                           cover: token cursors, windows, sub-grams */
	size_t ncur, cur_cap, ntok_first, ntok; /* token cursors are cur[ntok_first ..+ntok) */
	size_t *tok_cur;        /* phrase index -> cursor index */
	size_t *filt;           /* cover: filter cursors, rarest first: the
	                           windows, and the tokens no window holds */
	size_t nfilt;
	size_t m;               /* tokens per window */
	size_t *sub_at;         /* [(l - 2) * n + off]: the cursor of the l-gram
	                           at off (2 <= l < m), or NO_WINDOW */
	uint32_t *sub_tf;       /* the same: its frequency in the document, or
	                           0 if not looked up */
	/* checking a document (find_matches); the arrays from win_at to ptr
	 * are one block (alloc_check) */
	size_t *win_at;         /* per offset 0..n-m: the window's cursor, or
	                           NO_WINDOW */
	uint32_t *tf;           /* per token cursor: its frequency there, or 0
	                           if not looked up */
	size_t *ord;            /* phrase indexes by their token's frequency */
	size_t *pick;           /* the tokens whose positions are probed */
	size_t *stack;
	unsigned char *placed;  /* per phrase index: PLACED, DONE, QUEUED */
	size_t nplaced;
	unsigned char *followed; /* per offset: window followed */
	const uint32_t **pos;   /* per pick: positions in the doc */
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
	ngidx_free(p->win_at); /* the block of alloc_check */
	ngidx_free(p->sub_at);
	ngidx_free(p->sub_tf);
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

/* Phrase indexes by the frequency of their token in the collection: the
 * order in which pick_tokens considers them. */
static int cmp_cf(const void *a, const void *b, void *ctx)
{
	const ngidx_phrase *p = ctx;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	uint64_t x = p->cur[p->tok_cur[i]].cf, y = p->cur[p->tok_cur[j]].cf;
	if (x != y)
		return (x > y) - (x < y);
	return (i > j) - (i < j);
}

/* Open a cursor on term @id as cur[ncur]. The array may move: no pointer
 * to a cursor is kept across this call. */
static int add_cursor(ngidx_phrase *p, uint64_t id, ngidx_error *err)
{
	if (NGIDX_RESERVE(p->cur, p->cur_cap, p->ncur + 1))
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	int rc = idx_postings_init(&p->cur[p->ncur], p->x, id, err);
	if (!rc)
		p->ncur++;
	return rc;
}

/* The buffers of checking documents (find_matches), in one block: only a
 * phrase whose positions are needed takes it, not an n-gram counted from
 * the lexicon. */
static int alloc_check(ngidx_phrase *p, ngidx_error *err)
{
	if (p->win_at)
		return NGIDX_OK;
	size_t k = (size_t)p->n + 1;
	size_t per = 5 * sizeof(size_t) + sizeof(uint32_t *) + 2 * sizeof(uint32_t) + 2;
	unsigned char *b = ngidx_malloc(k * per);
	if (!b)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	/* widest first: every array stays aligned */
	p->win_at = (void *)b;
	p->ord = (void *)(b += k * sizeof(size_t));
	p->pick = (void *)(b += k * sizeof(size_t));
	p->stack = (void *)(b += k * sizeof(size_t));
	p->ptr = (void *)(b += k * sizeof(size_t));
	p->pos = (void *)(b += k * sizeof(size_t));
	p->tf = (void *)(b += k * sizeof(uint32_t *));
	p->npos = (void *)(b += k * sizeof(uint32_t));
	p->placed = b += k * sizeof(uint32_t);
	p->followed = b + k;
	for (size_t i = 0; i < k; i++)
		p->win_at[i] = NO_WINDOW;
	if (p->lex)
		p->win_at[0] = 0; /* the term itself */
	return NGIDX_OK;
}

/* One cursor per distinct token, from cur[ntok_first] on. @return NGIDX_OK
 * (p->empty set if a token is unknown) or an error. */
static int open_tokens(ngidx_phrase *p, ngidx_error *err)
{
	FORWARD_IF_ERROR(alloc_check(p, err));
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
	if (!rc && !p->empty) {
		for (size_t i = 0; i < p->n; i++)
			p->ord[i] = i;
		qsort_r(p->ord, p->n, sizeof *p->ord, cmp_cf, p);
	}
	return rc;
}

/* The buffers of a phrase of @n tokens and @bytes of normalized text
 * (cursors are added as they are opened: add_cursor). */
static int alloc_bufs(ngidx_phrase *p, size_t n, size_t bytes, ngidx_error *err)
{
	p->n = (unsigned)n;
	p->ngram = ngidx_malloc(bytes);
	p->start = ngidx_malloc((n + 1) * sizeof *p->start);
	p->tok_cur = ngidx_calloc(n + 1, sizeof *p->tok_cur);
	if (!p->ngram || !p->start || !p->tok_cur)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	p->m = n;
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
	int rc = alloc_bufs(p, 1, len + 1, err);
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

/* The offset of the window after the one at @off (n: none). */
static size_t next_window(size_t off, size_t stride, size_t m, size_t n)
{
	if (off + m >= n)
		return n;
	return off + stride + m <= n ? off + stride : n - m;
}

/* The l-grams of the phrase for 2 <= l < m that the lexicon holds: they
 * place windows as tokens do (pick_tokens). */
static int open_subgrams(ngidx_phrase *p, ngidx_error *err)
{
	size_t n = p->n, m = p->m, k = (m - 2) * n;
	p->sub_at = ngidx_malloc(k * sizeof *p->sub_at);
	p->sub_tf = ngidx_calloc(k, sizeof *p->sub_tf);
	if (!p->sub_at || !p->sub_tf)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	size_t found = 0;
	for (size_t l = 2; l < m; l++) {
		for (size_t off = 0; off < n; off++) {
			size_t *at = &p->sub_at[(l - 2) * n + off];
			*at = NO_WINDOW;
			if (off + l > n)
				continue;
			ngidx_term term;
			const char *s = p->ngram + p->start[off];
			int f = ngidx_term_find(p->x, s, p->start[off + l] - 1 - p->start[off], &term);
			if (f < 0)
				return ERR_CORRUPT(err, "section lexdata: lookup failed");
			if (f == 1) {
				*at = p->ncur;
				found++;
				FORWARD_IF_ERROR(add_cursor(p, term.id, err));
			}
		}
	}
	if (!found) { /* nothing to look at for each document */
		ngidx_free(p->sub_at);
		ngidx_free(p->sub_tf);
		p->sub_at = NULL;
		p->sub_tf = NULL;
	}
	return NGIDX_OK;
}

/* Cover mode, after open_tokens: the windows the lexicon holds, and the
 * filters, rarest first (p->empty set if the phrase cannot occur). */
static int open_windows(ngidx_phrase *p, ngidx_error *err)
{
	const ngidx_index *x = p->x;
	size_t n = p->n, m = n < x->max_n ? n : x->max_n;
	size_t stride = n <= SUB_MAX_N || m < 2 ? 1 : m - 1;
	p->m = m;
	p->filt = ngidx_malloc((2 * n + 1) * sizeof *p->filt); /* windows, then tokens */
	if (!p->filt)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	memset(p->placed, 0, n);
	for (size_t off = 0; m >= 2 && off < n; off = next_window(off, stride, m, n)) {
		ngidx_term term;
		const char *s = p->ngram + p->start[off];
		int f = ngidx_term_find(x, s, p->start[off + m] - 1 - p->start[off], &term);
		if (f < 0)
			return ERR_CORRUPT(err, "section lexdata: lookup failed");
		if (f == 0 && idx_lex_complete(x)) {
			p->empty = 1; /* a window never occurs */
			return NGIDX_OK;
		}
		if (f == 0)
			continue;
		p->win_at[off] = p->ncur;
		p->filt[p->nfilt++] = p->ncur;
		FORWARD_IF_ERROR(add_cursor(p, term.id, err));
		memset(p->placed + off, 1, m);
	}
	if (n <= SUB_MAX_N && m > 2)
		FORWARD_IF_ERROR(open_subgrams(p, err));
	/* A token in a window the lexicon holds is implied by it (p->placed
	 * marks the indexes in one, p->tf their tokens: scratch until the first
	 * document is checked). */
	memset(p->tf, 0, p->ntok * sizeof *p->tf);
	for (size_t i = 0; i < n; i++)
		if (p->placed[i])
			p->tf[p->tok_cur[i] - p->ntok_first] = 1;
	for (size_t j = 0; j < p->ntok; j++)
		if (!p->tf[j])
			p->filt[p->nfilt++] = p->ntok_first + j;
	qsort_r(p->filt, p->nfilt, sizeof *p->filt, cmp_df, p->cur);
	for (size_t i = 0; i < p->ncur; i++)
		if (p->cur[i].cf < p->cf_cap)
			p->cf_cap = p->cur[i].cf;
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
	if ((rc = alloc_bufs(p, n, n ? (size_t)t.off[n] + n : 1, err)))
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
	if ((rc = open_tokens(p, err)) || (!p->empty && (rc = open_windows(p, err))))
		goto fail;
	*out = p;
	return NGIDX_OK;
fail:
	ngidx_tokens_release(&t);
	ngidx_phrase_free(p);
	return rc;
}

/* The frequency of @c's term in document @d into *@tf, the cursor brought
 * there. @return 1, 0 if the term is not in @d, or -error. */
static int tf_at(ngidx_postings *c, uint32_t d, uint32_t *tf, ngidx_error *err)
{
	int g = ngidx_postings_seek(c, d, err);
	if (g <= 0 || ngidx_postings_doc(c) != d)
		return g < 0 ? g : 0;
	*tf = ngidx_postings_tf(c);
	return 1;
}

/* The frequency in document @d of the token at phrase index @i into *@tf,
 * its cursor brought there once per document (p->tf[] is 0 until then).
 * @return 1, 0 if the token is not in @d, or -error. */
static int token_tf(ngidx_phrase *p, size_t i, uint32_t d, uint32_t *tf, ngidx_error *err)
{
	size_t j = p->tok_cur[i] - p->ntok_first;
	if (!p->tf[j]) {
		int g = tf_at(&p->cur[p->tok_cur[i]], d, &p->tf[j], err);
		if (g <= 0)
			return g;
	}
	*tf = p->tf[j];
	return 1;
}

/* p->placed[] flags: the index is placed; it was followed with its token's
 * frequency known; it is on the stack. */
enum { PLACED = 1, DONE = 2, QUEUED = 4 };

static void push(ngidx_phrase *p, size_t k, size_t *top)
{
	if (!(p->placed[k] & QUEUED)) {
		p->placed[k] |= QUEUED;
		p->stack[(*top)++] = k;
	}
}

/* Window @o is placed: so are its indexes, to be followed in turn. */
static void place_window(ngidx_phrase *p, size_t o, size_t *top)
{
	p->followed[o] = 1;
	for (size_t k = o; k < o + p->m; k++) {
		if (!p->placed[k]) {
			p->placed[k] = PLACED;
			p->nplaced++;
			push(p, k, top);
		} else if (!(p->placed[k] & DONE) && p->tf[p->tok_cur[k] - p->ntok_first]) {
			push(p, k, top); /* its token was looked up since */
		}
	}
}

/* Whether window @o may still be placed by a piece (token or sub-gram) of
 * @cf occurrences in the collection: it is there, not followed, and not
 * more than @ratio times rarer; else the two will seldom occur as often in
 * one document, and looking the piece up there would be wasted. Measured
 * on the phrases of bench/queries/gen.tsv: 8 for a token, 4 for a
 * sub-gram (bench/RESULTS.md). */
static int open_window(const ngidx_phrase *p, size_t o, uint64_t cf, uint64_t ratio)
{
	size_t w = p->win_at[o];
	return w != NO_WINDOW && !p->followed[o] && cf / ratio <= p->cur[w].cf;
}

/* The offsets [*@lo, *@hi] of the windows that hold indexes [@off, @off +
 * @l) of the phrase. */
static void windows_over(const ngidx_phrase *p, size_t off, size_t l, size_t *lo, size_t *hi)
{
	*lo = off + l > p->m ? off + l - p->m : 0;
	*hi = off < p->n - p->m ? off : p->n - p->m;
}

/* Whether a piece at indexes [@off, @off + @l) of @cf occurrences in the
 * collection may place a window there (open_window, @ratio). */
static int may_place(const ngidx_phrase *p, size_t off, size_t l, uint64_t cf, uint64_t ratio)
{
	size_t lo, hi;
	windows_over(p, off, l, &lo, &hi);
	for (size_t o = lo; o <= hi; o++)
		if (open_window(p, o, cf, ratio))
			return 1;
	return 0;
}

/* A piece at indexes [@off, @off + @l), placed, occurs @tf times in the
 * document: so does each window holding it that occurs @tf times, and it
 * places them. */
static void place_windows(ngidx_phrase *p, size_t off, size_t l, uint32_t tf, size_t *top)
{
	size_t lo, hi;
	windows_over(p, off, l, &lo, &hi);
	for (size_t o = lo; o <= hi; o++)
		if (open_window(p, o, 0, 1) && ngidx_postings_tf(&p->cur[p->win_at[o]]) == tf)
			place_window(p, o, top);
}

/* Each sub-gram whose indexes are all placed places the windows holding
 * it that occur as often in document @d. */
static int follow_subgrams(ngidx_phrase *p, uint32_t d, size_t *top, ngidx_error *err)
{
	size_t n = p->n;
	for (size_t l = 2; l < p->m; l++) {
		for (size_t off = 0; off + l <= n; off++) {
			size_t c = p->sub_at[(l - 2) * n + off], k;
			if (c == NO_WINDOW || !may_place(p, off, l, p->cur[c].cf, 4))
				continue;
			for (k = off; k < off + l && p->placed[k]; k++)
				;
			if (k < off + l)
				continue; /* not all placed */
			uint32_t *tf = &p->sub_tf[(l - 2) * n + off];
			if (!*tf) {
				int g = tf_at(&p->cur[c], d, tf, err);
				if (g < 0)
					return -g;
				if (!g)
					*tf = UINT32_MAX; /* not there: places nothing */
			}
			place_windows(p, off, l, *tf, top);
		}
	}
	return NGIDX_OK;
}

/* From phrase index @i, placed: the windows it pins, and the indexes they
 * place, in turn (see the header comment); then, while some are not
 * placed, what the sub-grams place. */
static int follow(ngidx_phrase *p, size_t i, uint32_t d, ngidx_error *err)
{
	size_t top = 0;
	push(p, i, &top);
	while (top) {
		while (top) {
			size_t j = p->stack[--top];
			p->placed[j] &= (unsigned char)~QUEUED;
			uint32_t tf = p->tf[p->tok_cur[j] - p->ntok_first];
			if (!tf)
				continue;
			p->placed[j] |= DONE;
			place_windows(p, j, 1, tf, &top);
		}
		if (p->sub_at && p->nplaced < p->n)
			FORWARD_IF_ERROR(follow_subgrams(p, d, &top, err));
	}
	return NGIDX_OK;
}

/* The tokens to probe in document @d, where the windows are, into p->pick
 * (the least frequent there first) and their number into *@npick. The
 * indexes are taken by increasing frequency of their token in the
 * collection; one not placed yet is picked, one placed but not followed
 * is looked up and followed, until all are placed.
 * @return 1, 0 if a token is not in @d, or -error. */
static int pick_tokens(ngidx_phrase *p, uint32_t d, size_t *npick, ngidx_error *err)
{
	size_t n = p->n, k = 0;
	memset(p->tf, 0, p->ntok * sizeof *p->tf);
	memset(p->placed, 0, n);
	memset(p->followed, 0, n);
	if (p->sub_tf)
		memset(p->sub_tf, 0, (p->m - 2) * n * sizeof *p->sub_tf);
	p->nplaced = 0;
	for (size_t r = 0; r < n && p->nplaced < n; r++) {
		size_t i = p->ord[r];
		uint32_t tf;
		if ((p->placed[i] & DONE) ||
		    (p->placed[i] && !may_place(p, i, 1, p->cur[p->tok_cur[i]].cf, 8)))
			continue;
		int g = token_tf(p, i, d, &tf, err);
		if (g <= 0)
			return g;
		if (!p->placed[i]) {
			if (!k || tf < p->tf[p->tok_cur[p->pick[0]] - p->ntok_first]) {
				p->pick[k++] = p->pick[0];
				p->pick[0] = i;
			} else {
				p->pick[k++] = i;
			}
			p->placed[i] = PLACED;
			p->nplaced++;
		}
		if ((g = follow(p, i, d, err)))
			return -g;
	}
	*npick = k;
	return 1;
}

/* The occurrences of the phrase in document @d, where its windows (in
 * cover mode, all filters) are; their start positions too if @want_pos.
 * Sets p->nmatch, and p->match_ready when the positions are in p->match. */
static int find_matches(ngidx_phrase *p, uint32_t d, int want_pos, ngidx_error *err)
{
	p->nmatch = 0;
	p->match_ready = 0;
	size_t npick;
	int g = pick_tokens(p, d, &npick, err);
	if (g <= 0)
		return -g; /* 0: a token is missing, no occurrence */
	size_t a = p->pick[0];
	if (npick == 1 && !want_pos) {
		/* each occurrence of the token starts one of the phrase */
		p->nmatch = p->tf[p->tok_cur[a] - p->ntok_first];
		return NGIDX_OK;
	}
	for (size_t k = 0; k < npick; k++) {
		ngidx_postings *c = &p->cur[p->tok_cur[p->pick[k]]];
		FORWARD_IF_ERROR(ngidx_postings_positions(c, &p->pos[k], err));
		p->npos[k] = ngidx_postings_tf(c);
		p->ptr[k] = 0;
	}
	for (uint32_t r = 0; r < p->npos[0]; r++) {
		uint32_t at = p->pos[0][r];
		if (at < a)
			continue;
		uint32_t s = at - (uint32_t)a;
		size_t k;
		for (k = 1; k < npick; k++) {
			uint32_t want = s + (uint32_t)p->pick[k];
			while (p->ptr[k] < p->npos[k] && p->pos[k][p->ptr[k]] < want)
				p->ptr[k]++;
			if (p->ptr[k] == p->npos[k] || p->pos[k][p->ptr[k]] != want)
				break;
		}
		if (k == npick) {
			if (NGIDX_RESERVE(p->match, p->match_cap, p->nmatch + 1))
				return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			p->match[p->nmatch++] = s;
		}
	}
	p->match_ready = 1;
	return NGIDX_OK;
}

/* Cover mode: from the lead cursor's current document on (@more: its last
 * move), the next document where all filters agree and the phrase occurs.
 * Once the documents given hold as many occurrences as the phrase can have
 * (ngidx_phrase_cf_bound), there is no other. */
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
			int rc = find_matches(p, d, 0, err);
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
		if (p->lex && !p->ntok) {
			FORWARD_IF_ERROR(open_tokens(p, err));
			if (p->empty)
				return ERR_CORRUPT(err, "a token of a stored n-gram is missing");
		}
		FORWARD_IF_ERROR(find_matches(p, p->doc, 1, err));
		if (p->nmatch != p->occ)
			return ERR_CORRUPT(err, "n-gram frequency disagrees with positions in document %u", p->doc);
	}
	*pos = p->match;
	*n = p->nmatch;
	return NGIDX_OK;
}
