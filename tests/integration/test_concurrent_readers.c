/*
 * test_concurrent_readers.c - the thread model promised in kzsearch.h, under
 * real concurrency:
 *
 *   - readers never see a partial commit: while one writer thread commits
 *     COMMITS batches of BATCH_DOCS documents, READERS threads keep opening
 *     the index and check that what they opened is one whole commit: the
 *     document count is a multiple of BATCH_DOCS, a word every document
 *     holds ("marker") matches exactly that many documents (kz_count and
 *     kz_search's total), each batch's own word matches BATCH_DOCS documents
 *     for every committed batch and none for the others, and neither the
 *     generation nor the count ever goes back for one reader, and every
 *     commit that returned before an open is in what it opened. The
 *     writer's commits also merge segments (ten of a level), removing the
 *     merged-away files while readers are opening the index, and it
 *     indexes on two threads of its own;
 *   - one kz_index searched from SHARERS threads at once gives exactly the
 *     results (ids, bit-identical scores, snippets, highlights, totals and
 *     counts) of the same queries run on one thread.
 *
 * Run time is bounded by the fixed amounts of work (a few seconds in a
 * Debug build). scripts/test.sh also runs it under ThreadSanitizer, in a
 * separate build directory (it cannot be combined with KZ_SANITIZE):
 *
 *   cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DKZ_TSAN=ON \
 *         -DCMAKE_C_FLAGS='-fsanitize=thread -g' -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread
 *   cmake --build build-tsan --target test_concurrent_readers
 *   ctest --test-dir build-tsan -R concurrent_readers --output-on-failure
 *
 * Owns: one temporary directory (removed at exit). Threads share only the
 * index directory, the shared kz_index, C11 atomics and read-only data.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

#define COMMITS 30
#define BATCH_DOCS 50
#define READERS 3
#define SHARERS 4
#define SHARED_ROUNDS 20

/* ======================================================================== */
/* Helpers                                                                  */
/* ======================================================================== */

static const char *g_root; /* kz_test_scratch_root's, removed at exit */

static int make_root(void) {
  return (g_root = kz_test_scratch_root("kz_test_concurrent", 0)) != NULL;
}

static const char *const kWords[] = {
    "astana",  "almaty", "steppe",  "nomad", "oil",     "uranium", "parliament", "president",
    "caspian", "border", "railway", "grain", "protest", "reform",  "tenge",      "pipeline",
    "river",   "horse",  "eagle",   "winter", "rocket", "museum",  "history",    "energy"};
#define N_WORDS (sizeof kWords / sizeof kWords[0])

/*
 * The word only batch `b` holds. Consonants other than s and y end it, so no
 * stemming rule applies and no two batches' words stem alike.
 */
static void batch_word(char *buf, size_t size, int b) {
  static const char kTail[] = "bcdfghkmnpqrtvwxz";
  const int n = (int)sizeof kTail - 1;
  snprintf(buf, size, "batch%c%c", kTail[b / n % n], kTail[b % n]);
}

/* Document `i` of batch `b`: "marker", the batch's word and a few others (deterministic). */
static void make_doc(int b, int i, char *id, size_t id_size, char *title, size_t title_size,
                     char *body, size_t body_size, kz_document *d) {
  char bw[16];
  batch_word(bw, sizeof bw, b);
  int n = b * BATCH_DOCS + i;
  snprintf(id, id_size, "doc-%05d", n);
  snprintf(title, title_size, "%s %s", kWords[n % N_WORDS], kWords[(n * 7 + 3) % N_WORDS]);
  size_t len = (size_t)snprintf(body, body_size, "marker %s", bw);
  uint64_t seed = 0x9e3779b97f4a7c15ull * (uint64_t)(n + 1);
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, seed);
  kz_test_append_words(&r, body, body_size, &len, kWords, N_WORDS, (size_t)(10 + n % 13));
  *d = (kz_document)KZ_DOCUMENT_INIT;
  d->id = id, d->id_len = strlen(id);
  d->title = title, d->title_len = strlen(title);
  d->body = body, d->body_len = strlen(body);
}

/* ======================================================================== */
/* Readers against a committing writer                                     */
/* ======================================================================== */

typedef struct shared_state {
  const char *dir;
  atomic_int writer_done;
  atomic_int failed;        /* set by any thread that found something wrong */
  atomic_int commits_done;
  atomic_int final_segments; /* segments of the last state (the policy merges along the way) */
} shared_state;

typedef struct reader_result {
  shared_state *st;
  int id;
  long opens, no_index;
  uint64_t counts_seen[COMMITS + 1]; /* how often each committed batch count was seen */
} reader_result;

