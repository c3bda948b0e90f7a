/*
 * kwic.c - keyword in context: the occurrences of a phrase shown in the
 * original text of their documents.
 *
 * Where a match lies. The index stores token positions, not byte offsets,
 * so the text of each matching document is decompressed (ngidx_doc_text)
 * and analyzed again, with NGIDX_AN_SOURCE, which gives every token the
 * range of input bytes it came from. The build analyzed exactly these
 * bytes with the same analyzer (the index records its id and the reader
 * refuses another), so token i of the second analysis is token i of the
 * postings; a position past the last token means the index and its text
 * disagree and is reported as corruption, never read out of bounds. A
 * match of n tokens at position p is [src[2p], max(src[2k+1]) for k in
 * p..p+n-1): from the first byte of its first token to the last byte of
 * its last, with whatever the text has in between (case, hyphens,
 * apostrophes, line breaks), so "kim jong un" shows as "Kim Jong-un" and
 * "ｆｕｌｌ" as "Full". The analyzer's ranges are exact except inside the
 * rare normalization groups its essay lists (halfwidth katakana with a
 * voiced mark, conjoining jamo, some two-part Indic vowels), where each
 * token gets the whole group's range; taking the largest end keeps every
 * token of the match inside it even there. Each document is decompressed
 * and analyzed once, however many of its matches are shown.
 *
 * Context. Left context is the @width characters before the match start,
 * right context the @width after its end; both stop at the ends of the
 * text. A character is a well-formed UTF-8 sequence, or any single byte
 * that is not part of one (stored text may hold invalid UTF-8: the build
 * keeps the bytes and only flags the document). Cutting backward needs no
 * state: from a boundary b, the character before it is the well-formed
 * sequence [b-k, b) if there is one (its lead byte is the first
 * non-continuation byte going back, k <= 4), else the single byte b-1.
 * This agrees with decoding forward from the start of the text: a lead
 * byte is never inside another well-formed sequence, so a forward decoder
 * lands on it and decodes the same sequence; and if no sequence ends at b,
 * the forward decoder's last character before b cannot be a sequence
 * either, so it is the byte b-1. Token boundaries are boundaries in this
 * sense (the analyzer decodes well-formed sequences the same way and only
 * groups invalid bytes), so both cuts fall on character boundaries. ASCII
 * control characters in the context are shown as spaces (one for one, so
 * the character count holds); the match keeps its bytes.
 *
 * Order and sampling. Without a sample, lines follow the phrase iterator:
 * documents in increasing id, positions increasing within each, one line
 * per start position (overlaps included). With a sample of K, a first pass
 * walks every (document, position) of the phrase that passes the date
 * filter, without touching any text, and keeps a uniform sample by
 * reservoir sampling (Vitter's algorithm R: the i-th item, counting from
 * 0, replaces a uniformly chosen slot with probability K / (i + 1)). The
 * random numbers come from splitmix64 seeded by the caller, and uniform
 * integers below m by rejection of the top 2^64 mod m values, so a seed
 * gives the same sample on every platform and libc. The sample is then
 * sorted by (document, position) and only its documents are read.
 *
 * Memory: the text of one document, its tokens, its match positions and
 * spans, one line, and the sample (8 bytes per sampled match).
 */
#include "query/kwic.h"
#include "ngidx/kwic.h"
#include "ngidx/query.h"
#include "ngidx/actors.h"
#include "ngidx/keyness.h"
#include "common/err.h"
#include "common/mem.h"
#include "corpus/corpus.h" /* ngidx_parse_date: the one date grammar */

#include <stdlib.h>
#include <string.h>

/* ---- characters ------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at @p (@n >= 1 bytes readable),
 * or 0 when the bytes there do not start one. */
