/*
 * idmap.h - the writer's map from a document's external id to where its
 * live version is (segment id, document number), so that adding a document
 * whose id exists replaces it and deleting by id finds it.
 */
#ifndef KZ_IDMAP_H
#define KZ_IDMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct kz_idmap kz_idmap;

typedef struct kz_doc_ref {
  uint32_t segment; /* segment id; 0 = none */
  uint32_t doc;
} kz_doc_ref;

int kz_idmap_new(kz_idmap **out);
void kz_idmap_free(kz_idmap *m);

/*
 * Sets id -> ref and stores the previous ref (segment 0 when the id was
 * absent) in *old. @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_idmap_put(kz_idmap *m, const char *id, size_t len, kz_doc_ref ref, kz_doc_ref *old);
/* Removes id and stores its ref in *old (segment 0 when absent). */
void kz_idmap_remove(kz_idmap *m, const char *id, size_t len, kz_doc_ref *old);
/* Bytes held, for the memory budget. */
size_t kz_idmap_memory(const kz_idmap *m);

#endif /* KZ_IDMAP_H */
