/*
 * ngidx/index.h - opening an index and reading it: n-gram lookup, postings
 * and positions, documents, and exact phrase counts.
 *
 * Ownership: an ngidx_index owns its mapping; every pointer it hands out
 * (term texts, document names) points into it and lives as long as the
 * index. Cursors (ngidx_postings) and results own their buffers and are
 * freed by their _free/_release functions.
 *
 * Thread-safety: an open index is immutable, so any number of threads may
 * read it at once; a cursor or a result belongs to one thread at a time.
 *
 * Nothing in the file is trusted: every offset is checked against its
 * section before use, and any inconsistency found while reading returns
 * NGIDX_ERR_CORRUPT rather than crashing.
 */
#ifndef NGIDX_INDEX_H
#define NGIDX_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include "errors.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ngidx_index ngidx_index;

typedef struct ngidx_open_opts {
	int verify;  /* also check every section checksum at open (reads all) */
} ngidx_open_opts;

/* A summary of an open index. */
typedef struct ngidx_index_info {
	unsigned format_major, format_minor, analyzer_id;
	unsigned max_n;
	uint32_t min_df;
	uint32_t min_count;
	int has_text;
	uint64_t docs, tokens, sentences;
	uint64_t terms;                /* distinct n-grams */
	uint64_t terms_n[16];          /* by n (index n-1) */
	uint64_t occurrences_n[16];    /* n-gram occurrences by n */
	uint64_t input_bytes, file_bytes;
} ngidx_index_info;

/* One section of the file, for `ngidx stats`. */
typedef struct ngidx_section_info {
	const char *name;
	uint64_t offset, length;
} ngidx_section_info;

/* An n-gram of the lexicon. */
typedef struct ngidx_term {
	uint64_t id;        /* lexicon position: 0..terms-1, in hash order */
	uint64_t cf;        /* occurrences */
	uint32_t df;        /* documents */
	unsigned n;         /* tokens */
	const char *text;   /* tokens joined by single spaces; not NUL-ended */
	size_t text_len;
} ngidx_term;

/* A document's record. */
typedef struct ngidx_doc {
	uint32_t id;
	const char *name;   /* not NUL-ended */
	size_t name_len;
	uint32_t date;      /* YYYYMMDD with 00 for missing parts; 0 = none */
	uint32_t tokens, sentences;
	uint32_t text_bytes;
	int bad_utf8;       /* the text had invalid UTF-8 or NUL bytes */
	const unsigned char *meta; /* encoded metadata (ngidx_doc_meta_next) */
	size_t meta_len;
} ngidx_doc;

/*
 * ngidx_index_open - map @path and validate its header, section table and
 * structure sizes (and, with o->verify, every checksum).
 * @return NGIDX_OK; NGIDX_ERR_IO (cannot open/map); NGIDX_ERR_CORRUPT (not
 *   an index, truncated, inconsistent); NGIDX_ERR_VERSION (newer major
 *   format or different analyzer); NGIDX_ERR_NOMEM.
 * Cost: O(1) without verify (a few pages touched), O(file) with it.
 */
NGIDX_API int ngidx_index_open(ngidx_index **out, const char *path,
                               const ngidx_open_opts *o, ngidx_error *err);

/* Unmap and free; NULL is a no-op. */
NGIDX_API void ngidx_index_free(ngidx_index *idx);

/* Fill @info. Cost O(1). */
NGIDX_API void ngidx_index_get_info(const ngidx_index *idx, ngidx_index_info *info);

/* The @i-th section (in file order); @return 0, or -1 past the last. */
NGIDX_API int ngidx_index_section(const ngidx_index *idx, size_t i, ngidx_section_info *s);

/* Where the bytes of the postings section go (ngidx_index_postings_size). */
typedef struct ngidx_postings_size {
	uint64_t postings;      /* (term, document) pairs */
	uint64_t id_bytes;      /* document-id gaps, every block */
	uint64_t skip_bytes;    /* skip tables */
	uint64_t other_bytes;   /* frequencies and positions */
	uint64_t packed_postings, packed_id_bytes; /* in full blocks (bit-packed) */
} ngidx_postings_size;

/*
 * ngidx_index_postings_size - walk every postings list's blocks and add up
 * their parts. @return NGIDX_OK or NGIDX_ERR_CORRUPT. Cost: O(postings
 * section), reading (not decoding) each block's document ids.
 */
NGIDX_API int ngidx_index_postings_size(const ngidx_index *idx, ngidx_postings_size *out,
                                        ngidx_error *err);

/*
 * ngidx_index_verify - check every section checksum, then decode every
 * structure: lexicon order and directory, every postings list (document
 * ids, frequencies, positions, df and cf agree), documents, sentences and
 * stored text. The message names the failing section and item.
 * @return NGIDX_OK or NGIDX_ERR_CORRUPT (or NGIDX_ERR_NOMEM). Cost O(file).
 */
NGIDX_API int ngidx_index_verify(const ngidx_index *idx, ngidx_error *err);

