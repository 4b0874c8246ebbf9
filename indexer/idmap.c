/*
 * idmap.c - external id -> live document (see idmap.h).
 *
 * Open addressing with linear probing over a power-of-two table kept at
 * most half full; keys live in one arena. A removed id keeps its slot with
 * segment 0, so probe chains stay intact and a later put reuses it.
 */
#include "indexer/idmap.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/checksum.h"
#include "kzsearch.h"

typedef struct entry {
  uint64_t hash;
  uint64_t key_off; /* in the arena; UINT64_MAX = empty slot */
  uint32_t key_len;
  kz_doc_ref ref;
} entry;

struct kz_idmap {
  entry *slots;
  size_t size, used;
  kz_buf keys;
};

static int init_slots(entry **slots, size_t size) {
  entry *s = malloc(size * sizeof *s);
  if (!s) return KZ_ERR_NOMEM;
  for (size_t i = 0; i < size; i++) s[i].key_off = UINT64_MAX;
  *slots = s;
  return KZ_OK;
}

int kz_idmap_new(kz_idmap **out) {
  kz_idmap *m = calloc(1, sizeof *m);
  if (!m) return KZ_ERR_NOMEM;
  m->size = 1024;
  if (init_slots(&m->slots, m->size)) {
    free(m);
    return KZ_ERR_NOMEM;
  }
  *out = m;
  return KZ_OK;
}

void kz_idmap_free(kz_idmap *m) {
  if (!m) return;
  free(m->slots);
  kz_buf_free(&m->keys);
  free(m);
}

size_t kz_idmap_memory(const kz_idmap *m) { return m->size * sizeof(entry) + m->keys.cap; }

static entry *find(const kz_idmap *m, const char *id, size_t len, uint64_t h) {
  size_t mask = m->size - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    entry *e = &m->slots[i];
    if (e->key_off == UINT64_MAX) return e;
    if (e->hash == h && e->key_len == len && memcmp(m->keys.data + e->key_off, id, len) == 0) return e;
  }
}

static int grow(kz_idmap *m) {
  entry *old = m->slots;
  size_t old_size = m->size;
  if (init_slots(&m->slots, old_size * 2)) {
    m->slots = old;
    return KZ_ERR_NOMEM;
  }
  m->size = old_size * 2;
  for (size_t i = 0; i < old_size; i++) {
    if (old[i].key_off == UINT64_MAX) continue;
    size_t j = old[i].hash & (m->size - 1);
    while (m->slots[j].key_off != UINT64_MAX) j = (j + 1) & (m->size - 1);
    m->slots[j] = old[i];
  }
  free(old);
  return KZ_OK;
}

int kz_idmap_put(kz_idmap *m, const char *id, size_t len, kz_doc_ref ref, kz_doc_ref *old) {
  uint64_t h = kz_hash_bytes(id, len);
  entry *e = find(m, id, len, h);
  if (e->key_off != UINT64_MAX) {
    *old = e->ref;
    e->ref = ref;
    return KZ_OK;
  }
  old->segment = 0;
  old->doc = 0;
  if ((m->used + 1) * 2 > m->size) {
    if (grow(m)) return KZ_ERR_NOMEM;
    e = find(m, id, len, h);
  }
  uint64_t off = m->keys.len;
  if (kz_buf_append(&m->keys, id, len)) return KZ_ERR_NOMEM;
  e->hash = h;
  e->key_off = off;
  e->key_len = (uint32_t)len;
  e->ref = ref;
  m->used++;
  return KZ_OK;
}

void kz_idmap_remove(kz_idmap *m, const char *id, size_t len, kz_doc_ref *old) {
  entry *e = find(m, id, len, kz_hash_bytes(id, len));
  if (e->key_off == UINT64_MAX) {
    old->segment = 0;
    old->doc = 0;
    return;
  }
  *old = e->ref;
  e->ref.segment = 0;
}
