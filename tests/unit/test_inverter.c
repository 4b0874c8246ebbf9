/*
 * test_inverter.c - the in-memory inverted index: df/cf accounting, the
 * exact bytes of its docs and positions streams (the on-disk encodings of
 * docs/FORMAT.md), bytewise key order against a memcmp-sorted oracle across
 * table growth, and the memory count that drives segment flushes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "indexer/inverter.h"
#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kzsearch.h"

/* Adds a NUL-terminated key with the field byte in front. */
static int add(kz_inverter *inv, uint8_t field, const char *term, uint32_t pos) {
  char key[300];
  size_t n = strlen(term);
  key[0] = (char)field;
  memcpy(key + 1, term, n);
  return kz_inverter_add(inv, key, n + 1, pos);
}

static const kz_term_acc *find(kz_term_acc **terms, size_t n, uint8_t field, const char *term) {
  size_t len = strlen(term);
  for (size_t i = 0; i < n; i++)
    if (terms[i]->key_len == len + 1 && (uint8_t)terms[i]->key[0] == field &&
        memcmp(terms[i]->key + 1, term, len) == 0)
      return terms[i];
  return NULL;
}

static int bytes_equal(const kz_buf *b, const uint8_t *want, size_t n) {
  if (b->len != n || memcmp(b->data, want, n) != 0) {
    fprintf(stderr, "stream of %zu bytes:", b->len);
    for (size_t i = 0; i < b->len; i++) fprintf(stderr, " %02x", b->data[i]);
    fprintf(stderr, "\n");
    return 0;
  }
  return 1;
}

static int compare_keys(const void *pa, const void *pb) {
  const kz_buf *a = pa, *b = pb;
  size_t n = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->data, b->data, n);
  if (c) return c;
  return a->len < b->len ? -1 : a->len > b->len;
}

/* Sum of what the accumulators hold (struct, key + NUL, both buffers' capacity). */
static size_t accumulator_bytes(kz_inverter *inv) {
  kz_term_acc **terms;
  size_t n, sum = 0;
  if (kz_inverter_sorted(inv, &terms, &n) != KZ_OK) return 0;
  for (size_t i = 0; i < n; i++)
    sum += sizeof(kz_term_acc) + terms[i]->key_len + 1 + terms[i]->docs.cap + terms[i]->pos.cap;
  return sum;
}

static void test_inverter__accumulates_df_and_cf(void) {
  kz_inverter *inv;
  CHECK_EQ_INT(kz_inverter_new(&inv), KZ_OK);
  /* doc 0: a a b ; doc 1: a ; doc 2: (nothing) ; doc 3: b b b */
  kz_inverter_begin_doc(inv, 0);
  CHECK_EQ_INT(add(inv, 0, "a", 0), KZ_OK);
  CHECK_EQ_INT(add(inv, 0, "b", 1), KZ_OK);
  CHECK_EQ_INT(add(inv, 0, "a", 3), KZ_OK);
  CHECK_EQ_INT(kz_inverter_end_doc(inv), KZ_OK);
  kz_inverter_begin_doc(inv, 1);
  CHECK_EQ_INT(add(inv, 0, "a", 0), KZ_OK);
  CHECK_EQ_INT(kz_inverter_end_doc(inv), KZ_OK);
  kz_inverter_begin_doc(inv, 2);
  CHECK_EQ_INT(kz_inverter_end_doc(inv), KZ_OK);
  kz_inverter_begin_doc(inv, 3);
  CHECK_EQ_INT(add(inv, 0, "b", 5), KZ_OK);
  CHECK_EQ_INT(add(inv, 0, "b", 6), KZ_OK);
  CHECK_EQ_INT(add(inv, 0, "b", 7), KZ_OK);
  CHECK_EQ_INT(kz_inverter_end_doc(inv), KZ_OK);
  CHECK_EQ_INT(kz_inverter_terms(inv), 2);

  kz_term_acc **terms;
  size_t n;
  CHECK_EQ_INT(kz_inverter_sorted(inv, &terms, &n), KZ_OK);
  CHECK_EQ_INT(n, 2);
  const kz_term_acc *a = find(terms, n, 0, "a"), *b = find(terms, n, 0, "b");
  CHECK(a && b);
  CHECK_EQ_INT(a->df, 2);
  CHECK_EQ_INT(a->cf, 3);
  CHECK_EQ_INT(b->df, 2);
  CHECK_EQ_INT(b->cf, 4);
  /* docs: varint (doc - prev - 1), varint (freq - 1) */
  static const uint8_t a_docs[] = {0, 1, 0, 0};
  static const uint8_t b_docs[] = {0, 0, 2, 2};
  CHECK(bytes_equal(&a->docs, a_docs, sizeof a_docs));
  CHECK(bytes_equal(&b->docs, b_docs, sizeof b_docs));
  kz_inverter_free(inv);
}

