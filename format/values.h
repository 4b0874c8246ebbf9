/*
 * values.h - per-document value columns (format v3, docs/FORMAT.md
 * "Values"): one signed 64-bit value per document of a segment, with the
 * smallest and largest value of every block of KZ_VALUES_BLOCK_DOCS
 * documents, so that a range filter can pass over whole blocks. The date
 * column (UTC seconds) is the first; its writer and its reader live here
 * side by side.
 */
#ifndef KZ_VALUES_H
#define KZ_VALUES_H

#include <stddef.h>
#include <stdint.h>

#include "common/bytes.h"
#include "format/file.h"

/* A document without a value (for dates: no date, or one that did not parse). */
#define KZ_VALUE_NONE INT64_MIN
#define KZ_VALUES_BLOCK_DOCS 1024u
/* Body header: u32 doc_count, u32 block_docs. */
#define KZ_VALUES_HEADER_BYTES 8u

/* An opened column: views into a mapped file. */
typedef struct kz_values {
  const uint8_t *values; /* n_docs little-endian i64 */
  const uint8_t *blocks; /* n_blocks × (i64 min, i64 max) */
  uint32_t n_docs, n_blocks;
} kz_values;

/* Writes the body of a column of n_docs values into f (its frame is the caller's). */
int kz_values_write(kz_file_writer *f, const int64_t *values, uint32_t n_docs);

/*
 * Checks the body's size and header against n_docs and sets v up.
 * @return KZ_OK or KZ_ERR_CORRUPT. The block ranges are not re-derived
 * here (kz_values_verify does that, for a full check).
 */
int kz_values_open(kz_values *v, const uint8_t *body, size_t size, uint32_t n_docs);

/* @return KZ_OK, or KZ_ERR_CORRUPT when a block's range is not its values'. */
int kz_values_verify(const kz_values *v);

static inline int64_t kz_values_get(const kz_values *v, uint32_t doc) {
  return (int64_t)kz_load_u64le(v->values + 8 * (size_t)doc);
}

/* The smallest and largest value of a block, KZ_VALUE_NONE left out (min > max when it has none). */
static inline void kz_values_block_range(const kz_values *v, uint32_t block, int64_t *min,
                                         int64_t *max) {
  *min = (int64_t)kz_load_u64le(v->blocks + 16 * (size_t)block);
  *max = (int64_t)kz_load_u64le(v->blocks + 16 * (size_t)block + 8);
}

#endif /* KZ_VALUES_H */
