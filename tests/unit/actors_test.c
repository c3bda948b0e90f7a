/*
 * actors_test.c - actor dictionaries, mentions and co-occurrence counts
 * against a brute-force reference.
 *
 * The reference shares only the analyzer with the index: it calls
 * ngidx_analyze(NGIDX_AN_SENTENCES) on each generated document and on
 * each alias, and does everything else itself, as plainly as it can:
 *   - matching: at each token, try every alias of the dictionary and keep
 *     the longest whose tokens equal the text's tokens from there (token
 *     by token string comparison); a hit skips its tokens, a miss moves
 *     one token; so mentions never overlap;
 *   - counting, per pair A != B: doc = documents mentioning both;
 *     sentence = sentences mentioning both (a mention belongs to the
 *     sentence of its first token); window = pairs of mentions i < j of A
 *     and B (either order) whose first tokens are at most K apart; the
 *     marginals (documents, sentences, mentions of each actor) and N
 *     (documents, sentences, tokens) over the same documents.
 * Every pair at every level is compared through ngidx_cooc_cell, every
 * row through ngidx_cooc_neighbors, the CSR of ngidx_cooc_matrix, the
 * actor records, the mention postings (documents, tf, positions) and the
 * pair postings (documents, per-document count), with and without a date
 * filter (undated documents fall outside any bounded range).
 *
 * The generated corpora use a small vocabulary with the words of
 * overlapping aliases ("North Korea" / "Korea" / "South Korea" are three
 * actors; "Kim" / "Kim Jong Un" / "Kim Jong-un" one actor and "Jong"
 * another; a five-word alias longer than --max-n; an actor spread over two
 * dictionary files; case, punctuation and full-width variants). Each
 * corpus is built with windows 1, 3 and 10, with 1 and 2 threads and with
 * the default and a 1 MiB memory bound (many spilled runs); the four
 * builds of one window must be byte-identical and pass ngidx_index_verify.
 * NGIDX_SEED replays a run.
 */
#define TEST_NAME "actors"
#include "test_util.h"

#include "ngidx/actors.h"
#include "ngidx/build.h"
#include "ngidx/index.h"
#include "text/analyze.h"

/* ---- the reference dictionary --------------------------------------------- */

/* One dictionary line as the test writes it. */
typedef struct dline {
	int file;             /* 0 or 1: which --actors file */
	const char *id, *alias, *type;
} dline;

typedef struct ralias {
	uint32_t actor;
	size_t ntok;
	char **tok;           /* analyzed tokens */
	char *key;            /* joined by spaces */
	const char *text;
} ralias;

typedef struct rdict {
	size_t nactors;
	const char **id;      /* by actor number */
	const char **type;    /* "" when none */
	ralias *al;           /* distinct keys, in file order */
	size_t nal;
} rdict;

/* The tokens of @s (analyzed as the index does) into *@tok; @return n. */
static size_t analyze_words(const char *s, size_t len, char ***tok, uint32_t **sent, size_t *nsent)
{
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	cr_assert_eq(ngidx_analyze(&t, s, len, NGIDX_AN_SENTENCES), NGIDX_OK);
	*tok = xrealloc(NULL, (t.ntok + 1) * sizeof **tok);
	for (size_t i = 0; i < t.ntok; i++) {
		size_t l;
		const char *w = ngidx_tok(&t, i, &l);
		(*tok)[i] = xstrndup(w, l);
	}
	if (sent) {
		*sent = xrealloc(NULL, (t.nsent + 1) * sizeof **sent);
		if (t.nsent) /* t.sent is NULL for a text of no token */
			memcpy(*sent, t.sent, t.nsent * sizeof **sent);
		*nsent = t.nsent;
	}
	size_t n = t.ntok;
	ngidx_tokens_release(&t);
	return n;
}

static void free_words(char **tok, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(tok[i]);
	free(tok);
}

static void rdict_make(rdict *d, const dline *l, size_t n)
{
	memset(d, 0, sizeof *d);
	d->id = xrealloc(NULL, n * sizeof *d->id);
	d->type = xrealloc(NULL, n * sizeof *d->type);
	d->al = xrealloc(NULL, n * sizeof *d->al);
	/* actors in the order of first appearance, files in order */
	for (int f = 0; f < 2; f++) {
		for (size_t i = 0; i < n; i++) {
			if (l[i].file != f)
				continue;
			uint32_t a;
			for (a = 0; a < d->nactors && strcmp(d->id[a], l[i].id); a++)
				;
			if (a == d->nactors) {
				d->id[a] = l[i].id;
				d->type[a] = "";
				d->nactors++;
			}
			if (l[i].type)
				d->type[a] = l[i].type;
			ralias x = { a, 0, NULL, NULL, l[i].alias };
			x.ntok = analyze_words(l[i].alias, strlen(l[i].alias), &x.tok, NULL, NULL);
			sbuf k = { 0 };
			for (size_t j = 0; j < x.ntok; j++) {
				if (j)
					sb_puts(&k, " ");
				sb_puts(&k, x.tok[j]);
			}
			x.key = k.p;
			size_t j;
			for (j = 0; j < d->nal && strcmp(d->al[j].key, x.key); j++)
				;
			if (j < d->nal) { /* a repeated alias of the same actor */
				cr_assert_eq(d->al[j].actor, a, "test dictionary gives '%s' to two actors", x.key);
				free_words(x.tok, x.ntok);
				free(x.key);
				continue;
			}
			d->al[d->nal++] = x;
		}
	}
}

static void rdict_free(rdict *d)
{
	for (size_t i = 0; i < d->nal; i++) {
		free_words(d->al[i].tok, d->al[i].ntok);
		free(d->al[i].key);
	}
	free(d->al);
	free(d->id);
	free(d->type);
}

/* Write the lines of file @f to @path. */
static void write_dict(const char *path, const dline *l, size_t n, int f)
{
	sbuf b = { 0 };
	sb_puts(&b, "# test dictionary\n\n");
	for (size_t i = 0; i < n; i++) {
		if (l[i].file != f)
			continue;
		sb_puts(&b, l[i].id);
		sb_puts(&b, "\t");
		sb_puts(&b, l[i].alias);
		if (l[i].type) {
			sb_puts(&b, "\t");
			sb_puts(&b, l[i].type);
		}
		sb_puts(&b, i % 3 ? "\n" : "\r\n");
		if (i % 5 == 0)
			sb_puts(&b, "   # a comment line\n");
	}
	write_file(path, b.p ? b.p : "", b.len);
	free(b.p);
}

/* ---- the reference corpus ------------------------------------------------- */

typedef struct rment {
	uint32_t actor, start, len, sent;
} rment;

typedef struct rdoc {
	uint32_t date;        /* YYYYMMDD, 00 for missing parts; 0 undated */
	size_t ntok, nsent;
	rment *m;
	size_t nm;
} rdoc;

typedef struct rcorpus {
	rdoc *doc;
	size_t ndoc;
	uint64_t tokens, sentences, gen_sentences;
	char *jsonl;
	size_t jsonl_len;
} rcorpus;

/* Plain words; none is an abbreviation or a single letter, so that a
 * sentence ending in one ends there. */
static const char *const plain[] = {
	"the", "summit", "talks", "said", "trade", "on", "and", "of", "with", "met",
	"leaders", "nuclear", "deal", "after", "before", "officials", "told", "reporters",
	"new", "un", "north", "south", "united", "nations", "security", "jong", "council",
};
#define NPLAIN (sizeof plain / sizeof *plain)

