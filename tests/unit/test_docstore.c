/*
 * test_docstore.c - the document store writer and reader: round trips of
 * random documents checked field by field, and id by id through the id
 * table, against the originals (the oracle), writer limits and memory, and
 * fault layers that truncate, flip and overwrite bytes of a real store or
 * hand-craft bodies that break one rule each. Damaged data must give
 * KZ_ERR_CORRUPT or the original document, never a crash (run under
 * ASan+UBSan too); an id table that opens is always the original.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bytes.h"
#include "common/checksum.h"
#include "common/compress.h"
#include "format/file.h"
#include "format/format.h"
#include "common/limits.h"
#include "format/docstore_writer.h"
#include "kz_test.h"
#include "format/docstore_reader.h"
#include "kz_test_corpus.h"
#include "kz_test_fs.h"

/* The writer never produces a block the reader refuses. */
_Static_assert(KZ_STORE_BLOCK_BYTES <= KZ_STORE_MAX_RAW_BLOCK_BYTES,
               "block size above the reader limit");

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct tdoc {
  char *f[KZ_STORED_FIELDS];   /* NULL for an absent field */
  size_t len[KZ_STORED_FIELDS]; /* as passed to the writer (garbage when f is NULL) */
} tdoc;

static size_t expected_len(const tdoc *d, int i) { return d->f[i] ? d->len[i] : 0; }

static char *random_bytes(kz_test_rng *r, size_t n, int binary) {
  char *p = malloc(n ? n : 1);
  for (size_t i = 0; i < n; i++)
    p[i] = binary ? (char)kz_test_rand(r)
                  : (char)(kz_test_rand_below(r, 8) == 0 ? ' ' : 'a' + kz_test_rand_below(r, 26));
  return p;
}

/* A random field: sometimes NULL (with a garbage length), sometimes empty, text or binary. */
static void random_field(kz_test_rng *r, tdoc *d, int i, size_t max_len) {
  size_t k = kz_test_rand_below(r, 20);
  if (k == 0) {
    d->f[i] = NULL;
    d->len[i] = kz_test_rand_below(r, 1000); /* must be ignored */
    return;
  }
  d->len[i] = k == 1 ? 0 : kz_test_rand_below(r, max_len + 1);
  d->f[i] = random_bytes(r, d->len[i], kz_test_rand_below(r, 4) == 0);
}

static void random_doc(kz_test_rng *r, tdoc *d) {
  random_field(r, d, KZ_STORED_ID, 40);
  random_field(r, d, KZ_STORED_TITLE, 120);
  size_t k = kz_test_rand_below(r, 100);
  random_field(r, d, KZ_STORED_BODY, k < 2 ? 70000 : k < 20 ? 12000 : 2000);
  random_field(r, d, KZ_STORED_DATE, 20);
  random_field(r, d, KZ_STORED_URL, 80);
}

static void free_docs(tdoc *docs, size_t n) {
  for (size_t i = 0; i < n; i++)
    for (int j = 0; j < KZ_STORED_FIELDS; j++) free(docs[i].f[j]);
  free(docs);
}

static kz_document as_document(const tdoc *d) {
  kz_document x = {sizeof(kz_document), d->f[0], d->len[0], d->f[1], d->len[1], d->f[2],
                   d->len[2], d->f[3], d->len[3], d->f[4], d->len[4]};
  return x;
}

typedef struct tmpdir {
  char dir[64];
  char path[128]; /* dir/store */
  char copy[128]; /* dir/damaged */
} tmpdir;

static int tmpdir_make(tmpdir *t) {
  if (!kz_test_make_temp_dir(t->dir, sizeof t->dir, "kz_docstore")) return -1;
  snprintf(t->path, sizeof t->path, "%s/store", t->dir);
  snprintf(t->copy, sizeof t->copy, "%s/damaged", t->dir);
  return 0;
}

static void tmpdir_remove(tmpdir *t) {
  unlink(t->path);
  unlink(t->copy);
  rmdir(t->dir);
}

static int write_store(const char *path, const tdoc *docs, size_t n, uint64_t *bytes) {
  kz_docstore_writer *w;
  int rc = kz_docstore_writer_open(&w, path);
  if (rc) return rc;
  for (size_t i = 0; i < n; i++) {
    kz_document d = as_document(&docs[i]);
    rc = kz_docstore_writer_add(w, &d);
    if (rc) {
      kz_docstore_writer_abort(w);
      return rc;
    }
  }
  return kz_docstore_writer_finish(w, bytes);
}

static int same_doc(const kz_stored_doc *got, const tdoc *want) {
  for (int i = 0; i < KZ_STORED_FIELDS; i++) {
    size_t n = expected_len(want, i);
    if (!got->field[i] || got->len[i] != n) return 0;
    if (n && memcmp(got->field[i], want->f[i], n) != 0) return 0;
    if (got->field[i][n] != 0) return 0;
  }
  return 1;
}

/* kz_docstore_get_id gives exactly the id the writer was given (empty when NULL). */
static int same_id(const kz_docstore *s, uint32_t doc, const tdoc *want) {
  const char *id = NULL;
  size_t len = 99;
  if (kz_docstore_get_id(s, doc, &id, &len) != KZ_OK || !id) return 0;
  size_t n = expected_len(want, KZ_STORED_ID);
  return len == n && (n == 0 || memcmp(id, want->f[KZ_STORED_ID], n) == 0);
}

/* The body offset of the id table, from the trailer. */
static size_t ids_offset_of(const uint8_t *body, size_t size) {
  return (size_t)kz_load_u64le(body + size - KZ_STORE_TRAILER_BYTES + 16);
}

static uint8_t *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *p = malloc((size_t)size + 1);
  *n = fread(p, 1, (size_t)size, f);
  fclose(f);
  return p;
}

static int spill(const char *path, const uint8_t *p, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  size_t w = fwrite(p, 1, n, f);
  return fclose(f) == 0 && w == n ? 0 : -1;
}

/* A modest store of several blocks for the fault tests. */
static tdoc *fault_docs(size_t n) {
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, 0x5eed5eedULL);
  tdoc *docs = calloc(n, sizeof *docs);
  for (size_t i = 0; i < n; i++) {
    random_field(&r, &docs[i], KZ_STORED_ID, 20);
    random_field(&r, &docs[i], KZ_STORED_TITLE, 40);
    random_field(&r, &docs[i], KZ_STORED_BODY, 700);
    random_field(&r, &docs[i], KZ_STORED_DATE, 10);
    random_field(&r, &docs[i], KZ_STORED_URL, 30);
  }
  return docs;
}

/*
 * Opens a (possibly damaged) body, checks every id, and reads a sample
 * covering every block the undamaged store has, plus a few random
 * documents. Once open succeeds every id must be the original; every read
 * must fail with KZ_ERR_CORRUPT or return the original. @return the number
 * of failures seen (open counts as one), or -1 on a wrong result.
 */
