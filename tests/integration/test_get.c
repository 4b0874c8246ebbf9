/*
 * test_get.c - kz_index_get, fetching a stored document by id through the
 * public API: every field comes back byte for byte (a NUL inside the body
 * included), an unknown id gives KZ_OK with NULL, a replaced document gives
 * only its newest version (replaced in the same commit or a later one), a
 * deleted one is gone, documents are found in every segment of a
 * multi-segment index and after a compaction, an index opened before a
 * commit keeps its own snapshot, the document number is the one a search
 * hit reports, and many threads may make the first (table-building) call at
 * once (run under TSan with the threaded tests).
 *
 * Owns a temporary directory, removed at the end.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kz_test.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

#define N_DOCS 1200 /* across several segments: the id table grows past its first size */
#define PER_COMMIT 300
#define N_THREADS 4

static char dir[512];

static kz_document text_doc(const char *id, const char *title, const char *body, const char *date,
                            const char *url) {
  kz_document d = {sizeof(kz_document), id, strlen(id),   title, title ? strlen(title) : 0, body, body ? strlen(body) : 0,
                   date, date ? strlen(date) : 0, url, url ? strlen(url) : 0};
  return d;
}

/* Opens a writer that never merges on its own, so each commit stays one segment. */
static int open_writer(kz_writer **w) {
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.no_auto_merge = 1;
  o.threads = 1;
  return kz_writer_open(w, dir, &o, NULL);
}

static int add_numbered(kz_writer *w, int first, int n, const char *version) {
  for (int i = first; i < first + n; i++) {
    char id[32], body[96];
    snprintf(id, sizeof id, "doc-%d", i);
    snprintf(body, sizeof body, "word%d common %s", i, version);
    kz_document d = text_doc(id, "a title", body, NULL, NULL);
    if (kz_writer_add(w, &d, NULL) != KZ_OK) return -1;
  }
  return 0;
}

/* The body of the live document `id`, or "" when there is none (-1 on error). */
static int body_of(kz_index *idx, const char *id, char *out, size_t cap) {
  kz_stored *s = NULL;
  out[0] = 0;
  if (kz_index_get(&s, idx, id, strlen(id), NULL) != KZ_OK) return -1;
  if (s) snprintf(out, cap, "%s", s->body);
  kz_stored_free(s);
  return 0;
}

static void fresh_dir(void) {
  if (dir[0]) kz_test_remove_tree(dir);
  if (!kz_test_make_temp_dir(dir, sizeof dir, "kz_test_get")) dir[0] = 0;
}

static void test_get__every_field_comes_back(void) {
  fresh_dir();
  CHECK(dir[0]);
  kz_writer *w = NULL;
  CHECK(open_writer(&w) == KZ_OK);
  static const char body[] = "first part\0second part after a NUL";
  kz_document d = text_doc("x1", "Almaty airport", NULL, "2022-01-06", "https://example.org/a");
  d.body = body;
  d.body_len = sizeof body - 1;
  kz_document other = text_doc("x2", "no date or url", "just a body", NULL, NULL);
  CHECK(kz_writer_add(w, &d, NULL) == KZ_OK);
  CHECK(kz_writer_add(w, &other, NULL) == KZ_OK);
  CHECK(kz_writer_commit(w, NULL) == KZ_OK);
  kz_writer_close(w);

  kz_index *idx = NULL;
  CHECK(kz_index_open(&idx, dir, NULL) == KZ_OK);
  kz_stored *s = NULL;
  int rc = kz_index_get(&s, idx, "x1", 2, NULL);
  kz_index_close(idx); /* the document's strings do not need the index */
  CHECK_EQ_INT(rc, KZ_OK);
  CHECK(s != NULL);
  CHECK_EQ_STR(s->id, "x1");
  CHECK_EQ_INT(s->id_len, 2);
  CHECK_EQ_STR(s->title, "Almaty airport");
  CHECK_EQ_STR(s->date, "2022-01-06");
  CHECK_EQ_STR(s->url, "https://example.org/a");
  CHECK_EQ_INT(s->url_len, strlen("https://example.org/a"));
  CHECK_EQ_INT(s->body_len, sizeof body - 1);
  CHECK(memcmp(s->body, body, sizeof body - 1) == 0);
  CHECK(s->body[s->body_len] == 0);
  kz_stored_free(s);

  CHECK(kz_index_open(&idx, dir, NULL) == KZ_OK);
  s = NULL;
  rc = kz_index_get(&s, idx, "x2", 2, NULL);
  int absent_ok = rc == KZ_OK && s && s->date_len == 0 && s->url_len == 0 && !strcmp(s->date, "") &&
                  !strcmp(s->url, "");
  kz_stored_free(s);
  kz_index_close(idx);
  CHECK(absent_ok);
}

