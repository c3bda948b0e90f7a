/*
 * accum.c - counting n-grams of documents into per-term postings buffers.
 *
 * For each document the tokens are first joined by single spaces into one
 * string J, so that every n-gram is a substring of J and its canonical text
 * (the lexicon key) needs no copying to be hashed or compared. For each
 * start i and each n, the n-gram's hash is XXH3 of its text, and an
 * open-addressing table (linear probing, load <= 3/4, sized to the share:
 * TABLE_SHARE) maps it to a term record. Equal hashes are always confirmed by comparing
 * the text, so a collision never merges two n-grams.
 *
 * A term record holds only what lasts from one document to the next (32
 * bytes: two records a cache line). What a document does to a term lives
 * in the document's list of touched terms (struct cur): the occurrences
 * (tf) and, for unigrams, the head and tail of a chain of positions
 * through a per-document array next[], so no occurrence allocates. While a
 * term is touched its record's prev1 holds its place in that list; the
 * list entry keeps the real prev1. When the document ends, each touched
 * term appends "gap, tf[, positions]" to its postings: in the term record
 * while they fit in 8 bytes (most terms of a run are in one of its
 * documents), then in a buffer of the postings arena; a buffer that fills
 * moves to the arena's end with about twice the room (the old space is
 * simply left behind until the next spill, so the waste is bounded by the
 * live data).
 *
 * The record keeps neither the hash nor the token count: the table's slot
 * holds the hash's low 32 bits, which place the slot and filter the probes,
 * and a spill hashes the texts again and counts their spaces.
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
#define PF_POST 8  /* terms ahead: prefetch where flush_doc appends an entry */

/* A term record: its text, its postings (in the record while they take
 * at most POST_INLINE bytes: most terms of a run are in one of its
 * documents, with an entry of two or three bytes, and an arena buffer of
 * their own would take 16 bytes or more), and what the next document's
 * entry needs. The room of an arena buffer is not stored: it is
 * post_cap(post_len). */
typedef struct term {
	uint32_t key_off;   /* of the text in a->keys */
	uint32_t key_len;
	union {
		uint64_t off;   /* in a->post, if post_len > POST_INLINE */
		unsigned char in[8];
	} post;
	uint32_t post_len;
	uint32_t prev1;     /* last document + 1 (0: none yet); while the term
	                       is touched, its index in a->cur */
	uint32_t df;
	uint32_t cf;
} term;

_Static_assert(sizeof(term) == 32, "two term records a cache line");

/* A term touched by the current document. */
typedef struct cur {
	uint32_t idx;       /* in a->terms */
	uint32_t prev1;     /* the term's prev1 before this document */
	uint32_t tf;
	uint32_t head, tail;/* the chain of positions in next[] (unigrams) */
	uint32_t n;         /* tokens of the n-gram */
} cur;

#define POST_INLINE 8
#define POST_MIN 16  /* the smallest arena buffer */
#define ENTRY_MAX 64 /* a document's entry of at most this is written on the stack */

/*
 * The table: at most 3/4 full (linear probing then takes about 2.5 probes
 * to find a term and 8.5 to miss, 8 bytes each, most in the cache line of
 * the first). A slot's place is the hash's low 32 bits scaled to the size
 * ((tag * cap) >> 32), so the size need not be a power of two: it doubles
 * from TABLE_MIN up to TABLE_SHARE of the accumulator's share, then takes
 * that size exactly, so that the table grows no larger than a full share's
 * terms need (at 3/4: share / 64 terms, about what a share holds of terms
 * seen once: 32 bytes of record, 10 of table, 15-25 of text and postings).
 * It doubles past that only for a single document with more n-grams.
 */
#define TABLE_MIN 1024
#define TABLE_LOAD_NUM 3
#define TABLE_LOAD_DEN 4
#define TABLE_SHARE 6 /* the table takes at most 1/6 of the share */

