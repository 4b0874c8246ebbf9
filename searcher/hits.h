/*
 * hits.h - the page of hits a search returns (struct kz_hits, read through
 * the kz_hits_* accessors of kzsearch.h) and the steps that build it once
 * the matches are ranked: stored fields, highlights and snippets, facet
 * buckets, the query's expansions and the ids folded into each hit.
 *
 * A kz_hits owns every string and array it points to, so it outlives the
 * index and the search that made it.
 */
#ifndef KZ_HITS_H
#define KZ_HITS_H

#include <stddef.h>

#include "kzsearch.h"
#include "analysis/analyzer.h"
#include "common/buf.h"
#include "searcher/acronym_expand.h"
#include "searcher/collapse.h"
#include "searcher/explain.h"
#include "searcher/facet_tally.h"
#include "searcher/index.h"
#include "searcher/plan.h"
#include "searcher/search_internal.h"
#include "searcher/topk.h"

struct kz_hits {
  kz_hit *hits;
  size_t n;
  uint64_t total;
  kz_buf strings; /* every hit's strings, NUL-terminated */
  kz_span *spans;
  size_t n_spans;
  kz_search_counters counters;
  kz_facet_count *facets; /* their bucket strings point into facet_labels */
  char (*facet_labels)[16];
  size_t n_facets;
  char *suggestion; /* "did you mean", NULL for none */
  kz_explain *explain; /* kz_search_options.explain: the query's and the hits' trees */
  char **also_matched; /* other spellings of names that matched (name_expand.h); one allocation */
  size_t n_also_matched;
  kz_expansion *expansions; /* their strings are in expansion_strings */
  size_t n_expansions;
  kz_buf expansion_strings;
  /* Near-duplicates folded into each hit (collapse.h): hit i's ids are at similar_ids[similar_first[i]
   * ..][similar_count[i]], offsets into similar_strings. NULL when nothing was collapsed. */
  size_t *similar_first, *similar_count, *similar_ids;
  kz_buf similar_strings;
};

/*
 * Fills h with ranked[o->offset..n), the page, best first: ids only with
 * o->ids_only, else the stored fields, the title's highlights and a snippet.
 * @return KZ_OK, or an error (in err) when a stored document cannot be read.
 */
int kz_hits_fill(kz_hits *h, kz_index *idx, const kz_scored *ranked, size_t n,
                 const kz_search_options *o, const kz_plan *plan, kz_analyzer *an, kz_error *err);

/* Adds the tally's buckets at o->facet's granularity to h, oldest first. */
int kz_hits_add_facets(kz_hits *h, const kz_tally *tally, const kz_search_options *o, kz_error *err);

/* Copies the query's expansions (acronyms, long forms) into h. */
int kz_hits_copy_expansions(kz_hits *h, const kz_expansions *e);

/* Copies the ids of the near-duplicates folded into each hit of the page (from c's hit `first`). */
int kz_hits_add_similar(kz_hits *h, kz_index *idx, const kz_collapsed *c, size_t first);

#endif /* KZ_HITS_H */
