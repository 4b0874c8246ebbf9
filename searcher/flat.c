/*
 * flat.c - flat queries of terms, evaluated on the cursors directly (see
 * flat.h for what and why).
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
#include "searcher/flat.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "format/deletes.h"
#include "format/postings_reader.h"
#include "kzsearch.h"
#include "searcher/intersect.h"

typedef struct fterm {
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
} fterm;

typedef struct flat {
  const kz_bm25 *p;
  kz_sink *sink;
  int error; /* the cursors' sticky corruption flag */
  fterm *terms;
  fterm **must, **should, **not; /* must by increasing df (stable), should in query order */
  size_t n_must, n_should, n_not;
  fterm **order;  /* should by increasing bound, for MaxScore */
  double *prefix; /* prefix[i]: bounds of order[0..i] added up */
} flat;

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

/*
 * Whether a candidate's upper bound cannot beat the threshold. The bound
 * adds exact scores in another order than the final sum does, so it gets
 * the bounds' slack too: a last-bit difference never drops a winner.
 */
static inline int cannot_win(double bound, double threshold) {
  return bound * KZ_BOUND_SLACK <= threshold;
}

static inline double score_of(flat *f, fterm *t) {
  f->sink->scored++;
  return kz_bm25_score(f->p, t->idf, (double)kz_postings_freq(&t->cur), t->cur.doc);
}

/* The first document >= target: KZ_DOC_END past the end (targets may be KZ_DOC_END too). */
static inline uint32_t advance(fterm *t, uint32_t target) {
  return t->cur.doc >= target ? t->cur.doc : kz_postings_advance(&t->cur, target);
}

/* One past `last`, without passing KZ_DOC_END. */
static inline uint32_t after(uint32_t last) { return last >= KZ_DOC_END - 1 ? KZ_DOC_END : last + 1; }

/*
 * The bound of t's block that holds the documents >= d; t->bm_last says up
 * to where it holds. A term without skip table has one block, whose bound
 * is the term's; past the last block nothing is left to score.
 */
