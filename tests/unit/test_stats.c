/*
 * test_stats.c - the statistics seam (searcher/stats.h): a collection split
 * into two shards scores every document of a shard exactly as the unsplit
 * collection does when the shard is searched with the whole collection's
 * statistics, supplied from outside through kz_eval_config.stats; with its
 * own statistics it does not. Also: the index's own statistics, passed
 * explicitly, change nothing, and a provider's error reaches the caller.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kz_test.h"
#include "kz_test_fs.h"
#include "kzsearch.h"
#include "searcher/index.h"
#include "searcher/search_internal.h"
#include "searcher/stats.h"

#define N_DOCS 1200

static uint64_t rng_state = 0x853c49e6748fea9bull;
static uint64_t rng(void) { return kz_test_xorshift(&rng_state); }

static const char *words[] = {"oil", "price", "wheat", "bank", "rate", "trade", "crude", "grain",
                              "opec", "tonnes"};

static char whole_dir[] = "/tmp/kz_stats_whole_XXXXXX";
static char shard_dir[2][32] = {"/tmp/kz_stats_a_XXXXXX", "/tmp/kz_stats_b_XXXXXX"};

/* Document d: words skewed towards the first ones, so the shards' frequencies differ. */
static size_t make_body(char *body, size_t size, int d) {
  size_t len = 0;
  int n = 1 + (int)(rng() % 40) + (d % 2) * 20;
  for (int i = 0; i < n; i++) {
    unsigned w = (unsigned)(rng() % 10);
    if (d % 3 == 0 && w > 5) w -= 5;
    len += (size_t)snprintf(body + len, size - len, "%s ", words[w]);
  }
  return len;
}

/* The whole collection, and the same documents split into two shards (shard = d % 2). */
static int build(void) {
  if (!mkdtemp(whole_dir) || !mkdtemp(shard_dir[0]) || !mkdtemp(shard_dir[1])) return -1;
  kz_writer_options wo = KZ_WRITER_OPTIONS_INIT;
  kz_writer *w[3];
  kz_error err;
  const char *dirs[3] = {whole_dir, shard_dir[0], shard_dir[1]};
  for (int i = 0; i < 3; i++)
    if (kz_writer_open(&w[i], dirs[i], &wo, &err)) return -1;
  char body[4096], id[32];
  for (int d = 0; d < N_DOCS; d++) {
    size_t len = make_body(body, sizeof body, d);
    snprintf(id, sizeof id, "doc-%d", d);
    kz_document doc = {sizeof(kz_document), id, strlen(id), "", 0, body, len, NULL, 0, NULL, 0};
    if (kz_writer_add(w[0], &doc, &err) || kz_writer_add(w[1 + d % 2], &doc, &err)) return -1;
  }
  for (int i = 0; i < 3; i++) {
    if (kz_writer_commit(w[i], &err)) return -1;
    kz_writer_close(w[i]);
  }
  return 0;
}

/* A provider of the whole collection's statistics: the two shards' added up. */
typedef struct shards {
  kz_index *idx[2];
} shards;

static int shards_term(const kz_collection_stats *stats, const char *key, size_t key_len,
                       kz_term_stats *out) {
  const shards *sh = stats->ctx;
  out->df = out->cf = 0;
  for (int i = 0; i < 2; i++)
    for (size_t s = 0; s < sh->idx[i]->n_segs; s++) {
      kz_term_info info;
      int found = kz_segment_lookup(&sh->idx[i]->segs[s], key, key_len, &info);
      if (found < 0) return found;
      if (found) {
        out->df += info.df;
        out->cf += info.cf;
      }
    }
  return KZ_OK;
}

static int failing_term(const kz_collection_stats *stats, const char *key, size_t key_len,
                        kz_term_stats *out) {
  (void)stats, (void)key, (void)key_len, (void)out;
  return KZ_ERR_CORRUPT;
}

static const char *queries[] = {"oil", "opec", "oil price", "wheat grain tonnes crude",
                                "\"oil price\"", "\"crude oil\" opec", "rate -bank"};

static kz_hits *search(kz_index *idx, const char *q, const kz_collection_stats *stats) {
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.k = N_DOCS;
  o.ids_only = 1;
  kz_eval_config cfg = {.stats = stats};
  kz_hits *h = NULL;
  kz_error err;
  if (kz_search_with(&h, idx, q, &o, &cfg, &err) != KZ_OK) return NULL;
  return h;
}

