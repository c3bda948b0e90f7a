/*
 * normalize.c - NFKC of one group of text, and the map from its output
 * back to the input's character clusters.
 *
 * The analyzer (analyze.c) cuts text where normalization is known to be
 * local, handles ASCII and "inert" code points itself, and sends only the
 * groups that need real normalization here (a run of non-inert code points
 * and the code point before it). A group is valid UTF-8 (invalid bytes cut
 * groups), so utf8proc never sees an error. The functions and the scratch
 * buffer still say "segment": any piece of text whose normalization does
 * not depend on its surroundings.
 *
 * NFKC is utf8proc's: utf8proc_decompose with COMPAT|COMPOSE|STABLE (full
 * compatibility decomposition plus canonical reordering), then
 * utf8proc_normalize_utf32 (canonical composition), which is exactly what
 * utf8proc_NFKC does, minus the allocation and the re-encoding. Case folding
 * happens later, code point by code point, in analyze.c.
 *
 * One correction: utf8proc 2.8 composes an LV Hangul syllable with
 * U+11A7 as if U+11A7 were a trailing consonant of index 0, and drops it
 * (it tests 0 <= TIndex < TCount where Unicode requires 0 < TIndex).
 * Python, and Unicode, keep the pair unchanged ("\uAC00\u11A7"). U+11A7 is
 * a starter that composes with nothing on either side, so composing the
 * pieces between U+11A7s separately and keeping U+11A7 as is gives the
 * correct result. The exhaustive comparison with Python (see
 * tests/gen_analyzer_vectors.py --exhaustive) found no other difference
 * apart from characters new in Unicode 15.
 *
 * Mapping back (ngidx_norm_map): the input is cut into clusters, each a
 * starter (canonical combining class 0) and the non-starters after it. If
 * normalizing every cluster alone and concatenating the results gives the
 * segment's normalization code point for code point, each output code
 * point is attributed to the cluster that produced it. This holds for
 * nearly all real text; it fails when a starter composes with the previous
 * one (Hangul jamo L+V, some Indic vowel signs) or when a starter's
 * decomposition begins with a non-starter that then reorders or composes
 * backwards (halfwidth katakana voiced marks, U+0F73). The caller then
 * gives the whole segment's byte range to every token of it.
 */
#include "text_internal.h"

#include "common/err.h"
#include "common/mem.h"

#include <string.h>
#include <utf8proc.h>

#define NFKC_OPTS ((utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT))
#define HANGUL_JUNGSEONG_O_YAE 0x11A7

void ngidx_norm_buf_init(ngidx_norm_buf *nb)
{
	nb->cp = nb->cp_in;
	nb->alt = nb->alt_in;
	nb->map = nb->map_in;
	nb->cl = nb->cl_in;
	nb->cp_cap = nb->alt_cap = nb->map_cap = nb->cl_cap = NGIDX_NORM_INLINE;
}

void ngidx_norm_buf_release(ngidx_norm_buf *nb)
{
	if (nb->cp != nb->cp_in)
		ngidx_free(nb->cp);
	if (nb->alt != nb->alt_in)
		ngidx_free(nb->alt);
	if (nb->map != nb->map_in)
		ngidx_free(nb->map);
	if (nb->cl != nb->cl_in)
		ngidx_free(nb->cl);
	ngidx_norm_buf_init(nb);
}

/*
 * Make *@p (capacity *@cap, inline storage @in) hold @need elements of
 * @elem bytes. The contents are dropped. Returns 0 or NGIDX_ERR_NOMEM
 * (then nothing changed).
 */
static int reserve(void **p, size_t *cap, size_t need, size_t elem, void *in)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap * 2 > need ? *cap * 2 : need;
	if (ncap > SIZE_MAX / elem)
		return NGIDX_ERR_NOMEM;
	void *q = ngidx_malloc(ncap * elem);
	if (!q)
		return NGIDX_ERR_NOMEM;
	if (*p != in)
		ngidx_free(*p);
	*p = q;
	*cap = ncap;
	return 0;
}

/* reserve() on a typed array, without type-punning its pointer. */
#define NB_RESERVE(arr, cap, need, in)                                        \
	__extension__({                                                       \
		void *nb_p_ = (arr);                                          \
		int nb_rc_ = reserve(&nb_p_, &(cap), (need), sizeof *(arr), (in)); \
		(arr) = nb_p_;                                                \
		nb_rc_;                                                       \
	})

