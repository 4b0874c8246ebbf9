/*
 * test_alloc_failure.c - every allocation kzsearch makes is made to fail,
 * one at a time, and every public call must survive it: return KZ_OK or a
 * negative kz_status (KZ_ERR_NOMEM), never crash, leak nothing and never
 * damage the committed index (SQLite's fts5fault*.test, in C).
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
 * Scenarios: (a) a writer on a fresh directory adds 30 documents and
 * commits; (b) a writer on a committed three-segment index adds 10 more and
 * commits: afterwards the index opens with the old or (only if the commit
 * said KZ_OK) the new document count and kz_index_check finds no problem;
 * (c) kz_index_open, kz_search with snippets (and pruned, explained),
 * kz_count, kz_index_stats_get and kz_index_check on a committed index: a
 * call that says KZ_OK (explanations included) must
 * give the same result as without failures; (d) kz_writer_add_path on the
 * bundled sample articles, then commit; (e) the same on a directory tree
 * (a .txt article that fills a batch alone, JSON Lines plain and
 * zstd-compressed in a subdirectory) by two indexing threads, each building
 * a segment, with `rebuild` over the committed index of (b); (f) on
 * an index of nine small segments, deletions, a replacement and additions
 * committed (so the merge policy merges ten segments), then more deletions
 * and kz_writer_compact: the index always holds one of the committed states;
 * (g) kz_writer_compact of the three-segment index of (b) stripped of its
 * simhash files (as written before fingerprints), so the merge fingerprints
 * every document from its stored text: the index is the old one or the
 * compacted one with the column. Every writing scenario writes the simhash,
 * alias and names tables of its segments, (d) with entries in the latter two.
 * (b), (e), (f) and (g) also run with every allocation from the Nth on
 * failing, so the cleanup after a failure fails too.
 *
 * Debugging: KZ_FAULT_N=17 runs only N = 17 of the test's thread, KZ_FAULT_N=1:17
 * that of the library's first thread; KZ_FAULT_TRACE=1 prints a backtrace
 * where the failure is injected (resolve with addr2line -e).
 * Fixtures live under $TMPDIR, else /dev/shm (thousands of commits fsync).
 *
 * Owns: one temporary directory (removed at exit). The fault counters are
 * the test's only mutable file-scope state; the library sees none of it.
 */
#include <dirent.h>
#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/compress.h"
#include "common/limits.h"
#include "format/file.h"
#include "format/manifest.h"
#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kz_test_fs.h"
#include "kzsearch.h"
#include "searcher/index.h"

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

static void disarm(void) { atomic_store(&g_fault.armed, 0); }

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

/* ======================================================================== */
/* Helpers                                                                  */
/* ======================================================================== */

/* Set by a scenario when something is wrong; the run then counts as failed. */
static int g_bad;
static uint64_t g_n;     /* the failing allocation of the current run (0: the counting run) */
static unsigned g_thread; /* ... of this thread */
static const char *g_scenario = "";

#define BAD(...)                                                        \
  do {                                                                  \
    fprintf(stderr, "scenario %s, thread %u, N=%llu: ", g_scenario, g_thread, (unsigned long long)g_n); \
    fprintf(stderr, __VA_ARGS__);                                       \
    fputc('\n', stderr);                                                \
    g_bad = 1;                                                          \
  } while (0)

/*
 * A status is acceptable when it is KZ_OK, or KZ_ERR_NOMEM while failures are
 * being injected (nothing else may fail here: the inputs are all valid).
 */
static int status_ok(const char *call, int rc, const kz_error *err) {
  if (rc == KZ_OK) return 1;
  if (rc == KZ_ERR_NOMEM && g_n) return 0;
  BAD("%s returned %d (%s): %s", call, rc, kz_strerror(rc), err ? err->message : "");
  return 0;
}

static const char *g_root; /* kz_test_scratch_root's, removed at exit */

/* Thousands of commits fsync their files: a tmpfs keeps that fast when TMPDIR is not set. */
static int make_root(void) { return (g_root = kz_test_scratch_root("kz_test_alloc", 1)) != NULL; }

/* Copies the regular files of `src` into a fresh `dst` (unarmed: the test's own I/O). */
static int copy_dir(const char *src, const char *dst) {
  kz_test_remove_tree(dst);
  if (mkdir(dst, 0755) != 0) return -1;
  DIR *d = opendir(src);
  if (!d) return -1;
  struct dirent *e;
  int rc = 0;
  while (!rc && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char from[1024], to[1024];
    snprintf(from, sizeof from, "%s/%s", src, e->d_name);
    snprintf(to, sizeof to, "%s/%s", dst, e->d_name);
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[8192];
    size_t n;
    rc = in && out ? 0 : -1;
    while (!rc && (n = fread(buf, 1, sizeof buf, in)) > 0)
      if (fwrite(buf, 1, n, out) != n) rc = -1;
    if (in) fclose(in);
    if (out && fclose(out) != 0) rc = -1;
  }
  closedir(d);
  return rc;
}

