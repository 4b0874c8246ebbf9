/*
 * rank_rm3.c - RM3 feedback (see rank_rm3.h): the feedback documents'
 * terms, the relevance model, and the expanded plan with its weights.
 *
 * The documents' tokens go into one buffer; once it stops growing they are
 * sorted by (term, document), so that one pass counts every term of every
 * document and sums the model. The expanded plan owns everything it holds;
 * the original plan becomes part of it, or is freed.
 */
#include "searcher/rank_rm3.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "format/docstore_reader.h"
#include "format/format.h"
#include "searcher/index.h"

#define RM3_MIN_TERM_BYTES 2
#define RM3_MAX_TERM_BYTES 20
#define RM3_MAX_DF_RATIO 0.1

typedef struct token {
  const char *term; /* into the buffer, once it stopped moving */
  uint32_t off, len, doc;
} token;

typedef struct cand {
  const char *term;
  uint32_t len;
  double w;
} cand;

/* Everything one expansion allocates until it hands the plan over. */
typedef struct rm3 {
  kz_buf text;
  token *toks;
  size_t n_toks, cap_toks;
  double *doc_len;
  cand *cands;
  size_t n_cands;
  kz_plan **kept; /* the feedback terms' leaves */
  double *kept_w;
  size_t n_kept;
} rm3;

static void rm3_free(rm3 *m) {
  kz_buf_free(&m->text);
  free(m->toks);
  free(m->doc_len);
  free(m->cands);
  for (size_t i = 0; i < m->n_kept; i++) kz_plan_free(m->kept[i]);
  free(m->kept);
  free(m->kept_w);
}

static int cmp_bytes(const char *a, size_t na, const char *b, size_t nb) {
  int c = memcmp(a, b, na < nb ? na : nb);
  return c ? c : (na > nb) - (na < nb);
}

static int by_term_doc(const void *x, const void *y) {
  const token *a = x, *b = y;
  int c = cmp_bytes(a->term, a->len, b->term, b->len);
  return c ? c : (a->doc > b->doc) - (a->doc < b->doc);
}

static int by_weight(const void *x, const void *y) {
  const cand *a = x, *b = y;
  if (a->w != b->w) return a->w > b->w ? -1 : 1;
  return cmp_bytes(a->term, a->len, b->term, b->len);
}

/* Analyzes field text as the index does, appending its tokens for document `doc`. */
static int add_tokens(rm3 *m, kz_analyzer *an, const char *text, size_t len, uint32_t doc) {
  kz_token tok;
  int rc;
  kz_analyzer_reset(an, text, len);
  while ((rc = kz_analyzer_next(an, &tok)) == 1) {
    if (m->n_toks == m->cap_toks) {
      size_t c = m->cap_toks ? m->cap_toks * 2 : 1024;
      token *t = realloc(m->toks, c * sizeof *t);
      if (!t) return KZ_ERR_NOMEM;
      m->toks = t;
      m->cap_toks = c;
    }
    if (m->text.len > UINT32_MAX - tok.term_len) return KZ_ERR_LIMIT;
    m->toks[m->n_toks++] = (token){NULL, (uint32_t)m->text.len, (uint32_t)tok.term_len, doc};
    if ((rc = kz_buf_append(&m->text, tok.term, tok.term_len))) return rc;
    m->doc_len[doc]++;
  }
  return rc;
}

