/*
 * cooc.h - a document's actor terms (idx_format.h): its mentions and its
 * co-occurrence counters at the document, sentence and window levels.
 *
 * Ownership: the keys point into the cooc_keys' own buffer, valid until the
 * next cooc_doc_keys or cooc_keys_release. One cooc_keys per thread.
 */
#ifndef NGIDX_BUILD_COOC_H
#define NGIDX_BUILD_COOC_H

#include <stddef.h>
#include "accum.h"
#include "actors/dict.h"

typedef struct cooc_keys {
	accum_key *k;
	size_t nk, k_cap;
	char *buf;
	size_t len, buf_cap;
	uint32_t *koff;     /* text offsets in buf while buf may move */
	size_t koff_cap;
	uint32_t *set;      /* sorted distinct actors of a unit */
	size_t set_cap;
} cooc_keys;

void cooc_keys_release(cooc_keys *c);

/*
 * cooc_doc_keys - the actor terms of a document whose mentions are
 * @m[0..@nm) (token order): one mention key per mention, then the counters.
 * Pairs of an actor with itself are not counted. @window is K of the
 * window level. @return NGIDX_OK or NGIDX_ERR_NOMEM.
 * Cost: O(nm log nm + distinct pairs per document and sentence + window
 * pairs).
 */
int cooc_doc_keys(cooc_keys *c, const actor_mention *m, size_t nm, unsigned window);

#endif
