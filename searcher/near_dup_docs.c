/*
 * near_dup_docs.c - fingerprints and shingle sets of indexed documents (see
 * near_dup_docs.h).
 */
#include "searcher/near_dup_docs.h"

#include "kzsearch.h"

void kz_nd_reader_init(kz_nd_reader *r, kz_index *idx, kz_analyzer *an) {
  r->idx = idx;
  r->an = an;
  r->doc = (kz_stored_doc)KZ_STORED_DOC_INIT;
}

void kz_nd_reader_free(kz_nd_reader *r) { kz_stored_doc_free(&r->doc); }

static int analyse_stored(kz_nd_reader *r, const kz_segment *seg, uint32_t local, uint64_t *simhash,
                          kz_shingles *shingles) {
  int rc = kz_docstore_get(&seg->store, local, &r->doc);
  if (rc) return rc;
  const kz_stored_doc *d = &r->doc;
  return kz_near_dup_text(r->an, d->field[KZ_STORED_TITLE], d->len[KZ_STORED_TITLE],
                          d->field[KZ_STORED_BODY], d->len[KZ_STORED_BODY], simhash, shingles);
}

int kz_nd_fingerprint(kz_nd_reader *r, uint64_t doc, uint64_t *out) {
  size_t s = kz_index_segment_of(r->idx, doc);
  const kz_segment *seg = &r->idx->segs[s];
  uint32_t local = (uint32_t)(doc - r->idx->doc_base[s]);
  if (seg->has_simhashes) {
    *out = (uint64_t)kz_values_get(&seg->simhashes, local);
    return KZ_OK;
  }
  return analyse_stored(r, seg, local, out, NULL);
}

int kz_nd_shingles(kz_nd_reader *r, uint64_t doc, kz_shingles *out) {
  size_t s = kz_index_segment_of(r->idx, doc);
  return analyse_stored(r, &r->idx->segs[s], (uint32_t)(doc - r->idx->doc_base[s]), NULL, out);
}
