/*
 * live_docs.h - which documents of the index are live: the id map (external
 * id -> segment and document) and, per segment, the bitmap of documents
 * deleted or replaced. The writer records replacements and deletions here
 * and, at commit, writes a deletion file for every segment whose bitmap
 * changed (docs/FORMAT.md, "Deletions").
 */
#ifndef KZ_LIVE_DOCS_H
#define KZ_LIVE_DOCS_H

#include <stddef.h>
#include <stdint.h>

#include "format/manifest.h"

typedef struct kz_live_docs kz_live_docs;

int kz_live_docs_new(kz_live_docs **out);
void kz_live_docs_free(kz_live_docs *l);

/*
 * Registers a committed segment: reads its ids (document store) and its
 * current deletions.
 * @return KZ_OK, KZ_ERR_IO, KZ_ERR_CORRUPT, KZ_ERR_NOMEM.
 */
int kz_live_docs_load(kz_live_docs *l, const char *dir, const kz_segment_info *info);

/* Registers a segment being built (no documents yet). */
int kz_live_docs_begin(kz_live_docs *l, uint32_t segment_id);

/*
 * Records that `id` now lives at (segment, doc) — a document just added;
 * an older version of the id, if any, becomes deleted. *replaced tells
 * whether there was one.
 */
int kz_live_docs_put(kz_live_docs *l, const char *id, size_t len, uint32_t segment, uint32_t doc,
                     int *replaced);

/* Deletes the live version of `id`; *found tells whether there was one. */
int kz_live_docs_delete(kz_live_docs *l, const char *id, size_t len, int *found);

/* Sets a built segment's final document count (when it is written). */
void kz_live_docs_finish(kz_live_docs *l, uint32_t segment, uint32_t doc_count);

/* Forgets a segment (dropped from the index, or discarded). Its ids must be gone from the map. */
void kz_live_docs_forget(kz_live_docs *l, uint32_t segment);

/* Forgets everything (a rebuild starts from an empty index). */
int kz_live_docs_reset(kz_live_docs *l);

/*
 * Prepares the deletions of the next commit: for each segment in `next`
 * whose deletions changed, writes DIR/seg-ID-GEN.del and fills the
 * segment's deletion fields; a segment left with no live document is
 * removed from `next`. Call kz_live_docs_committed after the manifest is durable.
 */
int kz_live_docs_write(kz_live_docs *l, const char *dir, uint64_t generation, kz_manifest *next);
void kz_live_docs_committed(kz_live_docs *l);

size_t kz_live_docs_memory(const kz_live_docs *l);

#endif /* KZ_LIVE_DOCS_H */
