/*
 * merge.c - the final merge of the build.
 *
 * Every run is sorted by (hash, text), so a binary heap of one cursor per
 * run yields the n-grams of all runs in lexicon order; the cursors whose
 * current record has the same key form a group: the same n-gram seen by
 * several workers or between several spills. Each record of a group holds
 * its documents in increasing order, and different records of a group never
 * share a document (a document is indexed by one worker, between two of its
 * spills), so the group's postings are a k-way merge by document id, which
 * streams straight into the block encoder.
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

#include <string.h>

typedef struct src {
	const unsigned char *p, *end;
	uint64_t left;   /* documents not yet read */
	int64_t prev;    /* previous document */
	uint32_t doc, tf;
	const unsigned char *pos; /* its position gaps (n == 1) */
} src;

/* Read the next document header of @s; @return 1, 0 (done), -1 corrupt. */
static int src_next(src *s, unsigned n)
{
	if (!s->left)
		return 0;
	uint64_t gap, tf;
	if (ngidx_varint_get(&s->p, s->end, &gap) || ngidx_varint_get(&s->p, s->end, &tf) || !tf)
		return -1;
	int64_t d = s->prev + 1 + (int64_t)gap;
	if (d > UINT32_MAX || tf > UINT32_MAX)
		return -1;
	s->doc = (uint32_t)d;
	s->tf = (uint32_t)tf;
	s->prev = d;
	s->left--;
	s->pos = s->p;
	if (n == 1) { /* skip the positions now; decoded when emitted */
		for (uint64_t i = 0; i < tf; i++) {
			uint64_t v;
			if (ngidx_varint_get(&s->p, s->end, &v))
				return -1;
		}
	}
	return 1;
}

typedef struct merger {
	const run_file *runs;
	run_cursor *cur;
	size_t *heap, nheap;
	src *srcs;
	uint32_t *pos;
	size_t pos_cap;
} merger;

static int cur_less(const merger *m, size_t a, size_t b)
{
	int c = run_rec_cmp(&m->cur[a].rec, &m->cur[b].rec);
	return c < 0 || (c == 0 && a < b);
}

static void sift_down(merger *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, s = i;
		if (l < m->nheap && cur_less(m, m->heap[l], m->heap[s]))
			s = l;
		if (r < m->nheap && cur_less(m, m->heap[r], m->heap[s]))
			s = r;
		if (s == i)
			return;
		size_t t = m->heap[i];
		m->heap[i] = m->heap[s];
		m->heap[s] = t;
		i = s;
	}
}

/* Advance the top cursor and restore the heap. */
static int pop_advance(merger *m, ngidx_error *err)
{
	size_t c = m->heap[0];
	int rc = run_cursor_next(&m->cur[c], err);
	if (rc < 0)
		return -rc;
	if (rc == 0)
		m->heap[0] = m->heap[--m->nheap];
	if (m->nheap)
		sift_down(m, 0);
	return NGIDX_OK;
}

/* Merge the postings of the @k records in m->srcs into the encoder. */
static int merge_group(merger *m, size_t k, unsigned n, post_enc *enc, ngidx_error *err)
{
	for (size_t i = 0; i < k; i++)
		if (src_next(&m->srcs[i], n) != 1)
			return ERR_CORRUPT(err, "temporary run has a malformed postings list");
	size_t live = k;
	int64_t last = -1;
	while (live) {
		size_t best = 0;
		for (size_t i = 1; i < live; i++)
			if (m->srcs[i].doc < m->srcs[best].doc)
				best = i;
		src *s = &m->srcs[best];
		if ((int64_t)s->doc <= last)
			return ERR_CORRUPT(err, "temporary runs share document %u", s->doc);
		last = s->doc;
		const uint32_t *pos = NULL;
		if (n == 1) {
			if (NGIDX_RESERVE(m->pos, m->pos_cap, s->tf))
				return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			const unsigned char *p = s->pos;
			uint32_t prev1 = 0;
			for (uint32_t i = 0; i < s->tf; i++) {
				uint32_t g;
				if (ngidx_varint_get32(&p, s->end, &g))
					return ERR_CORRUPT(err, "temporary run has malformed positions");
				m->pos[i] = prev1 + g;
				prev1 = m->pos[i] + 1;
			}
			pos = m->pos;
		}
		int rc = post_enc_add(enc, s->doc, s->tf, pos);
		if (rc)
			return ngidx_err_set(err, rc, "out of memory");
		int r = src_next(s, n);
		if (r < 0)
			return ERR_CORRUPT(err, "temporary run has a malformed postings list");
		if (r == 0)
			m->srcs[best] = m->srcs[--live];
	}
	int rc = post_enc_end(enc);
	if (rc)
		return ngidx_err_set(err, rc == NGIDX_ERR_NOMEM ? rc : NGIDX_ERR_CORRUPT,
		                     "temporary runs disagree on a document count");
	return NGIDX_OK;
}

