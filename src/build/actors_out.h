/*
 * actors_out.h - writing the actor sections of an index (FORMAT.md).
 */
#ifndef NGIDX_BUILD_ACTORS_OUT_H
#define NGIDX_BUILD_ACTORS_OUT_H

#include <stddef.h>
#include "merge.h"
#include "actors/dict.h"
#include "format/idx_writer.h"

/*
 * actors_write - the ACTSTR, ACTORS and COOC sections of dictionary @d from
 * the actor terms listed by the merge partitions @parts[0..@nparts).
 * @return NGIDX_OK, NGIDX_ERR_NOMEM, NGIDX_ERR_CORRUPT (a damaged
 * temporary file); write errors surface in w->f.
 */
int actors_write(idx_writer *w, const actor_dict *d, unsigned window, const merge_out *parts,
                 size_t nparts, ngidx_error *err);

#endif
