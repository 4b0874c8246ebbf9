/*
 * iter_date.c - the iterator of a date clause (KZ_P_DATE): every document of
 * the segment whose date lies in lo .. hi, read from the segment's date
 * column (format/values.h). It filters and scores 0. Blocks whose smallest
 * and largest date miss the range are passed over whole, so a narrow range
 * over a time-ordered collection reads few values.
 */
#include "searcher/iter_date.h"

#include <stdlib.h>

#include "format/postings_reader.h"
#include "format/values.h"
#include "kzsearch.h"

typedef struct date_iter {
  kz_iter base;
  const kz_values *dates;
  int64_t lo, hi;
} date_iter;

/* Whether block b may hold a date in range. */
static int block_may_match(const date_iter *d, uint32_t b) {
  int64_t min, max;
  kz_values_block_range(d->dates, b, &min, &max);
  return min <= max && min <= d->hi && max >= d->lo;
}

/* The first document at or after `from` whose date is in range. */
static uint32_t seek(date_iter *d, uint32_t from) {
  const kz_values *v = d->dates;
  uint32_t doc = from;
  while (doc < v->n_docs) {
    uint32_t b = doc / KZ_VALUES_BLOCK_DOCS;
    if (!block_may_match(d, b)) {
      doc = (b + 1) * KZ_VALUES_BLOCK_DOCS;
      continue;
    }
    uint32_t end = (b + 1) * KZ_VALUES_BLOCK_DOCS < v->n_docs ? (b + 1) * KZ_VALUES_BLOCK_DOCS
                                                               : v->n_docs;
    for (; doc < end; doc++) {
      int64_t t = kz_values_get(v, doc);
      /* KZ_VALUE_NONE is below every range's lo: a document without a date never matches */
      if (t != KZ_VALUE_NONE && t >= d->lo && t <= d->hi) return d->base.doc = doc;
    }
  }
  return d->base.doc = KZ_DOC_END;
}

static uint32_t date_next(kz_iter *it) {
  return it->doc == KZ_DOC_END ? KZ_DOC_END : seek((date_iter *)it, it->doc + 1);
}

static uint32_t date_advance(kz_iter *it, uint32_t target) {
  if (it->doc != KZ_DOC_END && it->doc >= target) return it->doc;
  return target == KZ_DOC_END ? (it->doc = KZ_DOC_END) : seek((date_iter *)it, target);
}

static int date_matches(kz_iter *it) { return 1; }
static double date_score(kz_iter *it) { return 0; }
static void date_free(kz_iter *it) { free(it); }

static const kz_iter_ops date_ops = {date_next, date_advance, date_matches, date_score, date_free};

int kz_iter_date(kz_iter **out, const kz_plan *p, const kz_eval_ctx *ctx) {
  date_iter *d = calloc(1, sizeof *d);
  if (!d) return KZ_ERR_NOMEM;
  d->base.ops = &date_ops;
  d->dates = &ctx->seg->dates;
  d->lo = p->lo;
  d->hi = p->hi;
  d->base.cost = ctx->seg->info.doc_count; /* a term leads a conjunction with it */
  d->base.max_score = 0;
  seek(d, 0);
  *out = &d->base;
  return KZ_OK;
}