static int probe_body(const uint8_t *body, size_t size, const tdoc *docs, uint32_t n,
                      const uint32_t *firsts, uint32_t n_firsts, kz_test_rng *r) {
  kz_docstore s;
  int rc = kz_docstore_open(&s, body, size, n);
  if (rc) return rc == KZ_ERR_CORRUPT ? 1 : -1;
  int failures = 0, wrong = 0;
  /* Open validated and checksummed the whole id table: every id is the original. */
  for (uint32_t doc = 0; doc < n; doc++)
    if (!same_id(&s, doc, &docs[doc])) wrong = 1;
  kz_stored_doc d = KZ_STORED_DOC_INIT;
  for (uint32_t k = 0; k < 2 * n_firsts + 3; k++) {
    uint32_t doc;
    if (k < n_firsts)
      doc = firsts[k];
    else if (k < 2 * n_firsts)
      doc = (k + 1 - n_firsts < n_firsts ? firsts[k + 1 - n_firsts] : n) - 1; /* a block's last */
    else
      doc = (uint32_t)kz_test_rand_below(r, n);
    rc = kz_docstore_get(&s, doc, &d);
    if (rc == KZ_ERR_CORRUPT) {
      failures++;
      if (d.field[0] || d.len[0]) wrong = 1; /* a failed get leaves no stale fields */
    } else if (rc != KZ_OK || !same_doc(&d, &docs[doc])) {
      wrong = 1;
    }
  }
  kz_stored_doc_free(&d);
  return wrong ? -1 : failures;
}

static void block_firsts(const uint8_t *body, size_t size, uint32_t *firsts, uint32_t *n_blocks) {
  kz_docstore s;
  *n_blocks = 0;
  if (kz_docstore_open(&s, body, size, kz_load_u32le(body + size - KZ_STORE_TRAILER_BYTES)))
    return;
  for (uint32_t b = 0; b < s.n_blocks; b++)
    firsts[b] = kz_load_u32le(s.index + (size_t)b * KZ_STORE_INDEX_ENTRY_BYTES);
  *n_blocks = s.n_blocks;
}

/* ------------------------------------------------------------------------ */
/* Round trips                                                              */
/* ------------------------------------------------------------------------ */

static void test_docstore__round_trip_random_documents(void) {
  enum { N = 5000, BIG = 2500 };
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, 0x9e3779b97f4a7c15ULL);
  tdoc *docs = calloc(N, sizeof *docs);
  for (size_t i = 0; i < N; i++) random_doc(&r, &docs[i]);
  /* One 1 MB binary body and one document with every field NULL. */
  free(docs[BIG].f[KZ_STORED_BODY]);
  docs[BIG].len[KZ_STORED_BODY] = 1u << 20;
  docs[BIG].f[KZ_STORED_BODY] = random_bytes(&r, 1u << 20, 1);
  for (int j = 0; j < KZ_STORED_FIELDS; j++) {
    free(docs[7].f[j]);
    docs[7].f[j] = NULL;
    docs[7].len[j] = 99;
  }

  tmpdir t;
  CHECK(tmpdir_make(&t) == 0);
  uint64_t bytes = 0;
  CHECK_EQ_INT(write_store(t.path, docs, N, &bytes), KZ_OK);
  struct stat st;
  CHECK(stat(t.path, &st) == 0);
  CHECK_EQ_INT(bytes, st.st_size);

  kz_mapped_file f;
  CHECK_EQ_INT(kz_file_map(&f, t.path, KZ_MAGIC_STORE, NULL, 0), KZ_OK);
  CHECK_EQ_INT(kz_file_verify_checksum(&f), KZ_OK);
  kz_docstore s;
  CHECK_EQ_INT(kz_docstore_open(&s, f.body, f.body_size, N + 1), KZ_ERR_CORRUPT);
  CHECK_EQ_INT(kz_docstore_open(&s, f.body, f.body_size, N - 1), KZ_ERR_CORRUPT);
  CHECK_EQ_INT(kz_docstore_open(&s, f.body, f.body_size, N), KZ_OK);
  CHECK_EQ_INT(s.n_docs, N);
  CHECK(s.n_blocks > 10);

  /* Block shape: multi-document blocks stay within the block size; the big document is alone. */
  for (uint32_t b = 0; b < s.n_blocks; b++) {
    const uint8_t *e = s.index + (size_t)b * KZ_STORE_INDEX_ENTRY_BYTES;
    uint32_t first = kz_load_u32le(e), raw = kz_load_u32le(e + 16);
    uint32_t next = b + 1 < s.n_blocks ? kz_load_u32le(e + KZ_STORE_INDEX_ENTRY_BYTES) : N;
    if (next - first > 1) CHECK(raw <= KZ_STORE_BLOCK_BYTES);
    if (first <= BIG && BIG < next) CHECK_EQ_INT(next - first, 1);
  }

  kz_stored_doc d = KZ_STORED_DOC_INIT;
  for (uint32_t i = 0; i < N; i++) {
    CHECK_EQ_INT(kz_docstore_get(&s, i, &d), KZ_OK);
    if (!same_doc(&d, &docs[i])) fprintf(stderr, "doc %u differs\n", i);
    CHECK(same_doc(&d, &docs[i]));
    CHECK(same_id(&s, i, &docs[i]));
  }
  /* The id points into the mapped file itself, inside the id table. */
  const char *id = NULL;
  size_t id_len = 0;
  CHECK_EQ_INT(kz_docstore_get_id(&s, 0, &id, &id_len), KZ_OK);
  CHECK((const uint8_t *)id >= f.body + ids_offset_of(f.body, f.body_size) &&
        (const uint8_t *)id + id_len <= f.body + f.body_size - KZ_STORE_TRAILER_BYTES);
  /* Random order reuses the buffers across blocks of every size. */
  for (int k = 0; k < 3000; k++) {
    uint32_t i = (uint32_t)kz_test_rand_below(&r, N);
    CHECK_EQ_INT(kz_docstore_get(&s, i, &d), KZ_OK);
    CHECK(same_doc(&d, &docs[i]));
  }
  CHECK_EQ_INT(kz_docstore_get(&s, 7, &d), KZ_OK);
  for (int j = 0; j < KZ_STORED_FIELDS; j++) {
    CHECK_EQ_INT(d.len[j], 0);
    CHECK_EQ_STR(d.field[j], "");
  }
  /* Out of range: an error that clears the fields, and the handle stays usable. */
  CHECK_EQ_INT(kz_docstore_get(&s, N, &d), KZ_ERR_CORRUPT);
  CHECK_EQ_INT(kz_docstore_get(&s, UINT32_MAX, &d), KZ_ERR_CORRUPT);
  for (int j = 0; j < KZ_STORED_FIELDS; j++) CHECK(d.field[j] == NULL && d.len[j] == 0);
  id = "untouched";
  id_len = 9;
  CHECK_EQ_INT(kz_docstore_get_id(&s, N, &id, &id_len), KZ_ERR_CORRUPT);
  CHECK_EQ_INT(kz_docstore_get_id(&s, UINT32_MAX, &id, &id_len), KZ_ERR_CORRUPT);
  CHECK(strcmp(id, "untouched") == 0 && id_len == 9);
  CHECK_EQ_INT(kz_docstore_get(&s, BIG, &d), KZ_OK);
  CHECK(same_doc(&d, &docs[BIG]));

  kz_stored_doc_free(&d);
  kz_stored_doc_free(&d); /* freeing twice is harmless: free resets */
  kz_file_unmap(&f);
  tmpdir_remove(&t);
  free_docs(docs, N);
}