/* The score of document `id` in h (NAN when absent). */
static double score_of(const kz_hits *h, const char *id) {
  for (size_t i = 0; i < kz_hits_size(h); i++)
    if (strcmp(kz_hits_at(h, i)->id, id) == 0) return kz_hits_at(h, i)->score;
  return NAN;
}

static void test_stats__shards_score_as_the_whole_with_its_statistics(void) {
  CHECK(build() == 0);
  kz_index *whole;
  shards sh;
  kz_error err;
  CHECK(kz_index_open(&whole, whole_dir, &err) == KZ_OK);
  CHECK(kz_index_open(&sh.idx[0], shard_dir[0], &err) == KZ_OK);
  CHECK(kz_index_open(&sh.idx[1], shard_dir[1], &err) == KZ_OK);
  kz_collection_stats global = {.n_docs = sh.idx[0]->n_docs + sh.idx[1]->n_docs,
                                .total_length = sh.idx[0]->total_length + sh.idx[1]->total_length,
                                .term = shards_term,
                                .ctx = &sh};
  size_t compared = 0, differ_own = 0;
  for (size_t qi = 0; qi < sizeof queries / sizeof *queries; qi++) {
    kz_hits *w = search(whole, queries[qi], NULL);
    CHECK(w != NULL);
    size_t in_shards = 0;
    for (int i = 0; i < 2; i++) {
      kz_hits *g = search(sh.idx[i], queries[qi], &global);
      kz_hits *own = search(sh.idx[i], queries[qi], NULL);
      CHECK(g && own);
      CHECK_EQ_INT(kz_hits_size(g), kz_hits_size(own));
      in_shards += kz_hits_size(g);
      for (size_t j = 0; j < kz_hits_size(g); j++) {
        const kz_hit *hit = kz_hits_at(g, j);
        double expect = score_of(w, hit->id);
        if (!(hit->score == expect))
          fprintf(stderr, "%s: %s scores %.17g in its shard, %.17g in the whole\n", queries[qi],
                  hit->id, hit->score, expect);
        CHECK(hit->score == expect);
        differ_own += score_of(own, hit->id) != expect;
        compared++;
      }
      kz_hits_free(g);
      kz_hits_free(own);
    }
    CHECK_EQ_INT(in_shards, kz_hits_size(w));
    kz_hits_free(w);
  }
  printf("compared %zu shard hits; %zu of them score otherwise with the shard's own statistics\n",
         compared, differ_own);
  CHECK(compared > 1000);
  CHECK(differ_own > compared / 2); /* the test would notice statistics left unused */

  /* The index's own statistics passed explicitly: the same bits as by default. */
  kz_collection_stats own = kz_index_collection_stats(whole);
  kz_hits *a = search(whole, "wheat grain tonnes crude", NULL);
  kz_hits *b = search(whole, "wheat grain tonnes crude", &own);
  CHECK(a && b && kz_hits_size(a) == kz_hits_size(b));
  for (size_t j = 0; j < kz_hits_size(a); j++) {
    CHECK_EQ_INT(kz_hits_at(a, j)->doc, kz_hits_at(b, j)->doc);
    CHECK(kz_hits_at(a, j)->score == kz_hits_at(b, j)->score);
  }
  kz_hits_free(a);
  kz_hits_free(b);

  /* A provider's error is the search's. */
  kz_collection_stats broken = global;
  broken.term = failing_term;
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  kz_eval_config cfg = {.stats = &broken};
  kz_hits *h = NULL;
  CHECK_EQ_INT(kz_search_with(&h, whole, "oil", &o, &cfg, &err), KZ_ERR_CORRUPT);
  CHECK(h == NULL);

  kz_index_close(whole);
  kz_index_close(sh.idx[0]);
  kz_index_close(sh.idx[1]);
  kz_test_remove_tree(whole_dir);
  kz_test_remove_tree(shard_dir[0]);
  kz_test_remove_tree(shard_dir[1]);
}

KZ_TEST_MAIN(KZ_TEST(test_stats__shards_score_as_the_whole_with_its_statistics))
