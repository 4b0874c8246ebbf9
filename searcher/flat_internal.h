/*
 * flat_internal.h - what the algorithms of the flat evaluator share (see
 * flat.h for what it evaluates): one term's cursor and bounds (kz_fterm),
 * the state of one evaluation on one segment (kz_flat), the small steps
 * every algorithm takes inline, and the algorithms themselves, one per file:
 *   flat_term.c                 one term, a block at a time;
 *   flat_or_windows.c           a disjunction, exhaustive, a window at a time;
 *   flat_or_maxscore.c          a disjunction, pruned, a document at a time;
 *   flat_or_maxscore_windows.c  a disjunction, pruned, a window at a time;
 *   flat_and.c                  a conjunction with optional terms (block-max AND);
 *   flat_and_or.c               required plus optional terms, pruned;
 *   flat_count_and.c            counting a conjunction, blocks intersected;
 *   flat_seed.c                 seeding the threshold of a pruned disjunction;
 *   flat.c                      setup, the choice between them, and MaxScore's candidates.
 *
 * Every term keeps, besides its cursor, the bound of the block that holds
 * the documents from the current candidate on ("shallow" position: found
 * in the skip table without decoding the block), valid up to that block's
 * last document. A range where the bounds of all terms' blocks add up to no
 * more than the threshold cannot hold a hit, so the cursors jump past the
 * first of those blocks to end.
 *
 * Pruned-out documents are not counted, as with the iterator tree: with
 * pruning the total is only a lower bound (kz_search_options.skip_total).
 */
#ifndef KZ_FLAT_INTERNAL_H
#define KZ_FLAT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "format/postings_reader.h"
#include "searcher/collect.h"
#include "searcher/maxscore.h"
#include "searcher/scoring.h"

typedef struct kz_fterm {
  kz_postings cur;
  const kz_term_info *info;
  double idf;
  double bound;       /* no document scores more (slack included); set only when pruning */
  uint32_t bm_block;  /* the block bm_score bounds; UINT32_MAX before the first lookup */
  uint32_t bm_last;   /* its last document: bm_score holds up to here */
  double bm_score;
  double score;       /* on the current candidate, when hit */
  int hit;
  size_t query_index; /* optional terms: the place in the query */
  int essential;      /* optional terms, windowed MaxScore: supplies this window's candidates */
} kz_fterm;

typedef struct kz_flat {
  const kz_bm25 *p;
  kz_sink *sink;
  int error; /* the cursors' sticky corruption flag */
  kz_fterm *terms;
  kz_fterm **must, **should, **not; /* must by increasing df (stable), should in query order */
  size_t n_must, n_should, n_not;
  kz_maxscore ms;   /* should's indexes by increasing bound, and their running sums */
  kz_fterm **order; /* should[ms.order[i]]: the terms in MaxScore's order */
  double *bounds;   /* should[i]->bound, MaxScore's input */
} kz_flat;

static inline double score_of(kz_flat *f, kz_fterm *t) {
  f->sink->scored++;
  return kz_bm25_score(f->p, t->idf, (double)kz_postings_freq(&t->cur), t->cur.doc);
}

/* The first document >= target: KZ_DOC_END past the end (targets may be KZ_DOC_END too). */
static inline uint32_t advance(kz_fterm *t, uint32_t target) {
  return t->cur.doc >= target ? t->cur.doc : kz_postings_advance(&t->cur, target);
}

/* One past `last`, without passing KZ_DOC_END. */
static inline uint32_t after(uint32_t last) { return last >= KZ_DOC_END - 1 ? KZ_DOC_END : last + 1; }

/*
 * The bound of t's block that holds the documents >= d; t->bm_last says up
 * to where it holds. A term without skip table has one block, whose bound
 * is the term's; past the last block nothing is left to score.
 */
