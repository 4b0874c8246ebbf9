/*
 * test_term_enum.c - the term enumerator (format/term_enum.h) and the
 * dictionary seek under it (kz_dict_iter_seek), against a brute-force sorted
 * union: random keys (bytes 0x00 and 0xff among them, one a prefix of
 * another) written as several real segments, some of them empty, then full
 * walks, random seeks and prefix listings compared key by key, with the
 * segments holding each key and their dictionary entries.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/docstore_writer.h"
#include "format/manifest.h"
#include "format/segment_reader.h"
#include "format/segment_writer.h"
#include "format/term_enum.h"
#include "kz_test.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

#define N_DOCS 4u
#define MAX_SEGS 6
#define MAX_KEYS 500
#define MAX_KEY 24

typedef struct key {
  char b[MAX_KEY];
  size_t len;
} key;

typedef struct fixture {
  char dir[256];
  size_t n_segs;
  kz_segment segs[MAX_SEGS];
  key keys[MAX_SEGS][MAX_KEYS]; /* per segment, sorted and distinct */
  size_t n_keys[MAX_SEGS];
  key all[MAX_SEGS * MAX_KEYS]; /* the sorted union */
  size_t n_all;
} fixture;

static uint64_t next_rand(uint64_t *s) {
  *s = *s * 6364136223846793005u + 1442695040888963407u;
  return *s >> 33;
}

static int compare_key(const void *a, const void *b) {
  const key *x = a, *y = b;
  int c = memcmp(x->b, y->b, x->len < y->len ? x->len : y->len);
  if (c) return c;
  return x->len < y->len ? -1 : x->len > y->len;
}

/* Sorts and removes duplicates; returns the new count. */
static size_t sort_unique(key *k, size_t n) {
  qsort(k, n, sizeof *k, compare_key);
  size_t out = 0;
  for (size_t i = 0; i < n; i++)
    if (out == 0 || compare_key(&k[out - 1], &k[i]) != 0) k[out++] = k[i];
  return out;
}

/* A key over a small alphabet, so that keys share prefixes and repeat across segments. */
static void random_key(uint64_t *r, key *k) {
  static const char alphabet[] = {'a', 'b', 'c', '\0', (char)0xff};
  k->len = 1 + next_rand(r) % (next_rand(r) % 4 == 0 ? MAX_KEY : 5);
  for (size_t i = 0; i < k->len; i++) k->b[i] = alphabet[next_rand(r) % sizeof alphabet];
}

/* The df written for the i-th key of a segment: 1..N_DOCS. */
static uint32_t df_of(size_t i) { return 1 + (uint32_t)(i % N_DOCS); }

static int write_segment(fixture *fx, size_t s, kz_segment_info *info, kz_error *err) {
  static const uint32_t lengths[N_DOCS] = {3, 5, 1, 7}, title_lengths[N_DOCS] = {0, 0, 0, 0};
  static const int64_t dates[N_DOCS] = {INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN};
  const kz_doc_columns cols = {lengths, title_lengths, dates, N_DOCS, NULL};
  static const uint32_t docs[N_DOCS] = {0, 1, 2, 3}, freqs[N_DOCS] = {1, 1, 1, 1};
  static const uint8_t pos[N_DOCS] = {0, 0, 0, 0}; /* each document: its first position, 0 */
  kz_segment_writer *w;
  int rc = kz_segment_writer_open(&w, fx->dir, (uint32_t)s + 1, &cols);
  if (rc) return rc;
  for (size_t i = 0; i < fx->n_keys[s] && !rc; i++)
    rc = kz_segment_writer_term(w, fx->keys[s][i].b, fx->keys[s][i].len, docs, freqs, df_of(i),
                                pos, df_of(i));
  if (rc) {
    kz_segment_writer_abort(w);
    return rc;
  }
  if ((rc = kz_segment_writer_finish(w, info, err))) return rc;
  char name[64], path[512];
  kz_segment_file_name(name, sizeof name, (uint32_t)s + 1, KZ_SEGFILE_STORE);
  snprintf(path, sizeof path, "%s/%s", fx->dir, name);
  kz_docstore_writer *store;
  if ((rc = kz_docstore_writer_open(&store, path))) return rc;
  for (uint32_t d = 0; d < N_DOCS && !rc; d++) {
    kz_document doc;
    memset(&doc, 0, sizeof doc);
    doc.id = "x";
    doc.id_len = 1;
    rc = kz_docstore_writer_add(store, &doc);
  }
  if (rc) {
    kz_docstore_writer_abort(store);
    return rc;
  }
  return kz_docstore_writer_finish(store, &info->file_bytes[KZ_SEGFILE_STORE]);
}

