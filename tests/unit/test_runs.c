/*
 * test_runs.c - the PFOR run codec (format/runs.h; docs/FORMAT.md, "Runs").
 *
 * Layers: round trips over value distributions chosen to reach every width
 * and the exception path; the encoded size checked against the format's
 * cost formula, computed here independently, and its tie rule; a few runs
 * checked byte for byte against hand-computed encodings; and every kind of
 * damage the format forbids checked to return KZ_ERR_CORRUPT. Runs the
 * encoder would never write (other widths, exceptions at will, stored
 * values of 2^32 - 1) come from write_run, a slow writer of the layout.
 * Every decode runs on every vertical decoder the CPU has, from a heap copy
 * of exactly the run's size, so the sanitizer build catches over-reads.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/bitpack.h"
#include "common/buf.h"
#include "format/runs.h"
#include "kz_codec_test.h"
#include "kz_test.h"
#include "kzsearch.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */



static unsigned length_of(uint32_t x) { /* bit length, the slow way */
  unsigned b = 0;
  for (; x; x >>= 1) b++;
  return b;
}



/*
 * Writes a run of n stored values x (each value - 1) at width b the slow
 * way: the low b bits packed, and, when e > 0, every x longer than b listed
 * as an exception with e high bits (e == 0: none, every x must fit in b).
 * Returns the run's size. Lets a test build runs the encoder would not.
 */
static size_t write_run(uint8_t *out, const uint32_t *x, size_t n, unsigned b, unsigned e) {
  uint32_t low[KZ_PACK_VALUES], high[KZ_PACK_VALUES];
  uint8_t indexes[KZ_PACK_VALUES];
  size_t c = 0;
  for (size_t i = 0; i < n; i++) {
    low[i] = x[i] & low_mask(b);
    if (b < 32 && x[i] >> b) {
      indexes[c] = (uint8_t)i;
      high[c++] = x[i] >> b;
    }
  }
  uint8_t *p = out;
  *p++ = (uint8_t)(b | (e ? KZ_RUN_EXCEPTIONS : 0));
  if (n == KZ_PACK_VALUES) {
    kz_pack128(low, b, p);
    p += 16 * b;
  } else {
    p += kz_packbytes(low, n, b, p);
  }
  if (e) {
    *p++ = (uint8_t)c;
    *p++ = (uint8_t)e;
    memcpy(p, indexes, c);
    p += c;
    p += kz_packbytes(high, c, e, p);
  }
  return (size_t)(p - out);
}

/* Bytes of the packed low bits, from the format text. */
static size_t packed_bytes(size_t n, unsigned b) {
  return n == 128 ? 16u * b : (n * b) / 8 + ((n * b) % 8 != 0);
}

/*
 * The size of the run of these values at width b by the format: the
 * header, the packed low bits, and when some value is longer than b the
 * exception block (count, high width, one index byte per exception, the
 * high parts at the fewest bits that hold them).
 */
static size_t documented_cost(const uint32_t *values, size_t n, unsigned b) {
  size_t c = 0;
  unsigned longest = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned l = length_of(values[i] - 1);
    if (l > b) c++;
    if (l > longest) longest = l;
  }
  size_t cost = 1 + packed_bytes(n, b);
  if (c) {
    unsigned e = longest - b;
    cost += 2 + c + (c * e) / 8 + ((c * e) % 8 != 0);
  }
  return cost;
}

/* Encodes values with kz_run_encode into an exact-size heap copy (NULL on failure). */
static uint8_t *encode_exact(const uint32_t *values, size_t n, size_t *len) {
  kz_buf b = KZ_BUF_INIT;
  uint8_t *copy = NULL;
  if (kz_run_encode(&b, values, n) == KZ_OK) copy = exact_copy(b.data, b.len);
  *len = b.len;
  kz_buf_free(&b);
  return copy;
}

/*
 * Decodes len bytes as a run of n values (as_docs: of doc-id gaps after
 * prev_doc, below doc_limit) on every level, from an exact copy. @return
 * KZ_OK when every level gives `want` (unless NULL) and ends exactly at the
 * end; the first level's error when every level fails alike; -100 when the
 * levels disagree or write past n values; -101 on a wrong value.
 */
static int decode_levels(const uint8_t *bytes, size_t len, size_t n, int as_docs,
                         int64_t prev_doc, uint32_t doc_limit, const uint32_t *want) {
  const kz_unpacker *us[KZ_SIMD_LEVELS];
  size_t n_levels = get_levels(us);
  uint8_t *copy = exact_copy(bytes, len);
  if (!copy && len) return KZ_ERR_NOMEM;
  uint32_t out[KZ_PACK_VALUES + 2]; /* n may be one too many, for the range test */
  if (n > KZ_PACK_VALUES + 1) n = KZ_PACK_VALUES + 1;
  int first_rc = 0, result = KZ_OK;
  for (size_t li = 0; li < n_levels && result >= KZ_ERR_INVALID; li++) {
    const uint8_t *p = copy;
    out[n] = 0xDEADBEEFu;
    int rc = as_docs ? kz_run_decode_docs(us[li], &p, copy + len, n, prev_doc, doc_limit, out)
                     : kz_run_decode(us[li], &p, copy + len, n, out);
    if (li == 0) first_rc = rc;
    if (rc != first_rc) result = -100;
    else if (rc) result = rc;
    else if (p != copy + len || out[n] != 0xDEADBEEFu) result = -100;
    else if (want && memcmp(out, want, n * sizeof *out) != 0) result = -101;
  }
  free(copy);
  return result;
}

