/*
 * test_corrupt_index.c - damaged indexes through the public API. A small
 * real index (500 generated documents, a memory budget small enough for
 * several segments) is built with kz_writer_*, read into memory and copied
 * into a scratch directory. Then, for every file of the index, one damage at
 * a time, restoring the file afterwards so that each trial starts from an
 * intact copy:
 *   (a) truncation by 1..100 bytes (sampled): kz_index_open must fail with
 *       KZ_ERR_CORRUPT (the manifest records every file's size);
 *   (b) one flipped byte (200 random ones per file): kz_index_open fails with
 *       KZ_ERR_CORRUPT / KZ_ERR_VERSION, or succeeds, and then each of about
 *       twenty queries (kz_search with and without snippets, kz_count; words,
 *       AND/OR, phrases, exclusions) returns KZ_OK or KZ_ERR_CORRUPT.
 * Random words would rarely read the damaged bytes, so the queries of a
 * trial include the terms that own them: found in the intact segment's
 * dictionary (internal headers) for a byte of a .post, .pos or .dict file.
 * Nothing may crash, hang or touch memory it should not (run under ASan +
 * UBSan as well). The outcome counts are printed per file kind. The LOCK
 * file is left alone: readers never read it.
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

#include "format/format.h"
#include "common/limits.h"
#include "format/segment_reader.h"
#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kz_test_fs.h"
#include "kzsearch.h"
#include "searcher/index.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

#define N_DOCS 500u
#define VOCABULARY 3000u
#define FLIPS_PER_FILE 200u
/*
 * Memory budgets tried in turn, largest first, until the index has a handful
 * of segments (how many a budget gives depends on the writer's fixed buffers).
 * Multiples of KZ_MIN_MEMORY_BYTES, since the writer refuses less.
 */
static const unsigned kBudgetQuarters[] = {16, 12, 10, 8, 6, 5, 4}; /* x KZ_MIN_MEMORY_BYTES / 4 */

/* A pronounceable pseudo-word for vocabulary index i (distinct for distinct i). */
static void word(unsigned i, char *out) {
  static const char cons[] = "bdfgklmnprstvz", vow[] = "aeiou";
  size_t n = 0;
  do {
    out[n++] = cons[i % 14];
    i /= 14;
    out[n++] = vow[i % 5];
    i /= 5;
  } while (i);
  out[n++] = 'x'; /* keeps stems apart: no word is another plus a suffix */
  out[n] = 0;
}

/* Word indices skewed towards small ones, so some words are in most documents. */
static unsigned zipf_word(kz_test_rng *r) {
  double u = (double)kz_test_rand_below(r, 1000000) / 1e6;
  unsigned w = (unsigned)(exp(u * log((double)VOCABULARY + 1)) - 1);
  return w < VOCABULARY ? w : VOCABULARY - 1;
}

static void append_words(kz_test_rng *r, char *buf, size_t *len, size_t n) {
  char w[32];
  for (size_t i = 0; i < n; i++) {
    word(zipf_word(r), w);
    *len += (size_t)sprintf(buf + *len, "%s%s", i ? " " : "", w);
  }
}

/* Builds the index at `dir`; returns the number of segments written, or -1. */
static int build_index(const char *dir, size_t budget) {
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.language = "english";
  o.memory_bytes = budget;
  kz_writer *w;
  kz_error err;
  if (kz_writer_open(&w, dir, &o, &err) != KZ_OK) {
    fprintf(stderr, "kz_writer_open: %s\n", err.message);
    return -1;
  }
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, 0xc0ffee);
  char *title = malloc(512), *body = malloc(16384);
  int ok = 1;
  for (unsigned d = 0; d < N_DOCS && ok; d++) {
    char id[32], date[32], url[64];
    size_t tl = 0, bl = 0;
    append_words(&r, title, &tl, 2 + kz_test_rand_below(&r, 5));
    append_words(&r, body, &bl, 10 + kz_test_rand_below(&r, 110));
    snprintf(id, sizeof id, "doc-%u", d);
    snprintf(date, sizeof date, "2024-01-%02u", 1 + d % 28);
    snprintf(url, sizeof url, "https://example.org/%u", d);
    kz_document doc = {sizeof(kz_document), id, strlen(id), title, tl, body, bl, date, strlen(date), url, strlen(url)};
    if (kz_writer_add(w, &doc, &err) != KZ_OK) {
      fprintf(stderr, "kz_writer_add: %s\n", err.message);
      ok = 0;
    }
  }
  free(title);
  free(body);
  if (ok && kz_writer_commit(w, &err) != KZ_OK) {
    fprintf(stderr, "kz_writer_commit: %s\n", err.message);
    ok = 0;
  }
  kz_writer_close(w);
  if (!ok) return -1;
  kz_index *idx;
  if (kz_index_open(&idx, dir, &err) != KZ_OK) return -1;
  kz_index_stats st = KZ_INDEX_STATS_INIT;
  int n = kz_index_stats_get(idx, &st, &err) == KZ_OK ? (int)st.segments : -1;
  kz_index_close(idx);
  return n;
}

