/*
 * iter.c - the iterators behind query evaluation (see iter.h):
 *   term     one postings cursor, BM25 on its frequency
 *   phrase   a conjunction of its terms' cursors (or of pairs of common
 *            words standing for two of them, searcher/phrase_cover.h);
 *            matches() counts the phrase occurrences on positions (only
 *            for candidates); a sloppy phrase or NEAR is iter_prox.c's
 *   conj     all children; led by the cheapest, the others advanced to it
 *   disj     any child; the smallest current doc of its children
 *   reqopt   required part decides, optional part only adds score
 *   excl     a base minus the documents any excluded child matches
 *   empty    nothing (a term absent from this segment)
 */
#include "searcher/iter.h"

#include <stdlib.h>
#include <string.h>

#include "kzsearch.h"
#include "common/limits.h"
#include "format/format.h"
#include "format/postings_reader.h"
#include "searcher/intersect.h"
#include "searcher/iter_date.h"
#include "searcher/iter_expand.h"
#include "searcher/iter_prox.h"
#include "searcher/phrase_cover.h"
#include "searcher/rank.h"

/* The BM25 parameters of a leaf's field. */
static const kz_bm25 *field_bm25(const kz_eval_ctx *ctx, const kz_plan *p) {
  return p->field == KZ_FIELD_TITLE ? &ctx->title_bm25 : &ctx->bm25;
}

/* ---- empty ------------------------------------------------------------- */

static uint32_t empty_move(kz_iter *it) { return it->doc = KZ_DOC_END; }
static uint32_t empty_advance(kz_iter *it, uint32_t t) { return it->doc = KZ_DOC_END; }
static int empty_matches(kz_iter *it) { return 0; }
static double empty_score(kz_iter *it) { return 0; }
static void plain_free(kz_iter *it) { free(it); }
static const kz_iter_ops empty_ops = {empty_move, empty_advance, empty_matches, empty_score, plain_free};

static int new_empty(kz_iter **out) {
  kz_iter *it = calloc(1, sizeof *it);
  if (!it) return KZ_ERR_NOMEM;
  it->ops = &empty_ops;
  it->doc = KZ_DOC_END;
  *out = it;
  return KZ_OK;
}

/* ---- term -------------------------------------------------------------- */

typedef struct term_iter {
  kz_iter base;
  kz_postings cur;
  kz_eval_ctx *ctx;
  const kz_bm25 *bm25;
  double idf;
} term_iter;

static uint32_t term_next(kz_iter *it) {
  term_iter *t = (term_iter *)it;
  return it->doc = kz_postings_next(&t->cur);
}
static uint32_t term_advance(kz_iter *it, uint32_t target) {
  term_iter *t = (term_iter *)it;
  return it->doc = kz_postings_advance(&t->cur, target);
}
static int term_matches(kz_iter *it) { return 1; }
static double term_score(kz_iter *it) {
  term_iter *t = (term_iter *)it;
  t->ctx->scored++;
  return kz_bm25_score(t->bm25, t->idf, kz_postings_freq(&t->cur), it->doc);
}

static const kz_iter_ops term_ops = {term_next, term_advance, term_matches, term_score, plain_free};

/* A postings list scored with BM25 on its frequencies, with `idf` (a term's, or a phrase's). */
static int new_scored_list(kz_iter **out, const kz_term_info *info, double idf,
                           const kz_bm25 *bm25, kz_eval_ctx *ctx) {
  if (info->df == 0) return new_empty(out);
  term_iter *t = malloc(sizeof *t);
  if (!t) return KZ_ERR_NOMEM;
  t->base.ops = &term_ops;
  t->base.cost = info->df;
  t->ctx = ctx;
  t->bm25 = bm25;
  t->idf = idf;
  kz_postings_init(&t->cur, ctx->seg, info, &ctx->error);
  t->base.doc = kz_postings_next(&t->cur);
  t->base.max_score = kz_bm25_term_bound(t->bm25, t->idf, &t->cur);
  *out = &t->base;
  return KZ_OK;
}

static int new_term(kz_iter **out, const kz_plan *p, kz_eval_ctx *ctx) {
  if (ctx->rank) return kz_rank_term_iter(out, p, ctx);
  return new_scored_list(out, &p->terms[0].seg[ctx->seg_index], p->idf, field_bm25(ctx, p), ctx);
}

