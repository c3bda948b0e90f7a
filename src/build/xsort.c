/*
 * xsort.c - external sort of fixed-size records: sorted runs spilled under
 * a byte budget, then a k-way merge.
 *
 * Records accumulate in one buffer of half the budget (the other half is
 * the scratch of the sort). When it is full it is sorted and written as a
 * run: magic "NGXSORT\1", u64 record size, u64 record count, the records,
 * then the XXH64 (seed 0) of the records. If nothing was spilled when the
 * input ends, the buffer is sorted and handed out in place: no I/O at all.
 * Otherwise the last buffer becomes a run too, the buffer is freed, and a
 * binary min-heap over the runs' current records merges them; each run is
 * read through its own 64 KiB buffer and its checksum is checked when its
 * last record has been read, so a damaged temporary file fails the build
 * (NGIDX_ERR_CORRUPT) rather than producing a wrong index.
 *
 * Sorting: every record starts with a u64 key that the comparison orders
 * first (ascending, as an unsigned integer). A least-significant-digit
 * radix sort on that key (11-bit digits; a digit that is the same in
 * every record costs no pass, so small keys take few passes) does most of
 * the work in linear time, then runs of equal keys are put in order with
 * qsort and the caller's comparison. This is 3 to 4 times faster than a
 * qsort of the whole buffer: glibc sorts records over 32 bytes through an
 * array of pointers and a comparison call per step.
 *
 * A run is read once: every XSORT_PUNCH bytes read, the merge gives them
 * back to the file system (ngidx_punch_read), so the disk the runs take
 * shrinks as the caller's output grows.
 *
 * Memory: budget + 64 KiB per run (runs = total bytes / (budget / 2)).
 * Equal records (cmp == 0) come out in an unspecified order, so callers
 * that need determinism make their comparison total.
 */
#include "xsort.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XSORT_MAGIC "NGXSORT\1"
#define XSORT_RBUF (64u << 10)
#define XSORT_PUNCH (1u << 20) /* bytes of a run read before they are freed */

struct xsort_run {
	char *path;
	int fd;
	unsigned char *buf;
	size_t len, pos;       /* bytes in buf, next record offset */
	uint64_t left;         /* records not yet read from the file */
	uint64_t count;
	uint64_t off, punched; /* bytes read; freed (ngidx_punch_read) */
	XXH64_state_t h;
};

int xsort_init(xsort *s, size_t rec, xsort_cmp cmp, const char *dir, const char *name,
               size_t budget, ngidx_error *err)
{
	memset(s, 0, sizeof *s);
	s->rec = rec;
	s->cmp = cmp;
	s->cap = budget / 2 / rec < 64 ? 64 : budget / 2 / rec;
	s->dir = ngidx_strdupf("%s", dir);
	s->name = ngidx_strdupf("%s", name);
	if (!s->dir || !s->name)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	return NGIDX_OK;
}

/* Copy one record; records are whole u64 words in every use, and an
 * inlined word loop beats a memcpy call of a run-time size. */
static inline void rec_copy(unsigned char *d, const unsigned char *s, size_t rec)
{
	if (rec % 8) {
		memcpy(d, s, rec);
		return;
	}
	for (size_t i = 0; i < rec; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		memcpy(d + i, &w, 8);
	}
}

static uint64_t key_at(const unsigned char *p)
{
	uint64_t k;
	memcpy(&k, p, 8);
	return k;
}

#define RADIX_BITS 11
#define RADIX (1u << RADIX_BITS)

