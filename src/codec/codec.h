/*
 * codec.h - integer codecs for postings: LEB128 varints, a patched
 * frame-of-reference block codec (bit-packing with exceptions) for blocks of
 * up to NGIDX_BLOCK integers, and Rice codes for shorter groups.
 *
 * Ownership: codecs write into caller-owned buffers and allocate nothing;
 * size the output with the _bound functions. They do no I/O.
 *
 * Every decoder takes an end pointer and never reads at or past it; on
 * malformed input it returns 0 (block codec) or -1 (varint, Rice) and
 * leaves the output undefined. Decoders never read past the end (no
 * over-read slack is needed).
 */
#ifndef NGIDX_CODEC_CODEC_H
#define NGIDX_CODEC_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "varint.h"

#define NGIDX_BLOCK 128 /* integers per full block */

/* Worst-case bytes of ngidx_pfor_encode for @n integers (n <= NGIDX_BLOCK). */
size_t ngidx_pfor_bound(size_t n);

/*
 * ngidx_pfor_encode - encode @n (1..NGIDX_BLOCK) unsigned integers.
 * The codec chooses a bit width b so that most values fit in b bits and
 * stores the rest as exceptions (their positions and high bits); the
 * choice minimises the encoded size. @return bytes written, at most
 * ngidx_pfor_bound(n). Deterministic: the same input gives the same bytes.
 */
size_t ngidx_pfor_encode(const uint32_t *in, size_t n, uint8_t *out);

/*
 * ngidx_pfor_decode - decode @n integers encoded by ngidx_pfor_encode with
 * the same @n from [@in, @end). @return bytes consumed (> 0), or 0 if the
 * input is malformed or would need bytes at or past @end.
 * Thread-safe. Cost: O(n), no branches per integer on the packed part.
 */
size_t ngidx_pfor_decode(const uint8_t *in, const uint8_t *end, uint32_t *out, size_t n);

/*
 * ngidx_pfor_size - the bytes of the block of @n integers at [@in, @end)
 * without decoding it: the header, the packed part and the exceptions'
 * varints. @return what ngidx_pfor_decode would consume for a valid block,
 * or 0 if the header or an exception runs past @end (the values are not
 * checked: a later ngidx_pfor_decode of the block does). Cost O(exceptions).
 */
size_t ngidx_pfor_size(const uint8_t *in, const uint8_t *end, size_t n);

/* Rice codes (rice.c): the groups of NGIDX_RICE_MIN to NGIDX_BLOCK - 1
 * values of a postings list; a value of NGIDX_RICE_ESC << k or more is
 * escaped (32 bits as is). */
#define NGIDX_RICE_MIN 4
#define NGIDX_RICE_ESC 24

/* Worst-case bytes of ngidx_rice_encode for @n integers. */
size_t ngidx_rice_bound(size_t n);

/* The parameter k (0..31) that ngidx_rice_encode uses for @v[0..@n):
 * the one giving the fewest bits. Cost O(n) per k tried (a few). */
unsigned ngidx_rice_param(const uint32_t *v, size_t n);

/*
 * ngidx_rice_encode - write @n integers as one Rice group (k, then each
 * value's unary quotient and k low bits, padded to a byte) at @out.
 * @return bytes written, at most ngidx_rice_bound(n). Deterministic.
 */
size_t ngidx_rice_encode(const uint32_t *v, size_t n, uint8_t *out);

/*
 * ngidx_rice_decode - decode @n integers of a group from *@p (advanced past
 * it), never reading at or past @end. @return 0, or -1 if the group is cut
 * short, a value overflows 32 bits or the padding bits are not zero.
 * Thread-safe. Cost O(n).
 */
int ngidx_rice_decode(const uint8_t **p, const uint8_t *end, uint32_t *v, size_t n);

#endif
