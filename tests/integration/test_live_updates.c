/*
 * test_live_updates.c - adding an existing id replaces the document and
 * deleting an id removes it, across commits, merges, compactions and writer
 * sessions, and BM25 follows the statistics rule of docs/FORMAT.md
 * ("Deletions"): after every step of a random interleaving, counts, the
 * top-k ids, their document numbers and their scores equal those of a
 * brute-force reference.
 *
 * The reference models the index's segments itself rather than asking the
 * engine: a writer session's documents form one segment at its commit (one
 * indexing thread, a budget far above what the test adds), a replaced or
 * deleted document stays in its segment marked deleted, a commit drops every
 * segment left without a live document, then the merge policy of
 * indexer/merger.h runs (levels by live documents in powers of ten; ten
 * adjacent segments of one level merge into one of the live documents in
 * order) until it finds nothing, and kz_writer_compact merges what is left
 * into one. BM25's N, df and average length count every document of the
 * visible segments, deleted ones included; only live ones match. The model
 * is checked against the engine's own account through the public API: the
 * merges reported to kz_writer_options.merge_progress, kz_index_stats_get
 * (segments, live and deleted documents, average length) and the global
 * document number of every hit, which pins down where each document sits.
 *
 * Deterministic (kz_test_corpus.h's xorshift64, fixed seed). Owns a
 * temporary directory (removed at the end) and every reference structure.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

#define N_IDS 500
#define VOCAB 60
#define MAX_WORDS 30
#define STEPS 750
#define ROUND_STEPS 250 /* each round of steps ends in a phase of batches */
#define BATCH_STEPS 20
#define MERGE_FACTOR 10 /* indexer/merger.h, KZ_MERGE_FACTOR */

/*
 * Scores are computed here with the engine's formula in double precision;
 * only the order of additions may differ. A statistics error (one document
 * too many or too few in N, a df or the average length) moves scores by
 * some 1e-4 relative at this corpus size, far above this bound.
 */
#define SCORE_TOLERANCE 1e-9

static kz_test_rng g_rng = {0x2545f4914f6cdd1dull, KZ_TEST_XORSHIFT64};

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fprintf(stderr, "test_live_updates: out of memory\n");
    exit(2);
  }
  return q;
}

/* ======================================================================== */
/* The reference                                                            */
/* ======================================================================== */

/* One version of a document: what one kz_writer_add gave. */
typedef struct version {
  int id;
  int n_words;
  unsigned words[MAX_WORDS];
  int deleted;           /* replaced or deleted, as the writer knows it */
  int committed_deleted; /* as readers see it */
} version;

/* A segment: versions in document order. */
typedef struct segment {
  size_t *docs;
  size_t n;
} segment;

/* A merge as kz_merge_event reports it at its start. */
typedef struct merge_rec {
  int compact;
  uint64_t segments, index_segments, documents, live;
} merge_rec;

#define MAX_MERGES 64

typedef struct model {
  version *v;
  size_t n_v;
  segment *segs; /* committed, in manifest order */
  size_t n_segs;
  segment pending; /* this writer session's documents, uncommitted */
  long live[N_IDS], committed_live[N_IDS]; /* version of each id's live document, -1 = none */
  merge_rec merges[MAX_MERGES];            /* the merges of the last commit or compact */
  size_t n_merges;
  size_t dropped; /* segments dropped because nothing in them was live */
} model;

static void segment_push(segment *s, size_t v) {
  s->docs = xrealloc(s->docs, (s->n + 1) * sizeof *s->docs);
  s->docs[s->n++] = v;
}

static void model_init(model *m) {
  memset(m, 0, sizeof *m);
  for (int i = 0; i < N_IDS; i++) m->live[i] = m->committed_live[i] = -1;
}

static void model_free(model *m) {
  for (size_t i = 0; i < m->n_segs; i++) free(m->segs[i].docs);
  free(m->segs);
  free(m->pending.docs);
  free(m->v);
}

