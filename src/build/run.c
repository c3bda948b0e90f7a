/*
 * run.c - sorted runs: writing them (for accum_spill and run_compact),
 * reading them back, walking a record's documents, and the tournament of
 * cursors that the merges play.
 *
 * A run is verified whole (XXH64 over the file) when it is opened: runs are
 * written and read by the same process moments apart, but a full disk, a
 * stray process or bad RAM must not turn into a wrong index, and hashing a
 * file already in the page cache costs far less than the merge itself.
 */
#include "run.h"
#include "codec/codec.h"
#include "common/endian.h"
#include "common/err.h"
#include "common/hash.h"
#include "common/mem.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int run_file_open(run_file *r, const char *path, ngidx_error *err)
{
	memset(r, 0, sizeof *r);
	r->fd = open(path, O_RDWR | O_CLOEXEC);
	if (r->fd < 0)
		return ngidx_err_errno(err, errno, "cannot open '%s'", path);
	struct stat st;
	unsigned char *b = NULL;
	int rc = NGIDX_OK;
	if (fstat(r->fd, &st) != 0)
		rc = ngidx_err_errno(err, errno, "cannot stat '%s'", path);
	r->len = (uint64_t)st.st_size;
	if (rc || r->len < RUN_HEADER + RUN_FENCES * 8 + RUN_TRAILER)
		goto bad;
	if (!(b = ngidx_malloc(1u << 20))) {
		rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		goto bad;
	}
	/* The checksum, streamed; the header and the tail are kept. */
	XXH64_state_t h;
	XXH64_reset(&h, 0);
	unsigned char tail[RUN_FENCES * 8 + RUN_TRAILER];
	for (uint64_t off = 0; off < r->len - 8;) {
		size_t k = r->len - 8 - off < (1u << 20) ? (size_t)(r->len - 8 - off) : 1u << 20;
		if ((rc = ngidx_pread_all(r->fd, b, k, off, err)))
			goto bad;
		if (off == 0 && memcmp(b, RUN_MAGIC, 8) != 0)
			goto bad;
		XXH64_update(&h, b, k);
		off += k;
	}
	if ((rc = ngidx_pread_all(r->fd, tail, sizeof tail, r->len - sizeof tail, err)))
		goto bad;
	ngidx_free(b);
	b = NULL;
	const unsigned char *t = tail + RUN_FENCES * 8;
	if (XXH64_digest(&h) != ngidx_le64(t + 16))
		goto bad;
	r->nrec = ngidx_le64(t);
	uint64_t foff = ngidx_le64(t + 8);
	if (foff != r->len - RUN_TRAILER - RUN_FENCES * 8)
		goto bad;
	for (size_t k = 0; k < RUN_FENCES; k++) {
		r->fence[k] = ngidx_le64(tail + 8 * k);
		if (r->fence[k] < RUN_HEADER || r->fence[k] > foff || (k && r->fence[k] < r->fence[k - 1]))
			goto bad;
	}
	if (r->fence[0] != RUN_HEADER || r->fence[RUN_FENCES - 1] != foff)
		goto bad;
	r->chunk = RUN_CHUNK;
	return NGIDX_OK;
bad:
	ngidx_free(b);
	run_file_close(r);
	if (rc)
		return rc;
	return ERR_CORRUPT(err, "temporary run '%s' is corrupt (was it modified during the build?)", path);
}

void run_file_close(run_file *r)
{
	if (r->fd > 0)
		close(r->fd);
	memset(r, 0, sizeof *r);
}

void run_cursor_init(run_cursor *c, const run_file *f, unsigned lo, unsigned hi)
{
	memset(c, 0, sizeof *c);
	c->f = f;
	c->pos = f->fence[lo];
	c->end = f->fence[hi];
	c->boff = c->pos;
	c->last = c->pos;
	c->punched = c->pos;
	c->post.chunk = f->chunk;
}

void run_cursor_release(run_cursor *c)
{
	ngidx_free(c->buf[0]);
	ngidx_free(c->buf[1]);
	ngidx_free(c->post.p);
	memset(c, 0, sizeof *c);
}

/* Parse the header of the record at @p[0, @n), of the @left bytes left in
 * the range: @return its length, with r->post_len checked against @left,
 * or 0 if it does not fit in @n (or is malformed: then the caller reads
 * more until it cannot). */
