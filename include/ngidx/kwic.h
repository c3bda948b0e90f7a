/*
 * ngidx/kwic.h - keyword in context: every occurrence of a phrase, shown as
 * it appears in the stored text of its document with the characters around
 * it.
 *
 * Ownership: an ngidx_kwic borrows its index (which must outlive it) and
 * owns its phrase iterator and buffers; the strings of a line point into
 * those buffers and stay valid until the next ngidx_kwic_next or
 * ngidx_kwic_free on the same iterator.
 *
 * Thread-safety: one iterator per thread; any number of iterators may read
 * one index at once.
 */
#ifndef NGIDX_KWIC_H
#define NGIDX_KWIC_H

#include <stddef.h>
#include <stdint.h>
#include "errors.h"
#include "index.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Options of ngidx_kwic_open; ngidx_kwic_opts_init sets the defaults. */
typedef struct ngidx_kwic_opts {
	/* Characters of context on each side of the match (default 40).
	 * Characters are code points; a byte that is not part of well-formed
	 * UTF-8 counts as one. */
	size_t width;
	/* Inclusive date bounds, "YYYY", "YYYY-MM" or "YYYY-MM-DD", or NULL.
	 * When either is given, documents without a date are left out. A
	 * partial document date counts as the start of its period (2019 as
	 * 2019-00-00); a partial @to covers its whole year or month. */
	const char *from, *to;
	uint64_t limit;  /* at most this many lines; 0 = all (default) */
	/* 0 (default): every match. K > 0: a uniform random sample of K
	 * matches (all of them when there are fewer), drawn by reservoir
	 * sampling with a splitmix64 generator seeded by @seed, so the same
	 * index, phrase, filters and seed give the same lines everywhere. */
	uint64_t sample;
	uint64_t seed;   /* default 0 */
	/* Only documents of this subset (keyness.h: metadata conditions);
	 * NULL (default) for all. */
	const struct ngidx_subset *subset;
} ngidx_kwic_opts;

/* Fill @o with the defaults. */
NGIDX_API void ngidx_kwic_opts_init(ngidx_kwic_opts *o);

/* One line: a match and its context. */
typedef struct ngidx_kwic_line {
	uint32_t doc;          /* document id (ngidx_doc_get) */
	uint32_t pos;          /* token position where the match starts */
	uint64_t start, end;   /* the match's bytes [start, end) in the text
	                          that ngidx_doc_text returns */
	/* Up to `width` characters before the match, with every ASCII control
	 * character (newline, tab ...) replaced by a space. */
	const char *left;
	size_t left_len;
	/* The match exactly as in the text: from the first byte of its first
	 * token to the last byte of its last token, with the original case,
	 * punctuation and spacing in between ("Kim Jong-un" for the phrase
	 * "kim jong un"). */
	const char *match;
	size_t match_len;
	/* Up to `width` characters after the match, controls as spaces. */
	const char *right;
	size_t right_len;
} ngidx_kwic_line;

/* Keyword-in-context lines of a phrase on an index. */
typedef struct ngidx_kwic ngidx_kwic;

/*
 * ngidx_kwic_open - prepare the lines of @phrase (@len bytes, analyzed as
 * the corpus was) on @idx, with options @o (NULL: defaults).
 *
 * Lines come in document order, then by position; every occurrence is one
 * line, overlapping ones included ("a a" in "a a a" gives two). Each
 * matching document's text is decompressed once and analyzed once (with
 * source ranges) to find where its matches lie. With o->sample, a first
 * pass over the phrase's positions (no text) draws the sample, and only the
 * documents it holds are then read.
 *
 * @out: OUT the iterator, to free with ngidx_kwic_free (NULL on error).
 * @return NGIDX_OK; NGIDX_ERR_NOTEXT (the index was built with --no-text);
 *   NGIDX_ERR_ARG (a malformed date); NGIDX_ERR_CORRUPT; NGIDX_ERR_NOMEM.
 * Cost: a few lexicon lookups; with o->sample, also the walk of every
 * position of the phrase, and O(sample) memory.
 */
NGIDX_API int ngidx_kwic_open(const ngidx_index *idx, const char *phrase, size_t len,
                              const ngidx_kwic_opts *o, ngidx_kwic **out, ngidx_error *err);

/*
 * ngidx_kwic_next - the next line into *@line.
 * @return 1 (a line), 0 (no more) or a negative -NGIDX_ERR_CORRUPT (the
 *   stored text does not hold the tokens the postings point at, or a
 *   decoding failure), -NGIDX_ERR_NOMEM or -NGIDX_ERR_INPUT.
 * Cost: at the first line of a document, decompressing and analyzing its
 * text (linear in its size); O(width) for the others.
 */
NGIDX_API int ngidx_kwic_next(ngidx_kwic *k, ngidx_kwic_line *line, ngidx_error *err);

/* Free; NULL is a no-op. */
NGIDX_API void ngidx_kwic_free(ngidx_kwic *k);

#ifdef __cplusplus
}
#endif
#endif
