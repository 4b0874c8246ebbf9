/*
 * bitpack.c - packing and unpacking kernels (see bitpack.h for the layouts).
 *
 * Each vertical kernel is written once as an always-inline function of the
 * width and instantiated for every width 0..32 through a switch, so that in
 * each instance the word index and shift of every row are constants: the
 * unrolled body is a load, a shift, an or for straddling rows, a mask and a
 * store per row, with no dependency between rows.
 *
 * Delta decoding is the serial part of a naive decoder: every doc id waits
 * for the previous one. The SIMD versions first add up each vector of gaps
 * on its own (two shift-and-add steps for four lanes, and one more across
 * the halves of an AVX2 vector), then add the running total; the running
 * total itself advances by a broadcast of the vector's last sum, which
 * does not depend on the total, so the chain that carries from vector to
 * vector is a single add.
 *
 * Everything x86-specific sits inside #if KZ_X86 and is compiled through
 * target attributes, so no global -msse4.1 or -mavx2 is needed and other
 * CPUs build the scalar kernels only.
 */
#include "format/bitpack.h"

#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KZ_X86 1
#include <immintrin.h>
#else
#define KZ_X86 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* The low `b` bits set, b in 0..32 (computed in 64 bits so that b = 32 is defined). */
#define MASK32(b) ((uint32_t)(((uint64_t)1 << (b)) - 1))

/* Expands M(B) for every width 1..32; width 0 is handled by each dispatcher. */
#define REPWIDTHS(M)                                                           \
  M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14)   \
  M(15) M(16) M(17) M(18) M(19) M(20) M(21) M(22) M(23) M(24) M(25) M(26)      \
  M(27) M(28) M(29) M(30) M(31) M(32)

/* ---- packing (scalar; the writer's side) -------------------------------- */

void kz_pack128(const uint32_t *in, unsigned bits, uint8_t *out) {
  uint32_t words[4 * 32] = {0};
  for (unsigned i = 0; i < KZ_PACK_VALUES; i++) {
    unsigned lane = i & 3, bit = (i >> 2) * bits, k = bit >> 5, s = bit & 31;
    uint64_t v = (uint64_t)(in[i] & MASK32(bits)) << s;
    words[4 * k + lane] |= (uint32_t)v;
    if (s + bits > 32) words[4 * (k + 1) + lane] |= (uint32_t)(v >> 32);
  }
  for (unsigned j = 0; j < 4 * bits; j++) kz_store_u32le(out + 4 * j, words[j]);
}

size_t kz_packbytes(const uint32_t *in, size_t n, unsigned bits, uint8_t *out) {
  uint8_t *p = out;
  uint64_t acc = 0;
  unsigned have = 0;
  for (size_t i = 0; i < n; i++) {
    acc |= (uint64_t)(in[i] & MASK32(bits)) << have;
    have += bits;
    while (have >= 8) {
      *p++ = (uint8_t)acc;
      acc >>= 8;
      have -= 8;
    }
  }
  if (have) *p++ = (uint8_t)acc;
  return (size_t)(p - out);
}

void kz_unpackbytes(const uint8_t *in, size_t n, unsigned bits, uint32_t add, uint32_t *out) {
  const uint32_t mask = MASK32(bits);
  const size_t len = kz_packbytes_size(n, bits);
  size_t i = 0;
  /* While eight bytes from a value's first byte lie inside the run, one load holds the value. */
  for (; i < n && (i * bits >> 3) + 8 <= len; i++) {
    size_t bit = i * bits;
    out[i] = ((uint32_t)(kz_load_u64le(in + (bit >> 3)) >> (bit & 7)) & mask) + add;
  }
  /* The last few: a window fed one byte at a time, never past the run. */
  const uint8_t *p = in + (i * bits >> 3);
  uint64_t acc = 0;
  unsigned have = 0, skip = (unsigned)(i * bits & 7);
  if (i < n && skip) {
    acc = (uint64_t)(*p++ >> skip);
    have = 8 - skip;
  }
  for (; i < n; i++) {
    while (have < bits) {
      acc |= (uint64_t)*p++ << have;
      have += 8;
    }
    out[i] = ((uint32_t)acc & mask) + add;
    acc >>= bits;
    have -= bits;
  }
}