static size_t committed_deleted(const model *m, const segment *s) {
  size_t n = 0;
  for (size_t i = 0; i < s->n; i++) n += m->v[s->docs[i]].committed_deleted;
  return n;
}

/* The policy's level of a segment: its live documents' order of magnitude. */
static unsigned level_of(const model *m, const segment *s) {
  size_t live = s->n - committed_deleted(m, s);
  unsigned level = 0;
  while (live >= MERGE_FACTOR) {
    live /= MERGE_FACTOR;
    level++;
  }
  return level;
}

/* Adds a version of `id`; the id's previous live version, if any, becomes deleted. */
static size_t model_add(model *m, int id, int n_words, const unsigned *words, int *replaced,
                        int *same_session) {
  m->v = xrealloc(m->v, (m->n_v + 1) * sizeof *m->v);
  version *d = &m->v[m->n_v];
  memset(d, 0, sizeof *d);
  d->id = id;
  d->n_words = n_words;
  memcpy(d->words, words, (size_t)n_words * sizeof *words);
  long old = m->live[id];
  *replaced = old >= 0;
  *same_session = 0;
  if (old >= 0) {
    m->v[old].deleted = 1;
    for (size_t i = 0; i < m->pending.n; i++) *same_session |= m->pending.docs[i] == (size_t)old;
  }
  m->live[id] = (long)m->n_v;
  segment_push(&m->pending, m->n_v);
  return m->n_v++;
}

/* @return whether `id` had a live version (now deleted). */
static int model_delete(model *m, int id) {
  if (id < 0 || id >= N_IDS || m->live[id] < 0) return 0;
  m->v[m->live[id]].deleted = 1;
  m->live[id] = -1;
  return 1;
}

/* Replaces segments [first, first + count) by one holding their live documents. */
static void model_merge(model *m, size_t first, size_t count, int compact) {
  merge_rec r = {compact, count, m->n_segs, 0, 0};
  segment merged = {NULL, 0};
  for (size_t i = first; i < first + count; i++) {
    r.documents += m->segs[i].n;
    for (size_t k = 0; k < m->segs[i].n; k++)
      if (!m->v[m->segs[i].docs[k]].committed_deleted) segment_push(&merged, m->segs[i].docs[k]);
    free(m->segs[i].docs);
  }
  r.live = merged.n;
  if (m->n_merges < MAX_MERGES) m->merges[m->n_merges++] = r;
  size_t keep = merged.n ? 1 : 0; /* a merge that keeps nothing leaves no segment */
  if (keep) m->segs[first] = merged;
  memmove(&m->segs[first + keep], &m->segs[first + count],
          (m->n_segs - first - count) * sizeof *m->segs);
  m->n_segs -= count - keep;
}

/* The merge policy after a commit: ten adjacent segments of one level, until none. */
static void model_merge_by_policy(model *m) {
  for (;;) {
    size_t run = 0, i;
    for (i = 0; i < m->n_segs; i++) {
      run = i > 0 && level_of(m, &m->segs[i]) == level_of(m, &m->segs[i - 1]) ? run + 1 : 1;
      if (run == MERGE_FACTOR) break;
    }
    if (i == m->n_segs) return;
    model_merge(m, i + 1 - MERGE_FACTOR, MERGE_FACTOR, 0);
  }
}

static void model_commit(model *m) {
  m->n_merges = 0;
  if (m->pending.n) {
    m->segs = xrealloc(m->segs, (m->n_segs + 1) * sizeof *m->segs);
    m->segs[m->n_segs++] = m->pending;
    m->pending.docs = NULL;
    m->pending.n = 0;
  }
  for (size_t i = 0; i < m->n_v; i++) m->v[i].committed_deleted = m->v[i].deleted;
  memcpy(m->committed_live, m->live, sizeof m->live);
  size_t kept = 0;
  for (size_t i = 0; i < m->n_segs; i++) {
    if (committed_deleted(m, &m->segs[i]) == m->segs[i].n) {
      free(m->segs[i].docs);
      m->dropped++;
      continue;
    }
    m->segs[kept++] = m->segs[i];
  }
  m->n_segs = kept;
  model_merge_by_policy(m);
}

