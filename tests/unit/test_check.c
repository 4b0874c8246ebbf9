/*
 * test_check.c - kz_index_check against a real index built through the
 * public API (about 1000 generated documents with a 64 KiB memory budget,
 * so several segments): a clean index has no problems at either depth;
 * copies damaged one way each (every file cut short by 1 to 100 bytes, a
 * byte flipped, the manifest damaged, a file missing) are caught and the
 * problem names the file; random single-byte flips are all found by the
 * full check; and
 * flips whose file checksum has been recomputed (so the structural
 * cross-checks read hostile bytes) never crash (run under ASan+UBSan too).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bytes.h"
#include "common/checksum.h"
#include "format/format.h"
#include "format/manifest.h"
#include "format/segment_format.h"
#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

#define N_DOCS 1000
#define FLIPS_PER_FILE 50
/* The writer's fixed overheads (store block buffer, length array, hash table) take
 * most of the 64 KiB minimum, which then gives one segment per document;
 * this budget gives a handful of segments of a few hundred documents. */
#ifndef MEMORY_BYTES
#define MEMORY_BYTES (256u << 10)
#endif

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static const char *const kWords[] = {
    "astana",    "almaty",   "steppe",    "nomad",      "oil",       "uranium",  "parliament",
    "president", "election", "caspian",   "border",     "railway",   "grain",    "wheat",
    "protest",   "reform",   "tenge",     "bank",       "pipeline",  "mountain", "river",
    "city",      "village",  "horse",     "eagle",      "festival",  "music",    "school",
    "hospital",  "winter",   "summer",    "trade",      "china",     "russia",   "europe",
    "energy",    "mining",   "copper",    "gold",       "space",     "baikonur", "rocket",
    "launch",    "news",     "report",    "minister",   "court",     "law",      "tax",
    "budget",    "export",   "import",    "language",   "kazakh",    "history",  "museum"};
#define N_WORDS (sizeof kWords / sizeof kWords[0])

static void append_words(kz_test_rng *r, char *buf, size_t size, size_t n) {
  size_t len = strlen(buf);
  for (size_t i = 0; i < n && len + 32 < size; i++) {
    /* A skewed choice so that a few terms span several postings blocks. */
    size_t w =
        kz_test_rand_below(r, 4) == 0 ? kz_test_rand_below(r, 4) : kz_test_rand_below(r, N_WORDS);
    len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? " " : "", kWords[w]);
    if (kz_test_rand_below(r, 50) == 0)
      len += (size_t)snprintf(buf + len, size - len, " w%zu", kz_test_rand_below(r, 5000));
  }
}

static int build_index(const char *dir) {
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.memory_bytes = MEMORY_BYTES;
  kz_writer *w = NULL;
  kz_error err;
  int rc = kz_writer_open(&w, dir, &o, &err);
  if (rc) {
    fprintf(stderr, "kz_writer_open: %s\n", err.message);
    return rc;
  }
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, 0x9e3779b97f4a7c15ull);
  for (int i = 0; i < N_DOCS && !rc; i++) {
    char id[32], title[256] = "", body[4096] = "", date[16];
    snprintf(id, sizeof id, "doc-%04d", i);
    snprintf(date, sizeof date, "2022-01-%02d", 1 + i % 28);
    append_words(&r, title, sizeof title, 2 + kz_test_rand_below(&r, 5));
    append_words(&r, body, sizeof body, 10 + kz_test_rand_below(&r, 200));
    /* A name mid-sentence, so that every segment's names table has entries. */
    static const char *const names[] = {" met Tokayev", " in Mangystau", " near Aktobe", " Токаев"};
    size_t used = strlen(body);
    snprintf(body + used, sizeof body - used, "%s", names[i % 4]);
    kz_document d = {sizeof(kz_document), id, strlen(id), title, strlen(title), body, strlen(body),
                     date, strlen(date), NULL, 0};
    rc = kz_writer_add(w, &d, &err);
  }
  if (!rc) rc = kz_writer_commit(w, &err);
  if (rc) fprintf(stderr, "building the index: %s\n", err.message);
  kz_writer_close(w);
  return rc;
}

/* The index is built once and copied for each damage. */
static const char *g_root; /* kz_test_scratch_root's, removed at exit */
static char g_index[300];
static int g_built;

