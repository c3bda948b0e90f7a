/*
 * cmd_cooc.c - `ngidx cooc INDEX ACTOR [ACTOR2]`: an actor's neighbours
 * with every association measure, or one pair at every level, or (--docs)
 * the documents where two actors meet.
 */
#include "cli.h"
#include "ngidx/actors.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char usage_line[] =
	"ngidx cooc [--level L] [--by MEASURE] [--k K] [--min-count C] [--from DATE]\n"
	"                  [--to DATE] [--where FIELD=VALUE]... [--docs] [--json] INDEX ACTOR [ACTOR2]";

static const char help[] =
	"usage: ngidx cooc [options] INDEX ACTOR [ACTOR2]\n"
	"\n"
	"With one ACTOR: the actors that co-occur with it at --level, with the\n"
	"contingency counts and every association measure, sorted by --by (highest\n"
	"first; ties by dictionary order). With two: the pair at every level (or\n"
	"only --level), and with --docs the documents where they meet at that level\n"
	"(default doc) with the count in each. ACTOR is an actor id (with or without\n"
	"a leading @) or any of its aliases (\"kim jong-un\").\n"
	"\n"
	"Levels: doc (documents mentioning both), sentence (sentences mentioning both),\n"
	"window (pairs of mentions whose first tokens are at most K tokens apart, K\n"
	"from build --window). Columns: actor, neighbor, name, type, count (O11),\n"
	"r1 and c1 (units mentioning each actor; window: their mentions), n (units:\n"
	"documents, sentences or corpus tokens), then expected, pmi, mi3, tscore,\n"
	"zscore, ll, chi2, dice, logdice, jaccard, logratio (README \"Measures\").\n"
	"\n"
	"options:\n"
	"  --level L        doc, sentence or window (default doc)\n"
	"  --by MEASURE     sort key: count (default) or a measure name\n"
	"  --k K            at most K neighbours or documents (default 20\n"
	"                   neighbours, all documents; 0 = all)\n"
	"  --min-count C    only neighbours with count >= C (default 1)\n"
	"  --from DATE      count only documents dated DATE or later (YYYY, YYYY-MM,\n"
	"                   YYYY-MM-DD); undated documents are then left out\n"
	"  --to DATE        ... dated DATE or earlier (a year or month is whole)\n"
	"  --where F=V      count only documents whose metadata F is exactly V\n"
	"                   (repeatable: all must hold)\n"
	"  --docs           with two actors: the documents where they meet\n"
	"  --json           JSON Lines instead of TSV\n"
	"  -h, --help       this help\n";

static const char *const pair_cols[] = { "actor", "neighbor", "name", "type", "count", "r1", "c1", "n" };
static const char *const level_cols[] = { "level", "actor", "neighbor", "count", "r1", "c1", "n" };

