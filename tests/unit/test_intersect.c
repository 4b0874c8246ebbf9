/*
 * test_intersect.c - every intersection kernel (searcher/intersect.h)
 * against the plain merge, the oracle, on edge cases and on random lists
 * (uniform and clustered) at size ratios from 1:1 to 1:10000.
 *
 * Each SIMD level is forced explicitly through kz_intersect_kernel; a level
 * this CPU lacks is skipped with a note on stderr. Inputs and outputs live
 * in heap blocks of exactly their size, so ASan reports any read past a
 * list or write past min(na, nb) values of out, the invariant the SIMD
 * kernels must keep in their tails. Each case also runs with the lists
 * swapped: the result must not depend on the order.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kz_test.h"
#include "kz_test_corpus.h"
#include "searcher/intersect.h"

/* A list of exactly n values in a heap block of exactly n values (NULL for n == 0). */
typedef struct list {
  uint32_t *v;
  size_t n;
} list;

static list list_copy(const uint32_t *v, size_t n) {
  list l = {NULL, n};
  if (n) {
    l.v = malloc(n * sizeof *l.v);
    memcpy(l.v, v, n * sizeof *l.v);
  }
  return l;
}

static void list_free(list *l) {
  free(l->v);
  l->v = NULL;
  l->n = 0;
}

/* Strictly increasing, about n values from `start` with gaps uniform in [1, 2 * mean_gap - 1]. */
static list make_uniform(kz_test_rng *r, size_t n, uint64_t start, uint64_t mean_gap) {
  uint32_t *v = malloc((n ? n : 1) * sizeof *v);
  uint64_t x = start;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (x > UINT32_MAX) break;
    v[k++] = (uint32_t)x;
    x += 1 + kz_test_rand_below(r, 2 * mean_gap - 1);
  }
  list l = list_copy(v, k);
  free(v);
  return l;
}

/*
 * Clustered: runs of consecutive-ish values in a few regions both lists of a
 * pair share (same region seed), the shape of correlated terms' postings.
 */
static list make_clustered(kz_test_rng *r, uint64_t region_seed, size_t n, uint64_t universe) {
  uint32_t *v = malloc((n ? n : 1) * sizeof *v);
  kz_test_rng regions = kz_test_rng_make(KZ_TEST_SPLITMIX64, region_seed);
  size_t k = 0;
  uint64_t x = 0;
  while (k < n && x < universe && x <= UINT32_MAX) {
    /* The next region: a jump, then a run of dense values. */
    x += kz_test_rand_below(&regions, universe / 64 + 1);
    uint64_t run_end = x + 1 + kz_test_rand_below(&regions, universe / 32 + 1);
    while (k < n && x < run_end && x <= UINT32_MAX) {
      v[k++] = (uint32_t)x;
      x += 1 + kz_test_rand_below(r, 4);
    }
  }
  list l = list_copy(v, k);
  free(v);
  return l;
}

static int is_strictly_increasing(const list *l) {
  for (size_t i = 1; i < l->n; i++)
    if (l->v[i - 1] >= l->v[i]) return 0;
  return 1;
}

/* Runs one kernel on (x, y) into an exactly sized out; returns 1 when it equals the oracle. */
static int run_one(kz_intersect_algo algo, kz_intersect_fn fn, const list *x, const list *y,
                   const uint32_t *want, size_t n_want, const char *label) {
  size_t cap = x->n < y->n ? x->n : y->n;
  uint32_t *out = cap ? malloc(cap * sizeof *out) : NULL;
  size_t got = fn(x->v, x->n, y->v, y->n, out);
  int ok = got == n_want && (n_want == 0 || memcmp(out, want, n_want * sizeof *out) == 0);
  if (!ok) {
    size_t first = 0;
    while (first < got && first < n_want && out[first] == want[first]) first++;
    fprintf(stderr, "%s: kernel %s on %zu x %zu values: %zu results, expected %zu; first difference"
            " at %zu\n", label, kz_intersect_algo_name(algo), x->n, y->n, got, n_want, first);
  }
  free(out);
  return ok;
}

/*
 * The counting form of a kernel (out NULL) and its stop-at-the-first-match
 * form agree with the oracle's count.
 */
