/*
 * query_parse.c - a recursive-descent parser for boolean queries of
 * phrases and words (grammar in query_parse.h).
 *
 * The lexer works on bytes: a token is a quoted phrase, a parenthesis, or
 * a bare word (a run of bytes that are not whitespace, quotes or
 * parentheses); a bare word spelled exactly AND, OR or NOT is an operator.
 * Multi-byte UTF-8 never contains those ASCII bytes, so any text is cut
 * correctly without decoding it.
 *
 * There is one function per precedence level (or, and, unary); each builds
 * an n-ary node from the list of its operands, so `a b c` is one AND of
 * three children, not a chain, and a level with a single operand returns
 * it unchanged. Nodes live in one growing array and name their children by
 * index (first child, next sibling), so the tree is a few allocations
 * whatever its size and is freed in one go.
 *
 * Errors carry the byte offset of the character to blame, chosen so that
 * the caret under the query points at what to fix:
 *   - an operator missing its right operand: the operator;
 *   - an operator with nothing on its left (start, after "("): it;
 *   - an unterminated quote or an unclosed "(": the opening character;
 *   - a ")" with no "(": that ")"; "()": the ")";
 *   - an operand with no word ("" or "--"): its first character;
 *   - an empty query: offset 0.
 * Before the parser looks at a token it checks that the token can start
 * an operand; so the recursive functions only report "without a left
 * operand" at the start of the query or of a parenthesis.
 *
 * Depth: every "(" and every NOT recurses once; beyond QUERY_MAX_DEPTH the
 * parser refuses, so the stack stays bounded on hostile input.
 */
#include "query/query_parse.h"
#include "common/err.h"
#include "common/mem.h"
#include "text/analyze.h"

#include <stdio.h>
#include <string.h>

enum tok_kind { T_END, T_WORD, T_PHRASE, T_LP, T_RP, T_AND, T_OR, T_NOT, T_BADQUOTE };

typedef struct parser {
	struct ngidx_query *q;
	const char *s;
	size_t len, pos;         /* pos: after the current token */
	enum tok_kind tok;
	size_t tok_at;           /* the current token's first byte */
	size_t raw, raw_len;     /* T_WORD / T_PHRASE: the operand's bytes */
	unsigned depth;
	ngidx_tokens t;          /* analyzer scratch */
	size_t err_at;
	const char *err_reason;
	int nomem;
} parser;

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* Read the next token. */
static void lex(parser *p)
{
	const char *s = p->s;
	size_t i = p->pos;
	while (i < p->len && is_space(s[i]))
		i++;
	p->tok_at = i;
	if (i == p->len) {
		p->tok = T_END;
		p->pos = i;
		return;
	}
	if (s[i] == '(' || s[i] == ')') {
		p->tok = s[i] == '(' ? T_LP : T_RP;
		p->pos = i + 1;
		return;
	}
	if (s[i] == '"') {
		const char *e = memchr(s + i + 1, '"', p->len - i - 1);
		if (!e) {
			p->tok = T_BADQUOTE;
			p->pos = p->len;
			return;
		}
		p->tok = T_PHRASE;
		p->raw = i + 1;
		p->raw_len = (size_t)(e - (s + i + 1));
		p->pos = (size_t)(e - s) + 1;
		return;
	}
	size_t j = i;
	while (j < p->len && !is_space(s[j]) && s[j] != '"' && s[j] != '(' && s[j] != ')')
		j++;
	p->pos = j;
	p->raw = i;
	p->raw_len = j - i;
	p->tok = T_WORD;
	if (j - i == 3 && !memcmp(s + i, "AND", 3))
		p->tok = T_AND;
	else if (j - i == 2 && !memcmp(s + i, "OR", 2))
		p->tok = T_OR;
	else if (j - i == 3 && !memcmp(s + i, "NOT", 3))
		p->tok = T_NOT;
}

/* Record the first error; @return -1 for the callers to propagate. */
static int fail(parser *p, size_t at, const char *reason)
{
	if (!p->err_reason && !p->nomem) {
		p->err_at = at;
		p->err_reason = reason;
	}
	return -1;
}

static int nomem(parser *p)
{
	p->nomem = 1;
	return -1;
}

static int starts_operand(enum tok_kind k)
{
	return k == T_WORD || k == T_PHRASE || k == T_LP || k == T_NOT || k == T_BADQUOTE;
}

/* A new node; @return its index, or -1 out of memory. */
static int64_t new_node(parser *p, enum qnode_kind kind, size_t at)
{
	struct ngidx_query *q = p->q;
	if (q->nnode >= QN_NONE - 1)
		return nomem(p);
	if (NGIDX_RESERVE(q->node, q->node_cap, q->nnode + 1))
		return nomem(p);
	qnode *n = &q->node[q->nnode];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->kid = n->next = QN_NONE;
	n->at = at;
	return (int64_t)q->nnode++;
}

