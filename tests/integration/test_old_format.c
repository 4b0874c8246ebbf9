/*
 * test_old_format.c - an index of an older format version (v2, written by
 * the last kzsearch that wrote it: tests/data/v2-kazakhstan; and v1, made
 * from it by rewriting the version in every file's header and footer) is
 * refused with a message that says to run `kzsearch upgrade`, by every
 * entry point, and `rebuild` still replaces it in place.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/bytes.h"
#include "common/checksum.h"
#include "format/format.h"
#include "kz_test.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

static char dir[256];

/* Copies the v2 fixture into dir. @return 0, or -1 (also when the sources are not at hand). */
static int copy_fixture(void) {
  const char *src = getenv("KZ_SOURCE_DIR");
  if (!src || !kz_test_make_temp_dir(dir, sizeof dir, "kz_oldformat")) return -1;
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "cp %s/tests/data/v2-kazakhstan/* %s/", src, dir);
  return system(cmd) == 0 ? 0 : -1;
}

static int add_docs(kz_writer *w, int from, int n) {
  kz_error err;
  for (int d = from; d < from + n; d++) {
    char id[32], body[64];
    snprintf(id, sizeof id, "doc-%d", d);
    snprintf(body, sizeof body, "peacekeeping troops arrive %d", d);
    kz_document doc = {sizeof(kz_document), id, strlen(id), "title", 5, body, strlen(body), NULL, 0, NULL, 0};
    if (kz_writer_add(w, &doc, &err) != KZ_OK) return -1;
  }
  return 0;
}

/* Rewrites DIR/name as format `version`: header, footer and checksum. */
static int set_version(const char *name, uint32_t version) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  rewind(f);
  uint8_t *b = malloc((size_t)size);
  int ok = b && size >= 24 && fread(b, 1, (size_t)size, f) == (size_t)size;
  fclose(f);
  if (!ok) {
    free(b);
    return -1;
  }
  kz_store_u32le(b + 4, version);
  kz_store_u32le(b + size - 12, version);
  kz_store_u64le(b + size - 8, kz_checksum(b, (size_t)size - 8));
  f = fopen(path, "wb");
  ok = f && fwrite(b, 1, (size_t)size, f) == (size_t)size;
  if (f) fclose(f);
  free(b);
  return ok ? 0 : -1;
}

/* Turns the copied v2 index into a v1 one. */
static int make_v1_index(void) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  int rc = 0;
  struct dirent *e;
  while ((e = readdir(d)) && !rc)
    if (e->d_name[0] != '.' && strcmp(e->d_name, "LOCK") != 0) rc = set_version(e->d_name, 1);
  closedir(d);
  return rc;
}

static const char *old_version = "format v2";

static int says_upgrade(const char *msg) {
  return strstr(msg, old_version) && strstr(msg, "v3") && strstr(msg, "kzsearch upgrade");
}

static void count_problems(void *ctx, const char *file, const char *message) {
  int *n = ctx;
  if (says_upgrade(message)) ++*n;
  (void)file;
}

/* Every entry point refuses the old index, saying to upgrade it. */
static void check_refused(void) {
  kz_error err;
  kz_index *idx = NULL;
  CHECK_EQ_INT(kz_index_open(&idx, dir, &err), KZ_ERR_VERSION);
  CHECK(says_upgrade(err.message));

  /* Adding to it (or deleting, or compacting: all open a writer) is refused. */
  kz_writer *w = NULL;
  CHECK_EQ_INT(kz_writer_open(&w, dir, NULL, &err), KZ_ERR_VERSION);
  CHECK(says_upgrade(err.message));

  /* A check finds one problem, saying the same. */
  int problems = 0;
  kz_check_report report = KZ_CHECK_REPORT_INIT;
  CHECK_EQ_INT(kz_index_check(dir, 1, count_problems, &problems, &report, &err), KZ_OK);
  CHECK_EQ_INT(problems, 1);
  CHECK_EQ_INT(report.problems, 1);
}

static void test_old_format__v2_refused(void) {
  if (copy_fixture() != 0) {
    printf("skipped: the v2 fixture is not at hand (KZ_SOURCE_DIR)\n");
    return;
  }
  old_version = "format v2";
  check_refused();
  CHECK(kz_test_remove_tree(dir));
}

static void test_old_format__v1_refused_then_rebuilt(void) {
  if (copy_fixture() != 0) {
    printf("skipped: the v2 fixture is not at hand (KZ_SOURCE_DIR)\n");
    return;
  }
  CHECK_EQ_INT(make_v1_index(), 0);
  old_version = "format v1";
  check_refused();
  kz_error err;
  kz_index *idx = NULL;
  kz_writer *w = NULL;
  kz_check_report report = KZ_CHECK_REPORT_INIT;

  /* A rebuild reads the old manifest only and replaces the index. */
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.rebuild = 1;
  CHECK_EQ_INT(kz_writer_open(&w, dir, &o, &err), KZ_OK);
  CHECK_EQ_INT(add_docs(w, 100, 7), 0);
  CHECK_EQ_INT(kz_writer_commit(w, &err), KZ_OK);
  kz_writer_close(w);
  CHECK_EQ_INT(kz_index_open(&idx, dir, &err), KZ_OK);
  uint64_t n = 0;
  CHECK_EQ_INT(kz_count(&n, idx, "peacekeeping", NULL, &err), KZ_OK);
  CHECK_EQ_INT(n, 7);
  kz_index_close(idx);
  CHECK_EQ_INT(kz_index_check(dir, 1, NULL, NULL, &report, &err), KZ_OK);
  CHECK_EQ_INT(report.problems, 0);

  CHECK(kz_test_remove_tree(dir));
}

KZ_TEST_MAIN(KZ_TEST(test_old_format__v2_refused), KZ_TEST(test_old_format__v1_refused_then_rebuilt))
