/*
 * rank_recency.c - the recency decay (see rank_recency.h): where "now" is,
 * and the factor of an age.
 */
#include "searcher/rank_recency.h"

#include <math.h>
#include <string.h>

#include "common/date.h"
#include "format/values.h"
#include "searcher/index.h"

/* The newest date of the index from its columns' block maxima, 0 when none has one. */
static int64_t newest_date(const kz_index *idx) {
  int64_t newest = KZ_VALUE_NONE;
  for (size_t s = 0; s < idx->n_segs; s++) {
    const kz_values *v = &idx->segs[s].dates;
    if (!v->values || !v->blocks) continue;
    for (uint32_t b = 0; b < v->n_blocks; b++) {
      int64_t lo, hi;
      kz_values_block_range(v, b, &lo, &hi);
      if (lo <= hi && hi > newest) newest = hi;
    }
  }
  return newest == KZ_VALUE_NONE ? 0 : newest;
}

int kz_recency_init(kz_recency *r, const kz_index *idx, const kz_search_options *o,
                    kz_error *err) {
  r->scale_seconds = o->recency_days * 86400.0;
  r->gauss = o->recency_decay == KZ_DECAY_GAUSS;
  if (!o->now) {
    r->now = newest_date(idx);
    return KZ_OK;
  }
  int64_t lo, hi;
  size_t pos = 0;
  char why[160] = "";
  if (kz_date_parse_query(&lo, &hi, o->now, strlen(o->now), &pos, why, sizeof why) != KZ_OK)
    return kz_error_set(err, KZ_ERR_INVALID, "now '%s': %s", o->now, why);
  if (hi == KZ_DATE_OPEN_HI)
    return kz_error_set(err, KZ_ERR_INVALID, "now '%s' must be a date, not an open range", o->now);
  r->now = hi;
  return KZ_OK;
}

double kz_recency_factor(const kz_recency *r, int64_t date) {
  double x = 1.0; /* age / scale: a document without a date is one scale old */
  if (date != KZ_VALUE_NONE) x = date >= r->now ? 0.0 : ((double)r->now - (double)date) / r->scale_seconds;
  return exp(log(0.5) * (r->gauss ? x * x : x));
}
