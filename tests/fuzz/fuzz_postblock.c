/*
 * fuzz_postblock.c - the postings codec: blocks (format/postblock.h), the
 * runs inside them (format/runs.h) and the bit-packing kernels with every
 * decoder level this CPU runs (format/bitpack.h); docs/FORMAT.md, "Runs"
 * and "Postings (.post)".
 *
 * Input layout:
 *   byte 0       n = (byte & 0x7f) + 1, so 1..128 postings or run values
 *                (128: a full block, which may be a bitset, and vertical runs)
 *   bytes 1..4   doc_limit, u32 little-endian
 *   bytes 5..8   prev_doc + 1, u32 little-endian (0 means prev_doc = -1)
 *   bytes 9..    the bytes to decode (parts 1 and 2), the run values (part 4)
 *
 * The oracle for decoding is a reference decoder in this file that reads
 * docs/FORMAT.md literally, one bit at a time: the codec must accept exactly
 * the bytes it accepts, with the same values and the same end.
 *
 * 1. Decode: bytes 9.. (a copy of exactly their size) as one block of n
 *    postings, with every level. All levels agree with the reference on
 *    the status (KZ_OK or KZ_ERR_CORRUPT), the postings and the block's
 *    end; decoding with freqs NULL (frequencies skipped) succeeds with the
 *    same documents and end whenever the full decode does, and otherwise
 *    only with documents in range; on KZ_OK docs increase strictly from
 *    above prev_doc and stay below doc_limit, freqs are >= 1, and the
 *    postings re-encode in no more bytes than they took (the encoder
 *    writes the smallest run, and a bitset's size is fixed by its span)
 *    and decode back to themselves on every level.
 * 2. The same bytes as one run of n values, with every level: all agree
 *    with the reference; on KZ_OK kz_run_skip ends where decoding did, the
 *    values are at most 2^kz_run_bits, and they re-encode in no more
 *    bytes. As doc-id gaps (kz_run_decode_docs after prev_doc, below
 *    doc_limit) the bytes decode exactly when the run decodes and its sums,
 *    taken in 64 bits, stay below doc_limit, and then to those sums: an
 *    oracle for the decoder's 32-bit wrap check.
 * 3. Round trip: the bytes after byte 0 as varint pairs (gap, freq - 1)
 *    make up to ROUND_TRIP_DOCS increasing doc ids; they are encoded as a
 *    term's blocks (full blocks of 128 and a last partial one) into a buffer
 *    of exactly their size and decoded back with every level: the postings
 *    must be equal and the blocks end exactly at the buffer's end; the last
 *    block fails from a buffer one byte short and with doc_limit equal to
 *    the last doc id.
 * 4. Runs at every width: bytes 9.. as n u32 little-endian words (0 past the
 *    end); for each width b = 0..32 the words cut to b bits (at most
 *    2^32 - 2) plus 1 make a run, which must encode (never larger than the
 *    plain run at the widest value's width), decode back with every level,
 *    skip to the same end, and, as doc-id gaps after -1, decode to their
 *    sums when those stay below 2^32 - 1 and fail otherwise.
 */
#include <string.h>

#include "format/bitpack.h"
#include "common/bytes.h"
#include "format/postblock.h"
#include "format/runs.h"
#include "fuzz.h"
#include "kzsearch.h"

#define ROUND_TRIP_DOCS (8u * KZ_BLOCK_DOCS + 37u)

static const kz_unpacker *levels[KZ_SIMD_LEVELS];
static size_t n_levels;

static void init_levels(void) {
  if (n_levels) return;
  for (int l = KZ_SIMD_SCALAR; l < KZ_SIMD_LEVELS; l++)
    if (kz_unpacker_get((kz_simd_level)l)) levels[n_levels++] = kz_unpacker_get((kz_simd_level)l);
}

static uint32_t load32(const uint8_t *data, size_t size, size_t at) {
  uint8_t b[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < 4 && at + i < size; i++) b[i] = data[at + i];
  return kz_load_u32le(b);
}

