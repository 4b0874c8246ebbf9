/*
 * test_name_key.c - spelling keys of names (analysis/name_key.h): each rule
 * of the key on its own, Cyrillic (Russian and Kazakh letters) through ICU,
 * the hyphen rule that keeps "Nursultan" apart from "Nur-Sultan", which
 * words count as names in a text, and hostile input: mixed scripts within
 * one word, scripts ICU's rules leave alone, over-long and invalid terms,
 * and a long text of capitals keyed in bounded time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/analyzer.h"
#include "analysis/name_key.h"
#include "kz_test.h"
#include "kzsearch.h"

/* The key of one term, "" when it has none. */
/* Four buffers in turn, so that two results can be compared. */
static const char *key_of(const char *term) {
  static char outs[4][KZ_NAME_KEY_MAX + 1];
  static int turn;
  char *out = outs[turn++ % 4];
  kz_name_keyer *k = NULL;
  size_t n = 0;
  if (kz_name_keyer_new(&k, "english") != KZ_OK) return "<no memory>";
  int rc = kz_name_key(k, term, strlen(term), out, &n);
  kz_name_keyer_free(k);
  if (rc < 0) return "<error>";
  if (rc == 1 && n != strlen(out)) return "<wrong length>";
  if (rc != 1) out[0] = '\0';
  return out;
}

/* The key of a whole name as the index's analyzer (English) cuts it. */
static const char *text_key(const char *text) {
  static char outs[4][256];
  static int turn;
  char *out = outs[turn++ % 4];
  kz_name_keyer *k = NULL;
  kz_analyzer *an = NULL;
  int rc = kz_name_keyer_new(&k, "english");
  if (!rc) rc = kz_analyzer_new(&an, "english");
  if (!rc) rc = kz_name_key_text(k, an, text, strlen(text), out, 256);
  if (rc < 0) snprintf(out, 256, "<error %d>", rc);
  else if (rc != 1) out[0] = '\0';
  kz_analyzer_free(an);
  kz_name_keyer_free(k);
  return out;
}

static void test_each_rule(void) {
  CHECK_EQ_STR(key_of("mangystau"), "mangistau");  /* y -> i */
  CHECK_EQ_STR(key_of("tokayev"), "tokaev");       /* ye -> e */
  CHECK_EQ_STR(key_of("gorbachyov"), "gorbachev"); /* yo -> e (the letter ё) */
  CHECK_EQ_STR(key_of("mukhtar"), "muhtar");       /* kh -> h */
  CHECK_EQ_STR(key_of("zhomart"), "jomart");       /* zh -> j */
  CHECK_EQ_STR(key_of("dzhaparov"), "japarov");    /* dzh -> j */
  CHECK_EQ_STR(key_of("djaparov"), "japarov");     /* dj -> j */
  CHECK_EQ_STR(key_of("qostanay"), "kostanai");    /* q -> k */
  CHECK_EQ_STR(key_of("qaraghandy"), "karagandi"); /* gh -> g */
  CHECK_EQ_STR(key_of("alexey"), "aleksei");       /* x -> ks */
  CHECK_EQ_STR(key_of("kassym"), "kasim");         /* doubled letters */
  CHECK_EQ_STR(key_of("dmitriy"), "dmitri");       /* iy -> ii -> i */
  CHECK_EQ_STR(key_of("el'tsin"), "eltsin");       /* apostrophes (ь) dropped */
}

static void test_cyrillic_through_icu(void) {
  CHECK_EQ_STR(key_of("токаев"), key_of("tokayev"));
  CHECK_EQ_STR(key_of("мангистау"), "mangistau");
  CHECK_EQ_STR(key_of("қасым"), key_of("kassym"));   /* Kazakh қ */
  CHECK_EQ_STR(key_of("жомарт"), "jomart");
  CHECK_EQ_STR(key_of("өскемен"), "oskemen");        /* Kazakh ө */
  CHECK_EQ_STR(key_of("ақтөбе"), "aktob"); /* stemmed as "aktobe" is */
  CHECK_EQ_STR(key_of("мирзиёев"), key_of("mirziyoyev"));
  CHECK_EQ_STR(key_of("ельцин"), "eltsin");
  CHECK_EQ_STR(key_of("ақтөбе"), key_of("aktob")); /* romanised, then stemmed as "Aktobe" is */
  CHECK_EQ_STR(key_of("мангистау"), key_of("mangistau")); /* BGN's "n·g" */
  CHECK_EQ_STR(key_of("öskemen"), "oskemen");        /* Latin with marks */
}

