/*
 * toplists.c - TOPLIST and CONT, from a pass of their own over the merged
 * partitions' terms, one task per partition, which the assembler runs
 * beside its own work (writing the lexicon and copying the other sections).
 *
 * TOPLIST. For each n and each order (occurrences, documents) a bounded
 * min-heap keeps the NGX_TOP_K best terms seen so far; the heap's root is
 * the worst of them, so most terms are rejected by one comparison with it.
 * Orders are total: by occurrences = cf desc, df desc, text bytes asc; by
 * documents = df desc, cf desc, text bytes asc. Heap entries keep a copy
 * of their text (the partitions' text files are unmapped page by page as
 * the pass goes). Each partition keeps its own heaps; they are merged into
 * the first partition's, sorted best first and written.
 *
 * CONT. A term t of n >= 2 tokens extends its prefix p (first n-1 tokens)
 * on the right and its suffix s (last n-1 tokens) on the left; both are in
 * the lexicon (a sub-phrase has at least the documents of t, so --min-df
 * keeps it; unigrams are always kept). Their ids are found by a sort-merge
 * join, never with a table of all terms in memory:
 *   1. the pass over partition P writes, for each term of n < max_n,
 *      (hash, h2, id) to P's scratch file "contkeys-P" (in id order, i.e.
 *      hash order, so the files of all partitions in order are the keys of
 *      the whole lexicon), and for each term of n >= 2 adds two records
 *      (hash(p), h2(p), t | right, cf, df) and (hash(s), h2(s), t | left,
 *      cf, df) to P's external sort (xsort.c), ordered by the top 33 bits
 *      of the hash alone (the join needs no more: the order within is
 *      undone by the second sort). h2 is XXH3 with another seed, so a
 *      collision of the 64-bit hash (or of the 3-bit test hash) is
 *      resolved by the 64-bit h2, and texts never need to be compared;
 *   2. once every pass is done, each partition's sorted records are merged
 *      with the keys of all partitions (a group of keys of equal top bits,
 *      which never spans two partitions, is sorted by (hash, h2) in memory
 *      and searched; groups hold one term but under the 3-bit test hash,
 *      where the group is every key), turning each record into (key, cf,
 *      df, child), key holding parent << 1 | side and the cf (s2_key), for
 *      the partition's second external sort, ordered by parent, side, then
 *      cf desc, df desc, child id asc: the order of the lists;
 *   3. a merge of the partitions' second sorts gives each term's records
 *      in id order: the counts of right and left continuations, then the
 *      ids bit-packed (format/idx_format.h). The group table (offset of
 *      every NGX_CONT_GROUP-th record) and the records go to scratch files,
 *      appended as the section by toplists_write.
 * Steps 1 and 2 are one call per partition, which the assembler runs as
 * parallel tasks (every step 1 before any step 2: each join reads the keys
 * of all partitions); step 3 is short and runs alone. The index does not
 * depend on the number of partitions: the orders above are total.
 * Pseudo-terms (text starting with a byte below 0x20: actor mentions,
 * co-occurrence counters) are neither listed nor joined; they get empty
 * continuation records.
 */
#include "toplists.h"
#include "format/top_rank.h"
#include "xsort.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/hash.h"
#include "common/mem.h"
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define H2_SEED 0x6e6769647832ull /* "ngidx2" */

typedef struct tl_ent {
	uint64_t cf, df, id;
	char *text;
	size_t len;
} tl_ent;

typedef struct tl_heap {
	tl_ent *e;
	size_t n;
	int by_df;
} tl_heap;

typedef struct key_rec { uint64_t hash, h2, id; } key_rec;
typedef struct s1_rec { uint64_t hash, h2, child, cf, df; } s1_rec; /* child: id | side << 63 */
typedef struct s2_rec { uint64_t key, cf, df, child; } s2_rec;       /* key: s2_key() */

/* LSB-first bit packing into a byte sink, through a small buffer. */
typedef struct bitw {
	ngidx_wfile *f;
	uint64_t acc;
	unsigned nacc;
	size_t nbuf;
	unsigned char buf[256];
} bitw;

