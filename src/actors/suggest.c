/*
 * suggest.c - actor discovery: capitalised names found in the original
 * text, variants merged, ranked by occurrences.
 *
 * The input is the original text of each document, analyzed with
 * ngidx_analyze (tokens with their source byte ranges, and sentences).
 * Everything below is decided on tokens, looking at the source bytes only
 * for case and for what separates two tokens.
 *
 * 1. Words. A word is one token, or several tokens joined by a single
 *    hyphen (- U+2010 U+2011) or apostrophe (' U+2019) with nothing else
 *    between them: "Jong-un" (tokens jong, un) and "O'Brien" are one word.
 *    An apostrophe followed by a clitic (s, m, d, t, ll, re, ve) that ends
 *    the word is not part of it and ends the name: "Trump's Washington" is
 *    "Trump" then "Washington", "I'm" is "I". A word is capitalised when
 *    the first character of its source is an uppercase or titlecase letter
 *    (Lu, Lt; utf8proc), or when it is a lowercase particle joined by a
 *    hyphen to a capitalised part ("al-Assad", "bin-Salman"). A single
 *    capital letter followed by '.' is an initial and keeps its period
 *    ("Donald J. Trump").
 * 2. Stop words. A small English list (function words, titles such as
 *    President or Mr, months and days; the table below) never belongs to
 *    a name: a capitalised stop word ends the run ("The", "President
 *    Trump" gives "Trump"). A hyphenated word is a stop word when its first
 *    part is ("Secretary-General").
 * 3. Runs. A candidate occurrence is a maximal run of capitalised non-stop
 *    words of one sentence, separated only by white space (or by the ". "
 *    of an initial). Any other character between two words ends the run:
 *    commas, quotes, brackets, an en dash, a blank line (which the analyzer
 *    makes a sentence boundary). One lowercase connector (of, de, van,
 *    von, al, bin, ... the table below) may sit between two capitalised
 *    words: "Bank of England", "Charles de Gaulle"; "and" may not ("Trump
 *    and Kim" is two names). A run is cut after 12 words.
 * 4. Uncertain capitals. The first word of a sentence is capitalised
 *    whatever it is, and so is every word of a sentence with no lowercase
 *    word outside the stop words (a title-case headline, an all-caps
 *    line, a list of names). Such a word is kept if the same word (same
 *    analyzed tokens) is seen, anywhere in the corpus, capitalised in a
 *    position that says something: not first, in an ordinary sentence; or
 *    if it comes right before such a sure capital in its own run
 *    ("Huang Jing believes ..." keeps "Huang", which then counts as seen
 *    too). Runs are stored with a per-word flag during the feed and
 *    resolved in ngidx_suggest_finish, when that set is complete: an
 *    unconfirmed word splits its run ("Asked Kim Jong-un" gives "Kim
 *    Jong-un" when "Asked" is never capitalised mid-sentence), and
 *    connectors left at an edge are dropped. One-letter names ("A", "J.")
 *    are dropped.
 * 5. Variants. A candidate's key is its analyzed token sequence (NFKC,
 *    case-folded, punctuation-free), joined by spaces: "Kim Jong-un", "Kim
 *    Jong Un" and "KIM JONG-UN" share the key "kim jong un", exactly as
 *    they match one alias of `ngidx build --actors`. The key's display
 *    form is its most frequent surface form (ties: fewer uppercase
 *    letters, then byte order), with white space collapsed to one space.
 * 6. Short names. A key S that is a proper prefix or suffix, in whole
 *    tokens, of longer keys L1, L2 ... ("trump" of "donald trump", "moon"
 *    of "moon jae in") joins the longer name that dominates: longer keys
 *    with fewer than min_count occurrences are ignored, the others are
 *    grouped by the actor they have already joined, and S joins the
 *    most frequent group when it holds at least `dominance` (4) times the
 *    occurrences of the next one. Keys are resolved from the longest to
 *    the shortest, so "Jong-un" -> "Kim Jong-un" is settled before "Kim"
 *    looks at it. When no group dominates, S stays an actor of its own and
 *    the groups are reported as ambiguous (the CLI prints them in the
 *    comment line). Limits: a short name is merged by spelling only, not by
 *    the documents it appears in; "Korea" joins "North Korea" when "South
 *    Korea" is rare in the corpus; two different people with the same
 *    surname are merged when only one of them is ever named in full.
 * 7. Ranking and ids. An actor is a group of keys; its occurrences are the
 *    sum over its keys (each run counts once, for its longest reading: a
 *    "Donald Trump" is not also a "Trump"), its documents those holding at
 *    least one key. Actors below min_count are dropped; the rest are
 *    sorted by occurrences, documents, display name (bytes), cut to
 *    max_actors, and named by an uppercase ASCII slug of the display name
 *    (accents stripped by compatibility decomposition, every run of other
 *    characters one '_'; "Ángela Merkel" is ANGELA_MERKEL), made unique
 *    with _2, _3 ... in rank order. A name with no Latin letter or digit
 *    is ACTOR.
 *
 * Memory: the distinct runs with their counts, the set of confirmed words,
 * and one (run, document) pair per distinct run per document; no text is
 * kept. Everything is deterministic: the same documents in the same order
 * give the same bytes.
 */
#include "ngidx/suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "common/err.h"
#include "common/hash.h"
#include "common/mem.h"
#include "corpus/corpus.h"
#include "ngidx/build.h"
#include "text/analyze.h"

#define MAX_RUN_WORDS 12 /* a longer run of capitals is not one name */
#define MAX_AMBIGUOUS 3

/* ---- word lists ------------------------------------------------------------ */

