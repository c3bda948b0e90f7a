/*
 * varint.h - LEB128 variable-length integers, inline: the postings
 * accumulator, the run readers and pfor.c call them once per integer.
 *
 * Format. A value is cut into 7-bit groups, lowest group first; each group
 * takes one byte whose bit 7 says "another byte follows". So 0..127 take
 * one byte, 128..16383 two, and a u64 at most ten (9 * 7 = 63 bits, the
 * tenth byte carries only bit 63 and so must be 0 or 1). A u32 takes at
 * most five bytes, the fifth carrying bits 28..31 and so at most 0x0f.
 *
 * Invariants of the readers:
 *  - they never read at or past the end pointer: every byte read is
 *    preceded by a bounds check, so a value cut short by the end of the
 *    buffer is an error, not an over-read;
 *  - they reject a value that does not end within 10 (u64) or 5 (u32)
 *    bytes and one whose last byte has bits above the type's range, so a
 *    decoded value is always exact (no silent truncation of high bits);
 *  - on error *p is left unchanged, so a caller can report the offset of
 *    the bad varint.
 * Overlong forms that still end within the length limit (0x80 0x00 for 0)
 * are accepted; the writer never produces them.
 */
#ifndef NGIDX_CODEC_VARINT_H
#define NGIDX_CODEC_VARINT_H

#include <stddef.h>
#include <stdint.h>

/* Bytes at most for one varint of a u32 / u64. */
#define NGIDX_VARINT32_MAX 5
#define NGIDX_VARINT64_MAX 10

/* Bytes needed by the LEB128 form of @v (1..10); 0 costs one byte. */
static inline size_t varint_len(uint64_t v)
{
	size_t len = 1;
	while (v >= 0x80) {
		v >>= 7;
		len++;
	}
	return len;
}

/* Write @v as LEB128 at @p (low 7-bit group first); @return bytes written. */
static inline size_t varint_put_inline(uint8_t *p, uint64_t v)
{
	size_t i = 0;
	while (v >= 0x80) {
		p[i++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[i++] = (uint8_t)v;
	return i;
}

/*
 * Read one LEB128 value of at most @max_len bytes (1..10) from *@p, never
 * reading at or past @end. The byte at index @max_len - 1 may carry at most
 * @last_max (so with max_len 10 and last_max 1 any u64 is accepted, with 5
 * and 0x0f exactly the u32 range). Overlong forms within @max_len bytes
 * (0x80 0x00 for 0) are accepted, as most LEB128 readers do.
 * @return 0 and advance *@p, or -1 (truncated, too long, too large).
 */
static inline int varint_get_inline(const uint8_t **p, const uint8_t *end, uint64_t *v,
				    unsigned max_len, unsigned last_max)
{
	const uint8_t *q = *p;
	uint64_t r = 0;
	for (unsigned i = 0; i < max_len; i++) {
		if (q >= end)
			return -1; /* truncated */
		const unsigned byte = *q++;
		if (i == max_len - 1) {
			/* Last allowed byte: no continuation, and the bits above
			 * the value's range must be clear. */
			if (byte > last_max)
				return -1;
		}
		r |= (uint64_t)(byte & 0x7f) << (7 * i);
		if (byte < 0x80) {
			*v = r;
			*p = q;
			return 0;
		}
	}
	return -1; /* unreachable: the last byte either ends or fails above */
}

/* Write @v as LEB128 at @p; @return the bytes written (1..10). */
static inline size_t ngidx_varint_put(uint8_t *p, uint64_t v) { return varint_put_inline(p, v); }

/*
 * Read one LEB128 value from *@p (advanced past it), never reading at or
 * past @end. @return 0, or -1 if truncated or longer than 10 bytes or
 * overflowing 64 bits.
 */
static inline int ngidx_varint_get(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	return varint_get_inline(p, end, v, NGIDX_VARINT64_MAX, 0x01);
}

/* Same, but the value must fit in 32 bits (else -1). */
static inline int ngidx_varint_get32(const uint8_t **p, const uint8_t *end, uint32_t *v)
{
	uint64_t r;
	if (varint_get_inline(p, end, &r, NGIDX_VARINT32_MAX, 0x0f) != 0)
		return -1;
	*v = (uint32_t)r;
	return 0;
}

#endif
