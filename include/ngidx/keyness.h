/*
 * ngidx/keyness.h - subcorpora of an index, and keyness: the n-grams (or
 * the actors) over- and under-represented in one subcorpus against
 * another.
 *
 * Ownership: a subset and a keyness result own their memory; free them with
 * their free functions. Thread-safety: a subset is read-only once made and
 * may be shared by threads.
 */
#ifndef NGIDX_KEYNESS_H
#define NGIDX_KEYNESS_H

#include <stddef.h>
#include <stdint.h>
#include "errors.h"
#include "index.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A set of documents of one index. */
typedef struct ngidx_subset ngidx_subset;

/*
 * ngidx_subset_parse - the documents of @idx that satisfy every condition
 * of @spec, a comma-separated list of:
 *     date=D          documents dated in period D (YYYY, YYYY-MM or
 *                     YYYY-MM-DD: the whole year, month or day)
 *     date=D1..D2     dated from the start of D1 to the end of D2 (either
 *                     side may be empty: "date=2019..")
 *     FIELD=VALUE     metadata FIELD (JSON Lines) exactly VALUE
 * e.g. "date=2019", "source=Reuters,date=2018..2019-06". "*" (or "") is
 * every document. Undated documents fail any date condition.
 * @return NGIDX_OK; NGIDX_ERR_ARG (a malformed spec; the message says
 * which part); NGIDX_ERR_CORRUPT; NGIDX_ERR_NOMEM. Cost: one pass over the
 * document table (O(documents), not over the text).
 */
NGIDX_API int ngidx_subset_parse(const ngidx_index *idx, const char *spec, ngidx_subset **out,
                                 ngidx_error *err);

/* The documents not in @s (a new subset). @return NGIDX_OK or NGIDX_ERR_NOMEM. */
NGIDX_API int ngidx_subset_complement(const ngidx_subset *s, ngidx_subset **out, ngidx_error *err);

/* Whether document @doc is in @s. O(1). */
NGIDX_API int ngidx_subset_has(const ngidx_subset *s, uint32_t doc);

/*
 * ngidx_subset_next - the first document >= @doc in @s, or UINT32_MAX when
 * there is none. Cost: O(1 + distance / 64) (a scan of the bitmap).
 */
NGIDX_API uint32_t ngidx_subset_next(const ngidx_subset *s, uint32_t doc);

/* Documents and tokens in @s. O(1). */
NGIDX_API uint64_t ngidx_subset_docs(const ngidx_subset *s);
NGIDX_API uint64_t ngidx_subset_tokens(const ngidx_subset *s);

/* Free; NULL is a no-op. */
NGIDX_API void ngidx_subset_free(ngidx_subset *s);

/*
 * ngidx_count_subset - ngidx_count (index.h) within the documents of @s
 * (NULL: all of them, then exactly ngidx_count). The result's occurrences
 * and documents count only documents of @s. Cost: O(postings of the
 * phrase's n-grams), since the lexicon's totals cover the whole index.
 */
NGIDX_API int ngidx_count_subset(const ngidx_index *idx, const char *phrase, size_t len,
                                 const ngidx_subset *s, ngidx_count_result *r, ngidx_error *err);

/*
 * ngidx_term_count_subset - the occurrences (sum of tf) and documents of
 * lexicon term @id (ngidx_term.id) within the documents of @s (NULL: the
 * lexicon's totals, O(1)). Actor terms count as well as n-grams. The walk
 * jumps over runs of documents outside @s with the postings' skip table,
 * so a subset of consecutive documents (a date range of a corpus indexed
 * in date order) decodes only the blocks that overlap it.
 * @return NGIDX_OK, NGIDX_ERR_RANGE (no such term), NGIDX_ERR_CORRUPT.
 * Cost: O(postings of the term) at most; no allocation.
 */
NGIDX_API int ngidx_term_count_subset(const ngidx_index *idx, uint64_t id, const ngidx_subset *s,
                                      uint64_t *occurrences, uint64_t *documents,
                                      ngidx_error *err);

