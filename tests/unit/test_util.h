/*
 * test_util.h - helpers shared by the Criterion unit tests (tests/unit/<name>_test.c).
 *
 * Header-only: every helper is `static inline`, so a test that does not use
 * one gets no copy and no unused-function warning. It is included by test
 * files only (each is built alone: `-Iinclude -Isrc`, one binary per file),
 * so it may fail the current test with Criterion's cr_assert.
 *
 * Before including it, a test file defines TEST_NAME, the short name of the
 * file ("format" for format_test.c). It names the binary in the seed lines
 * and the temporary fixture folder:
 *
 *   #define TEST_NAME "format"
 *   #include "test_util.h"
 *
 * What it holds:
 *   - the LeakSanitizer suppression for Criterion's runner (ASan builds);
 *   - CHECK(cond, fmt, ...), a cheap cr_assert for hot loops;
 *   - rng: splitmix64 with rng_next, rng32, rng_below, rng_unit, rng_zipf,
 *     and test_seed(), which takes NGIDX_SEED or the clock and prints
 *     "<TEST_NAME>_test: <name> seed=S (replay: NGIDX_SEED=S)" on stderr
 *     (with " (weak hash)" after the binary's name in NGIDX_WEAK_HASH builds);
 *   - memory and strings: xrealloc, xstrdup, xstrndup (all assert on
 *     failure), GROW (doubling array growth), sbuf with sb_put / sb_puts,
 *     fnv (FNV-1a 64 of a byte string);
 *   - the fixture folder g_dir: fixture_setup / fixture_teardown for
 *     `.init = fixture_setup, .fini = fixture_teardown` (mkdtemp of
 *     /tmp/ngidx-<TEST_NAME>-XXXXXX; removed afterwards, even with folders a
 *     test made unreadable, unless NGIDX_KEEP is set and not "0"), paths in
 *     it (tp, kp) and whole-file write_file / read_whole;
 *   - fixture_punches_holes(): whether g_dir's file system punches holes
 *     (a test of freed temporary disk checks nothing where it does not);
 *   - fa_malloc / fa_realloc / fa_free with their state FA: an allocator
 *     that fails a chosen call and counts live blocks.
 */
#ifndef NGIDX_TEST_UTIL_H
#define NGIDX_TEST_UTIL_H

#ifndef TEST_NAME
#error "define TEST_NAME (the test file's short name, e.g. \"format\") before including test_util.h"
#endif

#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- LeakSanitizer and Criterion's runner ---------------------------------- */

#if defined(__SANITIZE_ADDRESS__)
/*
 * Criterion's runner (the parent process) leaks a small record when two
 * long tests run with --jobs=2, and that LeakSanitizer report turns a
 * passing run into exit status 1. Suppress leaks inside libcriterion in
 * the runner only: the tests run in worker processes (BoxFort sets
 * BXFI_MAP in their environment), whose reports stay complete.
 */
__attribute__((visibility("default"))) const char *__lsan_default_suppressions(void)
{
	return getenv("BXFI_MAP") ? "" : "leak:libcriterion.so\n";
}
#endif

/* ---- assertions ----------------------------------------------------------- */

/* Fail with a message; cheaper than cr_assert in hot loops. */
#define CHECK(cond, ...)                                                      \
	do {                                                                  \
		if (!(cond))                                                  \
			cr_assert_fail(__VA_ARGS__);                          \
	} while (0)

/* ---- randomness ----------------------------------------------------------- */

/* A splitmix64 generator; seed it with `rng r = { test_seed("name") };`. */
typedef struct {
	uint64_t s;
} rng;

static inline uint64_t rng_next(rng *r)
{
	/* splitmix64 */
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* The high 32 bits of the next value. */
static inline uint32_t rng32(rng *r) { return (uint32_t)(rng_next(r) >> 32); }

/* Uniform in [0, n) (multiply-shift; n > 0). */
static inline uint32_t rng_below(rng *r, uint32_t n) { return (uint32_t)((rng_next(r) >> 32) * n >> 32); }

/* Uniform in [0, 1), 53 bits. */
static inline double rng_unit(rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* Zipf-like in [0, n): small indexes are much more likely. */
static inline uint32_t rng_zipf(rng *r, uint32_t n)
{
	double u = rng_unit(r);
	uint32_t k = (uint32_t)((double)n * u * u * u);
	return k < n ? k : n - 1;
}

#ifdef NGIDX_WEAK_HASH
#define TEST_UTIL_BUILD_NOTE " (weak hash)"
#else
#define TEST_UTIL_BUILD_NOTE ""
#endif

/*
 * Seed of the random test @name: NGIDX_SEED if set and not empty (any base
 * strtoull takes), else the clock and the process id. Printed on stderr so
 * that a failure can be replayed with NGIDX_SEED=<seed>.
 */
static inline uint64_t test_seed(const char *name)
{
	uint64_t seed;
	const char *env = getenv("NGIDX_SEED");
	if (env && *env)
		seed = strtoull(env, NULL, 0);
	else
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)clock();
	fprintf(stderr, TEST_NAME "_test" TEST_UTIL_BUILD_NOTE ": %s seed=%" PRIu64
	                " (replay: NGIDX_SEED=%" PRIu64 ")\n",
	        name, seed, seed);
	return seed;
}

/* ---- memory and strings --------------------------------------------------- */

/* realloc that fails the test when out of memory (n 0 allocates 1 byte). */
static inline void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	cr_assert_not_null(q, "out of memory");
	return q;
}

