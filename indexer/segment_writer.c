/*
 * segment_writer.c - writes a segment's dictionary, postings, positions and
 * norms (see segment_writer.h; layouts in docs/FORMAT.md).
 *
 * Terms are visited in key order. For each, the inverter's varint stream is
 * decoded into doc and freq arrays, cut into blocks of KZ_BLOCK_DOCS and
 * re-encoded with the block codec; the positions stream is copied as it is,
 * and walked once to find where each block's positions start.
 */
#include "indexer/segment_writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/bytes.h"
#include "common/error.h"
#include "common/file.h"
#include "common/format.h"
#include "common/postblock.h"
#include "common/segment_format.h"

typedef struct seg_files {
  kz_file_writer dict, post, pos, norm;
} seg_files;

typedef struct scratch {
  uint32_t *docs, *freqs;
  size_t cap;
  kz_buf blocks, skips, dict_block, dict_index;
} scratch;

static int reserve_arrays(scratch *s, size_t n) {
  if (n <= s->cap) return KZ_OK;
  size_t cap = s->cap ? s->cap : 1024;
  while (cap < n) cap *= 2;
  uint32_t *d = realloc(s->docs, cap * sizeof *d);
  if (!d) return KZ_ERR_NOMEM;
  s->docs = d;
  uint32_t *f = realloc(s->freqs, cap * sizeof *f);
  if (!f) return KZ_ERR_NOMEM;
  s->freqs = f;
  s->cap = cap;
  return KZ_OK;
}

/* Decodes a term's inverter stream into s->docs / s->freqs. */
static int decode_docs(scratch *s, const kz_term_acc *a) {
  int rc = reserve_arrays(s, a->df);
  if (rc) return rc;
  const uint8_t *p = a->docs.data, *end = p + a->docs.len;
  int64_t prev = -1;
  for (uint32_t i = 0; i < a->df; i++) {
    uint64_t gap, f;
    if (kz_varint_get(&p, end, &gap) || kz_varint_get(&p, end, &f)) return KZ_ERR_CORRUPT;
    prev = prev + 1 + (int64_t)gap;
    s->docs[i] = (uint32_t)prev;
    s->freqs[i] = (uint32_t)f + 1;
  }
  return KZ_OK;
}

/* Skips `count` varints; the stream was produced by the inverter, so it is well formed. */
static const uint8_t *skip_varints(const uint8_t *p, uint64_t count) {
  while (count--) {
    while (*p & 0x80) p++;
    p++;
  }
  return p;
}

/*
 * Encodes one term's postings (skip table + blocks) into s->skips / s->blocks
 * and returns the bytes of positions it owns.
 */
static int encode_term(scratch *s, const kz_term_acc *a, const uint32_t *lengths) {
  kz_buf_clear(&s->blocks);
  kz_buf_clear(&s->skips);
  uint32_t n_blocks = (a->df + KZ_BLOCK_DOCS - 1) / KZ_BLOCK_DOCS;
  const uint8_t *pos_start = a->pos.data, *pos = pos_start;
  int64_t prev = -1;
  for (uint32_t b = 0; b < n_blocks; b++) {
    uint32_t first = b * KZ_BLOCK_DOCS;
    uint32_t n = a->df - first < KZ_BLOCK_DOCS ? a->df - first : KZ_BLOCK_DOCS;
    uint32_t max_tf = 0, min_len = UINT32_MAX;
    uint64_t block_positions = 0;
    for (uint32_t i = first; i < first + n; i++) {
      if (s->freqs[i] > max_tf) max_tf = s->freqs[i];
      if (lengths[s->docs[i]] < min_len) min_len = lengths[s->docs[i]];
      block_positions += s->freqs[i];
    }
    if (n_blocks > 1) {
      if (s->blocks.len > UINT32_MAX || (size_t)(pos - pos_start) > UINT32_MAX) return KZ_ERR_LIMIT;
      int rc = kz_buf_put_u32le(&s->skips, s->docs[first + n - 1]);
      rc |= kz_buf_put_u32le(&s->skips, (uint32_t)s->blocks.len);
      rc |= kz_buf_put_u32le(&s->skips, (uint32_t)(pos - pos_start));
      rc |= kz_buf_put_u32le(&s->skips, max_tf);
      rc |= kz_buf_put_u32le(&s->skips, min_len);
      if (rc) return KZ_ERR_NOMEM;
    }
    int rc = kz_postblock_encode(&s->blocks, prev, s->docs + first, s->freqs + first, n);
    if (rc) return rc;
    prev = s->docs[first + n - 1];
    pos = skip_varints(pos, block_positions);
  }
  return KZ_OK;
}

static int write_dict_block(seg_files *f, scratch *s) {
  if (!s->dict_block.len) return KZ_OK;
  if (kz_buf_put_u64le(&s->dict_index, f->dict.offset)) return KZ_ERR_NOMEM;
  kz_file_writer_write(&f->dict, s->dict_block.data, s->dict_block.len);
  kz_buf_clear(&s->dict_block);
  return f->dict.error;
}

static size_t common_prefix(const char *a, size_t an, const char *b, size_t bn) {
  size_t n = an < bn ? an : bn, i = 0;
  while (i < n && a[i] == b[i]) i++;
  return i;
}

