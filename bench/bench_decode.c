/*
 * bench_decode.c - how fast full postings blocks decode (common/postblock.c).
 *
 * Builds a synthetic postings list of ~10M doc ids whose spacing is geometric
 * (mean 8 and mean 64, i.e. a frequent and a middling term) with frequencies
 * 1 + geometric(mean 1), encodes it in full blocks of KZ_BLOCK_DOCS, then
 * times, block by block into a 128-entry scratch area as a cursor would:
 *   copy     a plain loop copying the already-decoded docs and freqs (the
 *            floor: what the same output costs without any decoding),
 *   unpack   the two bit-unpacks alone (gaps and freqs-1, no prefix sum),
 *   decode   kz_postblock_decode (unpack, prefix sum, checks, freq + 1).
 * Each is the median of --runs runs (the fastest is shown too, for noisy
 * machines); speed counts docs + freqs, so two integers per posting. Not a
 * test: it checks only that decoding round-trips.
 *
 * usage: bench_decode [--docs N] [--runs R]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/postblock.h"
#include "kzsearch.h"

typedef struct rng {
  uint64_t s;
} rng;

static uint64_t rng_next(rng *r) { /* splitmix64 */
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Failures before the first success with success probability p (mean 1/p - 1). */
static uint32_t rng_geometric(rng *r, double p) {
  uint32_t k = 0;
  while ((double)(rng_next(r) >> 11) * 0x1p-53 >= p) k++;
  return k;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void print_cpu_model(void) {
  char line[512];
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (f) {
    while (fgets(line, sizeof line, f)) {
      if (strncmp(line, "model name", 10) == 0) {
        const char *colon = strchr(line, ':');
        printf("cpu:     %s", colon ? colon + 2 : line);
        fclose(f);
        return;
      }
    }
    fclose(f);
  }
  printf("cpu:     unknown\n");
}

/* The workload: encoded blocks and, for the copy floor and the check, the decoded values. */
typedef struct workload {
  size_t n_docs, n_blocks;
  uint32_t *docs, *freqs;
  kz_buf encoded;
} workload;

/* One timed pass over every block; returns a value that depends on all output. */
typedef uint64_t (*pass_fn)(const workload *w, uint32_t *d, uint32_t *f);

/* Kept out of line (through a volatile pointer) so the copy cannot be elided. */
static void copy_u32(uint32_t *dst, const uint32_t *src, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = src[i];
}

static uint64_t pass_copy(const workload *w, uint32_t *d, uint32_t *f) {
  void (*volatile copy)(uint32_t *, const uint32_t *, size_t) = copy_u32;
  uint64_t sink = 0;
  for (size_t b = 0; b < w->n_blocks; b++) {
    copy(d, w->docs + b * KZ_BLOCK_DOCS, KZ_BLOCK_DOCS);
    copy(f, w->freqs + b * KZ_BLOCK_DOCS, KZ_BLOCK_DOCS);
    sink += d[KZ_BLOCK_DOCS - 1] + f[b % KZ_BLOCK_DOCS];
  }
  return sink;
}

static uint64_t pass_unpack(const workload *w, uint32_t *d, uint32_t *f) {
  const uint8_t *p = w->encoded.data;
  uint64_t sink = 0;
  for (size_t b = 0; b < w->n_blocks; b++) {
    unsigned gap_bits = *p++;
    kz_bitpack_decode(p, KZ_BLOCK_DOCS, gap_bits, d);
    p += kz_bitpack_bytes(KZ_BLOCK_DOCS, gap_bits);
    unsigned freq_bits = *p++;
    kz_bitpack_decode(p, KZ_BLOCK_DOCS, freq_bits, f);
    p += kz_bitpack_bytes(KZ_BLOCK_DOCS, freq_bits);
    sink += d[KZ_BLOCK_DOCS - 1] + f[b % KZ_BLOCK_DOCS];
  }
  return sink;
}

static uint64_t pass_decode(const workload *w, uint32_t *d, uint32_t *f) {
  const uint8_t *p = w->encoded.data, *end = p + w->encoded.len;
  int64_t prev = -1;
  uint64_t sink = 0;
  for (size_t b = 0; b < w->n_blocks; b++) {
    if (kz_postblock_decode(p, end, prev, KZ_BLOCK_DOCS, UINT32_MAX, d, f, &p) != KZ_OK) {
      fprintf(stderr, "decode failed at block %zu\n", b);
      exit(1);
    }
    prev = d[KZ_BLOCK_DOCS - 1];
    sink += d[KZ_BLOCK_DOCS - 1] + f[b % KZ_BLOCK_DOCS];
  }
  return sink;
}

/* Median seconds of `runs` passes (after one warm-up pass); *best gets the fastest. */
static double time_pass(pass_fn fn, const workload *w, int runs, double *best, uint64_t *sink) {
  uint32_t d[KZ_BLOCK_DOCS], f[KZ_BLOCK_DOCS];
  double t[64];
  *sink += fn(w, d, f);
  for (int r = 0; r < runs; r++) {
    double t0 = now_seconds();
    *sink += fn(w, d, f);
    t[r] = now_seconds() - t0;
  }
  qsort(t, (size_t)runs, sizeof t[0], cmp_double);
  *best = t[0];
  return t[runs / 2];
}

static int build(workload *w, size_t n_docs, double mean_spacing, uint64_t seed) {
  rng r = {seed};
  w->n_blocks = n_docs / KZ_BLOCK_DOCS;
  w->n_docs = w->n_blocks * KZ_BLOCK_DOCS;
  w->docs = malloc(w->n_docs * sizeof *w->docs);
  w->freqs = malloc(w->n_docs * sizeof *w->freqs);
  kz_buf init = KZ_BUF_INIT;
  w->encoded = init;
  if (!w->docs || !w->freqs) return KZ_ERR_NOMEM;
  /* doc[i] - doc[i-1] = 1 + geometric with mean (mean_spacing - 1). */
  uint64_t doc = rng_geometric(&r, 1.0 / mean_spacing);
  for (size_t i = 0; i < w->n_docs; i++) {
    if (doc >= UINT32_MAX) return KZ_ERR_LIMIT;
    w->docs[i] = (uint32_t)doc;
    w->freqs[i] = 1 + rng_geometric(&r, 0.5);
    doc += 1 + rng_geometric(&r, 1.0 / mean_spacing);
  }
  int64_t prev = -1;
  for (size_t b = 0; b < w->n_blocks; b++) {
    size_t at = b * KZ_BLOCK_DOCS;
    int rc = kz_postblock_encode(&w->encoded, prev, w->docs + at, w->freqs + at, KZ_BLOCK_DOCS);
    if (rc) return rc;
    prev = w->docs[at + KZ_BLOCK_DOCS - 1];
  }
  return KZ_OK;
}

static void release(workload *w) {
  free(w->docs);
  free(w->freqs);
  kz_buf_free(&w->encoded);
}

/* Decodes everything once into full arrays and compares: the bench measures a correct decoder. */
static int verify(const workload *w) {
  const uint8_t *p = w->encoded.data, *end = p + w->encoded.len;
  int64_t prev = -1;
  uint32_t d[KZ_BLOCK_DOCS], f[KZ_BLOCK_DOCS];
  for (size_t b = 0; b < w->n_blocks; b++) {
    if (kz_postblock_decode(p, end, prev, KZ_BLOCK_DOCS, UINT32_MAX, d, f, &p) != KZ_OK) return -1;
    if (memcmp(d, w->docs + b * KZ_BLOCK_DOCS, sizeof d) != 0 ||
        memcmp(f, w->freqs + b * KZ_BLOCK_DOCS, sizeof f) != 0)
      return -1;
    prev = d[KZ_BLOCK_DOCS - 1];
  }
  return p == end ? 0 : -1;
}

int main(int argc, char **argv) {
  size_t n_docs = 10000000;
  int runs = 5;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--docs") == 0 && i + 1 < argc) {
      n_docs = (size_t)strtoull(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = atoi(argv[++i]);
    } else {
      fprintf(stderr, "usage: %s [--docs N] [--runs R]\n", argv[0]);
      return 2;
    }
  }
  if (runs < 1 || runs > 63 || n_docs < KZ_BLOCK_DOCS) {
    fprintf(stderr, "need --runs 1..63 and --docs >= %d\n", KZ_BLOCK_DOCS);
    return 2;
  }

  char date[64];
  time_t now = time(NULL);
  strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %z", localtime(&now));
  printf("command:");
  for (int i = 0; i < argc; i++) printf(" %s", argv[i]);
  printf("\n");
  print_cpu_model();
  printf("date:    %s\n", date);
  printf("kzsearch %s, full blocks of %d; ms and Gint/s (10^9 docs + freqs per second) are the\n"
         "median of %d runs, x copy is time relative to copy, best is Gint/s of the fastest run\n\n",
         kz_version(), KZ_BLOCK_DOCS, runs);

  static const double spacings[] = {8.0, 64.0};
  uint64_t sink = 0;
  printf("%-12s %10s %8s %9s  %-7s %8s %8s %8s %8s\n", "doc spacing", "docs", "MB", "bits/doc",
         "pass", "ms", "Gint/s", "x copy", "best");
  for (size_t s = 0; s < sizeof spacings / sizeof spacings[0]; s++) {
    workload w;
    int rc = build(&w, n_docs, spacings[s], 42 + s);
    if (rc != KZ_OK || verify(&w) != 0) {
      fprintf(stderr, "building the workload failed (%s)\n", rc ? kz_strerror(rc) : "verify");
      release(&w);
      return 1;
    }
    double bits = 8.0 * (double)w.encoded.len / (double)w.n_docs;
    static const pass_fn passes[3] = {pass_copy, pass_unpack, pass_decode};
    static const char *const names[3] = {"copy", "unpack", "decode"};
    double median[3], best[3];
    for (int k = 0; k < 3; k++) median[k] = time_pass(passes[k], &w, runs, &best[k], &sink);
    for (int k = 0; k < 3; k++) {
      char label[32] = "";
      if (k == 0) snprintf(label, sizeof label, "geo mean %g", spacings[s]);
      printf("%-12s %10zu %8.1f %9.2f  %-7s %8.2f %8.2f %8.2f %8.2f\n", label, w.n_docs,
             (double)w.encoded.len / 1e6, bits, names[k], median[k] * 1e3,
             2.0 * (double)w.n_docs / median[k] / 1e9, median[k] / median[0],
             2.0 * (double)w.n_docs / best[k] / 1e9);
    }
    release(&w);
  }
  printf("\n(checksum %llu)\n", (unsigned long long)sink);
  return 0;
}
