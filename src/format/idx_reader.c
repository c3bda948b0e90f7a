/*
 * idx_reader.c - opening an index file and reading its structures.
 *
 * Open validates, in this order and before building any pointer: the size,
 * the magic, the endianness canary, the versions and analyzer, the file
 * size recorded in the header, the trailer checksum over header and section
 * table, then every section's alignment and bounds (sorted, no overlap, no
 * kind twice), then the sizes of the fixed-width arrays against the counts
 * in INFO and the sentinels against their sections' lengths. Everything
 * that is variable-length (postings, texts, document strings) is checked
 * when it is read: every decoder gets the end of its range, and ranges come
 * from monotonic offsets checked against their section. So a flipped bit
 * gives NGIDX_ERR_CORRUPT at worst, never a read outside the file.
 */
#include "idx_reader.h"
#include "common/endian.h"
#include "common/err.h"
#include "common/hash.h"
#include "common/mem.h"
#include "ngidx/version.h"
#include "text/analyze.h"
#include "format/top_rank.h"

#include <string.h>
#include <zstd.h>

static const char *const sec_names[NGX_SEC_KIND_MAX + 1] = {
	"unknown", "info", "lexicon", "lexdir", "termtext", "postings",
	"docs", "docstr", "sents", "text", "lexdata", "toplist", "cont",
	"actors", "actstr", "cooc", "dates", "nterms", "fields",
};

const char *idx_section_name(uint32_t kind)
{
	return kind <= NGX_SEC_KIND_MAX ? sec_names[kind] : "unknown";
}

/* The NTERMS header and the sizes of its bitmaps (their bits: verify). */
static int check_nterms(ngidx_index *x, const char *path, ngidx_error *err)
{
	const idx_sec *s = x->by_kind[NGX_SEC_NTERMS];
	if (!s)
		return NGIDX_OK;
	uint64_t head = 16 + 16 * (uint64_t)x->max_n, bytes = (x->nterms + 7) / 8;
	if (s->len < head || ngidx_le32(s->p) != x->max_n || ngidx_le32(s->p + 4) != 0 ||
	    ngidx_le32(s->p + 8) == 0)
		return ERR_CORRUPT(err, "'%s': section nterms has a bad header", path);
	x->nt_min_cf = ngidx_le32(s->p + 8);
	for (unsigned n = 0; n < x->max_n; n++) {
		uint64_t count = ngidx_le64(s->p + 16 + 16 * n), o = ngidx_le64(s->p + 24 + 16 * n);
		if (count > x->nterms || o != n * bytes)
			return ERR_CORRUPT(err, "'%s': section nterms: the bitmap of n = %u is misplaced", path,
			                   n + 1);
		x->nt_count[n] = count;
	}
	if (s->len - head != x->max_n * bytes)
		return ERR_CORRUPT(err, "'%s': section nterms has a bad size", path);
	x->nt_lists = s->p + head;
	return NGIDX_OK;
}

/* The FIELDS header and sizes (the lists: verify, and bounds when read). */
static int check_fields(ngidx_index *x, const char *path, ngidx_error *err)
{
	const idx_sec *s = x->by_kind[NGX_SEC_FIELDS];
	if (!s)
		return NGIDX_OK;
	struct ngx_fields_head h;
	if (s->len < sizeof h)
		return ERR_CORRUPT(err, "'%s': section fields is too short", path);
	memcpy(&h, s->p, sizeof h);
	uint64_t fixed = sizeof h;
	if (h.ngroups > (s->len - fixed) / sizeof(struct ngx_field_group) ||
	    h.ncollided > (s->len - fixed - h.ngroups * sizeof(struct ngx_field_group)) / 8 ||
	    h.lists_len != s->len - fixed - h.ngroups * sizeof(struct ngx_field_group) - h.ncollided * 8)
		return ERR_CORRUPT(err, "'%s': section fields has a bad size", path);
	x->fgroups = (const struct ngx_field_group *)(const void *)(s->p + fixed);
	x->nfgroups = h.ngroups;
	x->fcollided = (const uint64_t *)(const void *)(s->p + fixed + h.ngroups * sizeof *x->fgroups);
	x->nfcollided = h.ncollided;
	x->flists = (const unsigned char *)(x->fcollided + h.ncollided);
	x->flists_len = h.lists_len;
	return NGIDX_OK;
}

