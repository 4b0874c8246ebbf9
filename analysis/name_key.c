/*
 * name_key.c - spelling keys of names and the test for a name (see
 * name_key.h). The only user of ICU: its transliterator romanises Cyrillic
 * (Russian and Kazakh) by the BGN/PCGN system, so no table of letters is
 * kept here; what is kept is the short list of spellings that romanisation
 * systems disagree on, folded to one.
 */
#include "analysis/name_key.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "analysis/english_words.h"
#include "analysis/fold.h"
#include "analysis/stemmer.h"
#include "common/limits.h"
#include "kzsearch.h"

/* Enough for any term: a term has at most KZ_MAX_TOKEN_BYTES bytes, so as many UTF-16 units, and
 * BGN writes at most four letters for one ("щ" -> "shch"). */
#define ROMAN_UNITS (4 * KZ_MAX_TOKEN_BYTES + 16)

struct kz_name_keyer {
  UTransliterator *roman; /* NULL until the first non-ASCII term */
  kz_stemmer *stemmer;    /* NULL for the language "none" */
  UChar buf[ROMAN_UNITS];
  char ascii[ROMAN_UNITS + 1];
};

static const char kRomanRules[] = "Kazakh-Latin/BGN; Latin-ASCII";

int kz_name_keyer_new(kz_name_keyer **out, const char *language) {
  kz_name_keyer *k = calloc(1, sizeof *k);
  if (!k) return KZ_ERR_NOMEM;
  if (!language) language = "english";
  /* Few names are Cyrillic: no stem cache. */
  int rc = strcmp(language, "none") ? kz_stemmer_new(&k->stemmer, language, 0) : KZ_OK;
  if (rc) {
    free(k);
    return rc;
  }
  *out = k;
  return KZ_OK;
}

void kz_name_keyer_free(kz_name_keyer *k) {
  if (!k) return;
  if (k->roman) utrans_close(k->roman);
  kz_stemmer_free(k->stemmer);
  free(k);
}

/*
 * Romanises a non-ASCII term into k->ascii (lower case). @return 1 with
 * *out_len set, 0 when the result is not ASCII (a script ICU's rules leave
 * alone), or an error.
 */
static int romanise(kz_name_keyer *k, const char *term, size_t len, size_t *out_len) {
  UErrorCode st = U_ZERO_ERROR;
  if (!k->roman) {
    UChar id[sizeof kRomanRules];
    u_uastrcpy(id, kRomanRules);
    k->roman = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st)) {
      k->roman = NULL;
      return st == U_MEMORY_ALLOCATION_ERROR ? KZ_ERR_NOMEM : KZ_ERR_INVALID;
    }
  }
  int32_t n = 0;
  if (len > KZ_MAX_TOKEN_BYTES) return 0;
  u_strFromUTF8(k->buf, ROMAN_UNITS, &n, term, (int32_t)len, &st);
  if (U_FAILURE(st)) return 0; /* invalid UTF-8: the analyzer never makes such a term */
  int32_t limit = n;
  utrans_transUChars(k->roman, k->buf, &n, ROMAN_UNITS, 0, &limit, &st);
  if (U_FAILURE(st)) return st == U_MEMORY_ALLOCATION_ERROR ? KZ_ERR_NOMEM : 0;
  size_t o = 0;
  for (int32_t i = 0; i < n; i++) {
    UChar c = k->buf[i];
    if (c == 0xB7 || c == 0x2B9 || c == 0x2BA) continue; /* BGN's separators: "n·g" (нг) */
    if (c >= 0x80) return 0;
    k->ascii[o++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  *out_len = o;
  return 1;
}

static int at(const char *s, size_t n, size_t i, const char *pat) {
  size_t m = strlen(pat);
  return i + m <= n && memcmp(s + i, pat, m) == 0;
}

/*
 * Steps 2-4 of the key (name_key.h) over lower-case ASCII s[0..n); the
 * narrow key (`narrow`) keeps q and doubled letters other than i, the two
 * folds that merge different English names (King / Qing, Neil / Neill).
 */
static int fold_spelling(const char *s, size_t n, int narrow, char *out, size_t *out_len) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i], e[2] = {0, 0};
    if (c == '\'' || c == '"') continue;
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a'); /* ICU keeps the case it was given */
    if (c < 'a' || c > 'z') return 0;
    char next = i + 1 < n ? (char)(s[i + 1] | 0x20) : 0;
    if (c == 'x') {
      e[0] = 'k';
      e[1] = 's';
    } else if (at(s, n, i, "dzh")) {
      e[0] = 'j';
      i += 2;
    } else if ((c == 'd' && next == 'j') || (c == 'z' && next == 'h')) {
      e[0] = 'j';
      i++;
    } else if ((c == 'k' || c == 'g') && next == 'h') {
      e[0] = c == 'k' ? 'h' : 'g';
      i++;
    } else if (c == 'q' && !narrow) {
      e[0] = 'k';
    } else if (c == 'y' && (next == 'e' || next == 'o')) {
      e[0] = 'e';
      i++;
    } else {
      e[0] = c == 'y' ? 'i' : c;
    }
    for (int j = 0; j < 2 && e[j]; j++) {
      /* Doubled letters are one; the narrow key keeps those written, not the ii of y/i (Dmitriy). */
      if (o > 0 && out[o - 1] == e[j] && (!narrow || e[j] == 'i')) continue;
      if (o == KZ_NAME_KEY_MAX) return 0;
      out[o++] = e[j];
    }
  }
  out[o] = '\0';
  *out_len = o;
  return o >= KZ_NAME_KEY_MIN;
}

