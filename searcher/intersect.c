/*
 * intersect.c - the intersection kernels declared in intersect.h: a plain
 * merge (the oracle), a branchless merge, scalar galloping, SIMD block
 * merges (SSE4.1 4x4, AVX2 8x8) and SIMD galloping, plus the dispatcher.
 *
 * Owns nothing: every kernel is a pure function of its arguments. The only
 * file-scope data are static const shuffle tables.
 *
 * Invariants the SIMD code relies on (and the unit test checks under ASan):
 *   - a vector is loaded from a[i..i+W) only when i + W <= na, likewise b;
 *     whatever does not fill a whole vector goes to the scalar tail merge;
 *   - a vector is stored to out[k..k+W) only while k + W <= min(na, nb),
 *     the documented room of out. k can run up to W - 1 ahead of both i and
 *     j (the current block of one list may already have given matches), so
 *     the bound is tested, not inferred; it only fails in the last few
 *     blocks, which the scalar tail then finishes;
 *   - lanes past the match count are scratch, overwritten by later stores.
 * Everything x86-specific sits between #if KZ_X86 lines and is compiled
 * with target attributes, so no global -mavx2 is needed and other CPUs
 * build the scalar kernels only.
 *
 * Each kernel body is written once and inlined three times: writing the
 * intersection to out, counting it (out NULL), and stopping at the first
 * shared value (any = 1, the kz_intersect_any kernels). The flag and the
 * NULL are constants in each copy, so what a copy does not need compiles
 * away.
 */
#include "searcher/intersect.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KZ_X86 1
#include <immintrin.h>
#else
#define KZ_X86 0
#endif

#define KERNEL static inline __attribute__((always_inline))

/* The galloping kernels search the values of the shorter list in the longer one. */
#define SHORTER_FIRST(a, na, b, nb)   \
  do {                                \
    if ((na) > (nb)) {                \
      const uint32_t *t_ = (a);       \
      size_t n_ = (na);               \
      (a) = (b);                      \
      (na) = (nb);                    \
      (b) = t_;                       \
      (nb) = n_;                      \
    }                                 \
  } while (0)

/* Whether two increasing lists share a value: a merge that stops at the first one. */
static size_t merge_any(const uint32_t *a, size_t na, const uint32_t *b, size_t nb) {
  size_t i = 0, j = 0;
  while (i < na && j < nb) {
    if (a[i] == b[j]) return 1;
    if (a[i] < b[j])
      i++;
    else
      j++;
  }
  return 0;
}

/* ---- scalar building blocks ----------------------------------------------- */

/*
 * The merge whose every step is a compare and two conditional adds: no
 * branch to mispredict, one iteration per value consumed. Also the tail of
 * the galloping kernels. out[k] is written before we know it matched; the
 * k matches so far are values below both a[i] and b[j], so k <= min(i, j)
 * < min(na, nb) keeps that store inside out's room.
 */
KERNEL size_t merge_branchless_impl(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                                   uint32_t *out, int any) {
  size_t i = 0, j = 0, k = 0;
  while (i < na && j < nb) {
    uint32_t x = a[i], y = b[j];
    if (any) {
      if (x == y) return 1;
    } else {
      if (out) out[k] = x;
      k += x == y;
    }
    i += x <= y;
    j += y <= x;
  }
  return k;
}

static size_t merge_branchless(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                               uint32_t *out) {
  return out ? merge_branchless_impl(a, na, b, nb, out, 0)
             : merge_branchless_impl(a, na, b, nb, NULL, 0);
}

/*
 * First t in [lo, hi) whose key l[t * stride + stride - 1] is >= x, or hi
 * when none is. stride 1 searches values, stride W the last value of each
 * W-value window. Branchless (the select compiles to a conditional move):
 * the probes of a binary search are coin flips a predictor cannot learn.
 */
static inline size_t lower_bound(const uint32_t *l, size_t lo, size_t hi, size_t stride,
                                 uint32_t x) {
  if (lo >= hi) return hi;
  const uint32_t *key = l + stride - 1;
  size_t base = lo, len = hi - lo;
  while (len > 1) {
    size_t half = len / 2;
    base = key[(base + half) * stride] < x ? base + half : base;
    len -= half;
  }
  return base + (key[base * stride] < x);
}

