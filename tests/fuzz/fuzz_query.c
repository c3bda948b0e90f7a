/*
 * fuzz_query.c - parsing arbitrary bytes as a boolean query (docs.h), then
 * running what parses on a small index with actors (the seed index of the
 * index target): a parse error must point inside the text, a parsed query
 * must run to the end without error on a valid index, and nothing may
 * crash, hang or trip a sanitizer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ngidx/ngidx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ngidx_index *seed_index(void)
{
	static int tried;
	static ngidx_index *idx;
	if (!tried) {
		tried = 1;
		const char *p = getenv("NGIDX_FUZZ_INDEX");
		if (ngidx_index_open(&idx, p ? p : "tests/fuzz/corpus/index/seed2", NULL, NULL))
			idx = NULL;
	}
	return idx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ngidx_query *q;
	size_t where = SIZE_MAX;
	ngidx_error e = { 0 };
	int rc = ngidx_query_parse((const char *)data, size, &q, &where, &e);
	if (rc) {
		if (rc == NGIDX_ERR_QUERY && where > size)
			abort();
		return 0;
	}
	ngidx_index *idx = seed_index();
	for (int rank = 0; idx && rank < 2; rank++) {
		ngidx_docs_opts o;
		ngidx_docs_opts_init(&o);
		o.rank = rank;
		ngidx_docs *d;
		rc = ngidx_query_run(idx, q, &o, &d, &e);
		if (rc) {
			/* an unknown actor is the only query error left at run time */
			if (rc != NGIDX_ERR_QUERY)
				abort();
			break;
		}
		ngidx_docs_hit r;
		int more;
		while ((more = ngidx_docs_next(d, &r, &e)) == 1)
			;
		if (more < 0)
			abort();
		ngidx_docs_free(d);
	}
	ngidx_query_free(q);
	return 0;
}
