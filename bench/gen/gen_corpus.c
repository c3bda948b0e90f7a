/*
 * gen_corpus.c - deterministic, news-like JSON Lines of any size, for
 * benchmarks (scripts/gen-corpus compiles and runs it).
 *
 * One JSON object per line:
 *   {"id":"gen-00000001","date":"2014-03-07","source":"Global Wire","text":"..."}
 *
 * The model, and why each part is there:
 *
 * - Vocabulary. Words come in two classes, alternating roughly as in English
 *   prose (after a content word a function word follows with probability
 *   0.55, after a function word with 0.2). Function words are ~110 real
 *   English words drawn with a Zipf law (s = 1), so stop-word phrases such as
 *   "one of the" and "to be or not to be" exist. Content words are drawn by
 *   rank from a two-regime Zipf law: ranks below HEAD_RANKS with
 *   p(k) ~ 1/(k + 1 + HEAD_Q) (Zipf-Mandelbrot: no content word is as common
 *   as "the"; an exact table, binary-searched), the tail a power law with
 *   s = TAIL_S. The tail is unbounded, so the vocabulary keeps growing with the
 *   corpus as Heaps' law says (distinct words ~ tokens^(1/TAIL_S)). The first
 *   ranks are real common news words; every other rank is a pseudo-word built
 *   from syllables by a hash of (rank, seed), longer for rarer ranks, 1 in 64
 *   with an accented vowel.
 * - Collocations. With probability P_COLLOC a content word is instead one of
 *   the few "successors" of the previous content word (a hash of the pair
 *   mapped through the same rank law), so bigrams and trigrams repeat as in
 *   real text instead of being almost all new.
 * - News furniture: actor mentions (people with titles, countries,
 *   organisations) from the actor dictionaries in --actors DIR (files *.tsv,
 *   lines ACTOR_ID<TAB>ALIAS[<TAB>TYPE], # comments; actors drawn by Zipf,
 *   their first alias most often), or a built-in list when there is none, plus
 *   generated person names (Zipf over an unbounded pool, some non-ASCII);
 *   stock phrases ("according to", "said in a statement"); numbers, amounts,
 *   weekdays; quoted speech; commas; sentences ending in . ? !; paragraphs
 *   separated by a blank line.
 * - Documents: log-normal length in words (median 450, sigma 0.55, at least
 *   40), dates increasing through the corpus from 2010-01-01 to 2025-12-31
 *   with a few days of jitter (a news feed in time order).
 *
 * Determinism: the output is a function of (--seed, --size, actor files) and
 * the libm of the machine (log/pow/exp round identically on glibc x86-64).
 * The run stops after the document that reaches --size bytes.
 *
 * Output is valid UTF-8 (every string literal here is UTF-8; actor aliases
 * that are not are skipped) and valid JSON (quote, backslash and control
 * characters escaped).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- random numbers: xoshiro256** seeded by splitmix64 ---------------- */

static uint64_t rng_s[4];

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rnd(void)
{
	const uint64_t r = rotl(rng_s[1] * 5, 7) * 9, t = rng_s[1] << 17;
	rng_s[2] ^= rng_s[0]; rng_s[3] ^= rng_s[1];
	rng_s[1] ^= rng_s[2]; rng_s[0] ^= rng_s[3];
	rng_s[2] ^= t; rng_s[3] = rotl(rng_s[3], 45);
	return r;
}

/* uniform in [0, 1) with 53 random bits */
static double unif(void) { return (double)(rnd() >> 11) * 0x1.0p-53; }
/* uniform integer in [0, n) (the bias of % is below 2^-40 for our n) */
static uint32_t below(uint32_t n) { return (uint32_t)(rnd() % n); }
static int chance(double p) { return unif() < p; }

/* a stateless hash: for properties that belong to a rank, not to a draw */
static uint64_t mix(uint64_t a, uint64_t b)
{
	uint64_t x = a * 0x9e3779b97f4a7c15ull ^ b;
	return splitmix64(&x);
}

static uint64_t g_seed;

/* ---- output buffer: one document is built here, then escaped out ------ */

typedef struct { char *p; size_t n, cap; } buf;

static void buf_reserve(buf *b, size_t more)
{
	if (b->n + more <= b->cap) return;
	size_t cap = b->cap ? b->cap * 2 : 1 << 16;
	while (cap < b->n + more) cap *= 2;
	b->p = realloc(b->p, cap);
	if (!b->p) { fputs("gen-corpus: out of memory\n", stderr); exit(4); }
	b->cap = cap;
}

