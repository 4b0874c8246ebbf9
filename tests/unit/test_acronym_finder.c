/*
 * test_acronym_finder.c - the acronym finder (analysis/acronym_finder.c):
 * the patterns it accepts, the long forms it rejects, and bounded work on
 * hostile text (10,000 nested parentheses, 100,000 candidates).
 */
#include <time.h>

#include "analysis/acronym_finder.h"
#include "kz_test.h"
#include "kzsearch.h"

/* The pairs of `text` as "SF=long form;" strings, in order. */
static const char *pairs_of(kz_acronym_finder *f, const char *text) {
  static char out[1024];
  out[0] = 0;
  if (kz_acronym_find(f, text, strlen(text), 0) != KZ_OK) return "(error)";
  for (size_t i = 0; i < f->n_pairs; i++) {
    size_t n = strlen(out);
    snprintf(out + n, sizeof out - n, "%s=%s;", f->pairs[i].short_form, f->pairs[i].long_form);
  }
  return out;
}

static void test_acronym__long_form_then_short_form(void) {
  kz_acronym_finder f = KZ_ACRONYM_FINDER_INIT;
  CHECK_EQ_STR(pairs_of(&f, "Members of the Collective Security Treaty Organization (CSTO) met."),
               "CSTO=Collective Security Treaty Organization;");
  /* The shortest match wins: "the" is not part of it. */
  CHECK_EQ_STR(pairs_of(&f, "a rise of the gross domestic product (GDP) of 3%"),
               "GDP=gross domestic product;");
  /* Letters inside words count ("Kazakhstan's Ministry of Energy (MoE)"), lower case too. */
  CHECK_EQ_STR(pairs_of(&f, "said the Ministry of Energy (MoE) on Monday"), "MoE=Ministry of Energy;");
  /* White space runs become one space; the same pair twice counts once. */
  CHECK_EQ_STR(pairs_of(&f, "liquefied\n  petroleum gas (LPG) and liquefied petroleum gas (LPG)"),
               "LPG=liquefied petroleum gas;");
  /* Closing brackets before the first opening one pair with nothing. */
  CHECK_EQ_STR(pairs_of(&f, "a) b] the Asian Development Bank (ADB)"), "ADB=Asian Development Bank;");
  CHECK_EQ_STR(pairs_of(&f, "the Asian Development Bank [ADB] (and more)"), "ADB=Asian Development Bank;");
  /* Square brackets too, inside other parentheses. */
  CHECK_EQ_STR(pairs_of(&f, "(95% confidence interval [CI], 3.1 to 8.1)"), "CI=confidence interval;");
  kz_acronym_finder_free(&f);
}

static void test_acronym__reversed_and_comma_patterns(void) {
  kz_acronym_finder f = KZ_ACRONYM_FINDER_INIT;
  CHECK_EQ_STR(pairs_of(&f, "the CSTO (Collective Security Treaty Organization) said"),
               "CSTO=Collective Security Treaty Organization;");
  /* Reversed needs at least two words inside: one word is a short form candidate only. */
  CHECK_EQ_STR(pairs_of(&f, "the UN (Nations) said"), "");
  /* And a capital in the short form. */
  CHECK_EQ_STR(pairs_of(&f, "the un (United Nations) said"), "");
  CHECK_EQ_STR(pairs_of(&f, "in the barrier (blood-brain barrier, BBB) of"), "BBB=blood-brain barrier;");
  kz_acronym_finder_free(&f);
}

static void test_acronym__rejected_long_forms(void) {
  kz_acronym_finder f = KZ_ACRONYM_FINDER_INIT;
  /* A long form holding a bracket or a semicolon is refused. */
  CHECK_EQ_STR(pairs_of(&f, "Asian (and) Development Bank (ADB)"), "");
  CHECK_EQ_STR(pairs_of(&f, "Asian; Development Bank (ADB)"), "");
  /* A clause (", ") is not a name. */
  CHECK_EQ_STR(pairs_of(&f, "data on aid, banks and debt (ABD)"), "");
  /* Too many words for the short form's letters: min(2n, n + 5). */
  CHECK_EQ_STR(pairs_of(&f, "a big thing of many other words (AB)"), "");
  /* The long form may not start before the sentence. */
  CHECK_EQ_STR(pairs_of(&f, "Ask me. Development Bank (ADB)"), "");
  /* No letter, too long, or starting with a symbol. */
  CHECK_EQ_STR(pairs_of(&f, "in 1995 (1995)"), "");
  CHECK_EQ_STR(pairs_of(&f, "a b c d e f g h i j k (ABCDEFGHIJK)"), "");
  CHECK_EQ_STR(pairs_of(&f, "plus minus (+M)"), "");
  /* A single capital takes a one-word long form only. */
  CHECK_EQ_STR(pairs_of(&f, "progesterone (P) and the big picture of (P)"), "P=progesterone;");
  kz_acronym_finder_free(&f);
}

