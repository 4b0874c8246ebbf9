/*
 * rank_flat.c - the ranking options' evaluator of the common plan, a
 * disjunction of text terms (with exclusions), a window of documents at a
 * time as flat_or_windows.c does without options: each term's postings in
 * the window are scored in bulk (BM25, or BM25F with the title field's
 * frequencies of the same window beside them) and added into the window's
 * accumulators in query order, which is the order the iterator tree's
 * disjunction adds them in, so the sums have the tree's bits; then the
 * window's matches go, in document order, through kz_rank_offer (proximity
 * bonus, recency decay). Every match is scored (no pruning), as in the
 * tree; what it saves is the tree's per-document merging of cursors and
 * its per-posting calls. Owns the window's buffers and the terms' cursors
 * of one segment.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/deletes.h"
#include "format/format.h"
#include "format/postblock.h"
#include "format/postings_reader.h"
#include "kzsearch.h"
#include "searcher/index.h"
#include "searcher/rank.h"
#include "searcher/rank_proximity.h"

/*
 * Smaller than flat_or_windows.c's 4096: its five arrays (23 KB) are
 * allocated per segment, and at 4096 documents (92 KB) freeing them let
 * the allocator give the pages back, to fault them in again on the next
 * search (a fifth of proximity's CPU time on Cranfield).
 */
#define WINDOW_DOCS 1024u

typedef struct rf_term {
  kz_postings cur;
  kz_postings title; /* the term in the title field, when has_title */
  int has_title;
  double idf, weight;
  const kz_pterm *key;
  int prox_first;   /* the first leaf of its key, with proximity: counts in the bonus's bound */
  double prox_most; /* then its share of the bound */
} rf_term;

typedef struct rank_flat {
  const kz_rank *r;
  const kz_bm25 *bm25;
  double title_avgdl;
  kz_sink *sink;
  int error; /* the cursors' sticky corruption flag */
  rf_term *should, *not;
  size_t n_should, n_not;
  double *acc;       /* the window's sums, all 0.0 between windows (0.0 + x is x) */
  uint32_t *title_tf; /* the window's title frequencies of the current term, 0 elsewhere */
  uint16_t *title_at; /* where title_tf is set, to clear it */
  /* With proximity, kz_proximity_bound's sum and count (up to 2) of the window's documents, 0 between windows */
  double *prox_most;
  uint8_t *prox_terms;
} rank_flat;

static int text_term(const kz_plan *p) { return p->kind == KZ_P_TERM && p->field == KZ_FIELD_TEXT; }

int kz_rank_flat_supported(const kz_plan *plan) {
  if (plan->kind != KZ_P_BOOL) return text_term(plan);
  if (plan->n_must || !plan->n_should) return 0;
  for (size_t i = 0; i < plan->n_should; i++)
    if (!text_term(plan->should[i])) return 0;
  for (size_t i = 0; i < plan->n_not; i++)
    if (!text_term(plan->not[i])) return 0;
  return 1;
}

/*
 * Starts t on the leaf's postings in segment s, with its title postings
 * when `scored` and the search has a title weight.
 * @return 0 when the term is not in the segment.
 */
static int term_init(rank_flat *f, rf_term *t, const kz_plan *leaf, size_t s, int scored) {
  const kz_term_info *info = &leaf->terms[0].seg[s];
  if (info->df == 0) return 0;
  const kz_term_info *title =
      scored && f->r->title_weight > 0 ? kz_rank_leaf_title(f->r, leaf, s) : NULL;
  kz_postings_init(&t->cur, f->bm25->seg, info, &f->error);
  kz_postings_next(&t->cur);
  t->has_title = title != NULL;
  if (t->has_title) {
    kz_postings_init(&t->title, f->bm25->seg, title, &f->error);
    kz_postings_next(&t->title);
  }
  t->idf = leaf->idf;
  t->weight = kz_rank_leaf_weight(f->r, leaf);
  t->key = &leaf->terms[0];
  t->prox_first = 0;
  t->prox_most = 0;
  return 1;
}

