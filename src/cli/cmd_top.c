/*
 * cmd_top.c - `ngidx top INDEX [PATTERN]`: the most frequent n-grams,
 * the continuations of a phrase (--prefix), or the fillers of a one-slot
 * wildcard ("kim * un"), in the whole index or within a subcorpus
 * (--from, --to, --where).
 *
 * The library (ngidx/top.h) ranks; this file parses the options strictly
 * (a malformed number or range, --n with a phrase, both --prefix and a
 * pattern: usage errors, exit 2), loads the stop words, makes the document
 * subset of the filters (cli_where_open, as count and the actor commands
 * do) and prints one row per n-gram with its rank.
 */
#include "cli.h"
#include "ngidx/keyness.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_line[] =
	"ngidx top [--n N|N-M] [--k K] [--by occurrences|documents] [--min-documents D]\n"
	"                 [--stopwords FILE|english] [--prefix PHRASE] [--from DATE] [--to DATE]\n"
	"                 [--where FIELD=VALUE]... [--json] INDEX [PATTERN]";

static const char help[] =
	"usage: ngidx top [options] INDEX [PATTERN]\n"
	"\n"
	"Print the most frequent n-grams of the index. With --prefix PHRASE, the most\n"
	"frequent continuations of PHRASE (the n-grams of one more token that start\n"
	"with it: \"kim jong\" -> \"kim jong un\"). With a PATTERN holding one '*', the\n"
	"most frequent n-grams where '*' is any one token: \"kim * un\", \"* summit\",\n"
	"\"north *\". Phrases are analyzed as the corpus was. A pattern longer than the\n"
	"index's --max-n is refused (exit 2). The lists hold the n-grams of the\n"
	"lexicon: one of 2+ tokens that the build's --min-count (default 2) or\n"
	"--min-df pruned is not listed (ngidx count still counts it).\n"
	"\n"
	"Rows are ranked by occurrences (then documents, both descending, then the\n"
	"n-gram's bytes ascending), or by documents (then occurrences, then bytes).\n"
	"Answers come from lists precomputed at build time; when filters hide so many\n"
	"n-grams that a list runs out (or k > 4096), the whole lexicon is scanned.\n"
	"\n"
	"With --from, --to or --where, every count is taken within the matching\n"
	"documents only (dates as for ngidx docs: a year or month covers its whole\n"
	"period, undated documents are left out; FIELD=VALUE matches JSON Lines\n"
	"metadata exactly), --min-documents too, and n-grams absent from them are\n"
	"not listed. The whole-index counts bound the filtered ones, so candidates\n"
	"are taken from the same lists in decreasing order and counted from their\n"
	"postings until none can reach the k-th row.\n"
	"\n"
	"Output columns: rank (from 1), ngram, n, occurrences, documents.\n"
	"\n"
	"options:\n"
	"  --n N, --n N-M         only n-grams of N tokens, or of N to M (default: all;\n"
	"                         not with --prefix or a PATTERN)\n"
	"  -k, --k K              at most K rows (default 20)\n"
	"  --by ORDER             occurrences (default) or documents\n"
	"  --min-documents D      hide n-grams found in fewer than D documents\n"
	"  --stopwords FILE       hide n-grams made only of the words of FILE (one per\n"
	"                         line, '#' starts a comment line); 'english' is the\n"
	"                         bundled list of about 150 English function words\n"
	"                         (name a file ./english to read one)\n"
	"  --prefix PHRASE        the continuations of PHRASE\n"
	"  --from DATE            only documents dated DATE or later (YYYY, YYYY-MM\n"
	"                         or YYYY-MM-DD)\n"
	"  --to DATE              only documents dated DATE or earlier\n"
	"  --where FIELD=VALUE    only documents with this metadata (repeatable; all\n"
	"                         must hold; VALUE may not contain a comma)\n"
	"  --json                 JSON Lines instead of TSV\n"
	"  -h, --help             this help\n";

static const char *const cols[] = { "rank", "ngram", "n", "occurrences", "documents" };

/* "N" or "N-M" with 1 <= N <= M <= 16. */
static int parse_range(const char *s, unsigned *lo, unsigned *hi)
{
	char buf[32];
	if (strlen(s) >= sizeof buf)
		return -1;
	strcpy(buf, s);
	char *dash = strchr(buf, '-');
	uint64_t a, b;
	if (dash)
		*dash = 0;
	if (cli_parse_num(buf, 1, 16, &a))
		return -1;
	b = a;
	if (dash && cli_parse_num(dash + 1, 1, 16, &b))
		return -1;
	if (a > b)
		return -1;
	*lo = (unsigned)a;
	*hi = (unsigned)b;
	return 0;
}