static void put(buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }
static void putc_(buf *b, char c) { buf_reserve(b, 1); b->p[b->n++] = c; }

/* ---- the sentence writer: capitalisation and spacing in one place ----- */

/*
 * Words are appended with word(): it inserts the space, and capitalises the
 * first letter when a sentence starts (ASCII letters only; a word starting
 * with a multi-byte letter is left as it is, like proper names already are).
 */
typedef struct {
	buf *b;
	int at_start;   /* next word opens the sentence */
	int need_space; /* a word or punctuation precedes on this line */
} writer;

static void word(writer *w, const char *s, size_t n)
{
	if (w->need_space) putc_(w->b, ' ');
	size_t start = w->b->n;
	put(w->b, s, n);
	if (w->at_start && n && islower((unsigned char)s[0]))
		w->b->p[start] = (char)toupper((unsigned char)s[0]);
	w->at_start = 0;
	w->need_space = 1;
}

static void words(writer *w, const char *s) { word(w, s, strlen(s)); }

/* punctuation glued to the previous word */
static void punct(writer *w, const char *s) { puts_(w->b, s); }

/* ---- vocabulary ------------------------------------------------------- */

/* English function words, most frequent first (Zipf s = 1 over this order) */
static const char *const FUNC[] = {
	"the", "of", "and", "to", "a", "in", "that", "is", "for", "it", "was", "on",
	"with", "he", "as", "be", "by", "at", "have", "are", "this", "not", "but",
	"from", "had", "has", "his", "they", "or", "which", "an", "were", "we",
	"their", "been", "will", "would", "there", "who", "she", "more", "its",
	"all", "one", "can", "said", "no", "if", "her", "up", "so", "out", "about",
	"than", "into", "them", "could", "what", "only", "other", "some", "over",
	"new", "also", "after", "when", "two", "may", "these", "first", "any",
	"most", "our", "while", "before", "those", "should", "such", "because",
	"under", "between", "against", "during", "through", "do", "did", "does",
	"very", "just", "then", "now", "still", "both", "each", "many", "much",
	"where", "how", "why", "since", "until", "without", "within", "among",
	"or", "nor", "yet", "whether", "although", "however", "being", "him", "you",
	"i", "me", "us", "my", "your", "own", "same", "few",
};
#define N_FUNC (sizeof FUNC / sizeof *FUNC)

/* the most frequent content words of news text: content ranks 0.. */
static const char *const CONTENT[] = {
	"government", "year", "people", "president", "minister", "country", "years",
	"state", "week", "police", "officials", "time", "percent", "million",
	"party", "security", "talks", "economy", "market", "world", "city",
	"election", "report", "group", "leader", "military", "billion", "deal",
	"law", "court", "forces", "company", "day", "month", "news", "trade",
	"war", "support", "public", "policy", "prices", "rights", "agreement",
	"power", "health", "bank", "foreign", "national", "international",
	"economic", "political", "official", "former", "last", "next", "told",
	"says", "made", "make", "take", "took", "expected", "called", "including",
	"according", "meeting", "summit", "sanctions", "nuclear", "talks",
	"border", "region", "capital", "crisis", "plan", "reform", "budget",
	"tax", "growth", "oil", "energy", "climate", "vote", "parliament",
	"opposition", "protest", "protesters", "troops", "attack", "peace",
	"ceasefire", "investigation", "charges", "spokesman", "statement",
	"interview", "conference", "agency", "ministry", "council", "committee",
	"workers", "children", "women", "family", "students", "schools", "water",
	"food", "industry", "investors", "shares", "stocks", "inflation", "rates",
	"debt", "exports", "imports", "tariffs", "jobs", "unemployment", "hospital",
	"virus", "vaccine", "disease", "study", "data", "research", "technology",
	"internet", "network", "system", "program", "project", "service", "area",
	"town", "village", "river", "coast", "island", "storm", "flood", "fire",
	"earthquake", "victims", "hundreds", "thousands", "dozens", "several",
	"high", "low", "large", "small", "major", "key", "senior", "local", "united",
	"strong", "new", "old", "early", "late", "long", "short", "recent",
	"possible", "important", "likely", "further", "sharp", "global", "regional",
	"federal", "central", "northern", "southern", "eastern", "western",
	"announced", "reported", "added", "warned", "denied", "agreed", "urged",
	"rejected", "accused", "signed", "launched", "killed", "arrested",
	"elected", "visited", "met", "held", "began", "ended", "rose", "fell",
	"increased", "decreased", "raised", "cut", "approved", "opened", "closed",
	"continue", "remain", "help", "need", "want", "seek", "hold", "meet",
	"leaders", "members", "officers", "soldiers", "citizens", "voters",
	"lawmakers", "analysts", "experts", "diplomats", "negotiators", "residents",
};
#define N_CONTENT (sizeof CONTENT / sizeof *CONTENT)

