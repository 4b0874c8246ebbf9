/*
 * test_bitpack.c - the bit-packing kernels (format/bitpack.h).
 *
 * The two layouts are normative (docs/FORMAT.md, "Runs"), so the packers
 * are compared with a slow bit-by-bit reference written from the format
 * text, not with the unpackers, and the unpackers read bytes made by that
 * reference. Every vertical decoder this CPU runs (scalar, SSE4.1, AVX2)
 * must give exactly the reference results, which also makes the levels
 * agree with each other. Packed input is read from heap blocks that end
 * exactly where the packed bytes end (and, for the SIMD loads, also from an
 * odd address), so the sanitizer build catches a kernel reading one byte
 * too far or assuming alignment.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/bitpack.h"
#include "kz_codec_test.h"
#include "kz_test.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */



/* Value patterns, each of which a packer of `bits` bits must get right. */
enum { RANDOM, ALL_ONES, RANDOM_WITH_ONES, ZEROS, NOISE_ABOVE, PATTERNS };

/*
 * n values for `bits`: random below 2^bits, every bit of the width set, a
 * mix, zeros, or full 32-bit noise whose bits above the width a packer must
 * drop (only NOISE_ABOVE has bits above the width).
 */
static void fill(kz_test_rng *r, int pattern, unsigned bits, uint32_t *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint32_t x = kz_test_rand_u32(r);
    switch (pattern) {
      case RANDOM: v[i] = x & low_mask(bits); break;
      case ALL_ONES: v[i] = low_mask(bits); break;
      case RANDOM_WITH_ONES: v[i] = x % 3 ? x & low_mask(bits) : low_mask(bits); break;
      case ZEROS: v[i] = 0; break;
      default: v[i] = x; break;
    }
  }
}

/*
 * Where bit k of value i lives, as a bit index into the packed bytes (bit
 * p is bit p % 8 of byte p / 8), straight from the format text.
 *   horizontal: stream bit i*b + k.
 *   vertical: lane i % 4, row i / 4; lane bit r*b + k is bit (that % 32) of
 *     the lane's word (that / 32), which is word l + 4 * (that / 32) of the
 *     run, a little-endian u32 (so its bit j is bit j % 8 of byte j / 8 of
 *     the word).
 */
static size_t ref_bit_position(int vertical, size_t i, unsigned bits, unsigned k) {
  if (!vertical) return i * bits + k;
  size_t lane = i % 4, lane_bit = (i / 4) * bits + k;
  size_t word = lane + 4 * (lane_bit / 32);
  return 32 * word + lane_bit % 32;
}

static size_t ref_packed_bytes(int vertical, size_t n, unsigned bits) {
  return vertical ? 16u * bits : (n * bits) / 8 + ((n * bits) % 8 != 0);
}

/* The obvious packer: one bit at a time; returns the bytes written. */
static size_t ref_pack(int vertical, const uint32_t *in, size_t n, unsigned bits, uint8_t *out) {
  size_t bytes = ref_packed_bytes(vertical, n, bits);
  memset(out, 0, bytes);
  for (size_t i = 0; i < n; i++)
    for (unsigned k = 0; k < bits; k++)
      if ((in[i] >> k) & 1u) {
        size_t p = ref_bit_position(vertical, i, bits, k);
        out[p / 8] |= (uint8_t)(1u << (p % 8));
      }
  return bytes;
}

/* The obvious unpacker: out[i] = value i + add. */
static void ref_unpack(int vertical, const uint8_t *in, size_t n, unsigned bits, uint32_t add,
                       uint32_t *out) {
  for (size_t i = 0; i < n; i++) {
    uint32_t v = 0;
    for (unsigned k = 0; k < bits; k++) {
      size_t p = ref_bit_position(vertical, i, bits, k);
      v |= (uint32_t)((in[p / 8] >> (p % 8)) & 1u) << k;
    }
    out[i] = v + add;
  }
}

/*
 * A heap block whose last byte is the last of the n bytes copied (so any
 * read past them is an overflow ASan sees), starting `shift` bytes into the
 * allocation so that SIMD loads also meet odd addresses. Free *base.
 */
