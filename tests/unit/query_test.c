/*
 * query_test.c - boolean document queries: the parser (trees of valid
 * queries, error offsets of malformed ones) and, on generated corpora, the
 * documents, occurrences and BM25 scores of random queries against a
 * brute-force reference.
 *
 * The reference knows nothing of the index: it keeps each generated
 * document as its list of word ids (the generator writes lowercase or
 * capitalized ASCII words from a small vocabulary, separated by spaces and
 * punctuation, so the analyzer's tokens are exactly those words, lower
 * cased), evaluates each random expression tree on every document, counts
 * phrase occurrences by comparing token windows, and applies the date and
 * metadata filters, paging and BM25 itself. The tree is rendered to query
 * text with as few parentheses as precedence allows (plus some redundant
 * ones), with implicit AND, `a NOT b`, top-level NOT, bare and quoted
 * operands, and phrases longer than the index's --max-n; corpora vary
 * --max-n and --min-df, so both the lexicon and the covering-n-gram paths
 * of the phrase iterator are exercised. NGIDX_SEED replays a run.
 */
#define TEST_NAME "query"
#include "test_util.h"

#include <math.h>

#include "ngidx/build.h"
#include "ngidx/docs.h"
#include "ngidx/index.h"
#include "query/query_parse.h"

/* ---- parser --------------------------------------------------------------- */

static void parses_to(const char *q, const char *want)
{
	ngidx_query *pq;
	ngidx_error e = { 0 };
	size_t where = 12345;
	int rc = ngidx_query_parse(q, strlen(q), &pq, &where, &e);
	cr_assert_eq(rc, NGIDX_OK, "query [%s]: %d %s", q, rc, e.msg);
	char buf[512];
	query_format(pq, buf, sizeof buf);
	cr_expect_str_eq(buf, want, "query [%s] parsed as %s, want %s", q, buf, want);
	ngidx_query_free(pq);
}

static void fails_at(const char *q, size_t character, const char *reason)
{
	ngidx_query *pq = (ngidx_query *)1;
	ngidx_error e = { 0 };
	size_t where = 12345;
	int rc = ngidx_query_parse(q, strlen(q), &pq, &where, &e);
	cr_assert_eq(rc, NGIDX_ERR_QUERY, "query [%s]: %d, want a parse error", q, rc);
	cr_assert_null(pq);
	char want[256];
	snprintf(want, sizeof want, "malformed query at character %zu: %s", character, reason);
	cr_expect_str_eq(e.msg, want, "query [%s]: got '%s', want '%s'", q, e.msg, want);
	size_t chars = 1;
	for (size_t i = 0; i < where; i++)
		chars += ((unsigned char)q[i] & 0xC0) != 0x80;
	cr_expect_eq(chars, character, "query [%s]: byte offset %zu is not character %zu", q, where, character);
}

Test(query, parse_valid)
{
	parses_to("hanoi", "hanoi");
	parses_to("\"Hanoi  Summit\"", "\"hanoi summit\"");
	parses_to("hanoi summit", "(AND hanoi summit)");
	parses_to("a OR b c", "(OR a (AND b c))");
	parses_to("a b OR c", "(OR (AND a b) c)");
	parses_to("a NOT b", "(AND a (NOT b))");
	parses_to("a NOT b c", "(AND a (NOT b) c)");
	parses_to("NOT a", "(NOT a)");
	parses_to("NOT a b", "(AND (NOT a) b)");
	parses_to("NOT NOT a", "(NOT (NOT a))");
	parses_to("a AND NOT b OR c", "(OR (AND a (NOT b)) c)");
	parses_to("a OR NOT b", "(OR a (NOT b))");
	parses_to("NOT (a OR b)", "(NOT (OR a b))");
	parses_to("a and b or not c", "(AND a and b or not c)");
	parses_to("And Or Not", "(AND and or not)");
	parses_to("(a OR b) (c OR d)", "(AND (OR a b) (OR c d))");
	parses_to("((a))", "a");
	parses_to("a(b)", "(AND a b)");
	parses_to("\"a\"\"b\"", "(AND \"a\" \"b\")");
	parses_to("Jong-un", "jong un");
	parses_to("  a\tAND\nb  ", "(AND a b)");
	parses_to("\"hanoi summit\" AND (kim OR \"kim jong un\") NOT trade",
	          "(AND \"hanoi summit\" (OR kim \"kim jong un\") (NOT trade))");
	parses_to("a AND (b AND c)", "(AND a (AND b c))");
	parses_to("ＡＮＤ", "and"); /* only the ASCII spelling is an operator */
}

