/*
 * test_ranking_options.c - the ranking options of kz_search_options
 * version 3 (README, "Ranking options"), each on its defining property:
 * a title match ranks above the same match in the body (and BM25F with a
 * vanishing title weight is BM25); a closer pair scores higher (and the
 * top k with proximity equals the exhaustive ranking); a newer article
 * ranks above an older one with the same text, by the documented factor;
 * RM3's feedback terms come from the top documents; bad values are errors.
 * And the two evaluators of the options (searcher/rank.h: the windows of
 * rank_flat.c, the iterator tree) rank alike, to the last bit.
 *
 * Owns a temporary directory per test, removed at the end.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kz_test_fs.h"
#include "kzsearch.h"
#include "searcher/search_internal.h"

static char dir[512];

typedef struct doc_spec {
  const char *id, *title, *body, *date;
} doc_spec;

/* A fresh index of the given documents, in order, one segment; NULL on failure. */
static kz_index *build(const doc_spec *docs, size_t n) {
  if (dir[0]) kz_test_remove_tree(dir);
  if (!kz_test_make_temp_dir(dir, sizeof dir, "kz_test_rank")) return NULL;
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.threads = 1;
  kz_writer *w = NULL;
  if (kz_writer_open(&w, dir, &o, NULL) != KZ_OK) return NULL;
  for (size_t i = 0; i < n; i++) {
    const doc_spec *s = &docs[i];
    kz_document d = {sizeof(kz_document), s->id, strlen(s->id), s->title, strlen(s->title),
                     s->body, strlen(s->body), s->date, s->date ? strlen(s->date) : 0, NULL, 0};
    if (kz_writer_add(w, &d, NULL) != KZ_OK) {
      kz_writer_close(w);
      return NULL;
    }
  }
  int rc = kz_writer_commit(w, NULL);
  kz_writer_close(w);
  kz_index *idx = NULL;
  return rc == KZ_OK && kz_index_open(&idx, dir, NULL) == KZ_OK ? idx : NULL;
}

/* The hits' ids joined by spaces into out, or "error". */
static void ranked_ids(kz_index *idx, const char *q, const kz_search_options *o, char *out,
                       size_t cap) {
  kz_hits *h = NULL;
  out[0] = 0;
  if (kz_search(&h, idx, q, o, NULL) != KZ_OK) {
    snprintf(out, cap, "error");
    return;
  }
  size_t len = 0;
  for (size_t i = 0; i < kz_hits_size(h) && len < cap; i++)
    len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "", kz_hits_at(h, i)->id);
  kz_hits_free(h);
}

/* The score of hit `id` of a search, or -1. */
static double score_of(kz_index *idx, const char *q, const kz_search_options *o, const char *id) {
  kz_hits *h = NULL;
  double s = -1;
  if (kz_search(&h, idx, q, o, NULL) != KZ_OK) return -1;
  for (size_t i = 0; i < kz_hits_size(h); i++)
    if (!strcmp(kz_hits_at(h, i)->id, id)) s = kz_hits_at(h, i)->score;
  kz_hits_free(h);
  return s;
}

static void test_ranking__title_match_ranks_above_the_same_match_in_the_body(void) {
  /* the same tokens in the text field, "quasar" once each; only where it stands differs */
  static const doc_spec docs[] = {
      {"body", "distant bright object", "quasar seen far away", NULL},
      {"title", "quasar bright object", "distant seen far away", NULL},
      {"other", "nothing here", "only filler words", NULL},
  };
  kz_index *idx = build(docs, 3);
  CHECK(idx);
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.collapse = 0; /* the test documents are near-duplicates of each other on purpose */
  char got[256];
  double plain_body = score_of(idx, "quasar", &o, "body"), plain_title = score_of(idx, "quasar", &o, "title");
  o.title_weight = 2;
  ranked_ids(idx, "quasar", &o, got, sizeof got);
  double body = score_of(idx, "quasar", &o, "body"), title = score_of(idx, "quasar", &o, "title");
  kz_index_close(idx);
  CHECK(plain_body > 0 && plain_body == plain_title); /* BM25 cannot tell them apart */
  CHECK_EQ_STR(got, "title body");
  CHECK(title > body);
  CHECK(fabs(body - plain_body) < 1e-12 * plain_body); /* no title match: BM25F is BM25 */
}

