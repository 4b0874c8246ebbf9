/*
 * test_postblock.c - the postings block codec (format/postblock.h;
 * docs/FORMAT.md, "Postings").
 *
 * Layers: whole postings lists, dense to very sparse, round-trip through
 * chains of blocks on every vertical decoder the CPU has; the choice
 * between a gap run and a bitset is checked against the documented sizes,
 * and bitsets byte for byte against a reference built from the format
 * text; every argument error and every kind of bitset damage is checked to
 * return its code; truncations and random or mutated bytes are decoded from
 * heap copies of exactly their size, so that the sanitizer build catches
 * any read past `end`. The runs inside a block are tested in test_runs.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/bitpack.h"
#include "common/buf.h"
#include "format/postblock.h"
#include "format/runs.h"
#include "kz_codec_test.h"
#include "kz_test.h"
#include "kzsearch.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */




/* Encodes docs/freqs as a chain of full blocks ending with a partial one; starts[] gets each block's offset. */
static int encode_list(kz_buf *out, const uint32_t *docs, const uint32_t *freqs, size_t n,
                       size_t *starts) {
  int64_t prev = -1;
  for (size_t i = 0; i < n; i += KZ_BLOCK_DOCS) {
    size_t m = n - i < KZ_BLOCK_DOCS ? n - i : KZ_BLOCK_DOCS;
    if (starts) starts[i / KZ_BLOCK_DOCS] = out->len;
    int rc = kz_postblock_encode(out, prev, docs + i, freqs + i, m);
    if (rc) return rc;
    prev = docs[i + m - 1];
  }
  return KZ_OK;
}

/* Decodes the chain written by encode_list; requires the input to end exactly. */
static int decode_list(const kz_unpacker *u, const uint8_t *p, const uint8_t *end, size_t n,
                       uint32_t doc_limit, uint32_t *docs, uint32_t *freqs) {
  int64_t prev = -1;
  for (size_t i = 0; i < n; i += KZ_BLOCK_DOCS) {
    size_t m = n - i < KZ_BLOCK_DOCS ? n - i : KZ_BLOCK_DOCS;
    const uint8_t *next = NULL;
    int rc = kz_postblock_decode(u, p, end, prev, m, doc_limit, docs + i, freqs + i, &next);
    if (rc) return rc;
    if (next <= p || next > end) return -100;
    p = next;
    prev = docs[i + m - 1];
  }
  return p == end ? KZ_OK : -101;
}

/*
 * Decodes one block of n postings from an exact copy of [bytes, bytes +
 * len) on every level (freqs NULL: skipping the frequencies). @return the common status (-100 when the levels
 * disagree on it, on the postings or on the end); on KZ_OK docs/freqs hold
 * the postings and *used the bytes consumed.
 */
static int decode_block(const uint8_t *bytes, size_t len, int64_t prev, size_t n,
                        uint32_t doc_limit, uint32_t *docs, uint32_t *freqs, size_t *used) {
  const kz_unpacker *us[KZ_SIMD_LEVELS];
  size_t n_levels = get_levels(us);
  uint8_t *copy = exact_copy(bytes, len);
  if (!copy && len) return KZ_ERR_NOMEM;
  uint32_t d[KZ_BLOCK_DOCS], f[KZ_BLOCK_DOCS];
  int first_rc = 0, result = KZ_OK;
  for (size_t li = 0; li < n_levels && result != -100; li++) {
    const uint8_t *next = NULL;
    int rc = kz_postblock_decode(us[li], copy, copy + len, prev, n, doc_limit, d,
                                 freqs ? f : NULL, &next);
    if (li == 0) {
      first_rc = result = rc;
      if (rc == KZ_OK) {
        memcpy(docs, d, n * sizeof *d);
        if (freqs) memcpy(freqs, f, n * sizeof *f);
        if (next < copy || next > copy + len) result = -100;
        else if (used) *used = (size_t)(next - copy);
      }
    } else if (rc != first_rc) {
      result = -100;
    } else if (rc == KZ_OK &&
               (memcmp(d, docs, n * sizeof *d) != 0 ||
                (freqs && memcmp(f, freqs, n * sizeof *f) != 0) ||
                (used && next != copy + *used))) {
      result = -100;
    }
  }
  free(copy);
  return result;
}

/* Round-trips one list through an exact-size copy on every level; 0 when equal. */
static int round_trip(const uint32_t *docs, const uint32_t *freqs, size_t n, uint32_t doc_limit) {
  kz_buf b = KZ_BUF_INIT;
  int rc = encode_list(&b, docs, freqs, n, NULL);
  uint8_t *copy = exact_copy(b.data, b.len);
  uint32_t *d = malloc(n * sizeof *d), *f = malloc(n * sizeof *f);
  const kz_unpacker *us[KZ_SIMD_LEVELS];
  size_t n_levels = get_levels(us);
  for (size_t li = 0; li < n_levels && rc == KZ_OK; li++) {
    rc = decode_list(us[li], copy, copy + b.len, n, doc_limit, d, f);
    if (rc == KZ_OK && (memcmp(d, docs, n * sizeof *d) != 0 || memcmp(f, freqs, n * sizeof *f) != 0))
      rc = -102;
    if (rc && rc != KZ_ERR_CORRUPT) fprintf(stderr, "level %s\n", kz_simd_level_name(us[li]->level));
  }
  free(d);
  free(f);
  free(copy);
  kz_buf_free(&b);
  return rc;
}

/* A 128-document block over the given gaps (each >= 1) after prev_doc. */
static void docs_from_gaps(const uint32_t *gaps, size_t n, int64_t prev_doc, uint32_t *docs) {
  int64_t d = prev_doc;
  for (size_t i = 0; i < n; i++) docs[i] = (uint32_t)(d += gaps[i]);
}

