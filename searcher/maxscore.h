/*
 * maxscore.h - MaxScore (Turtle and Flood 1995), written once for both
 * evaluators: the flat evaluator's pruned disjunctions and required plus
 * optional terms (searcher/flat_or_maxscore*.c, flat_and_or.c) and the
 * iterator tree's pruned disjunction (searcher/iter_maxscore.c).
 *
 * The clauses of a disjunction are ordered by their score bounds, weakest
 * first, and prefix[i] adds up the bounds of order[0..i]. The first clauses
 * of that order, whose bounds together (plus what every candidate scores
 * anyway) cannot beat the threshold, are non-essential: a document that
 * only they hold cannot enter the top k, so candidates come from the
 * essential clauses alone. On a candidate, the non-essential clauses are
 * probed from the strongest down, only while its score so far plus the
 * bounds of the clauses not yet probed can still beat the threshold. As the
 * threshold rises, more clauses become non-essential.
 *
 * What differs between the evaluators stays with them: how candidates are
 * found (cursors, windows of documents, iterators) and how a clause is
 * bounded on a candidate (its whole list, or the block at hand). They hand
 * their clauses to the probe through two callbacks, which the compiler
 * inlines, since the probe is a static inline function.
 */
#ifndef KZ_MAXSCORE_H
#define KZ_MAXSCORE_H

#include <stddef.h>
#include <stdint.h>

#include "searcher/scoring.h"

typedef struct kz_maxscore {
  size_t n;
  size_t *order;  /* clause indexes by bound, ascending; equal bounds stay in clause order */
  double *prefix; /* prefix[i]: the bounds of order[0..i] added up, slack included */
} kz_maxscore;

/* Orders n clauses by bound[] into m, whose order and prefix hold n values each (caller's). */
void kz_maxscore_order(kz_maxscore *m, const double *bound, size_t n);

/*
 * The first position of the order, from `from` on, whose clauses can beat
 * the threshold together with `base` (the bound of what every candidate
 * scores besides, 0 for a plain disjunction): order[essential..n) are the
 * essential clauses.
 */
static inline size_t kz_maxscore_essential(const kz_maxscore *m, size_t from, double base,
                                           double threshold) {
  while (from < m->n && base + m->prefix[from] <= threshold) from++;
  return from;
}

/*
 * Whether a candidate's upper bound cannot beat the threshold. The bound
 * adds exact scores in another order than the final sum does, so it gets
 * the bounds' slack too: a last-bit difference never drops a winner.
 */
static inline int kz_maxscore_cannot_win(double bound, double threshold) {
  return bound * KZ_BOUND_SLACK <= threshold;
}

/* The bound order[i] was counted at in a probe's upper bound. */
typedef double (*kz_maxscore_bound_fn)(void *ctx, size_t i);
/* Moves order[i] to document d; 1 with its score when it holds d, else 0. */
typedef int (*kz_maxscore_hit_fn)(void *ctx, size_t i, uint32_t d, double *score);

/*
 * Probes the non-essential clauses order[0..probed) on candidate d, from
 * the strongest down. `ub` is the candidate's score so far plus bound(i)
 * of every clause to probe; each probe replaces a clause's bound with its
 * score (or nothing). Stops as soon as ub cannot beat the threshold.
 * @return 1 when every clause was probed (*ub_out is then the candidate's
 *         score, summed in probing order), 0 when it stopped early.
 */
static inline int kz_maxscore_probe(size_t probed, double ub, double threshold, uint32_t d,
                                    kz_maxscore_bound_fn bound, kz_maxscore_hit_fn hit, void *ctx,
                                    double *ub_out) {
  for (size_t i = probed; i-- > 0;) {
    if (kz_maxscore_cannot_win(ub, threshold)) return 0;
    ub -= bound(ctx, i);
    double score;
    if (hit(ctx, i, d, &score)) ub += score;
  }
  *ub_out = ub;
  return 1;
}

#endif /* KZ_MAXSCORE_H */
