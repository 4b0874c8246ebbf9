/*
 * fuzz_segment_files.c - every index file reader, reached through the public
 * API: kz_index_open, kz_search (with snippets), kz_count, kz_index_stats_get
 * and kz_index_check (full) on an index one of whose files holds fuzzed bytes.
 *
 * A small valid index (three segments, two with deletion files, a few
 * hundred documents, terms with multi-block postings) is built once per
 * process with kz_writer_* in a scratch directory (mkdtemp under $TMPDIR or
 * /tmp, removed at exit), and all its files are kept in memory. Each input restores the files the previous
 * input changed, then rewrites one file:
 *
 *   byte 0       which file: index into the sorted file list (MANIFEST, then
 *                seg-*-*.del and seg-*.dict/.norm/.pos/.post/.store of each
 *                segment), modulo
 *   byte 1       strategy in bits 0-1; bit 2: XOR the payload into the bytes
 *                instead of overwriting them (region strategies); bits 3-4:
 *                the search options used (see run_queries)
 *                0 RAW_WHOLE     the file becomes the payload
 *                1 RAW_REGION    the payload is written at `offset` (modulo
 *                                file size + 1; may extend the file)
 *                2 FRAMED_BODY   the body becomes the payload; header and
 *                                footer are kept, the footer checksum is
 *                                recomputed and the manifest's recorded
 *                                size of the file is updated (its checksum
 *                                too), so the frame checks pass and the
 *                                structural decoders read the payload
 *                                (the deletion file's size too)
 *                3 FRAMED_REGION as RAW_REGION inside the body, then framed
 *                                as FRAMED_BODY
 *   bytes 2..5   offset, u32 little-endian (region strategies)
 *   bytes 6..    payload
 * Most raw inputs stop at the frame or checksum checks; the framed ones are
 * what reaches the dictionary, postings, positions, norms, store, deletion
 * and manifest decoders (see docs/FORMAT.md, "Files"). The index is
 * written by one thread without automatic merges, so it is the same in every
 * process and an input names the same file each time.
 *
 * Properties (errors are expected, crashes and these are not):
 *   - kz_index_open returns KZ_OK, KZ_ERR_CORRUPT, KZ_ERR_VERSION or
 *     KZ_ERR_NOMEM, or KZ_ERR_IO when a changed manifest names a file that
 *     does not exist; every query returns KZ_OK, KZ_ERR_CORRUPT or KZ_ERR_NOMEM;
 *     a hit's strings are readable and its highlights lie inside its snippet;
 *     kz_count agrees with kz_hits_total when both succeed;
 *   - kz_index_check (full) runs (KZ_OK) and reports problems exactly when a
 *     raw strategy left a file different from the original (every byte of a
 *     file is covered by its checksum), none when every file is unchanged;
 *   - a full check without problems means the index opens and every query
 *     decodes (check.c promises that "every search path will decode").
 *
 * Seeds: with KZ_FUZZ_SEED_DIR set, the first call writes seed inputs for
 * every file and strategy (the original bytes, framed; a few region edits)
 * into that directory. tests/fuzz/corpus/segment_files was started that way.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bytes.h"
#include "common/checksum.h"
#include "format/format.h"
#include "fuzz.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

#define MAX_FILES 40
#define N_DOCS_FIRST 300
#define N_DOCS_SECOND 40
/*
 * Manifest layout (docs/FORMAT.md, "Manifest"): where a segment record keeps
 * its five file sizes, and its deletion file's size. The record size itself
 * is derived from the manifest (body bytes after the header / segments).
 */
#define MANIFEST_FILE_BYTES_AT 40u
#define MANIFEST_DELETES_BYTES_AT 92u
/* A sixth file kind besides the manifest's five: seg-XXXXXXXX-<generation>.del. */
#define KIND_DELETES 5

enum { RAW_WHOLE, RAW_REGION, FRAMED_BODY, FRAMED_REGION };

typedef struct index_file {
  char name[256];
  char path[1024];
  uint8_t *bytes; /* the original contents */
  size_t size;
  uint32_t segment; /* segment id, for segment files */
  int kind;         /* 0..4 in manifest order (dict, post, pos, norm, store), KIND_DELETES,
                       or -1: MANIFEST */
} index_file;

/* Harness state, built on the first call: the scratch index and its originals. */
static char scratch_dir[512], index_dir[600];
static index_file files[MAX_FILES];
static size_t n_files, manifest_file;
static int dirty[MAX_FILES]; /* file differs from its original on disk */

