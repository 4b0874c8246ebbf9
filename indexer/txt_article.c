/*
 * txt_article.c - one .txt article read as a document (see txt_article.h):
 * its first non-empty line, trimmed, is the title and the rest the body.
 *
 * The file is read into the caller's buffer, never past KZ_MAX_DOC_BYTES
 * whatever size fstat promised (a file may grow while it is read); a file
 * too large, unreadable or empty is skipped with the reason, not an error.
 */
#include "indexer/txt_article.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"
#include "common/limits.h"

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

int kz_txt_article_read(kz_buf *text, const char *path, const char *id, size_t id_len,
                        kz_document *doc, char *why, size_t why_size, uint64_t *bytes,
                        kz_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(why, why_size, "cannot open: %s", strerror(errno));
    return 0;
  }
  kz_buf_clear(text);
  struct stat st;
  int too_big = 0, read_err = 0;
  int have_size = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
  if (have_size && st.st_size > (off_t)KZ_MAX_DOC_BYTES) too_big = 1;
  else if (have_size && st.st_size > 0 && kz_buf_reserve(text, (size_t)st.st_size + 1)) {
    fclose(f);
    return kz_error_set(err, KZ_ERR_NOMEM, "%s: out of memory", path);
  }
  /* Read until EOF but never past the limit, whatever size fstat promised. */
  while (!too_big) {
    if (text->cap - text->len < 4096 && kz_buf_reserve(text, 64u << 10)) {
      fclose(f);
      return kz_error_set(err, KZ_ERR_NOMEM, "%s: out of memory", path);
    }
    size_t room = text->cap - text->len;
    size_t n = fread(text->data + text->len, 1, room, f);
    text->len += n;
    if (text->len > KZ_MAX_DOC_BYTES) {
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
  *bytes += text->len;
  if (too_big) {
    snprintf(why, why_size, "file larger than %u bytes", (unsigned)KZ_MAX_DOC_BYTES);
    return 0;
  }
  if (read_err) {
    snprintf(why, why_size, "read error: %s", strerror(read_err));
    return 0;
  }

  const char *p = (const char *)text->data, *e = p + text->len;
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
  snprintf(why, why_size, "empty document");
  return 0;
}
