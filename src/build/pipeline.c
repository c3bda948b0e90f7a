/*
 * pipeline.c - the build driver: read, analyze and count in parallel, spill,
 * merge, write.
 *
 * Reading. The main thread pulls documents from the corpus reader and copies
 * them into batches of about batch_bytes of text. Texts are also cut into
 * zstd frames (a frame closes once it holds NGX_TEXT_FRAME bytes or
 * FRAME_DOCS documents); a batch only ever closes at a frame boundary, so
 * the frames - and with them the whole file - depend on the input alone,
 * never on the thread count or the memory bound.
 *
 * Indexing. A wave of 2 x threads batches goes through two phases, each an
 * OpenMP loop. Phase A, over the batches (dynamic schedule): a worker
 * analyzes each document, records its token and sentence counts, finds
 * its n-grams (hashes, after the sieve) and actor keys, keeps them in the
 * batch, the n-grams sorted out by owner, and compresses the batch's
 * frames. Phase B, over the accumulators: there is one per thread, and
 * each owns a range of hashes (accum_owner), so that an n-gram is counted
 * by one accumulator only; each takes every document of the wave in order
 * (accum.c requires increasing ids) and counts the n-grams it owns; the
 * first also counts the actor keys. Owning rather than sharing the
 * n-grams makes the runs those of one accumulator with all the memory: the
 * frequent n-grams are not held, spilled and merged once per thread (200
 * MB, 2 threads: 380.6 MB of runs with shared n-grams, 303.7 MB owned, as
 * with one thread). Before a document that could push an accumulator past
 * its share of --memory, it spills a sorted run; and before phase B, if
 * one accumulator expects to fill up during the wave, all spill, so that
 * none waits for another at the end of the phase. When the wave is done
 * the main thread writes the documents' records and sentence lists, in
 * order, to temporary files, and their compressed text to the index file
 * itself, whose first section it is.
 *
 * Merging. A worker that has spilled RUN_FANIN runs of one level below
 * RUN_TOP_LEVEL (or of any level, once it holds RUN_MAX_RUNS runs) merges
 * them at once into one run of the next level
 * (compact.c), on its own thread: each n-gram's text and header is then
 * written once for many spills, and the runs at the end are few (1 GB,
 * --memory 256M: 238 runs of 3.2 GB became 28 of 2.0 GB). At the end every
 * accumulator spills what it holds, the runs are merged by key-range
 * partitions in parallel (merge.c), and assemble.c writes the index from
 * the partitions and the document files.
 *
 * Two passes. With min_count or min_df >= 2 and inputs that can be read
 * again, all of the above first runs once with nothing accumulated or
 * written: the workers only insert the n-grams of 2+ tokens into the sieve
 * (sieve.h), and in the second pass the accumulators skip those it has seen
 * once. The second pass must read the same documents, bytes and texts
 * (same_input), or the build fails.
 *
 * Long documents. A document longer than long_doc (4 MiB) comes from the
 * reader in an anonymous file rather than in memory. It ends its batch and
 * has text frames of its own; the first accumulator's thread, in phase B,
 * reads it in pieces (process_long) and counts all its n-grams,
 * so that the index is that of the whole text at the cost of a few pieces
 * of memory. A spill between two pieces puts the document in two runs,
 * which the merge joins back (merge.c, split_docs).
 *
 * Memory. With M = --memory and T threads: a wave holds 2T batches of
 * M/128T text (64 KB to 1 MB), their compressed copy, and their n-grams
 * kept for phase B (13 bytes each, about 7 bytes per byte of text), so
 * about M/7 at most, with the analysis buffers; each accumulator's share
 * is (M - M/4 - the sieve's "twice", at most M/8) / T, at most
 * ACCUM_SHARE_MAX, and covers its table's growth; in the first pass
 * the sieve takes at most M/2 + M/8 instead.
 * The merge needs a few MB per partition and three chunks of 32 KB per run
 * and partition (less when that would pass M/2); a worker merging
 * RUN_FANIN runs, three chunks per run and two 1 MB file buffers: records
 * longer than a chunk are read in pieces (run.h), so neither grows with
 * the corpus. The reader's line buffer grows to the longest line up to
 * long_doc.
 */
#include "ngidx/build.h"
#include "accum.h"
#include "assemble.h"
#include "compact.h"
#include "merge.h"
#include "run.h"
#include "sieve.h"
#include "codec/codec.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/hash.h"
#include "common/mem.h"
#include "corpus/corpus.h"
#include "format/idx_format.h"
#include "format/idx_writer.h"
#include "text/analyze.h"
#include "actors/dict.h"
#include "cooc.h"

#include <dirent.h>
#include <errno.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>
#include <zstd.h>

#define FRAME_DOCS 4096u
#define ZSTD_LEVEL 3
#define PIECE_DEFAULT ((size_t)256 << 10)
#define WAVE_BATCHES 2                   /* per thread */
#define BATCH_MIN ((uint64_t)64 << 10)  /* text of a batch: M/128T within these */
#define BATCH_MAX ((uint64_t)1 << 20)

void ngidx_build_opts_init(ngidx_build_opts *o)
{
	memset(o, 0, sizeof *o);
	o->max_n = 3;
	o->min_df = 1;
	o->min_count = 2;
	o->memory = 1ull << 30;
	o->store_text = 1;
	o->window = 10;
}

unsigned ngidx_version_number(void) { return NGIDX_VERSION_NUMBER; }

int ngidx_parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	if (!s || *s < '0' || *s > '9') /* strtoull would take " -1" */
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	unsigned shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: break;
	}
	if (shift && end[0] == 'i' && end[1] == 'B')
		end += 2;
	else if (*end == 'B' || *end == 'b')
		end++;
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* A document inside a batch, with what the worker learned of it. */
typedef struct bdoc {
	uint64_t text_off;          /* in batch.text */
	uint32_t text_len;
	uint32_t str_off, str_len;  /* name and metadata, encoded, in batch.str */
	uint32_t date, flags;
	uint32_t frame, frame_pos;
	uint32_t ntokens, nsent;
	uint64_t sent_off, sent_len;/* in batch.sents */
	/* a long document: its text in fd[0, long_len), its frames after */
	int fd;                     /* -1 for others */
	uint64_t long_len, zlen;
	/* where its tokens and keys are in batch.g, and the memory that
	 * counting them may need */
	size_t g_joined, g_tstart, g_key, g_nkey;
	uint64_t need;
} bdoc;

/* The n-grams of a batch that one accumulator owns (accum.h: accum_grams). */
typedef struct owned {
	uint64_t *hash;
	uint32_t *start;
	unsigned char *len;
	size_t n, hash_cap, start_cap, len_cap;
} owned;

/* The tokens, n-grams and keys of a batch's documents, as phase A found
 * them for phase B. */
typedef struct bgrams {
	char *joined;
	size_t joined_len, joined_cap;
	uint32_t *tstart;
	size_t tstart_len, tstart_cap;
	owned *own;                 /* [nown]: by owner */
	size_t nown;
	uint32_t *first;            /* [ndocs][nown]: a document's first n-gram in own[] */
	size_t first_cap;
	accum_key *keys;            /* their texts: koff[] in ktext */
	uint32_t *koff;
	size_t nkeys, keys_cap, koff_cap;
	char *ktext;
	size_t ktext_len, ktext_cap;
} bgrams;

typedef struct batch {
	uint32_t first_doc;
	bdoc *docs;
	size_t ndocs, docs_cap;
	char *text;
	size_t text_len, text_cap;
	unsigned char *str;
	size_t str_len, str_cap;
	uint64_t *frame_start;      /* text offset of each frame; nframes */
	size_t nframes, frames_cap;
	/* worker outputs */
	unsigned char *sents;
	size_t sents_len, sents_cap;
	unsigned char *ztext;
	size_t ztext_len, ztext_cap;
	uint64_t *frame_zoff;       /* nframes + 1 offsets in ztext */
	size_t frame_zoff_cap;
	bgrams g;
} batch;

/* Close the files of the long documents not emitted. */
static void batch_close_files(batch *b)
{
	for (size_t i = 0; i < b->ndocs; i++) {
		if (b->docs[i].fd >= 0)
			close(b->docs[i].fd);
		b->docs[i].fd = -1;
	}
	b->ndocs = 0;
}

