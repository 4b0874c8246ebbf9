/*
 * postblock.c - postings blocks (see postblock.h; docs/FORMAT.md,
 * "Postings", is normative): a run of doc-id gaps or a bitset, then a run
 * of frequencies.
 *
 * Owns no memory: the encoder appends to the caller's kz_buf, the decoder
 * writes into the caller's arrays of KZ_BLOCK_DOCS entries. The encoder
 * validates all input before appending anything, so a failed call leaves
 * the buffer as it was; the decoder reads only inside [p, end).
 */
#include "format/postblock.h"

#include <string.h>

#include "common/bytes.h"
#include "format/runs.h"
#include "kzsearch.h"

/* Replaces the gap run just written at out->data + start with a bitset when that is smaller. */
static void prefer_bitset(kz_buf *out, size_t start, int64_t prev_doc, const uint32_t *docs) {
  uint64_t span = (uint64_t)((int64_t)docs[KZ_BLOCK_DOCS - 1] - prev_doc); /* bits 0 .. span - 1 */
  size_t bytes = (size_t)((span + 7) / 8);
  if (3 + bytes >= out->len - start) return;
  uint8_t *p = out->data + start;
  p[0] = KZ_RUN_BITSET;
  kz_store_u16le(p + 1, (uint16_t)bytes);
  memset(p + 3, 0, bytes);
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) {
    uint64_t bit = (uint64_t)((int64_t)docs[i] - prev_doc - 1);
    p[3 + bit / 8] |= (uint8_t)(1u << (bit % 8));
  }
  out->len = start + 3 + bytes;
}

int kz_postblock_encode(kz_buf *out, int64_t prev_doc, const uint32_t *docs, const uint32_t *freqs,
                        size_t n) {
  if (n == 0 || n > KZ_BLOCK_DOCS || prev_doc < -1) return KZ_ERR_INVALID;
  uint32_t gaps[KZ_BLOCK_DOCS];
  int64_t last = prev_doc;
  for (size_t i = 0; i < n; i++) {
    if ((int64_t)docs[i] <= last || docs[i] == KZ_DOC_END || freqs[i] == 0) return KZ_ERR_INVALID;
    gaps[i] = (uint32_t)((int64_t)docs[i] - last);
    last = docs[i];
  }
  size_t start = out->len;
  int rc = kz_run_encode(out, gaps, n);
  if (!rc && n == KZ_BLOCK_DOCS) prefer_bitset(out, start, prev_doc, docs);
  if (!rc) rc = kz_run_encode(out, freqs, n);
  if (rc) out->len = start;
  return rc;
}

/* Turns the bitset at p (bytes long) into the block's 128 documents. */
static int decode_bitset(const kz_unpacker *u, const uint8_t *p, size_t bytes, int64_t prev_doc,
                         uint32_t doc_limit, uint32_t *docs) {
  if (bytes < KZ_BLOCK_DOCS / 8 || bytes > KZ_BITSET_MAX_BYTES || p[bytes - 1] == 0)
    return KZ_ERR_CORRUPT;
  /* The documents increase, so the highest one, on the last set bit, checks them all. */
  int64_t first = prev_doc + 1;
  int64_t highest = first + 8 * (int64_t)(bytes - 1) + (63 - __builtin_clzll(p[bytes - 1]));
  if (highest >= (int64_t)doc_limit) return KZ_ERR_CORRUPT;
  return u->bitset(p, bytes, (uint32_t)first, docs, KZ_BLOCK_DOCS) == KZ_BLOCK_DOCS
             ? KZ_OK
             : KZ_ERR_CORRUPT;
}

int kz_postblock_decode(const kz_unpacker *u, const uint8_t *p, const uint8_t *end,
                        int64_t prev_doc, size_t n, uint32_t doc_limit, uint32_t *docs,
                        uint32_t *freqs, const uint8_t **next) {
  if (n == 0 || n > KZ_BLOCK_DOCS || prev_doc < -1) return KZ_ERR_INVALID;
  /* prev_doc may come from skip data on disk; no block can follow it. */
  if (prev_doc >= (int64_t)doc_limit || p >= end) return KZ_ERR_CORRUPT;
  if (*p == KZ_RUN_BITSET && n == KZ_BLOCK_DOCS) {
    if (end - p < 3) return KZ_ERR_CORRUPT;
    size_t bytes = kz_load_u16le(p + 1);
    if (bytes > (size_t)(end - p - 3) || decode_bitset(u, p + 3, bytes, prev_doc, doc_limit, docs))
      return KZ_ERR_CORRUPT;
    p += 3 + bytes;
  } else if (kz_run_decode_docs(u, &p, end, n, prev_doc, doc_limit, docs)) {
    return KZ_ERR_CORRUPT;
  }
  if (freqs ? kz_run_decode(u, &p, end, n, freqs) : kz_run_skip(&p, end, n)) return KZ_ERR_CORRUPT;
  *next = p;
  return KZ_OK;
}