/* As decode_levels for values; a run that decodes must also be skipped to its end. */
static int decode_everywhere(const uint8_t *bytes, size_t len, size_t n, const uint32_t *want) {
  int rc = decode_levels(bytes, len, n, 0, 0, 0, want);
  if (rc == KZ_OK) {
    uint8_t *copy = exact_copy(bytes, len);
    const uint8_t *p = copy;
    if (kz_run_skip(&p, copy + len, n) != KZ_OK || p != copy + len) rc = -100;
    free(copy);
  }
  return rc;
}

static int decode_docs_everywhere(const uint8_t *bytes, size_t len, size_t n, int64_t prev_doc,
                                  uint32_t doc_limit, const uint32_t *want) {
  return decode_levels(bytes, len, n, 1, prev_doc, doc_limit, want);
}

/* Value distributions for the round trips. */
enum { ALL_ONE, SMALL, OUTLIERS, UNIFORM, ALL_MAX, NEAR_TOP, DISTRIBUTIONS };

static void fill_values(kz_test_rng *r, int dist, uint32_t *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    switch (dist) {
      case ALL_ONE: v[i] = 1; break;
      case SMALL: v[i] = 1 + (uint32_t)kz_test_rand_below(r, 16); break;
      case OUTLIERS: /* mostly 1..8, one in 30 long enough that exceptions pay */
        v[i] = kz_test_rand_below(r, 30)
                   ? 1 + (uint32_t)kz_test_rand_below(r, 8)
                   : 1 + (uint32_t)(kz_test_rand_u32(r) >> kz_test_rand_below(r, 22));
        break;
      case UNIFORM: /* 1 .. 2^32 - 1 */
        v[i] = 1 + (uint32_t)kz_test_rand_below(r, UINT32_MAX);
        break;
      case ALL_MAX: v[i] = UINT32_MAX; break; /* stored as 2^32 - 2 */
      default: v[i] = UINT32_MAX - (uint32_t)kz_test_rand_below(r, 16); break;
    }
  }
}

/* Values whose stored form (v - 1) has exactly `bits` bits. */
static void fill_exact_width(kz_test_rng *r, unsigned bits, uint32_t *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint32_t x =
        bits == 0 ? 0 : (kz_test_rand_u32(r) & low_mask(bits - 1)) | (uint32_t)1 << (bits - 1);
    if (x == UINT32_MAX) x--;
    v[i] = x + 1;
  }
}

/* The exceptions a width makes: the values longer than it. */
static size_t exceptions_at(const uint32_t *values, size_t n, unsigned b) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += length_of(values[i] - 1) > b;
  return c;
}

/*
 * Checks one encoding of values against the format and the writer's
 * documented choice: its width is the one of least documented cost plus
 * one byte per exception (FORMAT.md, "Runs"), the widest of those on ties
 * (among the widths up to the longest value's: wider ones only repeat the
 * same bytes for n < 128), its size that width's documented cost, the
 * exception block lists exactly the values longer than the width, and it
 * decodes back on every level. @return 0 or a line number to report.
 */
static int check_encoding(const uint32_t *values, size_t n, unsigned *width, int *exceptions) {
  size_t len;
  uint8_t *run = encode_exact(values, n, &len);
  if (!run) return __LINE__;
  unsigned longest = 0;
  for (size_t i = 0; i < n; i++)
    if (length_of(values[i] - 1) > longest) longest = length_of(values[i] - 1);
  size_t best = SIZE_MAX, choice = SIZE_MAX;
  unsigned best_b = 0;
  for (unsigned b = 0; b <= 32; b++) {
    size_t cost = documented_cost(values, n, b) + exceptions_at(values, n, b);
    if (cost < choice || (cost == choice && b <= longest)) {
      choice = cost;
      best = documented_cost(values, n, b);
      best_b = b;
    }
  }
  int bad = 0;
  unsigned b = run[0] & 0x3f;
  *width = b;
  *exceptions = (run[0] & KZ_RUN_EXCEPTIONS) != 0;
  if (len != best || b != best_b || (run[0] & KZ_RUN_BITSET)) bad = __LINE__;
  size_t c = 0;
  for (size_t i = 0; i < n && !bad; i++)
    if (length_of(values[i] - 1) > b) c++;
  if (!bad && *exceptions != (c > 0)) bad = __LINE__;
  if (!bad && c) {
    const uint8_t *exc = run + 1 + packed_bytes(n, b);
    if (exc[0] != c || exc[1] != longest - b) bad = __LINE__;
    for (size_t i = 0, k = 0; i < n && !bad; i++)
      if (length_of(values[i] - 1) > b && exc[2 + k++] != i) bad = __LINE__;
  }
  if (!bad && kz_run_bits(run, n) != longest) bad = __LINE__;
  if (!bad && decode_everywhere(run, len, n, values) != KZ_OK) bad = __LINE__;
  if (bad)
    fprintf(stderr, "n %zu: %zu bytes, width %u; expected %zu bytes, width %u\n", n, len, b,
            best, best_b);
  free(run);
  return bad;
}

/* ------------------------------------------------------------------------ */
/* Encoding                                                                 */
/* ------------------------------------------------------------------------ */