/* ---- bitsets ---------------------------------------------------------------- */

/*
 * Set bits to numbers, a 64-bit word at a time (Lemire's unrolled decoding):
 * eight numbers are written per step whether or not the word still has
 * that many bits, so the loop has no branch per bit; the extra values land
 * past the word's last one and are overwritten by the next word's. Where
 * that could pass `cap`, the careful loop writes one value per bit.
 * CTZ(w) must be defined for w = 0 (any value will do).
 */
#define DEFINE_BITSET(NAME, ATTR, POPCOUNT, CTZ)                                          \
  ATTR static size_t NAME(const uint8_t *bits, size_t bytes, uint32_t first, uint32_t *out, \
                          size_t cap) {                                                   \
    size_t k = 0;                                                                         \
    for (size_t at = 0; at < bytes; at += 8) {                                            \
      uint64_t w = 0;                                                                     \
      if (bytes - at >= 8)                                                                \
        w = kz_load_u64le(bits + at);                                                     \
      else                                                                                \
        for (size_t j = at; j < bytes; j++) w |= (uint64_t)bits[j] << (8 * (j - at));     \
      uint32_t base = first + (uint32_t)(8 * at);                                          \
      size_t count = (size_t)POPCOUNT(w);                                                 \
      if (k + count + 7 <= cap) {                                                         \
        for (uint32_t *o = out + k; w; o += 8)                                            \
          for (int j = 0; j < 8; j++) {                                                   \
            o[j] = base + (uint32_t)CTZ(w);                                               \
            w &= w - 1;                                                                   \
          }                                                                               \
      } else {                                                                            \
        for (size_t j = k; w; j++, w &= w - 1)                                            \
          if (j < cap) out[j] = base + (uint32_t)CTZ(w);                                  \
      }                                                                                   \
      k += count;                                                                         \
    }                                                                                     \
    return k;                                                                             \
  }

static unsigned popcount_portable(uint64_t w) {
  w -= (w >> 1) & 0x5555555555555555ull;
  w = (w & 0x3333333333333333ull) + ((w >> 2) & 0x3333333333333333ull);
  w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return (unsigned)((w * 0x0101010101010101ull) >> 56);
}

#if defined(__GNUC__) || defined(__clang__)
/* The top bit keeps the count defined for 0 and changes nothing else. */
#define CTZ_PORTABLE(w) __builtin_ctzll((w) | (1ull << 63))
#else
static unsigned ctz_portable(uint64_t w) {
  unsigned n = 0;
  for (w |= 1ull << 63; !(w & 1); w >>= 1) n++;
  return n;
}
#define CTZ_PORTABLE(w) ctz_portable(w)
#endif

DEFINE_BITSET(bitset_scalar, , popcount_portable, CTZ_PORTABLE)

/* ---- vertical unpacking: scalar ----------------------------------------- */

static ALWAYS_INLINE void unpack_scalar_w(const uint8_t *in, uint32_t *out, const unsigned b,
                                          uint32_t add) {
#pragma GCC unroll 32
  for (unsigned r = 0; r < 32; r++) {
    const unsigned bit = r * b, k = bit >> 5, s = bit & 31;
    for (unsigned lane = 0; lane < 4; lane++) {
      uint32_t x = kz_load_u32le(in + 16 * k + 4 * lane) >> s;
      if (s + b > 32) x |= kz_load_u32le(in + 16 * (k + 1) + 4 * lane) << (32 - s);
      out[4 * r + lane] = (x & MASK32(b)) + add;
    }
  }
}

#define SCALAR_CASE(B) \
  case B:              \
    unpack_scalar_w(in, out, B, add); \
    break;

