/*
 * merge.c - the final merge of the build.
 *
 * Every run is sorted by (hash, text), so a tournament of one cursor per
 * run that holds keys of the partition (run_tree) yields the n-grams of
 * all runs in lexicon order; the cursors whose current record has the
 * same key form a group: the same n-gram seen by several workers or
 * between several spills. Ties go to the lower run index, so a group's
 * records come in run order.
 *
 * Each record holds its documents in increasing order (run.h). A document
 * is usually in one record of a group (one worker indexes it between two of
 * its spills), but a document too large to analyse at once is analysed in
 * pieces: the pieces that meet in one run are continuation entries of a
 * record (g == 0), and a spill between two pieces puts the document in
 * several records of the group, its earlier occurrences in the earlier run.
 * The group's postings are a k-way merge by document id in which each step
 * takes the smallest document among the live sources and gathers all its
 * entries, from every source holding it, in source order: the tf add up and
 * the positions concatenate, increasing. Sources therefore keep their run
 * order throughout (an exhausted one is removed by shifting the others, not
 * by swapping in the last).
 *
 * The encoder wants a document's tf before its positions, so run_post_next
 * reads a document's entries once to sum tf, skipping positions, and the
 * positions are decoded on a second pass straight from the run into the
 * encoder, MERGE_POS_CHUNK at a time: no document's positions are ever
 * held whole (a 1 GB document can have ten million occurrences of a word).
 * Nor is a record: both passes read the run through run_in, a chunk at a
 * time (the second from the file again when the document's entries are no
 * longer in memory), so the frequent words' records, which grow with the
 * corpus, cost a chunk each.
 *
 * df. A record's df counts its distinct documents, so the sum over a group
 * counts a split document once per record holding it. When the build split
 * no document (split_docs == 0) the sum is exact and used as is. When it
 * did, a group of two or more records is first scanned for its document ids
 * (count_docs, positions skipped) and the distinct count goes to min_df,
 * the lexicon and the encoder: the output is then the bytes an unsplit
 * build writes. The sum bounds the count from above, so a group the sum
 * already prunes needs no scan.
 *
 * Checks. Runs are checksummed (run.c), so these catch a writer's bug
 * rather than a disk's: malformed varints, a record starting with a
 * continuation, tf == 0 for a new document, document ids past 2^32 - 1, a
 * document whose positions do not increase across its entries and runs, a
 * record whose entries disagree with its df, a group whose tf disagree with
 * its cf, and (post_enc_end) a group whose documents disagree with the df
 * used: with split_docs == 0, a document split across runs that the caller
 * did not announce.
 *
 * The key space is cut into partitions by the top byte of the hash; each
 * run's fence table gives where a partition starts, so partitions merge in
 * parallel, one per thread, into their own files, and the index writer
 * concatenates them in order.
 */
#include "merge.h"
#include "codec/codec.h"
#include "common/endian.h"
#include "common/err.h"
#include "common/mem.h"
#include "format/post_enc.h"

#include <inttypes.h>
#include <string.h>

#define MERGE_POS_CHUNK 4096 /* positions decoded at a time (16 KB) */

typedef struct merger {
	run_tree t;
	run_post *srcs;  /* the group's records, in run order */
	run_post *scan;  /* copies of them for count_docs ... */
	run_buf *sbuf;   /* ... which read through these */
	run_buf doc;     /* for reading a document's entries again */
	uint32_t *pos;   /* MERGE_POS_CHUNK decoded positions */
} merger;

/*
 * Decode the positions of @s's current document (all its entries in the
 * record) into the encoder, MERGE_POS_CHUNK at a time. *@last is the
 * document's last position so far (-1 before the first): each entry's
 * positions are absolute and must all follow it.
 */