static void test_get__unknown_ids_are_null_not_errors(void) {
  fresh_dir();
  CHECK(dir[0]);
  kz_writer *w = NULL;
  CHECK(open_writer(&w) == KZ_OK);
  kz_document d = text_doc("present", "t", "b", NULL, NULL);
  CHECK(kz_writer_add(w, &d, NULL) == KZ_OK);
  CHECK(kz_writer_commit(w, NULL) == KZ_OK);
  kz_writer_close(w);
  kz_index *idx = NULL;
  CHECK(kz_index_open(&idx, dir, NULL) == KZ_OK);
  kz_stored *s = (kz_stored *)&d; /* must be overwritten with NULL */
  kz_error err;
  int rc1 = kz_index_get(&s, idx, "absent", 6, NULL);
  kz_stored *s1 = s;
  int rc2 = kz_index_get(&s, idx, "presen", 6, NULL); /* a prefix is another id */
  kz_stored *s2 = s;
  int rc3 = kz_index_get(&s, idx, "", 0, NULL);
  kz_stored *s3 = s;
  int rc4 = kz_index_get(&s, idx, NULL, 3, &err);
  kz_index_close(idx);
  CHECK(rc1 == KZ_OK && s1 == NULL);
  CHECK(rc2 == KZ_OK && s2 == NULL);
  CHECK(rc3 == KZ_OK && s3 == NULL);
  CHECK_EQ_INT(rc4, KZ_ERR_INVALID);
  CHECK_EQ_INT(err.code, KZ_ERR_INVALID);
}

static void test_get__replaced_deleted_and_multi_segment(void) {
  fresh_dir();
  CHECK(dir[0]);
  kz_writer *w = NULL;
  CHECK(open_writer(&w) == KZ_OK);
  for (int first = 0; first < N_DOCS; first += PER_COMMIT) { /* one segment per commit */
    CHECK(add_numbered(w, first, PER_COMMIT, "v1") == 0);
    CHECK(kz_writer_commit(w, NULL) == KZ_OK);
  }
  /* doc-5 replaced in a later segment; doc-7 twice in one commit; doc-9 deleted;
   * doc-11 deleted then added again. */
  kz_document r5 = text_doc("doc-5", "t", "replaced later", NULL, NULL);
  kz_document r7a = text_doc("doc-7", "t", "first replacement", NULL, NULL);
  kz_document r7b = text_doc("doc-7", "t", "second replacement", NULL, NULL);
  kz_document r11 = text_doc("doc-11", "t", "back again", NULL, NULL);
  int found = 0;
  CHECK(kz_writer_add(w, &r5, NULL) == KZ_OK);
  CHECK(kz_writer_add(w, &r7a, NULL) == KZ_OK);
  CHECK(kz_writer_add(w, &r7b, NULL) == KZ_OK);
  CHECK(kz_writer_delete(w, "doc-9", 5, &found, NULL) == KZ_OK && found);
  CHECK(kz_writer_delete(w, "doc-11", 6, &found, NULL) == KZ_OK && found);
  CHECK(kz_writer_commit(w, NULL) == KZ_OK);
  CHECK(kz_writer_add(w, &r11, NULL) == KZ_OK);
  CHECK(kz_writer_commit(w, NULL) == KZ_OK);

  kz_index *idx = NULL;
  CHECK(kz_index_open(&idx, dir, NULL) == KZ_OK);
  kz_index_stats st = KZ_INDEX_STATS_INIT;
  CHECK(kz_index_stats_get(idx, &st, NULL) == KZ_OK);
  int segments = (int)st.segments;
  char body[128];
  int ok = 1;
  for (int i = 0; i < N_DOCS && ok; i++) {
    char id[32], want[96];
    snprintf(id, sizeof id, "doc-%d", i);
    snprintf(want, sizeof want, "word%d common v1", i);
    if (body_of(idx, id, body, sizeof body) != 0) ok = 0;
    if (i == 5) ok = ok && !strcmp(body, "replaced later");
    else if (i == 7) ok = ok && !strcmp(body, "second replacement");
    else if (i == 9) ok = ok && !strcmp(body, "");
    else if (i == 11) ok = ok && !strcmp(body, "back again");
    else ok = ok && !strcmp(body, want);
    if (!ok) fprintf(stderr, "%s: got \"%s\"\n", id, body);
  }
  kz_index_close(idx);
  CHECK(segments >= N_DOCS / PER_COMMIT + 1);
  CHECK(ok);

  /* After a compaction the same answers come from one segment. */
  CHECK(kz_writer_compact(w, NULL) == KZ_OK);
  kz_writer_close(w);
  CHECK(kz_index_open(&idx, dir, NULL) == KZ_OK);
  CHECK(kz_index_stats_get(idx, &st, NULL) == KZ_OK);
  int rc = body_of(idx, "doc-7", body, sizeof body);
  int seven = rc == 0 && !strcmp(body, "second replacement");
  rc |= body_of(idx, "doc-9", body, sizeof body);
  int nine = rc == 0 && !strcmp(body, "");
  rc |= body_of(idx, "doc-1199", body, sizeof body);
  int last = rc == 0 && !strcmp(body, "word1199 common v1");
  kz_index_close(idx);
  CHECK_EQ_INT(st.segments, 1);
  CHECK(seven && nine && last);
}

