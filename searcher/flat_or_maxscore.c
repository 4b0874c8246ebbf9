/*
 * flat_or_maxscore.c - a pruned disjunction a document at a time:
 * block-max MaxScore (maxscore.h). Candidates come from the essential
 * terms, merged by their cursors; where the current blocks of all terms
 * together cannot beat the threshold, every essential cursor jumps past
 * them; a candidate probes the other terms (kz_flat_score_candidate). Used
 * where the windows of flat_or_maxscore_windows.c do not serve: more than
 * KZ_FLAT_WINDOW_TERMS terms, exclusions, or a test asking for it.
 */
#include "searcher/flat_internal.h"

#include <math.h>

#include "format/deletes.h"
#include "kzsearch.h"

void kz_flat_or_maxscore(kz_flat *f) {
  kz_sink *s = f->sink;
  size_t n = f->n_should, essential = 0;
  if (s->prune && kz_flat_seed_threshold(f) == KZ_ERR_NOMEM) f->error = KZ_ERR_NOMEM;
  double seen = -INFINITY;
  uint32_t checked_until = 0; /* documents below passed the block check */
  for (;;) {
    if (s->prune && s->threshold != seen) {
      seen = s->threshold;
      essential = kz_maxscore_essential(&f->ms, 0, 0.0, seen);
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
    } else if (!s->scoring) {
      kz_sink_match(s, d);
    } else if (kz_flat_score_candidate(f, essential, d, 0.0, &total)) {
      kz_sink_offer(s, total, d);
    }
    for (size_t i = essential; i < n; i++)
      if (f->order[i]->cur.doc == d) kz_postings_next(&f->order[i]->cur);
  }
}
