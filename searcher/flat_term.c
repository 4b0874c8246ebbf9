/*
 * flat_term.c - a query of one term, a block at a time: with pruning, a
 * block whose bound cannot beat the threshold is passed over in the skip
 * table without being decoded; otherwise every document of the block is
 * scored in one tight loop (kz_bm25_scores) and only the few scores that
 * can enter the collector are offered.
 */
#include "searcher/flat_internal.h"

#include <math.h>

#include "format/deletes.h"
#include "format/postblock.h"


void kz_flat_term(kz_flat *f, kz_fterm *t) {
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
    kz_flat_term_block(f, t);
  }
}

/*
 * The rest of t's decoded block, from its current document on: scored in
 * one loop (or counted), the few scores that can enter offered; moves t to
 * its next block. Used by kz_flat_and_or too, where a required term's
 * block holds no optional term.
 */
void kz_flat_term_block(kz_flat *f, kz_fterm *t) {
  kz_sink *s = f->sink;
  kz_postings *c = &t->cur;
  const kz_bm25 *p = f->p;
  uint32_t from = c->i, n = c->n - from;
  s->candidates += n;
  if (!s->scoring && (s->collector || s->tally)) { /* counting, every match handed on */
    for (uint32_t i = from; i < c->n; i++)
      if (!kz_deleted(s->deleted, c->docs[i]) && !(f->n_not && excluded(f, c->docs[i])))
        kz_sink_match(s, c->docs[i]);
  } else if (!s->scoring) { /* counting only */
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
    uint32_t pick[KZ_BLOCK_DOCS];
    size_t k = kz_scores_above(score, n, kz_sink_floor(s), pick);
    /* Exclusions are checked once per document, in order (their cursors only move on). */
    int all_live = !s->deleted && !f->n_not;
    unsigned char live[KZ_BLOCK_DOCS];
    if (all_live) {
      s->matches += n;
      if (s->tally)
        for (uint32_t i = 0; i < n; i++) kz_tally_add(s->tally, c->docs[from + i]);
    } else {
      for (uint32_t i = 0; i < n; i++) {
        uint32_t d = c->docs[from + i];
        live[i] = !kz_deleted(s->deleted, d) && !(f->n_not && excluded(f, d));
        s->matches += live[i];
        if (live[i] && s->tally) kz_tally_add(s->tally, d);
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
