/*
 * ngidx/series.h - frequency over time: the occurrences of a phrase, an
 * actor or an actor pair per year, month, ISO week or day, with the corpus
 * tokens of each period, and Gries' DP dispersion of a phrase.
 *
 * Ownership: an ngidx_series borrows its index (which must outlive it) and
 * owns its tables; free it with ngidx_series_free. Arrays passed in are
 * caller-owned and only written.
 *
 * Thread-safety: a built ngidx_series is immutable: any number of threads
 * may call ngidx_series_target / ngidx_series_dispersion on it at once.
 *
 * The model. ngidx_series_create makes one pass over the document table
 * and places every document in a period of the unit:
 *   - a document without a date is left out (counted as undated);
 *   - a dated document outside the filter's bounds is left out (the
 *     bounds mean what they mean in ngidx_filter_dates);
 *   - a date with missing parts cannot be placed in a finer period than
 *     it names: a document dated "2019" is in the yearly series but left
 *     out of the monthly, weekly and daily ones, one dated "2019-03" is in
 *     the yearly and monthly ones only (counted as imprecise);
 *   - every other document is placed in its period.
 * The periods run, all of them, empty ones included, from the period of
 * the lower bound (else of the earliest placed document) to the period of
 * the upper bound (else of the latest placed document). The tokens of a
 * period are the sum of the tokens of the documents placed in it; a
 * target's occurrences and documents in a period count only those
 * documents, so occurrences / tokens is a true relative frequency.
 *
 * Period labels: year "2019"; month "2019-03"; ISO 8601 week "2019-W09"
 * (weeks start on Monday; week 1 is the week holding the year's first
 * Thursday, so 2019-12-30 is in "2020-W01" and 2021-01-03 in "2020-W53":
 * a week belongs to the year of its Thursday); day "2019-03-01".
 */
#ifndef NGIDX_SERIES_H
#define NGIDX_SERIES_H

#include <stddef.h>
#include <stdint.h>
#include "errors.h"
#include "index.h"
#include "actors.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The unit of a series' periods. */
typedef enum ngidx_period_unit {
	NGIDX_BY_YEAR = 0,
	NGIDX_BY_MONTH = 1,
	NGIDX_BY_WEEK = 2,
	NGIDX_BY_DAY = 3
} ngidx_period_unit;

/* "year", "month", "week", "day"; parse accepts those names only.
 * parse @return 0, or -1 for an unknown name. Thread-safe, O(1). */
NGIDX_API const char *ngidx_period_unit_name(ngidx_period_unit u);
NGIDX_API int ngidx_period_unit_parse(const char *s, ngidx_period_unit *u);

/* The periods of one index at one unit, and where each document falls. */
typedef struct ngidx_series ngidx_series;

/* What ngidx_series_create saw in the document table. */
typedef struct ngidx_series_summary {
	uint64_t periods;       /* periods in the range (ngidx_series_periods) */
	uint64_t documents;     /* documents placed in a period */
	uint64_t tokens;        /* their tokens */
	uint64_t undated;       /* documents without a date: left out */
	uint64_t imprecise;     /* dated too coarsely for the unit: left out */
	uint64_t out_of_range;  /* dated outside the filter's bounds: left out */
	uint64_t all_documents; /* every document of the index */
	uint64_t all_tokens;    /* and their tokens */
} ngidx_series_summary;

/*
 * ngidx_series_create - place every document of @idx in a period of @unit
 * (see the model above) and sum the tokens of each period.
 * @idx: IN the index (must outlive the series).
 * @unit: IN the period unit.
 * @f: IN date bounds (NULL or both 0: none; built by ngidx_filter_dates).
 * @out: OUT the series, to free with ngidx_series_free (NULL on error).
 * @return NGIDX_OK; NGIDX_ERR_ARG (an unknown unit, or more than 2^31
 *   periods); NGIDX_ERR_NOMEM.
 * Cost: O(documents + periods) time, 4 bytes per document and 16 per
 * period of memory. Thread-safe (reads the index only).
 */
NGIDX_API int ngidx_series_create(const ngidx_index *idx, ngidx_period_unit unit,
                                  const ngidx_filter *f, ngidx_series **out, ngidx_error *err);

/* Free; NULL is a no-op. */
NGIDX_API void ngidx_series_free(ngidx_series *s);

/* Fill @sum. O(1). */
NGIDX_API void ngidx_series_get_summary(const ngidx_series *s, ngidx_series_summary *sum);

/* The number of periods (0 when no document is placed and a bound is
 * missing, or when the bounds are reversed). O(1). */
NGIDX_API size_t ngidx_series_periods(const ngidx_series *s);

