/*
 * test_snippet.c - snippets built with the real English analyzer: highlight
 * ranges, window choice, ellipses, whitespace collapsing, UTF-8 repair and
 * edge cases. What is highlighted (phrases, titles, excluded clauses) is in
 * test_snippet_highlight.c; random texts against brute force in
 * test_snippet_random.c; their shared helpers in tests/kz_test_snippet.h.
 */
#include "kz_test_snippet.h"

/* ------------------------------------------------------------------------ */
/* Behaviours                                                               */
/* ------------------------------------------------------------------------ */

static void test_snippet__highlights_match_byte_ranges(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "peacekeeper"), 0);
  CHECK_EQ_INT(t.n, 1);
  CHECK_EQ_STR(t.v[0], "peacekeep");
  const char *text = "The UN Peacekeepers arrived; peacekeeping works, say PEACEKEEPERS.";
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, strlen(text), 200), KZ_OK);
  CHECK(well_formed(&s));
  CHECK_EQ_STR((const char *)s.text.data, text);
  CHECK_EQ_INT(s.n_spans, 3);
  CHECK(span_is(&s, 0, "Peacekeepers"));
  CHECK(span_is(&s, 1, "peacekeeping"));
  CHECK(span_is(&s, 2, "PEACEKEEPERS"));
  CHECK_EQ_INT(s.spans[0].start, 7);
  kz_snippet_free(&s);
  kz_snippet_free(&s); /* safe twice */
  kz_snippet_free(NULL);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__window_picks_densest_region(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "alpha beta gamma"), 0);
  CHECK_EQ_INT(t.n, 3);
  char *text = malloc(16384);
  size_t len = 0;
  filler(text, &len, 40, 1);
  len += (size_t)sprintf(text + len, "alpha alpha alpha ");            /* many, one term */
  filler(text, &len, 60, 2);
  len += (size_t)sprintf(text + len, "first alpha beta ");              /* two terms */
  filler(text, &len, 60, 3);
  len += (size_t)sprintf(text + len, "Second Alpha, beta and gamma. "); /* densest */
  filler(text, &len, 60, 4);
  len += (size_t)sprintf(text + len, "third alpha beta gamma. ");       /* as dense, later */
  filler(text, &len, 60, 5);
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 120), KZ_OK);
  CHECK(well_formed(&s));
  CHECK(strstr((const char *)s.text.data, "Second Alpha, beta and gamma.") != NULL);
  CHECK(strstr((const char *)s.text.data, "third") == NULL);
  CHECK_EQ_INT(s.n_spans, 3);
  CHECK(span_is(&s, 0, "Alpha"));
  CHECK(span_is(&s, 1, "beta"));
  CHECK(span_is(&s, 2, "gamma"));
  /* Context before the first match, and the whole budget used. */
  CHECK(s.spans[0].start > 3 + 10);
  CHECK(s.text.len > 100 && s.text.len <= 120 + 6);
  CHECK(starts_with(&s, ELL) && ends_with(&s, ELL));

  /* More occurrences win among windows with as many distinct terms. */
  len = 0;
  filler(text, &len, 40, 1);
  len += (size_t)sprintf(text + len, "alpha beta ");
  filler(text, &len, 40, 2);
  len += (size_t)sprintf(text + len, "beta ALPHA beta ");
  filler(text, &len, 40, 3);
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 60), KZ_OK);
  CHECK(well_formed(&s));
  CHECK_EQ_INT(s.n_spans, 3);
  CHECK(span_is(&s, 1, "ALPHA"));
  kz_snippet_free(&s);
  free(text);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__ellipses_mark_cut_ends(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "target"), 0);
  char text[4096];
  size_t len;
  kz_snippet s = KZ_SNIPPET_INIT;

  /* Whole text fits: no mark, even with surrounding white space. */
  strcpy(text, "  \n a short target text \n ");
  CHECK_EQ_INT(snip(&s, &t, a, text, strlen(text), 100), KZ_OK);
  CHECK_EQ_STR((const char *)s.text.data, "a short target text");

  /* Match in the middle: both marks. */
  len = 0;
  filler(text, &len, 50, 0);
  len += (size_t)sprintf(text + len, "the target ");
  filler(text, &len, 50, 0);
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 80), KZ_OK);
  CHECK(well_formed(&s));
  CHECK(starts_with(&s, ELL) && ends_with(&s, ELL));
  CHECK_EQ_INT(s.n_spans, 1);
  CHECK(span_is(&s, 0, "target"));

  /* Match at the start: only the end is cut. */
  len = (size_t)sprintf(text, "Target first. ");
  filler(text, &len, 50, 0);
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 80), KZ_OK);
  CHECK(well_formed(&s));
  CHECK(!starts_with(&s, ELL) && ends_with(&s, ELL));
  CHECK(starts_with(&s, "Target first."));
  CHECK(span_is(&s, 0, "Target"));
  CHECK_EQ_INT(s.spans[0].start, 0);

  /* Match at the end: only the start is cut, and the room is used. */
  len = 0;
  filler(text, &len, 50, 0);
  len += (size_t)sprintf(text + len, "the last word is target.\n");
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 80), KZ_OK);
  CHECK(well_formed(&s));
  CHECK(starts_with(&s, ELL) && !ends_with(&s, ELL));
  CHECK(ends_with(&s, "the last word is target."));
  CHECK(s.text.len > 60);
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__whitespace_collapsed(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "world keepers"), 0);
  const char *text = "\n\t Hello \n\n\t world\xC2\xA0\xE3\x80\x80 peace \r\n keepers  \n";
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, strlen(text), 100), KZ_OK);
  CHECK(well_formed(&s));
  CHECK_EQ_STR((const char *)s.text.data, "Hello world peace keepers");
  CHECK_EQ_INT(s.n_spans, 2);
  CHECK(span_is(&s, 0, "world"));
  CHECK(span_is(&s, 1, "keepers"));
  CHECK_EQ_INT(s.spans[0].start, 6);
  CHECK_EQ_INT(s.spans[1].start, 18);
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__invalid_utf8_replaced_and_nul_dropped(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "peace bytes"), 0);
  static const char text[] =
      "bad \xFF\xFE bytes \xC3 and peace \x80 here \xED\xA0\x80 surrogate \xC0\xAF over"
      "long \xF4\x90\x80\x80 big a\0b c \0 peace \xE2\x82";
  size_t len = sizeof text - 1;
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 500), KZ_OK);
  CHECK(well_formed(&s));
  CHECK(strstr((const char *)s.text.data, "bad " FFFD FFFD " bytes " FFFD " and peace " FFFD) ==
        (const char *)s.text.data);
  CHECK(strstr((const char *)s.text.data, " ab c peace " FFFD FFFD) != NULL);
  CHECK(ends_with(&s, "peace " FFFD FFFD));
  CHECK_EQ_INT(s.n_spans, 3);
  CHECK(span_is(&s, 0, "bytes"));
  CHECK(span_is(&s, 1, "peace"));
  CHECK(span_is(&s, 2, "peace"));

  /* Every cut of the same text stays well-formed. */
  for (size_t max = 1; max <= len + 2; max++) {
    CHECK_EQ_INT(snip(&s, &t, a, text, len, max), KZ_OK);
    CHECK(well_formed(&s));
  }
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__no_match_gives_text_start(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "zebra"), 0);
  char text[2048];
  size_t len = 0;
  filler(text, &len, 100, 0);
  kz_snippet s = KZ_SNIPPET_INIT;
  for (size_t max = 20; max < 90; max += 7) {
    CHECK_EQ_INT(snip(&s, &t, a, text, len, max), KZ_OK);
    CHECK(well_formed(&s));
    CHECK_EQ_INT(s.n_spans, 0);
    CHECK(!starts_with(&s, ELL) && ends_with(&s, ELL));
    size_t body = s.text.len - 3;
    CHECK(body <= max && body + 12 >= max); /* near max_bytes */
    CHECK(memcmp(s.text.data, text, body) == 0);
    CHECK(text[body] == ' '); /* cut at a word end */
  }
  /* A match longer than max_bytes cannot be shown: as if none matched. */
  terms t2;
  CHECK_EQ_INT(terms_of(&t2, a, "consectetur"), 0);
  CHECK_EQ_INT(snip(&s, &t2, a, text, len, 8), KZ_OK);
  terms_free(&t2);
  CHECK(well_formed(&s) && s.n_spans == 0);
  CHECK_EQ_STR((const char *)s.text.data, "lorem" ELL);
  /* A text of no word at all is cut on a character boundary. */
  const char *punct = "\xE2\x80\x94\xE2\x80\x94\xE2\x80\x94\xE2\x80\x94";
  CHECK_EQ_INT(snip(&s, &t, a, punct, strlen(punct), 7), KZ_OK);
  CHECK(well_formed(&s));
  CHECK_EQ_STR((const char *)s.text.data, "\xE2\x80\x94\xE2\x80\x94" ELL);
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__empty_text_and_zero_max(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "word"), 0);
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, "", 0, 100), KZ_OK);
  CHECK_EQ_STR((const char *)s.text.data, "");
  CHECK_EQ_INT(s.text.len, 0);
  CHECK_EQ_INT(s.n_spans, 0);
  CHECK_EQ_INT(snip(&s, &t, a, NULL, 0, 100), KZ_OK);
  CHECK_EQ_STR((const char *)s.text.data, "");
  const char *text = "a word here";
  CHECK_EQ_INT(snip(&s, &t, a, text, strlen(text), 0), KZ_OK);
  CHECK_EQ_STR((const char *)s.text.data, "");
  CHECK_EQ_INT(s.n_spans, 0);
  CHECK_EQ_INT(snip(&s, &t, a, " \n\t ", 4, 100), KZ_OK);
  CHECK_EQ_STR((const char *)s.text.data, "");
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

