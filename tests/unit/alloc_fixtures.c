/*
 * alloc_fixtures.c - the fixtures of the allocation failure tests (see
 * alloc_fixtures.h): a generated corpus, committed indexes to start from
 * (three segments of ten documents; nine of three), the source tree of
 * scenario (e), and the unarmed checks of an index on disk.
 *
 * Fixtures live under $TMPDIR, else /dev/shm (thousands of commits fsync).
 * Owns: one temporary directory (removed at exit).
 */
#include "alloc_fixtures.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc_fault.h"
#include "common/buf.h"
#include "common/compress.h"
#include "common/limits.h"
#include "kz_test_corpus.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

static const char *g_root; /* kz_test_scratch_root's, removed at exit */

/* Thousands of commits fsync their files: a tmpfs keeps that fast when TMPDIR is not set. */
static int make_root(void) { return (g_root = kz_test_scratch_root("kz_test_alloc", 1)) != NULL; }

/* Copies the regular files of `src` into a fresh `dst` (unarmed: the test's own I/O). */
int copy_dir(const char *src, const char *dst) {
  kz_test_remove_tree(dst);
  if (mkdir(dst, 0755) != 0) return -1;
  DIR *d = opendir(src);
  if (!d) return -1;
  struct dirent *e;
  int rc = 0;
  while (!rc && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char from[1024], to[1024];
    snprintf(from, sizeof from, "%s/%s", src, e->d_name);
    snprintf(to, sizeof to, "%s/%s", dst, e->d_name);
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[8192];
    size_t n;
    rc = in && out ? 0 : -1;
    while (!rc && (n = fread(buf, 1, sizeof buf, in)) > 0)
      if (fwrite(buf, 1, n, out) != n) rc = -1;
    if (in) fclose(in);
    if (out && fclose(out) != 0) rc = -1;
  }
  closedir(d);
  return rc;
}

static const char *const kWords[] = {
    "astana",  "almaty", "steppe",  "nomad",  "oil",      "uranium",  "parliament", "president",
    "caspian", "border", "railway", "grain",  "protest",  "reform",   "tenge",      "pipeline",
    "river",   "horse",  "eagle",   "winter", "baikonur", "rocket",   "museum",     "history"};
#define N_WORDS (sizeof kWords / sizeof kWords[0])

/* Document `i` of a generated corpus (deterministic; every body holds "marker"). */
void make_doc(int i, char *id, size_t id_size, char *title, size_t title_size, char *body,
              size_t body_size, kz_document *d) {
  snprintf(id, id_size, "doc-%04d", i);
  snprintf(title, title_size, "%s %s", kWords[i % N_WORDS], kWords[(i * 7 + 3) % N_WORDS]);
  size_t len = (size_t)snprintf(body, body_size, "marker");
  uint64_t seed = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, seed);
  kz_test_append_words(&r, body, body_size, &len, kWords, N_WORDS, (size_t)(12 + i % 9));
  *d = (kz_document)KZ_DOCUMENT_INIT;
  d->id = id, d->id_len = strlen(id);
  d->title = title, d->title_len = strlen(title);
  d->body = body, d->body_len = strlen(body);
  d->date = "2022-01-05", d->date_len = 10;
}

/*
 * Adds documents [first, first + n) and commits. Every status is checked;
 * once one call failed, the writer must refuse the rest (commit included).
 * @return the commit's status (or the open's, when the writer did not open).
 */
int write_docs(const char *dir, int first, int n) {
  kz_writer *w = NULL;
  kz_error err = {0};
  int rc = kz_writer_open(&w, dir, NULL, &err);
  if (!status_ok("kz_writer_open", rc, &err)) return rc ? rc : -100;
  int failed = 0;
  for (int i = first; i < first + n; i++) {
    char id[32], title[128], body[1024];
    kz_document d = KZ_DOCUMENT_INIT;
    make_doc(i, id, sizeof id, title, sizeof title, body, sizeof body, &d);
    rc = kz_writer_add(w, &d, &err);
    if (!status_ok("kz_writer_add", rc, &err)) failed = 1;
    else if (failed) BAD("kz_writer_add succeeded after an earlier failure");
  }
  rc = kz_writer_commit(w, &err);
  if (status_ok("kz_writer_commit", rc, &err) && failed)
    BAD("kz_writer_commit succeeded after a failed kz_writer_add");
  kz_writer_close(w);
  return rc;
}

/* Opens `dir` (unarmed) and @return its document count, or -1 when it does not open. */
long long doc_count(const char *dir, int *open_rc) {
  kz_index *idx = NULL;
  kz_error err = {0};
  kz_index_stats st = KZ_INDEX_STATS_INIT;
  *open_rc = kz_index_open(&idx, dir, &err);
  if (*open_rc) return -1;
  long long n = kz_index_stats_get(idx, &st, &err) == KZ_OK ? (long long)st.documents : -1;
  kz_index_close(idx);
  return n;
}

void count_problem(void *ctx, const char *file, const char *problem) {
  fprintf(stderr, "scenario %s, thread %u, N=%llu: kz_index_check: %s: %s\n", g_scenario, g_thread,
          (unsigned long long)g_n, file, problem);
  (*(int *)ctx)++;
}

