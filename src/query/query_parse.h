/*
 * query_parse.h - boolean queries of phrases and words, parsed into a tree.
 *
 * Ownership: a parsed query (struct ngidx_query, opaque in the public
 * docs.h) owns a copy of its text and every node; nothing in it borrows
 * from the caller or from an index, so one parsed query may be run on any
 * number of indexes, from any number of threads at once (it is read-only
 * after ngidx_query_parse).
 *
 * The grammar (operators only in upper case; whitespace separates tokens):
 *
 *     query   = or
 *     or      = and *( "OR" and )
 *     and     = unary *( [ "AND" ] unary / "NOT" unary )
 *     unary   = "NOT" unary / "(" or ")" / PHRASE / WORD
 *     PHRASE  = '"' *(any byte but '"') '"'
 *     WORD    = 1*(any byte but space, tab, newline, CR, '"', '(', ')')
 * A WORD that starts with '@' (and has more) names an actor, by id or
 * alias ("@PRK", "@Kim"): it matches the documents that mention the actor.
 *
 * so NOT binds tighter than AND, AND tighter than OR; adjacent operands are
 * ANDed; `a NOT b` is a AND (NOT b). A WORD spelled AND, OR or NOT is an
 * operator; any other spelling ("and", "Not") is a word. Every operand is
 * analyzed as the corpus is; one that yields no token ("", "--") is an
 * error, since it could only ever match nothing.
 */
#ifndef NGIDX_QUERY_PARSE_H
#define NGIDX_QUERY_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include "ngidx/docs.h"

/* Node kinds. */
enum qnode_kind { QN_PHRASE = 0, QN_AND = 1, QN_OR = 2, QN_NOT = 3 };

/* No node (end of a sibling list). */
#define QN_NONE UINT32_MAX

/*
 * A node of the tree. Children form a list through kid/next (first child,
 * next sibling), in query order: AND and OR have two or more children, NOT
 * exactly one, PHRASE none.
 */
typedef struct qnode {
	enum qnode_kind kind;
	uint32_t kid, next;   /* indexes into ngidx_query.node, or QN_NONE */
	uint32_t nkids;
	size_t at;            /* byte offset in the text: the operand's first
	                         byte (its opening quote), or the operator */
	/* QN_PHRASE only: */
	int quoted;           /* given in quotes, not as a bare word */
	int actor;            /* a bare word @ID: an actor's mentions */
	size_t raw, raw_len;  /* the operand as typed (inside the quotes) */
	size_t norm, norm_len;/* its tokens joined by spaces, in ngidx_query.norm */
	unsigned ntok;        /* tokens (>= 1) */
} qnode;

struct ngidx_query {
	char *text;           /* a NUL-terminated copy of the query */
	size_t len;
	qnode *node;          /* node[root] is the whole query */
	size_t nnode, node_cap;
	uint32_t root;
	char *norm;           /* normalized operands, back to back */
	size_t norm_len, norm_cap;
};

/* Nesting deeper than this (parentheses and NOTs) is refused, so that a
 * hostile query cannot exhaust the stack of the recursive parser. */
#define QUERY_MAX_DEPTH 200

/* The operand text of a phrase node, as typed and normalized. */
static inline const char *qnode_raw(const struct ngidx_query *q, const qnode *n)
{
	return q->text + n->raw;
}
static inline const char *qnode_norm(const struct ngidx_query *q, const qnode *n)
{
	return q->norm + n->norm;
}

/*
 * query_format - the tree as an S-expression, e.g.
 * (OR (AND "hanoi summit" kim) (NOT "trade")), phrases by their normalized
 * text, quoted when they were quoted. Writes at most @cap bytes (always
 * NUL-terminated when @cap > 0). @return the full length, as snprintf.
 * For tests and debugging.
 */
size_t query_format(const struct ngidx_query *q, char *buf, size_t cap);

#endif
