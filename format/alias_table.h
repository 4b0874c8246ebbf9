/*
 * alias_table.h - a segment's alias table (docs/FORMAT.md, "Aliases"): the
 * acronym definitions found in its documents, each as short form, long form
 * (ASCII letters folded to lower case) and the number of documents that
 * define it. Its builder (which collects a segment's definitions document by
 * document), writer and reader live here side by side.
 *
 * Body: u32 n_entries, then n_entries entries sorted by (short, long),
 * bytewise and strictly increasing: varint short_len (1..KZ_ALIAS_MAX_SHORT),
 * short bytes, varint long_len (1..KZ_ALIAS_MAX_LONG), long bytes, varint
 * docs (1..the segment's doc_count). No string holds a NUL byte.
 */
#ifndef KZ_ALIAS_TABLE_H
#define KZ_ALIAS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "format/file.h"

#define KZ_ALIAS_MAX_SHORT 16u
#define KZ_ALIAS_MAX_LONG 200u

/* Collects definitions per document; owns its strings. Not thread-safe. */
typedef struct kz_alias_builder {
  kz_buf pairs;         /* per definition: u8 short_len, short, u8 long_len, long (folded) */
  size_t *offsets;      /* where each definition starts in `pairs` */
  size_t n, cap;
  size_t doc_start;     /* first definition of the current document */
} kz_alias_builder;

#define KZ_ALIAS_BUILDER_INIT {KZ_BUF_INIT, NULL, 0, 0, 0}

/* Starts the definitions of the next document. */
void kz_alias_builder_doc(kz_alias_builder *b);
/*
 * Adds a definition of the current document; one it already has (after
 * folding) is not counted twice, and strings longer than the limits are
 * ignored. @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_alias_builder_add(kz_alias_builder *b, const char *short_form, size_t short_len,
                         const char *long_form, size_t long_len);
/* Forgets everything (a new segment). */
void kz_alias_builder_reset(kz_alias_builder *b);
size_t kz_alias_builder_memory(const kz_alias_builder *b);
void kz_alias_builder_free(kz_alias_builder *b);

/*
 * Writes DIR/seg-ID.alias with the table of what was collected, sorted and
 * counted. *bytes gets the file's size. The builder is left as it was.
 * @return KZ_OK, KZ_ERR_IO (the file is removed), KZ_ERR_NOMEM.
 */
int kz_alias_table_write(const kz_alias_builder *b, const char *dir, uint32_t segment_id,
                         uint64_t *bytes);

/* One entry, read from the table: views into the mapped file. */
typedef struct kz_alias_entry {
  const char *short_form, *long_form; /* not NUL-terminated */
  size_t short_len, long_len;
  uint32_t docs;
} kz_alias_entry;

/* Walks a table's entries, validating as it goes. */
typedef struct kz_alias_iter {
  const uint8_t *p, *end;
  uint32_t left, max_docs;
  kz_alias_entry prev; /* the entry returned last, for the order check */
  int started;
} kz_alias_iter;

/*
 * Starts walking a table body of `size` bytes of a segment of max_docs
 * documents; a segment without the file (size 0) has an empty table.
 * @return KZ_OK or KZ_ERR_CORRUPT.
 */
int kz_alias_iter_init(kz_alias_iter *it, const uint8_t *body, size_t size, uint32_t max_docs);
/*
 * @return 1 with *e set, 0 after the last entry (when the body ends there),
 *         KZ_ERR_CORRUPT (a bad length, count or order, or trailing bytes).
 */
int kz_alias_iter_next(kz_alias_iter *it, kz_alias_entry *e);

/* Walks the whole table. @return KZ_OK or KZ_ERR_CORRUPT. */
int kz_alias_table_verify(const uint8_t *body, size_t size, uint32_t max_docs);

#endif /* KZ_ALIAS_TABLE_H */
