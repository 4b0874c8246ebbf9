/*
 * alias_table.c - building, writing and reading a segment's alias table
 * (see alias_table.h; layout in docs/FORMAT.md, "Aliases").
 *
 * The builder keeps every definition of every document (a segment has a
 * few per document at most); writing sorts them and counts each distinct
 * (short, long) once per run of equal entries, which is the number of
 * documents, since a document adds a definition once.
 */
#include "format/alias_table.h"

#include <stdlib.h>
#include <string.h>

#include "format/format.h"
#include "format/manifest.h"
#include "kzsearch.h"

void kz_alias_builder_doc(kz_alias_builder *b) { b->doc_start = b->n; }

/* The definition at offset o: its two strings. */
static void decode(const uint8_t *base, size_t o, const uint8_t **s, size_t *sl, const uint8_t **l,
                   size_t *ll) {
  *sl = base[o];
  *s = base + o + 1;
  *ll = base[o + 1 + *sl];
  *l = *s + *sl + 1;
}

int kz_alias_builder_add(kz_alias_builder *b, const char *short_form, size_t short_len,
                         const char *long_form, size_t long_len) {
  if (!short_len || short_len > KZ_ALIAS_MAX_SHORT || !long_len || long_len > KZ_ALIAS_MAX_LONG ||
      memchr(short_form, 0, short_len) || memchr(long_form, 0, long_len))
    return KZ_OK;
  if (b->n == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 256;
    size_t *o = realloc(b->offsets, cap * sizeof *o);
    if (!o) return KZ_ERR_NOMEM;
    b->offsets = o;
    b->cap = cap;
  }
  size_t at = b->pairs.len;
  if (kz_buf_put_u8(&b->pairs, (uint8_t)short_len) || kz_buf_append(&b->pairs, short_form, short_len) ||
      kz_buf_put_u8(&b->pairs, (uint8_t)long_len) || kz_buf_reserve(&b->pairs, long_len))
    return KZ_ERR_NOMEM;
  for (size_t i = 0; i < long_len; i++) {
    unsigned char c = (unsigned char)long_form[i];
    b->pairs.data[b->pairs.len++] = c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
  }
  size_t n = b->pairs.len - at;
  for (size_t k = b->doc_start; k < b->n; k++) {
    size_t o = b->offsets[k];
    size_t len = 2 + b->pairs.data[o] + b->pairs.data[o + 1 + b->pairs.data[o]];
    if (len == n && !memcmp(b->pairs.data + o, b->pairs.data + at, n)) {
      b->pairs.len = at; /* this document has it already */
      return KZ_OK;
    }
  }
  b->offsets[b->n++] = at;
  return KZ_OK;
}

void kz_alias_builder_reset(kz_alias_builder *b) {
  kz_buf_clear(&b->pairs);
  b->n = b->doc_start = 0;
}

size_t kz_alias_builder_memory(const kz_alias_builder *b) {
  return b->pairs.cap + b->cap * sizeof *b->offsets;
}

void kz_alias_builder_free(kz_alias_builder *b) {
  kz_buf_free(&b->pairs);
  free(b->offsets);
  b->offsets = NULL;
  b->n = b->cap = b->doc_start = 0;
}

static int compare_bytes(const uint8_t *a, size_t al, const uint8_t *b, size_t bl) {
  int c = memcmp(a, b, al < bl ? al : bl);
  return c ? c : (al > bl) - (al < bl);
}

static int compare_entries(const uint8_t *base, size_t x, size_t y) {
  const uint8_t *as, *al, *bs, *bl;
  size_t asl, all, bsl, bll;
  decode(base, x, &as, &asl, &al, &all);
  decode(base, y, &bs, &bsl, &bl, &bll);
  int c = compare_bytes(as, asl, bs, bsl);
  return c ? c : compare_bytes(al, all, bl, bll);
}

/* A merge sort of offsets (qsort has no context argument in C11). */
static void sort_offsets(const uint8_t *base, size_t *a, size_t *tmp, size_t n) {
  if (n < 2) return;
  size_t h = n / 2;
  sort_offsets(base, a, tmp, h);
  sort_offsets(base, a + h, tmp, n - h);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = compare_entries(base, a[i], a[j]) <= 0 ? a[i++] : a[j++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, n * sizeof *a);
}

