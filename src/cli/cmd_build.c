/*
 * cmd_build.c - `ngidx build -o INDEX INPUT...`.
 */
#include "cli.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage_line[] = "ngidx build [options] -o INDEX INPUT...";

static const char help[] =
	"usage: ngidx build [options] -o INDEX INPUT...\n"
	"\n"
	"Index INPUT (files, directories walked recursively in sorted order, or - for\n"
	"standard input) into the single file INDEX, written atomically: a temporary\n"
	"file beside INDEX is renamed into place only when complete.\n"
	"\n"
	"input:\n"
	"  --format F         text (one document per file), lines (one per line) or\n"
	"                     jsonl (one JSON object per line); default: by extension,\n"
	"                     .jsonl/.ndjson = jsonl, else text; .gz/.zst decompressed\n"
	"  --text-field NAME  jsonl field holding the text (default text)\n"
	"  --id-field NAME    jsonl field naming the document (default id)\n"
	"  --date-field NAME  jsonl field with YYYY, YYYY-MM or YYYY-MM-DD (default date)\n"
	"  --strict           stop (exit 1) at the first bad input instead of\n"
	"                     reporting and skipping it\n"
	"\n"
	"index:\n"
	"  --max-n N          index n-grams of 1..N tokens (default 3, at most 16);\n"
	"                     longer phrases are answered exactly from positions\n"
	"  --min-count C      keep n-grams of 2+ tokens only if seen at least C\n"
	"                     times (default 2; 1 keeps all). Counts stay exact:\n"
	"                     a rarer n-gram is counted from unigram positions;\n"
	"                     top, keyness and --prefix lists leave it out\n"
	"  --min-df D         also drop n-grams of 2+ tokens found in fewer than D\n"
	"                     documents (default 1)\n"
	"  --no-text          do not store the documents' text\n"
	"\n"
	"actors:\n"
	"  --actors FILE      actor dictionary, TSV lines ID<TAB>ALIAS[<TAB>TYPE]\n"
	"                     (repeatable; see README \"Actors\"): index the actors'\n"
	"                     mentions and their co-occurrences\n"
	"  --window K         window level: mentions at most K tokens apart\n"
	"                     (default 10)\n"
	"\n"
	"resources:\n"
	"  -t, --threads N    worker threads (default: all cores)\n"
	"  -m, --memory SIZE  memory bound, e.g. 512M, 2G (default 1G, at least 1M);\n"
	"                     beyond it postings spill to sorted runs on disk\n"
	"  --tmp DIR          folder for the runs and for the text of documents\n"
	"                     over 4 MiB, which are read in pieces (default: INDEX's\n"
	"                     folder)\n"
	"  --single-pass      read the input once. By default, with --min-count or\n"
	"                     --min-df 2 or more, files and folders are read\n"
	"                     twice: a first pass finds the n-grams seen more than\n"
	"                     once, so that those seen once never use memory or\n"
	"                     temporary disk (the index is the same). Standard\n"
	"                     input, pipes and /proc files are always read once\n"
	"\n"
	"  -o, --output INDEX the index to write (required)\n"
	"  -q, --quiet        no progress and no summary\n"
	"  -h, --help         this help\n"
	"\n"
	"Bad input (malformed JSON line, unreadable file, invalid UTF-8, NUL bytes) is\n"
	"reported on stderr with its file and line or byte offset and counted in the\n"
	"summary; the document is skipped (invalid bytes only separate tokens).\n";

typedef struct ui {
	int quiet, tty;
	int phase;
	double start, last; /* of the phase; of the last line */
	uint64_t warnings;
	uint64_t total;     /* input bytes to read, 0 if unknown */
} ui;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void on_warn(void *ctx, const char *msg)
{
	ui *u = ctx;
	u->warnings++;
	if (u->quiet)
		return;
	if (u->tty)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "ngidx build: %s\n", msg);
}