/* Random documents over a small vocabulary, titles included, some dated. */
static kz_index *build_random(uint64_t seed, size_t n, char (*text)[2][400]) {
  static const char *const words[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta",
                                      "eta",   "theta", "iota", "kappa", "lambda",  "mu"};
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, seed);
  doc_spec *docs = calloc(n, sizeof *docs);
  char(*ids)[24] = calloc(n, sizeof *ids);
  if (!docs || !ids) return NULL;
  for (size_t i = 0; i < n; i++) {
    for (int f = 0; f < 2; f++) {
      size_t len = 0, count = f ? 1 + kz_test_rand_below(&r, 40) : kz_test_rand_below(&r, 5);
      text[i][f][0] = 0;
      for (size_t w = 0; w < count; w++)
        len += (size_t)snprintf(text[i][f] + len, sizeof text[i][f] - len, "%s ",
                                words[kz_test_rand_below(&r, 12)]);
    }
    snprintf(ids[i], sizeof ids[i], "d%zu", i);
    docs[i] = (doc_spec){ids[i], text[i][0], text[i][1], i % 3 ? "2022-01-06" : NULL};
  }
  kz_index *idx = build(docs, n);
  free(docs);
  free(ids);
  return idx;
}

static void test_ranking__vanishing_title_weight_is_bm25(void) {
  enum { N = 300 };
  static char text[N][2][400];
  kz_index *idx = build_random(7, N, text);
  CHECK(idx);
  static const char *const queries[] = {"alpha", "beta gamma", "delta epsilon zeta eta", "mu mu iota"};
  int ok = 1;
  for (size_t q = 0; q < sizeof queries / sizeof queries[0] && ok; q++) {
    kz_search_options plain = KZ_SEARCH_OPTIONS_INIT, f = KZ_SEARCH_OPTIONS_INIT;
    plain.collapse = f.collapse = 0;
    plain.k = f.k = N;
    plain.snippet_bytes = f.snippet_bytes = 0;
    f.title_weight = 1e-12;
    kz_hits *a = NULL, *b = NULL;
    ok = kz_search(&a, idx, queries[q], &plain, NULL) == KZ_OK &&
         kz_search(&b, idx, queries[q], &f, NULL) == KZ_OK && kz_hits_size(a) == kz_hits_size(b) &&
         kz_hits_total(a) == kz_hits_total(b);
    for (size_t i = 0; ok && i < kz_hits_size(a); i++)
      ok = fabs(kz_hits_at(a, i)->score - kz_hits_at(b, i)->score) <= 1e-9 * kz_hits_at(a, i)->score;
    kz_hits_free(a);
    kz_hits_free(b);
  }
  kz_index_close(idx);
  CHECK(ok);
}

static void test_ranking__closer_pair_scores_higher(void) {
  static const doc_spec docs[] = {
      {"far", "", "storm filler filler filler filler filler coast", NULL},
      {"near", "", "storm coast filler filler filler filler filler", NULL},
      {"one", "", "storm filler filler filler filler filler filler", NULL},
  };
  kz_index *idx = build(docs, 3);
  CHECK(idx);
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.collapse = 0; /* the test documents are near-duplicates of each other on purpose */
  double plain_far = score_of(idx, "storm coast", &o, "far"), plain_near = score_of(idx, "storm coast", &o, "near");
  double plain_one = score_of(idx, "storm coast", &o, "one");
  o.proximity = 1;
  char got[256];
  ranked_ids(idx, "storm coast", &o, got, sizeof got);
  double far = score_of(idx, "storm coast", &o, "far"), near = score_of(idx, "storm coast", &o, "near");
  double one = score_of(idx, "storm coast", &o, "one");
  kz_index_close(idx);
  CHECK(plain_far == plain_near);
  CHECK_EQ_STR(got, "near far one");
  CHECK(near > far && far > plain_far);
  CHECK(one == plain_one); /* a single query term: no pair, no bonus */
}

/*
 * The top 10 with proximity (its bonus skipped where the bound shows the
 * document cannot enter) equals the first 10 of the exhaustive ranking.
 */
