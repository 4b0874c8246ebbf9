/*
 * iter_maxscore.c - the iterator tree's pruned disjunction (see
 * kz_iter_maxscore in iter.h): MaxScore of searcher/maxscore.h over child
 * iterators, each bounded by its max_score. Candidates are the essential
 * children's documents that match (a phrase child checks positions).
 *
 * A returned document's score is re-added in the children's original order,
 * exactly as the plain disjunction adds it, so both give identical scores.
 */
#include <math.h>
#include <stdlib.h>

#include "kzsearch.h"
#include "searcher/iter.h"
#include "searcher/maxscore.h"

typedef struct maxscore_iter {
  kz_iter base;
  size_t n;
  kz_iter **kids;       /* original order (for summing) */
  kz_maxscore ms;       /* kid indexes by bound, ascending, and their bounds' running sums */
  size_t essential;     /* ms.order[essential..n) supply candidates */
  double seen_threshold;
  const double *threshold;
  double *kid_score;    /* per kid (original order): its score on the current doc, or 0 */
  unsigned char *hit;   /* per kid: matched the current doc */
} maxscore_iter;

static void update_essential(maxscore_iter *m) {
  double t = *m->threshold;
  if (t == m->seen_threshold) return;
  m->seen_threshold = t;
  m->essential = kz_maxscore_essential(&m->ms, m->essential, 0.0, t);
}

/* Smallest current doc among the essential children. */
static uint32_t essential_min(const maxscore_iter *m) {
  uint32_t d = KZ_DOC_END;
  for (size_t i = m->essential; i < m->n; i++) {
    uint32_t k = m->kids[m->ms.order[i]]->doc;
    if (k < d) d = k;
  }
  return d;
}

static double ms_score(kz_iter *it);

static double kid_bound(void *ctx, size_t i) {
  maxscore_iter *m = ctx;
  return m->kids[m->ms.order[i]]->max_score;
}

static int kid_hit(void *ctx, size_t i, uint32_t d, double *score) {
  maxscore_iter *m = ctx;
  size_t k = m->ms.order[i];
  kz_iter *c = m->kids[k];
  if (c->doc < d) c->ops->advance(c, d);
  if (c->doc != d || !c->ops->matches(c)) return 0;
  *score = m->kid_score[k] = c->ops->score(c);
  m->hit[k] = 1;
  return 1;
}

/*
 * Scores candidate d: the essential children on it, then the others from
 * the strongest down while they can still matter. @return whether d can
 * beat the threshold (and matched at all).
 */
static int evaluate(maxscore_iter *m, uint32_t d) {
  double t = *m->threshold, score = 0;
  int any = 0;
  for (size_t i = 0; i < m->n; i++) m->hit[i] = 0;
  for (size_t i = m->essential; i < m->n; i++) {
    size_t k = m->ms.order[i];
    kz_iter *c = m->kids[k];
    if (c->doc == d && c->ops->matches(c)) {
      m->kid_score[k] = c->ops->score(c);
      m->hit[k] = 1;
      score += m->kid_score[k];
      any = 1;
    }
  }
  if (!any) return 0;
  double ub = score;
  for (size_t i = 0; i < m->essential; i++) ub += kid_bound(m, i);
  if (!kz_maxscore_probe(m->essential, ub, t, d, kid_bound, kid_hit, m, &ub)) return 0;
  return ms_score(&m->base) > t; /* the score itself, summed as it will be reported */
}

/* Moves past `cur` to the next candidate that can beat the threshold. */
static uint32_t find(maxscore_iter *m, uint32_t cur, int step) {
  for (;;) {
    update_essential(m);
    if (m->essential == m->n) return m->base.doc = KZ_DOC_END;
    if (step)
      for (size_t i = m->essential; i < m->n; i++) {
        kz_iter *c = m->kids[m->ms.order[i]];
        if (c->doc == cur) c->ops->next(c);
      }
    step = 1;
    uint32_t d = essential_min(m);
    if (d == KZ_DOC_END) return m->base.doc = KZ_DOC_END;
    if (evaluate(m, d)) return m->base.doc = d;
    cur = d;
  }
}

static uint32_t ms_next(kz_iter *it) {
  maxscore_iter *m = (maxscore_iter *)it;
  return find(m, it->doc, 1);
}

static uint32_t ms_advance(kz_iter *it, uint32_t target) {
  maxscore_iter *m = (maxscore_iter *)it;
  for (size_t i = 0; i < m->n; i++)
    if (m->kids[i]->doc < target) m->kids[i]->ops->advance(m->kids[i], target);
  return find(m, target, 0);
}

/* evaluate() already confirmed the current document. */
static int ms_matches(kz_iter *it) { return 1; }

static double ms_score(kz_iter *it) {
  maxscore_iter *m = (maxscore_iter *)it;
  double s = 0;
  for (size_t k = 0; k < m->n; k++)
    if (m->hit[k]) s += m->kid_score[k];
  return s;
}

static void ms_free(kz_iter *it) {
  maxscore_iter *m = (maxscore_iter *)it;
  for (size_t i = 0; i < m->n; i++) kz_iter_free(m->kids[i]);
  free(m->kids);
  free(m->ms.order);
  free(m->ms.prefix);
  free(m->kid_score);
  free(m->hit);
  free(m);
}

static const kz_iter_ops maxscore_ops = {ms_next, ms_advance, ms_matches, ms_score, ms_free};

int kz_iter_maxscore(kz_iter **out, kz_iter **kids, size_t n, const double *threshold) {
  maxscore_iter *m = calloc(1, sizeof *m);
  if (m) {
    m->ms.order = malloc((n ? n : 1) * sizeof *m->ms.order);
    m->ms.prefix = malloc((n ? n : 1) * sizeof *m->ms.prefix);
    m->kid_score = calloc(n, sizeof *m->kid_score);
    m->hit = calloc(n, 1);
  }
  if (!m || !m->ms.order || !m->ms.prefix || !m->kid_score || !m->hit) {
    if (m) {
      m->n = n;
      m->kids = kids;
      ms_free(&m->base);
    } else {
      for (size_t i = 0; i < n; i++) kz_iter_free(kids[i]);
      free(kids);
    }
    return KZ_ERR_NOMEM;
  }
  m->base.ops = &maxscore_ops;
  m->n = n;
  m->kids = kids;
  m->threshold = threshold;
  m->seen_threshold = NAN;
  double *bound = m->kid_score; /* zeroed again below */
  for (size_t i = 0; i < n; i++) {
    bound[i] = kids[i]->max_score;
    m->base.cost += kids[i]->cost;
  }
  kz_maxscore_order(&m->ms, bound, n);
  for (size_t i = 0; i < n; i++) bound[i] = 0;
  m->base.max_score = n ? m->ms.prefix[n - 1] : 0;
  find(m, 0, 0);
  *out = &m->base;
  return KZ_OK;
}
