/*
 * str_table.h - a set of short byte strings, each numbered densely in the
 * order it was first added (0, 1, 2, ...), so that a caller keeps what it
 * knows of each string in a plain array indexed by that number.
 *
 * Used where a module only needs "have I seen this string, and which one is
 * it": the English word list (analysis/english_words.c) and the names of a
 * segment being built (indexer/name_collector.c). Nothing is ever removed
 * one by one; kz_str_table_clear empties the whole set.
 */
#ifndef KZ_STR_TABLE_H
#define KZ_STR_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

typedef struct kz_str_table_slot {
  uint32_t hash; /* low bits of the key's hash: most mismatches end here */
  uint32_t id;   /* the key's number + 1; 0: an empty slot */
} kz_str_table_slot;

/* Zero-initialised (KZ_STR_TABLE_INIT) is an empty table. */
typedef struct kz_str_table {
  kz_str_table_slot *slots; /* power-of-two size, at most half full */
  size_t cap;               /* slots */
  uint32_t *ends;           /* key i is bytes[ends[i - 1] (0 for i = 0) .. ends[i]) */
  size_t n, cap_ends;
  kz_buf bytes; /* the keys, back to back */
} kz_str_table;

#define KZ_STR_TABLE_INIT {NULL, 0, NULL, 0, 0, KZ_BUF_INIT}

/*
 * Makes room for `keys` keys of `bytes` bytes in all at once, so that loading
 * a known list does not grow the table step by step.
 * @return KZ_OK, KZ_ERR_NOMEM.
 */
int kz_str_table_reserve(kz_str_table *t, size_t keys, size_t bytes);

/*
 * Adds the key s[0..n) unless present. *id gets its number; *added whether
 * it was new (either may be NULL).
 * @return KZ_OK; KZ_ERR_NOMEM; KZ_ERR_LIMIT when the keys would pass 4 GiB
 *         or 2^31 keys (nothing is added then).
 */
int kz_str_table_put(kz_str_table *t, const char *s, size_t n, uint32_t *id, int *added);

/* @return 1 with *id (may be NULL) set when s[0..n) is present, else 0. */
int kz_str_table_find(const kz_str_table *t, const char *s, size_t n, uint32_t *id);

/* The bytes of key `id` (< kz_str_table_count), valid until the next put. */
const char *kz_str_table_key(const kz_str_table *t, uint32_t id, size_t *len);

size_t kz_str_table_count(const kz_str_table *t);

/* Bytes held by the table (slots, offsets and keys), for memory budgets. */
size_t kz_str_table_memory(const kz_str_table *t);

/* Empties the table, keeping its memory for the next keys. */
void kz_str_table_clear(kz_str_table *t);

void kz_str_table_free(kz_str_table *t);

#endif /* KZ_STR_TABLE_H */