static void bit_put(bitw *b, uint64_t v, unsigned w)
{
	for (unsigned done = 0; done < w;) {
		unsigned take = w - done < 64 - b->nacc ? w - done : 64 - b->nacc;
		uint64_t part = (v >> done) & (take == 64 ? ~0ull : (1ull << take) - 1);
		b->acc |= part << b->nacc;
		b->nacc += take;
		done += take;
		while (b->nacc >= 8) {
			b->buf[b->nbuf++] = (unsigned char)b->acc;
			if (b->nbuf == sizeof b->buf) {
				ngidx_wfile_write(b->f, b->buf, b->nbuf);
				b->nbuf = 0;
			}
			b->acc >>= 8;
			b->nacc -= 8;
		}
	}
}

/* Pad to a byte and write out. */
static void bit_flush(bitw *b)
{
	if (b->nacc)
		b->buf[b->nbuf++] = (unsigned char)b->acc;
	ngidx_wfile_write(b->f, b->buf, b->nbuf);
	b->nbuf = 0;
	b->acc = 0;
	b->nacc = 0;
}

/* Zero bits up to bit @to of a bitmap whose next bit is *@at. */
static void bit_zeros(bitw *b, uint64_t *at, uint64_t to)
{
	for (; *at < to; *at += to - *at < 64 ? to - *at : 64)
		bit_put(b, 0, to - *at < 64 ? (unsigned)(to - *at) : 64);
}

/* One partition's share of the work: the pass over its terms, then the
 * join of its records. */
typedef struct tl_part {
	ngidx_map lex, text;         /* its lexicon and term texts */
	uint64_t nterms, id0;        /* id0: the id of its first term */
	size_t dropped;              /* text bytes given back (ngidx_map_drop) */
	tl_heap heap[2 * NGIDX_MAX_N];
	uint64_t total[NGIDX_MAX_N];
	/* NTERMS: per n, its share of the bitmap (bit i: term id0 + i has n
	 * tokens and cf >= NGX_NTERMS_MIN_CF), nt_at bits written so far */
	ngidx_wfile nt[NGIDX_MAX_N];
	bitw ntb[NGIDX_MAX_N];
	uint64_t nt_at[NGIDX_MAX_N];
	char *nt_path[NGIDX_MAX_N];
	unsigned nt_open;
	uint64_t nt_count[NGIDX_MAX_N];
	ngidx_wfile keys;            /* its terms of n < max_n: key_rec */
	char *keys_path;
	int keys_open;
	xsort s1, s2;                /* its join records; its join's output */
	int rc;
	ngidx_error err;
} tl_part;

struct toplists {
	uint64_t nterms;
	unsigned max_n, w;
	unsigned cf_bits;            /* of the list sort's key: s2_key() */
	size_t nparts;
	tl_part *part;
	char *cgroups_path, *cdata_path;
	uint64_t cdata_len;          /* CONT's records, in bytes */
};

/* > 0 if a ranks before b in the heap's order. */
static int better(const tl_ent *a, const tl_ent *b, int by_df)
{
	top_key x = { a->cf, a->df, a->text, a->len }, y = { b->cf, b->df, b->text, b->len };
	return top_better(&x, &y, by_df);
}

static void heap_down(tl_heap *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		/* min-heap on "better": the root is the worst */
		if (l < h->n && better(&h->e[m], &h->e[l], h->by_df))
			m = l;
		if (l + 1 < h->n && better(&h->e[m], &h->e[l + 1], h->by_df))
			m = l + 1;
		if (m == i)
			return;
		tl_ent t = h->e[i];
		h->e[i] = h->e[m];
		h->e[m] = t;
		i = m;
	}
}

static void heap_up(tl_heap *h, size_t i)
{
	while (i) {
		size_t p = (i - 1) / 2;
		if (!better(&h->e[p], &h->e[i], h->by_df))
			return;
		tl_ent t = h->e[i];
		h->e[i] = h->e[p];
		h->e[p] = t;
		i = p;
	}
}

