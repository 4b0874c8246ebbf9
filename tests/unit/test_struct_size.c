/*
 * test_struct_size.c - the public structs that can grow (kz_document,
 * kz_index_stats, kz_ingest_stats, kz_check_report; common/struct_size.h).
 * A caller compiled against an older header has a shorter struct: it is
 * accepted, filled up to its struct_size and not one byte further (canary
 * bytes after it stay), and a document's fields past its size are not read.
 * A newer, longer struct keeps its extra bytes; a struct_size of 0 (a struct
 * not made with _INIT) is KZ_ERR_INVALID.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kz_test.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

#define CANARY 0xA5
#define EXTRA 32 /* bytes a newer header's struct would have past ours */

/* A struct buffer: the struct, then room for a newer one's fields, all canaries. */
typedef union buffer {
  unsigned char bytes[512];
  max_align_t align;
} buffer;

static void fill_canaries(buffer *b) { memset(b->bytes, CANARY, sizeof b->bytes); }

/* 1 when bytes [from, to) of b are all canaries. */
static int canaries_from(const buffer *b, size_t from, size_t to) {
  for (size_t i = from; i < to; i++)
    if (b->bytes[i] != CANARY) return 0;
  return 1;
}

static void set_size(buffer *b, size_t size) { memcpy(b->bytes, &size, sizeof size); }

static char g_dir[256];

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
}

/* An index of two documents: "full" (every field) and "old", added through a short struct. */
static void test_struct_size__document(void) {
  kz_writer *w;
  kz_error err = {0};
  CHECK_EQ_INT(kz_writer_open(&w, g_dir, NULL, &err), KZ_OK);
  kz_document full = KZ_DOCUMENT_INIT;
  full.id = "full";
  full.id_len = 4;
  full.body = "almaty news";
  full.body_len = 11;
  full.date = "2022-01-06";
  full.date_len = 10;
  CHECK_EQ_INT(kz_writer_add(w, &full, &err), KZ_OK);

  /* A caller whose kz_document ended before `date`: what lies after is not read. */
  buffer b;
  fill_canaries(&b);
  kz_document *old = (kz_document *)b.bytes;
  old->id = "old";
  old->id_len = 3;
  old->title = NULL;
  old->title_len = 0;
  old->body = "almaty weather";
  old->body_len = 14;
  set_size(&b, offsetof(kz_document, date));
  /* old->date and old->date_len hold canary bytes: a pointer the library must not follow. */
  CHECK_EQ_INT(kz_writer_add(w, old, &err), KZ_OK);

  kz_document none = KZ_DOCUMENT_INIT;
  none.struct_size = 0;
  none.id = "x";
  none.id_len = 1;
  none.body = "b";
  none.body_len = 1;
  CHECK_EQ_INT(kz_writer_add(w, &none, &err), KZ_ERR_INVALID);
  CHECK(strstr(err.message, "KZ_DOCUMENT_INIT") != NULL);
  CHECK_EQ_INT(kz_writer_commit(w, &err), KZ_OK);
  kz_writer_close(w);

  kz_index *idx;
  CHECK_EQ_INT(kz_index_open(&idx, g_dir, &err), KZ_OK);
  kz_hits *hits;
  CHECK_EQ_INT(kz_search(&hits, idx, "almaty", NULL, &err), KZ_OK);
  CHECK_EQ_INT(kz_hits_size(hits), 2);
  int seen = 0;
  for (size_t i = 0; i < kz_hits_size(hits); i++) {
    const kz_hit *h = kz_hits_at(hits, i);
    if (strcmp(h->id, "old") == 0) {
      CHECK_EQ_STR(h->date, "");
      CHECK_EQ_STR(h->url, "");
      seen++;
    } else {
      CHECK_EQ_STR(h->id, "full");
      CHECK_EQ_STR(h->date, "2022-01-06");
      seen++;
    }
  }
  CHECK_EQ_INT(seen, 2);
  kz_hits_free(hits);
  kz_index_close(idx);
}

