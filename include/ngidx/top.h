/*
 * ngidx/top.h - the most frequent n-grams of an index: top lists by n,
 * continuations of a phrase ("kim jong" -> "kim jong un") and the fillers
 * of a one-slot wildcard ("kim * un", "* summit"), with stop-word and
 * minimum-documents filters, over the whole index or within a subcorpus.
 *
 * Ownership: a result owns its row array; the rows' texts point into the
 * index's mapping and live as long as the index. A stop-word set is a
 * heap handle (ngidx_stopwords_free).
 *
 * Thread-safety: the functions only read the index; a result or a
 * stop-word set belongs to one thread at a time while it is written.
 *
 * Order of the rows (total, documented in the README): by occurrences =
 * occurrences desc, then documents desc, then the n-gram's bytes asc; by
 * documents = documents desc, then occurrences desc, then bytes asc.
 *
 * Pseudo-terms of the lexicon (texts that start with a control byte, such
 * as actor mentions) are never returned.
 *
 * Cost: answers come from the TOPLIST and CONT sections written at build
 * time; they read O(k) entries (plus the ties of the k-th row), or one
 * continuation list. When a precomputed list runs out before k rows pass
 * the filters (k above 4096, or filters hiding most of a list), or the
 * index has no such sections (built by an older ngidx), the answer comes
 * from a scan of the whole lexicon instead, and the result says so
 * (`scanned`). Rows are the same either way.
 *
 * Subcorpora: with o->subset (a document subset, keyness.h: dates and
 * metadata), every count is taken within the subset's documents only,
 * the minimum of documents too, and n-grams absent from the subset are
 * never rows; the order is the same, on those counts. The lexicon's totals
 * bound the counts in a subset (cf_s <= cf, df_s <= df), so candidates are
 * taken in decreasing order of that bound where one exists (the TOPLIST
 * heads, merged; a CONT list), each counted by walking its postings
 * against the subset (ngidx_term_count_subset), and the walk stops at the
 * first candidate whose bound is below the k-th row's count: nothing after
 * it can enter. Where no ordered source reaches far enough (a cut list
 * exhausted, no section), the lexicon is scanned and only the terms whose
 * bound can still reach the k-th row are walked. A subset holding every
 * document gives the unfiltered answer at its cost; an empty one, no rows.
 * The result counts the postings lists walked (`walked`).
 */
#ifndef NGIDX_TOP_H
#define NGIDX_TOP_H

#include <stddef.h>
#include <stdint.h>
#include "errors.h"
#include "index.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ngidx_subset; /* keyness.h */

/* A set of stop words (analyzed tokens). */
typedef struct ngidx_stopwords ngidx_stopwords;

/*
 * ngidx_stopwords_create - a set from @len bytes of @text: one entry per
 * line, lines starting with '#' ignored, each line analyzed as the corpus
 * is (so "Don't" adds "don" and "t").
 * @return NGIDX_OK or NGIDX_ERR_NOMEM. Cost: linear in @len.
 */
NGIDX_API int ngidx_stopwords_create(ngidx_stopwords **out, const char *text, size_t len,
                                     ngidx_error *err);

/*
 * ngidx_stopwords_load - the set of the file @path (same syntax).
 * @return NGIDX_OK, NGIDX_ERR_IO (cannot read it), NGIDX_ERR_NOMEM.
 */
NGIDX_API int ngidx_stopwords_load(ngidx_stopwords **out, const char *path, ngidx_error *err);

/*
 * ngidx_stopwords_english - the bundled English list (about 150 function
 * words; the same as data/stopwords/english.txt).
 * @return NGIDX_OK or NGIDX_ERR_NOMEM.
 */
NGIDX_API int ngidx_stopwords_english(ngidx_stopwords **out, ngidx_error *err);

/* The bundled English list as text (NUL-terminated, static). */
NGIDX_API const char *ngidx_stopwords_english_text(void);

/* 1 if the token @s (@len bytes, normalized) is in @sw. Cost O(log size). */
NGIDX_API int ngidx_stopwords_has(const ngidx_stopwords *sw, const char *s, size_t len);

/* Free a set; NULL is a no-op. */
NGIDX_API void ngidx_stopwords_free(ngidx_stopwords *sw);

enum { NGIDX_TOP_BY_OCCURRENCES = 0, NGIDX_TOP_BY_DOCUMENTS = 1 };

