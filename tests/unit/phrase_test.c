/*
 * phrase_test.c - the phrase iterator against brute force.
 *
 * A phrase that the lexicon does not hold as one term is checked in each
 * candidate document with as few words' positions as the frequencies of
 * the words and of the phrase's windows allow (src/query/phrase.c). The
 * shortcuts are only right if every case of "a window occurs as often as
 * one of its words" is handled, so these corpora are made to have many:
 * vocabularies of 2 to 40 words, documents that repeat a few words or
 * one phrase with overlaps, and phrases of 1 to 14 words taken from the
 * documents (often with one word changed). Indexes vary --max-n (1 to 4),
 * --min-count and --min-df, so windows are there, missing or pruned.
 *
 * Every phrase is walked twice: next() over all documents (each document's
 * occurrences, start positions when asked for in about half of them, and
 * the documents without any), then seek() to random targets. ngidx_count
 * must give the same totals. NGIDX_SEED replays a run.
 */
#define TEST_NAME "phrase"
#include "test_util.h"

#include "ngidx/build.h"
#include "ngidx/index.h"
#include "ngidx/query.h"

#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DOCS 160
#define MAX_LEN 90

static const char *const WORDS[] = {
	"ka", "kb", "kc", "kd", "ke", "kf", "kg", "kh", "ki", "kj", "kk", "kl", "km", "kn",
	"ko", "kp", "kq", "kr", "ks", "kt", "ku", "kv", "kw", "kx", "ky", "kz", "la", "lb",
	"lc", "ld", "le", "lf", "lg", "lh", "li", "lj", "lk", "ll", "lm", "ln",
};

typedef struct corpus {
	size_t ndocs;
	uint8_t len[MAX_DOCS];
	uint8_t w[MAX_DOCS][MAX_LEN]; /* word indexes */
} corpus;

static void make_corpus(rng *r, corpus *c, unsigned nwords)
{
	c->ndocs = 20 + rng_below(r, MAX_DOCS - 20);
	uint8_t motif[8];
	unsigned mlen = 2 + rng_below(r, 6);
	for (unsigned i = 0; i < mlen; i++)
		motif[i] = (uint8_t)rng_zipf(r, nwords);
	for (size_t d = 0; d < c->ndocs; d++) {
		unsigned len = rng_below(r, 8) == 0 ? rng_below(r, 3) : rng_below(r, MAX_LEN + 1);
		unsigned i = 0;
		while (i < len) {
			unsigned kind = rng_below(r, 10);
			if (kind < 2) { /* the motif, possibly cut or overlapping itself */
				unsigned from = rng_below(r, mlen);
				for (unsigned k = from; k < mlen && i < len; k++)
					c->w[d][i++] = motif[k];
			} else if (kind < 3 && i >= 2) { /* repeat the last two words */
				unsigned times = 1 + rng_below(r, 3);
				uint8_t a = c->w[d][i - 2], b = c->w[d][i - 1];
				for (unsigned k = 0; k < times && i + 1 < len; k++) {
					c->w[d][i++] = a;
					c->w[d][i++] = b;
				}
				if (i + 1 >= len && i < len)
					c->w[d][i++] = a;
			} else {
				c->w[d][i++] = (uint8_t)rng_zipf(r, nwords);
			}
		}
		c->len[d] = (uint8_t)len;
	}
}

/* One document per JSON line: {"id":"<d>","text":"..."} */
static void write_corpus(const corpus *c, const char *path)
{
	sbuf b = { 0 };
	char id[48];
	for (size_t d = 0; d < c->ndocs; d++) {
		snprintf(id, sizeof id, "{\"id\":\"%zu\",\"text\":\"", d);
		sb_puts(&b, id);
		for (unsigned i = 0; i < c->len[d]; i++) {
			if (i)
				sb_puts(&b, i % 11 == 0 ? ". " : " ");
			sb_puts(&b, WORDS[c->w[d][i]]);
		}
		sb_puts(&b, "\"}\n");
	}
	write_file(path, b.p, b.len);
	free(b.p);
}

