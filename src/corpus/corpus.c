/*
 * corpus.c - the corpus reader: inputs in, documents out, one at a time.
 *
 * Layers, bottom up:
 *   walk.c     which files, in which order, under which names;
 *   decomp.c   the bytes of one file, decompressed (raw, .gz, .zst);
 *   this file  splitting the bytes into documents (text, lines, jsonl),
 *              checking them, reporting and counting what is wrong;
 *   jsonl.c    the JSON object of one line.
 *
 * Streaming. Line-oriented files are never loaded whole: one buffer,
 * buf[0, cap), holds unread bytes in buf[start, end). A line is found with
 * memchr from `scan`, the point up to which the buffer is already known to
 * hold no newline, so a long line is searched once, not once per refill.
 * When no newline is left, the partial line is moved to the front (it is
 * shorter than a line, so the copy is bounded by the input) and the rest of
 * the buffer is filled with the next read. The buffer starts at 1 MiB and
 * grows (x1.5, through ngidx_grow) only while a single line does not fit:
 * memory is about 1.5 times the longest line plus 1 MiB, and it is kept for
 * the next file. Every byte is thus read once, searched once for '\n',
 * moved at most once plus the amortised cost of growth: linear time.
 * Lines end at "\n"; a "\r" just before it is dropped, so CRLF files read
 * like LF ones; a last line without a newline is a line. A UTF-8 byte order
 * mark at the start of a file is dropped in every format.
 *
 * The text format reads the whole file as one document into the same
 * buffer, sized from fstat when the file is a plain regular file, grown
 * geometrically otherwise (pipes, stdin, compressed files).
 *
 * Documents point into that buffer (or into the JSON parser's scratch, or
 * into the name buffer), which is why a document is only valid until the
 * next call: nothing is copied per document but the name of a
 * line-oriented one ("NAME:LINE").
 *
 * Checks and messages. Every problem is one message, passed to opts->warn,
 * or, with opts->strict, turned into the error that ends the read (and is
 * then not passed to warn). Forms:
 *     FILE:LINE: reason              a problem of one document
 *     FILE: byte OFFSET: reason      a read or decompression failure
 *     cannot open 'FILE': strerror   an input that cannot be opened
 * where FILE is the path as opened (input root joined with the relative
 * name), LINE counts from 1 and every OFFSET is 0-based within the file
 * (the decompressed stream for .gz/.zst), not within the line, so that
 * `tail -c +$((OFFSET+1))` finds it. At most one message per document: a
 * kept document with several problems (invalid UTF-8, invalid date, an id
 * that is neither string nor number) gets them joined with "; ".
 *
 * Outcomes and counters:
 *   - an input or directory that cannot be opened or listed, a read error,
 *     a corrupt or truncated compressed stream: skipped_files (the
 *     documents completed before a mid-file failure are kept; the partial
 *     line at the failure is dropped; a text-format file yields nothing);
 *     strict: NGIDX_ERR_IO for open/read errors, NGIDX_ERR_INPUT for bad
 *     compressed data;
 *   - malformed JSON, no text field, text not a string: skipped_docs;
 *   - invalid UTF-8 or NUL (first bad byte quoted): bad_utf8, document
 *     kept; the whole line is checked for jsonl (a bad byte in an ignored
 *     nested string counts too), the text for text and lines;
 *   - invalid date: document kept with date 0; no counter; id of another
 *     type than string or number (null is as if absent): document kept,
 *     named NAME:LINE; no counter;
 *   - a directory loop, or a fifo/socket/device inside a directory: a
 *     message only, never fatal, not counted (nothing bad was read).
 * After a strict error or NGIDX_ERR_NOMEM the handle is finished: every
 * later call returns the same error.
 */
#include "corpus.h"
#include "ngidx/build.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "common/err.h"
#include "common/mem.h"
#include "corpus/decomp.h"
#include "corpus/jsonl.h"
#include "corpus/spool.h"
#include "corpus/walk.h"
#include "text/analyze.h"

/* Read size of line-oriented files; the buffer's initial capacity. */
#define CORPUS_CHUNK ((size_t)1 << 20)
/* Longest message handed to opts->warn (paths can be long). */
#define CORPUS_MSG_MAX 4096
/* Problems of one kept document, joined. */
#define CORPUS_PROB_MAX 512
/* Bytes of a bad date quoted in a message. */
#define CORPUS_QUOTE_MAX 40

enum { FLD_TEXT = 0, FLD_ID, FLD_DATE };

