/*
 * ngidx/actors.h - actors and their co-occurrences in an index built with
 * `ngidx build --actors`.
 *
 * Ownership: strings and arrays returned point into the index's mapping
 * and live as long as the index, except where a function says it
 * allocates (free those with ngidx_buffer_free).
 *
 * Actors are numbered 0..ngidx_actor_count()-1 in dictionary order. The
 * co-occurrence levels count, for a pair A, B (A != B):
 *   NGIDX_LEVEL_DOC       documents mentioning both;
 *   NGIDX_LEVEL_SENTENCE  sentences mentioning both (a mention belongs to
 *                         the sentence of its first token);
 *   NGIDX_LEVEL_WINDOW    pairs of mentions of A and B whose first tokens
 *                         are at most K tokens apart (K = ngidx_actor_window).
 * The marginals (ngidx_cell, measures.h) are, for doc and sentence, the
 * units mentioning each actor and the number of units; for window, each
 * actor's mentions and the corpus tokens, with span 2K.
 */
#ifndef NGIDX_ACTORS_H
#define NGIDX_ACTORS_H

#include <stddef.h>
#include <stdint.h>
#include "errors.h"
#include "index.h"
#include "measures.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ngidx_level {
	NGIDX_LEVEL_DOC = 0,
	NGIDX_LEVEL_SENTENCE = 1,
	NGIDX_LEVEL_WINDOW = 2
} ngidx_level;

/* "doc", "sentence", "window"; parse accepts those and "document", "sent".
 * parse @return 0, or -1 for an unknown name. */
NGIDX_API const char *ngidx_level_name(ngidx_level l);
NGIDX_API int ngidx_level_parse(const char *s, ngidx_level *l);

typedef struct ngidx_actor {
	uint32_t index;          /* number in the actor table */
	const char *id;          /* not NUL-ended; so are the other strings */
	size_t id_len;
	const char *name;        /* display name: the first alias as written */
	size_t name_len;
	const char *type;        /* "" when the dictionary gave none */
	size_t type_len;
	uint64_t mentions;       /* in the whole corpus */
	uint64_t sentences;      /* sentences mentioning it */
	uint32_t documents;      /* documents mentioning it */
	uint32_t naliases;
} ngidx_actor;

/* Number of actors (0 for an index built without --actors). O(1). */
NGIDX_API size_t ngidx_actor_count(const ngidx_index *idx);
/* K of the window level (0 without actors). O(1). */
NGIDX_API unsigned ngidx_actor_window(const ngidx_index *idx);

/* Actor @a. @return NGIDX_OK, NGIDX_ERR_RANGE, NGIDX_ERR_CORRUPT. O(1). */
NGIDX_API int ngidx_actor_get(const ngidx_index *idx, uint32_t a, ngidx_actor *out,
                              ngidx_error *err);

/* Alias @k (0 = display name) of actor @a, as written and as matched (its
 * analyzed tokens joined by spaces). @return NGIDX_OK, NGIDX_ERR_RANGE,
 * NGIDX_ERR_CORRUPT. Cost O(k). */
NGIDX_API int ngidx_actor_alias(const ngidx_index *idx, uint32_t a, uint32_t k,
                                const char **text, size_t *text_len, const char **key,
                                size_t *key_len, ngidx_error *err);

/*
 * ngidx_actor_find - the actor whose id is @s (exact bytes), or else one of
 * whose aliases @s matches after analysis ("kim jong-un" finds the actor
 * with alias "Kim Jong-un"). An "@" before an id is ignored.
 * @return 1 and *@a set, 0 when none, or -NGIDX_ERR_CORRUPT / -NGIDX_ERR_NOMEM.
 * Cost: O(actors + aliases) (dictionaries are small next to the lexicon).
 */
NGIDX_API int ngidx_actor_find(const ngidx_index *idx, const char *s, size_t len, uint32_t *a);

/*
 * The lexicon term holding actor @a's mentions: its postings give the
 * documents, and positions (the first token of each mention). @return 1
 * and *@t set, 0 when the actor is never mentioned, -NGIDX_ERR_CORRUPT.
 */
NGIDX_API int ngidx_actor_term(const ngidx_index *idx, uint32_t a, ngidx_term *t);

/*
 * The lexicon term counting pair (@a, @b) at @level (its postings give the
 * documents where they meet, with the per-document count as tf). @return
 * 1, 0 when they never meet, -NGIDX_ERR_CORRUPT.
 */
NGIDX_API int ngidx_pair_term(const ngidx_index *idx, ngidx_level level, uint32_t a, uint32_t b,
                              ngidx_term *t);

struct ngidx_subset; /* keyness.h */

/* A subcorpus: documents dated within [from, to] (YYYYMMDD, 00 for a
 * missing month or day; 0 = no bound) and, when @subset is set, in it
 * (keyness.h: metadata conditions). Undated documents are outside any
 * bounded range. */
typedef struct ngidx_filter {
	uint32_t from, to;
	const struct ngidx_subset *subset; /* NULL: any document */
} ngidx_filter;

/*
 * ngidx_filter_dates - set @f from date bounds "YYYY", "YYYY-MM" or
 * "YYYY-MM-DD" (either may be NULL); an upper bound covers its whole year
 * or month, as in ngidx docs; no subset. @return NGIDX_OK or NGIDX_ERR_ARG.
 */
NGIDX_API int ngidx_filter_dates(ngidx_filter *f, const char *from, const char *to,
                                 ngidx_error *err);

/* One neighbour of an actor. */
typedef struct ngidx_neighbor {
	uint32_t actor;
	ngidx_cell cell;         /* o11 with the actor, the marginals, n, span */
} ngidx_neighbor;

/*
 * ngidx_cooc_neighbors - every actor that co-occurs with @a at @level, in
 * increasing actor number, with its contingency counts, into *@out (an
 * array of *@n, allocated; free with ngidx_buffer_free). Without a filter
 * (NULL or both bounds 0) it reads the stored matrix: O(row). With one, it
 * counts within the subcorpus from the postings of the pair terms and the
 * actors' mention terms: O(postings of the row's pairs + documents).
 * @return NGIDX_OK, NGIDX_ERR_RANGE, NGIDX_ERR_CORRUPT, NGIDX_ERR_NOMEM.
 */
NGIDX_API int ngidx_cooc_neighbors(const ngidx_index *idx, ngidx_level level, uint32_t a,
                                   const ngidx_filter *f, ngidx_neighbor **out, size_t *n,
                                   ngidx_error *err);

/* The contingency counts of one pair (o11 may be 0). Costs as above. */
NGIDX_API int ngidx_cooc_cell(const ngidx_index *idx, ngidx_level level, uint32_t a, uint32_t b,
                              const ngidx_filter *f, ngidx_cell *cell, ngidx_error *err);

/*
 * ngidx_cooc_matrix - the stored matrix of @level as CSR: row a holds
 * columns cols[rowptr[a] .. rowptr[a+1]) (increasing) with counts; each
 * pair appears in both rows. Pointers into the mapping. @return NGIDX_OK,
 * NGIDX_ERR_ARG (no actors), NGIDX_ERR_CORRUPT. O(1) (checked at open).
 */
NGIDX_API int ngidx_cooc_matrix(const ngidx_index *idx, ngidx_level level,
                                const uint64_t **rowptr, const uint32_t **cols,
                                const uint64_t **counts, ngidx_error *err);

#ifdef __cplusplus
}
#endif
#endif
