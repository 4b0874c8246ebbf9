/*
 * bench_api_queries.c - the queries of the HTTP load benchmark
 * (bench/http/load.sh) in process, through the public C API with the
 * server's defaults (top 10, snippets), so that the HTTP figures have a
 * baseline measured the same way: wall time per query, one thread, after a
 * warm-up pass; medians of 3 passes of p50 and p99. Like the server it looks
 * for a "did you mean" when a query matches under 5 documents (--no-suggest:
 * not), which costs a scan of the dictionaries.
 *
 *   bench_api_queries INDEX_DIR QUERIES.txt [--since D] [--until D] [--sort date|date:asc]
 *                     [--facet date:day|month|year] [--count] [--ids-only] [--explain]
 *                     [--title-weight W] [--rm3] [--proximity] [--recency DAYS] [--no-collapse] [--no-suggest]
 *
 * (one URL-encoded query per line). --ids-only asks for ids and scores only,
 * without loading the hits' documents (what dates cost then stands out).
 * The options measure what dates, --explain and the ranking options (README,
 * "Ranking options") cost: run once without them and once with, in the same
 * session, and compare.
 * Besides wall time it prints the thread's CPU time per query (medians).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_harness.h"
#include "kzsearch.h"

static double wall_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void url_decode(char *s) {
  char *o = s;
  for (char *p = s; *p; p++) {
    if (*p == '%' && p[1] && p[2]) {
      char hex[3] = {p[1], p[2], 0};
      *o++ = (char)strtol(hex, NULL, 16);
      p += 2;
    } else {
      *o++ = *p == '+' ? ' ' : *p;
    }
  }
  *o = '\0';
}

int main(int argc, char **argv) {
  kz_search_options opts = KZ_SEARCH_OPTIONS_INIT;
  opts.suggest = 1; /* as the server does: a query matching under 5 documents looks for a respelling */
  int count_only = 0;
  for (int i = 3; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--count")) { count_only = 1; continue; }
    if (!strcmp(a, "--ids-only")) { opts.ids_only = 1; opts.snippet_bytes = 0; continue; }
    if (!strcmp(a, "--explain")) { opts.explain = 1; continue; }
    if (!strcmp(a, "--rm3")) { opts.rm3 = 1; continue; }
    if (!strcmp(a, "--proximity")) { opts.proximity = 1; continue; }
    if (!strcmp(a, "--no-collapse")) { opts.collapse = 0; continue; }
    if (!strcmp(a, "--no-suggest")) { opts.suggest = 0; continue; }
    if (!v) argc = 0;
    else if (!strcmp(a, "--since")) opts.since = v;
    else if (!strcmp(a, "--until")) opts.until = v;
    else if (!strcmp(a, "--title-weight")) opts.title_weight = atof(v);
    else if (!strcmp(a, "--recency")) opts.recency_days = atof(v);
    else if (!strcmp(a, "--sort")) opts.sort = !strcmp(v, "date:asc") ? KZ_SORT_DATE_ASC : KZ_SORT_DATE;
    else if (!strcmp(a, "--facet"))
      opts.facet = !strcmp(v, "date:day") ? KZ_FACET_DATE_DAY
                   : !strcmp(v, "date:year") ? KZ_FACET_DATE_YEAR : KZ_FACET_DATE_MONTH;
    else argc = 0;
    i++;
  }
  if (argc < 3) {
    fprintf(stderr, "usage: bench_api_queries INDEX_DIR QUERIES.txt [--since D] [--until D] "
                    "[--sort date|date:asc] [--facet date:UNIT] [--count] [--ids-only] "
                    "[--explain]\n       [--title-weight W] [--rm3] [--proximity] [--recency DAYS] [--no-collapse] [--no-suggest]\n");
    return 2;
  }
  kz_index *idx;
  kz_error err;
  if (kz_index_open(&idx, argv[1], &err) != KZ_OK) {
    fprintf(stderr, "bench_api_queries: %s\n", err.message);
    return 2;
  }
  FILE *f = fopen(argv[2], "r");
  if (!f) return 2;
  char **q = NULL, line[65536];
  size_t n = 0;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    url_decode(line);
    q = realloc(q, (n + 1) * sizeof *q);
    q[n++] = strdup(line);
  }
  fclose(f);
  double *t = malloc(n * sizeof *t), *c = malloc(n * sizeof *c), p50[3], p99[3], qps[3],
         cpu_mean[3], cpu_p50[3], cpu_p99[3];
  for (int pass = -1; pass < 3; pass++) {
    double t0 = wall_now(), cpu_total = 0;
    for (size_t i = 0; i < n; i++) {
      double a = wall_now(), ca = bench_now();
      kz_hits *h = NULL;
      uint64_t total = 0;
      if (count_only)
        kz_count(&total, idx, q[i], &opts, NULL);
      else if (kz_search(&h, idx, q[i], &opts, NULL) == KZ_OK)
        kz_hits_free(h);
      c[i] = bench_now() - ca;
      t[i] = wall_now() - a;
      cpu_total += c[i];
    }
    double total = wall_now() - t0;
    if (pass < 0) continue; /* warm-up */
    bench_median(t, n);
    bench_median(c, n);
    p50[pass] = t[n / 2] * 1e6;
    p99[pass] = t[(n * 99) / 100] * 1e6;
    cpu_p50[pass] = c[n / 2] * 1e6;
    cpu_p99[pass] = c[(n * 99) / 100] * 1e6;
    cpu_mean[pass] = cpu_total / (double)n * 1e6;
    qps[pass] = (double)n / total;
  }
  printf("in_process queries=%zu qps=%.0f p50_us=%.1f p99_us=%.1f cpu_mean_us=%.1f cpu_p50_us=%.1f "
         "cpu_p99_us=%.1f (medians of 3 passes, one thread)\n",
         n, bench_median(qps, 3), bench_median(p50, 3), bench_median(p99, 3),
         bench_median(cpu_mean, 3), bench_median(cpu_p50, 3), bench_median(cpu_p99, 3));
  free(c);
  for (size_t i = 0; i < n; i++) free(q[i]);
  free(q);
  free(t);
  kz_index_close(idx);
  return 0;
}