/* Start positions of phrase @ph (@n words) in document @d into @out. */
static size_t brute(const corpus *c, size_t d, const uint8_t *ph, unsigned n, uint32_t *out)
{
	size_t k = 0;
	for (unsigned s = 0; s + n <= c->len[d]; s++)
		if (!memcmp(&c->w[d][s], ph, n))
			out[k++] = s;
	return k;
}

/* A phrase of 1..14 words: mostly a piece of a document, sometimes with
 * one word changed, sometimes random words. */
static unsigned make_phrase(rng *r, const corpus *c, unsigned nwords, uint8_t *ph)
{
	unsigned n = 1 + rng_below(r, rng_below(r, 2) ? 6 : 14);
	size_t d = rng_below(r, (uint32_t)c->ndocs);
	if (c->len[d] >= n && rng_below(r, 5)) {
		memcpy(ph, &c->w[d][rng_below(r, c->len[d] - n + 1)], n);
		if (rng_below(r, 4) == 0)
			ph[rng_below(r, n)] = (uint8_t)rng_below(r, nwords);
	} else {
		for (unsigned i = 0; i < n; i++)
			ph[i] = (uint8_t)rng_zipf(r, nwords);
	}
	return n;
}

static void build(const char *in, const char *out, unsigned max_n, uint32_t min_count,
                  uint32_t min_df)
{
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	const char *inputs[1] = { in };
	o.output = out;
	o.inputs = inputs;
	o.ninputs = 1;
	o.threads = 1;
	o.memory = 16u << 20;
	o.max_n = max_n;
	o.min_count = min_count;
	o.min_df = min_df;
	ngidx_build_stats st;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_build(&o, &st, &e), NGIDX_OK, "build: %s", e.msg);
}

/* Document ids follow the input's lines: check it once per index. */
static void check_ids(const ngidx_index *idx, size_t ndocs)
{
	ngidx_index_info info;
	ngidx_index_get_info(idx, &info);
	cr_assert_eq(info.docs, ndocs);
	for (size_t d = 0; d < ndocs; d++) {
		ngidx_doc doc;
		ngidx_error e = { 0 };
		cr_assert_eq(ngidx_doc_get(idx, (uint32_t)d, &doc, &e), NGIDX_OK, "%s", e.msg);
		char want[32];
		snprintf(want, sizeof want, "%zu", d);
		cr_assert(doc.name_len == strlen(want) && !memcmp(doc.name, want, doc.name_len));
	}
}

