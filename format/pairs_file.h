/*
 * pairs_file.h - the per-segment file that says the segment indexes pairs
 * of common words (docs/FORMAT.md, "Pairs of common words"; file kind
 * KZ_SEGFILE_PAIRS, listed as required so that an older kzsearch refuses
 * the segment instead of misreading its field-2 keys). Its writer and its
 * reader live here side by side.
 *
 * Body: u32 list version, u32 n_words, then n_words entries u8 len, word,
 * sorted bytewise, no word twice, none empty or holding the pair separator.
 * A segment with the file has, for every two adjacent tokens of field 0
 * that are both words of its list, the term 0x02 first ' ' second at the
 * first one's position; a segment without it has no field-2 key.
 */
#ifndef KZ_PAIRS_FILE_H
#define KZ_PAIRS_FILE_H

#include <stddef.h>
#include <stdint.h>

/* The longest word a list may hold, and the most words. */
#define KZ_PAIR_WORD_MAX_BYTES 32u
#define KZ_PAIR_WORDS_MAX 256u

/* An opened list: a view into the mapped file (n == 0 and body NULL: the segment has no pairs). */
typedef struct kz_pair_words {
  uint32_t version, n;
  const uint8_t *words; /* the entries */
  size_t words_size;
} kz_pair_words;

/*
 * Writes the pairs file of segment `segment_id` in dir for `version` and
 * words[0..n) (sorted, distinct); *bytes gets its size.
 * @return KZ_OK, KZ_ERR_INVALID (a word empty, too long or out of order),
 *         KZ_ERR_IO (errno says why), KZ_ERR_NOMEM.
 */
int kz_pairs_file_write(const char *dir, uint32_t segment_id, uint32_t version,
                        const char *const *words, size_t n, uint64_t *bytes);

/* Writes an opened list (a merge's sources' one) as the pairs file of segment `segment_id`. */
int kz_pairs_file_copy(const char *dir, uint32_t segment_id, const kz_pair_words *w,
                       uint64_t *bytes);

/*
 * Sets w up over a file's body, checking every entry (bounds, order, no
 * separator). @return KZ_OK or KZ_ERR_CORRUPT.
 */
int kz_pair_words_open(kz_pair_words *w, const uint8_t *body, size_t size);

/* Whether term[0..len) is a word of the list (w opened by kz_pair_words_open). */
int kz_pair_words_has(const kz_pair_words *w, const char *term, size_t len);

/* Whether two opened lists are the same (version and words). */
int kz_pair_words_equal(const kz_pair_words *a, const kz_pair_words *b);

#endif /* KZ_PAIRS_FILE_H */
