/*
 * run.h - sorted runs: the spill files of the build.
 *
 * Ownership: a run_cursor borrows the mapping of its run_file; the run_file
 * owns the mapping.
 *
 * A run holds the postings a worker accumulated since its previous spill,
 * one record per distinct n-gram, sorted by (hash, text bytes):
 *
 *   header   8 B magic "NGXRUN\0\1"
 *   records  u64 hash | u8 n | varint text length | text | varint df |
 *            varint cf | varint postings length | postings
 *   fences   257 u64: fence[k] = offset of the first record whose hash has
 *            top byte >= k (fence[256] = end of records); the merge starts a
 *            key-range partition there without scanning
 *   trailer  u64 record count, u64 offset of the fences, u64 XXH64 of
 *            everything before it (so the file is written in one pass)
 *
 * Postings of a record, per document in increasing order: varint gap
 * (doc - previous doc - 1, the first relative to -1), varint tf, and for
 * unigrams tf varint position gaps (first as is, then pos - prev - 1).
 */
#ifndef NGIDX_BUILD_RUN_H
#define NGIDX_BUILD_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "common/fileio.h"

#define RUN_MAGIC "NGXRUN\0\1"
#define RUN_HEADER 8
#define RUN_TRAILER 24
#define RUN_FENCES 257
#define RUN_DROP (64u << 10) /* bytes read between two ngidx_map_drop */

/* One record, pointing into the mapping. */
typedef struct run_rec {
	uint64_t hash;
	unsigned n;
	const unsigned char *text;
	size_t text_len;
	uint64_t df, cf;
	const unsigned char *post;
	size_t post_len;
} run_rec;

typedef struct run_file {
	ngidx_map map;
	uint64_t nrec;
	uint64_t fence[RUN_FENCES];
} run_file;

/* Map @path and check magic, bounds, fences and checksum. */
int run_file_open(run_file *r, const char *path, ngidx_error *err);
void run_file_close(run_file *r);

typedef struct run_cursor {
	const run_file *f;
	size_t pos, end;      /* byte range still to read */
	size_t dropped;       /* pages before this left the resident set */
	run_rec rec;          /* current record (valid after run_cursor_next) */
} run_cursor;

/* A cursor over the records whose hash top byte is in [lo, hi). */
void run_cursor_init(run_cursor *c, const run_file *f, unsigned lo, unsigned hi);
/* @return 1 with c->rec set, 0 at the end, or NGIDX_ERR_CORRUPT (negated). */
int run_cursor_next(run_cursor *c, ngidx_error *err);

/* Order of records: hash, then text bytes, then length. */
static inline int run_rec_cmp(const run_rec *a, const run_rec *b)
{
	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	size_t m = a->text_len < b->text_len ? a->text_len : b->text_len;
	int c = m ? memcmp(a->text, b->text, m) : 0;
	if (c)
		return c;
	return (a->text_len > b->text_len) - (a->text_len < b->text_len);
}

#endif