static const char *const kinds[] = {"dict", "post", "pos", "norm", "store"};

/* ------------------------------------------------------------------------ */
/* The scratch index                                                        */
/* ------------------------------------------------------------------------ */

static void die(const char *what) {
  fprintf(stderr, "fuzz_segment_files: %s: %s\n", what, strerror(errno));
  abort();
}

static void add_doc(kz_writer *w, int i) {
  static const char *const words[] = {"steppe", "river",  "mountain", "city",   "nomad",
                                      "horse",  "apple",  "lake",     "desert", "railway",
                                      "oil",    "wheat",  "eagle",    "yurt",   "border"};
  char id[32], title[128], body[1024], date[16], url[64];
  snprintf(id, sizeof id, "doc-%04d", i);
  snprintf(title, sizeof title, "%s %s of Kazakhstan", words[i % 15], words[(i * 7) % 15]);
  size_t n = (size_t)snprintf(body, sizeof body, "alpha %s%s", i % 2 ? "beta " : "",
                              i % 3 ? "" : "gamma ");
  for (int k = 0; k < 3 + i % 11; k++)
    n += (size_t)snprintf(body + n, sizeof body - n, "%s ", words[(i * 13 + k * 5) % 15]);
  if (i % 17 == 0) n += (size_t)snprintf(body + n, sizeof body - n, "café Nur-Sultan 東京 o'neill ");
  n += (size_t)snprintf(body + n, sizeof body - n, "unique%d alpha beta", i);
  snprintf(date, sizeof date, "2023-%02d-%02d", 1 + i % 12, 1 + i % 28);
  snprintf(url, sizeof url, "https://example.org/%d", i);
  kz_document d = {sizeof(kz_document), id, strlen(id), title, strlen(title), body, n,
                   i % 4 ? date : NULL, i % 4 ? strlen(date) : 0,
                   i % 5 ? url : NULL, i % 5 ? strlen(url) : 0};
  kz_error err;
  if (kz_writer_add(w, &d, &err) != KZ_OK) {
    fprintf(stderr, "fuzz_segment_files: kz_writer_add: %s\n", err.message);
    abort();
  }
}

static void build_index(void) {
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.no_auto_merge = 1;
  o.threads = 1; /* one thread, so the segments are the same in every process */
  kz_writer *w = NULL;
  kz_error err;
  /*
   * Two commits give two segments, so multi-segment paths (doc bases, global
   * statistics) run; a third deletes from both and replaces a document
   * (a third segment), so both segments get a deletion file.
   */
  if (kz_writer_open(&w, index_dir, &o, &err) != KZ_OK) goto fail;
  for (int i = 0; i < N_DOCS_FIRST; i++) add_doc(w, i);
  if (kz_writer_commit(w, &err) != KZ_OK) goto fail;
  for (int i = N_DOCS_FIRST; i < N_DOCS_FIRST + N_DOCS_SECOND; i++) add_doc(w, i);
  if (kz_writer_commit(w, &err) != KZ_OK) goto fail;
  static const char *const deleted[] = {"doc-0005", "doc-0123", "doc-0299", "doc-0301"};
  for (size_t i = 0; i < sizeof deleted / sizeof deleted[0]; i++) {
    int found = 0;
    if (kz_writer_delete(w, deleted[i], strlen(deleted[i]), &found, &err) != KZ_OK) goto fail;
  }
  add_doc(w, 7); /* replaces doc-0007 */
  if (kz_writer_commit(w, &err) != KZ_OK) goto fail;
  kz_writer_close(w);
  return;
fail:
  fprintf(stderr, "fuzz_segment_files: building the index: %s\n", err.message);
  abort();
}

static uint8_t *read_whole(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) die(path);
  if (fseek(f, 0, SEEK_END) != 0) die(path);
  long n = ftell(f);
  if (n < 0 || fseek(f, 0, SEEK_SET) != 0) die(path);
  uint8_t *b = malloc(n ? (size_t)n : 1);
  if (!b || (n && fread(b, 1, (size_t)n, f) != (size_t)n)) die(path);
  fclose(f);
  *size = (size_t)n;
  return b;
}

static void write_whole(const char *path, const uint8_t *data, size_t size) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) die(path);
  size_t done = 0;
  while (done < size) {
    ssize_t n = write(fd, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      die(path);
    }
    done += (size_t)n;
  }
  if (close(fd) != 0) die(path);
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const index_file *)a)->name, ((const index_file *)b)->name);
}