/* Canonical composition of @buf[0, @n) in place; returns the new length. */
static size_t compose(int32_t *buf, size_t n)
{
	size_t i = 0;
	while (i < n && buf[i] != HANGUL_JUNGSEONG_O_YAE)
		i++;
	if (i == n) /* the usual case: one call */
		return (size_t)utf8proc_normalize_utf32(buf, (utf8proc_ssize_t)n, NFKC_OPTS);

	size_t w = 0;
	i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && buf[j] != HANGUL_JUNGSEONG_O_YAE)
			j++;
		if (j > i) {
			const size_t m = (size_t)utf8proc_normalize_utf32(buf + i, (utf8proc_ssize_t)(j - i), NFKC_OPTS);
			memmove(buf + w, buf + i, m * sizeof *buf);
			w += m;
		}
		if (j < n)
			buf[w++] = buf[j++];
		i = j;
	}
	return w;
}

/*
 * Decompose @s[0, @n) into *@buf (capacity *@cap, inline @in), growing it
 * as needed. Returns the length or a negated error code.
 */
static ptrdiff_t decompose(int32_t **buf, size_t *cap, int32_t *in, const uint8_t *s, size_t n)
{
	for (;;) {
		const utf8proc_ssize_t r = utf8proc_decompose(s, (utf8proc_ssize_t)n, *buf,
		                                              (utf8proc_ssize_t)*cap, NFKC_OPTS);
		if (NGIDX_UNLIKELY(r < 0)) /* cannot happen on valid UTF-8 */
			return r == UTF8PROC_ERROR_NOMEM ? -NGIDX_ERR_NOMEM : -NGIDX_ERR_INPUT;
		/* When the buffer was too small, utf8proc reports the size needed
		 * and skips reordering: grow and do it again. */
		if ((size_t)r <= *cap)
			return r;
		const int rc = NB_RESERVE(*buf, *cap, (size_t)r, in);
		if (rc)
			return -rc;
	}
}

ptrdiff_t ngidx_norm_segment(ngidx_norm_buf *nb, const uint8_t *s, size_t n, size_t *ndecomp)
{
	const ptrdiff_t r = decompose(&nb->cp, &nb->cp_cap, nb->cp_in, s, n);
	if (r < 0)
		return r;
	*ndecomp = (size_t)r;
	return (ptrdiff_t)compose(nb->cp, (size_t)r);
}

int ngidx_norm_map(ngidx_norm_buf *nb, const uint8_t *s, size_t n, size_t ncp, size_t ndecomp)
{
	const uint8_t *const e = s + n;
	int rc;

	/* Cluster starts: every starter, and the first code point anyway.
	 * There are at most n of them. */
	if ((rc = NB_RESERVE(nb->cl, nb->cl_cap, n + 1, nb->cl_in)))
		return -rc;
	size_t ncl = 0;
	for (size_t i = 0; i < n;) {
		int32_t c = s[i];
		int k = 1;
		if (c >= 0x80)
			k = ngidx_utf8_decode(s + i, e, &c);
		if (NGIDX_NEVER(k <= 0))
			return 0;
		if (i == 0 || utf8proc_get_property(c)->combining_class == 0) {
			nb->cl[ncl++] = (uint32_t)i;
		}
		i += (size_t)k;
	}
	if (ncl < 2)
		return 0; /* one cluster: the segment's range is already exact */
	nb->cl[ncl] = (uint32_t)n;

	/* Each cluster's decomposition fits in the segment's (same length). */
	if ((rc = NB_RESERVE(nb->alt, nb->alt_cap, ndecomp, nb->alt_in)) ||
	    (rc = NB_RESERVE(nb->map, nb->map_cap, ndecomp, nb->map_in)))
		return -rc;

	size_t w = 0;
	for (size_t k = 0; k < ncl; k++) {
		const size_t a = nb->cl[k], b = nb->cl[k + 1];
		const utf8proc_ssize_t r = utf8proc_decompose(s + a, (utf8proc_ssize_t)(b - a), nb->alt + w,
		                                              (utf8proc_ssize_t)(nb->alt_cap - w), NFKC_OPTS);
		if (NGIDX_NEVER(r < 0 || (size_t)r > nb->alt_cap - w))
			return 0;
		const size_t m = compose(nb->alt + w, (size_t)r);
		if (w + m > ncp)
			return 0;
		for (size_t j = 0; j < m; j++)
			nb->map[w + j] = (uint32_t)k;
		w += m;
	}
	if (w != ncp || memcmp(nb->alt, nb->cp, ncp * sizeof *nb->cp) != 0)
		return 0;
	return 1;
}