static void test_get__a_snapshot_keeps_its_version(void) {
  fresh_dir();
  CHECK(dir[0]);
  kz_writer *w = NULL;
  CHECK(open_writer(&w) == KZ_OK);
  kz_document v1 = text_doc("s", "t", "old text", NULL, NULL);
  kz_document v2 = text_doc("s", "t", "new text", NULL, NULL);
  CHECK(kz_writer_add(w, &v1, NULL) == KZ_OK);
  CHECK(kz_writer_commit(w, NULL) == KZ_OK);
  kz_index *before = NULL, *after = NULL;
  CHECK(kz_index_open(&before, dir, NULL) == KZ_OK);
  CHECK(kz_writer_add(w, &v2, NULL) == KZ_OK);
  int rc = kz_writer_commit(w, NULL);
  kz_writer_close(w);
  char old_body[64] = "", new_body[64] = "";
  if (!rc) rc = kz_index_open(&after, dir, NULL);
  if (!rc) rc = body_of(before, "s", old_body, sizeof old_body);
  if (!rc) rc = body_of(after, "s", new_body, sizeof new_body);
  kz_index_close(before);
  kz_index_close(after);
  CHECK_EQ_INT(rc, 0);
  CHECK_EQ_STR(old_body, "old text");
  CHECK_EQ_STR(new_body, "new text");
}

static void test_get__doc_number_is_the_hits(void) {
  fresh_dir();
  CHECK(dir[0]);
  kz_writer *w = NULL;
  CHECK(open_writer(&w) == KZ_OK);
  CHECK(add_numbered(w, 0, 50, "v1") == 0);
  CHECK(kz_writer_commit(w, NULL) == KZ_OK);
  CHECK(add_numbered(w, 50, 50, "v1") == 0);
  CHECK(kz_writer_commit(w, NULL) == KZ_OK);
  kz_writer_close(w);
  kz_index *idx = NULL;
  CHECK(kz_index_open(&idx, dir, NULL) == KZ_OK);
  kz_hits *hits = NULL;
  kz_stored *s = NULL;
  int rc = kz_search(&hits, idx, "word73", NULL, NULL);
  if (!rc) rc = kz_index_get(&s, idx, "doc-73", 6, NULL);
  int same = !rc && s && kz_hits_size(hits) == 1 && kz_hits_at(hits, 0)->doc == s->doc &&
             !strcmp(kz_hits_at(hits, 0)->id, s->id);
  kz_stored_free(s);
  kz_hits_free(hits);
  kz_index_close(idx);
  CHECK(same);
}

typedef struct thread_arg {
  kz_index *idx;
  int bad;
} thread_arg;

static void *get_all(void *p) {
  thread_arg *a = p;
  char id[32], want[96], body[128];
  for (int i = 0; i < N_DOCS; i++) {
    snprintf(id, sizeof id, "doc-%d", i);
    snprintf(want, sizeof want, "word%d common v1", i);
    if (body_of(a->idx, id, body, sizeof body) != 0 || strcmp(body, want) != 0) a->bad++;
  }
  return NULL;
}

static void test_get__threads_share_the_first_call(void) {
  fresh_dir();
  CHECK(dir[0]);
  kz_writer *w = NULL;
  CHECK(open_writer(&w) == KZ_OK);
  CHECK(add_numbered(w, 0, N_DOCS, "v1") == 0);
  CHECK(kz_writer_commit(w, NULL) == KZ_OK);
  kz_writer_close(w);
  kz_index *idx = NULL;
  CHECK(kz_index_open(&idx, dir, NULL) == KZ_OK);
  pthread_t t[N_THREADS];
  thread_arg args[N_THREADS];
  int started = 0, bad = 0;
  for (int i = 0; i < N_THREADS; i++) {
    args[i].idx = idx;
    args[i].bad = 0;
    if (pthread_create(&t[i], NULL, get_all, &args[i]) == 0) started++;
  }
  for (int i = 0; i < started; i++) {
    pthread_join(t[i], NULL);
    bad += args[i].bad;
  }
  kz_index_close(idx);
  CHECK_EQ_INT(started, N_THREADS);
  CHECK_EQ_INT(bad, 0);
}

static void test_get__cleanup(void) {
  if (dir[0]) kz_test_remove_tree(dir);
  dir[0] = 0;
}

KZ_TEST_MAIN(KZ_TEST(test_get__every_field_comes_back),
             KZ_TEST(test_get__unknown_ids_are_null_not_errors),
             KZ_TEST(test_get__replaced_deleted_and_multi_segment),
             KZ_TEST(test_get__a_snapshot_keeps_its_version),
             KZ_TEST(test_get__doc_number_is_the_hits),
             KZ_TEST(test_get__threads_share_the_first_call), KZ_TEST(test_get__cleanup))
