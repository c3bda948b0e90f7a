/*
 * idx_verify.c - `ngidx verify`: prove that an index is whole.
 *
 * First every section's XXH64 (a flipped bit anywhere is named by its
 * section), then the invariants that the checksums cannot see because a
 * buggy or hostile writer could have checksummed wrong content:
 *   lexicon   sorted by (hash, text) with no duplicate, offsets monotonic,
 *             hash = ngidx_hash64(text), n = 1 + spaces, 1 <= n <= max n,
 *             1 <= df <= cf, per-n counts equal INFO;
 *   lexdir    dir[k] is the first entry of bucket k;
 *   postings  every list decodes, blocks end where the next begins, df
 *             documents, increasing, < ndocs; tf sum = cf; unigram
 *             positions increasing and < the document's token count;
 *   docs      offsets monotonic, names and metadata parse, sentence lists
 *             parse and stay below the token count, text frames decompress;
 *   toplist   every list is the exact head of its ranking (`ngidx top`);
 *   cont      every continuation is a one-token extension of its term,
 *             lists ordered, each n-gram of 2+ tokens listed once per side.
 */
#include "idx_reader.h"
#include "top_rank.h"
#include "common/endian.h"
#include "common/err.h"
#include "common/hash.h"
#include "common/mem.h"

#include <string.h>
#include <zstd.h>

static int verify_checksums(const ngidx_index *x, ngidx_error *err)
{
	for (unsigned i = 0; i < x->nsec; i++) {
		const idx_sec *s = &x->table[i];
		if (XXH64(s->p, (size_t)s->len, 0) != s->hash)
			return ERR_CORRUPT(err, "section %s: checksum mismatch", idx_section_name(s->kind));
	}
	return NGIDX_OK;
}

static int verify_lexicon(const ngidx_index *x, ngidx_error *err)
{
	uint64_t per_n[NGIDX_MAX_N] = { 0 }, cf_n[NGIDX_MAX_N] = { 0 }, actor_terms = 0;
	idx_term_rec blk[NGX_LEX_BLOCK];
	uint64_t prev_hash = 0, next_k = 0, nb = 1ull << x->dir_bits;
	const char *prev = NULL;
	size_t prev_len = 0;
	for (uint64_t b = 0; b < x->nblocks; b++) {
		int cnt = idx_lex_block(x, b, blk);
		if (cnt < 0)
			return ERR_CORRUPT(err, "section lexicon: block %llu is corrupt", (unsigned long long)b);
		for (int i = 0; i < cnt; i++) {
			uint64_t id = b * NGX_LEX_BLOCK + (uint64_t)i;
			const char *s = idx_rec_text(x, &blk[i]);
			size_t len = (size_t)blk[i].text_len;
			unsigned n = idx_text_n(s, len);
			uint64_t h = ngidx_hash64(s, len);
			int is_actor = ngx_is_actor_term(s, len);
			if (!len || n > ngx_term_n_limit(s, len, x->max_n) || blk[i].df > x->ndocs ||
			    NGX_HASH40(h) != blk[i].h40)
				return ERR_CORRUPT(err, "section lexdata: term %llu is inconsistent", (unsigned long long)id);
			if (id) {
				int c = 0;
				if (prev && prev_hash == h) {
					size_t m = prev_len < len ? prev_len : len;
					c = memcmp(prev, s, m);
					if (!c)
						c = prev_len < len ? -1 : prev_len > len ? 1 : 0;
				}
				if (prev_hash > h || (prev_hash == h && c >= 0))
					return ERR_CORRUPT(err, "section lexdata: terms %llu and %llu out of order",
					                   (unsigned long long)id - 1, (unsigned long long)id);
			}
			/* dir[k] = block of the first term whose bucket is >= k */
			uint64_t k = x->dir_bits ? h >> (64 - x->dir_bits) : 0;
			for (; next_k <= k; next_k++)
				if (x->dir[next_k] != b)
					return ERR_CORRUPT(err, "section lexdir: bucket %llu is wrong", (unsigned long long)next_k);
			if (is_actor) {
				actor_terms++;
			} else {
				if (n >= 2 && (blk[i].cf < x->min_count || blk[i].df < x->min_df))
					return ERR_CORRUPT(err, "section lexdata: term %llu is rarer than the "
					                   "build kept (min count %u, min df %u)",
					                   (unsigned long long)id, x->min_count, x->min_df);
				per_n[n - 1]++;
				cf_n[n - 1] += blk[i].cf;
			}
			prev = s;
			prev_len = len;
			prev_hash = h;
		}
	}
	for (; next_k <= nb; next_k++)
		if (x->dir[next_k] != x->nblocks)
			return ERR_CORRUPT(err, "section lexdir: bucket %llu is wrong", (unsigned long long)next_k);
	for (unsigned k = 0; k < NGIDX_MAX_N; k++)
		if (per_n[k] != x->info.nterms_n[k] || cf_n[k] != x->info.cf_n[k])
			return ERR_CORRUPT(err, "section info: n-gram counts of n = %u disagree with the lexicon", k + 1);
	if (actor_terms != x->info.actor_terms)
		return ERR_CORRUPT(err, "section info: actor term count disagrees with the lexicon");
	return NGIDX_OK;
}