Test(query, parse_malformed)
{
	fails_at("", 1, "empty query");
	fails_at("   ", 1, "empty query");
	fails_at("kim AND", 5, "AND without a right operand");
	fails_at("kim OR", 5, "OR without a right operand");
	fails_at("kim NOT", 5, "NOT without an operand");
	fails_at("NOT", 1, "NOT without an operand");
	fails_at("NOT NOT", 5, "NOT without an operand");
	fails_at("AND kim", 1, "AND without a left operand");
	fails_at("OR kim", 1, "OR without a left operand");
	fails_at("(OR kim)", 2, "OR without a left operand");
	fails_at("kim AND OR x", 5, "AND without a right operand");
	fails_at("kim OR OR x", 5, "OR without a right operand");
	fails_at("kim OR)", 5, "OR without a right operand");
	fails_at("(kim", 1, "unclosed parenthesis");
	fails_at("a ((kim) OR b", 3, "unclosed parenthesis");
	fails_at("(", 1, "unclosed parenthesis");
	fails_at("kim)", 4, "unmatched closing parenthesis");
	fails_at("(kim))", 6, "unmatched closing parenthesis");
	fails_at(")", 1, "unmatched closing parenthesis");
	fails_at("()", 2, "empty parentheses");
	fails_at("a ( ) b", 5, "empty parentheses");
	fails_at("kim \"jong un", 5, "unterminated quote");
	fails_at("\"a\" \"b", 5, "unterminated quote");
	fails_at("kim AND \"", 9, "unterminated quote");
	fails_at("\"\"", 1, "a phrase with no word");
	fails_at("kim \" ... \"", 5, "a phrase with no word");
	fails_at("kim ...", 5, "an operand with no word");
	fails_at("kim - trade", 5, "an operand with no word");
	fails_at("é AND", 3, "AND without a right operand");   /* characters, not bytes */
	fails_at("北朝鮮 (", 5, "unclosed parenthesis");
	char deep[400];
	memset(deep, '(', 300);
	strcpy(deep + 300, "a");
	fails_at(deep, 201, "nested too deeply");
	char nots[900];
	for (int i = 0; i < 210; i++)
		memcpy(nots + 4 * i, "NOT ", 4);
	strcpy(nots + 4 * 210, "a");
	fails_at(nots, 4 * 200 + 1, "nested too deeply");
}

/* ---- generated corpora ---------------------------------------------------- */

static const char *const vocab[] = { "ab", "cd", "ef", "gh", "and", "not", "or", "ij", "kl" };
#define NVOCAB (sizeof vocab / sizeof *vocab)

typedef struct gdoc {
	uint32_t *tok;
	size_t n;
	uint32_t date;   /* YYYYMMDD, 0 none */
	int src;         /* -1 none, else 'a' + src */
	int num;         /* -1 none */
} gdoc;

typedef struct corpus {
	gdoc *doc;
	size_t ndoc;
	uint64_t tokens;
	unsigned max_n;
	ngidx_index *idx;
} corpus;

