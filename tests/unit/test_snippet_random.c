/*
 * test_snippet_random.c - snippets of random texts: windows and phrase
 * highlights against a brute-force search, and random bytes whose output
 * must always be well-formed (run under ASan by the sanitizer build).
 */
#include "kz_test_snippet.h"

/* ------------------------------------------------------------------------ */
/* Random texts                                                             */
/* ------------------------------------------------------------------------ */

/* Term number of the token in span text, or -1 (the oracle reads the output). */
static int span_term(kz_analyzer *a, const terms *t, const char *p, size_t n) {
  kz_token tok;
  kz_analyzer_reset(a, p, n);
  if (kz_analyzer_next(a, &tok) != 1 || tok.start != 0 || tok.end != n) return -1;
  for (size_t i = 0; i < t->n; i++)
    if (strcmp(t->v[i], tok.term) == 0) return (int)i;
  return -1;
}

/*
 * Words separated by white space and punctuation: the snippet's highlights
 * must be exactly the brute-force best window's matches (most distinct terms,
 * then most matches).
 */
static void test_snippet__random_windows_match_brute_force(void) {
  static const char *words[] = {"alpha",  "beta",   "Gammas", "deltas", "running", "runs",
                                "filler", "text",   "some",   "other",  "words",   "here",
                                "ещё",    "слово",  "東",     "京",     "naïve",   "Peace"};
  static const char *seps[] = {" ", "  ", "\n", ", ", ". ", " - ", "\t", " \xFF ", " \0 "};
  static const size_t sep_len[] = {1, 2, 1, 2, 2, 3, 1, 3, 3};
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  kz_test_rng rng = kz_test_rng_make(KZ_TEST_XORSHIFT64, 0x9E3779B97F4A7C15ull);
  char *text = malloc(8192);
  kz_snippet s = KZ_SNIPPET_INIT;
  typedef struct {
    size_t start, end;
    int term;
  } match;
  match *m = malloc(2048 * sizeof *m);
  for (int iter = 0; iter < 400; iter++) {
    size_t len = 0;
    int n_words = (int)(kz_test_rand(&rng) % 300);
    for (int i = 0; i < n_words; i++) {
      const char *w = words[kz_test_rand(&rng) % 18];
      memcpy(text + len, w, strlen(w));
      len += strlen(w);
      size_t k = kz_test_rand(&rng) % 9;
      memcpy(text + len, seps[k], sep_len[k]);
      len += sep_len[k];
    }
    char query[256] = "";
    int n_q = 1 + (int)(kz_test_rand(&rng) % 4);
    for (int i = 0; i < n_q; i++) {
      strcat(query, words[kz_test_rand(&rng) % 18]);
      strcat(query, " ");
    }
    terms t;
    CHECK_EQ_INT(terms_of(&t, a, query), 0);
    size_t max = 1 + kz_test_rand(&rng) % 400;
    CHECK_EQ_INT(snip(&s, &t, a, text, len, max), KZ_OK);
    CHECK(well_formed(&s));

    /* Brute force over every match as the window start. */
    size_t n = 0, best_d = 0, best_c = 0;
    kz_token tok;
    kz_analyzer_reset(a, text, len);
    while (kz_analyzer_next(a, &tok) == 1) {
      for (size_t i = 0; i < t.n; i++) {
        if (strcmp(t.v[i], tok.term) == 0) {
          m[n].start = tok.start;
          m[n].end = tok.end;
          m[n++].term = (int)i;
        }
      }
    }
    for (size_t i = 0; i < n; i++) {
      size_t seen = 0, c = 0;
      for (size_t j = i; j < n && m[j].end - m[i].start <= max; j++, c++) seen |= 1u << m[j].term;
      size_t d = (size_t)__builtin_popcount((unsigned)seen);
      if (d > best_d || (d == best_d && c > best_c)) best_d = d, best_c = c;
    }
    size_t seen = 0;
    for (size_t k = 0; k < s.n_spans; k++) {
      int term = span_term(a, &t, (const char *)s.text.data + s.spans[k].start,
                           s.spans[k].end - s.spans[k].start);
      CHECK(term >= 0);
      seen |= 1u << term;
    }
    CHECK_EQ_INT(s.n_spans, best_c);
    CHECK_EQ_INT(__builtin_popcount((unsigned)seen), best_d);
    terms_free(&t);
  }
  free(m);
  free(text);
  kz_snippet_free(&s);
  kz_analyzer_free(a);
}

/*
 * Random texts and a query of a random phrase and a random term: the
 * highlighted runs must be exactly the brute-force ones (every token run
 * whose terms are the phrase's at consecutive positions, every token of the
 * term, overlapping ones merged).
 */