static const char *const kWords[] = {
    "astana",  "almaty", "steppe",  "nomad",  "oil",      "uranium",  "parliament", "president",
    "caspian", "border", "railway", "grain",  "protest",  "reform",   "tenge",      "pipeline",
    "river",   "horse",  "eagle",   "winter", "baikonur", "rocket",   "museum",     "history"};
#define N_WORDS (sizeof kWords / sizeof kWords[0])

/* Document `i` of a generated corpus (deterministic; every body holds "marker"). */
static void make_doc(int i, char *id, size_t id_size, char *title, size_t title_size, char *body,
                     size_t body_size, kz_document *d) {
  snprintf(id, id_size, "doc-%04d", i);
  snprintf(title, title_size, "%s %s", kWords[i % N_WORDS], kWords[(i * 7 + 3) % N_WORDS]);
  size_t len = (size_t)snprintf(body, body_size, "marker");
  uint64_t seed = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, seed);
  kz_test_append_words(&r, body, body_size, &len, kWords, N_WORDS, (size_t)(12 + i % 9));
  *d = (kz_document)KZ_DOCUMENT_INIT;
  d->id = id, d->id_len = strlen(id);
  d->title = title, d->title_len = strlen(title);
  d->body = body, d->body_len = strlen(body);
  d->date = "2022-01-05", d->date_len = 10;
}

/*
 * Adds documents [first, first + n) and commits. Every status is checked;
 * once one call failed, the writer must refuse the rest (commit included).
 * @return the commit's status (or the open's, when the writer did not open).
 */
static int write_docs(const char *dir, int first, int n) {
  kz_writer *w = NULL;
  kz_error err = {0};
  int rc = kz_writer_open(&w, dir, NULL, &err);
  if (!status_ok("kz_writer_open", rc, &err)) return rc ? rc : -100;
  int failed = 0;
  for (int i = first; i < first + n; i++) {
    char id[32], title[128], body[1024];
    kz_document d = KZ_DOCUMENT_INIT;
    make_doc(i, id, sizeof id, title, sizeof title, body, sizeof body, &d);
    rc = kz_writer_add(w, &d, &err);
    if (!status_ok("kz_writer_add", rc, &err)) failed = 1;
    else if (failed) BAD("kz_writer_add succeeded after an earlier failure");
  }
  rc = kz_writer_commit(w, &err);
  if (status_ok("kz_writer_commit", rc, &err) && failed)
    BAD("kz_writer_commit succeeded after a failed kz_writer_add");
  kz_writer_close(w);
  return rc;
}

/* Opens `dir` (unarmed) and @return its document count, or -1 when it does not open. */
static long long doc_count(const char *dir, int *open_rc) {
  kz_index *idx = NULL;
  kz_error err = {0};
  kz_index_stats st = KZ_INDEX_STATS_INIT;
  *open_rc = kz_index_open(&idx, dir, &err);
  if (*open_rc) return -1;
  long long n = kz_index_stats_get(idx, &st, &err) == KZ_OK ? (long long)st.documents : -1;
  kz_index_close(idx);
  return n;
}

static void count_problem(void *ctx, const char *file, const char *problem) {
  fprintf(stderr, "scenario %s, thread %u, N=%llu: kz_index_check: %s: %s\n", g_scenario, g_thread,
          (unsigned long long)g_n, file, problem);
  (*(int *)ctx)++;
}

/* Unarmed: the committed index at `dir` passes the full check. */
static void expect_clean(const char *dir) {
  kz_check_report rep = KZ_CHECK_REPORT_INIT;
  kz_error err = {0};
  int problems = 0;
  int rc = kz_index_check(dir, 1, count_problem, &problems, &rep, &err);
  if (rc) BAD("kz_index_check returned %d: %s", rc, err.message);
  else if (rep.problems) BAD("kz_index_check found %llu problems", (unsigned long long)rep.problems);
}

/* ======================================================================== */
/* Scenarios                                                                */
/* ======================================================================== */

