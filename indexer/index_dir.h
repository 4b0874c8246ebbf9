/*
 * index_dir.h - the writer's hold on an index directory: the writers' lock
 * (LOCK, flock), the refusal to create an index among other files, and the
 * removal of files no manifest names (leftovers of an interrupted writer,
 * merged-away segments, superseded deletion files).
 */
#ifndef KZ_INDEX_DIR_H
#define KZ_INDEX_DIR_H

#include "format/manifest.h"
#include "kzsearch.h"

/*
 * Takes the exclusive writers' lock of `dir` without waiting and writes the
 * caller's pid into LOCK (informative only). *fd_out holds the lock until it
 * is closed.
 * @return KZ_OK; KZ_ERR_LOCKED (naming the holder's pid when known);
 *         KZ_ERR_IO; KZ_ERR_NOMEM.
 */
int kz_index_dir_lock(int *fd_out, const char *dir, kz_error *err);

/*
 * Whether a writer may create an index in `dir`: it has a MANIFEST, or holds
 * nothing but files of the shapes this library writes.
 * @return KZ_OK; KZ_ERR_INVALID naming a foreign file; KZ_ERR_IO; KZ_ERR_NOMEM.
 */
int kz_index_dir_check_not_foreign(const char *dir, kz_error *err);

/*
 * Removes the segment and deletion files of `dir` that `m` does not name, and
 * a stale MANIFEST.tmp. Best effort: a file that cannot be removed stays for
 * the next writer.
 */
void kz_index_dir_remove_unreferenced(const char *dir, const kz_manifest *m);

#endif /* KZ_INDEX_DIR_H */