static void heap_add(tl_part *q, tl_heap *h, const tl_ent *c)
{
	if (h->n == NGX_TOP_K && !better(c, &h->e[0], h->by_df))
		return;
	char *copy = ngidx_malloc(c->len ? c->len : 1);
	if (!copy) {
		q->rc = ngidx_err_set(&q->err, NGIDX_ERR_NOMEM, "out of memory");
		return;
	}
	memcpy(copy, c->text, c->len);
	tl_ent e = *c;
	e.text = copy;
	if (h->n < NGX_TOP_K) {
		h->e[h->n++] = e;
		heap_up(h, h->n - 1);
	} else {
		ngidx_free(h->e[0].text);
		h->e[0] = e;
		heap_down(h, 0);
	}
}

/* The list sort's key: from the top, parent << 1 | side (w + 1 bits),
 * then cf_bits bits of the cf, inverted (larger first; a cf that does not
 * fit counts as the largest and cmp_s2 orders those). The radix sort
 * takes all of it, so qsort only orders children of equal cf, not every
 * continuation of a frequent word. cf_bits makes the key a whole number of
 * 11-bit radix digits, at least 16 bits of cf. */
static uint64_t s2_key(const toplists *t, uint64_t parent_side, uint64_t cf)
{
	uint64_t max = t->cf_bits ? (~0ull >> (64 - t->cf_bits)) : 0;
	uint64_t k = t->cf_bits ? parent_side << t->cf_bits | (max - (cf < max ? cf : max)) : parent_side;
	return k << (63 - t->w - t->cf_bits);
}

static uint64_t s2_parent_side(const toplists *t, uint64_t key) { return key >> (63 - t->w); }

static int cmp_s2(const void *a, const void *b)
{
	const s2_rec *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->cf != y->cf)
		return x->cf > y->cf ? -1 : 1;
	if (x->df != y->df)
		return x->df > y->df ? -1 : 1;
	return x->child < y->child ? -1 : x->child > y->child;
}

static int cmp_key(const void *a, const void *b)
{
	const key_rec *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->h2 < y->h2 ? -1 : x->h2 > y->h2;
}

/* The join orders and groups by the top JOIN_BITS bits of the hash only:
 * 3 radix passes instead of 6, and a group (equal top bits) holds one term
 * but once in 2^33 / nterms. */
#define JOIN_BITS 33
#define JOIN_KEY(h) ((h) >> (64 - JOIN_BITS))

