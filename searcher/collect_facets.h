/*
 * collect_facets.h - the collector of facet counts: how many matching
 * documents fall in each bucket of a per-document value (the days, months
 * or years of their dates), exact over all matches, not only the top k.
 * The caller says what a bucket is with a function from a value to its
 * bucket's key. It wants no scores, so the evaluators only count, handing
 * it every match.
 */
#ifndef KZ_COLLECT_FACETS_H
#define KZ_COLLECT_FACETS_H

#include <stddef.h>
#include <stdint.h>

#include "searcher/collect.h"

/* The key of the bucket of `value` (never KZ_VALUE_NONE, which it is not called for). */
typedef int64_t (*kz_bucket_fn)(void *ctx, int64_t value);

typedef struct kz_facets {
  kz_collector base;          /* what the sink sees; base.error: a bucket could not be added */
  const kz_doc_values *values;
  const int64_t *seg_values;  /* the current segment's */
  kz_bucket_fn bucket;        /* NULL: every value is its own bucket */
  void *bucket_ctx;
  kz_facet_bucket *slots;     /* open addressing, a power of two of them; count 0: free */
  size_t n, cap;
  uint64_t missing;           /* matches without a value */
} kz_facets;

/* @return KZ_OK or KZ_ERR_NOMEM. values must outlive the collector. */
int kz_facets_init(kz_facets *f, const kz_doc_values *values, kz_bucket_fn bucket, void *ctx);
void kz_facets_free(kz_facets *f);

/*
 * The buckets that hold a match, by increasing key.
 * @return KZ_OK or KZ_ERR_NOMEM; *out is the caller's (free()).
 */
int kz_facets_buckets(const kz_facets *f, kz_facet_bucket **out, size_t *n);

#endif /* KZ_COLLECT_FACETS_H */
