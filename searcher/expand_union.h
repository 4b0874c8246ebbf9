/*
 * expand_union.h - the union of an expanded leaf's postings in one
 * segment: every document holding any of the leaf's terms, once, with the
 * sum of their frequencies there (the blended term of searcher/expand.h).
 *
 * kz_plan_expand builds it while it counts the union's documents for the
 * leaf's df, and keeps it in the plan (p->unions) for the iterator
 * (iter_expand.c), so a wide prefix's postings are decoded once per query
 * instead of twice; past the query's budget the iterator builds it again.
 */
#ifndef KZ_EXPAND_UNION_H
#define KZ_EXPAND_UNION_H

#include <stddef.h>
#include <stdint.h>

#include "format/segment_reader.h"

struct kz_plan;

/*
 * Either sorted (document, frequency) pairs, when the expansions' postings
 * are few, or one counter per document of the segment, when pairs would
 * take more; so at most 4 bytes per document of the segment.
 */
typedef struct kz_expand_union {
  uint64_t *pairs; /* document << 32 | summed frequency, by document; or NULL */
  size_t n;        /* pairs */
  uint32_t *freq;  /* or the summed frequency of every document, 0 when absent; or NULL */
  uint32_t docs;   /* the segment's documents */
  uint64_t df;     /* documents in the union */
} kz_expand_union;

/* Postings of segment s the union of p's terms gathers (the sum of their df there). */
uint64_t kz_expand_union_postings(const struct kz_plan *p, size_t s);

/* What kz_expand_union_build takes for `postings` postings in a segment of `docs` documents. */
size_t kz_expand_union_bytes(uint64_t postings, uint32_t docs);

/*
 * Builds the union of p's terms in segment `seg` (index s of the plan's
 * per-segment entries) into *u (zeroed first). Corrupt postings set
 * *error and end early. @return KZ_OK or KZ_ERR_NOMEM (*u then empty).
 */
int kz_expand_union_build(kz_expand_union *u, const struct kz_plan *p, const kz_segment *seg,
                          size_t s, int *error);

/* Frees what u holds and zeroes it. */
void kz_expand_union_clear(kz_expand_union *u);

/* Clears and frees n unions (p->unions of a plan); NULL is fine. */
void kz_expand_unions_free(kz_expand_union *u, size_t n);

#endif /* KZ_EXPAND_UNION_H */
