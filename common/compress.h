/*
 * compress.h - zstd, one-shot for document-store blocks and streaming for
 * reading .zst input files. The only file that includes zstd.h.
 */
#ifndef KZ_COMPRESS_H
#define KZ_COMPRESS_H

#include <stddef.h>
#include <stdio.h>

#include "common/buf.h"

/* Appends the zstd frame of src[0..n) to out. */
int kz_zstd_compress(kz_buf *out, const void *src, size_t n, int level);

/*
 * A compression context kept from one frame to the next. The one-shot call
 * above allocates and clears a new one for every frame; a writer of many
 * frames (the document store: one per 32 KB block) keeps one instead,
 * which spares the allocation and the clearing of a new one (4.5% of the
 * instructions of indexing Reuters).
 */
typedef struct kz_zstd_cctx kz_zstd_cctx;

/* @return KZ_OK or KZ_ERR_NOMEM. */
int kz_zstd_cctx_new(kz_zstd_cctx **out);
void kz_zstd_cctx_free(kz_zstd_cctx *c); /* accepts NULL */
/* As kz_zstd_compress, with the same frame as a result, reusing `c`. */
int kz_zstd_compress_cctx(kz_zstd_cctx *c, kz_buf *out, const void *src, size_t n, int level);

/*
 * Decompresses one frame into dst (capacity dst_cap) and stores its size in
 * *out_len. @return KZ_OK, or KZ_ERR_CORRUPT when the frame is damaged or
 * larger than dst_cap.
 */
int kz_zstd_decompress(void *dst, size_t dst_cap, const void *src, size_t n, size_t *out_len);

/* The decompressed size a frame declares, or -1 when unknown or damaged. */
long long kz_zstd_frame_size(const void *src, size_t n);

/* Reads a stream that is either plain or zstd-compressed, chunk by chunk. */
typedef struct kz_zstd_reader kz_zstd_reader;

/* Takes `f` (not owned; the caller closes it). `compressed` selects zstd. */
int kz_zstd_reader_new(kz_zstd_reader **out, FILE *f, int compressed);
/*
 * Fills up to `cap` bytes; *got = 0 at the end of the stream.
 * @return KZ_OK, KZ_ERR_IO (read error), KZ_ERR_CORRUPT (bad zstd data or
 *         a stream that ends inside a frame).
 */
int kz_zstd_reader_read(kz_zstd_reader *r, void *dst, size_t cap, size_t *got);
void kz_zstd_reader_free(kz_zstd_reader *r);

#endif /* KZ_COMPRESS_H */
