/*
 * test_postblock.c - the bit-packer and the postings block codec.
 *
 * Layers: the packed bytes are compared with a slow bit-by-bit reference
 * packer (the layout is normative, not just self-consistent); whole postings
 * lists round-trip through a chain of blocks; every argument error and every
 * kind of corruption is checked to return its code; truncations and random
 * garbage are decoded from exact-size heap copies so that the sanitizer build
 * catches any read past `end`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/postblock.h"
#include "kz_test.h"
#include "kzsearch.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct rng {
  uint64_t s;
} rng;

static uint64_t rng_next(rng *r) { /* splitmix64 */
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint32_t rng_u32(rng *r) { return (uint32_t)(rng_next(r) >> 32); }

/* Uniform in [0, n), n > 0. */
static uint64_t rng_below(rng *r, uint64_t n) { return rng_next(r) % n; }

/* A value of exactly `bits` significant bits (0 for bits == 0), or below. */
static uint32_t rng_bits(rng *r, unsigned bits) {
  if (bits == 0) return 0;
  return rng_u32(r) >> (32 - bits);
}

/* The obvious packer: value i's bit k is stream bit i*bits + k, i.e. byte /8, bit %8. */
static size_t ref_pack(const uint32_t *in, size_t n, unsigned bits, uint8_t *out) {
  size_t bytes = (n * bits + 31) / 32 * 4;
  memset(out, 0, bytes);
  for (size_t i = 0; i < n; i++)
    for (unsigned k = 0; k < bits; k++)
      if ((in[i] >> k) & 1u) {
        size_t bit = i * bits + k;
        out[bit / 8] |= (uint8_t)(1u << (bit % 8));
      }
  return bytes;
}

/* A heap copy of exactly n bytes, so ASan flags any read beyond it. */
static uint8_t *exact_copy(const uint8_t *src, size_t n) {
  uint8_t *p = malloc(n ? n : 1);
  if (p && n) memcpy(p, src, n);
  return p;
}

/* Encodes docs/freqs as a chain of full blocks ending with a partial one. */
static int encode_list(kz_buf *out, const uint32_t *docs, const uint32_t *freqs, size_t n) {
  int64_t prev = -1;
  for (size_t i = 0; i < n; i += KZ_BLOCK_DOCS) {
    size_t m = n - i < KZ_BLOCK_DOCS ? n - i : KZ_BLOCK_DOCS;
    int rc = kz_postblock_encode(out, prev, docs + i, freqs + i, m);
    if (rc) return rc;
    prev = docs[i + m - 1];
  }
  return KZ_OK;
}

/* Decodes the chain written by encode_list; requires the input to end exactly. */
static int decode_list(const uint8_t *p, const uint8_t *end, size_t n, uint32_t doc_limit,
                       uint32_t *docs, uint32_t *freqs) {
  int64_t prev = -1;
  for (size_t i = 0; i < n; i += KZ_BLOCK_DOCS) {
    size_t m = n - i < KZ_BLOCK_DOCS ? n - i : KZ_BLOCK_DOCS;
    const uint8_t *next = NULL;
    int rc = kz_postblock_decode(p, end, prev, m, doc_limit, docs + i, freqs + i, &next);
    if (rc) return rc;
    if (next <= p || next > end) return -100;
    p = next;
    prev = docs[i + m - 1];
  }
  return p == end ? KZ_OK : -101;
}

