/*
 * idx_format.h - the on-disk layout of an ngidx index file (format 1.0).
 *
 * Ownership: constants and plain structs only. docs/FORMAT.md is the prose
 * version of this file; change both in the same commit.
 *
 * All integers are little-endian. Offsets are 64-bit and absolute (from the
 * start of the file) in the section table, and relative to the start of the
 * named section everywhere else. Sections start on 64-byte boundaries; the
 * gaps are zero bytes.
 *
 *   file = header (64 B) | section table (count x 32 B) | sections | trailer
 *
 * HEADER
 *   OFFSET SIZE MEANING
 *   0      8    magic "NGIDX\0\r\n" (the CR LF catches text-mode copies)
 *   8      2    format major version; a reader refuses a newer major
 *   10     2    format minor version; minors only add optional sections
 *   12     4    endianness canary 0x01020304
 *   16     4    analyzer id (NGIDX_ANALYZER_ID of the build)
 *   20     4    flags: bit 0 = document text stored
 *   24     4    max n (1..NGIDX_MAX_N)
 *   28     4    min df (n-grams with n >= 2 and fewer documents were dropped)
 *   32     8    file size in bytes, trailer included
 *   40     4    number of sections
 *   44     20   zero
 *
 * SECTION TABLE ENTRY (sorted by offset, no overlaps, each kind at most once)
 *   0      4    kind (NGX_SEC_*); unknown kinds are ignored by readers
 *   4      4    zero
 *   8      8    offset (multiple of 64)
 *   16     8    length in bytes
 *   24     8    XXH64 (seed 0) of the section's bytes
 *
 * TRAILER: the last 8 bytes: XXH64 of the header and the section table.
 * Opening an index checks the trailer, the header and the table; `verify`
 * also checks every section checksum and decodes every structure.
 *
 * SECTIONS
 *   INFO     struct ngx_info below.
 *   LEXICON  ceil(nterms / NGX_LEX_BLOCK) + 1 block headers, struct
 *            ngx_lex_block: where each block of NGX_LEX_BLOCK consecutive
 *            terms starts in LEXDATA, POSTINGS and TERMTEXT. The last is a
 *            sentinel holding the three sections' lengths.
 *   LEXDATA  the terms, sorted by (hash, text bytes), in blocks; per term:
 *            varint hash40 (the top 40 bits of the hash; the first term of a
 *            block as is, the others as the difference from the previous
 *            term), varint df, varint cf - df, varint text length, varint
 *            postings length. n is 1 + the number of spaces in the text.
 *            hash = ngidx_hash64 of the n-gram's text (tokens joined by one
 *            space). Term i's text and postings follow term i-1's.
 *   LEXDIR   2^b + 1 u32: dir[k] = the block holding the first term whose
 *            hash >> (64 - b) >= k (b = NGX_INFO.dir_bits, at most 32),
 *            dir[2^b] = number of blocks; an exact lookup decodes from
 *            block dir[k] on until the hash40 passes the one sought.
 *   TERMTEXT the n-grams' texts, concatenated.
 *   POSTINGS for each term, in lexicon order (see "postings" below).
 *   DOCS     ndocs + 1 entries of struct ngx_doc_entry (sentinel last: its
 *            offsets are the lengths of DOCSTR, SENTS and TEXT).
 *   DOCSTR   per document: varint name length, name, varint metadata
 *            length, metadata (varint count, then per field: varint key
 *            length, key, 1 byte type (0 number/boolean literal, 1 string),
 *            varint value length, value).
 *   SENTS    per document: nsent - 1 varints: the token index of each
 *            sentence start after the first, as gaps from the previous.
 *   TEXT     zstd frames, each holding consecutive whole documents' original
 *            bytes (a new frame starts when the current one reaches
 *            NGX_TEXT_FRAME bytes). Absent with --no-text.
 *
 * POSTINGS of one term with df documents (B = NGIDX_BLOCK = 128):
 *   nblocks = ceil(df / B); blocks hold B documents, the last one the rest.
 *   Each block, in order:
 *     doc gaps   g = doc - prev - 1 (prev = last doc of the previous block,
 *                -1 for the first): a full block is one pfor block of B
 *                values, a partial block holds varints;
 *     tf - 1     same coding; absent when df == 1 (then tf = cf);
 *     positions  (n == 1 only) for each document in order, its tf token
 *                positions as gaps (first position as is, then
 *                pos - prev - 1); the values of the whole block are cut in
 *                runs of B: full runs are pfor blocks, the rest varints.
 *   If nblocks > 1, a skip table ends the term: nblocks entries of 16 bytes
 *   {u64 offset of the block from the term's start; u32 last doc of the
 *   block; u32 zero}.
 */