/* Unarmed: the committed index at `dir` passes the full check. */
void expect_clean(const char *dir) {
  kz_check_report rep = KZ_CHECK_REPORT_INIT;
  kz_error err = {0};
  int problems = 0;
  int rc = kz_index_check(dir, 1, count_problem, &problems, &rep, &err);
  if (rc) BAD("kz_index_check returned %d: %s", rc, err.message);
  else if (rep.problems) BAD("kz_index_check found %llu problems", (unsigned long long)rep.problems);
}

char g_work[300];     /* the directory a writer scenario writes */
char g_template[300]; /* a committed index of 3 segments (30 documents) */
char g_sample[1024];  /* data/kazakhstan/docs.jsonl */
char g_tree[300];     /* the source tree of scenario (e) */
char g_small[300];    /* a committed index of 9 segments of 3 documents */

int prepare_empty(void) {
  kz_test_remove_tree(g_work);
  return 0;
}

int prepare_copy(void) { return copy_dir(g_template, g_work); }

int prepare_nothing(void) { return 0; }

/* Writes `len` bytes to `path`, zstd-compressed when `zst`. @return 0 or -1. */
static int write_file(const char *path, const char *text, size_t len, int zst) {
  kz_buf z = KZ_BUF_INIT;
  if (zst) {
    if (kz_zstd_compress(&z, text, len, 3)) return -1;
    text = (const char *)z.data;
    len = z.len;
  }
  FILE *f = fopen(path, "wb");
  int ok = f && fwrite(text, 1, len, f) == len;
  if (f && fclose(f) != 0) ok = 0;
  kz_buf_free(&z);
  return ok ? 0 : -1;
}

/* The source tree of scenario (e). */
static int make_tree(void) {
  char path[512], sub[400];
  snprintf(sub, sizeof sub, "%s/sub", g_tree);
  if (mkdir(g_tree, 0755) != 0 || mkdir(sub, 0755) != 0) return -1;
  /*
   * One article larger than a batch under the smallest budget shared by two
   * threads (budget / 2 / 8 bytes), so that it is handed to the first thread
   * alone and the rest go to the second; far from filling a thread's share,
   * so no segment is finished early (which timing would decide).
   */
  size_t n_tokens = KZ_MIN_MEMORY_BYTES / 2 / 8, cap = 2 * n_tokens + 64, len = 0;
  char *big = malloc(cap);
  if (!big) return -1;
  len += (size_t)snprintf(big, cap, "A long article about the steppe\n");
  for (size_t i = 0; i < n_tokens; i++, len += 2) memcpy(big + len, "x ", 2);
  snprintf(path, sizeof path, "%s/a_big.txt", g_tree);
  int rc = write_file(path, big, len, 0);
  free(big);
  char lines[2048];
  len = 0;
  for (int i = 0; i < 3; i++)
    len += (size_t)snprintf(lines + len, sizeof lines - len,
                            "{\"id\": \"j%d\", \"title\": \"%s river\", \"body\": \"%s %s marker\"}\n", i,
                            kWords[i], kWords[i + 3], kWords[i + 6]);
  snprintf(path, sizeof path, "%s/b.jsonl", sub);
  if (!rc) rc = write_file(path, lines, len, 0);
  len = 0;
  for (int i = 0; i < 3; i++)
    len += (size_t)snprintf(lines + len, sizeof lines - len,
                            "{\"id\": \"z%d\", \"title\": \"%s eagle\", \"body\": \"%s %s\", \"url\": \"u%d\"}\n",
                            i, kWords[i + 9], kWords[i + 12], kWords[i + 15], i);
  snprintf(path, sizeof path, "%s/c.jsonl.zst", sub);
  if (!rc) rc = write_file(path, lines, len, 1);
  snprintf(path, sizeof path, "%s/.hidden.jsonl", sub); /* hidden entries are not read */
  if (!rc) rc = write_file(path, "{}\n", 3, 0);
  return rc;
}

int setup(void) {
  static int done;
  if (done) return done > 0;
  done = -1;
  report_crashes();
  if (!make_root()) return 0;
  snprintf(g_work, sizeof g_work, "%s/work", g_root);
  snprintf(g_template, sizeof g_template, "%s/template", g_root);
  const char *src = getenv("KZ_SOURCE_DIR");
  snprintf(g_sample, sizeof g_sample, "%s/data/kazakhstan/docs.jsonl", src && *src ? src : ".");
  snprintf(g_tree, sizeof g_tree, "%s/tree", g_root);
  if (make_tree()) return 0;
  snprintf(g_small, sizeof g_small, "%s/small", g_root);
  for (int c = 0; c < 9; c++)
    if (write_docs(g_small, c * 3, 3) != KZ_OK) return 0;
  /* Three commits, so three segments. */
  for (int c = 0; c < 3; c++)
    if (write_docs(g_template, c * (B_OLD_DOCS / 3), B_OLD_DOCS / 3) != KZ_OK) return 0;
  int orc;
  if (doc_count(g_template, &orc) != B_OLD_DOCS) return 0;
  done = 1;
  return 1;
}
