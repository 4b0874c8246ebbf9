/*
 * index_dir.c - the writer's hold on an index directory (see index_dir.h):
 * the writers' lock, the check that a new index goes into a new or empty
 * directory, and the cleaning of files no manifest names.
 *
 * Only files of the shapes this library writes are ever removed (see
 * is_index_file_name), so a user's file in the directory is never touched;
 * a directory of other files is refused before anything is written into it.
 */
#include "indexer/index_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "format/file.h"
#include "format/format.h"

int kz_index_dir_lock(int *fd_out, const char *dir, kz_error *err) {
  char *path = kz_path_join(dir, KZ_LOCK_NAME);
  if (!path) return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    int rc = kz_error_set(err, KZ_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    free(path);
    return rc;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = "";
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    long pid = strtol(buf, NULL, 10);
    int rc = errno == EWOULDBLOCK
                 ? (pid > 0 ? kz_error_set(err, KZ_ERR_LOCKED, "index %s is locked by pid %ld", dir, pid)
                            : kz_error_set(err, KZ_ERR_LOCKED, "index %s is locked by another writer", dir))
                 : kz_error_set(err, KZ_ERR_IO, "cannot lock %s: %s", path, strerror(errno));
    close(fd);
    free(path);
    return rc;
  }
  char pid[32];
  int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
    /* The pid is only informative; the lock itself is held. */
  }
  free(path);
  *fd_out = fd;
  return KZ_OK;
}

/* Whether `name` is one of the files the manifest names for its segments. */
static int file_named(const kz_manifest *m, const char *name) {
  for (size_t i = 0; i < m->n_segments; i++) {
    char own[64];
    for (int k = 0; k < KZ_SEGFILES; k++) {
      kz_segment_file_name(own, sizeof own, m->segments[i].id, k);
      if (strcmp(own, name) == 0) return 1;
    }
    for (unsigned x = 0; x < m->segments[i].n_extra; x++) {
      snprintf(own, sizeof own, "seg-%08x.%s", m->segments[i].id, m->segments[i].extra[x].ext);
      if (strcmp(own, name) == 0) return 1;
    }
    if (m->segments[i].deletes_gen) {
      kz_deletes_file_name(own, sizeof own, m->segments[i].id, m->segments[i].deletes_gen);
      if (strcmp(own, name) == 0) return 1;
    }
  }
  return 0;
}

/*
 * Whether `name` has the shape of a file this library writes into an index
 * directory: seg-XXXXXXXX.EXT (EXT lower-case letters) or seg-XXXXXXXX-G.del,
 * MANIFEST, MANIFEST.tmp or LOCK. Only such files are ever removed, so a user's
 * file that happens to start with "seg-" is never touched.
 */
static int is_index_file_name(const char *name) {
  if (strcmp(name, KZ_MANIFEST_NAME) == 0 || strcmp(name, KZ_MANIFEST_NAME ".tmp") == 0 ||
      strcmp(name, KZ_LOCK_NAME) == 0)
    return 1;
  if (strncmp(name, "seg-", 4) != 0) return 0;
  const char *p = name + 4;
  for (int i = 0; i < 8; i++, p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return 0;
  if (*p == '-') { /* a deletion file: -G.del */
    const char *digits = ++p;
    while (*p >= '0' && *p <= '9') p++;
    return p > digits && strcmp(p, ".del") == 0;
  }
  if (*p++ != '.' || !*p) return 0;
  for (; *p; p++)
    if (*p < 'a' || *p > 'z') return 0;
  return 1;
}

/*
 * A writer creates an index only in a new or empty directory, or in one that
 * holds nothing but the leftovers of an interrupted first commit: pointing -i
 * at a directory of other files must not write into it (and its cleaning of
 * leftovers must not reach anybody's files).
 */
int kz_index_dir_check_not_foreign(const char *dir, kz_error *err) {
  char *manifest = kz_path_join(dir, KZ_MANIFEST_NAME);
  if (!manifest) return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  struct stat st;
  int has_manifest = stat(manifest, &st) == 0;
  free(manifest);
  if (has_manifest) return KZ_OK;
  DIR *d = opendir(dir);
  if (!d) return kz_error_set(err, KZ_ERR_IO, "cannot read %s: %s", dir, strerror(errno));
  int rc = KZ_OK;
  struct dirent *e;
  while (!rc && (e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (!is_index_file_name(e->d_name))
      rc = kz_error_set(err, KZ_ERR_INVALID,
                        "%s is not empty and holds no kzsearch index (it has '%.100s'); "
                        "refusing to create an index there: give a new or empty directory",
                        dir, e->d_name);
  }
  closedir(d);
  return rc;
}

void kz_index_dir_remove_unreferenced(const char *dir, const kz_manifest *m) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    int stale = (strncmp(e->d_name, "seg-", 4) == 0 && is_index_file_name(e->d_name) &&
                 !file_named(m, e->d_name)) ||
                strcmp(e->d_name, KZ_MANIFEST_NAME ".tmp") == 0;
    if (stale) {
      char *path = kz_path_join(dir, e->d_name);
      if (path) unlink(path);
      free(path);
    }
  }
  closedir(d);
}
