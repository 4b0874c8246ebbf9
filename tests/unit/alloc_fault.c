/*
 * alloc_fault.c - the failing allocator and the runner of the allocation
 * failure tests (test_alloc_failure*.c; see alloc_fault.h): every
 * allocation kzsearch makes is made to fail, one at a time, and every public
 * call must survive it: return KZ_OK or a negative kz_status (KZ_ERR_NOMEM),
 * never crash, leak nothing and never damage the committed index (SQLite's
 * fts5fault*.test, in C).
 *
 * How: the executable is linked with -Wl,--wrap=malloc,... (see the block
 * in tests/CMakeLists.txt), so every malloc, calloc, realloc, strdup and
 * strndup made by the library's objects (linked in from the static library),
 * the constructors of the third-party objects it creates (xxHash state,
 * Snowball stemmer, json-c tokener, zstd stream) and its pthread_create go
 * through the wrappers below. Calls made inside libc, json-c, zstd or
 * libstemmer themselves are not wrapped. While armed, the wrappers count
 * allocations, each thread apart (the writer indexes on threads of its own),
 * and fail exactly the Nth one of one thread (NULL, errno ENOMEM).
 *
 * Each scenario runs once armed with no failure to count its allocations
 * and record its results, then once for every allocation of every thread,
 * failing it. Each run checks every status, disarms, verifies the index on
 * disk where the scenario writes, and checks for leaks: wrapped blocks
 * allocated minus blocks freed must come back to where they were; under
 * AddressSanitizer LeakSanitizer also checks after each scenario (after each
 * run with KZ_FAULT_FORK=1, which runs each in a forked child so that a leak
 * or a crash is attributed to its run).
 *
 * Each scenario runs once armed with no failure to count its allocations
 * and record its results, then once for every allocation of every thread,
 * failing it. Each run checks every status, disarms, and checks for leaks:
 * wrapped blocks allocated minus blocks freed must come back to where they
 * were; under AddressSanitizer LeakSanitizer also checks after each scenario
 * (after each run with KZ_FAULT_FORK=1, which runs each in a forked child
 * so that a leak or a crash is attributed to its run).
 *
 * Debugging: KZ_FAULT_N=17 runs only N = 17 of the test's thread, KZ_FAULT_N=1:17
 * that of the library's first thread; KZ_FAULT_TRACE=1 prints a backtrace
 * where the failure is injected (resolve with addr2line -e).
 *
 * Owns: the fault counters, the test's only mutable file-scope state (the
 * library sees none of it), and the scenario's verdict (g_bad and where).
 */
#include "alloc_fault.h"

#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kzsearch.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#define HAVE_LSAN 1
#else
#define HAVE_LSAN 0
#endif

/* Failures printed per scenario (all are counted). */
#define MAX_REPORTED 10

/* ======================================================================== */
/* The failing allocator                                                    */
/* ======================================================================== */

/*
 * The library indexes on threads of its own (indexer/workers.c), so the
 * allocations of one run interleave differently every time. Each thread
 * therefore counts its own: thread 0 is the test's, thread k the k-th one the
 * library started in this run (pthread_create is wrapped to number them), and
 * a run fails the Nth allocation of one thread. A thread's own sequence of
 * allocations does not depend on timing, except where the library itself
 * lets timing decide (which worker records a finished segment first); a run
 * whose thread made fewer than N allocations is counted as "not reached".
 */
#define MAX_THREADS 16

typedef struct fault_state {
  atomic_int armed;
  atomic_uint_fast64_t count[MAX_THREADS]; /* allocations seen while armed, per thread */
  atomic_uint threads;          /* threads the library started since arm() */
  unsigned fail_thread;         /* the thread whose allocation fails */
  uint64_t fail_at;             /* that thread's allocation to fail, 1-based; 0 = none */
  int persistent;               /* from then on every allocation of every thread fails */
  atomic_int tripped;           /* the persistent failure has begun */
  atomic_uint_fast64_t injected; /* failures returned */
  atomic_llong live;            /* blocks from wrapped allocations minus wrapped frees */
  int trace;                    /* print a backtrace at each injected failure */
} fault_state;