/* Decode every document, frequency and position of the term on cursor @p. */
static int verify_term(const ngidx_index *x, ngidx_postings *p, uint64_t id, ngidx_error *err)
{
	uint64_t docs = 0, cf = 0;
	int64_t last = -1;
	int g;
	if (p->skip && ngidx_le64(p->skip) != 0)
		return ERR_CORRUPT(err, "section postings: term %llu skip table does not start at 0",
		                   (unsigned long long)id);
	for (uint64_t b = 0; p->skip && b < p->nblocks; b++)
		if (ngidx_le32(p->skip + 16 * b + 12) != 0)
			return ERR_CORRUPT(err, "section postings: term %llu skip entry %llu is not zero-padded",
			                   (unsigned long long)id, (unsigned long long)b);
	while ((g = ngidx_postings_next(p, err)) == 1) {
		uint32_t d = ngidx_postings_doc(p);
		if ((int64_t)d <= last)
			return ERR_CORRUPT(err, "section postings: term %llu documents not increasing",
			                   (unsigned long long)id);
		last = d;
		docs++;
		cf += ngidx_postings_tf(p);
		if (p->n == 1) {
			/* the whole block at once: it also finds where it ends */
			FORWARD_IF_ERROR(idx_postings_block_positions(p, err));
			const uint32_t *pos;
			FORWARD_IF_ERROR(ngidx_postings_positions(p, &pos, err));
			uint32_t tf = ngidx_postings_tf(p);
			for (uint32_t k = 0; k < tf; k++)
				if (pos[k] >= x->docs[d].ntokens || (k && pos[k] <= pos[k - 1]))
					return ERR_CORRUPT(err, "section postings: term %llu has a bad position in document %u",
					                   (unsigned long long)id, d);
		}
		/* The block must end exactly where the next one starts. */
		if (p->i + 1 == p->nb && (p->n == 1 ? p->pos_end : p->pos_p) != p->blk_end)
			return ERR_CORRUPT(err, "section postings: term %llu block %llu has stray bytes",
			                   (unsigned long long)id, (unsigned long long)p->blk);
	}
	if (g < 0)
		return -g;
	if (docs != p->df || cf != p->cf)
		return ERR_CORRUPT(err, "section postings: term %llu has %llu documents and %llu occurrences, lexicon says %u and %llu",
		                   (unsigned long long)id, (unsigned long long)docs, (unsigned long long)cf,
		                   p->df, (unsigned long long)p->cf);
	return NGIDX_OK;
}

static int verify_postings(const ngidx_index *x, ngidx_error *err)
{
	ngidx_postings p;
	int rc = NGIDX_OK;
	memset(&p, 0, sizeof p);
	for (uint64_t id = 0; id < x->nterms && !rc; id++) {
		idx_postings_release(&p);
		rc = idx_postings_init(&p, x, id, err);
		if (!rc)
			rc = verify_term(x, &p, id, err);
	}
	idx_postings_release(&p);
	return rc;
}