static void test_docstore__binary_bytes_and_embedded_nul(void) {
  char bin[256];
  for (int i = 0; i < 256; i++) bin[i] = (char)i;
  kz_document doc = {sizeof(kz_document), "a\0b", 3, bin, 256, "\0", 1, NULL, 5, "", 0};
  tmpdir t;
  CHECK(tmpdir_make(&t) == 0);
  kz_docstore_writer *w;
  CHECK_EQ_INT(kz_docstore_writer_open(&w, t.path), KZ_OK);
  CHECK_EQ_INT(kz_docstore_writer_add(w, &doc), KZ_OK);
  CHECK_EQ_INT(kz_docstore_writer_finish(w, NULL), KZ_OK);
  kz_mapped_file f;
  CHECK_EQ_INT(kz_file_map(&f, t.path, KZ_MAGIC_STORE, NULL, 0), KZ_OK);
  kz_docstore s;
  CHECK_EQ_INT(kz_docstore_open(&s, f.body, f.body_size, 1), KZ_OK);
  kz_stored_doc d = KZ_STORED_DOC_INIT;
  CHECK_EQ_INT(kz_docstore_get(&s, 0, &d), KZ_OK);
  CHECK_EQ_INT(d.len[KZ_STORED_ID], 3);
  CHECK(memcmp(d.field[KZ_STORED_ID], "a\0b\0", 4) == 0);
  CHECK_EQ_INT(d.len[KZ_STORED_TITLE], 256);
  CHECK(memcmp(d.field[KZ_STORED_TITLE], bin, 256) == 0);
  CHECK_EQ_INT(d.len[KZ_STORED_BODY], 1);
  CHECK_EQ_INT(d.len[KZ_STORED_DATE], 0);
  CHECK_EQ_STR(d.field[KZ_STORED_DATE], "");
  CHECK_EQ_INT(d.len[KZ_STORED_URL], 0);
  const char *id;
  size_t id_len;
  CHECK_EQ_INT(kz_docstore_get_id(&s, 0, &id, &id_len), KZ_OK);
  CHECK_EQ_INT(id_len, 3);
  CHECK(memcmp(id, "a\0b", 3) == 0);
  kz_stored_doc_free(&d);
  kz_file_unmap(&f);
  tmpdir_remove(&t);
}

static void test_docstore__zero_documents(void) {
  tmpdir t;
  CHECK(tmpdir_make(&t) == 0);
  uint64_t bytes = 0;
  CHECK_EQ_INT(write_store(t.path, NULL, 0, &bytes), KZ_OK);
  /* The id table of an empty store is id_end[0] alone. */
  CHECK_EQ_INT(bytes, KZ_FILE_HEADER_BYTES + 4 + KZ_STORE_TRAILER_BYTES + KZ_FILE_FOOTER_BYTES);
  kz_mapped_file f;
  CHECK_EQ_INT(kz_file_map(&f, t.path, KZ_MAGIC_STORE, NULL, 0), KZ_OK);
  kz_docstore s;
  CHECK_EQ_INT(kz_docstore_open(&s, f.body, f.body_size, 1), KZ_ERR_CORRUPT);
  CHECK_EQ_INT(kz_docstore_open(&s, f.body, f.body_size, 0), KZ_OK);
  CHECK_EQ_INT(s.n_blocks, 0);
  kz_stored_doc d = KZ_STORED_DOC_INIT;
  CHECK_EQ_INT(kz_docstore_get(&s, 0, &d), KZ_ERR_CORRUPT);
  const char *id;
  size_t id_len;
  CHECK_EQ_INT(kz_docstore_get_id(&s, 0, &id, &id_len), KZ_ERR_CORRUPT);
  kz_stored_doc_free(&d);
  kz_file_unmap(&f);
  tmpdir_remove(&t);
}

/* The largest allowed document round-trips in a block of its own; one byte more is refused. */
static void test_docstore__document_size_limit(void) {
  char *big = calloc(1, (size_t)KZ_MAX_DOC_BYTES + 1);
  CHECK(big != NULL);
  for (size_t i = 0; i < KZ_MAX_DOC_BYTES; i += 4096) big[i] = (char)(i >> 12);
  tmpdir t;
  CHECK(tmpdir_make(&t) == 0);
  kz_docstore_writer *w;
  CHECK_EQ_INT(kz_docstore_writer_open(&w, t.path), KZ_OK);
  kz_document small = {sizeof(kz_document), "s", 1, "t", 1, "b", 1, NULL, 0, NULL, 0};
  kz_document over = {sizeof(kz_document), "x", 1, NULL, 0, big, KZ_MAX_DOC_BYTES, NULL, 0, NULL, 0};
  kz_document huge_len = {sizeof(kz_document), "x", 1, NULL, 0, big, SIZE_MAX, NULL, 0, NULL, 0};
  kz_document max = {sizeof(kz_document), "x", 1, NULL, 0, big, KZ_MAX_DOC_BYTES - 1, NULL, 0, NULL, 0};
  memset(big + KZ_MAX_DOC_BYTES - KZ_MAX_ID_BYTES - 1, 'i', KZ_MAX_ID_BYTES + 1);
  const char *long_id = big + KZ_MAX_DOC_BYTES - KZ_MAX_ID_BYTES - 1;
  kz_document id_over = {sizeof(kz_document), long_id, KZ_MAX_ID_BYTES + 1, "t", 1, NULL, 0, NULL, 0, NULL, 0};
  kz_document id_max = {sizeof(kz_document), long_id, KZ_MAX_ID_BYTES, "t", 1, NULL, 0, NULL, 0, NULL, 0};
  CHECK_EQ_INT(kz_docstore_writer_add(w, &small), KZ_OK);
  CHECK_EQ_INT(kz_docstore_writer_add(w, &over), KZ_ERR_LIMIT);     /* 1 + max bytes */
  CHECK_EQ_INT(kz_docstore_writer_add(w, &huge_len), KZ_ERR_LIMIT); /* no overflow */
  CHECK_EQ_INT(kz_docstore_writer_add(w, &id_over), KZ_ERR_LIMIT);  /* id 1 + max bytes */
  CHECK_EQ_INT(kz_docstore_writer_add(w, &max), KZ_OK);             /* not sticky */
  CHECK_EQ_INT(kz_docstore_writer_add(w, &small), KZ_OK);
  CHECK_EQ_INT(kz_docstore_writer_add(w, &id_max), KZ_OK);
  CHECK(kz_docstore_writer_memory(w) < 8u * KZ_STORE_BLOCK_BYTES); /* big buffers released */
  CHECK_EQ_INT(kz_docstore_writer_finish(w, NULL), KZ_OK);

  kz_mapped_file f;
  CHECK_EQ_INT(kz_file_map(&f, t.path, KZ_MAGIC_STORE, NULL, 0), KZ_OK);
  kz_docstore s;
  CHECK_EQ_INT(kz_docstore_open(&s, f.body, f.body_size, 4), KZ_OK);
  CHECK_EQ_INT(s.n_blocks, 3);
  kz_stored_doc d = KZ_STORED_DOC_INIT;
  CHECK_EQ_INT(kz_docstore_get(&s, 1, &d), KZ_OK);
  CHECK_EQ_INT(d.len[KZ_STORED_BODY], KZ_MAX_DOC_BYTES - 1);
  CHECK(memcmp(d.field[KZ_STORED_BODY], big, KZ_MAX_DOC_BYTES - 1) == 0);
  CHECK_EQ_INT(kz_docstore_get(&s, 2, &d), KZ_OK);
  CHECK_EQ_STR(d.field[KZ_STORED_BODY], "b");
  CHECK_EQ_INT(kz_docstore_get(&s, 3, &d), KZ_OK);
  CHECK_EQ_INT(d.len[KZ_STORED_ID], KZ_MAX_ID_BYTES);
  CHECK(memcmp(d.field[KZ_STORED_ID], long_id, KZ_MAX_ID_BYTES) == 0);
  const char *id;
  size_t id_len;
  CHECK_EQ_INT(kz_docstore_get_id(&s, 3, &id, &id_len), KZ_OK);
  CHECK_EQ_INT(id_len, KZ_MAX_ID_BYTES);
  CHECK(memcmp(id, long_id, KZ_MAX_ID_BYTES) == 0);
  kz_stored_doc_free(&d);
  kz_file_unmap(&f);
  tmpdir_remove(&t);
  free(big);
}