static char g_work[300];     /* the directory a writer scenario writes */
static char g_template[300]; /* a committed index of 3 segments (30 documents) */
static char g_sample[1024];  /* data/kazakhstan/docs.jsonl */
static char g_tree[300];     /* the source tree of scenario (e) */
static char g_small[300];    /* a committed index of 9 segments of 3 documents */

#define A_DOCS 30
#define B_OLD_DOCS 30
#define B_NEW_DOCS 10

static int prepare_empty(void) {
  kz_test_remove_tree(g_work);
  return 0;
}

static int prepare_copy(void) { return copy_dir(g_template, g_work); }

static int prepare_nothing(void) { return 0; }

/* (a) A fresh index: nothing, or all 30 documents after a KZ_OK commit. */
static void scenario_a(void) {
  int rc = write_docs(g_work, 0, A_DOCS);
  disarm();
  int orc;
  long long n = doc_count(g_work, &orc);
  if (rc == KZ_OK) {
    if (n != A_DOCS) BAD("commit said KZ_OK, the index has %lld documents (open: %d)", n, orc);
    else expect_clean(g_work);
  } else if (orc == KZ_OK) {
    /* An index may exist only if a commit happened; there was exactly one. */
    BAD("commit failed (%d) but an index with %lld documents opens", rc, n);
  } else if (orc != KZ_ERR_NO_INDEX) {
    BAD("after a failed commit, kz_index_open says %d (%s), not KZ_ERR_NO_INDEX", orc,
        kz_strerror(orc));
  }
}

/* (b) A committed index: intact after any failure, extended only by a KZ_OK commit. */
static void scenario_b(void) {
  int rc = write_docs(g_work, B_OLD_DOCS, B_NEW_DOCS);
  disarm();
  int orc;
  long long n = doc_count(g_work, &orc);
  if (orc) {
    BAD("the committed index no longer opens: %d (%s)", orc, kz_strerror(orc));
    return;
  }
  if (rc == KZ_OK && n != B_OLD_DOCS + B_NEW_DOCS)
    BAD("commit said KZ_OK, the index has %lld documents, not %d", n, B_OLD_DOCS + B_NEW_DOCS);
  else if (rc != KZ_OK && n != B_OLD_DOCS)
    BAD("commit failed (%d), the index has %lld documents, not %d", rc, n, B_OLD_DOCS);
  expect_clean(g_work);
  /* The next writer must clean up whatever the failed one left and work normally. */
  kz_writer *w = NULL;
  kz_error err = {0};
  if ((rc = kz_writer_open(&w, g_work, NULL, &err)) || (rc = kz_writer_commit(w, &err)))
    BAD("a writer after the failure: %d: %s", rc, err.message);
  kz_writer_close(w);
}

/*
 * (c) Reading. The counting run records one digest per call; with failures a
 * call must fail with KZ_ERR_NOMEM or give the very same result.
 */
static const char *const kQueries[] = {
    "marker", "steppe nomad", "+astana -almaty", "\"steppe nomad\"", "(oil OR uranium) AND river",
    "baikonur rocket museum history",
};
#define N_QUERIES (sizeof kQueries / sizeof kQueries[0])
/* Per query: ranked with snippets, pruned (skip_total, AND by default), counted. */
#define N_DIGESTS (3 * N_QUERIES + 3)

static uint64_t g_digest[N_DIGESTS];

static uint64_t mix(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}
static uint64_t mix_str(uint64_t h, const char *s) { return mix(h, s, strlen(s) + 1); }

/* An explanation tree (kz_search_options.explain), node by node. */
static uint64_t mix_explanation(uint64_t h, const kz_explanation *e) {
  if (!e) return mix(h, "-", 1);
  h = mix_str(h, e->kind);
  h = mix(h, &e->value, sizeof e->value);
  h = mix_str(h, e->description);
  h = mix(h, &e->n_children, sizeof e->n_children);
  for (size_t i = 0; i < e->n_children; i++) h = mix_explanation(h, &e->children[i]);
  return h;
}

static uint64_t digest_hits(const kz_hits *hits) {
  uint64_t h = 0xcbf29ce484222325ull, total = kz_hits_total(hits);
  size_t n = kz_hits_size(hits);
  h = mix(h, &total, sizeof total);
  h = mix(h, &n, sizeof n);
  for (size_t i = 0; i < n; i++) {
    const kz_hit *x = kz_hits_at(hits, i);
    h = mix(h, &x->doc, sizeof x->doc);
    h = mix(h, &x->score, sizeof x->score);
    h = mix_str(h, x->id);
    h = mix_str(h, x->title);
    h = mix_str(h, x->date);
    h = mix_str(h, x->url);
    h = mix_str(h, x->snippet);
    h = mix(h, &x->n_highlights, sizeof x->n_highlights);
    for (size_t k = 0; k < x->n_highlights; k++) h = mix(h, &x->highlights[k], sizeof x->highlights[k]);
    h = mix_explanation(h, kz_hits_explanation_at(hits, i));
  }
  return mix_explanation(h, kz_hits_query_explanation(hits));
}

