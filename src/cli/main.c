/*
 * main.c - `ngidx <command> [options]`: the dispatch table.
 */
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

typedef struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} command;

static const command commands[] = {
	{ "build", cmd_build, "index a corpus into one .ngx file" },
	{ "count", cmd_count, "occurrences and documents of phrases" },
	{ "docs", cmd_docs, "documents matching a phrase or boolean query" },
	{ "kwic", cmd_kwic, "keyword-in-context lines of a phrase" },
	{ "actors", cmd_actors, "the actors of an index; suggest a dictionary" },
	{ "cooc", cmd_cooc, "an actor's co-occurring actors, with association measures" },
	{ "graph", cmd_graph, "the actor network as TSV, GraphML, GEXF or DOT" },
	{ "top", cmd_top, "most frequent n-grams, continuations, wildcards" },
	{ "series", cmd_series, "frequency of phrases and actors over time; SVG chart" },
	{ "keyness", cmd_keyness, "n-grams that set a subcorpus apart (G2, Log Ratio)" },
	{ "stats", cmd_stats, "what an index holds: counts, sections, sizes" },
	{ "verify", cmd_verify, "check every checksum and structure of an index" },
};

static void usage(FILE *out)
{
	fputs("usage: ngidx <command> [options]\n\ncommands:\n", out);
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'ngidx <command> --help' describes a command and its options.\n"
	      "Exit codes: 0 success (a query with no match included), 1 input or I/O error,\n"
	      "2 usage, 3 corrupt or incompatible index, 4 out of memory or disk.\n",
	      out);
}

int main(int argc, char **argv)
{
	/* A file size limit (ulimit -f) must surface as a write error that the
	 * build reports (exit 4) and cleans up after, not kill the process. */
	signal(SIGXFSZ, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *c = argv[1];
	if (!strcmp(c, "--help") || !strcmp(c, "-h") || !strcmp(c, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(c, "--version") || !strcmp(c, "-V")) {
		unsigned v = ngidx_version_number();
		printf("ngidx %u.%u.%u (index format %d.%d)\n", v / 10000, v / 100 % 100, v % 100,
		       NGIDX_FORMAT_MAJOR, NGIDX_FORMAT_MINOR);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		if (strcmp(c, commands[i].name))
			continue;
		/* getopt names the program by argv[0] in its messages */
		static char name[32];
		snprintf(name, sizeof name, "ngidx %s", c);
		argv[1] = name;
		return commands[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "ngidx: '%s' is not a command\n", c);
	usage(stderr);
	return EXIT_USAGE;
}