static void batch_release(batch *b)
{
	batch_close_files(b);
	ngidx_free(b->docs);
	ngidx_free(b->text);
	ngidx_free(b->str);
	ngidx_free(b->frame_start);
	ngidx_free(b->sents);
	ngidx_free(b->ztext);
	ngidx_free(b->frame_zoff);
	bgrams *g = &b->g;
	ngidx_free(g->joined);
	ngidx_free(g->tstart);
	for (size_t o = 0; o < g->nown; o++) {
		ngidx_free(g->own[o].hash);
		ngidx_free(g->own[o].start);
		ngidx_free(g->own[o].len);
	}
	ngidx_free(g->own);
	ngidx_free(g->first);
	ngidx_free(g->keys);
	ngidx_free(g->koff);
	ngidx_free(g->ktext);
	memset(b, 0, sizeof *b);
}

/* What a worker needs for a long document, besides the rest. */
typedef struct long_scratch {
	char *buf;                  /* text read and not yet analyzed */
	size_t len, cap;
	ngidx_tokens carry, cmb;    /* last tokens of a piece; carry + next */
	char *frame;                /* text of the open frame */
	size_t nframe;
	unsigned char *z;           /* a compressed frame */
	size_t zcap;
	void *xs_mem;               /* XXH3 state of the text (digest), */
	XXH3_state_t *xs;           /* in xs_mem aligned as it requires */
} long_scratch;

typedef struct worker {
	accum *acc;
	ngidx_tokens tok;
	long_scratch ls;
	actor_scratch as;
	cooc_keys ck;
	uint64_t mentions;
	uint64_t digest;            /* of the texts it analyzed (same_input) */
	ZSTD_CCtx *zc;
	unsigned seq;               /* runs named */
	char **runs;                /* its runs, oldest first, and their */
	unsigned char *level;       /* levels: non-increasing (compact_runs) */
	size_t nruns, runs_cap, level_cap;
	uint64_t spills, spill_bytes, merges;
	uint64_t grow;              /* what its accumulator took in the last wave */
} worker;

typedef struct build {
	const ngidx_build_opts *o;
	actor_dict *dict;           /* NULL without --actors */
	ngidx_build_stats *st;
	char *tmpdir;
	int threads;
	uint64_t batch_bytes, share;
	worker *w;
	batch *wave;
	size_t wave_cap;
	/* the reader's frame state */
	uint64_t frame_fill;
	uint32_t frame_docs;
	/* sequential outputs */
	ngidx_wfile docs, docstr, sents;
	int open_files;
	idx_writer out;             /* the index, from the pass that writes on: */
	int out_open;               /* TEXT streams straight into it */
	uint64_t text_start;        /* out.f.written where TEXT's bytes begin */
	uint64_t next_doc;
	uint64_t max_doc_tokens;
	size_t piece;               /* target piece of a long document */
	int split;                  /* some document was read in pieces */
	const ngidx_corpus *corpus;
	sieve *sv;                  /* a two-pass build's filter, else NULL */
	int pass1;                  /* in its first pass */
	uint64_t docs1, bytes1;     /* what the first pass read */
	uint64_t digest1;
	/* first error of the parallel phase */
	int prc;
	ngidx_error perr;
} build;

static int put_varint_buf(unsigned char **p, size_t *len, size_t *cap, uint64_t v)
{
	if (NGIDX_RESERVE(*p, *cap, *len + NGIDX_VARINT64_MAX))
		return NGIDX_ERR_NOMEM;
	*len += ngidx_varint_put(*p + *len, v);
	return NGIDX_OK;
}

static int put_bytes_buf(unsigned char **p, size_t *len, size_t *cap, const void *s, size_t n)
{
	if (NGIDX_RESERVE(*p, *cap, *len + n))
		return NGIDX_ERR_NOMEM;
	if (n)
		memcpy(*p + *len, s, n);
	*len += n;
	return NGIDX_OK;
}

/* Copy @d into batch @b (a long document's file is taken, not copied). */
static int batch_add(build *B, batch *b, const ngidx_doc_in *d)
{
	if (d->text_len > UINT32_MAX)
		return NGIDX_ERR_INPUT;
	if (NGIDX_RESERVE(b->docs, b->docs_cap, b->ndocs + 1))
		return NGIDX_ERR_NOMEM;
	bdoc *x = &b->docs[b->ndocs];
	memset(x, 0, sizeof *x);
	x->fd = -1;
	x->text_len = (uint32_t)d->text_len;
	x->date = d->date;
	if (d->text_fd >= 0) {
		/* Frames of its own; the next document opens a new frame. */
		x->long_len = d->text_len;
		B->frame_fill = NGX_TEXT_FRAME;
		B->split = 1;
		B->st->long_docs++;
	} else {
		if (NGIDX_RESERVE(b->text, b->text_cap, b->text_len + d->text_len))
			return NGIDX_ERR_NOMEM;
		/* A new frame when the current one is full (or this is a new batch). */
		if (b->nframes == 0 || B->frame_fill >= NGX_TEXT_FRAME || B->frame_docs >= FRAME_DOCS) {
			if (NGIDX_RESERVE(b->frame_start, b->frames_cap, b->nframes + 1))
				return NGIDX_ERR_NOMEM;
			b->frame_start[b->nframes++] = b->text_len;
			B->frame_fill = 0;
			B->frame_docs = 0;
		}
		x->text_off = b->text_len;
		x->frame = (uint32_t)(b->nframes - 1);
		x->frame_pos = (uint32_t)(b->text_len - b->frame_start[x->frame]);
		if (d->text_len)
			memcpy(b->text + b->text_len, d->text, d->text_len);
		b->text_len += d->text_len;
		B->frame_fill += d->text_len;
		B->frame_docs++;
	}
	/* name and metadata, in the DOCSTR encoding */
	size_t s0 = b->str_len;
	int rc = put_varint_buf(&b->str, &b->str_len, &b->str_cap, d->name_len);
	rc = rc ? rc : put_bytes_buf(&b->str, &b->str_len, &b->str_cap, d->name, d->name_len);
	size_t mlen = 0;
	unsigned char *m = NULL;
	size_t mcap = 0;
	if (d->nmeta) {
		rc = rc ? rc : put_varint_buf(&m, &mlen, &mcap, d->nmeta);
		for (size_t i = 0; i < d->nmeta && !rc; i++) {
			const ngidx_meta_field *f = &d->meta[i];
			unsigned char t = (unsigned char)(f->is_string ? 1 : 0);
			rc = put_varint_buf(&m, &mlen, &mcap, f->key_len);
			rc = rc ? rc : put_bytes_buf(&m, &mlen, &mcap, f->key, f->key_len);
			rc = rc ? rc : put_bytes_buf(&m, &mlen, &mcap, &t, 1);
			rc = rc ? rc : put_varint_buf(&m, &mlen, &mcap, f->val_len);
			rc = rc ? rc : put_bytes_buf(&m, &mlen, &mcap, f->val, f->val_len);
		}
	}
	rc = rc ? rc : put_varint_buf(&b->str, &b->str_len, &b->str_cap, mlen);
	rc = rc ? rc : put_bytes_buf(&b->str, &b->str_len, &b->str_cap, m, mlen);
	ngidx_free(m);
	if (rc)
		return rc;
	if (b->str_len > UINT32_MAX)
		return NGIDX_ERR_INPUT;
	x->str_off = (uint32_t)s0;
	x->str_len = (uint32_t)(b->str_len - s0);
	x->fd = d->text_fd;
	b->ndocs++;
	return NGIDX_OK;
}

static void set_perr(build *B, int rc, const ngidx_error *e, const char *fallback)
{
#pragma omp critical
	{
		if (!B->prc) {
			B->prc = rc;
			if (e && e->code)
				B->perr = *e;
			else
				ngidx_err_set(&B->perr, rc, "%s: %s", fallback, ngidx_strerror(rc));
		}
	}
}

/* Whether accumulator @acc, not empty, must spill before it takes a
 * document that needs @need bytes and adds at most @new_terms terms. */
static int must_spill(const build *B, const accum *acc, uint64_t need, uint64_t new_terms)
{
	uint64_t live = accum_live(acc);
	return live && live + need + accum_table_need(acc, new_terms) > B->share;
}

/* A new run's path for worker @tid, or NULL. */
static char *run_path(build *B, int tid)
{
	return ngidx_strdupf("%s/run-%d-%u", B->tmpdir, tid, B->w[tid].seq++);
}

