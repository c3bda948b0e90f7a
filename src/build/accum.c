/*
 * accum.c - counting n-grams of documents into per-term postings buffers.
 *
 * For each document the tokens are first joined by single spaces into one
 * string J, so that every n-gram is a substring of J and its canonical text
 * (the lexicon key) needs no copying to be hashed or compared. For each
 * start i and each n, the n-gram's hash is XXH3 of its text, and an
 * open-addressing table (linear probing, power-of-two size, load <= 1/2)
 * maps it to a term record. Equal hashes are always confirmed by comparing
 * the text, so a collision never merges two n-grams.
 *
 * Within a document a term only counts (cur_tf) and, for unigrams, chains
 * its positions through a per-document array next[] (head/tail in the
 * term): no allocation per occurrence. When the document ends, each term it
 * touched appends "gap, tf[, positions]" to its postings: in the term
 * record while they fit in 8 bytes (most terms of a run are in one of its
 * documents), then in a buffer of the postings arena; a buffer that fills
 * moves to the arena's end with twice the room (the old space is simply
 * left behind until the next spill, so the waste is bounded by the live
 * data).
 *
 * Memory is the sum of the capacities of the arenas, the term array and the
 * table; the pipeline spills when it would pass the worker's share.
 */
#include "accum.h"
#include "run.h"
#include "sieve.h"
#include "codec/codec.h"
#include "common/err.h"
#include "common/hash.h"
#include "common/mem.h"

#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define PF_SLOT 16 /* n-grams ahead: prefetch the table slot */
#define PF_TERM 8  /* n-grams ahead: prefetch the term record */
#define PF_KEY 4   /* n-grams ahead: prefetch the term's text */

/* A term record is one cache line: the n-gram's token count shares a word
 * with its text's offset (term_n, term_key_off). Postings of up to
 * POST_INLINE bytes stay in the record (post_cap 0): most terms of a run
 * are in one of its documents, with an entry of two or three bytes, and an
 * arena buffer of their own would take 16 bytes or more. */
typedef struct term {
	uint64_t hash;
	uint64_t cf;
	uint64_t key;       /* n << KEY_N_SHIFT | offset of the text in keys */
	union {
		uint64_t off;   /* in a->post, if post_cap */
		unsigned char in[8];
	} post;
	uint32_t key_len;
	uint32_t post_len, post_cap;
	uint32_t prev1;     /* last document + 1 (0: none yet) */
	uint32_t df;
	uint32_t cur_tf;    /* occurrences in the current document */
	uint32_t head, tail;/* position chain in the current document */
} term;

_Static_assert(sizeof(term) == 64, "a term record is one cache line");

#define POST_INLINE 8
#define ENTRY_MAX 64 /* a document's entry of at most this is sized exactly */

#define KEY_N_SHIFT 56

static inline uint64_t term_key_off(const term *t) { return t->key & ((1ull << KEY_N_SHIFT) - 1); }
static inline unsigned term_n(const term *t) { return (unsigned)(t->key >> KEY_N_SHIFT); }

struct accum {
	unsigned max_n;
	/* term records, and the table of (hash high 32 bits, index + 1) */
	term *terms;
	size_t nterms, terms_cap;
	uint64_t *table;
	size_t table_cap;   /* power of two */
	/* arenas */
	unsigned char *keys;
	size_t keys_len, keys_cap;
	unsigned char *post;
	size_t post_len, post_cap;
	/* per-document scratch */
	char *joined;
	size_t joined_cap;
	uint32_t *tstart, *next;
	size_t tstart_cap, next_cap;
	uint32_t *touched;
	size_t ntouched, touched_cap;
	uint64_t *hashes;   /* the document's n-grams in probe order: hash, */
	uint32_t *gstart;   /* first token */
	unsigned char *glen;/* and length */
	size_t hashes_cap, gstart_cap, glen_cap;
	const sieve *sv;    /* NULL: every n-gram counts */
	uint32_t pbase;     /* position of token 0 of the last accum_add_range
	                       (modulo 2^32: it may lie before the document) */
};