static int emit_positions(merger *m, const run_post *s, post_enc *enc, int64_t *last,
                          ngidx_error *err)
{
	run_in in = run_post_doc(s, &m->doc);
	for (;;) {
		uint64_t g, tf = 1;
		FORWARD_IF_ERROR(run_in_need(&in, 2 * NGIDX_VARINT64_MAX, err));
		if (in.p == in.e)
			break;
		if (ngidx_varint_get(&in.p, in.e, &g) || (!s->tf1 && ngidx_varint_get(&in.p, in.e, &tf)))
			goto bad;
		uint64_t prev1 = 0; /* previous position + 1 in this entry */
		while (tf) {
			size_t c = tf < MERGE_POS_CHUNK ? (size_t)tf : MERGE_POS_CHUNK;
			for (size_t i = 0; i < c; i++) {
				uint32_t v;
				FORWARD_IF_ERROR(run_in_need(&in, NGIDX_VARINT32_MAX, err));
				if (ngidx_varint_get32(&in.p, in.e, &v))
					goto bad;
				m->pos[i] = (uint32_t)(prev1 + v);
				prev1 += (uint64_t)v + 1;
			}
			/* Within the entry the gaps make positions increase (past
			 * 2^32 they would wrap: the last one tells); the entry's first
			 * must follow the previous entry's, or the previous run's. */
			if (prev1 - 1 > UINT32_MAX || (int64_t)m->pos[0] <= *last)
				return ERR_CORRUPT(err, "temporary runs have positions out of order "
				                   "in document %u", s->doc);
			*last = (int64_t)(prev1 - 1);
			int rc = post_enc_add_pos(enc, m->pos, c);
			if (rc == NGIDX_ERR_NOMEM)
				return ngidx_err_set(err, rc, "out of memory");
			if (rc) /* more positions than the tf summed by run_post_next */
				goto bad;
			tf -= c;
		}
	}
	return NGIDX_OK;
bad:
	return ERR_CORRUPT(err, "temporary run has malformed positions");
}

/*
 * The number of distinct documents in the @k records of m->srcs (read on
 * copies, so that the group can still be merged). @return NGIDX_OK with
 * *@df set, or NGIDX_ERR_CORRUPT.
 */
static int count_docs(merger *m, size_t k, uint64_t *df, ngidx_error *err)
{
	run_post *s = m->scan;
	memcpy(s, m->srcs, k * sizeof *s);
	for (size_t i = 0; i < k; i++) {
		s[i].in.b = &m->sbuf[i];
		int r = run_post_next(&s[i], err);
		if (r != 1)
			return r ? -r : ERR_CORRUPT(err, "temporary run has an empty record");
	}
	uint64_t d = 0;
	size_t live = k;
	while (live) {
		uint32_t doc = s[0].doc;
		for (size_t i = 1; i < live; i++)
			if (s[i].doc < doc)
				doc = s[i].doc;
		d++;
		for (size_t i = 0; i < live;) {
			if (s[i].doc == doc) {
				int r = run_post_next(&s[i], err);
				if (r < 0)
					return -r;
				if (r == 0) { /* order does not matter for a count */
					s[i] = s[--live];
					continue;
				}
			}
			i++;
		}
	}
	*df = d;
	return NGIDX_OK;
}

/* Start document @doc of @tf occurrences in the encoder. */
static int add_doc(post_enc *enc, uint32_t doc, uint64_t tf, ngidx_error *err)
{
	if (tf > UINT32_MAX)
		return ERR_CORRUPT(err, "temporary runs give document %u over 2^32 occurrences", doc);
	int rc = post_enc_add_doc(enc, doc, (uint32_t)tf);
	if (rc == NGIDX_ERR_NOMEM)
		return ngidx_err_set(err, rc, "out of memory");
	if (rc) /* the previous document lacks positions */
		return ERR_CORRUPT(err, "temporary run has malformed positions");
	return NGIDX_OK;
}

/* Merge the postings of the @k records in m->srcs, of @cf occurrences in
 * all, into the encoder (begun by the caller). */
