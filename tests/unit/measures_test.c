/*
 * measures_test.c - tests of the association measures
 * (include/ngidx/measures.h, src/actors/measures.c).
 *
 * Known answers come from small tables worked out by hand in the comments
 * (the arithmetic is repeated in README.md, "Measures", for the first one); the
 * random test compares the library with a second implementation written
 * here in a different way: long double, the table as a 2x2 array filled
 * from its margins, chi-square by the closed form
 * N (O11 O22 - O12 O21)² / (R1 R2 C1 C2) and G² by the entropy form
 * 2 (sum O ln O - sum R ln R - sum C ln C + N ln N), with its own
 * checks of what is defined.
 *
 * Random tests print their seed on stderr; NGIDX_SEED=<seed> replays it.
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngidx/measures.h"

#define TEST_NAME "measures"
#include "test_util.h"

/* ---- helpers -------------------------------------------------------------- */

static ngidx_cell cell(uint64_t o11, uint64_t r1, uint64_t c1, uint64_t n, double span)
{
	ngidx_cell c = { o11, r1, c1, n, span };
	return c;
}

/* The same cell seen from B: the marginals swapped. */
static ngidx_cell swapped(ngidx_cell c)
{
	uint64_t t = c.r1;
	c.r1 = c.c1;
	c.c1 = t;
	return c;
}

/* @got and @want agree: both NAN, the same infinity, or within a relative
 * (and, near zero, absolute) tolerance @tol. */
static int same(double got, double want, double tol)
{
	if (isnan(want) || isnan(got))
		return isnan(want) && isnan(got);
	if (isinf(want) || isinf(got))
		return got == want;
	return fabs(got - want) <= tol * fmax(1.0, fabs(want));
}

#define EXPECT(c, m, want)                                                    \
	do {                                                                  \
		double got_ = ngidx_measure_value(&(c), (m));                 \
		cr_expect(same(got_, (want), 1e-12),                          \
		          "%s(o11=%" PRIu64 " r1=%" PRIu64 " c1=%" PRIu64      \
		          " n=%" PRIu64 " span=%g) = %.17g, want %.17g",       \
		          ngidx_measure_name(m), (c).o11, (c).r1, (c).c1,      \
		          (c).n, (c).span, got_, (double)(want));              \
	} while (0)

/* ngidx_measures_all agrees with ngidx_measure_value, bit for bit (NANs
 * compared as NANs). */
static void check_all_matches_one(const ngidx_cell *c)
{
	double all[NGIDX_M_COUNT_];
	ngidx_measures_all(c, all);
	for (int m = 0; m < NGIDX_M_COUNT_; m++) {
		double one = ngidx_measure_value(c, (ngidx_measure)m);
		CHECK((isnan(one) && isnan(all[m])) || one == all[m],
		      "%s: measures_all %.17g, measure_value %.17g", ngidx_measure_name((ngidx_measure)m),
		      all[m], one);
	}
}

/* ---- known answers -------------------------------------------------------- */

/*
 * N = 100 units, A in R1 = 20, B in C1 = 10, both in O11 = 8.
 *   cells:    O11 = 8   O12 = 20 - 8 = 12   O21 = 10 - 8 = 2   O22 = 100 - 20 - 2 = 78
 *   expected: E11 = 20*10/100 = 2   E12 = 20*90/100 = 18
 *             E21 = 80*10/100 = 8   E22 = 80*90/100 = 72
 *   pmi      = log2(8/2) = 2
 *   mi3      = log2(8^3/2) = log2(256) = 8
 *   tscore   = (8-2)/sqrt(8) = 6/2.8284271 = 2.1213203435596424
 *   zscore   = (8-2)/sqrt(2) = 4.242640687119285
 *   ll       = 2 [8 ln(8/2) + 12 ln(12/18) + 2 ln(2/8) + 78 ln(78/72)]
 *            = 2 [11.0903549 - 4.8655813 - 2.7725887 + 6.2433306]
 *            = 2 * 9.6955161 = 19.39103213591441 (positive: O11 > E11)
 *   chi2     = 36/2 + 36/18 + 36/8 + 36/72 = 18 + 2 + 4.5 + 0.5 = 25
 *              (closed form: 100 (8*78 - 12*2)² / (20*80*10*90) = 25)
 *   dice     = 2*8/(20+10) = 16/30 = 0.5333...
 *   logdice  = 14 + log2(16/30) = 14 - 0.9068906 = 13.093109404391482
 *   jaccard  = 8/(20+10-8) = 8/22 = 0.3636...
 *   logratio = log2((8/20) / (2/80)) = log2(0.4/0.025) = log2(16) = 4
 */
