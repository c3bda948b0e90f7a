/*
 * cmd_suggest.c - `ngidx actors suggest [options] INPUT...` and
 * `ngidx actors suggest [options] --index INDEX`: propose an actor
 * dictionary, printed in the format `ngidx build --actors` reads.
 *
 * The work is in src/actors/suggest.c (rules in its opening comment); this
 * file parses options, feeds documents (from the corpus readers, or from
 * the text stored in an index through ngidx_doc_text) and prints.
 *
 * Output: comment lines first (what made the file, the column names), then
 * for each actor, by occurrences, one comment line
 *   # ID occurrences=N documents=D (ALIAS N, ALIAS N ...)
 * and one `ID<TAB>ALIAS` line per alias, the display name first. The TYPE
 * column is left out (the dictionary makes it optional): the user adds
 * person, country, organisation ... while editing. The dictionary parser
 * treats '#' as a comment only at the start of a line and takes at most
 * three fields, hence the counts on their own comment lines, and the
 * column names as a comment rather than a TSV header row.
 */
#include "cli.h"
#include "ngidx/suggest.h"

#include <getopt.h>
#include <string.h>

static const char cmd[] = "actors suggest";

static const char usage_line[] =
	"ngidx actors suggest [options] INPUT...  |  ngidx actors suggest [options] --index INDEX";

static const char help[] =
	"usage: ngidx actors suggest [options] INPUT...\n"
	"       ngidx actors suggest [options] --index INDEX\n"
	"\n"
	"Propose an actor dictionary for a corpus that has none: the names written\n"
	"with capitals in the original text, variants merged, ranked by occurrences,\n"
	"printed as `ngidx build --actors` reads it (ACTOR_ID<TAB>ALIAS, the first\n"
	"alias of an actor its display name; counts on '#' comment lines). Review\n"
	"and edit it (remove what is not an actor, add a TYPE column), then build.\n"
	"\n"
	"  - a name is a run of capitalised words in one sentence, with nothing but\n"
	"    spaces between them (\"Kim Jong-un\", \"Donald J. Trump\", \"Bank of\n"
	"    England\"); stop words and titles (The, In, President, Mr...) end it;\n"
	"  - a sentence's first word, and the words of a line with no lowercase word,\n"
	"    count only if the same word is capitalised mid-sentence elsewhere (or\n"
	"    comes right before such a word);\n"
	"  - \"Kim Jong-un\", \"Kim Jong Un\" and \"KIM JONG-UN\" are one alias (same\n"
	"    tokens), shown in its most frequent form;\n"
	"  - a short name joins the longer name it ends (\"Trump\" -> \"Donald Trump\")\n"
	"    or, if none, starts (\"Kim\" -> \"Kim Jong-un\"), when that longer name\n"
	"    has at least 4 times the occurrences of any other candidate; otherwise it\n"
	"    stays on its own, marked ambiguous;\n"
	"  - ids are uppercase ASCII slugs of the display name (KIM_JONG_UN).\n"
	"\n"
	"input (as ngidx build):\n"
	"  INPUT...           files, directories (walked in sorted order) or - for stdin\n"
	"  --format F         text, lines or jsonl (default: by extension)\n"
	"  --text-field NAME  jsonl field holding the text (default text)\n"
	"  --strict           stop (exit 1) at the first bad input\n"
	"  --index INDEX      read the text stored in INDEX instead (not with an index\n"
	"                     built with --no-text)\n"
	"\n"
	"output:\n"
	"  --min-count C      keep actors with at least C occurrences (default 3); a\n"
	"                     longer name absorbs short ones only with C occurrences\n"
	"  --k K              at most K actors (default: all)\n"
	"  --json             JSON Lines, one object per alias: id, alias,\n"
	"                     alias_occurrences, occurrences, documents\n"
	"  -q, --quiet        no warnings about bad input, no summary\n"
	"  -h, --help         this help\n";

typedef struct ui {
	int quiet;
} ui;

static void on_warn(void *ctx, const char *msg)
{
	const ui *u = ctx;
	if (!u->quiet)
		fprintf(stderr, "ngidx %s: %s\n", cmd, msg);
}

/* Feed every document of @path's stored text. @return exit code. */
static int feed_index(ngidx_suggest *s, const char *path)
{
	ngidx_index *idx;
	int rc = cli_open_index(cmd, path, &idx);
	if (rc)
		return rc;
	ngidx_index_info info;
	ngidx_index_get_info(idx, &info);
	if (!info.has_text) {
		ngidx_index_free(idx);
		cli_error(cmd, "the index was built with --no-text: it stores no text to read");
		return EXIT_USAGE;
	}
	char *buf = NULL;
	size_t cap = 0, len;
	ngidx_error e = { 0 };
	for (uint64_t d = 0; d < info.docs && !rc; d++) {
		int st = ngidx_doc_text(idx, (uint32_t)d, &buf, &cap, &len, &e);
		if (!st && (st = ngidx_suggest_feed(s, buf, len)))
			e.msg[0] = 0;
		if (st)
			rc = cli_fail(cmd, st, &e);
	}
	ngidx_buffer_free(buf);
	ngidx_index_free(idx);
	return rc;
}