#define FAIL(st, ...)                        \
  do {                                       \
    fprintf(stderr, __VA_ARGS__);            \
    fputc('\n', stderr);                     \
    atomic_store(&(st)->failed, 1);          \
  } while (0)

static void *writer_main(void *arg) {
  shared_state *st = arg;
  kz_writer *w = NULL;
  kz_error err;
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.threads = 2; /* the writer's own indexing threads run beside the readers too */
  int rc = kz_writer_open(&w, st->dir, &o, &err);
  for (int b = 0; b < COMMITS && !rc; b++) {
    /* Reopening now and then also runs the leftover cleanup beside the readers. */
    if (b % 10 == 9) {
      kz_writer_close(w);
      w = NULL;
      if ((rc = kz_writer_open(&w, st->dir, &o, &err))) break;
    }
    for (int i = 0; i < BATCH_DOCS && !rc; i++) {
      char id[32], title[128], body[1024];
      kz_document d = KZ_DOCUMENT_INIT;
      make_doc(b, i, id, sizeof id, title, sizeof title, body, sizeof body, &d);
      rc = kz_writer_add(w, &d, &err);
    }
    if (!rc) rc = kz_writer_commit(w, &err);
    if (!rc) atomic_fetch_add(&st->commits_done, 1);
  }
  if (rc) FAIL(st, "writer: %d (%s): %s", rc, kz_strerror(rc), err.message);
  kz_writer_close(w);
  atomic_store(&st->writer_done, 1);
  return NULL;
}

/* Checks one opened snapshot. @return 0 when it is one whole commit. */
static int check_snapshot(reader_result *r, kz_index *idx, uint64_t *docs_out, uint64_t *gen_out,
                          uint64_t *segments_out) {
  shared_state *st = r->st;
  kz_error err;
  kz_index_stats stats = KZ_INDEX_STATS_INIT;
  int rc = kz_index_stats_get(idx, &stats, &err);
  if (rc) {
    FAIL(st, "reader %d: kz_index_stats_get: %s", r->id, err.message);
    return -1;
  }
  uint64_t docs = stats.documents;
  *docs_out = docs;
  *gen_out = stats.generation;
  *segments_out = stats.segments;
  if (docs % BATCH_DOCS || docs / BATCH_DOCS > COMMITS) {
    FAIL(st, "reader %d: %llu documents is not a whole number of batches", r->id,
         (unsigned long long)docs);
    return -1;
  }
  uint64_t batches = docs / BATCH_DOCS;
  r->counts_seen[batches]++;

  uint64_t count = 0;
  if ((rc = kz_count(&count, idx, "marker", NULL, &err)) || count != docs) {
    FAIL(st, "reader %d: kz_count(marker) = %llu (rc %d) in a snapshot of %llu documents", r->id,
         (unsigned long long)count, rc, (unsigned long long)docs);
    return -1;
  }
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.k = 5;
  kz_hits *hits = NULL;
  rc = kz_search(&hits, idx, "marker", &o, &err);
  if (rc || kz_hits_total(hits) != docs || kz_hits_size(hits) != (docs < 5 ? docs : 5)) {
    FAIL(st, "reader %d: kz_search(marker): rc %d, total %llu, size %zu for %llu documents", r->id,
         rc, (unsigned long long)kz_hits_total(hits), kz_hits_size(hits), (unsigned long long)docs);
    kz_hits_free(hits);
    return -1;
  }
  for (size_t i = 0; i < kz_hits_size(hits); i++) {
    const kz_hit *h = kz_hits_at(hits, i);
    if (strncmp(h->id, "doc-", 4) != 0 || strtoull(h->id + 4, NULL, 10) >= docs) {
      FAIL(st, "reader %d: hit %zu has id '%s' outside the snapshot", r->id, i, h->id);
      kz_hits_free(hits);
      return -1;
    }
  }
  kz_hits_free(hits);
  /* A committed batch is there whole; a later one not at all. Two batches per snapshot suffice. */
  int probe[2] = {(int)(r->opens % COMMITS), (int)(batches ? batches - 1 : 0)};
  for (int k = 0; k < 2; k++) {
    char q[32];
    batch_word(q, sizeof q, probe[k]);
    uint64_t want = (uint64_t)probe[k] < batches ? BATCH_DOCS : 0;
    if ((rc = kz_count(&count, idx, q, NULL, &err)) || count != want) {
      FAIL(st, "reader %d: kz_count(%s) = %llu (rc %d), expected %llu with %llu batches", r->id, q,
           (unsigned long long)count, rc, (unsigned long long)want, (unsigned long long)batches);
      return -1;
    }
  }
  return 0;
}

