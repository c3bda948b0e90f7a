/*
 * faults_test.c - allocation-failure injection through the public allocator
 * hook (ngidx_set_allocator, include/ngidx/ngidx.h; src/common/mem.c).
 *
 * The hook under test counts every call that can fail (malloc_fn, and
 * realloc_fn whatever its pointer) and fails the k-th one, or, in the
 * persistent mode, the k-th and every later one. Each block carries a
 * 16-byte header (a magic number and its size), so that the hook also
 * catches a pointer freed that it never handed out, or freed twice, and a
 * hook block freed with free() crashes glibc instead of passing unseen.
 * It keeps the number of live blocks, which must come back to where it was
 * when the operation returns, whatever it returned.
 *
 * Two operations are tried, after a first run with the counting hook that
 * does not fail (their reference: its result and the number N of calls):
 *
 *   - build: ngidx_build of a small generated corpus (a jsonl file with
 *     dates and a folder of plain-text files) with two actor dictionaries,
 *     into a folder that already holds a previous index at the output path.
 *     With --memory 1M and enough text, the build spills several runs and
 *     merges them, so the spill and merge paths are under the hook too.
 *   - queries: ngidx_index_open, ngidx_index_verify, ngidx_count (phrases
 *     within and beyond max-n), ngidx_phrase_open/next/positions,
 *     ngidx_actor_find, ngidx_cooc_neighbors at every level with and
 *     without a date filter, ngidx_query_parse + ngidx_query_run +
 *     ngidx_docs_next (unranked and BM25), then every free. The answers are
 *     folded into a digest.
 *
 * For every k in 1..N+1 (both modes, OpenMP team of one thread so that the
 * k-th call is the same call in every run) the operation must return
 * NGIDX_OK or NGIDX_ERR_NOMEM (with a message) and leak no block. On
 * failure, the output folder must hold exactly the previous index, byte
 * for byte (no new file, no "<out>.tmp-PID", no ".ngidx-tmp-PID-*"
 * folder); on success, exactly the new index, byte-identical to the
 * reference build, and the queries must give the reference digest: a
 * failed allocation may fail the call but never change an answer. In the
 * persistent mode, a run in which every call from k <= N on failed must
 * not succeed: that would mean an allocation failure was ignored (the
 * single mode allows it, e.g. the best-effort removal of a dead build's
 * leftovers at the start of ngidx_build).
 *
 * The spill build makes about 13,000 calls: by default every
 * (N / 1000 + 1)-th k is tried from a random first one (seed printed).
 *
 * With 2 threads, the order of the calls varies between runs, so a few
 * builds fail calls spread over the count (every call from there on, or
 * that one only) and check the same invariants.
 *
 * Every failed check is counted and the first 12 printed; the test fails
 * at its end. NGIDX_FAULTS_STRIDE=S tries every S-th k only (default 1:
 * every k); NGIDX_FAULTS_K=k replays one k; NGIDX_FAULTS_TRACE=1 prints
 * the stack of the failed call (resolve with addr2line).
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <execinfo.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ngidx/ngidx.h"

#define TEST_NAME "faults"
#include "test_util.h"

/* ---- the failing allocator ------------------------------------------------ */

#define HDR 16u
#define MAGIC_LIVE UINT64_C(0x6e676964784c4956)  /* "ngidxLIV" */
#define MAGIC_DEAD UINT64_C(0x6e67696478444541)  /* "ngidxDEA" */

typedef struct fault_state {
	_Atomic uint64_t calls;   /* malloc_fn + realloc_fn calls so far */
	_Atomic int64_t live;     /* blocks handed out and not freed */
	_Atomic uint64_t failed;  /* calls made to fail */
	_Atomic uint64_t bad;     /* frees/reallocs of pointers not ours, or dead */
	uint64_t fail_at;         /* 0: never fail */
	int persistent;           /* fail every call from fail_at on */
} fault_state;

static fault_state g_fs;
static int g_trace;   /* NGIDX_FAULTS_TRACE set: print where call fail_at came from */

static int should_fail(void)
{
	uint64_t n = atomic_fetch_add(&g_fs.calls, 1) + 1;
	int f = g_fs.fail_at && (g_fs.persistent ? n >= g_fs.fail_at : n == g_fs.fail_at);
	if (f)
		atomic_fetch_add(&g_fs.failed, 1);
	if (f && n == g_fs.fail_at && g_trace) {
		/* NGIDX_FAULTS_TRACE=1: where the first failed call came from
		 * (resolve the +offsets with addr2line -f -e build/tests/faults_test) */
		void *bt[24];
		int nb = backtrace(bt, 24);
		fprintf(stderr, "faults_test: call %" PRIu64 " failed at:\n", n);
		backtrace_symbols_fd(bt, nb, 2);
	}
	return f;
}

