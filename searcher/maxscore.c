/*
 * maxscore.c - the pruned disjunction (see kz_iter_maxscore in iter.h).
 *
 * The children are ordered by their score bound, weakest first, and
 * prefix[i] is the sum of the bounds of children 0..i. Children below
 * `essential` are non-essential: even together they cannot beat the
 * threshold, so a document that only they match is never a candidate.
 * Candidates come from the essential children; each non-essential child is
 * probed (advanced to the candidate) only while the candidate's score so far
 * plus the bounds of the children not yet probed can still beat the
 * threshold. As the threshold rises, more children become non-essential.
 *
 * A returned document's score is re-added in the children's original order,
 * exactly as the plain disjunction adds it, so both give identical scores.
 */
#include <math.h>
#include <stdlib.h>

#include "kzsearch.h"
#include "searcher/iter.h"

typedef struct maxscore_iter {
  kz_iter base;
  size_t n;
  kz_iter **kids;       /* original order (for summing) */
  size_t *order;        /* kid indexes by bound, ascending */
  double *prefix;       /* prefix[i] = sum of bounds of order[0..i] */
  size_t essential;     /* order[essential..n) supply candidates */
  double seen_threshold;
  const double *threshold;
  double *kid_score;    /* per kid (original order): its score on the current doc, or 0 */
  unsigned char *hit;   /* per kid: matched the current doc */
} maxscore_iter;

static void update_essential(maxscore_iter *m) {
  double t = *m->threshold;
  if (t == m->seen_threshold) return;
  m->seen_threshold = t;
  while (m->essential < m->n && m->prefix[m->essential] <= t) m->essential++;
}

/* Smallest current doc among the essential children. */
static uint32_t essential_min(const maxscore_iter *m) {
  uint32_t d = KZ_DOC_END;
  for (size_t i = m->essential; i < m->n; i++) {
    uint32_t k = m->kids[m->order[i]]->doc;
    if (k < d) d = k;
  }
  return d;
}

static double ms_score(kz_iter *it);

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
    size_t k = m->order[i];
    kz_iter *c = m->kids[k];
    if (c->doc == d && c->ops->matches(c)) {
      m->kid_score[k] = c->ops->score(c);
      m->hit[k] = 1;
      score += m->kid_score[k];
      any = 1;
    }
  }
  if (!any) return 0;
  for (size_t i = m->essential; i-- > 0;) {
    /* Even every remaining child would not do. The partial sum runs in
     * another order than the score's, hence the slack on all of it. */
    if ((score + m->prefix[i]) * KZ_BOUND_SLACK <= t) return 0;
    size_t k = m->order[i];
    kz_iter *c = m->kids[k];
    if (c->doc < d) c->ops->advance(c, d);
    if (c->doc == d && c->ops->matches(c)) {
      m->kid_score[k] = c->ops->score(c);
      m->hit[k] = 1;
      score += m->kid_score[k];
    }
  }
  return ms_score(&m->base) > t; /* the score itself, summed as it will be reported */
}

/* Moves past `cur` to the next candidate that can beat the threshold. */
static uint32_t find(maxscore_iter *m, uint32_t cur, int step) {
  for (;;) {
    update_essential(m);
    if (m->essential == m->n) return m->base.doc = KZ_DOC_END;
    if (step)
      for (size_t i = m->essential; i < m->n; i++) {
        kz_iter *c = m->kids[m->order[i]];
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
  free(m->order);
  free(m->prefix);
  free(m->kid_score);
  free(m->hit);
  free(m);
}

static const kz_iter_ops maxscore_ops = {ms_next, ms_advance, ms_matches, ms_score, ms_free};

int kz_iter_maxscore(kz_iter **out, kz_iter **kids, size_t n, const double *threshold) {
  maxscore_iter *m = calloc(1, sizeof *m);
  if (m) {
    m->order = malloc(n * sizeof *m->order);
    m->prefix = malloc(n * sizeof *m->prefix);
    m->kid_score = calloc(n, sizeof *m->kid_score);
    m->hit = calloc(n, 1);
  }
  if (!m || !m->order || !m->prefix || !m->kid_score || !m->hit) {
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
  /* Insertion sort by bound: n is the number of query clauses, small. */
  for (size_t i = 0; i < n; i++) {
    size_t j = i;
    while (j > 0 && kids[m->order[j - 1]]->max_score > kids[i]->max_score) {
      m->order[j] = m->order[j - 1];
      j--;
    }
    m->order[j] = i;
  }
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    sum += kids[m->order[i]]->max_score;
    m->prefix[i] = sum * KZ_BOUND_SLACK;
    m->base.cost += kids[i]->cost;
  }
  m->base.max_score = sum * KZ_BOUND_SLACK;
  find(m, 0, 0);
  *out = &m->base;
  return KZ_OK;
}
