/*
 * merge_test.c - tests of the final merge of the build (src/build/merge.c)
 * and of the streaming postings encoder it feeds (src/format/post_enc.c),
 * for builds that analyse a huge document in pieces (run.h: continuation
 * entries, and a document in several runs).
 *
 * 1. Encoder. The encoder as it was before streaming is kept here (old_enc:
 *    a whole block's position gaps in an array, cut into runs when the
 *    block is written) as the reference of the bytes. Random lists (many
 *    documents, block edges, tf from 1 to 300000, positions with pfor
 *    exceptions, ids and positions near 2^32) are encoded three ways: by
 *    old_enc, by post_enc_add with each document's whole array, and by
 *    post_enc_add_doc then post_enc_add_pos in chunks of random sizes (0
 *    included); the three files must be byte-identical. The buffered
 *    positions of a block with a million small gaps must cost about their
 *    encoded size, and misuse of the streaming calls is refused.
 *
 * 2. Merge. A model corpus (documents of word ids over a small Zipf
 *    vocabulary, n-grams up to 3, two documents of tens of thousands of
 *    tokens, actor-like terms that min_df never drops) is written as run
 *    files by hand (run_write: the layout of run.h, as accum_spill writes
 *    it), by simulated workers, in three layouts: WHOLE (a document is one
 *    entry of one run: the build before splitting), CONT (documents cut in
 *    pieces, whose entries continue one another in a run) and SPLIT (pieces
 *    and spills anywhere, so documents also span runs). For min_df 1..3 and
 *    several key-range partitions, merge_partition must write the same
 *    lexicon, texts, postings, actor list and counters for WHOLE and CONT
 *    with split_docs 0 or 1 and SPLIT with split_docs 1; SPLIT with
 *    split_docs 0 must give the same or fail with NGIDX_ERR_CORRUPT, never
 *    a wrong index. A fixed case puts the only document of a bigram across
 *    two runs with min_df 2: the summed df (2) would keep it, the exact df
 *    (1) drops it.
 *
 * 2b. Compaction. Each worker's runs of the CONT and SPLIT layouts are
 *    merged by run_compact in groups of random sizes, once or twice over
 *    (as the build merges runs of a level into one of the next); the
 *    final merge of the result must write what it writes for WHOLE. Fixed
 *    cases: a document going on from one run into the next becomes a
 *    continuation (exact bytes), so that split_docs 0 prunes by exact df;
 *    runs out of document order are refused, and leave no output.
 *
 * 3. Corruption. Hand-made records: malformed varints, truncated
 *    positions, positions out of order across a continuation or across
 *    runs, tf 0, a record starting with a continuation, df or cf
 *    disagreeing with the entries, ids or positions past 2^32, tf summing
 *    past 2^32, an empty record, mixed n, and a document split across runs
 *    merged with split_docs 0: all NGIDX_ERR_CORRUPT, and their valid
 *    neighbours merge.
 *
 * Random tests print their seed on stderr; NGIDX_SEED=<seed> replays one,
 * NGIDX_TEST_SECONDS sets how long they run (default 1 s each, at least a
 * few rounds).
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "build/compact.h"
#include "build/merge.h"
#include "build/run.h"
#include "codec/codec.h"
#include "common/endian.h"
#include "common/fileio.h"
#include "common/hash.h"
#include "format/idx_format.h"
#include "format/post_enc.h"

#define TEST_NAME "merge"
#include "test_util.h"

static double test_seconds(void)
{
	const char *env = getenv("NGIDX_TEST_SECONDS");
	return env && *env ? strtod(env, NULL) : 1.0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Append @v as a varint to @b. */
static void sb_varint(sbuf *b, uint64_t v)
{
	unsigned char t[NGIDX_VARINT64_MAX];
	sb_put(b, t, ngidx_varint_put(t, v));
}

/* Whether two files are the same bytes; on a difference, say where. */
static void same_file(const char *a, const char *b, const char *what)
{
	size_t la, lb;
	unsigned char *pa = read_whole(a, &la), *pb = read_whole(b, &lb);
	size_t i = 0;
	while (i < la && i < lb && pa[i] == pb[i])
		i++;
	cr_assert(i == la && i == lb, "%s: %zu and %zu bytes, first difference at byte %zu", what, la,
	          lb, i);
	free(pa);
	free(pb);
}

/* ---- 1. the encoder --------------------------------------------------------- */

/*
 * The encoder of post_enc.c before post_enc_add_doc/post_enc_add_pos
 * existed, unchanged but for names, the test's allocation and the rules of
 * format 2.0 (no tf when cf == df; Rice groups): every gap of
 * the block in pos[], cut in runs of NGIDX_BLOCK when the block is written.
 */
typedef struct old_enc {
	ngidx_wfile *out;
	unsigned n;
	uint64_t df, cf;
	uint64_t start;
	uint32_t docs[NGIDX_BLOCK], tfs[NGIDX_BLOCK];
	size_t nb;
	int64_t prev_last;
	uint64_t added;
	uint32_t *pos;
	size_t npos, pos_cap;
	post_skip *skip;
	size_t nskip, skip_cap;
	uint8_t *scratch;
} old_enc;

static void old_begin(old_enc *e, unsigned n, uint64_t df, uint64_t cf)
{
	e->n = n;
	e->df = df;
	e->cf = cf;
	e->start = e->out->written;
	e->nb = 0;
	e->prev_last = -1;
	e->added = 0;
	e->npos = 0;
	e->nskip = 0;
}