static void test_runs__round_trip_is_smallest_documented_size(void) {
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 1);
  uint32_t v[KZ_PACK_VALUES];
  /* Which widths and exception runs were reached, for full (1) and short (0) runs. */
  int width_seen[2][33] = {{0}}, exceptions_seen[2] = {0, 0};
  for (size_t n = 1; n <= KZ_PACK_VALUES; n++) {
    for (int dist = 0; dist < DISTRIBUTIONS + 33; dist++) {
      for (int trial = 0; trial < (dist == OUTLIERS ? 6 : 2); trial++) {
        if (dist < DISTRIBUTIONS)
          fill_values(&r, dist, v, n);
        else
          fill_exact_width(&r, (unsigned)(dist - DISTRIBUTIONS), v, n);
        unsigned width;
        int exc;
        int line = check_encoding(v, n, &width, &exc);
        if (line) fprintf(stderr, "distribution %d trial %d, check at line %d\n", dist, trial, line);
        CHECK_EQ_INT(line, 0);
        width_seen[n == KZ_PACK_VALUES][width] = 1;
        exceptions_seen[n == KZ_PACK_VALUES] |= exc;
      }
    }
  }
  for (unsigned b = 0; b <= 32; b++) {
    if (!width_seen[0][b] || !width_seen[1][b]) fprintf(stderr, "width %u not reached\n", b);
    CHECK(width_seen[0][b] && width_seen[1][b]);
  }
  CHECK(exceptions_seen[0] && exceptions_seen[1]);
}

static void test_runs__ties_go_to_the_wider_width(void) {
  /*
   * {1, 2^31 + 1}: width 32 (1 + 8 bytes) and width 0 with one exception
   * (1 + 2 + 1 + 4 bytes, plus the byte the writer counts per exception) tie.
   */
  const uint32_t v[2] = {1, ((uint32_t)1 << 31) + 1};
  CHECK_EQ_INT(documented_cost(v, 2, 32), documented_cost(v, 2, 0) + exceptions_at(v, 2, 0));
  kz_buf b = KZ_BUF_INIT;
  CHECK_EQ_INT(kz_run_encode(&b, v, 2), KZ_OK);
  static const uint8_t want[] = {0x20, 0, 0, 0, 0, 0, 0, 0, 0x80};
  CHECK_EQ_INT(b.len, sizeof want);
  CHECK(memcmp(b.data, want, sizeof want) == 0);
  kz_buf_free(&b);
}

/* Encodes values and compares with the hand-computed bytes; then decodes them back. */
static int encodes_to(const uint32_t *values, size_t n, const uint8_t *want, size_t want_len) {
  kz_buf b = KZ_BUF_INIT;
  int ok = kz_run_encode(&b, values, n) == KZ_OK && b.len == want_len &&
           memcmp(b.data, want, want_len) == 0;
  if (!ok) {
    fprintf(stderr, "n %zu encodes to", n);
    for (size_t i = 0; i < b.len; i++) fprintf(stderr, " %02x", b.data[i]);
    fprintf(stderr, "\n");
  }
  kz_buf_free(&b);
  return ok && decode_everywhere(want, want_len, n, values) == KZ_OK;
}

static void test_runs__known_bytes(void) {
  /* One 1: width 0, nothing packed. */
  const uint32_t one[1] = {1};
  const uint8_t one_b[] = {0x00};
  CHECK(encodes_to(one, 1, one_b, sizeof one_b));
  /* {2, 3, 4} stored as 1, 2, 3 at 2 bits: 01 | 10 << 2 | 11 << 4 = 0x39. */
  const uint32_t small[3] = {2, 3, 4};
  const uint8_t small_b[] = {0x02, 0x39};
  CHECK(encodes_to(small, 3, small_b, sizeof small_b));
  /* Seven 1s and a 1000 (999 = 0x3e7, 10 bits) at index 5: width 0, one exception. */
  const uint32_t outlier[8] = {1, 1, 1, 1, 1, 1000, 1, 1};
  const uint8_t outlier_b[] = {0x40, 0x01, 0x0A, 0x05, 0xE7, 0x03};
  CHECK(encodes_to(outlier, 8, outlier_b, sizeof outlier_b));
  /*
   * Stored 1,0,1,1,0,1,0,0xfffff: width 1 (low bits 0b10101101), the last
   * value an exception with 19 high bits 0x7ffff.
   */
  const uint32_t mixed[8] = {2, 1, 2, 2, 1, 2, 1, 0x100000};
  const uint8_t mixed_b[] = {0x41, 0xAD, 0x01, 0x13, 0x07, 0xFF, 0xFF, 0x07};
  CHECK(encodes_to(mixed, 8, mixed_b, sizeof mixed_b));
  /*
   * The largest value, 2^32 - 1, stored as 2^32 - 2: width 32 (9 bytes)
   * ties width 0 with a 32-bit exception (8 bytes and the writer's byte
   * per exception), and the wider wins.
   */
  const uint32_t top[2] = {1, UINT32_MAX};
  const uint8_t top_b[] = {0x20, 0x00, 0x00, 0x00, 0x00, 0xFE, 0xFF, 0xFF, 0xFF};
  CHECK(encodes_to(top, 2, top_b, sizeof top_b));

  /* 128 values, vertical: only lane 1 (indexes 1, 5, 9, ...) holds a 1 bit: word 1 all ones. */
  uint32_t full[128];
  uint8_t full_b[17] = {0x01};
  for (size_t i = 0; i < 128; i++) full[i] = i % 4 == 1 ? 2 : 1;
  memset(full_b + 5, 0xFF, 4);
  CHECK(encodes_to(full, 128, full_b, sizeof full_b));
  /* 128 ones but index 5 = 513 (stored 512, 10 bits): width 0 and one exception, 00 02. */
  for (size_t i = 0; i < 128; i++) full[i] = 1;
  full[5] = 513;
  const uint8_t full_exc_b[] = {0x40, 0x01, 0x0A, 0x05, 0x00, 0x02};
  CHECK(encodes_to(full, 128, full_exc_b, sizeof full_exc_b));
}

static void test_runs__encode_appends_after_existing_bytes(void) {
  kz_buf b = KZ_BUF_INIT;
  CHECK_EQ_INT(kz_buf_append(&b, "abc", 3), KZ_OK);
  const uint32_t small[3] = {2, 3, 4};
  CHECK_EQ_INT(kz_run_encode(&b, small, 3), KZ_OK);
  CHECK_EQ_INT(b.len, 5);
  CHECK(memcmp(b.data, "abc\x02\x39", 5) == 0);
  kz_buf_free(&b);
}