/* syllables of pseudo-words: onset + nucleus (+ coda) */
static const char *const ONSET[] = {
	"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t",
	"v", "w", "z", "br", "cr", "dr", "fr", "gr", "pr", "tr", "bl", "cl", "fl",
	"gl", "pl", "sl", "st", "sp", "sk", "sh", "ch", "th", "qu", "", "",
};
static const char *const NUCLEUS[] = {
	"a", "e", "i", "o", "u", "a", "e", "i", "o", "ai", "ea", "ou", "io", "y",
	"ee", "oo",
};
static const char *const ACCENTED[] = { "é", "ö", "ñ", "ü", "á", "ç", "ø", "ł" };
static const char *const CODA[] = {
	"", "", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "rk", "ng", "x",
	"ck",
};
#define NELEM(a) (sizeof(a) / sizeof *(a))

/* the content-rank law: exact Zipf (s = 1) table on the head, power tail */
#define HEAD_RANKS 8192
#define HEAD_MASS 0.86  /* share of draws from the head */
#define TAIL_S 1.6      /* tail exponent: distinct ~ tokens^(1/1.6) */
#define P_COLLOC 0.35   /* next content word follows the previous one */
#define HEAD_Q 20.0     /* Zipf-Mandelbrot offset: p(k) ~ 1/(k + q) flattens the top */
static double head_cdf[HEAD_RANKS], func_cdf[N_FUNC];

/* cumulative distribution of p(k) ~ 1/(k + 1 + q) over n ranks */
static void zipf_cdf(double *cdf, size_t n, double q)
{
	double h = 0, c = 0;
	for (size_t k = 0; k < n; k++) h += 1.0 / ((double)k + 1 + q);
	for (size_t k = 0; k < n; k++) cdf[k] = (c += 1.0 / ((double)k + 1 + q) / h);
	cdf[n - 1] = 1.0;
}

static void ranks_init(void)
{
	zipf_cdf(head_cdf, HEAD_RANKS, HEAD_Q);
	zipf_cdf(func_cdf, N_FUNC, 0);
}

/* the first k with cdf[k] > v (binary search) */
static size_t cdf_find(const double *cdf, size_t n, double v)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		const size_t mid = (lo + hi) / 2;
		if (cdf[mid] <= v) lo = mid + 1; else hi = mid;
	}
	return lo;
}

/* map a uniform u in [0,1) to a content rank */
static uint64_t rank_of(double u)
{
	if (u < HEAD_MASS)
		return cdf_find(head_cdf, HEAD_RANKS, u / HEAD_MASS);
	/* Pareto above the head: P(rank > r) = (HEAD_RANKS / r)^(TAIL_S - 1) */
	const double v = (u - HEAD_MASS) / (1 - HEAD_MASS);
	const double r = HEAD_RANKS * pow(1 - v, -1.0 / (TAIL_S - 1));
	return r > 1e15 ? (uint64_t)1e15 : (uint64_t)r;
}

/* the spelling of content rank r (real word or pseudo-word) into out */
static size_t spell(uint64_t r, char *out)
{
	if (r < N_CONTENT) {
		const size_t n = strlen(CONTENT[r]);
		memcpy(out, CONTENT[r], n);
		return n;
	}
	uint64_t h = mix(r, g_seed);
	/* rarer words are longer: 1-2 syllables at rank 1e3, 2-4 at 1e6 */
	int syl = 1 + (r > 2000) + (r > 200000) + (int)(h & 1);
	h >>= 1;
	const int accent = (h & 63) == 0;
	h >>= 6;
	size_t n = 0;
	for (int i = 0; i < syl; i++) {
		const char *o = ONSET[h % NELEM(ONSET)]; h /= NELEM(ONSET);
		const char *v = NUCLEUS[h % NELEM(NUCLEUS)]; h /= NELEM(NUCLEUS);
		if (accent && i == syl - 1) v = ACCENTED[h % NELEM(ACCENTED)];
		const char *c = i == syl - 1 ? CODA[h % NELEM(CODA)] : "";
		h /= NELEM(CODA);
		if (h < 1000) h = mix(h, r + (uint64_t)i);
		for (const char *p = o; *p; p++) out[n++] = *p;
		for (const char *p = v; *p; p++) out[n++] = *p;
		for (const char *p = c; *p; p++) out[n++] = *p;
	}
	return n;
}

