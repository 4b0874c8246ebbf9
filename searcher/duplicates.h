/*
 * duplicates.h - the grouping behind kz_index_duplicates with the
 * confirmation rule as a parameter (analysis/near_dup.h), so that
 * bench/bench_dups can measure the precision and recall of each rule.
 */
#ifndef KZ_DUPLICATES_H
#define KZ_DUPLICATES_H

#include "analysis/near_dup.h"
#include "kzsearch.h"

/* As kz_index_duplicates (idx and fn not NULL), pairs confirmed by `rule`. */
int kz_duplicates_find(kz_index *idx, const kz_near_dup_rule *rule, kz_duplicates_fn fn, void *ctx,
                       kz_error *err);

#endif /* KZ_DUPLICATES_H */