/* ------------------------------------------------------------------------ */
/* Writer                                                                   */
/* ------------------------------------------------------------------------ */

static void test_docstore__abort_removes_file(void) {
  tmpdir t;
  CHECK(tmpdir_make(&t) == 0);
  kz_docstore_writer *w;
  CHECK_EQ_INT(kz_docstore_writer_open(&w, t.path), KZ_OK);
  kz_document doc = {sizeof(kz_document), "id", 2, "title", 5, "body", 4, NULL, 0, NULL, 0};
  for (int i = 0; i < 20000; i++) CHECK_EQ_INT(kz_docstore_writer_add(w, &doc), KZ_OK);
  CHECK(access(t.path, F_OK) == 0);
  kz_docstore_writer_abort(w);
  CHECK(access(t.path, F_OK) != 0);
  kz_docstore_writer_abort(NULL);
  tmpdir_remove(&t);
}

static void test_docstore__open_fails_without_directory(void) {
  kz_docstore_writer *w = NULL;
  CHECK_EQ_INT(kz_docstore_writer_open(&w, "/nonexistent-kz-dir/store"), KZ_ERR_IO);
  CHECK(w == NULL);
}

/* Memory is one block plus the index plus the ids, however large the documents. */
static void test_docstore__memory_stays_one_block(void) {
  tmpdir t;
  CHECK(tmpdir_make(&t) == 0);
  kz_docstore_writer *w;
  CHECK_EQ_INT(kz_docstore_writer_open(&w, t.path), KZ_OK);
  size_t start = kz_docstore_writer_memory(w);
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, 42);
  char *body = random_bytes(&r, 3000, 0);
  size_t peak = 0;
  for (int i = 0; i < 20000; i++) {
    kz_document doc = {sizeof(kz_document), "id", 2, NULL, 0, body, kz_test_rand_below(&r, 3000), NULL, 0, NULL, 0};
    CHECK_EQ_INT(kz_docstore_writer_add(w, &doc), KZ_OK);
    size_t m = kz_docstore_writer_memory(w);
    if (m > peak) peak = m;
  }
  /* ~30 MB of documents: raw block + frame + index (~1000 entries) + ids (2 + 4 bytes
   * per document), with doubling slack. */
  CHECK(peak - start < 4u * KZ_STORE_BLOCK_BYTES + 2u * 1000u * KZ_STORE_INDEX_ENTRY_BYTES * 2u +
                           2u * 20000u * (2u + 4u));
  CHECK_EQ_INT(kz_docstore_writer_finish(w, NULL), KZ_OK);
  free(body);
  tmpdir_remove(&t);
}

/* The ids wait in memory until finish, so the indexing budget must see them. */
static void test_docstore__memory_counts_ids(void) {
  tmpdir t;
  CHECK(tmpdir_make(&t) == 0);
  kz_docstore_writer *w;
  CHECK_EQ_INT(kz_docstore_writer_open(&w, t.path), KZ_OK);
  size_t start = kz_docstore_writer_memory(w);
  char id[200];
  memset(id, 'k', sizeof id);
  enum { N = 5000 };
  for (int i = 0; i < N; i++) {
    kz_document doc = {sizeof(kz_document), id, sizeof id, "t", 1, NULL, 0, NULL, 0, NULL, 0};
    CHECK_EQ_INT(kz_docstore_writer_add(w, &doc), KZ_OK);
  }
  CHECK(kz_docstore_writer_memory(w) - start >= (size_t)N * (sizeof id + 4));
  CHECK_EQ_INT(kz_docstore_writer_finish(w, NULL), KZ_OK);
  tmpdir_remove(&t);
}

/* ------------------------------------------------------------------------ */
/* Faults                                                                   */
/* ------------------------------------------------------------------------ */