static inline double block_bound(kz_flat *f, kz_fterm *t, uint32_t d) {
  const kz_postings *c = &t->cur;
  if (!c->skip) {
    t->bm_last = KZ_DOC_END;
    return t->bm_score = c->doc == KZ_DOC_END ? 0 : t->bound;
  }
  if (t->bm_block != UINT32_MAX && t->bm_last >= d) return t->bm_score;
  uint32_t lo = t->bm_block == UINT32_MAX ? 0 : t->bm_block, hi = c->n_blocks;
  while (lo < hi) { /* the first block from lo whose last document reaches d */
    uint32_t mid = lo + (hi - lo) / 2;
    if (kz_postings_block_last(c, mid) < d)
      lo = mid + 1;
    else
      hi = mid;
  }
  t->bm_block = lo;
  if (lo == c->n_blocks) {
    t->bm_last = KZ_DOC_END;
    return t->bm_score = 0;
  }
  t->bm_last = kz_postings_block_last(c, lo);
  return t->bm_score = kz_bm25_block_bound(f->p, t->idf, kz_postings_block_max_tf(c, lo),
                                           kz_postings_block_min_length(c, lo)) *
                       KZ_BOUND_SLACK;
}

static inline int excluded(kz_flat *f, uint32_t d) {
  for (size_t i = 0; i < f->n_not; i++)
    if (advance(f->not[i], d) == d) return 1;
  return 0;
}

static inline double flat_probe_bound(void *ctx, size_t i) {
  return ((kz_flat *)ctx)->order[i]->bm_score;
}

static inline int flat_probe_hit(void *ctx, size_t i, uint32_t d, double *score) {
  kz_flat *f = ctx;
  kz_fterm *t = f->order[i];
  if (advance(t, d) != d) return 0;
  *score = t->score = score_of(f, t);
  t->hit = 1;
  return 1;
}

/*
 * MaxScore's probe (maxscore.h) of the non-essential terms order[0..probed)
 * on candidate d, at their blocks' bounds (`ub` counts them, from
 * block_bound). Terms it finds on d are left with hit set and their score.
 */
static inline int flat_probe(kz_flat *f, size_t probed, double ub, uint32_t d, double *ub_out) {
  return kz_maxscore_probe(probed, ub, f->sink->threshold, d, flat_probe_bound, flat_probe_hit, f,
                           ub_out);
}

/*
 * Scores candidate d, whose required terms (if any) all match with
 * `required` as their score: optional terms order[probed..n) are scored
 * where they hit, the others probed (flat_probe).
 * @return whether d can enter, with *total.
 */
int kz_flat_score_candidate(kz_flat *f, size_t probed, uint32_t d, double required, double *total);

/* Raises the threshold of a pruned disjunction before its first candidate (flat_seed.c). */
int kz_flat_seed_threshold(kz_flat *f);

/*
 * Takes t's postings in [start, end): their documents into the bits of
 * `any` and, when the sink ranks, their scores, computed in bulk, added
 * into acc and, with row non-NULL, also kept in row with their bits in
 * `bits`. Moves the cursor past them.
 */
void kz_flat_take_window(kz_flat *f, kz_fterm *t, uint32_t start, uint64_t end, double *acc,
                         double *row, uint64_t *bits, uint64_t *any);

/* The algorithms; each leaves corruption or KZ_ERR_NOMEM in f->error. */
void kz_flat_term(kz_flat *f, kz_fterm *t);
void kz_flat_term_block(kz_flat *f, kz_fterm *t); /* the rest of t's decoded block, one loop */
void kz_flat_or_windows(kz_flat *f);
void kz_flat_or_maxscore(kz_flat *f);
void kz_flat_or_maxscore_windows(kz_flat *f);
void kz_flat_and(kz_flat *f);
void kz_flat_and_or(kz_flat *f);
void kz_flat_count_and(kz_flat *f);

/* Beyond this many optional terms the window's per-term score rows would grow too big. */
#define KZ_FLAT_WINDOW_TERMS 16u

#endif /* KZ_FLAT_INTERNAL_H */
