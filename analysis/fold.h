/*
 * fold.h - the Unicode knowledge the analyzer needs: strict UTF-8 decoding,
 * character classes from general categories, and term folding (Unicode case
 * folding, accent stripping, NFC). The only wrapper around utf8proc.
 *
 * Folding is NFC(strip_accents(NFD(casefold(s)))) with default-ignorable code
 * points (soft hyphen, ZWJ, ...) removed. Accent stripping removes combining
 * marks whose base letter belongs to a script where marks are optional
 * diacritics (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic and their
 * extension blocks); marks on other bases (Indic vowel signs, Thai, kana
 * voicing marks) are letters in all but name and are kept, unlike utf8proc's
 * UTF8PROC_STRIPMARK which drops every mark.
 *
 * A kz_fold owns a scratch buffer and a bounded memo of recent foldings; it
 * is not thread-safe.
 */
#ifndef KZ_FOLD_H
#define KZ_FOLD_H

#include <stddef.h>
#include <stdint.h>

/* What the tokenizer needs to know about a code point. */
typedef enum kz_fold_class {
  KZ_FOLD_OTHER = 0,  /* punctuation, symbols, spaces, controls, unassigned */
  KZ_FOLD_LETTER,     /* L* */
  KZ_FOLD_NUMBER,     /* N* */
  KZ_FOLD_MARK,       /* M* */
  KZ_FOLD_FORMAT,     /* Cf */
  KZ_FOLD_CONNECTOR   /* Pc */
} kz_fold_class;

/*
 * Decodes one UTF-8 code point from [p, end), p < end.
 * @return its length in bytes (1-4) with *cp set, or 0 when the bytes at p do
 *         not start a valid sequence (bad lead byte, truncated, overlong,
 *         surrogate, above U+10FFFF); the caller then skips one byte.
 */
size_t kz_fold_decode(const uint8_t *p, const uint8_t *end, int32_t *cp);

/* @return the class of a valid code point. */
kz_fold_class kz_fold_class_of(int32_t cp);

/* @return whether a valid code point is an upper-case or title-case letter (Lu, Lt). */
int kz_fold_is_upper(int32_t cp);

typedef struct kz_fold_memo kz_fold_memo;

typedef struct kz_fold {
  int32_t *cps;       /* decomposition scratch, owned */
  size_t cap;         /* in code points */
  kz_fold_memo *memo; /* owned; fixed size (512 KiB), allocated at first use */
  int no_memo;        /* set to fold every input afresh (tests compare both) */
} kz_fold;

#define KZ_FOLD_INIT {NULL, 0, NULL, 0}

void kz_fold_free(kz_fold *f);

/*
 * Folds the valid UTF-8 string in[0..n) into out[0..out_cap) and
 * NUL-terminates it (out must hold out_cap + 1 bytes).
 * @return KZ_OK with *out_len set; KZ_ERR_LIMIT when the folded form is
 *         longer than out_cap bytes; KZ_ERR_INVALID when `in` is not valid
 *         UTF-8; KZ_ERR_NOMEM.
 */
int kz_fold_utf8(kz_fold *f, const uint8_t *in, size_t n, uint8_t *out, size_t out_cap,
                 size_t *out_len);

#endif /* KZ_FOLD_H */