static void old_put_values(old_enc *e, const uint32_t *v, size_t n)
{
	if (n == NGIDX_BLOCK || n >= NGIDX_RICE_MIN) {
		size_t k = n == NGIDX_BLOCK ? ngidx_pfor_encode(v, n, e->scratch)
		                            : ngidx_rice_encode(v, n, e->scratch);
		ngidx_wfile_write(e->out, e->scratch, k);
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ngidx_varint_put(e->scratch + k, v[i]);
	ngidx_wfile_write(e->out, e->scratch, k);
}

static void old_flush_block(old_enc *e)
{
	GROW(e->skip, e->skip_cap, e->nskip + 1);
	e->skip[e->nskip].off = e->out->written - e->start;
	e->skip[e->nskip].last = e->docs[e->nb - 1];
	e->nskip++;
	uint32_t gaps[NGIDX_BLOCK];
	int64_t prev = e->prev_last;
	for (size_t i = 0; i < e->nb; i++) {
		gaps[i] = (uint32_t)((int64_t)e->docs[i] - prev - 1);
		prev = e->docs[i];
	}
	old_put_values(e, gaps, e->nb);
	if (e->df > 1 && e->cf > e->df) {
		for (size_t i = 0; i < e->nb; i++)
			gaps[i] = e->tfs[i] - 1;
		old_put_values(e, gaps, e->nb);
	}
	for (size_t i = 0; i < e->npos; i += NGIDX_BLOCK) {
		size_t k = e->npos - i < NGIDX_BLOCK ? e->npos - i : NGIDX_BLOCK;
		old_put_values(e, e->pos + i, k);
	}
	e->prev_last = e->docs[e->nb - 1];
	e->nb = 0;
	e->npos = 0;
}

static void old_add(old_enc *e, uint32_t doc, uint32_t tf, const uint32_t *pos)
{
	e->docs[e->nb] = doc;
	e->tfs[e->nb] = tf;
	e->nb++;
	e->added++;
	if (e->n == 1) {
		GROW(e->pos, e->pos_cap, e->npos + tf);
		uint32_t prev1 = 0;
		for (uint32_t i = 0; i < tf; i++) {
			e->pos[e->npos++] = pos[i] - prev1;
			prev1 = pos[i] + 1;
		}
	}
	if (e->nb == NGIDX_BLOCK)
		old_flush_block(e);
}

static void old_end(old_enc *e)
{
	cr_assert_eq(e->added, e->df);
	if (e->nb)
		old_flush_block(e);
	if (e->nskip > 1) {
		for (size_t i = 0; i < e->nskip; i++) {
			unsigned char b[16] = { 0 };
			ngidx_put64(b, e->skip[i].off);
			ngidx_put32(b + 8, e->skip[i].last);
			ngidx_wfile_write(e->out, b, 16);
		}
	}
}

/* One term's postings: documents, tf, and (n == 1) each one's positions. */
typedef struct tlist {
	unsigned n;
	uint32_t df;
	uint64_t cf;
	uint32_t *docs, *tfs;
	uint32_t *pos;
	size_t npos;
} tlist;

static uint32_t pick_df(rng *r)
{
	static const uint32_t edges[] = { 1, 2, 127, 128, 129, 255, 256, 257, 384 };
	if (rng_below(r, 3) == 0)
		return edges[rng_below(r, sizeof edges / sizeof *edges)];
	return 1 + rng_zipf(r, 700);
}

/* A random list; *@budget positions are left to spend on big tf. */
static void tlist_make(tlist *l, rng *r, uint64_t *budget)
{
	memset(l, 0, sizeof *l);
	l->n = rng_below(r, 4) ? 1 : 2;
	l->df = pick_df(r);
	l->docs = xrealloc(NULL, l->df * sizeof *l->docs);
	l->tfs = xrealloc(NULL, l->df * sizeof *l->tfs);
	/* ids: dense, sparse, or ending at 2^32 - 2 */
	uint32_t spread = rng_below(r, 3) == 0 ? 1u << 20 : 1 + rng_below(r, 1000);
	uint64_t d = rng_below(r, 100);
	if (rng_below(r, 8) == 0) {
		spread = 3;
		d = UINT32_MAX - 1 - 3 * (uint64_t)l->df;
	}
	size_t pcap = 0;
	for (uint32_t k = 0; k < l->df; k++) {
		if (k)
			d += 1 + rng_below(r, spread);
		cr_assert_leq(d, UINT32_MAX - 1);
		l->docs[k] = (uint32_t)d;
		uint32_t tf = 1 + rng_zipf(r, 6);
		uint32_t c = rng_below(r, 50);
		if (c == 0)
			tf = 1 + rng_below(r, 300);
		else if (c == 1 && *budget > 5000) /* a huge document */
			tf = 4000 + rng_below(r, (uint32_t)(*budget < 300000 ? *budget : 300000) - 4000);
		else if (c == 2 && l->n == 2)
			tf = UINT32_MAX - rng_below(r, 2);
		l->tfs[k] = tf;
		l->cf += tf;
		if (l->n != 1)
			continue;
		*budget -= *budget > tf ? tf : *budget;
		GROW(l->pos, pcap, l->npos + tf);
		/* gaps mostly tiny, a few big (pfor exceptions); or a document
		 * whose positions end near 2^32 */
		uint64_t p = rng_below(r, 8) == 0 ? UINT32_MAX - 10 * (uint64_t)tf : rng_below(r, 50);
		for (uint32_t j = 0; j < tf; j++) {
			l->pos[l->npos++] = (uint32_t)p;
			p += 1 + (rng_below(r, 20) ? rng_below(r, 8) : rng_below(r, 4096));
			if (p > UINT32_MAX) /* stay increasing below 2^32 */
				p = l->pos[l->npos - 1] + 1;
		}
	}
}

static void tlist_free(tlist *l)
{
	free(l->docs);
	free(l->tfs);
	free(l->pos);
}

/* Chunk sizes: empty calls, single positions, small, large, the rest. */
static size_t pick_chunk(rng *r, size_t left)
{
	size_t c;
	switch (rng_below(r, 6)) {
	case 0: c = 0; break;
	case 1: c = 1; break;
	case 2: c = rng_below(r, 16); break;
	case 3: c = rng_below(r, 300); break;
	case 4: c = rng_below(r, 6000); break;
	default: c = left; break;
	}
	return c < left ? c : left;
}

Test(merge, post_enc_streaming_same_bytes, .init = fixture_setup, .fini = fixture_teardown,
     .timeout = 300)
{
	rng r = { test_seed("post_enc_streaming_same_bytes") };
	double stop = now() + test_seconds();
	unsigned rounds = 0;
	uint64_t total_pos = 0, lists = 0;
	do {
		uint64_t budget = 1500000;
		size_t nl = 10 + rng_below(&r, 30);
		tlist *l = xrealloc(NULL, nl * sizeof *l);
		for (size_t i = 0; i < nl; i++)
			tlist_make(&l[i], &r, &budget);

		ngidx_wfile w[3];
		ngidx_error err = { 0 };
		char path[3][PATH_MAX];
		snprintf(path[0], PATH_MAX, "%s/old.bin", g_dir);
		snprintf(path[1], PATH_MAX, "%s/whole.bin", g_dir);
		snprintf(path[2], PATH_MAX, "%s/stream.bin", g_dir);
		for (int k = 0; k < 3; k++)
			cr_assert_eq(ngidx_wfile_open(&w[k], path[k], 1000 + rng_below(&r, 9000), &err),
			             NGIDX_OK, "%s", err.msg);
		old_enc o = { .out = &w[0] };
		o.scratch = xrealloc(NULL, ngidx_pfor_bound(NGIDX_BLOCK) + ngidx_rice_bound(NGIDX_BLOCK) +
		                               NGIDX_BLOCK * NGIDX_VARINT32_MAX);
		post_enc a, s;
		post_enc_init(&a, &w[1]);
		post_enc_init(&s, &w[2]);
		for (size_t i = 0; i < nl; i++) {
			tlist *g = &l[i];
			old_begin(&o, g->n, g->df, g->cf);
			post_enc_begin(&a, g->n, g->df, g->cf);
			post_enc_begin(&s, g->n, g->df, g->cf);
			size_t pk = 0;
			for (uint32_t k = 0; k < g->df; k++) {
				const uint32_t *pos = g->n == 1 ? g->pos + pk : NULL;
				old_add(&o, g->docs[k], g->tfs[k], pos);
				CHECK(post_enc_add(&a, g->docs[k], g->tfs[k], pos) == NGIDX_OK, "post_enc_add");
				CHECK(post_enc_add_doc(&s, g->docs[k], g->tfs[k]) == NGIDX_OK, "post_enc_add_doc");
				if (g->n != 1)
					continue;
				size_t left = g->tfs[k];
				while (left) {
					size_t c = pick_chunk(&r, left);
					CHECK(post_enc_add_pos(&s, pos, c) == NGIDX_OK, "post_enc_add_pos");
					pos += c;
					left -= c;
				}
				if (rng_below(&r, 8) == 0) /* an empty call after the last */
					CHECK(post_enc_add_pos(&s, pos, 0) == NGIDX_OK, "empty post_enc_add_pos");
				pk += g->tfs[k];
			}
			old_end(&o);
			cr_assert_eq(post_enc_end(&a), NGIDX_OK, "list %zu", i);
			cr_assert_eq(post_enc_end(&s), NGIDX_OK, "list %zu", i);
			total_pos += g->npos;
			lists++;
		}
		post_enc_release(&a);
		post_enc_release(&s);
		free(o.pos);
		free(o.skip);
		free(o.scratch);
		for (int k = 0; k < 3; k++)
			cr_assert_eq(ngidx_wfile_close(&w[k], 0, &err), NGIDX_OK, "%s", err.msg);
		same_file(path[0], path[1], "old encoder vs post_enc_add");
		same_file(path[0], path[2], "old encoder vs post_enc_add_doc + post_enc_add_pos");
		for (size_t i = 0; i < nl; i++)
			tlist_free(&l[i]);
		free(l);
		rounds++;
	} while (rounds < 3 || now() < stop);
	fprintf(stderr, "merge_test: post_enc: %u rounds, %" PRIu64 " lists, %" PRIu64 " positions\n",
	        rounds, lists, total_pos);
}

Test(merge, post_enc_huge_document_memory, .init = fixture_setup, .fini = fixture_teardown)
{
	/* One document of 2^20 occurrences with gaps < 16: the old encoder
	 * held 4 bytes a gap (plus the caller's 4 a position); the block's
	 * buffered positions must now cost about their encoded size. */
	ngidx_wfile w;
	ngidx_error err = { 0 };
	cr_assert_eq(ngidx_wfile_open(&w, tp("p.bin"), 1u << 16, &err), NGIDX_OK, "%s", err.msg);
	post_enc e;
	post_enc_init(&e, &w);
	const uint32_t tf = 1u << 20;
	post_enc_begin(&e, 1, 2, (uint64_t)tf + 1);
	cr_assert_eq(post_enc_add_doc(&e, 7, tf), NGIDX_OK);
	uint32_t chunk[4096], p = 0;
	rng r = { 42 };
	for (uint32_t done = 0; done < tf; done += 4096) {
		for (size_t i = 0; i < 4096; i++) {
			chunk[i] = p;
			p += 1 + rng_below(&r, 15);
		}
		cr_assert_eq(post_enc_add_pos(&e, chunk, 4096), NGIDX_OK);
	}
	size_t held = e.pcap;
	cr_assert_leq(held, (size_t)tf, "%zu bytes held for %u positions of 4 bits", held, tf);
	cr_assert_eq(post_enc_add_doc(&e, 9, 1), NGIDX_OK);
	cr_assert_eq(post_enc_add_pos(&e, &p, 1), NGIDX_OK);
	cr_assert_eq(post_enc_end(&e), NGIDX_OK);
	post_enc_release(&e);
	cr_assert_eq(ngidx_wfile_close(&w, 0, &err), NGIDX_OK, "%s", err.msg);
}

/* The partition lexicon's terms: random ones, of every size of varint,
 * read back in order with their offsets; every cut of the bytes and a df
 * over 32 bits are refused. */
Test(merge, term_round_trip)
{
	rng r = { test_seed("term_round_trip") };
	enum { N = 2000 };
	static merge_term t[N];
	static unsigned char buf[N * MERGE_TERM_MAX];
	size_t len = 0;
	for (size_t i = 0; i < N; i++) {
		unsigned shift = rng_below(&r, 64);
		t[i].hash = rng_next(&r);
		t[i].df = rng_next(&r) >> (32 + rng_below(&r, 32));
		t[i].cf = t[i].df + (rng_next(&r) >> shift) / 2;
		t[i].text_len = rng_next(&r) >> (rng_below(&r, 64));
		t[i].post_len = rng_next(&r) >> (rng_below(&r, 64));
		t[i].n = 1 + rng_below(&r, 16);
		size_t k = merge_term_put(buf + len, &t[i]);
		cr_assert_leq(k, MERGE_TERM_MAX);
		len += k;
	}
	const unsigned char *at = buf;
	merge_term e = { 0 };
	uint64_t text_off = 0, post_off = 0;
	for (size_t i = 0; i < N; i++) {
		cr_assert_eq(merge_term_get(&at, buf + len, &e), 0, "term %zu", i);
		cr_assert(e.hash == t[i].hash && e.df == t[i].df && e.cf == t[i].cf && e.n == t[i].n &&
		          e.text_len == t[i].text_len && e.post_len == t[i].post_len, "term %zu", i);
		cr_assert(e.text_off == text_off && e.post_off == post_off, "term %zu: offsets", i);
		text_off += t[i].text_len;
		post_off += t[i].post_len;
	}
	cr_assert(at == buf + len);
	/* every cut of the first term is refused */
	size_t first = merge_term_put(buf, &t[0]);
	for (size_t cut = 0; cut < first; cut++) {
		merge_term x = { 0 };
		const unsigned char *p = buf;
		cr_assert_eq(merge_term_get(&p, buf + cut, &x), -1, "cut at %zu of %zu", cut, first);
	}
	merge_term big = { 1, 1ull << 33, 1ull << 32, 0, 3, 0, 5, 2 };
	size_t k = merge_term_put(buf, &big);
	merge_term x = { 0 };
	at = buf;
	cr_assert_eq(merge_term_get(&at, buf + k, &x), -1, "df over 2^32 - 1 accepted");
}

Test(merge, post_enc_streaming_misuse, .init = fixture_setup, .fini = fixture_teardown)
{
	ngidx_wfile w;
	ngidx_error err = { 0 };
	cr_assert_eq(ngidx_wfile_open(&w, tp("p.bin"), 4096, &err), NGIDX_OK, "%s", err.msg);
	post_enc e;
	post_enc_init(&e, &w);
	const uint32_t pos[] = { 1, 2, 3, 4 };
	/* more positions than tf */
	post_enc_begin(&e, 1, 1, 3);
	cr_assert_eq(post_enc_add_doc(&e, 1, 3), NGIDX_OK);
	cr_assert_eq(post_enc_add_pos(&e, pos, 2), NGIDX_OK);
	cr_assert_eq(post_enc_add_pos(&e, pos + 2, 2), NGIDX_ERR_INPUT);
	/* the next document before the positions of this one */
	post_enc_begin(&e, 1, 2, 4);
	cr_assert_eq(post_enc_add_doc(&e, 1, 3), NGIDX_OK);
	cr_assert_eq(post_enc_add_pos(&e, pos, 2), NGIDX_OK);
	cr_assert_eq(post_enc_add_doc(&e, 2, 1), NGIDX_ERR_INPUT);
	/* the end before them */
	post_enc_begin(&e, 1, 1, 3);
	cr_assert_eq(post_enc_add_doc(&e, 1, 3), NGIDX_OK);
	cr_assert_eq(post_enc_add_pos(&e, pos, 1), NGIDX_OK);
	cr_assert_eq(post_enc_end(&e), NGIDX_ERR_INPUT);
	/* positions of a bigram; an empty call is harmless */
	post_enc_begin(&e, 2, 1, 3);
	cr_assert_eq(post_enc_add_doc(&e, 1, 3), NGIDX_OK);
	cr_assert_eq(post_enc_add_pos(&e, pos, 0), NGIDX_OK);
	cr_assert_eq(post_enc_add_pos(&e, pos, 1), NGIDX_ERR_INPUT);
	post_enc_release(&e);
	ngidx_wfile_abort(&w);
}

/* ---- runs written by hand ------------------------------------------------- */

/* A record to write (run.h). */
typedef struct trec {
	uint64_t hash;
	unsigned n;
	const char *text;
	size_t len;
	uint64_t df, cf;
	const unsigned char *post;
	size_t plen;
} trec;

static int trec_cmp(const void *x, const void *y)
{
	const trec *a = x, *b = y;
	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	size_t m = a->len < b->len ? a->len : b->len;
	int c = m ? memcmp(a->text, b->text, m) : 0;
	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

/* The postings @p[0, @len) of an n-gram of @n tokens without their tf
 * (each must then be the one byte 1), as a run holds those of a record
 * with cf == df: into @o. Malformed postings are copied as they are. */
static void strip_tf(sbuf *o, const unsigned char *p, size_t len, unsigned n)
{
	const unsigned char *q = p, *end = p + len;
	sbuf t = { 0 };
	while (q < end) {
		uint64_t v;
		const unsigned char *g = q;
		if (ngidx_varint_get(&q, end, &v) || q == end || *q != 1)
			goto asis;
		sb_put(&t, g, (size_t)(q - g));
		q++;
		if (n == 1) {
			g = q;
			if (ngidx_varint_get(&q, end, &v))
				goto asis;
			sb_put(&t, g, (size_t)(q - g));
		}
	}
	if (t.len)
		sb_put(o, t.p, t.len);
	free(t.p);
	return;
asis:
	free(t.p);
	sb_put(o, p, len);
}

/* Write the @nr records as a run at @path, as accum_spill does: sorted by
 * (hash, text), then the fences and the trailer with its XXH64. */
static void run_write(const char *path, trec *r, size_t nr)
{
	qsort(r, nr, sizeof *r, trec_cmp);
	sbuf b = { 0 };
	sb_put(&b, RUN_MAGIC, RUN_HEADER);
	uint64_t fence[RUN_FENCES];
	unsigned k = 0;
	for (size_t i = 0; i < nr; i++) {
		unsigned top = (unsigned)(r[i].hash >> 56);
		while (k <= top)
			fence[k++] = b.len;
		unsigned char n = (unsigned char)r[i].n;
		sb_put(&b, &n, 1);
		sb_varint(&b, (uint64_t)r[i].len << 1 | (r[i].cf > r[i].df));
		sb_put(&b, r[i].text, r[i].len);
		sb_varint(&b, r[i].df);
		if (r[i].cf > r[i].df)
			sb_varint(&b, r[i].cf - r[i].df - 1);
		sbuf post = { 0 };
		if (r[i].plen && r[i].cf == r[i].df) /* an empty record's post may be NULL */
			strip_tf(&post, r[i].post, r[i].plen, r[i].n);
		else if (r[i].plen)
			sb_put(&post, r[i].post, r[i].plen);
		sb_varint(&b, post.len);
		if (post.len)
			sb_put(&b, post.p, post.len);
		free(post.p);
	}
	while (k < RUN_FENCES)
		fence[k++] = b.len;
	uint64_t foff = b.len;
	unsigned char e[8];
	for (k = 0; k < RUN_FENCES; k++) {
		ngidx_put64(e, fence[k]);
		sb_put(&b, e, 8);
	}
	ngidx_put64(e, nr);
	sb_put(&b, e, 8);
	ngidx_put64(e, foff);
	sb_put(&b, e, 8);
	ngidx_put64(e, XXH64(b.p, b.len, 0));
	sb_put(&b, e, 8);
	write_file(path, b.p, b.len);
	free(b.p);
}

/* The outcome of one merge_partition: status, counters, the four files. */
typedef struct mres {
	int rc;
	ngidx_error err;
	merge_out o;
} mres;

static void mres_free(mres *m)
{
	free(m->o.lex_path);
	free(m->o.text_path);
	free(m->o.post_path);
	free(m->o.act_path);
}

/* Merge the runs @paths; @chunk > 0 reads each run @chunk bytes at a time or
 * fewer (from 1 up, run after run), so that most records are read in
 * pieces (run_in), their headers too. */
static void merge_paths(mres *res, char *const *paths, size_t nruns, unsigned lo, unsigned hi,
                        uint32_t min_df, uint32_t min_count, int split, size_t chunk)
{
	static unsigned seq;
	run_file *rf = xrealloc(NULL, (nruns ? nruns : 1) * sizeof *rf);
	ngidx_error err = { 0 };
	for (size_t i = 0; i < nruns; i++)
		cr_assert_eq(run_file_open(&rf[i], paths[i], &err), NGIDX_OK, "%s: %s", paths[i], err.msg);
	for (size_t i = 0; chunk && i < nruns; i++)
		rf[i].chunk = 1 + (i * 37 + seq) % chunk;
	memset(res, 0, sizeof *res);
	char name[64];
	unsigned s = seq++;
	snprintf(name, sizeof name, "m%u.lex", s);
	res->o.lex_path = xstrdup(tp(name));
	snprintf(name, sizeof name, "m%u.text", s);
	res->o.text_path = xstrdup(tp(name));
	snprintf(name, sizeof name, "m%u.post", s);
	res->o.post_path = xstrdup(tp(name));
	snprintf(name, sizeof name, "m%u.act", s);
	res->o.act_path = xstrdup(tp(name));
	res->rc = merge_partition(rf, nruns, lo, hi, min_df, min_count, split, &res->o, &res->err);
	for (size_t i = 0; i < nruns; i++)
		run_file_close(&rf[i]);
	free(rf);
}

/* Two merges succeeded with the same counters and the same bytes. */
static void mres_same(const mres *a, const mres *b, const char *what)
{
	cr_assert_eq(a->rc, NGIDX_OK, "%s: reference merge: %s", what, a->err.msg);
	cr_assert_eq(b->rc, NGIDX_OK, "%s: %s", what, b->err.msg);
	cr_assert_eq(a->o.nterms, b->o.nterms, "%s: %" PRIu64 " terms, not %" PRIu64, what,
	             b->o.nterms, a->o.nterms);
	cr_assert_eq(a->o.nactor_terms, b->o.nactor_terms, "%s", what);
	cr_assert_eq(a->o.text_bytes, b->o.text_bytes, "%s", what);
	cr_assert_eq(a->o.post_bytes, b->o.post_bytes, "%s", what);
	cr_assert(!memcmp(a->o.nterms_n, b->o.nterms_n, sizeof a->o.nterms_n), "%s: nterms_n", what);
	cr_assert(!memcmp(a->o.cf_n, b->o.cf_n, sizeof a->o.cf_n), "%s: cf_n", what);
	char m[160];
	snprintf(m, sizeof m, "%s: lexicon", what);
	same_file(a->o.lex_path, b->o.lex_path, m);
	snprintf(m, sizeof m, "%s: term texts", what);
	same_file(a->o.text_path, b->o.text_path, m);
	snprintf(m, sizeof m, "%s: postings", what);
	same_file(a->o.post_path, b->o.post_path, m);
	snprintf(m, sizeof m, "%s: actor terms", what);
	same_file(a->o.act_path, b->o.act_path, m);
}

/* The lexicon entry of @text in a merge's output; 0 if absent. */
static int mres_find(const mres *m, const char *text, merge_term *out)
{
	size_t ll, tl;
	unsigned char *lex = read_whole(m->o.lex_path, &ll);
	unsigned char *txt = read_whole(m->o.text_path, &tl);
	const unsigned char *at = lex, *end = lex + ll;
	size_t len = strlen(text);
	merge_term e = { 0 };
	int found = 0;
	for (uint64_t i = 0; i < m->o.nterms && !found; i++) {
		cr_assert(!merge_term_get(&at, end, &e), "term %" PRIu64 " of the lexicon damaged", i);
		cr_assert_leq(e.text_off + e.text_len, tl);
		if (e.text_len == len && !memcmp(txt + e.text_off, text, len)) {
			*out = e;
			found = 1;
		}
	}
	free(lex);
	free(txt);
	return found;
}

/* ---- 2. the model and its layouts ------------------------------------------ */

typedef struct mocc {
	uint32_t term, pos;
} mocc;

typedef struct mdoc {
	uint32_t id, ntok;
	unsigned worker;
	int huge;
	uint32_t fixed_cut; /* nonzero: SPLIT cuts here and spills between */
	mocc *occ;          /* sorted by (term, pos) */
	size_t nocc;
} mdoc;

typedef struct mterm {
	char *text;
	size_t len;
	unsigned n;
	uint64_t hash;
} mterm;

#define MODEL_TAB (1u << 15)

typedef struct model {
	mterm *t;
	size_t nt, tcap;
	uint32_t *tab; /* term + 1, open addressing by fnv */
	mdoc *d;
	size_t nd, dcap;
	unsigned nworkers;
} model;

static uint32_t model_term(model *m, const char *s, size_t len, unsigned n)
{
	if (!m->tab)
		m->tab = calloc(MODEL_TAB, sizeof *m->tab);
	size_t j = (size_t)fnv(s, len) & (MODEL_TAB - 1);
	for (;; j = (j + 1) & (MODEL_TAB - 1)) {
		uint32_t e = m->tab[j];
		if (!e)
			break;
		if (m->t[e - 1].len == len && !memcmp(m->t[e - 1].text, s, len))
			return e - 1;
	}
	cr_assert_lt(m->nt, MODEL_TAB / 2);
	GROW(m->t, m->tcap, m->nt + 1);
	m->t[m->nt] = (mterm){ xstrndup(s, len), len, n, ngidx_hash64(s, len) };
	m->tab[j] = (uint32_t)++m->nt;
	return (uint32_t)(m->nt - 1);
}

static int mocc_cmp(const void *x, const void *y)
{
	const mocc *a = x, *b = y;
	if (a->term != b->term)
		return a->term < b->term ? -1 : 1;
	return (a->pos > b->pos) - (a->pos < b->pos);
}

/*
 * Add document @id: its n-grams of 1..@max_n of the words @tok[0..@ntok)
 * (texts joined by single spaces), and at the token positions @ment the
 * actor-like terms "\x01" "7" (n 1, positions) and "\x02s 7" (n 2, counts).
 */
static mdoc *model_doc(model *m, uint32_t id, unsigned worker, const char *const *words,
                       const uint32_t *tok, uint32_t ntok, unsigned max_n, const uint32_t *ment,
                       size_t nment)
{
	GROW(m->d, m->dcap, m->nd + 1);
	mdoc *d = &m->d[m->nd++];
	memset(d, 0, sizeof *d);
	d->id = id;
	d->ntok = ntok;
	d->worker = worker;
	size_t cap = 0;
	char buf[256];
	for (uint32_t i = 0; i < ntok; i++) {
		size_t len = 0;
		for (unsigned n = 1; n <= max_n && i + n <= ntok; n++) {
			if (n > 1)
				buf[len++] = ' ';
			size_t wl = strlen(words[tok[i + n - 1]]);
			memcpy(buf + len, words[tok[i + n - 1]], wl);
			len += wl;
			GROW(d->occ, cap, d->nocc + 1);
			d->occ[d->nocc++] = (mocc){ model_term(m, buf, len, n), i };
		}
	}
	for (size_t k = 0; k < nment; k++) {
		GROW(d->occ, cap, d->nocc + 2);
		d->occ[d->nocc++] = (mocc){ model_term(m, "\x01" "7", 2, 1), ment[k] };
		d->occ[d->nocc++] = (mocc){ model_term(m, "\x02s 7", 4, 2), ment[k] };
	}
	if (d->nocc) /* occ is NULL for a document without a token */
		qsort(d->occ, d->nocc, sizeof *d->occ, mocc_cmp);
	return d;
}

static void model_free(model *m)
{
	for (size_t i = 0; i < m->nt; i++)
		free(m->t[i].text);
	for (size_t i = 0; i < m->nd; i++)
		free(m->d[i].occ);
	free(m->t);
	free(m->tab);
	free(m->d);
	memset(m, 0, sizeof *m);
}

static const char *const g_words[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l" };

/* A random corpus: ~60 documents, two of them huge, ids up to 2^32 - 2. */
static void model_random(model *m, rng *r)
{
	memset(m, 0, sizeof *m);
	m->nworkers = 1 + rng_below(r, 3);
	unsigned max_n = 1 + rng_below(r, 3);
	size_t nd = 20 + rng_below(r, 60);
	size_t huge1 = rng_below(r, (uint32_t)nd), huge2 = rng_below(r, (uint32_t)nd);
	uint64_t id = rng_below(r, 10);
	uint32_t *tok = NULL, *ment = NULL;
	size_t tcap = 0, mcap = 0;
	for (size_t k = 0; k < nd; k++) {
		if (k == nd - 1 && rng_below(r, 4) == 0)
			id = UINT32_MAX - 1;
		cr_assert_leq(id, UINT32_MAX - 1);
		uint32_t ntok = rng_below(r, 8) == 0 ? 0 : rng_below(r, 200);
		int huge = k == huge1 || k == huge2;
		if (huge)
			ntok = 15000 + rng_below(r, 20000);
		GROW(tok, tcap, ntok + 1);
		for (uint32_t i = 0; i < ntok; i++)
			tok[i] = rng_zipf(r, sizeof g_words / sizeof *g_words);
		size_t nment = 0;
		for (uint32_t i = 0; i < ntok; i++)
			if (rng_below(r, 40) == 0) {
				GROW(ment, mcap, nment + 1);
				ment[nment++] = i;
			}
		mdoc *d = model_doc(m, (uint32_t)id, rng_below(r, m->nworkers), g_words, tok, ntok,
		                    max_n, ment, nment);
		d->huge = huge;
		id += 1 + (rng_below(r, 4) ? rng_below(r, 3) : rng_below(r, 100000));
	}
	free(tok);
	free(ment);
}

/* One simulated worker's accumulator: per model term, its record so far. */
typedef struct wterm {
	sbuf post;
	uint64_t df, cf, prev1;
	int used;
} wterm;

typedef struct worker {
	wterm *t;
	uint32_t *used;
	size_t nused;
	char **runs;
	size_t nruns;
} worker;

/* The layouts of the same corpus in runs. */
enum { L_WHOLE, L_CONT, L_SPLIT };

typedef struct layout_stats {
	uint64_t conts;      /* continuation entries written */
	uint64_t cross;      /* documents whose pieces went to 2+ runs */
} layout_stats;

static void worker_spill(const model *m, worker *w, const char *tag, unsigned wi)
{
	if (!w->nused)
		return;
	trec *rec = xrealloc(NULL, w->nused * sizeof *rec);
	for (size_t i = 0; i < w->nused; i++) {
		const mterm *t = &m->t[w->used[i]];
		const wterm *x = &w->t[w->used[i]];
		rec[i] = (trec){ t->hash, t->n, t->text, t->len, x->df, x->cf,
		                 (const unsigned char *)x->post.p, x->post.len };
	}
	char name[64];
	snprintf(name, sizeof name, "%s-w%u-%zu.run", tag, wi, w->nruns);
	w->runs = xrealloc(w->runs, (w->nruns + 1) * sizeof *w->runs);
	w->runs[w->nruns++] = xstrdup(tp(name));
	run_write(w->runs[w->nruns - 1], rec, w->nused);
	free(rec);
	for (size_t i = 0; i < w->nused; i++) {
		wterm *x = &w->t[w->used[i]];
		x->post.len = 0;
		x->df = x->cf = x->prev1 = 0;
		x->used = 0;
	}
	w->nused = 0;
}

/* Append to @w the entries of the occurrences of @d in token range [a, b),
 * as flush_doc does for one piece. @return the entries; the continuations
 * among them are added to *@conts. */
static size_t worker_piece(const model *m, worker *w, const mdoc *d, uint32_t a, uint32_t b,
                           uint64_t *conts)
{
	size_t entries = 0;
	for (size_t i = 0; i < d->nocc;) {
		size_t j = i;
		while (j < d->nocc && d->occ[j].term == d->occ[i].term)
			j++;
		size_t lo = i, hi;
		while (lo < j && d->occ[lo].pos < a)
			lo++;
		for (hi = lo; hi < j && d->occ[hi].pos < b; hi++)
			;
		uint32_t term = d->occ[i].term;
		i = j;
		if (lo == hi)
			continue;
		wterm *x = &w->t[term];
		if (!x->used) {
			x->used = 1;
			w->used[w->nused++] = term;
		}
		uint64_t g = (uint64_t)d->id + 1 - x->prev1;
		*conts += g == 0;
		entries++;
		sb_varint(&x->post, g);
		sb_varint(&x->post, hi - lo);
		if (m->t[term].n == 1) {
			uint32_t prev1 = 0;
			for (size_t k = lo; k < hi; k++) {
				sb_varint(&x->post, d->occ[k].pos - prev1);
				prev1 = d->occ[k].pos + 1;
			}
		}
		x->df += g != 0;
		x->cf += hi - lo;
		x->prev1 = (uint64_t)d->id + 1;
	}
	return entries;
}

static int u32_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return (a > b) - (a < b);
}

/*
 * Write @m as runs in layout @mode; @return the run paths in run order
 * (each worker's runs in the order it wrote them, workers interleaved at
 * random) and their count in *@nruns.
 */
static char **layout(const model *m, rng *r, int mode, const char *tag, size_t *nruns,
                     layout_stats *st, unsigned **worker_of)
{
	worker *w = xrealloc(NULL, m->nworkers * sizeof *w);
	for (unsigned k = 0; k < m->nworkers; k++) {
		memset(&w[k], 0, sizeof w[k]);
		w[k].t = calloc(m->nt ? m->nt : 1, sizeof *w[k].t);
		w[k].used = xrealloc(NULL, (m->nt ? m->nt : 1) * sizeof *w[k].used);
	}
	for (size_t i = 0; i < m->nd; i++) {
		const mdoc *d = &m->d[i];
		worker *x = &w[d->worker];
		uint32_t cut[8];
		size_t np = 1;
		if (mode != L_WHOLE && d->fixed_cut) {
			cut[0] = d->fixed_cut;
			np = 2;
		} else if (mode != L_WHOLE && (d->huge || rng_below(r, 3) == 0)) {
			np = d->huge ? 3 + rng_below(r, 4) : 1 + rng_below(r, 4);
			for (size_t k = 0; k + 1 < np; k++)
				cut[k] = rng_below(r, d->ntok + 1);
			qsort(cut, np - 1, sizeof *cut, u32_cmp);
		}
		cut[np - 1] = d->ntok;
		uint32_t a = 0;
		int spilled = 0, cross = 0; /* entries of @d in a spilled run */
		size_t pending = 0;         /* entries of @d in the current one */
		for (size_t k = 0; k < np; k++) {
			size_t e = worker_piece(m, x, d, a, cut[k], &st->conts);
			cross |= spilled && e;
			pending += e;
			a = cut[k];
			int last = k + 1 == np, spill;
			if (mode == L_SPLIT && !last) {
				/* The first cut of a fixed or huge document always spills
				 * and the second never does, so that every round has
				 * documents across runs and continuations. */
				if (d->fixed_cut || (d->huge && k < 2))
					spill = k == 0;
				else
					spill = rng_below(r, 10) < 3;
			} else {
				spill = last && rng_below(r, 100) < 15;
			}
			if (spill) {
				worker_spill(m, x, tag, d->worker);
				spilled |= pending > 0;
				pending = 0;
			}
		}
		st->cross += cross;
	}
	size_t total = 0;
	for (unsigned k = 0; k < m->nworkers; k++) {
		worker_spill(m, &w[k], tag, k);
		total += w[k].nruns;
	}
	/* Interleave the workers' runs; each keeps its own order. */
	char **out = xrealloc(NULL, (total ? total : 1) * sizeof *out);
	unsigned *wk = xrealloc(NULL, (total ? total : 1) * sizeof *wk);
	size_t *next = calloc(m->nworkers, sizeof *next);
	for (size_t i = 0; i < total; i++) {
		unsigned k;
		do
			k = rng_below(r, m->nworkers);
		while (next[k] == w[k].nruns);
		out[i] = w[k].runs[next[k]++];
		wk[i] = k;
	}
	if (worker_of)
		*worker_of = wk;
	else
		free(wk);
	free(next);
	for (unsigned k = 0; k < m->nworkers; k++) {
		for (size_t t = 0; t < m->nt; t++)
			free(w[k].t[t].post.p);
		free(w[k].t);
		free(w[k].used);
		free(w[k].runs);
	}
	free(w);
	*nruns = total;
	return out;
}

static void paths_free(char **p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i]);
	free(p);
}

