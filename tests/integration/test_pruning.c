/*
 * test_pruning.c - pruned top-k (skip_total: MaxScore disjunctions, optional
 * clauses skipped when they cannot matter) returns exactly the hits of
 * exhaustive evaluation: the same ids in the same order with bit-identical
 * scores, on thousands of random queries over a multi-segment index.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kz_test.h"
#include "kzsearch.h"

#define N_DOCS 4000
#define VOCAB 400
#define N_QUERIES 3000

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* Zipf-like: low word numbers are far more frequent. */
static unsigned zipf_word(void) {
  double u = (double)(rng() % 1000000) / 1000000.0;
  return (unsigned)(VOCAB * u * u * u) % VOCAB;
}

static void word(char *buf, size_t size, unsigned w) {
  /* Letters only, distinct after stemming: "w" + base-26 digits + "x". */
  char tmp[16];
  int n = 0;
  do {
    tmp[n++] = (char)('a' + w % 26);
    w /= 26;
  } while (w);
  int len = snprintf(buf, size, "q");
  for (int i = n - 1; i >= 0 && (size_t)len + 2 < size; i--) buf[len++] = tmp[i];
  buf[len++] = 'x';
  buf[len] = 0;
}

static char dir[] = "/tmp/kz_pruning_XXXXXX";

static void build_index(void) {
  CHECK(mkdtemp(dir) != NULL);
  kz_writer_options wo = KZ_WRITER_OPTIONS_INIT;
  wo.memory_bytes = 512 << 10;
  kz_writer *w;
  kz_error err;
  CHECK(kz_writer_open(&w, dir, &wo, &err) == KZ_OK);
  char body[8192], id[32], title[64];
  for (int d = 0; d < N_DOCS; d++) {
    size_t len = 0;
    int words = 1 + (int)(rng() % 120);
    for (int i = 0; i < words; i++) {
      char wbuf[16];
      word(wbuf, sizeof wbuf, zipf_word());
      len += (size_t)snprintf(body + len, sizeof body - len, "%s ", wbuf);
    }
    snprintf(id, sizeof id, "doc-%d", d);
    char t1[16];
    word(t1, sizeof t1, zipf_word());
    snprintf(title, sizeof title, "%s", t1);
    kz_document doc = {id, strlen(id), title, strlen(title), body, len, NULL, 0, NULL, 0};
    CHECK(kz_writer_add(w, &doc, &err) == KZ_OK);
  }
  CHECK(kz_writer_commit(w, &err) == KZ_OK);
  kz_writer_close(w);
}

static void random_query(char *q, size_t size) {
  size_t len = 0;
  int kind = (int)(rng() % 5), n = 2 + (int)(rng() % 5);
  if (kind == 4) { /* a lone phrase of frequent words */
    char w1[16], w2[16];
    word(w1, sizeof w1, zipf_word() % 8);
    word(w2, sizeof w2, zipf_word() % 8);
    snprintf(q, size, "\"%s %s\"", w1, w2);
    return;
  }
  for (int i = 0; i < n; i++) {
    char wbuf[16];
    word(wbuf, sizeof wbuf, zipf_word());
    const char *prefix = "";
    if (kind == 1 && i == 0) prefix = "+";                       /* mixed: +a b c */
    if (kind == 2 && i == n - 1) prefix = "-";                   /* with an exclusion */
    if (kind == 3 && i == 1) {                                   /* with a phrase */
      char w2[16];
      word(w2, sizeof w2, zipf_word());
      len += (size_t)snprintf(q + len, size - len, "\"%s %s\" ", wbuf, w2);
      continue;
    }
    len += (size_t)snprintf(q + len, size - len, "%s%s ", prefix, wbuf);
  }
}

static void test_pruning__identical_to_exhaustive(void) {
  build_index();
  kz_index *idx;
  kz_error err;
  CHECK(kz_index_open(&idx, dir, &err) == KZ_OK);
  kz_index_stats st;
  CHECK(kz_index_stats_get(idx, &st, &err) == KZ_OK);
  CHECK(st.segments >= 3);
  int compared = 0, pruned_fewer = 0;
  for (int i = 0; i < N_QUERIES; i++) {
    char q[512];
    random_query(q, sizeof q);
    kz_search_options full = KZ_SEARCH_OPTIONS_INIT, pruned = KZ_SEARCH_OPTIONS_INIT;
    full.snippet_bytes = pruned.snippet_bytes = 0;
    full.ids_only = pruned.ids_only = 1;
    full.k = pruned.k = 1 + (size_t)(rng() % 20);
    pruned.skip_total = 1;
    kz_hits *a = NULL, *b = NULL;
    int ra = kz_search(&a, idx, q, &full, &err);
    int rb = kz_search(&b, idx, q, &pruned, &err);
    CHECK_EQ_INT(ra, rb);
    if (ra != KZ_OK) continue; /* e.g. every word excluded: both reject it alike */
    CHECK_EQ_INT(kz_hits_size(a), kz_hits_size(b));
    for (size_t h = 0; h < kz_hits_size(a); h++) {
      const kz_hit *x = kz_hits_at(a, h), *y = kz_hits_at(b, h);
      if (x->doc != y->doc || x->score != y->score)
        fprintf(stderr, "query [%s] rank %zu: exhaustive %s %.17g, pruned %s %.17g\n", q, h + 1,
                x->id, x->score, y->id, y->score);
      CHECK(x->doc == y->doc);
      CHECK(x->score == y->score);
    }
    CHECK(kz_hits_total(b) <= kz_hits_total(a));
    pruned_fewer += kz_hits_total(b) < kz_hits_total(a);
    compared++;
    kz_hits_free(a);
    kz_hits_free(b);
  }
  printf("compared %d queries; pruning skipped documents on %d of them\n", compared, pruned_fewer);
  CHECK(compared > N_QUERIES / 2);
  CHECK(pruned_fewer > 0); /* the pruned path really ran */
  kz_index_close(idx);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
}

KZ_TEST_MAIN(KZ_TEST(test_pruning__identical_to_exhaustive))