static void *wrap(unsigned char *b, size_t n)
{
	uint64_t h[2] = { MAGIC_LIVE, (uint64_t)n };
	memcpy(b, h, sizeof h);
	return b + HDR;
}

/* The block behind @p, or NULL (and counted as bad) if @p is not live. */
static unsigned char *unwrap(void *p)
{
	unsigned char *b = (unsigned char *)p - HDR;
	uint64_t m;
	memcpy(&m, b, sizeof m);
	if (m != MAGIC_LIVE) {
		atomic_fetch_add(&g_fs.bad, 1);
		return NULL;
	}
	return b;
}

static void *f_malloc(void *ctx, size_t n)
{
	(void)ctx;
	if (should_fail())
		return NULL;
	unsigned char *b = malloc(n + HDR);
	if (!b)
		return NULL;
	atomic_fetch_add(&g_fs.live, 1);
	return wrap(b, n);
}

static void *f_realloc(void *ctx, void *p, size_t n)
{
	if (!p)
		return f_malloc(ctx, n);
	if (should_fail())
		return NULL;
	unsigned char *b = unwrap(p);
	if (!b)
		return NULL; /* not ours: reported by the bad count */
	unsigned char *q = realloc(b, n + HDR);
	if (!q)
		return NULL;
	return wrap(q, n);
}

static void f_free(void *ctx, void *p)
{
	(void)ctx;
	if (!p)
		return;
	unsigned char *b = unwrap(p);
	if (!b)
		return; /* leaked on purpose rather than freeing a stranger */
	uint64_t dead = MAGIC_DEAD;
	memcpy(b, &dead, sizeof dead);
	atomic_fetch_sub(&g_fs.live, 1);
	free(b);
}

static const ngidx_allocator g_hook = { f_malloc, f_realloc, f_free, NULL };

/* Arm the hook: fail call @fail_at (0: none), and every later one if
 * @persistent. The counters restart from zero. */
static void hook_arm(uint64_t fail_at, int persistent)
{
	atomic_store(&g_fs.calls, 0);
	atomic_store(&g_fs.failed, 0);
	atomic_store(&g_fs.bad, 0);
	g_fs.fail_at = fail_at;
	g_fs.persistent = persistent;
	const char *t = getenv("NGIDX_FAULTS_TRACE");
	g_trace = t && *t && strcmp(t, "0");
	ngidx_set_allocator(&g_hook);
}

/* Stop failing (the hook stays, so blocks still live can be freed). */
static void hook_disarm(void) { g_fs.fail_at = 0; }

/* Failed checks so far; the first few are printed, the test fails at its
 * end, so that one run shows every kind of failure and not only the first. */
static unsigned g_nbad;

#define NOTE(cond, ...)                                                       \
	do {                                                                  \
		if (!(cond) && ++g_nbad <= 12) {                              \
			fprintf(stderr, "faults_test: " __VA_ARGS__);         \
			fputc('\n', stderr);                                  \
		}                                                             \
	} while (0)

static void end_checks(void)
{
	cr_assert_eq(g_nbad, 0, "%u failed checks (the first 12 are printed above; replay one with "
	             "NGIDX_FAULTS_K=k, add NGIDX_FAULTS_TRACE=1 for the failing call's stack)", g_nbad);
}

/* NGIDX_FAULTS_K=k: run that k only (0 or unset: every k). */
static uint64_t only_k(void)
{
	const char *s = getenv("NGIDX_FAULTS_K");
	return s && *s ? strtoull(s, NULL, 0) : 0;
}

static uint64_t stride(void)
{
	const char *s = getenv("NGIDX_FAULTS_STRIDE");
	uint64_t v = s && *s ? strtoull(s, NULL, 0) : 1;
	return v ? v : 1;
}

/* ---- files ---------------------------------------------------------------- */

/* Names in folder @dir, sorted, joined by '|'. */
static char *list_dir(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	cr_assert_geq(n, 0, "scandir %s: %s", dir, strerror(errno));
	sbuf b = { 0 };
	sb_puts(&b, "");
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, "..")) {
			if (b.len)
				sb_puts(&b, "|");
			sb_puts(&b, ents[i]->d_name);
		}
		free(ents[i]);
	}
	free(ents);
	return b.p;
}

