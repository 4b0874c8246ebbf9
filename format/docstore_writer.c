/*
 * docstore_writer.c - writes a segment's document store (.store); the byte
 * layout is specified in docs/FORMAT.md, "Document store".
 *
 * The writer owns one raw block buffer (the records of the block being
 * filled), one scratch buffer for that block's zstd frame, a zstd context
 * kept for all the blocks, the block index
 * (KZ_STORE_INDEX_ENTRY_BYTES per block), and the id table in two parts:
 * `ids`, every id's bytes back to back, and `id_ends`, one u32 per document
 * giving the end of its id in `ids`. Blocks stream to disk as they fill; the
 * id table and the block index are written after the last block, because
 * ids must be readable without decompressing and so cannot sit in blocks.
 *
 * Invariants:
 *   - raw.len < KZ_STORE_BLOCK_BYTES between calls, except that a block of
 *     one document larger than that is flushed as soon as it is added;
 *   - a block holding more than one document is at most
 *     KZ_STORE_BLOCK_BYTES raw, so reading a small document never
 *     decompresses a large neighbour;
 *   - records hold every stored field but the id (RECORD_FIELDS of them);
 *   - id_ends holds n_docs entries, non-decreasing, the last = ids.len,
 *     and ids.len <= UINT32_MAX;
 *   - body_offset is the body offset where the next block will start;
 *   - after KZ_ERR_IO or KZ_ERR_NOMEM `error` is sticky and every further
 *     call returns it; finish then removes the file.
 */
#include "format/docstore_writer.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/bytes.h"
#include "common/checksum.h"
#include "common/compress.h"
#include "format/file.h"
#include "format/format.h"
#include "common/limits.h"

/* A buffer whose capacity grew past this for one large document is released after use. */
#define SHRINK_ABOVE_BYTES (4u * KZ_STORE_BLOCK_BYTES)

/* The id lives in the id table; records hold the other fields, in KZ_STORED_* order. */
#define RECORD_FIELDS (KZ_STORED_FIELDS - 1)
_Static_assert(KZ_STORED_ID == 0, "records are the fields after the id");

struct kz_docstore_writer {
  kz_file_writer file;
  kz_buf raw;     /* records of the block being filled */
  kz_buf frame;   /* zstd frame of the block being written */
  kz_buf index;   /* KZ_STORE_INDEX_ENTRY_BYTES per written block */
  kz_buf ids;     /* every id added so far, back to back */
  kz_buf id_ends; /* u32 per document: end of its id in `ids` */
  kz_zstd_cctx *zstd; /* made at the first block, kept for the others */
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
  int rc = w->zstd ? KZ_OK : kz_zstd_cctx_new(&w->zstd);
  if (!rc) rc = kz_zstd_compress_cctx(w->zstd, &w->frame, w->raw.data, w->raw.len, KZ_STORE_ZSTD_LEVEL);
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
/* Id table                                                                 */
/* ------------------------------------------------------------------------ */

/*
 * Writes the id table (u32 0, the n_docs id ends, the id bytes) and puts the
 * low 32 bits of its XXH64 in *checksum.
 */
static int write_id_table(kz_docstore_writer *w, uint32_t *checksum) {
  uint8_t zero[4] = {0};
  kz_checksum_state sum = {NULL};
  int rc = kz_checksum_begin(&sum);
  if (rc) return rc;
  kz_checksum_update(&sum, zero, sizeof zero);
  kz_checksum_update(&sum, w->id_ends.data, w->id_ends.len);
  kz_checksum_update(&sum, w->ids.data, w->ids.len);
  *checksum = (uint32_t)kz_checksum_end(&sum);
  rc = kz_file_writer_write(&w->file, zero, sizeof zero);
  if (!rc) rc = kz_file_writer_write(&w->file, w->id_ends.data, w->id_ends.len);
  if (!rc) rc = kz_file_writer_write(&w->file, w->ids.data, w->ids.len);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Public functions                                                         */
/* ------------------------------------------------------------------------ */

static void free_buffers(kz_docstore_writer *w) {
  kz_buf_free(&w->raw);
  kz_buf_free(&w->frame);
  kz_buf_free(&w->index);
  kz_buf_free(&w->ids);
  kz_buf_free(&w->id_ends);
  kz_zstd_cctx_free(w->zstd);
  w->zstd = NULL;
}

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
    if (i != KZ_STORED_ID) record += kz_varint_size(len[i]) + len[i];
  }
  /* The reader's block limit depends on this check (KZ_STORE_MAX_RAW_BLOCK_BYTES). */
  if (total > KZ_MAX_DOC_BYTES) return KZ_ERR_LIMIT;
  size_t id_len = len[KZ_STORED_ID];
  if (id_len > KZ_MAX_ID_BYTES) return KZ_ERR_LIMIT;
  /* The id table's offsets are u32. */
  if (id_len > UINT32_MAX - w->ids.len) return KZ_ERR_LIMIT;
  if (w->n_docs >= KZ_MAX_SEGMENT_DOCS) return KZ_ERR_LIMIT;

