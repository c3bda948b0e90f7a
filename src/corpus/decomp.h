/*
 * decomp.h - private to corpus/: a byte stream over a file descriptor that
 * is read as it is (raw) or decompressed on the fly (gzip, zstd).
 *
 * Ownership: the stream never owns the descriptor (the caller opens and
 * closes it); it owns its input buffer and the zlib/zstd contexts, which
 * are kept from one file to the next and freed by cstream_release.
 */
#ifndef NGIDX_CORPUS_DECOMP_H
#define NGIDX_CORPUS_DECOMP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum cstream_kind { CSTREAM_RAW = 0, CSTREAM_GZIP, CSTREAM_ZSTD };

/* Room for "corrupt gzip stream: <library message>". */
#define CSTREAM_WHY_MAX 160

typedef struct cstream {
	int fd;              /* the descriptor being read; not owned */
	int kind;            /* enum cstream_kind */
	int done;            /* the stream ended cleanly */
	int failed;          /* 0, or the NGIDX_ERR_* of the failure (sticky) */
	uint64_t out_total;  /* bytes delivered so far (after decompression) */
	char why[CSTREAM_WHY_MAX]; /* reason of the failure, lowercase */
	/* private */
	unsigned char *in;   /* compressed input, in[in_pos, in_len) unread */
	size_t in_cap, in_pos, in_len;
	int in_eof;          /* read() returned 0 */
	int at_boundary;     /* between two gzip members / zstd frames */
	int any_input;       /* at least one compressed byte was read */
	void *gz;            /* z_stream, created on the first .gz */
	int gz_ready;        /* inflateInit2 done on gz */
	void *zd;            /* ZSTD_DCtx, created on the first .zst */
} cstream;

/* Zero the stream; no allocation. */
void cstream_init(cstream *s);

/* Free the buffers and the decompression contexts; the stream may be
 * initialised again. */
void cstream_release(cstream *s);

/*
 * cstream_start - begin reading @fd as @kind, resetting any earlier state.
 * @return NGIDX_OK or NGIDX_ERR_NOMEM.
 */
int cstream_start(cstream *s, int fd, int kind);

/*
 * cstream_read - read up to @cap (> 0) bytes into @buf.
 * Returns as soon as some bytes are available (a pipe is never waited on
 * to fill the whole buffer), 0 at the clean end of the stream, -1 on
 * failure: then s->failed holds NGIDX_ERR_IO (read error) or
 * NGIDX_ERR_INPUT (corrupt or truncated compressed data), s->why the reason
 * and s->out_total the decompressed offset reached. Bytes decompressed
 * before a failure are always delivered first; the failure is sticky.
 * A truncated or empty compressed file is a failure ("truncated gzip
 * stream"); concatenated gzip members and zstd frames are one stream.
 * Cost: linear in the input; reads the descriptor in 256 KiB blocks.
 */
ssize_t cstream_read(cstream *s, void *buf, size_t cap);

#endif
