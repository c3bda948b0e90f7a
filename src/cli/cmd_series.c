/*
 * cmd_series.c - `ngidx series INDEX TARGET...`: frequency over time, as
 * long-format rows (one per period and target) and, with --svg, a line
 * chart drawn by hand (no library).
 *
 * The numbers come from ngidx/series.h: one pass over the document table
 * places documents in periods and sums their tokens, then each target is
 * one walk of its postings. Every target is counted before the first row
 * is written, so a bad target (an unknown actor) fails with no output.
 *
 * The chart: a plot area with light horizontal grid lines at "nice" values
 * (1, 2 or 5 times a power of ten), tick labels on both axes, axis titles,
 * a title, one line per target in the Okabe-Ito palette (distinct under
 * the common colour-vision deficiencies; the yellow is left out, too pale
 * on white) and a legend on the right in the same colours. X tick labels
 * mark calendar boundaries (years, else months, else every k-th period),
 * spaced so that they never overlap.
 */
#include "cli.h"
#include "ngidx/series.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char usage_line[] =
	"ngidx series [--by UNIT] [--from DATE] [--to DATE] [--where F=V]... [--smooth K] [--level L]\n"
	"                    [--svg FILE] [--raw] [--title T] [--json] [-q] INDEX TARGET...";

static const char help[] =
	"usage: ngidx series [options] INDEX TARGET...\n"
	"\n"
	"How often each TARGET occurs in every period (year, month, ISO week or day),\n"
	"with the corpus tokens of the period. A TARGET is a phrase (any length,\n"
	"analyzed as the corpus was), an actor '@ID' (its mentions; an alias works\n"
	"too) or a pair '@A+@B' (how often they meet at --level).\n"
	"\n"
	"One row per period and target, periods in order, targets in the order given:\n"
	"period, target (as given), occurrences, documents (where it occurs; for a\n"
	"pair, where they meet), tokens (of the period's documents), per_million\n"
	"(occurrences per million tokens, 0 when the period has none); with --smooth,\n"
	"also occurrences_smoothed and per_million_smoothed. Every period of the range\n"
	"is present, empty ones included: from --from (else the first dated document)\n"
	"to --to (else the last).\n"
	"\n"
	"Periods: year 2019, month 2019-03, week 2019-W09 (ISO 8601: weeks start on\n"
	"Monday and belong to the year of their Thursday), day 2019-03-01. Documents\n"
	"without a date, and those dated too coarsely for the unit ('2019' in a\n"
	"monthly series, '2019-03' in a weekly or daily one), are left out with a\n"
	"note on stderr.\n"
	"\n"
	"options:\n"
	"  --by UNIT       year (default), month, week or day\n"
	"  --from DATE     from the period of DATE (YYYY, YYYY-MM, YYYY-MM-DD); only\n"
	"                  documents dated DATE or later count\n"
	"  --to DATE       to the period of DATE (a year or month is whole)\n"
	"  --where F=V     only documents whose metadata F is exactly V\n"
	"                  (repeatable: all must hold)\n"
	"  --smooth K      add centred moving averages over 2K+1 periods (cut at the\n"
	"                  ends of the range: the mean of the periods that exist)\n"
	"  --level L       the level of pairs: doc (default), sentence or window\n"
	"  --svg FILE      also draw the series as a line chart (SVG) into FILE\n"
	"  --raw           chart occurrences instead of occurrences per million\n"
	"  --title T       the chart's title\n"
	"  --json          JSON Lines instead of TSV\n"
	"  -q, --quiet     no notes on stderr\n"
	"  -h, --help      this help\n";

/* The counts of one target over every period. */
typedef struct tseries {
	const char *name;
	uint64_t *occ, *docs;
	double *pm, *occ_s, *pm_s;
} tseries;

static double per_million(uint64_t occ, uint64_t tokens)
{
	return tokens ? (double)occ * 1e6 / (double)tokens : 0;
}

/* ---- the chart ------------------------------------------------------------ */

/* Okabe & Ito (2008), without the yellow. */
static const char *const palette[] = { "#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                       "#E69F00", "#56B4E9", "#000000" };
enum { NCOLORS = sizeof palette / sizeof *palette };

static void xml_text(FILE *o, const char *s, size_t max_chars)
{
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xC0) != 0x80 && ++chars > max_chars) {
			fputs("…", o);
			return;
		}
		switch (*p) {
		case '&': fputs("&amp;", o); break;
		case '<': fputs("&lt;", o); break;
		case '>': fputs("&gt;", o); break;
		case '"': fputs("&quot;", o); break;
		default:
			if (*p < 0x20)
				fputc(' ', o);
			else
				fputc(*p, o);
		}
	}
}