/* Round-trips one list through a heap copy of its exact size; 0 when equal. */
static int round_trip(const uint32_t *docs, const uint32_t *freqs, size_t n, uint32_t doc_limit) {
  kz_buf b = KZ_BUF_INIT;
  int rc = encode_list(&b, docs, freqs, n);
  if (rc) {
    kz_buf_free(&b);
    return rc;
  }
  uint8_t *copy = exact_copy(b.data, b.len);
  uint32_t *d = malloc((n ? n : 1) * sizeof *d), *f = malloc((n ? n : 1) * sizeof *f);
  rc = decode_list(copy, copy + b.len, n, doc_limit, d, f);
  if (rc == KZ_OK && (memcmp(d, docs, n * sizeof *d) != 0 || memcmp(f, freqs, n * sizeof *f) != 0))
    rc = -102;
  free(d);
  free(f);
  free(copy);
  kz_buf_free(&b);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Bit-packing                                                              */
/* ------------------------------------------------------------------------ */

static void test_postblock__bitpack_every_width_matches_reference(void) {
  rng r = {1};
  static const size_t sizes[] = {0, 1, 2, 5, 31, 32, 33, 63, 64, 100, 127, 128, 129, 255, 300};
  uint32_t in[300], out[300 + 1];
  uint8_t packed[300 * 4 + 8], ref[300 * 4 + 8];
  for (unsigned bits = 0; bits <= 32; bits++) {
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
      size_t n = sizes[si];
      for (size_t i = 0; i < n; i++) in[i] = rng_bits(&r, bits);
      if (n && bits) in[rng_below(&r, n)] = (uint32_t)(((uint64_t)1 << bits) - 1); /* full width */
      memset(packed, 0xAB, sizeof packed);
      size_t bytes = kz_bitpack_encode(in, n, bits, packed);
      CHECK_EQ_INT(bytes, kz_bitpack_bytes(n, bits));
      CHECK_EQ_INT(bytes, (n * bits + 31) / 32 * 4);
      CHECK_EQ_INT(packed[bytes], 0xAB); /* nothing written past the run */
      CHECK_EQ_INT(ref_pack(in, n, bits, ref), bytes);
      CHECK(memcmp(packed, ref, bytes) == 0);

      uint8_t *copy = exact_copy(packed, bytes);
      out[n] = 0xDEADBEEFu;
      kz_bitpack_decode(copy, n, bits, out);
      free(copy);
      CHECK(memcmp(in, out, n * sizeof *in) == 0);
      CHECK_EQ_INT(out[n], 0xDEADBEEFu);
    }
  }
}

static void test_postblock__bitpack_128_values_take_16_bytes_per_bit(void) {
  uint32_t in[128] = {0};
  uint8_t packed[16 * 32];
  for (unsigned bits = 0; bits <= 32; bits++) {
    CHECK_EQ_INT(kz_bitpack_bytes(128, bits), 16 * bits);
    CHECK_EQ_INT(kz_bitpack_encode(in, 128, bits, packed), 16 * bits);
  }
}

static void test_postblock__bitpack_known_bytes(void) {
  /* Eight 3-bit values fill 24 bits of one word, the first value lowest. */
  const uint32_t in[8] = {1, 2, 3, 4, 5, 6, 7, 0};
  uint8_t out[4];
  CHECK_EQ_INT(kz_bitpack_encode(in, 8, 3, out), 4);
  /* The word is the sum of in[i] << 3i = 0x001F58D1, stored little-endian. */
  CHECK_EQ_INT(out[0], 0xD1);
  CHECK_EQ_INT(out[1], 0x58);
  CHECK_EQ_INT(out[2], 0x1F);
  CHECK_EQ_INT(out[3], 0x00);
}

static void test_postblock__bitpack_width_is_smallest(void) {
  uint32_t v[4] = {0, 0, 0, 0};
  CHECK_EQ_INT(kz_bitpack_width(v, 4), 0);
  CHECK_EQ_INT(kz_bitpack_width(v, 0), 0);
  for (unsigned b = 1; b <= 32; b++) {
    v[2] = (uint32_t)((uint64_t)1 << (b - 1));
    CHECK_EQ_INT(kz_bitpack_width(v, 4), b);
    v[2] = (uint32_t)(((uint64_t)1 << b) - 1);
    CHECK_EQ_INT(kz_bitpack_width(v, 4), b);
  }
}

/* ------------------------------------------------------------------------ */
/* Round trips                                                              */
/* ------------------------------------------------------------------------ */

