/*
 * duplicates.c - kz_index_duplicates: every group of near-duplicate
 * documents of an index (see kzsearch.h and README.md, "Syndicated
 * copies").
 *
 * Candidate pairs come from the pigeonhole trick of Manku et al. (WWW
 * 2007): two 64-bit fingerprints at most 3 bits apart agree exactly on at
 * least one of four 16-bit blocks, so sorting the documents by each block
 * in turn puts every such pair in a run of equal blocks. Each candidate
 * whose fingerprints are close is confirmed on the text (5-shingle Jaccard
 * or containment, analysis/near_dup.h) and joins the two documents' groups
 * (union-find). Within a run, an entry is compared with one member of
 * each set of entries already joined (join_run), so a document repeated
 * 10,000 times costs some 10,000 comparisons per block and one group, not
 * fifty million.
 *
 * Owns nothing beyond one call: the documents' fingerprints, group links
 * and the shingle sets read so far are freed before returning.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "format/deletes.h"
#include "kzsearch.h"
#include "searcher/duplicates.h"
#include "searcher/index.h"
#include "searcher/near_dup_docs.h"

#define BLOCKS 4
#define BLOCK_BITS 16

typedef struct entry {
  uint64_t fp;
  uint32_t key; /* the block being sorted on */
  uint32_t i;   /* index into the run's arrays */
} entry;

typedef struct finder {
  kz_nd_reader r;
  entry *e;        /* n live documents in document order, then re-sorted per block */
  uint64_t *docs;  /* by index: global document number */
  uint32_t *parent;
  kz_shingles *sets;
  uint8_t *read;
  size_t n;
  kz_near_dup_rule rule; /* of kz_shingles_confirm */
} finder;

static uint32_t find(uint32_t *parent, uint32_t i) {
  while (parent[i] != i) {
    parent[i] = parent[parent[i]]; /* path halving */
    i = parent[i];
  }
  return i;
}

static int cmp_entry(const void *a, const void *b) {
  const entry *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return (x->i > y->i) - (x->i < y->i);
}

static int shingles_of(finder *f, uint32_t i, const kz_shingles **out) {
  if (!f->read[i]) {
    int rc = kz_nd_shingles(&f->r, f->docs[i], &f->sets[i]);
    if (rc) return rc;
    f->read[i] = 1;
  }
  *out = &f->sets[i];
  return KZ_OK;
}

/* Whether run entries a and b are near-duplicates; joins their groups when they are. */
static int try_join(finder *f, const entry *a, const entry *b, int *joined) {
  *joined = 0;
  if (kz_simhash_distance(a->fp, b->fp) > KZ_NEAR_DUP_BITS) return KZ_OK;
  uint32_t ra = find(f->parent, a->i), rb = find(f->parent, b->i);
  if (ra == rb) {
    *joined = 1; /* already one group: no need to read the texts */
    return KZ_OK;
  }
  const kz_shingles *x, *y;
  int rc = shingles_of(f, a->i, &x);
  if (!rc) rc = shingles_of(f, b->i, &y);
  if (rc || !kz_shingles_confirm(x, y, &f->rule)) return rc;
  /* the smaller index leads, so groups list from their first document */
  if (ra < rb) f->parent[rb] = ra;
  else f->parent[ra] = rb;
  *joined = 1;
  return KZ_OK;
}

/*
 * Joins the near-duplicates of one run of equal blocks e[0..n). The run's
 * entries seen so far are kept in lists of joined ones; a new entry is
 * compared with the members of each list until one joins it, so a list
 * costs one comparison once joined: a document repeated 10,000 times is
 * 10,000 comparisons, not 50 million. Every pair not compared is of one
 * group already.
 */
static int join_run(finder *f, const entry *e, size_t n) {
  size_t *next = malloc(n * sizeof *next), *head = malloc(n * sizeof *head),
         *tail = malloc(n * sizeof *tail), n_lists = 0;
  int rc = next && head && tail ? KZ_OK : KZ_ERR_NOMEM;
  for (size_t b = 0; !rc && b < n; b++) {
    size_t into = SIZE_MAX; /* the list b joined */
    for (size_t l = 0; !rc && l < n_lists; l++) {
      if (head[l] == SIZE_MAX) continue; /* moved into another list */
      int joined = 0;
      for (size_t a = head[l]; a != SIZE_MAX && !joined && !rc; a = next[a])
        rc = try_join(f, &e[a], &e[b], &joined);
      if (!joined) continue;
      if (into == SIZE_MAX) {
        into = l;
      } else { /* b joins two lists: they are one group now */
        next[tail[into]] = head[l];
        tail[into] = tail[l];
        head[l] = SIZE_MAX;
      }
    }
    if (into == SIZE_MAX) {
      into = n_lists++;
      head[into] = tail[into] = b;
      next[b] = SIZE_MAX;
    } else { /* first in its list: the next entry meets the likeliest copy first */
      next[b] = head[into];
      head[into] = b;
    }
  }
  free(next);
  free(head);
  free(tail);
  return rc;
}

