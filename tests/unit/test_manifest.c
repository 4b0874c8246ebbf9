/*
 * test_manifest.c - the manifest: write/read round trips, the atomic
 * replace (no MANIFEST.tmp left), a missing manifest (KZ_ERR_NO_INDEX),
 * every single-byte flip and every truncation (KZ_ERR_CORRUPT, or
 * KZ_ERR_VERSION for the header's version field), a newer format with an
 * intact footer (KZ_ERR_VERSION naming it), and hand-framed bodies with
 * valid checksums that each break one rule of docs/FORMAT.md, "Manifest"
 * (deletion records included).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/bytes.h"
#include "common/checksum.h"
#include "format/format.h"
#include "format/manifest.h"
#include "kz_test.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static void path_in(char *out, size_t size, const char *dir, const char *name) {
  snprintf(out, size, "%s/%s", dir, name);
}

/* Scratch directories, also removed at exit so that a failed CHECK leaves none behind. */
static char scratch[16][128];
static size_t n_scratch;

static void remove_scratch(void) {
  for (size_t i = 0; i < n_scratch; i++) kz_test_remove_tree(scratch[i]);
  n_scratch = 0;
}

static char *make_dir(void) {
  if (n_scratch == sizeof scratch / sizeof *scratch) return NULL;
  if (!kz_test_make_temp_dir(scratch[n_scratch], sizeof scratch[0], "kz_test_manifest"))
    return NULL;
  if (n_scratch == 0) atexit(remove_scratch);
  return scratch[n_scratch++];
}

/* Removes the directory now (its name stays registered until exit). */
static void remove_dir(const char *dir) {
  if (dir) kz_test_remove_tree(dir);
}