/* A heap copy of exactly n bytes (malloc(0) for none), so that an over-read trips ASan. */
static uint8_t *exact_copy(const uint8_t *src, size_t n) {
  uint8_t *p = malloc(n);
  if (!p && n) abort();
  if (n) memcpy(p, src, n);
  return p;
}

/* ---- the reference: docs/FORMAT.md read literally, one bit at a time ---- */

/* Bit k of a byte stream, least significant first. */
static unsigned bit_at(const uint8_t *p, size_t k) { return (p[k / 8] >> (k % 8)) & 1u; }

/*
 * Value i's bits, `bits` wide: horizontal, stream bits i*b ..; vertical
 * (n = 128), lane i % 4, row i / 4, lane bit k in bit k % 32 of the lane's
 * word k / 32, which is u32 word l + 4 * (k / 32) of the run.
 */
static uint64_t ref_field(const uint8_t *p, size_t i, unsigned bits, int vertical) {
  uint64_t v = 0;
  for (unsigned k = 0; k < bits; k++) {
    size_t pos = i * bits + k;
    if (vertical) {
      size_t lane_bit = (i / 4) * bits + k;
      pos = 32 * (i % 4 + 4 * (lane_bit / 32)) + lane_bit % 32;
    }
    v |= (uint64_t)bit_at(p, pos) << k;
  }
  return v;
}

/* A run of n values at p: @return its size, or 0 when the format forbids these bytes. */
static size_t ref_run(const uint8_t *p, size_t len, size_t n, uint64_t *v) {
  if (len < 1) return 0;
  unsigned h = p[0], b = h & 0x3f;
  if ((h & 0x80) || b > 32) return 0;
  size_t at = 1, packed = n == 128 ? 16u * b : (n * b + 7) / 8;
  if (len - at < packed) return 0;
  for (size_t i = 0; i < n; i++) v[i] = ref_field(p + at, i, b, n == 128);
  at += packed;
  if (h & 0x40) {
    if (len - at < 2) return 0;
    size_t c = p[at];
    unsigned e = p[at + 1];
    at += 2;
    if (c < 1 || c > n || e < 1 || e > 32 - b) return 0;
    size_t highs = (c * e + 7) / 8;
    if (len - at < c + highs) return 0;
    for (size_t k = 0; k < c; k++) {
      size_t i = p[at + k];
      if (i >= n || (k > 0 && i <= p[at + k - 1])) return 0;
      v[i] |= ref_field(p + at + c, k, e, 0) << b;
    }
    at += c + highs;
  }
  for (size_t i = 0; i < n; i++) {
    if (v[i] == UINT32_MAX) return 0;
    v[i] += 1;
  }
  return at;
}

/* A block of n postings after prev_doc below doc_limit: @return its size, or 0 when invalid. */
static size_t ref_block(const uint8_t *p, size_t len, int64_t prev_doc, size_t n,
                        uint32_t doc_limit, uint32_t *docs, uint32_t *freqs) {
  uint64_t v[KZ_PACK_VALUES];
  size_t at;
  if (prev_doc >= (int64_t)doc_limit) return 0;
  if (n == 128 && len >= 1 && p[0] == 0x80) {
    if (len < 3) return 0;
    size_t bytes = (size_t)p[1] | (size_t)p[2] << 8, k = 0;
    if (bytes < 16 || bytes > 512 || len - 3 < bytes || p[3 + bytes - 1] == 0) return 0;
    for (size_t j = 0; j < 8 * bytes; j++) {
      if (!bit_at(p + 3, j)) continue;
      int64_t doc = prev_doc + 1 + (int64_t)j;
      if (k == 128 || doc >= (int64_t)doc_limit) return 0;
      docs[k++] = (uint32_t)doc;
    }
    if (k != 128) return 0;
    at = 3 + bytes;
  } else {
    at = ref_run(p, len, n, v);
    if (!at) return 0;
    int64_t doc = prev_doc;
    for (size_t i = 0; i < n; i++) {
      doc += (int64_t)v[i];
      if (doc >= (int64_t)doc_limit) return 0;
      docs[i] = (uint32_t)doc;
    }
  }
  size_t used = ref_run(p + at, len - at, n, v);
  if (!used) return 0;
  for (size_t i = 0; i < n; i++) freqs[i] = (uint32_t)v[i];
  return at + used;
}

