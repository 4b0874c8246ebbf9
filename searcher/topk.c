/* topk.c - bounded min-heap of the best hits (see topk.h). */
#include "searcher/topk.h"

#include <stdlib.h>

#include "kzsearch.h"

/* a ranks below b: lower score, or the same score and a later document. */
static inline int worse(const kz_scored *a, const kz_scored *b) {
  return a->score < b->score || (a->score == b->score && a->doc > b->doc);
}

int kz_topk_init(kz_topk *t, size_t cap) {
  t->n = 0;
  t->cap = cap;
  t->heap = malloc((cap ? cap : 1) * sizeof *t->heap);
  return t->heap ? KZ_OK : KZ_ERR_NOMEM;
}

void kz_topk_free(kz_topk *t) {
  free(t->heap);
  t->heap = NULL;
  t->n = t->cap = 0;
}

static void sift_down(kz_scored *h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < n && worse(&h[l], &h[m])) m = l;
    if (r < n && worse(&h[r], &h[m])) m = r;
    if (m == i) return;
    kz_scored tmp = h[i];
    h[i] = h[m];
    h[m] = tmp;
    i = m;
  }
}

void kz_topk_push(kz_topk *t, double score, uint64_t doc) {
  kz_scored s = {score, doc};
  if (t->n < t->cap) {
    size_t i = t->n++;
    while (i > 0) {
      size_t parent = (i - 1) / 2;
      if (!worse(&s, &t->heap[parent])) break;
      t->heap[i] = t->heap[parent];
      i = parent;
    }
    t->heap[i] = s;
  } else if (t->cap && worse(&t->heap[0], &s)) {
    t->heap[0] = s;
    sift_down(t->heap, t->n, 0);
  }
}

static int best_first(const void *pa, const void *pb) {
  const kz_scored *a = pa, *b = pb;
  if (worse(b, a)) return -1;
  if (worse(a, b)) return 1;
  return 0;
}

void kz_topk_sort(kz_topk *t) { qsort(t->heap, t->n, sizeof *t->heap, best_first); }