/* Case-folded; sorted in byte order for bsearch (suggest_test checks it). */
static const char *const stop_words[] = {
	"a", "about", "above", "according", "accordingly", "across", "additionally", "adm",
	"after", "again", "against", "all", "along", "also", "although", "am", "ambassador",
	"amid", "among", "an", "and", "another", "any", "apr", "april", "are", "around", "as",
	"at", "aug", "august", "be", "because", "been", "before", "behind", "being", "below",
	"besides", "between", "beyond", "both", "but", "by", "can", "capt", "chairman",
	"chairwoman", "chancellor", "col", "commander", "consequently", "could", "currently",
	"dec", "december", "despite", "did", "director", "do", "does", "dr", "during", "each",
	"earlier", "either", "envoy", "even", "eventually", "every", "except", "feb",
	"february", "few", "finally", "first", "following", "for", "friday", "from", "further",
	"furthermore", "gen", "governor", "had", "has", "have", "he", "hence", "her", "here",
	"hers", "him", "his", "how", "however", "i", "if", "in", "including", "indeed",
	"initially", "instead", "into", "is", "it", "its", "jan", "january", "jul", "july",
	"jun", "june", "just", "king", "last", "later", "leader", "least", "less", "like",
	"likewise", "lt", "many", "march", "may", "mayor", "me", "meanwhile", "might",
	"minister", "monday", "more", "moreover", "most", "mr", "mrs", "ms", "much", "must",
	"my", "near", "neither", "never", "nevertheless", "next", "no", "nonetheless", "nor",
	"not", "nov", "november", "now", "oct", "october", "of", "on", "once", "one", "only",
	"or", "other", "otherwise", "our", "ours", "over", "perhaps", "pope", "premier",
	"president", "previously", "prime", "prince", "princess", "prof", "professor", "queen",
	"rather", "recently", "regarding", "saturday", "second", "secretary", "sen", "senator",
	"sep", "separately", "sept", "september", "several", "sgt", "she", "similarly",
	"since", "sir", "so", "some", "spokesman", "spokesperson", "spokeswoman", "still",
	"such", "sunday", "than", "that", "the", "their", "theirs", "them", "then", "there",
	"thereby", "therefore", "these", "they", "third", "this", "those", "though", "through",
	"throughout", "thursday", "thus", "to", "today", "tomorrow", "too", "toward",
	"towards", "tuesday", "ultimately", "under", "unless", "unlike", "until", "upon",
	"very", "via", "vice", "was", "we", "wednesday", "were", "what", "when", "where",
	"whether", "which", "while", "who", "whom", "whose", "why", "will", "with", "within",
	"without", "would", "yes", "yesterday", "yet", "you", "your",
};

/* Stop words that are titles: they also drop a modifier just before them
 * ("Foreign Minister", "Supreme Leader", "Vice President" is dropped by
 * itself). */
static const char *const titles[] = {
	"ambassador", "chairman", "chairwoman", "chancellor", "commander", "director", "envoy",
	"governor", "leader", "minister", "premier", "president", "secretary", "spokesman",
	"spokesperson", "spokeswoman",
};

/* Capitalised words dropped when a title follows them. */
static const char *const modifiers[] = {
	"chief", "defence", "defense", "deputy", "executive", "finance", "foreign", "former",
	"interior", "supreme", "trade", "treasury", "unification",
};

/* Lowercase words allowed between two capitalised words of a name. */
static const char *const connectors[] = {
	"al", "bin", "da", "de", "del", "della", "der", "di", "dos", "du", "ibn", "la", "le",
	"of", "van", "von", "y",
};

/* Lowercase first parts of a hyphenated name: "al-Assad". */
static const char *const particles[] = { "abd", "abu", "al", "bin", "el", "ibn", "ul" };

/* After an apostrophe at the end of a word: not part of a name. */
static const char *const clitics[] = { "d", "ll", "m", "re", "s", "t", "ve" };

typedef struct wlist {
	const char *const *w;
	size_t n;
} wlist;

#define WLIST(a) ((wlist){ (a), sizeof(a) / sizeof *(a) })

static int in_list(wlist l, const char *s, size_t n)
{
	size_t lo = 0, hi = l.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *w = l.w[mid];
		size_t wn = strlen(w);
		int c = memcmp(s, w, n < wn ? n : wn);
		if (!c)
			c = (n > wn) - (n < wn);
		if (!c)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* Exposed for the unit test: every list must be sorted for in_list. */
int suggest_lists_sorted(void);
int suggest_lists_sorted(void)
{
	const wlist ls[] = { WLIST(stop_words), WLIST(titles), WLIST(modifiers), WLIST(connectors),
		             WLIST(particles), WLIST(clitics) };
	for (size_t k = 0; k < sizeof ls / sizeof *ls; k++)
		for (size_t i = 1; i < ls[k].n; i++)
			if (strcmp(ls[k].w[i - 1], ls[k].w[i]) >= 0)
				return 0;
	return 1;
}

/* ---- growable bytes and a string map --------------------------------------- */

typedef struct buf {
	char *p;
	size_t len, cap;
} buf;

static int buf_put(buf *b, const void *d, size_t n)
{
	if (NGIDX_RESERVE(b->p, b->cap, b->len + n + 1))
		return -1;
	if (n)
		memcpy(b->p + b->len, d, n);
	b->len += n;
	b->p[b->len] = 0; /* always NUL-ended, for the output strings */
	return 0;
}

static int buf_putc(buf *b, char c)
{
	return buf_put(b, &c, 1);
}

/*
 * A map from byte strings to dense ids 0..n-1 (in insertion order): open
 * addressing with linear probing over a power-of-two slot table kept at
 * most half full; keys live in one byte pool. Equal hashes are always
 * confirmed by comparing the keys, so the weak-hash test build is exact.
 */
typedef struct sm_entry {
	uint64_t hash, off;
	size_t len;
} sm_entry;

typedef struct smap {
	uint32_t *slot; /* 0 = empty, else id + 1 */
	size_t nslot;
	sm_entry *e;
	size_t n, ecap;
	buf keys;
} smap;

static void smap_release(smap *m)
{
	ngidx_free(m->slot);
	ngidx_free(m->e);
	ngidx_free(m->keys.p);
	memset(m, 0, sizeof *m);
}

static const char *smap_key(const smap *m, uint32_t id, size_t *len)
{
	*len = m->e[id].len;
	return m->keys.p + m->e[id].off;
}

/* @return the id of key @k, or -1. */
static int64_t smap_find(const smap *m, const char *k, size_t n)
{
	if (!m->nslot)
		return -1;
	uint64_t h = ngidx_hash64(k, n);
	size_t mask = m->nslot - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		uint32_t s = m->slot[i];
		if (!s)
			return -1;
		const sm_entry *e = &m->e[s - 1];
		if (e->hash == h && e->len == n && !memcmp(m->keys.p + e->off, k, n))
			return (int64_t)(s - 1);
	}
}

