/*
 * index.c - opening, closing and describing an index (kz_index_*).
 */
#include "searcher/index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/analyzer.h"
#include "common/error.h"
#include "common/struct_size.h"
#include "format/format.h"
#include "format/term_enum.h"
#include "searcher/scoring.h"
#include "kzsearch.h"

/*
 * The date columns as int64 arrays (index.h): the mapping serves as it is
 * when its bytes are the host's int64s (little-endian, 8-byte aligned), so
 * that sorting and facets cost no copy; otherwise each value is decoded once.
 */
static int open_dates(kz_index *idx) {
  size_t n = idx->n_segs;
  idx->date_cols = calloc(n ? n : 1, sizeof *idx->date_cols);
  idx->date_copies = calloc(n ? n : 1, sizeof *idx->date_copies);
  if (!idx->date_cols || !idx->date_copies) return KZ_ERR_NOMEM;
  const uint16_t probe = 1;
  int little = *(const uint8_t *)&probe == 1;
  for (size_t s = 0; s < n; s++) {
    const kz_values *v = &idx->segs[s].dates;
    if (v->n_docs == 0 || !v->values) continue; /* no column: no document has a date */
    if (little && ((uintptr_t)v->values & 7) == 0) {
      idx->date_cols[s] = (const int64_t *)(const void *)v->values;
      continue;
    }
    int64_t *copy = malloc((size_t)v->n_docs * sizeof *copy);
    if (!copy) return KZ_ERR_NOMEM;
    for (uint32_t d = 0; d < v->n_docs; d++) copy[d] = kz_values_get(v, d);
    idx->date_copies[s] = copy;
    idx->date_cols[s] = copy;
  }
  idx->dates.seg = idx->date_cols;
  idx->dates.n_segs = n;
  return KZ_OK;
}

int kz_index_date_tally(const kz_index *idx, kz_tally *t) {
  int64_t min = INT64_MAX, max = INT64_MIN;
  for (size_t s = 0; s < idx->n_segs; s++) {
    const kz_values *v = &idx->segs[s].dates;
    if (!idx->date_cols[s]) continue;
    for (uint32_t b = 0; b < v->n_blocks; b++) {
      int64_t lo, hi;
      kz_values_block_range(v, b, &lo, &hi);
      if (lo > hi) continue; /* no date in the block */
      min = lo < min ? lo : min;
      max = hi > max ? hi : max;
    }
  }
  return kz_tally_init(t, idx->dates.seg, idx->dates.n_segs, min, max);
}

