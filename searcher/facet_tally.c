/*
 * facet_tally.c - the dense tally of date facets (see facet_tally.h): its
 * array of days, and the folding of days into buckets.
 */
#include "searcher/facet_tally.h"

#include <stdlib.h>

#define DAY 86400

/* Floor division: days before 1970 round down too. */
static int64_t day_of(int64_t t) { return t >= 0 ? t / DAY : -((-(t + 1)) / DAY) - 1; }

int kz_tally_init(kz_tally *t, const int64_t *const *seg, size_t n_segs, int64_t min, int64_t max) {
  *t = (kz_tally){.seg = seg, .n_segs = n_segs, .lo = UINT64_MAX};
  if (min < KZ_DATE_MIN) min = KZ_DATE_MIN;
  if (max > KZ_DATE_MAX) max = KZ_DATE_MAX;
  if (min > max) return KZ_OK; /* no dates: every match is missing one */
  int64_t first = day_of(min);
  t->origin = first * DAY;
  t->n_days = (uint64_t)(day_of(max) - first) + 1; /* at most the calendar's 3.7 million days */
  t->days = calloc(t->n_days, sizeof *t->days);
  return t->days ? KZ_OK : KZ_ERR_NOMEM;
}

void kz_tally_free(kz_tally *t) {
  free(t->days);
  t->days = NULL;
  t->n_days = 0;
}

/* The first second of the bucket after the one starting at `start`. */
static int64_t next_bucket(int64_t start, kz_date_unit unit) {
  /* a month has at most 31 days and a year 366: the day after lies in the next bucket */
  int64_t ahead = unit == KZ_DATE_DAY ? 0 : unit == KZ_DATE_MONTH ? 31 : 366;
  return kz_date_bucket(start + (ahead + 1) * DAY, unit);
}

int kz_tally_buckets(const kz_tally *t, kz_date_unit unit, kz_facet_bucket **out, size_t *n) {
  size_t cap = t->lo <= t->hi ? (size_t)(t->hi - t->lo + 1) : 1;
  kz_facet_bucket *b = malloc(cap * sizeof *b);
  if (!b) return KZ_ERR_NOMEM;
  size_t k = 0;
  int64_t next = INT64_MIN; /* where the current bucket ends */
  for (uint64_t d = t->lo; t->lo <= t->hi && d <= t->hi; d++) {
    if (!t->days[d]) continue;
    int64_t second = t->origin + (int64_t)d * DAY;
    if (second >= next) {
      int64_t key = kz_date_bucket(second, unit);
      b[k++] = (kz_facet_bucket){key, 0};
      next = next_bucket(key, unit);
    }
    b[k - 1].count += t->days[d];
  }
  *out = b;
  *n = k;
  return KZ_OK;
}
