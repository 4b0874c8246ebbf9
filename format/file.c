/*
 * file.c - framed index files (see file.h and docs/FORMAT.md, "Files").
 *
 * Writes go through a 64 KiB buffer; the checksum covers exactly the bytes
 * that reach the file before the footer.
 */
#include "format/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bytes.h"
#include "format/format.h"
#include "kzsearch.h"

#define WRITE_BUF_BYTES (64u << 10)

static int write_all(int fd, const uint8_t *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return KZ_ERR_IO;
    }
    p += w;
    n -= (size_t)w;
  }
  return KZ_OK;
}

static int flush_buf(kz_file_writer *w) {
  if (w->error) return w->error;
  if (w->buf_len) {
    kz_checksum_update(&w->sum, w->buf, w->buf_len);
    w->error = write_all(w->fd, w->buf, w->buf_len);
    w->buf_len = 0;
  }
  return w->error;
}

int kz_file_writer_open(kz_file_writer *w, const char *path, uint32_t magic) {
  memset(w, 0, sizeof *w);
  w->fd = -1;
  w->path = strdup(path);
  w->buf = malloc(WRITE_BUF_BYTES);
  if (!w->path || !w->buf || kz_checksum_begin(&w->sum) != KZ_OK) {
    w->error = KZ_ERR_NOMEM;
    return w->error;
  }
  w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (w->fd < 0) {
    w->error = KZ_ERR_IO;
    return w->error;
  }
  uint8_t h[KZ_FILE_HEADER_BYTES];
  kz_store_u32le(h, magic);
  kz_store_u32le(h + 4, KZ_FORMAT_VERSION);
  return kz_file_writer_write(w, h, sizeof h);
}

int kz_file_writer_write(kz_file_writer *w, const void *data, size_t n) {
  if (w->error) return w->error;
  const uint8_t *p = data;
  w->offset += n;
  while (n) {
    size_t room = WRITE_BUF_BYTES - w->buf_len;
    if (room == 0) {
      if (flush_buf(w)) return w->error;
      continue;
    }
    size_t take = n < room ? n : room;
    memcpy(w->buf + w->buf_len, p, take);
    w->buf_len += take;
    p += take;
    n -= take;
  }
  return KZ_OK;
}

int kz_file_writer_finish(kz_file_writer *w, uint64_t *size_out) {
  if (flush_buf(w)) { /* as promised: the file is removed and everything freed */
    int rc = w->error;
    kz_file_writer_abort(w);
    w->error = rc;
    return rc;
  }
  uint8_t f[KZ_FILE_FOOTER_BYTES];
  kz_store_u32le(f, KZ_MAGIC_FOOTER);
  kz_store_u32le(f + 4, KZ_FORMAT_VERSION);
  kz_checksum_update(&w->sum, f, 8);
  /* The checksum covers the footer's first 8 bytes too, so a damaged version is caught. */
  kz_store_u64le(f + 8, kz_checksum_end(&w->sum));
  w->error = write_all(w->fd, f, sizeof f);
  if (!w->error && fsync(w->fd) != 0) w->error = KZ_ERR_IO;
  if (close(w->fd) != 0 && !w->error) w->error = KZ_ERR_IO;
  w->fd = -1;
  w->offset += sizeof f;
  if (size_out) *size_out = w->offset;
  int rc = w->error;
  free(w->buf);
  w->buf = NULL;
  if (rc) {
    unlink(w->path);
  }
  free(w->path);
  w->path = NULL;
  w->error = rc ? rc : KZ_ERR_INVALID; /* finished: further writes are refused */
  return rc;
}

void kz_file_writer_abort(kz_file_writer *w) {
  int saved_errno = errno; /* the caller's message wants the failure's reason, not unlink's */
  if (w->fd >= 0) {
    close(w->fd);
    w->fd = -1;
  }
  if (w->path) {
    unlink(w->path);
    free(w->path);
    w->path = NULL;
  }
  free(w->buf);
  w->buf = NULL;
  kz_checksum_discard(&w->sum);
  if (!w->error) w->error = KZ_ERR_INVALID;
  errno = saved_errno;
}

void kz_old_format_message(char *buf, size_t size, uint32_t version) {
  snprintf(buf, size,
           "this index has format v%u; this kzsearch reads v%u (convert it with 'kzsearch "
           "upgrade', which rebuilds it from its stored documents)",
           version, KZ_FORMAT_VERSION);
}

