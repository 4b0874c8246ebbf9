/*
 * test_live_readers.c - readers during live updates: one writer thread adds,
 * replaces and deletes documents by id, commits, lets the merge policy merge
 * and compacts now and then, while reader threads search in a loop. Each
 * reader checks that every snapshot it opens is exactly one commit's state,
 * and keeps each snapshot open across the writer's next commits (and the
 * merges that remove the files it reads), asking it again: it must answer as
 * before, bit for bit.
 *
 * Commit c (0-based) adds batch c: BATCH documents "b<c>-<i>" holding
 * "marker" and fresh<c>; replaces the even documents of batch c-1 by ones
 * holding again<c-1> instead of fresh<c-1>; deletes the documents i % 4 == 1
 * of batch c-1 (all odd, so never one replaced in that commit); and replaces
 * the stamp document (id "stamp", title c, body "stampdoc"). After commit c
 * a snapshot thus holds 1 + BATCH + 15 c live documents, "marker" matches
 * BATCH + 15 c of them, fresh<c> BATCH, and for every earlier batch b
 * fresh<b> 5 and again<b> 10 (BATCH = 20). The stamp tells a reader which
 * commit it opened.
 *
 * Run it under ThreadSanitizer as scripts/test.sh does (the tsan variant):
 *
 *   cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DKZ_TSAN=ON \
 *         -DCMAKE_C_FLAGS='-fsanitize=thread -g' -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread
 *   cmake --build build-tsan --target test_live_readers
 *   ctest --test-dir build-tsan -R live_readers --output-on-failure
 *
 * Owns: one temporary directory (removed at exit). Threads share only the
 * index directory, C11 atomics and read-only data.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kz_test.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

#define COMMITS 24
#define BATCH 20
#define READERS 2
#define COMPACT_EVERY 8   /* commits 7, 15, 23 compact instead of plain commits */
#define HOLD_SPINS 400    /* how long a reader waits for a commit while holding a snapshot */

/* ======================================================================== */
/* Helpers                                                                  */
/* ======================================================================== */

static const char *g_root; /* kz_test_scratch_root's, removed at exit */

static int make_root(void) {
  return (g_root = kz_test_scratch_root("kz_test_live_readers", 0)) != NULL;
}

/* prefix + two consonants (not s or y), so no stemming rule merges two batches' words. */
static void batch_word(char *buf, size_t size, const char *prefix, int b) {
  static const char kTail[] = "bcdfghkmnpqrtvwxz";
  const int n = (int)sizeof kTail - 1;
  snprintf(buf, size, "%s%c%c", prefix, kTail[b / n % n], kTail[b % n]);
}

static const char *const kWords[] = {"astana", "steppe", "nomad",  "uranium", "caspian",
                                     "grain",  "tenge",  "rocket", "museum",  "energy"};
#define N_WORDS (sizeof kWords / sizeof kWords[0])

/* Adds (or replaces) document i of batch b; `word` is fresh<b> or again<b>. */
static int add_batch_doc(kz_writer *w, int b, int i, const char *word, kz_error *err) {
  char id[32], body[256];
  snprintf(id, sizeof id, "b%d-%d", b, i);
  int len = snprintf(body, sizeof body, "marker %s", word);
  for (int k = 0; k < 4 + (b + i) % 5; k++)
    len += snprintf(body + len, sizeof body - (size_t)len, " %s", kWords[(b * 7 + i * 3 + k) % N_WORDS]);
  kz_document d = KZ_DOCUMENT_INIT;
  d.id = id, d.id_len = strlen(id);
  d.title = kWords[i % N_WORDS], d.title_len = strlen(d.title);
  d.body = body, d.body_len = (size_t)len;
  return kz_writer_add(w, &d, err);
}

static int add_stamp(kz_writer *w, int c, kz_error *err) {
  char title[16];
  snprintf(title, sizeof title, "%d", c);
  kz_document d = KZ_DOCUMENT_INIT;
  d.id = "stamp", d.id_len = 5;
  d.title = title, d.title_len = strlen(title);
  d.body = "stampdoc", d.body_len = 8;
  return kz_writer_add(w, &d, err);
}

/* ======================================================================== */
/* The writer                                                               */
/* ======================================================================== */

typedef struct shared_state {
  const char *dir;
  atomic_int writer_done;
  atomic_int failed;
  atomic_int commits_done;
} shared_state;

#define FAIL(st, ...)               \
  do {                              \
    fprintf(stderr, __VA_ARGS__);   \
    fputc('\n', stderr);            \
    atomic_store(&(st)->failed, 1); \
  } while (0)

