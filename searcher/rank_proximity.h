/*
 * rank_proximity.h - the proximity option's bonus, BM25TP (Büttcher,
 * Clarke and Lushman, "Term proximity scoring for ad-hoc retrieval on very
 * large text collections", SIGIR 2006), on the text field:
 *
 *   The occurrences of the query's distinct text terms in the document,
 *   in position order: for each two neighbours of different terms t, u at
 *   distance d, acc(t) += idf(u) / d^2 and acc(u) += idf(t) / d^2. Then
 *
 *   bonus = sum over t of min(1, idf(t)) * acc(t) / (acc(t) + K),
 *   K = k1 * (1 - b + b * dl / avgdl)   (BM25's norm of the document)
 *
 * (the paper's (k1 + 1) factor is left out here as it is from kzsearch's
 * BM25, so the two keep their proportion). A document with one query term
 * gets no bonus; nearer pairs give more.
 */
#ifndef KZ_RANK_PROXIMITY_H
#define KZ_RANK_PROXIMITY_H

#include <stddef.h>
#include <stdint.h>

#include "format/postings_reader.h"
#include "searcher/plan.h"
#include "searcher/scoring.h"

typedef struct kz_prox_term {
  const kz_pterm *term; /* borrowed from the plan */
  double idf;
  kz_postings cur;
} kz_prox_term;

/* An occurrence: a position and which term. */
typedef struct kz_prox_hit {
  uint32_t pos, term;
} kz_prox_hit;

/* One segment's state; the arrays are its own. */
typedef struct kz_proximity {
  kz_prox_term *terms;
  size_t n_terms;
  kz_prox_hit *hits;
  size_t cap_hits;
  uint32_t *pos;
  size_t cap_pos;
  double *acc;
  double most; /* the sum of min(1, idf) over all its terms: no document's bonus is larger */
  int error; /* KZ_ERR_CORRUPT from a cursor */
} kz_proximity;

/*
 * Sets p up for segment s: one cursor per distinct text term of the plan's
 * TERM leaves (present in s). @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_proximity_init(kz_proximity *p, const kz_plan *plan, const kz_segment *seg, size_t s);
void kz_proximity_free(kz_proximity *p);

/*
 * Moves the cursors to document `doc` (documents asked for in increasing
 * order) and returns the most its bonus can be without reading positions:
 * the sum of min(1, idf) over the terms it holds (acc / (acc + K) < 1), 0
 * when it holds fewer than two. The evaluator skips the bonus of a
 * document that cannot reach the top k even with this.
 */
double kz_proximity_bound(kz_proximity *p, uint32_t doc);

/*
 * Term i's bit in a set of the bonus's terms: its own for the first 63,
 * the last shared by the rest.
 */
static inline uint64_t kz_proximity_bit(size_t i) { return 1ull << (i < 63 ? i : 63); }

/*
 * Instead of kz_proximity_bound, for a caller that knows which of the
 * bonus's terms document `doc` holds (`terms`, kz_proximity_bit; more is
 * allowed): moves only their cursors to it. The others stay behind it,
 * where the bonus does not read them; a cursor only moves forwards, so
 * they catch up when next asked.
 */
void kz_proximity_seek(kz_proximity *p, uint32_t doc, uint64_t terms);

/*
 * After kz_proximity_bound(p, doc) or kz_proximity_seek: a tighter bound,
 * from the frequencies of the terms present and the document's length,
 * without reading positions. Each occurrence of t has at most two neighbours, at distance
 * >= 1, so acc(t) <= pairs(t) * M(t), M(t) the largest idf of another term
 * present and pairs(t) the neighbouring pairs t can be in: at most 2 tf(t),
 * n - 1 of n occurrences, and 2 (n - tf(t)) (each other occurrence is in
 * two); acc / (acc + K) grows with acc.
 */
double kz_proximity_tight_bound(const kz_proximity *p, const kz_bm25 *bm25, uint32_t doc);

/*
 * The bonus of document `doc`, after kz_proximity_bound(p, doc) or
 * kz_proximity_seek.
 * @return KZ_OK, KZ_ERR_CORRUPT, KZ_ERR_NOMEM; *out the bonus.
 */
int kz_proximity_bonus(kz_proximity *p, const kz_bm25 *bm25, uint32_t doc, double *out);

#endif /* KZ_RANK_PROXIMITY_H */
