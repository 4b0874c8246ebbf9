/*
 * phrase_cover.c - the pairs of common words of a phrase: their lookup in
 * each segment and the cover of the phrase a segment's evaluation reads
 * (see phrase_cover.h).
 */
#include "searcher/phrase_cover.h"

#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "format/format.h"
#include "kzsearch.h"
#include "searcher/plan.h"

void kz_phrase_pairs_free(kz_phrase_pairs *pp) {
  if (!pp) return;
  free(pp->info);
  free(pp->indexed);
  free(pp);
}

/* Whether a segment indexes the pair of terms a and b (field byte + word each). */
static int segment_indexes(const kz_segment *seg, const kz_pterm *a, const kz_pterm *b) {
  return seg->pairs.n && kz_pair_words_has(&seg->pairs, a->key + 1, a->key_len - 1) &&
         kz_pair_words_has(&seg->pairs, b->key + 1, b->key_len - 1);
}

int kz_phrase_pairs_lookup(kz_plan *p, const kz_segment *segs, size_t n_segs) {
  kz_phrase_pairs_free(p->pairs);
  p->pairs = NULL;
  if (p->kind != KZ_P_PHRASE || p->slop || p->near || p->field != KZ_FIELD_TEXT || n_segs == 0)
    return KZ_OK;
  int any = 0;
  for (size_t s = 0; s < n_segs && !any; s++) any = segs[s].pairs.n > 0;
  if (!any) return KZ_OK;
  size_t n = p->n_terms - 1;
  kz_phrase_pairs *pp = calloc(1, sizeof *pp);
  if (!pp || !(pp->info = calloc(n * n_segs, sizeof *pp->info)) ||
      !(pp->indexed = calloc(n * n_segs, 1))) {
    kz_phrase_pairs_free(pp);
    return KZ_ERR_NOMEM;
  }
  pp->n = n;
  pp->n_segs = n_segs;
  char key[2 * KZ_PAIR_WORD_MAX_BYTES + 2];
  int found_any = 0;
  for (size_t i = 0; i < n; i++) {
    const kz_pterm *a = &p->terms[i], *b = &p->terms[i + 1];
    /* a pair stands for two adjacent positions; words no list holds are longer than its words */
    if (b->offset != a->offset + 1 || a->key_len - 1 > KZ_PAIR_WORD_MAX_BYTES ||
        b->key_len - 1 > KZ_PAIR_WORD_MAX_BYTES)
      continue;
    size_t len = 0;
    key[len++] = (char)KZ_FIELD_PAIRS;
    memcpy(key + len, a->key + 1, a->key_len - 1);
    len += a->key_len - 1;
    key[len++] = ' ';
    memcpy(key + len, b->key + 1, b->key_len - 1);
    len += b->key_len - 1;
    for (size_t s = 0; s < n_segs; s++) {
      if (!segment_indexes(&segs[s], a, b)) continue;
      int found = kz_segment_lookup(&segs[s], key, len, &pp->info[s * n + i]);
      if (found < 0) {
        kz_phrase_pairs_free(pp);
        return found;
      }
      if (!found) memset(&pp->info[s * n + i], 0, sizeof pp->info[s * n + i]);
      pp->indexed[s * n + i] = 1;
      found_any = 1;
    }
  }
  if (!found_any) {
    kz_phrase_pairs_free(pp);
    return KZ_OK;
  }
  p->pairs = pp;
  return KZ_OK;
}

_Static_assert(KZ_MAX_PHRASE_TERMS <= 64, "kz_phrase_cover marks covered terms in 64 bits");

void kz_phrase_cover(const kz_plan *p, size_t seg, kz_cover_item *items, size_t *n_items) {
  size_t n = 0, n_terms = p->n_terms;
  const kz_phrase_pairs *pp = p->pairs;
  const uint8_t *indexed = pp ? pp->indexed + seg * pp->n : NULL;
  uint64_t covered = 0; /* bit j: term j is covered (KZ_MAX_PHRASE_TERMS <= 64) */
  for (size_t i = 0; indexed && i + 1 < n_terms; i++) {
    if (!indexed[i]) continue;
    /* term i covered already, and the next pair covers term i + 1: this one adds nothing */
    if ((covered >> i & 1) && i + 2 < n_terms && indexed[i + 1]) continue;
    items[n].info = &pp->info[seg * pp->n + i];
    items[n++].offset = p->terms[i].offset;
    covered |= (uint64_t)3 << i;
  }
  for (size_t j = 0; j < n_terms; j++)
    if (!(covered >> j & 1)) {
      items[n].info = &p->terms[j].seg[seg];
      items[n++].offset = p->terms[j].offset;
    }
  *n_items = n;
}
