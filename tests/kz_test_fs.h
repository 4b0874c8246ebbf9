/*
 * kz_test_fs.h - scratch directories for tests: one made under $TMPDIR,
 * and a tree of files (indexes, damaged copies) removed afterwards.
 */
#ifndef KZ_TEST_FS_H
#define KZ_TEST_FS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Removes `dir` and everything under it (symbolic links are removed, not followed). */
static inline void kz_test_remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char p[1024];
    int n = snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    if (n < 0 || (size_t)n >= sizeof p) continue; /* cannot be named: left in place */
    struct stat st;
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
      kz_test_remove_tree(p);
    else
      unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

/* Creates a fresh directory $TMPDIR/NAME.XXXXXX (/tmp without TMPDIR) into out. @return 1, or 0. */
static inline int kz_test_make_temp_dir(char *out, size_t size, const char *name) {
  const char *tmp = getenv("TMPDIR");
  snprintf(out, size, "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
  return mkdtemp(out) != NULL;
}

#endif
