/*
 * post_enc.h - encoder of one term's postings in the index format
 * (blocks of NGIDX_BLOCK documents, skip table; see idx_format.h).
 *
 * Ownership: the encoder owns its scratch buffers (post_enc_release) and
 * borrows the output file.
 *
 * Usage: post_enc_begin, then post_enc_add for every document in strictly
 * increasing order, then post_enc_end. The encoder streams: memory is one
 * block of documents and their positions, whatever the term's size.
 */
#ifndef NGIDX_FORMAT_POST_ENC_H
#define NGIDX_FORMAT_POST_ENC_H

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
	uint32_t *pos;             /* position gaps of the current block */
	size_t npos, pos_cap;
	post_skip *skip;
	size_t nskip, skip_cap;
	uint8_t *scratch;          /* encoded block */
	size_t scratch_cap;
} post_enc;

void post_enc_init(post_enc *e, ngidx_wfile *out);
void post_enc_release(post_enc *e);
void post_enc_begin(post_enc *e, unsigned n, uint64_t df, uint64_t cf);
/* @pos: tf increasing absolute positions (n == 1), else ignored. */
int post_enc_add(post_enc *e, uint32_t doc, uint32_t tf, const uint32_t *pos);
/* Flush the last block and the skip table. @return NGIDX_OK, or
 * NGIDX_ERR_NOMEM, or NGIDX_ERR_INPUT if fewer/more than df documents came. */
int post_enc_end(post_enc *e);

#endif
