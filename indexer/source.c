/*
 * source.c - where documents come from (see source.h): what the path given
 * is (stdin, a JSON Lines file, a .txt article, a directory), and the
 * documents read from it one at a time: JSON Lines records parsed from the
 * lines of indexer/line_reader.c, .txt articles read by
 * indexer/txt_article.c, a directory's files found by indexer/dir_walk.c.
 *
 * Owns: the line reader (one stream open at a time, one buffer for every
 * file), the directory walk, the JSON parser (which owns the strings of
 * JSON documents), the text buffer of the last .txt article, and the path
 * of the current file for warnings and errors.
 *
 * Invariants:
 *   - each warning counts one skipped record, so skipped == warnings given;
 *   - after a fatal error every later call returns that error again.
 */
#include "indexer/source.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/limits.h"
#include "indexer/dir_walk.h"
#include "indexer/jsonl.h"
#include "indexer/line_reader.h"
#include "indexer/txt_article.h"

enum kind { KIND_STDIN, KIND_JSONL, KIND_TXT, KIND_DIR };

struct kz_source {
  kz_source_warn_fn warn;
  void *warn_ctx;
  enum kind kind;
  char *root; /* the path given, without trailing slashes (NULL for stdin) */
  kz_line_reader lines; /* the open JSON Lines stream, when lines.zr != NULL */
  kz_dir_walk walk;     /* KIND_DIR */
  kz_buf path;          /* the current file, NUL-terminated, for warnings and errors */
  int txt_done;
  kz_jsonl *json;
  kz_buf txt;
  uint64_t txt_bytes; /* read from .txt articles (the line reader counts its own) */
  uint64_t skipped;
  kz_error fail; /* fail.code != 0 after a fatal error */
};

static void warn(kz_source *s, const char *path, uint64_t line, const char *why) {
  s->skipped++;
  if (s->warn) s->warn(s->warn_ctx, path, line, why);
}

/* warn, as the directory walk calls it. */
static void walk_warning(void *ctx, const char *path, uint64_t line, const char *why) {
  warn(ctx, path, line, why);
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int is_blank(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!is_space(p[i])) return 0;
  return 1;
}

static int set_path(kz_buf *b, const char *s) {
  kz_buf_clear(b);
  return kz_buf_append_cstr(b, s, strlen(s));
}

/* The next document of the open stream: 1, 0 at its end, or a fatal status. */
static int stream_next(kz_source *s, kz_document *doc, kz_error *err) {
  char why[128];
  for (;;) {
    const char *line = NULL;
    size_t len = 0;
    int r = kz_line_reader_next(&s->lines, (const char *)s->path.data, &line, &len, err);
    if (r < 0) return r;
    if (r == KZ_LINE_EOF) return 0;
    if (r == KZ_LINE_LONG) {
      snprintf(why, sizeof why, "line longer than %zu bytes", s->lines.line_limit);
      warn(s, (const char *)s->path.data, s->lines.line_no, why);
      continue;
    }
    if (s->lines.line_no == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
      line += 3; /* a UTF-8 byte order mark */
      len -= 3;
    }
    if (len && line[len - 1] == '\r') len--;
    if (is_blank(line, len)) continue;
    r = kz_jsonl_parse(s->json, line, len, doc, why, sizeof why);
    if (r == KZ_OK) return 1;
    if (r != KZ_ERR_DOCUMENT)
      return kz_error_set(err, r, "%s:%llu: %s", s->path.data, (unsigned long long)s->lines.line_no,
                          kz_strerror(r));
    warn(s, (const char *)s->path.data, s->lines.line_no, why);
  }
}

/* The article at s->path as a document with id `id`: 1, 0 when skipped with a warning, KZ_ERR_NOMEM. */
static int read_txt(kz_source *s, const char *id, size_t id_len, kz_document *doc,
                    kz_error *err) {
  char why[160];
  const char *path = (const char *)s->path.data;
  int r = kz_txt_article_read(&s->txt, path, id, id_len, doc, why, sizeof why, &s->txt_bytes, err);
  if (r == 0) warn(s, path, 0, why);
  return r;
}

/* ------------------------------------------------------------------------ */
/* Public functions                                                         */
/* ------------------------------------------------------------------------ */

