/*
 * common_words.c - the fixed list of common English words (see
 * common_words.h) and the test for membership the indexer runs on every
 * token, so it must be cheap: a length check, then a binary search of
 * the few words.
 *
 * The list: the English function words that make up the most tokens of
 * news and encyclopaedia text (each above ~0.2% of the tokens of 3,000
 * Wikipedia articles), in stemmed form. Changing it means a new
 * KZ_COMMON_WORDS_VERSION.
 */
#include "analysis/common_words.h"

#include <string.h>

const char *const kz_common_words[] = {
    "a",    "an",   "and",  "are",   "as",    "at",   "be",    "been",  "but",
    "by",   "for",  "from", "had",   "has",   "have", "he",    "his",   "in",
    "is",   "it",   "not",  "of",    "on",    "one",  "or",    "other", "that",
    "the",  "their", "they", "this", "to",    "was",  "were",  "which", "with",
};
const size_t kz_n_common_words = sizeof kz_common_words / sizeof kz_common_words[0];

/* Bytewise order of term[0..len) against the NUL-terminated word w. */
static int compare(const char *term, size_t len, const char *w) {
  size_t wl = strlen(w), n = len < wl ? len : wl;
  int c = memcmp(term, w, n);
  if (c) return c;
  return len < wl ? -1 : len > wl;
}

int kz_common_word(const char *term, size_t len) {
  if (len == 0 || len > KZ_COMMON_WORD_MAX_BYTES) return 0;
  size_t lo = 0, hi = kz_n_common_words;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = compare(term, len, kz_common_words[mid]);
    if (c == 0) return 1;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return 0;
}

int kz_common_words_for(const char *language) {
  return language && strcmp(language, "english") == 0;
}
