/*
 * analyze.h - the default analyzer: UTF-8 text in, normalized tokens and
 * sentence boundaries out.
 *
 * Ownership: an ngidx_tokens owns its arrays; init it once, reuse it for
 * many documents (ngidx_analyze clears it first), release it at the end.
 *
 * The analyzer (id NGIDX_ANALYZER_ID, recorded in every index) is:
 *   1. NFKC normalization, then Unicode full case folding (as Python's
 *      unicodedata.normalize("NFKC", s).casefold()).
 *   2. A token is a maximal run of code points of general category L*, M*
 *      or N*; every other code point separates tokens. Invalid UTF-8 (bad
 *      lead or continuation bytes, overlong forms, surrogates, values over
 *      U+10FFFF) separates tokens too: each maximal invalid subsequence acts
 *      like U+FFFD.
 *   3. Sentences: see analyze.c for the rule (terminal punctuation followed
 *      by space and a sentence-opening character, known abbreviations and
 *      single-letter initials excepted; a blank line always ends one).
 *
 * Builds and queries call the same function, so a query phrase is tokenized
 * exactly as the corpus was.
 */
#ifndef NGIDX_TEXT_ANALYZE_H
#define NGIDX_TEXT_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

/* Bump whenever any output of ngidx_analyze changes for some input. */
#define NGIDX_ANALYZER_ID 1u

/* Flags of ngidx_analyze. */
#define NGIDX_AN_SOURCE 1u    /* fill src[]: source byte range of each token */
#define NGIDX_AN_SENTENCES 2u /* fill sent[]: first token of each sentence */

typedef struct ngidx_tokens {
	char *bytes;      /* normalized tokens, concatenated, no separators */
	uint32_t *off;    /* ntok + 1 offsets: token i = bytes[off[i], off[i+1]) */
	uint64_t *src;    /* NGIDX_AN_SOURCE: 2*ntok: [start, end) in the input */
	uint32_t *sent;   /* NGIDX_AN_SENTENCES: token index where each sentence
	                     starts; strictly increasing, sent[0] == 0 */
	size_t ntok;      /* number of tokens */
	size_t nsent;     /* number of sentences (0 when ntok == 0) */
	size_t ninvalid;  /* invalid UTF-8 subsequences met */
	uint64_t first_invalid; /* byte offset of the first of them */
	size_t bytes_cap, off_cap, src_cap, sent_cap; /* private */
} ngidx_tokens;

void ngidx_tokens_init(ngidx_tokens *t);
void ngidx_tokens_release(ngidx_tokens *t);

/*
 * ngidx_analyze - tokenize @len bytes of @text into @t (which is cleared
 * first). @text need not be NUL-terminated and may hold any bytes.
 * @return NGIDX_OK, or NGIDX_ERR_NOMEM (then @t holds no tokens), or
 *         NGIDX_ERR_INPUT if the text is 4 GiB or larger.
 * Thread-safe for distinct @t. Cost: linear; ASCII text takes a fast path
 * that never calls the Unicode tables.
 */
int ngidx_analyze(ngidx_tokens *t, const char *text, size_t len, unsigned flags);

/* Token i as a pointer and a length. */
static inline const char *ngidx_tok(const ngidx_tokens *t, size_t i, size_t *len)
{
	*len = t->off[i + 1] - t->off[i];
	return t->bytes + t->off[i];
}

/*
 * ngidx_utf8_check - find the first invalid UTF-8 sequence in @p[0, @n).
 * @return its byte offset, or @n if the whole buffer is valid UTF-8.
 * Thread-safe. Cost: linear, 8 bytes a step on ASCII.
 */
size_t ngidx_utf8_check(const char *p, size_t n);

#endif
