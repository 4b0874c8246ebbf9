/*
 * test_facet_tally.c - the dense tally of date facets (searcher/facet_tally.h)
 * fed through the sink as the evaluators feed it, against buckets counted
 * one by one with kz_date_bucket: dates around 1970 and far from it, every
 * unit, documents and segments without a date; and a date outside the
 * range the block ranges claim, which is an error, never a write out of
 * bounds.
 */
#include <stdint.h>
#include <stdlib.h>

#include "common/date.h"
#include "kz_test.h"
#include "kzsearch.h"
#include "searcher/collect.h"
#include "searcher/facet_tally.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void) { return kz_test_xorshift(&rng_state); }

#define N_SEGS 3
#define SEG_DOCS 2000

typedef struct bucket {
  int64_t key;
  uint64_t count;
} bucket;

/* Adds one to key's bucket in b[0..*n), kept in increasing order of key. */
static void brute_add(bucket *b, size_t *n, int64_t key) {
  size_t i = 0;
  while (i < *n && b[i].key < key) i++;
  if (i == *n || b[i].key != key) {
    for (size_t j = *n; j > i; j--) b[j] = b[j - 1];
    b[i] = (bucket){key, 0};
    (*n)++;
  }
  b[i].count++;
}

static void test_facet_tally__matches_brute_force(void) {
  static int64_t vals[N_SEGS][SEG_DOCS];
  static bucket expect[3][N_SEGS * SEG_DOCS];
  /* centres: before 1970, at it, now, the calendar's ends */
  const int64_t centres[] = {-2208988800LL, 0, 1641427200LL, KZ_DATE_MIN + 86400LL * 400,
                             KZ_DATE_MAX - 86400LL * 400};
  for (int round = 0; round < 60; round++) {
    int64_t centre = centres[round % 5];
    int64_t spread = 86400LL * (1 + (int64_t)(rng() % 800)); /* up to about two years each side */
    int64_t min = INT64_MAX, max = INT64_MIN;
    const int64_t *seg[N_SEGS];
    for (int s = 0; s < N_SEGS; s++) {
      seg[s] = round % 7 == s ? NULL : vals[s];
      for (int d = 0; d < SEG_DOCS; d++) {
        int64_t v = rng() % 6 == 0 ? KZ_VALUE_NONE
                                   : centre - spread + (int64_t)(rng() % (uint64_t)(2 * spread));
        if (v < KZ_DATE_MIN || v > KZ_DATE_MAX) v = KZ_VALUE_NONE;
        vals[s][d] = v;
        if (seg[s] && v != KZ_VALUE_NONE) {
          min = v < min ? v : min;
          max = v > max ? v : max;
        }
      }
    }
    kz_tally t;
    CHECK(kz_tally_init(&t, seg, N_SEGS, min, max) == KZ_OK);
    kz_sink sink = kz_sink_top_score(NULL, 0, 0);
    sink.tally = &t;
    size_t n_expect[3] = {0, 0, 0};
    uint64_t missing = 0;
    for (int s = 0; s < N_SEGS; s++) {
      kz_sink_segment(&sink, (size_t)s, (uint64_t)s * SEG_DOCS, NULL);
      for (uint32_t d = 0; d < SEG_DOCS; d++) {
        if (rng() % 2) continue; /* not a match */
        if (d % 2) kz_sink_match(&sink, d); else kz_sink_offer(&sink, 1.0, d);
        int64_t v = seg[s] ? vals[s][d] : KZ_VALUE_NONE;
        if (v == KZ_VALUE_NONE) {
          missing++;
          continue;
        }
        for (int u = 0; u < 3; u++) brute_add(expect[u], &n_expect[u], kz_date_bucket(v, (kz_date_unit)u));
      }
    }
    CHECK_EQ_INT(t.error, KZ_OK);
    CHECK_EQ_INT(t.missing, missing);
    for (int u = 0; u < 3; u++) {
      kz_facet_bucket *got;
      size_t n;
      CHECK(kz_tally_buckets(&t, (kz_date_unit)u, &got, &n) == KZ_OK);
      CHECK_EQ_INT(n, n_expect[u]);
      for (size_t i = 0; i < n && i < n_expect[u]; i++) {
        CHECK_EQ_INT(got[i].key, expect[u][i].key);
        CHECK_EQ_INT(got[i].count, expect[u][i].count);
      }
      free(got);
    }
    kz_tally_free(&t);
  }
}

static void test_facet_tally__date_outside_the_claimed_range_is_an_error(void) {
  int64_t v[4] = {86400 * 10, 86400 * 11, 86400 * 500, KZ_VALUE_NONE};
  const int64_t *seg[1] = {v};
  int64_t outside[] = {86400 * 9, 86400 * 12, INT64_MAX, INT64_MIN + 1, KZ_DATE_MAX + 1};
  for (size_t i = 0; i < sizeof outside / sizeof *outside; i++) {
    v[2] = outside[i]; /* the block ranges say [day 10, day 11]: a lie about this one */
    kz_tally t;
    CHECK(kz_tally_init(&t, seg, 1, 86400 * 10, 86400 * 11 + 5) == KZ_OK);
    kz_tally_segment(&t, 0);
    for (uint32_t d = 0; d < 4; d++) kz_tally_add(&t, d);
    CHECK_EQ_INT(t.error, KZ_ERR_CORRUPT);
    CHECK_EQ_INT(t.missing, 1);
    kz_tally_free(&t);
  }
  /* no dated document at all (min > max): a dated match is the same lie */
  kz_tally t;
  CHECK(kz_tally_init(&t, seg, 1, INT64_MAX, INT64_MIN) == KZ_OK);
  kz_tally_segment(&t, 0);
  kz_tally_add(&t, 3);
  CHECK_EQ_INT(t.error, KZ_OK);
  kz_tally_add(&t, 0);
  CHECK_EQ_INT(t.error, KZ_ERR_CORRUPT);
  kz_facet_bucket *got;
  size_t n;
  CHECK(kz_tally_buckets(&t, KZ_DATE_DAY, &got, &n) == KZ_OK);
  CHECK_EQ_INT(n, 0);
  free(got);
  kz_tally_free(&t);
}

KZ_TEST_MAIN(KZ_TEST(test_facet_tally__matches_brute_force),
             KZ_TEST(test_facet_tally__date_outside_the_claimed_range_is_an_error))
