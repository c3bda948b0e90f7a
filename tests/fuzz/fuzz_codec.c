/*
 * fuzz_codec.c - the postings decoders on arbitrary bytes (pfor, Rice,
 * varints): the first byte picks the block length; a block that decodes
 * must re-encode to no more bytes than it took and decode to the same
 * values.
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
	uint8_t enc[8 * NGIDX_BLOCK + 16]; /* the larger of the pfor and Rice bounds */
	size_t k = ngidx_pfor_decode(p, end, v, n);
	if (k) {
		if (k > (size_t)(end - p))
			abort();
		size_t e = ngidx_pfor_encode(v, n, enc);
		if (e > ngidx_pfor_bound(n) || ngidx_pfor_decode(enc, enc + e, w, n) != e ||
		    memcmp(v, w, n * sizeof *v) != 0)
			abort();
	}
	const uint8_t *q = p;
	if (ngidx_rice_decode(&q, end, v, n) == 0) {
		if (q < p || q > end)
			abort();
		size_t e = ngidx_rice_encode(v, n, enc);
		const uint8_t *r = enc;
		if (e > ngidx_rice_bound(n) || e > (size_t)(q - p) ||
		    ngidx_rice_decode(&r, enc + e, w, n) != 0 || r != enc + e ||
		    memcmp(v, w, n * sizeof *v) != 0)
			abort();
	}
	uint64_t x;
	while (p < end && ngidx_varint_get(&p, end, &x) == 0)
		;
	return 0;
}
