/*
 * cmd_actors.c - `ngidx actors INDEX`: the actor table, most mentioned
 * first; `ngidx actors suggest ...` is cmd_suggest.c.
 */
#include "cli.h"
#include "ngidx/actors.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_line[] =
	"ngidx actors [--type T] [--k K] [--aliases] [--from DATE] [--to DATE] [--where F=V]...\n"
	"                    [--json] INDEX\n"
	"       ngidx actors suggest [options] INPUT...";

static const char help[] =
	"usage: ngidx actors [options] INDEX\n"
	"       ngidx actors suggest [options] INPUT...   (see ngidx actors suggest --help)\n"
	"\n"
	"List the actors of an index built with --actors, most mentioned first (ties\n"
	"in dictionary order). Columns: id, name (the first alias), type,\n"
	"occurrences (mentions), documents, sentences (that mention the actor); with\n"
	"--aliases, also aliases (all of them, separated by \" | \").\n"
	"\n"
	"options:\n"
	"  --type T    only actors of type T (as in the dictionary)\n"
	"  --k K       at most K actors (default: all)\n"
	"  --all       also actors never mentioned (left out by default)\n"
	"  --aliases   add the aliases column\n"
	"  --from DATE, --to DATE, --where F=V\n"
	"              count only the documents dated in the range and with the\n"
	"              metadata (as for ngidx cooc; from the mention postings)\n"
	"  --json      JSON Lines instead of TSV\n"
	"  -h, --help  this help\n";