/* An operator node over the @n operands listed from @first through next. */
static int64_t op_node(parser *p, enum qnode_kind kind, size_t at, uint32_t first, uint32_t n)
{
	int64_t k = new_node(p, kind, at);
	if (k < 0)
		return k;
	p->q->node[k].kid = first;
	p->q->node[k].nkids = n;
	return k;
}

/* The current token, a word or phrase, as a leaf. A bare word "@ID" is an
 * actor operand: kept as typed (norm = "@ID"), resolved when run. */
static int64_t leaf(parser *p)
{
	struct ngidx_query *q = p->q;
	size_t at = p->tok_at;
	int quoted = p->tok == T_PHRASE;
	const char *raw = p->s + p->raw;
	int actor = !quoted && p->raw_len > 1 && raw[0] == '@';
	size_t ntok = 1, need = p->raw_len + 1;
	if (!actor) {
		int rc = ngidx_analyze(&p->t, raw, p->raw_len, 0);
		if (rc == NGIDX_ERR_NOMEM)
			return nomem(p);
		if (rc)
			return fail(p, at, "the operand cannot be analyzed");
		if (p->t.ntok == 0)
			return fail(p, at, quoted ? "a phrase with no word" : "an operand with no word");
		ntok = p->t.ntok;
		need = p->t.off[ntok] + ntok;
	}
	if (NGIDX_RESERVE(q->norm, q->norm_cap, q->norm_len + need))
		return nomem(p);
	int64_t k = new_node(p, QN_PHRASE, at);
	if (k < 0)
		return k;
	qnode *n = &q->node[k];
	n->quoted = quoted;
	n->actor = actor;
	n->raw = p->raw;
	n->raw_len = p->raw_len;
	n->norm = q->norm_len;
	n->ntok = (unsigned)ntok;
	if (actor) {
		memcpy(q->norm + q->norm_len, raw, p->raw_len);
		q->norm_len += p->raw_len;
	}
	for (size_t i = 0; i < ntok && !actor; i++) {
		size_t l;
		const char *w = ngidx_tok(&p->t, i, &l);
		if (i)
			q->norm[q->norm_len++] = ' ';
		memcpy(q->norm + q->norm_len, w, l);
		q->norm_len += l;
	}
	n->norm_len = q->norm_len - n->norm;
	q->norm[q->norm_len++] = 0; /* each operand is also a C string */
	lex(p);
	return k;
}

static int64_t parse_or(parser *p);

static int64_t parse_unary(parser *p)
{
	size_t at = p->tok_at;
	switch (p->tok) {
	case T_WORD:
	case T_PHRASE:
		return leaf(p);
	case T_BADQUOTE:
		return fail(p, at, "unterminated quote");
	case T_NOT: {
		if (++p->depth > QUERY_MAX_DEPTH)
			return fail(p, at, "nested too deeply");
		lex(p);
		if (!starts_operand(p->tok))
			return fail(p, at, "NOT without an operand");
		int64_t k = parse_unary(p);
		p->depth--;
		if (k < 0)
			return k;
		return op_node(p, QN_NOT, at, (uint32_t)k, 1);
	}
	case T_LP: {
		if (++p->depth > QUERY_MAX_DEPTH)
			return fail(p, at, "nested too deeply");
		lex(p);
		if (p->tok == T_RP)
			return fail(p, p->tok_at, "empty parentheses");
		if (p->tok == T_END)
			return fail(p, at, "unclosed parenthesis");
		int64_t k = parse_or(p);
		if (k < 0)
			return k;
		if (p->tok != T_RP)
			return fail(p, at, "unclosed parenthesis");
		p->depth--;
		lex(p);
		return k;
	}
	case T_AND:
	case T_OR:
		return fail(p, at, p->tok == T_AND ? "AND without a left operand" : "OR without a left operand");
	case T_RP:
		return fail(p, at, "unmatched closing parenthesis");
	case T_END: /* only at the start: every other caller checks first */
		return fail(p, 0, "empty query");
	}
	return fail(p, at, "unexpected token");
}

/* Append node @k to the sibling list (first, last). */
static void append(parser *p, uint32_t *first, uint32_t *last, uint32_t *n, int64_t k)
{
	if (*n == 0)
		*first = (uint32_t)k;
	else
		p->q->node[*last].next = (uint32_t)k;
	*last = (uint32_t)k;
	(*n)++;
}

