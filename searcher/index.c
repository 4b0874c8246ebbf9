/*
 * index.c - opening, closing and describing an index (kz_index_*).
 */
#include "searcher/index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/analyzer.h"
#include "common/error.h"
#include "common/format.h"
#include "searcher/scoring.h"
#include "kzsearch.h"

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
  idx->title_avgdl = idx->title_docs ? (double)idx->title_length / (double)idx->title_docs : 1.0;
  if (idx->title_avgdl <= 0) idx->title_avgdl = 1.0;
  idx->avgdl = idx->n_docs ? (double)idx->total_length / (double)idx->n_docs : 1.0;
  if (idx->avgdl <= 0) idx->avgdl = 1.0;
  const kz_search_options defaults = KZ_SEARCH_OPTIONS_INIT;
  idx->norms_k1 = defaults.bm25_k1;
  idx->norms_b = defaults.bm25_b;
  if (!(idx->norms = calloc(n ? n : 1, sizeof *idx->norms))) rc = KZ_ERR_NOMEM;
  for (size_t i = 0; i < n && !rc; i++)
    rc = kz_bm25_norm_table(&idx->norms[i], &idx->segs[i], idx->norms_k1, idx->norms_b, idx->avgdl);
  if (rc) {
    kz_index_close(idx);
    return kz_error_set(err, rc, "out of memory");
  }
  *out = idx;
  return KZ_OK;
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
  for (size_t i = 0; i < idx->n_segs; i++) kz_segment_close(&idx->segs[i]);
  for (size_t i = 0; idx->norms && i < idx->n_segs; i++) free(idx->norms[i]);
  free(idx->norms);
  free(idx->segs);
  free(idx->doc_base);
  kz_manifest_free(&idx->manifest);
  free(idx->path);
  free(idx);
}

/* Counts distinct terms across segments with a k-way merge of their sorted dictionaries. */
static int count_distinct_terms(kz_index *idx, uint64_t *out) {
  size_t n = idx->n_segs;
  *out = 0;
  if (n == 1) {
    *out = idx->segs[0].dict_terms;
    return KZ_OK;
  }
  kz_dict_iter *its = calloc(n ? n : 1, sizeof *its);
  int *live = calloc(n ? n : 1, sizeof *live);
  if (!its || !live) {
    free(its);
    free(live);
    return KZ_ERR_NOMEM;
  }
  int rc = KZ_OK;
  for (size_t i = 0; i < n && !rc; i++) {
    kz_dict_iter_init(&its[i], &idx->segs[i]);
    live[i] = kz_dict_iter_next(&its[i]);
    if (live[i] < 0) rc = live[i];
  }
  while (!rc) {
    int min = -1;
    for (size_t i = 0; i < n; i++) {
      if (live[i] != 1) continue;
      if (min < 0) {
        min = (int)i;
        continue;
      }
      size_t a = its[i].key_len, b = its[min].key_len;
      int c = memcmp(its[i].key, its[min].key, a < b ? a : b);
      if (c < 0 || (c == 0 && a < b)) min = (int)i;
    }
    if (min < 0) break;
    char key[256];
    size_t key_len = its[min].key_len;
    memcpy(key, its[min].key, key_len);
    (*out)++;
    for (size_t i = 0; i < n && !rc; i++) {
      if (live[i] == 1 && its[i].key_len == key_len && memcmp(its[i].key, key, key_len) == 0) {
        live[i] = kz_dict_iter_next(&its[i]);
        if (live[i] < 0) rc = live[i];
      }
    }
  }
  free(its);
  free(live);
  return rc;
}

int kz_index_stats_get(kz_index *idx, kz_index_stats *out, kz_error *err) {
  memset(out, 0, sizeof *out);
  out->format_version = KZ_FORMAT_VERSION;
  out->generation = idx->manifest.generation;
  out->documents = idx->n_docs;
  for (size_t i = 0; i < idx->n_segs; i++) out->deleted_documents += idx->segs[i].info.deleted_docs;
  out->documents -= out->deleted_documents;
  out->segments = idx->n_segs;
  out->avg_doc_length = idx->n_docs ? (double)idx->total_length / (double)idx->n_docs : 0;
  out->bytes_manifest = idx->manifest_bytes;
  snprintf(out->language, sizeof out->language, "%s", idx->manifest.language);
  for (size_t i = 0; i < idx->n_segs; i++) {
    const kz_segment_info *s = &idx->segs[i].info;
    out->postings += s->n_postings;
    out->positions += s->n_positions;
    out->bytes_dict += s->file_bytes[KZ_SEGFILE_DICT];
    out->bytes_postings += s->file_bytes[KZ_SEGFILE_POSTINGS];
    out->bytes_positions += s->file_bytes[KZ_SEGFILE_POSITIONS];
    out->bytes_norms += s->file_bytes[KZ_SEGFILE_NORMS];
    out->bytes_store += s->file_bytes[KZ_SEGFILE_STORE];
  }
  int rc = count_distinct_terms(idx, &out->terms);
  if (rc) return kz_error_set(err, rc, "%s: cannot read the term dictionaries: %s", idx->path,
                              kz_strerror(rc));
  return KZ_OK;
}