static void make_corpus(rng *r, corpus *c, const char *path)
{
	c->ndoc = 1 + rng_below(r, 70);
	c->doc = xrealloc(NULL, c->ndoc * sizeof *c->doc);
	c->tokens = 0;
	sbuf js = { 0 };
	for (size_t i = 0; i < c->ndoc; i++) {
		gdoc *d = &c->doc[i];
		d->n = rng_below(r, 5) == 0 ? rng_below(r, 3) : rng_below(r, 40);
		d->tok = xrealloc(NULL, (d->n ? d->n : 1) * sizeof *d->tok);
		uint32_t skew = 3 + rng_below(r, NVOCAB - 2);
		for (size_t k = 0; k < d->n; k++)
			d->tok[k] = rng_zipf(r, skew);
		c->tokens += d->n;
		unsigned y = 2018 + rng_below(r, 3), m = 1 + rng_below(r, 12), dd = 1 + rng_below(r, 28);
		switch (rng_below(r, 5)) {
		case 0: d->date = 0; break;
		case 1: d->date = y * 10000; break;
		case 2: d->date = y * 10000 + m * 100; break;
		default: d->date = y * 10000 + m * 100 + dd; break;
		}
		d->src = (int)rng_below(r, 4) - 1;
		d->num = (int)rng_below(r, 3) - 1;
		char head[160];
		int hl = snprintf(head, sizeof head, "{\"id\":\"d%03zu\"", i);
		sb_put(&js, head, (size_t)hl);
		if (d->date) {
			hl = d->date % 100 ? snprintf(head, sizeof head, ",\"date\":\"%04u-%02u-%02u\"", d->date / 10000,
			                              d->date / 100 % 100, d->date % 100)
			     : d->date % 10000 ? snprintf(head, sizeof head, ",\"date\":\"%04u-%02u\"", d->date / 10000,
			                                  d->date / 100 % 100)
			                       : snprintf(head, sizeof head, ",\"date\":\"%04u\"", d->date / 10000);
			sb_put(&js, head, (size_t)hl);
		}
		if (d->src >= 0) {
			hl = snprintf(head, sizeof head, ",\"src\":\"%c\"", 'a' + d->src);
			sb_put(&js, head, (size_t)hl);
		}
		if (d->num >= 0) {
			hl = snprintf(head, sizeof head, ",\"n\":%d", d->num + 1);
			sb_put(&js, head, (size_t)hl);
		}
		sb_puts(&js, ",\"text\":\"");
		for (size_t k = 0; k < d->n; k++) {
			static const char *const sep[] = { " ", " ", " ", ", ", ". ", " - ", "\\n" };
			if (k)
				sb_puts(&js, sep[rng_below(r, 7)]);
			const char *w = vocab[d->tok[k]];
			switch (rng_below(r, 6)) {
			case 0: { /* capitalized */
				char cw[8];
				snprintf(cw, sizeof cw, "%s", w);
				cw[0] = (char)(cw[0] - 'a' + 'A');
				sb_puts(&js, cw);
				break;
			}
			case 1: { /* all caps: "AND" in a document is the word "and" */
				char cw[8];
				size_t l = strlen(w);
				for (size_t j = 0; j <= l; j++)
					cw[j] = w[j] >= 'a' && w[j] <= 'z' ? (char)(w[j] - 'a' + 'A') : w[j];
				sb_puts(&js, cw);
				break;
			}
			default: sb_puts(&js, w);
			}
		}
		if (!d->n && rng_below(r, 2))
			sb_puts(&js, "... --");
		sb_puts(&js, "\"}\n");
	}
	write_file(tp("c.jsonl"), js.p, js.len);
	free(js.p);

	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	const char *in[1] = { kp("c.jsonl") };
	o.inputs = in;
	o.ninputs = 1;
	o.output = path;
	o.max_n = c->max_n = 1 + rng_below(r, 3);
	o.min_df = rng_below(r, 3) == 0 ? 2 : 1;
	o.min_count = 1 + rng_below(r, 4);
	o.threads = 1;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_build(&o, NULL, &e), NGIDX_OK, "build: %s", e.msg);
	cr_assert_eq(ngidx_index_open(&c->idx, path, NULL, &e), NGIDX_OK, "open: %s", e.msg);
	ngidx_index_info info;
	ngidx_index_get_info(c->idx, &info);
	cr_assert_eq(info.docs, c->ndoc);
	cr_assert_eq(info.tokens, c->tokens);
}

static void free_corpus(corpus *c)
{
	for (size_t i = 0; i < c->ndoc; i++)
		free(c->doc[i].tok);
	free(c->doc);
	ngidx_index_free(c->idx);
}

/* ---- random expressions --------------------------------------------------- */