static uint8_t *copy_to_end(const uint8_t *src, size_t n, size_t shift, uint8_t **base) {
  *base = malloc(n + shift); /* malloc(0) too: ASan flags any read of it */
  if (!*base) return NULL;
  if (n) memcpy(*base + shift, src, n);
  return *base + shift;
}


/* out[i] = base + (v[0] + add) + ... + (v[i] + add), one add at a time. */
static void ref_prefix(const uint32_t *v, uint32_t add, uint32_t base, uint32_t *out) {
  for (size_t i = 0; i < KZ_PACK_VALUES; i++) out[i] = base += v[i] + add;
}

#define SENTINEL 0xDEADBEEFu

/* ------------------------------------------------------------------------ */
/* Levels                                                                   */
/* ------------------------------------------------------------------------ */

static void test_bitpack__levels_this_cpu_runs(void) {
  const kz_unpacker *us[KZ_SIMD_LEVELS];
  size_t n = get_levels(us);
  CHECK(n >= 1);
  CHECK(us[0] == kz_unpacker_get(KZ_SIMD_SCALAR)); /* scalar is always there */
  printf("vertical decoders tested:");
  for (size_t i = 0; i < n; i++) printf(" %s", kz_simd_level_name(us[i]->level));
  printf("\n");
  for (int l = KZ_SIMD_SCALAR; l < KZ_SIMD_LEVELS; l++) {
    const kz_unpacker *u = kz_unpacker_get((kz_simd_level)l);
    if (u) CHECK_EQ_INT(u->level, l);
  }
  CHECK(kz_unpacker_get(KZ_SIMD_LEVELS) == NULL);
  CHECK(kz_unpacker_get((kz_simd_level)-1) == NULL);
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  /* A SIMD level is skipped only when the CPU lacks it, and offered only when it has it. */
  int sse41 = __builtin_cpu_supports("sse4.1") != 0;
  int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") &&
             __builtin_cpu_supports("bmi");
  CHECK_EQ_INT(kz_unpacker_get(KZ_SIMD_SSE41) != NULL, sse41);
  CHECK_EQ_INT(kz_unpacker_get(KZ_SIMD_AVX2) != NULL, avx2);
#endif
}

static void test_bitpack__level_names(void) {
  CHECK_EQ_STR(kz_simd_level_name(KZ_SIMD_SCALAR), "scalar");
  CHECK_EQ_STR(kz_simd_level_name(KZ_SIMD_SSE41), "sse4.1");
  CHECK_EQ_STR(kz_simd_level_name(KZ_SIMD_AVX2), "avx2");
  CHECK_EQ_STR(kz_simd_level_name(KZ_SIMD_LEVELS), "?");
  CHECK_EQ_STR(kz_simd_level_name((kz_simd_level)-1), "?");
  CHECK_EQ_STR(kz_simd_level_name((kz_simd_level)1000), "?");
}

static void test_bitpack__default_honours_kz_simd(void) {
  const kz_unpacker *fastest = kz_unpacker_get(KZ_SIMD_SCALAR);
  for (int l = KZ_SIMD_SCALAR; l < KZ_SIMD_LEVELS; l++)
    if (kz_unpacker_get((kz_simd_level)l)) fastest = kz_unpacker_get((kz_simd_level)l);

  const char *saved = getenv("KZ_SIMD");
  char *saved_copy = saved ? strdup(saved) : NULL;
  /* Gather first and check after restoring the variable, so a failure cannot leak it. */
  const kz_unpacker *named[KZ_SIMD_LEVELS];
  for (int l = KZ_SIMD_SCALAR; l < KZ_SIMD_LEVELS; l++) {
    setenv("KZ_SIMD", kz_simd_level_name((kz_simd_level)l), 1);
    named[l] = kz_unpacker_default();
  }
  static const char *const unknown[] = {"", "bogus", "AVX2", "Scalar", "sse4", "sse41",
                                        "avx2 ", " avx2", "avx512", "?"};
  enum { N_UNKNOWN = sizeof unknown / sizeof unknown[0] };
  const kz_unpacker *for_unknown[N_UNKNOWN];
  for (size_t i = 0; i < N_UNKNOWN; i++) {
    setenv("KZ_SIMD", unknown[i], 1);
    for_unknown[i] = kz_unpacker_default();
  }
  unsetenv("KZ_SIMD");
  const kz_unpacker *unset = kz_unpacker_default();
  if (saved_copy) setenv("KZ_SIMD", saved_copy, 1);
  free(saved_copy);

  CHECK(unset == fastest);
  for (int l = KZ_SIMD_SCALAR; l < KZ_SIMD_LEVELS; l++) {
    /* A level this CPU cannot run is ignored like an unknown name. */
    const kz_unpacker *want = kz_unpacker_get((kz_simd_level)l);
    CHECK(named[l] == (want ? want : fastest));
  }
  for (size_t i = 0; i < N_UNKNOWN; i++) {
    if (for_unknown[i] != fastest) fprintf(stderr, "KZ_SIMD=\"%s\"\n", unknown[i]);
    CHECK(for_unknown[i] == fastest);
  }
}