static int key_of(kz_name_keyer *k, const char *term, size_t len, int narrow, char *out,
                  size_t *out_len) {
  int ascii = 1;
  for (size_t i = 0; i < len && ascii; i++) ascii = (unsigned char)term[i] < 0x80;
  if (ascii) return fold_spelling(term, len, narrow, out, out_len);
  size_t n = 0;
  int rc = romanise(k, term, len, &n);
  if (rc <= 0 || n == 0) return rc;
  const char *stem = k->ascii;
  if (k->stemmer && (rc = kz_stemmer_stem(k->stemmer, k->ascii, n, &stem, &n))) return rc;
  return fold_spelling(stem, n, narrow, out, out_len);
}

int kz_name_key(kz_name_keyer *k, const char *term, size_t len, char *out, size_t *out_len) {
  return key_of(k, term, len, 0, out, out_len);
}

int kz_name_spellings_agree(kz_name_keyer *k, const char *a, size_t a_len, int a_english,
                            const char *b, size_t b_len, int b_english) {
  if (a_len == b_len && memcmp(a, b, a_len) == 0) return 1;
  if (a_english && b_english) return 0; /* English spells them apart: Cameron, Cameroon */
  if (!a_english && !b_english) return 1;
  char ka[KZ_NAME_KEY_MAX + 1], kb[KZ_NAME_KEY_MAX + 1];
  size_t na = 0, nb = 0;
  int rc = key_of(k, a, a_len, 1, ka, &na);
  if (rc == 1) rc = key_of(k, b, b_len, 1, kb, &nb);
  if (rc != 1) return rc;
  return na == nb && memcmp(ka, kb, na) == 0;
}

/* Characters that may stand between a sentence's end and its first word. */
static int opens_sentence_gap(int32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\r' || cp == '"' || cp == '\'' || cp == '(' ||
         cp == '[' || cp == 0xA0 || cp == 0x2018 || cp == 0x201C || cp == 0xAB || cp == 0x2014 ||
         cp == 0x2013 || cp == '-';
}

/* The code point that ends at text[end) (end > 0), and its first byte in *start. */
static int32_t decode_before(const char *text, size_t end, size_t *start) {
  size_t s = end - 1;
  while (s > 0 && end - s < 4 && ((unsigned char)text[s] & 0xC0) == 0x80) s--;
  int32_t cp;
  size_t n = kz_fold_decode((const uint8_t *)text + s, (const uint8_t *)text + end, &cp);
  if (n == 0 || s + n != end) {
    *start = end - 1;
    return -1;
  }
  *start = s;
  return cp;
}