static void model_compact(model *m) {
  model_commit(m);
  size_t deleted = 0;
  for (size_t i = 0; i < m->n_segs; i++) deleted += committed_deleted(m, &m->segs[i]);
  if (m->n_segs > 1 || deleted) model_merge(m, 0, m->n_segs, 1);
}

/* Closing the writer without a commit: its documents, replacements and deletions vanish. */
static void model_abandon(model *m) {
  m->pending.n = 0;
  for (size_t i = 0; i < m->n_v; i++) m->v[i].deleted = m->v[i].committed_deleted;
  memcpy(m->live, m->committed_live, sizeof m->live);
}

/* ======================================================================== */
/* What readers see, and BM25 over it                                       */
/* ======================================================================== */

/* The committed state flattened: global document number -> version, and the statistics. */
typedef struct snapshot {
  size_t *doc; /* version of each global document number */
  size_t n_docs, live, deleted;
  uint64_t total_length;
  double avgdl;
  uint64_t df[VOCAB]; /* documents holding each word, deleted ones included */
} snapshot;

static uint32_t doc_length(const version *d) { return 1 + (uint32_t)d->n_words; } /* title "t" */

static void snapshot_take(snapshot *s, const model *m) {
  memset(s, 0, sizeof *s);
  for (size_t i = 0; i < m->n_segs; i++) s->n_docs += m->segs[i].n;
  s->doc = xrealloc(NULL, s->n_docs * sizeof *s->doc);
  size_t g = 0;
  for (size_t i = 0; i < m->n_segs; i++)
    for (size_t k = 0; k < m->segs[i].n; k++) {
      const version *d = &m->v[m->segs[i].docs[k]];
      s->doc[g++] = m->segs[i].docs[k];
      if (d->committed_deleted)
        s->deleted++;
      else
        s->live++;
      s->total_length += doc_length(d);
      unsigned char seen[VOCAB] = {0};
      for (int w = 0; w < d->n_words; w++) {
        if (!seen[d->words[w]]) s->df[d->words[w]]++;
        seen[d->words[w]] = 1;
      }
    }
  s->avgdl = s->n_docs ? (double)s->total_length / (double)s->n_docs : 1.0;
}

static double idf(const snapshot *s, uint64_t df) {
  return log(1.0 + ((double)s->n_docs - (double)df + 0.5) / ((double)df + 0.5));
}

static double bm25(const snapshot *s, double idf_value, uint32_t tf, uint32_t dl) {
  const double k1 = 1.2, b = 0.75;
  return idf_value * tf / (tf + k1 * (1.0 - b + b * dl / s->avgdl));
}

static uint32_t tf_of(const version *d, unsigned w) {
  uint32_t n = 0;
  for (int i = 0; i < d->n_words; i++) n += d->words[i] == w;
  return n;
}

static uint32_t phrase_freq(const version *d, unsigned a, unsigned b) {
  uint32_t n = 0;
  for (int i = 0; i + 1 < d->n_words; i++) n += d->words[i] == a && d->words[i + 1] == b;
  return n;
}

enum { Q_TERM, Q_OR, Q_AND, Q_PHRASE, Q_MUST_SHOULD, Q_NOT, Q_KINDS };

/* Whether version d matches query (kind, a, b) and its score (the statistics from s). */
static int ref_eval(const snapshot *s, const version *d, int kind, unsigned a, unsigned b,
                    double *score) {
  uint32_t ta = tf_of(d, a), tb = tf_of(d, b), dl = doc_length(d);
  double sa = ta ? bm25(s, idf(s, s->df[a]), ta, dl) : 0;
  double sb = tb ? bm25(s, idf(s, s->df[b]), tb, dl) : 0;
  int match = 0;
  *score = 0;
  switch (kind) {
    case Q_TERM: match = ta > 0, *score = sa; break;
    case Q_OR: match = ta || tb, *score = sa + sb; break;
    case Q_AND: match = ta && tb, *score = sa + sb; break;
    case Q_PHRASE: {
      uint32_t pf = phrase_freq(d, a, b);
      match = pf > 0;
      if (match) *score = bm25(s, idf(s, s->df[a]) + idf(s, s->df[b]), pf, dl);
      break;
    }
    case Q_MUST_SHOULD: match = ta > 0, *score = sa + sb; break;
    case Q_NOT: match = ta && !tb, *score = sa; break;
  }
  return match;
}

