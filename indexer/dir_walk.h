/*
 * dir_walk.h - the files of a directory tree that a source reads: a
 * depth-first walk in strcmp order of each directory's entries, hidden
 * entries skipped and symlinked directories not followed (no loops), that
 * stops at each regular file whose name says it holds documents.
 */
#ifndef KZ_DIR_WALK_H
#define KZ_DIR_WALK_H

#include <stddef.h>

#include "common/buf.h"
#include "indexer/source.h"
#include "kzsearch.h"

/* What a file holds, judged by its name. */
typedef enum kz_file_type { KZ_FT_NONE, KZ_FT_TXT, KZ_FT_JSONL, KZ_FT_JSONL_ZST } kz_file_type;

/* One directory being walked: its sorted entry names and where `rel` ends for it. */
typedef struct kz_dir_frame {
  char **names;
  size_t n_names, next;
  size_t rel_len;
} kz_dir_frame;

/* Zero-initialised, then kz_dir_walk_start. */
typedef struct kz_dir_walk {
  const char *root; /* borrowed: must outlive the walk */
  kz_buf rel;       /* the current file relative to root, NUL-terminated */
  kz_dir_frame *frames;
  size_t n_frames, cap_frames;
} kz_dir_walk;

/*
 * The type of the file `name`: .txt, .jsonl/.ndjson, .jsonl.zst/.ndjson.zst
 * (any case). `named`: the user named the file directly, and then it is JSON
 * Lines whatever its name says (zstd when it ends in .zst); otherwise a file
 * of another name is KZ_FT_NONE (not read).
 */
kz_file_type kz_dir_walk_file_type(const char *name, int named);

/*
 * Starts the walk at the directory `root` by listing it.
 * @return KZ_OK; KZ_ERR_IO with errno kept; KZ_ERR_NOMEM.
 */
int kz_dir_walk_start(kz_dir_walk *w, const char *root);

/*
 * Advances to the next file worth reading: its path in *path_out
 * (NUL-terminated), its path relative to root in w->rel. Entries that would
 * have been read but cannot be (a file that cannot be opened, a directory
 * that cannot be listed) are told to `warn` and skipped.
 * @return its kz_file_type, 0 when the walk is over, or KZ_ERR_NOMEM with
 *         err set.
 */
int kz_dir_walk_next(kz_dir_walk *w, kz_buf *path_out, kz_source_warn_fn warn, void *warn_ctx,
                     kz_error *err);

void kz_dir_walk_free(kz_dir_walk *w);

#endif /* KZ_DIR_WALK_H */
