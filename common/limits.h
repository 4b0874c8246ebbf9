/*
 * limits.h - every input limit of kzsearch, named once.
 */
#ifndef KZ_LIMITS_H
#define KZ_LIMITS_H

/* Tokens longer than this (in bytes after folding) are skipped, as Lucene does. */
#define KZ_MAX_TOKEN_BYTES 128
/* A document's id, title, body, date and url together. */
#define KZ_MAX_DOC_BYTES (64u << 20)
#define KZ_MAX_ID_BYTES 1024
/* Documents per segment: doc numbers are 32-bit and UINT32_MAX marks the end. */
#define KZ_MAX_SEGMENT_DOCS (UINT32_MAX - 1u)
/* Query text, nesting depth of parentheses, and clauses after analysis. */
#define KZ_MAX_QUERY_BYTES (64u << 10)
#define KZ_MAX_QUERY_DEPTH 64
#define KZ_MAX_QUERY_CLAUSES 1024
/* Terms in one phrase. */
#define KZ_MAX_PHRASE_TERMS 64
/* The largest slop of a sloppy phrase ("a b"~N) and window of NEAR/N. */
#define KZ_MAX_PROXIMITY 100000u
/* Hits a search may return (k + offset). */
#define KZ_MAX_HITS 100000u
/* A JSON Lines record. */
#define KZ_MAX_LINE_BYTES (KZ_MAX_DOC_BYTES + (1u << 20))
/* Smallest and default in-memory indexing budgets. */
#define KZ_MIN_MEMORY_BYTES (256u << 10)
#define KZ_DEFAULT_MEMORY_BYTES (256u << 20)
/* Indexing threads of one writer. */
#define KZ_MAX_THREADS 64

#endif /* KZ_LIMITS_H */