/*
 * Decodes a block on every level (with freqs NULL: skipping the
 * frequencies). @return the status, the same on every level (else abort);
 * on KZ_OK docs, freqs and *used hold what every level decoded.
 */
static int decode_block(const uint8_t *p, size_t len, int64_t prev_doc, size_t n,
                        uint32_t doc_limit, uint32_t *docs, uint32_t *freqs, size_t *used) {
  int first = 0;
  for (size_t li = 0; li < n_levels; li++) {
    uint32_t d[KZ_BLOCK_DOCS], f[KZ_BLOCK_DOCS];
    const uint8_t *next = NULL;
    int rc = kz_postblock_decode(levels[li], p, p + len, prev_doc, n, doc_limit, d,
                                 freqs ? f : NULL, &next);
    FUZZ_REQUIRE_MSG(rc == KZ_OK || rc == KZ_ERR_CORRUPT, "status %d", rc);
    if (li == 0) {
      first = rc;
      if (rc == KZ_OK) {
        FUZZ_REQUIRE(next > p && next <= p + len);
        memcpy(docs, d, n * sizeof *d);
        if (freqs) memcpy(freqs, f, n * sizeof *f);
        *used = (size_t)(next - p);
      }
      continue;
    }
    FUZZ_REQUIRE_MSG(rc == first, "%s says %d, scalar %d", kz_simd_level_name(levels[li]->level),
                     rc, first);
    if (rc == KZ_OK) {
      FUZZ_REQUIRE(memcmp(d, docs, n * sizeof *d) == 0);
      FUZZ_REQUIRE(!freqs || memcmp(f, freqs, n * sizeof *f) == 0);
      FUZZ_REQUIRE(next == p + *used);
    }
  }
  return first;
}

/*
 * As decode_block for one run of n values (as_docs: of doc-id gaps after
 * prev_doc, below doc_limit): the same status, values and end on every level.
 */
static int decode_run(const uint8_t *p, size_t len, size_t n, int as_docs, int64_t prev_doc,
                      uint32_t doc_limit, uint32_t *out, size_t *used) {
  int first = 0;
  for (size_t li = 0; li < n_levels; li++) {
    uint32_t v[KZ_PACK_VALUES];
    const uint8_t *q = p;
    int rc = as_docs ? kz_run_decode_docs(levels[li], &q, p + len, n, prev_doc, doc_limit, v)
                     : kz_run_decode(levels[li], &q, p + len, n, v);
    FUZZ_REQUIRE_MSG(rc == KZ_OK || rc == KZ_ERR_CORRUPT, "status %d", rc);
    if (li == 0) {
      first = rc;
      if (rc == KZ_OK) {
        memcpy(out, v, n * sizeof *v);
        *used = (size_t)(q - p);
      }
      continue;
    }
    FUZZ_REQUIRE_MSG(rc == first, "%s says %d, scalar %d", kz_simd_level_name(levels[li]->level),
                     rc, first);
    if (rc == KZ_OK) FUZZ_REQUIRE(memcmp(v, out, n * sizeof *v) == 0 && q == p + *used);
  }
  return first;
}

/*
 * The doc-id oracle: given run values that decoded, decode_docs of the same
 * bytes must succeed exactly when prev_doc + the running sums stay below
 * doc_limit (taken in 64 bits, so no wrap can hide), and give those sums.
 */
