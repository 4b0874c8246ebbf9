/*
 * bench_intersect.c - how fast each intersection kernel (searcher/intersect.h)
 * is, in ns per input doc id, against the branchless scalar merge measured
 * in the same run.
 *
 * Three parts:
 *   synthetic  ratios 1:1 .. 1:10000 on uniform and clustered lists. The
 *              short list has --short values (default 10^6) unless the long
 *              one would exceed --max-long (default 10^8), then it shrinks.
 *              Uniform: both lists random subsets of a range 4x the long one
 *              (the long list holds 1 in 4 ids; a quarter of the short list
 *              matches). Clustered: the range is cut in regions of 4096 ids,
 *              1 in 8 of them hot for both lists alike; 80% of each list
 *              falls in hot regions (correlated terms: ~2/3 of the short
 *              list matches).
 *   cut-over   the fastest merge against the fastest galloping kernel at
 *              ratios 4..64 (short lists of 10^4 and 10^5), to place
 *              KZ_INTERSECT_GALLOP_RATIO.
 *   real       with --index DIR: doc-id lists of term pairs whose document
 *              frequencies differ by about each ratio, decoded from the
 *              largest segment with the postings cursor.
 * Every kernel's output is checked against the plain merge before it is
 * timed. Each figure is the median of --runs runs (kernels interleaved run
 * by run, so they share the machine's noise), each run repeating the
 * intersection for at least 20 ms; the minimum is printed beside it.
 *
 * usage: bench_intersect [--index DIR] [--runs R] [--short N] [--max-long N]
 *                        [--no-synthetic] [--no-cutover]
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_harness.h"
#include "bench/bench_terms.h"
#include "format/postblock.h"
#include "format/postings_reader.h"
#include "format/segment_reader.h"
#include "kzsearch.h"
#include "searcher/index.h"
#include "searcher/intersect.h"

#define MIN_RUN_SECONDS 0.02
#define MAX_RUNS 64

typedef struct ids {
  uint32_t *v;
  size_t n, cap;
} ids;

static void ids_push(ids *l, uint32_t x) {
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 1024;
    l->v = realloc(l->v, l->cap * sizeof *l->v);
    if (!l->v) {
      fprintf(stderr, "out of memory\n");
      exit(1);
    }
  }
  l->v[l->n++] = x;
}

/* ---- synthetic lists ------------------------------------------------------ */

#define REGION_BITS 12

static int region_hot(uint64_t region, uint64_t seed) {
  kz_test_rng h = kz_test_rng_make(KZ_TEST_SPLITMIX64, region ^ seed);
  return (kz_test_rand(&h) & 7) == 0;
}

/*
 * Each id in [0, universe) is in the list with probability p_hot in hot
 * regions and p_cold elsewhere: geometric gaps, redrawn at each region
 * boundary (the process is memoryless, so that is exact).
 */
static ids make_list(kz_test_rng *r, uint64_t universe, double p_hot, double p_cold,
                     uint64_t seed) {
  ids l = {NULL, 0, 0};
  int64_t pos = -1;
  for (;;) {
    uint64_t region = (uint64_t)(pos + 1) >> REGION_BITS;
    int64_t region_end = (int64_t)((region + 1) << REGION_BITS);
    double p = region_hot(region, seed) ? p_hot : p_cold;
    int64_t gap = 1;
    if (p <= 0) {
      gap = region_end; /* nothing in this region */
    } else if (p < 1) {
      double g = floor(log(kz_test_rand_unit_nonzero(r)) / log1p(-p));
      gap = g < 1e15 ? 1 + (int64_t)g : region_end;
    }
    if (pos + gap >= region_end) {
      pos = region_end - 1;
      if ((uint64_t)pos + 1 >= universe) break;
      continue;
    }
    pos += gap;
    if ((uint64_t)pos >= universe) break;
    ids_push(&l, (uint32_t)pos);
  }
  return l;
}

typedef enum { UNIFORM, CLUSTERED } shape;
static const char *const shape_name[] = {"uniform", "clustered"};

/* A pair of about n_short and n_long ids of the given shape. */
static void make_pair(shape sh, size_t n_short, size_t n_long, uint64_t seed, ids *s, ids *l) {
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, seed);
  if (sh == UNIFORM) {
    uint64_t universe = 4 * (uint64_t)n_long;
    *l = make_list(&r, universe, 0.25, 0.25, seed);
    double p = 0.25 * (double)n_short / (double)n_long;
    *s = make_list(&r, universe, p, p, seed);
  } else {
    uint64_t universe = 8 * (uint64_t)n_long;
    /* Hot regions are 1/8 of the range: 80% of n over N/8 ids, 20% over 7N/8. */
    double hot = 0.8 * 8 / 8.0, cold = 0.2 * 8 / 56.0;
    double f = (double)n_short / (double)n_long;
    *l = make_list(&r, universe, hot, cold, seed);
    *s = make_list(&r, universe, hot * f, cold * f, seed);
  }
}

