/*
 * rank.h - the ranking options of a search (kz_search_options version 3:
 * title weight, RM3 feedback, proximity, recency; README "Ranking
 * options"): their checks, the per-search state they need, and the
 * evaluator that scores every match with them.
 *
 * With any option on, search.c hands each segment to kz_rank_evaluate
 * instead of its own evaluators. That evaluator scores every match (no
 * pruning), so the top k stays exact whatever the options do to scores: a
 * disjunction of text terms a window of documents at a time
 * (rank_flat.c, the common case), anything else through the same iterator
 * tree as without options (so what matches is unchanged), whose term leaves
 * come from kz_rank_term_iter (rank_term.c). Both score a term with BM25F
 * (kz_rank_bm25f) and its leaf's weight, in the same order, so they give
 * the same bits. The document's score is then the sum, plus the proximity
 * bonus (rank_proximity.c), times the recency decay (rank_recency.c)
 * (kz_rank_offer). RM3 (rank_rm3.c) rewrites the plan before all this.
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
#include "searcher/scoring.h"

struct kz_index;
struct kz_proximity; /* rank_proximity.h, whose names iter.c's phrases would clash with */

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
 * the options (no pruning); `flat`: the plan may go to rank_flat.c where it
 * can (searcher/flat.h's plans without title: clauses; 0 forces the
 * iterator tree). @return KZ_OK, KZ_ERR_CORRUPT, KZ_ERR_NOMEM.
 */
int kz_rank_evaluate(const kz_rank *r, const kz_plan *plan, size_t s, int flat,
                     const kz_bm25 *bm25, const kz_bm25 *title_bm25, kz_sink *sink);

/* The leaf's weight under r: RM3's factor, else 1. */
double kz_rank_leaf_weight(const kz_rank *r, const kz_plan *leaf);

/* The leaf's title-field entry in segment s under r, or NULL (no title weight, or absent there). */
const kz_term_info *kz_rank_leaf_title(const kz_rank *r, const kz_plan *leaf, size_t s);

/*
 * A text term's score under a title weight W > 0 (rank_term.c's formula):
 * tf and title_tf in document doc of p->seg, title_avgdl the title field's
 * average length, times the leaf's weight. Inline and shared, so that both
 * evaluators give the same bits.
 */
static inline double kz_rank_bm25f(const kz_bm25 *p, double title_avgdl, double weight, double idf,
                                   double title_weight, double tf, double title_tf, uint32_t doc) {
  double pseudo = tf / (1.0 - p->b + p->b * (double)kz_segment_doc_length(p->seg, doc) / p->avgdl);
  if (title_tf > 0)
    pseudo += title_weight * title_tf /
              (1.0 - p->b + p->b * (double)kz_segment_title_length(p->seg, doc) / title_avgdl);
  return weight * idf * pseudo / (p->k1 + pseudo);
}

/* A match of the current segment, as kz_rank_offer takes it. */
typedef struct kz_rank_match {
  uint32_t doc;
  double score; /* its terms' sum */
  /*
   * With proximity, when the caller knows them: the bonus's terms the
   * document holds (kz_proximity_bit) and their kz_proximity_bound; else
   * most is negative.
   */
  uint64_t terms;
  double most;
  /*
   * The bonus is computed only where the document could score above it:
   * kz_sink_floor, or more where the caller knows of k documents that will
   * score more than the document could.
   */
  double floor;
} kz_rank_match;

/*
 * Hands match m to the sink with the options: the proximity bonus (prox
 * non-NULL) where the document could still reach the top k with it, times
 * the recency decay of its date (dates: the segment's column, may be NULL).
 * @return KZ_OK, KZ_ERR_CORRUPT, KZ_ERR_NOMEM (from the bonus).
 */
int kz_rank_offer(const kz_rank *r, struct kz_proximity *prox, const kz_bm25 *bm25,
                  const int64_t *dates, kz_sink *sink, const kz_rank_match *m);

/* Whether rank_flat.c takes the plan: a text term, or a group of optional (and excluded) ones. */
int kz_rank_flat_supported(const kz_plan *plan);

/*
 * rank_flat.c: evaluates such a plan on segment s into a scoring sink, as
 * kz_rank_evaluate (prox: the bonus's state for the segment, or NULL).
 * @return KZ_OK, KZ_ERR_CORRUPT, KZ_ERR_NOMEM.
 */
int kz_rank_flat_evaluate(const kz_rank *r, const kz_plan *plan, size_t s, const kz_bm25 *bm25,
                          const kz_bm25 *title_bm25, struct kz_proximity *prox, kz_sink *sink);

/*
 * The iterator of a TERM leaf under ctx->rank (iter.c builds it in place
 * of its own): BM25, or BM25F with a title weight, times the leaf's
 * weight. Its max_score is not a bound (the evaluator does not prune).
 * @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_rank_term_iter(kz_iter **out, const kz_plan *p, kz_eval_ctx *ctx);

#endif /* KZ_RANK_H */
