/*
 * manifest.c - reading and atomically replacing the manifest (see manifest.h).
 *
 * Body layout (after the 8-byte header): u64 generation, u32 next segment
 * id, u8 language length + bytes, u32 segment count, then per segment a
 * record. Since v3 the record lists the segment's files by kind (a count,
 * then per file its kind code, flags, name extension and size), so that a
 * new kind of per-segment file needs no format break; v1 and v2 records
 * had a fixed five sizes and are still parsed, so that `upgrade` and
 * `index --rebuild` can find such an index's files (docs/FORMAT.md).
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

/* A v1/v2 record: five file sizes, no title statistics. */
#define V2_RECORD_BYTES (4 + 4 + 8 * 4 + 8 * KZ_SEGFILES_V2 + 4 + 8 + 8)
/* The fixed part of a v3 record, before its file entries. */
#define V3_RECORD_FIXED_BYTES (4 + 4 + 8 + 8 + 4 + 8 * 3 + 4 + 8 + 8 + 1)

const char *const kz_segfile_ext[KZ_SEGFILES] = {"dict", "post", "pos", "norm", "store", "tnorm",
                                                 "date", "alias", "simh", "names",
                                                 "pairs"};

int kz_segfile_present(const kz_segment_info *s, int kind) {
  return kind < KZ_SEGFILES_CORE || s->file_bytes[kind] != 0;
}

int kz_manifest_kinds(const kz_manifest *m) {
  return m->format_version && m->format_version < 3 ? KZ_SEGFILES_V2 : KZ_SEGFILES;
}

void kz_segment_file_name(char *buf, size_t size, uint32_t segment_id, int kind) {
  snprintf(buf, size, "seg-%08x.%s", segment_id, kz_segfile_ext[kind]);
}

