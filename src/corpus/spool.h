/*
 * spool.h - private to corpus/: the text of a line too long to hold in
 * memory, written to an anonymous temporary file as it is read.
 *
 * Ownership: the spool owns its buffer and, until spool_take, its file.
 *
 * Two ways in: spool_put copies raw bytes (lines and text formats); a
 * jscan feeds a JSON Lines line through jscan_feed, which writes the body
 * of its text field, unescaped, to the spool and keeps the rest of the line
 * (with that value emptied to "") as a short "compact" line for the
 * ordinary parser. Either way the spooled bytes are checked for NUL bytes
 * and invalid UTF-8 on the way, across chunk boundaries.
 */
#ifndef NGIDX_CORPUS_SPOOL_H
#define NGIDX_CORPUS_SPOOL_H

#include <stddef.h>
#include <stdint.h>
#include "ngidx/errors.h"

typedef struct spool {
	int fd;                /* -1 when closed */
	uint64_t len;          /* bytes written (and buffered) */
	uint64_t bad;          /* offset of the first NUL or invalid byte, or
	                          UINT64_MAX */
	int bad_nul;           /* ... and whether it is a NUL */
	char *buf;             /* pending bytes; buf[0, hold) were held back as
	                          a possibly incomplete UTF-8 sequence */
	size_t n, cap;
	uint64_t flushed;      /* bytes written to fd */
} spool;

void spool_init(spool *s);
/* Open an anonymous file in @dir (NULL: $TMPDIR or /tmp). */
int spool_open(spool *s, const char *dir, ngidx_error *err);
int spool_put(spool *s, const void *p, size_t n, ngidx_error *err);
/* Write what is buffered; drop @trim bytes from the end first (a "\r"). */
int spool_finish(spool *s, size_t trim, ngidx_error *err);
/* Give the file away: @return its descriptor (the spool is closed). */
int spool_take(spool *s);
void spool_release(spool *s);

/* A JSON object line read in chunks (see above). */
typedef struct jscan {
	const char *field;     /* the text field's name (raw, unescaped form) */
	size_t field_len;
	/* the compact line */
	char *line;
	size_t len, cap;
	size_t value_off;      /* offset in line of the emptied value, or
	                          SIZE_MAX when none was spooled */
	uint64_t raw;          /* bytes of the real line fed so far */
	uint64_t value_raw;    /* raw offsets of the spooled value's quotes */
	uint64_t value_end;    /* (the closing one + 1) */
	const char *err;       /* a malformed string body: why ... */
	uint64_t err_off;      /* ... and where in the real line */
	/* private: the lexer state */
	int depth, in_str, esc, state;
	uint32_t u, hi;
	int nhex;
	int spooling, spooled;
	size_t key_start;
} jscan;

void jscan_init(jscan *j, const char *field, size_t field_len);
void jscan_release(jscan *j);
/* Start a new line. */
void jscan_reset(jscan *j);
/*
 * Feed the next @n bytes of the line. @return NGIDX_OK, NGIDX_ERR_INPUT
 * (j->err, j->err_off: the text field's string is malformed; stop feeding),
 * NGIDX_ERR_NOMEM, or an I/O error of the spool.
 */
int jscan_feed(jscan *j, spool *s, const char *p, size_t n, ngidx_error *err);

#endif
