/*
 * index_path.h - where the index lives when the user does not say, creating
 * it for the indexer, and opening it for the readers with a helpful message
 * when it is missing.
 *
 * Order: -i DIR, then $KZSEARCH_INDEX, then $XDG_DATA_HOME/kzsearch, then
 * $HOME/.local/share/kzsearch. Empty variables count as unset, and a relative
 * $XDG_DATA_HOME is ignored, as the XDG Base Directory spec asks.
 */
#ifndef KZ_CLI_INDEX_PATH_H
#define KZ_CLI_INDEX_PATH_H

#include "kzsearch.h"

/*
 * Resolves the index directory. `option` is the -i value or NULL. *out is
 * malloc'd and owned by the caller.
 * @return 0, or -1 after printing an error (no HOME, out of memory).
 */
int cli_index_path_resolve(const char *option, char **out);

/*
 * Creates `path` and its missing parents (mkdir -p). *created tells whether
 * `path` itself was made now (so a failed first run can remove it again).
 * @return 0 or -1 after printing an error.
 */
int cli_index_path_mkdirs(const char *path, int *created);

/*
 * Opens the index for reading. When there is none, prints
 * "no index at PATH (build one with: kzsearch index -i PATH FILE.jsonl)".
 * @return 0, or -1 after printing an error.
 */
int cli_index_path_open(kz_index **out, const char *path);

/*
 * Both for a reading command: resolves `option` (the -i value or NULL) into
 * *path (owned by the caller) and opens the index there.
 * @return 0, or -1 after printing an error (*path is then NULL).
 */
int cli_index_open(const char *option, char **path, kz_index **out);

#endif /* KZ_CLI_INDEX_PATH_H */