static int open_once(kz_index **out, const char *path, uint64_t *generation, kz_error *err) {
  kz_index *idx = calloc(1, sizeof *idx);
  if (!idx || !(idx->path = strdup(path))) {
    free(idx);
    return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  }
  int rc = kz_manifest_read(&idx->manifest, path, err);
  if (!rc && idx->manifest.format_version != KZ_FORMAT_VERSION) {
    char why[256];
    kz_old_format_message(why, sizeof why, idx->manifest.format_version);
    rc = kz_error_set(err, KZ_ERR_VERSION, "%s: %s", path, why);
  }
  if (rc) {
    kz_index_close(idx);
    return rc;
  }
  *generation = idx->manifest.generation;
  if ((rc = kz_id_lookup_init(&idx->ids))) {
    kz_index_close(idx);
    return kz_error_set(err, rc, "out of memory");
  }
  kz_analyzer *probe = NULL; /* every query will need the index's language */
  rc = kz_analyzer_pool_init(&idx->analyzers, idx->manifest.language);
  if (!rc && !(rc = kz_analyzer_new_cached(&probe, idx->manifest.language, 0)))
    kz_analyzer_pool_give(&idx->analyzers, probe);
  if (rc) {
    if (rc == KZ_ERR_INVALID) rc = KZ_ERR_CORRUPT;
    kz_error_set(err, rc, "%s/%s: %s", path, KZ_MANIFEST_NAME,
                 rc == KZ_ERR_CORRUPT ? "names a language this kzsearch does not know" : kz_strerror(rc));
    kz_index_close(idx);
    return rc;
  }
  char *mpath = kz_path_join(path, KZ_MANIFEST_NAME);
  if (!mpath) {
    kz_index_close(idx);
    return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  }
  struct stat st;
  if (stat(mpath, &st) == 0) idx->manifest_bytes = (uint64_t)st.st_size;
  free(mpath);
  size_t n = idx->manifest.n_segments;
  idx->segs = calloc(n ? n : 1, sizeof *idx->segs);
  idx->doc_base = calloc(n ? n : 1, sizeof *idx->doc_base);
  if (!idx->segs || !idx->doc_base) {
    kz_index_close(idx);
    return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < n; i++) {
    const kz_segment_info *info = &idx->manifest.segments[i];
    if ((rc = kz_segment_open(&idx->segs[i], path, info, err))) {
      kz_index_close(idx);
      return rc;
    }
    idx->n_segs++;
    idx->doc_base[i] = idx->n_docs;
    idx->n_docs += info->doc_count;
    idx->total_length += info->total_length;
    idx->title_docs += info->title_docs;
    idx->title_length += info->title_length;
  }
  kz_collection_stats own = kz_index_collection_stats(idx);
  idx->avgdl = kz_stats_avgdl(&own);
  idx->title_avgdl = kz_stats_title_avgdl(&own);
  const kz_search_options defaults = KZ_SEARCH_OPTIONS_INIT;
  idx->norms_k1 = defaults.bm25_k1;
  idx->norms_b = defaults.bm25_b;
  if (!(idx->norms = calloc(n ? n : 1, sizeof *idx->norms))) rc = KZ_ERR_NOMEM;
  for (size_t i = 0; i < n && !rc; i++)
    rc = kz_bm25_norm_table(&idx->norms[i], &idx->segs[i], idx->norms_k1, idx->norms_b, idx->avgdl);
  if (!rc) rc = open_dates(idx);
  if (rc) {
    kz_index_close(idx);
    return kz_error_set(err, rc, "out of memory");
  }
  if ((rc = kz_alias_set_build(&idx->aliases, path, idx->segs, idx->n_segs, err))) {
    kz_index_close(idx);
    return rc;
  }
  *out = idx;
  return KZ_OK;
}

kz_collection_stats kz_index_collection_stats(const kz_index *idx) {
  kz_collection_stats s = {.n_docs = idx->n_docs, .total_length = idx->total_length,
                           .title_docs = idx->title_docs, .title_length = idx->title_length};
  return s;
}

/* The generation MANIFEST holds now, or 0 when it cannot be read. */
static uint64_t current_generation(const char *path) {
  kz_manifest m;
  if (kz_manifest_read(&m, path, NULL) != KZ_OK) return 0;
  uint64_t g = m.generation;
  kz_manifest_free(&m);
  return g;
}

/*
 * A writer may commit (and remove merged-away segment files) between our
 * reading MANIFEST and mapping the files it names: then a file is missing
 * and MANIFEST has moved on, and opening again sees the new commit. Files
 * already mapped stay readable after their removal, so an opened index is
 * never disturbed.
 */
#define OPEN_RETRIES 20

int kz_index_open(kz_index **out, const char *path, kz_error *err) {
  for (int attempt = 0;; attempt++) {
    uint64_t generation = 0;
    int rc = open_once(out, path, &generation, err);
    if (rc != KZ_ERR_IO || attempt == OPEN_RETRIES || current_generation(path) == generation)
      return rc;
  }
}

void kz_index_close(kz_index *idx) {
  if (!idx) return;
  kz_analyzer_pool_destroy(&idx->analyzers);
  kz_id_lookup_destroy(&idx->ids);
  for (size_t i = 0; i < idx->n_segs; i++) kz_segment_close(&idx->segs[i]);
  for (size_t i = 0; idx->norms && i < idx->n_segs; i++) free(idx->norms[i]);
  free(idx->norms);
  for (size_t i = 0; idx->date_copies && i < idx->n_segs; i++) free(idx->date_copies[i]);
  free(idx->date_copies);
  free(idx->date_cols);
  kz_alias_set_free(&idx->aliases);
  free(idx->segs);
  free(idx->doc_base);
  kz_manifest_free(&idx->manifest);
  free(idx->path);
  free(idx);
}