/* Resolve an actor operand; @return exit code. */
static int resolve(const ngidx_index *idx, const char *s, uint32_t *a)
{
	int r = ngidx_actor_find(idx, s, strlen(s), a);
	if (r < 0)
		return cli_fail("cooc", -r, NULL);
	if (!r) {
		cli_error("cooc", "no actor '%s' (ngidx actors INDEX --aliases lists them)", s);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static void header(int json, const char *const *first, size_t nfirst)
{
	const char *cols[24];
	size_t n = 0;
	for (size_t i = 0; i < nfirst; i++)
		cols[n++] = first[i];
	for (int m = NGIDX_M_EXPECTED; m < NGIDX_M_COUNT_; m++)
		cols[n++] = ngidx_measure_name((ngidx_measure)m);
	cli_header(stdout, json, cols, n);
}

static void put_actor(cli_row *r, const ngidx_index *idx, const char *key, uint32_t a, int details)
{
	ngidx_actor x;
	if (ngidx_actor_get(idx, a, &x, NULL))
		memset(&x, 0, sizeof x);
	cli_row_str(r, key, x.id, x.id_len);
	if (details) {
		cli_row_str(r, "name", x.name, x.name_len);
		cli_row_str(r, "type", x.type, x.type_len);
	}
}

static void put_cell(cli_row *r, const ngidx_cell *c)
{
	double v[NGIDX_M_COUNT_];
	ngidx_measures_all(c, v);
	cli_row_u64(r, "count", c->o11);
	cli_row_u64(r, "r1", c->r1);
	cli_row_u64(r, "c1", c->c1);
	cli_row_u64(r, "n", c->n);
	for (int m = NGIDX_M_EXPECTED; m < NGIDX_M_COUNT_; m++)
		cli_row_f64(r, ngidx_measure_name((ngidx_measure)m), v[m]);
}

typedef struct ranked {
	ngidx_neighbor nb;
	double key;
} ranked;

static int by_key(const void *x, const void *y)
{
	const ranked *a = x, *b = y;
	/* NAN last */
	int an = isnan(a->key), bn = isnan(b->key);
	if (an != bn)
		return an - bn;
	if (!an && a->key != b->key)
		return a->key > b->key ? -1 : 1;
	return (a->nb.actor > b->nb.actor) - (a->nb.actor < b->nb.actor);
}

static int neighbours(const ngidx_index *idx, uint32_t a, ngidx_level level, ngidx_measure by,
                      uint64_t k, uint64_t min_count, const ngidx_filter *f, int json)
{
	ngidx_neighbor *v;
	size_t n;
	ngidx_error e = { 0 };
	int rc = ngidx_cooc_neighbors(idx, level, a, f, &v, &n, &e);
	if (rc)
		return cli_fail("cooc", rc, &e);
	ranked *r = xmalloc((n ? n : 1) * sizeof *r);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].cell.o11 < min_count)
			continue;
		r[m].nb = v[i];
		r[m++].key = ngidx_measure_value(&v[i].cell, by);
	}
	ngidx_buffer_free(v);
	qsort(r, m, sizeof *r, by_key);
	header(json, pair_cols, 8);
	for (size_t i = 0; i < m && (!k || i < k); i++) {
		cli_row row;
		cli_row_begin(&row, stdout, json);
		put_actor(&row, idx, "actor", a, 0);
		put_actor(&row, idx, "neighbor", r[i].nb.actor, 1);
		put_cell(&row, &r[i].nb.cell);
		cli_row_end(&row);
	}
	free(r);
	return EXIT_OK;
}

static int pair(const ngidx_index *idx, uint32_t a, uint32_t b, int level, const ngidx_filter *f,
                int json)
{
	header(json, level_cols, 7);
	for (int l = 0; l < 3; l++) {
		if (level >= 0 && l != level)
			continue;
		ngidx_cell c;
		ngidx_error e = { 0 };
		int rc = ngidx_cooc_cell(idx, (ngidx_level)l, a, b, f, &c, &e);
		if (rc)
			return cli_fail("cooc", rc, &e);
		cli_row row;
		cli_row_begin(&row, stdout, json);
		const char *ln = ngidx_level_name((ngidx_level)l);
		cli_row_str(&row, "level", ln, strlen(ln));
		put_actor(&row, idx, "actor", a, 0);
		put_actor(&row, idx, "neighbor", b, 0);
		put_cell(&row, &c);
		cli_row_end(&row);
	}
	return EXIT_OK;
}

/* The documents where @a and @b meet at @level, in range. */
static int pair_docs(const ngidx_index *idx, uint32_t a, uint32_t b, ngidx_level level,
                     const ngidx_filter *f, uint64_t k, int json)
{
	static const char *const cols[] = { "doc", "name", "date", "count" };
	cli_header(stdout, json, cols, 4);
	ngidx_term t;
	int found = ngidx_pair_term(idx, level, a, b, &t);
	if (found < 0)
		return cli_fail("cooc", -found, NULL);
	if (!found)
		return EXIT_OK;
	ngidx_postings *p;
	ngidx_error e = { 0 };
	int rc = ngidx_postings_open(idx, t.id, &p, &e);
	if (rc)
		return cli_fail("cooc", rc, &e);
	uint64_t shown = 0;
	int r = 0; /* always set by the first test (k is 0 or shown < k); for -fanalyzer */
	while ((!k || shown < k) && (r = ngidx_postings_next(p, &e)) > 0) {
		ngidx_doc d;
		if ((rc = ngidx_doc_get(idx, ngidx_postings_doc(p), &d, &e)))
			break;
		if ((f->from || f->to) && (!d.date || d.date < f->from || (f->to && d.date > f->to)))
			continue;
		if (f->subset && !ngidx_subset_has(f->subset, d.id))
			continue;
		char date[16];
		cli_row row;
		cli_row_begin(&row, stdout, json);
		cli_row_u64(&row, "doc", d.id);
		cli_row_str(&row, "name", d.name, d.name_len);
		cli_row_str(&row, "date", date, cli_format_date(d.date, date, sizeof date));
		cli_row_u64(&row, "count", ngidx_postings_tf(p));
		cli_row_end(&row);
		shown++;
	}
	if (!rc && r < 0)
		rc = -r;
	ngidx_postings_free(p);
	return rc ? cli_fail("cooc", rc, &e) : EXIT_OK;
}