static void test_ranking__proximity_top_k_is_exact(void) {
  enum { N = 400 };
  static char text[N][2][400];
  kz_index *idx = build_random(11, N, text);
  CHECK(idx);
  static const char *const queries[] = {"alpha beta", "gamma delta epsilon", "zeta eta theta iota",
                                        "kappa lambda", "mu alpha mu", "beta +gamma"};
  int ok = 1;
  for (size_t q = 0; q < sizeof queries / sizeof queries[0] && ok; q++) {
    kz_search_options top = KZ_SEARCH_OPTIONS_INIT, all = KZ_SEARCH_OPTIONS_INIT;
    top.collapse = all.collapse = 0;
    top.proximity = all.proximity = 1;
    top.snippet_bytes = all.snippet_bytes = 0;
    all.k = N;
    kz_hits *a = NULL, *b = NULL;
    ok = kz_search(&a, idx, queries[q], &top, NULL) == KZ_OK &&
         kz_search(&b, idx, queries[q], &all, NULL) == KZ_OK && kz_hits_size(a) == 10;
    for (size_t i = 0; ok && i < kz_hits_size(a); i++)
      ok = kz_hits_at(a, i)->doc == kz_hits_at(b, i)->doc &&
           kz_hits_at(a, i)->score == kz_hits_at(b, i)->score;
    if (!ok) fprintf(stderr, "query %s differs\n", queries[q]);
    kz_hits_free(a);
    kz_hits_free(b);
  }
  kz_index_close(idx);
  CHECK(ok);
}

static void test_ranking__newer_article_ranks_above_older_with_the_same_text(void) {
  static const doc_spec docs[] = {
      {"old", "Flood warning", "rivers rise after rain", "2022-01-01"},
      {"new", "Flood warning", "rivers rise after rain", "2022-01-31"},
      {"undated", "Flood warning", "rivers rise after rain", NULL},
  };
  kz_index *idx = build(docs, 3);
  CHECK(idx);
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.collapse = 0; /* the test documents are near-duplicates of each other on purpose */
  char plain[256], exp_order[256], gauss_order[256];
  ranked_ids(idx, "flood", &o, plain, sizeof plain);
  double base = score_of(idx, "flood", &o, "old");
  o.recency_days = 30;
  ranked_ids(idx, "flood", &o, exp_order, sizeof exp_order);
  double old_exp = score_of(idx, "flood", &o, "old"), new_exp = score_of(idx, "flood", &o, "new");
  double undated = score_of(idx, "flood", &o, "undated");
  o.recency_decay = KZ_DECAY_GAUSS;
  ranked_ids(idx, "flood", &o, gauss_order, sizeof gauss_order);
  double old_gauss = score_of(idx, "flood", &o, "old");
  o.now = "2022-03-01T00:00:00Z"; /* "new" is 29 days old, "old" 59 */
  double new_later = score_of(idx, "flood", &o, "new");
  kz_index_close(idx);
  CHECK_EQ_STR(plain, "old new undated");
  CHECK_EQ_STR(exp_order, "new old undated"); /* 30 days old: 0.5 ^ (30/30) = 0.5, a tie */
  CHECK_EQ_STR(gauss_order, "new old undated");
  CHECK(fabs(new_exp - base) < 1e-12 * base); /* the newest document is 0 days old */
  CHECK(fabs(old_exp - base * 0.5) < 1e-9 * base);
  CHECK(fabs(undated - base * 0.5) < 1e-9 * base);
  CHECK(fabs(old_gauss - base * 0.5) < 1e-9 * base); /* at one scale both decays give 0.5 */
  CHECK(fabs(new_later - base * exp(log(0.5) * (29.0 / 30) * (29.0 / 30))) < 1e-9 * base);
}

/* Feedback terms come from the top documents: their words bring in documents without the query's. */
static void test_ranking__rm3_feedback_terms_come_from_the_top_documents(void) {
  enum { FILLERS = 60 };
  doc_spec docs[FILLERS + 6];
  char bodies[FILLERS][64];
  size_t n = 0;
  docs[n++] = (doc_spec){"top", "", "apple apple apple orchard cider common", NULL};
  docs[n++] = (doc_spec){"second", "", "apple orchard pear common filler1", NULL};
  docs[n++] = (doc_spec){"third", "", "apple orchard pear common filler2 filler3", NULL};
  docs[n++] = (doc_spec){"cider-only", "", "cider common unrelated words here", NULL};
  docs[n++] = (doc_spec){"pear-only", "", "pear common other unrelated words", NULL};
  docs[n++] = (doc_spec){"kumquat", "", "kumquat common words", NULL};
  for (int i = 0; i < FILLERS; i++) {
    snprintf(bodies[i], sizeof bodies[i], "common stuff%d thing%d", i, i % 9);
    docs[n++] = (doc_spec){"filler", "", bodies[i], NULL};
  }
  kz_index *idx = build(docs, n);
  CHECK(idx);
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.collapse = 0; /* the test documents are near-duplicates of each other on purpose */
  o.k = 20;
  char plain[512], fb[512], fb_one[512];
  ranked_ids(idx, "apple", &o, plain, sizeof plain);
  o.rm3 = 1;
  ranked_ids(idx, "apple", &o, fb, sizeof fb);
  o.rm3_docs = 1;
  ranked_ids(idx, "apple", &o, fb_one, sizeof fb_one);
  o.rm3_docs = 10;
  o.default_and = 1; /* a required clause stays required: feedback only reorders */
  char required[512];
  ranked_ids(idx, "apple", &o, required, sizeof required);
  kz_index_close(idx);
  CHECK_EQ_STR(plain, "top second third");
  /* "common" is in every document (over 10%): not a feedback term */
  CHECK(strstr(fb, "cider-only") && strstr(fb, "pear-only") && !strstr(fb, "kumquat") &&
        !strstr(fb, "filler"));
  CHECK(!strncmp(fb, "top ", 4));
  /* from the top document alone: cider, never pear */
  CHECK(strstr(fb_one, "cider-only") && !strstr(fb_one, "pear-only"));
  CHECK(!strstr(required, "-only"));
}