/* ---- actors: from --actors DIR, or built in --------------------------- */

typedef struct { char *alias; uint32_t actor, order; } alias_t; /* order: in the files */
typedef struct { uint32_t first, count; char type; } actor_t; /* type: p, c, o, ? */

static alias_t *aliases;
static size_t n_aliases, cap_aliases;
static actor_t *actors;
static size_t n_actors;

/* built-in fallback: id, alias, type (p person, c country/place, o organisation) */
static const char *const BUILTIN[][3] = {
	{ "USA", "United States", "c" }, { "USA", "U.S.", "c" }, { "USA", "America", "c" },
	{ "CHN", "China", "c" }, { "CHN", "Beijing", "c" }, { "PRK", "North Korea", "c" },
	{ "PRK", "Pyongyang", "c" }, { "KOR", "South Korea", "c" }, { "KOR", "Seoul", "c" },
	{ "RUS", "Russia", "c" }, { "RUS", "Moscow", "c" }, { "DEU", "Germany", "c" },
	{ "FRA", "France", "c" }, { "FRA", "Paris", "c" }, { "GBR", "Britain", "c" },
	{ "GBR", "United Kingdom", "c" }, { "JPN", "Japan", "c" }, { "JPN", "Tokyo", "c" },
	{ "IND", "India", "c" }, { "BRA", "Brazil", "c" }, { "BRA", "São Paulo", "c" },
	{ "TUR", "Turkey", "c" }, { "TUR", "Türkiye", "c" }, { "MEX", "Mexico", "c" },
	{ "MEX", "México", "c" }, { "VNM", "Vietnam", "c" }, { "VNM", "Hanoi", "c" },
	{ "CHE", "Switzerland", "c" }, { "CHE", "Zürich", "c" }, { "POL", "Poland", "c" },
	{ "POL", "Łódź", "c" }, { "ISL", "Iceland", "c" }, { "ISL", "Reykjavík", "c" },
	{ "UN", "United Nations", "o" }, { "UN", "UN", "o" }, { "EU", "European Union", "o" },
	{ "EU", "EU", "o" }, { "NATO", "NATO", "o" }, { "IMF", "International Monetary Fund", "o" },
	{ "WHO", "World Health Organization", "o" }, { "WB", "World Bank", "o" },
	{ "TRUMP", "Donald Trump", "p" }, { "TRUMP", "Trump", "p" },
	{ "KIMJU", "Kim Jong-un", "p" }, { "KIMJU", "Kim", "p" },
	{ "XIJ", "Xi Jinping", "p" }, { "XIJ", "Xi", "p" },
	{ "MOONJI", "Moon Jae-in", "p" }, { "MOONJI", "Moon", "p" },
	{ "MERKEL", "Angela Merkel", "p" }, { "MERKEL", "Merkel", "p" },
	{ "MACRON", "Emmanuel Macron", "p" }, { "MACRON", "Macron", "p" },
	{ "ERDOGAN", "Recep Tayyip Erdoğan", "p" }, { "ERDOGAN", "Erdoğan", "p" },
	{ "LULA", "Luiz Inácio Lula da Silva", "p" }, { "LULA", "Lula", "p" },
	{ "PUTIN", "Vladimir Putin", "p" }, { "PUTIN", "Putin", "p" },
};

static int valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		const unsigned c = s[i];
		size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		if (!len || i + len > n || (len == 2 && c < 0xc2) || (len == 4 && c > 0xf4)) return 0;
		for (size_t k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80) return 0;
		if (len == 3 && ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] >= 0xa0))) return 0;
		if (len == 4 && ((c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] >= 0x90))) return 0;
		i += len;
	}
	return 1;
}

static char type_letter(const char *t)
{
	char low[32] = "";
	size_t i = 0;
	for (; t && t[i] && i < sizeof low - 1; i++) low[i] = (char)tolower((unsigned char)t[i]);
	low[i] = 0;
	if (strstr(low, "per") || strstr(low, "people") || !strcmp(low, "p")) return 'p';
	if (strstr(low, "org") || strstr(low, "party") || strstr(low, "group") || strstr(low, "institution") ||
	    strstr(low, "media") || !strcmp(low, "o"))
		return 'o';
	if (strstr(low, "country") || strstr(low, "loc") || strstr(low, "gpe") || strstr(low, "place") ||
	    strstr(low, "city") || strstr(low, "state") || strstr(low, "region") || !strcmp(low, "c"))
		return 'c';
	return '?';
}

/*
 * Aliases arrive grouped by nothing in particular, so actor ids are
 * interned by a linear scan of a small open-addressing table of id hashes.
 */
