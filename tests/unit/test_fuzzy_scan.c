/*
 * test_fuzzy_scan.c - the prefix-sharing fuzzy scan (searcher/fuzzy_scan.h)
 * against brute force: random sorted dictionaries (short words over a small
 * alphabet so that many share prefixes and lie within reach, some with
 * multi-byte letters, a field byte in front), random targets, one and two at
 * a time (the second often a prefix of the first, as a stem is of its word),
 * 0 to 2 edits; every key the scan visits, and only those, must be
 * within the distance by an independent edit-distance table,
 * with the same distance (the reference: kz_test_osa.h). Also: the scan reads far fewer keys than the
 * dictionary holds (it skips dead prefixes), and the query-word suffixes
 * (searcher/query_suffix.h) with their error positions.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kz_test_osa.h"
#include "kzsearch.h"
#include "searcher/fuzzy_scan.h"
#include "searcher/query_suffix.h"

#define N_KEYS 3000
#define KEY_MAX 24

typedef struct dict {
  char keys[N_KEYS][KEY_MAX];
  size_t len[N_KEYS];
  size_t n, at;
} dict;

static int key_cmp(const void *a, const void *b) {
  const char *x = a, *y = b;
  size_t xn = (size_t)(unsigned char)x[KEY_MAX - 1], yn = (size_t)(unsigned char)y[KEY_MAX - 1];
  int c = memcmp(x, y, xn < yn ? xn : yn);
  return c ? c : (xn > yn) - (xn < yn);
}

static int dict_seek(void *ctx, const char *key, size_t len) {
  dict *d = ctx;
  d->at = 0;
  while (d->at < d->n) { /* linear is fine for a test: the first key >= key */
    size_t n = d->len[d->at] < len ? d->len[d->at] : len;
    int c = memcmp(d->keys[d->at], key, n);
    if (c > 0 || (c == 0 && d->len[d->at] >= len)) break;
    d->at++;
  }
  return KZ_OK;
}

static int dict_next(void *ctx, const char **key, size_t *len) {
  dict *d = ctx;
  if (d->at >= d->n) return 0;
  *key = d->keys[d->at];
  *len = d->len[d->at];
  d->at++;
  return 1;
}

/* Letters: ASCII a-e and two 2-byte ones, so distances count code points, not bytes. */
static const char *const LETTERS[] = {"a", "b", "c", "d", "e", "\xC3\xA9", "\xC5\x9F"};

static size_t random_word(kz_test_rng *r, char *out, size_t max) {
  size_t n = 0, letters = kz_test_rand_range(r, 1, 7);
  for (size_t i = 0; i < letters; i++) {
    const char *l = LETTERS[kz_test_rand_below(r, kz_test_rand_chance(r, 0.9) ? 5 : 7)];
    size_t ln = strlen(l);
    if (n + ln > max) break;
    memcpy(out + n, l, ln);
    n += ln;
  }
  return n;
}

static void make_dict(dict *d, kz_test_rng *r) {
  static char tmp[N_KEYS][KEY_MAX];
  size_t n = 0;
  for (size_t i = 0; i < N_KEYS; i++) {
    memset(tmp[n], 0, KEY_MAX);
    tmp[n][0] = (char)(i % 7 == 0 ? 2 : 1); /* a field byte; field 2 must never be visited */
    size_t len = 1 + random_word(r, tmp[n] + 1, KEY_MAX - 3);
    tmp[n][KEY_MAX - 1] = (char)len;
    n++;
  }
  qsort(tmp, n, KEY_MAX, key_cmp);
  d->n = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len = (size_t)(unsigned char)tmp[i][KEY_MAX - 1];
    if (d->n && d->len[d->n - 1] == len && !memcmp(d->keys[d->n - 1], tmp[i], len)) continue;
    memcpy(d->keys[d->n], tmp[i], len);
    d->len[d->n++] = len;
  }
}

