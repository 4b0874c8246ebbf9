/*
 * test_live_updates.c - adding an existing id replaces the document and
 * deleting an id removes it, across commits, writer sessions and segments:
 * after every commit, counts and the sets of matching ids equal those of a
 * reference that keeps only the live version of each id.
 *
 * Scores are not compared here: BM25 statistics keep counting deleted
 * documents until their segment is merged away (docs/FORMAT.md, "Deletions").
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kz_test.h"
#include "kzsearch.h"

#define N_IDS 300
#define VOCAB 60
#define MAX_WORDS 30
#define STEPS 1000

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static void word(char *buf, size_t size, unsigned w) {
  snprintf(buf, size, "w%c%cx", 'a' + w % 26, 'a' + (w / 26) % 26);
}

/* The reference: the live text of every id (words as numbers), or none. */
typedef struct ref_doc {
  int live;
  int n;
  unsigned words[MAX_WORDS];
} ref_doc;

static ref_doc ref[N_IDS];

static int ref_has(const ref_doc *d, unsigned w) {
  for (int i = 0; i < d->n; i++)
    if (d->words[i] == w) return 1;
  return 0;
}

static void make_doc(ref_doc *d, char *body, size_t size) {
  d->n = 1 + (int)(rng() % MAX_WORDS);
  size_t len = 0;
  body[0] = 0;
  for (int i = 0; i < d->n; i++) {
    d->words[i] = (unsigned)(rng() % VOCAB);
    char w[16];
    word(w, sizeof w, d->words[i]);
    len += (size_t)snprintf(body + len, size - len, "%s ", w);
  }
}

/* Compares one query with the reference: its count and the set of matching ids. */
static int compare_query(kz_index *idx, unsigned a, unsigned b, int conj) {
  char q[64], wa[16], wb[16];
  word(wa, sizeof wa, a);
  word(wb, sizeof wb, b);
  snprintf(q, sizeof q, "%s %s %s", wa, conj ? "AND" : "OR", wb);
  unsigned char expect[N_IDS] = {0};
  uint64_t want = 0;
  for (int i = 0; i < N_IDS; i++) {
    if (!ref[i].live) continue;
    int ha = ref_has(&ref[i], a), hb = ref_has(&ref[i], b);
    if (conj ? ha && hb : ha || hb) expect[i] = 1, want++;
  }
  kz_error err;
  uint64_t count = 0;
  if (kz_count(&count, idx, q, NULL, &err) != KZ_OK || count != want) {
    fprintf(stderr, "query [%s]: count %llu, expected %llu\n", q, (unsigned long long)count,
            (unsigned long long)want);
    return 0;
  }
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.k = N_IDS;
  o.ids_only = 1;
  kz_hits *h;
  if (kz_search(&h, idx, q, &o, &err) != KZ_OK) return 0;
  int ok = kz_hits_size(h) == want && kz_hits_total(h) == want;
  for (size_t i = 0; ok && i < kz_hits_size(h); i++) {
    int id = atoi(kz_hits_at(h, i)->id + 3);
    ok = id >= 0 && id < N_IDS && expect[id];
    expect[id] = 0; /* each id at most once */
  }
  if (!ok) fprintf(stderr, "query [%s]: the matching ids differ from the reference\n", q);
  kz_hits_free(h);
  return ok;
}

static int verify(const char *dir) {
  kz_index *idx;
  kz_error err;
  if (kz_index_open(&idx, dir, &err) != KZ_OK) {
    fprintf(stderr, "open: %s\n", err.message);
    return 0;
  }
  kz_index_stats st;
  uint64_t live = 0;
  for (int i = 0; i < N_IDS; i++) live += ref[i].live;
  int ok = kz_index_stats_get(idx, &st, &err) == KZ_OK && st.documents == live;
  if (!ok) fprintf(stderr, "documents %llu, expected %llu\n", (unsigned long long)st.documents,
                   (unsigned long long)live);
  for (int q = 0; ok && q < 20; q++)
    ok = compare_query(idx, (unsigned)(rng() % VOCAB), (unsigned)(rng() % VOCAB), (int)(rng() % 2));
  kz_index_close(idx);
  kz_check_report rep;
  if (ok && (kz_index_check(dir, 1, NULL, NULL, &rep, &err) != KZ_OK || rep.problems)) {
    fprintf(stderr, "check found %llu problems\n", (unsigned long long)rep.problems);
    ok = 0;
  }
  return ok;
}

