/*
 * idx_format.h - the on-disk layout of an ngidx index file (format 2.0).
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
 *                and header fields
 *   12     4    endianness canary 0x01020304
 *   16     4    analyzer id (NGIDX_ANALYZER_ID of the build)
 *   20     4    flags: bit 0 = document text stored
 *   24     4    max n (1..NGIDX_MAX_N)
 *   28     4    min df (n-grams with n >= 2 and fewer documents were dropped)
 *   32     8    file size in bytes, trailer included
 *   40     4    number of sections
 *   44     4    min count (n-grams with n >= 2 seen fewer times were dropped;
 *                0 is read as 1)
 *   48     16   zero
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
 *            term), varint df, varint text length << 1 | (cf > df), then
 *            varint cf - df - 1 only if cf > df, varint postings length. n
 *            is 1 + the number of spaces in the text.
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
 *            NGX_TEXT_FRAME bytes). A long document (one the build reads in
 *            pieces) has frames of its own instead: NGX_TEXT_FRAME bytes
 *            each but the last, its text_pos 0; a reader decompresses
 *            frames from text_off until it holds the document. Absent with
 *            --no-text.
 *
 *   DATES    (optional; date filters) one struct ngx_date_entry per dated
 *            document, sorted by (date, doc): the documents of a date
 *            range are a slice found by binary search.
 *   NTERMS   (optional; keyness, scans by n) for each n, a bitmap of the
 *            n-grams of n tokens with at least NGX_NTERMS_MIN_CF
 *            occurrences, so that a walk over the terms of one n does not
 *            decode the whole lexicon:
 *              0      4    max n (as in the header)
 *              4      4    zero
 *              8      4    min cf (NGX_NTERMS_MIN_CF)
 *              12     4    zero
 *              16     16 x max n: per n = 1..max n {u64 count of its set
 *                          bits, u64 offset of its bitmap in the bitmaps
 *                          area, in bytes: (n - 1) x ceil(nterms / 8)}
 *              then   the bitmaps, ceil(nterms / 8) bytes each: bit i
 *                     (bit i mod 8 of byte i / 8) is set when term i is
 *                     listed; the bits past nterms are zero. The section
 *                     ends with the last bitmap.
 *   FIELDS   (optional; --where) for every metadata FIELD=VALUE, the
 *            documents that have it: struct ngx_fields_head, the groups
 *            (struct ngx_field_group, by hash), the hashes of groups whose
 *            documents disagree on the text (a 64-bit collision: left out,
 *            readers scan instead), then each group's documents as varint
 *            gaps (the first as is).
 *   TOPLIST  (optional; `ngidx top`) the NGX_TOP_K most frequent n-grams
 *            of each n, by occurrences and by documents:
 *              OFFSET SIZE MEANING
 *              0      4    K (NGX_TOP_K of the build: the cap of a list)
 *              4      4    max n (as in the header)
 *              8      4    w = ngx_id_bits(nterms): bits per term id
 *              12     4    zero
 *              16     16 x max n: per n = 1..max n {u64 total, u64 len}:
 *                          total = terms with that n (pseudo-terms
 *                          excluded), len = min(K, total)
 *              then   the lists, bit-packed (below): for n = 1..max n the
 *                     len ids by occurrences, then the len ids by documents.
 *            Orders (total, so every list is the exact head of the ranking
 *            of all terms of its n): by occurrences = cf desc, df desc,
 *            text bytes asc; by documents = df desc, cf desc, text asc.
 *   CONT     (optional, absent when max n is 1; `ngidx top --prefix` and
 *            wildcards) for every term, the terms one token longer that
 *            extend it on the right (t x) and on the left (x t):
 *              0      8    nterms (as INFO)
 *              8      8    w = ngx_id_bits(nterms)
 *              16     8    D, the length of the records area
 *              24     8 x (ceil(nterms / NGX_CONT_GROUP) + 1): u64 offset
 *                          in the records area of the record of term
 *                          g * NGX_CONT_GROUP; the last one is D
 *              then   D bytes of records, one per term in id order: varint
 *                     r << 1 | (l > 0), then varint l if l > 0, then r + l
 *                     ids bit-packed (r right continuations, then l left
 *                     ones), zero bits up to the next byte. Each list is ordered by cf desc, df
 *                     desc, id asc (readers order ties by text themselves).
 *                     Pseudo-terms (text starting with a byte < 0x20) and
 *                     terms of max n tokens have r = l = 0.
 *   Bit-packed ids: value i occupies bits [i w, i w + w) of the stream, bit
 *   j of the stream being bit j mod 8 of byte j / 8 (LSB first).
 *
 * POSTINGS of one term with df documents (B = NGIDX_BLOCK = 128):
 *   nblocks = ceil(df / B); blocks hold B documents, the last one the rest.
 *   Each block, in order:
 *     doc gaps   g = doc - prev - 1 (prev = last doc of the previous block,
 *                -1 for the first): a full block is one pfor block of B
 *                values, a partial block of NGIDX_RICE_MIN (4) values or
 *                more one Rice group (codec/rice.c), of fewer varints;
 *     tf - 1     same coding; absent when df == 1 (then tf = cf) and when
 *                cf == df (then every tf is 1);
 *     positions  (n == 1 only) for each document in order, its tf token
 *                positions as gaps (first position as is, then
 *                pos - prev - 1); the values of the whole block are cut in
 *                runs of B: full runs are pfor blocks, the rest is coded
 *                as a partial block's gaps (a Rice group, or varints).
 *   If nblocks > 1, a skip table ends the term: nblocks entries of 16 bytes
 *   {u64 offset of the block from the term's start; u32 last doc of the
 *   block; u32 zero}.
 */
