/*
 * query_suffix.c - reads the prefix and fuzzy suffixes of a query word (see
 * query_suffix.h). A '*' or '~' anywhere else in a word is an error rather
 * than a different query, so that nothing is misread in silence.
 */
#include "searcher/query_suffix.h"

#include <string.h>

#include "common/error.h"

/* The shortest prefix that may be expanded, in letters: "a*" would match most of the dictionary. */
#define MIN_PREFIX_LETTERS 2

int kz_fuzzy_auto_edits(size_t letters) { return letters <= 2 ? 0 : letters <= 5 ? 1 : 2; }

/* Code points in s[0..n) (UTF-8 lead bytes; invalid bytes count as one each). */
static size_t letters_of(const char *s, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < n; i++) count += ((unsigned char)s[i] & 0xC0) != 0x80;
  return count;
}

static int prefix_word(const char *w, size_t len, size_t pos, size_t star, size_t *text_len,
                       kz_error *err) {
  if (star + 1 != len || star == 0)
    return kz_error_set_at(err, KZ_ERR_QUERY, pos + star,
                           "'*' at %zu may only end a word, as in peace* (no leading or inner "
                           "wildcards)",
                           pos + star);
  const char *tilde = memchr(w, '~', star);
  if (tilde)
    return kz_error_set_at(err, KZ_ERR_QUERY, pos + (size_t)(tilde - w),
                           "a word cannot be both fuzzy and a prefix ('~' at %zu)",
                           pos + (size_t)(tilde - w));
  if (letters_of(w, star) < MIN_PREFIX_LETTERS)
    return kz_error_set_at(err, KZ_ERR_QUERY, pos,
                           "the prefix '%.*s*' at %zu is too short: a prefix needs at least %d "
                           "letters",
                           (int)star, w, pos, MIN_PREFIX_LETTERS);
  *text_len = star;
  return KZ_OK;
}

static int fuzzy_word(const char *w, size_t len, size_t pos, size_t tilde, size_t *text_len,
                      int *max_edits, kz_error *err) {
  if (tilde == 0)
    return kz_error_set_at(err, KZ_ERR_QUERY, pos, "'~' at %zu needs a word before it, as in tokaev~1",
                           pos);
  const char *n = w + tilde + 1;
  size_t n_len = len - tilde - 1;
  if (n_len == 0) {
    *max_edits = -1;
  } else if (n_len == 1 && n[0] >= '0' && n[0] <= '2') {
    *max_edits = n[0] - '0';
  } else {
    int shown = (int)(n_len < 16 ? n_len : 16);
    return kz_error_set_at(err, KZ_ERR_QUERY, pos + tilde,
                           "'~%.*s' at %zu: a fuzzy word takes ~0, ~1, ~2 edits, or a bare ~ "
                           "for automatic",
                           shown, n, pos + tilde);
  }
  *text_len = tilde;
  return KZ_OK;
}

int kz_query_word_suffix(const char *word, size_t len, size_t pos, kz_qkind *kind,
                         size_t *text_len, int *max_edits, kz_error *err) {
  *kind = KZ_Q_WORD;
  *text_len = len;
  *max_edits = -1;
  const char *star = memchr(word, '*', len), *tilde = memchr(word, '~', len);
  int rc = KZ_OK;
  if (star) {
    rc = prefix_word(word, len, pos, (size_t)(star - word), text_len, err);
    if (!rc) *kind = KZ_Q_PREFIX;
  } else if (tilde) {
    rc = fuzzy_word(word, len, pos, (size_t)(tilde - word), text_len, max_edits, err);
    if (!rc) *kind = KZ_Q_FUZZY;
  }
  return rc;
}
