/*
 * rank_recency.h - the recency option's decay of a score with the
 * document's age, as Elasticsearch's function_score decay functions with
 * decay 0.5 and no offset (README, "Ranking options"):
 *
 *   exp:    factor = exp(ln 0.5 * age / scale)
 *   gauss:  factor = exp(ln 0.5 * (age / scale)^2)
 *
 * age = now - date in seconds, 0 for a date after now; a document without
 * a date is taken to be `scale` old (factor 0.5). The factor is at most 1,
 * so a decayed score never exceeds the plain one.
 */
#ifndef KZ_RANK_RECENCY_H
#define KZ_RANK_RECENCY_H

#include <stdint.h>

#include "common/error.h"
#include "kzsearch.h"

struct kz_index;

typedef struct kz_recency {
  double scale_seconds;
  int gauss; /* KZ_DECAY_GAUSS */
  int64_t now;
} kz_recency;

/*
 * Sets r up from o (recency_days, recency_decay, now): `now` is the end of
 * o->now's period, or without it the newest date in the index (the block
 * maxima of its date columns), or 0 when no document has a date.
 * @return KZ_OK or KZ_ERR_INVALID (a bad or open-ended now; err says why).
 */
int kz_recency_init(kz_recency *r, const struct kz_index *idx, const kz_search_options *o,
                    kz_error *err);

/* The factor for a document dated `date` (UTC seconds, or KZ_VALUE_NONE). */
double kz_recency_factor(const kz_recency *r, int64_t date);

#endif /* KZ_RANK_RECENCY_H */
