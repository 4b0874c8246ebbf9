/*
 * bench_dups.c - the gold standard of `kzsearch duplicates`: the exact
 * 5-shingle Jaccard of every pair of live documents of an index, computed
 * with the same analysis (analysis/near_dup.h), against which the pairs of
 * kz_index_duplicates' groups are scored (README.md, "Syndicated copies";
 * figures in bench/RESULTS.md).
 *
 *   bench_dups INDEX_DIR [THRESHOLD]      (default 0.8)
 *
 * With BENCH_DUPS_JACCARD set, groups are confirmed by Jaccard alone
 * (KZ_DUPLICATES_JACCARD); with BENCH_DUPS_RULE=C:R[,C:R...], containment
 * counts from C while the sizes are within ratio R, instead of the default
 * rule (analysis/near_dup.h; one line of figures per rule: the curve in
 * bench/RESULTS.md); with BENCH_DUPS_GROUPS=FILE, the groups of each rule
 * go to FILE.C:R (FILE.0.95:0.70) as `kzsearch duplicates --json` lines,
 * for tests/integration/lib/syndication_recall.py; with BENCH_DUPS_SHOW_FP,
 * the predicted pairs that are not gold go to stderr with their Jaccard,
 * containment and sizes; with BENCH_DUPS_COST, what fingerprinting the
 * documents' leads costs.
 *
 * Gold pairs are those with J >= THRESHOLD. Every such pair is found: the
 * AllPairs prefix filter (Bayardo, Ma and Srikant, WWW 2007) is exact. With
 * each set ordered by a global order (rarest shingle first), two sets with
 * J >= t share a shingle among the first |A| - ceil(t|A|) + 1 of each; the
 * candidates sharing one are then compared in full. A predicted pair is any
 * two documents of one group (groups join transitively, so a chain counts
 * all its pairs). Prints the gold and predicted counts, precision, recall,
 * and the time each side took.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/near_dup.h"
#include "format/docstore_reader.h"
#include "kzsearch.h"
#include "searcher/duplicates.h"
#include "searcher/index.h"
#include "searcher/near_dup_docs.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds of this thread: on a shared machine, wall time is mostly waiting. */
static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what) {
  fprintf(stderr, "bench_dups: %s\n", what);
  exit(2);
}

typedef struct pair {
  uint32_t a, b; /* live document numbers (dense), a < b */
} pair;

typedef struct pairs {
  pair *p;
  size_t n, cap;
} pairs;

static void add_pair(pairs *ps, uint32_t a, uint32_t b) {
  if (ps->n == ps->cap) {
    ps->cap = ps->cap ? ps->cap * 2 : 1024;
    if (!(ps->p = realloc(ps->p, ps->cap * sizeof *ps->p))) die("out of memory");
  }
  ps->p[ps->n++] = a < b ? (pair){a, b} : (pair){b, a};
}

static int cmp_pair(const void *x, const void *y) {
  const pair *a = x, *b = y;
  if (a->a != b->a) return a->a < b->a ? -1 : 1;
  return (a->b > b->b) - (a->b < b->b);
}

/* ---------------------------------------------------------------- gold */

typedef struct freq {
  uint64_t h;
  uint32_t n;
} freq;

static int cmp_freq_h(const void *x, const void *y) {
  uint64_t a = ((const freq *)x)->h, b = ((const freq *)y)->h;
  return (a > b) - (a < b);
}

static const freq *freq_table; /* for the qsort comparator below only (bench, one thread) */
static size_t freq_n;

static uint32_t freq_of(uint64_t h) {
  size_t lo = 0, hi = freq_n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (freq_table[mid].h < h) lo = mid + 1;
    else hi = mid;
  }
  return freq_table[lo].n;
}

static int cmp_rare_first(const void *x, const void *y) {
  uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
  uint32_t fa = freq_of(a), fb = freq_of(b);
  if (fa != fb) return fa < fb ? -1 : 1;
  return (a > b) - (a < b);
}

/* Exact Jaccard of sets sorted by hash. */
static double jaccard(const kz_shingles *a, const kz_shingles *b) {
  double j, c;
  kz_shingles_compare(a, b, &j, &c);
  return j;
}

