/*
 * checksum.h - xxHash (XXH64), the checksum of every index file footer.
 * The only file that includes xxhash.h.
 */
#ifndef KZ_CHECKSUM_H
#define KZ_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

uint64_t kz_checksum(const void *data, size_t len);
/* A 64-bit hash for in-memory tables (XXH3); not stored on disk. */
uint64_t kz_hash_bytes(const void *data, size_t len);

/* Streaming form, for files written piece by piece. */
typedef struct kz_checksum_state {
  void *state; /* XXH64_state_t, owned */
} kz_checksum_state;

int kz_checksum_begin(kz_checksum_state *s);
void kz_checksum_update(kz_checksum_state *s, const void *data, size_t len);
uint64_t kz_checksum_end(kz_checksum_state *s); /* also frees the state */
void kz_checksum_discard(kz_checksum_state *s);

#endif /* KZ_CHECKSUM_H */
