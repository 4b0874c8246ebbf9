/*
 * test_phrase_pairs.c - pairs of common words (analysis/common_words.h,
 * searcher/phrase_cover.h) change nothing a search can see. The same
 * documents go into an index built by the writer (English: its segments
 * have pairs) and into one built without pairs (the segment builder with
 * pairs off, as kzsearch wrote segments before them); every phrase query,
 * mostly of common words, must give the same totals, counts, ids and
 * bit-identical scores in both, and the statistics users see must agree.
 * A merge of a segment with pairs and one without drops the pairs and
 * still answers the same; compacting segments that all have pairs keeps
 * them; check --full passes on an index with pairs and names a damaged
 * pairs file; upgrade adds pairs to an index without.
 *
 * Owns: its temporary directories (removed at the end).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "format/format.h"
#include "format/manifest.h"
#include "indexer/merger.h"
#include "indexer/segment_builder.h"
#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

#define N_DOCS 800
#define N_QUERIES 400

/* Mostly common words (some in a form the analyzer stems or folds to one), a few others. */
static const char *const words[] = {
    "the", "of", "and", "in", "a", "is", "as", "was", "that", "on", "which", "from", "one",
    "its", "It", "The", "others", "to", "for", "by", "were", "this",
    "river", "stone", "house", "green", "runs", "city", "north"};
#define N_WORDS (sizeof words / sizeof words[0])

static kz_test_rng g_rng = {0x9e3779b97f4a7c15ull, KZ_TEST_XORSHIFT64};
static char titles[N_DOCS][64], bodies[N_DOCS][512];

static void make_docs(void) {
  for (int d = 0; d < N_DOCS; d++) {
    size_t len = 0;
    kz_test_append_words(&g_rng, titles[d], sizeof titles[d], &len, words, N_WORDS,
                         kz_test_rand_below(&g_rng, 4));
    len = 0;
    kz_test_append_words(&g_rng, bodies[d], sizeof bodies[d], &len, words, N_WORDS,
                         1 + kz_test_rand_below(&g_rng, 60));
  }
}

static kz_document doc_of(int d, char *id, size_t size) {
  snprintf(id, size, "d%d", d);
  kz_document doc = KZ_DOCUMENT_INIT;
  doc.id = id;
  doc.id_len = strlen(id);
  doc.title = titles[d];
  doc.title_len = strlen(titles[d]);
  doc.body = bodies[d];
  doc.body_len = strlen(bodies[d]);
  return doc;
}

/* Documents [from, to) as one segment `id` of dir, with or without pairs; fills *info. */
static int build_segment(const char *dir, uint32_t id, int from, int to, int pairs,
                         kz_segment_info *info) {
  kz_builder *b = NULL;
  kz_error err;
  int rc = kz_builder_new(&b, dir, "english");
  if (!rc) {
    kz_builder_set_pairs(b, pairs);
    rc = kz_builder_begin(b, id);
  }
  for (int d = from; d < to && !rc; d++) {
    char idbuf[16];
    kz_document doc = doc_of(d, idbuf, sizeof idbuf);
    rc = kz_builder_add(b, &doc);
  }
  if (!rc) rc = kz_builder_finish(b, info, &err);
  kz_builder_free(b);
  return rc;
}

static int write_manifest(const char *dir, const kz_segment_info *segs, size_t n) {
  kz_manifest m;
  memset(&m, 0, sizeof m);
  m.generation = 1;
  m.next_segment_id = 100;
  snprintf(m.language, sizeof m.language, "english");
  int rc = KZ_OK;
  for (size_t i = 0; i < n && !rc; i++) rc = kz_manifest_add_segment(&m, &segs[i]);
  kz_error err;
  if (!rc) rc = kz_manifest_write(&m, dir, NULL, &err);
  kz_manifest_free(&m);
  return rc;
}

static int file_exists(const char *dir, uint32_t id, int kind) {
  char name[64], path[4200];
  kz_segment_file_name(name, sizeof name, id, kind);
  snprintf(path, sizeof path, "%s/%s", dir, name);
  struct stat st;
  return stat(path, &st) == 0;
}

typedef struct result {
  int rc;
  uint64_t total, count;
  size_t n;
  char ids[20][16];
  double scores[20];
} result;

static void run(kz_index *idx, const char *q, result *r) {
  memset(r, 0, sizeof *r);
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.k = 20;
  o.ids_only = 1;
  kz_hits *h;
  kz_error err;
  r->rc = kz_search(&h, idx, q, &o, &err);
  if (r->rc == KZ_OK) {
    r->total = kz_hits_total(h);
    r->n = kz_hits_size(h);
    for (size_t i = 0; i < r->n; i++) {
      snprintf(r->ids[i], sizeof r->ids[i], "%s", kz_hits_at(h, i)->id);
      r->scores[i] = kz_hits_at(h, i)->score;
    }
    kz_hits_free(h);
  }
  if (kz_count(&r->count, idx, q, NULL, &err) != KZ_OK) r->rc = -1;
}

