/*
 * plan.h - a query after analysis: the parsed tree with every word and
 * phrase run through the index's analyzer, folded into boolean nodes with
 * Lucene's occur semantics, and resolved against the index's segments.
 *
 * A BOOL node matches when all `must` children match (or, with no `must`,
 * at least one `should` child) and no `not` child does; its score is the sum
 * of the scores of its matching must and should children. TERM and PHRASE
 * leaves score with BM25 (a phrase as one pseudo-term: its phrase frequency
 * and the sum of its terms' idf; a sloppy phrase or NEAR with its sloppy
 * frequency, searcher/prox.h).
 */
#ifndef KZ_PLAN_H
#define KZ_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/analyzer.h"
#include "searcher/query_parse.h"
#include "format/segment_reader.h"
#include "searcher/stats.h"

/*
 * KZ_P_DATE: documents whose date lies in lo .. hi; it filters and scores 0.
 * KZ_P_EXPAND: a prefix or fuzzy word (searcher/expand.h); its terms are the
 * expansions, and it scores as one term (summed tf, df of their union).
 */
typedef enum kz_pkind { KZ_P_TERM, KZ_P_PHRASE, KZ_P_BOOL, KZ_P_DATE, KZ_P_EXPAND } kz_pkind;

typedef struct kz_pterm {
  char *key;          /* field byte + analyzed term */
  size_t key_len;
  uint32_t offset;    /* position within the phrase (0 for a term) */
  uint64_t df;        /* documents containing it in the collection (kz_plan_weigh) */
  uint64_t cf;        /* its occurrences there */
  kz_term_info *seg;  /* per segment; seg[i].df == 0 when absent */
} kz_pterm;

typedef struct kz_plan kz_plan;
struct kz_plan {
  kz_pkind kind;
  size_t position;    /* byte offset in the query, for messages */
  kz_pterm *terms;    /* TERM: 1, PHRASE: >= 2 */
  size_t n_terms;
  double idf;         /* TERM and PHRASE */
  unsigned field;     /* TERM and PHRASE: KZ_FIELD_TEXT or KZ_FIELD_TITLE (key[0] of its terms) */
  int64_t lo, hi;     /* DATE */
  kz_plan **must, **should, **not;
  size_t n_must, n_should, n_not;
  /* EXPAND: filled by kz_plan_build, then expanded by kz_plan_expand (searcher/expand.h) */
  int fuzzy;            /* 0: a prefix, 1: a fuzzy word */
  int max_edits;        /* fuzzy: 0..2 (automatic already resolved) */
  char *word, *stem;    /* field byte + the folded word (the prefix) / its stem (fuzzy) */
  size_t word_len, stem_len;
  uint64_t union_df;    /* documents holding any expansion, all segments (kz_plan_expand) */
  uint64_t in_reach;    /* terms within reach before the cap (fuzzy), or expansions (prefix) */
  struct kz_expand_union *unions; /* n_unions (one per segment) kept by kz_plan_expand, or NULL */
  size_t n_unions;                 /* (searcher/expand_union.h) */
  /*
   * PHRASE only (searcher/prox.h): with slop > 0 and near == 0 a sloppy
   * phrase ("a b"~slop, Lucene's slop); with near == 1 the terms in any
   * order within a window of slop (NEAR/slop; every offset is 0).
   */
  uint32_t slop;
  int near;
  int expansion;      /* TERM and PHRASE: added by acronym expansion (acronym_expand.h) */
  /* PHRASE, exact on field 0: its pairs of common words per segment (searcher/phrase_cover.h,
   * filled by kz_plan_lookup), NULL when no segment indexes one */
  struct kz_phrase_pairs *pairs;
};

/*
 * Analyzes the parsed query. Words and phrases that analyze to nothing are
 * dropped; a word that analyzes to several terms ("Nur-Sultan") is a phrase.
 * Date clauses of a list (and `extra_filters`, the options' --since/--until,
 * may be NULL) filter what the rest of the list matches: the rest keeps its
 * own meaning and score (its optional clauses are not made optional by the
 * filter, unlike Lucene's FILTER).
 * @return KZ_OK; KZ_ERR_QUERY (nothing searchable, only excluded terms, NOT
 *         under OR) with err->position; KZ_ERR_LIMIT; KZ_ERR_NOMEM.
 */
int kz_plan_build(kz_plan **out, const kz_qnode *query, kz_analyzer *an, int default_and,
                  const kz_plan *extra_filter, kz_error *err);

/* A DATE leaf for lo .. hi (the caller frees it, or hands it to kz_plan_build). */
int kz_plan_date(kz_plan **out, int64_t lo, int64_t hi);

/* Whether the plan has title: or date: clauses (the flat evaluator knows neither). */
int kz_plan_has_fields(const kz_plan *plan);

/*
 * Looks every term up in every segment: its per-segment dictionary entries,
 * which the evaluators walk.
 * @return KZ_OK, KZ_ERR_CORRUPT, KZ_ERR_NOMEM.
 */
int kz_plan_lookup(kz_plan *plan, const kz_segment *segs, size_t n_segs);

/*
 * Weighs the looked-up terms with the collection's statistics (stats.h):
 * each term's df and cf (from stats->term, or summed over the n_segs
 * segments' entries when it is NULL) and each leaf's idf, a phrase's the
 * sum of its terms'. @return KZ_OK or what stats->term returned.
 */
int kz_plan_weigh(kz_plan *plan, size_t n_segs, const kz_collection_stats *stats);

void kz_plan_free(kz_plan *plan);

#endif /* KZ_PLAN_H */