static int run_count_and_any(kz_intersect_algo algo, kz_intersect_fn fn, const list *x,
                             const list *y, size_t n_want, const char *label) {
  size_t count = fn(x->v, x->n, y->v, y->n, NULL);
  kz_intersect_any_fn any = kz_intersect_any_kernel(algo);
  int shared = any ? any(x->v, x->n, y->v, y->n) : -1;
  if (count == n_want && shared == (n_want > 0)) return 1;
  fprintf(stderr, "%s: kernel %s on %zu x %zu values counts %zu and says %d, the lists share %zu\n",
          label, kz_intersect_algo_name(algo), x->n, y->n, count, shared, n_want);
  return 0;
}

/* Every available kernel in both forms, both argument orders, against the plain merge. */
static int check_all(const list *a, const list *b, const char *label) {
  if (!is_strictly_increasing(a) || !is_strictly_increasing(b)) {
    fprintf(stderr, "%s: the test built a list that is not strictly increasing\n", label);
    return 0;
  }
  size_t cap = a->n < b->n ? a->n : b->n;
  uint32_t *want = malloc((cap ? cap : 1) * sizeof *want);
  size_t n_want = kz_intersect_merge(a->v, a->n, b->v, b->n, want);
  int ok = 1;
  for (int i = 0; i < KZ_INTERSECT_N_ALGOS && ok; i++) {
    kz_intersect_algo algo = (kz_intersect_algo)i;
    kz_intersect_fn fn = kz_intersect_kernel(algo);
    if (!fn) continue;
    ok = run_one(algo, fn, a, b, want, n_want, label) &&
         run_one(algo, fn, b, a, want, n_want, label) &&
         run_count_and_any(algo, fn, a, b, n_want, label) &&
         run_count_and_any(algo, fn, b, a, n_want, label);
  }
  free(want);
  return ok;
}

