/*
 * live_docs.c - live-document bookkeeping for the writer (see live_docs.h).
 *
 * Segment states are kept in increasing segment-id order, so a state is
 * found by binary search.
 */
#include "indexer/live_docs.h"

#include <stdlib.h>
#include <string.h>

#include "format/deletes.h"
#include "format/file.h"
#include "format/format.h"
#include "indexer/idmap.h"
#include "kzsearch.h"
#include "format/docstore_reader.h"

typedef struct seg_state {
  uint32_t id;
  uint32_t doc_count;
  uint8_t *deleted; /* bitmap, NULL when nothing is deleted */
  size_t deleted_bytes;
  uint32_t n_deleted;
  uint64_t deletes_gen, deletes_bytes; /* the committed deletion file */
  int dirty;                           /* deletions changed since the last commit */
} seg_state;

struct kz_live_docs {
  kz_idmap *ids;
  seg_state *segs;
  size_t n_segs, cap_segs;
};

int kz_live_docs_new(kz_live_docs **out) {
  kz_live_docs *l = calloc(1, sizeof *l);
  if (!l || kz_idmap_new(&l->ids)) {
    free(l);
    return KZ_ERR_NOMEM;
  }
  *out = l;
  return KZ_OK;
}

void kz_live_docs_free(kz_live_docs *l) {
  if (!l) return;
  for (size_t i = 0; i < l->n_segs; i++) free(l->segs[i].deleted);
  free(l->segs);
  kz_idmap_free(l->ids);
  free(l);
}

int kz_live_docs_reset(kz_live_docs *l) {
  kz_idmap *fresh;
  if (kz_idmap_new(&fresh)) return KZ_ERR_NOMEM;
  kz_idmap_free(l->ids);
  l->ids = fresh;
  for (size_t i = 0; i < l->n_segs; i++) free(l->segs[i].deleted);
  l->n_segs = 0;
  return KZ_OK;
}

size_t kz_live_docs_memory(const kz_live_docs *l) {
  size_t n = kz_idmap_memory(l->ids) + l->cap_segs * sizeof *l->segs;
  for (size_t i = 0; i < l->n_segs; i++) n += l->segs[i].deleted_bytes;
  return n;
}