static void test_docstore__truncated_file_and_body(void) {
  enum { N = 300 };
  tdoc *docs = fault_docs(N);
  tmpdir t;
  CHECK(tmpdir_make(&t) == 0);
  CHECK_EQ_INT(write_store(t.path, docs, N, NULL), KZ_OK);
  size_t size = 0;
  uint8_t *file = slurp(t.path, &size);
  CHECK(file != NULL);
  const uint8_t *body = file + KZ_FILE_HEADER_BYTES;
  size_t body_size = size - KZ_FILE_HEADER_BYTES - KZ_FILE_FOOTER_BYTES;
  uint32_t firsts[64], n_blocks;
  block_firsts(body, body_size, firsts, &n_blocks);
  CHECK(n_blocks >= 3);
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, 7);

  /* Truncated files lose their footer: mapping refuses them, or the store does. */
  for (size_t k = 0; k < 400; k++) {
    size_t cut = k < 200 ? size - 1 - k : kz_test_rand_below(&r, size);
    CHECK(spill(t.copy, file, cut) == 0);
    kz_mapped_file f;
    int rc = kz_file_map(&f, t.copy, KZ_MAGIC_STORE, NULL, 0);
    if (rc == KZ_OK) {
      CHECK(probe_body(f.body, f.body_size, docs, N, firsts, n_blocks, &r) > 0);
      kz_file_unmap(&f);
    } else {
      CHECK_EQ_INT(rc, KZ_ERR_CORRUPT);
    }
  }
  /* Every shorter body, placed at the end of its allocation so ASan sees any overread. */
  uint8_t *copy = malloc(body_size);
  for (size_t cut = 0; cut < body_size; cut++) {
    uint8_t *at = copy + body_size - cut;
    memcpy(at, body, cut);
    kz_docstore s;
    CHECK_EQ_INT(kz_docstore_open(&s, at, cut, N), KZ_ERR_CORRUPT);
    /* Also the body with its head cut off (the trailer intact). */
    memcpy(at, body + body_size - cut, cut);
    CHECK(probe_body(at, cut, docs, N, firsts, n_blocks, &r) > 0);
  }
  free(copy);
  free(file);
  tmpdir_remove(&t);
  free_docs(docs, N);
}

/*
 * A flipped or overwritten byte anywhere in the file: mapping, opening or
 * the lookups of the damaged block must notice (every body byte is covered
 * by a check), and no lookup may return wrong data.
 */
static void test_docstore__damaged_bytes_detected(void) {
  enum { N = 300 };
  tdoc *docs = fault_docs(N);
  tmpdir t;
  CHECK(tmpdir_make(&t) == 0);
  CHECK_EQ_INT(write_store(t.path, docs, N, NULL), KZ_OK);
  size_t size = 0;
  uint8_t *file = slurp(t.path, &size);
  CHECK(file != NULL);
  size_t body_size = size - KZ_FILE_HEADER_BYTES - KZ_FILE_FOOTER_BYTES;
  uint32_t firsts[64], n_blocks;
  block_firsts(file + KZ_FILE_HEADER_BYTES, body_size, firsts, &n_blocks);
  CHECK(n_blocks >= 3);
  uint8_t *copy = malloc(size);
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, 0xdeadbeefULL);
  /* Every byte of the index, trailer and footer (packed fields) once; the id table has
   * its own exhaustive test (id_table_damage_fails_open), done in memory. */
  size_t dense_start = KZ_FILE_HEADER_BYTES + body_size - KZ_STORE_TRAILER_BYTES -
                       n_blocks * KZ_STORE_INDEX_ENTRY_BYTES;
  int dense = (int)(size - dense_start);

  for (int trial = 0; trial < dense + 1700; trial++) {
    memcpy(copy, file, size);
    size_t pos;
    if (trial < dense)
      pos = dense_start + (size_t)trial;
    else
      pos = kz_test_rand_below(&r, size);
    size_t run = trial % 3 == 2 ? 1 + kz_test_rand_below(&r, 16) : 1;
    if (pos + run > size) run = size - pos;
    for (size_t i = 0; i < run; i++) {
      uint8_t x = (uint8_t)(trial % 3 == 0 ? 1u << kz_test_rand_below(&r, 8)
                                           : 1 + kz_test_rand_below(&r, 255));
      copy[pos + i] ^= x;
    }
    CHECK(spill(t.copy, copy, size) == 0);
    kz_mapped_file f;
    int rc = kz_file_map(&f, t.copy, KZ_MAGIC_STORE, NULL, 0);
    if (rc != KZ_OK) {
      CHECK(rc == KZ_ERR_CORRUPT || rc == KZ_ERR_VERSION);
      continue;
    }
    CHECK_EQ_INT(kz_file_verify_checksum(&f), KZ_ERR_CORRUPT);
    int failures = probe_body(f.body, f.body_size, docs, N, firsts, n_blocks, &r);
    kz_file_unmap(&f);
    if (failures < 0) fprintf(stderr, "trial %d pos %zu: wrong data\n", trial, pos);
    CHECK(failures >= 0);
    int in_body = pos + run > KZ_FILE_HEADER_BYTES && pos < KZ_FILE_HEADER_BYTES + body_size;
    if (in_body && failures == 0) fprintf(stderr, "trial %d pos %zu: unnoticed\n", trial, pos);
    if (in_body) CHECK(failures > 0);
  }
  free(copy);
  free(file);
  tmpdir_remove(&t);
  free_docs(docs, N);
}

/*
 * Builds a body from raw blocks; `firsts` gives each block's first_doc.
 * Document d's id is "d<d>" in the id table.
 */
typedef struct crafted {
  kz_buf body;
  size_t ids_at, index_at;
  uint32_t n_docs;
} crafted;

static int craft(crafted *c, const char *const *raws, const size_t *raw_lens,
                 const uint32_t *firsts, uint32_t n_blocks, uint32_t n_docs) {
  kz_buf index = KZ_BUF_INIT, ids = KZ_BUF_INIT;
  c->body = (kz_buf)KZ_BUF_INIT;
  c->n_docs = n_docs;
  for (uint32_t b = 0; b < n_blocks; b++) {
    size_t at = c->body.len;
    if (kz_zstd_compress(&c->body, raws[b], raw_lens[b], 3)) return -1;
    size_t comp = c->body.len - at;
    kz_buf_put_u32le(&index, firsts[b]);
    kz_buf_put_u64le(&index, at);
    kz_buf_put_u32le(&index, (uint32_t)comp);
    kz_buf_put_u32le(&index, (uint32_t)raw_lens[b]);
    kz_buf_put_u32le(&index, (uint32_t)kz_checksum(c->body.data + at, comp));
  }
  c->ids_at = c->body.len;
  kz_buf_put_u32le(&c->body, 0);
  for (uint32_t d = 0; d < n_docs; d++) {
    char id[16];
    int n = snprintf(id, sizeof id, "d%u", d);
    kz_buf_append(&ids, id, (size_t)n);
    kz_buf_put_u32le(&c->body, (uint32_t)ids.len);
  }
  kz_buf_append(&c->body, ids.data, ids.len);
  c->index_at = c->body.len;
  kz_buf_append(&c->body, index.data, index.len);
  kz_buf_put_u32le(&c->body, n_docs);
  kz_buf_put_u32le(&c->body, n_blocks);
  kz_buf_put_u64le(&c->body, c->index_at);
  kz_buf_put_u64le(&c->body, c->ids_at);
  kz_buf_put_u32le(&c->body, (uint32_t)kz_checksum(c->body.data + c->ids_at,
                                                    c->index_at - c->ids_at));
  kz_buf_free(&index);
  kz_buf_free(&ids);
  return 0;
}

