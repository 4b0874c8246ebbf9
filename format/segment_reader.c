/*
 * segment_reader.c - opening a segment and looking terms up in its dictionary
 * (see segment_reader.h; layouts in docs/FORMAT.md).
 *
 * Lookup is a binary search over the dictionary's block index, comparing
 * each block's first (whole) term, then a scan of at most
 * KZ_DICT_BLOCK_TERMS front-coded entries. Every offset and length read
 * from disk is checked against the mapped sizes before use.
 */
#include "format/segment_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/deletes.h"
#include "common/error.h"
#include "format/format.h"
#include "format/segment_format.h"

const uint32_t kz_segfile_magic[KZ_SEGFILES] = {
    KZ_MAGIC_DICT,  KZ_MAGIC_POSTINGS, KZ_MAGIC_POSITIONS,  KZ_MAGIC_NORMS,
    KZ_MAGIC_STORE, KZ_MAGIC_TITLE_NORMS, KZ_MAGIC_VALUES, KZ_MAGIC_ALIASES,
    KZ_MAGIC_SIMHASH, KZ_MAGIC_NAMES, KZ_MAGIC_PAIRS};

static int fail(kz_error *err, int rc, const char *dir, uint32_t id, int kind, const char *what) {
  char name[64];
  kz_segment_file_name(name, sizeof name, id, kind);
  return kz_error_set(err, rc, "%s/%s: %s", dir, name, what);
}

static int open_dict(kz_segment *s) {
  const kz_mapped_file *f = &s->file[KZ_SEGFILE_DICT];
  if (f->body_size < KZ_DICT_TRAILER_BYTES) return KZ_ERR_CORRUPT;
  const uint8_t *t = f->body + f->body_size - KZ_DICT_TRAILER_BYTES;
  s->dict_terms = kz_load_u64le(t);
  s->dict_index_off = kz_load_u64le(t + 8);
  s->dict_blocks = kz_load_u32le(t + 16);
  if (kz_load_u32le(t + 20) != KZ_DICT_BLOCK_TERMS) return KZ_ERR_CORRUPT;
  uint64_t index_end = (uint64_t)(t - f->data);
  if (s->dict_index_off < KZ_FILE_HEADER_BYTES || s->dict_index_off > index_end ||
      (index_end - s->dict_index_off) != (uint64_t)s->dict_blocks * 8)
    return KZ_ERR_CORRUPT;
  uint64_t max_terms = (uint64_t)s->dict_blocks * KZ_DICT_BLOCK_TERMS;
  if (s->dict_terms > max_terms || s->dict_terms + KZ_DICT_BLOCK_TERMS <= max_terms ||
      s->dict_terms != s->info.n_terms)
    return KZ_ERR_CORRUPT;
  s->dict_index = f->data + s->dict_index_off;
  uint64_t prev = KZ_FILE_HEADER_BYTES;
  for (uint32_t b = 0; b < s->dict_blocks; b++) {
    uint64_t off = kz_load_u64le(s->dict_index + 8 * (size_t)b);
    if (off < prev || off >= s->dict_index_off || (b == 0 && off != KZ_FILE_HEADER_BYTES))
      return KZ_ERR_CORRUPT;
    prev = off + 1;
  }
  return KZ_OK;
}

