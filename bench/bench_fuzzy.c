/*
 * bench_fuzzy.c - what prefix and fuzzy words cost on a real index: the
 * fuzzy expansion alone (the prefix-sharing scan of searcher/fuzzy_scan.h
 * over the merged dictionaries, as kz_plan_expand runs it: the word and its
 * stem as targets), per word at 1 and 2 edits, next to brute force (one
 * edit distance per term of the field) for a few words; then whole searches
 * of prefix queries (top 10 with the exact total), e.g. st* with thousands
 * of expansions, and the process's peak memory.
 *
 *   bench_fuzzy INDEX_DIR [WORDS] [PREFIX...]     (default 200 words; st* th* peace*)
 *
 * The words are terms of the index's text field (5 to 12 ASCII letters,
 * spread over the dictionary) with one letter changed, as a typo would.
 * Times are the thread's CPU time (bench_harness.h): median, mean and p99.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "analysis/analyzer.h"
#include "bench_harness.h"
#include "format/format.h"
#include "format/term_enum.h"
#include "kzsearch.h"
#include "searcher/fuzzy_scan.h"
#include "searcher/index.h"

typedef struct source {
  kz_term_enum *e;
} source;

static int src_seek(void *ctx, const char *key, size_t len) {
  return kz_term_enum_seek(((source *)ctx)->e, key, len);
}

static int src_next(void *ctx, const char **key, size_t *len) {
  const kz_term_match *m;
  size_t n;
  return kz_term_enum_next(((source *)ctx)->e, key, len, &m, &n);
}

static int count_visit(void *ctx, const char *key, size_t len, int distance) {
  (void)key, (void)len, (void)distance;
  ++*(size_t *)ctx;
  return 0;
}

#define WORD_MAX 16

/* Every step-th text term of 5..12 ASCII letters, one letter changed. */
static size_t pick_words(kz_index *idx, size_t want, char (*words)[WORD_MAX], size_t *n_terms) {
  kz_term_enum *e;
  if (kz_term_enum_new(&e, idx->segs, idx->n_segs)) return 0;
  const char *key;
  size_t len, n = 0, fit = 0;
  const kz_term_match *m;
  size_t nm;
  char field = (char)KZ_FIELD_TEXT;
  kz_term_enum_seek(e, &field, 1);
  while (kz_term_enum_next(e, &key, &len, &m, &nm) == 1 && key[0] == field) n++;
  *n_terms = n;
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 42);
  size_t step = n / (want * 4) + 1, got = 0, i = 0;
  kz_term_enum_seek(e, &field, 1);
  while (got < want && kz_term_enum_next(e, &key, &len, &m, &nm) == 1 && key[0] == field) {
    if (i++ % step) continue;
    int ascii = len >= 6 && len <= 13;
    for (size_t k = 1; k < len && ascii; k++) ascii = key[k] >= 'a' && key[k] <= 'z';
    if (!ascii) continue;
    fit++;
    memcpy(words[got], key + 1, len - 1);
    words[got][len - 1] = 0;
    words[got][kz_test_rand_below(&r, len - 1)] = (char)('a' + kz_test_rand_below(&r, 26));
    got++;
  }
  kz_term_enum_free(e);
  return got;
}

static double p99(double *v, size_t n) { return v[(size_t)(0.99 * (double)(n - 1) + 0.5)]; }

static void fuzzy(kz_index *idx, kz_analyzer *an, char (*words)[WORD_MAX], size_t n, int edits) {
  double *t = calloc(n, sizeof *t), sum = 0;
  size_t matches = 0;
  uint64_t read = 0;
  for (size_t i = 0; i < n; i++) {
    char key[WORD_MAX + 1], stem[256];
    kz_token tok;
    kz_analyzer_reset(an, words[i], strlen(words[i]));
    size_t stem_len = 0;
    if (kz_analyzer_next(an, &tok) == 1 && tok.term_len < sizeof stem)
      memcpy(stem, tok.term, stem_len = tok.term_len);
    key[0] = (char)KZ_FIELD_TEXT;
    const char *targets[2] = {words[i], stem};
    size_t lens[2] = {strlen(words[i]), stem_len};
    double t0 = bench_now();
    source s;
    kz_term_enum_new(&s.e, idx->segs, idx->n_segs);
    kz_dict_source src = {&s, src_seek, src_next};
    uint64_t r = 0;
    int same = stem_len == lens[0] && !memcmp(stem, words[i], stem_len);
    size_t n_targets = stem_len && !same ? 2 : 1;
    kz_fuzzy_scan(&src, key, 1, targets, lens, n_targets, edits, count_visit, &matches, &r);
    kz_term_enum_free(s.e);
    t[i] = (bench_now() - t0) * 1e3;
    sum += t[i];
    read += r;
  }
  double med = bench_median(t, n);
  printf("fuzzy ~%d: %zu words, median %.3f ms, mean %.3f ms, p99 %.3f ms CPU per word; "
         "%.1f terms within reach, %.0f terms read per word\n",
         edits, n, med, sum / (double)n, p99(t, n), (double)matches / (double)n,
         (double)read / (double)n);
  free(t);
}

