/*
 * rank.c - the ranking options' checks, their per-search state (the term
 * leaves' weights and title entries, recency's "now") and the evaluator
 * that scores every match with them (see rank.h).
 */
#include "searcher/rank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format/deletes.h"
#include "format/format.h"
#include "format/values.h"
#include "searcher/index.h"
#include "searcher/rank_proximity.h"

int kz_rank_wanted(const kz_search_options *o) {
  return o->version >= 3 && (o->title_weight > 0 || o->proximity || o->recency_days > 0);
}

int kz_rank_check(const kz_search_options *o, kz_error *err) {
  if (o->version < 3) return KZ_OK;
  if (!(o->title_weight >= 0 && o->title_weight <= 1000))
    return kz_error_set(err, KZ_ERR_INVALID, "the title weight must be between 0 and 1000");
  if (o->rm3 && (o->rm3_docs < 1 || o->rm3_docs > 1000))
    return kz_error_set(err, KZ_ERR_INVALID, "RM3 feedback documents must be between 1 and 1000");
  if (o->rm3 && (o->rm3_terms < 1 || o->rm3_terms > 1000))
    return kz_error_set(err, KZ_ERR_INVALID, "RM3 feedback terms must be between 1 and 1000");
  if (o->rm3 && !(o->rm3_weight >= 0 && o->rm3_weight <= 1))
    return kz_error_set(err, KZ_ERR_INVALID, "the RM3 original query weight must be between 0 and 1");
  if (!(o->recency_days >= 0 && o->recency_days <= 1e6))
    return kz_error_set(err, KZ_ERR_INVALID, "the recency scale must be between 0 and 1000000 days");
  if (o->recency_decay != KZ_DECAY_EXP && o->recency_decay != KZ_DECAY_GAUSS)
    return kz_error_set(err, KZ_ERR_INVALID, "unknown recency decay %d", o->recency_decay);
  return KZ_OK;
}

/* Appends the plan's TERM leaves to r->leaves (capacity *cap). */
static int collect_leaves(kz_rank *r, const kz_plan *p, size_t *cap) {
  if (p->kind == KZ_P_TERM) {
    if (r->n_leaves == *cap) {
      size_t c = *cap ? *cap * 2 : 8;
      kz_rank_leaf *n = realloc(r->leaves, c * sizeof *n);
      if (!n) return KZ_ERR_NOMEM;
      r->leaves = n;
      *cap = c;
    }
    r->leaves[r->n_leaves++] = (kz_rank_leaf){p, 1.0, NULL};
    return KZ_OK;
  }
  kz_plan *const *lists[3] = {p->must, p->should, p->not};
  size_t counts[3] = {p->n_must, p->n_should, p->n_not};
  for (int l = 0; l < 3; l++)
    for (size_t i = 0; i < counts[l]; i++) {
      int rc = collect_leaves(r, lists[l][i], cap);
      if (rc) return rc;
    }
  return KZ_OK;
}

/* The title field's dictionary entries of a text leaf's term, per segment (df 0: absent). */
static int lookup_title(kz_rank_leaf *leaf, const kz_index *idx) {
  const kz_pterm *t = &leaf->leaf->terms[0];
  char *key = malloc(t->key_len);
  leaf->title = calloc(idx->n_segs ? idx->n_segs : 1, sizeof *leaf->title);
  if (!key || !leaf->title) {
    free(key);
    return KZ_ERR_NOMEM;
  }
  memcpy(key, t->key, t->key_len);
  key[0] = (char)KZ_FIELD_TITLE;
  int rc = KZ_OK;
  for (size_t s = 0; s < idx->n_segs && !rc; s++) {
    int found = kz_segment_lookup(&idx->segs[s], key, t->key_len, &leaf->title[s]);
    if (found < 0) rc = found;
    else if (!found) memset(&leaf->title[s], 0, sizeof leaf->title[s]);
  }
  free(key);
  return rc;
}

int kz_rank_new(kz_rank **out, const kz_index *idx, const kz_plan *plan,
                const kz_search_options *o, const kz_rank_weight *weights, size_t n_weights,
                kz_error *err) {
  *out = NULL;
  kz_rank *r = calloc(1, sizeof *r);
  if (!r) return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  r->idx = idx;
  r->title_weight = o->title_weight;
  r->proximity = o->proximity;
  r->recency = o->recency_days > 0;
  size_t cap = 0;
  int rc = r->recency ? kz_recency_init(&r->decay, idx, o, err) : KZ_OK;
  if (!rc && (rc = collect_leaves(r, plan, &cap))) kz_error_set(err, rc, "out of memory");
  for (size_t i = 0; !rc && i < r->n_leaves; i++) {
    kz_rank_leaf *leaf = &r->leaves[i];
    for (size_t w = 0; w < n_weights; w++)
      if (weights[w].leaf == leaf->leaf) leaf->weight = weights[w].weight;
    if (r->title_weight > 0 && leaf->leaf->field == KZ_FIELD_TEXT && (rc = lookup_title(leaf, idx)))
      kz_error_set(err, rc, "%s: %s while looking up title terms", idx->path, kz_strerror(rc));
  }
  if (rc) {
    kz_rank_free(r);
    return rc;
  }
  *out = r;
  return KZ_OK;
}