static fault_state g_fault;
static _Thread_local unsigned t_thread; /* this thread's number (0: the test's) */

static int inject(void) {
  if (!atomic_load(&g_fault.armed)) return 0;
  unsigned t = t_thread;
  uint64_t c = atomic_fetch_add(&g_fault.count[t], 1) + 1;
  int fail = atomic_load(&g_fault.tripped) || (g_fault.fail_at && t == g_fault.fail_thread && c == g_fault.fail_at);
  if (!fail) return 0;
  if (g_fault.persistent) atomic_store(&g_fault.tripped, 1);
  atomic_fetch_add(&g_fault.injected, 1);
  if (g_fault.trace) { /* KZ_FAULT_TRACE=1: where each failure is injected (addr2line -e ...) */
    void *frames[32];
    backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
  }
  errno = ENOMEM;
  return 1;
}

/* Arms for a run failing allocation `fail_at` (0: none) of thread `fail_thread`. */
static void arm(unsigned fail_thread, uint64_t fail_at) {
  for (int t = 0; t < MAX_THREADS; t++) atomic_store(&g_fault.count[t], 0);
  atomic_store(&g_fault.threads, 0);
  atomic_store(&g_fault.injected, 0);
  atomic_store(&g_fault.tripped, 0);
  g_fault.fail_thread = fail_thread;
  g_fault.fail_at = fail_at;
  atomic_store(&g_fault.armed, 1);
}

void disarm(void) { atomic_store(&g_fault.armed, 0); }

void rearm(void) { atomic_store(&g_fault.armed, 1); }

/* The linker's names: __real_X is the original, __wrap_X replaces every call to X. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void __real_free(void *p);
void *__real_XXH64_createState(void);
void *__real_sb_stemmer_new(const char *algorithm, const char *charenc);
void *__real_json_tokener_new(void);
void *__real_ZSTD_createDStream(void);
int __real_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
                          void *arg);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
void __wrap_free(void *p);
void *__wrap_XXH64_createState(void);
void *__wrap_sb_stemmer_new(const char *algorithm, const char *charenc);
void *__wrap_json_tokener_new(void);
void *__wrap_ZSTD_createDStream(void);
int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
                          void *arg);

static void *counted(void *p) {
  if (p) atomic_fetch_add(&g_fault.live, 1);
  return p;
}

void *__wrap_malloc(size_t n) { return inject() ? NULL : counted(__real_malloc(n)); }
void *__wrap_calloc(size_t n, size_t size) { return inject() ? NULL : counted(__real_calloc(n, size)); }
char *__wrap_strdup(const char *s) { return inject() ? NULL : counted(__real_strdup(s)); }
char *__wrap_strndup(const char *s, size_t n) { return inject() ? NULL : counted(__real_strndup(s, n)); }

void *__wrap_realloc(void *p, size_t n) {
  if (inject()) return NULL;
  void *q = __real_realloc(p, n);
  if (!p) return counted(q);
  if (!q && n == 0) atomic_fetch_sub(&g_fault.live, 1); /* glibc's realloc(p, 0) frees p */
  return q;
}

void __wrap_free(void *p) {
  if (p) atomic_fetch_sub(&g_fault.live, 1);
  __real_free(p);
}

/* Third-party objects: failed like allocations, not counted as blocks (their own free releases them). */
void *__wrap_XXH64_createState(void) { return inject() ? NULL : __real_XXH64_createState(); }
void *__wrap_sb_stemmer_new(const char *algorithm, const char *charenc) {
  return inject() ? NULL : __real_sb_stemmer_new(algorithm, charenc);
}
void *__wrap_json_tokener_new(void) { return inject() ? NULL : __real_json_tokener_new(); }
void *__wrap_ZSTD_createDStream(void) { return inject() ? NULL : __real_ZSTD_createDStream(); }

