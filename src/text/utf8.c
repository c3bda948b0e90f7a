/*
 * utf8.c - UTF-8 validation.
 *
 * Well-formed UTF-8 is defined by Unicode 15, table 3-7: a lead byte C2-DF,
 * E0-EF or F0-F4 followed by one, two or three continuation bytes 80-BF,
 * where the second byte is further restricted after E0 (A0-BF: no overlong
 * 3-byte forms), ED (80-9F: no surrogates), F0 (90-BF: no overlong 4-byte
 * forms) and F4 (80-8F: nothing above U+10FFFF). Bytes C0, C1 and F5-FF
 * never occur. The analyzer uses the same definition through
 * ngidx_utf8_decode (text_internal.h), so ngidx_utf8_check(p, n) == n
 * exactly when ngidx_analyze reports ninvalid == 0.
 *
 * Speed: text is mostly ASCII, so the loop tests eight bytes at a time for
 * a set high bit (an unaligned 64-bit load through memcpy, which compilers
 * turn into one instruction) and decodes only the words that hold a
 * non-ASCII byte, from that byte on.
 */
#include "analyze.h"
#include "text_internal.h"

#include <string.h>

#define HIGH_BITS 0x8080808080808080ull

size_t ngidx_utf8_check(const char *p, size_t n)
{
	const uint8_t *const s = (const uint8_t *)p;
	const uint8_t *const e = s + n;
	size_t i = 0;

	while (i < n) {
		/* Fast path: whole words of ASCII. */
		while (n - i >= 8) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & HIGH_BITS) {
				i += (size_t)__builtin_ctzll(w & HIGH_BITS) >> 3;
				break;
			}
			i += 8;
		}
		/* Byte by byte up to the end of the ASCII stretch, then decode. */
		while (i < n && s[i] < 0x80)
			i++;
		while (i < n && s[i] >= 0x80) {
			int32_t cp;
			const int k = ngidx_utf8_decode(s + i, e, &cp);
			if (k < 0)
				return i;
			i += (size_t)k;
		}
	}
	return n;
}
