/*
 * rank_flat.c - the ranking options' evaluator of the common plan, a
 * disjunction of text terms (with exclusions), a window of documents at a
 * time as flat_or_windows.c does without options: each term's postings in
 * the window are scored in bulk (BM25, or BM25F with the title field's
 * frequencies of the same window beside them) and added into the window's
 * accumulators in query order, which is the order the iterator tree's
 * disjunction adds them in, so the sums have the tree's bits; then the
 * window's matches go, in document order, through kz_rank_offer (proximity
 * bonus, recency decay), or inline where the bonus cannot count. Every
 * match is scored (no pruning), as in the tree; what it saves is the
 * tree's per-document merging of cursors and its per-posting calls. With
 * proximity the window also notes which of the bonus's terms each document
 * holds (its bound) and takes a floor from its own sums (window_floor), so
 * that few bonuses are computed. Owns the window's buffers and the terms'
 * cursors of one segment.
 */
#include <math.h>
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
  /* With proximity, the first leaf of its key has the bit of its key in the window's masks, else 0 */
  uint64_t prox_bit;
} rf_term;

/*
 * Documents' sets of the bonus's terms have kz_proximity_bit's bits, whose
 * last, shared by the terms past 63, counts as two terms and as the sum of
 * their shares, so that the bound a set gives is never below
 * kz_proximity_bound.
 */