typedef struct file_copy {
  char name[256];
  uint8_t *data;
  size_t size;
} file_copy;

static uint8_t *read_whole(const char *path, size_t *size) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return NULL;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return NULL;
  }
  size_t n = (size_t)st.st_size, got = 0;
  uint8_t *data = malloc(n ? n : 1);
  while (data && got < n) {
    ssize_t k = read(fd, data + got, n - got);
    if (k <= 0) {
      if (k < 0 && errno == EINTR) continue;
      free(data);
      data = NULL;
      break;
    }
    got += (size_t)k;
  }
  close(fd);
  *size = n;
  return data;
}

static int write_whole(const char *dir, const char *name, const uint8_t *data, size_t size) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  size_t done = 0;
  while (done < size) {
    ssize_t k = write(fd, data + done, size - done);
    if (k < 0) {
      if (errno == EINTR) continue;
      close(fd);
      return -1;
    }
    done += (size_t)k;
  }
  return close(fd);
}

static int compare_names(const void *a, const void *b) {
  return strcmp(((const file_copy *)a)->name, ((const file_copy *)b)->name);
}

/* Reads every regular file of `dir` but LOCK into memory, sorted by name. */
static file_copy *read_dir(const char *dir, size_t *n_out) {
  DIR *d = opendir(dir);
  if (!d) return NULL;
  size_t n = 0, cap = 16;
  file_copy *files = calloc(cap, sizeof *files);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || strcmp(e->d_name, "LOCK") == 0) continue;
    if (n == cap) files = realloc(files, (cap *= 2) * sizeof *files);
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    snprintf(files[n].name, sizeof files[n].name, "%s", e->d_name);
    files[n].data = read_whole(path, &files[n].size);
    if (files[n].data) n++;
  }
  closedir(d);
  qsort(files, n, sizeof *files, compare_names);
  *n_out = n;
  return files;
}

/* The file's kind: "MANIFEST" or its extension. */
static const char *kind_of(const char *name) {
  const char *dot = strrchr(name, '.');
  return dot ? dot + 1 : name;
}

static const char *const kKinds[] = {"MANIFEST", "dict",  "post",  "pos",   "norm", "store",
                                     "tnorm",    "date",  "names", "alias", "simh",
                                     "pairs"};
#define N_KINDS (sizeof kKinds / sizeof kKinds[0])

typedef struct outcome {
  size_t files, truncations, flips;
  size_t open_corrupt, open_version, opened, targeted;
  size_t queries_ok, queries_corrupt;
} outcome;

/* The general queries: words of every frequency, operators, phrases. */
static void make_queries(char q[][160], size_t *n) {
  char a[32], b[32], c[32], d[32], e[32], rare[32];
  word(0, a), word(1, b), word(2, c), word(5, d), word(40, e), word(VOCABULARY - 1, rare);
  size_t k = 0;
  snprintf(q[k++], 160, "%s", a);
  snprintf(q[k++], 160, "%s", e);
  snprintf(q[k++], 160, "%s", rare);
  snprintf(q[k++], 160, "neverseenxq");
  snprintf(q[k++], 160, "%s %s", a, b);
  snprintf(q[k++], 160, "%s %s %s %s", c, d, e, rare);
  snprintf(q[k++], 160, "\"%s %s\"", a, b);
  snprintf(q[k++], 160, "\"%s %s %s\"", b, a, c);
  snprintf(q[k++], 160, "+%s %s", a, d);
  snprintf(q[k++], 160, "%s -%s", a, b);
  snprintf(q[k++], 160, "(%s OR %s) AND %s NOT %s", c, e, a, d);
  snprintf(q[k++], 160, "%s AND %s AND %s", a, b, c);
  snprintf(q[k++], 160, "%s AND \"%s %s\"", d, a, a);
  *n = k;
}

/* Queries that read term `w`: alone, in a phrase, in a conjunction, excluded. */
static size_t targeted_queries(const char *w, char q[][160]) {
  char a[32];
  word(0, a);
  snprintf(q[0], 160, "%s", w);
  snprintf(q[1], 160, "\"%s %s\" \"%s %s\"", a, w, w, a);
  snprintf(q[2], 160, "%s AND %s", w, a);
  snprintf(q[3], 160, "%s -%s", a, w);
  return 4;
}