/*
 * The first of RUN_FANIN consecutive runs of worker @w to merge next, or
 * SIZE_MAX. Levels never increase towards the newest run, so the runs of a
 * level are consecutive:
 *   - the last RUN_FANIN runs, if they are of one level below
 *     RUN_TOP_LEVEL (spills merged as they come: no such level ever holds
 *     RUN_FANIN runs for long);
 *   - else, while the worker holds more than RUN_MAX_RUNS runs, the oldest
 *     RUN_FANIN of the lowest level that has as many: their merge goes
 *     where they were, after the runs of higher levels, before the rest
 *     of its own.
 */
static size_t runs_to_merge(const worker *w)
{
	size_t n = w->nruns;
	if (n >= RUN_FANIN && w->level[n - RUN_FANIN] == w->level[n - 1] &&
	    w->level[n - 1] < RUN_TOP_LEVEL)
		return n - RUN_FANIN;
	if (n <= RUN_MAX_RUNS)
		return SIZE_MAX;
	for (size_t end = n, at; end; end = at) {
		for (at = end - 1; at && w->level[at - 1] == w->level[end - 1]; at--)
			;
		if (end - at >= RUN_FANIN)
			return at;
	}
	return SIZE_MAX;
}

/* Merge worker @tid's runs while runs_to_merge says so. */
static int compact_runs(build *B, int tid, ngidx_error *err)
{
	worker *w = &B->w[tid];
	for (size_t at; (at = runs_to_merge(w)) != SIZE_MAX;) {
		char *path = run_path(B, tid);
		if (!path)
			return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		int rc = run_compact(w->runs + at, RUN_FANIN, path, NULL, err);
		if (rc) {
			ngidx_free(path);
			return rc;
		}
		for (size_t i = at; i < at + RUN_FANIN; i++) {
			unlink(w->runs[i]);
			ngidx_free(w->runs[i]);
		}
		w->runs[at] = path;
		w->level[at]++;
		size_t rest = w->nruns - at - RUN_FANIN;
		memmove(w->runs + at + 1, w->runs + at + RUN_FANIN, rest * sizeof *w->runs);
		memmove(w->level + at + 1, w->level + at + RUN_FANIN, rest * sizeof *w->level);
		w->nruns -= RUN_FANIN - 1;
		w->merges++;
	}
	return NGIDX_OK;
}

static int spill(build *B, int tid, ngidx_error *err)
{
	worker *w = &B->w[tid];
	if (NGIDX_RESERVE(w->runs, w->runs_cap, w->nruns + 1) ||
	    NGIDX_RESERVE(w->level, w->level_cap, w->nruns + 1))
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	char *path = run_path(B, tid);
	if (!path)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	uint64_t bytes = 0;
	int rc = accum_spill(w->acc, path, &bytes, err);
	if (rc) {
		ngidx_free(path);
		return rc;
	}
	w->runs[w->nruns] = path;
	w->level[w->nruns++] = 0;
	w->spills++;
	w->spill_bytes += bytes;
	return compact_runs(B, tid, err);
}

/* ---------------------------------------------------------- long documents */

static void long_scratch_release(long_scratch *L)
{
	ngidx_free(L->buf);
	ngidx_tokens_release(&L->carry);
	ngidx_tokens_release(&L->cmb);
	ngidx_free(L->frame);
	ngidx_free(L->z);
	ngidx_free(L->xs_mem);
	memset(L, 0, sizeof *L);
}

/* Whether the UTF-8 character at @p (@n bytes left) is a letter, mark or
 * digit. */
static int word_char(const char *p, size_t n)
{
	utf8proc_int32_t cp;
	if (utf8proc_iterate((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)n, &cp) <= 0)
		return 0;
	utf8proc_category_t c = utf8proc_category(cp);
	return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO;
}

/* Whether the character that ends just before @p[i] is a letter, mark or
 * digit. */
static int word_char_before(const char *p, size_t i)
{
	size_t k = i - 1;
	while (k > 0 && i - k < 4 && ((unsigned char)p[k] & 0xc0) == 0x80)
		k--;
	utf8proc_int32_t cp;
	utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)p + k,
	                                      (utf8proc_ssize_t)(i - k), &cp);
	return l == (utf8proc_ssize_t)(i - k) && word_char(p + k, i - k);
}

static int is_cut(const char *p, size_t n, size_t i)
{
	return p[i - 1] == ' ' && word_char(p + i, n - i) && word_char_before(p, i - 1);
}

/*
 * Where a long document may be cut: just after a single ASCII space that
 * has a letter, mark or digit on each side. Both sides then analyze as in
 * the whole text: the space separates tokens and is a starter that composes
 * with nothing (so NFKC cannot reach across it), and no sentence rule of
 * sentence.c can fire there (no terminal punctuation, no blank line), so
 * the token after the cut never opens a sentence and nothing before it
 * depends on what follows. @return the last cut in p[2, @want], or else
 * the first in p[@from, @n) (from > want: the part before was searched
 * already), or 0 if there is none.
 */
static size_t find_cut(const char *p, size_t n, size_t want, size_t from)
{
	if (from <= want) {
		for (size_t i = want < n ? want : n - 1; i >= 2; i--)
			if (is_cut(p, n, i))
				return i;
		from = want + 1;
	}
	for (size_t i = from > 2 ? from : 2; i < n; i++)
		if (is_cut(p, n, i))
			return i;
	return 0;
}

/* Append tokens @from.. of @src to @dst. */
static int tokens_append(ngidx_tokens *dst, const ngidx_tokens *src, size_t from)
{
	size_t k = src->ntok - from, b0 = src->off[from], nb = src->off[src->ntok] - b0;
	size_t o = dst->ntok ? dst->off[dst->ntok] : 0;
	if (NGIDX_RESERVE(dst->off, dst->off_cap, dst->ntok + k + 1) ||
	    NGIDX_RESERVE(dst->bytes, dst->bytes_cap, o + nb + 1))
		return NGIDX_ERR_NOMEM;
	memcpy(dst->bytes + o, src->bytes + b0, nb);
	for (size_t i = 0; i <= k; i++)
		dst->off[dst->ntok + i] = (uint32_t)(o + src->off[from + i] - b0);
	dst->ntok += k;
	return NGIDX_OK;
}

static int put_sent(ngidx_tokens *t, uint32_t s)
{
	if (NGIDX_RESERVE(t->sent, t->sent_cap, t->nsent + 1))
		return NGIDX_ERR_NOMEM;
	t->sent[t->nsent++] = s;
	return NGIDX_OK;
}

/* Compress the open frame of a long document into its file. */
static int long_frame(worker *w, bdoc *x, ngidx_error *err)
{
	long_scratch *L = &w->ls;
	if (!L->nframe)
		return NGIDX_OK;
	size_t bound = ZSTD_compressBound(L->nframe);
	if (NGIDX_RESERVE(L->z, L->zcap, bound))
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	size_t k = ZSTD_compressCCtx(w->zc, L->z, bound, L->frame, L->nframe, ZSTD_LEVEL);
	if (ZSTD_isError(k))
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "zstd: %s", ZSTD_getErrorName(k));
	FORWARD_IF_ERROR(ngidx_pwrite_all(x->fd, L->z, k, x->long_len + x->zlen, err));
	x->zlen += k;
	L->nframe = 0;
	return NGIDX_OK;
}

/* Add @n bytes of a long document's text to its frames. */
static int long_text(build *B, worker *w, bdoc *x, const char *p, size_t n, ngidx_error *err)
{
	long_scratch *L = &w->ls;
	if (!B->o->store_text)
		return NGIDX_OK;
	if (!L->frame && !(L->frame = ngidx_malloc(NGX_TEXT_FRAME)))
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	while (n) {
		size_t k = NGX_TEXT_FRAME - L->nframe < n ? NGX_TEXT_FRAME - L->nframe : n;
		memcpy(L->frame + L->nframe, p, k);
		L->nframe += k;
		p += k;
		n -= k;
		if (L->nframe == NGX_TEXT_FRAME)
			FORWARD_IF_ERROR(long_frame(w, x, err));
	}
	return NGIDX_OK;
}

/*
 * The worker's part for long document @i of @b: its text is read from its
 * file in pieces of about B->piece bytes, cut where find_cut allows. Each
 * piece is analyzed on its own and counted after the last tokens of the one
 * before (carry: the max_n - 1 an n-gram needs, and the tokens the actor
 * matcher has not yet decided on), so that the counts, positions,
 * sentences, mentions and co-occurrences are those of the whole text.
 * The worker is thread @tid's; all the n-grams go to accumulator @own (in
 * the first pass, only its scratch is used, and it is the thread's).
 * Memory: a few pieces, whatever the document's length (its sentence
 * list excepted: about 2 bytes a sentence).
 */