int accum_create(accum **out, unsigned max_n, uint64_t share)
{
	accum *a = ngidx_calloc(1, sizeof *a);
	if (!a)
		return NGIDX_ERR_NOMEM;
	a->max_n = max_n;
	size_t terms = (size_t)(share / (sizeof(term) + 16)) + 16;
	if (NGIDX_RESERVE(a->post, a->post_cap, (size_t)share) ||
	    NGIDX_RESERVE(a->keys, a->keys_cap, (size_t)share / 2) ||
	    NGIDX_RESERVE(a->terms, a->terms_cap, terms)) {
		accum_free(a);
		return NGIDX_ERR_NOMEM;
	}
	a->table_cap = 1024;
	a->table = ngidx_calloc(a->table_cap, sizeof *a->table);
	if (!a->table) {
		accum_free(a);
		return NGIDX_ERR_NOMEM;
	}
	*out = a;
	return NGIDX_OK;
}

void accum_free(accum *a)
{
	if (!a)
		return;
	ngidx_free(a->terms);
	ngidx_free(a->table);
	ngidx_free(a->keys);
	ngidx_free(a->post);
	ngidx_free(a->touched);
	accum_drop_scratch(a);
	ngidx_free(a);
}

void accum_drop_scratch(accum *a)
{
	ngidx_free(a->joined);
	ngidx_free(a->tstart);
	ngidx_free(a->next);
	ngidx_free(a->hashes);
	ngidx_free(a->gstart);
	ngidx_free(a->glen);
	a->joined = NULL;
	a->tstart = a->next = a->gstart = NULL;
	a->hashes = NULL;
	a->glen = NULL;
	a->joined_cap = a->tstart_cap = a->next_cap = a->hashes_cap = a->gstart_cap = a->glen_cap = 0;
}

size_t accum_size(const accum *a) { return a->nterms; }

uint64_t accum_live(const accum *a)
{
	/* per term: its record and its table slots (load <= 1/2); the spill
	 * sorts the records in place */
	return a->nterms * (sizeof(term) + 16) + a->keys_len + a->post_len;
}

uint64_t accum_doc_need(const accum *a, const ngidx_tokens *t)
{
	/* Keys: an n-gram's text is at most n times the longest... bounded by
	 * n * |J| summed over n; postings: <= 15 bytes per (term, doc) pair plus
	 * 5 per position, doubled for relocation; terms and table entries. */
	uint64_t jl = (uint64_t)t->off[t->ntok] + t->ntok;
	uint64_t n = a->max_n, T = t->ntok;
	return n * (n + 1) / 2 * jl + 2 * (n * T * 15 + T * 5) + n * T * (sizeof(term) + 16) + jl + 12 * T;
}

uint64_t accum_keys_need(size_t nk, size_t text_bytes)
{
	return nk * (sizeof(term) + 16 + 2 * 3 * NGIDX_VARINT32_MAX) + text_bytes;
}

static int grow_table(accum *a)
{
	size_t ncap = a->table_cap * 2;
	uint64_t *nt = ngidx_calloc(ncap, sizeof *nt);
	if (!nt)
		return NGIDX_ERR_NOMEM;
	for (size_t i = 0; i < a->table_cap; i++) {
		uint64_t e = a->table[i];
		if (!e)
			continue;
		const term *t = &a->terms[(uint32_t)e - 1];
		size_t j = (size_t)t->hash & (ncap - 1);
		while (nt[j])
			j = (j + 1) & (ncap - 1);
		nt[j] = e;
	}
	ngidx_free(a->table);
	a->table = nt;
	a->table_cap = ncap;
	return NGIDX_OK;
}

/* Find or insert the n-gram @s[0, @len) with hash @h; @return its index,
 * or NONE on allocation failure. */
static uint32_t find_or_add(accum *a, uint64_t h, const char *s, uint32_t len, unsigned n)
{
	uint32_t tag = (uint32_t)(h >> 32);
	size_t mask = a->table_cap - 1, j = (size_t)h & mask;
	for (;;) {
		uint64_t e = a->table[j];
		if (!e)
			break;
		if ((uint32_t)(e >> 32) == tag) {
			term *t = &a->terms[(uint32_t)e - 1];
			if (t->hash == h && t->key_len == len && !memcmp(a->keys + term_key_off(t), s, len))
				return (uint32_t)e - 1;
		}
		j = (j + 1) & mask;
	}
	if (NGIDX_RESERVE(a->terms, a->terms_cap, a->nterms + 1) ||
	    NGIDX_RESERVE(a->keys, a->keys_cap, a->keys_len + len))
		return NONE;
	uint32_t idx = (uint32_t)a->nterms++;
	term *t = &a->terms[idx];
	memset(t, 0, sizeof *t);
	t->hash = h;
	t->key = (uint64_t)n << KEY_N_SHIFT | a->keys_len;
	t->key_len = len;
	t->head = t->tail = NONE;
	memcpy(a->keys + a->keys_len, s, len);
	a->keys_len += len;
	a->table[j] = ((uint64_t)tag << 32) | (idx + 1);
	if (a->nterms * 2 > a->table_cap && grow_table(a))
		return NONE;
	return idx;
}

