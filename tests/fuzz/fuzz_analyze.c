/*
 * fuzz_analyze.c - the analyzer on arbitrary bytes: never crashes, and its
 * output keeps its invariants (offsets increasing and inside the buffers,
 * source ranges inside the input, sentences increasing).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "text/analyze.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	if (ngidx_analyze(&t, (const char *)data, size, NGIDX_AN_SOURCE | NGIDX_AN_SENTENCES) == 0) {
		for (size_t i = 0; i < t.ntok; i++) {
			if (t.off[i] >= t.off[i + 1] || t.src[2 * i] >= t.src[2 * i + 1] || t.src[2 * i + 1] > size)
				abort();
		}
		for (size_t s = 1; s < t.nsent; s++)
			if (t.sent[s] <= t.sent[s - 1] || t.sent[s] >= t.ntok)
				abort();
		if (ngidx_utf8_check((const char *)data, size) > size)
			abort();
	}
	ngidx_tokens_release(&t);
	return 0;
}
