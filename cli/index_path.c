/*
 * index_path.c - resolving, creating and opening the index directory (see
 * index_path.h for the lookup order).
 *
 * Owns nothing beyond the strings it returns. The directory is created only
 * by the indexer; the readers must never create an empty directory as a side
 * effect of a typo in -i.
 */
#include "index_path.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report.h"

static const char *env_nonempty(const char *name) {
  const char *v = getenv(name);
  return v && v[0] ? v : NULL;
}

static char *join(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  while (la > 1 && a[la - 1] == '/') la--; /* "/home/x/" + "/.local" */
  char *s = malloc(la + 1 + lb + 1);
  if (!s) return NULL;
  memcpy(s, a, la);
  s[la] = '/';
  memcpy(s + la + 1, b, lb + 1);
  return s;
}

int cli_index_path_resolve(const char *option, char **out) {
  const char *v;
  char *path;
  if (option) {
    if (!option[0]) {
      cli_error("the index directory given with -i is empty");
      return -1;
    }
    path = strdup(option);
  } else if ((v = env_nonempty("KZSEARCH_INDEX"))) {
    path = strdup(v);
  } else if ((v = env_nonempty("XDG_DATA_HOME")) && v[0] == '/') {
    path = join(v, "kzsearch");
  } else if ((v = env_nonempty("HOME"))) {
    path = join(v, ".local/share/kzsearch");
  } else {
    cli_error("cannot tell where the index is: HOME is not set (use -i DIR or set KZSEARCH_INDEX)");
    return -1;
  }
  if (!path) {
    cli_error("out of memory");
    return -1;
  }
  *out = path;
  return 0;
}

static int mkdir_one(const char *path, int *created) {
  struct stat st;
  *created = 0;
  if (mkdir(path, 0777) == 0) {
    *created = 1;
    return 0;
  }
  int e = errno;
  /* EEXIST covers races with another mkdir; anything else that is already a
   * directory (EACCES on an existing parent, EROFS) is fine too. */
  if (stat(path, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return 0;
    cli_error("cannot create index directory %s: it exists and is not a directory", path);
    return -1;
  }
  cli_error("cannot create index directory %s: %s", path, strerror(e));
  return -1;
}

int cli_index_path_mkdirs(const char *path, int *created) {
  char *copy = strdup(path);
  if (!copy) {
    cli_error("out of memory");
    return -1;
  }
  int rc = 0;
  /* Create each prefix ending before a '/', then the whole path. */
  for (char *p = copy + 1; *p && rc == 0; p++) {
    if (*p != '/' || p[-1] == '/') continue;
    *p = '\0';
    rc = mkdir_one(copy, created);
    *p = '/';
  }
  if (rc == 0) rc = mkdir_one(copy, created);
  free(copy);
  return rc;
}

/* Quotes `s` for a shell when it holds anything but plainly safe characters. */
static void print_shell_word(FILE *f, const char *s) {
  if (s[0] && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                        "/._-+:,@%=") == strlen(s)) {
    fputs(s, f);
    return;
  }
  fputc('\'', f);
  for (; *s; s++) {
    if (*s == '\'')
      fputs("'\\''", f);
    else
      fputc(*s, f);
  }
  fputc('\'', f);
}

int cli_index_path_open(kz_index **out, const char *path) {
  kz_error err;
  memset(&err, 0, sizeof err);
  int rc = kz_index_open(out, path, &err);
  if (rc == KZ_OK) return 0;
  struct stat st;
  int missing = rc == KZ_ERR_NO_INDEX || (rc == KZ_ERR_IO && stat(path, &st) != 0 && errno == ENOENT);
  if (missing) {
    fprintf(stderr, "kzsearch: no index at %s (build one with: kzsearch index -i ", path);
    print_shell_word(stderr, path);
    fputs(" FILE.jsonl)\n", stderr);
  } else {
    cli_error_kz(path, rc, &err);
  }
  return -1;
}

int cli_index_open(const char *option, char **path, kz_index **out) {
  *path = NULL;
  if (cli_index_path_resolve(option, path) == 0 && cli_index_path_open(out, *path) == 0) return 0;
  free(*path);
  *path = NULL;
  return -1;
}