static void test_runs__encode_rejects_bad_input(void) {
  uint32_t v[KZ_PACK_VALUES + 1];
  for (size_t i = 0; i <= KZ_PACK_VALUES; i++) v[i] = (uint32_t)i + 1;
  kz_buf b = KZ_BUF_INIT;
  CHECK_EQ_INT(kz_buf_append(&b, "xyz", 3), KZ_OK);
  CHECK_EQ_INT(kz_run_encode(&b, v, 0), KZ_ERR_INVALID);
  CHECK_EQ_INT(kz_run_encode(&b, v, KZ_PACK_VALUES + 1), KZ_ERR_INVALID);
  CHECK_EQ_INT(kz_run_encode(&b, v, SIZE_MAX), KZ_ERR_INVALID);
  static const size_t lengths[] = {1, 2, 3, 127, 128};
  for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
    size_t n = lengths[li];
    const size_t at[3] = {0, n / 2, n - 1};
    for (int k = 0; k < 3; k++) {
      uint32_t saved = v[at[k]];
      v[at[k]] = 0;
      CHECK_EQ_INT(kz_run_encode(&b, v, n), KZ_ERR_INVALID);
      v[at[k]] = saved;
    }
  }
  /* Nothing was appended or changed. */
  CHECK_EQ_INT(b.len, 3);
  CHECK(memcmp(b.data, "xyz", 3) == 0);
  /* A buffer that may not grow enough: the error leaves it as it was, too. */
  b.limit = 3 + 8;
  CHECK_EQ_INT(kz_run_encode(&b, v, KZ_PACK_VALUES), KZ_ERR_LIMIT);
  CHECK_EQ_INT(b.len, 3);
  CHECK(memcmp(b.data, "xyz", 3) == 0);
  kz_buf_free(&b);
}

/* ------------------------------------------------------------------------ */
/* Decoding                                                                 */
/* ------------------------------------------------------------------------ */

static void test_runs__skip_lands_where_decode_does(void) {
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 2);
  kz_buf b = KZ_BUF_INIT;
  size_t ns[200], ends[200], count = 0;
  uint32_t v[KZ_PACK_VALUES];
  while (count < 200) {
    size_t n = kz_test_rand_below(&r, 3) ? KZ_PACK_VALUES
                                         : 1 + (size_t)kz_test_rand_below(&r, KZ_PACK_VALUES);
    int dist = (int)kz_test_rand_below(&r, DISTRIBUTIONS);
    fill_values(&r, dist, v, n);
    CHECK_EQ_INT(kz_run_encode(&b, v, n), KZ_OK);
    ns[count] = n;
    ends[count++] = b.len;
  }
  uint8_t *copy = exact_copy(b.data, b.len);
  const uint8_t *end = copy + b.len;
  const kz_unpacker *us[KZ_SIMD_LEVELS];
  size_t n_levels = get_levels(us);
  for (size_t li = 0; li < n_levels; li++) {
    const uint8_t *p = copy, *q = copy;
    uint32_t out[KZ_PACK_VALUES];
    for (size_t k = 0; k < count; k++) {
      CHECK_EQ_INT(kz_run_decode(us[li], &p, end, ns[k], out), KZ_OK);
      CHECK_EQ_INT(kz_run_skip(&q, end, ns[k]), KZ_OK);
      CHECK(p == q);
      CHECK(p == copy + ends[k]);
    }
    CHECK(p == end);
  }
  free(copy);
  kz_buf_free(&b);
}

static void test_runs__decode_stops_at_the_run_end(void) {
  /* A run followed by other bytes: decoding consumes the run only. */
  const uint32_t v[3] = {5, 1, 9};
  kz_buf b = KZ_BUF_INIT;
  CHECK_EQ_INT(kz_run_encode(&b, v, 3), KZ_OK);
  size_t len = b.len;
  CHECK_EQ_INT(kz_buf_append(&b, "\xff\xff\xff", 3), KZ_OK);
  uint32_t out[3];
  const uint8_t *p = b.data;
  CHECK_EQ_INT(kz_run_decode(kz_unpacker_get(KZ_SIMD_SCALAR), &p, b.data + b.len, 3, out), KZ_OK);
  CHECK(p == b.data + len);
  CHECK(memcmp(out, v, sizeof v) == 0);
  kz_buf_free(&b);
}

static void test_runs__truncation_at_every_byte_is_corrupt(void) {
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 3);
  static const size_t lengths[] = {1, 2, 7, 8, 9, 64, 127, 128};
  uint32_t v[KZ_PACK_VALUES];
  const kz_unpacker *us[KZ_SIMD_LEVELS];
  size_t n_levels = get_levels(us);
  for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
    for (int dist = 0; dist < DISTRIBUTIONS; dist++) {
      size_t n = lengths[li];
      fill_values(&r, dist, v, n);
      kz_buf b = KZ_BUF_INIT;
      CHECK_EQ_INT(kz_run_encode(&b, v, n), KZ_OK);
      for (size_t len = 0; len < b.len; len++) {
        uint8_t *copy = exact_copy(b.data, len);
        uint32_t out[KZ_PACK_VALUES];
        int bad = 0;
        for (size_t l = 0; l < n_levels; l++) {
          const uint8_t *p = copy;
          bad |= kz_run_decode(us[l], &p, copy + len, n, out) != KZ_ERR_CORRUPT;
          p = copy;
          bad |= kz_run_decode_docs(us[l], &p, copy + len, n, -1, UINT32_MAX, out) !=
                 KZ_ERR_CORRUPT;
        }
        const uint8_t *p = copy;
        bad |= kz_run_skip(&p, copy + len, n) != KZ_ERR_CORRUPT;
        free(copy);
        if (bad) fprintf(stderr, "n %zu distribution %d cut at %zu of %zu\n", n, dist, len, b.len);
        CHECK(!bad);
      }
      kz_buf_free(&b);
    }
  }
}