/* Remove everything in @dir but @keep (what a failed run left behind, so
 * that the next run is checked on its own). */
static void clean_dir_but(const char *dir, const char *keep)
{
	DIR *d = opendir(dir);
	cr_assert_not_null(d, "opendir %s: %s", dir, strerror(errno));
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, keep))
			continue;
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		nftw(p, test_util_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	}
	closedir(d);
}

/*
 * The fixture folder, in /dev/shm when there is one: every build creates
 * and removes files, and on ext4 file creation after many deletions costs
 * milliseconds (recently_deleted), which would make the thousands of
 * builds here take minutes instead of seconds.
 */
static void faults_setup(void)
{
	snprintf(g_dir, sizeof g_dir, "/dev/shm/ngidx-" TEST_NAME "-XXXXXX");
	if (!mkdtemp(g_dir))
		fixture_setup();
}

/* 1 if @path holds the @na bytes at @a; 0 if not, or if it is missing. */
static int same_bytes(const unsigned char *a, size_t na, const char *path)
{
	if (access(path, F_OK))
		return 0;
	size_t n;
	unsigned char *b = read_whole(path, &n);
	int same = n == na && !memcmp(a, b, n);
	free(b);
	return same;
}

/* ---- the corpus and the dictionaries -------------------------------------- */

static const char *const g_words[] = {
	"the", "summit", "talks", "nuclear", "sanctions", "leader", "meeting", "said",
	"on", "in", "of", "a", "and", "with", "after", "before", "deal", "peace",
	"missile", "test", "statement", "officials", "trade", "border", "envoy",
	"president", "minister", "agreed", "rejected", "visit", "caf\xc3\xa9", "stra\xc3\x9f" "e",
};

static const char *const g_actors[] = {
	"Kim Jong-un", "Kim", "Donald Trump", "Trump", "Moon Jae-in", "North Korea",
	"the United States", "Hanoi", "Xi Jinping", "Vietnam",
};

/* A sentence of 4..15 words, with an actor alias 2 times in 3, ending in '.'. */
static void put_sentence(sbuf *b, rng *r)
{
	unsigned n = 4 + rng_below(r, 12);
	for (unsigned i = 0; i < n; i++) {
		if (i)
			sb_puts(b, " ");
		if (rng_below(r, 5) == 0)
			sb_puts(b, g_actors[rng_below(r, sizeof g_actors / sizeof *g_actors)]);
		else
			sb_puts(b, g_words[rng_zipf(r, sizeof g_words / sizeof *g_words)]);
	}
	if (rng_below(r, 3))
		sb_puts(b, " said Kim Jong-un and Trump");
	sb_puts(b, ".");
}

/*
 * The corpus in folder @dir/in: docs.jsonl (@ndocs dated documents of
 * @sents sentences, one of them malformed JSON, one empty) and txt/ with
 * three plain-text documents; the dictionaries @dir/a.tsv and @dir/b.tsv.
 * @salt varies the text (the previous index is built with another salt).
 */
static void make_corpus(const char *dir, unsigned ndocs, unsigned sents, uint64_t salt)
{
	rng r = { UINT64_C(0x5eed) ^ salt };
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/in", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/in/txt", dir);
	mkdir(p, 0755);

	sbuf b = { 0 };
	sb_puts(&b, "");
	for (unsigned d = 0; d < ndocs; d++) {
		char head[96];
		snprintf(head, sizeof head, "{\"id\":\"d%u\",\"date\":\"%u-%02u-%02u\",\"source\":\"%s\",\"text\":\"",
		         d, 2015 + d % 6, 1 + d % 12, 1 + d % 28, d % 2 ? "wire" : "paper");
		sb_puts(&b, head);
		if (d != 3)
			for (unsigned s = 0; s < sents; s++) {
				if (s)
					sb_puts(&b, " ");
				put_sentence(&b, &r);
			}
		sb_puts(&b, "\"}\n");
		if (d == 5)
			sb_puts(&b, "{\"id\":\"broken\",\"text\":\"no end\n");
	}
	snprintf(p, sizeof p, "%s/in/docs.jsonl", dir);
	write_file(p, b.p, b.len);
	for (int t = 0; t < 3; t++) {
		b.len = 0;
		b.p[0] = 0;
		for (unsigned s = 0; s < sents; s++) {
			put_sentence(&b, &r);
			sb_puts(&b, s % 4 == 3 ? "\n\n" : " ");
		}
		snprintf(p, sizeof p, "%s/in/txt/t%d.txt", dir, t);
		write_file(p, b.p, b.len);
	}
	free(b.p);

	const char *da = "# people\n"
	                 "KIM\tKim Jong-un\tperson\n"
	                 "KIM\tKim\n"
	                 "TRUMP\tDonald Trump\tperson\n"
	                 "TRUMP\tTrump\n"
	                 "MOON\tMoon Jae-in\tperson\n"
	                 "XI\tXi Jinping\tperson\n";
	const char *db = "PRK\tNorth Korea\tcountry\n"
	                 "USA\tthe United States\tcountry\n"
	                 "USA\tUnited States\n"
	                 "VNM\tVietnam\tcountry\n"
	                 "HAN\tHanoi\tcity\n";
	snprintf(p, sizeof p, "%s/a.tsv", dir);
	write_file(p, da, strlen(da));
	snprintf(p, sizeof p, "%s/b.tsv", dir);
	write_file(p, db, strlen(db));
}