/* The relevance model's terms, best first, into m->cands. */
static int relevance_model(rm3 *m, const kz_index *idx, const kz_scored *top, size_t n,
                           kz_analyzer *an) {
  kz_stored_doc doc = KZ_STORED_DOC_INIT;
  int rc = (m->doc_len = calloc(n, sizeof *m->doc_len)) ? KZ_OK : KZ_ERR_NOMEM;
  for (size_t i = 0; i < n && !rc; i++) {
    size_t s = kz_index_segment_of(idx, top[i].doc);
    uint32_t local = (uint32_t)(top[i].doc - idx->doc_base[s]);
    if ((rc = kz_docstore_get(&idx->segs[s].store, local, &doc))) break;
    rc = add_tokens(m, an, doc.field[KZ_STORED_TITLE], doc.len[KZ_STORED_TITLE], (uint32_t)i);
    if (!rc) rc = add_tokens(m, an, doc.field[KZ_STORED_BODY], doc.len[KZ_STORED_BODY], (uint32_t)i);
  }
  kz_stored_doc_free(&doc);
  if (rc) return rc;
  for (size_t i = 0; i < m->n_toks; i++) m->toks[i].term = (const char *)m->text.data + m->toks[i].off;
  qsort(m->toks, m->n_toks, sizeof *m->toks, by_term_doc);
  if (!(m->cands = malloc((m->n_toks ? m->n_toks : 1) * sizeof *m->cands))) return KZ_ERR_NOMEM;
  for (size_t i = 0; i < m->n_toks;) {
    cand c = {m->toks[i].term, m->toks[i].len, 0};
    while (i < m->n_toks && !cmp_bytes(c.term, c.len, m->toks[i].term, m->toks[i].len)) {
      uint32_t d = m->toks[i].doc;
      double tf = 0;
      for (; i < m->n_toks && m->toks[i].doc == d &&
             !cmp_bytes(c.term, c.len, m->toks[i].term, m->toks[i].len);
           i++)
        tf++;
      c.w += tf / m->doc_len[d] * top[d].score;
    }
    m->cands[m->n_cands++] = c;
  }
  qsort(m->cands, m->n_cands, sizeof *m->cands, by_weight);
  return KZ_OK;
}

/* A TERM leaf of the text field for `term`, looked up and weighed. */
static int new_leaf(kz_plan **out, const char *term, size_t len, const kz_index *idx,
                    const kz_collection_stats *stats) {
  kz_plan *p = calloc(1, sizeof *p);
  if (!p || !(p->terms = calloc(1, sizeof *p->terms)) || !(p->terms[0].key = malloc(len + 2))) {
    kz_plan_free(p);
    return KZ_ERR_NOMEM;
  }
  p->kind = KZ_P_TERM;
  p->field = KZ_FIELD_TEXT;
  p->n_terms = 1;
  p->terms[0].key[0] = (char)KZ_FIELD_TEXT;
  memcpy(p->terms[0].key + 1, term, len);
  p->terms[0].key[len + 1] = 0;
  p->terms[0].key_len = len + 1;
  int rc = kz_plan_lookup(p, idx->segs, idx->n_segs);
  if (!rc) rc = kz_plan_weigh(p, idx->n_segs, stats);
  if (rc) {
    kz_plan_free(p);
    return rc;
  }
  *out = p;
  return KZ_OK;
}

/* Keeps the best candidates that pass the filters, their weights L1-normalised. */
static int feedback_terms(rm3 *m, const kz_index *idx, const kz_collection_stats *stats,
                          unsigned want) {
  if (!(m->kept = calloc(want, sizeof *m->kept)) || !(m->kept_w = calloc(want, sizeof *m->kept_w)))
    return KZ_ERR_NOMEM;
  double sum = 0;
  for (size_t i = 0; i < m->n_cands && m->n_kept < want; i++) {
    const cand *c = &m->cands[i];
    if (c->len < RM3_MIN_TERM_BYTES || c->len > RM3_MAX_TERM_BYTES || !(c->w > 0)) continue;
    kz_plan *leaf;
    int rc = new_leaf(&leaf, c->term, c->len, idx, stats);
    if (rc) return rc;
    if (leaf->terms[0].df == 0 || (double)leaf->terms[0].df > RM3_MAX_DF_RATIO * (double)stats->n_docs) {
      kz_plan_free(leaf);
      continue;
    }
    m->kept[m->n_kept] = leaf;
    m->kept_w[m->n_kept++] = c->w;
    sum += c->w;
  }
  for (size_t i = 0; i < m->n_kept; i++) m->kept_w[i] /= sum;
  return KZ_OK;
}

/* Whether the plan is bare words: one text term, or a union of text terms. */
static int is_bag(const kz_plan *p) {
  if (p->kind == KZ_P_TERM) return p->field == KZ_FIELD_TEXT;
  if (p->kind != KZ_P_BOOL || p->n_must || p->n_not || !p->n_should) return 0;
  for (size_t i = 0; i < p->n_should; i++)
    if (p->should[i]->kind != KZ_P_TERM || p->should[i]->field != KZ_FIELD_TEXT) return 0;
  return 1;
}

/* The scoring leaves of a plan (terms and phrases outside excluded clauses). */
static size_t scoring_leaves(const kz_plan *p) {
  if (p->kind == KZ_P_TERM || p->kind == KZ_P_PHRASE) return 1;
  size_t n = 0;
  for (size_t i = 0; i < p->n_must; i++) n += scoring_leaves(p->must[i]);
  for (size_t i = 0; i < p->n_should; i++) n += scoring_leaves(p->should[i]);
  return n;
}

