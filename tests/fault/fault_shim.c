/*
 * fault_shim.c - libkzfault.so, an LD_PRELOAD library that makes one chosen
 * file operation of a process fail or kill it, for the crash and fault tests
 * (tests/integration/crash_faults.sh, docs/RELIABILITY.md).
 *
 * It wraps write, pwrite, fsync, fdatasync, rename(at) and the open family,
 * calling the real functions through dlsym(RTLD_NEXT). Only operations inside
 * the directory KZ_FAULT_DIR count: paths whose parent is that directory (or
 * that name it), and file descriptors opened on such paths, which the shim
 * tracks from open to close. The counted kinds are
 *   write   write, pwrite (pwrite64)
 *   fsync   fsync, fdatasync (on a file or on the directory itself)
 *   rename  rename, renameat, renameat2 (either name inside the directory)
 *   create  open, openat, creat with O_CREAT
 * and "any" counts them all in one sequence.
 *
 * Environment (all optional; without KZ_FAULT_DIR the shim only forwards):
 *   KZ_FAULT_DIR         the directory whose operations count
 *   KZ_FAULT_OP          write | fsync | rename | create | any (default any)
 *   KZ_FAULT_N           the 1-based number of the counted operation of
 *                        that kind to hit (0 or unset: count only)
 *   KZ_FAULT_MODE        crash          _exit(99) instead of performing it
 *                        powerloss      like crash, but first every file the
 *                                       process wrote in the directory loses
 *                                       what it did not fsync (cut back to
 *                                       its size at its last fsync, 0 if
 *                                       never): what a power cut may do
 *                        eio            fail it once with EIO
 *                        enospc         fail it once with ENOSPC
 *                        enospc-persist fail it and every later counted
 *                                       operation with ENOSPC (a full disk)
 *   KZ_FAULT_COUNT_FILE  at exit (and just before a simulated crash) gets
 *                        "any=N write=N fsync=N rename=N create=N" and, when
 *                        a fault was injected, a second line
 *                        "injected MODE CALL renames=R PATH": R renames in
 *                        the directory had succeeded before (R > 0: a commit
 *                        may already be in place), PATH is the file or
 *                        directory the operation was on, or "?".
 *
 * Global state is unavoidable here: the wrapped functions have the libc
 * signatures and no context. A mutex serialises the counting, so a program
 * with several writing threads gets a consistent count (the order of their
 * operations, and so which one is the Nth, may differ from run to run). The
 * shim is never linked into the library.
 *
 * Invariant: a wrapper that does not inject a fault behaves exactly as the
 * real function, errno included.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* The shim's own symbols are the wrappers; these prototypes keep
 * -Wmissing-prototypes quiet for the ones libc headers may not declare. */
int open64(const char *path, int flags, ...);
int openat64(int dirfd, const char *path, int flags, ...);
int creat64(const char *path, mode_t mode);
ssize_t pwrite64(int fd, const void *buf, size_t n, off_t offset);
int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
              unsigned int flags);

enum kind { K_WRITE, K_FSYNC, K_RENAME, K_CREATE, K_COUNT };
static const char *const kind_names[K_COUNT] = {"write", "fsync", "rename", "create"};

enum mode { M_NONE, M_CRASH, M_POWERLOSS, M_EIO, M_ENOSPC, M_ENOSPC_PERSIST };

#define MAX_FDS 4096      /* descriptors above this are never tracked */
#define MAX_WRITTEN 1024  /* files remembered for powerloss */

/* A file this process wrote in the directory: its size at the last fsync. */
typedef struct written_file {
  dev_t dev;
  ino_t ino;
  off_t synced_bytes;
  int dirty; /* written since the last fsync */
} written_file;

static struct {
  int active;      /* KZ_FAULT_DIR is set and exists */
  char dir[PATH_MAX];
  int op;          /* a kind, or K_COUNT for "any" */
  unsigned long n; /* 0: never fire */
  int mode;
  const char *count_file;
  unsigned long counts[K_COUNT];
  unsigned long any;
  unsigned long renames_done; /* renames in the directory that succeeded */
  int fired;
  int persist;     /* enospc-persist has fired: every later counted operation fails */
  char injected[PATH_MAX + 64];
  unsigned char tracked[MAX_FDS];
  written_file written[MAX_WRITTEN];
  size_t n_written;
} S;

static pthread_once_t configured = PTHREAD_ONCE_INIT;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;

