/*
 * sieve_test.c - the first-pass filter of two-pass builds (src/build/sieve.c).
 *
 * 1. No false negatives between threads. Each of 4 OpenMP threads inserts
 *    the same list of random hashes, in the same order and in small
 *    slices so that they race on the same words; then lists of their own.
 *    Every shared hash, and every hash a thread inserts twice, must pass
 *    the sealed sieve. A hash inserted once by one thread passes only as a
 *    false positive: at 16 bits of "seen" and 16 of "twice" per hash they
 *    must be under 2% (a filter that lets everything through fails here).
 *
 * 2. Sizes: a sieve smaller than a word still works (one word each).
 *
 * Random tests print their seed on stderr; NGIDX_SEED=<seed> replays it.
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <omp.h>
#include <stdlib.h>

#include "build/sieve.h"
#include "ngidx/errors.h"

#define TEST_NAME "sieve"
#include "test_util.h"

#define THREADS 4
#define SHARED 200000
#define OWN 100000

Test(sieve, no_false_negatives_between_threads, .timeout = 120)
{
	rng r = { test_seed("no_false_negatives_between_threads") };
	uint64_t *shared = malloc(SHARED * sizeof *shared);
	uint64_t *own = malloc((size_t)THREADS * OWN * sizeof *own);
	cr_assert(shared && own);
	for (size_t i = 0; i < SHARED; i++)
		shared[i] = rng_next(&r);
	for (size_t i = 0; i < (size_t)THREADS * OWN; i++)
		own[i] = rng_next(&r);
	size_t n = SHARED + (size_t)THREADS * OWN;
	sieve *s;
	cr_assert_eq(sieve_create(&s, n * 2, n * 2), NGIDX_OK);
#pragma omp parallel num_threads(THREADS)
	{
		int t = omp_get_thread_num();
		for (size_t i = 0; i < SHARED; i += 64)
			sieve_add(s, shared + i, SHARED - i < 64 ? SHARED - i : 64);
		/* the first tenth of its own list twice, the rest once */
		sieve_add(s, own + (size_t)t * OWN, OWN);
		sieve_add(s, own + (size_t)t * OWN, OWN / 10);
	}
	sieve_seal(s);
	cr_assert_null(s->seen);
	for (size_t i = 0; i < SHARED; i++)
		cr_assert(sieve_maybe_twice(s, shared[i]), "shared hash %zu (%016" PRIx64 ") lost", i,
		          shared[i]);
	size_t fp = 0, once = 0;
	for (size_t t = 0; t < THREADS; t++)
		for (size_t i = 0; i < OWN; i++) {
			int pass = sieve_maybe_twice(s, own[t * OWN + i]);
			if (i < OWN / 10)
				cr_assert(pass, "thread %zu's hash %zu, inserted twice, lost", t, i);
			else {
				once++;
				fp += (size_t)pass;
			}
		}
	cr_assert_lt(fp * 50, once, "%zu of %zu hashes seen once pass", fp, once);
	sieve_free(s);
	free(shared);
	free(own);
}

Test(sieve, tiny)
{
	sieve *s;
	cr_assert_eq(sieve_create(&s, 0, 3), NGIDX_OK);
	cr_assert_eq(s->nseen, 1);
	cr_assert_eq(s->ntwice, 1);
	uint64_t h[3] = { 1, 0x123456789abcdefull, 1 };
	sieve_add(s, h, 3);
	sieve_seal(s);
	cr_assert(sieve_maybe_twice(s, 1));
	sieve_free(s);
}
