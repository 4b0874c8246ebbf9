/*
 * flat_or_windows.c - a disjunction evaluated exhaustively, a window of
 * documents at a time. Every match is scored anyway, so the terms are
 * taken one after the other over the window: their blocks are scored in
 * bulk (kz_bm25_scores) and added into the window's accumulators, in query
 * order, so each sum has the bits of the document-at-a-time sum; then the
 * window's matches are offered in document order. No per-document merging
 * of cursors at all (Lucene's BooleanScorer does the same). The pruned
 * windows of flat_or_maxscore_windows.c take their terms' windows here too.
 */
#include "searcher/flat_internal.h"

#include <stdlib.h>
#include <string.h>

#include "format/deletes.h"
#include "format/postblock.h"
#include "kzsearch.h"

#define WINDOW_DOCS 4096u

void kz_flat_take_window(kz_flat *f, kz_fterm *t, uint32_t start, uint64_t end, double *acc,
                        double *row, uint64_t *bits, uint64_t *any) {
  kz_postings *c = &t->cur;
  int ranking = f->sink->scoring;
  uint32_t from, to;
  while (kz_postings_run(c, end, &from, &to)) {
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
    kz_postings_after_run(c, to);
  }
}

void kz_flat_or_windows(kz_flat *f) {
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
      kz_flat_take_window(f, f->should[i], start, end, acc, NULL, NULL, seen);
    for (uint32_t word = 0; word < WINDOW_DOCS / 64; word++)
      for (uint64_t bits = seen[word]; bits; bits &= bits - 1) {
        uint32_t w = 64 * word + (uint32_t)__builtin_ctzll(bits), d = start + w;
        double sum = acc[w];
        acc[w] = 0.0;
        s->candidates++;
        if (kz_deleted(s->deleted, d) || (f->n_not && excluded(f, d))) continue;
        if (!s->scoring) {
          kz_sink_match(s, d);
          continue;
        }
        s->matches++;
        if (s->tally) kz_tally_add(s->tally, d);
        if (sum > kz_sink_floor(s)) kz_sink_push(s, sum, d);
      }
  }
  free(acc);
}
