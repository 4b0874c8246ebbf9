/*
 * explain_plan.h - the seam between the trees of explain.c and the plan
 * kinds of explain_plan.c: what one tree's construction shares (the
 * builder) and the two dispatchers that call the function of a plan node's
 * kind. The nodes are allocated with explain.h's helpers.
 *
 * A new plan kind adds one query function and one hit function to the
 * table in explain_plan.c, nothing here.
 */
#ifndef KZ_EXPLAIN_PLAN_H
#define KZ_EXPLAIN_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
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