/* Checks every max_bytes on `text`: well-formed, and the body is a piece of it. */
static int cuts_ok(kz_analyzer *a, const char *text, const char *query, size_t want_spans) {
  terms t;
  if (terms_of(&t, a, query) != 0) return 0;
  size_t len = strlen(text);
  char *whole = collapse(text, len);
  kz_snippet s = KZ_SNIPPET_INIT;
  int ok = 1;
  for (size_t max = 1; ok && max <= len + 4; max++) {
    ok = snip(&s, &t, a, text, len, max) == KZ_OK && well_formed(&s);
    const char *b;
    size_t n;
    body_of(&s, &b, &n);
    ok = ok && n <= max && contains(whole, b, n);
    if (max > len) ok = ok && strcmp((const char *)s.text.data, whole) == 0 &&
                        s.n_spans == want_spans;
    if (!ok) fprintf(stderr, "max %zu: \"%s\"\n", max, (const char *)s.text.data);
  }
  kz_snippet_free(&s);
  free(whole);
  terms_free(&t);
  return ok;
}

static void test_snippet__multibyte_never_cut_mid_character(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  CHECK(cuts_ok(a,
                "Миротворцы ООН прибыли в город. Жители встретили миротворцев ООН "
                "цветами, а ООН заявила о мире.",
                "ООН", 3));
  CHECK(cuts_ok(a, "東京都は日本の首都です。首都の人口は多い。大阪は首都ではない。", "首", 3));
  CHECK(cuts_ok(a, "naïve café 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 emoji 😀 and more café", "café emoji", 3));

  /* Highlights on Cyrillic words carry the original bytes. */
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "ООН"), 0);
  const char *text = "Заявление ООН.";
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, strlen(text), 100), KZ_OK);
  CHECK_EQ_INT(s.n_spans, 1);
  CHECK(span_is(&s, 0, "ООН"));
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__reuses_buffers(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "lorem amet"), 0);
  char text[8192];
  size_t len = 0;
  filler(text, &len, 600, 0);
  kz_snippet s = KZ_SNIPPET_INIT, fresh = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 5000), KZ_OK);
  CHECK(well_formed(&s));
  const char *small = "amet, lorem";
  CHECK_EQ_INT(snip(&s, &t, a, small, strlen(small), 200), KZ_OK);
  CHECK_EQ_INT(snip(&fresh, &t, a, small, strlen(small), 200), KZ_OK);
  CHECK_EQ_STR((const char *)s.text.data, (const char *)fresh.text.data);
  CHECK_EQ_INT(s.n_spans, 2);
  CHECK_EQ_INT(fresh.n_spans, 2);
  CHECK(memcmp(s.spans, fresh.spans, 2 * sizeof(kz_span)) == 0);
  kz_snippet_free(&s);
  kz_snippet_free(&fresh);
  terms_free(&t);
  kz_analyzer_free(a);
}

KZ_TEST_MAIN(KZ_TEST(test_snippet__highlights_match_byte_ranges),
             KZ_TEST(test_snippet__window_picks_densest_region),
             KZ_TEST(test_snippet__ellipses_mark_cut_ends),
             KZ_TEST(test_snippet__whitespace_collapsed),
             KZ_TEST(test_snippet__invalid_utf8_replaced_and_nul_dropped),
             KZ_TEST(test_snippet__no_match_gives_text_start),
             KZ_TEST(test_snippet__empty_text_and_zero_max),
             KZ_TEST(test_snippet__multibyte_never_cut_mid_character),
             KZ_TEST(test_snippet__reuses_buffers))