typedef struct seen {
  const dict *d;
  unsigned char hit[N_KEYS];
  int dist[N_KEYS];
  int bad_order;
  size_t last;
} seen;

static int visit(void *ctx, const char *key, size_t len, int distance) {
  seen *s = ctx;
  for (size_t i = 0; i < s->d->n; i++)
    if (s->d->len[i] == len && !memcmp(s->d->keys[i], key, len)) {
      if (s->last != (size_t)-1 && i <= s->last) s->bad_order = 1;
      s->last = i;
      s->hit[i] = 1;
      s->dist[i] = distance;
      return KZ_OK;
    }
  s->bad_order = 1; /* a key the dictionary does not hold */
  return KZ_OK;
}

static void test_fuzzy_scan__matches_brute_force(void) {
  static dict d;
  static seen s;
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64_STAR, 0xF022F022ULL);
  make_dict(&d, &r);
  kz_dict_source src = {&d, dict_seek, dict_next};
  uint64_t read_total = 0, rounds = 0, visited = 0;
  for (int round = 0; round < 300; round++) {
    char t[2][KEY_MAX];
    size_t tl[2];
    tl[0] = random_word(&r, t[0], KEY_MAX - 2);
    tl[1] = random_word(&r, t[1], KEY_MAX - 2);
    size_t n_targets = kz_test_rand_chance(&r, 0.5) ? 1 : 2;
    if (n_targets == 2 && kz_test_rand_chance(&r, 0.5)) {
      /* A word and its stem: one target a prefix of the other (whole letters), which the scan
       * serves with one set of rows; either may come first. */
      size_t cut = kz_test_rand_below(&r, tl[0] + 1), w = kz_test_rand_below(&r, 2);
      while (cut < tl[0] && ((unsigned char)t[0][cut] & 0xC0) == 0x80) cut++;
      memcpy(t[1], t[0], cut);
      tl[1] = cut;
      if (w) {
        char tmp[KEY_MAX];
        memcpy(tmp, t[0], tl[0]);
        memcpy(t[0], t[1], tl[1]);
        memcpy(t[1], tmp, tl[0]);
        size_t l = tl[0];
        tl[0] = tl[1];
        tl[1] = l;
      }
    }
    int k = (int)kz_test_rand_below(&r, 3);
    const char *targets[2] = {t[0], t[1]};
    memset(&s, 0, sizeof s);
    s.d = &d;
    s.last = (size_t)-1;
    uint64_t read = 0;
    char lead = 1;
    CHECK_EQ_INT(kz_fuzzy_scan(&src, &lead, 1, targets, tl, n_targets, k, visit, &s, &read), KZ_OK);
    CHECK(!s.bad_order);
    for (size_t i = 0; i < d.n; i++) {
      int want = 99;
      if (d.keys[i][0] == 1)
        for (size_t j = 0; j < n_targets; j++) {
          int v = kz_test_osa(d.keys[i] + 1, d.len[i] - 1, t[j], tl[j]);
          if (v < want) want = v;
        }
      if ((want <= k) != s.hit[i])
        fprintf(stderr, "  key '%.*s' target '%.*s' k=%d: want %d, scan %s\n", (int)d.len[i] - 1,
                d.keys[i] + 1, (int)tl[0], t[0], k, want, s.hit[i] ? "hit" : "miss");
      CHECK_EQ_INT(want <= k, s.hit[i]);
      if (s.hit[i]) CHECK_EQ_INT(s.dist[i], want);
      visited += s.hit[i];
    }
    read_total += read;
    rounds++;
  }
  CHECK(visited > 0);
  /* Dead prefixes are skipped: on average far fewer keys are read than the dictionary holds. */
  CHECK(read_total / rounds < d.n / 2);
  printf("fuzzy scan: %zu keys, %llu keys read per scan on average, %llu matches in all\n", d.n,
         (unsigned long long)(read_total / rounds), (unsigned long long)visited);
}

