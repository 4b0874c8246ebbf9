/*
 * bench_decode.c - how fast postings blocks decode, per instruction set
 * (format/bitpack.c, format/runs.c, format/postblock.c).
 *
 * Workloads: synthetic postings of --docs doc ids whose spacing is
 * geometric (mean 8 and mean 64: a frequent and a middling term) with
 * frequencies 1 + geometric(mean 1), and, with --index DIR, every full
 * block of every term of a real index. For each decoder level this CPU
 * runs (scalar, sse4.1, avx2) it times, block by block into a 128-entry
 * scratch area as a cursor would:
 *   kernel   the vertical unpack of the gaps fused with the prefix sum, and
 *            the unpack of the frequencies, on blocks packed at one width each
 *            (no headers, exceptions or bitsets: the kernels alone),
 *   block    kz_postblock_decode: headers, exceptions, bitsets, checks.
 * and, once, a plain copy of the decoded arrays (the floor). The baseline is
 * the scalar level, measured in the same run, and every figure is the
 * median of --runs runs (the best is shown too). Speed counts docs + freqs,
 * so two integers per posting. Not a test, but every pass is checked
 * against the expected values first.
 *
 * usage: bench_decode [--docs N] [--runs R] [--index DIR]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_harness.h"
#include "format/bitpack.h"
#include "common/buf.h"
#include "format/postblock.h"
#include "format/postings_reader.h"
#include "kzsearch.h"
#include "searcher/index.h"

/* Failures before the first success with success probability p (mean 1/p - 1). */
static uint32_t rng_geometric(kz_test_rng *r, double p) {
  uint32_t k = 0;
  while (kz_test_rand_unit_nonzero(r) > p) k++;
  return k;
}

/* Full blocks: their encoding, their decoded values, and the same values packed bare. */
typedef struct workload {
  size_t n_blocks;
  uint32_t *docs, *freqs;   /* n_blocks * 128 each */
  int64_t *prev;            /* per block: the document before it (-1 for a term's first) */
  uint32_t *limit;          /* per block: the segment's doc count */
  kz_buf blocks;            /* kz_postblock_encode output, back to back */
  size_t *block_at;         /* where each block starts in `blocks` */
  kz_buf bare;              /* per block: u8 gap width, packed gaps, u8 freq width, packed freqs-1 */
} workload;

static int grow(workload *w, size_t n) {
  size_t v = n * KZ_BLOCK_DOCS;
  uint32_t *d = realloc(w->docs, v * sizeof *d), *f;
  if (!d) return KZ_ERR_NOMEM;
  w->docs = d;
  if (!(f = realloc(w->freqs, v * sizeof *f))) return KZ_ERR_NOMEM;
  w->freqs = f;
  int64_t *p = realloc(w->prev, n * sizeof *p);
  if (!p) return KZ_ERR_NOMEM;
  w->prev = p;
  uint32_t *l = realloc(w->limit, n * sizeof *l);
  if (!l) return KZ_ERR_NOMEM;
  w->limit = l;
  size_t *a = realloc(w->block_at, n * sizeof *a);
  if (!a) return KZ_ERR_NOMEM;
  w->block_at = a;
  return KZ_OK;
}

/* Appends one full block (docs after prev) in both encodings. */
static int add_block(workload *w, size_t cap, const uint32_t *docs, const uint32_t *freqs,
                     int64_t prev, uint32_t limit) {
  if (w->n_blocks == cap) return KZ_ERR_LIMIT;
  size_t b = w->n_blocks++;
  memcpy(w->docs + b * KZ_BLOCK_DOCS, docs, KZ_BLOCK_DOCS * sizeof *docs);
  memcpy(w->freqs + b * KZ_BLOCK_DOCS, freqs, KZ_BLOCK_DOCS * sizeof *freqs);
  w->prev[b] = prev;
  w->limit[b] = limit;
  w->block_at[b] = w->blocks.len;
  int rc = kz_postblock_encode(&w->blocks, prev, docs, freqs, KZ_BLOCK_DOCS);
  if (rc) return rc;
  uint32_t gaps[KZ_BLOCK_DOCS], fm1[KZ_BLOCK_DOCS], any_g = 0, any_f = 0;
  for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) {
    gaps[i] = (uint32_t)((int64_t)docs[i] - (i ? (int64_t)docs[i - 1] : prev) - 1);
    fm1[i] = freqs[i] - 1;
    any_g |= gaps[i];
    any_f |= fm1[i];
  }
  unsigned gb = kz_bit_length(any_g), fb = kz_bit_length(any_f);
  if ((rc = kz_buf_reserve(&w->bare, 2 + 16 * (gb + fb)))) return rc;
  uint8_t *p = w->bare.data + w->bare.len;
  *p++ = (uint8_t)gb;
  kz_pack128(gaps, gb, p);
  p += 16 * gb;
  *p++ = (uint8_t)fb;
  kz_pack128(fm1, fb, p);
  p += 16 * fb;
  w->bare.len = (size_t)(p - w->bare.data);
  return KZ_OK;
}