static uint8_t *read_file(const char *dir, size_t *size) {
  char p[512];
  path_in(p, sizeof p, dir, KZ_MANIFEST_NAME);
  FILE *f = fopen(p, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *data = malloc(n > 0 ? (size_t)n : 1);
  *size = fread(data, 1, (size_t)n, f);
  fclose(f);
  return data;
}

static int write_file(const char *dir, const uint8_t *data, size_t size) {
  char p[512];
  path_in(p, sizeof p, dir, KZ_MANIFEST_NAME);
  FILE *f = fopen(p, "wb");
  if (!f) return -1;
  size_t w = fwrite(data, 1, size, f);
  return fclose(f) == 0 && w == size ? 0 : -1;
}

/* Frames `body` as a manifest file (header, body, footer with checksum) and writes it. */
static int write_framed(const char *dir, const kz_buf *body, uint32_t header_version,
                        uint32_t footer_version) {
  kz_buf f = KZ_BUF_INIT;
  kz_buf_put_u32le(&f, KZ_MAGIC_MANIFEST);
  kz_buf_put_u32le(&f, header_version);
  kz_buf_append(&f, body->data, body->len);
  kz_buf_put_u32le(&f, KZ_MAGIC_FOOTER);
  kz_buf_put_u32le(&f, footer_version);
  kz_buf_put_u64le(&f, kz_checksum(f.data, f.len));
  int rc = write_file(dir, f.data, f.len);
  kz_buf_free(&f);
  return rc;
}

static kz_segment_info sample_segment(uint32_t id, uint32_t docs) {
  kz_segment_info s;
  memset(&s, 0, sizeof s);
  s.id = id;
  s.doc_count = docs;
  s.total_length = 1000ull * docs + 0x123456789ull;
  s.n_terms = 11 + id;
  s.n_postings = 0xfedcba9876ull + id;
  s.n_positions = UINT64_MAX - id;
  for (int k = 0; k < KZ_SEGFILES; k++) s.file_bytes[k] = 24 + 1000ull * id + (uint64_t)k;
  if (docs > 2) { /* a segment with deletions as of an earlier commit */
    s.deleted_docs = docs - 1;
    s.deletes_gen = 41;
    s.deletes_bytes = 24 + 8 + (docs + 7) / 8;
  }
  return s;
}

/* A manifest of three segments, "english". */
static void sample_manifest(kz_manifest *m) {
  memset(m, 0, sizeof *m);
  m->generation = 42;
  m->next_segment_id = 0x20;
  snprintf(m->language, sizeof m->language, "english");
  kz_segment_info a = sample_segment(3, 1), b = sample_segment(0x1f, 4000000000u),
                  c = sample_segment(7, 500);
  kz_manifest_add_segment(m, &a);
  kz_manifest_add_segment(m, &b);
  kz_manifest_add_segment(m, &c);
}

static int same_manifest(const kz_manifest *a, const kz_manifest *b) {
  if (a->generation != b->generation || a->next_segment_id != b->next_segment_id ||
      strcmp(a->language, b->language) != 0 || a->n_segments != b->n_segments)
    return 0;
  for (size_t i = 0; i < a->n_segments; i++) {
    const kz_segment_info *x = &a->segments[i], *y = &b->segments[i];
    if (x->id != y->id || x->doc_count != y->doc_count || x->total_length != y->total_length ||
        x->n_terms != y->n_terms || x->n_postings != y->n_postings ||
        x->n_positions != y->n_positions ||
        memcmp(x->file_bytes, y->file_bytes, sizeof x->file_bytes) != 0 ||
        x->deleted_docs != y->deleted_docs || x->deletes_gen != y->deletes_gen ||
        x->deletes_bytes != y->deletes_bytes)
      return 0;
  }
  return 1;
}

/* The body fields of a manifest, for hand-framed variants. */
typedef struct body_spec {
  uint64_t generation;
  uint32_t next_id;
  uint8_t lang_len;
  const char *lang;
  uint32_t count;     /* segment_count field */
  uint32_t records;   /* records actually written */
  uint32_t id0, docs0; /* the first record's id and doc count */
  size_t trailing;    /* extra bytes after the last record */
  uint32_t deleted0;  /* the first record's deletions: count, file generation */
  uint64_t del_gen0;
  /* v3: the first record's file list: a kind left out (code, 0: none), an extra kind and its flags */
  uint8_t missing0, extra_kind0, extra_flags0;
  uint8_t dup0; /* a known kind listed twice (code, 0: none) */
} body_spec;

static void put_entry(kz_buf *b, uint8_t kind, uint8_t flags, const char *ext) {
  kz_buf_put_u8(b, kind);
  kz_buf_put_u8(b, flags);
  kz_buf_put_u8(b, (uint8_t)strlen(ext));
  kz_buf_append(b, ext, strlen(ext));
  kz_buf_put_u64le(b, 100);
}

/* A body in the record layout of `version` (v1 and v2 share one). */
static void build_body_v(kz_buf *b, const body_spec *s, int version) {
  kz_buf_put_u64le(b, s->generation);
  kz_buf_put_u32le(b, s->next_id);
  kz_buf_put_u8(b, s->lang_len);
  kz_buf_append(b, s->lang, s->lang_len);
  kz_buf_put_u32le(b, s->count);
  for (uint32_t i = 0; i < s->records; i++) {
    kz_buf_put_u32le(b, i == 0 ? s->id0 : i);
    kz_buf_put_u32le(b, i == 0 ? s->docs0 : 10);
    if (version < 3) {
      for (int k = 0; k < 4 + KZ_SEGFILES_V2; k++) kz_buf_put_u64le(b, 100);
    } else {
      kz_buf_put_u64le(b, 100); /* total length, title length, titled documents */
      kz_buf_put_u64le(b, 50);
      kz_buf_put_u32le(b, 1);
      for (int k = 0; k < 3; k++) kz_buf_put_u64le(b, 100);
    }
    kz_buf_put_u32le(b, i == 0 ? s->deleted0 : 0); /* deletions: count, generation, file size */
    kz_buf_put_u64le(b, i == 0 ? s->del_gen0 : 0);
    kz_buf_put_u64le(b, i == 0 && s->del_gen0 ? 33 : 0);
    if (version < 3) continue;
    int first = i == 0;
    uint8_t n = (uint8_t)(KZ_SEGFILES - (first && s->missing0) + (first && s->extra_kind0) +
                          (first && s->dup0));
    kz_buf_put_u8(b, n);
    for (int k = 0; k < KZ_SEGFILES; k++)
      if (!(first && s->missing0 == k + 1))
        put_entry(b, (uint8_t)(k + 1), KZ_SEGFILE_REQUIRED, kz_segfile_ext[k]);
    if (first && s->dup0) put_entry(b, s->dup0, KZ_SEGFILE_REQUIRED, kz_segfile_ext[s->dup0 - 1]);
    if (first && s->extra_kind0) put_entry(b, s->extra_kind0, s->extra_flags0, "sig");
  }
  for (size_t i = 0; i < s->trailing; i++) kz_buf_put_u8(b, 0);
}

static void build_body(kz_buf *b, const body_spec *s) { build_body_v(b, s, KZ_FORMAT_VERSION); }

static int read_framed(const char *dir, const body_spec *s) {
  kz_buf b = KZ_BUF_INIT;
  build_body(&b, s);
  int wrc = write_framed(dir, &b, KZ_FORMAT_VERSION, KZ_FORMAT_VERSION);
  kz_buf_free(&b);
  if (wrc) return 1; /* not a status: the test reports it */
  kz_manifest m;
  kz_error err;
  int rc = kz_manifest_read(&m, dir, &err);
  if (rc == KZ_OK) kz_manifest_free(&m);
  else if (m.n_segments != 0 || m.segments != NULL) return 2; /* a failed read must leave nothing */
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                    */
/* ------------------------------------------------------------------------ */

static void test_manifest__round_trips_segments_and_language(void) {
  char *dir = make_dir();
  CHECK(dir);
  kz_manifest m, back;
  sample_manifest(&m);
  kz_error err;
  uint64_t bytes = 0;
  int rc = kz_manifest_write(&m, dir, &bytes, &err);
  if (rc) fprintf(stderr, "%s\n", err.message);
  CHECK_EQ_INT(rc, KZ_OK);
  struct stat st;
  char p[512];
  path_in(p, sizeof p, dir, KZ_MANIFEST_NAME);
  CHECK_EQ_INT(stat(p, &st), 0);
  CHECK_EQ_INT(bytes, st.st_size);
  size_t entries = 0; /* kind, flags, extension length, extension, size */
  for (int k = 0; k < KZ_SEGFILES; k++) entries += 3 + strlen(kz_segfile_ext[k]) + 8;
  CHECK_EQ_INT(bytes, 8 + 8 + 4 + 1 + 7 + 4 + 3 * (4 + 4 + 8 + 8 + 4 + 8 * 3 + 4 + 8 + 8 + 1 + entries) + 16);
  path_in(p, sizeof p, dir, KZ_MANIFEST_NAME ".tmp");
  CHECK(stat(p, &st) != 0); /* renamed away */

  CHECK_EQ_INT(kz_manifest_read(&back, dir, &err), KZ_OK);
  CHECK(same_manifest(&m, &back));
  kz_manifest_free(&back);

  /* A second commit replaces the first; no segments and another language. */
  kz_manifest_free(&m);
  memset(&m, 0, sizeof m);
  m.generation = 43;
  m.next_segment_id = 0;
  snprintf(m.language, sizeof m.language, "none");
  CHECK_EQ_INT(kz_manifest_write(&m, dir, NULL, &err), KZ_OK);
  CHECK_EQ_INT(kz_manifest_read(&back, dir, &err), KZ_OK);
  CHECK(same_manifest(&m, &back));
  CHECK_EQ_INT(back.n_segments, 0);
  kz_manifest_free(&back);

  /* The longest language name fits; a longer one is refused before anything is written. */
  memset(m.language, 'x', KZ_MAX_LANGUAGE_BYTES);
  m.language[KZ_MAX_LANGUAGE_BYTES] = 0;
  CHECK_EQ_INT(kz_manifest_write(&m, dir, NULL, &err), KZ_OK);
  CHECK_EQ_INT(kz_manifest_read(&back, dir, NULL), KZ_OK);
  CHECK_EQ_STR(back.language, m.language);
  kz_manifest_free(&back);
  kz_manifest_free(&m);
  kz_manifest_free(NULL);
  remove_dir(dir);
}

static void test_manifest__missing_is_no_index(void) {
  char *dir = make_dir();
  CHECK(dir);
  kz_manifest m;
  kz_error err;
  memset(&err, 0, sizeof err);
  CHECK_EQ_INT(kz_manifest_read(&m, dir, &err), KZ_ERR_NO_INDEX);
  CHECK_EQ_INT(err.code, KZ_ERR_NO_INDEX);
  CHECK(strstr(err.message, dir) != NULL);
  CHECK_EQ_INT(m.n_segments, 0);
  char missing[512];
  path_in(missing, sizeof missing, dir, "does-not-exist");
  CHECK_EQ_INT(kz_manifest_read(&m, missing, NULL), KZ_ERR_NO_INDEX);
  remove_dir(dir);
}

static void test_manifest__flipped_or_truncated_bytes_are_corrupt(void) {
  char *dir = make_dir();
  CHECK(dir);
  kz_manifest m;
  sample_manifest(&m);
  CHECK_EQ_INT(kz_manifest_write(&m, dir, NULL, NULL), KZ_OK);
  kz_manifest_free(&m);
  size_t size = 0;
  uint8_t *orig = read_file(dir, &size);
  CHECK(orig && size > 24);
  uint8_t *copy = malloc(size);
  static const uint8_t masks[] = {0x01, 0x80, 0xff, 0x10};
  int corrupt = 0, version = 0;
  for (size_t i = 0; i < size; i++) {
    for (size_t k = 0; k < sizeof masks; k++) {
      memcpy(copy, orig, size);
      copy[i] ^= masks[k];
      CHECK_EQ_INT(write_file(dir, copy, size), 0);
      kz_error err;
      memset(&err, 0, sizeof err);
      int rc = kz_manifest_read(&m, dir, &err);
      if (rc == KZ_OK) kz_manifest_free(&m);
      /* The header's version field may read as a newer format: that is KZ_ERR_VERSION. */
      int in_version = i >= 4 && i < 8;
      if (!(rc == KZ_ERR_CORRUPT || (in_version && rc == KZ_ERR_VERSION))) {
        fprintf(stderr, "byte %zu ^ %02x: status %d (%s)\n", i, masks[k], rc, err.message);
        CHECK(0);
      }
      CHECK_EQ_INT(err.code, rc);
      CHECK(m.segments == NULL && m.n_segments == 0);
      if (rc == KZ_ERR_CORRUPT) corrupt++;
      else version++;
    }
  }
  printf("manifest: %zu bytes, %d flips corrupt, %d flips read as a newer version\n", size,
         corrupt, version);
  for (size_t n = 0; n < size; n++) {
    CHECK_EQ_INT(write_file(dir, orig, n), 0);
    int rc = kz_manifest_read(&m, dir, NULL);
    if (rc != KZ_ERR_CORRUPT) fprintf(stderr, "truncated to %zu bytes: status %d\n", n, rc);
    CHECK_EQ_INT(rc, KZ_ERR_CORRUPT);
  }
  /* One byte too many is damage as well (the footer is no longer where it was). */
  uint8_t *longer = malloc(size + 1);
  memcpy(longer, orig, size);
  longer[size] = 0;
  CHECK_EQ_INT(write_file(dir, longer, size + 1), 0);
  CHECK_EQ_INT(kz_manifest_read(&m, dir, NULL), KZ_ERR_CORRUPT);
  free(longer);
  free(copy);
  free(orig);
  remove_dir(dir);
}

static void test_manifest__newer_version_is_reported(void) {
  char *dir = make_dir();
  CHECK(dir);
  body_spec s = {1, 1, 7, "english", 1, 1, 0, 10, 0, 0, 0, 0, 0, 0, 0};
  kz_buf b = KZ_BUF_INIT;
  build_body_v(&b, &s, 2);
  /* A v4 header with a valid-looking v4 footer and a matching checksum. */
  CHECK_EQ_INT(write_framed(dir, &b, 4, 4), 0);
  kz_manifest m;
  kz_error err;
  memset(&err, 0, sizeof err);
  CHECK_EQ_INT(kz_manifest_read(&m, dir, &err), KZ_ERR_VERSION);
  CHECK_EQ_INT(err.code, KZ_ERR_VERSION);
  CHECK(strstr(err.message, "v4") != NULL);
  CHECK(strstr(err.message, "v3") != NULL);
  CHECK(strstr(err.message, KZ_MANIFEST_NAME) != NULL);
  /* A much newer one with a v2 footer still is a version problem, not damage. */
  CHECK_EQ_INT(write_framed(dir, &b, 300, 2), 0);
  CHECK_EQ_INT(kz_manifest_read(&m, dir, &err), KZ_ERR_VERSION);
  CHECK(strstr(err.message, "v300") != NULL);
  /* Version 0 is no format at all. */
  CHECK_EQ_INT(write_framed(dir, &b, 0, 0), 0);
  CHECK_EQ_INT(kz_manifest_read(&m, dir, &err), KZ_ERR_CORRUPT);
  /* The sanity case: the same body framed as v2 reads, its segment with the five v2 files. */
  CHECK_EQ_INT(write_framed(dir, &b, 2, 2), 0);
  CHECK_EQ_INT(kz_manifest_read(&m, dir, &err), KZ_OK);
  CHECK_EQ_STR(m.language, "english");
  CHECK_EQ_INT(m.format_version, 2);
  CHECK_EQ_INT(kz_manifest_kinds(&m), KZ_SEGFILES_V2);
  CHECK_EQ_INT(m.n_segments, 1);
  CHECK_EQ_INT(m.segments[0].file_bytes[KZ_SEGFILE_STORE], 100);
  CHECK_EQ_INT(m.segments[0].file_bytes[KZ_SEGFILE_TITLE_NORMS], 0);
  kz_manifest_free(&m);
  /* A v2 record framed as v3 is damage: v3 records list their files. */
  CHECK_EQ_INT(write_framed(dir, &b, 3, 3), 0);
  CHECK_EQ_INT(kz_manifest_read(&m, dir, &err), KZ_ERR_CORRUPT);
  /* A v1 manifest (same layout) reads too, saying so, so that a rebuild can replace it. */
  CHECK_EQ_INT(write_framed(dir, &b, 1, 1), 0);
  CHECK_EQ_INT(kz_manifest_read(&m, dir, &err), KZ_OK);
  CHECK_EQ_INT(m.format_version, 1);
  kz_manifest_free(&m);
  /* A v4 header whose footer magic is gone is a damaged file, not a newer one. */
  kz_buf f = KZ_BUF_INIT;
  kz_buf_put_u32le(&f, KZ_MAGIC_MANIFEST);
  kz_buf_put_u32le(&f, 4);
  kz_buf_append(&f, b.data, b.len);
  kz_buf_put_u32le(&f, 0xdeadbeefu);
  kz_buf_put_u32le(&f, 4);
  kz_buf_put_u64le(&f, kz_checksum(f.data, f.len));
  CHECK_EQ_INT(write_file(dir, f.data, f.len), 0);
  CHECK_EQ_INT(kz_manifest_read(&m, dir, &err), KZ_ERR_CORRUPT);
  kz_buf_free(&f);
  kz_buf_free(&b);
  remove_dir(dir);
}

static void test_manifest__rejects_inconsistent_bodies(void) {
  char *dir = make_dir();
  CHECK(dir);
  const body_spec good = {5, 9, 7, "english", 3, 3, 8, 2, 0, 0, 0, 0, 0, 0, 0};
  CHECK_EQ_INT(read_framed(dir, &good), KZ_OK);
  body_spec s = good;
  /* Files by kind: every known kind is needed, once; an unknown one may be skipped only when
   * it is marked optional. */
  s.missing0 = KZ_SEGFILE_DATES + 1;
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_CORRUPT);
  s = good;
  s.dup0 = KZ_SEGFILE_NORMS + 1;
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_CORRUPT);
  s = good;
  s.extra_kind0 = 200;
  s.extra_flags0 = KZ_SEGFILE_REQUIRED;
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_VERSION);
  s.extra_flags0 = 0;
  CHECK_EQ_INT(read_framed(dir, &s), KZ_OK);
  s.extra_flags0 = 0x80; /* an unknown flag */
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_CORRUPT);
  s = good;
  s.deleted0 = 1; /* deletions recorded by the current commit */
  s.del_gen0 = 5;
  CHECK_EQ_INT(read_framed(dir, &s), KZ_OK);
  s.deleted0 = 2; /* every document deleted: the segment should have been dropped */
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_CORRUPT);
  s.deleted0 = 1;
  s.del_gen0 = 6; /* a deletion file from a later commit than this one */
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_CORRUPT);
  s.del_gen0 = 0; /* deletions without a file */
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_CORRUPT);
  s.deleted0 = 0; /* a file without deletions */
  s.del_gen0 = 3;
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_CORRUPT);

  s = good;
  s.id0 = 9; /* id not below next_segment_id */
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_CORRUPT);
  s = good;
  s.docs0 = 0; /* a segment without documents */
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_CORRUPT);
  s = good;
  s.docs0 = UINT32_MAX; /* above KZ_MAX_SEGMENT_DOCS */
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_CORRUPT);
  s = good;
  s.lang_len = 32;
  s.lang = "abcdefghijklmnopqrstuvwxyzabcdef"; /* 32 bytes: one above the limit */
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_CORRUPT);
  s = good;
  s.count = 4; /* more segments announced than present */
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_CORRUPT);
  s = good;
  s.count = 2; /* fewer */
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_CORRUPT);
  s = good;
  s.trailing = 1; /* the body must end after the last record */
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_CORRUPT);
  s = good;
  s.count = UINT32_MAX; /* a count whose records would overflow a size computation */
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_CORRUPT);
  s = good;
  s.count = KZ_MAX_SEGMENTS + 1;
  CHECK_EQ_INT(read_framed(dir, &s), KZ_ERR_CORRUPT);
  /* A body that stops inside the fixed fields. */
  kz_buf b = KZ_BUF_INIT;
  kz_buf_put_u64le(&b, 1);
  kz_buf_put_u32le(&b, 1);
  CHECK_EQ_INT(write_framed(dir, &b, 1, 1), 0);
  kz_manifest m;
  CHECK_EQ_INT(kz_manifest_read(&m, dir, NULL), KZ_ERR_CORRUPT);
  kz_buf_free(&b);
  /* A language that runs past the end of the body. */
  kz_buf_put_u64le(&b, 1);
  kz_buf_put_u32le(&b, 1);
  kz_buf_put_u8(&b, 7);
  kz_buf_append(&b, "eng", 3);
  CHECK_EQ_INT(write_framed(dir, &b, 1, 1), 0);
  CHECK_EQ_INT(kz_manifest_read(&m, dir, NULL), KZ_ERR_CORRUPT);
  kz_buf_free(&b);
  remove_dir(dir);
}

