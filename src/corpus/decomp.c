/*
 * decomp.c - raw, gzip and zstd byte streams for the corpus readers.
 *
 * The readers above want one thing: "give me the next bytes of this file,
 * decompressed". cstream_read fills the caller's buffer directly, so raw
 * files cost one read() and no copy, and compressed files cost one
 * decompression pass from our 256 KiB input block into the caller's buffer.
 *
 * gzip (zlib, windowBits 15+16 so only the gzip wrapper is accepted): a
 * .gz file may hold several members one after the other (`cat a.gz b.gz`,
 * pigz, bgzip); when inflate reports Z_STREAM_END and input remains, the
 * inflater is reset and the next member continues the same byte stream.
 * Input that does not start a new member is a corrupt stream.
 *
 * zstd (streaming API): ZSTD_decompressStream walks from one frame to the
 * next by itself (skippable frames included); its return value is 0 exactly
 * when a frame has been completely decoded and flushed, which is how the
 * end of the input is told apart from a truncation.
 *
 * Truncation: when read() reports the end of the file and the decoder is not
 * at a member/frame boundary (or never saw a byte: an empty .gz is not a
 * gzip file), the stream fails with "truncated ... stream". Every byte the
 * decoder could produce before that point is delivered first, so a reader
 * keeps the complete lines it got; s->out_total then says how far the
 * decompressed stream went, which is the offset the messages quote.
 *
 * Latency: cstream_read returns as soon as it has produced something and
 * has no more buffered input, so a line reader on a pipe sees each line
 * when it arrives instead of waiting for a full buffer.
 *
 * Memory: zlib and zstd allocate through ngidx_malloc (zalloc hooks and
 * ZSTD_customMem), so allocation-failure tests reach them too. Their
 * contexts live as long as the stream and are reset per file.
 */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_createDCtx_advanced (custom allocator) */
#include "decomp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "common/err.h"
#include "common/mem.h"

/* Compressed input block. */
#define CSTREAM_IN_BLOCK ((size_t)256 * 1024)

static void *z_alloc(void *opaque, unsigned items, unsigned size)
{
	(void)opaque;
	return ngidx_calloc(items, size);
}

static void z_free(void *opaque, void *p)
{
	(void)opaque;
	ngidx_free(p);
}

static void *zs_alloc(void *opaque, size_t size)
{
	(void)opaque;
	return ngidx_malloc(size);
}

static void zs_free(void *opaque, void *p)
{
	(void)opaque;
	ngidx_free(p);
}

void cstream_init(cstream *s)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
}

void cstream_release(cstream *s)
{
	if (s->gz) {
		if (s->gz_ready)
			inflateEnd(s->gz);
		ngidx_free(s->gz);
	}
	if (s->zd)
		ZSTD_freeDCtx(s->zd);
	ngidx_free(s->in);
	cstream_init(s);
}

static int fail(cstream *s, int code, const char *why, const char *detail)
{
	s->failed = code;
	if (detail)
		snprintf(s->why, sizeof s->why, "%s: %s", why, detail);
	else
		snprintf(s->why, sizeof s->why, "%s", why);
	return -1;
}

int cstream_start(cstream *s, int fd, int kind)
{
	s->fd = fd;
	s->kind = kind;
	s->done = 0;
	s->failed = 0;
	s->out_total = 0;
	s->why[0] = '\0';
	s->in_pos = s->in_len = 0;
	s->in_eof = 0;
	s->at_boundary = 0;
	s->any_input = 0;
	if (kind == CSTREAM_RAW)
		return NGIDX_OK;
	if (!s->in) {
		s->in = ngidx_malloc(CSTREAM_IN_BLOCK);
		if (!s->in)
			return NGIDX_ERR_NOMEM;
		s->in_cap = CSTREAM_IN_BLOCK;
	}
	if (kind == CSTREAM_GZIP) {
		if (!s->gz) {
			z_stream *z = ngidx_calloc(1, sizeof *z);
			if (!z)
				return NGIDX_ERR_NOMEM;
			s->gz = z;
		}
		z_stream *z = s->gz;
		if (!s->gz_ready) {
			z->zalloc = z_alloc;
			z->zfree = z_free;
			z->opaque = NULL;
			z->next_in = NULL;
			z->avail_in = 0;
			if (inflateInit2(z, 15 + 16) != Z_OK)
				return NGIDX_ERR_NOMEM;
			s->gz_ready = 1;
		} else if (inflateReset(z) != Z_OK) {
			return NGIDX_ERR_NOMEM; /* cannot happen on a live stream */
		}
	} else {
		if (!s->zd) {
			ZSTD_customMem mem = { zs_alloc, zs_free, NULL };
			s->zd = ZSTD_createDCtx_advanced(mem);
			if (!s->zd)
				return NGIDX_ERR_NOMEM;
		} else {
			ZSTD_DCtx_reset(s->zd, ZSTD_reset_session_only);
		}
	}
	return NGIDX_OK;
}

/* One read() of compressed input; 0 or -1 (failure set). */
static int fill_input(cstream *s)
{
	ssize_t r;
	do
		r = read(s->fd, s->in, s->in_cap);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return fail(s, NGIDX_ERR_IO, "cannot read", strerror(errno));
	s->in_pos = 0;
	s->in_len = (size_t)r;
	if (r == 0)
		s->in_eof = 1;
	else
		s->any_input = 1;
	return 0;
}

