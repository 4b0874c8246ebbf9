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

/*
 * The hash of a 5-shingle from its terms' hashes, oldest first: each term
 * is mixed in after a rotation and a multiplication (so order counts), and
 * the result goes through the finalizer of MurmurHash3 to spread it.
 */
static uint64_t confirm_hash(const uint64_t *ring, uint64_t first, size_t n) {
  uint64_t x = 0;
  for (size_t i = 0; i < n; i++) {
    x = (x << 23 | x >> 41) ^ ring[(first + i) % KZ_CONFIRM_SHINGLE];
    x *= 0x9e3779b97f4a7c15ull;
  }
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  return x ^ (x >> 33) ^ n;
}

int kz_shingles_add(kz_shingles *s, const char *term, size_t len) {
  /* s->window is a ring here: term t sits at t % KZ_CONFIRM_SHINGLE */
  s->window[s->terms % KZ_CONFIRM_SHINGLE] = kz_checksum(term, len);
  s->terms++;
  return s->terms >= KZ_CONFIRM_SHINGLE
             ? push(s, confirm_hash(s->window, s->terms - KZ_CONFIRM_SHINGLE, KZ_CONFIRM_SHINGLE))
             : KZ_OK;
}

/* LSD radix sort of v[0..n) by bytes with scratch tmp[0..n); a pass whose byte is one value is skipped. */
static void radix_sort(uint64_t *v, uint64_t *tmp, size_t n) {
  uint64_t *const out = v;
  size_t count[8][256];
  memset(count, 0, sizeof count);
  for (size_t i = 0; i < n; i++)
    for (int b = 0; b < 8; b++) count[b][(v[i] >> (8 * b)) & 0xff]++;
  for (int b = 0; b < 8; b++) {
    if (count[b][(v[0] >> (8 * b)) & 0xff] == n) continue;
    size_t at = 0;
    for (int d = 0; d < 256; d++) {
      size_t c = count[b][d];
      count[b][d] = at;
      at += c;
    }
    for (size_t i = 0; i < n; i++) tmp[count[b][(v[i] >> (8 * b)) & 0xff]++] = v[i];
    uint64_t *t = v;
    v = tmp;
    tmp = t;
  }
  if (v != out) memcpy(out, v, n * sizeof *v);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

int kz_shingles_finish(kz_shingles *s) {
  if (s->terms > 0 && s->terms < KZ_CONFIRM_SHINGLE) {
    int rc = push(s, confirm_hash(s->window, 0, (size_t)s->terms));
    if (rc) return rc;
  }
  if (s->n < 2) return KZ_OK;
  if (s->n < 64) {
    qsort(s->hashes, s->n, sizeof *s->hashes, cmp_u64);
  } else {
    uint64_t *tmp = malloc(s->n * sizeof *tmp);
    if (!tmp) return KZ_ERR_NOMEM;
    radix_sort(s->hashes, tmp, s->n);
    free(tmp);
  }
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

int kz_shingles_confirm(const kz_shingles *a, const kz_shingles *b, const kz_near_dup_rule *rule) {
  size_t small = a->n < b->n ? a->n : b->n, large = a->n < b->n ? b->n : a->n;
  if (!large) return 0;
  /* Jaccard is at most small/large: with containment not counted either, nothing to intersect */
  double ratio = (double)small / (double)large;
  if (ratio < KZ_NEAR_DUP_MIN_SIMILARITY && ratio < rule->min_ratio) return 0;
  double j, c;
  kz_shingles_compare(a, b, &j, &c);
  return j >= KZ_NEAR_DUP_MIN_SIMILARITY ||
         (ratio >= rule->min_ratio && c >= rule->min_containment);
}

/*
 * Analyses text into the fingerprint `sh` (stemmed terms, as the index has
 * them; it stops once the lead is complete) or into the set `set` (terms
 * folded only: the set is never stored, and the stemmer was most of the
 * cost of confirming a pair). *terms gets the number of terms seen.
 */
static int analyse(kz_analyzer *an, const char *text, size_t len, kz_simhash *sh, kz_shingles *set,
                   uint64_t *terms) {
  kz_token tok;
  int rc;
  kz_analyzer_reset(an, text, len);
  while ((rc = sh ? kz_analyzer_next(an, &tok) : kz_analyzer_next_unstemmed(an, &tok)) == 1) {
    ++*terms;
    if (sh) {
      kz_simhash_add(sh, tok.term, tok.term_len);
      if (kz_simhash_full(sh)) return KZ_OK;
    } else if ((rc = kz_shingles_add(set, tok.term, tok.term_len))) {
      return rc;
    }
  }
  return rc;
}

/* The body's terms, or the title's when the body has none, into sh or set (analyse). */
static int analyse_document(kz_analyzer *an, const char *title, size_t title_len, const char *body,
                            size_t body_len, kz_simhash *sh, kz_shingles *set) {
  uint64_t terms = 0;
  int rc = body_len ? analyse(an, body, body_len, sh, set, &terms) : KZ_OK;
  if (!rc && terms == 0 && title_len) rc = analyse(an, title, title_len, sh, set, &terms);
  return rc;
}

int kz_near_dup_text(kz_analyzer *an, const char *title, size_t title_len, const char *body,
                     size_t body_len, uint64_t *simhash, kz_shingles *shingles) {
  int rc = KZ_OK;
  if (simhash) {
    kz_simhash sh;
    kz_simhash_begin(&sh);
    rc = analyse_document(an, title, title_len, body, body_len, &sh, NULL);
    if (!rc) *simhash = kz_simhash_end(&sh);
  }
  if (!rc && shingles) {
    kz_shingles_reset(shingles);
    rc = analyse_document(an, title, title_len, body, body_len, NULL, shingles);
    if (!rc) rc = kz_shingles_finish(shingles);
  }
  return rc;
}