/* Alias phrases as they may be written in a text (some partial). */
static const char *const names[] = {
	"North Korea", "north KOREA", "South Korea", "Korea", "\xef\xbc\xab\xef\xbc\xaf\xef\xbc\xb2"
	"\xef\xbc\xa5\xef\xbc\xa1" /* full-width KOREA */, "Pyongyang", "Seoul", "Kim", "Kim Jong Un",
	"Kim Jong-un", "KIM JONG-UN", "kim jong", "Jong", "Jong Un", "the United Nations Security Council",
	"United Nations Security", "Security Council", "United States", "U.S.", "Washington",
	"Donald Trump", "Trump", "Xi Jinping", "Xi", "China", "Beijing", "North", "Kim, Jong Un",
	"Nations Security Council", "SOUTH korea",
};
#define NNAMES (sizeof names / sizeof *names)

static void put_cap(sbuf *b, const char *w)
{
	char c = w[0];
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	sb_put(b, &c, 1);
	sb_puts(b, w + 1);
}

/* The reference mentions of a token sequence (longest alias first). */
static void ref_match(const rdict *d, char **tok, size_t ntok, const uint32_t *sent, size_t nsent,
                      rment **out, size_t *nout)
{
	rment *m = NULL;
	size_t nm = 0, cap = 0;
	for (size_t i = 0; i < ntok;) {
		size_t best = 0;
		uint32_t actor = 0;
		for (size_t k = 0; k < d->nal; k++) {
			const ralias *x = &d->al[k];
			if (x->ntok <= best || x->ntok > ntok - i)
				continue;
			size_t j;
			for (j = 0; j < x->ntok && !strcmp(x->tok[j], tok[i + j]); j++)
				;
			if (j == x->ntok) {
				best = x->ntok;
				actor = x->actor;
			}
		}
		if (!best) {
			i++;
			continue;
		}
		uint32_t s = 0;
		for (size_t k = 0; k < nsent; k++)
			if (sent[k] <= i)
				s = (uint32_t)k;
		GROW(m, cap, nm + 1);
		m[nm++] = (rment){ actor, (uint32_t)i, (uint32_t)best, s };
		i += best;
	}
	*out = m;
	*nout = nm;
}

static void put_date(sbuf *b, uint32_t date)
{
	char h[48];
	if (date % 100)
		snprintf(h, sizeof h, ",\"date\":\"%04u-%02u-%02u\"", date / 10000, date / 100 % 100, date % 100);
	else if (date % 10000)
		snprintf(h, sizeof h, ",\"date\":\"%04u-%02u\"", date / 10000, date / 100 % 100);
	else
		snprintf(h, sizeof h, ",\"date\":\"%04u\"", date / 10000);
	sb_puts(b, h);
}

/*
 * A corpus of @ndoc documents: sentences of plain words and alias names,
 * each ending with a plain word and ". ", the next one starting with a
 * capital, so that the analyzer sees exactly the sentences generated (the
 * test checks it). @names_of / @nnames: the phrases to mix in.
 */
static void make_corpus(rng *r, rcorpus *c, const rdict *d, size_t ndoc, size_t maxsent,
                        const char *const *nm, size_t nnm)
{
	memset(c, 0, sizeof *c);
	c->ndoc = ndoc;
	c->doc = xrealloc(NULL, ndoc * sizeof *c->doc);
	sbuf js = { 0 };
	for (size_t i = 0; i < ndoc; i++) {
		rdoc *doc = &c->doc[i];
		memset(doc, 0, sizeof *doc);
		unsigned y = 2018 + rng_below(r, 4), mo = 1 + rng_below(r, 12), da = 1 + rng_below(r, 28);
		switch (rng_below(r, 6)) {
		case 0: doc->date = 0; break;
		case 1: doc->date = y * 10000; break;
		case 2: doc->date = y * 10000 + mo * 100; break;
		default: doc->date = y * 10000 + mo * 100 + da; break;
		}
		sbuf t = { 0 };
		size_t ns = 1 + rng_below(r, (uint32_t)maxsent);
		if (rng_below(r, 30) == 0) { /* a document without a word */
			ns = 0;
			sb_puts(&t, rng_below(r, 2) ? "" : " ... -- ");
		}
		uint32_t density = 2 + rng_below(r, 6); /* one slot in density is a name */
		for (size_t s = 0; s < ns; s++) {
			size_t nw = 1 + rng_below(r, 14);
			for (size_t w = 0; w < nw; w++) {
				if (w)
					sb_puts(&t, rng_below(r, 8) ? " " : rng_below(r, 2) ? ", " : " - ");
				if (rng_below(r, density) == 0) {
					const char *x = nm[rng_below(r, (uint32_t)nnm)];
					if (w == 0)
						put_cap(&t, x);
					else
						sb_puts(&t, x);
				} else {
					const char *x = plain[rng_below(r, NPLAIN)];
					if (w == 0 || rng_below(r, 6) == 0)
						put_cap(&t, x);
					else
						sb_puts(&t, x);
				}
			}
			/* a plain last word, then the full stop or a blank line */
			sb_puts(&t, " ");
			sb_puts(&t, plain[rng_below(r, NPLAIN)]);
			uint32_t end = rng_below(r, 10);
			sb_puts(&t, s + 1 == ns ? "." : end < 7 ? ". " : end < 9 ? ".  " : " \n \n");
		}
		c->gen_sentences += ns;
		/* the reference */
		char **tok;
		uint32_t *sent;
		doc->ntok = analyze_words(t.p ? t.p : "", t.len, &tok, &sent, &doc->nsent);
		cr_assert_eq(doc->nsent, ns, "the analyzer splits [%s] into %zu sentences, want %zu", t.p,
		             doc->nsent, ns);
		ref_match(d, tok, doc->ntok, sent, doc->nsent, &doc->m, &doc->nm);
		free_words(tok, doc->ntok);
		free(sent);
		c->tokens += doc->ntok;
		c->sentences += doc->nsent;
		/* the JSON line */
		char h[64];
		snprintf(h, sizeof h, "{\"id\":\"d%05zu\"", i);
		sb_puts(&js, h);
		if (doc->date)
			put_date(&js, doc->date);
		sb_puts(&js, ",\"text\":\"");
		for (size_t k = 0; k < t.len; k++) {
			if (t.p[k] == '\n')
				sb_puts(&js, "\\n");
			else
				sb_put(&js, t.p + k, 1);
		}
		sb_puts(&js, "\"}\n");
		free(t.p);
	}
	c->jsonl = js.p;
	c->jsonl_len = js.len;
}

static void free_corpus(rcorpus *c)
{
	for (size_t i = 0; i < c->ndoc; i++)
		free(c->doc[i].m);
	free(c->doc);
	free(c->jsonl);
}

/* ---- reference counts ----------------------------------------------------- */

typedef struct rfilter {
	int on;
	uint32_t from, to;    /* inclusive, as YYYYMMDD */
} rfilter;

static int ref_in(const rdoc *d, const rfilter *f)
{
	return !f->on || (d->date && d->date >= f->from && d->date <= f->to);
}

typedef struct rcounts {
	size_t na;
	uint64_t n[3];
	uint64_t *marg[3];    /* [a] */
	uint64_t *joint[3];   /* [a * na + b], symmetric */
} rcounts;

/* The count of pair (a, b) at @level within document @d (window @K). */
static uint64_t doc_pair(const rdoc *d, int level, uint32_t a, uint32_t b, unsigned K)
{
	uint64_t n = 0;
	if (level == NGIDX_LEVEL_DOC) {
		int ha = 0, hb = 0;
		for (size_t i = 0; i < d->nm; i++)
			ha |= d->m[i].actor == a, hb |= d->m[i].actor == b;
		return ha && hb;
	}
	if (level == NGIDX_LEVEL_SENTENCE) {
		for (size_t s = 0; s < d->nsent; s++) {
			int ha = 0, hb = 0;
			for (size_t i = 0; i < d->nm; i++)
				if (d->m[i].sent == s)
					ha |= d->m[i].actor == a, hb |= d->m[i].actor == b;
			n += ha && hb;
		}
		return n;
	}
	for (size_t i = 0; i < d->nm; i++)
		for (size_t j = i + 1; j < d->nm; j++) {
			const rment *x = &d->m[i], *y = &d->m[j];
			if (y->start - x->start <= K &&
			    ((x->actor == a && y->actor == b) || (x->actor == b && y->actor == a)))
				n++;
		}
	return n;
}