Test(measures, hand_2x2)
{
	const ngidx_cell c = cell(8, 20, 10, 100, 1);
	EXPECT(c, NGIDX_M_COUNT, 8);
	EXPECT(c, NGIDX_M_EXPECTED, 2);
	EXPECT(c, NGIDX_M_PMI, 2);
	EXPECT(c, NGIDX_M_MI3, 8);
	EXPECT(c, NGIDX_M_TSCORE, 2.1213203435596424);
	EXPECT(c, NGIDX_M_ZSCORE, 4.242640687119285);
	EXPECT(c, NGIDX_M_LL, 19.39103213591441);
	EXPECT(c, NGIDX_M_CHI2, 25);
	EXPECT(c, NGIDX_M_DICE, 16.0 / 30.0);
	EXPECT(c, NGIDX_M_LOGDICE, 13.093109404391482);
	EXPECT(c, NGIDX_M_JACCARD, 8.0 / 22.0);
	EXPECT(c, NGIDX_M_LOGRATIO, 4);
	check_all_matches_one(&c);

	/* span 0 means span 1 */
	const ngidx_cell z = cell(8, 20, 10, 100, 0);
	for (int m = 0; m < NGIDX_M_COUNT_; m++)
		EXPECT(z, (ngidx_measure)m, ngidx_measure_value(&c, (ngidx_measure)m));
}

/*
 * O11 = 0: N = 50, R1 = 10, C1 = 5.
 *   cells:    O = 0, 10, 5, 35     E = 10*5/50 = 1, 10*45/50 = 9, 40*5/50 = 4, 40*45/50 = 36
 *   pmi, mi3 = log2(0) = -inf;  tscore = (0-1)/sqrt(0) = -inf
 *   zscore   = (0-1)/sqrt(1) = -1
 *   ll       = -2 [0 + 10 ln(10/9) + 5 ln(5/4) + 35 ln(35/36)]
 *            = -2 [1.0536052 + 1.1157178 - 0.9859847] = -2.366684438629881
 *   chi2     = -(1/1 + 1/9 + 1/4 + 1/36) = -1.3888888888888888
 *   dice = 0, logdice = -inf, jaccard = 0
 *   logratio = log2((0.5/10) / (5/40)) = log2(0.05/0.125) = log2(0.4) = -1.3219280948873622
 */
Test(measures, zero_o11)
{
	const ngidx_cell c = cell(0, 10, 5, 50, 1);
	EXPECT(c, NGIDX_M_COUNT, 0);
	EXPECT(c, NGIDX_M_EXPECTED, 1);
	EXPECT(c, NGIDX_M_PMI, -INFINITY);
	EXPECT(c, NGIDX_M_MI3, -INFINITY);
	EXPECT(c, NGIDX_M_TSCORE, -INFINITY);
	EXPECT(c, NGIDX_M_ZSCORE, -1);
	EXPECT(c, NGIDX_M_LL, -2.366684438629881);
	EXPECT(c, NGIDX_M_CHI2, -1.3888888888888888);
	EXPECT(c, NGIDX_M_DICE, 0);
	EXPECT(c, NGIDX_M_LOGDICE, -INFINITY);
	EXPECT(c, NGIDX_M_JACCARD, 0);
	EXPECT(c, NGIDX_M_LOGRATIO, -1.3219280948873622);
	check_all_matches_one(&c);
}