int idx_field_collided(const ngidx_index *x, uint64_t h)
{
	size_t lo = 0, hi = (size_t)x->nfcollided;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->fcollided[mid] == h)
			return 1;
		if (x->fcollided[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int idx_field_docs(const ngidx_index *x, const char *k, size_t kl, const char *v, size_t vl,
                   const struct ngx_field_group **g)
{
	*g = NULL;
	if (!x->fgroups)
		return -1;
	uint64_t h = ngx_field_hash(k, kl, v, vl);
	if (idx_field_collided(x, h))
		return -1; /* the caller scans */
	size_t lo = 0, hi = (size_t)x->nfgroups;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->fgroups[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < x->nfgroups && x->fgroups[lo].hash == h && x->fgroups[lo].off <= x->flists_len)
		*g = &x->fgroups[lo];
	return 0;
}

int idx_nterms_next(const ngidx_index *x, unsigned n, uint64_t from, uint64_t *id)
{
	if (!x->nt_lists || n < 1 || n > x->max_n)
		return -1;
	uint64_t bytes = (x->nterms + 7) / 8;
	const unsigned char *m = x->nt_lists + (n - 1) * bytes;
	for (uint64_t i = from; i < x->nterms;) {
		uint64_t at = i / 8, w = 0;
		if (at + 8 <= bytes)
			w = ngidx_le64(m + at);
		else
			for (uint64_t k = at; k < bytes; k++)
				w |= (uint64_t)m[k] << 8 * (k - at);
		w >>= i % 8;
		if (w) {
			i += (uint64_t)__builtin_ctzll(w);
			if (i >= x->nterms)
				break;
			*id = i;
			return 1;
		}
		i = (at + 8) * 8;
	}
	return 0;
}

static int check_layout(ngidx_index *x, const char *path, int verify, ngidx_error *err)
{
	const unsigned char *p = x->map.p;
	size_t len = x->map.len;
	if (len < NGX_HEADER_SIZE + NGX_TRAILER_SIZE || memcmp(p, NGX_MAGIC, NGX_MAGIC_LEN) != 0)
		return ERR_CORRUPT(err, "'%s' is not an ngidx index", path);
	if (ngidx_le32(p + 12) != NGX_CANARY)
		return ERR_CORRUPT(err, "'%s': bad endianness marker", path);
	x->major = ngidx_le16(p + 8);
	x->minor = ngidx_le16(p + 10);
	if (x->major > NGIDX_FORMAT_MAJOR)
		return ngidx_err_set(err, NGIDX_ERR_VERSION,
		                     "'%s' has format %u.%u; this ngidx reads format %d.x: upgrade ngidx",
		                     path, x->major, x->minor, NGIDX_FORMAT_MAJOR);
	if (x->major < 1)
		return ERR_CORRUPT(err, "'%s': invalid format version %u", path, x->major);
	if (x->major < NGIDX_FORMAT_MAJOR)
		return ngidx_err_set(err, NGIDX_ERR_VERSION,
		                     "'%s' has format %u.%u; this ngidx reads format %d.x: rebuild it",
		                     path, x->major, x->minor, NGIDX_FORMAT_MAJOR);
	x->analyzer = ngidx_le32(p + 16);
	if (x->analyzer != NGIDX_ANALYZER_ID)
		return ngidx_err_set(err, NGIDX_ERR_VERSION,
		                     "'%s' was built with analyzer %u; this ngidx has analyzer %u: rebuild it",
		                     path, x->analyzer, NGIDX_ANALYZER_ID);
	x->flags = ngidx_le32(p + 20);
	x->max_n = ngidx_le32(p + 24);
	x->min_df = ngidx_le32(p + 28);
	if (ngidx_le64(p + 32) != len)
		return ERR_CORRUPT(err, "'%s' is truncated or extended: header says %llu bytes, file has %zu",
		                   path, (unsigned long long)ngidx_le64(p + 32), len);
	x->nsec = ngidx_le32(p + 40);
	x->min_count = ngidx_le32(p + 44);
	if (x->min_count == 0)
		x->min_count = 1;
	if (x->nsec > NGX_MAX_SECTIONS ||
	    NGX_HEADER_SIZE + (size_t)x->nsec * NGX_SECTION_SIZE > len - NGX_TRAILER_SIZE)
		return ERR_CORRUPT(err, "'%s': bad section count", path);
	size_t hlen = NGX_HEADER_SIZE + (size_t)x->nsec * NGX_SECTION_SIZE;
	if (XXH64(p, hlen, 0) != ngidx_le64(p + len - NGX_TRAILER_SIZE))
		return ERR_CORRUPT(err, "'%s': header checksum mismatch", path);
	if (x->max_n < 1 || x->max_n > NGIDX_MAX_N)
		return ERR_CORRUPT(err, "'%s': bad max n %u", path, x->max_n);
	uint64_t prev_end = hlen;
	for (unsigned i = 0; i < x->nsec; i++) {
		const unsigned char *e = p + NGX_HEADER_SIZE + (size_t)i * NGX_SECTION_SIZE;
		idx_sec *s = &x->table[i];
		s->kind = ngidx_le32(e);
		s->off = ngidx_le64(e + 8);
		s->len = ngidx_le64(e + 16);
		s->hash = ngidx_le64(e + 24);
		if (s->off % NGX_ALIGN || s->off < prev_end || s->off > len - NGX_TRAILER_SIZE ||
		    s->len > len - NGX_TRAILER_SIZE - s->off)
			return ERR_CORRUPT(err, "'%s': section %u (%s) out of bounds", path, i,
			                   idx_section_name(s->kind));
		prev_end = s->off + s->len;
		s->p = p + s->off;
		if (s->kind >= 1 && s->kind <= NGX_SEC_KIND_MAX) {
			if (x->by_kind[s->kind])
				return ERR_CORRUPT(err, "'%s': section %s appears twice", path,
				                   idx_section_name(s->kind));
			x->by_kind[s->kind] = s;
		}
	}
	/* With o->verify the checksums come before the structure checks below:
	 * a flipped bit in, say, INFO's document count must be named as damage
	 * to INFO, not as a DOCS size that no longer matches. Same message as
	 * idx_verify.c, which checks them again (one more pass over the file). */
	for (unsigned i = 0; verify && i < x->nsec; i++) {
		const idx_sec *s = &x->table[i];
		if (XXH64(s->p, (size_t)s->len, 0) != s->hash)
			return ERR_CORRUPT(err, "section %s: checksum mismatch", idx_section_name(s->kind));
	}
	for (uint32_t k = NGX_SEC_INFO; k <= NGX_SEC_LEXDATA; k++)
		if (!x->by_kind[k] && k != NGX_SEC_TEXT)
			return ERR_CORRUPT(err, "'%s': section %s is missing", path, idx_section_name(k));
	if (!!(x->flags & NGX_FLAG_TEXT) != !!x->by_kind[NGX_SEC_TEXT])
		return ERR_CORRUPT(err, "'%s': text flag and text section disagree", path);

	const idx_sec *si = x->by_kind[NGX_SEC_INFO];
	if (si->len < sizeof x->info)
		return ERR_CORRUPT(err, "'%s': info section too short", path);
	memcpy(&x->info, si->p, sizeof x->info);
	const idx_sec *sl = x->by_kind[NGX_SEC_LEXICON];
	x->nterms = x->info.nterms;
	x->nblocks = (x->nterms + NGX_LEX_BLOCK - 1) / NGX_LEX_BLOCK;
	if (x->nterms > UINT64_MAX / 2 || sl->len != (x->nblocks + 1) * sizeof(struct ngx_lex_block))
		return ERR_CORRUPT(err, "'%s': lexicon size does not match %llu terms", path,
		                   (unsigned long long)x->nterms);
	x->blocks = (const struct ngx_lex_block *)(const void *)sl->p;
	const struct ngx_lex_block *ls = &x->blocks[x->nblocks];
	const idx_sec *sld = x->by_kind[NGX_SEC_LEXDATA];
	if (ls->post_off != x->by_kind[NGX_SEC_POSTINGS]->len ||
	    ls->text_off != x->by_kind[NGX_SEC_TERMTEXT]->len || ls->data_off != sld->len)
		return ERR_CORRUPT(err, "'%s': lexicon sentinel does not match its sections", path);
	x->lexdata = sld->p;
	x->lexdata_end = sld->p + sld->len;
	if (x->info.dir_bits > 32)
		return ERR_CORRUPT(err, "'%s': bad directory size", path);
	x->dir_bits = (unsigned)x->info.dir_bits;
	const idx_sec *sd = x->by_kind[NGX_SEC_LEXDIR];
	if (sd->len != ((1ull << x->dir_bits) + 1) * 4)
		return ERR_CORRUPT(err, "'%s': directory size mismatch", path);
	x->dir = (const uint32_t *)(const void *)sd->p;
	if (x->dir[1ull << x->dir_bits] != x->nblocks)
		return ERR_CORRUPT(err, "'%s': directory bounds mismatch", path);
	const idx_sec *sdoc = x->by_kind[NGX_SEC_DOCS];
	x->ndocs = x->info.ndocs;
	if (x->ndocs > sdoc->len / sizeof(struct ngx_doc_entry) ||
	    sdoc->len != (x->ndocs + 1) * sizeof(struct ngx_doc_entry) || x->ndocs > UINT32_MAX)
		return ERR_CORRUPT(err, "'%s': document table size does not match %llu documents", path,
		                   (unsigned long long)x->ndocs);
	x->docs = (const struct ngx_doc_entry *)(const void *)sdoc->p;
	const struct ngx_doc_entry *ds = &x->docs[x->ndocs];
	const idx_sec *st = x->by_kind[NGX_SEC_TEXT];
	if (ds->str_off != x->by_kind[NGX_SEC_DOCSTR]->len || ds->sent_off != x->by_kind[NGX_SEC_SENTS]->len ||
	    ds->text_off != (st ? st->len : 0))
		return ERR_CORRUPT(err, "'%s': document sentinel does not match its sections", path);
	const idx_sec *sdt = x->by_kind[NGX_SEC_DATES];
	if (sdt) {
		x->ndates = sdt->len / sizeof(struct ngx_date_entry);
		if (sdt->len % sizeof(struct ngx_date_entry) || x->ndates > x->ndocs)
			return ERR_CORRUPT(err, "'%s': section dates has a bad size", path);
		x->dates = (const struct ngx_date_entry *)(const void *)sdt->p;
	}
	FORWARD_IF_ERROR(check_nterms(x, path, err));
	FORWARD_IF_ERROR(check_fields(x, path, err));
	return idx_actors_check(x, path, err);
}

int ngidx_index_open(ngidx_index **out, const char *path, const ngidx_open_opts *o, ngidx_error *err)
{
	*out = NULL;
	ngidx_index *x = ngidx_calloc(1, sizeof *x);
	if (!x)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	int rc = ngidx_map_file(&x->map, path, err);
	if (!rc)
		rc = check_layout(x, path, o && o->verify, err);
	if (!rc && o && o->verify)
		rc = ngidx_index_verify(x, err);
	if (rc) {
		ngidx_index_free(x);
		return rc;
	}
	*out = x;
	return NGIDX_OK;
}

void ngidx_index_free(ngidx_index *idx)
{
	if (!idx)
		return;
	ngidx_map_release(&idx->map);
	ngidx_free(idx);
}

void ngidx_index_get_info(const ngidx_index *x, ngidx_index_info *i)
{
	memset(i, 0, sizeof *i);
	i->format_major = x->major;
	i->format_minor = x->minor;
	i->analyzer_id = x->analyzer;
	i->max_n = x->max_n;
	i->min_df = x->min_df;
	i->min_count = x->min_count;
	i->has_text = !!(x->flags & NGX_FLAG_TEXT);
	i->docs = x->ndocs;
	i->tokens = x->info.ntokens;
	i->sentences = x->info.nsentences;
	i->terms = x->nterms;
	for (int k = 0; k < 16; k++) {
		i->terms_n[k] = x->info.nterms_n[k];
		i->occurrences_n[k] = x->info.cf_n[k];
	}
	i->input_bytes = x->info.input_bytes;
	i->file_bytes = x->map.len;
}

int ngidx_index_section(const ngidx_index *x, size_t i, ngidx_section_info *s)
{
	if (i >= x->nsec)
		return -1;
	s->name = idx_section_name(x->table[i].kind);
	s->offset = x->table[i].off;
	s->length = x->table[i].len;
	return 0;
}

unsigned idx_text_n(const char *s, size_t len)
{
	unsigned n = 1;
	for (size_t i = 0; i < len; i++)
		n += s[i] == ' ';
	return n;
}

/* One LEXDATA term (idx_format.h): the hash40 or its difference, df,
 * cf - df, the text and postings lengths. @return 0, or -1 if malformed. */
static inline int lex_get(const unsigned char **p, const unsigned char *end, uint64_t *dh,
                          uint64_t *df, uint64_t *extra, uint64_t *tl, uint64_t *pl)
{
	uint64_t tx;
	if (ngidx_varint_get(p, end, dh) || ngidx_varint_get(p, end, df) ||
	    ngidx_varint_get(p, end, &tx))
		return -1;
	*extra = 0;
	if ((tx & 1) && (ngidx_varint_get(p, end, extra) || ++*extra == 0))
		return -1;
	*tl = tx >> 1;
	return ngidx_varint_get(p, end, pl) ? -1 : 0;
}

int idx_lex_block(const ngidx_index *x, uint64_t b, idx_term_rec *r)
{
	const struct ngx_lex_block *h = &x->blocks[b];
	uint64_t first = b * NGX_LEX_BLOCK;
	int cnt = (int)(x->nterms - first < NGX_LEX_BLOCK ? x->nterms - first : NGX_LEX_BLOCK);
	/* offsets are checked as integers before any pointer is formed */
	if (h->data_off > h[1].data_off || h[1].data_off > (uint64_t)(x->lexdata_end - x->lexdata))
		return -1;
	const unsigned char *p = x->lexdata + h->data_off, *end = x->lexdata + h[1].data_off;
	uint64_t post = h->post_off, text = h->text_off;
	uint64_t plen = x->by_kind[NGX_SEC_POSTINGS]->len, tlen = x->by_kind[NGX_SEC_TERMTEXT]->len;
	uint64_t h40 = 0;
	for (int i = 0; i < cnt; i++) {
		uint64_t dh, df, extra, tl, pl;
		if (lex_get(&p, end, &dh, &df, &extra, &tl, &pl))
			return -1;
		h40 = i ? h40 + dh : dh;
		if (h40 >> 40 || df == 0 || df > UINT32_MAX || extra > UINT64_MAX - df || tl > tlen - text ||
		    text > tlen || pl > plen - post || post > plen)
			return -1;
		r[i] = (idx_term_rec){ h40, df, df + extra, post, pl, text, tl };
		post += pl;
		text += tl;
	}
	if (p != end || post != h[1].post_off || text != h[1].text_off)
		return -1;
	return cnt;
}

int idx_term_at(const ngidx_index *x, uint64_t id, idx_term_rec *r)
{
	idx_term_rec blk[NGX_LEX_BLOCK];
	if (id >= x->nterms)
		return -1;
	int n = idx_lex_block(x, id / NGX_LEX_BLOCK, blk);
	if (n < 0 || (uint64_t)n <= id % NGX_LEX_BLOCK)
		return -1;
	*r = blk[id % NGX_LEX_BLOCK];
	return 0;
}

static void fill_term(const ngidx_index *x, uint64_t id, const idx_term_rec *r, ngidx_term *t)
{
	t->id = id;
	t->cf = r->cf;
	t->df = (uint32_t)r->df;
	t->text = idx_rec_text(x, r);
	t->text_len = (size_t)r->text_len;
	t->n = idx_text_n(t->text, t->text_len);
}

int ngidx_term_find(const ngidx_index *x, const char *text, size_t len, ngidx_term *t)
{
	uint64_t h = ngidx_hash64(text, len), want = NGX_HASH40(h);
	uint64_t k = x->dir_bits ? h >> (64 - x->dir_bits) : 0;
	uint64_t b = x->dir[k];
	if (b > x->nblocks)
		return -NGIDX_ERR_CORRUPT;
	uint64_t plen = x->by_kind[NGX_SEC_POSTINGS]->len, tlen = x->by_kind[NGX_SEC_TERMTEXT]->len;
	const unsigned char *tt = x->by_kind[NGX_SEC_TERMTEXT]->p;
	/* Decode term by term and stop as soon as the hash40 passes: the
	 * same checks as idx_lex_block, but no more terms than needed. */
	for (; b < x->nblocks; b++) {
		const struct ngx_lex_block *hd = &x->blocks[b];
		if (hd->data_off > hd[1].data_off || hd[1].data_off > (uint64_t)(x->lexdata_end - x->lexdata))
			return -NGIDX_ERR_CORRUPT;
		const unsigned char *p = x->lexdata + hd->data_off, *end = x->lexdata + hd[1].data_off;
		uint64_t post = hd->post_off, toff = hd->text_off, h40 = 0, first = b * NGX_LEX_BLOCK;
		uint64_t cnt = x->nterms - first < NGX_LEX_BLOCK ? x->nterms - first : NGX_LEX_BLOCK;
		for (uint64_t i = 0; i < cnt; i++) {
			uint64_t dh, df, extra, tl, pl;
			if (lex_get(&p, end, &dh, &df, &extra, &tl, &pl) || toff > tlen || tl > tlen - toff)
				return -NGIDX_ERR_CORRUPT;
			h40 = i ? h40 + dh : dh;
			if (h40 > want)
				return 0;
			if (h40 == want && tl == len && !memcmp(tt + toff, text, len)) {
				if (df == 0 || df > UINT32_MAX || extra > UINT64_MAX - df || post > plen || pl > plen - post)
					return -NGIDX_ERR_CORRUPT;
				idx_term_rec r = { h40, df, df + extra, post, pl, toff, tl };
				fill_term(x, first + i, &r, t);
				return 1;
			}
			post += pl;
			toff += tl;
		}
	}
	return 0;
}

int ngidx_term_get(const ngidx_index *x, uint64_t id, ngidx_term *t, ngidx_error *err)
{
	if (id >= x->nterms)
		return ngidx_err_set(err, NGIDX_ERR_RANGE, "term %llu out of range", (unsigned long long)id);
	idx_term_rec r;
	if (idx_term_at(x, id, &r))
		return ERR_CORRUPT(err, "section lexicon: block %llu is corrupt",
		                   (unsigned long long)(id / NGX_LEX_BLOCK));
	fill_term(x, id, &r, t);
	return NGIDX_OK;
}

/* ---- postings ---- */

int idx_postings_init(ngidx_postings *p, const ngidx_index *x, uint64_t id, ngidx_error *err)
{
	memset(p, 0, sizeof *p);
	if (id >= x->nterms)
		return ngidx_err_set(err, NGIDX_ERR_RANGE, "term %llu out of range", (unsigned long long)id);
	idx_term_rec e;
	if (idx_term_at(x, id, &e))
		return ERR_CORRUPT(err, "section lexicon: block %llu is corrupt",
		                   (unsigned long long)(id / NGX_LEX_BLOCK));
	const idx_sec *s = x->by_kind[NGX_SEC_POSTINGS];
	uint64_t a = e.post_off, b = e.post_off + e.post_len;
	const char *text = idx_rec_text(x, &e);
	unsigned n = idx_text_n(text, (size_t)e.text_len);
	if (e.df > x->ndocs || n > ngx_term_n_limit(text, (size_t)e.text_len, x->max_n))
		return ERR_CORRUPT(err, "section lexicon: term %llu is inconsistent", (unsigned long long)id);
	p->idx = x;
	p->base = s->p + a;
	p->df = (uint32_t)e.df;
	p->cf = e.cf;
	p->n = n;
	p->nblocks = (e.df + NGIDX_BLOCK - 1) / NGIDX_BLOCK;
	p->area = s->p + b;
	if (p->nblocks > 1) {
		if ((b - a) / 16 < p->nblocks)
			return ERR_CORRUPT(err, "postings of term %llu too short for the skip table",
			                   (unsigned long long)id);
		p->area -= 16 * p->nblocks;
		p->skip = p->area;
	}
	p->blk = UINT64_MAX;
	return NGIDX_OK;
}

void idx_postings_release(ngidx_postings *p)
{
	ngidx_free(p->pos);
	ngidx_free(p->run_at);
	ngidx_free(p->run_done);
	ngidx_free(p->dpos);
	p->pos = p->dpos = NULL;
	p->run_at = NULL;
	p->run_done = NULL;
	p->pos_cap = p->run_at_cap = p->run_done_cap = p->dpos_cap = 0;
}

int ngidx_postings_open(const ngidx_index *x, uint64_t id, ngidx_postings **out, ngidx_error *err)
{
	*out = NULL;
	ngidx_postings *p = ngidx_malloc(sizeof *p);
	if (!p)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	int rc = idx_postings_init(p, x, id, err);
	if (rc) {
		ngidx_free(p);
		return rc;
	}
	*out = p;
	return NGIDX_OK;
}

void ngidx_postings_free(ngidx_postings *p)
{
	if (!p)
		return;
	idx_postings_release(p);
	ngidx_free(p);
}

static uint64_t skip_off(const ngidx_postings *p, uint64_t b) { return ngidx_le64(p->skip + 16 * b); }
static uint32_t skip_last(const ngidx_postings *p, uint64_t b) { return ngidx_le32(p->skip + 16 * b + 8); }

/* Decode @n values at *@pp (< @end): pfor for a full block, a Rice group
 * for NGIDX_RICE_MIN values or more, else varints. */
static int get_values(const unsigned char **pp, const unsigned char *end, uint32_t *v, size_t n)
{
	if (n == NGIDX_BLOCK) {
		size_t k = ngidx_pfor_decode(*pp, end, v, n);
		if (!k)
			return -1;
		*pp += k;
		return 0;
	}
	if (n >= NGIDX_RICE_MIN)
		return ngidx_rice_decode(pp, end, v, n);
	for (size_t i = 0; i < n; i++)
		if (ngidx_varint_get32(pp, end, &v[i]))
			return -1;
	return 0;
}

int ngidx_index_postings_size(const ngidx_index *x, ngidx_postings_size *out, ngidx_error *err)
{
	memset(out, 0, sizeof *out);
	ngidx_postings p;
	for (uint64_t id = 0; id < x->nterms; id++) {
		FORWARD_IF_ERROR(idx_postings_init(&p, x, id, err));
		uint64_t size = (uint64_t)(p.area - p.base), ids = 0;
		int bad = 0;
		for (uint64_t b = 0; b < p.nblocks && !bad; b++) {
			uint64_t so = p.skip ? skip_off(&p, b) : 0;
			uint64_t eo = p.skip && b + 1 < p.nblocks ? skip_off(&p, b + 1) : size;
			uint32_t m = b + 1 < p.nblocks ? NGIDX_BLOCK : (uint32_t)(p.df - (p.nblocks - 1) * NGIDX_BLOCK);
			const unsigned char *q = p.base + so, *end = p.base + eo;
			uint32_t g[NGIDX_BLOCK];
			if (so > eo || eo > size) {
				bad = 1;
			} else if (m == NGIDX_BLOCK) {
				size_t k = ngidx_pfor_size(q, end, NGIDX_BLOCK);
				bad = !k;
				ids += k;
				out->packed_postings += NGIDX_BLOCK;
				out->packed_id_bytes += k;
			} else {
				bad = get_values(&q, end, g, m);
				ids += (uint64_t)(q - (p.base + so));
			}
		}
		uint64_t skips = p.skip ? 16 * p.nblocks : 0, df = p.df;
		uint64_t total = size + skips;
		idx_postings_release(&p);
		if (bad)
			return ERR_CORRUPT(err, "postings of term %llu are corrupt", (unsigned long long)id);
		out->postings += df;
		out->id_bytes += ids;
		out->skip_bytes += skips;
		out->other_bytes += total - ids - skips;
	}
	return NGIDX_OK;
}

/* The stored tf - 1 of @m documents to their tf; nonzero if one is out of
 * range. No early exit, so that the loop vectorizes. */
static inline uint32_t tf_of_stored(uint32_t *tf, uint32_t m)
{
	uint32_t bad = 0;
	for (uint32_t i = 0; i < m; i++) {
		bad |= tf[i] == UINT32_MAX;
		tf[i]++;
	}
	return bad;
}

/* get_values fills g[0..m) or fails; -fanalyzer cannot see into the
 * decoder (another file) and reports g as uninitialized. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-use-of-uninitialized-value"
#endif
static int load_block(ngidx_postings *p, uint64_t b, ngidx_error *err)
{
	/* offsets are checked as integers before any pointer is formed */
	uint64_t size = (uint64_t)(p->area - p->base);
	uint64_t so = p->skip ? skip_off(p, b) : 0;
	uint64_t eo = p->skip && b + 1 < p->nblocks ? skip_off(p, b + 1) : size;
	if (so > eo || eo > size)
		return -ERR_CORRUPT(err, "postings block %llu out of bounds", (unsigned long long)b);
	const unsigned char *start = p->base + so, *end = p->base + eo;
	uint32_t m = b + 1 < p->nblocks ? NGIDX_BLOCK : (uint32_t)(p->df - (p->nblocks - 1) * NGIDX_BLOCK);
	/* next: the least id the next document may have */
	uint64_t next = b == 0 ? 0 : (uint64_t)skip_last(p, b - 1) + 1;
	const unsigned char *q = start;
	uint32_t g[NGIDX_BLOCK];
	if (get_values(&q, end, g, m))
		return -ERR_CORRUPT(err, "postings block %llu: bad document ids", (unsigned long long)b);
	for (uint32_t i = 0; i < m; i++) {
		next += g[i];
		p->docs[i] = (uint32_t)next++;
	}
	/* ids increase: if the last is in range, all are (and none wrapped) */
	if (next > p->idx->ndocs)
		return -ERR_CORRUPT(err, "postings block %llu: document id out of range",
		                    (unsigned long long)b);
	if (p->skip && p->docs[m - 1] != skip_last(p, b))
		return -ERR_CORRUPT(err, "postings block %llu disagrees with its skip entry",
		                    (unsigned long long)b);
	if (p->df == 1) {
		if (p->cf > UINT32_MAX)
			return -ERR_CORRUPT(err, "postings: frequency out of range");
		p->tfs[0] = (uint32_t)p->cf;
	} else if (p->cf == p->df) {
		for (uint32_t i = 0; i < m; i++)
			p->tfs[i] = 1;
	} else {
		if (get_values(&q, end, p->tfs, m))
			return -ERR_CORRUPT(err, "postings block %llu: bad frequencies", (unsigned long long)b);
		/* a full block's trip count a constant: the loop vectorizes */
		if (m == NGIDX_BLOCK ? tf_of_stored(p->tfs, NGIDX_BLOCK) : tf_of_stored(p->tfs, m))
			return -ERR_CORRUPT(err, "postings: frequency out of range");
	}
	p->blk = b;
	p->nb = m;
	p->i = 0;
	p->pos_p = q;
	p->blk_end = end;
	p->pos_ready = 0;
	p->lazy_ready = 0;
	return 1;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

int ngidx_postings_next(ngidx_postings *p, ngidx_error *err)
{
	if (p->done)
		return 0;
	if (p->blk != UINT64_MAX && p->i + 1 < p->nb) {
		p->i++; /* same block: decoded positions stay valid */
		return 1;
	}
	uint64_t b = p->blk == UINT64_MAX ? 0 : p->blk + 1;
	if (b >= p->nblocks) {
		p->done = 1;
		return 0;
	}
	return load_block(p, b, err);
}

int ngidx_postings_seek(ngidx_postings *p, uint32_t doc, ngidx_error *err)
{
	if (p->done)
		return 0;
	if (p->blk != UINT64_MAX && p->docs[p->i] >= doc)
		return 1;
	uint64_t b = p->blk == UINT64_MAX ? 0 : p->blk;
	if (p->skip && (p->blk == UINT64_MAX || p->docs[p->nb - 1] < doc)) {
		/* First block from b whose last document is >= doc: gallop, as
		 * intersections mostly seek a little ahead, then bisect. */
		uint64_t lo = b, hi = b, step = 1;
		while (hi < p->nblocks && skip_last(p, hi) < doc) {
			lo = hi + 1;
			hi = p->nblocks - lo > step ? lo + step : p->nblocks;
			step *= 2;
		}
		/* it is in [lo, hi], hi == nblocks meaning none */
		while (lo < hi) {
			uint64_t mid = lo + (hi - lo) / 2;
			if (skip_last(p, mid) < doc)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == p->nblocks) {
			p->done = 1;
			return 0;
		}
		b = lo;
	}
	if (b != p->blk) {
		int rc = load_block(p, b, err);
		if (rc != 1)
			return rc;
	}
	while (p->docs[p->i] < doc) {
		if (p->i + 1 == p->nb) {
			if (p->blk + 1 >= p->nblocks) {
				p->done = 1;
				return 0;
			}
			int rc = load_block(p, p->blk + 1, err);
			if (rc != 1)
				return rc;
			continue;
		}
		p->i++;
	}
	return 1;
}

uint32_t ngidx_postings_doc(const ngidx_postings *p) { return p->docs[p->i]; }
uint32_t ngidx_postings_tf(const ngidx_postings *p) { return p->tfs[p->i]; }

/* pos_start[] (where each document's values start) and the block's total
 * number of position values, checked against the bytes that hold them. */
static int block_starts(ngidx_postings *p, ngidx_error *err)
{
	uint64_t total = 0;
	for (uint32_t i = 0; i < p->nb; i++) {
		p->pos_start[i] = (uint32_t)total;
		total += p->tfs[i];
	}
	/* A run of 128 values takes at least 1 byte (all gaps 0: one word
	 * repeated), a varint 1 byte: so at most 128 values per byte. */
	if (total > (uint64_t)(p->blk_end - p->pos_p) * NGIDX_BLOCK || total > UINT32_MAX - 1)
		return ERR_CORRUPT(err, "positions block larger than its bytes");
	p->pos_start[p->nb] = (uint32_t)total;
	p->total = (uint32_t)total;
	if (NGIDX_RESERVE(p->pos, p->pos_cap, (size_t)total + 1))
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	return NGIDX_OK;
}

/* Gaps [@from, @to) of p->pos to positions in @out; -1 if out of range. */
static int gaps_to_positions(const uint32_t *gap, uint32_t from, uint32_t to, uint32_t *out)
{
	uint64_t prev1 = 0;
	for (uint32_t j = from; j < to; j++) {
		uint64_t v = prev1 + gap[j];
		if (v >= UINT32_MAX)
			return -1;
		out[j - from] = (uint32_t)v;
		prev1 = v + 1;
	}
	return 0;
}

int idx_postings_block_positions(ngidx_postings *p, ngidx_error *err)
{
	if (p->pos_ready)
		return NGIDX_OK;
	FORWARD_IF_ERROR(block_starts(p, err));
	uint64_t total = p->total;
	const unsigned char *q = p->pos_p;
	for (uint64_t i = 0; i < total; i += NGIDX_BLOCK) {
		size_t k = total - i < NGIDX_BLOCK ? (size_t)(total - i) : NGIDX_BLOCK;
		if (get_values(&q, p->blk_end, p->pos + i, k))
			return ERR_CORRUPT(err, "bad positions block");
	}
	for (uint32_t d = 0; d < p->nb; d++)
		if (gaps_to_positions(p->pos, p->pos_start[d], p->pos_start[d + 1], p->pos + p->pos_start[d]))
			return ERR_CORRUPT(err, "position out of range");
	p->pos_end = q;
	p->pos_ready = 1;
	p->lazy_ready = 0; /* pos now holds positions, not gaps */
	return NGIDX_OK;
}

/* The current document's positions into p->dpos, decoding only the runs
 * that hold them (a frequent word's block can hold thousands of values, of
 * which a phrase check needs one document's). */
static int doc_positions(ngidx_postings *p, ngidx_error *err)
{
	if (!p->lazy_ready) {
		FORWARD_IF_ERROR(block_starts(p, err));
		size_t nrun = (p->total + NGIDX_BLOCK - 1) / NGIDX_BLOCK;
		if (NGIDX_RESERVE(p->run_at, p->run_at_cap, nrun + 1) ||
		    NGIDX_RESERVE(p->run_done, p->run_done_cap, nrun + 1))
			return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		memset(p->run_done, 0, nrun + 1);
		p->run_at[0] = p->pos_p;
		p->nrun_at = 1;
		p->lazy_ready = 1;
	}
	uint32_t s = p->pos_start[p->i], e = p->pos_start[p->i + 1];
	uint32_t r0 = s / NGIDX_BLOCK, r1 = (e - 1) / NGIDX_BLOCK;
	while (p->nrun_at <= r1) { /* runs before the last are full */
		uint32_t r = p->nrun_at - 1;
		size_t k = ngidx_pfor_size(p->run_at[r], p->blk_end, NGIDX_BLOCK);
		if (!k)
			return ERR_CORRUPT(err, "bad positions block");
		p->run_at[p->nrun_at++] = p->run_at[r] + k;
	}
	for (uint32_t r = r0; r <= r1; r++) {
		if (p->run_done[r])
			continue;
		const unsigned char *q = p->run_at[r];
		uint32_t first = r * NGIDX_BLOCK;
		size_t k = p->total - first < NGIDX_BLOCK ? p->total - first : NGIDX_BLOCK;
		if (get_values(&q, p->blk_end, p->pos + first, k))
			return ERR_CORRUPT(err, "bad positions block");
		p->run_done[r] = 1;
	}
	if (NGIDX_RESERVE(p->dpos, p->dpos_cap, (size_t)(e - s)))
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	if (gaps_to_positions(p->pos, s, e, p->dpos))
		return ERR_CORRUPT(err, "position out of range");
	return NGIDX_OK;
}

int ngidx_postings_positions(ngidx_postings *p, const uint32_t **pos, ngidx_error *err)
{
	if (p->n != 1)
		return ngidx_err_set(err, NGIDX_ERR_ARG, "positions are stored for single words only");
	if (p->pos_ready) {
		*pos = p->pos + p->pos_start[p->i];
		return NGIDX_OK;
	}
	FORWARD_IF_ERROR(doc_positions(p, err));
	*pos = p->dpos;
	return NGIDX_OK;
}

/* ---- documents ---- */

int ngidx_doc_get(const ngidx_index *x, uint32_t id, ngidx_doc *d, ngidx_error *err)
{
	if (id >= x->ndocs)
		return ngidx_err_set(err, NGIDX_ERR_RANGE, "document %u out of range", id);
	const struct ngx_doc_entry *e = &x->docs[id];
	const idx_sec *s = x->by_kind[NGX_SEC_DOCSTR];
	if (e->str_off > e[1].str_off || e[1].str_off > s->len)
		return ERR_CORRUPT(err, "document %u: bad name offset", id);
	const unsigned char *p = s->p + e->str_off, *end = s->p + e[1].str_off;
	uint64_t nl, ml;
	if (ngidx_varint_get(&p, end, &nl) || nl > (uint64_t)(end - p))
		return ERR_CORRUPT(err, "document %u: bad name", id);
	memset(d, 0, sizeof *d);
	d->name = (const char *)p;
	d->name_len = (size_t)nl;
	p += nl;
	if (ngidx_varint_get(&p, end, &ml) || ml != (uint64_t)(end - p))
		return ERR_CORRUPT(err, "document %u: bad metadata", id);
	d->meta = p;
	d->meta_len = (size_t)ml;
	d->id = id;
	d->date = e->date;
	d->tokens = e->ntokens;
	d->sentences = e->nsent;
	d->text_bytes = e->text_len;
	d->bad_utf8 = !!(e->flags & NGX_DOC_BAD_UTF8);
	return NGIDX_OK;
}

int ngidx_doc_meta_next(const ngidx_doc *d, size_t *pos, const char **key, size_t *klen,
                        const char **val, size_t *vlen, int *is_string)
{
	if (!d->meta_len)
		return 0;
	const unsigned char *p = d->meta, *end = d->meta + d->meta_len;
	uint64_t count, v;
	if (ngidx_varint_get(&p, end, &count))
		return -NGIDX_ERR_CORRUPT;
	if (*pos == 0)
		*pos = (size_t)(p - d->meta);
	p = d->meta + *pos;
	if (p >= end)
		return 0;
	if (ngidx_varint_get(&p, end, &v) || v > (uint64_t)(end - p))
		return -NGIDX_ERR_CORRUPT;
	*key = (const char *)p;
	*klen = (size_t)v;
	p += v;
	if (p >= end || *p > 1)
		return -NGIDX_ERR_CORRUPT;
	*is_string = *p++;
	if (ngidx_varint_get(&p, end, &v) || v > (uint64_t)(end - p))
		return -NGIDX_ERR_CORRUPT;
	*val = (const char *)p;
	*vlen = (size_t)v;
	p += v;
	*pos = (size_t)(p - d->meta);
	return 1;
}

void ngidx_buffer_free(void *p) { ngidx_free(p); }

int ngidx_doc_text(const ngidx_index *x, uint32_t id, char **buf, size_t *cap, size_t *len,
                   ngidx_error *err)
{
	const idx_sec *s = x->by_kind[NGX_SEC_TEXT];
	if (!s)
		return ngidx_err_set(err, NGIDX_ERR_NOTEXT, "the index was built with --no-text");
	if (id >= x->ndocs)
		return ngidx_err_set(err, NGIDX_ERR_RANGE, "document %u out of range", id);
	const struct ngx_doc_entry *e = &x->docs[id];
	*len = 0;
	if (e->text_len == 0)
		return NGIDX_OK;
	if (e->text_off >= s->len)
		return ERR_CORRUPT(err, "document %u: text offset out of range", id);
	/* The text starts at text_pos in the frame at text_off; a document too
	 * long for one frame goes on in frames of its own (FORMAT.md). */
	uint64_t want = (uint64_t)e->text_pos + e->text_len, have = 0, off = e->text_off;
	do {
		const unsigned char *f = s->p + off;
		size_t avail = off < s->len ? (size_t)(s->len - off) : 0;
		size_t fsize = avail ? ZSTD_findFrameCompressedSize(f, avail) : 0;
		unsigned long long csize = avail ? ZSTD_getFrameContentSize(f, avail) : 0;
		if (!avail || ZSTD_isError(fsize) || csize == ZSTD_CONTENTSIZE_ERROR ||
		    csize == ZSTD_CONTENTSIZE_UNKNOWN || csize == 0 || csize > (1ull << 32) ||
		    (have && csize > want - have))
			return ERR_CORRUPT(err, "document %u: bad text frame", id);
		if (NGIDX_RESERVE(*buf, *cap, (size_t)(have + csize)))
			return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		size_t got = ZSTD_decompress(*buf + have, (size_t)csize, f, fsize);
		if (ZSTD_isError(got) || got != csize)
			return ERR_CORRUPT(err, "document %u: text does not decompress", id);
		have += csize;
		off += fsize;
	} while (have < want);
	memmove(*buf, *buf + e->text_pos, e->text_len);
	*len = e->text_len;
	return NGIDX_OK;
}
