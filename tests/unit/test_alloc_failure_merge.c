/*
 * test_alloc_failure_merge.c - every allocation made while deleting,
 * merging and compacting is made to fail, one at a time (alloc_fault.c,
 * alloc_fixtures.c): (f) on an index of nine small segments, deletions, a
 * replacement and additions committed (so the merge policy merges ten
 * segments), then more deletions and kz_writer_compact: the index always
 * holds one of the committed states; (g) kz_writer_compact of the
 * three-segment index of test_alloc_failure.c's (b) stripped of its simhash
 * files (as written before fingerprints), so the merge fingerprints every
 * document from its stored text: the index is the old one or the compacted
 * one with the column. Both also run with every allocation from the Nth on
 * failing, so the cleanup after a failure fails too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc_fault.h"
#include "alloc_fixtures.h"
#include "kz_test.h"
#include "kzsearch.h"
#include "format/file.h"
#include "format/manifest.h"
#include "searcher/index.h"

/*
 * (f) Deletions, replacement, merges. The template holds documents 0..26 in
 * nine segments. Step 1 deletes 0, replaces 4 and adds 100 and 101 (28
 * documents), and its commit makes ten segments of one level, which the
 * policy merges. Step 2 deletes 10 and 20 and compacts (26 documents in one
 * segment). A merge is a commit of its own, so a failing kz_writer_commit may
 * have committed step 1 already; a failing compact, step 2 as well.
 */
#define F_OLD_DOCS 27
#define F_STEP1_DOCS 28
#define F_STEP2_DOCS 26

static int prepare_small(void) { return copy_dir(g_small, g_work); }

static int delete_id(kz_writer *w, int i) {
  char id[32];
  snprintf(id, sizeof id, "doc-%04d", i);
  int found = -1;
  kz_error err = {0};
  int rc = kz_writer_delete(w, id, strlen(id), &found, &err);
  if (status_ok("kz_writer_delete", rc, &err) && found != 1) BAD("kz_writer_delete(%s): found = %d", id, found);
  return rc;
}

static int add_one(kz_writer *w, int i) {
  char id[32], title[128], body[1024];
  kz_document d = KZ_DOCUMENT_INIT;
  kz_error err = {0};
  make_doc(i, id, sizeof id, title, sizeof title, body, sizeof body, &d);
  int rc = kz_writer_add(w, &d, &err);
  status_ok("kz_writer_add", rc, &err);
  return rc;
}

static void scenario_f(void) {
  kz_writer *w = NULL;
  kz_error err = {0};
  int step1 = -100, step2 = -100, failed = 0;
  int rc = kz_writer_open(&w, g_work, NULL, &err);
  if (status_ok("kz_writer_open", rc, &err)) {
    failed |= delete_id(w, 0) != KZ_OK;
    failed |= add_one(w, 4) != KZ_OK;
    failed |= add_one(w, 100) != KZ_OK;
    failed |= add_one(w, 101) != KZ_OK;
    step1 = kz_writer_commit(w, &err);
    if (status_ok("kz_writer_commit", step1, &err) && failed)
      BAD("kz_writer_commit succeeded after an earlier failure");
    failed |= step1 != KZ_OK;
    if (!g_n) { /* the premise, checked unarmed in the counting run: the policy merged */
      kz_index *idx = NULL;
      kz_index_stats st = KZ_INDEX_STATS_INIT;
      disarm();
      if (kz_index_open(&idx, g_work, &err) || kz_index_stats_get(idx, &st, &err) ||
          st.segments != 1 || st.documents != F_STEP1_DOCS)
        BAD("after step 1 the index should hold %d documents in one merged segment", F_STEP1_DOCS);
      kz_index_close(idx);
      rearm();
    }
    failed |= delete_id(w, 10) != KZ_OK;
    failed |= delete_id(w, 20) != KZ_OK;
    step2 = kz_writer_compact(w, &err);
    if (status_ok("kz_writer_compact", step2, &err) && failed)
      BAD("kz_writer_compact succeeded after an earlier failure");
    kz_writer_close(w);
  }
  disarm();
  kz_index *idx = NULL;
  kz_index_stats st = KZ_INDEX_STATS_INIT;
  uint64_t marker = 0;
  int orc = kz_index_open(&idx, g_work, &err);
  if (!orc) orc = kz_index_stats_get(idx, &st, &err);
  if (!orc) orc = kz_count(&marker, idx, "marker", NULL, &err);
  kz_index_close(idx);
  if (orc) {
    BAD("the index no longer opens: %d (%s): %s", orc, kz_strerror(orc), err.message);
    return;
  }
  uint64_t n = st.documents;
  if (marker != n) BAD("\"marker\" matches %llu documents of %llu", (unsigned long long)marker,
                       (unsigned long long)n);
  if (step2 == KZ_OK) {
    if (n != F_STEP2_DOCS || st.segments != 1 || st.deleted_documents != 0)
      BAD("compact said KZ_OK: %llu documents in %llu segments, %llu deleted", (unsigned long long)n,
          (unsigned long long)st.segments, (unsigned long long)st.deleted_documents);
  } else if (step1 == KZ_OK) {
    if (n != F_STEP1_DOCS && n != F_STEP2_DOCS)
      BAD("commit said KZ_OK, compact failed: %llu documents", (unsigned long long)n);
  } else if (n != F_OLD_DOCS && n != F_STEP1_DOCS) {
    BAD("commit failed: %llu documents", (unsigned long long)n);
  }
  expect_clean(g_work);
  /* The next writer must clean up whatever the failed one left and work normally. */
  if ((rc = kz_writer_open(&w, g_work, NULL, &err)) || (rc = kz_writer_commit(w, &err)))
    BAD("a writer after the failure: %d: %s", rc, err.message);
  kz_writer_close(w);
}

