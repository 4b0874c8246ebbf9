/*
 * test_pruning.c - pruned top-k (skip_total: block-max MaxScore
 * disjunctions, block-max conjunctions, optional clauses skipped when they
 * cannot matter) returns exactly the hits of exhaustive evaluation: the
 * same ids in the same order with bit-identical scores, on thousands of
 * random queries over a multi-segment index built as users build one
 * (several commits with the merge policy on, then deletions and
 * replacements), so merged segments are among those pruned. Flat queries of terms are
 * also evaluated through the iterator tree (searcher/flat.h is the default
 * path for them): both must agree on hits, scores and exact totals, pruned
 * or not, and with kz_count.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kz_test_fs.h"
#include "kzsearch.h"
#include "searcher/search_internal.h"

#define N_DOCS 4000
#define VOCAB 400
#define N_QUERIES 3000
/* The first documents go in small commits, the rest in one that the memory budget splits. */
#define SMALL_COMMITS_DOCS 3000

static kz_test_rng g_rng = {0x9e3779b97f4a7c15ull, KZ_TEST_XORSHIFT64};

/* Zipf-like: low word numbers are far more frequent. */
static unsigned zipf_word(void) {
  double u = (double)kz_test_rand_below(&g_rng, 1000000) / 1000000.0;
  return (unsigned)(VOCAB * u * u * u) % VOCAB;
}

static char dir[256];

/* Merges that took effect while the index was built. */
static void count_merge(void *ctx, const kz_merge_event *e) {
  if (e->phase == KZ_MERGE_END && e->status == KZ_OK && e->done_documents) ++*(int *)ctx;
}

static void add_doc(kz_writer *w, int d) {
  char body[8192], id[32], title[64];
  size_t len = 0;
  int words = 1 + (int)kz_test_rand_below(&g_rng, 120);
  for (int i = 0; i < words; i++) kz_test_append_word(body, sizeof body, &len, 'q', zipf_word());
  snprintf(id, sizeof id, "doc-%d", d);
  kz_test_word(title, sizeof title, 'q', zipf_word());
  kz_document doc = {sizeof(kz_document), id, strlen(id), title, strlen(title), body, len, NULL, 0, NULL, 0};
  kz_error err;
  CHECK(kz_writer_add(w, &doc, &err) == KZ_OK);
}

/*
 * The index as users have it: many commits with the merge policy on, so
 * that merged segments (whose block bounds the merger wrote) sit beside
 * freshly flushed ones, and then deletions and replacements, which the
 * bounds still count. (A single commit split by the memory budget makes
 * segments of about 100 documents, on both sides of the policy's level
 * boundary, which it never merges.) *merges: the merges that took effect.
 */
static void build_index(int *merges) {
  *merges = 0;
  CHECK(kz_test_make_temp_dir(dir, sizeof dir, "kz_pruning"));
  kz_writer_options wo = KZ_WRITER_OPTIONS_INIT;
  wo.memory_bytes = 256 << 10; /* the smallest: segments enough for the policy to merge */
  wo.merge_progress = count_merge;
  wo.merge_ctx = merges;
  kz_writer *w;
  kz_error err;
  CHECK(kz_writer_open(&w, dir, &wo, &err) == KZ_OK);
  for (int d = 0; d < N_DOCS; d++) {
    add_doc(w, d);
    /* Commits of 50 documents: every ten make a merge into one of 500 (merger.c's levels). */
    if (d < SMALL_COMMITS_DOCS ? (d + 1) % 50 == 0 : d == N_DOCS - 1)
      CHECK(kz_writer_commit(w, &err) == KZ_OK);
  }
  for (int d = 0; d < N_DOCS; d += 23) {
    char id[32];
    int found = 0;
    snprintf(id, sizeof id, "doc-%d", d);
    CHECK(kz_writer_delete(w, id, strlen(id), &found, &err) == KZ_OK);
    CHECK(found);
  }
  for (int d = 5; d < N_DOCS; d += 41) add_doc(w, d); /* replaced: the old version is deleted */
  CHECK(kz_writer_commit(w, &err) == KZ_OK);
  kz_writer_close(w);
}

