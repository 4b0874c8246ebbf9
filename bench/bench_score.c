/*
 * bench_score.c - what exhaustive BM25 scoring costs, per posting and per
 * query, on a real index.
 *
 * Part 1, per posting (the largest segment, its --terms most frequent terms):
 *   decode   the postings cursor alone: next() and the frequency of every
 *            posting (the baseline: what any evaluation pays);
 *   bm25     decode plus the engine's formula on every posting,
 *            idf * tf / (tf + k1 * (1 - b + b * dl / avgdl)), dl read from
 *            the norms as searcher/iter.c does (replicated here, with the
 *            idf of searcher/plan.c);
 *   bm25-tab decode plus the same score with k1 * (1 - b + b * dl / avgdl)
 *            precomputed per document (the opened index's norm table);
 *   engine   the whole search of the term as one query, exhaustive
 *            (skip_total = 0, k = 10, ids only): the engine's own
 *            block-at-a-time scoring loop and top-k heap, per posting it
 *            scored (its counter, searcher/search_internal.h).
 *   Printed as ns per posting and as a ratio to decode (the baseline).
 * Part 2, end to end: kz_search (k = 10, ids only, no snippets) on 2- and
 *   3-term disjunctions of frequent terms, skip_total = 0 (exhaustive: every
 *   posting scored) against skip_total = 1 (block-max MaxScore). Per query
 *   the median of --runs runs of each, interleaved, and the postings each
 *   mode scored; printed per query and summed. The top 10 (ids and scores)
 *   must be the same in both modes (checked).
 * Part 3, with --query-file FILE: the same comparison for every query of the
 *   file (one per line, kzsearch syntax), summed by number of words;
 *   --verbose also prints each query's postings scored and times.
 * Times are CPU time of the thread (bench_harness.h), medians.
 *
 * usage: bench_score INDEX_DIR [--runs R] [--terms N] [--queries N] [--query-file FILE [--verbose]]
 */
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
#include "searcher/search_internal.h"

#define MIN_RUN_SECONDS 0.02
#define MAX_RUNS 64
#define K1 1.2
#define B 0.75

/* searcher/plan.c's idf. */
static double idf_of(uint64_t n_docs, uint64_t df) {
  return log(1.0 + ((double)n_docs - (double)df + 0.5) / ((double)df + 0.5));
}

/* ---- part 1: per posting -------------------------------------------------- */

typedef enum { DECODE, BM25, BM25_TABLE, ENGINE, N_MODES } mode;
static const char *const mode_name[N_MODES] = {"decode", "bm25", "bm25-tab", "engine"};

typedef struct score_ctx {
  kz_index *idx;
  const char *text; /* the term as a query */
  const kz_segment *seg;
  double idf, avgdl;
  const double *norm; /* k1 * (1 - b + b * dl / avgdl) per document */
  int error;
  uint64_t scored; /* ENGINE: the postings the search scored */
} score_ctx;

/* One pass over the term's postings; returns a value that depends on all of them. */
static double pass(score_ctx *ctx, const kz_term_info *info, mode m, kz_postings *c) {
  double sum = 0;
  kz_postings_init(c, ctx->seg, info, &ctx->error);
  switch (m) {
    case DECODE:
      for (uint32_t d = kz_postings_next(c); d != KZ_DOC_END; d = kz_postings_next(c))
        sum += kz_postings_freq(c);
      break;
    case BM25:
      for (uint32_t d = kz_postings_next(c); d != KZ_DOC_END; d = kz_postings_next(c)) {
        double tf = kz_postings_freq(c), dl = kz_segment_doc_length(ctx->seg, d);
        sum += ctx->idf * tf / (tf + K1 * (1.0 - B + B * dl / ctx->avgdl));
      }
      break;
    case BM25_TABLE:
      for (uint32_t d = kz_postings_next(c); d != KZ_DOC_END; d = kz_postings_next(c)) {
        double tf = kz_postings_freq(c);
        sum += ctx->idf * tf / (tf + ctx->norm[d]);
      }
      break;
    case ENGINE: {
      kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
      o.ids_only = 1;
      o.snippet_bytes = 0;
      kz_hits *h = NULL;
      kz_error err;
      if (kz_search(&h, ctx->idx, ctx->text, &o, &err) != KZ_OK) {
        ctx->error = KZ_ERR_CORRUPT;
        break;
      }
      ctx->scored = kz_hits_counters(h).scored;
      sum = kz_hits_size(h) ? kz_hits_at(h, 0)->score : 0;
      kz_hits_free(h);
      break;
    }
    default:
      break;
  }
  return sum;
}