static void test_inverter__positions_are_first_absolute_then_deltas(void) {
  kz_inverter *inv;
  CHECK_EQ_INT(kz_inverter_new(&inv), KZ_OK);
  kz_inverter_begin_doc(inv, 0);
  CHECK_EQ_INT(add(inv, 0, "x", 200), KZ_OK);   /* 200 = c8 01 */
  CHECK_EQ_INT(add(inv, 0, "x", 300), KZ_OK);   /* +100 = 64 */
  CHECK_EQ_INT(add(inv, 0, "x", 301), KZ_OK);   /* +1 */
  CHECK_EQ_INT(kz_inverter_end_doc(inv), KZ_OK);
  kz_inverter_begin_doc(inv, 1);
  CHECK_EQ_INT(add(inv, 0, "x", 2), KZ_OK);     /* absolute again, though below 301 */
  CHECK_EQ_INT(kz_inverter_end_doc(inv), KZ_OK);
  kz_inverter_begin_doc(inv, 7);                /* a gap of 5 documents */
  CHECK_EQ_INT(add(inv, 0, "x", 0), KZ_OK);
  CHECK_EQ_INT(add(inv, 0, "x", 70000), KZ_OK); /* 70000 = f0 a2 04 */
  CHECK_EQ_INT(add(inv, 0, "x", 70001), KZ_OK); /* +1 */
  CHECK_EQ_INT(kz_inverter_end_doc(inv), KZ_OK);

  kz_term_acc **terms;
  size_t n;
  CHECK_EQ_INT(kz_inverter_sorted(inv, &terms, &n), KZ_OK);
  CHECK_EQ_INT(n, 1);
  static const uint8_t pos[] = {0xc8, 0x01, 0x64, 0x01, 0x02, 0x00, 0xf0, 0xa2, 0x04, 0x01};
  CHECK(bytes_equal(&terms[0]->pos, pos, sizeof pos));
  static const uint8_t docs[] = {0, 2, 0, 0, 5, 2};
  CHECK(bytes_equal(&terms[0]->docs, docs, sizeof docs));
  CHECK_EQ_INT(terms[0]->df, 3);
  CHECK_EQ_INT(terms[0]->cf, 7);

  /* Decoding the stream back with the reader's helper gives the positions. */
  const uint8_t *p = terms[0]->pos.data, *end = p + terms[0]->pos.len;
  static const uint32_t freqs[] = {3, 1, 3};
  static const uint32_t want[] = {200, 300, 301, 2, 0, 70000, 70001};
  size_t k = 0;
  for (size_t d = 0; d < 3; d++) {
    uint64_t at = 0;
    for (uint32_t j = 0; j < freqs[d]; j++) {
      uint64_t v;
      CHECK_EQ_INT(kz_varint_get(&p, end, &v), 0);
      at = j == 0 ? v : at + v;
      CHECK_EQ_INT(at, want[k]);
      k++;
    }
  }
  CHECK(p == end);
  kz_inverter_free(inv);
}