static void ref_counts(const rcorpus *c, size_t na, unsigned K, const rfilter *f, rcounts *rc)
{
	rc->na = na;
	for (int l = 0; l < 3; l++) {
		rc->n[l] = 0;
		rc->marg[l] = xrealloc(NULL, (na + 1) * sizeof(uint64_t));
		rc->joint[l] = xrealloc(NULL, (na * na + 1) * sizeof(uint64_t));
		memset(rc->marg[l], 0, (na + 1) * sizeof(uint64_t));
		memset(rc->joint[l], 0, (na * na + 1) * sizeof(uint64_t));
	}
	char *has = xrealloc(NULL, na + 1);
	for (size_t i = 0; i < c->ndoc; i++) {
		const rdoc *d = &c->doc[i];
		if (!ref_in(d, f))
			continue;
		rc->n[0]++;
		rc->n[1] += d->nsent;
		rc->n[2] += d->ntok;
		/* documents */
		memset(has, 0, na);
		for (size_t k = 0; k < d->nm; k++)
			has[d->m[k].actor] = 1;
		for (size_t a = 0; a < na; a++) {
			rc->marg[0][a] += has[a];
			for (size_t b = 0; b < na; b++)
				rc->joint[0][a * na + b] += a != b && has[a] && has[b];
		}
		/* sentences */
		for (size_t s = 0; s < d->nsent; s++) {
			memset(has, 0, na);
			for (size_t k = 0; k < d->nm; k++)
				if (d->m[k].sent == s)
					has[d->m[k].actor] = 1;
			for (size_t a = 0; a < na; a++) {
				rc->marg[1][a] += has[a];
				for (size_t b = 0; b < na; b++)
					rc->joint[1][a * na + b] += a != b && has[a] && has[b];
			}
		}
		/* windows */
		for (size_t x = 0; x < d->nm; x++) {
			rc->marg[2][d->m[x].actor]++;
			for (size_t y = x + 1; y < d->nm; y++) {
				uint32_t a = d->m[x].actor, b = d->m[y].actor;
				if (a != b && d->m[y].start - d->m[x].start <= K) {
					rc->joint[2][a * na + b]++;
					rc->joint[2][b * na + a]++;
				}
			}
		}
	}
	free(has);
}

static void free_counts(rcounts *rc)
{
	for (int l = 0; l < 3; l++) {
		free(rc->marg[l]);
		free(rc->joint[l]);
	}
}

/* ---- checks against an index ---------------------------------------------- */

static char g_ctx[256]; /* the configuration, for failure messages */

static void check_cells(const ngidx_index *idx, const rcounts *rc, const ngidx_filter *f, unsigned K,
                        const char *fname)
{
	size_t na = rc->na;
	for (int l = 0; l < 3; l++) {
		double span = l == NGIDX_LEVEL_WINDOW ? 2.0 * K : 1.0;
		for (uint32_t a = 0; a < na; a++) {
			for (uint32_t b = 0; b < na; b++) {
				ngidx_cell c;
				ngidx_error e = { 0 };
				int r = ngidx_cooc_cell(idx, (ngidx_level)l, a, b, f, &c, &e);
				CHECK(r == NGIDX_OK, "%s %s: cooc_cell level %d (%u,%u): %d %s", g_ctx, fname, l, a, b, r,
				      e.msg);
				uint64_t want = a == b ? 0 : rc->joint[l][a * na + b];
				CHECK(c.o11 == want && c.r1 == rc->marg[l][a] && c.c1 == rc->marg[l][b] &&
				          c.n == rc->n[l] && c.span == span,
				      "%s %s: level %s pair (%u,%u): o11 %" PRIu64 " r1 %" PRIu64 " c1 %" PRIu64
				      " n %" PRIu64 " span %g, want %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %g",
				      g_ctx, fname, ngidx_level_name((ngidx_level)l), a, b, c.o11, c.r1, c.c1, c.n,
				      c.span, want, rc->marg[l][a], rc->marg[l][b], rc->n[l], span);
			}
			/* the row */
			ngidx_neighbor *nb;
			size_t nn;
			ngidx_error e = { 0 };
			int r = ngidx_cooc_neighbors(idx, (ngidx_level)l, a, f, &nb, &nn, &e);
			CHECK(r == NGIDX_OK, "%s %s: neighbors: %d %s", g_ctx, fname, r, e.msg);
			size_t k = 0;
			for (uint32_t b = 0; b < na; b++) {
				uint64_t want = a == b ? 0 : rc->joint[l][a * na + b];
				if (!want)
					continue;
				CHECK(k < nn, "%s %s: level %s row %u has %zu neighbours, missing %u (o11 %" PRIu64 ")",
				      g_ctx, fname, ngidx_level_name((ngidx_level)l), a, nn, b, want);
				const ngidx_neighbor *x = &nb[k++];
				CHECK(x->actor == b && x->cell.o11 == want && x->cell.r1 == rc->marg[l][a] &&
				          x->cell.c1 == rc->marg[l][b] && x->cell.n == rc->n[l] && x->cell.span == span,
				      "%s %s: level %s row %u neighbour %zu: actor %u o11 %" PRIu64 " r1 %" PRIu64
				      " c1 %" PRIu64 " n %" PRIu64 ", want actor %u %" PRIu64 " %" PRIu64 " %" PRIu64
				      " %" PRIu64,
				      g_ctx, fname, ngidx_level_name((ngidx_level)l), a, k - 1, x->actor, x->cell.o11,
				      x->cell.r1, x->cell.c1, x->cell.n, b, want, rc->marg[l][a], rc->marg[l][b],
				      rc->n[l]);
			}
			CHECK(k == nn, "%s %s: level %s row %u: %zu neighbours, want %zu", g_ctx, fname,
			      ngidx_level_name((ngidx_level)l), a, nn, k);
			ngidx_buffer_free(nb);
		}
	}
}

static void check_matrix(const ngidx_index *idx, const rcounts *rc)
{
	size_t na = rc->na;
	for (int l = 0; l < 3; l++) {
		const uint64_t *rp, *cnt;
		const uint32_t *cols;
		ngidx_error e = { 0 };
		cr_assert_eq(ngidx_cooc_matrix(idx, (ngidx_level)l, &rp, &cols, &cnt, &e), NGIDX_OK, "%s", e.msg);
		CHECK(rp[0] == 0, "%s: rowptr[0] = %" PRIu64, g_ctx, rp[0]);
		for (uint32_t a = 0; a < na; a++) {
			uint64_t i = rp[a];
			for (uint32_t b = 0; b < na; b++) {
				uint64_t want = a == b ? 0 : rc->joint[l][a * na + b];
				if (!want)
					continue;
				CHECK(i < rp[a + 1] && cols[i] == b && cnt[i] == want,
				      "%s: matrix %s row %u: entry %" PRIu64 " is (%u, %" PRIu64 "), want (%u, %" PRIu64 ")",
				      g_ctx, ngidx_level_name((ngidx_level)l), a, i - rp[a],
				      i < rp[a + 1] ? cols[i] : UINT32_MAX, i < rp[a + 1] ? cnt[i] : 0, b, want);
				i++;
			}
			CHECK(i == rp[a + 1], "%s: matrix %s row %u has %" PRIu64 " entries, want %" PRIu64, g_ctx,
			      ngidx_level_name((ngidx_level)l), a, rp[a + 1] - rp[a], i - rp[a]);
		}
		/* symmetric (implied by the above, but state it) */
		for (uint32_t a = 0; a < na; a++)
			for (uint64_t i = rp[a]; i < rp[a + 1]; i++) {
				uint32_t b = cols[i];
				uint64_t j;
				for (j = rp[b]; j < rp[b + 1] && cols[j] != a; j++)
					;
				CHECK(j < rp[b + 1] && cnt[j] == cnt[i], "%s: matrix %s not symmetric at (%u,%u)", g_ctx,
				      ngidx_level_name((ngidx_level)l), a, b);
			}
	}
}

