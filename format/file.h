/*
 * file.h - index files on disk: writing one with its header, running
 * checksum and footer; mapping one read-only and validating its frame;
 * the atomic-replace and directory-sync steps of a commit.
 *
 * A kz_file_writer keeps a sticky error: after the first failure every
 * further call is a no-op returning that error, so a writer can check once.
 */
#ifndef KZ_FILE_H
#define KZ_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "common/checksum.h"

typedef struct kz_file_writer {
  int fd;
  char *path;
  kz_checksum_state sum;
  uint64_t offset;   /* bytes written so far, header included */
  uint8_t *buf;      /* write-behind buffer */
  size_t buf_len;
  int error;         /* sticky kz_status */
} kz_file_writer;

/* Creates (truncating) `path` and writes the header for `magic`. */
int kz_file_writer_open(kz_file_writer *w, const char *path, uint32_t magic);
int kz_file_writer_write(kz_file_writer *w, const void *data, size_t n);
/* Writes the footer, fsyncs and closes. *size_out (may be NULL) gets the file size. */
int kz_file_writer_finish(kz_file_writer *w, uint64_t *size_out);
/* Closes and removes a file that will not be finished. Safe after finish (no-op). */
void kz_file_writer_abort(kz_file_writer *w);

typedef struct kz_mapped_file {
  const uint8_t *data; /* whole file */
  size_t size;
  const uint8_t *body; /* between header and footer */
  size_t body_size;
} kz_mapped_file;

/*
 * Maps `path` read-only and checks its frame: size, header magic and
 * version, footer magic and version (not the checksum).
 * @return KZ_OK; KZ_ERR_IO (cannot open or map); KZ_ERR_CORRUPT (too short,
 *         wrong magic); KZ_ERR_VERSION (written by a newer or an older format).
 * On error `detail` (may be NULL, 160 bytes) says what is wrong.
 */
int kz_file_map(kz_mapped_file *f, const char *path, uint32_t magic, char *detail, size_t detail_size);
void kz_file_unmap(kz_mapped_file *f);
/* @return KZ_OK when the footer checksum matches the bytes, else KZ_ERR_CORRUPT. */
int kz_file_verify_checksum(const kz_mapped_file *f);

/*
 * Reads a whole small file into memory (the manifest) with the same frame
 * checks and its checksum, accepting format versions min_version ..
 * KZ_FORMAT_VERSION (the version is at data + 4).
 */
/*
 * The sentence that says what to do with an index of an older format
 * (`version`), for every place that refuses one: "this index has format
 * v2; this kzsearch reads v3 (convert it with: kzsearch upgrade ...)".
 */
void kz_old_format_message(char *buf, size_t size, uint32_t version);

int kz_file_read_all(const char *path, uint32_t magic, uint32_t min_version, uint8_t **data_out,
                     size_t *size_out, char *detail, size_t detail_size);

/* fsync a directory so that renames and creations in it are durable. */
int kz_fsync_dir(const char *dir);
/* "dir/name" in a new allocation, or NULL. */
char *kz_path_join(const char *dir, const char *name);

#endif /* KZ_FILE_H */