/*
 * O12 = 0 (every unit with A also has B): N = 50, R1 = 4, C1 = 10, O11 = 4.
 *   cells:    O = 4, 0, 6, 40     E = 4*10/50 = 0.8, 4*40/50 = 3.2, 46*10/50 = 9.2, 46*40/50 = 36.8
 *   pmi   = log2(4/0.8) = log2(5) = 2.321928094887362
 *   mi3   = log2(64/0.8) = log2(80) = 6.321928094887363
 *   tscore = (4-0.8)/2 = 1.6;  zscore = 3.2/sqrt(0.8) = 3.577708763999664
 *   ll    = 2 [4 ln 5 + 0 (0 ln 0 = 0) + 6 ln(6/9.2) + 40 ln(40/36.8)]
 *         = 2 [6.4377516 - 2.5642005 + 3.3352881] = 14.416703836673623
 *   chi2  = 3.2²/0.8 + 3.2²/3.2 + 3.2²/9.2 + 3.2²/36.8
 *         = 12.8 + 3.2 + 1.1130435 + 0.2782609 = 17.391304347826093
 *   dice  = 8/14;  logdice = 14 + log2(8/14) = 13.192645077942396
 *   jaccard = 4/(4+10-4) = 0.4
 *   logratio = log2((4/4) / (6/46)) = log2(7.6666667) = 2.9385994553358565
 *   (O21 = 6 is not zero: no 0.5 here; the zero cell O12 does not enter it)
 */
Test(measures, zero_o12)
{
	const ngidx_cell c = cell(4, 4, 10, 50, 1);
	EXPECT(c, NGIDX_M_EXPECTED, 0.8);
	EXPECT(c, NGIDX_M_PMI, 2.321928094887362);
	EXPECT(c, NGIDX_M_MI3, 6.321928094887363);
	EXPECT(c, NGIDX_M_TSCORE, 1.6);
	EXPECT(c, NGIDX_M_ZSCORE, 3.577708763999664);
	EXPECT(c, NGIDX_M_LL, 14.416703836673623);
	EXPECT(c, NGIDX_M_CHI2, 17.391304347826093);
	EXPECT(c, NGIDX_M_DICE, 8.0 / 14.0);
	EXPECT(c, NGIDX_M_LOGDICE, 13.192645077942396);
	EXPECT(c, NGIDX_M_JACCARD, 0.4);
	EXPECT(c, NGIDX_M_LOGRATIO, 2.9385994553358565);
	check_all_matches_one(&c);

	/*
	 * O21 = 0 (seen from B): swap the marginals. logratio becomes
	 * log2((4/10) / (0.5/40)) = log2(0.4/0.0125) = log2(32) = 5, the 0.5
	 * standing in for the zero O21.
	 */
	const ngidx_cell s = swapped(c);
	EXPECT(s, NGIDX_M_LOGRATIO, 5);
}

/* Degenerate tables: no units, a marginal of 0 or N, inconsistent counts,
 * bad spans. */