static void run_per_posting(kz_index *idx, const kz_segment *seg, const bench_term *terms,
                            size_t n_terms, int runs) {
  double *norm = malloc((seg->info.doc_count ? seg->info.doc_count : 1) * sizeof *norm);
  kz_postings *c = malloc(sizeof *c);
  if (!norm || !c) exit(1);
  for (uint32_t d = 0; d < seg->info.doc_count; d++)
    norm[d] = K1 * (1.0 - B + B * kz_segment_doc_length(seg, d) / idx->avgdl);
  printf("\n== per posting: the %zu most frequent terms of the largest segment, %d runs ==\n",
         n_terms, runs);
  printf("%-16s %8s  %-9s %12s %10s %9s\n", "term", "df", "mode", "ns/posting", "vs decode",
         "min ns");
  double total[N_MODES] = {0};
  uint64_t postings = 0;
  volatile double sink = 0;
  for (size_t t = 0; t < n_terms; t++) {
    score_ctx ctx = {idx, terms[t].key, seg, idf_of(idx->n_docs, terms[t].df_all), idx->avgdl,
                     norm, 0, 0};
    size_t reps[N_MODES];
    double check[N_MODES];
    for (int m = 0; m < N_MODES; m++) {
      double t0 = bench_now();
      check[m] = pass(&ctx, &terms[t].info, (mode)m, c);
      double dt = bench_now() - t0;
      reps[m] = dt >= MIN_RUN_SECONDS ? 1 : (size_t)(MIN_RUN_SECONDS / (dt > 1e-9 ? dt : 1e-9)) + 1;
    }
    if (ctx.error || fabs(check[BM25] - check[BM25_TABLE]) > 1e-9 * fabs(check[BM25]) ||
        (idx->n_segs == 1 && ctx.scored != terms[t].info.df)) {
      fprintf(stderr, "bench_score: '%s' does not decode or score consistently\n", terms[t].key);
      exit(1);
    }
    double samples[N_MODES][MAX_RUNS];
    for (int run = 0; run < runs; run++)
      for (int m = 0; m < N_MODES; m++) {
        double t0 = bench_now();
        for (size_t r = 0; r < reps[m]; r++) sink += pass(&ctx, &terms[t].info, (mode)m, c);
        samples[m][run] = (bench_now() - t0) / (double)reps[m];
      }
    double med[N_MODES];
    for (int m = 0; m < N_MODES; m++) {
      med[m] = bench_median(samples[m], (size_t)runs);
      /* The engine scores the term in every segment; the other modes in the largest one. */
      double per = m == ENGINE ? (double)ctx.scored / terms[t].info.df : 1.0;
      med[m] /= per;
      total[m] += med[m];
      printf("%-16.16s %8u  %-9s %12.3f %9.2fx %9.3f\n", terms[t].key, terms[t].info.df,
             mode_name[m], med[m] * 1e9 / terms[t].info.df, med[m] / med[DECODE],
             samples[m][0] / per * 1e9 / terms[t].info.df);
    }
    postings += terms[t].info.df;
    fflush(stdout);
  }
  for (int m = 0; m < N_MODES; m++)
    printf("%-16s %8llu  %-9s %12.3f %9.2fx\n", "all", (unsigned long long)postings, mode_name[m],
           total[m] * 1e9 / (double)postings, total[m] / total[DECODE]);
  printf("scoring alone (bm25 - decode): %.3f ns per posting; with the norm table: %.3f\n",
         (total[BM25] - total[DECODE]) * 1e9 / (double)postings,
         (total[BM25_TABLE] - total[DECODE]) * 1e9 / (double)postings);
  (void)sink;
  free(norm);
  free(c);
}