typedef struct { uint64_t h; uint32_t actor; } idslot;
static idslot *ids;
static size_t ids_cap;

static uint32_t intern_actor(const char *id, char type)
{
	uint64_t h = 1469598103934665603ull;
	for (const char *p = id; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
	h |= 1;
	if ((n_actors + 1) * 2 > ids_cap) {
		size_t nc = ids_cap ? ids_cap * 2 : 1024;
		idslot *ni = calloc(nc, sizeof *ni);
		if (!ni) exit(4);
		for (size_t i = 0; i < ids_cap; i++)
			if (ids[i].h) {
				size_t j = ids[i].h & (nc - 1);
				while (ni[j].h) j = (j + 1) & (nc - 1);
				ni[j] = ids[i];
			}
		free(ids);
		ids = ni;
		ids_cap = nc;
	}
	size_t j = h & (ids_cap - 1);
	while (ids[j].h && ids[j].h != h) j = (j + 1) & (ids_cap - 1);
	if (!ids[j].h) {
		ids[j].h = h;
		ids[j].actor = (uint32_t)n_actors;
		actors = realloc(actors, (n_actors + 1) * sizeof *actors);
		if (!actors) exit(4);
		actors[n_actors] = (actor_t){ 0, 0, type };
		n_actors++;
	}
	if (actors[ids[j].actor].type == '?') actors[ids[j].actor].type = type;
	return ids[j].actor;
}

static void add_alias(const char *id, const char *alias, char type)
{
	if (!*alias || !valid_utf8((const unsigned char *)alias, strlen(alias))) return;
	if (n_aliases == cap_aliases) {
		cap_aliases = cap_aliases ? cap_aliases * 2 : 256;
		aliases = realloc(aliases, cap_aliases * sizeof *aliases);
		if (!aliases) exit(4);
	}
	aliases[n_aliases].alias = strdup(alias);
	aliases[n_aliases].actor = intern_actor(id, type);
	aliases[n_aliases].order = (uint32_t)n_aliases;
	n_aliases++;
}

static int cmp_alias(const void *a, const void *b)
{
	const alias_t *x = a, *y = b;
	if (x->actor != y->actor) return x->actor < y->actor ? -1 : 1;
	/* keep file order within an actor: first alias is the canonical one */
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* read every *.tsv of dir (sorted by name, for determinism); 0 if none */
static int load_actor_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) return 0;
	char **names = NULL;
	size_t nn = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		const size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || l < 5 || strcmp(e->d_name + l - 4, ".tsv")) continue;
		names = realloc(names, (nn + 1) * sizeof *names);
		if (!names) exit(4);
		names[nn++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, nn, sizeof *names, cmp_name);
	char *line = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < nn; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		FILE *f = fopen(path, "r");
		if (!f) { fprintf(stderr, "gen-corpus: cannot open '%s': %s\n", path, strerror(errno)); continue; }
		ssize_t len;
		while ((len = getline(&line, &cap, f)) >= 0) {
			while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
			if (!len || line[0] == '#') continue;
			char *tab = strchr(line, '\t');
			if (!tab) continue;
			*tab = 0;
			char *alias = tab + 1, *type = strchr(alias, '\t');
			if (type) *type++ = 0;
			add_alias(line, alias, type_letter(type));
		}
		fclose(f);
		free(names[i]);
	}
	free(line);
	free(names);
	return n_aliases > 0;
}

static void actors_init(const char *dir)
{
	if (!dir || !load_actor_dir(dir))
		for (size_t i = 0; i < NELEM(BUILTIN); i++)
			add_alias(BUILTIN[i][0], BUILTIN[i][1], BUILTIN[i][2][0]);
	/* group aliases by actor, in file order within each */
	qsort(aliases, n_aliases, sizeof *aliases, cmp_alias);
	for (size_t i = 0; i < n_aliases; i++) {
		actor_t *a = &actors[aliases[i].actor];
		if (!a->count) a->first = (uint32_t)i;
		a->count++;
	}
}

/* ---- generated people ------------------------------------------------- */

