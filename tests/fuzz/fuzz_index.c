/*
 * fuzz_index.c - opening a mutated index file and running every query on
 * it: open, verify, term lookups and iteration, postings with positions,
 * phrase counts of every length, documents and their text. Any outcome but
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
