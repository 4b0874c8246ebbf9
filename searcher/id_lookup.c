/*
 * id_lookup.c - the lazily built id -> document table of an index (see
 * id_lookup.h). Open addressing with linear probing over power-of-two slots,
 * at most half full; a slot holds the document number and 32 bits of the
 * id's hash, and the id itself is read from the segment's id table, which
 * kz_docstore_open validated, so a lookup never decompresses anything.
 * Deleted and replaced documents are left out when the table is built: an
 * opened index never changes, so the table stays right for its lifetime.
 */
#include "searcher/id_lookup.h"

#include <stdlib.h>
#include <string.h>

#include "common/checksum.h"
#include "format/deletes.h"
#include "searcher/index.h"
#include "kzsearch.h"

int kz_id_lookup_init(kz_id_lookup *l) {
  memset(l, 0, sizeof *l);
  l->ready = pthread_mutex_init(&l->lock, NULL) == 0;
  return l->ready ? KZ_OK : KZ_ERR_NOMEM;
}

void kz_id_lookup_destroy(kz_id_lookup *l) {
  free(l->docs);
  free(l->hashes);
  if (l->ready) pthread_mutex_destroy(&l->lock);
  memset(l, 0, sizeof *l);
}

static int id_of(const kz_index *idx, uint64_t doc, const char **id, size_t *len) {
  size_t s = kz_index_segment_of(idx, doc);
  return kz_docstore_get_id(&idx->segs[s].store, (uint32_t)(doc - idx->doc_base[s]), id, len);
}

/*
 * The slot of id[0..len): the one that holds it, or the empty one where it
 * would go. The table is at most half full, so the probe ends.
 */
static int probe(const kz_id_lookup *l, const kz_index *idx, const char *id, size_t len,
                 uint64_t hash, size_t *slot) {
  for (size_t i = (size_t)hash & l->mask;; i = (i + 1) & l->mask) {
    if (!l->docs[i]) {
      *slot = i;
      return KZ_OK;
    }
    if (l->hashes[i] != (uint32_t)hash) continue;
    const char *other;
    size_t other_len;
    int rc = id_of(idx, l->docs[i] - 1, &other, &other_len);
    if (rc) return rc;
    if (other_len == len && memcmp(other, id, len) == 0) {
      *slot = i;
      return KZ_OK;
    }
  }
}

static int build(kz_id_lookup *l, const kz_index *idx) {
  /* Live documents counted from the bitmaps themselves: the probe relies on
   * the table staying at most half full. */
  uint64_t live = 0;
  for (size_t s = 0; s < idx->n_segs; s++)
    for (uint32_t d = 0; d < idx->segs[s].info.doc_count; d++)
      live += !kz_deleted(idx->segs[s].deleted, d);
  size_t slots = 16;
  while (slots / 2 < live) {
    if (slots > SIZE_MAX / 2 / sizeof *l->docs) return KZ_ERR_NOMEM;
    slots *= 2;
  }
  l->docs = calloc(slots, sizeof *l->docs);
  l->hashes = calloc(slots, sizeof *l->hashes);
  l->mask = slots - 1;
  int rc = l->docs && l->hashes ? KZ_OK : KZ_ERR_NOMEM;
  /* Segments in manifest order, documents in order: a later duplicate overwrites. */
  for (size_t s = 0; s < idx->n_segs && !rc; s++) {
    const kz_segment *seg = &idx->segs[s];
    for (uint32_t d = 0; d < seg->info.doc_count && !rc; d++) {
      if (kz_deleted(seg->deleted, d)) continue;
      const char *id;
      size_t len, slot = 0;
      if ((rc = kz_docstore_get_id(&seg->store, d, &id, &len))) break;
      uint64_t hash = kz_checksum(id, len);
      if ((rc = probe(l, idx, id, len, hash, &slot))) break;
      l->docs[slot] = idx->doc_base[s] + d + 1;
      l->hashes[slot] = (uint32_t)hash;
    }
  }
  if (rc) {
    free(l->docs);
    free(l->hashes);
    l->docs = NULL;
    l->hashes = NULL;
  }
  return rc;
}

int kz_id_lookup_find(kz_id_lookup *l, const kz_index *idx, const char *id, size_t len,
                      int *found, uint64_t *doc) {
  *found = 0;
  pthread_mutex_lock(&l->lock);
  int rc = l->built ? KZ_OK : build(l, idx);
  if (!rc) l->built = 1;
  pthread_mutex_unlock(&l->lock);
  if (rc) return rc;
  size_t slot = 0;
  if ((rc = probe(l, idx, id, len, kz_checksum(id, len), &slot))) return rc;
  if (l->docs[slot]) {
    *found = 1;
    *doc = l->docs[slot] - 1;
  }
  return KZ_OK;
}
