/*
 * name_expand.h - names spelled several ways, at query time (issue 15 §3;
 * README.md, "Names spelled several ways"). A query word whose spelling key
 * (analysis/name_key.h) is shared by other terms in the segments' names
 * tables (format/name_table.h) also matches them: its TERM leaf becomes a
 * BOOL of SHOULD clauses, the word itself and each variant, each scored
 * with its own idf; a phrase becomes the SHOULD of its spellings (at most
 * KZ_NAME_MAX_PHRASES of them). Excluded clauses are left alone. Terms are
 * never matched by edit distance here.
 */
#ifndef KZ_NAME_EXPAND_H
#define KZ_NAME_EXPAND_H

#include <stddef.h>
#include <stdint.h>

#include "format/segment_reader.h"
#include "searcher/plan.h"

/* At most this many other spellings of one word, of one phrase, and in one query. */
#define KZ_NAME_MAX_VARIANTS 8u
#define KZ_NAME_MAX_PHRASES 16u
#define KZ_NAME_MAX_ADDED 64u

/* The leaves a query gained, to tell after the lookup which ones matched. */
typedef struct kz_name_variants {
  kz_plan **added;   /* borrowed: nodes of the plan */
  kz_plan **typed;   /* borrowed: per added leaf, the leaf typed that it respells */
  uint64_t *changed; /* per added leaf: bit i set when its term i is a variant */
  size_t n, cap;
} kz_name_variants;

/*
 * Rewrites the plan (before kz_plan_lookup) with the variants found in the
 * segments' names tables, keyed for an index in `language`. Only words and
 * phrases that the query (`text`, `len`: what the plan was parsed from)
 * writes with a capital first letter are names to it: "speed" must not
 * match "sped" because some article wrote Sped. @return KZ_OK,
 * KZ_ERR_CORRUPT (a names table is damaged), KZ_ERR_NOMEM, KZ_ERR_INVALID
 * (ICU cannot romanise).
 */
int kz_names_expand(kz_plan *plan, const char *text, size_t len, const kz_segment *segs,
                    size_t n_segs, const char *language, kz_name_variants *v);

/*
 * After kz_plan_weigh: the distinct variant terms (without field byte) of
 * the added leaves that occur in the index, in query order, as one
 * allocation of NUL-terminated strings (*out, an array of *n pointers
 * followed by their bytes; free(*out) frees all; NULL when none).
 */
int kz_names_matched(const kz_name_variants *v, char ***out, size_t *n);

void kz_name_variants_free(kz_name_variants *v);

#endif /* KZ_NAME_EXPAND_H */
