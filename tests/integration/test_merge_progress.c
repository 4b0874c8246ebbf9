/*
 * test_merge_progress.c - kz_writer_options.merge_progress hears of every
 * merge, once as it starts and once as it ends, with the right numbers:
 * the commit that brings ten small segments together reports one automatic
 * merge of ten segments, a commit that cascades reports each merge in turn,
 * kz_writer_compact reports its merge of every segment, deleted documents
 * are told apart from live ones, a merge that fails reports its error, and
 * version 1 options (which end before the callback) are still accepted.
 *
 * Owns: a temporary directory per test, removed at its end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kz_test.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

#define MAX_EVENTS 64

typedef struct recorder {
  size_t n;
  kz_merge_event ev[MAX_EVENTS];
  uint64_t segments_seen[MAX_EVENTS]; /* segments a reader sees at each event */
  const char *dir;
} recorder;

static uint64_t reader_segments(const char *dir) {
  kz_index *idx;
  kz_index_stats st = KZ_INDEX_STATS_INIT;
  kz_error err;
  if (kz_index_open(&idx, dir, &err) != KZ_OK) return UINT64_MAX;
  uint64_t n = kz_index_stats_get(idx, &st, &err) == KZ_OK ? st.segments : UINT64_MAX;
  kz_index_close(idx);
  return n;
}

static void record(void *ctx, const kz_merge_event *e) {
  recorder *r = ctx;
  if (r->n == MAX_EVENTS) return;
  r->segments_seen[r->n] = reader_segments(r->dir);
  r->ev[r->n++] = *e;
}

/* A test's index directory, the writer on it and what the writer reported. */
typedef struct fixture {
  char dir[256];
  recorder r;
  kz_writer *w;
} fixture;

/* Creates a fresh directory and opens a writer that records merges there. */
static int fixture_open(fixture *f, int no_auto_merge) {
  memset(f, 0, sizeof *f);
  if (!kz_test_make_temp_dir(f->dir, sizeof f->dir, "kz_mergeprog")) return 0;
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.no_auto_merge = no_auto_merge;
  o.merge_progress = record;
  o.merge_ctx = &f->r;
  f->r.dir = f->dir;
  kz_error err;
  if (kz_writer_open(&f->w, f->dir, &o, &err) == KZ_OK) return 1;
  fprintf(stderr, "open: %s\n", err.message);
  return 0;
}

static int add(kz_writer *w, int n) {
  char id[16];
  snprintf(id, sizeof id, "d%d", n);
  kz_document doc = {sizeof(kz_document), id, strlen(id), "title", 5, "merged words", 12, NULL, 0, NULL, 0};
  kz_error err;
  return kz_writer_add(w, &doc, &err);
}

/* Adds documents first .. first + n - 1, each in a commit (so a segment) of its own. */
static int commit_each(kz_writer *w, int first, int n) {
  kz_error err;
  for (int i = first; i < first + n; i++)
    if (add(w, i) != KZ_OK || kz_writer_commit(w, &err) != KZ_OK) return 0;
  return 1;
}

static void fixture_close(fixture *f) {
  kz_writer_close(f->w);
  f->w = NULL;
  if (f->dir[0] && !kz_test_remove_tree(f->dir)) fprintf(stderr, "cannot remove %s\n", f->dir);
}

