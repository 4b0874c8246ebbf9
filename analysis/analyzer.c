/*
 * analyzer.c - the analysis pipeline (see analyzer.h for the normative rules):
 * UTF-8 decoding -> tokenization -> folding -> stemming.
 *
 * Owns: the stemmer (with its cache), the folding scratch, and two fixed
 * buffers, `raw` (the token as scanned: ASCII already lower-cased,
 * apostrophes already ASCII) and `term` (its folded form).
 *
 * Invariants: a->p only moves forward, and every read is checked against
 * a->end; an emitted term is valid UTF-8 without NUL, 1..KZ_MAX_TOKEN_BYTES
 * bytes long and NUL-terminated; positions count emitted tokens only.
 *
 * Speed: most text is ASCII, so ASCII bytes are classified by a table and
 * lower-cased while being copied; an all-ASCII token is then final (ASCII
 * lower-casing is Unicode case folding there) and utf8proc runs only for
 * tokens holding other bytes. A token longer than RAW_CAP bytes as scanned is
 * skipped without folding: only a pile of combining marks or ignorable code
 * points could fold it back under KZ_MAX_TOKEN_BYTES, and such a token is
 * noise; this also keeps a megabyte-long "word" from being copied anywhere.
 */
#include "analysis/analyzer.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/fold.h"
#include "common/limits.h"
#include "analysis/stemmer.h"
#include "kzsearch.h"

#define RAW_CAP (8u * KZ_MAX_TOKEN_BYTES)

/* Character classes as the tokenizer sees them. */
enum {
  C_SEP = 0, /* separators, and invalid bytes */
  C_LETTER,
  C_DIGIT,
  C_CONNECT, /* Pc: joins, but does not make a token on its own */
  C_EXTEND,  /* marks and format characters: continue a token, never start one */
  C_APOS,    /* ' U+2019 U+02BC: kept between letters/digits */
  C_PERIOD,  /* kept between letters/digits */
  C_COMMA,   /* kept between digits */
  C_CJK      /* a token of its own */
};

#define S C_SEP
#define L C_LETTER
#define D C_DIGIT
static const uint8_t ascii_class[128] = {
    S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, /* controls */
    S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, /* controls */
    S, S, S, S, S, S, S, C_APOS, S, S, S, S, C_COMMA, S, C_PERIOD, S, /*  !"#$%&'()*+,-./ */
    D, D, D, D, D, D, D, D, D, D, S, S, S, S, S, S, /* 0-9 :;<=>? */
    S, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, /* @A-O */
    L, L, L, L, L, L, L, L, L, L, L, S, S, S, S, C_CONNECT, /* P-Z [\]^_ */
    S, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, /* `a-o */
    L, L, L, L, L, L, L, L, L, L, L, S, S, S, S, S, /* p-z {|}~ DEL */
};
#undef S
#undef L
#undef D

struct kz_analyzer {
  const uint8_t *text, *p, *end; /* text <= p <= end */
  uint32_t position;
  kz_stemmer *stemmer; /* NULL for "none" */
  kz_fold fold;
  uint8_t raw[RAW_CAP + 1];
  uint8_t term[KZ_MAX_TOKEN_BYTES + 1];
};

/* ------------------------------------------------------------------------ */
/* Classification                                                           */

static int is_cjk(int32_t c) {
  return (c >= 0x3031 && c <= 0x3035) ||   /* kana repeat marks */
         (c >= 0x3040 && c <= 0x30FF) ||   /* Hiragana, Katakana */
         (c >= 0x31F0 && c <= 0x31FF) ||   /* Katakana phonetic extensions */
         (c >= 0x3400 && c <= 0x4DBF) ||   /* CJK Extension A */
         (c >= 0x4E00 && c <= 0x9FFF) ||   /* CJK Unified Ideographs */
         (c >= 0xAC00 && c <= 0xD7AF) ||   /* Hangul syllables */
         (c >= 0xF900 && c <= 0xFAFF) ||   /* CJK Compatibility Ideographs */
         (c >= 0x20000 && c <= 0x2FFFF);   /* supplementary ideographic plane */
}

/* CJK code points whose folded form differs from themselves (NFC maps the
 * compatibility ideographs to unified ones). */
