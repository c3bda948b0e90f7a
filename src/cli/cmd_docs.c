/*
 * cmd_docs.c - `ngidx docs [options] INDEX QUERY`: the documents matching
 * a phrase or a boolean query, in id order or ranked by BM25.
 *
 * The query is parsed before the index is opened, so a malformed query is
 * a usage error (exit 2) whatever the index; the message names the
 * character at fault and the query is printed with a caret under it. The
 * rest is ngidx_query_run (include/ngidx/docs.h): this file only reads
 * options, formats dates and writes rows.
 */
#include "cli.h"
#include "ngidx/docs.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_line[] =
	"ngidx docs [--count] [--limit N] [--offset N] [--from DATE] [--to DATE]\n"
	"                  [--where FIELD=VALUE]... [--rank bm25 [--k1 K] [--b B]] [--json] INDEX QUERY";

static const char help[] =
	"usage: ngidx docs [options] INDEX QUERY\n"
	"\n"
	"List the documents that match QUERY: a phrase, or a boolean expression of\n"
	"quoted phrases and bare words with AND, OR, NOT and parentheses:\n"
	"\n"
	"    ngidx docs news.ngx '\"hanoi summit\" AND (kim OR \"kim jong un\") NOT trade'\n"
	"\n"
	"NOT binds tighter than AND, AND tighter than OR. Operands side by side are\n"
	"ANDed: `hanoi summit` (no quotes) is hanoi AND summit, anywhere in the\n"
	"document; quote it for the phrase. `a NOT b` is a AND NOT b; a query that\n"
	"starts with NOT (`NOT trade`) matches every document without it. Operators\n"
	"are upper case only: and, or, not are words. Each operand is analyzed as the\n"
	"corpus was (a bare word such as Jong-un is the phrase \"jong un\"); phrases\n"
	"of any length are exact. A malformed query (unbalanced quotes or\n"
	"parentheses, an operator without its operand, an empty query) is reported\n"
	"with the character at fault and exits 2.\n"
	"\n"
	"Output columns: doc (id), name, date (YYYY-MM-DD, YYYY-MM or YYYY; empty\n"
	"if none), occurrences (the sum, over the query's distinct phrases that are\n"
	"not negated, of their occurrences in the document), and score when ranked.\n"
	"Documents come in id order, or by score descending then id with --rank.\n"
	"\n"
	"BM25: score(d) = sum over the query's non-negated phrases p of\n"
	"    idf(p) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))\n"
	"  idf(p) = ln(1 + (N - df + 0.5) / (df + 0.5))\n"
	"with tf the occurrences of p in d, df the documents where p occurs, N the\n"
	"documents of the index, dl the tokens of d, avgdl the mean tokens per\n"
	"document.\n"
	"\n"
	"options:\n"
	"  --count              print only the number of matching documents (column\n"
	"                       documents); --limit, --offset and --rank are ignored\n"
	"  --limit N            at most N documents\n"
	"  --offset N           skip the first N documents\n"
	"  --from DATE          documents dated DATE or later (YYYY, YYYY-MM or\n"
	"                       YYYY-MM-DD; a document dated only 2019 counts as\n"
	"                       the start of 2019)\n"
	"  --to DATE            documents dated DATE or earlier; YYYY or YYYY-MM\n"
	"                       covers the whole year or month. With --from or --to,\n"
	"                       documents without a date are left out\n"
	"  --where FIELD=VALUE  documents whose metadata FIELD is exactly VALUE (a\n"
	"                       string, or a number or boolean as written in the\n"
	"                       input); repeat for several conditions (all must hold)\n"
	"  --rank bm25          rank by BM25\n"
	"  --k1 K               BM25 term-frequency saturation (default 1.2)\n"
	"  --b B                BM25 length normalization, 0..1 (default 0.75)\n"
	"  --json               JSON Lines instead of TSV\n"
	"  -h, --help           this help\n"
	"\n"
	"Options may come before or after INDEX and QUERY; put -- before a QUERY that\n"
	"starts with '-'.\n";

static const char *const cols[] = { "doc", "name", "date", "occurrences", "score" };

/* The query, then a line with a caret under byte @at: one space per UTF-8
 * character before it (tabs kept, so it lines up in a terminal). Newlines
 * in the query are shown as spaces. */
static void show_caret(const char *q, size_t len, size_t at)
{
	for (size_t i = 0; i < len; i++)
		fputc(q[i] == '\n' || q[i] == '\r' ? ' ' : q[i], stderr);
	fputc('\n', stderr);
	for (size_t i = 0; i < at && i < len; i++) {
		unsigned char c = (unsigned char)q[i];
		if ((c & 0xC0) != 0x80)
			fputc(c == '\t' ? '\t' : ' ', stderr);
	}
	fputs("^\n", stderr);
}

