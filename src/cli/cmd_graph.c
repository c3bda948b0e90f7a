/*
 * cmd_graph.c - `ngidx graph INDEX`: the co-occurrence network of the
 * actors as TSV edges, GraphML, GEXF or Graphviz DOT.
 */
#include "cli.h"
#include "ngidx/actors.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char usage_line[] =
	"ngidx graph [--level L] [--min-count C] [--by MEASURE] [--from DATE] [--to DATE] [--where F=V]...\n"
	"                   [--format tsv|graphml|gexf|dot] [--json] INDEX";

static const char help[] =
	"usage: ngidx graph [options] INDEX\n"
	"\n"
	"Write the actor network: nodes are the actors mentioned at least once (id,\n"
	"name, type, occurrences), edges join actors that co-occur at --level at\n"
	"least --min-count times, with the count and the --by measure as weight\n"
	"(README \"Measures\"). TSV (default) and JSON Lines list the edges, source\n"
	"before target in dictionary order: source, target, count, and the measure\n"
	"(a column named after it) unless --by is count. GraphML and GEXF load in\n"
	"Gephi, networkx and igraph; DOT in Graphviz. Edges are undirected.\n"
	"\n"
	"options:\n"
	"  --level L        doc, sentence or window (default doc)\n"
	"  --min-count C    keep edges with count >= C (default 1)\n"
	"  --by MEASURE     edge weight: count (default) or a measure name\n"
	"  --from DATE      count only documents dated DATE or later\n"
	"  --to DATE        count only documents dated DATE or earlier\n"
	"  --where F=V      count only documents whose metadata F is exactly V\n"
	"                   (repeatable: all must hold)\n"
	"  --format F       tsv (default), graphml, gexf or dot\n"
	"  --json           JSON Lines edges (with --format tsv)\n"
	"  -h, --help       this help\n";

enum { F_TSV, F_GRAPHML, F_GEXF, F_DOT };

typedef struct edge {
	uint32_t a, b;
	uint64_t count;
	double weight;
} edge;

typedef struct node {
	ngidx_actor x;
	uint64_t occurrences; /* in the date range */
} node;

/* Text escaped for XML attributes and content. */
static void xml_str(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': fputs("&amp;", stdout); break;
		case '<': fputs("&lt;", stdout); break;
		case '>': fputs("&gt;", stdout); break;
		case '"': fputs("&quot;", stdout); break;
		default:
			/* control characters are not allowed in XML 1.0 */
			if ((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\n')
				fputc(' ', stdout);
			else
				fputc(s[i], stdout);
		}
	}
}

/* Text escaped for a DOT quoted string. */
static void dot_str(const char *s, size_t n)
{
	fputc('"', stdout);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			fputc('\\', stdout);
		fputc(s[i] == '\n' ? ' ' : s[i], stdout);
	}
	fputc('"', stdout);
}

/* A double as XML Schema / DOT accept it. */
static void num(double v)
{
	if (isnan(v))
		fputs("NaN", stdout);
	else if (isinf(v))
		fputs(v > 0 ? "INF" : "-INF", stdout);
	else
		printf("%.6g", v);
}

static void write_tsv(const node *nodes, const edge *e, size_t ne, ngidx_measure by, int json)
{
	const char *cols[4] = { "source", "target", "count", ngidx_measure_name(by) };
	cli_header(stdout, json, cols, by == NGIDX_M_COUNT ? 3 : 4);
	for (size_t i = 0; i < ne; i++) {
		const ngidx_actor *a = &nodes[e[i].a].x, *b = &nodes[e[i].b].x;
		cli_row r;
		cli_row_begin(&r, stdout, json);
		cli_row_str(&r, "source", a->id, a->id_len);
		cli_row_str(&r, "target", b->id, b->id_len);
		cli_row_u64(&r, "count", e[i].count);
		if (by != NGIDX_M_COUNT)
			cli_row_f64(&r, cols[3], e[i].weight);
		cli_row_end(&r);
	}
}