static void gold_pairs(kz_shingles *sets, size_t n, double t, pairs *out) {
  size_t total = 0;
  for (size_t i = 0; i < n; i++) total += sets[i].n;
  freq *all = malloc((total ? total : 1) * sizeof *all);
  if (!all) die("out of memory");
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < sets[i].n; j++) all[k++] = (freq){sets[i].hashes[j], 1};
  qsort(all, k, sizeof *all, cmp_freq_h);
  size_t w = 0;
  for (size_t r = 0; r < k; r++) {
    if (w && all[w - 1].h == all[r].h) all[w - 1].n++;
    else all[w++] = all[r];
  }
  freq_table = all;
  freq_n = w;
  /* prefixes in global order, and an inverted index of them: (hash, doc) sorted */
  typedef struct post { uint64_t h; uint32_t doc; } post;
  post *posts = malloc((total ? total : 1) * sizeof *posts);
  if (!posts) die("out of memory");
  size_t np = 0;
  for (size_t i = 0; i < n; i++) {
    size_t m = sets[i].n;
    if (!m) continue;
    uint64_t *ordered = malloc(m * sizeof *ordered);
    if (!ordered) die("out of memory");
    memcpy(ordered, sets[i].hashes, m * sizeof *ordered);
    qsort(ordered, m, sizeof *ordered, cmp_rare_first);
    size_t prefix = m - (size_t)ceil(t * (double)m - 1e-9) + 1;
    if (prefix > m) prefix = m;
    for (size_t j = 0; j < prefix; j++) posts[np++] = (post){ordered[j], (uint32_t)i};
    free(ordered);
  }
  qsort(posts, np, sizeof *posts, cmp_freq_h); /* orders by the leading u64, h */
  pairs cand = {0};
  for (size_t r = 0; r < np;) {
    size_t e = r + 1;
    while (e < np && posts[e].h == posts[r].h) e++;
    for (size_t a = r; a < e; a++)
      for (size_t b = a + 1; b < e; b++)
        if (posts[a].doc != posts[b].doc) add_pair(&cand, posts[a].doc, posts[b].doc);
    r = e;
  }
  qsort(cand.p, cand.n, sizeof *cand.p, cmp_pair);
  for (size_t i = 0; i < cand.n; i++) {
    if (i && cand.p[i].a == cand.p[i - 1].a && cand.p[i].b == cand.p[i - 1].b) continue;
    if (jaccard(&sets[cand.p[i].a], &sets[cand.p[i].b]) >= t) add_pair(out, cand.p[i].a, cand.p[i].b);
  }
  fprintf(stderr, "gold: %zu candidate pairs from prefixes, %zu with J >= %.2f\n", cand.n, out->n, t);
  free(cand.p);
  free(posts);
  free(all);
}

/* ---------------------------------------------------------------- cost */

/*
 * What fingerprinting adds to indexing: the indexer hands the fingerprint
 * each analysed term of a body until the lead is complete, so its cost is
 * that of fingerprinting the terms of the leads. They are analysed once
 * here, kept, and fingerprinted 5 times; the best time is printed (compare
 * it with the CPU time of `kzsearch index` of the same documents).
 */