/* Checks that events [i, i + 1] are the start and successful end of one merge. */
static int is_merge(const recorder *r, size_t i, int compact, uint64_t segments,
                    uint64_t index_segments, uint64_t documents, uint64_t live) {
  if (i + 1 >= r->n) {
    fprintf(stderr, "event %zu missing (%zu events)\n", i, r->n);
    return 0;
  }
  const kz_merge_event *s = &r->ev[i], *e = &r->ev[i + 1];
  int ok = s->phase == KZ_MERGE_START && s->status == KZ_OK && s->done_documents == 0 &&
           e->phase == KZ_MERGE_END && e->status == KZ_OK && e->done_documents == live;
  for (int k = 0; k < 2; k++) {
    const kz_merge_event *x = k ? e : s;
    ok = ok && x->compact == compact && x->segments == segments &&
         x->index_segments == index_segments && x->documents == documents &&
         x->live_documents == live;
  }
  /* At the start readers see the segments about to merge; at the end, their merge. */
  ok = ok && r->segments_seen[i] == index_segments &&
       r->segments_seen[i + 1] == index_segments - segments + (live > 0);
  if (!ok)
    fprintf(stderr,
            "events %zu-%zu: phases %d %d, status %d %d, compact %d, segments %llu of %llu, "
            "documents %llu, live %llu, done %llu %llu, readers saw %llu %llu segments; expected "
            "compact %d, %llu of %llu segments, %llu documents, %llu live\n",
            i, i + 1, (int)s->phase, (int)e->phase, s->status, e->status, s->compact,
            (unsigned long long)s->segments, (unsigned long long)s->index_segments,
            (unsigned long long)s->documents, (unsigned long long)s->live_documents,
            (unsigned long long)s->done_documents, (unsigned long long)e->done_documents,
            (unsigned long long)r->segments_seen[i], (unsigned long long)r->segments_seen[i + 1],
            compact, (unsigned long long)segments, (unsigned long long)index_segments,
            (unsigned long long)documents, (unsigned long long)live);
  return ok;
}

static void test_merge_progress__commit_reports_the_automatic_merge(void) {
  fixture f;
  CHECK(fixture_open(&f, 0));
  CHECK(commit_each(f.w, 0, 9));
  CHECK_EQ_INT(f.r.n, 0); /* nine segments: nothing to merge yet */
  CHECK(commit_each(f.w, 9, 1));
  CHECK_EQ_INT(f.r.n, 2);
  CHECK(is_merge(&f.r, 0, 0, 10, 10, 10, 10));
  CHECK_EQ_INT(reader_segments(f.dir), 1);
  fixture_close(&f);
}

static void test_merge_progress__cascading_merges_are_reported_in_turn(void) {
  fixture f;
  CHECK(fixture_open(&f, 0));
  CHECK(commit_each(f.w, 0, 99)); /* 9 segments of 10 documents, then 9 of one */
  CHECK_EQ_INT(f.r.n, 2 * 9);
  f.r.n = 0;
  CHECK(commit_each(f.w, 99, 1));
  /* The tenth small segment merges with its nine neighbours, then the ten of ten documents. */
  CHECK_EQ_INT(f.r.n, 4);
  CHECK(is_merge(&f.r, 0, 0, 10, 19, 10, 10));
  CHECK(is_merge(&f.r, 2, 0, 10, 10, 100, 100));
  CHECK_EQ_INT(reader_segments(f.dir), 1);
  fixture_close(&f);
}

static void test_merge_progress__compact_reports_its_merge_with_deletions(void) {
  fixture f;
  CHECK(fixture_open(&f, 1));
  kz_error err;
  for (int s = 0; s < 4; s++) { /* four segments of five documents */
    for (int i = 0; i < 5; i++) CHECK(add(f.w, s * 5 + i) == KZ_OK);
    CHECK(kz_writer_commit(f.w, &err) == KZ_OK);
  }
  int found = 0;
  CHECK(kz_writer_delete(f.w, "d3", 2, &found, &err) == KZ_OK && found);
  CHECK(add(f.w, 7) == KZ_OK); /* replaces d7: the new version is in a fifth segment */
  CHECK(kz_writer_delete(f.w, "nosuch", 6, &found, &err) == KZ_OK && !found);
  CHECK(kz_writer_commit(f.w, &err) == KZ_OK);
  CHECK_EQ_INT(f.r.n, 0); /* no automatic merges */
  CHECK(kz_writer_compact(f.w, &err) == KZ_OK);
  CHECK_EQ_INT(f.r.n, 2);
  CHECK(is_merge(&f.r, 0, 1, 5, 5, 21, 19));
  f.r.n = 0;
  CHECK(kz_writer_compact(f.w, &err) == KZ_OK); /* one segment, nothing deleted: no merge */
  CHECK_EQ_INT(f.r.n, 0);
  CHECK(kz_writer_delete(f.w, "d0", 2, &found, &err) == KZ_OK && found);
  CHECK(kz_writer_compact(f.w, &err) == KZ_OK); /* one segment with a deletion: merged */
  CHECK_EQ_INT(f.r.n, 2);
  CHECK(is_merge(&f.r, 0, 1, 1, 1, 19, 18));
  fixture_close(&f);
}

