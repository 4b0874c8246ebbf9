/*
 * check_simhash.c - verifies a simhash column against the stored text (see
 * check_simhash.h). The checksum of the file says its bytes are the ones
 * written; this says they are the right ones, so that a column written by
 * a faulty writer, or a merge that paired fingerprints with the wrong
 * documents, is found.
 */
#include "searcher/check_simhash.h"

#include "analysis/near_dup.h"
#include "kzsearch.h"

int kz_check_simhashes(const kz_segment *seg, kz_analyzer *an, kz_stored_doc *doc,
                       uint32_t *first_bad, uint32_t *n_bad) {
  *first_bad = 0;
  *n_bad = 0;
  for (uint32_t d = 0; d < seg->info.doc_count; d++) {
    uint64_t h = 0;
    int rc = kz_docstore_get(&seg->store, d, doc);
    if (rc == KZ_ERR_NOMEM) return rc;
    if (!rc)
      rc = kz_near_dup_text(an, doc->field[KZ_STORED_TITLE], doc->len[KZ_STORED_TITLE],
                            doc->field[KZ_STORED_BODY], doc->len[KZ_STORED_BODY], &h, NULL);
    if (rc == KZ_ERR_NOMEM) return rc;
    if (rc || (int64_t)h != kz_values_get(&seg->simhashes, d)) {
      if (!*n_bad) *first_bad = d;
      ++*n_bad;
    }
  }
  return KZ_OK;
}