/* Merge every layout over the partitions of @cuts with @min_df and
 * @min_count and compare with WHOLE merged by the fast path. @return
 * SPLIT-without-split_docs failures. */
static unsigned compare_layouts(char **const lp[3], const size_t ln[3], const unsigned *cuts,
                                size_t ncuts, uint32_t min_df, uint32_t min_count)
{
	unsigned refused = 0;
	for (size_t c = 0; c + 1 < ncuts; c++) {
		unsigned lo = cuts[c], hi = cuts[c + 1];
		char what[96];
		mres ref, x;
		merge_paths(&ref, lp[L_WHOLE], ln[L_WHOLE], lo, hi, min_df, min_count, 0, 0);
		static const struct {
			int mode, split;
			const char *name;
		} v[] = {
			{ L_WHOLE, 1, "whole, split_docs 1" },
			{ L_CONT, 0, "continuations, split_docs 0" },
			{ L_CONT, 1, "continuations, split_docs 1" },
			{ L_SPLIT, 1, "split across runs, split_docs 1" },
		};
		for (size_t k = 0; k < sizeof v / sizeof *v; k++) {
			snprintf(what, sizeof what, "%s, min_df %u, min_count %u, keys [%u, %u)", v[k].name,
			         min_df, min_count, lo, hi);
			merge_paths(&x, lp[v[k].mode], ln[v[k].mode], lo, hi, min_df, min_count, v[k].split,
			            k & 1 ? 0 : 300);
			mres_same(&ref, &x, what);
			mres_free(&x);
		}
		/* Without split_docs a split document is an error, never a wrong
		 * index: the summed df disagrees with the documents found. */
		merge_paths(&x, lp[L_SPLIT], ln[L_SPLIT], lo, hi, min_df, min_count, 0, 300);
		if (x.rc) {
			cr_assert_eq(x.rc, NGIDX_ERR_CORRUPT, "%s", x.err.msg);
			refused++;
		} else {
			snprintf(what, sizeof what, "split across runs, split_docs 0, min_df %u, min_count %u, keys [%u, %u)",
			         min_df, min_count, lo, hi);
			mres_same(&ref, &x, what);
		}
		mres_free(&x);
		mres_free(&ref);
	}
	return refused;
}