/* The documented bitset of 128 docs after prev_doc: bit doc - prev - 1; returns its byte count. */
static size_t ref_bitset(const uint32_t *docs, int64_t prev_doc, uint8_t *out) {
  size_t bytes = (size_t)(((int64_t)docs[KZ_BLOCK_DOCS - 1] - prev_doc + 7) / 8);
  memset(out, 0, bytes);
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) {
    uint64_t j = (uint64_t)((int64_t)docs[i] - prev_doc - 1);
    out[j / 8] |= (uint8_t)(1u << (j % 8));
  }
  return bytes;
}

/* Bytes kz_run_encode writes for these values. */
static size_t run_size(const uint32_t *values, size_t n) {
  kz_buf b = KZ_BUF_INIT;
  size_t len = kz_run_encode(&b, values, n) == KZ_OK ? b.len : 0;
  kz_buf_free(&b);
  return len;
}

/* The gap pattern 1, 1, 2, 3 (mean 1.75): 128 of them span 224 ids, 28 bitset bytes. */
static void dense_gaps(uint32_t *gaps) {
  static const uint32_t pattern[4] = {1, 1, 2, 3};
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) gaps[i] = pattern[i % 4];
}

/* ------------------------------------------------------------------------ */
/* Round trips                                                              */
/* ------------------------------------------------------------------------ */

static void test_postblock__round_trip_random_lists_on_every_level(void) {
  /* Mean doc-id spacing from dense (gaps of 1..3, where bitsets win) to very sparse. */
  static const uint32_t spacings[] = {0, 1, 2, 3, 8, 64, 1000, 1u << 20, 1u << 24};
  static const size_t lengths[] = {1, 2, 50, 127, 128, 129, 255, 256, 257, 1000, 3000};
  enum { MAX_N = 3000 };
  uint32_t *docs = malloc(MAX_N * sizeof *docs), *freqs = malloc(MAX_N * sizeof *freqs);
  size_t starts[MAX_N / KZ_BLOCK_DOCS + 1];
  CHECK(docs && freqs);
  size_t bitsets = 0, runs = 0, exception_runs = 0;
  for (uint64_t seed = 1; seed <= 30; seed++) {
    kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, seed);
    for (size_t si = 0; si < sizeof spacings / sizeof spacings[0]; si++) {
      size_t n = lengths[kz_test_rand_below(&r, sizeof lengths / sizeof lengths[0])];
      uint64_t d = kz_test_rand_below(&r, spacings[si] + 1);
      size_t i = 0;
      for (; i < n && d < UINT32_MAX; i++) {
        docs[i] = (uint32_t)d;
        /* Mostly small frequencies, sometimes large, now and then huge. */
        uint64_t k = kz_test_rand_below(&r, 16);
        freqs[i] = k < 13 ? 1 + (uint32_t)kz_test_rand_below(&r, 4)
                   : k < 15 ? 1 + kz_test_rand_u32(&r) % 100000
                            : UINT32_MAX - (uint32_t)kz_test_rand_below(&r, 3);
        uint64_t gap = spacings[si] == 0
                           ? 1 + (kz_test_rand_below(&r, 2) ? 0 : 1 + kz_test_rand_below(&r, 2))
                       : kz_test_rand_below(&r, 20)
                           ? 1 + kz_test_rand_below(&r, 2 * (uint64_t)spacings[si])
                           : 1 + kz_test_rand_below(&r, 1u << 30); /* a rare outlier */
        d += gap;
      }
      kz_buf b = KZ_BUF_INIT;
      CHECK_EQ_INT(encode_list(&b, docs, freqs, i, starts), KZ_OK);
      for (size_t k = 0; k * KZ_BLOCK_DOCS < i; k++) {
        uint8_t h = b.data[starts[k]];
        if (h == KZ_RUN_BITSET) {
          bitsets++;
        } else {
          runs++;
          exception_runs += (h & KZ_RUN_EXCEPTIONS) != 0;
        }
      }
      kz_buf_free(&b);
      int rc = round_trip(docs, freqs, i, UINT32_MAX);
      if (rc == KZ_OK && i) rc = round_trip(docs, freqs, i, docs[i - 1] + 1); /* tightest limit */
      if (rc) fprintf(stderr, "seed %llu spacing %u n %zu\n", (unsigned long long)seed,
                      spacings[si], i);
      CHECK_EQ_INT(rc, KZ_OK);
    }
  }
  free(docs);
  free(freqs);
  /* The generator reaches every kind of doc-id block. */
  CHECK(bitsets > 20 && runs > 100 && exception_runs > 20);
}

static void test_postblock__round_trip_edge_lengths(void) {
  static const size_t lengths[] = {1, 2, 127, 128, 129, 255, 256, 257};
  uint32_t docs[257], freqs[257];
  for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
    size_t n = lengths[li];
    for (size_t i = 0; i < n; i++) {
      docs[i] = (uint32_t)(3 * i + 7);
      freqs[i] = (uint32_t)(i % 5 + 1);
    }
    CHECK_EQ_INT(round_trip(docs, freqs, n, UINT32_MAX), KZ_OK);
    CHECK_EQ_INT(round_trip(docs, freqs, n, docs[n - 1] + 1), KZ_OK);
    CHECK_EQ_INT(round_trip(docs, freqs, n, docs[n - 1]), KZ_ERR_CORRUPT);
  }
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
  /* One huge frequency among ones: an exception in the frequency run. */
  for (size_t i = 0; i < 129; i++) freqs[i] = 1;
  freqs[64] = UINT32_MAX;
  CHECK_EQ_INT(round_trip(docs, freqs, 128, UINT32_MAX), KZ_OK);
  CHECK_EQ_INT(round_trip(docs, freqs, 129, UINT32_MAX), KZ_OK);
}

