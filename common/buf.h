/*
 * buf.h - a growable byte buffer with a hard size limit.
 *
 * The buffer owns `data`. Appends grow it geometrically and fail with
 * KZ_ERR_NOMEM (allocation) or KZ_ERR_LIMIT (past `limit`, when non-zero)
 * instead of growing without bound.
 */
#ifndef KZ_BUF_H
#define KZ_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "common/bytes.h"

typedef struct kz_buf {
  uint8_t *data;
  size_t len, cap;
  size_t limit; /* 0 = no limit beyond SIZE_MAX */
} kz_buf;

#define KZ_BUF_INIT {NULL, 0, 0, 0}

void kz_buf_free(kz_buf *b);
/* Makes room for `extra` more bytes. @return KZ_OK, KZ_ERR_NOMEM or KZ_ERR_LIMIT. */
int kz_buf_reserve(kz_buf *b, size_t extra);
int kz_buf_append(kz_buf *b, const void *src, size_t n);
int kz_buf_put_u8(kz_buf *b, uint8_t v);
int kz_buf_put_u32le(kz_buf *b, uint32_t v);
int kz_buf_put_u64le(kz_buf *b, uint64_t v);
int kz_buf_put_varint(kz_buf *b, uint64_t v);
/* Appends a NUL-free C string's bytes plus a terminating NUL that is not counted in len. */
int kz_buf_append_cstr(kz_buf *b, const char *s, size_t n);

static inline void kz_buf_clear(kz_buf *b) { b->len = 0; }

#endif /* KZ_BUF_H */