/* ---- part 2: end to end ---------------------------------------------------- */

/* The top k of one search, to compare both modes. */
typedef struct result {
  uint64_t total, scored;
  size_t n;
  uint64_t doc[10];
  double score[10];
} result;

static int search_once(kz_index *idx, const char *q, int skip_total, result *r, double *secs) {
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.k = 10;
  o.ids_only = 1;
  o.snippet_bytes = 0;
  o.skip_total = skip_total;
  kz_hits *h = NULL;
  kz_error err;
  double t0 = bench_now();
  int rc = kz_search(&h, idx, q, &o, &err);
  *secs = bench_now() - t0;
  if (rc) {
    fprintf(stderr, "bench_score: '%s': %s\n", q, err.message);
    return rc;
  }
  r->total = kz_hits_total(h);
  r->scored = kz_hits_counters(h).scored;
  r->n = kz_hits_size(h) < 10 ? kz_hits_size(h) : 10;
  for (size_t i = 0; i < r->n; i++) {
    r->doc[i] = kz_hits_at(h, i)->doc;
    r->score[i] = kz_hits_at(h, i)->score;
  }
  kz_hits_free(h);
  return KZ_OK;
}

/* A key the query parser and analyzer give back unchanged: plain lower-case letters, and the
 * engine counts exactly its postings for it. */
static int usable_as_query(kz_index *idx, const bench_term *t) {
  if (strlen(t->key) < 2) return 0;
  for (const char *p = t->key; *p; p++)
    if (*p < 'a' || *p > 'z') return 0;
  uint64_t n = 0;
  return kz_count(&n, idx, t->key, NULL, NULL) == KZ_OK && n == t->df_all;
}

/*
 * Runs q exhaustively and pruned, `runs` times each, interleaved: the
 * results of the last runs and the median seconds. Fails when the top 10
 * (ids and score bits) differ.
 */
static int measure(kz_index *idx, const char *q, int runs, result *a, result *b, double *exh_s,
                   double *pru_s) {
  double exh[MAX_RUNS], pru[MAX_RUNS];
  for (int run = 0; run < runs; run++)
    if (search_once(idx, q, 0, a, &exh[run]) || search_once(idx, q, 1, b, &pru[run])) return 1;
  int same = a->n == b->n;
  for (size_t i = 0; same && i < a->n; i++)
    same = a->doc[i] == b->doc[i] && a->score[i] == b->score[i];
  if (!same) {
    fprintf(stderr, "bench_score: '%s': pruned top 10 differs from the exhaustive one\n", q);
    return 1;
  }
  *exh_s = bench_median(exh, (size_t)runs);
  *pru_s = bench_median(pru, (size_t)runs);
  return 0;
}