int cmd_docs(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", no_argument, NULL, 'c' },
		{ "limit", required_argument, NULL, 'l' },
		{ "offset", required_argument, NULL, 'o' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "where", required_argument, NULL, 'w' },
		{ "rank", required_argument, NULL, 'r' },
		{ "k1", required_argument, NULL, 'k' },
		{ "b", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ngidx_docs_opts o;
	ngidx_docs_opts_init(&o);
	int json = 0, count = 0, c;
	const char **where = xmalloc((size_t)argc * sizeof *where);
	size_t nwhere = 0;
	int rc = -1;
	optind = 1;
	while (rc < 0 && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': count = 1; break;
		case 'l':
			if (cli_parse_num(optarg, 0, UINT64_MAX, &o.limit))
				rc = cli_usage_error("docs", usage_line, "bad --limit '%s'", optarg);
			break;
		case 'o':
			if (cli_parse_num(optarg, 0, UINT64_MAX, &o.offset))
				rc = cli_usage_error("docs", usage_line, "bad --offset '%s'", optarg);
			break;
		case 'f': o.from = optarg; break;
		case 't': o.to = optarg; break;
		case 'w':
			if (!strchr(optarg, '=') || optarg[0] == '=')
				rc = cli_usage_error("docs", usage_line, "bad --where '%s' (expected FIELD=VALUE)", optarg);
			where[nwhere++] = optarg;
			break;
		case 'r':
			if (strcmp(optarg, "bm25"))
				rc = cli_usage_error("docs", usage_line, "unknown ranking '%s' (known: bm25)", optarg);
			o.rank = NGIDX_RANK_BM25;
			break;
		case 'k':
			if (cli_parse_f64(optarg, &o.k1) || o.k1 < 0)
				rc = cli_usage_error("docs", usage_line, "bad --k1 '%s' (a number >= 0)", optarg);
			break;
		case 'b':
			if (cli_parse_f64(optarg, &o.b) || o.b < 0 || o.b > 1)
				rc = cli_usage_error("docs", usage_line, "bad --b '%s' (a number from 0 to 1)", optarg);
			break;
		case 'j': json = 1; break;
		case 'h': fputs(help, stdout); rc = EXIT_OK; break;
		default: rc = cli_usage_error("docs", usage_line, "bad option"); break;
		}
	}
	if (rc < 0 && argc - optind != 2)
		rc = cli_usage_error("docs", usage_line, argc - optind < 2 ? "an INDEX and a QUERY are needed"
		                                                           : "too many arguments (quote the query)");
	if (rc >= 0) {
		free(where);
		return rc;
	}
	o.where = where;
	o.nwhere = nwhere;
	if (count) {
		o.rank = NGIDX_RANK_NONE;
		o.limit = o.offset = 0;
	}

	const char *qtext = argv[optind + 1];
	size_t qlen = strlen(qtext), at = 0;
	ngidx_error e = { 0 };
	ngidx_query *q = NULL;
	ngidx_index *idx = NULL;
	ngidx_docs *d = NULL;
	int st = ngidx_query_parse(qtext, qlen, &q, &at, &e);
	if (st) {
		rc = cli_fail("docs", st, &e);
		if (st == NGIDX_ERR_QUERY)
			show_caret(qtext, qlen, at);
		goto done;
	}
	if ((rc = cli_open_index("docs", argv[optind], &idx)))
		goto done;
	if ((st = ngidx_query_run(idx, q, &o, &d, &e))) {
		rc = cli_fail("docs", st, &e);
		goto done;
	}
	ngidx_docs_hit h;
	int r;
	if (count) {
		uint64_t n = 0;
		while ((r = ngidx_docs_next(d, &h, &e)) == 1)
			n++;
		if (r == 0) {
			static const char *const ccols[] = { "documents" };
			cli_header(stdout, json, ccols, 1);
			cli_row row;
			cli_row_begin(&row, stdout, json);
			cli_row_u64(&row, "documents", n);
			cli_row_end(&row);
		}
	} else {
		cli_header(stdout, json, cols, o.rank ? 5 : 4);
		while ((r = ngidx_docs_next(d, &h, &e)) == 1) {
			ngidx_doc doc;
			if ((st = ngidx_doc_get(idx, h.doc, &doc, &e))) {
				r = -st;
				break;
			}
			char date[16];
			size_t dlen = cli_format_date(doc.date, date, sizeof date);
			cli_row row;
			cli_row_begin(&row, stdout, json);
			cli_row_u64(&row, "doc", h.doc);
			cli_row_str(&row, "name", doc.name, doc.name_len);
			cli_row_str(&row, "date", date, dlen);
			cli_row_u64(&row, "occurrences", h.occurrences);
			if (o.rank)
				cli_row_f64(&row, "score", h.score);
			cli_row_end(&row);
		}
	}
	rc = r < 0 ? cli_fail("docs", -r, &e) : EXIT_OK;
done:
	ngidx_docs_free(d);
	ngidx_index_free(idx);
	ngidx_query_free(q);
	free(where);
	if (fflush(stdout) != 0 && !rc) {
		cli_error("docs", "cannot write the output");
		rc = EXIT_INPUT;
	}
	return rc;
}
