/*
 * cmd_count.c - `ngidx count INDEX [PHRASE...]`.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_line[] = "ngidx count [--json] INDEX [PHRASE...]";

static const char help[] =
	"usage: ngidx count [--json] INDEX [PHRASE...]\n"
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
	"options:\n"
	"  --json     JSON Lines instead of TSV\n"
	"  -h, --help this help\n";

static const char *const cols[] = { "query", "ngram", "n", "occurrences", "documents" };

static int one(const ngidx_index *idx, const char *q, size_t len, int json, ngidx_count_result *r)
{
	ngidx_error e = { 0 };
	int rc = ngidx_count(idx, q, len, r, &e);
	if (rc)
		return cli_fail("count", rc, &e);
	cli_row row;
	cli_row_begin(&row, stdout, json);
	cli_row_str(&row, "query", q, len);
	cli_row_str(&row, "ngram", r->ngram ? r->ngram : "", r->ngram_len);
	cli_row_u64(&row, "n", r->n);
	cli_row_u64(&row, "occurrences", r->occurrences);
	cli_row_u64(&row, "documents", r->documents);
	cli_row_end(&row);
	return EXIT_OK;
}

int cmd_count(int argc, char **argv)
{
	int json;
	int rc_opt = cli_json_opts(argc, argv, "count", usage_line, help, &json);
	if (rc_opt >= 0)
		return rc_opt;
	if (optind >= argc)
		return cli_usage_error("count", usage_line, "no index given");
	ngidx_index *idx;
	int rc = cli_open_index("count", argv[optind], &idx);
	if (rc)
		return rc;
	cli_header(stdout, json, cols, 5);
	ngidx_count_result r = { 0 };
	if (optind + 1 < argc) {
		for (int i = optind + 1; i < argc && !rc; i++)
			rc = one(idx, argv[i], strlen(argv[i]), json, &r);
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
			rc = one(idx, line, len, json, &r);
		}
		free(line);
	}
	ngidx_count_result_release(&r);
	ngidx_index_free(idx);
	if (fflush(stdout) != 0 && !rc) {
		cli_error("count", "cannot write the output");
		rc = EXIT_INPUT;
	}
	return rc;
}
