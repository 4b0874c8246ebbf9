/*
 * bytes.h - little-endian integers and LEB128 varints, the only way integers
 * reach bytes on disk (docs/FORMAT.md, "Encodings").
 *
 * Every decoder takes (p, end) and refuses to read past `end`: a truncated or
 * overlong varint is reported, never read beyond the buffer.
 */
#ifndef KZ_BYTES_H
#define KZ_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The longest LEB128 encoding of a 64-bit value. */
#define KZ_VARINT_MAX_BYTES 10

static inline void kz_store_u16le(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static inline void kz_store_u32le(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static inline void kz_store_u64le(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t kz_load_u16le(const uint8_t *p) {
  return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t kz_load_u32le(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t kz_load_u64le(const uint8_t *p) {
  return (uint64_t)kz_load_u32le(p) | ((uint64_t)kz_load_u32le(p + 4) << 32);
}

/* Writes v as LEB128 at p (room for KZ_VARINT_MAX_BYTES); returns bytes written. */
static inline size_t kz_varint_put(uint8_t *p, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    p[n++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  p[n++] = (uint8_t)v;
  return n;
}

/* Bytes kz_varint_put would write for v. */
static inline size_t kz_varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

/*
 * Reads one LEB128 value from [*p, end) into *out and advances *p.
 * @return 0, or -1 when the input ends inside the value or it overflows 64 bits.
 */
static inline int kz_varint_get(const uint8_t **p, const uint8_t *end, uint64_t *out) {
  const uint8_t *q = *p;
  if (q < end && *q < 0x80) { /* the common one-byte case */
    *out = *q;
    *p = q + 1;
    return 0;
  }
  uint64_t v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (q >= end) return -1;
    uint8_t b = *q++;
    if (shift == 63 && b > 1) return -1;
    v |= (uint64_t)(b & 0x7f) << shift;
    if (b < 0x80) {
      *out = v;
      *p = q;
      return 0;
    }
  }
  return -1;
}

/* As kz_varint_get, refusing values above UINT32_MAX. */
static inline int kz_varint_get32(const uint8_t **p, const uint8_t *end, uint32_t *out) {
  uint64_t v;
  if (kz_varint_get(p, end, &v) != 0 || v > UINT32_MAX) return -1;
  *out = (uint32_t)v;
  return 0;
}

#endif /* KZ_BYTES_H */
