/*
 * iter_expand.c - the union of an expanded leaf's postings in one segment
 * (see iter_expand.h), scored as one term with BM25 on the summed
 * frequency and the leaf's blended idf.
 *
 * With one expansion in the segment the iterator is a plain cursor. With
 * more, the union is built when the iterator is: one cursor at a time
 * walks each expansion's postings, so memory does not grow with the number
 * of expansions (thousands for "st*"). The union goes either into sorted
 * (document, frequency) pairs, when the expansions' postings are few, or
 * into one frequency counter per document of the segment, when pairs would
 * take more; so it takes at most 4 bytes per document of the segment
 * (kz_plan_expand bounds the sum over a query's leaves).
 */
#include "searcher/iter_expand.h"

#include <stdlib.h>
#include <string.h>

#include "format/format.h"
#include "format/postings_reader.h"
#include "kzsearch.h"

typedef enum mode { EMPTY, CURSOR, PAIRS, DENSE } mode;

typedef struct expand_iter {
  kz_iter base;
  kz_eval_ctx *ctx;
  const kz_bm25 *bm25;
  double idf;
  mode mode;
  kz_postings cur;  /* CURSOR */
  uint64_t *pairs;  /* PAIRS: document << 32 | summed frequency, by document */
  size_t n, i;
  uint32_t *freq;   /* DENSE: the summed frequency of every document, 0 when absent */
  uint32_t docs;    /* DENSE: the segment's documents */
} expand_iter;

static uint32_t pairs_at(expand_iter *x) {
  return x->base.doc = x->i < x->n ? (uint32_t)(x->pairs[x->i] >> 32) : KZ_DOC_END;
}

static uint32_t dense_from(expand_iter *x, uint32_t d) {
  while (d < x->docs && x->freq[d] == 0) d++;
  return x->base.doc = d < x->docs ? d : KZ_DOC_END;
}

static uint32_t expand_next(kz_iter *it) {
  expand_iter *x = (expand_iter *)it;
  if (it->doc == KZ_DOC_END) return it->doc;
  switch (x->mode) {
    case CURSOR:
      return it->doc = kz_postings_next(&x->cur);
    case PAIRS:
      x->i++;
      return pairs_at(x);
    case DENSE:
      return dense_from(x, it->doc + 1);
    default:
      return it->doc = KZ_DOC_END;
  }
}

static uint32_t expand_advance(kz_iter *it, uint32_t target) {
  expand_iter *x = (expand_iter *)it;
  if (it->doc >= target) return it->doc; /* KZ_DOC_END included */
  switch (x->mode) {
    case CURSOR:
      return it->doc = kz_postings_advance(&x->cur, target);
    case PAIRS: { /* galloping, then a binary search */
      size_t lo = x->i, step = 1, hi = lo;
      while (hi < x->n && (uint32_t)(x->pairs[hi] >> 32) < target) {
        lo = hi + 1;
        hi += step;
        step *= 2;
      }
      if (hi > x->n) hi = x->n;
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uint32_t)(x->pairs[mid] >> 32) < target) lo = mid + 1;
        else hi = mid;
      }
      x->i = lo;
      return pairs_at(x);
    }
    case DENSE:
      return dense_from(x, target);
    default:
      return it->doc = KZ_DOC_END;
  }
}

static int expand_matches(kz_iter *it) { return it->doc != KZ_DOC_END; }

static double expand_score(kz_iter *it) {
  expand_iter *x = (expand_iter *)it;
  uint32_t f = x->mode == CURSOR  ? kz_postings_freq(&x->cur)
               : x->mode == PAIRS ? (uint32_t)x->pairs[x->i]
                                  : x->freq[it->doc];
  x->ctx->scored++;
  return kz_bm25_score(x->bm25, x->idf, f, it->doc);
}

static void expand_free(kz_iter *it) {
  expand_iter *x = (expand_iter *)it;
  free(x->pairs);
  free(x->freq);
  free(x);
}

static const kz_iter_ops expand_ops = {expand_next, expand_advance, expand_matches, expand_score,
                                       expand_free};

static int by_pair(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Adds every posting of the segment's expansions to the pairs or the counters. */
static int gather(expand_iter *x, const kz_plan *p, kz_eval_ctx *ctx, uint64_t sum) {
  const kz_segment *seg = ctx->seg;
  size_t s = ctx->seg_index;
  if (x->mode == PAIRS) x->pairs = malloc((size_t)sum * sizeof *x->pairs);
  else x->freq = calloc(x->docs ? x->docs : 1, sizeof *x->freq);
  if (x->mode == PAIRS ? !x->pairs : !x->freq) return KZ_ERR_NOMEM;
  for (size_t i = 0; i < p->n_terms && !ctx->error; i++) {
    const kz_term_info *info = &p->terms[i].seg[s];
    if (info->df == 0) continue;
    kz_postings c;
    kz_postings_init(&c, seg, info, &ctx->error);
    for (uint32_t d = kz_postings_next(&c); d != KZ_DOC_END; d = kz_postings_next(&c)) {
      uint32_t f = kz_postings_freq(&c);
      if (x->mode == DENSE) {
        if (d < x->docs) x->freq[d] += f;
      } else if (x->n < sum) {
        x->pairs[x->n++] = (uint64_t)d << 32 | f;
      }
    }
  }
  if (x->mode == DENSE) return KZ_OK;
  qsort(x->pairs, x->n, sizeof *x->pairs, by_pair);
  size_t kept = 0; /* one pair per document, frequencies summed */
  for (size_t i = 0; i < x->n; i++) {
    if (kept && x->pairs[kept - 1] >> 32 == x->pairs[i] >> 32)
      x->pairs[kept - 1] += (uint32_t)x->pairs[i];
    else
      x->pairs[kept++] = x->pairs[i];
  }
  x->n = kept;
  return KZ_OK;
}

int kz_iter_expand(kz_iter **out, const kz_plan *p, kz_eval_ctx *ctx) {
  size_t s = ctx->seg_index, holders = 0, only = 0;
  uint64_t sum = 0;
  for (size_t i = 0; i < p->n_terms; i++)
    if (p->terms[i].seg[s].df) {
      holders++;
      only = i;
      sum += p->terms[i].seg[s].df;
    }
  expand_iter *x = calloc(1, sizeof *x);
  if (!x) return KZ_ERR_NOMEM;
  x->base.ops = &expand_ops;
  x->ctx = ctx;
  x->bm25 = p->field == KZ_FIELD_TITLE ? &ctx->title_bm25 : &ctx->bm25;
  x->idf = p->idf;
  x->docs = ctx->seg->info.doc_count;
  x->base.cost = sum;
  x->base.max_score = p->idf * KZ_BOUND_SLACK; /* tf / (tf + norm) < 1 */
  x->mode = holders == 0 ? EMPTY : holders == 1 ? CURSOR : 2 * sum < x->docs ? PAIRS : DENSE;
  int rc = KZ_OK;
  if (x->mode == EMPTY) {
    x->base.doc = KZ_DOC_END;
  } else if (x->mode == CURSOR) {
    kz_postings_init(&x->cur, ctx->seg, &p->terms[only].seg[s], &ctx->error);
    x->base.doc = kz_postings_next(&x->cur);
  } else if ((rc = gather(x, p, ctx, sum)) == KZ_OK) {
    if (x->mode == PAIRS) pairs_at(x);
    else dense_from(x, 0);
  }
  if (rc) {
    expand_free(&x->base);
    return rc;
  }
  *out = &x->base;
  return KZ_OK;
}