Test(merge, split_documents_same_output, .init = fixture_setup, .fini = fixture_teardown,
     .timeout = 600)
{
	rng r = { test_seed("split_documents_same_output") };
	double stop = now() + test_seconds();
	unsigned rounds = 0, refused = 0;
	layout_stats st = { 0 };
	uint64_t terms = 0;
	do {
		model m;
		model_random(&m, &r);
		char **lp[3];
		size_t ln[3];
		static const char *const tags[3] = { "whole", "cont", "split" };
		for (int k = 0; k < 3; k++) {
			char tag[32];
			snprintf(tag, sizeof tag, "%s%u", tags[k], rounds);
			lp[k] = layout(&m, &r, k, tag, &ln[k], &st, NULL);
		}
		static const unsigned all[] = { 0, 256 }, some[] = { 0, 1, 90, 200, 255, 256 };
		static const uint32_t prune[][2] = { { 1, 1 }, { 2, 1 }, { 3, 1 }, { 1, 2 }, { 2, 3 } };
		for (size_t k = 0; k < sizeof prune / sizeof *prune; k++) {
			refused += compare_layouts(lp, ln, all, 2, prune[k][0], prune[k][1]);
			refused += compare_layouts(lp, ln, some, sizeof some / sizeof *some, prune[k][0],
			                           prune[k][1]);
		}
		terms += m.nt;
		for (int k = 0; k < 3; k++)
			paths_free(lp[k], ln[k]);
		model_free(&m);
		rounds++;
	} while (rounds < 3 || now() < stop);
	fprintf(stderr,
	        "merge_test: merge: %u rounds, %" PRIu64 " terms, %" PRIu64 " continuations, %" PRIu64
	        " documents across runs, %u merges refused without split_docs\n",
	        rounds, terms, st.conts, st.cross, refused);
	cr_assert_gt(st.conts, 0, "no continuation entry was tested");
	cr_assert_gt(st.cross, 0, "no document across runs was tested");
	cr_assert_gt(refused, 0, "split_docs 0 never met a split document");
}