static void test_struct_size__index_stats(void) {
  kz_index *idx;
  kz_error err = {0};
  CHECK_EQ_INT(kz_index_open(&idx, g_dir, &err), KZ_OK);
  kz_index_stats now = KZ_INDEX_STATS_INIT;
  CHECK_EQ_INT(kz_index_stats_get(idx, &now, &err), KZ_OK);
  CHECK_EQ_INT(now.struct_size, sizeof now);
  CHECK_EQ_INT(now.documents, 2);
  CHECK_EQ_STR(now.language, "english");

  /* An older struct that ended before `language`. */
  buffer b;
  fill_canaries(&b);
  size_t old_size = offsetof(kz_index_stats, language);
  set_size(&b, old_size);
  CHECK_EQ_INT(kz_index_stats_get(idx, (kz_index_stats *)b.bytes, &err), KZ_OK);
  const kz_index_stats *old = (const kz_index_stats *)b.bytes;
  CHECK_EQ_INT(old->struct_size, old_size);
  CHECK_EQ_INT(old->documents, 2);
  CHECK_EQ_INT(old->terms, now.terms);
  CHECK_EQ_INT(old->bytes_manifest, now.bytes_manifest);
  CHECK(canaries_from(&b, old_size, sizeof b.bytes));

  /* A newer, longer one: filled up to the library's end, its extra bytes kept. */
  fill_canaries(&b);
  set_size(&b, sizeof(kz_index_stats) + EXTRA);
  CHECK_EQ_INT(kz_index_stats_get(idx, (kz_index_stats *)b.bytes, &err), KZ_OK);
  CHECK_EQ_INT(old->deleted_documents, 0);
  CHECK_EQ_STR(old->language, "english");
  CHECK(canaries_from(&b, sizeof(kz_index_stats), sizeof b.bytes));

  kz_index_stats zero;
  memset(&zero, 0, sizeof zero);
  CHECK_EQ_INT(kz_index_stats_get(idx, &zero, &err), KZ_ERR_INVALID);
  CHECK(strstr(err.message, "KZ_INDEX_STATS_INIT") != NULL);
  CHECK_EQ_INT(zero.documents, 0);
  kz_index_close(idx);
}

static void test_struct_size__check_report(void) {
  kz_error err = {0};
  kz_check_report now = KZ_CHECK_REPORT_INIT;
  CHECK_EQ_INT(kz_index_check(g_dir, 1, NULL, NULL, &now, &err), KZ_OK);
  CHECK(now.files > 0);
  CHECK_EQ_INT(now.problems, 0);

  buffer b;
  fill_canaries(&b);
  size_t old_size = offsetof(kz_check_report, problems);
  set_size(&b, old_size);
  CHECK_EQ_INT(kz_index_check(g_dir, 1, NULL, NULL, (kz_check_report *)b.bytes, &err), KZ_OK);
  CHECK_EQ_INT(((const kz_check_report *)b.bytes)->files, now.files);
  CHECK_EQ_INT(((const kz_check_report *)b.bytes)->bytes, now.bytes);
  CHECK(canaries_from(&b, old_size, sizeof b.bytes));

  kz_check_report zero;
  memset(&zero, 0, sizeof zero);
  CHECK_EQ_INT(kz_index_check(g_dir, 0, NULL, NULL, &zero, &err), KZ_ERR_INVALID);
  CHECK(strstr(err.message, "KZ_CHECK_REPORT_INIT") != NULL);
}

static void test_struct_size__ingest_stats(void) {
  char path[512], dir[512];
  snprintf(path, sizeof path, "%s.jsonl", g_dir);
  snprintf(dir, sizeof dir, "%s/ingest", g_dir);
  write_file(path, "{\"id\":\"a\",\"title\":\"t\",\"body\":\"one\"}\n"
                   "{\"id\":\"b\",\"title\":\"t\",\"body\":\"two\"}\n"
                   "not json\n"
                   "{\"id\":\"a\",\"title\":\"t\",\"body\":\"again\"}\n");
  kz_writer *w;
  kz_error err = {0};
  CHECK_EQ_INT(kz_writer_open(&w, dir, NULL, &err), KZ_OK);
  buffer b;
  fill_canaries(&b);
  size_t old_size = offsetof(kz_ingest_stats, replaced); /* before `replaced` existed */
  set_size(&b, old_size);
  int rc = kz_writer_add_path(w, path, NULL, (kz_ingest_stats *)b.bytes, &err);
  CHECK_EQ_INT(rc, KZ_OK);
  const kz_ingest_stats *old = (const kz_ingest_stats *)b.bytes;
  CHECK_EQ_INT(old->documents, 3);
  CHECK_EQ_INT(old->skipped, 1);
  CHECK(canaries_from(&b, old_size, sizeof b.bytes));

  kz_ingest_stats now = KZ_INGEST_STATS_INIT;
  CHECK_EQ_INT(kz_writer_add_path(w, path, NULL, &now, &err), KZ_OK);
  CHECK_EQ_INT(now.documents, 3);
  CHECK_EQ_INT(now.replaced, 3);

  kz_ingest_stats zero;
  memset(&zero, 0, sizeof zero);
  CHECK_EQ_INT(kz_writer_add_path(w, path, NULL, &zero, &err), KZ_ERR_INVALID);
  CHECK_EQ_INT(kz_writer_added(w), 6); /* the refused call added nothing */
  kz_writer_close(w);
  remove(path);
}

int main(int argc, char **argv) {
  if (!kz_test_make_temp_dir(g_dir, sizeof g_dir, "kz_test_struct_size")) {
    fprintf(stderr, "cannot make a temporary directory\n");
    return 1;
  }
  static const kz_test_case cases[] = {
      KZ_TEST(test_struct_size__document), KZ_TEST(test_struct_size__index_stats),
      KZ_TEST(test_struct_size__check_report), KZ_TEST(test_struct_size__ingest_stats)};
  int rc = kz_test_run(cases, sizeof cases / sizeof *cases, argc, argv);
  kz_test_remove_tree(g_dir);
  return rc;
}