static void remove_scratch(void) { kz_test_remove_tree(scratch_dir); }

static void write_seeds(const char *dir);

static void setup(void) {
  if (!kz_test_make_temp_dir(scratch_dir, sizeof scratch_dir, "kzfuzz-segment"))
    die("scratch directory");
  atexit(remove_scratch);
  snprintf(index_dir, sizeof index_dir, "%s/index", scratch_dir);
  build_index();

  DIR *d = opendir(index_dir);
  if (!d) die(index_dir);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || strcmp(e->d_name, KZ_LOCK_NAME) == 0) continue;
    if (n_files == MAX_FILES) {
      fprintf(stderr, "fuzz_segment_files: too many index files\n");
      abort();
    }
    index_file *f = &files[n_files++];
    if (strlen(e->d_name) >= sizeof f->name) {
      fprintf(stderr, "fuzz_segment_files: unexpected file %s\n", e->d_name);
      abort();
    }
    memcpy(f->name, e->d_name, strlen(e->d_name) + 1);
    f->kind = -1;
    unsigned id;
    unsigned long long gen;
    char ext[16];
    if (sscanf(e->d_name, "seg-%8x-%llu.%15s", &id, &gen, ext) == 3 && strcmp(ext, "del") == 0) {
      f->segment = id;
      f->kind = KIND_DELETES;
    } else if (sscanf(e->d_name, "seg-%8x.%15s", &id, ext) == 2) {
      f->segment = id;
      for (int k = 0; k < 5; k++)
        if (strcmp(ext, kinds[k]) == 0) f->kind = k;
    }
  }
  closedir(d);
  qsort(files, n_files, sizeof files[0], by_name);
  manifest_file = SIZE_MAX;
  for (size_t i = 0; i < n_files; i++) {
    index_file *f = &files[i];
    char path[sizeof f->path + sizeof f->name];
    int w = snprintf(path, sizeof path, "%s/%s", index_dir, f->name);
    if (w < 0 || (size_t)w >= sizeof f->path) {
      fprintf(stderr, "fuzz_segment_files: path too long: %s\n", path);
      abort();
    }
    memcpy(f->path, path, strlen(path) + 1);
    f->bytes = read_whole(f->path, &f->size);
    if (strcmp(f->name, KZ_MANIFEST_NAME) == 0) manifest_file = i;
  }
  if (manifest_file == SIZE_MAX) {
    fprintf(stderr, "fuzz_segment_files: the index has no MANIFEST\n");
    abort();
  }
  const char *seeds = getenv("KZ_FUZZ_SEED_DIR");
  if (seeds && *seeds) write_seeds(seeds);
}

/* ------------------------------------------------------------------------ */
/* Rewriting one file                                                       */
/* ------------------------------------------------------------------------ */

/* Sets the footer checksum of a framed file held in memory. */
static void seal(uint8_t *bytes, size_t size) {
  if (size < KZ_FILE_HEADER_BYTES + KZ_FILE_FOOTER_BYTES) return;
  kz_store_u64le(bytes + size - 8, kz_checksum(bytes, size - 8));
}

/* Offset of segment `id`'s record in the (original) manifest bytes, or SIZE_MAX. */
static size_t manifest_record(const uint8_t *m, size_t size, uint32_t id, size_t *record_bytes) {
  size_t at = KZ_FILE_HEADER_BYTES + 8 + 4;
  if (at + 1 > size) return SIZE_MAX;
  at += 1 + m[at];
  if (at + 4 > size - KZ_FILE_FOOTER_BYTES) return SIZE_MAX;
  uint32_t count = kz_load_u32le(m + at);
  at += 4;
  if (count == 0) return SIZE_MAX;
  size_t rb = (size - KZ_FILE_FOOTER_BYTES - at) / count;
  for (uint32_t i = 0; i < count && at + rb <= size; i++) {
    if (kz_load_u32le(m + at) == id) {
      *record_bytes = rb;
      return at;
    }
    at += rb;
  }
  return SIZE_MAX;
}

/* Writes a manifest that records `new_size` for file f (original otherwise), sealed. */
static void record_size(const index_file *f, size_t new_size) {
  const index_file *m = &files[manifest_file];
  uint8_t *copy = malloc(m->size);
  if (!copy) abort();
  memcpy(copy, m->bytes, m->size);
  size_t record_bytes = 0, rec = manifest_record(copy, m->size, f->segment, &record_bytes);
  size_t at = f->kind == KIND_DELETES ? MANIFEST_DELETES_BYTES_AT
                                      : MANIFEST_FILE_BYTES_AT + 8 * (size_t)f->kind;
  if (rec != SIZE_MAX && at + 8 <= record_bytes) {
    kz_store_u64le(copy + rec + at, new_size);
    seal(copy, m->size);
  }
  write_whole(m->path, copy, m->size);
  dirty[manifest_file] = memcmp(copy, m->bytes, m->size) != 0;
  free(copy);
}