/* ---- phrase ------------------------------------------------------------ */

typedef struct phrase_term {
  kz_postings cur;
  uint32_t offset;
} phrase_term;

/* A growable scratch array of positions. */
typedef struct u32_array {
  uint32_t *v;
  uint32_t cap;
} u32_array;

/* Grows a to hold n values. @return 0, or -1 when out of memory. */
static int reserve_u32(u32_array *a, uint32_t n) {
  if (n <= a->cap) return 0;
  uint32_t c = a->cap ? a->cap : 64;
  while (c < n) c = c > UINT32_MAX / 2 ? n : 2 * c;
  uint32_t *p = realloc(a->v, (size_t)c * sizeof *p);
  if (!p) return -1;
  a->v = p;
  a->cap = c;
  return 0;
}

static void swap_u32(u32_array *a, u32_array *b) {
  u32_array t = *a;
  *a = *b;
  *b = t;
}

typedef struct phrase_iter {
  kz_iter base;
  kz_eval_ctx *ctx;
  const kz_bm25 *bm25;
  double idf;
  uint32_t freq; /* phrase occurrences in the current doc, set by matches() */
  size_t n;
  phrase_term *terms; /* sorted by df: terms[0] leads the conjunction */
  const double *threshold; /* set when the phrase is the whole query and pruning is on */
  size_t *order;           /* terms by their frequency in the current doc */
  /* Scratch: the surviving phrase starts, the next term's positions, the next survivors. */
  u32_array starts, pos, next;
} phrase_iter;

static uint32_t phrase_align(phrase_iter *ph, uint32_t doc) {
  for (size_t i = 1; i < ph->n && doc != KZ_DOC_END;) {
    uint32_t d = kz_postings_advance(&ph->terms[i].cur, doc);
    if (d > doc) {
      doc = kz_postings_advance(&ph->terms[0].cur, d);
      i = 1;
      continue;
    }
    i++;
  }
  return ph->base.doc = doc;
}

static uint32_t phrase_next(kz_iter *it) {
  phrase_iter *ph = (phrase_iter *)it;
  return phrase_align(ph, kz_postings_next(&ph->terms[0].cur));
}
static uint32_t phrase_advance(kz_iter *it, uint32_t target) {
  phrase_iter *ph = (phrase_iter *)it;
  return phrase_align(ph, kz_postings_advance(&ph->terms[0].cur, target));
}

/*
 * Decodes term t's first `limit` positions in the current document into
 * ph->pos, moved back by the term's offset in the phrase (so that they
 * become phrase starts; those before the document's start are dropped).
 * @return the count, or -1.
 */
static int64_t phrase_starts_of(phrase_iter *ph, phrase_term *t, uint32_t limit) {
  uint32_t f = kz_postings_freq(&t->cur);
  if (f > limit) f = limit;
  if (reserve_u32(&ph->pos, f)) {
    ph->ctx->error = KZ_ERR_NOMEM;
    return -1;
  }
  uint32_t off = t->offset, skip = 0, *v = ph->pos.v;
  if (kz_postings_first_positions(&t->cur, v, ph->pos.cap, f, off) < 0) return -1;
  /* Positions before the offset came out at 2^32 - offset and above (and first). */
  while (skip < f && v[skip] >= 0u - off && off) skip++;
  if (skip) memmove(v, v + skip, (size_t)(f - skip) * sizeof *v);
  return f - skip;
}

/* Positions of each term compared first when only a match is wanted. */
#define EARLY_POSITIONS 64u

/*
 * Whether a two-term phrase occurs among the first EARLY_POSITIONS
 * positions of each term: usually it does, and then the rest of the
 * positions need not be decoded. A no proves nothing unless both terms had
 * no more positions than that.
 */
static int phrase_occurs_early(phrase_iter *ph) {
  phrase_term *a = &ph->terms[ph->order[0]], *b = &ph->terms[ph->order[1]];
  if (kz_postings_freq(&b->cur) <= EARLY_POSITIONS) return 0; /* the full check is as cheap */
  int64_t na = phrase_starts_of(ph, a, EARLY_POSITIONS);
  if (na <= 0) return 0;
  swap_u32(&ph->starts, &ph->pos); /* keep a's starts while b's are decoded */
  int64_t nb = phrase_starts_of(ph, b, EARLY_POSITIONS);
  return nb > 0 && kz_intersect_any(ph->starts.v, (size_t)na, ph->pos.v, (size_t)nb);
}