static void test_postblock__known_bytes(void) {
  /* Doc 300 after 99: gap 201, stored 200 at 8 bits; freq 2, stored 1 at 1 bit. */
  uint32_t doc = 300, freq = 2;
  kz_buf b = KZ_BUF_INIT;
  CHECK_EQ_INT(kz_postblock_encode(&b, 99, &doc, &freq, 1), KZ_OK);
  static const uint8_t one[] = {0x08, 0xC8, 0x01, 0x01};
  CHECK_EQ_INT(b.len, sizeof one);
  CHECK(memcmp(b.data, one, sizeof one) == 0);
  uint32_t d, f;
  size_t used = 0;
  CHECK_EQ_INT(decode_block(one, sizeof one, 99, 1, 301, &d, &f, &used), KZ_OK);
  CHECK_EQ_INT(d, 300);
  CHECK_EQ_INT(f, 2);
  CHECK_EQ_INT(used, sizeof one);

  /*
   * Docs 0, 2, 4, ..., 256, freq 1: a full block of gaps 1, 2, 2, ... (stored
   * 0, 1, 1, ... at 1 bit: lane 0's word is 0xfffffffe, the others all ones;
   * a bitset would take 3 + 32 bytes), its frequencies (width 0), then the
   * partial block: gap 2 and freq 1.
   */
  uint32_t docs[129], freqs[129];
  for (size_t i = 0; i < 129; i++) {
    docs[i] = (uint32_t)(2 * i);
    freqs[i] = 1;
  }
  kz_buf_clear(&b);
  CHECK_EQ_INT(encode_list(&b, docs, freqs, 129, NULL), KZ_OK);
  uint8_t want[21];
  memset(want, 0xFF, sizeof want);
  want[0] = 0x01;
  want[1] = 0xFE;
  want[17] = 0x00;
  want[18] = 0x01;
  want[19] = 0x01;
  want[20] = 0x00;
  CHECK_EQ_INT(b.len, sizeof want);
  CHECK(memcmp(b.data, want, sizeof want) == 0);
  kz_buf_free(&b);
}

/* ------------------------------------------------------------------------ */
/* Bitsets                                                                  */
/* ------------------------------------------------------------------------ */

static void test_postblock__dense_full_block_is_a_bitset(void) {
  uint32_t gaps[KZ_BLOCK_DOCS], docs[KZ_BLOCK_DOCS], freqs[KZ_BLOCK_DOCS];
  uint8_t bits[KZ_BITSET_MAX_BYTES];
  static const int64_t prevs[] = {-1, 99, 4000000000ll};
  for (size_t pi = 0; pi < sizeof prevs / sizeof prevs[0]; pi++) {
    int64_t prev = prevs[pi];
    dense_gaps(gaps);
    docs_from_gaps(gaps, KZ_BLOCK_DOCS, prev, docs);
    for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) freqs[i] = 1 + (uint32_t)(i % 3 == 0);
    size_t bytes = ref_bitset(docs, prev, bits);
    CHECK_EQ_INT(bytes, 28);
    /* The premise: a run of these gaps (width 2: 1 + 32 bytes) is larger than 3 + 28. */
    CHECK_EQ_INT(run_size(gaps, KZ_BLOCK_DOCS), 33);
    kz_buf b = KZ_BUF_INIT;
    CHECK_EQ_INT(kz_postblock_encode(&b, prev, docs, freqs, KZ_BLOCK_DOCS), KZ_OK);
    size_t freq_bytes = run_size(freqs, KZ_BLOCK_DOCS);
    CHECK_EQ_INT(b.len, 3 + bytes + freq_bytes);
    CHECK_EQ_INT(b.data[0], 0x80);
    CHECK_EQ_INT(b.data[1], bytes); /* u16 little-endian */
    CHECK_EQ_INT(b.data[2], 0);
    CHECK(memcmp(b.data + 3, bits, bytes) == 0);
    CHECK_EQ_INT(b.data[3 + bytes - 1] != 0, 1);
    uint32_t d[KZ_BLOCK_DOCS], f[KZ_BLOCK_DOCS];
    size_t used = 0;
    CHECK_EQ_INT(decode_block(b.data, b.len, prev, KZ_BLOCK_DOCS, UINT32_MAX, d, f, &used), KZ_OK);
    CHECK_EQ_INT(used, b.len);
    CHECK(memcmp(d, docs, sizeof d) == 0);
    CHECK(memcmp(f, freqs, sizeof f) == 0);
    kz_buf_free(&b);
  }
}

/* Encodes one full block of the gaps after -1 and says whether it came out as a bitset. */
static int encodes_as_bitset(const uint32_t *gaps, size_t *doc_bytes) {
  uint32_t docs[KZ_BLOCK_DOCS], freqs[KZ_BLOCK_DOCS];
  docs_from_gaps(gaps, KZ_BLOCK_DOCS, -1, docs);
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) freqs[i] = 1; /* a one-byte frequency run */
  kz_buf b = KZ_BUF_INIT;
  int bitset = -1;
  if (kz_postblock_encode(&b, -1, docs, freqs, KZ_BLOCK_DOCS) == KZ_OK) {
    bitset = b.data[0] == KZ_RUN_BITSET;
    *doc_bytes = b.len - 1;
    uint32_t d[KZ_BLOCK_DOCS], f[KZ_BLOCK_DOCS];
    if (decode_block(b.data, b.len, -1, KZ_BLOCK_DOCS, UINT32_MAX, d, f, NULL) != KZ_OK ||
        memcmp(d, docs, sizeof d) != 0)
      bitset = -1;
  }
  kz_buf_free(&b);
  return bitset;
}