static int smap_rehash(smap *m, size_t nslot)
{
	uint32_t *slot = ngidx_calloc(nslot, sizeof *slot);
	if (!slot)
		return -1;
	for (size_t id = 0; id < m->n; id++) {
		size_t i = (size_t)m->e[id].hash & (nslot - 1);
		while (slot[i])
			i = (i + 1) & (nslot - 1);
		slot[i] = (uint32_t)id + 1;
	}
	ngidx_free(m->slot);
	m->slot = slot;
	m->nslot = nslot;
	return 0;
}

/* Find or insert @k. @return 1 if inserted, 0 if found, -1 out of memory
 * (or more than 2^32 - 2 keys); *@id its id. */
static int smap_add(smap *m, const char *k, size_t n, uint32_t *id)
{
	int64_t f = smap_find(m, k, n);
	if (f >= 0) {
		*id = (uint32_t)f;
		return 0;
	}
	if (m->n >= UINT32_MAX - 1)
		return -1;
	if ((m->n + 1) * 2 > m->nslot && smap_rehash(m, m->nslot ? m->nslot * 2 : 64))
		return -1;
	if (NGIDX_RESERVE(m->e, m->ecap, m->n + 1))
		return -1;
	uint64_t off = m->keys.len;
	if (buf_put(&m->keys, k, n))
		return -1;
	uint64_t h = ngidx_hash64(k, n);
	m->e[m->n] = (sm_entry){ h, off, n };
	size_t i = (size_t)h & (m->nslot - 1);
	while (m->slot[i])
		i = (i + 1) & (m->nslot - 1);
	m->slot[i] = (uint32_t)m->n + 1;
	*id = (uint32_t)m->n++;
	return 1;
}

/* ---- the handle ------------------------------------------------------------ */

typedef struct pair {
	uint32_t a, b;
} pair;

typedef struct word {
	size_t t0, t1;      /* its tokens (a clitic excluded) */
	uint64_t s0, s1;    /* its source bytes (an initial's '.' included) */
	unsigned cap : 1, lower : 1, stop : 1, conn : 1, clitic : 1, title : 1, modifier : 1;
} word;

/* One word of a stored run, during finish. */
typedef struct rword {
	char flag;          /* 'M' sure capital, 'U' uncertain, 'K' uncertain
	                       but kept (before an 'M'), 'C' connector */
	const char *surf, *key;
	size_t surf_len, key_len;
} rword;

typedef struct cand {
	uint64_t count;     /* occurrences of this key */
	uint64_t total;     /* of the actor, when this key is its root */
	uint64_t docs;      /* of the actor, when root */
	uint32_t root;      /* the key whose actor this key joined (itself) */
	uint32_t ntok;
	uint32_t surf;      /* id in the surface map of the display form */
	uint32_t amb[MAX_AMBIGUOUS];
	uint32_t namb;
	uint64_t wmask;     /* bit i: every form has white space between tokens
	                       i and i+1 (a word boundary) */
} cand;

/* A short key inside a longer one: side 0 it ends it, 1 it starts it. */
typedef struct edge {
	uint32_t sh, side, lng;
} edge;

struct ngidx_suggest {
	ngidx_suggest_opts o;
	ngidx_suggest_stats st;
	int finished, failed;
	ngidx_tokens tok;
	word *w;
	size_t wcap;
	buf rec, key;               /* scratch */
	smap mid;                   /* words seen capitalised where it tells */
	smap runs;                  /* run records (see append_word) */
	uint64_t *run_count;
	uint32_t *run_last;         /* last document + 1 */
	size_t run_cap, run_last_cap;
	pair *docs;                 /* (run, document), once per document */
	size_t ndocs, docs_cap;
	/* results */
	ngidx_suggest_actor *actors;
	ngidx_suggest_alias *aliases;
	const char **amb;
	size_t nactors;
	buf out;                    /* the result strings */
};

void ngidx_suggest_opts_init(ngidx_suggest_opts *o)
{
	o->min_count = 3;
	o->max_actors = 0;
	o->dominance = 4;
}

int ngidx_suggest_create(ngidx_suggest **out, const ngidx_suggest_opts *o)
{
	*out = NULL;
	ngidx_suggest_opts d;
	ngidx_suggest_opts_init(&d);
	if (!o)
		o = &d;
	if (!o->dominance)
		return NGIDX_ERR_ARG;
	ngidx_suggest *s = ngidx_calloc(1, sizeof *s);
	if (!s)
		return NGIDX_ERR_NOMEM;
	s->o = *o;
	ngidx_tokens_init(&s->tok);
	*out = s;
	return NGIDX_OK;
}

void ngidx_suggest_free(ngidx_suggest *s)
{
	if (!s)
		return;
	ngidx_tokens_release(&s->tok);
	ngidx_free(s->w);
	ngidx_free(s->rec.p);
	ngidx_free(s->key.p);
	smap_release(&s->mid);
	smap_release(&s->runs);
	ngidx_free(s->run_count);
	ngidx_free(s->run_last);
	ngidx_free(s->docs);
	ngidx_free(s->actors);
	ngidx_free(s->aliases);
	ngidx_free(s->amb);
	ngidx_free(s->out.p);
	ngidx_free(s);
}

const ngidx_suggest_stats *ngidx_suggest_get_stats(const ngidx_suggest *s)
{
	return &s->st;
}

/* ---- feeding --------------------------------------------------------------- */

/* The code point at @p (n > 0 bytes), or -1 if invalid. */
static int32_t cp_at(const char *p, size_t n, size_t *used)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p,
	                                      n > 4 ? 4 : (utf8proc_ssize_t)n, &c);
	if (k <= 0) {
		*used = 1;
		return -1;
	}
	*used = (size_t)k;
	return c;
}

/* What joins two tokens into one word: 1 hyphen, 2 apostrophe, 0 neither. */
static int joiner(const char *p, size_t n)
{
	if (n == 1)
		return p[0] == '-' ? 1 : p[0] == '\'' ? 2 : 0;
	if (n == 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80) {
		unsigned char c = (unsigned char)p[2];
		return c == 0x90 || c == 0x91 ? 1 : c == 0x99 ? 2 : 0;
	}
	return 0;
}

/* Only white space in @p[0, n), and at least one character. */
static int all_space(const char *p, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n;) {
		size_t k;
		int32_t c = cp_at(p + i, n - i, &k);
		if (c < 0)
			return 0;
		if (!(c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0x2028 ||
		      utf8proc_category(c) == UTF8PROC_CATEGORY_ZS))
			return 0;
		i += k;
	}
	return 1;
}

static int is_upper_cat(int32_t c)
{
	if (c < 0)
		return 0;
	utf8proc_category_t k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LT;
}