static void test_fuzzy_scan__distance(void) {
  CHECK_EQ_INT(kz_fuzzy_distance("tokaev", 6, "tokayev", 7), 1);
  CHECK_EQ_INT(kz_fuzzy_distance("ab", 2, "ba", 2), 1); /* a transposition is one edit */
  CHECK_EQ_INT(kz_fuzzy_distance("ca", 2, "abc", 3), 3); /* OSA, not unrestricted Damerau */
  CHECK_EQ_INT(kz_fuzzy_distance("\xC3\xA9t\xC3\xA9", 5, "ete", 3), 2); /* code points */
  CHECK_EQ_INT(kz_fuzzy_distance("", 0, "abc", 3), 3);
}

/* kz_query_word_suffix(word) -> kind, text length and edits, or the error position. */
static void expect_suffix(const char *w, int want_rc, kz_qkind kind, size_t text_len, int edits,
                          size_t err_pos) {
  kz_qkind k;
  size_t tl;
  int e;
  kz_error err = {0};
  int rc = kz_query_word_suffix(w, strlen(w), 10, &k, &tl, &e, &err);
  if (rc != want_rc) fprintf(stderr, "  word '%s': rc %d, want %d (%s)\n", w, rc, want_rc, err.message);
  CHECK_EQ_INT(rc, want_rc);
  if (rc) {
    CHECK_EQ_INT(err.position, 10 + err_pos);
    return;
  }
  CHECK_EQ_INT(k, kind);
  CHECK_EQ_INT(tl, text_len);
  if (kind == KZ_Q_FUZZY) CHECK_EQ_INT(e, edits);
}

static void test_fuzzy_scan__word_suffixes(void) {
  expect_suffix("peace", KZ_OK, KZ_Q_WORD, 5, 0, 0);
  expect_suffix("peace*", KZ_OK, KZ_Q_PREFIX, 5, 0, 0);
  expect_suffix("tokaev~1", KZ_OK, KZ_Q_FUZZY, 6, 1, 0);
  expect_suffix("tokaev~", KZ_OK, KZ_Q_FUZZY, 6, -1, 0);
  expect_suffix("tokaev~0", KZ_OK, KZ_Q_FUZZY, 6, 0, 0);
  expect_suffix("\xC3\xA9t*", KZ_OK, KZ_Q_PREFIX, 3, 0, 0); /* 2 letters, 3 bytes */
  expect_suffix("a*", KZ_ERR_QUERY, KZ_Q_WORD, 0, 0, 0);
  expect_suffix("*ace", KZ_ERR_QUERY, KZ_Q_WORD, 0, 0, 0);
  expect_suffix("pe*ce", KZ_ERR_QUERY, KZ_Q_WORD, 0, 0, 2);
  expect_suffix("x~9", KZ_ERR_QUERY, KZ_Q_WORD, 0, 0, 1);
  expect_suffix("x~-1", KZ_ERR_QUERY, KZ_Q_WORD, 0, 0, 1);
  expect_suffix("x~12", KZ_ERR_QUERY, KZ_Q_WORD, 0, 0, 1);
  expect_suffix("a~b", KZ_ERR_QUERY, KZ_Q_WORD, 0, 0, 1);
  expect_suffix("~1", KZ_ERR_QUERY, KZ_Q_WORD, 0, 0, 0);
  expect_suffix("ab~1*", KZ_ERR_QUERY, KZ_Q_WORD, 0, 0, 2);
  CHECK_EQ_INT(kz_fuzzy_auto_edits(2), 0);
  CHECK_EQ_INT(kz_fuzzy_auto_edits(3), 1);
  CHECK_EQ_INT(kz_fuzzy_auto_edits(5), 1);
  CHECK_EQ_INT(kz_fuzzy_auto_edits(6), 2);
}

KZ_TEST_MAIN(KZ_TEST(test_fuzzy_scan__matches_brute_force), KZ_TEST(test_fuzzy_scan__distance),
             KZ_TEST(test_fuzzy_scan__word_suffixes))