static void test_postblock__bitset_only_when_smaller(void) {
  uint32_t gaps[KZ_BLOCK_DOCS];
  size_t doc_bytes;
  /* Consecutive documents: a width-0 run of one byte. */
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) gaps[i] = 1;
  CHECK_EQ_INT(encodes_as_bitset(gaps, &doc_bytes), 0);
  CHECK_EQ_INT(doc_bytes, 1);
  /* A tie: 56 gaps of 3 and 72 of 1 span 240 ids (3 + 30 bytes) and make a 33-byte run. */
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) gaps[i] = i % 16 < 7 ? 3 : 1;
  CHECK_EQ_INT(run_size(gaps, KZ_BLOCK_DOCS), 33);
  CHECK_EQ_INT(encodes_as_bitset(gaps, &doc_bytes), 0);
  CHECK_EQ_INT(doc_bytes, 33);
  /* Four gaps fewer of 3 (a span of 232, 3 + 29 bytes): now the bitset is smaller. */
  for (size_t i = 0, fewer = 0; i < KZ_BLOCK_DOCS && fewer < 4; i++)
    if (gaps[i] == 3) gaps[i] = 1, fewer++;
  CHECK_EQ_INT(run_size(gaps, KZ_BLOCK_DOCS), 33);
  CHECK_EQ_INT(encodes_as_bitset(gaps, &doc_bytes), 1);
  CHECK_EQ_INT(doc_bytes, 32);
  /* Sparse documents: the run. */
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) gaps[i] = 1000 + (uint32_t)i;
  CHECK_EQ_INT(encodes_as_bitset(gaps, &doc_bytes), 0);

  /* Partial blocks are never bitsets, however dense. */
  uint32_t docs[KZ_BLOCK_DOCS], freqs[KZ_BLOCK_DOCS];
  dense_gaps(gaps);
  docs_from_gaps(gaps, KZ_BLOCK_DOCS, -1, docs);
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) freqs[i] = 1;
  kz_buf b = KZ_BUF_INIT;
  CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, KZ_BLOCK_DOCS - 1), KZ_OK);
  CHECK(b.data[0] != KZ_RUN_BITSET);
  kz_buf_free(&b);
}

/*
 * A hand-made bitset block after prev_doc: 128 documents at bit positions
 * `pos` (increasing), in `bytes` bitset bytes (the count field says
 * `count_field`), then a frequency run of ones. Returns the block's size.
 */
static size_t bitset_block(uint8_t *out, const uint32_t *pos, size_t n_pos, size_t bytes,
                           size_t count_field) {
  out[0] = KZ_RUN_BITSET;
  kz_store_u16le(out + 1, (uint16_t)count_field);
  memset(out + 3, 0, bytes);
  for (size_t i = 0; i < n_pos; i++) out[3 + pos[i] / 8] |= (uint8_t)(1u << (pos[i] % 8));
  out[3 + bytes] = 0x00; /* frequencies: width 0, all ones */
  return 3 + bytes + 1;
}

/* 128 increasing bit positions spread over `bytes` bytes, the last on the last bit. */
static void spread_positions(uint32_t *pos, size_t bytes) {
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++)
    pos[i] = (uint32_t)(i * (8 * bytes - 1) / (KZ_BLOCK_DOCS - 1));
}

static void test_postblock__decodes_documented_bitsets(void) {
  uint8_t block[3 + 600 + 1];
  uint32_t pos[KZ_BLOCK_DOCS + 1], want[KZ_BLOCK_DOCS], d[KZ_BLOCK_DOCS], f[KZ_BLOCK_DOCS];
  /* 16, 17, 300 (a byte count above 255) and 512 bytes. */
  static const size_t sizes[] = {16, 17, 64, 300, 512};
  static const int64_t prevs[] = {-1, 0, 12345};
  for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
    for (size_t pi = 0; pi < sizeof prevs / sizeof prevs[0]; pi++) {
      size_t bytes = sizes[si];
      spread_positions(pos, bytes);
      size_t len = bitset_block(block, pos, KZ_BLOCK_DOCS, bytes, bytes);
      for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) want[i] = (uint32_t)(prevs[pi] + 1 + pos[i]);
      size_t used = 0;
      int rc = decode_block(block, len, prevs[pi], KZ_BLOCK_DOCS, UINT32_MAX, d, f, &used);
      if (rc) fprintf(stderr, "%zu bytes after %lld\n", bytes, (long long)prevs[pi]);
      CHECK_EQ_INT(rc, KZ_OK);
      CHECK_EQ_INT(used, len);
      CHECK(memcmp(d, want, sizeof want) == 0);
      for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) CHECK_EQ_INT(f[i], 1);
    }
  }
}