/* ---- timing --------------------------------------------------------------- */

typedef struct timing {
  double median, min; /* seconds per intersection */
} timing;

/* The kernels of this run: every algorithm the CPU supports. */
typedef struct kernels {
  kz_intersect_algo algo[KZ_INTERSECT_N_ALGOS];
  size_t n;
} kernels;

static kernels available_kernels(void) {
  kernels k = {{0}, 0};
  for (int a = 0; a < KZ_INTERSECT_N_ALGOS; a++)
    if (kz_intersect_kernel((kz_intersect_algo)a))
      k.algo[k.n++] = (kz_intersect_algo)a;
    else
      fprintf(stderr, "note: %s skipped: not supported here\n",
              kz_intersect_algo_name((kz_intersect_algo)a));
  return k;
}

/* Checks every kernel against the oracle, then times them interleaved. */
static void time_kernels(const kernels *ks, const ids *s, const ids *l, int runs, timing *out_t) {
  size_t cap = s->n < l->n ? s->n : l->n;
  uint32_t *want = malloc((cap ? cap : 1) * sizeof *want);
  uint32_t *got = malloc((cap ? cap : 1) * sizeof *got);
  if (!want || !got) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  size_t n_want = kz_intersect_merge(s->v, s->n, l->v, l->n, want);
  size_t reps[KZ_INTERSECT_N_ALGOS];
  for (size_t k = 0; k < ks->n; k++) {
    kz_intersect_fn fn = kz_intersect_kernel(ks->algo[k]);
    double t0 = bench_now();
    size_t n = fn(s->v, s->n, l->v, l->n, got);
    double dt = bench_now() - t0;
    if (n != n_want || (n && memcmp(got, want, n * sizeof *got) != 0)) {
      fprintf(stderr, "kernel %s disagrees with the merge (%zu vs %zu results)\n",
              kz_intersect_algo_name(ks->algo[k]), n, n_want);
      exit(1);
    }
    reps[k] = dt >= MIN_RUN_SECONDS ? 1 : (size_t)(MIN_RUN_SECONDS / (dt > 1e-9 ? dt : 1e-9)) + 1;
  }
  double samples[KZ_INTERSECT_N_ALGOS][MAX_RUNS];
  volatile size_t sink = 0;
  for (int run = 0; run < runs; run++)
    for (size_t k = 0; k < ks->n; k++) {
      kz_intersect_fn fn = kz_intersect_kernel(ks->algo[k]);
      double t0 = bench_now();
      for (size_t rep = 0; rep < reps[k]; rep++) sink += fn(s->v, s->n, l->v, l->n, got);
      samples[k][run] = (bench_now() - t0) / (double)reps[k];
    }
  for (size_t k = 0; k < ks->n; k++) {
    out_t[k].median = bench_median(samples[k], (size_t)runs);
    out_t[k].min = samples[k][0];
  }
  (void)sink;
  free(want);
  free(got);
}

static size_t kernel_index(const kernels *ks, kz_intersect_algo a) {
  for (size_t k = 0; k < ks->n; k++)
    if (ks->algo[k] == a) return k;
  return SIZE_MAX;
}

static void print_header(void) {
  printf("%-10s %-7s %10s %11s %9s  %-14s %9s %10s %8s %9s\n", "lists", "ratio", "short", "long",
         "matches", "kernel", "ns/id", "ns/short", "speedup", "min ns/id");
}

/* One line per kernel; `elems` and `shorts` sum the inputs timed (several pairs for real lists). */
static void print_rows(const char *what, size_t ratio, size_t n_short, size_t n_long,
                       size_t matches, const kernels *ks, const timing *t) {
  size_t base = kernel_index(ks, KZ_INTERSECT_BRANCHLESS);
  double elems = (double)(n_short + n_long);
  for (size_t k = 0; k < ks->n; k++) {
    printf("%-10s 1:%-5zu %10zu %11zu %9zu  %-14s %9.3f %10.2f %7.2fx %9.3f\n", what, ratio,
           n_short, n_long, matches, kz_intersect_algo_name(ks->algo[k]),
           t[k].median * 1e9 / elems, t[k].median * 1e9 / (double)n_short,
           t[base].median / t[k].median, t[k].min * 1e9 / elems);
  }
  fflush(stdout);
}