/* Decode, decode_docs and skip on every level must all fail on these bytes (a header fault). */
static int all_corrupt(const uint8_t *bytes, size_t len, size_t n) {
  int rc1 = decode_everywhere(bytes, len, n, NULL);
  int rc2 = decode_docs_everywhere(bytes, len, n, -1, UINT32_MAX, NULL);
  uint8_t *copy = exact_copy(bytes, len);
  const uint8_t *p = copy;
  int rc3 = kz_run_skip(&p, copy + len, n);
  free(copy);
  return rc1 == KZ_ERR_CORRUPT && rc2 == KZ_ERR_CORRUPT && rc3 == KZ_ERR_CORRUPT;
}

static void test_runs__decode_rejects_bad_header(void) {
  static uint8_t bytes[1 + 16 * 32 + 2 + 128 + 16 * 32];
  static const size_t lengths[] = {1, 5, 127, 128};
  for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
    size_t n = lengths[li];
    memset(bytes, 0, sizeof bytes);
    for (unsigned h = 0; h < 256; h++) {
      bytes[0] = (uint8_t)h;
      unsigned b = h & 0x3f;
      int ok = (h & 0x80) == 0 && b <= 32 && (h & 0x40) == 0;
      if (ok) {
        /* Zero bytes after a plain header: n ones, and the run ends after its packed bytes. */
        uint32_t ones[KZ_PACK_VALUES];
        for (size_t i = 0; i < n; i++) ones[i] = 1;
        CHECK_EQ_INT(decode_everywhere(bytes, 1 + packed_bytes(n, b), n, ones), KZ_OK);
      } else {
        /* Bit 7 (a bitset), a width over 32, or (here) an exception count of 0. */
        if (!all_corrupt(bytes, sizeof bytes, n)) fprintf(stderr, "n %zu header %02x\n", n, h);
        CHECK(all_corrupt(bytes, sizeof bytes, n));
      }
    }
  }
}

static void test_runs__decode_rejects_n_out_of_range(void) {
  const uint8_t bytes[4] = {0, 0, 0, 0};
  CHECK(all_corrupt(bytes, sizeof bytes, 0));
  CHECK(all_corrupt(bytes, sizeof bytes, KZ_PACK_VALUES + 1));
}

/*
 * A valid run with exceptions at width 2 (3 high bits) for indexes 3 and 7
 * (and n - 1 when n > 8); returns its size and where its exception block
 * starts, so that a test can damage one field of it.
 */
static size_t exception_run(uint8_t *out, size_t n, uint32_t *x, size_t *exc_at) {
  for (size_t i = 0; i < n; i++) x[i] = (uint32_t)(i % 4);
  x[3] = 0x1F;
  x[7] = 0x13;
  if (n > 8) x[n - 1] = 0x1D;
  *exc_at = 1 + packed_bytes(n, 2);
  return write_run(out, x, n, 2, 3);
}

static void test_runs__decode_rejects_bad_exceptions(void) {
  static const size_t lengths[] = {8, 10, 128};
  /* Room for the largest damaged exception block, so that none of these reads as truncation. */
  static uint8_t run[1 + 16 * 32 + 2 + 255 + 255 * 4], bad[sizeof run];
  uint32_t x[KZ_PACK_VALUES], v[KZ_PACK_VALUES];
  for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
    size_t n = lengths[li], at;
    memset(run, 0, sizeof run);
    size_t len = exception_run(run, n, x, &at);
    for (size_t i = 0; i < n; i++) v[i] = x[i] + 1;
    CHECK_EQ_INT(decode_everywhere(run, len, n, v), KZ_OK);
    size_t c = run[at];
    CHECK_EQ_INT(c, n > 8 ? 3 : 2);

    /* Counts: 0, n + 1, 255. */
    const unsigned counts[] = {0, (unsigned)n + 1, 255};
    for (int k = 0; k < 3; k++) {
      memcpy(bad, run, sizeof bad);
      bad[at] = (uint8_t)counts[k];
      if (!all_corrupt(bad, sizeof bad, n)) fprintf(stderr, "n %zu count %u\n", n, counts[k]);
      CHECK(all_corrupt(bad, sizeof bad, n));
    }
    /* High bits: 0, and 32 - b + 1 with b = 2. */
    const unsigned highs[] = {0, 31, 32, 255};
    for (int k = 0; k < 4; k++) {
      memcpy(bad, run, sizeof bad);
      bad[at + 1] = (uint8_t)highs[k];
      CHECK(all_corrupt(bad, sizeof bad, n));
    }
    /* Indexes: repeated, decreasing, n, 255 (skip does not look at them; decoding does). */
    const uint8_t *idx = run + at + 2;
    uint8_t damaged[4][2] = {{idx[0], idx[0]}, {idx[1], idx[0]}, {idx[0], (uint8_t)n}, {idx[0], 255}};
    for (int k = 0; k < 4; k++) {
      memcpy(bad, run, len);
      bad[at + 2] = damaged[k][0];
      bad[at + 3] = damaged[k][1];
      if (k >= 2 && c == 3) { /* keep the order before the last index */
        bad[at + 3] = idx[1];
        bad[at + 4] = damaged[k][1];
      }
      CHECK_EQ_INT(decode_everywhere(bad, len, n, NULL), KZ_ERR_CORRUPT);
      CHECK_EQ_INT(decode_docs_everywhere(bad, len, n, -1, UINT32_MAX, NULL), KZ_ERR_CORRUPT);
    }
    /* The largest legal index, n - 1, is fine (exception_run uses it for n > 8). */
  }
}

