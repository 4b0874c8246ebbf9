/*
 * index.h - the opened index behind the public kz_index handle: the
 * manifest it was opened at, its segments in manifest order and the
 * statistics shared by every query (document count, average length).
 * Immutable after kz_index_open but for the analyzer pool and the id
 * lookup, which lock themselves: safe to search from many threads.
 */
#ifndef KZ_INDEX_H
#define KZ_INDEX_H

#include <stdatomic.h>
#include <stdint.h>

#include "format/manifest.h"
#include "format/segment_reader.h"
#include "searcher/alias_set.h"
#include "searcher/analyzer_pool.h"
#include "searcher/collect.h"
#include "searcher/facet_tally.h"
#include "searcher/id_lookup.h"
#include "searcher/stats.h"

struct kz_index {
  char *path;
  kz_manifest manifest;
  kz_segment *segs;
  size_t n_segs;
  uint64_t *doc_base; /* global number of each segment's first document */
  uint64_t n_docs;
  uint64_t total_length;
  double avgdl; /* kz_stats_avgdl of its own statistics */
  /* The title field's statistics: documents with a title, their title tokens, average length. */
  uint64_t title_docs, title_length;
  double title_avgdl;
  uint64_t manifest_bytes;
  /* Distinct terms + 1 once kz_index_stats_get counted them (0 before): counting walks every
   * dictionary, and a server asks for it on every health check. Threads may race to fill it;
   * they store the same number. */
  _Atomic uint64_t distinct_terms_plus_one;
  /* Per segment, BM25's norm(dl) of every document for the default k1 and b (scoring.h). */
  double **norms;
  double norms_k1, norms_b;
  kz_analyzer_pool analyzers; /* for the queries of all threads */
  kz_id_lookup ids;           /* id -> live document, built by the first kz_index_get */
  /*
   * The date column of every segment as int64 per document (KZ_VALUE_NONE
   * for none), for sorting and facets: the mapped column itself where it is
   * aligned on a little-endian host, else a decoded copy (owned).
   */
  const int64_t **date_cols;
  int64_t **date_copies;
  kz_doc_values dates;
  kz_alias_set aliases; /* acronyms and their long forms, all segments summed */
};

/*
 * Sets t up to count the dates of this index's documents (facet_tally.h),
 * over the range its date columns' block ranges give.
 * @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_index_date_tally(const kz_index *idx, kz_tally *t);

/* Which segment holds global document `doc` (< n_docs). */
size_t kz_index_segment_of(const kz_index *idx, uint64_t doc);
/* The index's own collection statistics (stats.h): term NULL, its segments' entries are summed. */
kz_collection_stats kz_index_collection_stats(const kz_index *idx);

#endif /* KZ_INDEX_H */