enum { E_PHRASE, E_AND, E_OR, E_NOT };

typedef struct expr {
	int kind;
	uint32_t tok[8];      /* E_PHRASE */
	size_t n;
	struct expr *kid[3];  /* E_AND/E_OR: 2..3; E_NOT: 1 */
	size_t nkid;
} expr;

static expr *gen(rng *r, const corpus *c, unsigned depth)
{
	expr *x = xrealloc(NULL, sizeof *x);
	memset(x, 0, sizeof *x);
	if (depth == 0 || rng_below(r, 10) < 4) {
		x->kind = E_PHRASE;
		x->n = rng_below(r, 3) ? 1 + rng_below(r, 3) : 4 + rng_below(r, 3);
		const gdoc *d = &c->doc[rng_below(r, (uint32_t)c->ndoc)];
		if (rng_below(r, 3) && d->n >= x->n) {
			size_t at = rng_below(r, (uint32_t)(d->n - x->n + 1));
			memcpy(x->tok, d->tok + at, x->n * sizeof *x->tok);
		} else {
			for (size_t k = 0; k < x->n; k++)
				x->tok[k] = rng_zipf(r, NVOCAB);
		}
		return x;
	}
	uint32_t k = rng_below(r, 5);
	x->kind = k < 2 ? E_AND : k < 4 ? E_OR : E_NOT;
	x->nkid = x->kind == E_NOT ? 1 : 2 + rng_below(r, 2);
	for (size_t i = 0; i < x->nkid; i++)
		x->kid[i] = gen(r, c, depth - 1);
	return x;
}

static void free_expr(expr *x)
{
	for (size_t i = 0; i < x->nkid; i++)
		free_expr(x->kid[i]);
	free(x);
}

static int prec(const expr *x) { return x->kind == E_OR ? 1 : x->kind == E_AND ? 2 : 3; }

static void put_word(rng *r, sbuf *b, uint32_t w)
{
	const char *s = vocab[w];
	if (rng_below(r, 4) == 0) { /* capitalized: "And" stays a word */
		char cw[8];
		snprintf(cw, sizeof cw, "%s", s);
		cw[0] = (char)(cw[0] - 'a' + 'A');
		sb_puts(b, cw);
	} else {
		sb_puts(b, s);
	}
}

static void render(rng *r, sbuf *b, const expr *x, int parent)
{
	int paren = (x->kind != E_PHRASE && prec(x) < parent) || rng_below(r, 12) == 0;
	if (paren)
		sb_puts(b, rng_below(r, 2) ? "(" : "( ");
	switch (x->kind) {
	case E_PHRASE:
		if (x->n == 1 && rng_below(r, 3)) {
			put_word(r, b, x->tok[0]);
		} else {
			sb_puts(b, "\"");
			for (size_t k = 0; k < x->n; k++) {
				if (k)
					sb_puts(b, rng_below(r, 5) ? " " : ", ");
				put_word(r, b, x->tok[k]);
			}
			sb_puts(b, "\"");
		}
		break;
	case E_NOT:
		sb_puts(b, "NOT ");
		render(r, b, x->kid[0], 3);
		break;
	case E_AND:
		for (size_t i = 0; i < x->nkid; i++) {
			if (i && x->kid[i]->kind == E_NOT && rng_below(r, 2)) {
				sb_puts(b, " NOT "); /* a NOT b */
				render(r, b, x->kid[i]->kid[0], 3);
				continue;
			}
			if (i)
				sb_puts(b, rng_below(r, 2) ? " AND " : " ");
			render(r, b, x->kid[i], 2);
		}
		break;
	case E_OR:
		for (size_t i = 0; i < x->nkid; i++) {
			if (i)
				sb_puts(b, " OR ");
			render(r, b, x->kid[i], 1);
		}
		break;
	}
	if (paren)
		sb_puts(b, rng_below(r, 2) ? ")" : " )");
}

/* Occurrences of phrase @x in document @d (overlaps count). */
static uint32_t phrase_count(const gdoc *d, const expr *x)
{
	uint32_t n = 0;
	for (size_t at = 0; at + x->n <= d->n; at++)
		n += !memcmp(d->tok + at, x->tok, x->n * sizeof *x->tok);
	return n;
}