static void test_manifest__write_to_missing_dir_fails_cleanly(void) {
  char *dir = make_dir();
  CHECK(dir);
  char missing[512];
  path_in(missing, sizeof missing, dir, "missing");
  kz_manifest m;
  sample_manifest(&m);
  kz_error err;
  memset(&err, 0, sizeof err);
  CHECK_EQ_INT(kz_manifest_write(&m, missing, NULL, &err), KZ_ERR_IO);
  CHECK_EQ_INT(err.code, KZ_ERR_IO);
  CHECK(strstr(err.message, "MANIFEST.tmp") != NULL);
  kz_manifest_free(&m);
  CHECK_EQ_INT(kz_manifest_read(&m, dir, NULL), KZ_ERR_NO_INDEX); /* nothing appeared beside it */
  remove_dir(dir);
}

KZ_TEST_MAIN(KZ_TEST(test_manifest__round_trips_segments_and_language),
             KZ_TEST(test_manifest__missing_is_no_index),
             KZ_TEST(test_manifest__flipped_or_truncated_bytes_are_corrupt),
             KZ_TEST(test_manifest__newer_version_is_reported),
             KZ_TEST(test_manifest__rejects_inconsistent_bodies),
             KZ_TEST(test_manifest__write_to_missing_dir_fails_cleanly))
