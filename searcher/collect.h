/*
 * collect.h - the collector seam: where the evaluators of one search (the
 * flat evaluator, searcher/flat*.c, and the iterator tree, run by
 * searcher/search.c) put what they find. They see one interface, the sink:
 * the count of matches, the counters of the work done, the pruning
 * threshold, and kz_sink_offer / kz_sink_match for every match. Behind it
 * sits one collector:
 *   - top-k by score (kz_topk, searcher/topk.c), the default: the only one
 *     the sink knows by name, so that the hot loops offer to its heap
 *     inline, and the only one that may prune (it owns the threshold);
 *   - any other collector through kz_collector's operations: top-k by a
 *     per-document value (collect_value.c: sorting by date), facet counts
 *     (collect_facets.c), later collapsing. They see every match, in
 *     increasing document order per segment, and never prune.
 * A collector that does not want scores (facets) makes the evaluators take
 * their counting paths, which still hand it every match (kz_sink_match).
 * Beside either, a tally of date facets (facet_tally.h) may count every
 * match in the same pass (kz_search's facets); pruning is then off.
 * One sink serves every segment of a search in turn (kz_sink_segment).
 */
#ifndef KZ_COLLECT_H
#define KZ_COLLECT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "format/values.h" /* KZ_VALUE_NONE: a document without a value */
#include "searcher/facet_tally.h"
#include "searcher/topk.h"


/*
 * A per-document value, one int64 per document of each segment
 * (KZ_VALUE_NONE where a document has none), in the index's segment
 * order. seg[s] may be NULL: no document of segment s has a value. Owned
 * by whoever opened the values (a per-segment column, or a test).
 */
typedef struct kz_doc_values {
  const int64_t *const *seg;
  size_t n_segs;
} kz_doc_values;

/* The value of document `doc` of a segment's values (NULL: none). */
static inline int64_t kz_doc_value(const int64_t *seg_values, uint32_t doc) {
  return seg_values ? seg_values[doc] : KZ_VALUE_NONE;
}

typedef struct kz_collector kz_collector;

typedef struct kz_collector_ops {
  /* Segment `seg` comes next; its documents are numbered from `base` in the index. */
  void (*segment)(kz_collector *c, size_t seg, uint64_t base);
  /* A match: document `doc` of the current segment; `score` is 0 unless wants_scores. */
  void (*collect)(kz_collector *c, uint32_t doc, double score);
} kz_collector_ops;

struct kz_collector {
  const kz_collector_ops *ops;
  int wants_scores; /* else the evaluators only count, and score nothing */
  int error;        /* sticky: KZ_ERR_NOMEM when a collect could not keep what it was given */
};

typedef struct kz_sink {
  kz_topk *topk;           /* top-k by score, or NULL */
  kz_collector *collector; /* any other collector, or NULL; with neither, only counting */
  kz_tally *tally;         /* date facets counted from every match, or NULL (no pruning then) */
  int scoring;             /* matches are scored: topk, or a collector that wants scores */
  int prune;               /* skip documents that cannot reach the top k (skip_total; topk only) */
  /*
   * With prune, tests reach every algorithm: 1 prunes also where it would
   * not pay, 2 does so document at a time, 3 as 1 but with dense windows
   * scored whole (searcher/flat.c).
   */
  int always_prune;
  /*
   * With pruning, a document must score above this to enter the top k:
   * -INFINITY until the heap is full, then the weakest kept score.
   * Documents arrive in increasing order, so a tie with it loses.
   */
  double threshold;
  uint64_t base;          /* global number of the current segment's first document */
  const uint8_t *deleted; /* the current segment's deleted documents, or NULL */
  uint64_t matches;       /* documents that matched (all of them unless pruning) */
  uint64_t scored;        /* BM25 evaluations: postings scored */
  uint64_t candidates;    /* documents the evaluators looked at */
} kz_sink;

/* A sink into the top-k heap t (NULL: only counting); prune only with t. */
static inline kz_sink kz_sink_top_score(kz_topk *t, int prune, int always_prune) {
  kz_sink s = {.topk = t,
               .scoring = t != NULL,
               .prune = t != NULL && prune,
               .always_prune = always_prune,
               .threshold = -INFINITY};
  return s;
}

/* A sink into collector c, which sees every match: no pruning. */
static inline kz_sink kz_sink_collect(kz_collector *c) {
  kz_sink s = {.collector = c, .scoring = c->wants_scores, .threshold = -INFINITY};
  return s;
}

/* Segment `seg` comes next, its first document numbered `base`, with these deletions. */
static inline void kz_sink_segment(kz_sink *s, size_t seg, uint64_t base, const uint8_t *deleted) {
  s->base = base;
  s->deleted = deleted;
  if (s->tally) kz_tally_segment(s->tally, seg);
  if (s->collector && s->collector->ops->segment) s->collector->ops->segment(s->collector, seg, base);
}

/*
 * The score a document must beat for the collector to keep it: the
 * weakest kept score once the top-k heap is full (a tie loses: documents
 * increase), else -INFINITY. Lets the block loops pick out the few scores
 * worth offering without a branch per posting.
 */
static inline double kz_sink_floor(const kz_sink *s) {
  const kz_topk *t = s->topk;
  return t && t->n == t->cap ? t->heap[0].score : -INFINITY;
}

/* Offers segment document `doc` to the collector (the caller counts the match). */
static inline void kz_sink_push(kz_sink *s, double score, uint32_t doc) {
  kz_topk *t = s->topk;
  if (!t) {
    s->collector->ops->collect(s->collector, doc, score);
    return;
  }
  if (t->n == t->cap && !(score > t->heap[0].score)) return;
  kz_topk_push(t, score, s->base + doc);
  /* max: a seeded threshold (kz_sink_seed) may be above the heap's weakest for a while */
  if (s->prune && t->n == t->cap && t->heap[0].score > s->threshold) s->threshold = t->heap[0].score;
}

/* Counts a scored match of segment document `doc` and offers it. */
static inline void kz_sink_offer(kz_sink *s, double score, uint32_t doc) {
  s->matches++;
  if (s->tally) kz_tally_add(s->tally, doc);
  if (s->scoring) kz_sink_push(s, score, doc);
}

/* Counts a match found by a counting path (no score) and hands it to a collector that wants it. */
static inline void kz_sink_match(kz_sink *s, uint32_t doc) {
  s->matches++;
  if (s->tally) kz_tally_add(s->tally, doc);
  if (s->collector) s->collector->ops->collect(s->collector, doc, 0.0);
}

/*
 * Raises the pruning threshold to just below `score`, the k-th best score
 * of k documents already known to match: the final k-th best is at least
 * that, and a document that ties it can still win on its number, so only
 * documents scoring below it are skipped.
 */
static inline void kz_sink_seed(kz_sink *s, double score) {
  double below = nextafter(score, -INFINITY);
  if (s->prune && below > s->threshold) s->threshold = below;
}

#endif /* KZ_COLLECT_H */