static void test_postblock__round_trip_random_lists(void) {
  /* Mean doc-id spacing from dense (every doc) to very sparse. */
  static const uint32_t spacings[] = {1, 2, 8, 64, 1000, 1u << 20, 1u << 24};
  static const size_t lengths[] = {1, 2, 50, 127, 128, 129, 255, 256, 257, 1000, 3000};
  uint32_t *docs = malloc(3000 * sizeof *docs), *freqs = malloc(3000 * sizeof *freqs);
  CHECK(docs && freqs);
  for (uint64_t seed = 1; seed <= 40; seed++) {
    rng r = {seed};
    for (size_t si = 0; si < sizeof spacings / sizeof spacings[0]; si++) {
      size_t n = lengths[rng_below(&r, sizeof lengths / sizeof lengths[0])];
      uint64_t d = rng_below(&r, spacings[si]);
      size_t i = 0;
      for (; i < n && d < UINT32_MAX; i++) {
        docs[i] = (uint32_t)d;
        /* Mostly small frequencies, sometimes large. */
        freqs[i] = rng_below(&r, 8) ? 1 + (uint32_t)rng_below(&r, 4) : 1 + rng_u32(&r) % 100000;
        d += 1 + rng_below(&r, 2 * (uint64_t)spacings[si]);
      }
      int rc = round_trip(docs, freqs, i, UINT32_MAX);
      if (rc) fprintf(stderr, "seed %llu spacing %u n %zu\n", (unsigned long long)seed,
                      spacings[si], i);
      CHECK_EQ_INT(rc, KZ_OK);
    }
  }
  free(docs);
  free(freqs);
}

static void test_postblock__round_trip_edge_lengths(void) {
  static const size_t lengths[] = {1, 127, 128, 129};
  uint32_t docs[129], freqs[129];
  for (size_t li = 0; li < 4; li++) {
    size_t n = lengths[li];
    for (size_t i = 0; i < n; i++) {
      docs[i] = (uint32_t)(3 * i + 7);
      freqs[i] = (uint32_t)(i % 5 + 1);
    }
    CHECK_EQ_INT(round_trip(docs, freqs, n, UINT32_MAX), KZ_OK);
    /* The tightest limit that still holds the last doc. */
    CHECK_EQ_INT(round_trip(docs, freqs, n, docs[n - 1] + 1), KZ_OK);
  }
}

static void test_postblock__full_then_partial_for_129_docs(void) {
  uint32_t docs[129], freqs[129];
  for (size_t i = 0; i < 129; i++) {
    docs[i] = (uint32_t)(2 * i);
    freqs[i] = 1;
  }
  kz_buf b = KZ_BUF_INIT;
  CHECK_EQ_INT(encode_list(&b, docs, freqs, 129), KZ_OK);
  /* Full block: gaps all 1 (1 bit), freqs-1 all 0 (0 bits); partial: varints 1 and 0. */
  CHECK_EQ_INT(b.len, 1 + 16 + 1 + 0 + 2);
  CHECK_EQ_INT(b.data[0], 1);
  CHECK_EQ_INT(b.data[17], 0);
  CHECK_EQ_INT(b.data[18], 1);
  CHECK_EQ_INT(b.data[19], 0);
  kz_buf_free(&b);
}

static void test_postblock__one_element_partial_bytes(void) {
  uint32_t doc = 300, freq = 2;
  kz_buf b = KZ_BUF_INIT;
  CHECK_EQ_INT(kz_postblock_encode(&b, 99, &doc, &freq, 1), KZ_OK);
  /* gap 300 - 99 - 1 = 200 = varint c8 01, freq-1 = 1 */
  CHECK_EQ_INT(b.len, 3);
  CHECK_EQ_INT(b.data[0], 0xC8);
  CHECK_EQ_INT(b.data[1], 0x01);
  CHECK_EQ_INT(b.data[2], 0x01);
  uint32_t d = 0, f = 0;
  const uint8_t *next = NULL;
  CHECK_EQ_INT(kz_postblock_decode(b.data, b.data + b.len, 99, 1, 301, &d, &f, &next), KZ_OK);
  CHECK_EQ_INT(d, 300);
  CHECK_EQ_INT(f, 2);
  CHECK(next == b.data + b.len);
  kz_buf_free(&b);
}

