/*
 * test_source.c - document sources: JSON Lines (plain, zstd, malformed
 * records, escapes, limits), directories of .txt and .jsonl files, and the
 * bundled sample corpora. Every test writes its files under its own scratch
 * directory (tests/kz_test_fs.h) and removes it afterwards.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/compress.h"
#include "common/limits.h"
#include "indexer/source.h"
#include "kz_test.h"
#include "kz_test_fs.h"

/* ------------------------------------------------------------------------ */
/* Fixtures                                                                 */
/* ------------------------------------------------------------------------ */

#define MAX_DOCS 64
#define MAX_WARNINGS 64

typedef struct warning {
  char path[512];
  uint64_t line;
  char why[160];
} warning;

/* Everything a source produced, copied out (strings NUL-terminated; NULL when absent). */
typedef struct result {
  int status; /* the last kz_source_next return: 0 at a clean end, or the error */
  size_t n_docs;
  char *id[MAX_DOCS], *title[MAX_DOCS], *body[MAX_DOCS], *date[MAX_DOCS], *url[MAX_DOCS];
  size_t body_len[MAX_DOCS];
  size_t n_warnings;
  warning warnings[MAX_WARNINGS];
  uint64_t bytes, skipped;
  kz_error err;
} result;

static void on_warn(void *ctx, const char *path, uint64_t line, const char *why) {
  result *r = ctx;
  if (r->n_warnings == MAX_WARNINGS) return;
  warning *w = &r->warnings[r->n_warnings++];
  snprintf(w->path, sizeof w->path, "%s", path);
  w->line = line;
  snprintf(w->why, sizeof w->why, "%s", why);
}

static char *dup_field(const char *p, size_t n) {
  if (!p) return NULL;
  char *s = malloc(n + 1);
  if (n) memcpy(s, p, n);
  s[n] = 0;
  return s;
}

static void result_free(result *r) {
  for (size_t i = 0; i < r->n_docs; i++) {
    free(r->id[i]);
    free(r->title[i]);
    free(r->body[i]);
    free(r->date[i]);
    free(r->url[i]);
  }
  free(r);
}

/* Reads `path` to the end (or the first error); NULL when kz_source_open fails (*open_rc set). */
static result *read_all_limit(const char *path, size_t line_limit, int *open_rc) {
  result *r = calloc(1, sizeof *r);
  kz_source *s = NULL;
  int rc = kz_source_open(&s, path, on_warn, r, &r->err);
  if (open_rc) *open_rc = rc;
  if (rc) {
    free(r);
    return NULL;
  }
  if (line_limit) kz_source_set_line_limit(s, line_limit);
  kz_document d = KZ_DOCUMENT_INIT;
  for (;;) {
    rc = kz_source_next(s, &d, &r->err);
    if (rc != 1) break;
    if (r->n_docs == MAX_DOCS) continue;
    size_t i = r->n_docs++;
    r->id[i] = dup_field(d.id, d.id_len);
    r->title[i] = dup_field(d.title, d.title_len);
    r->body[i] = dup_field(d.body, d.body_len);
    r->body_len[i] = d.body_len;
    r->date[i] = dup_field(d.date, d.date_len);
    r->url[i] = dup_field(d.url, d.url_len);
  }
  r->status = rc;
  if (rc < 0) { /* a failed source keeps failing */
    kz_error again;
    if (kz_source_next(s, &d, &again) != rc) r->status = 999;
  }
  r->bytes = kz_source_bytes(s);
  r->skipped = kz_source_skipped(s);
  kz_source_free(s);
  return r;
}

static result *read_all(const char *path) { return read_all_limit(path, 0, NULL); }

static char *make_tmpdir(void) {
  char d[256];
  return kz_test_make_temp_dir(d, sizeof d, "kz_test_source") ? strdup(d) : NULL;
}