static int same(const result *x, const result *y) {
  if (x->rc != y->rc || x->total != y->total || x->count != y->count || x->n != y->n) return 0;
  for (size_t i = 0; i < x->n; i++)
    if (strcmp(x->ids[i], y->ids[i]) || x->scores[i] != y->scores[i]) return 0;
  return 1;
}

/* A phrase of 2 to 4 words, sometimes sloppy or beside another clause. */
static void random_query(char *q, size_t size) {
  size_t len = 0;
  char phrase[200] = "";
  unsigned n = 2 + (unsigned)kz_test_rand_below(&g_rng, 3);
  kz_test_append_words(&g_rng, phrase, sizeof phrase, &len, words, N_WORDS, n);
  switch (kz_test_rand_below(&g_rng, 6)) {
    case 0: snprintf(q, size, "\"%s\"~1", phrase + 1); break;
    case 1: snprintf(q, size, "\"%s\" %s", phrase + 1, words[kz_test_rand_below(&g_rng, N_WORDS)]); break;
    case 2: snprintf(q, size, "+\"%s\" +river", phrase + 1); break;
    default: snprintf(q, size, "\"%s\"", phrase + 1); break;
  }
}

/* Compares every query on two indexes; @return the number that differ. */
static int compare(const char *dir_a, const char *dir_b, int *matched) {
  kz_index *a = NULL, *b = NULL;
  kz_error err;
  if (kz_index_open(&a, dir_a, &err) != KZ_OK || kz_index_open(&b, dir_b, &err) != KZ_OK) {
    fprintf(stderr, "cannot open: %s\n", err.message);
    kz_index_close(a);
    return -1;
  }
  kz_test_rng saved = g_rng;
  int differing = 0;
  *matched = 0;
  for (int i = 0; i < N_QUERIES; i++) {
    char q[256];
    random_query(q, sizeof q);
    result x, y;
    run(a, q, &x);
    run(b, q, &y);
    *matched += x.total > 0;
    if (!same(&x, &y)) {
      fprintf(stderr, "query [%s]: %s and %s differ (totals %llu, %llu)\n", q, dir_a, dir_b,
              (unsigned long long)x.total, (unsigned long long)y.total);
      differing++;
    }
  }
  g_rng = saved; /* the next comparison asks the same queries */
  kz_index_close(a);
  kz_index_close(b);
  return differing;
}

static void stats_of(const char *dir, kz_index_stats *st) {
  kz_index *idx;
  kz_error err;
  *st = (kz_index_stats)KZ_INDEX_STATS_INIT;
  if (kz_index_open(&idx, dir, &err) == KZ_OK) {
    kz_index_stats_get(idx, st, &err);
    kz_index_close(idx);
  }
}

static void count_problem(void *ctx, const char *file, const char *problem) {
  char *named = ctx;
  fprintf(stderr, "    problem: %s: %s\n", file, problem);
  if (strstr(file, ".pairs")) *named = 1;
}

