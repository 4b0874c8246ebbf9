/*
 * docstore_writer.h - writes a segment's document store (.store): the stored
 * fields (id, title, body, date, url) of every document, in zstd-compressed
 * blocks of about KZ_STORE_BLOCK_BYTES (docs/FORMAT.md, "Document store").
 * Documents stream to disk as blocks fill, so memory stays one block.
 */
#ifndef KZ_DOCSTORE_WRITER_H
#define KZ_DOCSTORE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "kzsearch.h"

#define KZ_STORE_BLOCK_BYTES (32u << 10)
#define KZ_STORE_ZSTD_LEVEL 3

typedef struct kz_docstore_writer kz_docstore_writer;

int kz_docstore_writer_open(kz_docstore_writer **out, const char *path);
/* Appends the next document (doc numbers are implicit: 0, 1, 2, ...). NULL fields are stored empty. */
int kz_docstore_writer_add(kz_docstore_writer *w, const kz_document *doc);
/* Writes the block index and footer, fsyncs, closes and frees the writer. */
int kz_docstore_writer_finish(kz_docstore_writer *w, uint64_t *file_bytes);
/* Removes the partial file and frees the writer. Accepts NULL. */
void kz_docstore_writer_abort(kz_docstore_writer *w);
/* Bytes of memory the writer holds (for the indexing budget). */
size_t kz_docstore_writer_memory(const kz_docstore_writer *w);

#endif /* KZ_DOCSTORE_WRITER_H */
