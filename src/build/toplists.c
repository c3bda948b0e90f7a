/*
 * toplists.c - TOPLIST and CONT, built during the assembler's one pass
 * over the lexicon.
 *
 * TOPLIST. For each n and each order (occurrences, documents) a bounded
 * min-heap keeps the NGX_TOP_K best terms seen so far; the heap's root is
 * the worst of them, so most terms are rejected by one comparison with it.
 * Orders are total: by occurrences = cf desc, df desc, text bytes asc; by
 * documents = df desc, cf desc, text bytes asc. Heap entries keep a copy
 * of their text (the partitions' text files are unmapped page by page as
 * the pass goes). At the end each heap is sorted best first and written.
 *
 * CONT. A term t of n >= 2 tokens extends its prefix p (first n-1 tokens)
 * on the right and its suffix s (last n-1 tokens) on the left; both are in
 * the lexicon (a sub-phrase has at least the documents of t, so --min-df
 * keeps it; unigrams are always kept). Their ids are found by a sort-merge
 * join, never with a table of all terms in memory:
 *   1. during the pass, each term of n < max_n writes (hash, h2, id) to
 *      the scratch file "contkeys" (in id order, i.e. hash order), and
 *      each term of n >= 2 adds two records (hash(p), h2(p), t | right,
 *      cf, df) and (hash(s), h2(s), t | left, cf, df) to an external sort
 *      (xsort.c) ordered by the top 33 bits of the hash alone (the join
 *      needs no more: the order within is undone by the second sort).
 *      h2 is XXH3 with another seed,
 *      so a collision of the 64-bit hash (or of the 3-bit test hash) is
 *      resolved by the 64-bit h2, and texts never need to be compared;
 *   2. a merge of the sorted records with "contkeys" (a group of keys of
 *      equal top bits is sorted by (hash, h2) in memory and searched;
 *      groups hold one term but under the 3-bit test hash, where the
 *      group is every key) turns each record into (key, cf, df, child),
 *      key holding parent << 1 | side and the cf (s2_key), for a second
 *      external sort ordered by parent, side, then cf desc, df desc, child
 *      id asc: the order of the lists;
 *   3. the sorted stream gives each term's record in id order: the
 *      counts of right and left continuations, then the ids bit-packed
 *      (format/idx_format.h). The group table (offset of
 *      every NGX_CONT_GROUP-th record) goes to a scratch file and both are
 *      appended as the section.
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

/* join records */
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

