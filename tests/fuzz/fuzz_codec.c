/*
 * fuzz_codec.c - the postings decoders on arbitrary bytes: the first byte
 * picks the block length; a block that decodes must re-encode to no more
 * bytes than it took and decode to the same values.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "codec/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t n = (size_t)(data[0] % NGIDX_BLOCK) + 1;
	const uint8_t *p = data + 1, *end = data + size;
	uint32_t v[NGIDX_BLOCK], w[NGIDX_BLOCK];
	uint8_t enc[4 * NGIDX_BLOCK + 16];
	size_t k = ngidx_pfor_decode(p, end, v, n);
	if (k) {
		if (k > (size_t)(end - p))
			abort();
		size_t e = ngidx_pfor_encode(v, n, enc);
		if (e > ngidx_pfor_bound(n) || ngidx_pfor_decode(enc, enc + e, w, n) != e ||
		    memcmp(v, w, n * sizeof *v) != 0)
			abort();
	}
	uint64_t x;
	while (p < end && ngidx_varint_get(&p, end, &x) == 0)
		;
	return 0;
}
