/*
 * cli.h - what the subcommands share: output formatting (TSV and JSON
 * Lines), error reporting and the exit codes.
 *
 * Ownership: nothing is owned across calls; xmalloc'd memory is the
 * caller's. The CLI uses only the public headers of include/ngidx.
 */
#ifndef NGIDX_CLI_H
#define NGIDX_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "ngidx/ngidx.h"

/* Exit codes (README, STYLE.md). */
enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_CORRUPT = 3, EXIT_RESOURCE = 4 };

/* The exit code for a library status. */
int cli_exit_code(int status);

/* "ngidx CMD: message" on stderr (printf-style). */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Report a library error and return its exit code. */
int cli_fail(const char *cmd, int status, const ngidx_error *e);
/* Short usage on stderr, exit code 2. */
int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Allocation that cannot fail (aborts with a message). */
void *xmalloc(size_t n);

/* One output row, written as TSV or as a JSON object. */
typedef struct cli_row {
	FILE *out;
	int json;
	int nfield;
} cli_row;

/* TSV header line (nothing in JSON mode). */
void cli_header(FILE *out, int json, const char *const *cols, size_t n);
void cli_row_begin(cli_row *r, FILE *out, int json);
void cli_row_str(cli_row *r, const char *key, const char *s, size_t len);
void cli_row_u64(cli_row *r, const char *key, uint64_t v);
void cli_row_f64(cli_row *r, const char *key, double v);
void cli_row_end(cli_row *r);

/*
 * Parse the options of a command that takes only --json and --help (any
 * other option is a usage error). @return -1 to go on (optind is at the
 * first operand), or the exit code to return.
 */
int cli_json_opts(int argc, char **argv, const char *cmd, const char *usage, const char *help,
                  int *json);

/* A decimal number in [@min, @max]; @return 0, or -1 if malformed. */
int cli_parse_num(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* A finite decimal number; @return 0 or -1. */
int cli_parse_f64(const char *s, double *out);
/* YYYYMMDD (00 for missing parts) as YYYY-MM-DD, YYYY-MM or YYYY into
 * @buf; @return its length (0 for 0: no date). */
size_t cli_format_date(uint32_t date, char *buf, size_t cap);

/* Flush stdout; @return EXIT_OK, or EXIT_INPUT (reported) if writing failed. */
int cli_flush(const char *cmd);

/*
 * --where FIELD=VALUE conditions (and date ranges), gathered into the spec
 * of a document subset (ngidx_subset_parse, keyness.h).
 * cli_where_add @return -1 (added) or the exit code of a usage error;
 * cli_where_open @return EXIT_OK with *@out the subset, or NULL when no
 * condition was given, or an exit code (reported).
 */
typedef struct cli_where {
	char spec[4096];
	size_t len;
} cli_where;
struct ngidx_subset;
int cli_where_add(cli_where *w, const char *cmd, const char *usage, const char *cond);
/* The date range of --from and --to (either may be NULL; none: nothing
 * added) as one more condition. @return as cli_where_add. */
int cli_where_dates(cli_where *w, const char *cmd, const char *usage, const char *from,
                    const char *to);
int cli_where_open(const cli_where *w, const char *cmd, const char *usage, const ngidx_index *idx,
                   struct ngidx_subset **out);

/* Open an index for a query command, reporting errors. @return exit code. */
int cli_open_index(const char *cmd, const char *path, ngidx_index **out);

/* Subcommands. */
int cmd_build(int argc, char **argv);
int cmd_count(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_docs(int argc, char **argv);
int cmd_kwic(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_actors(int argc, char **argv);
int cmd_actors_suggest(int argc, char **argv);
int cmd_cooc(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_keyness(int argc, char **argv);
int cmd_series(int argc, char **argv);

#endif
