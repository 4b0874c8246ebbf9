/*
 * kz_test_fs.h - scratch directories for tests: one made under $TMPDIR,
 * and a tree of files (indexes, damaged copies) removed afterwards.
 *
 * Header-only (static inline) and free of the test harness, so that the
 * fuzz targets use it too. It owns one thing, the path of the process's
 * scratch root (kz_test_scratch_root), which it removes at exit; for every
 * other directory the caller names the buffer and removes what it made.
 */
#ifndef KZ_TEST_FS_H
#define KZ_TEST_FS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Removes `dir` and everything under it (symbolic links are removed, not
 * followed). A path too long for the buffer is reported on stderr and left,
 * rather than cut short: unlinking a truncated path could remove another file.
 * @return 1 when dir is gone, else 0.
 */
static inline int kz_test_remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char p[4096];
    int n = snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    if (n < 0 || (size_t)n >= sizeof p) {
      fprintf(stderr, "kz_test_remove_tree: path too long, not removed: %s/%s\n", dir, e->d_name);
      continue;
    }
    struct stat st;
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
      kz_test_remove_tree(p);
    else
      unlink(p);
  }
  closedir(d);
  return rmdir(dir) == 0;
}

/*
 * Creates a fresh directory BASE/NAME.XXXXXX into out (size bytes).
 * @return 1, or 0 (the reason on stderr) when the path does not fit in out
 *         or mkdtemp fails.
 */
static inline int kz_test_make_temp_dir_in(char *out, size_t size, const char *base,
                                           const char *name) {
  int n = snprintf(out, size, "%s/%s.XXXXXX", base, name);
  if (n < 0 || (size_t)n >= size) {
    fprintf(stderr, "kz_test_make_temp_dir: %s/%s.XXXXXX is too long for %zu bytes\n", base, name,
            size);
    return 0;
  }
  if (!mkdtemp(out)) {
    perror(out);
    return 0;
  }
  return 1;
}

/* Creates a fresh directory $TMPDIR/NAME.XXXXXX (/tmp without TMPDIR) into out. @return 1, or 0. */
static inline int kz_test_make_temp_dir(char *out, size_t size, const char *name) {
  const char *tmp = getenv("TMPDIR");
  return kz_test_make_temp_dir_in(out, size, tmp && *tmp ? tmp : "/tmp", name);
}

/*
 * As kz_test_make_temp_dir, but without TMPDIR on /dev/shm where it is
 * writable: for tests that commit hundreds of times, whose fsyncs cost
 * nothing on a tmpfs. @return 1, or 0.
 */
static inline int kz_test_make_fast_temp_dir(char *out, size_t size, const char *name) {
  const char *tmp = getenv("TMPDIR");
  if (!tmp || !*tmp) tmp = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
  return kz_test_make_temp_dir_in(out, size, tmp, name);
}

#define KZ_TEST_SCRATCH_ROOT_BYTES 512

/* kz_test_scratch_root's buffer: a static in a function, so that a test not using it has none. */
static inline char *kz_test_scratch_root_buf_(void) {
  static char root[KZ_TEST_SCRATCH_ROOT_BYTES];
  return root;
}

static inline void kz_test_scratch_root_remove_(void) {
  char *root = kz_test_scratch_root_buf_();
  if (root[0]) kz_test_remove_tree(root);
  root[0] = '\0';
}

/*
 * The process's scratch root, for a test file whose cases share fixtures:
 * made on the first call as kz_test_make_temp_dir does (with `fast`, as
 * kz_test_make_fast_temp_dir does) and removed with everything in it at
 * exit, so that a failed CHECK leaves nothing behind. Later calls return the
 * same directory, whatever their arguments.
 * @return its path, or NULL when it cannot be made.
 */
static inline const char *kz_test_scratch_root(const char *name, int fast) {
  char *root = kz_test_scratch_root_buf_();
  if (root[0]) return root;
  size_t size = KZ_TEST_SCRATCH_ROOT_BYTES;
  int made =
      fast ? kz_test_make_fast_temp_dir(root, size, name) : kz_test_make_temp_dir(root, size, name);
  if (!made) {
    root[0] = '\0';
    return NULL;
  }
  atexit(kz_test_scratch_root_remove_);
  return root;
}

#endif
