/*
 * test_compact_simhash.c - an index whose segments were written before
 * near-duplicate fingerprints existed (no simhash file: the manifest does
 * not list one) gets the simhash column from kz_writer_compact, with the
 * fingerprints a fresh index of the same documents has, and collapsing
 * works on it. Such segments are made here from a current index by taking
 * the simhash file out of its manifest and off the disk, which is exactly
 * what an index of the first v3 writers looks like. Two cases: several
 * segments (a merge) and a single segment without deletions, which
 * compact used to leave as it was.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/file.h"
#include "format/manifest.h"
#include "format/values.h"
#include "kz_test.h"
#include "kz_test_fs.h"
#include "kzsearch.h"
#include "searcher/index.h"

#define N_DOCS 60

static const char *const words[] = {"river", "bank", "loan", "storm", "wheat", "court",
                                    "bridge", "strike", "market", "coast", "budget", "vote"};

/* Document d's body: its own word sequence; document 2k+1 is document 2k with a footer (a copy). */
static void body_of(int d, char *out, size_t size) {
  int src = d & ~1;
  size_t len = 0;
  for (int i = 0; i < 40 && len + 16 < size; i++)
    len += (size_t)snprintf(out + len, size - len, "%s%s%d ", words[(src * 7 + i * 5) % 12],
                            words[(src + i * 3) % 12], (src * 31 + i) % 97);
  if (d & 1) snprintf(out + len, size - len, "distributed by example wire");
}

static void build(const char *dir, int per_commit) {
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.no_auto_merge = 1;
  kz_writer *w = NULL;
  kz_error err;
  CHECK(kz_writer_open(&w, dir, &o, &err) == KZ_OK);
  for (int d = 0; d < N_DOCS; d++) {
    char id[16], body[1200];
    snprintf(id, sizeof id, "d%02d", d);
    body_of(d, body, sizeof body);
    kz_document doc = {sizeof(kz_document), id, strlen(id), "news", 4, body, strlen(body), NULL, 0,
                       NULL, 0};
    CHECK(kz_writer_add(w, &doc, &err) == KZ_OK);
    if (per_commit && d % per_commit == per_commit - 1) CHECK(kz_writer_commit(w, &err) == KZ_OK);
  }
  CHECK(kz_writer_commit(w, &err) == KZ_OK);
  kz_writer_close(w);
}

/* Makes the index's segments look written before fingerprints: no simhash file, none listed. */
static void drop_fingerprints(const char *dir) {
  kz_manifest m;
  kz_error err;
  memset(&m, 0, sizeof m);
  CHECK(kz_manifest_read(&m, dir, &err) == KZ_OK);
  for (size_t i = 0; i < m.n_segments; i++) {
    char name[64];
    kz_segment_file_name(name, sizeof name, m.segments[i].id, KZ_SEGFILE_SIMHASH);
    char *path = kz_path_join(dir, name);
    CHECK(path && unlink(path) == 0);
    free(path);
    m.segments[i].file_bytes[KZ_SEGFILE_SIMHASH] = 0;
  }
  CHECK(kz_manifest_write(&m, dir, NULL, &err) == KZ_OK);
  kz_manifest_free(&m);
}

/* The index's fingerprints in document order into fp[N_DOCS]; @return the segments with a simhash file. */
static size_t fingerprints(const char *dir, uint64_t *fp, size_t *n_segs) {
  kz_index *idx = NULL;
  kz_error err;
  size_t with = 0;
  *n_segs = 0;
  if (kz_index_open(&idx, dir, &err) != KZ_OK) {
    fprintf(stderr, "%s\n", err.message);
    return SIZE_MAX;
  }
  *n_segs = idx->n_segs;
  for (size_t s = 0; s < idx->n_segs; s++) {
    if (!idx->segs[s].has_simhashes) continue;
    with++;
    for (uint32_t d = 0; d < idx->segs[s].info.doc_count; d++)
      if (idx->doc_base[s] + d < N_DOCS) fp[idx->doc_base[s] + d] = (uint64_t)kz_values_get(&idx->segs[s].simhashes, d);
  }
  kz_index_close(idx);
  return with;
}

static int hits_of(const char *dir, const char *q) {
  kz_index *idx = NULL;
  kz_error err;
  int n = -1;
  if (kz_index_open(&idx, dir, &err) != KZ_OK) return -1;
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.k = 100;
  o.ids_only = 1;
  kz_hits *h = NULL;
  if (kz_search(&h, idx, q, &o, &err) == KZ_OK) n = (int)kz_hits_size(h);
  kz_hits_free(h);
  kz_index_close(idx);
  return n;
}

static void compact_gives_fingerprints(int per_commit, size_t want_segments_before) {
  char dir[256], fresh[256];
  CHECK(kz_test_make_temp_dir(dir, sizeof dir, "kz_compact_simh"));
  CHECK(kz_test_make_temp_dir(fresh, sizeof fresh, "kz_fresh_simh"));
  build(dir, per_commit);
  build(fresh, 0);
  static uint64_t want[N_DOCS], got[N_DOCS];
  size_t n_segs;
  CHECK_EQ_INT((int)fingerprints(fresh, want, &n_segs), 1);
  drop_fingerprints(dir);
  CHECK_EQ_INT((int)fingerprints(dir, got, &n_segs), 0);
  CHECK_EQ_INT((int)n_segs, (int)want_segments_before);
  int uncollapsed = hits_of(dir, "news"); /* collapses from the texts meanwhile */

  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  kz_writer *w = NULL;
  kz_error err;
  CHECK(kz_writer_open(&w, dir, &o, &err) == KZ_OK);
  CHECK(kz_writer_compact(w, &err) == KZ_OK);
  kz_writer_close(w);

  memset(got, 0, sizeof got);
  CHECK_EQ_INT((int)fingerprints(dir, got, &n_segs), 1);
  CHECK_EQ_INT((int)n_segs, 1);
  int differing = 0;
  for (int d = 0; d < N_DOCS; d++) differing += got[d] != want[d];
  CHECK_EQ_INT(differing, 0);
  /* each document and its copy fold into one hit, before and after */
  CHECK_EQ_INT(hits_of(dir, "news"), N_DOCS / 2);
  CHECK_EQ_INT(uncollapsed, N_DOCS / 2);
  kz_check_report rep = KZ_CHECK_REPORT_INIT;
  CHECK(kz_index_check(dir, 1, NULL, NULL, &rep, &err) == KZ_OK && rep.problems == 0);
  kz_test_remove_tree(dir);
  kz_test_remove_tree(fresh);
}

static void test_compact_simhash__merged_segments(void) { compact_gives_fingerprints(20, 3); }

static void test_compact_simhash__single_segment(void) { compact_gives_fingerprints(0, 1); }

KZ_TEST_MAIN(KZ_TEST(test_compact_simhash__merged_segments),
             KZ_TEST(test_compact_simhash__single_segment))
