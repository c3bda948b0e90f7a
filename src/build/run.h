/*
 * run.h - sorted runs: the spill files of the build.
 *
 * Ownership: a run_cursor borrows its run_file (whose descriptor it reads);
 * a run_tree borrows its cursors.
 *
 * A run holds the postings a worker accumulated since its previous spill
 * (or, merged by run_compact, those of several consecutive spills), one
 * record per distinct n-gram, sorted by (hash, text bytes):
 *
 *   header   8 B magic "NGXRUN\0\2"
 *   records  u8 n | varint text length << 1 | (cf > df) | text |
 *            varint df | varint cf - df - 1 (only if cf > df) |
 *            varint postings length | postings
 *            The hash is not stored: it is ngidx_hash64 of the text, which
 *            the reader computes (8 bytes a record less to write and read:
 *            a quarter of the runs).
 *   fences   257 u64: fence[k] = offset of the first record whose hash has
 *            top byte >= k (fence[256] = end of records); the merge starts a
 *            key-range partition there without scanning
 *   trailer  u64 record count, u64 offset of the fences, u64 XXH64 of
 *            everything before it (so the file is written in one pass)
 *
 * Postings of a record: entries in increasing document order, each a
 * varint g, a varint tf (absent when the record's cf == df: every tf is 1,
 * and there is no continuation), and for unigrams tf varint position gaps
 * (first as is, then pos - prev - 1). g = doc + 1 - prev1, where prev1 is the
 * previous entry's document + 1, or 0 before the first entry:
 *   g >= 1  a new document (tf >= 1);
 *   g == 0  a continuation: more occurrences of the previous entry's
 *           document (a document too large to analyse at once is analysed
 *           in pieces, and each piece appends an entry). Its tf adds to the
 *           document's; its positions are absolute again (the first gap is
 *           relative to 0) and all greater than the previous entry's.
 * A record's df counts distinct documents (continuations excluded); its cf
 * is the sum of all its entries' tf.
 *
 * A spill between two pieces of a document puts the document in two (or
 * more) runs of the same worker, and in several records of one merge group:
 * the occurrences in the earlier run come first and have smaller positions.
 * The merge sums tf, concatenates positions in run order, and counts such a
 * document once in df (merge.c).
 */
#ifndef NGIDX_BUILD_RUN_H
#define NGIDX_BUILD_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "common/fileio.h"

#define RUN_MAGIC "NGXRUN\0\2"
#define RUN_HEADER 8
#define RUN_TRAILER 24
#define RUN_FENCES 257
#define RUN_CHUNK (32u << 10) /* bytes a cursor reads at a time, at most */
#define RUN_DROP (64u << 10)  /* bytes read between two ngidx_map_drop of a
                                 mapped temporary file (assemble.c, toplists.c) */
#define RUN_PUNCH (1u << 20)  /* bytes a cursor has read before it gives them
                                 back to the file system */

/* One record: its header in its cursor's buffer, valid until the cursor's
 * next call but one (the merge reads a group after advancing past it), and
 * its postings there too when they fit in the chunk read; the rest of them
 * are read from the file (run_in), in pieces. */
typedef struct run_rec {
	uint64_t hash;      /* of the text: computed, not stored */
	unsigned n;
	const unsigned char *text;
	size_t text_len;
	uint64_t df, cf;
	const unsigned char *post; /* the first post_mem bytes of the postings */
	size_t post_mem;
	uint64_t post_len;  /* bytes of postings in all */
	uint64_t post_off;  /* their offset in the file */
	int fd;             /* the run's */
} run_rec;

/* A buffer that readers of postings (run_in) refill, @chunk bytes at a time;
 * owned by whoever keeps it (a cursor, a merge). */
typedef struct run_buf {
	unsigned char *p;
	size_t cap, chunk;
} run_buf;

#define RUN_IN_KEEP 64 /* bytes a reader may ask for at once (run_in_need) */

/*
 * The postings of a record, or a stretch of them, read in pieces: the bytes
 * in memory [p, e) (at first those in the cursor's buffer), then the file's
 * [off, stop) through the buffer @b. Whatever the size of a record, reading
 * it takes one chunk of memory.
 */
