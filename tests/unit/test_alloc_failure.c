/*
 * test_alloc_failure.c - every allocation made while writing is made to
 * fail, one at a time (the failing allocator and the runner: alloc_fault.c;
 * the fixtures: alloc_fixtures.c). Reading is in test_alloc_failure_read.c,
 * deletions, merges and compaction in test_alloc_failure_merge.c.
 *
 * Scenarios: (a) a writer on a fresh directory adds 30 documents and
 * commits; (b) a writer on a committed three-segment index adds 10 more and
 * commits: afterwards the index opens with the old or (only if the commit
 * said KZ_OK) the new document count and kz_index_check finds no problem;
 * (d) kz_writer_add_path on the bundled sample articles, then commit; (e)
 * the same on a directory tree (a .txt article that fills a batch alone,
 * JSON Lines plain and zstd-compressed in a subdirectory) by two indexing
 * threads, each building a segment, with `rebuild` over the committed index
 * of (b). Every writing scenario writes the simhash, alias and names tables
 * of its segments, (d) with entries in the latter two. (b) and (e) also run
 * with every allocation from the Nth on failing, so the cleanup after a
 * failure fails too.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc_fault.h"
#include "alloc_fixtures.h"
#include "common/limits.h"
#include "kz_test.h"
#include "kzsearch.h"

/* ======================================================================== */
/* Scenarios                                                                */
/* ======================================================================== */

/* (a) A fresh index: nothing, or all 30 documents after a KZ_OK commit. */
static void scenario_a(void) {
  int rc = write_docs(g_work, 0, A_DOCS);
  disarm();
  int orc;
  long long n = doc_count(g_work, &orc);
  if (rc == KZ_OK) {
    if (n != A_DOCS) BAD("commit said KZ_OK, the index has %lld documents (open: %d)", n, orc);
    else expect_clean(g_work);
  } else if (orc == KZ_OK) {
    /* An index may exist only if a commit happened; there was exactly one. */
    BAD("commit failed (%d) but an index with %lld documents opens", rc, n);
  } else if (orc != KZ_ERR_NO_INDEX) {
    BAD("after a failed commit, kz_index_open says %d (%s), not KZ_ERR_NO_INDEX", orc,
        kz_strerror(orc));
  }
}

/* (b) A committed index: intact after any failure, extended only by a KZ_OK commit. */
static void scenario_b(void) {
  int rc = write_docs(g_work, B_OLD_DOCS, B_NEW_DOCS);
  disarm();
  int orc;
  long long n = doc_count(g_work, &orc);
  if (orc) {
    BAD("the committed index no longer opens: %d (%s)", orc, kz_strerror(orc));
    return;
  }
  if (rc == KZ_OK && n != B_OLD_DOCS + B_NEW_DOCS)
    BAD("commit said KZ_OK, the index has %lld documents, not %d", n, B_OLD_DOCS + B_NEW_DOCS);
  else if (rc != KZ_OK && n != B_OLD_DOCS)
    BAD("commit failed (%d), the index has %lld documents, not %d", rc, n, B_OLD_DOCS);
  expect_clean(g_work);
  /* The next writer must clean up whatever the failed one left and work normally. */
  kz_writer *w = NULL;
  kz_error err = {0};
  if ((rc = kz_writer_open(&w, g_work, NULL, &err)) || (rc = kz_writer_commit(w, &err)))
    BAD("a writer after the failure: %d: %s", rc, err.message);
  kz_writer_close(w);
}

/* (d) The sample articles through kz_writer_add_path, then a commit. */
static uint64_t g_sample_docs;

static void scenario_d(void) {
  kz_writer *w = NULL;
  kz_error err = {0};
  kz_ingest_stats st = KZ_INGEST_STATS_INIT;
  int rc = kz_writer_open(&w, g_work, NULL, &err);
  if (status_ok("kz_writer_open", rc, &err)) {
    rc = kz_writer_add_path(w, g_sample, NULL, &st, &err);
    if (status_ok("kz_writer_add_path", rc, &err)) {
      if (!g_n) g_sample_docs = st.documents;
      else if (st.documents != g_sample_docs || st.skipped || st.empty)
        BAD("kz_writer_add_path said KZ_OK with %llu documents, %llu skipped, %llu empty (expected %llu)",
            (unsigned long long)st.documents, (unsigned long long)st.skipped,
            (unsigned long long)st.empty, (unsigned long long)g_sample_docs);
    } else if (st.documents > g_sample_docs || st.skipped || st.empty) {
      BAD("kz_writer_add_path failed with %llu documents, %llu skipped, %llu empty",
          (unsigned long long)st.documents, (unsigned long long)st.skipped,
          (unsigned long long)st.empty);
    }
    /*
     * A failure while reading the file (not inside kz_writer_add) leaves the
     * writer usable: committing then keeps the documents added so far, which
     * stats counted. A failure inside kz_writer_add makes the commit fail.
     */
    rc = kz_writer_commit(w, &err);
    status_ok("kz_writer_commit", rc, &err);
    kz_writer_close(w);
  }
  disarm();
  int orc;
  long long n = doc_count(g_work, &orc);
  if (rc == KZ_OK && n != (long long)st.documents)
    BAD("commit said KZ_OK, the index has %lld documents, not %llu (open: %d)", n,
        (unsigned long long)st.documents, orc);
  else if (rc == KZ_OK)
    expect_clean(g_work);
  else if (orc != KZ_ERR_NO_INDEX)
    BAD("commit failed (%d) but kz_index_open says %d, not KZ_ERR_NO_INDEX", rc, orc);
}

