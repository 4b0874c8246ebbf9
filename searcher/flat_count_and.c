/*
 * flat_count_and.c - counting the documents of a conjunction: no scores,
 * so no frequencies either, and the lead's blocks are intersected with the
 * other terms' documents by the kernels of searcher/intersect.c.
 */
#include "searcher/flat_internal.h"

#include <stdlib.h>
#include <string.h>

#include "format/deletes.h"
#include "kzsearch.h"
#include "searcher/intersect.h"

/* Grows a scratch array to hold n values. @return 0, or -1 when out of memory. */
static int reserve(uint32_t **a, size_t *cap, size_t n) {
  if (n <= *cap) return 0;
  size_t c = *cap ? *cap : 1024;
  while (c < n) c *= 2;
  uint32_t *p = realloc(*a, c * sizeof *p);
  if (!p) return -1;
  *a = p;
  *cap = c;
  return 0;
}

/*
 * Appends t's documents from lo through hi to *out (moving its cursor past
 * them, block by block). @return the new length, or SIZE_MAX when out of memory.
 */
static size_t gather(kz_fterm *t, uint32_t lo, uint32_t hi, uint32_t **out, size_t *cap, size_t n) {
  kz_postings *c = &t->cur;
  for (uint32_t d = advance(t, lo); d != KZ_DOC_END && d <= hi;) {
    uint32_t from = c->i, to = c->n;
    if (c->docs[to - 1] > hi) { /* the range ends inside this block */
      to = from;
      while (to < c->n && c->docs[to] <= hi) to++;
    }
    if (reserve(out, cap, n + (to - from))) return SIZE_MAX;
    memcpy(*out + n, c->docs + from, (size_t)(to - from) * sizeof **out);
    n += to - from;
    if (to < c->n) {
      c->i = to;
      c->doc = c->docs[to];
      break;
    }
    c->i = c->n - 1;
    d = kz_postings_next(c);
  }
  return n;
}

/*
 * Only counts the documents that hold every required term: no scores, so
 * no frequencies either, and the lead's blocks are intersected with the
 * others' documents by the SIMD kernels of searcher/intersect.c (a merge
 * near 1:1, galloping at larger ratios). Optional terms cannot change
 * which documents match.
 */
void kz_flat_count_and(kz_flat *f) {
  kz_sink *s = f->sink;
  kz_fterm *lead = f->must[0];
  for (size_t m = 0; m < f->n_must; m++) kz_postings_docs_only(&f->must[m]->cur);
  kz_postings *l = &lead->cur;
  uint32_t *cand = NULL, *other = NULL, *out = NULL;
  size_t cap_cand = 0, cap_other = 0, cap_out = 0;
  while (l->doc != KZ_DOC_END) {
    size_t n = l->n - l->i;
    if (reserve(&cand, &cap_cand, n)) goto nomem;
    memcpy(cand, l->docs + l->i, n * sizeof *cand);
    for (size_t m = 1; m < f->n_must && n; m++) {
      kz_fterm *t = f->must[m];
      if (t->cur.df / KZ_INTERSECT_GALLOP_RATIO > lead->cur.df) {
        /* Much denser: advance it to each candidate, decoding only the blocks it lands in. */
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
          if (advance(t, cand[i]) == cand[i]) cand[k++] = cand[i];
        n = k;
        continue;
      }
      size_t k = gather(t, cand[0], cand[n - 1], &other, &cap_other, 0);
      if (k == SIZE_MAX || reserve(&out, &cap_out, n)) goto nomem;
      n = kz_intersect(cand, n, other, k, out);
      uint32_t *swap = cand;
      cand = out;
      out = swap;
      size_t cap = cap_cand;
      cap_cand = cap_out;
      cap_out = cap;
    }
    for (size_t i = 0; i < n; i++)
      if (!kz_deleted(s->deleted, cand[i]) && !(f->n_not && excluded(f, cand[i])))
        kz_sink_match(s, cand[i]);
    s->candidates += l->n - l->i;
    l->i = l->n - 1; /* on to the lead's next block */
    kz_postings_next(l);
  }
  goto done;
nomem:
  f->error = KZ_ERR_NOMEM;
done:
  free(cand);
  free(other);
  free(out);
}