static void unpack_scalar(const uint8_t *in, unsigned bits, uint32_t add, uint32_t *out) {
  switch (bits) {
    REPWIDTHS(SCALAR_CASE)
    default:
      for (unsigned i = 0; i < KZ_PACK_VALUES; i++) out[i] = add;
  }
}

static void prefix_scalar(uint32_t *v, uint32_t base) {
  /* Four partial sums per step keep the carried dependency to one add per four values. */
  for (unsigned i = 0; i < KZ_PACK_VALUES; i += 4) {
    uint32_t s0 = v[i], s1 = s0 + v[i + 1], s2 = s1 + v[i + 2], s3 = s2 + v[i + 3];
    v[i] = base + s0;
    v[i + 1] = base + s1;
    v[i + 2] = base + s2;
    v[i + 3] = base + s3;
    base += s3;
  }
}

static void scan_scalar(uint32_t *v, size_t n, uint32_t base) {
  for (size_t i = 0; i < n; i++) v[i] = base += v[i];
}

static void unpack_prefix_scalar(const uint8_t *in, unsigned bits, uint32_t base, uint32_t *out) {
  unpack_scalar(in, bits, 1, out);
  prefix_scalar(out, base);
}

static const kz_unpacker scalar_unpacker = {KZ_SIMD_SCALAR, unpack_scalar, unpack_prefix_scalar,
                                            prefix_scalar, scan_scalar, bitset_scalar};

#if KZ_X86

/* popcnt and tzcnt (tzcnt of 0 is 64) come with every CPU that has AVX2. */
DEFINE_BITSET(bitset_x86, __attribute__((target("popcnt,bmi"))), _mm_popcnt_u64, _tzcnt_u64)

/* ---- vertical unpacking: SSE4.1 ----------------------------------------- */

/* Row r of all four lanes: one or two loads, shifts, a mask. */
#define SSE_ROW(v, r, b, mask, x)                                                  \
  do {                                                                             \
    const unsigned bit_ = (r) * (b), k_ = bit_ >> 5, s_ = bit_ & 31;               \
    x = _mm_srli_epi32(_mm_loadu_si128((v) + k_), (int)s_);                        \
    if (s_ + (b) > 32)                                                             \
      x = _mm_or_si128(x, _mm_slli_epi32(_mm_loadu_si128((v) + k_ + 1), (int)(32 - s_))); \
    if (s_ + (b) != 32) x = _mm_and_si128(x, mask); /* at s + b == 32 the shift cleared them */ \
  } while (0)

__attribute__((target("sse4.1"))) static ALWAYS_INLINE void unpack_sse_w(const uint8_t *in,
                                                                         uint32_t *out,
                                                                         const unsigned b,
                                                                         uint32_t add) {
  const __m128i *v = (const __m128i *)in;
  const __m128i mask = _mm_set1_epi32((int)MASK32(b)), plus = _mm_set1_epi32((int)add);
  __m128i *o = (__m128i *)out;
#pragma GCC unroll 32
  for (unsigned r = 0; r < 32; r++) {
    __m128i x;
    SSE_ROW(v, r, b, mask, x);
    _mm_storeu_si128(o + r, _mm_add_epi32(x, plus));
  }
}

/* Sums of a vector's lanes up to each lane: two shift-and-add steps. */
__attribute__((target("sse4.1"))) static ALWAYS_INLINE __m128i sse_scan(__m128i x) {
  x = _mm_add_epi32(x, _mm_slli_si128(x, 4));
  return _mm_add_epi32(x, _mm_slli_si128(x, 8));
}

__attribute__((target("sse4.1"))) static ALWAYS_INLINE void unpack_prefix_sse_w(
    const uint8_t *in, uint32_t *out, const unsigned b, uint32_t base) {
  const __m128i *v = (const __m128i *)in;
  const __m128i mask = _mm_set1_epi32((int)MASK32(b)), one = _mm_set1_epi32(1);
  __m128i carry = _mm_set1_epi32((int)base);
  __m128i *o = (__m128i *)out;
#pragma GCC unroll 32
  for (unsigned r = 0; r < 32; r++) {
    __m128i x;
    SSE_ROW(v, r, b, mask, x);
    x = sse_scan(_mm_add_epi32(x, one));
    _mm_storeu_si128(o + r, _mm_add_epi32(x, carry));
    carry = _mm_add_epi32(carry, _mm_shuffle_epi32(x, 0xff));
  }
}

