/*
 * fileio.c - buffered output, file mapping and temporary folders.
 *
 * The buffered writer exists so that the build can stream hundreds of MB of
 * sections with one write(2) per MB and keep a running XXH64 of a section
 * without a second pass. Short writes and EINTR are retried; ENOSPC, EFBIG
 * (ulimit -f) and EDQUOT map to NGIDX_ERR_NOSPACE.
 */
#include "fileio.h"
#include "err.h"
#include "mem.h"
#include "codec/codec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

char *ngidx_strdupf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = ngidx_malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

int ngidx_wfile_open(ngidx_wfile *w, const char *path, size_t bufsize, ngidx_error *err)
{
	memset(w, 0, sizeof *w);
	w->fd = -1;
	w->path = ngidx_strdupf("%s", path);
	w->buf = ngidx_malloc(bufsize);
	if (!w->path || !w->buf) {
		ngidx_free(w->path);
		ngidx_free(w->buf);
		w->path = NULL;
		w->buf = NULL;
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	}
	w->cap = bufsize;
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		int rc = ngidx_err_errno(err, errno, "cannot create '%s'", path);
		ngidx_free(w->path);
		ngidx_free(w->buf);
		w->path = NULL;
		w->buf = NULL;
		return rc;
	}
	return NGIDX_OK;
}

static void raw_write(ngidx_wfile *w, const unsigned char *p, size_t n)
{
	while (n && !w->rc) {
		ssize_t k = write(w->fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			w->rc = ngidx_err_errno(&w->err, errno, "cannot write '%s'", w->path);
			return;
		}
		p += k;
		n -= (size_t)k;
	}
}

/* Hash the buffered bytes not hashed yet. Hashing whole buffers rather
 * than each small write keeps XXH64's streaming state off the hot path. */
static void hash_pending(ngidx_wfile *w)
{
	if (w->hashing && w->len > w->hash_from)
		XXH64_update(&w->h, w->buf + w->hash_from, w->len - w->hash_from);
	w->hash_from = w->len;
}

int ngidx_wfile_flush(ngidx_wfile *w, ngidx_error *err)
{
	hash_pending(w);
	w->hash_from = 0;
	if (w->len && !w->rc)
		raw_write(w, w->buf, w->len);
	w->len = 0;
	if (w->rc && err)
		*err = w->err;
	return w->rc;
}

void ngidx_wfile_write(ngidx_wfile *w, const void *p, size_t n)
{
	if (w->rc || n == 0)
		return;
	w->written += n;
	if (w->len + n <= w->cap) {
		memcpy(w->buf + w->len, p, n);
		w->len += n;
		return;
	}
	ngidx_wfile_flush(w, NULL);
	if (n >= w->cap) {
		if (w->hashing)
			XXH64_update(&w->h, p, n);
		raw_write(w, p, n);
		return;
	}
	memcpy(w->buf, p, n);
	w->len = n;
}

void ngidx_wfile_put_varint(ngidx_wfile *w, uint64_t v)
{
	uint8_t tmp[NGIDX_VARINT64_MAX];
	ngidx_wfile_write(w, tmp, ngidx_varint_put(tmp, v));
}

void ngidx_wfile_pad(ngidx_wfile *w, size_t align)
{
	static const unsigned char zeros[64];
	size_t r = (size_t)(w->written % align);
	if (r) {
		size_t n = align - r;
		while (n) {
			size_t k = n < sizeof zeros ? n : sizeof zeros;
			ngidx_wfile_write(w, zeros, k);
			n -= k;
		}
	}
}

void ngidx_wfile_hash_begin(ngidx_wfile *w)
{
	XXH64_reset(&w->h, 0);
	w->hash_from = w->len;
	w->hashing = 1;
}

uint64_t ngidx_wfile_hash_end(ngidx_wfile *w)
{
	hash_pending(w);
	w->hashing = 0;
	return XXH64_digest(&w->h);
}

int ngidx_wfile_close(ngidx_wfile *w, int do_fsync, ngidx_error *err)
{
	ngidx_wfile_flush(w, NULL);
	if (!w->rc && do_fsync && fsync(w->fd) != 0)
		w->rc = ngidx_err_errno(&w->err, errno, "cannot sync '%s'", w->path);
	if (close(w->fd) != 0 && !w->rc)
		w->rc = ngidx_err_errno(&w->err, errno, "cannot close '%s'", w->path);
	w->fd = -1;
	int rc = w->rc;
	if (rc && err)
		*err = w->err;
	ngidx_free(w->buf);
	ngidx_free(w->path);
	w->buf = NULL;
	w->path = NULL;
	return rc;
}

void ngidx_wfile_abort(ngidx_wfile *w)
{
	if (w->fd >= 0) {
		close(w->fd);
		if (w->path)
			unlink(w->path);
	}
	w->fd = -1;
	ngidx_free(w->buf);
	ngidx_free(w->path);
	w->buf = NULL;
	w->path = NULL;
}