/* (e) A directory tree read while segments are written, replacing the committed index. */
static uint64_t g_tree_docs;

static void scenario_e(void) {
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.memory_bytes = KZ_MIN_MEMORY_BYTES;
  o.threads = 2;
  o.rebuild = 1;
  kz_writer *w = NULL;
  kz_error err = {0};
  kz_ingest_stats st = KZ_INGEST_STATS_INIT;
  int rc = kz_writer_open(&w, g_work, &o, &err);
  if (status_ok("kz_writer_open", rc, &err)) {
    rc = kz_writer_add_path(w, g_tree, NULL, &st, &err);
    if (status_ok("kz_writer_add_path", rc, &err)) {
      if (!g_n) g_tree_docs = st.documents;
      else if (st.documents != g_tree_docs || st.skipped || st.empty)
        BAD("kz_writer_add_path said KZ_OK with %llu documents, %llu skipped, %llu empty (expected %llu)",
            (unsigned long long)st.documents, (unsigned long long)st.skipped,
            (unsigned long long)st.empty, (unsigned long long)g_tree_docs);
    }
    rc = kz_writer_commit(w, &err);
    status_ok("kz_writer_commit", rc, &err);
    kz_writer_close(w);
  }
  disarm();
  kz_index *idx = NULL;
  kz_index_stats stats = KZ_INDEX_STATS_INIT;
  int orc = kz_index_open(&idx, g_work, &err);
  if (!orc) orc = kz_index_stats_get(idx, &stats, &err);
  kz_index_close(idx);
  if (orc) {
    BAD("the index no longer opens: %d (%s)", orc, kz_strerror(orc));
    return;
  }
  if (rc == KZ_OK && stats.documents != st.documents)
    BAD("commit said KZ_OK, the index has %llu documents, not %llu",
        (unsigned long long)stats.documents, (unsigned long long)st.documents);
  else if (rc != KZ_OK && stats.documents != B_OLD_DOCS)
    BAD("commit failed (%d), the index has %llu documents, not %d", rc,
        (unsigned long long)stats.documents, B_OLD_DOCS);
  if (!g_n && stats.segments < 2)
    BAD("the tree gave %llu segment(s); the test needs one per indexing thread",
        (unsigned long long)stats.segments);
  expect_clean(g_work);
}

/* ======================================================================== */
/* Tests                                                                    */
/* ======================================================================== */

static void test_alloc_failure__fresh_writer_add_commit(void) {
  CHECK(setup());
  uint64_t tried;
  CHECK_EQ_INT(run_faults("a (fresh writer)", 0, prepare_empty, scenario_a, &tried), 0);
  CHECK(tried > 0);
}

static void test_alloc_failure__commit_keeps_committed_state(void) {
  CHECK(setup());
  uint64_t tried;
  CHECK_EQ_INT(run_faults("b (second commit)", 0, prepare_copy, scenario_b, &tried), 0);
  CHECK(tried > 0);
  /* Also with the cleanup after the first failure failing too. */
  CHECK_EQ_INT(run_faults("b (second commit)", 1, prepare_copy, scenario_b, &tried), 0);
  CHECK(tried > 0);
}

static void test_alloc_failure__add_path_sample(void) {
  CHECK(setup());
  struct stat st;
  CHECK(stat(g_sample, &st) == 0);
  uint64_t tried;
  CHECK_EQ_INT(run_faults("d (add_path)", 0, prepare_empty, scenario_d, &tried), 0);
  CHECK(tried > 0);
}

static void test_alloc_failure__add_tree_rebuild(void) {
  CHECK(setup());
  uint64_t tried;
  CHECK_EQ_INT(run_faults("e (tree, rebuild)", 0, prepare_copy, scenario_e, &tried), 0);
  CHECK(tried > 0);
  CHECK_EQ_INT(run_faults("e (tree, rebuild)", 1, prepare_copy, scenario_e, &tried), 0);
  CHECK(tried > 0);
}

KZ_TEST_MAIN(KZ_TEST(test_alloc_failure__fresh_writer_add_commit),
             KZ_TEST(test_alloc_failure__commit_keeps_committed_state),
             KZ_TEST(test_alloc_failure__add_path_sample),
             KZ_TEST(test_alloc_failure__add_tree_rebuild))
