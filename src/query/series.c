/*
 * series.c - frequency over time (ngidx/series.h).
 *
 * A series is two tables built by one pass over the document table:
 *
 *   where[doc]   the period index of each document, or -1 when it is left
 *                out (undated, outside the bounds, or dated too coarsely
 *                for the unit: "2019" has no month, "2019-03" no day);
 *   tokens[i],   per period i, the tokens and the number of the documents
 *   docs[i]      placed in it.
 *
 * A target is then one walk of its postings (a phrase iterator, query.h,
 * over the phrase itself, an actor's mention term or a pair term): each
 * posting adds its count to the period where[doc] names, so a target costs
 * O(postings + periods) whatever the length of the series.
 *
 * Periods are numbered by an ordinal that is contiguous in time, so the
 * range is [lo, hi] and period i has ordinal lo + i:
 *   year   y
 *   month  12 y + (m - 1)
 *   day    days since 1970-01-01 (proleptic Gregorian, negative before)
 *   week   floor((day + 3) / 7): 1970-01-01 is a Thursday, so each ordinal
 *          runs Monday..Sunday, and its Thursday is day 7 w. ISO 8601 puts
 *          a week in the year of its Thursday and numbers it from the week
 *          holding that year's first Thursday (days_from_civil and
 *          civil_from_days are H. Hinnant's algorithms).
 * Ordinals of valid dates (years 1..9999) fit in 32 bits: days lie within
 * about +-3 million.
 *
 * Invariants: a placed document passes the filter, hence lies between the
 * periods of the bounds; sum(tokens) and sum(docs) are the summary's
 * tokens and documents; every count a target adds comes from a placed
 * document.
 */
#include "ngidx/series.h"
#include "ngidx/keyness.h"
#include "ngidx/query.h"
#include "common/err.h"
#include "common/mem.h"
#include "format/idx_reader.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

struct ngidx_series {
	const ngidx_index *x;
	ngidx_period_unit unit;
	int64_t lo;            /* ordinal of period 0 */
	size_t n;              /* periods */
	int32_t *where;        /* per document: period index or -1 */
	uint64_t *tokens;      /* per period */
	uint64_t *docs;        /* per period */
	uint64_t nonempty;     /* periods with docs > 0 */
	ngidx_series_summary sum;
};

#define LEFT_OUT INT32_MIN /* in the first pass, where[] holds ordinals */

/* ---- calendar ----------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = floor_div(y, 400);
	const int64_t yoe = y - era * 400;
	const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = floor_div(z, 146097);
	const int64_t doe = z - era * 146097;
	const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int64_t mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static unsigned month_days(int64_t y, unsigned m)
{
	static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* The ordinal of y-m-d (all parts present) at @u. */
static int64_t ordinal(ngidx_period_unit u, int64_t y, unsigned m, unsigned d)
{
	switch (u) {
	case NGIDX_BY_YEAR: return y;
	case NGIDX_BY_MONTH: return 12 * y + (m - 1);
	case NGIDX_BY_WEEK: return floor_div(days_from_civil(y, m, d) + 3, 7);
	case NGIDX_BY_DAY: return days_from_civil(y, m, d);
	}
	return 0;
}

/*
 * The ordinal of a bound: a lower bound's missing parts (00) are the
 * first month or day, an upper bound's (00, or 99 as ngidx_filter_dates
 * writes them) the last.
 */
static int64_t bound_ordinal(ngidx_period_unit u, uint32_t date, int upper)
{
	int64_t y = date / 10000;
	unsigned m = date / 100 % 100, d = date % 100;
	if (m < 1 || m > 12)
		m = upper ? 12 : 1;
	if (d < 1 || d > month_days(y, m))
		d = upper ? month_days(y, m) : 1;
	return ordinal(u, y, m, d);
}

/* A year for a label: dates hold years 1..9999, so this only tells the
 * compiler that the label fits. */
static unsigned yr(int64_t y) { return (unsigned)(y % 10000); }