static int verify_docs(const ngidx_index *x, ngidx_error *err)
{
	const idx_sec *ss = x->by_kind[NGX_SEC_SENTS];
	uint64_t tokens = 0, sents = 0, bytes = 0, longest = 0;
	char *buf = NULL;
	size_t cap = 0;
	int rc = NGIDX_OK;
	for (uint64_t i = 0; i < x->ndocs && !rc; i++) {
		const struct ngx_doc_entry *e = &x->docs[i];
		ngidx_doc d;
		if ((rc = ngidx_doc_get(x, (uint32_t)i, &d, err)))
			break;
		size_t pos = 0;
		const char *k, *v;
		size_t kl, vl;
		int is, r;
		while ((r = ngidx_doc_meta_next(&d, &pos, &k, &kl, &v, &vl, &is)) == 1)
			;
		if (r < 0) {
			rc = ERR_CORRUPT(err, "section docstr: document %llu has bad metadata", (unsigned long long)i);
			break;
		}
		if (e->sent_off > e[1].sent_off || e[1].sent_off > ss->len ||
		    (e->ntokens == 0) != (e->nsent == 0)) {
			rc = ERR_CORRUPT(err, "section docs: document %llu has bad sentence data", (unsigned long long)i);
			break;
		}
		const unsigned char *p = ss->p + e->sent_off, *end = ss->p + e[1].sent_off;
		uint64_t at = 0;
		for (uint32_t s = 1; s < e->nsent && !rc; s++) {
			uint64_t g;
			if (ngidx_varint_get(&p, end, &g) || g == 0 || (at += g) >= e->ntokens)
				rc = ERR_CORRUPT(err, "section sents: document %llu is malformed", (unsigned long long)i);
		}
		if (!rc && p != end)
			rc = ERR_CORRUPT(err, "section sents: document %llu has stray bytes", (unsigned long long)i);
		if (!rc && x->by_kind[NGX_SEC_TEXT]) {
			size_t len;
			rc = ngidx_doc_text(x, (uint32_t)i, &buf, &cap, &len, err);
		}
		tokens += e->ntokens;
		sents += e->nsent;
		bytes += e->text_len;
		if (e->ntokens > longest)
			longest = e->ntokens;
	}
	ngidx_free(buf);
	if (!rc && (tokens != x->info.ntokens || sents != x->info.nsentences ||
	            bytes != x->info.input_bytes || longest != x->info.max_doc_tokens))
		rc = ERR_CORRUPT(err, "section info: totals disagree with the documents");
	return rc;
}

/* NTERMS: each bitmap marks exactly the n-grams of its n with at least the
 * minimum count, and its count is right: one pass over the lexicon. (The
 * bits past nterms are not read; the section checksum covers them.) */
static int verify_nterms(const ngidx_index *x, ngidx_error *err)
{
	if (!x->nt_lists)
		return NGIDX_OK;
	uint64_t at[NGIDX_MAX_N] = { 0 }, next[NGIDX_MAX_N];
	for (unsigned n = 0; n < x->max_n; n++)
		if (idx_nterms_next(x, n + 1, 0, &next[n]) != 1)
			next[n] = UINT64_MAX;
	idx_term_rec blk[NGX_LEX_BLOCK];
	for (uint64_t b = 0; b < x->nblocks; b++) {
		int cnt = idx_lex_block(x, b, blk);
		if (cnt <= 0)
			return ERR_CORRUPT(err, "section lexicon: block %llu is corrupt", (unsigned long long)b);
		for (int i = 0; i < cnt; i++) {
			const char *t = idx_rec_text(x, &blk[i]);
			size_t len = (size_t)blk[i].text_len;
			if (blk[i].cf < x->nt_min_cf || ngx_is_actor_term(t, len))
				continue;
			unsigned n = idx_text_n(t, len);
			uint64_t id = b * NGX_LEX_BLOCK + (uint64_t)i;
			if (n < 1 || n > x->max_n || next[n - 1] != id)
				return ERR_CORRUPT(err, "section nterms: the bitmap of n = %u lacks term %llu",
				                   n, (unsigned long long)id);
			at[n - 1]++;
			if (idx_nterms_next(x, n, id + 1, &next[n - 1]) != 1)
				next[n - 1] = UINT64_MAX;
		}
	}
	for (unsigned n = 0; n < x->max_n; n++)
		if (next[n] != UINT64_MAX || at[n] != x->nt_count[n])
			return ERR_CORRUPT(err, "section nterms: the bitmap of n = %u marks other terms",
			                   n + 1);
	return NGIDX_OK;
}

/* 1 if document @id has a metadata field of hash @h, 0 if not, -1 bad. */
static int has_field(const ngidx_index *x, uint32_t id, uint64_t h)
{
	ngidx_doc d;
	if (ngidx_doc_get(x, id, &d, NULL))
		return -1;
	size_t pos = 0, kl, vl;
	const char *k, *v;
	int is, r, found = 0;
	while ((r = ngidx_doc_meta_next(&d, &pos, &k, &kl, &v, &vl, &is)) == 1)
		found |= ngx_field_hash(k, kl, v, vl) == h;
	return r < 0 ? -1 : found;
}

