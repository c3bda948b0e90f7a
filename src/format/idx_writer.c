/*
 * idx_writer.c - the atomic, checksummed container of an index.
 *
 * The file is written under a temporary name in the destination folder, so
 * that the final rename(2) is atomic: readers of the old index keep their
 * mapping, new readers see the complete new file, and a crash at any
 * moment leaves either the old file or the new one at the path, plus at
 * worst a stale "*.tmp-PID" that the next build of that path removes.
 */
#include "idx_writer.h"
#include "common/endian.h"
#include "common/err.h"
#include "common/mem.h"
#include "ngidx/version.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int idx_writer_open(idx_writer *w, const char *path, unsigned max_sections, ngidx_error *err)
{
	memset(w, 0, sizeof *w);
	w->f.fd = -1;
	if (max_sections > NGX_MAX_SECTIONS)
		return ngidx_err_set(err, NGIDX_ERR_ARG, "too many sections");
	w->path = ngidx_strdupf("%s", path);
	w->tmp_path = ngidx_strdupf("%s.tmp-%ld", path, (long)getpid());
	if (!w->path || !w->tmp_path) {
		idx_writer_abort(w);
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	}
	int rc = ngidx_wfile_open(&w->f, w->tmp_path, 4u << 20, err);
	if (rc) {
		ngidx_free(w->path);
		ngidx_free(w->tmp_path);
		w->path = w->tmp_path = NULL;
		return rc;
	}
	w->cap = max_sections;
	static const unsigned char zeros[NGX_HEADER_SIZE + NGX_SECTION_SIZE];
	ngidx_wfile_write(&w->f, zeros, NGX_HEADER_SIZE);
	for (unsigned i = 0; i < max_sections; i++)
		ngidx_wfile_write(&w->f, zeros, NGX_SECTION_SIZE);
	return NGIDX_OK;
}

void idx_writer_begin(idx_writer *w, uint32_t kind)
{
	ngidx_wfile_pad(&w->f, NGX_ALIGN);
	idx_section *s = &w->sec[w->nsec];
	s->kind = kind;
	s->offset = w->f.written;
	ngidx_wfile_hash_begin(&w->f);
	w->open = 1;
}

void idx_writer_end(idx_writer *w)
{
	idx_section *s = &w->sec[w->nsec++];
	s->length = w->f.written - s->offset;
	s->hash = ngidx_wfile_hash_end(&w->f);
	w->open = 0;
}

int idx_writer_commit(idx_writer *w, uint32_t analyzer, uint32_t flags, uint32_t max_n,
                      uint32_t min_df, uint32_t min_count, ngidx_error *err)
{
	ngidx_wfile_pad(&w->f, 8);
	unsigned char head[NGX_HEADER_SIZE + NGX_MAX_SECTIONS * NGX_SECTION_SIZE];
	size_t hlen = NGX_HEADER_SIZE + (size_t)w->cap * NGX_SECTION_SIZE;
	memset(head, 0, sizeof head);
	memcpy(head, NGX_MAGIC, NGX_MAGIC_LEN);
	ngidx_put16(head + 8, NGIDX_FORMAT_MAJOR);
	ngidx_put16(head + 10, NGIDX_FORMAT_MINOR);
	ngidx_put32(head + 12, NGX_CANARY);
	ngidx_put32(head + 16, analyzer);
	ngidx_put32(head + 20, flags);
	ngidx_put32(head + 24, max_n);
	ngidx_put32(head + 28, min_df);
	ngidx_put64(head + 32, w->f.written + NGX_TRAILER_SIZE);
	ngidx_put32(head + 40, w->nsec);
	ngidx_put32(head + 44, min_count);
	for (unsigned i = 0; i < w->nsec; i++) {
		unsigned char *e = head + NGX_HEADER_SIZE + (size_t)i * NGX_SECTION_SIZE;
		ngidx_put32(e, w->sec[i].kind);
		ngidx_put64(e + 8, w->sec[i].offset);
		ngidx_put64(e + 16, w->sec[i].length);
		ngidx_put64(e + 24, w->sec[i].hash);
	}
	unsigned char tr[8];
	/* Reserved table entries past nsec stay zero and are not covered. */
	ngidx_put64(tr, XXH64(head, NGX_HEADER_SIZE + (size_t)w->nsec * NGX_SECTION_SIZE, 0));
	ngidx_wfile_write(&w->f, tr, 8);
	/* the folder's name, for its fsync after the rename, is allocated
	 * first: once renamed, the build must not fail short of durable */
	char *dir = ngidx_dirname(w->path);
	int rc = dir ? ngidx_wfile_flush(&w->f, err) : ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	if (!rc && pwrite(w->f.fd, head, hlen, 0) != (ssize_t)hlen)
		rc = ngidx_err_errno(err, errno, "cannot write '%s'", w->tmp_path);
	if (rc) {
		ngidx_free(dir);
		idx_writer_abort(w);
		return rc;
	}
	rc = ngidx_wfile_close(&w->f, 1, err);
	if (!rc && rename(w->tmp_path, w->path) != 0)
		rc = ngidx_err_errno(err, errno, "cannot rename '%s' to '%s'", w->tmp_path, w->path);
	if (rc)
		unlink(w->tmp_path);
	else
		ngidx_fsync_dir(dir);
	ngidx_free(dir);
	ngidx_free(w->path);
	ngidx_free(w->tmp_path);
	w->path = w->tmp_path = NULL;
	return rc;
}

void idx_writer_abort(idx_writer *w)
{
	if (w->f.fd >= 0 || w->f.buf)
		ngidx_wfile_abort(&w->f);
	else if (w->tmp_path)
		unlink(w->tmp_path);
	ngidx_free(w->path);
	ngidx_free(w->tmp_path);
	w->path = w->tmp_path = NULL;
}