static void fingerprint_cost(kz_index *idx, kz_analyzer *an, const uint64_t *docs, size_t n) {
  enum { LEAD = KZ_SIMHASH_LEAD_SHINGLES + KZ_SIMHASH_SHINGLE - 1, TERM = 64 };
  char (*terms)[LEAD][TERM] = calloc(n ? n : 1, sizeof *terms);
  uint8_t (*lens)[LEAD] = calloc(n ? n : 1, sizeof *lens);
  uint8_t *count = calloc(n ? n : 1, 1);
  if (!terms || !lens || !count) die("out of memory");
  kz_stored_doc d = KZ_STORED_DOC_INIT;
  for (size_t i = 0; i < n; i++) {
    size_t s = kz_index_segment_of(idx, docs[i]);
    if (kz_docstore_get(&idx->segs[s].store, (uint32_t)(docs[i] - idx->doc_base[s]), &d)) die("store");
    kz_token tok;
    kz_analyzer_reset(an, d.field[KZ_STORED_BODY], d.len[KZ_STORED_BODY]);
    while (count[i] < LEAD && kz_analyzer_next(an, &tok) == 1) {
      size_t l = tok.term_len < TERM ? tok.term_len : TERM;
      memcpy(terms[i][count[i]], tok.term, l);
      lens[i][count[i]++] = (uint8_t)l;
    }
  }
  kz_stored_doc_free(&d);
  double best = 1e9;
  uint64_t sink = 0;
  for (int round = 0; round < 5; round++) {
    double t0 = cpu_now();
    for (size_t i = 0; i < n; i++) {
      kz_simhash sh;
      kz_simhash_begin(&sh);
      for (size_t k = 0; k < count[i]; k++) kz_simhash_add(&sh, terms[i][k], lens[i][k]);
      sink += kz_simhash_end(&sh);
    }
    double t = cpu_now() - t0;
    if (t < best) best = t;
  }
  printf("fingerprinting the leads of %zu documents: %.4f s of CPU [%llu]\n", n, best,
         (unsigned long long)(sink & 1));
  free(terms);
  free(lens);
  free(count);
}

/* ---------------------------------------------------------------- predicted */

typedef struct groups_ctx {
  kz_index *idx;
  const uint64_t *docs; /* dense number -> global document */
  size_t n;
  pairs *out;
  FILE *json; /* BENCH_DUPS_GROUPS, or NULL */
} groups_ctx;

static uint32_t dense_of(const groups_ctx *g, uint64_t doc) {
  size_t lo = 0, hi = g->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (g->docs[mid] < doc) lo = mid + 1;
    else hi = mid;
  }
  return (uint32_t)lo;
}