#ifndef NGIDX_FORMAT_IDX_FORMAT_H
#define NGIDX_FORMAT_IDX_FORMAT_H

#include <stdint.h>

#define NGX_MAGIC "NGIDX\0\r\n"
#define NGX_MAGIC_LEN 8
#define NGX_CANARY 0x01020304u
#define NGX_HEADER_SIZE 64
#define NGX_SECTION_SIZE 32
#define NGX_TRAILER_SIZE 8
#define NGX_ALIGN 64
#define NGX_MAX_SECTIONS 64

#define NGX_FLAG_TEXT 1u

#define NGIDX_MAX_N 16          /* largest --max-n */
#define NGX_TEXT_FRAME (64u << 10) /* target uncompressed bytes per frame */

enum ngx_section_kind {
	NGX_SEC_INFO = 1,
	NGX_SEC_LEXICON = 2,
	NGX_SEC_LEXDIR = 3,
	NGX_SEC_TERMTEXT = 4,
	NGX_SEC_POSTINGS = 5,
	NGX_SEC_DOCS = 6,
	NGX_SEC_DOCSTR = 7,
	NGX_SEC_SENTS = 8,
	NGX_SEC_TEXT = 9,
	NGX_SEC_LEXDATA = 10,
	NGX_SEC_TOPLIST = 11,  /* precomputed top n-grams (top.c) */
	NGX_SEC_CONT = 12,     /* continuation lists: n-grams extending a term */
	NGX_SEC_ACTORS = 13,   /* the actor table */
	NGX_SEC_ACTSTR = 14,   /* actor ids, names, types and aliases */
	NGX_SEC_COOC = 15,     /* co-occurrence matrices (CSR), three levels */
	NGX_SEC_KIND_MAX = 15
};

/* INFO section (all u64 for simplicity of layout). */
struct ngx_info {
	uint64_t ndocs;
	uint64_t ntokens;
	uint64_t nsentences;
	uint64_t nterms;               /* lexicon entries, sentinel excluded */
	uint64_t nterms_n[NGIDX_MAX_N]; /* nterms_n[k] = terms with n == k+1 */
	uint64_t cf_n[NGIDX_MAX_N];     /* occurrences of all n-grams of n == k+1 */
	uint64_t input_bytes;          /* document text bytes indexed */
	uint64_t dir_bits;             /* b of LEXDIR */
	uint64_t max_doc_tokens;       /* longest document, in tokens */
	uint64_t reserved[5];
};

/* LEXICON block header, 24 bytes. */
struct ngx_lex_block {
	uint64_t data_off; /* in LEXDATA */
	uint64_t post_off; /* in POSTINGS, of the block's first term */
	uint64_t text_off; /* in TERMTEXT, of the block's first term */
};

#define NGX_LEX_BLOCK 16  /* terms per lexicon block */
#define NGX_HASH40(h) ((h) >> 24)

/* A term of the build's merge output (temporary files only). */
struct ngx_lex_entry {
	uint64_t hash;
	uint64_t cf;       /* occurrences */
	uint64_t post_off; /* in POSTINGS */
	uint64_t text_off; /* in TERMTEXT */
	uint32_t df;       /* documents */
	uint8_t n;         /* tokens in the n-gram */
	uint8_t zero[3];
};

/* DOCS entry, 48 bytes. */
struct ngx_doc_entry {
	uint64_t str_off;   /* in DOCSTR */
	uint64_t sent_off;  /* in SENTS */
	uint64_t text_off;  /* in TEXT: the frame holding this document */
	uint32_t text_pos;  /* offset of the document in the uncompressed frame */
	uint32_t text_len;  /* original bytes */
	uint32_t ntokens;
	uint32_t date;      /* YYYYMMDD, 00 for missing month/day, 0 = none */
	uint32_t nsent;
	uint32_t flags;     /* bit 0: the text had invalid UTF-8 or NUL bytes */
};

#define NGX_DOC_BAD_UTF8 1u

_Static_assert(sizeof(struct ngx_lex_block) == 24, "lexicon block layout");
_Static_assert(sizeof(struct ngx_doc_entry) == 48, "doc entry layout");
_Static_assert(sizeof(struct ngx_info) % 8 == 0, "info layout");

#endif