int cmd_cooc(int argc, char **argv)
{
	enum { O_LEVEL = 256, O_BY, O_K, O_MIN, O_FROM, O_TO, O_DOCS, O_JSON, O_WHERE };
	static const struct option opts[] = {
		{ "level", required_argument, NULL, O_LEVEL },
		{ "by", required_argument, NULL, O_BY },
		{ "k", required_argument, NULL, O_K },
		{ "min-count", required_argument, NULL, O_MIN },
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "where", required_argument, NULL, O_WHERE },
		{ "docs", no_argument, NULL, O_DOCS },
		{ "json", no_argument, NULL, O_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int level = -1, docs = 0, json = 0, c;
	ngidx_measure by = NGIDX_M_COUNT;
	uint64_t k = UINT64_MAX, min_count = 1; /* k: unset */
	const char *from = NULL, *to = NULL;
	cli_where w = { .len = 0 };
	ngidx_subset *sub = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		ngidx_level l;
		switch (c) {
		case O_LEVEL:
			if (ngidx_level_parse(optarg, &l))
				return cli_usage_error("cooc", usage_line, "--level is doc, sentence or window, not '%s'", optarg);
			level = (int)l;
			break;
		case O_BY:
			if (ngidx_measure_parse(optarg, &by))
				return cli_usage_error("cooc", usage_line, "--by takes a measure name (see --help), not '%s'", optarg);
			break;
		case O_K:
			if (cli_parse_num(optarg, 0, UINT64_MAX, &k))
				return cli_usage_error("cooc", usage_line, "--k takes a number, not '%s'", optarg);
			break;
		case O_MIN:
			if (cli_parse_num(optarg, 0, UINT64_MAX, &min_count))
				return cli_usage_error("cooc", usage_line, "--min-count takes a number, not '%s'", optarg);
			break;
		case O_FROM: from = optarg; break;
		case O_TO: to = optarg; break;
		case O_WHERE:
			if ((c = cli_where_add(&w, "cooc", usage_line, optarg)) >= 0)
				return c;
			break;
		case O_DOCS: docs = 1; break;
		case O_JSON: json = 1; break;
		case 'h': fputs(help, stdout); return EXIT_OK;
		default: return cli_usage_error("cooc", usage_line, "bad option");
		}
	}
	int nops = argc - optind;
	if (nops < 2)
		return cli_usage_error("cooc", usage_line, nops ? "no actor given" : "no index given");
	if (nops > 3)
		return cli_usage_error("cooc", usage_line, "unexpected argument '%s'", argv[optind + 3]);
	if (docs && nops != 3)
		return cli_usage_error("cooc", usage_line, "--docs needs two actors");
	ngidx_filter f;
	ngidx_error e = { 0 };
	if (ngidx_filter_dates(&f, from, to, &e))
		return cli_usage_error("cooc", usage_line, "%s", e.msg);
	ngidx_index *idx;
	int rc = cli_open_index("cooc", argv[optind], &idx);
	if (!rc && (rc = cli_where_open(&w, "cooc", usage_line, idx, &sub)))
		ngidx_index_free(idx);
	if (rc)
		return rc;
	f.subset = sub;
	uint32_t a, b = 0;
	if (!ngidx_actor_window(idx)) {
		cli_error("cooc", "'%s' has no actors (build it with --actors FILE)", argv[optind]);
		rc = EXIT_USAGE;
	}
	if (!rc)
		rc = resolve(idx, argv[optind + 1], &a);
	if (!rc && nops == 3)
		rc = resolve(idx, argv[optind + 2], &b);
	if (!rc && nops == 3 && a == b) {
		cli_error("cooc", "'%s' and '%s' are the same actor", argv[optind + 1], argv[optind + 2]);
		rc = EXIT_USAGE;
	}
	if (!rc) {
		if (docs)
			rc = pair_docs(idx, a, b, level < 0 ? NGIDX_LEVEL_DOC : (ngidx_level)level, &f,
			               k == UINT64_MAX ? 0 : k, json);
		else if (nops == 3)
			rc = pair(idx, a, b, level, &f, json);
		else
			rc = neighbours(idx, a, level < 0 ? NGIDX_LEVEL_DOC : (ngidx_level)level, by,
			                k == UINT64_MAX ? 20 : k,
			                min_count, &f, json);
	}
	ngidx_subset_free(sub);
	ngidx_index_free(idx);
	int fl = cli_flush("cooc");
	return rc ? rc : fl;
}