#define PROX_BITS 64u

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
  /* With proximity, the bonus's terms each document of the window holds (prox_bit), 0 between windows */
  uint64_t *prox_mask;
  double prox_share[PROX_BITS]; /* each bit's share of kz_proximity_bound: min(1, idf), summed on the last */
  double *best; /* with proximity into a top k: room for k scores, window_floor's heap */
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
  t->prox_bit = 0;
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
      if (t->weight != 1.0) /* RM3's; 1.0 * x is x */
        for (uint32_t k = 0; k < n; k++) score[k] = t->weight * score[k];
    }
    f->sink->scored += n;
    if (t->prox_bit) { /* the same, noting the term in the documents' sets */
      for (uint32_t k = 0; k < n; k++) {
        uint32_t w = docs[k] - start;
        f->acc[w] += score[k];
        seen[w >> 6] |= 1ull << (w & 63);
        f->prox_mask[w] |= t->prox_bit;
      }
    } else {
      for (uint32_t k = 0; k < n; k++) {
        uint32_t w = docs[k] - start;
        f->acc[w] += score[k];
        seen[w >> 6] |= 1ull << (w & 63);
      }
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
 * distinct text terms in the query's order, rank_proximity.c) its bit: the
 * window then notes which of them each document holds, and their shares
 * give kz_proximity_bound without moving the bonus's cursors.
 */
static void share_bound(rank_flat *f, const kz_proximity *prox) {
  size_t next = 0;
  for (size_t i = 0; i < f->n_should && next < prox->n_terms; i++) {
    const kz_pterm *a = prox->terms[next].term, *b = f->should[i].key;
    if (a->key_len == b->key_len && !memcmp(a->key, b->key, a->key_len)) {
      double idf = prox->terms[next].idf;
      f->should[i].prox_bit = kz_proximity_bit(next);
      f->prox_share[__builtin_ctzll(kz_proximity_bit(next))] += idf < 1 ? idf : 1;
      next++;
    }
  }
}

/* kz_proximity_bound (or more, past 63 terms) of a document holding the terms of `mask`. */
static double mask_bound(const rank_flat *f, uint64_t mask) {
  if (!(mask & (mask - 1)) && !(mask >> (PROX_BITS - 1))) return 0; /* fewer than two terms: no pair */
  double most = 0;
  for (; mask; mask &= mask - 1) most += f->prox_share[__builtin_ctzll(mask)];
  return most;
}

/* Keeps v among the k largest values of the min-heap best[0 .. *n). */
static void keep_best(double *best, size_t *n, size_t k, double v) {
  size_t i;
  if (*n < k) {
    for (i = (*n)++; i > 0 && best[(i - 1) / 2] > v; i = (i - 1) / 2) best[i] = best[(i - 1) / 2];
    best[i] = v;
    return;
  }
  if (!(v > best[0])) return;
  for (i = 0;;) {
    size_t c = 2 * i + 1;
    if (c >= k) break;
    if (c + 1 < k && best[c + 1] < best[c]) c++;
    if (!(best[c] < v)) break;
    best[i] = best[c];
    i = c;
  }
  best[i] = v;
}

/*
 * With proximity into a top k and neither recency nor exclusions: a floor
 * for the window's bonuses above the heap's, from the window's sums before
 * any bonus. A document's score is at least its sum (the bonus is >= 0),
 * so the k-th largest of the heap's scores and the window's sums (of its
 * documents not deleted) is a score k distinct documents will reach; a
 * document whose score plus the most its bonus can be stays below it is
 * not in the top k, in any order of ties, and its bonus changes nothing
 * (offered without it, it scores lower still). Most of what the bonus
 * costs is in the first windows, before the heap is full or high: there
 * the window's own best sums make the floor.
 * @return that floor, just below the k-th score (documents reaching it may
 * tie), or -INFINITY.
 */
static double window_floor(const rank_flat *f, uint32_t start, const uint64_t *seen) {
  const kz_topk *t = f->sink->topk;
  size_t k = t->cap, n = t->n;
  double floor = kz_sink_floor(f->sink);
  /* the heap's scores are a min-heap too (it orders by score first) */
  for (size_t i = 0; i < n; i++) f->best[i] = t->heap[i].score;
  for (uint32_t word = 0; word < WINDOW_DOCS / 64; word++)
    for (uint64_t bits = seen[word]; bits; bits &= bits - 1) {
      uint32_t w = 64 * word + (uint32_t)__builtin_ctzll(bits);
      if (f->acc[w] > floor && !kz_deleted(f->sink->deleted, start + w))
        keep_best(f->best, &n, k, f->acc[w]);
    }
  return n == k ? nextafter(f->best[0], -INFINITY) : -INFINITY;
}

/*
 * Whether the proximity bonus could lift a document scoring `sum`, holding
 * the bonus's terms of `mask`, above `floor`, without recency: first
 * against the bound of all the terms, then against the document's own.
 * When not, kz_rank_offer would only offer the sum, which the caller does
 * inline (most documents, and a call per document is what it saves).
 */
static int bonus_may_count(const rank_flat *f, const kz_proximity *prox, double floor, double sum,
                           uint64_t mask, double *most) {
  if (!(sum + prox->most * KZ_BOUND_SLACK > floor)) return 0;
  *most = mask_bound(f, mask);
  return *most > 0 && sum + *most * KZ_BOUND_SLACK > floor;
}

/*
 * Offers document d, whose terms sum to `sum` and which holds the bonus's
 * terms of `mask`, with proximity; `known`: window_floor's.
 * @return as kz_rank_offer.
 */
static int offer_prox(rank_flat *f, kz_proximity *prox, const int64_t *dates, uint32_t d,
                      double sum, uint64_t mask, double known) {
  double floor = kz_sink_floor(f->sink), most = -1;
  if (known > floor) floor = known;
  if (!f->r->recency && !bonus_may_count(f, prox, floor, sum, mask, &most)) {
    kz_sink_offer(f->sink, sum, d);
    return KZ_OK;
  }
  kz_rank_match m = {d, sum, mask, most >= 0 ? most : mask_bound(f, mask), floor};
  return kz_rank_offer(f->r, prox, f->bm25, dates, f->sink, &m);
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
    double known = f->best ? window_floor(f, start, seen) : -INFINITY;
    for (uint32_t word = 0; word < WINDOW_DOCS / 64; word++)
      for (uint64_t bits = seen[word]; bits; bits &= bits - 1) {
        uint32_t w = 64 * word + (uint32_t)__builtin_ctzll(bits), d = start + w;
        double sum = f->acc[w];
        f->acc[w] = 0.0;
        uint64_t mask = 0;
        if (prox) {
          mask = f->prox_mask[w];
          f->prox_mask[w] = 0;
        }
        s->candidates++;
        if (rc || kz_deleted(s->deleted, d) || (f->n_not && excluded(f, d))) continue;
        if (prox) {
          rc = offer_prox(f, prox, dates, d, sum, mask, known);
          continue;
        }
        if (f->r->recency) { /* kz_rank_offer without proximity, inline */
          kz_sink_offer(s, sum * kz_recency_factor(&f->r->decay, kz_doc_value(dates, d)), d);
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
  size_t bytes = WINDOW_DOCS * (sizeof(double) + sizeof(uint64_t) + sizeof(uint32_t) + sizeof(uint16_t));
  char *mem = calloc(1, bytes);
  if (mem) {
    f.acc = (double *)(void *)mem;
    f.prox_mask = (uint64_t *)(void *)(f.acc + WINDOW_DOCS);
    f.title_tf = (uint32_t *)(void *)(f.prox_mask + WINDOW_DOCS);
    f.title_at = (uint16_t *)(void *)(f.title_tf + WINDOW_DOCS);
  }
  int rc = KZ_ERR_NOMEM;
  if (f.should && mem) {
    for (size_t i = 0; i < ns; i++)
      if (term_init(&f, &f.should[f.n_should], should[i], s, 1)) f.n_should++;
    f.not = f.should + f.n_should;
    for (size_t i = 0; i < nn; i++)
      if (term_init(&f, &f.not[f.n_not], plan->not[i], s, 0)) f.n_not++;
    if (prox) share_bound(&f, prox);
    int want_best = prox && sink->topk && sink->topk->cap && !r->recency && !f.n_not;
    const int64_t *dates = s < r->idx->dates.n_segs ? r->idx->dates.seg[s] : NULL;
    if (!want_best || (f.best = malloc(sink->topk->cap * sizeof *f.best)))
      rc = run_windows(&f, prox, dates);
  }
  free(f.best);
  free(f.should);
  free(mem);
  return rc;
}