static void random_query(char *q, size_t size) {
  size_t len = 0;
  int kind = (int)kz_test_rand_below(&g_rng, 8), n = 2 + (int)kz_test_rand_below(&g_rng, 5);
  if (kind == 7) { /* one term */
    kz_test_word(q, size, 'q', zipf_word());
    return;
  }
  if (kind == 4) { /* a lone phrase of frequent words: exact, sloppy ("a b"~N) or NEAR/N */
    char w1[16], w2[16];
    kz_test_word(w1, sizeof w1, 'q', zipf_word() % 8);
    kz_test_word(w2, sizeof w2, 'q', zipf_word() % 8);
    int form = (int)kz_test_rand_below(&g_rng, 3), slop = 1 + (int)kz_test_rand_below(&g_rng, 6);
    if (form == 0) snprintf(q, size, "\"%s %s\"", w1, w2);
    if (form == 1) snprintf(q, size, "\"%s %s\"~%d", w1, w2, slop);
    if (form == 2) snprintf(q, size, "%s NEAR/%d %s", w1, slop, w2);
    return;
  }
  for (int i = 0; i < n; i++) {
    char wbuf[16];
    kz_test_word(wbuf, sizeof wbuf, 'q', zipf_word());
    const char *prefix = "";
    if (kind == 1 && i == 0) prefix = "+";                       /* mixed: +a b c */
    if (kind == 2 && i == n - 1) prefix = "-";                   /* with an exclusion */
    if (kind == 5) prefix = i == n - 1 && n > 2 ? "-" : "+";     /* conjunction: +a +b -c */
    if (kind == 6 && i < 2) prefix = "+";                        /* +a +b c d */
    if (kind == 3 && i == 1) {                                   /* with a phrase */
      char w2[16];
      kz_test_word(w2, sizeof w2, 'q', zipf_word());
      len += (size_t)snprintf(q + len, size - len, "\"%s %s\" ", wbuf, w2);
      continue;
    }
    len += (size_t)snprintf(q + len, size - len, "%s%s ", prefix, wbuf);
  }
}

/*
 * Searches q seven ways: exhaustive and pruned, each by the default path
 * and by the iterator tree, and pruned with pruning forced where the
 * default path would judge it not worth it (small lists), by windows (with
 * and without scoring dense windows whole) and document at a time, so that
 * every pruned algorithm of searcher/flat.c runs on this small index.
 */
enum { FULL, FULL_TREE, PRUNED, PRUNED_TREE, PRUNED_ALWAYS, PRUNED_DAAT, PRUNED_DENSE, VARIANTS };
typedef struct variants {
  kz_hits *h[VARIANTS];
  int rc[VARIANTS];
} variants;

static void search_all(kz_index *idx, const char *q, size_t k, variants *f) {
  for (int v = 0; v < VARIANTS; v++) {
    kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
    o.exact_names = 1; /* plain BM25, as the reference it is compared with */
    o.no_expand = 1; /* plain BM25 against plain BM25 */
    o.snippet_bytes = 0;
    o.ids_only = 1;
    o.collapse = 0; /* pruned against exhaustive plain BM25 */
    o.k = k;
    o.skip_total = v >= PRUNED;
    kz_eval_config cfg = {
        .no_flat = v == FULL_TREE || v == PRUNED_TREE,
        .always_prune = v == PRUNED_ALWAYS ? 1 : v == PRUNED_DAAT ? 2 : v == PRUNED_DENSE ? 3 : 0};
    kz_error err;
    f->h[v] = NULL;
    f->rc[v] = kz_search_with(&f->h[v], idx, q, &o, &cfg, &err);
  }
}

/* Whether a and b hold the same hits: ids, order and the bits of every score. */
static int same_hits(const char *q, const char *what, const kz_hits *a, const kz_hits *b) {
  if (kz_hits_size(a) != kz_hits_size(b)) {
    fprintf(stderr, "query [%s] %s: %zu hits against %zu\n", q, what, kz_hits_size(a),
            kz_hits_size(b));
    return 0;
  }
  for (size_t h = 0; h < kz_hits_size(a); h++) {
    const kz_hit *x = kz_hits_at(a, h), *y = kz_hits_at(b, h);
    if (x->doc != y->doc || x->score != y->score) {
      fprintf(stderr, "query [%s] %s, rank %zu: %s %.17g against %s %.17g\n", q, what, h + 1,
              x->id, x->score, y->id, y->score);
      return 0;
    }
  }
  return 1;
}