static void rm_tree(char *dir) {
  if (!dir) return;
  kz_test_remove_tree(dir);
  free(dir);
}

/* Writes dir/name (creating parent folders named in `name`) and returns the full path. */
static char *write_file(const char *dir, const char *name, const void *data, size_t n) {
  size_t len = strlen(dir) + strlen(name) + 2;
  char *path = malloc(len);
  snprintf(path, len, "%s/%s", dir, name);
  for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
    *p = 0;
    mkdir(path, 0755);
    *p = '/';
  }
  FILE *f = fopen(path, "wb");
  if (f) {
    if (n) fwrite(data, 1, n, f);
    fclose(f);
  }
  return path;
}

static char *write_str(const char *dir, const char *name, const char *text) {
  return write_file(dir, name, text, strlen(text));
}

static char *join(const char *a, const char *b) {
  size_t len = strlen(a) + strlen(b) + 2;
  char *p = malloc(len);
  snprintf(p, len, "%s/%s", a, b);
  return p;
}

/* The repository root: $KZ_SOURCE_DIR under ctest, else the folder holding tests/unit/. */
static char *source_dir(void) {
  const char *env = getenv("KZ_SOURCE_DIR");
  if (env && *env) return strdup(env);
  char *p = strdup(__FILE__);
  char *at = strstr(p, "tests/unit/");
  if (!at || at == p) {
    free(p);
    return strdup(".");
  }
  at[-1] = 0; /* drop "/tests/unit/test_source.c" */
  return p;
}

/* ------------------------------------------------------------------------ */
/* JSON Lines                                                               */
/* ------------------------------------------------------------------------ */

static const char k_three_docs[] =
    "{\"id\":\"a\",\"title\":\"Alpha\",\"body\":\"first body\",\"date\":\"2024-01-02\","
    "\"url\":\"http://x/a\"}\n"
    "{\"id\":\"b\",\"title\":\"Beta\",\"body\":\"second\",\"date\":null,\"extra\":{\"k\":[1,2]}}\n"
    "{\"body\":\"third\",\"id\":\"c\"}\n";

static void test_source__plain_jsonl(void) {
  char *dir = make_tmpdir();
  CHECK(dir);
  char *path = write_str(dir, "docs.jsonl", k_three_docs);
  result *r = read_all(path);
  CHECK(r);
  CHECK_EQ_INT(r->status, 0);
  CHECK_EQ_INT(r->n_docs, 3);
  CHECK_EQ_STR(r->id[0], "a");
  CHECK_EQ_STR(r->title[0], "Alpha");
  CHECK_EQ_STR(r->body[0], "first body");
  CHECK_EQ_STR(r->date[0], "2024-01-02");
  CHECK_EQ_STR(r->url[0], "http://x/a");
  CHECK_EQ_STR(r->id[1], "b");
  CHECK(r->date[1] == NULL); /* null -> absent */
  CHECK(r->url[1] == NULL);
  CHECK_EQ_STR(r->id[2], "c");
  CHECK(r->title[2] == NULL);
  CHECK_EQ_STR(r->body[2], "third");
  CHECK_EQ_INT(r->skipped, 0);
  CHECK_EQ_INT(r->n_warnings, 0);
  CHECK_EQ_INT(r->bytes, strlen(k_three_docs));
  result_free(r);
  free(path);
  rm_tree(dir);
}

static void test_source__json_and_unknown_extensions_read_as_jsonl(void) {
  char *dir = make_tmpdir();
  CHECK(dir);
  char *p1 = write_str(dir, "docs.json", k_three_docs);
  char *p2 = write_str(dir, "docs.ndjson", k_three_docs);
  char *p3 = write_str(dir, "docs", "{\"id\":\"only\"}"); /* no final newline */
  result *r1 = read_all(p1), *r2 = read_all(p2), *r3 = read_all(p3);
  CHECK(r1 && r2 && r3);
  CHECK_EQ_INT(r1->n_docs, 3);
  CHECK_EQ_INT(r2->n_docs, 3);
  CHECK_EQ_INT(r3->n_docs, 1);
  CHECK_EQ_STR(r3->id[0], "only");
  result_free(r1);
  result_free(r2);
  result_free(r3);
  free(p1);
  free(p2);
  free(p3);
  rm_tree(dir);
}