/* Whether a search gives the same hits (documents, scores to the bit) and total both ways. */
static int same_both_ways(kz_index *idx, const char *q, const kz_search_options *o) {
  kz_eval_config tree = {.no_flat = 1};
  kz_hits *a = NULL, *b = NULL;
  int ok = kz_search_with(&a, idx, q, o, NULL, NULL) == KZ_OK &&
           kz_search_with(&b, idx, q, o, &tree, NULL) == KZ_OK &&
           kz_hits_size(a) == kz_hits_size(b) && kz_hits_total(a) == kz_hits_total(b) &&
           kz_hits_size(a) > 0;
  for (size_t i = 0; ok && i < kz_hits_size(a); i++)
    ok = kz_hits_at(a, i)->doc == kz_hits_at(b, i)->doc &&
         kz_hits_at(a, i)->score == kz_hits_at(b, i)->score;
  if (!ok) fprintf(stderr, "query '%s' (k %zu) differs between the evaluators\n", q, o->k);
  kz_hits_free(a);
  kz_hits_free(b);
  return ok;
}

/*
 * Disjunctions (repeated words, exclusions) with each option, alone and
 * together, over more documents than one window of rank_flat.c holds:
 * the whole ranking, then the top 10 (where proximity's bound skips bonuses).
 */
static void test_ranking__windows_rank_as_the_iterator_tree(void) {
  enum { N = 4500 };
  static char text[N][2][400];
  kz_index *idx = build_random(23, N, text);
  CHECK(idx);
  static const char *const queries[] = {"alpha", "beta gamma", "mu alpha mu theta",
                                        "delta epsilon -zeta", "eta iota kappa lambda beta"};
  int ok = 1;
  for (int config = 0; config < 5 && ok; config++) {
    kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
    o.collapse = 0;
    o.ids_only = 1; /* the documents and scores are what is compared */
    o.snippet_bytes = 0;
    o.title_weight = config == 0 || config == 3 ? 2 : 0;
    o.proximity = config == 1 || config == 3;
    o.recency_days = config == 2 || config == 3 ? 30 : 0;
    o.rm3 = config == 4; /* its weighted second pass */
    for (size_t q = 0; q < sizeof queries / sizeof queries[0] && ok; q++) {
      o.k = N;
      ok = same_both_ways(idx, queries[q], &o);
      o.k = 10;
      ok = ok && same_both_ways(idx, queries[q], &o);
    }
  }
  kz_index_close(idx);
  CHECK(ok);
}

/*
 * Proximity with more distinct words than rank_flat.c's sets of terms have
 * bits (63 of their own, the rest sharing the last) and top k of 1 to 10
 * (where the windows' floors skip most bonuses), on documents holding many
 * of them, and a few frequent words: both evaluators rank alike, and the
 * top k is the exhaustive ranking's first k.
 */