static void test_pruning__identical_to_exhaustive(void) {
  int merges;
  build_index(&merges);
  kz_index *idx;
  kz_error err;
  CHECK(kz_index_open(&idx, dir, &err) == KZ_OK);
  kz_index_stats st = KZ_INDEX_STATS_INIT;
  CHECK(kz_index_stats_get(idx, &st, &err) == KZ_OK);
  printf("%llu segments after %d merges, %llu deleted documents\n",
         (unsigned long long)st.segments, merges, (unsigned long long)st.deleted_documents);
  CHECK(st.segments >= 3);
  CHECK(merges > 0);
  CHECK(st.deleted_documents > 0);
  int compared = 0, pruned_fewer = 0;
  uint64_t scored_full = 0, scored_pruned = 0;
  for (int i = 0; i < N_QUERIES; i++) {
    char q[512];
    random_query(q, sizeof q);
    variants f;
    search_all(idx, q, 1 + (size_t)kz_test_rand_below(&g_rng, 20), &f);
    for (int v = 1; v < VARIANTS; v++) CHECK_EQ_INT(f.rc[v], f.rc[FULL]);
    if (f.rc[FULL] == KZ_OK) { /* else e.g. every word excluded: all reject it alike */
      CHECK(same_hits(q, "exhaustive: flat against tree", f.h[FULL], f.h[FULL_TREE]));
      CHECK(same_hits(q, "pruned against exhaustive", f.h[FULL], f.h[PRUNED]));
      CHECK(same_hits(q, "pruned tree against exhaustive", f.h[FULL], f.h[PRUNED_TREE]));
      CHECK(same_hits(q, "pruned always against exhaustive", f.h[FULL], f.h[PRUNED_ALWAYS]));
      CHECK(same_hits(q, "pruned document at a time against exhaustive", f.h[FULL],
                      f.h[PRUNED_DAAT]));
      CHECK(same_hits(q, "pruned, dense windows whole, against exhaustive", f.h[FULL],
                      f.h[PRUNED_DENSE]));
      CHECK_EQ_INT(kz_hits_total(f.h[FULL]), kz_hits_total(f.h[FULL_TREE]));
      uint64_t counted = 0, counted_tree = 0;
      kz_eval_config tree = {.no_flat = 1};
      CHECK_EQ_INT(kz_count_with(&counted, idx, q, NULL, NULL, &err), KZ_OK);
      CHECK_EQ_INT(kz_count_with(&counted_tree, idx, q, NULL, &tree, &err), KZ_OK);
      CHECK_EQ_INT(counted, kz_hits_total(f.h[FULL]));
      CHECK_EQ_INT(counted_tree, counted);
      CHECK(kz_hits_total(f.h[PRUNED]) <= kz_hits_total(f.h[FULL]));
      pruned_fewer += kz_hits_total(f.h[PRUNED]) < kz_hits_total(f.h[FULL]);
      scored_full += kz_hits_counters(f.h[FULL]).scored;
      scored_pruned += kz_hits_counters(f.h[PRUNED_ALWAYS]).scored;
      compared++;
    }
    for (int v = 0; v < VARIANTS; v++) kz_hits_free(f.h[v]);
  }
  printf("compared %d queries; pruning skipped documents on %d of them and scored %llu postings "
         "where exhaustive evaluation scored %llu\n",
         compared, pruned_fewer, (unsigned long long)scored_pruned,
         (unsigned long long)scored_full);
  CHECK(compared > N_QUERIES / 2);
  CHECK(pruned_fewer > 0); /* the pruned path really ran */
  CHECK(scored_pruned < scored_full);
  kz_index_close(idx);
  CHECK(kz_test_remove_tree(dir));
}

KZ_TEST_MAIN(KZ_TEST(test_pruning__identical_to_exhaustive))
