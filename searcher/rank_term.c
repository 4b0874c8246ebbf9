/*
 * rank_term.c - the TERM leaf iterator of a search with ranking options
 * (kz_rank_term_iter, rank.h): the candidates of the leaf's own postings,
 * scored with BM25, or with BM25F when the search has a title weight W:
 *
 *   tf' = tf_text / B_text + W * tf_title / B_title
 *   B_f = 1 - b + b * len_f / avglen_f   (per document, per field)
 *   score = idf * tf' / (k1 + tf')
 *
 * ("simple BM25F", Robertson and Zaragoza 2009, section 3.6), idf being the
 * text field's. The text field holds the title's tokens too, so the title
 * cursor never finds a document the text cursor does not, and W = 0 gives
 * BM25 itself. Title leaves (title:) keep plain BM25 on the title. The
 * score is then multiplied by the leaf's weight (RM3's query model).
 */
#include <math.h>
#include <stdlib.h>

#include "format/format.h"
#include "format/postings_reader.h"
#include "searcher/rank.h"

typedef struct rank_term {
  kz_iter base;
  kz_postings cur;
  kz_postings title; /* the term in the title field, when has_title */
  int has_title;
  kz_eval_ctx *ctx;
  const kz_bm25 *bm25;
  double idf, weight, title_weight;
} rank_term;

static uint32_t rterm_next(kz_iter *it) {
  rank_term *t = (rank_term *)it;
  return it->doc = kz_postings_next(&t->cur);
}
static uint32_t rterm_advance(kz_iter *it, uint32_t target) {
  rank_term *t = (rank_term *)it;
  return it->doc = kz_postings_advance(&t->cur, target);
}
static int rterm_matches(kz_iter *it) { return 1; }

static double rterm_score(kz_iter *it) {
  rank_term *t = (rank_term *)it;
  uint32_t doc = it->doc;
  double tf = kz_postings_freq(&t->cur);
  t->ctx->scored++;
  if (t->title_weight <= 0) return t->weight * kz_bm25_score(t->bm25, t->idf, tf, doc);
  double title_tf = 0;
  if (t->has_title && kz_postings_advance(&t->title, doc) == doc)
    title_tf = kz_postings_freq(&t->title);
  return kz_rank_bm25f(t->bm25, t->ctx->title_bm25.avgdl, t->weight, t->idf, t->title_weight, tf,
                       title_tf, doc);
}

static void rterm_free(kz_iter *it) { free(it); }

static const kz_iter_ops rterm_ops = {rterm_next, rterm_advance, rterm_matches, rterm_score,
                                      rterm_free};

static int new_empty(kz_iter **out, kz_eval_ctx *ctx) {
  /* an absent term: a cursor over no postings ends at once */
  rank_term *t = calloc(1, sizeof *t);
  if (!t) return KZ_ERR_NOMEM;
  t->base.ops = &rterm_ops;
  t->base.doc = KZ_DOC_END;
  t->ctx = ctx;
  *out = &t->base;
  return KZ_OK;
}

int kz_rank_term_iter(kz_iter **out, const kz_plan *p, kz_eval_ctx *ctx) {
  const kz_rank *r = ctx->rank;
  const kz_term_info *info = &p->terms[0].seg[ctx->seg_index];
  if (info->df == 0) return new_empty(out, ctx);
  rank_term *t = malloc(sizeof *t);
  if (!t) return KZ_ERR_NOMEM;
  t->base.ops = &rterm_ops;
  t->base.cost = info->df;
  t->base.max_score = INFINITY;
  t->ctx = ctx;
  t->bm25 = p->field == KZ_FIELD_TITLE ? &ctx->title_bm25 : &ctx->bm25;
  t->idf = p->idf;
  t->weight = kz_rank_leaf_weight(r, p);
  t->title_weight = p->field == KZ_FIELD_TEXT ? r->title_weight : 0.0;
  const kz_term_info *title = t->title_weight > 0 ? kz_rank_leaf_title(r, p, ctx->seg_index) : NULL;
  t->has_title = title != NULL;
  kz_postings_init(&t->cur, ctx->seg, info, &ctx->error);
  if (t->has_title) kz_postings_init(&t->title, ctx->seg, title, &ctx->error);
  t->base.doc = kz_postings_next(&t->cur);
  *out = &t->base;
  return KZ_OK;
}
