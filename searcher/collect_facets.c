/*
 * collect_facets.c - facet counts (see collect_facets.h) in a hash table of
 * bucket keys, open addressing with linear probing, grown at half full.
 */
#include "searcher/collect_facets.h"

#include <stdlib.h>

#include "kzsearch.h"

#define INITIAL_SLOTS 64u
/* Not common/str_table.c: the keys are integers, hashed by multiplication, no bytes to keep. */

static size_t slot_of(int64_t key, size_t cap) {
  uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull; /* Fibonacci hashing: keys are often dense */
  return (size_t)(h >> 32) & (cap - 1);
}

/* The slot of key, or the free one where it goes. */
static kz_facet_bucket *find(kz_facet_bucket *slots, size_t cap, int64_t key) {
  size_t i = slot_of(key, cap);
  while (slots[i].count && slots[i].key != key) i = (i + 1) & (cap - 1);
  return &slots[i];
}

static int grow(kz_facets *f) {
  size_t cap = f->cap * 2;
  kz_facet_bucket *slots = calloc(cap, sizeof *slots);
  if (!slots) return KZ_ERR_NOMEM;
  for (size_t i = 0; i < f->cap; i++)
    if (f->slots[i].count) *find(slots, cap, f->slots[i].key) = f->slots[i];
  free(f->slots);
  f->slots = slots;
  f->cap = cap;
  return KZ_OK;
}

static void on_segment(kz_collector *c, size_t seg, uint64_t base) {
  kz_facets *f = (kz_facets *)c;
  (void)base;
  f->seg_values = seg < f->values->n_segs ? f->values->seg[seg] : NULL;
}

static void on_match(kz_collector *c, uint32_t doc, double score) {
  kz_facets *f = (kz_facets *)c;
  (void)score;
  int64_t value = kz_doc_value(f->seg_values, doc);
  if (value == KZ_VALUE_NONE) {
    f->missing++;
    return;
  }
  int64_t key = f->bucket ? f->bucket(f->bucket_ctx, value) : value;
  kz_facet_bucket *b = find(f->slots, f->cap, key);
  if (!b->count) {
    if (2 * (f->n + 1) > f->cap) {
      if (grow(f)) {
        c->error = KZ_ERR_NOMEM;
        return;
      }
      b = find(f->slots, f->cap, key);
    }
    b->key = key;
    f->n++;
  }
  b->count++;
}

static const kz_collector_ops facets_ops = {on_segment, on_match};

int kz_facets_init(kz_facets *f, const kz_doc_values *values, kz_bucket_fn bucket, void *ctx) {
  *f = (kz_facets){.base = {&facets_ops, 0, KZ_OK}, .values = values, .bucket = bucket,
                   .bucket_ctx = ctx, .cap = INITIAL_SLOTS};
  f->slots = calloc(f->cap, sizeof *f->slots);
  return f->slots ? KZ_OK : KZ_ERR_NOMEM;
}

void kz_facets_free(kz_facets *f) {
  free(f->slots);
  f->slots = NULL;
  f->n = f->cap = 0;
}

static int by_key(const void *pa, const void *pb) {
  int64_t a = ((const kz_facet_bucket *)pa)->key, b = ((const kz_facet_bucket *)pb)->key;
  return a < b ? -1 : a > b;
}

int kz_facets_buckets(const kz_facets *f, kz_facet_bucket **out, size_t *n) {
  kz_facet_bucket *b = malloc((f->n ? f->n : 1) * sizeof *b);
  if (!b) return KZ_ERR_NOMEM;
  size_t k = 0;
  for (size_t i = 0; i < f->cap; i++)
    if (f->slots[i].count) b[k++] = f->slots[i];
  qsort(b, k, sizeof *b, by_key);
  *out = b;
  *n = k;
  return KZ_OK;
}