Test(merge, exact_df_prunes_split_document, .init = fixture_setup, .fini = fixture_teardown)
{
	/* "x y" occurs twice, only in document 5, whose pieces [0, 3) and
	 * [3, 8) went to two runs of worker 0: each run's record has df 1, so
	 * the sum is 2. With min_df 2 it must go, as in the unsplit build. */
	static const char *const words[] = { "p", "q", "x", "y", "z" };
	enum { P, Q, X, Y, Z };
	const uint32_t d5[] = { X, Y, Z, X, Y, P, Q, Z }, d9[] = { P, Q, Z }, d12[] = { Z, X, Z };
	const uint32_t ment[] = { 1, 4 };
	model m = { .nworkers = 2 };
	mdoc *d = model_doc(&m, 5, 0, words, d5, 8, 2, ment, 2);
	d->fixed_cut = 3;
	model_doc(&m, 9, 1, words, d9, 3, 2, NULL, 0);
	model_doc(&m, 12, 1, words, d12, 3, 2, NULL, 0);
	rng r = { 7 };
	layout_stats st = { 0 };
	char **lp[3];
	size_t ln[3];
	unsigned *wk;
	lp[L_WHOLE] = layout(&m, &r, L_WHOLE, "w", &ln[L_WHOLE], &st, NULL);
	lp[L_CONT] = layout(&m, &r, L_CONT, "c", &ln[L_CONT], &st, NULL);
	lp[L_SPLIT] = layout(&m, &r, L_SPLIT, "s", &ln[L_SPLIT], &st, &wk);
	cr_assert_geq(ln[L_SPLIT], 2);

	mres whole, split, fast;
	merge_paths(&whole, lp[L_WHOLE], ln[L_WHOLE], 0, 256, 2, 1, 0, 0);
	merge_paths(&split, lp[L_SPLIT], ln[L_SPLIT], 0, 256, 2, 1, 1, 0);
	mres_same(&whole, &split, "min_df 2, document 5 across two runs");
	merge_term e;
	cr_assert(!mres_find(&split, "x y", &e), "\"x y\" kept with df %" PRIu64, e.df);
	cr_assert(mres_find(&split, "p q", &e), "\"p q\" (documents 5 and 9) dropped");
	cr_assert_eq(e.df, 2);
	cr_assert_eq(e.cf, 2);
	cr_assert(mres_find(&split, "x", &e));
	cr_assert_eq(e.df, 2, "x: df %" PRIu64, e.df);
	cr_assert_eq(e.cf, 3);
	/* the actor-like count term ("\x02s 7", n 2) stays despite df 1 */
	cr_assert(mres_find(&split, "\x02s 7", &e));
	cr_assert_eq(e.df, 1);
	cr_assert_eq(e.cf, 2);
	cr_assert_eq(split.o.nactor_terms, 2);
	/* The summed df keeps "x y", and the encoder finds one document. */
	merge_paths(&fast, lp[L_SPLIT], ln[L_SPLIT], 0, 256, 2, 1, 0, 0);
	cr_assert_eq(fast.rc, NGIDX_ERR_CORRUPT, "split_docs 0: %d %s", fast.rc, fast.err.msg);
	mres_free(&fast);
	/* min_count 3: "x y" and "p q" (2 occurrences) go; the unigrams and
	 * the actor-like count term (2) stay. */
	merge_paths(&fast, lp[L_SPLIT], ln[L_SPLIT], 0, 256, 1, 3, 1, 0);
	cr_assert_eq(fast.rc, NGIDX_OK, "%s", fast.err.msg);
	cr_assert(!mres_find(&fast, "x y", &e), "\"x y\" kept with cf %" PRIu64, e.cf);
	cr_assert(!mres_find(&fast, "p q", &e), "\"p q\" kept with cf %" PRIu64, e.cf);
	cr_assert(mres_find(&fast, "p", &e) && e.cf == 2);
	cr_assert(mres_find(&fast, "\x02s 7", &e) && e.cf == 2);
	mres_free(&fast);
	/* Each worker's runs merged into one (run_compact) join document 5's
	 * pieces: the record of "x y" has df 1, and the fast path (split_docs
	 * 0) drops it. */
	char *one[2];
	for (unsigned k = 0; k < 2; k++) {
		char *in[8];
		size_t nin = 0;
		for (size_t i = 0; i < ln[L_SPLIT]; i++)
			if (wk[i] == k)
				in[nin++] = lp[L_SPLIT][i];
		cr_assert(nin >= 1 && nin <= 8);
		char name[32];
		snprintf(name, sizeof name, "s-one-%u.run", k);
		one[k] = xstrdup(tp(name));
		ngidx_error err = { 0 };
		cr_assert_eq(run_compact(in, nin, one[k], NULL, &err), NGIDX_OK, "%s", err.msg);
	}
	merge_paths(&fast, one, 2, 0, 256, 2, 1, 0, 0);
	mres_same(&whole, &fast, "min_df 2, each worker's runs compacted, split_docs 0");
	cr_assert(!mres_find(&fast, "x y", &e), "\"x y\" kept with df %" PRIu64, e.df);
	mres_free(&fast);
	free(one[0]);
	free(one[1]);
	free(wk);
	mres_free(&whole);
	mres_free(&split);
	for (int k = 0; k < 3; k++)
		paths_free(lp[k], ln[k]);
	model_free(&m);
}

