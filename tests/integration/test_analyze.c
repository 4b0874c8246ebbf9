/*
 * test_analyze.c - kz_index_analyze through the public API: it yields the
 * terms a search uses (a stemmed, folded query word finds the document it
 * analyzes like), with positions; quotes and operators are plain characters;
 * words that stem alike give equal terms (what the bench adapter merges);
 * the callback can stop it early; bad arguments are errors, empty text no
 * term. And the default the analysis lets callers avoid: a repeated query
 * word weighs twice in kz_search.
 *
 * Owns a temporary directory, removed at the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kz_test.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

static char dir[512];

typedef struct collected {
  char terms[16][64];
  uint32_t positions[16];
  int n, stop_after;
} collected;

static int collect(void *ctx, const char *term, size_t len, uint32_t position) {
  collected *c = ctx;
  if (c->n < 16 && len < 64) {
    memcpy(c->terms[c->n], term, len);
    c->terms[c->n][len] = 0;
    c->positions[c->n] = position;
  }
  c->n++;
  return c->stop_after && c->n >= c->stop_after;
}

static kz_index *open_sample(void) {
  kz_writer *w = NULL;
  kz_index *idx = NULL;
  if (!kz_test_make_temp_dir(dir, sizeof dir, "kz_test_analyze")) return NULL;
  if (kz_writer_open(&w, dir, NULL, NULL) != KZ_OK) return NULL;
  static const char *bodies[][2] = {{"a", "Peacekeepers intervened in Almaty."},
                                    {"b", "The intervention of troops and peacekeepers."},
                                    {"c", "Nothing about it here, only weather."}};
  for (int i = 0; i < 3; i++) {
    kz_document d = {sizeof(kz_document), bodies[i][0], 1, "", 0, bodies[i][1], strlen(bodies[i][1]),
                     NULL, 0, NULL, 0};
    if (kz_writer_add(w, &d, NULL) != KZ_OK) return NULL;
  }
  if (kz_writer_commit(w, NULL) != KZ_OK) return NULL;
  kz_writer_close(w);
  if (kz_index_open(&idx, dir, NULL) != KZ_OK) return NULL;
  return idx;
}

static void test_analyze__terms_and_positions(kz_index *idx) {
  collected c = {0};
  const char *text = "\"Intervened\" +INTERVENES (Almaty) AND peace-keepers";
  CHECK_EQ_INT(kz_index_analyze(idx, text, strlen(text), collect, &c, NULL), KZ_OK);
  CHECK_EQ_INT(c.n, 6);
  CHECK_EQ_STR(c.terms[0], c.terms[1]); /* both stem to one term */
  CHECK_EQ_STR(c.terms[2], "almati");
  CHECK_EQ_STR(c.terms[3], "and"); /* an operator is just a word here */
  CHECK_EQ_STR(c.terms[4], "peac");
  for (int i = 0; i < 6; i++) CHECK_EQ_INT(c.positions[i], i);
}

/* The term kz_index_analyze gives is the one the search looks up. */
static void test_analyze__terms_are_what_search_finds(kz_index *idx) {
  collected c = {0};
  CHECK_EQ_INT(kz_index_analyze(idx, "Peacekeeping", 12, collect, &c, NULL), KZ_OK);
  CHECK_EQ_INT(c.n, 1);
  kz_hits *hits = NULL;
  CHECK_EQ_INT(kz_search(&hits, idx, c.terms[0], NULL, NULL), KZ_OK);
  CHECK_EQ_INT(kz_hits_total(hits), 2);
  kz_hits_free(hits);
}

static void test_analyze__stop_empty_and_errors(kz_index *idx) {
  collected c = {0};
  c.stop_after = 2;
  CHECK_EQ_INT(kz_index_analyze(idx, "one two three four", 18, collect, &c, NULL), KZ_OK);
  CHECK_EQ_INT(c.n, 2);
  collected none = {0};
  CHECK_EQ_INT(kz_index_analyze(idx, "", 0, collect, &none, NULL), KZ_OK);
  CHECK_EQ_INT(kz_index_analyze(idx, NULL, 0, collect, &none, NULL), KZ_OK);
  CHECK_EQ_INT(kz_index_analyze(idx, " -- ( ) \"", 9, collect, &none, NULL), KZ_OK);
  CHECK_EQ_INT(none.n, 0);
  kz_error err;
  CHECK_EQ_INT(kz_index_analyze(idx, NULL, 3, collect, &none, &err), KZ_ERR_INVALID);
  CHECK_EQ_INT(err.code, KZ_ERR_INVALID);
  CHECK_EQ_INT(kz_index_analyze(idx, "x", 1, NULL, &none, NULL), KZ_ERR_INVALID);
}

/* The engine's default, documented in the README: a repeated word weighs twice. */
static void test_analyze__repeated_word_weighs_twice(kz_index *idx) {
  kz_hits *once = NULL, *twice = NULL;
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.ids_only = 1;
  CHECK_EQ_INT(kz_search(&once, idx, "almaty", &o, NULL), KZ_OK);
  CHECK_EQ_INT(kz_search(&twice, idx, "almaty Almaty", &o, NULL), KZ_OK);
  CHECK(kz_hits_size(once) == 1 && kz_hits_size(twice) == 1);
  double a = kz_hits_at(once, 0)->score, b = kz_hits_at(twice, 0)->score;
  kz_hits_free(once);
  kz_hits_free(twice);
  CHECK(fabs(b - 2 * a) < 1e-9 * b);
}

static kz_index *shared_idx;
static void run_terms(void) { test_analyze__terms_and_positions(shared_idx); }
static void run_search(void) { test_analyze__terms_are_what_search_finds(shared_idx); }
static void run_errors(void) { test_analyze__stop_empty_and_errors(shared_idx); }
static void run_twice(void) { test_analyze__repeated_word_weighs_twice(shared_idx); }

int main(int argc, char **argv) {
  static const kz_test_case cases[] = {KZ_TEST(run_terms), KZ_TEST(run_search),
                                       KZ_TEST(run_errors), KZ_TEST(run_twice)};
  shared_idx = open_sample();
  if (!shared_idx) {
    fprintf(stderr, "cannot build the sample index in %s\n", dir);
    return 1;
  }
  int rc = kz_test_run(cases, sizeof cases / sizeof cases[0], argc, argv);
  kz_index_close(shared_idx);
  kz_test_remove_tree(dir);
  return rc;
}