static ssize_t read_raw(cstream *s, void *buf, size_t cap)
{
	ssize_t r;
	do
		r = read(s->fd, buf, cap);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return fail(s, NGIDX_ERR_IO, "cannot read", strerror(errno));
	if (r == 0)
		s->done = 1;
	return r;
}

/* Decompress into buf[0, cap); returns the bytes produced, 0 at the end,
 * -1 on failure (then nothing was produced in this call). */
static ssize_t read_gzip(cstream *s, unsigned char *buf, size_t cap)
{
	z_stream *z = s->gz;
	size_t produced = 0;
	for (;;) {
		if (s->in_pos == s->in_len && !s->in_eof && fill_input(s) < 0)
			break;
		if (s->in_pos == s->in_len && s->in_eof) {
			if (s->at_boundary && s->any_input) {
				s->done = 1;
				break;
			}
			/* zlib may still hold output for a full buffer */
		}
		if (s->at_boundary) {
			if (s->in_pos == s->in_len)
				continue; /* more input decides: member or end */
			inflateReset(z);
			s->at_boundary = 0;
		}
		size_t avail_in = s->in_len - s->in_pos;
		size_t room = cap - produced;
		uInt in_now = avail_in > UINT32_MAX ? UINT32_MAX : (uInt)avail_in;
		uInt out_now = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
		z->next_in = s->in + s->in_pos;
		z->avail_in = in_now;
		z->next_out = buf + produced;
		z->avail_out = out_now;
		int ret = inflate(z, Z_NO_FLUSH);
		size_t used = in_now - z->avail_in;
		size_t made = out_now - z->avail_out;
		s->in_pos += used;
		produced += made;
		if (ret == Z_STREAM_END) {
			s->at_boundary = 1;
		} else if (ret == Z_MEM_ERROR) {
			fail(s, NGIDX_ERR_NOMEM, "out of memory", NULL);
			break;
		} else if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT || ret == Z_STREAM_ERROR) {
			fail(s, NGIDX_ERR_INPUT, "corrupt gzip stream",
			     z->msg ? z->msg : "invalid data");
			break;
		} else if (ret == Z_BUF_ERROR || (used == 0 && made == 0)) {
			/* no progress: out of room, or out of input */
			if (produced == cap)
				break;
			if (s->in_eof && s->in_pos == s->in_len) {
				fail(s, NGIDX_ERR_INPUT, "truncated gzip stream", NULL);
				break;
			}
			if (s->in_pos < s->in_len && NGIDX_NEVER(used == 0 && made == 0)) {
				/* input and room but no progress: never loop on it */
				fail(s, NGIDX_ERR_INPUT, "corrupt gzip stream", "no progress");
				break;
			}
		}
		if (produced == cap)
			break;
		if (produced > 0 && s->in_pos == s->in_len)
			break; /* deliver now rather than block on the next read */
	}
	s->out_total += produced;
	if (produced > 0)
		return (ssize_t)produced;
	return s->failed ? -1 : 0;
}

static ssize_t read_zstd(cstream *s, unsigned char *buf, size_t cap)
{
	size_t produced = 0;
	for (;;) {
		if (s->in_pos == s->in_len && !s->in_eof && fill_input(s) < 0)
			break;
		ZSTD_inBuffer in = { s->in, s->in_len, s->in_pos };
		ZSTD_outBuffer out = { buf, cap, produced };
		size_t ret = ZSTD_decompressStream(s->zd, &out, &in);
		size_t used = in.pos - s->in_pos;
		size_t made = out.pos - produced;
		s->in_pos = in.pos;
		produced = out.pos;
		if (ZSTD_isError(ret)) {
			if (ZSTD_getErrorCode(ret) == ZSTD_error_memory_allocation)
				fail(s, NGIDX_ERR_NOMEM, "out of memory", NULL);
			else
				fail(s, NGIDX_ERR_INPUT, "corrupt zstd stream",
				     ZSTD_getErrorName(ret));
			break;
		}
		/* 0: a frame is complete and flushed. A call that made no
		 * progress says nothing new (with no input it returns the size
		 * of a frame header), so it keeps the previous state. */
		if (used || made)
			s->at_boundary = ret == 0;
		if (produced == cap)
			break;
		if (!used && !made) {
			if (s->in_eof && s->in_pos == s->in_len) {
				if (s->at_boundary && s->any_input)
					s->done = 1;
				else
					fail(s, NGIDX_ERR_INPUT, "truncated zstd stream", NULL);
				break;
			}
			if (NGIDX_NEVER(s->in_pos < s->in_len)) {
				fail(s, NGIDX_ERR_INPUT, "corrupt zstd stream", "no progress");
				break;
			}
		}
		if (produced > 0 && s->in_pos == s->in_len)
			break;
	}
	s->out_total += produced;
	if (produced > 0)
		return (ssize_t)produced;
	return s->failed ? -1 : 0;
}

ssize_t cstream_read(cstream *s, void *buf, size_t cap)
{
	if (s->failed)
		return -1;
	if (s->done || cap == 0)
		return 0;
	if (cap > (size_t)SSIZE_MAX)
		cap = (size_t)SSIZE_MAX;
	switch (s->kind) {
	case CSTREAM_GZIP:
		return read_gzip(s, buf, cap);
	case CSTREAM_ZSTD:
		return read_zstd(s, buf, cap);
	default: {
		ssize_t r = read_raw(s, buf, cap);
		if (r > 0)
			s->out_total += (uint64_t)r;
		return r;
	}
	}
}