static int64_t parse_and(parser *p)
{
	size_t at = p->tok_at;
	int64_t k = parse_unary(p);
	if (k < 0)
		return k;
	uint32_t first = 0, last = 0, n = 0;
	append(p, &first, &last, &n, k);
	for (;;) {
		enum tok_kind op = p->tok;
		size_t op_at = p->tok_at;
		if (op == T_AND || op == T_NOT) {
			lex(p);
			if (!starts_operand(p->tok))
				return fail(p, op_at, op == T_AND ? "AND without a right operand" : "NOT without an operand");
			if (op == T_NOT && ++p->depth > QUERY_MAX_DEPTH)
				return fail(p, op_at, "nested too deeply");
			k = parse_unary(p);
			if (k < 0)
				return k;
			if (op == T_NOT) {
				p->depth--;
				k = op_node(p, QN_NOT, op_at, (uint32_t)k, 1);
				if (k < 0)
					return k;
			}
		} else if (op == T_WORD || op == T_PHRASE || op == T_LP || op == T_BADQUOTE) {
			k = parse_unary(p);
			if (k < 0)
				return k;
		} else {
			break;
		}
		append(p, &first, &last, &n, k);
	}
	return n == 1 ? (int64_t)first : op_node(p, QN_AND, at, first, n);
}

static int64_t parse_or(parser *p)
{
	size_t at = p->tok_at;
	int64_t k = parse_and(p);
	if (k < 0)
		return k;
	uint32_t first = 0, last = 0, n = 0;
	append(p, &first, &last, &n, k);
	while (p->tok == T_OR) {
		size_t op_at = p->tok_at;
		lex(p);
		if (!starts_operand(p->tok))
			return fail(p, op_at, "OR without a right operand");
		k = parse_and(p);
		if (k < 0)
			return k;
		append(p, &first, &last, &n, k);
	}
	return n == 1 ? (int64_t)first : op_node(p, QN_OR, at, first, n);
}

void ngidx_query_free(ngidx_query *q)
{
	if (!q)
		return;
	ngidx_free(q->text);
	ngidx_free(q->node);
	ngidx_free(q->norm);
	ngidx_free(q);
}

/* 1-based number of the UTF-8 character at byte @at (continuation bytes
 * do not start a character). */
static size_t char_number(const char *s, size_t at)
{
	size_t n = 1;
	for (size_t i = 0; i < at; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

int ngidx_query_parse(const char *text, size_t len, ngidx_query **out, size_t *where,
                      ngidx_error *err)
{
	*out = NULL;
	struct ngidx_query *q = ngidx_calloc(1, sizeof *q);
	if (!q || !(q->text = ngidx_malloc(len + 1))) {
		ngidx_free(q);
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	}
	if (len)
		memcpy(q->text, text, len);
	q->text[len] = 0;
	q->len = len;
	parser p = { .q = q, .s = q->text, .len = len };
	ngidx_tokens_init(&p.t);
	lex(&p);
	int64_t root = parse_or(&p);
	if (root >= 0 && p.tok == T_RP)
		root = fail(&p, p.tok_at, "unmatched closing parenthesis");
	ngidx_tokens_release(&p.t);
	if (root < 0) {
		int rc;
		if (p.nomem) {
			rc = ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
		} else {
			if (where)
				*where = p.err_at;
			rc = ngidx_err_set(err, NGIDX_ERR_QUERY, "malformed query at character %zu: %s",
			                   char_number(q->text, p.err_at), p.err_reason);
		}
		ngidx_query_free(q);
		return rc;
	}
	q->root = (uint32_t)root;
	*out = q;
	return NGIDX_OK;
}

/* ---- S-expressions -------------------------------------------------------- */

typedef struct sbuf {
	char *p;
	size_t cap, len;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++, b->len++)
		if (b->len + 1 < b->cap)
			b->p[b->len] = s[i];
}

static void put_node(sbuf *b, const struct ngidx_query *q, uint32_t k)
{
	const qnode *n = &q->node[k];
	if (n->kind == QN_PHRASE) {
		if (n->quoted)
			put(b, "\"", 1);
		put(b, qnode_norm(q, n), n->norm_len);
		if (n->quoted)
			put(b, "\"", 1);
		return;
	}
	const char *name = n->kind == QN_AND ? "(AND" : n->kind == QN_OR ? "(OR" : "(NOT";
	put(b, name, strlen(name));
	for (uint32_t c = n->kid; c != QN_NONE; c = q->node[c].next) {
		put(b, " ", 1);
		put_node(b, q, c);
	}
	put(b, ")", 1);
}

size_t query_format(const struct ngidx_query *q, char *buf, size_t cap)
{
	sbuf b = { buf, cap, 0 };
	put_node(&b, q, q->root);
	if (cap)
		buf[b.len < cap ? b.len : cap - 1] = 0;
	return b.len;
}
