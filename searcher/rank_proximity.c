/*
 * rank_proximity.c - BM25TP's proximity bonus (see rank_proximity.h): the
 * query terms' positions in a document, merged in position order, and the
 * accumulators of neighbouring pairs.
 */
#include "searcher/rank_proximity.h"

#include <stdlib.h>
#include <string.h>

#include "kzsearch.h"
#include "format/format.h"

/* Adds the distinct text terms of the plan's TERM leaves to p (duplicates of a key once). */
static int collect_terms(kz_proximity *p, const kz_plan *plan, const kz_segment *seg, size_t s,
                         size_t *cap) {
  if (plan->kind == KZ_P_TERM && plan->field == KZ_FIELD_TEXT && plan->terms[0].seg[s].df > 0) {
    const kz_pterm *t = &plan->terms[0];
    for (size_t i = 0; i < p->n_terms; i++)
      if (p->terms[i].term->key_len == t->key_len && !memcmp(p->terms[i].term->key, t->key, t->key_len))
        return KZ_OK;
    if (p->n_terms == *cap) {
      size_t c = *cap ? *cap * 2 : 8;
      kz_prox_term *n = realloc(p->terms, c * sizeof *n);
      if (!n) return KZ_ERR_NOMEM;
      p->terms = n;
      *cap = c;
    }
    kz_prox_term *pt = &p->terms[p->n_terms++];
    pt->term = t;
    pt->idf = plan->idf;
    kz_postings_init(&pt->cur, seg, &t->seg[s], &p->error);
    kz_postings_next(&pt->cur);
    return KZ_OK;
  }
  kz_plan *const *lists[2] = {plan->must, plan->should};
  size_t counts[2] = {plan->n_must, plan->n_should};
  for (int l = 0; l < 2; l++)
    for (size_t i = 0; i < counts[l]; i++) {
      int rc = collect_terms(p, lists[l][i], seg, s, cap);
      if (rc) return rc;
    }
  return KZ_OK;
}

int kz_proximity_init(kz_proximity *p, const kz_plan *plan, const kz_segment *seg, size_t s) {
  memset(p, 0, sizeof *p);
  size_t cap = 0;
  int rc = collect_terms(p, plan, seg, s, &cap);
  if (!rc && p->n_terms && !(p->acc = calloc(p->n_terms, sizeof *p->acc))) rc = KZ_ERR_NOMEM;
  for (size_t t = 0; t < p->n_terms; t++) p->most += p->terms[t].idf < 1 ? p->terms[t].idf : 1;
  if (rc) kz_proximity_free(p);
  return rc;
}

void kz_proximity_free(kz_proximity *p) {
  free(p->terms);
  free(p->hits);
  free(p->pos);
  free(p->acc);
  memset(p, 0, sizeof *p);
}

static int grow(void **v, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return KZ_OK;
  size_t c = need * 2;
  void *n = realloc(*v, c * size);
  if (!n) return KZ_ERR_NOMEM;
  *v = n;
  *cap = c;
  return KZ_OK;
}

/* Room for `need` hits, an even capacity (two halves). */
static int grow_hits(kz_proximity *p, size_t need) {
  return grow((void **)&p->hits, &p->cap_hits, need, sizeof *p->hits);
}

/*
 * Merges term t's n_pos positions (increasing) into the n hits of p->hits
 * (in position order) through the scratch half p->hits + cap / 2: a merge
 * per term is cheaper than sorting them all, for the few terms of a query.
 */
static void merge_positions(kz_proximity *p, size_t n, const uint32_t *pos, size_t n_pos,
                            uint32_t t) {
  kz_prox_hit *out = p->hits + p->cap_hits / 2;
  size_t i = 0, j = 0, k = 0;
  while (i < n && j < n_pos)
    out[k++] = p->hits[i].pos <= pos[j] ? p->hits[i++] : (kz_prox_hit){pos[j++], t};
  while (i < n) out[k++] = p->hits[i++];
  while (j < n_pos) out[k++] = (kz_prox_hit){pos[j++], t};
  memcpy(p->hits, out, k * sizeof *out);
}