static int fixture(void) {
  if (g_built) return g_built > 0;
  g_built = -1;
  if (!(g_root = kz_test_scratch_root("kz_test_check", 0))) return 0;
  snprintf(g_index, sizeof g_index, "%s/index", g_root);
  if (build_index(g_index) != KZ_OK) return 0;
  g_built = 1;
  return 1;
}

static int read_file(const char *path, uint8_t **data, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  *data = malloc(n > 0 ? (size_t)n : 1);
  *size = (size_t)n;
  int ok = *data && fread(*data, 1, *size, f) == *size;
  fclose(f);
  return ok ? 0 : -1;
}

static int write_file(const char *path, const uint8_t *data, size_t size) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  int ok = fwrite(data, 1, size, f) == size;
  return fclose(f) == 0 && ok ? 0 : -1;
}

/* Copies the index's regular files (the LOCK too; it is never read) into a fresh `dst`. */
static int copy_index(const char *dst) {
  kz_test_remove_tree(dst);
  if (mkdir(dst, 0755) != 0) return -1;
  DIR *d = opendir(g_index);
  if (!d) return -1;
  struct dirent *e;
  int rc = 0;
  while (!rc && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char src[1024], to[1024];
    snprintf(src, sizeof src, "%s/%s", g_index, e->d_name);
    snprintf(to, sizeof to, "%s/%s", dst, e->d_name);
    uint8_t *data = NULL;
    size_t size = 0;
    rc = read_file(src, &data, &size) || write_file(to, data, size);
    free(data);
  }
  closedir(d);
  return rc;
}

/*
 * Makes `dst` an index of segment `seg` alone (its five files and a manifest
 * naming only it), so that a loop of damage checks cross-checks one segment
 * per run instead of all of them.
 */
static int copy_segment(const char *dst, size_t seg) {
  kz_manifest m, one;
  if (kz_manifest_read(&m, g_index, NULL) != KZ_OK) return -1;
  int rc = seg < m.n_segments ? 0 : -1;
  memset(&one, 0, sizeof one);
  one.generation = m.generation;
  one.next_segment_id = m.next_segment_id;
  memcpy(one.language, m.language, sizeof one.language);
  kz_test_remove_tree(dst);
  if (!rc) rc = mkdir(dst, 0755) || kz_manifest_add_segment(&one, &m.segments[seg]);
  for (int k = 0; k < KZ_SEGFILES && !rc; k++) {
    if (!kz_segfile_present(&m.segments[seg], k)) continue;
    char name[64], src[1024], to[1024];
    kz_segment_file_name(name, sizeof name, m.segments[seg].id, k);
    snprintf(src, sizeof src, "%s/%s", g_index, name);
    snprintf(to, sizeof to, "%s/%s", dst, name);
    uint8_t *data = NULL;
    size_t size = 0;
    rc = read_file(src, &data, &size) || write_file(to, data, size);
    free(data);
  }
  if (!rc) rc = kz_manifest_write(&one, dst, NULL, NULL);
  kz_manifest_free(&one);
  kz_manifest_free(&m);
  return rc;
}

/* The index's files: MANIFEST first, then every segment file in manifest order. */
typedef struct file_list {
  char names[512][64];
  size_t n;
  size_t segments;
  size_t seg_first[64], seg_files[64]; /* where each segment's names start, and how many */
} file_list;

static int list_files(file_list *fl) {
  kz_manifest m;
  if (kz_manifest_read(&m, g_index, NULL) != KZ_OK) return -1;
  fl->n = 0;
  snprintf(fl->names[fl->n++], 64, "%s", KZ_MANIFEST_NAME);
  if (m.n_segments > 64) {
    kz_manifest_free(&m);
    return -1;
  }
  for (size_t i = 0; i < m.n_segments; i++) {
    fl->seg_first[i] = fl->n;
    for (int k = 0; k < KZ_SEGFILES && fl->n < 512; k++)
      if (kz_segfile_present(&m.segments[i], k))
        kz_segment_file_name(fl->names[fl->n++], 64, m.segments[i].id, k);
    fl->seg_files[i] = fl->n - fl->seg_first[i];
  }
  fl->segments = m.n_segments;
  kz_manifest_free(&m);
  return 0;
}

/* Collects what the checker reports. */
typedef struct seen {
  uint64_t calls;
  char first_file[64], first_problem[512];
  int named;          /* a problem named `want` */
  const char *want;
  int quiet;
} seen;