static void query_text(char *q, size_t size, int kind, unsigned a, unsigned b) {
  char wa[16], wb[16];
  kz_test_word(wa, sizeof wa, 'w', a);
  kz_test_word(wb, sizeof wb, 'w', b);
  switch (kind) {
    case Q_TERM: snprintf(q, size, "%s", wa); break;
    case Q_OR: snprintf(q, size, "%s OR %s", wa, wb); break;
    case Q_AND: snprintf(q, size, "%s AND %s", wa, wb); break;
    case Q_PHRASE: snprintf(q, size, "\"%s %s\"", wa, wb); break;
    case Q_MUST_SHOULD: snprintf(q, size, "+%s %s", wa, wb); break;
    default: snprintf(q, size, "%s -%s", wa, wb); break;
  }
}

/* ======================================================================== */
/* Comparing                                                                */
/* ======================================================================== */

typedef struct ranked {
  double score;
  size_t doc; /* global document number */
} ranked;

static int by_rank(const void *pa, const void *pb) {
  const ranked *a = pa, *b = pb;
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  return (a->doc > b->doc) - (a->doc < b->doc);
}

static int close_rel(double a, double b) {
  double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
  return fabs(a - b) <= SCORE_TOLERANCE * m;
}

static int id_matches(const char *id, int n) {
  char want[16];
  snprintf(want, sizeof want, "id-%d", n);
  return strcmp(id, want) == 0;
}

static kz_hits *search(kz_index *idx, const char *q, size_t k) {
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.collapse = 0; /* exact hit lists of generated look-alike documents */
  o.k = k;
  o.ids_only = 1;
  kz_hits *h = NULL;
  kz_error err;
  if (kz_search(&h, idx, q, &o, &err) != KZ_OK) fprintf(stderr, "query [%s]: %s\n", q, err.message);
  return h;
}

/*
 * Every match in the engine's order against the reference: the id at each
 * document number, the score, the rank (up to near-ties that rounding may
 * flip), and the order itself (score, then the earlier document).
 */
static int compare_ranking(const kz_hits *h, const char *q, const model *m, const snapshot *s,
                           const double *score, const ranked *expect, size_t want) {
  if (kz_hits_size(h) != want || kz_hits_total(h) != want) {
    fprintf(stderr, "query [%s]: %zu hits of %llu, expected %zu\n", q, kz_hits_size(h),
            (unsigned long long)kz_hits_total(h), want);
    return 0;
  }
  for (size_t i = 0; i < want; i++) {
    const kz_hit *hit = kz_hits_at(h, i), *prev = i ? kz_hits_at(h, i - 1) : NULL;
    const version *d = hit->doc < s->n_docs ? &m->v[s->doc[hit->doc]] : NULL;
    if (!d || d->committed_deleted || !id_matches(hit->id, d->id)) {
      fprintf(stderr, "query [%s] rank %zu: %s as document %llu, where the reference has %s\n", q,
              i, hit->id, (unsigned long long)hit->doc,
              !d ? "no document" : d->committed_deleted ? "a deleted one" : "another id");
      return 0;
    }
    if (!close_rel(hit->score, score[hit->doc])) {
      fprintf(stderr, "query [%s] rank %zu: %s scores %.17g, the reference %.17g\n", q, i,
              hit->id, hit->score, score[hit->doc]);
      return 0;
    }
    if (!close_rel(score[hit->doc], expect[i].score)) {
      fprintf(stderr, "query [%s] rank %zu: %s (%.17g) where the reference ranks id-%d (%.17g)\n",
              q, i, hit->id, hit->score, m->v[s->doc[expect[i].doc]].id, expect[i].score);
      return 0;
    }
    if (prev && (prev->score < hit->score || (prev->score == hit->score && prev->doc >= hit->doc))) {
      fprintf(stderr, "query [%s] ranks %zu-%zu: out of order (ties go to the earlier document)\n",
              q, i - 1, i);
      return 0;
    }
  }
  return 1;
}

