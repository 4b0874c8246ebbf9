/*
 * dir_walk.c - the walk of a directory tree for a source (see dir_walk.h).
 *
 * Owns: the stack of directories being walked, each with its entry names
 * (read and sorted at once when the directory is entered), and the current
 * path relative to the root.
 *
 * Invariants: a directory's entries are visited in strcmp order, depth
 * first; hidden entries are skipped and a symlink to a directory is not
 * followed, so the walk cannot loop.
 */
#include "indexer/dir_walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/error.h"

static int ends_with(const char *name, const char *suffix) {
  size_t n = strlen(name), k = strlen(suffix);
  return n > k && strcasecmp(name + n - k, suffix) == 0;
}

kz_file_type kz_dir_walk_file_type(const char *name, int named) {
  if (ends_with(name, ".txt")) return KZ_FT_TXT;
  if (ends_with(name, ".jsonl.zst") || ends_with(name, ".ndjson.zst")) return KZ_FT_JSONL_ZST;
  if (ends_with(name, ".jsonl") || ends_with(name, ".ndjson")) return KZ_FT_JSONL;
  if (!named) return KZ_FT_NONE;
  /* A file named on the command line is JSON Lines whatever its name says. */
  return ends_with(name, ".zst") ? KZ_FT_JSONL_ZST : KZ_FT_JSONL;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_frame(kz_dir_frame *fr) {
  for (size_t i = 0; i < fr->n_names; i++) free(fr->names[i]);
  free(fr->names);
}

/* Lists `dir` (hidden entries left out), sorts it and pushes it; errno kept on KZ_ERR_IO. */
static int push_dir(kz_dir_walk *w, const char *dir, size_t rel_len) {
  if (w->n_frames == w->cap_frames) {
    size_t cap = w->cap_frames ? w->cap_frames * 2 : 8;
    kz_dir_frame *p = realloc(w->frames, cap * sizeof *p);
    if (!p) return KZ_ERR_NOMEM;
    w->frames = p;
    w->cap_frames = cap;
  }
  DIR *d = opendir(dir);
  if (!d) return KZ_ERR_IO;
  kz_dir_frame fr = {NULL, 0, 0, rel_len};
  size_t cap = 0;
  int rc = KZ_OK;
  for (;;) {
    errno = 0;
    struct dirent *de = readdir(d);
    if (!de) {
      if (errno) rc = KZ_ERR_IO;
      break;
    }
    if (de->d_name[0] == '.') continue;
    if (fr.n_names == cap) {
      cap = cap ? cap * 2 : 16;
      char **p = realloc(fr.names, cap * sizeof *p);
      if (!p) {
        rc = KZ_ERR_NOMEM;
        break;
      }
      fr.names = p;
    }
    if (!(fr.names[fr.n_names] = strdup(de->d_name))) {
      rc = KZ_ERR_NOMEM;
      break;
    }
    fr.n_names++;
  }
  int saved = errno;
  closedir(d);
  errno = saved;
  if (rc) {
    free_frame(&fr);
    return rc;
  }
  if (fr.n_names) qsort(fr.names, fr.n_names, sizeof *fr.names, cmp_names);
  w->frames[w->n_frames++] = fr;
  return KZ_OK;
}

int kz_dir_walk_next(kz_dir_walk *w, kz_buf *path_out, kz_source_warn_fn warn, void *warn_ctx,
                     kz_error *err) {
  char why[160];
  size_t root_len = strlen(w->root);
  int root_slash = root_len > 0 && w->root[root_len - 1] == '/';
  while (w->n_frames) {
    kz_dir_frame *fr = &w->frames[w->n_frames - 1];
    if (fr->next == fr->n_names) {
      free_frame(fr);
      w->n_frames--;
      continue;
    }
    const char *name = fr->names[fr->next++];
    w->rel.len = fr->rel_len;
    kz_buf_clear(path_out);
    if (kz_buf_append_cstr(&w->rel, name, strlen(name)) ||
        kz_buf_append_cstr(path_out, w->root, root_len) ||
        (!root_slash && kz_buf_append_cstr(path_out, "/", 1)) ||
        kz_buf_append_cstr(path_out, (const char *)w->rel.data, w->rel.len))
      return kz_error_set(err, KZ_ERR_NOMEM, "%s: out of memory", w->root);
    const char *path = (const char *)path_out->data;
    kz_file_type type = kz_dir_walk_file_type(name, 0);

    /* After a symlink, st describes its target: a directory there is not followed. */
    struct stat st;
    int via_link = 0, ok = lstat(path, &st) == 0;
    if (ok && S_ISLNK(st.st_mode)) {
      via_link = 1;
      ok = stat(path, &st) == 0;
    }
    if (!ok) {
      if (type != KZ_FT_NONE) {
        snprintf(why, sizeof why, "cannot open: %s", strerror(errno));
        warn(warn_ctx, path, 0, why);
      }
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      if (via_link) continue;
      if (kz_buf_append_cstr(&w->rel, "/", 1))
        return kz_error_set(err, KZ_ERR_NOMEM, "%s: out of memory", w->root);
      int rc = push_dir(w, path, w->rel.len);
      if (rc == KZ_ERR_NOMEM) return kz_error_set(err, rc, "%s: out of memory", path);
      if (rc) {
        snprintf(why, sizeof why, "cannot read directory: %s", strerror(errno));
        warn(warn_ctx, path, 0, why);
      }
      continue;
    }
    if (S_ISREG(st.st_mode) && type != KZ_FT_NONE) return (int)type;
  }
  return 0;
}

int kz_dir_walk_start(kz_dir_walk *w, const char *root) {
  w->root = root;
  return push_dir(w, root, 0);
}

void kz_dir_walk_free(kz_dir_walk *w) {
  for (size_t i = 0; i < w->n_frames; i++) free_frame(&w->frames[i]);
  free(w->frames);
  kz_buf_free(&w->rel);
  memset(w, 0, sizeof *w);
}
