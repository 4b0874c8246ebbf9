/*
 * fuzz_jsonl.c - JSON Lines documents (indexer/source.h, through the JSON
 * parser of indexer/jsonl.c) read from a file whose bytes are the input.
 *
 * The input is written to a scratch file and read back with
 * kz_source_open/next, twice: with the default line limit and with a limit of
 * SHORT_LINE_LIMIT bytes, which sends most lines down the "line too long"
 * path. An input that starts with the zstd frame magic is named .jsonl.zst
 * instead, so the streaming decompressor sees it (seed such inputs with real
 * compressed JSON Lines).
 *
 * Properties: no crash; kz_source_next returns 1, 0 or a fatal status (only
 * KZ_ERR_CORRUPT, for damaged zstd data, or KZ_ERR_NOMEM), and after a fatal
 * status keeps returning it; every document has a non-empty id; every present
 * field is NUL-terminated at its length; kz_source_where names a line that
 * never goes back; documents plus skipped records never exceed the lines;
 * all of a plain file is consumed; the short limit never yields more
 * documents than the default one.
 *
 * The scratch directory is made once per process (mkdtemp under $TMPDIR or
 * /tmp) and removed at exit. A harness static, not library state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "kz_test_fs.h"
#include "indexer/source.h"
#include "kzsearch.h"

#define SHORT_LINE_LIMIT 64u

static char scratch_dir[512];
static char path_plain[600], path_zst[600];

static void remove_scratch(void) { kz_test_remove_tree(scratch_dir); }

static void make_scratch(void) {
  if (!kz_test_make_temp_dir(scratch_dir, sizeof scratch_dir, "kzfuzz-jsonl")) abort();
  snprintf(path_plain, sizeof path_plain, "%s/input.jsonl", scratch_dir);
  snprintf(path_zst, sizeof path_zst, "%s/input.jsonl.zst", scratch_dir);
  atexit(remove_scratch);
}

static void write_file(const char *path, const uint8_t *data, size_t size) {
  FILE *f = fopen(path, "wb");
  if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
    perror("fuzz_jsonl: writing the scratch file");
    abort();
  }
}

static void check_field(const char *p, size_t len) {
  if (p)
    FUZZ_REQUIRE(p[len] == 0);
  else
    FUZZ_REQUIRE(len == 0);
}

/* Reads every document of path; returns the number of documents. */
static uint64_t read_all(const char *path, int compressed, size_t size, size_t lines,
                         size_t line_limit) {
  kz_source *s = NULL;
  kz_error err;
  int rc = kz_source_open(&s, path, NULL, NULL, &err);
  FUZZ_REQUIRE(rc == KZ_OK); /* the file exists and is readable */
  if (line_limit) kz_source_set_line_limit(s, line_limit);

  uint64_t docs = 0, last_line = 0;
  for (;;) {
    kz_document doc = KZ_DOCUMENT_INIT;
    rc = kz_source_next(s, &doc, &err);
    if (rc == 0) break;
    if (rc < 0) {
      FUZZ_REQUIRE(rc == KZ_ERR_NOMEM || (compressed && rc == KZ_ERR_CORRUPT));
      FUZZ_REQUIRE(err.code == rc);
      FUZZ_REQUIRE(memchr(err.message, 0, sizeof err.message) != NULL);
      /* A fatal error sticks. */
      FUZZ_REQUIRE(kz_source_next(s, &doc, &err) == rc);
      break;
    }
    FUZZ_REQUIRE(rc == 1);
    docs++;
    FUZZ_REQUIRE(doc.id != NULL && doc.id_len > 0);
    check_field(doc.id, doc.id_len);
    check_field(doc.title, doc.title_len);
    check_field(doc.body, doc.body_len);
    check_field(doc.date, doc.date_len);
    check_field(doc.url, doc.url_len);
    const char *where = NULL;
    uint64_t line = 0;
    kz_source_where(s, &where, &line);
    FUZZ_REQUIRE(where != NULL && strcmp(where, path) == 0);
    FUZZ_REQUIRE(line >= 1 && line > last_line);
    if (!compressed) FUZZ_REQUIRE(line <= lines);
    last_line = line;
  }
  if (!compressed) {
    FUZZ_REQUIRE(docs + kz_source_skipped(s) <= lines);
    if (rc == 0) FUZZ_REQUIRE(kz_source_bytes(s) == size);
  }
  kz_source_free(s);
  return docs;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!scratch_dir[0]) make_scratch();
  static const uint8_t zstd_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
  int compressed = size >= 4 && memcmp(data, zstd_magic, 4) == 0;
  const char *path = compressed ? path_zst : path_plain;
  write_file(path, data, size);

  /* Lines as the reader counts them: each '\n' ends one, plus an unterminated last one. */
  size_t lines = 0, line_start = 0, longest = 0;
  for (size_t i = 0; i < size; i++) {
    if (data[i] != '\n') continue;
    lines++;
    if (i - line_start > longest) longest = i - line_start;
    line_start = i + 1;
  }
  if (size && data[size - 1] != '\n') lines++;
  if (size - line_start > longest) longest = size - line_start;

  uint64_t docs = read_all(path, compressed, size, lines, 0);
  /* The short limit changes nothing when no line exceeds it (known for plain input only). */
  if (compressed || longest > SHORT_LINE_LIMIT) {
    uint64_t short_docs = read_all(path, compressed, size, lines, SHORT_LINE_LIMIT);
    FUZZ_REQUIRE(short_docs <= docs);
  }
  return 0;
}
