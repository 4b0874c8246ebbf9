/*
 * postblock.h - the postings block codec (docs/FORMAT.md, "Postings").
 *
 * A term's postings are cut into blocks of KZ_BLOCK_DOCS documents; the last
 * block holds the rest. A block is its doc ids, then its frequencies:
 *
 *   doc ids      a run of the gaps d[i] - d[i-1] (runs.h), the first
 *                relative to the previous block's last document (-1 before
 *                the term's first), or, for a full block where it is
 *                smaller, a bitset: u8 KZ_RUN_BITSET, u16 byte count, then
 *                bit j (least significant first) set for document prev + 1 + j
 *   frequencies  a run of the frequencies
 *
 * A dense block is smaller as a bitset once its 128 documents span fewer
 * than about 128 * (gap width) ids.
 */
#ifndef KZ_POSTBLOCK_H
#define KZ_POSTBLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "format/bitpack.h"
#include "common/buf.h"

#define KZ_BLOCK_DOCS 128
/* The doc id that marks an exhausted cursor; real doc ids are below it. */
#define KZ_DOC_END UINT32_MAX
/* A bitset block spans at most this many bytes (the 513 of the widest run bound it). */
#define KZ_BITSET_MAX_BYTES 512u

/*
 * Appends a block of n (1..KZ_BLOCK_DOCS) postings: strictly increasing
 * `docs` after `prev_doc` (-1 for the first block, as int64) and freqs >= 1.
 * @return KZ_OK, KZ_ERR_INVALID, KZ_ERR_NOMEM, KZ_ERR_LIMIT (the buffer is then unchanged).
 */
int kz_postblock_encode(kz_buf *out, int64_t prev_doc, const uint32_t *docs, const uint32_t *freqs,
                        size_t n);

/*
 * Decodes a block of n postings from [p, end) into docs and freqs and stores
 * the end of the block in *next. Doc ids are checked to stay below `doc_limit`.
 * With freqs NULL the frequencies are skipped, not decoded (their run's
 * header is checked, its values are not: matching without scores only).
 * @return KZ_OK or KZ_ERR_CORRUPT (truncated, bad width, doc id out of range).
 */
int kz_postblock_decode(const kz_unpacker *u, const uint8_t *p, const uint8_t *end,
                        int64_t prev_doc, size_t n, uint32_t doc_limit, uint32_t *docs,
                        uint32_t *freqs, const uint8_t **next);

#endif /* KZ_POSTBLOCK_H */