static void test_snippet__random_phrases_match_brute_force(void) {
  static const char *words[] = {"oil", "crude", "Oils", "price", "the", "of", "OPEC's", "опек"};
  static const char *seps[] = {" ", ", ", ". ", "\n", " \xFF ", " - "};
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  kz_test_rng rng = kz_test_rng_make(KZ_TEST_XORSHIFT64, 0x2545F4914F6CDD1Dull);
  char text[4096], query[256], want[4096];
  typedef struct {
    char term[32];
    uint32_t pos;
    size_t start, end;
  } token;
  token *tk = malloc(1024 * sizeof *tk);
  size_t phrase_found = 0, overlaps = 0;
  for (int iter = 0; iter < 300; iter++) {
    size_t len = 0;
    int n_words = (int)(kz_test_rand(&rng) % 120);
    for (int i = 0; i < n_words; i++) {
      const char *w = words[kz_test_rand(&rng) % 8], *sep = seps[kz_test_rand(&rng) % 6];
      len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", w, sep);
    }
    size_t n_phrase = 2 + kz_test_rand(&rng) % 2;
    const char *phrase[3], *term = words[kz_test_rand(&rng) % 8];
    size_t q = (size_t)snprintf(query, sizeof query, "\"");
    for (size_t i = 0; i < n_phrase; i++) {
      phrase[i] = words[kz_test_rand(&rng) % 8];
      q += (size_t)snprintf(query + q, sizeof query - q, "%s%s", i ? " " : "", phrase[i]);
    }
    snprintf(query + q, sizeof query - q, "\" %s", term);
    terms t;
    CHECK_EQ_INT(terms_of(&t, a, query), 0);
    CHECK_EQ_INT(analyze(&t, a, NULL, text, len), KZ_OK);

    /* The oracle: tokens, then the analyzed phrase and term. */
    size_t n = 0;
    kz_token tok;
    kz_analyzer_reset(a, text, len);
    while (kz_analyzer_next(a, &tok) == 1 && n < 1024) {
      snprintf(tk[n].term, sizeof tk[n].term, "%s", tok.term);
      tk[n].pos = tok.position;
      tk[n].start = tok.start;
      tk[n++].end = tok.end;
    }
    char pt[3][32], tt[32];
    for (size_t i = 0; i < n_phrase; i++) {
      kz_analyzer_reset(a, phrase[i], strlen(phrase[i]));
      CHECK_EQ_INT(kz_analyzer_next(a, &tok), 1);
      snprintf(pt[i], sizeof pt[i], "%s", tok.term);
    }
    kz_analyzer_reset(a, term, strlen(term));
    CHECK_EQ_INT(kz_analyzer_next(a, &tok), 1);
    snprintf(tt, sizeof tt, "%s", tok.term);
    /* Marked bytes, then their maximal runs of overlapping occurrences. */
    size_t run_start = SIZE_MAX, run_end = 0;
    want[0] = 0;
    for (size_t i = 0; i < n; i++) {
      size_t end = 0;
      if (strcmp(tk[i].term, tt) == 0) end = tk[i].end;
      size_t k = 0;
      while (k < n_phrase && i + k < n && tk[i + k].pos == tk[i].pos + k &&
             strcmp(tk[i + k].term, pt[k]) == 0)
        k++;
      if (k == n_phrase && tk[i + k - 1].end > end) end = tk[i + k - 1].end;
      if (end == 0) continue;
      phrase_found += k == n_phrase;
      overlaps += run_start != SIZE_MAX && tk[i].start < run_end;
      if (run_start != SIZE_MAX && tk[i].start >= run_end) {
        join_piece(want, sizeof want, text, run_start, run_end);
        run_start = SIZE_MAX;
      }
      if (run_start == SIZE_MAX) run_start = tk[i].start, run_end = 0;
      if (end > run_end) run_end = end;
    }
    if (run_start != SIZE_MAX) join_piece(want, sizeof want, text, run_start, run_end);
    CHECK_EQ_STR(runs_of(&t, KZ_HL_BODY, text), want);
    terms_free(&t);
  }
  CHECK(phrase_found > 100 && overlaps > 10); /* the cases of interest did occur (237, 37) */
  free(tk);
  kz_analyzer_free(a);
}

/* Arbitrary bytes, biased towards UTF-8 edge cases: only well-formedness. */
static void test_snippet__random_bytes_stay_well_formed(void) {
  static const char *pieces[] = {"a",    "peace", "keepers", " ",    "\n",   "\0",  "\xFF",
                                 "\xC3", "\xA9",  "\xE2\x82", "\xF0", "\x80", "é",   "東",
                                 "ж",    "😀",    ".",       "'",    "\t\r", "\xC2\xA0"};
  static const size_t lens[] = {1, 5, 7, 1, 1, 1, 1, 1, 1, 2, 1, 1, 2, 3, 2, 4, 1, 1, 2, 2};
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "a peace keepers"), 0);
  kz_test_rng rng = kz_test_rng_make(KZ_TEST_XORSHIFT64, 12345);
  kz_snippet s = KZ_SNIPPET_INIT;
  for (int iter = 0; iter < 3000; iter++) {
    size_t len = 0, n = kz_test_rand(&rng) % 200;
    char *text = malloc(n * 7 + 1); /* exact size so ASan sees any overread */
    for (size_t i = 0; i < n; i++) {
      size_t k = kz_test_rand(&rng) % 20;
      memcpy(text + len, pieces[k], lens[k]);
      len += lens[k];
    }
    char *exact = malloc(len ? len : 1);
    memcpy(exact, text, len);
    free(text);
    size_t max = kz_test_rand(&rng) % 64;
    CHECK_EQ_INT(snip(&s, &t, a, exact, len, max), KZ_OK);
    CHECK(well_formed(&s));
    if (max == 0) CHECK_EQ_INT(s.text.len, 0);
    free(exact);
  }
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

KZ_TEST_MAIN(KZ_TEST(test_snippet__random_windows_match_brute_force),
             KZ_TEST(test_snippet__random_phrases_match_brute_force),
             KZ_TEST(test_snippet__random_bytes_stay_well_formed))
