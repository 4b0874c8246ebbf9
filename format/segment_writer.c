/*
 * segment_writer.c - writes a segment's dictionary, postings, positions,
 * norms, title norms, date column and, when given, the simhash column
 * (see segment_writer.h; layouts in docs/FORMAT.md).
 *
 * Terms arrive in key order as doc and freq arrays; they are cut into
 * blocks of KZ_BLOCK_DOCS and encoded with the block codec, and each
 * block's positions are re-encoded as runs (format/runs.h). The dictionary is front-coded in blocks as terms come.
 */
#include "format/segment_writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/bytes.h"
#include "common/error.h"
#include "format/file.h"
#include "format/format.h"
#include "format/postblock.h"
#include "format/runs.h"
#include "format/segment_format.h"
#include "format/values.h"

struct kz_segment_writer {
  char *dir;
  uint32_t id, n_docs;
  kz_doc_columns cols;
  kz_file_writer dict, post, pos, norm, tnorm, dates, simh;
  kz_buf blocks, skips, positions, dict_block, dict_index;
  char prev_key[KZ_MAX_TERM_KEY_BYTES];
  size_t prev_len;
  kz_segment_info info;
  int error; /* sticky */
};

/* The files it writes: the six core ones, then the optional simhash column. */
#define N_FILES 7
static kz_file_writer *file_of(kz_segment_writer *w, int k) {
  kz_file_writer *f[N_FILES] = {&w->dict, &w->post,  &w->pos, &w->norm,
                                &w->tnorm, &w->dates, &w->simh};
  return f[k];
}
static const int kKinds[N_FILES] = {KZ_SEGFILE_DICT,        KZ_SEGFILE_POSTINGS, KZ_SEGFILE_POSITIONS,
                                    KZ_SEGFILE_NORMS,       KZ_SEGFILE_TITLE_NORMS,
                                    KZ_SEGFILE_DATES,       KZ_SEGFILE_SIMHASH};
static const uint32_t kMagics[N_FILES] = {KZ_MAGIC_DICT,   KZ_MAGIC_POSTINGS,    KZ_MAGIC_POSITIONS,
                                          KZ_MAGIC_NORMS,  KZ_MAGIC_TITLE_NORMS, KZ_MAGIC_VALUES,
                                          KZ_MAGIC_SIMHASH};

/* The number of files w writes: the last one only with fingerprints. */
static int n_files(const kz_segment_writer *w) { return w->cols.simhashes ? N_FILES : N_FILES - 1; }

static void free_writer(kz_segment_writer *w) {
  kz_buf_free(&w->blocks);
  kz_buf_free(&w->skips);
  kz_buf_free(&w->positions);
  kz_buf_free(&w->dict_block);
  kz_buf_free(&w->dict_index);
  free(w->dir);
  free(w);
}

int kz_segment_writer_open(kz_segment_writer **out, const char *dir, uint32_t segment_id,
                           const kz_doc_columns *cols) {
  kz_segment_writer *w = calloc(1, sizeof *w);
  if (!w) return KZ_ERR_NOMEM;
  for (int k = 0; k < N_FILES; k++) file_of(w, k)->fd = -1;
  w->dir = strdup(dir);
  w->id = segment_id;
  w->n_docs = cols->n_docs;
  w->cols = *cols;
  w->info.id = segment_id;
  w->info.doc_count = cols->n_docs;
  for (uint32_t i = 0; i < cols->n_docs; i++) {
    w->info.total_length += cols->lengths[i];
    w->info.title_length += cols->title_lengths[i];
    w->info.title_docs += cols->title_lengths[i] > 0;
  }
  int rc = w->dir ? KZ_OK : KZ_ERR_NOMEM;
  for (int k = 0; k < n_files(w) && !rc; k++) {
    char name[64];
    kz_segment_file_name(name, sizeof name, segment_id, kKinds[k]);
    char *path = kz_path_join(dir, name);
    rc = path ? kz_file_writer_open(file_of(w, k), path, kMagics[k]) : KZ_ERR_NOMEM;
    free(path);
  }
  if (rc) {
    w->error = rc;
    kz_segment_writer_abort(w);
    return rc;
  }
  *out = w;
  return KZ_OK;
}

void kz_segment_writer_abort(kz_segment_writer *w) {
  if (!w) return;
  int saved_errno = errno; /* keep the failure's reason for the caller's message */
  for (int k = 0; k < N_FILES; k++) kz_file_writer_abort(file_of(w, k));
  free_writer(w);
  errno = saved_errno;
}

/*
 * Re-encodes the positions of one block's documents (`count` of them, in
 * the writer's input encoding: per document its first position, then the
 * differences, as varints) as runs of 128 values and a last shorter run:
 * each document's first position + 1, then the differences (docs/FORMAT.md,
 * "Positions").
 */
