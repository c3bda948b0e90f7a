/*
 * longdoc_test.c - documents read in pieces (pipeline.c, process_long) give
 * the index of the whole text.
 *
 * A random corpus of news-like text (sentences with abbreviations, initials,
 * quotes, blank lines, accented and CJK words, invalid UTF-8, actor names)
 * is indexed twice: as is, and with long_doc so small that most documents
 * are long ones, cut into pieces of a few dozen bytes, under 1 MiB of
 * memory (so runs spill in the middle of a document), with actors. Every
 * section but TEXT must be byte-identical; every document entry too but
 * for where its text lies; every text must read back the same. The piece
 * size must not change a byte of the index, and neither the thread count.
 * The same again from JSON Lines with escapes, where the reader's scanner
 * (spool.c) unescapes the text field on its way to disk.
 *
 * Random tests print their seed on stderr; NGIDX_SEED=<seed> replays it.
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngidx/ngidx.h"
#include "format/idx_reader.h"

#define TEST_NAME "longdoc"
#include "test_util.h"

static const char *const words[] = {
	"the", "summit", "in", "hanoi", "ended", "without", "a", "deal", "said", "officials",
	"North", "Korea", "talks", "of", "and", "to", "nuclear", "sanctions", "Zürich",
	"naïve", "Kim", "Jong-un's", "Trump", "U.S.", "Mr.", "Dr.", "J.", "R.", "talks",
	"北京", "会谈", "é", "Ｆｕｌｌ", "1999", "3.5", "e.g.", "Beijing", "Xi", "Jinping",
};
static const char *const seps[] = { " ", " ", " ", " ", ", ", ". ", "! ", "? ", ".\n\n",
	                            " \"", "\" ", " (", ") ", "; ", " — ", "。", "\t" };

static const char *const dict =
	"PRK\tNorth Korea\tcountry\n"
	"PRK\tPyongyang\n"
	"USA\tU.S.\tcountry\n"
	"CHN\tBeijing\tcountry\n"
	"KIM\tKim Jong-un\tperson\n"
	"XI\tXi Jinping\tperson\n"
	"TRUMP\tTrump\tperson\n";

/* A document of about @len bytes. */
static void make_text(sbuf *b, rng *r, size_t len)
{
	while (b->len < len) {
		sb_puts(b, words[rng_below(r, sizeof words / sizeof *words)]);
		uint32_t k = rng_below(r, 100);
		if (k < 2)
			sb_put(b, "\xff", 1); /* invalid UTF-8 */
		sb_puts(b, k < 60 ? " " : seps[rng_below(r, sizeof seps / sizeof *seps)]);
	}
}

typedef struct docs {
	char **t;
	size_t *len;
	size_t n;
} docs;

static void make_docs(docs *d, rng *r, size_t n)
{
	d->n = n;
	d->t = calloc(n, sizeof *d->t);
	d->len = calloc(n, sizeof *d->len);
	cr_assert(d->t && d->len);
	for (size_t i = 0; i < n; i++) {
		sbuf b = { 0 };
		size_t len = rng_below(r, 10) == 0 ? 3000 + rng_below(r, 6000) : rng_below(r, 400);
		make_text(&b, r, len);
		for (size_t k = 0; k < b.len; k++)
			if (b.p[k] == '\n' && !rng_below(r, 4))
				b.p[k] = ' '; /* lines format: no newline inside */
		d->t[i] = b.p ? b.p : xstrdup("");
		d->len[i] = b.len;
	}
}

static void docs_free(docs *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->t[i]);
	free(d->t);
	free(d->len);
}

static void write_lines(const docs *d, const char *path)
{
	sbuf b = { 0 };
	for (size_t i = 0; i < d->n; i++) {
		for (size_t k = 0; k < d->len[i]; k++)
			sb_put(&b, d->t[i][k] == '\n' ? " " : &d->t[i][k], 1);
		sb_put(&b, "\n", 1);
	}
	write_file(path, b.p, b.len);
	free(b.p);
}

/* JSON with escapes: \n, \", \\, \t, \u00e9 for é, a surrogate pair. */
static void write_jsonl(const docs *d, const char *path, rng *r)
{
	sbuf b = { 0 };
	for (size_t i = 0; i < d->n; i++) {
		char head[96];
		snprintf(head, sizeof head, "{\"id\": \"d%zu\", \"date\": \"2019-02-%02zu\", \"text\": \"",
		         i, 1 + i % 28);
		sb_puts(&b, head);
		const unsigned char *t = (const unsigned char *)d->t[i];
		for (size_t k = 0; k < d->len[i]; k++) {
			unsigned c = t[k];
			if (c == '"' || c == '\\') {
				sb_put(&b, "\\", 1);
				sb_put(&b, &t[k], 1);
			} else if (c == '\n') {
				sb_puts(&b, "\\n");
			} else if (c == '\t') {
				sb_puts(&b, "\\t");
			} else if (c == 0xff) {
				sb_puts(&b, "\\ud83d\\ude00"); /* U+1F600, not the invalid byte */
			} else if (c == 0xc3 && t[k + 1] == 0xa9 && rng_below(r, 2)) {
				sb_puts(&b, "\\u00e9");
				k++;
			} else {
				sb_put(&b, &t[k], 1);
			}
		}
		sb_puts(&b, "\", \"source\": \"wire\"}\n");
	}
	write_file(path, b.p, b.len);
	free(b.p);
}

