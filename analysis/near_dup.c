/*
 * near_dup.c - simhash fingerprints and 5-shingle sets of analysed text
 * (see near_dup.h). Pure computation: no I/O, no global state.
 */
#include "analysis/near_dup.h"

#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "common/checksum.h"
#include "kzsearch.h"

/* XXH64 of the little-endian term hashes window[0..n), oldest first. */
static uint64_t shingle_hash(const uint64_t *window, size_t n) {
  uint8_t bytes[8 * KZ_CONFIRM_SHINGLE];
  for (size_t i = 0; i < n; i++) kz_store_u64le(bytes + 8 * i, window[i]);
  return kz_checksum(bytes, 8 * n);
}

/* Shifts a term hash into a window of `size` (oldest first). */
static void slide(uint64_t *window, size_t size, uint64_t terms, uint64_t h) {
  if (terms < size) {
    window[terms] = h;
    return;
  }
  memmove(window, window + 1, (size - 1) * sizeof *window);
  window[size - 1] = h;
}

void kz_simhash_begin(kz_simhash *s) { memset(s, 0, sizeof *s); }

_Static_assert(KZ_SIMHASH_LEAD_SHINGLES < (1 << KZ_SIMHASH_PLANES),
               "the vote counters must hold every shingle of the lead");

/* Adds h's bits to the 64 bit-sliced counters (a ripple-carry adder). */
static void vote(kz_simhash *s, uint64_t h) {
  uint64_t carry = h;
  for (int k = 0; k < KZ_SIMHASH_PLANES && carry; k++) {
    uint64_t next = s->ones[k] & carry;
    s->ones[k] ^= carry;
    carry = next;
  }
  s->shingles++;
}

/*
 * The bits set in a majority of the shingles: count > shingles / 2, that
 * is count >= shingles / 2 + 1, compared plane by plane from the top, for
 * all 64 counters at once (Charikar's sign of the +1/-1 vote sum).
 */
static uint64_t majority(const kz_simhash *s) {
  uint64_t t = s->shingles / 2 + 1, greater = 0, equal = ~0ull;
  for (int k = KZ_SIMHASH_PLANES - 1; k >= 0; k--) {
    if ((t >> k) & 1) {
      equal &= s->ones[k];
    } else {
      greater |= equal & s->ones[k];
      equal &= ~s->ones[k];
    }
  }
  return greater | equal;
}

void kz_simhash_add(kz_simhash *s, const char *term, size_t len) {
  /* the lead only: the terms of its first KZ_SIMHASH_LEAD_SHINGLES shingles */
  if (kz_simhash_full(s)) return;
  slide(s->window, KZ_SIMHASH_SHINGLE, s->terms, kz_checksum(term, len));
  s->terms++;
  if (s->terms >= KZ_SIMHASH_SHINGLE) vote(s, shingle_hash(s->window, KZ_SIMHASH_SHINGLE));
}

uint64_t kz_simhash_end(const kz_simhash *s) {
  if (s->terms == 0) return 0;
  kz_simhash last = *s;
  if (s->terms < KZ_SIMHASH_SHINGLE) vote(&last, shingle_hash(s->window, (size_t)s->terms));
  return majority(&last);
}

void kz_shingles_reset(kz_shingles *s) {
  s->n = 0;
  s->terms = 0;
}

static int push(kz_shingles *s, uint64_t h) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 256;
    uint64_t *p = realloc(s->hashes, cap * sizeof *p);
    if (!p) return KZ_ERR_NOMEM;
    s->hashes = p;
    s->cap = cap;
  }
  s->hashes[s->n++] = h;
  return KZ_OK;
}

int kz_shingles_add(kz_shingles *s, const char *term, size_t len) {
  slide(s->window, KZ_CONFIRM_SHINGLE, s->terms, kz_checksum(term, len));
  s->terms++;
  return s->terms >= KZ_CONFIRM_SHINGLE ? push(s, shingle_hash(s->window, KZ_CONFIRM_SHINGLE))
                                        : KZ_OK;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

int kz_shingles_finish(kz_shingles *s) {
  if (s->terms > 0 && s->terms < KZ_CONFIRM_SHINGLE) {
    int rc = push(s, shingle_hash(s->window, (size_t)s->terms));
    if (rc) return rc;
  }
  if (s->n < 2) return KZ_OK;
  qsort(s->hashes, s->n, sizeof *s->hashes, cmp_u64);
  size_t w = 1;
  for (size_t r = 1; r < s->n; r++)
    if (s->hashes[r] != s->hashes[w - 1]) s->hashes[w++] = s->hashes[r];
  s->n = w;
  return KZ_OK;
}

void kz_shingles_free(kz_shingles *s) {
  free(s->hashes);
  s->hashes = NULL;
  s->n = s->cap = 0;
}

void kz_shingles_compare(const kz_shingles *a, const kz_shingles *b, double *jaccard,
                         double *containment) {
  size_t i = 0, j = 0, common = 0;
  while (i < a->n && j < b->n) {
    if (a->hashes[i] < b->hashes[j]) i++;
    else if (a->hashes[i] > b->hashes[j]) j++;
    else common++, i++, j++;
  }
  size_t all = a->n + b->n - common, least = a->n < b->n ? a->n : b->n;
  *jaccard = all ? (double)common / (double)all : 0.0;
  *containment = least ? (double)common / (double)least : 0.0;
}

int kz_shingles_confirm(const kz_shingles *a, const kz_shingles *b, int jaccard_only) {
  double j, c;
  kz_shingles_compare(a, b, &j, &c);
  return j >= KZ_NEAR_DUP_MIN_SIMILARITY || (!jaccard_only && c >= KZ_NEAR_DUP_MIN_SIMILARITY);
}

/* Analyses text into the fingerprint and the set; @return the number of terms or an error. */
static int analyse(kz_analyzer *an, const char *text, size_t len, kz_simhash *sh, kz_shingles *set,
                   uint64_t *terms) {
  kz_token tok;
  int rc;
  *terms = 0;
  kz_analyzer_reset(an, text, len);
  while ((rc = kz_analyzer_next(an, &tok)) == 1) {
    kz_simhash_add(sh, tok.term, tok.term_len);
    if (set && (rc = kz_shingles_add(set, tok.term, tok.term_len))) return rc;
    ++*terms;
  }
  return rc;
}

int kz_near_dup_text(kz_analyzer *an, const char *title, size_t title_len, const char *body,
                     size_t body_len, uint64_t *simhash, kz_shingles *shingles) {
  kz_simhash sh;
  uint64_t terms = 0;
  kz_simhash_begin(&sh);
  if (shingles) kz_shingles_reset(shingles);
  int rc = body_len ? analyse(an, body, body_len, &sh, shingles, &terms) : KZ_OK;
  if (!rc && terms == 0 && title_len) rc = analyse(an, title, title_len, &sh, shingles, &terms);
  if (!rc && shingles) rc = kz_shingles_finish(shingles);
  if (!rc && simhash) *simhash = kz_simhash_end(&sh);
  return rc;
}
