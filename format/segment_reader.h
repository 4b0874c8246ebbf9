/*
 * segment_reader.h - one opened, immutable segment: its files mapped
 * read-only and validated, the term dictionary's block index, the norms (of
 * the text field and of the title), the date column and the document store.
 * Read-only after open, so any number of threads may use it.
 */
#ifndef KZ_SEGMENT_H
#define KZ_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "format/bitpack.h"
#include "common/bytes.h"
#include "format/docstore_reader.h"
#include "format/file.h"
#include "format/manifest.h"
#include "format/pairs_file.h"
#include "format/values.h"

typedef struct kz_term_info {
  uint32_t df;
  uint64_t cf;
  uint64_t post_off, post_len; /* byte range in the postings file */
  uint64_t pos_off, pos_len;   /* byte range in the positions file */
} kz_term_info;

typedef struct kz_segment {
  kz_segment_info info;
  const kz_unpacker *unpack; /* the postings decoders this CPU runs best (bitpack.h) */
  kz_mapped_file file[KZ_SEGFILES];
  kz_mapped_file deletes_file;
  const uint8_t *deleted; /* bitmap of deleted documents, NULL when none (format/deletes.h) */
  const uint8_t *norms; /* info.doc_count little-endian u32 lengths */
  const uint8_t *title_norms; /* the same for the title field */
  kz_values dates;            /* UTC seconds per document */
  kz_values simhashes;        /* near-duplicate fingerprints, when has_simhashes */
  int has_simhashes;          /* the segment has the optional simhash file */
  kz_pair_words pairs;        /* the common words it indexes pairs of (n == 0: no pairs) */
  kz_docstore store;
  const uint8_t *dict_index; /* dict_blocks little-endian u64 block offsets */
  uint32_t dict_blocks;
  uint64_t dict_terms;
  uint64_t dict_index_off;
} kz_segment;

/* The header magic of each segment file kind. */
extern const uint32_t kz_segfile_magic[KZ_SEGFILES];

/*
 * Maps and validates DIR/seg-ID.* against the manifest's record.
 * @return KZ_OK, KZ_ERR_IO, KZ_ERR_CORRUPT, KZ_ERR_VERSION (err names the file and the problem).
 */
int kz_segment_open(kz_segment *s, const char *dir, const kz_segment_info *info, kz_error *err);
void kz_segment_close(kz_segment *s);

/* @return 1 found (out filled), 0 absent, KZ_ERR_CORRUPT. */
int kz_segment_lookup(const kz_segment *s, const char *key, size_t key_len, kz_term_info *out);

static inline uint32_t kz_segment_doc_length(const kz_segment *s, uint32_t doc) {
  return kz_load_u32le(s->norms + 4 * (size_t)doc);
}

static inline uint32_t kz_segment_title_length(const kz_segment *s, uint32_t doc) {
  return kz_load_u32le(s->title_norms + 4 * (size_t)doc);
}

/* Walks the dictionary in key order. */
typedef struct kz_dict_iter {
  const kz_segment *seg;
  uint32_t block;          /* current block */
  uint32_t in_block;       /* entries read from it */
  const uint8_t *p, *end;  /* read position and end of the current block */
  char key[256];
  size_t key_len;
  kz_term_info info;
  uint64_t next_post, next_pos;
  const uint8_t *next_first; /* the next block's first key, once a seek needed it; else NULL */
  size_t next_first_len;
} kz_dict_iter;

void kz_dict_iter_init(kz_dict_iter *it, const kz_segment *seg);
/* @return 1 with it->key / it->info set, 0 at the end, KZ_ERR_CORRUPT. */
int kz_dict_iter_next(kz_dict_iter *it);
/*
 * Positions the iterator on the first key >= `key` (bytewise, a prefix
 * first), found by a binary search over the blocks' first keys and a scan of
 * one block (a seek forward from the current key gallops from its block and
 * scans on from where it is); next then moves on from there.
 * @return 1 with it->key / it->info set, 0 when every key is smaller, KZ_ERR_CORRUPT.
 */
int kz_dict_iter_seek(kz_dict_iter *it, const char *key, size_t key_len);

/*
 * The segment's pairs of common words (field-2 keys, the last of its
 * dictionary): how many, and their postings and positions, which the
 * statistics users see leave out. All 0 without pairs.
 * @return KZ_OK or KZ_ERR_CORRUPT.
 */
int kz_segment_pair_totals(const kz_segment *s, uint64_t *terms, uint64_t *postings,
                           uint64_t *positions);

#endif /* KZ_SEGMENT_H */
