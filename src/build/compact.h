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
/* Runs of RUN_TOP_LEVEL or above are merged only while a worker holds more
 * than RUN_MAX_RUNS runs. A merge rewrites its runs, and past level 2 that
 * costs more than the final merge saves (100 MB, --memory 1M: 13.4 and
 * 15.8 s merging up to level 2, 16.3 to 20.4 s merging every level; bench/
 * RESULTS.md, "merges read records in pieces"); the limit keeps
 * the final merge's runs, and its buffers (three chunks a run), bounded
 * whatever the size of the corpus. */
#ifndef RUN_TOP_LEVEL /* both lowered by the weakhash build, to be tested */
#define RUN_TOP_LEVEL 2
#define RUN_MAX_RUNS 64
#endif

/*
 * Merge the runs @in[0, @k) into the run @out. The runs must be those of
 * one accumulator in the order it spilled them: their documents follow one
 * another, a record's documents all at or after those of the same n-gram
 * in an earlier run. A document in two of them (analysed in pieces, with a
 * spill between) becomes a continuation entry. The inputs' blocks are
 * given back to the file system as they are read, and the inputs left for
 * the caller to remove. Memory: three chunks per input (run_cursor), and
 * two 1 MB write buffers. @return NGIDX_OK with *@bytes (if not NULL)
 * the size of @out, or an error (@out removed).
 */
int run_compact(char *const *in, size_t k, const char *out, uint64_t *bytes, ngidx_error *err);
/* The same, its cursors reading @chunk bytes at a time (run_file.chunk). */
int run_compact_chunk(char *const *in, size_t k, size_t chunk, const char *out, uint64_t *bytes,
                      ngidx_error *err);

#endif
