/*
 * kwic.h - keyword in context, the part that needs no index: where the
 * matches of a phrase and their context lie in one document's original
 * text, and how to cut context on character boundaries.
 *
 * Ownership: nothing is allocated here except inside the caller's
 * ngidx_tokens scratch (kwic_spans); every output goes to caller-owned
 * storage, and results are byte offsets into the caller's text.
 *
 * What a "character" is: a well-formed UTF-8 sequence (Unicode 15, table
 * 3-7: no overlong forms, no surrogates, nothing above U+10FFFF) is one
 * character; every byte that is not part of one is a character of its own.
 * Decoding forward from the start of a text gives the same boundaries as
 * decoding backward from any boundary (see kwic.c), so left and right
 * context are cut consistently, and every token start and end the analyzer
 * reports is such a boundary.
 */
#ifndef NGIDX_QUERY_KWIC_H
#define NGIDX_QUERY_KWIC_H

#include <stddef.h>
#include <stdint.h>
#include "ngidx/errors.h"
#include "text/analyze.h"

/* One match in a document's text: left context [left, start), the match
 * [start, end), right context [end, right); left <= start <= end <= right. */
typedef struct kwic_span {
	size_t left, start, end, right;
} kwic_span;

/*
 * kwic_char_back - the boundary @nchar characters before boundary @at of
 * @text (or 0 when fewer precede it).
 * @text: IN the bytes [0, @at) are read. @at: IN a character boundary.
 * @return an offset <= @at. Thread-safe. Cost: O(bytes stepped over).
 */
size_t kwic_char_back(const char *text, size_t at, size_t nchar);

/*
 * kwic_char_fwd - the boundary @nchar characters after boundary @at of the
 * @len bytes at @text (or @len when fewer follow it).
 * @return an offset in [@at, @len]. Thread-safe. Cost: O(bytes stepped over).
 */
size_t kwic_char_fwd(const char *text, size_t len, size_t at, size_t nchar);

/* The number of characters in the @len bytes at @text. Cost O(@len). */
size_t kwic_nchars(const char *text, size_t len);

/*
 * kwic_blank_controls - copy @n bytes from @src to @dst (which do not
 * overlap), writing every ASCII control character (00-1F and 7F: newline,
 * tab, carriage return ...) as a space, so that context reads as one line.
 * Every other byte, valid UTF-8 or not, is copied as it is; the length and
 * therefore the character count do not change.
 */
void kwic_blank_controls(char *dst, const char *src, size_t n);

/*
 * kwic_spans - analyze the @len bytes of one document's @text (as the index
 * was built: ngidx_analyze with NGIDX_AN_SOURCE, once) and place each of
 * the @npos matches of a phrase of @n tokens starting at token positions
 * @pos[0..npos) (any order; overlaps allowed).
 * The match of position p runs from the first byte of token p to the last
 * byte of token p + n - 1 (the largest end among tokens p .. p + n - 1, so
 * it holds all of them even where the analyzer gives overlapping ranges);
 * the context is @width characters on each side of it, fewer at the start
 * or the end of the text.
 * @tok: IN/OUT scratch, reused across documents (init/release by caller);
 *   after the call it holds the document's tokens.
 * @out: OUT @npos spans, in the order of @pos.
 * @return NGIDX_OK; NGIDX_ERR_CORRUPT when n is 0 or a match runs past the
 *   text's last token (the index and its stored text disagree);
 *   NGIDX_ERR_NOMEM; NGIDX_ERR_INPUT (a text of 4 GiB or more).
 * Thread-safe for distinct @tok. Cost: linear in @len plus
 * O(npos * (n + width)).
 */
int kwic_spans(ngidx_tokens *tok, const char *text, size_t len, const uint32_t *pos, size_t npos,
               unsigned n, size_t width, kwic_span *out, ngidx_error *err);

#endif