/* Checks the frame of a file whose format version may be min_version .. KZ_FORMAT_VERSION. */
static int check_frame(const uint8_t *data, size_t size, uint32_t magic, uint32_t min_version,
                       char *detail, size_t detail_size) {
  if (size < KZ_FILE_HEADER_BYTES + KZ_FILE_FOOTER_BYTES) {
    if (detail) snprintf(detail, detail_size, "file is too short (%zu bytes)", size);
    return KZ_ERR_CORRUPT;
  }
  if (kz_load_u32le(data) != magic) {
    if (detail) snprintf(detail, detail_size, "wrong magic number in header");
    return KZ_ERR_CORRUPT;
  }
  uint32_t version = kz_load_u32le(data + 4);
  const uint8_t *foot = data + size - KZ_FILE_FOOTER_BYTES;
  if (version > KZ_FORMAT_VERSION && kz_load_u32le(foot) == KZ_MAGIC_FOOTER) {
    if (detail)
      snprintf(detail, detail_size, "this index has format v%u; this kzsearch reads up to v%u",
               version, KZ_FORMAT_VERSION);
    return KZ_ERR_VERSION;
  }
  if (version >= 1 && version < min_version && kz_load_u32le(foot) == KZ_MAGIC_FOOTER &&
      kz_load_u32le(foot + 4) == version) {
    if (detail) kz_old_format_message(detail, detail_size, version);
    return KZ_ERR_VERSION;
  }
  if (version < min_version || version > KZ_FORMAT_VERSION) {
    if (detail) snprintf(detail, detail_size, "unknown format version %u in header", version);
    return KZ_ERR_CORRUPT;
  }
  if (kz_load_u32le(foot) != KZ_MAGIC_FOOTER || kz_load_u32le(foot + 4) != version) {
    if (detail) snprintf(detail, detail_size, "missing or damaged footer (truncated file?)");
    return KZ_ERR_CORRUPT;
  }
  return KZ_OK;
}

/* Maps the open file fd (and closes it) and checks its frame. */
static int map_fd(kz_mapped_file *f, int fd, uint32_t magic, uint32_t min_version, char *detail,
                  size_t detail_size) {
  memset(f, 0, sizeof *f);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    if (detail) snprintf(detail, detail_size, "cannot stat: %s", strerror(errno));
    close(fd);
    return KZ_ERR_IO;
  }
  size_t size = (size_t)st.st_size;
  if (size < KZ_FILE_HEADER_BYTES + KZ_FILE_FOOTER_BYTES) {
    close(fd);
    return check_frame(NULL, size, magic, min_version, detail, detail_size);
  }
  void *m = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (m == MAP_FAILED) {
    if (detail) snprintf(detail, detail_size, "cannot map: %s", strerror(errno));
    return KZ_ERR_IO;
  }
  int rc = check_frame(m, size, magic, min_version, detail, detail_size);
  if (rc) {
    munmap(m, size);
    return rc;
  }
  f->data = m;
  f->size = size;
  f->body = f->data + KZ_FILE_HEADER_BYTES;
  f->body_size = size - KZ_FILE_HEADER_BYTES - KZ_FILE_FOOTER_BYTES;
  return KZ_OK;
}

int kz_file_map(kz_mapped_file *f, const char *path, uint32_t magic, char *detail,
                size_t detail_size) {
  memset(f, 0, sizeof *f);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (detail) snprintf(detail, detail_size, "cannot open: %s", strerror(errno));
    return KZ_ERR_IO;
  }
  return map_fd(f, fd, magic, KZ_FORMAT_VERSION, detail, detail_size);
}

void kz_file_unmap(kz_mapped_file *f) {
  if (f && f->data) munmap((void *)f->data, f->size);
  if (f) memset(f, 0, sizeof *f);
}

int kz_file_verify_checksum(const kz_mapped_file *f) {
  size_t covered = f->size - 8;
  return kz_checksum(f->data, covered) == kz_load_u64le(f->data + covered) ? KZ_OK : KZ_ERR_CORRUPT;
}

int kz_file_read_all(const char *path, uint32_t magic, uint32_t min_version, uint8_t **data_out,
                     size_t *size_out, char *detail, size_t detail_size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (detail) snprintf(detail, detail_size, "cannot open: %s", strerror(errno));
    return KZ_ERR_IO;
  }
  kz_mapped_file f;
  int rc = map_fd(&f, fd, magic, min_version, detail, detail_size);
  if (rc) return rc;
  if (kz_file_verify_checksum(&f) != KZ_OK) {
    if (detail) snprintf(detail, detail_size, "checksum mismatch");
    kz_file_unmap(&f);
    return KZ_ERR_CORRUPT;
  }
  uint8_t *copy = malloc(f.size);
  if (!copy) {
    kz_file_unmap(&f);
    return KZ_ERR_NOMEM;
  }
  memcpy(copy, f.data, f.size);
  *data_out = copy;
  *size_out = f.size;
  kz_file_unmap(&f);
  return KZ_OK;
}

int kz_fsync_dir(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return KZ_ERR_IO;
  int rc = fsync(fd) == 0 ? KZ_OK : KZ_ERR_IO;
  close(fd);
  return rc;
}

char *kz_path_join(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  char *p = malloc(a + b + 2);
  if (!p) return NULL;
  memcpy(p, dir, a);
  p[a] = '/';
  memcpy(p + a + 1, name, b + 1);
  return p;
}
