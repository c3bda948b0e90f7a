/*
 * ngidx/measures.h - association measures of two actors, computed on demand
 * from the four counts of a 2x2 contingency table.
 *
 * Ownership: nothing to own; the functions read a caller-owned ngidx_cell
 * and return values or static strings.
 *
 * Thread-safety: every function is pure (no state, no allocation), so any
 * number of threads may call them at once.
 *
 * The index stores, per level, O11 (units where A and B meet), R1 and C1
 * (the marginals: units mentioning A, units mentioning B) and N (units).
 * The rest of the table follows:
 *
 *                 B            not B
 *     A        O11          O12 = R1' - O11            R1'
 *     not A    O21 = C1-O11 O22 = N - R1' - C1 + O11   N - R1'
 *              C1           N - C1                     N
 *
 * where R1' = span * R1. For the doc and sentence levels span is 1 and this
 * is the ordinary table of units. For the window level (pairs of mentions
 * whose first tokens are at most K tokens apart) R1 and C1 are mention
 * counts, N is the number of corpus tokens and span = 2K: A's mentions open
 * R1 windows of 2K token positions each, and the table counts token
 * positions inside and outside them (Evert's surface co-occurrence table,
 * the convention of UCS, Sketch Engine and #LancsBox), so that
 * E11 = R1 * C1 * span / N.
 *
 * Formulas, conventions and a worked example: README.md, "Measures". In short:
 *   - logarithms are base 2 (pmi, mi3, logdice, logratio) or natural (the
 *     terms of ll), as in the literature;
 *   - ll (G²) and chi2 are signed: negative when O11 < E11 (the pair meets
 *     less often than chance), so that "higher = stronger attraction"
 *     holds for every measure; their absolute value is the textbook
 *     statistic. No Yates correction;
 *   - a measure whose formula has an infinite limit returns it (log2 of a
 *     zero O11 is -INFINITY); one that is 0/0 or that the table cannot
 *     define returns NAN (test with isnan). The exact cases are listed
 *     with ngidx_measure_value();
 *   - every measure but logratio is symmetric at span 1: swapping A and B
 *     (r1 and c1) gives the same value. logratio always, and ll and chi2
 *     when span > 1, read the table from A's side (A is the node, B the
 *     collocate), as corpus tools do.
 */
#ifndef NGIDX_MEASURES_H
#define NGIDX_MEASURES_H

#include <stdint.h>
#include "errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The measures, in the order of ngidx_measures_all's output and of the
 * columns of `ngidx cooc`. Frozen: append only. */
typedef enum ngidx_measure {
	NGIDX_M_COUNT = 0,    /* "count": O11, the joint frequency */
	NGIDX_M_EXPECTED,     /* "expected": E11 = R1 * C1 * span / N */
	NGIDX_M_PMI,          /* "pmi": log2(O11 / E11) */
	NGIDX_M_MI3,          /* "mi3": log2(O11^3 / E11) */
	NGIDX_M_TSCORE,       /* "tscore": (O11 - E11) / sqrt(O11) */
	NGIDX_M_ZSCORE,       /* "zscore": (O11 - E11) / sqrt(E11) */
	NGIDX_M_LL,           /* "ll": signed G² = ±2 sum O ln(O/E), 4 cells */
	NGIDX_M_CHI2,         /* "chi2": signed sum (O - E)² / E, 4 cells */
	NGIDX_M_DICE,         /* "dice": 2 O11 / (R1 + C1) */
	NGIDX_M_LOGDICE,      /* "logdice": 14 + log2(dice) */
	NGIDX_M_JACCARD,      /* "jaccard": O11 / (R1 + C1 - O11) */
	NGIDX_M_LOGRATIO,     /* "logratio": log2((O11/R1') / (O21/(N-R1'))) */
	NGIDX_M_COUNT_        /* the number of measures, not a measure */
} ngidx_measure;