static int write_terms(seg_files *f, scratch *s, kz_term_acc **terms, size_t n_terms,
                       const uint32_t *lengths, kz_segment_info *info) {
  const kz_term_acc *prev = NULL;
  for (size_t t = 0; t < n_terms; t++) {
    const kz_term_acc *a = terms[t];
    if (a->key_len > KZ_MAX_TERM_KEY_BYTES) continue; /* the analyzer caps tokens well below */
    int rc = decode_docs(s, a);
    if (!rc) rc = encode_term(s, a, lengths);
    if (rc) return rc;
    uint64_t post_off = f->post.offset, pos_off = f->pos.offset;
    kz_file_writer_write(&f->post, s->skips.data, s->skips.len);
    kz_file_writer_write(&f->post, s->blocks.data, s->blocks.len);
    kz_file_writer_write(&f->pos, a->pos.data, a->pos.len);
    if (f->post.error || f->pos.error) return f->post.error ? f->post.error : f->pos.error;

    size_t in_block = info->n_terms % KZ_DICT_BLOCK_TERMS;
    if (in_block == 0) {
      if ((rc = write_dict_block(f, s))) return rc;
      rc |= kz_buf_put_varint(&s->dict_block, post_off);
      rc |= kz_buf_put_varint(&s->dict_block, pos_off);
      prev = NULL;
    }
    size_t shared = prev ? common_prefix(prev->key, prev->key_len, a->key, a->key_len) : 0;
    rc |= kz_buf_put_varint(&s->dict_block, shared);
    rc |= kz_buf_put_varint(&s->dict_block, a->key_len - shared);
    rc |= kz_buf_append(&s->dict_block, a->key + shared, a->key_len - shared);
    rc |= kz_buf_put_varint(&s->dict_block, a->df);
    rc |= kz_buf_put_varint(&s->dict_block, a->cf - a->df);
    rc |= kz_buf_put_varint(&s->dict_block, s->skips.len + s->blocks.len);
    rc |= kz_buf_put_varint(&s->dict_block, a->pos.len);
    if (rc) return KZ_ERR_NOMEM;
    prev = a;
    info->n_terms++;
    info->n_postings += a->df;
    info->n_positions += a->cf;
  }
  int rc = write_dict_block(f, s);
  if (rc) return rc;
  uint64_t index_off = f->dict.offset;
  uint32_t n_blocks = (uint32_t)(s->dict_index.len / 8);
  kz_file_writer_write(&f->dict, s->dict_index.data, s->dict_index.len);
  uint8_t trailer[KZ_DICT_TRAILER_BYTES];
  kz_store_u64le(trailer, info->n_terms);
  kz_store_u64le(trailer + 8, index_off);
  kz_store_u32le(trailer + 16, n_blocks);
  kz_store_u32le(trailer + 20, KZ_DICT_BLOCK_TERMS);
  return kz_file_writer_write(&f->dict, trailer, sizeof trailer);
}

static int write_norms(kz_file_writer *w, const uint32_t *lengths, uint32_t n_docs) {
  uint8_t tmp[4096];
  kz_store_u32le(tmp, n_docs);
  kz_file_writer_write(w, tmp, 4);
  for (uint32_t i = 0; i < n_docs;) {
    size_t k = 0;
    for (; k < sizeof tmp / 4 && i < n_docs; k++, i++) kz_store_u32le(tmp + 4 * k, lengths[i]);
    kz_file_writer_write(w, tmp, 4 * k);
  }
  return w->error;
}

int kz_segment_write(const char *dir, uint32_t segment_id, kz_inverter *inv,
                     const uint32_t *doc_lengths, uint32_t n_docs, kz_segment_info *info,
                     kz_error *err) {
  seg_files f;
  kz_file_writer *w[4] = {&f.dict, &f.post, &f.pos, &f.norm};
  const int kinds[4] = {KZ_SEGFILE_DICT, KZ_SEGFILE_POSTINGS, KZ_SEGFILE_POSITIONS, KZ_SEGFILE_NORMS};
  const uint32_t magics[4] = {KZ_MAGIC_DICT, KZ_MAGIC_POSTINGS, KZ_MAGIC_POSITIONS, KZ_MAGIC_NORMS};
  scratch s;
  memset(&s, 0, sizeof s);
  memset(info, 0, sizeof *info);
  info->id = segment_id;
  info->doc_count = n_docs;
  for (uint32_t i = 0; i < n_docs; i++) info->total_length += doc_lengths[i];

  int rc = KZ_OK;
  for (int k = 0; k < 4; k++) {
    char name[64];
    kz_segment_file_name(name, sizeof name, segment_id, kinds[k]);
    char *path = kz_path_join(dir, name);
    if (!path) {
      rc = KZ_ERR_NOMEM;
      for (int j = k; j < 4; j++) memset(w[j], 0, sizeof *w[j]), w[j]->fd = -1;
      break;
    }
    int orc = kz_file_writer_open(w[k], path, magics[k]);
    free(path);
    if (orc && !rc) rc = orc;
  }
  kz_term_acc **terms = NULL;
  size_t n_terms = 0;
  if (!rc) rc = kz_inverter_sorted(inv, &terms, &n_terms);
  if (!rc) rc = write_terms(&f, &s, terms, n_terms, doc_lengths, info);
  if (!rc) rc = write_norms(&f.norm, doc_lengths, n_docs);
  for (int k = 0; k < 4 && !rc; k++) rc = kz_file_writer_finish(w[k], &info->file_bytes[kinds[k]]);
  if (rc) {
    int saved = errno;
    for (int k = 0; k < 4; k++) kz_file_writer_abort(w[k]);
    char name[64];
    kz_segment_file_name(name, sizeof name, segment_id, KZ_SEGFILE_POSTINGS);
    if (rc == KZ_ERR_IO)
      kz_error_set(err, rc, "cannot write segment %s in %s: %s", name, dir, strerror(saved));
    else
      kz_error_set(err, rc, "cannot write segment %s in %s: %s", name, dir, kz_strerror(rc));
  }
  free(s.docs);
  free(s.freqs);
  kz_buf_free(&s.blocks);
  kz_buf_free(&s.skips);
  kz_buf_free(&s.dict_block);
  kz_buf_free(&s.dict_index);
  return rc;
}
