/*
 * prox.h - proximity matching in one document: the sloppy phrase ("a b"~N)
 * and NEAR, on the positions of their terms.
 *
 * The rule is Lucene's SloppyPhraseMatcher, so that counts equal Lucene's.
 * Each term i stands at its document position minus its offset in the
 * phrase (for NEAR every offset is 0); the "match length" of a choice of
 * one occurrence per term is the largest of those values minus the
 * smallest. A sweep keeps one occurrence per term, starting at each term's
 * first; repeatedly it takes the term with the smallest value (ties: the
 * smaller offset, then the earlier term) and moves it forward while it stays
 * at or below the second smallest, keeping the shortest match length seen;
 * when it passes the second smallest, that shortest length is one match if
 * it is at most `max_len`. When any term runs out of occurrences the sweep
 * ends, with a last match if the current length qualifies. So "a b"~N costs
 * 0 for the exact phrase, 2 for the two words transposed, and in general
 * counts the moves needed.
 *
 * Repeated terms ("a b a") must stand on distinct positions: the k-th copy
 * of a term (by offset) starts at the term's (k+1)-th occurrence, and when
 * a moved copy lands on the position of another copy, the lesser of the two
 * (smaller value, then smaller offset) moves on, until none collide.
 *
 * Each match adds 1 / (1 + (length - base)) to the sloppy frequency, the
 * phrase's tf for BM25 (base: 0 for a phrase; k - 1 for NEAR of k words, so
 * that adjacent words weigh 1).
 */
#ifndef KZ_PROX_H
#define KZ_PROX_H

#include <stddef.h>
#include <stdint.h>

/* One term of the phrase in the current document. */
typedef struct kz_prox_term {
  const uint32_t *pos; /* its positions, increasing */
  uint32_t n;          /* how many (>= 1) */
  uint32_t offset;     /* its position in the phrase (0 for NEAR) */
  uint32_t group;      /* equal for copies of one term, distinct otherwise */
} kz_prox_term;

/* The sweep's state per term; the caller provides one per term. */
typedef struct kz_prox_cursor {
  uint32_t i;       /* index of the current occurrence */
  int64_t value;    /* pos[i] - offset */
} kz_prox_cursor;

/*
 * Runs the sweep on n >= 2 terms. With first_only it stops at the first
 * match (counting). @return the number of matches (0: no match); *freq =
 * the sloppy frequency (first_only: that of the first match).
 */
uint32_t kz_prox_match(const kz_prox_term *terms, size_t n, int64_t max_len, uint32_t base,
                       int first_only, kz_prox_cursor *cur, double *freq);

/*
 * The most matches the sweep of two distinct terms can still record when
 * they have a and b moves left: each match but the last is recorded on a
 * move that passes the other term's occurrence, and with two terms those
 * passes alternate between them. So at most min(a + b, 2 min(a, b) + 1)
 * passes, and one match more; each match weighs at most 1.
 */
static inline uint64_t kz_prox_most2(uint64_t a, uint64_t b) {
  uint64_t m = a < b ? a : b;
  return (a + b < 2 * m + 1 ? a + b : 2 * m + 1) + 1;
}

/* kz_prox_match_above's answer when it gave up. */
#define KZ_PROX_GAVE_UP UINT32_MAX

/*
 * kz_prox_match for scoring a document that must beat a threshold: it
 * gives up as soon as the sloppy frequency can no longer exceed give_up.
 * The bound it watches is the frequency so far, plus one for each move
 * the cursors have left (each match but the last is recorded on a move,
 * and weighs at most 1), plus one for the last match (for two distinct
 * terms, kz_prox_most2 of their moves left). @return as
 * kz_prox_match, or KZ_PROX_GAVE_UP with *freq = that bound (<= give_up).
 */
uint32_t kz_prox_match_above(const kz_prox_term *terms, size_t n, int64_t max_len,
                             uint32_t base, double give_up, kz_prox_cursor *cur, double *freq);

#endif /* KZ_PROX_H */