static int merge_group(merger *m, size_t k, unsigned n, uint64_t cf, post_enc *enc,
                       ngidx_error *err)
{
	run_post *s = m->srcs;
	for (size_t i = 0; i < k; i++) {
		int r = run_post_next(&s[i], err);
		if (r != 1)
			return r ? -r : ERR_CORRUPT(err, "temporary run has an empty record");
	}
	size_t live = k;
	uint64_t sum = 0;
	while (live) {
		/* the smallest document, how many sources hold it (the first at
		 * @at), and the smallest document of the others */
		uint32_t doc = s[0].doc, next = UINT32_MAX;
		size_t at = 0, nat = 1;
		for (size_t i = 1; i < live; i++) {
			if (s[i].doc < doc) {
				next = doc;
				doc = s[i].doc;
				at = i;
				nat = 1;
			} else if (s[i].doc == doc) {
				nat++;
			} else if (s[i].doc < next) {
				next = s[i].doc;
			}
		}
		int rc;
		if (nat == 1) {
			/* Runs hold ranges of documents: take those of s[at] below
			 * every other source's in a row. */
			int r;
			do {
				int64_t last = -1;
				sum += s[at].tf;
				if ((rc = add_doc(enc, s[at].doc, s[at].tf, err)) ||
				    (n == 1 && (rc = emit_positions(m, &s[at], enc, &last, err))))
					return rc;
				if ((r = run_post_next(&s[at], err)) < 0)
					return -r;
			} while (r == 1 && s[at].doc < next);
			if (r == 0) { /* the others keep their order */
				memmove(&s[at], &s[at + 1], (live - at - 1) * sizeof *s);
				live--;
			}
			continue;
		}
		uint64_t tf = 0;
		for (size_t i = 0; i < live; i++)
			if (s[i].doc == doc)
				tf += s[i].tf;
		sum += tf;
		if ((rc = add_doc(enc, doc, tf, err)))
			return rc;
		/* In source order: positions concatenate in run order, and the
		 * sources left keep that order. */
		int64_t last = -1;
		size_t j = 0;
		for (size_t i = 0; i < live; i++) {
			if (s[i].doc == doc) {
				if (n == 1 && (rc = emit_positions(m, &s[i], enc, &last, err)))
					return rc;
				int r = run_post_next(&s[i], err);
				if (r < 0)
					return -r;
				if (r == 0)
					continue;
			}
			s[j++] = s[i];
		}
		live = j;
	}
	if (sum != cf)
		return ERR_CORRUPT(err, "temporary runs disagree on an occurrence count");
	int rc = post_enc_end(enc);
	if (rc)
		return ngidx_err_set(err, rc == NGIDX_ERR_NOMEM ? rc : NGIDX_ERR_CORRUPT,
		                     "temporary runs disagree on a document count");
	return NGIDX_OK;
}

size_t merge_term_put(unsigned char *p, const merge_term *t)
{
	size_t k = 8;
	memcpy(p, &t->hash, 8);
	k += ngidx_varint_put(p + k, t->df);
	k += ngidx_varint_put(p + k, t->cf - t->df);
	k += ngidx_varint_put(p + k, t->text_len);
	k += ngidx_varint_put(p + k, t->post_len);
	p[k++] = (unsigned char)t->n;
	return k;
}

int merge_term_get(const unsigned char **p, const unsigned char *end, merge_term *t)
{
	const unsigned char *q = *p;
	uint64_t extra;
	if (end - q < 8)
		return -1;
	t->text_off += t->text_len;
	t->post_off += t->post_len;
	memcpy(&t->hash, q, 8);
	q += 8;
	if (ngidx_varint_get(&q, end, &t->df) || ngidx_varint_get(&q, end, &extra) ||
	    ngidx_varint_get(&q, end, &t->text_len) || ngidx_varint_get(&q, end, &t->post_len) ||
	    q == end || t->df > UINT32_MAX || extra > UINT64_MAX - t->df)
		return -1;
	t->cf = t->df + extra;
	t->n = *q++;
	*p = q;
	return 0;
}