/*
 * Notes t's title frequencies in [start, end) in f->title_tf. A title
 * posting of a document the text field lacks (damaged postings: the text
 * field holds the title's tokens) before the window is passed over.
 * @return how many were set (their places in f->title_at).
 */
static size_t take_titles(rank_flat *f, rf_term *t, uint32_t start, uint64_t end) {
  kz_postings *c = &t->title;
  uint32_t from, to;
  size_t n = 0;
  while (kz_postings_run(c, end, &from, &to)) {
    for (uint32_t k = from; k < to; k++)
      if (c->docs[k] >= start) {
        uint32_t w = c->docs[k] - start;
        f->title_tf[w] = c->freqs[k];
        f->title_at[n++] = (uint16_t)w;
      }
    kz_postings_after_run(c, to);
  }
  return n;
}

/* Adds t's scores of its postings in [start, end) into f->acc and their documents into `seen`. */
static void take_window(rank_flat *f, rf_term *t, uint32_t start, uint64_t end, uint64_t *seen) {
  const kz_bm25 *p = f->bm25;
  double w_title = f->r->title_weight;
  size_t titles = t->has_title ? take_titles(f, t, start, end) : 0;
  kz_postings *c = &t->cur;
  uint32_t from, to;
  while (kz_postings_run(c, end, &from, &to)) {
    double score[KZ_BLOCK_DOCS];
    const uint32_t *docs = c->docs + from, *freqs = c->freqs + from;
    uint32_t n = to - from;
    if (w_title > 0) {
      for (uint32_t k = 0; k < n; k++)
        score[k] = kz_rank_bm25f(p, f->title_avgdl, t->weight, t->idf, w_title, (double)freqs[k],
                                 (double)f->title_tf[docs[k] - start], docs[k]);
    } else {
      kz_bm25_scores(p, t->idf, docs, freqs, n, score);
      for (uint32_t k = 0; k < n; k++) score[k] = t->weight * score[k];
    }
    f->sink->scored += n;
    for (uint32_t k = 0; k < n; k++) {
      uint32_t w = docs[k] - start;
      f->acc[w] += score[k];
      seen[w >> 6] |= 1ull << (w & 63);
    }
    if (t->prox_first)
      for (uint32_t k = 0; k < n; k++) {
        uint8_t *count = &f->prox_terms[docs[k] - start];
        f->prox_most[docs[k] - start] += t->prox_most;
        *count = (uint8_t)(*count + (*count < 2));
      }
    kz_postings_after_run(c, to);
  }
  for (size_t i = 0; i < titles; i++) f->title_tf[f->title_at[i]] = 0;
}

static int excluded(rank_flat *f, uint32_t d) {
  for (size_t i = 0; i < f->n_not; i++) {
    kz_postings *c = &f->not[i].cur;
    if (c->doc < d) kz_postings_advance(c, d);
    if (c->doc == d) return 1;
  }
  return 0;
}

/*
 * With proximity, gives the first leaf of each of the bonus's terms (the
 * distinct text terms in the query's order, rank_proximity.c) its share of
 * kz_proximity_bound: the window then sums the bound of each document in
 * the same order, to the same bits, without moving the bonus's cursors.
 */
static void share_bound(rank_flat *f, const kz_proximity *prox) {
  size_t next = 0;
  for (size_t i = 0; i < f->n_should && next < prox->n_terms; i++) {
    const kz_pterm *a = prox->terms[next].term, *b = f->should[i].key;
    if (a->key_len == b->key_len && !memcmp(a->key, b->key, a->key_len)) {
      double idf = prox->terms[next++].idf;
      f->should[i].prox_first = 1;
      f->should[i].prox_most = idf < 1 ? idf : 1;
    }
  }
}