int kz_source_open(kz_source **out, const char *path, kz_source_warn_fn warn_fn, void *warn_ctx,
                   kz_error *err) {
  assert(out && path);
  kz_source *s = calloc(1, sizeof *s);
  if (!s || kz_jsonl_new(&s->json)) {
    free(s);
    return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  }
  s->warn = warn_fn;
  s->warn_ctx = warn_ctx;
  s->lines.line_limit = KZ_MAX_LINE_BYTES;
  int rc;

  if (strcmp(path, "-") == 0) {
    s->kind = KIND_STDIN;
    if (set_path(&s->path, "<stdin>") || kz_line_reader_open(&s->lines, NULL, 0)) {
      rc = kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
      goto fail;
    }
    *out = s;
    return KZ_OK;
  }

  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--; /* "dir/" and "dir" name the same ids */
  if (!(s->root = strndup(path, n)) || set_path(&s->path, s->root)) {
    rc = kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
    goto fail;
  }
  struct stat st;
  if (stat(s->root, &st) != 0) {
    rc = kz_error_set(err, KZ_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    goto fail;
  }
  if (S_ISDIR(st.st_mode)) {
    s->kind = KIND_DIR;
    rc = kz_dir_walk_start(&s->walk, s->root);
    if (rc == KZ_ERR_IO) rc = kz_error_set(err, rc, "cannot open %s: %s", path, strerror(errno));
    else if (rc) rc = kz_error_set(err, rc, "out of memory");
    if (rc) goto fail;
    *out = s;
    return KZ_OK;
  }

  kz_file_type type = kz_dir_walk_file_type(s->root, 1);
  if (type == KZ_FT_TXT) {
    s->kind = KIND_TXT;
    FILE *f = fopen(s->root, "rb"); /* fail now, not at the first read */
    if (!f) {
      rc = kz_error_set(err, KZ_ERR_IO, "cannot open %s: %s", path, strerror(errno));
      goto fail;
    }
    fclose(f);
  } else {
    s->kind = KIND_JSONL;
    rc = kz_line_reader_open(&s->lines, s->root, type == KZ_FT_JSONL_ZST);
    if (rc == KZ_ERR_IO) rc = kz_error_set(err, rc, "cannot open %s: %s", path, strerror(errno));
    else if (rc) rc = kz_error_set(err, rc, "out of memory");
    if (rc) goto fail;
  }
  *out = s;
  return KZ_OK;

fail:
  kz_source_free(s);
  return rc;
}

static int produce(kz_source *s, kz_document *doc, kz_error *err) {
  char why[160];
  for (;;) {
    if (s->lines.zr) {
      int r = stream_next(s, doc, err);
      if (r != 0) return r;
      kz_line_reader_close(&s->lines);
      continue;
    }
    if (s->kind == KIND_TXT) {
      if (s->txt_done) return 0;
      s->txt_done = 1;
      const char *slash = strrchr(s->root, '/');
      const char *id = slash ? slash + 1 : s->root;
      int r = read_txt(s, id, strlen(id), doc, err);
      if (r != 0) return r;
      continue;
    }
    if (s->kind != KIND_DIR) return 0; /* the one stream has ended */

    int type = kz_dir_walk_next(&s->walk, &s->path, walk_warning, s, err);
    if (type <= 0) return type;
    if (type == KZ_FT_TXT) {
      int r = read_txt(s, (const char *)s->walk.rel.data, s->walk.rel.len, doc, err);
      if (r != 0) return r;
      continue;
    }
    int rc = kz_line_reader_open(&s->lines, (const char *)s->path.data, type == KZ_FT_JSONL_ZST);
    if (rc == KZ_ERR_NOMEM)
      return kz_error_set(err, rc, "%s: out of memory", (const char *)s->path.data);
    if (rc) {
      snprintf(why, sizeof why, "cannot open: %s", strerror(errno));
      warn(s, (const char *)s->path.data, 0, why);
    }
  }
}

int kz_source_next(kz_source *s, kz_document *doc, kz_error *err) {
  assert(s && doc);
  if (s->fail.code) {
    if (err) *err = s->fail;
    return s->fail.code;
  }
  int rc = produce(s, doc, &s->fail);
  if (rc == 1) doc->struct_size = sizeof *doc; /* whole, as kz_writer_add expects */
  if (rc < 0) {
    s->fail.code = rc;
    if (err) *err = s->fail;
    return rc;
  }
  return rc;
}

uint64_t kz_source_bytes(const kz_source *s) { return s->lines.bytes + s->txt_bytes; }

uint64_t kz_source_skipped(const kz_source *s) { return s->skipped; }

void kz_source_set_line_limit(kz_source *s, size_t max_line_bytes) {
  s->lines.line_limit = max_line_bytes < KZ_MAX_LINE_BYTES ? max_line_bytes : KZ_MAX_LINE_BYTES;
}

void kz_source_free(kz_source *s) {
  if (!s) return;
  kz_line_reader_free(&s->lines);
  kz_dir_walk_free(&s->walk);
  free(s->root);
  kz_buf_free(&s->path);
  kz_buf_free(&s->txt);
  kz_jsonl_free(s->json);
  free(s);
}

void kz_source_where(const kz_source *s, const char **path, uint64_t *line) {
  *path = s->path.data ? (const char *)s->path.data : "";
  *line = s->lines.zr ? s->lines.line_no : 0; /* a .txt article is a whole file */
}