/* ---- the operations ------------------------------------------------------- */

typedef struct build_case {
	char in_jsonl[PATH_MAX], in_txt[PATH_MAX];
	char dict_a[PATH_MAX], dict_b[PATH_MAX];
	char outdir[PATH_MAX], out[PATH_MAX];
	uint64_t memory;
	int threads;
	size_t long_doc;    /* documents longer than this are read in pieces */
} build_case;

static void build_case_init(build_case *bc, const char *dir, uint64_t memory, int threads)
{
	memset(bc, 0, sizeof *bc);
	snprintf(bc->in_jsonl, PATH_MAX, "%s/in/docs.jsonl", dir);
	snprintf(bc->in_txt, PATH_MAX, "%s/in/txt", dir);
	snprintf(bc->dict_a, PATH_MAX, "%s/a.tsv", dir);
	snprintf(bc->dict_b, PATH_MAX, "%s/b.tsv", dir);
	snprintf(bc->outdir, PATH_MAX, "%s/out", dir);
	snprintf(bc->out, PATH_MAX, "%s/out/idx.ngx", dir);
	bc->memory = memory;
	bc->threads = threads;
}

static int do_build(const build_case *bc, ngidx_build_stats *st, ngidx_error *err)
{
	const char *in[] = { bc->in_jsonl, bc->in_txt };
	const char *dicts[] = { bc->dict_a, bc->dict_b };
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	o.output = bc->out;
	o.inputs = in;
	o.ninputs = 2;
	o.actor_files = dicts;
	o.nactor_files = 2;
	o.threads = bc->threads;
	o.memory = bc->memory;
	o.window = 5;
	o.long_doc = bc->long_doc;
	o.piece = 64;
	memset(err, 0, sizeof *err);
	return ngidx_build(&o, st, err);
}

/* Fold @n bytes into the digest. */
static void dig(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		*h = (*h ^ c[i]) * UINT64_C(0x100000001b3);
}

static void dig64(uint64_t *h, uint64_t v) { dig(h, &v, sizeof v); }

/* A library status, negative or positive, as a positive code. */
static int pos(int rc) { return rc < 0 ? -rc : rc; }

static const char *const g_phrases[] = {
	"the summit", "kim jong-un", "said Kim Jong-un and Trump", "nuclear",
	"the summit talks nuclear sanctions", "absent words here", "caf\xc3\xa9",
	"and trump said kim jong-un and trump",
};

static const char *const g_queries[] = {
	"\"kim jong-un\" AND (summit OR talks) NOT trade",
	"NOT nuclear",
	"trump OR (\"north korea\" AND missile)",
	"\"said kim jong-un and trump\" deal",
};

/*
 * Open @path and run every query; the answers go into *@h. Returns the
 * first failure's status (positive) or NGIDX_OK. Everything it allocated
 * is freed on every path.
 */