static void test_live_updates__replace_and_delete_match_reference(void) {
  char dir[] = "/tmp/kz_live_XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  kz_writer_options wo = KZ_WRITER_OPTIONS_INIT;
  wo.memory_bytes = 256 << 10;
  kz_writer *w = NULL;
  kz_error err;
  CHECK(kz_writer_open(&w, dir, &wo, &err) == KZ_OK);
  int commits = 0, replaced = 0, deleted = 0, missing = 0;
  for (int step = 0; step < STEPS; step++) {
    int id = (int)(rng() % N_IDS), op = (int)(rng() % 10);
    char sid[16];
    snprintf(sid, sizeof sid, "id-%d", id);
    if (op < 7) { /* add or replace, sometimes twice within one commit */
      char body[MAX_WORDS * 8];
      ref_doc d;
      make_doc(&d, body, sizeof body);
      d.live = 1;
      kz_document doc = {sid, strlen(sid), "t", 1, body, strlen(body), NULL, 0, NULL, 0};
      CHECK(kz_writer_add(w, &doc, &err) == KZ_OK);
      replaced += ref[id].live;
      ref[id] = d;
    } else if (op < 9) {
      int found = -1;
      CHECK(kz_writer_delete(w, sid, strlen(sid), &found, &err) == KZ_OK);
      CHECK_EQ_INT(found, ref[id].live);
      deleted += found;
      missing += !found;
      ref[id].live = 0;
    } else {
      CHECK(kz_writer_commit(w, &err) == KZ_OK);
      commits++;
      if (!verify(dir)) {
        kz_writer_close(w);
        CHECK(!"index differs from the reference after a commit");
      }
      if (rng() % 3 == 0) { /* a new writer session must know the committed ids */
        kz_writer_close(w);
        CHECK(kz_writer_open(&w, dir, &wo, &err) == KZ_OK);
      }
    }
  }
  CHECK(kz_writer_commit(w, &err) == KZ_OK);
  kz_writer_close(w);
  CHECK(verify(dir));
  kz_index *idx;
  kz_index_stats st;
  CHECK(kz_index_open(&idx, dir, &err) == KZ_OK);
  CHECK(kz_index_stats_get(idx, &st, &err) == KZ_OK);
  kz_index_close(idx);
  printf("%llu segments after automatic merges\n", (unsigned long long)st.segments);
  CHECK(st.segments < (uint64_t)commits / 2); /* the merge policy ran */
  printf("%d steps, %d commits, %d replacements, %d deletions, %d deletions of absent ids\n", STEPS,
         commits + 1, replaced, deleted, missing);
  CHECK(replaced > 0 && deleted > 0 && missing > 0);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
}

static void test_live_updates__uncommitted_deletes_are_discarded(void) {
  char dir[] = "/tmp/kz_live_XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  kz_writer *w;
  kz_error err;
  CHECK(kz_writer_open(&w, dir, NULL, &err) == KZ_OK);
  kz_document doc = {"a", 1, "title", 5, "body text", 9, NULL, 0, NULL, 0};
  CHECK(kz_writer_add(w, &doc, &err) == KZ_OK);
  CHECK(kz_writer_commit(w, &err) == KZ_OK);
  int found = 0;
  CHECK(kz_writer_delete(w, "a", 1, &found, &err) == KZ_OK);
  CHECK(found == 1);
  kz_writer_close(w); /* no commit */
  kz_index *idx;
  CHECK(kz_index_open(&idx, dir, &err) == KZ_OK);
  uint64_t n = 0;
  CHECK(kz_count(&n, idx, "body", NULL, &err) == KZ_OK);
  CHECK_EQ_INT(n, 1);
  kz_index_close(idx);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
}

KZ_TEST_MAIN(KZ_TEST(test_live_updates__replace_and_delete_match_reference),
             KZ_TEST(test_live_updates__uncommitted_deletes_are_discarded))
