/*
 * fuzz_jsonl.c - the corpus reader on arbitrary bytes, written to a file and
 * read three times through the public pull API (corpus.h):
 *
 *   1. as JSON Lines: every document's name, text, metadata and message are
 *      read whole (ASan checks the bounds); the date is 0 or a calendar
 *      date YYYYMMDD with 00 for missing parts; each non-blank line is
 *      either a document or a skipped one (docs + skipped_docs equals the
 *      count of non-blank lines), never both; every skipped document and
 *      every document with invalid UTF-8 got a message, and no document
 *      more than one;
 *   2. as JSON Lines with --strict: the documents returned before the
 *      first error are the first documents of pass 1, in order, with the
 *      same text;
 *   3. as lines: one document per line (empty ones too), each exactly the
 *      line's bytes without "\n" and a "\r" before it;
 *   4. passes 1 and 3 again with a "long document" bound of a few bytes
 *      (taken from the input), so that lines go through the spool (spool.c:
 *      the text field unescaped on its way to a file) rather than memory:
 *      the same documents, texts, names and dates, and the same counts of
 *      skipped and bad documents.
 *
 * The file is at most -max_len bytes (64 KiB in `make fuzz`), well under
 * the reader's 1 MiB buffer; buffer refills and long lines are covered by
 * corpus_test.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "corpus/corpus.h"
#include "text/analyze.h"
#define XXH_INLINE_ALL
#include <xxhash.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "fuzz_check.h"

/* Text hashes of the first documents of pass 1, for pass 2. */
#define KEEP 256

typedef struct warn_count {
	size_t n;
} warn_count;

static void on_warn(void *ctx, const char *msg)
{
	size_t len = strlen(msg); /* must be a terminated string */
	CHECK(len > 0 && len < 4096);
	CHECK(memchr(msg, '\n', len) == NULL);
	((warn_count *)ctx)->n++;
}

/* Read every byte of @p[0, @n) so that ASan sees an overrun. */
static uint64_t touch(const char *p, size_t n)
{
	CHECK(p != NULL || n == 0);
	return n ? XXH64(p, n, 0) : 0;
}