static void build(const char *input, int format, size_t long_doc, size_t piece, int threads,
                  const char *out)
{
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	o.format = format;
	o.threads = threads;
	o.memory = 1u << 20;
	o.long_doc = long_doc;
	o.piece = piece;
	const char *inputs[] = { input };
	o.inputs = inputs;
	o.ninputs = 1;
	const char *actors[] = { kp("actors.tsv") };
	o.actor_files = actors;
	o.nactor_files = 1;
	o.window = 4;
	o.output = out;
	ngidx_build_stats st;
	ngidx_error err = { 0 };
	int rc = ngidx_build(&o, &st, &err);
	cr_assert_eq(rc, NGIDX_OK, "%s: %s", out, err.msg);
	cr_assert_gt(st.mentions, 0);
	if (long_doc)
		cr_assert_gt(st.long_docs, 10, "%s: %" PRIu64 " long documents", out, st.long_docs);
	else
		cr_assert_eq(st.long_docs, 0);
	if (long_doc)
		cr_assert_gt(st.runs, (uint64_t)threads, "%s: %" PRIu64 " runs", out, st.runs);
}

static ngidx_index *open_index(const char *path)
{
	ngidx_index *x;
	ngidx_error err = { 0 };
	cr_assert_eq(ngidx_index_open(&x, path, NULL, &err), NGIDX_OK, "%s: %s", path, err.msg);
	cr_assert_eq(ngidx_index_verify(x, &err), NGIDX_OK, "%s: %s", path, err.msg);
	return x;
}

/* Index @b (long documents) must hold what @a (none) holds. */
static void same_index(const char *a_path, const char *b_path, size_t ndocs)
{
	ngidx_index *a = open_index(a_path), *b = open_index(b_path);
	for (unsigned k = 1; k <= NGX_SEC_KIND_MAX; k++) {
		const idx_sec *s = a->by_kind[k], *t = b->by_kind[k];
		if (k == NGX_SEC_TEXT || k == NGX_SEC_DOCS || k == NGX_SEC_INFO)
			continue;
		cr_assert_eq(!s, !t, "section %u present in one index only", k);
		if (!s)
			continue;
		cr_assert_eq(s->len, t->len, "section %u: %" PRIu64 " and %" PRIu64 " bytes", k,
		             s->len, t->len);
		size_t at = 0;
		while (at < s->len && s->p[at] == t->p[at])
			at++;
		cr_assert_eq(at, s->len, "section %u differs at byte %zu", k, at);
	}
	cr_assert_eq(a->ndocs, ndocs);
	cr_assert_eq(b->ndocs, ndocs);
	char *ta = NULL, *tb = NULL;
	size_t ca = 0, cb = 0, la, lb;
	for (size_t i = 0; i < ndocs; i++) {
		struct ngx_doc_entry ea = a->docs[i], eb = b->docs[i];
		ea.text_off = eb.text_off = 0;
		ea.text_pos = eb.text_pos = 0;
		cr_assert(!memcmp(&ea, &eb, sizeof ea),
		          "document %zu: tokens %u/%u sentences %u/%u flags %u/%u", i, ea.ntokens,
		          eb.ntokens, ea.nsent, eb.nsent, ea.flags, eb.flags);
		ngidx_error err = { 0 };
		cr_assert_eq(ngidx_doc_text(a, (uint32_t)i, &ta, &ca, &la, &err), NGIDX_OK, "%s", err.msg);
		cr_assert_eq(ngidx_doc_text(b, (uint32_t)i, &tb, &cb, &lb, &err), NGIDX_OK, "%s", err.msg);
		cr_assert(la == lb && !memcmp(ta, tb, la), "document %zu: texts differ", i);
	}
	ngidx_buffer_free(ta);
	ngidx_buffer_free(tb);
	ngidx_index_free(a);
	ngidx_index_free(b);
}

static void same_file(const char *a, const char *b)
{
	size_t la, lb;
	unsigned char *pa = read_whole(a, &la), *pb = read_whole(b, &lb);
	cr_assert(la == lb && !memcmp(pa, pb, la), "%s and %s differ", a, b);
	free(pa);
	free(pb);
}

static void pieces(const char *name, int format)
{
	rng r = { test_seed(name) };
	docs d = { 0 };
	make_docs(&d, &r, 300);
	write_file(tp("actors.tsv"), dict, strlen(dict));
	const char *in = format == NGIDX_FORMAT_JSONL ? kp("c.jsonl") : kp("c.txt");
	if (format == NGIDX_FORMAT_JSONL)
		write_jsonl(&d, in, &r);
	else
		write_lines(&d, in);
	build(in, format, 0, 0, 1, kp("whole.ngx"));
	build(in, format, 200, 40, 1, kp("p40.ngx"));
	same_index(kp("whole.ngx"), kp("p40.ngx"), d.n);
	build(in, format, 200, 7, 2, kp("p7.ngx"));
	build(in, format, 200, 1000, 1, kp("p1000.ngx"));
	same_file(kp("p40.ngx"), kp("p7.ngx"));
	same_file(kp("p40.ngx"), kp("p1000.ngx"));
	docs_free(&d);
}

Test(longdoc, lines_in_pieces, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	pieces("lines_in_pieces", NGIDX_FORMAT_LINES);
}

Test(longdoc, jsonl_in_pieces, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	pieces("jsonl_in_pieces", NGIDX_FORMAT_JSONL);
}