static int tok_in(const ngidx_tokens *t, size_t i, wlist l)
{
	size_t n;
	const char *p = ngidx_tok(t, i, &n);
	return in_list(l, p, n);
}

/* The analyzed tokens [t0, t1] of a word, joined by spaces, into @b. */
static int put_key(buf *b, const ngidx_tokens *t, size_t t0, size_t t1)
{
	for (size_t i = t0; i <= t1; i++) {
		size_t n;
		const char *p = ngidx_tok(t, i, &n);
		if ((i > t0 && buf_putc(b, ' ')) || buf_put(b, p, n))
			return -1;
	}
	return 0;
}

/*
 * Split the tokens [a, b) of one sentence into words (rule 1 and 2 of the
 * essay) in s->w. @return the number of words, or -1 out of memory.
 */
static ptrdiff_t split_words(ngidx_suggest *s, const char *text, size_t len, size_t a, size_t b)
{
	const ngidx_tokens *t = &s->tok;
	size_t nw = 0;
	for (size_t i = a; i < b;) {
		word w = { 0 };
		size_t j = i;
		while (j + 1 < b) {
			uint64_t g0 = t->src[2 * j + 1], g1 = t->src[2 * (j + 1)];
			int jn = joiner(text + g0, (size_t)(g1 - g0));
			if (!jn)
				break;
			if (jn == 2 && tok_in(t, j + 1, WLIST(clitics))) {
				int more = 0;
				if (j + 2 < b) {
					uint64_t h0 = t->src[2 * (j + 1) + 1], h1 = t->src[2 * (j + 2)];
					more = joiner(text + h0, (size_t)(h1 - h0)) != 0;
				}
				if (!more) {
					w.clitic = 1;
					break;
				}
			}
			j++;
		}
		w.t0 = i;
		w.t1 = j;
		w.s0 = t->src[2 * i];
		w.s1 = t->src[2 * j + 1];
		size_t k;
		int32_t c = cp_at(text + w.s0, (size_t)(w.s1 - w.s0), &k);
		w.cap = is_upper_cat(c) != 0;
		w.lower = c >= 0 && utf8proc_category(c) == UTF8PROC_CATEGORY_LL;
		if (!w.cap && w.lower && j > i && tok_in(t, i, WLIST(particles))) {
			size_t k2;
			if (is_upper_cat(cp_at(text + t->src[2 * (i + 1)], 4, &k2)))
				w.cap = 1, w.lower = 0;
		}
		w.stop = tok_in(t, i, WLIST(stop_words)) != 0;
		w.conn = i == j && w.lower && tok_in(t, i, WLIST(connectors));
		w.title = w.stop && tok_in(t, i, WLIST(titles)) != 0;
		w.modifier = i == j && tok_in(t, i, WLIST(modifiers)) != 0;
		/* An initial: one capital letter and a period. */
		if (i == j && w.cap && !w.clitic && k == w.s1 - w.s0 && w.s1 < len && text[w.s1] == '.')
			w.s1++;
		if (NGIDX_RESERVE(s->w, s->wcap, nw + 1))
			return -1;
		s->w[nw++] = w;
		i = j + 1 + w.clitic;
	}
	return (ptrdiff_t)nw;
}

/* Append a word to the run record: flag, surface, NUL, key, NUL. */
static int append_word(ngidx_suggest *s, const char *text, const word *w, char flag)
{
	if (buf_putc(&s->rec, flag) || buf_put(&s->rec, text + w->s0, (size_t)(w->s1 - w->s0)) ||
	    buf_putc(&s->rec, 0) || put_key(&s->rec, &s->tok, w->t0, w->t1) || buf_putc(&s->rec, 0))
		return -1;
	return 0;
}

/* Store the run in s->rec (if any) and start a new one. */
static int emit(ngidx_suggest *s, uint32_t doc, size_t *nrun)
{
	if (!*nrun)
		return 0;
	*nrun = 0;
	uint32_t id;
	int r = smap_add(&s->runs, s->rec.p, s->rec.len, &id);
	s->rec.len = 0;
	if (r < 0)
		return -1;
	if (r == 1) {
		if (NGIDX_RESERVE(s->run_count, s->run_cap, id + 1) ||
		    NGIDX_RESERVE(s->run_last, s->run_last_cap, id + 1))
			return -1;
		s->run_count[id] = 0;
		s->run_last[id] = 0;
	}
	s->run_count[id]++;
	s->st.occurrences++;
	if (s->run_last[id] != doc + 1) {
		if (NGIDX_RESERVE(s->docs, s->docs_cap, s->ndocs + 1))
			return -1;
		s->docs[s->ndocs++] = (pair){ id, doc };
		s->run_last[id] = doc + 1;
	}
	return 0;
}

/* Rules 3 and 4 on one sentence's words. */
static int sentence(ngidx_suggest *s, const char *text, size_t nw, uint32_t doc)
{
	const word *w = s->w;
	size_t lowers = 0, caps = 0;
	for (size_t i = 0; i < nw; i++) {
		lowers += w[i].lower && !w[i].stop && !w[i].conn;
		caps += w[i].cap && !w[i].stop;
	}
	const int headline = lowers == 0 && caps >= 2;
	size_t nrun = 0;
	ptrdiff_t conn = -1;      /* a connector waiting for the next capital */
	const word *prev = NULL;  /* the last word of the run */
	size_t prev_off = 0;      /* where it starts in the record */
	s->rec.len = 0;
	for (size_t i = 0; i < nw; i++) {
		if (w[i].cap && !w[i].stop) {
			const char flag = i == 0 || headline ? 'U' : 'M';
			if (flag == 'M') {
				uint32_t id;
				s->key.len = 0;
				if (put_key(&s->key, &s->tok, w[i].t0, w[i].t1) ||
				    smap_add(&s->mid, s->key.p, s->key.len, &id) < 0)
					return -1;
			}
			if (nrun) {
				const word *c = conn >= 0 ? &w[conn] : NULL;
				int ok = c ? all_space(text + prev->s1, (size_t)(c->s0 - prev->s1)) &&
				                 all_space(text + c->s1, (size_t)(w[i].s0 - c->s1))
				           : all_space(text + prev->s1, (size_t)(w[i].s0 - prev->s1));
				if (!ok || nrun + (c != NULL) >= MAX_RUN_WORDS) {
					if (emit(s, doc, &nrun))
						return -1;
				} else if (c) {
					if (append_word(s, text, c, 'C'))
						return -1;
					nrun++;
				}
			}
			/* an uncertain word right before a sure capital is a name's
			 * first word: "Huang Jing believes ..." */
			if (flag == 'M' && nrun && conn < 0 && prev == &w[i - 1] && s->rec.p[prev_off] == 'U') {
				uint32_t id;
				s->rec.p[prev_off] = 'K';
				s->key.len = 0;
				if (put_key(&s->key, &s->tok, prev->t0, prev->t1) ||
				    smap_add(&s->mid, s->key.p, s->key.len, &id) < 0)
					return -1;
			}
			conn = -1;
			prev_off = s->rec.len;
			if (append_word(s, text, &w[i], flag))
				return -1;
			nrun++;
			prev = &w[i];
			if (w[i].clitic && emit(s, doc, &nrun))
				return -1;
		} else if (w[i].conn && nrun && conn < 0 && !w[i].clitic) {
			conn = (ptrdiff_t)i;
		} else {
			if (w[i].cap && w[i].title && nrun && conn < 0 && prev == &w[i - 1] && prev->modifier &&
			    all_space(text + prev->s1, (size_t)(w[i].s0 - prev->s1))) {
				s->rec.len = prev_off; /* "Foreign Minister": drop "Foreign" */
				nrun--;
			}
			conn = -1;
			if (emit(s, doc, &nrun))
				return -1;
		}
	}
	return emit(s, doc, &nrun);
}