/* ------------------------------------------------------------------------ */
/* Vertical layout                                                          */
/* ------------------------------------------------------------------------ */

static void test_bitpack__pack128_matches_reference_layout(void) {
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 1);
  uint32_t in[KZ_PACK_VALUES], masked[KZ_PACK_VALUES];
  uint8_t packed[16 * 32 + 16], ref[16 * 32];
  for (unsigned bits = 0; bits <= 32; bits++) {
    for (int pattern = 0; pattern < PATTERNS; pattern++) {
      for (int trial = 0; trial < 4; trial++) {
        fill(&r, pattern, bits, in, KZ_PACK_VALUES);
        for (size_t i = 0; i < KZ_PACK_VALUES; i++) masked[i] = in[i] & low_mask(bits);
        memset(packed, 0xAB, sizeof packed);
        kz_pack128(in, bits, packed);
        CHECK_EQ_INT(ref_pack(1, masked, KZ_PACK_VALUES, bits, ref), 16 * bits);
        if (memcmp(packed, ref, 16 * bits) != 0) fprintf(stderr, "bits %u pattern %d\n", bits, pattern);
        CHECK(memcmp(packed, ref, 16 * bits) == 0);
        for (size_t k = 16 * bits; k < sizeof packed; k++) CHECK_EQ_INT(packed[k], 0xAB);
      }
    }
  }
}

