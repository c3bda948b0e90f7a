/*
 * measures.c - association measures from a 2x2 contingency table
 * (include/ngidx/measures.h; formulas and a worked example in
 * README.md, "Measures").
 *
 * What it computes. The index keeps, for a pair of actors A and B at one
 * level, O11 (joint count), R1 and C1 (marginals) and N (units). Every
 * measure is a closed formula over the table those four numbers define:
 *
 *     O11 = o11             O12 = R1' - O11          (R1' = span * R1)
 *     O21 = C1 - O11        O22 = N - R1' - C1 + O11
 *     Eij = (row i total) * (column j total) / N
 *
 * with span = 1 at the doc and sentence levels (an ordinary table of
 * units) and span = 2K at the window level, where R1' counts the token
 * positions inside A's windows (Evert's surface co-occurrence table), so
 * that E11 = R1 * C1 * span / N as corpus tools have it.
 *
 * How. prepare() converts the counts to double once, checks them and
 * builds the four observed and expected cells; value() then evaluates one
 * measure from that table, so ngidx_measure_value() and
 * ngidx_measures_all() give bit-identical results. Counts are converted
 * with explicit casts: above 2^53 a count loses its low bits, which no
 * measure can notice (the relative error stays below 2^-53).
 *
 * Invariants and edge cases (the contract is in the header):
 *  - a table that is not one (N = 0, a marginal above N, an invalid span;
 *    at span 1 any negative cell) makes every measure but count NAN. At
 *    span > 1 negative cells are possible in a real index (a mention
 *    pair count can exceed C1 when B's mentions sit in several of A's
 *    windows, and A's windows can cover more positions than the text
 *    has), so they only make the four-cell measures (ll, chi2, logratio)
 *    NAN;
 *  - with every cell >= 0, a cell whose expected value is 0 has O = 0 as
 *    well (E11 = 0 needs R1' = 0 or C1 = 0, and then O11 <= both); such a
 *    cell adds 0 to ll and chi2, as 0 * ln 0 = 0 does in G²;
 *  - a log of zero is -INFINITY (the formula's limit); 0/0 is NAN;
 *  - ll and chi2 take the sign of O11 - E11. Because the marginals are
 *    fixed, O11 = E11 implies every Oij = Eij, so the sign is the only
 *    information lost by the square and nothing is lost by the sum.
 *    Rounding can leave a tiny negative sum; it is clamped to 0 first.
 */
#include "ngidx/measures.h"

#include <math.h>
#include <stddef.h>
#include <strings.h>

/* The table of one pair, in double. */
typedef struct table {
	double o[4];     /* O11, O12, O21, O22 */
	double e[4];     /* E11, E12, E21, E22 */
	double r1, c1, n, r1s;  /* r1s = span * r1 (R1') */
	int valid;       /* a table: every measure is defined by its formula */
	int cells_ok;    /* every cell >= 0 (the four-cell measures apply) */
} table;

static void prepare(const ngidx_cell *c, table *t)
{
	double span = c->span == 0 ? 1.0 : c->span;
	t->r1 = (double)c->r1;
	t->c1 = (double)c->c1;
	t->n = (double)c->n;
	t->r1s = span * t->r1;
	t->valid = c->n > 0 && c->r1 <= c->n && c->c1 <= c->n && isfinite(span) && span >= 1.0;

	const double o11 = (double)c->o11;
	t->o[0] = o11;
	t->o[1] = t->r1s - o11;
	t->o[2] = t->c1 - o11;
	t->o[3] = (t->n - t->r1s) - (t->c1 - o11);
	if (span == 1.0) {
		/* In integers, so that no rounding hides an inconsistency:
		 * O12 = R1 - O11, O21 = C1 - O11, O22 = N - C1 - (R1 - O11). */
		t->cells_ok = c->o11 <= c->r1 && c->o11 <= c->c1 && c->c1 <= c->n &&
		              c->r1 - c->o11 <= c->n - c->c1;
		t->valid = t->valid && t->cells_ok;
	} else {
		t->cells_ok = t->o[1] >= 0 && t->o[2] >= 0 && t->o[3] >= 0;
	}

	if (t->valid) {
		const double r2 = t->n - t->r1s, c2 = t->n - t->c1;
		t->e[0] = t->r1s * t->c1 / t->n;
		t->e[1] = t->r1s * c2 / t->n;
		t->e[2] = r2 * t->c1 / t->n;
		t->e[3] = r2 * c2 / t->n;
	} else {
		t->e[0] = t->e[1] = t->e[2] = t->e[3] = NAN;
	}
}

/* O ln(O/E), with 0 ln 0 = 0; log1p keeps precision when O is close to E. */
static double g2_term(double o, double e)
{
	if (o <= 0 || e <= 0)
		return 0; /* o = 0; or e = 0, which implies o = 0 (see essay) */
	return o * log1p((o - e) / e);
}

/* The signed four-cell statistics: ll (@g2 set) or chi2. */
static double four_cell(const table *t, int g2)
{
	if (!t->cells_ok)
		return NAN;
	double s = 0;
	for (int i = 0; i < 4; i++) {
		if (g2)
			s += g2_term(t->o[i], t->e[i]);
		else if (t->e[i] > 0)
			s += (t->o[i] - t->e[i]) * (t->o[i] - t->e[i]) / t->e[i];
	}
	if (g2)
		s *= 2;
	if (s < 0)
		s = 0; /* rounding: both statistics are sums of non-negative parts */
	return t->o[0] < t->e[0] ? -s : s;
}