typedef struct run_in {
	const unsigned char *p, *e;  /* bytes in memory not read yet */
	const unsigned char *base;   /* the start of those bytes' window ... */
	uint64_t base_off;           /* ... and its offset in the file */
	uint64_t off, stop;          /* the file's bytes not in memory yet */
	int fd;
	run_buf *b;
} run_in;

static inline run_in run_in_of(const run_rec *r, run_buf *b)
{
	return (run_in){ .p = r->post, .e = r->post + r->post_mem, .base = r->post,
	                 .base_off = r->post_off, .off = r->post_off + r->post_mem,
	                 .stop = r->post_off + r->post_len, .fd = r->fd, .b = b };
}

/* Keep [p, e) and read what follows, up to a chunk. @return NGIDX_OK (also
 * at the end), NGIDX_ERR_NOMEM or an I/O error. */
int run_in_fill(run_in *in, ngidx_error *err);

/* At least @k (<= RUN_IN_KEEP) bytes at in->p, or all that are left. */
static inline int run_in_need(run_in *in, size_t k, ngidx_error *err)
{
	return (size_t)(in->e - in->p) >= k || in->off == in->stop ? NGIDX_OK : run_in_fill(in, err);
}

/* The file offset of in->p. */
static inline uint64_t run_in_tell(const run_in *in)
{
	return in->base_off + (uint64_t)(in->p - in->base);
}

typedef struct run_file {
	int fd;
	uint64_t len;
	uint64_t nrec;
	uint64_t fence[RUN_FENCES];
	size_t chunk;         /* bytes its cursors read at a time (RUN_CHUNK
	                         unless the caller lowers it) */
} run_file;

/* Open @path (for reading and for punching holes) and check magic, bounds,
 * fences and checksum. */
int run_file_open(run_file *r, const char *path, ngidx_error *err);
void run_file_close(run_file *r);

/*
 * A cursor reads its range with pread into two buffers in turn, so that the
 * record it returned last stays valid while it reads the next: hundreds of
 * runs merged at once cost two chunks each, where mapped runs would each
 * keep whole folios of the page cache resident. A record that does not fit
 * in its chunk is not read whole: the cursor reads its header and steps
 * over its postings, which the merge reads in pieces through the cursor's
 * third buffer (run_in, @post), so that a word's postings of any size cost
 * a chunk. The bytes it has read go back to the file system every
 * RUN_PUNCH bytes (a hole punched in whole 4 KiB blocks of its range, up
 * to the record it returned last), so that the runs shrink as the
 * partitions they merge into grow: the runs are read once, and the
 * merge's disk peak is their size, not the sum.
 */
typedef struct run_cursor {
	const run_file *f;
	uint64_t pos, end;    /* byte range still to read */
	unsigned char *buf[2];
	size_t cap[2];
	int cur;              /* the buffer of the last record */
	uint64_t boff;        /* file offset of buf[cur][0] */
	size_t blen;          /* bytes of the file in buf[cur] */
	uint64_t last;        /* file offset of the last record */
	uint64_t punched;     /* the range's bytes before this are freed
	                         (ngidx_punch_read) */
	run_buf post;         /* for reading the last record's postings */
	run_rec rec;          /* current record (valid after run_cursor_next) */
} run_cursor;

/* A cursor over the records whose hash top byte is in [lo, hi). */
void run_cursor_init(run_cursor *c, const run_file *f, unsigned lo, unsigned hi);
/* @return 1 with c->rec set, 0 at the end, or NGIDX_ERR_CORRUPT or an I/O
 * error (negated). */
int run_cursor_next(run_cursor *c, ngidx_error *err);
void run_cursor_release(run_cursor *c);

/*
 * Writing a run: run_writer_open, then for each record in (hash, text)
 * order run_writer_head followed by exactly @post_len bytes of postings
 * (ngidx_wfile_write(&rw->w, ...)), then run_writer_close, which appends
 * the fences and the trailer. @post_len is the length as stored: without
 * tf bytes when @cf == @df.
 */
