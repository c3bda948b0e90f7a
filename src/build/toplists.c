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
 * keeps it; unigrams are always kept). Their ids are found by a hash join
 * cut into buckets, never with a table of all terms in memory. Lexicon ids
 * follow the hash order, so a bucket (a range of the top hash bits) holds
 * the terms of a range of ids, and its keys are few enough to look up in
 * the caches:
 *   1. the pass over partition P adds each term of n < max_n as a key
 *      (hash, h2, id) to its bucket, and for each term of n >= 2 two join
 *      records (hash(p), h2(p), t, right, cf, df) and (hash(s), h2(s), t,
 *      left, cf, df), varint-coded, to the bucket of the parent's hash.
 *      h2 is XXH3 with another seed, so a collision of the 64-bit hash (or
 *      of the 3-bit test hash) is resolved by the 64-bit h2, and texts
 *      never need to be compared. A bucket's bytes are kept in chunks, in
 *      memory when all of them fit in half of --memory, else appended to
 *      P's scratch file "contrec-P"; each chunk is checksummed;
 *   2. once every pass is done, join task W takes the W-th range of
 *      buckets. For each bucket it gathers the keys of all partitions (a
 *      directory on the hash bits below the bucket's finds a key in one or
 *      two probes), turns every record into (parent, side, cf, df, child),
 *      orders them by a counting sort on parent and side, then each list
 *      by cf desc, df desc, child id asc, and writes the records of the
 *      bucket's ids: the counts of right and left continuations, then the
 *      ids bit-packed (format/idx_format.h). Its group table (the offset of
 *      every NGX_CONT_GROUP-th record) and records go to its scratch files
 *      "contgroups-W" and "contdata-W", appended in order as the section.
 * The index does not depend on the number of partitions or buckets: the
 * orders above are total.
 * Pseudo-terms (text starting with a byte below 0x20: actor mentions,
 * co-occurrence counters) are neither listed nor joined; they get empty
 * continuation records.
 */
#include "toplists.h"
#include "format/top_rank.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/hash.h"
#include "common/mem.h"
#include "codec/codec.h"
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

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

/* The join's buckets: about CONT_BUCKET_TERMS terms each, so that a
 * bucket's keys and directory stay in the caches; more when --memory is
 * small (CONT_TERM_BYTES: what a bucket's join holds per term, roughly);
 * at most 2^CONT_MAX_BUCKET_BITS. */
#define CONT_BUCKET_TERMS 32768
#define CONT_TERM_BYTES 160
#define CONT_MAX_BUCKET_BITS 16
#define CONT_CHUNK_MAX (64u << 10)  /* bytes of a chunk, at most */
#define CONT_CHUNK_MIN (1u << 10)
#define CONT_REC_MAX (8 + 8 + 3 * NGIDX_VARINT64_MAX)
#define CONT_REC_EST 24             /* bytes of a join record, about */

typedef struct key_rec { uint64_t hash, h2, id; } key_rec;

/* Bytes of a bucket handed over: in memory (mem) or at off in the
 * partition's scratch file; hash checks them when read back. */
typedef struct chunk {
	unsigned char *mem;
	uint64_t off, hash;
	size_t len;
} chunk;

typedef struct clist { chunk *c; size_t n, cap; } clist;

/* Bytes not handed over yet: a chunk being filled. */
typedef struct cbuf { unsigned char *p; size_t len; } cbuf;

/* A join record, decoded: list slot = (parent - first id of the bucket)
 * << 1 | side (0 right, 1 left). */
typedef struct cont_ent { uint64_t cf, df, child, slot; } cont_ent;

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

/* One partition's share of the work: the pass over its terms, then join
 * task number p (a range of buckets, whichever partitions hold them). */
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
	/* CONT, per bucket: its terms here, its keys' and records' chunks */
	uint64_t *bterms;
	clist *kch, *rch;
	cbuf *rbuf;                  /* per bucket: records being gathered */
	cbuf kbuf;                   /* keys of bucket kb being gathered */
	size_t kb;
	ngidx_wfile spill;           /* the chunks, when they do not fit */
	char *spill_path;
	int spill_open, spill_fd;
	int scanned;                 /* its scan ended without error */
	/* join task p's scratch files and what it wrote */
	char *gpath, *dpath;
	uint64_t dlen;
	int rc;
	ngidx_error err;
} tl_part;

