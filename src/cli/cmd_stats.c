/*
 * cmd_stats.c - `ngidx stats INDEX`.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage_line[] = "ngidx stats [--json] INDEX";

static const char help[] =
	"usage: ngidx stats [--json] INDEX\n"
	"\n"
	"Describe an index: format and analyzer, build options, documents, tokens,\n"
	"sentences, distinct n-grams and occurrences by n, input and file bytes, the\n"
	"size of every section, and bits per posting.\n"
	"TSV columns: key, value (one row per figure). With --json, one object.\n"
	"\n"
	"options:\n"
	"  --json     one JSON object instead of TSV\n"
	"  -h, --help this help\n";

static void kv(cli_row *r, int json, const char *key, uint64_t v)
{
	if (json) {
		cli_row_u64(r, key, v);
		return;
	}
	printf("%s\t%llu\n", key, (unsigned long long)v);
}

int cmd_stats(int argc, char **argv)
{
	int json;
	int rc_opt = cli_json_opts(argc, argv, "stats", usage_line, help, &json);
	if (rc_opt >= 0)
		return rc_opt;
	if (optind + 1 != argc)
		return cli_usage_error("stats", usage_line, "give exactly one index");
	ngidx_index *idx;
	int rc = cli_open_index("stats", argv[optind], &idx);
	if (rc)
		return rc;
	ngidx_index_info in;
	ngidx_index_get_info(idx, &in);
	cli_row r;
	if (json)
		cli_row_begin(&r, stdout, 1);
	else
		printf("key\tvalue\n");
	kv(&r, json, "format_major", in.format_major);
	kv(&r, json, "format_minor", in.format_minor);
	kv(&r, json, "analyzer", in.analyzer_id);
	kv(&r, json, "max_n", in.max_n);
	kv(&r, json, "min_df", in.min_df);
	kv(&r, json, "min_count", in.min_count);
	kv(&r, json, "has_text", (uint64_t)in.has_text);
	kv(&r, json, "documents", in.docs);
	kv(&r, json, "tokens", in.tokens);
	kv(&r, json, "sentences", in.sentences);
	kv(&r, json, "ngrams", in.terms);
	char key[64];
	for (unsigned k = 0; k < in.max_n; k++) {
		snprintf(key, sizeof key, "ngrams_%u", k + 1);
		kv(&r, json, key, in.terms_n[k]);
		snprintf(key, sizeof key, "occurrences_%u", k + 1);
		kv(&r, json, key, in.occurrences_n[k]);
	}
	kv(&r, json, "input_bytes", in.input_bytes);
	kv(&r, json, "file_bytes", in.file_bytes);
	ngidx_section_info s;
	uint64_t post_bytes = 0;
	for (size_t i = 0; ngidx_index_section(idx, i, &s) == 0; i++) {
		snprintf(key, sizeof key, "section_%s_bytes", s.name);
		kv(&r, json, key, s.length);
		if (!strcmp(s.name, "postings"))
			post_bytes = s.length;
	}
	/* Postings: one per (n-gram, document); positions add one per token. */
	ngidx_postings_size ps;
	ngidx_error e;
	if (ngidx_index_postings_size(idx, &ps, &e) != NGIDX_OK) {
		ngidx_index_free(idx);
		return cli_fail("stats", e.code, &e);
	}
	uint64_t postings = ps.postings;
	double per = postings ? 8.0 / (double)postings : 0;
	double packed = ps.packed_postings ? 8.0 * (double)ps.packed_id_bytes / (double)ps.packed_postings : 0;
	kv(&r, json, "postings", postings);
	if (json) {
		cli_row_f64(&r, "bits_per_posting", per * (double)post_bytes);
		cli_row_f64(&r, "id_bits_per_posting", per * (double)ps.id_bytes);
		cli_row_f64(&r, "skip_bits_per_posting", per * (double)ps.skip_bytes);
		cli_row_f64(&r, "packed_id_bits_per_posting", packed);
		cli_row_end(&r);
	} else {
		printf("bits_per_posting\t%.3f\n", per * (double)post_bytes);
		printf("id_bits_per_posting\t%.3f\n", per * (double)ps.id_bytes);
		printf("skip_bits_per_posting\t%.3f\n", per * (double)ps.skip_bytes);
		printf("packed_id_bits_per_posting\t%.3f\n", packed);
	}
	ngidx_index_free(idx);
	return EXIT_OK;
}