#define SSE_CASE(B) \
  case B:           \
    unpack_sse_w(in, out, B, add); \
    break;
#define SSE_PREFIX_CASE(B) \
  case B:                  \
    unpack_prefix_sse_w(in, out, B, base); \
    break;

__attribute__((target("sse4.1"))) static void unpack_sse(const uint8_t *in, unsigned bits,
                                                         uint32_t add, uint32_t *out) {
  switch (bits) {
    REPWIDTHS(SSE_CASE)
    default: {
      __m128i plus = _mm_set1_epi32((int)add);
      for (unsigned r = 0; r < 32; r++) _mm_storeu_si128((__m128i *)out + r, plus);
    }
  }
}

__attribute__((target("sse4.1"))) static void prefix_sse(uint32_t *v, uint32_t base) {
  __m128i carry = _mm_set1_epi32((int)base);
  __m128i *p = (__m128i *)v;
  for (unsigned r = 0; r < 32; r++) {
    __m128i x = sse_scan(_mm_loadu_si128(p + r));
    _mm_storeu_si128(p + r, _mm_add_epi32(x, carry));
    carry = _mm_add_epi32(carry, _mm_shuffle_epi32(x, 0xff));
  }
}

__attribute__((target("sse4.1"))) static void scan_sse(uint32_t *v, size_t n, uint32_t base) {
  __m128i carry = _mm_set1_epi32((int)base);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m128i x = sse_scan(_mm_loadu_si128((const __m128i *)(v + i)));
    _mm_storeu_si128((__m128i *)(v + i), _mm_add_epi32(x, carry));
    carry = _mm_add_epi32(carry, _mm_shuffle_epi32(x, 0xff));
  }
  scan_scalar(v + i, n - i, (uint32_t)_mm_cvtsi128_si32(carry));
}

__attribute__((target("sse4.1"))) static void unpack_prefix_sse(const uint8_t *in, unsigned bits,
                                                                uint32_t base, uint32_t *out) {
  switch (bits) {
    REPWIDTHS(SSE_PREFIX_CASE)
    default: { /* every gap is 0: consecutive documents */
      __m128i x = _mm_add_epi32(_mm_set1_epi32((int)base), _mm_setr_epi32(1, 2, 3, 4));
      for (unsigned r = 0; r < 32; r++, x = _mm_add_epi32(x, _mm_set1_epi32(4)))
        _mm_storeu_si128((__m128i *)out + r, x);
    }
  }
}

static const kz_unpacker sse_unpacker = {KZ_SIMD_SSE41, unpack_sse, unpack_prefix_sse, prefix_sse,
                                         scan_sse, bitset_scalar};

/* ---- vertical unpacking: AVX2 ------------------------------------------- */

/*
 * Rows 2m and 2m + 1 (eight consecutive values) in one vector: the low half
 * from the row's word, the high half from the next row's, each with its own
 * shift (variable shifts; a count of 32 gives 0, which switches off the
 * straddle term of a half that has none).
 */
