/*
 * fuzz_postblock.c - the postings block codec (common/postblock.h).
 *
 * Input layout, for the decoding half:
 *   byte 0       n = (byte & 0x7f) + 1, so 1..128 postings (128: a full,
 *                bit-packed block; fewer: a partial, varint block)
 *   bytes 1..4   doc_limit, u32 little-endian
 *   bytes 5..8   prev_doc + 1, u32 little-endian (0 means prev_doc = -1)
 *   bytes 9..    the block, decoded from a copy of exactly its size
 * Decoding properties: the result is KZ_OK or KZ_ERR_CORRUPT; on KZ_OK, next
 * lies inside the block, docs increase strictly from above prev_doc and stay
 * below doc_limit, freqs are >= 1, and re-encoding the decoded postings
 * gives no more bytes than were consumed (the encoder picks the smallest
 * widths and varints) and decodes back to the same postings.
 *
 * The round-trip half reads the bytes after byte 0 as a stream of varint
 * pairs (gap, freq - 1), builds up to ROUND_TRIP_DOCS increasing doc ids from
 * them, encodes them as consecutive blocks (full blocks of 128 and one
 * partial block, as a term's postings are laid out) into a buffer of exactly
 * their size, and decodes them back: the postings must be equal, the blocks
 * must end exactly at the buffer's end, the last block must fail to decode
 * from a buffer one byte short, and with doc_limit equal to the last doc id
 * instead of one above it.
 *
 * A third, small part checks kz_bitpack_* directly on the input read as u32
 * words: the width is the smallest that fits, the byte count is
 * kz_bitpack_bytes, and unpacking restores the values.
 */
#include <string.h>

#include "common/bytes.h"
#include "common/postblock.h"
#include "fuzz.h"
#include "kzsearch.h"

#define ROUND_TRIP_DOCS (8u * KZ_BLOCK_DOCS + 37u)

static uint32_t load32(const uint8_t *data, size_t size, size_t at) {
  uint8_t b[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < 4 && at + i < size; i++) b[i] = data[at + i];
  return kz_load_u32le(b);
}

/* Re-encodes decoded postings and checks they come back unchanged. */
static void reencode(int64_t prev_doc, const uint32_t *docs, const uint32_t *freqs, size_t n,
                     uint32_t doc_limit, size_t consumed) {
  kz_buf b = KZ_BUF_INIT;
  FUZZ_REQUIRE(kz_postblock_encode(&b, prev_doc, docs, freqs, n) == KZ_OK);
  FUZZ_REQUIRE(b.len <= consumed);
  uint8_t *exact = malloc(b.len ? b.len : 1);
  if (!exact) abort();
  memcpy(exact, b.data, b.len);
  uint32_t d2[KZ_BLOCK_DOCS], f2[KZ_BLOCK_DOCS];
  const uint8_t *next = NULL;
  FUZZ_REQUIRE(kz_postblock_decode(exact, exact + b.len, prev_doc, n, doc_limit, d2, f2, &next) ==
               KZ_OK);
  FUZZ_REQUIRE(next == exact + b.len);
  FUZZ_REQUIRE(memcmp(d2, docs, n * sizeof *docs) == 0);
  FUZZ_REQUIRE(memcmp(f2, freqs, n * sizeof *freqs) == 0);
  free(exact);
  kz_buf_free(&b);
}