int ngidx_suggest_feed(ngidx_suggest *s, const char *text, size_t len)
{
	if (s->failed)
		return NGIDX_ERR_NOMEM;
	if (s->finished)
		return NGIDX_ERR_ARG;
	if (s->st.docs >= UINT32_MAX - 1)
		return NGIDX_ERR_INPUT;
	int rc = ngidx_analyze(&s->tok, text, len, NGIDX_AN_SOURCE | NGIDX_AN_SENTENCES);
	if (rc) {
		s->failed = rc == NGIDX_ERR_NOMEM;
		return rc;
	}
	const uint32_t doc = (uint32_t)s->st.docs++;
	s->st.bytes += len;
	const ngidx_tokens *t = &s->tok;
	for (size_t k = 0; k < t->nsent; k++) {
		size_t a = t->sent[k], b = k + 1 < t->nsent ? t->sent[k + 1] : t->ntok;
		ptrdiff_t nw = split_words(s, text, len, a, b);
		if (nw < 0 || sentence(s, text, (size_t)nw, doc)) {
			s->failed = 1;
			return NGIDX_ERR_NOMEM;
		}
	}
	return NGIDX_OK;
}

int ngidx_suggest_feed_inputs(ngidx_suggest *s, const char *const *inputs, size_t n,
                              const ngidx_suggest_input *in, ngidx_error *err)
{
	ngidx_corpus_opts co = { 0 };
	co.format = in ? in->format : NGIDX_FORMAT_AUTO;
	co.text_field = in ? in->text_field : NULL;
	co.strict = in ? in->strict : 0;
	co.warn = in ? in->warn : NULL;
	co.warn_ctx = in ? in->warn_ctx : NULL;
	ngidx_corpus *c;
	int rc = ngidx_corpus_open(&c, inputs, n, &co, err);
	if (rc)
		return rc;
	ngidx_doc_in d;
	while ((rc = ngidx_corpus_next(c, &d, err)) == NGIDX_OK) {
		if ((rc = ngidx_suggest_feed(s, d.text, d.text_len))) {
			if (rc == NGIDX_ERR_INPUT && !co.strict) {
				/* a text of 4 GiB or more: report and skip like bad input */
				if (co.warn) {
					char msg[256];
					snprintf(msg, sizeof msg, "%.*s: document too large (4 GiB or more), skipped",
					         (int)(d.name_len > 200 ? 200 : d.name_len), d.name);
					co.warn(co.warn_ctx, msg);
				}
				s->st.skipped++;
				continue;
			}
			ngidx_err_set(err, rc, "%s", rc == NGIDX_ERR_NOMEM ? "out of memory"
			                                                   : "document too large (4 GiB or more)");
			break;
		}
	}
	const ngidx_corpus_stats *cs = ngidx_corpus_get_stats(c);
	s->st.skipped += cs->skipped_docs + cs->skipped_files;
	ngidx_corpus_free(c);
	return rc == -1 ? NGIDX_OK : rc;
}

/* ---- finishing ------------------------------------------------------------- */

/* Words of a stored run record into @rw (at most MAX_RUN_WORDS). */
static size_t parse_record(const char *p, size_t n, rword *rw)
{
	size_t nw = 0;
	for (size_t i = 0; i < n && nw < MAX_RUN_WORDS; nw++) {
		rw[nw].flag = p[i++];
		rw[nw].surf = p + i;
		rw[nw].surf_len = strlen(p + i);
		i += rw[nw].surf_len + 1;
		rw[nw].key = p + i;
		rw[nw].key_len = strlen(p + i);
		i += rw[nw].key_len + 1;
	}
	return nw;
}

static size_t count_upper(const char *p, size_t n)
{
	size_t u = 0;
	for (size_t i = 0; i < n;) {
		size_t k;
		u += (size_t)is_upper_cat(cp_at(p + i, n - i, &k));
		i += k;
	}
	return u;
}

/* Slug of @p[0, n) appended to @b: see rule 7. */
static int put_slug(buf *b, const char *p, size_t n)
{
	const size_t start = b->len;
	int sep = 0;
	for (size_t i = 0; i < n;) {
		size_t k;
		int32_t c = cp_at(p + i, n - i, &k);
		i += k;
		utf8proc_int32_t d[32];
		int last = 0;
		utf8proc_ssize_t nd = c < 0 ? 0
		                            : utf8proc_decompose_char(c, d, 32,
		                                                      UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
		                                                          UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD,
		                                                      &last);
		if (nd < 0 || nd > 32)
			nd = 0;
		if (!nd)
			sep = 1;
		for (utf8proc_ssize_t q = 0; q < nd; q++) {
			int32_t x = d[q];
			if ((x >= 'a' && x <= 'z') || (x >= 'A' && x <= 'Z') || (x >= '0' && x <= '9')) {
				if (sep && b->len > start && buf_putc(b, '_'))
					return -1;
				sep = 0;
				if (buf_putc(b, (char)(x >= 'a' && x <= 'z' ? x - 'a' + 'A' : x)))
					return -1;
			} else {
				sep = 1;
			}
		}
	}
	if (b->len == start && buf_put(b, "ACTOR", 5))
		return -1;
	return 0;
}

