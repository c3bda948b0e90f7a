/*
 * corpus.h - input discovery and document readers.
 *
 * Ownership: a corpus handle owns everything it returns; a document returned
 * by ngidx_corpus_next stays valid until the next call on the same handle.
 *
 * An input is a file, a directory (walked recursively, entries in byte
 * order of their names, symlinked directories followed once; hidden files
 * are skipped) or "-" for standard input. Each file is read in one of three
 * formats:
 *   text   one document per file, named by its path relative to the input
 *          root (a file given directly is named as given; stdin is "-");
 *   lines  one document per line, named NAME:LINE (LINE counted from 1);
 *          empty lines are empty documents;
 *   jsonl  one JSON object per line: the text field (default "text") is the
 *          document, the id field (default "id", string or number) its name
 *          (NAME:LINE when absent), the date field (default "date":
 *          YYYY, YYYY-MM or YYYY-MM-DD, possibly followed by a time that is
 *          ignored) its date; other string, number and boolean fields are
 *          kept as metadata; nested objects and arrays are ignored. Blank
 *          lines are skipped silently.
 * The format comes from opts->format, or from the extension when AUTO:
 * .jsonl/.ndjson is jsonl, anything else text. A further .gz or .zst
 * extension is decompressed on the fly (and looked through: x.jsonl.gz is
 * jsonl).
 *
 * Bad input never stops the reader: a file that cannot be opened or read, a
 * malformed JSON line, a missing or non-string text field is reported
 * through opts->warn with its file, line and byte offset, counted in
 * ngidx_corpus_stats, and skipped. An invalid date is reported and the
 * document kept, with date 0. Invalid UTF-8 and NUL bytes are
 * reported (file, line, byte offset of the first bad byte) and counted, but
 * the document is kept: the analyzer treats those bytes as separators.
 * With opts->strict any of these ends the read with NGIDX_ERR_INPUT (or
 * NGIDX_ERR_IO for an unreadable file).
 */
#ifndef NGIDX_CORPUS_CORPUS_H
#define NGIDX_CORPUS_CORPUS_H

#include <stddef.h>
#include <stdint.h>
#include "ngidx/errors.h"

enum ngidx_format { NGIDX_FMT_AUTO = 0, NGIDX_FMT_TEXT, NGIDX_FMT_LINES, NGIDX_FMT_JSONL };

typedef struct ngidx_corpus_opts {
	int format;              /* enum ngidx_format */
	const char *text_field;  /* jsonl; NULL = "text" */
	const char *id_field;    /* jsonl; NULL = "id" */
	const char *date_field;  /* jsonl; NULL = "date" */
	int strict;              /* fail on the first bad input */
	/* Called with one line ("FILE:LINE: reason", no newline) per problem. */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
	/* A line (or text file) longer than this is not held in memory: its
	 * text is written to an anonymous file in tmpdir as it is read (see
	 * ngidx_doc_in.text_fd). 0: NGIDX_CORPUS_LONG. */
	size_t long_doc;
	const char *tmpdir;      /* NULL: $TMPDIR or /tmp */
} ngidx_corpus_opts;

#define NGIDX_CORPUS_LONG ((size_t)4 << 20)

typedef struct ngidx_meta_field {
	const char *key;
	size_t key_len;
	const char *val;        /* unescaped UTF-8 for strings; the literal
	                           token for numbers and booleans */
	size_t val_len;
	int is_string;          /* 1 for a JSON string, 0 number/true/false */
} ngidx_meta_field;

typedef struct ngidx_doc_in {
	const char *name;       /* never NULL; see above */
	size_t name_len;
	const char *text;       /* may contain any bytes; unescaped for jsonl */
	size_t text_len;
	int text_fd;            /* -1, or a long document: text is NULL and its
	                           text_len bytes are at offset 0 of this
	                           anonymous file, which the caller now owns
	                           (and must close) */
	uint32_t date;          /* YYYYMMDD; MM and DD are 00 when not given;
	                           0 when the document has no (valid) date */
	const ngidx_meta_field *meta;
	size_t nmeta;
	const char *file;       /* the file it came from, for messages */
	uint64_t line;          /* its line (1 for text format) */
} ngidx_doc_in;

typedef struct ngidx_corpus_stats {
	uint64_t files;         /* files opened */
	uint64_t bytes;         /* input bytes read (after decompression) */
	uint64_t docs;          /* documents returned */
	uint64_t skipped_docs;  /* malformed lines or documents skipped */
	uint64_t skipped_files; /* files that could not be opened or read */
	uint64_t bad_utf8;      /* documents with invalid UTF-8 or NUL bytes */
} ngidx_corpus_stats;

typedef struct ngidx_corpus ngidx_corpus;

/*
 * ngidx_corpus_open - prepare to read @n inputs in order. Directories are
 * listed lazily. @inputs and @o are copied.
 * @return NGIDX_OK, NGIDX_ERR_NOMEM, NGIDX_ERR_ARG (bad option),
 *         NGIDX_ERR_IO (an input does not exist; with strict only, else it
 *         is reported and skipped when reached).
 */
int ngidx_corpus_open(ngidx_corpus **out, const char *const *inputs, size_t n,
                      const ngidx_corpus_opts *o, ngidx_error *err);

/*
 * ngidx_corpus_next - the next document.
 * @return NGIDX_OK with *@doc filled, or -1 at the end of the input, or an
 *         error (strict mode, or NGIDX_ERR_NOMEM).
 */
int ngidx_corpus_next(ngidx_corpus *c, ngidx_doc_in *doc, ngidx_error *err);

/* Counters so far. */
const ngidx_corpus_stats *ngidx_corpus_get_stats(const ngidx_corpus *c);

/* Free the handle; NULL is a no-op. */
void ngidx_corpus_free(ngidx_corpus *c);

/*
 * ngidx_parse_date - parse YYYY, YYYY-MM or YYYY-MM-DD (optionally followed
 * by 'T' or ' ' and anything) into YYYYMMDD with 00 for missing parts.
 * Years 1..9999; month and day checked against the calendar.
 * @return 0 on success, -1 if @s is not such a date.
 */
int ngidx_parse_date(const char *s, size_t n, uint32_t *out);

/*
 * ngidx_date_bound - the NUL-terminated date @s as a filter bound: as
 * ngidx_parse_date, but an @upper bound covers its whole year or month
 * (2019 -> 20199999, 2019-02 -> 20190299), so that comparing YYYYMMDD
 * values includes every day of the period. @return 0, or -1 if malformed.
 */
int ngidx_date_bound(const char *s, int upper, uint32_t *out);

#endif