/* The room of a term's arena buffer: the power of two at or above its
 * length (buffers are allocated so). */
static inline size_t post_cap(uint32_t len)
{
	if (len <= POST_MIN)
		return POST_MIN;
	return (size_t)1 << (64 - __builtin_clzll((uint64_t)len - 1));
}

/* A spill sorts the terms as words in the table's memory: the hash's high
 * 32 bits, then the term's index. The low 32 bits wait in the record's
 * prev1, which a spill needs no more. */
#define WORD_IDX(w) ((uint32_t)(w))
#define WORD_HASH(a, w) ((w) >> 32 << 32 | (a)->terms[WORD_IDX(w)].prev1)

struct accum {
	unsigned max_n;
	/* term records, and the table of (hash low 32 bits, index + 1) */
	term *terms;
	size_t nterms, terms_cap;
	uint64_t *table;
	size_t table_cap, table_max; /* slots, and table_cap_for's limit */
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
	cur *cur;           /* the terms the current document touched */
	size_t ntouched, cur_cap;
	unsigned char *entry; /* a long entry, before it is appended */
	size_t entry_cap;
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
	size_t terms = (size_t)(share / sizeof(term)) + 16;
	if (NGIDX_RESERVE(a->post, a->post_cap, (size_t)share) ||
	    NGIDX_RESERVE(a->keys, a->keys_cap, (size_t)share / 2) ||
	    NGIDX_RESERVE(a->terms, a->terms_cap, terms)) {
		accum_free(a);
		return NGIDX_ERR_NOMEM;
	}
	a->table_cap = TABLE_MIN;
	a->table_max = (size_t)(share / TABLE_SHARE / sizeof *a->table);
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
	ngidx_free(a->cur);
	ngidx_free(a->entry);
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
	/* The table stays at its size from one spill to the next (and the
	 * spill sorts in its memory); it was counted when it grew. */
	if (!a->nterms)
		return 0;
	return a->nterms * sizeof(term) + a->table_cap * sizeof *a->table + a->keys_len + a->post_len;
}

uint64_t accum_doc_need(const accum *a, const ngidx_tokens *t)
{
	/* Keys: an n-gram's text is at most n times the longest... bounded by
	 * n * |J| summed over n; postings: <= 15 bytes per (term, doc) pair plus
	 * 5 per position, doubled for relocation; term records (the table's
	 * growth is accum_table_need's). */
	uint64_t jl = (uint64_t)t->off[t->ntok] + t->ntok;
	uint64_t n = a->max_n, T = t->ntok;
	return n * (n + 1) / 2 * jl + 2 * (n * T * 15 + T * 5) + n * T * sizeof(term) + jl + 12 * T;
}

uint64_t accum_keys_need(size_t nk, size_t text_bytes)
{
	return nk * (sizeof(term) + 2 * 3 * NGIDX_VARINT32_MAX) + text_bytes;
}

/* The tokens of an n-gram's text: its spaces + 1. */
static unsigned tokens_of(const char *s, size_t len)
{
	unsigned n = 1;
	for (size_t i = 0; i < len; i++)
		n += s[i] == ' ';
	return n;
}

/* The table's size for @nterms terms, from its current size on. */
static size_t table_cap_for(const accum *a, uint64_t nterms)
{
	size_t cap = a->table_cap;
	while (nterms * TABLE_LOAD_DEN > (uint64_t)cap * TABLE_LOAD_NUM)
		cap = cap < a->table_max && 2 * cap > a->table_max ? a->table_max : 2 * cap;
	return cap;
}

uint64_t accum_table_need(const accum *a, uint64_t new_terms)
{
	size_t cap = table_cap_for(a, a->nterms + new_terms);
	return cap == a->table_cap ? 0 : cap * sizeof *a->table;
}

/* The slot where a probe for the tag @tag starts. */
static inline size_t slot_of(uint32_t tag, size_t cap)
{
	return (size_t)(((uint64_t)tag * cap) >> 32);
}

