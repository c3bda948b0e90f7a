/*
 * cmd_keyness.c - `ngidx keyness INDEX --target FILTER`: the n-grams (or,
 * with --actors, the actors) that set a subcorpus apart from a reference
 * (ngidx/keyness.h).
 */
#include "cli.h"
#include "ngidx/actors.h"
#include "ngidx/keyness.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_line[] =
	"ngidx keyness --target FILTER [--reference FILTER | --reference-index OTHER]\n"
	"                  [--n N | --actors] [--k K] [--by llr|logratio] [--min-count C] [--json]\n"
	"                  INDEX";

static const char help[] =
	"usage: ngidx keyness [options] --target FILTER INDEX\n"
	"\n"
	"The n-grams (with --actors, the actors) most over-represented in the target\n"
	"subcorpus relative to the reference (default: every other document of\n"
	"INDEX), then those most under-represented. FILTER is a comma-separated\n"
	"list of conditions, all of which a document must meet: date=D (a year,\n"
	"month or day: YYYY, YYYY-MM, YYYY-MM-DD), date=D1..D2 (either side may be\n"
	"left empty), FIELD=VALUE (a metadata field of JSON Lines input); \"*\" is\n"
	"every document.\n"
	"\n"
	"For each n-gram: a and b its occurrences in the target and the reference,\n"
	"T1 and T2 their tokens. G2 (log-likelihood, signed: > 0 when a/T1 > b/T2)\n"
	"and Log Ratio = log2((a/T1) / (b/T2)) (0.5 for a zero count) come from the\n"
	"2x2 table of occurrences against the other tokens of each side (README\n"
	"\"Measures\"). A row is significant when |G2| exceeds the chi-square (1 df)\n"
	"critical value at 0.05/m, m the number of n-grams compared (Bonferroni);\n"
	"the summary on stderr gives m and the threshold.\n"
	"\n"
	"Columns: favours (target or reference), ngram, n, target, reference (the\n"
	"occurrences), target_per_million, reference_per_million, ll, logratio,\n"
	"significant (1 or 0). Each side is sorted by |--by| descending, then text.\n"
	"\n"
	"With --actors (an index built with --actors), a and b are an actor's\n"
	"mentions on each side, against the same token totals, and m counts the\n"
	"actors compared; across two indexes an actor is matched by its id. The\n"
	"columns ngram and n become id, name and type (as in ngidx actors).\n"
	"\n"
	"options:\n"
	"  --target FILTER          the subcorpus to characterise (required)\n"
	"  --reference FILTER       the subcorpus to compare with (default: the rest)\n"
	"  --reference-index OTHER  compare with the documents of another index (built\n"
	"                           with the same analyzer); --reference then filters it\n"
	"  --n N                    n-gram length (default 1)\n"
	"  --actors                 compare actor mentions instead of n-grams\n"
	"  --k K                    rows per side (default 20)\n"
	"  --by llr|logratio        ranking (default llr)\n"
	"  --min-count C            n-grams (actors) seen at least C times on both sides\n"
	"                           together (default 5). An index built with\n"
	"                           --min-count B lacks rarer n-grams of 2+ tokens:\n"
	"                           below B (B1 + B2 - 1 across two indexes) rows\n"
	"                           may be missing, and a note on stderr says so\n"
	"  --json                   JSON Lines instead of TSV\n"
	"  -h, --help               this help\n";

static int subset(const char *what, ngidx_index *idx, const char *spec, ngidx_subset **out)
{
	ngidx_error e = { 0 };
	int rc = ngidx_subset_parse(idx, spec, out, &e);
	if (rc == NGIDX_ERR_ARG)
		return cli_usage_error("keyness", usage_line, "%s: %s", what, e.msg);
	return rc ? cli_fail("keyness", rc, &e) : EXIT_OK;
}

/* The columns that name a row: the n-gram, or the actor. */
static void row_name(cli_row *row, const ngidx_key_row *x, int actors)
{
	if (!actors) {
		cli_row_str(row, "ngram", x->ngram, x->len);
		cli_row_u64(row, "n", x->n);
		return;
	}
	cli_row_str(row, "id", x->ngram, x->len);
	cli_row_str(row, "name", x->name, x->name_len);
	cli_row_str(row, "type", x->type, x->type_len);
}