static const char *const FIRST[] = {
	"John", "Maria", "David", "Anna", "Michael", "Elena", "James", "Sofia",
	"Robert", "Laura", "Ahmed", "Fatima", "Wei", "Mei", "Hiroshi", "Yuki",
	"Carlos", "Lucía", "José", "François", "Jürgen", "Søren", "Łukasz", "Zoë",
	"Ibrahim", "Aisha", "Olga", "Dmitri", "Priya", "Rahul", "Kwame", "Amara",
	"Thomas", "Sarah", "Peter", "Julia", "Daniel", "Emma", "Paul", "Nadia",
	"Jae-won", "Min-ji", "Ngozi", "Chen", "Ana", "Andrés", "Björn", "Émilie",
};
static const char *const LAST[] = {
	"Smith", "Johnson", "Williams", "Brown", "Garcia", "Martinez", "Müller",
	"Schmidt", "Rossi", "Bianchi", "Dubois", "Lefèvre", "Nowak", "Kowalski",
	"Ivanov", "Petrova", "Wang", "Li", "Zhang", "Tanaka", "Suzuki", "Kim",
	"Park", "Lee", "Nguyễn", "Tran", "Singh", "Patel", "Khan", "Hassan",
	"Okafor", "Mensah", "Silva", "Santos", "Nuñez", "Ødegaard", "Çelik",
	"Şahin", "Yılmaz", "Andersen", "Novák", "Horváth", "O'Brien", "Murphy",
	"Cohen", "Levi", "Haddad", "Costa", "Fischer", "Jensen",
};
static const char *const TITLE[] = {
	"President", "Prime Minister", "Minister", "Mr.", "Ms.", "Dr.", "Gen.",
	"Senator", "Governor", "Mayor", "Chancellor", "Ambassador", "Judge",
};
static const char *const ROLE[] = {
	"a spokesman for", "a spokeswoman for", "the head of", "an adviser to",
	"a senior official at", "the chief executive of", "a lawyer for",
	"a researcher at", "the leader of",
};

/* person p of an unbounded pool (Zipf over the pool): "First Last" */
static void person(writer *w, uint64_t p)
{
	const uint64_t h = mix(p, g_seed ^ 0x5eed);
	words(w, FIRST[h % NELEM(FIRST)]);
	words(w, LAST[(h >> 20) % NELEM(LAST)]);
}

/* an actor of the dictionary (or a generated person when the type fits) */
static void actor(writer *w, char want)
{
	for (int tries = 0; tries < 8; tries++) {
		const uint64_t a = rank_of(unif()) % n_actors;
		const actor_t *ac = &actors[a];
		if (want != '?' && ac->type != want && ac->type != '?') continue;
		/* first alias half the time, else any */
		const uint32_t k = chance(0.5) ? 0 : below(ac->count);
		words(w, aliases[ac->first + k].alias);
		return;
	}
	if (want == 'p') person(w, rank_of(unif()));
	else words(w, aliases[actors[below((uint32_t)n_actors)].first].alias);
}

/* someone speaking: a titled actor or generated person, or a role */
static void speaker(writer *w)
{
	const double u = unif();
	if (u < 0.35) { words(w, TITLE[rank_of(unif()) % NELEM(TITLE)]); actor(w, 'p'); }
	else if (u < 0.7) person(w, rank_of(unif()));
	else if (u < 0.85) { words(w, ROLE[below(NELEM(ROLE))]); actor(w, 'o'); }
	else { words(w, "officials"); words(w, "in"); actor(w, 'c'); }
}

/* ---- sentences -------------------------------------------------------- */

static const char *const STOCK[] = {
	"according to", "in a statement", "on the other hand", "at the same time",
	"for the first time", "as well as", "in order to", "one of the",
	"at the end of the", "in the United States", "the end of the year",
	"as a result of the", "for the first time since", "in the wake of",
	"on condition of anonymity", "the prime minister", "the ministry of",
	"more than", "less than", "at least", "the rest of the world",
	"it is not clear", "there is no", "it was not immediately clear",
};
static const char *const WEEKDAY[] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};
static const char *const SAYS[] = { "said", "told reporters", "said on", "added", "warned" };

/* a number as news writes it: 12, 1,500, 3.5 percent, $4 billion, 2019 */
static void number(writer *w)
{
	char s[64];
	const double u = unif();
	if (u < 0.3) snprintf(s, sizeof s, "%u", 2 + below(98));
	else if (u < 0.5) snprintf(s, sizeof s, "%u,%03u", 1 + below(99), below(1000));
	else if (u < 0.7) snprintf(s, sizeof s, "%u.%u", below(30), below(10));
	else if (u < 0.85) snprintf(s, sizeof s, "$%u", 1 + below(500));
	else snprintf(s, sizeof s, "%u", 1990 + below(36));
	words(w, s);
	if (u >= 0.5 && u < 0.7) words(w, "percent");
	else if (u >= 0.7 && u < 0.85) words(w, chance(0.5) ? "million" : "billion");
}