/* Where term @t's postings are. */
static inline unsigned char *post_of(accum *a, term *t)
{
	return t->post_cap ? a->post + t->post.off : t->post.in;
}

/* Make room for @need more bytes in term @t's postings. */
static int post_room(accum *a, term *t, size_t need)
{
	size_t cap = t->post_cap ? t->post_cap : POST_INLINE;
	if ((size_t)t->post_len + need <= cap)
		return NGIDX_OK;
	size_t ncap = 2 * ((size_t)t->post_len + need);
	if (ncap < 16)
		ncap = 16;
	if (ncap > UINT32_MAX)
		return NGIDX_ERR_NOMEM;
	/* The buffer at the end of the arena grows in place. */
	if (t->post_cap && t->post.off + t->post_cap == a->post_len) {
		if (NGIDX_RESERVE(a->post, a->post_cap, (size_t)t->post.off + ncap))
			return NGIDX_ERR_NOMEM;
		a->post_len = (size_t)t->post.off + ncap;
		t->post_cap = (uint32_t)ncap;
		return NGIDX_OK;
	}
	if (NGIDX_RESERVE(a->post, a->post_cap, a->post_len + ncap))
		return NGIDX_ERR_NOMEM;
	memcpy(a->post + a->post_len, post_of(a, t), t->post_len); /* before post.off */
	t->post.off = a->post_len;
	t->post_cap = (uint32_t)ncap;
	a->post_len += ncap;
	return NGIDX_OK;
}

/* Term @idx occurs in the current document for the first time. */
static int touch(accum *a, uint32_t idx)
{
	if (NGIDX_RESERVE(a->touched, a->touched_cap, a->ntouched + 1))
		return NGIDX_ERR_NOMEM;
	a->touched[a->ntouched++] = idx;
	return NGIDX_OK;
}

/* Add position @p (relative to a->pbase, increasing) to unigram @t's chain. */
static void chain_pos(accum *a, term *t, uint32_t p)
{
	a->next[p] = NONE;
	if (t->head == NONE)
		t->head = p;
	else
		a->next[t->tail] = p;
	t->tail = p;
}

/* Append the current document's entry to each term it touched. */
static int flush_doc(accum *a, uint32_t doc)
{
	unsigned char e[ENTRY_MAX];
	for (size_t k = 0; k < a->ntouched; k++) {
		term *t = &a->terms[a->touched[k]];
		uint32_t tf = t->cur_tf;
		/* A short entry is written in e[] and then given exactly the room
		 * it takes (so that it may stay in the record); a long one
		 * straight into room for its bound. */
		size_t bound = 2 * NGIDX_VARINT32_MAX + (term_n(t) == 1 ? (size_t)tf * NGIDX_VARINT32_MAX : 0);
		unsigned char *p0 = e;
		if (bound > sizeof e) {
			if (post_room(a, t, bound))
				return NGIDX_ERR_NOMEM;
			p0 = post_of(a, t) + t->post_len;
		}
		/* g = doc + 1 - prev1: 0 continues the previous entry's document
		 * (a document analyzed in pieces, run.h) */
		int cont = t->prev1 == doc + 1;
		unsigned char *q = p0;
		q += ngidx_varint_put(q, (uint64_t)doc + 1 - t->prev1);
		q += ngidx_varint_put(q, tf);
		if (term_n(t) == 1) {
			uint32_t prev1 = 0;
			for (uint32_t p = t->head; p != NONE; p = a->next[p]) {
				q += ngidx_varint_put(q, p + a->pbase - prev1);
				prev1 = p + a->pbase + 1;
			}
			t->head = t->tail = NONE;
		}
		size_t len = (size_t)(q - p0);
		if (p0 == e) {
			if (post_room(a, t, len))
				return NGIDX_ERR_NOMEM;
			memcpy(post_of(a, t) + t->post_len, e, len);
		}
		t->post_len += (uint32_t)len;
		t->prev1 = doc + 1;
		t->df += !cont;
		t->cf += tf;
		t->cur_tf = 0;
	}
	return NGIDX_OK;
}

