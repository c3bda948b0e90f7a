/*
 * cooc.c - a document's actor terms, counted like any term by accum.c.
 *
 * Counting co-occurrences as terms of the lexicon gives them, for free,
 * everything the n-grams have: per-thread accumulation, spilling under the
 * memory bound, the parallel merge, identical output for any thread count,
 * and postings (so the documents where two actors meet, and counts over a
 * date range, come from the same cursors as phrases).
 */
#include "cooc.h"
#include "common/err.h"
#include "common/mem.h"
#include "format/idx_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cooc_keys_release(cooc_keys *c)
{
	ngidx_free(c->k);
	ngidx_free(c->buf);
	ngidx_free(c->koff);
	ngidx_free(c->set);
	memset(c, 0, sizeof *c);
}

/* Append a key "<tag><level> a[ b]" (level 0: none, b < 0: none). */
static int put_key(cooc_keys *c, int tag, int level, uint32_t a, int64_t b, uint32_t pos,
                   uint32_t count)
{
	if (NGIDX_RESERVE(c->buf, c->buf_cap, c->len + 32) ||
	    NGIDX_RESERVE(c->k, c->k_cap, c->nk + 1) || NGIDX_RESERVE(c->koff, c->koff_cap, c->nk + 1))
		return NGIDX_ERR_NOMEM;
	char *p = c->buf + c->len;
	int n;
	if (!level)
		n = snprintf(p, 32, "%c%u", tag, a);
	else if (b < 0)
		n = snprintf(p, 32, "%c%c %u", tag, level, a);
	else
		n = snprintf(p, 32, "%c%c %u %u", tag, level, a, (uint32_t)b);
	c->koff[c->nk] = (uint32_t)c->len;
	c->k[c->nk++] = (accum_key){ NULL, (uint32_t)n, pos, count };
	c->len += (size_t)n;
	return NGIDX_OK;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return (a > b) - (a < b);
}

/* The distinct actors of @m[0..@n) into c->set; @return their number. */
static size_t distinct(cooc_keys *c, const actor_mention *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		c->set[i] = m[i].actor;
	qsort(c->set, n, sizeof *c->set, cmp_u32);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!k || c->set[k - 1] != c->set[i])
			c->set[k++] = c->set[i];
	return k;
}

/* Keys for the unit (document or sentence) with mentions @m[0..@n). */
static int unit_keys(cooc_keys *c, const actor_mention *m, size_t n, int level)
{
	size_t k = distinct(c, m, n);
	for (size_t i = 0; i < k; i++) {
		if (level == 's')
			FORWARD_IF_ERROR(put_key(c, NGX_ACT_COUNT, level, c->set[i], -1, 0, 1));
		for (size_t j = i + 1; j < k; j++)
			FORWARD_IF_ERROR(put_key(c, NGX_ACT_COUNT, level, c->set[i], c->set[j], 0, 1));
	}
	return NGIDX_OK;
}

int cooc_doc_keys(cooc_keys *c, const actor_mention *m, size_t nm, unsigned window)
{
	c->nk = 0;
	c->len = 0;
	if (nm == 0)
		return NGIDX_OK;
	if (NGIDX_RESERVE(c->set, c->set_cap, nm))
		return NGIDX_ERR_NOMEM;
	for (size_t i = 0; i < nm; i++)
		FORWARD_IF_ERROR(put_key(c, NGX_ACT_MENTION, 0, m[i].actor, 0, m[i].start, 1));
	FORWARD_IF_ERROR(unit_keys(c, m, nm, 'd'));
	for (size_t i = 0, j; i < nm; i = j) {
		for (j = i + 1; j < nm && m[j].sent == m[i].sent; j++)
			;
		FORWARD_IF_ERROR(unit_keys(c, m + i, j - i, 's'));
	}
	for (size_t i = 0; i < nm; i++) {
		for (size_t j = i + 1; j < nm && m[j].start - m[i].start <= window; j++) {
			uint32_t a = m[i].actor, b = m[j].actor;
			if (a == b)
				continue;
			FORWARD_IF_ERROR(put_key(c, NGX_ACT_COUNT, 'w', a < b ? a : b, a < b ? b : a, 0, 1));
		}
	}
	for (size_t i = 0; i < c->nk; i++)
		c->k[i].text = c->buf + c->koff[i];
	return NGIDX_OK;
}
