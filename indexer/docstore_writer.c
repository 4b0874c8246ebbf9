/*
 * docstore_writer.c - writes a segment's document store (.store); the byte
 * layout is specified in docs/FORMAT.md, "Document store".
 *
 * The writer owns one raw block buffer (the records of the block being
 * filled), one scratch buffer for that block's zstd frame, and the block
 * index, which grows by KZ_STORE_INDEX_ENTRY_BYTES per block and is written
 * after the last block. Documents stream to disk as blocks fill.
 *
 * Invariants:
 *   - raw.len < KZ_STORE_BLOCK_BYTES between calls, except that a block of
 *     one document larger than that is flushed as soon as it is added;
 *   - a block holding more than one document is at most
 *     KZ_STORE_BLOCK_BYTES raw, so reading a small document never
 *     decompresses a large neighbour;
 *   - body_offset is the body offset where the next block will start;
 *   - after KZ_ERR_IO or KZ_ERR_NOMEM `error` is sticky and every further
 *     call returns it; finish then removes the file.
 */
#include "indexer/docstore_writer.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/bytes.h"
#include "common/checksum.h"
#include "common/compress.h"
#include "common/file.h"
#include "common/format.h"
#include "common/limits.h"

/* A buffer whose capacity grew past this for one large document is released after use. */
#define SHRINK_ABOVE_BYTES (4u * KZ_STORE_BLOCK_BYTES)

struct kz_docstore_writer {
  kz_file_writer file;
  kz_buf raw;        /* records of the block being filled */
  kz_buf frame;      /* zstd frame of the block being written */
  kz_buf index;      /* KZ_STORE_INDEX_ENTRY_BYTES per written block */
  uint64_t body_offset;
  uint32_t n_docs;
  uint32_t n_blocks;
  uint32_t block_first; /* doc number of the first record in `raw` */
  int error;
};

/* ------------------------------------------------------------------------ */
/* Blocks                                                                   */
/* ------------------------------------------------------------------------ */

static void shrink(kz_buf *b) {
  if (b->cap > SHRINK_ABOVE_BYTES) kz_buf_free(b);
}

static int fail(kz_docstore_writer *w, int rc) {
  if (!w->error) w->error = rc;
  return rc;
}

/* Compresses `raw` into one frame, writes it and records its index entry. */
static int flush_block(kz_docstore_writer *w) {
  kz_buf_clear(&w->frame);
  int rc = kz_zstd_compress(&w->frame, w->raw.data, w->raw.len, KZ_STORE_ZSTD_LEVEL);
  if (rc) return fail(w, rc);
  /* A block is at most one maximal document, so both lengths fit 32 bits. */
  if (w->frame.len > UINT32_MAX || w->raw.len > UINT32_MAX) return fail(w, KZ_ERR_LIMIT);
  rc = kz_buf_reserve(&w->index, KZ_STORE_INDEX_ENTRY_BYTES);
  if (rc) return fail(w, rc);
  uint8_t *e = w->index.data + w->index.len;
  kz_store_u32le(e, w->block_first);
  kz_store_u64le(e + 4, w->body_offset);
  kz_store_u32le(e + 12, (uint32_t)w->frame.len);
  kz_store_u32le(e + 16, (uint32_t)w->raw.len);
  kz_store_u32le(e + 20, (uint32_t)kz_checksum(w->frame.data, w->frame.len));
  rc = kz_file_writer_write(&w->file, w->frame.data, w->frame.len);
  if (rc) return fail(w, rc);
  w->index.len += KZ_STORE_INDEX_ENTRY_BYTES;
  w->body_offset += w->frame.len;
  w->n_blocks++;
  w->block_first = w->n_docs;
  kz_buf_clear(&w->raw);
  kz_buf_clear(&w->frame);
  shrink(&w->raw);
  shrink(&w->frame);
  return KZ_OK;
}

/* ------------------------------------------------------------------------ */
/* Public functions                                                         */
/* ------------------------------------------------------------------------ */

