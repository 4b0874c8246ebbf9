/*
 * iter_prox.c - the iterator of a sloppy phrase ("a b"~N) and of NEAR
 * (iter.h's two phases): next/advance walk the conjunction of the terms'
 * postings (documents with every term), and matches() runs the proximity
 * sweep of prox.h on the candidate's positions. With a threshold (the
 * phrase is the whole query and pruning is on), a candidate whose best
 * possible score cannot enter the top k is rejected before any position is
 * decoded, and the sweep gives up on one as soon as the matches it has
 * left cannot lift it there (kz_prox_match_above). Each match weighs at
 * most 1, and each match but the last is
 * recorded when a cursor steps forward, which each term's cursor does at
 * most tf - 1 times, so the sloppy frequency is at most sum(tf) - k + 1 for
 * k terms; for two distinct terms, whose passes alternate, at most
 * min(tf_a + tf_b - 1, 2 min(tf_a, tf_b)) (kz_prox_most2). It is not
 * bounded by the smallest tf as an exact phrase's frequency is: in
 * "a b"~2 over ". b . . b . a b . b", the one "a" takes part in two matches
 * (test_prox checks this).
 *
 * Owns its cursors and the position buffers, which grow to the largest
 * document seen and are reused.
 */
#include "searcher/iter_prox.h"

#include <stdlib.h>
#include <string.h>

#include "format/format.h"
#include "format/postings_reader.h"
#include "kzsearch.h"
#include "searcher/prox.h"

typedef struct prox_iter {
  kz_iter base;
  kz_eval_ctx *ctx;
  const kz_bm25 *bm25;
  double idf;
  double freq;              /* the sloppy frequency of the current document */
  size_t n;
  kz_postings *cur;         /* by increasing df: cur[0] leads the conjunction */
  kz_prox_term *terms;      /* terms[i] belongs to cur[i] */
  kz_prox_cursor *sweep;
  uint32_t **pos;           /* pos[i]: cur[i]'s positions in the current document */
  uint32_t *cap;
  int64_t max_len;
  uint32_t weight_base;
  const double *threshold;
} prox_iter;

static uint32_t prox_align(prox_iter *x, uint32_t doc) {
  for (size_t i = 1; i < x->n && doc != KZ_DOC_END;) {
    uint32_t d = kz_postings_advance(&x->cur[i], doc);
    if (d > doc) {
      doc = kz_postings_advance(&x->cur[0], d);
      i = 1;
      continue;
    }
    i++;
  }
  return x->base.doc = doc;
}

static uint32_t prox_next(kz_iter *it) {
  prox_iter *x = (prox_iter *)it;
  return prox_align(x, kz_postings_next(&x->cur[0]));
}

static uint32_t prox_advance(kz_iter *it, uint32_t target) {
  prox_iter *x = (prox_iter *)it;
  return prox_align(x, kz_postings_advance(&x->cur[0], target));
}

/* Decodes cur[i]'s positions in the current document into pos[i]. @return 0 on failure. */
static int load_positions(prox_iter *x, size_t i) {
  uint32_t f = kz_postings_freq(&x->cur[i]);
  if (f > x->cap[i]) {
    uint32_t *p = realloc(x->pos[i], (size_t)f * sizeof *p);
    if (!p) {
      x->ctx->error = KZ_ERR_NOMEM;
      return 0;
    }
    x->pos[i] = p;
    x->cap[i] = f;
  }
  int got = kz_postings_positions(&x->cur[i], x->pos[i], x->cap[i]);
  if (got <= 0) return 0; /* corruption is in ctx->error */
  x->terms[i].pos = x->pos[i];
  x->terms[i].n = (uint32_t)got;
  return 1;
}

/*
 * A sloppy frequency at or below which document `doc` cannot beat the
 * threshold: BM25 solved for tf, a little lower so that rounding stays on
 * the safe side (the caller checks the bound it gets with BM25 itself).
 * -1 when there is no threshold yet.
 */
static double give_up(const prox_iter *x, uint32_t doc) {
  double t = *x->threshold, den = x->idf * KZ_BOUND_SLACK - t;
  if (!(t > 0) || !(den > 0)) return -1.0;
  return t * kz_bm25_norm(x->bm25, doc) / den * (1.0 - 1e-9);
}