static void rows_out(const ngidx_keyness_result *r, int json, int actors)
{
	static const char *const cols[] = { "favours", "ngram", "n", "target", "reference",
		                            "target_per_million", "reference_per_million", "ll",
		                            "logratio", "significant" };
	static const char *const acols[] = { "favours", "id", "name", "type", "target", "reference",
		                             "target_per_million", "reference_per_million", "ll",
		                             "logratio", "significant" };
	cli_header(stdout, json, actors ? acols : cols, actors ? 11 : 10);
	for (size_t i = 0; i < r->nrows; i++) {
		const ngidx_key_row *x = &r->rows[i];
		const char *side = i < r->ntarget ? "target" : "reference";
		cli_row row;
		cli_row_begin(&row, stdout, json);
		cli_row_str(&row, "favours", side, strlen(side));
		row_name(&row, x, actors);
		cli_row_u64(&row, "target", x->target);
		cli_row_u64(&row, "reference", x->reference);
		cli_row_f64(&row, "target_per_million",
		            r->target_tokens ? 1e6 * (double)x->target / (double)r->target_tokens : 0);
		cli_row_f64(&row, "reference_per_million",
		            r->reference_tokens ? 1e6 * (double)x->reference / (double)r->reference_tokens : 0);
		cli_row_f64(&row, "ll", x->ll);
		cli_row_f64(&row, "logratio", x->logratio);
		cli_row_u64(&row, "significant", (uint64_t)x->significant);
		cli_row_end(&row);
	}
}

/* An index without actors cannot answer --actors: say so, exit 2. */
static int need_actors(const ngidx_index *idx, const char *path)
{
	if (ngidx_actor_count(idx) || ngidx_actor_window(idx))
		return EXIT_OK;
	cli_error("keyness", "'%s' has no actors (build it with --actors FILE)", path);
	return EXIT_USAGE;
}

/* Rows that the lexicons may lack: an n-gram of 2+ tokens seen fewer than
 * an index's --min-count times (or in fewer than --min-df documents) has
 * no entry there, so keyness can only find it through the other index. */
static void pruning_note(const ngidx_index *idx, const ngidx_index *ref, uint64_t min_count)
{
	ngidx_index_info a, b;
	ngidx_index_get_info(idx, &a);
	if (ref)
		ngidx_index_get_info(ref, &b);
	uint64_t need = ref ? (uint64_t)a.min_count + b.min_count - 1 : a.min_count;
	if (a.min_df > 1 || (ref && b.min_df > 1))
		fprintf(stderr, "ngidx keyness: note: the index was built with --min-df: n-grams found in "
		                "fewer documents are not compared\n");
	else if (min_count < need)
		fprintf(stderr, "ngidx keyness: note: rarer n-grams are not in the lexicon (build "
		                "--min-count): rows are complete from --min-count %llu\n",
		        (unsigned long long)need);
}

