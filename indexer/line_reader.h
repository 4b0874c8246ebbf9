/*
 * line_reader.h - a JSON Lines stream cut into lines: one file (plain or
 * zstd, through common/compress.c's streaming decoder) or stdin, read in
 * chunks into one buffer that is reused for every file the reader opens.
 *
 * A line longer than line_limit is never kept whole: it is dropped chunk by
 * chunk while its end is sought and reported as KZ_LINE_LONG, so the buffer
 * never holds more than line_limit + 1 MiB + 1 bytes.
 */
#ifndef KZ_LINE_READER_H
#define KZ_LINE_READER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/compress.h"
#include "kzsearch.h"

enum { KZ_LINE_EOF = 0, KZ_LINE_OK = 1, KZ_LINE_LONG = 2 };

/* Zero-initialised; line_limit set before the first read. */
typedef struct kz_line_reader {
  FILE *f;
  int own_f;
  kz_zstd_reader *zr; /* NULL: no stream open */
  uint64_t line_no;   /* of the last line returned, 1-based, per stream */
  uint64_t bytes;     /* consumed (uncompressed) over every stream opened */
  size_t line_limit;
  char *buf; /* pending bytes are buf[start..end); buf[start..scan) has no '\n' */
  size_t cap, start, end, scan;
  int eof, discarding;
} kz_line_reader;

/*
 * Opens path (NULL: stdin, which is not closed) as the stream, zstd when
 * `compressed`. The line buffer is kept from the previous stream.
 * @return KZ_OK; KZ_ERR_IO with errno kept; KZ_ERR_NOMEM.
 */
int kz_line_reader_open(kz_line_reader *r, const char *path, int compressed);

/* Closes the stream (if any); the buffer stays for the next one. */
void kz_line_reader_close(kz_line_reader *r);

/*
 * The next line without its '\n' in *line (valid until the next call);
 * `name` names the stream in error messages.
 * @return KZ_LINE_OK, KZ_LINE_LONG (a line over line_limit was dropped),
 *         KZ_LINE_EOF, or a negative status (read error, corrupt zstd data,
 *         out of memory) with err set.
 */
int kz_line_reader_next(kz_line_reader *r, const char *name, const char **line, size_t *len,
                        kz_error *err);

/* Closes the stream and frees the buffer; the reader may be opened again. */
void kz_line_reader_free(kz_line_reader *r);

#endif /* KZ_LINE_READER_H */
