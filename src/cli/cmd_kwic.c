/*
 * cmd_kwic.c - `ngidx kwic INDEX PHRASE`: keyword-in-context lines.
 *
 * The library (ngidx/kwic.h) finds the matches, reads each matching
 * document's stored text once and cuts the context; this file parses the
 * options, strictly (a number with trailing junk, a negative one or a
 * --seed without --sample is a usage error rather than a guess), and
 * writes one row per match with the document's name. Everything that
 * decides which lines appear, in what order, and what a character is lives
 * in the library, so a C caller gets the same lines as the command.
 */
#include "cli.h"
#include "ngidx/kwic.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_line[] =
	"ngidx kwic [--width N] [--limit N] [--from DATE] [--to DATE] [--where F=V]... [--sample K [--seed S]]\n"
	"                  [--json] INDEX PHRASE\n"
	"       ngidx kwic [options] --actor ACTOR INDEX";

static const char help[] =
	"usage: ngidx kwic [options] INDEX PHRASE\n"
	"       ngidx kwic [options] --actor ACTOR INDEX\n"
	"\n"
	"Print every occurrence of PHRASE in its context, from the text stored in the\n"
	"index: one line per occurrence (overlapping ones included), in document order,\n"
	"then by position. The phrase is analyzed as the corpus was; the match is shown\n"
	"as the text has it, from the first character of its first token to the last\n"
	"character of its last (\"kim jong un\" shows as \"Kim Jong-un\"). Context is cut on\n"
	"character boundaries; newlines, tabs and other control characters in it are\n"
	"shown as spaces. An index built with --no-text cannot answer (exit 2).\n"
	"\n"
	"With --actor (or a PHRASE \"@ACTOR\"), the lines are the mentions of an actor\n"
	"of an index built with --actors: ACTOR is its id or any alias, and the match\n"
	"is the alias as written (\"Kim Jong-Un\", \"Pyongyang\").\n"
	"\n"
	"Output columns: doc (document id), name, left, match, right.\n"
	"\n"
	"options:\n"
	"  --actor ACTOR   the mentions of ACTOR instead of a phrase\n"
	"  -w, --width N   characters of context on each side (default 40)\n"
	"  -n, --limit N   at most N lines\n"
	"  --from DATE     only documents dated DATE or later (YYYY, YYYY-MM, YYYY-MM-DD)\n"
	"  --to DATE       only documents dated DATE or earlier; a partial DATE covers\n"
	"                  its whole year or month. With either, undated documents are\n"
	"                  left out\n"
	"  --where F=V     only documents whose metadata F is exactly V (repeatable)\n"
	"  --sample K      a uniform random sample of K occurrences (all when fewer),\n"
	"                  printed in document and position order\n"
	"  --seed S        the sample's seed (default 0): the same seed gives the same\n"
	"                  lines on every machine\n"
	"  --json          JSON Lines instead of TSV\n"
	"  -h, --help      this help\n";

static const char *const cols[] = { "doc", "name", "left", "match", "right" };

/* The longest context we agree to cut: wider is surely a typo. */
#define WIDTH_MAX 1000000u