static void test_postblock__bitset_damage_is_corrupt(void) {
  static uint8_t block[3 + 600 + 1];
  uint32_t pos[KZ_BLOCK_DOCS + 1], d[KZ_BLOCK_DOCS], f[KZ_BLOCK_DOCS];
  size_t len;
  /* Byte counts below 16 (128 bits cannot fit; here the bits stay as for 16) and above 512. */
  static const size_t low_counts[] = {0, 1, 15};
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) pos[i] = (uint32_t)i;
  for (size_t k = 0; k < 3; k++) {
    len = bitset_block(block, pos, KZ_BLOCK_DOCS, 16, low_counts[k]);
    CHECK_EQ_INT(decode_block(block, len, -1, KZ_BLOCK_DOCS, UINT32_MAX, d, f, NULL),
                 KZ_ERR_CORRUPT);
  }
  spread_positions(pos, 513);
  len = bitset_block(block, pos, KZ_BLOCK_DOCS, 513, 513);
  CHECK_EQ_INT(decode_block(block, len, -1, KZ_BLOCK_DOCS, UINT32_MAX, d, f, NULL),
               KZ_ERR_CORRUPT);
  spread_positions(pos, 512); /* the same at 512 is fine */
  len = bitset_block(block, pos, KZ_BLOCK_DOCS, 512, 512);
  CHECK_EQ_INT(decode_block(block, len, -1, KZ_BLOCK_DOCS, UINT32_MAX, d, f, NULL), KZ_OK);

  /* A zero last byte: the 24 bytes of a valid bitset and one more, counted. */
  spread_positions(pos, 24);
  len = bitset_block(block, pos, KZ_BLOCK_DOCS, 25, 25);
  CHECK_EQ_INT(decode_block(block, len, -1, KZ_BLOCK_DOCS, UINT32_MAX, d, f, NULL),
               KZ_ERR_CORRUPT);
  len = bitset_block(block, pos, KZ_BLOCK_DOCS, 24, 24);
  CHECK_EQ_INT(decode_block(block, len, -1, KZ_BLOCK_DOCS, UINT32_MAX, d, f, NULL), KZ_OK);

  /* 127 and 129 set bits, the extra one early (first word) or late (last word). */
  spread_positions(pos, 40);
  len = bitset_block(block, pos + 1, KZ_BLOCK_DOCS - 1, 40, 40);
  CHECK_EQ_INT(decode_block(block, len, -1, KZ_BLOCK_DOCS, UINT32_MAX, d, f, NULL),
               KZ_ERR_CORRUPT);
  static const size_t extra_bits[] = {1, 8 * 40 - 2};
  for (size_t k = 0; k < 2; k++) {
    len = bitset_block(block, pos, KZ_BLOCK_DOCS, 40, 40);
    CHECK_EQ_INT(block[3 + extra_bits[k] / 8] & (1u << (extra_bits[k] % 8)), 0);
    block[3 + extra_bits[k] / 8] |= (uint8_t)(1u << (extra_bits[k] % 8));
    CHECK_EQ_INT(decode_block(block, len, -1, KZ_BLOCK_DOCS, UINT32_MAX, d, f, NULL),
                 KZ_ERR_CORRUPT);
  }
  /* Every bit of 512 bytes set: 4096 documents for 128 places. */
  memset(block + 3, 0xFF, 512);
  kz_store_u16le(block + 1, 512);
  block[3 + 512] = 0;
  CHECK_EQ_INT(decode_block(block, 3 + 512 + 1, -1, KZ_BLOCK_DOCS, UINT32_MAX, d, f, NULL),
               KZ_ERR_CORRUPT);

  /* The highest document (on the last set bit) at the limit, then just below it. */
  len = bitset_block(block, pos, KZ_BLOCK_DOCS, 40, 40);
  uint32_t highest = (uint32_t)(1000 + 1 + pos[KZ_BLOCK_DOCS - 1]);
  CHECK_EQ_INT(decode_block(block, len, 1000, KZ_BLOCK_DOCS, highest, d, f, NULL),
               KZ_ERR_CORRUPT);
  CHECK_EQ_INT(decode_block(block, len, 1000, KZ_BLOCK_DOCS, highest + 1, d, f, NULL), KZ_OK);
  CHECK_EQ_INT(d[KZ_BLOCK_DOCS - 1], highest);

  /* A byte count past the end, a header cut short, frequencies missing. */
  CHECK_EQ_INT(decode_block(block, 3 + 39, 1000, KZ_BLOCK_DOCS, UINT32_MAX, d, f, NULL),
               KZ_ERR_CORRUPT);
  CHECK_EQ_INT(decode_block(block, 2, 1000, KZ_BLOCK_DOCS, UINT32_MAX, d, f, NULL),
               KZ_ERR_CORRUPT);
  CHECK_EQ_INT(decode_block(block, len - 1, 1000, KZ_BLOCK_DOCS, UINT32_MAX, d, f, NULL),
               KZ_ERR_CORRUPT);

  /* 0x80 only means a bitset for a full block, and only exactly 0x80. */
  static const size_t short_ns[] = {1, 64, 127};
  for (size_t k = 0; k < 3; k++)
    CHECK_EQ_INT(decode_block(block, len, 1000, short_ns[k], UINT32_MAX, d, f, NULL),
                 KZ_ERR_CORRUPT);
  static const uint8_t headers[] = {0x81, 0x90, 0xA0, 0xC0, 0xFF};
  for (size_t k = 0; k < sizeof headers; k++) {
    block[0] = headers[k];
    CHECK_EQ_INT(decode_block(block, len, 1000, KZ_BLOCK_DOCS, UINT32_MAX, d, f, NULL),
                 KZ_ERR_CORRUPT);
  }
}

/* ------------------------------------------------------------------------ */
/* Limits and arguments                                                     */
/* ------------------------------------------------------------------------ */

static void test_postblock__largest_doc_ids(void) {
  const uint32_t top = UINT32_MAX - 1;
  uint32_t docs[KZ_BLOCK_DOCS], freqs[KZ_BLOCK_DOCS], gaps[KZ_BLOCK_DOCS];
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) freqs[i] = 1;
  /* One document, the largest there is, first in its term (a gap of 2^32 - 1). */
  docs[0] = top;
  CHECK_EQ_INT(round_trip(docs, freqs, 1, UINT32_MAX), KZ_OK);
  CHECK_EQ_INT(round_trip(docs, freqs, 1, top), KZ_ERR_CORRUPT);
  /* A run block and a bitset block ending on it. */
  for (int bitset = 0; bitset <= 1; bitset++) {
    if (bitset) {
      dense_gaps(gaps);
    } else {
      for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) gaps[i] = 1 + (uint32_t)(i % 2) * 1000;
    }
    int64_t span = 0;
    for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) span += gaps[i];
    int64_t prev = (int64_t)top - span;
    docs_from_gaps(gaps, KZ_BLOCK_DOCS, prev, docs);
    CHECK_EQ_INT(docs[KZ_BLOCK_DOCS - 1], top);
    kz_buf b = KZ_BUF_INIT;
    CHECK_EQ_INT(kz_postblock_encode(&b, prev, docs, freqs, KZ_BLOCK_DOCS), KZ_OK);
    CHECK_EQ_INT(b.data[0] == KZ_RUN_BITSET, bitset);
    uint32_t d[KZ_BLOCK_DOCS], f[KZ_BLOCK_DOCS];
    CHECK_EQ_INT(decode_block(b.data, b.len, prev, KZ_BLOCK_DOCS, UINT32_MAX, d, f, NULL), KZ_OK);
    CHECK(memcmp(d, docs, sizeof d) == 0);
    CHECK_EQ_INT(decode_block(b.data, b.len, prev, KZ_BLOCK_DOCS, top, d, f, NULL),
                 KZ_ERR_CORRUPT);
    kz_buf_free(&b);
  }
}