/* the body of one sentence: n words of alternating function/content words */
static void clause(writer *w, int n)
{
	static const double func_after[2] = { 0.55, 0.2 }; /* [prev was func] */
	int prev_func = 1;
	uint64_t prev = UINT64_MAX; /* previous content rank */
	char tmp[128];
	for (int i = 0; i < n; i++) {
		const double u = unif();
		if (u < 0.015) { number(w); prev_func = 0; continue; }
		if (u < 0.03) { actor(w, '?'); prev_func = 0; continue; }
		if (u < 0.034) { words(w, STOCK[rank_of(unif()) % NELEM(STOCK)]); prev_func = 1; continue; }
		if (u < 0.05 && i > 2 && i < n - 2) { punct(w, ","); }
		if (chance(func_after[prev_func])) {
			words(w, FUNC[cdf_find(func_cdf, N_FUNC, unif())]);
			prev_func = 1;
			continue;
		}
		uint64_t r;
		if (prev != UINT64_MAX && chance(P_COLLOC)) {
			/* one of the few successors of prev: j geometric in 0..3 */
			int j = 0;
			while (j < 3 && chance(0.4)) j++;
			r = rank_of((double)(mix(prev, (uint64_t)j + 77) >> 11) * 0x1.0p-53);
		} else {
			r = rank_of(unif());
		}
		word(w, tmp, spell(r, tmp));
		prev = r;
		prev_func = 0;
	}
}

static void sentence(writer *w)
{
	w->at_start = 1;
	const int n = 6 + (int)below(12) + (int)below(12); /* 6..28, peak ~17 */
	const double u = unif();
	if (u < 0.12) {
		/* quoted speech: “...,” X said. (JSON-escaped ASCII quotes) */
		punct(w, w->need_space ? " \"" : "\"");
		w->need_space = 0;
		w->at_start = 1;
		clause(w, n);
		punct(w, ",\"");
		speaker(w);
		words(w, SAYS[below(NELEM(SAYS))]);
		if (chance(0.3)) words(w, WEEKDAY[below(7)]);
		punct(w, ".");
		return;
	}
	if (u < 0.22) { speaker(w); words(w, "said"); if (chance(0.3)) words(w, WEEKDAY[below(7)]); words(w, "that"); }
	else if (u < 0.28) { words(w, "in"); actor(w, 'c'); punct(w, ","); }
	else if (u < 0.31) { words(w, STOCK[below(NELEM(STOCK))]); }
	clause(w, n);
	if (u > 0.97) { punct(w, "?"); return; }
	if (u > 0.965) { punct(w, "!"); return; }
	punct(w, ".");
}

/* the text of one document: paragraphs of 1..5 sentences */
static void document_text(buf *b, int nwords)
{
	writer w = { b, 1, 0 };
	const size_t start = b->n;
	/* the approximate word count is tracked through bytes: ~6.2 bytes/word */
	const size_t target = (size_t)nwords * 6;
	/* 1 document in 150 quotes the most famous stop-word phrase */
	int hamlet = chance(1.0 / 150);
	while (b->n - start < target) {
		const int ns = 1 + (int)below(5);
		for (int i = 0; i < ns; i++) {
			if (hamlet && i == 0 && b->n - start > target / 2) {
				hamlet = 0;
				w.at_start = 1;
				words(&w, "as"); words(&w, "one"); speaker(&w);
				words(&w, "put"); words(&w, "it"); punct(&w, ", \"");
				w.need_space = 0;
				words(&w, "to"); words(&w, "be"); words(&w, "or"); words(&w, "not");
				words(&w, "to"); words(&w, "be"); punct(&w, "\" is the question.");
			}
			sentence(&w);
		}
		if (b->n - start < target) { puts_(b, "\n\n"); w.need_space = 0; }
	}
}

/* ---- JSON and dates --------------------------------------------------- */

static void json_string(buf *out, const char *s, size_t n)
{
	buf_reserve(out, 6 * n + 3); /* worst case: every byte a \u00XX escape */
	char *o = out->p + out->n;
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		const unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') { *o++ = '\\'; *o++ = (char)c; }
		else if (c == '\n') { *o++ = '\\'; *o++ = 'n'; }
		else if (c < 0x20) o += sprintf(o, "\\u%04x", c);
		else *o++ = (char)c;
	}
	*o++ = '"';
	out->n = (size_t)(o - out->p);
}