int kz_segment_open(kz_segment *s, const char *dir, const kz_segment_info *info, kz_error *err) {
  memset(s, 0, sizeof *s);
  s->info = *info;
  s->unpack = kz_unpacker_default();
  for (int k = 0; k < KZ_SEGFILES; k++) {
    if (!kz_segfile_present(info, k)) continue; /* an optional kind it lacks: s->file[k] stays empty */
    char name[64], detail[160] = "";
    kz_segment_file_name(name, sizeof name, info->id, k);
    char *path = kz_path_join(dir, name);
    if (!path) {
      kz_segment_close(s);
      return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
    }
    int rc = kz_file_map(&s->file[k], path, kz_segfile_magic[k], detail, sizeof detail);
    if (rc == KZ_OK && s->file[k].size != info->file_bytes[k]) {
      snprintf(detail, sizeof detail, "size is %zu bytes, the manifest says %llu (truncated?)",
               s->file[k].size, (unsigned long long)info->file_bytes[k]);
      rc = KZ_ERR_CORRUPT;
    }
    /*
     * The simhash column, the alias table and the pairs list are small and
     * used by every search (collapsing, acronym expansion and phrases), so their
     * checksums are verified here: a damaged one is refused on opening
     * rather than giving wrong collapses or expansions. The names table is
     * read only for capitalised words and never with --exact, which keeps
     * working on a damaged one (a search that reads it reports the damage
     * it meets; merges verify it). The core files are too big for that;
     * check --full verifies every checksum.
     */
    if (rc == KZ_OK &&
        (k == KZ_SEGFILE_SIMHASH || k == KZ_SEGFILE_ALIASES || k == KZ_SEGFILE_PAIRS) &&
        kz_file_verify_checksum(&s->file[k]) != KZ_OK) {
      snprintf(detail, sizeof detail, "checksum mismatch");
      rc = KZ_ERR_CORRUPT;
    }
    /* the pairs list decides how phrases are read: it is checked whole (a few hundred bytes) */
    if (rc == KZ_OK && k == KZ_SEGFILE_PAIRS &&
        kz_pair_words_open(&s->pairs, s->file[k].body, s->file[k].body_size) != KZ_OK) {
      snprintf(detail, sizeof detail, "damaged list of common words");
      rc = KZ_ERR_CORRUPT;
    }
    if (rc) {
      kz_error_set(err, rc, "%s: %s", path, detail);
      free(path);
      kz_segment_close(s);
      return rc;
    }
    free(path);
  }
  static const int norm_kinds[2] = {KZ_SEGFILE_NORMS, KZ_SEGFILE_TITLE_NORMS};
  for (int i = 0; i < 2; i++) {
    int k = norm_kinds[i];
    const kz_mapped_file *nf = &s->file[k];
    if (nf->body_size != KZ_NORMS_HEADER_BYTES + 4ull * info->doc_count ||
        kz_load_u32le(nf->body) != info->doc_count) {
      kz_segment_close(s);
      return fail(err, KZ_ERR_CORRUPT, dir, info->id, k, "document count mismatch");
    }
  }
  s->norms = s->file[KZ_SEGFILE_NORMS].body + KZ_NORMS_HEADER_BYTES;
  s->title_norms = s->file[KZ_SEGFILE_TITLE_NORMS].body + KZ_NORMS_HEADER_BYTES;
  const kz_mapped_file *df = &s->file[KZ_SEGFILE_DATES];
  if (kz_values_open(&s->dates, df->body, df->body_size, info->doc_count) != KZ_OK) {
    kz_segment_close(s);
    return fail(err, KZ_ERR_CORRUPT, dir, info->id, KZ_SEGFILE_DATES, "document count mismatch");
  }
  const kz_mapped_file *hf = &s->file[KZ_SEGFILE_SIMHASH];
  s->has_simhashes = kz_segfile_present(info, KZ_SEGFILE_SIMHASH);
  if (s->has_simhashes &&
      kz_values_open(&s->simhashes, hf->body, hf->body_size, info->doc_count) != KZ_OK) {
    kz_segment_close(s);
    return fail(err, KZ_ERR_CORRUPT, dir, info->id, KZ_SEGFILE_SIMHASH, "document count mismatch");
  }
  if (open_dict(s) != KZ_OK) {
    kz_segment_close(s);
    return fail(err, KZ_ERR_CORRUPT, dir, info->id, KZ_SEGFILE_DICT, "damaged dictionary trailer or index");
  }
  if (info->deletes_gen) {
    char name[64], detail[160] = "";
    kz_deletes_file_name(name, sizeof name, info->id, info->deletes_gen);
    char *path = kz_path_join(dir, name);
    int rc = path ? kz_file_map(&s->deletes_file, path, KZ_MAGIC_DELETES, detail, sizeof detail)
                  : KZ_ERR_NOMEM;
    if (rc == KZ_OK && (s->deletes_file.size != info->deletes_bytes ||
                        kz_deletes_validate(s->deletes_file.body, s->deletes_file.body_size,
                                            info->doc_count, info->deleted_docs, &s->deleted))) {
      snprintf(detail, sizeof detail, "does not match the manifest's deletions");
      rc = KZ_ERR_CORRUPT;
    }
    if (rc) {
      kz_error_set(err, rc, "%s/%s: %s", dir, name, rc == KZ_ERR_NOMEM ? "out of memory" : detail);
      free(path);
      kz_segment_close(s);
      return rc;
    }
    free(path);
  }
  const kz_mapped_file *sf = &s->file[KZ_SEGFILE_STORE];
  if (kz_docstore_open(&s->store, sf->body, sf->body_size, info->doc_count) != KZ_OK) {
    kz_segment_close(s);
    return fail(err, KZ_ERR_CORRUPT, dir, info->id, KZ_SEGFILE_STORE, "damaged document store index");
  }
  return KZ_OK;
}

