/*
 * writer_add.h - the writer's document path: documents in, batches to the
 * indexing threads, finished segments into the writer's pending list.
 */
#ifndef KZ_WRITER_ADD_H
#define KZ_WRITER_ADD_H

#include "kzsearch.h"

/*
 * Adds a document the library made itself (its struct_size needs no check):
 * kz_writer_add without the struct check.
 * @return KZ_OK; KZ_ERR_DOCUMENT or KZ_ERR_LIMIT for a document that is
 *         refused (the writer goes on); a sticky failure otherwise.
 */
int kz_writer_add_document(kz_writer *w, const kz_document *doc, kz_error *err);

/*
 * Queues what is staged, finishes every segment being built, waits for the
 * threads and adds the segments they wrote to the pending list.
 * @return KZ_OK or the first failure (sticky), with err set.
 */
int kz_writer_flush_all(kz_writer *w, kz_error *err);

#endif /* KZ_WRITER_ADD_H */
