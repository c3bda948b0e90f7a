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

/* An actor term (idx_format.h) in merge_out.act_path, followed by its text. */
struct merge_act_rec {
	uint32_t df;
	uint32_t text_len;
	uint64_t cf;
};

/*
 * merge_partition - merge the records whose hash top byte is in [lo, hi)
 * of all @nruns runs. Lexicon entries carry offsets relative to this
 * partition's text and postings files. N-grams with n >= 2 and fewer than
 * @min_df documents are dropped (actor terms never are; they are also
 * listed in out->act_path). @return NGIDX_OK or an error.
 */
int merge_partition(const run_file *runs, size_t nruns, unsigned lo, unsigned hi,
                    uint32_t min_df, merge_out *out, ngidx_error *err);

#endif
