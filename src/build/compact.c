/*
 * compact.c - merging runs of one accumulator into one run (compact.h).
 *
 * The runs' records come through a tournament (run_tree) in key order; a
 * key in one run is copied as it is. A key in several runs, in spill
 * order, becomes one record whose postings are theirs end to end: each
 * record's first entry has its gap from 0 (run.h), so only that gap is
 * rewritten, to the gap from the previous record's last document, which
 * is 0 (a continuation) when the document went on from one run into the
 * next. df is the sum less those continuations, cf the sum. When the
 * result has cf > df, the records that were written without tf bytes
 * (cf == df) get them back, one byte 1 per entry.
 *
 * The documents of every record of a group are walked (run_post_next,
 * positions skipped) to find the last and check the order, which also
 * checks what the final merge would: malformed entries, df, tf; then the
 * record is copied. Both read it through run_in, a chunk at a time, so a
 * record of any size costs a chunk of memory (one longer than a chunk is
 * read from the file twice, the second time from the page cache).
 */
#include "compact.h"
#include "run.h"
#include "codec/codec.h"
#include "common/err.h"
#include "common/mem.h"

#include <inttypes.h>
#include <string.h>

/* A record of a group, the buffer to read its postings through (its
 * cursor's), and its documents' range. */
typedef struct part {
	run_rec r;
	run_buf *b;
	uint32_t first, last;
} part;

/* Write the rest of @in. */
static int copy_in(ngidx_wfile *w, run_in *in, ngidx_error *err)
{
	for (;;) {
		ngidx_wfile_write(w, in->p, (size_t)(in->e - in->p));
		in->p = in->e;
		if (in->off == in->stop)
			return NGIDX_OK;
		FORWARD_IF_ERROR(run_in_fill(in, err));
	}
}

/* Check the records' documents and write them as one record. */
static int put_group(run_writer *rw, part *g, size_t k, ngidx_error *err)
{
	uint64_t df = 0, cf = 0, len = 0, conts = 0;
	for (size_t i = 0; i < k; i++) {
		run_post s = run_post_of(&g[i].r, g[i].b);
		int r;
		for (uint64_t d = 0; (r = run_post_next(&s, err)) == 1; d++) {
			if (d == 0)
				g[i].first = s.doc;
			g[i].last = s.doc;
		}
		if (r < 0)
			return -r;
		if (s.ndocs == 0)
			return ERR_CORRUPT(err, "temporary run has an empty record");
		if (i && g[i].first < g[i - 1].last)
			return ERR_CORRUPT(err, "temporary runs of one worker are out of document order");
		conts += i && g[i].first == g[i - 1].last;
		df += g[i].r.df;
		cf += g[i].r.cf;
		len += g[i].r.post_len;
		if (i) /* the first gap, rewritten */
			len += varint_len(g[i].first - g[i - 1].last) - varint_len((uint64_t)g[i].first + 1);
	}
	df -= conts;
	int tf1 = cf == df; /* then every record is tf1, and nothing continues */
	for (size_t i = 0; i < k && !tf1; i++)
		if (g[i].r.cf == g[i].r.df)
			len += g[i].r.df;
	run_writer_head(rw, g[0].r.hash, g[0].r.n, g[0].r.text, g[0].r.text_len, df, cf, len);
	for (size_t i = 0; i < k; i++) {
		run_in in = run_in_of(&g[i].r, g[i].b);
		uint64_t gap = 0, pos = 0;
		FORWARD_IF_ERROR(run_in_need(&in, 2 * NGIDX_VARINT64_MAX, err));
		(void)ngidx_varint_get(&in.p, in.e, &gap); /* checked by run_post_next */
		ngidx_wfile_put_varint(&rw->w, i ? g[i].first - g[i - 1].last : gap);
		if (tf1 || g[i].r.cf > g[i].r.df) {
			FORWARD_IF_ERROR(copy_in(&rw->w, &in, err));
			continue;
		}
		/* The first entry's tf and position, then the others'. */
		unsigned char b[NGIDX_VARINT64_MAX + 1];
		size_t m = 0;
		b[m++] = 1;
		if (g[i].r.n == 1) {
			(void)ngidx_varint_get(&in.p, in.e, &pos);
			m += ngidx_varint_put(b + m, pos);
		}
		ngidx_wfile_write(&rw->w, b, m);
		FORWARD_IF_ERROR(run_put_with_tf(&rw->w, &in, g[i].r.n, err));
	}
	return NGIDX_OK;
}

int run_compact(char *const *in, size_t k, const char *out, uint64_t *bytes, ngidx_error *err)
{
	return run_compact_chunk(in, k, RUN_CHUNK, out, bytes, err);
}

int run_compact_chunk(char *const *in, size_t k, size_t chunk, const char *out, uint64_t *bytes,
                      ngidx_error *err)
{
	run_file *rf = ngidx_calloc(k ? k : 1, sizeof *rf);
	run_cursor *cur = ngidx_calloc(k ? k : 1, sizeof *cur);
	part *g = ngidx_calloc(k ? k : 1, sizeof *g);
	run_tree t = { 0 };
	run_writer rw;
	size_t opened = 0;
	int rc = NGIDX_OK, writing = 0;
	if (!rf || !cur || !g) {
		rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (; opened < k; opened++) {
		if ((rc = run_file_open(&rf[opened], in[opened], err)))
			goto done;
		rf[opened].chunk = chunk;
		run_cursor_init(&cur[opened], &rf[opened], 0, RUN_FENCES - 1);
	}
	if ((rc = run_tree_init(&t, cur, k, err)) || (rc = run_writer_open(&rw, out, err)))
		goto done;
	writing = 1;
	for (size_t c; (c = run_tree_top(&t)) != SIZE_MAX;) {
		size_t n = 0, prev = c;
		run_rec key = cur[c].rec;
		for (; c != SIZE_MAX && run_rec_cmp(&cur[c].rec, &key) == 0; c = run_tree_top(&t)) {
			if (cur[c].rec.n != key.n || (n && c <= prev)) {
				rc = ERR_CORRUPT(err, "temporary run has %s", n && c <= prev ? "a key twice"
				                 : "an invalid n-gram length");
				goto done;
			}
			prev = c;
			g[n].b = &cur[c].post;
			g[n++].r = cur[c].rec;
			if ((rc = run_tree_pop(&t, err)))
				goto done;
		}
		if (n == 1) {
			const run_rec *r = &g[0].r;
			run_in post = run_in_of(r, g[0].b);
			run_writer_head(&rw, r->hash, r->n, r->text, r->text_len, r->df, r->cf, r->post_len);
			if ((rc = copy_in(&rw.w, &post, err)))
				goto done;
		} else if ((rc = put_group(&rw, g, n, err))) {
			goto done;
		}
	}
	writing = 0;
	rc = run_writer_close(&rw, bytes, err);
done:
	if (writing)
		ngidx_wfile_abort(&rw.w);
	run_tree_release(&t);
	for (size_t i = 0; i < opened; i++) {
		run_cursor_release(&cur[i]);
		run_file_close(&rf[i]);
	}
	ngidx_free(rf);
	ngidx_free(cur);
	ngidx_free(g);
	return rc;
}