static size_t parse(run_rec *r, const unsigned char *p, size_t n, uint64_t left)
{
	const unsigned char *q = p, *end = p + n;
	uint64_t tx, extra = 0;
	if (n < 1)
		return 0;
	r->n = *q++;
	if (ngidx_varint_get(&q, end, &tx) || (tx >> 1) > (uint64_t)(end - q))
		return 0;
	r->text = q;
	r->text_len = (size_t)(tx >> 1);
	q += r->text_len;
	if (ngidx_varint_get(&q, end, &r->df) || ((tx & 1) && ngidx_varint_get(&q, end, &extra)) ||
	    extra >= UINT64_MAX - r->df || ngidx_varint_get(&q, end, &r->post_len) ||
	    r->post_len > left - (uint64_t)(q - p))
		return 0;
	r->cf = r->df + (tx & 1) + extra;
	r->post = q;
	r->post_mem = r->post_len < (uint64_t)(end - q) ? (size_t)r->post_len : (size_t)(end - q);
	r->hash = ngidx_hash64((const char *)r->text, r->text_len);
	return (size_t)(q - p);
}

int run_cursor_next(run_cursor *c, ngidx_error *err)
{
	if (c->pos >= c->end)
		return 0;
	uint64_t left = c->end - c->pos;
	/* In the buffer of the last record, if it holds the next one's header. */
	size_t at = (size_t)(c->pos - c->boff);
	size_t k = c->pos < c->boff + c->blen ? parse(&c->rec, c->buf[c->cur] + at, c->blen - at, left) : 0;
	if (k && c->rec.post_mem < c->rec.post_len && k + c->rec.post_len <= c->f->chunk)
		k = 0; /* it fits whole in a chunk read from its start */
	/* Else read a chunk into the other buffer, more until the header fits:
	 * the postings of a record longer than a chunk are read in pieces. */
	if (!k)
		ngidx_punch_read(c->f->fd, &c->punched, c->last, RUN_PUNCH);
	for (size_t want = c->f->chunk; !k; want *= 2) {
		int o = !c->cur;
		size_t n = left < want ? (size_t)left : want;
		if (c->cap[o] > 8 * c->f->chunk && n <= c->f->chunk) { /* shrink after a big header */
			ngidx_free(c->buf[o]);
			c->buf[o] = NULL;
			c->cap[o] = 0;
		}
		if (NGIDX_RESERVE(c->buf[o], c->cap[o], n))
			return -ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		int rc = ngidx_pread_all(c->f->fd, c->buf[o], n, c->pos, err);
		if (rc)
			return -rc;
		k = parse(&c->rec, c->buf[o], n, left);
		if (!k && n == left)
			return -ERR_CORRUPT(err, "temporary run is corrupt at byte %" PRIu64, c->pos);
		if (k) {
			c->cur = o;
			c->boff = c->pos;
			c->blen = n;
		}
	}
	c->rec.post_off = c->pos + k;
	c->rec.fd = c->f->fd;
	c->last = c->pos;
	c->pos += k + c->rec.post_len;
	return 1;
}

int run_in_fill(run_in *in, ngidx_error *err)
{
	size_t keep = (size_t)(in->e - in->p);
	uint64_t left = in->stop - in->off;
	run_buf *b = in->b;
	if (!left)
		return NGIDX_OK;
	assert(keep <= RUN_IN_KEEP);
	/* At least RUN_IN_KEEP bytes a time, so that one fill meets a need. */
	size_t chunk = b->chunk > RUN_IN_KEEP ? b->chunk : RUN_IN_KEEP;
	if (!b->p) {
		b->cap = chunk + RUN_IN_KEEP;
		if (!(b->p = ngidx_malloc(b->cap)))
			return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	}
	assert(b->cap >= chunk + RUN_IN_KEEP);
	size_t n = left < chunk ? (size_t)left : chunk;
	uint64_t at = run_in_tell(in);
	memmove(b->p, in->p, keep);
	FORWARD_IF_ERROR(ngidx_pread_all(in->fd, b->p + keep, n, in->off, err));
	in->base = in->p = b->p;
	in->base_off = at;
	in->e = b->p + keep + n;
	in->off += n;
	return NGIDX_OK;
}

/* ---- writing ------------------------------------------------------------- */

#define RUN_TEXT_INLINE 128 /* texts up to this go out with their header */

int run_writer_open(run_writer *rw, const char *path, ngidx_error *err)
{
	memset(rw, 0, sizeof *rw);
	rw->path = path;
	FORWARD_IF_ERROR(ngidx_wfile_open(&rw->w, path, 1u << 20, err));
	ngidx_wfile_hash_begin(&rw->w);
	ngidx_wfile_write(&rw->w, RUN_MAGIC, RUN_HEADER);
	return NGIDX_OK;
}