static seg_state *find_state(kz_live_docs *l, uint32_t id) {
  size_t lo = 0, hi = l->n_segs;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (l->segs[mid].id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < l->n_segs && l->segs[lo].id == id ? &l->segs[lo] : NULL;
}

static seg_state *push_state(kz_live_docs *l, uint32_t id) {
  if (l->n_segs == l->cap_segs) {
    size_t cap = l->cap_segs ? l->cap_segs * 2 : 16;
    seg_state *s = realloc(l->segs, cap * sizeof *s);
    if (!s) return NULL;
    l->segs = s;
    l->cap_segs = cap;
  }
  /* Keep the states sorted by id: merged segments take new ids but old places. */
  size_t at = l->n_segs;
  while (at > 0 && l->segs[at - 1].id > id) at--;
  memmove(&l->segs[at + 1], &l->segs[at], (l->n_segs - at) * sizeof *l->segs);
  l->n_segs++;
  seg_state *s = &l->segs[at];
  memset(s, 0, sizeof *s);
  s->id = id;
  return s;
}

/* Sets the bit of `doc`, growing the bitmap of a segment still being built. */
static int mark_deleted(kz_live_docs *l, kz_doc_ref ref) {
  seg_state *s = find_state(l, ref.segment);
  if (!s) return KZ_OK; /* a segment already dropped */
  size_t need = (size_t)ref.doc / 8 + 1;
  if (need > s->deleted_bytes) {
    size_t bytes = need * 2 > 64 ? need * 2 : 64;
    if (s->doc_count && bytes < kz_deletes_bitmap_bytes(s->doc_count))
      bytes = kz_deletes_bitmap_bytes(s->doc_count);
    uint8_t *d = realloc(s->deleted, bytes);
    if (!d) return KZ_ERR_NOMEM;
    memset(d + s->deleted_bytes, 0, bytes - s->deleted_bytes);
    s->deleted = d;
    s->deleted_bytes = bytes;
  }
  if (!kz_deleted(s->deleted, ref.doc)) {
    s->deleted[ref.doc >> 3] |= (uint8_t)(1u << (ref.doc & 7));
    s->n_deleted++;
    s->dirty = 1;
  }
  return KZ_OK;
}

int kz_live_docs_load(kz_live_docs *l, const char *dir, const kz_segment_info *info) {
  seg_state *s = push_state(l, info->id);
  if (!s) return KZ_ERR_NOMEM;
  s->doc_count = info->doc_count;
  s->deletes_gen = info->deletes_gen;
  s->deletes_bytes = info->deletes_bytes;
  int rc = KZ_OK;
  char name[64];
  const uint8_t *committed_deletes = NULL;
  kz_mapped_file del = {0}, store = {0};
  if (info->deletes_gen) {
    kz_deletes_file_name(name, sizeof name, info->id, info->deletes_gen);
    char *path = kz_path_join(dir, name);
    rc = path ? kz_file_map(&del, path, KZ_MAGIC_DELETES, NULL, 0) : KZ_ERR_NOMEM;
    free(path);
    if (!rc && kz_deletes_validate(del.body, del.body_size, info->doc_count, info->deleted_docs,
                                   &committed_deletes))
      rc = KZ_ERR_CORRUPT;
    if (!rc) {
      s->deleted_bytes = kz_deletes_bitmap_bytes(info->doc_count);
      s->deleted = malloc(s->deleted_bytes);
      if (!s->deleted) rc = KZ_ERR_NOMEM;
      else memcpy(s->deleted, committed_deletes, s->deleted_bytes);
      s->n_deleted = info->deleted_docs;
    }
  }
  kz_segment_file_name(name, sizeof name, info->id, KZ_SEGFILE_STORE);
  char *path = rc ? NULL : kz_path_join(dir, name);
  if (!rc && !path) rc = KZ_ERR_NOMEM;
  if (!rc) rc = kz_file_map(&store, path, KZ_MAGIC_STORE, NULL, 0);
  free(path);
  kz_docstore ds;
  if (!rc && kz_docstore_open(&ds, store.body, store.body_size, info->doc_count)) rc = KZ_ERR_CORRUPT;
  for (uint32_t d = 0; d < info->doc_count && !rc; d++) {
    if (kz_deleted(s->deleted, d)) continue;
    const char *id;
    size_t len;
    int replaced;
    if ((rc = kz_docstore_get_id(&ds, d, &id, &len))) break;
    rc = kz_live_docs_put(l, id, len, info->id, d, &replaced);
  }
  kz_file_unmap(&store);
  kz_file_unmap(&del);
  return rc;
}

int kz_live_docs_begin(kz_live_docs *l, uint32_t segment_id) {
  return push_state(l, segment_id) ? KZ_OK : KZ_ERR_NOMEM;
}

void kz_live_docs_finish(kz_live_docs *l, uint32_t segment, uint32_t doc_count) {
  seg_state *s = find_state(l, segment);
  if (s) s->doc_count = doc_count;
}

void kz_live_docs_forget(kz_live_docs *l, uint32_t segment) {
  seg_state *s = find_state(l, segment);
  if (!s) return;
  free(s->deleted);
  size_t i = (size_t)(s - l->segs);
  memmove(s, s + 1, (l->n_segs - i - 1) * sizeof *s);
  l->n_segs--;
}

int kz_live_docs_put(kz_live_docs *l, const char *id, size_t len, uint32_t segment, uint32_t doc,
                     int *replaced) {
  kz_doc_ref ref = {segment, doc}, old;
  int rc = kz_idmap_put(l->ids, id, len, ref, &old);
  if (rc) return rc;
  *replaced = old.segment != 0;
  return *replaced ? mark_deleted(l, old) : KZ_OK;
}

int kz_live_docs_delete(kz_live_docs *l, const char *id, size_t len, int *found) {
  kz_doc_ref old;
  kz_idmap_remove(l->ids, id, len, &old);
  *found = old.segment != 0;
  return *found ? mark_deleted(l, old) : KZ_OK;
}

int kz_live_docs_write(kz_live_docs *l, const char *dir, uint64_t generation, kz_manifest *next) {
  size_t kept = 0;
  for (size_t i = 0; i < next->n_segments; i++) {
    kz_segment_info info = next->segments[i];
    seg_state *s = find_state(l, info.id);
    if (s && s->n_deleted >= info.doc_count) continue; /* nothing live: drop the segment */
    if (s && s->dirty) {
      size_t bytes = kz_deletes_bitmap_bytes(info.doc_count);
      if (s->deleted_bytes < bytes) { /* deletions came while the segment was small */
        uint8_t *d = realloc(s->deleted, bytes);
        if (!d) return KZ_ERR_NOMEM;
        memset(d + s->deleted_bytes, 0, bytes - s->deleted_bytes);
        s->deleted = d;
        s->deleted_bytes = bytes;
      }
      /* Bits past the last document were never set; the file holds exactly doc_count bits. */
      int rc = kz_deletes_write(dir, info.id, generation, s->deleted, info.doc_count, s->n_deleted,
                                &info.deletes_bytes);
      if (rc) return rc;
      info.deleted_docs = s->n_deleted;
      info.deletes_gen = generation;
    }
    next->segments[kept++] = info;
  }
  next->n_segments = kept;
  return KZ_OK;
}

void kz_live_docs_committed(kz_live_docs *l) {
  for (size_t i = 0; i < l->n_segs; i++) l->segs[i].dirty = 0;
}
