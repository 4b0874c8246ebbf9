/*
 * index.h - the opened index behind the public kz_index handle: the
 * manifest it was opened at, its segments in manifest order and the
 * statistics shared by every query (document count, average length).
 * Immutable after kz_index_open but for the analyzer pool, which locks
 * itself: safe to search from many threads.
 */
#ifndef KZ_INDEX_H
#define KZ_INDEX_H

#include <stdint.h>

#include "common/manifest.h"
#include "common/segment.h"
#include "searcher/analyzer_pool.h"

struct kz_index {
  char *path;
  kz_manifest manifest;
  kz_segment *segs;
  size_t n_segs;
  uint64_t *doc_base; /* global number of each segment's first document */
  uint64_t n_docs;
  uint64_t total_length;
  double avgdl;
  /* The title field's statistics: documents with a title, and their average title length. */
  uint64_t title_docs, title_length;
  double title_avgdl;
  uint64_t manifest_bytes;
  /* Per segment, BM25's norm(dl) of every document for the default k1 and b (scoring.h). */
  double **norms;
  double norms_k1, norms_b;
  kz_analyzer_pool analyzers; /* for the queries of all threads */
};

#endif /* KZ_INDEX_H */
