/*
 * test_snippet_highlight.c - what a snippet highlights, with the real
 * English analyzer: a phrase's words only as the phrase, overlapping
 * occurrences as one span, title matches, nothing across title and body,
 * nothing for excluded or unmatched clauses, and the window's preference
 * for phrase occurrences.
 */
#include "kz_test_snippet.h"

/* ------------------------------------------------------------------------ */
/* What is highlighted: phrases, titles, excluded clauses                   */
/* ------------------------------------------------------------------------ */

/* The snippet's highlighted pieces, joined by '|'. */
static const char *spans_of(const kz_snippet *s) {
  static char out[512];
  out[0] = 0;
  for (size_t k = 0; k < s->n_spans; k++)
    join_piece(out, sizeof out, (const char *)s->text.data, s->spans[k].start, s->spans[k].end);
  return out;
}

/* Runs of the body of a document (title, body) for `query`; "" on failure. */
static const char *body_runs(kz_analyzer *a, const char *query, const char *title,
                             const char *body, int field) {
  static char out[512];
  terms t;
  out[0] = 0;
  if (terms_of(&t, a, query) == 0 && analyze(&t, a, title, body, body ? strlen(body) : 0) == 0)
    snprintf(out, sizeof out, "%s", runs_of(&t, field, field == KZ_HL_TITLE ? title : body));
  terms_free(&t);
  return out;
}

static void test_snippet__phrase_words_highlighted_only_as_phrase(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "\"crude oil\" OPEC"), 0);
  const char *text = "A senior Abu Dhabi oil official said crude oil output and OPEC quotas. "
                     "Crude\n  oil; crude and oil.";
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, strlen(text), 500), KZ_OK);
  CHECK(well_formed(&s));
  CHECK_EQ_STR(spans_of(&s), "crude oil|OPEC|Crude oil");
  CHECK_EQ_STR(runs_of(&t, KZ_HL_BODY, text), "crude oil|OPEC|Crude\n  oil");
  /* Punctuation separates words without a gap, so "crude, oil" is a phrase
     occurrence, as the index has it. */
  CHECK_EQ_STR(body_runs(a, "\"crude oil\"", NULL, "crude, oil", KZ_HL_BODY), "crude, oil");
  kz_snippet_free(&s);
  terms_free(&t);
  /* Stemmed like the index: the phrase's words in any inflection. */
  CHECK_EQ_STR(body_runs(a, "\"peacekeeping forces\"", NULL,
                         "Peacekeepers force, peacekeeping or forces", KZ_HL_BODY),
               "Peacekeepers force");
  CHECK_EQ_STR(body_runs(a, "peacekeepers", NULL, "peacekeeping forces", KZ_HL_BODY),
               "peacekeeping");
  /* A hyphenated word is a phrase of its parts at consecutive positions. */
  CHECK_EQ_STR(body_runs(a, "Nur-Sultan", NULL, "Nur Sultan, nur or sultan", KZ_HL_BODY),
               "Nur Sultan");
  kz_analyzer_free(a);
}