/* Random segments (segment 1 always empty when there are three or more), written and opened. */
static int setup(fixture *fx, uint64_t seed, size_t n_segs) {
  memset(fx, 0, sizeof *fx);
  if (!kz_test_make_temp_dir(fx->dir, sizeof fx->dir, "kz_test_term_enum")) return 0;
  uint64_t r = seed;
  fx->n_segs = n_segs;
  for (size_t s = 0; s < n_segs; s++) {
    size_t n = s == 1 && n_segs >= 3 ? 0 : next_rand(&r) % MAX_KEYS;
    for (size_t i = 0; i < n; i++) random_key(&r, &fx->keys[s][i]);
    fx->n_keys[s] = sort_unique(fx->keys[s], n);
    memcpy(fx->all + fx->n_all, fx->keys[s], fx->n_keys[s] * sizeof(key));
    fx->n_all += fx->n_keys[s];
  }
  fx->n_all = sort_unique(fx->all, fx->n_all);
  for (size_t s = 0; s < n_segs; s++) {
    kz_segment_info info;
    kz_error err = {0};
    if (write_segment(fx, s, &info, &err) || kz_segment_open(&fx->segs[s], fx->dir, &info, &err)) {
      fprintf(stderr, "segment %zu: %s\n", s, err.message);
      return 0;
    }
  }
  return 1;
}

static void teardown(fixture *fx) {
  for (size_t s = 0; s < fx->n_segs; s++) kz_segment_close(&fx->segs[s]);
  kz_test_remove_tree(fx->dir);
}

/* Index of k in segment s's keys, or -1. */
static long find_in(const fixture *fx, size_t s, const key *k) {
  const key *hit = bsearch(k, fx->keys[s], fx->n_keys[s], sizeof(key), compare_key);
  return hit ? (long)(hit - fx->keys[s]) : -1;
}

