/*
 * explain.h - kz_search_options.explain: the query as parsed and planned,
 * and each hit's score broken down by clause, as trees of kz_explanation
 * (kzsearch.h). A kz_explain owns the trees with every string and child
 * array they point to; a kz_hits owns its kz_explain.
 *
 * A hit's tree is computed again from that one document's postings,
 * positions and length, apart from the evaluators: explain costs nothing
 * when it is off, and tests can hold the tree against the score the
 * evaluators computed. What each plan kind shows lives in explain_plan.c,
 * one query function and one hit function per kind.
 */
#ifndef KZ_EXPLAIN_H
#define KZ_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/analyzer.h"
#include "kzsearch.h"
#include "searcher/index.h"
#include "searcher/plan.h"
#include "searcher/query_parse.h"
#include "searcher/stats.h"

typedef struct kz_explain kz_explain;

/*
 * Explains the query: `plan` as planned (weighed with `stats`) and the
 * words and phrases of the parsed `tree` that analysed to nothing (run
 * through `an`, the analyzer the plan was built with).
 * @return KZ_OK or KZ_ERR_NOMEM; *out is the caller's (kz_explain_free).
 */
int kz_explain_new(kz_explain **out, const kz_qnode *tree, const kz_plan *plan, kz_analyzer *an,
                   const kz_collection_stats *stats);

/*
 * Explains the score of each of the n hits (documents of idx) as `plan`
 * gives it, weighed with `stats` and scored with k1 and b.
 * @return KZ_OK, KZ_ERR_CORRUPT (postings), KZ_ERR_NOMEM.
 */
int kz_explain_hits(kz_explain *x, const kz_index *idx, const kz_plan *plan,
                    const kz_collection_stats *stats, double k1, double b, const kz_hit *hits,
                    size_t n);

/* The query's tree; hit i's tree (NULL past the end). Borrowed from x. */
const kz_explanation *kz_explain_query_tree(const kz_explain *x);
const kz_explanation *kz_explain_hit_tree(const kz_explain *x, size_t i);

void kz_explain_free(kz_explain *x);

/* What explain_plan.c builds the trees with. */

/* Zeroed memory that x owns, or NULL when out of memory. */
void *kz_explain_alloc(kz_explain *x, size_t size);

/* n zeroed nodes that x owns (NULL for none, or when out of memory: check n). */
kz_explanation *kz_explain_nodes(kz_explain *x, size_t n);

/*
 * Fills node's kind, value and description (printf-style, copied into x);
 * its children are left as they are. @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_explain_set(kz_explain *x, kz_explanation *node, const char *kind, double value,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * n new zeroed nodes at the end of the query tree's children (after the
 * plan and the dropped clauses), for what the search did to the query
 * (explain_expansions.h). NULL when out of memory or n is 0.
 */
kz_explanation *kz_explain_query_extend(kz_explain *x, size_t n);

/* Records the notation of plan node number `clause`, for the hits' pass. */
int kz_explain_record_clause(kz_explain *x, size_t clause, const char *text);

/* The notation recorded for plan node number `clause` ("" when none was). */
const char *kz_explain_clause(const kz_explain *x, size_t clause);

#endif /* KZ_EXPLAIN_H */