static void test_source__zstd_jsonl(void) {
  char *dir = make_tmpdir();
  CHECK(dir);
  /* Enough records that the stream spans several reads and lines cross chunk edges. */
  kz_buf plain = KZ_BUF_INIT, z = KZ_BUF_INIT;
  char line[256];
  for (int i = 0; i < 20000; i++) {
    int n = snprintf(line, sizeof line,
                     "{\"id\":%d,\"title\":\"title %d\",\"body\":\"body of doc %d with padding "
                     "text to make lines longer than a few bytes\"}\n",
                     i, i, i);
    CHECK_EQ_INT(kz_buf_append(&plain, line, (size_t)n), 0);
  }
  CHECK_EQ_INT(kz_zstd_compress(&z, plain.data, plain.len, 3), 0);
  char *path = write_file(dir, "docs.jsonl.zst", z.data, z.len);
  kz_source *s = NULL;
  kz_error err;
  CHECK_EQ_INT(kz_source_open(&s, path, NULL, NULL, &err), 0);
  kz_document d = KZ_DOCUMENT_INIT;
  int count = 0, rc;
  while ((rc = kz_source_next(s, &d, &err)) == 1) {
    int n = snprintf(line, sizeof line, "%d", count);
    if (d.id_len != (size_t)n || memcmp(d.id, line, (size_t)n) != 0) break;
    count++;
  }
  CHECK_EQ_INT(rc, 0);
  CHECK_EQ_INT(count, 20000);
  CHECK_EQ_INT(kz_source_bytes(s), plain.len); /* uncompressed bytes */
  kz_source_free(s);
  kz_buf_free(&plain);
  kz_buf_free(&z);
  free(path);
  rm_tree(dir);
}

static void test_source__truncated_zstd_is_corrupt(void) {
  char *dir = make_tmpdir();
  CHECK(dir);
  kz_buf plain = KZ_BUF_INIT, z = KZ_BUF_INIT;
  char line[128];
  for (int i = 0; i < 5000; i++) {
    int n = snprintf(line, sizeof line, "{\"id\":\"d%d\",\"body\":\"%d %d %d\"}\n", i, i * 7,
                     i * 13, i * 31);
    CHECK_EQ_INT(kz_buf_append(&plain, line, (size_t)n), 0);
  }
  CHECK_EQ_INT(kz_zstd_compress(&z, plain.data, plain.len, 3), 0);
  char *path = write_file(dir, "cut.jsonl.zst", z.data, z.len - 7);
  result *r = read_all(path);
  CHECK(r);
  CHECK_EQ_INT(r->status, KZ_ERR_CORRUPT);
  CHECK_EQ_INT(r->err.code, KZ_ERR_CORRUPT);
  CHECK(strstr(r->err.message, "cut.jsonl.zst") != NULL);
  CHECK(r->n_docs < 5000);
  result_free(r);
  free(path);
  /* Bytes that are not zstd at all under a .zst name. */
  path = write_str(dir, "bogus.zst", k_three_docs);
  r = read_all(path);
  CHECK(r);
  CHECK_EQ_INT(r->status, KZ_ERR_CORRUPT);
  result_free(r);
  free(path);
  kz_buf_free(&plain);
  kz_buf_free(&z);
  rm_tree(dir);
}

static int has_warning(const result *r, uint64_t line, const char *why_part) {
  for (size_t i = 0; i < r->n_warnings; i++)
    if (r->warnings[i].line == line && strstr(r->warnings[i].why, why_part)) return 1;
  return 0;
}