/* One edit distance per term of the text field, for a few words: what the scan avoids. */
static void brute(kz_index *idx, char (*words)[WORD_MAX], size_t n, int edits) {
  double total = 0;
  size_t hits = 0;
  for (size_t i = 0; i < n; i++) {
    kz_term_enum *e;
    kz_term_enum_new(&e, idx->segs, idx->n_segs);
    char field = (char)KZ_FIELD_TEXT;
    const char *key;
    size_t len, nm;
    const kz_term_match *m;
    double t0 = bench_now();
    kz_term_enum_seek(e, &field, 1);
    while (kz_term_enum_next(e, &key, &len, &m, &nm) == 1 && key[0] == field)
      hits += kz_fuzzy_distance(key + 1, len - 1, words[i], strlen(words[i])) <= edits;
    total += bench_now() - t0;
    kz_term_enum_free(e);
  }
  printf("brute force ~%d: %zu words, mean %.3f ms CPU per word (%zu matches)\n", edits, n,
         total * 1e3 / (double)n, hits);
}

static void prefix(kz_index *idx, const char *q) {
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.snippet_bytes = 0;
  o.ids_only = 1;
  double t[5];
  uint64_t total = 0;
  for (int rep = 0; rep < 6; rep++) {
    kz_hits *h = NULL;
    kz_error err;
    double t0 = bench_now();
    if (kz_search(&h, idx, q, &o, &err)) {
      printf("%s: %s\n", q, err.message);
      return;
    }
    if (rep) t[rep - 1] = (bench_now() - t0) * 1e3; /* the first run warms the cache */
    total = kz_hits_total(h);
    kz_hits_free(h);
  }
  double med = bench_median(t, 5);
  printf("search %s: %llu matches, median %.2f ms CPU (min %.2f) for the top 10 and the exact total\n",
         q, (unsigned long long)total, med, t[0]);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_fuzzy INDEX_DIR [WORDS] [PREFIX...]\n");
    return 2;
  }
  kz_index *idx;
  kz_error err;
  if (kz_index_open(&idx, argv[1], &err)) {
    fprintf(stderr, "%s: %s\n", argv[1], err.message);
    return 2;
  }
  size_t want = argc > 2 ? strtoul(argv[2], NULL, 10) : 200, n_terms = 0;
  if (want == 0 || want > 100000) want = 200;
  char (*words)[WORD_MAX] = calloc(want, sizeof *words);
  kz_analyzer *an;
  if (!words || kz_analyzer_new(&an, idx->manifest.language)) return 2;
  size_t n = pick_words(idx, want, words, &n_terms);
  bench_print_machine();
  printf("index: %s, %zu segments, %llu documents, %zu terms in the text field\n", argv[1],
         idx->n_segs, (unsigned long long)idx->n_docs, n_terms);
  if (n) {
    fuzzy(idx, an, words, n, 1);
    fuzzy(idx, an, words, n, 2);
    brute(idx, words, n < 5 ? n : 5, 1);
    brute(idx, words, n < 5 ? n : 5, 2);
  }
  const char *defaults[] = {"st*", "th*", "peace*"};
  int np = argc > 3 ? argc - 3 : 3;
  for (int i = 0; i < np; i++) prefix(idx, argc > 3 ? argv[3 + i] : defaults[i]);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("peak RSS: %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
  kz_analyzer_free(an);
  free(words);
  kz_index_close(idx);
  return 0;
}