static int eval(const gdoc *d, const expr *x)
{
	switch (x->kind) {
	case E_PHRASE: return phrase_count(d, x) > 0;
	case E_NOT: return !eval(d, x->kid[0]);
	case E_AND:
		for (size_t i = 0; i < x->nkid; i++)
			if (!eval(d, x->kid[i]))
				return 0;
		return 1;
	default:
		for (size_t i = 0; i < x->nkid; i++)
			if (eval(d, x->kid[i]))
				return 1;
		return 0;
	}
}

/* The distinct phrases under an even number of NOTs. */
static void positives(const expr *x, unsigned nots, const expr **out, size_t *n)
{
	if (x->kind == E_PHRASE) {
		if (nots % 2)
			return;
		for (size_t i = 0; i < *n; i++)
			if (out[i]->n == x->n && !memcmp(out[i]->tok, x->tok, x->n * sizeof *x->tok))
				return;
		out[(*n)++] = x;
		return;
	}
	for (size_t i = 0; i < x->nkid; i++)
		positives(x->kid[i], nots + (x->kind == E_NOT), out, n);
}

typedef struct ref_hit {
	uint32_t doc;
	uint64_t occ;
	double score;
} ref_hit;

static int ref_better(const ref_hit *a, const ref_hit *b)
{
	return a->score > b->score || (a->score == b->score && a->doc < b->doc);
}

static int cmp_ref(const void *a, const void *b)
{
	return ref_better(a, b) ? -1 : ref_better(b, a) ? 1 : 0;
}

/* Random date bound text into @buf; its numeric bound into *@v. */
static const char *gen_date(rng *r, char *buf, size_t cap, int upper, uint32_t *v)
{
	unsigned y = 2018 + rng_below(r, 3), m = 1 + rng_below(r, 12), d = 1 + rng_below(r, 28);
	switch (rng_below(r, 3)) {
	case 0: snprintf(buf, cap, "%04u", y); *v = y * 10000 + (upper ? 9999 : 0); break;
	case 1: snprintf(buf, cap, "%04u-%02u", y, m); *v = y * 10000 + m * 100 + (upper ? 99 : 0); break;
	default: snprintf(buf, cap, "%04u-%02u-%02u", y, m, d); *v = y * 10000 + m * 100 + d; break;
	}
	return buf;
}