void kz_segment_close(kz_segment *s) {
  if (!s) return;
  for (int k = 0; k < KZ_SEGFILES; k++) kz_file_unmap(&s->file[k]);
  kz_file_unmap(&s->deletes_file);
  s->deleted = NULL;
}

static int compare_key(const uint8_t *a, size_t an, const char *b, size_t bn) {
  size_t n = an < bn ? an : bn;
  int c = memcmp(a, b, n);
  if (c) return c;
  return an < bn ? -1 : an > bn;
}

/* Positions the iterator at the start of block b. */
static int enter_block(kz_dict_iter *it, uint32_t b) {
  const kz_segment *s = it->seg;
  uint64_t off = kz_load_u64le(s->dict_index + 8 * (size_t)b);
  uint64_t end = b + 1 < s->dict_blocks ? kz_load_u64le(s->dict_index + 8 * ((size_t)b + 1))
                                        : s->dict_index_off;
  it->block = b;
  it->in_block = 0;
  it->p = s->file[KZ_SEGFILE_DICT].data + off;
  it->end = s->file[KZ_SEGFILE_DICT].data + end;
  it->key_len = 0;
  it->next_first = NULL;
  if (kz_varint_get(&it->p, it->end, &it->next_post) || kz_varint_get(&it->p, it->end, &it->next_pos))
    return KZ_ERR_CORRUPT;
  return KZ_OK;
}

void kz_dict_iter_init(kz_dict_iter *it, const kz_segment *seg) {
  memset(it, 0, sizeof *it);
  it->seg = seg;
  it->block = UINT32_MAX;
}

/* Reads the entry at it->p into it->key / it->info; *kept: the key bytes kept from the last key. */
static int read_entry(kz_dict_iter *it, size_t *kept) {
  const kz_segment *s = it->seg;
  uint64_t shared, suffix, df, extra, post_len, pos_len;
  if (kz_varint_get(&it->p, it->end, &shared) || kz_varint_get(&it->p, it->end, &suffix) ||
      shared > it->key_len || (it->in_block == 0 && shared != 0) ||
      shared + suffix > KZ_MAX_TERM_KEY_BYTES || suffix > (uint64_t)(it->end - it->p))
    return KZ_ERR_CORRUPT;
  *kept = (size_t)shared;
  memcpy(it->key + shared, it->p, suffix);
  it->p += suffix;
  it->key_len = shared + suffix;
  if (kz_varint_get(&it->p, it->end, &df) || kz_varint_get(&it->p, it->end, &extra) ||
      kz_varint_get(&it->p, it->end, &post_len) || kz_varint_get(&it->p, it->end, &pos_len))
    return KZ_ERR_CORRUPT;
  uint64_t post_limit = s->file[KZ_SEGFILE_POSTINGS].size - KZ_FILE_FOOTER_BYTES;
  uint64_t pos_limit = s->file[KZ_SEGFILE_POSITIONS].size - KZ_FILE_FOOTER_BYTES;
  if (df == 0 || df > s->info.doc_count || extra > UINT64_MAX / 2 ||
      it->next_post < KZ_FILE_HEADER_BYTES || it->next_post > post_limit ||
      post_len > post_limit - it->next_post || it->next_pos < KZ_FILE_HEADER_BYTES ||
      it->next_pos > pos_limit || pos_len > pos_limit - it->next_pos)
    return KZ_ERR_CORRUPT;
  it->info.df = (uint32_t)df;
  it->info.cf = df + extra;
  it->info.post_off = it->next_post;
  it->info.post_len = post_len;
  it->info.pos_off = it->next_pos;
  it->info.pos_len = pos_len;
  it->next_post += post_len;
  it->next_pos += pos_len;
  it->in_block++;
  return KZ_OK;
}

