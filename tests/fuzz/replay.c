/*
 * replay.c - runs a fuzz target's LLVMFuzzerTestOneInput over saved inputs,
 * without libFuzzer, so that any compiler (and ctest) can replay the corpora
 * and crash reproducers: zstd's tests/fuzz/regression_driver.c in spirit.
 *
 * Usage: replay_<name> PATH...   each PATH is a file or a directory, whose
 * regular files (not hidden, not recursed into) are replayed in name order.
 *
 * Each input is copied into a heap block of exactly its size, so a target
 * that reads one byte too far trips AddressSanitizer here as it would under
 * libFuzzer. A target signals a broken property by aborting; replay then
 * dies with it, and the last "replaying" line on stderr names the input.
 * Exit status: 0 when every input ran, 1 when a path could not be read or
 * no input was found at all (a missing corpus must not pass silently).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads the whole file into a fresh block of exactly its size (NULL and 1 byte for empty). */
static uint8_t *read_file(const char *path, size_t *size_out) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  uint8_t *data = NULL;
  size_t size = 0, cap = 0;
  for (;;) {
    if (size == cap) {
      cap = cap ? cap * 2 : 4096;
      uint8_t *grown = realloc(data, cap);
      if (!grown) goto fail;
      data = grown;
    }
    size_t n = fread(data + size, 1, cap - size, f);
    size += n;
    if (n == 0) break;
  }
  if (ferror(f)) goto fail;
  fclose(f);
  /* Shrink to the exact size so that overreads are caught. */
  uint8_t *exact = malloc(size ? size : 1);
  if (!exact) {
    free(data);
    return NULL;
  }
  if (size) memcpy(exact, data, size);
  free(data);
  *size_out = size;
  return exact;
fail:
  free(data);
  fclose(f);
  return NULL;
}

static int replay_file(const char *path, size_t *n_done) {
  size_t size = 0;
  uint8_t *data = read_file(path, &size);
  if (!data) {
    fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
    return 1;
  }
  fprintf(stderr, "replaying %s (%zu bytes)\n", path, size);
  LLVMFuzzerTestOneInput(data, size);
  free(data);
  (*n_done)++;
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int replay_dir(const char *dir, size_t *n_done) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "replay: cannot open %s: %s\n", dir, strerror(errno));
    return 1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **grown = realloc(names, cap * sizeof *names);
      if (!grown) {
        rc = 1;
        break;
      }
      names = grown;
    }
    size_t len = strlen(dir) + 1 + strlen(e->d_name) + 1;
    if (!(names[n] = malloc(len))) {
      rc = 1;
      break;
    }
    snprintf(names[n], len, "%s/%s", dir, e->d_name);
    n++;
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++) {
    struct stat st;
    if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) rc = replay_file(names[i], n_done);
    free(names[i]);
  }
  free(names);
  if (rc) fprintf(stderr, "replay: failed while reading %s\n", dir);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE-OR-DIRECTORY...\n", argv[0]);
    return 1;
  }
  size_t n_done = 0;
  int rc = 0;
  for (int i = 1; i < argc && rc == 0; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
      rc = 1;
    } else if (S_ISDIR(st.st_mode)) {
      rc = replay_dir(argv[i], &n_done);
    } else {
      rc = replay_file(argv[i], &n_done);
    }
  }
  if (rc == 0 && n_done == 0) {
    fprintf(stderr, "replay: no input found\n");
    rc = 1;
  }
  printf("%s: %zu inputs replayed\n", argv[0], n_done);
  return rc;
}