static int do_queries(const char *path, uint64_t *h, ngidx_error *err)
{
	ngidx_index *idx = NULL;
	ngidx_count_result cr = { 0 };
	ngidx_phrase *ph = NULL;
	ngidx_neighbor *nb = NULL;
	ngidx_query *q = NULL;
	ngidx_docs *docs = NULL;
	memset(err, 0, sizeof *err);
	*h = UINT64_C(0xcbf29ce484222325);

	int rc = ngidx_index_open(&idx, path, NULL, err);
	if (rc)
		goto out;
	if ((rc = ngidx_index_verify(idx, err)))
		goto out;
	for (size_t i = 0; i < sizeof g_phrases / sizeof *g_phrases; i++) {
		if ((rc = ngidx_count(idx, g_phrases[i], strlen(g_phrases[i]), &cr, err)))
			goto out;
		dig64(h, cr.occurrences);
		dig64(h, cr.documents);
		dig(h, cr.ngram, cr.ngram_len);
	}
	for (size_t i = 0; i < sizeof g_phrases / sizeof *g_phrases; i += 2) {
		if ((rc = ngidx_phrase_open(idx, g_phrases[i], strlen(g_phrases[i]), &ph, err)))
			goto out;
		int r;
		while ((r = ngidx_phrase_next(ph, err)) == 1) {
			const uint32_t *p;
			size_t n;
			if ((rc = ngidx_phrase_positions(ph, &p, &n, err)))
				goto out;
			dig64(h, ngidx_phrase_doc(ph));
			dig(h, p, n * sizeof *p);
		}
		if (r < 0) {
			rc = pos(r);
			goto out;
		}
		ngidx_phrase_free(ph);
		ph = NULL;
	}
	static const char *const who[] = { "kim jong-un", "@USA", "Hanoi", "nobody" };
	for (size_t i = 0; i < sizeof who / sizeof *who; i++) {
		uint32_t a = 0;
		int r = ngidx_actor_find(idx, who[i], strlen(who[i]), &a);
		if (r < 0) {
			/* ngidx_actor_find takes no ngidx_error */
			snprintf(err->msg, sizeof err->msg, "ngidx_actor_find: %s", ngidx_strerror(-r));
			rc = pos(r);
			goto out;
		}
		dig64(h, (uint64_t)r);
		if (!r)
			continue;
		ngidx_filter f = { 0, 0, NULL };
		if ((rc = ngidx_filter_dates(&f, "2016", "2018-06", err)))
			goto out;
		for (int lv = NGIDX_LEVEL_DOC; lv <= NGIDX_LEVEL_WINDOW; lv++) {
			for (int filt = 0; filt < 2; filt++) {
				size_t n = 0;
				rc = ngidx_cooc_neighbors(idx, (ngidx_level)lv, a, filt ? &f : NULL, &nb, &n, err);
				if (rc)
					goto out;
				for (size_t k = 0; k < n; k++) {
					dig64(h, nb[k].actor);
					dig64(h, nb[k].cell.o11);
				}
				ngidx_buffer_free(nb);
				nb = NULL;
			}
		}
	}
	for (size_t i = 0; i < sizeof g_queries / sizeof *g_queries; i++) {
		for (int rank = 0; rank < 2; rank++) {
			if ((rc = ngidx_query_parse(g_queries[i], strlen(g_queries[i]), &q, NULL, err)))
				goto out;
			ngidx_docs_opts o;
			ngidx_docs_opts_init(&o);
			o.rank = rank ? NGIDX_RANK_BM25 : NGIDX_RANK_NONE;
			o.limit = rank ? 5 : 0;
			if ((rc = ngidx_query_run(idx, q, &o, &docs, err)))
				goto out;
			ngidx_docs_hit hit;
			int r;
			while ((r = ngidx_docs_next(docs, &hit, err)) == 1) {
				dig64(h, hit.doc);
				dig64(h, hit.occurrences);
			}
			if (r < 0) {
				rc = pos(r);
				goto out;
			}
			ngidx_docs_free(docs);
			docs = NULL;
			ngidx_query_free(q);
			q = NULL;
		}
	}
out:
	ngidx_docs_free(docs);
	ngidx_query_free(q);
	ngidx_buffer_free(nb);
	ngidx_phrase_free(ph);
	ngidx_count_result_release(&cr);
	ngidx_index_free(idx);
	return rc;
}

/* ---- the fault loops ------------------------------------------------------ */

typedef struct ref {
	uint64_t calls;            /* allocator calls of the clean run */
	unsigned char *index;      /* the new index (build) */
	size_t index_len;
	unsigned char *prev;       /* the previous index at the output path */
	size_t prev_len;
	uint64_t digest;           /* the answers (queries) */
	uint64_t merges;           /* runs merged during the clean build */
} ref;