/* FIELDS: groups in hash order, each list ascending, every listed document
 * holding the field, and as many (document, field) pairs listed as there
 * are outside the collided hashes. */
static int verify_fields(const ngidx_index *x, ngidx_error *err)
{
	if (!x->fgroups)
		return NGIDX_OK;
	uint64_t listed = 0, pairs = 0;
	for (uint64_t i = 0; i < x->nfcollided; i++)
		if (i && x->fcollided[i - 1] >= x->fcollided[i])
			return ERR_CORRUPT(err, "section fields: collided hashes out of order");
	for (uint64_t i = 0; i < x->nfgroups; i++) {
		const struct ngx_field_group *g = &x->fgroups[i];
		if ((i && g[-1].hash >= g->hash) || g->off > x->flists_len || !g->count)
			return ERR_CORRUPT(err, "section fields: group %llu is wrong", (unsigned long long)i);
		const unsigned char *p = x->flists + g->off, *end = x->flists + x->flists_len;
		uint64_t doc = 0;
		for (uint32_t j = 0; j < g->count; j++) {
			uint64_t gap;
			if (ngidx_varint_get(&p, end, &gap) || (j && !gap) || (doc += gap) >= x->ndocs ||
			    has_field(x, (uint32_t)doc, g->hash) != 1)
				return ERR_CORRUPT(err, "section fields: the list of group %llu is wrong",
				                   (unsigned long long)i);
		}
		listed += g->count;
	}
	for (uint64_t id = 0; id < x->ndocs; id++) {
		ngidx_doc d;
		if (ngidx_doc_get(x, (uint32_t)id, &d, NULL))
			return ERR_CORRUPT(err, "section docstr: document %llu is bad", (unsigned long long)id);
		size_t pos = 0, kl, vl;
		const char *k, *v;
		int is;
		while (ngidx_doc_meta_next(&d, &pos, &k, &kl, &v, &vl, &is) == 1)
			pairs += !idx_field_collided(x, ngx_field_hash(k, kl, v, vl));
	}
	if (pairs != listed)
		return ERR_CORRUPT(err, "section fields: %llu pairs listed, %llu in the documents",
		                   (unsigned long long)listed, (unsigned long long)pairs);
	return NGIDX_OK;
}

/* DATES: every dated document once, with its date, in (date, doc) order. */
static int verify_dates(const ngidx_index *x, ngidx_error *err)
{
	if (!x->dates)
		return NGIDX_OK;
	uint64_t dated = 0;
	for (uint64_t i = 0; i < x->ndocs; i++)
		dated += x->docs[i].date != 0;
	if (dated != x->ndates)
		return ERR_CORRUPT(err, "section dates: %llu entries for %llu dated documents",
		                   (unsigned long long)x->ndates, (unsigned long long)dated);
	for (uint64_t i = 0; i < x->ndates; i++) {
		const struct ngx_date_entry *d = &x->dates[i];
		if (d->doc >= x->ndocs || !d->date || x->docs[d->doc].date != d->date ||
		    (i && (d[-1].date > d->date || (d[-1].date == d->date && d[-1].doc >= d->doc))))
			return ERR_CORRUPT(err, "section dates: entry %llu is wrong", (unsigned long long)i);
	}
	return NGIDX_OK;
}

/* ---- TOPLIST and CONT (optional sections of `ngidx top`) ---- */

static int is_pseudo_term(const char *s, size_t len) { return !len || ngx_is_actor_term(s, len); }

typedef struct vterm {
	uint64_t id, cf, df;
	const char *s;
	size_t len;
	unsigned n;
} vterm;

static int vterm_get(const ngidx_index *x, uint64_t id, vterm *t)
{
	idx_term_rec r;
	if (id >= x->nterms || idx_term_at(x, id, &r))
		return -1;
	t->id = id;
	t->cf = r.cf;
	t->df = r.df;
	t->s = idx_rec_text(x, &r);
	t->len = (size_t)r.text_len;
	t->n = idx_text_n(t->s, t->len);
	return 0;
}

/* The ranking of `ngidx top`: 1 if a ranks strictly before b. */
static int vbetter(const vterm *a, const vterm *b, int by_df)
{
	top_key x = { a->cf, a->df, a->s, a->len }, y = { b->cf, b->df, b->s, b->len };
	return top_better(&x, &y, by_df);
}

/*
 * TOPLIST: sizes, every id a real n-gram of its list's n, each list in
 * strictly decreasing rank, and each list the exact head of its ranking:
 * the terms of that n ranking at or before its last entry number its length.
 */