#ifndef NGIDX_FORMAT_IDX_FORMAT_H
#define NGIDX_FORMAT_IDX_FORMAT_H

#include <stdint.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

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
	NGX_SEC_DATES = 16,    /* dated documents in date order (date filters) */
	NGX_SEC_NTERMS = 17,   /* the terms of each n seen NGX_NTERMS_MIN_CF times */
	NGX_SEC_FIELDS = 18,   /* per metadata FIELD=VALUE, its documents */
	NGX_SEC_KIND_MAX = 18
};

/* FIELDS: the header, then ngroups groups sorted by hash, then ncollided
 * u64 hashes (sorted), then the lists (varint document gaps). */
struct ngx_fields_head {
	uint64_t ngroups, ncollided, lists_len, zero;
};

struct ngx_field_group {
	uint64_t hash;      /* ngx_field_hash of the key and value */
	uint64_t off;       /* of its list in the lists area */
	uint32_t count;     /* documents */
	uint32_t zero;
};

/* The hash of metadata FIELD=VALUE in FIELDS (the value's type aside, as
 * --where compares). */
static inline uint64_t ngx_field_hash(const char *k, size_t kl, const char *v, size_t vl)
{
	return XXH3_64bits_withSeed(v, vl, XXH3_64bits_withSeed(k, kl, kl));
}

/* DATES entry: the dated documents sorted by (date, doc). */
struct ngx_date_entry {
	uint32_t date;      /* YYYYMMDD as in DOCS, never 0 */
	uint32_t doc;
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
	uint64_t actor_terms;          /* lexicon entries that are actor terms */
	uint64_t reserved[4];
};

/* LEXICON block header, 24 bytes. */
struct ngx_lex_block {
	uint64_t data_off; /* in LEXDATA */
	uint64_t post_off; /* in POSTINGS, of the block's first term */
	uint64_t text_off; /* in TERMTEXT, of the block's first term */
};

#define NGX_LEX_BLOCK 16  /* terms per lexicon block */