static void check_actors(const ngidx_index *idx, const rdict *d, const rcounts *rc)
{
	cr_assert_eq(ngidx_actor_count(idx), d->nactors, "%s", g_ctx);
	for (uint32_t a = 0; a < d->nactors; a++) {
		ngidx_actor x;
		ngidx_error e = { 0 };
		cr_assert_eq(ngidx_actor_get(idx, a, &x, &e), NGIDX_OK, "%s", e.msg);
		CHECK(x.index == a && x.id_len == strlen(d->id[a]) && !memcmp(x.id, d->id[a], x.id_len),
		      "%s: actor %u id '%.*s', want '%s'", g_ctx, a, (int)x.id_len, x.id, d->id[a]);
		CHECK(x.type_len == strlen(d->type[a]) && !memcmp(x.type, d->type[a], x.type_len),
		      "%s: actor %s type '%.*s', want '%s'", g_ctx, d->id[a], (int)x.type_len, x.type, d->type[a]);
		CHECK(x.documents == rc->marg[0][a] && x.sentences == rc->marg[1][a] &&
		          x.mentions == rc->marg[2][a],
		      "%s: actor %s documents %u sentences %" PRIu64 " mentions %" PRIu64 ", want %" PRIu64
		      " %" PRIu64 " %" PRIu64,
		      g_ctx, d->id[a], x.documents, x.sentences, x.mentions, rc->marg[0][a], rc->marg[1][a],
		      rc->marg[2][a]);
		/* aliases: distinct keys, in file order; the first is the name */
		uint32_t k = 0;
		for (size_t i = 0; i < d->nal; i++) {
			if (d->al[i].actor != a)
				continue;
			const char *t, *key;
			size_t tl, kl;
			CHECK(ngidx_actor_alias(idx, a, k, &t, &tl, &key, &kl, &e) == NGIDX_OK, "%s: alias %u of %s: %s",
			      g_ctx, k, d->id[a], e.msg);
			CHECK(tl == strlen(d->al[i].text) && !memcmp(t, d->al[i].text, tl) &&
			          kl == strlen(d->al[i].key) && !memcmp(key, d->al[i].key, kl),
			      "%s: alias %u of %s is '%.*s' / '%.*s', want '%s' / '%s'", g_ctx, k, d->id[a], (int)tl,
			      t, (int)kl, key, d->al[i].text, d->al[i].key);
			if (k == 0)
				CHECK(x.name_len == tl && !memcmp(x.name, t, tl), "%s: name of %s", g_ctx, d->id[a]);
			k++;
		}
		CHECK(x.naliases == k, "%s: %s has %u aliases, want %u", g_ctx, d->id[a], x.naliases, k);
		const char *t, *key;
		size_t tl, kl;
		CHECK(ngidx_actor_alias(idx, a, k, &t, &tl, &key, &kl, &e) == NGIDX_ERR_RANGE, "alias past the end");
	}
	ngidx_actor x;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_actor_get(idx, (uint32_t)d->nactors, &x, &e), NGIDX_ERR_RANGE);
}

/* Mention postings and pair postings (no filter) against the documents. */
static void check_postings(const ngidx_index *idx, const rcorpus *c, const rdict *d, unsigned K)
{
	size_t na = d->nactors;
	uint32_t *pos = xrealloc(NULL, 4096 * sizeof *pos);
	for (uint32_t a = 0; a < na; a++) {
		ngidx_term t;
		int found = ngidx_actor_term(idx, a, &t);
		uint64_t cf = 0, df = 0;
		for (size_t i = 0; i < c->ndoc; i++)
			for (size_t k = 0; k < c->doc[i].nm; k++)
				cf += c->doc[i].m[k].actor == a;
		for (size_t i = 0; i < c->ndoc; i++) {
			int h = 0;
			for (size_t k = 0; k < c->doc[i].nm; k++)
				h |= c->doc[i].m[k].actor == a;
			df += h;
		}
		CHECK(found == (cf > 0), "%s: actor_term(%s) = %d with %" PRIu64 " mentions", g_ctx, d->id[a], found,
		      cf);
		if (found != 1)
			continue;
		CHECK(t.cf == cf && t.df == df, "%s: actor term %s cf %" PRIu64 " df %u, want %" PRIu64 " %" PRIu64,
		      g_ctx, d->id[a], t.cf, t.df, cf, df);
		ngidx_postings *p;
		ngidx_error e = { 0 };
		cr_assert_eq(ngidx_postings_open(idx, t.id, &p, &e), NGIDX_OK, "%s", e.msg);
		int r;
		size_t i = 0;
		while ((r = ngidx_postings_next(p, &e)) == 1) {
			uint32_t doc = ngidx_postings_doc(p);
			size_t np = 0;
			for (; i < c->ndoc; i++) {
				np = 0;
				for (size_t k = 0; k < c->doc[i].nm; k++)
					if (c->doc[i].m[k].actor == a)
						pos[np++] = c->doc[i].m[k].start;
				if (np)
					break;
			}
			CHECK(i < c->ndoc && doc == i, "%s: mentions of %s: document %u, want %zu", g_ctx, d->id[a], doc, i);
			CHECK(ngidx_postings_tf(p) == np, "%s: mentions of %s in doc %u: tf %u, want %zu", g_ctx, d->id[a],
			      doc, ngidx_postings_tf(p), np);
			const uint32_t *got;
			r = ngidx_postings_positions(p, &got, &e);
			CHECK(r == NGIDX_OK, "%s: positions of %s in doc %u: %d %s", g_ctx, d->id[a], doc, r, e.msg);
			for (size_t k = 0; k < np; k++)
				CHECK(got[k] == pos[k], "%s: mention %zu of %s in doc %u at token %u, want %u", g_ctx, k,
				      d->id[a], doc, got[k], pos[k]);
			i++;
		}
		CHECK(r == 0, "%s: postings: %d %s", g_ctx, r, e.msg);
		for (; i < c->ndoc; i++)
			for (size_t k = 0; k < c->doc[i].nm; k++)
				CHECK(c->doc[i].m[k].actor != a, "%s: mentions of %s: document %zu missing", g_ctx, d->id[a], i);
		ngidx_postings_free(p);
	}
	free(pos);
	/* pairs */
	for (int l = 0; l < 3; l++)
		for (uint32_t a = 0; a < na; a++)
			for (uint32_t b = 0; b < na; b++) {
				ngidx_term t;
				int found = ngidx_pair_term(idx, (ngidx_level)l, a, b, &t);
				uint64_t cf = 0, df = 0;
				for (size_t i = 0; a != b && i < c->ndoc; i++) {
					uint64_t n = doc_pair(&c->doc[i], l, a, b, K);
					cf += n;
					df += n > 0;
				}
				CHECK(found == (df > 0), "%s: pair_term(%s, %u, %u) = %d, want %d", g_ctx,
				      ngidx_level_name((ngidx_level)l), a, b, found, df > 0);
				if (found != 1)
					continue;
				CHECK(t.cf == cf && t.df == df, "%s: pair term %s (%u,%u) cf %" PRIu64 " df %u, want %" PRIu64
				      " %" PRIu64, g_ctx, ngidx_level_name((ngidx_level)l), a, b, t.cf, t.df, cf, df);
				ngidx_postings *p;
				ngidx_error e = { 0 };
				cr_assert_eq(ngidx_postings_open(idx, t.id, &p, &e), NGIDX_OK, "%s", e.msg);
				size_t i = 0;
				int r;
				while ((r = ngidx_postings_next(p, &e)) == 1) {
					uint32_t doc = ngidx_postings_doc(p);
					uint64_t n = 0;
					for (; i < c->ndoc && !(n = doc_pair(&c->doc[i], l, a, b, K)); i++)
						;
					CHECK(doc == i && ngidx_postings_tf(p) == n,
					      "%s: pair %s (%u,%u): document %u tf %u, want %zu tf %" PRIu64, g_ctx,
					      ngidx_level_name((ngidx_level)l), a, b, doc, ngidx_postings_tf(p), i, n);
					i++;
				}
				CHECK(r == 0, "%s: pair postings: %d %s", g_ctx, r, e.msg);
				for (; i < c->ndoc; i++)
					CHECK(!doc_pair(&c->doc[i], l, a, b, K), "%s: pair %s (%u,%u): document %zu missing",
					      g_ctx, ngidx_level_name((ngidx_level)l), a, b, i);
				ngidx_postings_free(p);
			}
}