int toplists_create(toplists **out, const merge_out *parts, size_t nparts, uint64_t nterms,
                    unsigned max_n, const char *tmpdir, uint64_t memory, ngidx_error *err)
{
	*out = NULL;
	toplists *t = ngidx_calloc(1, sizeof *t);
	if (!t)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	t->nterms = nterms;
	t->max_n = max_n;
	t->w = ngx_id_bits(nterms);
	unsigned kbits = (t->w + 1 + 16 + 10) / 11 * 11;
	t->cf_bits = kbits < 64 ? kbits - t->w - 1 : 63 - t->w;
	t->cgroups_path = ngidx_strdupf("%s/contgroups", tmpdir);
	t->cdata_path = ngidx_strdupf("%s/contdata", tmpdir);
	t->part = ngidx_calloc(nparts ? nparts : 1, sizeof *t->part);
	int rc = t->cgroups_path && t->cdata_path && t->part
	                 ? NGIDX_OK
	                 : ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	/* Two sorts per partition: a quarter of --memory for each kind. */
	size_t budget = (size_t)(memory / 4 / (nparts ? nparts : 1));
	uint64_t id0 = 0;
	for (; t->nparts < nparts && !rc; t->nparts++) {
		size_t p = t->nparts;
		tl_part *q = &t->part[p];
		q->id0 = id0;
		q->nterms = parts[p].nterms;
		id0 += parts[p].nterms;
		/* Mapped now: the assembler removes the files as it copies them,
		 * and a mapping outlives its file's name. */
		rc = ngidx_map_file(&q->lex, parts[p].lex_path, err);
		if (!rc)
			rc = ngidx_map_file(&q->text, parts[p].text_path, err);
		for (unsigned i = 0; i < 2 * max_n && !rc; i++) {
			q->heap[i].by_df = (int)(i & 1);
			q->heap[i].e = ngidx_malloc(NGX_TOP_K * sizeof(tl_ent));
			if (!q->heap[i].e)
				rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		}
		char s1name[32], s2name[32];
		snprintf(s1name, sizeof s1name, "contjoin-%zu", p);
		snprintf(s2name, sizeof s2name, "contlist-%zu", p);
		if (!rc)
			rc = xsort_init(&q->s1, sizeof(s1_rec), NULL, tmpdir, s1name, budget, err);
		if (!rc)
			rc = xsort_init(&q->s2, sizeof(s2_rec), cmp_s2, tmpdir, s2name, budget, err);
		if (!rc && !(q->keys_path = ngidx_strdupf("%s/contkeys-%zu", tmpdir, p)))
			rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		if (!rc && !(rc = ngidx_wfile_open(&q->keys, q->keys_path, 1u << 20, err)))
			q->keys_open = 1;
		for (unsigned n = 0; n < max_n && !rc; n++) {
			if (!(q->nt_path[n] = ngidx_strdupf("%s/nterms-%u-%zu", tmpdir, n + 1, p)))
				rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			if (!rc && !(rc = ngidx_wfile_open(&q->nt[n], q->nt_path[n], 1u << 16, err))) {
				q->ntb[n] = (bitw){ &q->nt[n], 0, 0, 0, { 0 } };
				q->nt_open = n + 1;
			}
		}
		/* at most two join records per term, one list entry per record */
		uint64_t expect = parts[p].nterms < SIZE_MAX / 2 ? parts[p].nterms * 2 : SIZE_MAX;
		xsort_expect(&q->s1, (size_t)expect);
		xsort_key_bits(&q->s1, JOIN_BITS);
		xsort_expect(&q->s2, (size_t)expect);
		xsort_key_bits(&q->s2, t->w + 1 + t->cf_bits);
	}
	if (rc) {
		toplists_free(t);
		return rc;
	}
	*out = t;
	return NGIDX_OK;
}

static void s1_add(tl_part *q, const char *s, size_t len, uint64_t child, const merge_term *e)
{
	s1_rec r = { ngidx_hash64(s, len), XXH3_64bits_withSeed(s, len, H2_SEED), child, e->cf, e->df };
	if (!q->rc)
		q->rc = xsort_add(&q->s1, &r, &q->err);
}

/* Feed term @id of partition @q, @e, whose text is in q->text. Errors are
 * sticky (q->rc). */
static void add_term(const toplists *t, tl_part *q, uint64_t id, const merge_term *e)
{
	if (e->text_len > q->text.len || e->text_off > q->text.len - e->text_len) {
		q->rc = ngidx_err_set(&q->err, NGIDX_ERR_CORRUPT, "term %llu: text out of its file",
		                      (unsigned long long)id);
		return;
	}
	if (e->text_off - q->dropped >= RUN_DROP)
		q->dropped = ngidx_map_drop(&q->text, q->dropped, (size_t)e->text_off);
	const char *s = (const char *)q->text.p + e->text_off;
	size_t len = (size_t)e->text_len;
	if (!len || (unsigned char)s[0] < 0x20 || e->n < 1 || e->n > t->max_n)
		return; /* pseudo-term: not an n-gram */
	unsigned n = e->n;
	q->total[n - 1]++;
	if (e->cf >= NGX_NTERMS_MIN_CF) {
		bit_zeros(&q->ntb[n - 1], &q->nt_at[n - 1], id - q->id0);
		bit_put(&q->ntb[n - 1], 1, 1);
		q->nt_at[n - 1]++;
		q->nt_count[n - 1]++;
	}
	tl_ent c = { e->cf, e->df, id, (char *)(uintptr_t)s, len };
	heap_add(q, &q->heap[2 * (n - 1)], &c);
	heap_add(q, &q->heap[2 * (n - 1) + 1], &c);
	if (n < t->max_n) {
		key_rec k = { e->hash, XXH3_64bits_withSeed(s, len, H2_SEED), id };
		ngidx_wfile_write(&q->keys, &k, sizeof k);
	}
	if (n >= 2) {
		const char *first = memchr(s, ' ', len), *last = memrchr(s, ' ', len);
		if (!first)
			return;
		s1_add(q, s, (size_t)(last - s), id, e);
		s1_add(q, first + 1, (size_t)(s + len - first - 1), id | 1ull << 63, e);
	}
}