static double block_bound(flat *f, fterm *t, uint32_t d) {
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

/* Starts t on the leaf's postings in segment s. @return 0 when the term is not in the segment. */
static int term_init(flat *f, fterm *t, const kz_plan *leaf, size_t s) {
  const kz_term_info *info = &leaf->terms[0].seg[s];
  if (info->df == 0) return 0;
  /* All but the cursor's decode buffers (about 2 KB), which a block decode fills before use. */
  memset(&t->cur, 0, offsetof(kz_postings, docs));
  memset(&t->info, 0, sizeof *t - offsetof(fterm, info));
  kz_postings_init(&t->cur, f->p->seg, info, &f->error);
  kz_postings_next(&t->cur);
  t->info = info;
  t->idf = leaf->idf;
  t->bm_block = UINT32_MAX;
  /* Only pruning needs the bound; for a long list it costs a look at every skip entry. */
  t->bound = f->sink->prune ? kz_bm25_term_bound(f->p, t->idf, &t->cur) : INFINITY;
  return 1;
}

static int excluded(flat *f, uint32_t d) {
  for (size_t i = 0; i < f->n_not; i++)
    if (advance(f->not[i], d) == d) return 1;
  return 0;
}

/* ---- one term ------------------------------------------------------------ */

/*
 * A block at a time: with pruning, a block whose bound cannot beat the
 * threshold is passed over in the skip table without being decoded;
 * otherwise every document of the block is scored in one tight loop.
 */
static void run_term(flat *f, fterm *t) {
  kz_sink *s = f->sink;
  kz_postings *c = &t->cur;
  const kz_bm25 *p = f->p;
  while (c->doc != KZ_DOC_END) {
    if (s->prune && c->skip && s->threshold > -INFINITY) {
      uint32_t b = c->block;
      while (b < c->n_blocks &&
             kz_bm25_block_bound(p, t->idf, kz_postings_block_max_tf(c, b),
                                 kz_postings_block_min_length(c, b)) * KZ_BOUND_SLACK <=
                 s->threshold)
        b++;
      if (b == c->n_blocks) return;
      if (b != c->block) {
        kz_postings_advance(c, kz_postings_block_last(c, b - 1) + 1);
        if (c->doc == KZ_DOC_END) return;
      }
    }
    uint32_t from = c->i, n = c->n - from;
    s->candidates += n;
    if (!s->topk) { /* counting only */
      for (uint32_t i = from; i < c->n; i++)
        s->matches += !kz_deleted(s->deleted, c->docs[i]) && !(f->n_not && excluded(f, c->docs[i]));
    } else {
      double score[KZ_BLOCK_DOCS];
      kz_bm25_scores(p, t->idf, c->docs + from, c->freqs + from, n, score);
      s->scored += n;
      /*
       * Once the heap is full most scores fall short of its weakest (a tie
       * loses: documents increase), so the few that do not are picked out
       * first without a branch per posting, then offered.
       */
      const kz_topk *top = s->topk;
      double weakest = top->n < top->cap ? -INFINITY : top->heap[0].score;
      uint32_t pick[KZ_BLOCK_DOCS];
      size_t k = kz_scores_above(score, n, weakest, pick);
      /* Exclusions are checked once per document, in order (their cursors only move on). */
      int all_live = !s->deleted && !f->n_not;
      unsigned char live[KZ_BLOCK_DOCS];
      if (all_live) {
        s->matches += n;
      } else {
        for (uint32_t i = 0; i < n; i++) {
          uint32_t d = c->docs[from + i];
          live[i] = !kz_deleted(s->deleted, d) && !(f->n_not && excluded(f, d));
          s->matches += live[i];
        }
      }
      for (size_t j = 0; j < k; j++) {
        uint32_t i = pick[j];
        if (all_live || live[i]) kz_sink_push(s, score[i], c->docs[from + i]);
      }
    }
    c->i = c->n - 1; /* the next call moves to the next block */
    kz_postings_next(c);
  }
}

/* ---- disjunction: block-max MaxScore -------------------------------------- */

/*
 * Scores candidate d, whose required terms (if any) all match with
 * `required` as their score: optional terms order[probed..n) are scored
 * where they hit; the others, from the strongest down, are counted at their
 * blocks' bounds until probed, and the candidate is dropped as soon as it
 * cannot beat the threshold (MaxScore's probing, with block bounds).
 * @return whether d can enter, with *total.
 */
static int score_candidate(flat *f, size_t probed, uint32_t d, double required, double *total) {
  kz_sink *s = f->sink;
  size_t n = f->n_should;
  double ub = required;
  for (size_t i = 0; i < n; i++) f->order[i]->hit = 0;
  for (size_t i = probed; i < n; i++) {
    fterm *t = f->order[i];
    if (advance(t, d) == d) {
      t->score = score_of(f, t);
      t->hit = 1;
      ub += t->score;
    }
  }
  for (size_t i = 0; i < probed; i++) ub += block_bound(f, f->order[i], d);
  for (size_t i = probed; i-- > 0;) {
    if (cannot_win(ub, s->threshold)) return 0;
    fterm *t = f->order[i];
    ub -= t->bm_score;
    if (advance(t, d) == d) {
      t->score = score_of(f, t);
      t->hit = 1;
      ub += t->score;
    }
  }
  double optional = 0; /* in query order, as the iterator tree adds them */
  for (size_t i = 0; i < n; i++)
    if (f->should[i]->hit) optional += f->should[i]->score;
  *total = required + optional; /* 0.0 + x is x: a disjunction's sum keeps its bits */
  return !s->prune || *total > s->threshold;
}

/* Terms whose bounds together cannot beat the threshold stop supplying candidates. */
static size_t essential_from(const flat *f, double threshold) {
  size_t e = 0;
  while (e < f->n_should && f->prefix[e] <= threshold) e++;
  return e;
}


/* Below this many postings of the weak terms, seeding costs more than it saves. */
#define SEED_MIN_POSTINGS 16384u
/* Below this many postings in all, a disjunction is cheaper to score whole than to prune. */
#define PRUNE_MIN_POSTINGS 8192u

/* The k best documents of one term alone (by its score, then by number), into `best`. */
static int term_top(flat *f, const fterm *t, kz_topk *best) {
  kz_postings c;
  kz_postings_init(&c, f->p->seg, t->info, &f->error);
  for (uint32_t d = kz_postings_next(&c); d != KZ_DOC_END; d = kz_postings_next(&c)) {
    if (kz_deleted(f->sink->deleted, d)) continue;
    f->sink->scored++;
    kz_topk_push(best, kz_bm25_score(f->p, t->idf, (double)kz_postings_freq(&c), d), d);
  }
  return f->error;
}

static int by_doc(const void *a, const void *b) {
  uint64_t x = ((const kz_scored *)a)->doc, y = ((const kz_scored *)b)->doc;
  return x < y ? -1 : x > y;
}

/*
 * Seeds the threshold before the first candidate (kz_sink_seed): the k best
 * documents of the term with the highest bound, scored on the whole query,
 * are k real matches, so the final k-th best score is at least the k-th of
 * theirs. From the start, then, the weak terms only confirm candidates
 * instead of each supplying thousands. Worth it when the strong term's list
 * is short next to the others' (typically a rare term among frequent ones),
 * which it has to walk twice.
 */
static int seed_threshold(flat *f) {
  kz_sink *s = f->sink;
  size_t n = f->n_should, k = s->topk->cap;
  const fterm *strong = f->order[n - 1];
  uint64_t others = 0;
  for (size_t i = 0; i + 1 < n; i++) others += f->order[i]->cur.df;
  if (f->n_not || k > strong->cur.df || k > 1000 ||
      (!s->always_prune && (4 * (uint64_t)strong->cur.df > others || others < SEED_MIN_POSTINGS)))
    return KZ_OK;
  kz_topk best;
  if (kz_topk_init(&best, k)) return KZ_ERR_NOMEM;
  int rc = term_top(f, strong, &best);
  double *sum = calloc(best.n ? best.n : 1, sizeof *sum);
  if (!rc && !sum) rc = KZ_ERR_NOMEM;
  if (!rc && best.n == k) {
    qsort(best.heap, best.n, sizeof *best.heap, by_doc);
    for (size_t j = 0; j < n && !rc; j++) { /* in query order, as score_candidate adds */
      kz_postings c;
      kz_postings_init(&c, f->p->seg, f->should[j]->info, &f->error);
      for (size_t i = 0; i < best.n; i++) {
        uint32_t d = (uint32_t)best.heap[i].doc;
        if (kz_postings_advance(&c, d) == d) {
          s->scored++;
          sum[i] += kz_bm25_score(f->p, f->should[j]->idf, (double)kz_postings_freq(&c), d);
        }
      }
      rc = f->error;
    }
    double kth = INFINITY;
    for (size_t i = 0; i < best.n; i++)
      if (sum[i] < kth) kth = sum[i];
    if (!rc) kz_sink_seed(s, kth);
  }
  free(sum);
  kz_topk_free(&best);
  return rc;
}

static void run_or(flat *f) {
  kz_sink *s = f->sink;
  size_t n = f->n_should, essential = 0;
  if (s->prune && seed_threshold(f) == KZ_ERR_NOMEM) f->error = KZ_ERR_NOMEM;
  double seen = -INFINITY;
  uint32_t checked_until = 0; /* documents below passed the block check */
  for (;;) {
    if (s->prune && s->threshold != seen) {
      seen = s->threshold;
      essential = essential_from(f, seen);
      if (essential == n) return;
    }
    uint32_t d = KZ_DOC_END;
    for (size_t i = essential; i < n; i++)
      if (f->order[i]->cur.doc < d) d = f->order[i]->cur.doc;
    if (d == KZ_DOC_END) return;
    if (s->prune && seen > -INFINITY && d >= checked_until) {
      double ub = 0;
      uint32_t upto = KZ_DOC_END;
      for (size_t i = 0; i < n; i++) {
        ub += block_bound(f, f->order[i], d);
        if (f->order[i]->bm_last < upto) upto = f->order[i]->bm_last;
      }
      uint32_t next = after(upto);
      if (ub <= seen) { /* no document before `next` can win */
        for (size_t i = essential; i < n; i++) advance(f->order[i], next);
        continue;
      }
      checked_until = next;
    }
    s->candidates++;
    double total;
    if (kz_deleted(s->deleted, d) || (f->n_not && excluded(f, d))) {
      /* not a match */
    } else if (!s->topk) {
      s->matches++;
    } else if (score_candidate(f, essential, d, 0.0, &total)) {
      kz_sink_offer(s, total, d);
    }
    for (size_t i = essential; i < n; i++)
      if (f->order[i]->cur.doc == d) kz_postings_next(&f->order[i]->cur);
  }
}

/* ---- disjunction, exhaustive: a window at a time --------------------------- */

#define WINDOW_DOCS 4096u

/*
 * Takes t's postings in [start, end): their documents into the bits of
 * `any` and, when the sink ranks, their scores, computed in bulk, added
 * into acc and, with row non-NULL, also kept in row with their bits in
 * `bits`. Moves the cursor past them.
 */
static void take_window(flat *f, fterm *t, uint32_t start, uint64_t end, double *acc,
                        double *row, uint64_t *bits, uint64_t *any) {
  kz_postings *c = &t->cur;
  int ranking = f->sink->topk != NULL;
  while (c->doc < end) {
    uint32_t from = c->i, to = c->n;
    if (c->docs[to - 1] >= end) { /* the window ends inside this block */
      to = from;
      while (c->docs[to] < end) to++;
    }
    if (!ranking) {
      for (uint32_t k = from; k < to; k++) {
        uint32_t w = c->docs[k] - start;
        any[w >> 6] |= 1ull << (w & 63);
      }
    } else {
      double score[KZ_BLOCK_DOCS];
      kz_bm25_scores(f->p, t->idf, c->docs + from, c->freqs + from, to - from, score);
      f->sink->scored += to - from;
      for (uint32_t k = from; k < to; k++) {
        uint32_t w = c->docs[k] - start;
        uint64_t bit = 1ull << (w & 63);
        acc[w] += score[k - from];
        any[w >> 6] |= bit;
        if (row) {
          row[w] = score[k - from];
          bits[w >> 6] |= bit;
        }
      }
    }
    if (to < c->n) {
      c->i = to;
      c->doc = c->docs[to];
    } else {
      c->i = c->n - 1;
      kz_postings_next(c);
    }
  }
}

/*
 * Without pruning every match is scored anyway, so the terms are taken one
 * after the other over a window of documents: their blocks are scored in
 * bulk (kz_bm25_scores) and added into the window's accumulators, in query
 * order, so each sum has the bits of the document-at-a-time sum; then the
 * window's matches are offered in document order. No per-document
 * merging of cursors at all (Lucene's BooleanScorer does the same).
 */
static void run_or_windows(flat *f) {
  kz_sink *s = f->sink;
  double *acc = calloc(WINDOW_DOCS, sizeof *acc); /* all 0.0 between windows: 0.0 + x is x */
  uint64_t seen[WINDOW_DOCS / 64];
  if (!acc) {
    f->error = KZ_ERR_NOMEM;
    return;
  }
  for (;;) {
    uint32_t start = KZ_DOC_END; /* the window starts at the first document left */
    for (size_t i = 0; i < f->n_should; i++)
      if (f->should[i]->cur.doc < start) start = f->should[i]->cur.doc;
    if (start == KZ_DOC_END) break;
    uint64_t end = (uint64_t)start + WINDOW_DOCS;
    memset(seen, 0, sizeof seen);
    for (size_t i = 0; i < f->n_should; i++)
      take_window(f, f->should[i], start, end, acc, NULL, NULL, seen);
    for (uint32_t word = 0; word < WINDOW_DOCS / 64; word++)
      for (uint64_t bits = seen[word]; bits; bits &= bits - 1) {
        uint32_t w = 64 * word + (uint32_t)__builtin_ctzll(bits), d = start + w;
        double sum = acc[w];
        acc[w] = 0.0;
        s->candidates++;
        if (kz_deleted(s->deleted, d) || (f->n_not && excluded(f, d))) continue;
        s->matches++;
        if (s->topk && (s->topk->n < s->topk->cap || sum > s->topk->heap[0].score))
          kz_sink_push(s, sum, d);
      }
  }
  free(acc);
}

/* ---- disjunction, pruned: block-max MaxScore a window at a time ----------- */

#define MAXSCORE_WINDOW_DOCS 2048u
/* Beyond this many optional terms the per-term score rows would grow too big: document at a time. */
#define MAXSCORE_WINDOW_TERMS 16u

/* The best bound of t's blocks that overlap [start, end]. */
static double range_bound(flat *f, fterm *t, uint32_t start, uint32_t end) {
  double best = block_bound(f, t, start);
  const kz_postings *c = &t->cur;
  if (!c->skip) return best;
  for (uint32_t b = t->bm_block + 1; b < c->n_blocks && kz_postings_block_last(c, b - 1) < end; b++) {
    double s = kz_bm25_block_bound(f->p, t->idf, kz_postings_block_max_tf(c, b),
                                   kz_postings_block_min_length(c, b)) *
               KZ_BOUND_SLACK;
    if (s > best) best = s;
  }
  return best;
}

/*
 * Whether the essential terms alone are expected to supply candidates for
 * at least half of a window's documents (each term's density taken as its
 * share of the segment's documents). Then nearly every candidate would make
 * the non-essential terms decode their blocks and be probed one document at
 * a time, which costs more than scoring them in bulk: the window is scored
 * whole, as exhaustive evaluation does (terms of 80-95% density: 0.6-0.9x
 * the exhaustive time by probing).
 */
static int dense_window(const flat *f, size_t essential) {
  double in_none = 1.0;
  for (size_t i = essential; i < f->n_should; i++) {
    const kz_postings *c = &f->order[i]->cur;
    in_none *= 1.0 - (double)c->df / (double)(c->doc_limit ? c->doc_limit : 1);
  }
  return in_none <= 0.5;
}

/*
 * Block-max MaxScore over windows of documents, as Lucene's
 * MaxScoreBulkScorer does it. Per window, the essential terms' blocks are
 * scored in bulk and added up per document, which supplies the candidates;
 * one whose sum plus the other terms' bounds cannot beat the threshold
 * costs a comparison, the others probe the non-essential terms as
 * score_candidate does. A window whose blocks cannot beat the threshold is
 * skipped undecoded. Each essential term also keeps its scores in a row of
 * its own, so that a hit's sum is made in query order, with the bits the
 * other evaluators give; while every term is essential the sums are made
 * in query order directly, and the window costs what exhaustive
 * evaluation does.
 */
static void run_or_windows_pruned(flat *f) {
  kz_sink *s = f->sink;
  size_t n = f->n_should;
  const size_t words = MAXSCORE_WINDOW_DOCS / 64;
  double *acc = calloc(MAXSCORE_WINDOW_DOCS, sizeof *acc); /* 0.0 between uses: 0.0 + x is x */
  double *rows = malloc(n * MAXSCORE_WINDOW_DOCS * sizeof *rows);
  uint64_t *hits = malloc(n * words * sizeof *hits), any[MAXSCORE_WINDOW_DOCS / 64];
  if (!acc || !rows || !hits || seed_threshold(f) == KZ_ERR_NOMEM) {
    f->error = KZ_ERR_NOMEM;
    goto done;
  }
  for (;;) {
    double threshold = s->threshold;
    size_t essential = essential_from(f, threshold);
    if (essential == n) break;
    uint32_t start = KZ_DOC_END;
    for (size_t i = essential; i < n; i++)
      if (f->order[i]->cur.doc < start) start = f->order[i]->cur.doc;
    if (start == KZ_DOC_END) break;
    uint64_t end = (uint64_t)start + MAXSCORE_WINDOW_DOCS; /* one past the window */
    uint32_t last = end > KZ_DOC_END - 1 ? KZ_DOC_END - 1 : (uint32_t)(end - 1);
    if (threshold > -INFINITY) {
      double ub = 0;
      for (size_t i = 0; i < n; i++) ub += range_bound(f, f->order[i], start, last);
      if (ub <= threshold) { /* nothing in this window can win: leave its blocks undecoded */
        for (size_t i = essential; i < n; i++) advance(f->order[i], after(last));
        continue;
      }
    }
    if (essential && (!s->always_prune || s->always_prune == 3) && dense_window(f, essential)) {
      /* Before start, documents only the non-essential terms hold cannot win. */
      for (size_t i = 0; i < essential; i++) advance(f->order[i], start);
      essential = 0;
    }
    memset(any, 0, sizeof any);
    for (size_t q = 0; q < n; q++) { /* in query order, so that with all terms essential acc is exact */
      fterm *t = f->should[q];
      if (essential) {
        t->essential = 0;
        for (size_t i = essential; i < n; i++) t->essential |= f->order[i] == t;
      } else {
        t->essential = 1;
      }
      if (!t->essential) continue;
      uint64_t *bits = hits + q * words;
      if (essential) memset(bits, 0, words * sizeof *bits);
      take_window(f, t, start, end, acc, essential ? rows + q * MAXSCORE_WINDOW_DOCS : NULL, bits,
                  any);
    }
    double rest = essential ? f->prefix[essential - 1] : 0; /* the non-essential terms' bounds */
    for (uint32_t word = 0; word < words; word++)
      for (uint64_t set = any[word]; set; set &= set - 1) {
        uint32_t w = 64 * word + (uint32_t)__builtin_ctzll(set), d = start + w;
        double partial = acc[w];
        acc[w] = 0.0;
        s->candidates++;
        if (cannot_win(partial + rest, s->threshold) || kz_deleted(s->deleted, d) ||
            (f->n_not && excluded(f, d)))
          continue;
        if (!essential) { /* every term was scored, in query order: partial is the sum */
          kz_sink_offer(s, partial, d);
          continue;
        }
        double ub = partial;
        for (size_t i = 0; i < essential; i++) {
          f->order[i]->hit = 0;
          ub += block_bound(f, f->order[i], d);
        }
        size_t i = essential;
        while (i > 0 && !cannot_win(ub, s->threshold)) {
          fterm *t = f->order[--i];
          ub -= t->bm_score;
          if (advance(t, d) == d) {
            t->score = score_of(f, t);
            t->hit = 1;
            ub += t->score;
          }
        }
        if (i > 0 || cannot_win(ub, s->threshold)) continue;
        uint64_t bit = 1ull << (w & 63);
        double total = 0; /* in query order */
        for (size_t q = 0; q < n; q++) {
          const fterm *t = f->should[q];
          if (t->essential ? (hits[q * words + word] & bit) != 0 : t->hit)
            total += t->essential ? rows[q * MAXSCORE_WINDOW_DOCS + w] : t->score;
        }
        if (total > s->threshold) kz_sink_offer(s, total, d);
      }
  }
done:
  free(acc);
  free(rows);
  free(hits);
}

/* ---- conjunction with optional terms: block-max AND ----------------------- */

static void run_and(flat *f) {
  kz_sink *s = f->sink;
  fterm *lead = f->must[0];
  uint32_t d = lead->cur.doc, checked_until = 0;
  while (d != KZ_DOC_END) {
    if (s->prune && s->threshold > -INFINITY && d >= checked_until) {
      double ub = 0;
      uint32_t upto = KZ_DOC_END;
      for (size_t i = 0; i < f->n_must + f->n_should; i++) {
        fterm *t = i < f->n_must ? f->must[i] : f->should[i - f->n_must];
        ub += block_bound(f, t, d);
        if (t->bm_last < upto) upto = t->bm_last;
      }
      uint32_t next = after(upto);
      if (ub <= s->threshold) {
        d = advance(lead, next);
        continue;
      }
      checked_until = next;
    }
    size_t i = 1;
    for (; i < f->n_must; i++) {
      uint32_t m = advance(f->must[i], d);
      if (m > d) {
        d = advance(lead, m);
        break;
      }
    }
    if (i < f->n_must) continue;
    s->candidates++;
    if (!s->topk) {
      if (!kz_deleted(s->deleted, d) && !(f->n_not && excluded(f, d))) s->matches++;
    } else if (!kz_deleted(s->deleted, d) && !(f->n_not && excluded(f, d))) {
      double required = 0;
      for (size_t k = 0; k < f->n_must; k++) required += score_of(f, f->must[k]);
      double total = required;
      int competitive = 1;
      if (f->n_should) {
        if (s->prune) {
          double ub = required;
          for (size_t k = 0; k < f->n_should; k++) ub += block_bound(f, f->should[k], d);
          competitive = !cannot_win(ub, s->threshold);
        }
        if (competitive) {
          double optional = 0;
          for (size_t k = 0; k < f->n_should; k++)
            if (advance(f->should[k], d) == d) optional += score_of(f, f->should[k]);
          total = required + optional;
        }
      }
      if (competitive && (!s->prune || total > s->threshold)) kz_sink_offer(s, total, d);
    }
    d = kz_postings_next(&lead->cur);
  }
}

/* ---- required and optional terms, pruned ------------------------------------ */


/*
 * Required plus optional terms under pruning. While the required terms
 * alone could beat the threshold, their conjunction supplies the
 * candidates. Once it cannot, a hit must also hold an optional term, and
 * not just any: as in MaxScore, the optional terms whose bounds, added to
 * the required ones', still cannot beat it only confirm candidates; the
 * others supply them, and the required terms are then checked on each.
 */
static void run_reqopt(flat *f) {
  kz_sink *s = f->sink;
  size_t n = f->n_should, essential = 0;
  double required_bound = 0, seen = NAN;
  for (size_t i = 0; i < f->n_must; i++) required_bound += f->must[i]->bound;
  required_bound *= KZ_BOUND_SLACK;
  fterm *lead = f->must[0];
  int by_optional = 0;
  uint32_t done = 0;           /* documents below were considered */
  uint32_t checked_until = 0;  /* documents below passed the block check */
  for (;;) {
    if (s->threshold != seen) {
      seen = s->threshold;
      if (!by_optional && required_bound <= seen) by_optional = 1;
      while (essential < n && required_bound + f->prefix[essential] <= seen) essential++;
      if (by_optional && essential == n) return;
    }
    uint32_t d = KZ_DOC_END;
    if (by_optional) {
      for (size_t i = essential; i < n; i++)
        if (advance(f->order[i], done) < d) d = f->order[i]->cur.doc;
    } else {
      d = advance(lead, done);
    }
    if (d == KZ_DOC_END) return;
    if (!by_optional && seen > -INFINITY && d >= checked_until) {
      /*
       * Block-max: the required terms' blocks from d on, and the optional
       * terms' blocks where they have a document before those end (an
       * optional term adds nothing where it has none: a rare one mostly).
       */
      double ub = 0;
      uint32_t upto = KZ_DOC_END;
      for (size_t i = 0; i < f->n_must; i++) {
        ub += block_bound(f, f->must[i], d);
        if (f->must[i]->bm_last < upto) upto = f->must[i]->bm_last;
      }
      for (size_t i = 0; i < n; i++) {
        fterm *t = f->should[i];
        if (advance(t, d) > upto) continue;
        ub += block_bound(f, t, d);
        if (t->bm_last < upto) upto = t->bm_last;
      }
      checked_until = after(upto);
      if (ub <= seen) { /* nothing before checked_until can win */
        done = checked_until;
        continue;
      }
    }
    uint32_t miss = d; /* a required term's next document, when it is past d */
    for (size_t i = 0; i < f->n_must && miss == d; i++) miss = advance(f->must[i], d);
    if (miss == KZ_DOC_END) return;
    if (miss > d) { /* no hit before the required term's next document */
      done = miss;
      continue;
    }
    s->candidates++;
    double total;
    if (!kz_deleted(s->deleted, d) && !(f->n_not && excluded(f, d))) {
      double required = 0;
      for (size_t k = 0; k < f->n_must; k++) required += score_of(f, f->must[k]);
      if (score_candidate(f, by_optional ? essential : n, d, required, &total))
        kz_sink_offer(s, total, d);
    }
    done = after(d);
  }
}

/* ---- counting a conjunction: blocks intersected ------------------------------ */

/* Grows a scratch array to hold n values. @return 0, or -1 when out of memory. */
static int reserve(uint32_t **a, size_t *cap, size_t n) {
  if (n <= *cap) return 0;
  size_t c = *cap ? *cap : 1024;
  while (c < n) c *= 2;
  uint32_t *p = realloc(*a, c * sizeof *p);
  if (!p) return -1;
  *a = p;
  *cap = c;
  return 0;
}

/*
 * Appends t's documents from lo through hi to *out (moving its cursor past
 * them, block by block). @return the new length, or SIZE_MAX when out of memory.
 */
static size_t gather(fterm *t, uint32_t lo, uint32_t hi, uint32_t **out, size_t *cap, size_t n) {
  kz_postings *c = &t->cur;
  for (uint32_t d = advance(t, lo); d != KZ_DOC_END && d <= hi;) {
    uint32_t from = c->i, to = c->n;
    if (c->docs[to - 1] > hi) { /* the range ends inside this block */
      to = from;
      while (to < c->n && c->docs[to] <= hi) to++;
    }
    if (reserve(out, cap, n + (to - from))) return SIZE_MAX;
    memcpy(*out + n, c->docs + from, (size_t)(to - from) * sizeof **out);
    n += to - from;
    if (to < c->n) {
      c->i = to;
      c->doc = c->docs[to];
      break;
    }
    c->i = c->n - 1;
    d = kz_postings_next(c);
  }
  return n;
}

/*
 * Only counts the documents that hold every required term: no scores, so
 * no frequencies either, and the lead's blocks are intersected with the
 * others' documents by the SIMD kernels of searcher/intersect.c (a merge
 * near 1:1, galloping at larger ratios). Optional terms cannot change
 * which documents match.
 */
static void count_and(flat *f) {
  kz_sink *s = f->sink;
  fterm *lead = f->must[0];
  for (size_t m = 0; m < f->n_must; m++) kz_postings_docs_only(&f->must[m]->cur);
  kz_postings *l = &lead->cur;
  uint32_t *cand = NULL, *other = NULL, *out = NULL;
  size_t cap_cand = 0, cap_other = 0, cap_out = 0;
  while (l->doc != KZ_DOC_END) {
    size_t n = l->n - l->i;
    if (reserve(&cand, &cap_cand, n)) goto nomem;
    memcpy(cand, l->docs + l->i, n * sizeof *cand);
    for (size_t m = 1; m < f->n_must && n; m++) {
      fterm *t = f->must[m];
      if (t->cur.df / KZ_INTERSECT_GALLOP_RATIO > lead->cur.df) {
        /* Much denser: advance it to each candidate, decoding only the blocks it lands in. */
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
          if (advance(t, cand[i]) == cand[i]) cand[k++] = cand[i];
        n = k;
        continue;
      }
      size_t k = gather(t, cand[0], cand[n - 1], &other, &cap_other, 0);
      if (k == SIZE_MAX || reserve(&out, &cap_out, n)) goto nomem;
      n = kz_intersect(cand, n, other, k, out);
      uint32_t *swap = cand;
      cand = out;
      out = swap;
      size_t cap = cap_cand;
      cap_cand = cap_out;
      cap_out = cap;
    }
    for (size_t i = 0; i < n; i++)
      if (!kz_deleted(s->deleted, cand[i]) && !(f->n_not && excluded(f, cand[i]))) s->matches++;
    s->candidates += l->n - l->i;
    l->i = l->n - 1; /* on to the lead's next block */
    kz_postings_next(l);
  }
  goto done;
nomem:
  f->error = KZ_ERR_NOMEM;
done:
  free(cand);
  free(other);
  free(out);
}

/* ---- setup ----------------------------------------------------------------- */

/* The optional terms by bound, ascending, with the running sums of their bounds (MaxScore). */
static void order_by_bound(flat *f) {
  for (size_t i = 0; i < f->n_should; i++) { /* insertion sort: few terms */
    size_t j = i;
    for (; j > 0 && f->order[j - 1]->bound > f->should[i]->bound; j--) f->order[j] = f->order[j - 1];
    f->order[j] = f->should[i];
  }
  double sum = 0;
  for (size_t i = 0; i < f->n_should; i++) {
    sum += f->order[i]->bound;
    f->prefix[i] = sum * KZ_BOUND_SLACK;
  }
}

/* One allocation holds the terms and the arrays that point into them (flat_free releases it). */
static int flat_alloc(flat *f, size_t all, size_t ns) {
  size_t slots = ns ? ns : 1;
  size_t pointers = (all + slots) * sizeof(fterm *) + slots * sizeof(double);
  char *mem = malloc(all * sizeof(fterm) + pointers);
  if (!mem) return KZ_ERR_NOMEM;
  f->terms = (fterm *)(void *)mem;
  char *rest = mem + all * sizeof(fterm);
  memset(rest, 0, pointers);
  f->must = (fterm **)(void *)rest;
  f->order = f->must + all;
  f->prefix = (double *)(void *)(f->order + slots);
  return KZ_OK;
}

static void flat_free(flat *f) { free(f->terms); }

int kz_flat_evaluate(const kz_plan *plan, size_t seg_index, const kz_bm25 *bm25, kz_sink *sink) {
  flat f;
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
    fterm *t = &f.terms[used++];
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

  if (f.n_must && !sink->topk) {
    count_and(&f);
  } else if (f.n_must && f.n_should && sink->prune) {
    order_by_bound(&f);
    run_reqopt(&f);
  } else if (f.n_must) {
    run_and(&f);
  } else if (f.n_should == 1) {
    run_term(&f, f.should[0]);
  } else if (f.n_should) {
    if (!sink->prune) {
      run_or_windows(&f);
      goto done;
    }
    uint64_t postings = 0;
    for (size_t i = 0; i < f.n_should; i++) postings += f.should[i]->cur.df;
    order_by_bound(&f);
    if (postings < PRUNE_MIN_POSTINGS && !sink->always_prune)
      run_or_windows(&f); /* skipping is allowed, not required */
    else if (f.n_should <= MAXSCORE_WINDOW_TERMS && !f.n_not && sink->always_prune != 2)
      run_or_windows_pruned(&f);
    else
      run_or(&f);
  }
done:;
  int rc = f.error;
  flat_free(&f);
  return rc;
}
