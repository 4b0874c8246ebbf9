/*
 * bench_conjunction.c - conjunctions of two terms on the compressed index:
 * decoding, skipping and intersecting together, as queries pay for them.
 *
 * For each size ratio (1:1 .. 1:10000) it takes PAIRS term pairs of the
 * largest segment: frequent terms, each with the term whose document
 * frequency is nearest df / ratio. Per pair, every approach counts the
 * documents holding both terms, and must find the same number:
 *   decode+merge  both lists decoded whole through cursors, then the plain
 *                 merge of searcher/intersect.c: the baseline, what an
 *                 engine without skipping pays;
 *   leapfrog      the rarer term's cursor leads, the other advances to each
 *                 candidate through the skip table (decoding only the
 *                 blocks it lands in, searching them branch-free);
 *   engine        kz_count("+a +b"): the flat evaluator's block
 *                 intersection (searcher/flat.c), a SIMD merge near 1:1 and
 *                 galloping at larger ratios over the decoded blocks.
 * Printed: ns per document of the shorter list and the speed-up over the
 * baseline, medians of --runs runs (thread CPU time), all pairs summed.
 *
 * usage: bench_conjunction INDEX_DIR [--runs R]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_harness.h"
#include "bench/bench_terms.h"
#include "format/postings_reader.h"
#include "format/segment_reader.h"
#include "kzsearch.h"
#include "searcher/index.h"
#include "searcher/intersect.h"

#define PAIRS 8
#define MAX_RUNS 63

/*
 * Whether the term, written as a query, means itself: plain lower-case
 * letters, and stemming the stem again changes nothing (it matches exactly
 * the term's documents).
 */
static int usable(kz_index *idx, const bench_term *t) {
  if (strlen(t->key) < 3) return 0;
  for (const char *s = t->key; *s; s++)
    if (*s < 'a' || *s > 'z') return 0;
  uint64_t n = 0;
  return kz_count(&n, idx, t->key, NULL, NULL) == KZ_OK && n == t->info.df;
}

typedef struct pair {
  const bench_term *a, *b; /* a the rarer */
} pair;

typedef enum { DECODE_MERGE, LEAPFROG, ENGINE, N_WAYS } way;
static const char *const way_name[N_WAYS] = {"decode+merge", "leapfrog", "engine"};

/* Decodes a whole list into *out (grown as needed). */
static size_t decode_all(const kz_segment *seg, const kz_term_info *info, uint32_t **out,
                         size_t *cap) {
  if (*cap < info->df) {
    *cap = info->df;
    *out = realloc(*out, *cap * sizeof **out);
    if (!*out) exit(1);
  }
  int error = 0;
  kz_postings c;
  kz_postings_init(&c, seg, info, &error);
  size_t n = 0;
  for (uint32_t d = kz_postings_next(&c); d != KZ_DOC_END; d = kz_postings_next(&c)) (*out)[n++] = d;
  return n;
}

static uint64_t count_pair(kz_index *idx, const kz_segment *seg, const pair *p, way w,
                           uint32_t **bufs, size_t *caps) {
  switch (w) {
    case DECODE_MERGE: {
      size_t na = decode_all(seg, &p->a->info, &bufs[0], &caps[0]);
      size_t nb = decode_all(seg, &p->b->info, &bufs[1], &caps[1]);
      if (caps[2] < na) {
        caps[2] = na;
        bufs[2] = realloc(bufs[2], na * sizeof *bufs[2]);
        if (!bufs[2]) exit(1);
      }
      return kz_intersect_merge(bufs[0], na, bufs[1], nb, bufs[2]);
    }
    case LEAPFROG: {
      int error = 0;
      kz_postings a, b;
      kz_postings_init(&a, seg, &p->a->info, &error);
      kz_postings_init(&b, seg, &p->b->info, &error);
      uint64_t n = 0;
      for (uint32_t d = kz_postings_next(&a); d != KZ_DOC_END; d = kz_postings_next(&a))
        n += kz_postings_advance(&b, d) == d;
      return n;
    }
    case ENGINE: {
      char q[600];
      snprintf(q, sizeof q, "+%s +%s", p->a->key, p->b->key);
      uint64_t n = 0;
      kz_error err;
      if (kz_count(&n, idx, q, NULL, &err)) {
        fprintf(stderr, "bench_conjunction: %s: %s\n", q, err.message);
        exit(1);
      }
      return n;
    }
    default:
      return 0;
  }
}

