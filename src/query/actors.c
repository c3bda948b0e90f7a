/*
 * actors.c - reading the actor table and the co-occurrence matrices, and
 * counting co-occurrences within a date range.
 *
 * Without a filter every answer comes from the ACTORS and COOC sections.
 * With one, the same counts come from the actor terms of the lexicon
 * (idx_format.h): the pair terms' postings (documents, and the per-document
 * count as tf), the mention terms and the per-actor sentence terms, kept
 * only for the documents whose date is in range; the totals (documents,
 * sentences, tokens in range) take one pass over the document table.
 */
#include "ngidx/actors.h"
#include "ngidx/keyness.h"
#include "common/err.h"
#include "common/mem.h"
#include "codec/codec.h"
#include "corpus/corpus.h"
#include "format/idx_reader.h"
#include "text/analyze.h"

#include <stdio.h>
#include <string.h>

/* ---- layout ----------------------------------------------------------- */

int idx_actors_check(ngidx_index *x, const char *path, ngidx_error *err)
{
	const idx_sec *sa = x->by_kind[NGX_SEC_ACTORS], *ss = x->by_kind[NGX_SEC_ACTSTR],
	              *sc = x->by_kind[NGX_SEC_COOC];
	if (!sa && !ss && !sc)
		return NGIDX_OK;
	if (!sa || !ss || !sc)
		return ERR_CORRUPT(err, "'%s': actor sections are incomplete", path);
	if (sa->len < sizeof(struct ngx_actors_head))
		return ERR_CORRUPT(err, "'%s': actors section too short", path);
	const struct ngx_actors_head *h = (const void *)sa->p;
	uint64_t na = h->nactors;
	if (na > UINT32_MAX || sa->len != sizeof *h + (na + 1) * sizeof(struct ngx_actor_entry))
		return ERR_CORRUPT(err, "'%s': actors section size does not match %llu actors", path,
		                   (unsigned long long)na);
	const struct ngx_actor_entry *e = (const void *)(sa->p + sizeof *h);
	for (uint64_t a = 0; a < na; a++)
		if (e[a].str_off > e[a + 1].str_off)
			return ERR_CORRUPT(err, "'%s': actor %llu strings out of order", path,
			                   (unsigned long long)a);
	if (e[0].str_off != 0 || e[na].str_off != ss->len)
		return ERR_CORRUPT(err, "'%s': actor strings do not match their section", path);
	if (sc->len < sizeof(struct ngx_cooc_head))
		return ERR_CORRUPT(err, "'%s': cooc section too short", path);
	const struct ngx_cooc_head *ch = (const void *)sc->p;
	for (int l = 0; l < NGX_COOC_LEVELS; l++) {
		uint64_t off = ch->level[l].off, nnz = ch->level[l].nnz;
		uint64_t need = 8 * (na + 1) + (4 * nnz + 7) / 8 * 8 + 8 * nnz;
		if (off % 8 || off > sc->len || nnz > sc->len || need > sc->len - off)
			return ERR_CORRUPT(err, "'%s': cooc level %d out of bounds", path, l);
		const uint64_t *rp = (const void *)(sc->p + off);
		if (rp[0] != 0 || rp[na] != nnz)
			return ERR_CORRUPT(err, "'%s': cooc level %d rows do not match", path, l);
		for (uint64_t a = 0; a < na; a++)
			if (rp[a] > rp[a + 1])
				return ERR_CORRUPT(err, "'%s': cooc level %d rows out of order", path, l);
		x->cooc_rowptr[l] = rp;
		x->cooc_cols[l] = (const void *)(sc->p + off + 8 * (na + 1));
		x->cooc_counts[l] = (const void *)(sc->p + off + 8 * (na + 1) + (4 * nnz + 7) / 8 * 8);
		x->cooc_nnz[l] = nnz;
	}
	x->act_head = h;
	x->actors = e;
	x->nactors = na;
	x->actstr = ss->p;
	x->actstr_len = ss->len;
	return NGIDX_OK;
}

static int stored(const ngidx_index *x, ngidx_level level, uint32_t a, uint32_t b,
                  uint64_t *out, ngidx_error *err);
static int get_str(const unsigned char **p, const unsigned char *end, const char **s, size_t *n);

/* ---- verify ------------------------------------------------------------ */

/* The lexicon's df or cf of actor term @text (0 if absent). */
static int term_count(const ngidx_index *x, const char *text, size_t len, int want_df,
                      uint64_t *out)
{
	ngidx_term t;
	int f = ngidx_term_find(x, text, len, &t);
	if (f < 0)
		return -1;
	*out = !f ? 0 : want_df ? t.df : t.cf;
	return 0;
}