static void test_source__malformed_lines_reported_and_skipped(void) {
  char *dir = make_tmpdir();
  CHECK(dir);
  static const char text[] =
      "{\"id\":\"good1\",\"body\":\"x\"}\n"           /* 1 */
      "this is not json\n"                            /* 2 */
      "[1, 2, 3]\n"                                   /* 3 */
      "{\"id\":\"good2\"}\n"                          /* 4 */
      "{\"id\":\"x\"} trailing\n"                     /* 5 */
      "{\"title\":\"no id\"}\n"                       /* 6 */
      "{\"id\":\"\"}\n"                               /* 7 */
      "{\"id\":1.5}\n"                                /* 8 */
      "{\"id\":\"t\",\"title\":5}\n"                  /* 9 */
      "{\"id\":\"t\",\"body\":[\"a\"]}\n"             /* 10 */
      "{\"id\":\"t\",\"date\":{}}\n"                  /* 11 */
      "{\"id\":\"t\",\"url\":true}\n"                 /* 12 */
      "{\"id\":\"trunc\",\"body\":\"never closed\n"   /* 13 */
      "{\"id\":null}\n"                               /* 14 */
      "{\"id\":\"a\\u0000b\",\"body\":\"escaped NUL is fine\"}\n" /* 15 */
      "{\"id\":\"nul\0inside\"}\n"                    /* 16: a raw NUL byte */
      "\"just a string\"\n"                           /* 17 */
      "{\"id\":\"good3\"}";                           /* 18, no newline */
  char *path = write_file(dir, "bad.jsonl", text, sizeof text - 1);
  result *r = read_all(path);
  CHECK(r);
  CHECK_EQ_INT(r->status, 0);
  CHECK_EQ_INT(r->n_docs, 4);
  CHECK_EQ_STR(r->id[0], "good1");
  CHECK_EQ_STR(r->id[1], "good2");
  CHECK(memcmp(r->id[2], "a\0b", 4) == 0); /* \u0000 decodes to a NUL inside the id */
  CHECK_EQ_STR(r->id[3], "good3");
  CHECK_EQ_INT(r->skipped, 14);
  CHECK_EQ_INT(r->n_warnings, 14);
  static const uint64_t bad[] = {2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CHECK_EQ_INT(r->warnings[i].line, bad[i]);
    CHECK(strstr(r->warnings[i].path, "bad.jsonl") != NULL);
    CHECK(r->warnings[i].why[0] != 0);
  }
  CHECK(has_warning(r, 6, "missing id"));
  CHECK(has_warning(r, 7, "empty id"));
  CHECK(has_warning(r, 8, "id"));
  CHECK(has_warning(r, 9, "title"));
  CHECK(has_warning(r, 10, "body"));
  CHECK(has_warning(r, 11, "date"));
  CHECK(has_warning(r, 12, "url"));
  CHECK(has_warning(r, 14, "missing id"));
  CHECK_EQ_INT(r->bytes, sizeof text - 1);
  result_free(r);
  free(path);
  rm_tree(dir);
}

static void test_source__integer_ids(void) {
  char *dir = make_tmpdir();
  CHECK(dir);
  char *path = write_str(dir, "ints.jsonl",
                         "{\"id\":42,\"title\":\"t\"}\n"
                         "{\"id\":-7}\n"
                         "{\"id\":0}\n"
                         "{\"id\":9223372036854775807}\n"
                         "{\"id\":18446744073709551615}\n");
  result *r = read_all(path);
  CHECK(r);
  CHECK_EQ_INT(r->n_docs, 5);
  CHECK_EQ_STR(r->id[0], "42");
  CHECK_EQ_STR(r->title[0], "t");
  CHECK_EQ_STR(r->id[1], "-7");
  CHECK_EQ_STR(r->id[2], "0");
  CHECK_EQ_STR(r->id[3], "9223372036854775807");
  CHECK_EQ_STR(r->id[4], "18446744073709551615");
  CHECK_EQ_INT(r->skipped, 0);
  result_free(r);
  free(path);
  rm_tree(dir);
}

