/*
 * test_collect.c - the collectors behind the sink (searcher/collect.h)
 * against brute force: top k by a per-document value (both directions,
 * documents without a value, ties of values and of scores, offsets) and
 * facet counts; then whole searches through them on a multi-segment index
 * with deletions, against the order and counts made from every match of an
 * exhaustive kz_search, for queries that reach each evaluator path (one
 * term, disjunctions, conjunctions, exclusions, phrases).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kz_test.h"
#include "kz_test_fs.h"
#include "kzsearch.h"
#include "searcher/collect.h"
#include "searcher/collect_facets.h"
#include "searcher/collect_value.h"
#include "searcher/index.h"
#include "searcher/search_internal.h"

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rng(void) { return kz_test_xorshift(&rng_state); }

/* ---- brute force ------------------------------------------------------------ */

typedef struct entry {
  int64_t value;
  double score;
  uint64_t doc;
} entry;

static int ascending_order;

/* The documented order, written out independently of collect_value.c. */
static int by_documented_order(const void *pa, const void *pb) {
  const entry *a = pa, *b = pb;
  int a_has = a->value != KZ_VALUE_NONE, b_has = b->value != KZ_VALUE_NONE;
  if (a_has != b_has) return a_has ? -1 : 1;
  if (a_has && a->value != b->value) {
    int a_first = ascending_order ? a->value < b->value : a->value > b->value;
    return a_first ? -1 : 1;
  }
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  return a->doc < b->doc ? -1 : a->doc > b->doc;
}

/* Buckets of 7, rounded down also below zero. */
static int64_t week(void *ctx, int64_t v) {
  (void)ctx;
  return v >= 0 ? v / 7 : -((-v + 6) / 7);
}

/* Counts of week() over the entries with a value; *missing the others. */
static size_t brute_facets(const entry *e, size_t n, kz_facet_bucket *out, uint64_t *missing) {
  size_t k = 0;
  *missing = 0;
  for (size_t i = 0; i < n; i++) {
    if (e[i].value == KZ_VALUE_NONE) {
      (*missing)++;
      continue;
    }
    int64_t key = week(NULL, e[i].value);
    size_t j = 0;
    while (j < k && out[j].key != key) j++;
    if (j == k) out[k++] = (kz_facet_bucket){key, 0};
    out[j].count++;
  }
  for (size_t i = 1; i < k; i++) /* by key */
    for (size_t j = i; j > 0 && out[j - 1].key > out[j].key; j--) {
      kz_facet_bucket t = out[j];
      out[j] = out[j - 1];
      out[j - 1] = t;
    }
  return k;
}

/* ---- the collectors alone ------------------------------------------------------ */

#define MAX_DOCS 3000
#define N_SEGS 4

/* Random segments of random values (few distinct: ties), some missing, one segment without any. */
static size_t random_values(int64_t vals[N_SEGS][MAX_DOCS], const int64_t *seg[N_SEGS],
                            uint32_t seg_docs[N_SEGS]) {
  size_t total = 0;
  int64_t range = 1 + (int64_t)(rng() % 40);
  for (int s = 0; s < N_SEGS; s++) {
    seg_docs[s] = (uint32_t)(rng() % (MAX_DOCS / N_SEGS));
    total += seg_docs[s];
    for (uint32_t d = 0; d < seg_docs[s]; d++)
      vals[s][d] = rng() % 5 == 0 ? KZ_VALUE_NONE : (int64_t)(rng() % (uint64_t)range) - range / 2;
    seg[s] = rng() % 6 == 0 ? NULL : vals[s];
  }
  return total;
}

static void test_collect__top_value_matches_brute_force(void) {
  static int64_t vals[N_SEGS][MAX_DOCS];
  static entry all[MAX_DOCS];
  for (int round = 0; round < 300; round++) {
    const int64_t *seg[N_SEGS];
    uint32_t seg_docs[N_SEGS];
    random_values(vals, seg, seg_docs);
    kz_doc_values values = {seg, N_SEGS};
    ascending_order = (int)(rng() % 2);
    size_t k = 1 + rng() % 30, offset = rng() % 3 == 0 ? 0 : rng() % 50;
    kz_top_value top;
    CHECK(kz_top_value_init(&top, k + offset, &values, ascending_order) == KZ_OK);
    kz_sink sink = kz_sink_collect(&top.base);
    size_t n = 0;
    uint64_t base = 0;
    for (int s = 0; s < N_SEGS; s++) {
      kz_sink_segment(&sink, (size_t)s, base, NULL);
      for (uint32_t d = 0; d < seg_docs[s]; d++) {
        if (rng() % 3 == 0) continue; /* not a match */
        double score = (double)(rng() % 4) * 0.25; /* ties of scores too */
        kz_sink_offer(&sink, score, d);
        all[n++] = (entry){seg[s] ? seg[s][d] : KZ_VALUE_NONE, score, base + d};
      }
      base += seg_docs[s];
    }
    CHECK_EQ_INT(sink.matches, n);
    qsort(all, n, sizeof *all, by_documented_order);
    kz_top_value_sort(&top);
    CHECK_EQ_INT(top.n, n < k + offset ? n : k + offset);
    for (size_t i = offset; i < top.n; i++) {
      CHECK_EQ_INT(top.heap[i].doc, all[i].doc);
      CHECK_EQ_INT(top.heap[i].value, all[i].value);
      CHECK(top.heap[i].score == all[i].score);
    }
    kz_top_value_free(&top);
  }
}