static void check_phrase(const ngidx_index *idx, const corpus *c, const uint8_t *ph, unsigned n,
                         rng *r, const char *what)
{
	sbuf text = { 0 };
	for (unsigned i = 0; i < n; i++) {
		if (i)
			sb_puts(&text, " ");
		sb_puts(&text, WORDS[ph[i]]);
	}
	sb_put(&text, "", 1);
	uint32_t want[MAX_LEN], cnt[MAX_DOCS];
	uint64_t occ = 0, docs = 0;
	for (size_t d = 0; d < c->ndocs; d++) {
		cnt[d] = (uint32_t)brute(c, d, ph, n, want);
		occ += cnt[d];
		docs += cnt[d] > 0;
	}
	ngidx_error e = { 0 };
	ngidx_phrase *p;
	cr_assert_eq(ngidx_phrase_open(idx, text.p, text.len - 1, &p, &e), NGIDX_OK, "%s", e.msg);
	size_t d = 0;
	int g;
	while ((g = ngidx_phrase_next(p, &e)) == 1) {
		uint32_t at = ngidx_phrase_doc(p);
		for (; d < at; d++)
			cr_assert_eq(cnt[d], 0, "%s: \"%s\": document %zu skipped (%u occurrences)", what,
			             text.p, d, cnt[d]);
		cr_assert_lt(at, c->ndocs);
		cr_assert_eq(ngidx_phrase_occurrences(p), cnt[at], "%s: \"%s\" in document %u: %u, want %u",
		             what, text.p, at, ngidx_phrase_occurrences(p), cnt[at]);
		if (rng_below(r, 2)) {
			const uint32_t *pos;
			size_t np;
			cr_assert_eq(ngidx_phrase_positions(p, &pos, &np, &e), NGIDX_OK, "%s", e.msg);
			size_t k = brute(c, at, ph, n, want);
			cr_assert_eq(np, k, "%s: \"%s\" in document %u: %zu positions, want %zu", what,
			             text.p, at, np, k);
			for (size_t i = 0; i < k; i++)
				cr_assert_eq(pos[i], want[i], "%s: \"%s\" in document %u: position %zu", what,
				             text.p, at, i);
		}
		d = at + 1;
	}
	cr_assert_eq(g, 0, "%s", e.msg);
	for (; d < c->ndocs; d++)
		cr_assert_eq(cnt[d], 0, "%s: \"%s\": document %zu missed", what, text.p, d);
	ngidx_phrase_free(p);

	/* seek to random targets, in order */
	cr_assert_eq(ngidx_phrase_open(idx, text.p, text.len - 1, &p, &e), NGIDX_OK, "%s", e.msg);
	uint32_t target = 0;
	for (;;) {
		target += rng_below(r, 12);
		g = ngidx_phrase_seek(p, target, &e);
		cr_assert_geq(g, 0, "%s", e.msg);
		size_t first = target;
		while (first < c->ndocs && !cnt[first])
			first++;
		if (!g) {
			cr_assert_geq(first, c->ndocs, "%s: \"%s\": seek %u ended, document %zu has it", what,
			              text.p, target, first);
			break;
		}
		cr_assert_eq(ngidx_phrase_doc(p), first, "%s: \"%s\": seek %u", what, text.p, target);
		cr_assert_eq(ngidx_phrase_occurrences(p), cnt[first]);
		target = (uint32_t)first + 1;
	}
	ngidx_phrase_free(p);

	ngidx_count_result cr = { 0 };
	cr_assert_eq(ngidx_count(idx, text.p, text.len - 1, &cr, &e), NGIDX_OK, "%s", e.msg);
	cr_assert_eq(cr.occurrences, occ, "%s: count \"%s\": %" PRIu64 ", want %" PRIu64, what, text.p,
	             cr.occurrences, occ);
	cr_assert_eq(cr.documents, docs);
	ngidx_count_result_release(&cr);
	free(text.p);
}

Test(phrase, against_brute_force, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120)
{
	rng r = { test_seed("against_brute_force") };
	static const unsigned vocab[] = { 2, 3, 5, 8, 40 };
	corpus *c = calloc(1, sizeof *c);
	cr_assert_not_null(c);
	size_t phrases = 0, found = 0;
	for (unsigned round = 0; round < 24; round++) {
		unsigned nwords = vocab[round % (sizeof vocab / sizeof *vocab)];
		make_corpus(&r, c, nwords);
		char in[64], out[64], what[96];
		snprintf(in, sizeof in, "c%u.jsonl", round);
		snprintf(out, sizeof out, "c%u.ngx", round);
		write_corpus(c, tp(in));
		unsigned max_n = 1 + rng_below(&r, 4);
		uint32_t min_count = 1 + rng_below(&r, 3), min_df = rng_below(&r, 4) ? 1 : 2;
		char inpath[PATH_MAX];
		snprintf(inpath, sizeof inpath, "%s", tp(in));
		build(inpath, tp(out), max_n, min_count, min_df);
		snprintf(what, sizeof what, "%u words, --max-n %u --min-count %u --min-df %u", nwords, max_n,
		         min_count, min_df);
		ngidx_index *idx;
		ngidx_error e = { 0 };
		cr_assert_eq(ngidx_index_open(&idx, tp(out), NULL, &e), NGIDX_OK, "%s", e.msg);
		check_ids(idx, c->ndocs);
		for (unsigned k = 0; k < 150; k++) {
			uint8_t ph[16];
			unsigned n = make_phrase(&r, c, nwords, ph);
			check_phrase(idx, c, ph, n, &r, what);
			phrases++;
			for (size_t d = 0; d < c->ndocs; d++) {
				uint32_t tmp[MAX_LEN];
				if (brute(c, d, ph, n, tmp)) {
					found++;
					break;
				}
			}
		}
		ngidx_index_free(idx);
	}
	free(c);
	fprintf(stderr, "phrase_test: %zu phrases, %zu found\n", phrases, found);
	cr_assert_gt(found, phrases / 2);
}
