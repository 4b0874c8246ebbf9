/*
 * fuzzy_scan.h - finds the keys of a sorted dictionary within a few edits
 * of one or two target words, without computing one edit distance per key.
 *
 * The distance is Damerau-Levenshtein in its optimal-string-alignment form
 * (an adjacent transposition is one edit, as Lucene's default), counted in
 * Unicode code points. The scan walks the keys in byte order and keeps one
 * dynamic-programming row per code point of the current key, so keys that
 * share a prefix share its rows. When every target's row at some depth has
 * no cell within the distance, no key with that prefix can match (the row
 * minimum never decreases with depth), and the scan seeks the dictionary
 * past the whole prefix.
 */
#ifndef KZ_FUZZY_SCAN_H
#define KZ_FUZZY_SCAN_H

#include <stddef.h>
#include <stdint.h>

/* The longest word or key the scan compares, in code points; longer keys never match. */
#define KZ_FUZZY_MAX_LETTERS 128

/* A sorted dictionary, as the scan reads it (format/term_enum.h over an index, or an array). */
typedef struct kz_dict_source {
  void *ctx;
  /* The next key will be the first >= key[0..len). @return KZ_OK or a negative status. */
  int (*seek)(void *ctx, const char *key, size_t len);
  /* @return 1 with *key / *len (valid until the next call), 0 at the end, or a negative status. */
  int (*next)(void *ctx, const char **key, size_t *len);
} kz_dict_source;

/*
 * Called for each key within the distance of a target, in key order, with
 * the smallest distance. Return non-zero to stop the scan (it then returns
 * that value).
 */
typedef int (*kz_fuzzy_visit)(void *ctx, const char *key, size_t len, int distance);

/*
 * Visits the keys that start with the `skip` bytes lead[0..skip) (a field
 * byte; may be 0) and whose rest is within max_edits (0..2) of targets[i]
 * (n_targets 1 or 2; each at most KZ_FUZZY_MAX_LETTERS code points of
 * UTF-8). *compared, when not NULL, receives the number of keys read.
 * @return KZ_OK, what the source or the visitor returned, KZ_ERR_INVALID
 *         (a target too long, or max_edits out of range), KZ_ERR_NOMEM.
 */
int kz_fuzzy_scan(const kz_dict_source *dict, const char *lead, size_t skip,
                  const char *const *targets, const size_t *target_lens, size_t n_targets,
                  int max_edits, kz_fuzzy_visit visit, void *visit_ctx, uint64_t *compared);

/* The OSA distance of a and b (UTF-8, code points), for tests and brute force. */
int kz_fuzzy_distance(const char *a, size_t a_len, const char *b, size_t b_len);

#endif /* KZ_FUZZY_SCAN_H */
