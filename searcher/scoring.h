/*
 * scoring.h - BM25 as every evaluator computes it, so that all of them give
 * bit-identical scores (README, "Ranking"):
 *
 *   score = idf * tf / (tf + norm(dl)),  norm(dl) = k1 * (1 - b + b * dl / avgdl)
 *
 * norm() is the per-document part. An opened index keeps it per document
 * for the default k1 and b (kz_norms), computed with the same expression,
 * so a table lookup replaces two divisions without changing a bit.
 */
#ifndef KZ_SCORING_H
#define KZ_SCORING_H

#include <stddef.h>
#include <stdint.h>

#include "format/postings_reader.h"
#include "format/segment_reader.h"

/* Bounds compare with this slack so that rounding never prunes a competitive document. */
#define KZ_BOUND_SLACK (1.0 + 1e-9)

/* The parameters of one search on one segment. */
typedef struct kz_bm25 {
  double k1, b, avgdl;
  const kz_segment *seg;
  const double *norms; /* norm(dl) of every document of seg, or NULL to compute it */
  /* The field's u32 lengths per document (the title's for title: clauses); NULL: seg->norms */
  const uint8_t *lengths;
} kz_bm25;

static inline double kz_bm25_norm_of_length(const kz_bm25 *p, double dl) {
  return p->k1 * (1.0 - p->b + p->b * dl / p->avgdl);
}

static inline double kz_bm25_norm(const kz_bm25 *p, uint32_t doc) {
  if (p->norms) return p->norms[doc];
  const uint8_t *lengths = p->lengths ? p->lengths : p->seg->norms;
  return kz_bm25_norm_of_length(p, (double)kz_load_u32le(lengths + 4 * (size_t)doc));
}

static inline double kz_bm25_score(const kz_bm25 *p, double idf, double tf, uint32_t doc) {
  return idf * tf / (tf + kz_bm25_norm(p, doc));
}

/*
 * The most a document of a block can score: its largest frequency over the
 * shortest document's norm (the score grows with tf and falls with dl).
 */
static inline double kz_bm25_block_bound(const kz_bm25 *p, double idf, uint32_t max_tf,
                                         uint32_t min_length) {
  return idf * max_tf / (max_tf + kz_bm25_norm_of_length(p, (double)min_length));
}

/*
 * out[i] = kz_bm25_score(p, idf, freqs[i], docs[i]) for i < n, the same
 * bits, several at a time at the segment's SIMD level (SSE2 divisions for
 * SSE4.1, AVX2 ones for AVX2).
 */
void kz_bm25_scores(const kz_bm25 *p, double idf, const uint32_t *docs, const uint32_t *freqs,
                    size_t n, double *out);

/*
 * The best score a term's postings can give (slack included): exact when
 * the term has a single block (which c must have decoded), else the best
 * of its blocks' bounds from the skip table.
 */
double kz_bm25_term_bound(const kz_bm25 *p, double idf, const kz_postings *c);

/* Writes the indexes i of the scores above `floor` to pick, increasing. @return how many. */
size_t kz_scores_above(const double *score, size_t n, double floor, uint32_t *pick);

/*
 * norm(dl) of every document of a segment for the given parameters.
 * @return KZ_OK or KZ_ERR_NOMEM; *out is the caller's (free()).
 */
int kz_bm25_norm_table(double **out, const kz_segment *seg, double k1, double b, double avgdl);

#endif /* KZ_SCORING_H */
