/*
 * live_index.c - snapshots of the last commit, swapped when a commit lands
 * (see live_index.h).
 *
 * A commit replaces MANIFEST by rename, so its inode changes: (device, inode,
 * size, mtime) of MANIFEST identifies the commit cheaply, with one stat(2).
 * With a check interval (srv_live_set_check_interval) that stat is made at
 * most once per interval rather than on every request: a system call is a
 * large part of a small request's cost on a virtual machine (bench/RESULTS.md,
 * "The HTTP server"), and a commit of another process is then seen by every
 * request that starts more than one interval after it. The server's own
 * commits call srv_live_changed, so they are seen at once; a `generation`
 * count keeps a stat made before such a commit from vouching for the old
 * snapshot after it. Opening a snapshot happens outside the mutex so that a slow open
 * never stalls searches on the current one; when two requests open the same
 * new commit at once, the second one's copy is closed again.
 *
 * Ownership: `current` holds one reference for being current; each acquire
 * adds one. The snapshot is closed when its count reaches 0, which happens
 * only after it stopped being current.
 */
#include "server/live_index.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct srv_snapshot {
  kz_index *index;
  unsigned long refs;
  struct stat id; /* of the MANIFEST it was opened from */
};

struct srv_live {
  pthread_mutex_t mutex;
  char *path, *manifest;
  srv_snapshot *current;
  unsigned long opened;
  uint64_t check_ns;       /* 0: stat MANIFEST on every acquire */
  uint64_t checked_ns;     /* when a stat last found `current` up to date (0: never) */
  unsigned long generation; /* srv_live_changed calls so far */
};

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts); /* the vDSO: no system call */
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int same_commit(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

int srv_live_new(srv_live **out, const char *path) {
  srv_live *l = calloc(1, sizeof *l);
  size_t n = strlen(path);
  if (!l || !(l->path = strdup(path)) || !(l->manifest = malloc(n + sizeof "/MANIFEST"))) {
    if (l) free(l->path);
    free(l);
    return KZ_ERR_NOMEM;
  }
  memcpy(l->manifest, path, n);
  memcpy(l->manifest + n, "/MANIFEST", sizeof "/MANIFEST");
  pthread_mutex_init(&l->mutex, NULL);
  *out = l;
  return KZ_OK;
}

static void drop(srv_snapshot *s) {
  kz_index_close(s->index);
  free(s);
}

void srv_live_set_check_interval(srv_live *l, unsigned microseconds) {
  pthread_mutex_lock(&l->mutex);
  l->check_ns = (uint64_t)microseconds * 1000u;
  pthread_mutex_unlock(&l->mutex);
}

void srv_live_changed(srv_live *l) {
  pthread_mutex_lock(&l->mutex);
  l->generation++;
  l->checked_ns = 0;
  pthread_mutex_unlock(&l->mutex);
}

int srv_live_acquire(srv_live *l, srv_snapshot **snap, kz_index **index, kz_error *err) {
  uint64_t now = now_ns();
  pthread_mutex_lock(&l->mutex);
  srv_snapshot *cur = l->current;
  if (cur && l->check_ns && l->checked_ns && now - l->checked_ns < l->check_ns) {
    cur->refs++; /* checked less than an interval ago */
    pthread_mutex_unlock(&l->mutex);
    *snap = cur;
    *index = cur->index;
    return KZ_OK;
  }
  unsigned long generation = l->generation;
  pthread_mutex_unlock(&l->mutex);

  struct stat st;
  if (stat(l->manifest, &st) != 0) memset(&st, 0, sizeof st); /* no index (yet, or any more) */
  pthread_mutex_lock(&l->mutex);
  cur = l->current;
  if (cur && same_commit(&cur->id, &st)) {
    if (l->generation == generation) l->checked_ns = now;
    cur->refs++;
    pthread_mutex_unlock(&l->mutex);
    *snap = cur;
    *index = cur->index;
    return KZ_OK;
  }
  pthread_mutex_unlock(&l->mutex);

  srv_snapshot *fresh = calloc(1, sizeof *fresh);
  if (!fresh) {
    if (err) { err->code = KZ_ERR_NOMEM; strcpy(err->message, "out of memory"); }
    return KZ_ERR_NOMEM;
  }
  int rc = kz_index_open(&fresh->index, l->path, err);
  if (rc != KZ_OK) {
    free(fresh);
    return rc;
  }
  fresh->id = st;
  fresh->refs = 2; /* current, and the caller */

  srv_snapshot *old = NULL;
  pthread_mutex_lock(&l->mutex);
  if (l->current && same_commit(&l->current->id, &st)) {
    /* Another request opened this commit meanwhile: use theirs. */
    l->current->refs++;
    *snap = l->current;
    pthread_mutex_unlock(&l->mutex);
    drop(fresh);
    *index = (*snap)->index;
    return KZ_OK;
  }
  old = l->current;
  l->current = fresh;
  l->opened++;
  if (l->generation == generation) l->checked_ns = now;
  if (old && --old->refs > 0) old = NULL; /* still in use: its last release closes it */
  pthread_mutex_unlock(&l->mutex);
  if (old) drop(old);
  *snap = fresh;
  *index = fresh->index;
  return KZ_OK;
}

void srv_live_release(srv_live *l, srv_snapshot *s) {
  if (!s) return;
  pthread_mutex_lock(&l->mutex);
  int last = --s->refs == 0;
  pthread_mutex_unlock(&l->mutex);
  if (last) drop(s);
}

unsigned long srv_live_opened(srv_live *l) {
  pthread_mutex_lock(&l->mutex);
  unsigned long n = l->opened;
  pthread_mutex_unlock(&l->mutex);
  return n;
}

void srv_live_free(srv_live *l) {
  if (!l) return;
  if (l->current) srv_live_release(l, l->current);
  pthread_mutex_destroy(&l->mutex);
  free(l->path);
  free(l->manifest);
  free(l);
}