static int cmp_pair(const void *x, const void *y)
{
	const pair *a = x, *b = y;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return (a->b > b->b) - (a->b < b->b);
}

/* The state of one finish, freed at its end. */
typedef struct fin {
	ngidx_suggest *s;
	smap cands;            /* piece keys */
	cand *c;
	size_t ccap;
	smap surfs;            /* 4-byte key id + surface form */
	uint64_t *surf_count;
	size_t scap;
	uint32_t *piece;       /* the keys of each run, run_p0[r] .. run_p0[r+1] */
	size_t npiece, pcap;
	size_t *run_p0;
	edge *edges;           /* (short key, side, longer key containing it) */
	size_t nedges, ecap;
	uint32_t *order;
	uint32_t *rank;        /* actor rank of a root, or UINT32_MAX */
	size_t nout;
	smap ids;
	buf tmp;
} fin;

static void fin_release(fin *f)
{
	smap_release(&f->cands);
	smap_release(&f->surfs);
	ngidx_free(f->c);
	ngidx_free(f->surf_count);
	ngidx_free(f->piece);
	ngidx_free(f->run_p0);
	ngidx_free(f->edges);
	ngidx_free(f->order);
	ngidx_free(f->rank);
	smap_release(&f->ids);
	ngidx_free(f->tmp.p);
}

static const char *display(const fin *f, uint32_t key, size_t *len)
{
	const char *p = smap_key(&f->surfs, f->c[key].surf, len);
	*len -= 4;
	return p + 4;
}

/* Add one occurrence group (@cnt occurrences) of a piece. */
static int add_piece(fin *f, const rword *rw, size_t a, size_t b, uint64_t cnt)
{
	buf *t = &f->tmp;
	t->len = 0;
	uint32_t ntok = 0;
	uint64_t wmask = 0;
	for (size_t i = a; i < b; i++) {
		if ((i > a && buf_putc(t, ' ')) || buf_put(t, rw[i].key, rw[i].key_len))
			return -1;
		if (i > a && ntok - 1 < 64)
			wmask |= (uint64_t)1 << (ntok - 1);
		ntok++;
		for (size_t q = 0; q < rw[i].key_len; q++)
			ntok += rw[i].key[q] == ' ';
	}
	uint32_t id;
	int r = smap_add(&f->cands, t->p, t->len, &id);
	if (r < 0)
		return -1;
	if (r == 1) {
		if (NGIDX_RESERVE(f->c, f->ccap, id + 1))
			return -1;
		memset(&f->c[id], 0, sizeof f->c[id]);
		f->c[id].root = id;
		f->c[id].ntok = ntok;
		f->c[id].surf = UINT32_MAX;
		f->c[id].wmask = ~(uint64_t)0;
	}
	f->c[id].count += cnt;
	f->c[id].wmask &= wmask;
	/* the surface form, prefixed by the key id */
	t->len = 0;
	unsigned char idb[4] = { (unsigned char)id, (unsigned char)(id >> 8), (unsigned char)(id >> 16),
	                         (unsigned char)(id >> 24) };
	if (buf_put(t, idb, 4))
		return -1;
	for (size_t i = a; i < b; i++)
		if ((i > a && buf_putc(t, ' ')) || buf_put(t, rw[i].surf, rw[i].surf_len))
			return -1;
	uint32_t sid;
	if ((r = smap_add(&f->surfs, t->p, t->len, &sid)) < 0)
		return -1;
	if (r == 1) {
		if (NGIDX_RESERVE(f->surf_count, f->scap, sid + 1))
			return -1;
		f->surf_count[sid] = 0;
	}
	f->surf_count[sid] += cnt;
	if (NGIDX_RESERVE(f->piece, f->pcap, f->npiece + 1))
		return -1;
	f->piece[f->npiece++] = id;
	return 0;
}

/* Resolve every run into pieces (rule 4) and keys (rule 5). */
static int resolve_runs(fin *f)
{
	ngidx_suggest *s = f->s;
	const size_t nruns = s->runs.n;
	f->run_p0 = ngidx_malloc((nruns + 1) * sizeof *f->run_p0);
	if (!f->run_p0)
		return -1;
	rword rw[MAX_RUN_WORDS];
	for (size_t r = 0; r < nruns; r++) {
		f->run_p0[r] = f->npiece;
		size_t n;
		const char *p = smap_key(&s->runs, (uint32_t)r, &n);
		size_t nw = parse_record(p, n, rw);
		for (size_t i = 0; i < nw;) {
			/* a segment of kept words [i, j) */
			size_t j = i;
			while (j < nw && (rw[j].flag != 'U' || smap_find(&s->mid, rw[j].key, rw[j].key_len) >= 0))
				j++;
			size_t a = i, b = j;
			while (a < b && rw[a].flag == 'C')
				a++;
			while (b > a && rw[b - 1].flag == 'C')
				b--;
			if (b > a) {
				size_t k;
				int one = b - a == 1 && (cp_at(rw[a].key, rw[a].key_len, &k), k == rw[a].key_len);
				if (!one && add_piece(f, rw, a, b, s->run_count[r]))
					return -1;
			}
			i = j + 1;
		}
	}
	f->run_p0[nruns] = f->npiece;
	/* display forms: most frequent, then fewer capitals, then bytes */
	for (uint32_t sid = 0; sid < f->surfs.n; sid++) {
		size_t n;
		const char *p = smap_key(&f->surfs, sid, &n);
		uint32_t id = (uint32_t)(unsigned char)p[0] | (uint32_t)(unsigned char)p[1] << 8 |
		              (uint32_t)(unsigned char)p[2] << 16 | (uint32_t)(unsigned char)p[3] << 24;
		cand *c = &f->c[id];
		if (c->surf == UINT32_MAX) {
			c->surf = sid;
			continue;
		}
		uint64_t a = f->surf_count[sid], b = f->surf_count[c->surf];
		if (a != b) {
			if (a > b)
				c->surf = sid;
			continue;
		}
		size_t m;
		const char *q = smap_key(&f->surfs, c->surf, &m);
		size_t ua = count_upper(p + 4, n - 4), ub = count_upper(q + 4, m - 4);
		if (ua != ub) {
			if (ua < ub)
				c->surf = sid;
			continue;
		}
		int cmp = memcmp(p + 4, q + 4, n < m ? n - 4 : m - 4);
		if (cmp < 0 || (!cmp && n < m))
			c->surf = sid;
	}
	return 0;
}