static void check_query(rng *r, const corpus *c, uint64_t *nonempty)
{
	expr *x = gen(r, c, rng_below(r, 4));
	int top_not = rng_below(r, 8) == 0;
	if (top_not) {
		expr *n = xrealloc(NULL, sizeof *n);
		memset(n, 0, sizeof *n);
		n->kind = E_NOT;
		n->nkid = 1;
		n->kid[0] = x;
		x = n;
	}
	sbuf q = { 0 };
	render(r, &q, x, 0);

	ngidx_docs_opts o;
	ngidx_docs_opts_init(&o);
	char fb[16], tb[16];
	uint32_t from = 0, to = UINT32_MAX;
	const char *where[2];
	char wb[2][16];
	int want_src = -1, want_num = -1;
	if (rng_below(r, 4) == 0) {
		if (rng_below(r, 2))
			o.from = gen_date(r, fb, sizeof fb, 0, &from);
		if (rng_below(r, 2) || !o.from)
			o.to = gen_date(r, tb, sizeof tb, 1, &to);
	}
	if (rng_below(r, 5) == 0) {
		want_src = (int)rng_below(r, 3);
		snprintf(wb[o.nwhere], sizeof wb[0], "src=%c", 'a' + want_src);
		where[o.nwhere] = wb[o.nwhere];
		o.nwhere++;
	}
	if (rng_below(r, 6) == 0) {
		want_num = (int)rng_below(r, 2);
		snprintf(wb[o.nwhere], sizeof wb[0], "n=%d", want_num + 1);
		where[o.nwhere] = wb[o.nwhere];
		o.nwhere++;
	}
	o.where = where;
	if (rng_below(r, 3) == 0) {
		o.rank = NGIDX_RANK_BM25;
		if (rng_below(r, 2)) {
			o.k1 = rng_unit(r) * 3;
			o.b = rng_unit(r);
		}
	}
	if (rng_below(r, 4) == 0) {
		o.offset = rng_below(r, 5);
		o.limit = rng_below(r, 6);
	}

	/* reference */
	const expr *pos[64];
	size_t npos = 0;
	positives(x, 0, pos, &npos);
	double N = (double)c->ndoc, avgdl = (double)c->tokens / N;
	double idf[64];
	for (size_t k = 0; k < npos; k++) {
		double df = 0;
		for (size_t i = 0; i < c->ndoc; i++)
			df += phrase_count(&c->doc[i], pos[k]) > 0;
		idf[k] = log(1 + (N - df + 0.5) / (df + 0.5));
	}
	ref_hit *ref = xrealloc(NULL, c->ndoc * sizeof *ref);
	size_t nref = 0;
	for (size_t i = 0; i < c->ndoc; i++) {
		const gdoc *d = &c->doc[i];
		if (!eval(d, x))
			continue;
		if ((o.from || o.to) && (!d->date || d->date < from || d->date > to))
			continue;
		if (want_src >= 0 && d->src != want_src)
			continue;
		if (want_num >= 0 && d->num != want_num)
			continue;
		ref_hit h = { (uint32_t)i, 0, 0 };
		double norm = avgdl > 0 ? 1 - o.b + o.b * (double)d->n / avgdl : 1;
		for (size_t k = 0; k < npos; k++) {
			uint32_t tf = phrase_count(d, pos[k]);
			h.occ += tf;
			if (tf)
				h.score += idf[k] * tf * (o.k1 + 1) / (tf + o.k1 * norm);
		}
		if (!o.rank)
			h.score = 0;
		ref[nref++] = h;
	}
	if (o.rank)
		qsort(ref, nref, sizeof *ref, cmp_ref);
	size_t first = o.offset < nref ? (size_t)o.offset : nref;
	size_t last = o.limit && first + o.limit < nref ? first + (size_t)o.limit : nref;
	*nonempty += last > first;

	/* the library */
	ngidx_query *pq;
	ngidx_error e = { 0 };
	int rc = ngidx_query_parse(q.p, q.len, &pq, NULL, &e);
	cr_assert_eq(rc, NGIDX_OK, "query [%s]: %s", q.p, e.msg);
	ngidx_docs *dd;
	rc = ngidx_query_run(c->idx, pq, &o, &dd, &e);
	cr_assert_eq(rc, NGIDX_OK, "query [%s]: %s", q.p, e.msg);
	ngidx_docs_hit h;
	size_t got = first;
	double prev = INFINITY;
	uint32_t prev_doc = 0;
	while ((rc = ngidx_docs_next(dd, &h, &e)) == 1) {
		CHECK(got < last, "query [%s] max_n %u from %s to %s where %zu rank %d offset %" PRIu64
		      " limit %" PRIu64 ": extra document %u (want %zu results)", q.p, c->max_n,
		      o.from ? o.from : "-", o.to ? o.to : "-", o.nwhere, o.rank, o.offset, o.limit, h.doc,
		      last - first);
		if (!o.rank) {
			CHECK(h.doc == ref[got].doc && h.occurrences == ref[got].occ,
			      "query [%s] max_n %u from %s to %s where %zu offset %" PRIu64 " limit %" PRIu64
			      ": result %zu is doc %u occ %" PRIu64 ", want doc %u occ %" PRIu64,
			      q.p, c->max_n, o.from ? o.from : "-", o.to ? o.to : "-", o.nwhere, o.offset, o.limit,
			      got, h.doc, h.occurrences, ref[got].doc, ref[got].occ);
			CHECK(h.score == 0, "unranked score");
		} else {
			/* equal scores may differ in the last bits between the two
			 * sums, so compare by document and check the order */
			size_t j;
			for (j = 0; j < nref && ref[j].doc != h.doc; j++)
				;
			CHECK(j < nref, "query [%s]: ranked doc %u should not match", q.p, h.doc);
			CHECK(h.occurrences == ref[j].occ, "query [%s]: doc %u occ %" PRIu64 ", want %" PRIu64,
			      q.p, h.doc, h.occurrences, ref[j].occ);
			CHECK(fabs(h.score - ref[j].score) <= 1e-9 * (1 + fabs(ref[j].score)),
			      "query [%s]: doc %u score %.17g, want %.17g", q.p, h.doc, h.score, ref[j].score);
			CHECK(fabs(h.score - ref[got].score) <= 1e-9 * (1 + fabs(ref[got].score)),
			      "query [%s]: result %zu (doc %u) score %.17g, want %.17g (doc %u)", q.p, got, h.doc,
			      h.score, ref[got].score, ref[got].doc);
			CHECK(got == first || h.score < prev || (h.score == prev && h.doc > prev_doc),
			      "query [%s]: results out of order at %zu", q.p, got);
			prev = h.score;
			prev_doc = h.doc;
		}
		got++;
	}
	CHECK(rc == 0, "query [%s]: %d %s", q.p, rc, e.msg);
	CHECK(got == last, "query [%s] max_n %u from %s to %s where %zu rank %d offset %" PRIu64
	      " limit %" PRIu64 ": %zu results, want %zu", q.p, c->max_n, o.from ? o.from : "-",
	      o.to ? o.to : "-", o.nwhere, o.rank, o.offset, o.limit, got - first, last - first);
	ngidx_docs_free(dd);
	ngidx_query_free(pq);
	free(ref);
	free(q.p);
	free_expr(x);
}