typedef struct ngidx_top_opts {
	unsigned n_min, n_max;  /* ngidx_top only: lengths to list; 0 = 1 and max n */
	size_t k;               /* rows wanted, >= 1 (default 20) */
	int by;                 /* NGIDX_TOP_BY_* (default occurrences) */
	uint32_t min_documents; /* hide n-grams found in fewer documents */
	const ngidx_stopwords *stopwords; /* hide n-grams made only of these */
	const struct ngidx_subset *subset; /* count within these documents
	                                      (of the same index; NULL: all) */
} ngidx_top_opts;

/* Defaults: every n, k = 20, by occurrences, no filter, no subset. */
NGIDX_API void ngidx_top_opts_init(ngidx_top_opts *o);

typedef struct ngidx_top_result {
	ngidx_term *rows;  /* best first; with a subset, cf and df are its counts */
	size_t nrows;      /* at most k */
	int scanned;       /* 1: the lexicon was scanned (see above) */
	size_t cap;        /* private */
	uint64_t walked;   /* with a subset: postings lists walked (0 without) */
} ngidx_top_result;

/* Release the rows of @r (not @r itself); reuse is fine before that. */
NGIDX_API void ngidx_top_result_release(ngidx_top_result *r);

/*
 * ngidx_top - the k most frequent n-grams with n_min <= n <= n_max that
 * pass the filters, in the order above. With several n the per-n lists
 * are merged. A minimum of documents stops the walk at the first entry
 * that cannot reach it.
 * @return NGIDX_OK; NGIDX_ERR_ARG (k = 0, n_min > n_max, n_max > the
 *   index's max n, unknown order); NGIDX_ERR_CORRUPT; NGIDX_ERR_NOMEM.
 * Cost: O(k) term decodings from the lists (O(terms) if scanned). With a
 * subset: the postings of every candidate whose whole-index count reaches
 * the k-th row's count in the subset (about k / share-of-the-subset
 * candidates for a subset spread like the corpus), taken from the lists
 * in decreasing order; a lexicon scan (no walk for terms below the bound)
 * only if a list cut at 4096 runs out first.
 */
NGIDX_API int ngidx_top(const ngidx_index *idx, const ngidx_top_opts *o, ngidx_top_result *r,
                        ngidx_error *err);

/*
 * ngidx_top_prefix - the most frequent continuations of @phrase: the
 * n-grams of one token more that start with it ("kim jong" -> "kim jong
 * un"). The phrase is analyzed as the corpus was. A phrase that is absent,
 * or already max n tokens long, has no continuation (0 rows). o->n_min and
 * o->n_max are ignored.
 * @return NGIDX_OK; NGIDX_ERR_ARG (a phrase with no word, k = 0);
 *   NGIDX_ERR_CORRUPT; NGIDX_ERR_NOMEM.
 * Cost: by occurrences without filters, O(k + ties) entries of the
 * phrase's continuation list; otherwise that whole list, at most (a
 * subset walks the postings of the entries down to the k-th row's count).
 */
NGIDX_API int ngidx_top_prefix(const ngidx_index *idx, const char *phrase, size_t len,
                               const ngidx_top_opts *o, ngidx_top_result *r, ngidx_error *err);

/*
 * ngidx_top_pattern - the n-grams matching @pattern, a phrase with exactly
 * one '*' standing for one token: "kim * un", "* summit", "kim jong *"
 * ("*" alone is every unigram). The text on each side of the '*' is
 * analyzed as the corpus was. Rows are the whole n-grams. "A *" is
 * ngidx_top_prefix(A); "* B" reads B's left continuations; "A * B" walks
 * the shorter of A's right and B's left continuation lists and looks each
 * candidate up. Patterns longer than the index's max n are refused
 * (NGIDX_ERR_ARG): the lexicon holds no such n-gram to rank.
 * @return NGIDX_OK; NGIDX_ERR_ARG (no '*' or more than one, a pattern
 *   longer than max n, k = 0); NGIDX_ERR_CORRUPT; NGIDX_ERR_NOMEM.
 */
NGIDX_API int ngidx_top_pattern(const ngidx_index *idx, const char *pattern, size_t len,
                                const ngidx_top_opts *o, ngidx_top_result *r, ngidx_error *err);

#ifdef __cplusplus
}
#endif
#endif
