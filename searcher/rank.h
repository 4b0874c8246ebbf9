/*
 * rank.h - the ranking options of a search (kz_search_options version 3:
 * title weight, RM3 feedback, proximity, recency; README "Ranking
 * options"): their checks, the per-search state they need, and the
 * evaluator that scores every match with them.
 *
 * With any option on, search.c hands each segment to kz_rank_evaluate
 * instead of its own evaluators. That evaluator runs the same iterator tree
 * (so what matches is unchanged) without pruning, so the top k stays exact
 * whatever the options do to scores. Its term leaves come from
 * kz_rank_term_iter (rank_term.c): BM25F and per-leaf weights. The
 * document's score is then the tree's, plus the proximity bonus
 * (rank_proximity.c), times the recency decay (rank_recency.c). RM3
 * (rank_rm3.c) rewrites the plan before all this.
 *
 * A kz_rank belongs to one search: it borrows the index and the plan.
 */
#ifndef KZ_RANK_H
#define KZ_RANK_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "kzsearch.h"
#include "searcher/collect.h"
#include "searcher/iter.h"
#include "searcher/plan.h"
#include "searcher/rank_recency.h"

struct kz_index;

/* A term leaf's extra weight (RM3's query model), for kz_rank_new. */
typedef struct kz_rank_weight {
  const kz_plan *leaf;
  double weight;
} kz_rank_weight;

/* What kz_rank_term_iter needs of each TERM leaf of the plan. */
typedef struct kz_rank_leaf {
  const kz_plan *leaf;
  double weight;      /* its score's factor: 1, or RM3's */
  kz_term_info *title; /* text leaves with a title weight: the term's title-field entry per segment */
} kz_rank_leaf;

typedef struct kz_rank {
  const struct kz_index *idx;
  double title_weight;
  int proximity;
  int recency;
  kz_recency decay;
  kz_rank_leaf *leaves;
  size_t n_leaves;
} kz_rank;

/*
 * Whether a ranking option that scores differently is on: title weight,
 * proximity or recency (RM3's first pass needs none of this state).
 */
int kz_rank_wanted(const kz_search_options *o);

/* Checks the version 3 options' values. @return KZ_OK or KZ_ERR_INVALID (err says which). */
int kz_rank_check(const kz_search_options *o, kz_error *err);

/*
 * The state for scoring `plan` (looked up and weighed) on idx with o's
 * options; `weights` (may be NULL) give some of its TERM leaves a factor.
 * @return KZ_OK, KZ_ERR_INVALID (a bad --now), KZ_ERR_CORRUPT, KZ_ERR_NOMEM.
 */
int kz_rank_new(kz_rank **out, const struct kz_index *idx, const kz_plan *plan,
                const kz_search_options *o, const kz_rank_weight *weights, size_t n_weights,
                kz_error *err);
void kz_rank_free(kz_rank *r);

/*
 * Evaluates the plan on segment s into the sink, every match scored with
 * the options (no pruning). @return KZ_OK, KZ_ERR_CORRUPT, KZ_ERR_NOMEM.
 */
int kz_rank_evaluate(const kz_rank *r, const kz_plan *plan, size_t s, const kz_bm25 *bm25,
                     const kz_bm25 *title_bm25, kz_sink *sink);

/*
 * The iterator of a TERM leaf under ctx->rank (iter.c builds it in place
 * of its own): BM25, or BM25F with a title weight, times the leaf's
 * weight. Its max_score is not a bound (the evaluator does not prune).
 * @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_rank_term_iter(kz_iter **out, const kz_plan *p, kz_eval_ctx *ctx);

#endif /* KZ_RANK_H */