size_t kz_index_segment_of(const kz_index *idx, uint64_t doc) {
  size_t lo = 0, hi = idx->n_segs;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (idx->doc_base[mid] <= doc)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

/*
 * Counts distinct terms across segments: each key the term enumerator
 * returns is one, up to the pairs of common words (field 2, the last keys
 * in order), which are an index structure, not terms of the text. One
 * segment's count is its dictionary's less its `pair_terms`.
 */
static int count_distinct_terms(kz_index *idx, uint64_t pair_terms, uint64_t *out) {
  *out = 0;
  if (idx->n_segs == 1) {
    *out = idx->segs[0].dict_terms - pair_terms;
    return KZ_OK;
  }
  uint64_t cached = atomic_load_explicit(&idx->distinct_terms_plus_one, memory_order_relaxed);
  if (cached) {
    *out = cached - 1;
    return KZ_OK;
  }
  kz_term_enum *e;
  int rc = kz_term_enum_new(&e, idx->segs, idx->n_segs);
  if (rc) return rc;
  const char *key;
  size_t key_len, n_matches;
  const kz_term_match *matches;
  while ((rc = kz_term_enum_next(e, &key, &key_len, &matches, &n_matches)) == 1 &&
         (uint8_t)key[0] < KZ_FIELD_PAIRS)
    (*out)++;
  kz_term_enum_free(e);
  if (rc == 1) rc = KZ_OK;
  if (rc == KZ_OK)
    atomic_store_explicit(&idx->distinct_terms_plus_one, *out + 1, memory_order_relaxed);
  return rc;
}

int kz_index_stats_get(kz_index *idx, kz_index_stats *caller, kz_error *err) {
  int rc = kz_struct_size_check(caller->struct_size, "kz_index_stats", "KZ_INDEX_STATS_INIT", err);
  if (rc) return rc;
  kz_index_stats st = KZ_INDEX_STATS_INIT, *out = &st;
  out->format_version = KZ_FORMAT_VERSION;
  out->generation = idx->manifest.generation;
  out->documents = idx->n_docs;
  for (size_t i = 0; i < idx->n_segs; i++) out->deleted_documents += idx->segs[i].info.deleted_docs;
  out->documents -= out->deleted_documents;
  out->segments = idx->n_segs;
  out->avg_doc_length = idx->n_docs ? (double)idx->total_length / (double)idx->n_docs : 0;
  out->bytes_manifest = idx->manifest_bytes;
  snprintf(out->language, sizeof out->language, "%s", idx->manifest.language);
  uint64_t pair_terms = 0;
  for (size_t i = 0; i < idx->n_segs; i++) {
    const kz_segment_info *s = &idx->segs[i].info;
    uint64_t pterms, ppostings, ppositions; /* pairs of common words are not the text's */
    rc = kz_segment_pair_totals(&idx->segs[i], &pterms, &ppostings, &ppositions);
    if (rc) return kz_error_set(err, rc, "%s: cannot read the term dictionaries: %s", idx->path,
                                kz_strerror(rc));
    pair_terms += pterms;
    out->postings += s->n_postings - ppostings;
    out->positions += s->n_positions - ppositions;
    out->bytes_dict += s->file_bytes[KZ_SEGFILE_DICT];
    out->bytes_postings += s->file_bytes[KZ_SEGFILE_POSTINGS];
    out->bytes_positions += s->file_bytes[KZ_SEGFILE_POSITIONS];
    out->bytes_norms += s->file_bytes[KZ_SEGFILE_NORMS];
    out->bytes_store += s->file_bytes[KZ_SEGFILE_STORE];
  }
  rc = count_distinct_terms(idx, pair_terms, &out->terms);
  if (rc) return kz_error_set(err, rc, "%s: cannot read the term dictionaries: %s", idx->path,
                              kz_strerror(rc));
  kz_struct_fill(caller, &st, sizeof st);
  return KZ_OK;
}