static int grow_table(accum *a, size_t ncap)
{
	uint64_t *nt = ngidx_calloc(ncap, sizeof *nt);
	if (!nt)
		return NGIDX_ERR_NOMEM;
	for (size_t i = 0; i < a->table_cap; i++) {
		uint64_t e = a->table[i];
		if (!e)
			continue;
		size_t j = slot_of((uint32_t)(e >> 32), ncap);
		while (nt[j])
			j = j + 1 < ncap ? j + 1 : 0;
		nt[j] = e;
	}
	ngidx_free(a->table);
	a->table = nt;
	a->table_cap = ncap;
	return NGIDX_OK;
}

/* Find or insert the n-gram @s[0, @len) with hash @h; @return its index,
 * or NONE on allocation failure. */
static uint32_t find_or_add(accum *a, uint64_t h, const char *s, uint32_t len)
{
	uint32_t tag = (uint32_t)h;
	size_t cap = a->table_cap, j = slot_of(tag, cap);
	for (;;) {
		uint64_t e = a->table[j];
		if (!e)
			break;
		if ((uint32_t)(e >> 32) == tag) {
			term *t = &a->terms[(uint32_t)e - 1];
			if (t->key_len == len && !memcmp(a->keys + t->key_off, s, len))
				return (uint32_t)e - 1;
		}
		j = j + 1 < cap ? j + 1 : 0;
	}
	if (a->nterms >= UINT32_MAX - 1 || a->keys_len + len > UINT32_MAX ||
	    NGIDX_RESERVE(a->terms, a->terms_cap, a->nterms + 1) ||
	    NGIDX_RESERVE(a->keys, a->keys_cap, a->keys_len + len))
		return NONE;
	uint32_t idx = (uint32_t)a->nterms++;
	term *t = &a->terms[idx];
	memset(t, 0, sizeof *t);
	t->key_off = (uint32_t)a->keys_len;
	t->key_len = len;
	memcpy(a->keys + a->keys_len, s, len);
	a->keys_len += len;
	a->table[j] = ((uint64_t)tag << 32) | (idx + 1);
	size_t ncap = table_cap_for(a, a->nterms);
	if (ncap != cap && grow_table(a, ncap))
		return NONE;
	return idx;
}

/* Where term @t's postings are. */
static inline unsigned char *post_of(accum *a, term *t)
{
	return t->post_len > POST_INLINE ? a->post + t->post.off : t->post.in;
}

/*
 * Make room for @need more bytes at the end of term @t's postings, which
 * the caller then writes, adding @need to post_len: a buffer is allocated
 * with the room post_cap(post_len) will give. @return where the postings
 * are now (the record's inline bytes stay in use until post_len passes
 * POST_INLINE, so post_of would not do before), or NULL on allocation
 * failure.
 */
static unsigned char *post_room(accum *a, term *t, size_t need)
{
	size_t len = t->post_len, want = len + need;
	int inl = len <= POST_INLINE;
	unsigned char *p = inl ? t->post.in : a->post + t->post.off;
	if (want <= (inl ? POST_INLINE : post_cap((uint32_t)len)))
		return p;
	if (want > UINT32_MAX)
		return NULL;
	size_t ncap = post_cap((uint32_t)want);
	/* The buffer at the end of the arena grows in place. */
	if (!inl && t->post.off + post_cap((uint32_t)len) == a->post_len) {
		if (NGIDX_RESERVE(a->post, a->post_cap, (size_t)t->post.off + ncap))
			return NULL;
		a->post_len = (size_t)t->post.off + ncap;
		return a->post + t->post.off;
	}
	if (NGIDX_RESERVE(a->post, a->post_cap, a->post_len + ncap))
		return NULL;
	unsigned char *q = a->post + a->post_len;
	memcpy(q, inl ? t->post.in : a->post + t->post.off, len); /* before post.off */
	t->post.off = a->post_len;
	a->post_len += ncap;
	return q;
}

