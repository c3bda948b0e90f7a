/*
 * assemble.c - the index file from the merged partitions.
 *
 * The partitions hold terms in (hash, text) order with offsets relative to
 * their own text and postings files. One pass over their terms rebases the
 * offsets, encodes the terms in blocks of NGX_LEX_BLOCK (LEXDATA, written
 * straight into the index) and writes the block headers and the hash
 * directory to scratch files, which follow as sections of their own; the
 * other sections are the partitions' and the documents' files copied in
 * order. TEXT, the first section, the pipeline has already streamed into
 * the writer as it read the documents. Every section is hashed as it
 * streams (idx_writer).
 *
 * TOPLIST, NTERMS and CONT need a pass of their own over the terms and a
 * join (toplists.c), one task per partition; one more task writes
 * everything else meanwhile, and they come last.
 * The writing phase was one thread's, about a third of a 2-thread build at
 * 200 MB; measured in bench/RESULTS.md.
 */
#include "assemble.h"
#include "toplists.h"
#include "actors_out.h"
#include "xsort.h"
#include "codec/codec.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/mem.h"
#include "ngidx/index.h"
#include "format/idx_writer.h"
#include "text/analyze.h"

#include <string.h>
#include <unistd.h>

/* Directory size: about one lexicon block per bucket. */
static unsigned dir_bits_for(uint64_t nterms)
{
	unsigned b = 0;
	while (b < 32 && (2ull * NGX_LEX_BLOCK << b) <= nterms)
		b++;
	return b;
}

/* Section @kind from the temporary files @paths, in order, each removed once
 * copied: the temporary disk then holds each byte once, in the file or in
 * the index (the files TOPLIST's pass has mapped go when it is done with
 * them). */
static int section_from_files(idx_writer *w, uint32_t kind, char *const *paths, size_t n,
                              ngidx_error *err)
{
	int rc = NGIDX_OK;
	idx_writer_begin(w, kind);
	for (size_t i = 0; i < n && !rc; i++)
		if (!(rc = ngidx_wfile_append_file(&w->f, paths[i], err)))
			unlink(paths[i]);
	idx_writer_end(w);
	return rc;
}

/* The temporary file @name appended to the open section. */
static int append_tmp(idx_writer *w, const assemble_in *in, const char *name, ngidx_error *err)
{
	char *p = ngidx_strdupf("%s/%s", in->tmpdir, name);
	if (!p)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	int rc = ngidx_wfile_append_file(&w->f, p, err);
	ngidx_free(p);
	return rc;
}

/*
 * The DATES section: (date, doc) of every dated document, in that order,
 * from the document table written by the pipeline, through an external
 * sort on date << 32 | doc (memory: a quarter of --memory at most). No
 * section when no document has a date.
 */
static int write_dates(idx_writer *w, const assemble_in *in, ngidx_error *err)
{
	char *path = ngidx_strdupf("%s/docs", in->tmpdir);
	if (!path)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	xsort xs;
	memset(&xs, 0, sizeof xs);
	ngidx_map m;
	int rc = ngidx_map_file(&m, path, err);
	ngidx_free(path);
	if (rc)
		return rc;
	rc = xsort_init(&xs, 8, NULL, in->tmpdir, "dates", (size_t)(in->o->memory / 4), err);
	size_t n = m.len / sizeof(struct ngx_doc_entry), dropped = 0, dated = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		struct ngx_doc_entry e;
		memcpy(&e, m.p + i * sizeof e, sizeof e);
		uint64_t key = (uint64_t)e.date << 32 | i;
		if (e.date) {
			rc = xsort_add(&xs, &key, err);
			dated++;
		}
		if (i * sizeof e - dropped >= RUN_DROP)
			dropped = ngidx_map_drop(&m, dropped, i * sizeof e);
	}
	ngidx_map_release(&m);
	rc = rc ? rc : xsort_finish(&xs, err);
	if (rc || !dated) {
		xsort_release(&xs);
		return rc;
	}
	idx_writer_begin(w, NGX_SEC_DATES);
	const void *r;
	int more = 0;
	while (!rc && (more = xsort_next(&xs, &r, err)) == 1) {
		uint64_t key;
		memcpy(&key, r, 8);
		struct ngx_date_entry d = { (uint32_t)(key >> 32), (uint32_t)key };
		ngidx_wfile_write(&w->f, &d, sizeof d);
	}
	if (!rc && more < 0)
		rc = -more;
	idx_writer_end(w);
	xsort_release(&xs);
	return rc;
}