static int commit_step(kz_writer *w, int c, kz_error *err) {
  char word[16];
  batch_word(word, sizeof word, "fresh", c);
  int rc = 0;
  for (int i = 0; i < BATCH && !rc; i++) rc = add_batch_doc(w, c, i, word, err);
  if (c > 0) {
    batch_word(word, sizeof word, "again", c - 1);
    for (int i = 0; i < BATCH && !rc; i += 2) rc = add_batch_doc(w, c - 1, i, word, err);
    for (int i = 1; i < BATCH && !rc; i += 4) {
      char id[32];
      int found = 0;
      snprintf(id, sizeof id, "b%d-%d", c - 1, i);
      rc = kz_writer_delete(w, id, strlen(id), &found, err);
      if (!rc && !found) {
        snprintf(err->message, sizeof err->message, "delete %s: not found", id);
        rc = -1;
      }
    }
  }
  if (!rc) rc = add_stamp(w, c, err);
  if (!rc) rc = c % COMPACT_EVERY == COMPACT_EVERY - 1 ? kz_writer_compact(w, err) : kz_writer_commit(w, err);
  return rc;
}

static void *writer_main(void *arg) {
  shared_state *st = arg;
  kz_writer *w = NULL;
  kz_error err;
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.threads = 2;
  int rc = kz_writer_open(&w, st->dir, &o, &err);
  for (int c = 0; c < COMMITS && !rc; c++) {
    if ((rc = commit_step(w, c, &err)) == 0) atomic_fetch_add(&st->commits_done, 1);
  }
  if (rc) FAIL(st, "writer: %d (%s): %s", rc, kz_strerror(rc), err.message);
  kz_writer_close(w);
  atomic_store(&st->writer_done, 1);
  return NULL;
}

/* ======================================================================== */
/* The readers                                                              */
/* ======================================================================== */

typedef struct reader {
  shared_state *st;
  int id;
  long snapshots, held_across_commits;
  int commits_seen[COMMITS];
} reader;

static int count_of(kz_index *idx, const char *q, uint64_t *out) {
  kz_error err;
  return kz_count(out, idx, q, NULL, &err);
}

static uint64_t mix(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}

/*
 * Checks that idx holds exactly the state after one commit and returns it in
 * *commit, with a digest of ranked results (ids, scores, snippets) in *digest.
 * @return 0, or -1 after reporting what is wrong.
 */
static int check_state(reader *r, kz_index *idx, int *commit, uint64_t *digest) {
  shared_state *st = r->st;
  kz_error err;
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.collapse = 0; /* exact hit lists of generated look-alike documents */
  o.k = 1;
  kz_hits *hits = NULL;
  if (kz_search(&hits, idx, "stampdoc", &o, &err) || kz_hits_total(hits) != 1) {
    FAIL(st, "reader %d: the stamp document is not there exactly once", r->id);
    kz_hits_free(hits);
    return -1;
  }
  int c = atoi(kz_hits_at(hits, 0)->title);
  kz_hits_free(hits);
  if (c < 0 || c >= COMMITS) {
    FAIL(st, "reader %d: stamp %d", r->id, c);
    return -1;
  }
  *commit = c;

  kz_index_stats stats = KZ_INDEX_STATS_INIT;
  uint64_t n = 0;
  if (kz_index_stats_get(idx, &stats, &err) || stats.documents != 1u + BATCH + 15u * (unsigned)c) {
    FAIL(st, "reader %d: commit %d shows %llu live documents, expected %d", r->id, c,
         (unsigned long long)stats.documents, 1 + BATCH + 15 * c);
    return -1;
  }
  if (count_of(idx, "marker", &n) || n != BATCH + 15u * (unsigned)c) {
    FAIL(st, "reader %d: commit %d: marker matches %llu", r->id, c, (unsigned long long)n);
    return -1;
  }
  char word[16];
  batch_word(word, sizeof word, "fresh", c);
  if (count_of(idx, word, &n) || n != BATCH) {
    FAIL(st, "reader %d: commit %d: %s matches %llu", r->id, c, word, (unsigned long long)n);
    return -1;
  }
  /* Two earlier batches: a different one each time, and the last one. */
  int probes[2] = {c ? (int)(r->snapshots % c) : -1, c - 1};
  for (int k = 0; k < 2; k++) {
    if (probes[k] < 0) continue;
    uint64_t fresh = 0, again = 0;
    batch_word(word, sizeof word, "fresh", probes[k]);
    int rc = count_of(idx, word, &fresh);
    batch_word(word, sizeof word, "again", probes[k]);
    if (rc || count_of(idx, word, &again) || fresh != 5 || again != 10) {
      FAIL(st, "reader %d: commit %d, batch %d: %llu original and %llu replaced documents, expected 5 and 10",
           r->id, c, probes[k], (unsigned long long)fresh, (unsigned long long)again);
      return -1;
    }
  }
  /* A deleted document's id never comes back, a replaced one exactly once. */
  o.k = 1000;
  o.snippet_bytes = 80;
  if (kz_search(&hits, idx, "marker", &o, &err) || kz_hits_size(hits) != BATCH + 15u * (unsigned)c) {
    FAIL(st, "reader %d: commit %d: search marker failed or short", r->id, c);
    kz_hits_free(hits);
    return -1;
  }
  uint64_t h = 0xcbf29ce484222325ull;
  static const int kNone = -1;
  int seen[COMMITS][BATCH];
  for (int b = 0; b < COMMITS; b++)
    for (int i = 0; i < BATCH; i++) seen[b][i] = kNone;
  for (size_t k = 0; k < kz_hits_size(hits); k++) {
    const kz_hit *x = kz_hits_at(hits, k);
    int b = -1, i = -1;
    if (sscanf(x->id, "b%d-%d", &b, &i) != 2 || b < 0 || b > c || i < 0 || i >= BATCH ||
        (b < c && i % 4 == 1) || seen[b][i] != kNone) {
      FAIL(st, "reader %d: commit %d: hit '%s' is deleted, unknown or repeated", r->id, c, x->id);
      kz_hits_free(hits);
      return -1;
    }
    seen[b][i] = (int)k;
    h = mix(h, x->id, strlen(x->id));
    h = mix(h, &x->score, sizeof x->score);
    h = mix(h, x->snippet, strlen(x->snippet));
  }
  kz_hits_free(hits);
  *digest = h;
  return 0;
}

