/*
 * test_analyzer.c - the analysis pipeline: tokenization rules, folding,
 * stemming, offsets and positions, and hostile input (invalid UTF-8, NUL
 * bytes, huge tokens, random bytes). The stem cache is checked against
 * uncached stemming.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyzer.h"
#include "analysis/fold.h"
#include "common/limits.h"
#include "analysis/stemmer.h"
#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kzsearch.h"

#define MAX_TERMS 64

/* What an analyzer produced for one text, copied out. */
typedef struct result {
  int n;
  int rc; /* last return code: 0 when the text ended cleanly */
  char terms[MAX_TERMS][KZ_MAX_TOKEN_BYTES + 1];
  uint32_t positions[MAX_TERMS];
  size_t starts[MAX_TERMS], ends[MAX_TERMS];
} result;

static result g_res; /* large: kept off the stack */

static int run_lang(const char *language, int stemmed, const char *text, size_t len) {
  memset(&g_res, 0, sizeof g_res);
  kz_analyzer *a = NULL;
  int rc = kz_analyzer_new(&a, language);
  if (rc) return rc;
  kz_analyzer_reset(a, text, len);
  kz_token tok;
  for (;;) {
    rc = stemmed ? kz_analyzer_next(a, &tok) : kz_analyzer_next_unstemmed(a, &tok);
    if (rc != 1) break;
    if (g_res.n < MAX_TERMS) {
      memcpy(g_res.terms[g_res.n], tok.term, tok.term_len);
      g_res.terms[g_res.n][tok.term_len] = 0;
      g_res.positions[g_res.n] = tok.position;
      g_res.starts[g_res.n] = tok.start;
      g_res.ends[g_res.n] = tok.end;
    }
    g_res.n++;
  }
  g_res.rc = rc;
  kz_analyzer_free(a);
  return KZ_OK;
}

/* Folded, unstemmed terms of a C string. */
static void fold_terms(const char *text) { run_lang("none", 0, text, strlen(text)); }
static void stem_terms(const char *text) { run_lang("english", 1, text, strlen(text)); }

/* Compares g_res with a list of terms separated by '|' ("" = no terms). */
static int terms_are(const char *expected) {
  char buf[4096];
  size_t n = 0;
  for (int i = 0; i < g_res.n && i < MAX_TERMS; i++) {
    size_t l = strlen(g_res.terms[i]);
    if (n + l + 2 > sizeof buf) return 0;
    if (i) buf[n++] = '|';
    memcpy(buf + n, g_res.terms[i], l);
    n += l;
  }
  buf[n] = 0;
  if (strcmp(buf, expected) != 0 || g_res.rc != 0) {
    fprintf(stderr, "  got \"%s\" (rc %d), expected \"%s\"\n", buf, g_res.rc, expected);
    return 0;
  }
  for (int i = 0; i < g_res.n; i++)
    if (g_res.positions[i] != (uint32_t)i) return 0;
  return 1;
}