/* A metadata field of a document, for the FIELDS sort: where it is in
 * DOCSTR, so that the texts of equal hashes can be compared. */
typedef struct field_rec {
	uint64_t hash;
	uint64_t doc;
	uint64_t pos;       /* of the document's record in docstr */
	uint64_t nth;       /* the field's ordinal in it */
} field_rec;

static int cmp_field(const void *a, const void *b)
{
	const field_rec *x = a, *y = b;
	if (x->doc != y->doc)
		return x->doc < y->doc ? -1 : 1;
	return (x->nth > y->nth) - (x->nth < y->nth);
}

/* Field @nth of the document whose DOCSTR record is at @p[0, @n). @return
 * 1 with it, 0 if malformed. */
static int field_at(const unsigned char *p, size_t n, uint64_t nth, const char **k, size_t *kl,
                    const char **v, size_t *vl)
{
	const unsigned char *end = p + n;
	uint64_t nl, ml;
	if (ngidx_varint_get(&p, end, &nl) || nl > (uint64_t)(end - p))
		return 0;
	p += nl;
	if (ngidx_varint_get(&p, end, &ml) || ml > (uint64_t)(end - p))
		return 0;
	ngidx_doc d = { 0 };
	d.meta = p;
	d.meta_len = (size_t)ml;
	size_t pos = 0;
	int is;
	for (uint64_t i = 0; i <= nth; i++)
		if (ngidx_doc_meta_next(&d, &pos, k, kl, v, vl, &is) != 1)
			return 0;
	return 1;
}

/* The pages of the document table and strings that write_fields read:
 * dropped every DROP_EVERY records, so that they do not all stay resident
 * (100 MB of a 4 GB corpus's). */
#define DROP_EVERY 16384u

static void drop_maps(const ngidx_map *dm, const ngidx_map *sm)
{
	ngidx_map_drop(dm, 0, dm->len);
	ngidx_map_drop(sm, 0, sm->len);
}

/*
 * The FIELDS section: every (document, FIELD=VALUE) of DOCSTR through an
 * external sort by (hash, document), then one group per hash. A group whose
 * texts differ (two values of one 64-bit hash) is left out and its hash
 * listed, so that readers scan for those values. No section when no
 * document has metadata.
 */