/* Which file of which segment `name` is; -1 for the manifest. */
static long segment_index(const kz_index *idx, const char *name) {
  unsigned id;
  if (sscanf(name, "seg-%8x.", &id) != 1) return -1;
  for (size_t i = 0; i < idx->n_segs; i++)
    if (idx->segs[i].info.id == id) return (long)i;
  return -1;
}

/*
 * The words whose data holds byte `at` of the intact segment's file `kind`:
 * for postings and positions the one term whose range it is in, for the
 * dictionary the terms of the block it is in. Fills up to `max`, returns how many.
 */
static size_t words_at(const kz_segment *seg, const char *kind, uint64_t at, char w[][64],
                       size_t max) {
  int post = strcmp(kind, "post") == 0, pos = strcmp(kind, "pos") == 0;
  int dict = strcmp(kind, "dict") == 0;
  if (!post && !pos && !dict) return 0;
  uint32_t block = UINT32_MAX;
  if (dict) {
    for (uint32_t b = 0; b < seg->dict_blocks; b++)
      if (kz_load_u64le(seg->dict_index + 8 * (size_t)b) <= at && at < seg->dict_index_off) block = b;
    if (block == UINT32_MAX) return 0; /* header, block index, trailer or footer */
  }
  kz_dict_iter it;
  kz_dict_iter_init(&it, seg);
  size_t n = 0;
  while (n < max && kz_dict_iter_next(&it) == 1) {
    uint64_t off = post ? it.info.post_off : it.info.pos_off;
    uint64_t len = post ? it.info.post_len : it.info.pos_len;
    int hit = dict ? it.block == block : (off <= at && at < off + len);
    if (!hit) continue;
    size_t k = it.key_len - 1 < 63 ? it.key_len - 1 : 63;
    memcpy(w[n], it.key + 1, k); /* after the field byte */
    w[n++][k] = 0;
    if (!dict) break;
  }
  return n;
}

/* Runs one query both ways; every status must be KZ_OK or KZ_ERR_CORRUPT. */
static int run_one(kz_index *idx, const char *text, const kz_search_options *o, int search,
                   outcome *out, const char *what) {
  kz_error err;
  int rc;
  if (search) {
    kz_hits *hits = NULL;
    rc = kz_search(&hits, idx, text, o, &err);
    if (rc == KZ_OK) {
      /* Touch every returned string so that a bad pointer shows up under ASan. */
      size_t sum = 0;
      for (size_t h = 0; h < kz_hits_size(hits); h++) {
        const kz_hit *hit = kz_hits_at(hits, h);
        sum += strlen(hit->id) + strlen(hit->title) + strlen(hit->snippet) + strlen(hit->url) +
               strlen(hit->date);
        for (size_t k = 0; k < hit->n_highlights; k++) sum += hit->highlights[k].end;
      }
      (void)sum;
      kz_hits_free(hits);
    }
  } else {
    uint64_t count = 0;
    rc = kz_count(&count, idx, text, o, &err);
  }
  if (rc == KZ_OK) {
    out->queries_ok++;
    return 1;
  }
  if (rc == KZ_ERR_CORRUPT) {
    out->queries_corrupt++;
    return 1;
  }
  fprintf(stderr, "%s: %s(%s) returned %d: %s\n", what, search ? "kz_search" : "kz_count", text,
          rc, err.message);
  return 0;
}

/*
 * About twenty queries on an opened copy: kz_index_stats_get when `stats`
 * (it walks every dictionary: slow); the targeted queries (counted, and the
 * phrase searched with snippets); ten general ones counted (OR or AND)
 * and two searched (with snippets; AND paged; without snippets), chosen by
 * `trial` so that every one comes round.
 */