struct toplists {
	uint64_t nterms;
	unsigned max_n, w;
	size_t nparts;
	tl_part *part;
	unsigned bbits;              /* 1 << bbits buckets */
	size_t chunk;                /* bytes of a full chunk */
	int spill;                   /* chunks go to the scratch files */
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

static size_t bucket_of(const toplists *t, uint64_t hash)
{
	return t->bbits ? (size_t)(hash >> (64 - t->bbits)) : 0;
}

/* Buckets: enough for about CONT_BUCKET_TERMS terms each and for a join
 * task's memory (a quarter of --memory, shared by the tasks), and at least
 * one per task. */
static unsigned bucket_bits(uint64_t nterms, size_t ntasks, uint64_t memory)
{
	uint64_t per_task = memory / 4 / ntasks;
	uint64_t by_mem = per_task / CONT_TERM_BYTES ? per_task / CONT_TERM_BYTES : 1;
	uint64_t size = by_mem < CONT_BUCKET_TERMS ? by_mem : CONT_BUCKET_TERMS;
	unsigned bits = 0;
	while (bits < CONT_MAX_BUCKET_BITS && ((nterms >> bits) > size || (1ull << bits) < ntasks))
		bits++;
	return bits;
}

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
	t->bbits = bucket_bits(nterms, nparts ? nparts : 1, memory);
	size_t nb = (size_t)1 << t->bbits;
	/* The keys and records (at most two per term) stay in memory if they
	 * fit in half of --memory; else the chunks being filled, one per
	 * bucket and partition, share an eighth of it. */
	t->spill = nterms * (2 * CONT_REC_EST + sizeof(key_rec)) > memory / 2;
	uint64_t share = memory / 8 / (nb * (nparts ? nparts : 1));
	t->chunk = !t->spill || share > CONT_CHUNK_MAX ? CONT_CHUNK_MAX
	           : share < CONT_CHUNK_MIN            ? CONT_CHUNK_MIN
	                                               : (size_t)share;
	t->part = ngidx_calloc(nparts ? nparts : 1, sizeof *t->part);
	int rc = t->part ? NGIDX_OK : ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	uint64_t id0 = 0;
	for (; t->nparts < nparts && !rc; t->nparts++) {
		size_t p = t->nparts;
		tl_part *q = &t->part[p];
		q->id0 = id0;
		q->nterms = parts[p].nterms;
		q->spill_fd = -1;
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
		q->bterms = ngidx_calloc(nb, sizeof *q->bterms);
		q->kch = ngidx_calloc(nb, sizeof *q->kch);
		q->rch = ngidx_calloc(nb, sizeof *q->rch);
		q->rbuf = ngidx_calloc(nb, sizeof *q->rbuf);
		q->spill_path = ngidx_strdupf("%s/contrec-%zu", tmpdir, p);
		q->gpath = ngidx_strdupf("%s/contgroups-%zu", tmpdir, p);
		q->dpath = ngidx_strdupf("%s/contdata-%zu", tmpdir, p);
		if (!rc && !(q->bterms && q->kch && q->rch && q->rbuf && q->spill_path && q->gpath &&
		             q->dpath))
			rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		if (!rc && t->spill && max_n > 1 &&
		    !(rc = ngidx_wfile_open(&q->spill, q->spill_path, 1u << 20, err)))
			q->spill_open = 1;
		for (unsigned n = 0; n < max_n && !rc; n++) {
			if (!(q->nt_path[n] = ngidx_strdupf("%s/nterms-%u-%zu", tmpdir, n + 1, p)))
				rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			if (!rc && !(rc = ngidx_wfile_open(&q->nt[n], q->nt_path[n], 1u << 16, err))) {
				q->ntb[n] = (bitw){ &q->nt[n], 0, 0, 0, { 0 } };
				q->nt_open = n + 1;
			}
		}
	}
	if (rc) {
		toplists_free(t);
		return rc;
	}
	*out = t;
	return NGIDX_OK;
}

