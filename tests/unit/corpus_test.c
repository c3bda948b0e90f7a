/*
 * corpus_test.c - tests of the corpus readers (src/corpus/corpus.h): input
 * discovery, the text, lines and jsonl formats, gzip and zstd streams,
 * date parsing, bad-input reporting and strict mode.
 *
 * Every test builds its fixtures at run time in a fresh directory from
 * mkdtemp (removed afterwards), writing compressed files with zlib and
 * libzstd, so nothing binary is committed and each case says in the code
 * what bytes it reads. Documents are copied out of the reader as they
 * come (a document is only valid until the next call), with every warning
 * passed to opts->warn, then compared.
 *
 * Byte offsets in messages are 0-based offsets in the (decompressed) file.
 * Run under sanitizers with
 *   make BUILD=build-asan SAN=address,undefined OPT='-O1 -g' \
 *        build-asan/tests/corpus_test && build-asan/tests/corpus_test
 * where LeakSanitizer also checks the allocation-failure test.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "corpus/corpus.h"
#include "ngidx/ngidx.h"

#define TEST_NAME "corpus"
#include "test_util.h"

/* The reader's first read size (CORPUS_CHUNK in corpus.c). */
#define CHUNK ((size_t)1 << 20)

/* ---- fixtures -------------------------------------------------------------- */

static void mkdirs_for(const char *path)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *s = tmp + strlen(g_dir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(tmp, 0755);
		*s = '/';
	}
}

static void put_raw(const char *path, const void *data, size_t n)
{
	mkdirs_for(path);
	write_file(path, data, n);
}

/* Write @s (or @n bytes of it) to the fixture file @rel. */
static void put(const char *rel, const char *s)
{
	put_raw(tp(rel), s, strlen(s));
}

static void putn(const char *rel, const void *s, size_t n)
{
	put_raw(tp(rel), s, n);
}

/* One gzip member of @data, as a malloc'd buffer. */
static unsigned char *gz_member(const void *data, size_t n, size_t *out_n)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, (uLong)n) + 64;
	unsigned char *out = malloc(cap);
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_n = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* A .gz file of @data split into @members gzip members. */
static size_t put_gz(const char *rel, const void *data, size_t n, int members)
{
	FILE *f;
	mkdirs_for(tp(rel));
	f = fopen(tp(rel), "wb");
	cr_assert_not_null(f);
	size_t total = 0, per = members > 1 ? n / (size_t)members : n;
	for (int m = 0; m < members; m++) {
		size_t off = (size_t)m * per, len = m == members - 1 ? n - off : per, zn;
		unsigned char *z = gz_member((const char *)data + off, len, &zn);
		cr_assert_eq(fwrite(z, 1, zn, f), zn);
		total += zn;
		free(z);
	}
	fclose(f);
	return total;
}

/* A .zst file of @data in @frames frames. */
static size_t put_zst(const char *rel, const void *data, size_t n, int frames)
{
	mkdirs_for(tp(rel));
	FILE *f = fopen(tp(rel), "wb");
	cr_assert_not_null(f);
	size_t total = 0, per = frames > 1 ? n / (size_t)frames : n;
	for (int m = 0; m < frames; m++) {
		size_t off = (size_t)m * per, len = m == frames - 1 ? n - off : per;
		size_t cap = ZSTD_compressBound(len);
		void *z = malloc(cap);
		size_t zn = ZSTD_compress(z, cap, (const char *)data + off, len, 3);
		cr_assert(!ZSTD_isError(zn));
		cr_assert_eq(fwrite(z, 1, zn, f), zn);
		total += zn;
		free(z);
	}
	fclose(f);
	return total;
}

/* ---- running the reader ------------------------------------------------------ */

typedef struct doc_copy {
	char *name;
	char *text;       /* NULL when not kept (very long documents) */
	size_t text_len;
	int spooled;      /* a long document, handed over in a file */
	uint32_t date;
	uint64_t line;
	char *file;
	char *meta;       /* "k=v,k2=v2" with "(s)" after string values */
	unsigned long sum; /* a checksum of the text */
} doc_copy;

typedef struct run {
	doc_copy *d;
	size_t n, cap;
	char **w;
	size_t nw, wcap;
	ngidx_corpus_stats st;
	int rc;             /* the return of the last next(), or of open() */
	ngidx_error err;
} run;

static void on_warn(void *ctx, const char *msg)
{
	run *r = ctx;
	cr_assert(strlen(msg) > 0 && !strchr(msg, '\n'), "bad message '%s'", msg);
	if (r->nw == r->wcap) {
		r->wcap = r->wcap ? 2 * r->wcap : 16;
		r->w = realloc(r->w, r->wcap * sizeof *r->w);
	}
	r->w[r->nw++] = strdup(msg);
}

static void keep(run *r, const ngidx_doc_in *doc)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->d = realloc(r->d, r->cap * sizeof *r->d);
	}
	doc_copy *c = &r->d[r->n++];
	cr_assert_not_null(doc->name);
	cr_assert_not_null(doc->file);
	c->name = xstrndup(doc->name, doc->name_len);
	c->text_len = doc->text_len;
	/* a long document's text is in a file that is now ours */
	char *spooled = NULL;
	c->spooled = doc->text_fd >= 0;
	if (c->spooled) {
		cr_assert_null(doc->text);
		spooled = malloc(doc->text_len + 1);
		cr_assert_not_null(spooled);
		for (size_t got = 0; got < doc->text_len;) {
			ssize_t k = pread(doc->text_fd, spooled + got, doc->text_len - got, (off_t)got);
			cr_assert_gt(k, 0, "the spooled text is shorter than %zu bytes", doc->text_len);
			got += (size_t)k;
		}
		close(doc->text_fd);
	}
	const char *text = spooled ? spooled : doc->text;
	c->text = doc->text_len <= 4 * CHUNK ? xstrndup(text, doc->text_len) : NULL;
	c->sum = 0;
	for (size_t i = 0; i < doc->text_len; i++)
		c->sum = c->sum * 31 + (unsigned char)text[i];
	free(spooled);
	c->date = doc->date;
	c->line = doc->line;
	c->file = strdup(doc->file);
	size_t cap = 1, len = 0;
	for (size_t i = 0; i < doc->nmeta; i++)
		cap += doc->meta[i].key_len + doc->meta[i].val_len + 6;
	c->meta = malloc(cap);
	c->meta[0] = '\0';
	for (size_t i = 0; i < doc->nmeta; i++) {
		const ngidx_meta_field *m = &doc->meta[i];
		len += (size_t)sprintf(c->meta + len, "%s%.*s=%.*s%s", i ? "," : "", (int)m->key_len,
		                       m->key, (int)m->val_len, m->val, m->is_string ? "(s)" : "");
	}
}

static void run_free(run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->d[i].name);
		free(r->d[i].text);
		free(r->d[i].file);
		free(r->d[i].meta);
	}
	for (size_t i = 0; i < r->nw; i++)
		free(r->w[i]);
	free(r->d);
	free(r->w);
	memset(r, 0, sizeof *r);
}

/* Read everything from @n inputs; r->rc is -1 after a normal end. */
static void read_all(run *r, const char *const *inputs, size_t n, const ngidx_corpus_opts *o)
{
	ngidx_corpus_opts opts = o ? *o : (ngidx_corpus_opts){ 0 };
	ngidx_corpus *c = NULL;
	memset(r, 0, sizeof *r);
	opts.warn = on_warn;
	opts.warn_ctx = r;
	r->rc = ngidx_corpus_open(&c, inputs, n, &opts, &r->err);
	if (r->rc != NGIDX_OK) {
		cr_assert_null(c);
		return;
	}
	ngidx_doc_in doc;
	while ((r->rc = ngidx_corpus_next(c, &doc, &r->err)) == NGIDX_OK)
		keep(r, &doc);
	if (r->rc > 0) { /* a finished handle keeps failing the same way */
		ngidx_error e2;
		cr_assert_eq(ngidx_corpus_next(c, &doc, &e2), r->rc);
		cr_assert_str_eq(e2.msg, r->err.msg);
	} else {
		cr_assert_eq(ngidx_corpus_next(c, &doc, NULL), -1, "the end is sticky");
	}
	r->st = *ngidx_corpus_get_stats(c);
	ngidx_corpus_free(c);
}

static void read1(run *r, const char *input, int format)
{
	ngidx_corpus_opts o = { .format = format };
	read_all(r, &input, 1, &o);
}

/* Index of the first warning containing @s, or -1. */
static long warn_with(const run *r, const char *s)
{
	for (size_t i = 0; i < r->nw; i++)
		if (strstr(r->w[i], s))
			return (long)i;
	return -1;
}

static void dump(const run *r)
{
	for (size_t i = 0; i < r->n; i++)
		cr_log_info("doc %zu: name=[%s] line=%" PRIu64 " date=%u meta=[%s] text=[%.60s]", i,
		            r->d[i].name, r->d[i].line, r->d[i].date, r->d[i].meta,
		            r->d[i].text ? r->d[i].text : "(long)");
	for (size_t i = 0; i < r->nw; i++)
		cr_log_info("warning %zu: %s", i, r->w[i]);
}