typedef struct run_writer {
	ngidx_wfile w;
	uint64_t fence[RUN_FENCES];
	unsigned k;           /* fences set so far */
	uint64_t nrec;
	const char *path;
} run_writer;

int run_writer_open(run_writer *rw, const char *path, ngidx_error *err);
void run_writer_head(run_writer *rw, uint64_t hash, unsigned n, const void *text, size_t text_len,
                     uint64_t df, uint64_t cf, uint64_t post_len);
/* @return NGIDX_OK with *@bytes (if not NULL) the file's size, or the
 * writes' first error, the file removed. */
int run_writer_close(run_writer *rw, uint64_t *bytes, ngidx_error *err);

/* Postings of a record whose every tf is 1 (cf == df, so no continuation
 * either) are stored without their tf bytes (each the varint 1): per entry
 * the gap, then for a unigram its one position. Write @p[0, @len) with tf
 * bytes without them, or back. */
void run_put_without_tf(ngidx_wfile *w, const unsigned char *p, size_t len, unsigned n);
/* run_put_with_tf reads its postings from @in to their end. */
int run_put_with_tf(ngidx_wfile *w, run_in *in, unsigned n, ngidx_error *err);

/*
 * The documents of a record's postings, one at a time: run_post_next
 * reads a document's entry and the continuations that follow, summing
 * their tf and skipping their positions (n == 1), and checks what a
 * record promises: the entries' documents increase, tf >= 1, ids below
 * 2^32, and at the end as many documents as its df.
 */
typedef struct run_post {
	run_in in;                     /* entries not read yet */
	uint64_t first;                /* file offset of the current document's
	                                  first entry */
	uint64_t df;                   /* the record's df, checked at its end */
	int tf1;                       /* cf == df: no tf stored, each is 1 */
	unsigned n;
	uint64_t ndocs;                /* documents read */
	uint64_t prev1;                /* current document + 1 (0: none yet) */
	uint64_t tf;                   /* of the current document, in this record */
	uint32_t doc;
} run_post;

/* Walk @r's postings, reading them through @b. */
static inline run_post run_post_of(const run_rec *r, run_buf *b)
{
	return (run_post){ .in = run_in_of(r, b), .df = r->df, .tf1 = r->cf == r->df, .n = r->n };
}

/* The entries of @s's current document, read again (from memory if they
 * still are, else from the file through @b). */
run_in run_post_doc(const run_post *s, run_buf *b);

/* @return 1 with the document in s->doc, s->tf, s->first (its entries end
 * where s->in is), 0 at the end of the record, or a negated
 * NGIDX_ERR_CORRUPT or read error. */
int run_post_next(run_post *s, ngidx_error *err);

/*
 * A tournament of cursors (a loser tree: one comparison per level to
 * replace the winner, where a binary heap makes two) yields their records
 * in (hash, text) order; ties go to the lower cursor index, so equal keys
 * come in cursor order. The cursors stay the caller's.
 */
typedef struct run_tree {
	run_cursor *cur;
	size_t ncur, k;         /* cursors; leaves (a power of two >= ncur) */
	size_t *tree;           /* [1, k): each match's loser; [0]: the winner */
	unsigned char *live;    /* per cursor: it holds a record */
} run_tree;

/* Read every cursor's first record and play. */
int run_tree_init(run_tree *t, run_cursor *cur, size_t ncur, ngidx_error *err);
void run_tree_release(run_tree *t);
/* The cursor with the smallest record, or SIZE_MAX once all are done. */
static inline size_t run_tree_top(const run_tree *t)
{
	size_t c = t->tree[0];
	return c < t->ncur && t->live[c] ? c : SIZE_MAX;
}
/* Advance the winner to its next record and replay its matches. */
int run_tree_pop(run_tree *t, ngidx_error *err);

/* Order of records: hash, then text bytes, then length. */
static inline int run_rec_cmp(const run_rec *a, const run_rec *b)
{
	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	size_t m = a->text_len < b->text_len ? a->text_len : b->text_len;
	int c = m ? memcmp(a->text, b->text, m) : 0;
	if (c)
		return c;
	return (a->text_len > b->text_len) - (a->text_len < b->text_len);
}

#endif