/* Hand @b's bytes over to @l as a chunk: kept (memory) or appended to the
 * partition's scratch file. */
static void chunk_flush(const toplists *t, tl_part *q, clist *l, cbuf *b)
{
	if (!b->len || q->rc)
		return;
	if (NGIDX_RESERVE(l->c, l->cap, l->n + 1)) {
		q->rc = ngidx_err_set(&q->err, NGIDX_ERR_NOMEM, "out of memory");
		return;
	}
	chunk c = { NULL, 0, XXH3_64bits(b->p, b->len), b->len };
	if (t->spill) {
		c.off = q->spill.written;
		ngidx_wfile_write(&q->spill, b->p, b->len);
	} else {
		c.mem = b->p; /* the next bytes get a buffer of their own */
		b->p = NULL;
	}
	l->c[l->n++] = c;
	b->len = 0;
}

/* Append @len bytes (at most CONT_REC_MAX) to @b, the chunk being filled
 * for @l. */
static void chunk_put(const toplists *t, tl_part *q, clist *l, cbuf *b, const void *p, size_t len)
{
	if (b->len + len > t->chunk)
		chunk_flush(t, q, l, b);
	if (!b->p && !q->rc && !(b->p = ngidx_malloc(t->chunk)))
		q->rc = ngidx_err_set(&q->err, NGIDX_ERR_NOMEM, "out of memory");
	if (q->rc)
		return;
	memcpy(b->p + b->len, p, len);
	b->len += len;
}

/* A join record: the parent (the @len bytes at @s) hash and h2, then
 * varints child << 1 | side, cf, cf - df. */
static void rec_add(const toplists *t, tl_part *q, const char *s, size_t len, uint64_t child_side,
                    const merge_term *e)
{
	uint64_t h[2] = { ngidx_hash64(s, len), XXH3_64bits_withSeed(s, len, H2_SEED) };
	unsigned char r[CONT_REC_MAX];
	memcpy(r, h, 16);
	size_t n = 16;
	n += ngidx_varint_put(r + n, child_side);
	n += ngidx_varint_put(r + n, e->cf);
	n += ngidx_varint_put(r + n, e->cf - e->df);
	size_t b = bucket_of(t, h[0]);
	chunk_put(t, q, &q->rch[b], &q->rbuf[b], r, n);
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
	if (t->max_n == 1)
		return;
	if (n < t->max_n) {
		key_rec k = { e->hash, XXH3_64bits_withSeed(s, len, H2_SEED), id };
		size_t b = bucket_of(t, e->hash);
		if (b != q->kb) {
			chunk_flush(t, q, &q->kch[q->kb], &q->kbuf);
			q->kb = b;
		}
		chunk_put(t, q, &q->kch[b], &q->kbuf, &k, sizeof k);
	}
	if (n >= 2) {
		const char *first = memchr(s, ' ', len), *last = memrchr(s, ' ', len);
		if (!first)
			return;
		rec_add(t, q, s, (size_t)(last - s), id << 1, e);
		rec_add(t, q, first + 1, (size_t)(s + len - first - 1), id << 1 | 1, e);
	}
}

/* Close @w, keeping @q's first error. */
static void part_close(tl_part *q, ngidx_wfile *w)
{
	int rc = ngidx_wfile_close(w, 0, q->rc ? NULL : &q->err);
	q->rc = q->rc ? q->rc : rc;
}

/* Step 1 for partition @q: the pass over its terms. Its mappings go once
 * read; its scratch files are closed, every chunk handed over. */