static int process_long(build *B, batch *b, size_t i, int tid, int own, ngidx_error *err)
{
	worker *w = &B->w[tid];
	accum *acc = B->w[own].acc;
	long_scratch *L = &w->ls;
	bdoc *x = &b->docs[i];
	const actor_dict *dict = B->pass1 ? NULL : B->dict;
	uint32_t doc = b->first_doc + (uint32_t)i;
	uint64_t off = 0;           /* text read so far */
	uint32_t base = 0;          /* tokens before the piece */
	uint32_t sent_prev = 0;     /* start of the last sentence */
	uint32_t carry_sent = 0;    /* sentence of the first carried token */
	uint64_t resume = 0;        /* the actor matcher goes on at this token */
	int last = 0;
	L->len = 0;
	L->nframe = 0;
	L->carry.ntok = 0;
	L->carry.nsent = 0;
	/* the digest of the whole text: pieces may be cut elsewhere in the
	 * other pass (the buffer's capacity differs) */
	if (!L->xs) {
		size_t align = _Alignof(XXH3_state_t);
		if (!(L->xs_mem = ngidx_malloc(sizeof *L->xs + align)))
			return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		L->xs = (XXH3_state_t *)(((uintptr_t)L->xs_mem + align - 1) & ~(uintptr_t)(align - 1));
	}
	XXH3_64bits_reset_withSeed(L->xs, doc);
	x->sent_off = b->sents_len;
	if (dict)
		cooc_begin(&w->ck, B->o->window);
	while (!last) {
		/* Read until a cut is found beyond the piece size, or the end. */
		size_t cut = 0, from = 0;
		for (;;) {
			if (L->len > B->piece) {
				if ((cut = find_cut(L->buf, L->len, B->piece, from)))
					break;
				from = L->len;
			}
			if (off == x->long_len) {
				cut = L->len;
				last = 1;
				break;
			}
			size_t want = L->len + B->piece;
			if (NGIDX_RESERVE(L->buf, L->cap, want))
				return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			size_t k = x->long_len - off < L->cap - L->len ? (size_t)(x->long_len - off)
			                                                : L->cap - L->len;
			FORWARD_IF_ERROR(ngidx_pread_all(x->fd, L->buf + L->len, k, off, err));
			L->len += k;
			off += k;
		}
		XXH3_64bits_update(L->xs, L->buf, cut);
		if (!B->pass1)
			FORWARD_IF_ERROR(long_text(B, w, x, L->buf, cut, err));
		int rc = ngidx_analyze(&w->tok, L->buf, cut, NGIDX_AN_SENTENCES);
		if (rc)
			return ngidx_err_set(err, rc, "cannot analyze document %u: %s", doc,
			                     ngidx_strerror(rc));
		if (w->tok.ninvalid)
			x->flags |= NGX_DOC_BAD_UTF8;
		if (last && L->cap > 4 * B->piece) { /* a huge piece: its text is done */
			ngidx_free(L->buf);
			L->buf = NULL;
			L->cap = L->len = cut = 0;
		}
		/* The document's sentences: those the piece opens (its first token
		 * opens one only in the first piece: see find_cut). */
		for (size_t k = base ? 1 : 0; k < w->tok.nsent; k++) {
			uint32_t s = base + w->tok.sent[k];
			if (s && put_varint_buf(&b->sents, &b->sents_len, &b->sents_cap, s - sent_prev))
				return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			x->nsent++;
			sent_prev = s;
		}
		/* t = the carried tokens, then the piece's, with sentence starts
		 * local to it (the first token's sentence is 0; without carried
		 * tokens the piece's own tokens do). */
		size_t C = L->carry.ntok;
		ngidx_tokens *t = C ? &L->cmb : &w->tok;
		if (C) {
			t->ntok = t->nsent = 0;
			if (tokens_append(t, &L->carry, 0) || tokens_append(t, &w->tok, 0))
				return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			for (size_t k = 0; k < L->carry.nsent; k++)
				if (put_sent(t, L->carry.sent[k]))
					return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			for (size_t k = 1; k < w->tok.nsent; k++)
				if (put_sent(t, (uint32_t)C + w->tok.sent[k]))
					return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		}
		uint32_t first = base - (uint32_t)C; /* position of cmb token 0 */
		uint64_t need = accum_doc_need(acc, t);
		size_t stop = t->ntok;
		if (dict) {
			size_t ahead = ACTOR_MAX_ALIAS_TOKENS - 1;
			size_t limit = last ? t->ntok : t->ntok > ahead ? t->ntok - ahead : 0;
			size_t at = (size_t)(resume - first);
			if (actor_match_range(dict, t, at, limit, &w->as, &stop))
				return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			for (size_t k = 0; k < w->as.nm; k++) {
				w->as.m[k].start += first;
				w->as.m[k].sent += carry_sent;
			}
			if (cooc_add(&w->ck, w->as.m, w->as.nm) || (last && cooc_end(&w->ck)))
				return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			need += accum_keys_need(w->ck.nk, w->ck.len);
			w->mentions += w->as.nm;
			resume = first + (uint64_t)stop;
		}
		if (!B->pass1 && must_spill(B, acc, need, (uint64_t)B->o->max_n * t->ntok + (dict ? w->ck.nk : 0)))
			FORWARD_IF_ERROR(spill(B, own, err));
		rc = B->pass1 ? accum_sieve_range(acc, B->sv, t, C)
		              : accum_add_range(acc, doc, t, C, base);
		if (!rc && dict)
			rc = accum_add_keys(acc, doc, w->ck.k, w->ck.nk);
		if (rc)
			return ngidx_err_set(err, rc, "out of memory");
		if (dict)
			cooc_clear(&w->ck);
		/* Carry what the next piece needs: the last max_n - 1 tokens and
		 * those from where the matcher stopped. */
		size_t keep = B->o->max_n - 1 < t->ntok ? B->o->max_n - 1 : t->ntok;
		size_t c0 = stop < t->ntok - keep ? stop : t->ntok - keep;
		size_t s0 = 0;
		while (s0 + 1 < t->nsent && t->sent[s0 + 1] <= c0)
			s0++;
		carry_sent += (uint32_t)s0;
		L->carry.ntok = L->carry.nsent = 0;
		if (c0 < t->ntok && tokens_append(&L->carry, t, c0))
			return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		if (put_sent(&L->carry, 0))
			return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		for (size_t k = s0 + 1; k < t->nsent; k++)
			if (put_sent(&L->carry, t->sent[k] - (uint32_t)c0))
				return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		if ((uint64_t)base + w->tok.ntok > UINT32_MAX - 64)
			return ngidx_err_set(err, NGIDX_ERR_INPUT, "document %u: more than 2^32 tokens", doc);
		base += (uint32_t)w->tok.ntok;
		if (L->len > cut)
			memmove(L->buf, L->buf + cut, L->len - cut);
		L->len -= cut;
	}
	x->ntokens = base;
	w->digest += XXH3_64bits_digest(L->xs);
	x->sent_len = b->sents_len - x->sent_off;
	if (B->o->store_text)
		FORWARD_IF_ERROR(long_frame(w, x, err));
	return NGIDX_OK;
}

/* Record where document @i of @b starts in each owner's n-grams. */
static int mark_first(batch *b, size_t i)
{
	bgrams *G = &b->g;
	if (NGIDX_RESERVE(G->first, G->first_cap, (i + 1) * G->nown))
		return NGIDX_ERR_NOMEM;
	for (size_t o = 0; o < G->nown; o++)
		G->first[i * G->nown + o] = (uint32_t)G->own[o].n;
	return NGIDX_OK;
}

/* Keep in @b, for phase B, the tokens and n-grams @g of its document @i,
 * the n-grams sorted out by owner, and the keys of @ck. */