int kz_dict_iter_next(kz_dict_iter *it) {
  const kz_segment *s = it->seg;
  for (;;) {
    if (it->block != UINT32_MAX && it->in_block < KZ_DICT_BLOCK_TERMS && it->p < it->end) {
      size_t kept;
      int rc = read_entry(it, &kept);
      return rc ? rc : 1;
    }
    uint32_t next = it->block == UINT32_MAX ? 0 : it->block + 1;
    if (next >= s->dict_blocks) return 0;
    if (enter_block(it, next)) return KZ_ERR_CORRUPT;
  }
}

/*
 * Block b's first key, in place: a block's first entry shares nothing with
 * the one before, so its key bytes follow the block's offsets whole.
 */
static int block_first_key(const kz_segment *s, uint32_t b, const uint8_t **key, size_t *len) {
  uint64_t off = kz_load_u64le(s->dict_index + 8 * (size_t)b);
  uint64_t end = b + 1 < s->dict_blocks ? kz_load_u64le(s->dict_index + 8 * ((size_t)b + 1))
                                        : s->dict_index_off;
  const uint8_t *p = s->file[KZ_SEGFILE_DICT].data + off, *e = s->file[KZ_SEGFILE_DICT].data + end;
  uint64_t skip, shared, suffix;
  if (kz_varint_get(&p, e, &skip) || kz_varint_get(&p, e, &skip) ||
      kz_varint_get(&p, e, &shared) || kz_varint_get(&p, e, &suffix) || shared != 0 ||
      suffix > KZ_MAX_TERM_KEY_BYTES || suffix > (uint64_t)(e - p))
    return KZ_ERR_CORRUPT;
  *key = p;
  *len = (size_t)suffix;
  return KZ_OK;
}

/* The binary search of find_block within blocks [lo, hi), which must hold the answer. */
static int search_blocks(const kz_segment *s, uint32_t lo, uint32_t hi, const char *key,
                         size_t key_len, uint32_t *out) {
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    const uint8_t *first;
    size_t first_len;
    if (block_first_key(s, mid, &first, &first_len)) return KZ_ERR_CORRUPT;
    if (compare_key(first, first_len, key, key_len) <= 0)
      lo = mid;
    else
      hi = mid;
  }
  *out = lo;
  return KZ_OK;
}

/* The last block whose first key is <= key (block 0 when none is). */
static int find_block(const kz_segment *s, const char *key, size_t key_len, uint32_t *out) {
  return search_blocks(s, 0, s->dict_blocks, key, key_len, out);
}

/*
 * As find_block, for a key known to lie at or after block lo's first key:
 * galloping from lo, so that a seek a few blocks ahead (the fuzzy scan
 * makes thousands) reads a few first keys instead of a binary search's.
 */
static int find_block_from(const kz_segment *s, uint32_t lo, const char *key, size_t key_len,
                           uint32_t *out) {
  uint32_t hi = lo + 1, step = 1;
  for (;;) {
    if (hi >= s->dict_blocks) {
      hi = s->dict_blocks;
      break;
    }
    const uint8_t *first;
    size_t first_len;
    if (block_first_key(s, hi, &first, &first_len)) return KZ_ERR_CORRUPT;
    if (compare_key(first, first_len, key, key_len) > 0) break;
    lo = hi;
    hi = step < s->dict_blocks - lo ? lo + step : s->dict_blocks;
    step *= 2;
  }
  return search_blocks(s, lo, hi, key, key_len, out);
}

