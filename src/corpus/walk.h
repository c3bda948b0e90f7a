/*
 * walk.h - private to corpus/: the files named by a list of inputs, in
 * order, directories walked depth-first with entries in strcmp order.
 *
 * Ownership: the walker owns every string it returns; an item's strings
 * stay valid until the next walk_next or walk_release.
 */
#ifndef NGIDX_CORPUS_WALK_H
#define NGIDX_CORPUS_WALK_H

#include <stddef.h>
#include <sys/types.h>

enum walk_kind {
	WALK_END = 0,   /* no more inputs */
	WALK_FILE,      /* a file to read (regular file, or any non-directory
	                   given directly: a named pipe, a device) */
	WALK_STDIN,     /* the input "-" */
	WALK_NOENT,     /* an input or entry that cannot be stat'ed (errnum) */
	WALK_BADDIR,    /* a directory that cannot be listed (errnum) */
	WALK_LOOP,      /* a directory already on the current path: not entered */
	WALK_SPECIAL    /* a fifo, socket or device met inside a directory:
	                   not opened (a fifo could block the walk forever) */
};

typedef struct walk_item {
	int kind;          /* enum walk_kind */
	const char *path;  /* the path to open and to quote in messages */
	const char *name;  /* the document name: relative to the input
	                      directory, or the input as given ("-" for stdin) */
	size_t name_len;
	int errnum;        /* WALK_NOENT, WALK_BADDIR: the errno */
} walk_item;

/* One open directory on the current path. */
typedef struct walk_level {
	char *names;       /* its entries back to back, each as one d_type
	                      byte then the NUL-terminated name */
	size_t names_cap;
	char **ents;       /* the names (just past their d_type byte), sorted */
	size_t ents_cap;
	size_t n, next;    /* entries, and the next one to visit */
	size_t path_len;   /* length of "dir/" in the walker's path */
	dev_t dev;         /* identity, for loop detection */
	ino_t ino;
} walk_level;

typedef struct ngidx_walk {
	char **inputs;     /* borrowed from the corpus handle */
	size_t ninputs, next_input;
	walk_level *lv;    /* lv[0, depth) is the current path */
	size_t depth, lv_cap;
	char *path;        /* the current path */
	size_t path_cap;
	size_t name_off;   /* where the relative name starts in path */
} ngidx_walk;

void walk_init(ngidx_walk *w, char **inputs, size_t n);
void walk_release(ngidx_walk *w);

/*
 * walk_next - the next item, in input order.
 * @return NGIDX_OK (*@it filled; kind WALK_END at the end) or
 *         NGIDX_ERR_NOMEM.
 * Cost: one stat per input and per entry that is not known to be a
 * regular file from its d_type; a directory's listing is read and sorted
 * when it is entered, and freed (kept for reuse) when it is left.
 */
int walk_next(ngidx_walk *w, walk_item *it);

#endif