/*
 * The first window t >= 1 of l (n_windows whole windows of `stride`
 * values) whose last value is >= x, or n_windows; window 0's last value is
 * known to be < x. Exponential steps find a range that holds the answer
 * in O(log distance) probes, then a binary search inside it.
 */
static inline size_t gallop(const uint32_t *l, size_t n_windows, size_t stride, uint32_t x) {
  const uint32_t *key = l + stride - 1;
  size_t step = 1;
  while (step < n_windows && key[step * stride] < x) step <<= 1;
  /* Window step / 2 is below x (window 0 when step is 1); the answer is in (step / 2, hi]. */
  size_t hi = step < n_windows ? step : n_windows;
  return lower_bound(l, step / 2 + 1, hi, stride, x);
}

/* ---- x86 SIMD kernels ----------------------------------------------------- */

#if KZ_X86

/* Bits set in a 4-bit mask, from a nibble table in one constant: SSE4.1 does not imply popcnt. */
static inline unsigned popcount4(unsigned m) {
  return (unsigned)(0x4332322132212110ull >> (4 * (m & 15))) & 15;
}

/*
 * step when x <= y, else 0, from the sign of a 64-bit difference: written
 * as a comparison, gcc turns the block loops' advance into a branch, which
 * mispredicts half the time when neither list is denser.
 */
static inline size_t advance_if_le(uint32_t x, uint32_t y, size_t step) {
  uint64_t below = (uint64_t)((int64_t)y - (int64_t)x) >> 63; /* 1 when x > y */
  return (1 - (size_t)below) * step;
}

#define Z 0x80 /* a pshufb control byte that writes zero */
/* For each 4-bit match mask, the pshufb control that packs the matching lanes first. */
static const uint8_t sse_pack[16][16] = {
    {Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z},
    {0, 1, 2, 3, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z},
    {4, 5, 6, 7, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z},
    {0, 1, 2, 3, 4, 5, 6, 7, Z, Z, Z, Z, Z, Z, Z, Z},
    {8, 9, 10, 11, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z},
    {0, 1, 2, 3, 8, 9, 10, 11, Z, Z, Z, Z, Z, Z, Z, Z},
    {4, 5, 6, 7, 8, 9, 10, 11, Z, Z, Z, Z, Z, Z, Z, Z},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, Z, Z, Z, Z},
    {12, 13, 14, 15, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z},
    {0, 1, 2, 3, 12, 13, 14, 15, Z, Z, Z, Z, Z, Z, Z, Z},
    {4, 5, 6, 7, 12, 13, 14, 15, Z, Z, Z, Z, Z, Z, Z, Z},
    {0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, Z, Z, Z, Z},
    {8, 9, 10, 11, 12, 13, 14, 15, Z, Z, Z, Z, Z, Z, Z, Z},
    {0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, Z, Z, Z, Z},
    {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, Z, Z, Z, Z},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
};
#undef Z