#define AVX2_ROWS(v, m, b, mask, x)                                                       \
  do {                                                                                    \
    const unsigned b0_ = (2 * (m)) * (b), b1_ = b0_ + (b);                                \
    const unsigned k0_ = b0_ >> 5, s0_ = b0_ & 31, k1_ = b1_ >> 5, s1_ = b1_ & 31;        \
    const __m256i w_ =                                                                    \
        k0_ == k1_ ? _mm256_broadcastsi128_si256(_mm_loadu_si128((v) + k0_))              \
                   : _mm256_inserti128_si256(                                             \
                         _mm256_castsi128_si256(_mm_loadu_si128((v) + k0_)),              \
                         _mm_loadu_si128((v) + k1_), 1);                                  \
    x = _mm256_srlv_epi32(w_, _mm256_setr_epi32((int)s0_, (int)s0_, (int)s0_, (int)s0_,   \
                                                (int)s1_, (int)s1_, (int)s1_, (int)s1_)); \
    const int n0_ = s0_ + (b) > 32, n1_ = s1_ + (b) > 32;                                 \
    if (n0_ || n1_) {                                                                     \
      const unsigned j0_ = n0_ ? k0_ + 1 : k0_, j1_ = n1_ ? k1_ + 1 : k1_;                \
      const int c0_ = n0_ ? (int)(32 - s0_) : 32, c1_ = n1_ ? (int)(32 - s1_) : 32;       \
      const __m256i y_ = _mm256_inserti128_si256(                                         \
          _mm256_castsi128_si256(_mm_loadu_si128((v) + j0_)), _mm_loadu_si128((v) + j1_), 1); \
      x = _mm256_or_si256(x, _mm256_sllv_epi32(y_, _mm256_setr_epi32(c0_, c0_, c0_, c0_,  \
                                                                     c1_, c1_, c1_, c1_))); \
    }                                                                                     \
    if ((b) != 32) x = _mm256_and_si256(x, mask);                                         \
  } while (0)

__attribute__((target("avx2"))) static ALWAYS_INLINE void unpack_avx2_w(const uint8_t *in,
                                                                        uint32_t *out,
                                                                        const unsigned b,
                                                                        uint32_t add) {
  const __m128i *v = (const __m128i *)in;
  const __m256i mask = _mm256_set1_epi32((int)MASK32(b)), plus = _mm256_set1_epi32((int)add);
  __m256i *o = (__m256i *)out;
#pragma GCC unroll 16
  for (unsigned m = 0; m < 16; m++) {
    __m256i x;
    AVX2_ROWS(v, m, b, mask, x);
    _mm256_storeu_si256(o + m, _mm256_add_epi32(x, plus));
  }
}

/* Sums up to each lane of eight: per half as with SSE, then the low half's total into the high half. */
__attribute__((target("avx2"))) static ALWAYS_INLINE __m256i avx2_scan(__m256i x) {
  x = _mm256_add_epi32(x, _mm256_slli_si256(x, 4));
  x = _mm256_add_epi32(x, _mm256_slli_si256(x, 8));
  const __m256i low_total = _mm256_shuffle_epi32(x, 0xff);
  return _mm256_add_epi32(x, _mm256_permute2x128_si256(low_total, low_total, 0x08));
}

__attribute__((target("avx2"))) static ALWAYS_INLINE void unpack_prefix_avx2_w(
    const uint8_t *in, uint32_t *out, const unsigned b, uint32_t base) {
  const __m128i *v = (const __m128i *)in;
  const __m256i mask = _mm256_set1_epi32((int)MASK32(b)), one = _mm256_set1_epi32(1),
                last = _mm256_set1_epi32(7);
  __m256i carry = _mm256_set1_epi32((int)base);
  __m256i *o = (__m256i *)out;
#pragma GCC unroll 16
  for (unsigned m = 0; m < 16; m++) {
    __m256i x;
    AVX2_ROWS(v, m, b, mask, x);
    x = avx2_scan(_mm256_add_epi32(x, one));
    _mm256_storeu_si256(o + m, _mm256_add_epi32(x, carry));
    carry = _mm256_add_epi32(carry, _mm256_permutevar8x32_epi32(x, last));
  }
}

#define AVX2_CASE(B) \
  case B:            \
    unpack_avx2_w(in, out, B, add); \
    break;
#define AVX2_PREFIX_CASE(B) \
  case B:                   \
    unpack_prefix_avx2_w(in, out, B, base); \
    break;