/* (g)'s index: (b)'s three segments without their simhash files, as before fingerprints. */
static int prepare_unfingerprinted(void) {
  if (copy_dir(g_template, g_work)) return -1;
  kz_manifest m;
  kz_error err;
  memset(&m, 0, sizeof m);
  if (kz_manifest_read(&m, g_work, &err)) return -1;
  int rc = 0;
  for (size_t i = 0; i < m.n_segments && !rc; i++) {
    char name[64];
    kz_segment_file_name(name, sizeof name, m.segments[i].id, KZ_SEGFILE_SIMHASH);
    char *path = kz_path_join(g_work, name);
    rc = path && unlink(path) == 0 ? 0 : -1;
    free(path);
    m.segments[i].file_bytes[KZ_SEGFILE_SIMHASH] = 0;
  }
  if (!rc && kz_manifest_write(&m, g_work, NULL, &err)) rc = -1;
  kz_manifest_free(&m);
  return rc;
}

/* (g) Compacting segments without fingerprints: the old index, or one segment with them. */
static void scenario_g(void) {
  kz_writer *w = NULL;
  kz_error err = {0};
  int crc = -100, rc = kz_writer_open(&w, g_work, NULL, &err);
  if (status_ok("kz_writer_open", rc, &err)) {
    crc = kz_writer_compact(w, &err);
    status_ok("kz_writer_compact", crc, &err);
    kz_writer_close(w);
  }
  disarm();
  kz_index *idx = NULL;
  int orc = kz_index_open(&idx, g_work, &err);
  if (orc) {
    BAD("the index no longer opens: %d (%s): %s", orc, kz_strerror(orc), err.message);
    return;
  }
  size_t segs = idx->n_segs, with = 0;
  for (size_t i = 0; i < segs; i++) with += (size_t)idx->segs[i].has_simhashes;
  uint64_t n = idx->n_docs;
  kz_index_close(idx);
  int old = segs == 3 && with == 0, compacted = segs == 1 && with == 1;
  if (n != B_OLD_DOCS) BAD("%llu documents, not %d", (unsigned long long)n, B_OLD_DOCS);
  if (crc == KZ_OK && !compacted)
    BAD("compact said KZ_OK: %zu segments, %zu with fingerprints", segs, with);
  else if (!old && !compacted)
    BAD("compact failed: %zu segments, %zu with fingerprints", segs, with);
  expect_clean(g_work);
}

static void test_alloc_failure__delete_replace_merge_compact(void) {
  CHECK(setup());
  uint64_t tried;
  CHECK_EQ_INT(run_faults("f (delete, merge, compact)", 0, prepare_small, scenario_f, &tried), 0);
  CHECK(tried > 0);
  CHECK_EQ_INT(run_faults("f (delete, merge, compact)", 1, prepare_small, scenario_f, &tried), 0);
  CHECK(tried > 0);
}

static void test_alloc_failure__compact_fingerprints_old_segments(void) {
  CHECK(setup());
  uint64_t tried;
  CHECK_EQ_INT(run_faults("g (compact, fingerprints)", 0, prepare_unfingerprinted, scenario_g, &tried), 0);
  CHECK(tried > 0);
  CHECK_EQ_INT(run_faults("g (compact, fingerprints)", 1, prepare_unfingerprinted, scenario_g, &tried), 0);
  CHECK(tried > 0);
}

KZ_TEST_MAIN(KZ_TEST(test_alloc_failure__delete_replace_merge_compact),
             KZ_TEST(test_alloc_failure__compact_fingerprints_old_segments))