/* ---- 2b. compaction --------------------------------------------------------- */

/* Records in the runs @p[0, @n). */
static uint64_t run_records(char *const *p, size_t n)
{
	uint64_t k = 0;
	for (size_t i = 0; i < n; i++) {
		run_file f;
		ngidx_error err = { 0 };
		cr_assert_eq(run_file_open(&f, p[i], &err), NGIDX_OK, "%s: %s", p[i], err.msg);
		k += f.nrec;
		run_file_close(&f);
	}
	return k;
}

/*
 * Merge with run_compact each worker's runs of @p[0, @n) (worker @wk[i],
 * each worker's in its order) in groups of 1 to 5 consecutive runs (1
 * leaves a run as it is), @levels times over. The inputs are spent: read
 * by cursors that may punch holes behind them. @return the runs after,
 * worker after worker, and their count in *@nout; *@merged counts the
 * compactions.
 */
static char **compact_layout(char *const *p, size_t n, const unsigned *wk, unsigned nworkers,
                             rng *r, int levels, const char *tag, size_t *nout, unsigned *merged)
{
	static unsigned seq;
	char **cur = xrealloc(NULL, (n ? n : 1) * sizeof *cur);
	unsigned *cw = xrealloc(NULL, (n ? n : 1) * sizeof *cw);
	size_t nc = 0;
	for (unsigned k = 0; k < nworkers; k++)
		for (size_t i = 0; i < n; i++)
			if (wk[i] == k) {
				cur[nc] = xstrdup(p[i]);
				cw[nc++] = k;
			}
	for (int lv = 0; lv < levels; lv++) {
		size_t no = 0;
		for (size_t i = 0; i < nc;) {
			size_t j = i, g = 1 + rng_below(r, 5);
			while (j < nc && j - i < g && cw[j] == cw[i])
				j++;
			unsigned w = cw[i];
			if (j - i > 1) {
				char name[64];
				snprintf(name, sizeof name, "%s-m%u.run", tag, seq++);
				char *out = xstrdup(tp(name));
				ngidx_error err = { 0 };
				/* Read with small chunks one time in two: records
				 * in pieces, and copied in pieces. */
				size_t chunk = rng_below(r, 2) ? RUN_CHUNK : 1 + rng_below(r, 400);
				cr_assert_eq(run_compact_chunk(cur + i, j - i, chunk, out, NULL, &err), NGIDX_OK, "%s: %s",
				             out, err.msg);
				for (size_t t = i; t < j; t++)
					free(cur[t]);
				cur[i] = out;
				(*merged)++;
			}
			cur[no] = cur[i];
			cw[no++] = w;
			i = j;
		}
		nc = no;
	}
	free(cw);
	*nout = nc;
	return cur;
}

Test(merge, compacted_runs_same_output, .init = fixture_setup, .fini = fixture_teardown,
     .timeout = 600)
{
	rng r = { test_seed("compacted_runs_same_output") };
	double stop = now() + test_seconds();
	unsigned rounds = 0, merged = 0, refused = 0;
	uint64_t before = 0, after = 0;
	layout_stats st = { 0 };
	do {
		model m;
		model_random(&m, &r);
		char **lp[3];
		size_t ln[3];
		char tag[32];
		snprintf(tag, sizeof tag, "kw%u", rounds);
		lp[L_WHOLE] = layout(&m, &r, L_WHOLE, tag, &ln[L_WHOLE], &st, NULL);
		for (int k = L_CONT; k <= L_SPLIT; k++) {
			unsigned *wk;
			size_t n;
			snprintf(tag, sizeof tag, "k%c%u", k == L_CONT ? 'c' : 's', rounds);
			char **p = layout(&m, &r, k, tag, &n, &st, &wk);
			before += run_records(p, n);
			lp[k] = compact_layout(p, n, wk, m.nworkers, &r, 1 + (int)rng_below(&r, 2), tag, &ln[k],
			                       &merged);
			after += run_records(lp[k], ln[k]);
			paths_free(p, n);
			free(wk);
		}
		static const unsigned all[] = { 0, 256 }, some[] = { 0, 1, 90, 200, 255, 256 };
		static const uint32_t prune[][2] = { { 1, 1 }, { 2, 1 }, { 1, 2 }, { 2, 3 } };
		for (size_t k = 0; k < sizeof prune / sizeof *prune; k++) {
			refused += compare_layouts(lp, ln, all, 2, prune[k][0], prune[k][1]);
			refused += compare_layouts(lp, ln, some, sizeof some / sizeof *some, prune[k][0],
			                           prune[k][1]);
		}
		for (int k = 0; k < 3; k++)
			paths_free(lp[k], ln[k]);
		model_free(&m);
		rounds++;
	} while (rounds < 3 || now() < stop);
	fprintf(stderr, "merge_test: compaction: %u rounds, %u compactions, %" PRIu64 " records before, %" PRIu64
	        " after, %" PRIu64 " documents across runs before, %u merges refused without split_docs\n",
	        rounds, merged, before, after, st.cross, refused);
	cr_assert_gt(merged, 0, "nothing was compacted");
	cr_assert_lt(after, before, "compaction merged no record");
	cr_assert_gt(st.cross, 0, "no document across runs was tested");
}

Test(merge, compaction_refuses_disorder, .init = fixture_setup, .fini = fixture_teardown)
{
	/* "t" in document 5 in the first run and document 3 in the second:
	 * not the runs of one worker in spill order. */
	static const unsigned char p5[] = { 6, 1, 0 }, p3[] = { 4, 1, 0 };
	trec a = { ngidx_hash64("t", 1), 1, "t", 1, 1, 1, p5, sizeof p5 };
	trec b = { ngidx_hash64("t", 1), 1, "t", 1, 1, 1, p3, sizeof p3 };
	char *in[2] = { xstrdup(tp("a.run")), xstrdup(tp("b.run")) };
	run_write(in[0], &a, 1);
	run_write(in[1], &b, 1);
	ngidx_error err = { 0 };
	cr_assert_eq(run_compact(in, 2, tp("ab.run"), NULL, &err), NGIDX_ERR_CORRUPT, "%s", err.msg);
	cr_assert(strstr(err.msg, "order"), "%s", err.msg);
	struct stat sb;
	cr_assert_neq(stat(tp("ab.run"), &sb), 0, "a failed compaction left its output");
	/* In the other order they merge: documents 3 and 5. */
	run_write(in[0], &b, 1);
	run_write(in[1], &a, 1);
	cr_assert_eq(run_compact(in, 2, tp("ba.run"), NULL, &err), NGIDX_OK, "%s", err.msg);
	run_file f;
	cr_assert_eq(run_file_open(&f, tp("ba.run"), &err), NGIDX_OK, "%s", err.msg);
	run_cursor c;
	run_cursor_init(&c, &f, 0, 256);
	cr_assert_eq(run_cursor_next(&c, &err), 1, "%s", err.msg);
	cr_assert_eq(c.rec.df, 2);
	cr_assert_eq(c.rec.cf, 2);
	/* tf dropped (cf == df): gap 4 (document 3), position 0, gap 2
	 * (document 5), position 0 */
	static const unsigned char want[] = { 4, 0, 2, 0 };
	cr_assert_eq(c.rec.post_len, sizeof want);
	cr_assert(!memcmp(c.rec.post, want, sizeof want));
	cr_assert_eq(run_cursor_next(&c, &err), 0);
	run_cursor_release(&c);
	run_file_close(&f);
	/* Document 5 going on from one run into the next: positions 1 and 3,
	 * then 7. One document, a continuation entry (g 0), and the second
	 * run's record, stored without tf, gets its tf back. */
	static const unsigned char q1[] = { 6, 2, 1, 1 }, q2[] = { 6, 1, 7 };
	trec x = { ngidx_hash64("t", 1), 1, "t", 1, 1, 2, q1, sizeof q1 };
	trec y = { ngidx_hash64("t", 1), 1, "t", 1, 1, 1, q2, sizeof q2 };
	run_write(in[0], &x, 1);
	run_write(in[1], &y, 1);
	cr_assert_eq(run_compact(in, 2, tp("xy.run"), NULL, &err), NGIDX_OK, "%s", err.msg);
	cr_assert_eq(run_file_open(&f, tp("xy.run"), &err), NGIDX_OK, "%s", err.msg);
	run_cursor_init(&c, &f, 0, 256);
	cr_assert_eq(run_cursor_next(&c, &err), 1, "%s", err.msg);
	cr_assert_eq(c.rec.df, 1);
	cr_assert_eq(c.rec.cf, 3);
	static const unsigned char joined[] = { 6, 2, 1, 1, 0, 1, 7 };
	cr_assert_eq(c.rec.post_len, sizeof joined);
	cr_assert(!memcmp(c.rec.post, joined, sizeof joined));
	run_cursor_release(&c);
	run_file_close(&f);
	free(in[0]);
	free(in[1]);
}

