/*
 * docstore_reader.c - reads a segment's document store (see docstore_reader.h; the byte
 * layout is specified in docs/FORMAT.md, "Document store").
 *
 * A kz_docstore borrows the mapped body and owns nothing. Opening checks
 * the trailer, every block index entry and the whole id table once, so
 * that afterwards each index entry is known to describe a frame inside the
 * blocks area, blocks tile that area without gaps, first_doc numbers are
 * strictly increasing from 0, and the id table's offsets are monotonic,
 * within its bytes, and its checksum matches. An id lookup then needs only
 * the doc range check. A block lookup verifies the block's checksum and
 * declared size before decompressing, and walks every record of the block
 * with (p, end) bounds, so the records must fill the block exactly.
 * Damage anywhere in the body becomes KZ_ERR_CORRUPT, never a bad read.
 */
#include "format/docstore_reader.h"

#include <string.h>

#include "common/bytes.h"
#include "common/checksum.h"
#include "common/compress.h"
#include "kzsearch.h"

/* An empty record is KZ_STORE_RECORD_FIELDS zero-length varints, one byte each. */
#define MIN_RECORD_BYTES KZ_STORE_RECORD_FIELDS
_Static_assert(KZ_STORED_ID == 0, "records are the fields after the id");

typedef struct block_entry {
  uint32_t first_doc;
  uint64_t offset;
  uint32_t comp_len, raw_len, checksum;
} block_entry;

static block_entry load_entry(const uint8_t *index, uint32_t b) {
  const uint8_t *e = index + (size_t)b * KZ_STORE_INDEX_ENTRY_BYTES;
  block_entry x;
  x.first_doc = kz_load_u32le(e);
  x.offset = kz_load_u64le(e + 4);
  x.comp_len = kz_load_u32le(e + 12);
  x.raw_len = kz_load_u32le(e + 16);
  x.checksum = kz_load_u32le(e + 20);
  return x;
}

/* Documents in block b: up to the next block's first doc, or n_docs for the last. */
static uint32_t block_docs(const kz_docstore *s, uint32_t b, uint32_t first_doc) {
  uint32_t next = b + 1 < s->n_blocks ? kz_load_u32le(s->index + (size_t)(b + 1) *
                                                                     KZ_STORE_INDEX_ENTRY_BYTES)
                                      : s->n_docs;
  return next - first_doc;
}

/* ------------------------------------------------------------------------ */
/* Opening                                                                  */
/* ------------------------------------------------------------------------ */

/*
 * Validates the id table, [ids_offset, index_offset): n_docs + 1 u32 ends,
 * the first 0, non-decreasing, each id at most KZ_MAX_ID_BYTES, the last
 * equal to the id bytes that follow; then its checksum. Fills the pointers.
 */
static int open_id_table(kz_docstore *s, uint64_t ids_offset, uint64_t index_offset,
                         uint32_t checksum) {
  /* The caller checked ids_offset <= index_offset <= body_size. */
  uint64_t table_bytes = index_offset - ids_offset;
  uint64_t ends_bytes = 4 * ((uint64_t)s->n_docs + 1);
  if (table_bytes < ends_bytes) return KZ_ERR_CORRUPT;
  const uint8_t *ends = s->body + ids_offset;
  if (kz_load_u32le(ends) != 0) return KZ_ERR_CORRUPT;
  if (kz_load_u32le(ends + (size_t)s->n_docs * 4) != table_bytes - ends_bytes)
    return KZ_ERR_CORRUPT;
  uint32_t prev = 0;
  for (uint64_t d = 1; d <= s->n_docs; d++) {
    uint32_t cur = kz_load_u32le(ends + d * 4);
    if (cur < prev || cur - prev > KZ_MAX_ID_BYTES) return KZ_ERR_CORRUPT;
    prev = cur;
  }
  /* Offsets alone cannot catch a changed id byte; the checksum does. */
  if ((uint32_t)kz_checksum(ends, (size_t)table_bytes) != checksum) return KZ_ERR_CORRUPT;
  s->id_ends = ends;
  s->ids = ends + ends_bytes;
  return KZ_OK;
}