static int keep_grams(batch *b, size_t i, const accum_grams *g, const cooc_keys *ck)
{
	bgrams *G = &b->g;
	bdoc *x = &b->docs[i];
	size_t jl = g->tstart[g->ntok];
	if (NGIDX_RESERVE(G->joined, G->joined_cap, G->joined_len + jl) ||
	    NGIDX_RESERVE(G->tstart, G->tstart_cap, G->tstart_len + g->ntok + 1) || mark_first(b, i))
		return NGIDX_ERR_NOMEM;
	for (size_t o = 0; o < G->nown; o++) {
		owned *w = &G->own[o];
		if (NGIDX_RESERVE(w->hash, w->hash_cap, w->n + g->k) ||
		    NGIDX_RESERVE(w->start, w->start_cap, w->n + g->k) ||
		    NGIDX_RESERVE(w->len, w->len_cap, w->n + g->k))
			return NGIDX_ERR_NOMEM;
	}
	x->g_joined = G->joined_len;
	x->g_tstart = G->tstart_len;
	memcpy(G->tstart + G->tstart_len, g->tstart, (g->ntok + 1) * sizeof *g->tstart);
	if (jl) /* else the array may be NULL */
		memcpy(G->joined + G->joined_len, g->joined, jl);
	G->joined_len += jl;
	G->tstart_len += g->ntok + 1;
	for (size_t j = 0; j < g->k; j++) {
		owned *w = &G->own[accum_owner(g->hash[j], (unsigned)G->nown)];
		w->hash[w->n] = g->hash[j];
		w->start[w->n] = g->start[j];
		w->len[w->n++] = g->len[j];
	}
	x->g_key = G->nkeys;
	x->g_nkey = ck ? ck->nk : 0;
	if (!x->g_nkey)
		return NGIDX_OK;
	if (NGIDX_RESERVE(G->keys, G->keys_cap, G->nkeys + ck->nk) ||
	    NGIDX_RESERVE(G->koff, G->koff_cap, G->nkeys + ck->nk) ||
	    NGIDX_RESERVE(G->ktext, G->ktext_cap, G->ktext_len + ck->len))
		return NGIDX_ERR_NOMEM;
	for (size_t k = 0; k < ck->nk; k++) {
		accum_key *d = &G->keys[G->nkeys + k];
		*d = ck->k[k];
		G->koff[G->nkeys + k] = (uint32_t)G->ktext_len;
		memcpy(G->ktext + G->ktext_len, d->text, d->len);
		G->ktext_len += d->len;
	}
	G->nkeys += ck->nk;
	return NGIDX_OK;
}

/*
 * Phase A, a worker's part: analyze batch @b, keep its n-grams and keys for
 * phase B (in the first pass, insert them into the sieve), compress its
 * frames. A long document is phase B's (first pass: this phase's) whole.
 */
static int process_batch(build *B, batch *b, int tid, ngidx_error *err)
{
	worker *w = &B->w[tid];
	bgrams *G = &b->g;
	b->sents_len = 0;
	if (!G->own && !(G->own = ngidx_calloc((size_t)B->threads, sizeof *G->own)))
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	G->nown = (size_t)B->threads;
	G->joined_len = G->tstart_len = G->nkeys = G->ktext_len = 0;
	for (size_t o = 0; o < G->nown; o++)
		G->own[o].n = 0;
	for (size_t i = 0; i < b->ndocs; i++) {
		bdoc *x = &b->docs[i];
		if (x->fd >= 0) {
			if (B->pass1)
				FORWARD_IF_ERROR(process_long(B, b, i, tid, tid, err));
			else if (mark_first(b, i))
				return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			continue;
		}
		w->digest += XXH3_64bits_withSeed(b->text + x->text_off, x->text_len,
		                                  b->first_doc + (uint64_t)i);
		if (B->pass1) {
			int rc = ngidx_analyze(&w->tok, b->text + x->text_off, x->text_len, 0);
			rc = rc ? rc : accum_sieve_range(w->acc, B->sv, &w->tok, 0);
			if (rc)
				return ngidx_err_set(err, rc, "cannot analyze document %u: %s",
				                     b->first_doc + (uint32_t)i, ngidx_strerror(rc));
			continue;
		}
		int rc = ngidx_analyze(&w->tok, b->text + x->text_off, x->text_len, NGIDX_AN_SENTENCES);
		if (rc)
			return ngidx_err_set(err, rc, "cannot analyze document %u: %s",
			                     b->first_doc + (uint32_t)i, ngidx_strerror(rc));
		x->ntokens = (uint32_t)w->tok.ntok;
		x->flags = w->tok.ninvalid ? NGX_DOC_BAD_UTF8 : 0;
		x->nsent = (uint32_t)w->tok.nsent;
		x->sent_off = b->sents_len;
		for (size_t s = 1; s < w->tok.nsent; s++)
			if (put_varint_buf(&b->sents, &b->sents_len, &b->sents_cap,
			                   w->tok.sent[s] - w->tok.sent[s - 1]))
				return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		x->sent_len = b->sents_len - x->sent_off;
		x->need = accum_doc_need(w->acc, &w->tok);
		if (B->dict) {
			cooc_begin(&w->ck, B->o->window);
			if (actor_match(B->dict, &w->tok, &w->as) ||
			    cooc_add(&w->ck, w->as.m, w->as.nm) || cooc_end(&w->ck))
				return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			x->need += accum_keys_need(w->ck.nk, w->ck.len);
			w->mentions += w->as.nm;
		}
		accum_grams g;
		if (accum_grams_of(w->acc, &w->tok, &g) || keep_grams(b, i, &g, B->dict ? &w->ck : NULL))
			return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	}
	for (size_t k = 0; k < G->nkeys; k++) /* ktext moves no more */
		G->keys[k].text = G->ktext + G->koff[k];
	if (!B->o->store_text || B->pass1)
		return NGIDX_OK;
	if (NGIDX_RESERVE(b->frame_zoff, b->frame_zoff_cap, b->nframes + 1))
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	b->ztext_len = 0;
	for (size_t f = 0; f < b->nframes; f++) {
		size_t start = (size_t)b->frame_start[f];
		size_t end = f + 1 < b->nframes ? (size_t)b->frame_start[f + 1] : b->text_len;
		size_t bound = ZSTD_compressBound(end - start);
		if (NGIDX_RESERVE(b->ztext, b->ztext_cap, b->ztext_len + bound))
			return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		b->frame_zoff[f] = b->ztext_len;
		size_t k = ZSTD_compressCCtx(w->zc, b->ztext + b->ztext_len, bound, b->text + start,
		                             end - start, ZSTD_LEVEL);
		if (ZSTD_isError(k))
			return ngidx_err_set(err, NGIDX_ERR_NOMEM, "zstd: %s", ZSTD_getErrorName(k));
		b->ztext_len += k;
	}
	b->frame_zoff[b->nframes] = b->ztext_len;
	return NGIDX_OK;
}

/*
 * Phase B, owner @own's part, on thread @tid: count, of the n-grams phase A
 * kept for batch @b, those accumulator @own owns, and the keys if @own is
 * 0; accumulator 0 also takes the long documents whole.
 */
static int count_batch(build *B, batch *b, int own, int tid, ngidx_error *err)
{
	accum *acc = B->w[own].acc;
	const bgrams *G = &b->g;
	for (size_t i = 0; i < b->ndocs; i++) {
		const bdoc *x = &b->docs[i];
		uint32_t doc = b->first_doc + (uint32_t)i;
		if (x->fd >= 0) {
			if (own == 0)
				FORWARD_IF_ERROR(process_long(B, b, i, tid, 0, err));
			continue;
		}
		const owned *w = &G->own[own];
		size_t from = G->first[i * G->nown + (size_t)own];
		size_t to = i + 1 < b->ndocs ? G->first[(i + 1) * G->nown + (size_t)own] : w->n;
		if (must_spill(B, acc, x->need, to - from + (own ? 0 : x->g_nkey)))
			FORWARD_IF_ERROR(spill(B, own, err));
		accum_grams g = { G->joined + x->g_joined, G->tstart + x->g_tstart, x->ntokens,
		                  w->hash + from, w->start + from, w->len + from, to - from };
		int rc = accum_add_grams(acc, doc, &g);
		if (!rc && own == 0 && x->g_nkey)
			rc = accum_add_keys(acc, doc, G->keys + x->g_key, x->g_nkey);
		if (rc)
			return ngidx_err_set(err, rc, "out of memory");
	}
	return NGIDX_OK;
}

/* Bytes of the TEXT section so far. */
static uint64_t text_at(const build *B) { return B->out.f.written - B->text_start; }

