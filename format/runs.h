/*
 * runs.h - the run, the unit every postings stream is made of
 * (docs/FORMAT.md, "Runs"): 1..128 positive integers (doc-id gaps,
 * frequencies, position deltas), each stored as value - 1 in a patched
 * frame of reference (PFOR): the low `b` bits of every value bit-packed,
 * and the few values that need more bits ("exceptions") patched with their
 * high bits. `b` is the width that makes the run smallest.
 *
 *   u8 header           bits 0-5: b (0..32); bit 6: exceptions follow;
 *                       bit 7: 0 (a set bit 7 is a doc-id bitset, postblock.h)
 *   packed low bits     n == 128: vertical layout, 16 * b bytes;
 *                       n < 128: horizontal layout, ceil(n * b / 8) bytes
 *   exceptions          u8 count c (1..n), u8 e (1..32 - b): the high bits;
 *                       c bytes: the values' indexes, strictly increasing, < n;
 *                       the values' high parts ((value - 1) >> b), c values
 *                       of e bits, horizontal layout
 *
 * Decoders read only inside [p, end), never return 0 (a stored 2^32 - 1,
 * which would wrap to 0, is corruption) and leave the output unspecified on
 * error.
 */
#ifndef KZ_RUNS_H
#define KZ_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "format/bitpack.h"
#include "common/buf.h"

/* The largest encoded run: header, 128 values at 32 bits. */
#define KZ_RUN_MAX_BYTES (1u + 16u * 32u)
#define KZ_RUN_EXCEPTIONS 0x40u
#define KZ_RUN_BITSET 0x80u

/*
 * Appends a run of n (1..128) values, each >= 1.
 * @return KZ_OK, KZ_ERR_INVALID, KZ_ERR_NOMEM or KZ_ERR_LIMIT (the buffer may not grow).
 */
int kz_run_encode(kz_buf *out, const uint32_t *values, size_t n);

/* Decodes a run of n values at *p into out and moves *p past it. @return KZ_OK or KZ_ERR_CORRUPT. */
int kz_run_decode(const kz_unpacker *u, const uint8_t **p, const uint8_t *end, size_t n,
                  uint32_t *out);

/*
 * Decodes a run of n doc-id gaps (each document minus the previous one,
 * the first minus prev_doc, -1 before the first document of a term) into
 * the documents themselves, and checks that they stay below doc_limit.
 * @return KZ_OK or KZ_ERR_CORRUPT.
 */
int kz_run_decode_docs(const kz_unpacker *u, const uint8_t **p, const uint8_t *end, size_t n,
                       int64_t prev_doc, uint32_t doc_limit, uint32_t *docs);

/*
 * The bits of the run's widest value (b plus the exceptions' high bits), from
 * the header of a run that decoded without error: n values of that run add
 * up to at most n * 2^bits.
 */
unsigned kz_run_bits(const uint8_t *run, size_t n);

/*
 * Moves *p past a run of n values without decoding it; only its header and
 * sizes are checked. @return KZ_OK or KZ_ERR_CORRUPT.
 */
int kz_run_skip(const uint8_t **p, const uint8_t *end, size_t n);

#endif /* KZ_RUNS_H */