/* Step 1 for partition @q: the pass over its terms. Its mappings go once
 * read; its scratch files are closed and its join records sorted. */
static void scan(const toplists *t, tl_part *q)
{
	ngidx_map *m = &q->lex;
	const unsigned char *at = m->p, *end = m->p + m->len;
	merge_term e = { 0 };
	size_t dropped = 0;
	for (uint64_t i = 0; i < q->nterms && !q->rc; i++) {
		if ((size_t)(at - m->p) - dropped >= RUN_DROP)
			dropped = ngidx_map_drop(m, dropped, (size_t)(at - m->p));
		if (merge_term_get(&at, end, &e))
			q->rc = ngidx_err_set(&q->err, NGIDX_ERR_CORRUPT, "term %llu: damaged",
			                      (unsigned long long)(q->id0 + i));
		else
			add_term(t, q, q->id0 + i, &e);
	}
	ngidx_map_release(&q->lex);
	ngidx_map_release(&q->text);
	int rc = ngidx_wfile_close(&q->keys, 0, q->rc ? NULL : &q->err);
	q->keys_open = 0;
	q->rc = q->rc ? q->rc : rc;
	for (unsigned n = 0; n < q->nt_open; n++) {
		bit_zeros(&q->ntb[n], &q->nt_at[n], q->nterms);
		bit_flush(&q->ntb[n]);
		rc = ngidx_wfile_close(&q->nt[n], 0, q->rc ? NULL : &q->err);
		q->rc = q->rc ? q->rc : rc;
	}
	q->nt_open = 0;
	if (!q->rc && t->max_n > 1)
		q->rc = xsort_finish(&q->s1, &q->err);
}

/* The keys of every partition, read in partition order as one stream. */
typedef struct keys_in {
	const toplists *t;
	size_t part;                 /* the next partition to map */
	ngidx_map m;
	size_t i, n, dropped;        /* next key, keys in m, bytes given back */
} keys_in;

/* Map the next partition's keys while the current ones are all read;
 * @return 1 if a key is left, 0 at the end, or an error (negated). */
static int keys_more(keys_in *k, ngidx_error *err)
{
	while (k->i == k->n) {
		ngidx_map_release(&k->m);
		if (k->part == k->t->nparts)
			return 0;
		int rc = ngidx_map_file(&k->m, k->t->part[k->part++].keys_path, err);
		if (rc)
			return -rc;
		k->i = k->dropped = 0;
		k->n = k->m.len / sizeof(key_rec);
	}
	return 1;
}

/* Step 2 for partition @q: join its sorted records with the keys, feeding
 * its list sort, and finish that. */
static void join(const toplists *t, tl_part *q)
{
	keys_in kin = { t, 0, { 0 }, 0, 0, 0 };
	key_rec *grp = NULL;
	size_t ng = 0, gcap = 0;
	uint64_t gkey = 0;
	int have = 0, more = 0, left = 1;
	const void *p;
	ngidx_error *err = &q->err;
	while (!q->rc && (more = xsort_next(&q->s1, &p, err)) == 1) {
		s1_rec r;
		memcpy(&r, p, sizeof r);
		while (!have || gkey < JOIN_KEY(r.hash)) {
			if ((left = keys_more(&kin, err)) <= 0)
				break;
			/* load the next group of equal top hash bits (in one partition:
			 * partitions are ranges of the top 8 bits) */
			ng = 0;
			memcpy(&gkey, kin.m.p + kin.i * sizeof(key_rec), 8);
			gkey = JOIN_KEY(gkey);
			for (; kin.i < kin.n; kin.i++) {
				key_rec k;
				memcpy(&k, kin.m.p + kin.i * sizeof k, sizeof k);
				if (JOIN_KEY(k.hash) != gkey)
					break;
				if (NGIDX_RESERVE(grp, gcap, ng + 1)) {
					q->rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
					goto done;
				}
				grp[ng++] = k;
			}
			if (ng > 1)
				qsort(grp, ng, sizeof *grp, cmp_key);
			have = 1;
			if (kin.i * sizeof(key_rec) - kin.dropped >= RUN_DROP)
				kin.dropped = ngidx_map_drop(&kin.m, kin.dropped, kin.i * sizeof(key_rec));
		}
		if (left < 0) {
			q->rc = -left;
			goto done;
		}
		if (!have || gkey != JOIN_KEY(r.hash))
			continue; /* cannot happen: every sub-phrase is a term */
		size_t lo = 0, hi = ng;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (grp[mid].hash < r.hash || (grp[mid].hash == r.hash && grp[mid].h2 < r.h2))
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == ng || grp[lo].hash != r.hash || grp[lo].h2 != r.h2)
			continue;
		s2_rec o = { s2_key(t, grp[lo].id << 1 | r.child >> 63, r.cf), r.cf, r.df,
		             r.child & ~(1ull << 63) };
		q->rc = xsort_add(&q->s2, &o, err);
	}
	if (!q->rc && more < 0)
		q->rc = -more;
	xsort_release(&q->s1);
	if (!q->rc)
		q->rc = xsort_finish(&q->s2, err);