static int cmp_edge(const void *x, const void *y)
{
	const edge *a = x, *b = y;
	if (a->sh != b->sh)
		return a->sh < b->sh ? -1 : 1;
	if (a->side != b->side)
		return a->side < b->side ? -1 : 1;
	return (a->lng > b->lng) - (a->lng < b->lng);
}

static int cmp_ntok_desc(const void *x, const void *y, void *ctx)
{
	const cand *c = ctx;
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	if (c[a].ntok != c[b].ntok)
		return c[a].ntok > c[b].ntok ? -1 : 1;
	return (a > b) - (a < b);
}

/* Rule 6: short keys join a dominating longer one. */
static int merge_short(fin *f)
{
	const uint64_t minc = f->s->o.min_count;
	const size_t nc = f->cands.n;
	for (uint32_t id = 0; id < nc; id++) {
		if (f->c[id].ntok < 2 || f->c[id].count < minc)
			continue;
		size_t n;
		const char *k = smap_key(&f->cands, id, &n);
		for (size_t i = 0, ti = 0; i < n; i++) {
			if (k[i] != ' ')
				continue;
			/* only at word boundaries: "chinese" is not a name inside
			 * "Chinese-dominated", nor "un" inside "Kim Jong-un" */
			if (ti >= 64 || !(f->c[id].wmask >> ti & 1)) {
				ti++;
				continue;
			}
			ti++;
			int64_t pre = smap_find(&f->cands, k, i), suf = smap_find(&f->cands, k + i + 1, n - i - 1);
			for (uint32_t side = 0; side < 2; side++) {
				int64_t sh = side ? pre : suf;
				if (sh < 0)
					continue;
				if (NGIDX_RESERVE(f->edges, f->ecap, f->nedges + 1))
					return -1;
				f->edges[f->nedges++] = (edge){ (uint32_t)sh, side, id };
			}
		}
	}
	if (f->nedges)
		qsort(f->edges, f->nedges, sizeof *f->edges, cmp_edge);
	f->order = ngidx_malloc((nc ? nc : 1) * sizeof *f->order);
	if (!f->order)
		return -1;
	for (uint32_t i = 0; i < nc; i++)
		f->order[i] = i;
	qsort_r(f->order, nc, sizeof *f->order, cmp_ntok_desc, f->c);
	for (size_t oi = 0; oi < nc; oi++) {
		const uint32_t sh = f->order[oi];
		/* its edges: binary search for the first (sh, *) */
		size_t lo = 0, hi = f->nedges;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (f->edges[mid].sh < sh)
				lo = mid + 1;
			else
				hi = mid;
		}
		uint32_t root[16];
		uint64_t sum[16];
		size_t ng = 0;
		/* names it ends first; only if none, names it starts */
		for (size_t e = lo; e < f->nedges && f->edges[e].sh == sh && f->edges[e].side == f->edges[lo].side;
		     e++) {
			if (e > lo && f->edges[e].lng == f->edges[e - 1].lng)
				continue; /* ends it twice? cannot, but stay safe */
			const uint32_t r = f->c[f->edges[e].lng].root;
			size_t g = 0;
			while (g < ng && root[g] != r)
				g++;
			if (g == ng) {
				if (ng == 16)
					continue; /* beyond 16 groups nothing dominates anyway */
				root[ng] = r;
				sum[ng++] = 0;
			}
			sum[g] += f->c[f->edges[e].lng].count;
		}
		/* sort the groups by sum descending, then root (small: insertion) */
		for (size_t g = 1; g < ng; g++)
			for (size_t h = g; h > 0 && (sum[h] > sum[h - 1] ||
			                             (sum[h] == sum[h - 1] && root[h] < root[h - 1]));
			     h--) {
				uint64_t ts = sum[h];
				uint32_t tr = root[h];
				sum[h] = sum[h - 1], root[h] = root[h - 1];
				sum[h - 1] = ts, root[h - 1] = tr;
			}
		if (ng == 0)
			continue;
		/* sum[0] >= dominance * sum[1], without overflow */
		if (ng == 1 || sum[1] <= sum[0] / f->s->o.dominance) {
			f->c[sh].root = root[0];
			continue;
		}
		for (size_t g = 0; g < ng && g < MAX_AMBIGUOUS; g++)
			f->c[sh].amb[f->c[sh].namb++] = root[g];
	}
	return 0;
}

static int cmp_actor(const void *x, const void *y, void *ctx)
{
	const fin *f = ctx;
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	const cand *ca = &f->c[a], *cb = &f->c[b];
	if (ca->total != cb->total)
		return ca->total > cb->total ? -1 : 1;
	if (ca->docs != cb->docs)
		return ca->docs > cb->docs ? -1 : 1;
	size_t na, nb;
	const char *pa = display(f, a, &na), *pb = display(f, b, &nb);
	int c = memcmp(pa, pb, na < nb ? na : nb);
	if (c)
		return c;
	if (na != nb)
		return na < nb ? -1 : 1;
	return (a > b) - (a < b);
}

/* Members of the chosen actors: by actor rank, root first, count desc, key. */
static int cmp_member(const void *x, const void *y, void *ctx)
{
	const fin *f = ctx;
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	const cand *ca = &f->c[a], *cb = &f->c[b];
	uint32_t ra = f->rank[ca->root], rb = f->rank[cb->root];
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if ((ca->root == a) != (cb->root == b))
		return ca->root == a ? -1 : 1;
	if (ca->count != cb->count)
		return ca->count > cb->count ? -1 : 1;
	size_t na, nb;
	const char *pa = smap_key(&f->cands, a, &na), *pb = smap_key(&f->cands, b, &nb);
	int c = memcmp(pa, pb, na < nb ? na : nb);
	if (c)
		return c;
	return (na > nb) - (na < nb);
}

