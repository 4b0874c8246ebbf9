/*
 * eval_metrics.c - per-query effectiveness measures and the paired
 * randomization test (see eval_metrics.h). Allocates nothing: it reads the
 * caller's arrays and reorders only the judgments it is asked to sort.
 */
#include "eval_metrics.h"

#include <math.h>
#include <string.h>

size_t cli_judgments_sort(cli_judgment *j, size_t n) {
  /* Insertion sort because it is stable (the last of equal ids must win) and
   * a query has at most a few thousand judgments. */
  for (size_t i = 1; i < n; i++) {
    cli_judgment x = j[i];
    size_t k = i;
    while (k > 0 && strcmp(j[k - 1].doc, x.doc) > 0) {
      j[k] = j[k - 1];
      k--;
    }
    j[k] = x;
  }
  /* Swapping rather than copying leaves the replaced judgments in
   * j[kept..n), where the caller can free what they own. */
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    size_t to = kept && strcmp(j[kept - 1].doc, j[i].doc) == 0 ? kept - 1 : kept++;
    cli_judgment t = j[to];
    j[to] = j[i];
    j[i] = t;
  }
  return kept;
}

static int grade(const cli_judgment *j, size_t n, const char *doc) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(j[mid].doc, doc);
    if (c == 0) return j[mid].rel;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return 0;
}

static double gain(int rel) { return pow(2.0, (double)rel) - 1.0; }

/* The ideal DCG@10: the ten highest grades, best first. */
static double ideal_dcg10(const cli_judgment *j, size_t n) {
  int top[10];
  size_t n_top = 0;
  for (size_t i = 0; i < n; i++) {
    int r = j[i].rel;
    if (r <= 0) continue;
    size_t at = n_top < 10 ? n_top++ : 10;
    if (at == 10) {
      if (r <= top[9]) continue;
      at = 9;
    }
    while (at > 0 && top[at - 1] < r) {
      top[at] = top[at - 1];
      at--;
    }
    top[at] = r;
  }
  double idcg = 0;
  for (size_t i = 0; i < n_top; i++) idcg += gain(top[i]) / log2((double)i + 2.0);
  return idcg;
}

int cli_eval_query(const cli_judgment *j, size_t n_j, const char *const *run, size_t n_run,
                   cli_query_metrics *out) {
  size_t n_rel = 0;
  for (size_t i = 0; i < n_j; i++)
    if (j[i].rel > 0) n_rel++;
  if (n_rel == 0) return -1;
  if (n_run > CLI_EVAL_DEPTH) n_run = CLI_EVAL_DEPTH;
  size_t hits = 0, hits10 = 0, hits100 = 0;
  double ap = 0, dcg = 0;
  for (size_t i = 0; i < n_run; i++) {
    int r = grade(j, n_j, run[i]);
    if (r <= 0) continue;
    hits++;
    ap += (double)hits / (double)(i + 1);
    if (i < 10) {
      hits10++;
      dcg += gain(r) / log2((double)i + 2.0);
    }
    if (i < 100) hits100++;
  }
  double idcg = ideal_dcg10(j, n_j);
  out->ap = ap / (double)n_rel;
  out->ndcg10 = idcg > 0 ? dcg / idcg : 0;
  out->p10 = (double)hits10 / 10.0;
  out->r100 = (double)hits100 / (double)n_rel;
  out->r1000 = (double)hits / (double)n_rel;
  return 0;
}

/* splitmix64: a small generator whose state the caller's seed fixes. */
static uint64_t next_random(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

double cli_paired_randomization(const double *a, const double *b, size_t n, unsigned rounds,
                                uint64_t seed) {
  if (n == 0) return 1.0;
  double observed = 0;
  for (size_t i = 0; i < n; i++) observed += a[i] - b[i];
  observed = fabs(observed);
  /* A permuted sum equal to the observed one must count, but summing in
   * another order may differ in the last bits. */
  double tolerance = 1e-9 * (double)n;
  uint64_t state = seed, bits = 0;
  unsigned at_least = 0;
  for (unsigned r = 0; r < rounds; r++) {
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
      if (i % 64 == 0) bits = next_random(&state);
      double d = a[i] - b[i];
      sum += (bits & 1) ? -d : d;
      bits >>= 1;
    }
    if (fabs(sum) >= observed - tolerance) at_least++;
  }
  return ((double)at_least + 1.0) / ((double)rounds + 1.0);
}