/* Part 3: every query of a file (one per line, kzsearch syntax), summed up by number of words. */
static int run_query_file(kz_index *idx, const char *path, int runs, int verbose) {
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    return 1;
  }
  enum { MAX_WIDTH = 6 };
  double exh[MAX_WIDTH + 1] = {0}, pru[MAX_WIDTH + 1] = {0};
  uint64_t s_exh[MAX_WIDTH + 1] = {0}, s_pru[MAX_WIDTH + 1] = {0};
  size_t count[MAX_WIDTH + 1] = {0}, slower[MAX_WIDTH + 1] = {0};
  char line[1024];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    if (!line[0]) continue;
    size_t width = 1;
    for (const char *p = line; *p; p++) width += *p == ' ';
    if (width > MAX_WIDTH) width = MAX_WIDTH;
    result a, b;
    double me, mp;
    if (measure(idx, line, runs, &a, &b, &me, &mp)) {
      fclose(f);
      return 1;
    }
    exh[width] += me;
    pru[width] += mp;
    s_exh[width] += a.scored;
    s_pru[width] += b.scored;
    slower[width] += mp > me * 1.05;
    if (verbose)
      printf("%-40s %8llu %8llu %8.3f %8.3f\n", line, (unsigned long long)a.scored,
             (unsigned long long)b.scored, me * 1e3, mp * 1e3);
    count[width]++;
  }
  fclose(f);
  printf("\n== queries of %s, k = 10, ids only, %d runs: exhaustive against pruned ==\n", path, runs);
  printf("%6s %8s %14s %14s %8s %10s %10s %8s %12s\n", "words", "queries", "scored exh.",
         "scored pruned", "fewer", "exh. ms", "pruned ms", "speedup", "slower >5%");
  for (size_t w = 1; w <= MAX_WIDTH; w++) {
    if (!count[w]) continue;
    printf("%6zu %8zu %14llu %14llu %7.1fx %10.3f %10.3f %7.2fx %12zu\n", w, count[w],
           (unsigned long long)s_exh[w], (unsigned long long)s_pru[w],
           (double)s_exh[w] / (double)(s_pru[w] ? s_pru[w] : 1), exh[w] * 1e3, pru[w] * 1e3,
           exh[w] / pru[w], slower[w]);
  }
  return 0;
}

static int run_end_to_end(kz_index *idx, const bench_term *terms, size_t n_terms, size_t n_queries,
                          int runs) {
  /* The pool: the 40 most frequent usable terms. */
  enum { POOL = 40 };
  size_t pool[POOL], n_pool = 0;
  for (size_t t = 0; t < n_terms && n_pool < POOL; t++)
    if (usable_as_query(idx, &terms[t])) pool[n_pool++] = t;
  if (n_pool < 3) {
    fprintf(stderr, "bench_score: fewer than 3 usable frequent terms\n");
    return 1;
  }
  printf("\n== end to end: kz_search, k = 10, ids only; %zu queries of 2 and of 3 frequent terms"
         " (from the %zu most frequent usable), %d runs ==\n",
         n_queries, n_pool, runs);
  printf("%-34s %9s %9s %9s %9s %8s %9s %9s\n", "query", "postings", "matched", "scored",
         "fewer", "exh. ms", "pruned ms", "speedup");
  kz_test_rng r = kz_test_rng_make(KZ_TEST_SPLITMIX64, 12345);
  for (int width = 2; width <= 3; width++) {
    double sum_exh = 0, sum_pru = 0;
    double *ratios = malloc(n_queries * sizeof *ratios);
    uint64_t sum_postings = 0, sum_matched = 0, sum_scored_exh = 0, sum_scored_pru = 0;
    for (size_t q = 0; q < n_queries; q++) {
      size_t pick[3];
      for (int w = 0; w < width; w++) {
        int dup;
        do {
          pick[w] = pool[kz_test_rand_below(&r, n_pool)];
          dup = 0;
          for (int v = 0; v < w; v++) dup |= pick[v] == pick[w];
        } while (dup);
      }
      char text[256] = "";
      uint64_t postings = 0;
      for (int w = 0; w < width; w++) {
        size_t len = strlen(text);
        snprintf(text + len, sizeof text - len, "%s%s", w ? " " : "", terms[pick[w]].key);
        postings += terms[pick[w]].df_all;
      }
      double me, mp;
      result a, b;
      if (measure(idx, text, runs, &a, &b, &me, &mp)) return 1;
      printf("%-34.34s %9llu %9llu %9llu %8.1fx %8.3f %9.3f %8.2fx\n", text,
             (unsigned long long)postings, (unsigned long long)a.total,
             (unsigned long long)b.scored, (double)a.scored / (double)(b.scored ? b.scored : 1),
             me * 1e3, mp * 1e3, me / mp);
      fflush(stdout);
      sum_exh += me;
      sum_pru += mp;
      ratios[q] = me / mp;
      sum_postings += postings;
      sum_matched += a.total;
      sum_scored_exh += a.scored;
      sum_scored_pru += b.scored;
    }
    double med_ratio = bench_median(ratios, n_queries);
    printf("%d terms: sum of medians %.3f ms exhaustive, %.3f ms pruned (%.2fx overall, median "
           "query %.2fx);\n  postings scored: %llu exhaustive, %llu pruned (%.1fx fewer); "
           "exhaustive %.2f ns per posting scored; documents matched %llu\n",
           width, sum_exh * 1e3, sum_pru * 1e3, sum_exh / sum_pru, med_ratio,
           (unsigned long long)sum_scored_exh, (unsigned long long)sum_scored_pru,
           (double)sum_scored_exh / (double)(sum_scored_pru ? sum_scored_pru : 1),
           sum_exh * 1e9 / (double)sum_scored_exh, (unsigned long long)sum_matched);
    free(ratios);
  }
  return 0;
}

