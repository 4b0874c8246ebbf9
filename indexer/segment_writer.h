/*
 * segment_writer.h - turns the inverter's in-memory postings into a
 * segment's term dictionary, postings, positions and norms files.
 * The document store is written by docstore_writer as documents arrive.
 */
#ifndef KZ_SEGMENT_WRITER_H
#define KZ_SEGMENT_WRITER_H

#include <stdint.h>

#include "common/manifest.h"
#include "indexer/inverter.h"
#include "kzsearch.h"

/*
 * Writes DIR/seg-ID.{dict,post,pos,norm} for documents 0..n_docs-1 with the
 * given lengths, and fills info (id, counts, the four file sizes).
 * Every file is fsynced; on failure the files written so far are removed.
 */
int kz_segment_write(const char *dir, uint32_t segment_id, kz_inverter *inv,
                     const uint32_t *doc_lengths, uint32_t n_docs, kz_segment_info *info,
                     kz_error *err);

#endif /* KZ_SEGMENT_WRITER_H */