static int check_arrays(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                        const char *label) {
  list la = list_copy(a, na), lb = list_copy(b, nb);
  int ok = check_all(&la, &lb, label);
  list_free(&la);
  list_free(&lb);
  return ok;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_intersect__kernel_table(void) {
  for (int a = 0; a < KZ_INTERSECT_N_ALGOS; a++)
    if (!kz_intersect_kernel((kz_intersect_algo)a))
      fprintf(stderr, "note: kernel %s is skipped by every test: this CPU or build lacks it\n",
              kz_intersect_algo_name((kz_intersect_algo)a));
  CHECK(kz_intersect_kernel(KZ_INTERSECT_MERGE) == kz_intersect_merge);
  CHECK(kz_intersect_kernel(KZ_INTERSECT_BRANCHLESS) == kz_intersect_branchless);
  CHECK(kz_intersect_kernel(KZ_INTERSECT_GALLOP) == kz_intersect_gallop);
  CHECK(kz_intersect_kernel(KZ_INTERSECT_AUTO) == kz_intersect);
  CHECK(kz_intersect_kernel(KZ_INTERSECT_N_ALGOS) == NULL);
  CHECK(kz_intersect_kernel((kz_intersect_algo)-1) == NULL);
  CHECK(kz_intersect_any_kernel(KZ_INTERSECT_AUTO) == kz_intersect_any);
  CHECK(kz_intersect_any_kernel(KZ_INTERSECT_N_ALGOS) == NULL);
  for (int a = 0; a < KZ_INTERSECT_N_ALGOS; a++) { /* both forms of a kernel, or neither */
    kz_intersect_algo algo = (kz_intersect_algo)a;
    CHECK(!kz_intersect_kernel(algo) == !kz_intersect_any_kernel(algo));
  }
  CHECK_EQ_STR(kz_intersect_algo_name(KZ_INTERSECT_AVX2), "avx2");
  CHECK_EQ_STR(kz_intersect_algo_name(KZ_INTERSECT_N_ALGOS), "?");
#if defined(__x86_64__)
  /* Any x86-64 CPU of the last fifteen years has SSE4.1; its absence would be a dispatch bug. */
  if (__builtin_cpu_supports("sse4.1")) CHECK(kz_intersect_kernel(KZ_INTERSECT_SSE41) != NULL);
  if (__builtin_cpu_supports("avx2")) CHECK(kz_intersect_kernel(KZ_INTERSECT_GALLOP_AVX2) != NULL);
#endif
}

static void test_intersect__empty_and_single(void) {
  static const uint32_t one[] = {7}, other[] = {8}, many[] = {1, 3, 7, 9, 11, 13, 15, 17, 19};
  CHECK(check_arrays(NULL, 0, NULL, 0, "empty x empty"));
  CHECK(check_arrays(NULL, 0, many, 9, "empty x many"));
  CHECK(check_arrays(one, 1, one, 1, "one = one"));
  CHECK(check_arrays(one, 1, other, 1, "one != one"));
  CHECK(check_arrays(one, 1, many, 9, "one in many"));
  CHECK(check_arrays(other, 1, many, 9, "one not in many"));
  /* The dispatcher on empty input never touches out, which may be NULL. */
  CHECK_EQ_INT(kz_intersect(NULL, 0, many, 9, NULL), 0);
  CHECK_EQ_INT(kz_intersect(many, 9, NULL, 0, NULL), 0);
}

static void test_intersect__no_overlap_and_full_overlap(void) {
  uint32_t even[200], odd[200], low[200], high[200];
  for (uint32_t i = 0; i < 200; i++) {
    even[i] = 2 * i;
    odd[i] = 2 * i + 1;
    low[i] = i;
    high[i] = 1000 + i;
  }
  for (size_t n = 0; n <= 200; n += (n < 40 ? 1 : 37)) {
    char label[64];
    snprintf(label, sizeof label, "interleaved, %zu", n);
    CHECK(check_arrays(even, n, odd, n, label));
    snprintf(label, sizeof label, "disjoint ranges, %zu", n);
    CHECK(check_arrays(low, n, high, n, label));
    snprintf(label, sizeof label, "identical, %zu", n);
    CHECK(check_arrays(even, n, even, n, label));
    snprintf(label, sizeof label, "prefix, %zu of 200", n);
    CHECK(check_arrays(even, n, even, 200, label));
  }
}

/*
 * Every pair of lengths 0..40 (so every remainder modulo 4, 8 and 16 on
 * both sides), values drawn from a small range so that matches are common
 * and fall at every lane of a block.
 */
static void test_intersect__all_small_lengths(void) {
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 42);
  for (size_t na = 0; na <= 40; na++)
    for (size_t nb = 0; nb <= 40; nb++)
      for (int rep = 0; rep < 3; rep++) {
        list a = make_uniform(&r, na, kz_test_rand_below(&r, 4), 1 + kz_test_rand_below(&r, 3));
        list b = make_uniform(&r, nb, kz_test_rand_below(&r, 4), 1 + kz_test_rand_below(&r, 3));
        char label[64];
        snprintf(label, sizeof label, "small lengths %zu x %zu", na, nb);
        int ok = check_all(&a, &b, label);
        list_free(&a);
        list_free(&b);
        CHECK(ok);
      }
}

/* Values with the top bit set and UINT32_MAX itself: no signed compare may creep in. */
static void test_intersect__values_near_uint32_max(void) {
  uint32_t top[100], top_odd[50], mixed[60];
  for (uint32_t i = 0; i < 100; i++) top[i] = UINT32_MAX - 99 + i;
  for (uint32_t i = 0; i < 50; i++) top_odd[i] = UINT32_MAX - 98 + 2 * i;
  for (uint32_t i = 0; i < 60; i++) mixed[i] = i < 30 ? i * 3 : 0x7ffffff0u + (i - 30) * 0x4000000u;
  CHECK(top_odd[49] == UINT32_MAX);
  CHECK(check_arrays(top, 100, top_odd, 50, "near UINT32_MAX"));
  CHECK(check_arrays(top, 100, top, 100, "near UINT32_MAX, identical"));
  CHECK(check_arrays(mixed, 60, top, 100, "both halves of the range"));
  CHECK(check_arrays(mixed, 60, mixed, 60, "both halves of the range, identical"));
  static const uint32_t ends[] = {0, 1, 0x7fffffffu, 0x80000000u, UINT32_MAX - 1, UINT32_MAX};
  CHECK(check_arrays(ends, 6, ends + 2, 4, "extremes"));
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 7);
  for (int rep = 0; rep < 20; rep++) {
    list a = make_uniform(&r, 500, UINT32_MAX - 4000, 4);
    list b = make_uniform(&r, 3000, UINT32_MAX - 4000, 1);
    int ok = check_all(&a, &b, "random near UINT32_MAX");
    list_free(&a);
    list_free(&b);
    CHECK(ok);
  }
}