void run_writer_head(run_writer *rw, uint64_t hash, unsigned n, const void *text, size_t text_len,
                     uint64_t df, uint64_t cf, uint64_t post_len)
{
	unsigned top = (unsigned)(hash >> 56);
	while (rw->k <= top)
		rw->fence[rw->k++] = rw->w.written;
	/* One write for the header of a text of common length: a record is
	 * about 20 bytes, and runs hold hundreds of millions of them. */
	unsigned char b[1 + 4 * NGIDX_VARINT64_MAX + RUN_TEXT_INLINE];
	size_t k = 0;
	b[k++] = (unsigned char)n;
	k += ngidx_varint_put(b + k, (uint64_t)text_len << 1 | (cf > df));
	if (text_len <= RUN_TEXT_INLINE) {
		memcpy(b + k, text, text_len);
		k += text_len;
	} else {
		ngidx_wfile_write(&rw->w, b, k);
		ngidx_wfile_write(&rw->w, text, text_len);
		k = 0;
	}
	k += ngidx_varint_put(b + k, df);
	if (cf > df)
		k += ngidx_varint_put(b + k, cf - df - 1);
	k += ngidx_varint_put(b + k, post_len);
	ngidx_wfile_write(&rw->w, b, k);
	rw->nrec++;
}

int run_writer_close(run_writer *rw, uint64_t *bytes, ngidx_error *err)
{
	while (rw->k < RUN_FENCES)
		rw->fence[rw->k++] = rw->w.written;
	uint64_t foff = rw->w.written;
	unsigned char b[8];
	for (unsigned k = 0; k < RUN_FENCES; k++) {
		ngidx_put64(b, rw->fence[k]);
		ngidx_wfile_write(&rw->w, b, 8);
	}
	ngidx_put64(b, rw->nrec);
	ngidx_wfile_write(&rw->w, b, 8);
	ngidx_put64(b, foff);
	ngidx_wfile_write(&rw->w, b, 8);
	ngidx_put64(b, ngidx_wfile_hash_end(&rw->w));
	ngidx_wfile_write(&rw->w, b, 8);
	uint64_t total = rw->w.written;
	int rc = ngidx_wfile_close(&rw->w, 0, err);
	if (rc) {
		unlink(rw->path);
		return rc;
	}
	if (bytes)
		*bytes = total;
	return NGIDX_OK;
}

/* Copy one varint from *@p (never at or past @end) to @b; @return its
 * length. */
static size_t copy_varint(unsigned char *b, const unsigned char **p, const unsigned char *end)
{
	size_t k = 0;
	while (*p < end && k < NGIDX_VARINT64_MAX) {
		unsigned char c = *(*p)++;
		b[k++] = c;
		if (!(c & 0x80))
			break;
	}
	return k;
}

void run_put_without_tf(ngidx_wfile *w, const unsigned char *p, size_t len, unsigned n)
{
	unsigned char buf[4096];
	size_t k = 0;
	const unsigned char *end = p + len;
	while (p < end) {
		if (k + 2 * NGIDX_VARINT64_MAX > sizeof buf) {
			ngidx_wfile_write(w, buf, k);
			k = 0;
		}
		k += copy_varint(buf + k, &p, end); /* the gap */
		assert(*p == 1);
		p++;
		if (n == 1)
			k += copy_varint(buf + k, &p, end);
	}
	ngidx_wfile_write(w, buf, k);
}

int run_put_with_tf(ngidx_wfile *w, run_in *in, unsigned n, ngidx_error *err)
{
	unsigned char buf[4096];
	size_t k = 0;
	for (;;) {
		FORWARD_IF_ERROR(run_in_need(in, 2 * NGIDX_VARINT64_MAX, err));
		if (in->p == in->e)
			break;
		if (k + 2 * NGIDX_VARINT64_MAX + 1 > sizeof buf) {
			ngidx_wfile_write(w, buf, k);
			k = 0;
		}
		k += copy_varint(buf + k, &in->p, in->e);
		buf[k++] = 1;
		if (n == 1)
			k += copy_varint(buf + k, &in->p, in->e);
	}
	ngidx_wfile_write(w, buf, k);
	return NGIDX_OK;
}

/* ---- postings ------------------------------------------------------------ */

/* Skip @k varints of @in. A varint ends at its first byte below 0x80, so
 * this counts such bytes; whoever needs the positions decodes them
 * properly. @return 0, 1 if the record ends first, or a read error. */
static int skip_varints(run_in *in, uint64_t k, ngidx_error *err)
{
	while (k) {
		if (in->p == in->e) {
			if (in->off == in->stop)
				return 1;
			FORWARD_IF_ERROR(run_in_fill(in, err));
		}
		const unsigned char *q = in->p, *e = in->e;
		while (k && q < e)
			k -= !(*q++ & 0x80);
		in->p = q;
	}
	return 0;
}