static void on_progress(void *ctx, const ngidx_build_progress *p)
{
	ui *u = ctx;
	if (u->quiet || !u->tty)
		return;
	double t = now();
	int reading = p->phase == NGIDX_PHASE_INDEX || p->phase == NGIDX_PHASE_COUNT;
	if (p->phase != u->phase) {
		u->phase = p->phase;
		u->start = t;
	} else if (reading && t - u->last < 0.2) {
		return;
	}
	u->last = t;
	static const char *const phase[] = { "indexing", "merging", "writing", "counting" };
	double mb = (double)p->bytes / 1e6, rate = t > u->start ? mb / (t - u->start) : 0;
	fputs("\r\033[K", stderr);
	if (reading && u->total) {
		double f = (double)p->read / (double)u->total;
		int w = 30, k = (int)(f * w);
		if (k > w)
			k = w;
		fprintf(stderr, "[%.*s%*s] %3.0f%% ", k, "##############################", w - k, "",
		        f > 1 ? 100.0 : 100.0 * f);
	}
	fprintf(stderr, "%s: %llu documents, %.1f MB, %.1f MB/s", phase[p->phase < 4 ? p->phase : 0],
	        (unsigned long long)p->docs, mb, rate);
}

static void summary(const ngidx_build_stats *s)
{
	fprintf(stderr, "ngidx build: %llu documents, %llu tokens, %llu sentences\n",
	        (unsigned long long)s->docs, (unsigned long long)s->tokens,
	        (unsigned long long)s->sentences);
	fputs("  distinct n-grams in the lexicon:", stderr);
	for (int k = 0; k < 16; k++)
		if (s->terms_n[k])
			fprintf(stderr, " %d: %llu", k + 1, (unsigned long long)s->terms_n[k]);
	fputc('\n', stderr);
	if (s->actors)
		fprintf(stderr, "  actors: %llu in the dictionaries, %llu mentions\n",
		        (unsigned long long)s->actors, (unsigned long long)s->mentions);
	if (s->long_docs)
		fprintf(stderr, "  long documents: %llu, read in pieces\n",
		        (unsigned long long)s->long_docs);
	if (s->skipped_docs || s->skipped_files || s->bad_utf8_docs)
		fprintf(stderr, "  skipped: %llu documents, %llu files; %llu documents with invalid UTF-8\n",
		        (unsigned long long)s->skipped_docs, (unsigned long long)s->skipped_files,
		        (unsigned long long)s->bad_utf8_docs);
	double mb = (double)s->input_bytes / 1e6;
	fprintf(stderr, "  input %.1f MB, index %.1f MB, %llu runs of %.1f MB (%llu merges), %.2f s, %.1f MB/s\n",
	        mb, (double)s->index_bytes / 1e6, (unsigned long long)s->runs, (double)s->run_bytes / 1e6,
	        (unsigned long long)s->run_merges, s->seconds, s->seconds > 0 ? mb / s->seconds : 0.0);
	if (s->two_pass)
		fprintf(stderr, "  read twice: first pass %.2f s\n", s->first_pass_seconds);
}