int cmd_keyness(int argc, char **argv)
{
	enum { O_TARGET = 256, O_REF, O_REFIDX, O_N, O_K, O_BY, O_MIN, O_JSON, O_ACTORS };
	static const struct option opts[] = {
		{ "target", required_argument, NULL, O_TARGET },
		{ "reference", required_argument, NULL, O_REF },
		{ "reference-index", required_argument, NULL, O_REFIDX },
		{ "n", required_argument, NULL, O_N },
		{ "actors", no_argument, NULL, O_ACTORS },
		{ "k", required_argument, NULL, O_K },
		{ "by", required_argument, NULL, O_BY },
		{ "min-count", required_argument, NULL, O_MIN },
		{ "json", no_argument, NULL, O_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ngidx_keyness_opts o;
	ngidx_keyness_opts_init(&o);
	const char *target = NULL, *reference = NULL, *refidx = NULL;
	int json = 0, has_n = 0, c;
	uint64_t v;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_TARGET: target = optarg; break;
		case O_REF: reference = optarg; break;
		case O_REFIDX: refidx = optarg; break;
		case O_N:
			if (cli_parse_num(optarg, 1, 16, &v))
				return cli_usage_error("keyness", usage_line, "--n takes 1..16, not '%s'", optarg);
			o.n = (unsigned)v;
			has_n = 1;
			break;
		case O_ACTORS: o.actors = 1; break;
		case O_K:
			if (cli_parse_num(optarg, 1, UINT32_MAX, &v))
				return cli_usage_error("keyness", usage_line, "--k takes a positive number, not '%s'", optarg);
			o.k = (size_t)v;
			break;
		case O_BY:
			if (!strcmp(optarg, "llr") || !strcmp(optarg, "ll") || !strcmp(optarg, "g2"))
				o.by_logratio = 0;
			else if (!strcmp(optarg, "logratio"))
				o.by_logratio = 1;
			else
				return cli_usage_error("keyness", usage_line, "--by is llr or logratio, not '%s'", optarg);
			break;
		case O_MIN:
			if (cli_parse_num(optarg, 1, UINT64_MAX, &o.min_count))
				return cli_usage_error("keyness", usage_line, "--min-count takes a positive number, not '%s'", optarg);
			break;
		case O_JSON: json = 1; break;
		case 'h': fputs(help, stdout); return EXIT_OK;
		default: return cli_usage_error("keyness", usage_line, "bad option");
		}
	}
	if (!target)
		return cli_usage_error("keyness", usage_line, "--target FILTER is required");
	if (optind >= argc)
		return cli_usage_error("keyness", usage_line, "no index given");
	if (optind + 1 < argc)
		return cli_usage_error("keyness", usage_line, "unexpected argument '%s'", argv[optind + 1]);
	if (has_n && o.actors)
		return cli_usage_error("keyness", usage_line, "--n does not apply to --actors");
	ngidx_index *idx = NULL, *ref = NULL;
	ngidx_subset *st = NULL, *sr = NULL;
	int rc = cli_open_index("keyness", argv[optind], &idx);
	if (!rc && refidx)
		rc = cli_open_index("keyness", refidx, &ref);
	if (!rc && o.actors)
		rc = need_actors(idx, argv[optind]);
	if (!rc && o.actors && ref)
		rc = need_actors(ref, refidx);
	if (!rc)
		rc = subset("--target", idx, target, &st);
	if (!rc && reference)
		rc = subset("--reference", ref ? ref : idx, reference, &sr);
	ngidx_keyness_result r;
	ngidx_error e = { 0 };
	if (!rc) {
		int st_rc = ngidx_keyness(idx, st, ref, sr, &o, &r, &e);
		if (st_rc == NGIDX_ERR_ARG)
			rc = cli_usage_error("keyness", usage_line, "%s", e.msg);
		else if (st_rc)
			rc = cli_fail("keyness", st_rc, &e);
	}
	if (!rc && !o.actors && o.n >= 2)
		pruning_note(idx, ref, o.min_count);
	if (!rc && (!r.target_tokens || !r.reference_tokens))
		fprintf(stderr, "ngidx keyness: the %s holds no token: nothing to compare\n",
		        !r.target_tokens ? "target" : "reference");
	if (!rc) {
		fprintf(stderr, "ngidx keyness: target %llu documents, %llu tokens; reference %llu tokens; "
		                "%llu %s compared; significant: |G2| > %.2f (p < 0.05 / %llu)\n",
		        (unsigned long long)ngidx_subset_docs(st), (unsigned long long)r.target_tokens,
		        (unsigned long long)r.reference_tokens, (unsigned long long)r.tested,
		        o.actors ? "actors" : "n-grams", r.threshold, (unsigned long long)r.tested);
		rows_out(&r, json, o.actors);
		ngidx_keyness_result_release(&r);
		rc = cli_flush("keyness");
	}
	ngidx_subset_free(st);
	ngidx_subset_free(sr);
	ngidx_index_free(ref);
	ngidx_index_free(idx);
	return rc;
}