#define EXPECT_WARN(r, s)                                                     \
	do {                                                                  \
		if (warn_with((r), (s)) < 0) {                                \
			dump(r);                                              \
			cr_assert_fail("no warning containing \"%s\"", (s));  \
		}                                                             \
	} while (0)

#define EXPECT_DOC(r, i, nm, tx)                                              \
	do {                                                                  \
		cr_assert_lt((size_t)(i), (r)->n, "only %zu documents", (r)->n); \
		cr_assert_str_eq((r)->d[i].name, (nm));                       \
		cr_assert_eq((r)->d[i].text_len, strlen(tx));                 \
		cr_assert_eq(memcmp((r)->d[i].text, (tx), strlen(tx)), 0,     \
		             "text of doc %d is [%s]", (int)(i), (r)->d[i].text); \
	} while (0)

TestSuite(corpus, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120);

/* ---- dates ------------------------------------------------------------------- */

static uint32_t date_of(const char *s)
{
	uint32_t d = 12345;
	if (ngidx_parse_date(s, strlen(s), &d) != 0)
		return 1; /* distinct from every valid result */
	return d;
}

Test(corpus, parse_date)
{
	cr_assert_eq(date_of("2019"), 20190000u);
	cr_assert_eq(date_of("2019-02"), 20190200u);
	cr_assert_eq(date_of("2019-02-28"), 20190228u);
	cr_assert_eq(date_of("2019-02-28T10:11:12Z"), 20190228u);
	cr_assert_eq(date_of("2019-02-28 10:11"), 20190228u);
	cr_assert_eq(date_of("2019T"), 20190000u);
	cr_assert_eq(date_of("2019-12 x"), 20191200u);
	cr_assert_eq(date_of("0001-01-01"), 10101u);
	cr_assert_eq(date_of("9999-12-31"), 99991231u);
	cr_assert_eq(date_of("2000-02-29"), 20000229u);  /* divisible by 400 */
	cr_assert_eq(date_of("2024-02-29"), 20240229u);
	cr_assert_eq(date_of("1900-02-29"), 1u);         /* century */
	cr_assert_eq(date_of("2100-02-29"), 1u);
	cr_assert_eq(date_of("2019-02-29"), 1u);
	cr_assert_eq(date_of("2019-04-31"), 1u);
	cr_assert_eq(date_of("2019-04-30"), 20190430u);
	cr_assert_eq(date_of("2019-01-31"), 20190131u);
	cr_assert_eq(date_of("2019-13"), 1u);
	cr_assert_eq(date_of("2019-00"), 1u);
	cr_assert_eq(date_of("2019-01-00"), 1u);
	cr_assert_eq(date_of("2019-01-32"), 1u);
	cr_assert_eq(date_of("0000"), 1u);
	cr_assert_eq(date_of("19"), 1u);
	cr_assert_eq(date_of("201"), 1u);
	cr_assert_eq(date_of(""), 1u);
	cr_assert_eq(date_of("20190228"), 1u);
	cr_assert_eq(date_of("2019-2-28"), 1u);
	cr_assert_eq(date_of("2019-02-2"), 1u);
	cr_assert_eq(date_of("2019/02/28"), 1u);
	cr_assert_eq(date_of("2019-02-28x"), 1u);
	cr_assert_eq(date_of(" 2019"), 1u);
	cr_assert_eq(date_of("2019-"), 1u);
	cr_assert_eq(date_of("abcd"), 1u);
	cr_assert_eq(date_of("-019"), 1u);
	/* the length is honoured: no read past n */
	uint32_t d;
	cr_assert_eq(ngidx_parse_date("2019-02-28", 7, &d), 0);
	cr_assert_eq(d, 20190200u);
	cr_assert_eq(ngidx_parse_date("2019-02-28", 9, &d), -1);
}

/* ---- discovery ----------------------------------------------------------------- */

