/*
 * near_dup_docs.h - the near-duplicate evidence of an index's documents:
 * the fingerprint of a document (its segment's simhash column, or computed
 * from its stored text when the segment was written before the column
 * existed) and its set of 5-shingles (always from the stored text). Shared
 * by collapsing at query time (collapse.c) and the listing of all groups
 * (duplicates.c).
 */
#ifndef KZ_NEAR_DUP_DOCS_H
#define KZ_NEAR_DUP_DOCS_H

#include <stdint.h>

#include "analysis/analyzer.h"
#include "analysis/near_dup.h"
#include "format/docstore_reader.h"
#include "searcher/index.h"

/* What reading documents needs: the index, an analyzer of its language, a scratch document. */
typedef struct kz_nd_reader {
  kz_index *idx;
  kz_analyzer *an;
  kz_stored_doc doc; /* owned; kz_nd_reader_free releases it */
} kz_nd_reader;

void kz_nd_reader_init(kz_nd_reader *r, kz_index *idx, kz_analyzer *an);
void kz_nd_reader_free(kz_nd_reader *r);

/* The fingerprint of global document `doc`. @return KZ_OK, KZ_ERR_CORRUPT, KZ_ERR_NOMEM. */
int kz_nd_fingerprint(kz_nd_reader *r, uint64_t doc, uint64_t *out);
/* The finished 5-shingle set of global document `doc` into *out. @return as kz_nd_fingerprint. */
int kz_nd_shingles(kz_nd_reader *r, uint64_t doc, kz_shingles *out);

#endif /* KZ_NEAR_DUP_DOCS_H */