/* The main thread's part: write batch @b's document records in order. */
static int emit_batch(build *B, batch *b, ngidx_error *err)
{
	/* First the frames of the long documents, from their files. */
	for (size_t i = 0; i < b->ndocs; i++) {
		bdoc *x = &b->docs[i];
		if (x->fd < 0)
			continue;
		B->st->input_bytes += x->long_len;
		x->text_off = text_at(B);
		int rc = B->o->store_text ? ngidx_wfile_copy_fd(&B->out.f, x->fd, x->long_len, x->zlen,
		                                                err)
		                          : NGIDX_OK;
		close(x->fd);
		x->fd = -1;
		if (rc)
			return rc;
	}
	uint64_t text_base = text_at(B);
	for (size_t i = 0; i < b->ndocs; i++) {
		const bdoc *x = &b->docs[i];
		struct ngx_doc_entry e = { 0 };
		e.str_off = B->docstr.written;
		e.sent_off = B->sents.written;
		if (!B->o->store_text)
			e.text_off = 0;
		else if (x->long_len)
			e.text_off = x->text_off;
		else
			e.text_off = text_base + b->frame_zoff[x->frame];
		e.text_pos = x->frame_pos;
		e.text_len = x->text_len;
		e.ntokens = x->ntokens;
		e.date = x->date;
		e.nsent = x->nsent;
		e.flags = x->flags;
		ngidx_wfile_write(&B->docstr, b->str + x->str_off, x->str_len);
		ngidx_wfile_write(&B->sents, b->sents + x->sent_off, x->sent_len);
		ngidx_wfile_write(&B->docs, &e, sizeof e);
		B->st->tokens += x->ntokens;
		B->st->sentences += x->nsent;
		if (x->ntokens > B->max_doc_tokens)
			B->max_doc_tokens = x->ntokens;
	}
	if (B->o->store_text)
		ngidx_wfile_write(&B->out.f, b->ztext, b->ztext_len);
	B->st->docs += b->ndocs;
	B->st->input_bytes += b->text_len;
	return NGIDX_OK;
}

static int run_wave(build *B, size_t nb, ngidx_error *err)
{
	B->prc = 0;
	memset(&B->perr, 0, sizeof B->perr);
#pragma omp parallel for schedule(dynamic, 1) num_threads(B->threads)
	for (size_t i = 0; i < nb; i++) {
		if (B->prc)
			continue;
		ngidx_error e = { 0 };
		int rc = process_batch(B, &B->wave[i], omp_get_thread_num(), &e);
		if (rc)
			set_perr(B, rc, &e, "build");
	}
	if (!B->pass1 && !B->prc) {
		/* The accumulators fill alike (each owns as many n-grams), and an
		 * owner that spilled alone would keep the others waiting at the
		 * end of the phase: if one expects to fill up during this wave
		 * (taking what it took in the last one), all spill now. */
		int all = 0;
		for (int own = 0; B->threads > 1 && own < B->threads; own++) {
			uint64_t live = accum_live(B->w[own].acc);
			all |= live && live + B->w[own].grow > B->share;
		}
#pragma omp parallel for schedule(static, 1) num_threads(B->threads)
		for (int own = 0; own < B->threads; own++) {
			ngidx_error e = { 0 };
			accum *acc = B->w[own].acc;
			int rc = all && accum_size(acc) ? spill(B, own, &e) : NGIDX_OK;
			uint64_t live0 = accum_live(acc);
			for (size_t i = 0; i < nb && !rc && !B->prc; i++)
				rc = count_batch(B, &B->wave[i], own, omp_get_thread_num(), &e);
			uint64_t live1 = accum_live(acc);
			B->w[own].grow = live1 > live0 ? live1 - live0 : live1;
			if (rc)
				set_perr(B, rc, &e, "build");
		}
	}
	if (B->prc) {
		if (err)
			*err = B->perr;
		return B->prc;
	}
	for (size_t i = 0; i < nb; i++) {
		batch *b = &B->wave[i];
		if (!B->pass1) {
			FORWARD_IF_ERROR(emit_batch(B, b, err));
			continue;
		}
		/* the first pass only counts what it read */
		for (size_t k = 0; k < b->ndocs; k++)
			B->st->input_bytes += b->docs[k].long_len;
		B->st->input_bytes += b->text_len;
		B->st->docs += b->ndocs;
		batch_close_files(b);
	}
	return NGIDX_OK;
}

static void progress(build *B, int phase, uint64_t done, uint64_t total)
{
	if (!B->o->progress)
		return;
	ngidx_build_progress p = { phase, B->st->docs, B->st->input_bytes, done, total,
	                           B->corpus ? ngidx_corpus_get_stats(B->corpus)->bytes : 0 };
	B->o->progress(B->o->progress_ctx, &p);
}

/* Read all input, indexing wave by wave. */
static int index_all(build *B, ngidx_corpus *c, ngidx_error *err)
{
	size_t maxb = WAVE_BATCHES * (size_t)B->threads;
	if (!B->wave && !(B->wave = ngidx_calloc(maxb, sizeof *B->wave)))
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	B->wave_cap = maxb;
	int eof = 0;
	while (!eof) {
		size_t nb = 0;
		batch *b = &B->wave[0];
		b->ndocs = b->text_len = b->str_len = b->nframes = 0;
		b->first_doc = (uint32_t)B->next_doc;
		for (;;) {
			ngidx_doc_in d;
			int rc = ngidx_corpus_next(c, &d, err);
			if (rc == -1) {
				eof = 1;
				break;
			}
			if (rc)
				return rc;
			if (B->next_doc >= UINT32_MAX)
				return ngidx_err_set(err, NGIDX_ERR_ARG, "more than 2^32 - 1 documents");
			rc = batch_add(B, b, &d);
			if (rc && d.text_fd >= 0)
				close(d.text_fd);
			if (rc == NGIDX_ERR_INPUT) {
				if (B->o->strict)
					return ngidx_err_set(err, rc, "%s:%llu: document of 4 GiB or more",
					                     d.file, (unsigned long long)d.line);
				if (B->pass1)
					continue;
				if (B->o->warn) {
					char msg[600];
					snprintf(msg, sizeof msg, "%s:%llu: document of 4 GiB or more skipped",
					         d.file, (unsigned long long)d.line);
					B->o->warn(B->o->warn_ctx, msg);
				}
				B->st->skipped_docs++;
				continue;
			}
			if (rc)
				return ngidx_err_set(err, rc, "out of memory");
			B->next_doc++;
			int frame_done = B->frame_fill >= NGX_TEXT_FRAME || B->frame_docs >= FRAME_DOCS;
			/* a long document ends its batch: it is a wave's worth of work */
			if (frame_done && (b->text_len + b->ndocs * 64 >= B->batch_bytes ||
			                   d.text_fd >= 0)) {
				if (++nb == maxb)
					break;
				b = &B->wave[nb];
				b->ndocs = b->text_len = b->str_len = b->nframes = 0;
				b->first_doc = (uint32_t)B->next_doc;
			}
		}
		if (nb < maxb && b->ndocs)
			nb++;
		if (nb)
			FORWARD_IF_ERROR(run_wave(B, nb, err));
		progress(B, B->pass1 ? NGIDX_PHASE_COUNT : NGIDX_PHASE_INDEX, B->st->input_bytes, 0);
	}
	/* Frames must not continue across the end: nothing follows. */
	return NGIDX_OK;
}

/*
 * The sieve's two filters for @bytes of input: about 16 bits of "seen" per
 * n-gram of 2+ tokens it may hold (a token takes 5 or more bytes with its
 * separator; most n-grams are distinct), at most M/2, and a quarter of
 * that for "twice", at most M/8 (sieve.h: false positives at 16 bits per
 * n-gram are under 1%).
 */
static void sieve_size(const ngidx_build_opts *o, uint64_t bytes, uint64_t *seen, uint64_t *twice)
{
	uint64_t s = o->memory / 2, grams = bytes / 5;
	if (grams < s / 2 / (o->max_n - 1))
		s = grams * (o->max_n - 1) * 2;
	*seen = s > (64u << 10) ? s : 64u << 10;
	*twice = *seen / 4 > o->memory / 8 ? o->memory / 8 : *seen / 4;
}

/*
 * The first pass of a two-pass build (sieve.h): read everything once and
 * insert the n-grams of 2+ tokens into the sieve, which the accumulators
 * then consult. Nothing is written; bad input is reported by the second
 * pass only.
 */