static void same_result(size_t slot, uint64_t digest, const char *what) {
  if (!g_n)
    g_digest[slot] = digest;
  else if (g_digest[slot] != digest)
    BAD("%s said KZ_OK but its result differs from the run without failures", what);
}

static void scenario_c(void) {
  kz_index *idx = NULL;
  kz_error err = {0};
  int rc = kz_index_open(&idx, g_template, &err);
  if (status_ok("kz_index_open", rc, &err)) {
    kz_search_options o = KZ_SEARCH_OPTIONS_INIT, pruned = KZ_SEARCH_OPTIONS_INIT;
    o.k = 5;
    o.snippet_bytes = 80;
    pruned.k = 2;
    pruned.offset = 1;
    pruned.skip_total = 1;
    pruned.default_and = 1;
    pruned.ids_only = 1;
    pruned.explain = 1;
    for (size_t q = 0; q < N_QUERIES; q++) {
      kz_hits *hits = NULL;
      char what[128];
      snprintf(what, sizeof what, "kz_search(%s)", kQueries[q]);
      rc = kz_search(&hits, idx, kQueries[q], &o, &err);
      if (status_ok(what, rc, &err)) same_result(3 * q, digest_hits(hits), what);
      kz_hits_free(hits);
      hits = NULL;
      snprintf(what, sizeof what, "kz_search(%s, pruned)", kQueries[q]);
      rc = kz_search(&hits, idx, kQueries[q], &pruned, &err);
      if (status_ok(what, rc, &err)) same_result(3 * q + 1, digest_hits(hits), what);
      kz_hits_free(hits);
      uint64_t count = 0;
      snprintf(what, sizeof what, "kz_count(%s)", kQueries[q]);
      rc = kz_count(&count, idx, kQueries[q], NULL, &err);
      if (status_ok(what, rc, &err)) same_result(3 * q + 2, count, what);
    }
    kz_index_stats st = KZ_INDEX_STATS_INIT;
    rc = kz_index_stats_get(idx, &st, &err);
    if (status_ok("kz_index_stats_get", rc, &err))
      same_result(3 * N_QUERIES, mix(0xcbf29ce484222325ull, &st, sizeof st), "kz_index_stats_get");
    kz_index_close(idx);
  }
  for (int full = 0; full <= 1; full++) {
    kz_check_report rep = KZ_CHECK_REPORT_INIT;
    int problems = 0;
    rc = kz_index_check(g_template, full, count_problem, &problems, &rep, &err);
    if (status_ok("kz_index_check", rc, &err)) {
      if (rep.problems) BAD("kz_index_check reported %llu problems", (unsigned long long)rep.problems);
      same_result(3 * N_QUERIES + 1 + (size_t)full, mix(0xcbf29ce484222325ull, &rep, sizeof rep),
                  "kz_index_check");
    }
  }
  disarm();
}

/* (d) The sample articles through kz_writer_add_path, then a commit. */
static uint64_t g_sample_docs;

static void scenario_d(void) {
  kz_writer *w = NULL;
  kz_error err = {0};
  kz_ingest_stats st = KZ_INGEST_STATS_INIT;
  int rc = kz_writer_open(&w, g_work, NULL, &err);
  if (status_ok("kz_writer_open", rc, &err)) {
    rc = kz_writer_add_path(w, g_sample, NULL, &st, &err);
    if (status_ok("kz_writer_add_path", rc, &err)) {
      if (!g_n) g_sample_docs = st.documents;
      else if (st.documents != g_sample_docs || st.skipped || st.empty)
        BAD("kz_writer_add_path said KZ_OK with %llu documents, %llu skipped, %llu empty (expected %llu)",
            (unsigned long long)st.documents, (unsigned long long)st.skipped,
            (unsigned long long)st.empty, (unsigned long long)g_sample_docs);
    } else if (st.documents > g_sample_docs || st.skipped || st.empty) {
      BAD("kz_writer_add_path failed with %llu documents, %llu skipped, %llu empty",
          (unsigned long long)st.documents, (unsigned long long)st.skipped,
          (unsigned long long)st.empty);
    }
    /*
     * A failure while reading the file (not inside kz_writer_add) leaves the
     * writer usable: committing then keeps the documents added so far, which
     * stats counted. A failure inside kz_writer_add makes the commit fail.
     */
    rc = kz_writer_commit(w, &err);
    status_ok("kz_writer_commit", rc, &err);
    kz_writer_close(w);
  }
  disarm();
  int orc;
  long long n = doc_count(g_work, &orc);
  if (rc == KZ_OK && n != (long long)st.documents)
    BAD("commit said KZ_OK, the index has %lld documents, not %llu (open: %d)", n,
        (unsigned long long)st.documents, orc);
  else if (rc == KZ_OK)
    expect_clean(g_work);
  else if (orc != KZ_ERR_NO_INDEX)
    BAD("commit failed (%d) but kz_index_open says %d, not KZ_ERR_NO_INDEX", rc, orc);
}