static void *reader_main(void *arg) {
  reader_result *r = arg;
  shared_state *st = r->st;
  uint64_t last_docs = 0, last_gen = 0;
  /* After the writer is done, one more pass sees the final state. */
  for (int final = 0; !final && !atomic_load(&st->failed);) {
    final = atomic_load(&st->writer_done);
    /* Commits that returned before this open must all be visible to it. */
    uint64_t committed = (uint64_t)atomic_load(&st->commits_done);
    kz_index *idx = NULL;
    kz_error err;
    int rc = kz_index_open(&idx, st->dir, &err);
    if (rc == KZ_ERR_NO_INDEX) { /* before the first commit */
      r->no_index++;
      if (committed > 0) FAIL(st, "reader %d: no index after a commit: %s", r->id, err.message);
      continue;
    }
    if (rc) {
      FAIL(st, "reader %d: kz_index_open: %d (%s): %s", r->id, rc, kz_strerror(rc), err.message);
      break;
    }
    r->opens++;
    uint64_t docs = 0, gen = 0, segments = 0;
    if (check_snapshot(r, idx, &docs, &gen, &segments) == 0) {
      if (final) atomic_store(&st->final_segments, (int)segments);
      if (docs < committed * BATCH_DOCS)
        FAIL(st, "reader %d: opened %llu documents after %llu commits had returned", r->id,
             (unsigned long long)docs, (unsigned long long)committed);
      if (docs < last_docs || gen < last_gen)
        FAIL(st, "reader %d: went back from %llu documents (generation %llu) to %llu (%llu)", r->id,
             (unsigned long long)last_docs, (unsigned long long)last_gen,
             (unsigned long long)docs, (unsigned long long)gen);
      if (final && docs != (uint64_t)COMMITS * BATCH_DOCS && !atomic_load(&st->failed))
        FAIL(st, "reader %d: the final state has %llu documents", r->id, (unsigned long long)docs);
      last_docs = docs;
      last_gen = gen;
    }
    kz_index_close(idx);
  }
  return NULL;
}

static void test_concurrent__readers_never_see_partial_commit(void) {
  CHECK(make_root());
  char dir[512];
  snprintf(dir, sizeof dir, "%s/live", g_root);
  shared_state st;
  memset(&st, 0, sizeof st);
  st.dir = dir;
  atomic_init(&st.writer_done, 0);
  atomic_init(&st.failed, 0);
  atomic_init(&st.commits_done, 0);
  atomic_init(&st.final_segments, 0);
  static reader_result rr[READERS];
  pthread_t readers[READERS], writer;
  for (int i = 0; i < READERS; i++) {
    memset(&rr[i], 0, sizeof rr[i]);
    rr[i].st = &st;
    rr[i].id = i;
    CHECK(pthread_create(&readers[i], NULL, reader_main, &rr[i]) == 0);
  }
  CHECK(pthread_create(&writer, NULL, writer_main, &st) == 0);
  pthread_join(writer, NULL);
  for (int i = 0; i < READERS; i++) pthread_join(readers[i], NULL);
  CHECK(!atomic_load(&st.failed));
  CHECK_EQ_INT(atomic_load(&st.commits_done), COMMITS);

  /* The run means something only if the readers saw the index change under them. */
  long opens = 0;
  int distinct = 0;
  for (int c = 0; c <= COMMITS; c++) {
    uint64_t seen = 0;
    for (int i = 0; i < READERS; i++) seen += rr[i].counts_seen[c];
    distinct += seen > 0;
  }
  for (int i = 0; i < READERS; i++) opens += rr[i].opens;
  printf("readers: %ld snapshots checked, %d distinct commits seen; %d segments at the end\n", opens,
         distinct, atomic_load(&st.final_segments));
  CHECK(opens >= READERS);
  CHECK(distinct >= 2);
}

/* ======================================================================== */
/* One kz_index shared by many searching threads                           */
/* ======================================================================== */

static const char *const kQueries[] = {
    "marker",
    "steppe nomad",
    "+astana -almaty",
    "\"steppe nomad\"",
    "(oil OR uranium) AND river",
    "rocket museum history energy",
    "batchbc OR batchcb",
    "parliament president -horse",
    "eagle AND winter AND grain",
    "tenge pipeline railway border caspian",
};
#define N_QUERIES (sizeof kQueries / sizeof kQueries[0])

static uint64_t mix(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}
static uint64_t mix_str(uint64_t h, const char *s) { return mix(h, s, strlen(s) + 1); }