static void test_acronym__title_and_body_append(void) {
  kz_acronym_finder f = KZ_ACRONYM_FINDER_INIT;
  const char *title = "United Nations (UN) meets", *body = "The United Nations (UN) met. The World Bank (WB).";
  CHECK_EQ_INT(kz_acronym_find(&f, title, strlen(title), 0), KZ_OK);
  CHECK_EQ_INT(kz_acronym_find(&f, body, strlen(body), 1), KZ_OK);
  CHECK_EQ_INT(f.n_pairs, 2);
  CHECK_EQ_STR(f.pairs[1].short_form, "WB");
  CHECK_EQ_INT(kz_acronym_find(&f, "", 0, 0), KZ_OK);
  CHECK_EQ_INT(f.n_pairs, 0);
  kz_acronym_finder_free(&f);
}

static void test_acronym__utf8_and_garbage(void) {
  kz_acronym_finder f = KZ_ACRONYM_FINDER_INIT;
  CHECK_EQ_STR(pairs_of(&f, "Организация Договора о коллективной безопасности (ОДКБ)"), "");
  CHECK_EQ_STR(pairs_of(&f, "Société Générale (SG) a dit"), "SG=Société Générale;");
  const char junk[] = "\xff\xfe(\x80\x81)\0(AB)) ) ( ((";
  CHECK_EQ_INT(kz_acronym_find(&f, junk, sizeof junk - 1, 0), KZ_OK);
  CHECK_EQ_INT(f.n_pairs, 0);
  kz_acronym_finder_free(&f);
}

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_acronym__hostile_input_is_bounded(void) {
  enum { DEPTH = 10000, REPEAT = 100000 };
  kz_acronym_finder f = KZ_ACRONYM_FINDER_INIT;
  /* 10,000 nested parentheses around a definition, then unbalanced ones. */
  const char *core = "World Health Organization (WHO)";
  size_t n = 2 * DEPTH + strlen(core) + 2 * DEPTH;
  char *text = malloc(n + 1);
  CHECK(text != NULL);
  memset(text, '(', DEPTH);
  memcpy(text + DEPTH, core, strlen(core));
  memset(text + DEPTH + strlen(core), ')', DEPTH);
  memset(text + 2 * DEPTH + strlen(core), '(', 2 * DEPTH);
  text[n] = 0;
  double t0 = seconds();
  int rc = kz_acronym_find(&f, text, n, 0);
  double nested = seconds() - t0;
  free(text);
  CHECK_EQ_INT(rc, KZ_OK);
  CHECK(nested < 1.0);
  /* 100,000 distinct candidates: the pairs kept are capped and the time stays linear. */
  size_t cap = (size_t)REPEAT * 24;
  char *many = malloc(cap);
  CHECK(many != NULL);
  size_t len = 0;
  for (int i = 0; i < REPEAT; i++)
    len += (size_t)snprintf(many + len, cap - len, "Ab Cd%05d (AC%05d) ", i, i);
  t0 = seconds();
  rc = kz_acronym_find(&f, many, len, 0);
  double repeated = seconds() - t0;
  free(many);
  CHECK_EQ_INT(rc, KZ_OK);
  CHECK_EQ_INT(f.n_pairs, KZ_ACRONYM_MAX_PAIRS);
  CHECK(repeated < 10.0);
  kz_acronym_finder_free(&f);
}

KZ_TEST_MAIN(KZ_TEST(test_acronym__long_form_then_short_form),
             KZ_TEST(test_acronym__reversed_and_comma_patterns),
             KZ_TEST(test_acronym__rejected_long_forms), KZ_TEST(test_acronym__title_and_body_append),
             KZ_TEST(test_acronym__utf8_and_garbage), KZ_TEST(test_acronym__hostile_input_is_bounded))