static void write_graphml(const node *nodes, size_t nn, const edge *e, size_t ne, const char *mname)
{
	printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	       "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
	       "  <key id=\"name\" for=\"node\" attr.name=\"name\" attr.type=\"string\"/>\n"
	       "  <key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n"
	       "  <key id=\"occurrences\" for=\"node\" attr.name=\"occurrences\" attr.type=\"long\"/>\n"
	       "  <key id=\"count\" for=\"edge\" attr.name=\"count\" attr.type=\"long\"/>\n"
	       "  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n"
	       "  <graph id=\"actors\" edgedefault=\"undirected\">\n"
	       "    <desc>edge weight: %s</desc>\n", mname);
	for (size_t i = 0; i < nn; i++) {
		const ngidx_actor *a = &nodes[i].x;
		if (!nodes[i].occurrences)
			continue;
		fputs("    <node id=\"", stdout);
		xml_str(a->id, a->id_len);
		fputs("\"><data key=\"name\">", stdout);
		xml_str(a->name, a->name_len);
		fputs("</data><data key=\"type\">", stdout);
		xml_str(a->type, a->type_len);
		printf("</data><data key=\"occurrences\">%llu</data></node>\n",
		       (unsigned long long)nodes[i].occurrences);
	}
	for (size_t i = 0; i < ne; i++) {
		fputs("    <edge source=\"", stdout);
		xml_str(nodes[e[i].a].x.id, nodes[e[i].a].x.id_len);
		fputs("\" target=\"", stdout);
		xml_str(nodes[e[i].b].x.id, nodes[e[i].b].x.id_len);
		printf("\"><data key=\"count\">%llu</data><data key=\"weight\">",
		       (unsigned long long)e[i].count);
		num(e[i].weight);
		fputs("</data></edge>\n", stdout);
	}
	fputs("  </graph>\n</graphml>\n", stdout);
}

static void write_gexf(const node *nodes, size_t nn, const edge *e, size_t ne, const char *mname)
{
	printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	       "<gexf xmlns=\"http://gexf.net/1.3\" version=\"1.3\">\n"
	       "  <meta><creator>ngidx</creator><description>actor co-occurrence; edge weight: %s"
	       "</description></meta>\n"
	       "  <graph mode=\"static\" defaultedgetype=\"undirected\">\n"
	       "    <attributes class=\"node\">\n"
	       "      <attribute id=\"type\" title=\"type\" type=\"string\"/>\n"
	       "      <attribute id=\"occurrences\" title=\"occurrences\" type=\"long\"/>\n"
	       "    </attributes>\n"
	       "    <attributes class=\"edge\">\n"
	       "      <attribute id=\"count\" title=\"count\" type=\"long\"/>\n"
	       "    </attributes>\n"
	       "    <nodes>\n", mname);
	for (size_t i = 0; i < nn; i++) {
		const ngidx_actor *a = &nodes[i].x;
		if (!nodes[i].occurrences)
			continue;
		fputs("      <node id=\"", stdout);
		xml_str(a->id, a->id_len);
		fputs("\" label=\"", stdout);
		xml_str(a->name, a->name_len);
		fputs("\"><attvalues><attvalue for=\"type\" value=\"", stdout);
		xml_str(a->type, a->type_len);
		printf("\"/><attvalue for=\"occurrences\" value=\"%llu\"/></attvalues></node>\n",
		       (unsigned long long)nodes[i].occurrences);
	}
	fputs("    </nodes>\n    <edges>\n", stdout);
	for (size_t i = 0; i < ne; i++) {
		printf("      <edge id=\"%zu\" source=\"", i);
		xml_str(nodes[e[i].a].x.id, nodes[e[i].a].x.id_len);
		fputs("\" target=\"", stdout);
		xml_str(nodes[e[i].b].x.id, nodes[e[i].b].x.id_len);
		fputs("\"", stdout);
		if (isfinite(e[i].weight)) { /* GEXF weights are plain doubles */
			fputs(" weight=\"", stdout);
			num(e[i].weight);
			fputs("\"", stdout);
		}
		printf("><attvalues><attvalue for=\"count\" value=\"%llu\"/></attvalues></edge>\n",
		       (unsigned long long)e[i].count);
	}
	fputs("    </edges>\n  </graph>\n</gexf>\n", stdout);
}

