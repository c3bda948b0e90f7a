/*
 * sieve_fp.c - false-positive rate of a Bloom filter blocked in 64-bit
 * words with K bits per key (the layout of src/build/sieve.h), to choose K:
 *
 *   cc -O2 -o /tmp/sieve_fp bench/sieve_fp.c
 *   for b in 3 5 8 10 16; do for k in 2 3 4 5; do /tmp/sieve_fp $b $k; done; done
 *
 * Fills 2^20 words with 64 * 2^20 / BITS random keys, then queries 10^6
 * other random keys and prints the share that find all their bits set.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state = 88172645463325252ull;

static uint64_t next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state * 0x2545F4914F6CDD1Dull;
}

static uint64_t mask(uint64_t h, int k)
{
	uint64_t m = 0;
	for (int j = 0; j < k; j++)
		m |= 1ull << (h >> (6 * j) & 63);
	return m;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: sieve_fp BITS_PER_KEY K\n");
		return 2;
	}
	const size_t words = (size_t)1 << 20, queries = 1000000;
	double bits = atof(argv[1]);
	int k = atoi(argv[2]);
	size_t n = (size_t)((double)words * 64 / bits);
	uint64_t *f = calloc(words, 8);
	if (!f || k < 1 || k > 10 || bits <= 0)
		return 2;
	for (size_t i = 0; i < n; i++) {
		uint64_t h = next();
		f[(h >> 40) % words] |= mask(h, k);
	}
	size_t fp = 0;
	for (size_t i = 0; i < queries; i++) {
		uint64_t h = next(), m = mask(h, k);
		fp += (f[(h >> 40) % words] & m) == m;
	}
	printf("bits per key %.1f K %d false positives %.4f\n", bits, k, (double)fp / (double)queries);
	free(f);
	return 0;
}