  if (w->raw.len > 0 && w->raw.len + record > KZ_STORE_BLOCK_BYTES) {
    int rc = flush_block(w);
    if (rc) return rc;
  }
  /* Reserve everything first, so a failure leaves no half-added document. */
  int rc = kz_buf_reserve(&w->raw, record);
  if (!rc) rc = kz_buf_reserve(&w->ids, id_len);
  if (!rc) rc = kz_buf_reserve(&w->id_ends, 4);
  if (rc) return fail(w, rc);
  uint8_t *p = w->raw.data + w->raw.len;
  for (int i = 0; i < KZ_STORED_FIELDS; i++) {
    if (i == KZ_STORED_ID) continue;
    p += kz_varint_put(p, len[i]);
    if (len[i]) memcpy(p, data[i], len[i]);
    p += len[i];
  }
  w->raw.len += record;
  if (id_len) memcpy(w->ids.data + w->ids.len, data[KZ_STORED_ID], id_len);
  w->ids.len += id_len;
  kz_store_u32le(w->id_ends.data + w->id_ends.len, (uint32_t)w->ids.len);
  w->id_ends.len += 4;
  w->n_docs++;
  if (w->raw.len >= KZ_STORE_BLOCK_BYTES) return flush_block(w);
  return KZ_OK;
}

int kz_docstore_writer_finish(kz_docstore_writer *w, uint64_t *file_bytes) {
  int rc = w->error;
  if (!rc && w->raw.len > 0) rc = flush_block(w);
  uint64_t ids_offset = w->body_offset; /* the id table follows the last block */
  uint32_t ids_checksum = 0;
  if (!rc) rc = write_id_table(w, &ids_checksum);
  uint64_t index_offset = ids_offset + 4 + w->id_ends.len + w->ids.len;
  if (!rc) rc = kz_file_writer_write(&w->file, w->index.data, w->index.len);
  if (!rc) {
    uint8_t t[KZ_STORE_TRAILER_BYTES];
    kz_store_u32le(t, w->n_docs);
    kz_store_u32le(t + 4, w->n_blocks);
    kz_store_u64le(t + 8, index_offset);
    kz_store_u64le(t + 16, ids_offset);
    kz_store_u32le(t + 24, ids_checksum);
    rc = kz_file_writer_write(&w->file, t, sizeof t);
  }
  if (!rc) {
    rc = kz_file_writer_finish(&w->file, file_bytes); /* removes the file on failure */
  } else {
    kz_file_writer_abort(&w->file);
  }
  free_buffers(w);
  free(w);
  return rc;
}

void kz_docstore_writer_abort(kz_docstore_writer *w) {
  if (!w) return;
  kz_file_writer_abort(&w->file);
  free_buffers(w);
  free(w);
}

size_t kz_docstore_writer_memory(const kz_docstore_writer *w) {
  return sizeof *w + w->raw.cap + w->frame.cap + w->index.cap + w->ids.cap + w->id_ends.cap;
}
