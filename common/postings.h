/*
 * postings.h - a cursor over one term's postings in one segment: next,
 * advance (skipping whole blocks through the skip table), the current
 * frequency, and the current document's positions, decoded lazily.
 *
 * The cursor ends on KZ_DOC_END. Damaged bytes stop it at KZ_DOC_END and
 * set *error to KZ_ERR_CORRUPT, so hot loops test one integer, not a status.
 */
#ifndef KZ_POSTINGS_H
#define KZ_POSTINGS_H

#include <stdint.h>

#include "common/bytes.h"
#include "common/postblock.h"
#include "common/segment_format.h"
#include "common/segment.h"

typedef struct kz_postings {
  const uint8_t *blocks, *end;  /* block area of this term */
  const uint8_t *skip;          /* skip table, NULL for a single block */
  const uint8_t *pos, *pos_end; /* this term's positions */
  uint32_t df, n_blocks, doc_limit;
  uint32_t block;               /* decoded block; n_blocks when exhausted */
  uint32_t n, i;                /* docs in the block, index of the current one */
  uint32_t doc;
  const uint8_t *pos_ptr;       /* positions of docs[pos_i] start here */
  uint32_t pos_i;
  int *error;
  uint32_t docs[KZ_BLOCK_DOCS], freqs[KZ_BLOCK_DOCS];
} kz_postings;

/* Starts a cursor before the first posting; call next() or advance() to position it. */
void kz_postings_init(kz_postings *c, const kz_segment *seg, const kz_term_info *info, int *error);
uint32_t kz_postings_next(kz_postings *c);
/* Moves to the first document >= target (never backwards). */
uint32_t kz_postings_advance(kz_postings *c, uint32_t target);
static inline uint32_t kz_postings_freq(const kz_postings *c) { return c->freqs[c->i]; }

/* Block b's largest frequency and smallest document length (terms with a skip table only). */
static inline uint32_t kz_postings_block_max_tf(const kz_postings *c, uint32_t b) {
  return kz_load_u32le(c->skip + (size_t)b * KZ_SKIP_ENTRY_BYTES + 12);
}
static inline uint32_t kz_postings_block_min_length(const kz_postings *c, uint32_t b) {
  return kz_load_u32le(c->skip + (size_t)b * KZ_SKIP_ENTRY_BYTES + 16);
}

/* Reads the current document's positions one at a time (lazily). */
typedef struct kz_pos_reader {
  const uint8_t *p, *end;
  uint32_t left; /* positions not yet read */
  uint32_t pos;  /* the last position read */
  int first;
  int *error;
} kz_pos_reader;

/* Starts reading the current document's positions. @return KZ_OK or KZ_ERR_CORRUPT. */
int kz_postings_pos_reader(kz_postings *c, kz_pos_reader *r);

/* Reads the next position into r->pos. @return 1, 0 after the last, KZ_ERR_CORRUPT. */
static inline int kz_pos_next(kz_pos_reader *r) {
  if (!r->left) return 0;
  uint64_t delta;
  if (kz_varint_get(&r->p, r->end, &delta) || (!r->first && delta == 0) ||
      r->pos + delta > UINT32_MAX)
    return *r->error = KZ_ERR_CORRUPT;
  r->pos += (uint32_t)delta;
  r->first = 0;
  r->left--;
  return 1;
}

/*
 * Decodes the current document's positions (kz_postings_freq of them,
 * increasing) into out, which has room for `cap`.
 * @return the number decoded, or KZ_ERR_CORRUPT (also stored in *error).
 */
int kz_postings_positions(kz_postings *c, uint32_t *out, uint32_t cap);

#endif /* KZ_POSTINGS_H */