/* (e) A directory tree read while segments are written, replacing the committed index. */
static uint64_t g_tree_docs;

static void scenario_e(void) {
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.memory_bytes = KZ_MIN_MEMORY_BYTES;
  o.threads = 2;
  o.rebuild = 1;
  kz_writer *w = NULL;
  kz_error err = {0};
  kz_ingest_stats st = KZ_INGEST_STATS_INIT;
  int rc = kz_writer_open(&w, g_work, &o, &err);
  if (status_ok("kz_writer_open", rc, &err)) {
    rc = kz_writer_add_path(w, g_tree, NULL, &st, &err);
    if (status_ok("kz_writer_add_path", rc, &err)) {
      if (!g_n) g_tree_docs = st.documents;
      else if (st.documents != g_tree_docs || st.skipped || st.empty)
        BAD("kz_writer_add_path said KZ_OK with %llu documents, %llu skipped, %llu empty (expected %llu)",
            (unsigned long long)st.documents, (unsigned long long)st.skipped,
            (unsigned long long)st.empty, (unsigned long long)g_tree_docs);
    }
    rc = kz_writer_commit(w, &err);
    status_ok("kz_writer_commit", rc, &err);
    kz_writer_close(w);
  }
  disarm();
  kz_index *idx = NULL;
  kz_index_stats stats = KZ_INDEX_STATS_INIT;
  int orc = kz_index_open(&idx, g_work, &err);
  if (!orc) orc = kz_index_stats_get(idx, &stats, &err);
  kz_index_close(idx);
  if (orc) {
    BAD("the index no longer opens: %d (%s)", orc, kz_strerror(orc));
    return;
  }
  if (rc == KZ_OK && stats.documents != st.documents)
    BAD("commit said KZ_OK, the index has %llu documents, not %llu",
        (unsigned long long)stats.documents, (unsigned long long)st.documents);
  else if (rc != KZ_OK && stats.documents != B_OLD_DOCS)
    BAD("commit failed (%d), the index has %llu documents, not %d", rc,
        (unsigned long long)stats.documents, B_OLD_DOCS);
  if (!g_n && stats.segments < 2)
    BAD("the tree gave %llu segment(s); the test needs one per indexing thread",
        (unsigned long long)stats.segments);
  expect_clean(g_work);
}

/*
 * (f) Deletions, replacement, merges. The template holds documents 0..26 in
 * nine segments. Step 1 deletes 0, replaces 4 and adds 100 and 101 (28
 * documents), and its commit makes ten segments of one level, which the
 * policy merges. Step 2 deletes 10 and 20 and compacts (26 documents in one
 * segment). A merge is a commit of its own, so a failing kz_writer_commit may
 * have committed step 1 already; a failing compact, step 2 as well.
 */
#define F_OLD_DOCS 27
#define F_STEP1_DOCS 28
#define F_STEP2_DOCS 26

static int prepare_small(void) { return copy_dir(g_small, g_work); }

static int delete_id(kz_writer *w, int i) {
  char id[32];
  snprintf(id, sizeof id, "doc-%04d", i);
  int found = -1;
  kz_error err = {0};
  int rc = kz_writer_delete(w, id, strlen(id), &found, &err);
  if (status_ok("kz_writer_delete", rc, &err) && found != 1) BAD("kz_writer_delete(%s): found = %d", id, found);
  return rc;
}

static int add_one(kz_writer *w, int i) {
  char id[32], title[128], body[1024];
  kz_document d = KZ_DOCUMENT_INIT;
  kz_error err = {0};
  make_doc(i, id, sizeof id, title, sizeof title, body, sizeof body, &d);
  int rc = kz_writer_add(w, &d, &err);
  status_ok("kz_writer_add", rc, &err);
  return rc;
}

