/*
 * idx_writer.h - writing an index file section by section.
 *
 * Ownership: the writer owns the temporary output file until
 * idx_writer_commit renames it into place or idx_writer_abort removes it.
 *
 * Sections are appended in order, each 64-byte aligned and hashed as it
 * streams; the header and section table, reserved at the start, are
 * written last, then the trailer, fsync, rename, fsync of the folder.
 */
#ifndef NGIDX_FORMAT_IDX_WRITER_H
#define NGIDX_FORMAT_IDX_WRITER_H

#include <stdint.h>
#include "common/fileio.h"
#include "format/idx_format.h"

typedef struct idx_section {
	uint32_t kind;
	uint64_t offset, length, hash;
} idx_section;

typedef struct idx_writer {
	ngidx_wfile f;
	char *path, *tmp_path;
	idx_section sec[NGX_MAX_SECTIONS];
	unsigned nsec, cap;   /* sections written; reserved table entries */
	int open;             /* a section is being written */
} idx_writer;

/* Create "<path>.tmp-PID" reserving room for @max_sections sections. */
int idx_writer_open(idx_writer *w, const char *path, unsigned max_sections, ngidx_error *err);
/* Start a section of @kind; then write through w->f. */
void idx_writer_begin(idx_writer *w, uint32_t kind);
void idx_writer_end(idx_writer *w);
/*
 * Write header, table and trailer, fsync and rename into place.
 * @hdr_fields: analyzer id, flags, max_n, min_df, min_count.
 */
int idx_writer_commit(idx_writer *w, uint32_t analyzer, uint32_t flags, uint32_t max_n,
                      uint32_t min_df, uint32_t min_count, ngidx_error *err);
/* Remove the temporary file (any state). */
void idx_writer_abort(idx_writer *w);

#endif
