/*
 * flat_and.c - a conjunction, with or without optional terms, ranked:
 * the rarest required term leads and the others are advanced to its
 * documents. With pruning (block-max AND), ranges whose blocks' bounds
 * cannot beat the threshold are skipped block by block, and optional terms
 * are scored only when their blocks can still matter.
 */
#include "searcher/flat_internal.h"

#include <math.h>

#include "format/deletes.h"

void kz_flat_and(kz_flat *f) {
  kz_sink *s = f->sink;
  kz_fterm *lead = f->must[0];
  uint32_t d = lead->cur.doc, checked_until = 0;
  while (d != KZ_DOC_END) {
    if (s->prune && s->threshold > -INFINITY && d >= checked_until) {
      double ub = 0;
      uint32_t upto = KZ_DOC_END;
      for (size_t i = 0; i < f->n_must + f->n_should; i++) {
        kz_fterm *t = i < f->n_must ? f->must[i] : f->should[i - f->n_must];
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
    if (!s->scoring) {
      if (!kz_deleted(s->deleted, d) && !(f->n_not && excluded(f, d))) kz_sink_match(s, d);
    } else if (!kz_deleted(s->deleted, d) && !(f->n_not && excluded(f, d))) {
      double required = 0;
      for (size_t k = 0; k < f->n_must; k++) required += score_of(f, f->must[k]);
      double total = required;
      int competitive = 1;
      if (f->n_should) {
        if (s->prune) {
          double ub = required;
          for (size_t k = 0; k < f->n_should; k++) ub += block_bound(f, f->should[k], d);
          competitive = !kz_maxscore_cannot_win(ub, s->threshold);
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
