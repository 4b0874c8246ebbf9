/*
 * english_words.c - the stemmed English word list of the names rule (see
 * english_words.h): the stems in a string set (common/str_table.c).
 */
#include "analysis/english_words.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stemmer.h"
#include "common/str_table.h"
#include "kzsearch.h"

/* The longest word of the list that is kept; longer lines are no name anyway. */
#define KZ_ENGLISH_WORD_MAX 64
/* The first sizes of the set, enough for wamerican; a larger list grows them. */
#define KZ_ENGLISH_WORDS (1u << 17)
#define KZ_ENGLISH_WORD_BYTES (1u << 20)

struct kz_english_words {
  kz_str_table stems;
};

/* The line lower-cased into out; 0 when it holds anything but ASCII letters. */
static size_t plain_word(const char *line, char *out) {
  size_t n = 0;
  for (; line[n] && line[n] != '\n'; n++) {
    char c = line[n];
    if (n == KZ_ENGLISH_WORD_MAX) return 0;
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c < 'a' || c > 'z') return 0;
    out[n] = c;
  }
  return n;
}

int kz_english_words_load(kz_english_words **out, const char *path, const char *language) {
  kz_english_words *w = calloc(1, sizeof *w);
  if (!w) return KZ_ERR_NOMEM;
  kz_stemmer *stemmer = NULL;
  int rc = language && strcmp(language, "none") ? kz_stemmer_new(&stemmer, language, 0) : KZ_OK;
  FILE *f = rc || !path ? NULL : fopen(path, "r");
  if (!rc && path && !f && errno != ENOENT && errno != ENOTDIR) rc = KZ_ERR_IO;
  /* Room for wamerican (73k words, 0.7 MB) at once: no rehashing. */
  if (!rc && f) rc = kz_str_table_reserve(&w->stems, KZ_ENGLISH_WORDS, KZ_ENGLISH_WORD_BYTES);
  char line[256], word[KZ_ENGLISH_WORD_MAX + 1];
  while (!rc && f && fgets(line, sizeof line, f)) {
    size_t n = plain_word(line, word);
    if (!n) continue;
    const char *stem = word;
    if (stemmer) rc = kz_stemmer_stem(stemmer, word, n, &stem, &n);
    if (!rc) rc = kz_str_table_put(&w->stems, stem, n, NULL, NULL);
  }
  if (!rc && f && ferror(f)) rc = KZ_ERR_IO;
  if (f) fclose(f);
  kz_stemmer_free(stemmer);
  if (rc) {
    kz_english_words_free(w);
    return rc;
  }
  *out = w;
  return KZ_OK;
}

void kz_english_words_free(kz_english_words *w) {
  if (!w) return;
  kz_str_table_free(&w->stems);
  free(w);
}

int kz_english_words_has(const kz_english_words *w, const char *term, size_t len) {
  return w && kz_str_table_find(&w->stems, term, len, NULL);
}

size_t kz_english_words_size(const kz_english_words *w) {
  return w ? kz_str_table_count(&w->stems) : 0;
}