/* days since 1970-01-01 -> y, m, d (proleptic Gregorian) */
static void civil(long z, int *y, int *m, int *d)
{
	z += 719468;
	const long era = (z >= 0 ? z : z - 146096) / 146097;
	const long doe = z - era * 146097;
	const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static const char *const SOURCE[] = {
	"Global Wire", "The Daily Ledger", "Northern Courier", "Le Quotidien",
	"Tageblatt Süd", "El Observador", "Pacific Times", "The Evening Post",
	"Agência Atlântico", "Capital Report",
};

/* ---- main ------------------------------------------------------------- */

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	const double v = strtod(s, &end);
	if (errno || end == s || v < 0) return -1;
	double mult = 1;
	switch (*end) {
	case 0: break;
	case 'k': case 'K': mult = 1024.0; end++; break;
	case 'm': case 'M': mult = 1024.0 * 1024; end++; break;
	case 'g': case 'G': mult = 1024.0 * 1024 * 1024; end++; break;
	case 't': case 'T': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
	default: return -1;
	}
	if (*end == 'B' || *end == 'b') end++;
	if (*end) return -1;
	*out = (uint64_t)(v * mult);
	return 0;
}

static const char USAGE[] =
	"usage: gen-corpus [--size SIZE] [--seed N] [--actors DIR] [-o FILE]\n"
	"\n"
	"Write deterministic news-like JSON Lines (id, date, source, text) until\n"
	"SIZE bytes (suffixes k, M, G, T = powers of 1024; default 100M; the last\n"
	"document is completed). Actor names come from DIR/*.tsv\n"
	"(ACTOR_ID<TAB>ALIAS[<TAB>TYPE]) or a built-in list. Output: FILE or stdout.\n";

int main(int argc, char **argv)
{
	uint64_t size = 100ull << 20, seed = 1;
	const char *out_path = NULL, *actor_dir = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) { fputs(USAGE, stdout); return 0; }
		if (!v) { fprintf(stderr, "gen-corpus: %s needs a value\n%s", a, USAGE); return 2; }
		if (!strcmp(a, "--size")) { if (parse_size(v, &size)) { fprintf(stderr, "gen-corpus: bad size '%s'\n", v); return 2; } }
		else if (!strcmp(a, "--seed")) { char *e; seed = strtoull(v, &e, 10); if (*e) { fprintf(stderr, "gen-corpus: bad seed '%s'\n", v); return 2; } }
		else if (!strcmp(a, "-o") || !strcmp(a, "--output")) out_path = v;
		else if (!strcmp(a, "--actors")) actor_dir = v;
		else { fprintf(stderr, "gen-corpus: unknown option '%s'\n%s", a, USAGE); return 2; }
		i++;
	}
	FILE *out = stdout;
	if (out_path && !(out = fopen(out_path, "wb"))) {
		fprintf(stderr, "gen-corpus: cannot open '%s': %s\n", out_path, strerror(errno));
		return 1;
	}
	static char obuf[1 << 20];
	setvbuf(out, obuf, _IOFBF, sizeof obuf);

	g_seed = seed;
	uint64_t x = seed;
	for (int i = 0; i < 4; i++) rng_s[i] = splitmix64(&x);
	ranks_init();
	actors_init(actor_dir);

	/* 2010-01-01 .. 2025-12-31 in days since the epoch */
	const long day0 = 14610, span = 20453 - 14610;
	buf text = { 0 }, line = { 0 };
	uint64_t written = 0, doc = 0;
	while (written < size) {
		doc++;
		/* log-normal length: median 450 words, sigma 0.55, at least 40 */
		const double g = sqrt(-2 * log(1 - unif())) * cos(2 * M_PI * unif());
		int nwords = (int)(450 * exp(0.55 * g));
		if (nwords < 40) nwords = 40;
		text.n = 0;
		document_text(&text, nwords);

		long day = day0 + (long)((double)written / (double)size * (double)span) + (long)below(7) - 3;
		if (day < day0) day = day0;
		int y, m, d;
		civil(day, &y, &m, &d);

		line.n = 0;
		char head[128];
		const int hn = snprintf(head, sizeof head, "{\"id\":\"gen-%08llu\",\"date\":\"%04d-%02d-%02d\",\"source\":",
		                        (unsigned long long)doc, y, m, d);
		put(&line, head, (size_t)hn);
		const char *src = SOURCE[rank_of(unif()) % NELEM(SOURCE)];
		json_string(&line, src, strlen(src));
		puts_(&line, ",\"text\":");
		json_string(&line, text.p, text.n);
		puts_(&line, "}\n");
		if (fwrite(line.p, 1, line.n, out) != line.n) break;
		written += line.n;
	}
	if (fflush(out) || ferror(out) || (out != stdout && fclose(out))) {
		fprintf(stderr, "gen-corpus: write error: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