/* For each 8-bit match mask, the source lanes of the matches in order (vpermd indices, bytes). */
static const uint64_t avx_pack[256] = {
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000001u, 0x0000000000000100u,
    0x0000000000000002u, 0x0000000000000200u, 0x0000000000000201u, 0x0000000000020100u,
    0x0000000000000003u, 0x0000000000000300u, 0x0000000000000301u, 0x0000000000030100u,
    0x0000000000000302u, 0x0000000000030200u, 0x0000000000030201u, 0x0000000003020100u,
    0x0000000000000004u, 0x0000000000000400u, 0x0000000000000401u, 0x0000000000040100u,
    0x0000000000000402u, 0x0000000000040200u, 0x0000000000040201u, 0x0000000004020100u,
    0x0000000000000403u, 0x0000000000040300u, 0x0000000000040301u, 0x0000000004030100u,
    0x0000000000040302u, 0x0000000004030200u, 0x0000000004030201u, 0x0000000403020100u,
    0x0000000000000005u, 0x0000000000000500u, 0x0000000000000501u, 0x0000000000050100u,
    0x0000000000000502u, 0x0000000000050200u, 0x0000000000050201u, 0x0000000005020100u,
    0x0000000000000503u, 0x0000000000050300u, 0x0000000000050301u, 0x0000000005030100u,
    0x0000000000050302u, 0x0000000005030200u, 0x0000000005030201u, 0x0000000503020100u,
    0x0000000000000504u, 0x0000000000050400u, 0x0000000000050401u, 0x0000000005040100u,
    0x0000000000050402u, 0x0000000005040200u, 0x0000000005040201u, 0x0000000504020100u,
    0x0000000000050403u, 0x0000000005040300u, 0x0000000005040301u, 0x0000000504030100u,
    0x0000000005040302u, 0x0000000504030200u, 0x0000000504030201u, 0x0000050403020100u,
    0x0000000000000006u, 0x0000000000000600u, 0x0000000000000601u, 0x0000000000060100u,
    0x0000000000000602u, 0x0000000000060200u, 0x0000000000060201u, 0x0000000006020100u,
    0x0000000000000603u, 0x0000000000060300u, 0x0000000000060301u, 0x0000000006030100u,
    0x0000000000060302u, 0x0000000006030200u, 0x0000000006030201u, 0x0000000603020100u,
    0x0000000000000604u, 0x0000000000060400u, 0x0000000000060401u, 0x0000000006040100u,
    0x0000000000060402u, 0x0000000006040200u, 0x0000000006040201u, 0x0000000604020100u,
    0x0000000000060403u, 0x0000000006040300u, 0x0000000006040301u, 0x0000000604030100u,
    0x0000000006040302u, 0x0000000604030200u, 0x0000000604030201u, 0x0000060403020100u,
    0x0000000000000605u, 0x0000000000060500u, 0x0000000000060501u, 0x0000000006050100u,
    0x0000000000060502u, 0x0000000006050200u, 0x0000000006050201u, 0x0000000605020100u,
    0x0000000000060503u, 0x0000000006050300u, 0x0000000006050301u, 0x0000000605030100u,
    0x0000000006050302u, 0x0000000605030200u, 0x0000000605030201u, 0x0000060503020100u,
    0x0000000000060504u, 0x0000000006050400u, 0x0000000006050401u, 0x0000000605040100u,
    0x0000000006050402u, 0x0000000605040200u, 0x0000000605040201u, 0x0000060504020100u,
    0x0000000006050403u, 0x0000000605040300u, 0x0000000605040301u, 0x0000060504030100u,
    0x0000000605040302u, 0x0000060504030200u, 0x0000060504030201u, 0x0006050403020100u,
    0x0000000000000007u, 0x0000000000000700u, 0x0000000000000701u, 0x0000000000070100u,
    0x0000000000000702u, 0x0000000000070200u, 0x0000000000070201u, 0x0000000007020100u,
    0x0000000000000703u, 0x0000000000070300u, 0x0000000000070301u, 0x0000000007030100u,
    0x0000000000070302u, 0x0000000007030200u, 0x0000000007030201u, 0x0000000703020100u,
    0x0000000000000704u, 0x0000000000070400u, 0x0000000000070401u, 0x0000000007040100u,
    0x0000000000070402u, 0x0000000007040200u, 0x0000000007040201u, 0x0000000704020100u,
    0x0000000000070403u, 0x0000000007040300u, 0x0000000007040301u, 0x0000000704030100u,
    0x0000000007040302u, 0x0000000704030200u, 0x0000000704030201u, 0x0000070403020100u,
    0x0000000000000705u, 0x0000000000070500u, 0x0000000000070501u, 0x0000000007050100u,
    0x0000000000070502u, 0x0000000007050200u, 0x0000000007050201u, 0x0000000705020100u,
    0x0000000000070503u, 0x0000000007050300u, 0x0000000007050301u, 0x0000000705030100u,
    0x0000000007050302u, 0x0000000705030200u, 0x0000000705030201u, 0x0000070503020100u,
    0x0000000000070504u, 0x0000000007050400u, 0x0000000007050401u, 0x0000000705040100u,
    0x0000000007050402u, 0x0000000705040200u, 0x0000000705040201u, 0x0000070504020100u,
    0x0000000007050403u, 0x0000000705040300u, 0x0000000705040301u, 0x0000070504030100u,
    0x0000000705040302u, 0x0000070504030200u, 0x0000070504030201u, 0x0007050403020100u,
    0x0000000000000706u, 0x0000000000070600u, 0x0000000000070601u, 0x0000000007060100u,
    0x0000000000070602u, 0x0000000007060200u, 0x0000000007060201u, 0x0000000706020100u,
    0x0000000000070603u, 0x0000000007060300u, 0x0000000007060301u, 0x0000000706030100u,
    0x0000000007060302u, 0x0000000706030200u, 0x0000000706030201u, 0x0000070603020100u,
    0x0000000000070604u, 0x0000000007060400u, 0x0000000007060401u, 0x0000000706040100u,
    0x0000000007060402u, 0x0000000706040200u, 0x0000000706040201u, 0x0000070604020100u,
    0x0000000007060403u, 0x0000000706040300u, 0x0000000706040301u, 0x0000070604030100u,
    0x0000000706040302u, 0x0000070604030200u, 0x0000070604030201u, 0x0007060403020100u,
    0x0000000000070605u, 0x0000000007060500u, 0x0000000007060501u, 0x0000000706050100u,
    0x0000000007060502u, 0x0000000706050200u, 0x0000000706050201u, 0x0000070605020100u,
    0x0000000007060503u, 0x0000000706050300u, 0x0000000706050301u, 0x0000070605030100u,
    0x0000000706050302u, 0x0000070605030200u, 0x0000070605030201u, 0x0007060503020100u,
    0x0000000007060504u, 0x0000000706050400u, 0x0000000706050401u, 0x0000070605040100u,
    0x0000000706050402u, 0x0000070605040200u, 0x0000070605040201u, 0x0007060504020100u,
    0x0000000706050403u, 0x0000070605040300u, 0x0000070605040301u, 0x0007060504030100u,
    0x0000070605040302u, 0x0007060504030200u, 0x0007060504030201u, 0x0706050403020100u,
};