int kz_name_capitalised(const char *text, size_t len, size_t start, size_t end) {
  const uint8_t *p = (const uint8_t *)text, *e = p + (end < len ? end : len);
  /* The indexer asks this of every body word; most start with an ASCII
   * byte that is not a capital, and need no decoding. */
  if (start < len && p[start] < 0x80 && (p[start] < 'A' || p[start] > 'Z')) return 0;
  int32_t first, second = 0;
  size_t n = start < len ? kz_fold_decode(p + start, e, &first) : 0;
  if (n == 0 || !kz_fold_is_upper(first)) return 0;
  if (start + n < (size_t)(e - p) && kz_fold_decode(p + start + n, e, &second) &&
      kz_fold_is_upper(second))
    return 0;
  size_t i = start;
  while (i > 0) {
    int32_t cp = decode_before(text, i, &i);
    if (cp == '.' || cp == '!' || cp == '?' || cp == ':' || cp == '\n') return 0;
    if (!opens_sentence_gap(cp)) return 1;
  }
  return 0; /* the text's first word */
}

int kz_name_key_text(kz_name_keyer *k, kz_analyzer *an, const char *text, size_t len, char *out,
                     size_t out_cap) {
  kz_token tok;
  int rc;
  size_t o = 0;
  kz_analyzer_reset(an, text, len);
  while ((rc = kz_analyzer_next(an, &tok)) == 1) {
    char key[KZ_NAME_KEY_MAX + 1];
    size_t n;
    if ((rc = kz_name_key(k, tok.term, tok.term_len, key, &n)) < 0) return rc;
    const char *word = rc ? key : tok.term;
    if (!rc) n = tok.term_len;
    if (o + (o > 0) + n + 1 > out_cap) return 0;
    if (o > 0) out[o++] = ' ';
    memcpy(out + o, word, n);
    o += n;
  }
  if (rc < 0) return rc;
  if (out_cap) out[o] = '\0';
  return o > 0;
}

/* The terms of a whole name, each copied (the analyzer reuses its buffer). */
typedef struct name_terms {
  char term[KZ_NAME_MAX_TERMS][KZ_MAX_TOKEN_BYTES + 1];
  size_t len[KZ_NAME_MAX_TERMS], n;
} name_terms;

static int terms_of(kz_analyzer *an, const char *text, size_t len, name_terms *t) {
  kz_token tok;
  int rc;
  t->n = 0;
  kz_analyzer_reset(an, text, len);
  while ((rc = kz_analyzer_next(an, &tok)) == 1) {
    if (t->n == KZ_NAME_MAX_TERMS || tok.term_len > KZ_MAX_TOKEN_BYTES) return 0;
    memcpy(t->term[t->n], tok.term, tok.term_len);
    t->len[t->n++] = tok.term_len;
  }
  return rc < 0 ? rc : t->n > 0;
}

int kz_name_same_text(kz_name_keyer *k, kz_analyzer *an, const kz_english_words *words,
                      const char *a, size_t a_len, const char *b, size_t b_len) {
  name_terms *ta = malloc(2 * sizeof *ta), *tb = ta ? ta + 1 : NULL;
  if (!ta) return KZ_ERR_NOMEM;
  int rc = terms_of(an, a, a_len, ta);
  if (rc == 1) rc = terms_of(an, b, b_len, tb);
  if (rc == 1 && ta->n != tb->n) rc = 0;
  for (size_t i = 0; rc == 1 && i < ta->n; i++) {
    const char *x = ta->term[i], *y = tb->term[i];
    size_t nx = ta->len[i], ny = tb->len[i];
    if (nx == ny && memcmp(x, y, nx) == 0) continue;
    char kx[KZ_NAME_KEY_MAX + 1], ky[KZ_NAME_KEY_MAX + 1];
    size_t lx = 0, ly = 0;
    rc = kz_name_key(k, x, nx, kx, &lx);
    if (rc == 1) rc = kz_name_key(k, y, ny, ky, &ly);
    if (rc == 1) rc = lx == ly && memcmp(kx, ky, lx) == 0;
    if (rc == 1)
      rc = kz_name_spellings_agree(k, x, nx, kz_english_words_has(words, x, nx), y, ny,
                                   kz_english_words_has(words, y, ny));
  }
  free(ta);
  return rc;
}
