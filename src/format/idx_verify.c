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
 *             parse and stay below the token count, text frames decompress.
 */
#include "idx_reader.h"
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
				if (prev_hash == h) {
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

int ngidx_index_verify(const ngidx_index *x, ngidx_error *err)
{
	FORWARD_IF_ERROR(verify_checksums(x, err));
	FORWARD_IF_ERROR(verify_lexicon(x, err));
	FORWARD_IF_ERROR(verify_docs(x, err));
	return verify_postings(x, err);
}