static void test_no_key(void) {
  CHECK_EQ_STR(key_of("han"), "");       /* too short: Han / Khan */
  CHECK_EQ_STR(key_of("khan"), "");
  CHECK_EQ_STR(key_of("g20s"), "");      /* digits */
  CHECK_EQ_STR(key_of("αθήνα"), "");     /* Greek: not romanised by these rules */
  CHECK_EQ_STR(key_of("東京都"), "");
  CHECK_EQ_STR(key_of(""), "");
  char longest[300];
  memset(longest, 'a', sizeof longest - 1);
  longest[sizeof longest - 1] = '\0';
  for (size_t i = 1; i < sizeof longest - 1; i += 2) longest[i] = 'b'; /* no doubled letters */
  CHECK_EQ_STR(key_of(longest), ""); /* longer than KZ_NAME_KEY_MAX */
}

/* A hyphen is a word boundary like a space; a word is never split or joined. */
static void test_hyphen_rule(void) {
  CHECK_EQ_STR(text_key("Nur-Sultan"), text_key("Nur Sultan"));
  CHECK(strcmp(text_key("Nursultan"), text_key("Nur-Sultan")) != 0);
  CHECK_EQ_STR(text_key("Kassym-Jomart"), text_key("Kasym-Zhomart"));
  CHECK_EQ_STR(text_key("Kassym-Jomart"), "kasim jomart");
  CHECK_EQ_STR(text_key("Nur-Sultan"), "nur sultan"); /* "nur" is too short for a key: itself */
}

/* Words that mix scripts (homoglyph spellings) still get a key, in bounded time. */
static void test_mixed_scripts(void) {
  CHECK_EQ_STR(key_of("tokaев"), "tokaev"); /* Latin then Cyrillic */
  CHECK_EQ_STR(key_of("тokayev"), "tokaev");
  CHECK_EQ_STR(key_of("tokaαβ"), "");       /* a Greek tail leaves non-ASCII */
  kz_name_keyer *k = NULL;
  CHECK_EQ_INT(kz_name_keyer_new(&k, "english"), KZ_OK);
  char out[KZ_NAME_KEY_MAX + 1];
  size_t n;
  const char invalid[] = "\xd0\xba\xff\xfe"; /* never made by the analyzer; must not crash */
  int rc = kz_name_key(k, invalid, sizeof invalid - 1, out, &n);
  CHECK(rc == 0 || rc == 1);
  /* 20,000 mixed-script words: well under a second. */
  clock_t t0 = clock();
  for (int i = 0; i < 20000; i++) {
    char w[64];
    snprintf(w, sizeof w, "%sщ%dя", i % 2 ? "nazar" : "назар", i % 97);
    rc = kz_name_key(k, w, strlen(w), out, &n);
    CHECK(rc == 0 || rc == 1);
  }
  CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
  kz_name_keyer_free(k);
}

static int capitalised(const char *text, const char *word) {
  const char *p = strstr(text, word);
  if (!p) return -1;
  return kz_name_capitalised(text, strlen(text), (size_t)(p - text), (size_t)(p - text) + strlen(word));
}

static void test_which_words_are_names(void) {
  const char *t = "Protests began in Mangystau. Police came. The CSTO sent troops to “Almaty” "
                  "and (Aktau); Токаев spoke.\nYesterday the «Nur-Sultan» office";
  CHECK_EQ_INT(capitalised(t, "Protests"), 0);   /* the text's first word */
  CHECK_EQ_INT(capitalised(t, "Mangystau"), 1);
  CHECK_EQ_INT(capitalised(t, "Police"), 0);     /* after a full stop */
  CHECK_EQ_INT(capitalised(t, "The"), 0);
  CHECK_EQ_INT(capitalised(t, "CSTO"), 0);       /* all capitals: an acronym */
  CHECK_EQ_INT(capitalised(t, "Almaty"), 1);     /* in quotes mid-sentence */
  CHECK_EQ_INT(capitalised(t, "Aktau"), 1);
  CHECK_EQ_INT(capitalised(t, "Токаев"), 1);     /* Cyrillic capitals count */
  CHECK_EQ_INT(capitalised(t, "spoke"), 0);
  CHECK_EQ_INT(capitalised(t, "Yesterday"), 0);  /* after a line break */
  CHECK_EQ_INT(capitalised(t, "Nur"), 1);
  CHECK_EQ_INT(kz_name_capitalised("", 0, 0, 0), 0);
  CHECK_EQ_INT(kz_name_capitalised("\xff", 1, 0, 1), 0);
  /* 100,000 spaces before a word: walked once, linear. */
  size_t n = 100000;
  char *gap = malloc(n + 16);
  CHECK(gap != NULL);
  if (!gap) return;
  memset(gap, ' ', n);
  memcpy(gap, "x", 1);
  memcpy(gap + n, "Tokayev", 8);
  CHECK_EQ_INT(kz_name_capitalised(gap, n + 7, n, n + 7), 1);
  free(gap);
}

KZ_TEST_MAIN(KZ_TEST(test_each_rule), KZ_TEST(test_cyrillic_through_icu), KZ_TEST(test_no_key),
             KZ_TEST(test_hyphen_rule), KZ_TEST(test_mixed_scripts),
             KZ_TEST(test_which_words_are_names))