done:
	ngidx_free(grp);
	ngidx_map_release(&kin.m);
}

/* The partitions' list sorts merged in cmp_s2 order. */
typedef struct lists_in {
	toplists *t;
	s2_rec *head;                /* per partition: its next record */
	unsigned char *live;         /* per partition: head is one */
} lists_in;

/* Read partition @p's next record; @return 0 or an error (negated). */
static int lists_pull(lists_in *l, size_t p, ngidx_error *err)
{
	const void *r;
	int more = xsort_next(&l->t->part[p].s2, &r, err);
	if (more == 1)
		memcpy(&l->head[p], r, sizeof(s2_rec));
	l->live[p] = more == 1;
	return more < 0 ? more : 0;
}

/* @return 1 with the next record in @out, 0 at the end, or an error
 * (negated). */
static int lists_next(lists_in *l, s2_rec *out, ngidx_error *err)
{
	size_t best = SIZE_MAX;
	for (size_t p = 0; p < l->t->nparts; p++)
		if (l->live[p] && (best == SIZE_MAX || cmp_s2(&l->head[p], &l->head[best]) < 0))
			best = p;
	if (best == SIZE_MAX)
		return 0;
	*out = l->head[best];
	int rc = lists_pull(l, best, err);
	return rc < 0 ? rc : 1;
}

/* Step 3: the CONT section's group table and records, to scratch files. */
static int cont_data(toplists *t, ngidx_error *err)
{
	uint64_t *ids = NULL;
	size_t cap = 0;
	lists_in l = { t, ngidx_calloc(t->nparts + 1, sizeof(s2_rec)), ngidx_calloc(t->nparts + 1, 1) };
	int rc = l.head && l.live ? NGIDX_OK : ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	ngidx_wfile g, d;
	int gopen = 0, dopen = 0;
	if (!rc && !(rc = ngidx_wfile_open(&g, t->cgroups_path, 1u << 20, err)))
		gopen = 1;
	if (!rc && !(rc = ngidx_wfile_open(&d, t->cdata_path, 1u << 20, err)))
		dopen = 1;
	for (size_t p = 0; p < t->nparts && !rc; p++)
		rc = -lists_pull(&l, p, err);
	s2_rec r;
	int more = rc ? 0 : lists_next(&l, &r, err);
	if (more < 0)
		rc = -more;
	bitw b = { &d, 0, 0, 0, { 0 } };
	for (uint64_t id = 0; id < t->nterms && !rc; id++) {
		if (id % NGX_CONT_GROUP == 0)
			ngidx_wfile_write(&g, &d.written, 8);
		size_t cnt[2] = { 0, 0 };
		while (more == 1) {
			uint64_t ps = s2_parent_side(t, r.key);
			if (ps >> 1 != id)
				break;
			if (NGIDX_RESERVE(ids, cap, cnt[0] + cnt[1] + 1)) {
				rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
				break;
			}
			ids[cnt[0] + cnt[1]] = r.child;
			cnt[ps & 1]++;
			more = lists_next(&l, &r, err);
			if (more < 0)
				rc = -more;
		}
		/* varint r << 1 | (l > 0), then varint l if l > 0: the many
		 * terms without continuations (all of max n) take one byte */
		ngidx_wfile_put_varint(&d, (uint64_t)cnt[0] << 1 | (cnt[1] > 0));
		if (cnt[1])
			ngidx_wfile_put_varint(&d, cnt[1]);
		for (size_t i = 0; i < cnt[0] + cnt[1]; i++)
			bit_put(&b, ids[i], t->w);
		bit_flush(&b);
	}
	t->cdata_len = dopen ? d.written : 0;
	if (!rc)
		ngidx_wfile_write(&g, &t->cdata_len, 8);
	if (gopen) {
		int r2 = ngidx_wfile_close(&g, 0, rc ? NULL : err);
		rc = rc ? rc : r2;
	}
	if (dopen) {
		int r2 = ngidx_wfile_close(&d, 0, rc ? NULL : err);
		rc = rc ? rc : r2;
	}
	ngidx_free(ids);
	ngidx_free(l.head);
	ngidx_free(l.live);
	return rc;
}