/* Every check of one index built from @c with dictionary @d, window @K. */
static void check_index(const char *path, const rcorpus *c, const rdict *d, unsigned K, rng *r)
{
	ngidx_index *idx;
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_index_open(&idx, path, NULL, &e), NGIDX_OK, "%s: open: %s", g_ctx, e.msg);
	cr_assert_eq(ngidx_index_verify(idx, &e), NGIDX_OK, "%s: verify: %s", g_ctx, e.msg);
	ngidx_index_info info;
	ngidx_index_get_info(idx, &info);
	cr_assert_eq(info.docs, c->ndoc, "%s", g_ctx);
	cr_assert_eq(info.tokens, c->tokens, "%s", g_ctx);
	cr_assert_eq(info.sentences, c->sentences, "%s", g_ctx);
	cr_assert_eq(ngidx_actor_window(idx), K, "%s", g_ctx);
	for (uint32_t i = 0; i < c->ndoc; i++) {
		ngidx_doc doc;
		cr_assert_eq(ngidx_doc_get(idx, i, &doc, &e), NGIDX_OK);
		CHECK(doc.date == c->doc[i].date && doc.tokens == c->doc[i].ntok &&
		          doc.sentences == c->doc[i].nsent,
		      "%s: document %u date %u tokens %u sentences %u, want %u %zu %zu", g_ctx, i, doc.date,
		      doc.tokens, doc.sentences, c->doc[i].date, c->doc[i].ntok, c->doc[i].nsent);
	}

	rfilter none = { 0, 0, 0 };
	rcounts rc;
	ref_counts(c, d->nactors, K, &none, &rc);
	check_actors(idx, d, &rc);
	check_matrix(idx, &rc);
	check_cells(idx, &rc, NULL, K, "no filter");
	ngidx_filter zero = { 0, 0, NULL };
	check_cells(idx, &rc, &zero, K, "filter {0,0}");
	check_postings(idx, c, d, K);
	free_counts(&rc);

	/* date filters: the example of the brief, then random bounds */
	static const char *const bounds[][2] = {
		{ "2019", "2020-06" }, { NULL, "2019-03" }, { "2020", NULL }, { "2019-02-10", "2019-02-10" },
		{ "2018-05", "2021-03-31" }, { "2022", NULL },
	};
	for (size_t k = 0; k < sizeof bounds / sizeof *bounds; k++) {
		if (k >= 2 && rng_below(r, 2)) /* keep the run short */
			continue;
		ngidx_filter f;
		cr_assert_eq(ngidx_filter_dates(&f, bounds[k][0], bounds[k][1], &e), NGIDX_OK, "%s", e.msg);
		rfilter rf = { 1, 0, 99999999 };
		if (bounds[k][0]) {
			unsigned y = 0, m = 0, dd = 0;
			sscanf(bounds[k][0], "%u-%u-%u", &y, &m, &dd);
			rf.from = y * 10000 + m * 100 + dd;
		}
		if (bounds[k][1]) {
			unsigned y = 0, m = 99, dd = 99;
			int n = sscanf(bounds[k][1], "%u-%u-%u", &y, &m, &dd);
			if (n == 1)
				m = 99;
			if (n <= 2)
				dd = 99;
			rf.to = y * 10000 + m * 100 + dd;
		}
		ref_counts(c, d->nactors, K, &rf, &rc);
		char fname[64];
		snprintf(fname, sizeof fname, "filter %s..%s", bounds[k][0] ? bounds[k][0] : "",
		         bounds[k][1] ? bounds[k][1] : "");
		check_cells(idx, &rc, &f, K, fname);
		free_counts(&rc);
	}
	ngidx_index_free(idx);
}

/* ---- building --------------------------------------------------------------- */

static int build(const char *out, const char *const *in, size_t nin, const char *const *dicts,
                 size_t ndict, unsigned max_n, unsigned window, int threads, uint64_t memory,
                 uint32_t min_df, ngidx_build_stats *st, ngidx_error *e)
{
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	o.output = out;
	o.inputs = in;
	o.ninputs = nin;
	o.format = NGIDX_FORMAT_JSONL;
	o.max_n = max_n;
	o.min_df = min_df;
	o.threads = threads;
	if (memory)
		o.memory = memory;
	o.actor_files = dicts;
	o.nactor_files = ndict;
	if (window)
		o.window = window;
	return ngidx_build(&o, st, e);
}

static const dline g_dict[] = {
	{ 0, "PRK", "North Korea", "country" },
	{ 0, "PRK", "Pyongyang", NULL },
	{ 0, "KOR", "South Korea", "country" },
	{ 0, "KOR", "Seoul", NULL },
	{ 0, "KORP", "Korea", "region" },
	{ 0, "KIM", "Kim", "person" },
	{ 0, "KIM", "Kim Jong Un", NULL },
	{ 0, "KIM", "Kim Jong-un", "person" }, /* repeated: same key */
	{ 0, "KIM", "KIM JONG-UN", NULL },     /* repeated: another case */
	{ 0, "JONG", "Jong", NULL },
	{ 0, "UNSC", "the United Nations Security Council", "organisation" }, /* > max-n */
	{ 0, "SC", "Security Council", NULL },
	{ 0, "USA", "United States", NULL },
	{ 1, "USA", "Washington", "country" }, /* the same actor in the second file */
	{ 1, "USA", "U.S.", NULL },
	{ 1, "TRUMP", "Donald Trump", "person" },
	{ 1, "TRUMP", "Trump", NULL },
	{ 1, "XI", "Xi Jinping", "person" },
	{ 1, "XI", "Xi", NULL },
	{ 1, "CHN", "China", "country" },
	{ 1, "CHN", "Beijing", NULL },
	{ 1, "KIM", "kim jong un", NULL },     /* repeated in the other file */
	{ 1, "NOBODY", "Zorblax Quux", NULL },  /* never mentioned */
	{ 1, "NAT", "Nations", NULL },
};
#define NDICT (sizeof g_dict / sizeof *g_dict)

static int same_file(const char *a, const char *b)
{
	size_t la, lb;
	unsigned char *pa = read_whole(a, &la), *pb = read_whole(b, &lb);
	int same = la == lb && !memcmp(pa, pb, la);
	free(pa);
	free(pb);
	return same;
}