/* The unit the series was created with. O(1). */
NGIDX_API ngidx_period_unit ngidx_series_unit(const ngidx_series *s);

/* One period. */
typedef struct ngidx_period {
	char label[16];        /* "2019", "2019-03", "2019-W09", "2019-03-01" */
	uint32_t start;        /* its first day, YYYYMMDD (a Monday for a week) */
	uint64_t tokens;       /* tokens of the documents placed in it */
	uint64_t documents;    /* documents placed in it */
} ngidx_period;

/*
 * ngidx_series_period - period @i (0 = the earliest) into *@p.
 * @return NGIDX_OK or NGIDX_ERR_RANGE (@i >= ngidx_series_periods).
 * Cost O(1). Thread-safe.
 */
NGIDX_API int ngidx_series_period(const ngidx_series *s, size_t i, ngidx_period *p,
                                  ngidx_error *err);

/*
 * ngidx_series_target - the occurrences and documents of one target in
 * every period.
 * @target: IN @len bytes:
 *   - "@A+@B" (A and B actor ids or aliases, as ngidx_actor_find takes
 *     them): the pair at @level: occurrences are the pair's count at that
 *     level in each document (documents, sentences or close mention pairs
 *     where they meet), documents those where they meet at that level;
 *   - "@A": the actor's mentions (occurrences) and the documents that
 *     mention it;
 *   - anything else: a phrase of any length, analyzed as the corpus was
 *     (occurrences are start positions, as ngidx_count counts them).
 * @level: IN the co-occurrence level of a pair (ignored otherwise).
 * @occurrences, @documents: OUT arrays of ngidx_series_periods(s) entries,
 *   overwritten (either may be NULL).
 * @return NGIDX_OK; NGIDX_ERR_ARG (an unknown actor, an index without
 *   actors, a pair of one actor with itself, an unknown level; the message
 *   names the target); NGIDX_ERR_CORRUPT; NGIDX_ERR_NOMEM.
 * Cost: O(periods + postings of the target) (a phrase longer than max-n:
 * the intersection of its covering n-grams, see query.h). Thread-safe.
 */
NGIDX_API int ngidx_series_target(const ngidx_series *s, const char *target, size_t len,
                                  ngidx_level level, uint64_t *occurrences, uint64_t *documents,
                                  ngidx_error *err);

/*
 * ngidx_series_smooth - centred moving average over 2@k+1 periods, as the
 * Google Ngram Viewer smooths: out[i] is the mean of in[j] for the j in
 * [i-k, i+k] that exist; at the edges the window is cut to the periods in
 * the range and the mean is over the values it holds (so the first value
 * with k = 2 is the mean of in[0..2]). Empty periods count as their value
 * (0). @k = 0 copies. @in and @out must not overlap.
 * Cost O(n): a running sum, so out[i] may differ from a direct mean in the
 * last bits. Thread-safe.
 */
NGIDX_API void ngidx_series_smooth(const double *in, double *out, size_t n, unsigned k);

/* The dispersion of one phrase (ngidx_series_dispersion). */
typedef struct ngidx_dispersion {
	uint64_t occurrences;     /* in the whole index, dated or not */
	uint64_t documents;       /* documents where it occurs */
	uint64_t periods_with;    /* periods where it occurs in a placed document */
	uint64_t periods_nonempty;/* periods holding at least one placed document */
	double periods;           /* periods_with / periods_nonempty (NAN when 0/0) */
	double dp;                /* Gries' DP (NAN when the phrase never occurs) */
} ngidx_dispersion;

/*
 * ngidx_series_dispersion - how evenly @phrase is spread: over the periods
 * of @s (the share of its non-empty periods in which it occurs) and over
 * the documents of the whole index (Gries' DP, every document a part):
 *
 *     DP = 1/2 * sum over documents i of |v_i - s_i|
 *
 * with s_i = the document's share of the corpus tokens and v_i its share
 * of the phrase's occurrences. 0 means spread exactly as the text is;
 * values near 1 mean concentrated in a small part of the corpus (DP is at
 * most 1 - min s_i). Documents without the phrase add s_i each, summed as
 * 1 - (their complement), so the walk is only over the phrase's postings.
 * @phrase: IN @len bytes, analyzed as the corpus was (or "@ID": an actor's
 *   mentions, "@A+@B": a pair at the document level).
 * @return as ngidx_series_target.
 * Cost: O(postings of the phrase + periods). Thread-safe.
 */
NGIDX_API int ngidx_series_dispersion(const ngidx_series *s, const char *phrase, size_t len,
                                      ngidx_dispersion *d, ngidx_error *err);

#ifdef __cplusplus
}
#endif
#endif
