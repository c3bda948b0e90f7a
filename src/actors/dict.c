/*
 * dict.c - loading actor dictionaries and matching their aliases.
 *
 * Strings live in one arena (offsets while loading, pointers once it stops
 * growing). Three open-addressing tables, all of (hash, index + 1) slots
 * with linear probing and load <= 1/2: actor ids, alias keys, and the first
 * token of every alias, which holds the set of alias lengths (in tokens)
 * starting with that token. Matching hashes each token once; only where
 * the first-token table has an entry does it try the alias lengths, longest
 * first, each one hash of the joined tokens and a confirming memcmp.
 */
#include "dict.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/hash.h"
#include "common/mem.h"

#include <string.h>

typedef struct slot {
	uint64_t hash;
	uint32_t idx1;    /* index + 1; 0 = empty */
	uint32_t pad;
	uint64_t lens;    /* first-token table: bit L-1 = an alias of L tokens */
} slot;

typedef struct table {
	slot *s;
	size_t cap, n;   /* cap: power of two */
} table;

typedef struct rec_alias { /* while loading: arena offsets */
	uint64_t text, key;
	uint32_t text_len, key_len, actor, ntok;
	const char *file;
	size_t line;
} rec_alias;

typedef struct rec_actor {
	uint64_t id, type;
	uint32_t id_len, type_len;
	const char *file;
	size_t line;
} rec_actor;

struct actor_dict {
	char *arena;
	size_t arena_len, arena_cap;
	actor_entry *actors;
	rec_actor *ra;
	size_t nactors, actors_cap, ra_cap;
	actor_alias *aliases;
	rec_alias *al;
	size_t naliases, al_cap;
	table ids, keys, first;
	ngidx_tokens tok;
};

static void table_free(table *t) { ngidx_free(t->s); }

/* The slot for @h whose index satisfies @eq, or the empty slot to fill. */
#define TABLE_PROBE(t, h, eq)                                                 \
	__extension__({                                                       \
		size_t m_ = (t)->cap - 1, j_ = (size_t)(h) & m_;              \
		while ((t)->s[j_].idx1 &&                                     \
		       !((t)->s[j_].hash == (h) && (eq((t)->s[j_].idx1 - 1)))) \
			j_ = (j_ + 1) & m_;                                   \
		&(t)->s[j_];                                                  \
	})

static int table_init(table *t, size_t want)
{
	size_t cap = 16;
	while (cap < 2 * want + 2)
		cap *= 2;
	t->s = ngidx_calloc(cap, sizeof *t->s);
	t->cap = cap;
	t->n = 0;
	return t->s ? NGIDX_OK : NGIDX_ERR_NOMEM;
}

/* Double @t when it is half full (entries keep their hash). */
static int table_grow(table *t)
{
	if (2 * (t->n + 1) <= t->cap)
		return NGIDX_OK;
	table nt;
	if (table_init(&nt, t->cap))
		return NGIDX_ERR_NOMEM;
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->s[i].idx1)
			continue;
		size_t j = (size_t)t->s[i].hash & (nt.cap - 1);
		while (nt.s[j].idx1)
			j = (j + 1) & (nt.cap - 1);
		nt.s[j] = t->s[i];
	}
	nt.n = t->n;
	table_free(t);
	*t = nt;
	return NGIDX_OK;
}

static int arena_put(actor_dict *d, const char *s, size_t n, uint64_t *off)
{
	if (NGIDX_RESERVE(d->arena, d->arena_cap, d->arena_len + n + 1))
		return NGIDX_ERR_NOMEM;
	memcpy(d->arena + d->arena_len, s, n);
	d->arena[d->arena_len + n] = '\0';
	*off = d->arena_len;
	d->arena_len += n + 1;
	return NGIDX_OK;
}

static int valid_id(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == ':' || c == '-'))
			return 0;
	}
	return 1;
}

/* Join tokens [from, to) of @t with single spaces into @buf (no NUL). */
static size_t join_tokens(const ngidx_tokens *t, size_t from, size_t to, char *buf)
{
	size_t o = 0;
	for (size_t i = from; i < to; i++) {
		size_t l;
		const char *s = ngidx_tok(t, i, &l);
		if (i > from)
			buf[o++] = ' ';
		memcpy(buf + o, s, l);
		o += l;
	}
	return o;
}

