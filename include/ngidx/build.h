/*
 * ngidx/build.h - building an index from a corpus.
 *
 * Ownership: options and inputs are borrowed for the duration of
 * ngidx_build only; statistics are written into caller-owned storage.
 */
#ifndef NGIDX_BUILD_H
#define NGIDX_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include "errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Input formats (ngidx_build_opts.format). */
enum { NGIDX_FORMAT_AUTO = 0, NGIDX_FORMAT_TEXT = 1, NGIDX_FORMAT_LINES = 2, NGIDX_FORMAT_JSONL = 3 };

/* Phases of a build, in the order they run but for the first: a two-pass
 * build counts before it indexes. */
enum {
	NGIDX_PHASE_INDEX = 0,  /* reading and indexing */
	NGIDX_PHASE_MERGE = 1,  /* merging the sorted runs */
	NGIDX_PHASE_WRITE = 2,  /* writing the index */
	NGIDX_PHASE_COUNT = 3,  /* first pass: finding n-grams seen more than once */
};

/* A snapshot passed to the progress callback. */
typedef struct ngidx_build_progress {
	int phase;              /* NGIDX_PHASE_* */
	uint64_t docs;          /* documents indexed so far */
	uint64_t bytes;         /* input bytes indexed so far */
	uint64_t done, total;   /* units of the current phase (0 total: unknown) */
	uint64_t read;          /* input bytes read (after decompression) */
} ngidx_build_progress;

typedef struct ngidx_build_opts {
	const char *output;                /* index path, written atomically */
	const char *const *inputs;         /* files, directories or "-" */
	size_t ninputs;
	int format;                        /* NGIDX_FORMAT_* */
	const char *text_field, *id_field, *date_field; /* jsonl; NULL = default */
	unsigned max_n;                    /* 1..16, default 3 */
	uint32_t min_df;                   /* drop n >= 2 with df below; default 1 */
	uint32_t min_count;                /* drop n >= 2 seen fewer times; default 2 */
	int threads;                       /* 0 = all cores */
	uint64_t memory;                   /* bytes; default 1 GiB */
	const char *tmpdir;                /* NULL = the output's folder */
	int store_text;                    /* default 1 */
	int strict;                        /* fail on the first bad input */
	const char *const *actor_files;    /* actor dictionaries (TSV), in order */
	size_t nactor_files;
	unsigned window;                   /* co-occurrence window, tokens; default 10 */
	void (*warn)(void *ctx, const char *msg); /* bad input, one line each */
	void *warn_ctx;
	void (*progress)(void *ctx, const ngidx_build_progress *p);
	void *progress_ctx;
	/* Long documents (README, Limits): a document longer than long_doc
	 * bytes (default 4 MiB) is read in pieces of about piece bytes
	 * (default 256 KiB) and stored in text frames of its own. The index
	 * depends on long_doc (its text frames) but not on piece; tests set
	 * both small. 0 = default. */
	size_t long_doc, piece;
	/* With min_count or min_df >= 2 and inputs that can be read twice
	 * (files and folders, not "-", pipes or /proc files) a build reads
	 * them twice: the first pass finds which n-grams of 2+ tokens occur
	 * more than once, in a filter of at most memory / 2 (memory / 8 of it
	 * kept for the second), so that those seen once are never
	 * accumulated, spilled or merged. The index is the same; if the input
	 * changed between the passes, the build fails with NGIDX_ERR_INPUT.
	 * single_pass = 1 reads the input once. */
	int single_pass;
} ngidx_build_opts;

typedef struct ngidx_build_stats {
	uint64_t docs, tokens, sentences;
	uint64_t terms_n[16];              /* distinct n-grams by n (index n-1) */
	uint64_t terms;                    /* all distinct n-grams kept */
	uint64_t input_bytes;              /* document text bytes */
	uint64_t index_bytes;
	uint64_t skipped_docs, skipped_files, bad_utf8_docs;
	uint64_t actors, mentions;         /* dictionary actors; mentions found */
	uint64_t long_docs;                /* documents read in pieces */
	uint64_t runs;                     /* sorted runs spilled */
	uint64_t run_bytes;                /* their total size */
	uint64_t run_merges;               /* merges of 8 runs of a worker into
	                                      one, while the build goes on */
	int two_pass;                      /* the input was read twice */
	double first_pass_seconds;         /* of seconds, the first pass's */
	double seconds;
} ngidx_build_stats;

/* Fill @o with the defaults (everything zero but max_n 3, min_df 1,
 * min_count 2, memory 1 GiB, store_text 1). */
NGIDX_API void ngidx_build_opts_init(ngidx_build_opts *o);

/*
 * ngidx_build - read every input, index it and write o->output.
 *
 * The index is first written to a temporary file beside the output, synced
 * and renamed into place: on any failure the previous file at o->output, if
 * any, is untouched and every temporary file is removed. The result is
 * byte-identical for any thread count and memory bound. Peak memory stays
 * near o->memory (plus a few MB) whatever the input size: accumulated
 * postings spill to sorted runs in o->tmpdir and are merged at the end.
 *
 * @return NGIDX_OK; NGIDX_ERR_ARG (bad option); NGIDX_ERR_IO (output or
 *   temporary files; with strict, an input that cannot be read);
 *   NGIDX_ERR_INPUT (strict mode, a malformed document);
 *   NGIDX_ERR_NOMEM; NGIDX_ERR_NOSPACE (disk full).
 * Thread-safety: uses its own OpenMP team; builds in different threads are
 * independent (each makes its own temporary folder).
 */
NGIDX_API int ngidx_build(const ngidx_build_opts *o, ngidx_build_stats *st, ngidx_error *err);

/* Flags of ngidx_input_size. */
enum {
	NGIDX_INPUT_INEXACT = 1, /* some input is compressed, or not a file */
	NGIDX_INPUT_STREAM = 2,  /* some input is standard input or a pipe: it
	                            can be read only once */
};

/*
 * ngidx_input_size - the bytes of the files that @inputs name, folders
 * walked as a build walks them (inputs that cannot be read are left out:
 * the build reports them). @return NGIDX_INPUT_* flags: 0 if all are
 * regular uncompressed files, whose sizes *@bytes adds up.
 * Cost: a stat per file.
 */
NGIDX_API int ngidx_input_size(const char *const *inputs, size_t n, uint64_t *bytes);

/*
 * ngidx_parse_size - parse "1G", "512M", "64k", "1000" (bytes; suffixes
 * k/M/G/T are powers of 1024, optionally followed by "B" or "iB").
 * @return 0 or -1 if malformed or overflowing.
 */
NGIDX_API int ngidx_parse_size(const char *s, uint64_t *out);

#ifdef __cplusplus
}
#endif
#endif
