/*
 * flat.h - evaluation of flat queries of terms, the common case: a term,
 * or a boolean group whose every clause is a term ("a b c", "+a +b",
 * "+a b -c"). Instead of a tree of iterator objects, the postings cursors
 * are walked directly and scores computed inline. With pruning, the skip
 * tables' per-block bounds (max tf, min length) skip what cannot reach the
 * top k:
 *   - a disjunction runs block-max MaxScore: terms whose bounds add up to
 *     no more than the threshold only confirm candidates of the others,
 *     and are probed only while their current blocks' bounds can still
 *     lift the candidate above it; where the current blocks of all terms
 *     together cannot beat the threshold, every cursor jumps past them;
 *   - a conjunction (with optional terms) skips, block by block, ranges
 *     whose blocks' bounds cannot beat the threshold (block-max AND), and
 *     scores optional terms only when their blocks can still matter.
 * Scores are summed in the same order as the iterator tree sums them
 * (required terms by increasing document frequency, then optional terms in
 * query order), so both give bit-identical scores. One algorithm per file:
 * flat_internal.h lists them.
 */
#ifndef KZ_FLAT_H
#define KZ_FLAT_H

#include <stddef.h>

#include "searcher/collect.h"
#include "searcher/plan.h"
#include "searcher/scoring.h"

/* Whether kz_flat_evaluate can evaluate the plan. */
int kz_flat_supported(const kz_plan *plan);

/*
 * Evaluates the plan on segment `seg_index` (bm25->seg) into the sink.
 * @return KZ_OK, KZ_ERR_CORRUPT (damaged postings), KZ_ERR_NOMEM.
 */
int kz_flat_evaluate(const kz_plan *plan, size_t seg_index, const kz_bm25 *bm25, kz_sink *sink);

#endif /* KZ_FLAT_H */