static int verify_strings(const ngidx_index *x, uint32_t a)
{
	const struct ngx_actor_entry *e = &x->actors[a];
	const unsigned char *p = x->actstr + e->str_off, *end = x->actstr + e[1].str_off;
	const char *s;
	size_t n;
	if (get_str(&p, end, &s, &n) || !n || get_str(&p, end, &s, &n) || !e->naliases)
		return -1;
	for (uint32_t i = 0; i < 2 * e->naliases; i++)
		if (get_str(&p, end, &s, &n) || !n)
			return -1;
	return p == end ? 0 : -1;
}

int idx_actors_verify(const ngidx_index *x, ngidx_error *err)
{
	char buf[48];
	for (uint32_t a = 0; a < x->nactors; a++) {
		const struct ngx_actor_entry *e = &x->actors[a];
		uint64_t docs, mentions, sents;
		if (verify_strings(x, a))
			return ERR_CORRUPT(err, "section actstr: actor %u is corrupt", a);
		int n = snprintf(buf, sizeof buf, "%c%u", NGX_ACT_MENTION, a);
		int m = snprintf(buf + 16, 32, "%cs %u", NGX_ACT_COUNT, a);
		if (term_count(x, buf, (size_t)n, 1, &docs) || term_count(x, buf, (size_t)n, 0, &mentions) ||
		    term_count(x, buf + 16, (size_t)m, 0, &sents))
			return ERR_CORRUPT(err, "section lexdata: lookup failed");
		if (docs != e->docs || mentions != e->mentions || sents != e->sentences)
			return ERR_CORRUPT(err, "section actors: counts of actor %u disagree with the lexicon", a);
	}
	for (int l = 0; l < NGX_COOC_LEVELS; l++) {
		const uint64_t *rp = x->cooc_rowptr[l];
		const uint32_t *cols = x->cooc_cols[l];
		for (uint32_t a = 0; a < x->nactors; a++) {
			for (uint64_t i = rp[a]; i < rp[a + 1]; i++) {
				uint32_t b = cols[i];
				uint64_t back, lex;
				if (b >= x->nactors || b == a || (i > rp[a] && b <= cols[i - 1]))
					return ERR_CORRUPT(err, "section cooc: level %d row %u is corrupt", l, a);
				if (stored(x, (ngidx_level)l, b, a, &back, err))
					return NGIDX_ERR_CORRUPT;
				int n = snprintf(buf, sizeof buf, "%c%c %u %u", NGX_ACT_COUNT, "dsw"[l],
				                 a < b ? a : b, a < b ? b : a);
				if (term_count(x, buf, (size_t)n, l == 0, &lex))
					return ERR_CORRUPT(err, "section lexdata: lookup failed");
				if (back != x->cooc_counts[l][i] || lex != back || !lex)
					return ERR_CORRUPT(err, "section cooc: level %d pair (%u, %u) disagrees", l, a, b);
			}
		}
	}
	return NGIDX_OK;
}

/* ---- names and the actor table ------------------------------------------ */

static const char *const level_names[] = { "doc", "sentence", "window" };

const char *ngidx_level_name(ngidx_level l)
{
	return (unsigned)l < 3 ? level_names[l] : "?";
}

int ngidx_level_parse(const char *s, ngidx_level *l)
{
	if (!strcmp(s, "doc") || !strcmp(s, "document"))
		*l = NGIDX_LEVEL_DOC;
	else if (!strcmp(s, "sentence") || !strcmp(s, "sent"))
		*l = NGIDX_LEVEL_SENTENCE;
	else if (!strcmp(s, "window"))
		*l = NGIDX_LEVEL_WINDOW;
	else
		return -1;
	return 0;
}

size_t ngidx_actor_count(const ngidx_index *x) { return (size_t)x->nactors; }

unsigned ngidx_actor_window(const ngidx_index *x)
{
	return x->act_head ? (unsigned)x->act_head->window : 0;
}

/* A length-prefixed string at *@p (< @end). @return 0 or -1. */
static int get_str(const unsigned char **p, const unsigned char *end, const char **s, size_t *n)
{
	uint64_t v;
	if (ngidx_varint_get(p, end, &v) || v > (uint64_t)(end - *p))
		return -1;
	*s = (const char *)*p;
	*n = (size_t)v;
	*p += v;
	return 0;
}