static void test_source__blank_and_crlf_lines(void) {
  char *dir = make_tmpdir();
  CHECK(dir);
  static const char text[] =
      "\xEF\xBB\xBF{\"id\":\"bom\"}\r\n" /* a byte order mark on line 1 */
      "\r\n"
      "   \t  \n"
      "\n"
      "{\"id\":\"crlf\",\"body\":\"b\"}\r\n"
      "\r\n"
      "oops\r\n" /* line 7 */
      "{\"id\":\"last\"}\r\n";
  char *path = write_str(dir, "crlf.jsonl", text);
  result *r = read_all(path);
  CHECK(r);
  CHECK_EQ_INT(r->n_docs, 3);
  CHECK_EQ_STR(r->id[0], "bom");
  CHECK_EQ_STR(r->id[1], "crlf");
  CHECK_EQ_STR(r->body[1], "b");
  CHECK_EQ_STR(r->id[2], "last");
  CHECK_EQ_INT(r->skipped, 1);
  CHECK_EQ_INT(r->warnings[0].line, 7);
  result_free(r);
  free(path);
  rm_tree(dir);
}

static void test_source__escapes_and_surrogate_pairs_decoded(void) {
  char *dir = make_tmpdir();
  CHECK(dir);
  char *path = write_str(dir, "esc.jsonl",
                         "{\"id\":\"e\",\"title\":\"caf\\u00e9 \\u041a\\u0430\\u0437\",\"body\":"
                         "\"a\\nb\\tc\\\"d\\\\e\\/f \\ud83d\\ude00!\"}\n");
  result *r = read_all(path);
  CHECK(r);
  CHECK_EQ_INT(r->n_docs, 1);
  CHECK_EQ_STR(r->title[0], "caf\xC3\xA9 \xD0\x9A\xD0\xB0\xD0\xB7");
  CHECK_EQ_STR(r->body[0], "a\nb\tc\"d\\e/f \xF0\x9F\x98\x80!");
  result_free(r);
  free(path);
  rm_tree(dir);
}

static void test_source__invalid_utf8_passes_through(void) {
  char *dir = make_tmpdir();
  CHECK(dir);
  char *path = write_str(dir, "bytes.jsonl",
                         "{\"id\":\"u\",\"title\":\"\xFF\xFE\",\"body\":\"ok \xC3 \xE2\x82 end\"}\n");
  result *r = read_all(path);
  CHECK(r);
  CHECK_EQ_INT(r->n_docs, 1);
  CHECK_EQ_INT(r->skipped, 0);
  CHECK_EQ_STR(r->title[0], "\xFF\xFE");
  CHECK_EQ_STR(r->body[0], "ok \xC3 \xE2\x82 end");
  result_free(r);
  free(path);
  rm_tree(dir);
}