static void check_docs(const uint8_t *p, size_t len, size_t n, int64_t prev_doc,
                       uint32_t doc_limit, const uint32_t *values, size_t run_len) {
  uint32_t docs[KZ_PACK_VALUES], want[KZ_PACK_VALUES];
  int64_t sum = prev_doc;
  int fits = prev_doc < (int64_t)doc_limit;
  for (size_t i = 0; i < n; i++) {
    sum += values[i];
    if (sum >= (int64_t)doc_limit) fits = 0;
    want[i] = (uint32_t)sum;
  }
  size_t used = 0;
  int rc = decode_run(p, len, n, 1, prev_doc, doc_limit, docs, &used);
  FUZZ_REQUIRE_MSG(rc == (fits ? KZ_OK : KZ_ERR_CORRUPT),
                   "docs status %d, sums %s the limit %u after %lld", rc,
                   fits ? "below" : "not below", doc_limit, (long long)prev_doc);
  if (rc == KZ_OK) FUZZ_REQUIRE(used == run_len && memcmp(docs, want, n * sizeof *docs) == 0);
}

/* Part 1: the input as a block. */
static void fuzz_block(const uint8_t *block, size_t len, size_t n, int64_t prev_doc,
                       uint32_t doc_limit) {
  uint32_t docs[KZ_BLOCK_DOCS], freqs[KZ_BLOCK_DOCS], ref_docs[KZ_BLOCK_DOCS], ref_freqs[KZ_BLOCK_DOCS];
  size_t used = 0;
  size_t ref_used = ref_block(block, len, prev_doc, n, doc_limit, ref_docs, ref_freqs);
  int rc = decode_block(block, len, prev_doc, n, doc_limit, docs, freqs, &used);
  FUZZ_REQUIRE_MSG(rc == (ref_used ? KZ_OK : KZ_ERR_CORRUPT), "block status %d, the reference %s",
                   rc, ref_used ? "accepts" : "rejects");
  /* Skipping the frequencies (freqs NULL) reads no further and finds the same documents. */
  uint32_t skip_docs[KZ_BLOCK_DOCS];
  size_t skip_used = 0;
  int skip_rc = decode_block(block, len, prev_doc, n, doc_limit, skip_docs, NULL, &skip_used);
  if (skip_rc == KZ_OK)
    for (size_t i = 0; i < n; i++)
      FUZZ_REQUIRE(skip_docs[i] < doc_limit &&
                   (int64_t)skip_docs[i] > (i ? (int64_t)skip_docs[i - 1] : prev_doc));
  if (rc != KZ_OK) return;
  FUZZ_REQUIRE(used == ref_used);
  FUZZ_REQUIRE(memcmp(docs, ref_docs, n * sizeof *docs) == 0);
  FUZZ_REQUIRE(memcmp(freqs, ref_freqs, n * sizeof *freqs) == 0);
  FUZZ_REQUIRE(skip_rc == KZ_OK && skip_used == used);
  FUZZ_REQUIRE(memcmp(skip_docs, docs, n * sizeof *docs) == 0);
  int64_t last = prev_doc;
  for (size_t i = 0; i < n; i++) {
    FUZZ_REQUIRE((int64_t)docs[i] > last);
    FUZZ_REQUIRE(docs[i] < doc_limit);
    FUZZ_REQUIRE(freqs[i] >= 1);
    last = docs[i];
  }
  kz_buf b = KZ_BUF_INIT;
  FUZZ_REQUIRE(kz_postblock_encode(&b, prev_doc, docs, freqs, n) == KZ_OK);
  FUZZ_REQUIRE_MSG(b.len <= used, "re-encoded in %zu bytes, decoded from %zu", b.len, used);
  uint8_t *exact = exact_copy(b.data, b.len);
  uint32_t d2[KZ_BLOCK_DOCS], f2[KZ_BLOCK_DOCS];
  size_t used2 = 0;
  FUZZ_REQUIRE(decode_block(exact, b.len, prev_doc, n, doc_limit, d2, f2, &used2) == KZ_OK);
  FUZZ_REQUIRE(used2 == b.len);
  FUZZ_REQUIRE(memcmp(d2, docs, n * sizeof *docs) == 0);
  FUZZ_REQUIRE(memcmp(f2, freqs, n * sizeof *freqs) == 0);
  free(exact);
  kz_buf_free(&b);
}

