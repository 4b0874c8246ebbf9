/*
 * scoring.c - the per-document BM25 norms of a segment and scoring a block
 * of postings at once (see scoring.h).
 *
 * The vector versions compute exactly what the scalar expression does,
 * idf * tf / (tf + norm), operation for operation in double precision, so
 * their scores have the same bits (IEEE division and multiplication are
 * correctly rounded in vectors too; no fused multiply-add is used).
 */
#include "searcher/scoring.h"

#include <stdlib.h>

#include "kzsearch.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KZ_X86 1
#include <immintrin.h>
#else
#define KZ_X86 0
#endif

static void scores_scalar(const kz_bm25 *p, double idf, const uint32_t *docs,
                          const uint32_t *freqs, size_t n, double *out) {
  for (size_t i = 0; i < n; i++) out[i] = kz_bm25_score(p, idf, (double)freqs[i], docs[i]);
}

#if KZ_X86
/* Frequencies and norms are loaded one by one (a gather saves little), then divided four at a time. */
__attribute__((target("avx2"))) static void scores_avx2(const double *norms, double idf,
                                                       const uint32_t *docs, const uint32_t *freqs,
                                                       size_t n, double *out) {
  const __m256d w = _mm256_set1_pd(idf), wrap = _mm256_set1_pd(4294967296.0),
                zero = _mm256_setzero_pd();
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    /* Signed conversion, then 2^32 back onto lanes that had the top bit: exact for any u32. */
    __m256d tf = _mm256_cvtepi32_pd(_mm_loadu_si128((const __m128i *)(freqs + i)));
    tf = _mm256_add_pd(tf, _mm256_and_pd(_mm256_cmp_pd(tf, zero, _CMP_LT_OQ), wrap));
    __m256d k = _mm256_setr_pd(norms[docs[i]], norms[docs[i + 1]], norms[docs[i + 2]],
                               norms[docs[i + 3]]);
    _mm256_storeu_pd(out + i, _mm256_div_pd(_mm256_mul_pd(w, tf), _mm256_add_pd(tf, k)));
  }
  for (; i < n; i++) out[i] = idf * (double)freqs[i] / ((double)freqs[i] + norms[docs[i]]);
}

static void scores_sse2(const double *norms, double idf, const uint32_t *docs,
                        const uint32_t *freqs, size_t n, double *out) {
  const __m128d w = _mm_set1_pd(idf);
  size_t i = 0;
  for (; i + 2 <= n; i += 2) {
    __m128d tf = _mm_setr_pd((double)freqs[i], (double)freqs[i + 1]);
    __m128d k = _mm_setr_pd(norms[docs[i]], norms[docs[i + 1]]);
    _mm_storeu_pd(out + i, _mm_div_pd(_mm_mul_pd(w, tf), _mm_add_pd(tf, k)));
  }
  for (; i < n; i++) out[i] = idf * (double)freqs[i] / ((double)freqs[i] + norms[docs[i]]);
}
#endif

/*
 * Comparing a vector of scores at once and walking the set bits of the
 * result: the scalar version's branch per score would mispredict, and its
 * branch-free form carries a dependency from one score to the next.
 */
size_t kz_scores_above(const double *score, size_t n, double floor, uint32_t *pick) {
  size_t k = 0, i = 0;
#if KZ_X86
  const __m128d f = _mm_set1_pd(floor);
  for (; i + 4 <= n; i += 4) {
    unsigned bits = (unsigned)_mm_movemask_pd(_mm_cmpgt_pd(_mm_loadu_pd(score + i), f)) |
                    (unsigned)_mm_movemask_pd(_mm_cmpgt_pd(_mm_loadu_pd(score + i + 2), f)) << 2;
    for (; bits; bits &= bits - 1) pick[k++] = (uint32_t)i + (uint32_t)__builtin_ctz(bits);
  }
#endif
  for (; i < n; i++)
    if (score[i] > floor) pick[k++] = (uint32_t)i;
  return k;
}

void kz_bm25_scores(const kz_bm25 *p, double idf, const uint32_t *docs, const uint32_t *freqs,
                    size_t n, double *out) {
#if KZ_X86
  /* At the segment's decoder level, which KZ_SIMD can lower: the tests run every version. */
  if (p->norms && p->seg->unpack->level == KZ_SIMD_AVX2) {
    scores_avx2(p->norms, idf, docs, freqs, n, out);
    return;
  }
  if (p->norms && p->seg->unpack->level == KZ_SIMD_SSE41) {
    scores_sse2(p->norms, idf, docs, freqs, n, out);
    return;
  }
#endif
  scores_scalar(p, idf, docs, freqs, n, out);
}

double kz_bm25_term_bound(const kz_bm25 *p, double idf, const kz_postings *c) {
  double best = 0;
  if (!c->skip) {
    for (uint32_t i = 0; i < c->n; i++) {
      double s = kz_bm25_score(p, idf, c->freqs[i], c->docs[i]);
      if (s > best) best = s;
    }
  } else {
    for (uint32_t b = 0; b < c->n_blocks; b++) {
      double s = kz_bm25_block_bound(p, idf, kz_postings_block_max_tf(c, b),
                                     kz_postings_block_min_length(c, b));
      if (s > best) best = s;
    }
  }
  return best * KZ_BOUND_SLACK;
}

int kz_bm25_norm_table(double **out, const kz_segment *seg, double k1, double b, double avgdl) {
  uint32_t n = seg->info.doc_count;
  double *t = malloc((n ? n : 1) * sizeof *t);
  if (!t) return KZ_ERR_NOMEM;
  kz_bm25 p = {k1, b, avgdl, seg, NULL, NULL};
  for (uint32_t d = 0; d < n; d++) t[d] = kz_bm25_norm(&p, d);
  *out = t;
  return KZ_OK;
}