Test(measures, degenerate)
{
	/* N = 0: nothing is defined but the count. */
	const ngidx_cell empty = cell(0, 0, 0, 0, 1);
	EXPECT(empty, NGIDX_M_COUNT, 0);
	for (int m = 1; m < NGIDX_M_COUNT_; m++)
		EXPECT(empty, (ngidx_measure)m, NAN);
	check_all_matches_one(&empty);

	/* R1 = 0: A never occurs. E11 = 0 and O11 = 0: 0/0 for pmi, mi3,
	 * tscore, zscore; ll and chi2 have no evidence (0); logratio has no
	 * units with A (NAN); dice and jaccard are 0. */
	const ngidx_cell noa = cell(0, 0, 5, 50, 1);
	EXPECT(noa, NGIDX_M_EXPECTED, 0);
	EXPECT(noa, NGIDX_M_PMI, NAN);
	EXPECT(noa, NGIDX_M_MI3, NAN);
	EXPECT(noa, NGIDX_M_TSCORE, NAN);
	EXPECT(noa, NGIDX_M_ZSCORE, NAN);
	EXPECT(noa, NGIDX_M_LL, 0);
	EXPECT(noa, NGIDX_M_CHI2, 0);
	EXPECT(noa, NGIDX_M_DICE, 0);
	EXPECT(noa, NGIDX_M_LOGDICE, -INFINITY);
	EXPECT(noa, NGIDX_M_JACCARD, 0);
	EXPECT(noa, NGIDX_M_LOGRATIO, NAN);
	/* C1 = 0 too: dice is 0/0. */
	const ngidx_cell none = cell(0, 0, 0, 50, 1);
	EXPECT(none, NGIDX_M_DICE, NAN);
	EXPECT(none, NGIDX_M_LOGDICE, NAN);
	EXPECT(none, NGIDX_M_JACCARD, NAN);
	/* B absent, A present: logratio has nothing to measure (NAN). */
	const ngidx_cell nob = cell(0, 5, 0, 50, 1);
	EXPECT(nob, NGIDX_M_LOGRATIO, NAN);

	/* R1 = N: A is in every unit, so B's units are all A's: O11 = C1 = E11.
	 * pmi = 0, tscore = zscore = 0, ll = chi2 = 0; logratio has no unit
	 * without A (NAN). */
	const ngidx_cell full = cell(5, 10, 5, 10, 1);
	EXPECT(full, NGIDX_M_EXPECTED, 5);
	EXPECT(full, NGIDX_M_PMI, 0);
	EXPECT(full, NGIDX_M_TSCORE, 0);
	EXPECT(full, NGIDX_M_ZSCORE, 0);
	EXPECT(full, NGIDX_M_LL, 0);
	EXPECT(full, NGIDX_M_CHI2, 0);
	EXPECT(full, NGIDX_M_LOGRATIO, NAN);
	check_all_matches_one(&full);
	/* Independence exactly: O11 = E11 gives 0 for ll and chi2 (no sign). */
	const ngidx_cell indep = cell(2, 10, 20, 100, 1);
	EXPECT(indep, NGIDX_M_LL, 0);
	EXPECT(indep, NGIDX_M_CHI2, 0);
	EXPECT(indep, NGIDX_M_PMI, 0);

	/* Not a table of units: O11 > R1, O11 > C1, R1 > N, R1 + C1 - O11 > N. */
	const ngidx_cell bad[] = {
		cell(6, 5, 10, 50, 1), cell(6, 10, 5, 50, 1), cell(1, 60, 5, 50, 1),
		cell(0, 30, 30, 50, 1), cell(1, 5, 51, 50, 1),
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		EXPECT(bad[i], NGIDX_M_COUNT, (double)bad[i].o11);
		for (int m = 1; m < NGIDX_M_COUNT_; m++)
			EXPECT(bad[i], (ngidx_measure)m, NAN);
		check_all_matches_one(&bad[i]);
	}

	/* Invalid spans: every measure but count is NAN. */
	const double spans[] = { 0.5, -2, NAN, INFINITY };
	for (size_t i = 0; i < sizeof spans / sizeof spans[0]; i++) {
		const ngidx_cell c = cell(8, 20, 10, 100, spans[i]);
		EXPECT(c, NGIDX_M_COUNT, 8);
		for (int m = 1; m < NGIDX_M_COUNT_; m++)
			EXPECT(c, (ngidx_measure)m, NAN);
	}

	/* Out-of-range measures. */
	const ngidx_cell c = cell(8, 20, 10, 100, 1);
	cr_expect(isnan(ngidx_measure_value(&c, NGIDX_M_COUNT_)));
	cr_expect(isnan(ngidx_measure_value(&c, (ngidx_measure)-1)));
	cr_expect(isnan(ngidx_measure_value(&c, (ngidx_measure)99)));
}

/*
 * Window level: A has R1 = 5 mentions, B has C1 = 4, they form O11 = 3
 * pairs at most K = 10 tokens apart, in N = 1000 tokens; span = 2K = 20.
 *   R1' = 20 * 5 = 100 token positions in A's windows
 *   cells:    O = 3, 100-3 = 97, 4-3 = 1, 1000-100-1 = 899
 *   expected: E11 = 5*4*20/1000 = 0.4, E12 = 100*996/1000 = 99.6,
 *             E21 = 900*4/1000 = 3.6, E22 = 900*996/1000 = 896.4
 *   pmi    = log2(3/0.4) = log2(7.5) = 2.9068905956085187
 *   mi3    = log2(27/0.4) = log2(67.5) = 6.076815597050831
 *   tscore = 2.6/sqrt(3) = 1.501110699893027;  zscore = 2.6/sqrt(0.4) = 4.110960958218893
 *   ll     = 2 [3 ln 7.5 + 97 ln(97/99.6) + 1 ln(1/3.6) + 899 ln(899/896.4)]
 *          = 2 [6.0446200 - 2.5655951 - 1.2809338 + 2.6037860] = 9.603554327055782
 *   chi2   = 2.6² (1/0.4 + 1/99.6 + 1/3.6 + 1/896.4) = 6.76 * 2.7889... = 18.85319053993753
 *   dice   = 6/9, jaccard = 3/6 (mention counts, no span)
 *   logratio = log2((3/100) / (1/900)) = log2(27) = 4.754887502163468
 * Without the span (span 1) E11 would be 0.02: the window scaling is what
 * keeps pmi from calling every nearby pair a strong association.
 */
