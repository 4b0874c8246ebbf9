/*
 * flat_and_or.c - required plus optional terms under pruning: the required
 * terms' conjunction supplies the candidates while it alone can beat the
 * threshold; then MaxScore's essential optional terms do (maxscore.h). The
 * same choice is also made block by block: where the required terms'
 * blocks alone cannot beat it, the optional terms supply the candidates.
 */
#include "searcher/flat_internal.h"

#include <math.h>

#include "format/deletes.h"


/*
 * Required plus optional terms under pruning. While the required terms
 * alone could beat the threshold, their conjunction supplies the
 * candidates. Once it cannot, a hit must also hold an optional term, and
 * not just any: as in MaxScore, the optional terms whose bounds, added to
 * the required ones', still cannot beat it only confirm candidates; the
 * others supply them, and the required terms are then checked on each.
 */
void kz_flat_and_or(kz_flat *f) {
  kz_sink *s = f->sink;
  size_t n = f->n_should, essential = 0;
  double required_bound = 0, seen = NAN;
  for (size_t i = 0; i < f->n_must; i++) required_bound += f->must[i]->bound;
  required_bound *= KZ_BOUND_SLACK;
  kz_fterm *lead = f->must[0];
  int by_optional = 0;
  uint32_t done = 0;           /* documents below were considered */
  uint32_t checked_until = 0;  /* documents below passed the block check */
  uint32_t optional_until = 0; /* documents below need an optional term to win */
  for (;;) {
    if (s->threshold != seen) {
      seen = s->threshold;
      if (!by_optional && required_bound <= seen) by_optional = 1;
      essential = kz_maxscore_essential(&f->ms, essential, required_bound, seen);
      if (by_optional && essential == n) return;
    }
    uint32_t d = KZ_DOC_END;
    if (by_optional) {
      for (size_t i = essential; i < n; i++)
        if (advance(f->order[i], done) < d) d = f->order[i]->cur.doc;
    } else if (done < optional_until) {
      /*
       * The required terms' blocks cannot win here on their own, so a hit
       * holds an optional term: a frequent required term with rare optional
       * ones is then skipped over, not walked a document at a time.
       */
      for (size_t i = 0; i < n; i++)
        if (advance(f->should[i], done) < d) d = f->should[i]->cur.doc;
      if (d >= optional_until) {
        done = optional_until;
        continue;
      }
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
      double required_ub = ub;
      int optional_here = 0;
      for (size_t i = 0; i < n; i++) {
        kz_fterm *t = f->should[i];
        if (advance(t, d) > upto) continue;
        optional_here = 1;
        ub += block_bound(f, t, d);
        if (t->bm_last < upto) upto = t->bm_last;
      }
      checked_until = after(upto);
      if (ub <= seen) { /* nothing before checked_until can win */
        done = checked_until;
        continue;
      }
      if (required_ub <= seen) { /* only with an optional term */
        optional_until = checked_until;
        done = d;
        continue;
      }
      if (!optional_here && f->n_must == 1) {
        /*
         * No optional term up to the end of the lead's block: its documents
         * score as the lead's alone, so the block is scored as one term's,
         * in one loop (flat_term.c), not a candidate at a time.
         */
        kz_flat_term_block(f, lead);
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
      if (kz_flat_score_candidate(f, by_optional ? essential : n, d, required, &total))
        kz_sink_offer(s, total, d);
    }
    done = after(d);
  }
}