/* Label and first day of the period of ordinal @o. */
static void period_of(ngidx_period_unit u, int64_t o, char *label, size_t cap, uint32_t *start)
{
	int64_t y;
	unsigned m, d;
	switch (u) {
	case NGIDX_BY_YEAR:
		snprintf(label, cap, "%04u", yr(o));
		*start = (uint32_t)(o * 10000 + 101);
		return;
	case NGIDX_BY_MONTH:
		y = floor_div(o, 12);
		m = (unsigned)(o - 12 * y) + 1;
		snprintf(label, cap, "%04u-%02u", yr(y), m % 100);
		*start = (uint32_t)(y * 10000 + m * 100 + 1);
		return;
	case NGIDX_BY_WEEK: {
		int64_t thu = 7 * o, iy;
		civil_from_days(thu, &iy, &m, &d);
		const int64_t week = (thu - days_from_civil(iy, 1, 1)) / 7 + 1;
		snprintf(label, cap, "%04u-W%02u", yr(iy), (unsigned)week % 100);
		civil_from_days(thu - 3, &y, &m, &d);
		*start = (uint32_t)(y * 10000 + m * 100 + d);
		return;
	}
	case NGIDX_BY_DAY:
		civil_from_days(o, &y, &m, &d);
		snprintf(label, cap, "%04u-%02u-%02u", yr(y), m % 100, d % 100);
		*start = (uint32_t)(y * 10000 + m * 100 + d);
		return;
	}
	label[0] = 0;
	*start = 0;
}

/* ---- units -------------------------------------------------------------- */

static const char *const unit_names[] = { "year", "month", "week", "day" };

const char *ngidx_period_unit_name(ngidx_period_unit u)
{
	return (unsigned)u < 4 ? unit_names[u] : "?";
}

int ngidx_period_unit_parse(const char *s, ngidx_period_unit *u)
{
	for (unsigned i = 0; i < 4; i++)
		if (!strcmp(s, unit_names[i])) {
			*u = (ngidx_period_unit)i;
			return 0;
		}
	return -1;
}

/* ---- building ----------------------------------------------------------- */

void ngidx_series_free(ngidx_series *s)
{
	if (!s)
		return;
	ngidx_free(s->where);
	ngidx_free(s->tokens);
	ngidx_free(s->docs);
	ngidx_free(s);
}

int ngidx_series_create(const ngidx_index *x, ngidx_period_unit unit, const ngidx_filter *f,
                        ngidx_series **out, ngidx_error *err)
{
	*out = NULL;
	if ((unsigned)unit > NGIDX_BY_DAY)
		return ngidx_err_set(err, NGIDX_ERR_ARG, "unknown period unit %d", (int)unit);
	ngidx_series *s = ngidx_calloc(1, sizeof *s);
	if (!s)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	s->x = x;
	s->unit = unit;
	const uint64_t nd = x->ndocs;
	s->where = ngidx_malloc((nd ? nd : 1) * sizeof *s->where);
	if (!s->where) {
		ngidx_series_free(s);
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	}
	/* a bound below year 1 (a C caller may set 1 for "from the start")
	 * bounds nothing but still leaves undated documents out */
	const uint32_t from = f ? f->from : 0, to = f ? f->to : 0;
	const int bounded = from || to;
	const unsigned need = unit == NGIDX_BY_YEAR ? 0 : unit == NGIDX_BY_MONTH ? 1 : 2;

	/* pass 1: the ordinal of each placed document, and their extent */
	int64_t omin = INT64_MAX, omax = INT64_MIN;
	ngidx_series_summary *sum = &s->sum;
	for (uint64_t i = 0; i < nd; i++) {
		const struct ngx_doc_entry *e = &x->docs[i];
		const uint32_t date = e->date;
		s->where[i] = LEFT_OUT;
		sum->all_tokens += e->ntokens;
		if (!date) {
			sum->undated++;
			continue;
		}
		if ((bounded && (date < from || (to && date > to))) ||
		    (f && f->subset && !ngidx_subset_has(f->subset, (uint32_t)i))) {
			sum->out_of_range++;
			continue;
		}
		const unsigned m = date / 100 % 100, d = date % 100;
		if ((need >= 1 && !m) || (need >= 2 && !d)) {
			sum->imprecise++;
			continue;
		}
		const int64_t o = ordinal(unit, date / 10000, m ? m : 1, d ? d : 1);
		s->where[i] = (int32_t)o;
		omin = o < omin ? o : omin;
		omax = o > omax ? o : omax;
	}
	sum->all_documents = nd;

	/* the range: the bounds' periods, else the placed documents' */
	int64_t lo = omin, hi = omax;
	if (from >= 10000)
		lo = bound_ordinal(unit, from, 0);
	if (to)
		hi = bound_ordinal(unit, to, 1);
	/* reversed bounds hold no date, hence no period */
	const int reversed = from >= 10000 && to && from > to;
	if (!reversed && lo <= hi && lo != INT64_MAX && hi != INT64_MIN) {
		if (hi - lo >= INT32_MAX) {
			ngidx_series_free(s);
			return ngidx_err_set(err, NGIDX_ERR_ARG, "too many periods");
		}
		s->n = (size_t)(hi - lo + 1);
		s->lo = lo;
	}
	s->tokens = ngidx_calloc(s->n ? s->n : 1, sizeof *s->tokens);
	s->docs = ngidx_calloc(s->n ? s->n : 1, sizeof *s->docs);
	if (!s->tokens || !s->docs) {
		ngidx_series_free(s);
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	}

	/* pass 2: ordinals become period indexes; tokens per period */
	for (uint64_t i = 0; i < nd; i++) {
		const int32_t o = s->where[i];
		if (o == LEFT_OUT) {
			s->where[i] = -1;
			continue;
		}
		const int64_t k = (int64_t)o - s->lo;
		if (NGIDX_NEVER(k < 0 || (uint64_t)k >= s->n)) {
			/* cannot happen: a placed document passes the filter */
			s->where[i] = -1;
			sum->out_of_range++;
			continue;
		}
		s->where[i] = (int32_t)k;
		s->tokens[k] += x->docs[i].ntokens;
		s->docs[k]++;
		sum->tokens += x->docs[i].ntokens;
		sum->documents++;
	}
	for (size_t k = 0; k < s->n; k++)
		s->nonempty += s->docs[k] != 0;
	sum->periods = s->n;
	*out = s;
	return NGIDX_OK;
}