static void test_postblock__decode_rejects_bad_arguments(void) {
  uint32_t gaps[KZ_BLOCK_DOCS], docs[KZ_BLOCK_DOCS], freqs[KZ_BLOCK_DOCS];
  uint32_t d[KZ_BLOCK_DOCS], f[KZ_BLOCK_DOCS];
  const kz_unpacker *u = kz_unpacker_get(KZ_SIMD_SCALAR);
  const uint8_t *next = NULL;
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) freqs[i] = 1;
  for (int bitset = 0; bitset <= 1; bitset++) {
    /* Documents 100 .. 323 (a bitset) or 100, 102, ... (a run), after 99. */
    for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) gaps[i] = 2;
    if (bitset) dense_gaps(gaps);
    gaps[0] = 1;
    docs_from_gaps(gaps, KZ_BLOCK_DOCS, 99, docs);
    kz_buf b = KZ_BUF_INIT;
    CHECK_EQ_INT(kz_postblock_encode(&b, 99, docs, freqs, KZ_BLOCK_DOCS), KZ_OK);
    CHECK_EQ_INT(b.data[0] == KZ_RUN_BITSET, bitset);
    const uint8_t *p = b.data, *end = b.data + b.len;
    uint32_t limit = docs[KZ_BLOCK_DOCS - 1] + 1;
    CHECK_EQ_INT(kz_postblock_decode(u, p, end, 99, 0, limit, d, f, &next), KZ_ERR_INVALID);
    CHECK_EQ_INT(kz_postblock_decode(u, p, end, 99, 129, limit, d, f, &next), KZ_ERR_INVALID);
    CHECK_EQ_INT(kz_postblock_decode(u, p, end, -2, 128, limit, d, f, &next), KZ_ERR_INVALID);
    CHECK_EQ_INT(kz_postblock_decode(u, p, end, INT64_MIN, 128, limit, d, f, &next),
                 KZ_ERR_INVALID);
    /* A previous document at or past the limit (it comes from skip data on disk). */
    const int64_t past[] = {limit, (int64_t)limit + 1, (int64_t)limit + 1000000,
                            (int64_t)UINT32_MAX, INT64_MAX};
    for (size_t k = 0; k < sizeof past / sizeof past[0]; k++)
      CHECK_EQ_INT(kz_postblock_decode(u, p, end, past[k], 128, limit, d, f, &next),
                   KZ_ERR_CORRUPT);
    CHECK_EQ_INT(kz_postblock_decode(u, p, p, 99, 128, limit, d, f, &next), KZ_ERR_CORRUPT);
    CHECK_EQ_INT(kz_postblock_decode(u, p, end, 99, 128, limit - 1, d, f, &next), KZ_ERR_CORRUPT);
    CHECK_EQ_INT(kz_postblock_decode(u, p, end, 99, 128, limit, d, f, &next), KZ_OK);
    CHECK(next == end);
    CHECK(memcmp(d, docs, sizeof d) == 0);
    kz_buf_free(&b);
  }
}

static void test_postblock__encode_rejects_bad_input(void) {
  uint32_t docs[129], freqs[129];
  for (size_t i = 0; i < 129; i++) {
    docs[i] = (uint32_t)(10 + i);
    freqs[i] = 1;
  }
  kz_buf b = KZ_BUF_INIT;
  CHECK_EQ_INT(kz_buf_append(&b, "\x55\x66", 2), KZ_OK);
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
    freqs[n - 1] = 0; /* the last frequency zero, after all docs were fine */
    CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, n), KZ_ERR_INVALID);
    freqs[n - 1] = 1;
    docs[n - 1] = KZ_DOC_END; /* the sentinel is not a doc id */
    CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, n), KZ_ERR_INVALID);
    docs[n - 1] = (uint32_t)(10 + n - 1);
    CHECK_EQ_INT(kz_postblock_encode(&b, (int64_t)UINT32_MAX + 5, docs, freqs, n),
                 KZ_ERR_INVALID);
  }
  /* Failed calls left the buffer as it was. */
  CHECK_EQ_INT(b.len, 2);
  CHECK(memcmp(b.data, "\x55\x66", 2) == 0);
  CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, 128), KZ_OK);
  kz_buf_free(&b);
}

static void test_postblock__encode_failure_leaves_buffer_unchanged(void) {
  /* Doc gaps of about 1000 (a 10-bit run) and 32-bit frequencies (a 513-byte run). */
  uint32_t docs[KZ_BLOCK_DOCS], freqs[KZ_BLOCK_DOCS], gaps[KZ_BLOCK_DOCS];
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) {
    docs[i] = (uint32_t)(i * 1000 + i % 7);
    freqs[i] = UINT32_MAX - (uint32_t)i;
  }
  kz_buf b = KZ_BUF_INIT;
  CHECK_EQ_INT(kz_buf_append(&b, "abc", 3), KZ_OK);
  /* Room for the doc run but not the frequencies: the doc run must not stay behind. */
  b.limit = 3 + 200;
  CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, KZ_BLOCK_DOCS), KZ_ERR_LIMIT);
  CHECK_EQ_INT(b.len, 3);
  CHECK(memcmp(b.data, "abc", 3) == 0);
  b.limit = 3 + 8; /* not even the doc run */
  CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, KZ_BLOCK_DOCS), KZ_ERR_LIMIT);
  CHECK_EQ_INT(b.len, 3);
  /* The same with a bitset in place of the doc run. */
  dense_gaps(gaps);
  docs_from_gaps(gaps, KZ_BLOCK_DOCS, -1, docs);
  b.limit = 3 + 40;
  CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, KZ_BLOCK_DOCS), KZ_ERR_LIMIT);
  CHECK_EQ_INT(b.len, 3);
  CHECK(memcmp(b.data, "abc", 3) == 0);
  b.limit = 0;
  CHECK_EQ_INT(kz_postblock_encode(&b, -1, docs, freqs, KZ_BLOCK_DOCS), KZ_OK);
  CHECK_EQ_INT(b.data[3], KZ_RUN_BITSET);
  kz_buf_free(&b);
}

