/*
 * toplists.h - the build side of `ngidx top`: the TOPLIST section (the
 * most frequent n-grams of each n, by occurrences and by documents) and
 * the CONT section (for every term, the n-grams one token longer that
 * extend it on the right and on the left), both described in
 * format/idx_format.h.
 *
 * Ownership: a toplists object owns its heaps, its temporary files (in
 * the build's tmpdir, removed by toplists_free) and its external sorts.
 *
 * Use, from the assembler's single pass over the lexicon:
 *   toplists_create(&t, nterms, max_n, tmpdir, memory)
 *   for each partition: toplists_part_begin(t, text_path);
 *       toplists_add(t, id, &entry, text_end) for each of its terms, in
 *       lexicon order (ids 0, 1, 2, ...);
 *     toplists_part_end(t);
 *   toplists_write(t, &writer)   (appends the two sections)
 *   toplists_free(t)
 * Memory: the heaps (2 x max_n x NGX_TOP_K entries with a copy of their
 * text) plus two external sorts of memory / 4 bytes each, whatever the
 * number of terms. Not thread-safe.
 */
#ifndef NGIDX_BUILD_TOPLISTS_H
#define NGIDX_BUILD_TOPLISTS_H

#include <stddef.h>
#include <stdint.h>
#include "format/idx_format.h"
#include "format/idx_writer.h"
#include "ngidx/errors.h"

typedef struct toplists toplists;

/* @return NGIDX_OK or NGIDX_ERR_NOMEM / NGIDX_ERR_IO (the scratch file). */
int toplists_create(toplists **out, uint64_t nterms, unsigned max_n, const char *tmpdir,
                    uint64_t memory, ngidx_error *err);

/* Map the partition's term texts (the offsets of its entries point there);
 * a failure is sticky, returned by toplists_write. */
void toplists_part_begin(toplists *t, const char *text_path);
void toplists_part_end(toplists *t);

/*
 * toplists_add - feed term @id (the next lexicon ordinal) whose entry is
 * @e and whose text ends at @text_end in the partition's text file.
 * Pseudo-terms (text starting with a byte below 0x20) are ignored. Errors
 * are sticky and returned by toplists_write. Cost: O(1) for most terms
 * (a heap update is O(log K)), plus two records for the external sort.
 */
void toplists_add(toplists *t, uint64_t id, const struct ngx_lex_entry *e, uint64_t text_end);

/*
 * toplists_write - finish the sorts and write TOPLIST then CONT through
 * @w. @return NGIDX_OK, NGIDX_ERR_IO/NOSPACE/NOMEM, NGIDX_ERR_CORRUPT (a
 * scratch file damaged on disk).
 */
int toplists_write(toplists *t, idx_writer *w, ngidx_error *err);

/* Free everything and remove the scratch files; NULL is a no-op. */
void toplists_free(toplists *t);

#endif
