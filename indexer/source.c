/*
 * source.c - where documents come from (see source.h): JSON Lines read from
 * a file (plain or zstd), from standard input or from every .jsonl file of a
 * directory tree, and .txt articles.
 *
 * Owns: the open stream (FILE and kz_zstd_reader), one line buffer reused for
 * every file, the JSON parser (which owns the strings of JSON documents), the
 * text buffer of the last .txt article, and the stack of directories being
 * walked.
 *
 * Invariants:
 *   - the line buffer never holds more than line_limit + CHUNK_BYTES + 1
 *     bytes: a line longer than line_limit is dropped chunk by chunk while
 *     its end is sought, never kept whole;
 *   - a directory's entries are visited in strcmp order, depth first, hidden
 *     entries skipped and symlinked directories not followed (no loops);
 *   - each warning counts one skipped record, so skipped == warnings given;
 *   - after a fatal error every later call returns that error again.
 */
#include "indexer/source.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/compress.h"
#include "common/error.h"
#include "common/limits.h"
#include "indexer/jsonl.h"

/* Bytes asked of the reader at once; lines are split in the buffer. */
#define CHUNK_BYTES (1u << 20)
/* Below this much free space the buffer grows before reading again. */
#define MIN_READ_BYTES (64u << 10)

enum kind { KIND_STDIN, KIND_JSONL, KIND_TXT, KIND_DIR };
enum file_type { FT_NONE, FT_TXT, FT_JSONL, FT_JSONL_ZST };
enum line_result { LINE_EOF = 0, LINE_OK = 1, LINE_LONG = 2 };

/* One directory being walked: its sorted entry names and where `rel` ends for it. */
typedef struct frame {
  char **names;
  size_t n_names, next;
  size_t rel_len;
} frame;

struct kz_source {
  kz_source_warn_fn warn;
  void *warn_ctx;
  enum kind kind;
  char *root; /* the path given, without trailing slashes (NULL for stdin) */

  /* The open JSON Lines stream, when zr != NULL. */
  FILE *f;
  int own_f;
  kz_zstd_reader *zr;
  uint64_t line_no;
  char *buf; /* pending bytes are buf[start..end); buf[start..scan) has no '\n' */
  size_t cap, start, end, scan;
  int eof, discarding;
  size_t line_limit;

  kz_buf path; /* the current file, NUL-terminated, for warnings and errors */
  kz_buf rel;  /* the current file relative to root, NUL-terminated (directory walk) */
  frame *frames;
  size_t n_frames, cap_frames;
  int txt_done;

  kz_jsonl *json;
  kz_buf txt;
  uint64_t bytes, skipped;
  kz_error fail; /* fail.code != 0 after a fatal error */
};

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static void warn(kz_source *s, const char *path, uint64_t line, const char *why) {
  s->skipped++;
  if (s->warn) s->warn(s->warn_ctx, path, line, why);
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int is_blank(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!is_space(p[i])) return 0;
  return 1;
}

static int ends_with(const char *name, const char *suffix) {
  size_t n = strlen(name), k = strlen(suffix);
  return n > k && strcasecmp(name + n - k, suffix) == 0;
}

/* What a file holds, judged by its name; `explicit` when the user named it directly. */
static enum file_type classify(const char *name, int explicit) {
  if (ends_with(name, ".txt")) return FT_TXT;
  if (ends_with(name, ".jsonl.zst") || ends_with(name, ".ndjson.zst")) return FT_JSONL_ZST;
  if (ends_with(name, ".jsonl") || ends_with(name, ".ndjson")) return FT_JSONL;
  if (!explicit) return FT_NONE;
  /* A file named on the command line is JSON Lines whatever its name says. */
  return ends_with(name, ".zst") ? FT_JSONL_ZST : FT_JSONL;
}

static int set_path(kz_buf *b, const char *s) {
  kz_buf_clear(b);
  return kz_buf_append_cstr(b, s, strlen(s));
}

/* ------------------------------------------------------------------------ */
/* JSON Lines stream: chunked reading and line splitting                    */
/* ------------------------------------------------------------------------ */

/* Opens path (NULL: stdin) as the current stream; errno is kept on KZ_ERR_IO. */
static int open_stream(kz_source *s, const char *path, int compressed) {
  FILE *f = path ? fopen(path, "rb") : stdin;
  if (!f) return KZ_ERR_IO;
  if (kz_zstd_reader_new(&s->zr, f, compressed)) {
    if (path) fclose(f);
    s->zr = NULL;
    return KZ_ERR_NOMEM;
  }
  s->f = f;
  s->own_f = path != NULL;
  s->line_no = 0;
  s->start = s->end = s->scan = 0;
  s->eof = s->discarding = 0;
  return KZ_OK;
}

