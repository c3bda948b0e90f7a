/*
 * assemble.h - the last step of a build: the index file from the merged
 * partitions and the document files.
 *
 * Ownership: borrows everything; writes only the output (atomically).
 */
#ifndef NGIDX_BUILD_ASSEMBLE_H
#define NGIDX_BUILD_ASSEMBLE_H

#include <stdint.h>
#include "merge.h"
#include "ngidx/build.h"
#include "format/idx_format.h"
#include "format/idx_writer.h"

typedef struct assemble_in {
	const ngidx_build_opts *o;
	idx_writer *w;             /* the index, open; its TEXT section written */
	const char *tmpdir;        /* holds "docs", "docstr", "sents" */
	const merge_out *parts;    /* the merge's partitions, in key order */
	size_t nparts;
	struct ngx_info info;      /* document counts in; term counts added */
	uint64_t docstr_len, sents_len, text_len; /* sizes of those files and of TEXT */
	const struct actor_dict *dict; /* NULL: no actor sections */
	int threads;               /* for the tasks of TOPLIST and CONT */
} assemble_in;

/*
 * assemble_index - write the rest of the index through in->w: INFO, the
 * lexicon encoded in blocks (LEXDATA, LEXICON, LEXDIR) from the
 * partitions' terms, TERMTEXT, the document sections, POSTINGS, TOPLIST,
 * NTERMS and CONT, each checksummed; then commit it (fsync, rename), or
 * on failure remove it: nothing is left at the output path but what was
 * there before. @return NGIDX_OK, NGIDX_ERR_IO/NOSPACE/NOMEM.
 */
int assemble_index(assemble_in *in, uint64_t *index_bytes, ngidx_error *err);

#endif
