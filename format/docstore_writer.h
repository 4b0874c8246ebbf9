/*
 * docstore_writer.h - writes a segment's document store (.store): the stored
 * fields (title, body, date, url) of every document in zstd-compressed
 * blocks of about KZ_STORE_BLOCK_BYTES, and every document's id in an
 * uncompressed id table, so that a hit's id is read without decompressing
 * (docs/FORMAT.md, "Document store"). Blocks stream to disk as they fill;
 * the ids stay in memory until finish.
 */
#ifndef KZ_DOCSTORE_WRITER_H
#define KZ_DOCSTORE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "format/segment_format.h"
#include "kzsearch.h"

/* Writer choices, not format constants: a reader accepts any block size up to its limit. */
#define KZ_STORE_BLOCK_BYTES (32u << 10)
#define KZ_STORE_ZSTD_LEVEL 3

typedef struct kz_docstore_writer kz_docstore_writer;

/*
 * Creates (truncating) the store file at `path`.
 * @return KZ_OK; KZ_ERR_IO when the file cannot be created; KZ_ERR_NOMEM.
 */
int kz_docstore_writer_open(kz_docstore_writer **out, const char *path);
/*
 * Appends the next document (doc numbers are implicit: 0, 1, 2, ...). NULL fields are stored empty.
 * @return KZ_OK; KZ_ERR_LIMIT when the fields together exceed KZ_MAX_DOC_BYTES, the id
 *         exceeds KZ_MAX_ID_BYTES, the ids of the store together would exceed
 *         UINT32_MAX bytes, or the segment holds KZ_MAX_SEGMENT_DOCS (the document is
 *         not added, the writer stays usable); KZ_ERR_IO, KZ_ERR_NOMEM (sticky: every
 *         later call returns it).
 */
int kz_docstore_writer_add(kz_docstore_writer *w, const kz_document *doc);
/*
 * Writes the last block, the id table, the block index, the trailer and the footer,
 * fsyncs, closes and frees the writer. `file_bytes` (may be NULL) gets the file size.
 * @return KZ_OK; the sticky error or KZ_ERR_IO, KZ_ERR_NOMEM (the file is then removed).
 */
int kz_docstore_writer_finish(kz_docstore_writer *w, uint64_t *file_bytes);
/* Removes the partial file and frees the writer. Accepts NULL. */
void kz_docstore_writer_abort(kz_docstore_writer *w);
/*
 * Bytes of memory the writer holds (buffers by capacity; for the indexing budget):
 * one block, the block index, and the ids (their bytes plus 4 per document).
 */
size_t kz_docstore_writer_memory(const kz_docstore_writer *w);

#endif /* KZ_DOCSTORE_WRITER_H */