static void test_bitpack__vertical_known_bytes(void) {
  /* Width 1, only lane 1 (values 1, 5, 9, ...) set: word 1 of the run is all ones. */
  uint32_t in[KZ_PACK_VALUES];
  uint8_t out[16 * 32];
  for (size_t i = 0; i < KZ_PACK_VALUES; i++) in[i] = i % 4 == 1;
  kz_pack128(in, 1, out);
  static const uint8_t lane1[16] = {0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK(memcmp(out, lane1, 16) == 0);
  /*
   * Width 3, value i = i / 4 % 8 (each row holds its row number in all four
   * lanes): row r sits at lane bits 3r..3r+2, so word 0 of each lane holds
   * rows 0..9 and the low 2 bits of row 10 (= 2): 0x88FAC688 | (2 << 30).
   */
  for (size_t i = 0; i < KZ_PACK_VALUES; i++) in[i] = (uint32_t)(i / 4 % 8);
  kz_pack128(in, 3, out);
  uint32_t word0 = 0;
  for (unsigned row = 0; row < 11; row++) word0 |= (uint32_t)((uint64_t)(row % 8) << (3 * row));
  CHECK_EQ_INT(word0, 0x88FAC688u);
  for (int lane = 0; lane < 4; lane++) {
    CHECK_EQ_INT(out[4 * lane + 0], 0x88);
    CHECK_EQ_INT(out[4 * lane + 1], 0xC6);
    CHECK_EQ_INT(out[4 * lane + 2], 0xFA);
    CHECK_EQ_INT(out[4 * lane + 3], 0x88);
  }
}

/*
 * Runs one vertical kernel, unpack (with each value of `args` as the add)
 * or unpack_prefix (with each as the base), on every level over
 * reference-packed runs of every width and pattern, read from blocks that
 * end where the run ends, at an aligned and an odd address. @return 1 when
 * every result equals the reference and nothing is written past 128 values.
 */
static int vertical_kernel_matches(int prefix, uint64_t seed) {
  const kz_unpacker *us[KZ_SIMD_LEVELS];
  size_t n_levels = get_levels(us);
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, seed);
  uint32_t in[KZ_PACK_VALUES], want[KZ_PACK_VALUES], out[KZ_PACK_VALUES + 1];
  uint8_t ref[16 * 32];
  int ok = 1;
  for (unsigned bits = 0; bits <= 32 && ok; bits++) {
    for (int pattern = 0; pattern < NOISE_ABOVE && ok; pattern++) {
      for (int trial = 0; trial < 3 && ok; trial++) {
        fill(&r, pattern, bits, in, KZ_PACK_VALUES);
        ref_pack(1, in, KZ_PACK_VALUES, bits, ref);
        /* As a base, 0xFFFFFFFF is prev_doc = -1, the base of a term's first block. */
        const uint32_t args[] = {
            0, 1, 2, 0x7FFFFFFFu, 0x80000000u, UINT32_MAX - 200, UINT32_MAX, kz_test_rand_u32(&r)};
        for (size_t shift = 0; shift <= 1 && ok; shift++) {
          uint8_t *base;
          const uint8_t *src = copy_to_end(ref, 16 * bits, shift, &base);
          if (!src) return 0;
          for (size_t li = 0; li < n_levels && ok; li++) {
            for (size_t a = 0; a < sizeof args / sizeof args[0] && ok; a++) {
              out[KZ_PACK_VALUES] = SENTINEL;
              if (prefix) {
                us[li]->unpack_prefix(src, bits, args[a], out);
                ref_prefix(in, 1, args[a], want);
              } else {
                us[li]->unpack(src, bits, args[a], out);
                ref_unpack(1, ref, KZ_PACK_VALUES, bits, args[a], want);
              }
              ok = memcmp(out, want, sizeof want) == 0 && out[KZ_PACK_VALUES] == SENTINEL;
              if (!ok)
                fprintf(stderr, "%s %s: bits %u pattern %d %s %u\n",
                        kz_simd_level_name(us[li]->level), prefix ? "unpack_prefix" : "unpack",
                        bits, pattern, prefix ? "base" : "add", args[a]);
            }
          }
          free(base);
        }
      }
    }
  }
  return ok;
}

static void test_bitpack__unpack_matches_reference_on_every_level(void) {
  CHECK(vertical_kernel_matches(0, 2));
}

static void test_bitpack__unpack_prefix_matches_reference_on_every_level(void) {
  CHECK(vertical_kernel_matches(1, 3));
}

static void test_bitpack__prefix_matches_reference_on_every_level(void) {
  const kz_unpacker *us[KZ_SIMD_LEVELS];
  size_t n_levels = get_levels(us);
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 4);
  uint32_t in[KZ_PACK_VALUES], want[KZ_PACK_VALUES], v[KZ_PACK_VALUES + 1];
  for (int trial = 0; trial < 200; trial++) {
    /* Full 32-bit values make the sums wrap; small ones look like gaps. */
    unsigned bits = trial % 33;
    fill(&r, trial % 2 ? RANDOM : NOISE_ABOVE, bits, in, KZ_PACK_VALUES);
    uint32_t base = trial % 3 == 0 ? UINT32_MAX : trial % 3 == 1 ? 0 : kz_test_rand_u32(&r);
    ref_prefix(in, 0, base, want);
    for (size_t li = 0; li < n_levels; li++) {
      memcpy(v, in, sizeof in);
      v[KZ_PACK_VALUES] = SENTINEL;
      us[li]->prefix(v, base);
      if (memcmp(v, want, sizeof want) != 0)
        fprintf(stderr, "%s trial %d\n", kz_simd_level_name(us[li]->level), trial);
      CHECK(memcmp(v, want, sizeof want) == 0);
      CHECK_EQ_INT(v[KZ_PACK_VALUES], SENTINEL);
    }
  }
  /* Output that is only 4-byte aligned: the kernels must not assume 16 or 32. */
  uint32_t *buf = malloc((KZ_PACK_VALUES + 1) * sizeof *buf);
  CHECK(buf);
  fill(&r, NOISE_ABOVE, 32, in, KZ_PACK_VALUES);
  ref_prefix(in, 0, 7, want);
  for (size_t li = 0; li < n_levels; li++) {
    memcpy(buf + 1, in, sizeof in);
    us[li]->prefix(buf + 1, 7);
    if (memcmp(buf + 1, want, sizeof want) != 0) {
      free(buf);
      CHECK(!"prefix into an odd output address");
    }
  }
  free(buf);
}