/* Sort the buffer: radix on the leading u64, then ties by cmp. */
static int sort_buf(xsort *s, ngidx_error *err)
{
	size_t n = s->n, rec = s->rec;
	if (n < 2)
		return NGIDX_OK;
	unsigned char *tmp = ngidx_malloc(n * rec), *a = s->buf, *b = tmp;
	size_t (*cnt)[RADIX] = ngidx_calloc((64 + RADIX_BITS - 1) / RADIX_BITS, sizeof *cnt);
	if (!tmp || !cnt) {
		ngidx_free(tmp);
		ngidx_free(cnt);
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	}
	const unsigned npass = (64 + RADIX_BITS - 1) / RADIX_BITS;
	const unsigned ks = s->key_shift;
	for (size_t i = 0; i < n; i++) {
		uint64_t k = key_at(a + i * rec) >> ks;
		for (unsigned d = 0; d < npass; d++)
			cnt[d][(k >> (d * RADIX_BITS)) & (RADIX - 1)]++;
	}
	for (unsigned d = 0; d < npass; d++) {
		uint64_t k0 = key_at(a) >> ks;
		if (cnt[d][(k0 >> (d * RADIX_BITS)) & (RADIX - 1)] == n)
			continue; /* every record has this digit: nothing to move */
		size_t sum = 0;
		for (unsigned j = 0; j < RADIX; j++) {
			size_t c = cnt[d][j];
			cnt[d][j] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++) {
			const unsigned char *r = a + i * rec;
			size_t at = cnt[d][((key_at(r) >> ks) >> (d * RADIX_BITS)) & (RADIX - 1)]++;
			rec_copy(b + at * rec, r, rec);
		}
		unsigned char *t = a;
		a = b;
		b = t;
	}
	if (a != s->buf)
		memcpy(s->buf, a, n * rec);
	ngidx_free(tmp);
	ngidx_free(cnt);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		uint64_t k = key_at(s->buf + i * rec) >> ks;
		while (j < n && key_at(s->buf + j * rec) >> ks == k)
			j++;
		if (j - i > 1 && s->cmp)
			qsort(s->buf + i * rec, j - i, rec, s->cmp);
		i = j;
	}
	return NGIDX_OK;
}

void xsort_expect(xsort *s, size_t n) { s->expect = n; }

void xsort_key_bits(xsort *s, unsigned bits)
{
	s->key_shift = bits >= 1 && bits < 64 ? 64 - bits : 0;
}

static int spill(xsort *s, ngidx_error *err)
{
	FORWARD_IF_ERROR(sort_buf(s, err));
	xsort_run *nr = ngidx_realloc(s->runs, (s->nruns + 1) * sizeof *nr);
	if (!nr)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	s->runs = nr;
	xsort_run *r = &s->runs[s->nruns];
	memset(r, 0, sizeof *r);
	r->fd = -1;
	r->path = ngidx_strdupf("%s/%s-%zu", s->dir, s->name, s->nruns);
	if (!r->path)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	s->nruns++;
	ngidx_wfile f;
	FORWARD_IF_ERROR(ngidx_wfile_open(&f, r->path, 1u << 20, err));
	uint64_t hdr[2] = { s->rec, s->n };
	ngidx_wfile_write(&f, XSORT_MAGIC, 8);
	ngidx_wfile_write(&f, hdr, sizeof hdr);
	ngidx_wfile_write(&f, s->buf, s->n * s->rec);
	uint64_t sum = XXH64(s->buf, s->n * s->rec, 0);
	ngidx_wfile_write(&f, &sum, 8);
	FORWARD_IF_ERROR(ngidx_wfile_close(&f, 0, err));
	r->count = s->n;
	s->spilled_bytes += 24 + s->n * s->rec + 8;
	s->n = 0;
	return NGIDX_OK;
}

int xsort_add(xsort *s, const void *r, ngidx_error *err)
{
	if (s->n == s->cap)
		FORWARD_IF_ERROR(spill(s, err));
	if (!s->buf) {
		/* grow geometrically up to the budget: small sorts stay small */
		size_t want = s->expect > 1024 ? s->expect : 1024;
		if (want > s->cap)
			want = s->cap;
		s->buf = ngidx_malloc(want * s->rec);
		if (!s->buf)
			return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		s->pos = want; /* capacity allocated so far, until finish */
	} else if (s->n == s->pos) {
		size_t want = s->pos * 2 < s->cap ? s->pos * 2 : s->cap;
		unsigned char *nb = ngidx_realloc(s->buf, want * s->rec);
		if (!nb)
			return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		s->buf = nb;
		s->pos = want;
	}
	rec_copy(s->buf + s->n * s->rec, r, s->rec);
	s->n++;
	s->total++;
	return NGIDX_OK;
}

