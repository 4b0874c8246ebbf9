/*
 * topk.h - the k best (score, document) pairs seen so far, in a binary
 * min-heap whose root is the weakest kept hit (the pruning threshold later).
 * Order: higher score first; equal scores by lower document number, so
 * results are deterministic.
 */
#ifndef KZ_TOPK_H
#define KZ_TOPK_H

#include <stddef.h>
#include <stdint.h>

typedef struct kz_scored {
  double score;
  uint64_t doc;
} kz_scored;

typedef struct kz_topk {
  kz_scored *heap;
  size_t n, cap;
} kz_topk;

int kz_topk_init(kz_topk *t, size_t cap);
void kz_topk_free(kz_topk *t);
/* Offers a hit; it is kept when the heap has room or it beats the weakest. */
void kz_topk_push(kz_topk *t, double score, uint64_t doc);
/* Sorts the kept hits best first (destroys the heap order). */
void kz_topk_sort(kz_topk *t);

#endif /* KZ_TOPK_H */