static double value(const table *t, ngidx_measure m)
{
	const double o11 = t->o[0], e11 = t->e[0];
	if (!t->valid)
		return NAN;
	switch (m) {
	case NGIDX_M_COUNT:
		return o11;
	case NGIDX_M_EXPECTED:
		return e11;
	case NGIDX_M_PMI:
		if (e11 == 0)
			return NAN; /* 0/0, or O11 > 0 = E11 at span > 1 */
		return log2(o11 / e11); /* -INFINITY for O11 = 0 */
	case NGIDX_M_MI3:
		if (e11 == 0)
			return NAN;
		return log2(o11 * o11 * o11 / e11);
	case NGIDX_M_TSCORE:
		if (o11 == 0)
			return e11 > 0 ? -INFINITY : NAN;
		return (o11 - e11) / sqrt(o11);
	case NGIDX_M_ZSCORE:
		if (e11 == 0)
			return NAN;
		return (o11 - e11) / sqrt(e11);
	case NGIDX_M_LL:
		return four_cell(t, 1);
	case NGIDX_M_CHI2:
		return four_cell(t, 0);
	case NGIDX_M_DICE:
	case NGIDX_M_LOGDICE: {
		const double den = t->r1 + t->c1;
		if (den == 0)
			return NAN;
		const double dice = 2 * o11 / den;
		return m == NGIDX_M_DICE ? dice : 14 + log2(dice);
	}
	case NGIDX_M_JACCARD: {
		const double den = t->r1 + t->c1 - o11;
		return den > 0 ? o11 / den : NAN;
	}
	case NGIDX_M_LOGRATIO: {
		/* Relative frequency of B inside A's units (or windows) over
		 * its relative frequency elsewhere; zero counts become 0.5. */
		const double r2 = t->n - t->r1s;
		if (!t->cells_ok || t->c1 == 0 || t->r1s <= 0 || r2 <= 0)
			return NAN;
		const double a = o11 > 0 ? o11 : 0.5;
		const double b = t->o[2] > 0 ? t->o[2] : 0.5;
		return log2((a / t->r1s) / (b / r2));
	}
	case NGIDX_M_COUNT_:
		break;
	}
	return NAN;
}

double ngidx_measure_value(const ngidx_cell *c, ngidx_measure m)
{
	if (m == NGIDX_M_COUNT)
		return (double)c->o11; /* whatever the rest of the cell holds */
	table t;
	prepare(c, &t);
	return value(&t, m);
}

void ngidx_measures_all(const ngidx_cell *c, double out[NGIDX_M_COUNT_])
{
	table t;
	prepare(c, &t);
	out[NGIDX_M_COUNT] = (double)c->o11;
	for (int m = NGIDX_M_COUNT + 1; m < NGIDX_M_COUNT_; m++)
		out[m] = value(&t, (ngidx_measure)m);
}

/* ---- names ---------------------------------------------------------------- */

static const char *const names[NGIDX_M_COUNT_] = {
	[NGIDX_M_COUNT] = "count",     [NGIDX_M_EXPECTED] = "expected",
	[NGIDX_M_PMI] = "pmi",         [NGIDX_M_MI3] = "mi3",
	[NGIDX_M_TSCORE] = "tscore",   [NGIDX_M_ZSCORE] = "zscore",
	[NGIDX_M_LL] = "ll",           [NGIDX_M_CHI2] = "chi2",
	[NGIDX_M_DICE] = "dice",       [NGIDX_M_LOGDICE] = "logdice",
	[NGIDX_M_JACCARD] = "jaccard", [NGIDX_M_LOGRATIO] = "logratio",
};

static const struct {
	const char *name;
	ngidx_measure m;
} aliases[] = {
	{ "freq", NGIDX_M_COUNT },        { "frequency", NGIDX_M_COUNT },
	{ "f", NGIDX_M_COUNT },           { "e11", NGIDX_M_EXPECTED },
	{ "exp", NGIDX_M_EXPECTED },      { "mi", NGIDX_M_PMI },
	{ "t", NGIDX_M_TSCORE },          { "t-score", NGIDX_M_TSCORE },
	{ "z", NGIDX_M_ZSCORE },          { "z-score", NGIDX_M_ZSCORE },
	{ "g2", NGIDX_M_LL },             { "llr", NGIDX_M_LL },
	{ "loglik", NGIDX_M_LL },         { "log-likelihood", NGIDX_M_LL },
	{ "chisq", NGIDX_M_CHI2 },        { "chi-square", NGIDX_M_CHI2 },
	{ "x2", NGIDX_M_CHI2 },           { "log-dice", NGIDX_M_LOGDICE },
	{ "lr", NGIDX_M_LOGRATIO },       { "log-ratio", NGIDX_M_LOGRATIO },
};

const char *ngidx_measure_name(ngidx_measure m)
{
	/* The cast makes a negative (out of range) value fail the test too. */
	return (unsigned)m < NGIDX_M_COUNT_ ? names[m] : NULL;
}

int ngidx_measure_parse(const char *s, ngidx_measure *m)
{
	if (!s || !m)
		return NGIDX_ERR_ARG;
	for (int i = 0; i < NGIDX_M_COUNT_; i++) {
		if (!strcasecmp(s, names[i])) {
			*m = (ngidx_measure)i;
			return NGIDX_OK;
		}
	}
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
		if (!strcasecmp(s, aliases[i].name)) {
			*m = aliases[i].m;
			return NGIDX_OK;
		}
	}
	return NGIDX_ERR_ARG;
}