/* Recomputes the id table checksum, so that a change to the table meets its own rules. */
static void reseal(crafted *c) {
  kz_store_u32le(c->body.data + c->body.len - KZ_STORE_TRAILER_BYTES + 24,
                 (uint32_t)kz_checksum(c->body.data + c->ids_at, c->index_at - c->ids_at));
}

static int crafted_open(crafted *c, uint32_t n_docs) {
  kz_docstore s;
  return kz_docstore_open(&s, c->body.data, c->body.len, n_docs);
}

/* Reads doc `doc` whole and checks that its id (from both lookups) is "d<doc>". */
static int crafted_get(crafted *c, uint32_t n_docs, uint32_t doc) {
  kz_docstore s;
  int rc = kz_docstore_open(&s, c->body.data, c->body.len, n_docs);
  if (rc) return 100 + rc;
  char want[16];
  int n = snprintf(want, sizeof want, "d%u", doc);
  const char *id;
  size_t id_len;
  if (kz_docstore_get_id(&s, doc, &id, &id_len) != KZ_OK || id_len != (size_t)n ||
      memcmp(id, want, id_len) != 0)
    return 200;
  kz_stored_doc d = KZ_STORED_DOC_INIT;
  rc = kz_docstore_get(&s, doc, &d);
  if (rc == KZ_OK && (d.len[KZ_STORED_ID] != (size_t)n || strcmp(d.field[KZ_STORED_ID], want)))
    rc = 201;
  kz_stored_doc_free(&d);
  return rc;
}

/* Each rule of the block index and trailer, broken alone in an otherwise valid body. */
static void test_docstore__index_rules_enforced(void) {
  /* Three blocks: docs {0,1}, {2}, {3,4}; records are title, body, date, url. */
  const char *raws[3] = {"\1a\0\0\0" "\1b\0\0\0", "\0\0\0\0", "\0\0\0\0" "\0\0\0\2xy"};
  size_t lens[3] = {10, 4, 10};
  uint32_t firsts[3] = {0, 2, 3};
  crafted c;
  CHECK(craft(&c, raws, lens, firsts, 3, 5) == 0);
  CHECK_EQ_INT(crafted_open(&c, 5), KZ_OK);
  for (uint32_t doc = 0; doc < 5; doc++) CHECK_EQ_INT(crafted_get(&c, 5, doc), KZ_OK);
  uint8_t *idx = c.body.data + c.index_at;
  uint8_t *trailer = c.body.data + c.body.len - KZ_STORE_TRAILER_BYTES;
  uint8_t save[KZ_STORE_INDEX_ENTRY_BYTES * 3 + KZ_STORE_TRAILER_BYTES];
  CHECK_EQ_INT(c.body.len - c.index_at, sizeof save);
  memcpy(save, idx, sizeof save);
#define BREAK(stmt)                             \
  do {                                          \
    stmt;                                       \
    CHECK_EQ_INT(crafted_open(&c, 5), KZ_ERR_CORRUPT); \
    memcpy(idx, save, sizeof save);             \
  } while (0)
  BREAK(kz_store_u32le(idx, 1));                                /* first block not at doc 0 */
  BREAK(kz_store_u32le(idx + 24, 0));                           /* first_doc not increasing */
  BREAK(kz_store_u32le(idx + 48, 2));                           /* ... equal */
  BREAK(kz_store_u32le(idx + 48, 5));                           /* first_doc >= n_docs */
  BREAK(kz_store_u64le(idx + 28, kz_load_u64le(idx + 28) + 1)); /* gap between blocks */
  BREAK(kz_store_u64le(idx + 28, kz_load_u64le(idx + 28) - 1)); /* overlap */
  BREAK(kz_store_u64le(idx + 4, UINT64_MAX));                   /* offset far out */
  BREAK(kz_store_u32le(idx + 12, 0));                           /* empty frame */
  BREAK(kz_store_u32le(idx + 60, kz_load_u32le(idx + 60) + 1)); /* last block into the ids */
  BREAK(kz_store_u32le(idx + 60, kz_load_u32le(idx + 60) - 1)); /* gap before the ids */
  BREAK(kz_store_u32le(idx + 16, KZ_STORE_MAX_RAW_BLOCK_BYTES + 1)); /* raw above the limit */
  BREAK(kz_store_u32le(idx + 16, 7));                           /* raw too small for 2 records */
  BREAK(kz_store_u32le(trailer, 4));                            /* n_docs differs */
  BREAK(kz_store_u32le(trailer + 4, 2));                        /* n_blocks differs */
  BREAK(kz_store_u32le(trailer + 4, UINT32_MAX));               /* n_blocks absurd */
  BREAK(kz_store_u64le(trailer + 8, c.index_at - 1));           /* index_offset off */
  BREAK(kz_store_u64le(trailer + 8, UINT64_MAX));
  BREAK(kz_store_u64le(trailer + 16, c.ids_at + 1));            /* ids_offset off */
  BREAK(kz_store_u64le(trailer + 16, c.ids_at - 1));
  BREAK(kz_store_u64le(trailer + 16, c.index_at + 1));          /* past the index */
  BREAK(kz_store_u64le(trailer + 16, UINT64_MAX));
  BREAK(trailer[24] ^= 1);                                      /* ids_checksum */
#undef BREAK
  CHECK_EQ_INT(crafted_open(&c, 5), KZ_OK);
  /* A body shorter than the trailer; an empty store; one that claims a block or lacks id_end[0]. */
  kz_docstore s;
  CHECK_EQ_INT(kz_docstore_open(&s, c.body.data, KZ_STORE_TRAILER_BYTES - 1, 5), KZ_ERR_CORRUPT);
  crafted e;
  CHECK(craft(&e, NULL, NULL, NULL, 0, 0) == 0);
  CHECK_EQ_INT(e.body.len, 4 + KZ_STORE_TRAILER_BYTES);
  CHECK_EQ_INT(crafted_open(&e, 0), KZ_OK);
  kz_store_u32le(e.body.data + e.body.len - KZ_STORE_TRAILER_BYTES + 4, 1);
  CHECK_EQ_INT(crafted_open(&e, 0), KZ_ERR_CORRUPT);
  kz_buf_free(&e.body);
  uint8_t empty[KZ_STORE_TRAILER_BYTES] = {0};
  CHECK_EQ_INT(kz_docstore_open(&s, empty, sizeof empty, 0), KZ_ERR_CORRUPT);
  kz_buf_free(&c.body);
}

/*
 * Each rule of the id table, broken alone with the checksum recomputed, so
 * the offset checks are tested on their own and not only through the checksum.
 */
