/*
 * kz_test_corpus.h - generated data for the tests and the benchmarks: one
 * seeded random-number generator with the draws they make from it (below n,
 * in a range, a unit double, a chance), and the made-up words and texts the
 * integration tests index.
 *
 * The generator offers three classic algorithms behind one type because
 * each test's seeds were chosen, and its figures recorded, with one of
 * them: keeping the algorithm keeps every generated corpus, query and list
 * exactly as it was. New code should take KZ_TEST_SPLITMIX64, which is
 * good for every seed, 0 included; the xorshift kinds need a non-zero one.
 *
 * Header-only (static inline), so that each test and benchmark stays one
 * file; it owns no state: a kz_test_rng is the caller's.
 */
#ifndef KZ_TEST_CORPUS_H
#define KZ_TEST_CORPUS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum kz_test_rng_kind {
  KZ_TEST_SPLITMIX64 = 0,  /* Steele, Lea and Flood's splitmix64 */
  KZ_TEST_XORSHIFT64,      /* Marsaglia's xorshift64, shifts 13, 7, 17 */
  KZ_TEST_XORSHIFT64_STAR, /* Vigna's xorshift64*, shifts 12, 25, 27 and a multiply */
} kz_test_rng_kind;

typedef struct kz_test_rng {
  uint64_t s; /* the state; the seed at first */
  kz_test_rng_kind kind;
} kz_test_rng;

/* A generator of the given kind started at seed (non-zero for the xorshift kinds). */
static inline kz_test_rng kz_test_rng_make(kz_test_rng_kind kind, uint64_t seed) {
  kz_test_rng r = {seed, kind};
  return r;
}

/* The next 64 random bits. */
static inline uint64_t kz_test_rand(kz_test_rng *r) {
  switch (r->kind) {
    case KZ_TEST_XORSHIFT64:
      r->s ^= r->s << 13;
      r->s ^= r->s >> 7;
      r->s ^= r->s << 17;
      return r->s;
    case KZ_TEST_XORSHIFT64_STAR:
      r->s ^= r->s >> 12;
      r->s ^= r->s << 25;
      r->s ^= r->s >> 27;
      return r->s * 0x2545f4914f6cdd1dull;
    case KZ_TEST_SPLITMIX64:
    default: {
      uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      return z ^ (z >> 31);
    }
  }
}

/* The high 32 bits of the next draw (the better half for the xorshift kinds). */
static inline uint32_t kz_test_rand_u32(kz_test_rng *r) {
  return (uint32_t)(kz_test_rand(r) >> 32);
}

/* In [0, n); 0 when n is 0, so that an empty range needs no test at the caller. */
static inline uint64_t kz_test_rand_below(kz_test_rng *r, uint64_t n) {
  return n ? kz_test_rand(r) % n : 0;
}

/* In [lo, hi], lo <= hi. */
static inline uint64_t kz_test_rand_range(kz_test_rng *r, uint64_t lo, uint64_t hi) {
  return lo + kz_test_rand_below(r, hi - lo + 1);
}

/* Uniform in [0, 1), from the top 53 bits. */
static inline double kz_test_rand_unit(kz_test_rng *r) {
  return (double)(kz_test_rand(r) >> 11) * 0x1p-53;
}

/* Uniform in (0, 1]: never 0, so that log() of it is finite. */
static inline double kz_test_rand_unit_nonzero(kz_test_rng *r) {
  return ((double)(kz_test_rand(r) >> 11) + 1.0) * 0x1p-53;
}

/* 1 with probability p, else 0. */
static inline int kz_test_rand_chance(kz_test_rng *r, double p) { return kz_test_rand_unit(r) < p; }

/*
 * Word number w as a made-up word: `initial`, w's base-26 digits as letters
 * (least significant first, at least two) and a final 'x', so "taax" for 0
 * and "tbax" for 1 with initial 't'. Letters only, so the analyzer keeps
 * every one whole; distinct numbers give distinct words, also after English
 * stemming (no suffix rule ends in 'x'); a different initial gives words no
 * other test's index shares.
 * @return the word's length, or 0 (buf emptied when size allows) when it
 *         does not fit in size bytes with its NUL.
 */
static inline size_t kz_test_word(char *buf, size_t size, char initial, unsigned w) {
  char letters[16];
  size_t n = 0;
  do {
    letters[n++] = (char)('a' + w % 26);
    w /= 26;
  } while (w || n < 2);
  if (size < n + 3) {
    if (size) buf[0] = '\0';
    return 0;
  }
  buf[0] = initial;
  memcpy(buf + 1, letters, n);
  buf[n + 1] = 'x';
  buf[n + 2] = '\0';
  return n + 2;
}

/*
 * Appends word number w (see kz_test_word) and a space to the text of *len
 * bytes in buf, NUL-terminated, and advances *len.
 * @return 1, or 0 with buf and *len unchanged when the word does not fit.
 */
static inline int kz_test_append_word(char *buf, size_t size, size_t *len, char initial,
                                      unsigned w) {
  if (*len >= size) return 0;
  size_t n = kz_test_word(buf + *len, size - *len, initial, w);
  if (n == 0 || *len + n + 2 > size) {
    buf[*len] = '\0';
    return 0;
  }
  buf[*len + n] = ' ';
  buf[*len + n + 1] = '\0';
  *len += n + 1;
  return 1;
}

/*
 * Appends n words drawn uniformly from words[0 .. n_words), n_words >= 1,
 * each after a space, to the NUL-terminated text of *len bytes in buf, and
 * advances *len.
 * @return 1, or 0 when a word did not fit (the text then ends before it).
 */
static inline int kz_test_append_words(kz_test_rng *r, char *buf, size_t size, size_t *len,
                                       const char *const *words, size_t n_words, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const char *w = words[kz_test_rand_below(r, n_words)];
    size_t w_len = strlen(w);
    if (*len + 1 + w_len + 1 > size) return 0;
    buf[*len] = ' ';
    memcpy(buf + *len + 1, w, w_len + 1);
    *len += 1 + w_len;
  }
  return 1;
}

/*
 * A text of 1 to max_words words (max_words >= 1), each numbered uniformly
 * below vocab, as kz_test_append_word writes them, into buf.
 * @return its length; the words that did not fit are left out.
 */
static inline size_t kz_test_text(kz_test_rng *r, char *buf, size_t size, char initial,
                                  unsigned max_words, unsigned vocab) {
  size_t len = 0;
  if (size) buf[0] = '\0';
  uint64_t n = 1 + kz_test_rand_below(r, max_words);
  for (uint64_t i = 0; i < n; i++)
    kz_test_append_word(buf, size, &len, initial, (unsigned)kz_test_rand_below(r, vocab));
  return len;
}

#endif /* KZ_TEST_CORPUS_H */