static void test_runs__decode_accepts_extreme_exception_fields(void) {
  uint8_t run[1 + 16 * 32 + 2 + 128 + 128 * 4];
  uint32_t x[KZ_PACK_VALUES], v[KZ_PACK_VALUES];
  static const size_t lengths[] = {1, 9, 128};
  for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
    size_t n = lengths[li];
    /* Every value an exception (count == n), high bits 32 - b (wider than needed). */
    for (size_t i = 0; i < n; i++) x[i] = 100 + (uint32_t)i; /* all longer than 5 bits */
    for (size_t i = 0; i < n; i++) v[i] = x[i] + 1;
    size_t len = write_run(run, x, n, 0, 32);
    CHECK_EQ_INT(run[1 + 0], n);
    CHECK_EQ_INT(decode_everywhere(run, len, n, v), KZ_OK);
    len = write_run(run, x, n, 5, 27);
    CHECK_EQ_INT(decode_everywhere(run, len, n, v), KZ_OK);
  }
}

static void test_runs__decode_rejects_stored_all_ones(void) {
  /* v - 1 = 2^32 - 1 would decode to 0; 2^32 - 2 (v = 2^32 - 1) is the largest value. */
  uint8_t run[1 + 16 * 32 + 2 + 128 + 128 * 4];
  uint32_t x[KZ_PACK_VALUES], v[KZ_PACK_VALUES];
  static const size_t lengths[] = {1, 2, 127, 128};
  for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
    size_t n = lengths[li], at = n / 2;
    /* (width, high bits): 32 bits packed, 32 bits of exception, and 16 + 16. */
    static const unsigned shapes[3][2] = {{32, 0}, {0, 32}, {16, 16}};
    for (int s = 0; s < 3; s++) {
      for (size_t i = 0; i < n; i++) x[i] = (uint32_t)i;
      x[at] = UINT32_MAX;
      size_t len = write_run(run, x, n, shapes[s][0], shapes[s][1]);
      CHECK_EQ_INT(decode_everywhere(run, len, n, NULL), KZ_ERR_CORRUPT);
      /* As gaps, a stored all-ones gap would repeat a document. */
      CHECK_EQ_INT(decode_docs_everywhere(run, len, n, 10, UINT32_MAX, NULL), KZ_ERR_CORRUPT);
      x[at] = UINT32_MAX - 1;
      for (size_t i = 0; i < n; i++) v[i] = x[i] + 1;
      len = write_run(run, x, n, shapes[s][0], shapes[s][1]);
      CHECK_EQ_INT(decode_everywhere(run, len, n, v), KZ_OK);
    }
  }
}

/* ------------------------------------------------------------------------ */
/* Doc-id runs                                                              */
/* ------------------------------------------------------------------------ */

/* Stored gaps (doc - previous - 1) of docs after prev_doc. */
static void stored_gaps(const uint32_t *docs, size_t n, int64_t prev_doc, uint32_t *x) {
  int64_t last = prev_doc;
  for (size_t i = 0; i < n; i++) {
    x[i] = (uint32_t)((int64_t)docs[i] - last - 1);
    last = docs[i];
  }
}

static unsigned longest_of(const uint32_t *x, size_t n) {
  unsigned l = 0;
  for (size_t i = 0; i < n; i++)
    if (length_of(x[i]) > l) l = length_of(x[i]);
  return l;
}

static void test_runs__decode_docs_paths_agree(void) {
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 4);
  uint32_t docs[KZ_PACK_VALUES], x[KZ_PACK_VALUES];
  uint8_t run[1 + 16 * 32 + 2 + 128 + 128 * 4];
  static const int64_t prevs[] = {-1, 0, 1000, 3000000000ll};
  int fused = 0, patched = 0;
  for (int trial = 0; trial < 300; trial++) {
    size_t n = trial % 3 ? KZ_PACK_VALUES : 1 + (size_t)kz_test_rand_below(&r, KZ_PACK_VALUES);
    int64_t prev = prevs[trial % 4];
    /* Gaps mostly below 2^k, with a few much larger ones so that exceptions can be written. */
    unsigned k = (unsigned)kz_test_rand_below(&r, 12);
    uint64_t d = (uint64_t)(prev + 1);
    for (size_t i = 0; i < n; i++) {
      d += kz_test_rand_below(&r, 8) ? kz_test_rand_below(&r, (uint64_t)1 << k)
                                     : kz_test_rand_below(&r, 1u << 20);
      docs[i] = (uint32_t)d++;
    }
    stored_gaps(docs, n, prev, x);
    unsigned longest = longest_of(x, n);
    /* The widest width (no exceptions: the fused kernel when n = 128), then narrower ones. */
    size_t len = write_run(run, x, n, longest, 0);
    int rc = decode_docs_everywhere(run, len, n, prev, UINT32_MAX, docs);
    if (rc) fprintf(stderr, "trial %d n %zu width %u\n", trial, n, longest);
    CHECK_EQ_INT(rc, KZ_OK);
    fused += n == KZ_PACK_VALUES;
    for (unsigned b = longest ? longest - 1 : 0; b < longest; b = b ? b / 2 : longest) {
      len = write_run(run, x, n, b, longest - b);
      rc = decode_docs_everywhere(run, len, n, prev, UINT32_MAX, docs);
      if (rc) fprintf(stderr, "trial %d n %zu width %u + %u\n", trial, n, b, longest - b);
      CHECK_EQ_INT(rc, KZ_OK);
      patched += n == KZ_PACK_VALUES;
      if (b == 0) break;
    }
    /* And what the encoder picks. */
    kz_buf bb = KZ_BUF_INIT;
    uint32_t gaps[KZ_PACK_VALUES];
    for (size_t i = 0; i < n; i++) gaps[i] = x[i] + 1;
    CHECK_EQ_INT(kz_run_encode(&bb, gaps, n), KZ_OK);
    rc = decode_docs_everywhere(bb.data, bb.len, n, prev, UINT32_MAX, docs);
    kz_buf_free(&bb);
    CHECK_EQ_INT(rc, KZ_OK);
  }
  CHECK(fused > 50 && patched > 50);
}