/* A step of 1, 2 or 5 times a power of ten near @raw. */
static double nice_step(double raw)
{
	const double p = pow(10, floor(log10(raw)));
	const double f = raw / p;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/* Whether period @i starts a new year (or month) of the calendar. */
static int starts(const ngidx_period *pp, size_t i, ngidx_period_unit unit, int month)
{
	const uint32_t s = pp[i].start;
	if (i == 0) {
		/* the first period counts only if it opens the year or month (a
		 * week: if it starts in the first 7 days, as the later ones do) */
		const uint32_t d = s % 100, m = s / 100 % 100;
		const int day_ok = unit == NGIDX_BY_WEEK ? d <= 7 : d == 1;
		return day_ok && (month || m == 1);
	}
	const uint32_t p = pp[i - 1].start;
	return month ? p / 100 != s / 100 : p / 10000 != s / 10000;
}

/* The x tick positions and labels into @tick (period indexes) and @lab. */
static size_t x_ticks(const ngidx_period *pp, size_t n, ngidx_period_unit unit, double width,
                      size_t *tick, char (*lab)[16], size_t cap)
{
	if (!n)
		return 0;
	const unsigned y0 = pp[0].start / 10000, y1 = pp[n - 1].start / 10000;
	const unsigned years = y1 - y0 + 1;
	size_t months = (size_t)(y1 - y0) * 12 + pp[n - 1].start / 100 % 100 - pp[0].start / 100 % 100 + 1;
	size_t k = 0;
	/* room for a label: about 7 px a character plus a gap */
	if (unit == NGIDX_BY_YEAR || (unit != NGIDX_BY_YEAR && years >= 3)) {
		const size_t fit = (size_t)(width / (4 * 7 + 18));
		unsigned step = 1;
		static const unsigned steps[] = { 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000 };
		for (size_t s = 0; s < sizeof steps / sizeof *steps; s++) {
			step = steps[s];
			if (years / step + 1 <= fit)
				break;
		}
		for (size_t i = 0; i < n && k < cap; i++) {
			const unsigned y = pp[i].start / 10000;
			if (unit == NGIDX_BY_YEAR ? y % step == 0 : starts(pp, i, unit, 0) && y % step == 0) {
				tick[k] = i;
				snprintf(lab[k], 16, "%04u", y % 10000);
				k++;
			}
		}
		/* fewer than 3 ticks say too little: try months */
		if (k >= 3 || unit == NGIDX_BY_YEAR)
			return k;
		k = 0;
	}
	if (unit != NGIDX_BY_YEAR && months >= 3) {
		const size_t fit = (size_t)(width / (7 * 7 + 18));
		static const unsigned steps[] = { 1, 2, 3, 6, 12 };
		unsigned step = 12;
		for (size_t s = 0; s < sizeof steps / sizeof *steps; s++)
			if (months / steps[s] + 1 <= fit) {
				step = steps[s];
				break;
			}
		for (size_t i = 0; i < n && k < cap; i++) {
			const unsigned m = pp[i].start / 100 % 100;
			if (unit == NGIDX_BY_MONTH ? (m - 1) % step == 0 : starts(pp, i, unit, 1) && (m - 1) % step == 0) {
				tick[k] = i;
				snprintf(lab[k], 16, "%04u-%02u", (pp[i].start / 10000) % 10000, m % 100);
				k++;
			}
		}
		if (k >= 3 || unit == NGIDX_BY_MONTH)
			return k;
		k = 0;
	}
	/* every e-th period, with its own label */
	const size_t w = strlen(pp[0].label);
	size_t fit = (size_t)(width / ((double)w * 7 + 18));
	fit = fit ? fit : 1;
	const size_t every = (n + fit - 1) / fit;
	for (size_t i = 0; i < n && k < cap; i += every) {
		tick[k] = i;
		memcpy(lab[k], pp[i].label, 16);
		k++;
	}
	return k;
}

/* Format a y tick value with the decimals its step needs. */
static void fmt_tick(char *buf, size_t cap, double v, double step)
{
	int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
	snprintf(buf, cap, "%.*f", dec, v);
}

/* Draw into @o (opened before any row is written, so that an unwritable
 * path fails with no output), then close it. */
static int write_svg(FILE *o, const char *path, const ngidx_period *pp, size_t n,
                     ngidx_period_unit unit, const tseries *t, size_t nt, int smooth, unsigned k,
                     int raw, const char *title)
{
	const double W = 960, H = 540, L = 84, R = 220, T = 64, B = 70;
	const double pw = W - L - R, ph = H - T - B;
	/* the values drawn */
	double ymax = 0;
	for (size_t j = 0; j < nt; j++)
		for (size_t i = 0; i < n; i++) {
			const double v = raw ? (smooth ? t[j].occ_s[i] : (double)t[j].occ[i])
			                     : (smooth ? t[j].pm_s[i] : t[j].pm[i]);
			ymax = v > ymax ? v : ymax;
		}
	double step = ymax > 0 ? nice_step(ymax / 5) : 1;
	const double top = ymax > 0 ? ceil(ymax / step - 1e-9) * step : 5;
	if (ymax <= 0)
		step = 1;

	fprintf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	           "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
	           "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Verdana, sans-serif\">\n",
	        W, H, W, H);
	fprintf(o, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	/* title and subtitle */
	fprintf(o, "<text x=\"%.0f\" y=\"30\" font-size=\"19\" font-weight=\"bold\" fill=\"#222\">", L);
	if (title)
		xml_text(o, title, 80);
	else
		fprintf(o, "%s by %s", raw ? "Occurrences" : "Frequency", ngidx_period_unit_name(unit));
	fputs("</text>\n", o);
	fprintf(o, "<text x=\"%.0f\" y=\"50\" font-size=\"13\" fill=\"#555\">", L);
	fprintf(o, "%s", raw ? "occurrences" : "occurrences per million words");
	if (smooth)
		fprintf(o, ", centred moving average over %u %ss", 2 * k + 1,
		        unit == NGIDX_BY_WEEK ? "week" : ngidx_period_unit_name(unit));
	if (n)
		fprintf(o, ", %s to %s", pp[0].label, pp[n - 1].label);
	fputs("</text>\n", o);

	/* y grid and labels */
	for (double v = 0; v <= top + step / 2; v += step) {
		const double y = T + ph - v / top * ph;
		char b[32];
		fmt_tick(b, sizeof b, v, step);
		fprintf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		           "stroke-width=\"1\"/>\n",
		        L, y, L + pw, y, v == 0 ? "#444" : "#e3e3e3");
		fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#333\" "
		           "text-anchor=\"end\">%s</text>\n",
		        L - 8, y + 4, b);
	}
	/* y axis title, rotated */
	fprintf(o, "<text transform=\"translate(22 %.1f) rotate(-90)\" font-size=\"13\" fill=\"#333\" "
	           "text-anchor=\"middle\">%s</text>\n",
	        T + ph / 2, raw ? "occurrences" : "per million words");
	fprintf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>\n", L, T, L,
	        T + ph);

	/* x positions, ticks and labels */
	double *xs = xmalloc((n ? n : 1) * sizeof *xs);
	for (size_t i = 0; i < n; i++)
		xs[i] = n == 1 ? L + pw / 2 : L + pw * (double)i / (double)(n - 1);
	size_t tick[64];
	char lab[64][16];
	const size_t nticks = x_ticks(pp, n, unit, pw, tick, lab, 64);
	for (size_t i = 0; i < nticks; i++) {
		const double x = xs[tick[i]];
		fprintf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>\n", x,
		        T + ph, x, T + ph + 5);
		fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#333\" "
		           "text-anchor=\"middle\">%s</text>\n",
		        x, T + ph + 20, lab[i]);
	}
	fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" fill=\"#333\" "
	           "text-anchor=\"middle\">%s</text>\n",
	        L + pw / 2, H - 22, unit == NGIDX_BY_WEEK ? "ISO week" : ngidx_period_unit_name(unit));
	if (!n)
		fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"15\" fill=\"#888\" "
		           "text-anchor=\"middle\">no dated document in the range</text>\n",
		        L + pw / 2, T + ph / 2);

	/* one line per target; markers when the points are few enough to see */
	for (size_t j = 0; j < nt; j++) {
		const char *c = palette[j % NCOLORS];
		const char *dash = j >= NCOLORS ? " stroke-dasharray=\"6 4\"" : "";
		fprintf(o, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\" "
		           "stroke-linejoin=\"round\"%s points=\"",
		        c, dash);
		for (size_t i = 0; i < n; i++) {
			const double v = raw ? (smooth ? t[j].occ_s[i] : (double)t[j].occ[i])
			                     : (smooth ? t[j].pm_s[i] : t[j].pm[i]);
			fprintf(o, "%s%.1f,%.1f", i ? " " : "", xs[i], T + ph - v / top * ph);
		}
		fputs("\"/>\n", o);
		if (n <= 60)
			for (size_t i = 0; i < n; i++) {
				const double v = raw ? (smooth ? t[j].occ_s[i] : (double)t[j].occ[i])
				                     : (smooth ? t[j].pm_s[i] : t[j].pm[i]);
				fprintf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", xs[i],
				        T + ph - v / top * ph, c);
			}
		/* legend entry */
		const double ly = T + 12 + 24 * (double)j;
		fprintf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		           "stroke-width=\"3\"%s/>\n",
		        L + pw + 20, ly, L + pw + 46, ly, c, dash);
		fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" fill=\"#222\">", L + pw + 54,
		        ly + 4.5);
		xml_text(o, t[j].name, 22);
		fputs("</text>\n", o);
	}
	fputs("</svg>\n", o);
	free(xs);
	if (ferror(o) | fclose(o)) {
		cli_error("series", "cannot write '%s'", path);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

/* ---- the command ----------------------------------------------------------- */

int cmd_series(int argc, char **argv)
{
	enum { O_BY = 256, O_FROM, O_TO, O_SMOOTH, O_LEVEL, O_SVG, O_RAW, O_TITLE, O_JSON, O_WHERE };
	static const struct option opts[] = {
		{ "by", required_argument, NULL, O_BY },
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "where", required_argument, NULL, O_WHERE },
		{ "smooth", required_argument, NULL, O_SMOOTH },
		{ "level", required_argument, NULL, O_LEVEL },
		{ "svg", required_argument, NULL, O_SVG },
		{ "raw", no_argument, NULL, O_RAW },
		{ "title", required_argument, NULL, O_TITLE },
		{ "json", no_argument, NULL, O_JSON },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ngidx_period_unit unit = NGIDX_BY_YEAR;
	ngidx_level level = NGIDX_LEVEL_DOC;
	const char *from = NULL, *to = NULL, *svg = NULL, *title = NULL;
	uint64_t k = 0;
	int smooth = 0, raw = 0, json = 0, quiet = 0, c;
	cli_where w = { .len = 0 };
	ngidx_subset *sub = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case O_BY:
			if (ngidx_period_unit_parse(optarg, &unit))
				return cli_usage_error("series", usage_line,
				                       "--by is year, month, week or day, not '%s'", optarg);
			break;
		case O_FROM: from = optarg; break;
		case O_TO: to = optarg; break;
		case O_WHERE:
			if ((c = cli_where_add(&w, "series", usage_line, optarg)) >= 0)
				return c;
			break;
		case O_SMOOTH:
			if (cli_parse_num(optarg, 0, 100000, &k))
				return cli_usage_error("series", usage_line,
				                       "--smooth takes a number of periods (0..100000), not '%s'",
				                       optarg);
			smooth = k > 0;
			break;
		case O_LEVEL:
			if (ngidx_level_parse(optarg, &level))
				return cli_usage_error("series", usage_line,
				                       "--level is doc, sentence or window, not '%s'", optarg);
			break;
		case O_SVG: svg = optarg; break;
		case O_RAW: raw = 1; break;
		case O_TITLE: title = optarg; break;
		case O_JSON: json = 1; break;
		case 'q': quiet = 1; break;
		case 'h': fputs(help, stdout); return EXIT_OK;
		default: return cli_usage_error("series", usage_line, "bad option");
		}
	}
	const int nops = argc - optind;
	if (nops < 2)
		return cli_usage_error("series", usage_line, nops ? "no target given" : "no index given");
	ngidx_filter f;
	ngidx_error e = { 0 };
	if (ngidx_filter_dates(&f, from, to, &e))
		return cli_usage_error("series", usage_line, "%s", e.msg);
	ngidx_index *idx;
	int rc = cli_open_index("series", argv[optind], &idx);
	if (!rc && (rc = cli_where_open(&w, "series", usage_line, idx, &sub)))
		ngidx_index_free(idx);
	if (rc)
		return rc;
	f.subset = sub;
	ngidx_series *s;
	if ((rc = ngidx_series_create(idx, unit, &f, &s, &e))) {
		rc = cli_fail("series", rc, &e);
		ngidx_subset_free(sub);
		ngidx_index_free(idx);
		return rc;
	}
	const size_t n = ngidx_series_periods(s);
	const size_t nt = (size_t)nops - 1;
	ngidx_period *pp = xmalloc((n ? n : 1) * sizeof *pp);
	for (size_t i = 0; i < n; i++)
		ngidx_series_period(s, i, &pp[i], NULL);
	tseries *t = xmalloc(nt * sizeof *t);
	memset(t, 0, nt * sizeof *t);
	for (size_t j = 0; j < nt && !rc; j++) {
		t[j].name = argv[optind + 1 + (int)j];
		t[j].occ = xmalloc((n ? n : 1) * sizeof *t[j].occ);
		t[j].docs = xmalloc((n ? n : 1) * sizeof *t[j].docs);
		t[j].pm = xmalloc((n ? n : 1) * sizeof *t[j].pm);
		t[j].occ_s = xmalloc((n ? n : 1) * sizeof *t[j].occ_s);
		t[j].pm_s = xmalloc((n ? n : 1) * sizeof *t[j].pm_s);
		int r = ngidx_series_target(s, t[j].name, strlen(t[j].name), level, t[j].occ, t[j].docs, &e);
		if (r) {
			rc = cli_fail("series", r, &e);
			break;
		}
		for (size_t i = 0; i < n; i++) {
			t[j].pm[i] = per_million(t[j].occ[i], pp[i].tokens);
			t[j].occ_s[i] = (double)t[j].occ[i]; /* input of the smoother */
		}
		if (smooth) {
			double *tmp = xmalloc((n ? n : 1) * sizeof *tmp);
			ngidx_series_smooth(t[j].occ_s, tmp, n, (unsigned)k);
			memcpy(t[j].occ_s, tmp, n * sizeof *tmp);
			free(tmp);
			ngidx_series_smooth(t[j].pm, t[j].pm_s, n, (unsigned)k);
		}
	}
	FILE *svg_out = NULL;
	if (!rc && svg && !(svg_out = fopen(svg, "w"))) {
		cli_error("series", "cannot create '%s': %s", svg, strerror(errno));
		rc = EXIT_INPUT;
	}
	if (!rc) {
		ngidx_series_summary sum;
		ngidx_series_get_summary(s, &sum);
		if (!quiet && sum.undated)
			cli_error("series", "note: %llu document%s without a date left out",
			          (unsigned long long)sum.undated, sum.undated == 1 ? "" : "s");
		if (!quiet && sum.imprecise)
			cli_error("series", "note: %llu document%s dated only to the %s left out of the %s "
			                    "series",
			          (unsigned long long)sum.imprecise, sum.imprecise == 1 ? "" : "s",
			          unit == NGIDX_BY_MONTH ? "year" : "year or month",
			          unit == NGIDX_BY_MONTH ? "monthly" : unit == NGIDX_BY_WEEK ? "weekly" : "daily");
		static const char *const cols[] = { "period", "target", "occurrences", "documents",
			                            "tokens", "per_million", "occurrences_smoothed",
			                            "per_million_smoothed" };
		cli_header(stdout, json, cols, smooth ? 8 : 6);
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < nt; j++) {
				cli_row row;
				cli_row_begin(&row, stdout, json);
				cli_row_str(&row, "period", pp[i].label, strlen(pp[i].label));
				cli_row_str(&row, "target", t[j].name, strlen(t[j].name));
				cli_row_u64(&row, "occurrences", t[j].occ[i]);
				cli_row_u64(&row, "documents", t[j].docs[i]);
				cli_row_u64(&row, "tokens", pp[i].tokens);
				cli_row_f64(&row, "per_million", t[j].pm[i]);
				if (smooth) {
					cli_row_f64(&row, "occurrences_smoothed", t[j].occ_s[i]);
					cli_row_f64(&row, "per_million_smoothed", t[j].pm_s[i]);
				}
				cli_row_end(&row);
			}
		if (svg)
			rc = write_svg(svg_out, svg, pp, n, unit, t, nt, smooth, (unsigned)k, raw, title);
	}
	for (size_t j = 0; j < nt; j++) {
		free(t[j].occ);
		free(t[j].docs);
		free(t[j].pm);
		free(t[j].occ_s);
		free(t[j].pm_s);
	}
	free(t);
	free(pp);
	ngidx_series_free(s);
	ngidx_subset_free(sub);
	ngidx_index_free(idx);
	const int fl = cli_flush("series");
	return rc ? rc : fl;
}