/* A strict UTF-8 check written independently of the analyzer's decoder. */
static int valid_utf8(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t k;
    unsigned cp, min;
    if (c == 0) return 0; /* no NUL in a term */
    if (c < 0x80) { i++; continue; }
    if ((c & 0xE0) == 0xC0) { k = 1; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { k = 2; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { k = 3; cp = c & 0x07; min = 0x10000; }
    else return 0;
    for (size_t j = 1; j <= k; j++) {
      if (i + j >= n || (s[i + j] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + j] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    i += k + 1;
  }
  return 1;
}

/* Runs an analyzer over text[0..len) held in an exact-size heap copy (so
 * ASan sees any over-read) and checks every invariant of every token. */
static int check_invariants(kz_analyzer *a, const unsigned char *text, size_t len, int stemmed) {
  unsigned char *copy = malloc(len ? len : 1);
  if (!copy) return 0;
  if (len) memcpy(copy, text, len);
  kz_analyzer_reset(a, (const char *)copy, len);
  kz_token tok;
  uint32_t expect_pos = 0;
  size_t last_end = 0;
  int rc, ok = 1;
  while ((rc = stemmed ? kz_analyzer_next(a, &tok) : kz_analyzer_next_unstemmed(a, &tok)) == 1) {
    if (tok.position != expect_pos++ || tok.term_len == 0 || tok.term_len > KZ_MAX_TOKEN_BYTES ||
        strlen(tok.term) != tok.term_len ||
        !valid_utf8((const unsigned char *)tok.term, tok.term_len) || tok.start < last_end ||
        tok.start >= tok.end || tok.end > len) {
      ok = 0;
      break;
    }
    last_end = tok.end;
  }
  if (rc < 0) ok = 0;
  free(copy);
  return ok;
}

/* ------------------------------------------------------------------------ */

static void test_analyzer__ascii(void) {
  fold_terms("Hello world, this is a test!");
  CHECK(terms_are("hello|world|this|is|a|test"));
  fold_terms("  tabs\tand\nnewlines\r\n(parens) [brackets] {braces} x+y=z  ");
  CHECK(terms_are("tabs|and|newlines|parens|brackets|braces|x|y|z"));
  fold_terms("foo_bar __init__ _ ___");
  CHECK(terms_are("foo_bar|__init__"));
}

static void test_analyzer__case(void) {
  fold_terms("HeLLo WORLD MiXeD");
  CHECK(terms_are("hello|world|mixed"));
  fold_terms("ÉCOLE École");
  CHECK(terms_are("ecole|ecole"));
  fold_terms("ＡＢＣ２０２４ ﬁnance"); /* fullwidth forms and ligatures */
  CHECK(terms_are("abc2024|finance"));
  fold_terms("ΣΟΦΙΑ σοφίας");
  CHECK(terms_are("σοφια|σοφιασ")); /* case folding makes final sigma plain */
}

static void test_analyzer__accents(void) {
  fold_terms("Café naïve résumé Ångström");
  CHECK(terms_are("cafe|naive|resume|angstrom"));
  fold_terms("STRASSE straße STRAẞE");
  CHECK(terms_are("strasse|strasse|strasse"));
  fold_terms("Cafe\xCC\x81"); /* decomposed: e + U+0301 */
  CHECK(terms_are("cafe"));
  fold_terms("Ёлка Қазақстан"); /* Cyrillic diacritics go too */
  CHECK(terms_are("елка|қазақстан")); /* Қ is a letter of its own, not К + mark */
  /* Marks that are letters in all but name stay: Devanagari vowel signs,
   * kana voicing (also when decomposed). */
  fold_terms("हिन्दी");
  CHECK(terms_are("हिन्दी"));
  fold_terms("が か\xE3\x82\x99");
  CHECK(terms_are("が|が"));
  /* Soft hyphen and joiners are ignorable inside a word; a combining mark
   * with no base letter makes no token. */
  fold_terms("co\xC2\xADoperate \xCC\x81 x");
  CHECK(terms_are("cooperate|x"));
  fold_terms("a\xE2\x80\x8B" "b"); /* zero width space separates */
  CHECK(terms_are("a|b"));
}

static void test_analyzer__apostrophes(void) {
  fold_terms("O'Neill don\xE2\x80\x99t can\xCA\xBCt rock'n'roll");
  CHECK(terms_are("o'neill|don't|can't|rock'n'roll"));
  fold_terms("'quoted' \xE2\x80\x98single\xE2\x80\x99 ends' 'starts it's");
  CHECK(terms_are("quoted|single|ends|starts|it's"));
  fold_terms("a''b a' b 90's");
  CHECK(terms_are("a|b|a|b|90's"));
  stem_terms("Kazakhstan's kazakhstan\xE2\x80\x99s KAZAKHSTAN\xCA\xBCS");
  CHECK(terms_are("kazakhstan|kazakhstan|kazakhstan"));
}

/* Marks and format characters after inner punctuation belong to it (UAX #29 WB4),
 * and kana repeat marks are kana (docs/ANALYSIS.md). */
static void test_analyzer__uax29_fixes(void) {
  fold_terms("1,\xCC\x88" "000 don'\xE2\x81\xA0t 3.\xE2\x81\xA0" "5");
  CHECK(terms_are("1,000|don't|3.5"));
  CHECK_EQ_INT(g_res.ends[0], 7); /* the mark is inside the token's bytes */
  fold_terms("a\xE3\x80\xB1" "b \xE3\x80\xB1\xE3\x80\xB1");
  CHECK(terms_are("a|\xE3\x80\xB1|b|\xE3\x80\xB1|\xE3\x80\xB1"));
  fold_terms("end'\xCC\x88 x");
  CHECK(terms_are("end|x"));
}

static void test_analyzer__hyphens(void) {
  const char *t = "Nur-Sultan well\xE2\x80\x93known e-mail";
  fold_terms(t);
  CHECK(terms_are("nur|sultan|well|known|e|mail"));
  CHECK_EQ_INT(g_res.starts[1], 4);
  CHECK_EQ_INT(g_res.ends[1], 10);
  CHECK_EQ_INT(g_res.positions[1], 1);
}

static void test_analyzer__periods(void) {
  fold_terms("U.S.A. e.g. example.com 3.5 end. Next a..b .net v1.2.3");
  CHECK(terms_are("u.s.a|e.g|example.com|3.5|end|next|a|b|net|v1.2.3"));
  CHECK_EQ_INT(g_res.starts[0], 0);
  CHECK_EQ_INT(g_res.ends[0], 5); /* the trailing period is not in the token */
}

static void test_analyzer__numbers(void) {
  fold_terms("1,000 1,000,000 3.14159 2024 a,b 1,a a,1 x1 42nd 1, 2");
  CHECK(terms_are("1,000|1,000,000|3.14159|2024|a|b|1|a|a|1|x1|42nd|1|2"));
  fold_terms("$5 50% #1 \xD9\xA3\xD9\xA4"); /* Arabic-Indic digits are digits */
  CHECK(terms_are("5|50|1|\xD9\xA3\xD9\xA4"));
}

static void test_analyzer__cjk(void) {
  const char *t = "中文分词";
  fold_terms(t);
  CHECK(terms_are("中|文|分|词"));
  CHECK_EQ_INT(g_res.starts[2], 6);
  CHECK_EQ_INT(g_res.ends[2], 9);
  fold_terms("東京タワーへ 한국어");
  CHECK(terms_are("東|京|タ|ワ|ー|へ|한|국|어"));
  fold_terms("abc中文def 2024年");
  CHECK(terms_are("abc|中|文|def|2024|年"));
  fold_terms("𠀀\xEF\xA4\x80"); /* Extension B; a compatibility ideograph folds to unified */
  CHECK(terms_are("𠀀|\xE8\xB1\x88"));
  fold_terms("カタカナ・テスト"); /* the middle dot separates */
  CHECK(terms_are("カ|タ|カ|ナ|テ|ス|ト"));
  stem_terms("中文 running");
  CHECK(terms_are("中|文|run"));
}

static void test_analyzer__mixed_scripts(void) {
  fold_terms("Казахстан KAZAKHSTAN Қазақстан");
  CHECK(terms_are("казахстан|kazakhstan|қазақстан"));
  fold_terms("Астана-Astana Ελλάδα עִבְרִית");
  CHECK(terms_are("астана|astana|ελλαδα|עברית"));
  fold_terms("Москваabc");
  CHECK(terms_are("москваabc"));
}

static void test_analyzer__invalid_utf8(void) {
  static const struct {
    const char *text;
    size_t len;
    const char *terms;
  } cases[] = {
      {"ab\x80" "cd", 5, "ab|cd"},                  /* stray continuation byte */
      {"ab\xFF" "cd\xFE", 6, "ab|cd"},              /* bytes that never occur */
      {"ab\xC3", 3, "ab"},                          /* truncated at the very end */
      {"ab\xE4\xB8", 4, "ab"},                      /* truncated 3-byte at the end */
      {"ab\xF0\x9F\x98", 5, "ab"},                  /* truncated 4-byte at the end */
      {"\xE4\xB8x", 3, "x"},                        /* truncated in the middle */
      {"a\xC0\xAF" "b", 4, "a|b"},                  /* overlong '/' */
      {"a\xC1\xBF" "b", 4, "a|b"},                  /* overlong 2-byte */
      {"a\xE0\x80\xAF" "b", 5, "a|b"},              /* overlong 3-byte */
      {"a\xF0\x80\x80\xAF" "b", 6, "a|b"},          /* overlong 4-byte */
      {"a\xED\xA0\x80" "b", 5, "a|b"},              /* high surrogate */
      {"a\xED\xBF\xBF" "b", 5, "a|b"},              /* low surrogate */
      {"a\xF4\x90\x80\x80" "b", 6, "a|b"},          /* above U+10FFFF */
      {"a\xF5\x80\x80\x80" "b", 6, "a|b"},          /* lead byte past F4 */
      {"caf\xC3" "e", 5, "caf|e"},                  /* bad continuation splits */
      {"\xC3\xA9\xC3", 3, "e"},                     /* valid then truncated */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    /* An exact-size heap copy so ASan catches any read past the end. */
    char *copy = malloc(cases[i].len);
    CHECK(copy);
    memcpy(copy, cases[i].text, cases[i].len);
    CHECK_EQ_INT(run_lang("none", 0, copy, cases[i].len), KZ_OK);
    free(copy);
    if (!terms_are(cases[i].terms)) {
      fprintf(stderr, "  case %zu\n", i);
      CHECK(0);
    }
  }
  /* Offsets skip the bad byte. */
  run_lang("none", 0, "ab\x80" "cd", 5);
  CHECK_EQ_INT(g_res.starts[1], 3);
  CHECK_EQ_INT(g_res.ends[1], 5);
}

static void test_analyzer__random_bytes(void) {
  kz_analyzer *stem = NULL, *plain = NULL;
  CHECK_EQ_INT(kz_analyzer_new(&stem, "english"), KZ_OK);
  CHECK_EQ_INT(kz_analyzer_new(&plain, "none"), KZ_OK);
  /* Pieces that exercise every branch, glued at random, plus raw bytes. */
  static const char *pieces[] = {"a", "Z", "9", "_", "'", ".", ",", "-", " ", "\xE2\x80\x99",
                                 "\xCA\xBC", "\xCC\x81", "\xC2\xAD", "\xE2\x80\x8B", "é", "ß",
                                 "中", "か", "\xE3\x82\x99", "한", "д", "हि", "\xEF\xA4\x80",
                                 "𠀀", "\xC3", "\xE4\xB8", "\xF0\x9F", "\x80", "\xFF", "\0",
                                 "\xED\xA0\x80", "ΐ", "ǅ", "İ", "\xEF\xBB\xBF"};
  static const size_t piece_len[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 2, 2, 2, 3, 2, 2, 3, 3,
                                     3, 3, 2, 6, 3, 4, 1, 2, 2, 1, 1, 1, 3, 2, 2, 2, 3};
  const size_t n_pieces = sizeof pieces / sizeof pieces[0];
  CHECK_EQ_INT(n_pieces, sizeof piece_len / sizeof piece_len[0]);
  unsigned char buf[512];
  kz_test_rng rng = kz_test_rng_make(KZ_TEST_XORSHIFT64_STAR, 0x9E3779B97F4A7C15ull);
  for (int iter = 0; iter < 20000; iter++) {
    size_t len = 0, want = kz_test_rand(&rng) % sizeof buf;
    int raw = iter & 1;
    while (len < want) {
      if (raw) {
        buf[len++] = (unsigned char)kz_test_rand(&rng);
      } else {
        size_t k = kz_test_rand(&rng) % n_pieces;
        if (len + piece_len[k] > sizeof buf) break;
        memcpy(buf + len, pieces[k], piece_len[k]);
        len += piece_len[k];
      }
    }
    if (!check_invariants(stem, buf, len, 1) || !check_invariants(plain, buf, len, 0)) {
      fprintf(stderr, "  iteration %d\n", iter);
      CHECK(0);
    }
  }
  kz_analyzer_free(stem);
  kz_analyzer_free(plain);
}

static void test_analyzer__nul_bytes(void) {
  static const char text[] = "ab\0cd\0\0e\0";
  CHECK_EQ_INT(run_lang("none", 0, text, sizeof text - 1), KZ_OK);
  CHECK(terms_are("ab|cd|e"));
  CHECK_EQ_INT(g_res.starts[1], 3);
}

static void test_analyzer__huge_tokens(void) {
  size_t big = 1u << 20;
  char *t = malloc(big + 4);
  CHECK(t);
  memcpy(t, "x ", 2);
  memset(t + 2, 'a', big);
  memcpy(t + 2 + big, " y", 2);
  CHECK_EQ_INT(run_lang("english", 1, t, big + 4), KZ_OK);
  CHECK(terms_are("x|y"));
  CHECK_EQ_INT(g_res.positions[1], 1);
  CHECK_EQ_INT(g_res.starts[1], big + 3);
  free(t);

  /* The limit is exact, and it applies to the folded form. */
  char buf[1024];
  memset(buf, 'b', KZ_MAX_TOKEN_BYTES);
  buf[KZ_MAX_TOKEN_BYTES] = ' ';
  memset(buf + KZ_MAX_TOKEN_BYTES + 1, 'c', KZ_MAX_TOKEN_BYTES + 1);
  CHECK_EQ_INT(run_lang("none", 0, buf, 2 * KZ_MAX_TOKEN_BYTES + 2), KZ_OK);
  CHECK_EQ_INT(g_res.n, 1);
  CHECK_EQ_INT(strlen(g_res.terms[0]), KZ_MAX_TOKEN_BYTES);

  /* 100 x "é" is 200 bytes but folds to 100: kept. */
  size_t n = 0;
  for (int i = 0; i < 100; i++) n += (size_t)sprintf(buf + n, "é");
  CHECK_EQ_INT(run_lang("none", 0, buf, n), KZ_OK);
  CHECK_EQ_INT(g_res.n, 1);
  CHECK_EQ_INT(strlen(g_res.terms[0]), 100);
  /* 65 x "ß" is 130 bytes and folds to 130 ("ss"): skipped. */
  n = (size_t)sprintf(buf, "p ");
  for (int i = 0; i < 65; i++) n += (size_t)sprintf(buf + n, "ß");
  n += (size_t)sprintf(buf + n, " q");
  CHECK_EQ_INT(run_lang("none", 0, buf, n), KZ_OK);
  CHECK(terms_are("p|q"));
  /* Combining marks on one letter fold away: 400 of them (801 bytes) still
   * give "a"; past 8 x KZ_MAX_TOKEN_BYTES as scanned the token is skipped. */
  n = (size_t)sprintf(buf, "r a");
  for (int i = 0; i < 400; i++) n += (size_t)sprintf(buf + n, "\xCC\x81");
  n += (size_t)sprintf(buf + n, " s");
  CHECK_EQ_INT(run_lang("none", 0, buf, n), KZ_OK);
  CHECK(terms_are("r|a|s"));
  char *marks = malloc(4096);
  CHECK(marks);
  n = (size_t)sprintf(marks, "r a");
  for (int i = 0; i < 600; i++) n += (size_t)sprintf(marks + n, "\xCC\x81");
  n += (size_t)sprintf(marks + n, " s");
  CHECK_EQ_INT(run_lang("none", 0, marks, n), KZ_OK);
  free(marks);
  CHECK(terms_are("r|s"));
}

static void test_analyzer__empty_input(void) {
  CHECK_EQ_INT(run_lang("english", 1, "", 0), KZ_OK);
  CHECK(terms_are(""));
  CHECK_EQ_INT(run_lang("english", 1, NULL, 0), KZ_OK);
  CHECK(terms_are(""));
  fold_terms("  ,.-!?' \xE2\x80\x99 ... ");
  CHECK(terms_are(""));
  /* next after the end keeps returning 0 */
  kz_analyzer *a = NULL;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  kz_analyzer_reset(a, "x", 1);
  kz_token tok;
  CHECK_EQ_INT(kz_analyzer_next(a, &tok), 1);
  CHECK_EQ_INT(kz_analyzer_next(a, &tok), 0);
  CHECK_EQ_INT(kz_analyzer_next(a, &tok), 0);
  kz_analyzer_free(a);
}

static void test_analyzer__offsets(void) {
  const char *t = "  Café, O\xE2\x80\x99Neill\xE2\x80\x99s 中 U.S.A. straße";
  fold_terms(t);
  CHECK(terms_are("cafe|o'neill's|中|u.s.a|strasse"));
  static const char *originals[] = {"Café", "O\xE2\x80\x99Neill\xE2\x80\x99s", "中", "U.S.A",
                                    "straße"};
  for (int i = 0; i < 5; i++) {
    size_t l = strlen(originals[i]);
    CHECK_EQ_INT(g_res.ends[i] - g_res.starts[i], l);
    CHECK(memcmp(t + g_res.starts[i], originals[i], l) == 0);
  }
}

static void test_analyzer__positions_restart(void) {
  kz_analyzer *a = NULL;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  kz_token tok;
  for (int round = 0; round < 3; round++) {
    kz_analyzer_reset(a, "one two three", 13);
    for (uint32_t i = 0; i < 3; i++) {
      CHECK_EQ_INT(kz_analyzer_next(a, &tok), 1);
      CHECK_EQ_INT(tok.position, i);
    }
    CHECK_EQ_INT(kz_analyzer_next(a, &tok), 0);
  }
  kz_analyzer_free(a);
}

static void test_analyzer__stemming(void) {
  const char *t = "Kazakhstan's peacekeeping peacekeepers emergencies emergency running";
  stem_terms(t);
  CHECK(terms_are("kazakhstan|peacekeep|peacekeep|emerg|emerg|run"));
  run_lang("english", 0, t, strlen(t)); /* unstemmed: folded only */
  CHECK(terms_are("kazakhstan's|peacekeeping|peacekeepers|emergencies|emergency|running"));
  run_lang("none", 1, t, strlen(t)); /* "none": next does not stem */
  CHECK(terms_are("kazakhstan's|peacekeeping|peacekeepers|emergencies|emergency|running"));
  run_lang("french", 1, "continuellement nationales", 26);
  CHECK(terms_are("continuel|national"));
  run_lang(NULL, 1, "running", 7); /* NULL means the default, english */
  CHECK(terms_are("run"));
}

static void test_analyzer__unknown_language(void) {
  kz_analyzer *a = (kz_analyzer *)&a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "klingon"), KZ_ERR_INVALID);
  CHECK(a == NULL);
  CHECK_EQ_INT(kz_analyzer_new(&a, ""), KZ_ERR_INVALID);
  CHECK_EQ_INT(kz_analyzer_new(&a, "English"), KZ_ERR_INVALID);
  CHECK_EQ_INT(kz_analyzer_new(&a, "russian"), KZ_OK);
  kz_analyzer_free(a);
  kz_analyzer_free(NULL);
  kz_stemmer *s = (kz_stemmer *)&s;
  CHECK_EQ_INT(kz_stemmer_new(&s, "klingon", 16), KZ_ERR_INVALID);
  CHECK(s == NULL);
  kz_stemmer_free(NULL);
}

/* Builds a made-up English-like word from a number. */
static size_t make_word(uint64_t x, char *out) {
  static const char *stems[] = {"nation", "peace", "keep", "emerg", "run", "happ", "connect",
                                "relat", "general", "hop", "agree", "cry", "sky", "arch"};
  static const char *suffixes[] = {"", "s", "es", "ing", "ed", "ly", "ies", "ational", "ness",
                                   "ful", "ization", "er", "ers", "'s", "ency", "encies", "y"};
  size_t n = 0;
  const char *a = stems[x % 14];
  const char *b = stems[(x / 14) % 14];
  const char *c = suffixes[(x / 196) % 17];
  n += (size_t)sprintf(out + n, "%s%s%s", a, (x / 3332) % 2 ? b : "", c);
  if ((x / 6664) % 3 == 0) n += (size_t)sprintf(out + n, "%u", (unsigned)(x % 97));
  return n;
}

static void test_analyzer__stem_cache(void) {
  kz_stemmer *plain = NULL, *tiny = NULL, *big = NULL;
  CHECK_EQ_INT(kz_stemmer_new(&plain, "english", 0), KZ_OK);
  CHECK_EQ_INT(kz_stemmer_new(&tiny, "english", 7), KZ_OK);     /* resets constantly */
  CHECK_EQ_INT(kz_stemmer_new(&big, "english", KZ_STEM_CACHE_ENTRIES), KZ_OK);
  kz_test_rng rng = kz_test_rng_make(KZ_TEST_XORSHIFT64_STAR, 12345);
  char word[256], expect[256];
  for (int i = 0; i < 200000; i++) {
    /* Zipf-ish: mostly a few hundred words, sometimes one of ~20000. */
    uint64_t r = kz_test_rand(&rng);
    uint64_t x = (r & 7) ? (r >> 8) % 300 : (r >> 8) % 20000;
    size_t n = make_word(x, word);
    const char *out;
    size_t out_len;
    CHECK_EQ_INT(kz_stemmer_stem(plain, word, n, &out, &out_len), KZ_OK);
    CHECK(out_len < sizeof expect && strlen(out) == out_len);
    memcpy(expect, out, out_len + 1);
    CHECK_EQ_INT(kz_stemmer_stem(tiny, word, n, &out, &out_len), KZ_OK);
    CHECK_EQ_STR(out, expect);
    CHECK_EQ_INT(kz_stemmer_stem(big, word, n, &out, &out_len), KZ_OK);
    CHECK_EQ_STR(out, expect);
  }
  /* Long terms bypass the cache and still stem. */
  memset(word, 'a', 250);
  memcpy(word + 250, "ing", 3);
  const char *out;
  size_t out_len;
  CHECK_EQ_INT(kz_stemmer_stem(big, word, 253, &out, &out_len), KZ_OK);
  CHECK_EQ_INT(out_len, 250);
  kz_stemmer_free(plain);
  kz_stemmer_free(tiny);
  kz_stemmer_free(big);

  /* The analyzer's cached pipeline agrees with stemming each term alone. */
  kz_analyzer *a = NULL;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  CHECK_EQ_INT(kz_stemmer_new(&plain, "english", 0), KZ_OK);
  char text[4096];
  for (int round = 0; round < 50; round++) {
    size_t n = 0;
    while (n < sizeof text - 64) {
      n += make_word(kz_test_rand(&rng) % 5000, text + n);
      text[n++] = ' ';
    }
    kz_analyzer_reset(a, text, n);
    kz_token tok;
    while (kz_analyzer_next(a, &tok) == 1) {
      char folded[KZ_MAX_TOKEN_BYTES + 1];
      size_t l = tok.end - tok.start;
      CHECK(l <= KZ_MAX_TOKEN_BYTES);
      for (size_t j = 0; j < l; j++) folded[j] = text[tok.start + j]; /* already lower case */
      CHECK_EQ_INT(kz_stemmer_stem(plain, folded, l, &out, &out_len), KZ_OK);
      CHECK_EQ_INT(out_len, tok.term_len);
      CHECK(memcmp(out, tok.term, out_len) == 0);
    }
  }
  kz_stemmer_free(plain);
  kz_analyzer_free(a);
}

static void test_analyzer__fold_memo(void) {
  /* The memoized fold agrees with folding afresh, through hits, collisions
   * and inputs too long to memoize. */
  static const char *pieces[] = {"a", "É", "ß", "д", "Ж", "ΐ", "中", "か", "\xE3\x82\x99", "हि",
                                 "\xCC\x81", "\xC2\xAD", "ǅ", "İ", "Ａ", "'", "."};
  const size_t n_pieces = sizeof pieces / sizeof pieces[0];
  kz_fold memo = KZ_FOLD_INIT, plain = KZ_FOLD_INIT;
  plain.no_memo = 1;
  kz_test_rng rng = kz_test_rng_make(KZ_TEST_XORSHIFT64_STAR, 777);
  char in[512];
  uint8_t out1[KZ_MAX_TOKEN_BYTES + 1], out2[KZ_MAX_TOKEN_BYTES + 1];
  for (int i = 0; i < 100000; i++) {
    /* A small repeated vocabulary most of the time, fresh strings otherwise. */
    uint64_t r = kz_test_rand(&rng);
    kz_test_rng word_rng =
        kz_test_rng_make(KZ_TEST_XORSHIFT64_STAR, (r & 3) ? (r >> 8) % 500 + 1 : r | 1);
    size_t parts = 1 + (size_t)((r >> 40) % ((r & 16) ? 60 : 12)), n = 0;
    for (size_t k = 0; k < parts; k++) {
      const char *piece = pieces[kz_test_rand(&word_rng) % n_pieces];
      size_t l = strlen(piece);
      if (n + l > sizeof in) break;
      memcpy(in + n, piece, l);
      n += l;
    }
    size_t l1 = 0, l2 = 0;
    int rc1 = kz_fold_utf8(&memo, (const uint8_t *)in, n, out1, KZ_MAX_TOKEN_BYTES, &l1);
    int rc2 = kz_fold_utf8(&plain, (const uint8_t *)in, n, out2, KZ_MAX_TOKEN_BYTES, &l2);
    CHECK_EQ_INT(rc1, rc2);
    if (rc1 == KZ_OK) {
      CHECK_EQ_INT(l1, l2);
      CHECK(memcmp(out1, out2, l1 + 1) == 0);
    }
  }
  kz_fold_free(&memo);
  kz_fold_free(&plain);
}

static void test_analyzer__fold_decode(void) {
  /* The decoder never reads past end, even for a lead byte at the last spot. */
  static const unsigned char lead[] = {0xC3, 0xE4, 0xF0};
  for (size_t i = 0; i < sizeof lead; i++) {
    unsigned char *p = malloc(1);
    CHECK(p);
    p[0] = lead[i];
    int32_t cp;
    CHECK_EQ_INT(kz_fold_decode(p, p + 1, &cp), 0);
    free(p);
  }
  int32_t cp;
  CHECK_EQ_INT(kz_fold_decode((const uint8_t *)"\xF4\x8F\xBF\xBF", (const uint8_t *)"\xF4\x8F\xBF\xBF" + 4, &cp), 4);
  CHECK_EQ_INT(cp, 0x10FFFF);
}

KZ_TEST_MAIN(KZ_TEST(test_analyzer__ascii), KZ_TEST(test_analyzer__case),
             KZ_TEST(test_analyzer__accents), KZ_TEST(test_analyzer__apostrophes),
             KZ_TEST(test_analyzer__uax29_fixes),
             KZ_TEST(test_analyzer__hyphens), KZ_TEST(test_analyzer__periods),
             KZ_TEST(test_analyzer__numbers), KZ_TEST(test_analyzer__cjk),
             KZ_TEST(test_analyzer__mixed_scripts), KZ_TEST(test_analyzer__invalid_utf8),
             KZ_TEST(test_analyzer__random_bytes), KZ_TEST(test_analyzer__nul_bytes),
             KZ_TEST(test_analyzer__huge_tokens), KZ_TEST(test_analyzer__empty_input),
             KZ_TEST(test_analyzer__offsets), KZ_TEST(test_analyzer__positions_restart),
             KZ_TEST(test_analyzer__stemming), KZ_TEST(test_analyzer__unknown_language),
             KZ_TEST(test_analyzer__stem_cache), KZ_TEST(test_analyzer__fold_memo),
             KZ_TEST(test_analyzer__fold_decode))