static void scenario_f(void) {
  kz_writer *w = NULL;
  kz_error err = {0};
  int step1 = -100, step2 = -100, failed = 0;
  int rc = kz_writer_open(&w, g_work, NULL, &err);
  if (status_ok("kz_writer_open", rc, &err)) {
    failed |= delete_id(w, 0) != KZ_OK;
    failed |= add_one(w, 4) != KZ_OK;
    failed |= add_one(w, 100) != KZ_OK;
    failed |= add_one(w, 101) != KZ_OK;
    step1 = kz_writer_commit(w, &err);
    if (status_ok("kz_writer_commit", step1, &err) && failed)
      BAD("kz_writer_commit succeeded after an earlier failure");
    failed |= step1 != KZ_OK;
    if (!g_n) { /* the premise, checked unarmed in the counting run: the policy merged */
      kz_index *idx = NULL;
      kz_index_stats st = KZ_INDEX_STATS_INIT;
      disarm();
      if (kz_index_open(&idx, g_work, &err) || kz_index_stats_get(idx, &st, &err) ||
          st.segments != 1 || st.documents != F_STEP1_DOCS)
        BAD("after step 1 the index should hold %d documents in one merged segment", F_STEP1_DOCS);
      kz_index_close(idx);
      atomic_store(&g_fault.armed, 1);
    }
    failed |= delete_id(w, 10) != KZ_OK;
    failed |= delete_id(w, 20) != KZ_OK;
    step2 = kz_writer_compact(w, &err);
    if (status_ok("kz_writer_compact", step2, &err) && failed)
      BAD("kz_writer_compact succeeded after an earlier failure");
    kz_writer_close(w);
  }
  disarm();
  kz_index *idx = NULL;
  kz_index_stats st = KZ_INDEX_STATS_INIT;
  uint64_t marker = 0;
  int orc = kz_index_open(&idx, g_work, &err);
  if (!orc) orc = kz_index_stats_get(idx, &st, &err);
  if (!orc) orc = kz_count(&marker, idx, "marker", NULL, &err);
  kz_index_close(idx);
  if (orc) {
    BAD("the index no longer opens: %d (%s): %s", orc, kz_strerror(orc), err.message);
    return;
  }
  uint64_t n = st.documents;
  if (marker != n) BAD("\"marker\" matches %llu documents of %llu", (unsigned long long)marker,
                       (unsigned long long)n);
  if (step2 == KZ_OK) {
    if (n != F_STEP2_DOCS || st.segments != 1 || st.deleted_documents != 0)
      BAD("compact said KZ_OK: %llu documents in %llu segments, %llu deleted", (unsigned long long)n,
          (unsigned long long)st.segments, (unsigned long long)st.deleted_documents);
  } else if (step1 == KZ_OK) {
    if (n != F_STEP1_DOCS && n != F_STEP2_DOCS)
      BAD("commit said KZ_OK, compact failed: %llu documents", (unsigned long long)n);
  } else if (n != F_OLD_DOCS && n != F_STEP1_DOCS) {
    BAD("commit failed: %llu documents", (unsigned long long)n);
  }
  expect_clean(g_work);
  /* The next writer must clean up whatever the failed one left and work normally. */
  if ((rc = kz_writer_open(&w, g_work, NULL, &err)) || (rc = kz_writer_commit(w, &err)))
    BAD("a writer after the failure: %d: %s", rc, err.message);
  kz_writer_close(w);
}

/* (g)'s index: (b)'s three segments without their simhash files, as before fingerprints. */
static int prepare_unfingerprinted(void) {
  if (copy_dir(g_template, g_work)) return -1;
  kz_manifest m;
  kz_error err;
  memset(&m, 0, sizeof m);
  if (kz_manifest_read(&m, g_work, &err)) return -1;
  int rc = 0;
  for (size_t i = 0; i < m.n_segments && !rc; i++) {
    char name[64];
    kz_segment_file_name(name, sizeof name, m.segments[i].id, KZ_SEGFILE_SIMHASH);
    char *path = kz_path_join(g_work, name);
    rc = path && unlink(path) == 0 ? 0 : -1;
    free(path);
    m.segments[i].file_bytes[KZ_SEGFILE_SIMHASH] = 0;
  }
  if (!rc && kz_manifest_write(&m, g_work, NULL, &err)) rc = -1;
  kz_manifest_free(&m);
  return rc;
}