static int write_fields(idx_writer *w, const assemble_in *in, ngidx_error *err)
{
	char *dpath = ngidx_strdupf("%s/docs", in->tmpdir), *spath = ngidx_strdupf("%s/docstr", in->tmpdir);
	char *lpath = ngidx_strdupf("%s/fieldlists", in->tmpdir);
	char *gpath = ngidx_strdupf("%s/fieldgroups", in->tmpdir);
	ngidx_map dm = { 0 }, sm = { 0 };
	xsort xs;
	memset(&xs, 0, sizeof xs);
	ngidx_wfile lists, groups;
	uint64_t *coll = NULL; /* hashes of groups left out */
	size_t ncoll = 0, coll_cap = 0;
	int rc = dpath && spath && lpath && gpath ? NGIDX_OK
	                                          : ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	int lists_open = 0;
	rc = rc ? rc : ngidx_map_file(&dm, dpath, err);
	rc = rc ? rc : ngidx_map_file(&sm, spath, err);
	rc = rc ? rc : xsort_init(&xs, sizeof(field_rec), cmp_field, in->tmpdir, "fields",
	                          (size_t)(in->o->memory / 4), err);
	size_t ndocs = dm.len / sizeof(struct ngx_doc_entry);
	uint64_t nrec = 0;
	for (size_t i = 0; i < ndocs && !rc; i++) {
		struct ngx_doc_entry e;
		memcpy(&e, dm.p + i * sizeof e, sizeof e);
		uint64_t end = i + 1 < ndocs ? ((const struct ngx_doc_entry *)(const void *)dm.p)[i + 1].str_off
		                             : sm.len;
		if (e.str_off > end || end > sm.len) {
			rc = ngidx_err_set(err, NGIDX_ERR_CORRUPT, "temporary document table is corrupt");
			break;
		}
		const char *k, *v;
		size_t kl, vl;
		for (uint64_t f = 0;
		     !rc && field_at(sm.p + e.str_off, (size_t)(end - e.str_off), f, &k, &kl, &v, &vl); f++) {
			field_rec r = { ngx_field_hash(k, kl, v, vl), i, e.str_off, f };
			rc = xsort_add(&xs, &r, err);
			if (++nrec % DROP_EVERY == 0)
				drop_maps(&dm, &sm);
		}
	}
	rc = rc ? rc : xsort_finish(&xs, err);
	if (!rc && nrec && !(rc = ngidx_wfile_open(&lists, lpath, 1u << 16, err)))
		lists_open = 1;
	if (!rc && nrec && !(rc = ngidx_wfile_open(&groups, gpath, 1u << 16, err)))
		lists_open = 2;
	if (rc || !nrec)
		goto done;
	struct ngx_fields_head head = { 0 };
	const void *p;
	field_rec first = { 0 }, prev = { 0 };
	const char *fk = NULL, *fv = NULL;
	size_t fkl = 0, fvl = 0;
	uint64_t count = 0, off = 0, nread = 0;
	int have = 0, clash = 0;
	for (;;) {
		int more = xsort_next(&xs, &p, err);
		if (more < 0) {
			rc = -more;
			break;
		}
		field_rec r;
		if (more)
			memcpy(&r, p, sizeof r);
		if (have && (!more || r.hash != first.hash)) { /* close the group */
			if (clash) { /* its list stays in the area, unreferenced */
				if (NGIDX_RESERVE(coll, coll_cap, ncoll + 1)) {
					rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
					break;
				}
				coll[ncoll++] = first.hash;
			} else {
				struct ngx_field_group g = { first.hash, off, (uint32_t)count, 0 };
				ngidx_wfile_write(&groups, &g, sizeof g);
				head.ngroups++;
			}
			have = 0;
		}
		if (!more)
			break;
		const char *k, *v;
		size_t kl, vl;
		uint64_t end = r.doc + 1 < ndocs
		                       ? ((const struct ngx_doc_entry *)(const void *)dm.p)[r.doc + 1].str_off
		                       : sm.len;
		if (r.pos > end || end > sm.len ||
		    !field_at(sm.p + r.pos, (size_t)(end - r.pos), r.nth, &k, &kl, &v, &vl)) {
			rc = ngidx_err_set(err, NGIDX_ERR_CORRUPT, "temporary document strings are corrupt");
			break;
		}
		if (!have) {
			first = r;
			fk = k, fkl = kl, fv = v, fvl = vl;
			count = 0;
			clash = 0;
			have = 1;
			off = lists.written;
		} else if (kl != fkl || vl != fvl || memcmp(k, fk, kl) || memcmp(v, fv, vl)) {
			clash = 1;
		}
		if (++nread % DROP_EVERY == 0)
			drop_maps(&dm, &sm);
		if (count && r.doc == prev.doc)
			continue; /* the same pair twice in one document */
		ngidx_wfile_put_varint(&lists, count ? r.doc - prev.doc : r.doc);
		count++;
		prev = r;
	}
	head.ncollided = ncoll;
	head.lists_len = lists.written;
	int r1 = ngidx_wfile_close(&groups, 0, rc ? NULL : err);
	rc = rc ? rc : r1;
	r1 = ngidx_wfile_close(&lists, 0, rc ? NULL : err);
	rc = rc ? rc : r1;
	lists_open = 0;
	if (!rc) {
		idx_writer_begin(w, NGX_SEC_FIELDS);
		ngidx_wfile_write(&w->f, &head, sizeof head);
		rc = ngidx_wfile_append_file(&w->f, gpath, err);
		for (size_t c = 0; c < ncoll && !rc; c++)
			ngidx_wfile_write(&w->f, &coll[c], 8);
		rc = rc ? rc : ngidx_wfile_append_file(&w->f, lpath, err);
		idx_writer_end(w);
	}
done:
	if (lists_open >= 2)
		ngidx_wfile_abort(&groups);
	if (lists_open >= 1)
		ngidx_wfile_abort(&lists);
	ngidx_free(coll);
	xsort_release(&xs);
	ngidx_map_release(&dm);
	ngidx_map_release(&sm);
	ngidx_free(dpath);
	ngidx_free(spath);
	ngidx_free(lpath);
	ngidx_free(gpath);
	return rc;
}

/*
 * LEXDATA, LEXICON and LEXDIR: one pass over the partitions' terms,
 * rebased and encoded in blocks; the block headers and the directory go to
 * scratch files, which follow as sections of their own. Each partition's
 * lexicon is removed once read.
 */