int run_post_next(run_post *s, ngidx_error *err)
{
	run_in *in = &s->in;
	int rc;
	if ((rc = run_in_need(in, 2 * NGIDX_VARINT64_MAX, err)))
		return -rc;
	if (in->p == in->e) {
		if (s->ndocs != s->df)
			return -ERR_CORRUPT(err, "temporary run has %" PRIu64 " documents in a record "
			                    "of df %" PRIu64, s->ndocs, s->df);
		return 0;
	}
	uint64_t g, tf = 1;
	s->first = run_in_tell(in);
	if (ngidx_varint_get(&in->p, in->e, &g) || (!s->tf1 && ngidx_varint_get(&in->p, in->e, &tf)))
		goto bad;
	/* The continuations of the previous document were read with it, so
	 * g == 0 here continues nothing. The document is prev1 - 1 + g. */
	if (g == 0 || g > ((uint64_t)1 << 32) - s->prev1)
		return -ERR_CORRUPT(err, "temporary run has an invalid document gap");
	if (tf == 0 || tf > UINT32_MAX)
		return -ERR_CORRUPT(err, "temporary run has an invalid tf");
	s->prev1 += g;
	s->doc = (uint32_t)(s->prev1 - 1);
	s->tf = tf;
	s->ndocs++;
	if (s->n == 1 && (rc = skip_varints(in, tf, err)))
		goto fail;
	/* A continuation's g is 0, always the single byte 0 (none when
	 * cf == df: its tf would make cf larger). */
	while (!s->tf1) {
		if ((rc = run_in_need(in, 1 + NGIDX_VARINT64_MAX, err)))
			return -rc;
		if (in->p == in->e || *in->p != 0)
			break;
		in->p++;
		if (ngidx_varint_get(&in->p, in->e, &tf) || tf > UINT32_MAX)
			goto bad;
		s->tf += tf;
		if (s->n == 1 && (rc = skip_varints(in, tf, err)))
			goto fail;
	}
	return 1;
fail:
	if (rc != 1)
		return -rc;
bad:
	return -ERR_CORRUPT(err, "temporary run has a malformed postings list");
}

run_in run_post_doc(const run_post *s, run_buf *b)
{
	run_in in = s->in;
	uint64_t to = run_in_tell(&s->in);
	if (s->first >= s->in.base_off) { /* still in memory */
		in.p = in.base + (s->first - s->in.base_off);
		in.e = s->in.p;
		in.off = in.stop = to;
		return in;
	}
	static const unsigned char none[1];
	in.p = in.e = in.base = none; /* nothing in memory */
	in.base_off = in.off = s->first;
	in.stop = to;
	in.b = b;
	return in;
}

/* ---- the tournament ------------------------------------------------------ */

/* Cursor @a's record comes before @b's: it has one and @b none, or a
 * smaller one (ties: the lower cursor). */
static inline int beats(const run_tree *t, size_t a, size_t b)
{
	if (a >= t->ncur || !t->live[a])
		return 0;
	if (b >= t->ncur || !t->live[b])
		return 1;
	int c = run_rec_cmp(&t->cur[a].rec, &t->cur[b].rec);
	return c < 0 || (c == 0 && a < b);
}

/* Play the matches below @node; @return their winner. */
static size_t play(run_tree *t, size_t node)
{
	if (node >= t->k)
		return node - t->k;
	size_t a = play(t, 2 * node), b = play(t, 2 * node + 1);
	int w = beats(t, a, b);
	t->tree[node] = w ? b : a;
	return w ? a : b;
}

int run_tree_init(run_tree *t, run_cursor *cur, size_t ncur, ngidx_error *err)
{
	memset(t, 0, sizeof *t);
	t->cur = cur;
	t->ncur = ncur;
	for (t->k = 1; t->k < ncur; t->k *= 2)
		;
	t->tree = ngidx_calloc(t->k, sizeof *t->tree);
	t->live = ngidx_calloc(ncur ? ncur : 1, 1);
	if (!t->tree || !t->live)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < ncur; i++) {
		int r = run_cursor_next(&cur[i], err);
		if (r < 0)
			return -r;
		t->live[i] = r == 1;
	}
	t->tree[0] = play(t, 1);
	return NGIDX_OK;
}

void run_tree_release(run_tree *t)
{
	ngidx_free(t->tree);
	ngidx_free(t->live);
	memset(t, 0, sizeof *t);
}

int run_tree_pop(run_tree *t, ngidx_error *err)
{
	size_t c = t->tree[0];
	int rc = run_cursor_next(&t->cur[c], err);
	if (rc < 0)
		return -rc;
	t->live[c] = rc == 1;
	for (size_t node = (c + t->k) / 2; node; node /= 2)
		if (beats(t, t->tree[node], c)) {
			size_t w = t->tree[node];
			t->tree[node] = c;
			c = w;
		}
	t->tree[0] = c;
	return NGIDX_OK;
}
