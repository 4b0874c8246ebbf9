/*
 * test_threads.c - indexing with several threads gives the same index
 * contents as with one: the same documents, and for every query the same
 * matches with the same scores (only the order of documents, and so of
 * equal-score ties, may differ). Also with replacements of ids within the
 * run, which must follow the input order whatever thread indexes them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

#define N_DOCS 3000
#define VOCAB 120

static kz_test_rng g_rng = {0xda942042e4dd58b5ull, KZ_TEST_XORSHIFT64};

static char bodies[N_DOCS][600];
static int ids[N_DOCS]; /* ids repeat: a later document replaces an earlier one */

static void build(const char *dir, unsigned threads) {
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.threads = threads;
  o.memory_bytes = 1u << 20;
  kz_writer *w;
  kz_error err;
  if (kz_writer_open(&w, dir, &o, &err) != KZ_OK) {
    fprintf(stderr, "%s\n", err.message);
    return;
  }
  for (int d = 0; d < N_DOCS; d++) {
    char id[16];
    snprintf(id, sizeof id, "id%d", ids[d]);
    kz_document doc = {sizeof(kz_document), id, strlen(id), "t", 1, bodies[d], strlen(bodies[d]), NULL, 0, NULL, 0};
    if (kz_writer_add(w, &doc, &err) != KZ_OK) fprintf(stderr, "%s\n", err.message);
    if (d == N_DOCS / 2 && kz_writer_commit(w, &err) != KZ_OK) fprintf(stderr, "%s\n", err.message);
  }
  if (kz_writer_commit(w, &err) != KZ_OK) fprintf(stderr, "%s\n", err.message);
  kz_writer_close(w);
}

typedef struct match {
  char id[16];
  double score;
} match;

static int by_id(const void *a, const void *b) { return strcmp(((const match *)a)->id, ((const match *)b)->id); }

/* All matches of q, sorted by id. */
static size_t matches(kz_index *idx, const char *q, match *out) {
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.k = N_DOCS;
  o.ids_only = 1;
  kz_hits *h;
  kz_error err;
  if (kz_search(&h, idx, q, &o, &err) != KZ_OK) return 0;
  size_t n = kz_hits_size(h);
  for (size_t i = 0; i < n; i++) {
    snprintf(out[i].id, sizeof out[i].id, "%s", kz_hits_at(h, i)->id);
    out[i].score = kz_hits_at(h, i)->score;
  }
  kz_hits_free(h);
  qsort(out, n, sizeof *out, by_id);
  return n;
}

static void test_threads__same_contents_as_one_thread(void) {
  for (int d = 0; d < N_DOCS; d++) {
    ids[d] = (int)kz_test_rand_below(&g_rng, N_DOCS * 3 / 4);
    kz_test_text(&g_rng, bodies[d], sizeof bodies[d], 't', 60, VOCAB);
  }
  char one[256], many[256];
  CHECK(kz_test_make_temp_dir(one, sizeof one, "kz_threads1"));
  CHECK(kz_test_make_temp_dir(many, sizeof many, "kz_threadsN"));
  build(one, 1);
  build(many, 4);
  kz_index *a, *b;
  kz_error err;
  CHECK(kz_index_open(&a, one, &err) == KZ_OK);
  CHECK(kz_index_open(&b, many, &err) == KZ_OK);
  kz_index_stats sa = KZ_INDEX_STATS_INIT, sb = KZ_INDEX_STATS_INIT;
  CHECK(kz_index_stats_get(a, &sa, &err) == KZ_OK && kz_index_stats_get(b, &sb, &err) == KZ_OK);
  CHECK_EQ_INT(sa.documents, sb.documents);
  CHECK_EQ_INT(sa.terms, sb.terms);
  static match ma[N_DOCS], mb[N_DOCS];
  int differing = 0;
  for (int i = 0; i < 200; i++) {
    char q[64], w1[16], w2[16];
    kz_test_word(w1, sizeof w1, 't', (unsigned)kz_test_rand_below(&g_rng, VOCAB));
    kz_test_word(w2, sizeof w2, 't', (unsigned)kz_test_rand_below(&g_rng, VOCAB));
    snprintf(q, sizeof q, i % 3 ? "%s %s" : "\"%s %s\"", w1, w2);
    size_t na = matches(a, q, ma), nb = matches(b, q, mb);
    int same = na == nb;
    for (size_t k = 0; same && k < na; k++)
      same = strcmp(ma[k].id, mb[k].id) == 0 && ma[k].score == mb[k].score;
    if (!same) fprintf(stderr, "query [%s]: %zu matches with 1 thread, %zu with 4\n", q, na, nb);
    differing += !same;
  }
  printf("%llu documents (%llu replaced), %llu segments with 1 thread and %llu with 4\n",
         (unsigned long long)sa.documents, (unsigned long long)(N_DOCS - sa.documents),
         (unsigned long long)sa.segments, (unsigned long long)sb.segments);
  CHECK_EQ_INT(differing, 0);
  kz_index_close(a);
  kz_index_close(b);
  CHECK(kz_test_remove_tree(one));
  CHECK(kz_test_remove_tree(many));
}

KZ_TEST_MAIN(KZ_TEST(test_threads__same_contents_as_one_thread))