/*
 * Counts the phrase's occurrences in the current document: the starts
 * allowed by the term with the fewest positions here, intersected with
 * those of each other term in order of increasing frequency, so the
 * candidate list only shrinks and an empty one ends the work early.
 */
static int phrase_matches(kz_iter *it) {
  phrase_iter *ph = (phrase_iter *)it;
  ph->freq = 0;
  uint32_t most = UINT32_MAX;
  for (size_t i = 0; i < ph->n; i++) {
    size_t j = i; /* insertion sort of the (few) terms by frequency */
    uint32_t f = kz_postings_freq(&ph->terms[i].cur);
    while (j > 0 && kz_postings_freq(&ph->terms[ph->order[j - 1]].cur) > f) {
      ph->order[j] = ph->order[j - 1];
      j--;
    }
    ph->order[j] = i;
    if (f < most) most = f;
  }
  /* The phrase occurs at most as often as its rarest term here: skip documents that cannot win. */
  if (ph->threshold &&
      kz_bm25_score(ph->bm25, ph->idf, most, it->doc) * KZ_BOUND_SLACK <= *ph->threshold)
    return 0;
  if (!ph->ctx->scoring && ph->n == 2 && phrase_occurs_early(ph)) return ph->freq = 1;
  int64_t m = phrase_starts_of(ph, &ph->terms[ph->order[0]], UINT32_MAX);
  if (m <= 0) return 0;
  swap_u32(&ph->starts, &ph->pos); /* the lead's starts become the candidates */
  for (size_t i = 1; i < ph->n && m > 0; i++) {
    int64_t k = phrase_starts_of(ph, &ph->terms[ph->order[i]], UINT32_MAX);
    if (k <= 0) return 0;
    if (i + 1 == ph->n) { /* the last term: the starts themselves are not needed */
      if (!ph->ctx->scoring) /* matching only: one occurrence will do */
        return ph->freq = kz_intersect_any(ph->starts.v, (size_t)m, ph->pos.v, (size_t)k);
      m = (int64_t)kz_intersect(ph->starts.v, (size_t)m, ph->pos.v, (size_t)k, NULL);
      break;
    }
    if (reserve_u32(&ph->next, (uint32_t)m)) {
      ph->ctx->error = KZ_ERR_NOMEM;
      return 0;
    }
    m = (int64_t)kz_intersect(ph->starts.v, (size_t)m, ph->pos.v, (size_t)k, ph->next.v);
    swap_u32(&ph->starts, &ph->next);
  }
  ph->freq = (uint32_t)m;
  return m > 0;
}

static double phrase_score(kz_iter *it) {
  phrase_iter *ph = (phrase_iter *)it;
  ph->ctx->scored++;
  return kz_bm25_score(ph->bm25, ph->idf, ph->freq, it->doc);
}

static void phrase_free(kz_iter *it) {
  phrase_iter *ph = (phrase_iter *)it;
  free(ph->terms);
  free(ph->order);
  free(ph->starts.v);
  free(ph->pos.v);
  free(ph->next.v);
  free(ph);
}

static const kz_iter_ops phrase_ops = {phrase_next, phrase_advance, phrase_matches, phrase_score,
                                       phrase_free};

static int by_df(const void *a, const void *b) {
  uint32_t x = ((const phrase_term *)a)->cur.df, y = ((const phrase_term *)b)->cur.df;
  return x < y ? -1 : x > y;
}

/*
 * The phrase over its cover in this segment (searcher/phrase_cover.h): its
 * words, or pairs of common words where the segment has them. A cover of
 * one pair is a term whose frequency is the phrase's.
 */
