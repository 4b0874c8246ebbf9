/*
 * acronym_expand.h - query-time use of the index's alias table (README.md,
 * "Acronyms"): before the plan is built, a bare word typed exactly as an
 * acronym with a dominant long form (alias_set.h) becomes (word OR "long
 * form"), and a quoted long form becomes ("long form" OR acronym); after
 * the plan is weighed, each added clause is scored at KZ_EXPANSION_WEIGHT
 * of the clause it was added to.
 */
#ifndef KZ_ACRONYM_EXPAND_H
#define KZ_ACRONYM_EXPAND_H

#include <stddef.h>

#include "analysis/analyzer.h"
#include "searcher/index.h"
#include "searcher/plan.h"
#include "searcher/query_parse.h"

/* An added clause's idf is this share of the idf of the clause it was added to. */
#define KZ_EXPANSION_WEIGHT 0.5
/* Expansions per query; words after that many are searched as typed. */
#define KZ_MAX_ACRONYM_EXPANSIONS 32u
/*
 * A long form is expanded to its acronym only when the acronym's term is in
 * at most this many times as many documents as define the pair: otherwise
 * the term is mostly an ordinary word (who, us, it) and would swamp the
 * long form.
 */
#define KZ_EXPANSION_MAX_DF_RATIO 20u

/* What a search added; the strings belong to the index's alias set. */
typedef struct kz_expansions {
  kz_expansion *items;
  size_t n;
} kz_expansions;

/*
 * Rewrites *root (the tree from kz_query_parse) in place and lists what was
 * added in *out (empty when nothing was). `an` analyzes acronyms to look
 * their terms up. @return KZ_OK or KZ_ERR_NOMEM (the tree is then still a
 * valid tree, possibly partly expanded).
 */
int kz_acronym_expand(kz_qnode **root, const kz_index *idx, kz_analyzer *an, kz_expansions *out);

/* Scales the idf of every added leaf of the weighed plan (see the top of the file). */
void kz_expansion_weigh(kz_plan *plan);

void kz_expansions_free(kz_expansions *e);

#endif /* KZ_ACRONYM_EXPAND_H */
