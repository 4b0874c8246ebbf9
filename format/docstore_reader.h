/*
 * docstore_reader.h - reads a segment's document store (.store) from its mapped
 * body (docs/FORMAT.md, "Document store"). Lookups are thread-safe: each one
 * decompresses into the caller's kz_stored_doc, or (for an id alone) points
 * into the mapped id table, and only reads the store.
 */
#ifndef KZ_DOCSTORE_H
#define KZ_DOCSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "format/format.h"
#include "format/segment_format.h"
#include "common/limits.h"

/* Fields in a block's record: every stored field but the id, which is in the id table. */
#define KZ_STORE_RECORD_FIELDS (KZ_STORED_FIELDS - 1)

/*
 * The largest raw (decompressed) block a reader accepts: one document of
 * KZ_MAX_DOC_BYTES plus its record's length varints (a multi-document block
 * is smaller still). It bounds the memory a damaged index can make a lookup allocate.
 */
#define KZ_STORE_MAX_RAW_BLOCK_BYTES (KZ_MAX_DOC_BYTES + KZ_STORE_RECORD_FIELDS * 5u)

typedef struct kz_docstore {
  const uint8_t *body; /* the file body (between header and footer) */
  size_t body_size;
  uint32_t n_docs, n_blocks;
  const uint8_t *index;   /* n_blocks entries, see docs/FORMAT.md */
  const uint8_t *id_ends; /* n_docs + 1 u32 offsets into `ids`, validated at open */
  const uint8_t *ids;     /* the ids' bytes, back to back */
} kz_docstore;

typedef struct kz_stored_doc {
  kz_buf block;                       /* decompressed block; owns the bytes */
  const char *field[KZ_STORED_FIELDS]; /* NUL-terminated copies in `strings` */
  size_t len[KZ_STORED_FIELDS];       /* bytes, not counting the added NUL */
  kz_buf strings;
} kz_stored_doc;

#define KZ_STORED_DOC_INIT {KZ_BUF_INIT, {0}, {0}, KZ_BUF_INIT}

/*
 * Validates the trailer, the whole id table (offsets and checksum) and the
 * whole block index of `body` (which must stay mapped while `s` is used)
 * against `n_docs`, the segment's document count. Block contents are
 * checked lazily by kz_docstore_get. Cost: one pass over the id table.
 * @return KZ_OK (s filled) or KZ_ERR_CORRUPT (s untouched).
 */
int kz_docstore_open(kz_docstore *s, const uint8_t *body, size_t body_size, uint32_t n_docs);
/*
 * Loads document `doc`'s fields into *out (reusing its buffers): field[i]
 * points at len[i] bytes followed by a NUL; a NUL stored inside a field is
 * kept and counted in len[i]; an absent field is "" with len 0. The block's
 * checksum, declared size and record structure are verified first.
 * @return KZ_OK; KZ_ERR_CORRUPT for damaged data or doc >= n_docs (doc
 *         numbers come from the segment's own postings, so one out of range
 *         means the segment is inconsistent); KZ_ERR_NOMEM. On failure
 *         field[] are NULL and len[] are 0.
 */
int kz_docstore_get(const kz_docstore *s, uint32_t doc, kz_stored_doc *out);
/* Releases the buffers of `d` and resets it to KZ_STORED_DOC_INIT. Accepts NULL. */
void kz_stored_doc_free(kz_stored_doc *d);

/*
 * Finds document `doc`'s id without decompressing anything, in O(1): *id
 * points into the mapped file (not NUL-terminated; may contain NULs; valid
 * while the body stays mapped) and *len is its length (0 for an absent id).
 * The id table was validated by kz_docstore_open, so only `doc` is checked.
 * @return KZ_OK; KZ_ERR_CORRUPT when doc >= n_docs (*id, *len untouched).
 */
int kz_docstore_get_id(const kz_docstore *s, uint32_t doc, const char **id, size_t *len);

#endif /* KZ_DOCSTORE_H */
