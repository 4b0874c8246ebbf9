/*
 * search_internal.h - kz_search and kz_count with knobs that only tests and
 * benchmarks turn, the work counters of a search, and searches into the
 * other collectors (searcher/collect.h) that the public API does not offer
 * yet: sorting by a per-document value and facet counts.
 */
#ifndef KZ_SEARCH_INTERNAL_H
#define KZ_SEARCH_INTERNAL_H

#include <stdint.h>

#include "kzsearch.h"
#include "searcher/collect.h"
#include "searcher/stats.h"

typedef struct kz_eval_config {
  int no_flat;      /* evaluate flat queries of terms with the iterator tree too (searcher/flat.h) */
  /*
   * With skip_total: 1 prunes (and seeds the threshold) even where it would
   * not pay, 2 does the same document at a time instead of by windows, 3 as
   * 1 but scores whole the windows the evaluator judges dense, as by default.
   */
  int always_prune;
  /*
   * The collection statistics to score with (searcher/stats.h), or NULL for
   * the index's own: a shard of a collection scores with the whole's.
   */
  const kz_collection_stats *stats;
} kz_eval_config;

/* What a search did. */
typedef struct kz_search_counters {
  uint64_t candidates; /* documents the evaluators looked at */
  uint64_t scored;     /* BM25 evaluations: postings scored */
} kz_search_counters;

/* kz_search with a configuration (NULL: the default). */
int kz_search_with(kz_hits **out, kz_index *idx, const char *text, const kz_search_options *opts,
                   const kz_eval_config *cfg, kz_error *err);
/* kz_count with a configuration (NULL: the default). */
int kz_count_with(uint64_t *out, kz_index *idx, const char *text, const kz_search_options *opts,
                  const kz_eval_config *cfg, kz_error *err);

/*
 * Runs a search into collector c (searcher/collect.h), which sees every
 * match: facet counts (collect_facets.h), or any other collector. opts->k,
 * offset and skip_total do not apply. *total: the number of matches.
 * @return as kz_count; KZ_ERR_NOMEM also when the collector ran out.
 */
int kz_search_collect(kz_index *idx, const char *text, const kz_search_options *opts,
                      const kz_eval_config *cfg, kz_collector *c, uint64_t *total, kz_error *err);

/*
 * kz_search with the hits ordered by a per-document value instead of the
 * score (collect_value.h: highest first, or lowest with ascending; without
 * a value last; ties by score, then document): sorting by date. Paging
 * with k and offset as kz_search; the total is exact (no pruning, whatever
 * skip_total says).
 */
int kz_search_by_value(kz_hits **out, kz_index *idx, const char *text,
                       const kz_search_options *opts, const kz_eval_config *cfg,
                       const kz_doc_values *values, int ascending, kz_error *err);

/* The counters of the search that produced h. */
kz_search_counters kz_hits_counters(const kz_hits *h);

#endif /* KZ_SEARCH_INTERNAL_H */
