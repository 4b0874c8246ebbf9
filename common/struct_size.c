/*
 * struct_size.c - checking and copying the public structs that begin with
 * their size (see struct_size.h). struct_size is their first member, so it
 * is read before anything else is known about the caller's layout.
 */
#include "common/struct_size.h"

#include <string.h>

#include "common/error.h"

static size_t caller_size_of(const void *caller) {
  size_t n;
  memcpy(&n, caller, sizeof n);
  return n;
}

int kz_struct_size_check(size_t caller_size, const char *type, const char *init, kz_error *err) {
  if (caller_size < sizeof(size_t))
    return kz_error_set(err, KZ_ERR_INVALID, "%s.struct_size is %zu: initialise it with %s", type,
                        caller_size, init);
  return KZ_OK;
}

void kz_struct_fill(void *caller, const void *ours, size_t ours_size) {
  size_t n = caller_size_of(caller);
  if (n > ours_size) n = ours_size;
  memcpy((char *)caller + sizeof(size_t), (const char *)ours + sizeof(size_t), n - sizeof(size_t));
}

void kz_struct_read(void *ours, size_t ours_size, const void *caller) {
  size_t n = caller_size_of(caller);
  if (n > ours_size) n = ours_size;
  memset(ours, 0, ours_size);
  memcpy(ours, caller, n);
  memcpy(ours, &ours_size, sizeof ours_size);
}
