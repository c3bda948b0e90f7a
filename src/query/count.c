/*
 * count.c - exact phrase counts, from the lexicon when it holds the phrase,
 * else by walking the phrase's documents (phrase.c).
 *
 * The lexicon stores occurrences and documents of every n-gram up to
 * max-n, so such a count is one lookup; any other phrase is summed over
 * the documents where it occurs (see phrase.c for how they are found).
 * Within a subset of the documents every phrase is summed that way, over
 * the documents of the subset only.
 */
#include "ngidx/index.h"
#include "common/err.h"
#include "common/mem.h"
#include "ngidx/query.h"
#include "ngidx/keyness.h"

#include <string.h>

void ngidx_count_result_release(ngidx_count_result *r)
{
	ngidx_free(r->ngram);
	memset(r, 0, sizeof *r);
}

int ngidx_count(const ngidx_index *x, const char *phrase, size_t len, ngidx_count_result *r,
                ngidx_error *err)
{
	return ngidx_count_subset(x, phrase, len, NULL, r, err);
}

int ngidx_count_subset(const ngidx_index *x, const char *phrase, size_t len, const ngidx_subset *s,
                       ngidx_count_result *r, ngidx_error *err)
{
	ngidx_phrase *p;
	r->n = 0;
	r->occurrences = r->documents = 0;
	r->ngram_len = 0;
	FORWARD_IF_ERROR(ngidx_phrase_open(x, phrase, len, &p, err));
	size_t glen;
	const char *g = ngidx_phrase_ngram(p, &glen);
	int rc = NGIDX_OK;
	if (NGIDX_RESERVE(r->ngram, r->ngram_cap, glen + 1)) {
		rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		goto done;
	}
	memcpy(r->ngram, g, glen);
	r->ngram_len = glen;
	r->n = ngidx_phrase_ntokens(p);
	if (!s && ngidx_phrase_stats(p, &r->occurrences, &r->documents))
		goto done;
	int more;
	while ((more = ngidx_phrase_next(p, err)) == 1) {
		if (s && !ngidx_subset_has(s, ngidx_phrase_doc(p)))
			continue;
		r->occurrences += ngidx_phrase_occurrences(p);
		r->documents++;
	}
	if (more < 0)
		rc = -more;
done:
	ngidx_phrase_free(p);
	return rc;
}