static int first_pass(build *B, const ngidx_corpus_opts *co, ngidx_error *err)
{
	ngidx_corpus_opts quiet = *co;
	quiet.warn = NULL;
	ngidx_corpus *c = NULL;
	B->pass1 = 1;
	int rc = ngidx_corpus_open(&c, B->o->inputs, B->o->ninputs, &quiet, err);
	if (!rc) {
		B->corpus = c;
		rc = index_all(B, c, err);
	}
	B->corpus = NULL;
	ngidx_corpus_free(c);
	B->pass1 = 0;
	if (rc)
		return rc;
	B->docs1 = B->st->docs;
	B->bytes1 = B->st->input_bytes;
	B->digest1 = 0;
	for (int t = 0; t < B->threads; t++) {
		B->digest1 += B->w[t].digest;
		B->w[t].digest = 0;
	}
	B->st->docs = B->st->input_bytes = B->st->long_docs = 0;
	B->next_doc = B->frame_fill = B->frame_docs = 0;
	B->split = 0;
	sieve_seal(B->sv);
	/* A worker's scratch grows to the largest document it analyzed, and
	 * the second pass may give that document to another worker. */
	for (int t = 0; t < B->threads; t++) {
		worker *w = &B->w[t];
		accum_set_sieve(w->acc, B->sv);
		accum_drop_scratch(w->acc);
		ngidx_tokens_release(&w->tok);
		ngidx_tokens_init(&w->tok);
		long_scratch_release(&w->ls);
	}
	return NGIDX_OK;
}

/* Whether the second pass read what the first did: an n-gram that a file
 * changed between them could be missing from the index (sieve.h). The
 * texts are compared by a sum of their hashes seeded by document. */
static int same_input(build *B, ngidx_error *err)
{
	uint64_t d = 0;
	for (int t = 0; t < B->threads; t++)
		d += B->w[t].digest;
	if (B->st->docs == B->docs1 && B->st->input_bytes == B->bytes1 && d == B->digest1)
		return NGIDX_OK;
	return ngidx_err_set(err, NGIDX_ERR_INPUT,
	                     "the input changed during the build (it is read twice; see "
	                     "--single-pass): the first pass read %llu documents of %llu bytes, "
	                     "the second %llu of %llu bytes%s", (unsigned long long)B->docs1,
	                     (unsigned long long)B->bytes1, (unsigned long long)B->st->docs,
	                     (unsigned long long)B->st->input_bytes,
	                     d == B->digest1 ? "" : ", with other text");
}

/*
 * The document files, and the index itself: its temporary file is created
 * now (so that a folder that cannot hold it fails the build at once) and
 * the documents' compressed text streams into its first section, instead
 * of into a temporary file that would be copied there at the end.
 */
static int open_outputs(build *B, ngidx_error *err)
{
	static const char *names[3] = { "docs", "docstr", "sents" };
	ngidx_wfile *f[3] = { &B->docs, &B->docstr, &B->sents };
	for (int i = 0; i < 3; i++) {
		char *p = ngidx_strdupf("%s/%s", B->tmpdir, names[i]);
		if (!p)
			return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		int rc = ngidx_wfile_open(f[i], p, 1u << 20, err);
		ngidx_free(p);
		if (rc)
			return rc;
		B->open_files = i + 1;
	}
	FORWARD_IF_ERROR(idx_writer_open(&B->out, B->o->output, NGX_SEC_KIND_MAX, err));
	B->out_open = 1;
	if (B->o->store_text)
		idx_writer_begin(&B->out, NGX_SEC_TEXT);
	B->text_start = B->out.f.written;
	return NGIDX_OK;
}

/* Close the document files and the TEXT section. */
static int close_outputs(build *B, ngidx_error *err)
{
	ngidx_wfile *f[3] = { &B->docs, &B->docstr, &B->sents };
	int rc = NGIDX_OK;
	for (int i = 0; i < B->open_files; i++) {
		int r = ngidx_wfile_close(f[i], 0, rc ? NULL : err);
		rc = rc ? rc : r;
	}
	B->open_files = 0;
	if (B->out_open && B->out.open)
		idx_writer_end(&B->out);
	if (!rc && B->out_open && B->out.f.rc) {
		rc = B->out.f.rc;
		if (err)
			*err = B->out.f.err;
	}
	return rc;
}

static int merge_all(build *B, ngidx_error *err)
{
	/* Empty what the workers still hold. */
	B->prc = 0;
	memset(&B->perr, 0, sizeof B->perr);
#pragma omp parallel for schedule(dynamic, 1) num_threads(B->threads)
	for (int t = 0; t < B->threads; t++) {
		ngidx_error e = { 0 };
		if (accum_size(B->w[t].acc)) {
			int rc = spill(B, t, &e);
			if (rc)
				set_perr(B, rc, &e, "spill");
		}
		accum_free(B->w[t].acc);
		B->w[t].acc = NULL;
	}
	if (B->prc) {
		if (err)
			*err = B->perr;
		return B->prc;
	}
	/* Runs in a fixed order, each worker's oldest first, so that equal
	 * keys meet in the order they were counted. */
	size_t nruns = 0, at = 0;
	for (int t = 0; t < B->threads; t++)
		nruns += B->w[t].nruns;
	char **paths = ngidx_calloc(nruns ? nruns : 1, sizeof *paths);
	for (int t = 0; paths && t < B->threads; t++)
		for (size_t i = 0; i < B->w[t].nruns; i++)
			paths[at++] = B->w[t].runs[i];
	run_file *runs = ngidx_calloc(nruns ? nruns : 1, sizeof *runs);
	size_t nparts = (size_t)B->threads;
	merge_out *parts = ngidx_calloc(nparts, sizeof *parts);
	int rc = NGIDX_OK;
	size_t opened = 0;
	if (!paths || !runs || !parts)
		rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	/* Three read buffers of a chunk per run and partition (the cursor's two
	 * and one for a record longer than a chunk), at most half of --memory
	 * in all. */
	size_t chunk = RUN_CHUNK;
	while (chunk > (4u << 10) && 3 * (uint64_t)chunk * nparts * nruns > B->o->memory / 2)
		chunk /= 2;
	for (size_t i = 0; i < nruns && !rc; i++, opened++) {
		rc = run_file_open(&runs[i], paths[i], err);
		runs[i].chunk = chunk;
	}
	for (size_t p = 0; p < nparts && !rc; p++) {
		parts[p].lex_path = ngidx_strdupf("%s/lex-%zu", B->tmpdir, p);
		parts[p].text_path = ngidx_strdupf("%s/termtext-%zu", B->tmpdir, p);
		parts[p].post_path = ngidx_strdupf("%s/post-%zu", B->tmpdir, p);
		parts[p].act_path = ngidx_strdupf("%s/act-%zu", B->tmpdir, p);
		if (!parts[p].lex_path || !parts[p].text_path || !parts[p].post_path ||
		    !parts[p].act_path)
			rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	}
	if (!rc) {
		progress(B, NGIDX_PHASE_MERGE, 0, nparts);
		B->prc = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(B->threads)
		for (size_t p = 0; p < nparts; p++) {
			ngidx_error e = { 0 };
			unsigned lo = (unsigned)(256 * p / nparts), hi = (unsigned)(256 * (p + 1) / nparts);
			int r = merge_partition(runs, nruns, lo, hi, B->o->min_df, B->o->min_count, B->split, &parts[p],
			                        &e);
			if (r)
				set_perr(B, r, &e, "merge");
		}
		if (B->prc) {
			rc = B->prc;
			if (err)
				*err = B->perr;
		}
	}
	for (size_t i = 0; i < opened; i++)
		run_file_close(&runs[i]);
	/* The runs are no longer needed: free their disk before writing. */
	for (size_t i = 0; paths && i < nruns; i++)
		unlink(paths[i]);
	ngidx_free(paths);
	if (!rc)
		rc = close_outputs(B, err);
	if (!rc) {
		assemble_in in = { 0 };
		in.o = B->o;
		in.tmpdir = B->tmpdir;
		in.parts = parts;
		in.nparts = nparts;
		in.info.ndocs = B->st->docs;
		in.info.ntokens = B->st->tokens;
		in.info.nsentences = B->st->sentences;
		in.info.input_bytes = B->st->input_bytes;
		in.info.max_doc_tokens = B->max_doc_tokens;
		in.docstr_len = B->docstr.written;
		in.sents_len = B->sents.written;
		in.text_len = text_at(B);
		in.w = &B->out;
		in.dict = B->dict;
		in.threads = B->threads;
		progress(B, NGIDX_PHASE_WRITE, 0, 0);
		B->out_open = 0; /* committed or removed by the assembler */
		rc = assemble_index(&in, &B->st->index_bytes, err);
		B->st->terms = in.info.nterms;
		for (int k = 0; k < 16; k++)
			B->st->terms_n[k] = in.info.nterms_n[k];
	}
	for (size_t p = 0; parts && p < nparts; p++) {
		ngidx_free(parts[p].lex_path);
		ngidx_free(parts[p].text_path);
		ngidx_free(parts[p].post_path);
		ngidx_free(parts[p].act_path);
	}
	ngidx_free(parts);
	ngidx_free(runs);
	return rc;
}