static void test_source__line_over_limit_skipped(void) {
  char *dir = make_tmpdir();
  CHECK(dir);
  /* limit 100: a 500-byte line inside the buffer, a 3 MiB line dropped across
     several reads, and a long last line without its newline */
  kz_buf b = KZ_BUF_INIT;
  const char *good1 = "{\"id\":\"g1\"}\n", *good2 = "{\"id\":\"g2\"}\n", *good3 = "{\"id\":\"g3\"}\n";
  CHECK_EQ_INT(kz_buf_append(&b, good1, strlen(good1)), 0);
  for (int i = 0; i < 500; i++) CHECK_EQ_INT(kz_buf_put_u8(&b, 'x'), 0);
  CHECK_EQ_INT(kz_buf_put_u8(&b, '\n'), 0);
  CHECK_EQ_INT(kz_buf_append(&b, good2, strlen(good2)), 0);
  CHECK_EQ_INT(kz_buf_reserve(&b, 3u << 20), 0);
  memset(b.data + b.len, 'y', 3u << 20);
  b.len += 3u << 20;
  CHECK_EQ_INT(kz_buf_put_u8(&b, '\n'), 0);
  CHECK_EQ_INT(kz_buf_append(&b, good3, strlen(good3)), 0);
  for (int i = 0; i < 150; i++) CHECK_EQ_INT(kz_buf_put_u8(&b, 'z'), 0);
  char *path = write_file(dir, "long.jsonl", b.data, b.len);
  /* a line of exactly the limit passes */
  char exact[101];
  memset(exact, ' ', 100);
  memcpy(exact, "{\"id\":\"ex\"}", 11);
  exact[100] = '\n';
  char *path2 = write_file(dir, "exact.jsonl", exact, sizeof exact);

  result *r = read_all_limit(path, 100, NULL);
  CHECK(r);
  CHECK_EQ_INT(r->status, 0);
  CHECK_EQ_INT(r->n_docs, 3);
  CHECK_EQ_STR(r->id[0], "g1");
  CHECK_EQ_STR(r->id[1], "g2");
  CHECK_EQ_STR(r->id[2], "g3");
  CHECK_EQ_INT(r->skipped, 3);
  CHECK_EQ_INT(r->warnings[0].line, 2);
  CHECK_EQ_INT(r->warnings[1].line, 4);
  CHECK_EQ_INT(r->warnings[2].line, 6);
  CHECK(strstr(r->warnings[0].why, "longer") != NULL);
  CHECK_EQ_INT(r->bytes, b.len);
  result_free(r);
  r = read_all_limit(path2, 100, NULL);
  CHECK(r);
  CHECK_EQ_INT(r->n_docs, 1);
  CHECK_EQ_INT(r->skipped, 0);
  result_free(r);
  kz_buf_free(&b);
  free(path);
  free(path2);
  rm_tree(dir);
}

static void test_source__line_over_real_limit_skipped(void) {
  char *dir = make_tmpdir();
  CHECK(dir);
  char *path = join(dir, "huge.jsonl");
  FILE *f = fopen(path, "wb");
  CHECK(f);
  /* {"id":"big","body":"xxxx...  one byte past KZ_MAX_LINE_BYTES, then a good line */
  size_t n = (size_t)KZ_MAX_LINE_BYTES + 1;
  char *chunk = malloc(1u << 20);
  memset(chunk, 'x', 1u << 20);
  fputs("{\"id\":\"big\",\"body\":\"", f);
  size_t left = n - 20 - 2;
  while (left) {
    size_t k = left < (1u << 20) ? left : (1u << 20);
    fwrite(chunk, 1, k, f);
    left -= k;
  }
  fputs("\"}\n{\"id\":\"after\"}\n", f);
  fclose(f);
  free(chunk);
  result *r = read_all(path);
  CHECK(r);
  CHECK_EQ_INT(r->status, 0);
  CHECK_EQ_INT(r->n_docs, 1);
  CHECK_EQ_STR(r->id[0], "after");
  CHECK_EQ_INT(r->skipped, 1);
  CHECK_EQ_INT(r->warnings[0].line, 1);
  result_free(r);
  free(path);
  rm_tree(dir);
}

/* ------------------------------------------------------------------------ */
/* Text files and directories                                               */
/* ------------------------------------------------------------------------ */

