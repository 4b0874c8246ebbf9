/*
 * inverter.c - in-memory inverted index (see inverter.h).
 *
 * Terms live in an open-addressing hash table (linear probing, power-of-two
 * size, at most half full) of pointers to individually allocated
 * accumulators; the hash is kept beside each pointer so probing and growing
 * never re-hash keys. The terms touched by the current document are listed
 * so that end_doc visits only them.
 */
#include "indexer/inverter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "common/checksum.h"
#include "common/error.h"
#include "format/segment_format.h"
#include "format/segment_writer.h"
#include "kzsearch.h"

/* Not common/str_table.c: the key lives in the accumulator, whose bytes the memory budget counts. */
typedef struct slot {
  uint64_t hash;
  kz_term_acc *acc;
} slot;

struct kz_inverter {
  slot *table;
  size_t table_size, n_terms;
  kz_term_acc **touched; /* terms of the current document */
  size_t n_touched, cap_touched;
  kz_term_acc **sorted;  /* scratch for kz_inverter_sorted */
  kz_term_acc *last;     /* of the last add */
  uint32_t doc;
  size_t memory;         /* bytes in accumulators and their buffers */
};

#define INITIAL_TABLE 1024

int kz_inverter_new(kz_inverter **out) {
  kz_inverter *inv = calloc(1, sizeof *inv);
  if (!inv) return KZ_ERR_NOMEM;
  inv->table = calloc(INITIAL_TABLE, sizeof *inv->table);
  if (!inv->table) {
    free(inv);
    return KZ_ERR_NOMEM;
  }
  inv->table_size = INITIAL_TABLE;
  *out = inv;
  return KZ_OK;
}

static void free_terms(kz_inverter *inv) {
  for (size_t i = 0; i < inv->table_size; i++) {
    kz_term_acc *a = inv->table[i].acc;
    if (!a) continue;
    kz_buf_free(&a->docs);
    kz_buf_free(&a->pos);
    free(a);
    inv->table[i].acc = NULL;
  }
  inv->n_terms = 0;
  inv->n_touched = 0;
  inv->last = NULL;
  inv->memory = 0;
}

void kz_inverter_free(kz_inverter *inv) {
  if (!inv) return;
  free_terms(inv);
  free(inv->table);
  free(inv->touched);
  free(inv->sorted);
  free(inv);
}

void kz_inverter_reset(kz_inverter *inv) {
  free_terms(inv);
  free(inv->sorted);
  inv->sorted = NULL;
}

size_t kz_inverter_memory(const kz_inverter *inv) {
  return inv->memory + inv->table_size * sizeof(slot) + inv->cap_touched * sizeof(void *);
}

size_t kz_inverter_terms(const kz_inverter *inv) { return inv->n_terms; }

void kz_inverter_begin_doc(kz_inverter *inv, uint32_t doc) {
  inv->doc = doc;
  inv->n_touched = 0;
}

static int grow_table(kz_inverter *inv) {
  size_t size = inv->table_size * 2;
  slot *t = calloc(size, sizeof *t);
  if (!t) return KZ_ERR_NOMEM;
  for (size_t i = 0; i < inv->table_size; i++) {
    if (!inv->table[i].acc) continue;
    size_t j = inv->table[i].hash & (size - 1);
    while (t[j].acc) j = (j + 1) & (size - 1);
    t[j] = inv->table[i];
  }
  free(inv->table);
  inv->table = t;
  inv->table_size = size;
  return KZ_OK;
}

static kz_term_acc *find_or_add(kz_inverter *inv, const char *key, size_t key_len) {
  uint64_t h = kz_hash_bytes(key, key_len);
  size_t mask = inv->table_size - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    kz_term_acc *a = inv->table[i].acc;
    if (!a) break;
    if (inv->table[i].hash == h && a->key_len == key_len && memcmp(a->key, key, key_len) == 0)
      return a;
  }
  if ((inv->n_terms + 1) * 2 > inv->table_size && grow_table(inv) != KZ_OK) return NULL;
  kz_term_acc *a = calloc(1, sizeof *a + key_len + 1);
  if (!a) return NULL;
  a->doc = UINT32_MAX;
  a->prev_doc = -1;
  a->key_len = (uint32_t)key_len;
  memcpy(a->key, key, key_len);
  mask = inv->table_size - 1;
  size_t i = h & mask;
  while (inv->table[i].acc) i = (i + 1) & mask;
  inv->table[i].hash = h;
  inv->table[i].acc = a;
  inv->n_terms++;
  inv->memory += sizeof *a + key_len + 1;
  return a;
}

