/*
 * expand.h - prefix and fuzzy words in the query plan: a KZ_P_EXPAND leaf
 * stands for every indexed term of its field that starts with the folded,
 * unstemmed prefix ("peace*"), or that lies within a few edits of the
 * folded word or of its stem ("tokaev~1"; fuzzy_scan.h), capped at the
 * most frequent ones.
 *
 * Scoring, the blended rule (as Lucene's blended rewrite): the expansions
 * score as one term whose frequency in a document is the sum of theirs and
 * whose document frequency is the number of documents holding any of them,
 * so a rare expansion cannot outrank the word itself.
 */
#ifndef KZ_EXPAND_H
#define KZ_EXPAND_H

#include <stddef.h>

#include "analysis/analyzer.h"
#include "format/segment_reader.h"
#include "kzsearch.h"
#include "searcher/expand_union.h"
#include "searcher/plan.h"
#include "searcher/query_parse.h"
#include "searcher/stats.h"

/* Fuzzy expansions kept when the options do not say (Lucene's default). */
#define KZ_DEFAULT_MAX_EXPANSIONS 50u
/* The most a search may ask for. */
#define KZ_MAX_EXPANSIONS 100000u
/* What the materialized expansions of one query may take on one segment (iter_expand.h). */
#define KZ_MAX_EXPAND_BYTES ((size_t)512 << 20)

/*
 * The EXPAND leaf of a KZ_Q_PREFIX or KZ_Q_FUZZY node, analyzed with `an`
 * (*out NULL when the word analyzes to nothing); counts it in *n_leaves.
 * @return KZ_OK; KZ_ERR_QUERY when the word analyzes to several words or
 *         the prefix to fewer than 2 letters; KZ_ERR_LIMIT; KZ_ERR_NOMEM.
 */
int kz_plan_expand_leaf(kz_plan **out, const kz_qnode *q, kz_analyzer *an, size_t *n_leaves,
                        kz_error *err);

/*
 * Expands every EXPAND leaf of the plan against the segments: its terms
 * (in key order, each with its per-segment dictionary entries, as
 * kz_plan_lookup gives other leaves) and the df of their union. Fuzzy
 * leaves keep the max_expansions (0: the default) terms of highest df,
 * ties to the smaller key. @return KZ_OK; KZ_ERR_LIMIT when the expansions
 * would need more than KZ_MAX_EXPAND_BYTES; KZ_ERR_CORRUPT; KZ_ERR_NOMEM.
 */
int kz_plan_expand(kz_plan *plan, const kz_segment *segs, size_t n_segs, size_t max_expansions,
                   kz_error *err);

/*
 * The df an expanded leaf weighs with: its union's with the index's own
 * statistics; with statistics from elsewhere (a shard), the sum of its
 * terms' df there, at most N (the union is not known there).
 */
uint64_t kz_expand_df(const kz_plan *p, const kz_collection_stats *stats);

/* The idf of an expanded leaf, of kz_expand_df's df. */
double kz_expand_idf(const kz_plan *p, const kz_collection_stats *stats);

#endif /* KZ_EXPAND_H */
