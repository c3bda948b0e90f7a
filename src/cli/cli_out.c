/*
 * cli_out.c - TSV and JSON Lines output, errors and exit codes.
 *
 * TSV: one header row naming the columns, then one row per result; a field
 * never contains a raw tab or newline: tab, newline, carriage return and
 * backslash are written as \t, \n, \r and \\. JSON: one object per line,
 * strings escaped per RFC 8259; bytes that are not valid UTF-8 become
 * U+FFFD so that every line parses.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cli_exit_code(int status)
{
	switch (status) {
	case NGIDX_OK: return EXIT_OK;
	case NGIDX_ERR_ARG:
	case NGIDX_ERR_QUERY:
	case NGIDX_ERR_NOTEXT: return EXIT_USAGE;
	case NGIDX_ERR_CORRUPT:
	case NGIDX_ERR_VERSION: return EXIT_CORRUPT;
	case NGIDX_ERR_NOMEM:
	case NGIDX_ERR_NOSPACE: return EXIT_RESOURCE;
	default: return EXIT_INPUT;
	}
}

void cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "ngidx %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_fail(const char *cmd, int status, const ngidx_error *e)
{
	cli_error(cmd, "%s", e && e->msg[0] ? e->msg : ngidx_strerror(status));
	return cli_exit_code(status);
}

int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "ngidx %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\nTry 'ngidx %s --help' for more.\n", usage, cmd);
	return EXIT_USAGE;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fputs("ngidx: out of memory\n", stderr);
		exit(EXIT_RESOURCE);
	}
	return p;
}

void cli_header(FILE *out, int json, const char *const *cols, size_t n)
{
	if (json)
		return;
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc('\t', out);
		fputs(cols[i], out);
	}
	fputc('\n', out);
}

void cli_row_begin(cli_row *r, FILE *out, int json)
{
	r->out = out;
	r->json = json;
	r->nfield = 0;
	if (json)
		fputc('{', out);
}

static void sep(cli_row *r, const char *key)
{
	if (r->json) {
		if (r->nfield)
			fputc(',', r->out);
		fprintf(r->out, "\"%s\":", key);
	} else if (r->nfield) {
		fputc('\t', r->out);
	}
	r->nfield++;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t k;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) { k = 2; min = 0x80; }
	else if (c >= 0xE0 && c <= 0xEF) { k = 3; min = 0x800; }
	else if (c >= 0xF0 && c <= 0xF4) { k = 4; min = 0x10000; }
	else return 0;
	if (n < k)
		return 0;
	unsigned v = c & (0x7F >> k);
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	return k;
}

void cli_row_str(cli_row *r, const char *key, const char *s, size_t len)
{
	sep(r, key);
	FILE *o = r->out;
	const unsigned char *p = (const unsigned char *)s;
	if (!r->json) {
		for (size_t i = 0; i < len; i++) {
			switch (p[i]) {
			case '\t': fputs("\\t", o); break;
			case '\n': fputs("\\n", o); break;
			case '\r': fputs("\\r", o); break;
			case '\\': fputs("\\\\", o); break;
			default: fputc(p[i], o);
			}
		}
		return;
	}
	fputc('"', o);
	for (size_t i = 0; i < len;) {
		unsigned c = p[i];
		if (c == '"' || c == '\\') {
			fputc('\\', o);
			fputc((int)c, o);
			i++;
		} else if (c < 0x20) {
			switch (c) {
			case '\n': fputs("\\n", o); break;
			case '\t': fputs("\\t", o); break;
			case '\r': fputs("\\r", o); break;
			default: fprintf(o, "\\u%04x", c);
			}
			i++;
		} else {
			size_t k = utf8_len(p + i, len - i);
			if (k == 0) {
				fputs("\\ufffd", o);
				i++;
			} else {
				fwrite(p + i, 1, k, o);
				i += k;
			}
		}
	}
	fputc('"', o);
}

void cli_row_u64(cli_row *r, const char *key, uint64_t v)
{
	sep(r, key);
	fprintf(r->out, "%llu", (unsigned long long)v);
}

void cli_row_f64(cli_row *r, const char *key, double v)
{
	sep(r, key);
	if (r->json && !isfinite(v))
		fputs("null", r->out); /* JSON has no NaN or infinity */
	else
		fprintf(r->out, "%.6g", v);
}

void cli_row_end(cli_row *r)
{
	if (r->json)
		fputc('}', r->out);
	fputc('\n', r->out);
}

int cli_json_opts(int argc, char **argv, const char *cmd, const char *usage, const char *help,
                  int *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	*json = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': *json = 1; break;
		case 'h': fputs(help, stdout); return EXIT_OK;
		default: return cli_usage_error(cmd, usage, "bad option");
		}
	}
	return -1;
}

int cli_open_index(const char *cmd, const char *path, ngidx_index **out)
{
	ngidx_error e = { 0 };
	int rc = ngidx_index_open(out, path, NULL, &e);
	if (rc)
		return cli_fail(cmd, rc, &e);
	return EXIT_OK;
}

int cli_parse_num(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	char *end;
	const unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_f64(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v != v)
		return -1;
	*out = v;
	return 0;
}

size_t cli_format_date(uint32_t date, char *buf, size_t cap)
{
	if (!date)
		return 0;
	unsigned y = date / 10000, m = date / 100 % 100, d = date % 100;
	int n = !m ? snprintf(buf, cap, "%04u", y)
	        : !d ? snprintf(buf, cap, "%04u-%02u", y, m)
	             : snprintf(buf, cap, "%04u-%02u-%02u", y, m, d);
	return n < 0 ? 0 : (size_t)n;
}

int cli_flush(const char *cmd)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return EXIT_OK;
	cli_error(cmd, "cannot write the output");
	return EXIT_INPUT;
}

int cli_where_add(cli_where *w, const char *cmd, const char *usage, const char *cond)
{
	size_t n = strlen(cond);
	if (!strchr(cond, '=') || cond[0] == '=' || strchr(cond, ','))
		return cli_usage_error(cmd, usage, "--where takes FIELD=VALUE (no comma in it), not '%s'", cond);
	if (w->len + n + 2 > sizeof w->spec)
		return cli_usage_error(cmd, usage, "too many --where conditions");
	if (w->len)
		w->spec[w->len++] = ',';
	memcpy(w->spec + w->len, cond, n + 1);
	w->len += n;
	return -1;
}

int cli_where_dates(cli_where *w, const char *cmd, const char *usage, const char *from,
                    const char *to)
{
	char range[128];
	if (!from && !to)
		return -1;
	/* a date is at most 10 characters: a longer one stays malformed when cut */
	snprintf(range, sizeof range, "date=%.50s..%.50s", from ? from : "", to ? to : "");
	return cli_where_add(w, cmd, usage, range);
}

int cli_where_open(const cli_where *w, const char *cmd, const char *usage, const ngidx_index *idx,
                   struct ngidx_subset **out)
{
	*out = NULL;
	if (!w->len)
		return EXIT_OK;
	ngidx_error e = { 0 };
	int rc = ngidx_subset_parse(idx, w->spec, out, &e);
	if (rc == NGIDX_ERR_ARG)
		return cli_usage_error(cmd, usage, "%s", e.msg);
	return rc ? cli_fail(cmd, rc, &e) : EXIT_OK;
}