typedef struct line_ctx {
	actor_dict *d;
	const char *file;
	size_t line;
	ngidx_error *err;
} line_ctx;

#define LINE_ERR(c, ...) \
	ngidx_err_set((c)->err, NGIDX_ERR_INPUT, "%s:%zu: " __VA_ARGS__)

static int find_or_add_actor(line_ctx *c, const char *id, size_t idn, const char *type,
                             size_t tn, uint32_t *out)
{
	actor_dict *d = c->d;
	uint64_t h = ngidx_hash64(id, idn);
#define ID_EQ(i) (d->ra[i].id_len == idn && !memcmp(d->arena + d->ra[i].id, id, idn))
	slot *s = TABLE_PROBE(&d->ids, h, ID_EQ);
#undef ID_EQ
	if (s->idx1) {
		rec_actor *a = &d->ra[s->idx1 - 1];
		if (tn && a->type_len && (a->type_len != tn || memcmp(d->arena + a->type, type, tn)))
			return LINE_ERR(c, "actor '%.*s' has type '%.*s' here and '%s' at %s:%zu",
			                c->file, c->line, (int)idn, id, (int)tn, type,
			                d->arena + a->type, a->file, a->line);
		if (tn && !a->type_len) {
			FORWARD_IF_ERROR(arena_put(d, type, tn, &a->type));
			a->type_len = (uint32_t)tn;
		}
		*out = s->idx1 - 1;
		return NGIDX_OK;
	}
	if (d->nactors >= ACTOR_MAX)
		return LINE_ERR(c, "more than %u actors", c->file, c->line, ACTOR_MAX);
	if (NGIDX_RESERVE(d->ra, d->ra_cap, d->nactors + 1))
		return NGIDX_ERR_NOMEM;
	rec_actor *a = &d->ra[d->nactors];
	memset(a, 0, sizeof *a);
	if (arena_put(d, id, idn, &a->id) || arena_put(d, type, tn, &a->type))
		return NGIDX_ERR_NOMEM;
	a->id_len = (uint32_t)idn;
	a->type_len = (uint32_t)tn;
	a->file = c->file;
	a->line = c->line;
	s->hash = h;
	s->idx1 = (uint32_t)++d->nactors;
	d->ids.n++;
	*out = s->idx1 - 1;
	return table_grow(&d->ids) ? NGIDX_ERR_NOMEM : NGIDX_OK;
}

static int add_alias(line_ctx *c, uint32_t actor, const char *alias, size_t an)
{
	actor_dict *d = c->d;
	if (ngidx_analyze(&d->tok, alias, an, 0))
		return NGIDX_ERR_NOMEM;
	size_t nt = d->tok.ntok;
	if (nt == 0)
		return LINE_ERR(c, "alias '%.*s' has no word", c->file, c->line, (int)an, alias);
	if (nt > ACTOR_MAX_ALIAS_TOKENS)
		return LINE_ERR(c, "alias '%.*s' has more than %d words", c->file, c->line, (int)an,
		                alias, ACTOR_MAX_ALIAS_TOKENS);
	size_t kmax = d->tok.off[nt] + nt;
	uint64_t key;
	/* the key goes to the arena first (join_tokens writes in place) */
	if (NGIDX_RESERVE(d->arena, d->arena_cap, d->arena_len + kmax + 1))
		return NGIDX_ERR_NOMEM;
	char *kp = d->arena + d->arena_len;
	size_t kn = join_tokens(&d->tok, 0, nt, kp);
	uint64_t h = ngidx_hash64(kp, kn);
#define KEY_EQ(i) (d->al[i].key_len == kn && !memcmp(d->arena + d->al[i].key, kp, kn))
	slot *s = TABLE_PROBE(&d->keys, h, KEY_EQ);
#undef KEY_EQ
	if (s->idx1) {
		const rec_alias *o = &d->al[s->idx1 - 1];
		if (o->actor == actor)
			return NGIDX_OK; /* a repeated alias (maybe in another spelling) */
		return LINE_ERR(c, "alias '%.*s' of actor '%s' is already an alias of '%s' (%s:%zu)",
		                c->file, c->line, (int)an, alias, d->arena + d->ra[actor].id,
		                d->arena + d->ra[o->actor].id, o->file, o->line);
	}
	kp[kn] = '\0';
	key = d->arena_len;
	d->arena_len += kn + 1;
	if (NGIDX_RESERVE(d->al, d->al_cap, d->naliases + 1))
		return NGIDX_ERR_NOMEM;
	rec_alias *r = &d->al[d->naliases];
	memset(r, 0, sizeof *r);
	r->key = key;
	r->key_len = (uint32_t)kn;
	r->actor = actor;
	r->ntok = (uint32_t)nt;
	r->file = c->file;
	r->line = c->line;
	FORWARD_IF_ERROR(arena_put(d, alias, an, &r->text));
	r->text_len = (uint32_t)an;
	s->hash = h;
	s->idx1 = (uint32_t)++d->naliases;
	d->keys.n++;
	return table_grow(&d->keys) ? NGIDX_ERR_NOMEM : NGIDX_OK;
}