__attribute__((target("avx2"))) static void unpack_avx2(const uint8_t *in, unsigned bits,
                                                       uint32_t add, uint32_t *out) {
  switch (bits) {
    REPWIDTHS(AVX2_CASE)
    default: {
      __m256i plus = _mm256_set1_epi32((int)add);
      for (unsigned m = 0; m < 16; m++) _mm256_storeu_si256((__m256i *)out + m, plus);
    }
  }
}

__attribute__((target("avx2"))) static void prefix_avx2(uint32_t *v, uint32_t base) {
  const __m256i last = _mm256_set1_epi32(7);
  __m256i carry = _mm256_set1_epi32((int)base);
  __m256i *p = (__m256i *)v;
  for (unsigned m = 0; m < 16; m++) {
    __m256i x = avx2_scan(_mm256_loadu_si256(p + m));
    _mm256_storeu_si256(p + m, _mm256_add_epi32(x, carry));
    carry = _mm256_add_epi32(carry, _mm256_permutevar8x32_epi32(x, last));
  }
}

__attribute__((target("avx2"))) static void scan_avx2(uint32_t *v, size_t n, uint32_t base) {
  const __m256i last = _mm256_set1_epi32(7);
  __m256i carry = _mm256_set1_epi32((int)base);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256i x = avx2_scan(_mm256_loadu_si256((const __m256i *)(v + i)));
    _mm256_storeu_si256((__m256i *)(v + i), _mm256_add_epi32(x, carry));
    carry = _mm256_add_epi32(carry, _mm256_permutevar8x32_epi32(x, last));
  }
  scan_scalar(v + i, n - i, (uint32_t)_mm256_cvtsi256_si32(carry));
}

__attribute__((target("avx2"))) static void unpack_prefix_avx2(const uint8_t *in, unsigned bits,
                                                              uint32_t base, uint32_t *out) {
  switch (bits) {
    REPWIDTHS(AVX2_PREFIX_CASE)
    default: {
      const __m256i step = _mm256_set1_epi32(8);
      __m256i x = _mm256_add_epi32(_mm256_set1_epi32((int)base),
                                   _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8));
      for (unsigned m = 0; m < 16; m++, x = _mm256_add_epi32(x, step))
        _mm256_storeu_si256((__m256i *)out + m, x);
    }
  }
}

static const kz_unpacker avx2_unpacker = {KZ_SIMD_AVX2, unpack_avx2, unpack_prefix_avx2,
                                          prefix_avx2, scan_avx2, bitset_x86};

#endif /* KZ_X86 */

/* ---- choosing ------------------------------------------------------------ */

const kz_unpacker *kz_unpacker_get(kz_simd_level level) {
  switch (level) {
    case KZ_SIMD_SCALAR:
      return &scalar_unpacker;
#if KZ_X86
    case KZ_SIMD_SSE41:
      return __builtin_cpu_supports("sse4.1") ? &sse_unpacker : NULL;
    case KZ_SIMD_AVX2: /* bitset_x86 also needs popcnt and BMI1, which AVX2 CPUs have */
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") &&
                     __builtin_cpu_supports("bmi")
                 ? &avx2_unpacker
                 : NULL;
#endif
    default:
      return NULL;
  }
}

const char *kz_simd_level_name(kz_simd_level level) {
  static const char *const names[KZ_SIMD_LEVELS] = {"scalar", "sse4.1", "avx2"};
  return (unsigned)level < KZ_SIMD_LEVELS ? names[level] : "?";
}

const kz_unpacker *kz_unpacker_default(void) {
  const char *forced = getenv("KZ_SIMD");
  if (forced && *forced) {
    for (int l = 0; l < KZ_SIMD_LEVELS; l++)
      if (strcmp(forced, kz_simd_level_name((kz_simd_level)l)) == 0 && kz_unpacker_get(l))
        return kz_unpacker_get(l);
  }
  for (int l = KZ_SIMD_LEVELS - 1; l > 0; l--)
    if (kz_unpacker_get(l)) return kz_unpacker_get(l);
  return &scalar_unpacker;
}
