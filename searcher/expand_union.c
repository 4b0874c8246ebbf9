/*
 * expand_union.c - builds the union of an expanded leaf's postings in one
 * segment (see expand_union.h): one cursor at a time walks each
 * expansion's postings, so memory does not grow with the number of
 * expansions (thousands for "st*"), into sorted pairs or per-document
 * counters, whichever takes less.
 *
 * Ownership: a union owns its pairs or counters; the plan owns the unions
 * kz_plan_expand kept, the iterator those it built itself.
 */
#include "searcher/expand_union.h"

#include <stdlib.h>
#include <string.h>

#include "format/format.h"
#include "format/postings_reader.h"
#include "kzsearch.h"
#include "searcher/plan.h"

uint64_t kz_expand_union_postings(const kz_plan *p, size_t s) {
  uint64_t sum = 0;
  for (size_t i = 0; i < p->n_terms; i++) sum += p->terms[i].seg[s].df;
  return sum;
}

/*
 * Pairs while they and the radix sort's scratch (16 bytes a posting) take
 * less than the counters (4 bytes a document).
 */
static int use_pairs(uint64_t postings, uint32_t docs) { return 4 * postings < docs; }

size_t kz_expand_union_bytes(uint64_t postings, uint32_t docs) {
  return use_pairs(postings, docs) ? (size_t)(16 * postings) : 4 * (size_t)docs;
}

/*
 * Sorts the n pairs by document (their high half; every document < docs),
 * stably, a byte of the document per pass through tmp (n pairs); returns
 * the array that holds the result, a or tmp. A comparison sort of the
 * concatenated runs was half the time of a narrow prefix.
 */
static uint64_t *sort_pairs(uint64_t *a, uint64_t *tmp, size_t n, uint32_t docs) {
  uint64_t top = docs ? docs - 1 : 0;
  for (unsigned shift = 32; shift < 64 && top >> (shift - 32); shift += 8) {
    size_t at[257] = {0};
    for (size_t i = 0; i < n; i++) at[((a[i] >> shift) & 255) + 1]++;
    for (size_t b = 1; b < 257; b++) at[b] += at[b - 1];
    for (size_t i = 0; i < n; i++) tmp[at[(a[i] >> shift) & 255]++] = a[i];
    uint64_t *t = a;
    a = tmp;
    tmp = t;
  }
  return a;
}

/* Sorts the pairs and keeps one per document, frequencies summed. */
static int merge_pairs(kz_expand_union *u) {
  uint64_t *tmp = malloc(u->n ? u->n * sizeof *tmp : 1);
  if (!tmp) return KZ_ERR_NOMEM;
  uint64_t *sorted = sort_pairs(u->pairs, tmp, u->n, u->docs);
  free(sorted == tmp ? u->pairs : tmp);
  u->pairs = sorted;
  size_t kept = 0;
  for (size_t i = 0; i < u->n; i++) {
    if (kept && u->pairs[kept - 1] >> 32 == u->pairs[i] >> 32)
      u->pairs[kept - 1] += (uint32_t)u->pairs[i];
    else
      u->pairs[kept++] = u->pairs[i];
  }
  u->n = kept;
  u->df = kept;
  return KZ_OK;
}

int kz_expand_union_build(kz_expand_union *u, const kz_plan *p, const kz_segment *seg, size_t s,
                          int *error) {
  memset(u, 0, sizeof *u);
  u->docs = seg->info.doc_count;
  uint64_t sum = kz_expand_union_postings(p, s);
  int pairs = use_pairs(sum, u->docs);
  if (pairs) u->pairs = malloc(sum ? (size_t)sum * sizeof *u->pairs : 1);
  else u->freq = calloc(u->docs ? u->docs : 1, sizeof *u->freq);
  if (pairs ? !u->pairs : !u->freq) return KZ_ERR_NOMEM;
  for (size_t i = 0; i < p->n_terms && !*error; i++) {
    const kz_term_info *info = &p->terms[i].seg[s];
    if (info->df == 0) continue;
    kz_postings c;
    kz_postings_init(&c, seg, info, error);
    for (uint32_t d = kz_postings_next(&c); d != KZ_DOC_END; d = kz_postings_next(&c)) {
      uint32_t f = kz_postings_freq(&c);
      if (!pairs) {
        if (d < u->docs) u->df += u->freq[d] == 0, u->freq[d] += f;
      } else if (d < u->docs && u->n < sum) { /* n < sum: a corrupt list stays in bounds */
        u->pairs[u->n++] = (uint64_t)d << 32 | f;
      }
    }
  }
  int rc = pairs ? merge_pairs(u) : KZ_OK;
  if (rc) kz_expand_union_clear(u);
  return rc;
}

void kz_expand_union_clear(kz_expand_union *u) {
  free(u->pairs);
  free(u->freq);
  memset(u, 0, sizeof *u);
}

void kz_expand_unions_free(kz_expand_union *u, size_t n) {
  for (size_t i = 0; u && i < n; i++) kz_expand_union_clear(&u[i]);
  free(u);
}
