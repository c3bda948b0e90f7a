/*
 * suggest.h - actor discovery: propose an actor dictionary for a corpus
 * that has none (`ngidx actors suggest`).
 *
 * Ownership: an ngidx_suggest handle owns everything it returns; the actor
 * list of ngidx_suggest_finish lives until ngidx_suggest_free.
 *
 * Use: create a handle, feed it every document's original text (directly
 * with ngidx_suggest_feed, or from corpus inputs with
 * ngidx_suggest_feed_inputs), then call ngidx_suggest_finish once to get
 * the ranked actors. Feeding is streaming: memory grows with the number of
 * distinct candidate names and the (name, document) pairs, not with the
 * corpus text. The rules (what a candidate is, how variants merge, how the
 * ids are made) are explained at the top of suggest.c and in
 * docs/SUGGEST.md.
 *
 * These functions are exported (NGIDX_API) because the CLI, which links
 * only the public library, calls them; every type here is built from the
 * public headers, so the declarations can move unchanged into a public
 * header (include/ngidx/actors.h) when the actor API gets one.
 */
#ifndef NGIDX_SUGGEST_H
#define NGIDX_SUGGEST_H

#include <stddef.h>
#include <stdint.h>
#include "errors.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ngidx_suggest ngidx_suggest;

/* Options of a suggestion run; ngidx_suggest_opts_init sets the defaults. */
typedef struct ngidx_suggest_opts {
	uint64_t min_count;  /* keep actors with at least this many occurrences
	                        (all aliases together), and merge a short name
	                        only into longer names this frequent; default 3 */
	size_t max_actors;   /* keep the first K actors of the ranking; 0 = all */
	unsigned dominance;  /* a short name joins the longer name that holds at
	                        least this many times the occurrences of every
	                        other longer name containing it; default 4 */
} ngidx_suggest_opts;

/* How inputs are read by ngidx_suggest_feed_inputs (as `ngidx build`). */
typedef struct ngidx_suggest_input {
	int format;              /* NGIDX_FORMAT_* of ngidx/build.h; 0 = by extension */
	const char *text_field;  /* jsonl field holding the text; NULL = "text" */
	int strict;              /* stop at the first bad input (NGIDX_ERR_INPUT/IO) */
	/* Called with one line ("FILE:LINE: reason", no newline) per problem. */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
} ngidx_suggest_input;

/* One alias of a suggested actor. */
typedef struct ngidx_suggest_alias {
	const char *text;        /* the most frequent surface form, NUL-ended */
	size_t len;
	uint64_t occurrences;    /* occurrences of this alias (all its forms) */
} ngidx_suggest_alias;

/* One suggested actor. */
typedef struct ngidx_suggest_actor {
	const char *id;          /* unique uppercase ASCII slug, NUL-ended */
	const ngidx_suggest_alias *aliases; /* naliases >= 1; [0] is the
	                            display name, the others by occurrences */
	size_t naliases;
	uint64_t occurrences;    /* sum over the aliases */
	uint64_t documents;      /* documents holding at least one alias */
	/* When this actor is a short name left unmerged because several longer
	 * names contain it ("Kim" in "Kim Jong-un" and "Kim Yo-jong"): the
	 * display names of up to three of them, most frequent first. */
	const char *const *ambiguous;
	size_t nambiguous;
} ngidx_suggest_actor;

/* Counters of a feed. */
typedef struct ngidx_suggest_stats {
	uint64_t docs;           /* documents fed */
	uint64_t bytes;          /* bytes of text fed */
	uint64_t skipped;        /* documents and files skipped as bad input */
	uint64_t occurrences;    /* capitalised runs found (before filtering) */
} ngidx_suggest_stats;

/* Fill @o with the defaults. Thread-safe. */
NGIDX_API void ngidx_suggest_opts_init(ngidx_suggest_opts *o);

/*
 * ngidx_suggest_create - a new, empty suggestion run.
 * @out  OUT the handle (NULL on failure)
 * @o    IN  options (copied); NULL = defaults
 * @return NGIDX_OK, NGIDX_ERR_NOMEM, NGIDX_ERR_ARG (dominance 0).
 * Cost O(1).
 */
NGIDX_API int ngidx_suggest_create(ngidx_suggest **out, const ngidx_suggest_opts *o);

/*
 * ngidx_suggest_feed - add one document's original text (any bytes; it is
 * analyzed with ngidx_analyze, sentences included).
 * @return NGIDX_OK, NGIDX_ERR_NOMEM, NGIDX_ERR_INPUT (a text of 4 GiB or
 *   more), NGIDX_ERR_ARG (called after ngidx_suggest_finish). After
 *   NGIDX_ERR_NOMEM the handle can only be freed.
 * Not thread-safe on one handle. Cost: linear in @len.
 */
NGIDX_API int ngidx_suggest_feed(ngidx_suggest *s, const char *text, size_t len);

/*
 * ngidx_suggest_feed_inputs - feed every document of @inputs (files,
 * directories walked in sorted order, "-" for stdin), read as `ngidx
 * build` reads them. Bad input is reported through in->warn and skipped
 * (unless in->strict).
 * @return NGIDX_OK, NGIDX_ERR_NOMEM, NGIDX_ERR_ARG (bad format),
 *   NGIDX_ERR_IO / NGIDX_ERR_INPUT (strict only), with @err filled.
 * Not thread-safe on one handle. Cost: linear in the input.
 */
NGIDX_API int ngidx_suggest_feed_inputs(ngidx_suggest *s, const char *const *inputs, size_t n,
                                        const ngidx_suggest_input *in, ngidx_error *err);

/* Counters so far (skipped counts only ngidx_suggest_feed_inputs). */
NGIDX_API const ngidx_suggest_stats *ngidx_suggest_get_stats(const ngidx_suggest *s);

/*
 * ngidx_suggest_finish - resolve the sentence-initial words, merge the
 * variants and rank: *@actors gets the actors by occurrences (then
 * documents, then display name in byte order), at most max_actors.
 * Call once; the result lives until ngidx_suggest_free.
 * @return NGIDX_OK, NGIDX_ERR_NOMEM, NGIDX_ERR_ARG (called twice).
 * Cost O(C log C) for C distinct candidates, plus the (name, document)
 * pairs sorted once.
 */
NGIDX_API int ngidx_suggest_finish(ngidx_suggest *s, const ngidx_suggest_actor **actors,
                                   size_t *n);

/* Free the handle and its results; NULL is a no-op. */
NGIDX_API void ngidx_suggest_free(ngidx_suggest *s);

#ifdef __cplusplus
}
#endif
#endif