int kz_dict_iter_seek(kz_dict_iter *it, const char *key, size_t key_len) {
  const kz_segment *s = it->seg;
  uint32_t b;
  if (it->block < s->dict_blocks && it->in_block > 0 &&
      compare_key((const uint8_t *)it->key, it->key_len, key, key_len) < 0) {
    /*
     * Forward from the current key: from its block on, and within the block
     * from where it is. Most seeks of the fuzzy scan stay in the block, which
     * the next block's first key, kept from the first such seek, tells.
     */
    b = it->block;
    if (b + 1 < s->dict_blocks) {
      if (!it->next_first &&
          block_first_key(s, b + 1, &it->next_first, &it->next_first_len))
        return KZ_ERR_CORRUPT;
      if (compare_key(it->next_first, it->next_first_len, key, key_len) <= 0 &&
          find_block_from(s, b + 1, key, key_len, &b))
        return KZ_ERR_CORRUPT;
    }
    if (b != it->block && enter_block(it, b)) return KZ_ERR_CORRUPT;
  } else {
    kz_dict_iter_init(it, s);
    if (s->dict_blocks == 0) return 0;
    if (find_block(s, key, key_len, &b) || enter_block(it, b)) return KZ_ERR_CORRUPT;
  }
  /*
   * same: how many leading bytes the last key read shares with `key` (it was
   * smaller). An entry that keeps more than that of the last key has the last
   * key's smaller byte there, so it is smaller too without a comparison; else
   * the comparison starts where the kept bytes and `key` part.
   */
  size_t same = 0;
  int first = 1;
  while (it->in_block < KZ_DICT_BLOCK_TERMS && it->p < it->end) {
    size_t kept;
    if (read_entry(it, &kept)) return KZ_ERR_CORRUPT;
    if (!first && kept > same) continue;
    size_t i = first ? 0 : kept, n = it->key_len < key_len ? it->key_len : key_len;
    first = 0;
    while (i < n && it->key[i] == key[i]) i++;
    if (i < n ? (unsigned char)it->key[i] > (unsigned char)key[i] : it->key_len >= key_len)
      return 1;
    same = i;
  }
  /* Every key of block b is smaller: the answer is the next block's first key. */
  return kz_dict_iter_next(it);
}

int kz_segment_lookup(const kz_segment *s, const char *key, size_t key_len, kz_term_info *out) {
  if (s->dict_blocks == 0) return 0;
  uint32_t lo;
  if (find_block(s, key, key_len, &lo)) return KZ_ERR_CORRUPT;
  kz_dict_iter it;
  it.seg = s;
  memset(&it.info, 0, sizeof it.info); /* padding too: callers may compare term infos whole */
  if (enter_block(&it, lo)) return KZ_ERR_CORRUPT;
  while (it.in_block < KZ_DICT_BLOCK_TERMS && it.p < it.end) {
    size_t kept;
    if (read_entry(&it, &kept)) return KZ_ERR_CORRUPT;
    int c = compare_key((const uint8_t *)it.key, it.key_len, key, key_len);
    if (c == 0) {
      *out = it.info;
      return 1;
    }
    if (c > 0) break;
  }
  return 0;
}

int kz_segment_pair_totals(const kz_segment *s, uint64_t *terms, uint64_t *postings,
                           uint64_t *positions) {
  *terms = *postings = *positions = 0;
  if (!s->pairs.n) return KZ_OK;
  kz_dict_iter it;
  kz_dict_iter_init(&it, s);
  const char first = (char)KZ_FIELD_PAIRS;
  int rc = kz_dict_iter_seek(&it, &first, 1);
  for (; rc == 1; rc = kz_dict_iter_next(&it)) {
    ++*terms;
    *postings += it.info.df;
    *positions += it.info.cf;
  }
  return rc < 0 ? rc : KZ_OK;
}
