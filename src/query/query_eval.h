/*
 * query_eval.h - a parsed boolean query as a stream of matching documents,
 * in increasing id, with the occurrences of its positive phrases.
 *
 * Ownership: a qeval borrows its index and its parsed query (both outlive
 * it) and owns its phrase iterators. The public ngidx_query_run (docs.h)
 * adds filters, ranking, offset and limit on top of it.
 *
 * Thread-safety: one qeval per thread.
 */
#ifndef NGIDX_QUERY_EVAL_H
#define NGIDX_QUERY_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include "ngidx/docs.h"
#include "ngidx/index.h"

typedef struct qeval qeval;

/*
 * qeval_open - compile @q against @x: one phrase iterator per operand,
 * combined into AND / OR / AND-NOT streams (see query_eval.c).
 * @return NGIDX_OK, NGIDX_ERR_CORRUPT, NGIDX_ERR_NOMEM.
 * Cost: a few lexicon lookups per operand.
 */
int qeval_open(qeval **out, const ngidx_index *x, const struct ngidx_query *q, ngidx_error *err);

/* Free; NULL is a no-op. */
void qeval_free(qeval *e);

/*
 * qeval_next / qeval_seek - move to the next matching document, or to the
 * first one >= @doc (never backwards).
 * @return 1 (positioned: qeval_doc), 0 (no more), or -NGIDX_ERR_CORRUPT /
 *   -NGIDX_ERR_NOMEM.
 */
int qeval_next(qeval *e, ngidx_error *err);
int qeval_seek(qeval *e, uint32_t doc, ngidx_error *err);
uint32_t qeval_doc(const qeval *e);

/*
 * The query's distinct positive phrases (operands under an even number of
 * NOTs, told apart by their normalized text), numbered 0..qeval_nterms-1
 * in query order.
 */
size_t qeval_nterms(const qeval *e);
const char *qeval_term(const qeval *e, size_t k, size_t *len);

/*
 * qeval_term_tf - occurrences of positive phrase @k in the current
 * document (0 if absent). Answered by the operand's own iterator when it
 * went over the document, else by seeking a second iterator of the
 * phrase; calls for increasing documents cost at most one walk of the
 * phrase's postings.
 * @return NGIDX_OK, NGIDX_ERR_CORRUPT, NGIDX_ERR_NOMEM.
 */
int qeval_term_tf(qeval *e, size_t k, uint32_t *tf, ngidx_error *err);

/*
 * qeval_term_df - documents of the index where positive phrase @k occurs:
 * O(1) from the lexicon when it holds the phrase, else one walk.
 * @return NGIDX_OK, NGIDX_ERR_CORRUPT, NGIDX_ERR_NOMEM.
 */
int qeval_term_df(qeval *e, size_t k, uint64_t *df, ngidx_error *err);

#endif
