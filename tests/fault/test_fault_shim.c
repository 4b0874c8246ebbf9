/*
 * test_fault_shim.c - tests of the fault shim itself (fault_shim.c), so that
 * a crash_faults.sh run that passes means the faults really happened.
 *
 * The program re-runs itself as a child ("--child DIR OUTSIDE") with
 * LD_PRELOAD=$KZ_SHIM and the KZ_FAULT_* variables of each test. The child
 * does a fixed script of file operations, eight of them inside DIR:
 *   create a, write a, fsync a, write a, create b, pwrite b, rename b -> c,
 *   fsync DIR
 * plus a create and a write in OUTSIDE, which must not count, and prints
 * one word per operation ("ok", the errno name, or "-" when an earlier
 * failure left nothing to operate on) on stdout. The parent
 * checks those words, the exit status, the count file and the files left.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kz_test.h"
#include "kz_test_fs.h"

/* ---- the child --------------------------------------------------------- */

static const char *word(int ok) {
  if (ok) return "ok";
  return errno == EIO ? "EIO" : errno == ENOSPC ? "ENOSPC" : "other";
}

static int child(const char *dir, const char *outside) {
  char a[4096], b[4096], c[4096], o[4096];
  snprintf(a, sizeof a, "%s/a", dir);
  snprintf(b, sizeof b, "%s/b", dir);
  snprintf(c, sizeof c, "%s/c", dir);
  snprintf(o, sizeof o, "%s/o", outside);
  setvbuf(stdout, NULL, _IONBF, 0); /* a simulated crash must not lose the words */
  int fo = open(o, O_WRONLY | O_CREAT | O_TRUNC, 0644); /* not counted */
  if (fo >= 0 && write(fo, "outside", 7) != 7) return 3;
  int fa = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  printf("%s ", word(fa >= 0));
  printf("%s ", fa < 0 ? "-" : word(write(fa, "hello", 5) == 5));
  printf("%s ", fa < 0 ? "-" : word(fsync(fa) == 0));
  printf("%s ", fa < 0 ? "-" : word(write(fa, "world", 5) == 5));
  int fb = open(b, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  printf("%s ", word(fb >= 0));
  printf("%s ", fb < 0 ? "-" : word(pwrite(fb, "x", 1, 0) == 1));
  printf("%s ", word(rename(b, c) == 0));
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  printf("%s\n", word(fd >= 0 && fsync(fd) == 0));
  fflush(stdout);
  if (fo >= 0) close(fo);
  if (fa >= 0) close(fa);
  if (fb >= 0) close(fb);
  if (fd >= 0) close(fd);
  return 0;
}

/* ---- the parent -------------------------------------------------------- */

static char self[4096];

typedef struct run_result {
  int status;       /* exit status, or -1 */
  char words[256];  /* the child's stdout */
  char count[512];  /* the count file */
  char dir[128], outside[128];
} run_result;

static void read_file(const char *path, char *out, size_t size) {
  out[0] = 0;
  FILE *f = fopen(path, "r");
  if (!f) return;
  size_t n = fread(out, 1, size - 1, f);
  out[n] = 0;
  fclose(f);
}

/* Runs the child script under the shim; op/n/mode may be NULL (count only). */
static int run(run_result *r, const char *op, const char *n, const char *mode) {
  memset(r, 0, sizeof *r);
  r->status = -1;
  if (!kz_test_make_temp_dir(r->dir, sizeof r->dir, "kz_fault_shim") ||
      !kz_test_make_temp_dir(r->outside, sizeof r->outside, "kz_fault_out"))
    return -1;
  char count_file[256];
  snprintf(count_file, sizeof count_file, "%s/count", r->outside);
  int out[2];
  if (pipe(out) != 0) return -1;
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    setenv("LD_PRELOAD", getenv("KZ_SHIM"), 1);
    setenv("KZ_FAULT_DIR", r->dir, 1);
    setenv("KZ_FAULT_COUNT_FILE", count_file, 1);
    if (op) setenv("KZ_FAULT_OP", op, 1);
    if (n) setenv("KZ_FAULT_N", n, 1);
    if (mode) setenv("KZ_FAULT_MODE", mode, 1);
    execl(self, self, "--child", r->dir, r->outside, (char *)NULL);
    _exit(127);
  }
  close(out[1]);
  size_t len = 0;
  ssize_t got;
  while ((got = read(out[0], r->words + len, sizeof r->words - 1 - len)) > 0) len += (size_t)got;
  r->words[len] = 0;
  close(out[0]);
  int status;
  if (waitpid(pid, &status, 0) == pid && WIFEXITED(status)) r->status = WEXITSTATUS(status);
  read_file(count_file, r->count, sizeof r->count);
  return 0;
}