/* Actor @a's strings: id, type and the first @k + 1 aliases (text, key). */
static int actor_strings(const ngidx_index *x, uint32_t a, uint32_t k, ngidx_actor *o,
                         const char **text, size_t *tl, const char **key, size_t *kl)
{
	const struct ngx_actor_entry *e = &x->actors[a];
	const unsigned char *p = x->actstr + e->str_off, *end = x->actstr + e[1].str_off;
	if (get_str(&p, end, &o->id, &o->id_len) || get_str(&p, end, &o->type, &o->type_len))
		return -1;
	for (uint32_t i = 0; i <= k; i++)
		if (get_str(&p, end, text, tl) || get_str(&p, end, key, kl))
			return -1;
	return 0;
}

int ngidx_actor_get(const ngidx_index *x, uint32_t a, ngidx_actor *o, ngidx_error *err)
{
	memset(o, 0, sizeof *o);
	if (a >= x->nactors)
		return ngidx_err_set(err, NGIDX_ERR_RANGE, "actor %u out of range", a);
	const struct ngx_actor_entry *e = &x->actors[a];
	const char *key;
	size_t kl;
	if (!e->naliases || actor_strings(x, a, 0, o, &o->name, &o->name_len, &key, &kl))
		return ERR_CORRUPT(err, "section actstr: actor %u is corrupt", a);
	o->index = a;
	o->mentions = e->mentions;
	o->sentences = e->sentences;
	o->documents = e->docs;
	o->naliases = e->naliases;
	return NGIDX_OK;
}

int ngidx_actor_alias(const ngidx_index *x, uint32_t a, uint32_t k, const char **text,
                      size_t *text_len, const char **key, size_t *key_len, ngidx_error *err)
{
	if (a >= x->nactors || k >= x->actors[a].naliases)
		return ngidx_err_set(err, NGIDX_ERR_RANGE, "alias %u of actor %u out of range", k, a);
	ngidx_actor o;
	if (actor_strings(x, a, k, &o, text, text_len, key, key_len))
		return ERR_CORRUPT(err, "section actstr: actor %u is corrupt", a);
	return NGIDX_OK;
}

int ngidx_actor_find(const ngidx_index *x, const char *s, size_t len, uint32_t *out)
{
	const char *id = s;
	size_t idl = len;
	if (idl && id[0] == '@')
		id++, idl--;
	ngidx_actor o;
	const char *t, *k;
	size_t tl, kl;
	for (uint32_t a = 0; a < x->nactors; a++) {
		if (actor_strings(x, a, 0, &o, &t, &tl, &k, &kl))
			return -NGIDX_ERR_CORRUPT;
		if (o.id_len == idl && !memcmp(o.id, id, idl)) {
			*out = a;
			return 1;
		}
	}
	/* the analyzed form of @s, as the alias keys are */
	ngidx_tokens tok;
	ngidx_tokens_init(&tok);
	if (ngidx_analyze(&tok, s, len, 0)) {
		ngidx_tokens_release(&tok);
		return -NGIDX_ERR_NOMEM;
	}
	size_t ql = tok.ntok ? tok.off[tok.ntok] + tok.ntok - 1 : 0;
	char *q = ngidx_malloc(ql + 1);
	if (!q) {
		ngidx_tokens_release(&tok);
		return -NGIDX_ERR_NOMEM;
	}
	for (size_t i = 0, o2 = 0; i < tok.ntok; i++) {
		size_t l;
		const char *w = ngidx_tok(&tok, i, &l);
		if (i)
			q[o2++] = ' ';
		memcpy(q + o2, w, l);
		o2 += l;
	}
	ngidx_tokens_release(&tok);
	int found = 0;
	for (uint32_t a = 0; a < x->nactors && !found && ql; a++) {
		for (uint32_t i = 0; i < x->actors[a].naliases && !found; i++) {
			if (actor_strings(x, a, i, &o, &t, &tl, &k, &kl)) {
				found = -NGIDX_ERR_CORRUPT;
				break;
			}
			if (kl == ql && !memcmp(k, q, ql)) {
				*out = a;
				found = 1;
			}
		}
	}
	ngidx_free(q);
	return found;
}

int ngidx_actor_term(const ngidx_index *x, uint32_t a, ngidx_term *t)
{
	char buf[16];
	int n = snprintf(buf, sizeof buf, "%c%u", NGX_ACT_MENTION, a);
	return ngidx_term_find(x, buf, (size_t)n, t);
}

int ngidx_pair_term(const ngidx_index *x, ngidx_level level, uint32_t a, uint32_t b, ngidx_term *t)
{
	if ((unsigned)level > 2 || a == b)
		return 0;
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%c%c %u %u", NGX_ACT_COUNT, "dsw"[level], a < b ? a : b,
	                 a < b ? b : a);
	return ngidx_term_find(x, buf, (size_t)n, t);
}

