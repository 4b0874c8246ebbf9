/* deletes.c - deletion files (see deletes.h). */
#include "format/deletes.h"

#include <stdlib.h>

#include "common/bytes.h"
#include "format/file.h"
#include "format/format.h"
#include "format/manifest.h"
#include "format/segment_format.h"
#include "kzsearch.h"

int kz_deletes_validate(const uint8_t *body, size_t size, uint32_t doc_count, uint32_t deleted,
                        const uint8_t **bitmap) {
  size_t bytes = kz_deletes_bitmap_bytes(doc_count);
  if (size != KZ_DELETES_HEADER_BYTES + bytes || kz_load_u32le(body) != doc_count ||
      kz_load_u32le(body + 4) != deleted)
    return KZ_ERR_CORRUPT;
  const uint8_t *bits = body + KZ_DELETES_HEADER_BYTES;
  uint64_t set = 0;
  for (size_t i = 0; i < bytes; i++) set += (uint64_t)__builtin_popcount(bits[i]);
  if (set != deleted || deleted >= doc_count) return KZ_ERR_CORRUPT;
  if ((doc_count & 7) && (bits[bytes - 1] >> (doc_count & 7))) return KZ_ERR_CORRUPT;
  *bitmap = bits;
  return KZ_OK;
}

int kz_deletes_write(const char *dir, uint32_t segment_id, uint64_t generation,
                     const uint8_t *bitmap, uint32_t doc_count, uint32_t deleted, uint64_t *bytes) {
  char name[64];
  kz_deletes_file_name(name, sizeof name, segment_id, generation);
  char *path = kz_path_join(dir, name);
  if (!path) return KZ_ERR_NOMEM;
  kz_file_writer w;
  uint8_t head[KZ_DELETES_HEADER_BYTES];
  kz_store_u32le(head, doc_count);
  kz_store_u32le(head + 4, deleted);
  kz_file_writer_open(&w, path, KZ_MAGIC_DELETES);
  kz_file_writer_write(&w, head, sizeof head);
  kz_file_writer_write(&w, bitmap, kz_deletes_bitmap_bytes(doc_count));
  int rc = kz_file_writer_finish(&w, bytes);
  if (rc) kz_file_writer_abort(&w);
  free(path);
  return rc;
}
