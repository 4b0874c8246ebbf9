/*
 * segment_writer.h - writes a segment's term dictionary, postings,
 * positions, norms, title norms and date column (the document store is written by docstore_writer as
 * documents arrive). Terms are given one at a time in key order, so a merge
 * can stream terms from older segments as well as the inverter can hand
 * over its sorted terms.
 */
#ifndef KZ_SEGMENT_WRITER_H
#define KZ_SEGMENT_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "format/manifest.h"
#include "kzsearch.h"

typedef struct kz_segment_writer kz_segment_writer;

/* The per-document columns of a segment, n_docs of each. */
typedef struct kz_doc_columns {
  const uint32_t *lengths;       /* tokens of the text field (title and body) */
  const uint32_t *title_lengths; /* tokens of the title */
  const int64_t *dates;          /* UTC seconds, KZ_VALUE_NONE when none */
  uint32_t n_docs;
  /* Near-duplicate fingerprints (analysis/near_dup.h); NULL: the segment gets no simhash file. */
  const int64_t *simhashes;
} kz_doc_columns;

/*
 * Creates DIR/seg-ID.{dict,post,pos,norm,tnorm,date}. The columns must stay
 * valid until finish: the lengths give the blocks' score bounds (the title
 * lengths for title terms, field 1).
 */
int kz_segment_writer_open(kz_segment_writer **out, const char *dir, uint32_t segment_id,
                           const kz_doc_columns *cols);

/*
 * Appends one term, keys strictly increasing: its `df` documents (strictly
 * increasing, below n_docs) with their frequencies, and its positions,
 * pos_len bytes: per document, its first position and then the differences
 * to the previous one, as varints (the inverter's encoding; the writer
 * re-encodes them in the on-disk format, docs/FORMAT.md, "Positions").
 * @return KZ_OK, KZ_ERR_IO, KZ_ERR_NOMEM, KZ_ERR_LIMIT (sticky: the writer is then only good for abort).
 */
int kz_segment_writer_term(kz_segment_writer *w, const char *key, size_t key_len, const uint32_t *docs,
                           const uint32_t *freqs, uint32_t df, const uint8_t *pos, size_t pos_len);

/* Writes the norms, columns and trailers, fsyncs, fills `info` (id, counts, statistics, the six
 * file sizes), frees w. */
int kz_segment_writer_finish(kz_segment_writer *w, kz_segment_info *info, kz_error *err);
/* Removes the files and frees w. Accepts NULL. */
void kz_segment_writer_abort(kz_segment_writer *w);

#endif /* KZ_SEGMENT_WRITER_H */