static int verify_toplist(const ngidx_index *x, ngidx_error *err)
{
	const idx_sec *s = x->by_kind[NGX_SEC_TOPLIST];
	if (!s)
		return NGIDX_OK;
	if (s->len < 16 || ngidx_le32(s->p + 4) != x->max_n || ngidx_le32(s->p + 8) != ngx_id_bits(x->nterms) ||
	    ngidx_le32(s->p) == 0 || s->len < 16 + 16ull * x->max_n)
		return ERR_CORRUPT(err, "section toplist: bad header");
	uint64_t K = ngidx_le32(s->p);
	unsigned w = ngx_id_bits(x->nterms), maxn = x->max_n;
	const unsigned char *bits = s->p + 16 + 16 * maxn;
	uint64_t nbytes = s->len - 16 - 16 * maxn, at = 0;
	uint64_t total[NGIDX_MAX_N] = { 0 }, len[NGIDX_MAX_N], start[NGIDX_MAX_N], seen[2 * NGIDX_MAX_N] = { 0 };
	vterm last[2 * NGIDX_MAX_N];
	for (unsigned n = 0; n < maxn; n++) {
		len[n] = ngidx_le64(s->p + 24 + 16 * n);
		if (len[n] > K || len[n] > x->nterms)
			return ERR_CORRUPT(err, "section toplist: list of n = %u too long", n + 1);
		start[n] = at;
		at += 2 * len[n];
	}
	if ((at * w + 7) / 8 != nbytes)
		return ERR_CORRUPT(err, "section toplist: size does not match its lists");
	for (unsigned n = 0; n < maxn; n++) {
		for (int o = 0; o < 2; o++) {
			for (uint64_t i = 0; i < len[n]; i++) {
				uint64_t id;
				vterm t;
				if (top_bits_get(bits, nbytes, start[n] + (uint64_t)o * len[n] + i, w, &id) ||
				    vterm_get(x, id, &t) || is_pseudo_term(t.s, t.len) || t.n != n + 1 ||
				    (i && !vbetter(&last[2 * n + o], &t, o)))
					return ERR_CORRUPT(err, "section toplist: entry %llu of list n = %u %s is wrong",
					                   (unsigned long long)i, n + 1, o ? "by documents" : "by occurrences");
				last[2 * n + o] = t;
			}
		}
	}
	/* one pass over the lexicon: totals and ranks against each list's end */
	idx_term_rec blk[NGX_LEX_BLOCK];
	for (uint64_t b = 0; b < x->nblocks; b++) {
		int cnt = idx_lex_block(x, b, blk);
		if (cnt < 0)
			return ERR_CORRUPT(err, "section lexicon: block %llu is corrupt", (unsigned long long)b);
		for (int i = 0; i < cnt; i++) {
			vterm t = { b * NGX_LEX_BLOCK + (uint64_t)i, blk[i].cf, blk[i].df, idx_rec_text(x, &blk[i]),
			            (size_t)blk[i].text_len, 0 };
			if (is_pseudo_term(t.s, t.len))
				continue;
			t.n = idx_text_n(t.s, t.len);
			if (t.n > maxn)
				continue;
			total[t.n - 1]++;
			for (int o = 0; o < 2; o++)
				if (len[t.n - 1] && !vbetter(&last[2 * (t.n - 1) + o], &t, o))
					seen[2 * (t.n - 1) + o]++;
		}
	}
	for (unsigned n = 0; n < maxn; n++) {
		if (ngidx_le64(s->p + 16 + 16 * n) != total[n] || len[n] != (total[n] < K ? total[n] : K))
			return ERR_CORRUPT(err, "section toplist: counts of n = %u disagree with the lexicon", n + 1);
		if (seen[2 * n] != len[n] || seen[2 * n + 1] != len[n])
			return ERR_CORRUPT(err, "section toplist: list of n = %u is not the head of its ranking", n + 1);
	}
	return NGIDX_OK;
}

/* 1 if @c is @p extended by one token on the right (@left: on the left). */
static int extends(const vterm *p, const vterm *c, int left)
{
	if (c->len < p->len + 2 || c->n != p->n + 1)
		return 0;
	if (left)
		return c->s[c->len - p->len - 1] == ' ' && !memcmp(c->s + c->len - p->len, p->s, p->len);
	return c->s[p->len] == ' ' && !memcmp(c->s, p->s, p->len);
}