int kz_docstore_open(kz_docstore *s, const uint8_t *body, size_t body_size, uint32_t n_docs) {
  if (body_size < KZ_STORE_TRAILER_BYTES) return KZ_ERR_CORRUPT;
  const uint8_t *t = body + body_size - KZ_STORE_TRAILER_BYTES;
  uint32_t t_docs = kz_load_u32le(t);
  uint32_t n_blocks = kz_load_u32le(t + 4);
  uint64_t index_offset = kz_load_u64le(t + 8);
  uint64_t ids_offset = kz_load_u64le(t + 16);
  uint32_t ids_checksum = kz_load_u32le(t + 24);
  if (t_docs != n_docs) return KZ_ERR_CORRUPT;
  size_t avail = body_size - KZ_STORE_TRAILER_BYTES;
  if (n_blocks > avail / KZ_STORE_INDEX_ENTRY_BYTES) return KZ_ERR_CORRUPT;
  size_t index_bytes = (size_t)n_blocks * KZ_STORE_INDEX_ENTRY_BYTES;
  /* The index sits exactly between the id table and the trailer. */
  if (index_offset != avail - index_bytes) return KZ_ERR_CORRUPT;
  if ((n_blocks == 0) != (n_docs == 0)) return KZ_ERR_CORRUPT;
  /* The id table sits between the last block and the index. */
  if (ids_offset > index_offset) return KZ_ERR_CORRUPT;

  kz_docstore tmp = {body, body_size, n_docs, n_blocks, body + index_offset, NULL, NULL};
  uint64_t next_offset = 0;
  for (uint32_t b = 0; b < n_blocks; b++) {
    block_entry e = load_entry(tmp.index, b);
    if (b == 0 ? e.first_doc != 0 : e.first_doc <= load_entry(tmp.index, b - 1).first_doc)
      return KZ_ERR_CORRUPT;
    if (e.first_doc >= n_docs) return KZ_ERR_CORRUPT;
    /* Blocks tile [0, ids_offset) in order; comp_len < 2^32 keeps the sum exact. */
    if (e.offset != next_offset || e.comp_len == 0) return KZ_ERR_CORRUPT;
    next_offset += e.comp_len;
    if (next_offset > ids_offset) return KZ_ERR_CORRUPT;
    if (e.raw_len > KZ_STORE_MAX_RAW_BLOCK_BYTES) return KZ_ERR_CORRUPT;
  }
  if (next_offset != ids_offset) return KZ_ERR_CORRUPT;
  /* Needs every first_doc validated, so it runs after the loop above. */
  for (uint32_t b = 0; b < n_blocks; b++) {
    block_entry e = load_entry(tmp.index, b);
    if ((uint64_t)e.raw_len < (uint64_t)block_docs(&tmp, b, e.first_doc) * MIN_RECORD_BYTES)
      return KZ_ERR_CORRUPT;
  }
  /* Last: the costliest check, one pass over every id. */
  int rc = open_id_table(&tmp, ids_offset, index_offset, ids_checksum);
  if (rc) return rc;
  *s = tmp;
  return KZ_OK;
}

/* ------------------------------------------------------------------------ */
/* Lookups                                                                  */
/* ------------------------------------------------------------------------ */