/* Appends a varint to one of a term's buffers, keeping the memory count exact. */
static inline int put_varint(kz_inverter *inv, kz_buf *b, uint64_t v) {
  if (b->cap - b->len >= KZ_VARINT_MAX_BYTES) { /* the common case: room already there */
    b->len += kz_varint_put(b->data + b->len, v);
    return KZ_OK;
  }
  size_t before = b->cap;
  int rc = kz_buf_put_varint(b, v);
  inv->memory += b->cap - before;
  return rc;
}

int kz_inverter_add(kz_inverter *inv, const char *key, size_t key_len, uint32_t position) {
  kz_term_acc *a = find_or_add(inv, key, key_len);
  if (!a) return KZ_ERR_NOMEM;
  if (a->doc != inv->doc) {
    if (inv->n_touched == inv->cap_touched) {
      size_t cap = inv->cap_touched ? inv->cap_touched * 2 : 256;
      kz_term_acc **t = realloc(inv->touched, cap * sizeof *t);
      if (!t) return KZ_ERR_NOMEM;
      inv->touched = t;
      inv->cap_touched = cap;
    }
    inv->touched[inv->n_touched++] = a;
    a->doc = inv->doc;
    a->freq = 0;
    a->last_pos = 0;
  }
  /* Positions arrive in increasing order, so deltas after the first are >= 1. */
  int rc = put_varint(inv, &a->pos, position - a->last_pos);
  a->last_pos = position;
  a->freq++;
  inv->last = a;
  return rc;
}

kz_term_acc *kz_inverter_last(const kz_inverter *inv) { return inv->last; }

int kz_inverter_end_doc(kz_inverter *inv) {
  for (size_t i = 0; i < inv->n_touched; i++) {
    kz_term_acc *a = inv->touched[i];
    int rc = put_varint(inv, &a->docs, (uint64_t)((int64_t)a->doc - a->prev_doc - 1));
    if (!rc) rc = put_varint(inv, &a->docs, a->freq - 1);
    if (rc) return rc;
    a->prev_doc = a->doc;
    a->df++;
    a->cf += a->freq;
  }
  inv->n_touched = 0;
  return KZ_OK;
}

static int compare_keys(const void *pa, const void *pb) {
  const kz_term_acc *a = *(kz_term_acc *const *)pa, *b = *(kz_term_acc *const *)pb;
  size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
  int c = memcmp(a->key, b->key, n);
  if (c) return c;
  return a->key_len < b->key_len ? -1 : a->key_len > b->key_len;
}

int kz_inverter_sorted(kz_inverter *inv, kz_term_acc ***terms, size_t *n_terms) {
  free(inv->sorted);
  inv->sorted = malloc((inv->n_terms ? inv->n_terms : 1) * sizeof *inv->sorted);
  if (!inv->sorted) return KZ_ERR_NOMEM;
  size_t n = 0;
  for (size_t i = 0; i < inv->table_size; i++)
    if (inv->table[i].acc) inv->sorted[n++] = inv->table[i].acc;
  qsort(inv->sorted, n, sizeof *inv->sorted, compare_keys);
  *terms = inv->sorted;
  *n_terms = n;
  return KZ_OK;
}

/* ---- writing the terms as a segment ----------------------------------- */

typedef struct arrays {
  uint32_t *docs, *freqs;
  size_t cap;
} arrays;

static int reserve_arrays(arrays *s, size_t n) {
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
static int decode_docs(arrays *s, const kz_term_acc *a) {
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

int kz_segment_write(const char *dir, uint32_t segment_id, kz_inverter *inv,
                     const kz_doc_columns *cols, kz_segment_info *info, kz_error *err) {
  kz_segment_writer *w;
  int rc = kz_segment_writer_open(&w, dir, segment_id, cols);
  if (rc) {
    char name[64];
    kz_segment_file_name(name, sizeof name, segment_id, KZ_SEGFILE_DICT);
    return kz_error_set(err, rc, "cannot create segment %s in %s: %s", name, dir,
                        rc == KZ_ERR_IO ? strerror(errno) : kz_strerror(rc));
  }
  kz_term_acc **terms = NULL;
  size_t n_terms = 0;
  arrays s = {0};
  rc = kz_inverter_sorted(inv, &terms, &n_terms);
  for (size_t t = 0; t < n_terms && !rc; t++) {
    const kz_term_acc *a = terms[t];
    if (a->key_len > KZ_MAX_TERM_KEY_BYTES) continue; /* the analyzer caps tokens well below */
    rc = decode_docs(&s, a);
    if (!rc) rc = kz_segment_writer_term(w, a->key, a->key_len, s.docs, s.freqs, a->df, a->pos.data,
                                         a->pos.len);
  }
  free(s.docs);
  free(s.freqs);
  if (rc) {
    kz_segment_writer_abort(w);
    return kz_error_set(err, rc, "cannot write segment %08x in %s: %s", segment_id, dir,
                        rc == KZ_ERR_IO ? strerror(errno) : kz_strerror(rc));
  }
  return kz_segment_writer_finish(w, info, err);
}