static void *reader_main(void *arg) {
  reader *r = arg;
  shared_state *st = r->st;
  for (int final = 0; !final && !atomic_load(&st->failed);) {
    final = atomic_load(&st->writer_done);
    int committed = atomic_load(&st->commits_done);
    kz_index *idx = NULL;
    kz_error err;
    int rc = kz_index_open(&idx, st->dir, &err);
    if (rc == KZ_ERR_NO_INDEX && committed == 0) continue; /* before the first commit */
    if (rc) {
      FAIL(st, "reader %d: kz_index_open: %d (%s): %s", r->id, rc, kz_strerror(rc), err.message);
      break;
    }
    int c = 0;
    uint64_t digest = 0;
    if (check_state(r, idx, &c, &digest) == 0) {
      r->snapshots++;
      r->commits_seen[c]++;
      if (c + 1 < committed) FAIL(st, "reader %d: opened commit %d after %d commits had returned", r->id, c, committed);
      if (final && c != COMMITS - 1) FAIL(st, "reader %d: the final state is commit %d", r->id, c);
      /* Hold this snapshot until the writer has moved on, then ask it again. */
      for (int spin = 0; spin < HOLD_SPINS && atomic_load(&st->commits_done) <= c + 1 &&
                         !atomic_load(&st->writer_done);
           spin++)
        usleep(500);
      int moved_on = atomic_load(&st->commits_done) > c + 1;
      int again = 0;
      uint64_t digest_again = 0;
      if (check_state(r, idx, &again, &digest_again) == 0 && (again != c || digest_again != digest))
        FAIL(st, "reader %d: a held snapshot of commit %d changed (now commit %d, digest %s)", r->id, c,
             again, digest_again == digest ? "same" : "different");
      r->held_across_commits += moved_on;
    }
    kz_index_close(idx);
  }
  return NULL;
}

static void test_live_readers__snapshots_hold_through_adds_replaces_deletes_and_merges(void) {
  CHECK(make_root());
  char dir[512];
  snprintf(dir, sizeof dir, "%s/live", g_root);
  shared_state st;
  memset(&st, 0, sizeof st);
  st.dir = dir;
  atomic_init(&st.writer_done, 0);
  atomic_init(&st.failed, 0);
  atomic_init(&st.commits_done, 0);
  static reader rr[READERS];
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

  long snapshots = 0, held = 0;
  int distinct = 0;
  for (int c = 0; c < COMMITS; c++) {
    int seen = 0;
    for (int i = 0; i < READERS; i++) seen += rr[i].commits_seen[c];
    distinct += seen > 0;
  }
  for (int i = 0; i < READERS; i++) snapshots += rr[i].snapshots, held += rr[i].held_across_commits;
  printf("readers: %ld snapshots checked (%ld held across a later commit), %d distinct commits seen\n",
         snapshots, held, distinct);
  /* The run means something only if snapshots were held while the writer moved on. */
  CHECK(distinct >= 3);
  CHECK(held >= 2);
}

KZ_TEST_MAIN(KZ_TEST(test_live_readers__snapshots_hold_through_adds_replaces_deletes_and_merges))