Test(measures, window)
{
	const ngidx_cell c = cell(3, 5, 4, 1000, 20);
	EXPECT(c, NGIDX_M_EXPECTED, 0.4);
	EXPECT(c, NGIDX_M_PMI, 2.9068905956085187);
	EXPECT(c, NGIDX_M_MI3, 6.076815597050831);
	EXPECT(c, NGIDX_M_TSCORE, 1.501110699893027);
	EXPECT(c, NGIDX_M_ZSCORE, 4.110960958218893);
	EXPECT(c, NGIDX_M_LL, 9.603554327055782);
	EXPECT(c, NGIDX_M_CHI2, 18.85319053993753);
	EXPECT(c, NGIDX_M_DICE, 6.0 / 9.0);
	EXPECT(c, NGIDX_M_LOGDICE, 14 + log2(6.0 / 9.0));
	EXPECT(c, NGIDX_M_JACCARD, 0.5);
	EXPECT(c, NGIDX_M_LOGRATIO, 4.754887502163468);
	check_all_matches_one(&c);

	/* E11 is linear in the span; pmi drops by log2 of the span. */
	const ngidx_cell u = cell(3, 5, 4, 1000, 1);
	EXPECT(u, NGIDX_M_EXPECTED, 0.02);
	EXPECT(u, NGIDX_M_PMI, 2.9068905956085187 + log2(20));

	/* More pairs than B has mentions (B's mentions sit in several of A's
	 * windows): O21 = 4 - 6 < 0. The four-cell measures are NAN, the
	 * others are still defined; jaccard's denominator 5 + 4 - 6 = 3. */
	const ngidx_cell over = cell(6, 5, 4, 1000, 20);
	EXPECT(over, NGIDX_M_PMI, log2(6 / 0.4));
	EXPECT(over, NGIDX_M_LL, NAN);
	EXPECT(over, NGIDX_M_CHI2, NAN);
	EXPECT(over, NGIDX_M_LOGRATIO, NAN);
	EXPECT(over, NGIDX_M_JACCARD, 2);
	EXPECT(over, NGIDX_M_DICE, 12.0 / 9.0);
	/* Jaccard's denominator can reach 0: 2 + 2 - 4. */
	const ngidx_cell jz = cell(4, 2, 2, 1000, 20);
	EXPECT(jz, NGIDX_M_JACCARD, NAN);
	/* A's windows cover more than the text (R1' = 20*60 > 1000): O22 < 0. */
	const ngidx_cell cover = cell(3, 60, 4, 1000, 20);
	EXPECT(cover, NGIDX_M_EXPECTED, 60.0 * 4 * 20 / 1000);
	EXPECT(cover, NGIDX_M_LL, NAN);
	EXPECT(cover, NGIDX_M_LOGRATIO, NAN);
	check_all_matches_one(&over);
	check_all_matches_one(&cover);
}

/* ---- symmetry ------------------------------------------------------------- */

static int symmetric_at(ngidx_measure m, double span)
{
	if (m == NGIDX_M_LOGRATIO)
		return 0;
	if (span > 1 && (m == NGIDX_M_LL || m == NGIDX_M_CHI2))
		return 0;
	return 1;
}