void ngidx_series_get_summary(const ngidx_series *s, ngidx_series_summary *sum) { *sum = s->sum; }

size_t ngidx_series_periods(const ngidx_series *s) { return s->n; }

ngidx_period_unit ngidx_series_unit(const ngidx_series *s) { return s->unit; }

int ngidx_series_period(const ngidx_series *s, size_t i, ngidx_period *p, ngidx_error *err)
{
	if (i >= s->n)
		return ngidx_err_set(err, NGIDX_ERR_RANGE, "period %zu out of range (%zu periods)", i,
		                     s->n);
	period_of(s->unit, s->lo + (int64_t)i, p->label, sizeof p->label, &p->start);
	p->tokens = s->tokens[i];
	p->documents = s->docs[i];
	return NGIDX_OK;
}

/* ---- targets ------------------------------------------------------------ */

/* Resolve actor @t (@len bytes, no '@') into *@a. */
static int actor(const ngidx_index *x, const char *t, size_t len, const char *whole,
                 size_t wlen, uint32_t *a, ngidx_error *err)
{
	if (!ngidx_actor_count(x))
		return ngidx_err_set(err, NGIDX_ERR_ARG,
		                     "'%.*s': the index has no actors (build it with --actors)",
		                     (int)wlen, whole);
	int r = ngidx_actor_find(x, t, len, a);
	if (r < 0)
		return ngidx_err_set(err, -r, "'%.*s': cannot read the actor table", (int)wlen, whole);
	if (!r)
		return ngidx_err_set(err, NGIDX_ERR_ARG, "no actor '%.*s' in the index", (int)len, t);
	return NGIDX_OK;
}

/* An iterator over the documents of target @t: a phrase, "@A" or "@A+@B". */
static int open_target(const ngidx_index *x, const char *t, size_t len, ngidx_level level,
                       ngidx_phrase **out, ngidx_error *err)
{
	*out = NULL;
	if (!len || t[0] != '@')
		return ngidx_phrase_open(x, t, len, out, err);
	if ((unsigned)level > NGIDX_LEVEL_WINDOW)
		return ngidx_err_set(err, NGIDX_ERR_ARG, "unknown level %d", (int)level);
	size_t plus = 0;
	for (size_t i = 2; i + 1 < len && !plus; i++)
		if (t[i] == '+' && t[i + 1] == '@')
			plus = i;
	uint32_t a, b;
	ngidx_term term;
	int found;
	if (!plus) {
		FORWARD_IF_ERROR(actor(x, t + 1, len - 1, t, len, &a, err));
		found = ngidx_actor_term(x, a, &term);
	} else {
		FORWARD_IF_ERROR(actor(x, t + 1, plus - 1, t, len, &a, err));
		FORWARD_IF_ERROR(actor(x, t + plus + 2, len - plus - 2, t, len, &b, err));
		if (a == b)
			return ngidx_err_set(err, NGIDX_ERR_ARG, "'%.*s': a pair of one actor with itself",
			                     (int)len, t);
		found = ngidx_pair_term(x, level, a, b, &term);
	}
	if (found < 0)
		return ERR_CORRUPT(err, "section lexicon: actor term of '%.*s' is corrupt", (int)len, t);
	return ngidx_phrase_open_term(x, found ? &term : NULL, out, err);
}

