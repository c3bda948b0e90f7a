/*
 * varint_impl.h - private inline LEB128 helpers shared by varint.c (which
 * wraps them as the public ngidx_varint_* functions) and pfor.c (which
 * stores the high bits of its exceptions as varints and wants them inlined
 * in its patch loop).
 *
 * Ownership: pure functions on caller-owned buffers; nothing is allocated.
 * Bounds: readers never touch a byte at or past @end and leave *@p
 * unchanged on failure; writers write exactly the returned byte count.
 */
#ifndef NGIDX_CODEC_VARINT_IMPL_H
#define NGIDX_CODEC_VARINT_IMPL_H

#include <stddef.h>
#include <stdint.h>

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

#endif
