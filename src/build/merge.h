/*
 * merge.h - k-way merge of sorted runs into the lexicon, term texts and
 * postings of one key-range partition.
 *
 * Ownership: the caller owns the runs; the partition's output files are
 * written to the paths in merge_out and left for the index writer.
 */
#ifndef NGIDX_BUILD_MERGE_H
#define NGIDX_BUILD_MERGE_H

#include <stdint.h>
#include "run.h"
#include "format/idx_format.h"

typedef struct merge_out {
	char *lex_path, *text_path, *post_path;
	char *act_path;            /* the actor terms: merge_act_rec + text each */
	uint64_t nterms, text_bytes, post_bytes;
	uint64_t nactor_terms;
	uint64_t nterms_n[NGIDX_MAX_N], cf_n[NGIDX_MAX_N];
} merge_out;

/*
 * A term of a partition's lexicon (merge_out.lex_path): its hash (8 bytes,
 * host order), then varints df, cf - df, the length of its text and of its
 * postings, then n (1 byte): 14 bytes for most terms. Offsets are the sums
 * of the lengths before, in the partition's text and postings files.
 */
typedef struct merge_term {
	uint64_t hash, cf, df;
	uint64_t text_off, text_len, post_off, post_len;
	unsigned n;
} merge_term;

#define MERGE_TERM_MAX (8 + 4 * 10 + 1) /* bytes of one term, at most */

/* Write @t (its lengths, not its offsets) at @p; @return the bytes written. */
size_t merge_term_put(unsigned char *p, const merge_term *t);

/* Read the term at *@p (never at or past @end) into @t, which holds the
 * previous term (zeroed before the first): the offsets advance past it.
 * @return 0, or -1 if the bytes are not a term. */
int merge_term_get(const unsigned char **p, const unsigned char *end, merge_term *t);

/* An actor term (idx_format.h) in merge_out.act_path, followed by its text. */
struct merge_act_rec {
	uint32_t df;
	uint32_t text_len;
	uint64_t cf;
};

/*
 * merge_partition - merge the records whose hash top byte is in [lo, hi)
 * of all @nruns runs into one partition of the index.
 *   @runs       IN  the runs, in the order they were written: per worker,
 *                   a run written before another comes before it (a
 *                   document split across runs must meet its pieces in
 *                   order; see run.h)
 *   @lo, @hi    IN  0 <= lo <= hi <= 256
 *   @min_df     IN  n-grams with n >= 2 and fewer documents are dropped,
 *   @min_count  IN  and those with fewer occurrences (actor terms never
 *                   are; they are also listed in out->act_path)
 *   @split_docs IN  nonzero if the build analysed some document in pieces,
 *                   which may then sit in several runs: the df of an n-gram
 *                   found in several runs is counted exactly (a pre-pass
 *                   over its document ids) instead of summed. 0 keeps the
 *                   summing fast path; a split document met there is
 *                   reported as corruption, never indexed wrongly.
 *   @out        IN  the four output paths; OUT the counters
 * The lexicon's terms (merge_term) give the lengths of their texts and
 * postings in this partition's files. The output does not depend on how
 * documents were split or spilled, only on their contents.
 * @return NGIDX_OK, NGIDX_ERR_NOMEM, NGIDX_ERR_IO/NOSPACE (writing),
 * NGIDX_ERR_CORRUPT (a run's contents are inconsistent), NGIDX_ERR_ARG
 * (more than 2^32 documents). Thread-safe for distinct @out (the runs are
 * only read). Memory: three chunks per run (run_cursor, run_in; and one
 * more per run of a group whose df count_docs counts) plus one postings
 * block of the encoder (post_enc.h), whatever the size of a record or a
 * document.
 */
int merge_partition(const run_file *runs, size_t nruns, unsigned lo, unsigned hi,
                    uint32_t min_df, uint32_t min_count, int split_docs, merge_out *out,
                    ngidx_error *err);

#endif
