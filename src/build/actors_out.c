/*
 * actors_out.c - the ACTORS, ACTSTR and COOC sections from the merged actor
 * terms.
 *
 * The merge lists every actor term of its partition (merge_act_rec and the
 * text). One pass over those lists fills the marginals of each actor and
 * collects the pairs of each level; the pairs, doubled so that each appears
 * in both rows, are sorted and written as CSR. Memory: 16 bytes per stored
 * pair and level (at most nactors * (nactors - 1) of them), 32 per actor.
 */
#include "actors_out.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/mem.h"

#include <stdlib.h>
#include <string.h>

typedef struct pair {
	uint32_t a, b;
	uint64_t count;
} pair;

typedef struct pairs {
	pair *p;
	size_t n, cap;
} pairs;

static int cmp_pair(const void *x, const void *y)
{
	const pair *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return (p->b > q->b) - (p->b < q->b);
}

static int level_index(char c)
{
	return c == 'd' ? 0 : c == 's' ? 1 : c == 'w' ? 2 : -1;
}

/* Parse a decimal actor number at *@p (< @end) below @na. */
static int parse_actor(const char **p, const char *end, uint64_t na, uint32_t *out)
{
	uint64_t v = 0;
	const char *s = *p;
	if (s == end || *s < '0' || *s > '9')
		return -1;
	while (s < end && *s >= '0' && *s <= '9' && v < na)
		v = v * 10 + (uint64_t)(*s++ - '0');
	if (v >= na)
		return -1;
	*p = s;
	*out = (uint32_t)v;
	return 0;
}

/* Account one actor term @t[0..@len) with @df and @cf. */
static int take_term(struct ngx_actor_entry *act, uint64_t na, pairs *lv, const char *t,
                     size_t len, uint32_t df, uint64_t cf)
{
	const char *p = t + 1, *end = t + len;
	uint32_t a, b;
	if (t[0] == NGX_ACT_MENTION) {
		if (parse_actor(&p, end, na, &a) || p != end)
			return -1;
		act[a].mentions = cf;
		act[a].docs = df;
		return 0;
	}
	if (t[0] != NGX_ACT_COUNT || len < 4 || t[2] != ' ')
		return -1;
	int l = level_index(t[1]);
	p = t + 3;
	if (l < 0 || parse_actor(&p, end, na, &a))
		return -1;
	if (p == end) {
		if (l != 1)
			return -1;
		act[a].sentences = cf;
		return 0;
	}
	if (*p++ != ' ' || parse_actor(&p, end, na, &b) || p != end || a >= b)
		return -1;
	pairs *v = &lv[l];
	if (NGIDX_RESERVE(v->p, v->cap, v->n + 2))
		return NGIDX_ERR_NOMEM;
	v->p[v->n++] = (pair){ a, b, l == 0 ? df : cf };
	v->p[v->n++] = (pair){ b, a, l == 0 ? df : cf };
	return 0;
}

static int read_parts(const merge_out *parts, size_t nparts, struct ngx_actor_entry *act,
                      uint64_t na, pairs *lv, ngidx_error *err)
{
	for (size_t i = 0; i < nparts; i++) {
		ngidx_map m;
		FORWARD_IF_ERROR(ngidx_map_file(&m, parts[i].act_path, err));
		size_t o = 0;
		int rc = 0;
		while (o < m.len && !rc) {
			struct merge_act_rec r;
			if (m.len - o < sizeof r)
				break;
			memcpy(&r, m.p + o, sizeof r);
			o += sizeof r;
			if (r.text_len > m.len - o)
				break;
			rc = take_term(act, na, lv, (const char *)m.p + o, r.text_len, r.df, r.cf);
			o += r.text_len;
		}
		size_t len = m.len;
		ngidx_map_release(&m);
		if (rc == NGIDX_ERR_NOMEM)
			return ngidx_err_set(err, rc, "out of memory");
		if (rc || o != len)
			return ngidx_err_set(err, NGIDX_ERR_CORRUPT, "temporary actor list is damaged");
	}
	return NGIDX_OK;
}

