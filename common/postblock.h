/*
 * postblock.h - the postings block codec (docs/FORMAT.md, "Postings").
 *
 * A term's postings are cut into blocks of KZ_BLOCK_DOCS documents. A full
 * block stores its doc-id gaps and its frequencies bit-packed, each with the
 * smallest bit width that fits; the last, partial block stores them as
 * varints. Gaps are d[i] - d[i-1] - 1 (the first relative to the previous
 * block's last doc, or to -1), frequencies are stored minus one.
 *
 * Layout of a full block:    u8 gap_bits, packed gaps, u8 freq_bits, packed freqs-1
 * Layout of a partial block: n x varint gap, n x varint (freq-1)
 * Packed values are written least significant bit first into little-endian
 * 32-bit words; a run of 128 values at b bits takes 16*b bytes.
 */
#ifndef KZ_POSTBLOCK_H
#define KZ_POSTBLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define KZ_BLOCK_DOCS 128
/* The doc id that marks an exhausted cursor; real doc ids are below it. */
#define KZ_DOC_END UINT32_MAX

/* Bit-packs n values of `bits` bits (0..32) into out; returns bytes written (ceil(n*bits/32)*4). */
size_t kz_bitpack_encode(const uint32_t *in, size_t n, unsigned bits, uint8_t *out);
/* Unpacks n values; the caller has checked that (p, end) holds kz_bitpack_bytes(n, bits). */
void kz_bitpack_decode(const uint8_t *p, size_t n, unsigned bits, uint32_t *out);
size_t kz_bitpack_bytes(size_t n, unsigned bits);
/* The smallest width that holds every value (0 when all are 0). */
unsigned kz_bitpack_width(const uint32_t *v, size_t n);

/*
 * Appends a block of n (1..KZ_BLOCK_DOCS) postings: strictly increasing
 * `docs` after `prev_doc` (-1 for the first block, as int64) and freqs >= 1.
 * n == KZ_BLOCK_DOCS writes a full (packed) block, fewer a partial one.
 */
int kz_postblock_encode(kz_buf *out, int64_t prev_doc, const uint32_t *docs, const uint32_t *freqs,
                        size_t n);

/*
 * Decodes a block of n postings from [p, end) into docs and freqs and stores
 * the end of the block in *next. Doc ids are checked to stay below `doc_limit`.
 * @return KZ_OK or KZ_ERR_CORRUPT (truncated, bad width, doc id out of range).
 */
int kz_postblock_decode(const uint8_t *p, const uint8_t *end, int64_t prev_doc, size_t n,
                        uint32_t doc_limit, uint32_t *docs, uint32_t *freqs, const uint8_t **next);

#endif /* KZ_POSTBLOCK_H */
