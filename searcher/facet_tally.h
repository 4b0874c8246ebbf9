/*
 * facet_tally.h - date facets counted in the same pass as the top k. The
 * sink (collect.h) hands every match to kz_tally_add, which counts it in a
 * dense array of days from the index's earliest date (the date columns'
 * per-block minimum and maximum give the earliest and the latest): a load,
 * a subtraction, a division by a constant and an increment per match, with
 * no call and no hashing, so a search with facets costs little more than
 * one without. The days fold into days, months or years once, at the end
 * (kz_tally_buckets). Owns its array of days.
 */
#ifndef KZ_FACET_TALLY_H
#define KZ_FACET_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "common/date.h"
#include "format/values.h"
#include "kzsearch.h" /* KZ_ERR_CORRUPT */

typedef struct kz_facet_bucket {
  int64_t key; /* the bucket's first second (for dates) */
  uint64_t count;
} kz_facet_bucket;

typedef struct kz_tally {
  const int64_t *const *seg; /* the date of every document, per segment (NULL: none dated) */
  size_t n_segs;
  const int64_t *seg_values; /* the current segment's */
  int64_t origin;            /* the first second of the earliest day */
  uint64_t n_days;           /* days from origin to the latest date, both counted */
  uint64_t *days;            /* matches per day from origin */
  uint64_t lo, hi;           /* the days that hold a match lie in [lo, hi]; lo > hi: none */
  uint64_t missing;          /* matches without a date */
  /* KZ_ERR_CORRUPT: a match's date lies outside its column's block ranges */
  int error;
} kz_tally;

/*
 * Sets t up for dates per segment seg[0..n_segs) (an entry may be NULL) that
 * lie in [min, max] (min > max: no date at all). Only dates of the supported
 * calendar can be counted (common/date.h): a range reaching beyond it is cut.
 * @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_tally_init(kz_tally *t, const int64_t *const *seg, size_t n_segs, int64_t min, int64_t max);
void kz_tally_free(kz_tally *t);

/* Segment `seg` comes next. */
static inline void kz_tally_segment(kz_tally *t, size_t seg) {
  t->seg_values = seg < t->n_segs ? t->seg[seg] : NULL;
}

/* Counts a match: document `doc` of the current segment. */
static inline void kz_tally_add(kz_tally *t, uint32_t doc) {
  int64_t v = t->seg_values ? t->seg_values[doc] : KZ_VALUE_NONE;
  /* unsigned: a value below origin (KZ_VALUE_NONE among them) wraps past n_days */
  uint64_t day = ((uint64_t)v - (uint64_t)t->origin) / 86400u;
  if (day < t->n_days) {
    t->days[day]++;
    t->lo = day < t->lo ? day : t->lo;
    t->hi = day > t->hi ? day : t->hi;
  } else if (v == KZ_VALUE_NONE) {
    t->missing++;
  } else {
    t->error = KZ_ERR_CORRUPT;
  }
}

/*
 * The buckets of `unit` that hold a match, by increasing key, with their
 * counts. @return KZ_OK or KZ_ERR_NOMEM; *out is the caller's (free()).
 */
int kz_tally_buckets(const kz_tally *t, kz_date_unit unit, kz_facet_bucket **out, size_t *n);

#endif /* KZ_FACET_TALLY_H */