int main(int argc, char **argv) {
  const char *dir = NULL;
  long runs = 7;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--runs") && i + 1 < argc)
      runs = strtol(argv[++i], NULL, 10);
    else if (argv[i][0] != '-' && !dir)
      dir = argv[i];
    else
      dir = NULL;
  }
  if (!dir || runs < 1 || runs > MAX_RUNS) {
    fprintf(stderr, "usage: bench_conjunction INDEX_DIR [--runs R (1..%d)]\n", MAX_RUNS);
    return 2;
  }
  kz_index *idx;
  kz_error err;
  if (kz_index_open(&idx, dir, &err)) {
    fprintf(stderr, "bench_conjunction: %s\n", err.message);
    return 1;
  }
  if (idx->n_segs != 1) {
    fprintf(stderr, "bench_conjunction: %s has %zu segments; compact it (kzsearch compact) so that "
                    "the engine's count covers the same postings\n", dir, idx->n_segs);
    kz_index_close(idx);
    return 1;
  }
  const kz_segment *seg = &idx->segs[0];
  bench_term *terms = NULL;
  size_t n_terms = 0;
  int rc = bench_terms_load(seg, &terms, &n_terms);
  if (rc != KZ_OK) {
    fprintf(stderr, "bench_conjunction: %s: %s\n", dir, kz_strerror(rc));
    kz_index_close(idx);
    return 1;
  }
  size_t kept = 0;
  for (size_t t = 0; t < n_terms; t++) {
    if (usable(idx, &terms[t]))
      terms[kept++] = terms[t];
    else
      free(terms[t].key);
  }
  n_terms = kept;

  bench_print_machine();
  printf("index: %s, %u documents; %d pairs per ratio, %ld runs, thread CPU time, medians\n", dir,
         seg->info.doc_count, PAIRS, runs);
  printf("%-8s %9s %10s %9s  %-13s %11s %9s\n", "ratio", "short", "long", "both", "way",
         "ns/short", "speed-up");
  static const size_t ratios[] = {1, 10, 100, 1000, 10000};
  uint32_t *bufs[3] = {NULL, NULL, NULL};
  size_t caps[3] = {0, 0, 0};
  for (size_t r = 0; r < sizeof ratios / sizeof ratios[0]; r++) {
    pair pairs[PAIRS];
    size_t n_pairs = 0;
    uint64_t shorts = 0, longs = 0, both = 0;
    for (size_t l = 0; l < n_terms && n_pairs < PAIRS; l++) {
      double want = (double)terms[l].info.df / (double)ratios[r];
      if (want < 1) break;
      size_t best = SIZE_MAX;
      double best_gap = 0;
      for (size_t s = l + (ratios[r] == 1); s < n_terms; s++) { /* the nearest df, another term */
        double gap = terms[s].info.df > want ? terms[s].info.df - want : want - terms[s].info.df;
        if (best == SIZE_MAX || gap < best_gap) {
          best = s;
          best_gap = gap;
        }
        if (terms[s].info.df < want) break;
      }
      if (best == SIZE_MAX || best_gap > want * 0.25) continue;
      pairs[n_pairs].a = &terms[best];
      pairs[n_pairs].b = &terms[l];
      shorts += terms[best].info.df;
      longs += terms[l].info.df;
      n_pairs++;
    }
    if (!n_pairs) continue;
    double med[N_WAYS];
    uint64_t counts[N_WAYS] = {0};
    for (int w = 0; w < N_WAYS; w++) {
      double t[MAX_RUNS];
      for (long run = 0; run < runs; run++) {
        uint64_t n = 0;
        double t0 = bench_now();
        for (size_t p = 0; p < n_pairs; p++) n += count_pair(idx, seg, &pairs[p], (way)w, bufs, caps);
        t[run] = bench_now() - t0;
        counts[w] = n;
      }
      med[w] = bench_median(t, (size_t)runs);
    }
    both = counts[0];
    for (int w = 1; w < N_WAYS; w++)
      if (counts[w] != both) {
        fprintf(stderr, "bench_conjunction: 1:%zu: %s counts %llu, decode+merge %llu\n", ratios[r],
                way_name[w], (unsigned long long)counts[w], (unsigned long long)both);
        return 1;
      }
    for (int w = 0; w < N_WAYS; w++)
      printf("1:%-6zu %9llu %10llu %9llu  %-13s %11.2f %8.2fx\n", ratios[r],
             (unsigned long long)shorts, (unsigned long long)longs, (unsigned long long)both,
             way_name[w], med[w] * 1e9 / (double)shorts, med[DECODE_MERGE] / med[w]);
    fflush(stdout);
  }
  for (int b = 0; b < 3; b++) free(bufs[b]);
  bench_terms_free(terms, n_terms);
  kz_index_close(idx);
  return 0;
}
