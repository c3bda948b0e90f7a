/*
 * idx_reader.h - the private side of an open index, shared by the reader,
 * the verifier and the query engine.
 *
 * Ownership: everything points into the index's mapping.
 */
#ifndef NGIDX_FORMAT_IDX_READER_H
#define NGIDX_FORMAT_IDX_READER_H

#include <stdint.h>
#include "ngidx/index.h"
#include "codec/codec.h"
#include "common/fileio.h"
#include "format/idx_format.h"

typedef struct idx_sec {
	const unsigned char *p;
	uint64_t off, len, hash;
	uint32_t kind;
} idx_sec;

struct ngidx_index {
	ngidx_map map;
	unsigned major, minor, analyzer, max_n;
	uint32_t flags, min_df, min_count;
	idx_sec table[NGX_MAX_SECTIONS]; /* in file order */
	unsigned nsec;
	const idx_sec *by_kind[NGX_SEC_KIND_MAX + 1];
	struct ngx_info info;
	const struct ngx_lex_block *blocks;
	uint64_t nterms, nblocks;
	const unsigned char *lexdata, *lexdata_end;
	const uint32_t *dir;
	unsigned dir_bits;
	const struct ngx_doc_entry *docs;
	uint64_t ndocs;
	const struct ngx_date_entry *dates; /* NULL without the DATES section */
	uint64_t ndates;
	/* NTERMS (nt_lists NULL without it): per n, a bitmap of nterms bits
	 * with nt_count bits set, the one of n at (n - 1) * ceil(nterms / 8) */
	const unsigned char *nt_lists;
	unsigned nt_min_cf;
	uint64_t nt_count[NGIDX_MAX_N];
	/* FIELDS (fgroups NULL without it) */
	const struct ngx_field_group *fgroups;
	uint64_t nfgroups;
	const uint64_t *fcollided;
	uint64_t nfcollided;
	const unsigned char *flists;
	uint64_t flists_len;
	/* actors (all zero without them): checked by idx_actors_check */
	const struct ngx_actors_head *act_head;
	const struct ngx_actor_entry *actors;
	uint64_t nactors;
	const unsigned char *actstr;
	uint64_t actstr_len;
	const uint64_t *cooc_rowptr[NGX_COOC_LEVELS], *cooc_counts[NGX_COOC_LEVELS];
	const uint32_t *cooc_cols[NGX_COOC_LEVELS];
	uint64_t cooc_nnz[NGX_COOC_LEVELS];
};

struct ngidx_postings {
	const ngidx_index *idx;
	const unsigned char *base;  /* the term's first byte */
	const unsigned char *area;  /* end of the blocks (start of skip table) */
	const unsigned char *skip;  /* NULL when one block */
	uint64_t nblocks, blk;      /* blk: loaded block, UINT64_MAX none */
	uint64_t cf;
	uint32_t df;
	unsigned n;
	uint32_t nb, i;             /* documents in the block, current index */
	int done;
	uint32_t docs[NGIDX_BLOCK], tfs[NGIDX_BLOCK];
	const unsigned char *pos_p, *blk_end;
	const unsigned char *pos_end; /* after decoding positions */
	int pos_ready;
	uint32_t *pos;
	size_t pos_cap;
	uint32_t pos_start[NGIDX_BLOCK + 1];
	/* positions one document at a time (ngidx_postings_positions): the
	 * block's values are runs of NGIDX_BLOCK; a run is decoded (raw gaps,
	 * into pos) only when a document needs it, and skipped by its size */
	int lazy_ready;             /* pos_start, run_at set up for this block */
	uint32_t total;             /* position values in the block */
	const unsigned char **run_at; /* where run r starts, for r < nrun_at */
	uint32_t nrun_at;
	size_t run_at_cap;
	uint8_t *run_done;
	size_t run_done_cap;
	uint32_t *dpos;             /* the current document's positions */
	size_t dpos_cap;
};

/* A decoded lexicon term. */
typedef struct idx_term_rec {
	uint64_t h40, df, cf;
	uint64_t post_off, post_len; /* in POSTINGS */
	uint64_t text_off, text_len; /* in TERMTEXT */
} idx_term_rec;

/*
 * Decode lexicon block @b into @r (NGX_LEX_BLOCK entries at most); every
 * offset and length is checked against its section.
 * @return the number of terms, or -1 if the block is corrupt.
 */
int idx_lex_block(const ngidx_index *x, uint64_t b, idx_term_rec *r);

/*
 * The first term id >= @from set in the NTERMS bitmap of @n (terms of n
 * tokens and at least x->nt_min_cf occurrences). @return 1 with *@id set,
 * 0 if there is none, or -1 (no section, or no such n). Cost O(the bytes
 * skipped / 8).
 */
int idx_nterms_next(const ngidx_index *x, unsigned n, uint64_t from, uint64_t *id);

/*
 * The FIELDS group of metadata @k = @v: *@g, or NULL when no document has
 * it (its documents, as varint gaps, start at x->flists + g->off: the
 * caller reads g->count of them within x->flists_len). @return 0, or -1
 * when the section cannot tell (none, or a collided hash): scan instead.
 */
int idx_field_docs(const ngidx_index *x, const char *k, size_t kl, const char *v, size_t vl,
                   const struct ngx_field_group **g);

/* 1 if FIELDS left hash @h out (its values disagree), else 0. */
int idx_field_collided(const ngidx_index *x, uint64_t h);

/* Term @id. @return 0, or -1 if corrupt. */
int idx_term_at(const ngidx_index *x, uint64_t id, idx_term_rec *r);

/* Check the sizes of the actor sections and set x's actor fields (all
 * three sections or none). @return NGIDX_OK or NGIDX_ERR_CORRUPT. O(actors). */
int idx_actors_check(ngidx_index *x, const char *path, ngidx_error *err);

/* Decode the actor sections whole: strings, matrices (symmetric, sorted,
 * no diagonal) and their agreement with the actor terms of the lexicon.
 * @return NGIDX_OK or NGIDX_ERR_CORRUPT (NGIDX_ERR_NOMEM). O(pairs). */
int idx_actors_verify(const ngidx_index *x, ngidx_error *err);

/* Name of a section kind ("lexicon", ...). */
const char *idx_section_name(uint32_t kind);

/* Initialise a cursor in caller storage (the public one allocates). */
int idx_postings_init(ngidx_postings *p, const ngidx_index *idx, uint64_t id, ngidx_error *err);
void idx_postings_release(ngidx_postings *p);

/* Decode the positions of the whole current block (verify uses it). */
int idx_postings_block_positions(ngidx_postings *p, ngidx_error *err);

/* The text of a decoded term (already bounds-checked). */
static inline const char *idx_rec_text(const ngidx_index *x, const idx_term_rec *r)
{
	return (const char *)x->by_kind[NGX_SEC_TERMTEXT]->p + r->text_off;
}

/* Whether every n-gram of 1..max_n tokens that occurs has a lexicon entry.
 * Unless the build pruned by --min-df or --min-count; then an n-gram of
 * 2+ tokens that is not found may still occur, and is counted from the
 * unigram positions. */
static inline int idx_lex_complete(const ngidx_index *x)
{
	return x->min_df <= 1 && x->min_count <= 1;
}

/* Tokens in a term's text: 1 + its spaces. */
unsigned idx_text_n(const char *s, size_t len);

#endif
