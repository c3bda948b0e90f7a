/*
 * hash.h - the one 64-bit hash of the project (XXH3), behind a wrapper so a
 * test build can swap in a deliberately weak hash.
 *
 * With -DNGIDX_WEAK_HASH every hash keeps only 3 bits, so nearly every pair
 * of n-grams collides: the build, the spill/merge path and the reader must
 * still keep different n-grams apart (they compare the n-gram text whenever
 * hashes are equal). The test suite builds and runs a copy of itself that way.
 */
#ifndef NGIDX_COMMON_HASH_H
#define NGIDX_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

static inline uint64_t ngidx_hash64(const void *p, size_t n)
{
#ifdef NGIDX_WEAK_HASH
	return XXH3_64bits(p, n) & 7u;
#else
	return XXH3_64bits(p, n);
#endif
}

#endif