/* The last block whose first_doc <= doc (block 0 starts at doc 0). */
static uint32_t find_block(const kz_docstore *s, uint32_t doc) {
  uint32_t lo = 0, hi = s->n_blocks; /* answer in [lo, hi) */
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (load_entry(s->index, mid).first_doc <= doc)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

int kz_docstore_get_id(const kz_docstore *s, uint32_t doc, const char **id, size_t *len) {
  if (doc >= s->n_docs) return KZ_ERR_CORRUPT;
  const uint8_t *e = s->id_ends + (size_t)doc * 4;
  uint32_t start = kz_load_u32le(e);
  *id = (const char *)s->ids + start;
  *len = kz_load_u32le(e + 4) - start;
  return KZ_OK;
}

static int load_doc(const kz_docstore *s, uint32_t doc, kz_stored_doc *out) {
  if (doc >= s->n_docs) return KZ_ERR_CORRUPT;
  uint32_t b = find_block(s, doc);
  block_entry e = load_entry(s->index, b);
  const uint8_t *src = s->body + e.offset;
  if ((uint32_t)kz_checksum(src, e.comp_len) != e.checksum) return KZ_ERR_CORRUPT;
  if (kz_zstd_frame_size(src, e.comp_len) != (long long)e.raw_len) return KZ_ERR_CORRUPT;

  kz_buf_clear(&out->block);
  int rc = kz_buf_reserve(&out->block, e.raw_len);
  if (rc) return rc;
  size_t got = 0;
  rc = kz_zstd_decompress(out->block.data, e.raw_len, src, e.comp_len, &got);
  if (rc) return rc;
  if (got != e.raw_len) return KZ_ERR_CORRUPT;
  out->block.len = got;

  /* Walk every record, not just up to `doc`, so a block whose records do not
   * fill it exactly (a damaged first_doc or raw_len) is refused. */
  const uint8_t *p = out->block.data, *end = p + out->block.len;
  const uint8_t *field[KZ_STORED_FIELDS] = {0};
  size_t len[KZ_STORED_FIELDS] = {0};
  uint32_t count = block_docs(s, b, e.first_doc);
  for (uint32_t d = 0; d < count; d++) {
    for (int i = KZ_STORED_ID + 1; i < KZ_STORED_FIELDS; i++) {
      uint64_t n;
      if (kz_varint_get(&p, end, &n) != 0 || n > (uint64_t)(end - p)) return KZ_ERR_CORRUPT;
      if (e.first_doc + d == doc) {
        field[i] = p;
        len[i] = (size_t)n;
      }
      p += n;
    }
  }
  if (p != end) return KZ_ERR_CORRUPT;
  const char *id = NULL;
  kz_docstore_get_id(s, doc, &id, &len[KZ_STORED_ID]); /* cannot fail: doc was checked */
  field[KZ_STORED_ID] = (const uint8_t *)id;

  size_t total = KZ_STORED_FIELDS; /* the NULs */
  for (int i = 0; i < KZ_STORED_FIELDS; i++) total += len[i];
  kz_buf_clear(&out->strings);
  rc = kz_buf_reserve(&out->strings, total);
  if (rc) return rc;
  size_t at[KZ_STORED_FIELDS];
  for (int i = 0; i < KZ_STORED_FIELDS; i++) {
    at[i] = out->strings.len;
    if (len[i]) memcpy(out->strings.data + out->strings.len, field[i], len[i]);
    out->strings.len += len[i];
    out->strings.data[out->strings.len++] = 0;
  }
  for (int i = 0; i < KZ_STORED_FIELDS; i++) {
    out->field[i] = (const char *)out->strings.data + at[i];
    out->len[i] = len[i];
  }
  return KZ_OK;
}

int kz_docstore_get(const kz_docstore *s, uint32_t doc, kz_stored_doc *out) {
  int rc = load_doc(s, doc, out);
  if (rc) {
    for (int i = 0; i < KZ_STORED_FIELDS; i++) {
      out->field[i] = NULL;
      out->len[i] = 0;
    }
  }
  return rc;
}

void kz_stored_doc_free(kz_stored_doc *d) {
  if (!d) return;
  kz_buf_free(&d->block);
  kz_buf_free(&d->strings);
  *d = (kz_stored_doc)KZ_STORED_DOC_INIT;
}