static size_t count_matches(const ids *s, const ids *l) {
  uint32_t *tmp = malloc((s->n ? s->n : 1) * sizeof *tmp);
  size_t n = kz_intersect_merge(s->v, s->n, l->v, l->n, tmp);
  free(tmp);
  return n;
}

static void run_synthetic(const kernels *ks, int runs, size_t base_short, size_t max_long) {
  static const size_t ratios[] = {1, 10, 100, 1000, 10000};
  printf("\n== synthetic lists (--short %zu, --max-long %zu, %d runs) ==\n", base_short, max_long,
         runs);
  print_header();
  for (int sh = UNIFORM; sh <= CLUSTERED; sh++)
    for (size_t q = 0; q < sizeof ratios / sizeof ratios[0]; q++) {
      size_t ratio = ratios[q], n_long = base_short * ratio;
      if (n_long > max_long) n_long = max_long;
      size_t n_short = n_long / ratio;
      if (n_short == 0) continue;
      ids s, l;
      make_pair((shape)sh, n_short, n_long, 1000 + q, &s, &l);
      timing t[KZ_INTERSECT_N_ALGOS];
      time_kernels(ks, &s, &l, runs, t);
      print_rows(shape_name[sh], ratio, s.n, l.n, count_matches(&s, &l), ks, t);
      free(s.v);
      free(l.v);
    }
}

/*
 * The best merge kernel against the best galloping one around the
 * dispatcher's cut-over, with short lists of 10^4 (the long list then fits
 * in L2, like most lists of a segment) and of 10^5.
 */
static void run_cutover(int runs) {
  static const size_t ratios[] = {4, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64};
  static const size_t shorts[] = {10000, 100000};
  kz_intersect_algo merge = kz_intersect_kernel(KZ_INTERSECT_AVX2)    ? KZ_INTERSECT_AVX2
                            : kz_intersect_kernel(KZ_INTERSECT_SSE41) ? KZ_INTERSECT_SSE41
                                                                      : KZ_INTERSECT_BRANCHLESS;
  kz_intersect_algo gal = kz_intersect_kernel(KZ_INTERSECT_GALLOP_AVX2) ? KZ_INTERSECT_GALLOP_AVX2
                          : kz_intersect_kernel(KZ_INTERSECT_GALLOP_SSE41)
                              ? KZ_INTERSECT_GALLOP_SSE41
                              : KZ_INTERSECT_GALLOP;
  kernels ks = {{merge, gal}, 2};
  printf("\n== cut-over: %s against %s (KZ_INTERSECT_GALLOP_RATIO = %d), %d runs ==\n",
         kz_intersect_algo_name(merge), kz_intersect_algo_name(gal), KZ_INTERSECT_GALLOP_RATIO,
         runs);
  printf("%-10s %-7s %8s %12s %12s %8s\n", "lists", "ratio", "short", "merge ns/sh",
         "gallop ns/sh", "winner");
  for (size_t z = 0; z < sizeof shorts / sizeof shorts[0]; z++)
    for (int sh = UNIFORM; sh <= CLUSTERED; sh++)
      for (size_t q = 0; q < sizeof ratios / sizeof ratios[0]; q++) {
        ids s, l;
        make_pair((shape)sh, shorts[z], shorts[z] * ratios[q], 77 + q, &s, &l);
        timing t[2];
        time_kernels(&ks, &s, &l, runs, t);
        double m = t[0].median * 1e9 / (double)s.n, g = t[1].median * 1e9 / (double)s.n;
        printf("%-10s 1:%-5zu %8zu %12.2f %12.2f %8s\n", shape_name[sh], ratios[q], shorts[z], m,
               g, m <= g ? "merge" : "gallop");
        fflush(stdout);
        free(s.v);
        free(l.v);
      }
}

/* ---- real postings -------------------------------------------------------- */

static ids decode_docs(const kz_segment *seg, const kz_term_info *info) {
  ids l = {NULL, 0, 0};
  int error = 0;
  kz_postings *c = malloc(sizeof *c);
  if (!c) exit(1);
  kz_postings_init(c, seg, info, &error);
  for (uint32_t d = kz_postings_next(c); d != KZ_DOC_END; d = kz_postings_next(c)) ids_push(&l, d);
  free(c);
  if (error || l.n != info->df) {
    fprintf(stderr, "postings decode failed (%s)\n", kz_strerror(error ? error : KZ_ERR_CORRUPT));
    exit(1);
  }
  return l;
}

