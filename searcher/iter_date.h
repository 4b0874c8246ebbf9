/*
 * iter_date.h - the iterator of a date clause: the documents of a segment
 * whose date lies in a range (see iter_date.c).
 */
#ifndef KZ_ITER_DATE_H
#define KZ_ITER_DATE_H

#include "searcher/iter.h"

/* Builds the iterator of the KZ_P_DATE plan p on ctx->seg. @return KZ_OK or KZ_ERR_NOMEM. */
int kz_iter_date(kz_iter **out, const kz_plan *p, const kz_eval_ctx *ctx);

#endif /* KZ_ITER_DATE_H */