/* ---- main ----------------------------------------------------------------- */

int main(int argc, char **argv) {
  const char *dir = NULL;
  long runs = 7, n_top = 5, n_queries = 10;
  const char *query_file = NULL;
  int verbose = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
      runs = strtol(argv[++i], NULL, 10);
    } else if (!strcmp(argv[i], "--terms") && i + 1 < argc) {
      n_top = strtol(argv[++i], NULL, 10);
    } else if (!strcmp(argv[i], "--queries") && i + 1 < argc) {
      n_queries = strtol(argv[++i], NULL, 10);
    } else if (!strcmp(argv[i], "--query-file") && i + 1 < argc) {
      query_file = argv[++i];
    } else if (!strcmp(argv[i], "--verbose")) {
      verbose = 1;
    } else if (argv[i][0] != '-' && !dir) {
      dir = argv[i];
    } else {
      dir = NULL;
      break;
    }
  }
  if (!dir || runs < 1 || runs > MAX_RUNS || n_top < 1 || n_queries < 1 || n_queries > 10000) {
    fprintf(stderr,
            "usage: bench_score INDEX_DIR [--runs R (1..%d)] [--terms N] [--queries N] "
            "[--query-file FILE [--verbose]]\n",
            MAX_RUNS);
    return 2;
  }
  kz_index *idx;
  size_t big, n_terms;
  bench_term *terms;
  if (!bench_open_largest("bench_score", dir, 1, &idx, &big, &terms, &n_terms)) return 1;
  const kz_segment *seg = &idx->segs[big];
  /* df across segments for the terms used (the idf and the postings count need it). */
  size_t n_used = n_terms < 400 ? n_terms : 400;
  for (size_t t = 0; t < n_used; t++) terms[t].df_all = bench_term_df_all(idx, terms[t].key);

  bench_print_machine();
  printf("index: %s: %llu documents in %zu segments, avgdl %.1f; largest segment %zu (%u docs)\n",
         dir, (unsigned long long)idx->n_docs, idx->n_segs, idx->avgdl, big,
         (unsigned)seg->info.doc_count);
  run_per_posting(idx, seg, terms, (size_t)n_top < n_used ? (size_t)n_top : n_used, (int)runs);
  int rc = run_end_to_end(idx, terms, n_used, (size_t)n_queries, (int)runs);
  if (!rc && query_file) rc = run_query_file(idx, query_file, (int)runs, verbose);
  bench_terms_free(terms, n_terms);
  kz_index_close(idx);
  return rc;
}
