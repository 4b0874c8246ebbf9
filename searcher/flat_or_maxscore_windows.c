/*
 * flat_or_maxscore_windows.c - a pruned disjunction a window of documents
 * at a time: block-max MaxScore (maxscore.h) as Lucene's
 * MaxScoreBulkScorer does it. Per window, the essential terms' blocks are
 * scored in bulk and added up per document, which supplies the candidates;
 * the non-essential terms are probed on the candidates that can still win.
 * A window whose blocks cannot beat the threshold is skipped undecoded, and
 * a dense one is scored whole.
 */
#include "searcher/flat_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format/deletes.h"
#include "kzsearch.h"

#define MAXSCORE_WINDOW_DOCS 2048u

/* The best bound of t's blocks that overlap [start, end]. */
static double range_bound(kz_flat *f, kz_fterm *t, uint32_t start, uint32_t end) {
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
static int dense_window(const kz_flat *f, size_t essential) {
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
 * kz_flat_score_candidate does. A window whose blocks cannot beat the threshold is
 * skipped undecoded. Each essential term also keeps its scores in a row of
 * its own, so that a hit's sum is made in query order, with the bits the
 * other evaluators give; while every term is essential the sums are made
 * in query order directly, and the window costs what exhaustive
 * evaluation does.
 */
void kz_flat_or_maxscore_windows(kz_flat *f) {
  kz_sink *s = f->sink;
  size_t n = f->n_should;
  const size_t words = MAXSCORE_WINDOW_DOCS / 64;
  double *acc = calloc(MAXSCORE_WINDOW_DOCS, sizeof *acc); /* 0.0 between uses: 0.0 + x is x */
  double *rows = malloc(n * MAXSCORE_WINDOW_DOCS * sizeof *rows);
  uint64_t *hits = malloc(n * words * sizeof *hits), any[MAXSCORE_WINDOW_DOCS / 64];
  if (!acc || !rows || !hits || kz_flat_seed_threshold(f) == KZ_ERR_NOMEM) {
    f->error = KZ_ERR_NOMEM;
    goto done;
  }
  for (;;) {
    double threshold = s->threshold;
    size_t essential = kz_maxscore_essential(&f->ms, 0, 0.0, threshold);
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
      kz_fterm *t = f->should[q];
      if (essential) {
        t->essential = 0;
        for (size_t i = essential; i < n; i++) t->essential |= f->order[i] == t;
      } else {
        t->essential = 1;
      }
      if (!t->essential) continue;
      uint64_t *bits = hits + q * words;
      if (essential) memset(bits, 0, words * sizeof *bits);
      kz_flat_take_window(f, t, start, end, acc, essential ? rows + q * MAXSCORE_WINDOW_DOCS : NULL, bits,
                  any);
    }
    double rest = essential ? f->ms.prefix[essential - 1] : 0; /* the non-essential terms' bounds */
    for (uint32_t word = 0; word < words; word++)
      for (uint64_t set = any[word]; set; set &= set - 1) {
        uint32_t w = 64 * word + (uint32_t)__builtin_ctzll(set), d = start + w;
        double partial = acc[w];
        acc[w] = 0.0;
        s->candidates++;
        if (kz_maxscore_cannot_win(partial + rest, s->threshold) || kz_deleted(s->deleted, d) ||
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
        if (!flat_probe(f, essential, ub, d, &ub) || kz_maxscore_cannot_win(ub, s->threshold))
          continue;
        uint64_t bit = 1ull << (w & 63);
        double total = 0; /* in query order */
        for (size_t q = 0; q < n; q++) {
          const kz_fterm *t = f->should[q];
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
