/*
 * name_table.h - the per-segment table of name spellings (docs/FORMAT.md,
 * "Names"; file kind KZ_SEGFILE_NAMES): for each spelling key
 * (analysis/name_key.h), the indexed terms of the capitalised words that
 * have it. Its writer and its reader live here side by side.
 *
 * Body: u32 n_entries (its top bit, KZ_NAME_TABLE_FLAGGED, set: the entries
 * carry flags), u32 offsets[n_entries] (of each entry from the first
 * entry's start), then the entries, each u8 key_len, key, u8 term_len, term
 * (the term without its field byte), u8 flags (KZ_NAME_ENGLISH), sorted by
 * key, then term, bytewise, with no entry twice. A segment without the file
 * has an empty table. Tables written before the flags (top bit clear) have
 * entries without the flags byte and read as not English.
 */
#ifndef KZ_NAME_TABLE_H
#define KZ_NAME_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* Flag: the term is an English word or common name (analysis/english_words.h). */
#define KZ_NAME_ENGLISH 1u
/* In n_entries: the entries carry the flags byte (every table written since the flags). */
#define KZ_NAME_TABLE_FLAGGED 0x80000000u

typedef struct kz_name_entry {
  const char *key, *term;
  size_t key_len, term_len;
  int english; /* kz_name_spellings_agree's rule */
} kz_name_entry;

/* An opened table: views into a mapped file (all NULL / 0 for an empty one). */
typedef struct kz_name_table {
  const uint8_t *offsets, *entries;
  size_t entries_size;
  uint32_t n;
  unsigned flags_bytes; /* 1 when the entries carry flags (KZ_NAME_TABLE_FLAGGED), else 0 */
} kz_name_table;

/*
 * Sorts entries[0..n) and drops repeated ones, then writes them as the
 * names file of segment `segment_id` in dir; *bytes gets its size.
 * @return KZ_OK, KZ_ERR_INVALID (a key or term of 0 or more than 255
 *         bytes), KZ_ERR_IO (errno says why), KZ_ERR_NOMEM.
 */
int kz_name_table_write(const char *dir, uint32_t segment_id, kz_name_entry *entries, size_t n,
                        uint64_t *bytes);

/* Sets t up over a file's body (NULL, 0: empty). @return KZ_OK or KZ_ERR_CORRUPT. */
int kz_name_table_open(kz_name_table *t, const uint8_t *body, size_t size);

/* Entry i < t->n, bounds-checked. @return KZ_OK or KZ_ERR_CORRUPT. */
int kz_name_table_entry(const kz_name_table *t, uint32_t i, kz_name_entry *e);

/*
 * The first entry whose key is not smaller than key[0..len) (t->n when
 * none), by binary search. @return KZ_OK or KZ_ERR_CORRUPT.
 */
int kz_name_table_seek(const kz_name_table *t, const char *key, size_t len, uint32_t *first);

/* Every entry readable, its key of letters a-z, no unknown flag, in strictly increasing order.
 * @return KZ_OK or KZ_ERR_CORRUPT. */
int kz_name_table_verify(const kz_name_table *t);

#endif /* KZ_NAME_TABLE_H */
