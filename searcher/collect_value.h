/*
 * collect_value.h - the collector of the k best matches by a per-document
 * value (sorting by date): highest value first, or lowest with ascending;
 * documents without a value after all that have one; equal values by
 * higher score, then by lower document number, so results are
 * deterministic. It wants scores (for the ties) and never prunes: a
 * document's value does not follow its score. Paging keeps k + offset and
 * skips the first offset, as with scores.
 */
#ifndef KZ_COLLECT_VALUE_H
#define KZ_COLLECT_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "searcher/collect.h"

typedef struct kz_value_hit {
  int64_t value; /* KZ_VALUE_NONE: none */
  double score;
  uint64_t doc;  /* in the index */
} kz_value_hit;

typedef struct kz_top_value {
  kz_collector base;          /* what the sink sees */
  const kz_doc_values *values;
  const int64_t *seg_values;  /* the current segment's */
  uint64_t seg_base;          /* the current segment's first document */
  int ascending;
  kz_value_hit *heap;         /* min-heap: the root is the weakest hit kept */
  size_t n, cap;
} kz_top_value;

/* @return KZ_OK or KZ_ERR_NOMEM. values must outlive the collector. */
int kz_top_value_init(kz_top_value *t, size_t cap, const kz_doc_values *values, int ascending);
void kz_top_value_free(kz_top_value *t);
/* Sorts the kept hits best first (destroys the heap order). */
void kz_top_value_sort(kz_top_value *t);

#endif /* KZ_COLLECT_VALUE_H */