int ngidx_cooc_matrix(const ngidx_index *x, ngidx_level level, const uint64_t **rowptr,
                      const uint32_t **cols, const uint64_t **counts, ngidx_error *err)
{
	if (!x->act_head || (unsigned)level > 2)
		return ngidx_err_set(err, NGIDX_ERR_ARG, "the index has no actors (build it with --actors)");
	*rowptr = x->cooc_rowptr[level];
	*cols = x->cooc_cols[level];
	*counts = x->cooc_counts[level];
	return NGIDX_OK;
}

/* ---- filters ------------------------------------------------------------ */

int ngidx_filter_dates(ngidx_filter *f, const char *from, const char *to, ngidx_error *err)
{
	const char *s[2] = { from, to };
	uint32_t *v[2] = { &f->from, &f->to };
	f->from = f->to = 0;
	f->subset = NULL;
	for (int i = 0; i < 2; i++)
		if (s[i] && ngidx_date_bound(s[i], i == 1, v[i]))
			return ngidx_err_set(err, NGIDX_ERR_ARG,
			                     "bad date '%s' (expected YYYY, YYYY-MM or YYYY-MM-DD)", s[i]);
	return NGIDX_OK;
}

static int filtered(const ngidx_filter *f) { return f && (f->from || f->to || f->subset); }

static int in_range(const ngidx_index *x, uint32_t doc, const ngidx_filter *f)
{
	uint32_t d = x->docs[doc].date;
	if ((f->from || f->to) && !(d && d >= f->from && (!f->to || d <= f->to)))
		return 0;
	return !f->subset || ngidx_subset_has(f->subset, doc);
}

/* Documents and the sum of tf of @text's postings in range (0 if absent). */
static int sum_term(const ngidx_index *x, int found, const ngidx_term *t, const ngidx_filter *f,
                    uint64_t *docs, uint64_t *tf, ngidx_error *err)
{
	*docs = *tf = 0;
	if (found < 0)
		return ERR_CORRUPT(err, "section lexicon: actor term is corrupt");
	if (!found)
		return NGIDX_OK;
	ngidx_postings *p;
	FORWARD_IF_ERROR(ngidx_postings_open(x, t->id, &p, err));
	int r;
	while ((r = ngidx_postings_next(p, err)) > 0) {
		uint32_t d = ngidx_postings_doc(p);
		if (in_range(x, d, f)) {
			(*docs)++;
			*tf += ngidx_postings_tf(p);
		}
	}
	ngidx_postings_free(p);
	return r < 0 ? -r : NGIDX_OK;
}

/* The units of @level in range (documents, sentences or tokens). */
static uint64_t units(const ngidx_index *x, ngidx_level level, const ngidx_filter *f)
{
	if (!filtered(f))
		return level == NGIDX_LEVEL_DOC ? x->info.ndocs
		       : level == NGIDX_LEVEL_SENTENCE ? x->info.nsentences : x->info.ntokens;
	uint64_t n = 0;
	for (uint32_t d = 0; d < x->ndocs; d++)
		if (in_range(x, d, f))
			n += level == NGIDX_LEVEL_DOC ? 1
			     : level == NGIDX_LEVEL_SENTENCE ? x->docs[d].nsent : x->docs[d].ntokens;
	return n;
}

/* Actor @a's marginal at @level (in range). */
static int marginal(const ngidx_index *x, ngidx_level level, uint32_t a, const ngidx_filter *f,
                    uint64_t *out, ngidx_error *err)
{
	const struct ngx_actor_entry *e = &x->actors[a];
	if (!filtered(f)) {
		*out = level == NGIDX_LEVEL_DOC ? e->docs
		       : level == NGIDX_LEVEL_SENTENCE ? e->sentences : e->mentions;
		return NGIDX_OK;
	}
	ngidx_term t;
	uint64_t docs, tf;
	int found;
	if (level == NGIDX_LEVEL_SENTENCE) {
		char buf[16];
		int n = snprintf(buf, sizeof buf, "%cs %u", NGX_ACT_COUNT, a);
		found = ngidx_term_find(x, buf, (size_t)n, &t);
	} else {
		found = ngidx_actor_term(x, a, &t);
	}
	FORWARD_IF_ERROR(sum_term(x, found, &t, f, &docs, &tf, err));
	*out = level == NGIDX_LEVEL_DOC ? docs : tf;
	return NGIDX_OK;
}