int kz_segment_file_create(kz_file_writer *w, const char *dir, uint32_t segment_id, int kind,
                           uint32_t magic) {
  char name[64];
  kz_segment_file_name(name, sizeof name, segment_id, kind);
  char *path = kz_path_join(dir, name);
  if (!path) return KZ_ERR_NOMEM;
  int rc = kz_file_writer_open(w, path, magic);
  free(path);
  if (rc) kz_file_writer_abort(w);
  return rc;
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

/* Checks the segment fields every version has. */
static int segment_sane(const kz_manifest *m, const kz_segment_info *s) {
  return s->id < m->next_segment_id && s->doc_count > 0 && s->doc_count <= KZ_MAX_SEGMENT_DOCS &&
         s->deleted_docs < s->doc_count && (s->deleted_docs > 0) == (s->deletes_gen > 0) &&
         s->deletes_gen <= m->generation && s->title_docs <= s->doc_count;
}

static int parse_v2_record(kz_segment_info *s, const uint8_t **pp, const uint8_t *end) {
  const uint8_t *p = *pp;
  if ((size_t)(end - p) < V2_RECORD_BYTES) return KZ_ERR_CORRUPT;
  s->id = kz_load_u32le(p);
  s->doc_count = kz_load_u32le(p + 4);
  s->total_length = kz_load_u64le(p + 8);
  s->n_terms = kz_load_u64le(p + 16);
  s->n_postings = kz_load_u64le(p + 24);
  s->n_positions = kz_load_u64le(p + 32);
  for (int k = 0; k < KZ_SEGFILES_V2; k++) s->file_bytes[k] = kz_load_u64le(p + 40 + 8 * k);
  const uint8_t *d = p + 40 + 8 * KZ_SEGFILES_V2;
  s->deleted_docs = kz_load_u32le(d);
  s->deletes_gen = kz_load_u64le(d + 4);
  s->deletes_bytes = kz_load_u64le(d + 12);
  *pp = p + V2_RECORD_BYTES;
  return KZ_OK;
}

static int ext_valid(const uint8_t *e, size_t n) {
  if (n == 0 || n > KZ_MAX_FILE_EXT_BYTES) return 0;
  for (size_t i = 0; i < n; i++)
    if (!((e[i] >= 'a' && e[i] <= 'z') || (e[i] >= '0' && e[i] <= '9'))) return 0;
  return 1;
}

/*
 * A v3 record. A known kind must have its own extension and appear once;
 * an unknown kind marked required makes the segment unreadable
 * (KZ_ERR_VERSION, *unknown_kind says which); an unknown optional one is
 * kept in s->extra.
 */
static int parse_v3_record(kz_segment_info *s, const uint8_t **pp, const uint8_t *end,
                           unsigned *unknown_kind) {
  const uint8_t *p = *pp;
  if ((size_t)(end - p) < V3_RECORD_FIXED_BYTES) return KZ_ERR_CORRUPT;
  s->id = kz_load_u32le(p);
  s->doc_count = kz_load_u32le(p + 4);
  s->total_length = kz_load_u64le(p + 8);
  s->title_length = kz_load_u64le(p + 16);
  s->title_docs = kz_load_u32le(p + 24);
  s->n_terms = kz_load_u64le(p + 28);
  s->n_postings = kz_load_u64le(p + 36);
  s->n_positions = kz_load_u64le(p + 44);
  s->deleted_docs = kz_load_u32le(p + 52);
  s->deletes_gen = kz_load_u64le(p + 56);
  s->deletes_bytes = kz_load_u64le(p + 64);
  unsigned n_files = p[72];
  p += V3_RECORD_FIXED_BYTES;
  if (n_files == 0 || n_files > KZ_MAX_SEGMENT_FILES) return KZ_ERR_CORRUPT;
  unsigned seen = 0;
  for (unsigned f = 0; f < n_files; f++) {
    if (end - p < 3) return KZ_ERR_CORRUPT;
    unsigned kind = p[0], flags = p[1], ext_len = p[2];
    if (kind == 0 || (flags & ~KZ_SEGFILE_REQUIRED) || (size_t)(end - p) < 3 + ext_len + 8u ||
        !ext_valid(p + 3, ext_len))
      return KZ_ERR_CORRUPT;
    const uint8_t *ext = p + 3;
    uint64_t bytes = kz_load_u64le(p + 3 + ext_len);
    p += 3 + ext_len + 8;
    if (bytes < KZ_FILE_HEADER_BYTES + KZ_FILE_FOOTER_BYTES) return KZ_ERR_CORRUPT;
    if (kind <= KZ_SEGFILES) {
      int k = (int)kind - 1;
      if ((seen & (1u << k)) || strlen(kz_segfile_ext[k]) != ext_len ||
          memcmp(kz_segfile_ext[k], ext, ext_len) != 0)
        return KZ_ERR_CORRUPT;
      seen |= 1u << k;
      s->file_bytes[k] = bytes;
      continue;
    }
    if (flags & KZ_SEGFILE_REQUIRED) {
      *unknown_kind = kind;
      return KZ_ERR_VERSION;
    }
    if (s->n_extra == KZ_MAX_EXTRA_FILES) return KZ_ERR_CORRUPT;
    kz_extra_file *x = &s->extra[s->n_extra++];
    x->kind = (uint8_t)kind;
    x->flags = (uint8_t)flags;
    memcpy(x->ext, ext, ext_len);
    x->ext[ext_len] = 0;
    x->bytes = bytes;
  }
  if ((seen & ((1u << KZ_SEGFILES_CORE) - 1)) != (1u << KZ_SEGFILES_CORE) - 1)
    return KZ_ERR_CORRUPT; /* a core kind is missing */
  *pp = p;
  return KZ_OK;
}

static int parse(kz_manifest *m, const uint8_t *p, const uint8_t *end, unsigned *unknown_kind) {
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
  if (n > KZ_MAX_SEGMENTS) return KZ_ERR_CORRUPT;
  int v3 = m->format_version >= 3;
  for (uint32_t i = 0; i < n; i++) {
    kz_segment_info s;
    memset(&s, 0, sizeof s);
    int rc = v3 ? parse_v3_record(&s, &p, end, unknown_kind) : parse_v2_record(&s, &p, end);
    if (rc) return rc;
    if (!segment_sane(m, &s)) return KZ_ERR_CORRUPT;
    if ((rc = kz_manifest_add_segment(m, &s))) return rc;
  }
  return p == end ? KZ_OK : KZ_ERR_CORRUPT;
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
    unsigned unknown_kind = 0;
    rc = parse(m, data + KZ_FILE_HEADER_BYTES, data + size - KZ_FILE_FOOTER_BYTES, &unknown_kind);
    if (rc == KZ_ERR_CORRUPT) snprintf(detail, sizeof detail, "inconsistent contents");
    if (rc == KZ_ERR_VERSION)
      snprintf(detail, sizeof detail,
               "a segment needs a file of kind %u, which this kzsearch does not know (written by "
               "a newer kzsearch?)",
               unknown_kind);
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

static int put_file_entry(kz_buf *b, uint8_t kind, uint8_t flags, const char *ext, uint64_t bytes) {
  size_t n = strlen(ext);
  int rc = kz_buf_put_u8(b, kind);
  rc |= kz_buf_put_u8(b, flags);
  rc |= kz_buf_put_u8(b, (uint8_t)n);
  rc |= kz_buf_append(b, ext, n);
  rc |= kz_buf_put_u64le(b, bytes);
  return rc;
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
    rc |= kz_buf_put_u64le(&b, s->title_length);
    rc |= kz_buf_put_u32le(&b, s->title_docs);
    rc |= kz_buf_put_u64le(&b, s->n_terms);
    rc |= kz_buf_put_u64le(&b, s->n_postings);
    rc |= kz_buf_put_u64le(&b, s->n_positions);
    rc |= kz_buf_put_u32le(&b, s->deleted_docs);
    rc |= kz_buf_put_u64le(&b, s->deletes_gen);
    rc |= kz_buf_put_u64le(&b, s->deletes_bytes);
    unsigned n_files = s->n_extra;
    for (int k = 0; k < KZ_SEGFILES; k++) n_files += (unsigned)kz_segfile_present(s, k);
    rc |= kz_buf_put_u8(&b, (uint8_t)n_files);
    /* Optional kinds are flagged so: an older kzsearch keeps them without reading them. The
     * pairs file is required once there: a reader that ignored it would misread field-2 keys. */
    for (int k = 0; k < KZ_SEGFILES; k++)
      if (kz_segfile_present(s, k))
        rc |= put_file_entry(&b, (uint8_t)(k + 1),
                             k < KZ_SEGFILES_CORE || k == KZ_SEGFILE_PAIRS ? KZ_SEGFILE_REQUIRED : 0,
                             kz_segfile_ext[k], s->file_bytes[k]);
    for (unsigned x = 0; x < s->n_extra && x < KZ_MAX_EXTRA_FILES; x++)
      rc |= put_file_entry(&b, s->extra[x].kind, s->extra[x].flags, s->extra[x].ext,
                           s->extra[x].bytes);
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
