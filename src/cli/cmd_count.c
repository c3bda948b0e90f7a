/*
 * cmd_count.c - `ngidx count INDEX [PHRASE...]`, and with --dispersion how
 * evenly each phrase is spread over periods and documents (series.h).
 */
#include "cli.h"
#include "ngidx/series.h"
#include "ngidx/keyness.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_line[] =
	"ngidx count [--dispersion [--by UNIT]] [--from DATE] [--to DATE] [--where FIELD=VALUE]...\n"
	"                   [--json] INDEX [PHRASE...]";

static const char help[] =
	"usage: ngidx count [--dispersion [--by UNIT]] [--json] INDEX [PHRASE...]\n"
	"\n"
	"Print the exact number of occurrences and of documents of each PHRASE, or,\n"
	"with no PHRASE, of each line of standard input (one phrase per line), so a\n"
	"script can ask many questions in one process. A phrase is analyzed as the\n"
	"corpus was (NFKC, case folding, letters/marks/digits); phrases of any length\n"
	"are exact. Occurrences count every start position (overlaps included) and\n"
	"cross sentence boundaries. A phrase that does not occur gives 0 0.\n"
	"\n"
	"Output columns: query (as given), ngram (its tokens joined by spaces), n,\n"
	"occurrences, documents.\n"
	"\n"
	"With --dispersion, two more: periods, the share of the periods (years, or\n"
	"--by) holding any dated document in which the phrase occurs (nan when no\n"
	"document is dated); dp, Gries' deviation of proportions over documents:\n"
	"DP = 1/2 sum_i |v_i - s_i|, with s_i document i's share of the corpus\n"
	"tokens and v_i its share of the phrase's occurrences (0: spread as the text\n"
	"is; near 1: concentrated in few documents; nan when the phrase does not\n"
	"occur). JSON writes nan as null.\n"
	"\n"
	"With --from, --to or --where, the counts are those of the matching\n"
	"documents only (dates as for ngidx docs: a year or month covers its whole\n"
	"period, undated documents are left out; FIELD=VALUE matches JSON Lines\n"
	"metadata exactly). Filtered counts walk the phrase's postings instead of\n"
	"reading the lexicon's totals.\n"
	"\n"
	"options:\n"
	"  --dispersion  add the columns periods and dp\n"
	"  --from DATE   only documents dated DATE or later\n"
	"  --to DATE     only documents dated DATE or earlier\n"
	"  --where FIELD=VALUE  only documents with this metadata (repeatable;\n"
	"                all must hold; VALUE may not contain a comma)\n"
	"  --by UNIT     the periods of --dispersion: year (default), month, week, day\n"
	"  --json        JSON Lines instead of TSV\n"
	"  -h, --help    this help\n";

static const char *const cols[] = { "query", "ngram", "n", "occurrences", "documents",
	                            "periods", "dp" };

/* @s: the periods of --dispersion, or NULL without it; @sub: the
 * documents of --from/--to/--where, or NULL for all. */
static int one(const ngidx_index *idx, const char *q, size_t len, int json, ngidx_count_result *r,
               const ngidx_series *s, const ngidx_subset *sub)
{
	ngidx_error e = { 0 };
	int rc = ngidx_count_subset(idx, q, len, sub, r, &e);
	if (rc)
		return cli_fail("count", rc, &e);
	ngidx_dispersion d;
	/* a phrase only: "@ID" is a phrase here, as in the count above */
	if (s && (rc = ngidx_series_dispersion(s, len && q[0] == '@' ? q + 1 : q,
	                                       len && q[0] == '@' ? len - 1 : len, &d, &e)))
		return cli_fail("count", rc, &e);
	cli_row row;
	cli_row_begin(&row, stdout, json);
	cli_row_str(&row, "query", q, len);
	cli_row_str(&row, "ngram", r->ngram ? r->ngram : "", r->ngram_len);
	cli_row_u64(&row, "n", r->n);
	cli_row_u64(&row, "occurrences", r->occurrences);
	cli_row_u64(&row, "documents", r->documents);
	if (s) {
		cli_row_f64(&row, "periods", d.periods);
		cli_row_f64(&row, "dp", d.dp);
	}
	cli_row_end(&row);
	return EXIT_OK;
}

int cmd_count(int argc, char **argv)
{
	enum { O_JSON = 256, O_DISP, O_BY, O_FROM, O_TO, O_WHERE };
	static const struct option opts[] = {
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "where", required_argument, NULL, O_WHERE },
		{ "json", no_argument, NULL, O_JSON },
		{ "dispersion", no_argument, NULL, O_DISP },
		{ "by", required_argument, NULL, O_BY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, disp = 0, c;
	ngidx_period_unit unit = NGIDX_BY_YEAR;
	const char *from = NULL, *to = NULL;
	cli_where w = { .len = 0 };
	optind = 1;
	/* "+": options before the index only, so a phrase may start with "-" */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case O_JSON: json = 1; break;
		case O_DISP: disp = 1; break;
		case O_BY:
			if (ngidx_period_unit_parse(optarg, &unit))
				return cli_usage_error("count", usage_line,
				                       "--by is year, month, week or day, not '%s'", optarg);
			break;
		case O_FROM: from = optarg; break;
		case O_TO: to = optarg; break;
		case O_WHERE:
			if ((c = cli_where_add(&w, "count", usage_line, optarg)) >= 0)
				return c;
			break;
		case 'h': fputs(help, stdout); return EXIT_OK;
		default: return cli_usage_error("count", usage_line, "bad option");
		}
	}
	if ((c = cli_where_dates(&w, "count", usage_line, from, to)) >= 0)
		return c;
	int filtered = w.len != 0;
	if (optind >= argc || (filtered && disp)) {
		return cli_usage_error("count", usage_line, optind >= argc ? "no index given"
		                       : "--dispersion describes the whole index: no --from, --to or --where");
	}
	ngidx_index *idx;
	int rc = cli_open_index("count", argv[optind], &idx);
	ngidx_subset *sub = NULL;
	if (!rc && (rc = cli_where_open(&w, "count", usage_line, idx, &sub)))
		ngidx_index_free(idx);
	if (rc)
		return rc;
	ngidx_series *s = NULL;
	ngidx_error e = { 0 };
	if (disp && (rc = ngidx_series_create(idx, unit, NULL, &s, &e))) {
		rc = cli_fail("count", rc, &e);
		ngidx_index_free(idx);
		return rc;
	}
	cli_header(stdout, json, cols, disp ? 7 : 5);
	ngidx_count_result r = { 0 };
	if (optind + 1 < argc) {
		for (int i = optind + 1; i < argc && !rc; i++)
			rc = one(idx, argv[i], strlen(argv[i]), json, &r, s, sub);
	} else {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		while (!rc && (n = getline(&line, &cap, stdin)) >= 0) {
			size_t len = (size_t)n;
			if (len && line[len - 1] == '\n')
				len--;
			if (len && line[len - 1] == '\r')
				len--;
			rc = one(idx, line, len, json, &r, s, sub);
		}
		free(line);
	}
	ngidx_count_result_release(&r);
	ngidx_series_free(s);
	ngidx_subset_free(sub);
	ngidx_index_free(idx);
	if (fflush(stdout) != 0 && !rc) {
		cli_error("count", "cannot write the output");
		rc = EXIT_INPUT;
	}
	return rc;
}
