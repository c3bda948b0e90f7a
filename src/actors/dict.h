/*
 * dict.h - actor dictionaries: loading, and finding mentions in a document.
 *
 * Ownership: an actor_dict owns every string it holds; mention arrays
 * belong to the caller's actor_scratch (one per thread).
 *
 * A dictionary file is TSV, one alias per line: ACTOR_ID<TAB>ALIAS[<TAB>TYPE].
 * Empty lines and lines whose first non-blank character is '#' are
 * comments. Actors are numbered 0.. in the order their id is first seen
 * (over all files, in the order given); the first alias of an actor is its
 * display name. Aliases are analyzed like documents and matched on tokens:
 * the key of an alias is its tokens joined by single spaces.
 *
 * Matching (actor_match): at each token, from left to right, the longest
 * alias that starts there wins; the mention covers its tokens and the scan
 * goes on after it, so mentions never overlap.
 */
#ifndef NGIDX_ACTORS_DICT_H
#define NGIDX_ACTORS_DICT_H

#include <stddef.h>
#include <stdint.h>
#include "ngidx/errors.h"
#include "text/analyze.h"

#define ACTOR_MAX_ALIAS_TOKENS 64 /* longest alias, in tokens */
#define ACTOR_MAX 0x7fffffffu     /* most actors in one index */

typedef struct actor_dict actor_dict;

/* One alias: its text as written and its key (analyzed tokens). */
typedef struct actor_alias {
	const char *text, *key;
	uint32_t text_len, key_len;
	uint32_t actor;
	uint32_t ntok;
} actor_alias;

/* One actor: id, display name (its first alias) and type ("" if none). */
typedef struct actor_entry {
	const char *id, *type;
	uint32_t id_len, type_len;
	uint32_t first_alias, naliases; /* its aliases, in file order */
} actor_entry;

/*
 * actor_dict_load - read the dictionary files @paths[0..@n) in order.
 * Errors name the file and line: an empty id or alias, an id with other
 * characters than letters, digits and "_.:-", an alias with no token or
 * more than ACTOR_MAX_ALIAS_TOKENS, one alias (after analysis) given to two
 * actors, two different types for one actor, invalid UTF-8, more than 3
 * fields. An alias repeated for the same actor is kept once.
 * @return NGIDX_OK; NGIDX_ERR_IO; NGIDX_ERR_INPUT; NGIDX_ERR_NOMEM.
 */
int actor_dict_load(actor_dict **out, const char *const *paths, size_t n, ngidx_error *err);
void actor_dict_free(actor_dict *d);

size_t actor_dict_nactors(const actor_dict *d);
const actor_entry *actor_dict_actor(const actor_dict *d, uint32_t a);
const actor_alias *actor_dict_alias(const actor_dict *d, uint32_t i);

/* A mention: @len tokens from token @start, in sentence @sent. */
typedef struct actor_mention {
	uint32_t actor, start, len, sent;
} actor_mention;

/* Per-thread matching buffers; zero-initialize, release at the end. */
typedef struct actor_scratch {
	actor_mention *m;
	size_t nm, m_cap;
	char *joined;
	size_t joined_cap;
	uint32_t *tstart;
	size_t tstart_cap;
} actor_scratch;

void actor_scratch_release(actor_scratch *s);

/*
 * actor_match - the mentions of document @t (analyzed with sentences, or
 * without: then sent is 0) into s->m[0..s->nm), in token order.
 * @return NGIDX_OK or NGIDX_ERR_NOMEM. Cost: one hash per token, plus one
 * per candidate length at tokens that start some alias.
 */
int actor_match(const actor_dict *d, const ngidx_tokens *t, actor_scratch *s);

/*
 * actor_match_range - as actor_match, but only mentions that start at a
 * token in [@from, @limit) (they may extend past @limit), and *@resume is
 * the token where the scan would go on. A document analyzed in pieces is
 * matched piece by piece this way: with @limit at least
 * ACTOR_MAX_ALIAS_TOKENS - 1 tokens before the end of a piece, every
 * decision sees as many tokens ahead as in the whole document, and the next
 * piece resumes at *@resume.
 */
int actor_match_range(const actor_dict *d, const ngidx_tokens *t, size_t from, size_t limit,
                      actor_scratch *s, size_t *resume);

#endif