struct ngidx_corpus {
	ngidx_corpus_opts o;
	char **inputs;           /* copies, in one block with the field names */
	size_t ninputs;
	char *strs;
	const char *fld[3];      /* text, id and date field names */
	size_t fld_len[3];
	ngidx_walk walk;
	ngidx_corpus_stats st;
	int failed;              /* sticky error code */
	ngidx_error fail;        /* ... and its message */

	/* The file being read. */
	int open;
	int fd, close_fd;
	int fmt;                 /* NGIDX_FMT_TEXT, _LINES or _JSONL */
	int comp;                /* enum cstream_kind */
	const char *path;        /* owned by the walker until the next file */
	const char *name;
	size_t name_len;
	int text_done;
	int eof;                 /* the stream ended or failed (reported) */
	uint64_t line;
	cstream cs;

	/* Unread bytes are buf[start, end); buf[scan, end) not yet searched. */
	char *buf;
	size_t cap, start, end, scan;
	uint64_t buf_off;        /* file offset of buf[0] */

	char *nbuf;              /* "NAME:" then the line number */
	size_t nbuf_cap, nbuf_prefix;
	ngidx_meta_field *meta;
	size_t meta_cap;
	jsonl_parser jp;
	spool sp;                /* the text of a long line */
	jscan js;                /* ... and the rest of it, for jsonl */
	char msg[CORPUS_MSG_MAX];
};

/* ---------------------------------------------------------------- messages */

static int fail_now(ngidx_corpus *c, int code, ngidx_error *err)
{
	c->failed = code;
	ngidx_err_set(&c->fail, code, "%s", c->msg);
	if (err)
		*err = c->fail;
	return code;
}

/*
 * Report a problem. @code is what it becomes under strict (0: never fatal).
 * @return 0 to go on, or the error code that ends the read.
 */
NGIDX_PRINTF(4, 5)
static int report(ngidx_corpus *c, int code, ngidx_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof c->msg, fmt, ap);
	va_end(ap);
	if (code && c->o.strict)
		return fail_now(c, code, err);
	if (c->o.warn)
		c->o.warn(c->o.warn_ctx, c->msg);
	return 0;
}

static int nomem(ngidx_corpus *c, ngidx_error *err)
{
	snprintf(c->msg, sizeof c->msg, "out of memory reading '%s'",
	         c->open ? c->path : "the corpus");
	return fail_now(c, NGIDX_ERR_NOMEM, err);
}

/* Problems of one kept document, joined with "; ". */
typedef struct probs {
	char s[CORPUS_PROB_MAX];
	size_t n;
} probs;

