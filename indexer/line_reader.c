/*
 * line_reader.c - JSON Lines streams cut into lines (see line_reader.h).
 *
 * Owns: the open stream (FILE and kz_zstd_reader) and the line buffer,
 * which is kept from stream to stream.
 *
 * Invariant: the buffer never holds more than line_limit + CHUNK_BYTES + 1
 * bytes: once the pending bytes pass line_limit without a '\n', they are
 * dropped (`discarding`) until the line's end, never kept whole.
 */
#include "indexer/line_reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/compress.h"
#include "common/error.h"

/* Bytes asked of the reader at once; lines are split in the buffer. */
#define CHUNK_BYTES (1u << 20)
/* Below this much free space the buffer grows before reading again. */
#define MIN_READ_BYTES (64u << 10)

int kz_line_reader_open(kz_line_reader *r, const char *path, int compressed) {
  FILE *f = path ? fopen(path, "rb") : stdin;
  if (!f) return KZ_ERR_IO;
  if (kz_zstd_reader_new(&r->zr, f, compressed)) {
    if (path) fclose(f);
    r->zr = NULL;
    return KZ_ERR_NOMEM;
  }
  r->f = f;
  r->own_f = path != NULL;
  r->line_no = 0;
  r->start = r->end = r->scan = 0;
  r->eof = r->discarding = 0;
  return KZ_OK;
}

void kz_line_reader_close(kz_line_reader *r) {
  kz_zstd_reader_free(r->zr);
  r->zr = NULL;
  if (r->f && r->own_f) fclose(r->f);
  r->f = NULL;
}

/* Moves the pending bytes to the front, grows the buffer when short of room, reads once. */
static int fill(kz_line_reader *r, const char *name, kz_error *err) {
  if (r->start > 0) {
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->scan -= r->start;
    r->start = 0;
  }
  if (r->cap - r->end < MIN_READ_BYTES) {
    /* pending <= line_limit here, so this much always leaves CHUNK_BYTES free */
    size_t max = r->line_limit + CHUNK_BYTES + 1;
    size_t cap = r->cap < CHUNK_BYTES ? CHUNK_BYTES : r->cap * 2;
    if (cap > max) cap = max;
    if (cap > r->cap) {
      char *p = realloc(r->buf, cap);
      if (!p) return kz_error_set(err, KZ_ERR_NOMEM, "%s: out of memory", name);
      r->buf = p;
      r->cap = cap;
    }
  }
  size_t got = 0;
  errno = 0;
  int rc = kz_zstd_reader_read(r->zr, r->buf + r->end, r->cap - r->end, &got);
  if (rc == KZ_ERR_CORRUPT)
    return kz_error_set(err, rc, "%s: corrupt or truncated zstd data", name);
  if (rc)
    return kz_error_set(err, rc, "%s: read error: %s", name,
                        errno ? strerror(errno) : kz_strerror(rc));
  if (got == 0) r->eof = 1;
  r->end += got;
  return KZ_OK;
}

int kz_line_reader_next(kz_line_reader *r, const char *name, const char **line, size_t *len,
                        kz_error *err) {
  for (;;) {
    char *nl = r->scan < r->end ? memchr(r->buf + r->scan, '\n', r->end - r->scan) : NULL;
    if (nl) {
      size_t n = (size_t)(nl - (r->buf + r->start));
      *line = r->buf + r->start;
      *len = n;
      r->start = r->scan = (size_t)(nl - r->buf) + 1;
      r->bytes += n + 1;
      r->line_no++;
      if (r->discarding) {
        r->discarding = 0;
        return KZ_LINE_LONG;
      }
      return n > r->line_limit ? KZ_LINE_LONG : KZ_LINE_OK;
    }
    r->scan = r->end;
    if (r->discarding || r->end - r->start > r->line_limit) {
      r->discarding = 1;
      r->bytes += r->end - r->start;
      r->start = r->scan = r->end = 0;
    }
    if (r->eof) {
      if (r->discarding) {
        r->discarding = 0;
        r->line_no++;
        return KZ_LINE_LONG;
      }
      if (r->start == r->end) return KZ_LINE_EOF;
      /* the last line has no '\n' */
      *line = r->buf + r->start;
      *len = r->end - r->start;
      r->bytes += *len;
      r->line_no++;
      r->start = r->scan = r->end;
      return KZ_LINE_OK;
    }
    int rc = fill(r, name, err);
    if (rc) return rc;
  }
}

void kz_line_reader_free(kz_line_reader *r) {
  kz_line_reader_close(r);
  free(r->buf);
  r->buf = NULL;
  r->cap = r->start = r->end = r->scan = 0;
}
