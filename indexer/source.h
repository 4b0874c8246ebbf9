/*
 * source.h - where documents come from: JSON Lines files (plain or .zst),
 * folders of .txt files (walked recursively; each .txt file is one article
 * whose first non-empty line is its title), and standard input ("-").
 *
 * A source yields kz_document values one at a time. A malformed record is
 * reported through the callback with its file and line number and skipped;
 * reading goes on.
 */
#ifndef KZ_SOURCE_H
#define KZ_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "kzsearch.h"

typedef struct kz_source kz_source;

/* Called for each skipped record: where (file path, 1-based line; 0 for a whole file) and why. */
typedef void (*kz_source_warn_fn)(void *ctx, const char *path, uint64_t line, const char *why);

/*
 * Opens `path`: "-" (JSON Lines on stdin), a .jsonl/.json/.jsonl.zst/.zst file,
 * a .txt file, or a directory. A file named directly is JSON Lines unless it
 * ends in .txt (zstd when it ends in .zst); in a directory only .txt,
 * .jsonl, .ndjson, .jsonl.zst and .ndjson.zst files are read, in sorted name
 * order, hidden entries and symlinked directories skipped.
 * @return KZ_OK; KZ_ERR_IO with a message naming the path when it cannot be
 *         opened; KZ_ERR_NOMEM.
 */
int kz_source_open(kz_source **out, const char *path, kz_source_warn_fn warn, void *warn_ctx,
                   kz_error *err);

/*
 * Produces the next document. Its strings stay valid until the next call.
 * A file that is a .txt without an id gets its path relative to the opened
 * directory (or its file name) as id.
 * @return 1 with *doc filled, 0 at the end, or a negative kz_status on a
 *         fatal error (I/O, corrupt zstd data, out of memory) with err set.
 */
int kz_source_next(kz_source *s, kz_document *doc, kz_error *err);

/* Bytes of input consumed so far (uncompressed), for progress and MB/s. */
uint64_t kz_source_bytes(const kz_source *s);
/* Records skipped as malformed so far. */
uint64_t kz_source_skipped(const kz_source *s);

/*
 * Lowers the longest JSON Lines record accepted (default and maximum
 * KZ_MAX_LINE_BYTES; values above it are clamped). For tests of the limit.
 */
void kz_source_set_line_limit(kz_source *s, size_t max_line_bytes);

/* The file and 1-based line (0 for a whole .txt file) of the last document returned. */
void kz_source_where(const kz_source *s, const char **path, uint64_t *line);

void kz_source_free(kz_source *s);

#endif /* KZ_SOURCE_H */
