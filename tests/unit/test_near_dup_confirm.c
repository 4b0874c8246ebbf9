/*
 * test_near_dup_confirm.c - the text check of near-duplicates (analysis/near_dup.h):
 * shingle sets come out sorted and distinct (the radix sort of big sets
 * included), a shingle depends on the order of its words, and the
 * confirmation rule: Jaccard >= 0.8 always confirms; containment confirms
 * from the rule's minimum (a trimmed or padded copy: all of the shorter
 * text is in the longer), not for two texts that share 90% on a template;
 * a rule's size ratio keeps a short text out of a long one; with
 * KZ_NEAR_DUP_RULE_JACCARD containment never counts.
 */
#include <stdio.h>
#include <string.h>

#include "analysis/near_dup.h"
#include "kz_test.h"
#include "kzsearch.h"

/* The set of the words w<first>..w<first+n-1>, word i written as w<i % modulo>. */
static void words(kz_shingles *s, int first, int n, int modulo) {
  kz_shingles_reset(s);
  for (int i = first; i < first + n; i++) {
    char w[16];
    int len = snprintf(w, sizeof w, "w%d", i % modulo);
    CHECK(kz_shingles_add(s, w, (size_t)len) == KZ_OK);
  }
  CHECK(kz_shingles_finish(s) == KZ_OK);
}

static int sorted_distinct(const kz_shingles *s) {
  for (size_t i = 1; i < s->n; i++)
    if (s->hashes[i - 1] >= s->hashes[i]) return 0;
  return 1;
}

static void test_near_dup__sets_sorted_and_distinct(void) {
  kz_shingles s = KZ_SHINGLES_INIT;
  /* 3,000 words cycling through 700: 700 distinct 5-shingles (radix sort, duplicates dropped) */
  words(&s, 0, 3000, 700);
  CHECK(sorted_distinct(&s));
  CHECK_EQ_INT((int)s.n, 700);
  words(&s, 0, 40, 1000); /* small: 36 shingles */
  CHECK(sorted_distinct(&s));
  CHECK_EQ_INT((int)s.n, 36);
  words(&s, 0, 3, 1000); /* fewer words than a shingle: one shingle */
  CHECK_EQ_INT((int)s.n, 1);
  kz_shingles_free(&s);
}

static void test_near_dup__order_counts(void) {
  kz_shingles a = KZ_SHINGLES_INIT, b = KZ_SHINGLES_INIT;
  const char *fwd[] = {"a", "b", "c", "d", "e"}, *back[] = {"e", "d", "c", "b", "a"};
  kz_shingles_reset(&a);
  kz_shingles_reset(&b);
  for (int i = 0; i < 5; i++) {
    CHECK(kz_shingles_add(&a, fwd[i], 1) == KZ_OK);
    CHECK(kz_shingles_add(&b, back[i], 1) == KZ_OK);
  }
  CHECK(kz_shingles_finish(&a) == KZ_OK && kz_shingles_finish(&b) == KZ_OK);
  CHECK(a.n == 1 && b.n == 1 && a.hashes[0] != b.hashes[0]);
  kz_shingles_free(&a);
  kz_shingles_free(&b);
}

/* Words 0..n-1, but every `every`-th one replaced by a word of its own: an edited copy. */
static void edited(kz_shingles *s, int n, int every) {
  kz_shingles_reset(s);
  for (int i = 0; i < n; i++) {
    char w[16];
    int len = i % every == every - 1 ? snprintf(w, sizeof w, "x%d", i) : snprintf(w, sizeof w, "w%d", i);
    CHECK(kz_shingles_add(s, w, (size_t)len) == KZ_OK);
  }
  CHECK(kz_shingles_finish(s) == KZ_OK);
}

static void test_near_dup__confirmation_rule(void) {
  kz_shingles base = KZ_SHINGLES_INIT, other = KZ_SHINGLES_INIT;
  const kz_near_dup_rule def = KZ_NEAR_DUP_RULE_DEFAULT, jac = KZ_NEAR_DUP_RULE_JACCARD;
  double j, c;
  words(&base, 0, 504, 100000); /* 500 shingles */
  /* a copy trimmed by a fifth: J = 0.8 */
  words(&other, 0, 404, 100000);
  CHECK(kz_shingles_confirm(&base, &other, &jac));
  /* trimmed by 40% (a paragraph of a short story): J 0.6, all of it in the original */
  words(&other, 0, 304, 100000);
  kz_shingles_compare(&base, &other, &j, &c);
  CHECK(j < KZ_NEAR_DUP_MIN_SIMILARITY && c == 1.0);
  CHECK(kz_shingles_confirm(&base, &other, &def));
  CHECK(kz_shingles_confirm(&other, &base, &def));
  CHECK(!kz_shingles_confirm(&base, &other, &jac));
  /* a short item inside a long text: contained, kept apart by a rule with a size ratio */
  words(&other, 100, 104, 100000);
  kz_near_dup_rule ratio = {KZ_NEAR_DUP_MIN_CONTAINMENT, 0.5};
  CHECK(kz_shingles_confirm(&base, &other, &def) == (KZ_NEAR_DUP_MIN_SIZE_RATIO <= 0.2));
  CHECK(!kz_shingles_confirm(&base, &other, &ratio));
  /* one word in 40 changed: each change breaks 5 shingles, C ~0.88 < 0.95, J < 0.8 */
  edited(&other, 504, 40);
  kz_shingles_compare(&base, &other, &j, &c);
  CHECK(j < KZ_NEAR_DUP_MIN_SIMILARITY && c > 0.8 && c < KZ_NEAR_DUP_MIN_CONTAINMENT);
  CHECK(!kz_shingles_confirm(&base, &other, &def));
  kz_near_dup_rule loose = {0.8, 0.0};
  CHECK(kz_shingles_confirm(&base, &other, &loose));
  /* the same size, little in common */
  words(&other, 300, 504, 100000);
  CHECK(!kz_shingles_confirm(&base, &other, &loose));
  /* empty sets are nobody's duplicate */
  kz_shingles_reset(&other);
  CHECK(kz_shingles_finish(&other) == KZ_OK);
  CHECK(!kz_shingles_confirm(&other, &other, &loose));
  kz_shingles_free(&base);
  kz_shingles_free(&other);
}

KZ_TEST_MAIN(KZ_TEST(test_near_dup__sets_sorted_and_distinct), KZ_TEST(test_near_dup__order_counts),
             KZ_TEST(test_near_dup__confirmation_rule))