/* Fill run @r's buffer with its next records. @return 0 or an error. */
static int refill(const xsort *s, xsort_run *r, ngidx_error *err)
{
	size_t per = XSORT_RBUF / s->rec ? XSORT_RBUF / s->rec : 1;
	size_t want = (size_t)(r->left < per ? r->left : per) * s->rec, got = 0;
	ngidx_punch_read(r->fd, &r->punched, r->off, XSORT_PUNCH);
	while (got < want) {
		ssize_t k = read(r->fd, r->buf + got, want - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return ngidx_err_errno(err, errno, "cannot read '%s'", r->path);
		if (k == 0)
			return ERR_CORRUPT(err, "temporary file '%s' is truncated", r->path);
		got += (size_t)k;
	}
	XXH64_update(&r->h, r->buf, got);
	r->off += got;
	r->len = got;
	r->pos = 0;
	r->left -= got / s->rec;
	if (r->left == 0) {
		uint64_t sum;
		if (read(r->fd, &sum, 8) != 8 || sum != XXH64_digest(&r->h))
			return ERR_CORRUPT(err, "temporary file '%s' fails its checksum", r->path);
	}
	return NGIDX_OK;
}

static int run_less(const xsort *s, size_t a, size_t b)
{
	const xsort_run *x = &s->runs[a], *y = &s->runs[b];
	uint64_t kx = key_at(x->buf + x->pos) >> s->key_shift, ky = key_at(y->buf + y->pos) >> s->key_shift;
	int c = kx < ky ? -1 : kx > ky ? 1 : s->cmp ? s->cmp(x->buf + x->pos, y->buf + y->pos) : 0;
	return c < 0 || (c == 0 && a < b);
}

static void sift_down(xsort *s, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < s->nheap && run_less(s, s->heap[l], s->heap[m]))
			m = l;
		if (l + 1 < s->nheap && run_less(s, s->heap[l + 1], s->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		size_t t = s->heap[i];
		s->heap[i] = s->heap[m];
		s->heap[m] = t;
		i = m;
	}
}

int xsort_finish(xsort *s, ngidx_error *err)
{
	if (!s->nruns) {
		s->pos = 0;
		return sort_buf(s, err);
	}
	if (s->n)
		FORWARD_IF_ERROR(spill(s, err));
	ngidx_free(s->buf);
	s->buf = NULL;
	s->heap = ngidx_malloc(s->nruns * sizeof *s->heap);
	if (!s->heap)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	s->merging = 1;
	for (size_t i = 0; i < s->nruns; i++) {
		xsort_run *r = &s->runs[i];
		r->buf = ngidx_malloc(XSORT_RBUF > s->rec ? XSORT_RBUF : s->rec);
		if (!r->buf)
			return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		r->fd = open(r->path, O_RDWR | O_CLOEXEC);
		if (r->fd < 0)
			return ngidx_err_errno(err, errno, "cannot open '%s'", r->path);
		unsigned char hdr[24];
		if (read(r->fd, hdr, 24) != 24 || memcmp(hdr, XSORT_MAGIC, 8) ||
		    memcmp(hdr + 8, &(uint64_t){ s->rec }, 8) || memcmp(hdr + 16, &r->count, 8))
			return ERR_CORRUPT(err, "temporary file '%s' has a bad header", r->path);
		XXH64_reset(&r->h, 0);
		r->off = 24;
		r->left = r->count;
		if (r->count) {
			FORWARD_IF_ERROR(refill(s, r, err));
			s->heap[s->nheap++] = i;
		}
	}
	for (size_t i = s->nheap / 2; i-- > 0;)
		sift_down(s, i);
	s->pos = SIZE_MAX; /* nothing handed out yet */
	return NGIDX_OK;
}

int xsort_next(xsort *s, const void **out, ngidx_error *err)
{
	if (!s->merging) {
		if (s->pos >= s->n)
			return 0;
		*out = s->buf + s->pos++ * s->rec;
		return 1;
	}
	/* advance the run whose record was handed out last time */
	if (s->pos != SIZE_MAX && s->nheap) {
		xsort_run *r = &s->runs[s->heap[0]];
		r->pos += s->rec;
		if (r->pos >= r->len) {
			if (r->left) {
				int rc = refill(s, r, err);
				if (rc)
					return -rc;
			} else {
				s->heap[0] = s->heap[--s->nheap];
			}
		}
		sift_down(s, 0);
	}
	if (!s->nheap)
		return 0;
	s->pos = 0;
	xsort_run *r = &s->runs[s->heap[0]];
	*out = r->buf + r->pos;
	return 1;
}

void xsort_release(xsort *s)
{
	for (size_t i = 0; i < s->nruns; i++) {
		if (s->runs[i].fd >= 0)
			close(s->runs[i].fd);
		if (s->runs[i].path)
			unlink(s->runs[i].path);
		ngidx_free(s->runs[i].path);
		ngidx_free(s->runs[i].buf);
	}
	ngidx_free(s->runs);
	ngidx_free(s->heap);
	ngidx_free(s->buf);
	ngidx_free(s->dir);
	ngidx_free(s->name);
	memset(s, 0, sizeof *s);
}
