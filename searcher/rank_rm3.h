/*
 * rank_rm3.h - RM3 pseudo-relevance feedback (Lavrenko and Croft's
 * relevance model, interpolated with the query as Anserini's Rm3 does):
 *
 *   1. The query's top rm3_docs documents D (first pass, with the other
 *      ranking options), scored s(D).
 *   2. Their stored title and body, analyzed as the index analyzes them:
 *      P(w|D) = tf(w, D) / |D|.
 *   3. The relevance model rm(w) = sum over D of P(w|D) * s(D), over terms
 *      of 2 to 20 bytes that are in at most 10% of the documents (Anserini's
 *      filters); its rm3_terms best, L1-normalised.
 *   4. A query of bare optional words (a union of text terms, without
 *      default_and): the query model q(w) (each distinct term's count over
 *      the terms, L1-normalised), and the expanded query, each term
 *      weighing rm3_weight * q(w) + (1 - rm3_weight) * rm(w) times its
 *      BM25 score. A query with anything
 *      else (required or excluded clauses, phrases, fields, dates) is kept
 *      as a required part, and the feedback terms are optional ones weighing
 *      (1 - a) / a * |Q| * rm(w), a = max(rm3_weight, 0.01), |Q| its scoring
 *      leaves: the same proportion, while the query still decides what
 *      matches.
 */
#ifndef KZ_RANK_RM3_H
#define KZ_RANK_RM3_H

#include <stddef.h>

#include "analysis/analyzer.h"
#include "common/error.h"
#include "kzsearch.h"
#include "searcher/plan.h"
#include "searcher/rank.h"
#include "searcher/stats.h"
#include "searcher/topk.h"

struct kz_index;

/*
 * Replaces *plan (looked up and weighed) by the expanded query, looked up
 * and weighed too, given the first pass's `top` (n hits, best first).
 * *weights (n_weights of them, the caller's to free) give its term leaves
 * their factors for kz_rank_new. With no hit, or no feedback term passing
 * the filters, the plan stays as it is.
 * @return KZ_OK, KZ_ERR_CORRUPT (a damaged stored document), KZ_ERR_NOMEM;
 *         on failure *plan is unchanged.
 */
int kz_rm3_expand(kz_plan **plan, kz_rank_weight **weights, size_t *n_weights,
                  const struct kz_index *idx, const kz_scored *top, size_t n, kz_analyzer *an,
                  const kz_collection_stats *stats, const kz_search_options *o, kz_error *err);

#endif /* KZ_RANK_RM3_H */