/*
 * The n-grams of @tk that end at token @skip or later and have @min_n
 * tokens or more, in order of first token then length: their hashes in
 * a->hashes, first tokens in a->gstart and lengths in a->glen; @return how
 * many, or -1 on allocation failure. The tokens are joined in a->joined.
 */
static ptrdiff_t ngrams(accum *a, const ngidx_tokens *tk, size_t skip, unsigned min_n)
{
	size_t T = tk->ntok;
	if (T <= skip)
		return 0;
	size_t jl = (size_t)tk->off[T] + T;
	if (NGIDX_RESERVE(a->joined, a->joined_cap, jl) ||
	    NGIDX_RESERVE(a->tstart, a->tstart_cap, T + 1) ||
	    NGIDX_RESERVE(a->next, a->next_cap, T))
		return -1;
	/* J = tokens joined by spaces; tstart[i] = where token i starts;
	 * tstart[T] = |J| + 1 so that token i ends at tstart[i + 1] - 1. */
	size_t o = 0;
	for (size_t i = 0; i < T; i++) {
		size_t l;
		const char *s = ngidx_tok(tk, i, &l);
		a->tstart[i] = (uint32_t)o;
		memcpy(a->joined + o, s, l);
		o += l;
		a->joined[o++] = ' ';
	}
	a->tstart[T] = (uint32_t)o;
	/* From token i: lengths minn(i)..maxn(i). */
	size_t K = 0;
	for (size_t i = 0; i < T; i++) {
		size_t maxn = T - i < a->max_n ? T - i : a->max_n;
		size_t minn = i < skip ? skip - i + 1 : 1;
		minn = minn < min_n ? min_n : minn;
		K += maxn >= minn ? maxn - minn + 1 : 0;
	}
	if (NGIDX_RESERVE(a->hashes, a->hashes_cap, K) ||
	    NGIDX_RESERVE(a->gstart, a->gstart_cap, K) ||
	    NGIDX_RESERVE(a->glen, a->glen_cap, K))
		return -1;
	K = 0;
	for (size_t i = 0; i < T; i++) {
		size_t maxn = T - i < a->max_n ? T - i : a->max_n;
		size_t minn = i < skip ? skip - i + 1 : 1;
		uint32_t s = a->tstart[i];
		for (size_t n = minn < min_n ? min_n : minn; n <= maxn; n++, K++) {
			a->hashes[K] = ngidx_hash64(a->joined + s, a->tstart[i + n] - 1 - s);
			a->gstart[K] = (uint32_t)i;
			a->glen[K] = (unsigned char)n;
		}
	}
	return (ptrdiff_t)K;
}

int accum_sieve_range(accum *a, sieve *sv, const ngidx_tokens *tk, size_t skip)
{
	ptrdiff_t K = ngrams(a, tk, skip, 2);
	if (K < 0)
		return NGIDX_ERR_NOMEM;
	sieve_add(sv, a->hashes, (size_t)K);
	return NGIDX_OK;
}

void accum_set_sieve(accum *a, const sieve *sv) { a->sv = sv; }

/* Keep of the n-grams found by ngrams() the unigrams and those the sieve
 * lets through; @return how many. */
static size_t sift(accum *a, size_t K)
{
	const sieve *sv = a->sv;
	size_t k = 0;
	for (size_t j = 0; j < K; j++) {
		if (j + PF_SLOT < K)
			sieve_prefetch(sv, a->hashes[j + PF_SLOT]);
		if (a->glen[j] > 1 && !sieve_maybe_twice(sv, a->hashes[j]))
			continue;
		a->hashes[k] = a->hashes[j];
		a->gstart[k] = a->gstart[j];
		a->glen[k++] = a->glen[j];
	}
	return k;
}

/* Count the n-grams @g of the current document and flush it as document
 * @doc. a->next must hold a slot per token. */