Test(corpus, walk_order_names_and_nesting)
{
	put("d/b.txt", "B");
	put("d/a.txt", "A1");
	put("d/A.txt", "A0");
	put("d/a/z.txt", "AZ");
	put("d/a/b/c.txt", "ABC");
	put("d/a/b/d/e/f/g.txt", "DEEP");
	put("d/\xc3\xa9.txt", "E");
	put("d/empty/.keep", "");
	run r;
	read1(&r, tp("d"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.rc, -1);
	/* entries sorted by their own name, bytes: "A.txt" < "a" < "a.txt" */
	EXPECT_DOC(&r, 0, "A.txt", "A0");
	EXPECT_DOC(&r, 1, "a/b/c.txt", "ABC");
	EXPECT_DOC(&r, 2, "a/b/d/e/f/g.txt", "DEEP");
	EXPECT_DOC(&r, 3, "a/z.txt", "AZ");
	EXPECT_DOC(&r, 4, "a.txt", "A1");
	EXPECT_DOC(&r, 5, "b.txt", "B");
	EXPECT_DOC(&r, 6, "\xc3\xa9.txt", "E");
	cr_assert_eq(r.n, 7);
	cr_assert_str_eq(r.d[1].file, tp("d/a/b/c.txt"));
	cr_assert_eq(r.d[1].line, 1);
	cr_assert_eq(r.d[1].date, 0);
	cr_assert_eq(r.nw, 0);
	cr_assert_eq(r.st.files, 7);
	cr_assert_eq(r.st.docs, 7);
	cr_assert_eq(r.st.bytes, 2 + 3 + 4 + 2 + 2 + 1 + 1);
	run_free(&r);

	/* trailing slashes name the same documents */
	char in[PATH_MAX];
	snprintf(in, sizeof in, "%s//", tp("d"));
	read1(&r, in, NGIDX_FMT_AUTO);
	cr_assert_eq(r.n, 7);
	EXPECT_DOC(&r, 1, "a/b/c.txt", "ABC");
	cr_assert_str_eq(r.d[1].file, tp("d/a/b/c.txt"));
	run_free(&r);
}

Test(corpus, inputs_in_order_and_direct_names)
{
	put("x/one.txt", "1");
	put("x/two.txt", "2");
	put("y/three.txt", "3");
	cr_assert_eq(chdir(g_dir), 0);
	const char *in[] = { "y", "x/two.txt", "x/../x/one.txt", "x" };
	run r;
	read_all(&r, in, 4, NULL);
	cr_assert_eq(r.rc, -1);
	cr_assert_eq(r.n, 5);
	EXPECT_DOC(&r, 0, "three.txt", "3");
	cr_assert_str_eq(r.d[0].file, "y/three.txt");
	EXPECT_DOC(&r, 1, "x/two.txt", "2");         /* a file given directly: as given */
	EXPECT_DOC(&r, 2, "x/../x/one.txt", "1");
	EXPECT_DOC(&r, 3, "one.txt", "1");
	EXPECT_DOC(&r, 4, "two.txt", "2");
	run_free(&r);
}

Test(corpus, hidden_entries_skipped)
{
	put("d/.hidden.txt", "no");
	put("d/.git/config", "no");
	put("d/sub/.swp", "no");
	put("d/sub/ok.txt", "yes");
	put("d/..dots", "no");
	run r;
	read1(&r, tp("d"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.n, 1);
	EXPECT_DOC(&r, 0, "sub/ok.txt", "yes");
	cr_assert_eq(r.nw, 0);
	run_free(&r);
	/* named explicitly, a hidden file or directory is read */
	read1(&r, tp("d/.hidden.txt"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.n, 1);
	cr_assert_str_eq(r.d[0].text, "no");
	run_free(&r);
	read1(&r, tp("d/.git"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.n, 1);
	EXPECT_DOC(&r, 0, "config", "no");
	run_free(&r);
}

Test(corpus, symlinks_and_loops)
{
	put("d/a/f.txt", "F");
	put("other/o.txt", "O");
	cr_assert_eq(symlink("..", tp("d/a/up")), 0);      /* loop to the root */
	cr_assert_eq(symlink(".", tp("d/a/self")), 0);     /* loop to itself */
	cr_assert_eq(symlink("f.txt", tp("d/a/g.txt")), 0); /* link to a file */
	cr_assert_eq(symlink(tp("other"), tp("d/b")), 0);   /* link to a directory */
	cr_assert_eq(symlink(tp("d/a"), tp("other/back")), 0); /* d/b/back: not a loop */
	run r;
	read1(&r, tp("d"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.rc, -1);
	dump(&r);
	cr_assert_eq(r.n, 5);
	EXPECT_DOC(&r, 0, "a/f.txt", "F");
	EXPECT_DOC(&r, 1, "a/g.txt", "F");
	EXPECT_DOC(&r, 2, "b/back/f.txt", "F");
	EXPECT_DOC(&r, 3, "b/back/g.txt", "F");
	EXPECT_DOC(&r, 4, "b/o.txt", "O");
	/* a/self, a/up, and b/back/self; b/back/up leads to d: a loop too */
	cr_assert_eq(r.nw, 4);
	EXPECT_WARN(&r, "d/a/self: directory loop, not followed");
	EXPECT_WARN(&r, "d/a/up: directory loop");
	EXPECT_WARN(&r, "d/b/back/up: directory loop");
	cr_assert_eq(r.st.skipped_files, 0);
	run_free(&r);
}

Test(corpus, missing_and_dangling)
{
	put("d/a.txt", "A");
	put("d/c.txt", "C");
	cr_assert_eq(symlink("nowhere", tp("d/b.txt")), 0);
	const char *in[] = { tp("nope.txt"), tp("d") };
	run r;
	read_all(&r, in, 2, NULL);
	cr_assert_eq(r.rc, -1);
	cr_assert_eq(r.n, 2);
	EXPECT_DOC(&r, 0, "a.txt", "A");
	EXPECT_DOC(&r, 1, "c.txt", "C");
	cr_assert_eq(r.nw, 2);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "cannot open '%s': ", tp("nope.txt"));
	cr_assert_eq(strncmp(r.w[0], want, strlen(want)), 0, "got '%s'", r.w[0]);
	snprintf(want, sizeof want, "cannot open '%s': ", tp("d/b.txt"));
	cr_assert_eq(strncmp(r.w[1], want, strlen(want)), 0, "got '%s'", r.w[1]);
	cr_assert_eq(r.st.skipped_files, 2);
	cr_assert_eq(r.st.files, 2);
	run_free(&r);

	/* strict: a missing input fails at open */
	ngidx_corpus_opts o = { .strict = 1 };
	read_all(&r, in, 2, &o);
	cr_assert_eq(r.rc, NGIDX_ERR_IO);
	cr_assert(strstr(r.err.msg, "nope.txt"), "%s", r.err.msg);
	run_free(&r);
	/* strict: a dangling link met during the walk ends the read */
	read_all(&r, in + 1, 1, &o);
	cr_assert_eq(r.rc, NGIDX_ERR_IO);
	cr_assert_eq(r.n, 1);
	cr_assert(strstr(r.err.msg, "b.txt"));
	cr_assert_eq(r.nw, 0, "strict errors are not also warnings");
	run_free(&r);
}

/* Read d/ of unreadable_file_and_directory; 0 if all is as expected. */
static int unreadable_check(void)
{
	run r;
	read1(&r, tp("d"), NGIDX_FMT_AUTO);
	const int ok = r.rc == -1 && r.n == 2 && strcmp(r.d[0].name, "a.txt") == 0 &&
	               strcmp(r.d[1].name, "e.txt") == 0 && r.nw == 2 &&
	               warn_with(&r, "cannot open '") == 0 &&
	               warn_with(&r, "cannot read directory '") == 1 &&
	               strstr(r.w[0], "d/b.txt': Permission denied") &&
	               strstr(r.w[1], "d/c': Permission denied") && r.st.skipped_files == 2 &&
	               r.st.files == 2;
	if (!ok)
		dump(&r);
	run_free(&r);
	return ok ? 0 : 1;
}

Test(corpus, unreadable_file_and_directory)
{
	put("d/a.txt", "A");
	put("d/b.txt", "B");
	put("d/c/x.txt", "X");
	put("d/e.txt", "E");
	cr_assert_eq(chmod(tp("d/b.txt"), 0), 0);
	cr_assert_eq(chmod(tp("d/c"), 0), 0);
	int fd = open(tp("d/b.txt"), O_RDONLY);
	if (fd < 0) {
		cr_assert_eq(unreadable_check(), 0);
		return;
	}
	/* Privileged (root, or a capability): permissions do not block reads.
	 * Check as the unprivileged user "nobody" in a child process, or skip. */
	close(fd);
	cr_assert_eq(chmod(g_dir, 0755), 0);
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
			_exit(77);
		fd = open(tp("d/b.txt"), O_RDONLY);
		if (fd >= 0)
			_exit(77);
		_exit(unreadable_check());
	}
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		cr_skip("running with privileges that ignore file permissions");
	cr_assert_eq(WEXITSTATUS(status), 0, "unreadable entries not reported as expected");
}

/* A writer process for a pipe or fifo; returns its pid. */
static pid_t spawn_writer(int fd_or_minus1, const char *fifo, const void *data, size_t n)
{
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		int fd = fd_or_minus1 >= 0 ? fd_or_minus1 : open(fifo, O_WRONLY);
		const char *p = data;
		while (n > 0) {
			ssize_t w = write(fd, p, n > 7001 ? 7001 : n); /* odd sizes */
			if (w <= 0)
				_exit(1);
			p += w;
			n -= (size_t)w;
		}
		close(fd);
		_exit(0);
	}
	return pid;
}

static void reap(pid_t pid)
{
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

Test(corpus, stdin_pipe)
{
	static const char data[] = "first line\r\nsecond\n\nfourth";
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t pid = spawn_writer(p[1], NULL, data, sizeof data - 1);
	close(p[1]);
	int saved = dup(STDIN_FILENO);
	cr_assert_eq(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
	close(p[0]);
	run r;
	read1(&r, "-", NGIDX_FMT_LINES);
	dup2(saved, STDIN_FILENO);
	close(saved);
	reap(pid);
	cr_assert_eq(r.rc, -1);
	cr_assert_eq(r.n, 4);
	EXPECT_DOC(&r, 0, "-:1", "first line");
	EXPECT_DOC(&r, 1, "-:2", "second");
	EXPECT_DOC(&r, 2, "-:3", "");
	EXPECT_DOC(&r, 3, "-:4", "fourth");
	cr_assert_str_eq(r.d[3].file, "-");
	cr_assert_eq(r.st.files, 1);
	cr_assert_eq(r.st.bytes, sizeof data - 1);
	run_free(&r);

	/* AUTO on stdin is text: the whole stream, named "-"; 3 MB to cross
	 * the chunk size and the pipe buffer many times */
	size_t n = 3 * CHUNK + 17;
	char *big = malloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	cr_assert_eq(pipe(p), 0);
	pid = spawn_writer(p[1], NULL, big, n);
	close(p[1]);
	saved = dup(STDIN_FILENO);
	dup2(p[0], STDIN_FILENO);
	close(p[0]);
	read1(&r, "-", NGIDX_FMT_AUTO);
	dup2(saved, STDIN_FILENO);
	close(saved);
	reap(pid);
	cr_assert_eq(r.n, 1);
	cr_assert_str_eq(r.d[0].name, "-");
	cr_assert_eq(r.d[0].text_len, n);
	cr_assert_eq(memcmp(r.d[0].text, big, n), 0);
	free(big);
	run_free(&r);
}

Test(corpus, named_pipe)
{
	static const char data[] = "{\"text\":\"via fifo\"}\n";
	cr_assert_eq(mkfifo(tp("in.jsonl"), 0600), 0);
	pid_t pid = spawn_writer(-1, tp("in.jsonl"), data, sizeof data - 1);
	run r;
	read1(&r, tp("in.jsonl"), NGIDX_FMT_AUTO);
	reap(pid);
	cr_assert_eq(r.rc, -1);
	cr_assert_eq(r.n, 1);
	cr_assert_str_eq(r.d[0].text, "via fifo");
	run_free(&r);

	/* inside a directory a fifo is reported and never opened (no writer:
	 * opening it would block forever) */
	put("d/a.txt", "A");
	cr_assert_eq(mkfifo(tp("d/f.txt"), 0600), 0);
	read1(&r, tp("d"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.n, 1);
	EXPECT_WARN(&r, "d/f.txt: not a regular file, skipped");
	cr_assert_eq(r.st.skipped_files, 0);
	run_free(&r);
}

/* ---- text and lines formats ----------------------------------------------------- */

Test(corpus, text_format)
{
	put("t/a.txt", "line one\nline two\r\n\n");
	put("t/empty.txt", "");
	put("t/bom.txt", "\xef\xbb\xbfwith bom");
	put("t/noext", "plain");
	run r;
	read1(&r, tp("t"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.rc, -1);
	cr_assert_eq(r.n, 4);
	EXPECT_DOC(&r, 0, "a.txt", "line one\nline two\r\n\n"); /* text: bytes as they are */
	EXPECT_DOC(&r, 1, "bom.txt", "with bom");
	EXPECT_DOC(&r, 2, "empty.txt", "");   /* an empty file is an empty document */
	EXPECT_DOC(&r, 3, "noext", "plain");
	cr_assert_eq(r.d[0].line, 1);
	cr_assert_eq(r.nw, 0);
	run_free(&r);
}

Test(corpus, lines_format)
{
	put("l.txt", "alpha\r\nbeta\n\n\r\ngamma\rdelta\nlast");
	run r;
	read1(&r, tp("l.txt"), NGIDX_FMT_LINES);
	cr_assert_eq(r.rc, -1);
	char nm[PATH_MAX + 32];
	const char *want[] = { "alpha", "beta", "", "", "gamma\rdelta", "last" };
	cr_assert_eq(r.n, 6);
	for (size_t i = 0; i < 6; i++) {
		snprintf(nm, sizeof nm, "%s:%zu", tp("l.txt"), i + 1);
		EXPECT_DOC(&r, i, nm, want[i]);
		cr_assert_eq(r.d[i].line, i + 1);
		cr_assert_str_eq(r.d[i].file, tp("l.txt"));
	}
	run_free(&r);

	/* a final newline does not add an empty document; an empty file has none */
	put("d/a.txt", "x\n");
	put("d/b.txt", "");
	put("d/c.txt", "\n");
	read1(&r, tp("d"), NGIDX_FMT_LINES);
	cr_assert_eq(r.n, 2);
	EXPECT_DOC(&r, 0, "a.txt:1", "x");
	EXPECT_DOC(&r, 1, "c.txt:1", "");
	cr_assert_eq(r.st.files, 3);
	run_free(&r);

	/* "\r\n" split by the first read: '\r' is its last byte */
	char *b = malloc(CHUNK + 8);
	memset(b, 'x', CHUNK - 1);
	memcpy(b + CHUNK - 1, "\r\ny\r\n", 5);
	putn("split.txt", b, CHUNK + 4);
	read1(&r, tp("split.txt"), NGIDX_FMT_LINES);
	cr_assert_eq(r.n, 2);
	cr_assert_eq(r.d[0].text_len, CHUNK - 1);
	cr_assert_str_eq(r.d[1].text, "y");
	run_free(&r);
	free(b);
}

/* A multi-byte character across the first read boundary, at every offset. */
Test(corpus, utf8_across_buffer_edge)
{
	static const char emoji[] = "\xf0\x9f\x98\x80"; /* U+1F600 */
	for (size_t k = 1; k <= 4; k++) {
		size_t pre = CHUNK - k, n = pre + 4 + 1 + 4 + 1;
		char *b = malloc(n);
		memset(b, 'x', pre);
		memcpy(b + pre, emoji, 4);
		b[pre + 4] = '\n';
		memcpy(b + pre + 5, emoji, 4);
		b[n - 1] = '\n';
		putn("e.txt", b, n);
		run r;
		read1(&r, tp("e.txt"), NGIDX_FMT_LINES);
		cr_assert_eq(r.nw, 0, "k=%zu: %s", k, r.nw ? r.w[0] : "");
		cr_assert_eq(r.n, 2);
		cr_assert_eq(r.d[0].text_len, pre + 4);
		cr_assert_eq(memcmp(r.d[0].text + pre, emoji, 4), 0);
		cr_assert_str_eq(r.d[1].text, emoji);
		run_free(&r);

		/* the same in a jsonl text field, and across a gzip stream */
		char *j = malloc(n + 64);
		size_t m = (size_t)sprintf(j, "{\"text\":\"");
		memset(j + m, 'y', pre - m);
		memcpy(j + pre, emoji, 4);
		m = pre + 4 + (size_t)sprintf(j + pre + 4, "\"}\n");
		putn("e.jsonl", j, m);
		put_gz("e.jsonl.gz", j, m, 1);
		read1(&r, tp("e.jsonl"), NGIDX_FMT_AUTO);
		cr_assert_eq(r.n, 1);
		cr_assert_eq(r.nw, 0);
		cr_assert_eq(memcmp(r.d[0].text + r.d[0].text_len - 4, emoji, 4), 0);
		run_free(&r);
		read1(&r, tp("e.jsonl.gz"), NGIDX_FMT_AUTO);
		cr_assert_eq(r.n, 1);
		cr_assert_eq(r.nw, 0);
		run_free(&r);
		free(j);
		free(b);
	}
}

Test(corpus, long_line_50mb)
{
	const size_t big = 50u << 20;
	char *b = malloc(big + 4096);
	memcpy(b, "short\n", 6);
	memset(b + 6, 'a', big);
	memcpy(b + 6 + big, "\r\nafter\n", 8);
	putn("long.txt", b, big + 14);
	run r;
	read1(&r, tp("long.txt"), NGIDX_FMT_LINES);
	cr_assert_eq(r.rc, -1);
	cr_assert_eq(r.n, 3);
	cr_assert_str_eq(r.d[0].text, "short");
	cr_assert_eq(r.d[1].text_len, big);
	cr_assert(r.d[1].spooled && !r.d[0].spooled && !r.d[2].spooled);
	unsigned long sum = 0;
	for (size_t i = 0; i < big; i++)
		sum = sum * 31 + 'a';
	cr_assert_eq(r.d[1].sum, sum);
	cr_assert_str_eq(r.d[2].text, "after");
	cr_assert_eq(r.d[2].line, 3);
	run_free(&r);

	/* a 50 MB JSON string with escapes: linear, not quadratic. Each block
	 * of 1000 bytes is 993 'b' then \t \\ x \/ (7 bytes, 4 unescaped). */
	static const char esc[] = "\\t\\\\x\\/";
	cr_assert_eq(strlen(esc), 7);
	size_t m = (size_t)sprintf(b, "{\"id\":1,\"text\":\"");
	size_t blocks = 0;
	for (size_t i = 0; i < big; i += 1000, blocks++) {
		memset(b + m, 'b', 993);
		memcpy(b + m + 993, esc, 7);
		m += 1000;
	}
	m += (size_t)sprintf(b + m, "\"}\n");
	putn("long.jsonl", b, m);
	read1(&r, tp("long.jsonl"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.rc, -1);
	cr_assert_eq(r.nw, 0, "%s", r.nw ? r.w[0] : "");
	cr_assert_eq(r.n, 1);
	cr_assert(r.d[0].spooled);
	/* each 1000 bytes: 994 'b', "\t" "\\" "x" "\/" -> 994 + 4 */
	cr_assert_eq(r.d[0].text_len, blocks * 997, "len %zu", r.d[0].text_len);
	unsigned long want = 0;
	for (size_t i = 0; i < blocks; i++) {
		for (size_t k = 0; k < 993; k++)
			want = want * 31 + 'b';
		for (const char *e = "\t\\x/"; *e; e++)
			want = want * 31 + (unsigned char)*e;
	}
	cr_assert_eq(r.d[0].sum, want, "unescaped text differs");
	cr_assert_str_eq(r.d[0].name, "1");
	run_free(&r);
	free(b);
}

/* ---- format detection and compression --------------------------------------------- */

Test(corpus, detection_by_extension)
{
	static const char j[] = "{\"text\":\"J\"}\n";
	put("d/1.jsonl", j);
	put("d/2.ndjson", j);
	put("d/3.JSONL", j);
	put("d/4.json", j); /* not JSON Lines: text */
	put("d/5.txt", "T\n");
	put_gz("d/6.jsonl.gz", j, strlen(j), 1);
	put_zst("d/7.jsonl.zst", j, strlen(j), 1);
	put_gz("d/8.txt.gz", "GZ\n", 3, 1);
	put_zst("d/9.zst", "ZS\n", 3, 1);
	put_gz("d/a.GZ", "UP", 2, 1);
	run r;
	read1(&r, tp("d"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.rc, -1);
	dump(&r);
	cr_assert_eq(r.n, 10);
	EXPECT_DOC(&r, 0, "1.jsonl:1", "J");
	EXPECT_DOC(&r, 1, "2.ndjson:1", "J");
	EXPECT_DOC(&r, 2, "3.JSONL:1", "J");
	EXPECT_DOC(&r, 3, "4.json", j);
	EXPECT_DOC(&r, 4, "5.txt", "T\n");
	EXPECT_DOC(&r, 5, "6.jsonl.gz:1", "J");
	EXPECT_DOC(&r, 6, "7.jsonl.zst:1", "J");
	EXPECT_DOC(&r, 7, "8.txt.gz", "GZ\n");
	EXPECT_DOC(&r, 8, "9.zst", "ZS\n");
	EXPECT_DOC(&r, 9, "a.GZ", "UP");
	cr_assert_eq(r.nw, 0);
	run_free(&r);

	/* an explicit format applies to every file, compressed or not */
	read1(&r, tp("d"), NGIDX_FMT_LINES);
	cr_assert_eq(r.n, 10);
	EXPECT_DOC(&r, 0, "1.jsonl:1", "{\"text\":\"J\"}");
	EXPECT_DOC(&r, 6, "7.jsonl.zst:1", "{\"text\":\"J\"}");
	EXPECT_DOC(&r, 7, "8.txt.gz:1", "GZ");
	run_free(&r);
	read1(&r, tp("d/5.txt"), NGIDX_FMT_JSONL);
	cr_assert_eq(r.n, 0);
	cr_assert_eq(r.st.skipped_docs, 1);
	run_free(&r);
}

/* Lines "line N ..." of varied lengths; returns the buffer. */
static char *make_lines(size_t nlines, size_t *n)
{
	size_t cap = nlines * 120 + 1, len = 0;
	char *b = malloc(cap);
	for (size_t i = 1; i <= nlines; i++) {
		len += (size_t)sprintf(b + len, "line %zu", i);
		for (size_t k = 0; k < i * 7 % 97; k++)
			b[len++] = (char)('a' + (i + k) % 26);
		b[len++] = '\n';
	}
	*n = len;
	return b;
}

Test(corpus, gzip_and_zstd_streams)
{
	size_t n;
	char *b = make_lines(60000, &n); /* ~3.2 MB: several buffers */
	put_gz("m.gz", b, n, 1);
	put_gz("multi.gz", b, n, 7);      /* concatenated members */
	put_zst("m.zst", b, n, 1);
	put_zst("multi.zst", b, n, 5);    /* concatenated frames */
	const char *names[] = { "m.gz", "multi.gz", "m.zst", "multi.zst" };
	for (int f = 0; f < 4; f++) {
		run r;
		read1(&r, tp(names[f]), NGIDX_FMT_LINES);
		cr_assert_eq(r.rc, -1, "%s", names[f]);
		cr_assert_eq(r.nw, 0, "%s: %s", names[f], r.nw ? r.w[0] : "");
		cr_assert_eq(r.n, 60000, "%s: %zu lines", names[f], r.n);
		cr_assert_eq(r.st.bytes, n);
		size_t off = 0;
		for (size_t i = 0; i < r.n; i++) {
			size_t len = strcspn(b + off, "\n");
			cr_assert_eq(r.d[i].text_len, len);
			cr_assert_eq(memcmp(r.d[i].text, b + off, len), 0, "%s line %zu", names[f], i + 1);
			off += len + 1;
		}
		run_free(&r);
		/* text format: the whole decompressed stream */
		read1(&r, tp(names[f]), NGIDX_FMT_TEXT);
		cr_assert_eq(r.n, 1);
		cr_assert_eq(r.d[0].text_len, n);
		cr_assert_eq(memcmp(r.d[0].text, b, n), 0);
		run_free(&r);
	}
	free(b);
}

/* Truncate the file @rel to @keep bytes. */
static void cut(const char *rel, size_t keep)
{
	cr_assert_eq(truncate(tp(rel), (off_t)keep), 0);
}

Test(corpus, truncated_and_corrupt_streams)
{
	size_t n;
	char *b = make_lines(20000, &n); /* ~1 MB */
	const char *kinds[] = { "gzip", "zstd" };
	for (int k = 0; k < 2; k++) {
		const char *rel = k ? "t.zst" : "t.gz";
		size_t zn = k ? put_zst(rel, b, n, 1) : put_gz(rel, b, n, 1);
		cut(rel, zn / 2);
		run r;
		read1(&r, tp(rel), NGIDX_FMT_LINES);
		cr_assert_eq(r.rc, -1);
		cr_assert_eq(r.nw, 1);
		/* "FILE: byte N: truncated gzip stream", N the decompressed bytes */
		char want[PATH_MAX + 128];
		snprintf(want, sizeof want, "%s: byte %" PRIu64 ": truncated %s stream", tp(rel),
		         r.st.bytes, kinds[k]);
		cr_assert_str_eq(r.w[0], want);
		cr_assert_gt(r.n, 1000, "the complete lines before the cut are kept");
		cr_assert_lt(r.st.bytes, n);
		/* every kept line is complete and in order; the cut one is dropped */
		size_t off = 0;
		for (size_t i = 0; i < r.n; i++) {
			size_t len = strcspn(b + off, "\n");
			cr_assert_eq(r.d[i].text_len, len, "line %zu", i + 1);
			cr_assert_eq(memcmp(r.d[i].text, b + off, len), 0);
			off += len + 1;
		}
		cr_assert_leq(off, r.st.bytes);
		cr_assert_eq(r.st.skipped_files, 1);
		cr_assert_eq(r.st.files, 1);
		run_free(&r);

		/* text format: nothing of the file is kept */
		read1(&r, tp(rel), NGIDX_FMT_TEXT);
		cr_assert_eq(r.n, 0);
		cr_assert_eq(r.nw, 1);
		run_free(&r);

		/* strict: NGIDX_ERR_INPUT after the complete lines */
		ngidx_corpus_opts o = { .format = NGIDX_FMT_LINES, .strict = 1 };
		const char *in = tp(rel);
		read_all(&r, &in, 1, &o);
		cr_assert_eq(r.rc, NGIDX_ERR_INPUT);
		cr_assert(strstr(r.err.msg, "truncated"), "%s", r.err.msg);
		cr_assert_gt(r.n, 1000);
		run_free(&r);
	}

	/* corrupt data in the middle of a gzip member */
	size_t zn = put_gz("c.gz", b, n, 1);
	size_t cn;
	unsigned char *z = read_whole(tp("c.gz"), &cn);
	cr_assert_eq(cn, zn);
	for (size_t i = zn / 2; i < zn / 2 + 64; i++)
		z[i] ^= 0x5a;
	putn("c.gz", z, zn);
	free(z);
	run r;
	read1(&r, tp("c.gz"), NGIDX_FMT_LINES);
	/* garbage decoded before the error may add encoding warnings */
	cr_assert_geq(r.nw, 1);
	cr_assert(strstr(r.w[r.nw - 1], "corrupt gzip stream"), "%s", r.w[r.nw - 1]);
	cr_assert_eq(r.st.skipped_files, 1);
	run_free(&r);

	/* corrupt zstd data */
	zn = put_zst("c.zst", b, n, 1);
	z = read_whole(tp("c.zst"), &cn);
	for (size_t i = zn / 2; i < zn / 2 + 64; i++)
		z[i] ^= 0x5a;
	putn("c.zst", z, zn);
	free(z);
	read1(&r, tp("c.zst"), NGIDX_FMT_LINES);
	cr_assert_geq(r.nw, 1);
	cr_assert(strstr(r.w[r.nw - 1], "corrupt zstd stream"), "%s", r.w[r.nw - 1]);
	cr_assert_eq(r.st.skipped_files, 1);
	run_free(&r);

	/* garbage after a complete gzip member; empty and non-gzip .gz files */
	zn = put_gz("g.gz", "ok\n", 3, 1);
	z = read_whole(tp("g.gz"), &cn);
	z = realloc(z, cn + 5);
	memcpy(z + cn, "junk!", 5);
	putn("g.gz", z, cn + 5);
	free(z);
	put("e.gz", "");
	put("p.gz", "plain text, not gzip\n");
	put("e.zst", "");
	const char *in[] = { tp("g.gz"), tp("e.gz"), tp("p.gz"), tp("e.zst"), tp("c.zst") };
	read_all(&r, in, 5, &(ngidx_corpus_opts){ .format = NGIDX_FMT_LINES });
	dump(&r);
	cr_assert_eq(r.n > 0 && strcmp(r.d[0].text, "ok") == 0, 1, "the member before the junk");
	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "%s: byte 3: corrupt gzip stream", tp("g.gz"));
	EXPECT_WARN(&r, want);
	snprintf(want, sizeof want, "%s: byte 0: truncated gzip stream", tp("e.gz"));
	EXPECT_WARN(&r, want);
	snprintf(want, sizeof want, "%s: byte 0: corrupt gzip stream", tp("p.gz"));
	EXPECT_WARN(&r, want);
	snprintf(want, sizeof want, "%s: byte 0: truncated zstd stream", tp("e.zst"));
	EXPECT_WARN(&r, want);
	cr_assert_eq(r.st.skipped_files, 5);
	cr_assert_eq(r.st.files, 5);
	run_free(&r);
	free(b);
}

/* ---- jsonl ---------------------------------------------------------------------------- */

Test(corpus, jsonl_fields_and_metadata)
{
	put("j.jsonl",
	    "{\"id\":\"doc-1\",\"text\":\"hello\",\"date\":\"2019-02-28\",\"src\":\"afp\",\"n\":-1.5e+3,"
	    "\"ok\":true,\"no\":false,\"nil\":null,\"obj\":{\"a\":[1,{\"b\":\"c\"}]},\"arr\":[]}\n"
	    "{\"text\":\"numeric id\",\"id\":42}\n"
	    "  {\"text\" : \"spaces\" , \"id\" : null }  \t\r\n"
	    "\n"
	    "   \t\n"
	    "{\"text\":\"bool id\",\"id\":true,\"date\":\"2019\"}\n"
	    "{\"text\":\"first\",\"k\":\"1\",\"text\":\"last wins\",\"k\":\"2\",\"id\":\"a\",\"id\":7}\n"
	    "{\"te\\u0078t\":\"escaped key\",\"\\u00e9\":\"\\u00e9t\\u00e9\"}\n"
	    "{\"text\":\"\",\"date\":\"2019-02\",\"m\":\"\"}\n"
	    "{}\n"
	    "{\"text\":\"x\",\"text\":null}\n");
	run r;
	read1(&r, tp("j.jsonl"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.rc, -1);
	dump(&r);
	cr_assert_eq(r.n, 7);
	EXPECT_DOC(&r, 0, "doc-1", "hello");
	cr_assert_eq(r.d[0].date, 20190228u);
	cr_assert_str_eq(r.d[0].meta, "src=afp(s),n=-1.5e+3,ok=true,no=false");
	cr_assert_eq(r.d[0].line, 1);
	EXPECT_DOC(&r, 1, "42", "numeric id");
	cr_assert_str_eq(r.d[1].meta, "");
	cr_assert_eq(r.d[1].date, 0);
	char nm[PATH_MAX + 32];
	snprintf(nm, sizeof nm, "%s:3", tp("j.jsonl")); /* null id: as if absent */
	EXPECT_DOC(&r, 2, nm, "spaces");
	snprintf(nm, sizeof nm, "%s:6", tp("j.jsonl")); /* blank lines still count */
	EXPECT_DOC(&r, 3, nm, "bool id");
	cr_assert_eq(r.d[3].date, 20190000u);
	cr_assert_eq(r.d[3].line, 6);
	EXPECT_DOC(&r, 4, "7", "last wins");
	cr_assert_str_eq(r.d[4].meta, "k=2(s)");
	snprintf(nm, sizeof nm, "%s:8", tp("j.jsonl"));
	EXPECT_DOC(&r, 5, nm, "escaped key");
	cr_assert_str_eq(r.d[5].meta, "\xc3\xa9=\xc3\xa9t\xc3\xa9(s)");
	snprintf(nm, sizeof nm, "%s:9", tp("j.jsonl"));
	EXPECT_DOC(&r, 6, nm, "");
	cr_assert_eq(r.d[6].date, 20190200u);
	cr_assert_str_eq(r.d[6].meta, "m=(s)");

	cr_assert_eq(r.nw, 3);
	snprintf(nm, sizeof nm, "%s:6: field 'id' is not a string or number", tp("j.jsonl"));
	cr_assert_str_eq(r.w[0], nm);
	snprintf(nm, sizeof nm, "%s:10: object has no field 'text'", tp("j.jsonl"));
	cr_assert_str_eq(r.w[1], nm);
	snprintf(nm, sizeof nm, "%s:11: field 'text' is not a string", tp("j.jsonl"));
	cr_assert_str_eq(r.w[2], nm);
	cr_assert_eq(r.st.docs, 7);
	cr_assert_eq(r.st.skipped_docs, 2);
	cr_assert_eq(r.st.bad_utf8, 0);
	run_free(&r);
}

Test(corpus, jsonl_escapes_and_surrogates)
{
	put("e.jsonl",
	    "{\"text\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t|\"}\n"
	    "{\"text\":\"\\u0041\\u00e9\\u20AC\\uffff\"}\n"
	    "{\"text\":\"\\ud83d\\ude00 \\uD834\\uDD1E \\udbff\\udfff\"}\n"
	    "{\"text\":\"raw \xc3\xa9 \xf0\x9f\x98\x80\"}\n");
	run r;
	read1(&r, tp("e.jsonl"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.nw, 0, "%s", r.nw ? r.w[0] : "");
	cr_assert_eq(r.n, 4);
	cr_assert_str_eq(r.d[0].text, "q\" b\\ s/ \b\f\n\r\t|");
	cr_assert_str_eq(r.d[1].text, "A\xc3\xa9\xe2\x82\xac\xef\xbf\xbf");
	cr_assert_str_eq(r.d[2].text, "\xf0\x9f\x98\x80 \xf0\x9d\x84\x9e \xf4\x8f\xbf\xbf");
	cr_assert_str_eq(r.d[3].text, "raw \xc3\xa9 \xf0\x9f\x98\x80");
	run_free(&r);

	/* a byte order mark opens the first line only */
	put("bom.jsonl", "\xef\xbb\xbf{\"text\":\"b\"}\r\n{\"text\":\"c\"}\r\n");
	read1(&r, tp("bom.jsonl"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.nw, 0, "%s", r.nw ? r.w[0] : "");
	cr_assert_eq(r.n, 2);
	cr_assert_str_eq(r.d[0].text, "b");
	run_free(&r);
}

Test(corpus, jsonl_malformed_lines)
{
	/* each line: the JSON, and the reason expected in the message */
	static const struct { const char *json, *why; } bad[] = {
		{ "{\"text\":\"a\"", "unexpected end of line" },
		{ "{\"text\" \"a\"}", "expected ':'" },
		{ "{text:\"a\"}", "expected a string key" },
		{ "[\"a\"]", "expected '{'" },
		{ "\"text\"", "expected '{'" },
		{ "{\"text\":\"a\",}", "expected a string key" },
		{ "{\"text\":\"a\"} x", "unexpected data after the object" },
		{ "{\"text\":\"a\"}{\"text\":\"b\"}", "unexpected data after the object" },
		{ "{\"text\":\"a\\x\"}", "invalid escape" },
		{ "{\"text\":\"a\\'\"}", "invalid escape" },
		{ "{\"text\":\"\\ud800\"}", "unpaired surrogate" },
		{ "{\"text\":\"\\ud800x\"}", "unpaired surrogate" },
		{ "{\"text\":\"\\udc00\\ud800\"}", "unpaired surrogate" },
		{ "{\"text\":\"\\ud83d\\u0041\"}", "unpaired surrogate" },
		{ "{\"text\":\"\\ud83d\\ud83d\"}", "unpaired surrogate" },
		{ "{\"text\":\"\\u12\"}", "invalid \\u escape" },
		{ "{\"text\":\"\\u12g4\"}", "invalid \\u escape" },
		{ "{\"text\":\"a\tb\"}", "control character in string" },
		{ "{\"text\":\"a\x1f\"}", "control character in string" },
		{ "{\"text\":\"abc", "unterminated string" },
		{ "{\"text\":\"abc\\", "unterminated string" },
		{ "{\"text\":\"a\",\"n\":01}", "invalid number" },
		{ "{\"text\":\"a\",\"n\":-01}", "invalid number" },
		{ "{\"text\":\"a\",\"n\":1.}", "invalid number" },
		{ "{\"text\":\"a\",\"n\":-}", "invalid number" },
		{ "{\"text\":\"a\",\"n\":1e}", "invalid number" },
		{ "{\"text\":\"a\",\"n\":1e+}", "invalid number" },
		{ "{\"text\":\"a\",\"n\":-.5}", "invalid number" },
		{ "{\"text\":\"a\",\"n\":.5}", "expected a value" },
		{ "{\"text\":\"a\",\"n\":+1}", "expected a value" },
		{ "{\"text\":\"a\",\"n\":NaN}", "expected a value" },
		{ "{\"text\":\"a\",\"n\":1 2}", "expected ',' or '}'" },
		{ "{\"text\":'a'}", "expected a value" },
		{ "{\"text\":\"a\",\"b\":tru}", "invalid literal" },
		{ "{\"text\":\"a\",\"b\":nul}", "invalid literal" },
		{ "{\"text\":\"a\",\"b\":True}", "expected a value" },
		{ "{\"text\":\"a\",\"o\":{\"x\":1,}}", "expected a string key" },
		{ "{\"text\":\"a\",\"o\":{\"x\" 1}}", "expected ':'" },
		{ "{\"text\":\"a\",\"o\":{1:2}}", "expected a string key" },
		{ "{\"text\":\"a\",\"o\":[1 2]}", "expected ',' or ']'" },
		{ "{\"text\":\"a\",\"o\":[1,2}", "expected ',' or ']'" },
		{ "{\"text\":\"a\",\"o\":[1,]}", "expected a value" },
		{ "{\"text\":\"a\",\"o\":[\"\\q\"]}", "invalid escape" },
		{ "{\"text\":\"a\",\"o\":{\"x\":[}", "expected a value" },
		{ "{\"text\":\"a\",\"o\":[[[[", "unexpected end of line" },
		{ "{\"text\":\"a\" \xff}", "expected ',' or '}'" },
		{ "\xef\xbb\xbf{\"text\":\"bom not at the start\"}", "expected '{'" },
		{ "{\"text\":\"a\",}", "expected a string key" },
		{ "{,}", "expected a string key" },
		{ "{", "unexpected end of line" },
		{ "}", "expected '{'" },
	};
	const size_t nbad = sizeof bad / sizeof bad[0];
	/* good lines between the bad ones, to see that reading goes on */
	size_t cap = 1 << 16, len = 0;
	char *f = malloc(cap);
	uint64_t *line_off = calloc(nbad, sizeof *line_off);
	for (size_t i = 0; i < nbad; i++) {
		len += (size_t)sprintf(f + len, "{\"text\":\"good %zu\"}\n", i);
		line_off[i] = len;
		len += (size_t)sprintf(f + len, "%s\n", bad[i].json);
	}
	putn("bad.jsonl", f, len);
	run r;
	read1(&r, tp("bad.jsonl"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.rc, -1);
	cr_assert_eq(r.n, nbad, "%zu good documents", r.n);
	cr_assert_eq(r.nw, nbad, "%zu warnings", r.nw);
	cr_assert_eq(r.st.skipped_docs, nbad);
	for (size_t i = 0; i < nbad; i++) {
		char want[PATH_MAX + 64];
		cr_assert_eq(r.d[i].line, 2 * i + 1);
		snprintf(want, sizeof want, "%s:%zu: malformed json at byte ", tp("bad.jsonl"), 2 * i + 2);
		cr_assert_eq(strncmp(r.w[i], want, strlen(want)), 0, "line %zu: got '%s'", 2 * i + 2,
		             r.w[i]);
		const char *why = strstr(r.w[i] + strlen(want), ": ");
		cr_assert_not_null(why);
		cr_assert_str_eq(why + 2, bad[i].why, "%s -> %s", bad[i].json, r.w[i]);
		uint64_t off = strtoull(r.w[i] + strlen(want), NULL, 10);
		cr_assert(off >= line_off[i] && off <= line_off[i] + strlen(bad[i].json),
		          "offset %" PRIu64 " outside line %zu", off, 2 * i + 2);
	}
	/* exact offsets (file offsets, 0-based) for two of them */
	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "%s:4: malformed json at byte %" PRIu64 ": expected ':'",
	         tp("bad.jsonl"), line_off[1] + 8);
	cr_assert_str_eq(r.w[1], want);
	snprintf(want, sizeof want, "%s:22: malformed json at byte %" PRIu64 ": unpaired surrogate",
	         tp("bad.jsonl"), line_off[10] + 9);
	cr_assert_str_eq(r.w[10], want);
	run_free(&r);
	free(f);
	free(line_off);
}

Test(corpus, jsonl_custom_fields_and_text_types)
{
	put("c.jsonl",
	    "{\"body\":\"B\",\"key\":\"K\",\"when\":\"2001-09-11\",\"text\":\"meta now\"}\n"
	    "{\"body\":5}\n"
	    "{\"body\":null}\n"
	    "{\"body\":[\"x\"]}\n"
	    "{\"body\":{\"x\":1}}\n"
	    "{\"body\":true}\n"
	    "{\"text\":\"no body\"}\n");
	ngidx_corpus_opts o = { .text_field = "body", .id_field = "key", .date_field = "when" };
	const char *in = tp("c.jsonl");
	run r;
	read_all(&r, &in, 1, &o);
	cr_assert_eq(r.n, 1);
	EXPECT_DOC(&r, 0, "K", "B");
	cr_assert_eq(r.d[0].date, 20010911u);
	cr_assert_str_eq(r.d[0].meta, "text=meta now(s)");
	cr_assert_eq(r.nw, 6);
	for (size_t i = 0; i < 5; i++) {
		char want[PATH_MAX + 64];
		snprintf(want, sizeof want, "%s:%zu: field 'body' is not a string", in, i + 2);
		cr_assert_str_eq(r.w[i], want);
	}
	EXPECT_WARN(&r, ":7: object has no field 'body'");
	cr_assert_eq(r.st.skipped_docs, 6);
	run_free(&r);
}

Test(corpus, jsonl_dates)
{
	static const struct { const char *json; uint32_t date; const char *warn; } v[] = {
		{ "\"2019\"", 20190000u, NULL },
		{ "\"2019-02\"", 20190200u, NULL },
		{ "\"2019-02-28\"", 20190228u, NULL },
		{ "\"2020-02-29T23:59:59+01:00\"", 20200229u, NULL },
		{ "\"2019-02-28 10:00\"", 20190228u, NULL },
		{ "2019", 20190000u, NULL },
		{ "null", 0, NULL },
		{ "\"2019-02-29\"", 0, "invalid date '2019-02-29'" },
		{ "\"2019-13\"", 0, "invalid date '2019-13'" },
		{ "\"19-02-28\"", 0, "invalid date '19-02-28'" },
		{ "\"2019/02/28\"", 0, "invalid date '2019/02/28'" },
		{ "\"\"", 0, "invalid date ''" },
		{ "\"yesterday\\n\"", 0, "invalid date 'yesterday?'" },
		{ "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"", 0,
		  "invalid date 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'" },
		{ "20190228", 0, "invalid date '20190228'" },
		{ "true", 0, "field 'date' is not a string" },
		{ "{\"y\":2019}", 0, "field 'date' is not a string" },
	};
	const size_t nv = sizeof v / sizeof v[0];
	char f[8192];
	size_t len = 0;
	for (size_t i = 0; i < nv; i++)
		len += (size_t)sprintf(f + len, "{\"text\":\"d%zu\",\"date\":%s}\n", i, v[i].json);
	putn("d.jsonl", f, len);
	run r;
	read1(&r, tp("d.jsonl"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.n, nv, "documents with bad dates are kept");
	cr_assert_eq(r.st.skipped_docs, 0);
	size_t nw = 0;
	for (size_t i = 0; i < nv; i++) {
		cr_assert_eq(r.d[i].date, v[i].date, "%s -> %u", v[i].json, r.d[i].date);
		if (v[i].warn) {
			char want[PATH_MAX + 128];
			snprintf(want, sizeof want, "%s:%zu: %s", tp("d.jsonl"), i + 1, v[i].warn);
			cr_assert_lt(nw, r.nw);
			cr_assert_str_eq(r.w[nw], want);
			nw++;
		}
	}
	cr_assert_eq(r.nw, nw);
	run_free(&r);

	/* strict: an invalid date ends the read */
	ngidx_corpus_opts o = { .strict = 1 };
	const char *in = tp("d.jsonl");
	read_all(&r, &in, 1, &o);
	cr_assert_eq(r.rc, NGIDX_ERR_INPUT);
	cr_assert_eq(r.n, 7);
	cr_assert(strstr(r.err.msg, ":8: invalid date '2019-02-29'"), "%s", r.err.msg);
	run_free(&r);
}

Test(corpus, jsonl_deep_nesting)
{
	const size_t depth = 100000;
	char *f = malloc(10 * depth + 256);
	size_t len = (size_t)sprintf(f, "{\"text\":\"deep\",\"x\":");
	memset(f + len, '[', depth);
	len += depth;
	memset(f + len, ']', depth);
	len += depth;
	len += (size_t)sprintf(f + len, ",\"after\":1}\n{\"text\":\"open\",\"x\":");
	memset(f + len, '[', depth); /* never closed */
	len += depth;
	len += (size_t)sprintf(f + len, "\n{\"text\":\"objects\",\"x\":");
	for (size_t i = 0; i < depth / 2; i++)
		len += (size_t)sprintf(f + len, "{\"a\":");
	f[len++] = '1';
	memset(f + len, '}', depth / 2);
	len += depth / 2;
	len += (size_t)sprintf(f + len, "}\n");
	putn("deep.jsonl", f, len);
	run r;
	read1(&r, tp("deep.jsonl"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.n, 2);
	cr_assert_str_eq(r.d[0].text, "deep");
	cr_assert_str_eq(r.d[0].meta, "after=1");
	cr_assert_str_eq(r.d[1].text, "objects");
	cr_assert_eq(r.nw, 1);
	EXPECT_WARN(&r, ":2: malformed json at byte ");
	EXPECT_WARN(&r, "unexpected end of line");
	run_free(&r);
	free(f);
}

Test(corpus, jsonl_many_fields_and_duplicates)
{
	/* enough members to take the hash-set path of the duplicate check */
	char *f = malloc(1 << 20);
	size_t len = (size_t)sprintf(f, "{");
	for (int i = 0; i < 300; i++)
		len += (size_t)sprintf(f + len, "\"k%d\":%d,", i % 100, i);
	len += (size_t)sprintf(f + len, "\"text\":\"t\"}\n");
	putn("m.jsonl", f, len);
	run r;
	read1(&r, tp("m.jsonl"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.n, 1);
	/* the last occurrence of each key wins: k0=200 ... k99=299, in that order */
	len = 0;
	for (int i = 200; i < 300; i++)
		len += (size_t)sprintf(f + len, "%sk%d=%d", i > 200 ? "," : "", i % 100, i);
	cr_assert_str_eq(r.d[0].meta, f);
	run_free(&r);
	free(f);
}

/* ---- encoding damage -------------------------------------------------------------------- */

Test(corpus, invalid_utf8_and_nul)
{
	/* text: invalid byte at 1042, document kept */
	char t[2048];
	memset(t, 'a', sizeof t);
	t[1042] = (char)0xc0;
	t[1043] = (char)0xaf; /* overlong '/' */
	putn("d/x.txt", t, sizeof t);
	char z[100];
	memset(z, 'z', sizeof z);
	z[88] = '\0';
	putn("d/y.txt", z, sizeof z);
	/* lines: NUL on line 3, invalid on line 4, both on line 5 (NUL first) */
	static const char l[] = "ok\n\xc3\xa9t\xc3\xa9\nab\0cd\nab\xe2\x82x\nx\0\xff\n";
	putn("l.lines", l, sizeof l - 1);
	run r;
	read1(&r, tp("d"), NGIDX_FMT_AUTO);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "%s: invalid utf-8 at byte 1042", tp("d/x.txt"));
	cr_assert_eq(r.n, 2);
	cr_assert_eq(r.d[0].text_len, sizeof t, "the document is kept whole");
	cr_assert_eq(r.nw, 2);
	cr_assert_str_eq(r.w[0], want);
	snprintf(want, sizeof want, "%s: nul byte at byte 88", tp("d/y.txt"));
	cr_assert_str_eq(r.w[1], want);
	cr_assert_eq(r.st.bad_utf8, 2);
	run_free(&r);

	read1(&r, tp("l.lines"), NGIDX_FMT_LINES);
	cr_assert_eq(r.n, 5);
	cr_assert_eq(r.d[2].text_len, 5);
	cr_assert_eq(r.nw, 3);
	snprintf(want, sizeof want, "%s:3: nul byte at byte 11", tp("l.lines"));
	cr_assert_str_eq(r.w[0], want);
	snprintf(want, sizeof want, "%s:4: invalid utf-8 at byte 17", tp("l.lines"));
	cr_assert_str_eq(r.w[1], want);
	snprintf(want, sizeof want, "%s:5: nul byte at byte 22", tp("l.lines"));
	cr_assert_str_eq(r.w[2], want);
	cr_assert_eq(r.st.bad_utf8, 3);
	cr_assert_eq(r.st.docs, 5);
	run_free(&r);

	/* jsonl: raw bad bytes inside strings and \u0000 keep the document */
	static const char j[] = "{\"text\":\"ok\"}\n"                 
	                        "{\"text\":\"a\xff\"}\n"              /* 0xff at 24 */
	                        "{\"text\":\"nul\\u0000\"}\n"         /* the escape at 40 */
	                        "{\"text\":\"raw\0nul\"}\n"           /* NUL at 61 */
	                        "{\"text\":\"ok\",\"m\":\"\xc3\"}\n"; /* 0xc3 at 86 */
	putn("j.jsonl", j, sizeof j - 1);
	read1(&r, tp("j.jsonl"), NGIDX_FMT_AUTO);
	dump(&r);
	cr_assert_eq(r.n, 5);
	cr_assert_eq(r.d[2].text_len, 4);
	cr_assert_eq(memcmp(r.d[2].text, "nul\0", 4), 0);
	cr_assert_eq(r.d[3].text_len, 7);
	cr_assert_eq(memcmp(r.d[3].text, "raw\0nul", 7), 0);
	cr_assert_eq(r.nw, 4);
	snprintf(want, sizeof want, "%s:2: invalid utf-8 at byte 24", tp("j.jsonl"));
	cr_assert_str_eq(r.w[0], want);
	snprintf(want, sizeof want, "%s:3: nul byte at byte 40", tp("j.jsonl"));
	cr_assert_str_eq(r.w[1], want);
	snprintf(want, sizeof want, "%s:4: nul byte at byte 61", tp("j.jsonl"));
	cr_assert_str_eq(r.w[2], want);
	snprintf(want, sizeof want, "%s:5: invalid utf-8 at byte 86", tp("j.jsonl"));
	cr_assert_str_eq(r.w[3], want);
	cr_assert_eq(r.st.bad_utf8, 4);
	cr_assert_eq(r.st.skipped_docs, 0);
	run_free(&r);

	/* several problems of one kept document: one message */
	put("p.jsonl", "{\"text\":\"\xff\",\"date\":\"never\",\"id\":[1]}\n");
	read1(&r, tp("p.jsonl"), NGIDX_FMT_AUTO);
	cr_assert_eq(r.n, 1);
	cr_assert_eq(r.nw, 1);
	snprintf(want, sizeof want,
	         "%s:1: field 'id' is not a string or number; invalid date 'never'; "
	         "invalid utf-8 at byte 9", tp("p.jsonl"));
	cr_assert_str_eq(r.w[0], want);
	run_free(&r);
}

Test(corpus, strict_mode)
{
	put("s.jsonl", "{\"text\":\"one\"}\n{\"text\":\"two\"\n{\"text\":\"three\"}\n");
	ngidx_corpus_opts o = { .strict = 1 };
	const char *in = tp("s.jsonl");
	run r;
	read_all(&r, &in, 1, &o);
	cr_assert_eq(r.rc, NGIDX_ERR_INPUT);
	cr_assert_eq(r.err.code, NGIDX_ERR_INPUT);
	cr_assert_eq(r.n, 1);
	cr_assert_eq(r.nw, 0);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "%s:2: malformed json at byte 28: unexpected end of line", in);
	cr_assert_str_eq(r.err.msg, want);
	cr_assert_eq(r.st.skipped_docs, 1);
	run_free(&r);

	put("u.txt", "ok \xfe");
	in = tp("u.txt");
	read_all(&r, &in, 1, &o);
	cr_assert_eq(r.rc, NGIDX_ERR_INPUT);
	cr_assert_eq(r.n, 0);
	cr_assert(strstr(r.err.msg, "invalid utf-8 at byte 3"), "%s", r.err.msg);
	run_free(&r);

	/* and nothing bad: strict reads to the end */
	put("g/a.txt", "fine");
	in = tp("g");
	read_all(&r, &in, 1, &o);
	cr_assert_eq(r.rc, -1);
	cr_assert_eq(r.n, 1);
	run_free(&r);
}

Test(corpus, bad_options)
{
	ngidx_corpus *c = (ngidx_corpus *)1;
	ngidx_error e;
	const char *in[] = { "x", "" };
	ngidx_corpus_opts o = { .format = 7 };
	cr_assert_eq(ngidx_corpus_open(&c, in, 1, &o, &e), NGIDX_ERR_ARG);
	cr_assert_null(c);
	cr_assert_eq(ngidx_corpus_open(&c, in, 2, NULL, &e), NGIDX_ERR_ARG);
	cr_assert_eq(ngidx_corpus_open(&c, NULL, 1, NULL, NULL), NGIDX_ERR_ARG);
	/* no inputs: an empty corpus */
	cr_assert_eq(ngidx_corpus_open(&c, NULL, 0, NULL, &e), NGIDX_OK);
	ngidx_doc_in d;
	cr_assert_eq(ngidx_corpus_next(c, &d, &e), -1);
	cr_assert_eq(ngidx_corpus_get_stats(c)->files, 0);
	ngidx_corpus_free(c);
	ngidx_corpus_free(NULL);
}

Test(corpus, stats_mixed)
{
	put("d/a.jsonl", "{\"text\":\"1\"}\n{bad\n\n{\"text\":\"\xff\"}\n{\"x\":1}\n");
	put("d/b.txt", "text");
	cr_assert_eq(symlink("missing", tp("d/c.txt")), 0);
	static const char e[] = "{\"text\":\"z\"}\n{\"text\":\"cut";
	size_t zn = put_gz("d/e.jsonl.gz", e, strlen(e), 1);
	cut("d/e.jsonl.gz", zn - 4); /* lose the trailer only */
	run r;
	read1(&r, tp("d"), NGIDX_FMT_AUTO);
	dump(&r);
	cr_assert_eq(r.n, 4);
	cr_assert_eq(r.st.files, 3);
	cr_assert_eq(r.st.docs, 4);
	cr_assert_eq(r.st.skipped_docs, 2);
	cr_assert_eq(r.st.skipped_files, 2);
	cr_assert_eq(r.st.bad_utf8, 1);
	cr_assert_eq(r.st.bytes, 40 + 4 + strlen(e));
	cr_assert_eq(r.nw, 5);
	run_free(&r);
}

/* ---- allocation failures ------------------------------------------------------------------ */

/* Fail the FA.fail_at-th allocation; count live blocks, so that a leak
 * fails the test even where LeakSanitizer only prints. */

Test(corpus, allocation_failures)
{
	size_t n;
	char *b = make_lines(3000, &n);
	put("d/a/x.jsonl", "{\"id\":1,\"text\":\"a\\u00e9\",\"m\":\"v\",\"m\":2}\n");
	put_gz("d/b.txt.gz", b, n, 2);
	put_zst("d/c.jsonl.zst", "{\"text\":\"z\"}\n", 13, 1);
	put("d/d.txt", "plain");
	char *f = malloc(64 * 40 + 64);
	size_t len = (size_t)sprintf(f, "{\"text\":\"many\"");
	for (int i = 0; i < 40; i++)
		len += (size_t)sprintf(f + len, ",\"k%d\":%d", i % 20, i);
	len += (size_t)sprintf(f + len, "}\n");
	putn("d/e.jsonl", f, len);
	free(f);
	const char *in = tp("d");
	ngidx_allocator a = { fa_malloc, fa_realloc, fa_free, NULL };
	ngidx_set_allocator(&a);
	long k;
	for (k = 1; k < 100000; k++) {
		FA.fail_at = k;
		FA.calls = 0;
		FA.live = 0;
		ngidx_corpus *c = NULL;
		ngidx_error e;
		int rc = ngidx_corpus_open(&c, &in, 1, NULL, &e);
		size_t docs = 0;
		if (rc == NGIDX_OK) {
			ngidx_doc_in d;
			while ((rc = ngidx_corpus_next(c, &d, &e)) == NGIDX_OK)
				docs++;
			ngidx_corpus_free(c);
		}
		cr_assert_eq(FA.live, 0, "allocation %ld failed: %ld blocks leaked", k, FA.live);
		if (FA.calls < k) { /* no failure injected: a complete read */
			cr_assert_eq(rc, -1);
			cr_assert_eq(docs, 5);
			break;
		}
		cr_assert_eq(rc, NGIDX_ERR_NOMEM, "allocation %ld: rc %d", k, rc);
	}
	ngidx_set_allocator(NULL);
	cr_assert_gt(k, 5, "the reader allocates");
	free(b);
}