static void write_dot(const node *nodes, size_t nn, const edge *e, size_t ne, const char *mname)
{
	printf("graph actors {\n  // edge weight: %s\n", mname);
	for (size_t i = 0; i < nn; i++) {
		const ngidx_actor *a = &nodes[i].x;
		if (!nodes[i].occurrences)
			continue;
		fputs("  ", stdout);
		dot_str(a->id, a->id_len);
		fputs(" [label=", stdout);
		dot_str(a->name, a->name_len);
		fputs(", type=", stdout);
		dot_str(a->type, a->type_len);
		printf(", occurrences=%llu];\n", (unsigned long long)nodes[i].occurrences);
	}
	for (size_t i = 0; i < ne; i++) {
		fputs("  ", stdout);
		dot_str(nodes[e[i].a].x.id, nodes[e[i].a].x.id_len);
		fputs(" -- ", stdout);
		dot_str(nodes[e[i].b].x.id, nodes[e[i].b].x.id_len);
		printf(" [count=%llu, weight=\"", (unsigned long long)e[i].count);
		num(e[i].weight);
		fputs("\"];\n", stdout);
	}
	fputs("}\n", stdout);
}

/* Nodes and edges (a < b, count >= @min) of @level within @f. */
static int collect(const ngidx_index *idx, ngidx_level level, uint64_t min, ngidx_measure by,
                   const ngidx_filter *f, node **nodes_out, edge **edges_out, size_t *ne_out,
                   ngidx_error *e)
{
	size_t na = ngidx_actor_count(idx), ne = 0, cap = 16;
	node *nodes = xmalloc((na ? na : 1) * sizeof *nodes);
	edge *edges = xmalloc(cap * sizeof *edges);
	int rc = NGIDX_OK;
	for (uint32_t a = 0; a < na && !rc; a++) {
		ngidx_cell self;
		if ((rc = ngidx_actor_get(idx, a, &nodes[a].x, e)))
			break;
		/* a cell of an actor with itself holds its marginals in range */
		if ((rc = ngidx_cooc_cell(idx, NGIDX_LEVEL_WINDOW, a, a, f, &self, e)))
			break;
		nodes[a].occurrences = self.r1;
		ngidx_neighbor *v;
		size_t n;
		if ((rc = ngidx_cooc_neighbors(idx, level, a, f, &v, &n, e)))
			break;
		for (size_t i = 0; i < n; i++) {
			if (v[i].actor < a || v[i].cell.o11 < min)
				continue;
			if (ne == cap) {
				cap *= 2;
				edge *grown = realloc(edges, cap * sizeof *edges);
				if (!grown) { /* realloc keeps the old block on failure */
					ngidx_buffer_free(v);
					free(edges);
					free(nodes);
					return NGIDX_ERR_NOMEM;
				}
				edges = grown;
			}
			edges[ne++] = (edge){ a, v[i].actor, v[i].cell.o11,
				              ngidx_measure_value(&v[i].cell, by) };
		}
		ngidx_buffer_free(v);
	}
	if (rc) {
		free(nodes);
		free(edges);
		return rc;
	}
	*nodes_out = nodes;
	*edges_out = edges;
	*ne_out = ne;
	return NGIDX_OK;
}

