/*
 * test_topk.c - the bounded top-k heap against the obvious oracle: a full
 * sort of every offered hit by (score desc, doc asc), cut at k. Scores are
 * drawn from a handful of values so that ties, the case a heap most easily
 * gets wrong, dominate; documents arrive in random order.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kzsearch.h"
#include "searcher/topk.h"

static int best_first(const void *pa, const void *pb) {
  const kz_scored *a = pa, *b = pb;
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  return a->doc < b->doc ? -1 : a->doc > b->doc;
}

/* A permutation of 0..n-1 spread over a sparse id space, so doc order is not offer order. */
static kz_scored *random_hits(kz_test_rng *r, size_t n, size_t distinct_scores) {
  kz_scored *h = malloc((n ? n : 1) * sizeof *h);
  for (size_t i = 0; i < n; i++) {
    h[i].doc = (uint64_t)i * 7919u + (i & 3);
    h[i].score = distinct_scores ? (double)kz_test_rand_below(r, distinct_scores) * 0.25 : 0.0;
  }
  for (size_t i = n; i > 1; i--) {
    size_t j = kz_test_rand_below(r, i);
    kz_scored t = h[i - 1];
    h[i - 1] = h[j];
    h[j] = t;
  }
  return h;
}

/* Offers every hit to a heap of k and compares its sorted content with the oracle. */
static int check_against_sort(const kz_scored *hits, size_t n, size_t k) {
  kz_topk t;
  if (kz_topk_init(&t, k) != KZ_OK) return 0;
  for (size_t i = 0; i < n; i++) kz_topk_push(&t, hits[i].score, hits[i].doc);
  kz_scored *ref = malloc((n ? n : 1) * sizeof *ref);
  memcpy(ref, hits, n * sizeof *ref);
  qsort(ref, n, sizeof *ref, best_first);
  size_t want = k < n ? k : n;
  int ok = t.n == want;
  if (!ok) fprintf(stderr, "k=%zu n=%zu: kept %zu, expected %zu\n", k, n, t.n, want);
  kz_topk_sort(&t);
  for (size_t i = 0; ok && i < want; i++) {
    if (t.heap[i].doc != ref[i].doc || t.heap[i].score != ref[i].score) {
      fprintf(stderr, "k=%zu n=%zu: rank %zu is (%g, %llu), expected (%g, %llu)\n", k, n, i,
              t.heap[i].score, (unsigned long long)t.heap[i].doc, ref[i].score,
              (unsigned long long)ref[i].doc);
      ok = 0;
    }
  }
  free(ref);
  kz_topk_free(&t);
  return ok;
}

static void test_topk__matches_full_sort_with_many_ties(void) {
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, 0x9e3779b97f4a7c15ull);
  const size_t ks[] = {1, 2, 10, 127, 1000, 5000};
  const size_t distinct[] = {1, 3, 17, 1000000};
  for (int round = 0; round < 20; round++) {
    size_t n = 1 + kz_test_rand_below(&r, 3000);
    for (size_t d = 0; d < sizeof distinct / sizeof *distinct; d++) {
      kz_scored *hits = random_hits(&r, n, distinct[d]);
      for (size_t i = 0; i < sizeof ks / sizeof *ks; i++) {
        if (!check_against_sort(hits, n, ks[i])) {
          free(hits);
          CHECK(0);
        }
      }
      /* k larger than n by one, and exactly n. */
      int ok = check_against_sort(hits, n, n + 1) && check_against_sort(hits, n, n);
      free(hits);
      CHECK(ok);
    }
  }
}

static void test_topk__all_equal_scores_keep_lowest_docs(void) {
  kz_topk t;
  CHECK_EQ_INT(kz_topk_init(&t, 10), KZ_OK);
  /* Highest documents first, so every later push must evict. */
  for (uint64_t d = 1000; d-- > 0;) kz_topk_push(&t, 1.5, d);
  kz_topk_sort(&t);
  CHECK_EQ_INT(t.n, 10);
  for (size_t i = 0; i < 10; i++) CHECK_EQ_INT(t.heap[i].doc, i);
  kz_topk_free(&t);

  /* Lowest documents first: no later push with the same score may enter. */
  CHECK_EQ_INT(kz_topk_init(&t, 10), KZ_OK);
  for (uint64_t d = 0; d < 1000; d++) kz_topk_push(&t, 1.5, d);
  kz_topk_sort(&t);
  for (size_t i = 0; i < 10; i++) CHECK_EQ_INT(t.heap[i].doc, i);
  kz_topk_free(&t);
}

static void test_topk__handles_extreme_scores_and_empty(void) {
  kz_topk t;
  CHECK_EQ_INT(kz_topk_init(&t, 3), KZ_OK);
  kz_topk_sort(&t); /* nothing offered */
  CHECK_EQ_INT(t.n, 0);
  kz_topk_push(&t, 0.0, 5);
  kz_topk_push(&t, -1.0, 1);
  kz_topk_push(&t, 1e300, 9);
  kz_topk_push(&t, 0.0, 2);
  kz_topk_push(&t, -1e300, 0);
  kz_topk_sort(&t);
  CHECK_EQ_INT(t.n, 3);
  CHECK_EQ_INT(t.heap[0].doc, 9);
  CHECK_EQ_INT(t.heap[1].doc, 2);
  CHECK_EQ_INT(t.heap[2].doc, 5);
  kz_topk_free(&t);
  kz_topk_free(&t); /* freeing twice is harmless: the heap pointer was cleared */

  /* A zero-capacity heap keeps nothing and does not crash. */
  CHECK_EQ_INT(kz_topk_init(&t, 0), KZ_OK);
  kz_topk_push(&t, 1.0, 1);
  kz_topk_sort(&t);
  CHECK_EQ_INT(t.n, 0);
  kz_topk_free(&t);
}

KZ_TEST_MAIN(KZ_TEST(test_topk__matches_full_sort_with_many_ties),
             KZ_TEST(test_topk__all_equal_scores_keep_lowest_docs),
             KZ_TEST(test_topk__handles_extreme_scores_and_empty))
