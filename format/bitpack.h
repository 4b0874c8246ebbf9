/*
 * bitpack.h - the bit-packing kernels under the postings codec
 * (docs/FORMAT.md, "Runs"). Two layouts of unsigned values of `bits` bits
 * (0..32):
 *
 *   vertical, exactly 128 values (16 * bits bytes): value i sits in lane
 *     i % 4 at row i / 4. Lane l is a little-endian bit stream made of the
 *     32-bit words l, l + 4, l + 8, ... of the run, and row r occupies its
 *     bits [r * bits, r * bits + bits), least significant first. One 16-byte
 *     load therefore holds the same row of all four lanes, so SIMD code
 *     decodes four (SSE) or eight (AVX2) values per instruction with plain
 *     shifts (the layout of Lemire and Boytsov's SIMD-BP128).
 *   horizontal, any count (ceil(n * bits / 8) bytes): value i occupies bits
 *     [i * bits, i * bits + bits) of a little-endian byte stream. Used for
 *     short runs, where byte granularity saves more than SIMD would.
 *
 * Decoding the vertical layout has a scalar, an SSE4.1 and an AVX2 version
 * with bit-identical results, picked once per opened segment (see
 * kz_unpacker_default). Every kernel trusts its caller to have checked that
 * the input holds the bytes it needs.
 */
#ifndef KZ_BITPACK_H
#define KZ_BITPACK_H

#include <stddef.h>
#include <stdint.h>

#define KZ_PACK_VALUES 128

typedef enum kz_simd_level {
  KZ_SIMD_SCALAR, /* portable C */
  KZ_SIMD_SSE41,  /* x86-64 with SSE4.1 */
  KZ_SIMD_AVX2,   /* x86-64 with AVX2 */
  KZ_SIMD_LEVELS
} kz_simd_level;

/* The decoders of one instruction set. Results never depend on the level. */
typedef struct kz_unpacker {
  kz_simd_level level;
  /* out[i] = value i + add (mod 2^32), i < 128, from the vertical layout. */
  void (*unpack)(const uint8_t *in, unsigned bits, uint32_t add, uint32_t *out);
  /*
   * Delta decoding fused with unpacking: out[i] = base + sum over j <= i of
   * (value j + 1), mod 2^32. Turns gaps stored as d[i] - d[i-1] - 1 into doc ids.
   */
  void (*unpack_prefix)(const uint8_t *in, unsigned bits, uint32_t base, uint32_t *out);
  /* In place: v[i] = base + v[0] + ... + v[i] (mod 2^32), 128 values. */
  void (*prefix)(uint32_t *v, uint32_t base);
  /* The same for any number of values (a document's positions). */
  void (*scan)(uint32_t *v, size_t n, uint32_t base);
  /*
   * The set bits of a bitset as numbers: out gets first + j for every set
   * bit j (bit j % 8 of byte j / 8), increasing, while there is room for
   * them (at most cap are written). @return the number of set bits.
   */
  size_t (*bitset)(const uint8_t *bits, size_t bytes, uint32_t first, uint32_t *out, size_t cap);
} kz_unpacker;

/* The decoders of `level`, or NULL when this CPU or build cannot run them. */
const kz_unpacker *kz_unpacker_get(kz_simd_level level);

/*
 * The fastest decoders this CPU runs, unless the environment variable
 * KZ_SIMD names a level ("scalar", "sse4.1", "avx2") that it can run: tests
 * use it to run the whole suite on each path.
 */
const kz_unpacker *kz_unpacker_default(void);

/* "scalar", "sse4.1", "avx2"; "?" for anything else. */
const char *kz_simd_level_name(kz_simd_level level);

/* Packs 128 values (only their low `bits` bits) in the vertical layout: 16 * bits bytes. */
void kz_pack128(const uint32_t *in, unsigned bits, uint8_t *out);

/* Bytes of n values at `bits` bits in the horizontal layout. */
static inline size_t kz_packbytes_size(size_t n, unsigned bits) {
  return (n * bits + 7) / 8;
}
/* Packs the low `bits` bits of n values in the horizontal layout; returns the bytes written. */
size_t kz_packbytes(const uint32_t *in, size_t n, unsigned bits, uint8_t *out);
/* out[i] = value i + add; reads exactly kz_packbytes_size(n, bits) bytes. */
void kz_unpackbytes(const uint8_t *in, size_t n, unsigned bits, uint32_t add, uint32_t *out);

/* The number of bits of v: 0 for 0, else 1 + floor(log2 v). */
static inline unsigned kz_bit_length(uint32_t v) {
#if defined(__GNUC__) || defined(__clang__)
  return v ? 32u - (unsigned)__builtin_clz(v) : 0u;
#else
  unsigned b = 0;
  for (; v; v >>= 1) b++;
  return b;
#endif
}

#endif /* KZ_BITPACK_H */