int cmd_graph(int argc, char **argv)
{
	enum { O_LEVEL = 256, O_BY, O_MIN, O_FROM, O_TO, O_FORMAT, O_JSON, O_WHERE };
	static const struct option opts[] = {
		{ "level", required_argument, NULL, O_LEVEL },
		{ "by", required_argument, NULL, O_BY },
		{ "min-count", required_argument, NULL, O_MIN },
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "where", required_argument, NULL, O_WHERE },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "json", no_argument, NULL, O_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const formats[] = { "tsv", "graphml", "gexf", "dot" };
	ngidx_level level = NGIDX_LEVEL_DOC;
	ngidx_measure by = NGIDX_M_COUNT;
	uint64_t min = 1;
	int format = F_TSV, json = 0, c;
	const char *from = NULL, *to = NULL;
	cli_where w = { .len = 0 };
	ngidx_subset *sub = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_LEVEL:
			if (ngidx_level_parse(optarg, &level))
				return cli_usage_error("graph", usage_line, "--level is doc, sentence or window, not '%s'", optarg);
			break;
		case O_BY:
			if (ngidx_measure_parse(optarg, &by))
				return cli_usage_error("graph", usage_line, "--by takes a measure name (see ngidx cooc --help), not '%s'", optarg);
			break;
		case O_MIN:
			if (cli_parse_num(optarg, 1, UINT64_MAX, &min))
				return cli_usage_error("graph", usage_line, "--min-count takes a positive number, not '%s'", optarg);
			break;
		case O_FROM: from = optarg; break;
		case O_TO: to = optarg; break;
		case O_WHERE:
			if ((c = cli_where_add(&w, "graph", usage_line, optarg)) >= 0)
				return c;
			break;
		case O_FORMAT:
			for (format = 0; format < 4 && strcmp(optarg, formats[format]); format++)
				;
			if (format == 4)
				return cli_usage_error("graph", usage_line, "--format is tsv, graphml, gexf or dot, not '%s'", optarg);
			break;
		case O_JSON: json = 1; break;
		case 'h': fputs(help, stdout); return EXIT_OK;
		default: return cli_usage_error("graph", usage_line, "bad option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("graph", usage_line, "no index given");
	if (optind + 1 < argc)
		return cli_usage_error("graph", usage_line, "unexpected argument '%s'", argv[optind + 1]);
	if (json && format != F_TSV)
		return cli_usage_error("graph", usage_line, "--json goes with --format tsv");
	ngidx_filter f;
	ngidx_error e = { 0 };
	if (ngidx_filter_dates(&f, from, to, &e))
		return cli_usage_error("graph", usage_line, "%s", e.msg);
	ngidx_index *idx;
	int rc = cli_open_index("graph", argv[optind], &idx);
	if (!rc && (rc = cli_where_open(&w, "graph", usage_line, idx, &sub)))
		ngidx_index_free(idx);
	if (rc)
		return rc;
	f.subset = sub;
	if (!ngidx_actor_window(idx)) {
		cli_error("graph", "'%s' has no actors (build it with --actors FILE)", argv[optind]);
		ngidx_index_free(idx);
		return EXIT_USAGE;
	}
	node *nodes;
	edge *edges;
	size_t ne, nn = ngidx_actor_count(idx);
	rc = collect(idx, level, min, by, &f, &nodes, &edges, &ne, &e);
	if (rc) {
		ngidx_index_free(idx);
		return cli_fail("graph", rc, &e);
	}
	const char *mname = ngidx_measure_name(by);
	switch (format) {
	case F_GRAPHML: write_graphml(nodes, nn, edges, ne, mname); break;
	case F_GEXF: write_gexf(nodes, nn, edges, ne, mname); break;
	case F_DOT: write_dot(nodes, nn, edges, ne, mname); break;
	default: write_tsv(nodes, edges, ne, by, json); break;
	}
	free(nodes);
	free(edges);
	ngidx_subset_free(sub);
	ngidx_index_free(idx);
	return cli_flush("graph");
}