static void put_str(ngidx_wfile *f, const char *s, size_t n)
{
	ngidx_wfile_put_varint(f, n);
	ngidx_wfile_write(f, s, n);
}

/* ACTSTR, noting where each actor's strings start. */
static void write_strings(idx_writer *w, const actor_dict *d, struct ngx_actor_entry *act)
{
	size_t na = actor_dict_nactors(d);
	idx_writer_begin(w, NGX_SEC_ACTSTR);
	uint64_t start = w->f.written;
	for (size_t a = 0; a < na; a++) {
		const actor_entry *e = actor_dict_actor(d, (uint32_t)a);
		act[a].str_off = w->f.written - start;
		act[a].naliases = e->naliases;
		put_str(&w->f, e->id, e->id_len);
		put_str(&w->f, e->type, e->type_len);
		for (uint32_t k = 0; k < e->naliases; k++) {
			const actor_alias *x = actor_dict_alias(d, e->first_alias + k);
			put_str(&w->f, x->text, x->text_len);
			put_str(&w->f, x->key, x->key_len);
		}
	}
	act[na].str_off = w->f.written - start;
	idx_writer_end(w);
}

static void write_cooc(idx_writer *w, size_t na, pairs *lv)
{
	struct ngx_cooc_head h = { 0 };
	uint64_t off = sizeof h;
	for (int l = 0; l < NGX_COOC_LEVELS; l++) {
		h.level[l].off = off;
		h.level[l].nnz = lv[l].n;
		off += 8 * (na + 1) + (4 * lv[l].n + 7) / 8 * 8 + 8 * lv[l].n;
	}
	idx_writer_begin(w, NGX_SEC_COOC);
	ngidx_wfile_write(&w->f, &h, sizeof h);
	for (int l = 0; l < NGX_COOC_LEVELS; l++) {
		const pairs *v = &lv[l];
		uint64_t r = 0;
		for (size_t a = 0, i = 0; a <= na; a++) {
			while (i < v->n && v->p[i].a < a)
				i++;
			r = i;
			ngidx_wfile_write(&w->f, &r, 8);
		}
		for (size_t i = 0; i < v->n; i++)
			ngidx_wfile_write(&w->f, &v->p[i].b, 4);
		if (v->n % 2)
			ngidx_wfile_write(&w->f, "\0\0\0\0", 4);
		for (size_t i = 0; i < v->n; i++)
			ngidx_wfile_write(&w->f, &v->p[i].count, 8);
	}
	idx_writer_end(w);
}

int actors_write(idx_writer *w, const actor_dict *d, unsigned window, const merge_out *parts,
                 size_t nparts, ngidx_error *err)
{
	size_t na = actor_dict_nactors(d), nal = 0;
	struct ngx_actor_entry *act = ngidx_calloc(na + 1, sizeof *act);
	pairs lv[NGX_COOC_LEVELS] = { { 0 } };
	if (!act)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	int rc = read_parts(parts, nparts, act, na, lv, err);
	if (!rc) {
		for (int l = 0; l < NGX_COOC_LEVELS; l++)
			if (lv[l].n) /* p is NULL when no pair co-occurs: qsort(NULL, 0) is UB */
				qsort(lv[l].p, lv[l].n, sizeof *lv[l].p, cmp_pair);
		write_strings(w, d, act);
		for (size_t a = 0; a < na; a++)
			nal += act[a].naliases;
		struct ngx_actors_head h = { na, nal, window, { 0 } };
		idx_writer_begin(w, NGX_SEC_ACTORS);
		ngidx_wfile_write(&w->f, &h, sizeof h);
		ngidx_wfile_write(&w->f, act, (na + 1) * sizeof *act);
		idx_writer_end(w);
		write_cooc(w, na, lv);
	}
	for (int l = 0; l < NGX_COOC_LEVELS; l++)
		ngidx_free(lv[l].p);
	ngidx_free(act);
	return rc;
}