static int prox_matches(kz_iter *it) {
  prox_iter *x = (prox_iter *)it;
  x->freq = 0;
  if (x->threshold) { /* the bound of the file comment */
    double most = 1.0 - (double)x->n;
    for (size_t i = 0; i < x->n; i++) most += kz_postings_freq(&x->cur[i]);
    if (x->n == 2 && x->terms[0].group != x->terms[1].group)
      most = (double)kz_prox_most2(kz_postings_freq(&x->cur[0]) - 1,
                                   kz_postings_freq(&x->cur[1]) - 1);
    if (kz_bm25_score(x->bm25, x->idf, most, it->doc) * KZ_BOUND_SLACK <= *x->threshold)
      return 0;
  }
  for (size_t i = 0; i < x->n; i++)
    if (!load_positions(x, i)) return 0;
  if (x->threshold && x->ctx->scoring) {
    uint32_t m = kz_prox_match_above(x->terms, x->n, x->max_len, x->weight_base,
                                     give_up(x, it->doc), x->sweep, &x->freq);
    if (m != KZ_PROX_GAVE_UP) return m > 0;
    if (kz_bm25_score(x->bm25, x->idf, x->freq, it->doc) * KZ_BOUND_SLACK <= *x->threshold)
      return 0;
    /* rounding put the bound a hair above the threshold after all: count it all */
  }
  return kz_prox_match(x->terms, x->n, x->max_len, x->weight_base, !x->ctx->scoring, x->sweep,
                       &x->freq) > 0;
}

static double prox_score(kz_iter *it) {
  prox_iter *x = (prox_iter *)it;
  x->ctx->scored++;
  return kz_bm25_score(x->bm25, x->idf, x->freq, it->doc);
}

static void prox_free(kz_iter *it) {
  prox_iter *x = (prox_iter *)it;
  for (size_t i = 0; i < x->n; i++) free(x->pos[i]);
  free(x->cur);
  free(x->terms);
  free(x->sweep);
  free(x->pos);
  free(x->cap);
  free(x);
}

static const kz_iter_ops prox_ops = {prox_next, prox_advance, prox_matches, prox_score,
                                     prox_free};

/* The plan's terms in order of increasing df in the segment (stable). */
static void order_by_df(const kz_plan *p, size_t seg, size_t *order) {
  for (size_t i = 0; i < p->n_terms; i++) {
    size_t j = i;
    for (; j > 0 && p->terms[order[j - 1]].seg[seg].df > p->terms[i].seg[seg].df; j--)
      order[j] = order[j - 1];
    order[j] = i;
  }
}

void kz_prox_setup(const kz_plan *p, size_t seg, size_t *order, kz_prox_term *terms,
                   int64_t *max_len, uint32_t *base) {
  size_t n = p->n_terms;
  /* NEAR/N over k words: a stretch of N + k - 1 positions; weights count the extra words. */
  *max_len = p->near ? (int64_t)p->slop + (int64_t)n - 2 : (int64_t)p->slop;
  *base = p->near ? (uint32_t)(n - 1) : 0;
  order_by_df(p, seg, order);
  for (size_t i = 0; i < n; i++) {
    const kz_pterm *t = &p->terms[order[i]];
    terms[i].offset = t->offset;
    terms[i].group = (uint32_t)order[i];
    for (size_t j = 0; j < order[i]; j++) /* copies of one term share the first copy's group */
      if (p->terms[j].key_len == t->key_len && !memcmp(p->terms[j].key, t->key, t->key_len)) {
        terms[i].group = (uint32_t)j;
        break;
      }
  }
}

int kz_iter_prox(kz_iter **out, const kz_plan *p, kz_eval_ctx *ctx, const kz_bm25 *bm25,
                 const double *threshold) {
  size_t n = p->n_terms, s = ctx->seg_index;
  prox_iter *x = calloc(1, sizeof *x);
  size_t *order = calloc(n, sizeof *order);
  if (!x || !order || !(x->cur = calloc(n, sizeof *x->cur)) ||
      !(x->terms = calloc(n, sizeof *x->terms)) || !(x->sweep = calloc(n, sizeof *x->sweep)) ||
      !(x->pos = calloc(n, sizeof *x->pos)) || !(x->cap = calloc(n, sizeof *x->cap))) {
    free(order);
    if (x) prox_free(&x->base);
    return KZ_ERR_NOMEM;
  }
  x->n = n;
  x->base.ops = &prox_ops;
  x->ctx = ctx;
  x->bm25 = bm25;
  x->idf = p->idf;
  x->threshold = threshold;
  kz_prox_setup(p, s, order, x->terms, &x->max_len, &x->weight_base);
  for (size_t i = 0; i < n; i++)
    kz_postings_init(&x->cur[i], ctx->seg, &p->terms[order[i]].seg[s], &ctx->error);
  free(order);
  x->base.cost = x->cur[0].df;
  x->base.max_score = p->idf * KZ_BOUND_SLACK; /* tf / (tf + norm) < 1 */
  prox_align(x, kz_postings_next(&x->cur[0]));
  *out = &x->base;
  return KZ_OK;
}