Test(measures, symmetry)
{
	rng r = { test_seed("symmetry") };
	for (int it = 0; it < 100000; it++) {
		const int window = it % 3 == 2;
		const uint64_t n = 1 + rng_below(&r, it % 2 ? 1000000000u : 60u);
		const uint64_t r1 = rng_below(&r, (uint32_t)n + 1), c1 = rng_below(&r, (uint32_t)n + 1);
		uint64_t lo = r1 + c1 > n ? r1 + c1 - n : 0, hi = r1 < c1 ? r1 : c1;
		uint64_t o11 = lo + rng_below(&r, (uint32_t)(hi - lo + 1));
		const double span = window ? 2.0 * (1 + rng_below(&r, 10)) : 1.0;
		const ngidx_cell a = cell(o11, r1, c1, n, span), b = swapped(a);
		double va[NGIDX_M_COUNT_], vb[NGIDX_M_COUNT_];
		ngidx_measures_all(&a, va);
		ngidx_measures_all(&b, vb);
		for (int m = 0; m < NGIDX_M_COUNT_; m++) {
			if (!symmetric_at((ngidx_measure)m, span))
				continue;
			CHECK(same(va[m], vb[m], 1e-12),
			      "%s not symmetric: o11=%" PRIu64 " r1=%" PRIu64 " c1=%" PRIu64 " n=%" PRIu64
			      " span=%g: %.17g vs %.17g",
			      ngidx_measure_name((ngidx_measure)m), o11, r1, c1, n, span, va[m], vb[m]);
		}
	}

	/* The oriented measures really are oriented (so the test above does
	 * not skip them for nothing): R1 = 4, C1 = 10 vs R1 = 10, C1 = 4. */
	const ngidx_cell c = cell(4, 4, 10, 50, 1), s = swapped(c);
	cr_expect(ngidx_measure_value(&c, NGIDX_M_LOGRATIO) != ngidx_measure_value(&s, NGIDX_M_LOGRATIO));
	const ngidx_cell w = cell(3, 5, 4, 1000, 20), ws = swapped(w);
	cr_expect(!same(ngidx_measure_value(&w, NGIDX_M_LL), ngidx_measure_value(&ws, NGIDX_M_LL), 1e-9));
	/* ...and at span 1 ll and chi2 are symmetric on that very table. */
	cr_expect(same(ngidx_measure_value(&c, NGIDX_M_LL), ngidx_measure_value(&s, NGIDX_M_LL), 1e-12));
}

/* ---- names ---------------------------------------------------------------- */

Test(measures, names)
{
	static const char *const want[NGIDX_M_COUNT_] = {
		"count", "expected", "pmi", "mi3", "tscore", "zscore",
		"ll", "chi2", "dice", "logdice", "jaccard", "logratio",
	};
	for (int m = 0; m < NGIDX_M_COUNT_; m++) {
		const char *name = ngidx_measure_name((ngidx_measure)m);
		cr_assert_not_null(name);
		cr_expect_str_eq(name, want[m]);
		ngidx_measure p = NGIDX_M_COUNT_;
		cr_expect_eq(ngidx_measure_parse(name, &p), NGIDX_OK, "%s", name);
		cr_expect_eq(p, (ngidx_measure)m, "%s", name);
	}
	cr_expect_null(ngidx_measure_name(NGIDX_M_COUNT_));
	cr_expect_null(ngidx_measure_name((ngidx_measure)-1));

	static const struct {
		const char *s;
		ngidx_measure m;
	} alias[] = {
		{ "mi", NGIDX_M_PMI },       { "MI", NGIDX_M_PMI },         { "PMI", NGIDX_M_PMI },
		{ "Mi3", NGIDX_M_MI3 },      { "g2", NGIDX_M_LL },          { "llr", NGIDX_M_LL },
		{ "G2", NGIDX_M_LL },        { "log-likelihood", NGIDX_M_LL },
		{ "chisq", NGIDX_M_CHI2 },   { "x2", NGIDX_M_CHI2 },        { "t", NGIDX_M_TSCORE },
		{ "z-score", NGIDX_M_ZSCORE }, { "freq", NGIDX_M_COUNT },   { "frequency", NGIDX_M_COUNT },
		{ "e11", NGIDX_M_EXPECTED }, { "log-dice", NGIDX_M_LOGDICE }, { "LogDice", NGIDX_M_LOGDICE },
		{ "lr", NGIDX_M_LOGRATIO },  { "log-ratio", NGIDX_M_LOGRATIO },
	};
	for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++) {
		ngidx_measure p = NGIDX_M_COUNT_;
		cr_expect_eq(ngidx_measure_parse(alias[i].s, &p), NGIDX_OK, "%s", alias[i].s);
		cr_expect_eq(p, alias[i].m, "%s", alias[i].s);
	}

	static const char *const nope[] = { "", "p mi", "pmi ", "mi4", "log", "chi", "count_", "dicee" };
	for (size_t i = 0; i < sizeof nope / sizeof nope[0]; i++) {
		ngidx_measure p = NGIDX_M_MI3;
		cr_expect_eq(ngidx_measure_parse(nope[i], &p), NGIDX_ERR_ARG, "'%s'", nope[i]);
		cr_expect_eq(p, NGIDX_M_MI3, "'%s' changed the output", nope[i]);
	}
	ngidx_measure p;
	cr_expect_eq(ngidx_measure_parse(NULL, &p), NGIDX_ERR_ARG);
	cr_expect_eq(ngidx_measure_parse("pmi", NULL), NGIDX_ERR_ARG);
}

