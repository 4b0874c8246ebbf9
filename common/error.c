/* error.c - status names and kz_error filling (see error.h). */
#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>

const char *kz_version(void) { return KZ_VERSION_STRING; }

const char *kz_strerror(int status) {
  switch (status) {
    case KZ_OK: return "success";
    case KZ_ERR_NOMEM: return "out of memory";
    case KZ_ERR_IO: return "I/O error";
    case KZ_ERR_CORRUPT: return "index is corrupt";
    case KZ_ERR_VERSION: return "index format is newer than this kzsearch";
    case KZ_ERR_NO_INDEX: return "no index";
    case KZ_ERR_QUERY: return "malformed query";
    case KZ_ERR_INVALID: return "invalid argument";
    case KZ_ERR_LIMIT: return "limit exceeded";
    case KZ_ERR_LOCKED: return "index is locked by another writer";
    case KZ_ERR_DOCUMENT: return "malformed document";
    case KZ_ERR_INTERRUPTED: return "interrupted";
    case KZ_ERR_UNSYNCED: return "committed, but not synced to disk";
    default: return "unknown error";
  }
}

static void vset(kz_error *err, int code, size_t position, const char *fmt, va_list ap) {
  err->code = code;
  err->position = position;
  vsnprintf(err->message, sizeof err->message, fmt, ap);
}

int kz_error_set(kz_error *err, int code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vset(err, code, 0, fmt, ap);
    va_end(ap);
  }
  return code;
}

int kz_error_set_at(kz_error *err, int code, size_t position, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vset(err, code, position, fmt, ap);
    va_end(ap);
  }
  return code;
}
