/* maxscore.c - the order of a disjunction's clauses for MaxScore (see maxscore.h). */
#include "searcher/maxscore.h"

void kz_maxscore_order(kz_maxscore *m, const double *bound, size_t n) {
  m->n = n;
  for (size_t i = 0; i < n; i++) { /* insertion sort, stable: n is the number of clauses, small */
    size_t j = i;
    for (; j > 0 && bound[m->order[j - 1]] > bound[i]; j--) m->order[j] = m->order[j - 1];
    m->order[j] = i;
  }
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    sum += bound[m->order[i]];
    m->prefix[i] = sum * KZ_BOUND_SLACK;
  }
}