/* Applies the payload at off (overwrite, or XOR), growing the buffer when it runs past the end. */
static uint8_t *apply_region(const uint8_t *orig, size_t size, size_t off, const uint8_t *payload,
                             size_t n, int xor_mode, size_t *out_size) {
  size_t new_size = off + n > size ? off + n : size;
  uint8_t *b = malloc(new_size ? new_size : 1);
  if (!b) abort();
  if (size) memcpy(b, orig, size);
  if (new_size > size) memset(b + size, 0, new_size - size);
  for (size_t i = 0; i < n; i++) b[off + i] = xor_mode ? (uint8_t)(b[off + i] ^ payload[i]) : payload[i];
  *out_size = new_size;
  return b;
}

/* Rewrites files[which] per the strategy; returns 1 when a raw strategy changed its bytes. */
static int rewrite(size_t which, int strategy, int xor_mode, uint32_t offset,
                   const uint8_t *payload, size_t n) {
  index_file *f = &files[which];
  uint8_t *b = NULL;
  size_t size = 0;
  const size_t frame = KZ_FILE_HEADER_BYTES + KZ_FILE_FOOTER_BYTES;
  switch (strategy) {
    case RAW_WHOLE:
      b = malloc(n ? n : 1);
      if (!b) abort();
      if (n) memcpy(b, payload, n);
      size = n;
      break;
    case RAW_REGION:
      b = apply_region(f->bytes, f->size, offset % (f->size + 1), payload, n, xor_mode, &size);
      break;
    case FRAMED_BODY:
    case FRAMED_REGION: {
      /* Every original file has a frame (the index was just written). */
      const uint8_t *body = f->bytes + KZ_FILE_HEADER_BYTES;
      size_t body_size = f->size - frame, new_body_size = n;
      uint8_t *nb;
      if (strategy == FRAMED_BODY) {
        nb = malloc(n ? n : 1);
        if (!nb) abort();
        if (n) memcpy(nb, payload, n);
      } else {
        nb = apply_region(body, body_size, offset % (body_size + 1), payload, n, xor_mode,
                          &new_body_size);
      }
      size = new_body_size + frame;
      b = malloc(size);
      if (!b) abort();
      memcpy(b, f->bytes, KZ_FILE_HEADER_BYTES);
      if (new_body_size) memcpy(b + KZ_FILE_HEADER_BYTES, nb, new_body_size);
      memcpy(b + size - KZ_FILE_FOOTER_BYTES, f->bytes + f->size - KZ_FILE_FOOTER_BYTES,
             KZ_FILE_FOOTER_BYTES);
      seal(b, size);
      free(nb);
      break;
    }
  }
  write_whole(f->path, b, size);
  int changed = size != f->size || memcmp(b, f->bytes, size) != 0;
  dirty[which] = changed;
  free(b);
  if ((strategy == FRAMED_BODY || strategy == FRAMED_REGION) && f->kind >= 0)
    record_size(f, size);
  return changed && (strategy == RAW_WHOLE || strategy == RAW_REGION);
}

static void restore(void) {
  for (size_t i = 0; i < n_files; i++) {
    if (!dirty[i]) continue;
    write_whole(files[i].path, files[i].bytes, files[i].size);
    dirty[i] = 0;
  }
}

/* ------------------------------------------------------------------------ */
/* Reading the damaged index                                                */
/* ------------------------------------------------------------------------ */

static const char *const queries[] = {
    "alpha",          "alpha beta",        "\"alpha beta\"", "+beta -gamma",
    "gamma OR steppe", "unique7 OR unique333", "café 東京",  "(river AND horse) NOT lake",
    "\"nur sultan\"", "zzzznotthere"};
#define N_QUERIES (sizeof queries / sizeof queries[0])

