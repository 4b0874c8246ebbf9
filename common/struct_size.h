/*
 * struct_size.h - the public structs that can grow (kz_document,
 * kz_index_stats, kz_ingest_stats, kz_check_report) begin with struct_size,
 * the size the caller was compiled with (include/kzsearch.h, "Conventions").
 * These check it and move only the bytes that both the caller's struct and
 * the library's hold, so neither side reads or writes past the other's end.
 */
#ifndef KZ_STRUCT_SIZE_H
#define KZ_STRUCT_SIZE_H

#include <stddef.h>

#include "kzsearch.h"

/*
 * Checks a caller's struct_size (`type` and `init` name the struct and its
 * _INIT macro for the message). @return KZ_OK or KZ_ERR_INVALID.
 */
int kz_struct_size_check(size_t caller_size, const char *type, const char *init, kz_error *err);

/*
 * Copies the library's filled struct `ours` (ours_size bytes, struct_size
 * first) into the caller's, at most the caller's struct_size bytes; the
 * caller's struct_size stays as it was.
 */
void kz_struct_fill(void *caller, const void *ours, size_t ours_size);

/*
 * Reads the caller's struct into `ours` (ours_size bytes): the bytes both
 * hold, and zeros (absent fields) past the caller's end. ours->struct_size
 * becomes ours_size.
 */
void kz_struct_read(void *ours, size_t ours_size, const void *caller);

#endif /* KZ_STRUCT_SIZE_H */