static void test_collect__facets_match_brute_force(void) {
  static int64_t vals[N_SEGS][MAX_DOCS];
  static entry all[MAX_DOCS];
  static kz_facet_bucket expect[MAX_DOCS];
  for (int round = 0; round < 200; round++) {
    const int64_t *seg[N_SEGS];
    uint32_t seg_docs[N_SEGS];
    random_values(vals, seg, seg_docs);
    if (round % 4 == 0) /* values spread wide: the table grows */
      for (int s = 0; s < N_SEGS; s++)
        for (uint32_t d = 0; d < seg_docs[s]; d++)
          if (vals[s][d] != KZ_VALUE_NONE) vals[s][d] = (int64_t)(rng() % 100000) - 50000;
    kz_doc_values values = {seg, N_SEGS};
    kz_facets f;
    CHECK(kz_facets_init(&f, &values, week, NULL) == KZ_OK);
    kz_sink sink = kz_sink_collect(&f.base);
    CHECK(!sink.scoring);
    size_t n = 0;
    uint64_t base = 0;
    for (int s = 0; s < N_SEGS; s++) {
      kz_sink_segment(&sink, (size_t)s, base, NULL);
      for (uint32_t d = 0; d < seg_docs[s]; d++) {
        if (rng() % 2 == 0) continue;
        kz_sink_match(&sink, d);
        all[n++] = (entry){seg[s] ? seg[s][d] : KZ_VALUE_NONE, 0, base + d};
      }
      base += seg_docs[s];
    }
    uint64_t missing;
    size_t n_expect = brute_facets(all, n, expect, &missing);
    kz_facet_bucket *got;
    size_t n_got;
    CHECK(f.base.error == KZ_OK);
    CHECK(kz_facets_buckets(&f, &got, &n_got) == KZ_OK);
    CHECK_EQ_INT(n_got, n_expect);
    CHECK_EQ_INT(f.missing, missing);
    for (size_t i = 0; i < n_got; i++) {
      CHECK_EQ_INT(got[i].key, expect[i].key);
      CHECK_EQ_INT(got[i].count, expect[i].count);
    }
    free(got);
    kz_facets_free(&f);
  }
}

/* ---- whole searches ----------------------------------------------------------- */

#define IDX_DOCS 3000
static char dir[] = "/tmp/kz_collect_XXXXXX";
static const char *words[] = {"oil", "price", "wheat", "bank", "rate", "trade", "crude", "grain"};

static void build_index(void) {
  CHECK(mkdtemp(dir) != NULL);
  kz_writer_options wo = KZ_WRITER_OPTIONS_INIT;
  wo.memory_bytes = 256 << 10; /* several segments */
  kz_writer *w;
  kz_error err;
  CHECK(kz_writer_open(&w, dir, &wo, &err) == KZ_OK);
  char body[2048], id[32];
  for (int d = 0; d < IDX_DOCS; d++) {
    size_t len = 0;
    int n = 1 + (int)(rng() % 30);
    for (int i = 0; i < n; i++)
      len += (size_t)snprintf(body + len, sizeof body - len, "%s ", words[rng() % 8 * (rng() % 3) / 2]);
    snprintf(id, sizeof id, "doc-%d", d);
    kz_document doc = {sizeof(kz_document), id, strlen(id), "", 0, body, len, NULL, 0, NULL, 0};
    CHECK(kz_writer_add(w, &doc, &err) == KZ_OK);
  }
  CHECK(kz_writer_commit(w, &err) == KZ_OK);
  for (int d = 0; d < IDX_DOCS; d += 17) { /* deletions, to be skipped by every collector */
    snprintf(id, sizeof id, "doc-%d", d);
    int found = 0;
    CHECK(kz_writer_delete(w, id, strlen(id), &found, &err) == KZ_OK);
    CHECK(found);
  }
  CHECK(kz_writer_commit(w, &err) == KZ_OK);
  kz_writer_close(w);
}

/* A value for each document of the index: few distinct (ties), some missing, a segment without. */
static int64_t *make_values(kz_index *idx, const int64_t ***seg_out) {
  int64_t *v = malloc((idx->n_docs ? idx->n_docs : 1) * sizeof *v);
  const int64_t **seg = calloc(idx->n_segs, sizeof *seg);
  if (!v || !seg) abort();
  for (uint64_t g = 0; g < idx->n_docs; g++)
    v[g] = g % 9 == 4 ? KZ_VALUE_NONE : (int64_t)((g * 7919) % 23) - 5;
  for (size_t s = 0; s < idx->n_segs; s++) {
    seg[s] = s == 1 ? NULL : v + idx->doc_base[s];
    for (uint64_t d = 0; s == 1 && d < idx->segs[s].info.doc_count; d++)
      v[idx->doc_base[s] + d] = KZ_VALUE_NONE; /* as the brute force sees it */
  }
  *seg_out = seg;
  return v;
}

