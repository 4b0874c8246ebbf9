/*
 * values.c - writing, opening and verifying per-document value columns
 * (see values.h; layout in docs/FORMAT.md, "Values").
 */
#include "format/values.h"

#include "kzsearch.h"

static void block_range(const int64_t *values, uint32_t n, int64_t *min, int64_t *max) {
  *min = INT64_MAX;
  *max = INT64_MIN;
  for (uint32_t i = 0; i < n; i++) {
    if (values[i] == KZ_VALUE_NONE) continue;
    if (values[i] < *min) *min = values[i];
    if (values[i] > *max) *max = values[i];
  }
}

static uint32_t blocks_of(uint32_t n_docs) {
  return (uint32_t)(((uint64_t)n_docs + KZ_VALUES_BLOCK_DOCS - 1) / KZ_VALUES_BLOCK_DOCS);
}

int kz_values_write(kz_file_writer *f, const int64_t *values, uint32_t n_docs) {
  uint8_t tmp[16 * 256];
  kz_store_u32le(tmp, n_docs);
  kz_store_u32le(tmp + 4, KZ_VALUES_BLOCK_DOCS);
  kz_file_writer_write(f, tmp, KZ_VALUES_HEADER_BYTES);
  for (uint32_t i = 0; i < n_docs;) {
    size_t k = 0;
    for (; k < sizeof tmp / 8 && i < n_docs; k++, i++) kz_store_u64le(tmp + 8 * k, (uint64_t)values[i]);
    kz_file_writer_write(f, tmp, 8 * k);
  }
  uint32_t n_blocks = blocks_of(n_docs);
  for (uint32_t b = 0; b < n_blocks; b++) {
    uint32_t first = b * KZ_VALUES_BLOCK_DOCS;
    uint32_t n = n_docs - first < KZ_VALUES_BLOCK_DOCS ? n_docs - first : KZ_VALUES_BLOCK_DOCS;
    int64_t min, max;
    block_range(values + first, n, &min, &max);
    kz_store_u64le(tmp, (uint64_t)min);
    kz_store_u64le(tmp + 8, (uint64_t)max);
    kz_file_writer_write(f, tmp, 16);
  }
  return f->error;
}

int kz_values_open(kz_values *v, const uint8_t *body, size_t size, uint32_t n_docs) {
  uint32_t n_blocks = blocks_of(n_docs);
  if (size != KZ_VALUES_HEADER_BYTES + 8ull * n_docs + 16ull * n_blocks ||
      kz_load_u32le(body) != n_docs || kz_load_u32le(body + 4) != KZ_VALUES_BLOCK_DOCS)
    return KZ_ERR_CORRUPT;
  v->values = body + KZ_VALUES_HEADER_BYTES;
  v->blocks = v->values + 8ull * n_docs;
  v->n_docs = n_docs;
  v->n_blocks = n_blocks;
  return KZ_OK;
}

int kz_values_verify(const kz_values *v) {
  int64_t chunk[KZ_VALUES_BLOCK_DOCS];
  for (uint32_t b = 0; b < v->n_blocks; b++) {
    uint32_t first = b * KZ_VALUES_BLOCK_DOCS;
    uint32_t n = v->n_docs - first < KZ_VALUES_BLOCK_DOCS ? v->n_docs - first : KZ_VALUES_BLOCK_DOCS;
    for (uint32_t i = 0; i < n; i++) chunk[i] = kz_values_get(v, first + i);
    int64_t min, max, stored_min, stored_max;
    block_range(chunk, n, &min, &max);
    kz_values_block_range(v, b, &stored_min, &stored_max);
    if (min != stored_min || max != stored_max) return KZ_ERR_CORRUPT;
  }
  return KZ_OK;
}