static int load(finder *f, kz_index *idx) {
  size_t n = 0;
  for (size_t s = 0; s < idx->n_segs; s++) n += idx->segs[s].info.doc_count;
  size_t m = n ? n : 1;
  f->e = malloc(m * sizeof *f->e);
  f->docs = malloc(m * sizeof *f->docs);
  f->parent = malloc(m * sizeof *f->parent);
  f->sets = calloc(m, sizeof *f->sets);
  f->read = calloc(m, 1);
  if (!f->e || !f->docs || !f->parent || !f->sets || !f->read) return KZ_ERR_NOMEM;
  for (size_t s = 0; s < idx->n_segs; s++) {
    const kz_segment *seg = &idx->segs[s];
    for (uint32_t d = 0; d < seg->info.doc_count; d++) {
      if (kz_deleted(seg->deleted, d)) continue;
      uint64_t doc = idx->doc_base[s] + d, fp;
      int rc = kz_nd_fingerprint(&f->r, doc, &fp);
      if (rc) return rc;
      f->docs[f->n] = doc;
      f->parent[f->n] = (uint32_t)f->n;
      f->e[f->n] = (entry){fp, 0, (uint32_t)f->n};
      f->n++;
    }
  }
  return KZ_OK;
}

static int group(finder *f) {
  for (int b = 0; b < BLOCKS; b++) {
    for (size_t i = 0; i < f->n; i++) f->e[i].key = (uint32_t)(f->e[i].fp >> (b * BLOCK_BITS)) & 0xffffu;
    qsort(f->e, f->n, sizeof *f->e, cmp_entry);
    for (size_t i = 0; i < f->n;) {
      size_t j = i + 1;
      while (j < f->n && f->e[j].key == f->e[i].key) j++;
      int rc = j - i > 1 ? join_run(f, f->e + i, j - i) : KZ_OK;
      if (rc) return rc;
      i = j;
    }
  }
  return KZ_OK;
}

/* Reports each group of two or more, ordered by first document, members in document order. */
static int report(finder *f, kz_index *idx, kz_duplicates_fn fn, void *ctx, int *stopped) {
  size_t m = f->n ? f->n : 1;
  uint32_t *size = calloc(m, sizeof *size), *next = malloc(m * sizeof *next),
           *last = malloc(m * sizeof *last);
  const char **ids = malloc(m * sizeof *ids);
  size_t *lens = malloc(m * sizeof *lens);
  int rc = size && next && last && ids && lens ? KZ_OK : KZ_ERR_NOMEM;
  /* chain each group's members in index order (= document order) */
  for (size_t i = 0; !rc && i < f->n; i++) {
    uint32_t r = find(f->parent, (uint32_t)i);
    next[i] = UINT32_MAX;
    if (size[r]++) next[last[r]] = (uint32_t)i;
    last[r] = (uint32_t)i;
  }
  for (size_t i = 0; !rc && !*stopped && i < f->n; i++) {
    if (f->parent[i] != i || size[i] < 2) continue;
    size_t k = 0;
    for (uint32_t j = (uint32_t)i; j != UINT32_MAX && !rc; j = next[j]) {
      size_t s = kz_index_segment_of(idx, f->docs[j]);
      rc = kz_docstore_get_id(&idx->segs[s].store, (uint32_t)(f->docs[j] - idx->doc_base[s]),
                              &ids[k], &lens[k]);
      k++;
    }
    if (!rc) *stopped = fn(ctx, ids, lens, k) != 0;
  }
  free(size);
  free(next);
  free(last);
  free(ids);
  free(lens);
  return rc;
}

int kz_duplicates_find(kz_index *idx, const kz_near_dup_rule *rule, kz_duplicates_fn fn, void *ctx,
                       kz_error *err) {
  finder f;
  memset(&f, 0, sizeof f);
  f.rule = *rule;
  kz_analyzer *an = NULL;
  int rc = kz_analyzer_pool_take(&idx->analyzers, &an);
  if (rc) return kz_error_set(err, rc, "cannot create an analyzer: %s", kz_strerror(rc));
  kz_nd_reader_init(&f.r, idx, an);
  int stopped = 0;
  rc = load(&f, idx);
  if (!rc) rc = group(&f);
  if (!rc) rc = report(&f, idx, fn, ctx, &stopped);
  for (size_t i = 0; f.sets && i < f.n; i++) kz_shingles_free(&f.sets[i]);
  free(f.e);
  free(f.docs);
  free(f.parent);
  free(f.sets);
  free(f.read);
  kz_nd_reader_free(&f.r);
  kz_analyzer_pool_give(&idx->analyzers, an);
  if (rc) return kz_error_set(err, rc, "%s: cannot list near-duplicates: %s", idx->path, kz_strerror(rc));
  return KZ_OK;
}

int kz_index_duplicates(kz_index *idx, unsigned flags, kz_duplicates_fn fn, void *ctx,
                        kz_error *err) {
  if (!idx || !fn) return kz_error_set(err, KZ_ERR_INVALID, "kz_index_duplicates: NULL index or callback");
  if (flags & ~(unsigned)KZ_DUPLICATES_JACCARD)
    return kz_error_set(err, KZ_ERR_INVALID, "kz_index_duplicates: unknown flags %#x", flags);
  kz_near_dup_rule rule =
      flags & KZ_DUPLICATES_JACCARD ? KZ_NEAR_DUP_RULE_JACCARD : KZ_NEAR_DUP_RULE_DEFAULT;
  return kz_duplicates_find(idx, &rule, fn, ctx, err);
}
