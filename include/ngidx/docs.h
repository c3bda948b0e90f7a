/*
 * ngidx/docs.h - boolean document queries: parse a query of phrases and
 * words with AND, OR, NOT and parentheses, then list the documents that
 * match it, filtered by date and metadata, in document order or ranked by
 * BM25.
 *
 * Ownership: a parsed ngidx_query owns a copy of its text and is
 * independent of any index; a running ngidx_docs borrows its index and its
 * query (both must outlive it) and owns its cursors and buffers.
 *
 * Thread-safety: a parsed query is immutable and may be run from several
 * threads at once; an ngidx_docs belongs to one thread at a time.
 */
#ifndef NGIDX_DOCS_H
#define NGIDX_DOCS_H

#include <stddef.h>
#include <stdint.h>
#include "errors.h"
#include "index.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A parsed query. */
typedef struct ngidx_query ngidx_query;

/*
 * ngidx_query_parse - parse @len bytes of @text:
 *
 *     "hanoi summit" AND (kim OR "kim jong un") NOT trade
 *
 * Operands are phrases in double quotes or bare words; operators are AND,
 * OR, NOT (upper case only: "and" is a word) and parentheses. NOT binds
 * tighter than AND, AND tighter than OR; operands side by side are ANDed
 * (`hanoi summit` is hanoi AND summit, not the phrase); `a NOT b` is
 * a AND NOT b; a query may start with NOT (every document without it).
 * Each operand is analyzed as the corpus was; a bare word the analyzer
 * splits (Jong-un) is the phrase of its tokens.
 * @out: OUT the query, to free with ngidx_query_free (NULL on error).
 * @where: OUT, may be NULL: on NGIDX_ERR_QUERY, the byte offset in @text of
 *   the offending character (@len when the query ends too early).
 * @return NGIDX_OK; NGIDX_ERR_QUERY with @err's message "malformed query at
 *   character N: reason" (N counts UTF-8 characters from 1): empty query,
 *   unterminated quote, unbalanced parenthesis, an operator without its
 *   operand, an operand with no word, nesting deeper than 200;
 *   NGIDX_ERR_NOMEM.
 * Cost: linear in @len (each operand is analyzed once).
 */
NGIDX_API int ngidx_query_parse(const char *text, size_t len, ngidx_query **out, size_t *where,
                                ngidx_error *err);

/* Free a parsed query; NULL is a no-op. */
NGIDX_API void ngidx_query_free(ngidx_query *q);

/* Ranking functions (ngidx_docs_opts.rank). */
enum { NGIDX_RANK_NONE = 0, NGIDX_RANK_BM25 = 1 };

/* Options of ngidx_query_run; ngidx_docs_opts_init sets the defaults. */
typedef struct ngidx_docs_opts {
	/* Inclusive date bounds, "YYYY", "YYYY-MM" or "YYYY-MM-DD", or NULL.
	 * When either is given, documents without a date are left out. A
	 * partial document date counts as the start of its period (2019 as
	 * 2019-00-00); a partial @to covers its whole year or month. */
	const char *from, *to;
	/* "FIELD=VALUE" conditions, all of which must hold: the document has
	 * metadata FIELD whose value (a string, or the literal of a number or
	 * boolean) is exactly VALUE. */
	const char *const *where;
	size_t nwhere;
	int rank;        /* NGIDX_RANK_* (default none: document order) */
	double k1, b;    /* BM25 parameters (default 1.2 and 0.75) */
	uint64_t offset; /* results to skip first (default 0) */
	uint64_t limit;  /* at most this many results; 0 = all (default) */
} ngidx_docs_opts;

/* Fill @o with the defaults. */
NGIDX_API void ngidx_docs_opts_init(ngidx_docs_opts *o);

/* A matching document. */
typedef struct ngidx_docs_hit {
	uint32_t doc;          /* document id (ngidx_doc_get) */
	uint64_t occurrences;  /* sum, over the query's distinct positive
	                          phrases (those under an even number of NOTs),
	                          of their occurrences in the document */
	double score;          /* BM25 score when ranked, else 0 */
} ngidx_docs_hit;

/* The documents matching a query on an index. */
typedef struct ngidx_docs ngidx_docs;

/*
 * ngidx_query_run - prepare to list the documents of @idx matching @q that
 * pass the filters of @o (NULL: defaults).
 *
 * Evaluation never reads more postings than it must: AND leads with its
 * rarest operand and seeks the others to its candidates (skipping whole
 * blocks), OR merges, NOT is a seek on the negated operand; a query that
 * is negative as a whole walks every document id and skips the ones its
 * complement matches. Filters are checked per matching document.
 *
 * Ranked by BM25 (o->rank), the score of a document d is the sum over the
 * distinct positive phrases p of
 *     idf(p) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
 * with idf(p) = ln(1 + (N - df + 0.5) / (df + 0.5)), N the documents of
 * the index, df the documents where p occurs, tf its occurrences in d, dl
 * the tokens of d and avgdl the mean tokens per document. Results come by
 * score descending, then document id; they are all scored before the first
 * is returned (O(matches) memory, or O(offset + limit) with a limit).
 * Unranked, results come in increasing document id as they are found.
 *
 * @return NGIDX_OK; NGIDX_ERR_ARG (a malformed date, a where condition
 *   without '=', k1 < 0, b outside [0, 1]); NGIDX_ERR_CORRUPT;
 *   NGIDX_ERR_NOMEM.
 * Cost: a few lexicon lookups per operand; ranking adds a full walk of
 * each positive phrase longer than the index's n-grams (to count its df)
 * and the scoring of every match.
 */
NGIDX_API int ngidx_query_run(const ngidx_index *idx, const ngidx_query *q,
                              const ngidx_docs_opts *o, ngidx_docs **out, ngidx_error *err);

/*
 * ngidx_docs_next - the next result into *@hit.
 * @return 1 (a result), 0 (no more) or a negative -NGIDX_ERR_CORRUPT /
 *   -NGIDX_ERR_NOMEM.
 */
NGIDX_API int ngidx_docs_next(ngidx_docs *d, ngidx_docs_hit *hit, ngidx_error *err);

/* Free; NULL is a no-op. */
NGIDX_API void ngidx_docs_free(ngidx_docs *d);

#ifdef __cplusplus
}
#endif
#endif