static void test_postblock__largest_doc_id(void) {
  const uint32_t top = UINT32_MAX - 1;
  uint32_t docs[128], freqs[128];
  /* One document, the largest allowed, as the very first doc (gap needs 32 bits). */
  docs[0] = top;
  freqs[0] = 1;
  CHECK_EQ_INT(round_trip(docs, freqs, 1, UINT32_MAX), KZ_OK);
  /* A full block ending on it. */
  for (size_t i = 0; i < 128; i++) {
    docs[i] = top - 127 + (uint32_t)i;
    freqs[i] = 1;
  }
  CHECK_EQ_INT(round_trip(docs, freqs, 128, UINT32_MAX), KZ_OK);
  /* One past the limit is refused on decode. */
  CHECK_EQ_INT(round_trip(docs, freqs, 128, top), KZ_ERR_CORRUPT);
}

static void test_postblock__gaps_needing_32_bits(void) {
  uint32_t docs[128], freqs[128];
  for (size_t i = 0; i < 128; i++) {
    docs[i] = (uint32_t)i;
    freqs[i] = 1;
  }
  docs[127] = UINT32_MAX - 1; /* gap 2^32 - 128 - 1 > 2^31 */
  kz_buf b = KZ_BUF_INIT;
  CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, 128), KZ_OK);
  CHECK_EQ_INT(b.data[0], 32);
  CHECK_EQ_INT(b.len, 1 + 16 * 32 + 1);
  kz_buf_free(&b);
  CHECK_EQ_INT(round_trip(docs, freqs, 128, UINT32_MAX), KZ_OK);
}

static void test_postblock__all_zero_gaps_use_zero_bits(void) {
  uint32_t docs[128], freqs[128];
  for (size_t i = 0; i < 128; i++) {
    docs[i] = (uint32_t)(i + 1000);
    freqs[i] = 1;
  }
  kz_buf b = KZ_BUF_INIT;
  /* prev_doc 999: every gap is 0, every freq-1 is 0: two width bytes, nothing else. */
  CHECK_EQ_INT(kz_postblock_encode(&b, 999, docs, freqs, 128), KZ_OK);
  CHECK_EQ_INT(b.len, 2);
  CHECK_EQ_INT(b.data[0], 0);
  CHECK_EQ_INT(b.data[1], 0);
  uint32_t d[128], f[128];
  const uint8_t *next = NULL;
  uint8_t *copy = exact_copy(b.data, b.len);
  CHECK_EQ_INT(kz_postblock_decode(copy, copy + 2, 999, 128, 1128, d, f, &next), KZ_OK);
  CHECK(next == copy + 2);
  free(copy);
  CHECK(memcmp(d, docs, sizeof d) == 0);
  CHECK(memcmp(f, freqs, sizeof f) == 0);
  kz_buf_free(&b);
}

static void test_postblock__huge_frequencies(void) {
  uint32_t docs[129], freqs[129];
  for (size_t i = 0; i < 129; i++) {
    docs[i] = (uint32_t)i;
    freqs[i] = i % 2 ? UINT32_MAX : UINT32_MAX - (uint32_t)i;
  }
  CHECK_EQ_INT(round_trip(docs, freqs, 128, UINT32_MAX), KZ_OK);
  CHECK_EQ_INT(round_trip(docs, freqs, 129, UINT32_MAX), KZ_OK);
  CHECK_EQ_INT(round_trip(docs, freqs, 5, UINT32_MAX), KZ_OK);
}

/* ------------------------------------------------------------------------ */
/* Argument errors                                                          */
/* ------------------------------------------------------------------------ */