static int build_synthetic(workload *w, size_t n_docs, double mean_spacing, uint64_t seed) {
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, seed);
  size_t cap = n_docs / KZ_BLOCK_DOCS;
  int rc = grow(w, cap);
  uint64_t doc = rng_geometric(&r, 1.0 / mean_spacing);
  int64_t prev = -1;
  for (size_t b = 0; b < cap && !rc; b++) {
    uint32_t docs[KZ_BLOCK_DOCS], freqs[KZ_BLOCK_DOCS];
    for (size_t i = 0; i < KZ_BLOCK_DOCS; i++) {
      if (doc >= UINT32_MAX - 1) return KZ_ERR_LIMIT;
      docs[i] = (uint32_t)doc;
      freqs[i] = 1 + rng_geometric(&r, 0.5);
      doc += 1 + rng_geometric(&r, 1.0 / mean_spacing);
    }
    rc = add_block(w, cap, docs, freqs, prev, UINT32_MAX - 1);
    prev = docs[KZ_BLOCK_DOCS - 1];
  }
  return rc;
}

/* Every full block of every term of the index's segments, decoded through cursors. */
static int build_real(workload *w, const char *dir) {
  kz_error err;
  kz_index *idx;
  if (kz_index_open(&idx, dir, &err) != KZ_OK) {
    fprintf(stderr, "%s\n", err.message);
    return KZ_ERR_IO;
  }
  size_t cap = 0;
  for (size_t s = 0; s < idx->n_segs; s++) cap += idx->segs[s].info.n_postings / KZ_BLOCK_DOCS;
  int rc = grow(w, cap ? cap : 1);
  for (size_t s = 0; s < idx->n_segs && !rc; s++) {
    kz_dict_iter it;
    kz_dict_iter_init(&it, &idx->segs[s]);
    while (!rc && kz_dict_iter_next(&it) == 1) {
      if (it.info.df < KZ_BLOCK_DOCS) continue;
      int error = 0;
      kz_postings c;
      kz_postings_init(&c, &idx->segs[s], &it.info, &error);
      int64_t prev = -1;
      for (uint32_t d = kz_postings_next(&c); d != KZ_DOC_END && !rc; d = kz_postings_next(&c)) {
        if (c.i + 1 != c.n) continue;
        if (c.n == KZ_BLOCK_DOCS)
          rc = add_block(w, cap, c.docs, c.freqs, prev, idx->segs[s].info.doc_count);
        prev = c.docs[c.n - 1];
      }
      if (error) rc = error;
    }
  }
  kz_index_close(idx);
  return rc;
}

static void release(workload *w) {
  free(w->docs);
  free(w->freqs);
  free(w->prev);
  free(w->limit);
  free(w->block_at);
  kz_buf_free(&w->blocks);
  kz_buf_free(&w->bare);
}

typedef uint64_t (*pass_fn)(const workload *w, const kz_unpacker *u, int check);

/* Kept out of line (through a volatile pointer) so the copy cannot be elided. */
static void copy_u32(uint32_t *dst, const uint32_t *src, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = src[i];
}

static uint64_t pass_copy(const workload *w, const kz_unpacker *u, int check) {
  void (*volatile copy)(uint32_t *, const uint32_t *, size_t) = copy_u32;
  uint32_t d[KZ_BLOCK_DOCS], f[KZ_BLOCK_DOCS];
  uint64_t sink = 0;
  for (size_t b = 0; b < w->n_blocks; b++) {
    copy(d, w->docs + b * KZ_BLOCK_DOCS, KZ_BLOCK_DOCS);
    copy(f, w->freqs + b * KZ_BLOCK_DOCS, KZ_BLOCK_DOCS);
    sink += d[KZ_BLOCK_DOCS - 1] + f[b % KZ_BLOCK_DOCS];
  }
  return sink;
}

static int same_block(const workload *w, size_t b, const uint32_t *d, const uint32_t *f) {
  return memcmp(d, w->docs + b * KZ_BLOCK_DOCS, KZ_BLOCK_DOCS * sizeof *d) == 0 &&
         memcmp(f, w->freqs + b * KZ_BLOCK_DOCS, KZ_BLOCK_DOCS * sizeof *f) == 0;
}

static uint64_t pass_kernel(const workload *w, const kz_unpacker *u, int check) {
  uint32_t d[KZ_BLOCK_DOCS], f[KZ_BLOCK_DOCS];
  const uint8_t *p = w->bare.data;
  uint64_t sink = 0;
  for (size_t b = 0; b < w->n_blocks; b++) {
    unsigned gb = *p++;
    u->unpack_prefix(p, gb, (uint32_t)w->prev[b], d);
    p += 16 * gb;
    unsigned fb = *p++;
    u->unpack(p, fb, 1, f);
    p += 16 * fb;
    if (check && !same_block(w, b, d, f)) return 0;
    sink += d[KZ_BLOCK_DOCS - 1] + f[b % KZ_BLOCK_DOCS];
  }
  return sink;
}