static void print_tsv(const ngidx_suggest_actor *a, size_t n, const ngidx_suggest_stats *st,
                      uint64_t min_count)
{
	printf("# ngidx actors suggest: %llu documents, min-count %llu, actors: %zu\n",
	       (unsigned long long)st->docs, (unsigned long long)min_count, n);
	fputs("# review and edit, then: ngidx build --actors FILE ...\n"
	      "# ACTOR_ID\tALIAS\tTYPE (the first alias of an actor is its display name)\n",
	      stdout);
	for (size_t i = 0; i < n; i++) {
		printf("# %s occurrences=%llu documents=%llu", a[i].id,
		       (unsigned long long)a[i].occurrences, (unsigned long long)a[i].documents);
		if (a[i].naliases > 1) {
			fputs(" (", stdout);
			for (size_t k = 0; k < a[i].naliases; k++)
				printf("%s%s %llu", k ? ", " : "", a[i].aliases[k].text,
				       (unsigned long long)a[i].aliases[k].occurrences);
			fputc(')', stdout);
		}
		if (a[i].nambiguous) {
			fputs(" ambiguous: also in", stdout);
			for (size_t k = 0; k < a[i].nambiguous; k++)
				printf("%s %s", k ? "," : "", a[i].ambiguous[k]);
		}
		fputc('\n', stdout);
		for (size_t k = 0; k < a[i].naliases; k++)
			printf("%s\t%s\n", a[i].id, a[i].aliases[k].text);
	}
}

static void print_json(const ngidx_suggest_actor *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < a[i].naliases; k++) {
			cli_row r;
			cli_row_begin(&r, stdout, 1);
			cli_row_str(&r, "id", a[i].id, strlen(a[i].id));
			cli_row_str(&r, "alias", a[i].aliases[k].text, a[i].aliases[k].len);
			cli_row_u64(&r, "alias_occurrences", a[i].aliases[k].occurrences);
			cli_row_u64(&r, "occurrences", a[i].occurrences);
			cli_row_u64(&r, "documents", a[i].documents);
			cli_row_end(&r);
		}
}

int cmd_actors_suggest(int argc, char **argv)
{
	enum { O_FORMAT = 256, O_TEXT, O_STRICT, O_INDEX, O_MINC, O_K, O_JSON };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		{ "text-field", required_argument, NULL, O_TEXT },
		{ "strict", no_argument, NULL, O_STRICT },
		{ "index", required_argument, NULL, O_INDEX },
		{ "min-count", required_argument, NULL, O_MINC },
		{ "k", required_argument, NULL, O_K },
		{ "json", no_argument, NULL, O_JSON },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ngidx_suggest_opts so;
	ngidx_suggest_opts_init(&so);
	ngidx_suggest_input in = { 0 };
	ui u = { 0 };
	const char *index = NULL;
	int json = 0, c;
	uint64_t v;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case O_FORMAT:
			if (!strcmp(optarg, "text")) in.format = NGIDX_FORMAT_TEXT;
			else if (!strcmp(optarg, "lines")) in.format = NGIDX_FORMAT_LINES;
			else if (!strcmp(optarg, "jsonl")) in.format = NGIDX_FORMAT_JSONL;
			else return cli_usage_error(cmd, usage_line, "--format is text, lines or jsonl, not '%s'", optarg);
			break;
		case O_TEXT: in.text_field = optarg; break;
		case O_STRICT: in.strict = 1; break;
		case O_INDEX: index = optarg; break;
		case O_MINC:
			if (cli_parse_num(optarg, 1, UINT64_MAX, &v))
				return cli_usage_error(cmd, usage_line, "--min-count takes a positive number, not '%s'", optarg);
			so.min_count = v;
			break;
		case O_K:
			if (cli_parse_num(optarg, 1, SIZE_MAX, &v))
				return cli_usage_error(cmd, usage_line, "--k takes a positive number, not '%s'", optarg);
			so.max_actors = (size_t)v;
			break;
		case O_JSON: json = 1; break;
		case 'q': u.quiet = 1; break;
		case 'h': fputs(help, stdout); return EXIT_OK;
		default: return cli_usage_error(cmd, usage_line, "bad option");
		}
	}
	if (index && optind < argc)
		return cli_usage_error(cmd, usage_line, "give INPUT... or --index INDEX, not both");
	if (!index && optind >= argc)
		return cli_usage_error(cmd, usage_line, "no input given");
	if (index && (in.format || in.text_field || in.strict))
		return cli_usage_error(cmd, usage_line, "--format, --text-field and --strict read INPUTs, not an index");

	ngidx_suggest *s;
	int rc = ngidx_suggest_create(&s, &so);
	if (rc)
		return cli_fail(cmd, rc, NULL);
	if (index) {
		rc = feed_index(s, index);
	} else {
		in.warn = on_warn;
		in.warn_ctx = &u;
		ngidx_error e = { 0 };
		int st = ngidx_suggest_feed_inputs(s, (const char *const *)(argv + optind),
		                                   (size_t)(argc - optind), &in, &e);
		if (st)
			rc = cli_fail(cmd, st, &e);
	}
	const ngidx_suggest_actor *a = NULL;
	size_t n = 0;
	if (!rc) {
		int st = ngidx_suggest_finish(s, &a, &n);
		if (st)
			rc = cli_fail(cmd, st, NULL);
	}
	if (!rc) {
		const ngidx_suggest_stats *st = ngidx_suggest_get_stats(s);
		if (json)
			print_json(a, n);
		else
			print_tsv(a, n, st, so.min_count);
		rc = cli_flush(cmd);
		if (!u.quiet)
			fprintf(stderr, "ngidx %s: %llu documents, %llu skipped, %llu name occurrences, %zu actors\n",
			        cmd, (unsigned long long)st->docs, (unsigned long long)st->skipped,
			        (unsigned long long)st->occurrences, n);
	}
	ngidx_suggest_free(s);
	return rc;
}
