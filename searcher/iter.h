/*
 * iter.h - document iterators that evaluate a plan on one segment.
 *
 * Every iterator is two-phase: next/advance move to the next *candidate*
 * (a cheap document-level approximation), matches() confirms the current
 * candidate (only phrases do real work there: they check positions), and
 * score() is valid after matches() returned 1. An iterator is positioned on
 * its first candidate when built; KZ_DOC_END ends it. Corruption found in
 * postings sets ctx->error and ends the iterators.
 */
#ifndef KZ_ITER_H
#define KZ_ITER_H

#include <stdint.h>

#include "format/postblock.h"
#include "searcher/plan.h"
#include "searcher/scoring.h"
#include "format/segment_reader.h"

typedef struct kz_iter kz_iter;

typedef struct kz_iter_ops {
  uint32_t (*next)(kz_iter *it);
  uint32_t (*advance)(kz_iter *it, uint32_t target); /* first candidate >= target */
  int (*matches)(kz_iter *it);
  double (*score)(kz_iter *it);
  void (*free)(kz_iter *it);
} kz_iter_ops;

struct kz_iter {
  const kz_iter_ops *ops;
  uint32_t doc;
  uint64_t cost;    /* an estimate of the candidates it yields (document frequency) */
  double max_score; /* no document scores higher (used for pruning) */
};

/* What every iterator of one search on one segment shares. */
typedef struct kz_eval_ctx {
  const kz_segment *seg;
  size_t seg_index;
  kz_bm25 bm25;
  int scoring; /* scores are wanted (else matching only: phrases stop at their first occurrence) */
  /*
   * With pruning, the score a document must beat to enter the top k
   * (-INFINITY until the heap is full; the collector keeps it current), and
   * NULL without. The root iterator may then skip documents that cannot beat it.
   */
  const double *threshold;
  int error; /* sticky KZ_ERR_CORRUPT / KZ_ERR_NOMEM */
  uint64_t scored; /* BM25 evaluations so far */
  kz_bm25 title_bm25; /* title: clauses score on the title's lengths and average */
  /* The search's ranking options (searcher/rank.h), or NULL: its term leaves then score there. */
  const struct kz_rank *rank;
} kz_eval_ctx;

/*
 * Builds the iterator tree of `plan` for ctx->seg. With ctx->threshold set,
 * the root skips documents that cannot reach the top k (MaxScore for a
 * disjunction, optional clauses left unscored). @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_iter_build(kz_iter **out, const kz_plan *plan, kz_eval_ctx *ctx);

/*
 * A disjunction that returns only documents whose score can beat
 * *threshold (MaxScore of searcher/maxscore.h, in iter_maxscore.c):
 * children whose bounds add up to no more than the threshold cannot
 * produce a hit alone, so candidates come from the others and the weak
 * ones are only probed. Scores are summed
 * in the children's order, as the plain disjunction does, so results are
 * identical. Takes ownership of kids (also on failure).
 */
int kz_iter_maxscore(kz_iter **out, kz_iter **kids, size_t n, const double *threshold);

void kz_iter_free(kz_iter *it);

#endif /* KZ_ITER_H */