static int run_real(const kernels *ks, int runs, const char *dir) {
  kz_index *idx;
  size_t big, n_terms;
  bench_term *terms;
  if (!bench_open_largest("bench_intersect", dir, 2, &idx, &big, &terms, &n_terms)) return 1;
  const kz_segment *seg = &idx->segs[big];
  printf("\n== real postings: %s, segment %zu (%u documents, %zu terms), %d runs ==\n", dir, big,
         (unsigned)seg->info.doc_count, n_terms, runs);
  printf("each line sums PAIRS pairs: the most frequent terms, each with the term whose df is\n"
         "nearest df/ratio; ns/id = total time / total ids of all pairs\n");
  print_header();

  static const size_t ratios[] = {1, 10, 100, 1000, 10000};
  enum { PAIRS = 6 };
  char *used = calloc(n_terms, 1);
  for (size_t q = 0; q < sizeof ratios / sizeof ratios[0]; q++) {
    size_t ratio = ratios[q];
    timing sum[KZ_INTERSECT_N_ALGOS];
    memset(sum, 0, sizeof sum);
    size_t tot_short = 0, tot_long = 0, tot_match = 0, pairs = 0;
    memset(used, 0, n_terms);
    char example[160] = "";
    for (size_t li = 0; li < n_terms && pairs < PAIRS; li++) {
      if (used[li]) continue;
      double want = (double)terms[li].info.df / (double)ratio;
      if (want < 1) break;
      used[li] = 1;
      /* The unused term whose df is nearest `want` (terms are sorted by df, descending). */
      size_t best = SIZE_MAX;
      double best_d = INFINITY;
      for (size_t si = li + 1; si < n_terms; si++) {
        if (used[si]) continue;
        double d = fabs((double)terms[si].info.df - want);
        if (d < best_d) {
          best_d = d;
          best = si;
        } else if ((double)terms[si].info.df < want) {
          break;
        }
      }
      if (best == SIZE_MAX) break;
      used[best] = 1;
      ids l = decode_docs(seg, &terms[li].info), s = decode_docs(seg, &terms[best].info);
      timing t[KZ_INTERSECT_N_ALGOS];
      time_kernels(ks, &s, &l, runs, t);
      for (size_t k = 0; k < ks->n; k++) {
        sum[k].median += t[k].median;
        sum[k].min += t[k].min;
      }
      if (!pairs)
        snprintf(example, sizeof example, "'%s' (df %u) with '%s' (df %u)", terms[li].key,
                 terms[li].info.df, terms[best].key, terms[best].info.df);
      tot_short += s.n;
      tot_long += l.n;
      tot_match += count_matches(&s, &l);
      pairs++;
      free(s.v);
      free(l.v);
    }
    if (!pairs) continue;
    char what[32];
    snprintf(what, sizeof what, "real/%zu", pairs);
    print_rows(what, ratio, tot_short, tot_long, tot_match, ks, sum);
    printf("  first pair: %s\n", example);
  }
  free(used);
  bench_terms_free(terms, n_terms);
  kz_index_close(idx);
  return 0;
}

/* ---- main ----------------------------------------------------------------- */

static int parse_size(const char *s, size_t *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end); /* accepts 1e6 */
  if (errno || *end || !(v >= 1) || v > 4e9) return -1;
  *out = (size_t)v;
  return 0;
}

int main(int argc, char **argv) {
  const char *index_dir = NULL;
  size_t runs = 7, base_short = 1000000, max_long = 100000000;
  int synthetic = 1, cutover = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--index") && i + 1 < argc) {
      index_dir = argv[++i];
    } else if (!strcmp(a, "--runs") && i + 1 < argc && !parse_size(argv[i + 1], &runs) &&
               runs <= MAX_RUNS) {
      i++;
    } else if (!strcmp(a, "--short") && i + 1 < argc && !parse_size(argv[i + 1], &base_short)) {
      i++;
    } else if (!strcmp(a, "--max-long") && i + 1 < argc &&
               !parse_size(argv[i + 1], &max_long) && max_long <= 500000000) {
      i++;
    } else if (!strcmp(a, "--no-synthetic")) {
      synthetic = 0;
    } else if (!strcmp(a, "--no-cutover")) {
      cutover = 0;
    } else {
      fprintf(stderr,
              "usage: bench_intersect [--index DIR] [--runs R (<= %d)] [--short N]\n"
              "                       [--max-long N (<= 5e8)] [--no-synthetic] [--no-cutover]\n",
              MAX_RUNS);
      return 2;
    }
  }
  bench_print_machine();
  printf("kernels: time per intersection / input ids (ns/id) and / ids of the shorter list\n"
         "(ns/short); speedup = branchless merge's median / the kernel's, same run.\n");
  kernels ks = available_kernels();
  if (synthetic) run_synthetic(&ks, (int)runs, base_short, max_long);
  if (cutover) run_cutover((int)runs);
  if (index_dir && run_real(&ks, (int)runs, index_dir)) return 1;
  return 0;
}
