/*
 * kz_codec_test.h - what the codec tests (test_bitpack.c, test_runs.c,
 * test_postblock.c) share: a deterministic PRNG, exact-size heap copies for
 * ASan to guard, and the list of decoder levels this CPU runs.
 */
#ifndef KZ_CODEC_TEST_H
#define KZ_CODEC_TEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/bitpack.h"

typedef struct rng {
  uint64_t s;
} rng;

static inline uint64_t rng_next(rng *r) { /* splitmix64 */
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static inline uint32_t rng_u32(rng *r) { return (uint32_t)(rng_next(r) >> 32); }

/* Uniform in [0, n), n > 0. */
static inline uint64_t rng_below(rng *r, uint64_t n) { return rng_next(r) % n; }

static inline uint32_t low_mask(unsigned bits) {
  return bits >= 32 ? UINT32_MAX : ((uint32_t)1 << bits) - 1;
}

/* A heap block of exactly n bytes (malloc(0) for none), so ASan flags any read past it. */
static inline uint8_t *exact_copy(const uint8_t *src, size_t n) {
  uint8_t *p = malloc(n);
  if (p && n) memcpy(p, src, n);
  return p;
}

/* The decoders this CPU runs, scalar first. @return how many (at most KZ_SIMD_LEVELS). */
static inline size_t get_levels(const kz_unpacker **out) {
  size_t n = 0;
  for (int l = KZ_SIMD_SCALAR; l < KZ_SIMD_LEVELS; l++) {
    const kz_unpacker *u = kz_unpacker_get((kz_simd_level)l);
    if (u) out[n++] = u;
  }
  return n;
}

#endif /* KZ_CODEC_TEST_H */
