/*
 * accum.h - a worker's in-memory n-gram postings accumulator.
 *
 * Ownership: the accumulator owns all its memory; accum_spill writes it to a
 * run file and empties it, keeping the allocations for reuse.
 *
 * One accumulator belongs to one thread. Documents must be added in
 * increasing id order (the pipeline guarantees it: a worker takes
 * batches in input order).
 */
#ifndef NGIDX_BUILD_ACCUM_H
#define NGIDX_BUILD_ACCUM_H

#include <stddef.h>
#include <stdint.h>
#include "ngidx/errors.h"
#include "text/analyze.h"

typedef struct accum accum;

/*
 * A new accumulator for n-grams of 1..@max_n tokens that will be spilled
 * when it holds about @share bytes. Its arenas are reserved at that size up
 * front: untouched pages cost no memory, and no arena is ever copied by a
 * reallocation while it grows (only a single document larger than the
 * share makes one grow).
 */
int accum_create(accum **out, unsigned max_n, uint64_t share);
void accum_free(accum *a);
/* Free the per-document scratch (it grows to the largest document seen):
 * between the passes of a build, whose documents may go to other workers. */
void accum_drop_scratch(accum *a);

/* Bytes of live data (what a spill would write, roughly). */
uint64_t accum_live(const accum *a);
/* Bytes that adding a document of @t would need at most. */
uint64_t accum_doc_need(const accum *a, const ngidx_tokens *t);
/* Distinct n-grams held. */
size_t accum_size(const accum *a);

/* Count every n-gram of document @doc. @return NGIDX_OK or NGIDX_ERR_NOMEM. */
int accum_add(accum *a, uint32_t doc, const ngidx_tokens *t);

/*
 * accum_add_range - count a piece of document @doc: the n-grams of @t that
 * end at token @skip or later (tokens before @skip are the end of the
 * previous piece, given again so that n-grams across the cut are counted
 * once), token @skip being at position @base of the document. The same
 * document may be given again, in pieces of increasing positions: a run
 * then holds continuation entries (run.h). @return NGIDX_OK or
 * NGIDX_ERR_NOMEM.
 */
int accum_add_range(accum *a, uint32_t doc, const ngidx_tokens *t, size_t skip, uint32_t base);

struct sieve;

/*
 * The first pass of a two-pass build (sieve.h): insert into @s the n-grams
 * of 2+ tokens that accum_add_range(a, doc, t, skip, base) would count. Only
 * the accumulator's scratch is used. @return NGIDX_OK or NGIDX_ERR_NOMEM.
 */
int accum_sieve_range(accum *a, struct sieve *s, const ngidx_tokens *t, size_t skip);

/* From now on count, of the n-grams of 2+ tokens of accum_add_range, only
 * those @s says may occur twice (NULL: all). Keys are always counted. */
void accum_set_sieve(accum *a, const struct sieve *s);

/*
 * A term given whole rather than cut from the tokens (the actor terms of
 * FORMAT.md): its text, and either one occurrence at token @pos (texts
 * without a space, which keep positions; give them in increasing @pos) or
 * @count occurrences (texts with a space). A text may repeat.
 */
typedef struct accum_key {
	const char *text;
	uint32_t len;
	uint32_t pos;
	uint32_t count;
} accum_key;

/* Bytes that adding @nk keys of @text_bytes bytes in all would need. */
uint64_t accum_keys_need(size_t nk, size_t text_bytes);

/*
 * Count the keys @k[0..@nk) in document @doc, which must be the document
 * last given to accum_add (or a later one). Positions are absolute and, in
 * a piece of a document, lie among the tokens of the last accum_add_range.
 * @return NGIDX_OK or NGIDX_ERR_NOMEM.
 */
int accum_add_keys(accum *a, uint32_t doc, const accum_key *k, size_t nk);

/*
 * accum_spill - write the held n-grams as a sorted run to @path and empty
 * the accumulator. @return NGIDX_OK, NGIDX_ERR_IO/NOSPACE, NGIDX_ERR_NOMEM.
 */
int accum_spill(accum *a, const char *path, uint64_t *bytes, ngidx_error *err);


#endif