static void test_postblock__encode_rejects_bad_input(void) {
  uint32_t docs[129], freqs[129];
  for (size_t i = 0; i < 129; i++) {
    docs[i] = (uint32_t)(10 + i);
    freqs[i] = 1;
  }
  kz_buf b = KZ_BUF_INIT;
  CHECK_EQ_INT(kz_buf_put_u8(&b, 0x55), KZ_OK);
  CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, 0), KZ_ERR_INVALID);
  CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, 129), KZ_ERR_INVALID);
  CHECK_EQ_INT(kz_postblock_encode(&b, -2, docs, freqs, 4), KZ_ERR_INVALID);
  CHECK_EQ_INT(kz_postblock_encode(&b, 10, docs, freqs, 4), KZ_ERR_INVALID); /* docs[0] == prev */
  CHECK_EQ_INT(kz_postblock_encode(&b, 11, docs, freqs, 4), KZ_ERR_INVALID); /* docs[0] < prev */
  for (size_t n = 4; n <= 128; n += 124) {
    docs[2] = docs[1]; /* repeated doc */
    CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, n), KZ_ERR_INVALID);
    docs[2] = docs[1] - 1; /* decreasing */
    CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, n), KZ_ERR_INVALID);
    docs[2] = 12;
    freqs[3] = 0;
    CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, n), KZ_ERR_INVALID);
    freqs[3] = 1;
    docs[n - 1] = KZ_DOC_END; /* the sentinel is not a doc id */
    CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, n), KZ_ERR_INVALID);
    docs[n - 1] = (uint32_t)(10 + n - 1);
    CHECK_EQ_INT(kz_postblock_encode(&b, (int64_t)UINT32_MAX + 5, docs, freqs, n),
                 KZ_ERR_INVALID);
  }
  /* Failed calls appended nothing. */
  CHECK_EQ_INT(b.len, 1);
  CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, 128), KZ_OK);
  kz_buf_free(&b);
}

static void test_postblock__encode_reports_buffer_limit(void) {
  uint32_t docs[128], freqs[128];
  for (size_t i = 0; i < 128; i++) {
    docs[i] = (uint32_t)(i * 1000);
    freqs[i] = 1;
  }
  kz_buf b = KZ_BUF_INIT;
  b.limit = 16;
  CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, 128), KZ_ERR_LIMIT);
  CHECK_EQ_INT(b.len, 0);
  kz_buf_free(&b);
}

static void test_postblock__decode_rejects_bad_arguments(void) {
  const uint8_t bytes[4] = {0, 0, 0, 0};
  uint32_t d[128], f[128];
  const uint8_t *next = NULL;
  CHECK_EQ_INT(kz_postblock_decode(bytes, bytes + 4, -1, 0, 100, d, f, &next), KZ_ERR_INVALID);
  CHECK_EQ_INT(kz_postblock_decode(bytes, bytes + 4, -1, 129, 100, d, f, &next), KZ_ERR_INVALID);
  CHECK_EQ_INT(kz_postblock_decode(bytes, bytes + 4, -3, 1, 100, d, f, &next), KZ_ERR_INVALID);
  /* A previous doc at or past the limit leaves no room for the block. */
  CHECK_EQ_INT(kz_postblock_decode(bytes, bytes + 4, 100, 1, 100, d, f, &next), KZ_ERR_CORRUPT);
  CHECK_EQ_INT(kz_postblock_decode(bytes, bytes + 4, 99, 1, 100, d, f, &next), KZ_ERR_CORRUPT);
  CHECK_EQ_INT(kz_postblock_decode(bytes, bytes + 4, 98, 1, 100, d, f, &next), KZ_OK);
  CHECK_EQ_INT(d[0], 99);
  CHECK_EQ_INT(f[0], 1);
  CHECK(next == bytes + 2);
}

/* ------------------------------------------------------------------------ */
/* Corruption                                                               */
/* ------------------------------------------------------------------------ */

static void test_postblock__decode_rejects_width_over_32(void) {
  uint8_t bytes[2 + 2 * 16 * 33] = {0};
  uint32_t d[128], f[128];
  const uint8_t *next = NULL;
  const uint8_t *end = bytes + sizeof bytes;
  for (unsigned w = 33; w <= 255; w++) {
    bytes[0] = (uint8_t)w;
    CHECK_EQ_INT(kz_postblock_decode(bytes, end, -1, 128, UINT32_MAX, d, f, &next),
                 KZ_ERR_CORRUPT);
    bytes[0] = 0;
    bytes[1] = (uint8_t)w;
    CHECK_EQ_INT(kz_postblock_decode(bytes, end, -1, 128, UINT32_MAX, d, f, &next),
                 KZ_ERR_CORRUPT);
    bytes[1] = 0;
  }
  CHECK_EQ_INT(kz_postblock_decode(bytes, end, -1, 128, UINT32_MAX, d, f, &next), KZ_OK);
  CHECK(next == bytes + 2);
}

