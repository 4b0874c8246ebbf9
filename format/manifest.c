/*
 * manifest.c - reading and atomically replacing the manifest (see manifest.h).
 *
 * Body layout (after the 8-byte header): u64 generation, u32 next segment
 * id, u8 language length + bytes, u32 segment count, then per segment:
 * u32 id, u32 doc count, u64 total length, u64 terms, u64 postings,
 * u64 positions, 5 x u64 file sizes, u32 deleted documents, u64 deletion
 * file generation (0: none), u64 deletion file size.
 */
#include "format/manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/error.h"
#include "format/file.h"
#include "format/format.h"
#include "common/limits.h"

#define SEGMENT_RECORD_BYTES (4 + 4 + 8 * 4 + 8 * KZ_SEGFILES + 4 + 8 + 8)

const char *const kz_segfile_ext[KZ_SEGFILES] = {"dict", "post", "pos", "norm", "store"};

void kz_segment_file_name(char *buf, size_t size, uint32_t segment_id, int kind) {
  snprintf(buf, size, "seg-%08x.%s", segment_id, kz_segfile_ext[kind]);
}

void kz_deletes_file_name(char *buf, size_t size, uint32_t segment_id, uint64_t generation) {
  snprintf(buf, size, "seg-%08x-%llu.del", segment_id, (unsigned long long)generation);
}

int kz_manifest_add_segment(kz_manifest *m, const kz_segment_info *info) {
  if (m->n_segments == m->cap_segments) {
    size_t cap = m->cap_segments ? m->cap_segments * 2 : 8;
    kz_segment_info *s = realloc(m->segments, cap * sizeof *s);
    if (!s) return KZ_ERR_NOMEM;
    m->segments = s;
    m->cap_segments = cap;
  }
  m->segments[m->n_segments++] = *info;
  return KZ_OK;
}

void kz_manifest_free(kz_manifest *m) {
  if (!m) return;
  free(m->segments);
  m->segments = NULL;
  m->n_segments = m->cap_segments = 0;
}

static int parse(kz_manifest *m, const uint8_t *p, const uint8_t *end) {
  if (end - p < 8 + 4 + 1) return KZ_ERR_CORRUPT;
  m->generation = kz_load_u64le(p);
  m->next_segment_id = kz_load_u32le(p + 8);
  size_t lang_len = p[12];
  p += 13;
  if (lang_len > KZ_MAX_LANGUAGE_BYTES || (size_t)(end - p) < lang_len + 4) return KZ_ERR_CORRUPT;
  memcpy(m->language, p, lang_len);
  m->language[lang_len] = 0;
  p += lang_len;
  uint32_t n = kz_load_u32le(p);
  p += 4;
  if (n > KZ_MAX_SEGMENTS || (size_t)(end - p) != (size_t)n * SEGMENT_RECORD_BYTES)
    return KZ_ERR_CORRUPT;
  for (uint32_t i = 0; i < n; i++) {
    kz_segment_info s;
    s.id = kz_load_u32le(p);
    s.doc_count = kz_load_u32le(p + 4);
    s.total_length = kz_load_u64le(p + 8);
    s.n_terms = kz_load_u64le(p + 16);
    s.n_postings = kz_load_u64le(p + 24);
    s.n_positions = kz_load_u64le(p + 32);
    for (int k = 0; k < KZ_SEGFILES; k++) s.file_bytes[k] = kz_load_u64le(p + 40 + 8 * k);
    const uint8_t *d = p + 40 + 8 * KZ_SEGFILES;
    s.deleted_docs = kz_load_u32le(d);
    s.deletes_gen = kz_load_u64le(d + 4);
    s.deletes_bytes = kz_load_u64le(d + 12);
    p += SEGMENT_RECORD_BYTES;
    if (s.id >= m->next_segment_id || s.doc_count == 0 || s.doc_count > KZ_MAX_SEGMENT_DOCS ||
        s.deleted_docs >= s.doc_count || (s.deleted_docs > 0) != (s.deletes_gen > 0) ||
        s.deletes_gen > m->generation)
      return KZ_ERR_CORRUPT;
    int rc = kz_manifest_add_segment(m, &s);
    if (rc) return rc;
  }
  return KZ_OK;
}