/*
 * 4x4 block merge (Katsov's "shuffling" intersection, as in Lemire et al.,
 * "SIMD compression and the intersection of sorted integers", 2016): four
 * values of a against the four rotations of four values of b covers all 16
 * pairs; the match mask packs the matching values of a with one pshufb.
 * The block with the smaller last value is used up and replaced (both on
 * a tie), so every pair of blocks that can share a value meets once. The
 * tail is the plain merge: the current block may hold values already
 * matched (and counted) that the tail must skip, and a merge that stores
 * only matches keeps within out's room without a subtler argument.
 */
__attribute__((target("sse4.1"))) KERNEL size_t merge_sse41_impl(const uint32_t *a, size_t na,
                                                                 const uint32_t *b, size_t nb,
                                                                 uint32_t *out, int any) {
  if (na == 0 || nb == 0) return 0;
  size_t i = 0, j = 0, k = 0, room = na < nb ? na : nb;
  while (i + 4 <= na && j + 4 <= nb && (any || !out || k + 4 <= room)) {
    __m128i va = _mm_loadu_si128((const __m128i *)(a + i));
    __m128i vb = _mm_loadu_si128((const __m128i *)(b + j));
    __m128i m0 = _mm_cmpeq_epi32(va, vb);
    __m128i m1 = _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, _MM_SHUFFLE(0, 3, 2, 1)));
    __m128i m2 = _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, _MM_SHUFFLE(1, 0, 3, 2)));
    __m128i m3 = _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, _MM_SHUFFLE(2, 1, 0, 3)));
    __m128i m = _mm_or_si128(_mm_or_si128(m0, m1), _mm_or_si128(m2, m3));
    unsigned mask = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(m));
    if (any) {
      if (mask) return 1;
    } else {
      if (out) {
        __m128i ctl = _mm_loadu_si128((const __m128i *)sse_pack[mask]);
        _mm_storeu_si128((__m128i *)(out + k), _mm_shuffle_epi8(va, ctl));
      }
      k += popcount4(mask);
    }
    uint32_t amax = a[i + 3], bmax = b[j + 3];
    i += advance_if_le(amax, bmax, 4);
    j += advance_if_le(bmax, amax, 4);
  }
  if (any) return merge_any(a + i, na - i, b + j, nb - j);
  return k + kz_intersect_merge(a + i, na - i, b + j, nb - j, out ? out + k : NULL);
}

/*
 * 8x8 block merge: eight values of a against each of eight values of b
 * broadcast straight from memory. Broadcasts from memory run on the load
 * ports, so the shuffle port, which eight in-register rotations would
 * keep busy, has only the one vpermd that packs the matches. Every AVX2
 * CPU has popcnt, but it is checked with it all the same.
 */