/* The four counts of a pair at one level, and the window span. */
typedef struct ngidx_cell {
	uint64_t o11;  /* units (or mention pairs) where A and B meet */
	uint64_t r1;   /* units mentioning A (window level: A's mentions) */
	uint64_t c1;   /* units mentioning B (window level: B's mentions) */
	uint64_t n;    /* units (window level: corpus tokens) */
	/* 1 for the doc and sentence levels; 2K for the window level (K the
	 * largest distance between the first tokens of a pair). 0 means 1, so
	 * that a zero-initialized cell is a unit-level cell. Any other value
	 * below 1, or not finite, makes every measure but count NAN. */
	double span;
} ngidx_cell;

/*
 * ngidx_measure_name - the canonical name of a measure: "count",
 * "expected", "pmi", "mi3", "tscore", "zscore", "ll", "chi2", "dice",
 * "logdice", "jaccard", "logratio".
 * @m: IN a measure.
 * @return a static string, or NULL when @m is not a measure (including
 *   NGIDX_M_COUNT_). O(1).
 */
NGIDX_API const char *ngidx_measure_name(ngidx_measure m);

/*
 * ngidx_measure_parse - the measure named @s: a canonical name or one of
 * the aliases "freq", "frequency", "f" (count); "e11", "exp" (expected);
 * "mi" (pmi); "t", "t-score" (tscore); "z", "z-score" (zscore); "g2",
 * "llr", "loglik", "log-likelihood" (ll); "chisq", "chi-square", "x2"
 * (chi2); "log-dice" (logdice); "lr", "log-ratio" (logratio). ASCII case
 * is ignored ("MI3" = "mi3").
 * @s: IN a NUL-terminated string.
 * @m: OUT the measure; left unchanged on failure.
 * @return NGIDX_OK; NGIDX_ERR_ARG when @s or @m is NULL or @s names no
 *   measure. O(length of @s).
 */
NGIDX_API int ngidx_measure_parse(const char *s, ngidx_measure *m);

/*
 * ngidx_measure_value - one measure of the pair described by @c.
 * @c: IN the four counts and the span.
 * @m: IN the measure.
 * @return the value. Edge cases (E11 is R1 * C1 * span / N; the cells are
 * those of the table in this header's comment):
 *   - count is O11 whatever the other fields hold;
 *   - NAN for every other measure when N = 0, R1 > N, C1 > N or the span is
 *     invalid; at span 1 also when a cell of the table is negative
 *     (O11 > R1, O11 > C1 or R1 + C1 - O11 > N: not a table of units);
 *   - NAN when @m is not a measure;
 *   - pmi, mi3, tscore: -INFINITY when O11 = 0 < E11; NAN when
 *     O11 = E11 = 0 (A or B never occurs); at span > 1 NAN also when
 *     O11 > 0 = E11 (impossible for a real index);
 *   - zscore: NAN when E11 = 0;
 *   - ll, chi2: a cell whose E is 0 adds 0 (its O is then 0 too), so both
 *     are 0 when a marginal is 0 or N (no evidence either way); at
 *     span > 1 NAN when a cell is negative (O11 > C1, or A's windows
 *     cover more than N positions: overlapping windows in a short text);
 *   - dice, jaccard: NAN when R1 + C1 = 0; jaccard also when
 *     R1 + C1 - O11 <= 0 (possible at span > 1, where O11 counts pairs and
 *     may exceed a marginal); logdice is -INFINITY when dice is 0;
 *   - logratio: a zero O11 or O21 is replaced by 0.5 (Hardie 2014), so it
 *     stays finite; NAN when C1 = 0, R1' = 0, R1' >= N or a cell is
 *     negative.
 * Cost: O(1), at most eight log() calls (ll). Thread-safe.
 */
NGIDX_API double ngidx_measure_value(const ngidx_cell *c, ngidx_measure m);

/*
 * ngidx_measures_all - every measure of the pair described by @c, with the
 * same values ngidx_measure_value gives one by one.
 * @c: IN the four counts and the span.
 * @out: OUT out[m] for each measure m, NGIDX_M_COUNT to NGIDX_M_LOGRATIO.
 * Cost: O(1), cheaper than NGIDX_M_COUNT_ separate calls (the table and
 * E11 are computed once). Thread-safe.
 */
NGIDX_API void ngidx_measures_all(const ngidx_cell *c, double out[NGIDX_M_COUNT_]);

#ifdef __cplusplus
}
#endif
#endif /* NGIDX_MEASURES_H */