static void put_entry(kz_file_writer *f, const uint8_t *base, size_t o, uint64_t docs) {
  uint8_t tmp[KZ_ALIAS_MAX_LONG + 16];
  const uint8_t *s, *l;
  size_t sl, ll;
  decode(base, o, &s, &sl, &l, &ll);
  size_t n = kz_varint_put(tmp, sl);
  memcpy(tmp + n, s, sl);
  n += sl;
  kz_file_writer_write(f, tmp, n);
  n = kz_varint_put(tmp, ll);
  memcpy(tmp + n, l, ll);
  n += ll;
  n += kz_varint_put(tmp + n, docs);
  kz_file_writer_write(f, tmp, n);
}

int kz_alias_table_write(const kz_alias_builder *b, const char *dir, uint32_t segment_id,
                         uint64_t *bytes) {
  size_t *order = malloc((b->n ? b->n : 1) * sizeof *order);
  size_t *tmp = malloc((b->n ? b->n : 1) * sizeof *tmp);
  char name[64];
  kz_segment_file_name(name, sizeof name, segment_id, KZ_SEGFILE_ALIASES);
  char *path = kz_path_join(dir, name);
  int rc = order && tmp && path ? KZ_OK : KZ_ERR_NOMEM;
  kz_file_writer f;
  if (!rc) {
    if (b->n) memcpy(order, b->offsets, b->n * sizeof *order); /* offsets is NULL when empty */
    sort_offsets(b->pairs.data, order, tmp, b->n);
    if ((rc = kz_file_writer_open(&f, path, KZ_MAGIC_ALIASES))) kz_file_writer_abort(&f);
  }
  if (!rc) {
    uint32_t distinct = 0;
    for (size_t i = 0; i < b->n; i++)
      distinct += i == 0 || compare_entries(b->pairs.data, order[i - 1], order[i]) != 0;
    uint8_t head[4];
    kz_store_u32le(head, distinct);
    kz_file_writer_write(&f, head, sizeof head);
    for (size_t i = 0; i < b->n;) {
      size_t j = i + 1;
      while (j < b->n && compare_entries(b->pairs.data, order[i], order[j]) == 0) j++;
      put_entry(&f, b->pairs.data, order[i], j - i);
      i = j;
    }
    rc = kz_file_writer_finish(&f, bytes);
    if (rc) kz_file_writer_abort(&f);
  }
  free(order);
  free(tmp);
  free(path);
  return rc;
}

int kz_alias_iter_init(kz_alias_iter *it, const uint8_t *body, size_t size, uint32_t max_docs) {
  memset(it, 0, sizeof *it);
  it->max_docs = max_docs;
  if (!size) return KZ_OK;
  if (size < 4) return KZ_ERR_CORRUPT;
  it->left = kz_load_u32le(body);
  it->p = body + 4;
  it->end = body + size;
  /* Each entry takes at least 5 bytes: refuse a count the body cannot hold before walking. */
  if (it->left > (size - 4) / 5) return KZ_ERR_CORRUPT;
  return KZ_OK;
}

static int get_string(kz_alias_iter *it, uint32_t max, const char **s, size_t *len) {
  uint32_t n;
  if (kz_varint_get32(&it->p, it->end, &n) || n == 0 || n > max || n > (size_t)(it->end - it->p) ||
      memchr(it->p, 0, n))
    return KZ_ERR_CORRUPT;
  *s = (const char *)it->p;
  *len = n;
  it->p += n;
  return KZ_OK;
}

int kz_alias_iter_next(kz_alias_iter *it, kz_alias_entry *e) {
  if (!it->left) return it->p == it->end ? 0 : KZ_ERR_CORRUPT;
  if (get_string(it, KZ_ALIAS_MAX_SHORT, &e->short_form, &e->short_len) ||
      get_string(it, KZ_ALIAS_MAX_LONG, &e->long_form, &e->long_len) ||
      kz_varint_get32(&it->p, it->end, &e->docs) || e->docs == 0 || e->docs > it->max_docs)
    return KZ_ERR_CORRUPT;
  if (it->started) {
    const kz_alias_entry *p = &it->prev;
    int c = compare_bytes((const uint8_t *)p->short_form, p->short_len,
                          (const uint8_t *)e->short_form, e->short_len);
    if (!c)
      c = compare_bytes((const uint8_t *)p->long_form, p->long_len, (const uint8_t *)e->long_form,
                        e->long_len);
    if (c >= 0) return KZ_ERR_CORRUPT;
  }
  it->prev = *e;
  it->started = 1;
  it->left--;
  return 1;
}

int kz_alias_table_verify(const uint8_t *body, size_t size, uint32_t max_docs) {
  kz_alias_iter it;
  kz_alias_entry e;
  int rc = kz_alias_iter_init(&it, body, size, max_docs);
  if (rc) return rc;
  while ((rc = kz_alias_iter_next(&it, &e)) == 1) continue;
  return rc;
}
