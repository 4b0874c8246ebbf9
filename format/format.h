/*
 * format.h - constants of the on-disk format v3 (normative text: docs/FORMAT.md).
 *
 * Every index file is   header | body | footer
 *   header (8 bytes):   u32 magic, u32 format version
 *   footer (16 bytes):  u32 footer magic "KZFT", u32 format version,
 *                       u64 XXH64 (seed 0) of every byte before the footer.
 */
#ifndef KZ_FORMAT_H
#define KZ_FORMAT_H

#define KZ_FORMAT_VERSION 3u
/*
 * The oldest version whose MANIFEST is still read, so that `kzsearch
 * upgrade` can rebuild such an index from its document stores (whose layout
 * has not changed since v1) and `kzsearch index --rebuild` can replace it
 * in place; its other segment files are not readable.
 */
#define KZ_FORMAT_OLDEST_MANIFEST 1u

#define KZ_FILE_HEADER_BYTES 8u
#define KZ_FILE_FOOTER_BYTES 16u

/* Magic numbers, little-endian ASCII. */
#define KZ_MAGIC_MANIFEST 0x464d5a4bu  /* "KZMF" */
#define KZ_MAGIC_DICT 0x44545a4bu      /* "KZTD" */
#define KZ_MAGIC_POSTINGS 0x4f505a4bu  /* "KZPO" */
#define KZ_MAGIC_POSITIONS 0x53505a4bu /* "KZPS" */
#define KZ_MAGIC_NORMS 0x4d4e5a4bu     /* "KZNM" */
#define KZ_MAGIC_STORE 0x53445a4bu     /* "KZDS" */
#define KZ_MAGIC_DELETES 0x4c445a4bu   /* "KZDL" */
#define KZ_MAGIC_TITLE_NORMS 0x4e545a4bu /* "KZTN" */
#define KZ_MAGIC_VALUES 0x4c565a4bu    /* "KZVL" */
#define KZ_MAGIC_ALIASES 0x4c415a4bu   /* "KZAL" */
#define KZ_MAGIC_SIMHASH 0x48535a4bu   /* "KZSH" */
#define KZ_MAGIC_NAMES 0x4b4e5a4bu     /* "KZNK" */
#define KZ_MAGIC_PAIRS 0x52505a4bu     /* "KZPR" */
#define KZ_MAGIC_FOOTER 0x54465a4bu    /* "KZFT" */

/* Field numbers: the first byte of every term in the dictionary. */
#define KZ_FIELD_TEXT 0u  /* title and body, positions continuing from title into body */
#define KZ_FIELD_TITLE 1u /* the title alone, positions from 0 (title: clauses) */
/* Pairs of adjacent common words of field 0, at the first one's position (format/pairs_file.h);
 * only in a segment that has the pairs file. */
#define KZ_FIELD_PAIRS 2u

/* Stored fields of a document, in record order. */
enum { KZ_STORED_ID, KZ_STORED_TITLE, KZ_STORED_BODY, KZ_STORED_DATE, KZ_STORED_URL, KZ_STORED_FIELDS };

#define KZ_MANIFEST_NAME "MANIFEST"
#define KZ_LOCK_NAME "LOCK"

#endif /* KZ_FORMAT_H */
