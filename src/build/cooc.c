/*
 * cooc.c - a document's actor terms, counted like any term by accum.c.
 *
 * Counting co-occurrences as terms of the lexicon gives them, for free,
 * everything the n-grams have: per-thread accumulation, spilling under the
 * memory bound, the parallel merge, identical output for any thread count,
 * and postings (so the documents where two actors meet, and counts over a
 * date range, come from the same cursors as phrases).
 *
 * The counters of a unit (the document, a sentence) need its distinct
 * actors: they are kept in an actor_set, compacted (sorted, deduplicated)
 * whenever it doubles, so a sentence or document of any length costs its
 * distinct actors. The window level pairs each mention with the earlier
 * ones at most K tokens before it, which are kept in win[].
 */
#include "cooc.h"
#include "common/err.h"
#include "common/mem.h"
#include "format/idx_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_release(actor_set *s)
{
	ngidx_free(s->a);
	memset(s, 0, sizeof *s);
}

void cooc_keys_release(cooc_keys *c)
{
	ngidx_free(c->k);
	ngidx_free(c->buf);
	ngidx_free(c->koff);
	ngidx_free(c->win);
	set_release(&c->doc);
	set_release(&c->sent);
	memset(c, 0, sizeof *c);
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return (a > b) - (a < b);
}

/* Sort and deduplicate the whole set. */
static void set_compact(actor_set *s)
{
	if (s->n > 1)
		qsort(s->a, s->n, sizeof *s->a, cmp_u32);
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++)
		if (!k || s->a[k - 1] != s->a[i])
			s->a[k++] = s->a[i];
	s->n = s->sorted = k;
}

static int set_add(actor_set *s, uint32_t a)
{
	if (s->n == s->cap && s->n >= 2 * s->sorted + 64)
		set_compact(s);
	if (NGIDX_RESERVE(s->a, s->cap, s->n + 1))
		return NGIDX_ERR_NOMEM;
	s->a[s->n++] = a;
	return NGIDX_OK;
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

/* Keys for a closed unit (document or sentence) whose actors are @s. */
static int unit_keys(cooc_keys *c, actor_set *s, int level)
{
	set_compact(s);
	for (size_t i = 0; i < s->n; i++) {
		if (level == 's')
			FORWARD_IF_ERROR(put_key(c, NGX_ACT_COUNT, level, s->a[i], -1, 0, 1));
		for (size_t j = i + 1; j < s->n; j++)
			FORWARD_IF_ERROR(put_key(c, NGX_ACT_COUNT, level, s->a[i], s->a[j], 0, 1));
	}
	s->n = s->sorted = 0;
	return NGIDX_OK;
}

/* Point the keys at their texts, now that buf no longer moves. */
static int keys_done(cooc_keys *c)
{
	for (size_t i = 0; i < c->nk; i++)
		c->k[i].text = c->buf + c->koff[i];
	return NGIDX_OK;
}

void cooc_begin(cooc_keys *c, unsigned window)
{
	c->window = window;
	c->doc.n = c->doc.sorted = 0;
	c->sent.n = c->sent.sorted = 0;
	c->cur_sent = 0;
	c->nwin = 0;
	c->nk = c->len = 0;
}

/* Pair mention @x with the earlier ones of its window, then keep it. */
static int window_add(cooc_keys *c, const actor_mention *x)
{
	size_t keep = 0;
	for (size_t i = 0; i < c->nwin; i++) {
		if (x->start - c->win[i].start > c->window)
			continue;
		c->win[keep++] = c->win[i];
		uint32_t a = c->win[i].actor, b = x->actor;
		if (a != b)
			FORWARD_IF_ERROR(put_key(c, NGX_ACT_COUNT, 'w', a < b ? a : b, a < b ? b : a, 0, 1));
	}
	c->nwin = keep;
	if (NGIDX_RESERVE(c->win, c->win_cap, c->nwin + 1))
		return NGIDX_ERR_NOMEM;
	c->win[c->nwin++] = *x;
	return NGIDX_OK;
}

void cooc_clear(cooc_keys *c) { c->nk = c->len = 0; }

int cooc_add(cooc_keys *c, const actor_mention *m, size_t nm)
{
	for (size_t i = 0; i < nm; i++) {
		FORWARD_IF_ERROR(put_key(c, NGX_ACT_MENTION, 0, m[i].actor, 0, m[i].start, 1));
		if (m[i].sent != c->cur_sent && c->sent.n)
			FORWARD_IF_ERROR(unit_keys(c, &c->sent, 's'));
		c->cur_sent = m[i].sent;
		FORWARD_IF_ERROR(set_add(&c->sent, m[i].actor));
		FORWARD_IF_ERROR(set_add(&c->doc, m[i].actor));
		FORWARD_IF_ERROR(window_add(c, &m[i]));
	}
	return keys_done(c);
}

int cooc_end(cooc_keys *c)
{
	if (c->sent.n)
		FORWARD_IF_ERROR(unit_keys(c, &c->sent, 's'));
	FORWARD_IF_ERROR(unit_keys(c, &c->doc, 'd'));
	return keys_done(c);
}
