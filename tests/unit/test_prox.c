/*
 * test_prox.c - the proximity sweep (searcher/prox.h) on hand-made
 * positions, with the counts and lengths worked out by hand from Lucene's
 * sloppy phrase rules: transposed words cost 2, repeated terms take
 * distinct positions, NEAR ignores the order.
 */
#include "kz_test.h"
#include "kz_test_corpus.h"
#include "searcher/prox.h"

/* Runs the sweep on two terms; returns the matches and sets *freq. */
static uint32_t two(const uint32_t *a, uint32_t na, uint32_t oa, const uint32_t *b, uint32_t nb,
                    uint32_t ob, int64_t max_len, uint32_t base, double *freq) {
  kz_prox_term t[2] = {{a, na, oa, 0}, {b, nb, ob, 1}};
  kz_prox_cursor c[2];
  return kz_prox_match(t, 2, max_len, base, 0, c, freq);
}

static void test_prox__exact_and_sloppy(void) {
  double f;
  const uint32_t a[] = {3}, b[] = {4};
  CHECK_EQ_INT(two(a, 1, 0, b, 1, 1, 0, 0, &f), 1); /* "a b" at 3, 4: length 0 */
  CHECK(f == 1.0);
  const uint32_t b2[] = {6}; /* two words between: length 2 */
  CHECK_EQ_INT(two(a, 1, 0, b2, 1, 1, 1, 0, &f), 0);
  CHECK_EQ_INT(two(a, 1, 0, b2, 1, 1, 2, 0, &f), 1);
  CHECK(f == 1.0 / 3.0);
}

static void test_prox__transposition_costs_two(void) {
  double f;
  const uint32_t a[] = {5}, b[] = {4}; /* "b a" in the document */
  CHECK_EQ_INT(two(a, 1, 0, b, 1, 1, 1, 0, &f), 0);
  CHECK_EQ_INT(two(a, 1, 0, b, 1, 1, 2, 0, &f), 1);
  CHECK(f == 1.0 / 3.0);
}

static void test_prox__every_occurrence_counts(void) {
  double f;
  const uint32_t a[] = {0, 2, 4}, b[] = {1, 3, 5}; /* "a b a b a b" */
  CHECK_EQ_INT(two(a, 3, 0, b, 3, 1, 0, 0, &f), 3);
  CHECK(f == 3.0);
  kz_prox_term t[2] = {{a, 3, 0, 0}, {b, 3, 1, 1}};
  kz_prox_cursor c[2];
  CHECK_EQ_INT(kz_prox_match(t, 2, 0, 0, 1, c, &f), 1); /* first_only stops at one */
}

/* Why pruning may not bound the sloppy frequency by the smallest tf (iter_prox.c). */
static void test_prox__a_word_may_count_in_several_matches(void) {
  double f;
  const uint32_t a[] = {6}, b[] = {1, 4, 7, 9}; /* "a b"~2 over ". b . . b . a b . b" */
  CHECK_EQ_INT(two(a, 1, 0, b, 4, 1, 2, 0, &f), 2); /* a b at 6-7, and b at 9 (length 2) */
  CHECK(f > 1.0);
  CHECK(f == 1.0 + 1.0 / 3.0);
  CHECK(f <= 1 + 4 - 2 + 1); /* sum(tf) - k + 1 */
  CHECK(f <= (double)kz_prox_most2(0, 3)); /* 2 min(tf): the passes alternate */
}

static void test_prox__repeated_terms_take_distinct_positions(void) {
  double f;
  const uint32_t a[] = {7}; /* "a a"~5 needs two occurrences of a */
  kz_prox_term t[2] = {{a, 1, 0, 0}, {a, 1, 1, 0}};
  kz_prox_cursor c[2];
  CHECK_EQ_INT(kz_prox_match(t, 2, 5, 0, 0, c, &f), 0);
  const uint32_t a2[] = {7, 8};
  kz_prox_term t2[2] = {{a2, 2, 0, 0}, {a2, 2, 1, 0}};
  CHECK_EQ_INT(kz_prox_match(t2, 2, 0, 0, 0, c, &f), 1);
  CHECK(f == 1.0);
}

static void test_prox__near_any_order(void) {
  double f;
  const uint32_t a[] = {10}, b[] = {7}; /* b 2 words a: within 3, either order */
  CHECK_EQ_INT(two(a, 1, 0, b, 1, 0, 3, 1, &f), 1);
  CHECK(f == 1.0 / 3.0); /* two words between them */
  CHECK_EQ_INT(two(a, 1, 0, b, 1, 0, 2, 1, &f), 0);
}

/* n increasing positions below `span`, each kept with chance 1 in `every`; at least one. */
static uint32_t random_positions(kz_test_rng *s, uint32_t *out, uint32_t span, uint32_t every) {
  uint32_t n = 0;
  for (uint32_t p = 0; p < span; p++)
    if (kz_test_rand_u32(s) % every == 0) out[n++] = p;
  if (n == 0) out[n++] = kz_test_rand_u32(s) % span;
  return n;
}

/*
 * kz_prox_match_above (pruning) against kz_prox_match: where it does not
 * give up it finds the same matches and frequency to the bit; where it
 * gives up, the bound it reports is at most give_up and at least the true
 * frequency. Both happen in the random cases below.
 */
static void test_prox__giving_up_is_safe(void) {
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, 0x9e3779b97f4a7c15ull); /* seeded */
  uint32_t a[400], b[400], gave_up = 0, finished = 0;
  kz_prox_cursor c[3];
  for (int round = 0; round < 2000; round++) {
    uint32_t span = 20 + kz_test_rand_u32(&r) % 380;
    uint32_t na = random_positions(&r, a, span, 2 + kz_test_rand_u32(&r) % 9);
    uint32_t nb = random_positions(&r, b, span, 2 + kz_test_rand_u32(&r) % 9);
    int64_t max_len = kz_test_rand_u32(&r) % 8;
    uint32_t ob = 1 + kz_test_rand_u32(&r) % 2, base = round % 2 ? 0 : 1;
    kz_prox_term t[3] = {{a, na, 0, 0}, {b, nb, ob, 1}, {a, na, ob + 1, 0}};
    size_t n = round % 3 == 0 ? 3 : 2; /* three terms, one repeated: the general sweep */
    double full, bounded;
    uint32_t m = kz_prox_match(t, n, max_len, base, 0, c, &full);
    if (n == 2) CHECK(m <= kz_prox_most2(na - 1, nb - 1)); /* iter_prox.c's bound */
    double give_up = full * (double)(kz_test_rand_u32(&r) % 200) / 100.0;
    uint32_t mb = kz_prox_match_above(t, n, max_len, base, give_up, c, &bounded);
    if (mb == KZ_PROX_GAVE_UP) {
      gave_up++;
      CHECK(bounded <= give_up);
      CHECK(bounded >= full);
    } else {
      finished++;
      CHECK_EQ_INT(mb, m);
      CHECK(bounded == full);
    }
  }
  CHECK(gave_up > 100);
  CHECK(finished > 100);
}

KZ_TEST_MAIN(KZ_TEST(test_prox__exact_and_sloppy), KZ_TEST(test_prox__transposition_costs_two),
             KZ_TEST(test_prox__every_occurrence_counts),
             KZ_TEST(test_prox__a_word_may_count_in_several_matches),
             KZ_TEST(test_prox__repeated_terms_take_distinct_positions),
             KZ_TEST(test_prox__near_any_order), KZ_TEST(test_prox__giving_up_is_safe))
