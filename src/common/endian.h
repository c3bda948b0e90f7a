/*
 * endian.h - little-endian fixed-width loads and stores that are safe on
 * unaligned pointers. The index format is little-endian everywhere; on a
 * big-endian host these would byte-swap (the build refuses such hosts today).
 */
#ifndef NGIDX_COMMON_ENDIAN_H
#define NGIDX_COMMON_ENDIAN_H

#include <stdint.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ngidx supports little-endian hosts only"
#endif

static inline uint16_t ngidx_le16(const void *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t ngidx_le32(const void *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t ngidx_le64(const void *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline void ngidx_put16(void *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void ngidx_put32(void *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void ngidx_put64(void *p, uint64_t v) { memcpy(p, &v, 8); }

#endif