/* ---- 3. corruption ---------------------------------------------------------- */

/* A hand-made record: postings as varints of @v, or the raw bytes @raw. */
typedef struct crec {
	unsigned n;
	uint64_t df, cf;
	uint64_t v[12];
	size_t nv;
	const char *raw;
	size_t rawlen;
} crec;

#define NV(...) .v = { __VA_ARGS__ }, .nv = sizeof((uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t)

/* Write each of @nr records, all of the n-gram "t" (or "t u"), as a run
 * of its own, in order, and merge them. */
static int merge_crecs(const crec *c, size_t nr, int split, ngidx_error *err)
{
	static unsigned seq;
	char **paths = calloc(nr, sizeof *paths);
	cr_assert_not_null(paths);
	for (size_t i = 0; i < nr; i++) {
		sbuf post = { 0 };
		if (c[i].raw)
			sb_put(&post, c[i].raw, c[i].rawlen);
		for (size_t k = 0; k < c[i].nv; k++)
			sb_varint(&post, c[i].v[k]);
		const char *text = c[i].n == 1 ? "t" : "t u";
		trec t = { ngidx_hash64(text, strlen(text)), c[i].n, text, strlen(text), c[i].df, c[i].cf,
		           (const unsigned char *)post.p, post.len };
		char name[32];
		snprintf(name, sizeof name, "c%u.run", seq++);
		paths[i] = xstrdup(tp(name));
		run_write(paths[i], &t, 1);
		free(post.p);
	}
	/* Read whole, and in pieces of at most 9 bytes: the same verdict. */
	mres res, small;
	merge_paths(&res, paths, nr, 0, 256, 1, 1, split, 0);
	merge_paths(&small, paths, nr, 0, 256, 1, 1, split, 9);
	cr_assert_eq(small.rc, res.rc, "read in pieces: %s; whole: %s", small.err.msg, res.err.msg);
	if (!res.rc)
		mres_same(&res, &small, "records read in pieces");
	if (err)
		*err = res.err;
	mres_free(&res);
	mres_free(&small);
	paths_free(paths, nr);
	return res.rc;
}

Test(merge, corrupt_runs_rejected, .init = fixture_setup, .fini = fixture_teardown)
{
	static const struct {
		const char *what;
		crec r[2];
		size_t nr;
		int split;
		int want; /* NGIDX_OK for the valid neighbours */
	} cases[] = {
		{ "valid: doc 5 tf 2 at 3, 5; continuation at 6", { { 1, 1, 3, NV(6, 2, 3, 1, 0, 1, 6) } }, 1, 0, NGIDX_OK },
		{ "truncated varint", { { 2, 1, 2, .raw = "\x06\x82", .rawlen = 2 } }, 1, 0, NGIDX_ERR_CORRUPT },
		{ "truncated positions", { { 1, 1, 3, NV(6, 3, 1, 2) } }, 1, 0, NGIDX_ERR_CORRUPT },
		{ "continuation before the previous entry's last position",
		  { { 1, 1, 3, NV(6, 2, 3, 1, 0, 1, 4) } }, 1, 0, NGIDX_ERR_CORRUPT },
		{ "continuation at the previous entry's last position",
		  { { 1, 1, 3, NV(6, 2, 3, 1, 0, 1, 5) } }, 1, 0, NGIDX_ERR_CORRUPT },
		{ "valid: document across runs", { { 1, 1, 1, NV(6, 1, 10) }, { 1, 1, 1, NV(6, 1, 12) } }, 2, 1, NGIDX_OK },
		{ "document across runs, split_docs 0",
		  { { 1, 1, 1, NV(6, 1, 10) }, { 1, 1, 1, NV(6, 1, 12) } }, 2, 0, NGIDX_ERR_CORRUPT },
		{ "later run's positions first",
		  { { 1, 1, 1, NV(6, 1, 10) }, { 1, 1, 1, NV(6, 1, 3) } }, 2, 1, NGIDX_ERR_CORRUPT },
		{ "same position in two runs",
		  { { 1, 1, 1, NV(6, 1, 10) }, { 1, 1, 1, NV(6, 1, 10) } }, 2, 1, NGIDX_ERR_CORRUPT },
		{ "tf 0", { { 2, 1, 0, NV(6, 0) } }, 1, 0, NGIDX_ERR_CORRUPT },
		{ "record starting with a continuation", { { 2, 1, 2, NV(0, 2) } }, 1, 0, NGIDX_ERR_CORRUPT },
		{ "df above the documents", { { 2, 3, 2, NV(6, 1, 2, 1) } }, 1, 0, NGIDX_ERR_CORRUPT },
		{ "df below the documents", { { 2, 1, 2, NV(6, 1, 2, 1) } }, 1, 0, NGIDX_ERR_CORRUPT },
		{ "df above the documents, in a group counted exactly",
		  { { 2, 2, 3, NV(6, 2) }, { 2, 1, 1, NV(8, 1) } }, 2, 1, NGIDX_ERR_CORRUPT },
		{ "cf = df with a tf of 2 (a run stores no tf then)",
		  { { 2, 2, 2, NV(6, 2, 1, 1) } }, 1, 0, NGIDX_ERR_CORRUPT },
		{ "continuation counted in df", { { 2, 2, 3, NV(6, 1, 0, 2) } }, 1, 0, NGIDX_ERR_CORRUPT },
		{ "valid: continuation not counted", { { 2, 1, 3, NV(6, 1, 0, 2) } }, 1, 0, NGIDX_OK },
		{ "cf above the tf", { { 2, 1, 3, NV(6, 2) } }, 1, 0, NGIDX_ERR_CORRUPT },
		{ "cf below the tf", { { 2, 1, 1, NV(6, 2) } }, 1, 0, NGIDX_ERR_CORRUPT },
		{ "valid: document 2^32 - 1", { { 2, 1, 1, NV(UINT64_C(1) << 32, 1) } }, 1, 0, NGIDX_OK },
		{ "document 2^32", { { 2, 1, 1, NV((UINT64_C(1) << 32) + 1, 1) } }, 1, 0, NGIDX_ERR_CORRUPT },
		{ "second document past 2^32 - 1",
		  { { 2, 2, 2, NV(6, 1, UINT64_C(1) << 32, 1) } }, 1, 0, NGIDX_ERR_CORRUPT },
		{ "valid: position 2^32 - 1", { { 1, 1, 1, NV(6, 1, UINT32_MAX) } }, 1, 0, NGIDX_OK },
		{ "position 2^32", { { 1, 1, 2, NV(6, 2, UINT32_MAX, 0) } }, 1, 0, NGIDX_ERR_CORRUPT },
		{ "tf past 2^32 - 1 in two runs",
		  { { 2, 1, UINT64_C(1) << 31, NV(6, UINT64_C(1) << 31) },
		    { 2, 1, UINT64_C(1) << 31, NV(6, UINT64_C(1) << 31) } }, 2, 1, NGIDX_ERR_CORRUPT },
		{ "tf past 2^32 - 1 by a continuation",
		  { { 2, 1, UINT64_C(1) << 32, NV(6, UINT64_C(1) << 31, 0, UINT64_C(1) << 31) } }, 1, 0,
		  NGIDX_ERR_CORRUPT },
		{ "a stray byte after the last entry", { { 2, 1, 1, NV(6, 1, 5) } }, 1, 0, NGIDX_ERR_CORRUPT },
		{ "empty record", { { 1, 0, 0, .nv = 0 } }, 1, 0, NGIDX_ERR_CORRUPT },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		ngidx_error err = { 0 };
		int rc = merge_crecs(cases[i].r, cases[i].nr, cases[i].split, &err);
		cr_assert_eq(rc, cases[i].want, "%s: got %d (%s)", cases[i].what, rc, err.msg);
		if (rc)
			cr_assert(err.msg[0], "%s: no message", cases[i].what);
	}
	/* A position varint of 6 bytes (a u32 takes at most 5). */
	ngidx_error err = { 0 };
	sbuf raw = { 0 };
	sb_varint(&raw, 6);
	sb_varint(&raw, 1);
	sb_put(&raw, "\x81\x80\x80\x80\x80\x00", 6);
	crec c = { 1, 1, 1, .raw = raw.p, .rawlen = raw.len };
	cr_assert_eq(merge_crecs(&c, 1, 0, &err), NGIDX_ERR_CORRUPT, "overlong position: %s", err.msg);
	free(raw.p);
	/* the same text with n 1 in one run and 2 in the other */
	sbuf pa = { 0 }, pb = { 0 };
	sb_varint(&pa, 6);
	sb_varint(&pa, 1);
	sb_varint(&pa, 0);
	sb_varint(&pb, 6);
	sb_varint(&pb, 1);
	uint64_t h = ngidx_hash64("t", 1);
	trec ta = { h, 1, "t", 1, 1, 1, (const unsigned char *)pa.p, pa.len };
	trec tb = { h, 2, "t", 1, 1, 1, (const unsigned char *)pb.p, pb.len };
	run_write(tp("na.run"), &ta, 1);
	run_write(tp("nb.run"), &tb, 1);
	char *paths[2] = { xstrdup(tp("na.run")), xstrdup(tp("nb.run")) };
	mres res;
	merge_paths(&res, paths, 2, 0, 256, 1, 1, 1, 0);
	cr_assert_eq(res.rc, NGIDX_ERR_CORRUPT, "mixed n: %s", res.err.msg);
	mres_free(&res);
	free(paths[0]);
	free(paths[1]);
	free(pa.p);
	free(pb.p);
}

