/*
 * compress.c - zstd wrapper (see compress.h).
 *
 * The streaming reader keeps one input buffer of ZSTD_DStreamInSize() bytes;
 * a plain (uncompressed) stream goes straight from read(2) to the caller.
 */
#include "common/compress.h"

#include <stdlib.h>
#include <unistd.h>
#include <zstd.h>

#include "kzsearch.h"

struct kz_zstd_cctx {
  ZSTD_CCtx *z;
};

/* One frame, with `c` or (NULL) with a context made for it. */
static int compress_frame(ZSTD_CCtx *c, kz_buf *out, const void *src, size_t n, int level) {
  size_t bound = ZSTD_compressBound(n);
  int rc = kz_buf_reserve(out, bound);
  if (rc) return rc;
  size_t z = c ? ZSTD_compressCCtx(c, out->data + out->len, bound, src, n, level)
               : ZSTD_compress(out->data + out->len, bound, src, n, level);
  if (ZSTD_isError(z)) return KZ_ERR_NOMEM; /* zstd fails here only on allocation */
  out->len += z;
  return KZ_OK;
}

int kz_zstd_compress(kz_buf *out, const void *src, size_t n, int level) {
  return compress_frame(NULL, out, src, n, level);
}

int kz_zstd_cctx_new(kz_zstd_cctx **out) {
  kz_zstd_cctx *c = malloc(sizeof *c);
  if (!c) return KZ_ERR_NOMEM;
  if (!(c->z = ZSTD_createCCtx())) {
    free(c);
    return KZ_ERR_NOMEM;
  }
  *out = c;
  return KZ_OK;
}

void kz_zstd_cctx_free(kz_zstd_cctx *c) {
  if (!c) return;
  ZSTD_freeCCtx(c->z);
  free(c);
}

int kz_zstd_compress_cctx(kz_zstd_cctx *c, kz_buf *out, const void *src, size_t n, int level) {
  return compress_frame(c->z, out, src, n, level);
}

int kz_zstd_decompress(void *dst, size_t dst_cap, const void *src, size_t n, size_t *out_len) {
  size_t z = ZSTD_decompress(dst, dst_cap, src, n);
  if (ZSTD_isError(z)) return KZ_ERR_CORRUPT;
  *out_len = z;
  return KZ_OK;
}

long long kz_zstd_frame_size(const void *src, size_t n) {
  unsigned long long s = ZSTD_getFrameContentSize(src, n);
  if (s == ZSTD_CONTENTSIZE_ERROR || s == ZSTD_CONTENTSIZE_UNKNOWN || s > (1ull << 62)) return -1;
  return (long long)s;
}

struct kz_zstd_reader {
  FILE *f;
  ZSTD_DStream *ds; /* NULL for a plain stream */
  uint8_t *in;
  size_t in_cap;
  ZSTD_inBuffer ib;
  int eof;
  size_t last_ret; /* 0 when the last frame was complete */
};

int kz_zstd_reader_new(kz_zstd_reader **out, FILE *f, int compressed) {
  kz_zstd_reader *r = calloc(1, sizeof *r);
  if (!r) return KZ_ERR_NOMEM;
  r->f = f;
  if (compressed) {
    r->ds = ZSTD_createDStream();
    r->in_cap = ZSTD_DStreamInSize();
    r->in = malloc(r->in_cap);
    if (!r->ds || !r->in) {
      kz_zstd_reader_free(r);
      return KZ_ERR_NOMEM;
    }
    ZSTD_initDStream(r->ds);
    r->ib.src = r->in;
  }
  *out = r;
  return KZ_OK;
}

/*
 * One read(2): what is available now, so a pipe's documents are indexed as
 * they come and a signal (EINTR) interrupts a blocked read instead of stdio
 * quietly reading on. -1 with errno set on error.
 */
static ssize_t read_some(kz_zstd_reader *r, void *dst, size_t cap) {
  return read(fileno(r->f), dst, cap);
}

int kz_zstd_reader_read(kz_zstd_reader *r, void *dst, size_t cap, size_t *got) {
  *got = 0;
  if (!r->ds) {
    ssize_t n = read_some(r, dst, cap);
    if (n < 0) return KZ_ERR_IO;
    *got = (size_t)n;
    return KZ_OK;
  }
  ZSTD_outBuffer ob = {dst, cap, 0};
  while (ob.pos == 0) {
    if (r->ib.pos == r->ib.size) {
      if (r->eof) break;
      ssize_t n = read_some(r, r->in, r->in_cap);
      if (n < 0) return KZ_ERR_IO;
      if (n == 0) {
        r->eof = 1;
        break;
      }
      r->ib.size = (size_t)n;
      r->ib.pos = 0;
    }
    size_t ret = ZSTD_decompressStream(r->ds, &ob, &r->ib);
    if (ZSTD_isError(ret)) return KZ_ERR_CORRUPT;
    r->last_ret = ret;
  }
  if (ob.pos == 0 && r->eof && r->last_ret != 0) return KZ_ERR_CORRUPT; /* truncated frame */
  *got = ob.pos;
  return KZ_OK;
}

void kz_zstd_reader_free(kz_zstd_reader *r) {
  if (!r) return;
  ZSTD_freeDStream(r->ds);
  free(r->in);
  free(r);
}