/* Part 2: the input as a run, of values and of doc-id gaps. */
static void fuzz_run(const uint8_t *run, size_t len, size_t n, int64_t prev_doc,
                     uint32_t doc_limit) {
  uint32_t v[KZ_PACK_VALUES];
  uint64_t ref[KZ_PACK_VALUES];
  size_t used = 0, ref_used = ref_run(run, len, n, ref);
  int rc = decode_run(run, len, n, 0, 0, 0, v, &used);
  FUZZ_REQUIRE_MSG(rc == (ref_used ? KZ_OK : KZ_ERR_CORRUPT), "run status %d, the reference %s",
                   rc, ref_used ? "accepts" : "rejects");
  if (rc != KZ_OK) {
    /* A run that does not decode is no list of doc-id gaps either. */
    uint32_t docs[KZ_PACK_VALUES];
    FUZZ_REQUIRE(decode_run(run, len, n, 1, prev_doc, doc_limit, docs, &used) == KZ_ERR_CORRUPT);
    return;
  }
  FUZZ_REQUIRE(used == ref_used);
  for (size_t i = 0; i < n; i++) FUZZ_REQUIRE(v[i] == ref[i]);
  const uint8_t *q = run;
  FUZZ_REQUIRE(kz_run_skip(&q, run + len, n) == KZ_OK && q == run + used);
  unsigned bits = kz_run_bits(run, n);
  FUZZ_REQUIRE(bits <= 32);
  for (size_t i = 0; i < n; i++) FUZZ_REQUIRE(v[i] >= 1 && (uint64_t)v[i] <= (uint64_t)1 << bits);
  kz_buf b = KZ_BUF_INIT;
  FUZZ_REQUIRE(kz_run_encode(&b, v, n) == KZ_OK);
  FUZZ_REQUIRE_MSG(b.len <= used, "run re-encoded in %zu bytes, decoded from %zu", b.len, used);
  kz_buf_free(&b);
  check_docs(run, len, n, prev_doc, doc_limit, v, used);
}

/* Part 3: the input as (gap, freq - 1) varints, through a chain of blocks. */
static void fuzz_round_trip(const uint8_t *data, size_t size) {
  static uint32_t docs[ROUND_TRIP_DOCS], freqs[ROUND_TRIP_DOCS];
  const uint8_t *p = size ? data + 1 : data, *end = data + size;
  size_t n = 0;
  int64_t last = -1;
  while (n < ROUND_TRIP_DOCS) {
    uint32_t gap, fm1;
    if (kz_varint_get32(&p, end, &gap) != 0 || kz_varint_get32(&p, end, &fm1) != 0) break;
    int64_t doc = last + 1 + (int64_t)gap;
    if (doc >= (int64_t)KZ_DOC_END || fm1 == UINT32_MAX) break;
    docs[n] = (uint32_t)doc;
    freqs[n] = fm1 + 1;
    last = doc;
    n++;
  }
  if (n == 0) return;

  kz_buf b = KZ_BUF_INIT;
  size_t starts[ROUND_TRIP_DOCS / KZ_BLOCK_DOCS + 2], n_blocks = 0;
  for (size_t at = 0; at < n; at += KZ_BLOCK_DOCS) {
    size_t k = n - at < KZ_BLOCK_DOCS ? n - at : KZ_BLOCK_DOCS;
    int64_t prev = at ? (int64_t)docs[at - 1] : -1;
    starts[n_blocks++] = b.len;
    FUZZ_REQUIRE(kz_postblock_encode(&b, prev, docs + at, freqs + at, k) == KZ_OK);
  }
  starts[n_blocks] = b.len;
  uint8_t *exact = exact_copy(b.data, b.len);
  const uint32_t doc_limit = docs[n - 1] + 1;
  uint32_t d2[KZ_BLOCK_DOCS], f2[KZ_BLOCK_DOCS];
  for (size_t blk = 0, at = 0; at < n; blk++, at += KZ_BLOCK_DOCS) {
    size_t k = n - at < KZ_BLOCK_DOCS ? n - at : KZ_BLOCK_DOCS;
    int64_t prev = at ? (int64_t)docs[at - 1] : -1;
    const uint8_t *q = exact + starts[blk];
    size_t rest = b.len - starts[blk], used = 0;
    if (at + k == n) {
      /* The last block: one byte short is truncated, a lower limit is out of range. */
      FUZZ_REQUIRE(decode_block(q, rest - 1, prev, k, doc_limit, d2, f2, &used) == KZ_ERR_CORRUPT);
      FUZZ_REQUIRE(decode_block(q, rest, prev, k, doc_limit - 1, d2, f2, &used) == KZ_ERR_CORRUPT);
    }
    FUZZ_REQUIRE(decode_block(q, rest, prev, k, doc_limit, d2, f2, &used) == KZ_OK);
    FUZZ_REQUIRE(used == starts[blk + 1] - starts[blk]);
    FUZZ_REQUIRE(memcmp(d2, docs + at, k * sizeof *d2) == 0);
    FUZZ_REQUIRE(memcmp(f2, freqs + at, k * sizeof *f2) == 0);
  }
  free(exact);
  kz_buf_free(&b);
}