/* The top k must be the first k of the whole ranking, exactly. */
static int same_prefix(const kz_hits *top, const kz_hits *all, const char *q, size_t k) {
  size_t n = kz_hits_size(all) < k ? kz_hits_size(all) : k;
  int ok = kz_hits_size(top) == n && kz_hits_total(top) == kz_hits_total(all);
  for (size_t i = 0; ok && i < n; i++) {
    const kz_hit *a = kz_hits_at(top, i), *b = kz_hits_at(all, i);
    ok = a->doc == b->doc && a->score == b->score && strcmp(a->id, b->id) == 0;
  }
  if (!ok) fprintf(stderr, "query [%s]: the top %zu differ from the whole ranking's first ones\n", q, k);
  return ok;
}

/* One query: its count, its whole ranking, and its top k. */
static int compare_query(kz_index *idx, const model *m, const snapshot *s, int kind, unsigned a,
                         unsigned b, size_t k) {
  char q[64];
  query_text(q, sizeof q, kind, a, b);
  ranked *expect = xrealloc(NULL, s->n_docs * sizeof *expect);
  double *score = xrealloc(NULL, s->n_docs * sizeof *score);
  size_t want = 0;
  for (size_t g = 0; g < s->n_docs; g++) {
    const version *d = &m->v[s->doc[g]];
    int match = ref_eval(s, d, kind, a, b, &score[g]);
    if (match && !d->committed_deleted) expect[want++] = (ranked){score[g], g};
  }
  qsort(expect, want, sizeof *expect, by_rank);
  kz_error err;
  uint64_t count = 0;
  int ok = kz_count(&count, idx, q, NULL, &err) == KZ_OK && count == want;
  if (!ok)
    fprintf(stderr, "query [%s]: count %llu, expected %zu\n", q, (unsigned long long)count, want);
  kz_hits *all = ok ? search(idx, q, N_IDS) : NULL; /* N_IDS: more than the live documents */
  kz_hits *top = all && k < N_IDS ? search(idx, q, k) : NULL;
  ok = ok && all && compare_ranking(all, q, m, s, score, expect, want) &&
       (k >= N_IDS || (top && same_prefix(top, all, q, k)));
  kz_hits_free(all);
  kz_hits_free(top);
  free(expect);
  free(score);
  return ok;
}

/* The visible index against the model: statistics, then `queries` random queries. */
static int verify(const char *dir, const model *m, int queries) {
  kz_index *idx;
  kz_error err;
  if (kz_index_open(&idx, dir, &err) != KZ_OK) {
    fprintf(stderr, "open: %s\n", err.message);
    return 0;
  }
  snapshot s;
  snapshot_take(&s, m);
  kz_index_stats st = KZ_INDEX_STATS_INIT;
  int ok = kz_index_stats_get(idx, &st, &err) == KZ_OK;
  if (ok && (st.segments != m->n_segs || st.documents != s.live || st.deleted_documents != s.deleted ||
             (s.n_docs && st.avg_doc_length != s.avgdl))) {
    fprintf(stderr,
            "stats: %llu segments, %llu live and %llu deleted documents, average length %.17g; "
            "reference %zu, %zu, %zu, %.17g\n",
            (unsigned long long)st.segments, (unsigned long long)st.documents,
            (unsigned long long)st.deleted_documents, st.avg_doc_length, m->n_segs, s.live,
            s.deleted, s.avgdl);
    ok = 0;
  }
  static const size_t ks[] = {1, 5, 10, N_IDS};
  for (int i = 0; ok && i < queries; i++) {
    int kind = (int)kz_test_rand_below(&g_rng, Q_KINDS);
    unsigned a = (unsigned)kz_test_rand_below(&g_rng, VOCAB);
    unsigned b = (unsigned)kz_test_rand_below(&g_rng, VOCAB - 1);
    b += b >= a; /* two different words */
    ok = compare_query(idx, m, &s, kind, a, b, ks[kz_test_rand_below(&g_rng, 4)]);
  }
  kz_index_close(idx);
  free(s.doc);
  return ok;
}

