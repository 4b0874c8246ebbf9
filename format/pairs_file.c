/*
 * pairs_file.c - writing and reading the list of words a segment indexes
 * pairs of (see pairs_file.h for the layout). The file is a few hundred
 * bytes; opening it checks every entry, so that a search can trust the list.
 */
#include "format/pairs_file.h"

#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "format/file.h"
#include "format/format.h"
#include "format/manifest.h"
#include "kzsearch.h"

/* Bytewise order of a[0..al) and b[0..bl). */
static int compare(const void *a, size_t al, const void *b, size_t bl) {
  int c = memcmp(a, b, al < bl ? al : bl);
  if (c) return c;
  return al < bl ? -1 : al > bl;
}

static int valid_word(const void *w, size_t len) {
  return len > 0 && len <= KZ_PAIR_WORD_MAX_BYTES && !memchr(w, ' ', len);
}

/* Writes the file from its entries (already checked). */
static int write_file(const char *dir, uint32_t segment_id, uint32_t version, uint32_t n,
                      const void *entries, size_t size, uint64_t *bytes) {
  kz_file_writer f;
  int rc = kz_segment_file_create(&f, dir, segment_id, KZ_SEGFILE_PAIRS, KZ_MAGIC_PAIRS);
  if (rc) return rc;
  uint8_t head[8];
  kz_store_u32le(head, version);
  kz_store_u32le(head + 4, n);
  kz_file_writer_write(&f, head, sizeof head);
  kz_file_writer_write(&f, entries, size);
  return kz_file_writer_finish(&f, bytes); /* an earlier write's error removes the file there */
}

int kz_pairs_file_write(const char *dir, uint32_t segment_id, uint32_t version,
                        const char *const *words, size_t n, uint64_t *bytes) {
  if (n == 0 || n > KZ_PAIR_WORDS_MAX) return KZ_ERR_INVALID;
  uint8_t entries[KZ_PAIR_WORDS_MAX * (1 + KZ_PAIR_WORD_MAX_BYTES)];
  size_t size = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(words[i]);
    if (!valid_word(words[i], len) ||
        (i && compare(words[i - 1], strlen(words[i - 1]), words[i], len) >= 0))
      return KZ_ERR_INVALID;
    entries[size++] = (uint8_t)len;
    memcpy(entries + size, words[i], len);
    size += len;
  }
  return write_file(dir, segment_id, version, (uint32_t)n, entries, size, bytes);
}

int kz_pairs_file_copy(const char *dir, uint32_t segment_id, const kz_pair_words *w,
                       uint64_t *bytes) {
  return write_file(dir, segment_id, w->version, w->n, w->words, w->words_size, bytes);
}

int kz_pair_words_open(kz_pair_words *w, const uint8_t *body, size_t size) {
  memset(w, 0, sizeof *w);
  if (!body || size < 8) return KZ_ERR_CORRUPT;
  uint32_t n = kz_load_u32le(body + 4);
  if (n == 0 || n > KZ_PAIR_WORDS_MAX) return KZ_ERR_CORRUPT;
  const uint8_t *p = body + 8, *end = body + size, *prev = NULL;
  size_t prev_len = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (p == end || (size_t)(end - p - 1) < p[0] || !valid_word(p + 1, p[0]) ||
        (prev && compare(prev, prev_len, p + 1, p[0]) >= 0))
      return KZ_ERR_CORRUPT;
    prev = p + 1;
    prev_len = p[0];
    p += 1 + p[0];
  }
  if (p != end) return KZ_ERR_CORRUPT;
  w->version = kz_load_u32le(body);
  w->n = n;
  w->words = body + 8;
  w->words_size = size - 8;
  return KZ_OK;
}

int kz_pair_words_has(const kz_pair_words *w, const char *term, size_t len) {
  const uint8_t *p = w->words;
  for (uint32_t i = 0; i < w->n; i++) {
    if (p[0] == len && memcmp(p + 1, term, len) == 0) return 1;
    p += 1 + p[0];
  }
  return 0;
}

int kz_pair_words_equal(const kz_pair_words *a, const kz_pair_words *b) {
  return a->version == b->version && a->n == b->n && a->words_size == b->words_size &&
         (a->words_size == 0 || memcmp(a->words, b->words, a->words_size) == 0);
}