/* Term @idx, an n-gram of @n tokens, occurs in the current document: its
 * entry in a->cur, made at its first occurrence (a->cur has room). */
static inline cur *touch(accum *a, uint32_t idx, unsigned n)
{
	term *t = &a->terms[idx];
	uint32_t s = t->prev1;
	if (s < a->ntouched && a->cur[s].idx == idx)
		return &a->cur[s];
	cur *c = &a->cur[a->ntouched];
	c->idx = idx;
	c->prev1 = s;
	c->tf = 0;
	c->head = c->tail = NONE;
	c->n = n;
	t->prev1 = (uint32_t)a->ntouched++;
	return c;
}

/* Add position @p (relative to a->pbase, increasing) to unigram @c's chain. */
static void chain_pos(accum *a, cur *c, uint32_t p)
{
	a->next[p] = NONE;
	if (c->head == NONE)
		c->head = p;
	else
		a->next[c->tail] = p;
	c->tail = p;
}

/* Append an n-gram's entry (gap @g, frequency @tf) to term @t: its room
 * is known before it is written, so it goes straight into the postings. */
static int put_gram_entry(accum *a, term *t, uint64_t g, uint32_t tf)
{
	size_t len = varint_len(g) + varint_len(tf);
	unsigned char *p = post_room(a, t, len);
	if (!p)
		return NGIDX_ERR_NOMEM;
	p += t->post_len;
	p += ngidx_varint_put(p, g);
	ngidx_varint_put(p, tf);
	t->post_len += (uint32_t)len;
	return NGIDX_OK;
}

/* Append a word's entry (gap @g, then @c's frequency and positions) to
 * term @t. It is written apart (on the stack, or in a->entry when long)
 * and then given exactly the room it takes: so that it may stay in the
 * record, and so that a buffer's room is post_cap(post_len). */
static int put_word_entry(accum *a, term *t, const cur *c, uint64_t g)
{
	unsigned char e[ENTRY_MAX], *p0 = e;
	size_t bound = (2 + (size_t)c->tf) * NGIDX_VARINT32_MAX;
	if (bound > sizeof e) {
		if (NGIDX_RESERVE(a->entry, a->entry_cap, bound))
			return NGIDX_ERR_NOMEM;
		p0 = a->entry;
	}
	unsigned char *q = p0;
	q += ngidx_varint_put(q, g);
	q += ngidx_varint_put(q, c->tf);
	uint32_t prev1 = 0;
	for (uint32_t at = c->head; at != NONE; at = a->next[at]) {
		q += ngidx_varint_put(q, at + a->pbase - prev1);
		prev1 = at + a->pbase + 1;
	}
	size_t len = (size_t)(q - p0);
	unsigned char *p = post_room(a, t, len);
	if (!p)
		return NGIDX_ERR_NOMEM;
	memcpy(p + t->post_len, p0, len);
	t->post_len += (uint32_t)len;
	return NGIDX_OK;
}

/* Append the current document's entry to each term it touched, the
 * place of each entry prefetched PF_POST terms ahead. */