static int cjk_needs_fold(int32_t c) {
  return (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

static int unicode_class(int32_t c) {
  if (c == 0x2019 || c == 0x02BC) return C_APOS;
  if (c == 0x200B) return C_SEP; /* zero width space is Cf but means a break */
  int k = kz_fold_class_of(c);
  if (is_cjk(c)) {
    if (k == KZ_FOLD_LETTER || k == KZ_FOLD_NUMBER) return C_CJK;
    if (k == KZ_FOLD_MARK) return C_EXTEND; /* kana voicing marks */
    return C_SEP;                           /* e.g. the katakana middle dot */
  }
  switch (k) {
    case KZ_FOLD_LETTER: return C_LETTER;
    case KZ_FOLD_NUMBER: return C_DIGIT;
    case KZ_FOLD_CONNECTOR: return C_CONNECT;
    case KZ_FOLD_MARK:
    case KZ_FOLD_FORMAT: return C_EXTEND;
    default: return C_SEP;
  }
}

/* The class of the character at p < end, its length in *len (1 for an invalid
 * byte, which is a separator) and its code point in *cp. */
static inline int classify(const uint8_t *p, const uint8_t *end, size_t *len, int32_t *cp) {
  if (*p < 0x80) {
    *len = 1;
    *cp = *p;
    return ascii_class[*p];
  }
  size_t n = kz_fold_decode(p, end, cp);
  if (!n) {
    *len = 1;
    *cp = -1;
    return C_SEP;
  }
  *len = n;
  return unicode_class(*cp);
}

/* ------------------------------------------------------------------------ */
/* Lifecycle                                                                */

int kz_analyzer_new(kz_analyzer **out, const char *language) {
  return kz_analyzer_new_cached(out, language, KZ_STEM_CACHE_ENTRIES);
}

int kz_analyzer_new_cached(kz_analyzer **out, const char *language, size_t cache_entries) {
  assert(out);
  *out = NULL;
  if (!language) language = "english";
  kz_analyzer *a = calloc(1, sizeof *a);
  if (!a) return KZ_ERR_NOMEM;
  a->fold = (kz_fold)KZ_FOLD_INIT;
  if (strcmp(language, "none") != 0) {
    int rc = kz_stemmer_new(&a->stemmer, language, cache_entries);
    if (rc) {
      free(a);
      return rc;
    }
  }
  *out = a;
  return KZ_OK;
}

void kz_analyzer_free(kz_analyzer *a) {
  if (!a) return;
  kz_stemmer_free(a->stemmer);
  kz_fold_free(&a->fold);
  free(a);
}

void kz_analyzer_reset(kz_analyzer *a, const char *text, size_t len) {
  assert(a);
  if (text) {
    a->text = a->p = (const uint8_t *)text;
    a->end = a->p + len;
  } else {
    a->text = a->p = a->end = NULL;
  }
  a->position = 0;
}

/* ------------------------------------------------------------------------ */
/* Tokenizing                                                               */

typedef struct scan {
  uint8_t *raw;
  size_t len;
  int overflow; /* more than RAW_CAP bytes: the token will be skipped */
  int folded;   /* raw is already its folded form (all ASCII, or one plain CJK character) */
} scan;

static inline void put_byte(scan *s, uint8_t b) {
  if (s->len < RAW_CAP)
    s->raw[s->len++] = b;
  else
    s->overflow = 1;
}

static inline void put_char(scan *s, const uint8_t *p, size_t n) {
  if (n == 1) {
    uint8_t b = p[0];
    put_byte(s, (uint8_t)(b - 'A') < 26u ? (uint8_t)(b + 32) : b);
    return;
  }
  s->folded = 0;
  if (n <= RAW_CAP - s->len) {
    memcpy(s->raw + s->len, p, n);
    s->len += n;
  } else {
    s->overflow = 1;
  }
}

/*
 * Scans a word that starts at p with a character of class `cls` (letter,
 * digit or connector). @return the end of the word; *has_alnum tells whether
 * it holds a letter or digit.
 */
static const uint8_t *scan_word(scan *s, const uint8_t *p, const uint8_t *end, int cls,
                                size_t len, int *has_alnum) {
  int last = cls; /* class of the last letter/digit/connector, skipping extenders */
  int alnum = cls != C_CONNECT;
  put_char(s, p, len);
  p += len;
  while (p < end) {
    int32_t cp;
    /* The common case: a run of ASCII letters and digits. */
    if (*p < 0x80) {
      int c = ascii_class[*p];
      if (c == C_LETTER || c == C_DIGIT) {
        put_char(s, p, 1);
        last = c;
        alnum = 1;
        p++;
        continue;
      }
    }
    int c = classify(p, end, &len, &cp);
    if (c == C_LETTER || c == C_DIGIT || c == C_CONNECT) {
      put_char(s, p, len);
      last = c;
      alnum |= c != C_CONNECT;
      p += len;
    } else if (c == C_EXTEND) {
      put_char(s, p, len);
      p += len;
    } else if (c == C_APOS || c == C_PERIOD || c == C_COMMA) {
      /* As UAX #29 WB6/7 and WB11/12 (letter ' letter, letter . letter,
       * digit ' . , digit), but a letter and a digit also join ("90's");
       * marks and format characters after the punctuation belong to it
       * (WB4) and are left out of the term. */
      if (!(last == C_DIGIT || (last == C_LETTER && c != C_COMMA))) break;
      const uint8_t *q = p + len;
      size_t nlen = 0;
      int32_t ncp;
      int n = C_SEP;
      while (q < end && (n = classify(q, end, &nlen, &ncp)) == C_EXTEND) q += nlen;
      if (q >= end || !(n == C_DIGIT || (n == C_LETTER && c != C_COMMA))) break;
      put_byte(s, c == C_APOS ? '\'' : c == C_PERIOD ? '.' : ',');
      p = q; /* the letter or digit after it is taken by the next round */
    } else {
      break;
    }
  }
  *has_alnum = alnum;
  return p;
}

/* Scans a CJK character at p and the marks that combine with it. */
static const uint8_t *scan_cjk(scan *s, const uint8_t *p, const uint8_t *end, size_t len,
                               int32_t cp) {
  put_char(s, p, len);
  p += len;
  int single = !cjk_needs_fold(cp);
  while (p < end) {
    int32_t c2;
    size_t l2;
    if (classify(p, end, &l2, &c2) != C_EXTEND) break;
    put_char(s, p, l2);
    p += l2;
    single = 0;
  }
  /* A lone unified ideograph, kana or syllable is its own folded form. */
  s->folded = single;
  return p;
}

/* Produces the next folded term; *cjk tells whether it is a CJK token. */
static int next_folded(kz_analyzer *a, kz_token *tok, int *cjk) {
  assert(a && tok);
  const uint8_t *p = a->p, *end = a->end;
  for (;;) {
    int cls;
    size_t len;
    int32_t cp;
    for (;;) {
      if (p >= end) {
        a->p = p;
        return 0;
      }
      cls = classify(p, end, &len, &cp);
      if (cls == C_LETTER || cls == C_DIGIT || cls == C_CONNECT || cls == C_CJK) break;
      p += len;
    }

    const uint8_t *start = p;
    scan s = {a->raw, 0, 0, 1};
    int alnum = 1;
    *cjk = cls == C_CJK;
    if (*cjk)
      p = scan_cjk(&s, p, end, len, cp);
    else
      p = scan_word(&s, p, end, cls, len, &alnum);
    a->p = p;
    if (!alnum || s.overflow) continue;

    const uint8_t *term;
    size_t term_len;
    if (s.folded) {
      if (s.len > KZ_MAX_TOKEN_BYTES) continue;
      s.raw[s.len] = 0;
      term = s.raw;
      term_len = s.len;
    } else {
      int rc = kz_fold_utf8(&a->fold, s.raw, s.len, a->term, KZ_MAX_TOKEN_BYTES, &term_len);
      if (rc == KZ_ERR_NOMEM) return rc;
      if (rc || term_len == 0) continue; /* too long after folding */
      term = a->term;
    }
    tok->term = (const char *)term;
    tok->term_len = term_len;
    tok->position = a->position++;
    tok->start = (size_t)(start - a->text);
    tok->end = (size_t)(p - a->text);
    return 1;
  }
}

/* ------------------------------------------------------------------------ */
/* Public iteration                                                         */

int kz_analyzer_next_unstemmed(kz_analyzer *a, kz_token *tok) {
  int cjk;
  return next_folded(a, tok, &cjk);
}

int kz_analyzer_next(kz_analyzer *a, kz_token *tok) {
  int cjk;
  int rc = next_folded(a, tok, &cjk);
  /* Snowball has nothing to do with a single ideograph or syllable. */
  if (rc != 1 || !a->stemmer || cjk) return rc;
  const char *stem;
  size_t stem_len;
  int src = kz_stemmer_stem(a->stemmer, tok->term, tok->term_len, &stem, &stem_len);
  if (src) return src;
  /* Keeps the length invariant should some stemmer ever lengthen a term. */
  if (stem_len > 0 && stem_len <= KZ_MAX_TOKEN_BYTES) {
    tok->term = stem;
    tok->term_len = stem_len;
  }
  return 1;
}