/* One query's full result (ranked hits with every field, total, count) as a digest. */
static int run_query(kz_index *idx, const char *q, int and_mode, uint64_t *out) {
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.k = 20;
  o.default_and = and_mode;
  o.snippet_bytes = 120;
  kz_hits *hits = NULL;
  kz_error err;
  int rc = kz_search(&hits, idx, q, &o, &err);
  if (rc) return rc;
  uint64_t h = 0xcbf29ce484222325ull, total = kz_hits_total(hits), count = 0;
  size_t n = kz_hits_size(hits);
  h = mix(h, &total, sizeof total);
  h = mix(h, &n, sizeof n);
  for (size_t i = 0; i < n; i++) {
    const kz_hit *x = kz_hits_at(hits, i);
    h = mix(h, &x->doc, sizeof x->doc);
    h = mix(h, &x->score, sizeof x->score);
    h = mix_str(h, x->id);
    h = mix_str(h, x->title);
    h = mix_str(h, x->snippet);
    h = mix(h, &x->n_highlights, sizeof x->n_highlights);
    for (size_t k = 0; k < x->n_highlights; k++) h = mix(h, &x->highlights[k], sizeof x->highlights[k]);
  }
  kz_hits_free(hits);
  if ((rc = kz_count(&count, idx, q, &o, &err))) return rc;
  if (count != total) return -100;
  *out = mix(h, &count, sizeof count);
  return KZ_OK;
}

typedef struct sharer {
  kz_index *idx;
  const uint64_t *expected; /* [N_QUERIES][2] */
  int id;
  long mismatches, errors;
} sharer;

static void *sharer_main(void *arg) {
  sharer *s = arg;
  for (int round = 0; round < SHARED_ROUNDS; round++) {
    for (size_t k = 0; k < N_QUERIES * 2; k++) {
      /* Each thread walks the queries in its own order. */
      size_t j = (k * 7 + (size_t)s->id * 3 + (size_t)round) % (N_QUERIES * 2);
      uint64_t d = 0;
      int rc = run_query(s->idx, kQueries[j / 2], (int)(j % 2), &d);
      if (rc) {
        if (s->errors++ == 0) fprintf(stderr, "sharer %d: query '%s': %d\n", s->id, kQueries[j / 2], rc);
      } else if (d != s->expected[j]) {
        if (s->mismatches++ == 0)
          fprintf(stderr, "sharer %d: query '%s' (and=%d) differs from the single-threaded run\n",
                  s->id, kQueries[j / 2], (int)(j % 2));
      }
    }
  }
  return NULL;
}

static int build_fixed_index(const char *dir, int batches) {
  kz_writer *w = NULL;
  kz_error err;
  int rc = kz_writer_open(&w, dir, NULL, &err);
  for (int b = 0; b < batches && !rc; b++) {
    for (int i = 0; i < BATCH_DOCS && !rc; i++) {
      char id[32], title[128], body[1024];
      kz_document d = KZ_DOCUMENT_INIT;
      make_doc(b, i, id, sizeof id, title, sizeof title, body, sizeof body, &d);
      rc = kz_writer_add(w, &d, &err);
    }
    if (!rc) rc = kz_writer_commit(w, &err); /* one segment per batch */
  }
  if (rc) fprintf(stderr, "building the index: %s\n", err.message);
  kz_writer_close(w);
  return rc;
}

static void test_concurrent__shared_index_matches_single_thread(void) {
  CHECK(make_root());
  char dir[512];
  snprintf(dir, sizeof dir, "%s/shared", g_root);
  CHECK_EQ_INT(build_fixed_index(dir, 6), KZ_OK);
  kz_index *idx = NULL;
  kz_error err;
  CHECK_EQ_INT(kz_index_open(&idx, dir, &err), KZ_OK);
  uint64_t expected[N_QUERIES * 2];
  for (size_t j = 0; j < N_QUERIES * 2; j++) {
    int rc = run_query(idx, kQueries[j / 2], (int)(j % 2), &expected[j]);
    if (rc) kz_index_close(idx);
    CHECK_EQ_INT(rc, KZ_OK);
  }
  static sharer sh[SHARERS];
  pthread_t th[SHARERS];
  int started = 0;
  for (int i = 0; i < SHARERS; i++) {
    sh[i] = (sharer){idx, expected, i, 0, 0};
    if (pthread_create(&th[i], NULL, sharer_main, &sh[i]) != 0) break;
    started++;
  }
  long mismatches = 0, errors = 0;
  for (int i = 0; i < started; i++) {
    pthread_join(th[i], NULL);
    mismatches += sh[i].mismatches;
    errors += sh[i].errors;
  }
  kz_index_close(idx);
  CHECK_EQ_INT(started, SHARERS);
  CHECK_EQ_INT(errors, 0);
  CHECK_EQ_INT(mismatches, 0);
}

KZ_TEST_MAIN(KZ_TEST(test_concurrent__readers_never_see_partial_commit),
             KZ_TEST(test_concurrent__shared_index_matches_single_thread))