struct toplists {
	uint64_t nterms;
	unsigned max_n, w;
	unsigned cf_bits;            /* of the list sort's key: s2_key() */
	char *dir, *keys_path;
	tl_heap heap[2 * NGIDX_MAX_N];
	uint64_t total[NGIDX_MAX_N];
	ngidx_wfile keys;
	int keys_open;
	/* NTERMS: per n, the ids of terms with cf >= NGX_NTERMS_MIN_CF */
	ngidx_wfile nt[NGIDX_MAX_N];
	unsigned nt_open;
	uint64_t nt_count[NGIDX_MAX_N];
	bitw nt_bits[NGIDX_MAX_N];
	char *nt_path[NGIDX_MAX_N];
	xsort s1, s2;
	size_t budget;
	ngidx_map text;
	size_t dropped;
	int rc;
	ngidx_error err;
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

static void heap_add(toplists *t, tl_heap *h, const tl_ent *c)
{
	if (h->n == NGX_TOP_K && !better(c, &h->e[0], h->by_df))
		return;
	char *copy = ngidx_malloc(c->len ? c->len : 1);
	if (!copy) {
		t->rc = ngidx_err_set(&t->err, NGIDX_ERR_NOMEM, "out of memory");
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

int toplists_create(toplists **out, uint64_t nterms, unsigned max_n, const char *tmpdir,
                    uint64_t memory, ngidx_error *err)
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
	t->budget = (size_t)(memory / 4);
	int rc = NGIDX_OK;
	for (unsigned i = 0; i < 2 * max_n && !rc; i++) {
		t->heap[i].by_df = (int)(i & 1);
		t->heap[i].e = ngidx_malloc(NGX_TOP_K * sizeof(tl_ent));
		if (!t->heap[i].e)
			rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	}
	t->dir = ngidx_strdupf("%s", tmpdir);
	t->keys_path = ngidx_strdupf("%s/contkeys", tmpdir);
	if (!rc && (!t->dir || !t->keys_path))
		rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	if (!rc)
		rc = xsort_init(&t->s1, sizeof(s1_rec), NULL, tmpdir, "contjoin", t->budget, err);
	if (!rc)
		rc = xsort_init(&t->s2, sizeof(s2_rec), cmp_s2, tmpdir, "contlist", t->budget, err);
	if (!rc && !(rc = ngidx_wfile_open(&t->keys, t->keys_path, 1u << 20, err)))
		t->keys_open = 1;
	for (unsigned n = 0; n < max_n && !rc; n++) {
		if (!(t->nt_path[n] = ngidx_strdupf("%s/nterms-%u", tmpdir, n + 1)))
			rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		if (!rc && !(rc = ngidx_wfile_open(&t->nt[n], t->nt_path[n], 1u << 16, err)))
			t->nt_open = n + 1;
		t->nt_bits[n].f = &t->nt[n];
	}
	/* at most two join records per term, one list entry per record */
	xsort_expect(&t->s1, nterms < SIZE_MAX / 2 ? (size_t)nterms * 2 : SIZE_MAX);
	xsort_key_bits(&t->s1, JOIN_BITS);
	xsort_expect(&t->s2, nterms < SIZE_MAX / 2 ? (size_t)nterms * 2 : SIZE_MAX);
	xsort_key_bits(&t->s2, t->w + 1 + t->cf_bits);
	if (rc) {
		toplists_free(t);
		return rc;
	}
	*out = t;
	return NGIDX_OK;
}

void toplists_part_begin(toplists *t, const char *text_path)
{
	t->dropped = 0;
	if (!t->rc)
		t->rc = ngidx_map_file(&t->text, text_path, &t->err);
}

void toplists_part_end(toplists *t)
{
	ngidx_map_release(&t->text);
	memset(&t->text, 0, sizeof t->text);
}

static void s1_add(toplists *t, const char *s, size_t len, uint64_t child, const struct ngx_lex_entry *e)
{
	s1_rec r = { ngidx_hash64(s, len), XXH3_64bits_withSeed(s, len, H2_SEED), child, e->cf, e->df };
	if (!t->rc)
		t->rc = xsort_add(&t->s1, &r, &t->err);
}

void toplists_add(toplists *t, uint64_t id, const struct ngx_lex_entry *e, uint64_t text_end)
{
	if (t->rc)
		return;
	if (e->text_off > text_end || text_end > t->text.len) {
		t->rc = ngidx_err_set(&t->err, NGIDX_ERR_IO, "term %llu: text out of its file",
		                      (unsigned long long)id);
		return;
	}
	if (e->text_off - t->dropped >= RUN_DROP)
		t->dropped = ngidx_map_drop(&t->text, t->dropped, (size_t)e->text_off);
	const char *s = (const char *)t->text.p + e->text_off;
	size_t len = (size_t)(text_end - e->text_off);
	if (!len || (unsigned char)s[0] < 0x20 || e->n < 1 || e->n > t->max_n)
		return; /* pseudo-term: not an n-gram */
	unsigned n = e->n;
	t->total[n - 1]++;
	if (e->cf >= NGX_NTERMS_MIN_CF) {
		bit_put(&t->nt_bits[n - 1], id, t->w);
		t->nt_count[n - 1]++;
	}
	tl_ent c = { e->cf, e->df, id, (char *)(uintptr_t)s, len };
	heap_add(t, &t->heap[2 * (n - 1)], &c);
	heap_add(t, &t->heap[2 * (n - 1) + 1], &c);
	if (n < t->max_n) {
		key_rec k = { e->hash, XXH3_64bits_withSeed(s, len, H2_SEED), id };
		ngidx_wfile_write(&t->keys, &k, sizeof k);
	}
	if (n >= 2) {
		const char *first = memchr(s, ' ', len), *last = memrchr(s, ' ', len);
		if (!first)
			return;
		s1_add(t, s, (size_t)(last - s), id, e);
		s1_add(t, first + 1, (size_t)(s + len - first - 1), id | 1ull << 63, e);
	}
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
	for (unsigned n = 0; n < t->max_n; n++) {
		uint64_t e[2] = { t->total[n], t->heap[2 * n].n };
		ngidx_wfile_write(&w->f, e, sizeof e);
	}
	bitw b = { &w->f, 0, 0, 0, { 0 } };
	for (unsigned i = 0; i < 2 * t->max_n; i++) {
		tl_heap *h = &t->heap[i];
		qsort(h->e, h->n, sizeof *h->e, h->by_df ? cmp_ent_doc : cmp_ent_occ);
		for (size_t j = 0; j < h->n; j++)
			bit_put(&b, h->e[j].id, t->w);
	}
	bit_flush(&b);
	idx_writer_end(w);
}

/* NTERMS: the header, then each n's list from its scratch file. */
static int write_nterms(toplists *t, idx_writer *w, ngidx_error *err)
{
	int rc = NGIDX_OK;
	uint64_t lens[NGIDX_MAX_N];
	for (unsigned n = 0; n < t->max_n; n++) {
		bit_flush(&t->nt_bits[n]);
		lens[n] = t->nt[n].written;
		int r = ngidx_wfile_close(&t->nt[n], 0, rc ? NULL : err);
		rc = rc ? rc : r;
	}
	t->nt_open = 0;
	FORWARD_IF_ERROR(rc);
	idx_writer_begin(w, NGX_SEC_NTERMS);
	uint32_t hdr[4] = { t->max_n, t->w, NGX_NTERMS_MIN_CF, 0 };
	ngidx_wfile_write(&w->f, hdr, sizeof hdr);
	uint64_t off = 0;
	for (unsigned n = 0; n < t->max_n; n++) {
		uint64_t e[2] = { t->nt_count[n], off };
		ngidx_wfile_write(&w->f, e, sizeof e);
		off += lens[n];
	}
	for (unsigned n = 0; n < t->max_n && !rc; n++)
		rc = ngidx_wfile_append_file(&w->f, t->nt_path[n], err);
	idx_writer_end(w);
	return rc;
}

/* Step 2: join the sorted records with the keys; feed s2. */
static int join(toplists *t, ngidx_error *err)
{
	ngidx_map km;
	FORWARD_IF_ERROR(ngidx_map_file(&km, t->keys_path, err));
	size_t nk = km.len / sizeof(key_rec), ki = 0, dropped = 0;
	key_rec *grp = NULL;
	size_t ng = 0, gcap = 0;
	uint64_t gkey = 0;
	int have = 0, rc = NGIDX_OK, more;
	const void *p;
	while ((more = xsort_next(&t->s1, &p, err)) == 1) {
		s1_rec r;
		memcpy(&r, p, sizeof r);
		while (!have || gkey < JOIN_KEY(r.hash)) {
			if (ki == nk)
				break;
			/* load the next group of equal top hash bits */
			ng = 0;
			memcpy(&gkey, km.p + ki * sizeof(key_rec), 8);
			gkey = JOIN_KEY(gkey);
			for (; ki < nk; ki++) {
				key_rec k;
				memcpy(&k, km.p + ki * sizeof k, sizeof k);
				if (JOIN_KEY(k.hash) != gkey)
					break;
				if (NGIDX_RESERVE(grp, gcap, ng + 1)) {
					rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
					goto done;
				}
				grp[ng++] = k;
			}
			if (ng > 1)
				qsort(grp, ng, sizeof *grp, cmp_key);
			have = 1;
			if (ki * sizeof(key_rec) - dropped >= RUN_DROP)
				dropped = ngidx_map_drop(&km, dropped, ki * sizeof(key_rec));
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
		if ((rc = xsort_add(&t->s2, &o, err)))
			goto done;
	}
	if (more < 0)
		rc = -more;
done:
	ngidx_free(grp);
	ngidx_map_release(&km);
	return rc;
}

/* Step 3: the CONT section. */
static int write_cont(toplists *t, idx_writer *w, ngidx_error *err)
{
	char *gpath = ngidx_strdupf("%s/contgroups", t->dir), *dpath = ngidx_strdupf("%s/contdata", t->dir);
	uint64_t *ids = NULL;
	size_t cap = 0;
	int rc = gpath && dpath ? NGIDX_OK : ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	ngidx_wfile g, d;
	int gopen = 0, dopen = 0;
	if (!rc && !(rc = ngidx_wfile_open(&g, gpath, 1u << 20, err)))
		gopen = 1;
	if (!rc && !(rc = ngidx_wfile_open(&d, dpath, 1u << 20, err)))
		dopen = 1;
	const void *p = NULL;
	int more = 0;
	if (!rc) {
		more = xsort_next(&t->s2, &p, err);
		if (more < 0)
			rc = -more;
	}
	bitw b = { &d, 0, 0, 0, { 0 } };
	for (uint64_t id = 0; id < t->nterms && !rc; id++) {
		if (id % NGX_CONT_GROUP == 0)
			ngidx_wfile_write(&g, &d.written, 8);
		size_t cnt[2] = { 0, 0 };
		while (more == 1) {
			s2_rec r;
			memcpy(&r, p, sizeof r);
			uint64_t ps = s2_parent_side(t, r.key);
			if (ps >> 1 != id)
				break;
			if (NGIDX_RESERVE(ids, cap, cnt[0] + cnt[1] + 1)) {
				rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
				break;
			}
			ids[cnt[0] + cnt[1]] = r.child;
			cnt[ps & 1]++;
			more = xsort_next(&t->s2, &p, err);
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
	uint64_t dlen = d.written;
	if (!rc)
		ngidx_wfile_write(&g, &dlen, 8);
	if (gopen) {
		int r = ngidx_wfile_close(&g, 0, rc ? NULL : err);
		rc = rc ? rc : r;
	}
	if (dopen) {
		int r = ngidx_wfile_close(&d, 0, rc ? NULL : err);
		rc = rc ? rc : r;
	}
	if (!rc) {
		idx_writer_begin(w, NGX_SEC_CONT);
		uint64_t hdr[3] = { t->nterms, t->w, dlen };
		ngidx_wfile_write(&w->f, hdr, sizeof hdr);
		rc = ngidx_wfile_append_file(&w->f, gpath, err);
		if (!rc)
			rc = ngidx_wfile_append_file(&w->f, dpath, err);
		idx_writer_end(w);
	}
	if (gpath)
		remove(gpath);
	if (dpath)
		remove(dpath);
	ngidx_free(gpath);
	ngidx_free(dpath);
	ngidx_free(ids);
	return rc;
}

int toplists_write(toplists *t, idx_writer *w, ngidx_error *err)
{
	if (t->rc) {
		if (err)
			*err = t->err;
		return t->rc;
	}
	int rc = ngidx_wfile_close(&t->keys, 0, err);
	t->keys_open = 0;
	FORWARD_IF_ERROR(rc);
	write_toplist(t, w);
	FORWARD_IF_ERROR(write_nterms(t, w, err));
	if (t->max_n == 1)
		return NGIDX_OK; /* nothing longer to list: no CONT section */
	FORWARD_IF_ERROR(xsort_finish(&t->s1, err));
	FORWARD_IF_ERROR(join(t, err));
	xsort_release(&t->s1);
	FORWARD_IF_ERROR(xsort_finish(&t->s2, err));
	return write_cont(t, w, err);
}

void toplists_free(toplists *t)
{
	if (!t)
		return;
	for (unsigned i = 0; i < 2 * NGIDX_MAX_N; i++) {
		for (size_t j = 0; j < t->heap[i].n; j++)
			ngidx_free(t->heap[i].e[j].text);
		ngidx_free(t->heap[i].e);
	}
	if (t->keys_open)
		ngidx_wfile_abort(&t->keys);
	for (unsigned n = 0; n < t->nt_open; n++)
		ngidx_wfile_abort(&t->nt[n]);
	for (unsigned n = 0; n < NGIDX_MAX_N; n++)
		ngidx_free(t->nt_path[n]);
	if (t->keys_path)
		remove(t->keys_path);
	xsort_release(&t->s1);
	xsort_release(&t->s2);
	ngidx_map_release(&t->text);
	ngidx_free(t->dir);
	ngidx_free(t->keys_path);
	ngidx_free(t);
}