static void test_postblock__decode_rejects_doc_overflow(void) {
  uint32_t d[128], f[128];
  const uint8_t *next = NULL;
  /* Full block, 32-bit gaps of UINT32_MAX: the 64-bit sum passes 2^32 at once. */
  uint8_t full[2 + 16 * 32];
  memset(full, 0xFF, sizeof full);
  full[0] = 32;
  full[1 + 16 * 32] = 0;
  CHECK_EQ_INT(kz_postblock_decode(full, full + sizeof full, -1, 128, UINT32_MAX, d, f, &next),
               KZ_ERR_CORRUPT);
  /* Partial block: two gaps of 2^31 overflow 32 bits only together. */
  kz_buf b = KZ_BUF_INIT;
  CHECK_EQ_INT(kz_buf_put_varint(&b, 1u << 31), KZ_OK);
  CHECK_EQ_INT(kz_buf_put_varint(&b, 1u << 31), KZ_OK);
  CHECK_EQ_INT(kz_buf_put_varint(&b, 0), KZ_OK);
  CHECK_EQ_INT(kz_buf_put_varint(&b, 0), KZ_OK);
  CHECK_EQ_INT(kz_postblock_decode(b.data, b.data + b.len, -1, 2, UINT32_MAX, d, f, &next),
               KZ_ERR_CORRUPT);
  /* The same block is fine alone when the first doc decides it. */
  CHECK_EQ_INT(kz_postblock_decode(b.data, b.data + b.len, -1, 1, UINT32_MAX, d, f, &next),
               KZ_OK);
  /* A varint gap above 32 bits. */
  kz_buf_clear(&b);
  CHECK_EQ_INT(kz_buf_put_varint(&b, (uint64_t)UINT32_MAX + 1), KZ_OK);
  CHECK_EQ_INT(kz_buf_put_varint(&b, 0), KZ_OK);
  CHECK_EQ_INT(kz_postblock_decode(b.data, b.data + b.len, -1, 1, UINT32_MAX, d, f, &next),
               KZ_ERR_CORRUPT);
  kz_buf_free(&b);
}

static void test_postblock__decode_rejects_doc_at_limit(void) {
  uint32_t docs[128], freqs[128];
  for (size_t i = 0; i < 128; i++) {
    docs[i] = (uint32_t)(5 * i);
    freqs[i] = 1;
  }
  for (size_t n = 1; n <= 128; n += 127) {
    kz_buf b = KZ_BUF_INIT;
    CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, n), KZ_OK);
    uint32_t d[128], f[128];
    const uint8_t *next = NULL;
    uint32_t last = docs[n - 1];
    CHECK_EQ_INT(kz_postblock_decode(b.data, b.data + b.len, -1, n, last + 1, d, f, &next), KZ_OK);
    CHECK_EQ_INT(kz_postblock_decode(b.data, b.data + b.len, -1, n, last, d, f, &next),
                 KZ_ERR_CORRUPT);
    CHECK_EQ_INT(kz_postblock_decode(b.data, b.data + b.len, -1, n, 0, d, f, &next),
                 KZ_ERR_CORRUPT);
    kz_buf_free(&b);
  }
}

