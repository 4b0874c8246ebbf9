/*
 * segment_format.h - byte layouts shared by the segment writer (format/segment_writer.c)
 * and reader (format/segment_reader.c). docs/FORMAT.md is the normative description.
 */
#ifndef KZ_SEGMENT_FORMAT_H
#define KZ_SEGMENT_FORMAT_H

/* Dictionary: terms are front-coded in blocks of this many; the first of a block is whole. */
#define KZ_DICT_BLOCK_TERMS 16u
/* Dictionary trailer at the end of the body: u64 n_terms, u64 index offset, u32 n_blocks, u32 block terms. */
#define KZ_DICT_TRAILER_BYTES 24u
/* A term longer than this (field byte included) cannot be stored. */
#define KZ_MAX_TERM_KEY_BYTES 255u

/*
 * Skip entry, one per block of a term with more than one block:
 * u32 last doc, u32 block offset (from the end of the skip table),
 * u32 positions offset (from the term's first position byte),
 * u32 max tf in the block, u32 min document length in the block.
 */
#define KZ_SKIP_ENTRY_BYTES 20u

/* Norms body: u32 n_docs, then n_docs x u32 document length (tokens). */
#define KZ_NORMS_HEADER_BYTES 4u

/*
 * Document store: 24-byte block index entries and a 28-byte trailer (u32 n_docs,
 * u32 n_blocks, u64 index offset, u64 id table offset, u32 id table checksum;
 * docs/FORMAT.md).
 */
#define KZ_STORE_INDEX_ENTRY_BYTES 24u
#define KZ_STORE_TRAILER_BYTES 28u

/* Deletion file body: u32 doc_count, u32 deleted_count, then a bitmap of doc_count bits
 * (bit d of byte d / 8, least significant first); bits past doc_count are zero. */
#define KZ_DELETES_HEADER_BYTES 8u

#endif /* KZ_SEGMENT_FORMAT_H */
