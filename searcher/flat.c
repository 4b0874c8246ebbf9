/*
 * flat.c - the flat evaluator's entry (see flat.h): which plans it takes,
 * the terms' cursors set up for one segment, the choice of algorithm (one
 * per file, listed in flat_internal.h), and the MaxScore candidate scoring
 * that the pruned algorithms share.
 */
#include "searcher/flat.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "format/deletes.h"
#include "format/postings_reader.h"
#include "kzsearch.h"
#include "searcher/flat_internal.h"

/* Below this many postings in all, a disjunction is cheaper to score whole than to prune. */
#define PRUNE_MIN_POSTINGS 8192u

int kz_flat_supported(const kz_plan *plan) {
  if (plan->kind == KZ_P_TERM) return 1;
  if (plan->kind != KZ_P_BOOL) return 0;
  for (size_t i = 0; i < plan->n_must; i++)
    if (plan->must[i]->kind != KZ_P_TERM) return 0;
  for (size_t i = 0; i < plan->n_should; i++)
    if (plan->should[i]->kind != KZ_P_TERM) return 0;
  for (size_t i = 0; i < plan->n_not; i++)
    if (plan->not[i]->kind != KZ_P_TERM) return 0;
  return 1;
}

/* Starts t on the leaf's postings in segment s. @return 0 when the term is not in the segment. */
static int term_init(kz_flat *f, kz_fterm *t, const kz_plan *leaf, size_t s) {
  const kz_term_info *info = &leaf->terms[0].seg[s];
  if (info->df == 0) return 0;
  /* All but the cursor's decode buffers (about 2 KB), which a block decode fills before use. */
  memset(&t->cur, 0, offsetof(kz_postings, docs));
  memset(&t->info, 0, sizeof *t - offsetof(kz_fterm, info));
  kz_postings_init(&t->cur, f->p->seg, info, &f->error);
  kz_postings_next(&t->cur);
  t->info = info;
  t->idf = leaf->idf;
  t->bm_block = UINT32_MAX;
  /* Only pruning needs the bound; for a long list it costs a look at every skip entry. */
  t->bound = f->sink->prune ? kz_bm25_term_bound(f->p, t->idf, &t->cur) : INFINITY;
  return 1;
}

int kz_flat_score_candidate(kz_flat *f, size_t probed, uint32_t d, double required,
                            double *total) {
  kz_sink *s = f->sink;
  size_t n = f->n_should;
  double ub = required;
  for (size_t i = 0; i < n; i++) f->order[i]->hit = 0;
  for (size_t i = probed; i < n; i++) {
    kz_fterm *t = f->order[i];
    if (advance(t, d) == d) {
      t->score = score_of(f, t);
      t->hit = 1;
      ub += t->score;
    }
  }
  for (size_t i = 0; i < probed; i++) ub += block_bound(f, f->order[i], d);
  if (!flat_probe(f, probed, ub, d, &ub)) return 0;
  double optional = 0; /* in query order, as the iterator tree adds them */
  for (size_t i = 0; i < n; i++)
    if (f->should[i]->hit) optional += f->should[i]->score;
  *total = required + optional; /* 0.0 + x is x: a disjunction's sum keeps its bits */
  return !s->prune || *total > s->threshold;
}

/* The optional terms in MaxScore's order (maxscore.h), with the running sums of their bounds. */
static void order_by_bound(kz_flat *f) {
  for (size_t i = 0; i < f->n_should; i++) f->bounds[i] = f->should[i]->bound;
  kz_maxscore_order(&f->ms, f->bounds, f->n_should);
  for (size_t i = 0; i < f->n_should; i++) f->order[i] = f->should[f->ms.order[i]];
}