static double at_most_one(double idf) { return idf < 1 ? idf : 1; }

double kz_proximity_bound(kz_proximity *p, uint32_t doc) {
  double bound = 0;
  size_t present = 0;
  for (size_t t = 0; t < p->n_terms; t++) {
    kz_postings *c = &p->terms[t].cur;
    if (c->doc != KZ_DOC_END && c->doc < doc) kz_postings_advance(c, doc);
    if (c->doc == doc) {
      bound += at_most_one(p->terms[t].idf);
      present++;
    }
  }
  return present < 2 ? 0 : bound;
}

double kz_proximity_tight_bound(const kz_proximity *p, const kz_bm25 *bm25, uint32_t doc) {
  /* the two largest idfs of the terms present (M_t below is the larger one not t's), and the occurrences */
  double top1 = 0, top2 = 0, n = 0;
  size_t present = 0, at_top1 = SIZE_MAX;
  for (size_t t = 0; t < p->n_terms; t++) {
    if (p->terms[t].cur.doc != doc) continue;
    double idf = p->terms[t].idf;
    n += (double)kz_postings_freq(&p->terms[t].cur);
    present++;
    if (idf > top1) {
      top2 = top1;
      top1 = idf;
      at_top1 = t;
    } else if (idf > top2) {
      top2 = idf;
    }
  }
  if (present < 2) return 0;
  double k = kz_bm25_norm(bm25, doc), bound = 0;
  for (size_t t = 0; t < p->n_terms; t++) {
    double w = at_most_one(p->terms[t].idf);
    if (p->terms[t].cur.doc != doc || !(w > 0)) continue;
    double tf = (double)kz_postings_freq(&p->terms[t].cur), pairs = 2 * tf;
    if (n - 1 < pairs) pairs = n - 1;
    if (2 * (n - tf) < pairs) pairs = 2 * (n - tf);
    double most = pairs * (t == at_top1 ? top2 : top1);
    if (most > 0) bound += w * most / (most + k);
  }
  return bound;
}

void kz_proximity_seek(kz_proximity *p, uint32_t doc, uint64_t terms) {
  for (size_t t = 0; t < p->n_terms; t++) {
    kz_postings *c = &p->terms[t].cur;
    if ((terms & kz_proximity_bit(t)) && c->doc != KZ_DOC_END && c->doc < doc)
      kz_postings_advance(c, doc);
  }
}

int kz_proximity_bonus(kz_proximity *p, const kz_bm25 *bm25, uint32_t doc, double *out) {
  *out = 0;
  size_t n = 0, present = 0;
  for (size_t t = 0; t < p->n_terms; t++) {
    kz_postings *c = &p->terms[t].cur;
    if (c->doc != doc) continue;
    uint32_t freq = kz_postings_freq(c);
    /* hits holds the merged positions in its first half, the merge's output in its second */
    if (grow((void **)&p->pos, &p->cap_pos, freq, sizeof *p->pos) ||
        grow_hits(p, 2 * (n + freq)))
      return KZ_ERR_NOMEM;
    int got = kz_postings_positions(c, p->pos, freq);
    if (got < 0) return got;
    merge_positions(p, n, p->pos, (size_t)got, (uint32_t)t);
    n += (size_t)got;
    present++;
  }
  if (p->error) return p->error;
  if (present < 2) return KZ_OK;
  memset(p->acc, 0, p->n_terms * sizeof *p->acc);
  for (size_t i = 1; i < n; i++) {
    const kz_prox_hit *a = &p->hits[i - 1], *b = &p->hits[i];
    if (a->term == b->term || b->pos == a->pos) continue;
    double d = (double)(b->pos - a->pos);
    p->acc[a->term] += p->terms[b->term].idf / (d * d);
    p->acc[b->term] += p->terms[a->term].idf / (d * d);
  }
  double k = kz_bm25_norm(bm25, doc), bonus = 0;
  for (size_t t = 0; t < p->n_terms; t++) {
    double acc = p->acc[t], w = at_most_one(p->terms[t].idf);
    if (acc > 0) bonus += w * acc / (acc + k);
  }
  *out = bonus;
  return KZ_OK;
}