static void test_phrase_pairs__same_results_as_without_pairs(void) {
  make_docs();
  char with[4096], without[4096], mixed[4096];
  CHECK(kz_test_make_temp_dir(with, sizeof with, "kz_pairs_with"));
  CHECK(kz_test_make_temp_dir(without, sizeof without, "kz_pairs_without"));
  CHECK(kz_test_make_temp_dir(mixed, sizeof mixed, "kz_pairs_mixed"));

  /* with pairs: the writer, several segments */
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.no_auto_merge = 1;
  kz_writer *w = NULL;
  kz_error err;
  CHECK(kz_writer_open(&w, with, &o, &err) == KZ_OK);
  for (int d = 0; w && d < N_DOCS; d++) {
    char id[16];
    kz_document doc = doc_of(d, id, sizeof id);
    CHECK(kz_writer_add(w, &doc, &err) == KZ_OK);
    if (d % 250 == 249) CHECK(kz_writer_commit(w, &err) == KZ_OK);
  }
  CHECK(w && kz_writer_commit(w, &err) == KZ_OK);
  kz_writer_close(w);
  CHECK(file_exists(with, 1, KZ_SEGFILE_PAIRS));

  /* without pairs: one segment as written before pairs */
  kz_segment_info one;
  CHECK(build_segment(without, 1, 0, N_DOCS, 0, &one) == KZ_OK);
  CHECK(!file_exists(without, 1, KZ_SEGFILE_PAIRS));
  CHECK(write_manifest(without, &one, 1) == KZ_OK);

  kz_index_stats sa, sb;
  stats_of(with, &sa);
  stats_of(without, &sb);
  CHECK(sa.documents == N_DOCS && sa.segments == 4);
  CHECK(sa.terms == sb.terms && sa.postings == sb.postings && sa.positions == sb.positions);

  int matched = 0;
  CHECK_EQ_INT(compare(with, without, &matched), 0);
  CHECK(matched > N_QUERIES / 4); /* the phrases of common words do match */

  /* a segment with pairs merged with one without: the merge drops the pairs */
  kz_segment_info parts[2], merged;
  CHECK(build_segment(mixed, 1, 0, N_DOCS / 2, 1, &parts[0]) == KZ_OK);
  CHECK(build_segment(mixed, 2, N_DOCS / 2, N_DOCS, 0, &parts[1]) == KZ_OK);
  CHECK(file_exists(mixed, 1, KZ_SEGFILE_PAIRS) && !file_exists(mixed, 2, KZ_SEGFILE_PAIRS));
  CHECK(write_manifest(mixed, parts, 2) == KZ_OK);
  CHECK_EQ_INT(compare(mixed, without, &matched), 0);
  int rc = kz_merge_segments(mixed, "english", parts, 2, 3, &merged, &err);
  if (rc) fprintf(stderr, "merge: %s\n", err.message);
  CHECK_EQ_INT(rc, KZ_OK);
  CHECK(merged.file_bytes[KZ_SEGFILE_PAIRS] == 0 && !file_exists(mixed, 3, KZ_SEGFILE_PAIRS));
  CHECK(merged.n_terms == one.n_terms && merged.n_positions == one.n_positions);
  CHECK(write_manifest(mixed, &merged, 1) == KZ_OK);
  CHECK_EQ_INT(compare(mixed, without, &matched), 0);

  /* segments that all have pairs keep them through a merge */
  CHECK(kz_writer_open(&w, with, &o, &err) == KZ_OK);
  CHECK(w && kz_writer_compact(w, &err) == KZ_OK);
  kz_writer_close(w);
  stats_of(with, &sa);
  CHECK(sa.segments == 1 && sa.terms == sb.terms && sa.positions == sb.positions);
  CHECK_EQ_INT(compare(with, without, &matched), 0);

  /* check --full: clean, then a damaged pairs file is named */
  char named = 0;
  kz_check_report report = KZ_CHECK_REPORT_INIT;
  CHECK(kz_index_check(with, 1, count_problem, &named, &report, &err) == KZ_OK);
  CHECK(report.problems == 0);
  kz_manifest m;
  CHECK(kz_manifest_read(&m, with, &err) == KZ_OK);
  uint32_t id = m.n_segments == 1 ? m.segments[0].id : 0;
  CHECK(m.n_segments == 1 && kz_segfile_present(&m.segments[0], KZ_SEGFILE_PAIRS));
  /* the pair terms are there, beside the terms users see */
  CHECK(m.n_segments == 1 && m.segments[0].n_terms > sb.terms &&
        m.segments[0].n_positions > sb.positions);
  kz_manifest_free(&m);
  char name[64], path[4200];
  kz_segment_file_name(name, sizeof name, id, KZ_SEGFILE_PAIRS);
  snprintf(path, sizeof path, "%s/%s", with, name);
  FILE *f = fopen(path, "r+b");
  CHECK(f != NULL);
  if (f) {
    fseek(f, 40, SEEK_SET); /* inside the words */
    int c = fgetc(f);
    fseek(f, 40, SEEK_SET);
    fputc(c ^ 0x20, f);
    fclose(f);
  }
  report = (kz_check_report)KZ_CHECK_REPORT_INIT;
  CHECK(kz_index_check(with, 1, count_problem, &named, &report, &err) == KZ_OK);
  CHECK(report.problems > 0 && named);

  /* upgrade rebuilds an English index of the current format whose segments lack pairs */
  unsigned from = 0;
  uint64_t copied = 0;
  CHECK(kz_index_upgrade(without, &from, &copied, &err) == KZ_OK);
  CHECK(from == KZ_FORMAT_VERSION && copied == N_DOCS);
  CHECK(kz_manifest_read(&m, without, &err) == KZ_OK);
  for (size_t i = 0; i < m.n_segments; i++)
    CHECK(kz_segfile_present(&m.segments[i], KZ_SEGFILE_PAIRS));
  kz_manifest_free(&m);
  CHECK_EQ_INT(compare(without, mixed, &matched), 0);
  CHECK(kz_index_upgrade(without, &from, &copied, &err) == KZ_OK && from == 0); /* done already */

  kz_test_remove_tree(with);
  kz_test_remove_tree(without);
  kz_test_remove_tree(mixed);
}

KZ_TEST_MAIN(KZ_TEST(test_phrase_pairs__same_results_as_without_pairs))