/* ---- the real functions ------------------------------------------------ */

typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);
typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef int (*fd_fn)(int);
typedef int (*rename_fn)(const char *, const char *);
typedef int (*renameat_fn)(int, const char *, int, const char *);
typedef int (*renameat2_fn)(int, const char *, int, const char *, unsigned int);

static void *real(const char *name) {
  void *f = dlsym(RTLD_NEXT, name);
  if (!f) {
    static const char msg[] = "libkzfault: a wrapped function is missing from libc\n";
    ssize_t ignored = ((write_fn)dlsym(RTLD_NEXT, "write"))(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(98);
  }
  return f;
}
#define REAL(type, name) ((type)real(name))

/* ---- configuration and reporting --------------------------------------- */

static void configure_once(void) {
  S.op = K_COUNT;
  const char *dir = getenv("KZ_FAULT_DIR");
  const char *op = getenv("KZ_FAULT_OP");
  const char *n = getenv("KZ_FAULT_N");
  const char *mode = getenv("KZ_FAULT_MODE");
  S.count_file = getenv("KZ_FAULT_COUNT_FILE");
  if (op) {
    for (int k = 0; k < K_COUNT; k++)
      if (strcmp(op, kind_names[k]) == 0) S.op = k;
  }
  S.n = n ? strtoul(n, NULL, 10) : 0;
  if (!mode || strcmp(mode, "crash") == 0) S.mode = M_CRASH;
  else if (strcmp(mode, "powerloss") == 0) S.mode = M_POWERLOSS;
  else if (strcmp(mode, "eio") == 0) S.mode = M_EIO;
  else if (strcmp(mode, "enospc") == 0) S.mode = M_ENOSPC;
  else if (strcmp(mode, "enospc-persist") == 0) S.mode = M_ENOSPC_PERSIST;
  else S.mode = M_NONE;
  if (dir && realpath(dir, S.dir)) S.active = 1;
}

static void configure(void) { pthread_once(&configured, configure_once); }

static void report(void) {
  if (!S.count_file) return;
  int fd = REAL(open_fn, "open")(S.count_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  char line[sizeof S.injected + 160];
  int len = snprintf(line, sizeof line, "any=%lu write=%lu fsync=%lu rename=%lu create=%lu\n%s",
                     S.any, S.counts[K_WRITE], S.counts[K_FSYNC], S.counts[K_RENAME],
                     S.counts[K_CREATE], S.injected);
  if (len > (int)sizeof line - 1) len = (int)sizeof line - 1;
  ssize_t ignored = REAL(write_fn, "write")(fd, line, (size_t)len);
  (void)ignored;
  REAL(fd_fn, "close")(fd);
}

__attribute__((destructor)) static void at_exit_report(void) {
  configure();
  pthread_mutex_lock(&mutex);
  if (S.active) report();
  pthread_mutex_unlock(&mutex);
}

/* ---- which operations count -------------------------------------------- */

/* "name" of `path` resolved against `dirfd` lies in the directory (or is it). */
static int path_inside(int dirfd, const char *path) {
  if (!path || !*path) return 0;
  char full[PATH_MAX * 2];
  if (path[0] == '/') {
    snprintf(full, sizeof full, "%s", path);
  } else {
    char base[PATH_MAX];
    if (dirfd == AT_FDCWD) {
      if (!getcwd(base, sizeof base)) return 0;
    } else {
      char link[64];
      snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
      ssize_t len = readlink(link, base, sizeof base - 1);
      if (len <= 0) return 0;
      base[len] = 0;
    }
    snprintf(full, sizeof full, "%s/%s", base, path);
  }
  size_t len = strlen(full);
  while (len > 1 && full[len - 1] == '/') full[--len] = 0;
  char resolved[PATH_MAX];
  if (realpath(full, resolved) && strcmp(resolved, S.dir) == 0) return 1;
  char *slash = strrchr(full, '/');
  if (!slash) return 0;
  if (slash == full) {
    full[1] = 0;
  } else {
    *slash = 0;
  }
  return realpath(full, resolved) && strcmp(resolved, S.dir) == 0;
}

static int fd_tracked(int fd) { return S.active && fd >= 0 && fd < MAX_FDS && S.tracked[fd]; }

/* The path a tracked descriptor is on, for the report. */
static void fd_path(int fd, char *out, size_t size) {
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t len = readlink(link, out, size - 1);
  if (len < 0) len = 0;
  out[len] = 0;
  if (!len) snprintf(out, size, "?");
}

/* ---- powerloss: what was written and synced ---------------------------- */

static written_file *written_entry(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return NULL;
  for (size_t i = 0; i < S.n_written; i++)
    if (S.written[i].dev == st.st_dev && S.written[i].ino == st.st_ino) return &S.written[i];
  if (S.n_written == MAX_WRITTEN) return NULL;
  written_file *w = &S.written[S.n_written++];
  w->dev = st.st_dev;
  w->ino = st.st_ino;
  w->synced_bytes = 0;
  w->dirty = 1;
  return w;
}

static void note_write(int fd) {
  pthread_mutex_lock(&mutex);
  written_file *w = written_entry(fd);
  if (w) w->dirty = 1;
  pthread_mutex_unlock(&mutex);
}

static void note_sync(int fd) {
  struct stat st;
  pthread_mutex_lock(&mutex);
  written_file *w = written_entry(fd);
  if (w && fstat(fd, &st) == 0) {
    w->synced_bytes = st.st_size;
    w->dirty = 0;
  }
  pthread_mutex_unlock(&mutex);
}

/* Cuts every file of the directory that has unsynced writes back to its synced size. */
static void lose_unsynced(void) {
  DIR *d = opendir(S.dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    char path[PATH_MAX * 2];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", S.dir, e->d_name);
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
    for (size_t i = 0; i < S.n_written; i++) {
      written_file *w = &S.written[i];
      if (w->dev == st.st_dev && w->ino == st.st_ino && w->dirty && st.st_size > w->synced_bytes) {
        if (truncate(path, w->synced_bytes) != 0) { /* best effort: the test reports damage */
        }
      }
    }
  }
  closedir(d);
}

/* ---- the decision ------------------------------------------------------ */

/*
 * Counts one operation of `kind` on `what` and decides its fate (under the mutex).
 * @return 0 to perform it normally, or an errno value to fail it with.
 * Does not return when the mode is a crash.
 */
static int decide_locked(int kind, const char *call, const char *what) {
  S.any++;
  S.counts[kind]++;
  if (S.persist) return ENOSPC;
  unsigned long seen = S.op == K_COUNT ? S.any : S.op == kind ? S.counts[kind] : 0;
  if (S.fired || S.n == 0 || seen != S.n || S.mode == M_NONE) return 0;
  S.fired = 1;
  static const char *const mode_names[] = {"none", "crash", "powerloss", "eio", "enospc",
                                           "enospc-persist"};
  snprintf(S.injected, sizeof S.injected, "injected %s %s renames=%lu %s\n", mode_names[S.mode],
           call, S.renames_done, what && *what ? what : "?");
  switch (S.mode) {
    case M_POWERLOSS: lose_unsynced(); /* fall through */
    case M_CRASH: report(); _exit(99);
    case M_EIO: return EIO;
    case M_ENOSPC: return ENOSPC;
    case M_ENOSPC_PERSIST: S.persist = 1; return ENOSPC;
    default: return 0;
  }
}

static int decide(int kind, const char *call, const char *what) {
  pthread_mutex_lock(&mutex);
  int e = decide_locked(kind, call, what);
  pthread_mutex_unlock(&mutex);
  return e;
}

static int decide_fd(int kind, const char *call, int fd) {
  char path[PATH_MAX];
  fd_path(fd, path, sizeof path);
  return decide(kind, call, path);
}

static void track(int fd) {
  if (fd >= 0 && fd < MAX_FDS) S.tracked[fd] = 1;
}

/* ---- the open family --------------------------------------------------- */

static int open_common(int dirfd, const char *path, int flags, mode_t mode, int use_at,
                       const char *call) {
  configure();
  int inside = S.active && path_inside(dirfd, path);
  if (inside && (flags & O_CREAT)) {
    char full[PATH_MAX];
    snprintf(full, sizeof full, "%s", path);
    int e = decide(K_CREATE, call, full);
    if (e) {
      errno = e;
      return -1;
    }
  }
  int fd = use_at ? REAL(openat_fn, "openat")(dirfd, path, flags, mode)
                  : REAL(open_fn, "open")(path, flags, mode);
  if (fd >= 0 && fd < MAX_FDS) S.tracked[fd] = 0;
  if (fd >= 0 && inside) {
    track(fd);
    if ((flags & O_TRUNC) && S.mode == M_POWERLOSS) note_write(fd);
  }
  return fd;
}

static mode_t vmode(int flags, va_list ap) {
  return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = vmode(flags, ap);
  va_end(ap);
  return open_common(AT_FDCWD, path, flags, mode, 0, "open");
}

int open64(const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = vmode(flags, ap);
  va_end(ap);
  return open_common(AT_FDCWD, path, flags, mode, 0, "open64");
}

int openat(int dirfd, const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = vmode(flags, ap);
  va_end(ap);
  return open_common(dirfd, path, flags, mode, 1, "openat");
}

int openat64(int dirfd, const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = vmode(flags, ap);
  va_end(ap);
  return open_common(dirfd, path, flags, mode, 1, "openat64");
}

int creat(const char *path, mode_t mode) {
  return open_common(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode, 0, "creat");
}

int creat64(const char *path, mode_t mode) {
  return open_common(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode, 0, "creat64");
}

int close(int fd) {
  if (fd >= 0 && fd < MAX_FDS) S.tracked[fd] = 0;
  return REAL(fd_fn, "close")(fd);
}

/* ---- writes and syncs -------------------------------------------------- */

ssize_t write(int fd, const void *buf, size_t n) {
  configure();
  if (fd_tracked(fd)) {
    int e = decide_fd(K_WRITE, "write", fd);
    if (e) {
      errno = e;
      return -1;
    }
    if (S.mode == M_POWERLOSS) note_write(fd);
  }
  return REAL(write_fn, "write")(fd, buf, n);
}

static ssize_t pwrite_common(int fd, const void *buf, size_t n, off_t offset, const char *call) {
  configure();
  if (fd_tracked(fd)) {
    int e = decide_fd(K_WRITE, call, fd);
    if (e) {
      errno = e;
      return -1;
    }
    if (S.mode == M_POWERLOSS) note_write(fd);
  }
  return REAL(pwrite_fn, "pwrite")(fd, buf, n, offset);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t offset) {
  return pwrite_common(fd, buf, n, offset, "pwrite");
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t offset) {
  return pwrite_common(fd, buf, n, offset, "pwrite64");
}

static int sync_common(int fd, const char *call) {
  configure();
  if (fd_tracked(fd)) {
    int e = decide_fd(K_FSYNC, call, fd);
    if (e) {
      errno = e;
      return -1;
    }
  }
  int rc = REAL(fd_fn, call)(fd);
  if (rc == 0 && fd_tracked(fd) && S.mode == M_POWERLOSS) note_sync(fd);
  return rc;
}

int fsync(int fd) { return sync_common(fd, "fsync"); }
int fdatasync(int fd) { return sync_common(fd, "fdatasync"); }

/* ---- renames ----------------------------------------------------------- */

/* @return -1: not counted; 0: perform it (counted); else the errno to fail with. */
static int rename_decide(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
                         const char *call) {
  configure();
  if (!S.active) return -1;
  if (path_inside(olddirfd, oldpath)) return decide(K_RENAME, call, oldpath);
  if (path_inside(newdirfd, newpath)) return decide(K_RENAME, call, newpath);
  return -1;
}

/* Finishes a wrapped rename: fails it with `e`, or counts its success. */
static int rename_done(int e, int rc) {
  if (e > 0) {
    errno = e;
    return -1;
  }
  if (e == 0 && rc == 0) {
    pthread_mutex_lock(&mutex);
    S.renames_done++;
    pthread_mutex_unlock(&mutex);
  }
  return rc;
}

int rename(const char *oldpath, const char *newpath) {
  int e = rename_decide(AT_FDCWD, oldpath, AT_FDCWD, newpath, "rename");
  return rename_done(e, e > 0 ? -1 : REAL(rename_fn, "rename")(oldpath, newpath));
}

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
  int e = rename_decide(olddirfd, oldpath, newdirfd, newpath, "renameat");
  return rename_done(
      e, e > 0 ? -1 : REAL(renameat_fn, "renameat")(olddirfd, oldpath, newdirfd, newpath));
}

int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
              unsigned int flags) {
  int e = rename_decide(olddirfd, oldpath, newdirfd, newpath, "renameat2");
  return rename_done(e, e > 0 ? -1
                              : REAL(renameat2_fn, "renameat2")(olddirfd, oldpath, newdirfd,
                                                                newpath, flags));
}