static int valid_date(uint32_t d)
{
	if (d == 0)
		return 1;
	uint32_t y = d / 10000, m = d / 100 % 100, day = d % 100;
	if (y < 1 || y > 9999 || m > 12 || day > 31 || (m == 0 && day != 0))
		return 0;
	uint32_t ml[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 0 || day <= ml[m - 1];
}

static int blank(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

/* Lines of the file as the reader cuts them (the BOM dropped): their
 * count and how many are not blank. */
static void count_lines(const uint8_t *d, size_t n, size_t *lines, size_t *nonblank)
{
	*lines = *nonblank = 0;
	if (n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf)
		d += 3, n -= 3;
	size_t i = 0;
	while (i < n) {
		const uint8_t *nl = memchr(d + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - d) : n;
		(*lines)++;
		*nonblank += !blank(d + i, e - i);
		i = e + 1;
	}
}

static ngidx_corpus *open_one(const char *path, int format, int strict, size_t long_doc,
                             warn_count *w)
{
	ngidx_corpus_opts o = { 0 };
	o.format = format;
	o.strict = strict;
	o.long_doc = long_doc;
	o.warn = on_warn;
	o.warn_ctx = w;
	const char *in[1] = { path };
	ngidx_corpus *c;
	ngidx_error e = { 0 };
	if (ngidx_corpus_open(&c, in, 1, &o, &e))
		abort(); /* the file exists: only NOMEM could fail, and fuzzing does not fail allocations */
	return c;
}

/* A document's text, from memory or from its file (then closed). */
static uint64_t text_hash(const ngidx_doc_in *d, char **buf)
{
	if (d->text_fd < 0)
		return touch(d->text, d->text_len);
	CHECK(d->text == NULL);
	*buf = realloc(*buf, d->text_len + 1);
	CHECK(*buf != NULL);
	CHECK(pread(d->text_fd, *buf, d->text_len + 1, 0) == (ssize_t)d->text_len);
	close(d->text_fd);
	return touch(*buf, d->text_len);
}

/* Pass 1 (@long_doc 0: fills @keep and @st) or 4 (compares with them). */
static size_t jsonl_pass(const char *path, uint64_t *keep, size_t nonblank, size_t long_doc,
                         ngidx_corpus_stats *st1)
{
	warn_count w = { 0 };
	ngidx_corpus *c = open_one(path, NGIDX_FMT_JSONL, 0, long_doc, &w);
	ngidx_doc_in doc;
	ngidx_error e = { 0 };
	size_t n = 0;
	char *buf = NULL;
	int rc;
	while ((rc = ngidx_corpus_next(c, &doc, &e)) == NGIDX_OK) {
		CHECK(doc.name != NULL);
		uint64_t h = text_hash(&doc, &buf) ^ touch(doc.name, doc.name_len) * 31 ^ doc.date;
		if (n < KEEP && !long_doc)
			keep[n] = h;
		CHECK(n >= KEEP || !long_doc || keep[n] == h);
		CHECK(long_doc || doc.text_fd < 0);
		CHECK(valid_date(doc.date));
		CHECK(doc.nmeta == 0 || doc.meta != NULL);
		for (size_t i = 0; i < doc.nmeta; i++) {
			touch(doc.meta[i].key, doc.meta[i].key_len);
			touch(doc.meta[i].val, doc.meta[i].val_len);
		}
		CHECK(doc.line >= 1);
		n++;
	}
	free(buf);
	CHECK(rc == -1);
	const ngidx_corpus_stats *st = ngidx_corpus_get_stats(c);
	if (!long_doc)
		*st1 = *st;
	CHECK(st->docs == st1->docs && st->skipped_docs == st1->skipped_docs &&
	      st->bad_utf8 == st1->bad_utf8);
	CHECK(st->docs == n);
	CHECK(st->files == 1 && st->skipped_files == 0);
	CHECK(st->docs + st->skipped_docs == nonblank);
	CHECK(st->bad_utf8 <= st->docs);
	CHECK(w.n >= st->skipped_docs + st->bad_utf8);
	CHECK(w.n <= st->docs + st->skipped_docs);
	ngidx_corpus_free(c);
	return n;
}

static void strict_pass(const char *path, const uint64_t *keep, size_t ndocs)
{
	warn_count w = { 0 };
	ngidx_corpus *c = open_one(path, NGIDX_FMT_JSONL, 1, 0, &w);
	ngidx_doc_in doc;
	ngidx_error e = { 0 };
	size_t n = 0;
	char *buf = NULL;
	int rc;
	while ((rc = ngidx_corpus_next(c, &doc, &e)) == NGIDX_OK) {
		CHECK(n < ndocs);
		uint64_t h = text_hash(&doc, &buf) ^ touch(doc.name, doc.name_len) * 31 ^ doc.date;
		CHECK(n >= KEEP || h == keep[n]);
		n++;
	}
	free(buf);
	CHECK(w.n == 0); /* strict turns every problem into the error */
	if (rc != -1) {
		CHECK(rc == NGIDX_ERR_INPUT);
		CHECK(e.msg[0] != '\0');
		/* the error is sticky */
		CHECK(ngidx_corpus_next(c, &doc, NULL) == rc);
	} else {
		CHECK(n == ndocs);
	}
	ngidx_corpus_free(c);
}

static void lines_pass(const char *path, const uint8_t *d, size_t size, size_t lines,
                       size_t long_doc)
{
	warn_count w = { 0 };
	ngidx_corpus *c = open_one(path, NGIDX_FMT_LINES, 0, long_doc, &w);
	ngidx_doc_in doc;
	ngidx_error e = { 0 };
	size_t n = 0, i = 0;
	char *buf = NULL;
	if (size >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf)
		i = 3;
	int rc;
	while ((rc = ngidx_corpus_next(c, &doc, &e)) == NGIDX_OK) {
		CHECK(i < size);
		const uint8_t *nl = memchr(d + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - d) : size, len = end - i;
		if (nl && len && d[end - 1] == '\r')
			len--; /* only before a newline: a last "\r" is kept */
		CHECK(doc.text_len == len);
		CHECK(text_hash(&doc, &buf) == touch((const char *)d + i, len));
		CHECK(doc.line == n + 1);
		i = end + 1;
		n++;
	}
	free(buf);
	CHECK(rc == -1);
	CHECK(n == lines);
	ngidx_corpus_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/ngidx-fuzz-jsonl-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	size_t lines, nonblank;
	count_lines(data, size, &lines, &nonblank);
	static uint64_t keep[KEEP];
	ngidx_corpus_stats st;
	size_t ndocs = jsonl_pass(path, keep, nonblank, 0, &st);
	strict_pass(path, keep, ndocs);
	lines_pass(path, data, size, lines, 0);
	size_t long_doc = 1 + (size ? data[size / 2] % 48 : 0);
	CHECK(jsonl_pass(path, keep, nonblank, long_doc, &st) == ndocs);
	lines_pass(path, data, size, lines, long_doc);
	unlink(path);
	return 0;
}
