/*
 * str_table.c - a set of byte strings numbered in insertion order (see
 * str_table.h).
 *
 * Open addressing with linear probing over a power-of-two array of slots,
 * grown (doubled) before it passes half full, so probe runs stay short and
 * a free slot always ends them. A slot holds 32 bits of the key's hash and
 * the key's number; the keys' bytes lie back to back in one buffer, found by
 * their end offsets, so growing the slots never touches or re-hashes a key
 * (the stored hash places it) and the buffer may move as it grows.
 */
#include "common/str_table.h"

#include <stdlib.h>
#include <string.h>

#include "common/checksum.h"
#include "kzsearch.h"

#define MIN_SLOTS 1024u
/* Numbers are stored + 1 in 32 bits and offsets in 32 bits. */
#define MAX_KEYS (1u << 31)
#define MAX_BYTES UINT32_MAX

static size_t key_start(const kz_str_table *t, uint32_t id) { return id ? t->ends[id - 1] : 0; }

/* The slot holding s[0..n), or the empty one where it goes. */
static inline kz_str_table_slot *slot_of(const kz_str_table *t, const char *s, size_t n,
                                         uint32_t h) {
  size_t mask = t->cap - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    kz_str_table_slot *e = &t->slots[i];
    if (!e->id) return e;
    if (e->hash != h) continue;
    size_t start = key_start(t, e->id - 1);
    if (t->ends[e->id - 1] - start == n && memcmp(t->bytes.data + start, s, n) == 0) return e;
  }
}

/* Resizes the slots to `cap` (a power of two above twice the keys). */
static int resize(kz_str_table *t, size_t cap) {
  kz_str_table_slot *s = calloc(cap, sizeof *s);
  if (!s) return KZ_ERR_NOMEM;
  for (size_t i = 0; i < t->cap; i++) {
    if (!t->slots[i].id) continue;
    size_t j = t->slots[i].hash & (cap - 1);
    while (s[j].id) j = (j + 1) & (cap - 1);
    s[j] = t->slots[i];
  }
  free(t->slots);
  t->slots = s;
  t->cap = cap;
  return KZ_OK;
}

static int reserve_ends(kz_str_table *t, size_t keys) {
  if (keys <= t->cap_ends) return KZ_OK;
  uint32_t *e = realloc(t->ends, keys * sizeof *e);
  if (!e) return KZ_ERR_NOMEM;
  t->ends = e;
  t->cap_ends = keys;
  return KZ_OK;
}

int kz_str_table_reserve(kz_str_table *t, size_t keys, size_t bytes) {
  size_t cap = t->cap ? t->cap : MIN_SLOTS;
  while (cap < 2 * keys) cap *= 2;
  int rc = cap > t->cap ? resize(t, cap) : KZ_OK;
  if (!rc) rc = reserve_ends(t, keys);
  if (!rc && bytes > t->bytes.cap - t->bytes.len) rc = kz_buf_reserve(&t->bytes, bytes);
  return rc;
}

int kz_str_table_put(kz_str_table *t, const char *s, size_t n, uint32_t *id, int *added) {
  if (added) *added = 0;
  if (2 * (t->n + 1) > t->cap) {
    int rc = resize(t, t->cap ? 2 * t->cap : MIN_SLOTS);
    if (rc) return rc;
  }
  uint32_t h = (uint32_t)kz_hash_bytes(s, n);
  kz_str_table_slot *e = slot_of(t, s, n, h);
  if (e->id) {
    if (id) *id = e->id - 1;
    return KZ_OK;
  }
  if (t->n >= MAX_KEYS || n > MAX_BYTES - t->bytes.len) return KZ_ERR_LIMIT;
  if (t->n == t->cap_ends && reserve_ends(t, t->cap_ends ? 2 * t->cap_ends : MIN_SLOTS / 2))
    return KZ_ERR_NOMEM;
  if (kz_buf_append(&t->bytes, s, n)) return KZ_ERR_NOMEM;
  t->ends[t->n] = (uint32_t)t->bytes.len;
  *e = (kz_str_table_slot){h, (uint32_t)t->n + 1};
  if (id) *id = (uint32_t)t->n;
  if (added) *added = 1;
  t->n++;
  return KZ_OK;
}

int kz_str_table_find(const kz_str_table *t, const char *s, size_t n, uint32_t *id) {
  if (!t->n) return 0;
  const kz_str_table_slot *e = slot_of(t, s, n, (uint32_t)kz_hash_bytes(s, n));
  if (!e->id) return 0;
  if (id) *id = e->id - 1;
  return 1;
}

const char *kz_str_table_key(const kz_str_table *t, uint32_t id, size_t *len) {
  size_t start = key_start(t, id);
  *len = t->ends[id] - start;
  return (const char *)t->bytes.data + start;
}

size_t kz_str_table_count(const kz_str_table *t) { return t->n; }

size_t kz_str_table_memory(const kz_str_table *t) {
  return t->cap * sizeof *t->slots + t->cap_ends * sizeof *t->ends + t->bytes.cap;
}

void kz_str_table_clear(kz_str_table *t) {
  if (t->slots) memset(t->slots, 0, t->cap * sizeof *t->slots);
  t->n = 0;
  kz_buf_clear(&t->bytes);
}

void kz_str_table_free(kz_str_table *t) {
  free(t->slots);
  free(t->ends);
  kz_buf_free(&t->bytes);
  memset(t, 0, sizeof *t);
}