static int new_phrase(kz_iter **out, const kz_plan *p, kz_eval_ctx *ctx) {
  kz_cover_item cover[KZ_MAX_PHRASE_TERMS];
  size_t n;
  kz_phrase_cover(p, ctx->seg_index, cover, &n);
  for (size_t i = 0; i < n; i++)
    if (cover[i].info->df == 0) return new_empty(out);
  if (n == 1) return new_scored_list(out, cover[0].info, p->idf, field_bm25(ctx, p), ctx);
  phrase_iter *ph = calloc(1, sizeof *ph);
  if (!ph || !(ph->terms = calloc(n, sizeof *ph->terms)) ||
      !(ph->order = calloc(n, sizeof *ph->order))) {
    if (ph) free(ph->terms);
    free(ph);
    return KZ_ERR_NOMEM;
  }
  ph->base.ops = &phrase_ops;
  ph->ctx = ctx;
  ph->bm25 = field_bm25(ctx, p);
  ph->idf = p->idf;
  ph->n = n;
  for (size_t i = 0; i < n; i++) {
    kz_postings_init(&ph->terms[i].cur, ctx->seg, cover[i].info, &ctx->error);
    ph->terms[i].offset = cover[i].offset;
  }
  qsort(ph->terms, ph->n, sizeof *ph->terms, by_df);
  ph->base.cost = ph->terms[0].cur.df;
  ph->base.max_score = p->idf * KZ_BOUND_SLACK; /* pf / (pf + norm) < 1 */
  phrase_align(ph, kz_postings_next(&ph->terms[0].cur));
  *out = &ph->base;
  return KZ_OK;
}

/* ---- conjunction ------------------------------------------------------- */

typedef struct multi_iter {
  kz_iter base;
  size_t n;
  kz_iter **kids;
  unsigned char *hit; /* disj: which kids matched the current doc */
  uint32_t hit_doc;
} multi_iter;

static void multi_free(kz_iter *it) {
  multi_iter *m = (multi_iter *)it;
  for (size_t i = 0; i < m->n; i++) kz_iter_free(m->kids[i]);
  free(m->kids);
  free(m->hit);
  free(m);
}

static uint32_t conj_align(multi_iter *m, uint32_t doc) {
  kz_iter *lead = m->kids[0];
  for (size_t i = 1; i < m->n && doc != KZ_DOC_END;) {
    kz_iter *k = m->kids[i];
    uint32_t d = k->doc < doc ? k->ops->advance(k, doc) : k->doc;
    if (d > doc) {
      doc = lead->ops->advance(lead, d);
      i = 1;
      continue;
    }
    i++;
  }
  return m->base.doc = doc;
}

static uint32_t conj_next(kz_iter *it) {
  multi_iter *m = (multi_iter *)it;
  return conj_align(m, m->kids[0]->ops->next(m->kids[0]));
}
static uint32_t conj_advance(kz_iter *it, uint32_t target) {
  multi_iter *m = (multi_iter *)it;
  return conj_align(m, m->kids[0]->ops->advance(m->kids[0], target));
}
static int conj_matches(kz_iter *it) {
  multi_iter *m = (multi_iter *)it;
  for (size_t i = 0; i < m->n; i++)
    if (!m->kids[i]->ops->matches(m->kids[i])) return 0;
  return 1;
}
static double conj_score(kz_iter *it) {
  multi_iter *m = (multi_iter *)it;
  double s = 0;
  for (size_t i = 0; i < m->n; i++) s += m->kids[i]->ops->score(m->kids[i]);
  return s;
}
static const kz_iter_ops conj_ops = {conj_next, conj_advance, conj_matches, conj_score, multi_free};

/* ---- disjunction ------------------------------------------------------- */

static uint32_t disj_min(multi_iter *m) {
  uint32_t d = KZ_DOC_END;
  for (size_t i = 0; i < m->n; i++)
    if (m->kids[i]->doc < d) d = m->kids[i]->doc;
  m->hit_doc = KZ_DOC_END;
  return m->base.doc = d;
}
static uint32_t disj_next(kz_iter *it) {
  multi_iter *m = (multi_iter *)it;
  uint32_t cur = it->doc;
  for (size_t i = 0; i < m->n; i++)
    if (m->kids[i]->doc == cur) m->kids[i]->ops->next(m->kids[i]);
  return disj_min(m);
}
static uint32_t disj_advance(kz_iter *it, uint32_t target) {
  multi_iter *m = (multi_iter *)it;
  for (size_t i = 0; i < m->n; i++)
    if (m->kids[i]->doc < target) m->kids[i]->ops->advance(m->kids[i], target);
  return disj_min(m);
}
static int disj_matches(kz_iter *it) {
  multi_iter *m = (multi_iter *)it;
  int any = 0;
  for (size_t i = 0; i < m->n; i++) {
    kz_iter *k = m->kids[i];
    m->hit[i] = k->doc == it->doc && k->ops->matches(k);
    any |= m->hit[i];
  }
  m->hit_doc = it->doc;
  return any;
}
static double disj_score(kz_iter *it) {
  multi_iter *m = (multi_iter *)it;
  double s = 0;
  for (size_t i = 0; i < m->n; i++)
    if (m->hit[i]) s += m->kids[i]->ops->score(m->kids[i]);
  return s;
}
static const kz_iter_ops disj_ops = {disj_next, disj_advance, disj_matches, disj_score, multi_free};

