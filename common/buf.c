/* buf.c - growable byte buffer with a hard limit (see buf.h). */
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

#include "kzsearch.h"

void kz_buf_free(kz_buf *b) {
  if (!b) return;
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

int kz_buf_reserve(kz_buf *b, size_t extra) {
  if (extra <= b->cap - b->len) return KZ_OK;
  if (extra > SIZE_MAX - b->len) return KZ_ERR_LIMIT;
  size_t need = b->len + extra;
  if (b->limit && need > b->limit) return KZ_ERR_LIMIT;
  size_t cap = b->cap ? b->cap : 16;
  while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  if (b->limit && cap > b->limit) cap = b->limit;
  uint8_t *p = realloc(b->data, cap);
  if (!p) return KZ_ERR_NOMEM;
  b->data = p;
  b->cap = cap;
  return KZ_OK;
}

int kz_buf_append(kz_buf *b, const void *src, size_t n) {
  int rc = kz_buf_reserve(b, n);
  if (rc) return rc;
  if (n) memcpy(b->data + b->len, src, n);
  b->len += n;
  return KZ_OK;
}

int kz_buf_append_cstr(kz_buf *b, const char *s, size_t n) {
  int rc = kz_buf_reserve(b, n + 1);
  if (rc) return rc;
  if (n) memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = 0;
  return KZ_OK;
}

int kz_buf_put_u8(kz_buf *b, uint8_t v) { return kz_buf_append(b, &v, 1); }

int kz_buf_put_u32le(kz_buf *b, uint32_t v) {
  uint8_t t[4];
  kz_store_u32le(t, v);
  return kz_buf_append(b, t, 4);
}

int kz_buf_put_u64le(kz_buf *b, uint64_t v) {
  uint8_t t[8];
  kz_store_u64le(t, v);
  return kz_buf_append(b, t, 8);
}

int kz_buf_put_varint(kz_buf *b, uint64_t v) {
  int rc = kz_buf_reserve(b, KZ_VARINT_MAX_BYTES);
  if (rc) return rc;
  b->len += kz_varint_put(b->data + b->len, v);
  return KZ_OK;
}
