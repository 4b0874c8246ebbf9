/*
 * collapse.c - near-duplicates among ranked hits folded into the best
 * ranked of each group (see collapse.h). Owns nothing beyond one call but
 * the kz_collapsed it fills.
 */
#include "searcher/collapse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kzsearch.h"

/* Scratch of one collapse: per hit its fingerprint, its shingles once read, its group. */
typedef struct window {
  uint64_t *fp;
  kz_shingles *sets;
  uint8_t *read; /* sets[i] is filled */
  size_t *rep;   /* index of the kept hit that hit i joined; i itself when kept */
} window;

static int shingles_of(window *w, kz_nd_reader *r, const kz_scored *ranked, size_t i,
                       const kz_shingles **out) {
  if (!w->read[i]) {
    int rc = kz_nd_shingles(r, ranked[i].doc, &w->sets[i]);
    if (rc) return rc;
    w->read[i] = 1;
  }
  *out = &w->sets[i];
  return KZ_OK;
}

/* Whether hits i and j are near-duplicates: close fingerprints, confirmed by the text. */
static int near_dup(window *w, kz_nd_reader *r, const kz_scored *ranked, size_t i, size_t j,
                    int *yes) {
  *yes = 0;
  if (kz_simhash_distance(w->fp[i], w->fp[j]) > KZ_NEAR_DUP_BITS) return KZ_OK;
  const kz_shingles *a, *b;
  int rc = shingles_of(w, r, ranked, i, &a);
  if (!rc) rc = shingles_of(w, r, ranked, j, &b);
  kz_near_dup_rule rule = KZ_NEAR_DUP_RULE_DEFAULT;
  if (!rc) *yes = kz_shingles_confirm(a, b, &rule);
  return rc;
}

/*
 * Groups the window: w->rep[i] for every hit, *n_kept kept. Once `want`
 * are kept, later hits only join them (their similar lists) or drop out:
 * a hit kept past the page would show nowhere.
 */
static int group(window *w, kz_nd_reader *r, const kz_scored *ranked, size_t n, size_t want,
                 size_t *kept, size_t *n_kept) {
  *n_kept = 0;
  for (size_t i = 0; i < n; i++) {
    int rc = kz_nd_fingerprint(r, ranked[i].doc, &w->fp[i]);
    if (rc) return rc;
    w->rep[i] = i;
    for (size_t k = 0; k < *n_kept; k++) {
      int yes;
      if ((rc = near_dup(w, r, ranked, i, kept[k], &yes))) return rc;
      if (yes) {
        w->rep[i] = kept[k];
        break;
      }
    }
    if (w->rep[i] == i && *n_kept < want) kept[(*n_kept)++] = i;
    else if (w->rep[i] == i) w->rep[i] = SIZE_MAX; /* past the page: dropped */
  }
  return KZ_OK;
}

/* Fills out from the grouping: kept hits in rank order, each one's similar documents in rank order. */
static int fill(kz_collapsed *out, const window *w, const kz_scored *ranked, size_t n,
                const size_t *kept, size_t n_kept) {
  size_t m = n_kept ? n_kept : 1;
  out->kept = malloc(m * sizeof *out->kept);
  out->first = calloc(m, sizeof *out->first);
  out->count = calloc(m, sizeof *out->count);
  out->similar = malloc((n ? n : 1) * sizeof *out->similar);
  size_t *slot = malloc((n ? n : 1) * sizeof *slot); /* hit index -> its kept position */
  int rc = out->kept && out->first && out->count && out->similar && slot ? KZ_OK : KZ_ERR_NOMEM;
  for (size_t k = 0; !rc && k < n_kept; k++) {
    out->kept[k] = ranked[kept[k]];
    slot[kept[k]] = k;
  }
  for (size_t i = 0; !rc && i < n; i++)
    if (w->rep[i] != i && w->rep[i] != SIZE_MAX) out->count[slot[w->rep[i]]]++;
  for (size_t k = 1; !rc && k < n_kept; k++) out->first[k] = out->first[k - 1] + out->count[k - 1];
  size_t *at = rc ? NULL : calloc(m, sizeof *at);
  if (!rc && !at) rc = KZ_ERR_NOMEM;
  for (size_t i = 0; !rc && i < n; i++) {
    if (w->rep[i] == i || w->rep[i] == SIZE_MAX) continue;
    size_t k = slot[w->rep[i]];
    out->similar[out->first[k] + at[k]++] = ranked[i].doc;
  }
  free(at);
  free(slot);
  out->n_kept = rc ? 0 : n_kept;
  return rc;
}

int kz_collapse(kz_collapsed *out, kz_nd_reader *r, const kz_scored *ranked, size_t n,
                size_t want) {
  memset(out, 0, sizeof *out);
  size_t m = n ? n : 1;
  window w = {malloc(m * sizeof *w.fp), calloc(m, sizeof *w.sets), calloc(m, 1),
              malloc(m * sizeof *w.rep)};
  size_t *kept = malloc(m * sizeof *kept), n_kept = 0;
  int rc = w.fp && w.sets && w.read && w.rep && kept ? KZ_OK : KZ_ERR_NOMEM;
  if (!rc) rc = group(&w, r, ranked, n, want, kept, &n_kept);
  if (!rc) rc = fill(out, &w, ranked, n, kept, n_kept);
  for (size_t i = 0; w.sets && i < n; i++) kz_shingles_free(&w.sets[i]);
  free(w.fp);
  free(w.sets);
  free(w.read);
  free(w.rep);
  free(kept);
  if (rc) kz_collapsed_free(out);
  return rc;
}

void kz_collapsed_free(kz_collapsed *c) {
  free(c->kept);
  free(c->similar);
  free(c->first);
  free(c->count);
  memset(c, 0, sizeof *c);
}