int cmd_top(int argc, char **argv)
{
	enum { OPT_N = 256, OPT_BY, OPT_MIN_DOCS, OPT_STOP, OPT_PREFIX, OPT_JSON, OPT_FROM, OPT_TO,
	       OPT_WHERE };
	static const struct option opts[] = {
		{ "n", required_argument, NULL, OPT_N },
		{ "k", required_argument, NULL, 'k' },
		{ "by", required_argument, NULL, OPT_BY },
		{ "min-documents", required_argument, NULL, OPT_MIN_DOCS },
		{ "stopwords", required_argument, NULL, OPT_STOP },
		{ "prefix", required_argument, NULL, OPT_PREFIX },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "where", required_argument, NULL, OPT_WHERE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ngidx_top_opts o;
	ngidx_top_opts_init(&o);
	const char *stop = NULL, *prefix = NULL, *from = NULL, *to = NULL;
	cli_where w = { .len = 0 };
	int json = 0, has_n = 0;
	uint64_t v;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+k:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_N:
			if (parse_range(optarg, &o.n_min, &o.n_max))
				return cli_usage_error("top", usage_line,
				                       "--n wants N or N-M with 1 <= N <= M <= 16, not '%s'", optarg);
			has_n = 1;
			break;
		case 'k':
			if (cli_parse_num(optarg, 1, 100000000, &v))
				return cli_usage_error("top", usage_line,
				                       "--k wants a number of rows from 1 to 100000000, not '%s'", optarg);
			o.k = (size_t)v;
			break;
		case OPT_BY:
			if (!strcmp(optarg, "occurrences"))
				o.by = NGIDX_TOP_BY_OCCURRENCES;
			else if (!strcmp(optarg, "documents"))
				o.by = NGIDX_TOP_BY_DOCUMENTS;
			else
				return cli_usage_error("top", usage_line,
				                       "--by wants occurrences or documents, not '%s'", optarg);
			break;
		case OPT_MIN_DOCS:
			if (cli_parse_num(optarg, 0, UINT32_MAX, &v))
				return cli_usage_error("top", usage_line,
				                       "--min-documents wants a number of documents, not '%s'", optarg);
			o.min_documents = (uint32_t)v;
			break;
		case OPT_STOP: stop = optarg; break;
		case OPT_PREFIX: prefix = optarg; break;
		case OPT_JSON: json = 1; break;
		case OPT_FROM: from = optarg; break;
		case OPT_TO: to = optarg; break;
		case OPT_WHERE:
			if ((c = cli_where_add(&w, "top", usage_line, optarg)) >= 0)
				return c;
			break;
		case 'h': fputs(help, stdout); return EXIT_OK;
		default: return cli_usage_error("top", usage_line, "bad option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("top", usage_line, "no index given");
	if (argc - optind > 2)
		return cli_usage_error("top", usage_line, "one PATTERN at most (quote it)");
	const char *pattern = argc - optind == 2 ? argv[optind + 1] : NULL;
	if (pattern && prefix)
		return cli_usage_error("top", usage_line, "give --prefix or a PATTERN, not both");
	if (has_n && (pattern || prefix))
		return cli_usage_error("top", usage_line, "--n does not apply to --prefix or a PATTERN");
	if (pattern && !strchr(pattern, '*'))
		return cli_usage_error("top", usage_line,
		                       "a PATTERN holds one '*' (for continuations use --prefix)");
	if ((c = cli_where_dates(&w, "top", usage_line, from, to)) >= 0)
		return c;

	ngidx_error e = { 0 };
	ngidx_stopwords *sw = NULL;
	if (stop) {
		int st = !strcmp(stop, "english") ? ngidx_stopwords_english(&sw, &e)
		                                  : ngidx_stopwords_load(&sw, stop, &e);
		if (st)
			return cli_fail("top", st, &e);
		o.stopwords = sw;
	}
	ngidx_index *idx;
	ngidx_subset *sub = NULL;
	int rc = cli_open_index("top", argv[optind], &idx);
	if (!rc && (rc = cli_where_open(&w, "top", usage_line, idx, &sub)))
		ngidx_index_free(idx);
	if (rc) {
		ngidx_stopwords_free(sw);
		return rc;
	}
	o.subset = sub;
	ngidx_top_result r = { 0 };
	int st = prefix ? ngidx_top_prefix(idx, prefix, strlen(prefix), &o, &r, &e)
	       : pattern ? ngidx_top_pattern(idx, pattern, strlen(pattern), &o, &r, &e)
	                 : ngidx_top(idx, &o, &r, &e);
	if (st) {
		rc = cli_fail("top", st, &e);
	} else {
		cli_header(stdout, json, cols, 5);
		for (size_t i = 0; i < r.nrows; i++) {
			cli_row row;
			cli_row_begin(&row, stdout, json);
			cli_row_u64(&row, "rank", i + 1);
			cli_row_str(&row, "ngram", r.rows[i].text, r.rows[i].text_len);
			cli_row_u64(&row, "n", r.rows[i].n);
			cli_row_u64(&row, "occurrences", r.rows[i].cf);
			cli_row_u64(&row, "documents", r.rows[i].df);
			cli_row_end(&row);
		}
	}
	ngidx_top_result_release(&r);
	ngidx_stopwords_free(sw);
	ngidx_subset_free(sub);
	ngidx_index_free(idx);
	if (fflush(stdout) != 0 && !rc) {
		cli_error("top", "cannot write the output");
		rc = EXIT_INPUT;
	}
	return rc;
}