static void fuzz_decode(const uint8_t *data, size_t size) {
  if (size < 9) return;
  size_t n = (size_t)(data[0] & 0x7f) + 1;
  uint32_t doc_limit = load32(data, size, 1);
  int64_t prev_doc = (int64_t)load32(data, size, 5) - 1;
  size_t len = size - 9;
  uint8_t *block = malloc(len ? len : 1);
  if (!block) abort();
  if (len) memcpy(block, data + 9, len);

  uint32_t docs[KZ_BLOCK_DOCS], freqs[KZ_BLOCK_DOCS];
  const uint8_t *next = NULL;
  int rc = kz_postblock_decode(block, block + len, prev_doc, n, doc_limit, docs, freqs, &next);
  FUZZ_REQUIRE(rc == KZ_OK || rc == KZ_ERR_CORRUPT);
  if (rc == KZ_OK) {
    FUZZ_REQUIRE(next >= block && next <= block + len);
    int64_t last = prev_doc;
    for (size_t i = 0; i < n; i++) {
      FUZZ_REQUIRE((int64_t)docs[i] > last);
      FUZZ_REQUIRE(docs[i] < doc_limit);
      FUZZ_REQUIRE(freqs[i] >= 1);
      last = docs[i];
    }
    reencode(prev_doc, docs, freqs, n, doc_limit, (size_t)(next - block));
  }
  free(block);
}

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
  uint8_t *exact = malloc(b.len ? b.len : 1);
  if (!exact) abort();
  memcpy(exact, b.data, b.len);
  const uint8_t *q = exact, *qend = exact + b.len;
  const uint32_t doc_limit = docs[n - 1] + 1;
  uint32_t d2[KZ_BLOCK_DOCS], f2[KZ_BLOCK_DOCS];
  for (size_t blk = 0, at = 0; at < n; blk++, at += KZ_BLOCK_DOCS) {
    size_t k = n - at < KZ_BLOCK_DOCS ? n - at : KZ_BLOCK_DOCS;
    int64_t prev = at ? (int64_t)docs[at - 1] : -1;
    FUZZ_REQUIRE(q == exact + starts[blk]);
    const uint8_t *next = NULL;
    if (at + k == n) {
      /* The last block: one byte short is truncated, a lower limit is out of range. */
      FUZZ_REQUIRE(kz_postblock_decode(q, qend - 1, prev, k, doc_limit, d2, f2, &next) ==
                   KZ_ERR_CORRUPT);
      FUZZ_REQUIRE(kz_postblock_decode(q, qend, prev, k, doc_limit - 1, d2, f2, &next) ==
                   KZ_ERR_CORRUPT);
    }
    FUZZ_REQUIRE(kz_postblock_decode(q, qend, prev, k, doc_limit, d2, f2, &next) == KZ_OK);
    FUZZ_REQUIRE(memcmp(d2, docs + at, k * sizeof *d2) == 0);
    FUZZ_REQUIRE(memcmp(f2, freqs + at, k * sizeof *f2) == 0);
    q = next;
  }
  FUZZ_REQUIRE(q == qend);
  free(exact);
  kz_buf_free(&b);
}

static void fuzz_bitpack(const uint8_t *data, size_t size) {
  uint32_t in[KZ_BLOCK_DOCS], out[KZ_BLOCK_DOCS];
  uint8_t packed[KZ_BLOCK_DOCS * 4];
  size_t n = size / 4 < KZ_BLOCK_DOCS ? size / 4 : KZ_BLOCK_DOCS;
  for (size_t i = 0; i < n; i++) in[i] = kz_load_u32le(data + 4 * i);
  unsigned bits = kz_bitpack_width(in, n);
  FUZZ_REQUIRE(bits <= 32);
  uint32_t any = 0;
  for (size_t i = 0; i < n; i++) any |= in[i];
  FUZZ_REQUIRE(bits == 32 || (any >> bits) == 0);
  FUZZ_REQUIRE(bits == 0 || (any >> (bits - 1)) != 0);
  /* Every width from the smallest up must round-trip. */
  for (unsigned b = bits; b <= 32; b += 1 + b / 4) {
    size_t bytes = kz_bitpack_encode(in, n, b, packed);
    FUZZ_REQUIRE(bytes == kz_bitpack_bytes(n, b));
    memset(out, 0xa5, sizeof out);
    kz_bitpack_decode(packed, n, b, out);
    FUZZ_REQUIRE(memcmp(in, out, n * sizeof *in) == 0);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_decode(data, size);
  fuzz_round_trip(data, size);
  fuzz_bitpack(data, size);
  return 0;
}
