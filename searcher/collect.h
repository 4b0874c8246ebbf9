/*
 * collect.h - where the evaluators of one search put what they find: the
 * top-k heap, the count of matches, the pruning threshold, and counters of
 * the work done. One sink serves every segment of a search in turn.
 */
#ifndef KZ_COLLECT_H
#define KZ_COLLECT_H

#include <math.h>
#include <stdint.h>

#include "searcher/topk.h"

typedef struct kz_sink {
  kz_topk *topk;          /* NULL when only counting */
  int prune;              /* skip documents that cannot reach the top k (skip_total) */
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

/* Offers segment document `doc` to the heap (the caller counts the match). */
static inline void kz_sink_push(kz_sink *s, double score, uint32_t doc) {
  kz_topk *t = s->topk;
  if (t->n == t->cap && !(score > t->heap[0].score)) return;
  kz_topk_push(t, score, s->base + doc);
  /* max: a seeded threshold (kz_sink_seed) may be above the heap's weakest for a while */
  if (s->prune && t->n == t->cap && t->heap[0].score > s->threshold) s->threshold = t->heap[0].score;
}

/* Counts a match of segment document `doc` and offers it to the heap. */
static inline void kz_sink_offer(kz_sink *s, double score, uint32_t doc) {
  s->matches++;
  if (s->topk) kz_sink_push(s, score, doc);
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
