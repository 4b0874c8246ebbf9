/*
 * iter_expand.c - the union of an expanded leaf's postings in one segment
 * (see iter_expand.h), scored as one term with BM25 on the summed
 * frequency and the leaf's blended idf.
 *
 * With one expansion in the segment the iterator is a plain cursor. With
 * more, it walks the union of their postings (searcher/expand_union.h):
 * the one kz_plan_expand built while counting the union's documents and
 * kept in the plan, or, past the query's budget for kept unions, one it
 * builds itself and owns (kz_plan_expand bounds the sum over a query's
 * leaves per segment).
 */
#include "searcher/iter_expand.h"

#include <stdlib.h>
#include <string.h>

#include "format/format.h"
#include "format/postings_reader.h"
#include "kzsearch.h"
#include "searcher/expand_union.h"

typedef enum mode { EMPTY, CURSOR, PAIRS, DENSE } mode;

typedef struct expand_iter {
  kz_iter base;
  kz_eval_ctx *ctx;
  const kz_bm25 *bm25;
  double idf;
  mode mode;
  kz_postings cur;  /* CURSOR */
  const uint64_t *pairs; /* PAIRS: u's */
  size_t n, i;
  const uint32_t *freq;  /* DENSE: u's */
  uint32_t docs;         /* DENSE: the segment's documents */
  kz_expand_union own;   /* the union when the plan kept none for this segment */
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
  kz_expand_union_clear(&x->own);
  free(x);
}

static const kz_iter_ops expand_ops = {expand_next, expand_advance, expand_matches, expand_score,
                                       expand_free};

/* Points x at segment s's union of p: the plan's, else one built now. */
static int use_union(expand_iter *x, const kz_plan *p, kz_eval_ctx *ctx) {
  size_t s = ctx->seg_index;
  const kz_expand_union *u = &x->own;
  if (p->unions && s < p->n_unions && (p->unions[s].pairs || p->unions[s].freq)) u = &p->unions[s];
  else {
    int rc = kz_expand_union_build(&x->own, p, ctx->seg, s, &ctx->error);
    if (rc) return rc;
  }
  x->mode = u->pairs ? PAIRS : DENSE;
  x->pairs = u->pairs;
  x->n = u->n;
  x->freq = u->freq;
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
  x->mode = holders == 0 ? EMPTY : holders == 1 ? CURSOR : PAIRS; /* PAIRS: or DENSE, use_union */
  int rc = KZ_OK;
  if (x->mode == EMPTY) {
    x->base.doc = KZ_DOC_END;
  } else if (x->mode == CURSOR) {
    kz_postings_init(&x->cur, ctx->seg, &p->terms[only].seg[s], &ctx->error);
    x->base.doc = kz_postings_next(&x->cur);
  } else if ((rc = use_union(x, p, ctx)) == KZ_OK) {
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
