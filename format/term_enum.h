/*
 * term_enum.h - walks the term dictionaries of several segments as one: seek
 * to a key, then keys in order (bytewise), each once, with the segments that
 * hold it and their dictionary entries. The statistics (distinct terms), the
 * merger and, later, prefix and fuzzy expansion read the dictionaries through
 * it, so that there is one k-way merge of dictionaries in the code.
 *
 * Seeking costs a binary search over each segment's dictionary blocks and a
 * scan of one block; each next costs O(log segments) key comparisons plus
 * decoding the entries it returns. The enumerator only reads the segments,
 * which must stay open while it is used; one enumerator is for one thread.
 */
#ifndef KZ_TERM_ENUM_H
#define KZ_TERM_ENUM_H

#include <stddef.h>
#include <stdint.h>

#include "format/segment_reader.h"

/* One segment's entry for the current key. */
typedef struct kz_term_match {
  size_t segment;    /* index into the segments given to kz_term_enum_new */
  kz_term_info info; /* its dictionary entry (df, cf, postings and positions ranges) */
} kz_term_match;

typedef struct kz_term_enum kz_term_enum;

/*
 * An enumerator over segs[0..n) (n may be 0), positioned before the first
 * key. @return KZ_OK, KZ_ERR_NOMEM.
 */
int kz_term_enum_new(kz_term_enum **out, const kz_segment *segs, size_t n);
void kz_term_enum_free(kz_term_enum *e); /* accepts NULL */

/*
 * Positions the enumerator so that the next call to next returns the first
 * key >= `key` (key_len 0: the first key of all). To list the keys with a
 * prefix, seek to the prefix and stop at the first key without it.
 * @return KZ_OK, KZ_ERR_CORRUPT (the enumerator is then at its end).
 */
int kz_term_enum_seek(kz_term_enum *e, const char *key, size_t key_len);

/*
 * Moves to the next key. On 1, *key / *key_len and matches[0..*n_matches)
 * (at least one, in ascending segment order) describe it; they are borrowed
 * until the next call of next or seek (the key is a segment iterator's own
 * buffer: copy it before passing it to seek).
 * @return 1, 0 at the end, KZ_ERR_CORRUPT.
 */
int kz_term_enum_next(kz_term_enum *e, const char **key, size_t *key_len,
                      const kz_term_match **matches, size_t *n_matches);

#endif /* KZ_TERM_ENUM_H */
