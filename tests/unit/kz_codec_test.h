/*
 * kz_codec_test.h - what the codec tests (test_bitpack.c, test_runs.c,
 * test_postblock.c) share: exact-size heap copies for ASan to guard and the
 * list of decoder levels this CPU runs; with kz_test_corpus.h, whose
 * generator (KZ_TEST_SPLITMIX64) draws their values.
 */
#ifndef KZ_CODEC_TEST_H
#define KZ_CODEC_TEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/bitpack.h"
#include "kz_test_corpus.h"

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