static const char *queries[] = {
    "oil",               /* one term */
    "oil price",         /* disjunction */
    "oil price wheat bank rate trade crude", /* a long one */
    "+oil +price",       /* conjunction */
    "+oil price -wheat", /* required, optional, excluded */
    "oil -bank",         /* disjunction with an exclusion */
    "\"oil price\"",     /* phrase: the iterator tree */
    "\"oil price\" bank",
};

/* Every match of q as (value, score, doc), from an exhaustive kz_search of all hits. */
static size_t all_matches(kz_index *idx, const char *q, const int64_t *v, entry *out,
                          uint64_t *total) {
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.k = IDX_DOCS;
  o.ids_only = 1;
  o.collapse = 0; /* against every match */
  kz_hits *h;
  kz_error err;
  if (kz_search(&h, idx, q, &o, &err) != KZ_OK) abort();
  size_t n = kz_hits_size(h);
  for (size_t i = 0; i < n; i++) {
    const kz_hit *hit = kz_hits_at(h, i);
    out[i] = (entry){v[hit->doc], hit->score, hit->doc};
  }
  *total = kz_hits_total(h);
  kz_hits_free(h);
  return n;
}

static void test_collect__searches_sorted_by_value_and_faceted(void) {
  build_index();
  kz_index *idx;
  kz_error err;
  CHECK(kz_index_open(&idx, dir, &err) == KZ_OK);
  CHECK(idx->n_segs > 2);
  const int64_t **seg;
  int64_t *v = make_values(idx, &seg);
  kz_doc_values values = {seg, idx->n_segs};
  static entry all[IDX_DOCS];
  static kz_facet_bucket expect[IDX_DOCS];
  int failures = kz_test_failures_;
  for (size_t qi = 0; qi < sizeof queries / sizeof *queries && failures == kz_test_failures_; qi++) {
    uint64_t total;
    size_t n = all_matches(idx, queries[qi], v, all, &total);
    if (n == 0 || total != n) {
      fprintf(stderr, "query %s: %zu matches, total %llu\n", queries[qi], n,
              (unsigned long long)total);
      kz_test_failures_++;
      break;
    }
    for (ascending_order = 0; ascending_order < 2; ascending_order++) {
      qsort(all, n, sizeof *all, by_documented_order);
      size_t pages[][2] = {{10, 0}, {7, 13}, {n, 0}, {5, n - 2}};
      for (size_t p = 0; p < 4; p++) {
        kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
        o.k = pages[p][0];
        o.offset = pages[p][1];
        o.ids_only = 1;
        o.collapse = 0; /* pages of every match */
        o.skip_total = (int)(p % 2); /* pruning does not apply to this order */
        kz_hits *h;
        CHECK(kz_search_by_value(&h, idx, queries[qi], &o, NULL, &values, ascending_order, &err) ==
              KZ_OK);
        CHECK_EQ_INT(kz_hits_total(h), n);
        size_t want = o.offset >= n ? 0 : (n - o.offset < o.k ? n - o.offset : o.k);
        CHECK_EQ_INT(kz_hits_size(h), want);
        for (size_t i = 0; i < want; i++) {
          CHECK_EQ_INT(kz_hits_at(h, i)->doc, all[o.offset + i].doc);
          CHECK(kz_hits_at(h, i)->score == all[o.offset + i].score);
        }
        kz_hits_free(h);
      }
    }
    kz_facets f;
    CHECK(kz_facets_init(&f, &values, week, NULL) == KZ_OK);
    uint64_t matched = 0;
    CHECK(kz_search_collect(idx, queries[qi], NULL, NULL, &f.base, &matched, &err) == KZ_OK);
    CHECK_EQ_INT(matched, n);
    uint64_t missing;
    size_t n_expect = brute_facets(all, n, expect, &missing);
    kz_facet_bucket *got;
    size_t n_got;
    CHECK(kz_facets_buckets(&f, &got, &n_got) == KZ_OK);
    CHECK_EQ_INT(f.missing, missing);
    CHECK_EQ_INT(n_got, n_expect);
    for (size_t i = 0; i < n_got; i++) {
      CHECK_EQ_INT(got[i].key, expect[i].key);
      CHECK_EQ_INT(got[i].count, expect[i].count);
    }
    free(got);
    kz_facets_free(&f);
  }
  free(v);
  free(seg);
  kz_index_close(idx);
  kz_test_remove_tree(dir);
}

KZ_TEST_MAIN(KZ_TEST(test_collect__top_value_matches_brute_force),
             KZ_TEST(test_collect__facets_match_brute_force),
             KZ_TEST(test_collect__searches_sorted_by_value_and_faceted))