static long file_size(const char *dir, const char *name) {
  char path[256];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void cleanup(const run_result *r) {
  kz_test_remove_tree(r->dir);
  kz_test_remove_tree(r->outside);
}

static void test_fault_shim__counts_only_operations_inside_the_directory(void) {
  run_result r;
  CHECK(run(&r, NULL, NULL, NULL) == 0);
  cleanup(&r);
  CHECK_EQ_INT(r.status, 0);
  CHECK_EQ_STR(r.words, "ok ok ok ok ok ok ok ok\n");
  CHECK_EQ_STR(r.count, "any=8 write=3 fsync=2 rename=1 create=2\n");
}

static void test_fault_shim__eio_fails_the_nth_write_once(void) {
  run_result r;
  CHECK(run(&r, "write", "2", "eio") == 0);
  long a = file_size(r.dir, "a");
  cleanup(&r);
  CHECK_EQ_INT(r.status, 0);
  CHECK_EQ_STR(r.words, "ok ok ok EIO ok ok ok ok\n");
  CHECK(strstr(r.count, "\ninjected eio write renames=0 ") != NULL);
  CHECK_EQ_INT(a, 5);
}

static void test_fault_shim__enospc_persist_fails_every_later_operation(void) {
  run_result r;
  CHECK(run(&r, "any", "6", "enospc-persist") == 0);
  cleanup(&r);
  CHECK_EQ_STR(r.words, "ok ok ok ok ok ENOSPC ENOSPC ENOSPC\n");
}

static void test_fault_shim__create_and_fsync_are_counted_by_kind(void) {
  run_result r;
  CHECK(run(&r, "create", "2", "enospc") == 0);
  cleanup(&r);
  /* b cannot be created, so there is nothing to pwrite and its rename fails (ENOENT). */
  CHECK_EQ_STR(r.words, "ok ok ok ok ENOSPC - other ok\n");
  CHECK(run(&r, "fsync", "2", "eio") == 0);
  cleanup(&r);
  CHECK_EQ_STR(r.words, "ok ok ok ok ok ok ok EIO\n");
  CHECK(strstr(r.count, "\ninjected eio fsync renames=1 ") != NULL); /* after b -> c */
}

static void test_fault_shim__crash_exits_before_the_operation(void) {
  run_result r;
  CHECK(run(&r, "rename", "1", "crash") == 0);
  long b = file_size(r.dir, "b"), c = file_size(r.dir, "c"), a = file_size(r.dir, "a");
  cleanup(&r);
  CHECK_EQ_INT(r.status, 99);
  CHECK_EQ_STR(r.words, "ok ok ok ok ok ok "); /* the rename never printed */
  CHECK_EQ_INT(b, 1);
  CHECK_EQ_INT(c, -1);
  CHECK_EQ_INT(a, 10); /* a crash keeps what the process wrote */
  CHECK(strstr(r.count, "any=7 ") == r.count);
  CHECK(strstr(r.count, "\ninjected crash rename renames=0 ") != NULL);
}

static void test_fault_shim__powerloss_drops_what_was_not_fsynced(void) {
  run_result r;
  CHECK(run(&r, "any", "8", "powerloss") == 0);
  long a = file_size(r.dir, "a"), c = file_size(r.dir, "c");
  cleanup(&r);
  CHECK_EQ_INT(r.status, 99);
  CHECK_EQ_INT(a, 5); /* "world" came after the fsync */
  CHECK_EQ_INT(c, 0); /* never fsynced, renamed or not */
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "--child") == 0) return child(argv[2], argv[3]);
  if (getenv("KZ_SANITIZED") && strcmp(getenv("KZ_SANITIZED"), "0") != 0) {
    fprintf(stderr, "skip: the LD_PRELOAD fault shim cannot run under ASan\n");
    return 77;
  }
  const char *shim = getenv("KZ_SHIM");
  if (!shim || !*shim || access(shim, R_OK) != 0) {
    fprintf(stderr, "skip: KZ_SHIM does not name libkzfault.so\n");
    return 77;
  }
  ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  if (len <= 0) {
    fprintf(stderr, "skip: cannot find this program (/proc/self/exe)\n");
    return 77;
  }
  self[len] = 0;
  static const kz_test_case cases[] = {
      KZ_TEST(test_fault_shim__counts_only_operations_inside_the_directory),
      KZ_TEST(test_fault_shim__eio_fails_the_nth_write_once),
      KZ_TEST(test_fault_shim__enospc_persist_fails_every_later_operation),
      KZ_TEST(test_fault_shim__create_and_fsync_are_counted_by_kind),
      KZ_TEST(test_fault_shim__crash_exits_before_the_operation),
      KZ_TEST(test_fault_shim__powerloss_drops_what_was_not_fsynced),
  };
  return kz_test_run(cases, sizeof cases / sizeof cases[0], argc, argv);
}