static void check_hits(const kz_hits *hits, size_t k) {
  size_t n = kz_hits_size(hits);
  FUZZ_REQUIRE(n <= k);
  FUZZ_REQUIRE(kz_hits_total(hits) >= n);
  for (size_t i = 0; i < n; i++) {
    const kz_hit *h = kz_hits_at(hits, i);
    FUZZ_REQUIRE(h != NULL);
    FUZZ_REQUIRE(h->id && h->title && h->date && h->url && h->snippet);
    /* strlen reads every byte: ASan catches a string that points anywhere wrong. */
    size_t title = strlen(h->title);
    size_t total = strlen(h->id) + title + strlen(h->date) + strlen(h->url);
    (void)total;
    size_t snip = strlen(h->snippet);
    FUZZ_REQUIRE(h->n_highlights == 0 || h->highlights != NULL);
    for (size_t j = 0; j < h->n_highlights; j++)
      FUZZ_REQUIRE(h->highlights[j].start <= h->highlights[j].end &&
                   h->highlights[j].end <= snip);
    FUZZ_REQUIRE(h->n_title_highlights == 0 || h->title_highlights != NULL);
    for (size_t j = 0; j < h->n_title_highlights; j++)
      FUZZ_REQUIRE(h->title_highlights[j].start < h->title_highlights[j].end &&
                   h->title_highlights[j].end <= title &&
                   (j == 0 || h->title_highlights[j - 1].end <= h->title_highlights[j].start));
  }
  FUZZ_REQUIRE(kz_hits_at(hits, n) == NULL);
}

/*
 * Runs every query with the option set `variant` picks (0, 3: defaults, with
 * snippets; 1: default_and and skip_total; 2: ids_only, paged) and, but for
 * variant 1, kz_count. @return how many calls failed with KZ_ERR_CORRUPT.
 */
static int run_queries(kz_index *index, int variant, char *why, size_t why_size) {
  int corrupt = 0;
  kz_index_stats st = KZ_INDEX_STATS_INIT;
  kz_error err;
  int rc = kz_index_stats_get(index, &st, &err);
  FUZZ_REQUIRE_MSG(rc == KZ_OK || rc == KZ_ERR_CORRUPT || rc == KZ_ERR_NOMEM,
                   "kz_index_stats_get: %s: %s", kz_strerror(rc), err.message);
  if (rc == KZ_ERR_CORRUPT && !corrupt++) snprintf(why, why_size, "kz_index_stats_get: %s", err.message);
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.k = 5;
  if (variant == 1) o.default_and = 1, o.skip_total = 1;
  if (variant == 2) o.ids_only = 1, o.k = 50, o.offset = 3;
  for (size_t q = 0; q < N_QUERIES; q++) {
    kz_hits *hits = NULL;
    rc = kz_search(&hits, index, queries[q], &o, &err);
    FUZZ_REQUIRE_MSG(rc == KZ_OK || rc == KZ_ERR_CORRUPT || rc == KZ_ERR_NOMEM,
                     "kz_search(\"%s\", variant %d): %s: %s", queries[q], variant, kz_strerror(rc),
                     err.message);
    if (rc == KZ_ERR_CORRUPT && !corrupt++)
      snprintf(why, why_size, "kz_search(\"%s\"): %s", queries[q], err.message);
    uint64_t total = 0;
    if (rc == KZ_OK) {
      check_hits(hits, o.k);
      total = kz_hits_total(hits);
      kz_hits_free(hits);
    }
    if (variant == 1) continue; /* skip_total: the total is only a lower bound */
    uint64_t count = 0;
    int crc = kz_count(&count, index, queries[q], &o, &err);
    FUZZ_REQUIRE_MSG(crc == KZ_OK || crc == KZ_ERR_CORRUPT || crc == KZ_ERR_NOMEM,
                     "kz_count(\"%s\", variant %d): %s: %s", queries[q], variant, kz_strerror(crc),
                     err.message);
    if (crc == KZ_ERR_CORRUPT && !corrupt++)
      snprintf(why, why_size, "kz_count(\"%s\"): %s", queries[q], err.message);
    if (rc == KZ_OK && crc == KZ_OK)
      FUZZ_REQUIRE_MSG(count == total, "\"%s\", variant %d: kz_count %llu, kz_hits_total %llu",
                       queries[q], variant, (unsigned long long)count, (unsigned long long)total);
  }
  return corrupt;
}