static void test_runs__decode_docs_enforces_doc_limit(void) {
  uint32_t docs[KZ_PACK_VALUES], x[KZ_PACK_VALUES];
  uint8_t run[1 + 16 * 32 + 2 + 128 + 128 * 4];
  static const size_t lengths[] = {1, 2, 100, 128};
  for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
    size_t n = lengths[li];
    for (size_t i = 0; i < n; i++) docs[i] = (uint32_t)(7 * i + (i == n - 1 ? 5000 : 3));
    stored_gaps(docs, n, -1, x);
    unsigned longest = longest_of(x, n);
    /* Without exceptions, and with the long last gap as an exception. */
    for (int exc = 0; exc <= 1; exc++) {
      size_t len = exc ? write_run(run, x, n, 3, longest - 3) : write_run(run, x, n, longest, 0);
      uint32_t last = docs[n - 1];
      CHECK_EQ_INT(decode_docs_everywhere(run, len, n, -1, last + 1, docs), KZ_OK);
      CHECK_EQ_INT(decode_docs_everywhere(run, len, n, -1, last, NULL), KZ_ERR_CORRUPT);
      CHECK_EQ_INT(decode_docs_everywhere(run, len, n, -1, last - 1, NULL), KZ_ERR_CORRUPT);
      CHECK_EQ_INT(decode_docs_everywhere(run, len, n, -1, 0, NULL), KZ_ERR_CORRUPT);
    }
  }
}

/* Encodes gaps (values >= 1) with the encoder and decodes them as docs after prev_doc. */
static int decode_gaps(const uint32_t *gaps, size_t n, int64_t prev_doc, uint32_t doc_limit,
                       const uint32_t *want) {
  kz_buf b = KZ_BUF_INIT;
  int rc = kz_run_encode(&b, gaps, n);
  if (rc == KZ_OK) rc = decode_docs_everywhere(b.data, b.len, n, prev_doc, doc_limit, want);
  kz_buf_free(&b);
  return rc;
}

static void test_runs__decode_docs_rejects_sums_past_2_32(void) {
  uint32_t gaps[KZ_PACK_VALUES], docs[KZ_PACK_VALUES];
  /* Two gaps of about 2^31: the second document wraps to 0. */
  gaps[0] = 1u << 31;
  gaps[1] = (1u << 31) + 1;
  CHECK_EQ_INT(decode_gaps(gaps, 2, -1, UINT32_MAX, NULL), KZ_ERR_CORRUPT);
  /* A wrap in the middle that ends on a small document, well below the limit. */
  gaps[0] = 10;
  gaps[1] = UINT32_MAX - 4;
  gaps[2] = 2;
  CHECK_EQ_INT(decode_gaps(gaps, 3, -1, UINT32_MAX, NULL), KZ_ERR_CORRUPT);
  /* 64 gaps of 2^26 after doc 0 add up to exactly 2^32: back on doc 0. */
  for (size_t i = 0; i < 64; i++) gaps[i] = 1u << 26;
  CHECK_EQ_INT(decode_gaps(gaps, 64, 0, UINT32_MAX, NULL), KZ_ERR_CORRUPT);
  /* Full run, fused kernel: 128 gaps of 2^25 after doc 1000 come back to 1000. */
  for (size_t i = 0; i < 128; i++) gaps[i] = 1u << 25;
  CHECK_EQ_INT(decode_gaps(gaps, 128, 1000, UINT32_MAX, NULL), KZ_ERR_CORRUPT);
  /* The same but one less after -1: the last document is 2^32 - 2, the largest there is. */
  gaps[77] = (1u << 25) - 1;
  for (size_t i = 0; i < 128; i++) docs[i] = (uint32_t)((i + 1) * (1ull << 25) - 1 - (i >= 77));
  CHECK_EQ_INT(docs[127], UINT32_MAX - 1);
  CHECK_EQ_INT(decode_gaps(gaps, 128, -1, UINT32_MAX, docs), KZ_OK);
  CHECK_EQ_INT(decode_gaps(gaps, 128, -1, UINT32_MAX - 1, NULL), KZ_ERR_CORRUPT);
  CHECK_EQ_INT(decode_gaps(gaps, 128, 0, UINT32_MAX, NULL), KZ_ERR_CORRUPT);
  /* Full run with exceptions: ones and one gap of 2^32 - 128; after doc 5 the sum wraps. */
  for (size_t i = 0; i < 128; i++) gaps[i] = 1;
  gaps[100] = UINT32_MAX - 127;
  kz_buf b = KZ_BUF_INIT;
  CHECK_EQ_INT(kz_run_encode(&b, gaps, 128), KZ_OK);
  CHECK(b.data[0] & KZ_RUN_EXCEPTIONS); /* the patched path, not the fused one */
  kz_buf_free(&b);
  CHECK_EQ_INT(decode_gaps(gaps, 128, 5, UINT32_MAX, NULL), KZ_ERR_CORRUPT);
  /* After -1 the same gaps end on 2^32 - 2: documents 0 .. 99, then the jump, then ones. */
  for (size_t i = 0; i < 128; i++) docs[i] = i < 100 ? (uint32_t)i : (uint32_t)(i + UINT32_MAX - 128);
  CHECK_EQ_INT(docs[127], UINT32_MAX - 1);
  CHECK_EQ_INT(decode_gaps(gaps, 128, -1, UINT32_MAX, docs), KZ_OK);
}

