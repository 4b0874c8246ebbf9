/*
 * collapse.h - collapsing near-duplicates among ranked hits (README.md,
 * "Syndicated copies"): the last stage of the collectors of a search
 * (searcher/collect.h), run on the ranked window they kept, before a page
 * is cut from it, so every page sees the same groups.
 *
 * Walking the hits best first, a hit joins the first kept hit it is a
 * near-duplicate of (fingerprints at most KZ_NEAR_DUP_BITS apart, and the
 * 5-shingle sets confirm it: analysis/near_dup.h); otherwise it is kept.
 * The text is read only for pairs whose fingerprints are close, so the
 * usual cost is one popcount per pair of the window.
 */
#ifndef KZ_COLLAPSE_H
#define KZ_COLLAPSE_H

#include <stddef.h>
#include <stdint.h>

#include "searcher/near_dup_docs.h"
#include "searcher/topk.h"

typedef struct kz_collapsed {
  kz_scored *kept;  /* the hits kept, best first */
  size_t n_kept;
  uint64_t *similar; /* documents folded into kept hit i: similar[first[i] .. first[i] + count[i]) */
  size_t *first, *count;
} kz_collapsed;

/*
 * Collapses ranked[0..n) (best first) into *out (zeroed first, owned by
 * the caller: kz_collapsed_free), keeping at most `want` hits: the hits
 * after them join them or are left out.
 * @return KZ_OK, KZ_ERR_NOMEM, KZ_ERR_CORRUPT (a stored text did not decode).
 */
int kz_collapse(kz_collapsed *out, kz_nd_reader *r, const kz_scored *ranked, size_t n,
                size_t want);
void kz_collapsed_free(kz_collapsed *c);

#endif /* KZ_COLLAPSE_H */
