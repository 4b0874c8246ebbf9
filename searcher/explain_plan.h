/*
 * explain_plan.h - the seam between the trees of explain.c and the plan
 * kinds of explain_plan.c: what one tree's construction shares (the
 * builder), the node helpers that allocate in the kz_explain, and the two
 * dispatchers that call the function of a plan node's kind.
 *
 * A new plan kind adds one query function and one hit function to the
 * table in explain_plan.c, nothing here.
 */
#ifndef KZ_EXPLAIN_PLAN_H
#define KZ_EXPLAIN_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "kzsearch.h"
#include "searcher/explain.h"
#include "searcher/plan.h"
#include "searcher/scoring.h"
#include "searcher/stats.h"

/* What the functions of the kinds share while one tree is built. */
typedef struct kz_xbuild {
  kz_explain *x;
  size_t clause; /* pre-order number of the next plan node: both passes visit every node */
  /* The query's pass: the planned query in Lucene's notation, so far. */
  kz_buf text;
  /* A hit's pass: the document and the parameters its score was computed with. */
  const kz_segment *seg;
  size_t seg_index;
  uint32_t doc; /* within seg */
  kz_bm25 bm25, title_bm25;
  const kz_collection_stats *stats;
} kz_xbuild;

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

/* A copy of b->text[start..] in x, the Lucene notation of a clause; NULL when out of memory. */
const char *kz_explain_text_since(kz_xbuild *b, size_t start);

/* Records the notation of plan node number `clause`, for the hits' pass. */
int kz_explain_record_clause(kz_explain *x, size_t clause, const char *text);

/* The notation recorded for plan node number `clause` ("" when none was). */
const char *kz_explain_clause(const kz_explain *x, size_t clause);

/*
 * The query's pass: appends p's notation, preceded by `occur` ("+", "-" or
 * ""), to b->text and explains p as planned into out.
 */
int kz_explain_plan_query(kz_xbuild *b, const kz_plan *p, const char *occur, kz_explanation *out);

/*
 * A hit's pass: explains p's part of the score of document b->doc into out;
 * *matched tells whether p matches it (a parent keeps only the matching
 * clauses). @return KZ_OK, KZ_ERR_CORRUPT, KZ_ERR_NOMEM.
 */
int kz_explain_plan_hit(kz_xbuild *b, const kz_plan *p, kz_explanation *out, int *matched);

#endif /* KZ_EXPLAIN_PLAN_H */