static void test_inverter__sorts_keys_bytewise_field_first(void) {
  kz_inverter *inv;
  CHECK_EQ_INT(kz_inverter_new(&inv), KZ_OK);
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, 12345);
  /* Hand-picked traps: prefixes, bytes >= 0x80 (signed char), NUL inside a key, field 1 vs 0. */
  static const char *const fixed[] = {"", "a", "ab", "abc", "abd", "b", "\x7f", "\x80", "\xc3\xa9",
                                      "\xff", "\xff\xff", "z"};
  size_t cap = 6000, n_keys = 0;
  kz_buf *keys = calloc(cap, sizeof *keys);
  for (uint8_t field = 0; field < 2; field++)
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
      kz_buf_put_u8(&keys[n_keys], field);
      kz_buf_append(&keys[n_keys], fixed[i], strlen(fixed[i]));
      n_keys++;
    }
  kz_buf_put_u8(&keys[n_keys], 0); /* "a\0b" */
  kz_buf_append(&keys[n_keys++], "a\0b", 3);
  kz_buf_put_u8(&keys[n_keys], 2); /* an unused field number sorts after both */
  kz_buf_append(&keys[n_keys++], "a", 1);
  /* Random keys over a tiny alphabet (shared prefixes, duplicates), enough to grow the table. */
  while (n_keys < cap) {
    kz_buf_put_u8(&keys[n_keys], (uint8_t)kz_test_rand_below(&r, 2));
    size_t len = 1 + kz_test_rand_below(&r, 8);
    for (size_t j = 0; j < len; j++) {
      static const char alpha[] = {'a', 'b', 'c', '\x00', '\x9f', '\xe2'};
      kz_buf_put_u8(&keys[n_keys], (uint8_t)alpha[kz_test_rand_below(&r, sizeof alpha)]);
    }
    n_keys++;
  }
  /* Each key occurs in document (i % 50), once per occurrence index. */
  for (uint32_t d = 0; d < 50; d++) {
    kz_inverter_begin_doc(inv, d);
    uint32_t pos = 0;
    for (size_t i = d; i < n_keys; i += 50)
      CHECK_EQ_INT(kz_inverter_add(inv, (const char *)keys[i].data, keys[i].len, pos++), KZ_OK);
    CHECK_EQ_INT(kz_inverter_end_doc(inv), KZ_OK);
  }
  qsort(keys, n_keys, sizeof *keys, compare_keys);
  size_t distinct = 0;
  for (size_t i = 0; i < n_keys; i++)
    if (i == 0 || compare_keys(&keys[i], &keys[distinct - 1]) != 0) {
      kz_buf t = keys[distinct];
      keys[distinct++] = keys[i];
      keys[i] = t;
    }
  CHECK(distinct > 2048); /* thousands of terms: the table grew several times */
  CHECK_EQ_INT(kz_inverter_terms(inv), distinct);

  kz_term_acc **terms;
  size_t n;
  CHECK_EQ_INT(kz_inverter_sorted(inv, &terms, &n), KZ_OK);
  CHECK_EQ_INT(n, distinct);
  uint64_t cf_total = 0;
  for (size_t i = 0; i < n; i++) {
    if (terms[i]->key_len != keys[i].len || memcmp(terms[i]->key, keys[i].data, keys[i].len) != 0) {
      fprintf(stderr, "rank %zu: key of %u bytes differs from the memcmp order\n", i,
              terms[i]->key_len);
      CHECK(0);
    }
    CHECK(terms[i]->df >= 1 && terms[i]->cf >= terms[i]->df);
    cf_total += terms[i]->cf;
  }
  CHECK_EQ_INT(cf_total, n_keys);
  /* The first keys are field 0's empty term, then "\0" "\0" (field 0, NUL byte) if drawn, ... */
  CHECK_EQ_INT(terms[0]->key_len, 1);
  CHECK_EQ_INT((uint8_t)terms[n - 1]->key[0], 2);
  for (size_t i = 0; i < cap; i++) kz_buf_free(&keys[i]);
  free(keys);
  kz_inverter_free(inv);
}

