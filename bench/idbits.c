/*
 * idbits.c - how far the document ids of an index's postings are from what
 * any code could do, and what other codes of the lists under 128 documents
 * (now varints: bench/RESULTS.md, "document-id bits") would take.
 *
 *   make build/libngidx.a
 *   cc -O2 -Iinclude -o /tmp/idbits bench/idbits.c build/libngidx.a -fopenmp \
 *       -lutf8proc -lzstd -lz -lm
 *   /tmp/idbits INDEX
 *
 * For every postings list of df documents among N, the bound is
 * log2 C(N, df) bits: the information in a set of df documents drawn at
 * random (real lists are clustered, so a code can beat it, but no code
 * reaches it by much on lists spread over a corpus). Printed per list
 * length class: postings, the bound, varints (a gap's 7-bit groups) and,
 * per list, a Rice code with the best parameter k (q + 1 + k bits per gap,
 * q = gap >> k, plus 5 bits for k) and binary packing (the width of the
 * largest gap, plus 5 bits for it).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ngidx/ngidx.h"

#define CLASSES 6
static const uint32_t upper[CLASSES] = { 1, 2, 8, 32, 127, UINT32_MAX };
static const char *const label[CLASSES] = { "1", "2", "3-8", "9-32", "33-127", "128+" };

typedef struct acc {
	double postings, bound, varint, rice, packed;
} acc;

static double log2_binom(double n, double k)
{
	return (lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)) / log(2);
}

static unsigned varint_bits(uint32_t v)
{
	unsigned b = 8;
	while (v >= 128) {
		v >>= 7;
		b += 8;
	}
	return b;
}

static unsigned width(uint32_t v) { return v ? 32 - (unsigned)__builtin_clz(v) : 0; }

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: idbits INDEX\n");
		return 2;
	}
	ngidx_index *idx;
	ngidx_error err;
	if (ngidx_index_open(&idx, argv[1], NULL, &err)) {
		fprintf(stderr, "idbits: %s\n", err.msg);
		return 1;
	}
	ngidx_index_info info;
	ngidx_index_get_info(idx, &info);
	double N = (double)info.docs;
	acc a[CLASSES] = { 0 };
	uint32_t *gap = NULL;
	size_t cap = 0;
	for (uint64_t id = 0; id < info.terms; id++) {
		ngidx_postings *p;
		if (ngidx_postings_open(idx, id, &p, &err)) {
			fprintf(stderr, "idbits: %s\n", err.msg);
			return 1;
		}
		size_t df = 0;
		uint32_t prev1 = 0;
		int rc;
		while ((rc = ngidx_postings_next(p, &err)) == 1) {
			if (df == cap) {
				cap = cap ? 2 * cap : 1024;
				gap = realloc(gap, cap * sizeof *gap);
				if (!gap)
					return 1;
			}
			uint32_t d = ngidx_postings_doc(p);
			gap[df++] = d + 1 - prev1; /* >= 1; the first id + 1 */
			prev1 = d + 1;
		}
		ngidx_postings_free(p);
		if (rc < 0) {
			fprintf(stderr, "idbits: %s\n", err.msg);
			return 1;
		}
		int c = 0;
		while (df > upper[c])
			c++;
		a[c].postings += (double)df;
		a[c].bound += log2_binom(N, (double)df);
		uint32_t max = 0;
		double sum = 0;
		for (size_t i = 0; i < df; i++) {
			a[c].varint += varint_bits(gap[i] - 1);
			max = gap[i] > max ? gap[i] : max;
			sum += gap[i];
		}
		a[c].packed += 5 + (double)df * width(max - 1);
		double best = INFINITY;
		for (unsigned k = 0; k < 24; k++) {
			double bits = 5;
			for (size_t i = 0; i < df; i++)
				bits += (double)((gap[i] - 1) >> k) + 1 + k;
			best = bits < best ? bits : best;
		}
		a[c].rice += best;
		(void)sum;
	}
	printf("documents %.0f, terms %llu\n", N, (unsigned long long)info.terms);
	printf("df\tpostings\tbound\tvarint\trice\tpacked\t(bits per posting)\n");
	acc t = { 0 };
	for (int c = 0; c < CLASSES; c++) {
		if (!a[c].postings)
			continue;
		double n = a[c].postings;
		printf("%s\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\n", label[c], n, a[c].bound / n, a[c].varint / n,
		       a[c].rice / n, a[c].packed / n);
		t.postings += n;
		t.bound += a[c].bound;
		t.varint += a[c].varint;
		t.rice += a[c].rice;
		t.packed += a[c].packed;
	}
	printf("all\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\n", t.postings, t.bound / t.postings,
	       t.varint / t.postings, t.rice / t.postings, t.packed / t.postings);
	free(gap);
	ngidx_index_free(idx);
	return 0;
}
