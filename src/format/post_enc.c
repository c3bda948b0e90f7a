/*
 * post_enc.c - writing postings blocks.
 *
 * A full block (NGIDX_BLOCK documents) stores its document gaps and tf - 1
 * values with the pfor codec; the last, partial block stores them as a Rice
 * group (NGIDX_RICE_MIN values or more) or varints (fewer), which is
 * smaller for the few values it holds. Most n-grams occur
 * once in each of a few documents, so the tf is not stored at all when the
 * term's df and cf tell it: when df == 1 it is cf, when cf == df it is 1. Positions of a block are cut in runs of
 * NGIDX_BLOCK: full runs pfor, the rest varints. The skip table, written
 * after the last block when there are two or more, lets a reader jump to
 * any block: each block's gaps are relative to the previous block's last
 * document, which the table holds.
 *
 * The positions of a block come after its document gaps and tf, which are
 * only known once the block is complete, so the positions must wait in
 * memory. They wait encoded: the runs cut the block's gap sequence at every
 * NGIDX_BLOCK values whatever the document boundaries, so each run is
 * pfor-coded into pbuf the moment its last gap arrives, and only the final,
 * partial run (always varints) is coded when the block is written. The bytes
 * are those of coding the whole block's gaps at once; a block with one
 * document of ten million occurrences costs its encoded size, not 8 bytes a
 * position as a gap array plus the caller's position array would.
 *
 * A block is written when the next document arrives at a full block (or at
 * post_enc_end), not as soon as it fills: the last document's positions may
 * still be on their way. Nothing else writes to the file meanwhile, so the
 * offsets, hence the bytes, are the same as writing it at once.
 */
#include "post_enc.h"
#include "common/endian.h"
#include "common/err.h"
#include "common/mem.h"

#include <assert.h>
#include <string.h>

void post_enc_init(post_enc *e, ngidx_wfile *out)
{
	memset(e, 0, sizeof *e);
	e->out = out;
}

void post_enc_release(post_enc *e)
{
	ngidx_free(e->pbuf);
	ngidx_free(e->skip);
	ngidx_free(e->scratch);
	memset(e, 0, sizeof *e);
}

void post_enc_begin(post_enc *e, unsigned n, uint64_t df, uint64_t cf)
{
	e->n = n;
	e->df = df;
	e->cf = cf;
	e->start = e->out->written;
	e->nb = 0;
	e->prev_last = -1;
	e->added = 0;
	e->tf_sum = 0;
	e->plen = 0;
	e->nrun = 0;
	e->pprev1 = 0;
	e->pos_left = 0;
	e->nskip = 0;
}

/* Encode @n values: pfor when it is a full block, a Rice group for
 * NGIDX_RICE_MIN values or more, varints for fewer. */