/* Ratios 1:1 .. 1:10000, across the dispatcher's cut-over, uniform lists. */
static void test_intersect__uniform_ratios(void) {
  static const size_t ratios[] = {1, 2, 3, 7, 10, 23, 24, 25, 31, 32, 33, 64, 100, 1000, 10000};
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 1);
  for (size_t q = 0; q < sizeof ratios / sizeof ratios[0]; q++) {
    size_t ratio = ratios[q];
    for (int rep = 0; rep < 12; rep++) {
      size_t n_short = 1 + kz_test_rand_below(&r, ratio >= 1000 ? 60 : 700);
      size_t n_long = n_short * ratio + kz_test_rand_below(&r, 17);
      /* The short list's values spread over the long one's range; overlap about 1 in 4 to all. */
      uint64_t long_gap = 1 + kz_test_rand_below(&r, 4);
      list lng = make_uniform(&r, n_long, kz_test_rand_below(&r, 50), long_gap);
      uint64_t span = n_long * long_gap;
      list shrt = make_uniform(&r, n_short, kz_test_rand_below(&r, 50),
                               span / n_short ? span / n_short : 1);
      char label[64];
      snprintf(label, sizeof label, "uniform 1:%zu (%zu x %zu)", ratio, shrt.n, lng.n);
      int ok = check_all(&shrt, &lng, label);
      list_free(&shrt);
      list_free(&lng);
      CHECK(ok);
    }
  }
}

/* The same ratios on clustered lists whose dense runs coincide. */
static void test_intersect__clustered_ratios(void) {
  static const size_t ratios[] = {1, 3, 10, 24, 32, 100, 1000, 10000};
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 2);
  for (size_t q = 0; q < sizeof ratios / sizeof ratios[0]; q++) {
    size_t ratio = ratios[q];
    for (int rep = 0; rep < 8; rep++) {
      size_t n_short = 1 + kz_test_rand_below(&r, ratio >= 1000 ? 60 : 500);
      size_t n_long = n_short * ratio;
      uint64_t universe = 4 * (uint64_t)n_long + 64, seed = kz_test_rand(&r);
      list lng = make_clustered(&r, seed, n_long, universe);
      /* The short list samples the same regions, sparser: every ratio-th value of a dense draw. */
      list dense = make_clustered(&r, seed, n_long, universe);
      uint32_t *pick = malloc((n_short ? n_short : 1) * sizeof *pick);
      size_t k = 0;
      for (size_t i = 0; i < dense.n && k < n_short; i += 1 + kz_test_rand_below(&r, 2 * ratio))
        pick[k++] = dense.v[i];
      list shrt = list_copy(pick, k);
      char label[64];
      snprintf(label, sizeof label, "clustered 1:%zu (%zu x %zu)", ratio, shrt.n, lng.n);
      int ok = check_all(&shrt, &lng, label);
      free(pick);
      list_free(&dense);
      list_free(&shrt);
      list_free(&lng);
      CHECK(ok);
    }
  }
}

/*
 * Short lists whose values sit exactly on the window edges of the galloping
 * kernels (windows of 32 and 64 values): a window's first and last value,
 * one below and one above them, and past the end of the long list, whose
 * length runs through a window's worth of remainders.
 */