/* ======================================================================== */
/* The random interleaving                                                  */
/* ======================================================================== */

typedef struct recorder {
  merge_rec merges[MAX_MERGES];
  size_t n, ends, failed;
} recorder;

static void on_merge(void *ctx, const kz_merge_event *e) {
  recorder *r = ctx;
  if (e->phase == KZ_MERGE_END) {
    r->ends++;
    r->failed += e->status != KZ_OK || e->done_documents != e->live_documents;
  }
  if (e->phase != KZ_MERGE_START || r->n == MAX_MERGES) return;
  merge_rec x = {e->compact, e->segments, e->index_segments, e->documents, e->live_documents};
  r->merges[r->n++] = x;
}

static int same_merge(const merge_rec *a, const merge_rec *b) {
  return a->compact == b->compact && a->segments == b->segments &&
         a->index_segments == b->index_segments && a->documents == b->documents && a->live == b->live;
}

static void print_merges(const char *who, const merge_rec *r, size_t n) {
  fprintf(stderr, "  %s:", who);
  for (size_t i = 0; i < n; i++)
    fprintf(stderr, " [%s%llu of %llu segments, %llu documents, %llu live]", r[i].compact ? "compact, " : "",
            (unsigned long long)r[i].segments, (unsigned long long)r[i].index_segments,
            (unsigned long long)r[i].documents, (unsigned long long)r[i].live);
  fputc('\n', stderr);
}

/* The merges the engine reported for the last commit or compact against the model's. */
static int same_merges(const recorder *r, const model *m) {
  int ok = r->n == m->n_merges && r->ends == r->n && r->failed == 0;
  for (size_t i = 0; ok && i < r->n; i++) ok = same_merge(&r->merges[i], &m->merges[i]);
  if (!ok) {
    fprintf(stderr, "merges differ (%zu reported ended, %zu failed):\n", r->ends, r->failed);
    print_merges("engine", r->merges, r->n);
    print_merges("model", m->merges, m->n_merges);
  }
  return ok;
}

static kz_writer *open_writer(const char *dir, recorder *r) {
  kz_writer_options wo = KZ_WRITER_OPTIONS_INIT;
  wo.threads = 1; /* one segment per writer session and commit, as the model has it */
  wo.merge_progress = on_merge;
  wo.merge_ctx = r;
  kz_writer *w = NULL;
  kz_error err;
  if (kz_writer_open(&w, dir, &wo, &err) != KZ_OK) fprintf(stderr, "open: %s\n", err.message);
  return w;
}

typedef struct tally {
  int adds, replaced, same_session, deleted, missing, commits, compacts, reopens, abandoned;
  size_t merges, big_merges; /* merges, and those of segments of ten or more live documents */
} tally;

/* Adds a random text under `id` to the index and to the model. */
static int add_random(kz_writer *w, model *m, int id, tally *t) {
  unsigned words[MAX_WORDS];
  int n = 1 + (int)kz_test_rand_below(&g_rng, MAX_WORDS);
  char body[MAX_WORDS * 8], sid[16];
  size_t len = 0;
  for (int i = 0; i < n; i++) {
    words[i] = (unsigned)kz_test_rand_below(&g_rng, VOCAB);
    if (!kz_test_append_word(body, sizeof body, &len, 'w', words[i])) {
      fprintf(stderr, "add %d: the text outgrew its buffer\n", id);
      return 0;
    }
  }
  snprintf(sid, sizeof sid, "id-%d", id);
  kz_document doc = {sizeof(kz_document), sid, strlen(sid), "t", 1, body, len, NULL, 0, NULL, 0};
  kz_error err;
  if (kz_writer_add(w, &doc, &err) != KZ_OK) {
    fprintf(stderr, "add %s: %s\n", sid, err.message);
    return 0;
  }
  int replaced, same_session;
  model_add(m, id, n, words, &replaced, &same_session);
  t->adds++;
  t->replaced += replaced;
  t->same_session += same_session;
  return 1;
}