__attribute__((target("avx2,popcnt"))) KERNEL size_t merge_avx2_impl(const uint32_t *a, size_t na,
                                                                    const uint32_t *b, size_t nb,
                                                                    uint32_t *out, int any) {
  if (na == 0 || nb == 0) return 0;
  size_t i = 0, j = 0, k = 0, room = na < nb ? na : nb;
  while (i + 8 <= na && j + 8 <= nb && (any || !out || k + 8 <= room)) {
    __m256i va = _mm256_loadu_si256((const __m256i *)(a + i));
    const int32_t *bj = (const int32_t *)(b + j);
    __m256i m01 = _mm256_or_si256(_mm256_cmpeq_epi32(va, _mm256_set1_epi32(bj[0])),
                                  _mm256_cmpeq_epi32(va, _mm256_set1_epi32(bj[1])));
    __m256i m23 = _mm256_or_si256(_mm256_cmpeq_epi32(va, _mm256_set1_epi32(bj[2])),
                                  _mm256_cmpeq_epi32(va, _mm256_set1_epi32(bj[3])));
    __m256i m45 = _mm256_or_si256(_mm256_cmpeq_epi32(va, _mm256_set1_epi32(bj[4])),
                                  _mm256_cmpeq_epi32(va, _mm256_set1_epi32(bj[5])));
    __m256i m67 = _mm256_or_si256(_mm256_cmpeq_epi32(va, _mm256_set1_epi32(bj[6])),
                                  _mm256_cmpeq_epi32(va, _mm256_set1_epi32(bj[7])));
    __m256i m = _mm256_or_si256(_mm256_or_si256(m01, m23), _mm256_or_si256(m45, m67));
    unsigned mask = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(m));
    if (any) {
      if (mask) return 1;
    } else {
      if (out) {
        __m256i perm = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)&avx_pack[mask]));
        _mm256_storeu_si256((__m256i *)(out + k), _mm256_permutevar8x32_epi32(va, perm));
      }
      k += (size_t)_mm_popcnt_u32(mask);
    }
    uint32_t amax = a[i + 7], bmax = b[j + 7];
    i += advance_if_le(amax, bmax, 8);
    j += advance_if_le(bmax, amax, 8);
  }
  if (any) return merge_any(a + i, na - i, b + j, nb - j);
  return k + kz_intersect_merge(a + i, na - i, b + j, nb - j, out ? out + k : NULL);
}

/*
 * SIMD galloping (after Lemire et al. 2016, "SIMD Galloping"): for each
 * value x of the short list s, gallop over whole W-value windows of the long
 * list l to the first window whose last value is >= x, then look for x in
 * that window with W/4 (SSE) or W/8 (AVX2) compares. The compares are
 * independent loads of adjacent cache lines, cheaper than the dependent
 * probes of the binary-search levels they replace. For AVX2, windows of 64
 * measured faster than 32 and 16 (bench/RESULTS.md); SSE4.1 takes 32.
 * pos only moves forward, and every value before it is below the current
 * x. out[k] is stored before we know it matched: the k earlier matches are
 * distinct values of l before x's window end, so k < nl, and k <= i < ns.
 */
__attribute__((target("sse4.1"))) KERNEL size_t gallop_sse41_impl(const uint32_t *s, size_t ns,
                                                                  const uint32_t *l, size_t nl,
                                                                  uint32_t *out, int any) {
  enum { W = 32 };
  SHORTER_FIRST(s, ns, l, nl);
  if (ns == 0) return 0;
  size_t i = 0, pos = 0, k = 0;
  for (; i < ns; i++) {
    uint32_t x = s[i];
    if (nl - pos < W) break;
    if (l[pos + W - 1] < x) {
      pos += W * gallop(l + pos, (nl - pos) / W, W, x);
      if (nl - pos < W) break;
    }
    __m128i vx = _mm_set1_epi32((int32_t)x), m = _mm_setzero_si128();
    for (size_t v = 0; v < W; v += 4) {
      __m128i window = _mm_loadu_si128((const __m128i *)(l + pos + v));
      m = _mm_or_si128(m, _mm_cmpeq_epi32(vx, window));
    }
    if (any) {
      if (!_mm_testz_si128(m, m)) return 1;
    } else {
      if (out) out[k] = x;
      k += !_mm_testz_si128(m, m);
    }
  }
  if (any) return merge_branchless_impl(s + i, ns - i, l + pos, nl - pos, NULL, 1);
  return k + merge_branchless_impl(s + i, ns - i, l + pos, nl - pos, out ? out + k : NULL, 0);
}