static void test_intersect__gallop_window_edges(void) {
  enum { N_LONG = 64 * 20 + 70 };
  uint32_t lng[N_LONG], shrt[4 * (N_LONG / 32 + 1) + 1];
  for (size_t i = 0; i < N_LONG; i++) lng[i] = (uint32_t)(10 * i + 10);
  static const size_t windows[] = {32, 64};
  for (size_t wi = 0; wi < 2; wi++)
    for (size_t cut = N_LONG - 70; cut <= N_LONG; cut++) {
      size_t w = windows[wi], k = 0;
      for (size_t t = 0; t * w < cut; t++) {
        size_t first = t * w, last = first + w - 1 < cut ? first + w - 1 : cut - 1;
        shrt[k++] = lng[first] - 1;
        shrt[k++] = lng[first];
        shrt[k++] = lng[last];
        shrt[k++] = lng[last] + 1;
      }
      shrt[k++] = (uint32_t)(10 * cut + 20);
      /* Keep it strictly increasing (a short last window may repeat a value). */
      size_t m = 1;
      for (size_t i = 1; i < k; i++)
        if (shrt[i] > shrt[m - 1]) shrt[m++] = shrt[i];
      char label[64];
      snprintf(label, sizeof label, "window %zu edges, long %zu", w, cut);
      CHECK(check_arrays(shrt, m, lng, cut, label));
      /* Every other value only: the galloping steps between matches vary. */
      for (size_t i = 0; i < m / 2; i++) shrt[i] = shrt[2 * i + 1];
      CHECK(check_arrays(shrt, m / 2, lng, cut, label));
    }
}

/*
 * One shared value at each place of both lists, the rest apart (odd and
 * even): the stop-at-the-first-match kernels find it in a SIMD block, a
 * galloping window or the scalar tail alike.
 */
static void test_intersect__one_shared_value_anywhere(void) {
  for (size_t na = 1; na <= 40; na += 13)
    for (size_t nb = 1; nb <= 700; nb = nb * 3 + 1) {
      size_t stride = nb / na > 1 ? nb / na : 1;
      for (size_t at = 0; at < na && at * stride < nb; at++) {
        list a = {malloc(na * sizeof(uint32_t)), na}, b = {malloc(nb * sizeof(uint32_t)), nb};
        for (size_t j = 0; j < nb; j++) b.v[j] = (uint32_t)(2 * j);
        for (size_t i = 0; i < na; i++) a.v[i] = (uint32_t)(2 * i * stride + 1);
        a.v[at]--; /* now b.v[at * stride], still above a.v[at - 1] */
        char label[64];
        snprintf(label, sizeof label, "one shared at %zu of %zu x %zu", at, na, nb);
        CHECK(check_all(&a, &b, label));
        list_free(&a);
        list_free(&b);
      }
    }
}

/* kz_intersect returns the oracle's answer whichever kernel it picks. */
static void test_intersect__dispatcher(void) {
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 3);
  for (int rep = 0; rep < 200; rep++) {
    size_t na = kz_test_rand_below(&r, 300), ratio = 1 + kz_test_rand_below(&r, 60);
    list a = make_uniform(&r, na, kz_test_rand_below(&r, 10), ratio);
    list b =
        make_uniform(&r, na * ratio + kz_test_rand_below(&r, 9), kz_test_rand_below(&r, 10), 1);
    size_t cap = a.n < b.n ? a.n : b.n;
    uint32_t *want = malloc((cap ? cap : 1) * sizeof *want);
    uint32_t *out = cap ? malloc(cap * sizeof *out) : NULL;
    size_t n_want = kz_intersect_merge(a.v, a.n, b.v, b.n, want);
    size_t got = kz_intersect(b.v, b.n, a.v, a.n, out);
    int ok = got == n_want && (!got || memcmp(out, want, got * sizeof *out) == 0);
    free(want);
    free(out);
    list_free(&a);
    list_free(&b);
    CHECK(ok);
  }
}

KZ_TEST_MAIN(KZ_TEST(test_intersect__kernel_table), KZ_TEST(test_intersect__empty_and_single),
             KZ_TEST(test_intersect__no_overlap_and_full_overlap),
             KZ_TEST(test_intersect__all_small_lengths),
             KZ_TEST(test_intersect__values_near_uint32_max),
             KZ_TEST(test_intersect__uniform_ratios), KZ_TEST(test_intersect__clustered_ratios),
             KZ_TEST(test_intersect__gallop_window_edges), KZ_TEST(test_intersect__one_shared_value_anywhere),
             KZ_TEST(test_intersect__dispatcher))