/* A thread the library starts: numbered in start order, and its start can fail like an allocation. */
typedef struct thread_start {
  void *(*fn)(void *);
  void *arg;
  unsigned number;
} thread_start;

static void *numbered_thread(void *p) {
  thread_start ts = *(thread_start *)p;
  __real_free(p);
  t_thread = ts.number < MAX_THREADS ? ts.number : MAX_THREADS - 1;
  return ts.fn(ts.arg);
}

int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
                          void *arg) {
  if (inject()) return EAGAIN;
  thread_start *ts = __real_malloc(sizeof *ts); /* the test's, not counted */
  if (!ts) return EAGAIN;
  *ts = (thread_start){fn, arg, atomic_fetch_add(&g_fault.threads, 1) + 1};
  int rc = __real_pthread_create(thread, attr, numbered_thread, ts);
  if (rc) __real_free(ts);
  return rc;
}

int g_bad;
uint64_t g_n;
unsigned g_thread;
const char *g_scenario = "";


/*
 * A status is acceptable when it is KZ_OK, or KZ_ERR_NOMEM while failures are
 * being injected (nothing else may fail here: the inputs are all valid).
 */
int status_ok(const char *call, int rc, const kz_error *err) {
  if (rc == KZ_OK) return 1;
  if (rc == KZ_ERR_NOMEM && g_n) return 0;
  BAD("%s returned %d (%s): %s", call, rc, kz_strerror(rc), err ? err->message : "");
  return 0;
}

/* ======================================================================== */
/* The runner                                                               */
/* ======================================================================== */

/*
 * The end of a run (counting or failing): no leak, and the failure was
 * injected. @return 0, or 1 when the failing thread made fewer allocations
 * this time (timing decided; the run then tested nothing).
 */
static int finish_run(long long live_before, int leak_check) {
  disarm();
  uint64_t injected = atomic_load(&g_fault.injected);
  if (atomic_load(&g_fault.live) != live_before)
    BAD("%lld blocks leaked", (long long)(atomic_load(&g_fault.live) - live_before));
#if HAVE_LSAN
  if (leak_check && __lsan_do_recoverable_leak_check()) BAD("LeakSanitizer found leaks");
#else
  (void)leak_check;
#endif
  if (g_n && !g_fault.persistent && injected > 1) BAD("%llu failures injected", (unsigned long long)injected);
  return g_n && injected == 0;
}

/* A crash names the run it happened in. */
static void say_where(void) {
  char msg[200];
  int len = snprintf(msg, sizeof msg,
                     "\ncrashed in scenario %s, thread %u, N=%llu (rerun with KZ_FAULT_N=%u:%llu)\n",
                     g_scenario, g_thread, (unsigned long long)g_n, g_thread, (unsigned long long)g_n);
  if (len > 0 && write(2, msg, (size_t)len) < 0) {
  }
}

#if !defined(__SANITIZE_ADDRESS__)
static void on_fatal_signal(int sig) {
  say_where();
  signal(sig, SIG_DFL);
  raise(sig);
}
#endif

typedef struct run_result {
  int failed, unreached;
} run_result;

/* One run failing allocation n of thread t, in this process. */
static run_result run_here(unsigned t, uint64_t n, void (*run)(void)) {
  g_thread = t;
  g_n = n;
  g_bad = 0;
  long long live = atomic_load(&g_fault.live);
  arm(t, n);
  run();
  int unreached = finish_run(live, 0);
  return (run_result){g_bad, unreached};
}