static uint64_t pass_block(const workload *w, const kz_unpacker *u, int check) {
  uint32_t d[KZ_BLOCK_DOCS], f[KZ_BLOCK_DOCS];
  const uint8_t *end = w->blocks.data + w->blocks.len, *next;
  uint64_t sink = 0;
  for (size_t b = 0; b < w->n_blocks; b++) {
    if (kz_postblock_decode(u, w->blocks.data + w->block_at[b], end, w->prev[b], KZ_BLOCK_DOCS,
                            w->limit[b], d, f, &next) != KZ_OK)
      return 0;
    if (check && !same_block(w, b, d, f)) return 0;
    sink += d[KZ_BLOCK_DOCS - 1] + f[b % KZ_BLOCK_DOCS];
  }
  return sink;
}

/* Median seconds of `runs` passes after a checked warm-up; *best gets the fastest. 0 on a wrong result. */
static double time_pass(pass_fn fn, const workload *w, const kz_unpacker *u, int runs, double *best,
                        uint64_t *sink) {
  if (fn(w, u, 1) == 0) return 0;
  double t[64];
  for (int r = 0; r < runs; r++) {
    double t0 = bench_now();
    *sink += fn(w, u, 0);
    t[r] = bench_now() - t0;
  }
  double median = bench_median(t, (size_t)runs);
  *best = t[0];
  return median;
}

static int report(const char *label, const workload *w, int runs, uint64_t *sink) {
  double bits = 8.0 * (double)w->blocks.len / (double)(w->n_blocks * KZ_BLOCK_DOCS);
  double ints = 2.0 * (double)(w->n_blocks * KZ_BLOCK_DOCS), best;
  double copy = time_pass(pass_copy, w, NULL, runs, &best, sink);
  printf("%s: %zu blocks, %.2f bits per posting (docs + freqs + headers)\n", label, w->n_blocks, bits);
  printf("  %-8s %-7s %9s %9s %9s %11s\n", "pass", "level", "ms", "Gint/s", "best", "vs scalar");
  printf("  %-8s %-7s %9.2f %9.2f %9.2f\n", "copy", "", copy * 1e3, ints / copy / 1e9,
         ints / best / 1e9);
  static const pass_fn passes[2] = {pass_kernel, pass_block};
  static const char *const names[2] = {"kernel", "block"};
  for (int k = 0; k < 2; k++) {
    double scalar = 0;
    for (int l = 0; l < KZ_SIMD_LEVELS; l++) {
      const kz_unpacker *u = kz_unpacker_get((kz_simd_level)l);
      if (!u) continue;
      double t = time_pass(passes[k], w, u, runs, &best, sink);
      if (t == 0) {
        fprintf(stderr, "%s decoded wrongly at level %s\n", names[k], kz_simd_level_name(l));
        return -1;
      }
      if (l == KZ_SIMD_SCALAR) scalar = t;
      printf("  %-8s %-7s %9.2f %9.2f %9.2f %10.2fx\n", names[k], kz_simd_level_name(l), t * 1e3,
             ints / t / 1e9, ints / best / 1e9, scalar / t);
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  size_t n_docs = 10000000;
  int runs = 7;
  const char *index = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--docs") == 0 && i + 1 < argc) {
      n_docs = (size_t)strtoull(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--index") == 0 && i + 1 < argc) {
      index = argv[++i];
    } else {
      fprintf(stderr, "usage: %s [--docs N] [--runs R] [--index DIR]\n", argv[0]);
      return 2;
    }
  }
  if (runs < 1 || runs > 63 || n_docs < KZ_BLOCK_DOCS) {
    fprintf(stderr, "need --runs 1..63 and --docs >= %d\n", KZ_BLOCK_DOCS);
    return 2;
  }
  printf("command:");
  for (int i = 0; i < argc; i++) printf(" %s", argv[i]);
  printf("\n");
  bench_print_machine();
  printf("kzsearch %s; thread CPU time, median of %d runs; Gint/s = 10^9 docs + freqs per second\n\n",
         kz_version(), runs);
  uint64_t sink = 0;
  static const double spacings[] = {8.0, 64.0};
  for (size_t s = 0; s < sizeof spacings / sizeof spacings[0]; s++) {
    workload w = {0};
    char label[64];
    snprintf(label, sizeof label, "geometric spacing, mean %g", spacings[s]);
    int rc = build_synthetic(&w, n_docs, spacings[s], 42 + s);
    if (rc || report(label, &w, runs, &sink)) {
      if (rc) fprintf(stderr, "building the workload failed: %s\n", kz_strerror(rc));
      release(&w);
      return 1;
    }
    release(&w);
  }
  if (index) {
    workload w = {0};
    int rc = build_real(&w, index);
    if (rc || report(index, &w, runs, &sink)) {
      if (rc) fprintf(stderr, "reading %s failed: %s\n", index, kz_strerror(rc));
      release(&w);
      return 1;
    }
    release(&w);
  }
  printf("\n(checksum %llu)\n", (unsigned long long)sink);
  return 0;
}