static void test_postblock__decode_rejects_frequency_overflow(void) {
  uint32_t d[128], f[128];
  const uint8_t *next = NULL;
  /* Partial: freq-1 == UINT32_MAX. */
  kz_buf b = KZ_BUF_INIT;
  CHECK_EQ_INT(kz_buf_put_varint(&b, 0), KZ_OK);
  CHECK_EQ_INT(kz_buf_put_varint(&b, UINT32_MAX), KZ_OK);
  CHECK_EQ_INT(kz_postblock_decode(b.data, b.data + b.len, -1, 1, UINT32_MAX, d, f, &next),
               KZ_ERR_CORRUPT);
  kz_buf_free(&b);
  /* Full: a 32-bit frequency run with one all-ones value. */
  uint8_t full[2 + 16 * 32] = {0};
  full[1] = 32;
  CHECK_EQ_INT(kz_postblock_decode(full, full + sizeof full, -1, 128, UINT32_MAX, d, f, &next),
               KZ_OK);
  CHECK_EQ_INT(f[77], 1);
  memset(full + 2 + 4 * 77, 0xFF, 4);
  CHECK_EQ_INT(kz_postblock_decode(full, full + sizeof full, -1, 128, UINT32_MAX, d, f, &next),
               KZ_ERR_CORRUPT);
  full[2 + 4 * 77] = 0xFE; /* UINT32_MAX - 1 is the largest legal freq-1 */
  CHECK_EQ_INT(kz_postblock_decode(full, full + sizeof full, -1, 128, UINT32_MAX, d, f, &next),
               KZ_OK);
  CHECK_EQ_INT(f[77], UINT32_MAX);
}

/* Every proper prefix of a valid block is an error, read from an exact-size copy. */
static void check_truncations(const uint32_t *docs, const uint32_t *freqs, size_t n,
                              int64_t prev) {
  kz_buf b = KZ_BUF_INIT;
  CHECK_EQ_INT(kz_postblock_encode(&b, prev, docs, freqs, n), KZ_OK);
  uint32_t d[128], f[128];
  const uint8_t *next = NULL;
  for (size_t len = 0; len < b.len; len++) {
    uint8_t *copy = exact_copy(b.data, len);
    int rc = kz_postblock_decode(copy, copy + len, prev, n, UINT32_MAX, d, f, &next);
    free(copy);
    if (rc != KZ_ERR_CORRUPT) fprintf(stderr, "n %zu truncated at %zu of %zu\n", n, len, b.len);
    CHECK_EQ_INT(rc, KZ_ERR_CORRUPT);
  }
  uint8_t *copy = exact_copy(b.data, b.len);
  CHECK_EQ_INT(kz_postblock_decode(copy, copy + b.len, prev, n, UINT32_MAX, d, f, &next), KZ_OK);
  CHECK(next == copy + b.len);
  free(copy);
  kz_buf_free(&b);
}

static void test_postblock__truncation_at_every_byte_is_corrupt(void) {
  rng r = {7};
  uint32_t docs[128], freqs[128];
  static const uint32_t spacings[] = {1, 3, 100, 100000, 30000000};
  for (size_t si = 0; si < sizeof spacings / sizeof spacings[0]; si++) {
    static const size_t lengths[] = {1, 2, 3, 5, 8, 16, 33, 64, 127, 128};
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
      size_t n = lengths[li];
      uint64_t d = 50 + rng_below(&r, spacings[si]);
      for (size_t i = 0; i < n; i++) {
        docs[i] = (uint32_t)d;
        freqs[i] = 1 + (uint32_t)rng_below(&r, si * 1000 + 2);
        d += 1 + rng_below(&r, spacings[si]);
      }
      int before = kz_test_failures_;
      check_truncations(docs, freqs, n, 49);
      if (kz_test_failures_ != before) return;
    }
  }
  /* The all-zero full block (two bytes) and 32-bit runs. */
  for (size_t i = 0; i < 128; i++) {
    docs[i] = (uint32_t)i;
    freqs[i] = 1;
  }
  check_truncations(docs, freqs, 128, -1);
  docs[127] = UINT32_MAX - 1;
  freqs[0] = UINT32_MAX;
  check_truncations(docs, freqs, 128, -1);
}