static int flush_doc(accum *a, uint32_t doc)
{
	for (size_t k = 0; k < a->ntouched; k++) {
		const cur *c = &a->cur[k];
		term *t = &a->terms[c->idx];
		uint32_t tf = c->tf;
		if (k + PF_POST < a->ntouched) {
			const term *u = &a->terms[a->cur[k + PF_POST].idx];
			if (u->post_len > POST_INLINE)
				__builtin_prefetch(a->post + u->post.off + u->post_len, 1);
		}
		t->prev1 = c->prev1;
		if (t->cf + tf < tf)
			return NGIDX_ERR_NOMEM; /* 2^32 occurrences: a share is less */
		/* g = doc + 1 - prev1: 0 continues the previous entry's document
		 * (a document analyzed in pieces, run.h) */
		uint64_t g = (uint64_t)doc + 1 - t->prev1;
		int rc = c->n == 1 ? put_word_entry(a, t, c, g) : put_gram_entry(a, t, g, tf);
		if (rc)
			return rc;
		t->prev1 = doc + 1;
		t->df += g != 0;
		t->cf += tf;
	}
	a->ntouched = 0;
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
	if (NGIDX_RESERVE(a->cur, a->cur_cap, K))
		return NGIDX_ERR_NOMEM;
	for (size_t k = 0; k < K; k++) {
		size_t cap = a->table_cap;
		if (k + PF_SLOT < K)
			__builtin_prefetch(&a->table[slot_of((uint32_t)hash[k + PF_SLOT], cap)]);
		if (k + PF_TERM < K) {
			uint64_t e = a->table[slot_of((uint32_t)hash[k + PF_TERM], cap)];
			if (e)
				__builtin_prefetch(&a->terms[(uint32_t)e - 1]);
		}
		if (k + PF_KEY < K) {
			uint64_t e = a->table[slot_of((uint32_t)hash[k + PF_KEY], cap)];
			if (e)
				__builtin_prefetch(a->keys + a->terms[(uint32_t)e - 1].key_off);
		}
		uint32_t i = start[k], n = len[k], s = tstart[i];
		uint32_t idx = find_or_add(a, hash[k], joined + s, tstart[i + n] - 1 - s);
		if (idx == NONE)
			return NGIDX_ERR_NOMEM;
		cur *c = touch(a, idx, n);
		c->tf++;
		if (n == 1)
			chain_pos(a, c, i);
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
	if (NGIDX_RESERVE(a->cur, a->cur_cap, nk))
		return NGIDX_ERR_NOMEM;
	for (size_t i = 0; i < nk; i++) {
		uint32_t idx = find_or_add(a, ngidx_hash64(k[i].text, k[i].len), k[i].text, k[i].len);
		if (idx == NONE)
			return NGIDX_ERR_NOMEM;
		cur *c = touch(a, idx, tokens_of(k[i].text, k[i].len));
		c->tf += k[i].count;
		if (c->n == 1) { /* one occurrence at k[i].pos, in increasing order */
			uint32_t p = k[i].pos - a->pbase;
			if (NGIDX_RESERVE(a->next, a->next_cap, (size_t)p + 1))
				return NGIDX_ERR_NOMEM;
			chain_pos(a, c, p);
		}
	}
	return flush_doc(a, doc);
}

/* Order of terms: hash, then text bytes, then length (run.h). */
static int cmp_words(const void *x, const void *y, void *ctx)
{
	const accum *a = ctx;
	uint64_t p = *(const uint64_t *)x >> 32, q = *(const uint64_t *)y >> 32;
	if (p != q) /* most often: the records are not read */
		return p < q ? -1 : 1;
	p = WORD_HASH(a, *(const uint64_t *)x);
	q = WORD_HASH(a, *(const uint64_t *)y);
	if (p != q)
		return p < q ? -1 : 1;
	const term *s = &a->terms[WORD_IDX(*(const uint64_t *)x)];
	const term *t = &a->terms[WORD_IDX(*(const uint64_t *)y)];
	uint32_t m = s->key_len < t->key_len ? s->key_len : t->key_len;
	int c = memcmp(a->keys + s->key_off, a->keys + t->key_off, m);
	if (c)
		return c;
	return (s->key_len > t->key_len) - (s->key_len < t->key_len);
}

#define SORT_SMALL 32 /* ranges this short are sorted by insertion */

/*
 * Sort the words @w[lo, hi) by (hash, text): an MSD radix sort on the
 * hash's high bytes from bit @shift down to bit 32 (American flag sort:
 * each word is moved once per level, by swaps, into its bucket), then
 * insertion sort for short ranges, or qsort for a long range of equal high
 * halves. In place: the words live in the table's memory, which the spill
 * empties anyway, so a spill needs no memory of its own. Recursion: at
 * most 4 levels of 4 KB.
 */
static void sort_words(accum *a, uint64_t *w, size_t lo, size_t hi, int shift)
{
	if (hi - lo <= SORT_SMALL) {
		for (size_t i = lo + 1; i < hi; i++) {
			uint64_t x = w[i];
			size_t j = i;
			for (; j > lo && cmp_words(&w[j - 1], &x, a) > 0; j--)
				w[j] = w[j - 1];
			w[j] = x;
		}
		return;
	}
	if (shift < 32) {
		qsort_r(w + lo, hi - lo, sizeof *w, cmp_words, a);
		return;
	}
	size_t next[256] = { 0 }, end[256];
	for (size_t i = lo; i < hi; i++)
		next[(w[i] >> shift) & 255]++;
	for (size_t d = 0, at = lo; d < 256; d++) {
		size_t c = next[d];
		next[d] = at;
		end[d] = at += c;
	}
	for (unsigned d = 0; d < 256; d++) {
		while (next[d] < end[d]) {
			uint64_t x = w[next[d]];
			unsigned b = (unsigned)(x >> shift) & 255;
			while (b != d) {
				uint64_t y = w[next[b]];
				w[next[b]++] = x;
				x = y;
				b = (unsigned)(x >> shift) & 255;
			}
			w[next[d]++] = x;
		}
	}
	for (unsigned d = 0; d < 256; d++) {
		size_t start = d ? end[d - 1] : lo;
		if (end[d] - start > 1)
			sort_words(a, w, start, end[d], shift - 8);
	}
}

int accum_spill(accum *a, const char *path, uint64_t *bytes, ngidx_error *err)
{
	/* The terms' hashes again, from their texts (in the order they were
	 * added, so the texts are read in order), as words in the table's
	 * memory (at most 3/4 of its slots are used) and in the records. */
	uint64_t *w = a->table;
	size_t nt = a->nterms;
	for (size_t i = 0; i < nt; i++) {
		term *t = &a->terms[i];
		uint64_t h = ngidx_hash64(a->keys + t->key_off, t->key_len);
		w[i] = h >> 32 << 32 | i;
		t->prev1 = (uint32_t)h;
	}
	sort_words(a, w, 0, nt, 56);
	run_writer rw;
	int rc = run_writer_open(&rw, path, err);
	for (size_t i = 0; i < nt && !rc; i++) {
		/* The records, texts and postings are visited in hash order, i.e.
		 * at random in memory: fetch a few ahead so the copies below do
		 * not wait on misses. */
		if (i + 16 < nt)
			__builtin_prefetch(&a->terms[WORD_IDX(w[i + 16])]);
		if (i + 8 < nt) {
			const term *f = &a->terms[WORD_IDX(w[i + 8])];
			__builtin_prefetch(a->keys + f->key_off);
			if (f->post_len > POST_INLINE)
				__builtin_prefetch(a->post + f->post.off);
		}
		term *t = &a->terms[WORD_IDX(w[i])];
		const char *text = (const char *)a->keys + t->key_off;
		unsigned n = tokens_of(text, t->key_len);
		int tf1 = t->cf == t->df;
		run_writer_head(&rw, WORD_HASH(a, w[i]), n, text, t->key_len, t->df, t->cf,
		                tf1 ? t->post_len - t->df : t->post_len);
		if (tf1)
			run_put_without_tf(&rw.w, post_of(a, t), t->post_len, n);
		else
			ngidx_wfile_write(&rw.w, post_of(a, t), t->post_len);
	}
	if (!rc)
		rc = run_writer_close(&rw, bytes, err);
	/* Empty, keeping the allocations. */
	a->nterms = 0;
	a->keys_len = 0;
	a->post_len = 0;
	memset(a->table, 0, a->table_cap * sizeof *a->table);
	return rc;
}
