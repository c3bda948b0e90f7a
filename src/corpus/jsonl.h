/*
 * jsonl.h - private to corpus/: parse one JSON Lines line (one object) into
 * its top-level fields.
 *
 * Ownership: the parser owns its arrays and reuses them from line to line;
 * the fields of a parse point into the parsed line or into the parser's
 * scratch buffer, and stay valid until the next jsonl_parse or
 * jsonl_release.
 */
#ifndef NGIDX_CORPUS_JSONL_H
#define NGIDX_CORPUS_JSONL_H

#include <stddef.h>
#include <stdint.h>

enum jsonl_type {
	JSONL_STRING = 0,
	JSONL_NUMBER,
	JSONL_TRUE,
	JSONL_FALSE,
	JSONL_NULL,
	JSONL_OBJECT,
	JSONL_ARRAY
};

/* One top-level member of the object. */
typedef struct jsonl_field {
	const char *key;   /* unescaped UTF-8 */
	size_t key_len;
	const char *val;   /* strings: unescaped; numbers, true, false, null:
	                      the literal token; objects, arrays: their source
	                      text (validated, not unescaped) */
	size_t val_len;
	size_t val_off;    /* offset of the value's first byte in the line */
	int type;          /* enum jsonl_type */
	int shadowed;      /* a later member has the same key (jsonl_dedupe) */
} jsonl_field;

typedef struct jsonl_parser {
	jsonl_field *fields;  /* in order of appearance */
	size_t nfields;
	const char *err;      /* after NGIDX_ERR_INPUT: the reason, lowercase */
	size_t err_off;       /* ... and the byte offset in the line */
	size_t nul_off;       /* offset of the first \u0000 escape, or SIZE_MAX */
	/* private */
	size_t fields_cap;
	char *scratch;        /* unescaped strings; never reallocated mid-parse */
	size_t scratch_cap;
	unsigned char *stack; /* open containers of a nested value */
	size_t stack_cap;
	size_t *slots;        /* hash set of jsonl_dedupe */
	size_t slots_cap;
} jsonl_parser;

void jsonl_init(jsonl_parser *jp);
void jsonl_release(jsonl_parser *jp);

/*
 * jsonl_parse - parse @p[0, @n) as exactly one JSON object (RFC 8259),
 * optionally surrounded by whitespace, and list its top-level members.
 * Strings are unescaped (\uXXXX with surrogate pairs; an unpaired surrogate
 * is an error); numbers are checked against the grammar; nested objects
 * and arrays are validated iteratively, so any depth is safe. Bytes >= 0x80
 * inside strings are copied unchecked (the caller validates UTF-8), and so
 * is a raw NUL byte: both are encoding damage that the reader reports
 * without dropping the line. Other control characters in strings are
 * errors, as the RFC says.
 * @return NGIDX_OK, NGIDX_ERR_INPUT (jp->err and jp->err_off say why and
 *         where), NGIDX_ERR_NOMEM.
 * Cost: one pass over the line; memory proportional to the line.
 */
int jsonl_parse(jsonl_parser *jp, const char *p, size_t n);

/*
 * jsonl_dedupe - set `shadowed` on every member whose key appears again
 * later in the object, so that the last occurrence wins.
 * @return NGIDX_OK or NGIDX_ERR_NOMEM. Cost: linear (hash set beyond a
 * handful of members).
 */
int jsonl_dedupe(jsonl_parser *jp);

#endif
