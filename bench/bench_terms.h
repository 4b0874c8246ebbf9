/*
 * bench_terms.h - the terms that the benchmarks reading a real index
 * (bench_intersect, bench_score) draw from: the text field's terms of the
 * index's largest segment, most frequent first, and a term's document
 * frequency across all segments.
 *
 * Dictionary keys are a field byte and the term (docs/FORMAT.md); only
 * KZ_FIELD_TEXT's terms are listed. Header-only (static inline), so that
 * each bench stays one file; the list belongs to the caller, who frees it
 * with bench_terms_free.
 */
#ifndef KZ_BENCH_TERMS_H
#define KZ_BENCH_TERMS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/format.h"
#include "format/segment_reader.h"
#include "format/segment_format.h"
#include "kzsearch.h"
#include "searcher/index.h"

typedef struct bench_term {
  char *key;         /* the term's text, without the key's field byte */
  kz_term_info info; /* in the largest segment */
  uint64_t df_all;   /* across segments: 0 until the caller sets it (bench_term_df_all) */
} bench_term;

static inline int bench_term_by_df_desc(const void *pa, const void *pb) {
  const bench_term *a = pa, *b = pb;
  if (a->info.df != b->info.df) return a->info.df > b->info.df ? -1 : 1;
  return strcmp(a->key, b->key);
}

static inline void bench_terms_free(bench_term *terms, size_t n_terms) {
  for (size_t i = 0; i < n_terms; i++) free(terms[i].key);
  free(terms);
}

/* The number of idx's segment with the most documents; idx has at least one segment. */
static inline size_t bench_largest_segment(const kz_index *idx) {
  size_t big = 0;
  for (size_t i = 1; i < idx->n_segs; i++)
    if (idx->segs[i].info.doc_count > idx->segs[big].info.doc_count) big = i;
  return big;
}

/*
 * Lists the text field's terms of segment seg into *out (*n_out of them),
 * by df descending, then by key.
 * @return KZ_OK; KZ_ERR_NOMEM; or the dictionary walk's error (corruption,
 *         I/O), with nothing left allocated.
 */
static inline int bench_terms_load(const kz_segment *seg, bench_term **out, size_t *n_out) {
  bench_term *terms = NULL;
  size_t n_terms = 0, cap = 0;
  kz_dict_iter it;
  kz_dict_iter_init(&it, seg);
  int rc;
  while ((rc = kz_dict_iter_next(&it)) == 1) {
    if (it.key_len < 2 || (uint8_t)it.key[0] != KZ_FIELD_TEXT) continue;
    if (n_terms == cap) {
      size_t grown = cap ? 2 * cap : 4096;
      bench_term *more = realloc(terms, grown * sizeof *terms);
      if (!more) {
        rc = KZ_ERR_NOMEM;
        break;
      }
      terms = more;
      cap = grown;
    }
    char *key = strndup(it.key + 1, it.key_len - 1);
    if (!key) {
      rc = KZ_ERR_NOMEM;
      break;
    }
    terms[n_terms++] = (bench_term){key, it.info, 0};
  }
  if (rc < 0) {
    bench_terms_free(terms, n_terms);
    return rc;
  }
  if (n_terms) qsort(terms, n_terms, sizeof *terms, bench_term_by_df_desc);
  *out = terms;
  *n_out = n_terms;
  return KZ_OK;
}

/* The document frequency of the text field's `term` summed over idx's segments, as plan.c does. */
static inline uint64_t bench_term_df_all(const kz_index *idx, const char *term) {
  char key[KZ_MAX_TERM_KEY_BYTES];
  size_t len = strlen(term);
  if (len + 1 > sizeof key) return 0; /* no key so long is stored */
  key[0] = (char)KZ_FIELD_TEXT;
  memcpy(key + 1, term, len);
  uint64_t df = 0;
  for (size_t s = 0; s < idx->n_segs; s++) {
    kz_term_info info;
    if (kz_segment_lookup(&idx->segs[s], key, len + 1, &info) == 1) df += info.df;
  }
  return df;
}

/*
 * Opens the index at dir into *idx and lists the text field's terms of its
 * largest segment (number *big) into *terms, *n_terms of them; says why on
 * stderr, after "prog: ", when it cannot, when the index has no segment or
 * when fewer than min_terms terms are found.
 * @return 1, or 0 with nothing left open or allocated.
 */
static inline int bench_open_largest(const char *prog, const char *dir, size_t min_terms,
                                     kz_index **idx, size_t *big, bench_term **terms,
                                     size_t *n_terms) {
  kz_error err;
  if (kz_index_open(idx, dir, &err)) {
    fprintf(stderr, "%s: %s\n", prog, err.message);
    return 0;
  }
  int rc = KZ_OK;
  *terms = NULL;
  *n_terms = 0;
  if ((*idx)->n_segs > 0) {
    *big = bench_largest_segment(*idx);
    rc = bench_terms_load(&(*idx)->segs[*big], terms, n_terms);
  }
  if (rc != KZ_OK || *n_terms < min_terms) {
    fprintf(stderr, "%s: %s: %s\n", prog, dir, rc != KZ_OK ? kz_strerror(rc) : "too few terms");
    bench_terms_free(*terms, *n_terms);
    kz_index_close(*idx);
    return 0;
  }
  return 1;
}

#endif /* KZ_BENCH_TERMS_H */
