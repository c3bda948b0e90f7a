/*
 * accum.h - a worker's in-memory n-gram postings accumulator.
 *
 * Ownership: the accumulator owns all its memory; accum_spill writes it to a
 * run file and empties it, keeping the allocations for reuse.
 *
 * One accumulator is used by one thread at a time. Documents must be added
 * in increasing id order (the pipeline gives each accumulator every
 * document, in order, and the accumulator counts the n-grams it owns).
 * Its per-document scratch may also serve, between two of its documents,
 * to find another document's n-grams (accum_grams_of).
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

/* The largest share an accumulator takes: its texts are addressed with 32
 * bits, and a run of 3 GiB is long enough for any corpus. */
#define ACCUM_SHARE_MAX ((uint64_t)3 << 30)

/* Bytes held: the term records, texts and postings, and the hash table
 * (which keeps its size from one spill to the next); 0 when empty. */
uint64_t accum_live(const accum *a);
/* Bytes that adding a document of @t would need at most, besides the
 * table's growth (accum_table_need). */
uint64_t accum_doc_need(const accum *a, const ngidx_tokens *t);
/* Bytes that the table would grow by if @new_terms terms were added: a
 * document adds at most as many terms as it has n-grams and keys. */
uint64_t accum_table_need(const accum *a, uint64_t new_terms);
/* Distinct n-grams held. */
size_t accum_size(const accum *a);

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

/*
 * The n-grams of a whole document, as accum_grams_of finds them (after the
 * sieve, if one is set) and accum_add_grams counts them: the tokens joined
 * by single spaces, where each starts (@tstart[@ntok] is one past the
 * last's end), and per n-gram its hash, first token and token count.
 */
typedef struct accum_grams {
	const char *joined;
	const uint32_t *tstart;
	size_t ntok;
	const uint64_t *hash;
	const uint32_t *start;
	const unsigned char *len;
	size_t k;
} accum_grams;

/* Which of @owners accumulators counts the n-gram of hash @h: they own
 * consecutive ranges of hashes, so that each n-gram is held by one. */
static inline unsigned accum_owner(uint64_t h, unsigned owners)
{
	return (unsigned)(((h >> 32) * owners) >> 32);
}

/*
 * accum_grams_of - the n-grams of document @t, in @g, which points into
 * @a's scratch until its next call: one thread finds them and others may
 * count them (accum_add_grams) from a copy. @return NGIDX_OK or
 * NGIDX_ERR_NOMEM.
 */
int accum_grams_of(accum *a, const ngidx_tokens *t, accum_grams *g);

/*
 * accum_add_grams - count the n-grams @g (all or some of a document's: the
 * pipeline gives each accumulator those it owns, accum_owner) as document
 * @doc. @return NGIDX_OK or NGIDX_ERR_NOMEM.
 */
int accum_add_grams(accum *a, uint32_t doc, const accum_grams *g);

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
 * last given to accum_add_grams or accum_add_range (or a later one). Positions are absolute and, in
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