static int write_lexicon(idx_writer *w, const assemble_in *in, unsigned bits, ngidx_error *err)
{
	const merge_out *parts = in->parts;
	uint64_t nb = 1ull << bits;
	ngidx_wfile dir, blocks;
	char *dir_path = ngidx_strdupf("%s/lexdir", in->tmpdir);
	char *blocks_path = ngidx_strdupf("%s/lexblocks", in->tmpdir);
	int rc = dir_path && blocks_path ? ngidx_wfile_open(&dir, dir_path, 1u << 20, err)
	                                 : ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	if (!rc && (rc = ngidx_wfile_open(&blocks, blocks_path, 1u << 20, err)))
		ngidx_wfile_abort(&dir);
	if (rc) {
		ngidx_free(dir_path);
		ngidx_free(blocks_path);
		return rc;
	}
	idx_writer_begin(w, NGX_SEC_LEXDATA);
	uint64_t data_start = w->f.written;
	uint64_t post_base = 0, text_base = 0, idx = 0, next_k = 0, nblk = 0, prev40 = 0;
	for (size_t p = 0; p < in->nparts && !rc; p++) {
		ngidx_map m;
		if ((rc = ngidx_map_file(&m, parts[p].lex_path, err)))
			break;
		const unsigned char *at = m.p, *end = m.p + m.len;
		merge_term e = { 0 };
		size_t dropped = 0;
		for (uint64_t i = 0; i < parts[p].nterms; i++, idx++) {
			if ((size_t)(at - m.p) - dropped >= RUN_DROP)
				dropped = ngidx_map_drop(&m, dropped, (size_t)(at - m.p));
			if (merge_term_get(&at, end, &e)) {
				rc = ngidx_err_set(err, NGIDX_ERR_CORRUPT, "'%s': a damaged term",
				                   parts[p].lex_path);
				break;
			}
			uint64_t h40 = NGX_HASH40(e.hash);
			if (idx % NGX_LEX_BLOCK == 0) {
				struct ngx_lex_block bh = { w->f.written - data_start, e.post_off + post_base,
				                            e.text_off + text_base };
				ngidx_wfile_write(&blocks, &bh, sizeof bh);
				nblk++;
				ngidx_wfile_put_varint(&w->f, h40);
			} else {
				ngidx_wfile_put_varint(&w->f, h40 - prev40);
			}
			prev40 = h40;
			ngidx_wfile_put_varint(&w->f, e.df);
			ngidx_wfile_put_varint(&w->f, e.text_len << 1 | (e.cf > e.df));
			if (e.cf > e.df)
				ngidx_wfile_put_varint(&w->f, e.cf - e.df - 1);
			ngidx_wfile_put_varint(&w->f, e.post_len);
			uint64_t k = bits ? e.hash >> (64 - bits) : 0;
			for (; next_k <= k; next_k++) {
				uint32_t v = (uint32_t)(nblk - 1);
				ngidx_wfile_write(&dir, &v, 4);
			}
		}
		if (!rc && (at != end || e.text_off + e.text_len != parts[p].text_bytes ||
		            e.post_off + e.post_len != parts[p].post_bytes))
			rc = ngidx_err_set(err, NGIDX_ERR_CORRUPT, "'%s': terms and files disagree",
			                   parts[p].lex_path);
		ngidx_map_release(&m);
		unlink(parts[p].lex_path); /* read once (TOPLIST's pass has it mapped) */
		post_base += parts[p].post_bytes;
		text_base += parts[p].text_bytes;
	}
	for (; next_k <= nb; next_k++) {
		uint32_t v = (uint32_t)nblk;
		ngidx_wfile_write(&dir, &v, 4);
	}
	struct ngx_lex_block sentinel = { w->f.written - data_start, post_base, text_base };
	ngidx_wfile_write(&blocks, &sentinel, sizeof sentinel);
	idx_writer_end(w);
	int r = ngidx_wfile_close(&dir, 0, rc ? NULL : err);
	rc = rc ? rc : r;
	r = ngidx_wfile_close(&blocks, 0, rc ? NULL : err);
	rc = rc ? rc : r;
	if (!rc)
		rc = section_from_files(w, NGX_SEC_LEXICON, &blocks_path, 1, err);
	if (!rc)
		rc = section_from_files(w, NGX_SEC_LEXDIR, &dir_path, 1, err);
	ngidx_free(dir_path);
	ngidx_free(blocks_path);
	return rc;
}