static void on_problem(void *ctx, const char *file, const char *problem) {
  FUZZ_REQUIRE(file != NULL && problem != NULL);
  (void)strlen(file);
  (void)strlen(problem);
  (*(int *)ctx)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!n_files) setup();
  restore();
  if (size < 2) return 0;
  size_t which = data[0] % n_files;
  int strategy = data[1] & 3, xor_mode = (data[1] >> 2) & 1;
  uint8_t off[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < 4 && 2 + i < size; i++) off[i] = data[2 + i];
  const uint8_t *payload = size > 6 ? data + 6 : data + size;
  size_t n = size > 6 ? size - 6 : 0;
  int raw_changed = rewrite(which, strategy, xor_mode, kz_load_u32le(off), payload, n);
  int any_changed = 0;
  for (size_t i = 0; i < n_files; i++) any_changed |= dirty[i];

  kz_index *index = NULL;
  kz_error err;
  int rc = kz_index_open(&index, index_dir, &err);
  /* KZ_ERR_IO is how a file the manifest names but the directory lacks is reported
   * (as when a concurrent commit removed it), so only a changed manifest may cause it. */
  FUZZ_REQUIRE_MSG(rc == KZ_OK || rc == KZ_ERR_CORRUPT || rc == KZ_ERR_VERSION ||
                       rc == KZ_ERR_NOMEM || (rc == KZ_ERR_IO && dirty[manifest_file]),
                   "kz_index_open: %s: %s", kz_strerror(rc), err.message);
  if (!any_changed)
    FUZZ_REQUIRE_MSG(rc == KZ_OK, "kz_index_open, nothing changed: %s: %s", kz_strerror(rc),
                     err.message);
  int corrupt_queries = -1;
  char why[700];
  /* err is filled only by a failing call. */
  snprintf(why, sizeof why, "kz_index_open: %s", rc == KZ_OK ? "ok" : err.message);
  if (rc == KZ_OK) {
    corrupt_queries = run_queries(index, (data[1] >> 3) & 3, why, sizeof why);
    kz_index_close(index);
  }

  kz_check_report report = KZ_CHECK_REPORT_INIT;
  int callbacks = 0;
  rc = kz_index_check(index_dir, 1, on_problem, &callbacks, &report, &err);
  FUZZ_REQUIRE_MSG(rc == KZ_OK || rc == KZ_ERR_NOMEM, "kz_index_check: %s: %s", kz_strerror(rc),
                   err.message);
  if (rc == KZ_OK) {
    FUZZ_REQUIRE(report.problems == (uint64_t)callbacks);
    if (raw_changed) FUZZ_REQUIRE(report.problems > 0);
    if (!any_changed) FUZZ_REQUIRE(report.problems == 0);
    /* A clean full check promises that the index opens and every search path decodes. */
    if (report.problems == 0)
      FUZZ_REQUIRE_MSG(corrupt_queries == 0, "the full check found no problem, but %s", why);
  }
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Seeds                                                                    */
/* ------------------------------------------------------------------------ */

static void write_seed(const char *dir, const char *label, size_t which, int mode, uint32_t offset,
                       const uint8_t *payload, size_t n) {
  char path[2048];
  int w = snprintf(path, sizeof path, "%s/seed-%s-%s", dir, files[which].name, label);
  if (w < 0 || (size_t)w >= sizeof path) abort();
  uint8_t *b = malloc(6 + n);
  if (!b) abort();
  b[0] = (uint8_t)which;
  b[1] = (uint8_t)mode;
  kz_store_u32le(b + 2, offset);
  if (n) memcpy(b + 6, payload, n);
  write_whole(path, b, 6 + n);
  free(b);
}

static void write_seeds(const char *dir) {
  static const uint8_t flip[1] = {0x01}, ff[4] = {0xff, 0xff, 0xff, 0xff};
  for (size_t i = 0; i < n_files; i++) {
    const index_file *f = &files[i];
    size_t body = f->size - KZ_FILE_HEADER_BYTES - KZ_FILE_FOOTER_BYTES;
    write_seed(dir, "framed-body", i, FRAMED_BODY, 0, f->bytes + KZ_FILE_HEADER_BYTES, body);
    write_seed(dir, "raw-whole", i, RAW_WHOLE, 0, f->bytes, f->size);
    write_seed(dir, "raw-flip", i, RAW_REGION | 4, (uint32_t)(f->size / 2), flip, 1);
    write_seed(dir, "framed-flip-start", i, FRAMED_REGION | 4, 0, flip, 1);
    write_seed(dir, "framed-flip-mid", i, FRAMED_REGION | 4, (uint32_t)(body / 2), flip, 1);
    write_seed(dir, "framed-ff-end", i, FRAMED_REGION, (uint32_t)(body > 4 ? body - 4 : 0), ff, 4);
  }
}