/* The same in a forked child, whose LeakSanitizer check names this run. */
static run_result run_forked(unsigned t, uint64_t n, void (*run)(void)) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return (run_result){1, 0};
  }
  if (pid == 0) {
    g_thread = t;
    g_n = n;
    g_bad = 0;
    long long live = atomic_load(&g_fault.live);
    arm(t, n);
    run();
    int unreached = finish_run(live, 1);
    fflush(stderr);
    _exit(g_bad ? 1 : unreached ? 2 : 0);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) <= 2)
    return (run_result){WEXITSTATUS(status) == 1, WEXITSTATUS(status) == 2};
  fprintf(stderr, "scenario %s, thread %u, N=%llu: killed by signal %d\n", g_scenario, t,
          (unsigned long long)n, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return (run_result){1, 0};
}

/*
 * Runs `run` once to count each thread's allocations, then once for every
 * allocation of every thread, failing it: in this process (fast; wrapped
 * blocks are counted per run, and LeakSanitizer checks once per scenario),
 * or with KZ_FAULT_FORK=1 each in a forked child (LeakSanitizer per run, so
 * any leak is attributed to its run). KZ_FAULT_N=T:N (or N for thread 0)
 * runs only that one. @return failed runs; *tried gets the number of runs.
 */
uint64_t run_faults(const char *name, int persistent, int (*prepare)(void), void (*run)(void),
                    uint64_t *tried) {
  g_scenario = name;
  g_fault.persistent = persistent;
  g_thread = 0;
  g_n = 0;
  g_bad = 0;
  *tried = 0;
  if (prepare()) {
    fprintf(stderr, "scenario %s: cannot prepare\n", name);
    return 1;
  }
  const char *trace = getenv("KZ_FAULT_TRACE");
  g_fault.trace = trace && *trace && *trace != '0';
  long long live = atomic_load(&g_fault.live);
  arm(0, 0);
  run();
  uint64_t count[MAX_THREADS], total = 0;
  unsigned threads = atomic_load(&g_fault.threads) + 1;
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  unsigned busy = 0;
  for (unsigned t = 0; t < threads; t++) {
    total += count[t] = atomic_load(&g_fault.count[t]);
    busy += count[t] > 0;
  }
  finish_run(live, 1);
  if (g_bad) return 1; /* the scenario fails without any injected failure */

  unsigned only_t = 0;
  unsigned long long only_n = 0;
  const char *only = getenv("KZ_FAULT_N");
  if (only && *only && sscanf(only, "%u:%llu", &only_t, &only_n) != 2) {
    only_t = 0;
    only_n = strtoull(only, NULL, 10);
  }
  const char *fork_env = getenv("KZ_FAULT_FORK");
  int forked = fork_env && *fork_env && *fork_env != '0';
  uint64_t failed = 0, unreached = 0;
  for (unsigned t = 0; t < threads; t++) {
    for (uint64_t n = 1; n <= count[t] && failed < MAX_REPORTED; n++) {
      if (only_n && (t != only_t || n != only_n)) continue;
      if (prepare()) {
        fprintf(stderr, "scenario %s: cannot prepare\n", name);
        return failed + 1;
      }
      (*tried)++;
      run_result r = forked ? run_forked(t, n, run) : run_here(t, n, run);
      failed += (uint64_t)r.failed;
      unreached += (uint64_t)r.unreached;
    }
  }
  g_thread = 0;
  g_n = 0;
#if HAVE_LSAN
  if (!forked && __lsan_do_recoverable_leak_check()) {
    fprintf(stderr, "scenario %s: LeakSanitizer found leaks (KZ_FAULT_FORK=1 names the run)\n", name);
    failed++;
  }
#endif
  printf("scenario %s%s: %llu allocations on %u thread(s), %llu runs, %llu failed, %llu not reached\n",
         name, persistent ? " (every allocation from the Nth on fails)" : "",
         (unsigned long long)total, busy, (unsigned long long)*tried, (unsigned long long)failed,
         (unsigned long long)unreached);
  return failed;
}

void report_crashes(void) {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_set_death_callback(say_where);
#else
  signal(SIGSEGV, on_fatal_signal);
  signal(SIGBUS, on_fatal_signal);
  signal(SIGABRT, on_fatal_signal);
  signal(SIGFPE, on_fatal_signal);
#endif
}