int ngidx_wfile_append_file(ngidx_wfile *w, const char *src, ngidx_error *err)
{
	int fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ngidx_err_errno(err, errno, "cannot open '%s'", src);
	for (;;) {
		if (w->cap - w->len < 4096)
			ngidx_wfile_flush(w, NULL);
		if (w->rc)
			break;
		ssize_t k = read(fd, w->buf + w->len, w->cap - w->len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int rc = ngidx_err_errno(err, errno, "cannot read '%s'", src);
			close(fd);
			return rc;
		}
		if (k == 0)
			break;
		w->len += (size_t)k;
		w->written += (uint64_t)k;
	}
	close(fd);
	if (w->rc && err)
		*err = w->err;
	return w->rc;
}

void ngidx_punch_read(int fd, uint64_t *from, uint64_t to, uint64_t step)
{
	uint64_t a = (*from + 4095) & ~(uint64_t)4095, b = to & ~(uint64_t)4095;
	if (b < a + step)
		return;
	(void)fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)a, (off_t)(b - a));
	*from = b;
}

int ngidx_pread_all(int fd, void *p, size_t n, uint64_t off, ngidx_error *err)
{
	char *q = p;
	while (n) {
		ssize_t k = pread(fd, q, n, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return ngidx_err_errno(err, k < 0 ? errno : EIO,
			                       "cannot read a temporary file");
		q += k;
		n -= (size_t)k;
		off += (uint64_t)k;
	}
	return NGIDX_OK;
}

int ngidx_pwrite_all(int fd, const void *p, size_t n, uint64_t off, ngidx_error *err)
{
	const char *q = p;
	while (n) {
		ssize_t k = pwrite(fd, q, n, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return ngidx_err_errno(err, k < 0 ? errno : ENOSPC,
			                       "cannot write a temporary file");
		q += k;
		n -= (size_t)k;
		off += (uint64_t)k;
	}
	return NGIDX_OK;
}

int ngidx_wfile_copy_fd(ngidx_wfile *w, int fd, uint64_t off, uint64_t n, ngidx_error *err)
{
	char chunk[1 << 16];
	while (n && !w->rc) {
		size_t k = n < sizeof chunk ? (size_t)n : sizeof chunk;
		FORWARD_IF_ERROR(ngidx_pread_all(fd, chunk, k, off, err));
		ngidx_wfile_write(w, chunk, k);
		off += k;
		n -= k;
	}
	if (w->rc && err)
		*err = w->err;
	return w->rc;
}

int ngidx_map_file(ngidx_map *m, const char *path, ngidx_error *err)
{
	memset(m, 0, sizeof *m);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ngidx_err_errno(err, errno, "cannot open '%s'", path);
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int rc = ngidx_err_errno(err, errno, "cannot stat '%s'", path);
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return ngidx_err_set(err, NGIDX_ERR_IO, "cannot read '%s': not a regular file", path);
	}
	m->len = (size_t)st.st_size;
	if (m->len == 0) {
		close(fd);
		return NGIDX_OK;
	}
#ifndef NGIDX_NO_MMAP
	void *p = mmap(NULL, m->len, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return ngidx_err_errno(err, errno, "cannot map '%s'", path);
	m->p = p;
	m->mapped = 1;
	return NGIDX_OK;
#else
	unsigned char *b = ngidx_malloc(m->len);
	if (!b) {
		close(fd);
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "cannot read '%s': out of memory", path);
	}
	size_t got = 0;
	while (got < m->len) {
		ssize_t k = pread(fd, b + got, m->len - got, (off_t)got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			int rc = k < 0 ? ngidx_err_errno(err, errno, "cannot read '%s'", path)
			               : ngidx_err_set(err, NGIDX_ERR_IO, "cannot read '%s': file shrank", path);
			ngidx_free(b);
			close(fd);
			return rc;
		}
		got += (size_t)k;
	}
	close(fd);
	m->p = b;
	return NGIDX_OK;
#endif
}

void ngidx_map_release(ngidx_map *m)
{
	if (m->p) {
		if (m->mapped)
			munmap((void *)(uintptr_t)m->p, m->len);
		else
			ngidx_free((void *)(uintptr_t)m->p);
	}
	memset(m, 0, sizeof *m);
}

size_t ngidx_map_drop(const ngidx_map *m, size_t from, size_t upto)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (upto > m->len) /* never touch whatever is mapped after the file */
		upto = m->len;
	from &= ~(page - 1);
	upto &= ~(page - 1);
	if (m->mapped && m->p && upto > from)
		madvise((void *)(uintptr_t)(m->p + from), upto - from, MADV_DONTNEED);
	return upto > from ? upto : from;
}

char *ngidx_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return ngidx_strdupf(".");
	if (slash == path)
		return ngidx_strdupf("/");
	return ngidx_strdupf("%.*s", (int)(slash - path), path);
}

int ngidx_mkdtemp(const char *dir, char **out, ngidx_error *err)
{
	char *t = ngidx_strdupf("%s/.ngidx-tmp-%ld-XXXXXX", dir, (long)getpid());
	if (!t)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	if (!mkdtemp(t)) {
		int rc = ngidx_err_errno(err, errno, "cannot create a temporary folder in '%s'", dir);
		ngidx_free(t);
		return rc;
	}
	*out = t;
	return NGIDX_OK;
}

void ngidx_rmtree_flat(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			unlinkat(dirfd(d), e->d_name, 0); /* allocates nothing: works when out of memory */
		}
		closedir(d);
	}
	rmdir(dir);
}

void ngidx_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}