/* Cursors give back what they have read: a 6 MiB run read by two cursors
 * (the two halves of the hash space, as two merge threads read it) comes
 * out whole and in order, and takes about RUN_PUNCH per cursor on disk
 * afterwards. */
Test(merge, cursors_free_what_they_read, .init = fixture_setup, .fini = fixture_teardown)
{
	rng r = { test_seed("cursors_free_what_they_read") };
	size_t nr = 30000;
	trec *recs = xrealloc(NULL, nr * sizeof *recs);
	char *texts = xrealloc(NULL, nr * 200);
	for (size_t i = 0; i < nr; i++) {
		char *t = texts + i * 200;
		size_t len = 20 + rng_below(&r, 180);
		for (size_t k = 0; k < len; k++)
			t[k] = (char)('a' + rng_below(&r, 26));
		recs[i] = (trec){ .hash = ngidx_hash64(t, len), .n = 1, .text = t, .len = len, .df = 1, .cf = 1,
		                  .post = (const unsigned char *)t, .plen = len };
	}
	run_write(tp("big.run"), recs, nr); /* sorts recs */
	run_file f;
	ngidx_error err = { 0 };
	cr_assert_eq(run_file_open(&f, tp("big.run"), &err), NGIDX_OK, "%s", err.msg);
	cr_assert_gt(f.len, 5u << 20);
	size_t i = 0;
	for (unsigned half = 0; half < 2; half++) {
		run_cursor c;
		run_cursor_init(&c, &f, half * 128, half * 128 + 128);
		int g;
		while ((g = run_cursor_next(&c, &err)) == 1) {
			CHECK(i < nr && c.rec.hash == recs[i].hash && c.rec.text_len == recs[i].len &&
			          !memcmp(c.rec.text, recs[i].text, recs[i].len) &&
			          c.rec.post_len == recs[i].plen && !memcmp(c.rec.post, recs[i].post, recs[i].plen),
			      "record %zu differs", i);
			i++;
		}
		cr_assert_eq(g, 0, "%s", err.msg);
		run_cursor_release(&c);
	}
	cr_assert_eq(i, nr);
	struct stat st;
	cr_assert_eq(fstat(f.fd, &st), 0);
	if (fixture_punches_holes())
		cr_assert_lt((long long)st.st_blocks * 512, 2 * RUN_PUNCH + (64 << 10),
		             "the run still takes %lld of its %llu bytes on disk",
		             (long long)st.st_blocks * 512, (unsigned long long)f.len);
	run_file_close(&f);
	free(texts);
	free(recs);
}

/* The postings of a word in @nd documents from @doc0 on (tf 1 to 4, run.h's
 * layout with tf), with their documents and tf in @docs, @tfs; @return cf. */
static uint64_t big_postings(sbuf *o, rng *r, uint32_t doc0, uint32_t nd, uint32_t *docs,
                             uint32_t *tfs)
{
	uint64_t cf = 0, prev1 = 0;
	for (uint32_t i = 0; i < nd; i++) {
		uint32_t doc = doc0 + 3 * i + rng_below(r, 3), tf = 1 + rng_below(r, 4);
		sb_varint(o, doc + 1 - prev1);
		sb_varint(o, tf);
		for (uint32_t k = 0; k < tf; k++)
			sb_varint(o, rng_below(r, 50)); /* position gaps */
		prev1 = doc + 1;
		docs[i] = doc;
		tfs[i] = tf;
		cf += tf;
	}
	return cf;
}

/* Copies of one run (a merge frees what it reads, and checks the whole). */
static void big_runs(const char *name, trec *recs, size_t nr, unsigned copies)
{
	for (unsigned i = 0; i < copies; i++) {
		char path[64];
		snprintf(path, sizeof path, "%s%u.run", name, i);
		run_write(tp(path), recs, nr);
	}
}

/* A record longer than a chunk is read in pieces: the postings of a word in
 * 300,000 documents (about 2 MB), read 4 KB at a time, come out whole
 * through buffers of a chunk; merged (alone, or with the same word's record
 * of a later spill) and compacted, they give the bytes of a whole read. */
Test(merge, big_record_read_in_pieces, .init = fixture_setup, .fini = fixture_teardown)
{
	rng r = { test_seed("big_record_read_in_pieces") };
	enum { ND = 300000, CHUNK = 4096 };
	uint32_t *docs = xrealloc(NULL, 2 * ND * sizeof *docs), *tfs = xrealloc(NULL, 2 * ND * sizeof *tfs);
	sbuf pa = { 0 }, pb = { 0 }, ps = { 0 };
	uint64_t cfa = big_postings(&pa, &r, 0, ND, docs, tfs);
	uint64_t cfb = big_postings(&pb, &r, 3 * ND + 5, ND, docs + ND, tfs + ND);
	sb_varint(&ps, 8);
	sb_varint(&ps, 1);
	sb_varint(&ps, 0);
	trec a[] = { { ngidx_hash64("w", 1), 1, "w", 1, ND, cfa, (const unsigned char *)pa.p, pa.len },
	             { ngidx_hash64("v", 1), 1, "v", 1, 1, 1, (const unsigned char *)ps.p, ps.len },
	             { ngidx_hash64("x", 1), 1, "x", 1, 1, 1, (const unsigned char *)ps.p, ps.len } };
	trec b[] = { { ngidx_hash64("w", 1), 1, "w", 1, ND, cfb, (const unsigned char *)pb.p, pb.len } };
	big_runs("biga", a, 3, 5);
	big_runs("bigb", b, 1, 5);

	/* The cursor and the walk of the record. */
	run_file f;
	ngidx_error err = { 0 };
	cr_assert_eq(run_file_open(&f, tp("biga0.run"), &err), NGIDX_OK, "%s", err.msg);
	f.chunk = CHUNK;
	run_cursor c;
	run_cursor_init(&c, &f, 0, RUN_FENCES - 1);
	int g, seen = 0;
	while ((g = run_cursor_next(&c, &err)) == 1) {
		if (c.rec.text_len != 1 || c.rec.text[0] != 'w')
			continue;
		seen = 1;
		cr_assert_eq(c.rec.post_len, pa.len);
		cr_assert_lt(c.rec.post_mem, CHUNK);
		run_post s = run_post_of(&c.rec, &c.post);
		uint32_t i = 0;
		while ((g = run_post_next(&s, &err)) == 1) {
			CHECK(i < ND && s.doc == docs[i] && s.tf == tfs[i], "document %u differs", i);
			i++;
		}
		cr_assert_eq(g, 0, "%s", err.msg);
		cr_assert_eq(i, ND);
	}
	cr_assert_eq(g, 0, "%s", err.msg);
	cr_assert(seen);
	cr_assert_leq(c.cap[0] + c.cap[1], 2 * CHUNK, "the cursor held %zu bytes", c.cap[0] + c.cap[1]);
	cr_assert_leq(c.post.cap, CHUNK + RUN_IN_KEEP, "the record was read with %zu bytes", c.post.cap);
	run_cursor_release(&c);
	run_file_close(&f);

	/* Merged read whole and in pieces; alone and with the later record. */
	char *p[8];
	static const char *const names[8] = { "biga1.run", "biga2.run", "bigb1.run", "biga3.run",
	                                      "biga4.run", "bigb2.run", "bigd0.run", "bigb3.run" };
	for (int i = 0; i < 8; i++)
		p[i] = xstrdup(tp(names[i]));
	mres whole, pieces;
	merge_paths(&whole, p, 1, 0, 256, 1, 1, 0, 0);
	merge_paths(&pieces, p + 3, 1, 0, 256, 1, 1, 0, CHUNK);
	cr_assert_eq(whole.rc, NGIDX_OK, "%s", whole.err.msg);
	mres_same(&whole, &pieces, "one run read in pieces");
	cr_assert_eq(whole.o.nterms, 3);
	mres_free(&whole);
	mres_free(&pieces);
	merge_paths(&whole, p + 1, 2, 0, 256, 1, 1, 0, 0);
	merge_paths(&pieces, p + 4, 2, 0, 256, 1, 1, 0, CHUNK);
	cr_assert_eq(whole.rc, NGIDX_OK, "%s", whole.err.msg);
	mres_same(&whole, &pieces, "two runs read in pieces");
	mres_free(&whole);
	mres_free(&pieces);

	/* Compacted whole and in pieces: the same run. */
	big_runs("bigd", a, 3, 1);
	char *whole_in[] = { p[6], p[7] }, *pieces_in[] = { p[0], p[2] }; /* unread copies */
	big_runs("biga", a, 3, 2);
	big_runs("bigb", b, 1, 2);
	cr_assert_eq(run_compact(whole_in, 2, tp("bigc-whole.run"), NULL, &err), NGIDX_OK, "%s", err.msg);
	cr_assert_eq(run_compact_chunk(pieces_in, 2, CHUNK, tp("bigc-pieces.run"), NULL, &err), NGIDX_OK,
	             "%s", err.msg);
	same_file(tp("bigc-whole.run"), tp("bigc-pieces.run"), "runs compacted in pieces");
	char *cm[] = { xstrdup(tp("bigc-pieces.run")) }, *sep[] = { p[0], p[2] };
	big_runs("biga", a, 3, 2);
	big_runs("bigb", b, 1, 2);
	merge_paths(&whole, sep, 2, 0, 256, 1, 1, 0, 0);
	merge_paths(&pieces, cm, 1, 0, 256, 1, 1, 0, CHUNK);
	cr_assert_eq(whole.rc, NGIDX_OK, "%s", whole.err.msg);
	mres_same(&whole, &pieces, "the compacted run");
	mres_free(&whole);
	mres_free(&pieces);
	free(cm[0]);
	for (int i = 0; i < 8; i++)
		free(p[i]);
	free(pa.p);
	free(pb.p);
	free(ps.p);
	free(docs);
	free(tfs);
}