static int count_grams(accum *a, uint32_t doc, const accum_grams *g)
{
	const char *joined = g->joined;
	const uint32_t *tstart = g->tstart, *start = g->start;
	const uint64_t *hash = g->hash;
	const unsigned char *len = g->len;
	size_t K = g->k;
	/* The hashes are all known first: the table probes below prefetch the
	 * slot PF_SLOT n-grams ahead, the term record PF_TERM ahead and its
	 * text PF_KEY ahead, so the three cache misses of a lookup (slot,
	 * record, text) overlap instead of adding up. */
	a->ntouched = 0;
	for (size_t k = 0; k < K; k++) {
		size_t mask = a->table_cap - 1;
		if (k + PF_SLOT < K)
			__builtin_prefetch(&a->table[hash[k + PF_SLOT] & mask]);
		if (k + PF_TERM < K) {
			uint64_t e = a->table[hash[k + PF_TERM] & mask];
			if (e)
				__builtin_prefetch(&a->terms[(uint32_t)e - 1]);
		}
		if (k + PF_KEY < K) {
			uint64_t e = a->table[hash[k + PF_KEY] & mask];
			if (e)
				__builtin_prefetch(a->keys + term_key_off(&a->terms[(uint32_t)e - 1]));
		}
		uint32_t i = start[k], n = len[k], s = tstart[i];
		uint32_t idx = find_or_add(a, hash[k], joined + s, tstart[i + n] - 1 - s, n);
		if (idx == NONE)
			return NGIDX_ERR_NOMEM;
		term *t = &a->terms[idx];
		if (t->cur_tf++ == 0 && touch(a, idx))
			return NGIDX_ERR_NOMEM;
		if (n == 1)
			chain_pos(a, t, i);
	}
	return flush_doc(a, doc);
}

/* The n-grams of @tk that end at token @skip or later (ngrams), after the
 * sieve, in @g: @a's scratch. */
static int grams_from(accum *a, const ngidx_tokens *tk, size_t skip, accum_grams *g)
{
	static const uint32_t none[1] = { 0 }; /* no token: ngrams() joins nothing */
	ptrdiff_t got = ngrams(a, tk, skip, 1);
	if (got < 0)
		return NGIDX_ERR_NOMEM;
	g->joined = tk->ntok ? a->joined : "";
	g->tstart = tk->ntok ? a->tstart : none;
	g->ntok = tk->ntok;
	g->hash = a->hashes;
	g->start = a->gstart;
	g->len = a->glen;
	g->k = a->sv ? sift(a, (size_t)got) : (size_t)got;
	return NGIDX_OK;
}

int accum_add_range(accum *a, uint32_t doc, const ngidx_tokens *tk, size_t skip, uint32_t base)
{
	a->pbase = base - (uint32_t)skip;
	accum_grams g;
	if (grams_from(a, tk, skip, &g))
		return NGIDX_ERR_NOMEM;
	return count_grams(a, doc, &g);
}

int accum_grams_of(accum *a, const ngidx_tokens *tk, accum_grams *g)
{
	return grams_from(a, tk, 0, g);
}

int accum_add_grams(accum *a, uint32_t doc, const accum_grams *g)
{
	a->pbase = 0;
	if (NGIDX_RESERVE(a->next, a->next_cap, g->ntok))
		return NGIDX_ERR_NOMEM;
	return count_grams(a, doc, g);
}

int accum_add_keys(accum *a, uint32_t doc, const accum_key *k, size_t nk)
{
	a->ntouched = 0;
	for (size_t i = 0; i < nk; i++) {
		unsigned n = 1;
		for (uint32_t c = 0; c < k[i].len; c++)
			n += k[i].text[c] == ' ';
		uint32_t idx = find_or_add(a, ngidx_hash64(k[i].text, k[i].len), k[i].text, k[i].len, n);
		if (idx == NONE)
			return NGIDX_ERR_NOMEM;
		term *t = &a->terms[idx];
		if (t->cur_tf == 0 && touch(a, idx))
			return NGIDX_ERR_NOMEM;
		t->cur_tf += k[i].count;
		if (n == 1) { /* one occurrence at k[i].pos, in increasing order */
			uint32_t p = k[i].pos - a->pbase;
			if (NGIDX_RESERVE(a->next, a->next_cap, (size_t)p + 1))
				return NGIDX_ERR_NOMEM;
			chain_pos(a, t, p);
		}
	}
	return flush_doc(a, doc);
}