/* The same with 64-value windows and 8-lane compares. */
__attribute__((target("avx2"))) KERNEL size_t gallop_avx2_impl(const uint32_t *s, size_t ns,
                                                               const uint32_t *l, size_t nl,
                                                               uint32_t *out, int any) {
  enum { W = 64 };
  SHORTER_FIRST(s, ns, l, nl);
  if (ns == 0) return 0;
  size_t i = 0, pos = 0, k = 0;
  for (; i < ns; i++) {
    uint32_t x = s[i];
    if (nl - pos < W) break;
    if (l[pos + W - 1] < x) {
      pos += W * gallop(l + pos, (nl - pos) / W, W, x);
      if (nl - pos < W) break;
    }
    __m256i vx = _mm256_set1_epi32((int32_t)x), m = _mm256_setzero_si256();
    for (size_t v = 0; v < W; v += 8) {
      __m256i window = _mm256_loadu_si256((const __m256i *)(l + pos + v));
      m = _mm256_or_si256(m, _mm256_cmpeq_epi32(vx, window));
    }
    if (any) {
      if (!_mm256_testz_si256(m, m)) return 1;
    } else {
      if (out) out[k] = x;
      k += !_mm256_testz_si256(m, m);
    }
  }
  if (any) return merge_branchless_impl(s + i, ns - i, l + pos, nl - pos, NULL, 1);
  return k + merge_branchless_impl(s + i, ns - i, l + pos, nl - pos, out ? out + k : NULL, 0);
}

/* The kernels proper: each body with the flag fixed. */
#define INSTANTIATE(name, target)                                                            \
  __attribute__((target)) static size_t name(const uint32_t *a, size_t na, const uint32_t *b, \
                                             size_t nb, uint32_t *out) {                     \
    return out ? name##_impl(a, na, b, nb, out, 0) : name##_impl(a, na, b, nb, NULL, 0);     \
  }                                                                                          \
  __attribute__((target)) static int name##_any(const uint32_t *a, size_t na,                \
                                                const uint32_t *b, size_t nb) {              \
    return (int)name##_impl(a, na, b, nb, NULL, 1);                                          \
  }
INSTANTIATE(merge_sse41, target("sse4.1"))
INSTANTIATE(merge_avx2, target("avx2,popcnt"))
INSTANTIATE(gallop_sse41, target("sse4.1"))
INSTANTIATE(gallop_avx2, target("avx2"))
#undef INSTANTIATE

static int have_avx2(void) {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
}
static int have_sse41(void) { return __builtin_cpu_supports("sse4.1"); }

#endif /* KZ_X86 */

/* ---- the public kernels --------------------------------------------------- */

size_t kz_intersect_merge(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                          uint32_t *out) {
  size_t i = 0, j = 0, k = 0;
  while (i < na && j < nb) {
    if (a[i] < b[j]) {
      i++;
    } else if (a[i] > b[j]) {
      j++;
    } else {
      if (out) out[k] = a[i];
      k++;
      i++;
      j++;
    }
  }
  return k;
}

size_t kz_intersect_branchless(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                               uint32_t *out) {
  return merge_branchless(a, na, b, nb, out);
}

KERNEL size_t gallop_impl(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                          uint32_t *out, int any) {
  SHORTER_FIRST(a, na, b, nb);
  if (na == 0) return 0;
  size_t pos = 0, k = 0;
  for (size_t i = 0; i < na; i++) {
    uint32_t x = a[i];
    if (b[pos] < x) {
      pos += gallop(b + pos, nb - pos, 1, x);
      if (pos == nb) break;
    }
    if (any) {
      if (b[pos] == x) return 1;
      continue;
    }
    /* k matches so far are distinct values of b before pos: k <= pos < nb, and k <= i < na. */
    if (out) out[k] = x;
    k += b[pos] == x;
  }
  return k;
}

size_t kz_intersect_gallop(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                           uint32_t *out) {
  return out ? gallop_impl(a, na, b, nb, out, 0) : gallop_impl(a, na, b, nb, NULL, 0);
}

/*
 * The dispatcher's choice, shared by kz_intersect and kz_intersect_any.
 * __builtin_cpu_supports reads a word libgcc filled at start-up: cheap
 * enough per call.
 */