Test(actors, random_vs_reference, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300)
{
	uint64_t seed = test_seed("random_vs_reference");
	rng r = { seed };
	rdict d;
	rdict_make(&d, g_dict, NDICT);
	/* the analyzed keys the reference relies on */
	cr_assert_eq(d.nactors, 13);
	cr_assert_str_eq(d.al[6].key, "kim jong un");
	write_dict(kp("a.tsv"), g_dict, NDICT, 0);
	write_dict(kp("b.tsv"), g_dict, NDICT, 1);
	const char *dicts[2] = { kp("a.tsv"), kp("b.tsv") };
	const char *in[1] = { kp("c.jsonl") };
	uint64_t total_mentions = 0, max_runs = 0;
	for (int round = 0; round < 3; round++) {
		rcorpus c;
		/* round 2 is large enough for a 1 MiB bound to spill many runs */
		size_t ndoc = round == 2 ? 2500 : 40 + rng_below(&r, 200);
		make_corpus(&r, &c, &d, ndoc, round == 2 ? 10 : 6, names, NNAMES);
		for (size_t i = 0; i < c.ndoc; i++)
			total_mentions += c.doc[i].nm;
		write_file(in[0], c.jsonl, c.jsonl_len);
		unsigned max_n = round == 0 ? 2 : round == 2 ? 3 : 1 + rng_below(&r, 3);
		uint32_t min_df = rng_below(&r, 3) == 0 ? 2 : 1;
		static const unsigned windows[] = { 1, 3, 10 };
		for (size_t w = 0; w < 3; w++) {
			unsigned K = windows[w];
			char first[64] = "";
			for (int v = 0; v < 4; v++) {
				int threads = 1 + (v & 1);
				uint64_t memory = v & 2 ? (uint64_t)1 << 20 : 0;
				char name[64];
				snprintf(name, sizeof name, "i%u_%d.ngx", K, v);
				snprintf(g_ctx, sizeof g_ctx,
				         "seed=%" PRIu64 " round=%d docs=%zu max_n=%u min_df=%u window=%u threads=%d memory=%s",
				         seed, round, ndoc, max_n, min_df, K, threads, memory ? "1M" : "default");
				ngidx_build_stats st;
				memset(&st, 0, sizeof st);
				ngidx_error e = { 0 };
				int rc = build(tp(name), in, 1, dicts, 2, max_n, K == 10 && round == 1 ? 0 : K, threads,
				               memory, min_df, &st, &e);
				cr_assert_eq(rc, NGIDX_OK, "%s: build: %d %s", g_ctx, rc, e.msg);
				if (memory && st.runs > max_runs)
					max_runs = st.runs;
				uint64_t ment = 0;
				for (size_t i = 0; i < c.ndoc; i++)
					ment += c.doc[i].nm;
				cr_assert_eq(st.actors, d.nactors, "%s", g_ctx);
				cr_assert_eq(st.mentions, ment, "%s: build found %" PRIu64 " mentions, want %" PRIu64, g_ctx,
				             st.mentions, ment);
				check_index(tp(name), &c, &d, K, &r);
				if (v == 0)
					snprintf(first, sizeof first, "%s", name);
				else
					cr_assert(same_file(tp(first), tp(name)), "%s: %s and %s differ", g_ctx, first, name);
			}
		}
		free_corpus(&c);
	}
	fprintf(stderr, "actors_test: %" PRIu64 " mentions checked; most spilled runs at 1 MiB: %" PRIu64 "\n",
	        total_mentions, max_runs);
	cr_expect_gt(max_runs, 3, "the 1 MiB builds spilled only %" PRIu64 " runs", max_runs);
	rdict_free(&d);
}

/* ---- dictionary errors -------------------------------------------------------- */

static const char g_small[] =
	"{\"id\":\"a\",\"date\":\"2019-02-27\",\"text\":\"Kim Jong-un met Donald Trump in Hanoi. North Korea said no.\"}\n"
	"{\"id\":\"b\",\"text\":\"Trump and Kim. The summit ended.\"}\n";

/* Build the small corpus with dictionary files @files; @return the code. */
static int build_small(const char *const *files, size_t n, ngidx_error *e)
{
	write_file(tp("s.jsonl"), g_small, sizeof g_small - 1);
	const char *in[1] = { tp("s.jsonl") };
	return build(tp("s.ngx"), in, 1, files, n, 3, 0, 1, 0, 1, NULL, e);
}

/* Dictionary @text as file "d.tsv" must fail with @code naming line @line. */
static void dict_fails(const char *what, const char *text, int code, size_t line)
{
	const char *f[1] = { kp(what) };
	write_file(f[0], text, strlen(text));
	remove(tp("s.ngx"));
	ngidx_error e = { 0 };
	int rc = build_small(f, 1, &e);
	cr_expect_eq(rc, code, "%s: build gives %d (%s), want %d", what, rc, e.msg, code);
	char want[PATH_MAX + 32];
	snprintf(want, sizeof want, "%s:%zu:", f[0], line);
	cr_expect(strstr(e.msg, want) != NULL, "%s: message '%s' does not name %s", what, e.msg, want);
	cr_expect(access(tp("s.ngx"), F_OK) != 0, "%s: an index was written", what);
}

Test(actors, dictionary_errors, .init = fixture_setup, .fini = fixture_teardown)
{
	dict_fails("empty_id_tab.tsv", "# c\nPRK\tNorth Korea\n\tKorea\tcountry\n", NGIDX_ERR_INPUT, 3);
	dict_fails("empty_id_blank.tsv", "PRK\tNorth Korea\n \tKorea\n", NGIDX_ERR_INPUT, 2);
	dict_fails("empty_alias.tsv", "PRK\tNorth Korea\nPRK\t\tcountry\n", NGIDX_ERR_INPUT, 2);
	dict_fails("no_alias.tsv", "PRK\tNorth Korea\n\nPRK\n", NGIDX_ERR_INPUT, 3);
	dict_fails("blank_alias.tsv", "PRK\t   \n", NGIDX_ERR_INPUT, 1);
	dict_fails("punct_alias.tsv", "PRK\tNorth Korea\nPRK\t...\n", NGIDX_ERR_INPUT, 2);
	dict_fails("punct_alias2.tsv", "PRK\t- / -\n", NGIDX_ERR_INPUT, 1);
	dict_fails("two_actors.tsv", "KIM\tKim Jong-un\n# other\nKJU\tkim jong un\n", NGIDX_ERR_INPUT, 3);
	dict_fails("two_actors_case.tsv", "KIM\tKim\nXI\tKIM\n", NGIDX_ERR_INPUT, 2);
	dict_fails("id_space.tsv", "Kim Jong\tKim\n", NGIDX_ERR_INPUT, 1);
	dict_fails("id_at.tsv", "PRK\tNorth Korea\n@KIM\tKim\n", NGIDX_ERR_INPUT, 2);
	dict_fails("id_at_inside.tsv", "K@M\tKim\n", NGIDX_ERR_INPUT, 1);
	dict_fails("two_types.tsv", "PRK\tNorth Korea\tcountry\nPRK\tDPRK\tperson\n", NGIDX_ERR_INPUT, 2);
	dict_fails("four_fields.tsv", "PRK\tNorth Korea\tcountry\textra\n", NGIDX_ERR_INPUT, 1);
	dict_fails("four_fields_empty.tsv", "PRK\tNorth Korea\tcountry\t\n", NGIDX_ERR_INPUT, 1);
	dict_fails("bad_utf8.tsv", "PRK\tNorth Korea\nKOR\tS\xffouth Korea\n", NGIDX_ERR_INPUT, 2);
	dict_fails("bad_utf8_id.tsv", "PRK\tNorth Korea\nK\xc3\tSouth Korea\n", NGIDX_ERR_INPUT, 2);
	dict_fails("crlf.tsv", "PRK\tNorth Korea\r\nPRK\t..\r\n", NGIDX_ERR_INPUT, 2);

	/* the second file, and a conflict with the first */
	static const char first[] = "PRK\tNorth Korea\tcountry\nKIM\tKim Jong-un\n";
	write_file(kp("ok.tsv"), first, strlen(first));
	const char *two[2] = { kp("ok.tsv"), kp("second.tsv") };
	static const char second[] = "# second\n\nUSA\tUnited States\nPRK\tDPRK\tperson\n";
	write_file(two[1], second, strlen(second));
	ngidx_error e = { 0 };
	int rc = build_small(two, 2, &e);
	cr_expect_eq(rc, NGIDX_ERR_INPUT, "type conflict across files: %d %s", rc, e.msg);
	char want[PATH_MAX + 32];
	snprintf(want, sizeof want, "%s:4:", two[1]);
	cr_expect(strstr(e.msg, want) != NULL, "message '%s' does not name %s", e.msg, want);
	write_file(two[1], "USA\tUnited States\nJONG\tKIM JONG UN\n", 35);
	memset(&e, 0, sizeof e);
	rc = build_small(two, 2, &e);
	cr_expect_eq(rc, NGIDX_ERR_INPUT, "alias of two actors across files: %d %s", rc, e.msg);
	snprintf(want, sizeof want, "%s:2:", two[1]);
	cr_expect(strstr(e.msg, want) != NULL, "message '%s' does not name %s", e.msg, want);

	/* a missing file */
	const char *missing[2] = { kp("ok.tsv"), kp("no-such-file.tsv") };
	memset(&e, 0, sizeof e);
	rc = build_small(missing, 2, &e);
	cr_expect_eq(rc, NGIDX_ERR_IO, "missing dictionary: %d %s", rc, e.msg);
	cr_expect(strstr(e.msg, "no-such-file.tsv") != NULL, "message '%s' does not name the file", e.msg);

	/* fine: an alias repeated for its own actor, in any spelling */
	const char *ok[1] = { kp("repeat.tsv") };
	write_file(ok[0], "KIM\tKim Jong-un\tperson\nKIM\tKim Jong Un\nKIM\tKIM JONG-UN\tperson\nKIM\tKim\n", 70);
	memset(&e, 0, sizeof e);
	cr_assert_eq(build_small(ok, 1, &e), NGIDX_OK, "%s", e.msg);
	ngidx_index *idx;
	cr_assert_eq(ngidx_index_open(&idx, tp("s.ngx"), NULL, &e), NGIDX_OK, "%s", e.msg);
	ngidx_actor a;
	cr_assert_eq(ngidx_actor_count(idx), 1);
	cr_assert_eq(ngidx_actor_get(idx, 0, &a, &e), NGIDX_OK);
	cr_expect_eq(a.naliases, 2, "repeated aliases kept once: %u aliases", a.naliases);
	cr_expect(a.name_len == 11 && !memcmp(a.name, "Kim Jong-un", 11), "name '%.*s'", (int)a.name_len, a.name);
	cr_expect(a.type_len == 6 && !memcmp(a.type, "person", 6));
	cr_expect_eq(a.mentions, 2);  /* "Kim Jong-un" in a, "Kim" in b */
	cr_expect_eq(a.documents, 2);
	ngidx_index_free(idx);
}