static void close_stream(kz_source *s) {
  kz_zstd_reader_free(s->zr);
  s->zr = NULL;
  if (s->f && s->own_f) fclose(s->f);
  s->f = NULL;
}

/* Moves the pending bytes to the front, grows the buffer when short of room, reads once. */
static int fill(kz_source *s, kz_error *err) {
  if (s->start > 0) {
    memmove(s->buf, s->buf + s->start, s->end - s->start);
    s->end -= s->start;
    s->scan -= s->start;
    s->start = 0;
  }
  if (s->cap - s->end < MIN_READ_BYTES) {
    /* pending <= line_limit here, so this much always leaves CHUNK_BYTES free */
    size_t max = s->line_limit + CHUNK_BYTES + 1;
    size_t cap = s->cap < CHUNK_BYTES ? CHUNK_BYTES : s->cap * 2;
    if (cap > max) cap = max;
    if (cap > s->cap) {
      char *p = realloc(s->buf, cap);
      if (!p) return kz_error_set(err, KZ_ERR_NOMEM, "%s: out of memory", s->path.data);
      s->buf = p;
      s->cap = cap;
    }
  }
  size_t got = 0;
  errno = 0;
  int rc = kz_zstd_reader_read(s->zr, s->buf + s->end, s->cap - s->end, &got);
  if (rc == KZ_ERR_CORRUPT)
    return kz_error_set(err, rc, "%s: corrupt or truncated zstd data", s->path.data);
  if (rc)
    return kz_error_set(err, rc, "%s: read error: %s", s->path.data,
                        errno ? strerror(errno) : kz_strerror(rc));
  if (got == 0) s->eof = 1;
  s->end += got;
  return KZ_OK;
}

/*
 * The next line without its '\n' in *line (valid until the next call).
 * @return LINE_OK, LINE_LONG (a line over line_limit was dropped), LINE_EOF,
 *         or a negative status with err set.
 */
static int next_line(kz_source *s, const char **line, size_t *len, kz_error *err) {
  for (;;) {
    char *nl = s->scan < s->end ? memchr(s->buf + s->scan, '\n', s->end - s->scan) : NULL;
    if (nl) {
      size_t n = (size_t)(nl - (s->buf + s->start));
      *line = s->buf + s->start;
      *len = n;
      s->start = s->scan = (size_t)(nl - s->buf) + 1;
      s->bytes += n + 1;
      s->line_no++;
      if (s->discarding) {
        s->discarding = 0;
        return LINE_LONG;
      }
      return n > s->line_limit ? LINE_LONG : LINE_OK;
    }
    s->scan = s->end;
    if (s->discarding || s->end - s->start > s->line_limit) {
      s->discarding = 1;
      s->bytes += s->end - s->start;
      s->start = s->scan = s->end = 0;
    }
    if (s->eof) {
      if (s->discarding) {
        s->discarding = 0;
        s->line_no++;
        return LINE_LONG;
      }
      if (s->start == s->end) return LINE_EOF;
      /* the last line has no '\n' */
      *line = s->buf + s->start;
      *len = s->end - s->start;
      s->bytes += *len;
      s->line_no++;
      s->start = s->scan = s->end;
      return LINE_OK;
    }
    int rc = fill(s, err);
    if (rc) return rc;
  }
}

/* The next document of the open stream: 1, 0 at its end, or a fatal status. */
static int stream_next(kz_source *s, kz_document *doc, kz_error *err) {
  char why[128];
  for (;;) {
    const char *line = NULL;
    size_t len = 0;
    int r = next_line(s, &line, &len, err);
    if (r < 0) return r;
    if (r == LINE_EOF) return 0;
    if (r == LINE_LONG) {
      snprintf(why, sizeof why, "line longer than %zu bytes", s->line_limit);
      warn(s, (const char *)s->path.data, s->line_no, why);
      continue;
    }
    if (s->line_no == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
      line += 3; /* a UTF-8 byte order mark */
      len -= 3;
    }
    if (len && line[len - 1] == '\r') len--;
    if (is_blank(line, len)) continue;
    r = kz_jsonl_parse(s->json, line, len, doc, why, sizeof why);
    if (r == KZ_OK) return 1;
    if (r != KZ_ERR_DOCUMENT)
      return kz_error_set(err, r, "%s:%llu: %s", s->path.data, (unsigned long long)s->line_no,
                          kz_strerror(r));
    warn(s, (const char *)s->path.data, s->line_no, why);
  }
}

/* ------------------------------------------------------------------------ */
/* Text articles                                                            */
/* ------------------------------------------------------------------------ */

/*
 * Reads the article at s->path: first non-empty line (trimmed) as title, the
 * rest as body, `id` as id (must outlive the call).
 * @return 1 with *doc filled, 0 when the file was skipped with a warning,
 *         KZ_ERR_NOMEM.
 */