KERNEL size_t auto_impl(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t *out,
                        int any) {
  SHORTER_FIRST(a, na, b, nb);
  if (na == 0) return 0;
  /* Shorter than a vector both (positions in short documents): the scalar merge, no dispatch. */
  if (nb < 8) return merge_branchless_impl(a, na, b, nb, out, any);
  int skewed = nb / na >= KZ_INTERSECT_GALLOP_RATIO;
#if KZ_X86
  if (have_avx2()) {
    if (any) return (size_t)(skewed ? gallop_avx2_any(a, na, b, nb) : merge_avx2_any(a, na, b, nb));
    return skewed ? gallop_avx2(a, na, b, nb, out) : merge_avx2(a, na, b, nb, out);
  }
  if (have_sse41()) {
    if (any)
      return (size_t)(skewed ? gallop_sse41_any(a, na, b, nb) : merge_sse41_any(a, na, b, nb));
    return skewed ? gallop_sse41(a, na, b, nb, out) : merge_sse41(a, na, b, nb, out);
  }
#endif
  if (skewed) return gallop_impl(a, na, b, nb, out, any);
  return merge_branchless_impl(a, na, b, nb, out, any);
}

size_t kz_intersect(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t *out) {
  return out ? auto_impl(a, na, b, nb, out, 0) : auto_impl(a, na, b, nb, NULL, 0);
}

int kz_intersect_any(const uint32_t *a, size_t na, const uint32_t *b, size_t nb) {
  return (int)auto_impl(a, na, b, nb, NULL, 1);
}

/* ---- every kernel by name, for tests and benchmarks ------------------------- */

static int any_merge(const uint32_t *a, size_t na, const uint32_t *b, size_t nb) {
  return (int)merge_any(a, na, b, nb);
}
static int any_branchless(const uint32_t *a, size_t na, const uint32_t *b, size_t nb) {
  return (int)merge_branchless_impl(a, na, b, nb, NULL, 1);
}
static int any_gallop(const uint32_t *a, size_t na, const uint32_t *b, size_t nb) {
  return (int)gallop_impl(a, na, b, nb, NULL, 1);
}

kz_intersect_fn kz_intersect_kernel(kz_intersect_algo algo) {
  switch (algo) {
    case KZ_INTERSECT_MERGE: return kz_intersect_merge;
    case KZ_INTERSECT_BRANCHLESS: return kz_intersect_branchless;
    case KZ_INTERSECT_GALLOP: return kz_intersect_gallop;
#if KZ_X86
    case KZ_INTERSECT_SSE41: return have_sse41() ? merge_sse41 : NULL;
    case KZ_INTERSECT_AVX2: return have_avx2() ? merge_avx2 : NULL;
    case KZ_INTERSECT_GALLOP_SSE41: return have_sse41() ? gallop_sse41 : NULL;
    case KZ_INTERSECT_GALLOP_AVX2: return have_avx2() ? gallop_avx2 : NULL;
#endif
    case KZ_INTERSECT_AUTO: return kz_intersect;
    default: return NULL;
  }
}

kz_intersect_any_fn kz_intersect_any_kernel(kz_intersect_algo algo) {
  switch (algo) {
    case KZ_INTERSECT_MERGE: return any_merge;
    case KZ_INTERSECT_BRANCHLESS: return any_branchless;
    case KZ_INTERSECT_GALLOP: return any_gallop;
#if KZ_X86
    case KZ_INTERSECT_SSE41: return have_sse41() ? merge_sse41_any : NULL;
    case KZ_INTERSECT_AVX2: return have_avx2() ? merge_avx2_any : NULL;
    case KZ_INTERSECT_GALLOP_SSE41: return have_sse41() ? gallop_sse41_any : NULL;
    case KZ_INTERSECT_GALLOP_AVX2: return have_avx2() ? gallop_avx2_any : NULL;
#endif
    case KZ_INTERSECT_AUTO: return kz_intersect_any;
    default: return NULL;
  }
}

const char *kz_intersect_algo_name(kz_intersect_algo algo) {
  static const char *const names[KZ_INTERSECT_N_ALGOS] = {
      "merge", "branchless", "gallop", "sse4.1", "avx2", "gallop-sse4.1", "gallop-avx2", "auto"};
  return (unsigned)algo < KZ_INTERSECT_N_ALGOS ? names[algo] : "?";
}