int merge_partition(const run_file *runs, size_t nruns, unsigned lo, unsigned hi,
                    uint32_t min_df, merge_out *out, ngidx_error *err)
{
	merger m = { 0 };
	ngidx_wfile lex, text, post, act;
	int have = 0, rc = NGIDX_OK;
	post_enc enc;
	post_enc_init(&enc, &post);
	m.runs = runs;
	m.cur = ngidx_calloc(nruns ? nruns : 1, sizeof *m.cur);
	m.heap = ngidx_calloc(nruns ? nruns : 1, sizeof *m.heap);
	m.srcs = ngidx_calloc(nruns ? nruns : 1, sizeof *m.srcs);
	if (!m.cur || !m.heap || !m.srcs) {
		rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		goto done;
	}
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

	for (size_t i = 0; i < nruns; i++) {
		run_cursor_init(&m.cur[i], &runs[i], lo, hi);
		int r = run_cursor_next(&m.cur[i], err);
		if (r < 0) {
			rc = -r;
			goto done;
		}
		if (r)
			m.heap[m.nheap++] = i;
	}
	for (size_t i = m.nheap / 2; i-- > 0;)
		sift_down(&m, i);

	while (m.nheap) {
		/* Gather the group of records equal to the smallest key. */
		run_rec key = m.cur[m.heap[0]].rec;
		uint64_t df = 0, cf = 0;
		size_t k = 0;
		while (m.nheap && run_rec_cmp(&m.cur[m.heap[0]].rec, &key) == 0) {
			const run_rec *r = &m.cur[m.heap[0]].rec;
			if (r->n != key.n || r->n == 0 || r->n > NGIDX_MAX_N) {
				rc = ERR_CORRUPT(err, "temporary run has an invalid n-gram length");
				goto done;
			}
			m.srcs[k++] = (src){ r->post, r->post + r->post_len, r->df, -1, 0, 0, NULL };
			df += r->df;
			cf += r->cf;
			if ((rc = pop_advance(&m, err)))
				goto done;
		}
		int is_actor = ngx_is_actor_term((const char *)key.text, key.text_len);
		if (key.n >= 2 && df < min_df && !is_actor)
			continue;
		if (df > UINT32_MAX) {
			rc = ngidx_err_set(err, NGIDX_ERR_ARG, "more than 2^32 documents");
			goto done;
		}
		struct ngx_lex_entry e = { 0 };
		e.hash = key.hash;
		e.cf = cf;
		e.post_off = post.written;
		e.text_off = text.written;
		e.df = (uint32_t)df;
		e.n = (uint8_t)key.n;
		post_enc_begin(&enc, key.n, df, cf);
		if ((rc = merge_group(&m, k, key.n, &enc, err)))
			goto done;
		ngidx_wfile_write(&text, key.text, key.text_len);
		ngidx_wfile_write(&lex, &e, sizeof e);
		out->nterms++;
		if (is_actor) {
			/* the actor table is made of these (actors.c) */
			struct merge_act_rec r = { e.df, (uint32_t)key.text_len, cf };
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
	ngidx_free(m.cur);
	ngidx_free(m.heap);
	ngidx_free(m.srcs);
	ngidx_free(m.pos);
	return rc;
}