/* Grow array @a of capacity @cap (elements) to hold @need, doubling from 8. */
#define GROW(a, cap, need)                                                    \
	do {                                                                  \
		if ((size_t)(need) > (cap)) {                                 \
			size_t nc_ = (cap) ? (cap) : 8;                       \
			while (nc_ < (size_t)(need))                          \
				nc_ *= 2;                                     \
			(a) = xrealloc((a), nc_ * sizeof *(a));               \
			(cap) = nc_;                                          \
		}                                                             \
	} while (0)

/* A growing string, always NUL-terminated once written; free(b.p). */
typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

static inline void sb_put(sbuf *b, const void *s, size_t n)
{
	GROW(b->p, b->cap, b->len + n + 1);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static inline void sb_puts(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

/* A NUL-terminated copy of the @n bytes at @s. */
static inline char *xstrndup(const char *s, size_t n)
{
	char *p = xrealloc(NULL, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

static inline char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

/* FNV-1a, 64 bits. */
static inline uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * UINT64_C(0x100000001b3);
	return h;
}

/* ---- temporary fixture folder and files ----------------------------------- */

/* The current test's fixture folder (set by fixture_setup). */
static char g_dir[256];

static inline void fixture_setup(void)
{
	snprintf(g_dir, sizeof g_dir, "/tmp/ngidx-" TEST_NAME "-XXXXXX");
	cr_assert_not_null(mkdtemp(g_dir), "mkdtemp: %s", strerror(errno));
}

static inline int test_util_rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	remove(p);
	return 0;
}

/* Make folders readable again (a test may chmod one 000) so they can go. */
static inline int test_util_chmod_dirs(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)f;
	if (flag == FTW_D || flag == FTW_DNR || (st && S_ISDIR(st->st_mode)))
		chmod(p, 0700);
	return 0;
}

/* Remove the fixture folder; NGIDX_KEEP=1 keeps it for a look after a failure. */
static inline void fixture_teardown(void)
{
	const char *keep = getenv("NGIDX_KEEP");
	if (keep && *keep && strcmp(keep, "0")) {
		fprintf(stderr, "fixtures kept in %s\n", g_dir);
		return;
	}
	if (g_dir[0]) {
		nftw(g_dir, test_util_chmod_dirs, 16, FTW_PHYS);
		nftw(g_dir, test_util_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	}
}

/* A path inside the fixture folder (16 rotating static buffers). */
static inline const char *tp(const char *rel)
{
	static char bufs[16][PATH_MAX];
	static unsigned k;
	char *b = bufs[k++ % 16];
	snprintf(b, PATH_MAX, "%s/%s", g_dir, rel);
	return b;
}

/* Like tp, but the path stays valid for the whole test (for inputs held
 * across many other tp calls); at most 32 per test. */
static inline const char *kp(const char *rel)
{
	static char bufs[32][PATH_MAX];
	static unsigned k;
	cr_assert_lt(k, 32, "kp: out of buffers");
	char *b = bufs[k++];
	snprintf(b, PATH_MAX, "%s/%s", g_dir, rel);
	return b;
}

/* Create or truncate @path and write the @n bytes at @p to it. */
static inline void write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert(fd >= 0, "cannot create %s: %s", path, strerror(errno));
	const char *c = p;
	while (n) {
		ssize_t k = write(fd, c, n);
		cr_assert(k > 0, "write %s: %s", path, strerror(errno));
		c += k;
		n -= (size_t)k;
	}
	cr_assert_eq(close(fd), 0, "close %s: %s", path, strerror(errno));
}

/* The whole of @path in a malloc'd block (one spare byte after it); its
 * length in *len. */
static inline unsigned char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *p = xrealloc(NULL, (size_t)n + 1);
	cr_assert_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* Whether the file system of the fixture folder punches holes (fallocate);
 * if not, says so on stderr. */
static inline int fixture_punches_holes(void)
{
	int fd = open(tp("punch-probe"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0);
	static const char block[8192];
	cr_assert_eq(write(fd, block, sizeof block), (ssize_t)sizeof block);
	int ok = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096) == 0;
	close(fd);
	unlink(tp("punch-probe"));
	if (!ok)
		fprintf(stderr, TEST_NAME "_test: %s cannot punch holes: not checked\n", g_dir);
	return ok;
}

/* ---- allocation failures --------------------------------------------------- */

/*
 * An allocator for ngidx_set_allocator that fails call number FA.fail_at
 * (0: none) and counts the calls and the live blocks, so that a leak fails
 * the test even where LeakSanitizer only prints:
 *     ngidx_allocator al = { fa_malloc, fa_realloc, fa_free, NULL };
 */
typedef struct fail_alloc {
	long fail_at, calls, live;
} fail_alloc;

static inline fail_alloc *fa_state(void)
{
	static fail_alloc s;
	return &s;
}
#define FA (*fa_state())

static inline void *fa_malloc(void *ctx, size_t n)
{
	(void)ctx;
	if (++FA.calls == FA.fail_at)
		return NULL;
	void *p = malloc(n);
	FA.live += p != NULL;
	return p;
}

static inline void *fa_realloc(void *ctx, void *p, size_t n)
{
	(void)ctx;
	if (++FA.calls == FA.fail_at)
		return NULL;
	void *q = realloc(p, n);
	FA.live += q && !p;
	return q;
}

static inline void fa_free(void *ctx, void *p)
{
	(void)ctx;
	FA.live -= p != NULL;
	free(p);
}

#endif /* NGIDX_TEST_UTIL_H */
