/*
 * id_lookup.h - finds a live document by its id in an opened index, for
 * kz_index_get. The table (a hash of every live document's id) is built at
 * the first lookup, not at open, so that an index that is only searched never
 * pays for it; after that a lookup costs one hash and one id comparison per
 * probe. Safe for many threads: the build happens under a lock, and the
 * built table is only read.
 */
#ifndef KZ_ID_LOOKUP_H
#define KZ_ID_LOOKUP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct kz_index;

typedef struct kz_id_lookup {
  pthread_mutex_t lock;
  int ready;        /* lock initialised */
  int built;        /* written under `lock`; the table below is immutable once set */
  uint64_t *docs;   /* per slot: global document number + 1; 0 = empty */
  uint32_t *hashes; /* per slot: low bits of the id's hash, to skip most comparisons */
  size_t mask;      /* slots - 1 (a power of two) */
} kz_id_lookup;

/* @return KZ_OK; KZ_ERR_NOMEM when the lock cannot be made. */
int kz_id_lookup_init(kz_id_lookup *l);
/* Frees the table; `l` may be zeroed and never initialised. */
void kz_id_lookup_destroy(kz_id_lookup *l);

/*
 * Looks up the live (not deleted or replaced) document with id[0..len) in
 * `index`, whose id_lookup `l` is. *found is 1 with *doc its global number,
 * or 0. When two live documents share an id (a writer never leaves that),
 * the one with the higher number wins, that is the later one.
 * @return KZ_OK; KZ_ERR_NOMEM when the table cannot be built (a later
 *         lookup tries again).
 */
int kz_id_lookup_find(kz_id_lookup *l, const struct kz_index *index, const char *id, size_t len,
                      int *found, uint64_t *doc);

#endif /* KZ_ID_LOOKUP_H */