static size_t seq_len(const uint8_t *p, size_t n)
{
	const unsigned b = p[0];
	unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
	size_t k;
	if (b < 0x80)
		return 1;
	if (b < 0xC2) /* continuation byte, or C0/C1 (overlong) */
		return 0;
	if (b < 0xE0) {
		k = 2;
	} else if (b < 0xF0) {
		k = 3;
		if (b == 0xE0)
			lo = 0xA0; /* overlong */
		else if (b == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (b < 0xF5) {
		k = 4;
		if (b == 0xF0)
			lo = 0x90; /* overlong */
		else if (b == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (n < k || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return k;
}

/* Bytes of the character that ends at boundary @at (> 0). */
static size_t char_before(const uint8_t *p, size_t at)
{
	if (p[at - 1] < 0x80)
		return 1;
	for (size_t k = 2; k <= 4 && k <= at; k++) {
		if ((p[at - k] & 0xC0) == 0x80)
			continue; /* a continuation byte: the lead is further back */
		return seq_len(p + at - k, k) == k ? k : 1;
	}
	return 1; /* five continuation bytes in a row: each stands alone */
}

size_t kwic_char_back(const char *text, size_t at, size_t nchar)
{
	const uint8_t *p = (const uint8_t *)text;
	for (; nchar && at; nchar--)
		at -= char_before(p, at);
	return at;
}

size_t kwic_char_fwd(const char *text, size_t len, size_t at, size_t nchar)
{
	const uint8_t *p = (const uint8_t *)text;
	for (; nchar && at < len; nchar--) {
		const size_t k = seq_len(p + at, len - at);
		at += k ? k : 1;
	}
	return at;
}

size_t kwic_nchars(const char *text, size_t len)
{
	const uint8_t *p = (const uint8_t *)text;
	size_t n = 0;
	for (size_t at = 0; at < len; n++) {
		const size_t k = seq_len(p + at, len - at);
		at += k ? k : 1;
	}
	return n;
}

void kwic_blank_controls(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const unsigned char c = (unsigned char)src[i];
		dst[i] = (c < 0x20 || c == 0x7F) ? ' ' : (char)c;
	}
}

int kwic_spans(ngidx_tokens *tok, const char *text, size_t len, const uint32_t *pos, size_t npos,
               unsigned n, size_t width, kwic_span *out, ngidx_error *err)
{
	RETURN_ERROR_IF(n == 0, err, NGIDX_ERR_CORRUPT, "kwic: a phrase of no token has no match");
	int rc = ngidx_analyze(tok, text, len, NGIDX_AN_SOURCE);
	if (rc == NGIDX_ERR_NOMEM)
		return ngidx_err_set(err, rc, "out of memory");
	RETURN_ERROR_IF(rc, err, rc, "document text of 4 GiB or more");
	const uint64_t *src = tok->src;
	for (size_t i = 0; i < npos; i++) {
		const uint64_t p = pos[i];
		if (p + n > tok->ntok)
			return ERR_CORRUPT(err, "a match at token %llu runs past the %zu tokens of its text",
			                   (unsigned long long)p, tok->ntok);
		uint64_t end = src[2 * p + 1];
		for (uint64_t t = p + 1; t < p + n; t++)
			if (src[2 * t + 1] > end)
				end = src[2 * t + 1];
		kwic_span *s = &out[i];
		s->start = (size_t)src[2 * p];
		s->end = (size_t)end;
		s->left = kwic_char_back(text, s->start, width);
		s->right = kwic_char_fwd(text, len, s->end, width);
	}
	return NGIDX_OK;
}

/* ---- the iterator ------------------------------------------------------ */

struct ngidx_kwic {
	const ngidx_index *x;
	ngidx_phrase *p;
	unsigned n;             /* tokens of the phrase */
	int64_t actor;          /* "@ID": the actor's mentions; else -1 */
	size_t width;
	int dated;              /* a date filter is set: [lo, hi] */
	const struct ngidx_subset *subset; /* or NULL */
	uint32_t lo, hi;
	uint64_t limit, emitted;
	int done;
	/* sampling */
	uint64_t sample;        /* K, 0 for every match */
	uint64_t rng;           /* splitmix64 state */
	uint64_t *pick;         /* (doc << 32 | pos) */
	size_t npick, pick_cap, ipick;
	int picked;             /* the sample has been drawn */
	/* the current document */
	uint32_t doc;
	uint32_t *pos;
	size_t npos, pos_cap, ipos;
	kwic_span *span;
	size_t span_cap;
	char *text;
	size_t text_cap, text_len;
	ngidx_tokens tok;
	char *line;             /* left + match + right of the current line */
	size_t line_cap;
};

void ngidx_kwic_opts_init(ngidx_kwic_opts *o)
{
	memset(o, 0, sizeof *o);
	o->width = 40;
}

void ngidx_kwic_free(ngidx_kwic *k)
{
	if (!k)
		return;
	ngidx_phrase_free(k->p);
	ngidx_free(k->pick);
	ngidx_free(k->pos);
	ngidx_free(k->span);
	ngidx_free(k->text);
	ngidx_tokens_release(&k->tok);
	ngidx_free(k->line);
	ngidx_free(k);
}

/* A date bound: @upper makes a partial date cover its whole period. */
static int parse_bound(const char *s, int upper, uint32_t *out, ngidx_error *err)
{
	if (ngidx_date_bound(s, upper, out))
		return ngidx_err_set(err, NGIDX_ERR_ARG,
		                     "malformed date '%s': expected YYYY, YYYY-MM or YYYY-MM-DD", s);
	return NGIDX_OK;
}

/* Iterate the mentions of actor "@ID" (id or alias). */
static int open_actor(ngidx_kwic *k, const char *s, size_t len, ngidx_error *err)
{
	uint32_t a;
	ngidx_term t;
	int f = ngidx_actor_find(k->x, s, len, &a);
	if (f < 0)
		return ngidx_err_set(err, -f, "cannot look up actor '%.*s'", (int)len, s);
	if (!f)
		return ngidx_err_set(err, NGIDX_ERR_QUERY, "no actor '%.*s' in the index%s", (int)len, s,
		                     ngidx_actor_window(k->x) ? "" : " (built without --actors)");
	k->actor = a;
	f = ngidx_actor_term(k->x, a, &t);
	if (f < 0)
		return ERR_CORRUPT(err, "section lexdata: lookup failed");
	return ngidx_phrase_open_term(k->x, f ? &t : NULL, &k->p, err);
}

/* Tokens of the longest alias of actor @a at token @p of @tok: the mention
 * found there at build time (the longest alias of any actor wins, and it
 * was @a's). 1 if none matches (a damaged index; show the first token). */
static unsigned mention_len(const ngidx_index *x, uint32_t a, const ngidx_tokens *tok, size_t p)
{
	ngidx_actor act;
	unsigned best = 1;
	if (ngidx_actor_get(x, a, &act, NULL))
		return best;
	for (uint32_t i = 0; i < act.naliases; i++) {
		const char *text, *key;
		size_t tl, kl, o = 0;
		if (ngidx_actor_alias(x, a, i, &text, &tl, &key, &kl, NULL))
			break;
		unsigned n = 0;
		for (size_t t = p; t < tok->ntok && o <= kl; t++) {
			size_t l;
			const char *w = ngidx_tok(tok, t, &l);
			if (o + l > kl || memcmp(key + o, w, l) || (o + l < kl && key[o + l] != ' '))
				break;
			n++;
			o += l + 1;
			if (o > kl) {
				if (n > best)
					best = n;
				break;
			}
		}
	}
	return best;
}

int ngidx_kwic_open(const ngidx_index *idx, const char *phrase, size_t len,
                    const ngidx_kwic_opts *o, ngidx_kwic **out, ngidx_error *err)
{
	ngidx_kwic_opts def;
	*out = NULL;
	if (!o) {
		ngidx_kwic_opts_init(&def);
		o = &def;
	}
	ngidx_index_info info;
	ngidx_index_get_info(idx, &info);
	RETURN_ERROR_IF(!info.has_text, err, NGIDX_ERR_NOTEXT,
	                "the index was built with --no-text: it stores no text to show");
	uint32_t lo = 0, hi = UINT32_MAX;
	if (o->from)
		FORWARD_IF_ERROR(parse_bound(o->from, 0, &lo, err));
	if (o->to)
		FORWARD_IF_ERROR(parse_bound(o->to, 1, &hi, err));
	ngidx_kwic *k = ngidx_calloc(1, sizeof *k);
	RETURN_ERROR_IF(!k, err, NGIDX_ERR_NOMEM, "out of memory");
	ngidx_tokens_init(&k->tok);
	k->x = idx;
	k->width = o->width;
	k->dated = o->from || o->to;
	k->subset = o->subset;
	k->lo = lo;
	k->hi = hi;
	k->limit = o->limit;
	k->sample = o->sample;
	k->rng = o->seed;
	k->actor = -1;
	int rc = len > 1 && phrase[0] == '@' ? open_actor(k, phrase, len, err)
	                                     : ngidx_phrase_open(idx, phrase, len, &k->p, err);
	if (rc) {
		ngidx_kwic_free(k);
		return rc;
	}
	k->n = ngidx_phrase_ntokens(k->p);
	*out = k;
	return NGIDX_OK;
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, m), m > 0: reject the 2^64 mod m lowest values so that
 * every residue is equally likely. */
static uint64_t below(uint64_t *s, uint64_t m)
{
	const uint64_t reject = (0 - m) % m;
	for (;;) {
		const uint64_t r = splitmix64(s);
		if (r >= reject)
			return r % m;
	}
}

/* 1 if document @doc passes the date filter, 0 if not, or -code. */
static int doc_ok(const ngidx_kwic *k, uint32_t doc, ngidx_error *err)
{
	if (k->subset && !ngidx_subset_has(k->subset, doc))
		return 0;
	if (!k->dated)
		return 1;
	ngidx_doc d;
	const int rc = ngidx_doc_get(k->x, doc, &d, err);
	if (rc)
		return -rc;
	return d.date != 0 && d.date >= k->lo && d.date <= k->hi;
}

static int cmp_u64(const void *a, const void *b)
{
	const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The first pass of a sample: draw it, then sort it. @return 0 or -code. */
static int draw_sample(ngidx_kwic *k, ngidx_error *err)
{
	uint64_t seen = 0;
	int more;
	while ((more = ngidx_phrase_next(k->p, err)) == 1) {
		const uint32_t doc = ngidx_phrase_doc(k->p);
		const int ok = doc_ok(k, doc, err);
		if (ok < 0)
			return ok;
		if (!ok)
			continue;
		const uint32_t *pos;
		size_t npos;
		int rc = ngidx_phrase_positions(k->p, &pos, &npos, err);
		if (rc)
			return -rc;
		for (size_t i = 0; i < npos; i++, seen++) {
			const uint64_t key = (uint64_t)doc << 32 | pos[i];
			if (seen < k->sample) {
				if (NGIDX_RESERVE(k->pick, k->pick_cap, k->npick + 1))
					return -ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
				k->pick[k->npick++] = key;
			} else {
				const uint64_t j = below(&k->rng, seen + 1);
				if (j < k->sample)
					k->pick[j] = key;
			}
		}
	}
	if (more < 0)
		return more;
	if (k->npick > 1)
		qsort(k->pick, k->npick, sizeof *k->pick, cmp_u64);
	k->picked = 1;
	return 0;
}

/* The next document's positions into k->doc, k->pos[0..npos).
 * @return 1, 0 (no more) or -code. */
static int next_group(ngidx_kwic *k, ngidx_error *err)
{
	k->npos = k->ipos = 0;
	if (k->sample) {
		if (!k->picked) {
			const int rc = draw_sample(k, err);
			if (rc < 0)
				return rc;
		}
		if (k->ipick == k->npick)
			return 0;
		k->doc = (uint32_t)(k->pick[k->ipick] >> 32);
		size_t e = k->ipick;
		while (e < k->npick && (uint32_t)(k->pick[e] >> 32) == k->doc)
			e++;
		if (NGIDX_RESERVE(k->pos, k->pos_cap, e - k->ipick))
			return -ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		for (; k->ipick < e; k->ipick++)
			k->pos[k->npos++] = (uint32_t)k->pick[k->ipick];
		return 1;
	}
	int more;
	while ((more = ngidx_phrase_next(k->p, err)) == 1) {
		const uint32_t doc = ngidx_phrase_doc(k->p);
		const int ok = doc_ok(k, doc, err);
		if (ok < 0)
			return ok;
		if (!ok)
			continue;
		const uint32_t *pos;
		size_t npos;
		const int rc = ngidx_phrase_positions(k->p, &pos, &npos, err);
		if (rc)
			return -rc;
		if (npos == 0)
			continue;
		if (NGIDX_RESERVE(k->pos, k->pos_cap, npos))
			return -ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		memcpy(k->pos, pos, npos * sizeof *pos);
		k->npos = npos;
		k->doc = doc;
		return 1;
	}
	return more;
}

/* Read and analyze the current document; place its matches. @return 0 or
 * -code. */
static int load_group(ngidx_kwic *k, ngidx_error *err)
{
	int rc = ngidx_doc_text(k->x, k->doc, &k->text, &k->text_cap, &k->text_len, err);
	if (rc)
		return -rc;
	if (NGIDX_RESERVE(k->span, k->span_cap, k->npos))
		return -ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	ngidx_error e = { 0 };
	rc = kwic_spans(&k->tok, k->text, k->text_len, k->pos, k->npos, k->n, k->width, k->span, &e);
	if (rc)
		return -ngidx_err_set(err, rc, "document %u: %s", k->doc, e.msg);
	for (size_t i = 0; k->actor >= 0 && i < k->npos; i++) {
		/* an actor's mention: widen the span from its first token */
		unsigned n = mention_len(k->x, (uint32_t)k->actor, &k->tok, k->pos[i]);
		kwic_span *sp = &k->span[i];
		for (size_t t = k->pos[i] + 1; t < k->pos[i] + n; t++)
			if (k->tok.src[2 * t + 1] > sp->end)
				sp->end = (size_t)k->tok.src[2 * t + 1];
		sp->right = kwic_char_fwd(k->text, k->text_len, sp->end, k->width);
	}
	return 0;
}

int ngidx_kwic_next(ngidx_kwic *k, ngidx_kwic_line *line, ngidx_error *err)
{
	if (k->done || (k->limit && k->emitted >= k->limit))
		return 0;
	while (k->ipos == k->npos) {
		int rc = next_group(k, err);
		if (rc > 0 && (rc = load_group(k, err)) == 0)
			continue;
		k->done = 1; /* the end, or an error that would only repeat */
		k->npos = k->ipos = 0;
		return rc;
	}
	const kwic_span *s = &k->span[k->ipos];
	const size_t nl = s->start - s->left, nm = s->end - s->start, nr = s->right - s->end;
	if (NGIDX_RESERVE(k->line, k->line_cap, nl + nm + nr + 1))
		return -ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	kwic_blank_controls(k->line, k->text + s->left, nl);
	memcpy(k->line + nl, k->text + s->start, nm);
	kwic_blank_controls(k->line + nl + nm, k->text + s->end, nr);
	k->line[nl + nm + nr] = 0;
	line->doc = k->doc;
	line->pos = k->pos[k->ipos];
	line->start = s->start;
	line->end = s->end;
	line->left = k->line;
	line->left_len = nl;
	line->match = k->line + nl;
	line->match_len = nm;
	line->right = k->line + nl + nm;
	line->right_len = nr;
	k->ipos++;
	k->emitted++;
	return 1;
}