/* The common checks after one run that armed call @k. */
static void check_status(const char *what, uint64_t k, int persistent, int rc, const ngidx_error *err,
                         int64_t live0)
{
	hook_disarm();
	uint64_t failed = atomic_load(&g_fs.failed), bad = atomic_load(&g_fs.bad);
	int64_t live = atomic_load(&g_fs.live);
	NOTE(bad == 0, "%s k=%" PRIu64 "%s: %" PRIu64 " free/realloc of a pointer the allocator never "
	      "handed out (or freed twice)", what, k, persistent ? "+" : "", bad);
	NOTE(rc == NGIDX_OK || rc == NGIDX_ERR_NOMEM,
	      "%s k=%" PRIu64 "%s (%" PRIu64 " calls failed): status %d (%s) instead of NGIDX_ERR_NOMEM: %s",
	      what, k, persistent ? "+" : "", failed, rc, ngidx_strerror(rc), err->msg);
	NOTE(rc == NGIDX_OK || err->msg[0], "%s k=%" PRIu64 ": NGIDX_ERR_NOMEM without a message", what, k);
	NOTE(live == live0, "%s k=%" PRIu64 "%s (status %d: %s): %" PRId64 " blocks leaked", what, k,
	      persistent ? "+" : "", rc, err->msg, live - live0);
}

/* Restore the previous index at bc->out (after a successful build). */
static void put_prev(const build_case *bc, const ref *rf)
{
	write_file(bc->out, rf->prev, rf->prev_len);
}

/*
 * The build loop: for k = first, first + s, ... <= calls + 1, fail
 * call k (or every call from k) and check the status, the leak count, and
 * the output folder. Returns how many runs failed with NOMEM.
 */
static unsigned build_faults(const build_case *bc, const ref *rf, int persistent, uint64_t first,
                             uint64_t s)
{
	unsigned nomem = 0;
	for (uint64_t k = first; k <= rf->calls + 1; k += s) {
		if (only_k() && k != only_k())
			continue;
		int64_t live0 = atomic_load(&g_fs.live);
		ngidx_build_stats st;
		ngidx_error err;
		hook_arm(k, persistent);
		int rc = do_build(bc, &st, &err);
		check_status("build", k, persistent, rc, &err, live0);
		char *ls = list_dir(bc->outdir);
		NOTE(!strcmp(ls, "idx.ngx"), "build k=%" PRIu64 "%s (status %d: %s): output folder holds %s",
		      k, persistent ? "+" : "", rc, err.msg, ls);
		if (strcmp(ls, "idx.ngx"))
			clean_dir_but(bc->outdir, "idx.ngx");
		free(ls);
		NOTE(rc || !persistent || k > rf->calls, "build k=%" PRIu64 "+ succeeded although every call "
		     "from %" PRIu64 " on failed: an allocation failure was ignored (NGIDX_FAULTS_K=%" PRIu64
		     " NGIDX_FAULTS_TRACE=1 shows where)", k, k, k);
		if (rc) {
			nomem++;
			if (!same_bytes(rf->prev, rf->prev_len, bc->out)) {
				NOTE(0, "build k=%" PRIu64 "%s failed (%s) but changed or removed the previous "
				     "index", k, persistent ? "+" : "", err.msg);
				put_prev(bc, rf);
			}
		} else {
			NOTE(same_bytes(rf->index, rf->index_len, bc->out),
			      "build k=%" PRIu64 "%s succeeded after %" PRIu64 " failed calls with an index "
			      "that differs from the reference build", k, persistent ? "+" : "",
			      atomic_load(&g_fs.failed));
			put_prev(bc, rf);
		}
	}
	return nomem;
}

static unsigned query_faults(const char *path, const ref *rf, int persistent, uint64_t s)
{
	unsigned nomem = 0;
	for (uint64_t k = 1; k <= rf->calls + 1; k += s) {
		if (only_k() && k != only_k())
			continue;
		int64_t live0 = atomic_load(&g_fs.live);
		ngidx_error err;
		uint64_t h;
		hook_arm(k, persistent);
		int rc = do_queries(path, &h, &err);
		check_status("queries", k, persistent, rc, &err, live0);
		NOTE(rc || !persistent || k > rf->calls, "queries k=%" PRIu64 "+ succeeded although every call "
		     "from %" PRIu64 " on failed: an allocation failure was ignored (NGIDX_FAULTS_K=%" PRIu64
		     " NGIDX_FAULTS_TRACE=1 shows where)", k, k, k);
		if (rc)
			nomem++;
		else
			NOTE(h == rf->digest, "queries k=%" PRIu64 "%s succeeded after %" PRIu64
			      " failed calls with different answers", k, persistent ? "+" : "",
			      atomic_load(&g_fs.failed));
	}
	return nomem;
}