static void on_problem(void *ctx, const char *file, const char *problem) {
  seen *s = ctx;
  if (s->calls++ == 0) {
    snprintf(s->first_file, sizeof s->first_file, "%s", file);
    snprintf(s->first_problem, sizeof s->first_problem, "%s", problem);
  }
  if (s->want && strcmp(file, s->want) == 0) s->named = 1;
  if (!s->quiet) fprintf(stderr, "    problem: %s: %s\n", file, problem);
}

static int check(const char *dir, int full, seen *s, kz_check_report *rep) {
  kz_error err;
  memset(&err, 0, sizeof err);
  int rc = kz_index_check(dir, full, on_problem, s, rep, &err);
  if (rc && !s->quiet) fprintf(stderr, "    kz_index_check: %s\n", err.message);
  return rc;
}

/* Recomputes a file's footer checksum so that its damage passes the checksum. */
static void reseal(uint8_t *data, size_t size) {
  if (size < KZ_FILE_HEADER_BYTES + KZ_FILE_FOOTER_BYTES) return;
  kz_store_u64le(data + size - 8, kz_checksum(data, size - 8));
}

static void path_of(char *buf, size_t size, const char *dir, const char *name) {
  snprintf(buf, size, "%s/%s", dir, name);
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                    */
/* ------------------------------------------------------------------------ */

static void test_check__clean_index_has_no_problems(void) {
  CHECK(fixture());
  file_list fl;
  CHECK(list_files(&fl) == 0);
  CHECK(fl.segments >= 3);
  uint64_t total = 0;
  for (size_t i = 0; i < fl.n; i++) {
    char p[1024];
    struct stat st;
    path_of(p, sizeof p, g_index, fl.names[i]);
    CHECK(stat(p, &st) == 0);
    total += (uint64_t)st.st_size;
  }
  for (int full = 0; full <= 1; full++) {
    seen s = {0};
    kz_check_report rep = KZ_CHECK_REPORT_INIT;
    CHECK_EQ_INT(check(g_index, full, &s, &rep), KZ_OK);
    CHECK_EQ_INT(rep.problems, 0);
    CHECK_EQ_INT(s.calls, 0);
    CHECK_EQ_INT(rep.files, fl.n);
    if (full) CHECK_EQ_INT(rep.bytes, total);
  }
  /* The callback and the report are optional. */
  CHECK_EQ_INT(kz_index_check(g_index, 1, NULL, NULL, NULL, NULL), KZ_OK);
  printf("  clean index: %zu segments, %zu files, %llu bytes\n", fl.segments, fl.n,
         (unsigned long long)total);
}

/* Every file cut short by 1 to 100 bytes, one at a time: the check names it, quick or full. */
static void test_check__every_truncation_is_found(void) {
  CHECK(fixture());
  file_list fl;
  CHECK(list_files(&fl) == 0);
  char copy[512];
  snprintf(copy, sizeof copy, "%s/truncated", g_root);
  CHECK(copy_index(copy) == 0);
  size_t damaged = 0, tried_full = 0, found[2] = {0, 0};
  for (size_t i = 0; i < fl.n; i++) {
    char p[1024];
    uint8_t *orig;
    size_t size;
    path_of(p, sizeof p, copy, fl.names[i]);
    CHECK(read_file(p, &orig, &size) == 0);
    for (size_t cut = 1; cut <= 100 && cut <= size; cut++) {
      CHECK(truncate(p, (off_t)(size - cut)) == 0);
      damaged++;
      /* The full check repeats the quick one first; a sample of cuts suffices for it. */
      int depths = cut <= 4 || cut % 16 == 0 ? 2 : 1;
      tried_full += depths == 2;
      for (int full = 0; full < depths; full++) {
        seen s = {0};
        s.want = fl.names[i];
        s.quiet = damaged > 1;
        kz_check_report rep = KZ_CHECK_REPORT_INIT;
        CHECK_EQ_INT(check(copy, full, &s, &rep), KZ_OK);
        found[full] += rep.problems >= 1 && s.named;
      }
      CHECK(write_file(p, orig, size) == 0);
    }
    free(orig);
  }
  kz_test_remove_tree(copy);
  printf("  truncations by 1-100 bytes: %zu damaged copies, quick check named the file in %zu; "
         "full check in %zu of %zu\n",
         damaged, found[0], found[1], tried_full);
  CHECK_EQ_INT(found[0], damaged);
  CHECK_EQ_INT(found[1], tried_full);
}

static void test_check__full_finds_a_flipped_byte_in_every_file(void) {
  CHECK(fixture());
  file_list fl;
  CHECK(list_files(&fl) == 0);
  char copy[512];
  snprintf(copy, sizeof copy, "%s/flipped", g_root);
  size_t quick_found = 0;
  for (size_t i = 0; i < fl.n; i++) {
    CHECK(copy_index(copy) == 0);
    char p[1024];
    uint8_t *data;
    size_t size;
    path_of(p, sizeof p, copy, fl.names[i]);
    CHECK(read_file(p, &data, &size) == 0);
    /* The middle of the body: a file as small as an empty alias table (28 bytes) has its
     * middle byte in the footer, which is a framing problem, not a checksum one. */
    size_t body = size > KZ_FILE_HEADER_BYTES + KZ_FILE_FOOTER_BYTES
                      ? size - KZ_FILE_HEADER_BYTES - KZ_FILE_FOOTER_BYTES : 0;
    data[body ? KZ_FILE_HEADER_BYTES + body / 2 : size / 2] ^= 0x5a;
    CHECK(write_file(p, data, size) == 0);
    free(data);
    seen s = {0};
    s.want = fl.names[i];
    s.quiet = i > 1;
    kz_check_report rep = KZ_CHECK_REPORT_INIT;
    CHECK_EQ_INT(check(copy, 1, &s, &rep), KZ_OK);
    CHECK(rep.problems >= 1);
    CHECK(s.named);
    if (i > 0) CHECK(strstr(s.first_problem, "checksum") != NULL);
    /* The quick check does not read bodies; it may or may not notice. */
    seen q = {0};
    q.quiet = 1;
    CHECK_EQ_INT(check(copy, 0, &q, &rep), KZ_OK);
    quick_found += rep.problems > 0;
  }
  printf("  middle-byte flips: full found %zu of %zu, quick %zu\n", fl.n, fl.n, quick_found);
  kz_test_remove_tree(copy);
}

static void test_check__damaged_manifest_is_a_problem(void) {
  CHECK(fixture());
  char copy[512], p[1024];
  snprintf(copy, sizeof copy, "%s/manifest", g_root);
  path_of(p, sizeof p, copy, KZ_MANIFEST_NAME);
  uint8_t *data;
  size_t size;
  /* A flipped byte in the body fails the checksum, which even the quick check verifies. */
  CHECK(copy_index(copy) == 0);
  CHECK(read_file(p, &data, &size) == 0);
  data[KZ_FILE_HEADER_BYTES + 3] ^= 1;
  CHECK(write_file(p, data, size) == 0);
  seen s = {0};
  kz_check_report rep = KZ_CHECK_REPORT_INIT;
  CHECK_EQ_INT(check(copy, 0, &s, &rep), KZ_OK);
  CHECK_EQ_INT(rep.problems, 1);
  CHECK_EQ_STR(s.first_file, KZ_MANIFEST_NAME);
  CHECK(strstr(s.first_problem, "checksum") != NULL);
  /* A manifest shorter than a header and footer. */
  CHECK(write_file(p, data, 3) == 0);
  free(data);
  memset(&s, 0, sizeof s);
  CHECK_EQ_INT(check(copy, 1, &s, &rep), KZ_OK);
  CHECK_EQ_INT(rep.problems, 1);
  CHECK_EQ_STR(s.first_file, KZ_MANIFEST_NAME);
  /* A resealed manifest that names one segment twice. */
  CHECK(copy_index(copy) == 0);
  CHECK(read_file(p, &data, &size) == 0);
  size_t lang = data[KZ_FILE_HEADER_BYTES + 12];
  uint8_t *count = data + KZ_FILE_HEADER_BYTES + 13 + lang;
  CHECK(kz_load_u32le(count) >= 2);
  /* A v3 record: the fixed fields, then each file's kind, flags, extension and size. */
  size_t rec = 4 + 4 + 8 + 8 + 4 + 8 * 3 + 4 + 8 + 8 + 1;
  for (unsigned f = 0, n_files = count[4 + rec - 1]; f < n_files; f++)
    rec += 3 + count[4 + rec + 2] + 8;
  memcpy(count + 4 + rec, count + 4, 4); /* the second record gets the first's id */
  reseal(data, size);
  CHECK(write_file(p, data, size) == 0);
  free(data);
  memset(&s, 0, sizeof s);
  CHECK_EQ_INT(check(copy, 0, &s, &rep), KZ_OK);
  CHECK(rep.problems >= 1);
  CHECK_EQ_STR(s.first_file, KZ_MANIFEST_NAME);
  kz_test_remove_tree(copy);
}

static void test_check__missing_segment_file_is_a_problem(void) {
  CHECK(fixture());
  file_list fl;
  CHECK(list_files(&fl) == 0);
  char copy[512], p[1024];
  snprintf(copy, sizeof copy, "%s/missing", g_root);
  CHECK(copy_index(copy) == 0);
  const char *victim = fl.names[1 + KZ_SEGFILE_NORMS];
  path_of(p, sizeof p, copy, victim);
  CHECK(unlink(p) == 0);
  for (int full = 0; full <= 1; full++) {
    seen s = {0};
    s.want = victim;
    kz_check_report rep = KZ_CHECK_REPORT_INIT;
    CHECK_EQ_INT(check(copy, full, &s, &rep), KZ_OK);
    CHECK_EQ_INT(rep.problems, 1);
    CHECK(s.named);
    CHECK(strstr(s.first_problem, "missing") != NULL);
    CHECK_EQ_INT(rep.files, fl.n);
  }
  kz_test_remove_tree(copy);
}

static void test_check__no_index_is_an_error(void) {
  CHECK(fixture());
  char dir[512], file[512];
  snprintf(dir, sizeof dir, "%s/empty", g_root);
  CHECK(mkdir(dir, 0755) == 0);
  kz_error err;
  kz_check_report rep = KZ_CHECK_REPORT_INIT;
  memset(&err, 0, sizeof err);
  CHECK_EQ_INT(kz_index_check(dir, 0, NULL, NULL, &rep, &err), KZ_ERR_NO_INDEX);
  CHECK_EQ_INT(err.code, KZ_ERR_NO_INDEX);
  CHECK(strstr(err.message, dir) != NULL);
  CHECK_EQ_INT(rep.problems, 0);
  snprintf(file, sizeof file, "%s/nowhere", g_root);
  CHECK_EQ_INT(kz_index_check(file, 1, NULL, NULL, &rep, &err), KZ_ERR_NO_INDEX);
  snprintf(file, sizeof file, "%s/plain-file", g_root);
  CHECK(write_file(file, (const uint8_t *)"x", 1) == 0);
  CHECK_EQ_INT(kz_index_check(file, 1, NULL, NULL, &rep, &err), KZ_ERR_NO_INDEX);
  unlink(file);
  rmdir(dir);
}

/*
 * Damages `name` in `dir` FLIPS_PER_FILE times, one damage at a time,
 * restoring the file after each full check: a random byte flipped, or with
 * `reseal`, random bytes of the body changed (every fifth time a run of up
 * to 16) and the footer checksum recomputed so that the cross-checks read
 * the hostile bytes. Counts damaged copies, those found, and those where a
 * problem named the file.
 */
static void damage_loop(const char *dir, const char *name, int reseal_it, kz_test_rng *r,
                        size_t *damaged, size_t *found, size_t *named) {
  char p[1024];
  uint8_t *orig, *data;
  size_t size;
  path_of(p, sizeof p, dir, name);
  CHECK(read_file(p, &orig, &size) == 0);
  data = malloc(size);
  CHECK(data != NULL);
  for (int k = 0; k < FLIPS_PER_FILE; k++) {
    memcpy(data, orig, size);
    if (!reseal_it) {
      data[kz_test_rand_below(r, size)] ^= (uint8_t)(1 + kz_test_rand_below(r, 255));
    } else {
      /* Only the body: header and footer damage is the frame check's (see above). */
      size_t body = size - KZ_FILE_HEADER_BYTES - KZ_FILE_FOOTER_BYTES;
      size_t at = KZ_FILE_HEADER_BYTES + kz_test_rand_below(r, body);
      size_t run = k % 5 == 4 ? 1 + kz_test_rand_below(r, 16) : 1;
      for (size_t j = 0; j < run && at + j < size - KZ_FILE_FOOTER_BYTES; j++)
        data[at + j] ^= (uint8_t)(1 + kz_test_rand_below(r, 255));
      reseal(data, size);
    }
    CHECK(write_file(p, data, size) == 0);
    seen s = {0};
    s.want = name;
    s.quiet = 1;
    kz_check_report rep = KZ_CHECK_REPORT_INIT;
    CHECK_EQ_INT(check(dir, 1, &s, &rep), KZ_OK);
    (*damaged)++;
    *found += rep.problems > 0;
    *named += s.named;
  }
  CHECK(write_file(p, orig, size) == 0);
  free(orig);
  free(data);
}

/* Runs damage_loop over every file: the manifest in a whole copy, each segment's files alone. */
static void damage_every_file(int reseal_it, uint64_t seed, size_t *damaged, size_t *found,
                              size_t *named) {
  file_list fl;
  CHECK(list_files(&fl) == 0);
  char copy[512];
  snprintf(copy, sizeof copy, "%s/damage", g_root);
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, seed);
  CHECK(copy_index(copy) == 0);
  damage_loop(copy, KZ_MANIFEST_NAME, reseal_it, &r, damaged, found, named);
  for (size_t seg = 0; seg < fl.segments; seg++) {
    CHECK(copy_segment(copy, seg) == 0);
    for (size_t f = 0; f < fl.seg_files[seg]; f++)
      damage_loop(copy, fl.names[fl.seg_first[seg] + f], reseal_it, &r, damaged, found, named);
  }
  kz_test_remove_tree(copy);
}