/* The first error of the partitions, in their order. */
static int part_error(const toplists *t, ngidx_error *err)
{
	for (size_t p = 0; p < t->nparts; p++)
		if (t->part[p].rc) {
			if (err)
				*err = t->part[p].err;
			return t->part[p].rc;
		}
	return NGIDX_OK;
}

size_t toplists_parts(const toplists *t) { return t->nparts; }

void toplists_scan(toplists *t, size_t p) { scan(t, &t->part[p]); }

void toplists_join(toplists *t, size_t p)
{
	tl_part *q = &t->part[p];
	if (!q->rc && t->max_n > 1)
		join(t, q);
}

int toplists_lists(toplists *t, ngidx_error *err)
{
	FORWARD_IF_ERROR(part_error(t, err));
	/* Every partition's heaps into the first one's. */
	tl_part *q0 = &t->part[0];
	for (size_t p = 1; p < t->nparts && !q0->rc; p++)
		for (unsigned i = 0; i < 2 * t->max_n; i++)
			for (size_t j = 0; j < t->part[p].heap[i].n; j++)
				heap_add(q0, &q0->heap[i], &t->part[p].heap[i].e[j]);
	FORWARD_IF_ERROR(part_error(t, err));
	return t->max_n == 1 ? NGIDX_OK : cont_data(t, err); /* max_n 1: no CONT */
}

/* ---- writing ---- */

static int cmp_ent_occ(const void *a, const void *b)
{
	return better(a, b, 0) ? -1 : better(b, a, 0) ? 1 : 0;
}

static int cmp_ent_doc(const void *a, const void *b)
{
	return better(a, b, 1) ? -1 : better(b, a, 1) ? 1 : 0;
}

static void write_toplist(toplists *t, idx_writer *w)
{
	idx_writer_begin(w, NGX_SEC_TOPLIST);
	uint32_t hdr[4] = { NGX_TOP_K, t->max_n, t->w, 0 };
	ngidx_wfile_write(&w->f, hdr, sizeof hdr);
	tl_heap *heap = t->part[0].heap;
	for (unsigned n = 0; n < t->max_n; n++) {
		uint64_t e[2] = { 0, heap[2 * n].n };
		for (size_t p = 0; p < t->nparts; p++)
			e[0] += t->part[p].total[n];
		ngidx_wfile_write(&w->f, e, sizeof e);
	}
	bitw b = { &w->f, 0, 0, 0, { 0 } };
	for (unsigned i = 0; i < 2 * t->max_n; i++) {
		tl_heap *h = &heap[i];
		qsort(h->e, h->n, sizeof *h->e, h->by_df ? cmp_ent_doc : cmp_ent_occ);
		for (size_t j = 0; j < h->n; j++)
			bit_put(&b, h->e[j].id, t->w);
	}
	bit_flush(&b);
	idx_writer_end(w);
}

