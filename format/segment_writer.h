/*
 * segment_writer.h - writes a segment's term dictionary, postings,
 * positions and norms (the document store is written by docstore_writer as
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

/*
 * Creates DIR/seg-ID.{dict,post,pos,norm}. `doc_lengths` (n_docs of them)
 * must stay valid until finish: they give the blocks' score bounds.
 */
int kz_segment_writer_open(kz_segment_writer **out, const char *dir, uint32_t segment_id,
                           const uint32_t *doc_lengths, uint32_t n_docs);

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

/* Writes the norms and trailers, fsyncs, fills `info` (id, counts, the four file sizes), frees w. */
int kz_segment_writer_finish(kz_segment_writer *w, kz_segment_info *info, kz_error *err);
/* Removes the files and frees w. Accepts NULL. */
void kz_segment_writer_abort(kz_segment_writer *w);

#endif /* KZ_SEGMENT_WRITER_H */
