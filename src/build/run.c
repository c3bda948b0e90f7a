/*
 * run.c - reading sorted runs back (the writer is accum_spill in accum.c).
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

#include <string.h>

int run_file_open(run_file *r, const char *path, ngidx_error *err)
{
	memset(r, 0, sizeof *r);
	FORWARD_IF_ERROR(ngidx_map_file(&r->map, path, err));
	const unsigned char *p = r->map.p;
	size_t len = r->map.len;
	if (len < RUN_HEADER + RUN_FENCES * 8 + RUN_TRAILER || memcmp(p, RUN_MAGIC, 8) != 0)
		goto bad;
	int sum_ok = XXH64(p, len - 8, 0) == ngidx_le64(p + len - 8);
	ngidx_map_drop(&r->map, 0, len); /* the checksum read every page */
	if (!sum_ok)
		goto bad;
	r->nrec = ngidx_le64(p + len - 24);
	uint64_t foff = ngidx_le64(p + len - 16);
	if (foff != len - RUN_TRAILER - RUN_FENCES * 8)
		goto bad;
	for (size_t k = 0; k < RUN_FENCES; k++) {
		r->fence[k] = ngidx_le64(p + foff + 8 * k);
		if (r->fence[k] < RUN_HEADER || r->fence[k] > foff || (k && r->fence[k] < r->fence[k - 1]))
			goto bad;
	}
	if (r->fence[0] != RUN_HEADER || r->fence[RUN_FENCES - 1] != foff)
		goto bad;
	return NGIDX_OK;
bad:
	run_file_close(r);
	return ERR_CORRUPT(err, "temporary run '%s' is corrupt (was it modified during the build?)", path);
}

void run_file_close(run_file *r)
{
	ngidx_map_release(&r->map);
	memset(r, 0, sizeof *r);
}

void run_cursor_init(run_cursor *c, const run_file *f, unsigned lo, unsigned hi)
{
	memset(c, 0, sizeof *c);
	c->f = f;
	c->pos = (size_t)f->fence[lo];
	c->end = (size_t)f->fence[hi];
	c->dropped = c->pos;
}

int run_cursor_next(run_cursor *c, ngidx_error *err)
{
	if (c->pos >= c->end) {
		/* A run's last records stay mapped until the merge moves past
		 * their key; dropping them here keeps hundreds of small runs from
		 * adding up. */
		if (c->dropped < c->end)
			c->dropped = ngidx_map_drop(&c->f->map, c->dropped, c->end);
		return 0;
	}
	const unsigned char *base = c->f->map.p;
	const unsigned char *p = base + c->pos, *end = base + c->end;
	run_rec *r = &c->rec;
	uint64_t v;
	if (end - p < 9)
		goto bad;
	r->hash = ngidx_le64(p);
	r->n = p[8];
	p += 9;
	if (ngidx_varint_get(&p, end, &v) || v > (uint64_t)(end - p))
		goto bad;
	r->text = p;
	r->text_len = (size_t)v;
	p += v;
	if (ngidx_varint_get(&p, end, &r->df) || ngidx_varint_get(&p, end, &r->cf) ||
	    ngidx_varint_get(&p, end, &v) || v > (uint64_t)(end - p))
		goto bad;
	r->post = p;
	r->post_len = (size_t)v;
	p += v;
	c->pos = (size_t)(p - base);
	/* Keep the merge's resident memory small: what has been read leaves
	 * the resident set every RUN_DROP bytes (records still referenced
	 * fault back in from the page cache). */
	if (c->pos - c->dropped >= RUN_DROP)
		c->dropped = ngidx_map_drop(&c->f->map, c->dropped, c->pos - RUN_DROP);
	return 1;
bad:
	return -ERR_CORRUPT(err, "temporary run is corrupt at byte %zu", c->pos);
}