static void test_source__directory_tree_in_sorted_order(void) {
  char *dir = make_tmpdir();
  CHECK(dir);
  free(write_str(dir, "b.txt", "\n  \n   Title B  \r\nbody of b\nline two\n"));
  free(write_str(dir, "a/x.jsonl", "{\"id\":\"x1\"}\n{\"id\":\"x2\"}\n"));
  free(write_str(dir, "a/c.txt", "Title C\nbody c"));
  free(write_str(dir, "sub/deeper/d.txt", "D"));
  free(write_str(dir, "sub/deeper/.hidden.txt", "hidden\n"));
  free(write_str(dir, ".git/e.txt", "hidden dir\n"));
  free(write_str(dir, "z.ndjson", "{\"id\":\"z1\"}\n"));
  free(write_str(dir, "notes.md", "ignored\n"));
  free(write_str(dir, "data.json", "{\"id\":\"ignored in a directory\"}\n"));
  kz_buf zb = KZ_BUF_INIT;
  const char *zj = "{\"id\":\"y1\"}\n";
  CHECK_EQ_INT(kz_zstd_compress(&zb, zj, strlen(zj), 1), 0);
  free(write_file(dir, "sub/y.jsonl.zst", zb.data, zb.len));
  kz_buf_free(&zb);
  /* a symlinked directory (here a loop to the root) is not followed; a symlinked file is */
  char *loop = join(dir, "loop");
  char *link = join(dir, "sub/link.txt");
  char *target = join(dir, "a/c.txt");
  CHECK_EQ_INT(symlink(dir, loop), 0);
  CHECK_EQ_INT(symlink(target, link), 0);

  char *with_slash = malloc(strlen(dir) + 2);
  sprintf(with_slash, "%s/", dir);
  for (int pass = 0; pass < 2; pass++) {
    result *r = read_all(pass ? with_slash : dir);
    CHECK(r);
    CHECK_EQ_INT(r->status, 0);
    CHECK_EQ_INT(r->n_docs, 8);
    static const char *ids[] = {"a/c.txt", "x1", "x2", "b.txt", "sub/deeper/d.txt",
                                "sub/link.txt", "y1", "z1"};
    for (int i = 0; i < 8; i++) CHECK_EQ_STR(r->id[i], ids[i]);
    CHECK_EQ_STR(r->title[0], "Title C");
    CHECK_EQ_STR(r->body[0], "body c");
    CHECK_EQ_STR(r->title[3], "Title B");
    CHECK_EQ_STR(r->body[3], "body of b\nline two\n");
    CHECK_EQ_STR(r->title[4], "D");
    CHECK_EQ_STR(r->body[4], "");
    CHECK(r->date[0] == NULL && r->url[0] == NULL);
    CHECK_EQ_INT(r->skipped, 0);
    result_free(r);
  }
  free(with_slash);
  free(loop);
  free(link);
  free(target);
  rm_tree(dir);
}

static void test_source__empty_txt_skipped_with_warning(void) {
  char *dir = make_tmpdir();
  CHECK(dir);
  free(write_str(dir, "1-empty.txt", ""));
  free(write_str(dir, "2-blank.txt", " \n\t\r\n\n"));
  free(write_str(dir, "3-good.txt", "Good\nbody"));
  result *r = read_all(dir);
  CHECK(r);
  CHECK_EQ_INT(r->status, 0);
  CHECK_EQ_INT(r->n_docs, 1);
  CHECK_EQ_STR(r->id[0], "3-good.txt");
  CHECK_EQ_INT(r->skipped, 2);
  CHECK_EQ_INT(r->n_warnings, 2);
  CHECK(strstr(r->warnings[0].path, "1-empty.txt") != NULL);
  CHECK_EQ_INT(r->warnings[0].line, 0);
  CHECK_EQ_STR(r->warnings[0].why, "empty document");
  CHECK(strstr(r->warnings[1].path, "2-blank.txt") != NULL);
  result_free(r);
  rm_tree(dir);
}

static void test_source__single_txt_file_id_is_its_name(void) {
  char *dir = make_tmpdir();
  CHECK(dir);
  char *path = write_str(dir, "sub/article.txt", "\xEF\xBB\xBF  Headline\nThe story.\n");
  result *r = read_all(path);
  CHECK(r);
  CHECK_EQ_INT(r->n_docs, 1);
  CHECK_EQ_STR(r->id[0], "article.txt");
  CHECK_EQ_STR(r->title[0], "Headline");
  CHECK_EQ_STR(r->body[0], "The story.\n");
  CHECK_EQ_INT(r->bytes, strlen("\xEF\xBB\xBF  Headline\nThe story.\n"));
  result_free(r);
  free(path);
  rm_tree(dir);
}

