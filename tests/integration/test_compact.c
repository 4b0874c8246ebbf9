/*
 * test_compact.c - merging segments changes nothing a search can see:
 * without deletions, every query gives the same ids, scores and counts
 * before and after kz_writer_compact; with deletions, the compacted index
 * answers exactly as an index built from the live documents alone.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

#define N_DOCS 1500
#define VOCAB 80

static kz_test_rng g_rng = {0x853c49e6748fea9bull, KZ_TEST_XORSHIFT64};

static char bodies[N_DOCS][400];

static void make_bodies(void) {
  for (int d = 0; d < N_DOCS; d++) {
    size_t len = 0;
    int n = 1 + (int)kz_test_rand_below(&g_rng, 40);
    for (int i = 0; i < n; i++) {
      /* Half the words uniform, the other half times 0, 1 or 2: low numbers are more frequent. */
      unsigned w = (unsigned)kz_test_rand_below(&g_rng, VOCAB);
      unsigned times = kz_test_rand_below(&g_rng, 2) ? 1 : (unsigned)kz_test_rand_below(&g_rng, 3);
      kz_test_append_word(bodies[d], sizeof bodies[d], &len, 'c', w * times % VOCAB);
    }
  }
}

static kz_writer *open_writer(const char *dir, size_t memory) {
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.memory_bytes = memory;
  o.no_auto_merge = 1; /* keep the small segments until compact */
  kz_writer *w = NULL;
  kz_error err;
  if (kz_writer_open(&w, dir, &o, &err) != KZ_OK) fprintf(stderr, "%s\n", err.message);
  return w;
}

static int add(kz_writer *w, int d) {
  char id[16];
  snprintf(id, sizeof id, "d%d", d);
  kz_document doc = {sizeof(kz_document), id, strlen(id), "t", 1, bodies[d], strlen(bodies[d]), NULL, 0, NULL, 0};
  kz_error err;
  return kz_writer_add(w, &doc, &err);
}

typedef struct result {
  uint64_t total;
  size_t n;
  char ids[50][16];
  double scores[50];
} result;

static void run(const char *dir, const char *q, result *r) {
  kz_index *idx;
  kz_error err;
  memset(r, 0, sizeof *r);
  if (kz_index_open(&idx, dir, &err) != KZ_OK) return;
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.k = 50;
  o.ids_only = 1;
  kz_hits *h;
  if (kz_search(&h, idx, q, &o, &err) == KZ_OK) {
    r->total = kz_hits_total(h);
    r->n = kz_hits_size(h);
    for (size_t i = 0; i < r->n; i++) {
      snprintf(r->ids[i], sizeof r->ids[i], "%s", kz_hits_at(h, i)->id);
      r->scores[i] = kz_hits_at(h, i)->score;
    }
    kz_hits_free(h);
  }
  kz_index_close(idx);
}

static void random_query(char *q, size_t size) {
  char a[16], b[16], c[16];
  kz_test_word(a, sizeof a, 'c', (unsigned)kz_test_rand_below(&g_rng, VOCAB));
  kz_test_word(b, sizeof b, 'c', (unsigned)kz_test_rand_below(&g_rng, VOCAB));
  kz_test_word(c, sizeof c, 'c', (unsigned)kz_test_rand_below(&g_rng, VOCAB));
  switch (kz_test_rand_below(&g_rng, 4)) {
    case 0: snprintf(q, size, "%s %s", a, b); break;
    case 1: snprintf(q, size, "+%s %s %s", a, b, c); break;
    case 2: snprintf(q, size, "\"%s %s\"", a, b); break;
    default: snprintf(q, size, "%s AND %s", a, b); break;
  }
}

static int same(const result *x, const result *y) {
  if (x->total != y->total || x->n != y->n) return 0;
  for (size_t i = 0; i < x->n; i++)
    if (strcmp(x->ids[i], y->ids[i]) || x->scores[i] != y->scores[i]) return 0;
  return 1;
}

static uint64_t segments(const char *dir) {
  kz_index *idx;
  kz_error err;
  kz_index_stats st = KZ_INDEX_STATS_INIT;
  if (kz_index_open(&idx, dir, &err) == KZ_OK) {
    kz_index_stats_get(idx, &st, &err);
    kz_index_close(idx);
  }
  return st.segments;
}