/* The windows, from the first document any term holds to the last. @return as kz_rank_offer. */
static int run_windows(rank_flat *f, kz_proximity *prox, const int64_t *dates) {
  kz_sink *s = f->sink;
  uint64_t seen[WINDOW_DOCS / 64];
  int rc = KZ_OK;
  while (!rc && !f->error) {
    uint32_t start = KZ_DOC_END;
    for (size_t i = 0; i < f->n_should; i++)
      if (f->should[i].cur.doc < start) start = f->should[i].cur.doc;
    if (start == KZ_DOC_END) break;
    uint64_t end = (uint64_t)start + WINDOW_DOCS;
    memset(seen, 0, sizeof seen);
    for (size_t i = 0; i < f->n_should; i++) take_window(f, &f->should[i], start, end, seen);
    for (uint32_t word = 0; word < WINDOW_DOCS / 64; word++)
      for (uint64_t bits = seen[word]; bits; bits &= bits - 1) {
        uint32_t w = 64 * word + (uint32_t)__builtin_ctzll(bits), d = start + w;
        double sum = f->acc[w], most = -1;
        f->acc[w] = 0.0;
        if (prox) {
          most = f->prox_terms[w] < 2 ? 0 : f->prox_most[w]; /* fewer than two terms: no pair */
          f->prox_most[w] = 0.0;
          f->prox_terms[w] = 0;
        }
        s->candidates++;
        if (rc || kz_deleted(s->deleted, d) || (f->n_not && excluded(f, d))) continue;
        if (prox || f->r->recency) {
          rc = kz_rank_offer(f->r, prox, f->bm25, dates, s, d, sum, most);
          continue;
        }
        s->matches++; /* the sum is the score: kz_sink_offer as flat_or_windows.c inlines it */
        if (s->tally) kz_tally_add(s->tally, d);
        if (sum > kz_sink_floor(s)) kz_sink_push(s, sum, d);
      }
  }
  return rc ? rc : f->error;
}

int kz_rank_flat_evaluate(const kz_rank *r, const kz_plan *plan, size_t s, const kz_bm25 *bm25,
                          const kz_bm25 *title_bm25, kz_proximity *prox, kz_sink *sink) {
  rank_flat f;
  memset(&f, 0, sizeof f);
  f.r = r;
  f.bm25 = bm25;
  f.title_avgdl = title_bm25->avgdl;
  f.sink = sink;
  const kz_plan *single = plan;
  int group = plan->kind == KZ_P_BOOL;
  kz_plan *const *should = group ? plan->should : (kz_plan *const *)&single;
  size_t ns = group ? plan->n_should : 1, nn = group ? plan->n_not : 0;
  f.should = calloc(ns + nn ? ns + nn : 1, sizeof *f.should);
  /* the window's arrays in one block, largest alignment first */
  size_t bytes = WINDOW_DOCS * (2 * sizeof(double) + sizeof(uint32_t) + sizeof(uint16_t) + 1);
  char *mem = calloc(1, bytes);
  if (mem) {
    f.acc = (double *)(void *)mem;
    f.prox_most = f.acc + WINDOW_DOCS;
    f.title_tf = (uint32_t *)(void *)(f.prox_most + WINDOW_DOCS);
    f.title_at = (uint16_t *)(void *)(f.title_tf + WINDOW_DOCS);
    f.prox_terms = (uint8_t *)(void *)(f.title_at + WINDOW_DOCS);
  }
  int rc = KZ_ERR_NOMEM;
  if (f.should && mem) {
    for (size_t i = 0; i < ns; i++)
      if (term_init(&f, &f.should[f.n_should], should[i], s, 1)) f.n_should++;
    f.not = f.should + f.n_should;
    for (size_t i = 0; i < nn; i++)
      if (term_init(&f, &f.not[f.n_not], plan->not[i], s, 0)) f.n_not++;
    if (prox) share_bound(&f, prox);
    const int64_t *dates = s < r->idx->dates.n_segs ? r->idx->dates.seg[s] : NULL;
    rc = run_windows(&f, prox, dates);
  }
  free(f.should);
  free(mem);
  return rc;
}
