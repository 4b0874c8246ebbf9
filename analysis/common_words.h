/*
 * common_words.h - the list of common English words whose adjacent pairs
 * the index keeps as terms of their own (field 2, "pairs of field 0";
 * docs/FORMAT.md, "Pairs of common words"), as Lucene's CommonGrams does:
 * a phrase such as "of the" then reads one short postings list instead of
 * intersecting the positions of two of the longest.
 *
 * The words are the most frequent English function words, in the form the
 * English analyzer gives them (stemmed: "its" is "it"). The list is fixed
 * per KZ_COMMON_WORDS_VERSION: a segment records the version and the words
 * it indexed pairs of (format/pairs_file.h), so a later list never misreads
 * an older segment.
 */
#ifndef KZ_COMMON_WORDS_H
#define KZ_COMMON_WORDS_H

#include <stddef.h>

/* The version of the list below; written into every segment that has pairs. */
#define KZ_COMMON_WORDS_VERSION 1u
/* The longest word of the list, in bytes. */
#define KZ_COMMON_WORD_MAX_BYTES 5u
/* The byte between the two words of a pair key: no analyzed term holds a space. */
#define KZ_PAIR_SEPARATOR ' '

/* The words, sorted bytewise (kz_common_word searches them). */
extern const char *const kz_common_words[];
extern const size_t kz_n_common_words;

/* Whether the analyzed term[0..len) is one of the words. */
int kz_common_word(const char *term, size_t len);

/*
 * Whether pairs are indexed for a language: only English, whose analyzer
 * gives the words of the list.
 */
int kz_common_words_for(const char *language);

#endif /* KZ_COMMON_WORDS_H */