static void test_postblock__decode_without_frequencies_skips_them(void) {
  uint32_t gaps[KZ_BLOCK_DOCS], docs[KZ_BLOCK_DOCS], freqs[KZ_BLOCK_DOCS];
  uint32_t d[KZ_BLOCK_DOCS], d2[KZ_BLOCK_DOCS], f[KZ_BLOCK_DOCS];
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) freqs[i] = i % 9 ? 1 : 1 + (uint32_t)i * 1000;
  static const size_t lengths[] = {1, 100, 128, 128};
  for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
    size_t n = lengths[li];
    for (size_t i = 0; i < n; i++) gaps[i] = 1 + (uint32_t)(i % 7) * 3;
    if (li == 3) dense_gaps(gaps); /* a bitset block */
    docs_from_gaps(gaps, n, 41, docs);
    kz_buf b = KZ_BUF_INIT;
    CHECK_EQ_INT(kz_postblock_encode(&b, 41, docs, freqs, n), KZ_OK);
    CHECK_EQ_INT(b.data[0] == KZ_RUN_BITSET, li == 3);
    size_t used = 0, used2 = 0;
    CHECK_EQ_INT(decode_block(b.data, b.len, 41, n, UINT32_MAX, d, f, &used), KZ_OK);
    CHECK_EQ_INT(decode_block(b.data, b.len, 41, n, UINT32_MAX, d2, NULL, &used2), KZ_OK);
    CHECK_EQ_INT(used2, used);
    CHECK(memcmp(d2, docs, n * sizeof *d2) == 0);
    /* Skipping still needs the whole frequency run, and still checks the documents. */
    CHECK_EQ_INT(decode_block(b.data, b.len - 1, 41, n, UINT32_MAX, d2, NULL, NULL), KZ_ERR_CORRUPT);
    CHECK_EQ_INT(decode_block(b.data, b.len, 41, n, docs[n - 1], d2, NULL, NULL), KZ_ERR_CORRUPT);
    kz_buf_free(&b);
  }
}

/* ------------------------------------------------------------------------ */
/* Damaged bytes                                                            */
/* ------------------------------------------------------------------------ */

/* Every proper prefix of a valid block is corrupt on every level, read from an exact-size copy. */
static int truncations_fail(const uint32_t *docs, const uint32_t *freqs, size_t n, int64_t prev) {
  kz_buf b = KZ_BUF_INIT;
  int bad = kz_postblock_encode(&b, prev, docs, freqs, n) != KZ_OK;
  uint32_t d[KZ_BLOCK_DOCS], f[KZ_BLOCK_DOCS];
  for (size_t len = 0; len < b.len && !bad; len++) {
    if (decode_block(b.data, len, prev, n, UINT32_MAX, d, f, NULL) != KZ_ERR_CORRUPT) {
      fprintf(stderr, "n %zu truncated at %zu of %zu\n", n, len, b.len);
      bad = 1;
    }
  }
  size_t used = 0;
  if (!bad && (decode_block(b.data, b.len, prev, n, UINT32_MAX, d, f, &used) != KZ_OK ||
               used != b.len))
    bad = 1;
  kz_buf_free(&b);
  return !bad;
}

static void test_postblock__truncation_at_every_byte_is_corrupt(void) {
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 7);
  uint32_t docs[KZ_BLOCK_DOCS], freqs[KZ_BLOCK_DOCS], gaps[KZ_BLOCK_DOCS];
  static const uint32_t spacings[] = {1, 3, 100, 100000, 30000000};
  static const size_t lengths[] = {1, 2, 3, 5, 8, 16, 33, 64, 127, 128};
  for (size_t si = 0; si < sizeof spacings / sizeof spacings[0]; si++) {
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
      size_t n = lengths[li];
      uint64_t d = 50 + kz_test_rand_below(&r, spacings[si]);
      for (size_t i = 0; i < n; i++) {
        docs[i] = (uint32_t)d;
        freqs[i] = kz_test_rand_below(&r, 10) ? 1 + (uint32_t)kz_test_rand_below(&r, si * 1000 + 2)
                                              : kz_test_rand_u32(&r) | 1;
        d += 1 + kz_test_rand_below(&r, spacings[si]);
      }
      CHECK(truncations_fail(docs, freqs, n, 49));
    }
  }
  /* A bitset block, the all-ones block (two bytes) and 32-bit runs. */
  dense_gaps(gaps);
  docs_from_gaps(gaps, KZ_BLOCK_DOCS, 9, docs);
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) freqs[i] = 1 + (uint32_t)(i % 5 == 0) * 70000;
  CHECK(truncations_fail(docs, freqs, KZ_BLOCK_DOCS, 9));
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) {
    docs[i] = (uint32_t)i;
    freqs[i] = 1;
  }
  CHECK(truncations_fail(docs, freqs, KZ_BLOCK_DOCS, -1));
  docs[127] = UINT32_MAX - 1;
  freqs[0] = UINT32_MAX;
  CHECK(truncations_fail(docs, freqs, KZ_BLOCK_DOCS, -1));
}

/*
 * Random block bytes: mostly plausible headers (bitset markers with byte
 * counts near the legal range, run headers of legal widths, exception
 * headers) so that the decoder's later checks are reached, or a valid block
 * with a few bytes changed.
 */