int kz_docstore_writer_open(kz_docstore_writer **out, const char *path) {
  kz_docstore_writer *w = calloc(1, sizeof *w);
  if (!w) return KZ_ERR_NOMEM;
  int rc = kz_file_writer_open(&w->file, path, KZ_MAGIC_STORE);
  if (rc) {
    if (w->file.fd >= 0) {
      kz_file_writer_abort(&w->file); /* we created the file: remove it */
    } else {
      /* Nothing was created; abort would unlink a file that is not ours. */
      free(w->file.path);
      free(w->file.buf);
      kz_checksum_discard(&w->file.sum);
    }
    free(w);
    return rc;
  }
  *out = w;
  return KZ_OK;
}

int kz_docstore_writer_add(kz_docstore_writer *w, const kz_document *doc) {
  if (w->error) return w->error;
  const char *data[KZ_STORED_FIELDS] = {doc->id, doc->title, doc->body, doc->date, doc->url};
  size_t len[KZ_STORED_FIELDS] = {doc->id_len, doc->title_len, doc->body_len, doc->date_len,
                                  doc->url_len};
  size_t total = 0, record = 0;
  for (int i = 0; i < KZ_STORED_FIELDS; i++) {
    if (!data[i]) len[i] = 0;
    if (len[i] > KZ_MAX_DOC_BYTES) return KZ_ERR_LIMIT; /* checked alone first: no overflow */
    total += len[i];
    record += kz_varint_size(len[i]) + len[i];
  }
  /* The reader's block limit depends on this check (KZ_STORE_MAX_RAW_BLOCK_BYTES). */
  if (total > KZ_MAX_DOC_BYTES) return KZ_ERR_LIMIT;
  if (w->n_docs >= KZ_MAX_SEGMENT_DOCS) return KZ_ERR_LIMIT;

  if (w->raw.len > 0 && w->raw.len + record > KZ_STORE_BLOCK_BYTES) {
    int rc = flush_block(w);
    if (rc) return rc;
  }
  int rc = kz_buf_reserve(&w->raw, record);
  if (rc) return fail(w, rc);
  uint8_t *p = w->raw.data + w->raw.len;
  for (int i = 0; i < KZ_STORED_FIELDS; i++) {
    p += kz_varint_put(p, len[i]);
    if (len[i]) memcpy(p, data[i], len[i]);
    p += len[i];
  }
  w->raw.len += record;
  w->n_docs++;
  if (w->raw.len >= KZ_STORE_BLOCK_BYTES) return flush_block(w);
  return KZ_OK;
}

int kz_docstore_writer_finish(kz_docstore_writer *w, uint64_t *file_bytes) {
  int rc = w->error;
  if (!rc && w->raw.len > 0) rc = flush_block(w);
  if (!rc) rc = kz_file_writer_write(&w->file, w->index.data, w->index.len);
  if (!rc) {
    uint8_t t[KZ_STORE_TRAILER_BYTES];
    kz_store_u32le(t, w->n_docs);
    kz_store_u32le(t + 4, w->n_blocks);
    kz_store_u64le(t + 8, w->body_offset); /* the block index follows the last block */
    rc = kz_file_writer_write(&w->file, t, sizeof t);
  }
  if (!rc) {
    rc = kz_file_writer_finish(&w->file, file_bytes); /* removes the file on failure */
  } else {
    kz_file_writer_abort(&w->file);
  }
  kz_buf_free(&w->raw);
  kz_buf_free(&w->frame);
  kz_buf_free(&w->index);
  free(w);
  return rc;
}

void kz_docstore_writer_abort(kz_docstore_writer *w) {
  if (!w) return;
  kz_file_writer_abort(&w->file);
  kz_buf_free(&w->raw);
  kz_buf_free(&w->frame);
  kz_buf_free(&w->index);
  free(w);
}

size_t kz_docstore_writer_memory(const kz_docstore_writer *w) {
  return sizeof *w + w->raw.cap + w->frame.cap + w->index.cap;
}
