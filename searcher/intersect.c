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
 *   - a vector is stored to out[k..k+W) only inside the block loop, where
 *     k <= min(i, j) (each value written used up one value of each list),
 *     so k + W <= min(na, nb): within the documented room of out;
 *   - lanes past the match count are scratch, overwritten by later stores.
 * Everything x86-specific sits between #if KZ_X86 lines and is compiled
 * with target attributes, so no global -mavx2 is needed and other CPUs
 * build the scalar kernels only.
 */
#include "searcher/intersect.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KZ_X86 1
#include <immintrin.h>
#else
#define KZ_X86 0
#endif

/* ---- scalar building blocks ----------------------------------------------- */

/*
 * The merge whose every step is a compare and two conditional adds: no
 * branch to mispredict, one iteration per value consumed. Also the tail of
 * the SIMD kernels. out[k] is written before we know it matched; k <=
 * min(i, j) < min(na, nb) keeps that store inside out's room.
 */
static size_t merge_branchless(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                               uint32_t *out) {
  size_t i = 0, j = 0, k = 0;
  while (i < na && j < nb) {
    uint32_t x = a[i], y = b[j];
    out[k] = x;
    k += x == y;
    i += x <= y;
    j += y <= x;
  }
  return k;
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

/* Bits set in a 4-bit mask, from a nibble table packed in one constant (no popcnt needed). */
static inline unsigned popcount4(unsigned m) {
  return (unsigned)(0x4332322132212110ull >> (4 * (m & 15))) & 15;
}

/* ---- x86 SIMD kernels ----------------------------------------------------- */

#if KZ_X86

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

/* For each 8-bit match mask, the source lanes of the matches in order, one byte each (vpermd indices). */
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