static int joint(const ngidx_index *x, ngidx_level level, uint32_t a, uint32_t b,
                 const ngidx_filter *f, uint64_t *out, ngidx_error *err)
{
	ngidx_term t;
	uint64_t docs, tf;
	FORWARD_IF_ERROR(sum_term(x, ngidx_pair_term(x, level, a, b, &t), &t, f, &docs, &tf, err));
	*out = level == NGIDX_LEVEL_DOC ? docs : tf;
	return NGIDX_OK;
}

static int check_args(const ngidx_index *x, ngidx_level level, uint32_t a, ngidx_error *err)
{
	if (!x->act_head)
		return ngidx_err_set(err, NGIDX_ERR_ARG, "the index has no actors (build it with --actors)");
	if ((unsigned)level > 2)
		return ngidx_err_set(err, NGIDX_ERR_ARG, "unknown level %d", (int)level);
	if (a >= x->nactors)
		return ngidx_err_set(err, NGIDX_ERR_RANGE, "actor %u out of range", a);
	return NGIDX_OK;
}

/* Fill the parts of @c common to a row: r1, n, span. */
static int row_cell(const ngidx_index *x, ngidx_level level, uint32_t a, const ngidx_filter *f,
                    ngidx_cell *c, ngidx_error *err)
{
	memset(c, 0, sizeof *c);
	c->n = units(x, level, f);
	c->span = level == NGIDX_LEVEL_WINDOW ? 2.0 * (double)x->act_head->window : 1.0;
	return marginal(x, level, a, f, &c->r1, err);
}

/* The stored count of (a, b) at @level: binary search in row a. */
static int stored(const ngidx_index *x, ngidx_level level, uint32_t a, uint32_t b,
                  uint64_t *out, ngidx_error *err)
{
	const uint64_t *rp = x->cooc_rowptr[level];
	const uint32_t *cols = x->cooc_cols[level];
	uint64_t lo = rp[a], hi = rp[a + 1];
	*out = 0;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (cols[mid] >= x->nactors)
			return ERR_CORRUPT(err, "section cooc: column out of range");
		if (cols[mid] < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < rp[a + 1] && cols[lo] == b)
		*out = x->cooc_counts[level][lo];
	return NGIDX_OK;
}

int ngidx_cooc_cell(const ngidx_index *x, ngidx_level level, uint32_t a, uint32_t b,
                    const ngidx_filter *f, ngidx_cell *c, ngidx_error *err)
{
	FORWARD_IF_ERROR(check_args(x, level, a, err));
	FORWARD_IF_ERROR(check_args(x, level, b, err));
	FORWARD_IF_ERROR(row_cell(x, level, a, f, c, err));
	FORWARD_IF_ERROR(marginal(x, level, b, f, &c->c1, err));
	if (a == b)
		return NGIDX_OK;
	return filtered(f) ? joint(x, level, a, b, f, &c->o11, err) : stored(x, level, a, b, &c->o11, err);
}

int ngidx_cooc_neighbors(const ngidx_index *x, ngidx_level level, uint32_t a,
                         const ngidx_filter *f, ngidx_neighbor **out, size_t *n, ngidx_error *err)
{
	*out = NULL;
	*n = 0;
	FORWARD_IF_ERROR(check_args(x, level, a, err));
	ngidx_cell base;
	FORWARD_IF_ERROR(row_cell(x, level, a, f, &base, err));
	const uint64_t *rp = x->cooc_rowptr[level];
	uint64_t lo = rp[a], hi = rp[a + 1];
	ngidx_neighbor *v = ngidx_malloc((size_t)(hi - lo + 1) * sizeof *v);
	if (!v)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	size_t k = 0;
	int rc = NGIDX_OK;
	for (uint64_t i = lo; i < hi && !rc; i++) {
		uint32_t b = x->cooc_cols[level][i];
		if (b >= x->nactors || b == a || (i > lo && b <= x->cooc_cols[level][i - 1])) {
			rc = ERR_CORRUPT(err, "section cooc: row %u is corrupt", a);
			break;
		}
		ngidx_neighbor *nb = &v[k];
		nb->actor = b;
		nb->cell = base;
		nb->cell.o11 = x->cooc_counts[level][i];
		if (filtered(f))
			rc = joint(x, level, a, b, f, &nb->cell.o11, err);
		if (!rc)
			rc = marginal(x, level, b, f, &nb->cell.c1, err);
		if (!rc && nb->cell.o11)
			k++;
	}
	if (rc) {
		ngidx_free(v);
		return rc;
	}
	*out = v;
	*n = k;
	return NGIDX_OK;
}