/* NTERMS: the header, then each n's bitmap, the partitions' shares in
 * order (a share ends on a bit, not a byte: the next one follows it). */
static int write_nterms(toplists *t, idx_writer *w, ngidx_error *err)
{
	int rc = NGIDX_OK;
	idx_writer_begin(w, NGX_SEC_NTERMS);
	uint32_t hdr[4] = { t->max_n, 0, NGX_NTERMS_MIN_CF, 0 };
	ngidx_wfile_write(&w->f, hdr, sizeof hdr);
	uint64_t bytes = (t->nterms + 7) / 8;
	for (unsigned n = 0; n < t->max_n; n++) {
		uint64_t e[2] = { 0, n * bytes };
		for (size_t p = 0; p < t->nparts; p++)
			e[0] += t->part[p].nt_count[n];
		ngidx_wfile_write(&w->f, e, sizeof e);
	}
	bitw b = { &w->f, 0, 0, 0, { 0 } };
	for (unsigned n = 0; n < t->max_n && !rc; n++) {
		for (size_t p = 0; p < t->nparts && !rc; p++) {
			const tl_part *q = &t->part[p];
			ngidx_map m;
			if ((rc = ngidx_map_file(&m, q->nt_path[n], err)))
				break;
			if (m.len != (q->nterms + 7) / 8)
				rc = ngidx_err_set(err, NGIDX_ERR_CORRUPT, "'%s' has a bad size", q->nt_path[n]);
			for (uint64_t i = 0; i < q->nterms && !rc; i += 64) {
				uint64_t bits = 0, k = i / 8;
				for (unsigned j = 0; j < 8 && k + j < m.len; j++)
					bits |= (uint64_t)m.p[k + j] << 8 * j;
				bit_put(&b, bits, q->nterms - i < 64 ? (unsigned)(q->nterms - i) : 64);
			}
			ngidx_map_release(&m);
		}
		bit_flush(&b);
	}
	idx_writer_end(w);
	return rc;
}

static int write_cont(toplists *t, idx_writer *w, ngidx_error *err)
{
	idx_writer_begin(w, NGX_SEC_CONT);
	uint64_t hdr[3] = { t->nterms, t->w, t->cdata_len };
	ngidx_wfile_write(&w->f, hdr, sizeof hdr);
	int rc = ngidx_wfile_append_file(&w->f, t->cgroups_path, err);
	if (!rc)
		rc = ngidx_wfile_append_file(&w->f, t->cdata_path, err);
	idx_writer_end(w);
	return rc;
}

int toplists_write(toplists *t, idx_writer *w, ngidx_error *err)
{
	write_toplist(t, w);
	FORWARD_IF_ERROR(write_nterms(t, w, err));
	return t->max_n == 1 ? NGIDX_OK : write_cont(t, w, err);
}

void toplists_free(toplists *t)
{
	if (!t)
		return;
	for (size_t p = 0; p < t->nparts; p++) {
		tl_part *q = &t->part[p];
		for (unsigned i = 0; i < 2 * NGIDX_MAX_N; i++) {
			for (size_t j = 0; j < q->heap[i].n; j++)
				ngidx_free(q->heap[i].e[j].text);
			ngidx_free(q->heap[i].e);
		}
		if (q->keys_open)
			ngidx_wfile_abort(&q->keys);
		for (unsigned n = 0; n < q->nt_open; n++)
			ngidx_wfile_abort(&q->nt[n]);
		for (unsigned n = 0; n < NGIDX_MAX_N; n++) {
			if (q->nt_path[n])
				remove(q->nt_path[n]);
			ngidx_free(q->nt_path[n]);
		}
		if (q->keys_path)
			remove(q->keys_path);
		ngidx_free(q->keys_path);
		xsort_release(&q->s1);
		xsort_release(&q->s2);
		ngidx_map_release(&q->lex);
		ngidx_map_release(&q->text);
	}
	if (t->cgroups_path)
		remove(t->cgroups_path);
	if (t->cdata_path)
		remove(t->cdata_path);
	ngidx_free(t->part);
	ngidx_free(t->cgroups_path);
	ngidx_free(t->cdata_path);
	ngidx_free(t);
}