/*
 * Make the corpus in g_dir, the previous index (another corpus) at the
 * output path, and the reference build under the counting hook.
 */
static void setup_build_long(build_case *bc, ref *rf, unsigned ndocs, unsigned sents,
                             uint64_t memory, int threads, size_t long_doc)
{
	memset(rf, 0, sizeof *rf);
	build_case_init(bc, g_dir, memory, threads);
	bc->long_doc = long_doc;
	cr_assert_eq(mkdir(bc->outdir, 0755), 0);
	ngidx_build_stats st;
	ngidx_error err;

	/* the previous index: a smaller corpus of another salt */
	make_corpus(g_dir, 6, 3, 1);
	int rc = do_build(bc, &st, &err);
	cr_assert_eq(rc, NGIDX_OK, "previous build: %d %s", rc, err.msg);
	rf->prev = read_whole(bc->out, &rf->prev_len);

	make_corpus(g_dir, ndocs, sents, 2);
	int64_t live0 = atomic_load(&g_fs.live);
	hook_arm(0, 0);
	rc = do_build(bc, &st, &err);
	rf->calls = atomic_load(&g_fs.calls);
	check_status("reference build", 0, 0, rc, &err, live0);
	cr_assert_eq(rc, NGIDX_OK, "reference build: %d %s", rc, err.msg);
	cr_assert_gt(st.actors, 0);
	cr_assert_gt(st.mentions, 0);
	cr_assert_eq(st.skipped_docs, 1, "the malformed line: %" PRIu64 " skipped", st.skipped_docs);
	rf->index = read_whole(bc->out, &rf->index_len);
	char *ls = list_dir(bc->outdir);
	cr_assert_str_eq(ls, "idx.ngx");
	free(ls);
	rf->merges = st.run_merges;
	fprintf(stderr, "faults_test: build of %" PRIu64 " docs, %" PRIu64 " runs (%" PRIu64
	        " merges), %" PRIu64 " long, %d thread(s): %" PRIu64 " allocator calls\n", st.docs,
	        st.runs, st.run_merges, st.long_docs, threads, rf->calls);
	cr_assert_eq(st.long_docs > 0, long_doc > 0);
	put_prev(bc, rf);
}

static void setup_build(build_case *bc, ref *rf, unsigned ndocs, unsigned sents, uint64_t memory,
                        int threads)
{
	setup_build_long(bc, rf, ndocs, sents, memory, threads, 0);
}

static void ref_release(ref *rf)
{
	free(rf->index);
	free(rf->prev);
}

/* ---- tests ---------------------------------------------------------------- */

Test(faults, build_fail_kth, .init = faults_setup, .fini = fixture_teardown, .timeout = 120)
{
	build_case bc;
	ref rf;
	setup_build(&bc, &rf, 10, 4, 8u << 20, 1);
	unsigned nomem = build_faults(&bc, &rf, 0, 1, stride());
	cr_assert(nomem > 0 || only_k(), "no run failed");
	ref_release(&rf);
	end_checks();
}

Test(faults, build_fail_from_kth, .init = faults_setup, .fini = fixture_teardown, .timeout = 120)
{
	build_case bc;
	ref rf;
	setup_build(&bc, &rf, 10, 4, 8u << 20, 1);
	unsigned nomem = build_faults(&bc, &rf, 1, 1, stride());
	cr_assert(nomem > 0 || only_k(), "no run failed");
	ref_release(&rf);
	end_checks();
}

/* Fail about @runs of the reference build's calls in each mode: every
 * (calls / runs + 1)-th k from a random start (the seed is printed), or
 * every k with NGIDX_FAULTS_STRIDE=1. */
static void sampled_faults(build_case *bc, ref *rf, const char *name, uint64_t runs)
{
	uint64_t s = getenv("NGIDX_FAULTS_STRIDE") ? stride() : rf->calls / runs + 1;
	rng r = { test_seed(name) };
	uint64_t first = only_k() ? 1 : 1 + rng_below(&r, (uint32_t)s);
	for (int persistent = 0; persistent < 2; persistent++) {
		unsigned nomem = build_faults(bc, rf, persistent, first, s);
		cr_assert(nomem > 0 || only_k());
	}
	ref_release(rf);
	end_checks();
}

