/*
 * cmd_verify.c - `ngidx verify INDEX...`.
 */
#include "cli.h"

#include <string.h>
#include <unistd.h>

static const char usage_line[] = "ngidx verify [--json] INDEX...";

static const char help[] =
	"usage: ngidx verify [--json] INDEX...\n"
	"\n"
	"Check every checksum and every structure of each INDEX: header, section\n"
	"table, each section's XXH64, lexicon order and lookup directory, every\n"
	"postings list (document ids, frequencies, positions), documents, sentences\n"
	"and stored text. Prints one row per index (columns: index, status, message)\n"
	"and exits 0 if all are sound, 3 if one is corrupt or incompatible.\n"
	"\n"
	"options:\n"
	"  --json     JSON Lines instead of TSV\n"
	"  -h, --help this help\n";

int cmd_verify(int argc, char **argv)
{
	int json, worst = EXIT_OK;
	int rc_opt = cli_json_opts(argc, argv, "verify", usage_line, help, &json);
	if (rc_opt >= 0)
		return rc_opt;
	if (optind >= argc)
		return cli_usage_error("verify", usage_line, "no index given");
	static const char *const cols[] = { "index", "status", "message" };
	cli_header(stdout, json, cols, 3);
	for (int i = optind; i < argc; i++) {
		ngidx_index *idx = NULL;
		ngidx_error e = { 0 };
		ngidx_open_opts oo = { 1 };
		int rc = ngidx_index_open(&idx, argv[i], &oo, &e);
		ngidx_index_free(idx);
		cli_row r;
		cli_row_begin(&r, stdout, json);
		cli_row_str(&r, "index", argv[i], strlen(argv[i]));
		cli_row_str(&r, "status", rc ? "corrupt" : "ok", rc ? 7 : 2);
		cli_row_str(&r, "message", rc ? e.msg : "", rc ? strlen(e.msg) : 0);
		cli_row_end(&r);
		if (rc) {
			cli_error("verify", "%s", e.msg);
			int x = cli_exit_code(rc);
			if (x > worst)
				worst = x;
		}
	}
	return worst;
}