/*
 * TOPLIST cap: 4096 ids per n and order. Any k up to 4096 is answered from
 * the list alone when no filter hides rows, and filters (stop words, a
 * minimum of documents) leave a wide margin before a list runs out and the
 * query has to scan the lexicon; the cost is 2 x max n x 4096 x w bits
 * (64 KB for the Brown corpus at max n 3), nothing next to the lexicon.
 */
#define NGX_TOP_K 4096u
#define NGX_NTERMS_MIN_CF 2u /* NTERMS lists the terms seen this often */
#define NGX_CONT_GROUP 16 /* CONT records per group-table entry */

/* Bits per bit-packed term id: enough for nterms - 1, at least 1. */
static inline unsigned ngx_id_bits(uint64_t nterms)
{
	unsigned w = 1;
	while (w < 64 && (nterms - 1) >> w && nterms > 1)
		w++;
	return w;
}

/*
 * Actor terms: lexicon entries that are not n-grams. Their text starts with
 * a byte below 0x20, which no token holds, so no phrase finds them; n and
 * positions follow the usual rule (n = 1 + spaces; positions when n == 1).
 *   "\x01A"       the mentions of actor A (decimal number in the actor
 *                 table): df documents, cf mentions, positions = the first
 *                 token of each mention.
 *   "\x02s A"     tf = sentences of the document that mention A.
 *   "\x02d A B"   A < B: tf = 1 in each document mentioning both.
 *   "\x02s A B"   tf = sentences mentioning both.
 *   "\x02w A B"   tf = pairs of mentions of A and B whose first tokens are
 *                 at most `window` tokens apart.
 * They are never dropped by min df and not counted in INFO's n-gram totals.
 */
#define NGX_ACT_MENTION 0x01
#define NGX_ACT_COUNT 0x02

static inline int ngx_is_actor_term(const char *s, size_t len)
{
	return len && (unsigned char)s[0] < 0x20;
}

/* The largest n a term of text @s may have in an index of @max_n. */
static inline unsigned ngx_term_n_limit(const char *s, size_t len, unsigned max_n)
{
	return ngx_is_actor_term(s, len) ? 3 : max_n;
}
#define NGX_HASH40(h) ((h) >> 24)

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

/* ACTORS section: a header, then nactors + 1 entries (sentinel last: its
 * str_off is the length of ACTSTR). */
struct ngx_actors_head {
	uint64_t nactors;
	uint64_t naliases;
	uint64_t window;       /* K of the window level */
	uint64_t zero[5];
};

struct ngx_actor_entry {
	uint64_t str_off;      /* in ACTSTR */
	uint64_t mentions;     /* all mentions (cf of "\x01A") */
	uint64_t sentences;    /* sentences mentioning the actor */
	uint32_t docs;         /* documents mentioning the actor */
	uint32_t naliases;
};

/* COOC section: a header, then per level (doc, sentence, window, at the
 * offsets given, relative to the section): rowptr u64[nactors + 1], cols
 * u32[nnz] (zero-padded to 8 bytes), counts u64[nnz]. Symmetric: the pair
 * (a, b) is in row a and in row b; a row's columns increase. */
#define NGX_COOC_LEVELS 3
struct ngx_cooc_head {
	struct {
		uint64_t off;
		uint64_t nnz;
	} level[NGX_COOC_LEVELS];
	uint64_t zero[2];
};

_Static_assert(sizeof(struct ngx_actors_head) == 64, "actors header layout");
_Static_assert(sizeof(struct ngx_actor_entry) == 32, "actor entry layout");
_Static_assert(sizeof(struct ngx_cooc_head) == 64, "cooc header layout");

_Static_assert(sizeof(struct ngx_lex_block) == 24, "lexicon block layout");
_Static_assert(sizeof(struct ngx_doc_entry) == 48, "doc entry layout");
_Static_assert(sizeof(struct ngx_info) % 8 == 0, "info layout");

#endif
