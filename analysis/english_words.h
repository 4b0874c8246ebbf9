/*
 * english_words.h - the words of an English word list (Debian's wamerican,
 * /usr/share/dict/words), stemmed as the index stems its terms, for the
 * names rule of analysis/name_key.h: a spelling that English already has
 * (a word or a common name such as "Cameron", "Sydney", "King") is not a
 * transliteration to be respelled. README.md, "Names spelled several
 * ways", states the rule.
 */
#ifndef KZ_ENGLISH_WORDS_H
#define KZ_ENGLISH_WORDS_H

#include <stddef.h>

/* Where Debian's wamerican (and wbritish) install the list. */
#define KZ_ENGLISH_WORDS_PATH "/usr/share/dict/words"

typedef struct kz_english_words kz_english_words;

/*
 * Reads the list at `path` (one word a line; lines with anything but ASCII
 * letters, such as possessives, are skipped), each word lower-cased and
 * stemmed for `language` (kz_stemmer_new; "none": not stemmed). A missing
 * file (or a NULL path) gives an empty set: the rule then merges as if no spelling were
 * English. @return KZ_OK, KZ_ERR_NOMEM, KZ_ERR_INVALID (unknown language),
 * KZ_ERR_IO (the file exists but cannot be read).
 */
int kz_english_words_load(kz_english_words **out, const char *path, const char *language);
void kz_english_words_free(kz_english_words *w);

/* Whether the indexed term[0..len) is the stem of a word of the list. */
int kz_english_words_has(const kz_english_words *w, const char *term, size_t len);

/* The number of distinct stems held (0 when the list was missing). */
size_t kz_english_words_size(const kz_english_words *w);

#endif /* KZ_ENGLISH_WORDS_H */