static void test_postblock__random_garbage_never_crashes(void) {
  rng r = {12345};
  uint8_t src[1200];
  uint32_t d[128], f[128];
  size_t ok = 0;
  for (int iter = 0; iter < 20000; iter++) {
    size_t len = (size_t)rng_below(&r, sizeof src + 1);
    for (size_t i = 0; i < len; i++) src[i] = (uint8_t)rng_next(&r);
    /* Bias width bytes toward legal values so the packed path is exercised. */
    if (len > 0 && rng_below(&r, 2)) src[0] = (uint8_t)rng_below(&r, 34);
    size_t n = rng_below(&r, 3) ? KZ_BLOCK_DOCS : 1 + (size_t)rng_below(&r, KZ_BLOCK_DOCS);
    if (n == KZ_BLOCK_DOCS && len > 0) {
      size_t at = 1 + kz_bitpack_bytes(128, src[0] <= 32 ? src[0] : 0);
      if (at < len && rng_below(&r, 2)) src[at] = (uint8_t)rng_below(&r, 34);
    }
    uint32_t limit = rng_below(&r, 2) ? UINT32_MAX : rng_u32(&r);
    int64_t prev = rng_below(&r, 2) ? -1 : (int64_t)rng_below(&r, (uint64_t)limit + 1) - 1;

    uint8_t *copy = exact_copy(src, len);
    const uint8_t *next = NULL;
    int rc = kz_postblock_decode(copy, copy + len, prev, n, limit, d, f, &next);
    CHECK(rc == KZ_OK || rc == KZ_ERR_CORRUPT);
    if (rc == KZ_OK) {
      ok++;
      CHECK(next > copy && next <= copy + len);
      for (size_t i = 0; i < n; i++) {
        CHECK((int64_t)d[i] > (i ? (int64_t)d[i - 1] : prev));
        CHECK(d[i] < limit);
        CHECK(f[i] >= 1);
      }
      /* What decodes re-encodes and decodes to the same postings. */
      kz_buf b = KZ_BUF_INIT;
      CHECK_EQ_INT(kz_postblock_encode(&b, prev, d, f, n), KZ_OK);
      uint32_t d2[128], f2[128];
      const uint8_t *next2 = NULL;
      CHECK_EQ_INT(kz_postblock_decode(b.data, b.data + b.len, prev, n, limit, d2, f2, &next2),
                   KZ_OK);
      CHECK(memcmp(d, d2, n * sizeof *d) == 0 && memcmp(f, f2, n * sizeof *f) == 0);
      kz_buf_free(&b);
    }
    free(copy);
  }
  CHECK(ok > 100); /* the generator does reach the success path */
}

KZ_TEST_MAIN(KZ_TEST(test_postblock__bitpack_every_width_matches_reference),
             KZ_TEST(test_postblock__bitpack_128_values_take_16_bytes_per_bit),
             KZ_TEST(test_postblock__bitpack_known_bytes),
             KZ_TEST(test_postblock__bitpack_width_is_smallest),
             KZ_TEST(test_postblock__round_trip_random_lists),
             KZ_TEST(test_postblock__round_trip_edge_lengths),
             KZ_TEST(test_postblock__full_then_partial_for_129_docs),
             KZ_TEST(test_postblock__one_element_partial_bytes),
             KZ_TEST(test_postblock__largest_doc_id),
             KZ_TEST(test_postblock__gaps_needing_32_bits),
             KZ_TEST(test_postblock__all_zero_gaps_use_zero_bits),
             KZ_TEST(test_postblock__huge_frequencies),
             KZ_TEST(test_postblock__encode_rejects_bad_input),
             KZ_TEST(test_postblock__encode_reports_buffer_limit),
             KZ_TEST(test_postblock__decode_rejects_bad_arguments),
             KZ_TEST(test_postblock__decode_rejects_width_over_32),
             KZ_TEST(test_postblock__decode_rejects_doc_overflow),
             KZ_TEST(test_postblock__decode_rejects_doc_at_limit),
             KZ_TEST(test_postblock__decode_rejects_frequency_overflow),
             KZ_TEST(test_postblock__truncation_at_every_byte_is_corrupt),
             KZ_TEST(test_postblock__random_garbage_never_crashes))
