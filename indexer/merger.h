/*
 * merger.h - merging segments: the merge itself and the policy that picks
 * which segments to merge.
 */
#ifndef KZ_MERGER_H
#define KZ_MERGER_H

#include <stddef.h>
#include <stdint.h>

#include "format/manifest.h"
#include "kzsearch.h"

/*
 * Writes segment `new_id` in DIR holding the live documents of `sources`
 * (adjacent committed segments, in manifest order) in their order, and fills
 * `out`. Documents of a source without fingerprints are fingerprinted with
 * the analysis of `language` (the index's). The sources are not touched. On
 * failure nothing of the new segment remains.
 * @return KZ_OK, KZ_ERR_IO, KZ_ERR_CORRUPT, KZ_ERR_NOMEM, KZ_ERR_LIMIT.
 */
int kz_merge_segments(const char *dir, const char *language, const kz_segment_info *sources,
                      size_t n, uint32_t new_id, kz_segment_info *out, kz_error *err);

/* Segments merged at once by the automatic policy. */
#define KZ_MERGE_FACTOR 10

/*
 * The merge policy (log-structured, as Lucene's LogMergePolicy): segments
 * belong to levels by their live document count (powers of KZ_MERGE_FACTOR);
 * when KZ_MERGE_FACTOR adjacent segments share a level, they are merged into
 * one of the next level. Only adjacent segments are merged, so documents
 * keep their order. The segment count thus stays logarithmic in the index size.
 * @return 1 with [*first, *first + *count) to merge, or 0 when none.
 */
int kz_merge_policy_pick(const kz_manifest *m, size_t *first, size_t *count);

#endif /* KZ_MERGER_H */
