/*
 * fileio.h - buffered sequential output files, whole-file mapping, and the
 * atomic-replace helpers the index writer uses.
 *
 * Ownership: an ngidx_wfile owns its buffer and descriptor; close it with
 * ngidx_wfile_close (which flushes) or ngidx_wfile_abort (which does not).
 * An ngidx_map owns its mapping (or heap copy); release with ngidx_map_release.
 *
 * Errors are sticky: after the first failed write every later call is a
 * no-op and ngidx_wfile_close returns the first error, so hot loops can
 * write without checking each call.
 */
#ifndef NGIDX_COMMON_FILEIO_H
#define NGIDX_COMMON_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include "ngidx/errors.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

typedef struct ngidx_wfile {
	int fd;
	unsigned char *buf;
	size_t len, cap;
	uint64_t written;   /* bytes accepted so far (buffered included) */
	int rc;             /* first error, sticky */
	int hashing;        /* hash every byte written from now on */
	size_t hash_from;   /* buffered bytes before this are hashed already */
	XXH64_state_t h;
	char *path;         /* for messages */
	ngidx_error err;
} ngidx_wfile;

/* Create (truncate) @path for writing with a buffer of @bufsize bytes. */
int ngidx_wfile_open(ngidx_wfile *w, const char *path, size_t bufsize, ngidx_error *err);
void ngidx_wfile_write(ngidx_wfile *w, const void *p, size_t n);
void ngidx_wfile_put_varint(ngidx_wfile *w, uint64_t v);
/* Write zeros until the file size is a multiple of @align. */
void ngidx_wfile_pad(ngidx_wfile *w, size_t align);
/* Start/finish hashing the bytes written from now on. */
void ngidx_wfile_hash_begin(ngidx_wfile *w);
uint64_t ngidx_wfile_hash_end(ngidx_wfile *w);
/* Flush the buffer. @return the sticky status. */
int ngidx_wfile_flush(ngidx_wfile *w, ngidx_error *err);
/* Flush, optionally fsync, close. @return the first error of the file. */
int ngidx_wfile_close(ngidx_wfile *w, int do_fsync, ngidx_error *err);
/* Close without flushing (failure path) and unlink the file. */
void ngidx_wfile_abort(ngidx_wfile *w);
/* Append the whole file @src to @w (copy). */
int ngidx_wfile_append_file(ngidx_wfile *w, const char *src, ngidx_error *err);

/* Append @n bytes of @fd from offset @off to @w. */
int ngidx_wfile_copy_fd(ngidx_wfile *w, int fd, uint64_t off, uint64_t n, ngidx_error *err);

/* Temporary files read once: give the whole 4 KiB blocks of @fd in
 * [*@from, @to) back to the file system (a hole, the size unchanged) once
 * there are at least @step bytes of them, and move *@from to the end of
 * what was freed. Best effort: where holes cannot be punched the bytes
 * stay until the file is removed. */
void ngidx_punch_read(int fd, uint64_t *from, uint64_t to, uint64_t step);

/* All @n bytes at @off, or an error (a short file is NGIDX_ERR_IO). */
int ngidx_pread_all(int fd, void *p, size_t n, uint64_t off, ngidx_error *err);
int ngidx_pwrite_all(int fd, const void *p, size_t n, uint64_t off, ngidx_error *err);

/* A read-only view of a whole file. */
typedef struct ngidx_map {
	const unsigned char *p;
	size_t len;
	int mapped;          /* 1 mmap, 0 heap copy (NGIDX_NO_MMAP) */
} ngidx_map;

/* Map (or, with NGIDX_NO_MMAP, read) @path. Empty files give p = NULL. */
int ngidx_map_file(ngidx_map *m, const char *path, ngidx_error *err);
void ngidx_map_release(ngidx_map *m);
/*
 * Tell the kernel that [from, upto) will not be read soon, so its pages
 * leave this process's resident set (no-op on a heap copy). Reading them
 * again is still correct: they come back from the page cache or the file.
 * @return the page-aligned offset actually dropped up to.
 */
size_t ngidx_map_drop(const ngidx_map *m, size_t from, size_t upto);

/* Create a fresh private folder "DIR/.ngidx-tmp-PID-XXXXXX"; *@out is
 * allocated with ngidx_malloc. */
int ngidx_mkdtemp(const char *dir, char **out, ngidx_error *err);
/* Remove a folder made by ngidx_mkdtemp and the files in it. */
void ngidx_rmtree_flat(const char *dir);
/* The folder part of @path ("." if none), allocated. */
char *ngidx_dirname(const char *path);
/* fsync a directory (after a rename into it). */
void ngidx_fsync_dir(const char *dir);
/* printf into a fresh ngidx_malloc'd string (NULL on failure). */
char *ngidx_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
