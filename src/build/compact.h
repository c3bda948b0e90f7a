/*
 * compact.h - merging runs of one accumulator into one run.
 *
 * A worker that has spilled RUN_FANIN runs of the same level merges them
 * into one run of the next level (pipeline.c), so that the runs at the
 * end are few and each n-gram's text and header is written once per run
 * of many spills' worth: the temporary disk and the final merge's work
 * grow with the distinct n-grams rather than with the spills.
 */
#ifndef NGIDX_BUILD_COMPACT_H
#define NGIDX_BUILD_COMPACT_H

#include <stddef.h>
#include <stdint.h>
#include "common/err.h"

#define RUN_FANIN 8 /* runs of a level merged into one of the next */
/* The last level: its runs are merged only at the end. A merge holds a
 * record of each input at a time, and a record of level L holds up to
 * RUN_FANIN^L spills' worth of a frequent word (60 KB a spill with
 * --memory 256M): stopping at level 2 keeps what a merge holds a small
 * share of --memory, whatever the size of the corpus. */
#define RUN_TOP_LEVEL 2

/*
 * Merge the runs @in[0, @k) into the run @out. The runs must be those of
 * one accumulator in the order it spilled them: their documents follow one
 * another, a record's documents all at or after those of the same n-gram
 * in an earlier run. A document in two of them (analysed in pieces, with a
 * spill between) becomes a continuation entry. The inputs are read once,
 * their blocks given back to the file system as they are read, and left
 * for the caller to remove. @return NGIDX_OK with *@bytes (if not NULL)
 * the size of @out, or an error (@out removed).
 */
int run_compact(char *const *in, size_t k, const char *out, uint64_t *bytes, ngidx_error *err);

#endif