/* (g) Compacting segments without fingerprints: the old index, or one segment with them. */
static void scenario_g(void) {
  kz_writer *w = NULL;
  kz_error err = {0};
  int crc = -100, rc = kz_writer_open(&w, g_work, NULL, &err);
  if (status_ok("kz_writer_open", rc, &err)) {
    crc = kz_writer_compact(w, &err);
    status_ok("kz_writer_compact", crc, &err);
    kz_writer_close(w);
  }
  disarm();
  kz_index *idx = NULL;
  int orc = kz_index_open(&idx, g_work, &err);
  if (orc) {
    BAD("the index no longer opens: %d (%s): %s", orc, kz_strerror(orc), err.message);
    return;
  }
  size_t segs = idx->n_segs, with = 0;
  for (size_t i = 0; i < segs; i++) with += (size_t)idx->segs[i].has_simhashes;
  uint64_t n = idx->n_docs;
  kz_index_close(idx);
  int old = segs == 3 && with == 0, compacted = segs == 1 && with == 1;
  if (n != B_OLD_DOCS) BAD("%llu documents, not %d", (unsigned long long)n, B_OLD_DOCS);
  if (crc == KZ_OK && !compacted)
    BAD("compact said KZ_OK: %zu segments, %zu with fingerprints", segs, with);
  else if (!old && !compacted)
    BAD("compact failed: %zu segments, %zu with fingerprints", segs, with);
  expect_clean(g_work);
}

/* Writes `len` bytes to `path`, zstd-compressed when `zst`. @return 0 or -1. */
static int write_file(const char *path, const char *text, size_t len, int zst) {
  kz_buf z = KZ_BUF_INIT;
  if (zst) {
    if (kz_zstd_compress(&z, text, len, 3)) return -1;
    text = (const char *)z.data;
    len = z.len;
  }
  FILE *f = fopen(path, "wb");
  int ok = f && fwrite(text, 1, len, f) == len;
  if (f && fclose(f) != 0) ok = 0;
  kz_buf_free(&z);
  return ok ? 0 : -1;
}

