/*
 * writer_merge.h - the writer's merges after a commit (kz_writer_compact,
 * the public one, is declared in kzsearch.h).
 */
#ifndef KZ_WRITER_MERGE_H
#define KZ_WRITER_MERGE_H

#include "kzsearch.h"

/*
 * Merges what the merge policy picks among the committed segments until it
 * picks nothing, each merge a commit of its own.
 * @return KZ_OK or the first merge's failure (the index keeps its segments).
 */
int kz_writer_merge_by_policy(kz_writer *w, kz_error *err);

#endif /* KZ_WRITER_MERGE_H */