/* ---- a second implementation ---------------------------------------------- */

/*
 * Every measure from the description in README.md ("Measures"), written another
 * way: long double, the table as O[row][col] built from the margins,
 * chi-square by its closed form and G² by its entropy form.
 */
static void reference(uint64_t o11_, uint64_t r1_, uint64_t c1_, uint64_t n_, double span,
                      double out[NGIDX_M_COUNT_])
{
	typedef long double ld;
	for (int m = 0; m < NGIDX_M_COUNT_; m++)
		out[m] = NAN;
	out[NGIDX_M_COUNT] = (double)o11_;
	if (span == 0)
		span = 1;
	if (!(span >= 1) || isinf(span) || n_ == 0 || r1_ > n_ || c1_ > n_)
		return;
	const ld o11 = (ld)o11_, r1 = (ld)r1_, c1 = (ld)c1_, n = (ld)n_;
	const ld row[2] = { (ld)span * r1, n - (ld)span * r1 };
	const ld col[2] = { c1, n - c1 };
	const ld O[2][2] = { { o11, row[0] - o11 }, { c1 - o11, row[1] - col[0] + o11 } };
	int negative = 0;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			negative |= O[i][j] < 0;
	if (span == 1 && negative)
		return; /* not a table of units */

	const ld e11 = row[0] * col[0] / n;
	out[NGIDX_M_EXPECTED] = (double)e11;
	if (o11 == 0) {
		const double v = e11 > 0 ? -INFINITY : NAN;
		out[NGIDX_M_PMI] = out[NGIDX_M_MI3] = out[NGIDX_M_TSCORE] = v;
	} else {
		out[NGIDX_M_TSCORE] = (double)((o11 - e11) / sqrtl(o11));
		if (e11 > 0) {
			out[NGIDX_M_PMI] = (double)(log2l(o11) - log2l(e11));
			out[NGIDX_M_MI3] = (double)(3 * log2l(o11) - log2l(e11));
		}
	}
	if (e11 > 0)
		out[NGIDX_M_ZSCORE] = (double)((o11 - e11) / sqrtl(e11));
	if (r1 + c1 > 0) {
		out[NGIDX_M_DICE] = (double)(2 * o11 / (r1 + c1));
		out[NGIDX_M_LOGDICE] = o11 == 0 ? -INFINITY : (double)(14 + log2l(2 * o11) - log2l(r1 + c1));
	}
	if (r1 + c1 - o11 > 0)
		out[NGIDX_M_JACCARD] = (double)(o11 / (r1 + c1 - o11));

	if (negative)
		return;
	/* chi2 = N (ad - bc)² / (R1 R2 C1 C2); 0 when a margin is empty. */
	const ld det = O[0][0] * O[1][1] - O[0][1] * O[1][0];
	const ld den = row[0] * row[1] * col[0] * col[1];
	const ld sign = o11 < e11 ? -1 : 1;
	out[NGIDX_M_CHI2] = den > 0 ? (double)(sign * n * det * det / den) : 0.0;
	/* G² = 2 (sum O ln O - sum R ln R - sum C ln C + N ln N), x ln x = 0 at 0. */
	ld g = 0;
#define XLX(x) ((x) > 0 ? (x) * logl(x) : 0.0L)
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			g += XLX(O[i][j]);
	g -= XLX(row[0]) + XLX(row[1]) + XLX(col[0]) + XLX(col[1]);
	g += XLX(n);
#undef XLX
	g = 2 * g;
	if (g < 0)
		g = 0;
	out[NGIDX_M_LL] = (double)(sign * g);
	/* Log Ratio, zero frequencies replaced by 0.5. */
	if (c1 > 0 && row[0] > 0 && row[1] > 0) {
		const ld a = o11 > 0 ? o11 : 0.5L, b = O[1][0] > 0 ? O[1][0] : 0.5L;
		out[NGIDX_M_LOGRATIO] = (double)(log2l(a) - log2l(row[0]) - log2l(b) + log2l(row[1]));
	}
}

