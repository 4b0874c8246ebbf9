/*
 * postings_reader.h - a cursor over one term's postings in one segment: next,
 * advance (skipping whole blocks through the skip table), the current
 * frequency, and the current document's positions, decoded on demand.
 *
 * The cursor ends on KZ_DOC_END. Damaged bytes stop it at KZ_DOC_END and
 * set *error to KZ_ERR_CORRUPT, so hot loops test one integer, not a status.
 */
#ifndef KZ_POSTINGS_H
#define KZ_POSTINGS_H

#include <stdint.h>

#include "format/bitpack.h"
#include "common/bytes.h"
#include "format/postblock.h"
#include "format/segment_reader.h"
#include "format/segment_format.h"

typedef struct kz_postings {
  const kz_unpacker *unpack;
  const uint8_t *blocks, *end;  /* block area of this term */
  const uint8_t *skip;          /* skip table, NULL for a single block */
  const uint8_t *pos, *pos_end; /* this term's positions */
  const uint8_t *norms;         /* the segment's document lengths (positions stay below them) */
  uint32_t df, n_blocks, doc_limit;
  uint32_t block;               /* decoded block; n_blocks when exhausted */
  uint32_t n, i;                /* docs in the block, index of the current one */
  uint32_t doc;
  int docs_only; /* kz_postings_docs_only: frequencies and positions are not decoded */
  int *error;
  /*
   * Positions of the decoded block: its runs start at pos_block; pos_run is
   * the next run not yet read and pos_buf holds the last one read, the
   * values pos_read - pos_buf_n .. pos_read - 1 of the block. Doc pos_i's
   * positions start at value pos_at.
   */
  const uint8_t *pos_block, *pos_run, *pos_buf_run; /* pos_buf_run: where pos_buf's run starts */
  uint64_t pos_total, pos_read, pos_at;
  uint32_t pos_i, pos_buf_n, pos_buf_bits; /* pos_buf's values have at most pos_buf_bits bits */
  /* The document whose positions were last asked for, and the run they begin in. */
  uint32_t pos_doc;
  const uint8_t *pos_doc_run;
  uint64_t pos_doc_first; /* that run's first value in the block */
  uint32_t docs[KZ_BLOCK_DOCS], freqs[KZ_BLOCK_DOCS];
  uint32_t pos_buf[KZ_PACK_VALUES];
} kz_postings;

/* Starts a cursor before the first posting; call next() or advance() to position it. */
void kz_postings_init(kz_postings *c, const kz_segment *seg, const kz_term_info *info, int *error);
uint32_t kz_postings_next(kz_postings *c);
/*
 * From the next block on, decode documents only: for matching without
 * scores. The frequencies and positions of such blocks are undefined.
 */
static inline void kz_postings_docs_only(kz_postings *c) { c->docs_only = 1; }
/* Moves to the first document >= target (never backwards). */
uint32_t kz_postings_advance(kz_postings *c, uint32_t target);
static inline uint32_t kz_postings_freq(const kz_postings *c) { return c->freqs[c->i]; }

/*
 * The decoded block's documents below `end` from the current one: [*from, *to)
 * of c->docs, for loops that take a window of documents a block at a time.
 * @return 0 when the current document is already at or past end.
 */
static inline int kz_postings_run(const kz_postings *c, uint64_t end, uint32_t *from, uint32_t *to) {
  if (c->doc >= end) return 0;
  *from = c->i;
  *to = c->n;
  if (c->docs[*to - 1] >= end) /* the window ends inside this block */
    for (*to = *from; c->docs[*to] < end; (*to)++) {}
  return 1;
}
/* Moves c to the document after a run that ended at index `to` (the next block's first when none). */
static inline void kz_postings_after_run(kz_postings *c, uint32_t to) {
  if (to < c->n) {
    c->i = to;
    c->doc = c->docs[to];
  } else {
    c->i = c->n - 1;
    kz_postings_next(c);
  }
}

/* Block b's largest frequency and smallest document length (terms with a skip table only). */
static inline uint32_t kz_postings_block_max_tf(const kz_postings *c, uint32_t b) {
  return kz_load_u32le(c->skip + (size_t)b * KZ_SKIP_ENTRY_BYTES + 12);
}
static inline uint32_t kz_postings_block_min_length(const kz_postings *c, uint32_t b) {
  return kz_load_u32le(c->skip + (size_t)b * KZ_SKIP_ENTRY_BYTES + 16);
}
/* Block b's last document (terms with a skip table only). */
static inline uint32_t kz_postings_block_last(const kz_postings *c, uint32_t b) {
  return kz_load_u32le(c->skip + (size_t)b * KZ_SKIP_ENTRY_BYTES);
}

/*
 * Decodes the current document's positions (kz_postings_freq of them,
 * strictly increasing, below the document's length) into out, which has
 * room for `cap`. Positions of documents passed over are skipped, not decoded;
 * a document's positions may be read again.
 * @return the number decoded, or KZ_ERR_CORRUPT (also stored in *error).
 */
int kz_postings_positions(kz_postings *c, uint32_t *out, uint32_t cap);

/*
 * The same for only the first min(freq, limit) positions (cap need only
 * hold those), each minus `shift` (mod 2^32: a position below shift comes
 * out at 2^32 - shift or above): where an early occurrence settles the
 * question the rest is not decoded, and a phrase gets its terms' starts.
 */
int kz_postings_first_positions(kz_postings *c, uint32_t *out, uint32_t cap, uint32_t limit,
                                uint32_t shift);

/*
 * After the positions of the block's last document were read: where the
 * block's positions end (the next block's must start there). NULL when some
 * run of the block was never read.
 */
const uint8_t *kz_postings_block_positions_end(const kz_postings *c);

#endif /* KZ_POSTINGS_H */