static void test_source__nonexistent_path_is_io_error(void) {
  char *dir = make_tmpdir();
  CHECK(dir);
  static const char *names[] = {"missing.jsonl", "missing.jsonl.zst", "missing.txt", "missing"};
  for (size_t i = 0; i < 4; i++) {
    char *path = join(dir, names[i]);
    kz_source *s = NULL;
    kz_error err = {0};
    int rc = kz_source_open(&s, path, NULL, NULL, &err);
    CHECK_EQ_INT(rc, KZ_ERR_IO);
    CHECK(s == NULL);
    CHECK_EQ_INT(err.code, KZ_ERR_IO);
    CHECK(strstr(err.message, path) != NULL);
    CHECK(strstr(err.message, "No such file") != NULL);
    free(path);
  }
  rm_tree(dir);
}

static void test_source__bundled_sample_jsonl(void) {
  char *root = source_dir();
  char *path = join(root, "data/kazakhstan/docs.jsonl");
  result *r = read_all(path);
  CHECK(r);
  CHECK_EQ_INT(r->status, 0);
  CHECK_EQ_INT(r->n_docs, 5);
  static const char *ids[] = {"seed-000", "seed-001", "seed-002", "seed-003", "seed-004"};
  for (int i = 0; i < 5; i++) {
    CHECK_EQ_STR(r->id[i], ids[i]);
    CHECK(r->title[i] && r->title[i][0]);
    CHECK(r->body_len[i] > 100);
  }
  CHECK_EQ_INT(r->skipped, 0);
  result_free(r);
  free(path);
  free(root);
}

static void test_source__bundled_sample_txt_folder(void) {
  char *root = source_dir();
  char *path = join(root, "data/kazakhstan-raw");
  result *r = read_all(path);
  CHECK(r);
  CHECK_EQ_INT(r->status, 0);
  CHECK_EQ_INT(r->n_docs, 5);
  CHECK_EQ_STR(r->id[0], "000_0a6d3349ace16c46.txt");
  CHECK_EQ_STR(r->id[4], "004_348d9d6d770ae7f5.txt");
  for (int i = 0; i < 5; i++) CHECK(r->title[i] && r->title[i][0] && r->body_len[i] > 100);
  CHECK_EQ_INT(r->skipped, 0);
  result_free(r);
  free(path);
  free(root);
}

KZ_TEST_MAIN(KZ_TEST(test_source__plain_jsonl),
             KZ_TEST(test_source__json_and_unknown_extensions_read_as_jsonl),
             KZ_TEST(test_source__zstd_jsonl),
             KZ_TEST(test_source__truncated_zstd_is_corrupt),
             KZ_TEST(test_source__malformed_lines_reported_and_skipped),
             KZ_TEST(test_source__integer_ids),
             KZ_TEST(test_source__blank_and_crlf_lines),
             KZ_TEST(test_source__escapes_and_surrogate_pairs_decoded),
             KZ_TEST(test_source__invalid_utf8_passes_through),
             KZ_TEST(test_source__line_over_limit_skipped),
             KZ_TEST(test_source__line_over_real_limit_skipped),
             KZ_TEST(test_source__directory_tree_in_sorted_order),
             KZ_TEST(test_source__empty_txt_skipped_with_warning),
             KZ_TEST(test_source__single_txt_file_id_is_its_name),
             KZ_TEST(test_source__nonexistent_path_is_io_error),
             KZ_TEST(test_source__bundled_sample_jsonl),
             KZ_TEST(test_source__bundled_sample_txt_folder))
