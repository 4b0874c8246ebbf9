/*
 * explain_expansions.h - what --explain says about the words a search added
 * to the query (issue 15): acronyms and their long forms (acronym_expand.h)
 * and other spellings of names (name_expand.h), each with the documents it
 * matches alone, or that the switch that would add them is off
 * (no_expand, exact_names). The nodes follow the plan in the query's tree.
 */
#ifndef KZ_EXPLAIN_EXPANSIONS_H
#define KZ_EXPLAIN_EXPANSIONS_H

#include "kzsearch.h"
#include "searcher/acronym_expand.h"
#include "searcher/explain.h"
#include "searcher/name_expand.h"
#include "searcher/search_internal.h"

/*
 * Appends to x's query tree one node per expansion: kind "acronym" (an
 * acronym typed, its long form added), "long form" (the other way) or
 * "also matched" (another spelling of a name), with the number of
 * documents the added words match on their own as value; and kind "off"
 * for each of the two switched off in o. `acronyms` and `names` are the
 * search's (after kz_plan_lookup); counting runs kz_count_with on idx with
 * cfg. @return KZ_OK, KZ_ERR_NOMEM, or an error of the counting.
 */
int kz_explain_expansions(kz_explain *x, kz_index *idx, const kz_expansions *acronyms,
                          const kz_name_variants *names, const kz_search_options *o,
                          const kz_eval_config *cfg);

#endif /* KZ_EXPLAIN_EXPANSIONS_H */