static void test_runs__decode_docs_prev_doc_range(void) {
  uint32_t gaps[2] = {1, 1}, docs[2];
  /* -1 before a term's first document: gap 1 is document 0. */
  docs[0] = 0;
  docs[1] = 1;
  CHECK_EQ_INT(decode_gaps(gaps, 2, -1, 2, docs), KZ_OK);
  /* Large previous documents, up to the top of the range. */
  docs[0] = UINT32_MAX - 2;
  docs[1] = UINT32_MAX - 1;
  CHECK_EQ_INT(decode_gaps(gaps, 2, (int64_t)UINT32_MAX - 3, UINT32_MAX, docs), KZ_OK);
  CHECK_EQ_INT(decode_gaps(gaps, 1, (int64_t)UINT32_MAX - 2, UINT32_MAX, docs + 1), KZ_OK);
  /* A previous document at or past the limit leaves no room: corrupt (it comes from disk). */
  CHECK_EQ_INT(decode_gaps(gaps, 1, 100, 100, NULL), KZ_ERR_CORRUPT);
  CHECK_EQ_INT(decode_gaps(gaps, 1, 101, 100, NULL), KZ_ERR_CORRUPT);
  CHECK_EQ_INT(decode_gaps(gaps, 1, 99, 100, NULL), KZ_ERR_CORRUPT);
  CHECK_EQ_INT(decode_gaps(gaps, 1, UINT32_MAX, UINT32_MAX, NULL), KZ_ERR_CORRUPT);
  CHECK_EQ_INT(decode_gaps(gaps, 1, INT64_MAX, UINT32_MAX, NULL), KZ_ERR_CORRUPT);
  CHECK_EQ_INT(decode_gaps(gaps, 1, -2, UINT32_MAX, NULL), KZ_ERR_CORRUPT);
  CHECK_EQ_INT(decode_gaps(gaps, 1, INT64_MIN, UINT32_MAX, NULL), KZ_ERR_CORRUPT);
  /* A gap of 2^32 - 1 after -1 is document 2^32 - 2. */
  gaps[0] = UINT32_MAX;
  docs[0] = UINT32_MAX - 1;
  CHECK_EQ_INT(decode_gaps(gaps, 1, -1, UINT32_MAX, docs), KZ_OK);
  CHECK_EQ_INT(decode_gaps(gaps, 1, 0, UINT32_MAX, NULL), KZ_ERR_CORRUPT);
}

static void test_runs__run_bits_bounds_every_value(void) {
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 5);
  uint32_t v[KZ_PACK_VALUES], out[KZ_PACK_VALUES];
  uint8_t run[1 + 16 * 32 + 2 + 128 + 128 * 4];
  for (int trial = 0; trial < 500; trial++) {
    size_t n = trial % 2 ? KZ_PACK_VALUES : 1 + (size_t)kz_test_rand_below(&r, KZ_PACK_VALUES);
    fill_values(&r, trial % DISTRIBUTIONS, v, n);
    uint32_t x[KZ_PACK_VALUES];
    for (size_t i = 0; i < n; i++) x[i] = v[i] - 1;
    unsigned longest = longest_of(x, n);
    /* Runs the encoder writes, and runs with more high bits than needed. */
    unsigned b = longest / 2, e = 32 - b;
    size_t len = trial % 3 == 0 && longest > b ? write_run(run, x, n, b, e) : 0;
    unsigned want = len ? b + e : longest;
    if (!len) {
      size_t enc_len;
      uint8_t *enc = encode_exact(v, n, &enc_len);
      CHECK(enc);
      memcpy(run, enc, enc_len);
      len = enc_len;
      free(enc);
    }
    const uint8_t *p = run;
    CHECK_EQ_INT(kz_run_decode(kz_unpacker_get(KZ_SIMD_SCALAR), &p, run + len, n, out), KZ_OK);
    unsigned bits = kz_run_bits(run, n);
    CHECK_EQ_INT(bits, want);
    for (size_t i = 0; i < n; i++) CHECK((uint64_t)out[i] <= (uint64_t)1 << bits);
  }
}

KZ_TEST_MAIN(KZ_TEST(test_runs__round_trip_is_smallest_documented_size),
             KZ_TEST(test_runs__ties_go_to_the_wider_width),
             KZ_TEST(test_runs__known_bytes),
             KZ_TEST(test_runs__encode_appends_after_existing_bytes),
             KZ_TEST(test_runs__encode_rejects_bad_input),
             KZ_TEST(test_runs__skip_lands_where_decode_does),
             KZ_TEST(test_runs__decode_stops_at_the_run_end),
             KZ_TEST(test_runs__truncation_at_every_byte_is_corrupt),
             KZ_TEST(test_runs__decode_rejects_bad_header),
             KZ_TEST(test_runs__decode_rejects_n_out_of_range),
             KZ_TEST(test_runs__decode_rejects_bad_exceptions),
             KZ_TEST(test_runs__decode_accepts_extreme_exception_fields),
             KZ_TEST(test_runs__decode_rejects_stored_all_ones),
             KZ_TEST(test_runs__decode_docs_paths_agree),
             KZ_TEST(test_runs__decode_docs_enforces_doc_limit),
             KZ_TEST(test_runs__decode_docs_rejects_sums_past_2_32),
             KZ_TEST(test_runs__decode_docs_prev_doc_range),
             KZ_TEST(test_runs__run_bits_bounds_every_value))