static int make_tree(void) {
  char path[512], sub[400];
  snprintf(sub, sizeof sub, "%s/sub", g_tree);
  if (mkdir(g_tree, 0755) != 0 || mkdir(sub, 0755) != 0) return -1;
  /*
   * One article larger than a batch under the smallest budget shared by two
   * threads (budget / 2 / 8 bytes), so that it is handed to the first thread
   * alone and the rest go to the second; far from filling a thread's share,
   * so no segment is finished early (which timing would decide).
   */
  size_t n_tokens = KZ_MIN_MEMORY_BYTES / 2 / 8, cap = 2 * n_tokens + 64, len = 0;
  char *big = malloc(cap);
  if (!big) return -1;
  len += (size_t)snprintf(big, cap, "A long article about the steppe\n");
  for (size_t i = 0; i < n_tokens; i++, len += 2) memcpy(big + len, "x ", 2);
  snprintf(path, sizeof path, "%s/a_big.txt", g_tree);
  int rc = write_file(path, big, len, 0);
  free(big);
  char lines[2048];
  len = 0;
  for (int i = 0; i < 3; i++)
    len += (size_t)snprintf(lines + len, sizeof lines - len,
                            "{\"id\": \"j%d\", \"title\": \"%s river\", \"body\": \"%s %s marker\"}\n", i,
                            kWords[i], kWords[i + 3], kWords[i + 6]);
  snprintf(path, sizeof path, "%s/b.jsonl", sub);
  if (!rc) rc = write_file(path, lines, len, 0);
  len = 0;
  for (int i = 0; i < 3; i++)
    len += (size_t)snprintf(lines + len, sizeof lines - len,
                            "{\"id\": \"z%d\", \"title\": \"%s eagle\", \"body\": \"%s %s\", \"url\": \"u%d\"}\n",
                            i, kWords[i + 9], kWords[i + 12], kWords[i + 15], i);
  snprintf(path, sizeof path, "%s/c.jsonl.zst", sub);
  if (!rc) rc = write_file(path, lines, len, 1);
  snprintf(path, sizeof path, "%s/.hidden.jsonl", sub); /* hidden entries are not read */
  if (!rc) rc = write_file(path, "{}\n", 3, 0);
  return rc;
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
static uint64_t run_faults(const char *name, int persistent, int (*prepare)(void), void (*run)(void),
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

static int setup(void) {
  static int done;
  if (done) return done > 0;
  done = -1;
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_set_death_callback(say_where);
#else
  signal(SIGSEGV, on_fatal_signal);
  signal(SIGBUS, on_fatal_signal);
  signal(SIGABRT, on_fatal_signal);
  signal(SIGFPE, on_fatal_signal);
#endif
  if (!make_root()) return 0;
  snprintf(g_work, sizeof g_work, "%s/work", g_root);
  snprintf(g_template, sizeof g_template, "%s/template", g_root);
  const char *src = getenv("KZ_SOURCE_DIR");
  snprintf(g_sample, sizeof g_sample, "%s/data/kazakhstan/docs.jsonl", src && *src ? src : ".");
  snprintf(g_tree, sizeof g_tree, "%s/tree", g_root);
  if (make_tree()) return 0;
  snprintf(g_small, sizeof g_small, "%s/small", g_root);
  for (int c = 0; c < 9; c++)
    if (write_docs(g_small, c * 3, 3) != KZ_OK) return 0;
  /* Three commits, so three segments. */
  for (int c = 0; c < 3; c++)
    if (write_docs(g_template, c * (B_OLD_DOCS / 3), B_OLD_DOCS / 3) != KZ_OK) return 0;
  int orc;
  if (doc_count(g_template, &orc) != B_OLD_DOCS) return 0;
  done = 1;
  return 1;
}

/* ======================================================================== */
/* Tests                                                                    */
/* ======================================================================== */

static void test_alloc_failure__fresh_writer_add_commit(void) {
  CHECK(setup());
  uint64_t tried;
  CHECK_EQ_INT(run_faults("a (fresh writer)", 0, prepare_empty, scenario_a, &tried), 0);
  CHECK(tried > 0);
}

static void test_alloc_failure__commit_keeps_committed_state(void) {
  CHECK(setup());
  uint64_t tried;
  CHECK_EQ_INT(run_faults("b (second commit)", 0, prepare_copy, scenario_b, &tried), 0);
  CHECK(tried > 0);
  /* Also with the cleanup after the first failure failing too. */
  CHECK_EQ_INT(run_faults("b (second commit)", 1, prepare_copy, scenario_b, &tried), 0);
  CHECK(tried > 0);
}

static void test_alloc_failure__open_search_count_stats_check(void) {
  CHECK(setup());
  uint64_t tried;
  CHECK_EQ_INT(run_faults("c (reading)", 0, prepare_nothing, scenario_c, &tried), 0);
  CHECK(tried > 0);
}

static void test_alloc_failure__add_path_sample(void) {
  CHECK(setup());
  struct stat st;
  CHECK(stat(g_sample, &st) == 0);
  uint64_t tried;
  CHECK_EQ_INT(run_faults("d (add_path)", 0, prepare_empty, scenario_d, &tried), 0);
  CHECK(tried > 0);
}

static void test_alloc_failure__add_tree_rebuild(void) {
  CHECK(setup());
  uint64_t tried;
  CHECK_EQ_INT(run_faults("e (tree, rebuild)", 0, prepare_copy, scenario_e, &tried), 0);
  CHECK(tried > 0);
  CHECK_EQ_INT(run_faults("e (tree, rebuild)", 1, prepare_copy, scenario_e, &tried), 0);
  CHECK(tried > 0);
}

static void test_alloc_failure__delete_replace_merge_compact(void) {
  CHECK(setup());
  uint64_t tried;
  CHECK_EQ_INT(run_faults("f (delete, merge, compact)", 0, prepare_small, scenario_f, &tried), 0);
  CHECK(tried > 0);
  CHECK_EQ_INT(run_faults("f (delete, merge, compact)", 1, prepare_small, scenario_f, &tried), 0);
  CHECK(tried > 0);
}

static void test_alloc_failure__compact_fingerprints_old_segments(void) {
  CHECK(setup());
  uint64_t tried;
  CHECK_EQ_INT(run_faults("g (compact, fingerprints)", 0, prepare_unfingerprinted, scenario_g, &tried), 0);
  CHECK(tried > 0);
  CHECK_EQ_INT(run_faults("g (compact, fingerprints)", 1, prepare_unfingerprinted, scenario_g, &tried), 0);
  CHECK(tried > 0);
}

KZ_TEST_MAIN(KZ_TEST(test_alloc_failure__fresh_writer_add_commit),
             KZ_TEST(test_alloc_failure__commit_keeps_committed_state),
             KZ_TEST(test_alloc_failure__open_search_count_stats_check),
             KZ_TEST(test_alloc_failure__add_path_sample),
             KZ_TEST(test_alloc_failure__add_tree_rebuild),
             KZ_TEST(test_alloc_failure__delete_replace_merge_compact),
             KZ_TEST(test_alloc_failure__compact_fingerprints_old_segments))
