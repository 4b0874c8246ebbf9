/*
 * flat_seed.c - the threshold of a pruned disjunction raised before its
 * first candidate, from the k best documents of its strongest term scored
 * on the whole query (see kz_flat_seed_threshold).
 */
#include "searcher/flat_internal.h"

#include <math.h>
#include <stdlib.h>

#include "format/deletes.h"
#include "kzsearch.h"
#include "searcher/topk.h"

/* Below this many postings of the weak terms, seeding costs more than it saves. */
#define SEED_MIN_POSTINGS 16384u

/* The k best documents of one term alone (by its score, then by number), into `best`. */
static int term_top(kz_flat *f, const kz_fterm *t, kz_topk *best) {
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
int kz_flat_seed_threshold(kz_flat *f) {
  kz_sink *s = f->sink;
  size_t n = f->n_should, k = s->topk->cap;
  const kz_fterm *strong = f->order[n - 1];
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
    for (size_t j = 0; j < n && !rc; j++) { /* in query order, as kz_flat_score_candidate adds */
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