Test(query, random_vs_reference, .init = fixture_setup, .fini = fixture_teardown, .timeout = 60)
{
	rng r = { test_seed("random_vs_reference") };
	uint64_t queries = 0, nonempty = 0;
	for (int round = 0; round < 12; round++) {
		corpus c;
		make_corpus(&r, &c, tp("c.ngx"));
		for (int i = 0; i < 300; i++, queries++)
			check_query(&r, &c, &nonempty);
		free_corpus(&c);
	}
	fprintf(stderr, "query_test: %" PRIu64 " random queries, %" PRIu64 " with results\n", queries, nonempty);
	/* the generator must produce matches, or the test proves little */
	cr_expect_gt(nonempty * 4, queries, "only %" PRIu64 " of %" PRIu64 " queries matched", nonempty, queries);
}

Test(query, filters_and_errors, .init = fixture_setup, .fini = fixture_teardown)
{
	const char js[] =
		"{\"id\":\"x\",\"date\":\"2019-02-28\",\"src\":\"ap\",\"n\":3,\"ok\":true,\"text\":\"hanoi summit\"}\n"
		"{\"id\":\"y\",\"date\":\"2019\",\"src\":\"afp\",\"n\":3.5,\"text\":\"hanoi summit summit\"}\n"
		"{\"id\":\"z\",\"text\":\"summit\"}\n"
		"{\"id\":\"w\",\"date\":\"2019-03\",\"n\":\"3\",\"text\":\"hanoi\"}\n";
	write_file(tp("f.jsonl"), js, sizeof js - 1);
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	const char *in[1] = { kp("f.jsonl") };
	o.inputs = in;
	o.ninputs = 1;
	o.output = kp("f.ngx");
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_build(&o, NULL, &e), NGIDX_OK, "%s", e.msg);
	ngidx_index *idx;
	cr_assert_eq(ngidx_index_open(&idx, kp("f.ngx"), NULL, &e), NGIDX_OK, "%s", e.msg);
	static const struct {
		const char *q, *from, *to, *w1, *w2, *want;
	} cases[] = {
		{ "summit OR hanoi", NULL, NULL, NULL, NULL, "0:2 1:3 2:1 3:1" },
		{ "summit OR hanoi", "2019", NULL, NULL, NULL, "0:2 1:3 3:1" },
		{ "summit OR hanoi", "2019-02", NULL, NULL, NULL, "0:2 3:1" },
		{ "summit OR hanoi", NULL, "2019-02", NULL, NULL, "0:2 1:3" },
		{ "summit OR hanoi", NULL, "2019-02-27", NULL, NULL, "1:3" },
		{ "summit OR hanoi", "2019-03-01", "2019-03-31", NULL, NULL, "" },
		{ "summit OR hanoi", "2019-03", "2019-03", NULL, NULL, "3:1" },
		{ "summit OR hanoi", NULL, NULL, "src=ap", NULL, "0:2" },
		{ "summit OR hanoi", NULL, NULL, "n=3", NULL, "0:2 3:1" },
		{ "summit OR hanoi", NULL, NULL, "n=3.5", NULL, "1:3" },
		{ "summit OR hanoi", NULL, NULL, "ok=true", NULL, "0:2" },
		{ "summit OR hanoi", NULL, NULL, "n=3", "src=ap", "0:2" },
		{ "summit OR hanoi", NULL, NULL, "n=3", "src=afp", "" },
		{ "summit OR hanoi", NULL, NULL, "src=", NULL, "" },
		{ "NOT hanoi", NULL, NULL, NULL, NULL, "2:0" },
		{ "NOT nothing", NULL, NULL, NULL, NULL, "0:0 1:0 2:0 3:0" },
		{ "nothing", NULL, NULL, NULL, NULL, "" },
		{ "NOT (hanoi NOT summit)", NULL, NULL, NULL, NULL, "0:1 1:2 2:1" },
		{ "\"summit summit\" OR \"no such phrase\"", NULL, NULL, NULL, NULL, "1:1" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		ngidx_query *q;
		cr_assert_eq(ngidx_query_parse(cases[i].q, strlen(cases[i].q), &q, NULL, &e), NGIDX_OK);
		ngidx_docs_opts d;
		ngidx_docs_opts_init(&d);
		const char *w[2] = { cases[i].w1, cases[i].w2 };
		d.from = cases[i].from;
		d.to = cases[i].to;
		d.where = w;
		d.nwhere = (size_t)(cases[i].w1 != NULL) + (cases[i].w2 != NULL);
		ngidx_docs *it;
		cr_assert_eq(ngidx_query_run(idx, q, &d, &it, &e), NGIDX_OK, "%s", e.msg);
		char got[128] = "";
		ngidx_docs_hit h;
		int rc;
		while ((rc = ngidx_docs_next(it, &h, &e)) == 1)
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%u:%" PRIu64, got[0] ? " " : "",
			         h.doc, h.occurrences);
		cr_assert_eq(rc, 0);
		cr_expect_str_eq(got, cases[i].want, "case %zu [%s]: got '%s', want '%s'", i, cases[i].q, got,
		                 cases[i].want);
		ngidx_docs_free(it);
		ngidx_query_free(q);
	}
	/* bad options */
	ngidx_query *q;
	cr_assert_eq(ngidx_query_parse("hanoi", 5, &q, NULL, &e), NGIDX_OK);
	static const char *const bad_dates[] = { "2019-2", "19", "2019-13", "2019-02-30", "x" };
	for (size_t i = 0; i < sizeof bad_dates / sizeof *bad_dates; i++) {
		ngidx_docs_opts d;
		ngidx_docs_opts_init(&d);
		d.to = bad_dates[i];
		ngidx_docs *it = (ngidx_docs *)1;
		cr_expect_eq(ngidx_query_run(idx, q, &d, &it, &e), NGIDX_ERR_ARG, "date %s", bad_dates[i]);
		cr_expect_null(it);
	}
	ngidx_docs_opts d;
	ngidx_docs_opts_init(&d);
	const char *w[1] = { "novalue" };
	d.where = w;
	d.nwhere = 1;
	ngidx_docs *it;
	cr_expect_eq(ngidx_query_run(idx, q, &d, &it, &e), NGIDX_ERR_ARG);
	ngidx_docs_opts_init(&d);
	d.rank = NGIDX_RANK_BM25;
	d.b = 2;
	cr_expect_eq(ngidx_query_run(idx, q, &d, &it, &e), NGIDX_ERR_ARG);
	ngidx_query_free(q);
	ngidx_query_free(NULL);
	ngidx_docs_free(NULL);
	ngidx_index_free(idx);
}
