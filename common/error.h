/*
 * error.h - filling a caller's kz_error with a code and a formatted message.
 */
#ifndef KZ_ERROR_H
#define KZ_ERROR_H

#include "kzsearch.h"

/* Sets err (when non-NULL) to `code` and a printf-style message; returns `code`. */
int kz_error_set(kz_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* As kz_error_set, also recording a byte position (query errors). */
int kz_error_set_at(kz_error *err, int code, size_t position, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif /* KZ_ERROR_H */