/*
 * CONT: the group table, every record parses in place, every listed id is
 * a one-token extension of its term on the listed side, lists in strictly
 * decreasing (cf, df, -id) order, and the totals: each n-gram of 2+ tokens
 * appears once in a right list and once in a left list.
 */
static int verify_cont(const ngidx_index *x, ngidx_error *err)
{
	const idx_sec *s = x->by_kind[NGX_SEC_CONT];
	if (!s)
		return NGIDX_OK;
	unsigned w = ngx_id_bits(x->nterms);
	uint64_t ng = (x->nterms + NGX_CONT_GROUP - 1) / NGX_CONT_GROUP + 1;
	if (s->len < 24 || ngidx_le64(s->p) != x->nterms || ngidx_le64(s->p + 8) != w ||
	    ng > (s->len - 24) / 8 || ngidx_le64(s->p + 16) != s->len - 24 - 8 * ng)
		return ERR_CORRUPT(err, "section cont: bad header");
	uint64_t D = ngidx_le64(s->p + 16), sums[2] = { 0, 0 }, children = 0;
	const unsigned char *tab = s->p + 24, *data = tab + 8 * ng, *p = data, *end = data + D;
	if (ngidx_le64(tab + 8 * (ng - 1)) != D)
		return ERR_CORRUPT(err, "section cont: group table does not end at the records' end");
	for (uint64_t id = 0; id < x->nterms; id++) {
		if (id % NGX_CONT_GROUP == 0 && ngidx_le64(tab + 8 * (id / NGX_CONT_GROUP)) != (uint64_t)(p - data))
			return ERR_CORRUPT(err, "section cont: group %llu starts at the wrong offset",
			                   (unsigned long long)(id / NGX_CONT_GROUP));
		uint64_t h, cnt[2] = { 0, 0 };
		vterm par;
		if (ngidx_varint_get(&p, end, &h) || ((h & 1) && (ngidx_varint_get(&p, end, &cnt[1]) || !cnt[1])) ||
		    (cnt[0] = h >> 1) > x->nterms || cnt[1] > x->nterms || vterm_get(x, id, &par))
			return ERR_CORRUPT(err, "section cont: record of term %llu is malformed", (unsigned long long)id);
		uint64_t nb = ((cnt[0] + cnt[1]) * w + 7) / 8;
		if (nb > (uint64_t)(end - p))
			return ERR_CORRUPT(err, "section cont: record of term %llu past the end", (unsigned long long)id);
		if (!is_pseudo_term(par.s, par.len) && par.n >= 2)
			children++;
		for (int side = 0; side < 2; side++) {
			vterm prev = { 0 };
			for (uint64_t i = 0; i < cnt[side]; i++) {
				uint64_t cid;
				vterm c;
				if (top_bits_get(p, nb, (side ? cnt[0] : 0) + i, w, &cid) || vterm_get(x, cid, &c) ||
				    is_pseudo_term(par.s, par.len) || is_pseudo_term(c.s, c.len) || !extends(&par, &c, side) ||
				    (i && !(prev.cf > c.cf || (prev.cf == c.cf && (prev.df > c.df ||
				                                                   (prev.df == c.df && prev.id < c.id))))))
					return ERR_CORRUPT(err, "section cont: entry %llu of term %llu (%s) is wrong",
					                   (unsigned long long)i, (unsigned long long)id, side ? "left" : "right");
				prev = c;
			}
			sums[side] += cnt[side];
		}
		p += nb;
	}
	if (p != end)
		return ERR_CORRUPT(err, "section cont: stray bytes after the last record");
	if (sums[0] != children || sums[1] != children)
		return ERR_CORRUPT(err, "section cont: %llu right and %llu left entries for %llu n-grams",
		                   (unsigned long long)sums[0], (unsigned long long)sums[1],
		                   (unsigned long long)children);
	return NGIDX_OK;
}

int ngidx_index_verify(const ngidx_index *x, ngidx_error *err)
{
	FORWARD_IF_ERROR(verify_checksums(x, err));
	FORWARD_IF_ERROR(verify_lexicon(x, err));
	FORWARD_IF_ERROR(verify_docs(x, err));
	FORWARD_IF_ERROR(verify_dates(x, err));
	FORWARD_IF_ERROR(verify_nterms(x, err));
	FORWARD_IF_ERROR(verify_fields(x, err));
	FORWARD_IF_ERROR(verify_toplist(x, err));
	FORWARD_IF_ERROR(verify_cont(x, err));
	FORWARD_IF_ERROR(idx_actors_verify(x, err));
	return verify_postings(x, err);
}