/* Part 4: runs of the input's words at every width. */
static void fuzz_widths(const uint8_t *words, size_t len, size_t n) {
  uint32_t w[KZ_PACK_VALUES], v[KZ_PACK_VALUES], out[KZ_PACK_VALUES];
  for (size_t i = 0; i < n; i++) w[i] = load32(words, len, 4 * i);
  for (unsigned b = 0; b <= 32; b++) {
    unsigned longest = 0;
    for (size_t i = 0; i < n; i++) {
      uint32_t x = b == 32 ? w[i] : w[i] & (((uint32_t)1 << b) - 1);
      if (x == UINT32_MAX) x--;
      v[i] = x + 1;
      if (kz_bit_length(x) > longest) longest = kz_bit_length(x);
    }
    kz_buf enc = KZ_BUF_INIT;
    FUZZ_REQUIRE(kz_run_encode(&enc, v, n) == KZ_OK);
    size_t plain = 1 + (n == KZ_PACK_VALUES ? 16u * longest : kz_packbytes_size(n, longest));
    FUZZ_REQUIRE_MSG(enc.len <= plain, "%zu bytes, more than the plain %zu", enc.len, plain);
    FUZZ_REQUIRE(kz_run_bits(enc.data, n) == longest);
    uint8_t *exact = exact_copy(enc.data, enc.len);
    size_t used = 0;
    FUZZ_REQUIRE(decode_run(exact, enc.len, n, 0, 0, 0, out, &used) == KZ_OK);
    FUZZ_REQUIRE(used == enc.len && memcmp(out, v, n * sizeof *v) == 0);
    const uint8_t *q = exact;
    FUZZ_REQUIRE(kz_run_skip(&q, exact + enc.len, n) == KZ_OK && q == exact + enc.len);
    check_docs(exact, enc.len, n, -1, UINT32_MAX, v, enc.len);
    free(exact);
    kz_buf_free(&enc);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  init_levels();
  fuzz_round_trip(data, size);
  if (size < 9) return 0;
  size_t n = (size_t)(data[0] & 0x7f) + 1;
  uint32_t doc_limit = load32(data, size, 1);
  int64_t prev_doc = (int64_t)load32(data, size, 5) - 1;
  uint8_t *rest = exact_copy(data + 9, size - 9);
  fuzz_block(rest, size - 9, n, prev_doc, doc_limit);
  fuzz_run(rest, size - 9, n, prev_doc, doc_limit);
  fuzz_widths(rest, size - 9, n);
  free(rest);
  return 0;
}