static void scan(const toplists *t, tl_part *q)
{
	ngidx_map *m = &q->lex;
	const unsigned char *at = m->p, *end = m->p + m->len;
	merge_term e = { 0 };
	size_t dropped = 0;
	for (uint64_t i = 0; i < q->nterms && !q->rc; i++) {
		if ((size_t)(at - m->p) - dropped >= RUN_DROP)
			dropped = ngidx_map_drop(m, dropped, (size_t)(at - m->p));
		if (merge_term_get(&at, end, &e)) {
			q->rc = ngidx_err_set(&q->err, NGIDX_ERR_CORRUPT, "term %llu: damaged",
			                      (unsigned long long)(q->id0 + i));
		} else {
			q->bterms[bucket_of(t, e.hash)]++;
			add_term(t, q, q->id0 + i, &e);
		}
	}
	ngidx_map_release(&q->lex);
	ngidx_map_release(&q->text);
	chunk_flush(t, q, &q->kch[q->kb], &q->kbuf);
	for (size_t b = 0; b < (size_t)1 << t->bbits; b++)
		chunk_flush(t, q, &q->rch[b], &q->rbuf[b]);
	if (q->spill_open) {
		part_close(q, &q->spill);
		q->spill_open = 0;
		if (!q->rc && (q->spill_fd = open(q->spill_path, O_RDONLY | O_CLOEXEC)) < 0)
			q->rc = ngidx_err_errno(&q->err, errno, "cannot read '%s'", q->spill_path);
	}
	for (unsigned n = 0; n < q->nt_open; n++) {
		bit_zeros(&q->ntb[n], &q->nt_at[n], q->nterms);
		bit_flush(&q->ntb[n]);
		part_close(q, &q->nt[n]);
	}
	q->nt_open = 0;
	q->scanned = !q->rc;
}

/* A join task's memory, reused from bucket to bucket. */
typedef struct join_mem {
	key_rec *key;
	size_t nkey, kcap;
	uint32_t *dir;
	size_t dcap;
	cont_ent *ent, *sorted;
	size_t nent, ecap, scap;
	size_t *pos;
	size_t pcap;
	unsigned char *rd;           /* a chunk read back from a scratch file */
} join_mem;

/* The bytes of chunk @c of partition @q: in memory, or read into jm->rd.
 * @return them, or NULL with the error in @err. */
static const unsigned char *chunk_bytes(const toplists *t, const tl_part *q, const chunk *c,
                                        join_mem *jm, ngidx_error *err)
{
	const unsigned char *p = c->mem;
	if (!p) {
		if (!jm->rd && !(jm->rd = ngidx_malloc(t->chunk))) {
			ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			return NULL;
		}
		if (c->len > t->chunk || ngidx_pread_all(q->spill_fd, jm->rd, c->len, c->off, err))
			return NULL;
		p = jm->rd;
	}
	if (XXH3_64bits(p, c->len) != c->hash) {
		if (c->mem)
			ngidx_err_set(err, NGIDX_ERR_CORRUPT, "the continuation lists' join records "
			                                      "are damaged in memory");
		else
			ngidx_err_set(err, NGIDX_ERR_CORRUPT, "'%s': damaged at byte %llu",
			              q->spill_path, (unsigned long long)c->off);
		return NULL;
	}
	return p;
}

static void chunks_free(clist *l)
{
	for (size_t i = 0; i < l->n; i++)
		ngidx_free(l->c[i].mem);
	ngidx_free(l->c);
	*l = (clist){ 0 };
}

static int cmp_key(const void *a, const void *b)
{
	const key_rec *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->h2 < y->h2 ? -1 : x->h2 > y->h2;
}

/* A list's order: cf desc, df desc, child id asc. */
static int ent_before(const cont_ent *x, const cont_ent *y)
{
	if (x->cf != y->cf)
		return x->cf > y->cf;
	if (x->df != y->df)
		return x->df > y->df;
	return x->child < y->child;
}

static int cmp_ent(const void *a, const void *b)
{
	return ent_before(a, b) ? -1 : ent_before(b, a);
}

