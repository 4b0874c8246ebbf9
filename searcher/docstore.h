/*
 * docstore.h - reads a segment's document store (.store) from its mapped
 * body. Lookups are thread-safe: each one decompresses into the caller's
 * kz_stored_doc.
 */
#ifndef KZ_DOCSTORE_H
#define KZ_DOCSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/format.h"

typedef struct kz_docstore {
  const uint8_t *body; /* the file body (between header and footer) */
  size_t body_size;
  uint32_t n_docs, n_blocks;
  const uint8_t *index; /* n_blocks entries, see docs/FORMAT.md */
} kz_docstore;

typedef struct kz_stored_doc {
  kz_buf block;                       /* decompressed block; owns the bytes */
  const char *field[KZ_STORED_FIELDS]; /* NUL-terminated copies in `strings` */
  size_t len[KZ_STORED_FIELDS];
  kz_buf strings;
} kz_stored_doc;

#define KZ_STORED_DOC_INIT {KZ_BUF_INIT, {0}, {0}, KZ_BUF_INIT}

/* Validates the trailer and block index against `n_docs`. @return KZ_OK or KZ_ERR_CORRUPT. */
int kz_docstore_open(kz_docstore *s, const uint8_t *body, size_t body_size, uint32_t n_docs);
/* Loads document `doc`'s fields into *out (reusing its buffers). @return KZ_OK, KZ_ERR_CORRUPT, KZ_ERR_NOMEM. */
int kz_docstore_get(const kz_docstore *s, uint32_t doc, kz_stored_doc *out);
void kz_stored_doc_free(kz_stored_doc *d);

#endif /* KZ_DOCSTORE_H */