static void remove_dir(const char *dir) {
  if (!kz_test_remove_tree(dir)) fprintf(stderr, "cannot remove %s\n", dir);
}

static void test_compact__same_results_without_deletions(void) {
  make_bodies();
  char dir[256];
  CHECK(kz_test_make_temp_dir(dir, sizeof dir, "kz_compact"));
  kz_writer *w = open_writer(dir, 256 << 10);
  CHECK(w);
  kz_error err;
  for (int d = 0; d < N_DOCS; d++) {
    CHECK(add(w, d) == KZ_OK);
    if (d % 150 == 149) CHECK(kz_writer_commit(w, &err) == KZ_OK);
  }
  CHECK(kz_writer_commit(w, &err) == KZ_OK);
  uint64_t before_segments = segments(dir);
  CHECK(before_segments >= 10);
  enum { QUERIES = 300 };
  static result before[QUERIES];
  static char queries[QUERIES][64];
  for (int i = 0; i < QUERIES; i++) {
    random_query(queries[i], sizeof queries[i]);
    run(dir, queries[i], &before[i]);
  }
  CHECK(kz_writer_compact(w, &err) == KZ_OK);
  kz_writer_close(w);
  CHECK_EQ_INT(segments(dir), 1);
  int differing = 0;
  for (int i = 0; i < QUERIES; i++) {
    result after;
    run(dir, queries[i], &after);
    if (!same(&before[i], &after)) {
      fprintf(stderr, "query [%s] differs after compact\n", queries[i]);
      differing++;
    }
  }
  printf("%llu segments compacted into 1; %d queries compared\n", (unsigned long long)before_segments,
         QUERIES);
  CHECK_EQ_INT(differing, 0);
  kz_check_report rep = KZ_CHECK_REPORT_INIT;
  CHECK(kz_index_check(dir, 1, NULL, NULL, &rep, &err) == KZ_OK && rep.problems == 0);
  remove_dir(dir);
}

static void test_compact__equals_fresh_index_of_live_documents(void) {
  make_bodies();
  char dir[256], fresh[256];
  CHECK(kz_test_make_temp_dir(dir, sizeof dir, "kz_compact"));
  CHECK(kz_test_make_temp_dir(fresh, sizeof fresh, "kz_fresh"));
  static unsigned char gone[N_DOCS];
  memset(gone, 0, sizeof gone);
  kz_writer *w = open_writer(dir, 256 << 10);
  CHECK(w);
  kz_error err;
  for (int d = 0; d < N_DOCS; d++) {
    CHECK(add(w, d) == KZ_OK);
    if (d % 200 == 199) CHECK(kz_writer_commit(w, &err) == KZ_OK);
  }
  CHECK(kz_writer_commit(w, &err) == KZ_OK);
  for (int i = 0; i < N_DOCS / 4; i++) {
    int d = (int)kz_test_rand_below(&g_rng, N_DOCS), found;
    char id[16];
    snprintf(id, sizeof id, "d%d", d);
    CHECK(kz_writer_delete(w, id, strlen(id), &found, &err) == KZ_OK);
    gone[d] = 1;
  }
  CHECK(kz_writer_compact(w, &err) == KZ_OK);
  kz_writer_close(w);
  kz_writer *f = open_writer(fresh, 256u << 20);
  CHECK(f);
  for (int d = 0; d < N_DOCS; d++)
    if (!gone[d]) CHECK(add(f, d) == KZ_OK);
  CHECK(kz_writer_commit(f, &err) == KZ_OK);
  kz_writer_close(f);
  int differing = 0;
  for (int i = 0; i < 300; i++) {
    char q[64];
    random_query(q, sizeof q);
    result a, b;
    run(dir, q, &a);
    run(fresh, q, &b);
    if (!same(&a, &b)) {
      fprintf(stderr, "query [%s]: compacted and fresh indexes differ\n", q);
      differing++;
    }
  }
  CHECK_EQ_INT(differing, 0);
  remove_dir(dir);
  remove_dir(fresh);
}

KZ_TEST_MAIN(KZ_TEST(test_compact__same_results_without_deletions),
             KZ_TEST(test_compact__equals_fresh_index_of_live_documents))
