/*
 * date.c - document dates: YYYY, YYYY-MM or YYYY-MM-DD into YYYYMMDD.
 *
 * The grammar is deliberately narrow, so that a date means one thing:
 *
 *     date  = year [ "-" month [ "-" day ] ] [ ( "T" / " " ) *any ]
 *     year  = 4DIGIT   (0001 .. 9999)
 *     month = 2DIGIT   (01 .. 12)
 *     day   = 2DIGIT   (01 .. days in that month of that year)
 *
 * Anything after a 'T' or a space (a time, a zone) is ignored, so ISO 8601
 * timestamps such as "2019-02-28T09:30:00Z" are accepted as their day. No
 * other separator, no surrounding whitespace and no single-digit month or
 * day is accepted: "2019-2-28" is more likely a mistake than a date, and a
 * silent misreading would put a document in the wrong time series bucket.
 * Leap years follow the Gregorian rule (every 4th year, except centuries
 * not divisible by 400), proleptically for years before 1582.
 *
 * Missing parts are 00 in the result: "2019" gives 20190000 and "2019-02"
 * gives 20190200, which sort before every full date of their period.
 */
#include "corpus.h"

#include <string.h>

static int digits(const char *s, size_t k, unsigned *out)
{
	unsigned v = 0;
	for (size_t i = 0; i < k; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';
		if (d > 9)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static unsigned month_days(unsigned y, unsigned m)
{
	static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30,
	                                        31, 31, 30, 31, 30, 31 };
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* The rest after a complete part: the end, or 'T'/' ' and anything. */
static int tail_ok(const char *s, size_t n, size_t i)
{
	return i == n || s[i] == 'T' || s[i] == ' ';
}

int ngidx_parse_date(const char *s, size_t n, uint32_t *out)
{
	unsigned y, m = 0, d = 0;
	if (!s || n < 4 || digits(s, 4, &y) != 0 || y == 0)
		return -1;
	size_t i = 4;
	if (i < n && s[i] == '-') {
		if (n - i < 3 || digits(s + i + 1, 2, &m) != 0 || m < 1 || m > 12)
			return -1;
		i += 3;
		if (i < n && s[i] == '-') {
			if (n - i < 3 || digits(s + i + 1, 2, &d) != 0 || d < 1 ||
			    d > month_days(y, m))
				return -1;
			i += 3;
		}
	}
	if (!tail_ok(s, n, i))
		return -1;
	if (out)
		*out = (uint32_t)(y * 10000u + m * 100u + d);
	return 0;
}

int ngidx_date_bound(const char *s, int upper, uint32_t *out)
{
	uint32_t d;
	if (ngidx_parse_date(s, strlen(s), &d))
		return -1;
	if (upper && d % 100 == 0)
		d += d / 100 % 100 == 0 ? 9999 : 99;
	*out = d;
	return 0;
}
