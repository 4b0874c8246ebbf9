/*
 * iter_expand.h - the iterator of a prefix or fuzzy leaf (searcher/expand.h):
 * the union of its expansions' postings in one segment, yielding each
 * document once with the sum of their frequencies there (see iter_expand.c).
 */
#ifndef KZ_ITER_EXPAND_H
#define KZ_ITER_EXPAND_H

#include "searcher/iter.h"

/* Builds the iterator of the KZ_P_EXPAND plan p on ctx->seg. @return KZ_OK or KZ_ERR_NOMEM. */
int kz_iter_expand(kz_iter **out, const kz_plan *p, kz_eval_ctx *ctx);

#endif /* KZ_ITER_EXPAND_H */