/* Every section but TOPLIST, NTERMS and CONT, in file order. */
static int write_sections(idx_writer *w, const assemble_in *in, unsigned bits, ngidx_error *err)
{
	const merge_out *parts = in->parts;
	size_t nparts = in->nparts;
	FORWARD_IF_ERROR(write_lexicon(w, in, bits, err));
	char **paths = ngidx_malloc((nparts + 1) * sizeof *paths);
	if (!paths)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	for (size_t p = 0; p < nparts; p++)
		paths[p] = parts[p].text_path;
	int rc = section_from_files(w, NGX_SEC_TERMTEXT, paths, nparts, err);
	if (!rc) {
		idx_writer_begin(w, NGX_SEC_DOCS);
		rc = append_tmp(w, in, "docs", err);
		struct ngx_doc_entry end = { 0 };
		end.str_off = in->docstr_len;
		end.sent_off = in->sents_len;
		end.text_off = in->text_len;
		ngidx_wfile_write(&w->f, &end, sizeof end);
		idx_writer_end(w);
	}
	if (!rc)
		rc = write_dates(w, in, err);
	if (!rc)
		rc = write_fields(w, in, err);
	static const struct { uint32_t kind; const char *name; } docfiles[] = {
		{ NGX_SEC_DOCSTR, "docstr" }, { NGX_SEC_SENTS, "sents" },
	};
	for (size_t i = 0; i < 2 && !rc; i++) {
		idx_writer_begin(w, docfiles[i].kind);
		rc = append_tmp(w, in, docfiles[i].name, err);
		idx_writer_end(w);
	}
	if (!rc && in->dict)
		rc = actors_write(w, in->dict, in->o->window, parts, nparts, err);
	if (!rc) {
		for (size_t p = 0; p < nparts; p++)
			paths[p] = parts[p].post_path;
		rc = section_from_files(w, NGX_SEC_POSTINGS, paths, nparts, err);
	}
	ngidx_free(paths);
	return rc;
}

int assemble_index(assemble_in *in, uint64_t *index_bytes, ngidx_error *err)
{
	const ngidx_build_opts *o = in->o;
	struct ngx_info info = in->info;
	for (size_t p = 0; p < in->nparts; p++) {
		info.nterms += in->parts[p].nterms;
		info.actor_terms += in->parts[p].nactor_terms;
		for (int k = 0; k < NGIDX_MAX_N; k++) {
			info.nterms_n[k] += in->parts[p].nterms_n[k];
			info.cf_n[k] += in->parts[p].cf_n[k];
		}
	}
	unsigned bits = dir_bits_for(info.nterms);
	info.dir_bits = bits;

	idx_writer *w = in->w;
	toplists *tl = NULL;
	int rc = toplists_create(&tl, in->parts, in->nparts, info.nterms, o->max_n, in->tmpdir,
	                         o->memory, err);
	if (!rc) {
		idx_writer_begin(w, NGX_SEC_INFO);
		ngidx_wfile_write(&w->f, &info, sizeof info);
		idx_writer_end(w);
		/* TOPLIST and CONT (a pass over the terms, then a join by
		 * buckets) run as tasks beside the writing of the other
		 * sections, which starts first: it is the longest task, and the
		 * scans map what it reads and then removes. The joins follow the
		 * scans; the last one merges the best terms. TOPLIST, NTERMS
		 * and CONT come last in the file. */
		ngidx_error terr = { 0 };
		int trc = NGIDX_OK;
		size_t left = toplists_parts(tl);
#pragma omp parallel num_threads(in->threads > 1 ? in->threads : 1)
#pragma omp single
		{
#pragma omp task shared(rc)
			rc = write_sections(w, in, bits, err);
#pragma omp taskgroup
			{
				for (size_t p = 0; p < toplists_parts(tl); p++) {
#pragma omp task firstprivate(p)
					toplists_scan(tl, p);
				}
			}
			for (size_t p = 0; p < toplists_parts(tl); p++) {
#pragma omp task firstprivate(p) shared(left, trc, terr)
				{
					toplists_join(tl, p);
					/* seq_cst: the last join reads what the others wrote */
					size_t now;
#pragma omp atomic capture seq_cst
					now = --left;
					if (!now)
						trc = toplists_lists(tl, &terr);
				}
			}
		}
		if (!rc && trc) {
			rc = trc;
			if (err)
				*err = terr;
		}
	}
	if (!rc)
		rc = toplists_write(tl, w, err);
	toplists_free(tl);
	if (!rc && w->f.rc) {
		rc = w->f.rc;
		if (err)
			*err = w->f.err;
	}
	if (rc) {
		idx_writer_abort(w);
		return rc;
	}
	ngidx_wfile_pad(&w->f, 8); /* as the commit does: the trailer is aligned */
	uint64_t size = w->f.written + NGX_TRAILER_SIZE;
	rc = idx_writer_commit(w, NGIDX_ANALYZER_ID, o->store_text ? NGX_FLAG_TEXT : 0, o->max_n,
	                       o->min_df, o->min_count, err);
	if (!rc) {
		*index_bytes = size;
		in->info = info;
	}
	return rc;
}