static int by_mentions(const void *x, const void *y)
{
	const ngidx_actor *a = x, *b = y;
	if (a->mentions != b->mentions)
		return a->mentions > b->mentions ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

/* Actor @a's aliases joined by " | " into a new string. */
static char *alias_list(const ngidx_index *idx, const ngidx_actor *a, size_t *len)
{
	size_t cap = 64, n = 0;
	char *s = xmalloc(cap);
	for (uint32_t k = 0; k < a->naliases; k++) {
		const char *t, *key;
		size_t tl, kl;
		if (ngidx_actor_alias(idx, a->index, k, &t, &tl, &key, &kl, NULL))
			break;
		while (n + tl + 4 > cap) {
			cap *= 2;
			s = realloc(s, cap);
			if (!s) {
				cli_error("actors", "out of memory");
				exit(EXIT_RESOURCE);
			}
		}
		if (k) {
			memcpy(s + n, " | ", 3);
			n += 3;
		}
		memcpy(s + n, t, tl);
		n += tl;
	}
	*len = n;
	return s;
}

/* @a's counts within @f: a cell of an actor with itself holds only its
 * marginals (documents, sentences, mentions by level). */
static int in_filter(const ngidx_index *idx, const ngidx_filter *f, ngidx_actor *a, ngidx_error *e)
{
	ngidx_cell c;
	int rc = ngidx_cooc_cell(idx, NGIDX_LEVEL_DOC, a->index, a->index, f, &c, e);
	a->documents = (uint32_t)c.r1;
	if (!rc)
		rc = ngidx_cooc_cell(idx, NGIDX_LEVEL_SENTENCE, a->index, a->index, f, &c, e);
	a->sentences = c.r1;
	if (!rc)
		rc = ngidx_cooc_cell(idx, NGIDX_LEVEL_WINDOW, a->index, a->index, f, &c, e);
	a->mentions = c.r1;
	return rc;
}

int cmd_actors(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "suggest")) {
		static char name[] = "ngidx actors suggest";
		argv[1] = name;
		return cmd_actors_suggest(argc - 1, argv + 1);
	}
	enum { O_TYPE = 256, O_K, O_ALL, O_ALIASES, O_JSON, O_FROM, O_TO, O_WHERE };
	static const struct option opts[] = {
		{ "type", required_argument, NULL, O_TYPE },
		{ "k", required_argument, NULL, O_K },
		{ "all", no_argument, NULL, O_ALL },
		{ "aliases", no_argument, NULL, O_ALIASES },
		{ "json", no_argument, NULL, O_JSON },
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "where", required_argument, NULL, O_WHERE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *type = NULL;
	uint64_t k = UINT64_MAX;
	int all = 0, aliases = 0, json = 0, c;
	const char *from = NULL, *to = NULL;
	cli_where w = { .len = 0 };
	ngidx_subset *sub = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_TYPE: type = optarg; break;
		case O_K:
			if (cli_parse_num(optarg, 0, UINT64_MAX, &k))
				return cli_usage_error("actors", usage_line, "--k takes a number, not '%s'", optarg);
			break;
		case O_ALL: all = 1; break;
		case O_ALIASES: aliases = 1; break;
		case O_JSON: json = 1; break;
		case O_FROM: from = optarg; break;
		case O_TO: to = optarg; break;
		case O_WHERE:
			if ((c = cli_where_add(&w, "actors", usage_line, optarg)) >= 0)
				return c;
			break;
		case 'h': fputs(help, stdout); return EXIT_OK;
		default: return cli_usage_error("actors", usage_line, "bad option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("actors", usage_line, "no index given");
	if (optind + 1 < argc)
		return cli_usage_error("actors", usage_line, "unexpected argument '%s'", argv[optind + 1]);
	ngidx_filter f;
	ngidx_error fe = { 0 };
	if (ngidx_filter_dates(&f, from, to, &fe))
		return cli_usage_error("actors", usage_line, "%s", fe.msg);
	ngidx_index *idx;
	int rc = cli_open_index("actors", argv[optind], &idx);
	if (!rc && (rc = cli_where_open(&w, "actors", usage_line, idx, &sub)))
		ngidx_index_free(idx);
	if (rc)
		return rc;
	f.subset = sub;
	int filtered = from || to || sub;
	size_t na = ngidx_actor_count(idx), n = 0;
	if (!na && !ngidx_actor_window(idx)) {
		ngidx_index_free(idx);
		cli_error("actors", "'%s' has no actors (build it with --actors FILE)", argv[optind]);
		return EXIT_USAGE;
	}
	ngidx_actor *v = xmalloc((na ? na : 1) * sizeof *v);
	ngidx_error e = { 0 };
	for (uint32_t a = 0; a < na && !rc; a++) {
		if ((rc = ngidx_actor_get(idx, a, &v[n], &e)) || (filtered && (rc = in_filter(idx, &f, &v[n], &e))))
			break;
		if (!all && !v[n].mentions)
			continue;
		if (type && (strlen(type) != v[n].type_len || memcmp(type, v[n].type, v[n].type_len)))
			continue;
		n++;
	}
	if (rc) {
		free(v);
		ngidx_subset_free(sub);
		ngidx_index_free(idx);
		return cli_fail("actors", rc, &e);
	}
	qsort(v, n, sizeof *v, by_mentions);
	static const char *const cols[] = { "id", "name", "type", "occurrences", "documents",
		                            "sentences", "aliases" };
	cli_header(stdout, json, cols, aliases ? 7 : 6);
	for (size_t i = 0; i < n && i < k; i++) {
		cli_row r;
		cli_row_begin(&r, stdout, json);
		cli_row_str(&r, "id", v[i].id, v[i].id_len);
		cli_row_str(&r, "name", v[i].name, v[i].name_len);
		cli_row_str(&r, "type", v[i].type, v[i].type_len);
		cli_row_u64(&r, "occurrences", v[i].mentions);
		cli_row_u64(&r, "documents", v[i].documents);
		cli_row_u64(&r, "sentences", v[i].sentences);
		if (aliases) {
			size_t len;
			char *s = alias_list(idx, &v[i], &len);
			cli_row_str(&r, "aliases", s, len);
			free(s);
		}
		cli_row_end(&r);
	}
	free(v);
	ngidx_subset_free(sub);
	ngidx_index_free(idx);
	return cli_flush("actors");
}
