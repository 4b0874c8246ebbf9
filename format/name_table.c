/*
 * name_table.c - writing, opening, searching and verifying the names table
 * of a segment (see name_table.h; layout in docs/FORMAT.md, "Names").
 */
#include "format/name_table.h"

#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "format/file.h"
#include "format/format.h"
#include "format/manifest.h"
#include "kzsearch.h"

static int compare_bytes(const char *a, size_t an, const char *b, size_t bn) {
  int c = memcmp(a, b, an < bn ? an : bn);
  return c ? c : (an > bn) - (an < bn);
}

static int compare_entries(const kz_name_entry *a, const kz_name_entry *b) {
  int c = compare_bytes(a->key, a->key_len, b->key, b->key_len);
  return c ? c : compare_bytes(a->term, a->term_len, b->term, b->term_len);
}

static int compare_qsort(const void *a, const void *b) { return compare_entries(a, b); }

static void write_entry(kz_file_writer *f, const kz_name_entry *e) {
  uint8_t len = (uint8_t)e->key_len;
  kz_file_writer_write(f, &len, 1);
  kz_file_writer_write(f, e->key, e->key_len);
  len = (uint8_t)e->term_len;
  kz_file_writer_write(f, &len, 1);
  kz_file_writer_write(f, e->term, e->term_len);
  uint8_t flags = e->english ? KZ_NAME_ENGLISH : 0;
  kz_file_writer_write(f, &flags, 1);
}

int kz_name_table_write(const char *dir, uint32_t segment_id, kz_name_entry *entries, size_t n,
                        uint64_t *bytes) {
  for (size_t i = 0; i < n; i++)
    if (!entries[i].key_len || entries[i].key_len > 255 || !entries[i].term_len ||
        entries[i].term_len > 255)
      return KZ_ERR_INVALID;
  if (n > UINT32_MAX) return KZ_ERR_LIMIT;
  if (n) qsort(entries, n, sizeof *entries, compare_qsort);
  size_t kept = 0;
  for (size_t i = 0; i < n; i++)
    if (!kept || compare_entries(&entries[kept - 1], &entries[i]))
      entries[kept++] = entries[i];
    else /* a merge of segments read with different word lists: English if one says so */
      entries[kept - 1].english |= entries[i].english;
  kz_file_writer f;
  int rc = kz_segment_file_create(&f, dir, segment_id, KZ_SEGFILE_NAMES, KZ_MAGIC_NAMES);
  if (rc) return rc;
  uint8_t u32[4];
  if (kept >= KZ_NAME_TABLE_FLAGGED) {
    kz_file_writer_abort(&f);
    return KZ_ERR_LIMIT;
  }
  kz_store_u32le(u32, (uint32_t)kept | KZ_NAME_TABLE_FLAGGED);
  kz_file_writer_write(&f, u32, 4);
  uint64_t off = 0;
  for (size_t i = 0; i < kept; i++) {
    if (off > UINT32_MAX) {
      kz_file_writer_abort(&f);
      return KZ_ERR_LIMIT;
    }
    kz_store_u32le(u32, (uint32_t)off);
    kz_file_writer_write(&f, u32, 4);
    off += 3 + entries[i].key_len + entries[i].term_len;
  }
  for (size_t i = 0; i < kept; i++) write_entry(&f, &entries[i]);
  return kz_file_writer_finish(&f, bytes); /* an earlier write's error removes the file there */
}

int kz_name_table_open(kz_name_table *t, const uint8_t *body, size_t size) {
  memset(t, 0, sizeof *t);
  if (!body) return KZ_OK;
  if (size < 4) return KZ_ERR_CORRUPT;
  uint32_t n = kz_load_u32le(body);
  t->flags_bytes = (n & KZ_NAME_TABLE_FLAGGED) != 0;
  n &= ~KZ_NAME_TABLE_FLAGGED;
  if ((size - 4) / 4 < n) return KZ_ERR_CORRUPT;
  t->n = n;
  t->offsets = body + 4;
  t->entries = t->offsets + 4 * (size_t)n;
  t->entries_size = size - 4 - 4 * (size_t)n;
  return KZ_OK;
}

int kz_name_table_entry(const kz_name_table *t, uint32_t i, kz_name_entry *e) {
  if (i >= t->n) return KZ_ERR_CORRUPT;
  size_t off = kz_load_u32le(t->offsets + 4 * (size_t)i), end = t->entries_size;
  if (off >= end) return KZ_ERR_CORRUPT;
  size_t key_len = t->entries[off];
  if (key_len == 0 || end - off - 1 < key_len + 1) return KZ_ERR_CORRUPT;
  size_t term_off = off + 1 + key_len;
  size_t term_len = t->entries[term_off];
  if (term_len == 0 || end - term_off - 1 < term_len + t->flags_bytes) return KZ_ERR_CORRUPT;
  uint8_t flags = t->flags_bytes ? t->entries[term_off + 1 + term_len] : 0;
  if (flags & ~KZ_NAME_ENGLISH) return KZ_ERR_CORRUPT;
  e->key = (const char *)t->entries + off + 1;
  e->key_len = key_len;
  e->term = (const char *)t->entries + term_off + 1;
  e->term_len = term_len;
  e->english = flags & KZ_NAME_ENGLISH;
  return KZ_OK;
}

int kz_name_table_seek(const kz_name_table *t, const char *key, size_t len, uint32_t *first) {
  uint32_t lo = 0, hi = t->n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    kz_name_entry e;
    if (kz_name_table_entry(t, mid, &e)) return KZ_ERR_CORRUPT;
    if (compare_bytes(e.key, e.key_len, key, len) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  *first = lo;
  return KZ_OK;
}

int kz_name_table_verify(const kz_name_table *t) {
  kz_name_entry prev = {0}, e;
  size_t expect = 0;
  for (uint32_t i = 0; i < t->n; i++) {
    if (kz_name_table_entry(t, i, &e) || kz_load_u32le(t->offsets + 4 * (size_t)i) != expect)
      return KZ_ERR_CORRUPT;
    if (i > 0 && compare_entries(&prev, &e) >= 0) return KZ_ERR_CORRUPT;
    for (size_t j = 0; j < e.key_len; j++) /* keys are lower-case ASCII letters (name_key.h) */
      if (e.key[j] < 'a' || e.key[j] > 'z') return KZ_ERR_CORRUPT;
    expect += 2 + t->flags_bytes + e.key_len + e.term_len;
    prev = e;
  }
  return expect == t->entries_size ? KZ_OK : KZ_ERR_CORRUPT;
}