static void test_bitpack__unpack_to_unaligned_output_on_every_level(void) {
  const kz_unpacker *us[KZ_SIMD_LEVELS];
  size_t n_levels = get_levels(us);
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 5);
  uint32_t in[KZ_PACK_VALUES], want[KZ_PACK_VALUES];
  uint8_t ref[16 * 32];
  uint32_t *buf = malloc((KZ_PACK_VALUES + 1) * sizeof *buf);
  CHECK(buf);
  int bad = 0;
  for (unsigned bits = 0; bits <= 32 && !bad; bits++) {
    fill(&r, RANDOM_WITH_ONES, bits, in, KZ_PACK_VALUES);
    ref_pack(1, in, KZ_PACK_VALUES, bits, ref);
    for (size_t li = 0; li < n_levels && !bad; li++) {
      us[li]->unpack(ref, bits, 3, buf + 1);
      ref_unpack(1, ref, KZ_PACK_VALUES, bits, 3, want);
      bad |= memcmp(buf + 1, want, sizeof want) != 0;
      us[li]->unpack_prefix(ref, bits, 9, buf + 1);
      ref_prefix(in, 1, 9, want);
      bad |= memcmp(buf + 1, want, sizeof want) != 0;
    }
  }
  free(buf);
  CHECK(!bad);
}

static void test_bitpack__scan_matches_reference_on_every_level(void) {
  const kz_unpacker *us[KZ_SIMD_LEVELS];
  size_t n_levels = get_levels(us);
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 8);
  enum { MAX_N = 300 };
  uint32_t in[MAX_N], want[MAX_N], v[MAX_N + 1];
  for (size_t n = 0; n <= MAX_N; n += n < 40 ? 1 : 13) {
    for (int trial = 0; trial < 3; trial++) {
      fill(&r, trial == 0 ? NOISE_ABOVE : RANDOM, trial == 1 ? 32 : 7, in, n);
      const uint32_t base = trial == 0 ? UINT32_MAX : kz_test_rand_u32(&r);
      uint32_t sum = base;
      for (size_t i = 0; i < n; i++) want[i] = sum += in[i];
      for (size_t li = 0; li < n_levels; li++) {
        memcpy(v, in, n * sizeof *v);
        v[n] = SENTINEL;
        us[li]->scan(v, n, base);
        if (memcmp(v, want, n * sizeof *v) != 0 || v[n] != SENTINEL)
          fprintf(stderr, "%s n %zu trial %d\n", kz_simd_level_name(us[li]->level), n, trial);
        CHECK(memcmp(v, want, n * sizeof *v) == 0);
        CHECK_EQ_INT(v[n], SENTINEL);
      }
    }
  }
}

/* The set bits of a bitset, one bit at a time: first + j for bit j. */
static size_t ref_bitset(const uint8_t *bits, size_t bytes, uint32_t first, uint32_t *out) {
  size_t k = 0;
  for (size_t j = 0; j < 8 * bytes; j++)
    if ((bits[j / 8] >> (j % 8)) & 1u) out[k++] = first + (uint32_t)j;
  return k;
}

