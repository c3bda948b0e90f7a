/*
 * varint.c - LEB128 variable-length integers.
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
 *
 * The code lives in varint_impl.h so that pfor.c can inline it; these are
 * the out-of-line public entry points.
 */
#include "codec.h"
#include "varint_impl.h"

size_t ngidx_varint_put(uint8_t *p, uint64_t v) { return varint_put_inline(p, v); }

int ngidx_varint_get(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	return varint_get_inline(p, end, v, NGIDX_VARINT64_MAX, 0x01);
}

int ngidx_varint_get32(const uint8_t **p, const uint8_t *end, uint32_t *v)
{
	uint64_t r;
	if (varint_get_inline(p, end, &r, NGIDX_VARINT32_MAX, 0x0f) != 0)
		return -1;
	*v = (uint32_t)r;
	return 0;
}