static size_t garbage_block(kz_test_rng *r, uint8_t *out, size_t cap, size_t *n, int64_t *prev,
                            uint32_t *limit) {
  size_t len = (size_t)kz_test_rand_below(r, cap + 1);
  for (size_t i = 0; i < len; i++) out[i] = (uint8_t)kz_test_rand(r);
  *n = kz_test_rand_below(r, 3) ? KZ_BLOCK_DOCS : 1 + (size_t)kz_test_rand_below(r, KZ_BLOCK_DOCS);
  *limit = kz_test_rand_below(r, 2) ? UINT32_MAX : kz_test_rand_u32(r);
  *prev = kz_test_rand_below(r, 2) ? -1 : (int64_t)kz_test_rand_below(r, (uint64_t)*limit + 1) - 1;
  switch (kz_test_rand_below(r, 4)) {
    case 0: { /* a valid block, then damage */
      uint32_t docs[KZ_BLOCK_DOCS], freqs[KZ_BLOCK_DOCS];
      uint64_t d = (uint64_t)(*prev + 1),
               spacing = 1 + kz_test_rand_below(r, 1u << kz_test_rand_below(r, 12));
      /* Gaps 1, 2, 3 at 2:1:1, which bitsets store best. */
      int dense = kz_test_rand_below(r, 3) == 0;
      for (size_t i = 0; i < *n; i++) {
        docs[i] = (uint32_t)d;
        freqs[i] = 1 + (uint32_t)kz_test_rand_below(r, 1 + kz_test_rand_below(r, 1000));
        d += dense ? 1 + (kz_test_rand_below(r, 2) ? 0 : 1 + kz_test_rand_below(r, 2))
                   : 1 + kz_test_rand_below(r, spacing);
      }
      if (d >= UINT32_MAX) return 0;
      kz_buf b = KZ_BUF_INIT;
      if (kz_postblock_encode(&b, *prev, docs, freqs, *n) || b.len > cap) {
        kz_buf_free(&b);
        return 0;
      }
      memcpy(out, b.data, b.len);
      len = b.len;
      kz_buf_free(&b);
      if (kz_test_rand_below(r, 2)) *limit = UINT32_MAX;
      for (uint64_t k = kz_test_rand_below(r, 4); k > 0; k--)
        out[kz_test_rand_below(r, len)] ^= (uint8_t)(1u << kz_test_rand_below(r, 8));
      break;
    }
    case 1: /* a bitset marker and a byte count near 16 .. 512 */
      if (len >= 3) {
        out[0] = KZ_RUN_BITSET;
        kz_store_u16le(out + 1, (uint16_t)(8 + kz_test_rand_below(r, 520)));
        *n = KZ_BLOCK_DOCS;
      }
      break;
    case 2: /* run headers of legal widths, maybe with exceptions */
      if (len > 0)
        out[0] = (uint8_t)(kz_test_rand_below(r, 33) |
                           (kz_test_rand_below(r, 2) ? KZ_RUN_EXCEPTIONS : 0));
      break;
    default:
      break;
  }
  return len;
}

static void test_postblock__random_garbage_never_crashes(void) {
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 12345);
  static uint8_t src[1200];
  uint32_t d[KZ_BLOCK_DOCS], f[KZ_BLOCK_DOCS];
  size_t ok = 0, ok_bitsets = 0;
  for (int iter = 0; iter < 20000; iter++) {
    size_t n, used = 0;
    int64_t prev;
    uint32_t limit;
    size_t len = garbage_block(&r, src, sizeof src, &n, &prev, &limit);
    int rc = decode_block(src, len, prev, n, limit, d, f, &used);
    CHECK(rc == KZ_OK || rc == KZ_ERR_CORRUPT); /* and every level agrees (-100 otherwise) */
    if (rc != KZ_OK) continue;
    ok++;
    ok_bitsets += src[0] == KZ_RUN_BITSET;
    CHECK(used > 0 && used <= len);
    for (size_t i = 0; i < n; i++) {
      CHECK((int64_t)d[i] > (i ? (int64_t)d[i - 1] : prev));
      CHECK(d[i] < limit);
      CHECK(f[i] >= 1);
    }
    /* What decodes re-encodes, in no more bytes (the encoder is smallest), to the same postings. */
    kz_buf b = KZ_BUF_INIT;
    CHECK_EQ_INT(kz_postblock_encode(&b, prev, d, f, n), KZ_OK);
    CHECK(b.len <= used);
    uint32_t d2[KZ_BLOCK_DOCS], f2[KZ_BLOCK_DOCS];
    size_t used2 = 0;
    rc = decode_block(b.data, b.len, prev, n, limit, d2, f2, &used2);
    int same = rc == KZ_OK && used2 == b.len && memcmp(d, d2, n * sizeof *d) == 0 &&
               memcmp(f, f2, n * sizeof *f) == 0;
    kz_buf_free(&b);
    CHECK(same);
  }
  printf("garbage: %zu of 20000 decoded, %zu of them bitsets\n", ok, ok_bitsets);
  /* The generator does reach the success path, bitsets included. */
  CHECK(ok > 1000 && ok_bitsets > 20);
}

KZ_TEST_MAIN(KZ_TEST(test_postblock__round_trip_random_lists_on_every_level),
             KZ_TEST(test_postblock__round_trip_edge_lengths),
             KZ_TEST(test_postblock__huge_frequencies),
             KZ_TEST(test_postblock__known_bytes),
             KZ_TEST(test_postblock__dense_full_block_is_a_bitset),
             KZ_TEST(test_postblock__bitset_only_when_smaller),
             KZ_TEST(test_postblock__decodes_documented_bitsets),
             KZ_TEST(test_postblock__bitset_damage_is_corrupt),
             KZ_TEST(test_postblock__largest_doc_ids),
             KZ_TEST(test_postblock__decode_rejects_bad_arguments),
             KZ_TEST(test_postblock__encode_rejects_bad_input),
             KZ_TEST(test_postblock__encode_failure_leaves_buffer_unchanged),
             KZ_TEST(test_postblock__decode_without_frequencies_skips_them),
             KZ_TEST(test_postblock__truncation_at_every_byte_is_corrupt),
             KZ_TEST(test_postblock__random_garbage_never_crashes))