/* Totals, documents, ranking and the output arrays (rule 7). */
static int rank_actors(fin *f)
{
	ngidx_suggest *s = f->s;
	const size_t nc = f->cands.n;
	for (size_t i = 0; i < nc; i++)
		f->c[f->c[i].root].total += f->c[i].count;
	/* documents per actor: (root, doc) pairs, sorted and made unique */
	size_t np = 0;
	for (size_t i = 0; i < s->ndocs; i++)
		np += f->run_p0[s->docs[i].a + 1] - f->run_p0[s->docs[i].a];
	pair *rd = ngidx_malloc((np ? np : 1) * sizeof *rd);
	if (!rd)
		return -1;
	np = 0;
	for (size_t i = 0; i < s->ndocs; i++)
		for (size_t q = f->run_p0[s->docs[i].a]; q < f->run_p0[s->docs[i].a + 1]; q++)
			rd[np++] = (pair){ f->c[f->piece[q]].root, s->docs[i].b };
	qsort(rd, np, sizeof *rd, cmp_pair);
	for (size_t i = 0; i < np; i++)
		if (!i || rd[i].a != rd[i - 1].a || rd[i].b != rd[i - 1].b)
			f->c[rd[i].a].docs++;
	ngidx_free(rd);
	/* the actors */
	size_t na = 0;
	for (uint32_t i = 0; i < nc; i++)
		if (f->c[i].root == i && f->c[i].total >= s->o.min_count)
			f->order[na++] = i;
	qsort_r(f->order, na, sizeof *f->order, cmp_actor, f);
	if (s->o.max_actors && na > s->o.max_actors)
		na = s->o.max_actors;
	f->rank = ngidx_malloc((nc ? nc : 1) * sizeof *f->rank);
	if (!f->rank)
		return -1;
	for (size_t i = 0; i < nc; i++)
		f->rank[i] = UINT32_MAX;
	for (size_t i = 0; i < na; i++)
		f->rank[f->order[i]] = (uint32_t)i;
	/* members (aliases) of the chosen actors, in output order */
	uint32_t *mem = ngidx_malloc((nc ? nc : 1) * sizeof *mem);
	if (!mem)
		return -1;
	size_t nm = 0;
	for (uint32_t i = 0; i < nc; i++)
		if (f->rank[f->c[i].root] != UINT32_MAX)
			mem[nm++] = i;
	qsort_r(mem, nm, sizeof *mem, cmp_member, f);
	s->actors = ngidx_calloc(na ? na : 1, sizeof *s->actors);
	s->aliases = ngidx_calloc(nm ? nm : 1, sizeof *s->aliases);
	s->amb = ngidx_calloc(na * MAX_AMBIGUOUS + 1, sizeof *s->amb);
	if (!s->actors || !s->aliases || !s->amb) {
		ngidx_free(mem);
		return -1;
	}
	/* strings go to s->out as offsets first (the buffer moves as it grows) */
	uint64_t *id_off = ngidx_malloc((na ? na : 1) * sizeof *id_off);
	uint64_t *al_off = ngidx_malloc((nm ? nm : 1) * sizeof *al_off);
	uint64_t *amb_off = ngidx_malloc((na * MAX_AMBIGUOUS + 1) * sizeof *amb_off);
	int rc = !id_off || !al_off || !amb_off ? -1 : 0;
	for (size_t i = 0; i < na && !rc; i++) {
		const uint32_t r = f->order[i];
		size_t n;
		const char *p = display(f, r, &n);
		f->tmp.len = 0;
		rc = put_slug(&f->tmp, p, n);
		const size_t base = f->tmp.len;
		uint32_t id;
		for (unsigned k = 2; !rc; k++) {
			int a = smap_add(&f->ids, f->tmp.p, f->tmp.len, &id);
			if (a != 0) {
				rc = a < 0 ? -1 : 0;
				break;
			}
			char suf[16];
			int sl = snprintf(suf, sizeof suf, "_%u", k);
			f->tmp.len = base;
			rc = buf_put(&f->tmp, suf, (size_t)sl);
		}
		id_off[i] = s->out.len;
		rc = rc || buf_put(&s->out, f->tmp.p, f->tmp.len) || buf_putc(&s->out, 0);
		s->actors[i].occurrences = f->c[r].total;
		s->actors[i].documents = f->c[r].docs;
		s->actors[i].nambiguous = f->c[r].namb;
		for (uint32_t g = 0; g < f->c[r].namb && !rc; g++) {
			p = display(f, f->c[r].amb[g], &n);
			amb_off[i * MAX_AMBIGUOUS + g] = s->out.len;
			rc = buf_put(&s->out, p, n) || buf_putc(&s->out, 0);
		}
	}
	for (size_t m = 0; m < nm && !rc; m++) {
		size_t n;
		const char *p = display(f, mem[m], &n);
		al_off[m] = s->out.len;
		s->aliases[m].len = n;
		s->aliases[m].occurrences = f->c[mem[m]].count;
		rc = buf_put(&s->out, p, n) || buf_putc(&s->out, 0);
	}
	if (!rc) {
		size_t m = 0;
		for (size_t i = 0; i < na; i++) {
			ngidx_suggest_actor *a = &s->actors[i];
			a->id = s->out.p + id_off[i];
			a->aliases = &s->aliases[m];
			for (; m < nm && f->rank[f->c[mem[m]].root] == i; m++) {
				s->aliases[m].text = s->out.p + al_off[m];
				a->naliases++;
			}
			a->ambiguous = &s->amb[i * MAX_AMBIGUOUS];
			for (size_t g = 0; g < a->nambiguous; g++)
				s->amb[i * MAX_AMBIGUOUS + g] = s->out.p + amb_off[i * MAX_AMBIGUOUS + g];
		}
		s->nactors = na;
	}
	ngidx_free(mem);
	ngidx_free(id_off);
	ngidx_free(al_off);
	ngidx_free(amb_off);
	return rc;
}

int ngidx_suggest_finish(ngidx_suggest *s, const ngidx_suggest_actor **actors, size_t *n)
{
	*actors = NULL;
	*n = 0;
	if (s->failed)
		return NGIDX_ERR_NOMEM;
	if (s->finished)
		return NGIDX_ERR_ARG;
	s->finished = 1;
	fin f;
	memset(&f, 0, sizeof f);
	f.s = s;
	int rc = resolve_runs(&f) || merge_short(&f) || rank_actors(&f) ? NGIDX_ERR_NOMEM : NGIDX_OK;
	fin_release(&f);
	if (rc) {
		s->failed = 1;
		s->nactors = 0;
		return rc;
	}
	*actors = s->actors;
	*n = s->nactors;
	return NGIDX_OK;
}
