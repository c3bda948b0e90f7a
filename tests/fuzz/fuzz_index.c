/*
 * fuzz_index.c - opening a mutated index file and running every query on
 * it: open, verify, term lookups and iteration, postings with positions,
 * phrase counts of every length, documents and their text, actors and
 * their co-occurrences (stored and date-filtered), top lists, prefixes
 * and wildcards. Any outcome but
 * a crash, a hang or a sanitizer report is fine; a file that verifies must
 * also read without error.
 *
 * Each input is tried twice: as it is, and with its checksums recomputed
 * (section hashes and trailer), so that mutations get past the checksum
 * checks into the structure decoders.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ngidx/ngidx.h"
#define XXH_INLINE_ALL
#include <xxhash.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void queries(const ngidx_index *idx, int verified)
{
	static const char *const phrases[] = { "the", "of the", "the hanoi summit", "kim jong un said",
	                                       "a b c d e f g", "summit summit", "" };
	ngidx_count_result r = { 0 };
	for (size_t i = 0; i < sizeof phrases / sizeof *phrases; i++)
		if (ngidx_count(idx, phrases[i], strlen(phrases[i]), &r, NULL) && verified)
			abort();
	ngidx_count_result_release(&r);
	ngidx_index_info in;
	ngidx_index_get_info(idx, &in);
	for (uint64_t id = 0; id < in.terms && id < 64; id++) {
		ngidx_term t;
		if (ngidx_term_get(idx, id, &t, NULL))
			continue;
		ngidx_term u;
		if (ngidx_term_find(idx, t.text, t.text_len, &u) != 1 && verified)
			abort();
		ngidx_postings *p;
		if (ngidx_postings_open(idx, id, &p, NULL))
			continue;
		int g;
		while ((g = ngidx_postings_next(p, NULL)) == 1) {
			const uint32_t *pos;
			if (t.n == 1 && ngidx_postings_positions(p, &pos, NULL) && verified)
				abort();
		}
		ngidx_postings_free(p);
	}
	char *buf = NULL;
	size_t cap = 0, len;
	for (uint32_t d = 0; d < in.docs && d < 16; d++) {
		ngidx_doc doc;
		if (ngidx_doc_get(idx, d, &doc, NULL) && verified)
			abort();
		if (in.has_text && ngidx_doc_text(idx, d, &buf, &cap, &len, NULL) && verified)
			abort();
	}
	ngidx_buffer_free(buf);
}

static void actor_queries(const ngidx_index *idx, int verified)
{
	ngidx_filter f;
	ngidx_filter_dates(&f, "2019", "2019-06", NULL);
	size_t na = ngidx_actor_count(idx);
	for (uint32_t a = 0; a < na && a < 16; a++) {
		ngidx_actor x;
		if (ngidx_actor_get(idx, a, &x, NULL)) {
			if (verified)
				abort();
			continue;
		}
		for (uint32_t k = 0; k < x.naliases && k < 8; k++) {
			const char *t, *key;
			size_t tl, kl;
			if (ngidx_actor_alias(idx, a, k, &t, &tl, &key, &kl, NULL) && verified)
				abort();
		}
		ngidx_term t;
		if (ngidx_actor_term(idx, a, &t) < 0 && verified)
			abort();
		for (int l = 0; l < 3; l++) {
			ngidx_neighbor *v;
			size_t n;
			ngidx_cell c;
			if (!ngidx_cooc_neighbors(idx, (ngidx_level)l, a, NULL, &v, &n, NULL))
				ngidx_buffer_free(v);
			else if (verified)
				abort();
			if (!ngidx_cooc_neighbors(idx, (ngidx_level)l, a, &f, &v, &n, NULL))
				ngidx_buffer_free(v);
			if (ngidx_cooc_cell(idx, (ngidx_level)l, a, 0, &f, &c, NULL) && verified)
				abort();
		}
	}
	uint32_t a;
	ngidx_actor_find(idx, "@PRK", 4, &a);
	ngidx_actor_find(idx, "kim jong-un", 11, &a);
}

static void top_queries(const ngidx_index *idx, int verified)
{
	static const char *const pats[] = { "the * of", "* summit", "kim *", "*", "a * b * c" };
	ngidx_top_opts o;
	ngidx_top_opts_init(&o);
	o.k = 8;
	ngidx_top_result r = { 0 };
	if (ngidx_top(idx, &o, &r, NULL) && verified)
		abort();
	o.by = NGIDX_TOP_BY_DOCUMENTS;
	o.min_documents = 2;
	ngidx_top(idx, &o, &r, NULL);
	if (ngidx_top_prefix(idx, "the", 3, &o, &r, NULL) && verified)
		abort();
	for (size_t i = 0; i < sizeof pats / sizeof *pats; i++)
		ngidx_top_pattern(idx, pats[i], strlen(pats[i]), &o, &r, NULL);
	ngidx_top_result_release(&r);
}

static void try_file(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/ngidx-fuzz-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return;
	}
	close(fd);
	ngidx_index *idx;
	if (ngidx_index_open(&idx, path, NULL, NULL) == 0) {
		int verified = ngidx_index_verify(idx, NULL) == 0;
		queries(idx, verified);
		actor_queries(idx, verified);
		top_queries(idx, verified);
		ngidx_index_free(idx);
	}
	unlink(path);
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	try_file(data, size);
	if (size < 72)
		return 0;
	uint8_t *d = malloc(size);
	if (!d)
		return 0;
	memcpy(d, data, size);
	uint32_t nsec;
	memcpy(&nsec, d + 40, 4);
	if (nsec <= 64 && 64 + (size_t)nsec * 32 + 8 <= size) {
		for (uint32_t i = 0; i < nsec; i++) {
			uint8_t *e = d + 64 + (size_t)i * 32;
			uint64_t off = le64(e + 8), len = le64(e + 16);
			if (off <= size && len <= size - off) {
				uint64_t h = XXH64(d + off, (size_t)len, 0);
				memcpy(e + 24, &h, 8);
			}
		}
		uint64_t t = XXH64(d, 64 + (size_t)nsec * 32, 0);
		memcpy(d + size - 8, &t, 8);
		try_file(d, size);
	}
	free(d);
	return 0;
}