void kz_rank_free(kz_rank *r) {
  if (!r) return;
  for (size_t i = 0; i < r->n_leaves; i++) free(r->leaves[i].title);
  free(r->leaves);
  free(r);
}

double kz_rank_leaf_weight(const kz_rank *r, const kz_plan *leaf) {
  for (size_t i = 0; i < r->n_leaves; i++)
    if (r->leaves[i].leaf == leaf) return r->leaves[i].weight;
  return 1.0;
}

const kz_term_info *kz_rank_leaf_title(const kz_rank *r, const kz_plan *leaf, size_t s) {
  for (size_t i = 0; i < r->n_leaves; i++)
    if (r->leaves[i].leaf == leaf)
      return r->leaves[i].title && r->leaves[i].title[s].df > 0 ? &r->leaves[i].title[s] : NULL;
  return NULL;
}

int kz_rank_offer(const kz_rank *r, kz_proximity *prox, const kz_bm25 *bm25,
                  const int64_t *dates, kz_sink *sink, const kz_rank_match *m) {
  uint32_t d = m->doc;
  double score = m->score, most = m->most, floor = m->floor;
  double factor = r->recency ? kz_recency_factor(&r->decay, kz_doc_value(dates, d)) : 1.0;
  /*
   * The bonus only where the document could reach the top k with the
   * most it can be; else the score without it, which the heap refuses too.
   * First the bound of all the query's terms, which costs nothing, then the
   * document's, then the tighter one of its frequencies (which reads no
   * positions, and spares a third of the bonuses on NPL).
   */
  double bonus = 0;
  int may = prox && (score + prox->most * KZ_BOUND_SLACK) * factor > floor;
  int known = most >= 0;
  if (!known) most = may ? kz_proximity_bound(prox, d) : 0;
  int rc = KZ_OK;
  if (may && most > 0 && (score + most * KZ_BOUND_SLACK) * factor > floor) {
    if (known) kz_proximity_seek(prox, d, m->terms); /* the cursors the bonus reads */
    double tight = kz_proximity_tight_bound(prox, bm25, d);
    if ((score + tight * KZ_BOUND_SLACK) * factor > floor &&
        !(rc = kz_proximity_bonus(prox, bm25, d, &bonus)))
      score += bonus;
  }
  kz_sink_offer(sink, r->recency ? score * factor : score, d);
  return rc;
}

int kz_rank_evaluate(const kz_rank *r, const kz_plan *plan, size_t s, int flat,
                     const kz_bm25 *bm25, const kz_bm25 *title_bm25, kz_sink *sink) {
  kz_proximity prox;
  int proximity = r->proximity && sink->scoring;
  int rc = proximity ? kz_proximity_init(&prox, plan, bm25->seg, s) : KZ_OK;
  if (rc) return rc;
  if (flat && sink->scoring && kz_rank_flat_supported(plan)) {
    rc = kz_rank_flat_evaluate(r, plan, s, bm25, title_bm25, proximity ? &prox : NULL, sink);
    if (proximity) kz_proximity_free(&prox);
    return rc;
  }
  kz_eval_ctx ctx = {bm25->seg, s, *bm25, sink->scoring, NULL, KZ_OK, 0, *title_bm25, r};
  kz_iter *it = NULL;
  if ((rc = kz_iter_build(&it, plan, &ctx))) {
    if (proximity) kz_proximity_free(&prox);
    return rc;
  }
  const int64_t *dates = s < r->idx->dates.n_segs ? r->idx->dates.seg[s] : NULL;
  for (uint32_t d = it->doc; d != KZ_DOC_END && !rc; d = it->ops->next(it)) {
    sink->candidates++;
    if (kz_deleted(sink->deleted, d) || !it->ops->matches(it)) continue;
    if (!sink->scoring) {
      kz_sink_match(sink, d);
      continue;
    }
    kz_rank_match m = {d, it->ops->score(it), 0, -1, kz_sink_floor(sink)};
    rc = kz_rank_offer(r, proximity ? &prox : NULL, bm25, dates, sink, &m);
  }
  kz_iter_free(it);
  if (proximity) kz_proximity_free(&prox);
  sink->scored += ctx.scored;
  return rc ? rc : ctx.error;
}