/*
 * Stable, so that equal costs keep the query's order: a conjunction sums
 * its children's scores in this order, and searcher/flat.c sums the same
 * terms in the same order, so both give the same bits.
 */
static void sort_by_cost(kz_iter **kids, size_t n) {
  for (size_t i = 1; i < n; i++) {
    kz_iter *k = kids[i];
    size_t j = i;
    for (; j > 0 && kids[j - 1]->cost > k->cost; j--) kids[j] = kids[j - 1];
    kids[j] = k;
  }
}

/* Takes ownership of kids (also on failure). */
static int new_multi(kz_iter **out, kz_iter **kids, size_t n, int conj) {
  multi_iter *m = calloc(1, sizeof *m);
  unsigned char *hit = conj ? NULL : calloc(n, 1);
  if (!m || (!conj && !hit)) {
    free(m);
    free(hit);
    for (size_t i = 0; i < n; i++) kz_iter_free(kids[i]);
    free(kids);
    return KZ_ERR_NOMEM;
  }
  m->n = n;
  m->kids = kids;
  m->hit = hit;
  for (size_t i = 0; i < n; i++) m->base.max_score += kids[i]->max_score;
  if (conj) {
    sort_by_cost(kids, n);
    m->base.ops = &conj_ops;
    m->base.cost = kids[0]->cost;
    conj_align(m, kids[0]->doc);
  } else {
    m->base.ops = &disj_ops;
    for (size_t i = 0; i < n; i++) m->base.cost += kids[i]->cost;
    disj_min(m);
  }
  *out = &m->base;
  return KZ_OK;
}

/* ---- required + optional, and exclusion -------------------------------- */

typedef struct pair_iter {
  kz_iter base;
  kz_iter *main; /* decides the candidates */
  kz_iter *side; /* optional scorer (reqopt) or excluded set (excl) */
  const double *threshold; /* reqopt at the root with pruning, else NULL */
  double main_score;       /* main's score of the current doc, when threshold is set */
} pair_iter;

static void pair_free(kz_iter *it) {
  pair_iter *p = (pair_iter *)it;
  kz_iter_free(p->main);
  kz_iter_free(p->side);
  free(p);
}
static uint32_t pair_next(kz_iter *it) {
  pair_iter *p = (pair_iter *)it;
  return it->doc = p->main->ops->next(p->main);
}
static uint32_t pair_advance(kz_iter *it, uint32_t target) {
  pair_iter *p = (pair_iter *)it;
  return it->doc = p->main->ops->advance(p->main, target);
}
/* Whether the side iterator truly matches the current document. */
static int side_matches(pair_iter *p) {
  kz_iter *s = p->side;
  if (s->doc < p->base.doc) s->ops->advance(s, p->base.doc);
  return s->doc == p->base.doc && s->ops->matches(s);
}
/* With pruning, a match whose optional part cannot lift it above the threshold is skipped. */
static int reqopt_matches(kz_iter *it) {
  pair_iter *p = (pair_iter *)it;
  if (!p->main->ops->matches(p->main)) return 0;
  if (!p->threshold) return 1;
  p->main_score = p->main->ops->score(p->main);
  return p->main_score + p->side->max_score > *p->threshold;
}
static double reqopt_score(kz_iter *it) {
  pair_iter *p = (pair_iter *)it;
  double s = p->threshold ? p->main_score : p->main->ops->score(p->main);
  if (side_matches(p)) s += p->side->ops->score(p->side);
  return s;
}
static int excl_matches(kz_iter *it) {
  pair_iter *p = (pair_iter *)it;
  return p->main->ops->matches(p->main) && !side_matches(p);
}
static double excl_score(kz_iter *it) {
  pair_iter *p = (pair_iter *)it;
  return p->main->ops->score(p->main);
}
static const kz_iter_ops reqopt_ops = {pair_next, pair_advance, reqopt_matches, reqopt_score, pair_free};
static const kz_iter_ops excl_ops = {pair_next, pair_advance, excl_matches, excl_score, pair_free};