static void test_merge_progress__compact_after_automatic_merges(void) {
  fixture f;
  CHECK(fixture_open(&f, 0));
  CHECK(commit_each(f.w, 0, 12)); /* ten merged into one, then two more: three segments */
  f.r.n = 0;
  for (int i = 12; i < 20; i++) CHECK(add(f.w, i) == KZ_OK);
  kz_error err;
  /* The commit adds a fourth segment; nothing for the policy; then compact merges all four. */
  CHECK(kz_writer_compact(f.w, &err) == KZ_OK);
  CHECK_EQ_INT(f.r.n, 2);
  CHECK(is_merge(&f.r, 0, 1, 4, 4, 20, 20));
  fixture_close(&f);
}

/* Cuts a committed segment file short, so that opening the segment for a merge fails. */
static int truncate_first_postings(const char *dir) {
  char path[300];
  int n = snprintf(path, sizeof path, "%s/seg-00000001.post", dir);
  return n > 0 && (size_t)n < sizeof path && truncate(path, 10) == 0;
}

static void test_merge_progress__failed_merge_reports_its_error(void) {
  fixture f;
  CHECK(fixture_open(&f, 0));
  CHECK(commit_each(f.w, 0, 9));
  CHECK(truncate_first_postings(f.dir));
  CHECK(commit_each(f.w, 9, 1)); /* the failed merge does not fail the commit */
  CHECK_EQ_INT(f.r.n, 2);
  const kz_merge_event *start = &f.r.ev[0], *end = &f.r.ev[1];
  CHECK(start->phase == KZ_MERGE_START && end->phase == KZ_MERGE_END);
  CHECK(end->status != KZ_OK && end->status != KZ_ERR_UNSYNCED);
  CHECK_EQ_INT(end->segments, 10);
  CHECK_EQ_INT(end->done_documents, 0);
  fixture_close(&f);
}

static void count_calls(void *ctx, const kz_merge_event *e) {
  (void)e;
  (*(int *)ctx)++;
}

static void test_merge_progress__version_1_options_are_accepted(void) {
  fixture f;
  CHECK(fixture_open(&f, 0)); /* only for its directory */
  kz_writer_close(f.w);
  /* A caller built against version 1 has no callback members: they are not read. */
  int calls = 0;
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.version = 1;
  o.merge_progress = count_calls;
  o.merge_ctx = &calls;
  kz_error err;
  CHECK(kz_writer_open(&f.w, f.dir, &o, &err) == KZ_OK);
  CHECK(commit_each(f.w, 0, 10));
  kz_writer_close(f.w);
  f.w = NULL;
  CHECK_EQ_INT(calls, 0);
  CHECK_EQ_INT(reader_segments(f.dir), 1); /* it merged all the same */
  o.version = KZ_WRITER_OPTIONS_VERSION + 1;
  CHECK(kz_writer_open(&f.w, f.dir, &o, &err) == KZ_ERR_INVALID);
  o.version = 0;
  CHECK(kz_writer_open(&f.w, f.dir, &o, &err) == KZ_ERR_INVALID);
  fixture_close(&f);
}

KZ_TEST_MAIN(KZ_TEST(test_merge_progress__commit_reports_the_automatic_merge),
             KZ_TEST(test_merge_progress__cascading_merges_are_reported_in_turn),
             KZ_TEST(test_merge_progress__compact_reports_its_merge_with_deletions),
             KZ_TEST(test_merge_progress__compact_after_automatic_merges),
             KZ_TEST(test_merge_progress__failed_merge_reports_its_error),
             KZ_TEST(test_merge_progress__version_1_options_are_accepted))