static int encode_block_positions(kz_buf *out, const uint8_t **pos, const uint8_t *pos_end,
                                  const uint32_t *freqs, uint32_t count) {
  uint32_t run[KZ_PACK_VALUES];
  size_t n = 0;
  const uint8_t *p = *pos;
  for (uint32_t d = 0; d < count; d++) {
    for (uint32_t k = 0; k < freqs[d]; k++) {
      uint64_t v;
      if (kz_varint_get(&p, pos_end, &v) || v >= UINT32_MAX || (k > 0 && v == 0))
        return KZ_ERR_INVALID;
      run[n++] = (uint32_t)v + (k == 0);
      if (n == KZ_PACK_VALUES) {
        int rc = kz_run_encode(out, run, n);
        if (rc) return rc;
        n = 0;
      }
    }
  }
  *pos = p;
  return n ? kz_run_encode(out, run, n) : KZ_OK;
}

/* Encodes one term's postings (skip table + blocks) into w->skips / w->blocks, positions into w->positions. */
static int encode_term(kz_segment_writer *w, const uint32_t *lengths, const uint32_t *docs,
                       const uint32_t *freqs, uint32_t df, const uint8_t *pos_start,
                       size_t pos_len) {
  kz_buf_clear(&w->blocks);
  kz_buf_clear(&w->skips);
  kz_buf_clear(&w->positions);
  uint32_t n_blocks = (df + KZ_BLOCK_DOCS - 1) / KZ_BLOCK_DOCS;
  const uint8_t *pos = pos_start, *pos_end = pos_start + pos_len;
  int64_t prev = -1;
  for (uint32_t b = 0; b < n_blocks; b++) {
    uint32_t first = b * KZ_BLOCK_DOCS;
    uint32_t n = df - first < KZ_BLOCK_DOCS ? df - first : KZ_BLOCK_DOCS;
    uint32_t max_tf = 0, min_len = UINT32_MAX;
    for (uint32_t i = first; i < first + n; i++) {
      if (docs[i] >= w->n_docs) return KZ_ERR_INVALID;
      if (freqs[i] > max_tf) max_tf = freqs[i];
      if (lengths[docs[i]] < min_len) min_len = lengths[docs[i]];
    }
    if (n_blocks > 1) {
      if (w->blocks.len > UINT32_MAX || w->positions.len > UINT32_MAX) return KZ_ERR_LIMIT;
      int rc = kz_buf_put_u32le(&w->skips, docs[first + n - 1]);
      rc |= kz_buf_put_u32le(&w->skips, (uint32_t)w->blocks.len);
      rc |= kz_buf_put_u32le(&w->skips, (uint32_t)w->positions.len);
      rc |= kz_buf_put_u32le(&w->skips, max_tf);
      rc |= kz_buf_put_u32le(&w->skips, min_len);
      if (rc) return KZ_ERR_NOMEM;
    }
    int rc = kz_postblock_encode(&w->blocks, prev, docs + first, freqs + first, n);
    if (!rc) rc = encode_block_positions(&w->positions, &pos, pos_end, freqs + first, n);
    if (rc) return rc;
    prev = docs[first + n - 1];
  }
  return pos == pos_end ? KZ_OK : KZ_ERR_INVALID;
}

static int write_dict_block(kz_segment_writer *w) {
  if (!w->dict_block.len) return KZ_OK;
  if (kz_buf_put_u64le(&w->dict_index, w->dict.offset)) return KZ_ERR_NOMEM;
  kz_file_writer_write(&w->dict, w->dict_block.data, w->dict_block.len);
  kz_buf_clear(&w->dict_block);
  return w->dict.error;
}

static size_t common_prefix(const char *a, size_t an, const char *b, size_t bn) {
  size_t n = an < bn ? an : bn, i = 0;
  while (i < n && a[i] == b[i]) i++;
  return i;
}

