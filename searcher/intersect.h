/*
 * intersect.h - intersection of two sorted doc-id lists, the inner loop of
 * conjunctive queries once postings are decoded into arrays.
 *
 * Every kernel takes two strictly increasing uint32 arrays and writes the
 * values they share, increasing, to `out`, returning how many it wrote. All
 * kernels give identical output; the plain merge is the oracle the others
 * are tested against (tests/unit/test_intersect.c) and measured against
 * (bench/bench_intersect.c, figures in bench/RESULTS.md).
 *
 * Contract shared by every kernel:
 *   - a[0..na) and b[0..nb) strictly increasing (not checked: callers hand
 *     in decoded postings, which the decoder has already checked);
 *   - out has room for min(na, nb) values and overlaps neither input (the
 *     SIMD kernels store whole vectors, some lanes of which are scratch),
 *     or is NULL when only the count is wanted (nothing is stored then);
 *   - nothing is read outside a[0..na) or b[0..nb), nothing written outside
 *     out[0..min(na, nb)); an empty list may be passed as NULL.
 * The kernels cannot fail, hence a count rather than a kz_status.
 *
 * The SIMD kernels exist on x86-64 only and are compiled for their
 * instruction set through function attributes, so the rest of the build
 * stays portable; kz_intersect_kernel() says whether this CPU can run one.
 */
#ifndef KZ_INTERSECT_H
#define KZ_INTERSECT_H

#include <stddef.h>
#include <stdint.h>

typedef size_t (*kz_intersect_fn)(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                                  uint32_t *out);

typedef enum kz_intersect_algo {
  KZ_INTERSECT_MERGE,        /* plain branchy merge: the oracle */
  KZ_INTERSECT_BRANCHLESS,   /* scalar merge with conditional moves */
  KZ_INTERSECT_GALLOP,       /* exponential + binary search of the shorter list's values */
  KZ_INTERSECT_SSE41,        /* 4x4 block all-pairs compare (x86-64, SSE4.1) */
  KZ_INTERSECT_AVX2,         /* 8x8 block all-pairs compare (x86-64, AVX2) */
  KZ_INTERSECT_GALLOP_SSE41, /* gallop to a 32-value window, compare it with SSE4.1 */
  KZ_INTERSECT_GALLOP_AVX2,  /* gallop to a 64-value window, compare it with AVX2 */
  KZ_INTERSECT_AUTO,         /* kz_intersect: picks one of the above by size ratio and CPU */
  KZ_INTERSECT_N_ALGOS
} kz_intersect_algo;

/*
 * From this ratio of the longer to the shorter list on, kz_intersect
 * gallops instead of merging. Measured between the AVX2 kernels, where the
 * two cross between 1:4 and 1:10 (bench/RESULTS.md, "Intersection").
 */
#define KZ_INTERSECT_GALLOP_RATIO 8

/* The best kernel for these sizes on this CPU. */
size_t kz_intersect(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t *out);

/*
 * Whether the lists share a value (1) or not (0): kz_intersect's choice of
 * kernel, stopping at the first shared value and writing nothing. Phrases
 * that only have to occur (counts, filters) ask this.
 */
int kz_intersect_any(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);
typedef int (*kz_intersect_any_fn)(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

size_t kz_intersect_merge(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                          uint32_t *out);
size_t kz_intersect_branchless(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                               uint32_t *out);
size_t kz_intersect_gallop(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                           uint32_t *out);

/*
 * The kernel for `algo`, or NULL when this CPU (or this build's target)
 * cannot run it. The scalar kernels and KZ_INTERSECT_AUTO are always there.
 * Lets tests and benchmarks force each SIMD level explicitly.
 */
kz_intersect_fn kz_intersect_kernel(kz_intersect_algo algo);
/* The same kernel in its stop-at-the-first-match form (the merge: the oracle's). */
kz_intersect_any_fn kz_intersect_any_kernel(kz_intersect_algo algo);

/* A short stable name ("merge", "avx2", ...), "?" for an unknown value. */
const char *kz_intersect_algo_name(kz_intersect_algo algo);

#endif /* KZ_INTERSECT_H */