static void test_docstore__id_table_rules_enforced(void) {
  enum { N = 12 };
  char raw[N * 4];
  memset(raw, 0, sizeof raw);
  const char *raws[1] = {raw};
  size_t lens[1] = {sizeof raw};
  uint32_t firsts[1] = {0};
  crafted c;
  CHECK(craft(&c, raws, lens, firsts, 1, N) == 0);
  for (uint32_t doc = 0; doc < N; doc++) CHECK_EQ_INT(crafted_get(&c, N, doc), KZ_OK);
  uint8_t *ends = c.body.data + c.ids_at; /* id_end[0 .. N] */
  uint8_t *save = malloc(c.body.len);
  memcpy(save, c.body.data, c.body.len);
#define BREAK(stmt)                                                   \
  do {                                                                \
    stmt;                                                             \
    reseal(&c);                                                       \
    CHECK_EQ_INT(crafted_open(&c, N), KZ_ERR_CORRUPT);                \
    memcpy(c.body.data, save, c.body.len);                            \
  } while (0)
  BREAK(kz_store_u32le(ends, 1));                          /* id_end[0] != 0 */
  BREAK(kz_store_u32le(ends + 4 * 5, kz_load_u32le(ends + 4 * 3))); /* decreasing */
  BREAK(kz_store_u32le(ends + 4 * 5, UINT32_MAX));         /* far out: an id too long */
  BREAK(kz_store_u32le(ends + 4 * N, kz_load_u32le(ends + 4 * N) - 1)); /* last short of the end */
  BREAK(kz_store_u32le(ends + 4 * N, kz_load_u32le(ends + 4 * N) + 1)); /* last past the end */
  BREAK(kz_store_u32le(ends + 4 * N, UINT32_MAX));
  BREAK(kz_store_u32le(ends + 4 * (N - 1), 0));            /* drops back to 0 */
#undef BREAK
  reseal(&c);
  CHECK_EQ_INT(crafted_open(&c, N), KZ_OK); /* resealing the original changes nothing */
  /* A changed id byte keeps the offsets consistent; only the checksum sees it. */
  uint8_t *id_bytes = ends + 4 * (N + 1);
  id_bytes[0] ^= 0x20;
  CHECK_EQ_INT(crafted_open(&c, N), KZ_ERR_CORRUPT);
  reseal(&c);
  CHECK_EQ_INT(crafted_open(&c, N), KZ_OK); /* resealed: the rules accept another id */
  memcpy(c.body.data, save, c.body.len);
  free(save);
  kz_buf_free(&c.body);

  /* An id longer than KZ_MAX_ID_BYTES: ids "d0" then one of KZ_MAX_ID_BYTES + 1 bytes. */
  crafted big;
  const char *one_raw[1] = {"\0\0\0\0" "\0\0\0\0"};
  size_t one_len[1] = {8};
  CHECK(craft(&big, one_raw, one_len, firsts, 1, 2) == 0);
  /* Rebuild the table by hand: ends {0, 2, 2 + L}, bytes "d0" + L x 'z'. */
  for (uint32_t extra = KZ_MAX_ID_BYTES; extra <= KZ_MAX_ID_BYTES + 1; extra++) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_append(&b, big.body.data, big.ids_at); /* the block */
    kz_buf_put_u32le(&b, 0);
    kz_buf_put_u32le(&b, 2);
    kz_buf_put_u32le(&b, 2 + extra);
    kz_buf_append(&b, "d0", 2);
    for (uint32_t k = 0; k < extra; k++) kz_buf_put_u8(&b, 'z');
    size_t index_at = b.len;
    kz_buf_append(&b, big.body.data + big.index_at, KZ_STORE_INDEX_ENTRY_BYTES);
    kz_buf_put_u32le(&b, 2);
    kz_buf_put_u32le(&b, 1);
    kz_buf_put_u64le(&b, index_at);
    kz_buf_put_u64le(&b, big.ids_at);
    kz_buf_put_u32le(&b, (uint32_t)kz_checksum(b.data + big.ids_at, index_at - big.ids_at));
    kz_docstore s;
    int want = extra <= KZ_MAX_ID_BYTES ? KZ_OK : KZ_ERR_CORRUPT;
    CHECK_EQ_INT(kz_docstore_open(&s, b.data, b.len, 2), want);
    kz_buf_free(&b);
  }
  kz_buf_free(&big.body);
}

/* Blocks with a valid checksum and frame whose records are malformed: the walk refuses them. */
static void test_docstore__record_rules_enforced(void) {
  static const struct {
    const char *raw;
    size_t len;
    uint32_t docs;
    int rc;
  } cases[] = {
      {"\0\0\0\0", 4, 1, KZ_OK},
      {"\3abc\0\0\0", 7, 1, KZ_OK},
      {"\4abc\0\0\0", 7, 1, KZ_ERR_CORRUPT},                   /* field past the block */
      {"\0\0\0\x80", 4, 1, KZ_ERR_CORRUPT},                    /* varint cut by the end */
      {"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\1\0\0\0", 14, 1, KZ_ERR_CORRUPT}, /* overlong */
      {"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\0\0\0", 13, 1, KZ_ERR_CORRUPT}, /* 2^64-1 */
      {"\0\0\0\0\0", 5, 1, KZ_ERR_CORRUPT},                    /* a trailing byte */
      {"\0\0\0\0" "\0\0\0\0", 8, 1, KZ_ERR_CORRUPT},           /* one record too many */
      {"\5abcde\0\0\0", 9, 2, KZ_ERR_CORRUPT},                 /* one record too few */
      {"\0\0\0\0" "\0\0\0\0", 8, 2, KZ_OK},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    crafted c;
    uint32_t first = 0;
    CHECK(craft(&c, &cases[k].raw, &cases[k].len, &first, 1, cases[k].docs) == 0);
    for (uint32_t doc = 0; doc < cases[k].docs; doc++) {
      int rc = crafted_get(&c, cases[k].docs, doc);
      if (rc != cases[k].rc) fprintf(stderr, "case %zu doc %u: %d\n", k, doc, rc);
      CHECK_EQ_INT(rc, cases[k].rc);
    }
    kz_buf_free(&c.body);
  }
  /* The frame's declared size must agree with raw_len (the checksum covers only the frame). */
  const char *raw = "\0\0\0\0";
  size_t len = 4;
  uint32_t firsts[1] = {0};
  crafted c;
  CHECK(craft(&c, &raw, &len, firsts, 1, 1) == 0);
  CHECK_EQ_INT(crafted_get(&c, 1, 0), KZ_OK);
  kz_store_u32le(c.body.data + c.index_at + 16, 5);
  CHECK_EQ_INT(crafted_get(&c, 1, 0), KZ_ERR_CORRUPT); /* frame says 4, index says 5 */
  kz_buf_free(&c.body);
}

