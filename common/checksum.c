/* checksum.c - xxHash wrapper (see checksum.h). */
#include "common/checksum.h"

#include <xxhash.h>

#include "kzsearch.h"

/* Seed 0 everywhere: the checksum is part of the format (docs/FORMAT.md). */
uint64_t kz_checksum(const void *data, size_t len) { return XXH64(data, len, 0); }

uint64_t kz_hash_bytes(const void *data, size_t len) { return XXH3_64bits(data, len); }

int kz_checksum_begin(kz_checksum_state *s) {
  XXH64_state_t *st = XXH64_createState();
  if (!st) return KZ_ERR_NOMEM;
  XXH64_reset(st, 0);
  s->state = st;
  return KZ_OK;
}

void kz_checksum_update(kz_checksum_state *s, const void *data, size_t len) {
  XXH64_update(s->state, data, len);
}

uint64_t kz_checksum_end(kz_checksum_state *s) {
  uint64_t h = XXH64_digest(s->state);
  kz_checksum_discard(s);
  return h;
}

void kz_checksum_discard(kz_checksum_state *s) {
  if (s->state) XXH64_freeState(s->state);
  s->state = NULL;
}