/* One n-gram (or actor) of a keyness list. */
typedef struct ngidx_key_row {
	const char *ngram;      /* tokens joined by spaces, not NUL-ended */
	size_t len;
	unsigned n;
	uint64_t target, reference; /* occurrences on each side */
	double ll;              /* signed G2: > 0 over-represented in the target */
	double logratio;        /* log2 of the ratio of relative frequencies
	                           (0.5 for a zero count) */
	int significant;        /* |G2| above the corrected threshold */
	/* with ngidx_keyness_opts.actors: ngram is the actor's id, n is 0
	 * (n-gram rows: actor UINT32_MAX, name and type NULL) */
	uint32_t actor;         /* its number in the target's index
	                           (UINT32_MAX: only the reference index has it) */
	const char *name, *type; /* display name and type, not NUL-ended */
	size_t name_len, type_len;
} ngidx_key_row;

typedef struct ngidx_keyness_opts {
	unsigned n;             /* n-gram length (default 1) */
	size_t k;               /* rows per side (default 20) */
	int by_logratio;        /* rank by |Log Ratio| instead of |G2| */
	uint64_t min_count;     /* target + reference at least this (default 5) */
	double alpha;           /* family-wise significance level (default 0.05) */
	int actors;             /* compare actor mentions instead of n-grams */
} ngidx_keyness_opts;

NGIDX_API void ngidx_keyness_opts_init(ngidx_keyness_opts *o);

typedef struct ngidx_keyness_result {
	ngidx_key_row *rows;    /* first those favouring the target (strongest
	                           first), then those favouring the reference */
	size_t nrows, ntarget;  /* ntarget: how many rows favour the target */
	uint64_t target_tokens, reference_tokens;
	uint64_t tested;        /* n-grams (or actors) compared: the Bonferroni m */
	double threshold;       /* G2 critical value at alpha / tested */
	void *priv;             /* private: the rows' texts */
} ngidx_keyness_result;

/*
 * ngidx_keyness - compare the n-grams of subset @target of @idx with
 * subset @reference of @ref_idx (the same index, or another one built with
 * the same analyzer; NULL @reference = every document of @ref_idx not in
 * @target when @ref_idx == @idx, else all of @ref_idx).
 * For each n-gram with target + reference >= min_count: the 2x2 table of
 * its occurrences against the other tokens of each side gives G2 (signed)
 * and Log Ratio; significance is |G2| above the chi-square (1 df) critical
 * value at alpha / m (Bonferroni over the m n-grams tested). The k
 * strongest rows of each side come out, ties by text.
 *
 * With o->actors, the items compared are the actors instead (o->n is
 * ignored): a and b are an actor's mentions on each side (the postings of
 * its mention term, "\x01A" in docs/FORMAT.md), against the same token
 * totals, so the table, measures, threshold (m = actors compared) and
 * order are those above. An actor is matched across two indexes by its
 * id. Rows carry the actor's id (as ngram), number, name and type.
 *
 * @return NGIDX_OK, NGIDX_ERR_ARG (n above either index's max n; with
 * actors, an index built without them), NGIDX_ERR_CORRUPT, NGIDX_ERR_NOMEM.
 * Cost: one walk over the postings of every n-gram of length n in @idx
 * (and, with another reference index, a lookup of each of its n-grams):
 * O(postings), seconds on a 1 GB corpus for n = 1. With actors, one walk
 * of each actor's mention postings (and O(actors^2) id comparisons with a
 * second index).
 */
NGIDX_API int ngidx_keyness(const ngidx_index *idx, const ngidx_subset *target,
                            const ngidx_index *ref_idx, const ngidx_subset *reference,
                            const ngidx_keyness_opts *o, ngidx_keyness_result *r,
                            ngidx_error *err);

/* Free the result's rows (not @r itself). */
NGIDX_API void ngidx_keyness_result_release(ngidx_keyness_result *r);

#ifdef __cplusplus
}
#endif
#endif