static void put_values(post_enc *e, const uint32_t *v, size_t n)
{
	if (n == NGIDX_BLOCK || n >= NGIDX_RICE_MIN) {
		size_t k = n == NGIDX_BLOCK ? ngidx_pfor_encode(v, n, e->scratch)
		                            : ngidx_rice_encode(v, n, e->scratch);
		ngidx_wfile_write(e->out, e->scratch, k);
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ngidx_varint_put(e->scratch + k, v[i]);
	ngidx_wfile_write(e->out, e->scratch, k);
}

static int flush_block(post_enc *e)
{
	if (NGIDX_RESERVE(e->skip, e->skip_cap, e->nskip + 1))
		return NGIDX_ERR_NOMEM;
	e->skip[e->nskip].off = e->out->written - e->start;
	e->skip[e->nskip].last = e->docs[e->nb - 1];
	e->nskip++;
	uint32_t gaps[NGIDX_BLOCK];
	int64_t prev = e->prev_last;
	for (size_t i = 0; i < e->nb; i++) {
		gaps[i] = (uint32_t)((int64_t)e->docs[i] - prev - 1);
		prev = e->docs[i];
	}
	put_values(e, gaps, e->nb);
	if (e->df > 1 && e->cf > e->df) {
		for (size_t i = 0; i < e->nb; i++)
			gaps[i] = e->tfs[i] - 1;
		put_values(e, gaps, e->nb);
	}
	/* The full runs, coded already, then the partial one (< NGIDX_BLOCK
	 * values, so varints). */
	ngidx_wfile_write(e->out, e->pbuf, e->plen);
	if (e->nrun)
		put_values(e, e->run, e->nrun);
	e->prev_last = e->docs[e->nb - 1];
	e->nb = 0;
	e->plen = 0;
	e->nrun = 0;
	return NGIDX_OK;
}

int post_enc_add_doc(post_enc *e, uint32_t doc, uint32_t tf)
{
	if (!e->scratch) {
		e->scratch_cap = ngidx_pfor_bound(NGIDX_BLOCK) + ngidx_rice_bound(NGIDX_BLOCK) +
		                 NGIDX_BLOCK * NGIDX_VARINT32_MAX;
		e->scratch = ngidx_malloc(e->scratch_cap);
		if (!e->scratch)
			return NGIDX_ERR_NOMEM;
	}
	if (e->pos_left)
		return NGIDX_ERR_INPUT;
	if (e->nb == NGIDX_BLOCK)
		FORWARD_IF_ERROR(flush_block(e));
	assert(e->nb < NGIDX_BLOCK);
	e->docs[e->nb] = doc;
	e->tfs[e->nb] = tf;
	e->nb++;
	e->added++;
	e->tf_sum += tf;
	if (e->n == 1) {
		e->pos_left = tf;
		e->pprev1 = 0;
	}
	return NGIDX_OK;
}

int post_enc_add_pos(post_enc *e, const uint32_t *pos, size_t n)
{
	if (n > e->pos_left)
		return NGIDX_ERR_INPUT;
	e->pos_left -= (uint32_t)n;
	uint32_t prev1 = e->pprev1;
	while (n) {
		/* Fill the pending run; code it when it is full. Unsigned
		 * arithmetic as the gaps always had: a caller's disorder is its
		 * own bug (asserted), not a reason for a branch per position. */
		size_t c = NGIDX_BLOCK - e->nrun;
		if (c > n)
			c = n;
		uint32_t *r = e->run + e->nrun;
		for (size_t i = 0; i < c; i++) {
			assert(pos[i] >= prev1);
			r[i] = pos[i] - prev1;
			prev1 = pos[i] + 1;
		}
		e->nrun += c;
		pos += c;
		n -= c;
		if (e->nrun == NGIDX_BLOCK) {
			if (NGIDX_RESERVE(e->pbuf, e->pcap, e->plen + ngidx_pfor_bound(NGIDX_BLOCK)))
				return NGIDX_ERR_NOMEM;
			e->plen += ngidx_pfor_encode(e->run, NGIDX_BLOCK, e->pbuf + e->plen);
			e->nrun = 0;
		}
	}
	e->pprev1 = prev1;
	return NGIDX_OK;
}

int post_enc_add(post_enc *e, uint32_t doc, uint32_t tf, const uint32_t *pos)
{
	FORWARD_IF_ERROR(post_enc_add_doc(e, doc, tf));
	if (e->n == 1)
		return post_enc_add_pos(e, pos, tf);
	return NGIDX_OK;
}

int post_enc_end(post_enc *e)
{
	if (e->added != e->df || e->tf_sum != e->cf || e->pos_left)
		return NGIDX_ERR_INPUT;
	if (e->nb)
		FORWARD_IF_ERROR(flush_block(e));
	if (e->nskip > 1) {
		for (size_t i = 0; i < e->nskip; i++) {
			unsigned char b[16] = { 0 };
			ngidx_put64(b, e->skip[i].off);
			ngidx_put32(b + 8, e->skip[i].last);
			ngidx_wfile_write(e->out, b, 16);
		}
	}
	return NGIDX_OK;
}