/* Takes ownership of main and side (also on failure). */
static int new_pair(kz_iter **out, kz_iter *main, kz_iter *side, const kz_iter_ops *ops) {
  pair_iter *p = malloc(sizeof *p);
  if (!p) {
    kz_iter_free(main);
    kz_iter_free(side);
    return KZ_ERR_NOMEM;
  }
  p->base.ops = ops;
  p->base.doc = main->doc;
  p->base.cost = main->cost;
  p->base.max_score = main->max_score + (ops == &reqopt_ops ? side->max_score : 0);
  p->main = main;
  p->side = side;
  p->threshold = NULL;
  *out = &p->base;
  return KZ_OK;
}

/* ---- building ---------------------------------------------------------- */

static int build(kz_iter **out, const kz_plan *p, kz_eval_ctx *ctx, int root);

/* Builds the children in `plans` and combines them as a conjunction or disjunction. */
static int build_group(kz_iter **out, kz_plan *const *plans, size_t n, int conj, int maxscore,
                       kz_eval_ctx *ctx) {
  if (n == 1) return build(out, plans[0], ctx, 0);
  kz_iter **kids = calloc(n, sizeof *kids);
  if (!kids) return KZ_ERR_NOMEM;
  for (size_t i = 0; i < n; i++) {
    int rc = build(&kids[i], plans[i], ctx, 0);
    if (rc) {
      for (size_t j = 0; j < i; j++) kz_iter_free(kids[j]);
      free(kids);
      return rc;
    }
  }
  if (maxscore) return kz_iter_maxscore(out, kids, n, ctx->threshold);
  return new_multi(out, kids, n, conj);
}

/* `root`: the iterator whose scores are the documents' scores, where pruning may apply. */
static int build(kz_iter **out, const kz_plan *p, kz_eval_ctx *ctx, int root) {
  if (p->kind == KZ_P_TERM) return new_term(out, p, ctx);
  if (p->kind == KZ_P_DATE) return kz_iter_date(out, p, ctx);
  if (p->kind == KZ_P_EXPAND) return kz_iter_expand(out, p, ctx);
  int prune = root && ctx->threshold;
  if (p->kind == KZ_P_PHRASE && (p->slop || p->near)) {
    for (size_t i = 0; i < p->n_terms; i++)
      if (p->terms[i].seg[ctx->seg_index].df == 0) return new_empty(out);
    return kz_iter_prox(out, p, ctx, field_bm25(ctx, p), prune ? ctx->threshold : NULL);
  }
  if (p->kind == KZ_P_PHRASE) {
    int rc = new_phrase(out, p, ctx);
    if (!rc && prune && (*out)->ops == &phrase_ops) ((phrase_iter *)*out)->threshold = ctx->threshold;
    return rc;
  }
  kz_iter *it = NULL, *side = NULL;
  int rc;
  if (p->n_must) {
    if ((rc = build_group(&it, p->must, p->n_must, 1, 0, ctx))) return rc;
    if (p->n_should) {
      if ((rc = build_group(&side, p->should, p->n_should, 0, 0, ctx))) {
        kz_iter_free(it);
        return rc;
      }
      if ((rc = new_pair(&it, it, side, &reqopt_ops))) return rc;
      if (prune) ((pair_iter *)it)->threshold = ctx->threshold;
    }
  } else if ((rc = build_group(&it, p->should, p->n_should, 0, prune, ctx))) {
    return rc;
  }
  if (p->n_not) { /* exclusion only removes documents, so pruning below it stays valid */
    if ((rc = build_group(&side, p->not, p->n_not, 0, 0, ctx))) {
      kz_iter_free(it);
      return rc;
    }
    if ((rc = new_pair(&it, it, side, &excl_ops))) return rc;
  }
  *out = it;
  return KZ_OK;
}

int kz_iter_build(kz_iter **out, const kz_plan *p, kz_eval_ctx *ctx) { return build(out, p, ctx, 1); }

void kz_iter_free(kz_iter *it) {
  if (it) it->ops->free(it);
}