static void test_bitpack__bitset_matches_reference_on_every_level(void) {
  const kz_unpacker *us[KZ_SIMD_LEVELS];
  size_t n_levels = get_levels(us);
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 9);
  enum { MAX_BYTES = 600, MAX_BITS = 8 * MAX_BYTES };
  static uint8_t bits[MAX_BYTES];
  static uint32_t want[MAX_BITS], out[MAX_BITS + 1];
  static const size_t caps[] = {0, 1, 7, 8, 9, 127, 128, 129, 135, 136, 200, MAX_BITS};
  for (int trial = 0; trial < 400; trial++) {
    size_t bytes = trial < 40 ? (size_t)trial : 1 + kz_test_rand_u32(&r) % MAX_BYTES;
    /* Densities from one bit in 64 to all bits set. */
    unsigned density = trial % 7;
    for (size_t i = 0; i < bytes; i++) {
      uint8_t x = (uint8_t)kz_test_rand_u32(&r);
      bits[i] = density == 0   ? 0xFF
                : density == 1 ? (uint8_t)(x | kz_test_rand_u32(&r))
                : density == 2 ? x
                : density == 3 ? (uint8_t)(x & kz_test_rand_u32(&r))
                : density == 4 ? (uint8_t)(x & kz_test_rand_u32(&r) & kz_test_rand_u32(&r))
                : density == 5 ? (kz_test_rand_u32(&r) % 8 ? 0 : (uint8_t)(1u << (x % 8)))
                               : 0;
    }
    uint32_t first = trial % 3 == 0 ? 0 : trial % 3 == 1 ? 123456 : UINT32_MAX - 8 * MAX_BYTES;
    size_t count = ref_bitset(bits, bytes, first, want);
    for (size_t shift = 0; shift <= 1; shift++) {
      uint8_t *base;
      const uint8_t *src = copy_to_end(bits, bytes, shift, &base);
      CHECK(src);
      for (size_t li = 0; li < n_levels; li++) {
        for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
          size_t cap = caps[c] == MAX_BITS ? count + (size_t)(trial % 9) : caps[c];
          if (cap > MAX_BITS) cap = MAX_BITS;
          out[cap] = SENTINEL; /* the first entry past the room given must stay */
          size_t got = us[li]->bitset(src, bytes, first, out, cap);
          size_t valid = count < cap ? count : cap;
          int ok = got == count && memcmp(out, want, valid * sizeof *out) == 0 &&
                   out[cap] == SENTINEL;
          if (!ok) {
            fprintf(stderr, "%s trial %d bytes %zu cap %zu: got %zu of %zu\n",
                    kz_simd_level_name(us[li]->level), trial, bytes, cap, got, count);
            free(base);
            CHECK(ok);
          }
        }
      }
      free(base);
    }
  }
}

/* ------------------------------------------------------------------------ */
/* Horizontal layout                                                        */
/* ------------------------------------------------------------------------ */

static void test_bitpack__packbytes_size(void) {
  for (size_t n = 0; n <= 130; n++)
    for (unsigned bits = 0; bits <= 32; bits++)
      CHECK_EQ_INT(kz_packbytes_size(n, bits), ref_packed_bytes(0, n, bits));
  CHECK_EQ_INT(kz_packbytes_size(1, 1), 1);
  CHECK_EQ_INT(kz_packbytes_size(8, 1), 1);
  CHECK_EQ_INT(kz_packbytes_size(9, 1), 2);
  CHECK_EQ_INT(kz_packbytes_size(3, 5), 2);
  CHECK_EQ_INT(kz_packbytes_size(127, 32), 508);
}

static void test_bitpack__horizontal_matches_reference(void) {
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 6);
  enum { MAX_N = 130 };
  uint32_t in[MAX_N], masked[MAX_N], want[MAX_N], out[MAX_N + 1];
  uint8_t packed[MAX_N * 4 + 16], ref[MAX_N * 4];
  static const int patterns[] = {RANDOM, ALL_ONES, NOISE_ABOVE};
  for (size_t n = 0; n <= MAX_N; n++) {
    for (unsigned bits = 0; bits <= 32; bits++) {
      for (size_t pi = 0; pi < sizeof patterns / sizeof patterns[0]; pi++) {
        fill(&r, patterns[pi], bits, in, n);
        for (size_t i = 0; i < n; i++) masked[i] = in[i] & low_mask(bits);
        size_t bytes = ref_pack(0, masked, n, bits, ref);
        memset(packed, 0xAB, sizeof packed);
        CHECK_EQ_INT(kz_packbytes(in, n, bits, packed), bytes);
        if (memcmp(packed, ref, bytes) != 0) fprintf(stderr, "n %zu bits %u\n", n, bits);
        CHECK(memcmp(packed, ref, bytes) == 0);
        CHECK_EQ_INT(packed[bytes], 0xAB);

        /* Unpack the reference bytes from a block of exactly kz_packbytes_size bytes. */
        uint8_t *base;
        const uint8_t *src = copy_to_end(ref, kz_packbytes_size(n, bits), 0, &base);
        CHECK(src);
        const uint32_t adds[] = {0, 1, UINT32_MAX, kz_test_rand_u32(&r)};
        for (size_t a = 0; a < sizeof adds / sizeof adds[0]; a++) {
          out[n] = SENTINEL;
          kz_unpackbytes(src, n, bits, adds[a], out);
          ref_unpack(0, ref, n, bits, adds[a], want);
          if (memcmp(out, want, n * sizeof *out) != 0 || out[n] != SENTINEL) {
            free(base);
            fprintf(stderr, "n %zu bits %u add %u\n", n, bits, adds[a]);
            CHECK(!"kz_unpackbytes differs from the reference");
          }
        }
        free(base);
      }
    }
  }
}