int merge_partition(const run_file *runs, size_t nruns, unsigned lo, unsigned hi,
                    uint32_t min_df, uint32_t min_count, int split_docs, merge_out *out,
                    ngidx_error *err)
{
	merger m = { 0 };
	ngidx_wfile lex, text, post, act;
	int have = 0, rc = NGIDX_OK;
	post_enc enc;
	post_enc_init(&enc, &post);
	/* Cursors over the runs that hold keys of [lo, hi), in run order: a
	 * run that holds none would only deepen the tree. */
	run_cursor *cur = ngidx_calloc(nruns ? nruns : 1, sizeof *cur);
	size_t ncur = 0;
	for (size_t i = 0; cur && i < nruns; i++)
		if (runs[i].fence[lo] < runs[i].fence[hi])
			run_cursor_init(&cur[ncur++], &runs[i], lo, hi);
	m.srcs = ngidx_calloc(nruns ? nruns : 1, sizeof *m.srcs);
	m.scan = ngidx_calloc(nruns ? nruns : 1, sizeof *m.scan);
	m.sbuf = ngidx_calloc(nruns ? nruns : 1, sizeof *m.sbuf);
	m.pos = ngidx_malloc(MERGE_POS_CHUNK * sizeof *m.pos);
	if (!cur || !m.srcs || !m.scan || !m.sbuf || !m.pos) {
		rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* The merge's own buffers read a chunk at a time, as the cursors do. */
	m.doc.chunk = nruns ? runs[0].chunk : RUN_CHUNK;
	for (size_t i = 0; i < nruns; i++)
		m.sbuf[i].chunk = m.doc.chunk;
	if ((rc = ngidx_wfile_open(&lex, out->lex_path, 1u << 20, err)))
		goto done;
	have = 1;
	if ((rc = ngidx_wfile_open(&text, out->text_path, 1u << 20, err)))
		goto done;
	have = 2;
	if ((rc = ngidx_wfile_open(&post, out->post_path, 1u << 20, err)))
		goto done;
	have = 3;
	if ((rc = ngidx_wfile_open(&act, out->act_path, 1u << 16, err)))
		goto done;
	have = 4;

	if ((rc = run_tree_init(&m.t, cur, ncur, err)))
		goto done;

	for (size_t c; (c = run_tree_top(&m.t)) != SIZE_MAX;) {
		/* Gather the group of records equal to the smallest key. */
		run_rec key = cur[c].rec;
		uint64_t df = 0, cf = 0;
		size_t k = 0, prev = c;
		for (; c != SIZE_MAX && run_rec_cmp(&cur[c].rec, &key) == 0; c = run_tree_top(&m.t)) {
			const run_rec *r = &cur[c].rec;
			if (r->n != key.n || r->n == 0 || r->n > NGIDX_MAX_N) {
				rc = ERR_CORRUPT(err, "temporary run has an invalid n-gram length");
				goto done;
			}
			/* Records of a group come in run order, one a run: a key
			 * twice in a run would leave its first record to a buffer
			 * the cursor has reused. */
			if (k && c <= prev) {
				rc = ERR_CORRUPT(err, "temporary run has a key twice");
				goto done;
			}
			prev = c;
			m.srcs[k++] = run_post_of(r, &cur[c].post);
			df += r->df;
			cf += r->cf;
			if ((rc = run_tree_pop(&m.t, err)))
				goto done;
		}
		if (cf == 0) { /* checked here: pruning would skip the postings */
			rc = ERR_CORRUPT(err, "temporary run has an n-gram with no occurrence");
			goto done;
		}
		int is_actor = ngx_is_actor_term((const char *)key.text, key.text_len);
		int prunable = key.n >= 2 && !is_actor;
		/* cf is exact; df is exact unless a split document sits in several
		 * of the k records; it is never too small, so what it prunes stays
		 * pruned. */
		if (prunable && (cf < min_count || df < min_df))
			continue;
		if (split_docs && k > 1) {
			if ((rc = count_docs(&m, k, &df, err)))
				goto done;
			if (prunable && df < min_df)
				continue;
		}
		if (df > UINT32_MAX) {
			rc = ngidx_err_set(err, NGIDX_ERR_ARG, "more than 2^32 documents");
			goto done;
		}
		uint64_t post_off = post.written;
		post_enc_begin(&enc, key.n, df, cf);
		if ((rc = merge_group(&m, k, key.n, cf, &enc, err)))
			goto done;
		ngidx_wfile_write(&text, key.text, key.text_len);
		merge_term e = { key.hash, cf, df, 0, key.text_len, 0, post.written - post_off, key.n };
		unsigned char rec[MERGE_TERM_MAX];
		ngidx_wfile_write(&lex, rec, merge_term_put(rec, &e));
		out->nterms++;
		if (is_actor) {
			/* the actor table is made of these (actors.c) */
			struct merge_act_rec r = { (uint32_t)df, (uint32_t)key.text_len, cf };
			ngidx_wfile_write(&act, &r, sizeof r);
			ngidx_wfile_write(&act, key.text, key.text_len);
			out->nactor_terms++;
		} else {
			out->nterms_n[key.n - 1]++;
			out->cf_n[key.n - 1] += cf;
		}
	}
	out->text_bytes = text.written;
	out->post_bytes = post.written;
done:
	if (have >= 4) {
		int r = ngidx_wfile_close(&act, 0, rc ? NULL : err);
		rc = rc ? rc : r;
	}
	if (have >= 3) {
		int r = ngidx_wfile_close(&post, 0, rc ? NULL : err);
		rc = rc ? rc : r;
	}
	if (have >= 2) {
		int r = ngidx_wfile_close(&text, 0, rc ? NULL : err);
		rc = rc ? rc : r;
	}
	if (have >= 1) {
		int r = ngidx_wfile_close(&lex, 0, rc ? NULL : err);
		rc = rc ? rc : r;
	}
	post_enc_release(&enc);
	run_tree_release(&m.t);
	for (size_t i = 0; i < ncur; i++)
		run_cursor_release(&cur[i]);
	ngidx_free(cur);
	ngidx_free(m.srcs);
	ngidx_free(m.scan);
	for (size_t i = 0; m.sbuf && i < nruns; i++)
		ngidx_free(m.sbuf[i].p);
	ngidx_free(m.sbuf);
	ngidx_free(m.doc.p);
	ngidx_free(m.pos);
	return rc;
}
