/*
 * walk.c - input discovery: files, directories walked recursively, stdin.
 *
 * Order is part of the index (documents get ids in input order, and two
 * builds of the same tree must be byte-identical), so it may depend on
 * nothing but names: readdir order, which varies between file systems and
 * even between two copies of a tree, is never used. Each directory is read
 * completely when it is entered, its entries sorted with strcmp (bytes,
 * unsigned, so no locale), and visited depth-first: a subdirectory's files
 * come where its name sorts among its siblings. Entries whose name starts
 * with '.' are skipped (".git", editor swap files); an input named
 * explicitly is never skipped, hidden or not.
 *
 * The walk is lazy and its memory is bounded by the current path: one
 * level per open directory, holding that directory's sorted listing. The
 * directory stream is closed as soon as the listing is read, so deep trees
 * never run out of descriptors. Levels are kept and reused.
 *
 * Symbolic links are followed (stat, not lstat), so a link to a directory
 * is walked like one. A loop (a link to an ancestor) is caught by keeping
 * the device and inode of every directory on the current path: a
 * directory already there is reported and not entered. A tree reachable
 * twice through links that are not loops is walked twice; that is what the
 * user asked for.
 *
 * Inside a directory, only regular files (and links to them) are read.
 * Fifos, sockets and devices are reported instead: opening a fifo that no
 * one writes to would block the whole build. Given directly as an input,
 * any non-directory is opened, which is how named pipes and /dev/stdin
 * are read.
 *
 * Paths: the walker keeps one path buffer, "root/" followed by the
 * relative name of the current entry; the relative name (everything past
 * "root/") is the document name. Trailing slashes of an input are dropped
 * ("corpus/" and "corpus" name the same documents), "/" stays "/".
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/err.h"
#include "common/mem.h"

void walk_init(ngidx_walk *w, char **inputs, size_t n)
{
	memset(w, 0, sizeof *w);
	w->inputs = inputs;
	w->ninputs = n;
}

void walk_release(ngidx_walk *w)
{
	for (size_t i = 0; i < w->lv_cap; i++) {
		ngidx_free(w->lv[i].names);
		ngidx_free(w->lv[i].ents);
	}
	ngidx_free(w->lv);
	ngidx_free(w->path);
	memset(w, 0, sizeof *w);
}

/* path = path[0, at) + s; NUL-terminated. */
static int set_path(ngidx_walk *w, size_t at, const char *s)
{
	const size_t n = strlen(s);
	if (NGIDX_RESERVE(w->path, w->path_cap, at + n + 2))
		return NGIDX_ERR_NOMEM;
	memcpy(w->path + at, s, n + 1);
	return NGIDX_OK;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Enter the directory named by w->path (length @len), whose identity is
 * @st. On a listing failure *@errnum is set and nothing is pushed.
 */
static int push_dir(ngidx_walk *w, size_t len, const struct stat *st, int *errnum)
{
	*errnum = 0;
	if (w->depth == w->lv_cap) {
		size_t old = w->lv_cap;
		if (NGIDX_RESERVE(w->lv, w->lv_cap, w->depth + 1))
			return NGIDX_ERR_NOMEM;
		memset(w->lv + old, 0, (w->lv_cap - old) * sizeof *w->lv);
	}
	walk_level *l = &w->lv[w->depth];
	DIR *d = opendir(w->path);
	if (!d) {
		*errnum = errno;
		return NGIDX_OK;
	}
	size_t used = 0, n = 0;
	for (;;) {
		errno = 0;
		const struct dirent *e = readdir(d);
		if (!e) {
			*errnum = errno;
			break;
		}
		if (e->d_name[0] == '.')
			continue;
		const size_t k = strlen(e->d_name);
		if (NGIDX_RESERVE(l->names, l->names_cap, used + k + 2)) {
			closedir(d);
			return NGIDX_ERR_NOMEM;
		}
		l->names[used] = (char)e->d_type;
		memcpy(l->names + used + 1, e->d_name, k + 1);
		used += k + 2;
		n++;
	}
	closedir(d);
	if (*errnum)
		return NGIDX_OK;
	if (NGIDX_RESERVE(l->ents, l->ents_cap, n))
		return NGIDX_ERR_NOMEM;
	for (size_t i = 0, off = 0; i < n; i++) {
		l->ents[i] = l->names + off + 1;
		off += strlen(l->ents[i]) + 2;
	}
	if (n)
		qsort(l->ents, n, sizeof *l->ents, cmp_names);
	/* "dir/" is the prefix of every entry; "/" already ends in one */
	if (len == 0 || w->path[len - 1] != '/')
		w->path[len++] = '/';
	w->path[len] = '\0';
	l->n = n;
	l->next = 0;
	l->path_len = len;
	l->dev = st->st_dev;
	l->ino = st->st_ino;
	w->depth++;
	return NGIDX_OK;
}

static int on_path(const ngidx_walk *w, const struct stat *st)
{
	for (size_t i = 0; i < w->depth; i++)
		if (w->lv[i].dev == st->st_dev && w->lv[i].ino == st->st_ino)
			return 1;
	return 0;
}

static void item(const ngidx_walk *w, walk_item *it, int kind, int errnum)
{
	it->kind = kind;
	it->path = w->path;
	it->name = w->path + w->name_off;
	it->name_len = strlen(it->name);
	it->errnum = errnum;
}

int walk_next(ngidx_walk *w, walk_item *it)
{
	struct stat st;
	int errnum;
	for (;;) {
		if (w->depth > 0) {
			walk_level *l = &w->lv[w->depth - 1];
			if (l->next == l->n) {
				w->depth--;
				continue;
			}
			const char *nm = l->ents[l->next++];
			const unsigned char type = (unsigned char)nm[-1];
			FORWARD_IF_ERROR(set_path(w, l->path_len, nm));
			if (type == DT_REG) {
				item(w, it, WALK_FILE, 0);
				return NGIDX_OK;
			}
			if (type == DT_FIFO || type == DT_SOCK || type == DT_CHR || type == DT_BLK) {
				item(w, it, WALK_SPECIAL, 0);
				return NGIDX_OK;
			}
			/* a link, a directory, or a file system without d_type */
			if (stat(w->path, &st) != 0) {
				item(w, it, WALK_NOENT, errno);
				return NGIDX_OK;
			}
			if (S_ISREG(st.st_mode)) {
				item(w, it, WALK_FILE, 0);
				return NGIDX_OK;
			}
			if (!S_ISDIR(st.st_mode)) {
				item(w, it, WALK_SPECIAL, 0);
				return NGIDX_OK;
			}
			if (on_path(w, &st)) {
				item(w, it, WALK_LOOP, 0);
				return NGIDX_OK;
			}
			FORWARD_IF_ERROR(push_dir(w, strlen(w->path), &st, &errnum));
			if (errnum) {
				item(w, it, WALK_BADDIR, errnum);
				return NGIDX_OK;
			}
			continue;
		}
		if (w->next_input == w->ninputs) {
			it->kind = WALK_END;
			it->path = it->name = "";
			it->name_len = 0;
			it->errnum = 0;
			return NGIDX_OK;
		}
		const char *in = w->inputs[w->next_input++];
		w->name_off = 0;
		FORWARD_IF_ERROR(set_path(w, 0, in));
		if (strcmp(in, "-") == 0) {
			item(w, it, WALK_STDIN, 0);
			return NGIDX_OK;
		}
		if (stat(in, &st) != 0) {
			item(w, it, WALK_NOENT, errno);
			return NGIDX_OK;
		}
		if (!S_ISDIR(st.st_mode)) {
			item(w, it, WALK_FILE, 0);
			return NGIDX_OK;
		}
		size_t len = strlen(w->path);
		while (len > 1 && w->path[len - 1] == '/')
			w->path[--len] = '\0';
		FORWARD_IF_ERROR(push_dir(w, len, &st, &errnum));
		if (errnum) {
			item(w, it, WALK_BADDIR, errnum);
			return NGIDX_OK;
		}
		w->name_off = w->lv[0].path_len;
	}
}