enum { OP_ADD, OP_AGAIN, OP_BATCH, OP_DELETE, OP_DELETE_UNKNOWN, OP_COMMIT, OP_COMPACT, OP_REOPEN,
       OP_ABANDON };

/*
 * Draws the next step. Each round of steps trickles (single adds, deletions
 * and small commits, so that small segments pile up and the policy merges
 * ten of them), then ends in batches (mostly a commit of 10 to 29 documents
 * per step, so that segments of the next level pile up and merge in turn).
 * Compactions are rare enough to let those merges happen.
 */
static int draw_op(int batches) {
  int r = (int)kz_test_rand_below(&g_rng, 1000);
  if (batches)
    return r < 850 ? OP_BATCH : r < 950 ? OP_DELETE : OP_ADD;
  return r < 520   ? OP_ADD
         : r < 600 ? OP_AGAIN
         : r < 750 ? OP_DELETE
         : r < 780 ? OP_DELETE_UNKNOWN
         : r < 920 ? OP_COMMIT
         : r < 923 ? OP_COMPACT
         : r < 975 ? OP_REOPEN
                   : OP_ABANDON;
}

static void test_live_updates__interleaved_updates_match_reference_with_scores(void) {
  char dir[256]; /* hundreds of commits fsync: free on a tmpfs */
  CHECK(kz_test_make_fast_temp_dir(dir, sizeof dir, "kz_live"));
  model m;
  model_init(&m);
  recorder rec = {0};
  tally t = {0};
  kz_writer *w = open_writer(dir, &rec);
  kz_error err;
  CHECK(w != NULL);
  CHECK(kz_writer_commit(w, &err) == KZ_OK); /* an empty index, so that readers can open it */
  int last_added = -1; /* the id added last in this session */
  int ok = 1;
  for (int step = 0; ok && step < STEPS; step++) {
    int round_step = step % ROUND_STEPS, committed = 0;
    int op = draw_op(round_step >= ROUND_STEPS - BATCH_STEPS);
    int id = (int)kz_test_rand_below(&g_rng, N_IDS);
    /* Each round ends compacted into one segment; the next deletes from it and compacts again. */
    if (round_step == ROUND_STEPS - 1 || (step > ROUND_STEPS && round_step == 1)) op = OP_COMPACT;
    if (step > ROUND_STEPS && round_step == 0) {
      op = OP_DELETE;
      for (int i = 0; i < N_IDS && m.live[id] < 0; i++) id = (id + 1) % N_IDS;
    }
    if (op == OP_AGAIN && last_added >= 0) id = last_added;
    if (op == OP_ADD || op == OP_AGAIN) {
      ok = add_random(w, &m, id, &t);
      last_added = id;
    }
    for (int n = op == OP_BATCH ? 10 + (int)kz_test_rand_below(&g_rng, 20) : 0; ok && n > 0; n--)
      ok = add_random(w, &m, (int)kz_test_rand_below(&g_rng, N_IDS), &t);
    if (op == OP_DELETE || op == OP_DELETE_UNKNOWN) {
      char sid[24];
      if (op == OP_DELETE_UNKNOWN) /* never added; nor is "id-" past N_IDS */
        snprintf(sid, sizeof sid, "%s-%d", kz_test_rand_below(&g_rng, 2) ? "ghost" : "id",
                 N_IDS + id);
      else
        snprintf(sid, sizeof sid, "id-%d", id);
      int found = -1;
      ok = kz_writer_delete(w, sid, strlen(sid), &found, &err) == KZ_OK;
      int expected = op == OP_DELETE ? model_delete(&m, id) : 0;
      if (ok && found != expected) {
        fprintf(stderr, "deleting %s: found %d, the reference says %d\n", sid, found, expected);
        ok = 0;
      }
      t.deleted += expected;
      t.missing += !expected;
    } else if (op == OP_COMMIT || op == OP_REOPEN || op == OP_BATCH || op == OP_COMPACT) {
      int compact = op == OP_COMPACT;
      rec.n = rec.ends = rec.failed = 0;
      ok = (compact ? kz_writer_compact(w, &err) : kz_writer_commit(w, &err)) == KZ_OK;
      if (compact)
        model_compact(&m);
      else
        model_commit(&m);
      ok = ok && same_merges(&rec, &m);
      t.compacts += compact;
      t.commits += !compact;
      t.merges += m.n_merges;
      for (size_t i = 0; i < m.n_merges; i++)
        t.big_merges += !m.merges[i].compact && m.merges[i].live >= 10 * MERGE_FACTOR;
      committed = 1;
    }
    if (op == OP_REOPEN || op == OP_ABANDON) { /* a new session must know the committed ids */
      kz_writer_close(w);
      if (op == OP_ABANDON) model_abandon(&m);
      w = open_writer(dir, &rec);
      ok = ok && w != NULL;
      last_added = -1;
      t.reopens += op == OP_REOPEN;
      t.abandoned += op == OP_ABANDON;
    }
    if (!ok) {
      fprintf(stderr, "step %d (operation %d) failed\n", step, op);
      break;
    }
    /* Uncommitted work must stay invisible: after every step, fewer queries when nothing changed. */
    if (!verify(dir, &m, committed || op == OP_ABANDON ? 12 : 1)) {
      fprintf(stderr, "the index differs from the reference after step %d (operation %d)\n", step, op);
      ok = 0;
    }
    kz_check_report report = KZ_CHECK_REPORT_INIT;
    if (ok && committed && (kz_index_check(dir, 1, NULL, NULL, &report, &err) != KZ_OK || report.problems)) {
      fprintf(stderr, "check after step %d: %llu problems\n", step, (unsigned long long)report.problems);
      ok = 0;
    }
  }
  kz_writer_close(w);
  printf("%d steps: %d adds (%d replacements, %d of a version from the same session), %d deletions, "
         "%d of absent ids, %d commits, %d compactions, %d new sessions, %d abandoned ones, %zu merges "
         "(%zu automatic ones of larger segments), %zu segments dropped\n",
         STEPS, t.adds, t.replaced, t.same_session, t.deleted, t.missing, t.commits, t.compacts,
         t.reopens, t.abandoned, t.merges, t.big_merges, m.dropped);
  model_free(&m);
  CHECK(kz_test_remove_tree(dir));
  CHECK(ok);
  /* The interleaving covered what it is meant to. */
  CHECK(t.replaced > 0 && t.same_session > 0 && t.deleted > 0 && t.missing > 0);
  CHECK(t.compacts > 0 && t.abandoned > 0 && t.merges > (size_t)t.compacts && t.big_merges > 0 &&
        m.dropped > 0);
}

static void test_live_updates__uncommitted_deletes_are_discarded(void) {
  char dir[256];
  CHECK(kz_test_make_temp_dir(dir, sizeof dir, "kz_live"));
  kz_writer *w;
  kz_error err;
  CHECK(kz_writer_open(&w, dir, NULL, &err) == KZ_OK);
  kz_document doc = {sizeof(kz_document), "a", 1, "title", 5, "body text", 9, NULL, 0, NULL, 0};
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
  CHECK(kz_test_remove_tree(dir));
}

KZ_TEST_MAIN(KZ_TEST(test_live_updates__interleaved_updates_match_reference_with_scores),
             KZ_TEST(test_live_updates__uncommitted_deletes_are_discarded))