/* Order of terms: hash, then text bytes, then length (run.h). */
static int cmp_terms(const void *x, const void *y, void *ctx)
{
	const accum *a = ctx;
	const term *s = x, *t = y;
	if (s->hash != t->hash)
		return s->hash < t->hash ? -1 : 1;
	uint32_t m = s->key_len < t->key_len ? s->key_len : t->key_len;
	int c = memcmp(a->keys + term_key_off(s), a->keys + term_key_off(t), m);
	if (c)
		return c;
	return (s->key_len > t->key_len) - (s->key_len < t->key_len);
}

#define SORT_SMALL 32 /* ranges this short are sorted by insertion */

/*
 * Sort a->terms[lo, hi) by (hash, text) in place: an MSD radix sort on the
 * hash's bytes from bit @shift down (American flag sort: each record is
 * moved once per level, by swaps, into its bucket), then insertion sort
 * for short ranges, or qsort for a long range of equal hashes (a real
 * collision, or any run of the weak test hash). In place, so a spill needs
 * no memory beyond the records (the table that indexed them is emptied
 * after the spill anyway): 32 bytes a term less than sorting (hash, index)
 * pairs in two arrays, so runs hold more terms. Recursion: at most 8
 * levels of 4 KB.
 */
static void sort_terms(accum *a, size_t lo, size_t hi, int shift)
{
	term *t = a->terms;
	if (hi - lo <= SORT_SMALL) {
		for (size_t i = lo + 1; i < hi; i++) {
			term x = t[i];
			size_t j = i;
			for (; j > lo && cmp_terms(&t[j - 1], &x, a) > 0; j--)
				t[j] = t[j - 1];
			t[j] = x;
		}
		return;
	}
	if (shift < 0) {
		qsort_r(t + lo, hi - lo, sizeof *t, cmp_terms, a);
		return;
	}
	size_t next[256] = { 0 }, end[256];
	for (size_t i = lo; i < hi; i++)
		next[(t[i].hash >> shift) & 255]++;
	for (size_t d = 0, at = lo; d < 256; d++) {
		size_t c = next[d];
		next[d] = at;
		end[d] = at += c;
	}
	for (unsigned d = 0; d < 256; d++) {
		while (next[d] < end[d]) {
			term x = t[next[d]];
			unsigned b = (unsigned)(x.hash >> shift) & 255;
			while (b != d) {
				term y = t[next[b]];
				t[next[b]++] = x;
				x = y;
				b = (unsigned)(x.hash >> shift) & 255;
			}
			t[next[d]++] = x;
		}
	}
	for (unsigned d = 0; d < 256; d++) {
		size_t start = d ? end[d - 1] : lo;
		if (end[d] - start > 1)
			sort_terms(a, start, end[d], shift - 8);
	}
}

int accum_spill(accum *a, const char *path, uint64_t *bytes, ngidx_error *err)
{
	sort_terms(a, 0, a->nterms, 56);
	run_writer rw;
	FORWARD_IF_ERROR(run_writer_open(&rw, path, err));
	for (size_t i = 0; i < a->nterms; i++) {
		/* The texts and postings are visited in hash order, i.e. at
		 * random in memory: fetch a few ahead so the copies below do not
		 * wait on misses. */
		if (i + 8 < a->nterms) {
			__builtin_prefetch(a->keys + term_key_off(&a->terms[i + 8]));
			if (a->terms[i + 8].post_cap)
				__builtin_prefetch(a->post + a->terms[i + 8].post.off);
		}
		term *t = &a->terms[i];
		int tf1 = t->cf == t->df;
		run_writer_head(&rw, t->hash, term_n(t), a->keys + term_key_off(t), t->key_len, t->df, t->cf,
		                tf1 ? t->post_len - t->df : t->post_len);
		if (tf1)
			run_put_without_tf(&rw.w, post_of(a, t), t->post_len, term_n(t));
		else
			ngidx_wfile_write(&rw.w, post_of(a, t), t->post_len);
	}
	FORWARD_IF_ERROR(run_writer_close(&rw, bytes, err));
	/* Empty, keeping the allocations. */
	a->nterms = 0;
	a->keys_len = 0;
	a->post_len = 0;
	memset(a->table, 0, a->table_cap * sizeof *a->table);
	return NGIDX_OK;
}