static int run_queries(kz_index *idx, char q[][160], size_t n_q, char t[][160], size_t n_t,
                       size_t trial, int stats, outcome *out, const char *what) {
  /* Small k: each hit decompresses its store block, the bulk of the cost. */
  kz_search_options opts[4] = {KZ_SEARCH_OPTIONS_INIT, KZ_SEARCH_OPTIONS_INIT,
                               KZ_SEARCH_OPTIONS_INIT, KZ_SEARCH_OPTIONS_INIT};
  opts[1].default_and = 1;
  opts[1].k = 5;
  opts[1].offset = 3;
  opts[1].snippet_bytes = 0;
  opts[2].k = 5;
  opts[2].snippet_bytes = 0;
  opts[3].k = 3;
  kz_error err;
  kz_index_stats st = KZ_INDEX_STATS_INIT;
  if (stats) {
    int rc = kz_index_stats_get(idx, &st, &err);
    if (rc != KZ_OK && rc != KZ_ERR_CORRUPT) {
      fprintf(stderr, "%s: kz_index_stats_get returned %d: %s\n", what, rc, err.message);
      return 0;
    }
  }
  int ok = 1;
  for (size_t i = 0; i < n_t && ok; i++) {
    ok = run_one(idx, t[i], &opts[0], 0, out, what);
    if (ok && i == 1) ok = run_one(idx, t[i], &opts[3], 1, out, what);
  }
  for (size_t i = 0; i < 10 && ok; i++)
    ok = run_one(idx, q[(trial * 10 + i) % n_q], &opts[(trial + i) & 1], 0, out, what);
  for (size_t s = 0; s < 2 && ok; s++) {
    size_t k = trial * 2 + s;
    ok = run_one(idx, q[k % n_q], &opts[k % 3], 1, out, what);
  }
  return ok;
}

/* ------------------------------------------------------------------------ */
/* Test                                                                     */
/* ------------------------------------------------------------------------ */