Test(actors, empty_dictionary_and_no_actors, .init = fixture_setup, .fini = fixture_teardown)
{
	const char *f[1] = { kp("empty.tsv") };
	write_file(f[0], "# nothing here\n\n   \n\t# indented comment\n#\n", 42);
	ngidx_error e = { 0 };
	cr_assert_eq(build_small(f, 1, &e), NGIDX_OK, "empty dictionary: %s", e.msg);
	ngidx_index *idx;
	cr_assert_eq(ngidx_index_open(&idx, tp("s.ngx"), NULL, &e), NGIDX_OK, "%s", e.msg);
	cr_assert_eq(ngidx_index_verify(idx, &e), NGIDX_OK, "%s", e.msg);
	cr_expect_eq(ngidx_actor_count(idx), 0);
	cr_expect_eq(ngidx_actor_window(idx), 10, "window %u", ngidx_actor_window(idx));
	uint32_t a = 77;
	cr_expect_eq(ngidx_actor_find(idx, "Kim", 3, &a), 0);
	ngidx_index_free(idx);

	/* an entirely empty file */
	write_file(f[0], "", 0);
	cr_assert_eq(build_small(f, 1, &e), NGIDX_OK, "empty file: %s", e.msg);
	cr_assert_eq(ngidx_index_open(&idx, tp("s.ngx"), NULL, &e), NGIDX_OK, "%s", e.msg);
	cr_expect_eq(ngidx_actor_count(idx), 0);
	cr_expect_eq(ngidx_actor_window(idx), 10);
	ngidx_index_free(idx);

	/* no --actors at all */
	cr_assert_eq(build_small(NULL, 0, &e), NGIDX_OK, "%s", e.msg);
	cr_assert_eq(ngidx_index_open(&idx, tp("s.ngx"), NULL, &e), NGIDX_OK, "%s", e.msg);
	cr_expect_eq(ngidx_actor_count(idx), 0);
	cr_expect_eq(ngidx_actor_window(idx), 0);
	cr_expect_eq(ngidx_actor_find(idx, "Kim", 3, &a), 0);
	const uint64_t *rp, *cnt;
	const uint32_t *cols;
	cr_expect_eq(ngidx_cooc_matrix(idx, NGIDX_LEVEL_DOC, &rp, &cols, &cnt, &e), NGIDX_ERR_ARG);
	ngidx_cell c;
	cr_expect_eq(ngidx_cooc_cell(idx, NGIDX_LEVEL_DOC, 0, 1, NULL, &c, &e), NGIDX_ERR_ARG);
	ngidx_neighbor *nb = NULL;
	size_t nn;
	cr_expect_eq(ngidx_cooc_neighbors(idx, NGIDX_LEVEL_DOC, 0, NULL, &nb, &nn, &e), NGIDX_ERR_ARG);
	ngidx_index_free(idx);
}

/* ---- many aliases ----------------------------------------------------------- */

/* A made-up word for number @i: letters only, never a plain word. */
static void gen_word(uint32_t i, char *buf)
{
	char *p = buf;
	*p++ = 'z';
	do {
		*p++ = (char)('a' + i % 26);
		i /= 26;
	} while (i);
	*p++ = 'q';
	*p = 0;
}

Test(actors, thousands_of_aliases, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120)
{
	uint64_t seed = test_seed("thousands_of_aliases");
	rng r = { seed };
	enum { NAL = 3000 };
	/* BIG has 3000 aliases: one to four made-up words (some sharing their
	 * first word, so longest-first matters); SMALL owns a few others */
	dline *l = xrealloc(NULL, (NAL + 8) * sizeof *l);
	char (*text)[64] = xrealloc(NULL, NAL * sizeof *text);
	size_t n = 0;
	for (uint32_t i = 0; i < NAL; i++) {
		char w[16];
		text[i][0] = 0;
		uint32_t nw = i < 200 ? 1 : 1 + rng_below(&r, 4);
		for (uint32_t k = 0; k < nw; k++) {
			gen_word(k == 0 && i >= 200 ? rng_below(&r, 200) : i * 7 + k, w);
			if (k)
				strcat(text[i], rng_below(&r, 2) ? " " : "-");
			if (rng_below(&r, 3) == 0)
				w[0] = 'Z';
			strcat(text[i], w);
		}
		l[n++] = (dline){ 0, "BIG", text[i], i ? NULL : "thing" };
	}
	l[n++] = (dline){ 0, "SMALL", "zbq zcq", NULL };
	l[n++] = (dline){ 0, "SMALL", "summit", NULL };
	/* drop aliases that repeat a key of the other actor: keep the
	 * dictionary valid whatever the draw */
	rdict d;
	{
		dline *k2 = xrealloc(NULL, n * sizeof *k2);
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(l[i].id, "BIG") && (!strcasecmp(l[i].alias, "zbq zcq") || !strcasecmp(l[i].alias, "zbq-zcq")))
				continue;
			k2[m++] = l[i];
		}
		rdict_make(&d, k2, m);
		write_dict(kp("big.tsv"), k2, m, 0);
		free(k2);
	}
	cr_assert_eq(d.nactors, 2);
	cr_assert_gt(d.nal, 2000, "only %zu distinct aliases", d.nal);
	/* the corpus: alias texts, their prefixes and plain words */
	const char **nm = xrealloc(NULL, 400 * sizeof *nm);
	for (size_t i = 0; i < 400; i++)
		nm[i] = d.al[rng_below(&r, (uint32_t)d.nal)].text;
	rcorpus c;
	make_corpus(&r, &c, &d, 150, 5, nm, 400);
	write_file(kp("big.jsonl"), c.jsonl, c.jsonl_len);
	const char *in[1] = { kp("big.jsonl") };
	const char *dicts[1] = { kp("big.tsv") };
	snprintf(g_ctx, sizeof g_ctx, "seed=%" PRIu64 " (thousands_of_aliases)", seed);
	ngidx_error e = { 0 };
	cr_assert_eq(build(kp("big.ngx"), in, 1, dicts, 1, 2, 4, 2, 0, 1, NULL, &e), NGIDX_OK, "%s", e.msg);
	check_index(kp("big.ngx"), &c, &d, 4, &r);
	uint64_t ment = 0;
	for (size_t i = 0; i < c.ndoc; i++)
		ment += c.doc[i].nm;
	cr_expect_gt(ment, 100, "only %" PRIu64 " mentions", ment);
	free_corpus(&c);
	free(nm);
	rdict_free(&d);
	free(text);
	free(l);
}