static void test_ranking__many_words_and_small_k_rank_exactly(void) {
  enum { N = 2500, WORDS = 90 };
  static char text[N][2][400];
  static char words[WORDS][4];
  for (int i = 0; i < WORDS; i++) /* "zab" .. : three letters, which the stemmer keeps */
    snprintf(words[i], sizeof words[i], "%c%c%c", "zq"[i / 45], "aeiou"[i / 9 % 5], "bdgkmnptv"[i % 9]);
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 31);
  doc_spec *docs = calloc(N, sizeof *docs);
  static char ids[N][24];
  CHECK(docs);
  for (size_t i = 0; docs && i < N; i++) {
    size_t len = 0, count = 2 + kz_test_rand_below(&r, 60);
    text[i][1][0] = 0;
    for (size_t w = 0; w < count; w++) /* the later words rarer, so their idf differs */
      len += (size_t)snprintf(text[i][1] + len, sizeof text[i][1] - len, "%s ",
                              words[kz_test_rand_below(&r, 1 + kz_test_rand_below(&r, WORDS))]);
    snprintf(ids[i], sizeof ids[i], "d%zu", i);
    docs[i] = (doc_spec){ids[i], "", text[i][1], i % 2 ? "2023-05-01" : "2021-02-03"};
  }
  kz_index *idx = docs ? build(docs, N) : NULL;
  free(docs);
  CHECK(idx);
  char query[WORDS * 4 + 1] = "";
  for (int i = WORDS - 1; i >= 10; i--) /* 80 words, the rarest first */
    strcat(strcat(query, words[i]), " ");
  /* and a few frequent words, whose small bound leaves the floors the say */
  const char *const queries[] = {query, "zab zad", "zab zag zeb zib"};
  int ok = idx != NULL;
  for (int config = 0; config < 6 && ok; config++) {
    const char *q = queries[config / 2];
    kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
    o.collapse = 0;
    o.ids_only = 1;
    o.snippet_bytes = 0;
    o.proximity = 1;
    o.recency_days = config % 2 ? 300 : 0;
    o.k = N;
    kz_hits *all = NULL;
    ok = same_both_ways(idx, q, &o) && kz_search(&all, idx, q, &o, NULL) == KZ_OK;
    for (size_t k = 1; ok && k <= 10; k += 3) {
      o.k = k;
      kz_hits *top = NULL;
      ok = same_both_ways(idx, q, &o) && kz_search(&top, idx, q, &o, NULL) == KZ_OK &&
           kz_hits_size(top) == k;
      for (size_t i = 0; ok && i < k; i++)
        ok = kz_hits_at(top, i)->doc == kz_hits_at(all, i)->doc &&
             kz_hits_at(top, i)->score == kz_hits_at(all, i)->score;
      kz_hits_free(top);
    }
    kz_hits_free(all);
  }
  if (idx) kz_index_close(idx);
  CHECK(ok);
}

static void test_ranking__bad_values_are_errors(void) {
  static const doc_spec docs[] = {{"a", "t", "word", "2022-01-01"}};
  kz_index *idx = build(docs, 1);
  CHECK(idx);
  kz_search_options bad[6];
  for (int i = 0; i < 6; i++) bad[i] = (kz_search_options)KZ_SEARCH_OPTIONS_INIT;
  bad[0].title_weight = -1;
  bad[1].title_weight = NAN;
  bad[2].rm3 = 1, bad[2].rm3_docs = 0;
  bad[3].rm3 = 1, bad[3].rm3_weight = 1.5;
  bad[4].recency_days = 30, bad[4].recency_decay = 7;
  bad[5].recency_days = 30, bad[5].now = "not a date";
  int codes[6];
  for (int i = 0; i < 6; i++) {
    kz_hits *h = NULL;
    kz_error err;
    codes[i] = kz_search(&h, idx, "word", &bad[i], &err);
    kz_hits_free(h);
  }
  /* a version 2 caller's struct has none of the fields: they are not read */
  kz_search_options v2 = KZ_SEARCH_OPTIONS_INIT;
  v2.version = 2;
  v2.title_weight = -1;
  kz_hits *h = NULL;
  int v2_rc = kz_search(&h, idx, "word", &v2, NULL);
  kz_hits_free(h);
  kz_index_close(idx);
  for (int i = 0; i < 6; i++) CHECK_EQ_INT(codes[i], KZ_ERR_INVALID);
  CHECK_EQ_INT(v2_rc, KZ_OK);
}

static void cleanup(void) {
  if (dir[0]) kz_test_remove_tree(dir);
}

int main(int argc, char **argv) {
  static const kz_test_case cases[] = {
      KZ_TEST(test_ranking__title_match_ranks_above_the_same_match_in_the_body),
      KZ_TEST(test_ranking__vanishing_title_weight_is_bm25),
      KZ_TEST(test_ranking__closer_pair_scores_higher),
      KZ_TEST(test_ranking__proximity_top_k_is_exact),
      KZ_TEST(test_ranking__newer_article_ranks_above_older_with_the_same_text),
      KZ_TEST(test_ranking__rm3_feedback_terms_come_from_the_top_documents),
      KZ_TEST(test_ranking__windows_rank_as_the_iterator_tree),
      KZ_TEST(test_ranking__many_words_and_small_k_rank_exactly),
      KZ_TEST(test_ranking__bad_values_are_errors),
  };
  int rc = kz_test_run(cases, sizeof cases / sizeof cases[0], argc, argv);
  cleanup();
  return rc;
}