static void test_check__full_finds_every_random_flip(void) {
  CHECK(fixture());
  size_t damaged = 0, found = 0, named = 0;
  damage_every_file(0, 0x243f6a8885a308d3ull, &damaged, &found, &named);
  printf("  random flips: %zu damaged copies, full check found %zu, named the file %zu\n", damaged,
         found, named);
  CHECK(damaged > 0);
  CHECK_EQ_INT(found, damaged);
  CHECK_EQ_INT(named, damaged);
}

/*
 * Damage whose checksum is recomputed must not crash or stop the check.
 * Most of it is found, but not all can be: a changed letter inside a term
 * that keeps the order, say, is a valid, different index.
 */
static void test_check__resealed_damage_never_crashes(void) {
  CHECK(fixture());
  size_t damaged = 0, found = 0, named = 0;
  damage_every_file(1, 0x13198a2e03707344ull, &damaged, &found, &named);
  printf("  resealed damage: %zu damaged copies, full check found %zu (%.1f%%)\n", damaged, found,
         damaged ? 100.0 * (double)found / (double)damaged : 0.0);
  CHECK(damaged > 0);
}

/* Damage repeated across a segment stops its cross-check after a bounded number of problems. */
static void test_check__problems_per_segment_are_capped(void) {
  CHECK(fixture());
  file_list fl;
  CHECK(list_files(&fl) == 0);
  char copy[512], p[1024];
  snprintf(copy, sizeof copy, "%s/capped", g_root);
  CHECK(copy_index(copy) == 0);
  /* Every document of the first segment gets length 0: every posting is then impossible. */
  path_of(p, sizeof p, copy, fl.names[1 + KZ_SEGFILE_NORMS]);
  uint8_t *data;
  size_t size;
  CHECK(read_file(p, &data, &size) == 0);
  memset(data + KZ_FILE_HEADER_BYTES + KZ_NORMS_HEADER_BYTES, 0,
         size - KZ_FILE_HEADER_BYTES - KZ_NORMS_HEADER_BYTES - KZ_FILE_FOOTER_BYTES);
  reseal(data, size);
  CHECK(write_file(p, data, size) == 0);
  free(data);
  seen s = {0};
  s.quiet = 1;
  kz_check_report rep = KZ_CHECK_REPORT_INIT;
  CHECK_EQ_INT(check(copy, 1, &s, &rep), KZ_OK);
  CHECK_EQ_INT(rep.problems, 21);
  CHECK_EQ_INT(s.calls, rep.problems);
  /* A term of several blocks has its skip entries checked first. */
  CHECK(strstr(s.first_problem, "frequency") != NULL ||
        strstr(s.first_problem, "shortest") != NULL);
  /* The quick check does not look inside. */
  CHECK_EQ_INT(check(copy, 0, &s, &rep), KZ_OK);
  CHECK_EQ_INT(rep.problems, 0);
  kz_test_remove_tree(copy);
}

KZ_TEST_MAIN(KZ_TEST(test_check__clean_index_has_no_problems),
             KZ_TEST(test_check__every_truncation_is_found),
             KZ_TEST(test_check__full_finds_a_flipped_byte_in_every_file),
             KZ_TEST(test_check__damaged_manifest_is_a_problem),
             KZ_TEST(test_check__missing_segment_file_is_a_problem),
             KZ_TEST(test_check__no_index_is_an_error),
             KZ_TEST(test_check__full_finds_every_random_flip),
             KZ_TEST(test_check__resealed_damage_never_crashes),
             KZ_TEST(test_check__problems_per_segment_are_capped))
