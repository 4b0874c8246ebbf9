/*
 * test_alloc_failure_read.c - every allocation made while reading a
 * committed index is made to fail, one at a time (alloc_fault.c,
 * alloc_fixtures.c): (c) kz_index_open, kz_search with snippets (and pruned,
 * explained), kz_count, kz_index_stats_get and kz_index_check. A call that
 * says KZ_OK (explanations included) must give the same result as without
 * failures.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc_fault.h"
#include "alloc_fixtures.h"
#include "kz_test.h"
#include "kzsearch.h"

/*
 * (c) Reading. The counting run records one digest per call; with failures a
 * call must fail with KZ_ERR_NOMEM or give the very same result.
 */
static const char *const kQueries[] = {
    "marker", "steppe nomad", "+astana -almaty", "\"steppe nomad\"", "(oil OR uranium) AND river",
    "baikonur rocket museum history",
};
#define N_QUERIES (sizeof kQueries / sizeof kQueries[0])
/* Per query: ranked with snippets, pruned (skip_total, AND by default), counted. */
#define N_DIGESTS (3 * N_QUERIES + 3)

static uint64_t g_digest[N_DIGESTS];

static uint64_t mix(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}
static uint64_t mix_str(uint64_t h, const char *s) { return mix(h, s, strlen(s) + 1); }

/* An explanation tree (kz_search_options.explain), node by node. */
static uint64_t mix_explanation(uint64_t h, const kz_explanation *e) {
  if (!e) return mix(h, "-", 1);
  h = mix_str(h, e->kind);
  h = mix(h, &e->value, sizeof e->value);
  h = mix_str(h, e->description);
  h = mix(h, &e->n_children, sizeof e->n_children);
  for (size_t i = 0; i < e->n_children; i++) h = mix_explanation(h, &e->children[i]);
  return h;
}

static uint64_t digest_hits(const kz_hits *hits) {
  uint64_t h = 0xcbf29ce484222325ull, total = kz_hits_total(hits);
  size_t n = kz_hits_size(hits);
  h = mix(h, &total, sizeof total);
  h = mix(h, &n, sizeof n);
  for (size_t i = 0; i < n; i++) {
    const kz_hit *x = kz_hits_at(hits, i);
    h = mix(h, &x->doc, sizeof x->doc);
    h = mix(h, &x->score, sizeof x->score);
    h = mix_str(h, x->id);
    h = mix_str(h, x->title);
    h = mix_str(h, x->date);
    h = mix_str(h, x->url);
    h = mix_str(h, x->snippet);
    h = mix(h, &x->n_highlights, sizeof x->n_highlights);
    for (size_t k = 0; k < x->n_highlights; k++) h = mix(h, &x->highlights[k], sizeof x->highlights[k]);
    h = mix_explanation(h, kz_hits_explanation_at(hits, i));
  }
  return mix_explanation(h, kz_hits_query_explanation(hits));
}

static void same_result(size_t slot, uint64_t digest, const char *what) {
  if (!g_n)
    g_digest[slot] = digest;
  else if (g_digest[slot] != digest)
    BAD("%s said KZ_OK but its result differs from the run without failures", what);
}

static void scenario_c(void) {
  kz_index *idx = NULL;
  kz_error err = {0};
  int rc = kz_index_open(&idx, g_template, &err);
  if (status_ok("kz_index_open", rc, &err)) {
    kz_search_options o = KZ_SEARCH_OPTIONS_INIT, pruned = KZ_SEARCH_OPTIONS_INIT;
    o.k = 5;
    o.snippet_bytes = 80;
    pruned.k = 2;
    pruned.offset = 1;
    pruned.skip_total = 1;
    pruned.default_and = 1;
    pruned.ids_only = 1;
    pruned.explain = 1;
    for (size_t q = 0; q < N_QUERIES; q++) {
      kz_hits *hits = NULL;
      char what[128];
      snprintf(what, sizeof what, "kz_search(%s)", kQueries[q]);
      rc = kz_search(&hits, idx, kQueries[q], &o, &err);
      if (status_ok(what, rc, &err)) same_result(3 * q, digest_hits(hits), what);
      kz_hits_free(hits);
      hits = NULL;
      snprintf(what, sizeof what, "kz_search(%s, pruned)", kQueries[q]);
      rc = kz_search(&hits, idx, kQueries[q], &pruned, &err);
      if (status_ok(what, rc, &err)) same_result(3 * q + 1, digest_hits(hits), what);
      kz_hits_free(hits);
      uint64_t count = 0;
      snprintf(what, sizeof what, "kz_count(%s)", kQueries[q]);
      rc = kz_count(&count, idx, kQueries[q], NULL, &err);
      if (status_ok(what, rc, &err)) same_result(3 * q + 2, count, what);
    }
    kz_index_stats st = KZ_INDEX_STATS_INIT;
    rc = kz_index_stats_get(idx, &st, &err);
    if (status_ok("kz_index_stats_get", rc, &err))
      same_result(3 * N_QUERIES, mix(0xcbf29ce484222325ull, &st, sizeof st), "kz_index_stats_get");
    kz_index_close(idx);
  }
  for (int full = 0; full <= 1; full++) {
    kz_check_report rep = KZ_CHECK_REPORT_INIT;
    int problems = 0;
    rc = kz_index_check(g_template, full, count_problem, &problems, &rep, &err);
    if (status_ok("kz_index_check", rc, &err)) {
      if (rep.problems) BAD("kz_index_check reported %llu problems", (unsigned long long)rep.problems);
      same_result(3 * N_QUERIES + 1 + (size_t)full, mix(0xcbf29ce484222325ull, &rep, sizeof rep),
                  "kz_index_check");
    }
  }
  disarm();
}

static void test_alloc_failure__open_search_count_stats_check(void) {
  CHECK(setup());
  uint64_t tried;
  CHECK_EQ_INT(run_faults("c (reading)", 0, prepare_nothing, scenario_c, &tried), 0);
  CHECK(tried > 0);
}

KZ_TEST_MAIN(KZ_TEST(test_alloc_failure__open_search_count_stats_check))