int kz_manifest_read(kz_manifest *m, const char *dir, kz_error *err) {
  memset(m, 0, sizeof *m);
  char *path = kz_path_join(dir, KZ_MANIFEST_NAME);
  if (!path) return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  struct stat st;
  if (stat(path, &st) != 0 && errno == ENOENT) {
    int rc = kz_error_set(err, KZ_ERR_NO_INDEX, "no index at %s", dir);
    free(path);
    return rc;
  }
  uint8_t *data = NULL;
  size_t size = 0;
  char detail[160] = "";
  int rc = kz_file_read_all(path, KZ_MAGIC_MANIFEST, KZ_FORMAT_OLDEST_MANIFEST, &data, &size,
                            detail, sizeof detail);
  if (rc == KZ_OK) {
    m->format_version = kz_load_u32le(data + 4);
    rc = parse(m, data + KZ_FILE_HEADER_BYTES, data + size - KZ_FILE_FOOTER_BYTES);
    if (rc == KZ_ERR_CORRUPT) snprintf(detail, sizeof detail, "inconsistent contents");
  }
  if (rc) {
    kz_manifest_free(m);
    if (rc == KZ_ERR_NOMEM)
      kz_error_set(err, rc, "out of memory");
    else
      kz_error_set(err, rc, "%s: %s", path, detail);
  }
  free(data);
  free(path);
  return rc;
}

int kz_manifest_write(const kz_manifest *m, const char *dir, uint64_t *bytes_out, kz_error *err) {
  int replaced;
  return kz_manifest_commit(m, dir, bytes_out, &replaced, err);
}

int kz_manifest_commit(const kz_manifest *m, const char *dir, uint64_t *bytes_out, int *replaced,
                       kz_error *err) {
  *replaced = 0;
  kz_buf b = KZ_BUF_INIT;
  size_t lang_len = strlen(m->language);
  int rc = KZ_OK;
  if (lang_len > KZ_MAX_LANGUAGE_BYTES) return kz_error_set(err, KZ_ERR_INVALID, "language name too long");
  rc |= kz_buf_put_u64le(&b, m->generation);
  rc |= kz_buf_put_u32le(&b, m->next_segment_id);
  rc |= kz_buf_put_u8(&b, (uint8_t)lang_len);
  rc |= kz_buf_append(&b, m->language, lang_len);
  rc |= kz_buf_put_u32le(&b, (uint32_t)m->n_segments);
  for (size_t i = 0; i < m->n_segments; i++) {
    const kz_segment_info *s = &m->segments[i];
    rc |= kz_buf_put_u32le(&b, s->id);
    rc |= kz_buf_put_u32le(&b, s->doc_count);
    rc |= kz_buf_put_u64le(&b, s->total_length);
    rc |= kz_buf_put_u64le(&b, s->n_terms);
    rc |= kz_buf_put_u64le(&b, s->n_postings);
    rc |= kz_buf_put_u64le(&b, s->n_positions);
    for (int k = 0; k < KZ_SEGFILES; k++) rc |= kz_buf_put_u64le(&b, s->file_bytes[k]);
    rc |= kz_buf_put_u32le(&b, s->deleted_docs);
    rc |= kz_buf_put_u64le(&b, s->deletes_gen);
    rc |= kz_buf_put_u64le(&b, s->deletes_bytes);
  }
  if (rc) {
    kz_buf_free(&b);
    return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  }
  char *tmp = kz_path_join(dir, KZ_MANIFEST_NAME ".tmp");
  char *final = kz_path_join(dir, KZ_MANIFEST_NAME);
  if (!tmp || !final) {
    rc = kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
    goto out;
  }
  kz_file_writer w;
  kz_file_writer_open(&w, tmp, KZ_MAGIC_MANIFEST);
  kz_file_writer_write(&w, b.data, b.len);
  rc = kz_file_writer_finish(&w, bytes_out);
  if (rc) {
    kz_file_writer_abort(&w);
    kz_error_set(err, rc, "cannot write %s: %s", tmp, strerror(errno));
    goto out;
  }
  if (rename(tmp, final) != 0) {
    rc = kz_error_set(err, KZ_ERR_IO, "cannot rename %s: %s", tmp, strerror(errno));
    unlink(tmp);
    goto out;
  }
  *replaced = 1; /* readers see the new manifest from now on, durable or not */
  if (kz_fsync_dir(dir) != KZ_OK)
    rc = kz_error_set(err, KZ_ERR_UNSYNCED,
                      "committed, but cannot sync directory %s (%s): the commit may not survive a crash",
                      dir, strerror(errno));
out:
  free(tmp);
  free(final);
  kz_buf_free(&b);
  return rc;
}
