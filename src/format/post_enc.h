/*
 * post_enc.h - encoder of one term's postings in the index format
 * (blocks of NGIDX_BLOCK documents, skip table; see idx_format.h).
 *
 * Ownership: the encoder owns its scratch buffers (post_enc_release) and
 * borrows the output file.
 *
 * Usage: post_enc_begin, then for every document in strictly increasing
 * order either post_enc_add (the document and all its positions at once)
 * or post_enc_add_doc followed, for unigrams, by post_enc_add_pos calls
 * that deliver its tf positions in as many pieces as the caller likes;
 * then post_enc_end. The two ways may be mixed and give the same bytes.
 *
 * The encoder streams: memory is one block of document ids and tf, plus
 * the block's positions already encoded (full runs of NGIDX_BLOCK gaps are
 * pfor-coded as soon as they are complete, so positions cost about their
 * encoded size, one or two bytes each, never 4 or 8), plus fewer than
 * NGIDX_BLOCK pending gaps. A block holding one document with ten million
 * occurrences therefore needs some 15 MB, not 80.
 *
 * Errors are reported, never fatal, but after an error the encoder's state
 * is undefined until the next post_enc_begin; the output file (sticky
 * errors, fileio.h) should then be abandoned. Not thread-safe: one encoder
 * per thread.
 */
#ifndef NGIDX_FORMAT_POST_ENC_H
#define NGIDX_FORMAT_POST_ENC_H

#include <stddef.h>
#include <stdint.h>
#include "codec/codec.h"
#include "common/fileio.h"

typedef struct post_skip {
	uint64_t off;
	uint32_t last;
} post_skip;

typedef struct post_enc {
	ngidx_wfile *out;
	unsigned n;
	uint64_t df, cf;
	uint64_t start;            /* out->written when the term began */
	uint32_t docs[NGIDX_BLOCK], tfs[NGIDX_BLOCK];
	size_t nb;                 /* documents in the current block */
	int64_t prev_last;         /* last document of the previous block */
	uint64_t added;            /* documents added so far */
	uint64_t tf_sum;           /* their occurrences */
	/* Positions of the current block (n == 1): the complete runs of
	 * NGIDX_BLOCK gaps, pfor-coded in @pbuf, then @nrun pending gaps. */
	uint8_t *pbuf;
	size_t plen, pcap;
	uint32_t run[NGIDX_BLOCK];
	size_t nrun;
	uint32_t pprev1;           /* previous position of the document + 1 */
	uint32_t pos_left;         /* positions the current document still owes */
	post_skip *skip;
	size_t nskip, skip_cap;
	uint8_t *scratch;          /* encoded doc gaps or tf of a block */
	size_t scratch_cap;
} post_enc;

/* Make @e an empty encoder writing to @out (no allocation; cannot fail). */
void post_enc_init(post_enc *e, ngidx_wfile *out);

/* Free @e's buffers; @e may then be initialised again. */
void post_enc_release(post_enc *e);

/*
 * post_enc_begin - start the postings of a term.
 *   @n    IN  tokens in the n-gram: positions are stored for n == 1 only
 *   @df   IN  the exact number of documents that will be added
 *   @cf   IN  the exact number of occurrences they will add
 *             (df and cf decide whether tf is stored: not when df == 1 or
 *             cf == df; post_enc_end checks both)
 * Any unfinished term is forgotten. Cost O(1).
 */
void post_enc_begin(post_enc *e, unsigned n, uint64_t df, uint64_t cf);

/*
 * post_enc_add_doc - add document @doc with @tf occurrences.
 *   @doc  IN  greater than the previous document of the term
 *   @tf   IN  occurrences in @doc; for n == 1 exactly @tf positions must
 *             follow through post_enc_add_pos before the next document
 *             (or post_enc_end)
 * Writes the previous block if it is full.
 * @return NGIDX_OK, NGIDX_ERR_NOMEM, or NGIDX_ERR_INPUT if the previous
 * document did not receive all its positions. Cost O(1), plus the write of
 * a block every NGIDX_BLOCK documents.
 */
int post_enc_add_doc(post_enc *e, uint32_t doc, uint32_t tf);

/*
 * post_enc_add_pos - the next @n positions of the current document (n == 1
 * terms only).
 *   @pos  IN  @n absolute token positions, increasing, each greater than
 *             the ones given before for this document (not checked: the
 *             caller decodes them from an ordered source; see merge.c)
 *   @n    IN  0 .. what the document still owes
 * @return NGIDX_OK, NGIDX_ERR_NOMEM, or NGIDX_ERR_INPUT if @n exceeds what
 * the document still owes (always the case for n >= 2 terms). Cost O(@n);
 * memory grows by the encoded size of the positions only.
 */
int post_enc_add_pos(post_enc *e, const uint32_t *pos, size_t n);

/*
 * post_enc_add - post_enc_add_doc then, for n == 1, post_enc_add_pos of
 * all @tf positions at @pos (ignored, and may be NULL, for n >= 2).
 * @return as those two.
 */
int post_enc_add(post_enc *e, uint32_t doc, uint32_t tf, const uint32_t *pos);

/*
 * post_enc_end - write the last block and the skip table.
 * @return NGIDX_OK, NGIDX_ERR_NOMEM, or NGIDX_ERR_INPUT if fewer or more
 * than df documents came, their tf do not add up to cf, or the last one
 * lacks positions. Cost O(number
 * of blocks).
 */
int post_enc_end(post_enc *e);

#endif
