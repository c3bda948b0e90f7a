/*
 * toplists.h - the build side of `ngidx top`: the TOPLIST section (the
 * most frequent n-grams of each n, by occurrences and by documents) and
 * the CONT section (for every term, the n-grams one token longer that
 * extend it on the right and on the left), both described in
 * format/idx_format.h.
 *
 * Ownership: a toplists object owns its heaps, its temporary files (in
 * the build's tmpdir, removed by toplists_free), the join's chunks and
 * its mappings of the partitions' lexicons and term texts.
 *
 * Use:
 *   toplists_create(&t, parts, nparts, nterms, max_n, tmpdir, memory)
 *       maps the partitions' lexicons and term texts (the assembler may
 *       then remove the files);
 *   toplists_scan(t, p) for every partition p, then toplists_join(t, p)
 *       for every p: the work, one call per partition (join p writes the
 *       continuation lists of the p-th range of buckets to scratch
 *       files), which may run in parallel (OpenMP tasks) beside the
 *       assembler's own;
 *   toplists_lists(t)   merges the partitions' best terms;
 *   toplists_write(t, &writer)   appends TOPLIST, NTERMS and CONT;
 *   toplists_free(t)
 * Memory: the heaps (2 x max_n x NGX_TOP_K entries with a copy of their
 * text), the join's keys and records if they fit in memory / 2 (else one
 * chunk per bucket and partition being filled, memory / 8 in all), and per
 * join task one bucket's join, about memory / 4 / nparts: whatever the
 * number of terms, but for a bucket with a parent of very many
 * continuations (one list is joined and sorted in memory). The calls for
 * different partitions may run at once; toplists_lists and
 * toplists_write come after all of them.
 */
#ifndef NGIDX_BUILD_TOPLISTS_H
#define NGIDX_BUILD_TOPLISTS_H

#include <stddef.h>
#include <stdint.h>
#include "format/idx_format.h"
#include "format/idx_writer.h"
#include "merge.h"
#include "ngidx/errors.h"

typedef struct toplists toplists;

/* The terms are those of the partitions @parts[0..@nparts) in order,
 * @nterms in all. @return NGIDX_OK, NGIDX_ERR_NOMEM, NGIDX_ERR_IO (a
 * scratch file, a partition's file). */
int toplists_create(toplists **out, const merge_out *parts, size_t nparts, uint64_t nterms,
                    unsigned max_n, const char *tmpdir, uint64_t memory, ngidx_error *err);

/* The number of partitions: toplists_scan and toplists_join take 0..n-1. */
size_t toplists_parts(const toplists *t);

/*
 * toplists_scan - read partition @p's terms (pseudo-terms, whose text
 * starts with a byte below 0x20, are left out): keep the best of each n,
 * and gather the keys and records of the continuation lists' join by
 * bucket. Errors are kept
 * and returned by toplists_lists. Any partitions' calls may run at once.
 */
void toplists_scan(toplists *t, size_t p);

/* toplists_join - once every partition is scanned: join task @p, the
 * continuation lists of the p-th range of buckets (whichever partitions
 * hold their terms).
 * Errors are kept for toplists_lists. Any partitions' calls may run at
 * once. */
void toplists_join(toplists *t, size_t p);

/*
 * toplists_lists - once every partition is joined: merge the partitions'
 * best terms. @return
 * the first error of all the calls so far in partition order, or of its
 * own: NGIDX_OK, NGIDX_ERR_IO/NOSPACE/NOMEM, NGIDX_ERR_CORRUPT (a scratch
 * file damaged on disk).
 */
int toplists_lists(toplists *t, ngidx_error *err);

/* toplists_write - after toplists_lists succeeded: append TOPLIST,
 * NTERMS and CONT through @w. @return NGIDX_OK or NGIDX_ERR_IO/NOSPACE. */
int toplists_write(toplists *t, idx_writer *w, ngidx_error *err);

/* Free everything and remove the scratch files; NULL is a no-op. */
void toplists_free(toplists *t);

#endif