/* One allocation holds the terms and the arrays that point into them (flat_free releases it). */
static int flat_alloc(kz_flat *f, size_t all, size_t ns) {
  size_t slots = ns ? ns : 1;
  size_t pointers = (all + slots) * sizeof(kz_fterm *) + 2 * slots * sizeof(double) +
                    slots * sizeof(size_t);
  char *mem = malloc(all * sizeof(kz_fterm) + pointers);
  if (!mem) return KZ_ERR_NOMEM;
  f->terms = (kz_fterm *)(void *)mem;
  char *rest = mem + all * sizeof(kz_fterm);
  memset(rest, 0, pointers);
  f->must = (kz_fterm **)(void *)rest;
  f->order = f->must + all;
  f->ms.prefix = (double *)(void *)(f->order + slots);
  f->bounds = f->ms.prefix + slots;
  f->ms.order = (size_t *)(void *)(f->bounds + slots);
  return KZ_OK;
}

static void flat_free(kz_flat *f) { free(f->terms); }

int kz_flat_evaluate(const kz_plan *plan, size_t seg_index, const kz_bm25 *bm25, kz_sink *sink) {
  kz_flat f;
  memset(&f, 0, sizeof f);
  f.p = bm25;
  f.sink = sink;
  const kz_plan *single = plan;
  kz_plan *const *must = plan->kind == KZ_P_BOOL ? plan->must : NULL;
  kz_plan *const *should = plan->kind == KZ_P_BOOL ? plan->should : (kz_plan *const *)&single;
  kz_plan *const *not = plan->kind == KZ_P_BOOL ? plan->not : NULL;
  size_t nm = plan->kind == KZ_P_BOOL ? plan->n_must : 0;
  size_t ns = plan->kind == KZ_P_BOOL ? plan->n_should : 1;
  size_t nn = plan->kind == KZ_P_BOOL ? plan->n_not : 0;
  size_t all = nm + ns + nn;
  if (flat_alloc(&f, all, ns)) return KZ_ERR_NOMEM;
  size_t used = 0;
  for (size_t i = 0; i < nm; i++) {
    if (!term_init(&f, &f.terms[used], must[i], seg_index)) { /* a required term is absent */
      flat_free(&f);
      return KZ_OK;
    }
    kz_fterm *t = &f.terms[used++];
    size_t j = f.n_must++; /* insertion sort by df, stable (as the iterator tree's conjunction) */
    for (; j > 0 && f.must[j - 1]->cur.df > t->cur.df; j--) f.must[j] = f.must[j - 1];
    f.must[j] = t;
  }
  f.should = f.must + f.n_must;
  for (size_t i = 0; i < ns; i++)
    if (term_init(&f, &f.terms[used], should[i], seg_index)) {
      f.terms[used].query_index = f.n_should;
      f.should[f.n_should++] = &f.terms[used++];
    }
  f.not = f.should + f.n_should;
  for (size_t i = 0; i < nn; i++)
    if (term_init(&f, &f.terms[used], not[i], seg_index)) f.not[f.n_not++] = &f.terms[used++];

  if (f.n_must && !sink->scoring) {
    kz_flat_count_and(&f);
  } else if (f.n_must && f.n_should && sink->prune) {
    order_by_bound(&f);
    kz_flat_and_or(&f);
  } else if (f.n_must) {
    kz_flat_and(&f);
  } else if (f.n_should == 1) {
    kz_flat_term(&f, f.should[0]);
  } else if (f.n_should) {
    if (!sink->prune) {
      kz_flat_or_windows(&f);
      goto done;
    }
    uint64_t postings = 0;
    for (size_t i = 0; i < f.n_should; i++) postings += f.should[i]->cur.df;
    order_by_bound(&f);
    if (postings < PRUNE_MIN_POSTINGS && !sink->always_prune)
      kz_flat_or_windows(&f); /* skipping is allowed, not required */
    else if (f.n_should <= KZ_FLAT_WINDOW_TERMS && !f.n_not && sink->always_prune != 2)
      kz_flat_or_maxscore_windows(&f);
    else
      kz_flat_or_maxscore(&f);
  }
done:;
  int rc = f.error;
  flat_free(&f);
  return rc;
}