static int read_txt(kz_source *s, const char *id, size_t id_len, kz_document *doc,
                    kz_error *err) {
  const char *path = (const char *)s->path.data;
  char why[160];
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(why, sizeof why, "cannot open: %s", strerror(errno));
    warn(s, path, 0, why);
    return 0;
  }
  kz_buf_clear(&s->txt);
  struct stat st;
  int too_big = 0, read_err = 0;
  int have_size = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
  if (have_size && st.st_size > (off_t)KZ_MAX_DOC_BYTES) too_big = 1;
  else if (have_size && st.st_size > 0 && kz_buf_reserve(&s->txt, (size_t)st.st_size + 1)) {
    fclose(f);
    return kz_error_set(err, KZ_ERR_NOMEM, "%s: out of memory", path);
  }
  /* Read until EOF but never past the limit, whatever size fstat promised. */
  while (!too_big) {
    if (s->txt.cap - s->txt.len < 4096 && kz_buf_reserve(&s->txt, 64u << 10)) {
      fclose(f);
      return kz_error_set(err, KZ_ERR_NOMEM, "%s: out of memory", path);
    }
    size_t room = s->txt.cap - s->txt.len;
    size_t n = fread(s->txt.data + s->txt.len, 1, room, f);
    s->txt.len += n;
    if (s->txt.len > KZ_MAX_DOC_BYTES) {
      too_big = 1;
      break;
    }
    if (n < room) {
      read_err = ferror(f) ? errno : 0;
      if (read_err == 0 && !feof(f)) read_err = EIO;
      break;
    }
  }
  fclose(f);
  s->bytes += s->txt.len;
  if (too_big) {
    snprintf(why, sizeof why, "file larger than %u bytes", (unsigned)KZ_MAX_DOC_BYTES);
    warn(s, path, 0, why);
    return 0;
  }
  if (read_err) {
    snprintf(why, sizeof why, "read error: %s", strerror(read_err));
    warn(s, path, 0, why);
    return 0;
  }

  const char *p = (const char *)s->txt.data, *e = p + s->txt.len;
  if (e - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
  while (p < e) {
    const char *nl = memchr(p, '\n', (size_t)(e - p));
    const char *line_end = nl ? nl : e;
    const char *a = p, *b = line_end;
    while (a < b && is_space(*a)) a++;
    while (b > a && is_space(b[-1])) b--;
    p = nl ? nl + 1 : e;
    if (a == b) continue;
    memset(doc, 0, sizeof *doc);
    doc->id = id;
    doc->id_len = id_len;
    doc->title = a;
    doc->title_len = (size_t)(b - a);
    doc->body = p;
    doc->body_len = (size_t)(e - p);
    return 1;
  }
  warn(s, path, 0, "empty document");
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Directory walk                                                           */
/* ------------------------------------------------------------------------ */

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_frame(frame *fr) {
  for (size_t i = 0; i < fr->n_names; i++) free(fr->names[i]);
  free(fr->names);
}

/* Lists `dir` (hidden entries left out), sorts it and pushes it; errno kept on KZ_ERR_IO. */
static int push_dir(kz_source *s, const char *dir, size_t rel_len) {
  if (s->n_frames == s->cap_frames) {
    size_t cap = s->cap_frames ? s->cap_frames * 2 : 8;
    frame *p = realloc(s->frames, cap * sizeof *p);
    if (!p) return KZ_ERR_NOMEM;
    s->frames = p;
    s->cap_frames = cap;
  }
  DIR *d = opendir(dir);
  if (!d) return KZ_ERR_IO;
  frame fr = {NULL, 0, 0, rel_len};
  size_t cap = 0;
  int rc = KZ_OK;
  for (;;) {
    errno = 0;
    struct dirent *de = readdir(d);
    if (!de) {
      if (errno) rc = KZ_ERR_IO;
      break;
    }
    if (de->d_name[0] == '.') continue;
    if (fr.n_names == cap) {
      cap = cap ? cap * 2 : 16;
      char **p = realloc(fr.names, cap * sizeof *p);
      if (!p) {
        rc = KZ_ERR_NOMEM;
        break;
      }
      fr.names = p;
    }
    if (!(fr.names[fr.n_names] = strdup(de->d_name))) {
      rc = KZ_ERR_NOMEM;
      break;
    }
    fr.n_names++;
  }
  int saved = errno;
  closedir(d);
  errno = saved;
  if (rc) {
    free_frame(&fr);
    return rc;
  }
  if (fr.n_names) qsort(fr.names, fr.n_names, sizeof *fr.names, cmp_names);
  s->frames[s->n_frames++] = fr;
  return KZ_OK;
}

/*
 * Advances the walk to the next file worth reading, leaving its paths in
 * s->path and s->rel. @return its file_type, 0 when the walk is over, or
 * KZ_ERR_NOMEM. Unreadable entries that would have been read are warned of.
 */
static int next_file(kz_source *s, kz_error *err) {
  char why[160];
  size_t root_len = strlen(s->root);
  int root_slash = root_len > 0 && s->root[root_len - 1] == '/';
  while (s->n_frames) {
    frame *fr = &s->frames[s->n_frames - 1];
    if (fr->next == fr->n_names) {
      free_frame(fr);
      s->n_frames--;
      continue;
    }
    const char *name = fr->names[fr->next++];
    s->rel.len = fr->rel_len;
    if (kz_buf_append_cstr(&s->rel, name, strlen(name)) ||
        set_path(&s->path, s->root) ||
        (!root_slash && kz_buf_append_cstr(&s->path, "/", 1)) ||
        kz_buf_append_cstr(&s->path, (const char *)s->rel.data, s->rel.len))
      return kz_error_set(err, KZ_ERR_NOMEM, "%s: out of memory", s->root);
    const char *path = (const char *)s->path.data;
    enum file_type type = classify(name, 0);

    /* After a symlink, st describes its target: a directory there is not followed. */
    struct stat st;
    int via_link = 0, ok = lstat(path, &st) == 0;
    if (ok && S_ISLNK(st.st_mode)) {
      via_link = 1;
      ok = stat(path, &st) == 0;
    }
    if (!ok) {
      if (type != FT_NONE) {
        snprintf(why, sizeof why, "cannot open: %s", strerror(errno));
        warn(s, path, 0, why);
      }
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      if (via_link) continue;
      if (kz_buf_append_cstr(&s->rel, "/", 1))
        return kz_error_set(err, KZ_ERR_NOMEM, "%s: out of memory", s->root);
      int rc = push_dir(s, path, s->rel.len);
      if (rc == KZ_ERR_NOMEM) return kz_error_set(err, rc, "%s: out of memory", path);
      if (rc) {
        snprintf(why, sizeof why, "cannot read directory: %s", strerror(errno));
        warn(s, path, 0, why);
      }
      continue;
    }
    if (S_ISREG(st.st_mode) && type != FT_NONE) return (int)type;
  }
  return 0;
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
  s->line_limit = KZ_MAX_LINE_BYTES;
  int rc;

  if (strcmp(path, "-") == 0) {
    s->kind = KIND_STDIN;
    if (set_path(&s->path, "<stdin>") || open_stream(s, NULL, 0)) {
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
    rc = push_dir(s, s->root, 0);
    if (rc == KZ_ERR_IO) rc = kz_error_set(err, rc, "cannot open %s: %s", path, strerror(errno));
    else if (rc) rc = kz_error_set(err, rc, "out of memory");
    if (rc) goto fail;
    *out = s;
    return KZ_OK;
  }

  enum file_type type = classify(s->root, 1);
  if (type == FT_TXT) {
    s->kind = KIND_TXT;
    FILE *f = fopen(s->root, "rb"); /* fail now, not at the first read */
    if (!f) {
      rc = kz_error_set(err, KZ_ERR_IO, "cannot open %s: %s", path, strerror(errno));
      goto fail;
    }
    fclose(f);
  } else {
    s->kind = KIND_JSONL;
    rc = open_stream(s, s->root, type == FT_JSONL_ZST);
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
    if (s->zr) {
      int r = stream_next(s, doc, err);
      if (r != 0) return r;
      close_stream(s);
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

    int type = next_file(s, err);
    if (type <= 0) return type;
    if (type == FT_TXT) {
      int r = read_txt(s, (const char *)s->rel.data, s->rel.len, doc, err);
      if (r != 0) return r;
      continue;
    }
    int rc = open_stream(s, (const char *)s->path.data, type == FT_JSONL_ZST);
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

uint64_t kz_source_bytes(const kz_source *s) { return s->bytes; }

uint64_t kz_source_skipped(const kz_source *s) { return s->skipped; }

void kz_source_set_line_limit(kz_source *s, size_t max_line_bytes) {
  s->line_limit = max_line_bytes < KZ_MAX_LINE_BYTES ? max_line_bytes : KZ_MAX_LINE_BYTES;
}

void kz_source_free(kz_source *s) {
  if (!s) return;
  close_stream(s);
  for (size_t i = 0; i < s->n_frames; i++) free_frame(&s->frames[i]);
  free(s->frames);
  free(s->buf);
  free(s->root);
  kz_buf_free(&s->path);
  kz_buf_free(&s->rel);
  kz_buf_free(&s->txt);
  kz_jsonl_free(s->json);
  free(s);
}

void kz_source_where(const kz_source *s, const char **path, uint64_t *line) {
  *path = s->path.data ? (const char *)s->path.data : "";
  *line = s->zr ? s->line_no : 0; /* a .txt article is a whole file */
}