static void sort_list(cont_ent *e, size_t n)
{
	if (n > 16) {
		qsort(e, n, sizeof *e, cmp_ent);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		cont_ent x = e[i];
		size_t j = i;
		for (; j && ent_before(&x, &e[j - 1]); j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
}

/* The directory slot of @hash in a bucket: its next @dbits bits. */
static size_t dir_of(const toplists *t, uint64_t hash, unsigned dbits)
{
	return dbits ? (size_t)((hash << t->bbits) >> (64 - dbits)) : 0;
}

/* Gather bucket @b's keys, sorted by (hash, h2), and their directory:
 * dir[i] is the first key of slot i or more. @return 1 << dbits slots. */
static int load_keys(const toplists *t, size_t b, join_mem *jm, unsigned *dbits, ngidx_error *err)
{
	jm->nkey = 0;
	int sorted = 1;
	for (size_t p = 0; p < t->nparts; p++) {
		const clist *l = &t->part[p].kch[b];
		for (size_t i = 0; i < l->n; i++) {
			const unsigned char *s = chunk_bytes(t, &t->part[p], &l->c[i], jm, err);
			if (!s)
				return err->code;
			size_t n = l->c[i].len / sizeof(key_rec);
			if (NGIDX_RESERVE(jm->key, jm->kcap, jm->nkey + n))
				return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			memcpy(jm->key + jm->nkey, s, n * sizeof(key_rec));
			for (size_t k = jm->nkey ? jm->nkey : 1; k < jm->nkey + n; k++)
				sorted &= jm->key[k - 1].hash < jm->key[k].hash;
			jm->nkey += n;
		}
	}
	if (!sorted) /* equal hashes, ordered by text: order them by h2 */
		qsort(jm->key, jm->nkey, sizeof *jm->key, cmp_key);
	if (jm->nkey > UINT32_MAX)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "too many terms in one bucket");
	unsigned bits = 0;
	while (bits < 26 && bits < 64 - t->bbits && ((size_t)1 << bits) < jm->nkey)
		bits++;
	size_t nd = (size_t)1 << bits;
	if (NGIDX_RESERVE(jm->dir, jm->dcap, nd + 1))
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	size_t k = 0;
	for (size_t i = 0; i <= nd; i++) {
		while (k < jm->nkey && dir_of(t, jm->key[k].hash, bits) < i)
			k++;
		jm->dir[i] = (uint32_t)k;
	}
	*dbits = bits;
	return NGIDX_OK;
}

/* The key of (@h, @h2) in bucket @b's keys, or NULL. */
static const key_rec *find_key(const toplists *t, const join_mem *jm, unsigned dbits, uint64_t h,
                               uint64_t h2)
{
	size_t d = dir_of(t, h, dbits), lo = jm->dir[d], hi = jm->dir[d + 1];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const key_rec *k = &jm->key[mid];
		if (k->hash < h || (k->hash == h && k->h2 < h2))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < jm->dir[d + 1] && jm->key[lo].hash == h && jm->key[lo].h2 == h2 ? &jm->key[lo]
	                                                                           : NULL;
}

/* Decode the records of chunk bytes @s..@end into jm->ent, parents found
 * among the keys; the bucket's ids are [tlo, thi). */
static int read_records(const toplists *t, join_mem *jm, unsigned dbits, const unsigned char *s,
                        const unsigned char *end, uint64_t tlo, uint64_t thi, ngidx_error *err)
{
	while (s < end) {
		uint64_t h[2], cs, cf, cfdf;
		if (end - s < 16)
			return ngidx_err_set(err, NGIDX_ERR_CORRUPT, "a join record is cut");
		memcpy(h, s, 16);
		s += 16;
		if (ngidx_varint_get(&s, end, &cs) || ngidx_varint_get(&s, end, &cf) ||
		    ngidx_varint_get(&s, end, &cfdf) || cfdf > cf)
			return ngidx_err_set(err, NGIDX_ERR_CORRUPT, "a join record is damaged");
		const key_rec *k = find_key(t, jm, dbits, h[0], h[1]);
		if (!k || k->id < tlo || k->id >= thi || cs >> 1 >= t->nterms)
			return ngidx_err_set(err, NGIDX_ERR_CORRUPT,
			                     "term %llu: a sub-phrase is not in the lexicon",
			                     (unsigned long long)(cs >> 1));
		if (NGIDX_RESERVE(jm->ent, jm->ecap, jm->nent + 1))
			return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		jm->ent[jm->nent++] = (cont_ent){ cf, cf - cfdf, cs >> 1, (k->id - tlo) << 1 | (cs & 1) };
	}
	return NGIDX_OK;
}

/* Bucket @b, whose terms are the ids [@tlo, @thi), from its chunks (then
 * freed) to its CONT records in @d and group table entries in @g (offsets
 * from the start of @d). */
static int join_bucket(const toplists *t, size_t b, uint64_t tlo, uint64_t thi, join_mem *jm,
                       ngidx_wfile *g, ngidx_wfile *d, ngidx_error *err)
{
	unsigned dbits = 0;
	FORWARD_IF_ERROR(load_keys(t, b, jm, &dbits, err));
	jm->nent = 0;
	for (size_t p = 0; p < t->nparts; p++) {
		clist *l = &t->part[p].rch[b];
		for (size_t i = 0; i < l->n; i++) {
			const unsigned char *s = chunk_bytes(t, &t->part[p], &l->c[i], jm, err);
			if (!s)
				return err->code;
			FORWARD_IF_ERROR(read_records(t, jm, dbits, s, s + l->c[i].len, tlo, thi, err));
		}
		chunks_free(l);
		chunks_free(&t->part[p].kch[b]);
	}
	/* a counting sort on the slot: pos[s] = the first entry of slot s */
	size_t nslot = (size_t)(thi - tlo) * 2;
	if (NGIDX_RESERVE(jm->pos, jm->pcap, nslot + 1) ||
	    NGIDX_RESERVE(jm->sorted, jm->scap, jm->nent))
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	memset(jm->pos, 0, (nslot + 1) * sizeof *jm->pos);
	for (size_t i = 0; i < jm->nent; i++)
		jm->pos[jm->ent[i].slot + 1]++;
	for (size_t s = 0; s < nslot; s++)
		jm->pos[s + 1] += jm->pos[s];
	for (size_t i = 0; i < jm->nent; i++)
		jm->sorted[jm->pos[jm->ent[i].slot]++] = jm->ent[i];
	/* pos[s] is now the end of slot s */
	bitw bw = { d, 0, 0, 0, { 0 } };
	size_t at = 0;
	for (uint64_t id = tlo; id < thi; id++) {
		if (id % NGX_CONT_GROUP == 0)
			ngidx_wfile_write(g, &d->written, 8);
		size_t s = (size_t)(id - tlo) * 2, r = jm->pos[s] - at, l = jm->pos[s + 1] - jm->pos[s];
		sort_list(jm->sorted + at, r);
		sort_list(jm->sorted + at + r, l);
		/* varint r << 1 | (l > 0), then varint l if l > 0: the many
		 * terms without continuations (all of max n) take one byte */
		ngidx_wfile_put_varint(d, (uint64_t)r << 1 | (l > 0));
		if (l)
			ngidx_wfile_put_varint(d, l);
		for (size_t i = 0; i < r + l; i++)
			bit_put(&bw, jm->sorted[at + i].child, t->w);
		bit_flush(&bw);
		at += r + l;
	}
	return NGIDX_OK;
}

/* Step 2, join task @p: its range of buckets, to its scratch files. */
static void join(const toplists *t, size_t p)
{
	tl_part *q = &t->part[p];
	size_t nb = (size_t)1 << t->bbits;
	size_t b0 = nb * p / t->nparts, b1 = nb * (p + 1) / t->nparts;
	/* the first id of bucket b: the terms of the buckets before it */
	uint64_t tlo = 0;
	for (size_t b = 0; b < b0; b++)
		for (size_t k = 0; k < t->nparts; k++)
			tlo += t->part[k].bterms[b];
	join_mem jm = { 0 };
	ngidx_wfile g, d;
	int gopen = 0, dopen = 0;
	if (!(q->rc = ngidx_wfile_open(&g, q->gpath, 1u << 16, &q->err)))
		gopen = 1;
	if (!q->rc && !(q->rc = ngidx_wfile_open(&d, q->dpath, 1u << 20, &q->err)))
		dopen = 1;
	for (size_t b = b0; b < b1 && !q->rc; b++) {
		uint64_t thi = tlo;
		for (size_t k = 0; k < t->nparts; k++)
			thi += t->part[k].bterms[b];
		q->rc = join_bucket(t, b, tlo, thi, &jm, &g, &d, &q->err);
		tlo = thi;
	}
	q->dlen = dopen ? d.written : 0;
	if (gopen)
		part_close(q, &g);
	if (dopen)
		part_close(q, &d);
	ngidx_free(jm.key);
	ngidx_free(jm.dir);
	ngidx_free(jm.ent);
	ngidx_free(jm.sorted);
	ngidx_free(jm.pos);
	ngidx_free(jm.rd);
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
	for (size_t q = 0; q < t->nparts; q++)
		if (!t->part[q].scanned)
			return; /* that scan's error is the one reported */
	if (t->max_n > 1)
		join(t, p);
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
	t->cdata_len = 0;
	for (size_t p = 0; p < t->nparts; p++)
		t->cdata_len += t->part[p].dlen;
	return NGIDX_OK;
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

/* CONT: the header, the join tasks' group tables (their offsets moved by
 * the records before theirs) and the end, then their records. */
static int write_cont(toplists *t, idx_writer *w, ngidx_error *err)
{
	idx_writer_begin(w, NGX_SEC_CONT);
	uint64_t hdr[3] = { t->nterms, t->w, t->cdata_len };
	ngidx_wfile_write(&w->f, hdr, sizeof hdr);
	int rc = NGIDX_OK;
	uint64_t base = 0;
	for (size_t p = 0; p < t->nparts && !rc; p++) {
		ngidx_map m;
		if ((rc = ngidx_map_file(&m, t->part[p].gpath, err)))
			break;
		for (size_t i = 0; i + 8 <= m.len; i += 8) {
			uint64_t off;
			memcpy(&off, m.p + i, 8);
			off += base;
			ngidx_wfile_write(&w->f, &off, 8);
		}
		ngidx_map_release(&m);
		base += t->part[p].dlen;
	}
	ngidx_wfile_write(&w->f, &t->cdata_len, 8);
	for (size_t p = 0; p < t->nparts && !rc; p++)
		rc = ngidx_wfile_append_file(&w->f, t->part[p].dpath, err);
	idx_writer_end(w);
	return rc;
}

int toplists_write(toplists *t, idx_writer *w, ngidx_error *err)
{
	write_toplist(t, w);
	FORWARD_IF_ERROR(write_nterms(t, w, err));
	return t->max_n == 1 ? NGIDX_OK : write_cont(t, w, err);
}

static void remove_free(char *path)
{
	if (path)
		remove(path);
	ngidx_free(path);
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
		for (unsigned n = 0; n < q->nt_open; n++)
			ngidx_wfile_abort(&q->nt[n]);
		for (unsigned n = 0; n < NGIDX_MAX_N; n++)
			remove_free(q->nt_path[n]);
		for (size_t b = 0; q->kch && q->rch && q->rbuf && b < (size_t)1 << t->bbits; b++) {
			chunks_free(&q->kch[b]);
			chunks_free(&q->rch[b]);
			ngidx_free(q->rbuf[b].p);
		}
		ngidx_free(q->kbuf.p);
		ngidx_free(q->bterms);
		ngidx_free(q->kch);
		ngidx_free(q->rch);
		ngidx_free(q->rbuf);
		if (q->spill_open)
			ngidx_wfile_abort(&q->spill);
		if (q->spill_fd >= 0)
			close(q->spill_fd);
		remove_free(q->spill_path);
		remove_free(q->gpath);
		remove_free(q->dpath);
		ngidx_map_release(&q->lex);
		ngidx_map_release(&q->text);
	}
	ngidx_free(t->part);
	ngidx_free(t);
}
