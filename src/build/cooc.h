/*
 * cooc.h - a document's actor terms (idx_format.h): its mentions and its
 * co-occurrence counters at the document, sentence and window levels.
 *
 * Ownership: the keys point into the cooc_keys' own buffer, valid until the
 * next call on it or cooc_keys_release. One cooc_keys per thread.
 *
 * A document's mentions may come in several calls (a long document is
 * analyzed in pieces): cooc_begin, then cooc_add for each run of mentions
 * in token order, then cooc_end. Each call appends to k[0..nk) the keys it
 * could decide: cooc_add the mention keys and the counters of the sentences
 * and windows its mentions close, cooc_end the rest; cooc_clear empties
 * k[] once they are counted. Memory is bounded by the distinct actors of the
 * document (and of a window), not by its length.
 */
#ifndef NGIDX_BUILD_COOC_H
#define NGIDX_BUILD_COOC_H

#include <stddef.h>
#include "accum.h"
#include "actors/dict.h"

/* Distinct actors of a unit (document or sentence) as they come. */
typedef struct actor_set {
	uint32_t *a;
	size_t n, cap;
	size_t sorted;      /* a[0..sorted) is sorted and distinct */
} actor_set;

typedef struct cooc_keys {
	accum_key *k;
	size_t nk, k_cap;
	char *buf;
	size_t len, buf_cap;
	uint32_t *koff;     /* text offsets in buf while buf may move */
	size_t koff_cap;
	/* the document in progress */
	unsigned window;
	actor_set doc, sent;
	uint32_t cur_sent;  /* the open sentence (sent holds its actors) */
	actor_mention *win; /* mentions within the window of the last one */
	size_t nwin, win_cap;
} cooc_keys;

void cooc_keys_release(cooc_keys *c);

/* Start a document, with no keys; @window is K of the window level. */
void cooc_begin(cooc_keys *c, unsigned window);

/*
 * cooc_add - mentions @m[0..@nm) of the document, in token order after all
 * earlier ones, with absolute token starts and sentence numbers. Pairs of an
 * actor with itself are not counted. @return NGIDX_OK or NGIDX_ERR_NOMEM.
 */
int cooc_add(cooc_keys *c, const actor_mention *m, size_t nm);

/* End the document: the keys of its last sentence and of the document. */
int cooc_end(cooc_keys *c);

/* Forget the keys made so far (the document goes on). */
void cooc_clear(cooc_keys *c);

#endif
