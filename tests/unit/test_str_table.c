/*
 * test_str_table.c - the string set of common/str_table.h: numbers follow
 * insertion order and a key added again keeps its number; 20,000 random
 * keys (many sharing prefixes, some repeated, the empty key among them)
 * agree with a plain list searched one by one, through the growths of the
 * table; keys read back byte for byte; clear empties it and it fills again;
 * reserve makes room that puts then use without growing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/str_table.h"
#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kzsearch.h"

static void test_str_table__numbers_in_insertion_order(void) {
  kz_str_table t = KZ_STR_TABLE_INIT;
  const char *words[] = {"steppe", "nomad", "", "steppes", "nomad", "steppe"};
  uint32_t id = 99;
  int added = -1;
  uint32_t want[] = {0, 1, 2, 3, 1, 0};
  int want_added[] = {1, 1, 1, 1, 0, 0};
  for (size_t i = 0; i < 6; i++) {
    CHECK_EQ_INT(kz_str_table_put(&t, words[i], strlen(words[i]), &id, &added), KZ_OK);
    CHECK_EQ_INT(id, want[i]);
    CHECK_EQ_INT(added, want_added[i]);
  }
  CHECK_EQ_INT(kz_str_table_count(&t), 4);
  size_t len;
  const char *k = kz_str_table_key(&t, 3, &len);
  CHECK(len == 7 && memcmp(k, "steppes", 7) == 0);
  CHECK_EQ_INT(kz_str_table_key(&t, 2, &len) != NULL && len == 0, 1);
  CHECK_EQ_INT(kz_str_table_find(&t, "nomad", 5, &id), 1);
  CHECK_EQ_INT(id, 1);
  CHECK_EQ_INT(kz_str_table_find(&t, "noma", 4, &id), 0);
  CHECK_EQ_INT(kz_str_table_find(&t, "steppe\0", 7, NULL), 0);
  kz_str_table_free(&t);
  CHECK_EQ_INT(kz_str_table_find(&t, "nomad", 5, NULL), 0); /* freed is empty again */
}

/* Random keys of 0..12 letters from a small alphabet, so that many share prefixes and repeat. */
static size_t random_key(kz_test_rng *r, char *out) {
  size_t n = (size_t)kz_test_rand_below(r, 13);
  for (size_t i = 0; i < n; i++) out[i] = (char)('a' + kz_test_rand_below(r, 4));
  return n;
}

typedef struct plain_key {
  char s[16];
  size_t n;
} plain_key;

/* The reference: a list searched from the start. @return the key's index or -1. */
static long plain_find(const plain_key *keys, size_t n_keys, const char *s, size_t n) {
  for (size_t i = 0; i < n_keys; i++)
    if (keys[i].n == n && memcmp(keys[i].s, s, n) == 0) return (long)i;
  return -1;
}

static void test_str_table__agrees_with_a_plain_list(void) {
  enum { N = 20000 };
  plain_key *ref = calloc(N, sizeof *ref);
  CHECK(ref != NULL);
  if (!ref) return;
  size_t n_ref = 0, repeats = 0;
  kz_str_table t = KZ_STR_TABLE_INIT;
  kz_test_rng rng = kz_test_rng_make(KZ_TEST_SPLITMIX64, 1);
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < N; i++) {
      char s[16];
      size_t n = random_key(&rng, s);
      long want = plain_find(ref, n_ref, s, n);
      uint32_t id = 0;
      CHECK_EQ_INT(kz_str_table_find(&t, s, n, &id), want >= 0);
      if (want >= 0) CHECK_EQ_INT(id, want);
      int added = -1;
      CHECK_EQ_INT(kz_str_table_put(&t, s, n, &id, &added), KZ_OK);
      CHECK_EQ_INT(added, want < 0);
      if (want < 0) {
        CHECK_EQ_INT(id, n_ref);
        memcpy(ref[n_ref].s, s, n);
        ref[n_ref++].n = n;
      } else {
        CHECK_EQ_INT(id, want);
        repeats++;
      }
    }
    CHECK_EQ_INT(kz_str_table_count(&t), n_ref);
    for (size_t i = 0; i < n_ref; i++) {
      size_t len;
      const char *k = kz_str_table_key(&t, (uint32_t)i, &len);
      CHECK(len == ref[i].n && memcmp(k, ref[i].s, len) == 0);
    }
    /* Both branches were taken often, and the table grew past its first size. */
    CHECK(n_ref > 1000 && repeats > 1000);
    CHECK(t.cap > 1024 && 2 * kz_str_table_count(&t) <= t.cap);
    size_t memory = kz_str_table_memory(&t);
    CHECK(memory >= t.cap * sizeof *t.slots + t.bytes.len);
    kz_str_table_clear(&t);
    CHECK_EQ_INT(kz_str_table_count(&t), 0);
    CHECK_EQ_INT(kz_str_table_find(&t, ref[0].s, ref[0].n, NULL), 0);
    CHECK_EQ_INT(kz_str_table_memory(&t), memory); /* cleared, not freed */
    n_ref = repeats = 0;
    rng = kz_test_rng_make(KZ_TEST_SPLITMIX64, 2);
  }
  kz_str_table_free(&t);
  free(ref);
}

static void test_str_table__reserve_avoids_growth(void) {
  kz_str_table t = KZ_STR_TABLE_INIT;
  CHECK_EQ_INT(kz_str_table_reserve(&t, 5000, 40000), KZ_OK);
  kz_str_table_slot *slots = t.slots;
  size_t cap = t.cap;
  CHECK(cap >= 10000);
  for (int i = 0; i < 5000; i++) {
    char s[16];
    int n = snprintf(s, sizeof s, "w%d", i);
    CHECK_EQ_INT(kz_str_table_put(&t, s, (size_t)n, NULL, NULL), KZ_OK);
  }
  CHECK(t.slots == slots && t.cap == cap);
  CHECK_EQ_INT(kz_str_table_find(&t, "w4999", 5, NULL), 1);
  CHECK_EQ_INT(kz_str_table_find(&t, "w5000", 5, NULL), 0);
  kz_str_table_free(&t);
}

KZ_TEST_MAIN(KZ_TEST(test_str_table__numbers_in_insertion_order),
             KZ_TEST(test_str_table__agrees_with_a_plain_list),
             KZ_TEST(test_str_table__reserve_avoids_growth))
