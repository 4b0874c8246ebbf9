/*
 * deletes.h - a segment's deletion file: which of its documents were
 * deleted or replaced. Segments never change, so each commit that deletes
 * from a segment writes a new file, seg-XXXXXXXX-<generation>.del, named by
 * the manifest (docs/FORMAT.md, "Deletions").
 */
#ifndef KZ_DELETES_H
#define KZ_DELETES_H

#include <stddef.h>
#include <stdint.h>

static inline int kz_deleted(const uint8_t *bitmap, uint32_t doc) {
  return bitmap && (bitmap[doc >> 3] >> (doc & 7)) & 1;
}

static inline size_t kz_deletes_bitmap_bytes(uint32_t doc_count) {
  return ((size_t)doc_count + 7) / 8;
}

/*
 * Checks a deletion file body against its segment: the document count, the
 * deleted count equal to the bits set, no bit past the last document.
 * *bitmap points into body. @return KZ_OK or KZ_ERR_CORRUPT.
 */
int kz_deletes_validate(const uint8_t *body, size_t size, uint32_t doc_count, uint32_t deleted,
                        const uint8_t **bitmap);

/* Writes DIR/seg-ID-GEN.del (fsynced) and stores its size in *bytes. */
int kz_deletes_write(const char *dir, uint32_t segment_id, uint64_t generation,
                     const uint8_t *bitmap, uint32_t doc_count, uint32_t deleted, uint64_t *bytes);

#endif /* KZ_DELETES_H */