static int on_group(void *ctx, const char *const *ids, const size_t *lens, size_t n) {
  groups_ctx *g = ctx;
  uint32_t *d = malloc(n * sizeof *d);
  if (!d) die("out of memory");
  for (size_t i = 0; i < n; i++) {
    kz_stored *s = NULL;
    kz_error err;
    if (kz_index_get(&s, g->idx, ids[i], lens[i], &err) != KZ_OK || !s) die("an id of a group is not found");
    d[i] = dense_of(g, s->doc);
    kz_stored_free(s);
  }
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++) add_pair(g->out, d[i], d[j]);
  for (size_t i = 0; g->json && i < n; i++) /* the ids are plain in the sets measured */
    fprintf(g->json, "%s\"%.*s\"%s", i ? "," : "{\"ids\":[", (int)lens[i], ids[i],
            i + 1 == n ? "]}\n" : "");
  free(d);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: bench_dups INDEX_DIR [THRESHOLD]\n");
    return 2;
  }
  double t = argc == 3 ? atof(argv[2]) : 0.8;
  kz_index *idx = NULL;
  kz_error err;
  if (kz_index_open(&idx, argv[1], &err) != KZ_OK) die(err.message);
  kz_analyzer *an = NULL;
  if (kz_analyzer_new(&an, idx->manifest.language) != KZ_OK) die("no analyzer");
  kz_nd_reader r;
  kz_nd_reader_init(&r, idx, an);
  uint64_t *docs = malloc((idx->n_docs ? idx->n_docs : 1) * sizeof *docs);
  kz_shingles *sets = calloc(idx->n_docs ? idx->n_docs : 1, sizeof *sets);
  if (!docs || !sets) die("out of memory");
  size_t n = 0;
  double t0 = now();
  for (size_t s = 0; s < idx->n_segs; s++)
    for (uint32_t d = 0; d < idx->segs[s].info.doc_count; d++) {
      if (idx->segs[s].deleted && (idx->segs[s].deleted[d >> 3] >> (d & 7) & 1)) continue;
      docs[n] = idx->doc_base[s] + d;
      if (kz_nd_shingles(&r, docs[n], &sets[n]) != KZ_OK) die("cannot read a document");
      n++;
    }
  pairs gold = {0};
  gold_pairs(sets, n, t, &gold);
  qsort(gold.p, gold.n, sizeof *gold.p, cmp_pair);
  double t1 = now();
  printf("documents %zu\ngold pairs (J >= %.2f) %zu\n", n, t, gold.n);
  const char *rules = getenv("BENCH_DUPS_RULE"), *groups_file = getenv("BENCH_DUPS_GROUPS");
  if (!rules) rules = getenv("BENCH_DUPS_JACCARD") ? "2:2" : "";
  for (const char *at = rules;;) {
    kz_near_dup_rule rule = KZ_NEAR_DUP_RULE_DEFAULT;
    if (*at && sscanf(at, "%lf:%lf", &rule.min_containment, &rule.min_ratio) != 2)
      die("BENCH_DUPS_RULE is C:R[,C:R...]");
    pairs pred = {0};
    groups_ctx g = {idx, docs, n, &pred, NULL};
    char path[4096];
    snprintf(path, sizeof path, "%s.%.2f:%.2f", groups_file ? groups_file : "", rule.min_containment,
             rule.min_ratio);
    if (groups_file && !(g.json = fopen(path, "w"))) die("cannot write BENCH_DUPS_GROUPS");
    double t2 = now();
    if (kz_duplicates_find(idx, &rule, on_group, &g, &err) != KZ_OK) die(err.message);
    double t3 = now();
    if (g.json && fclose(g.json)) die("cannot write BENCH_DUPS_GROUPS");
    qsort(pred.p, pred.n, sizeof *pred.p, cmp_pair);
    size_t hit = 0;
    for (size_t i = 0, j = 0; i < gold.n && j < pred.n;) {
      int c = cmp_pair(&gold.p[i], &pred.p[j]);
      if (c == 0) hit++, i++, j++;
      else if (c < 0) i++;
      else j++;
    }
    if (getenv("BENCH_DUPS_SHOW_FP")) /* the predicted pairs that are not gold, with their measures */
      for (size_t i = 0, j = 0; j < pred.n; j++) {
        while (i < gold.n && cmp_pair(&gold.p[i], &pred.p[j]) < 0) i++;
        if (i < gold.n && cmp_pair(&gold.p[i], &pred.p[j]) == 0) continue;
        double jac, con;
        kz_shingles_compare(&sets[pred.p[j].a], &sets[pred.p[j].b], &jac, &con);
        fprintf(stderr, "fp %u %u J %.3f C %.3f sizes %zu %zu ids", pred.p[j].a, pred.p[j].b, jac,
                con, sets[pred.p[j].a].n, sets[pred.p[j].b].n);
        for (int k = 0; k < 2; k++) {
          uint64_t doc = docs[k ? pred.p[j].b : pred.p[j].a];
          size_t sg = kz_index_segment_of(idx, doc), len;
          const char *id;
          if (kz_docstore_get_id(&idx->segs[sg].store, (uint32_t)(doc - idx->doc_base[sg]), &id, &len))
            die("cannot read an id");
          fprintf(stderr, " %.*s", (int)len, id);
        }
        fputc('\n', stderr);
      }
    printf("containment %.2f, size ratio %.2f%s: predicted pairs %zu correct %zu precision %.4f"
           " recall %.4f (%.2f s)\n", rule.min_containment, rule.min_ratio,
           rule.min_containment > 1 ? " (Jaccard only)" : "", pred.n, hit,
           pred.n ? (double)hit / (double)pred.n : 1.0, gold.n ? (double)hit / (double)gold.n : 1.0,
           t3 - t2);
    free(pred.p);
    const char *comma = strchr(at, ',');
    if (!comma) break;
    at = comma + 1;
  }
  printf("seconds: brute force %.2f\n", t1 - t0);
  if (getenv("BENCH_DUPS_COST")) fingerprint_cost(idx, an, docs, n);
  for (size_t i = 0; i < n; i++) kz_shingles_free(&sets[i]);
  free(sets);
  free(docs);
  free(gold.p);
  kz_nd_reader_free(&r);
  kz_analyzer_free(an);
  kz_index_close(idx);
  return 0;
}