static void damage_each_file(const char *base) {
  char orig[128], work[128];
  snprintf(orig, sizeof orig, "%s/orig", base);
  snprintf(work, sizeof work, "%s/work", base);
  int segments = -1;
  size_t budget = 0;
  for (size_t b = 0; b < sizeof kBudgetQuarters / sizeof *kBudgetQuarters && segments < 3; b++) {
    kz_test_remove_tree(orig);
    budget = (size_t)KZ_MIN_MEMORY_BYTES / 4 * kBudgetQuarters[b];
    segments = build_index(orig, budget);
    if (segments < 0) break;
  }
  if (segments < 3 || segments > 12) fprintf(stderr, "the index has %d segments (-1: not built)\n", segments);
  CHECK(segments >= 3 && segments <= 12);
  size_t n_files = 0;
  file_copy *files = read_dir(orig, &n_files);
  /* Each segment: the core files, its names table, its alias table, its simhash column and
   * (English) its pairs list (the optional kinds this writer writes). */
  CHECK(files && n_files == 1 + (KZ_SEGFILES_CORE + 4) * (size_t)segments);
  CHECK(mkdir(work, 0755) == 0);
  for (size_t i = 0; i < n_files; i++)
    CHECK_EQ_INT(write_whole(work, files[i].name, files[i].data, files[i].size), 0);

  char queries[16][160];
  size_t n_q = 0;
  make_queries(queries, &n_q);
  outcome by_kind[N_KINDS];
  memset(by_kind, 0, sizeof by_kind);

  /* The intact copy opens and answers every query; the common word matches. */
  kz_index *idx = NULL;
  kz_error err;
  CHECK_EQ_INT(kz_index_open(&idx, work, &err), KZ_OK);
  outcome intact;
  memset(&intact, 0, sizeof intact);
  int ok = 1;
  char target[4][160];
  size_t n_target = targeted_queries("nowordx", target);
  for (size_t trial = 0; trial < n_q && ok; trial++)
    ok = run_queries(idx, queries, n_q, target, n_target, trial, 1, &intact, "intact");
  uint64_t count = 0;
  CHECK_EQ_INT(kz_count(&count, idx, queries[0], NULL, &err), KZ_OK);
  kz_index_close(idx);
  CHECK(ok);
  /*
   * The original stays open: its dictionaries tell which terms a damaged byte
   * belongs to. (Not the scratch copy: its files are rewritten in place, and
   * a mapping shows that.)
   */
  kz_index *intact_idx = NULL;
  CHECK_EQ_INT(kz_index_open(&intact_idx, orig, &err), KZ_OK);
  CHECK_EQ_INT(intact.queries_corrupt, 0);
  CHECK(count > N_DOCS / 4);

  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, 0xbadc0de);
  static const size_t cuts[] = {1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33, 64, 99, 100};
  for (size_t f = 0; f < n_files && ok; f++) {
    file_copy *fc = &files[f];
    size_t kind = 0;
    while (kind < N_KINDS - 1 && strcmp(kKinds[kind], kind_of(fc->name)) != 0) kind++;
    CHECK_EQ_STR(kKinds[kind], kind_of(fc->name));
    outcome *o = &by_kind[kind];
    o->files++;
    long seg_i = segment_index(intact_idx, fc->name);

    /* (a) truncations */
    for (size_t c = 0; c < sizeof cuts / sizeof *cuts + 3 && ok; c++) {
      size_t cut = c < sizeof cuts / sizeof *cuts ? cuts[c] : 1 + kz_test_rand_below(&r, 100);
      if (cut > fc->size) continue;
      CHECK_EQ_INT(write_whole(work, fc->name, fc->data, fc->size - cut), 0);
      idx = NULL;
      int rc = kz_index_open(&idx, work, &err);
      if (rc != KZ_ERR_CORRUPT) {
        fprintf(stderr, "%s truncated by %zu: kz_index_open returned %d (%s)\n", fc->name, cut, rc,
                rc ? err.message : "opened");
        ok = 0;
      }
      kz_index_close(rc == KZ_OK ? idx : NULL);
      o->truncations++;
    }

    /* (b) single flipped bytes */
    uint8_t *copy = malloc(fc->size);
    for (unsigned k = 0; k < FLIPS_PER_FILE && ok; k++) {
      memcpy(copy, fc->data, fc->size);
      size_t at = kz_test_rand_below(&r, fc->size);
      uint8_t mask = (uint8_t)(1 + kz_test_rand_below(&r, 255));
      copy[at] ^= mask;
      CHECK_EQ_INT(write_whole(work, fc->name, copy, fc->size), 0);
      idx = NULL;
      int rc = kz_index_open(&idx, work, &err);
      o->flips++;
      char what[320];
      snprintf(what, sizeof what, "%s byte %zu ^ 0x%02x", fc->name, at, mask);
      if (rc == KZ_OK) {
        o->opened++;
        char words[3][64];
        size_t n_words = seg_i < 0 ? 0 : words_at(&intact_idx->segs[seg_i], kind_of(fc->name), at, words, 3);
        n_target = 0;
        if (n_words) {
          n_target = targeted_queries(words[0], target);
          o->targeted++;
          /* The other terms of a dictionary block, alone. */
          for (size_t w = 1; w < n_words; w++) snprintf(target[w], 160, "%s", words[w]);
        }
        /* The dictionary walk of kz_index_stats_get after every damaged dictionary, else now and then. */
        int stats = strcmp(kKinds[kind], "dict") == 0 || k % 8 == 0;
        ok = run_queries(idx, queries, n_q, target, n_target, k, stats, o, what);
        kz_index_close(idx);
      } else if (rc == KZ_ERR_CORRUPT) {
        o->open_corrupt++;
      } else if (rc == KZ_ERR_VERSION) {
        o->open_version++;
      } else {
        fprintf(stderr, "%s: kz_index_open returned %d: %s\n", what, rc, err.message);
        ok = 0;
      }
    }
    free(copy);
    CHECK_EQ_INT(write_whole(work, fc->name, fc->data, fc->size), 0); /* restore */
  }
  CHECK(ok);

  printf("index: %d segments (memory budget %zu KiB), %zu files, %u documents\n", segments,
         budget >> 10, n_files, N_DOCS);
  printf("%-9s %5s %6s %6s %8s %8s %7s %8s %10s %11s\n", "kind", "files", "truncs", "flips",
         "open:bad", "open:ver", "opened", "targeted", "queries ok", "queries bad");
  for (size_t k = 0; k < N_KINDS; k++) {
    const outcome *o = &by_kind[k];
    printf("%-9s %5zu %6zu %6zu %8zu %8zu %7zu %8zu %10zu %11zu\n", kKinds[k], o->files,
           o->truncations, o->flips, o->open_corrupt, o->open_version, o->opened, o->targeted,
           o->queries_ok, o->queries_corrupt);
  }
  kz_index_close(intact_idx);

  /* After all that the restored copy opens and answers as before. */
  CHECK_EQ_INT(kz_index_open(&idx, work, &err), KZ_OK);
  uint64_t again = 0;
  CHECK_EQ_INT(kz_count(&again, idx, queries[0], NULL, &err), KZ_OK);
  CHECK_EQ_INT(again, count);
  kz_index_close(idx);

  for (size_t i = 0; i < n_files; i++) free(files[i].data);
  free(files);
}

static void test_corrupt_index__truncated_or_flipped_files_fail_cleanly(void) {
  char base[256];
  CHECK(kz_test_make_temp_dir(base, sizeof base, "kz_test_corrupt"));
  int failures = kz_test_failures_;
  damage_each_file(base);
  CHECK(kz_test_remove_tree(base));
  if (kz_test_failures_ != failures) fprintf(stderr, "(scratch directory %s removed)\n", base);
}

KZ_TEST_MAIN(KZ_TEST(test_corrupt_index__truncated_or_flipped_files_fail_cleanly))