NGIDX_PRINTF(2, 3)
static void prob_add(probs *p, const char *fmt, ...)
{
	if (p->n + 3 >= sizeof p->s)
		return;
	if (p->n) {
		memcpy(p->s + p->n, "; ", 3);
		p->n += 2;
	}
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(p->s + p->n, sizeof p->s - p->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		p->n += (size_t)k < sizeof p->s - p->n ? (size_t)k : sizeof p->s - p->n - 1;
}

/* A value quoted in a message: at most CORPUS_QUOTE_MAX bytes, cut on a
 * character boundary, control characters shown as '?'. */
static const char *quote(char *out, const char *s, size_t n)
{
	size_t k = n;
	if (k > CORPUS_QUOTE_MAX) {
		k = CORPUS_QUOTE_MAX;
		while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
	}
	for (size_t i = 0; i < k; i++) {
		const unsigned char b = (unsigned char)s[i];
		out[i] = b < 0x20 || b == 0x7f ? '?' : (char)b;
	}
	if (k < n)
		memcpy(out + k, "...", 4);
	else
		out[k] = '\0';
	return out;
}

/*
 * The first NUL or invalid UTF-8 byte of p[0, n): its offset, or n.
 * *@nul says which. NUL is valid UTF-8, so the UTF-8 scan stops at the
 * first NUL and whichever comes first is the one reported.
 */
static size_t first_bad(const char *p, size_t n, int *nul)
{
	const char *z = memchr(p, 0, n);
	const size_t lim = z ? (size_t)(z - p) : n;
	const size_t u = ngidx_utf8_check(p, lim);
	*nul = u == lim && z;
	return u;
}

static const char *bad_what(int nul)
{
	return nul ? "nul byte" : "invalid utf-8";
}

/* ------------------------------------------------------------------- files */

static int has_suffix(const char *s, size_t n, const char *suf)
{
	const size_t k = strlen(suf);
	return n >= k && strncasecmp(s + n - k, suf, k) == 0;
}

static void close_file(ngidx_corpus *c)
{
	if (c->open && c->close_fd)
		close(c->fd);
	c->open = 0;
	c->fd = -1;
}

/* Begin reading a file or stdin; a file that cannot be opened is reported. */
static int start_file(ngidx_corpus *c, const walk_item *it, ngidx_error *err)
{
	size_t n = strlen(it->path);
	int comp = CSTREAM_RAW, fmt = c->o.format;
	if (it->kind == WALK_STDIN) {
		c->fd = STDIN_FILENO;
		c->close_fd = 0;
	} else {
		if (has_suffix(it->path, n, ".gz")) {
			comp = CSTREAM_GZIP;
			n -= 3;
		} else if (has_suffix(it->path, n, ".zst")) {
			comp = CSTREAM_ZSTD;
			n -= 4;
		}
		int fd;
		do
			fd = open(it->path, O_RDONLY | O_CLOEXEC);
		while (fd < 0 && errno == EINTR);
		if (fd < 0) {
			c->st.skipped_files++;
			return report(c, NGIDX_ERR_IO, err, "cannot open '%s': %s",
			              it->path, strerror(errno));
		}
		c->fd = fd;
		c->close_fd = 1;
	}
	if (fmt == NGIDX_FMT_AUTO)
		fmt = it->kind != WALK_STDIN && (has_suffix(it->path, n, ".jsonl") ||
		                                 has_suffix(it->path, n, ".ndjson"))
		              ? NGIDX_FMT_JSONL
		              : NGIDX_FMT_TEXT;
	c->open = 1;
	c->fmt = fmt;
	c->comp = comp;
	c->path = it->path;
	c->name = it->name;
	c->name_len = it->name_len;
	c->text_done = 0;
	c->eof = 0;
	c->line = 0;
	c->start = c->end = c->scan = 0;
	c->buf_off = 0;
	c->st.files++;
	if (cstream_start(&c->cs, c->fd, comp) != NGIDX_OK)
		return nomem(c, err);
	if (fmt != NGIDX_FMT_TEXT) {
		c->nbuf_prefix = c->name_len + 1;
		if (NGIDX_RESERVE(c->nbuf, c->nbuf_cap, c->nbuf_prefix + 24))
			return nomem(c, err);
		memcpy(c->nbuf, c->name, c->name_len);
		c->nbuf[c->name_len] = ':';
	}
	return NGIDX_OK;
}

/* A read or decompression failure: reported once; the file ends here. */
static int stream_failed(ngidx_corpus *c, ngidx_error *err)
{
	if (c->cs.failed == NGIDX_ERR_NOMEM)
		return nomem(c, err);
	c->st.skipped_files++;
	return report(c, c->cs.failed, err, "%s: byte %" PRIu64 ": %s", c->path,
	              c->cs.out_total, c->cs.why);
}

/*
 * Read more of the file after buf[end], first moving the unread bytes to
 * the front and making sure at least @min_free bytes are free. Sets eof at
 * the end of the stream or on a (reported) failure.
 * @return 0 or the error code that ends the read.
 */
static int fill(ngidx_corpus *c, size_t min_free, ngidx_error *err)
{
	if (c->start > 0) {
		memmove(c->buf, c->buf + c->start, c->end - c->start);
		c->end -= c->start;
		c->scan -= c->start;
		c->buf_off += c->start;
		c->start = 0;
	}
	if (c->cap - c->end < min_free) {
		void *p = c->buf;
		if (ngidx_grow(&p, &c->cap, c->end + CORPUS_CHUNK, 1) != NGIDX_OK)
			return nomem(c, err);
		c->buf = p;
	}
	const ssize_t r = cstream_read(&c->cs, c->buf + c->end, c->cap - c->end);
	if (r > 0) {
		c->end += (size_t)r;
		c->st.bytes += (uint64_t)r;
		return 0;
	}
	c->eof = 1;
	return r == 0 ? 0 : stream_failed(c, err);
}

/*
 * The next line of the file, without its "\n" or "\r\n".
 * @return 1 with a line, 0 at the end of the file (*@rc is then 0 or the
 *         error that ends the read), or 2 when the line, from buf[start],
 *         is longer than opts.long_doc: then read it with long_line.
 */
static int next_line(ngidx_corpus *c, const char **lp, size_t *ll, uint64_t *loff,
                     int *rc, ngidx_error *err)
{
	size_t s, e;
	*rc = 0;
	for (;;) {
		const char *nl = c->scan < c->end
		                         ? memchr(c->buf + c->scan, '\n', c->end - c->scan)
		                         : NULL;
		if (nl && (size_t)(nl - c->buf) - c->start > c->o.long_doc)
			return 2;
		if (nl) {
			s = c->start;
			e = (size_t)(nl - c->buf);
			c->start = c->scan = e + 1;
			if (e > s && c->buf[e - 1] == '\r')
				e--;
			break;
		}
		c->scan = c->end;
		if (c->end - c->start > c->o.long_doc)
			return 2;
		if (c->eof) {
			if (c->start == c->end || c->cs.failed) {
				c->start = c->scan = c->end; /* a cut line is dropped */
				return 0;
			}
			s = c->start; /* the last line has no newline */
			e = c->end;
			c->start = c->scan = c->end;
			break;
		}
		if ((*rc = fill(c, CORPUS_CHUNK / 2, err)) != 0)
			return 0;
	}
	c->line++;
	if (c->buf_off + s == 0 && e - s >= 3 && memcmp(c->buf + s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	*lp = c->buf + s;
	*ll = e - s;
	*loff = c->buf_off + s;
	return 1;
}

/*
 * Read the long line that begins at buf[start] to its end, feeding it to
 * the spool: raw, or through the jscan for jsonl. c->buf stays one chunk.
 * @return 1 with the line read (*@bad: its text field is malformed, with
 *         c->js.err), 0 when the stream failed in the middle of it (the cut
 *         line is dropped, as next_line drops one), or an error code < 0
 *         negated that ends the read.
 */
static int long_line(ngidx_corpus *c, int json, int *bad, ngidx_error *err)
{
	ngidx_error e = { 0 };
	*bad = 0;
	c->line++;
	int rc = spool_open(&c->sp, c->o.tmpdir, &e);
	if (json)
		jscan_reset(&c->js);
	if (!rc && c->buf_off + c->start == 0 && c->end - c->start >= 3 &&
	    memcmp(c->buf + c->start, "\xef\xbb\xbf", 3) == 0)
		c->start += 3;
	char last = 0;
	const char *nl;
	for (;;) {
		nl = memchr(c->buf + c->start, '\n', c->end - c->start);
		size_t e0 = nl ? (size_t)(nl - c->buf) : c->end;
		if (!rc && !*bad && e0 > c->start) {
			if (json)
				rc = jscan_feed(&c->js, &c->sp, c->buf + c->start, e0 - c->start, &e);
			else
				rc = spool_put(&c->sp, c->buf + c->start, e0 - c->start, &e);
			if (rc == NGIDX_ERR_INPUT) {
				*bad = 1;
				rc = 0;
			}
			last = c->buf[e0 - 1];
		}
		c->start = c->scan = nl ? e0 + 1 : c->end;
		if (nl || c->eof)
			break;
		int r = fill(c, CORPUS_CHUNK / 2, err);
		if (r)
			return -r;
	}
	if (c->cs.failed)
		return 0;
	if (!rc && !json) /* "\r\n" ends a line, a last "\r" is kept */
		rc = spool_finish(&c->sp, nl && last == '\r', &e);
	else if (!rc)
		rc = spool_finish(&c->sp, 0, &e);
	if (rc) {
		snprintf(c->msg, sizeof c->msg, "%s:%" PRIu64 ": %s", c->path, c->line, e.msg);
		return -fail_now(c, rc, err);
	}
	return 1;
}

/* "NAME:LINE" in nbuf. */
static void line_name(ngidx_corpus *c, ngidx_doc_in *doc)
{
	char digits[24];
	size_t k = 0;
	uint64_t v = c->line;
	do {
		digits[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	char *d = c->nbuf + c->nbuf_prefix;
	while (k)
		*d++ = digits[--k];
	*d = '\0';
	doc->name = c->nbuf;
	doc->name_len = (size_t)(d - c->nbuf);
}

static void doc_base(const ngidx_corpus *c, ngidx_doc_in *doc)
{
	doc->text_fd = -1;
	doc->date = 0;
	doc->meta = NULL;
	doc->nmeta = 0;
	doc->file = c->path;
	doc->line = c->line;
}

/* ----------------------------------------------------------------- formats */

/* A long line or text file, spooled: it is the document's text. */
static void spooled_text(ngidx_corpus *c, ngidx_doc_in *doc, uint64_t *bad, int *nul)
{
	doc->text = NULL;
	doc->text_len = (size_t)c->sp.len;
	*bad = c->sp.bad;
	*nul = c->sp.bad_nul;
	doc->text_fd = spool_take(&c->sp);
}

static int read_text(ngidx_corpus *c, ngidx_doc_in *doc, int *got, ngidx_error *err)
{
	if (c->text_done)
		return 0;
	c->text_done = 1;
	size_t min_free = CORPUS_CHUNK / 2;
	struct stat st;
	if (c->comp == CSTREAM_RAW && fstat(c->fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size <= c->o.long_doc) {
		/* the exact size, and one byte to see the end without growing */
		if (NGIDX_RESERVE(c->buf, c->cap, (size_t)st.st_size + 1))
			return nomem(c, err);
		min_free = 1;
	}
	/* A file longer than long_doc goes to the spool as it is read. */
	int is_long = 0, rc = 0;
	ngidx_error e = { 0 };
	for (;;) {
		if (!is_long && c->end - c->start > c->o.long_doc) {
			is_long = 1;
			c->line = 1;
			rc = spool_open(&c->sp, c->o.tmpdir, &e);
			if (!rc && c->end >= 3 && memcmp(c->buf, "\xef\xbb\xbf", 3) == 0)
				c->start = 3;
		}
		if (is_long && !rc) {
			rc = spool_put(&c->sp, c->buf + c->start, c->end - c->start, &e);
			c->start = c->scan = c->end;
		}
		if (c->eof || rc)
			break;
		FORWARD_IF_ERROR(fill(c, min_free, err));
	}
	if (is_long && !rc)
		rc = spool_finish(&c->sp, 0, &e);
	if (rc) {
		snprintf(c->msg, sizeof c->msg, "%s: %s", c->path, e.msg);
		return fail_now(c, rc, err);
	}
	if (c->cs.failed)
		return 0; /* reported; nothing of the file is kept */
	c->line = 1;
	doc_base(c, doc);
	doc->name = c->name;
	doc->name_len = c->name_len;
	size_t s = 0;
	uint64_t bad;
	int nul;
	if (is_long) {
		s = 3 * (c->sp.len + 3 == c->cs.out_total);
		spooled_text(c, doc, &bad, &nul);
	} else {
		if (c->end >= 3 && memcmp(c->buf, "\xef\xbb\xbf", 3) == 0)
			s = 3;
		doc->text = c->buf + s;
		doc->text_len = c->end - s;
		bad = first_bad(doc->text, doc->text_len, &nul);
	}
	if (bad < doc->text_len) {
		c->st.bad_utf8++;
		rc = report(c, NGIDX_ERR_INPUT, err, "%s: %s at byte %" PRIu64, c->path,
		            bad_what(nul), bad + s);
		if (rc) {
			if (doc->text_fd >= 0)
				close(doc->text_fd);
			return rc;
		}
	}
	c->st.docs++;
	*got = 1;
	return 0;
}

static int read_lines(ngidx_corpus *c, ngidx_doc_in *doc, int *got, ngidx_error *err)
{
	const char *lp = NULL;
	size_t ll = 0;
	uint64_t loff = 0, bad;
	int rc, nul, r, is_long = 0;
	while ((r = next_line(c, &lp, &ll, &loff, &rc, err)) == 2) {
		int jbad;
		loff = c->buf_off + c->start;
		r = long_line(c, 0, &jbad, err);
		if (r < 0)
			return -r;
		if ((is_long = r == 1))
			break;
	}
	if (!r)
		return rc;
	doc_base(c, doc);
	line_name(c, doc);
	if (is_long) {
		spooled_text(c, doc, &bad, &nul);
		ll = doc->text_len;
	} else {
		doc->text = lp;
		doc->text_len = ll;
		bad = first_bad(lp, ll, &nul);
	}
	if (bad < ll) {
		c->st.bad_utf8++;
		rc = report(c, NGIDX_ERR_INPUT, err, "%s:%" PRIu64 ": %s at byte %" PRIu64, c->path,
		            c->line, bad_what(nul), loff + bad);
		if (rc) {
			if (doc->text_fd >= 0)
				close(doc->text_fd);
			return rc;
		}
	}
	c->st.docs++;
	*got = 1;
	return 0;
}

static int is_field(const ngidx_corpus *c, const jsonl_field *f, int which)
{
	return f->key_len == c->fld_len[which] && memcmp(f->key, c->fld[which], f->key_len) == 0;
}

static int is_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

/* The offset in the real line of byte @off of the line parsed: a long
 * line's compact form lacks the body of the spooled string. */
static uint64_t raw_off(const ngidx_corpus *c, int is_long, size_t off)
{
	if (!is_long || c->js.value_off == SIZE_MAX || off <= c->js.value_off)
		return off;
	return off + (c->js.value_end - c->js.value_raw - 2);
}

static int read_jsonl(ngidx_corpus *c, ngidx_doc_in *doc, int *got, ngidx_error *err)
{
	const char *lp;
	size_t ll;
	uint64_t loff;
	int rc;
	jsonl_parser *jp = &c->jp;
	for (;;) {
		int r = next_line(c, &lp, &ll, &loff, &rc, err), is_long = r == 2;
		if (!r)
			return rc;
		if (is_long) {
			int jbad;
			loff = c->buf_off + c->start;
			r = long_line(c, 1, &jbad, err);
			if (r < 0)
				return -r;
			if (!r)
				continue;
			if (jbad) {
				c->st.skipped_docs++;
				FORWARD_IF_ERROR(report(c, NGIDX_ERR_INPUT, err,
				                        "%s:%" PRIu64 ": malformed json at byte %" PRIu64
				                        ": %s", c->path, c->line, loff + c->js.err_off,
				                        c->js.err));
				continue;
			}
			lp = c->js.line;
			ll = c->js.len;
		}
		if (is_blank(lp, ll))
			continue;
		rc = jsonl_parse(jp, lp, ll);
		if (rc == NGIDX_ERR_NOMEM)
			return nomem(c, err);
		if (rc != NGIDX_OK) {
			c->st.skipped_docs++;
			FORWARD_IF_ERROR(report(c, NGIDX_ERR_INPUT, err,
			                        "%s:%" PRIu64 ": malformed json at byte %" PRIu64 ": %s",
			                        c->path, c->line,
			                        loff + raw_off(c, is_long, jp->err_off), jp->err));
			continue;
		}
		if (jsonl_dedupe(jp) != NGIDX_OK)
			return nomem(c, err);
		const jsonl_field *fld[3] = { NULL, NULL, NULL };
		size_t nmeta = 0;
		for (size_t i = 0; i < jp->nfields; i++) {
			const jsonl_field *f = &jp->fields[i];
			if (f->shadowed)
				continue;
			if (is_field(c, f, FLD_TEXT))
				fld[FLD_TEXT] = f;
			else if (is_field(c, f, FLD_ID))
				fld[FLD_ID] = f;
			else if (is_field(c, f, FLD_DATE))
				fld[FLD_DATE] = f;
			else if (f->type <= JSONL_FALSE)
				nmeta++;
		}
		const jsonl_field *t = fld[FLD_TEXT];
		if (!t || t->type != JSONL_STRING) {
			c->st.skipped_docs++;
			FORWARD_IF_ERROR(report(c, NGIDX_ERR_INPUT, err,
			                        t ? "%s:%" PRIu64 ": field '%s' is not a string"
			                          : "%s:%" PRIu64 ": object has no field '%s'",
			                        c->path, c->line, c->fld[FLD_TEXT]));
			continue;
		}
		probs pr = { .n = 0 };
		pr.s[0] = '\0';
		doc_base(c, doc);
		doc->text = t->val;
		doc->text_len = t->val_len;

		const jsonl_field *id = fld[FLD_ID];
		if (id && (id->type == JSONL_STRING || id->type == JSONL_NUMBER)) {
			doc->name = id->val;
			doc->name_len = id->val_len;
		} else {
			line_name(c, doc);
			if (id && id->type != JSONL_NULL)
				prob_add(&pr, "field '%s' is not a string or number", c->fld[FLD_ID]);
		}

		const jsonl_field *dt = fld[FLD_DATE];
		if (dt && (dt->type == JSONL_STRING || dt->type == JSONL_NUMBER)) {
			if (ngidx_parse_date(dt->val, dt->val_len, &doc->date) != 0) {
				char q[CORPUS_QUOTE_MAX + 4];
				doc->date = 0;
				prob_add(&pr, "invalid date '%s'", quote(q, dt->val, dt->val_len));
			}
		} else if (dt && dt->type != JSONL_NULL) {
			prob_add(&pr, "field '%s' is not a string", c->fld[FLD_DATE]);
		}

		int nul;
		size_t bad = first_bad(lp, ll, &nul);
		if (jp->nul_off < bad) {
			bad = jp->nul_off;
			nul = 1;
		}
		/* A long line's text field, when spooled, is the document. */
		int spooled = is_long && t->val_off == c->js.value_off;
		int sbad = is_long && c->js.value_off != SIZE_MAX && c->sp.bad < c->sp.len;
		if (bad < ll || sbad) {
			c->st.bad_utf8++;
			if (bad < ll)
				prob_add(&pr, "%s at byte %" PRIu64, bad_what(nul),
				         loff + raw_off(c, is_long, bad));
			else
				prob_add(&pr, "%s at byte %" PRIu64 " of field '%s'",
				         bad_what(c->sp.bad_nul), c->sp.bad, c->fld[FLD_TEXT]);
		}
		if (pr.n)
			FORWARD_IF_ERROR(report(c, NGIDX_ERR_INPUT, err, "%s:%" PRIu64 ": %s",
			                        c->path, c->line, pr.s));
		if (spooled) {
			uint64_t at;
			int snul;
			spooled_text(c, doc, &at, &snul);
		}

		if (NGIDX_RESERVE(c->meta, c->meta_cap, nmeta))
			return nomem(c, err);
		size_t k = 0;
		for (size_t i = 0; i < jp->nfields && k < nmeta; i++) {
			const jsonl_field *f = &jp->fields[i];
			if (f->shadowed || f->type > JSONL_FALSE || f == fld[FLD_TEXT] ||
			    f == fld[FLD_ID] || f == fld[FLD_DATE])
				continue;
			c->meta[k++] = (ngidx_meta_field){ f->key, f->key_len, f->val, f->val_len,
			                                   f->type == JSONL_STRING };
		}
		doc->meta = nmeta ? c->meta : NULL;
		doc->nmeta = nmeta;
		c->st.docs++;
		*got = 1;
		return 0;
	}
}

/* ------------------------------------------------------------------ public */

int ngidx_corpus_open(ngidx_corpus **out, const char *const *inputs, size_t n,
                      const ngidx_corpus_opts *o, ngidx_error *err)
{
	static const ngidx_corpus_opts defaults = { 0 };
	static const char *const names[3] = { "text", "id", "date" };
	if (!out)
		return ngidx_err_set(err, NGIDX_ERR_ARG, "corpus: no output handle");
	*out = NULL;
	if (!o)
		o = &defaults;
	RETURN_ERROR_IF(o->format < NGIDX_FMT_AUTO || o->format > NGIDX_FMT_JSONL, err,
	                NGIDX_ERR_ARG, "corpus: unknown format %d", o->format);
	RETURN_ERROR_IF(n && !inputs, err, NGIDX_ERR_ARG, "corpus: no inputs");
	const char *fld[3] = { o->text_field, o->id_field, o->date_field };
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		RETURN_ERROR_IF(!inputs[i] || !inputs[i][0], err, NGIDX_ERR_ARG,
		                "corpus: input %zu is an empty path", i + 1);
		total += strlen(inputs[i]) + 1;
	}
	for (int k = 0; k < 3; k++) {
		if (!fld[k])
			fld[k] = names[k];
		total += strlen(fld[k]) + 1;
	}
	if (o->strict) {
		for (size_t i = 0; i < n; i++) {
			struct stat st;
			if (strcmp(inputs[i], "-") != 0 && stat(inputs[i], &st) != 0)
				return ngidx_err_errno(err, errno, "cannot open '%s'", inputs[i]);
		}
	}

	ngidx_corpus *c = ngidx_calloc(1, sizeof *c);
	if (!c)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	c->fd = -1;
	cstream_init(&c->cs);
	jsonl_init(&c->jp);
	spool_init(&c->sp);
	c->o = *o;
	if (!c->o.long_doc)
		c->o.long_doc = NGIDX_CORPUS_LONG;
	c->strs = ngidx_malloc(total);
	c->inputs = ngidx_calloc(n ? n : 1, sizeof *c->inputs);
	if (!c->strs || !c->inputs) {
		ngidx_corpus_free(c);
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	}
	char *s = c->strs;
	for (size_t i = 0; i < n; i++) {
		const size_t k = strlen(inputs[i]) + 1;
		c->inputs[i] = memcpy(s, inputs[i], k);
		s += k;
	}
	for (int k = 0; k < 3; k++) {
		c->fld_len[k] = strlen(fld[k]);
		c->fld[k] = memcpy(s, fld[k], c->fld_len[k] + 1);
		s += c->fld_len[k] + 1;
	}
	c->o.text_field = c->fld[FLD_TEXT];
	c->o.id_field = c->fld[FLD_ID];
	c->o.date_field = c->fld[FLD_DATE];
	jscan_init(&c->js, c->fld[FLD_TEXT], c->fld_len[FLD_TEXT]);
	c->ninputs = n;
	walk_init(&c->walk, c->inputs, n);
	*out = c;
	return NGIDX_OK;
}

static int read_doc(ngidx_corpus *c, ngidx_doc_in *doc, int *got, ngidx_error *err)
{
	switch (c->fmt) {
	case NGIDX_FMT_LINES:
		return read_lines(c, doc, got, err);
	case NGIDX_FMT_JSONL:
		return read_jsonl(c, doc, got, err);
	default:
		return read_text(c, doc, got, err);
	}
}

int ngidx_corpus_next(ngidx_corpus *c, ngidx_doc_in *doc, ngidx_error *err)
{
	if (!c || !doc)
		return ngidx_err_set(err, NGIDX_ERR_ARG, "corpus: null argument");
	if (c->failed) {
		if (err)
			*err = c->fail;
		return c->failed;
	}
	for (;;) {
		if (c->open) {
			int got = 0;
			FORWARD_IF_ERROR(read_doc(c, doc, &got, err));
			if (got)
				return NGIDX_OK;
			close_file(c);
			continue;
		}
		walk_item it;
		if (walk_next(&c->walk, &it) != NGIDX_OK)
			return nomem(c, err);
		switch (it.kind) {
		case WALK_END:
			return -1;
		case WALK_FILE:
		case WALK_STDIN:
			FORWARD_IF_ERROR(start_file(c, &it, err));
			break;
		case WALK_NOENT:
			c->st.skipped_files++;
			FORWARD_IF_ERROR(report(c, NGIDX_ERR_IO, err, "cannot open '%s': %s", it.path,
			                        strerror(it.errnum)));
			break;
		case WALK_BADDIR:
			c->st.skipped_files++;
			FORWARD_IF_ERROR(report(c, NGIDX_ERR_IO, err, "cannot read directory '%s': %s",
			                        it.path, strerror(it.errnum)));
			break;
		case WALK_LOOP:
			report(c, 0, err, "%s: directory loop, not followed", it.path);
			break;
		case WALK_SPECIAL:
			report(c, 0, err, "%s: not a regular file, skipped", it.path);
			break;
		default:
			return nomem(c, err); /* unreachable */
		}
	}
}

/* A file of /proc or /sys: its size says 0 and its content changes. */
static int pseudo_file(const char *path)
{
	struct statfs fs;
	return statfs(path, &fs) == 0 && (fs.f_type == PROC_SUPER_MAGIC || fs.f_type == SYSFS_MAGIC);
}

int ngidx_input_size(const char *const *inputs, size_t n, uint64_t *bytes)
{
	ngidx_walk w;
	walk_init(&w, (char **)(uintptr_t)inputs, n);
	int flags = 0;
	uint64_t sum = 0;
	for (;;) {
		walk_item it;
		struct stat st;
		if (walk_next(&w, &it) != NGIDX_OK) {
			flags |= NGIDX_INPUT_INEXACT;
			break;
		}
		if (it.kind == WALK_END)
			break;
		if (it.kind == WALK_STDIN) {
			flags |= NGIDX_INPUT_STREAM | NGIDX_INPUT_INEXACT;
			continue;
		}
		if (it.kind != WALK_FILE || stat(it.path, &st) != 0)
			continue; /* reported when read */
		if (!S_ISREG(st.st_mode) || (st.st_size == 0 && pseudo_file(it.path))) {
			flags |= NGIDX_INPUT_STREAM | NGIDX_INPUT_INEXACT;
			continue;
		}
		size_t l = strlen(it.path);
		if (has_suffix(it.path, l, ".gz") || has_suffix(it.path, l, ".zst"))
			flags |= NGIDX_INPUT_INEXACT;
		sum += (uint64_t)st.st_size;
	}
	walk_release(&w);
	*bytes = sum;
	return flags;
}

const ngidx_corpus_stats *ngidx_corpus_get_stats(const ngidx_corpus *c)
{
	return &c->st;
}

void ngidx_corpus_free(ngidx_corpus *c)
{
	if (!c)
		return;
	close_file(c);
	cstream_release(&c->cs);
	walk_release(&c->walk);
	jsonl_release(&c->jp);
	jscan_release(&c->js);
	spool_release(&c->sp);
	ngidx_free(c->buf);
	ngidx_free(c->nbuf);
	ngidx_free(c->meta);
	ngidx_free(c->inputs);
	ngidx_free(c->strs);
	ngidx_free(c);
}
