/*
 * iter_prox.h - the iterator of a sloppy phrase or NEAR (a PHRASE plan
 * with slop > 0 or near set; rules in prox.h), for iter.c's tree.
 */
#ifndef KZ_ITER_PROX_H
#define KZ_ITER_PROX_H

#include "searcher/iter.h"

/*
 * Builds it for ctx->seg; every term must be in the segment (the caller
 * builds an empty iterator otherwise). `threshold`: skip candidates that
 * cannot beat it (the root with pruning), or NULL.
 * @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_iter_prox(kz_iter **out, const kz_plan *p, kz_eval_ctx *ctx, const kz_bm25 *bm25,
                 const double *threshold);

#endif /* KZ_ITER_PROX_H */