static int add_term(kz_segment_writer *w, const char *key, size_t key_len, const uint32_t *docs,
                    const uint32_t *freqs, uint32_t df, const uint8_t *pos, size_t pos_len) {
  if (key_len == 0 || key_len > KZ_MAX_TERM_KEY_BYTES || df == 0) return KZ_ERR_INVALID;
  /* A title term's block bounds are over title lengths, which score it (docs/FORMAT.md). */
  const uint32_t *lengths = (uint8_t)key[0] == KZ_FIELD_TITLE ? w->cols.title_lengths : w->cols.lengths;
  int rc = encode_term(w, lengths, docs, freqs, df, pos, pos_len);
  if (rc) return rc;
  uint64_t cf = 0;
  for (uint32_t i = 0; i < df; i++) cf += freqs[i];
  uint64_t post_off = w->post.offset, pos_off = w->pos.offset;
  kz_file_writer_write(&w->post, w->skips.data, w->skips.len);
  kz_file_writer_write(&w->post, w->blocks.data, w->blocks.len);
  kz_file_writer_write(&w->pos, w->positions.data, w->positions.len);
  if (w->post.error || w->pos.error) return w->post.error ? w->post.error : w->pos.error;

  int first_in_block = w->info.n_terms % KZ_DICT_BLOCK_TERMS == 0;
  if (first_in_block) {
    if ((rc = write_dict_block(w))) return rc;
    rc |= kz_buf_put_varint(&w->dict_block, post_off);
    rc |= kz_buf_put_varint(&w->dict_block, pos_off);
  }
  size_t shared = first_in_block ? 0 : common_prefix(w->prev_key, w->prev_len, key, key_len);
  rc |= kz_buf_put_varint(&w->dict_block, shared);
  rc |= kz_buf_put_varint(&w->dict_block, key_len - shared);
  rc |= kz_buf_append(&w->dict_block, key + shared, key_len - shared);
  rc |= kz_buf_put_varint(&w->dict_block, df);
  rc |= kz_buf_put_varint(&w->dict_block, cf - df);
  rc |= kz_buf_put_varint(&w->dict_block, w->skips.len + w->blocks.len);
  rc |= kz_buf_put_varint(&w->dict_block, w->positions.len);
  if (rc) return KZ_ERR_NOMEM;
  memcpy(w->prev_key, key, key_len);
  w->prev_len = key_len;
  w->info.n_terms++;
  w->info.n_postings += df;
  w->info.n_positions += cf;
  return KZ_OK;
}

int kz_segment_writer_term(kz_segment_writer *w, const char *key, size_t key_len, const uint32_t *docs,
                           const uint32_t *freqs, uint32_t df, const uint8_t *pos, size_t pos_len) {
  if (!w->error) w->error = add_term(w, key, key_len, docs, freqs, df, pos, pos_len);
  return w->error;
}

static int write_dict_end(kz_segment_writer *w) {
  int rc = write_dict_block(w);
  if (rc) return rc;
  uint64_t index_off = w->dict.offset;
  uint32_t n_blocks = (uint32_t)(w->dict_index.len / 8);
  kz_file_writer_write(&w->dict, w->dict_index.data, w->dict_index.len);
  uint8_t trailer[KZ_DICT_TRAILER_BYTES];
  kz_store_u64le(trailer, w->info.n_terms);
  kz_store_u64le(trailer + 8, index_off);
  kz_store_u32le(trailer + 16, n_blocks);
  kz_store_u32le(trailer + 20, KZ_DICT_BLOCK_TERMS);
  return kz_file_writer_write(&w->dict, trailer, sizeof trailer);
}

static int write_norms(kz_file_writer *f, const uint32_t *lengths, uint32_t n_docs) {
  uint8_t tmp[4096];
  kz_store_u32le(tmp, n_docs);
  kz_file_writer_write(f, tmp, 4);
  for (uint32_t i = 0; i < n_docs;) {
    size_t k = 0;
    for (; k < sizeof tmp / 4 && i < n_docs; k++, i++) kz_store_u32le(tmp + 4 * k, lengths[i]);
    kz_file_writer_write(f, tmp, 4 * k);
  }
  return f->error;
}

int kz_segment_writer_finish(kz_segment_writer *w, kz_segment_info *info, kz_error *err) {
  int rc = w->error;
  if (!rc) rc = write_dict_end(w);
  if (!rc) rc = write_norms(&w->norm, w->cols.lengths, w->n_docs);
  if (!rc) rc = write_norms(&w->tnorm, w->cols.title_lengths, w->n_docs);
  if (!rc) rc = kz_values_write(&w->dates, w->cols.dates, w->n_docs);
  /* the fingerprints are a values column too (docs/FORMAT.md, "Simhash") */
  if (!rc && w->cols.simhashes) rc = kz_values_write(&w->simh, w->cols.simhashes, w->n_docs);
  for (int k = 0; k < n_files(w) && !rc; k++)
    rc = kz_file_writer_finish(file_of(w, k), &w->info.file_bytes[kKinds[k]]);
  if (rc) {
    int saved = errno;
    char name[64];
    kz_segment_file_name(name, sizeof name, w->id, KZ_SEGFILE_POSTINGS);
    kz_error_set(err, rc, "cannot write segment %s in %s: %s", name, w->dir,
                 rc == KZ_ERR_IO ? strerror(saved) : kz_strerror(rc));
    kz_segment_writer_abort(w);
    return rc;
  }
  *info = w->info;
  free_writer(w);
  return KZ_OK;
}