int cmd_build(int argc, char **argv)
{
	enum { O_FORMAT = 256, O_TEXT, O_ID, O_DATE, O_STRICT, O_MAXN, O_MINDF, O_MINCOUNT, O_NOTEXT, O_TMP, O_ACTORS,
	       O_WINDOW, O_SINGLE };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "threads", required_argument, NULL, 't' },
		{ "memory", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "text-field", required_argument, NULL, O_TEXT },
		{ "id-field", required_argument, NULL, O_ID },
		{ "date-field", required_argument, NULL, O_DATE },
		{ "strict", no_argument, NULL, O_STRICT },
		{ "max-n", required_argument, NULL, O_MAXN },
		{ "min-df", required_argument, NULL, O_MINDF },
		{ "min-count", required_argument, NULL, O_MINCOUNT },
		{ "no-text", no_argument, NULL, O_NOTEXT },
		{ "tmp", required_argument, NULL, O_TMP },
		{ "actors", required_argument, NULL, O_ACTORS },
		{ "window", required_argument, NULL, O_WINDOW },
		{ "single-pass", no_argument, NULL, O_SINGLE },
		{ NULL, 0, NULL, 0 },
	};
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	ui u = { 0 };
	static const char *actors[64];
	int c;
	char *end;
	long v;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:t:m:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': o.output = optarg; break;
		case 't':
			v = strtol(optarg, &end, 10);
			if (*end || v < 0 || v > 1024)
				return cli_usage_error("build", usage_line, "--threads takes 0..1024, not '%s'", optarg);
			o.threads = (int)v;
			break;
		case 'm':
			if (ngidx_parse_size(optarg, &o.memory))
				return cli_usage_error("build", usage_line, "--memory takes a size such as 512M, not '%s'", optarg);
			break;
		case 'q': u.quiet = 1; break;
		case 'h': fputs(help, stdout); return EXIT_OK;
		case O_FORMAT:
			if (!strcmp(optarg, "text")) o.format = NGIDX_FORMAT_TEXT;
			else if (!strcmp(optarg, "lines")) o.format = NGIDX_FORMAT_LINES;
			else if (!strcmp(optarg, "jsonl")) o.format = NGIDX_FORMAT_JSONL;
			else return cli_usage_error("build", usage_line, "--format is text, lines or jsonl, not '%s'", optarg);
			break;
		case O_TEXT: o.text_field = optarg; break;
		case O_ID: o.id_field = optarg; break;
		case O_DATE: o.date_field = optarg; break;
		case O_STRICT: o.strict = 1; break;
		case O_MAXN:
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 16)
				return cli_usage_error("build", usage_line, "--max-n takes 1..16, not '%s'", optarg);
			o.max_n = (unsigned)v;
			break;
		case O_MINDF:
		case O_MINCOUNT: {
			uint64_t m;
			if (cli_parse_num(optarg, 1, INT_MAX, &m))
				return cli_usage_error("build", usage_line, "--%s takes a positive number, not '%s'",
				                       c == O_MINDF ? "min-df" : "min-count", optarg);
			*(c == O_MINDF ? &o.min_df : &o.min_count) = (uint32_t)m;
			break;
		}
		case O_NOTEXT: o.store_text = 0; break;
		case O_TMP: o.tmpdir = optarg; break;
		case O_SINGLE: o.single_pass = 1; break;
		case O_ACTORS:
			if (o.nactor_files == sizeof actors / sizeof *actors)
				return cli_usage_error("build", usage_line, "more than 64 --actors files");
			actors[o.nactor_files++] = optarg;
			break;
		case O_WINDOW:
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 1000)
				return cli_usage_error("build", usage_line, "--window takes 1..1000, not '%s'", optarg);
			o.window = (unsigned)v;
			break;
		default: return cli_usage_error("build", usage_line, "bad option");
		}
	}
	if (!o.output)
		return cli_usage_error("build", usage_line, "no output given (-o INDEX)");
	if (optind >= argc)
		return cli_usage_error("build", usage_line, "no input given");
	if (o.memory < (1u << 20))
		return cli_usage_error("build", usage_line, "--memory must be at least 1M");
	o.inputs = (const char *const *)(argv + optind);
	o.actor_files = actors;
	o.ninputs = (size_t)(argc - optind);
	u.tty = isatty(2);
	u.start = u.last = now();
	if (u.tty && !u.quiet && ngidx_input_size(o.inputs, o.ninputs, &u.total))
		u.total = 0; /* compressed or a stream: no percentage */
	o.warn = on_warn;
	o.warn_ctx = &u;
	o.progress = on_progress;
	o.progress_ctx = &u;
	ngidx_build_stats st;
	ngidx_error e = { 0 };
	int rc = ngidx_build(&o, &st, &e);
	if (u.tty && !u.quiet)
		fputs("\r\033[K", stderr);
	if (rc)
		return cli_fail("build", rc, &e);
	if (!u.quiet)
		summary(&st);
	return EXIT_OK;
}