/* ---- finding actors -------------------------------------------------------------- */

Test(actors, find, .init = fixture_setup, .fini = fixture_teardown)
{
	write_dict(kp("a.tsv"), g_dict, NDICT, 0);
	write_dict(kp("b.tsv"), g_dict, NDICT, 1);
	const char *dicts[2] = { kp("a.tsv"), kp("b.tsv") };
	ngidx_error e = { 0 };
	cr_assert_eq(build_small(dicts, 2, &e), NGIDX_OK, "%s", e.msg);
	ngidx_index *idx;
	cr_assert_eq(ngidx_index_open(&idx, tp("s.ngx"), NULL, &e), NGIDX_OK, "%s", e.msg);
	static const struct {
		const char *q;
		int found;
		uint32_t actor;
	} cases[] = {
		{ "PRK", 1, 0 },        { "@PRK", 1, 0 },          { "KORP", 1, 2 },
		{ "@KIM", 1, 3 },       { "KIM", 1, 3 },           { "kim", 1, 3 },
		{ "Kim Jong-un", 1, 3 }, { "kim jong un", 1, 3 },  { "KIM, JONG... UN!", 1, 3 },
		{ "Kim Jong", 0, 0 },   { "jong", 1, 4 },          { "north korea", 1, 0 },
		{ "NORTH-KOREA", 1, 0 }, { "korea", 1, 2 },        { "South Korea", 1, 1 },
		{ "u.s.", 1, 7 },       { "U S", 1, 7 },           { "washington", 1, 7 },
		{ "The United Nations Security Council", 1, 5 },   { "@NAT", 1, 12 },
		{ "\xef\xbc\xb4\xef\xbd\x92\xef\xbd\x95\xef\xbd\x8d\xef\xbd\x90", 1, 8 }, /* full-width Trump */
		{ "nobody", 0, 0 },     { "@nobody", 0, 0 },       { "", 0, 0 },
		{ "@", 0, 0 },          { "...", 0, 0 },           { "prk", 0, 0 }, /* ids are exact bytes */
		{ "Zorblax Quux", 1, 11 }, { "NOBODY", 1, 11 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		uint32_t a = 999;
		int rc = ngidx_actor_find(idx, cases[i].q, strlen(cases[i].q), &a);
		cr_expect_eq(rc, cases[i].found, "find '%s': %d, want %d", cases[i].q, rc, cases[i].found);
		if (rc == 1 && cases[i].found == 1)
			cr_expect_eq(a, cases[i].actor, "find '%s': actor %u, want %u", cases[i].q, a, cases[i].actor);
	}
	/* levels by name */
	ngidx_level lv;
	cr_expect(ngidx_level_parse("doc", &lv) == 0 && lv == NGIDX_LEVEL_DOC);
	cr_expect(ngidx_level_parse("document", &lv) == 0 && lv == NGIDX_LEVEL_DOC);
	cr_expect(ngidx_level_parse("sent", &lv) == 0 && lv == NGIDX_LEVEL_SENTENCE);
	cr_expect(ngidx_level_parse("window", &lv) == 0 && lv == NGIDX_LEVEL_WINDOW);
	cr_expect(ngidx_level_parse("paragraph", &lv) == -1);
	cr_expect_str_eq(ngidx_level_name(NGIDX_LEVEL_SENTENCE), "sentence");
	/* out of range */
	ngidx_cell c;
	cr_expect_eq(ngidx_cooc_cell(idx, NGIDX_LEVEL_DOC, 0, 13, NULL, &c, &e), NGIDX_ERR_RANGE);
	ngidx_neighbor *nb;
	size_t nn;
	cr_expect_eq(ngidx_cooc_neighbors(idx, NGIDX_LEVEL_DOC, 13, NULL, &nb, &nn, &e), NGIDX_ERR_RANGE);
	ngidx_filter f;
	cr_expect_eq(ngidx_filter_dates(&f, "2019-13", NULL, &e), NGIDX_ERR_ARG);
	cr_expect_eq(ngidx_filter_dates(&f, NULL, "x", &e), NGIDX_ERR_ARG);
	ngidx_index_free(idx);
}

/* ---- the longest aliases ---------------------------------------------------------- */

Test(actors, longest_aliases, .init = fixture_setup, .fini = fixture_teardown, .timeout = 60)
{
	uint64_t seed = test_seed("longest_aliases");
	rng r = { seed };
	/* 64 words (the most an alias may hold), its 63-word prefix owned by
	 * another actor, its last word alone, and a 65-word alias that must
	 * be refused */
	static char w64[1024], w63[1024], w65[1024 + 8];
	w64[0] = 0;
	for (int i = 1; i <= 64; i++) {
		char w[16];
		gen_word((uint32_t)i * 31, w);
		if (i > 1)
			strcat(w64, " ");
		strcat(w64, w);
		if (i == 63)
			snprintf(w63, sizeof w63, "%s", w64);
	}
	snprintf(w65, sizeof w65, "%s extra", w64);
	const char *last = strrchr(w64, ' ') + 1;
	dline l[] = {
		{ 0, "L64", w64, NULL }, { 0, "L63", w63, NULL }, { 0, "LAST", last, NULL },
		{ 0, "TRUMP", "Trump", NULL },
	};
	rdict d;
	rdict_make(&d, l, 4);
	cr_assert_eq(d.al[0].ntok, 64);
	write_dict(kp("long.tsv"), l, 4, 0);
	const char *nm[] = { w64, w63, w64, last, "Trump", w63 };
	rcorpus c;
	make_corpus(&r, &c, &d, 60, 3, nm, 6);
	write_file(kp("long.jsonl"), c.jsonl, c.jsonl_len);
	const char *in[1] = { kp("long.jsonl") };
	const char *dicts[1] = { kp("long.tsv") };
	snprintf(g_ctx, sizeof g_ctx, "seed=%" PRIu64 " (longest_aliases)", seed);
	ngidx_error e = { 0 };
	cr_assert_eq(build(kp("long.ngx"), in, 1, dicts, 1, 3, 70, 1, 0, 1, NULL, &e), NGIDX_OK, "%s", e.msg);
	check_index(kp("long.ngx"), &c, &d, 70, &r);
	rcounts rc;
	rfilter none = { 0, 0, 0 };
	ref_counts(&c, d.nactors, 70, &none, &rc);
	cr_expect_gt(rc.marg[2][0], 0, "no 64-word mention generated");
	free_counts(&rc);
	free_corpus(&c);
	rdict_free(&d);

	char *bad = xrealloc(NULL, strlen(w65) + 16);
	sprintf(bad, "X\t%s\n", w65);
	dict_fails("long65.tsv", bad, NGIDX_ERR_INPUT, 1);
	free(bad);
}
