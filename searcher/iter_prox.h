/*
 * iter_prox.h - the iterator of a sloppy phrase or NEAR (a PHRASE plan
 * with slop > 0 or near set; rules in prox.h), for iter.c's tree.
 */
#ifndef KZ_ITER_PROX_H
#define KZ_ITER_PROX_H

#include "searcher/iter.h"
#include "searcher/prox.h"

/*
 * Builds it for ctx->seg; every term must be in the segment (the caller
 * builds an empty iterator otherwise). `threshold`: skip candidates that
 * cannot beat it (the root with pruning), or NULL.
 * @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_iter_prox(kz_iter **out, const kz_plan *p, kz_eval_ctx *ctx, const kz_bm25 *bm25,
                 const double *threshold);

/*
 * The sweep's setup for p in segment `seg` (shared with explain, so that it
 * counts what the iterator counts): terms[i] stands for plan term order[i]
 * (by increasing df there, stable: the sweep breaks ties by term index),
 * with its offset and group; *max_len and *base as kz_prox_match takes them.
 * order and terms hold p->n_terms each; the terms' positions are the
 * caller's to fill.
 */
void kz_prox_setup(const kz_plan *p, size_t seg, size_t *order, kz_prox_term *terms,
                   int64_t *max_len, uint32_t *base);

#endif /* KZ_ITER_PROX_H */
