/*
 * bench_harness.h - the few helpers the hot-path benchmarks share: a
 * per-thread CPU clock, the median of a run of timings and a line naming
 * the machine and the date, so every figure printed can be pasted into
 * bench/RESULTS.md with its context. The benches draw their data from the
 * tests' generator (tests/kz_test_corpus.h, KZ_TEST_SPLITMIX64), included
 * here so that the same seeds give the same lists in both.
 *
 * Header-only (static inline) so that each bench stays one file; owns no
 * state. Timings are medians because the machines are shared and noisy;
 * the minimum is printed beside them as the figure least disturbed.
 */
#ifndef KZ_BENCH_HARNESS_H
#define KZ_BENCH_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/kz_test_corpus.h"

/*
 * CPU time of the calling thread, not wall time: on a shared machine the
 * wall clock also counts the time other processes held our core, which
 * swamps what is measured. (Cache and memory-bandwidth contention still
 * shows; hence medians.)
 */
static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline int bench_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Sorts v (n >= 1) in place and returns its median; v[0] is then the minimum. */
static inline double bench_median(double *v, size_t n) {
  qsort(v, n, sizeof *v, bench_cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Prints "cpu: <model name>" and "date: <UTC time>" lines. */
static inline void bench_print_machine(void) {
  char line[512], model[256] = "unknown";
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (f) {
    while (fgets(line, sizeof line, f)) {
      const char *colon = strchr(line, ':');
      if (strncmp(line, "model name", 10) == 0 && colon) {
        snprintf(model, sizeof model, "%s", colon + 2);
        model[strcspn(model, "\n")] = '\0';
        break;
      }
    }
    fclose(f);
  }
  char date[64] = "unknown";
  time_t t = time(NULL);
  struct tm tm;
  if (gmtime_r(&t, &tm)) strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S UTC", &tm);
  printf("cpu:  %s\ndate: %s\n", model, date);
}

#endif /* KZ_BENCH_HARNESS_H */