int ngidx_series_target(const ngidx_series *s, const char *target, size_t len, ngidx_level level,
                        uint64_t *occurrences, uint64_t *documents, ngidx_error *err)
{
	if (occurrences)
		memset(occurrences, 0, s->n * sizeof *occurrences);
	if (documents)
		memset(documents, 0, s->n * sizeof *documents);
	ngidx_phrase *p;
	FORWARD_IF_ERROR(open_target(s->x, target, len, level, &p, err));
	int more;
	while ((more = ngidx_phrase_next(p, err)) == 1) {
		const uint32_t doc = ngidx_phrase_doc(p);
		if (NGIDX_NEVER(doc >= s->x->ndocs))
			continue;
		const int32_t k = s->where[doc];
		if (k < 0)
			continue;
		if (occurrences)
			occurrences[k] += ngidx_phrase_occurrences(p);
		if (documents)
			documents[k]++;
	}
	ngidx_phrase_free(p);
	return more < 0 ? -more : NGIDX_OK;
}

/* ---- smoothing ---------------------------------------------------------- */

void ngidx_series_smooth(const double *in, double *out, size_t n, unsigned k)
{
	/* The window of i is [i - k, i + k] cut to [0, n). A running sum adds
	 * the value entering and removes the one leaving; a count of nonzero
	 * values in the window makes an all-zero window exactly 0, where the
	 * running sum could leave a rounding residue such as 1e-12. */
	double run = 0;
	size_t nonzero = 0, a = 0, b = 0; /* window [a, b) */
	for (size_t i = 0; i < n; i++) {
		const size_t want_a = i > k ? i - k : 0;
		const size_t want_b = n - i > k ? i + k + 1 : n;
		while (b < want_b) {
			run += in[b];
			nonzero += in[b] != 0;
			b++;
		}
		while (a < want_a) {
			run -= in[a];
			nonzero -= in[a] != 0;
			a++;
		}
		out[i] = nonzero ? run / (double)(b - a) : 0;
	}
}

/* ---- dispersion --------------------------------------------------------- */

typedef struct part {
	uint32_t tokens, occ;
} part;

int ngidx_series_dispersion(const ngidx_series *s, const char *phrase, size_t len,
                            ngidx_dispersion *d, ngidx_error *err)
{
	memset(d, 0, sizeof *d);
	d->periods_nonempty = s->nonempty;
	ngidx_phrase *p;
	FORWARD_IF_ERROR(open_target(s->x, phrase, len, NGIDX_LEVEL_DOC, &p, err));
	part *v = NULL;
	size_t cap = 0;
	unsigned char *seen = ngidx_calloc(s->n ? s->n : 1, 1);
	int rc = seen ? NGIDX_OK : ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	int more = 0;
	while (!rc && (more = ngidx_phrase_next(p, err)) == 1) {
		const uint32_t doc = ngidx_phrase_doc(p);
		if (NGIDX_NEVER(doc >= s->x->ndocs))
			continue;
		if (NGIDX_RESERVE(v, cap, d->documents + 1)) {
			rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
			break;
		}
		const uint32_t occ = ngidx_phrase_occurrences(p);
		v[d->documents].tokens = s->x->docs[doc].ntokens;
		v[d->documents].occ = occ;
		d->documents++;
		d->occurrences += occ;
		const int32_t k = s->where[doc];
		if (k >= 0 && !seen[k]) {
			seen[k] = 1;
			d->periods_with++;
		}
	}
	if (!rc && more < 0)
		rc = -more;
	ngidx_phrase_free(p);
	ngidx_free(seen);
	if (rc) {
		ngidx_free(v);
		return rc;
	}
	d->periods = d->periods_nonempty ? (double)d->periods_with / (double)d->periods_nonempty
	                                 : NAN;
	const uint64_t T = s->sum.all_tokens;
	if (!d->occurrences || !T || !v) {
		d->dp = NAN;
	} else {
		/* sum over the phrase's documents of |v_i - s_i|, plus s_i of
		 * every other document: (T - their tokens) / T, exactly */
		double acc = 0;
		uint64_t covered = 0;
		for (size_t i = 0; i < d->documents; i++) {
			acc += fabs((double)v[i].occ / (double)d->occurrences -
			            (double)v[i].tokens / (double)T);
			covered += v[i].tokens;
		}
		acc += covered < T ? (double)(T - covered) / (double)T : 0;
		d->dp = 0.5 * acc;
	}
	ngidx_free(v);
	return NGIDX_OK;
}