/*
 * ngidx_term_find - exact lookup of an n-gram given as its normalized text
 * (tokens joined by single spaces, as ngidx_analyze_phrase produces).
 * @return 1 and *@t filled if present, 0 if absent, or a negative
 *   -NGIDX_ERR_CORRUPT. Cost: O(1) expected (hash directory).
 */
NGIDX_API int ngidx_term_find(const ngidx_index *idx, const char *text, size_t len, ngidx_term *t);

/* The term with lexicon id @id. @return NGIDX_OK, NGIDX_ERR_RANGE or
 * NGIDX_ERR_CORRUPT. */
NGIDX_API int ngidx_term_get(const ngidx_index *idx, uint64_t id, ngidx_term *t, ngidx_error *err);

/* A cursor over one term's postings, in increasing document order. */
typedef struct ngidx_postings ngidx_postings;

/*
 * ngidx_postings_open - a cursor on term @id, positioned before its first
 * document. @return NGIDX_OK, NGIDX_ERR_RANGE, NGIDX_ERR_CORRUPT,
 * NGIDX_ERR_NOMEM.
 */
NGIDX_API int ngidx_postings_open(const ngidx_index *idx, uint64_t id, ngidx_postings **out,
                                  ngidx_error *err);

/* Free a cursor; NULL is a no-op. */
NGIDX_API void ngidx_postings_free(ngidx_postings *p);

/*
 * ngidx_postings_next - advance to the next document.
 * @return 1 (positioned), 0 (exhausted) or -NGIDX_ERR_CORRUPT.
 */
NGIDX_API int ngidx_postings_next(ngidx_postings *p, ngidx_error *err);

/*
 * ngidx_postings_seek - advance to the first document >= @doc, skipping
 * whole blocks through the skip table. Never moves backwards.
 * @return 1, 0 (exhausted) or -NGIDX_ERR_CORRUPT. Cost O(log blocks + 128).
 */
NGIDX_API int ngidx_postings_seek(ngidx_postings *p, uint32_t doc, ngidx_error *err);

/* The current document and its frequency (valid after next/seek gave 1). */
NGIDX_API uint32_t ngidx_postings_doc(const ngidx_postings *p);
NGIDX_API uint32_t ngidx_postings_tf(const ngidx_postings *p);

/*
 * ngidx_postings_positions - the token positions of the current document
 * (unigrams only): *@pos points at tf increasing positions, valid until the
 * cursor moves. @return NGIDX_OK, NGIDX_ERR_ARG (not a unigram) or
 * NGIDX_ERR_CORRUPT.
 */
NGIDX_API int ngidx_postings_positions(ngidx_postings *p, const uint32_t **pos, ngidx_error *err);

/* Document @id's record. @return NGIDX_OK, NGIDX_ERR_RANGE, NGIDX_ERR_CORRUPT. */
NGIDX_API int ngidx_doc_get(const ngidx_index *idx, uint32_t id, ngidx_doc *d, ngidx_error *err);

/*
 * ngidx_doc_meta_next - iterate metadata fields: start with *@pos = 0;
 * @return 1 with key/value set, 0 at the end, -NGIDX_ERR_CORRUPT.
 */
NGIDX_API int ngidx_doc_meta_next(const ngidx_doc *d, size_t *pos, const char **key, size_t *klen,
                                  const char **val, size_t *vlen, int *is_string);

/*
 * ngidx_doc_text - the original text of document @id, decompressed into
 * *@buf (grown with the library allocator as needed; *@cap its capacity;
 * free with ngidx_buffer_free). @return NGIDX_OK, NGIDX_ERR_NOTEXT,
 * NGIDX_ERR_RANGE, NGIDX_ERR_CORRUPT, NGIDX_ERR_NOMEM.
 */
NGIDX_API int ngidx_doc_text(const ngidx_index *idx, uint32_t id, char **buf, size_t *cap,
                             size_t *len, ngidx_error *err);

/* Free a buffer returned by the library. */
NGIDX_API void ngidx_buffer_free(void *p);

/* Result of ngidx_count; reuse it across calls, release at the end. */
typedef struct ngidx_count_result {
	char *ngram;          /* the phrase's tokens joined by spaces */
	size_t ngram_len;
	unsigned n;           /* tokens in the phrase */
	uint64_t occurrences; /* start positions where the phrase occurs */
	uint64_t documents;   /* documents with at least one occurrence */
	size_t ngram_cap;     /* private */
} ngidx_count_result;

/* Release the buffers of @r (not @r itself). */
NGIDX_API void ngidx_count_result_release(ngidx_count_result *r);

/*
 * ngidx_count - exact occurrences and documents of a phrase of any length.
 * The phrase is analyzed as the corpus was. Up to max-n tokens the answer
 * comes from the lexicon in O(1); longer phrases (and n-grams dropped by
 * --min-df) intersect the covering n-grams' postings and check unigram
 * positions. A phrase with no token, or absent, gives 0 and 0.
 * @return NGIDX_OK, NGIDX_ERR_CORRUPT, NGIDX_ERR_NOMEM.
 */
NGIDX_API int ngidx_count(const ngidx_index *idx, const char *phrase, size_t len,
                          ngidx_count_result *r, ngidx_error *err);

#ifdef __cplusplus
}
#endif
#endif