/* A kept or new leaf of the expanded query for the weights. */
static int add_should(kz_plan *root, kz_rank_weight *w, kz_plan *leaf, double weight) {
  w[root->n_should] = (kz_rank_weight){leaf, weight};
  root->should[root->n_should++] = leaf;
  return KZ_OK;
}

/* The index of the leaf for `key` among root's should leaves, or n_should. */
static size_t find_key(const kz_plan *root, const char *key, size_t len) {
  size_t i = 0;
  for (; i < root->n_should; i++) {
    const kz_pterm *t = &root->should[i]->terms[0];
    if (t->key_len == len && !memcmp(t->key, key, len)) break;
  }
  return i;
}

/*
 * Bare words: one leaf per distinct term of the query and the model,
 * weighing alpha * q(w) + (1 - alpha) * rm(w). Takes the kept leaves.
 */
static int expand_bag(kz_plan *root, kz_rank_weight *w, rm3 *m, const kz_plan *orig,
                      const kz_index *idx, const kz_collection_stats *stats, double alpha) {
  kz_plan *const *words = orig->kind == KZ_P_TERM ? (kz_plan *const *)&orig : orig->should;
  size_t n_words = orig->kind == KZ_P_TERM ? 1 : orig->n_should;
  for (size_t i = 0; i < m->n_kept; i++) add_should(root, w, m->kept[i], (1 - alpha) * m->kept_w[i]);
  m->n_kept = 0; /* root owns them now */
  for (size_t i = 0; i < n_words; i++) {
    const kz_pterm *t = &words[i]->terms[0];
    size_t j = find_key(root, t->key, t->key_len);
    if (j == root->n_should) {
      kz_plan *leaf;
      int rc = new_leaf(&leaf, t->key + 1, t->key_len - 1, idx, stats);
      if (rc) return rc;
      add_should(root, w, leaf, 0);
    }
    w[j].weight += alpha / (double)n_words;
  }
  return KZ_OK;
}

int kz_rm3_expand(kz_plan **plan, kz_rank_weight **weights, size_t *n_weights,
                  const kz_index *idx, const kz_scored *top, size_t n, kz_analyzer *an,
                  const kz_collection_stats *stats, const kz_search_options *o, kz_error *err) {
  *weights = NULL;
  *n_weights = 0;
  rm3 m = {0};
  kz_plan *root = NULL;
  kz_rank_weight *w = NULL;
  int rc = n ? relevance_model(&m, idx, top, n, an) : KZ_OK;
  if (!rc && n) rc = feedback_terms(&m, idx, stats, o->rm3_terms);
  if (rc || m.n_kept == 0) goto done;
  kz_plan *orig = *plan;
  int bag = !o->default_and && is_bag(orig); /* with --and even one word is required */
  size_t most = m.n_kept + (bag ? (orig->kind == KZ_P_TERM ? 1 : orig->n_should) : 0);
  root = calloc(1, sizeof *root);
  w = calloc(most, sizeof *w);
  if (!root || !w || !(root->should = calloc(most, sizeof *root->should))) {
    rc = KZ_ERR_NOMEM;
    goto done;
  }
  root->kind = KZ_P_BOOL;
  if (bag) {
    rc = expand_bag(root, w, &m, orig, idx, stats, o->rm3_weight);
  } else {
    double alpha = o->rm3_weight > 0.01 ? o->rm3_weight : 0.01;
    double scale = (1 - alpha) / alpha * (double)scoring_leaves(orig);
    for (size_t i = 0; i < m.n_kept; i++) add_should(root, w, m.kept[i], scale * m.kept_w[i]);
    m.n_kept = 0;
    if (!(root->must = malloc(sizeof *root->must))) rc = KZ_ERR_NOMEM;
  }
  if (rc) goto done;
  if (bag) {
    kz_plan_free(orig);
  } else {
    root->must[0] = orig;
    root->n_must = 1;
  }
  *plan = root;
  *weights = w;
  *n_weights = root->n_should;
  root = NULL;
  w = NULL;
done:
  kz_plan_free(root);
  free(w);
  rm3_free(&m);
  if (rc == KZ_ERR_NOMEM) return kz_error_set(err, rc, "out of memory");
  if (rc) return kz_error_set(err, rc, "%s: %s while reading feedback documents", idx->path, kz_strerror(rc));
  return KZ_OK;
}