/* Damage confined to the id table of a real store: every flipped byte, and every cut, fails open. */
static void test_docstore__id_table_damage_fails_open(void) {
  enum { N = 300 };
  tdoc *docs = fault_docs(N);
  tmpdir t;
  CHECK(tmpdir_make(&t) == 0);
  CHECK_EQ_INT(write_store(t.path, docs, N, NULL), KZ_OK);
  size_t size = 0;
  uint8_t *file = slurp(t.path, &size);
  CHECK(file != NULL);
  const uint8_t *body = file + KZ_FILE_HEADER_BYTES;
  size_t body_size = size - KZ_FILE_HEADER_BYTES - KZ_FILE_FOOTER_BYTES;
  size_t ids_at = ids_offset_of(body, body_size);
  size_t index_at = (size_t)kz_load_u64le(body + body_size - KZ_STORE_TRAILER_BYTES + 8);
  CHECK(ids_at < index_at && index_at - ids_at > 4 * (N + 1));
  uint8_t *copy = malloc(body_size);
  kz_docstore s;
  memcpy(copy, body, body_size);
  CHECK_EQ_INT(kz_docstore_open(&s, copy, body_size, N), KZ_OK);

  /* Each byte of the offsets and of the id bytes, flipped in one bit and in all bits. */
  for (size_t pos = ids_at; pos < index_at; pos++) {
    for (int mode = 0; mode < 2; mode++) {
      memcpy(copy, body, body_size);
      copy[pos] ^= mode ? 0xff : (uint8_t)(1u << (pos % 8));
      int rc = kz_docstore_open(&s, copy, body_size, N);
      if (rc != KZ_ERR_CORRUPT) fprintf(stderr, "id table byte %zu mode %d: %d\n", pos, mode, rc);
      CHECK_EQ_INT(rc, KZ_ERR_CORRUPT);
    }
  }
  /* Two neighbouring offsets swapped (a local reorder). */
  memcpy(copy, body, body_size);
  uint8_t tmp[4];
  memcpy(tmp, copy + ids_at + 4 * 10, 4);
  memcpy(copy + ids_at + 4 * 10, copy + ids_at + 4 * 11, 4);
  memcpy(copy + ids_at + 4 * 11, tmp, 4);
  if (memcmp(copy, body, body_size) != 0) CHECK_EQ_INT(kz_docstore_open(&s, copy, body_size, N),
                                                       KZ_ERR_CORRUPT);
  /* Bytes cut out of the table (the rest moved up, trailer intact) or inserted into it. */
  for (size_t cut = 1; cut <= 9; cut++) {
    for (size_t at = ids_at; at + cut <= index_at; at += 97) {
      size_t n = body_size - cut;
      uint8_t *b = malloc(n);
      memcpy(b, body, at);
      memcpy(b + at, body + at + cut, body_size - at - cut);
      CHECK_EQ_INT(kz_docstore_open(&s, b, n, N), KZ_ERR_CORRUPT);
      free(b);
      n = body_size + cut;
      b = malloc(n);
      memcpy(b, body, at);
      memset(b + at, 0, cut);
      memcpy(b + at + cut, body + at, body_size - at);
      CHECK_EQ_INT(kz_docstore_open(&s, b, n, N), KZ_ERR_CORRUPT);
      free(b);
    }
  }
  free(copy);
  free(file);
  tmpdir_remove(&t);
  free_docs(docs, N);
}

/* Ids come from the id table alone: a store whose every block is destroyed still gives them. */
static void test_docstore__ids_read_without_blocks(void) {
  enum { N = 300 };
  tdoc *docs = fault_docs(N);
  tmpdir t;
  CHECK(tmpdir_make(&t) == 0);
  CHECK_EQ_INT(write_store(t.path, docs, N, NULL), KZ_OK);
  size_t size = 0;
  uint8_t *file = slurp(t.path, &size);
  CHECK(file != NULL);
  uint8_t *body = file + KZ_FILE_HEADER_BYTES;
  size_t body_size = size - KZ_FILE_HEADER_BYTES - KZ_FILE_FOOTER_BYTES;
  size_t ids_at = ids_offset_of(body, body_size);
  CHECK(ids_at > 0);
  memset(body, 0xa5, ids_at); /* every block: checked lazily, so open still succeeds */
  kz_docstore s;
  CHECK_EQ_INT(kz_docstore_open(&s, body, body_size, N), KZ_OK);
  CHECK(s.n_blocks >= 3);
  for (uint32_t doc = 0; doc < N; doc++) CHECK(same_id(&s, doc, &docs[doc]));
  kz_stored_doc d = KZ_STORED_DOC_INIT;
  CHECK_EQ_INT(kz_docstore_get(&s, 0, &d), KZ_ERR_CORRUPT);
  CHECK_EQ_INT(kz_docstore_get(&s, N - 1, &d), KZ_ERR_CORRUPT);
  kz_stored_doc_free(&d);
  free(file);
  tmpdir_remove(&t);
  free_docs(docs, N);
}

/* The writer's kept context gives the frames a context made for each one gives. */
static void test_docstore__kept_zstd_context_makes_the_same_frames(void) {
  kz_zstd_cctx *c = NULL;
  CHECK_EQ_INT(kz_zstd_cctx_new(&c), KZ_OK);
  uint64_t seed = 7;
  for (int frame = 0; frame < 20; frame++) {
    /* sizes from empty to past a block, text of a small alphabet so it compresses */
    size_t n = (size_t)frame * frame * 300;
    char *src = malloc(n ? n : 1);
    CHECK(src != NULL);
    for (size_t i = 0; i < n; i++) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      src[i] = (char)('a' + (seed >> 60));
    }
    kz_buf one = KZ_BUF_INIT, kept = KZ_BUF_INIT;
    CHECK_EQ_INT(kz_zstd_compress(&one, src, n, KZ_STORE_ZSTD_LEVEL), KZ_OK);
    CHECK_EQ_INT(kz_zstd_compress_cctx(c, &kept, src, n, KZ_STORE_ZSTD_LEVEL), KZ_OK);
    CHECK(one.len == kept.len && (one.len == 0 || memcmp(one.data, kept.data, one.len) == 0));
    kz_buf_free(&one);
    kz_buf_free(&kept);
    free(src);
  }
  kz_zstd_cctx_free(c);
  kz_zstd_cctx_free(NULL);
}

KZ_TEST_MAIN(KZ_TEST(test_docstore__round_trip_random_documents),
             KZ_TEST(test_docstore__kept_zstd_context_makes_the_same_frames),
             KZ_TEST(test_docstore__binary_bytes_and_embedded_nul),
             KZ_TEST(test_docstore__zero_documents),
             KZ_TEST(test_docstore__document_size_limit),
             KZ_TEST(test_docstore__abort_removes_file),
             KZ_TEST(test_docstore__open_fails_without_directory),
             KZ_TEST(test_docstore__memory_stays_one_block),
             KZ_TEST(test_docstore__memory_counts_ids),
             KZ_TEST(test_docstore__truncated_file_and_body),
             KZ_TEST(test_docstore__damaged_bytes_detected),
             KZ_TEST(test_docstore__id_table_damage_fails_open),
             KZ_TEST(test_docstore__ids_read_without_blocks),
             KZ_TEST(test_docstore__index_rules_enforced),
             KZ_TEST(test_docstore__id_table_rules_enforced),
             KZ_TEST(test_docstore__record_rules_enforced))
