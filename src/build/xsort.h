/*
 * xsort.h - external sort of fixed-size records under a byte budget.
 *
 * Ownership: an xsort owns its buffer, its run files (in the tmpdir given
 * at init, removed by xsort_release) and the records it hands out, which
 * stay valid until the next xsort_next call.
 *
 * Use: xsort_init, xsort_add for every record, xsort_finish, then
 * xsort_next until it returns 0, then xsort_release (also on any error,
 * and on a zeroed struct). Every record starts with a u64 key (host
 * order) that the caller's comparison must order first, ascending as an
 * unsigned integer (the sort is a radix sort on it; the comparison only
 * orders records of equal keys). The comparison must be a total order
 * for the output to be deterministic (equal records come out in any
 * order). A NULL comparison sorts by the key alone: records of equal
 * keys then come out in an unspecified (but, for the same input and
 * budget, repeatable) order. Not thread-safe; one sort per thread.
 */
#ifndef NGIDX_BUILD_XSORT_H
#define NGIDX_BUILD_XSORT_H

#include <stddef.h>
#include <stdint.h>
#include "ngidx/errors.h"

typedef int (*xsort_cmp)(const void *a, const void *b);

typedef struct xsort_run xsort_run;

typedef struct xsort {
	size_t rec;              /* record size in bytes */
	xsort_cmp cmp;
	char *dir, *name;        /* run files are "<dir>/<name>-<i>" */
	unsigned char *buf;      /* records not yet spilled */
	size_t n, cap;           /* records in buf, capacity in records */
	size_t pos;              /* in-memory mode: next record of buf */
	xsort_run *runs;         /* spilled runs */
	size_t nruns;
	size_t *heap;            /* merge: run indexes, min-heap on the head */
	size_t nheap;
	int merging;             /* 1 after finish when runs were spilled */
	uint64_t total, spilled_bytes;
	size_t expect;           /* records announced by xsort_expect */
	unsigned key_shift;      /* sort by key >> key_shift (xsort_key_bits) */
} xsort;

/*
 * xsort_init - prepare a sort of @rec-byte records ordered by @cmp; at
 * most @budget bytes are used (half records, half the sort's scratch; at
 * least 64 records), the rest spills as sorted runs to @dir (files named
 * "@name-<i>").
 * @return NGIDX_OK or NGIDX_ERR_NOMEM.
 */
int xsort_init(xsort *s, size_t rec, xsort_cmp cmp, const char *dir, const char *name,
               size_t budget, ngidx_error *err);

/*
 * xsort_expect - announce about @n records, so the buffer is allocated at
 * once (within the budget) instead of grown by copies. Optional.
 */
void xsort_expect(xsort *s, size_t n);

/*
 * xsort_key_bits - order by the top @bits bits of the key only (1..64; the
 * default is 64): fewer radix passes when the caller needs no finer order
 * (equal top bits then count as equal keys). Call before xsort_add.
 */
void xsort_key_bits(xsort *s, unsigned bits);

/*
 * xsort_add - copy one record in; spills a sorted run when the buffer is
 * full. @return NGIDX_OK, NGIDX_ERR_IO, NGIDX_ERR_NOSPACE.
 * Cost: O(1) amortized, plus O(B log B) per spilled run of B records.
 */
int xsort_add(xsort *s, const void *r, ngidx_error *err);

/*
 * xsort_finish - no more records: sort what is buffered and, if runs were
 * spilled, spill it too and open every run for the k-way merge (one read
 * buffer of 64 KiB per run). @return NGIDX_OK, NGIDX_ERR_IO/NOSPACE/NOMEM.
 */
int xsort_finish(xsort *s, ngidx_error *err);

/*
 * xsort_next - the next record in order: @return 1 and *@r pointing at it
 * (valid until the next call), 0 at the end, or a negative -NGIDX_ERR_IO /
 * -NGIDX_ERR_CORRUPT (a run file that fails its checksum).
 */
int xsort_next(xsort *s, const void **r, ngidx_error *err);

/* Free everything and remove the run files. A zeroed xsort is fine. */
void xsort_release(xsort *s);

#endif