/* The tolerance of each measure against the reference. G² by the entropy
 * form cancels catastrophically for large N (terms of N ln N, a result
 * near 0), so ll is compared with an absolute floor that grows with N. */
static int close_enough(int m, double got, double want, uint64_t n)
{
	if (m == NGIDX_M_LL && isfinite(got) && isfinite(want)) {
		const double abs_floor = 1e-13 * (double)n * log((double)n + 2);
		return fabs(got - want) <= 1e-9 * fabs(want) + abs_floor;
	}
	return same(got, want, 1e-9);
}

Test(measures, random_vs_reference)
{
	rng r = { test_seed("random_vs_reference") };
	for (int it = 0; it < 200000; it++) {
		const int kind = (int)rng_below(&r, 6);
		uint64_t n, r1, c1, o11;
		double span = 1;
		if (kind == 5) {
			/* Window level: a big text, few mentions, any pair count up
			 * to what the windows allow (negative cells included). */
			span = 2.0 * (1 + rng_below(&r, 12));
			n = 1 + rng_below(&r, it % 2 ? 100000000u : 400u);
			r1 = rng_zipf(&r, 300);
			c1 = rng_zipf(&r, 300);
			o11 = rng_below(&r, (uint32_t)(r1 < c1 ? r1 : c1) * 3 + 1);
			if (r1 > n) r1 = n;
			if (c1 > n) c1 = n;
		} else {
			const uint32_t scale = kind == 0 ? 12 : kind == 1 ? 1000 : kind == 2 ? 4000000000u : 100000;
			n = rng_below(&r, scale) + (kind == 4 ? 0 : 1);
			r1 = rng_below(&r, (uint32_t)n + 1);
			c1 = rng_below(&r, (uint32_t)n + 1);
			const uint64_t lo = r1 + c1 > n ? r1 + c1 - n : 0, hi = r1 < c1 ? r1 : c1;
			o11 = lo + rng_below(&r, (uint32_t)(hi - lo + 1));
			switch (rng_below(&r, 8)) {
			case 0: o11 = lo; break;                        /* a zero cell */
			case 1: o11 = hi; break;                        /* another */
			case 2: r1 = n; o11 = c1; break;                /* margin = N */
			case 3: if (kind == 4) { o11 = hi + 1; } break; /* inconsistent */
			default: break;
			}
		}
		const ngidx_cell c = cell(o11, r1, c1, n, span);
		double got[NGIDX_M_COUNT_], want[NGIDX_M_COUNT_];
		ngidx_measures_all(&c, got);
		reference(o11, r1, c1, n, span, want);
		for (int m = 0; m < NGIDX_M_COUNT_; m++) {
			CHECK(close_enough(m, got[m], want[m], n),
			      "%s: o11=%" PRIu64 " r1=%" PRIu64 " c1=%" PRIu64 " n=%" PRIu64
			      " span=%g: library %.17g, reference %.17g",
			      ngidx_measure_name((ngidx_measure)m), o11, r1, c1, n, span, got[m], want[m]);
		}
		if (it % 64 == 0)
			check_all_matches_one(&c);
	}
}