static void test_bitpack__horizontal_known_bytes(void) {
  /* Eight 3-bit values fill three bytes, the first value lowest: sum of v[i] << 3i = 0xFAC688. */
  const uint32_t in[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  uint8_t out[4] = {0, 0, 0, 0xAB};
  CHECK_EQ_INT(kz_packbytes(in, 8, 3, out), 3);
  CHECK_EQ_INT(out[0], 0x88);
  CHECK_EQ_INT(out[1], 0xC6);
  CHECK_EQ_INT(out[2], 0xFA);
  CHECK_EQ_INT(out[3], 0xAB);
  /* Three 5-bit values: 31 | 1 << 5 | 16 << 10 = 0x403F, 15 bits in 2 bytes. */
  const uint32_t in5[3] = {31, 1, 16};
  CHECK_EQ_INT(kz_packbytes(in5, 3, 5, out), 2);
  CHECK_EQ_INT(out[0], 0x3F);
  CHECK_EQ_INT(out[1], 0x40);
}

/* ------------------------------------------------------------------------ */
/* kz_bit_length                                                            */
/* ------------------------------------------------------------------------ */

static unsigned ref_bit_length(uint32_t v) {
  unsigned b = 0;
  for (; v; v >>= 1) b++;
  return b;
}

static void test_bitpack__bit_length(void) {
  CHECK_EQ_INT(kz_bit_length(0), 0);
  CHECK_EQ_INT(kz_bit_length(1), 1);
  CHECK_EQ_INT(kz_bit_length(UINT32_MAX), 32);
  for (unsigned k = 0; k < 32; k++) {
    uint32_t p = (uint32_t)1 << k;
    CHECK_EQ_INT(kz_bit_length(p), k + 1);
    CHECK_EQ_INT(kz_bit_length(p - 1), k);
    CHECK_EQ_INT(kz_bit_length(p | (p - 1)), k + 1);
  }
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 7);
  for (int i = 0; i < 10000; i++) {
    uint32_t v = kz_test_rand_u32(&r) >> (i % 33 == 32 ? 0 : i % 32);
    CHECK_EQ_INT(kz_bit_length(v), ref_bit_length(v));
  }
}

KZ_TEST_MAIN(KZ_TEST(test_bitpack__levels_this_cpu_runs),
             KZ_TEST(test_bitpack__level_names),
             KZ_TEST(test_bitpack__default_honours_kz_simd),
             KZ_TEST(test_bitpack__pack128_matches_reference_layout),
             KZ_TEST(test_bitpack__vertical_known_bytes),
             KZ_TEST(test_bitpack__unpack_matches_reference_on_every_level),
             KZ_TEST(test_bitpack__unpack_prefix_matches_reference_on_every_level),
             KZ_TEST(test_bitpack__prefix_matches_reference_on_every_level),
             KZ_TEST(test_bitpack__unpack_to_unaligned_output_on_every_level),
             KZ_TEST(test_bitpack__scan_matches_reference_on_every_level),
             KZ_TEST(test_bitpack__bitset_matches_reference_on_every_level),
             KZ_TEST(test_bitpack__packbytes_size),
             KZ_TEST(test_bitpack__horizontal_matches_reference),
             KZ_TEST(test_bitpack__horizontal_known_bytes),
             KZ_TEST(test_bitpack__bit_length))