static void test_snippet__overlapping_occurrences_form_one_span(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  /* Occurrences at words 1 and 3 overlap; the last "new york" is not one. */
  CHECK_EQ_STR(body_runs(a, "\"new york new\"", NULL, "in new york new york new jersey, new york",
                         KZ_HL_BODY),
               "new york new york new");
  /* A term inside a phrase occurrence joins it; elsewhere it stands alone. */
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "oil \"crude oil\""), 0);
  const char *text = "crude oil and oil";
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, strlen(text), 100), KZ_OK);
  CHECK_EQ_STR(spans_of(&s), "crude oil|oil");
  CHECK_EQ_INT(s.n_spans, 2);
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__title_matches_highlighted(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "\"crude oil\" prices"), 0);
  const char *title = "Crude oil prices fall; oil up";
  const char *body = "Oil prices eased.";
  CHECK_EQ_INT(analyze(&t, a, title, body, strlen(body)), KZ_OK);
  CHECK_EQ_STR(runs_of(&t, KZ_HL_TITLE, title), "Crude oil|prices");
  CHECK_EQ_STR(runs_of(&t, KZ_HL_BODY, body), "prices");
  CHECK_EQ_INT(t.d.field[KZ_HL_TITLE].matches[0].start, 0);
  CHECK_EQ_INT(t.d.field[KZ_HL_TITLE].matches[0].end, 9);
  terms_free(&t);
  /* Multibyte text: byte offsets, the phrase across punctuation. */
  CHECK_EQ_INT(terms_of(&t, a, "\"ООН миротворцы\""), 0);
  const char *ru = "Миссия ООН: миротворцы ещё";
  CHECK_EQ_INT(analyze(&t, a, ru, "ООН и миротворцы", strlen("ООН и миротворцы")), KZ_OK);
  CHECK_EQ_STR(runs_of(&t, KZ_HL_TITLE, ru), "ООН: миротворцы");
  CHECK_EQ_INT(t.d.field[KZ_HL_TITLE].matches[0].start, strlen("Миссия "));
  CHECK_EQ_INT(t.d.field[KZ_HL_BODY].n_matches, 0);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__phrase_across_title_and_body_not_highlighted(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  const char *title = "Talks on crude";
  CHECK_EQ_STR(body_runs(a, "\"crude oil\"", title, "oil rose; crude oil later", KZ_HL_TITLE), "");
  CHECK_EQ_STR(body_runs(a, "\"crude oil\"", title, "oil rose; crude oil later", KZ_HL_BODY),
               "crude oil");
  /* It still counts as an occurrence, as in the index: the group matches. */
  CHECK_EQ_STR(body_runs(a, "rose OR (talks AND \"crude oil\")", title, "oil rose", KZ_HL_TITLE),
               "Talks");
  CHECK_EQ_STR(body_runs(a, "rose OR (talks AND \"crude gas\")", title, "gas rose", KZ_HL_TITLE),
               "Talks");
  CHECK_EQ_STR(body_runs(a, "rose OR (talks AND \"crude gas\")", title, "oil rose", KZ_HL_TITLE),
               "");
  kz_analyzer_free(a);
}

static void test_snippet__excluded_and_unmatched_clauses_not_highlighted(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  const char *text = "OPEC oil and gas";
  CHECK_EQ_STR(body_runs(a, "oil -gas", NULL, "oil", KZ_HL_BODY), "oil");
  /* The group (oil -gas) does not match: only OPEC made the document match. */
  CHECK_EQ_STR(body_runs(a, "opec (oil -gas)", NULL, text, KZ_HL_BODY), "OPEC");
  CHECK_EQ_STR(body_runs(a, "opec OR (oil AND NOT gas)", NULL, text, KZ_HL_BODY), "OPEC");
  CHECK_EQ_STR(body_runs(a, "opec OR (oil AND NOT coal)", NULL, text, KZ_HL_BODY), "OPEC|oil");
  CHECK_EQ_STR(body_runs(a, "opec OR (oil AND coal)", NULL, text, KZ_HL_BODY), "OPEC");
  CHECK_EQ_STR(body_runs(a, "+opec oil", NULL, text, KZ_HL_BODY), "OPEC|oil");
  /* Should the stored text not match (the index said it did), the clauses
     outside NOT that occur are shown, never the excluded ones. */
  CHECK_EQ_STR(body_runs(a, "opec -gas", NULL, text, KZ_HL_BODY), "OPEC");
  CHECK_EQ_STR(body_runs(a, "opec AND NOT \"oil and gas\"", NULL, text, KZ_HL_BODY), "OPEC");
  kz_analyzer_free(a);
}

static void test_snippet__window_prefers_phrase_occurrences(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "\"crude oil\" opec"), 0);
  char text[2048];
  size_t len = 0;
  const char *lone = "oil and crude and oil and crude and oil. ";
  memcpy(text, lone, strlen(lone));
  len = strlen(lone);
  filler(text, &len, 40, 1);
  const char *real = "the crude oil price ";
  memcpy(text + len, real, strlen(real));
  len += strlen(real);
  filler(text, &len, 40, 2);
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 60), KZ_OK);
  CHECK(well_formed(&s));
  CHECK_EQ_STR(spans_of(&s), "crude oil");
  /* Two distinct clauses beat more occurrences of one. */
  memcpy(text + len, " OPEC ", 6);
  len += 6;
  memcpy(text + len, real, strlen(real));
  len += strlen(real);
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 60), KZ_OK);
  CHECK_EQ_STR(spans_of(&s), "OPEC|crude oil");
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

KZ_TEST_MAIN(KZ_TEST(test_snippet__phrase_words_highlighted_only_as_phrase),
             KZ_TEST(test_snippet__overlapping_occurrences_form_one_span),
             KZ_TEST(test_snippet__title_matches_highlighted),
             KZ_TEST(test_snippet__phrase_across_title_and_body_not_highlighted),
             KZ_TEST(test_snippet__excluded_and_unmatched_clauses_not_highlighted),
             KZ_TEST(test_snippet__window_prefers_phrase_occurrences))
