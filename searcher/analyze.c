/*
 * analyze.c - kz_index_analyze: the index's analyzer offered to callers, so
 * that they can see the terms a text becomes (see kzsearch.h). Borrows an
 * analyzer from the index's pool for the call and owns nothing after it.
 */
#include "analysis/analyzer.h"
#include "common/error.h"
#include "kzsearch.h"
#include "searcher/index.h"

int kz_index_analyze(kz_index *idx, const char *text, size_t len, kz_term_fn fn, void *ctx,
                     kz_error *err) {
  if (!idx || !fn || (!text && len))
    return kz_error_set(err, KZ_ERR_INVALID, "kz_index_analyze: NULL index, text or callback");
  kz_analyzer *an = NULL;
  int rc = kz_analyzer_pool_take(&idx->analyzers, &an);
  if (rc != KZ_OK) return kz_error_set(err, rc, "cannot create an analyzer: %s", kz_strerror(rc));
  kz_analyzer_reset(an, text ? text : "", len);
  kz_token tok;
  while ((rc = kz_analyzer_next(an, &tok)) == 1)
    if (fn(ctx, tok.term, tok.term_len, tok.position) != 0) break;
  kz_analyzer_pool_give(&idx->analyzers, an);
  if (rc < 0) return kz_error_set(err, rc, "out of memory");
  return KZ_OK;
}
