/*
 * collect_value.c - top k by a per-document value (see collect_value.h):
 * a bounded min-heap of kz_value_hit whose root is the weakest hit kept,
 * fed by the sink through kz_collector's operations.
 */
#include "searcher/collect_value.h"

#include <stdlib.h>

#include "kzsearch.h"

/* a ranks below b: see collect_value.h for the order. */
static int worse(const kz_top_value *t, const kz_value_hit *a, const kz_value_hit *b) {
  int a_none = a->value == KZ_VALUE_NONE, b_none = b->value == KZ_VALUE_NONE;
  if (a_none != b_none) return a_none;
  if (a->value != b->value) return t->ascending ? a->value > b->value : a->value < b->value;
  if (a->score != b->score) return a->score < b->score;
  return a->doc > b->doc;
}

static void sift_down(kz_top_value *t, size_t i) {
  kz_value_hit *h = t->heap;
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < t->n && worse(t, &h[l], &h[m])) m = l;
    if (r < t->n && worse(t, &h[r], &h[m])) m = r;
    if (m == i) return;
    kz_value_hit tmp = h[i];
    h[i] = h[m];
    h[m] = tmp;
    i = m;
  }
}

static void push(kz_top_value *t, const kz_value_hit *hit) {
  if (t->n < t->cap) {
    size_t i = t->n++;
    while (i > 0) {
      size_t parent = (i - 1) / 2;
      if (!worse(t, hit, &t->heap[parent])) break;
      t->heap[i] = t->heap[parent];
      i = parent;
    }
    t->heap[i] = *hit;
  } else if (t->cap && worse(t, &t->heap[0], hit)) {
    t->heap[0] = *hit;
    sift_down(t, 0);
  }
}

static void on_segment(kz_collector *c, size_t seg, uint64_t base) {
  kz_top_value *t = (kz_top_value *)c;
  t->seg_values = seg < t->values->n_segs ? t->values->seg[seg] : NULL;
  t->seg_base = base;
}

static void on_match(kz_collector *c, uint32_t doc, double score) {
  kz_top_value *t = (kz_top_value *)c;
  kz_value_hit hit = {kz_doc_value(t->seg_values, doc), score, t->seg_base + doc};
  push(t, &hit);
}

static const kz_collector_ops top_value_ops = {on_segment, on_match};

int kz_top_value_init(kz_top_value *t, size_t cap, const kz_doc_values *values, int ascending) {
  *t = (kz_top_value){.base = {&top_value_ops, 1, KZ_OK}, .values = values, .ascending = ascending};
  t->cap = cap;
  t->heap = malloc((cap ? cap : 1) * sizeof *t->heap);
  return t->heap ? KZ_OK : KZ_ERR_NOMEM;
}

void kz_top_value_free(kz_top_value *t) {
  free(t->heap);
  t->heap = NULL;
  t->n = t->cap = 0;
}

void kz_top_value_sort(kz_top_value *t) {
  /* Heapsort in place: the weakest goes to the end each time, so the array ends best first. */
  size_t n = t->n;
  while (t->n > 1) {
    kz_value_hit tmp = t->heap[0];
    t->heap[0] = t->heap[--t->n];
    t->heap[t->n] = tmp;
    sift_down(t, 0);
  }
  t->n = n;
}