int cmd_kwic(int argc, char **argv)
{
	enum { OPT_FROM = 256, OPT_TO, OPT_SAMPLE, OPT_SEED, OPT_JSON, OPT_ACTOR, OPT_WHERE };
	static const struct option opts[] = {
		{ "width", required_argument, NULL, 'w' },
		{ "limit", required_argument, NULL, 'n' },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "sample", required_argument, NULL, OPT_SAMPLE },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "actor", required_argument, NULL, OPT_ACTOR },
		{ "where", required_argument, NULL, OPT_WHERE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *actor = NULL;
	cli_where w = { .len = 0 };
	ngidx_subset *sub = NULL;
	ngidx_kwic_opts o;
	ngidx_kwic_opts_init(&o);
	int json = 0, seeded = 0;
	uint64_t v;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+w:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (cli_parse_num(optarg, 0, WIDTH_MAX, &v))
				return cli_usage_error("kwic", usage_line,
				                       "--width wants a number of characters from 0 to %u, not '%s'",
				                       WIDTH_MAX, optarg);
			o.width = (size_t)v;
			break;
		case 'n':
			if (cli_parse_num(optarg, 1, UINT64_MAX, &o.limit))
				return cli_usage_error("kwic", usage_line,
				                       "--limit wants a positive number of lines, not '%s'", optarg);
			break;
		case OPT_FROM: o.from = optarg; break;
		case OPT_TO: o.to = optarg; break;
		case OPT_SAMPLE:
			if (cli_parse_num(optarg, 1, UINT64_MAX, &o.sample))
				return cli_usage_error("kwic", usage_line,
				                       "--sample wants a positive number of lines, not '%s'", optarg);
			break;
		case OPT_SEED:
			if (cli_parse_num(optarg, 0, UINT64_MAX, &o.seed))
				return cli_usage_error("kwic", usage_line,
				                       "--seed wants a number from 0 to 2^64-1, not '%s'", optarg);
			seeded = 1;
			break;
		case OPT_JSON: json = 1; break;
		case OPT_ACTOR: actor = optarg; break;
		case OPT_WHERE:
			if ((c = cli_where_add(&w, "kwic", usage_line, optarg)) >= 0)
				return c;
			break;
		case 'h': fputs(help, stdout); return EXIT_OK;
		default: return cli_usage_error("kwic", usage_line, "bad option");
		}
	}
	if (seeded && !o.sample)
		return cli_usage_error("kwic", usage_line, "--seed needs --sample");
	if (optind >= argc)
		return cli_usage_error("kwic", usage_line, "no index given");
	int nops = actor ? 1 : 2;
	if (optind + nops > argc)
		return cli_usage_error("kwic", usage_line, "no phrase given");
	if (optind + nops < argc)
		return cli_usage_error("kwic", usage_line,
		                       argv[optind + nops][0] == '-' ? "options go before INDEX and PHRASE"
		                       : actor ? "--actor takes the place of PHRASE"
		                               : "one phrase only (quote a phrase of several words)");

	ngidx_index *idx;
	int rc = cli_open_index("kwic", argv[optind], &idx);
	if (!rc && (rc = cli_where_open(&w, "kwic", usage_line, idx, &sub)))
		ngidx_index_free(idx);
	if (rc)
		return rc;
	o.subset = sub;
	char *at = NULL;
	const char *phrase = argv[optind + 1];
	if (actor) {
		at = xmalloc(strlen(actor) + 2);
		at[0] = '@';
		strcpy(at + 1, actor);
		phrase = at;
	}
	ngidx_error e = { 0 };
	ngidx_kwic *k;
	int st = ngidx_kwic_open(idx, phrase, strlen(phrase), &o, &k, &e);
	free(at);
	if (st) {
		ngidx_subset_free(sub);
		ngidx_index_free(idx);
		return cli_fail("kwic", st, &e);
	}
	cli_header(stdout, json, cols, 5);
	ngidx_kwic_line l;
	int more;
	while ((more = ngidx_kwic_next(k, &l, &e)) == 1) {
		ngidx_doc d;
		st = ngidx_doc_get(idx, l.doc, &d, &e);
		if (st)
			break;
		cli_row row;
		cli_row_begin(&row, stdout, json);
		cli_row_u64(&row, "doc", l.doc);
		cli_row_str(&row, "name", d.name, d.name_len);
		cli_row_str(&row, "left", l.left, l.left_len);
		cli_row_str(&row, "match", l.match, l.match_len);
		cli_row_str(&row, "right", l.right, l.right_len);
		cli_row_end(&row);
	}
	if (more < 0)
		st = -more;
	if (st)
		rc = cli_fail("kwic", st, &e);
	ngidx_kwic_free(k);
	ngidx_subset_free(sub);
	ngidx_index_free(idx);
	int fl = cli_flush("kwic");
	return rc ? rc : fl;
}