/* Remove what builds that died left behind: "<output>.tmp-PID" files and
 * ".ngidx-tmp-PID-*" folders whose process is gone. */
static void remove_stale(const char *output, const char *tmpdir)
{
	char *dir = ngidx_dirname(output);
	const char *base = strrchr(output, '/');
	base = base ? base + 1 : output;
	size_t bl = strlen(base);
	const char *dirs[2] = { dir, tmpdir };
	for (int k = 0; k < 2; k++) {
		if (!dirs[k] || (k == 1 && dir && !strcmp(dirs[0], dirs[1])))
			continue;
		DIR *d = opendir(dirs[k]);
		if (!d)
			continue;
		struct dirent *e;
		while ((e = readdir(d))) {
			long pid = 0;
			int is_file = k == 0 && !strncmp(e->d_name, base, bl) &&
			              sscanf(e->d_name + bl, ".tmp-%ld", &pid) == 1;
			int is_dir = sscanf(e->d_name, ".ngidx-tmp-%ld-", &pid) == 1;
			if ((!is_file && !is_dir) || pid <= 0 || pid == (long)getpid())
				continue;
			if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
				continue;
			char *p = ngidx_strdupf("%s/%s", dirs[k], e->d_name);
			if (p) {
				if (is_dir)
					ngidx_rmtree_flat(p);
				else
					unlink(p);
			}
			ngidx_free(p);
		}
		closedir(d);
	}
	ngidx_free(dir);
}

int ngidx_build(const ngidx_build_opts *o, ngidx_build_stats *st, ngidx_error *err)
{
	ngidx_build_stats local;
	if (!st)
		st = &local;
	memset(st, 0, sizeof *st);
	RETURN_ERROR_IF(!o || !o->output || !*o->output, err, NGIDX_ERR_ARG, "no output file given");
	RETURN_ERROR_IF(!o->ninputs, err, NGIDX_ERR_ARG, "no input given");
	RETURN_ERROR_IF(o->max_n < 1 || o->max_n > NGIDX_MAX_N, err, NGIDX_ERR_ARG,
	                "--max-n must be between 1 and %d", NGIDX_MAX_N);
	RETURN_ERROR_IF(o->memory < (1u << 20), err, NGIDX_ERR_ARG, "--memory must be at least 1M");
	RETURN_ERROR_IF(o->threads < 0 || o->threads > 1024, err, NGIDX_ERR_ARG,
	                "--threads must be between 0 and 1024");
	RETURN_ERROR_IF(o->window < 1 || o->window > 1000, err, NGIDX_ERR_ARG,
	                "--window must be between 1 and 1000");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);

	build B;
	memset(&B, 0, sizeof B);
	B.o = o;
	B.st = st;
	B.threads = o->threads ? o->threads : omp_get_num_procs();
	if (B.threads < 1)
		B.threads = 1;
	B.batch_bytes = o->memory / 128 / (uint64_t)B.threads;
	if (B.batch_bytes < BATCH_MIN)
		B.batch_bytes = BATCH_MIN;
	if (B.batch_bytes > BATCH_MAX)
		B.batch_bytes = BATCH_MAX;
	/* Two passes: the sieve takes at most M/2 + M/8 in the first, M/8
	 * after, less for a smaller input (sieve_size). */
	uint64_t in_bytes = 0;
	int in_flags = ngidx_input_size(o->inputs, o->ninputs, &in_bytes);
	int two_pass = !o->single_pass && (o->min_count >= 2 || o->min_df >= 2) && o->max_n >= 2 &&
	               !(in_flags & NGIDX_INPUT_STREAM);
	uint64_t seen_bytes = 0, twice_bytes = 0;
	if (two_pass)
		sieve_size(o, in_flags ? UINT64_MAX : in_bytes, &seen_bytes, &twice_bytes);
	B.share = (o->memory - o->memory / 4 - twice_bytes) / (uint64_t)B.threads;
	if (B.share > ACCUM_SHARE_MAX)
		B.share = ACCUM_SHARE_MAX;

	char *outdir = ngidx_dirname(o->output);
	if (!outdir)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	const char *tmp_parent = o->tmpdir ? o->tmpdir : outdir;
	remove_stale(o->output, tmp_parent);
	int rc = ngidx_mkdtemp(tmp_parent, &B.tmpdir, err);
	ngidx_free(outdir);
	if (rc)
		return rc;

	ngidx_corpus *c = NULL;
	ngidx_corpus_opts co = { 0 };
	if (o->nactor_files) {
		if ((rc = actor_dict_load(&B.dict, o->actor_files, o->nactor_files, err)))
			goto done;
		st->actors = actor_dict_nactors(B.dict);
	}
	co.format = o->format;
	co.text_field = o->text_field;
	co.id_field = o->id_field;
	co.date_field = o->date_field;
	co.strict = o->strict;
	co.warn = o->warn;
	co.warn_ctx = o->warn_ctx;
	co.long_doc = o->long_doc;
	co.tmpdir = B.tmpdir;
	B.piece = o->piece ? o->piece : PIECE_DEFAULT;
	B.w = ngidx_calloc((size_t)B.threads, sizeof *B.w);
	if (!B.w) {
		rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (int t = 0; t < B.threads; t++) {
		ngidx_tokens_init(&B.w[t].tok);
		if (accum_create(&B.w[t].acc, o->max_n, B.share) ||
		    (o->store_text && !(B.w[t].zc = ZSTD_createCCtx()))) {
			rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			goto done;
		}
	}
	st->two_pass = two_pass;
	if (two_pass) {
		if (sieve_create(&B.sv, seen_bytes, twice_bytes)) {
			rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			goto done;
		}
		if ((rc = first_pass(&B, &co, err)))
			goto done;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		st->first_pass_seconds = (double)(t1.tv_sec - t0.tv_sec) +
		                         (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	}
	if ((rc = open_outputs(&B, err)))
		goto done;
	if ((rc = ngidx_corpus_open(&c, o->inputs, o->ninputs, &co, err)))
		goto done;
	B.corpus = c;
	if ((rc = index_all(&B, c, err)))
		goto done;
	if (two_pass && (rc = same_input(&B, err)))
		goto done;
	const ngidx_corpus_stats *cs = ngidx_corpus_get_stats(c);
	st->skipped_docs += cs->skipped_docs;
	st->skipped_files = cs->skipped_files;
	st->bad_utf8_docs = cs->bad_utf8;
	/* the merge needs the sieve's memory no longer */
	for (int t = 0; t < B.threads; t++)
		accum_set_sieve(B.w[t].acc, NULL);
	sieve_free(B.sv);
	B.sv = NULL;
	rc = merge_all(&B, err);
	B.corpus = NULL;
done:
	ngidx_corpus_free(c);
	if (B.open_files)
		close_outputs(&B, NULL);
	if (B.out_open)
		idx_writer_abort(&B.out);
	for (size_t i = 0; i < B.wave_cap; i++)
		batch_release(&B.wave[i]);
	ngidx_free(B.wave);
	for (int t = 0; B.w && t < B.threads; t++) {
		accum_free(B.w[t].acc);
		ngidx_tokens_release(&B.w[t].tok);
		long_scratch_release(&B.w[t].ls);
		actor_scratch_release(&B.w[t].as);
		cooc_keys_release(&B.w[t].ck);
		st->mentions += B.w[t].mentions;
		st->runs += B.w[t].spills;
		st->run_bytes += B.w[t].spill_bytes;
		st->run_merges += B.w[t].merges;
		for (size_t i = 0; i < B.w[t].nruns; i++)
			ngidx_free(B.w[t].runs[i]);
		ngidx_free(B.w[t].runs);
		ngidx_free(B.w[t].level);
		ZSTD_freeCCtx(B.w[t].zc);
	}
	ngidx_free(B.w);
	actor_dict_free(B.dict);
	sieve_free(B.sv);
	ngidx_rmtree_flat(B.tmpdir);
	ngidx_free(B.tmpdir);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	st->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return rc;
}