static void test_inverter__memory_grows_and_reset_clears(void) {
  kz_inverter *inv;
  CHECK_EQ_INT(kz_inverter_new(&inv), KZ_OK);
  size_t empty = kz_inverter_memory(inv);
  CHECK(empty > 0);
  CHECK_EQ_INT(accumulator_bytes(inv), 0);
  size_t prev = empty;
  char term[32];
  for (uint32_t d = 0; d < 300; d++) {
    kz_inverter_begin_doc(inv, d);
    for (uint32_t i = 0; i < 20; i++) {
      snprintf(term, sizeof term, "t%u", (d * 17 + i * 13) % 5000);
      size_t terms_before = kz_inverter_terms(inv);
      CHECK_EQ_INT(add(inv, 0, term, i), KZ_OK);
      size_t now = kz_inverter_memory(inv);
      CHECK(now >= prev);
      if (kz_inverter_terms(inv) > terms_before) CHECK(now >= prev + sizeof(kz_term_acc) + strlen(term) + 2);
      prev = now;
    }
    CHECK_EQ_INT(kz_inverter_end_doc(inv), KZ_OK);
    CHECK(kz_inverter_memory(inv) >= prev);
    prev = kz_inverter_memory(inv);
  }
  size_t full = kz_inverter_memory(inv), held = accumulator_bytes(inv);
  CHECK(kz_inverter_terms(inv) > 2048); /* past the initial table, so it grew */
  CHECK(held > 0 && full > held);
  /* What memory() adds beyond the accumulators (the table, the touched list) at least the initial table. */
  CHECK(full - held >= empty);

  kz_inverter_reset(inv);
  CHECK_EQ_INT(kz_inverter_terms(inv), 0);
  /* reset frees exactly the accumulators and keeps the grown table. */
  CHECK_EQ_INT(kz_inverter_memory(inv), full - held);
  kz_term_acc **terms;
  size_t n = 99;
  CHECK_EQ_INT(kz_inverter_sorted(inv, &terms, &n), KZ_OK);
  CHECK_EQ_INT(n, 0);

  /* The next segment starts from document 0 with fresh counts. */
  kz_inverter_begin_doc(inv, 0);
  CHECK_EQ_INT(add(inv, 0, "t1", 4), KZ_OK);
  CHECK_EQ_INT(kz_inverter_end_doc(inv), KZ_OK);
  CHECK(kz_inverter_memory(inv) > full - held);
  CHECK_EQ_INT(kz_inverter_sorted(inv, &terms, &n), KZ_OK);
  CHECK_EQ_INT(n, 1);
  CHECK_EQ_INT(terms[0]->df, 1);
  CHECK_EQ_INT(terms[0]->cf, 1);
  static const uint8_t docs[] = {0, 0}, pos[] = {4};
  CHECK(bytes_equal(&terms[0]->docs, docs, sizeof docs));
  CHECK(bytes_equal(&terms[0]->pos, pos, sizeof pos));
  kz_inverter_reset(inv);
  kz_inverter_reset(inv); /* twice is harmless */
  CHECK_EQ_INT(kz_inverter_terms(inv), 0);
  kz_inverter_free(inv);
  kz_inverter_free(NULL);
}

/* last() is the term just added; its mark stays for the segment and goes with a reset. */
static void test_inverter__last_term_and_its_mark(void) {
  kz_inverter *inv;
  CHECK_EQ_INT(kz_inverter_new(&inv), KZ_OK);
  CHECK(kz_inverter_last(inv) == NULL);
  kz_inverter_begin_doc(inv, 0);
  CHECK_EQ_INT(add(inv, 0, "oil", 0), KZ_OK);
  kz_term_acc *oil = kz_inverter_last(inv);
  CHECK(oil != NULL && oil->key_len == 4 && memcmp(oil->key, "\0oil", 4) == 0 && oil->mark == 0);
  oil->mark = 1;
  CHECK_EQ_INT(add(inv, 1, "oil", 0), KZ_OK); /* the title's term is another term */
  CHECK(kz_inverter_last(inv) != oil && kz_inverter_last(inv)->mark == 0);
  CHECK_EQ_INT(kz_inverter_end_doc(inv), KZ_OK);
  kz_inverter_begin_doc(inv, 1);
  CHECK_EQ_INT(add(inv, 0, "oil", 3), KZ_OK);
  CHECK(kz_inverter_last(inv) == oil && oil->mark == 1);
  CHECK_EQ_INT(kz_inverter_end_doc(inv), KZ_OK);
  kz_inverter_reset(inv);
  CHECK(kz_inverter_last(inv) == NULL);
  kz_inverter_begin_doc(inv, 0);
  CHECK_EQ_INT(add(inv, 0, "oil", 0), KZ_OK);
  CHECK(kz_inverter_last(inv)->mark == 0);
  kz_inverter_free(inv);
}

KZ_TEST_MAIN(KZ_TEST(test_inverter__accumulates_df_and_cf),
             KZ_TEST(test_inverter__last_term_and_its_mark),
             KZ_TEST(test_inverter__positions_are_first_absolute_then_deltas),
             KZ_TEST(test_inverter__sorts_keys_bytewise_field_first),
             KZ_TEST(test_inverter__memory_grows_and_reset_clears))