/* With --memory 1M and more text, the build spills runs and merges them:
 * about 13,000 calls, 1,000 of them failed per mode. */
Test(faults, build_with_spills, .init = faults_setup, .fini = fixture_teardown, .timeout = 120)
{
	build_case bc;
	ref rf;
	setup_build(&bc, &rf, 40, 20, 1u << 20, 1);
	sampled_faults(&bc, &rf, "build_with_spills", 1000);
}

/* Enough text for a worker to merge runs (compact.c) during the build:
 * about 20,700 calls, 150 of them failed per mode (a merge makes few of
 * its own, so it is hit now and then, not every run). */
Test(faults, build_with_merged_runs, .init = faults_setup, .fini = fixture_teardown, .timeout = 300)
{
	build_case bc;
	ref rf;
	setup_build(&bc, &rf, 400, 20, 1u << 20, 1);
	cr_assert_gt(rf.merges, 0, "no runs were merged");
	sampled_faults(&bc, &rf, "build_with_merged_runs", 150);
}

/* Documents over 200 bytes read in pieces of about 64 (spooled by the
 * reader, carried across cuts, joined in the merge), under --memory 1M. */
Test(faults, build_long_documents, .init = faults_setup, .fini = fixture_teardown, .timeout = 120)
{
	build_case bc;
	ref rf;
	setup_build_long(&bc, &rf, 12, 150, 1u << 20, 1, 200);
	sampled_faults(&bc, &rf, "build_long_documents", 250);
}

Test(faults, queries, .init = faults_setup, .fini = fixture_teardown, .timeout = 120)
{
	build_case bc;
	ref rf;
	setup_build(&bc, &rf, 10, 4, 8u << 20, 1);
	/* the new index, for the queries */
	write_file(bc.out, rf.index, rf.index_len);
	int64_t live0 = atomic_load(&g_fs.live);
	ngidx_error err;
	hook_arm(0, 0);
	int rc = do_queries(bc.out, &rf.digest, &err);
	rf.calls = atomic_load(&g_fs.calls);
	check_status("reference queries", 0, 0, rc, &err, live0);
	cr_assert_eq(rc, NGIDX_OK, "reference queries: %d %s", rc, err.msg);
	fprintf(stderr, "faults_test: queries: %" PRIu64 " allocator calls\n", rf.calls);
	for (int persistent = 0; persistent < 2; persistent++) {
		unsigned nomem = query_faults(bc.out, &rf, persistent, stride());
		cr_assert(nomem > 0 || only_k());
	}
	ref_release(&rf);
	end_checks();
}

/*
 * Two threads: the k-th call is not the same from run to run, so failures
 * are spread over the count; the checks are those of one thread.
 */
Test(faults, build_two_threads, .init = faults_setup, .fini = fixture_teardown, .timeout = 120)
{
	build_case bc;
	ref rf;
	setup_build(&bc, &rf, 40, 20, 1u << 20, 2);
	for (int persistent = 0; persistent < 2; persistent++) {
		for (uint64_t i = 1; i <= 12; i++) {
			uint64_t k = rf.calls * i / 12;
			int64_t live0 = atomic_load(&g_fs.live);
			ngidx_build_stats st;
			ngidx_error err;
			hook_arm(k ? k : 1, persistent);
			int rc = do_build(&bc, &st, &err);
			check_status("build (2 threads)", k, persistent, rc, &err, live0);
			char *ls = list_dir(bc.outdir);
			NOTE(!strcmp(ls, "idx.ngx"), "build (2 threads) k=%" PRIu64 "%s (status %d: %s): output "
			     "folder holds %s", k, persistent ? "+" : "", rc, err.msg, ls);
			if (strcmp(ls, "idx.ngx"))
				clean_dir_but(bc.outdir, "idx.ngx");
			free(ls);
			if (rc) {
				if (!same_bytes(rf.prev, rf.prev_len, bc.out)) {
					NOTE(0, "build (2 threads) k=%" PRIu64 "%s failed (%s) but changed or "
					     "removed the previous index", k, persistent ? "+" : "", err.msg);
					put_prev(&bc, &rf);
				}
			} else {
				/* byte-identical for any thread count (build.h) */
				NOTE(same_bytes(rf.index, rf.index_len, bc.out),
				      "build (2 threads) k=%" PRIu64 " succeeded with an index that differs "
				      "from the reference build", k);
				put_prev(&bc, &rf);
			}
		}
	}
	ref_release(&rf);
	end_checks();
}