/* Cut [p, end) at tabs into at most 4 fields; @return the field count. */
static size_t split_tabs(const char *p, const char *end, const char **f, size_t *fl)
{
	size_t n = 0;
	for (;;) {
		const char *t = memchr(p, '\t', (size_t)(end - p));
		const char *e = t ? t : end;
		if (n < 4) {
			f[n] = p;
			fl[n] = (size_t)(e - p);
		}
		n++;
		if (!t)
			return n;
		p = t + 1;
	}
}

/* Trim ASCII blanks at both ends. */
static void trim(const char **s, size_t *n)
{
	while (*n && ((*s)[0] == ' ' || (*s)[0] == '\r'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

static int load_file(actor_dict *d, const char *path, ngidx_error *err)
{
	ngidx_map m;
	FORWARD_IF_ERROR(ngidx_map_file(&m, path, err));
	line_ctx c = { d, path, 0, err };
	/* an empty file maps to NULL, and NULL + 0 is undefined behaviour */
	const char *p = m.len ? (const char *)m.p : "", *end = p + m.len;
	int rc = NGIDX_OK;
	while (p < end && !rc) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		c.line++;
		const char *line = p, *q = p;
		p = nl ? nl + 1 : end;
		while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q == e || *q == '#')
			continue;
		/* fields start at the line's start: "\tALIAS" has an empty id */
		while (line < q && *line == ' ')
			line++;
		q = line;
		if (ngidx_utf8_check(q, (size_t)(e - q)) != (size_t)(e - q)) {
			rc = LINE_ERR(&c, "invalid UTF-8", c.file, c.line);
			break;
		}
		const char *f[4];
		size_t fl[4];
		size_t nf = split_tabs(q, e, f, fl);
		for (size_t i = 0; i < nf && i < 4; i++)
			trim(&f[i], &fl[i]);
		if (nf > 3)
			rc = LINE_ERR(&c, "%zu fields; expected ID<TAB>ALIAS[<TAB>TYPE]", c.file, c.line,
			              nf);
		else if (nf < 2 || fl[1] == 0)
			rc = LINE_ERR(&c, "empty alias; expected ID<TAB>ALIAS[<TAB>TYPE]", c.file,
			              c.line);
		else if (fl[0] == 0)
			rc = LINE_ERR(&c, "empty actor id", c.file, c.line);
		else if (!valid_id(f[0], fl[0]))
			rc = LINE_ERR(&c, "actor id '%.*s' may only hold letters, digits and _.:-",
			              c.file, c.line, (int)fl[0], f[0]);
		if (rc)
			break;
		uint32_t a = 0;
		rc = find_or_add_actor(&c, f[0], fl[0], nf > 2 ? f[2] : "", nf > 2 ? fl[2] : 0, &a);
		if (!rc)
			rc = add_alias(&c, a, f[1], fl[1]);
		if (rc == NGIDX_ERR_NOMEM)
			ngidx_err_set(err, rc, "out of memory");
	}
	ngidx_map_release(&m);
	return rc;
}

/* Number the aliases actor by actor and fill the public records and the
 * first-token table. */
static int finish(actor_dict *d)
{
	size_t na = d->nactors, nal = d->naliases;
	d->actors = ngidx_calloc(na ? na : 1, sizeof *d->actors);
	d->aliases = ngidx_calloc(nal ? nal : 1, sizeof *d->aliases);
	uint32_t *next = ngidx_calloc(na + 1, sizeof *next);
	int rc = d->actors && d->aliases && next ? NGIDX_OK : NGIDX_ERR_NOMEM;
	if (!rc)
		rc = table_init(&d->first, nal);
	if (rc) {
		ngidx_free(next);
		return rc;
	}
	for (size_t i = 0; i < nal; i++)
		d->actors[d->al[i].actor].naliases++;
	uint32_t o = 0;
	for (size_t a = 0; a < na; a++) {
		actor_entry *e = &d->actors[a];
		const rec_actor *r = &d->ra[a];
		e->id = d->arena + r->id;
		e->id_len = r->id_len;
		e->type = d->arena + r->type;
		e->type_len = r->type_len;
		e->first_alias = next[a] = o;
		o += e->naliases;
	}
	/* the key table indexes aliases: rebuild it in the new numbering */
	memset(d->keys.s, 0, d->keys.cap * sizeof *d->keys.s);
	for (size_t i = 0; i < nal; i++) {
		const rec_alias *r = &d->al[i];
		uint32_t k = next[r->actor]++;
		actor_alias *x = &d->aliases[k];
		x->text = d->arena + r->text;
		x->key = d->arena + r->key;
		x->text_len = r->text_len;
		x->key_len = r->key_len;
		x->actor = r->actor;
		x->ntok = r->ntok;
		uint64_t h = ngidx_hash64(x->key, x->key_len);
		size_t j = (size_t)h & (d->keys.cap - 1);
		while (d->keys.s[j].idx1)
			j = (j + 1) & (d->keys.cap - 1);
		d->keys.s[j] = (slot){ h, k + 1, 0, 0 };
		/* first token: up to the first space of the key */
		const char *sp = memchr(x->key, ' ', x->key_len);
		size_t fl = sp ? (size_t)(sp - x->key) : x->key_len;
		uint64_t fh = ngidx_hash64(x->key, fl);
#define FIRST_EQ(i)                                                                  \
	(d->aliases[i].key_len >= fl && !memcmp(d->aliases[i].key, x->key, fl) &&   \
	 (d->aliases[i].key_len == fl || d->aliases[i].key[fl] == ' '))
		slot *s = TABLE_PROBE(&d->first, fh, FIRST_EQ);
#undef FIRST_EQ
		if (!s->idx1) {
			s->hash = fh;
			s->idx1 = k + 1;
			d->first.n++;
		}
		s->lens |= 1ull << (x->ntok - 1);
	}
	ngidx_free(next);
	return NGIDX_OK;
}

int actor_dict_load(actor_dict **out, const char *const *paths, size_t n, ngidx_error *err)
{
	actor_dict *d = ngidx_calloc(1, sizeof *d);
	if (!d)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	ngidx_tokens_init(&d->tok);
	int rc = table_init(&d->ids, 64) || table_init(&d->keys, 256) ? NGIDX_ERR_NOMEM : NGIDX_OK;
	for (size_t i = 0; i < n && !rc; i++)
		rc = load_file(d, paths[i], err);
	if (!rc && (rc = finish(d)))
		ngidx_err_set(err, rc, "out of memory");
	if (rc == NGIDX_ERR_NOMEM && err && !err->msg[0])
		ngidx_err_set(err, rc, "out of memory");
	if (rc) {
		actor_dict_free(d);
		return rc;
	}
	ngidx_tokens_release(&d->tok);
	*out = d;
	return NGIDX_OK;
}

void actor_dict_free(actor_dict *d)
{
	if (!d)
		return;
	ngidx_tokens_release(&d->tok);
	table_free(&d->ids);
	table_free(&d->keys);
	table_free(&d->first);
	ngidx_free(d->arena);
	ngidx_free(d->actors);
	ngidx_free(d->ra);
	ngidx_free(d->aliases);
	ngidx_free(d->al);
	ngidx_free(d);
}

size_t actor_dict_nactors(const actor_dict *d) { return d->nactors; }
const actor_entry *actor_dict_actor(const actor_dict *d, uint32_t a) { return &d->actors[a]; }
const actor_alias *actor_dict_alias(const actor_dict *d, uint32_t i) { return &d->aliases[i]; }

void actor_scratch_release(actor_scratch *s)
{
	ngidx_free(s->m);
	ngidx_free(s->joined);
	ngidx_free(s->tstart);
	memset(s, 0, sizeof *s);
}

int actor_match(const actor_dict *d, const ngidx_tokens *t, actor_scratch *s)
{
	size_t resume;
	return actor_match_range(d, t, 0, t->ntok, s, &resume);
}

int actor_match_range(const actor_dict *d, const ngidx_tokens *t, size_t from, size_t limit,
                      actor_scratch *s, size_t *resume)
{
	size_t T = t->ntok;
	s->nm = 0;
	*resume = limit > from ? limit : from;
	if (T == 0 || d->naliases == 0 || from >= limit)
		return NGIDX_OK;
	size_t jl = (size_t)t->off[T] + T;
	if (NGIDX_RESERVE(s->joined, s->joined_cap, jl) ||
	    NGIDX_RESERVE(s->tstart, s->tstart_cap, T + 1))
		return NGIDX_ERR_NOMEM;
	/* joined = tokens each followed by a space; token i starts at tstart[i] */
	size_t o = 0;
	for (size_t i = 0; i < T; i++) {
		size_t l;
		const char *p = ngidx_tok(t, i, &l);
		s->tstart[i] = (uint32_t)o;
		memcpy(s->joined + o, p, l);
		o += l;
		s->joined[o++] = ' ';
	}
	s->tstart[T] = (uint32_t)o;
	size_t sent = 0, i;
	for (i = from; i < limit;) {
		const char *tp = s->joined + s->tstart[i];
		size_t tl = s->tstart[i + 1] - s->tstart[i] - 1;
		uint64_t fh = ngidx_hash64(tp, tl);
#define FIRST_EQ(k)                                                                   \
	(d->aliases[k].key_len >= tl && !memcmp(d->aliases[k].key, tp, tl) &&         \
	 (d->aliases[k].key_len == tl || d->aliases[k].key[tl] == ' '))
		const slot *f = TABLE_PROBE(&d->first, fh, FIRST_EQ);
#undef FIRST_EQ
		uint64_t lens = f->idx1 ? f->lens : 0;
		size_t maxl = T - i < 64 ? T - i : 64;
		if (maxl < 64)
			lens &= (1ull << maxl) - 1;
		size_t hit = 0;
		uint32_t actor = 0;
		while (lens) {
			size_t L = 64 - (size_t)__builtin_clzll(lens); /* longest first */
			lens &= ~(1ull << (L - 1));
			size_t kl = s->tstart[i + L] - 1 - s->tstart[i];
			uint64_t h = L == 1 ? fh : ngidx_hash64(tp, kl);
#define KEY_EQ(k) (d->aliases[k].key_len == kl && !memcmp(d->aliases[k].key, tp, kl))
			const slot *k = TABLE_PROBE(&d->keys, h, KEY_EQ);
#undef KEY_EQ
			if (k->idx1) {
				hit = L;
				actor = d->aliases[k->idx1 - 1].actor;
				break;
			}
		}
		if (!hit) {
			i++;
			continue;
		}
		if (t->nsent)
			while (sent + 1 < t->nsent && t->sent[sent + 1] <= i)
				sent++;
		if (NGIDX_RESERVE(s->m, s->m_cap, s->nm + 1))
			return NGIDX_ERR_NOMEM;
		s->m[s->nm++] = (actor_mention){ actor, (uint32_t)i, (uint32_t)hit, (uint32_t)sent };
		i += hit;
	}
	*resume = i;
	return NGIDX_OK;
}