/* The first union key >= k. */
static size_t lower_bound(const fixture *fx, const key *k) {
  size_t lo = 0, hi = fx->n_all;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (compare_key(&fx->all[mid], k) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/*
 * Checks that the enumerator returns union keys from `first` on, up to
 * `limit` of them (or to the end), each with exactly the segments holding
 * it, in order, and their entries. Returns the keys compared, or -1.
 */
static long expect_run(const fixture *fx, kz_term_enum *e, size_t first, size_t limit) {
  size_t i = first;
  for (; i < fx->n_all && i - first < limit; i++) {
    const char *k;
    size_t len, n;
    const kz_term_match *m;
    if (kz_term_enum_next(e, &k, &len, &m, &n) != 1) return -1;
    key got = {{0}, len};
    if (len > MAX_KEY) return -1;
    memcpy(got.b, k, len);
    if (compare_key(&got, &fx->all[i]) != 0) return -1;
    size_t j = 0;
    for (size_t s = 0; s < fx->n_segs; s++) {
      long at = find_in(fx, s, &fx->all[i]);
      if (at < 0) continue;
      if (j >= n || m[j].segment != s || m[j].info.df != df_of((size_t)at)) return -1;
      kz_term_info direct;
      if (kz_segment_lookup(&fx->segs[s], k, len, &direct) != 1 ||
          direct.post_off != m[j].info.post_off || direct.post_len != m[j].info.post_len ||
          direct.pos_off != m[j].info.pos_off || direct.cf != m[j].info.cf)
        return -1;
      j++;
    }
    if (j != n) return -1;
  }
  if (i == fx->n_all) {
    const char *k;
    size_t len, n;
    const kz_term_match *m;
    if (kz_term_enum_next(e, &k, &len, &m, &n) != 0) return -1;
  }
  return (long)(i - first);
}

static void test_term_enum__walks_the_sorted_union(void) {
  for (uint64_t seed = 1; seed <= 12; seed++) {
    fixture *fx = malloc(sizeof *fx);
    CHECK(fx);
    size_t n_segs = 1 + seed % MAX_SEGS;
    CHECK(setup(fx, seed, n_segs));
    kz_term_enum *e;
    CHECK_EQ_INT(kz_term_enum_new(&e, fx->segs, fx->n_segs), KZ_OK);
    /* Without a seek, and after seeking to the empty key, the walk is the whole union. */
    CHECK_EQ_INT(expect_run(fx, e, 0, SIZE_MAX), (long)fx->n_all);
    CHECK_EQ_INT(kz_term_enum_seek(e, "", 0), KZ_OK);
    CHECK_EQ_INT(expect_run(fx, e, 0, SIZE_MAX), (long)fx->n_all);
    kz_term_enum_free(e);
    teardown(fx);
    free(fx);
  }
}

static void test_term_enum__seeks_like_a_lower_bound(void) {
  for (uint64_t seed = 100; seed < 106; seed++) {
    fixture *fx = malloc(sizeof *fx);
    CHECK(fx);
    CHECK(setup(fx, seed, 5));
    kz_term_enum *e;
    CHECK_EQ_INT(kz_term_enum_new(&e, fx->segs, fx->n_segs), KZ_OK);
    uint64_t r = seed * 7919;
    for (int q = 0; q < 300; q++) {
      key k;
      if (q % 3 == 0 && fx->n_all) { /* an existing key */
        k = fx->all[next_rand(&r) % fx->n_all];
      } else if (q % 3 == 1 && fx->n_all) { /* a prefix of one, or one with a byte more */
        k = fx->all[next_rand(&r) % fx->n_all];
        if (k.len < MAX_KEY && next_rand(&r) % 2)
          k.b[k.len++] = (char)next_rand(&r);
        else
          k.len = next_rand(&r) % (k.len + 1);
      } else {
        random_key(&r, &k);
      }
      CHECK_EQ_INT(kz_term_enum_seek(e, k.b, k.len), KZ_OK);
      size_t first = lower_bound(fx, &k);
      size_t want = fx->n_all - first < 40 ? fx->n_all - first : 40;
      CHECK_EQ_INT(expect_run(fx, e, first, 40), (long)want);
      /* Each segment's own seek agrees with its sorted keys. */
      for (size_t s = 0; s < fx->n_segs; s++) {
        kz_dict_iter it;
        kz_dict_iter_init(&it, &fx->segs[s]);
        size_t lo = 0;
        while (lo < fx->n_keys[s] && compare_key(&fx->keys[s][lo], &k) < 0) lo++;
        int rc = kz_dict_iter_seek(&it, k.b, k.len);
        CHECK_EQ_INT(rc, lo < fx->n_keys[s] ? 1 : 0);
        if (rc == 1) {
          key got = {{0}, it.key_len};
          memcpy(got.b, it.key, it.key_len);
          CHECK_EQ_INT(compare_key(&got, &fx->keys[s][lo]), 0);
          CHECK_EQ_INT(kz_dict_iter_next(&it), lo + 1 < fx->n_keys[s] ? 1 : 0);
        }
      }
    }
    kz_term_enum_free(e);
    teardown(fx);
    free(fx);
  }
}

static void test_term_enum__lists_a_prefix(void) {
  fixture *fx = malloc(sizeof *fx);
  CHECK(fx);
  CHECK(setup(fx, 4242, 4));
  kz_term_enum *e;
  CHECK_EQ_INT(kz_term_enum_new(&e, fx->segs, fx->n_segs), KZ_OK);
  static const char *const prefixes[] = {"a", "ab", "c\0", "\xff", "b\xff" "a", "zz"};
  static const size_t lens[] = {1, 2, 2, 1, 3, 2};
  for (size_t p = 0; p < sizeof lens / sizeof *lens; p++) {
    size_t want = 0;
    for (size_t i = 0; i < fx->n_all; i++)
      want += fx->all[i].len >= lens[p] && memcmp(fx->all[i].b, prefixes[p], lens[p]) == 0;
    CHECK_EQ_INT(kz_term_enum_seek(e, prefixes[p], lens[p]), KZ_OK);
    size_t got = 0;
    const char *k;
    size_t len, n;
    const kz_term_match *m;
    while (kz_term_enum_next(e, &k, &len, &m, &n) == 1 && len >= lens[p] &&
           memcmp(k, prefixes[p], lens[p]) == 0)
      got++;
    CHECK_EQ_INT(got, want);
  }
  kz_term_enum_free(e);
  teardown(fx);
  free(fx);
}

static void test_term_enum__no_segments(void) {
  kz_term_enum *e;
  CHECK_EQ_INT(kz_term_enum_new(&e, NULL, 0), KZ_OK);
  const char *k;
  size_t len, n;
  const kz_term_match *m;
  CHECK_EQ_INT(kz_term_enum_next(e, &k, &len, &m, &n), 0);
  CHECK_EQ_INT(kz_term_enum_seek(e, "a", 1), KZ_OK);
  CHECK_EQ_INT(kz_term_enum_next(e, &k, &len, &m, &n), 0);
  kz_term_enum_free(e);
  kz_term_enum_free(NULL);
}

KZ_TEST_MAIN(KZ_TEST(test_term_enum__walks_the_sorted_union),
             KZ_TEST(test_term_enum__seeks_like_a_lower_bound),
             KZ_TEST(test_term_enum__lists_a_prefix), KZ_TEST(test_term_enum__no_segments))
