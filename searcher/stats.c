/* stats.c - BM25's collection statistics turned into avgdl and idf (see stats.h). */
#include "searcher/stats.h"

#include <math.h>

double kz_stats_avgdl(const kz_collection_stats *s) {
  double avgdl = s->n_docs ? (double)s->total_length / (double)s->n_docs : 1.0;
  return avgdl > 0 ? avgdl : 1.0;
}

double kz_stats_title_avgdl(const kz_collection_stats *s) {
  double avgdl = s->title_docs ? (double)s->title_length / (double)s->title_docs : 1.0;
  return avgdl > 0 ? avgdl : 1.0;
}

double kz_stats_idf(const kz_collection_stats *s, int title_field, uint64_t df) {
  double n = (double)(title_field ? s->title_docs : s->n_docs);
  return log(1.0 + (n - (double)df + 0.5) / ((double)df + 0.5));
}
