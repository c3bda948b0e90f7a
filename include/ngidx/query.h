/*
 * ngidx/query.h - phrase iterators: the documents where a phrase of any
 * length occurs, its occurrences there and their token positions.
 *
 * Ownership: an ngidx_phrase borrows its index (which must outlive it) and
 * owns its cursors and buffers; free it with ngidx_phrase_free. Positions
 * it returns stay valid until it moves.
 *
 * Thread-safety: one iterator per thread; any number of iterators may read
 * one index at once.
 */
#ifndef NGIDX_QUERY_H
#define NGIDX_QUERY_H

#include <stddef.h>
#include <stdint.h>
#include "errors.h"
#include "index.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ngidx_phrase ngidx_phrase;

/*
 * ngidx_phrase_open - analyze @phrase as the corpus was and prepare to list
 * the documents where its tokens occur in sequence. A phrase of up to max-n
 * tokens that is in the lexicon walks one postings list; any other phrase
 * intersects the lists of the n-grams that cover it (rarest first, skipping
 * blocks) and checks unigram positions. A phrase with no token, or with a
 * token never seen, matches nothing.
 * @return NGIDX_OK, NGIDX_ERR_CORRUPT, NGIDX_ERR_NOMEM.
 * Cost: a few lexicon lookups.
 */
NGIDX_API int ngidx_phrase_open(const ngidx_index *idx, const char *phrase, size_t len,
                                ngidx_phrase **out, ngidx_error *err);

/*
 * ngidx_phrase_open_term - the same iterator over one lexicon term @t taken
 * as a one-token phrase (an actor's mention term, actors.h: occurrences are
 * mentions, positions their first tokens); NULL @t matches nothing.
 * @return NGIDX_OK, NGIDX_ERR_CORRUPT, NGIDX_ERR_NOMEM. Cost O(1).
 */
NGIDX_API int ngidx_phrase_open_term(const ngidx_index *idx, const ngidx_term *t,
                                     ngidx_phrase **out, ngidx_error *err);

/* Free; NULL is a no-op. */
NGIDX_API void ngidx_phrase_free(ngidx_phrase *p);

/* Tokens of the phrase, and the phrase's normalized text (tokens joined by
 * single spaces; not NUL-terminated). */
NGIDX_API unsigned ngidx_phrase_ntokens(const ngidx_phrase *p);
NGIDX_API const char *ngidx_phrase_ngram(const ngidx_phrase *p, size_t *len);

/*
 * ngidx_phrase_stats - occurrences and documents in the whole index when
 * the lexicon holds them (O(1)). @return 1 if known, 0 if only a full walk
 * can tell (then use ngidx_count).
 */
NGIDX_API int ngidx_phrase_stats(const ngidx_phrase *p, uint64_t *occurrences, uint64_t *documents);

/* An upper bound on the documents the phrase can match (for ordering). */
NGIDX_API uint64_t ngidx_phrase_df_bound(const ngidx_phrase *p);

/* An upper bound on the phrase's occurrences (an n-gram that the build
 * pruned for being rare, --min-count C, has at most C - 1). The iterator
 * ends by itself once the documents it gave hold that many. */
NGIDX_API uint64_t ngidx_phrase_cf_bound(const ngidx_phrase *p);

/*
 * ngidx_phrase_next - advance to the next document with an occurrence.
 * @return 1, 0 (no more) or -NGIDX_ERR_CORRUPT / -NGIDX_ERR_NOMEM.
 */
NGIDX_API int ngidx_phrase_next(ngidx_phrase *p, ngidx_error *err);

/* Advance to the first matching document >= @doc (never backwards).
 * @return as ngidx_phrase_next. */
NGIDX_API int ngidx_phrase_seek(ngidx_phrase *p, uint32_t doc, ngidx_error *err);

/* The current document and the phrase's occurrences in it. */
NGIDX_API uint32_t ngidx_phrase_doc(const ngidx_phrase *p);
NGIDX_API uint32_t ngidx_phrase_occurrences(const ngidx_phrase *p);

/*
 * ngidx_phrase_positions - the token positions where the phrase starts in
 * the current document, increasing (*@n = occurrences).
 * @return NGIDX_OK, NGIDX_ERR_CORRUPT, NGIDX_ERR_NOMEM.
 */
NGIDX_API int ngidx_phrase_positions(ngidx_phrase *p, const uint32_t **pos, size_t *n,
                                     ngidx_error *err);

#ifdef __cplusplus
}
#endif
#endif
