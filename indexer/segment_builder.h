/*
 * segment_builder.h - builds one segment from documents: analyzes each into
 * the inverter and stores it in the segment's document store, then writes
 * the segment. A builder owns its analyzer, inverter and buffers, so each
 * indexing thread has one and builders share nothing.
 */
#ifndef KZ_SEGMENT_BUILDER_H
#define KZ_SEGMENT_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "format/manifest.h"
#include "kzsearch.h"

typedef struct kz_builder kz_builder;

/* @return KZ_OK, KZ_ERR_INVALID (unknown language), KZ_ERR_NOMEM. */
int kz_builder_new(kz_builder **out, const char *dir, const char *language);
/* Discards an unfinished segment (its files are removed) and frees. Accepts NULL. */
void kz_builder_free(kz_builder *b);

/*
 * Whether the segments built from now on index pairs of common words (on
 * by default for English, analysis/common_words.h); tests turn it off to
 * build segments as kzsearch wrote them before pairs.
 */
void kz_builder_set_pairs(kz_builder *b, int on);

/* Starts segment `segment_id` (its document store file is created now). */
int kz_builder_begin(kz_builder *b, uint32_t segment_id);
/* Whether a segment is being built. */
int kz_builder_active(const kz_builder *b);
/* Adds the next document (number kz_builder_docs() before the call). */
int kz_builder_add(kz_builder *b, const kz_document *doc);
uint32_t kz_builder_docs(const kz_builder *b);
/* Bytes held, for the memory budget. */
size_t kz_builder_memory(const kz_builder *b);

/* Writes the segment and fills info; the builder is then ready for kz_builder_begin. */
int kz_builder_finish(kz_builder *b, kz_segment_info *info, kz_error *err);
/* Abandons the current segment and removes its files. */
void kz_builder_discard(kz_builder *b);

/*
 * Finds the acronym definitions of a document's title and body with f and
 * adds them to `table` as the next document's (the builder's and a merge's
 * one way of filling an alias table). @return KZ_OK or KZ_ERR_NOMEM.
 */
struct kz_acronym_finder;
struct kz_alias_builder;
int kz_builder_add_acronyms(struct kz_acronym_finder *f, struct kz_alias_builder *table,
                            const kz_document *doc);

/* Removes every file of segment `id` in `dir`. */
void kz_remove_segment_files(const char *dir, uint32_t id);

#endif /* KZ_SEGMENT_BUILDER_H */
